"""Converse in one compiled call (``NetworkModel._converse_in_one_call``, ``kernels.converse``)
against the chain it replaces (``_circle_lanes``, the draws and ``Relations.talk_rounds`` in
``_talk``, ``_goal_work``, ``_purpose_value``), which stays the path of the sparse store, of
anticipation dialogues and rotating meetings: the same state, the same value, the same draws
and the same written pairs logged (while marked), week after week and in the chain's edge
cases.
And the sparse store's purpose value of the talks just held (``sparse_kernels.talks_value``)
against the search it spares (``sparse_kernels.purpose_value``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from model import NetworkModel, relations
from tests.test_collaborate import (
    MARKED_BUDGET,
    assert_same_log,
    assert_same_records,
    model_of,
    record_taken,
    step_side_by_side,
)
from tests.test_relay import assert_same_state as assert_same_pools

WEEKS = 60

# Scenario (shipped, or None for the defaults) and overrides: every purpose's yield (learning
# grows skills, advocacy stocks), residents (distances), online and hybrid meetings (who
# meets face to face), more and smaller rounds, a goal that can be reached, a network large
# enough to keep running column sums (tracked rows), and the kept chain's branches: an
# anticipation dialogue (coordinated meetings lift the skills in use; those a convener calls
# take the fused call, all attendees building the goal) and rotating meetings; and a network
# of 300 whose starting relationships' reporter marks the written pairs (4,096 starting pairs
# or more; its budget holds meetings: tests/test_collaborate.py).
CASES = {
    "default": (None, {}),
    "learning": ("learning", {}),
    "innovation_residents": ("innovation", {"resident_share": 0.3}),
    "peer_support": ("peer_support", {}),
    "client_service": ("client_service", {}),
    "advocacy_smouldering": ("advocacy", {"lifecycle": "smouldering",
                                          "activation_rate_per_year": 12.0}),
    "virtual": (None, {"channel": "virtual"}),
    "rounds": (None, {"conversation_rounds": 4, "conversation_group_size": 2}),
    "project": ("project", {}),
    "running_sums": (None, {"n_organisations": 20, "participants_per_organisation": 5}),
    "anticipation_dialogue": ("anticipation_dialogue", {}),
    "anticipation_convened": ("anticipation_dialogue", {"coordination_budget_eur": 0}),
    "rotating_meeting": ("rotating_meeting", {}),
    "marked": (None, {"n_organisations": 100, "coordination_budget_eur": MARKED_BUDGET}),
}


def make(name: str | None, overrides: dict, seed: int, fused: bool) -> NetworkModel:
    """A model of the case; unless ``fused``, one that converses by the chain."""
    m = model_of(name, overrides, seed)
    record_taken(m)
    if not fused:
        m._converse_in_one_call = lambda: False
    return m


def assert_same_state(a: NetworkModel, b: NetworkModel, where: str) -> None:
    """Everything converse reads or writes, bit for bit, and the generator's state."""
    assert_same_pools(a, b, where)
    np.testing.assert_array_equal(a.rel._cols, b.rel._cols, err_msg=f"sums {where}")
    for name in ("value_total", "goal_progress", "goal_clarity", "advocacy_stock",
                 "innovations", "encounters_total", "breaches_total", "_since_record", "host"):
        assert getattr(a, name) == getattr(b, name), f"{name} {where}"
    for name in ("_written", "_sums_at"):
        assert getattr(a.rel, name) == getattr(b.rel, name), f"rel.{name} {where}"
    assert_same_log(a, b, where)


def count_calls(m: NetworkModel) -> list[int]:
    """Count the store's fused calls, those whose circles talked, and those with running
    sums kept.
    """
    calls = [0, 0, 0]
    converse = m.rel.converse

    def counted(*args: object) -> tuple:
        out = converse(*args)
        calls[0] += 1
        calls[1] += out[0] > 0
        calls[2] += m.rel._tracking
        return out

    m.rel.converse = counted
    return calls


@pytest.mark.parametrize("case", CASES)
def test_one_call_conversation_is_the_chain(case: str) -> None:
    """Whole runs, fused against chained, compared after every week."""
    name, overrides = CASES[case]
    fused, apart = make(name, overrides, 3, True), make(name, overrides, 3, False)
    calls = count_calls(fused)
    held = [0, 0]  # meetings with talks, and those of them coordinated
    converse = fused.converse

    def counted_meetings() -> None:
        meeting = fused.meeting
        if meeting.held and meeting.attendees.size >= 2:
            held[0] += 1
            held[1] += meeting.coordinated
        converse()

    fused.converse = counted_meetings
    step_side_by_side(fused, apart, WEEKS, assert_same_state)
    if case == "rotating_meeting":
        assert calls[0] == 0  # the chain, every meeting
    elif case == "anticipation_dialogue":
        assert held[1] > 0 and calls[0] == held[0] - held[1]  # coordinated: the chain
    else:
        assert calls[1] > 0 and calls[0] == held[0]  # the fused call, every meeting
    if case == "running_sums":
        assert calls[2] > 0
    assert_same_records(fused, apart, marked=case == "marked")


def _circles_of_one(m: NetworkModel) -> None:
    m.circle[: m.used] = np.arange(m.used)  # nobody shares a circle: no talks, no draws


def _two_attend(m: NetworkModel) -> None:
    m.meeting.attendees = m.meeting.attendees[:2].copy()
    m.meeting.in_room = m.meeting.in_room[:2].copy()
    m.circle[m.meeting.attendees] = 0


def _first_timers(m: NetworkModel) -> None:
    m.met[: m.used] = False


def _strangers(m: NetworkModel) -> None:
    m.rel.F[:] = 0.0  # nobody knows anyone: the rule seats by its draws alone


def _goal_reached(m: NetworkModel) -> None:
    m.goal_progress = 1.0  # a reached goal pulls no one on


def edit_first_meeting(m: NetworkModel, edit: Callable[[NetworkModel], None],
                       calls: list[int] | None = None) -> dict[str, bool]:
    """Have ``m`` edit its state right before the talks of its first meeting with two
    attendees or more (after week 8); what is filled in once it has: whether the talks drew,
    and whether they took the fused call (counted in ``calls``, if given).
    """
    seen: dict[str, bool] = {}
    converse = m.converse

    def edited() -> None:
        meeting = m.meeting
        if seen or m.steps <= 8 or not meeting.held or meeting.attendees.size < 2:
            converse()
            return
        edit(m)
        before, fused = m.rng.bit_generator.state, calls[0] if calls else 0
        converse()
        seen["drew"] = m.rng.bit_generator.state != before
        seen["fused"] = calls is not None and calls[0] == fused + 1

    m.converse = edited
    return seen


@pytest.mark.parametrize("edit", [_circles_of_one, _two_attend, _first_timers, _strangers,
                                  _goal_reached])
@pytest.mark.parametrize("name", ["learning", "project"])
def test_one_call_conversation_in_the_edge_cases(edit, name) -> None:
    """A meeting's converse on an edited state, the week compared: no circle with two
    attendees (nothing drawn, only the goal worked on), a meeting of two, everyone at a
    first meeting, nobody acquainted, a reached goal.
    """
    fused, apart = make(name, {}, 5, True), make(name, {}, 5, False)
    seen = edit_first_meeting(fused, edit, count_calls(fused))
    seen_apart = edit_first_meeting(apart, edit)
    for week in range(1, WEEKS + 1):
        fused.step()
        apart.step()
        assert_same_state(fused, apart, f"week {week}")
        if seen:
            break
    assert seen["fused"] and seen_apart
    assert seen["drew"] == seen_apart["drew"] == (edit is not _circles_of_one)


@pytest.mark.parametrize("case", ["default", "rounds", "running_sums"])
def test_one_call_conversation_logs_as_the_chain(case: str) -> None:
    """Small dense stores that log their written pairs from the start (nobody takes the log
    here: the starting relationships are read directly), fused against chained: the same
    log, a write and an entry per round, after every week.
    """
    name, overrides = CASES[case]
    fused, apart = make(name, overrides, 3, True), make(name, overrides, 3, False)
    for m in (fused, apart):
        m.rel.mark_touches = True
    calls = count_calls(fused)
    step_side_by_side(fused, apart, WEEKS, assert_same_state)
    assert calls[1] > 0 and fused.rel._logged > 0 and not fused.rel.taken


# ---------------------------------------------------------------- sparse store


def make_sparse(monkeypatch: pytest.MonkeyPatch, name: str | None, overrides: dict, seed: int,
                searched: bool) -> NetworkModel:
    """A model of the case on the sparse store; if ``searched``, one whose purpose value
    always searches the pairs' records (the talks just held forgotten).
    """
    monkeypatch.setattr(relations, "SPARSE_FROM", 0)
    m = model_of(name, overrides, seed)
    assert isinstance(m.rel, relations.SparseRelations)
    assert not m.rel.converses_in_one_call
    if searched:
        purpose_value = m.rel.purpose_value

        def searching(*args: object) -> tuple:
            m.rel._talks = None
            return purpose_value(*args)

        m.rel.purpose_value = searching
    return m


@pytest.mark.parametrize("case", ["default", "learning", "innovation_residents",
                                  "advocacy_smouldering", "rounds", "rotating_meeting"])
def test_sparse_talks_value_is_the_search(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whole runs on the sparse store, the talks' value from their stored trust against the
    search of every pair's record, compared after every week (pairs that meet in several
    rounds included: four rounds of pairs).
    """
    name, overrides = CASES[case]
    fast, searched = (make_sparse(monkeypatch, name, overrides, 3, s) for s in (False, True))
    used = [0]
    talks_value = relations.sparse_kernels.talks_value

    def counted(*args: object) -> tuple:
        used[0] += 1
        return talks_value(*args)

    monkeypatch.setattr(relations.sparse_kernels, "talks_value", counted)
    step_side_by_side(fast, searched, WEEKS, assert_same_state)
    assert used[0] > 0
    assert fast.datacollector.get_model_vars_dataframe().equals(
        searched.datacollector.get_model_vars_dataframe())


def test_sparse_talks_value_only_right_after_the_talks(monkeypatch) -> None:
    """The talks kept by the sparse store serve only the pairs they returned, before any
    other write, in their week, and once.
    """
    monkeypatch.setattr(relations, "SPARSE_FROM", 0)
    m = NetworkModel(rng=3)
    m.run_for(8)
    rel = m.rel
    talks = (*(np.zeros(1, dtype=np.int64) for _ in range(5)), np.ones(1), rel.writes,
             m.steps)
    used = [0]
    monkeypatch.setattr(relations.sparse_kernels, "talks_value",
                        lambda *args: used.__setitem__(0, used[0] + 1) or (False, (0.0,) * 3, 0.0))
    args = (m.people, talks[3], talks[4], m._rules, m._value(), 0.0)
    for kept, now in (((*talks[:6], rel.writes - 1, m.steps), m.steps),  # written since
                      (talks, m.steps + 1),  # another week
                      ((*talks[:3], talks[3].copy(), *talks[4:]), m.steps)):  # other pairs
        rel._talks = kept
        rel.purpose_value(*args, now)
        assert rel._talks is None
    assert used[0] == 0
    rel._talks = talks
    rel.purpose_value(*args, m.steps)
    rel.purpose_value(*args, m.steps)  # forgotten after one use
    assert used[0] == 1
