"""The compiled kernels of ``model/kernels.py`` against their numpy references.

Each kernel must give what the numpy expression it replaced gives (the seat loop is
compared with its plain-Python reference in tests/test_formation.py), on random
cases that include repeated pairs, a pair with itself and gaps beyond the decay table.
"""

from __future__ import annotations

import numpy as np
import pytest

from model import draws, kernels, state
from model.formation import Teams
from tests import references
from tests.test_state import dense_pairs

CAP = 40
HORIZON = 50
PRIOR = 0.3


def _store(rng):
    F = rng.random((CAP, CAP))
    T = rng.random((CAP, CAP))
    last = rng.integers(0, 2 * HORIZON, size=(CAP, CAP)).astype(np.int64)
    gaps = np.arange(HORIZON + 1)
    return F, T, last, 0.5 ** (gaps / 7.0), 0.5 ** (gaps / 11.0)


def _pairs(rng, n):
    i = rng.integers(0, CAP, n)
    j = rng.integers(0, CAP, n)
    j[:3] = i[:3]  # a pair with itself
    i[-5:], j[-5:] = i[:5], j[:5]  # repeated pairs
    return i, j


@pytest.mark.parametrize("seed", range(5))
def test_settle_pairs_matches_the_numpy_expressions(seed):
    rng = np.random.default_rng(seed)
    F, T, last, fd, td = _store(rng)
    i, j = _pairs(rng, 300)
    now = 2 * HORIZON + 5  # some gaps exceed the table
    ref_F, ref_T, ref_last = F.copy(), T.copy(), last.copy()
    gap = np.minimum(now - ref_last[i, j], HORIZON)
    ref_F[i, j] *= fd[gap]
    ref_T[i, j] = PRIOR + (ref_T[i, j] - PRIOR) * td[gap]
    ref_last[i, j] = now
    fam, trust = kernels.settle_pairs(dense_pairs(F, T, last, fd, td, PRIOR), i, j, now)
    np.testing.assert_array_equal(F, ref_F)
    np.testing.assert_array_equal(T, ref_T)
    np.testing.assert_array_equal(last, ref_last)
    np.testing.assert_array_equal(fam, ref_F[i, j])
    np.testing.assert_array_equal(trust, ref_T[i, j])


@pytest.mark.parametrize("seed", range(5))
def test_familiarity_reads_match_and_leave_the_store_alone(seed):
    rng = np.random.default_rng(seed)
    F, _, last, fd, _ = _store(rng)
    before = F.copy(), last.copy()
    now = 2 * HORIZON + 5
    i, j = _pairs(rng, 200)
    expected = F[i, j] * fd[np.minimum(now - last[i, j], HORIZON)]
    np.testing.assert_array_equal(kernels.current_familiarity(dense_pairs(F, last=last, f_decay=fd),
                                                              i, j, now), expected)
    ids = rng.integers(0, CAP, size=(7, 9))
    F_sym, last_sym = np.triu(F) + np.triu(F, 1).T, np.triu(last) + np.triu(last, 1).T
    block = F_sym[ids[:, :, None], ids[:, None, :]] * fd[
        np.minimum(now - last_sym[ids[:, :, None], ids[:, None, :]], HORIZON)]
    np.testing.assert_array_equal(kernels.familiarity_blocks(
        dense_pairs(F_sym, last=last_sym, f_decay=fd), ids, now),
                                  block)  # a symmetric store, as the model's
    np.testing.assert_array_equal(F, before[0])
    np.testing.assert_array_equal(last, before[1])


@pytest.mark.parametrize("seed", range(5))
def test_store_pairs_keeps_last_values_and_exact_column_changes(seed):
    rng = np.random.default_rng(seed)
    arr = rng.random((CAP, CAP))
    i, j = _pairs(rng, 300)
    values = rng.random(i.size)
    tracked = rng.random((2, CAP)) < 0.5  # two sets of tracked rows, each with its sums
    sums = rng.random((2, CAP))
    cols = np.zeros((2, 2, CAP))  # its column sums are the trust's (quantity 1)
    cols[:, 1] = sums
    ref = arr.copy()
    ref[i, j] = values  # fancy assignment: a repeated pair keeps its last value
    # Column sums over tracked rows, without the diagonal, change by the block's change.
    expected = np.stack([sums[s] + ((ref - arr) * tracked[s][:, None]
                                    * (1 - np.eye(CAP))).sum(axis=0) for s in range(2)])
    fam = rng.random((CAP, CAP))
    fam_before = fam.copy()
    stored = kernels.store_pairs(dense_pairs(fam, arr, tracked=tracked, cols=cols), 1, i, j,
                                 values)
    np.testing.assert_array_equal(arr, ref)
    np.testing.assert_array_equal(stored, ref[i, j])
    np.testing.assert_allclose(cols[:, 1], expected, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(fam, fam_before)  # the other quantity and its sums alone
    assert not cols[:, 0].any()


def test_list_new_flags_each_pair_once():
    rng = np.random.default_rng(7)
    listed = rng.random((CAP, CAP)) < 0.2
    i, j = _pairs(rng, 400)
    values = rng.random(i.size)
    before = listed.copy()
    keys = kernels.list_new(listed, i, j, values, 0.6)
    want = {int(a) * CAP + int(b) for a, b, v in zip(i, j, values, strict=True)
            if v >= 0.6 and a != b and not before[a, b]}
    assert sorted(keys.tolist()) == sorted(want) and len(keys) == len(want)
    flagged = before.copy()
    flagged.reshape(-1)[list(want)] = True
    np.testing.assert_array_equal(listed, flagged)


def _pairs_reference(groups):
    """The model's former numpy construction of the ordered pairs within groups."""
    flat = np.concatenate(groups)
    sizes = np.array([g.size for g in groups])
    starts = np.cumsum(sizes) - sizes
    size_of, start_of = np.repeat(sizes, sizes), np.repeat(starts, sizes)
    local = np.arange(flat.size) - start_of
    n_partners = size_of - 1
    who = np.repeat(np.arange(flat.size), n_partners)
    k = np.arange(who.size) - np.repeat(np.cumsum(n_partners) - n_partners, n_partners)
    partner = k + (k >= local[who])
    group = np.repeat(np.repeat(np.arange(len(groups)), sizes), n_partners)
    return flat[who], flat[start_of[who] + partner], group


@pytest.mark.parametrize("seed", range(5))
def test_team_pairs_match_the_former_construction(seed):
    rng = np.random.default_rng(seed)
    groups = [rng.choice(100, size=int(s), replace=False) for s in rng.integers(1, 7, 30)]
    bounds = np.concatenate(([0], np.cumsum([g.size for g in groups])))
    got = kernels.team_pairs(np.concatenate(groups), bounds)
    for a, b in zip(got, _pairs_reference(groups), strict=True):
        np.testing.assert_array_equal(a, b)


def _teams_reference(seats, ids, m):
    """The former numpy construction of teams from seats (lists of member arrays)."""
    lane, seat = np.nonzero(seats >= 0)
    members = ids[lane, seats[lane, seat]]
    team = lane * (-(-seats.shape[1] // m)) + seat // m
    cuts = np.flatnonzero(team[1:] != team[:-1]) + 1
    return [g.tolist() for g in np.split(members, cuts)] if lane.size else []


@pytest.mark.parametrize("seed", range(5))
def test_gather_teams_matches_the_former_construction(seed):
    rng = np.random.default_rng(seed)
    for _ in range(40):
        lanes, width, m = (int(x) for x in rng.integers(1, 9, 3))
        seats = rng.integers(-1, width, size=(lanes, width))
        ids = rng.integers(0, 1000, size=(lanes, width))
        members, bounds = kernels.gather_teams(seats, ids, m)
        got = [g.tolist() for g in Teams(members, bounds)]
        assert got == _teams_reference(seats, ids, m)


@pytest.mark.parametrize("seed", range(5))
def test_seamless_cases_match_the_former_numpy(seed):
    rng = np.random.default_rng(seed)
    _, T, last, _, td = _store(rng)
    now, n_orgs = 2 * HORIZON + 5, 6
    org = rng.integers(0, n_orgs, CAP)
    present = rng.random(CAP) < 0.8
    know = rng.random((CAP, n_orgs + 2)) - 0.1
    a, c = rng.uniform(0.5, 1.0, CAP), rng.uniform(0.0, 0.2, CAP)
    who = rng.integers(0, CAP, 300)
    drawn = rng.integers(0, n_orgs - 1, 300)
    # The former numpy form: target past one's own organisation, knowledge, a padded roster.
    target = np.where(drawn >= org[who], drawn + 1, drawn)
    known = a[who] * (know[who, target] + c[who]) >= 0.4
    trust = PRIOR + (T - PRIOR) * td[np.minimum(now - last, HORIZON)]
    want = [int(w) for w, o in zip(who[known], target[known], strict=True)
            if (trust[w, present & (org == o)] >= 0.6).any()]
    got = kernels.seamless_cases(who, drawn, org, n_orgs, present, _arrays(know, a, c),
                                 dense_pairs(T=T, last=last, t_decay=td, prior=PRIOR), 0.4,
                                 0.6, now)
    assert got.tolist() == want and 0 < len(want) < known.sum()


@pytest.mark.parametrize("seed", range(5))
def test_case_lanes_match_the_former_numpy(seed):
    rng = np.random.default_rng(seed)
    for n in (0, 1, 25):
        workers = np.sort(rng.choice(CAP, n, replace=False)).astype(np.int64)
        n_cases = rng.poisson(0.8, size=workers.size)
        who = kernels.case_lanes(workers, n_cases)
        want = np.repeat(workers, n_cases)
        np.testing.assert_array_equal(who, want)
        assert who.dtype == want.dtype


def test_status_kernels_match_the_former_numpy():
    rng = np.random.default_rng(8)
    codes = np.array([0, 1, 2, 3], dtype=np.int8)
    commitment = rng.random(CAP)
    present = rng.random(CAP) < 0.8
    status = np.where(present, 1, 3).astype(np.int8)
    dormant = rng.integers(0, 6, CAP)
    slots = np.flatnonzero(present)
    ref_status, ref_dormant, ref_present = status.copy(), dormant.copy(), present.copy()
    c = commitment[slots]
    ref_status[slots] = np.where(c >= 0.5, 0, np.where(c >= 0.2, 1, 2))
    ref_dormant[slots] = np.where(ref_status[slots] == 2, ref_dormant[slots] + 1, 0)
    leaving = slots[ref_dormant[slots] > 4]
    ref_present[leaving] = False
    ref_status[leaving] = 3
    before = status.copy()
    strengths = rng.random((CAP, 3)) < 0.5
    changed, holders = kernels.age_status(status, present, commitment, dormant, CAP, 0.5, 0.2,
                                          4, codes, strengths, 2)
    for got, want in ((status, ref_status), (dormant, ref_dormant), (present, ref_present)):
        np.testing.assert_array_equal(got, want)
    assert leaving.size > 0
    assert changed == int((ref_status != before).any()) + 2 * int(leaving.size > 0)
    active = np.flatnonzero(ref_status == 0)
    np.testing.assert_array_equal(holders, active[strengths[:, 2][active]])
    # Nothing left to change: the same call again reports no change (the dormant count aside).
    keep = present.copy()
    status_now = status.copy()
    assert kernels.age_status(status, present, commitment, np.zeros(CAP, dtype=np.int64), CAP,
                              0.5, 0.2, 4, codes, strengths, 2)[0] == 0
    np.testing.assert_array_equal(status, status_now)
    np.testing.assert_array_equal(present, keep)
    assert kernels.set_status(status, commitment, slots, 0.9, 0.1, codes)
    np.testing.assert_array_equal(status[slots], np.where(commitment[slots] >= 0.9, 0,
                                                          np.where(commitment[slots] >= 0.1, 1, 2)))
    assert not kernels.set_status(status, commitment, slots, 0.9, 0.1, codes)  # no change



@pytest.mark.parametrize("n", [0, 1, 2, 7])
def test_follow_up_matches_the_former_numpy(n):
    rng = np.random.default_rng(n)
    codes = np.array([0, 1, 2, 3], dtype=np.int8)
    commitment, purpose = rng.random(CAP), rng.random(CAP)
    status = rng.integers(0, 3, CAP).astype(np.int8)
    chosen = rng.choice(CAP, size=n, replace=False)
    ref_c, ref_p, ref_s = commitment.copy(), purpose.copy(), status.copy()
    before = status.copy()
    org = rng.integers(0, 3, CAP)
    c = ref_c[chosen]
    ref_c[chosen] = c + 0.3 * 0.8 * (1 - c)
    own = np.where(org[chosen] != 0, 0.7, 1.0)  # a lead organisation's goal: others own less
    ref_p[chosen] += 0.3 * (0.6 * own - ref_p[chosen])
    x = ref_c[chosen]
    ref_s[chosen] = np.where(x >= 0.5, 0, np.where(x >= 0.2, 1, 2))
    changed = kernels.follow_up(chosen, commitment, purpose, status, org, 0.3 * 0.8, 0.3, 0.6,
                                0.7, 0.5, 0.2, codes)
    for got, want in ((commitment, ref_c), (purpose, ref_p), (status, ref_s)):
        np.testing.assert_array_equal(got, want)
    assert changed == bool((ref_s != before).any())


@pytest.mark.parametrize(("drifting", "n"),
                         [(0, 0), (1, 1), (7, 0), (7, 2), (7, 7), (CAP - 1, 5)])
def test_drawn_follow_up_is_choice_then_follow_up(drifting, n):
    """The former form: numpy's choice of positions among the drifting (listed in numpy),
    then follow_up."""
    rng = np.random.default_rng(drifting + n)
    codes = np.array([0, 1, 2, 3], dtype=np.int8)
    people = state.allocate(state.PEOPLE, CAP)
    commitment, purpose, status = people["commitment"], people["purpose"], people["status"]
    commitment[:], purpose[:] = rng.random(CAP), rng.random(CAP)
    # ``drifting`` present slots peripheral or dormant, a few active and a few gone before
    # ``used``; beyond ``used`` a drifting-looking slot that never counts.
    used = CAP - 1
    slots = np.sort(rng.choice(used, size=drifting, replace=False))
    people["present"][:used] = True
    status[:used] = 0
    status[slots] = rng.integers(1, 3, slots.size)
    others = np.setdiff1d(np.arange(used), slots)
    gone = others[rng.random(others.size) < 0.3]
    people["present"][gone], status[gone] = False, 3
    people["present"][used], status[used] = True, 2
    present = people["present"]
    np.testing.assert_array_equal(np.flatnonzero(present[:used] & (status[:used] >= 1)), slots)
    ref_c, ref_p, ref_s = commitment.copy(), purpose.copy(), status.copy()
    ours, theirs = np.random.default_rng(n), np.random.default_rng(n)
    ours.integers(3), theirs.integers(3)  # a half-used output before, as in a model's week
    want = slots[theirs.choice(slots.size, size=n, replace=False)]
    org = rng.integers(0, 3, CAP)
    want_changed = kernels.follow_up(want, ref_c, ref_p, ref_s, org, 0.24, 0.3, 0.6, 0.8, 0.5,
                                     0.2, codes)
    rule = kernels.rule_record(kernels.FollowUpRule(0.24, 0.3, 0.8, 0.5, 0.2))
    chosen, changed = kernels.drawn_follow_up(draws.source(ours), present, status, used, n,
                                              commitment, purpose, org, 0.6, rule, codes)
    np.testing.assert_array_equal(chosen, want)
    assert changed == want_changed
    for got, ref in ((commitment, ref_c), (purpose, ref_p), (status, ref_s)):
        np.testing.assert_array_equal(got, ref)
    assert ours.random() == theirs.random()  # the stream goes on where numpy's would


@pytest.mark.parametrize("n", [0, 1, 9])
def test_recruits_count_as_the_former_numpy(n):
    rng = np.random.default_rng(n)
    commitment = rng.random(CAP)
    recruiters = np.sort(rng.choice(CAP, size=n, replace=False))
    u = rng.random(n)
    want = int((u < 0.4 * commitment[recruiters]).sum())
    assert kernels.recruits(u, recruiters, commitment, 0.4) == want

def _reference_encounter(rel, i, j, g, u, face, virtual_factor, atmosphere, dialogue, org,
                         resident, know, rule, now):
    """The encounter rule as the model wrote it in numpy before the fused kernel, on the
    store's primitive writes."""
    (fam_gain, breach_base, strain_rate, facilitation, openness, d_res, d_cross, trust_gain,
     floor, loss_ratio, flow) = rule
    rel.settle(i, j, now)
    factor = np.ones(i.size) if face.size == 0 else np.where(face[i] & face[j], 1.0,
                                                              virtual_factor)
    fam = rel.F[i, j]
    rel.set_familiarity(i, j, fam + fam_gain * factor * (1 - fam), now)
    atm = atmosphere[g]
    dq = 0.5 * (dialogue[i].mean(axis=1) + dialogue[j].mean(axis=1))
    distance = np.where(resident[i] != resident[j], d_res, np.where(org[i] != org[j], d_cross, 0.0))
    suspension = 1.0 - (1.0 - facilitation) * (1.0 - openness * 0.5 * (dialogue[i, 0] + dialogue[j, 0]))
    strain = 1.0 + strain_rate * distance * (1.0 - suspension)
    breach = u < np.minimum(1.0, breach_base * (1 - dq) * (1 - atm) * strain)
    t = rel.T[i, j]
    gain = trust_gain * factor * rel.F[i, j] * (floor + (1 - floor) * atm) * (1 - t)
    loss = loss_ratio * trust_gain * t
    rel.set_trust(i, j, np.clip(np.where(breach, t - loss, t + gain), 0.0, 1.0), now)
    know.close_gaps(i, org[j], flow * rel.T[i, j])
    return rel.T[i, j], breach


@pytest.mark.parametrize("seed", range(6))
def test_encounter_kernel_equals_the_numpy_rule_on_the_store(seed):
    from model.knowledge import Knowledge
    from model.relations import Relations

    rng = np.random.default_rng(seed)
    cap, orgs, n = 60, 5, 45
    stores, knows = [], []
    for _ in range(2):
        rel = Relations(cap, 0.3, 9.0, 13.0, tie_threshold=0.55)
        rel.dense_below = 0  # keep running column sums whatever the size
        knowledge = Knowledge(cap, 8)
        for _ in range(orgs):
            knowledge.add_organisation()
        stores.append(rel)
        knows.append(knowledge)
    slots = np.arange(n)
    fam = rng.random((n, n)) * 0.6
    fam = (fam + fam.T) / 2
    trust = rng.random((n, n))
    org = rng.integers(0, orgs, cap)
    know = rng.random((n, orgs))
    for rel, knowledge in zip(stores, knows, strict=True):
        rel.set_block(slots, fam, trust, 0)
        knowledge.set_rows(slots, know)
        knowledge.forget(slots[:5], org[:5])
        knowledge.scale(slots, 0.9)
        rel.pair_sums(slots[: n - 6], 3)  # track most rows
        rel.seat_sums(slots[10:], 3)  # and another set of them, for the seats' sums
    members = rng.permutation(n)[:40]
    bounds = np.array([0, 4, 8, 11, 15, 20, 23, 27, 30, 34, 37, 40])
    i, j, g = kernels.team_pairs(members, bounds)
    repeat = rng.integers(0, i.size, 15)  # a pair met twice, as in overlapping working groups
    i, j, g = (np.concatenate((x, x[repeat])) for x in (i, j, g))
    u = rng.random(i.size)
    face = rng.random(cap) < 0.7 if seed % 2 else np.zeros(0, dtype=bool)
    args = (0.4, rng.random(bounds.size - 1), rng.random((cap, 4)), org, rng.random(cap) < 0.2)
    rule = kernels.EncounterRule(0.2, 0.6, 0.5, 0.3, 0.6, 0.7, 0.4, 0.15, 0.3, 1.5, 0.25)
    got = stores[0].encounter(i, j, g, u, face, *args, knows[0], rule, 7)
    want = _reference_encounter(stores[1], i, j, g, u, face, *args, knows[1], rule, 7)
    assert 0 < want[1].sum() < want[1].size  # some pairs breach, some build trust
    for a, b in zip(got, want, strict=True):
        np.testing.assert_array_equal(a, b)
    fast, ref = stores
    for name in ("F", "T", "last"):
        np.testing.assert_array_equal(getattr(fast, name), getattr(ref, name), err_msg=name)
    np.testing.assert_array_equal(knows[0]._k, knows[1]._k)
    # The kernel keeps the knowledge row sums up to date; the reference marks rows stale.
    everyone, orgs_in_use = np.arange(n), np.arange(orgs)
    np.testing.assert_allclose(knows[0].sums(everyone, orgs_in_use),
                               knows[1].sums(everyone, orgs_in_use), rtol=1e-13)
    np.testing.assert_allclose(fast._cols, ref._cols, rtol=0, atol=1e-12)
    listed = [np.sort(np.concatenate(r._candidates)) for r in stores]
    np.testing.assert_array_equal(*listed)


def _candidate_lanes_reference(F, last, fd, initiators, cand, collaborated, acq, collab, now):
    """The former numpy construction of the working-group lanes."""
    k = cand.shape[1]

    def fam(a, b):
        return F[a, b] * fd[np.minimum(now - last[a, b], fd.size - 1)]

    fam_who = fam(np.repeat(initiators, k), cand.ravel()).reshape(cand.shape)
    available = (fam_who >= acq) & (cand != initiators[:, None])
    lanes = np.flatnonzero(available.any(axis=1))
    cand, available, fam_who = cand[lanes], available[lanes], fam_who[lanes]
    earlier = np.tri(k, k, -1, dtype=bool)
    repeat = ((cand[:, :, None] == cand[:, None, :]) & earlier).any(axis=2)
    seasoned = collaborated[cand]
    incumbent = np.zeros((lanes.size, k + 1), dtype=bool)
    newcomer = np.zeros((lanes.size, k + 1), dtype=bool)
    ok = available & ~repeat
    incumbent[:, :k] = ok & seasoned
    newcomer[:, :k] = ok & ~seasoned
    ties = np.zeros((lanes.size, k + 1, k + 1), dtype=bool)
    ties[:, :k, :k] = fam(cand[:, :, None], cand[:, None, :]) >= collab
    ties[:, k, :k] = fam_who >= collab
    return lanes, incumbent, newcomer, ties


@pytest.mark.parametrize("seed", range(5))
def test_candidate_lanes_match_the_former_construction(seed):
    rng = np.random.default_rng(seed)
    F, _, last, fd, _ = _store(rng)
    F = F ** 3  # many pairs below the thresholds
    F, last = np.triu(F) + np.triu(F, 1).T, np.triu(last) + np.triu(last, 1).T  # symmetric
    initiators = rng.choice(CAP, 25, replace=False)
    cand = rng.integers(0, CAP, size=(25, 8))
    cand[:3, 2] = initiators[:3]  # an initiator among its own draws
    cand[3:6, 4] = cand[3:6, 1]  # a person drawn twice
    collaborated = rng.random(CAP) < 0.5
    now = 2 * HORIZON + 5
    got = references.candidate_lanes(F, last, fd, initiators, cand, collaborated, 0.2, 0.4, now)
    want = _candidate_lanes_reference(F, last, fd, initiators, cand, collaborated, 0.2, 0.4, now)
    assert 0 < want[0].size < initiators.size
    for a, b in zip(got, want, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("seed", range(5))
def test_reset_pairs_matches_the_numpy_writes_and_row_subtraction(seed):
    rng = np.random.default_rng(seed)
    F, T, last, fd, td = _store(rng)
    slots = rng.choice(30, 3, replace=False)
    tracked = rng.random((2, CAP)) < 0.5  # two sets of tracked rows, each with its sums
    sums = rng.random((2, 2, CAP))
    now, n, hi = 2 * HORIZON + 5, 35, 33
    ref_F, ref_T, ref_last, ref_sums = F.copy(), T.copy(), last.copy(), sums.copy()
    for s in range(2):
        for r in slots[tracked[s, slots]]:
            gap = np.minimum(now - last[r, :hi], HORIZON)
            fam, trust = F[r, :hi] * fd[gap], (T[r, :hi] - PRIOR) * td[gap]
            fam[r], trust[r] = 0.0, 0.0
            ref_sums[s, 0, :hi] -= fam
            ref_sums[s, 1, :hi] -= trust
    ref_sums[:, :, slots] = 0.0
    for arr, value in ((ref_F, 0.0), (ref_T, PRIOR), (ref_last, now)):
        arr[slots, :n] = value
        arr[:n, slots] = value
    kernels.reset_pairs(dense_pairs(F, T, last, fd, td, PRIOR, tracked, sums), slots, n, now, hi)
    np.testing.assert_array_equal(F, ref_F)
    np.testing.assert_array_equal(T, ref_T)
    np.testing.assert_array_equal(last, ref_last)
    np.testing.assert_allclose(sums, ref_sums, rtol=0, atol=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_best_benefit_and_group_means_match_the_former_numpy(seed):
    rng = np.random.default_rng(seed)
    _, T, last, _, td = _store(rng)
    now = 2 * HORIZON + 5
    members = rng.permutation(CAP)[:30]
    bounds = np.array([0, 3, 7, 10, 14, 18, 21, 25, 30])
    i, j, g = kernels.team_pairs(members, bounds)
    org = rng.integers(0, 4, CAP)
    resident = rng.random(CAP) < 0.2
    distance = np.where(resident[i] != resident[j], 0.9, np.where(org[i] != org[j], 0.5, 0.0))
    trust = PRIOR + (T[i, j] - PRIOR) * td[np.minimum(now - last[i, j], HORIZON)]
    for factor in (np.zeros(0), distance, (org[i] != org[j]).astype(float)):
        benefit = np.clip((trust - PRIOR) / (1.0 - PRIOR), 0.0, 1.0)
        if factor.size:
            benefit = benefit * factor
        best = np.zeros(CAP)
        np.maximum.at(best, i, benefit)
        who, got = kernels.best_benefit(dense_pairs(T=T, last=last, t_decay=td, prior=PRIOR),
                                        i, j, factor, now, CAP)
        np.testing.assert_array_equal(who, np.flatnonzero(best))
        np.testing.assert_array_equal(got, best[who])
    n = bounds.size - 1
    size = np.bincount(g, minlength=n)
    want = (np.bincount(g, weights=distance, minlength=n) / np.maximum(size, 1),
            np.bincount(g, weights=T[i, j], minlength=n) / np.maximum(size, 1),
            np.bincount(g, weights=resident[i], minlength=n) > 0)
    np.testing.assert_array_equal(kernels.distances(i, j, org, resident, 0.9, 0.5), distance)
    got = kernels.group_means(i, j, g, n, T[i, j], org, resident, 0.9, 0.5)
    for a, b in zip(got, want, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("seed", range(5))
def test_partners_effects_match_the_former_numpy(seed):
    rng = np.random.default_rng(seed)
    members = rng.permutation(CAP)[:24]
    i, j, _ = kernels.team_pairs(members, np.array([0, 3, 7, 12, 16, 20, 24]))
    trust = rng.random(i.size)
    tie, contacts, lift = rng.random(CAP), rng.integers(0, 9, CAP), rng.random(CAP)
    commitment, lifter = rng.random(CAP), rng.random(CAP) < 0.4
    ref = tie.copy(), contacts.copy(), lift.copy()
    mean_trust = np.bincount(i, weights=trust, minlength=CAP)
    count = np.bincount(i, minlength=CAP)
    talked = np.flatnonzero(count)
    ref[0][talked] += 0.2 * (mean_trust[talked] / count[talked] - ref[0][talked])
    ref[1][talked] += count[talked]
    np.add.at(ref[2], i[lifter[j]], 0.05 * commitment[j[lifter[j]]])
    kernels.partners_effects(i, j, trust, tie, contacts, lift, commitment, lifter, 0.2, 0.05)
    for got, want in zip((tie, contacts, lift), ref, strict=True):
        np.testing.assert_array_equal(got, want)


def _arrays(know, scale, shift, stale=None, own=None) -> state.KnowledgeArrays:
    """The kernels' structure over a test's knowledge arrays (the row sums, and the flags
    and organisations when not given, are fresh arrays the test does not read).
    """
    rows = know.shape[0]
    return state.KnowledgeArrays.of(
        know, scale, shift, np.zeros(rows), np.zeros(rows, dtype=bool) if stale is None else stale,
        np.zeros(rows, dtype=np.int64) if own is None else own)


def _knowledge_store(rng, rows=30, orgs=7):
    know = rng.random((rows, orgs + 3)) - 0.2  # stored values with pending maps
    scale = rng.uniform(0.3, 1.0, rows)
    shift = rng.uniform(0.0, 0.2, rows)
    own = rng.integers(0, orgs, rows)
    return know, scale, shift, own, orgs


@pytest.mark.parametrize("seed", range(5))
def test_close_gaps_matches_the_former_numpy(seed):
    rng = np.random.default_rng(seed)
    know, a, c, _, orgs = _knowledge_store(rng)
    rows = rng.integers(0, 30, 80)
    cols = rng.integers(0, orgs, 80)
    share = rng.random(80)
    ref = know.copy()
    stored = ref[rows, cols]
    gap = 1.0 - a[rows] * (stored + c[rows])
    np.maximum.at(ref, (rows, cols), stored + share * gap / a[rows])
    stale = np.zeros(30, dtype=bool)
    kernels.close_gaps(_arrays(know, a, c, stale), rows, cols, share)
    np.testing.assert_array_equal(know, ref)
    assert stale.tolist() == np.isin(np.arange(30), rows).tolist()


@pytest.mark.parametrize(("seed", "repeated", "orgs"),
                         [(s, r, o) for s in range(4) for r in (False, True) for o in (7, 45)])
def test_pass_on_matches_the_former_numpy(seed, repeated, orgs):
    # 45 organisations: rows long enough for the kernel's vectorised loop and its remainder.
    rng = np.random.default_rng(seed)
    know, a, c, own, orgs = _knowledge_store(rng, orgs=orgs)
    n = 12
    targets = rng.integers(0, 8, n) if repeated else rng.choice(30, n, replace=False)
    sources = rng.integers(0, 30, n)
    sources[:3] = targets[-3:]  # targets that are sources too: read before any is written
    share = rng.random(n)
    ref = know.copy()
    both = np.concatenate((targets, sources))
    k = a[both, None] * (ref[both, :orgs] + c[both, None])
    k[np.arange(2 * n), own[both]] = 1.0
    update = k[:n] + share[:, None] * np.maximum(0.0, k[n:] - k[:n])
    stored = update / a[targets, None] - c[targets, None]
    if repeated:
        np.maximum.at(ref, (targets[:, None], np.arange(orgs)[None, :]), stored)
    else:
        ref[targets, :orgs] = stored
    stale = np.zeros(30, dtype=bool)
    kernels.pass_on(_arrays(know, a, c, stale, own), orgs, sources, targets, share)
    np.testing.assert_array_equal(know, ref)
    assert stale.tolist() == np.isin(np.arange(30), targets).tolist()


@pytest.mark.parametrize("seed", range(5))
def test_trusted_contacts_match_the_former_numpy(seed):
    rng = np.random.default_rng(seed)
    _, T, last, _, td = _store(rng)
    now = 2 * HORIZON + 5
    b = np.repeat(rng.choice(CAP, 10, replace=False), 4)
    c = rng.integers(0, CAP, b.size)
    c[:3] = b[:3]  # a broker drawn as its own contact
    keep = c != b
    bb, cc = b[keep], c[keep]
    trust = PRIOR + (T - PRIOR) * td[np.minimum(now - last, HORIZON)]
    trusted = trust[cc, bb] >= 0.35
    want = bb[trusted], cc[trusted], trust[cc, bb][trusted], trust[bb, cc][trusted]
    got = kernels.trusted_contacts(dense_pairs(T=T, last=last, t_decay=td, prior=PRIOR), b, c,
                                   0.35, now)
    assert 0 < trusted.sum() < trusted.size
    for x, y in zip(got, want, strict=True):
        np.testing.assert_array_equal(x, y)
        assert x.dtype == y.dtype



def _pick_contacts_reference(truster, trusted, brokers, per_broker, u, width):
    """The numpy form of ``NetworkModel._broker_contacts`` that ``pick_contacts`` replaced."""
    b = np.repeat(brokers, per_broker)
    is_broker = np.zeros(width, dtype=bool)
    is_broker[b] = True
    keep = is_broker[trusted]
    truster, trusted = truster[keep], trusted[keep]
    order = np.lexsort((truster, trusted))
    truster, trusted = truster[order], trusted[order]
    first = np.searchsorted(trusted, b, side="left")
    n = np.searchsorted(trusted, b, side="right") - first
    found = n > 0
    pick = first[found] + (u[found] * n[found]).astype(np.int64)
    return b[found], truster[pick]


def _random_ties(rng, density):
    """Distinct ordered pairs (truster, trusted) of distinct slots, in random order."""
    i, j = np.nonzero((rng.random((CAP, CAP)) < density) & ~np.eye(CAP, dtype=bool))
    order = rng.permutation(i.size)
    return i[order], j[order]


@pytest.mark.parametrize("seed", range(6))
def test_pick_contacts_match_the_former_numpy(seed):
    rng = np.random.default_rng(seed)
    truster, trusted = _random_ties(rng, [0.0, 0.05, 0.3, 1.0][seed % 4])
    brokers = np.sort(rng.choice(CAP, size=[0, 1, 6, 12][seed % 4], replace=False))
    for per_broker in (1, 3):
        u = rng.random(brokers.size * per_broker)
        u[:2] = 1.0 - 2.0**-53  # the largest uniform: the last truster, never past it
        want = _pick_contacts_reference(truster, trusted, brokers, per_broker, u, CAP)
        got = kernels.pick_contacts(truster, trusted, brokers, per_broker, u, CAP)
        for x, y in zip(got, want, strict=True):
            np.testing.assert_array_equal(x, y)
            assert x.dtype == np.int64


def test_sorted_keys_are_numpy_sort_on_both_sides_of_the_insertion_limit():
    """Insertion below the limit and numpy's sort above give numpy's order, repeats and all,
    and only the first ``n`` keys are sorted."""
    rng = np.random.default_rng(3)
    limit = kernels.INSERTION_SORT_MAX
    for n in (0, 1, 2, 7, limit - 1, limit, limit + 1, 3 * limit):
        keys = rng.integers(0, 50, size=n + 5)  # few values: repeats
        want = np.sort(keys[:n])
        got = kernels.sorted_keys(keys.copy(), n)
        np.testing.assert_array_equal(got, want)
        assert got.dtype == np.int64


@pytest.mark.parametrize("seed", range(5))
def test_broker_contacts_are_ties_then_picks_then_trusted_contacts(seed):
    """The fused kernel gives what its three steps give one after the other, and leaves the
    candidates and their flags as ``current_ties`` does."""
    rng = np.random.default_rng(seed)
    _, T, last, _, td = _store(rng)
    now = 2 * HORIZON + 5
    listed = rng.random((CAP, CAP)) < 0.4
    np.fill_diagonal(listed, False)
    key = np.flatnonzero(listed)[rng.permutation(int(listed.sum()))]
    member = rng.random(CAP) < 0.8
    brokers = np.sort(rng.choice(CAP, size=[0, 1, 8, 15, 20][seed], replace=False))
    u = rng.random(brokers.size * 2)
    rel = dense_pairs(T=T, last=last, t_decay=td, prior=PRIOR, listed=listed)
    ref_key, ref_listed = key.copy(), listed.copy()
    kept, ties = kernels.current_ties(ref_key, dense_pairs(T=T, last=last, t_decay=td,
                                                           prior=PRIOR, listed=ref_listed),
                                      now, 0.3 - 1e-9, 0.3, member)
    b, c = _pick_contacts_reference(ties[0], ties[1], brokers, 2, u, CAP)
    want = (kept, *kernels.trusted_contacts(rel, b, c, 0.35, now))
    got = kernels.broker_contacts(key, rel, 0.3 - 1e-9, 0.3, member, brokers, 2, u, 0.35, now)
    assert got[0] == want[0]
    for x, y in zip(got[1:], want[1:], strict=True):
        np.testing.assert_array_equal(x, y)
    np.testing.assert_array_equal(key[:kept], ref_key[:kept])
    np.testing.assert_array_equal(listed, ref_listed)

def test_current_trust_matches_the_numpy_read():
    rng = np.random.default_rng(11)
    _, T, last, _, td = _store(rng)
    i, j = _pairs(rng, 200)
    now = 2 * HORIZON + 5
    expected = PRIOR + (T[i, j] - PRIOR) * td[np.minimum(now - last[i, j], HORIZON)]
    np.testing.assert_array_equal(kernels.current_trust(
        dense_pairs(T=T, last=last, t_decay=td, prior=PRIOR), i, j, now), expected)


def _motivate_reference(s, rule, now, interval, disc):
    """The former numpy form of ``NetworkModel.motivate`` on a dict of person arrays."""
    (r, tie_fade, purpose_decay, w_value, half, w_autonomy, w_purpose, w_skills, w_ties,
     w_time, rate) = rule
    live = s["present"]
    new = {k: v.copy() for k, v in s.items()}

    def update(name, value):
        np.copyto(new[name], value, where=live)
        return new[name]

    v = update("value_ema", s["value_ema"] + r * (s["week_value"] - s["value_ema"]))
    update("value_cum", s["value_cum"] + s["week_value"])
    hours = update("hours_ema", s["hours_ema"] + r * (s["week_hours"] - s["hours_ema"]))
    skills = update("skill_use", s["skill_use"] + r * (s["week_active"] - s["skill_use"]))
    ties = update("tie_ema", s["tie_ema"] * np.where(s["week_active"], 1.0, 1.0 - tie_fade))
    alloc = s["org_time"][s["org"]] / 4.345 + disc
    with np.errstate(divide="ignore", invalid="ignore"):
        pressure = np.where(hours > 0, np.maximum(0.0, 1.0 - alloc / hours), 0.0)
    absent = now - s["last_attended"] > interval
    purpose = update("purpose", s["purpose"] - purpose_decay * absent * s["purpose"])
    target = (w_value * v / (v + half) + w_autonomy * s["autonomy"] + w_purpose * purpose
              + w_skills * skills + w_ties * ties - w_time * pressure)
    c = s["commitment"]
    update("commitment", np.clip(c + rate * (target - c) + s["week_lift"] * (1 - c), 0.0, 1.0))
    return new, float(s["week_hours"][live].sum())


@pytest.mark.parametrize("seed", range(4))
def test_motivate_matches_the_former_numpy(seed):
    rng = np.random.default_rng(seed)
    n = 60
    s = {name: rng.random(n) for name in ("week_value", "week_hours", "week_lift", "value_ema",
                                          "value_cum", "hours_ema", "skill_use", "tie_ema",
                                          "purpose", "autonomy", "commitment")}
    s["week_hours"] *= 6
    s["present"] = rng.random(n) < 0.8
    s["week_active"] = rng.random(n) < 0.5
    s["org"] = rng.integers(0, 7, n)
    s["org_time"] = np.where(rng.random(7) < 0.3, 0.0, 12 * rng.random(7))
    disc = 0.0 if seed % 2 else 0.5  # without discretionary hours: some have no hours at all
    s["last_attended"] = rng.integers(0, 30, n)
    rule = kernels.MotivationRule(0.2, 0.05, 0.1, 0.3, 1.5, 0.2, 0.2, 0.1, 0.2, 0.3, 0.1)
    want, hours = _motivate_reference(s, rule, 30, 8.0, disc)
    # The kernel reads the people structure, in slots of which the last few are unused.
    people = state.allocate(state.PEOPLE, n + 5)
    for name, value in s.items():
        if name in people:
            people[name][:n] = value
    spent = kernels.motivate(state.People.of(people), n, s["org_time"], 4.345, disc, 30, 8.0,
                             kernels.rule_record(rule))
    for name in want:
        got = people[name][:n] if name in people else s[name]
        np.testing.assert_array_equal(got, want[name], err_msg=name)
    for f in state.PEOPLE:  # the unused slots are left empty
        assert (people[f.name][n:] == f.empty).all(), f.name
    assert spent == pytest.approx(hours, rel=1e-12)


def _seat_reference(people: dict, rule: kernels.SeatRule, slots, orgs, uniforms, normals,
                    commitment, org_kind, next_circle, purpose, skill_use, now) -> int:
    """The numpy writes the seat kernel replaced (NetworkModel._seat before it, with the
    fresh record state.fresh wrote and the week seated)."""
    n = slots.size
    people["role"][slots] = rule.role_by_share[np.searchsorted(rule.role_bounds, uniforms[:, 0],
                                                               side="right")]
    people["strengths"][slots] = uniforms[:, 1:] < rule.strength_shares
    people["lifter"][slots] = (people["strengths"][slots] & rule.lifting).any(axis=1)
    person = rule.dialogue_skill_sd * normals[:, 0]
    people["dialogue"][slots] = np.clip(rule.dialogue_skill_mean + person[:, None]
                                        + rule.dialogue_skill_sd / 2 * normals[:, 1:5], 0, 1)
    people["present"][slots] = True
    people["org"][slots] = orgs
    people["circle"][slots] = (next_circle + np.arange(n)) % rule.n_circles
    people["resident"][slots] = org_kind[orgs] == rule.resident_kind
    people["commitment"][slots] = np.clip(commitment + rule.person_sd * normals[:, 5], 0, 1)
    base = np.clip(1.0 - rule.person_sd * np.abs(normals[:, 6]), 0, 1)
    people["autonomy_base"][slots] = base
    people["autonomy"][slots] = base * rule.autonomy_kept
    people["purpose"][slots] = purpose
    people["skill_use"][slots] = skill_use
    for name in ("value_ema", "value_cum", "hours_ema", "tie_ema", "dormant_weeks",
                 "collaborated", "met", "contacts", "work_contacts", "groups_joined"):
        people[name][slots] = 0
    people["last_attended"][slots] = -10_000  # never attended
    people["seated_at"][slots] = now
    c = people["commitment"][slots]
    people["status"][slots] = np.where(c >= rule.active_threshold, 0,
                                       np.where(c >= rule.peripheral_threshold, 1, 2))
    return (next_circle + n) % rule.n_circles


@pytest.mark.parametrize("seed", range(5))
def test_seat_matches_the_former_numpy(seed):
    rng = np.random.default_rng(seed)
    people = {}
    for f in state.PEOPLE:
        shape = (CAP, f.columns) if f.columns else (CAP,)
        # Start from junk, so a field the seating forgets to write differs.
        people[f.name] = (rng.random(shape) * 5).astype(f.dtype)
    ref = {k: v.copy() for k, v in people.items()}
    rule = kernels.SeatRule(np.array([0.2, 0.2 + 0.3 * seed / 4]),
                            np.array([0, 2, 1], dtype=np.int8), rng.random(8),
                            np.isin(np.arange(8), [1, 5]), 0.5, 0.3, 0.4,
                            0.8, 0.5, 0.2, np.array([0, 1, 2, 3], dtype=np.int8), 5, 3)
    slots = rng.permutation(CAP)[:9]
    org_kind = rng.integers(0, 6, size=12)
    orgs = rng.integers(0, 12, size=slots.size)
    uniforms = rng.random((slots.size, 9))
    uniforms[0, 0] = rule.role_bounds[0]  # exactly on a bound: the next role
    normals = 2 * rng.standard_normal((slots.size, 7))  # some skills and commitments clip
    got = kernels.seat(state.People.of(people), slots, orgs, uniforms, normals, 0.45,
                       org_kind, 2, 0.6, 0.5, 17, *rule)
    want = _seat_reference(ref, rule, slots, orgs, uniforms, normals, 0.45, org_kind, 2, 0.6, 0.5,
                           17)
    assert got == want
    for f in state.PEOPLE:
        np.testing.assert_array_equal(people[f.name], ref[f.name], err_msg=f.name)


@pytest.mark.parametrize("seed", range(5))
def test_group_atmosphere_matches_the_former_numpy(seed):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 6, size=12)
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    members = rng.integers(0, CAP, size=bounds[-1])
    builder = rng.random(CAP) < 0.15
    base = 0.6 + 0.1 * seed  # at seed 4 the boost reaches the cap of 1
    has_tb = np.add.reduceat(builder[members], bounds[:-1]) > 0
    want = np.minimum(1.0, base + 0.25 * has_tb)
    got = kernels.group_atmosphere(members, bounds, builder, base, 0.25)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("columns", [40, kernels._COUNTED_DRAW_COLUMNS + 44])
def test_weighted_draws_match_searchsorted(columns):
    # Both ways: counted (a small network's row) and searched (a large one's).
    rng = np.random.default_rng(3)
    weight = rng.random((7, columns)) * (rng.random((7, columns)) < 0.7)  # some zero weights
    weight[:, 0] = 0.0
    weight[:, 5] = 1.0
    cum = np.cumsum(weight, axis=1)
    u = rng.random((7, 12))
    u[0, 0] = 0.0
    want = np.stack([np.searchsorted(cum[r], u[r] * cum[r, -1], side="right") for r in range(7)])
    np.testing.assert_array_equal(kernels.weighted_draws(cum, u), want)
    assert weight[np.arange(7)[:, None], want].min() > 0  # a zero weight is never drawn


def _organisations(rng, max_hours):
    """Six organisations granting up to ``max_hours`` a month, and each slot's organisation."""
    return rng.integers(0, 6, size=CAP), rng.random(6) * max_hours


@pytest.mark.parametrize("seed", range(5))
def test_initiative_and_joining_match_the_former_numpy(seed):
    rng = np.random.default_rng(seed)
    org, org_time = _organisations(rng, 12)
    week_hours = rng.random(CAP) * 4  # some people have no time left, some plenty
    commitment = rng.random(CAP)
    assembler = rng.random(CAP) < 0.3
    active = np.sort(rng.permutation(CAP)[:25])
    alloc = org_time[org[active]] / 4.345 + 0.25
    free = np.clip((alloc - week_hours[active]) / 1.5, 0, 1)
    want = 0.3 * 1.5 * commitment[active] * free
    want *= np.where(assembler[active], 1.7, 1.0)
    got = kernels.initiative(active, org, org_time, 4.345, 0.25, week_hours, commitment,
                             assembler, 1.5, 0.3 * 1.5, 1.7)
    np.testing.assert_array_equal(got, want)

    members = rng.integers(0, CAP, size=30)  # someone in several groups
    ref = [np.zeros(CAP, bool), week_hours.copy(), rng.integers(0, 3, CAP), np.zeros(CAP, bool)]
    arrays = [a.copy() for a in ref]
    ref[0][members] = True
    np.add.at(ref[1], members, 2.5)
    np.add.at(ref[2], members, 1)
    ref[3][members] = True
    kernels.join_groups(members, 2.5, *arrays)
    for a, b in zip(arrays, ref, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("gain", [0.0, 0.3, 0.9999, 1.0])
def test_scale_and_relax_rows_match_the_former_numpy(gain):
    rng = np.random.default_rng(int(gain * 10))
    ka = rng.random(CAP) * np.where(rng.random(CAP) < 0.2, 1e-6, 1.0)  # some near the floor
    kc = rng.random(CAP)
    rows = rng.permutation(CAP)[:20]
    floor = 1e-4
    # scale_knowledge: every row scaled, the small ones reported.
    want_a = ka.copy()
    a = want_a[rows] * 0.7
    want_a[rows] = a
    got_a = ka.copy()
    small = kernels.scale_rows(rows, 0.7, _arrays(np.zeros((CAP, 1)), got_a, kc.copy()), floor)
    np.testing.assert_array_equal(got_a, want_a)
    assert small == np.count_nonzero(a < floor) > 0
    # relax_knowledge: rows whose scale would fall below the floor are left alone.
    want_a, want_c = ka.copy(), kc.copy()
    a = want_a[rows] * (1.0 - gain)
    low = a < floor
    want_a[rows[~low]] = a[~low]
    want_c[rows[~low]] += gain / a[~low]
    got_a, got_c = ka.copy(), kc.copy()
    small = kernels.relax_rows(rows, gain, _arrays(np.zeros((CAP, 1)), got_a, got_c), floor)
    np.testing.assert_array_equal(got_a, want_a)
    np.testing.assert_array_equal(got_c, want_c)
    np.testing.assert_array_equal(small, rows[low])


@pytest.mark.parametrize("seed", range(3))
def test_broker_exchange_is_closing_gaps_then_passing_on(seed):
    rng = np.random.default_rng(seed)
    know, a, c, own, orgs = _knowledge_store(rng)
    n = 10
    brokers = rng.integers(0, 30, n)  # a broker with several contacts
    contacts = rng.integers(0, 30, n)
    org = rng.integers(0, orgs, size=30)
    tib, tic = rng.random(n), rng.random(n)
    ref_know, ref_stale, ref_count = know.copy(), np.zeros(30, bool), np.arange(30)
    ref = _arrays(ref_know, a, c, ref_stale, own)
    kernels.close_gaps(ref, brokers, org[contacts], 0.4 * tic)
    kernels.pass_on(ref, orgs, brokers, contacts, 0.4 * tib)
    np.add.at(ref_count, brokers, 1)
    stale, count = np.zeros(30, bool), np.arange(30)
    kernels.broker_exchange(_arrays(know, a, c, stale, own), orgs, brokers, contacts, org, 0.4,
                            tib, tic, count)
    np.testing.assert_array_equal(know, ref_know)
    np.testing.assert_array_equal(stale, ref_stale)
    np.testing.assert_array_equal(count, ref_count)


@pytest.mark.parametrize("seed", range(4))
def test_familiarity_ends_is_where_the_current_familiarity_falls_below(seed):
    """At every week from the pair's last touch on, the current familiarity (as
    ``current_familiarity`` reads it) reaches the threshold exactly while the week is below
    the one ``familiarity_ends`` gives.
    """
    rng = np.random.default_rng(seed)
    F, _, last, fd, _ = _store(rng)
    F[rng.random(F.shape) < 0.2] = 0.0  # strangers
    i, j = _pairs(rng, 200)
    for threshold in (0.0, 0.05, 0.2, F.max()):
        rel = dense_pairs(F, last=last, f_decay=fd)
        ends = kernels.familiarity_ends(rel, i, j, threshold)
        start = int(last[i, j].max())
        for now in range(start, start + 2 * HORIZON + 3):
            fam = kernels.current_familiarity(rel, i, j, now)
            np.testing.assert_array_equal(now < ends, fam >= threshold)


def test_first_below_searches_the_whole_table():
    fd = 0.5 ** (np.arange(HORIZON + 1) / 3.0)
    for value in (0.0, 0.01, 0.3, 1.0):
        for threshold in (0.0, 1e-3, 0.3, 2.0):
            want = np.flatnonzero(value * fd < threshold)
            got = kernels.first_below(value, fd, threshold)
            assert got == (want[0] if want.size else -1)


class _Store:
    """What ``StartRelationships`` reads of a pair store, for pairs whose week ``ends`` (from
    which they are not acquainted) is set by hand: written pairs, touched slots, a count of
    writes.
    """

    dense_below, decay_monotone, horizon = 0, True, 50

    def __init__(self, slots: int, ends: dict[tuple[int, int], int]):
        self.ends, self.mark_touches, self.writes = ends, False, 0
        self.touched = np.zeros(slots, dtype=np.int64)
        self.log: list[tuple[int, int]] = []

    def take_written_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        i = np.array([a for a, _ in self.log], dtype=np.int64)
        j = np.array([b for _, b in self.log], dtype=np.int64)
        self.log.clear()
        return i, j

    def familiarity_ends(self, i: np.ndarray, j: np.ndarray, threshold: float) -> np.ndarray:
        return np.array([self.ends[a, b] for a, b in zip(i.tolist(), j.tolist(), strict=True)],
                        dtype=np.int64)


def _alive_directly(i, j, ends, present, seated_at, now):
    """The reference: pairs with neither founder replaced, both present, acquainted now."""
    return sum(1 for a, b in zip(i.tolist(), j.tolist(), strict=True)
               if seated_at[a] == 0 and seated_at[b] == 0 and present[a] and present[b]
               and now < ends[a, b])


@pytest.mark.parametrize("seed", range(6))
def test_starting_pairs_count_follows_the_direct_count(seed):
    """Passes of ``starting_pairs_changed`` and ``starting_pairs_refreshed`` (through
    ``StartRelationships.share``) over weeks of random changes keep the count of the starting
    pairs alive equal to the direct count: founders leaving, coming back and replaced,
    pairs written (in either order, repeatedly), all of a slot's pairs written, weeks skipped
    and pairs expiring in between.
    """
    from types import SimpleNamespace

    from model.reporters import StartRelationships

    rng = np.random.default_rng(seed)
    slots = 40
    a, b = rng.integers(0, slots, (2, 600))
    pairs = sorted({(int(x), int(y)) for x, y in zip(a, b, strict=True) if x < y})
    i = np.array([x for x, _ in pairs], dtype=np.int64)
    j = np.array([y for _, y in pairs], dtype=np.int64)
    order = rng.permutation(i.size)  # the class sorts them itself
    store = _Store(slots + 8, {})
    now = 0

    def new_ends(pair):
        u = rng.random()
        store.ends[pair] = 0 if u < 0.1 else (kernels.NEVER_ENDS if u < 0.2
                                               else now + int(rng.integers(0, 40)))
        store.ends[pair[::-1]] = store.ends[pair]

    for pair in pairs:
        new_ends(pair)
    present = np.ones(slots + 8, dtype=bool)
    seated_at = np.zeros(slots + 8, dtype=np.int64)
    start = StartRelationships(i[order], j[order], 0.3)
    model = SimpleNamespace(rel=store, present=present, seated_at=seated_at, steps=now)
    for _ in range(60):
        now += int(rng.integers(0, 4))  # the same week again, the next, or weeks skipped
        for _ in range(int(rng.integers(0, 6))):
            x, y = pairs[int(rng.integers(len(pairs)))]
            new_ends((x, y))
            store.writes += 1
            store.log.append((x, y) if rng.random() < 0.5 else (y, x))
        if rng.random() < 0.2:
            s = int(rng.integers(slots))
            store.writes += 1
            store.touched[s] = store.writes
            for pair in pairs:
                if s in pair:
                    new_ends(pair)
        s = int(rng.integers(slots))
        u = rng.random()
        if u < 0.2:
            present[s] = False
        elif u < 0.3:
            present[s] = True
        elif u < 0.35:
            seated_at[s], present[s] = now, True
        model.steps = now
        want = _alive_directly(i, j, store.ends, present, seated_at, now) / i.size
        assert start.share(model) == want
        assert start.share(model) == want  # and again, nothing changed
    assert store.mark_touches


def test_starting_pairs_count_of_no_changes_and_no_pairs():
    """A pass without changes lists nothing; with no pairs, nothing at all."""
    none = np.empty(0, dtype=np.int64)
    state = np.array([0, 3], dtype=np.int64)
    listed = kernels.starting_pairs_changed(
        state, none, none.copy(), np.empty(0, dtype=np.uint8), np.zeros(8, dtype=np.int64),
        none.copy(), np.empty(0, dtype=np.uint8), np.zeros(1, dtype=np.int64),
        np.zeros(1, dtype=np.int64), none, none, none, 2**31,
        kernels.starting_pairs_filter(none, 6), 6, np.ones(4, dtype=bool),
        np.zeros(4, dtype=np.int64), np.zeros(4, dtype=np.int64), 0, 5, True)
    assert listed.size == 0 and state.tolist() == [0, 5]
    assert kernels.starting_pairs_refreshed(state, none, none, none, 2**31, none.copy(),
                                            np.empty(0, dtype=np.uint8),
                                            np.zeros(8, dtype=np.int64),
                                            np.ones(4, dtype=bool), 5) == 0


@pytest.mark.parametrize("n", [0, 1, 5, 1000, 40_000])
def test_starting_pairs_filter_passes_every_key_and_few_others(n):
    """Every starting pair's key passes the filter (a pair it failed would never be read
    again when written), and about one other key in FILTER_BITS_PER_PAIR passes.
    """
    rng = np.random.default_rng(n)
    width = 2**31
    slots = max(2, int(np.sqrt(8 * n)))
    a, b = rng.integers(0, slots, (2, 4 * n + 10))
    pairs = np.unique(np.minimum(a, b) * width + np.maximum(a, b))
    key, others = pairs[: min(n, pairs.size)], pairs[min(n, pairs.size):]
    log2 = max(6, int(key.size * kernels.FILTER_BITS_PER_PAIR - 1).bit_length())
    bits = kernels.starting_pairs_filter(key, log2)
    assert bits.size * 64 == 2**log2 >= key.size * kernels.FILTER_BITS_PER_PAIR
    shift = 64 - log2
    assert all(kernels._may_be_starting(bits, shift, int(k)) for k in key)
    if key.size >= 1000:
        passed = np.mean([kernels._may_be_starting(bits, shift, int(k)) for k in others])
        assert passed < 2 / kernels.FILTER_BITS_PER_PAIR


@pytest.mark.parametrize("seed", range(5))
def test_add_value_and_count_into_equal_np_add_at(seed):
    rng = np.random.default_rng(seed)
    for n in (0, 1, 7, 8, 9, 130, 300):  # around the pairwise sum's block sizes
        slots = rng.integers(0, CAP, n)  # repeated slots among them
        amount = rng.random(n) * rng.choice([1.0, 1e-9, 1e6], n)
        for felt in (0.0, 1.0):
            got, want = rng.random(CAP), None
            want = got.copy()
            np.add.at(want, slots, amount * felt)
            total = kernels.add_value(got, slots, amount, felt)
            np.testing.assert_array_equal(got, want)
            assert total == float(amount.sum())
        counts = rng.integers(0, 5, CAP)
        want = counts.copy()
        np.add.at(want, slots, 1)
        kernels.count_into(counts, slots)
        np.testing.assert_array_equal(counts, want)


@pytest.mark.parametrize("seed", range(4))
def test_founder_pairs_and_pairs_of_status_equal_the_numpy_masks(seed):
    rng = np.random.default_rng(seed)
    i, j = _pairs(rng, 200)
    present = rng.random(CAP) < 0.8
    seated_at = np.where(rng.random(CAP) < 0.2, rng.integers(1, 9, CAP), 0)
    here = present[i] & present[j] & (seated_at[i] == 0) & (seated_at[j] == 0)
    for got, want in zip(kernels.founder_pairs(i, j, present, seated_at), (i[here], j[here]),
                         strict=True):
        np.testing.assert_array_equal(got, want)
    t = rng.random(i.size)
    status = rng.integers(0, 4, CAP).astype(np.int8)
    both = (status[i] == 0) & (status[j] == 0)
    for got, want in zip(kernels.pairs_of_status(i, j, t, status, 0),
                         (i[both], j[both], t[both]), strict=True):
        np.testing.assert_array_equal(got, want)
        assert got.dtype == want.dtype


def _partner_draws_reference(initiators, active, weight, org, res, h, d_cross, d_res, u):
    """The numpy form of ``NetworkModel._partner_draws`` the kernel replaced."""
    if h > 0:
        other_org = org[initiators][:, None] != org[active][None, :]
        other_side = res[initiators][:, None] != res[active][None, :]
        distance = np.where(other_side, d_res, np.where(other_org, d_cross, 0.0))
        weight = weight[None, :] * np.exp(-h * distance)
    else:
        weight = np.broadcast_to(weight, (initiators.size, active.size))
    cum = np.cumsum(weight, axis=1)
    return cum, np.stack([np.searchsorted(cum[r], u[r] * cum[r, -1], side="right")
                          for r in range(initiators.size)]).reshape(u.shape)


@pytest.mark.parametrize("seed", range(6))
def test_partner_draws_equal_the_numpy_form(seed):
    rng = np.random.default_rng(seed)
    org = rng.integers(0, 5, CAP)
    res = rng.random(CAP) < 0.3
    for h in (0.0, 0.7, 3.0):
        active = np.sort(rng.choice(CAP, int(rng.integers(2, CAP)), replace=False))
        initiators = rng.choice(active, int(rng.integers(1, 8)))
        weight = (1.0 + rng.integers(0, 6, active.size)) ** rng.choice([0.0, 0.5, 1.3])
        u = rng.random((initiators.size, 6))
        d_cross, d_res = 0.5, 1.0
        factor = (np.exp(-h * np.array([0.0, d_cross, d_res])) if h > 0 else np.ones(3))
        got = kernels.partner_draws(initiators, active, weight, org, res, factor, u)
        cum, want = _partner_draws_reference(initiators, active, weight, org, res, h, d_cross,
                                             d_res, u)
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(
            kernels.partner_weights(initiators, active, weight, org, res, factor), cum)


@pytest.mark.parametrize("collaborator", [0.0, 0.3, 0.6])
@pytest.mark.parametrize("m", [1, 2, 3, 5])
@pytest.mark.parametrize("seed", range(3))
def test_working_group_seats_read_the_dense_ties_they_need(seed, m, collaborator):
    """The dense store's ``seat_working_groups`` (the ties read by the seats) seats as
    ``seat_teams`` on the full ties of ``candidate_lanes``, with familiarity that differs by
    direction, repeated draws, a threshold at which strangers are ties, and draws that want
    or shun past collaborators.
    """
    rng = np.random.default_rng(seed)
    used, k, now = 36, 8, 5
    fd = 0.9 ** np.arange(12)
    known = np.triu(rng.random((used, used)) < 0.5, 1)
    known |= known.T
    way = rng.random((used, used))
    # Each pair known one way only, from 0.4 up; the initiators (the first few) know
    # everyone below the collaborator threshold.
    F = np.where(known & (way > way.T), 0.4 + 0.6 * rng.random((used, used)), 0.0)
    F[:6] = np.where(rng.random((6, used)) < 0.9, 0.25, 0.0)
    last = rng.integers(0, now + 1, size=(used, used))
    initiators = rng.integers(6, size=60)
    cand = rng.integers(6, used, size=(initiators.size, k))
    cand[:, 1] = cand[:, 0]  # a person drawn twice
    collaborated = rng.random(used) < 0.8
    lanes, incumbent, newcomer, ties = references.candidate_lanes(
        F, last, fd, initiators, cand, collaborated, 0.2, collaborator, now)
    got_lanes, got_inc, got_new, fam_who = kernels.lane_masks(
        F, last, fd, initiators, cand, collaborated, 0.2, now)
    for a, b in zip((got_lanes, got_inc, got_new), (lanes, incumbent, newcomer), strict=True):
        np.testing.assert_array_equal(a, b)
    assert lanes.size > 0
    ids = kernels.lane_ids(cand, initiators, lanes)
    founders = np.full((lanes.size, 1), k, dtype=np.int64)
    # The ties read the other way round: seats that differ with them show that the seats
    # depend on which way a tie is read, so the check below would catch a wrong way.
    drawn = cand[lanes]
    upper = np.arange(k)[:, None] <= np.arange(k)[None, :]
    first = np.where(upper, drawn[:, None, :], drawn[:, :, None])  # the later draw's row
    second = np.where(upper, drawn[:, :, None], drawn[:, None, :])
    wrong = ties.copy()
    wrong[:, :k, :k] = F[first, second] * fd[np.minimum(now - last[first, second],
                                                        fd.size - 1)] >= collaborator
    differs = False
    for p_inc, q in ((0.7, 0.0), (0.7, 0.5), (1.0, 1.0)):
        u = rng.random((max(m - 1, 0), kernels.DRAWS_PER_SEAT, lanes.size))
        want = kernels.seat_teams(u, m, p_inc, q, incumbent, newcomer, ties, founders, False, m)
        got = kernels.seat_working_groups(u, m, p_inc, q, incumbent, newcomer, fam_who, lanes,
                                          ids, F, last, fd, collaborator, now)
        np.testing.assert_array_equal(got, want)
        differs |= not np.array_equal(
            kernels.seat_teams(u, m, p_inc, q, incumbent, newcomer, wrong, founders, False, m),
            want)
    assert differs == (m > 2 and collaborator > 0)  # only a seated draw's row can differ
