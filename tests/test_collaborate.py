"""Collaborate in one compiled call (``NetworkModel._collaborate_in_one_call``,
``kernels.collaborate``, and ``sparse_kernels.collaborate`` on the sparse pair store) against
the chain it replaces (``_active_weights``, ``_working_groups``, ``_work_in_groups``,
``_client_cases``): the same state, the same value and the same draws, week after week and
in the chain's edge cases.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

import model.relations as relations
import scenarios
from model import PARAMETERS, NetworkModel, Status, kernels, sparse_kernels, state
from model.relations import SparseRelations
from tests.test_state import pairs_shared

WEEKS = 60

# Scenario (shipped, or None for the defaults) and overrides: every purpose's yield, client
# cases (their draws come after the groups'), new practices credited, quiet and activated
# spells, a network large enough to keep running column sums (tracked rows), and one of 300
# on the dense store whose starting relationships' reporter marks the written pairs (4,096
# starting pairs or more: about 280 people and up; the coordination budget scaled as the
# benchmarks' large case, benchmarks/bench_model.py, so that meetings are held).
_BUDGET = PARAMETERS["coordination_budget_eur"]
MARKED_BUDGET = min(_BUDGET.high, _BUDGET.default * 300 / 24)
CASES = {
    "default": (None, {}),
    "client_service": ("client_service", {}),
    "client_process": ("client_process", {"n_organisations": 4}),
    "innovation_residents": ("innovation", {"resident_share": 0.3}),
    "learning": ("learning", {}),
    "peer_support": ("peer_support", {}),
    "advocacy_smouldering": ("advocacy", {"lifecycle": "smouldering",
                                          "activation_rate_per_year": 12.0}),
    "running_sums": (None, {"n_organisations": 20, "participants_per_organisation": 5}),
    "marked": (None, {"n_organisations": 100, "coordination_budget_eur": MARKED_BUDGET}),
}


def model_of(name: str | None, overrides: dict, seed: int) -> NetworkModel:
    """A model of a case: a shipped scenario (or the defaults, for None) with overrides."""
    params = scenarios.load(name).replace(**overrides) if name else None
    return NetworkModel(params=params, rng=seed) if name else NetworkModel(rng=seed, **overrides)


def make(name: str | None, overrides: dict, seed: int, fused: bool,
         sparse: bool = False) -> NetworkModel:
    """A model of the case, with the sparse pair store if ``sparse``; unless ``fused``, one
    that collaborates by the chain.
    """
    if sparse:
        saved = relations.SPARSE_FROM
        relations.SPARSE_FROM = 0
        try:
            m = model_of(name, overrides, seed)
        finally:
            relations.SPARSE_FROM = saved
        assert isinstance(m.rel, SparseRelations)
    else:
        m = model_of(name, overrides, seed)
    record_taken(m)
    if not fused:
        m._collaborate_in_one_call = lambda: False
    return m


def record_taken(m: NetworkModel) -> None:
    """Keep every batch of written pairs that ``m``'s store hands its reader (``take_written_
    pairs``, each week's observe while marking) in ``m.rel.taken``, for comparison.
    """
    m.rel.taken = []
    take = m.rel.take_written_pairs

    def recorded() -> tuple[np.ndarray, np.ndarray]:
        out = take()
        m.rel.taken.append(out)
        return out

    m.rel.take_written_pairs = recorded


def assert_same_log(a: NetworkModel, b: NetworkModel, where: str) -> None:
    """The same writes, touch marks and logged written pairs (those still in the log and,
    where recorded, those taken from it: ``record_taken``), in the same order.
    """
    for name in ("writes", "mark_touches", "_logged"):
        assert getattr(a.rel, name) == getattr(b.rel, name), f"rel.{name} {where}"
    np.testing.assert_array_equal(a.rel.touched, b.rel.touched, err_msg=f"touched {where}")
    for end in range(2):
        logged = [np.concatenate([np.zeros(0, dtype=np.int64)] + [x[end] for x in m.rel._pair_log])
                  for m in (a, b)]
        np.testing.assert_array_equal(*logged, err_msg=f"logged pairs {where}")
    log_sizes = [[x.size for x, _ in m.rel._pair_log] for m in (a, b)]
    assert log_sizes[0] == log_sizes[1], f"log entries {where}"
    taken = [getattr(m.rel, "taken", []) for m in (a, b)]
    assert len(taken[0]) == len(taken[1]), f"takes {where}"
    for x, y in zip(*taken, strict=True):
        for end in range(2):
            np.testing.assert_array_equal(x[end], y[end], err_msg=f"taken pairs {where}")


def assert_same_state(a: NetworkModel, b: NetworkModel, where: str) -> None:
    """Everything collaborate reads or writes, bit for bit, and the generator's state."""
    for f in state.PEOPLE:
        np.testing.assert_array_equal(getattr(a, f.name), getattr(b, f.name),
                                      err_msg=f"{f.name} {where}")
    if isinstance(a.rel, SparseRelations):
        assert_same_pool(a.rel, b.rel, where)
    else:
        for name in ("F", "T", "last"):
            np.testing.assert_array_equal(getattr(a.rel, name), getattr(b.rel, name),
                                          err_msg=f"{name} {where}")
    np.testing.assert_array_equal(a.rel._cols, b.rel._cols, err_msg=f"sums {where}")
    for name in ("_k", "_ka", "_kc", "_ksum"):
        np.testing.assert_array_equal(getattr(a.knowledge, name), getattr(b.knowledge, name),
                                      err_msg=f"knowledge {name} {where}")
    listed = [np.concatenate([np.zeros(0, dtype=np.int64), *m.rel._candidates]) for m in (a, b)]
    np.testing.assert_array_equal(*listed, err_msg=f"candidates {where}")
    for name in ("value_total", "goal_progress", "advocacy_stock", "innovations",
                 "encounters_total", "breaches_total", "_since_record"):
        assert getattr(a, name) == getattr(b, name), f"{name} {where}"
    for name in ("_written", "_sums_at"):
        assert getattr(a.rel, name) == getattr(b.rel, name), f"rel.{name} {where}"
    assert_same_log(a, b, where)  # the written pairs logged (while marking), in order
    np.testing.assert_array_equal(a.active_slots(), b.active_slots(), err_msg=where)
    assert a.rng.bit_generator.state == b.rng.bit_generator.state, f"draws {where}"


def assert_same_pool(a: SparseRelations, b: SparseRelations, where: str) -> None:
    """The same sparse pools: every row where it lies and with what room, and its records
    (the room beyond a row's records holds whatever was there).
    """
    for name in ("start", "size", "room", "end"):
        np.testing.assert_array_equal(getattr(a._p, name), getattr(b._p, name),
                                      err_msg=f"pool {name} {where}")
    assert a._p.col.size == b._p.col.size, f"pool size {where}"
    live = np.concatenate([np.zeros(0, dtype=np.int64)] + [
        np.arange(s, s + n) for s, n in zip(a._p.start, a._p.size, strict=True)])
    for name in ("col", "F", "T", "last", "listed"):
        np.testing.assert_array_equal(getattr(a._p, name)[live], getattr(b._p, name)[live],
                                      err_msg=f"records {name} {where}")


def count_calls(m: NetworkModel) -> list[int]:
    """Count the store's fused calls that met in groups, and those with running sums kept."""
    calls = [0, 0]
    collaborate = m.rel.collaborate

    def counted(*args: object) -> tuple:
        out = collaborate(*args)
        calls[0] += out[2] > 0
        calls[1] += m.rel._tracking
        return out

    m.rel.collaborate = counted
    return calls


def step_side_by_side(fused: NetworkModel, apart: NetworkModel, weeks: int,
                      same: Callable[[NetworkModel, NetworkModel, str], None]) -> None:
    """Step both models up to ``weeks`` weeks (or until the first ends), checking them with
    ``same`` after every week.
    """
    for week in range(1, weeks + 1):
        fused.step()
        apart.step()
        same(fused, apart, f"week {week}")
        if not fused.running:
            break


def assert_same_records(fused: NetworkModel, apart: NetworkModel, marked: bool) -> None:
    """The fused and chained runs recorded the same weeks; a ``marked`` run's fused calls
    served while its pairs were logged and taken.
    """
    if marked:
        assert fused.rel.mark_touches and sum(x.size for x, _ in fused.rel.taken) > 0
    assert fused.datacollector.get_model_vars_dataframe().equals(
        apart.datacollector.get_model_vars_dataframe())


@pytest.mark.parametrize("case", CASES)
def test_one_call_collaboration_is_the_chain(case: str) -> None:
    """Whole runs, fused against chained, compared after every week."""
    name, overrides = CASES[case]
    fused, apart = make(name, overrides, 3, True), make(name, overrides, 3, False)
    calls = count_calls(fused)
    step_side_by_side(fused, apart, WEEKS, assert_same_state)
    assert calls[0] > 0  # some weeks' groups met in the fused call
    if case == "running_sums":
        assert calls[1] > 0
    assert_same_records(fused, apart, marked=case == "marked")


@pytest.mark.parametrize("case", ["default", "client_service", "running_sums"])
def test_one_call_collaboration_logs_as_the_chain(case: str) -> None:
    """Small dense stores that log their written pairs from the start (nobody takes the log
    here: the starting relationships are read directly), fused against chained: the same
    log, entry by entry, after every week.
    """
    name, overrides = CASES[case]
    fused, apart = make(name, overrides, 3, True), make(name, overrides, 3, False)
    for m in (fused, apart):
        m.rel.mark_touches = True
    calls = count_calls(fused)
    step_side_by_side(fused, apart, WEEKS, assert_same_state)
    assert calls[0] > 0 and fused.rel._logged > 0 and not fused.rel.taken


# The cases run with the sparse pair store as well (forced on in these small networks), and
# a network of 1,000 (the store it picks; the coordination budget scaled as the benchmarks'
# large case, benchmarks/bench_model.py).
SPARSE_CASES = {
    **{name: CASES[name] for name in ("default", "client_service", "innovation_residents",
                                      "advocacy_smouldering", "running_sums")},
    "thousand": (None, {"n_organisations": 200, "participants_per_organisation": 5,
                        "coordination_budget_eur": min(_BUDGET.high,
                                                       _BUDGET.default * 1000 / 24)}),
}


@pytest.mark.parametrize("case", SPARSE_CASES)
def test_one_call_collaboration_is_the_chain_on_the_sparse_store(case: str) -> None:
    """Whole runs on the sparse store, fused against chained, compared after every week."""
    name, overrides = SPARSE_CASES[case]
    fused, apart = (make(name, overrides, 3, f, sparse=True) for f in (True, False))
    calls = count_calls(fused)
    step_side_by_side(fused, apart, WEEKS, assert_same_state)
    assert calls[0] > 0
    if case == "running_sums":
        assert calls[1] > 0
    if case == "thousand":  # its starting relationships' reporter marks the written pairs
        assert fused.rel.mark_touches
    assert fused.datacollector.get_model_vars_dataframe().equals(
        apart.datacollector.get_model_vars_dataframe())


@pytest.mark.parametrize("case", ["default", "thousand"])
def test_sparse_collaboration_pairs_are_listed_as_team_pairs(
        case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fused sparse call gives its groups' pairs records with ``ensure_team_pairs``, which
    assumes the pairs are ``kernels.team_pairs`` of the groups, in its order: they are, in
    every week's call of whole runs (the pools against the chain's ``ensure_pairs``: the test
    above).
    """
    name, overrides = SPARSE_CASES[case]
    m = make(name, overrides, 3, True, sparse=True)
    collaborate = sparse_kernels.collaborate
    met = [0]

    def checked(*args: object) -> tuple:
        out = collaborate(*args)
        members, bounds, i, j, g = out[-5:]
        for got, want in zip((i, j, g), kernels.team_pairs(members, bounds), strict=True):
            assert got.tobytes() == want.tobytes()
        met[0] += i.size > 0
        return out

    monkeypatch.setattr(sparse_kernels, "collaborate", checked)
    m.run_for(WEEKS // 2 if case == "thousand" else WEEKS)
    assert met[0] > 0


def _pool_full(m: NetworkModel) -> None:
    # No room left in any row, nor for a row to move to: the first new record stops the call.
    p = m.rel._p
    p.room[:] = p.size
    p.end[0] = p.col.size


@pytest.mark.parametrize("case", ["default", "client_service", "running_sums"])
def test_one_call_collaboration_on_a_full_sparse_pool(case: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A sparse pool that fills up while the groups' pairs get records: the fused call stops
    after drawing the groups, the store makes room and goes on (``sparse_kernels.
    work_and_cases``), as the chain's ``_ensure`` does, week after week.
    """
    name, overrides = CASES[case]
    models = [make(name, overrides, 5, fused, sparse=True) for fused in (True, False)]
    for m in models:
        m.run_for(6)
        collaborate = m.collaborate

        def full_first(collaborate: Callable[[], None] = collaborate, m: NetworkModel = m
                       ) -> None:
            _pool_full(m)
            collaborate()

        m.collaborate = full_first
    went_on = [0]
    work_and_cases = sparse_kernels.work_and_cases

    def counted(*args: object) -> tuple:
        went_on[0] += 1
        return work_and_cases(*args)

    monkeypatch.setattr(sparse_kernels, "work_and_cases", counted)
    step_side_by_side(*models, 12, assert_same_state)
    assert went_on[0] > 0


def _nobody_active(m: NetworkModel) -> None:
    m.status[: m.used] = Status.DORMANT
    m._active = None


def _one_active(m: NetworkModel) -> None:
    m.status[1: m.used] = Status.DORMANT
    m.status[0] = Status.ACTIVE
    m._active = None


def _short_table(m: NetworkModel) -> None:
    m._attachment = m._attachment_table(1)  # anyone who has joined a group outgrows it


def _quiet(m: NetworkModel) -> None:
    m.quiet_until = m.steps + 5  # no initiative and no client cases


def _nobody_knows_anyone(m: NetworkModel) -> None:
    # Groups of their initiators alone: no pairs, the members only join.
    (m.rel._p if isinstance(m.rel, SparseRelations) else m.rel).F[:] = 0.0


@pytest.mark.parametrize("edit", [_nobody_active, _one_active, _short_table, _quiet,
                                  _nobody_knows_anyone])
@pytest.mark.parametrize("name", ["advocacy", "client_service"])
@pytest.mark.parametrize("sparse", [False, True])
def test_one_call_collaboration_in_the_edge_cases(edit, name, sparse) -> None:
    """One week's collaborate on an edited state: nobody or one person active (no groups,
    nothing drawn but a worker's client cases), an attachment table too short (lengthened,
    then the call made again), a quiet spell, and groups without pairs.
    """
    models = []
    for fused in (True, False):
        m = make(name, {}, 5, fused, sparse=sparse)
        m.run_for(12)
        models.append(m)
    before = [m.rng.bit_generator.state for m in models]
    for m in models:
        edit(m)
        m.collaborate()
    assert_same_state(*models, edit.__name__)
    if edit is _nobody_active or (edit is _one_active and name == "advocacy"):
        assert models[0].rng.bit_generator.state == before[0]  # nothing drawn
    if edit is _short_table:
        assert models[0]._attachment.size > 1


@pytest.mark.parametrize("case", ["default", "innovation_residents", "running_sums"])
def test_one_call_collaboration_keeps_the_candidates_joined(case: str) -> None:
    """The dense store's fused call returns its tie candidates with the new ones joined on
    (``kernels.collaborate``'s ``key``): after each week's call the store holds them as one
    array, the candidates listed before it in their order followed by the new ones, which
    are the chain's (``test_one_call_collaboration_is_the_chain`` compares the lists).
    """
    m = make(*CASES[case], 3, True)
    collaborate = m.rel.collaborate
    grew = [0]

    def checked(*args: object) -> tuple:
        before = np.concatenate([np.zeros(0, dtype=np.int64), *m.rel._candidates])
        out = collaborate(*args)
        assert len(m.rel._candidates) == 1
        after = m.rel._candidates[0]
        assert after.dtype == np.int64 and after.flags.c_contiguous
        np.testing.assert_array_equal(after[: before.size], before)
        grew[0] += after.size > before.size
        return out

    m.rel.collaborate = checked
    m.run_for(WEEKS)
    assert grew[0] > 0  # some weeks listed new candidates


def test_the_dense_store_passes_its_arrays_after_growing() -> None:
    """The arrays the dense store gathers for its kernels once per allocation
    (``Relations._keep_call_args``) are those it holds, also after it grew.
    """
    rel = relations.Relations(4, 0.3, 26.0, 52.0, tie_threshold=0.6)
    for capacity in (4, 8):
        if capacity > rel.capacity:
            rel.grow(capacity, 1)
        assert rel.capacity == capacity
        assert pairs_shared(rel)  # its candidate flags too, as they grew
