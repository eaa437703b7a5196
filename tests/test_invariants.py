"""Invariants that must hold every week, over seeds and contrasting scenarios."""

from __future__ import annotations

import numpy as np
import pytest

from model import NetworkModel, Status
from model.params import WEEKS_PER_MONTH
from model.relations import SparseRelations

SCENARIOS = [
    {},
    {"coordination_budget_eur": 0.0},
    {"coordination_budget_eur": 250.0, "channel": "in_person"},
    {"turnover_per_year": 0.8, "share_recruiters": 0.5, "recruit_rate": 0.2},
    {"purpose": "innovation", "leadership_depth": 4, "resident_share": 0.3},
    {"purpose": "advocacy", "lifecycle": "smouldering", "activation_rate_per_year": 12.0},
    {"purpose": "peer_support", "lifecycle": "project", "goal_value_per_person": 2.0},
    {"purpose": "learning", "lifecycle": "client_process", "governance": "self_organising"},
    {"structure": 1.0, "meeting_interval_weeks": 1, "time_allocation_hours": 2.0},
]
SMALL = {"n_organisations": 4, "participants_per_organisation": 3}


def check_invariants(m: NetworkModel) -> None:
    n = m.used
    s = np.arange(n)
    present = m.members()
    for name in ("commitment", "autonomy", "purpose", "skill_use", "tie_ema"):
        arr = getattr(m, name)[present]
        assert np.all((arr >= 0) & (arr <= 1)), name
    assert np.all((m.dialogue[present] >= 0) & (m.dialogue[present] <= 1))
    fam, trust = m.rel.block(present, present, m.steps)
    assert np.all((fam >= 0) & (fam <= 1)) and np.all((trust >= 0) & (trust <= 1))
    assert np.allclose(fam, fam.T), "familiarity must stay symmetric"
    if not isinstance(m.rel, SparseRelations):
        # Exactly so in the dense store, with the weeks of last contact (reads of blocks
        # rely on it); the sparse store keeps no square arrays.
        stored, touched = m.rel.F[:n, :n], m.rel.last[:n, :n]
        assert np.array_equal(stored, stored.T) and np.array_equal(touched, touched.T)
    k = m.knowledge.of_rows(present)
    assert k.shape == (present.size, m.n_orgs)
    assert np.all((k >= 0) & (k <= 1 + 1e-12))
    assert np.all(k[np.arange(present.size), m.org[present]] == 1.0)
    # Counts: agents, statuses and arrays tell the same story.
    statuses = m.status[s]
    assert (statuses != Status.LEFT).sum() == present.size
    live = [a for a in m.participants if a.status is not Status.LEFT]
    assert len(live) == present.size
    assert sorted(a.slot for a in live) == present.tolist()
    # Every organisation was founded with someone seated in it (a seat keeps its organisation).
    assert np.unique(m.org[:n]).size == m.n_orgs
    assert all(m.agent_at[a.slot] is a for a in m.participants)
    # Status follows commitment after churn.
    c = m.commitment[present]
    active = statuses[present] == Status.ACTIVE
    assert np.all(c[active] >= m.params.active_threshold)
    # Money: never more spent than accrued, items add up.
    assert m.spent_eur <= m.accrued_eur + 1e-6
    assert m.balance >= -1e-9
    assert abs(sum(m.spend.values()) - m.spent_eur) < 1e-6
    if not m.has_coordinator:
        assert m.spent_eur == 0.0
    assert m.accrued_eur <= m.steps * m.params.coordination_budget_eur / WEEKS_PER_MONTH + 1e-6
    assert 0.0 <= m.goal_progress <= 1.0


def test_organisation_columns_grow_no_further_than_the_seats_left() -> None:
    """Organisations founded after set-up each come with a recruit, so the organisation
    arrays and the knowledge table's columns stop at the organisations there can still be
    (doubling, they reached 128 columns for 94 organisations here; 32,768 for 19,994 in a
    network grown to 20,000 people, a 5 GB table).
    """
    m = NetworkModel(rng=3, n_organisations=3, participants_per_organisation=3,
                     max_participants=100, recruit_rate=0.5, share_recruiters=0.6,
                     new_organisation_share=1.0, active_threshold=0.1,
                     peripheral_threshold=0.05)
    m.run_for(80)
    assert m.used == 100 and m.n_orgs == 3 + 91  # every recruit founded one
    assert m.org_capacity == m.knowledge._k.shape[1] == m.org_time.size == m.n_orgs
    check_invariants(m)


def test_a_network_set_up_full_has_no_spare_organisation_columns() -> None:
    """A network set up at ``max_participants`` can found no organisation later (each comes
    with a recruit), so its organisation arrays and knowledge columns hold the starting ones
    only (they held twice as many: 2,002 columns, 76 MiB unused at 10,000 people); with
    seats left, room for as many again as there are seats, at most doubling.
    """
    full = NetworkModel(rng=1, n_organisations=40, participants_per_organisation=3,
                        max_participants=120)
    assert full.n_orgs == 40
    assert full.org_capacity == full.knowledge._k.shape[1] == 40 + 1 + 1
    roomy = NetworkModel(rng=1, n_organisations=40, participants_per_organisation=3,
                         max_participants=130)
    assert roomy.org_capacity == 40 + 1 + 10
    default = NetworkModel(rng=1)
    assert default.org_capacity == 2 * (default.params.n_organisations + 1)
    for m in (full, roomy):
        m.run_for(30)
        check_invariants(m)


def test_a_full_network_founds_no_organisation_without_people() -> None:
    """Recruiters in a network at ``max_participants`` seat no one and found no organisation
    (before, each try founded an empty one: 222 organisations for 20 people here, and a
    knowledge table growing with them, to 1 GB in a fuzzed run of 2,000 people).
    """
    m = NetworkModel(rng=1, n_organisations=4, participants_per_organisation=3,
                     max_participants=20, recruit_rate=0.5, share_recruiters=0.6,
                     new_organisation_share=1.0)
    m.run_for(60)
    assert m.used == 20
    check_invariants(m)
    assert m.n_orgs <= m.used and m.knowledge._k.shape[1] <= 2 * m.used


@pytest.mark.parametrize("overrides", SCENARIOS, ids=lambda d: ",".join(d) or "default")
@pytest.mark.parametrize("seed", [1, 2])
def test_invariants_every_week(overrides: dict, seed: int) -> None:
    m = NetworkModel(rng=seed, **SMALL, **overrides)
    check_invariants(m)
    for _ in range(80):
        m.step()
        check_invariants(m)
        if not m.running:
            break


def test_reporters_in_range_and_consistent() -> None:
    m = NetworkModel(rng=3, **SMALL)
    m.run_for(60)
    df = m.datacollector.get_model_vars_dataframe()
    for col in ("active_share", "mean_familiarity", "mean_trust", "mean_commitment",
                "trust_density", "largest_component_share", "knowledge_coverage", "goal_progress"):
        assert df[col].between(0, 1).all(), col
    assert (df["active"] <= df["present"]).all()
    assert df["meetings_held"].is_monotonic_increasing
    assert df["coordination_spent_eur"].is_monotonic_increasing
    assert df["value_created"].ge(0).all() and df["breaches"].ge(0).all()
    assert len(df) == 61  # the initial state plus one row per week


def test_record_every_thins_rows_but_not_the_run() -> None:
    a = NetworkModel(rng=5, **SMALL)
    b = NetworkModel(rng=5, record_every=4, **SMALL)
    a.run_for(40)
    b.run_for(40)
    da = a.datacollector.get_model_vars_dataframe()
    db = b.datacollector.get_model_vars_dataframe()
    assert len(db) == 11
    assert da["mean_trust"].iloc[-1] == db["mean_trust"].iloc[-1]
    # Flows are summed since the previous record, so totals agree.
    assert da["value_created"].sum() == pytest.approx(db["value_created"].sum())
    assert da["breaches"].sum() == db["breaches"].sum()


def test_budget_is_the_binding_limit_when_scarce() -> None:
    scarce = NetworkModel(rng=4, coordination_budget_eur=300.0, **SMALL)
    ample = NetworkModel(rng=4, coordination_budget_eur=1500.0, **SMALL)
    scarce.run_for(104)
    ample.run_for(104)
    # A scarce budget is (nearly) all spent, never more, and buys fewer meetings.
    assert 0.9 * scarce.accrued_eur <= scarce.spent_eur <= scarce.accrued_eur
    assert ample.spent_eur < 0.8 * ample.accrued_eur
    assert scarce.meetings_held < ample.meetings_held


def test_a_quiet_spell_stops_all_contact_keeps_the_budget_and_ends_on_activation() -> None:
    """go_quiet (P9's control, ODD 7.9): no meeting, joint work, news or shared case while
    quiet; the budget accrues unspent up to the carryover; an activation ends the spell."""
    m = NetworkModel(rng=5, lifecycle="smouldering", activation_rate_per_year=0.0)
    m.run_for(20)
    meetings, value, spent = m.meetings_held, m.value_total, m.spent_eur
    contacts = m.work_contacts.copy()
    m.go_quiet(30)
    m.run_for(30)
    assert m.quiet and m.meetings_held == meetings and m.spent_eur == spent
    # Nobody gains a contact (a person replaced by turnover starts again from none).
    assert m.value_total == value and (m.work_contacts <= contacts).all()
    p = m.params
    assert m.balance == pytest.approx(p.coordination_budget_eur * p.budget_carryover_months)
    m.step()
    assert not m.quiet
    m.go_quiet(10)
    m.activate()
    assert not m.quiet
    with pytest.raises(ValueError, match="weeks"):
        m.go_quiet(-1)


def test_a_collapse_is_fading_while_held_seats_lag_except_in_a_smouldering_lifecycle() -> None:
    """Outcome classes (ODD 7.10): engagement falling by more than fading_trend is fading in a
    permanent network even while seats are still held (they lag weeks behind a collapse:
    no_coordination at week 20 was called smouldering); in a smouldering lifecycle the same
    dip follows every activation, so there it needs the held share falling too."""
    from model.outcome import Outcome, classify_outcome, outcome_window

    for lifecycle, expected in (("permanent", Outcome.FADING),
                                ("smouldering", Outcome.SMOULDERING)):
        m = NetworkModel(rng=3, lifecycle=lifecycle, activation_rate_per_year=0.0)
        m.run_for(4)
        w = outcome_window(m)
        # Engaged share down from 0.9 to 0.3 between two windows; every seat still held and
        # trust ties to spare, so only the trend separates fading from smouldering.
        for key, before, last in (("engaged_share", 0.9, 0.3), ("held_share", 1.0, 1.0),
                                  ("ties_per_seat", 1.0, 1.0)):
            m.history[key] = [before] * w + [last] * w
        assert classify_outcome(m) is expected, lifecycle


def test_engaged_people_without_one_trust_network_are_fragmented_not_smouldering() -> None:
    """Outcome classes (ODD 7.10): seats engaged as in a thriving network, but the engaged
    split into trust-tie components smaller than thriving_component_share of them, are
    fragmented (high_turnover called such runs smouldering, a loose network kept warm); the
    same history with the engaged in one component is thriving."""
    from model.outcome import Outcome, classify_outcome, engaged_component_share, outcome_window

    m = NetworkModel(rng=3)
    m.run_for(30)
    w = outcome_window(m)
    for key, value in (("engaged_share", 0.95), ("held_share", 1.0), ("ties_per_seat", 1.0)):
        m.history[key] = [value] * (2 * w)
    assert engaged_component_share(m) >= m.params.thriving_component_share
    assert classify_outcome(m) is Outcome.THRIVING
    # Cut every trust tie: everyone stays committed, nobody trusts anyone any more.
    m.rel.reset(m.members(), m.steps)
    assert engaged_component_share(m) < m.params.thriving_component_share
    assert classify_outcome(m) is Outcome.FRAGMENTED


def test_a_small_dip_of_an_engaged_network_is_not_fading() -> None:
    """Outcome classes (ODD 7.10): a fall larger than fading_trend that would still leave
    the network engaged for another window on the same trend (0.89 -> 0.84) is thriving;
    one that would not (0.80 -> 0.60, heading for 0.40) is fading."""
    from model.outcome import Outcome, classify_outcome, outcome_window

    m = NetworkModel(rng=3)
    m.run_for(30)
    w = outcome_window(m)
    assert m.params.fading_trend > -0.05 - 1e-9  # the dips below exceed it
    for before, last, expected in ((0.89, 0.84, Outcome.THRIVING),
                                   (0.80, 0.60, Outcome.FADING)):
        m.history["engaged_share"] = [before] * w + [last] * w
        m.history["held_share"] = [1.0] * (2 * w)
        m.history["ties_per_seat"] = [2.0] * (2 * w)
        assert classify_outcome(m) is expected, (before, last)


def test_reach_counts_meetings_over_the_outcome_window() -> None:
    """Evaluation's reach (ODD 4.11) is the share of seats ever used that attended a meeting
    within the outcome's window, which a network meeting rarely stretches to two of its
    usual intervals: a smouldering network that met everyone 20 weeks ago reached them all,
    though 20 weeks is more than outcome_window_weeks (13); 60 weeks ago it reached nobody."""
    from model.outcome import evaluation, outcome_window

    m = NetworkModel(rng=3, lifecycle="smouldering", activation_rate_per_year=0.0)
    m.run_for(70)
    assert outcome_window(m) > 20 > m.params.outcome_window_weeks
    for weeks_ago, reach in ((20, 1.0), (60, 0.0)):
        m.last_attended[: m.used] = m.steps - weeks_ago
        assert evaluation(m)["coordination"]["reach"] == reach, weeks_ago


def test_dialogue_skill_is_the_mean_skill_of_the_people_present() -> None:
    """The dialogue_skill reporter (ODD 4.11): each present person's mean over the four
    cornerstones, averaged over the present; those who left do not count; 0 with nobody."""
    from model.reporters import dialogue_skill

    m = NetworkModel(rng=4)
    m.run_for(40)
    used = m.used
    m.present[[0, 5]] = False  # two have left, with skills of their own
    m.dialogue[0] = 1.0
    present = m.present[:used]
    expected = float(np.mean([m.dialogue[i].mean() for i in range(used) if present[i]]))
    assert dialogue_skill(m) == pytest.approx(expected, abs=1e-12)
    m.present[:] = False
    assert dialogue_skill(m) == 0.0


@pytest.mark.parametrize("governance", ["led", "self_organising"])
def test_an_anticipation_dialogue_needs_a_coordinator(governance: str) -> None:
    """An anticipation dialogue is a method the coordinator prepares (ODD 7.3 goal work and
    anticipation dialogue, 7.1 its preparation): meetings a convener or a host calls are
    ordinary ones, so without a coordinator the flag changes nothing, week for week."""
    runs = []
    for flag in (False, True):
        m = NetworkModel(rng=1, governance=governance, coordination_budget_eur=0.0,
                         anticipation_dialogue=flag)
        m.run_for(120)
        assert not m.has_coordinator and m.meetings_held > 0
        runs.append(m.datacollector.get_model_vars_dataframe())
    assert runs[0].equals(runs[1])
