"""Plausible ranges: every assumption about the world says how far it could be off.

Each numeric parameter is either a lever (it defines the situation asked about)
or an uncertainty with a plausible range around its default, inside its hard
bounds, with a reason. The sensitivity analysis and the ODD table rely on it.
"""

from __future__ import annotations

import pytest

from docs import param_table
from model import Params
from model.params import PARAMETERS, ParamInfo, uncertain_parameters
from verkosto import cli

UNCERTAIN = [i for i in PARAMETERS.values() if not i.lever]
LEVERS = [i for i in PARAMETERS.values() if i.lever]

#: Levers named by the design of the screening: the situation, not the world.
NAMED_LEVERS = (
    "n_organisations", "participants_per_organisation", "max_participants", "purpose",
    "lifecycle", "governance", "resident_share", "rotating_meeting", "anticipation_dialogue",
    "coordination_budget_eur", "meeting_interval_weeks", "facilitation", "structure", "channel",
    "time_allocation_hours", "mandate", "turnover_per_year", "leadership_depth",
    "coordinator_wage_eur", "room_eur", "coffee_eur", "travel_eur", "channel_eur_per_month",
    "participant_wage_eur", "record_every",
)


def _numeric(info: ParamInfo) -> bool:
    return info.choices is None and info.type in (int, float)


@pytest.mark.parametrize("info", UNCERTAIN, ids=lambda i: i.name)
def test_plausible_range_lies_inside_the_bounds_and_around_the_default(info: ParamInfo) -> None:
    assert info.plausible is not None
    low, high = info.plausible
    assert low < high
    assert info.low <= low and high <= info.high, (info.low, info.plausible, info.high)
    assert low <= info.default <= high, (info.default, info.plausible)
    assert all(isinstance(v, info.type) for v in info.plausible)  # ints stay ints
    assert len(info.plausible_why) > 20  # a reason, not a placeholder


def test_every_numeric_parameter_is_a_lever_or_has_a_plausible_range() -> None:
    for info in PARAMETERS.values():
        if _numeric(info):
            assert info.lever != (info.plausible is not None), info.name
        else:  # enums and flags define the situation
            assert info.lever and info.plausible is None, info.name


@pytest.mark.parametrize("info", LEVERS, ids=lambda i: i.name)
def test_levers_have_no_plausible_range(info: ParamInfo) -> None:
    assert info.plausible is None and not info.uncertain


def test_the_situation_is_made_of_levers() -> None:
    shares = [n for n in PARAMETERS if n.startswith("share_")]
    observation = [n for n, i in PARAMETERS.items() if i.group == "observation"]
    assert shares and observation
    for name in (*NAMED_LEVERS, *shares, *observation):
        assert PARAMETERS[name].lever, name


def test_the_assumptions_the_issue_found_decisive_are_uncertain() -> None:
    for name in ("active_threshold", "budget_carryover_months", "weight_value",
                 "value_half_saturation", "attend_intercept", "trust_loss_ratio"):
        assert name in uncertain_parameters(), name


def test_trust_loss_range_follows_the_literature() -> None:
    info = PARAMETERS["trust_loss_ratio"]
    assert info.plausible == (2.0, 5.0) and "Slovic" in info.plausible_why


def test_uncertain_parameters_lists_exactly_the_non_levers_in_order() -> None:
    ranges = uncertain_parameters()
    assert list(ranges) == [i.name for i in UNCERTAIN]
    assert all(ranges[i.name] == i.plausible for i in UNCERTAIN)


@pytest.mark.parametrize("corner", ["low", "high", "worst"])
def test_every_corner_of_the_plausible_box_is_a_valid_parameter_set(corner: str) -> None:
    ranges = uncertain_parameters()
    pick = {"low": lambda lo, hi: lo, "high": lambda lo, hi: hi}
    if corner == "worst":  # the cross-parameter rule: peripheral must not exceed active
        values = {n: lo for n, (lo, hi) in ranges.items()}
        values["peripheral_threshold"] = ranges["peripheral_threshold"][1]
    else:
        values = {n: pick[corner](lo, hi) for n, (lo, hi) in ranges.items()}
    params = Params.from_flat(values)
    assert params.flat()["trust_loss_ratio"] == values["trust_loss_ratio"]


def test_list_params_shows_the_plausible_range_or_lever(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run", "--list-params"]) == 0
    lines = capsys.readouterr().out.splitlines()
    for info in PARAMETERS.values():
        at = next(k for k, ln in enumerate(lines) if ln.strip().startswith(f"{info.name} "))
        shown = lines[at + 2].strip()
        if info.lever:
            assert shown.startswith("lever"), shown
        else:
            low, high = info.plausible
            assert shown.startswith(f"plausible {low:g} to {high:g}"), shown
            assert shown.endswith(info.plausible_why)


def test_odd_table_shows_the_plausible_range_and_its_reason() -> None:
    rows = param_table.render_table().splitlines()[2:]
    for row, info in zip(rows, PARAMETERS.values(), strict=True):
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        if info.lever:
            assert cells[7] == param_table.LEVER
        else:
            assert cells[7] == f"{info.plausible[0]:g} – {info.plausible[1]:g}"
            assert cells[8] == info.plausible_why
