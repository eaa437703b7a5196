"""The pair reporters kept incrementally (running column sums, tie candidates, the week's
trust ties shared by all readers, the starting relationships' share) equal the direct
computation from the whole active or present block, every week, over contrasting scenarios
and with either pair store; and the bookkeeping in :class:`model.relations.Relations`
survives duplicate writes, resets and growth.
"""

from __future__ import annotations

import copy
import pickle

import mesa
import mesa.datacollection
import numpy as np
import pandas as pd
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

import model.relations as relations
import scenarios
from model import NetworkModel, Status, kernels
from model.relations import ACTIVE, SEATS, Relations, SparseRelations
from model.reporters import (
    MODEL_REPORTERS,
    Collector,
    Seats,
    Snapshot,
    StartRelationships,
    reported_row,
    trust_ties,
)

TOL = 1e-9  # reported values agree to this, absolute or relative

# ---------------------------------------------------------------- the reference forms
# What the running sums and incremental readings must equal: each measure computed directly,
# from the whole block of pairs and every starting pair (a few passes over the square).


def snapshot_from_block(model: NetworkModel) -> Snapshot:
    """The survivors' statistics from the whole active block."""
    a = model.active_slots()
    n = a.size
    mc = float(model.commitment[a].mean()) if n else 0.0
    if n < 2:
        return Snapshot(model.steps, n, 0.0, 0.0, 0.0, float(n > 0), mc, 0)
    fam, trust = model.rel.block(a, a, model.steps)
    pairs = n * (n - 1)
    # Diagonals are never touched by encounters: subtract them instead of masking.
    mean_f = (fam.sum() - np.trace(fam)) / pairs
    mean_t = (trust.sum() - np.trace(trust)) / pairs
    ties = np.triu(0.5 * (trust + trust.T) >= model.params.tie_threshold, 1)
    _, labels = connected_components(csr_matrix(ties), directed=False)
    largest = np.bincount(labels).max() / n
    i, j = np.nonzero(ties)
    cross = int((model.org[a[i]] != model.org[a[j]]).sum())
    return Snapshot(model.steps, n, float(mean_f), float(mean_t), float(2 * ties.sum() / pairs),
                    float(largest), mc, cross)


def starting_share_from_pairs(start: StartRelationships, model: NetworkModel) -> float:
    """The share of starting relationships kept, read from every starting pair's current
    familiarity."""
    i, j = start.i, start.j
    if i.size == 0:
        return 0.0
    here = (model.present[i] & model.present[j] & (model.seated_at[i] == 0)
            & (model.seated_at[j] == 0))
    i, j = i[here], j[here]
    alive = model.rel.familiarity(i, j, model.steps) >= start.threshold
    return float(alive.sum() / start.total)


def seats_from_block(model: NetworkModel) -> Seats:
    """The seats' measures from the present members' whole block, the trust ties found
    afresh and every starting pair read."""
    m = model.members()
    seats = max(1, model.initial_size, m.size)
    pairs = seats * (seats - 1)
    prior = model.rel.prior
    sum_f = sum_t = 0.0
    ties = 0
    if m.size >= 2:
        fam, trust = model.rel.block(m, m, model.steps)
        sum_f = float(fam.sum() - np.trace(fam))
        sum_t = float(trust.sum() - np.trace(trust)) - prior * m.size * (m.size - 1)
        ties = trust_ties(model, m)[0].size
    commitment = float(model.commitment[m].sum()) if m.size else 0.0
    return Seats(model.steps, seats, sum_f / max(1, pairs), prior + sum_t / max(1, pairs),
                 commitment / seats, ties / seats,
                 starting_share_from_pairs(model.start_relationships, model))

SMALL = {"n_organisations": 4, "participants_per_organisation": 3}
WEEKS = 120

# Scenario name (shipped, or None for the defaults), overrides, and whether the network must
# end early. Small networks, so that turnover, recruitment and status changes are frequent
# relative to their size; the running sums are forced on (dense_below = 0) unless noted.
CASES = {
    "default": ("default", {}, False),
    "turnover_recruitment_growth": (None, {**SMALL, "turnover_per_year": 0.8,
                                           "share_recruiters": 0.5, "recruit_rate": 0.2}, False),
    "high_turnover": ("high_turnover", SMALL, False),
    "project_ends_early": ("project", {**SMALL, "goal_value_per_person": 2.0}, True),
    "self_organising": (None, {**SMALL, "governance": "self_organising"}, False),
    "no_coordination": ("no_coordination", {}, False),
    "advocacy_smouldering": ("advocacy", {**SMALL, "lifecycle": "smouldering",
                                          "activation_rate_per_year": 12.0}, False),
    "innovation_residents": ("innovation", {"resident_share": 0.3}, False),
    "prior_just_below_threshold": (None, {**SMALL, "trust_prior": 0.35,
                                          "tie_threshold": 0.35 + 1e-6}, False),
    "prior_at_threshold": (None, {**SMALL, "trust_prior": 0.4, "tie_threshold": 0.4}, False),
    "prior_above_threshold": (None, {**SMALL, "trust_prior": 0.45, "tie_threshold": 0.3}, False),
}


def make(name: str | None, overrides: dict, seed: int, dense_below: int | None = 0) -> NetworkModel:
    params = scenarios.load(name).replace(**overrides) if name else None
    m = NetworkModel(params=params, rng=seed) if name else NetworkModel(rng=seed, **overrides)
    if dense_below is not None:
        m.rel.dense_below = dense_below
    return m


def assert_same(fast: Snapshot, ref: Snapshot, where: str) -> None:
    for name in Snapshot._fields:
        a, b = getattr(fast, name), getattr(ref, name)
        assert a == pytest.approx(b, rel=TOL, abs=TOL), f"{name} at {where}: {a} != {b}"
        if isinstance(b, int):
            assert a == b, f"{name} at {where}"


def assert_same_seats(fast: Seats, ref: Seats, where: str) -> None:
    """The seats' measures: sums to ``TOL`` (summation order), counts and shares exactly."""
    for name in Seats._fields:
        a, b = getattr(fast, name), getattr(ref, name)
        if name in ("network_familiarity", "network_trust"):
            assert a == pytest.approx(b, rel=TOL, abs=TOL), f"{name} at {where}"
        else:
            assert a == b, f"{name} at {where}: {a} != {b}"


def assert_ties_shared(m: NetworkModel, where: str) -> None:
    """The week's shared trust ties are those found afresh, array for array."""
    for got, slots in ((m.member_ties(), m.members()), (m.active_ties(), m.active_slots())):
        for a, b in zip(got, trust_ties(m, slots), strict=True):
            np.testing.assert_array_equal(a, b, err_msg=where)
            assert a.dtype == b.dtype, where


def run_and_compare(m: NetworkModel, weeks: int = WEEKS, every: int = 1) -> int:
    """Step ``m`` and compare the model's snapshot and seats with the references every
    ``every`` weeks; returns the number of comparisons made while the running sums were in
    use (for the snapshot's and the seats' sums both).
    """
    assert_same(m.snapshot(), snapshot_from_block(m), "week 0")
    assert_same_seats(m.seats(), seats_from_block(m), "week 0")
    tracked = 0
    for week in range(1, weeks + 1):
        m.step()
        if week % every == 0 or not m.running:
            # The model's own snapshot and seats (those recorded this week, if it recorded).
            assert_same(m.snapshot(), snapshot_from_block(m), f"week {m.steps}")
            assert_same_seats(m.seats(), seats_from_block(m), f"week {m.steps}")
            assert_ties_shared(m, f"week {m.steps}")
            tracked += bool(m.rel._on[ACTIVE] and m.rel._on[SEATS])
        if not m.running:
            break
    return tracked


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("seed", [1, 2])
def test_incremental_equals_dense_every_week(case: str, seed: int) -> None:
    name, overrides, ends = CASES[case]
    m = make(name, overrides, seed)
    tracked = run_and_compare(m)
    assert tracked > 0, "the running sums were never in use"
    if ends:
        assert m.ended_at is not None and m.ended_at < WEEKS, "the network should end early"
    df = m.datacollector.get_model_vars_dataframe()
    assert len(df) > 1


@pytest.mark.parametrize("case", ["default", "turnover_recruitment_growth", "high_turnover",
                                  "prior_above_threshold"])
def test_incremental_equals_dense_with_the_sparse_store(case: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The same, with the sparse pair store (forced on at any size)."""
    monkeypatch.setattr(relations, "SPARSE_FROM", 0)
    name, overrides, _ = CASES[case]
    m = make(name, overrides, 3)
    assert isinstance(m.rel, SparseRelations)
    assert run_and_compare(m) > 0


def test_recorded_seats_rows_equal_dense() -> None:
    """The recorded seats' rows are the incremental values, equal to the reference, with
    turnover and recruits (growth past the first capacity) and the starting relationships
    read incrementally throughout.
    """
    m = make(None, {**SMALL, "turnover_per_year": 0.8, "share_recruiters": 0.5,
                    "recruit_rate": 0.2}, seed=12)
    first_capacity = m.capacity
    ref = [seats_from_block(m)]
    for _ in range(80):
        m.step()
        ref.append(seats_from_block(m))
    assert m.capacity > first_capacity, "the network should have grown"
    assert m.rel.mark_touches, "the starting relationships were never read incrementally"
    df = m.datacollector.get_model_vars_dataframe()
    for row, seats in zip(df.itertuples(), ref, strict=True):
        assert row.step == seats.step
        assert row.relationships_kept == seats.relationships_kept
        assert row.trust_ties_per_seat == seats.trust_ties_per_seat
        for name in ("network_familiarity", "network_trust"):
            assert getattr(row, name) == pytest.approx(getattr(seats, name), rel=TOL, abs=TOL)


@pytest.mark.parametrize("dense_below", [0, None])
def test_starting_relationships_read_mid_week_and_after_idle_weeks(dense_below: int | None
                                                                   ) -> None:
    """Asked at any moment (between processes, after weeks without asking, twice in a
    week), the starting relationships' share equals the direct reading exactly, kept
    incrementally or (few pairs, ``dense_below`` as shipped) read pair by pair.
    """
    m = make(None, {**SMALL, "turnover_per_year": 0.5}, seed=13, dense_below=dense_below)
    start = m.start_relationships
    for week in range(1, 90):
        m.steps += 1  # the week's processes by hand, asking in between
        for process in (m.convene, m.attend, m.converse, m.collaborate, m.motivate, m.decay,
                        m.churn):
            process()
            if (week + len(process.__name__)) % 5 == 0:
                want = starting_share_from_pairs(start, m)
                assert start.share(m) == want, f"after {process.__name__}, {week}"
        if week % 7 == 0:
            assert start.share(m) == starting_share_from_pairs(start, m)
            assert start.share(m) == starting_share_from_pairs(start, m)
    assert 0.0 < starting_share_from_pairs(start, m) < 1.0
    assert m.rel.mark_touches is (dense_below == 0)


def test_recorded_rows_equal_dense() -> None:
    """The data collector's rows are the incremental values, and they match the reference."""
    m = make(None, {**SMALL, "turnover_per_year": 0.8}, seed=5)
    ref = [snapshot_from_block(m)]
    for _ in range(60):
        m.step()
        ref.append(snapshot_from_block(m))
    df = m.datacollector.get_model_vars_dataframe()
    for row, snap in zip(df.itertuples(), ref, strict=True):
        assert row.step == snap.step
        for name in ("mean_familiarity", "mean_trust", "trust_density",
                     "largest_component_share", "cross_org_ties"):
            assert getattr(row, name) == pytest.approx(getattr(snap, name), rel=TOL, abs=TOL), name


def test_sparse_recording_many_changes_between_calls() -> None:
    """Recording every few weeks: more status changes per call, including full rebuilds."""
    m = make(None, {**SMALL, "turnover_per_year": 0.8, "share_recruiters": 0.5,
                    "recruit_rate": 0.2, "record_every": 7}, seed=3)
    assert run_and_compare(m, weeks=150, every=7) > 0


def test_larger_network_switches_to_running_sums_by_itself() -> None:
    """At the shipped threshold a 200-person network keeps running sums without being told."""
    m = make(None, {"n_organisations": 40, "participants_per_organisation": 5,
                    "coordination_budget_eur": 12_500.0, "turnover_per_year": 0.3}, seed=4,
             dense_below=None)
    assert run_and_compare(m, weeks=25) > 0


def test_same_seed_same_rows_with_and_without_running_sums() -> None:
    """How the pair statistics are computed does not touch the random draws."""
    dense = make(None, {**SMALL, "turnover_per_year": 0.8}, seed=8, dense_below=10**9)
    fast = make(None, {**SMALL, "turnover_per_year": 0.8}, seed=8)
    dense.run_for(50)
    fast.run_for(50)
    a = dense.datacollector.get_model_vars_dataframe()
    b = fast.datacollector.get_model_vars_dataframe()
    sums = ["mean_familiarity", "mean_trust", "network_familiarity", "network_trust"]
    assert a.drop(columns=sums).equals(b.drop(columns=sums))
    np.testing.assert_allclose(a[sums], b[sums], rtol=TOL, atol=TOL)


# ---------------------------------------------------------------------------- the store itself
def brute(rel: Relations, slots: np.ndarray, now: int) -> tuple[float, float, set]:
    fam, trust = rel.block(slots, slots, now)
    off = ~np.eye(slots.size, dtype=bool)
    r, c = np.nonzero((trust >= rel.tie_threshold) & off)
    return (float(fam[off].sum()), float((trust[off] - rel.prior).sum()),
            set(zip(slots[r].tolist(), slots[c].tolist(), strict=True)))


@pytest.mark.parametrize("prior", [0.15, 0.5])
@pytest.mark.parametrize("seed", range(4))
def test_relations_bookkeeping_random_writes(seed: int, prior: float) -> None:
    """Random settled writes with duplicate pairs, block writes, resets, growth and changing
    tracked sets.
    """
    rng = np.random.default_rng(seed)
    cap, used = 8, 6
    first_cap = cap
    rel = Relations(cap, prior, 5.0, 7.0, tie_threshold=0.4)
    rel.dense_below = 0
    start = rng.choice([True, False], size=(used, used))
    rel.set_block(np.arange(used), np.where(start, 0.6, 0.0), np.where(start, 0.5, prior), 0)
    for now in range(1, 80):
        if rng.random() < 0.05 and used == cap:
            rel.grow(2 * cap, now)
            cap *= 2
        used = min(cap, used + int(rng.random() < 0.3))
        for _ in range(rng.integers(0, 4)):
            k = int(rng.integers(1, 12))
            i, j = rng.integers(used, size=k), rng.integers(used, size=k)
            i, j = np.concatenate((i, i[:2])), np.concatenate((j, j[:2]))  # duplicates
            rel.settle(i, j, now)
            f = rel.F[i, j]
            rel.set_familiarity(i, j, f + 0.3 * rng.random(i.size) * (1 - f), now)
            t = rel.T[i, j]
            rel.set_trust(i, j, np.clip(t + rng.normal(0.1, 0.2, i.size), 0, 1), now)
        if rng.random() < 0.1:
            block = np.sort(rng.choice(used, size=3, replace=False))
            rel.set_block(block, rng.random((3, 3)), rng.random((3, 3)), now)
        if rng.random() < 0.2:
            # Below the first capacity: knowledge K is grown by the model, not by grow().
            rel.reset(int(rng.integers(first_cap)), now)
        if rng.random() < 0.7:  # not every week: changes accumulate between calls
            slots = np.flatnonzero(rng.random(used) < 0.7)
            sum_f, sum_t, ties = brute(rel, slots, now)
            got_f, got_t = rel.pair_sums(slots, now)
            assert got_f == pytest.approx(sum_f, rel=TOL, abs=TOL)
            assert got_t == pytest.approx(sum_t, rel=TOL, abs=TOL)
            # The seats' running sums, over another moving set of rows.
            seats = np.flatnonzero(rng.random(used) < 0.8)
            sum_f, sum_t, _ = brute(rel, seats, now)
            got_f, got_t = rel.seat_sums(seats, now)
            assert got_f == pytest.approx(sum_f, rel=TOL, abs=TOL)
            assert got_t == pytest.approx(sum_t, rel=TOL, abs=TOL)
            i, j = rel.ties_among(slots, now)
            assert len(i) == len(ties) and set(zip(i.tolist(), j.tolist(), strict=True)) == ties


def test_census_reporters_equal_direct_counts() -> None:
    """The counts and means shared through the weekly census equal their direct computation
    in every recorded row and in the history, with turnover and recruits changing them.
    """
    m = make(None, {**SMALL, "turnover_per_year": 0.8, "share_recruiters": 0.5,
                    "recruit_rate": 0.2}, seed=6)
    expected = []
    for week in range(61):
        if week:
            m.step()
        present = np.flatnonzero(m.present[: m.used])
        n_active = int((m.status[: m.used] == Status.ACTIVE).sum())
        expected.append((n_active, present.size,
                         n_active / max(1, m.initial_size, present.size),
                         float(m.commitment[present].mean()) if present.size else 0.0))
    df = m.datacollector.get_model_vars_dataframe()
    got = list(df[["active", "present", "active_share", "mean_commitment_all"]].itertuples(
        index=False, name=None))
    assert got == expected
    assert m.history["active_share"] == [e[2] for e in expected]
    assert m.history["mean_commitment"] == [e[3] for e in expected]


def test_phase_series_are_the_history_as_arrays() -> None:
    """The arrays the phase reads equal the history's lists element for element, past the
    arrays' first size (so after they grow), and the window means the phase takes of their
    slices equal those of arrays made from the lists' slices (the former reading), bit for bit.
    """
    from model.model import _HISTORY_WEEKS
    from model.reporters import mean

    m = make(None, {**SMALL, "turnover_per_year": 0.8}, seed=3)
    m.run_for(200)
    engaged, commitment = m.phase_series()
    assert engaged.size > _HISTORY_WEEKS  # grown at least once
    for got, key in ((engaged, "engaged_share"), (commitment, "mean_commitment")):
        assert got.tolist() == m.history[key]
        for w in (2, 5, 13, 40):
            for end in range(1, len(got) + 1):
                new = got[:end][-(w + 1):]
                old = np.asarray(m.history[key][:end][-(w + 1):])
                half = max(1, old.size // 2)
                assert mean(new[-half:]) == mean(old[-half:])
                assert mean(new[:half]) == mean(old[:half])


def test_census_is_retaken_in_a_new_week() -> None:
    """Asked before the week's observe (as the advocacy window asks for the snapshot), the
    census counts the state of that moment, not the previous week's.
    """
    m = make(None, {**SMALL, "turnover_per_year": 0.8}, seed=7)
    m.run_for(5)
    m.steps += 1  # as Mesa does at the start of a step
    m.status[: m.used] = Status.DORMANT
    assert m.census().active.size == 0
    assert m.snapshot().n_active == 0


def test_collector_records_what_mesas_datacollector_records(monkeypatch) -> None:
    """The model's Collector (no deep copy of the reporters' plain values) gives the frame
    Mesa's own DataCollector gives on the same run, and really skips the copies.
    """
    copies = []
    real = mesa.datacollection.deepcopy
    monkeypatch.setattr(mesa.datacollection, "deepcopy", lambda x: copies.append(x) or real(x))
    overrides = {**SMALL, "turnover_per_year": 0.8, "share_recruiters": 0.5}
    ours = NetworkModel(rng=11, **overrides)
    assert isinstance(ours.datacollector, Collector)
    mesas = NetworkModel(rng=11, **overrides)
    mesas.datacollector = mesa.DataCollector(model_reporters=MODEL_REPORTERS)
    mesas.datacollector.collect(mesas)  # week 0 again, into Mesa's collector
    copies.clear()
    ours.run_for(40)
    assert copies == []  # the plain path: no deep copies
    mesas.run_for(40)
    assert len(copies) == 40 * len(MODEL_REPORTERS)
    a = ours.datacollector.get_model_vars_dataframe()
    b = mesas.datacollector.get_model_vars_dataframe()
    assert len(a) == 41
    # Ours recorded the weeks from the one-call readings in rows (reported_row), Mesa's
    # called each reporter: the same values and types, bit for bit.
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    for name, values in ours.datacollector.model_vars.items():
        assert [type(v) for v in values] == [type(v) for v in mesas.datacollector.model_vars[name]]


def test_readings_name_the_reporters_in_their_order() -> None:
    """The one-call observation's readings give the reporters after ``step`` in their order,
    and ``reported_row`` the model's values of the rest, as their reporters read them.
    """
    names = tuple(MODEL_REPORTERS)
    assert kernels.READINGS[:kernels.READ_REPORTED] == names[1:kernels.READ_REPORTED + 1]
    m = NetworkModel(rng=3, **SMALL)
    m.run_for(12)
    readings = m.week_readings()
    assert readings is not None
    # The reporters that take their sums since the previous recording are read once.
    m._since_record = {"value": 2.5, "breaches": 3}
    row = reported_row(m, list(readings))
    m._since_record = {"value": 2.5, "breaches": 3}
    apart = [reporter(m) for reporter in MODEL_REPORTERS.values()]
    assert row == apart
    assert [type(v) for v in row] == [type(v) for v in apart]


def test_rows_waiting_are_added_in_order_whenever_read() -> None:
    """The rows recorded from the one-call readings wait until the reporters' lists are read
    (``Collector.model_vars``): read every few weeks or only at the end, the lists are the
    same, a value per week recorded in the weeks' order, and nothing is left waiting.
    """
    end_only = NetworkModel(rng=7, **SMALL)
    read_often = NetworkModel(rng=7, **SMALL)
    end_only.run_for(30)
    for week in range(30):
        read_often.step()
        if week % 7 == 0:
            assert read_often.datacollector._waiting  # a row from the readings waits
            steps = read_often.datacollector.model_vars["step"]
            assert steps == list(range(read_often.steps + 1))
            assert not read_often.datacollector._waiting
    a, b = (m.datacollector for m in (end_only, read_often))
    assert a._waiting and b._waiting  # the final weeks' rows, not read yet
    assert a.model_vars == b.model_vars and a._collection_steps == b._collection_steps
    assert len(a.model_vars["step"]) == 31
    assert not a._waiting and not b._waiting


@pytest.mark.parametrize(("case", "every"), [("default", 1), ("turnover_recruitment_growth", 1),
                                             ("high_turnover", 3), ("advocacy_smouldering", 1),
                                             ("project_ends_early", 1),
                                             ("prior_just_below_threshold", 2)])
def test_one_call_observation_records_what_the_reporters_apart_record(case: str,
                                                                      every: int) -> None:
    """A small network observed in one compiled call (``kernels.observe_block``) records the
    rows, the history, the phase and the week's ties that the census, the trust ties, the
    snapshot, the seats and the coverage give when each is computed apart, bit for bit;
    recorded weeks include some whose active are all the present and some whose active are
    fewer (the two ways the call reads the blocks).
    """
    name, overrides, _ = CASES[case]
    overrides = {**overrides, "record_every": every}
    fast = make(name, overrides, 4, dense_below=None)
    apart = make(name, overrides, 4, dense_below=None)
    apart._reads_blocks = lambda: False  # every reading as the reporters take it apart
    in_one_call = 0
    blocks = {"same": 0, "fewer": 0}
    for week in range(1, WEEKS + 1):
        in_one_call += fast._reads_blocks()  # as the week's observe will find
        fast.step()
        apart.step()
        assert fast.phase is apart.phase, f"week {week}"
        if fast._last_recorded == fast.steps:
            # Read from the readings when asked, as each was computed apart.
            assert fast.census()[3:] == apart.census()[3:], f"week {week}"
            np.testing.assert_array_equal(fast.census().members, apart.census().members)
            np.testing.assert_array_equal(fast.census().active, apart.census().active)
            assert fast.snapshot() == apart.snapshot(), f"week {week}"
            assert fast.seats() == apart.seats(), f"week {week}"
            n_active, n_present = fast.census().active.size, fast.census().members.size
            if n_active >= 2 and fast.week_readings() is not None:
                blocks["same" if n_active == n_present else "fewer"] += 1
        for a, b in zip(fast.member_ties(), apart.member_ties(), strict=True):
            np.testing.assert_array_equal(a, b)
            assert not a.flags.writeable
        if not fast.running:
            break
    assert in_one_call > 0
    assert blocks["same"] > 0 and blocks["fewer"] > 0, blocks
    # A week recorded after the last step (not a recording week when every > 1).
    fast.record()
    apart.record()
    assert fast.history == apart.history
    pd.testing.assert_frame_equal(fast.datacollector.get_model_vars_dataframe(),
                                  apart.datacollector.get_model_vars_dataframe(),
                                  check_exact=True)
    assert fast.seats() == apart.seats() and fast.snapshot() == apart.snapshot()


def test_one_call_observation_falls_back_to_the_reporters_apart() -> None:
    """With an active person not present (never in the model's own weeks), the one call does
    not count the survivors' ties: the week is recorded by each reporter apart (the
    snapshot taken apart), as the model that takes every reading apart records it.
    """
    fast = make(None, SMALL, 5, dense_below=None)
    apart = make(None, SMALL, 5, dense_below=None)
    apart._reads_blocks = lambda: False
    for m in (fast, apart):
        m.run_for(6)
        m.steps += 1  # a new week, observed at once
        gone = m.members()[0]
        m.present[gone] = False
        m.status[gone] = Status.ACTIVE
        m._members = m._active = None
        m.observe()
    assert fast._readings.values[kernels.READ_ACTIVE_TIES] < 0
    assert fast.week_readings() is None
    pd.testing.assert_frame_equal(fast.datacollector.get_model_vars_dataframe(),
                                  apart.datacollector.get_model_vars_dataframe(),
                                  check_exact=True)
    assert fast.snapshot() == apart.snapshot() and fast.seats() == apart.seats()


def test_a_row_that_misses_a_reporter_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A reporter added without its place in ``reported_row`` would leave the collector's
    lists out of step (``zip`` stops at the shorter); the collection refuses such a row.
    """
    import model.reporters as reporters

    m = NetworkModel(rng=3, **SMALL)
    m.run_for(2)
    whole = reporters.reported_row
    monkeypatch.setattr(reporters, "reported_row", lambda model, r: whole(model, r)[:-1])
    with pytest.raises(RuntimeError, match="add the new reporter"):
        m.step()


@pytest.mark.parametrize("how", ["deepcopy", "pickle"])
def test_a_copied_model_records_into_its_own_reporters(how: str) -> None:
    """A copied model's collector records the copy's weeks in its own lists and leaves the
    original's alone, in a network whose reporters read the model apart (64 people: not
    observed in one call). Before, ``copy.deepcopy`` kept the collector's bound appends of
    the original's lists (a built-in method is an atom to it): the copy's rows went to the
    original, which then held two rows of each week.
    """
    original = NetworkModel(rng=0, participants_per_organisation=8)
    original.run_for(2)
    twin = copy.deepcopy(original) if how == "deepcopy" else pickle.loads(pickle.dumps(original))
    original.run_for(3)
    twin.run_for(3)
    assert original.week_readings() is None  # each reporter read apart
    a = original.datacollector.get_model_vars_dataframe()
    assert a["step"].tolist() == list(range(6))
    pd.testing.assert_frame_equal(twin.datacollector.get_model_vars_dataframe(), a,
                                  check_exact=True)
