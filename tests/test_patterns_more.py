"""Patterns P3, P4, P6, P7, P9, P10, P11, P13 and P14 over replications on the default network
(24 people; P13 and P14 build their own sizes from it), through the scorecard
(``experiments.patterns``), where each is defined once with its arms, statistic and
criterion. Also: every knockout must break its pattern (Grimm & Berger 2016), except one of
redundant mechanisms switched off alone, which must leave it standing; a knockout that
does not break would be marked ``xfail(strict=True)`` naming issue 13.
"""

from __future__ import annotations

import functools

import pytest

from experiments import patterns as pat
from model import Params


@functools.cache
def card(pattern_id: str) -> pat.Scorecard:
    """The pattern and all its knockouts on the default network, run once per test worker
    (the tests of one pattern share an xdist group)."""
    return pat.run_scorecard(Params(), only=[pattern_id], knockouts=True)


def check(pattern_id: str) -> dict:
    result = card(pattern_id).result(pattern_id)
    assert result.held is True, (pattern_id, result.statistic)
    return result.statistic


def group(pattern_id: str) -> pytest.MarkDecorator:
    return pytest.mark.xdist_group(f"pattern-{pattern_id}")


@pytest.mark.slow
@group("P3")
def test_p3_meeting_frequency_has_an_optimum() -> None:
    """P3 (S25): every three weeks keeps more people engaged than weekly (burden) and every 16
    weeks (decay) where organisations grant 4 h a month."""
    stat = check("P3")
    share = dict(zip(stat["interval_weeks"], stat["engaged_share"], strict=True))
    assert share[3] > share[1] and share[3] > share[16]


@pytest.mark.slow
@group("P4")
def test_p4_light_skilled_coordination_beats_heavy_structure_with_more_money() -> None:
    """P4 (S25)."""
    stat = check("P4")
    assert stat["thriving_share_light"] > stat["thriving_share_heavy"]


@pytest.mark.slow
@group("P6")
def test_p6_innovation_near_zero_at_routine_highest_at_open_will() -> None:
    """P6 (S27)."""
    means = check("P6")["mean_innovations"]
    assert means[0] <= 0.1 * means[-1]


@pytest.mark.slow
@group("P7")
def test_p7_brokers_recruiters_and_facilitation() -> None:
    """P7 (S24, S26)."""
    stat = check("P7")
    assert stat["knowledge_coverage"]["brokers"] > stat["knowledge_coverage"]["no_brokers"]


@pytest.mark.slow
@group("P9")
def test_p9_kept_warm_mobilises_faster_than_cold_start() -> None:
    """P9 (S31): the control is the same network gone cold for the second half."""
    stat = check("P9")
    assert stat["value_gained_warm"] > 1.5 * stat["value_gained_cold"]


@pytest.mark.slow
@group("P10")
def test_p10_project_ends_when_goal_recognised_else_lingers() -> None:
    """P10 (S32)."""
    stat = check("P10")
    assert stat["completed_share"] == 1.0 and stat["ended_cleanly"] is True


@pytest.mark.slow
@group("P11")
def test_p11_residents_raise_innovation_when_facilitated_and_strain_trust_when_not() -> None:
    """P11 (S22)."""
    stat = check("P11")
    rate = stat["breach_rate"]
    assert rate["opened_unfacilitated"] > rate["closed_unfacilitated"]


#: P13 is a pattern of collaboration networks of some size (Newman 2001; Barabasi et al. 2002):
#: its target is stated for 100-300 people, so the scorecard judges it on the base's
#: organisations multiplied up to at least 100 people (the default's 24 become 34
#: organisations of 3). In the 24-person network itself an earlier revision's mean Gini
#: (0.47) lay just above 0.45 and its lower 95 % bound just below it (ODD 4.2).
@functools.cache
def card_p13() -> pat.Scorecard:
    return pat.run_scorecard(Params(), only=["P13"], knockouts=True)


def test_p13_is_judged_on_at_least_100_people() -> None:
    """A small base is multiplied up to 100 people; a larger one is kept as it is."""
    small = pat.Base(Params())
    (arm,) = pat.pattern("P13").arms(small)
    per_org = small.params.participants_per_organisation
    assert arm.overrides["n_organisations"] * per_org >= pat.P13_MIN_PEOPLE
    assert (arm.overrides["n_organisations"] - 1) * per_org < pat.P13_MIN_PEOPLE
    assert arm.overrides["coordination_budget_eur"] == pytest.approx(
        pat.EUR_PER_PERSON * arm.overrides["n_organisations"] * per_org)
    large = pat.Base(Params.from_flat({"n_organisations": 40, "participants_per_organisation": 5}))
    (arm,) = pat.pattern("P13").arms(large)
    assert arm.overrides["n_organisations"] == 40


@pytest.mark.slow
@group("P13")
def test_p13_participation_is_heavy_tailed_at_100_people() -> None:
    """P13 (Newman 2001; Barabási et al. 2002): Gini >= 0.45, top tenth >= 30 % of contacts."""
    result = card_p13().result("P13")
    assert result.statistic["founding_participants"] >= pat.P13_MIN_PEOPLE
    assert result.held is True, result.statistic


@pytest.mark.slow
@group("P13")
def test_p13_knockout_breaks_it_at_100_people() -> None:
    """Without cumulative advantage in partner choice, contacts are not heavy-tailed."""
    ko = [k for k in card_p13().knockouts if k.pattern == "P13"]
    assert len(ko) == 1 and ko[0].held is False, ko


@pytest.mark.slow
@group("P14")
def test_p14_shared_governance_loses_effectiveness_with_size() -> None:
    """P14 (Provan & Kenis 2008, S21)."""
    check("P14")


# ---------------------------------------------------------------------------- knockouts
def _knockouts() -> list[tuple[str, int, pat.Knockout]]:
    base = pat.Base(Params())
    # P13 and its knockout are checked together (above).
    return [(p.id, i, k) for p in pat.PATTERNS if p.id != "P13"
            for i, k in enumerate(p.knockouts(base))]


#: Knockouts that cannot break their pattern on the default network today (issue 13): the
#: pattern (part) does not hold there in the first place, or it still holds with the
#: mechanism switched off. The marks are strict: remove one when its knockout breaks.
#: (None today. A knockout of one of redundant mechanisms, ``Knockout.redundant``, is
#: not listed here: the test below requires it to leave its pattern standing.)
KNOCKOUT_XFAIL: dict[tuple[str, int], str] = {}


def _param(case: tuple[str, int, pat.Knockout]) -> object:
    pid, index, _ = case
    marks = [group(pid)]
    reason = KNOCKOUT_XFAIL.get((pid, index))
    if reason:
        marks.append(pytest.mark.xfail(strict=True, reason=f"issue 13: {reason}"))
    return pytest.param(pid, index, marks=marks, id=f"{pid}-{index}")


@pytest.mark.slow
@pytest.mark.parametrize(("pattern_id", "index"), [_param(c) for c in _knockouts()])
def test_knockout_breaks_its_pattern(pattern_id: str, index: int) -> None:
    """Switching off the mechanism ODD 4.2 names for a pattern breaks it (a pattern that holds
    without its mechanism is verification, not validation); switching off one of redundant
    mechanisms alone does not. The pattern, or the part of it
    the mechanism produces, must hold with the mechanism on, or breaking it means nothing."""
    scored = card(pattern_id)
    definition = pat.pattern(pattern_id).knockouts(pat.Base(Params()))[index]
    result = scored.result(pattern_id)
    before = result.statistic["parts"][definition.part] if definition.part else result.held
    assert before is True, ("the pattern does not hold with its mechanism on", result.statistic)
    ko = [k for k in scored.knockouts if k.pattern == pattern_id][index]
    # One of redundant mechanisms (e.g. P9's two channels of light contact, each enough
    # alone) leaves the pattern standing; all of them together must break it.
    assert ko.held is definition.redundant, (pattern_id, ko.mechanism, ko.note)
