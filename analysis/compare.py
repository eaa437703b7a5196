"""Scenarios side by side: outcome probabilities with intervals and time series with bands.

Every scenario runs the same replication seeds (common random numbers from
``numpy.random.SeedSequence``), so that differences between scenarios are not
differences of luck. One run is ``experiments.sweep.simulate``, the same
function a sweep uses, so a comparison and a sweep agree run for run.

Each scenario is compared with the first one given (the reference):

- for each outcome class, the difference of probabilities with Newcombe's
  hybrid score interval (Newcombe 1998, method 10; statsmodels'
  ``confint_proportions_2indep``). It treats the scenarios as independent
  samples; with common seeds the runs are positively correlated, so the
  interval is conservative rather than too narrow;
- for each main measure at the last week, the difference of medians with a
  percentile bootstrap interval that resamples replications in pairs (the same
  seed in both scenarios), which keeps the common random numbers' pairing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.budget import replication_seeds
from analysis.figures import (
    MAIN_REPORTERS,
    QUARTILES,
    outcome_bars,
    outcome_word,
    short_label,
    timeseries_bands,
)
from analysis.intervals import DEFAULT_CONFIDENCE, outcome_table
from analysis.text import count, localise, number, pct
from experiments.sweep import simulate
from model import Params
from verkosto.i18n import _

MapFn = Callable[..., Iterable]

BOOTSTRAP = 2000
"""Bootstrap resamples for the interval of a difference of medians."""


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
        """Outcome probabilities per scenario with intervals, and each difference from the
        first scenario with its Newcombe interval (tidy, scenarios in order).

        Columns: ``scenario``, ``outcome``, ``count``, ``n``, ``probability``,
        ``low``, ``high``, ``reference`` (the first scenario), ``diff`` (this
        probability minus the reference's), ``diff_low``, ``diff_high`` (NaN for the
        reference itself).
        """
        from statsmodels.stats.proportion import confint_proportions_2indep

        table = outcome_table(self.runs, by=["scenario"], confidence=confidence)
        table["scenario"] = pd.Categorical(table["scenario"], categories=self.scenarios,
                                           ordered=True)
        table = table.sort_values(["scenario", "outcome"]).reset_index(drop=True)
        reference = self.scenarios[0]
        ref = table[table["scenario"] == reference].set_index(
            table[table["scenario"] == reference]["outcome"].astype(str))
        diffs, lows, highs = [], [], []
        for _k, r in table.iterrows():
            base = ref.loc[str(r["outcome"])]
            if r["scenario"] == reference:
                diffs.append(np.nan)
                lows.append(np.nan)
                highs.append(np.nan)
                continue
            lo, hi = confint_proportions_2indep(int(r["count"]), int(r["n"]),
                                                int(base["count"]), int(base["n"]),
                                                method="newcomb", compare="diff",
                                                alpha=1.0 - confidence)
            diffs.append(r["probability"] - base["probability"])
            lows.append(float(np.clip(lo, -1.0, 1.0)))
            highs.append(float(np.clip(hi, -1.0, 1.0)))
        table["reference"] = reference
        table["diff"], table["diff_low"], table["diff_high"] = diffs, lows, highs
        return table

    def measures(self, confidence: float = DEFAULT_CONFIDENCE,
                 reporters: tuple[str, ...] = MAIN_REPORTERS, bootstrap: int = BOOTSTRAP,
                 seed: int = 0) -> pd.DataFrame:
        """Each main measure at the last week: median per scenario and its difference from
        the first scenario with a paired bootstrap interval.

        Columns: ``scenario``, ``measure``, ``median``, ``q1``, ``q3``, ``reference``,
        ``diff_median``, ``diff_low``, ``diff_high`` (NaN for the reference).
        """
        last = (self.timeseries.sort_values(["run_id", "step"]).groupby("run_id").tail(1)
                .merge(self.runs[["run_id", "scenario", "replication"]], on="run_id"))
        reference = self.scenarios[0]
        rng = np.random.default_rng(seed)
        alpha = (1.0 - confidence) / 2.0
        rows = []
        for rep in reporters:
            if rep not in last:
                continue
            wide = last.pivot(index="replication", columns="scenario", values=rep).astype(float)
            pick = rng.integers(0, len(wide), size=(bootstrap, len(wide)))
            ref_values = wide[reference].to_numpy()
            for label in self.scenarios:
                values = wide[label].to_numpy()
                q1, med, q3 = np.quantile(values, QUARTILES)
                row = {"scenario": label, "measure": rep, "median": med, "q1": q1, "q3": q3,
                       "reference": reference, "diff_median": np.nan, "diff_low": np.nan,
                       "diff_high": np.nan}
                if label != reference:
                    boots = np.median(values[pick], axis=1) - np.median(ref_values[pick], axis=1)
                    row["diff_median"] = float(np.median(values) - np.median(ref_values))
                    row["diff_low"], row["diff_high"] = (float(v) for v in np.quantile(
                        boots, [alpha, 1.0 - alpha]))
                rows.append(row)
        return pd.DataFrame(rows)

    def timeseries_table(self) -> pd.DataFrame:
        """The time series as written to a file: each row names its run's scenario,
        replication, seed and outcome, so the table can be read without ``runs``.

        Columns: ``run_id``, ``scenario``, ``replication``, ``seed``, ``outcome``,
        ``step`` and the reporters.
        """
        keys = ["run_id", "scenario", "replication", "seed", "outcome"]
        runs = self.runs[keys].copy()
        runs["outcome"] = runs["outcome"].astype(str)
        table = self.timeseries.merge(runs, on="run_id", how="left", validate="many_to_one")
        return table[keys + [c for c in self.timeseries.columns if c != "run_id"]]

    def outcome_figure(self, confidence: float = DEFAULT_CONFIDENCE) -> Figure:
        """Outcome probabilities per scenario with interval whiskers."""
        table = self.outcomes(confidence)
        table["scenario"] = table["scenario"].astype(str)
        return outcome_bars(table, "scenario", title=_(
            "How each scenario's networks ended (bars: share of runs; whiskers: {confidence} "
            "interval)").format(confidence=pct(confidence)))

    def timeseries_figure(self) -> Figure:
        """Main reporters over time: median and interquartile band per scenario."""
        groups = pd.Series(self.runs["scenario"].to_numpy(), index=self.runs["run_id"])
        return timeseries_bands(self.timeseries, groups,
                                title=_("How the scenarios' networks developed over time"))


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
        row = {"scenario": str(label), "runs": count(int(part["n"].iloc[0]))}
        for _k, r in part.iterrows():
            row[str(r["outcome"])] = (f"{pct(r['probability'])} "
                                      f"({pct(r['low'])}–{pct(r['high'])})"
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
                row[rep] = f"{number(med)} ({number(q1)}–{number(q3)})"
        rows.append(row)
    return pd.DataFrame(rows)


def _points(d: float, lo: float, hi: float) -> str:
    """A difference of probabilities in percentage points with its interval."""
    def pp(x: float) -> str:
        return "0" if round(100 * x) == 0 else localise(f"{100 * x:+.0f}")

    return _("{value} ({low} to {high})").format(value=pp(d), low=pp(lo), high=pp(hi))


def difference_table(comparison: Comparison,
                     confidence: float = DEFAULT_CONFIDENCE) -> pd.DataFrame:
    """One row per scenario after the first: each outcome's difference from the first scenario.

    Returns:
        Columns ``scenario`` and one per outcome class: "+15 (-4 to +36)", in
        percentage points with the Newcombe interval. An interval that does not
        hold 0 marks a difference beyond chance at that confidence.
    """
    table = comparison.outcomes(confidence)
    rows = []
    for label in comparison.scenarios[1:]:
        part = table[table["scenario"] == label]
        row = {"scenario": label}
        for _k, r in part.iterrows():
            row[str(r["outcome"])] = _points(r["diff"], r["diff_low"], r["diff_high"])
        rows.append(row)
    return pd.DataFrame(rows)


def signed(x: float) -> str:
    """A difference as :func:`analysis.text.number` writes it, with ``+`` when positive
    (``+0.12``, ``-0.03``, ``0``), so that both ends of an interval read as differences.
    """
    return ("+" if x > 0 else "") + number(x)


def measure_difference_table(comparison: Comparison,
                             confidence: float = DEFAULT_CONFIDENCE) -> pd.DataFrame:
    """One row per scenario after the first: each measure's difference of medians at the last
    week, with its paired bootstrap interval, every end signed as the value is
    ("+0.12 (+0.03 to +0.2)", "-0.05 (-0.1 to +0.02)").
    """
    table = comparison.measures(confidence)
    rows = []
    for label in comparison.scenarios[1:]:
        part = table[table["scenario"] == label]
        row = {"scenario": label}
        for _k, r in part.iterrows():
            row[r["measure"]] = _("{value} ({low} to {high})").format(
                value=signed(r["diff_median"]), low=signed(r["diff_low"]),
                high=signed(r["diff_high"]))
        rows.append(row)
    return pd.DataFrame(rows)


def for_people(frame: pd.DataFrame) -> pd.DataFrame:
    """A table of this module with its column headings in the current language: outcome
    classes and measures in words, ``scenario`` and ``runs`` translated (the data keep
    their English keys; only what is printed changes).
    """
    from model import Outcome

    outcomes = {o.value for o in Outcome}
    names = {"scenario": _("scenario"), "runs": _("runs")}

    def heading(column: str) -> str:
        if column in names:
            return names[column]
        return outcome_word(column) if column in outcomes else short_label(column)

    return frame.rename(columns=heading)
