"""Patterns of the design (P1, P2, P5, P8, P12) over replications, at 20 and 200 participants.

Each pattern must emerge from the mechanisms (docs/ODD.md section 4); these
tests state their statistical margins in the assertions. Budgets scale with
network size (euros per founding participant), since a planner's budget does.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from tests.conftest import EUR_PER_PERSON, LARGE, SMALL, final, people, run

SIZES = {"20": (SMALL, 156, 12), "200": (LARGE, 104, 4)}  # spec, weeks, replications
FADED = {"faded", "fading"}


def outcomes(size: dict, steps: int, reps: int, seed0: int, **kw) -> list:
    return [run(seed0 + r, steps, **size, **kw) for r in range(reps)]


@pytest.mark.parametrize("label", SIZES)
def test_p1_no_coordination_no_conveners_fades(label: str) -> None:
    """P1 (S36, S17): without a coordinator and without self-starting conveners it fades."""
    size, steps, reps = SIZES[label]
    bare = outcomes(size, steps, reps, 100, coordination_budget_eur=0.0, share_conveners=0.0)
    led = outcomes(size, steps, reps, 100,
                   coordination_budget_eur=EUR_PER_PERSON * people(size))
    # Margin: at least 80 % of runs fade (a few colleagues may keep working together).
    assert np.mean([m.outcome in FADED for m in bare]) >= 0.8, [m.outcome for m in bare]
    assert np.mean([final(m)["active_share"] for m in bare]) < 0.15
    assert sum(m.meetings_held for m in bare) == 0
    # The same networks with coordination do not fade (Fisher's exact test, p < 0.01).
    n_thr = sum(m.outcome == "thriving" for m in led)
    _, pval = stats.fisher_exact([[n_thr, reps - n_thr], [0, reps]], alternative="greater")
    assert n_thr >= reps - 1 and pval < 0.05


@pytest.mark.parametrize("label", SIZES)
def test_p2_thriving_rises_with_budget_and_saturates(label: str) -> None:
    """P2 (S28, S25): P(thriving) rises with the coordination budget and saturates."""
    size, steps, reps = SIZES[label]
    per_person = [0.0, 10.0, 20.0, 40.0, 80.0]
    p_thr = []
    xs, ys = [], []
    for eur in per_person:
        ms = outcomes(size, steps, reps, 200, coordination_budget_eur=eur * people(size))
        hits = [m.outcome == "thriving" for m in ms]
        p_thr.append(np.mean(hits))
        xs += [eur] * reps
        ys += hits
    rho, pval = stats.spearmanr(xs, ys)
    assert rho > 0 and pval < 0.01, (p_thr, rho, pval)
    assert p_thr[0] <= 0.1 and p_thr[-1] >= 0.9, p_thr
    # Saturation: the last doubling of the budget adds at most one run in ten.
    assert p_thr[-1] - p_thr[-2] <= 0.1 + 1e-9, p_thr
    # ... while somewhere below it the budget made a large difference.
    assert max(np.diff(p_thr[:-1])) >= 0.3, p_thr


@pytest.mark.parametrize("label", SIZES)
def test_p5_no_time_allocated_fades_even_with_coordinator(label: str) -> None:
    """P5 (S16): with no working time allocated the network fades, even with a coordinator."""
    size, steps, reps = SIZES[label]
    budget = 2 * EUR_PER_PERSON * people(size)  # a generous budget
    ms = outcomes(size, steps, reps, 300, time_allocation_hours=0.0,
                  coordination_budget_eur=budget)
    assert all(m.has_coordinator and m.meetings_held > 0 for m in ms)
    assert all(m.outcome in FADED for m in ms), [m.outcome for m in ms]
    assert np.mean([final(m)["active_share"] for m in ms]) < 0.1


@pytest.mark.parametrize("label", SIZES)
def test_p8_turnover_lowers_familiarity_trust_and_commitment(label: str) -> None:
    """P8 (S18): high staff turnover lowers familiarity, trust and commitment together."""
    size, steps, reps = SIZES[label]
    budget = EUR_PER_PERSON * people(size)
    low = outcomes(size, steps, reps, 400, turnover_per_year=0.05, coordination_budget_eur=budget)
    high = outcomes(size, steps, reps, 400, turnover_per_year=0.6, coordination_budget_eur=budget)
    for col in ("mean_familiarity", "mean_trust", "mean_commitment_all"):
        a = [final(m)[col] for m in low]
        b = [final(m)[col] for m in high]
        # One-sided Welch test at 1 %.
        _, pval = stats.ttest_ind(a, b, equal_var=False, alternative="greater")
        assert pval < 0.01, (col, np.mean(a), np.mean(b), pval)


def _per_person(m) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    s = m.members()
    fam, trust = m.rel.block(s, s, m.steps)
    off = ~np.eye(s.size, dtype=bool)
    f = np.where(off, fam, np.nan)
    t = np.where(off, trust, np.nan)
    # A person's familiarity and trust toward the people they know best (top five).
    top = min(5, s.size - 1)
    fi = -np.sort(-np.nan_to_num(f, nan=-1), axis=1)[:, :top].mean(axis=1)
    ti = -np.sort(-np.nan_to_num(t, nan=-1), axis=1)[:, :top].mean(axis=1)
    return fi, ti, m.commitment[s]


@pytest.mark.parametrize("label", SIZES)
def test_p12_familiarity_trust_commitment_correlate(label: str) -> None:
    """P12 (S18): familiarity, trust and commitment are positively correlated across
    participants and over time (a person whose ties grow also grows in commitment)."""
    size, steps, reps = SIZES[label]
    budget = EUR_PER_PERSON * people(size)
    pairs = (("f", "t"), ("f", "c"), ("t", "c"))
    across = {k: [] for k in pairs}
    over_time = {k: [] for k in pairs}
    for r in range(reps):
        m = run(500 + r, steps // 2, **size, coordination_budget_eur=budget,
                turnover_per_year=0.3)
        before = dict(zip(m.members().tolist(), zip(*_per_person(m), strict=True), strict=True))
        agents = {s: m.agent_at[s] for s in before}
        m.run_for(steps - steps // 2)
        now = dict(zip(m.members().tolist(), zip(*_per_person(m), strict=True), strict=True))
        f, t, c = _per_person(m)
        vals = {"f": f, "t": t, "c": c}
        for a, b in pairs:
            across[(a, b)].append(stats.spearmanr(vals[a], vals[b])[0])
        # Same people (not replaced by turnover) at both times: changes move together.
        same = [s for s in now if s in before and m.agent_at[s] is agents[s]]
        delta = {k: np.array([now[s][i] - before[s][i] for s in same])
                 for i, k in enumerate("ftc")}
        for a, b in pairs:
            over_time[(a, b)].append(stats.spearmanr(delta[a], delta[b])[0])
    for label_, res in (("across participants", across), ("over time", over_time)):
        for key, rhos in res.items():
            rhos = np.asarray(rhos)
            assert rhos.mean() > 0.1, (label_, key, rhos)
            if reps > 4:
                # Many small networks (20 people: each run's correlation is noisy):
                # one-sided t-test over runs at 1 %.
                p_value = stats.ttest_1samp(rhos, 0.0, alternative="greater").pvalue
                assert p_value < 0.01, (label_, key, rhos)
            else:
                # Few large networks (200 people: each run's correlation is precise): all positive.
                assert (rhos > 0).all(), (label_, key, rhos)
