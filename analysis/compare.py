"""Scenarios side by side: outcome probabilities with intervals and time series with bands.

Every scenario runs the same replication seeds (common random numbers from
``numpy.random.SeedSequence``), so that differences between scenarios are not
differences of luck. One run is ``experiments.sweep.simulate``, the same
function a sweep uses, so a comparison and a sweep agree run for run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.budget import replication_seeds
from analysis.figures import MAIN_REPORTERS, QUARTILES, outcome_bars, timeseries_bands
from analysis.intervals import DEFAULT_CONFIDENCE, outcome_table
from analysis.text import number
from experiments.sweep import simulate
from model import Params

MapFn = Callable[..., Iterable]


@dataclass
class Comparison:
    """Runs of several scenarios.

    Attributes:
        runs: One row per run: ``run_id``, ``scenario``, ``replication``, ``seed``,
            ``outcome``, ``steps_run``.
        timeseries: ``run_id``, ``step`` and the reporters.
        scenarios: Scenario labels in the order given.
    """

    runs: pd.DataFrame
    timeseries: pd.DataFrame
    scenarios: list[str]

    def outcomes(self, confidence: float = DEFAULT_CONFIDENCE) -> pd.DataFrame:
        """Outcome probabilities per scenario with intervals (tidy, scenarios in order)."""
        table = outcome_table(self.runs, by=["scenario"], confidence=confidence)
        table["scenario"] = pd.Categorical(table["scenario"], categories=self.scenarios,
                                           ordered=True)
        return table.sort_values(["scenario", "outcome"]).reset_index(drop=True)

    def outcome_figure(self, confidence: float = DEFAULT_CONFIDENCE) -> Figure:
        """Outcome probabilities per scenario with interval whiskers."""
        table = self.outcomes(confidence)
        table["scenario"] = table["scenario"].astype(str)
        return outcome_bars(table, "scenario", title="How each scenario's networks ended "
                            f"(bars: share of runs; whiskers: {confidence:.0%} interval)")

    def timeseries_figure(self) -> Figure:
        """Main reporters over time: median and interquartile band per scenario."""
        groups = pd.Series(self.runs["scenario"].to_numpy(), index=self.runs["run_id"])
        return timeseries_bands(self.timeseries, groups,
                                title="How the scenarios' networks developed over time")


def compare(scenarios: Mapping[str, Params], replications: int, steps: int, seed: int,
            mapper: MapFn = map) -> Comparison:
    """Run ``replications`` runs of each scenario with the same seeds.

    Args:
        scenarios: Label -> parameters, in display order.
        replications: Runs per scenario.
        steps: Weeks per run.
        seed: Master seed.
        mapper: ``map``-like runner (e.g. an executor's ``map``).
    """
    seeds = replication_seeds(seed, replications)
    labels = list(scenarios)
    jobs = [(label, r, s) for label in labels for r, s in enumerate(seeds)]
    results = mapper(simulate, [scenarios[label] for label, _, _ in jobs],
                     [s for _, _, s in jobs], [steps] * len(jobs), [True] * len(jobs))
    rows, frames = [], []
    for run_id, ((label, r, s), sim) in enumerate(zip(jobs, results, strict=True)):
        rows.append({"run_id": run_id, "scenario": label, "replication": r, "seed": s,
                     "outcome": sim.outcome, "steps_run": sim.steps_run})
        # The week is the index of the simulation's table, or already one of its columns.
        ts = sim.timeseries.reset_index(drop="step" in sim.timeseries.columns)
        ts.insert(0, "run_id", run_id)
        frames.append(ts)
    timeseries = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return Comparison(pd.DataFrame(rows), timeseries, labels)


def summary_table(comparison: Comparison, confidence: float = DEFAULT_CONFIDENCE) -> pd.DataFrame:
    """One row per scenario: runs and each outcome's probability with its interval, as text."""
    table = comparison.outcomes(confidence)
    rows = []
    for label, part in table.groupby("scenario", observed=True, sort=True):
        row = {"scenario": str(label), "runs": int(part["n"].iloc[0])}
        for _, r in part.iterrows():
            row[str(r["outcome"])] = (f"{r['probability']:.0%} "
                                      f"({r['low']:.0%}-{r['high']:.0%})"
                                      if np.isfinite(r["probability"]) else "–")
        rows.append(row)
    return pd.DataFrame(rows)


def final_values(comparison: Comparison,
                 reporters: tuple[str, ...] = MAIN_REPORTERS) -> pd.DataFrame:
    """Median and middle half of each main reporter at each run's last recorded week.

    Returns:
        One row per scenario, one text column per reporter ("0.62 (0.55-0.70)").
    """
    ts = comparison.timeseries
    last = ts.sort_values(["run_id", "step"]).groupby("run_id").tail(1)
    last = last.merge(comparison.runs[["run_id", "scenario"]], on="run_id")
    rows = []
    for label in comparison.scenarios:
        part = last[last["scenario"] == label]
        row = {"scenario": label}
        for rep in reporters:
            if rep in part:
                q1, med, q3 = np.quantile(part[rep].astype(float), QUARTILES)
                row[rep] = f"{number(med)} ({number(q1)}-{number(q3)})"
        rows.append(row)
    return pd.DataFrame(rows)
