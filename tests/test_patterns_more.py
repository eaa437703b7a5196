"""More patterns of the design over replications (P4, P6, P7, P9, P10, P11), on small networks.

Issue 2 asks for P1, P2, P5, P8 and P12 (tests/test_patterns.py); these cover
further claims. P6 is partly encoded directly: ``innovation_by_depth`` is the
claim S27 itself; the test checks the mechanism carries it through to output.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from model import NetworkModel

REPS = 8
STEPS = 104
# P11's strain effect (residents raise breaches per contact when unfacilitated) is about one
# standard deviation of a run's breach rate (+0.0065 against an SD of 0.0068, 80 runs per arm
# under two implementations of group assembly): 8 runs per arm show it at p < 0.05 only about
# half the time, whatever the random stream; 40 runs about 99 % of the time.
STRAIN_REPS = 40


def runs(seed0: int, steps: int = STEPS, reps: int = REPS, **kw) -> list[NetworkModel]:
    out = []
    for r in range(reps):
        m = NetworkModel(rng=seed0 + r, **kw)
        m.run_for(steps)
        out.append(m)
    return out


def last(m: NetworkModel, col: str) -> float:
    return float(m.datacollector.get_model_vars_dataframe()[col].iloc[-1])


def present_trust(m: NetworkModel) -> float:
    s = m.members()
    _, t = m.rel.block(s, s, m.steps)
    return float(t[~np.eye(s.size, dtype=bool)].mean())


def greater(a: list[float], b: list[float]) -> float:
    """One-sided Mann-Whitney p-value that a is larger than b."""
    return stats.mannwhitneyu(a, b, alternative="greater").pvalue


def test_p3_meeting_frequency_has_an_optimum() -> None:
    """P3 (S25): too rare meetings let ties decay, too frequent ones overload people. The burden
    side shows where organisations grant little time (4 h a month here; at the default 8 h
    people absorb weekly meetings by attending every other one)."""
    thr = {}
    for weeks in (1, 3, 16):
        ms = runs(70, time_allocation_hours=4.0, meeting_interval_weeks=weeks)
        thr[weeks] = [m.outcome == "thriving" for m in ms]
    middle = sum(thr[3])
    for extreme in (1, 16):
        _, p = stats.fisher_exact([[middle, REPS - middle], [sum(thr[extreme]), REPS - sum(thr[extreme])]],
                                  alternative="greater")
        assert p < 0.01, {w: sum(v) for w, v in thr.items()}


def test_p4_light_skilled_coordination_beats_heavy_structure_with_more_money() -> None:
    """P4 (S25): light, skilled coordination beats a heavy structure with twice the money."""
    n = 2 * REPS
    light = runs(10, reps=n, coordination_budget_eur=700.0, structure=0.0, facilitation=0.9)
    heavy = runs(10, reps=n, coordination_budget_eur=1400.0, structure=1.0, facilitation=0.3)
    thr_light = sum(m.outcome == "thriving" for m in light)
    thr_heavy = sum(m.outcome == "thriving" for m in heavy)
    _, p = stats.fisher_exact([[thr_light, n - thr_light], [thr_heavy, n - thr_heavy]],
                              alternative="greater")
    assert p < 0.01, (thr_light, thr_heavy)
    assert greater([last(m, "mean_commitment_all") for m in light],
                   [last(m, "mean_commitment_all") for m in heavy]) < 0.01


def test_p6_innovation_near_zero_at_routine_highest_at_open_will() -> None:
    """P6 (S27): new practices are rare at the routine level and most frequent at open will."""
    by_depth = {d: [m.innovations for m in runs(20, purpose="innovation", leadership_depth=d)]
                for d in (1, 2, 4)}
    assert np.mean(by_depth[1]) <= 0.5
    assert np.mean(by_depth[4]) > np.mean(by_depth[2]) > np.mean(by_depth[1])
    assert greater(by_depth[4], by_depth[1]) < 0.01


def test_p7_brokers_recruiters_and_facilitation() -> None:
    """P7 (S24, S26): without brokers knowledge coverage falls; without recruiters the network
    stays smaller; without facilitation trust is lower."""
    n = 12
    base = runs(30, reps=n)
    # Brokers matter where there are several of them (at the default share a network has
    # three or four, whose relaying the coordinator's own relaying largely covers).
    brokers = runs(30, reps=n, share_brokers=0.5)
    no_brokers = runs(30, reps=n, share_brokers=0.0)
    no_recruiters = runs(30, reps=n, share_recruiters=0.0)
    no_facilitation = runs(30, reps=n, facilitation=0.0, share_facilitators=0.0)
    assert greater([last(m, "knowledge_coverage") for m in brokers],
                   [last(m, "knowledge_coverage") for m in no_brokers]) < 0.01
    assert greater([last(m, "present") for m in base],
                   [last(m, "present") for m in no_recruiters]) < 0.01
    assert greater([present_trust(m) for m in base],
                   [present_trust(m) for m in no_facilitation]) < 0.01


def test_p9_kept_warm_mobilises_faster_than_cold_start() -> None:
    """P9 (S31): a smouldering network kept warm creates more value early in an activation
    than the same network started cold."""
    kw = {"lifecycle": "smouldering", "activation_rate_per_year": 0.0, "n_organisations": 6,
          "participants_per_organisation": 3, "coordination_budget_eur": 600.0}
    warm, cold = [], []
    for seed in range(40, 40 + REPS):
        m = NetworkModel(rng=seed, **kw)
        m.run_for(104)
        m.activate()
        m.run_for(weeks := 10)
        warm.append(m.activations[-1]["value_gained"])
        c = NetworkModel(rng=seed, **kw)
        c.activate()
        c.run_for(weeks)
        cold.append(c.activations[-1]["value_gained"])
    assert np.mean(warm) > 1.5 * np.mean(cold), (warm, cold)
    assert greater(warm, cold) < 0.01


def test_p10_project_ends_when_goal_recognised_else_lingers() -> None:
    """P10 (S32): a project ends when its goal is reached and recognised; without recognition it
    lingers while commitment sags below that of a network whose goal stays alive."""
    ended = runs(50, steps=156, lifecycle="project", goal_recognition=1.0)
    assert all(m.outcome == "completed" for m in ended)
    assert all(m.ended_at is not None and m.ended_at >= m.goal_reached_at for m in ended)
    # After the end nothing happens: no more rows are recorded.
    assert all(len(m.datacollector.get_model_vars_dataframe()) == m.ended_at + 1 for m in ended)
    lingering = runs(50, steps=156, reps=10, lifecycle="project", goal_recognition=0.0)
    permanent = runs(50, steps=156, reps=10, lifecycle="permanent")
    assert all(m.ended_at is None and m.goal_reached_at is not None for m in lingering)
    # Paired by seed: identical until the goal is reached, then purpose fades in the project.
    diff = [np.mean(b.history["mean_commitment"][-13:]) - np.mean(a.history["mean_commitment"][-13:])
            for a, b in zip(lingering, permanent, strict=True)]
    assert np.mean(diff) > 0 and stats.wilcoxon(diff, alternative="greater").pvalue < 0.05, diff


def test_p11_residents_raise_innovation_when_facilitated_and_strain_trust_when_not() -> None:
    """P11 (S22): opening to residents raises innovation when facilitated, and strains trust
    (more breaches per encounter) when not."""
    kw = {"purpose": "innovation", "leadership_depth": 3}
    closed = runs(60, **kw)
    opened = runs(60, resident_share=0.2, **kw)
    unfacilitated = {"facilitation": 0.0, "share_facilitators": 0.0, **kw}
    opened_unfacilitated = runs(60, reps=STRAIN_REPS, resident_share=0.2, **unfacilitated)
    closed_unfacilitated = runs(60, reps=STRAIN_REPS, **unfacilitated)
    assert greater([m.innovations for m in opened], [m.innovations for m in closed]) < 0.01

    def breach_rate(m: NetworkModel) -> float:
        return m.breaches_total / max(1, int(m.contacts.sum()))

    assert greater([breach_rate(m) for m in opened_unfacilitated],
                   [breach_rate(m) for m in closed_unfacilitated]) < 0.05
    assert greater([breach_rate(m) for m in opened_unfacilitated],
                   [breach_rate(m) for m in opened]) < 0.01
