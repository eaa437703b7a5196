"""Kernel calls past numba's dispatch (``model.straight``): the model's call sites pass
arguments of the same numba types at every call (what calling the compiled code straight
relies on), and a model calling straight runs exactly as one calling through the dispatcher.
"""

from __future__ import annotations

import copy
import os
import pickle

import numpy as np
import pytest

from model import NetworkModel, kernels, straight
from model.knowledge import Knowledge
from model.straight import StraightCalls
from tests.test_collaborate import CASES as COLLABORATE_CASES
from tests.test_collaborate import model_of

WEEKS = 60

# Collaborate's cases (every purpose and lifecycle: client cases, advocacy windows, quiet
# and activated spells; a network large enough to keep running column sums) but its network
# of 300, with governance by a lead organisation and a project.
CASES = {name: case for name, case in COLLABORATE_CASES.items() if name != "marked"} | {
    "lead_organisation": (None, {"governance": "lead_organisation"}),
    "project": (None, {"lifecycle": "project"}),
}

# The straight calls of a model: owner (from the model) and kernel names.
OWNERS = {"rel": ("collaborate", "relay", "converse", "observe_block"),
          "knowledge": ("scale_rows", "forget_rows", "knowledge_coverage"),
          "model": ("motivate", "start_week", "drawn_follow_up", "drawn_attendance_logit",
                    "attend_meeting", "churn_status", "seat")}
# Kernels a case never calls: a network of 100 observes its weeks pair by pair, not in one
# call over the dense store's blocks; the smaller ones read their knowledge coverage in that
# call.
UNCALLED = {name: {"knowledge_coverage"} for name in CASES} | {"running_sums": {"observe_block"}}


def calls_of(m: NetworkModel) -> dict[str, StraightCalls]:
    """The model's tables of straight calls, by owner."""
    return {"rel": m.rel._calls, "knowledge": m.knowledge._calls, "model": m._calls}


def state_of(m: NetworkModel) -> tuple:
    """What the weekly processes leave: the people's arrays, the knowledge, the pairs, the
    totals and the generator's state.
    """
    k = m.knowledge
    return (*(np.array(a, copy=True) for a in m.people._arrays.values()), k._k.copy(),
            k._ka.copy(), k._kc.copy(), m.rel.F.copy(), m.rel.T.copy(), m.rel.last.copy(),
            m.value_total, m.goal_progress, m.advocacy_stock, m.hidden_hours,
            m.encounters_total, m.breaches_total, m.innovations, str(m.rng.bit_generator.state),
            m._history[:, :m._weeks_observed].copy(), m._readings_out.copy(),
            m.meeting.attendees.copy(), m.followed_up.copy(), m.goal_clarity, m.meetings_held)


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_call_site_passes_the_types_of_its_first_call(case, monkeypatch):
    """Every later call's arguments have the numba types of the first, for which the
    compiled code called straight was chosen (else it would misread them).
    """
    resolved: dict[str, tuple] = {}
    later = {name: 0 for names in OWNERS.values() for name in names}

    def checking(kernel, args):
        name = kernel.__name__
        types = tuple(kernel.typeof_pyval(a) for a in args)
        assert kernel.overloads.get(types) is not None, "no compiled code to call straight"
        resolved[name] = types

        def call(*args):
            assert tuple(kernel.typeof_pyval(a) for a in args) == types, name
            later[name] += 1
            return kernel(*args)

        return call

    monkeypatch.setattr(straight, "entry_point", checking)
    for seed in range(2):
        resolved.clear()
        m = model_of(*CASES[case], seed=seed)
        m.run_for(WEEKS)
    never = {name for name, n in later.items() if n == 0}
    assert never == UNCALLED.get(case, set()), f"called straight: {later}"


@pytest.mark.parametrize("case", ["default", "client_service", "advocacy_smouldering",
                                  "running_sums"])
def test_straight_calls_run_as_the_dispatcher(case, monkeypatch):
    """A model calling its kernels straight and one calling them through numba's dispatcher
    leave the same state, bit for bit, week after week.
    """
    monkeypatch.setattr(straight, "CHECKED", False)  # the calls as they run outside the tests
    for seed in range(2):
        fast, slow = model_of(*CASES[case], seed=seed), model_of(*CASES[case], seed=seed)
        for owner, calls in calls_of(slow).items():  # (seat's first calls set the models up)
            for name in OWNERS[owner]:
                setattr(calls, name, getattr(kernels, name))
        for week in range(WEEKS):
            fast.step()
            slow.step()
            for x, y in zip(state_of(fast), state_of(slow), strict=True):
                np.testing.assert_array_equal(x, y, err_msg=f"week {week}")
        for owner, calls in calls_of(fast).items():  # their first calls resolved them
            for name in set(OWNERS[owner]) - UNCALLED.get(case, set()):
                assert type(getattr(calls, name)).__name__ == "builtin_function_or_method", name


@pytest.mark.parametrize("clone", [lambda c: pickle.loads(pickle.dumps(c)), copy.deepcopy],
                         ids=["pickle", "deepcopy"])
def test_a_copied_table_resolves_its_calls_again(clone, monkeypatch):
    """A copy of a table whose calls are resolved (compiled entry points cannot be pickled)
    starts over: its first call goes through the dispatcher.
    """
    monkeypatch.setattr(straight, "CHECKED", False)
    calls = StraightCalls("model.kernels", "scale_rows")
    rows, know = np.arange(3), Knowledge(5, 1)
    calls.scale_rows(rows, 0.5, know.arrays, 1e-9)
    copied = clone(calls)
    assert type(copied.scale_rows).__name__ == "_FirstCall"
    copied.scale_rows(rows, 0.5, know.arrays, 1e-9)
    calls.scale_rows(rows, 0.5, know.arrays, 1e-9)
    np.testing.assert_array_equal(know._ka[:3], np.full(3, 0.125))
    assert type(copied.scale_rows).__name__ == "builtin_function_or_method"


def test_a_stand_in_kernel_is_called_as_it_is(monkeypatch):
    """A kernel replaced by a plain function (a test's stand-in) is called as it is."""
    seen = []
    monkeypatch.setattr(kernels, "scale_rows", lambda *args: seen.append(args) or 0)
    calls = StraightCalls("model.kernels", "scale_rows")
    for _ in range(2):
        calls.scale_rows(np.arange(2), 0.5, Knowledge(2, 1).arrays, 1e-9)
    assert len(seen) == 2


def test_a_checked_call_with_other_types_raises(monkeypatch):
    """Checked (as in the tests), a straight call whose arguments' types differ from its
    first call's raises instead of running compiled code on memory it would misread; with
    the same types it runs the compiled code.
    """
    monkeypatch.setattr(straight, "CHECKED", True)
    calls = StraightCalls("model.kernels", "count_into")
    counts = np.zeros(5)
    calls.count_into(counts, np.arange(3))
    calls.count_into(counts, np.arange(3))
    np.testing.assert_array_equal(counts, [2, 2, 2, 0, 0])
    with pytest.raises(TypeError, match=r"count_into.*argument 0: array\(float64.*float32"):
        calls.count_into(counts.astype(np.float32), np.arange(3))
    with pytest.raises(TypeError, match="argument 1"):
        calls.count_into(counts, np.arange(3, dtype=np.int32))
    np.testing.assert_array_equal(counts, [2, 2, 2, 0, 0])  # nothing ran


def test_the_tests_run_checked():
    """The suite's models check their straight calls (conftest), here and in the processes
    the tests start.
    """
    assert straight.CHECKED
    assert os.environ["VERKOSTO_CHECKED_CALLS"] == "1"


def test_a_sole_compiled_code_is_the_one_the_types_choose(monkeypatch):
    """Unchecked, a kernel compiled for one set of argument types only is called at that
    code without typing the arguments: the code the first call's types choose.
    """
    monkeypatch.setattr(straight, "CHECKED", False)
    monkeypatch.setattr(straight, "_SOLE", {})
    chosen: dict[str, tuple[int, object]] = {}
    resolve = straight.entry_point

    def recording(kernel, args):
        types = tuple(kernel.typeof_pyval(a) for a in args)
        chosen[kernel.__name__] = (len(kernel.overloads), kernel.overloads[types].entry_point)
        return resolve(kernel, args)

    monkeypatch.setattr(straight, "entry_point", recording)
    m = model_of(*CASES["default"], seed=3)
    m.run_for(WEEKS)
    assert any(n == 1 for n, _ in chosen.values()), "no kernel took the one-code path"
    for owner, calls in calls_of(m).items():
        for name in set(OWNERS[owner]) - UNCALLED["default"]:
            assert getattr(calls, name) is chosen[name][1], name
