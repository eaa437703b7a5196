"""The sparse pair store (``SparseRelations``, ``model/sparse_kernels.py``) against the dense
one it stands in for in large networks.

Each sparse kernel's reference is the dense kernel of the same name (whose own references
are the numpy forms in tests/test_kernels.py and tests/test_kernels_reporters.py): the two
stores are given the same writes and must then return the same values bit for bit. Whole
seeded runs with the sparse store forced on must record the same time series as the dense
store, value for value, so both stores stay checked whichever the model picks.
"""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import pytest

import model.relations as relations
from model import NetworkModel, kernels, sparse_kernels
from model.knowledge import Knowledge
from model.relations import Relations, SparseRelations, make_relations
from tests import references
from tests.test_invariants import check_invariants
from tests.test_state import sparse_pairs

PRIOR = 0.15
TIE = 0.4
CAP = 24


def _run(monkeypatch: pytest.MonkeyPatch, sparse: bool, seed: int, weeks: int,
         **overrides: object) -> NetworkModel:
    monkeypatch.setattr(relations, "SPARSE_FROM", 0 if sparse else 10**9)
    m = NetworkModel(rng=seed, **overrides)
    assert isinstance(m.rel, SparseRelations) is sparse
    m.run_for(weeks)
    return m


# Contrasting small networks: growth past capacity (recruits), turnover (resets), every
# purpose's pair reads (best benefit, group means, seamless cases), shared governance, and a
# trust prior at or above the tie threshold (no tie candidates kept).
RUNS = {
    "default": (2026, {}),
    "growth_and_turnover": (3, {"n_organisations": 6, "participants_per_organisation": 3,
                                "max_participants": 200, "turnover_per_year": 0.8,
                                "share_recruiters": 0.5, "recruit_rate": 0.3,
                                "coordination_budget_eur": 3000}),
    "innovation_residents": (5, {"purpose": "innovation", "resident_share": 0.3}),
    "client_service": (7, {"purpose": "client_service", "n_organisations": 10}),
    "peer_support_self_organising": (9, {"purpose": "peer_support",
                                         "governance": "self_organising"}),
    "prior_above_threshold": (11, {"trust_prior": 0.45, "tie_threshold": 0.3}),
}


@pytest.mark.parametrize("case", sorted(RUNS))
def test_sparse_store_runs_identical_to_dense(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    seed, overrides = RUNS[case]
    dense = _run(monkeypatch, False, seed, 80, **overrides)
    sparse = _run(monkeypatch, True, seed, 80, **overrides)
    pd.testing.assert_frame_equal(sparse.datacollector.get_model_vars_dataframe(),
                                  dense.datacollector.get_model_vars_dataframe(),
                                  check_exact=True)
    np.testing.assert_array_equal(sparse.commitment, dense.commitment)
    assert sparse.history == dense.history
    assert sparse.outcome == dense.outcome
    # Every pair reads the same (a stranger where the sparse store has no record).
    slots = np.arange(dense.used)
    for a, b in zip(sparse.rel.block(slots, slots, dense.steps),
                    dense.rel.block(slots, slots, dense.steps), strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(sparse.knowledge.of_rows(slots),
                                  dense.knowledge.of_rows(slots))


@pytest.mark.parametrize("sums", [False, True], ids=["blocks", "running_sums"])
def test_dense_store_growing_past_sparse_from_goes_on_sparse(
        sums: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """A network set up with the dense store that grows past ``SPARSE_FROM`` slots hands its
    pairs over to a sparse store (``relations.grown_store``) in mid-run, with its running
    sums, tie candidates and logs of written pairs, and records what the dense store alone
    records, value for value; with the reporters' sums read from the blocks or kept up to
    date (``sums``: the starting relationships' count kept too). Without the hand-over the
    store stays dense, and a network that grows from a small start holds a pair array of
    its capacity squared (25 bytes a pair).
    """
    seed, overrides = RUNS["growth_and_turnover"]
    if sums:
        monkeypatch.setattr(relations, "DENSE_BELOW", 0)
    dense = _run(monkeypatch, False, seed, 80, **overrides)
    monkeypatch.setattr(relations, "SPARSE_FROM", 64)
    switched = NetworkModel(rng=seed, **overrides)
    assert type(switched.rel) is Relations and switched.capacity < 64
    switched.run_for(80)
    assert isinstance(switched.rel, SparseRelations)
    assert switched.rel.capacity == switched.capacity >= 64
    pd.testing.assert_frame_equal(switched.datacollector.get_model_vars_dataframe(),
                                  dense.datacollector.get_model_vars_dataframe(),
                                  check_exact=True)
    np.testing.assert_array_equal(switched.commitment, dense.commitment)
    assert switched.history == dense.history
    slots = np.arange(dense.used)
    for a, b in zip(switched.rel.block(slots, slots, dense.steps),
                    dense.rel.block(slots, slots, dense.steps), strict=True):
        np.testing.assert_array_equal(a, b)
    check_invariants(switched)


def test_growth_case_exercises_growth_and_resets(monkeypatch: pytest.MonkeyPatch) -> None:
    """The growth case above does grow the store and replace people (else it checks less)."""
    seed, overrides = RUNS["growth_and_turnover"]
    m = _run(monkeypatch, True, seed, 80, **overrides)
    assert m.capacity > 32 and m.rel.capacity == m.capacity
    assert (m.seated_at[: m.used] > 0).sum() > 5


def test_model_picks_the_store_by_capacity() -> None:
    small = make_relations(relations.SPARSE_FROM - 1, PRIOR, 10.0, 20.0, tie_threshold=TIE)
    large = make_relations(relations.SPARSE_FROM, PRIOR, 10.0, 20.0, tie_threshold=TIE)
    assert type(small) is Relations and type(large) is SparseRelations
    m = NetworkModel(rng=1, n_organisations=2, participants_per_organisation=3)
    assert type(m.rel) is Relations  # the default network stays dense


# ---------------------------------------------------------------- stores side by side


def _pair(cap: int = CAP, prior: float = PRIOR, tie: float | None = TIE
          ) -> tuple[Relations, SparseRelations]:
    """A dense and a sparse store, each with a knowledge store of its own (``know``) for the
    reads and writes that take one."""
    stores = tuple(kind(cap, prior, 9.0, 13.0, tie_threshold=tie)
                   for kind in (Relations, SparseRelations))
    for r in stores:
        r.know = Knowledge(cap, 6)
    return stores


def _as_dense(rel: Relations) -> tuple[np.ndarray, np.ndarray]:
    """A store's familiarity and last touch as the dense store's square arrays: the sparse
    store's records written into a dense one's (a pair without a record: a stranger's)."""
    if not isinstance(rel, SparseRelations):
        return rel.F, rel.last
    pairs = relations._pair_array(rel.capacity, rel.prior, 0)
    p = rel._p
    for a in range(rel.capacity):
        row = slice(p.start[a], p.start[a] + p.size[a])
        pairs["F"][a, p.col[row]] = p.F[row]
        pairs["last"][a, p.col[row]] = p.last[row]
    return pairs["F"], pairs["last"]


def candidate_lanes(rel: Relations, *args: object
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``references.candidate_lanes`` (every lane's full ties) read from either store: the
    reference of the sparse working groups, whose seats read only the ties they use."""
    return references.candidate_lanes(*_as_dense(rel), rel._f_decay, *args)


def working_group_lanes(rel: Relations, *args: object
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``references.working_group_lanes`` read from either store (as :func:`candidate_lanes`)."""
    return references.working_group_lanes(*_as_dense(rel), rel._f_decay, *args)


def _same(a: object, b: object) -> None:
    if isinstance(a, tuple):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            _same(x, y)
    else:
        np.testing.assert_array_equal(a, b)
        assert np.asarray(a).dtype == np.asarray(b).dtype


def _reads(rels: tuple[Relations, SparseRelations], rng: np.random.Generator, used: int,
           now: int) -> None:
    """Every read of the pair store, on both stores, with the same arguments."""
    i, j = rng.integers(used, size=40), rng.integers(used, size=40)
    slots = np.sort(rng.choice(used, size=min(used, 9), replace=False))
    ids = np.stack([rng.permutation(used)[:5] for _ in range(3)])
    cand = rng.integers(used, size=(6, 4))
    initiators = rng.integers(used, size=6)
    collaborated = rng.random(rels[0].capacity) < 0.5
    org = rng.integers(0, 4, rels[0].capacity)
    present = rng.random(used) < 0.8
    who = rng.integers(used, size=30)
    factor = rng.random(i.size)
    # Conversation circles (the second with padding) and their seats' draws, and working
    # groups' draws (from a generator of their own: the other reads draw as before).
    own = np.random.default_rng(now)
    in_circle = np.ones(ids.shape, dtype=bool)
    in_circle[1, 3:] = False
    padded = ids.copy()  # as the model pads a circle: repeats of its first attendee
    padded[1, 3:] = padded[1, 0]
    lanes = np.sort(ids, axis=1)  # as the model makes its lanes: ascending, then padded
    lanes[1, 3:] = lanes[1, 0]
    mixed = np.concatenate([lanes, ids])  # lanes of both kinds
    first = in_circle & (own.random(ids.shape) < 0.3)
    seat_u = own.random((ids.shape[1], 3, ids.shape[0]))
    active = np.arange(used)
    weight, homophily = 1.0 + own.integers(0, 4, used), np.array([1.0, 0.6, 0.3])
    partner_u = own.random((initiators.size, 4))
    calls = [
        lambda r: r.familiarity(i, j, now),
        lambda r: r.familiarity_ends(i, j, 0.2),
        lambda r: r.mutual_ties(i, j, r.capacity, 0.3, now),
        lambda r: r.familiarity_ends(i, j, 0.0),
        lambda r: r.trust(i, j, now),
        lambda r: r.stored_trust(i, j),
        lambda r: r.block(slots, slots[::-1], now),
        lambda r: r.familiarity_blocks(ids, now),
        lambda r: r.familiarity_blocks(padded, now),
        lambda r: r.familiarity_blocks(ids[:0], now),
        lambda r: r.familiarity_blocks(lanes, now),
        lambda r: r.familiarity_blocks(mixed, now),
        lambda r: r.familiarity_blocks(lanes[:, :1], now),
        lambda r: candidate_lanes(r, initiators, cand, collaborated, 0.2, 0.5, now),
        lambda r: r.conversation_groups(ids, in_circle, first, 0.2, seat_u, 2, 0.6, 0.7, now),
        lambda r: working_group_lanes(r, initiators, active, weight, org, org < 1, homophily,
                                      partner_u, collaborated, 0.2, 0.5, now),
        lambda r: r.best_benefit(i, j, factor, now, r.capacity),
        lambda r: r.best_benefit(i, j, np.zeros(0), now, r.capacity),
        lambda r: r.trusted_contacts(i, j, 0.3, now),
        lambda r: r.seamless_cases(who, rng_cases.integers(3, size=who.size), org, 4, present,
                                   r.know, 0.0, 0.3, now),
        lambda r: r.seat_sums(slots, now),
        lambda r: r.seat_sums(np.arange(used), now),
    ]
    for call in calls:
        rng_cases = np.random.default_rng(now)
        want = call(rels[0])
        rng_cases = np.random.default_rng(now)
        _same(call(rels[1]), want)


@pytest.mark.parametrize(("prior", "tie"), [(PRIOR, TIE), (0.5, 0.4), (PRIOR, None)])
@pytest.mark.parametrize("seed", range(4))
def test_stores_agree_under_random_writes(seed: int, prior: float, tie: float | None) -> None:
    """Settled writes with repeated pairs, block writes, encounters, resets, growth and moving
    tracked sets: the sparse store reads, sums and lists ties as the dense one, bit for bit.
    """
    rng = np.random.default_rng(seed)
    rels = _pair(8, prior, tie)
    cap, used = 8, 6
    for r in rels:
        r.dense_below = 0 if seed % 2 else 10**9  # running sums, or the block read
        for _ in range(4):
            r.know.add_organisation()
        r.know.forget(np.arange(cap), np.arange(cap) % 4)
    start = rng.random((used, used)) < 0.5
    for r in rels:
        r.set_block(np.arange(used), np.where(start, 0.6, 0.0), np.where(start, 0.5, prior), 0)
    rule = kernels.EncounterRule(0.2, 0.1, 0.5, 0.3, 0.5, 0.9, 0.5, 0.3, 0.2, 2.0, 0.2)
    for now in range(1, 70):
        if used == cap and rng.random() < 0.1:
            for r in rels:
                r.grow(2 * cap, now)
                r.know.grow(2 * cap, 8)
            cap *= 2
        used = min(cap, used + int(rng.random() < 0.4))
        k = int(rng.integers(1, 12))
        i, j = rng.integers(used, size=k), rng.integers(used, size=k)
        i, j = np.concatenate((i, i[:2])), np.concatenate((j, j[:2]))  # repeated pairs
        op = int(rng.integers(5))
        if op == 0:
            fam, trust = rels[0].settle(i, j, now)
            _same(rels[1].settle(i, j, now), (fam, trust))
            values = fam + 0.3 * rng.random(i.size) * (1 - fam)
            new_t = np.clip(trust + rng.normal(0.1, 0.2, i.size), 0, 1)
            for r in rels:
                r.set_familiarity(i, j, values, now)
            _same(rels[1].set_trust(i, j, new_t, now), rels[0].set_trust(i, j, new_t, now))
        elif op == 1:
            block = np.sort(rng.choice(used, size=3, replace=False))
            fam, trust = rng.random((3, 3)), rng.random((3, 3))
            for r in rels:
                r.set_block(block, fam, trust, now)
        elif op == 2:
            slot = np.unique(rng.integers(used, size=2))
            for r in rels:
                r.reset(slot, now, used)
        else:
            members = rng.permutation(used)[: min(used, 8)]
            bounds = np.array([0, members.size // 2, members.size])
            pi, pj, pg = kernels.team_pairs(members, bounds)
            args = (pg, rng.random(pi.size), rng.random(cap) < 0.5, 0.6, rng.random(2),
                    rng.random((cap, 4)), np.arange(cap) % 4, rng.random(cap) < 0.2)
            _same(rels[1].encounter(pi, pj, *args, rels[1].know, rule, now),
                  rels[0].encounter(pi, pj, *args, rels[0].know, rule, now))
        if rng.random() < 0.7:
            slots = np.flatnonzero(rng.random(used) < 0.7)
            _same(rels[1].pair_sums(slots, now), rels[0].pair_sums(slots, now))
            if tie is not None:
                _same(rels[1].ties_among(slots, now), rels[0].ties_among(slots, now))
                # The ties by the mean trust of both directions, in one call each.
                _same(rels[1].trust_ties(slots, tie, now), rels[0].trust_ties(slots, tie, now))
                _same(rels[1].trust_ties(slots[:0], tie, now),
                      rels[0].trust_ties(slots[:0], tie, now))
                member = np.zeros(cap, dtype=bool)
                member[slots] = True
                brokers = np.sort(rng.choice(used, size=min(used, 3), replace=False))
                u = rng.random(2 * brokers.size)
                _same(rels[1].broker_contacts(brokers, 2, u, member, 0.3, now),
                      rels[0].broker_contacts(brokers, 2, u, member, 0.3, now))
                # The contacts, then the exchange of knowledge, in one call.
                org, counts = np.arange(cap) % 4, [np.zeros(cap, dtype=np.int64) for _ in rels]
                for r, count in zip(rels, counts, strict=True):
                    r.broker_relay(brokers, 2, u, member, 0.3, now, r.know, org, 0.4, count)
                _same(counts[1], counts[0])
                _same(rels[1].know.of_rows(np.arange(used)), rels[0].know.of_rows(np.arange(used)))
        _reads(rels, rng, used, now)
    everyone = np.arange(used)
    _same(rels[1].know.of_rows(everyone), rels[0].know.of_rows(everyone))


@pytest.mark.parametrize("collaborator", [0.0, 0.3, 0.6])
@pytest.mark.parametrize("m", [2, 3, 5])
@pytest.mark.parametrize("seed", range(3))
def test_working_group_seats_read_only_the_ties_they_need(seed: int, m: int,
                                                          collaborator: float) -> None:
    """``seat_working_groups`` reads a lane's ties only for the members seated (the rows
    ``near`` takes): the same seats as ``kernels.seat_teams`` on the full ties of
    ``candidate_lanes``, with familiarity that differs by direction, repeated draws, a
    threshold at which strangers are ties, and draws that want or shun past collaborators.
    """
    rng = np.random.default_rng(seed)
    cap, used, k, now = 40, 36, 8, 5
    rel = SparseRelations(cap, PRIOR, 9.0, 13.0, tie_threshold=TIE)
    known = np.triu(rng.random((used, used)) < 0.5, 1)
    known |= known.T
    way = rng.random((used, used))
    # Each pair known one way only (the other a stranger's), from 0.4 up.
    fam = np.where(known & (way > way.T), 0.4 + 0.6 * rng.random((used, used)), 0.0)
    # The initiators (the first few) know everyone, but below the collaborator threshold:
    # the ties their draws have with each other decide whom the later seats favour.
    fam[:6] = np.where(rng.random((6, used)) < 0.9, 0.25, 0.0)
    rel.set_block(np.arange(used), fam, np.full((used, used), PRIOR), now - 1)
    initiators = rng.integers(6, size=60)
    cand = rng.integers(6, used, size=(initiators.size, k))
    cand[:, 1] = cand[:, 0]  # a person drawn twice
    collaborated = rng.random(cap) < 0.8
    p, f_decay = rel._p, rel._f_decay
    lanes, incumbent, newcomer, ties = candidate_lanes(rel, initiators, cand, collaborated, 0.2,
                                                       collaborator, now)
    got_lanes, got_inc, got_new, fam_who = sparse_kernels._lane_masks(
        p, f_decay, initiators, cand, collaborated, 0.2, now)
    _same((got_lanes, got_inc, got_new), (lanes, incumbent, newcomer))
    ids = kernels.lane_ids(cand, initiators, lanes)
    # The ties read the other way round (a draw's row for every other draw): seats that
    # differ with them show that the seats below depend on which way a tie is read.
    left, right = np.repeat(ids[:, :k], k, axis=1), np.tile(ids[:, :k], (1, k))
    wrong = ties.copy()
    wrong[:, :k, :k] = (rel.familiarity(left.ravel(), right.ravel(), now)
                        >= collaborator).reshape(lanes.size, k, k)
    founders = np.full((lanes.size, 1), k, dtype=np.int64)
    differs = False
    for p_inc, q in ((0.7, 0.0), (0.7, 0.5), (1.0, 1.0)):
        u = rng.random((m - 1, kernels.DRAWS_PER_SEAT, lanes.size))
        want = kernels.seat_teams(u, m, p_inc, q, incumbent, newcomer, ties, founders, False, m)
        got = sparse_kernels.seat_working_groups(u, m, p_inc, q, incumbent, newcomer, fam_who,
                                                 lanes, ids, rel.arrays, collaborator, now)
        _same(got, want)
        differs |= not np.array_equal(
            kernels.seat_teams(u, m, p_inc, q, incumbent, newcomer, wrong, founders, False, m),
            want)
    assert differs == (m > 2 and collaborator > 0)  # only a seated draw's row can differ


def test_pool_moves_and_compacts_rows_without_losing_records() -> None:
    """Rows outgrow their room and move; a full pool is compacted into a larger one: every
    record keeps its pair and values (the dense store as the reference).
    """
    rng = np.random.default_rng(4)
    rels = _pair(200)
    for now in range(1, 30):
        i, j = rng.integers(200, size=300), rng.integers(200, size=300)
        values = rng.random(i.size)
        for r in rels:
            r.settle(i, j, now)
            r.set_trust(i, j, values, now)
    assert rels[1]._p.end[0] <= rels[1]._p.col.size
    everyone = np.arange(200)
    _same(rels[1].block(everyone, everyone, 40), rels[0].block(everyone, everyone, 40))
    p = rels[1]._p
    for a in range(200):  # rows sorted, pattern symmetric
        row = p.col[p.start[a]: p.start[a] + p.size[a]]
        assert np.all(np.diff(row) > 0)
        for b in row:
            assert sparse_kernels.find(p, int(b), a) >= 0



def _reset_records_reference(p: sparse_kernels.Pairs, slots: np.ndarray, n: int, prior: float,
                             now: int) -> None:
    """The records' part of ``sparse_kernels.reset_pairs`` in numpy: each slot's row keeps
    its pairs with slots from ``n`` on and its listed pairs (either order) as a stranger's
    touched ``now``; a partner's mirror record of a pair not kept leaves the partner's row,
    the records after it moving one place left (what lies beyond the row's records is left
    as it was).
    """
    arrays = (p.col, p.F, p.T, p.last, p.listed)
    for s in slots:
        row = range(p.start[s], p.start[s] + p.size[s])
        kept = []
        for x in row:
            b = int(p.col[x])
            keep = b >= n
            if not keep:
                y = x if b == s else sparse_kernels.find(p, b, int(s))
                keep = bool(p.listed[x] or p.listed[y])
                if b != s and keep:
                    p.F[y], p.T[y], p.last[y] = 0.0, prior, now
                elif b != s:
                    end = p.start[b] + p.size[b]
                    for a in arrays:
                        a[y:end - 1] = a[y + 1:end].copy()
                    p.size[b] -= 1
                if keep:
                    p.F[x], p.T[x], p.last[x] = 0.0, prior, now
            if keep:
                kept.append(x)
        for a in arrays:
            a[p.start[s]:p.start[s] + len(kept)] = a[kept].copy()
        p.size[s] = len(kept)


def test_reset_moves_the_records_as_the_reference_does() -> None:
    """Resets of busy rows (partners' mirror records removed from the middle and the end of
    their rows, listed pairs kept, partners beyond the slots in use left alone) leave every
    array of the pool, byte for byte, as the numpy reference does: the pool's layout, not
    only its values, is what later moves and compactions start from.
    """
    rng = np.random.default_rng(8)
    cap = 120
    r = _pair(cap)[1]
    for now in range(1, 40):
        i, j = rng.integers(cap, size=400), rng.integers(cap, size=400)
        r.settle(i, j, now)
        r.set_trust(i, j, rng.random(i.size), now)
        if now % 3 == 0:
            slots = np.unique(rng.integers(cap, size=int(rng.integers(1, 4))))
            used = int(rng.integers(slots.max() + 1, cap + 1))
            want = sparse_kernels.Pairs(*(a.copy() for a in r._p))
            assert np.any(want.listed[want.start[slots[0]]:][:want.size[slots[0]]])
            _reset_records_reference(want, slots, used, r.prior, now)
            r.reset(slots, now, used)
            for name, got, expected in zip(want._fields, r._p, want, strict=True):
                assert got.tobytes() == expected.tobytes(), name


def _ensure_reference(p: sparse_kernels.Pairs, i: np.ndarray, j: np.ndarray, prior: float,
                      now: int) -> int:
    """``sparse_kernels.ensure_pairs`` from pair 0 in numpy: for (i, j) then (j, i), a pair
    without a record gets one at its sorted place in the row, the records after it moving
    one place right; a full row first moves to the pool's end with twice the room (at
    least ``MIN_ROOM``), leaving its old records where they were; a row that cannot move
    stops the inserts there. What lies beyond the rows' records is left as it was.

    Returns:
        The number of pairs done, as ``ensure_pairs`` returns it.
    """
    arrays = (p.col, p.F, p.T, p.last, p.listed)
    for k in range(i.size):
        for a, b in ((int(i[k]), int(j[k])), (int(j[k]), int(i[k]))):
            s, n = int(p.start[a]), int(p.size[a])
            x = s + int(np.searchsorted(p.col[s:s + n], b))
            if x < s + n and p.col[x] == b:
                continue
            if n == p.room[a]:
                room = max(sparse_kernels.MIN_ROOM, 2 * int(p.room[a]))
                new = int(p.end[0])
                if new + room > p.col.size:
                    return k
                for arr in arrays:
                    arr[new:new + n] = arr[s:s + n].copy()
                p.end[0], p.start[a], p.room[a] = new + room, new, room
                x, s = new + (x - s), new
            for arr in arrays:
                arr[x + 1:s + n + 1] = arr[x:s + n].copy()
            p.col[x], p.F[x], p.T[x], p.last[x], p.listed[x] = b, 0.0, prior, now, False
            p.size[a] = n + 1
    return i.size


def test_inserts_move_the_records_as_the_reference_does() -> None:
    """Batches of new and known pairs (inserts at the start, middle and end of rows, full
    rows moving to the pool's end, and batches the pool runs out of room for) leave every
    array of the pool, byte for byte, as the numpy reference does, and stop at the same
    pair: the pool's layout, not only its values, is what later moves and compactions start
    from.
    """
    rng = np.random.default_rng(12)
    cap = 120
    r = _pair(cap)[1]
    filled = 0
    for now in range(1, 40):
        size = int(rng.integers(1, 600))
        i = rng.integers(cap, size=size)
        j = (i + rng.integers(1, cap, size=size)) % cap
        want = sparse_kernels.Pairs(*(a.copy() for a in r._p))
        got = sparse_kernels.Pairs(*(a.copy() for a in r._p))
        done = sparse_kernels.ensure_pairs(sparse_pairs(r, got), i, j, 0, now)
        assert done == _ensure_reference(want, i, j, r.prior, now)
        filled += done < size
        for name, a, b in zip(want._fields, got, want, strict=True):
            assert a.tobytes() == b.tobytes(), name
        r.settle(i, j, now)
        r.set_trust(i, j, rng.random(size), now)
    assert filled  # some batches ran out of room in the pool


def _teams(rng: np.random.Generator, cap: int) -> tuple[np.ndarray, np.ndarray]:
    """Disjoint teams of 1 to 6 slots (members in seating order, not sorted), as a round of
    conversation groups makes them."""
    members = rng.permutation(cap)[: int(rng.integers(1, cap))]
    cuts = np.cumsum(rng.integers(1, 7, size=members.size))
    bounds = np.concatenate(([0], cuts[cuts < members.size], [members.size]))
    return members, bounds


def test_team_inserts_are_the_inserts_of_every_pair() -> None:
    """``ensure_team_pairs`` skips the pairs whose records the pair the other way round gave:
    every array of the pool ends byte for byte as after ``ensure_pairs`` of all the pairs,
    batches the pool runs out of room for stop at the same pair, and the store's
    ``_ensure`` (which makes room and goes on) leaves the same rows either way.
    """
    rng = np.random.default_rng(13)
    cap = 120
    r = _pair(cap)[1]
    twin = _pair(cap)[1]
    filled = 0
    for now in range(1, 40):
        members, bounds = _teams(rng, cap)
        i, j, _ = kernels.team_pairs(members, bounds)
        want = sparse_kernels.Pairs(*(a.copy() for a in r._p))
        got = sparse_kernels.Pairs(*(a.copy() for a in r._p))
        done = sparse_kernels.ensure_pairs(sparse_pairs(r, want), i, j, 0, now)
        assert sparse_kernels.ensure_team_pairs(sparse_pairs(r, got), bounds, i, j, 0,
                                                now) == done
        filled += done < i.size
        for name, a, b in zip(want._fields, got, want, strict=True):
            assert a.tobytes() == b.tobytes(), name
        r._ensure(i, j, now)
        twin._ensure(i, j, now, bounds)
        for name in ("start", "size", "room", "end"):
            _same(getattr(twin._p, name), getattr(r._p, name))
        for a in range(cap):
            row = slice(r._p.start[a], r._p.start[a] + r._p.size[a])
            for name in ("col", "F", "T", "last", "listed"):
                got_row, want_row = getattr(twin._p, name)[row], getattr(r._p, name)[row]
                assert got_row.tobytes() == want_row.tobytes(), name
        values = rng.random(i.size)
        for s in (r, twin):
            s.set_trust(i, j, values, now)
    assert filled  # some batches ran out of room in the pool


# ---------------------------------------------------------------- set-up and sums


@pytest.mark.parametrize("threshold", [0.15, 0.5, 0.0])
def test_starting_pairs_match_the_dense_set_up(threshold: float) -> None:
    """The banded compiled pass finds the pairs the dense set-up finds from the whole square
    (``NetworkModel._create_population``), in the same order; bands give the same stream.
    """
    rng = np.random.default_rng(2)
    n = 37
    org = np.sort(rng.integers(0, 6, n))
    u = np.random.default_rng(9).random((n, n))
    known = np.triu(u < 0.2, 1)
    same = org[:, None] == org[None, :]
    fam = np.where(same, 0.6, np.where(known | known.T, 0.3, 0.0))
    np.fill_diagonal(fam, 0.0)
    want_edges = np.nonzero(known & ~same)
    want_start = np.nonzero(np.triu(fam >= threshold, 1))
    stream = np.random.default_rng(9)
    bands = [sparse_kernels.starting_pairs(stream.random((min(n, r0 + 5) - r0, n)), r0, org,
                                           0.2, 0.6, 0.3, threshold) for r0 in range(0, n, 5)]
    got = [np.concatenate([b[k] for b in bands]) for k in range(4)]
    for a, b in zip(got, (*want_edges, *want_start), strict=True):
        np.testing.assert_array_equal(a, b)


def test_build_stores_what_the_dense_block_stores() -> None:
    """``SparseRelations.build`` from the pairs equals ``set_block`` of the dense block: every
    pair, the diagonal's trust and the tie candidates.
    """
    rng = np.random.default_rng(5)
    n = 30
    org = np.sort(rng.integers(0, 5, n))
    known = np.triu(rng.random((n, n)) < 0.3, 1)
    same = org[:, None] == org[None, :]
    known_both = known | known.T
    fam = np.where(same, 0.6, np.where(known_both, 0.3, 0.0))
    np.fill_diagonal(fam, 0.0)
    trust = np.where(same, 0.5, np.where(known_both, 0.45, PRIOR))
    dense, sparse = _pair(40)
    dense.set_block(np.arange(n), fam, trust, 0)
    edge_i, edge_j = np.nonzero(known & ~same)
    sparse.build(n, org, edge_i, edge_j, (0.6, 0.5), (0.3, 0.45), 0)
    everyone = np.arange(40)
    _same(sparse.block(everyone, everyone, 3), dense.block(everyone, everyone, 3))
    _same(sparse.ties_among(everyone, 3), dense.ties_among(everyone, 3))
    _same(sparse.seat_sums(np.arange(n), 3), dense.seat_sums(np.arange(n), 3))


@pytest.mark.parametrize("n", [1, 2, 11, 12, 45, 130])
def test_block_sums_are_numpys_sums_of_the_dense_block(n: int) -> None:
    """The block sums read a row at a time equal numpy's ``sum`` and ``trace`` of the block
    (pairwise summation over the flattened block; sizes around the leaf length).
    """
    rng = np.random.default_rng(n)
    cap = n + 5
    dense, sparse = _pair(cap)
    i, j = rng.integers(cap, size=4 * cap), rng.integers(cap, size=4 * cap)
    for r in (dense, sparse):
        r.settle(i, j, 0)
        r.set_familiarity(i, j, rng.random(i.size) * 0 + np.linspace(0.01, 0.9, i.size), 0)
        r.set_trust(i, j, np.linspace(0.9, 0.02, i.size), 0)
    slots = np.sort(rng.choice(cap, size=n, replace=False))
    fam, trust = dense.block(slots, slots, 7)
    for block, is_trust in ((fam, False), (trust, True)):
        total, trace = sparse_kernels.block_sums(slots, sparse.arrays, 7, is_trust)
        assert total == block.sum() and trace == np.trace(block)


def test_scanned_lookup_finds_what_the_search_finds() -> None:
    """``_record_scanned`` (halving, then a count of the last columns) gives the record the
    binary search gives, for every pair: rows shorter and longer than ``_SCAN``, columns
    present and absent at both ends of a row, and empty rows.
    """
    rng = np.random.default_rng(17)
    cap = 4 * sparse_kernels._SCAN + 9
    _, sparse = _pair(cap)
    # Short rows among the first ten slots, long ones among the others but the last (empty).
    for group in (np.arange(10), np.arange(10, cap - 1)):
        i, j = np.nonzero(rng.random((group.size, group.size)) < 0.7)
        sparse.settle(group[i], group[j], 0)
    p = sparse._p
    assert p.size.max() > 2 * sparse_kernels._SCAN and p.size[cap - 1] == 0
    assert 0 < p.size[:10].max() < sparse_kernels._SCAN
    for a in range(cap):
        for b in range(cap):
            assert (sparse_kernels._record_scanned(p.start, p.size, p.col, a, b)
                    == sparse_kernels._record_of(p.start, p.size, p.col, a, b))


def test_search_from_a_start_finds_what_the_search_finds() -> None:
    """``_search_from`` (steps doubling from ``lo``, then a search of the last) gives the
    position the binary search of the whole row gives, for every start at or before it:
    columns present, absent, below and beyond the row, in rows of 0 to 40 columns.
    """
    rng = np.random.default_rng(5)
    for n in (0, 1, 2, 3, 7, 40):
        col = np.sort(rng.choice(100, size=n, replace=False)).astype(np.int32)
        for b in range(-1, 102):
            want = sparse_kernels._search(col, 0, n, b)
            for lo in range(want + 1):
                assert sparse_kernels._search_from(col, lo, n, b) == want


def _trust_writes(rels: tuple[Relations, SparseRelations], rng: np.random.Generator,
                  used: int, now: int, pairs: int, low: float, spread: float,
                  reset_every: int, resets: int) -> None:
    """A week of writes on both stores: ``pairs`` random pairs settled and given trust drawn
    from ``low`` to ``low + spread`` (the same trust stored by both), and every
    ``reset_every`` weeks ``resets`` random slots reset.
    """
    i, j = rng.integers(used, size=pairs), rng.integers(used, size=pairs)
    values = low + spread * rng.random(i.size)
    for r in rels:
        r.settle(i, j, now)
    _same(rels[1].set_trust(i, j, values, now), rels[0].set_trust(i, j, values, now))
    if now % reset_every == 0:
        slot = np.unique(rng.integers(used, size=resets))
        for r in rels:
            r.reset(slot, now, used)


@pytest.mark.parametrize("seed", range(3))
def test_trust_ties_in_long_rows_match_the_dense_store(seed: int) -> None:
    """The trust ties among members read from rows longer than ``_SCAN`` records (the
    halving and the count of ``_record_scanned``; at 1,000 people rows hold about 100), and
    the brokers' contacts read from them, are the dense store's, bit for bit, week by week,
    as trust is written, decays and slots are reset (candidates left without a record).
    """
    rng = np.random.default_rng(seed)
    cap, used = 3 * sparse_kernels._SCAN + 20, 3 * sparse_kernels._SCAN + 12
    rels = _pair(cap)
    everyone = np.arange(used)
    trust = np.where(rng.random((used, used)) < 0.6, rng.random((used, used)), PRIOR)
    for r in rels:
        r.set_block(everyone, rng.random((used, used)) * 0 + 0.5, trust, 0)
    assert rels[1]._p.size.max() > 2 * sparse_kernels._SCAN
    for now in range(1, 25):
        _trust_writes(rels, rng, used, now, pairs=60, low=0.0, spread=1.0, reset_every=6, resets=2)
        slots = np.flatnonzero(rng.random(used) < 0.8)
        want = rels[0].trust_ties(slots, TIE, now)
        assert want[0].size > 50
        _same(rels[1].trust_ties(slots, TIE, now), want)
        # The brokers' contacts: the ties among members, then both directions' trust of
        # each contact, looked up in the same long rows.
        member = np.zeros(cap, dtype=bool)
        member[slots] = True
        brokers = np.sort(rng.choice(used, size=8, replace=False))
        u = rng.random(3 * brokers.size)
        want = rels[0].broker_contacts(brokers, 3, u, member, TIE, now)
        assert want[0].size > 0
        _same(rels[1].broker_contacts(brokers, 3, u, member, TIE, now), want)


def _candidate_records(sparse: SparseRelations) -> tuple[np.ndarray, np.ndarray]:
    """The listed candidates' records found by search, and the positions the store keeps
    for the first ``_hinted`` of them (``_hints``)."""
    key = sparse._candidate_key()
    p = sparse._p
    a, b = np.divmod(key, sparse.capacity)
    found = np.array([sparse_kernels._record_of(p.start, p.size, p.col, x, y)
                      for x, y in zip(a, b, strict=True)], dtype=np.int64)
    return found, sparse._hints[:sparse._hinted]


@pytest.mark.parametrize("scan", ["trust_ties", "ties_among", "broker_contacts", "broker_relay"])
def test_candidate_hints_follow_moving_records(scan: str) -> None:
    """The record positions a scan of the tie candidates keeps for the next one are only
    hints: after inserts that shift rows, rows that outgrow their room and move, a compacted
    pool and reset slots, some are stale, and the next scan still reads every candidate's
    own record (the dense store's values, bit for bit) and leaves each one's position.
    """
    rng = np.random.default_rng(23)
    cap = used = 3 * sparse_kernels._SCAN + 10
    rels = _pair(cap)
    everyone = np.arange(used)
    trust = np.where(rng.random((used, used)) < 0.3, 0.5 + 0.5 * rng.random((used, used)),
                     PRIOR)
    known = trust > PRIOR
    org = np.arange(cap) % 4
    for r in rels:
        r.set_block(everyone, np.where(known, 0.5, 0.0), np.where(known, trust, PRIOR), 0)
        for _ in range(4):
            r.know.add_organisation()
        r.know.forget(everyone, org)

    def scanned(r: Relations, now: int) -> object:
        member = rng_scan.random(cap) < 0.9
        slots = np.flatnonzero(member[:used])
        brokers = np.sort(rng_scan.choice(used, size=6, replace=False))
        u = rng_scan.random(2 * brokers.size)
        if scan == "trust_ties":
            return r.trust_ties(slots, TIE, now)
        if scan == "ties_among":
            return r.ties_among(slots, now)
        if scan == "broker_contacts":
            return r.broker_contacts(brokers, 2, u, member, TIE, now)
        count = np.zeros(cap, dtype=np.int64)
        r.broker_relay(brokers, 2, u, member, TIE, now, r.know, org, 0.4, count)
        return count, r.know.of_rows(everyone)

    stale = fresh = 0
    for now in range(1, 16):
        rng_scan = np.random.default_rng(now)
        want = scanned(rels[0], now)
        rng_scan = np.random.default_rng(now)
        _same(scanned(rels[1], now), want)
        found, hints = _candidate_records(rels[1])
        _same(hints, found[:hints.size])  # each kept candidate's position, left for the next
        assert rels[1]._hinted == found.size
        # Records move: new pairs in the rows (some rows outgrow their room), trust written
        # (new candidates), a slot reset, and every other week the pool compacted.
        _trust_writes(rels, rng, used, now, pairs=40, low=0.45, spread=0.5,
                      reset_every=3, resets=1)
        if now % 2 == 0:
            rels[1]._repool(0)
        found, hints = _candidate_records(rels[1])
        still = hints == found[:hints.size]
        stale += int((~still).sum())
        fresh += int(still.sum())
    assert stale > 0 and fresh > 0  # both the hint and the search were taken


# Numbers a sparse kernel still takes beside the store, and why they are not its slots:
# mutual_ties keys pairs by the members' width (one above the largest member), and
# best_benefit and met_benefit size their result by the people structure's slots.
NOT_THE_STORES_SLOTS = {("mutual_ties", "width"), ("best_benefit", "capacity"),
                        ("met_benefit", "capacity")}


def test_sparse_kernels_read_the_stores_slots_from_the_store() -> None:
    """A kernel taking the store (``rel`` or its records ``p``) reads its number of slots
    from it (``start``'s length) instead of taking it as a number a caller could get wrong:
    no such kernel takes a ``width`` or ``capacity`` but the few whose number is another.
    """
    taking = set()
    for name, value in vars(sparse_kernels).items():
        func = getattr(value, "py_func", None)
        if func is None or func.__module__ != sparse_kernels.__name__:
            continue
        params = inspect.signature(func).parameters
        if {"rel", "p"} & set(params):
            taking |= {(name, n) for n in ("width", "capacity") if n in params}
    assert taking == NOT_THE_STORES_SLOTS
