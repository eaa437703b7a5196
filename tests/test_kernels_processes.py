"""The compiled kernels of convene, attend, relay, motivate, decay and churn against their
plain numpy references (the forms they replaced in ``model.model``), on random inputs,
empty ones included.
"""

from __future__ import annotations

import numpy as np
import pytest

from model import draws, kernels, state
from tests.test_state import dense_pairs

CAP = 40
CODES = np.array([0, 1, 2, 3], dtype=np.int8)  # active, peripheral, dormant, left
PERIPHERAL = 1
WEEK_FIELDS = ("week_value", "week_hours", "week_lift", "week_active")


def _people(rng: np.random.Generator, used: int, cap: int = CAP) -> dict[str, np.ndarray]:
    """Person arrays of ``cap`` slots with junk everywhere, the first ``used`` of them held
    (present or left), the rest empty as the model leaves unused slots.
    """
    people = {}
    for f in state.PEOPLE:
        shape = (cap, f.columns) if f.columns else (cap,)
        people[f.name] = (rng.random(shape) * 5).astype(f.dtype)
    people["present"][:] = rng.random(cap) < 0.75
    people["status"][:] = np.where(people["present"], rng.integers(0, 3, cap), 3)
    for f in state.PEOPLE:
        people[f.name][used:] = f.empty
    return people


# ---------------------------------------------------------------- convene
def _start_week_reference(people: dict, used: int) -> tuple[np.ndarray, ...]:
    """What convene did in numpy before kernels.start_week."""
    for name in WEEK_FIELDS:
        people[name][:] = 0
    members = np.flatnonzero(people["present"][:used])
    status = people["status"][members]
    return members, members[status <= PERIPHERAL], members[status >= PERIPHERAL]


@pytest.mark.parametrize(("seed", "used"), [(0, 0), (1, 1), (2, 17), (3, CAP)])
def test_drifting_are_the_present_peripheral_or_dormant(seed, used):
    people = _people(np.random.default_rng(seed), used)
    *_, want = _start_week_reference({k: v.copy() for k, v in people.items()}, used)
    got = kernels.drifting(people["present"], people["status"], used, PERIPHERAL)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize(("seed", "used"), [(0, 0), (1, 1), (2, 17), (3, CAP)])
def test_start_week_matches_the_numpy_form(seed, used):
    rng = np.random.default_rng(seed)
    people = _people(rng, used)
    for name in WEEK_FIELDS:  # last week's totals, beyond the used slots too
        people[name][:] = rng.random(CAP) * 3
    ref = {k: v.copy() for k, v in people.items()}
    want = _start_week_reference(ref, used)
    *got, n_drifting = kernels.start_week(*(people[name] for name in WEEK_FIELDS),
                                          people["present"], people["status"], used, PERIPHERAL)
    for g, w in zip(got, want[:2], strict=True):
        assert g.dtype == w.dtype
        np.testing.assert_array_equal(g, w)
    assert n_drifting == want[2].size
    for name, value in ref.items():
        np.testing.assert_array_equal(people[name], value, err_msg=name)


def test_rule_record_holds_the_rule_by_name():
    rule = kernels.MotivationRule(*(0.1 * k + 0.05 for k in range(len(kernels.MotivationRule._fields))))
    record = kernels.rule_record(rule)
    assert record.shape == (1,)
    assert record.dtype.names == rule._fields
    for name, value in rule._asdict().items():
        assert record[0][name] == value


# ---------------------------------------------------------------- attend
def _attend_reference(invited, followed_up, used, u, room_share, base, travel, interval,
                      hours_ema, org, org_time, disc, commitment, mandate, culture, rule,
                      week_hours, last, now, active):
    """What attend did in numpy before its kernels (the attendance draws given as ``u``)."""
    if followed_up.size:
        invited = np.union1d(invited, followed_up)
    n = invited.size
    in_room = u[:n] < room_share
    demand = (base + travel * in_room) / interval + hours_ema[invited]
    alloc = org_time[org[invited]] / 4.345 + disc
    with np.errstate(divide="ignore"):
        overload = np.where(alloc > 0, np.maximum(0.0, demand / alloc - 1.0), rule.overload_cap)
    o = org[invited]
    logit = (rule.attend_intercept + rule.attend_commitment * (commitment[invited] - 0.5)
             + rule.attend_mandate * mandate[o] + rule.attend_culture * (culture[o] - 0.5)
             - rule.attend_overload * np.minimum(overload, rule.overload_cap))
    comes = u[n:] < 1.0 / (1.0 + np.exp(-logit))
    attendees, seated = invited[comes], in_room[comes]
    week_hours[attendees] += base + travel * seated
    last[attendees] = now
    active[attendees] = True
    return invited, in_room, logit, attendees, seated, int(seated.sum())


@pytest.mark.parametrize(("seed", "n_invited", "n_followed"),
                         [(0, 0, 0), (1, 0, 3), (2, 25, 0), (3, 25, 4), (4, 1, 1), (5, 12, 12)])
def test_attendance_kernels_match_the_numpy_form(seed, n_invited, n_followed):
    rng = np.random.default_rng(seed)
    org, org_time = rng.integers(0, 6, size=CAP), rng.random(6) * 10
    org_time[0] = 0.0  # an organisation that grants no time: its people's discretion only
    mandate, culture = rng.random(6), rng.random(6)
    hours_ema, commitment = rng.random(CAP) * 3, rng.random(CAP)
    used = CAP - 3
    invited = np.sort(rng.permutation(used)[:n_invited])
    followed = rng.permutation(used)[:n_followed]  # some invited too, in draw order
    rule = kernels.AttendanceRule(0.8, 4.0, 1.5, 1.0, 1.5, 4.0)
    disc = 0.0 if seed % 2 else 0.5  # without discretionary hours: the overload cap
    base, travel, interval, share = 2.5, 1.0, 2.0, 0.6
    n = np.union1d(invited, followed).size
    u = rng.random(2 * n)
    week_hours, last, active = rng.random(CAP), np.zeros(CAP, np.int64), np.zeros(CAP, bool)
    ref = week_hours.copy(), last.copy(), active.copy()
    want = _attend_reference(invited, followed, used, u, share, base, travel, interval,
                             hours_ema, org, org_time, disc, commitment, mandate, culture, rule,
                             ref[0], ref[1], 7, ref[2])
    got_invited = kernels.asked(invited, followed, used) if followed.size else invited
    in_room, logit = kernels.attendance_logit(got_invited, u, share, base, travel, interval,
                                              hours_ema, org, org_time, 4.345, disc, commitment,
                                              mandate, culture, kernels.rule_record(rule))
    got = kernels.attend_meeting(got_invited, in_room, u, np.exp(-logit), base, travel,
                                 week_hours, last, 7, active)
    for g, w in zip((got_invited, in_room, logit, *got), want, strict=True):
        np.testing.assert_array_equal(g, w)
    if n > 10:  # some come and some do not, some sit in the room and some online
        assert 0 < got[0].size < n
        assert 0 < in_room.sum() < n
    for a, b in zip((week_hours, last, active), ref, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(("seed", "n_invited", "n_followed"),
                         [(0, 0, 0), (1, 0, 3), (2, 25, 0), (3, 25, 4), (4, 1, 1), (5, 12, 12)])
def test_drawn_attendance_logit_makes_the_former_calls_and_draws(seed, n_invited, n_followed):
    """One call for what attend did in four: the asked (kernels.asked, with follow-ups),
    rng.random(2 * n) and kernels.attendance_logit; the same draws, no more and no fewer."""
    rng = np.random.default_rng(seed)
    org, org_time = rng.integers(0, 6, size=CAP), rng.random(6) * 10
    mandate, culture = rng.random(6), rng.random(6)
    hours_ema, commitment = rng.random(CAP) * 3, rng.random(CAP)
    used = CAP - 3
    invited = np.sort(rng.permutation(used)[:n_invited])
    followed = rng.permutation(used)[:n_followed]
    rule = kernels.rule_record(kernels.AttendanceRule(0.8, 4.0, 1.5, 1.0, 1.5, 4.0))
    rest = (0.6, 2.5, 1.0, 2.0, hours_ema, org, org_time, 4.345, 0.5, commitment, mandate,
            culture, rule)
    ours, theirs = np.random.default_rng(seed + 50), np.random.default_rng(seed + 50)
    want_asked = kernels.asked(invited, followed, used) if followed.size else invited
    want_u = theirs.random(2 * want_asked.size)
    want = (want_asked, want_u, *kernels.attendance_logit(want_asked, want_u, *rest))
    got = kernels.drawn_attendance_logit(draws.source(ours), invited, followed, used, *rest)
    for g, w in zip(got, want, strict=True):
        assert g.dtype == w.dtype
        np.testing.assert_array_equal(g, w)
    assert ours.random() == theirs.random()


# ---------------------------------------------------------------- relay
@pytest.mark.parametrize(("seed", "used"), [(0, 0), (1, 1), (2, 23), (3, CAP)])
def test_relay_lists_match_the_numpy_form(seed, used):
    rng = np.random.default_rng(seed)
    people = _people(rng, used)
    present, status, strengths = people["present"], people["status"], people["strengths"]
    strengths[:] = rng.random(strengths.shape) < 0.4
    for column in range(strengths.shape[1]):
        members = np.flatnonzero(present[:used])  # what relay and churn listed before
        active = np.flatnonzero(status[:used] == 0)
        reached, brokers = kernels.relay_lists(present, status, strengths, used, PERIPHERAL,
                                               0, column)
        np.testing.assert_array_equal(reached, members[status[members] <= PERIPHERAL])
        np.testing.assert_array_equal(brokers, active[strengths[:, column][active]])
        for code in range(4):
            slots = np.flatnonzero(status[:used] == code)
            np.testing.assert_array_equal(
                kernels.with_strength(status, strengths, used, code, column),
                slots[strengths[:, column][slots]])


# ---------------------------------------------------------------- churn
@pytest.mark.parametrize(("seed", "n"), [(0, 0), (1, 1), (2, 30)])
def test_drawn_slots_match_the_numpy_mask(seed, n):
    """The present slots drawn in the kernel are numpy's mask over the members, with the
    same uniforms, and the generator is left where numpy leaves it."""
    rng = np.random.default_rng(seed)
    present = np.zeros(CAP, dtype=np.bool_)
    present[rng.permutation(CAP)[:n]] = True
    used = CAP - 3  # slots beyond ``used`` never count, present or not
    members = np.flatnonzero(present[:used])
    first = np.random.default_rng(seed + 100).random(members.size)
    for chance in (0.0, 0.3, first[0] if n else 0.5, 1.0):  # a uniform exactly at the chance
        ours, theirs = np.random.default_rng(seed + 100), np.random.default_rng(seed + 100)
        out = np.full(used, -1)
        k = kernels.drawn_slots(draws.source(ours), present, used, chance, out)
        np.testing.assert_array_equal(out[:k], members[theirs.random(members.size) < chance])
        assert (out[k:] == -1).all()  # the rest of the list untouched
        assert ours.random() == theirs.random()


@pytest.mark.parametrize("seed", range(5))
def test_broker_relay_is_the_contacts_then_the_exchange(seed):
    """The fused kernel gives what broker_contacts and broker_exchange give one after the
    other, on the pair store, the candidates and the knowledge store."""
    rng = np.random.default_rng(seed)
    horizon, prior, orgs = 50, 0.3, 7
    T, last = rng.random((CAP, CAP)), rng.integers(0, 2 * horizon, size=(CAP, CAP))
    td = 0.5 ** (np.arange(horizon + 1) / 11.0)
    now = 2 * horizon + 5
    listed = rng.random((CAP, CAP)) < 0.4
    np.fill_diagonal(listed, False)
    key = np.flatnonzero(listed)[rng.permutation(int(listed.sum()))]
    member = rng.random(CAP) < 0.8
    brokers = np.sort(rng.choice(CAP, size=[0, 1, 8, 15, 20][seed], replace=False))
    u = rng.random(brokers.size * 2)
    know = rng.random((CAP, orgs + 3)) - 0.2  # stored values with pending maps
    know_a, know_c = rng.uniform(0.3, 1.0, CAP), rng.uniform(0.0, 0.2, CAP)
    own, org = rng.integers(0, orgs, CAP), rng.integers(0, orgs, CAP)
    stale, count = np.zeros(CAP, dtype=bool), rng.integers(0, 5, CAP)
    ref = [x.copy() for x in (key, listed, know, stale, count)]
    kept, b, c, trust_cb, trust_bc = kernels.broker_contacts(
        ref[0], dense_pairs(T=T, last=last, t_decay=td, prior=prior, listed=ref[1]), 0.3 - 1e-9,
        0.3, member, brokers, 2, u, 0.35, now)
    sums = np.zeros(CAP)  # not read or written by the exchange
    kernels.broker_exchange(state.KnowledgeArrays.of(ref[2], know_a, know_c, sums, ref[3], own),
                            orgs, b, c, org, 0.4, trust_cb, trust_bc, ref[4])
    got = kernels.broker_relay(key, dense_pairs(T=T, last=last, t_decay=td, prior=prior,
                                                listed=listed), 0.3 - 1e-9, 0.3, member,
                               brokers, 2, u, 0.35, now,
                               state.KnowledgeArrays.of(know, know_a, know_c, sums, stale, own),
                               orgs, org, 0.4, count)
    assert got == kept
    if seed >= 2:
        assert b.size > 0  # some contacts made
    np.testing.assert_array_equal(key[:kept], ref[0][:kept])
    for x, y in zip((listed, know, stale, count), ref[1:], strict=True):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize(("seed", "n"), [(0, 0), (1, 1), (2, 9)])
def test_forget_rows_matches_the_numpy_writes(seed, n):
    rng = np.random.default_rng(seed)
    arrays = (rng.random((CAP, 10)), rng.random(CAP), rng.random(CAP), rng.random(CAP),
              rng.random(CAP) < 0.5, rng.integers(0, 10, CAP))
    ref = [x.copy() for x in arrays]
    slots, orgs = rng.permutation(CAP)[:n], rng.integers(0, 10, n)
    know, know_a, know_c, know_sum, stale, own = ref
    know[slots, :] = 0.0
    know[slots, orgs] = 1.0
    know_a[slots] = 1.0
    know_c[slots] = 0.0
    know_sum[slots] = 1.0
    stale[slots] = False
    own[slots] = orgs
    kernels.forget_rows(state.KnowledgeArrays.of(*arrays), slots, orgs)
    for got, want in zip(arrays, ref, strict=True):
        np.testing.assert_array_equal(got, want)


RECRUITER = 6  # a column of the strengths


def _churn_reference(rng: np.random.Generator, people: dict, used: int, turnover: float,
                     rate: float) -> tuple[int, np.ndarray, int]:
    """What churn did up to the newcomers before kernels.churn_status: numpy's draws around
    kernels.age_status (its own reference is the numpy form in tests/test_kernels.py)."""
    none = np.empty(0, dtype=np.int64)
    if not people["present"][:used].any():
        return 0, none, 0
    changed, recruiters = kernels.age_status(
        people["status"], people["present"], people["commitment"], people["dormant_weeks"],
        used, 0.5, 0.2, 3, CODES, people["strengths"], RECRUITER)
    members = np.flatnonzero(people["present"][:used])
    replaced = members[rng.random(members.size) < turnover]
    if replaced.size or recruiters.size == 0:
        return changed, replaced, 0
    u = rng.random(recruiters.size)
    return changed, replaced, int(np.count_nonzero(u < rate * people["commitment"][recruiters]))


@pytest.mark.parametrize(("seed", "used"), [(0, 0), (1, 1), (2, 17), (3, CAP)])
@pytest.mark.parametrize("turnover", [0.0, 0.1, 1.0])
def test_churn_status_matches_the_former_draws(seed, used, turnover):
    rng = np.random.default_rng(seed)
    people = _people(rng, used)
    people["dormant_weeks"][:used] = rng.integers(0, 5, used)
    people["commitment"][:used] = rng.random(used)
    ref = {k: v.copy() for k, v in people.items()}
    ours, theirs = np.random.default_rng(seed + 100), np.random.default_rng(seed + 100)
    want = _churn_reference(theirs, ref, used, turnover, 0.8)
    rule = kernels.rule_record(kernels.ChurnRule(0.5, 0.2, 3, turnover, 0.8))
    replaced = np.empty(max(used, 1), dtype=np.int64)
    got = kernels.churn_status(draws.source(ours), people["status"], people["present"],
                               people["commitment"], people["dormant_weeks"],
                               people["strengths"], used, rule, CODES, RECRUITER, replaced)
    assert got[0] == want[0] and got[2] == want[2]
    np.testing.assert_array_equal(replaced[:got[1]], want[1])
    for name, value in ref.items():
        np.testing.assert_array_equal(people[name], value, err_msg=name)
    assert ours.random() == theirs.random()  # the same draws, no more and no fewer


@pytest.mark.parametrize(("seed", "used"), [(0, 0), (1, 1), (2, 17), (3, CAP)])
def test_churn_recruits_match_the_former_draws(seed, used):
    rng = np.random.default_rng(seed)
    people = _people(rng, used)
    people["commitment"][:used] = rng.random(used)
    ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
    active = np.flatnonzero(people["status"][:used] == CODES[0])
    recruiters = active[people["strengths"][active, RECRUITER]]
    u = theirs.random(recruiters.size)
    want = int(np.count_nonzero(u < 0.8 * people["commitment"][recruiters]))
    rule = kernels.rule_record(kernels.ChurnRule(0.5, 0.2, 3, 0.1, 0.8))
    got = kernels.churn_recruits(draws.source(ours), people["status"], people["strengths"],
                                 people["commitment"], used, rule, CODES, RECRUITER)
    assert got == want
    assert ours.random() == theirs.random()
