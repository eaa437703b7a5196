"""Collaborate in one compiled call (``NetworkModel._collaborate_in_one_call``,
``kernels.collaborate``) against the chain it replaces (``_active_weights``,
``_working_groups``, ``_work_in_groups``, ``_client_cases``): the same state, the same value
and the same draws, week after week and in the chain's edge cases.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

import scenarios
from model import NetworkModel, Status, state

WEEKS = 60

# Scenario (shipped, or None for the defaults) and overrides: every purpose's yield, client
# cases (their draws come after the groups'), new practices credited, quiet and activated
# spells, and a network large enough to keep running column sums (tracked rows).
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
}


def model_of(name: str | None, overrides: dict, seed: int) -> NetworkModel:
    """A model of a case: a shipped scenario (or the defaults, for None) with overrides."""
    params = scenarios.load(name).replace(**overrides) if name else None
    return NetworkModel(params=params, rng=seed) if name else NetworkModel(rng=seed, **overrides)


def make(name: str | None, overrides: dict, seed: int, fused: bool) -> NetworkModel:
    """A model of the case; unless ``fused``, one that collaborates by the chain."""
    m = model_of(name, overrides, seed)
    if not fused:
        m._collaborate_in_one_call = lambda: False
    return m


def assert_same_state(a: NetworkModel, b: NetworkModel, where: str) -> None:
    """Everything collaborate reads or writes, bit for bit, and the generator's state."""
    for f in state.PEOPLE:
        np.testing.assert_array_equal(getattr(a, f.name), getattr(b, f.name),
                                      err_msg=f"{f.name} {where}")
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
    for name in ("writes", "_written", "_sums_at"):
        assert getattr(a.rel, name) == getattr(b.rel, name), f"rel.{name} {where}"
    np.testing.assert_array_equal(a.active_slots(), b.active_slots(), err_msg=where)
    assert a.rng.bit_generator.state == b.rng.bit_generator.state, f"draws {where}"


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
    assert fused.datacollector.get_model_vars_dataframe().equals(
        apart.datacollector.get_model_vars_dataframe())


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
    m.rel.F[:] = 0.0  # groups of their initiators alone: no pairs, the members only join


@pytest.mark.parametrize("edit", [_nobody_active, _one_active, _short_table, _quiet,
                                  _nobody_knows_anyone])
@pytest.mark.parametrize("name", ["advocacy", "client_service"])
def test_one_call_collaboration_in_the_edge_cases(edit, name) -> None:
    """One week's collaborate on an edited state: nobody or one person active (no groups,
    nothing drawn but a worker's client cases), an attachment table too short (lengthened,
    then the call made again), a quiet spell, and groups without pairs.
    """
    models = []
    for fused in (True, False):
        m = make(name, {}, 5, fused)
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
