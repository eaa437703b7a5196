"""Outcome probabilities with binomial intervals.

A run ends in one outcome class (the members of ``model.Outcome``; tables
list every one of them, in the enum's order). Over replications, the share of runs in a
class estimates its probability; the interval around it comes from
``statsmodels.stats.proportion.proportion_confint`` (Wilson score or
Jeffreys), never a hand-rolled formula. Wilson is the default: it keeps good
coverage at the small replication counts and the 0-of-n and n-of-n results
that sweeps produce (Brown, Cai & DasGupta 2001).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import defaults
from model import Outcome

DEFAULT_CONFIDENCE = defaults.INTERVAL_CONFIDENCE

OUTCOME_ORDER: tuple[str, ...] = tuple(o.value for o in Outcome)
"""Outcome classes in the model's order, for tables and stacked bars."""

THRIVING = Outcome.THRIVING.value
FADING_CLASSES: tuple[str, ...] = (Outcome.FADING.value, Outcome.FADED.value)
"""Outcomes counted as 'fading' in scenario discovery: on the way out, or gone."""


class IntervalMethod(enum.StrEnum):
    """Binomial interval methods offered (names as statsmodels spells them)."""

    WILSON = "wilson"
    JEFFREYS = "jeffreys"


@dataclass(frozen=True)
class Proportion:
    """A share of runs with its interval.

    Attributes:
        count: Runs in the class.
        n: Runs in all.
        estimate: count / n (NaN when n is 0).
        low: Lower end of the interval.
        high: Upper end of the interval.
        confidence: Two-sided confidence level of the interval.
    """

    count: int
    n: int
    estimate: float
    low: float
    high: float
    confidence: float

    def as_dict(self) -> dict[str, float | int]:
        """Plain JSON-able form."""
        return {"count": self.count, "n": self.n, "estimate": self.estimate, "low": self.low,
                "high": self.high, "confidence": self.confidence}


def _check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1 (exclusive), got {confidence!r}")


def interval_bounds(count: np.ndarray | Sequence[int] | int, n: np.ndarray | Sequence[int] | int,
                    confidence: float = DEFAULT_CONFIDENCE,
                    method: IntervalMethod | str = IntervalMethod.WILSON,
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided binomial interval bounds, vectorised.

    Jeffreys intervals follow Brown, Cai & DasGupta (2001): the lower end is 0
    when no run is in the class and the upper end 1 when every run is.
    Cells with no runs get NaN.

    Args:
        count: Runs in the class, per cell.
        n: Runs in all, per cell.
        confidence: Two-sided confidence level in (0, 1).
        method: ``wilson`` or ``jeffreys``.

    Returns:
        Arrays of lower and upper bounds.
    """
    _check_confidence(confidence)
    method = IntervalMethod(method)
    count = np.atleast_1d(np.asarray(count, dtype=float))
    n = np.atleast_1d(np.asarray(n, dtype=float))
    if np.any(count < 0) or np.any(count > n):
        raise ValueError("counts must lie between 0 and the number of runs")
    low = np.full(np.broadcast(count, n).shape, np.nan)
    high = low.copy()
    ok = n > 0
    if ok.any():
        # Imported here: statsmodels takes most of a second to import, and the commands that
        # only draw (verkosto run) read this module for its outcome order alone.
        from statsmodels.stats.proportion import proportion_confint

        lo, hi = proportion_confint(count[ok], n[ok], alpha=1.0 - confidence, method=method.value)
        lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
        # Exact ends at 0 of n and n of n: Wilson's are 0 and 1 up to rounding noise,
        # Jeffreys' by the Brown-Cai-DasGupta modification.
        lo = np.where(count[ok] == 0, 0.0, lo)
        hi = np.where(count[ok] == n[ok], 1.0, hi)
        low[ok], high[ok] = np.clip(lo, 0.0, 1.0), np.clip(hi, 0.0, 1.0)
    return low, high


def proportion_interval(count: int, n: int, confidence: float = DEFAULT_CONFIDENCE,
                        method: IntervalMethod | str = IntervalMethod.WILSON) -> Proportion:
    """The share ``count / n`` with its two-sided binomial interval.

    Example:
        >>> p = proportion_interval(5, 10)
        >>> round(p.low, 4), round(p.high, 4)
        (0.2366, 0.7634)
    """
    low, high = interval_bounds(count, n, confidence, method)
    est = count / n if n else float("nan")
    return Proportion(int(count), int(n), float(est), float(low[0]), float(high[0]), confidence)


def one_sided_bounds(count: int, n: int, confidence: float,
                     method: IntervalMethod | str = IntervalMethod.WILSON) -> tuple[float, float]:
    """One-sided lower and upper bounds of a proportion at ``confidence``.

    The lower bound L has P(p >= L) = confidence and the upper bound U has
    P(p <= U) = confidence. They are the ends of the two-sided interval at level
    ``2 * confidence - 1``.
    """
    _check_confidence(confidence)
    two_sided = 2.0 * confidence - 1.0
    if two_sided <= 0.0:
        raise ValueError(f"one-sided confidence must exceed 0.5, got {confidence!r}")
    low, high = interval_bounds(count, n, two_sided, method)
    return float(low[0]), float(high[0])


def outcome_table(runs: pd.DataFrame, by: Sequence[str] = (),
                  confidence: float = DEFAULT_CONFIDENCE,
                  method: IntervalMethod | str = IntervalMethod.WILSON,
                  outcomes: Sequence[str] = OUTCOME_ORDER) -> pd.DataFrame:
    """Probability of each outcome class per cell, with intervals.

    Only runs with ``status == 'ok'`` count (failed runs have no outcome).

    Args:
        runs: One row per run with an ``outcome`` column (and ``status`` if any).
        by: Columns defining a cell (e.g. the varied parameters); empty for
            one overall cell.
        confidence: Two-sided confidence level.
        method: ``wilson`` or ``jeffreys``.
        outcomes: Classes to report, in order (all classes by default, so that
            a class no run reached still shows as 0 with its interval).

    Returns:
        Tidy table: the ``by`` columns, ``outcome``, ``count``, ``n``,
        ``probability``, ``low``, ``high``.
    """
    ok = runs[runs["status"] == "ok"] if "status" in runs.columns else runs
    by = list(by)
    keys = by or ["_all"]
    frame = ok.assign(_all="all") if not by else ok
    counts = (frame.groupby([*keys, "outcome"], dropna=False, observed=True).size()
              .unstack("outcome", fill_value=0))
    counts = counts.reindex(columns=list(outcomes), fill_value=0)
    # A class outside `outcomes` still counts in n.
    n = frame.groupby(keys, dropna=False, observed=True).size().reindex(counts.index)
    tidy = counts.stack().rename("count").reset_index()
    tidy.columns = [*keys, "outcome", "count"]
    tidy["n"] = n.reindex(pd.MultiIndex.from_frame(tidy[keys]) if len(keys) > 1
                          else tidy[keys[0]]).to_numpy()
    tidy["probability"] = tidy["count"] / tidy["n"]
    low, high = interval_bounds(tidy["count"].to_numpy(), tidy["n"].to_numpy(), confidence,
                                method)
    tidy["low"], tidy["high"] = low, high
    if not by:
        tidy = tidy.drop(columns="_all")
    tidy["outcome"] = pd.Categorical(tidy["outcome"], categories=list(outcomes), ordered=True)
    return tidy.sort_values([*by, "outcome"]).reset_index(drop=True)
