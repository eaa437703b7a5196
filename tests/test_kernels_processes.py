"""The compiled kernels of convene, attend, relay, motivate, decay and churn against their
plain numpy references (the forms they replaced in ``model.model``), on random inputs,
empty ones included.
"""

from __future__ import annotations

import numpy as np
import pytest

from model import kernels, state

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
def test_start_week_matches_the_numpy_form(seed, used):
    rng = np.random.default_rng(seed)
    people = _people(rng, used)
    for name in WEEK_FIELDS:  # last week's totals, beyond the used slots too
        people[name][:] = rng.random(CAP) * 3
    ref = {k: v.copy() for k, v in people.items()}
    want = _start_week_reference(ref, used)
    got = kernels.start_week(state.People.of(people), used, PERIPHERAL)
    for g, w in zip(got, want, strict=True):
        assert g.dtype == w.dtype
        np.testing.assert_array_equal(g, w)
    for name, value in ref.items():
        np.testing.assert_array_equal(people[name], value, err_msg=name)


def test_rule_record_holds_the_rule_by_name():
    rule = kernels.MotivationRule(*(0.1 * k + 0.05 for k in range(len(kernels.MotivationRule._fields))))
    record = kernels.rule_record(rule)
    assert record.shape == (1,)
    assert record.dtype.names == rule._fields
    for name, value in rule._asdict().items():
        assert record[0][name] == value
