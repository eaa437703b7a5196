"""Probability of an outcome along one parameter, and where it tips.

:func:`probability_curve` groups runs by the values of one parameter (or, for
a sampled parameter with many distinct values, by quantile bins) and gives
the share with the outcome and its binomial interval at each point.
:func:`tipping_point` finds where that share crosses a level (by default one
half: from "more likely not" to "more likely"), interpolating linearly
between neighbouring points. Its interval inverts the pointwise confidence
band: the crossing cannot lie before the upper band reaches the level, nor
after the lower band does. The band is pointwise, so the interval is a
readable summary rather than an exact simultaneous statement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import defaults
from analysis.intervals import DEFAULT_CONFIDENCE, IntervalMethod, interval_bounds
from analysis.text import number, pct
from verkosto import i18n
from verkosto.i18n import _

DEFAULT_LEVEL = defaults.TIPPING_LEVEL

MAX_DISTINCT = 12
"""A parameter with more distinct values than this is binned."""

DEFAULT_BINS = 8
"""Quantile bins of a sampled parameter."""


@dataclass(frozen=True)
class TippingPoint:
    """Where the probability of an outcome crosses ``level`` along ``parameter``.

    Attributes:
        parameter: The parameter varied.
        level: The probability level.
        estimate: Interpolated crossing (None if the estimate never crosses).
        low: Lower end of the interval (None if unbounded within the range).
        high: Upper end of the interval (None if unbounded within the range).
        direction: ``rising`` or ``falling`` with the parameter.
        note: Plain-language summary.
        at_edge: The probability is already past the level at the first value tried (the
            lowest when rising, the highest when falling): ``estimate`` is that value, and
            the crossing lies there or beyond the range tried, so it is no tipping point
            inside it.
    """

    parameter: str
    level: float
    estimate: float | None
    low: float | None
    high: float | None
    direction: str
    note: str
    at_edge: bool = False

    def as_dict(self) -> dict[str, object]:
        """Plain JSON-able form."""
        return {"parameter": self.parameter, "level": self.level, "estimate": self.estimate,
                "low": self.low, "high": self.high, "direction": self.direction,
                "note": self.note, "at_edge": self.at_edge}


def probability_curve(frame: pd.DataFrame, parameter: str, interesting: np.ndarray | pd.Series,
                      confidence: float = DEFAULT_CONFIDENCE,
                      method: IntervalMethod | str = IntervalMethod.WILSON,
                      bins: int = DEFAULT_BINS) -> pd.DataFrame:
    """Share of runs with the outcome at each value (or bin) of ``parameter``.

    Args:
        frame: One row per run with the parameter column.
        parameter: Numeric parameter column.
        interesting: Boolean per run: has the outcome.
        confidence: Two-sided confidence of the intervals.
        method: Interval method.
        bins: Quantile bins when the parameter has more than ``MAX_DISTINCT`` values.

    Returns:
        Columns ``x`` (value or mean within bin), ``count``, ``n``,
        ``probability``, ``low``, ``high``, sorted by ``x``.
    """
    x = frame[parameter].astype(float).to_numpy()
    y = np.asarray(interesting, dtype=bool)
    many = np.unique(x).size > MAX_DISTINCT
    group = pd.qcut(x, q=bins, labels=False, duplicates="drop") if many else x
    g = pd.DataFrame({"g": group, "x": x, "y": y}).groupby("g", sort=True)
    out = pd.DataFrame({"x": g["x"].mean(), "count": g["y"].sum().astype(int),
                        "n": g["y"].size()}).reset_index(drop=True)
    out["probability"] = out["count"] / out["n"]
    out["low"], out["high"] = interval_bounds(out["count"].to_numpy(), out["n"].to_numpy(),
                                              confidence, method)
    return out.sort_values("x").reset_index(drop=True)


def _first_crossing(x: np.ndarray, y: np.ndarray, level: float) -> float | None:
    """First x where the piecewise-linear curve (x, y) reaches ``level`` from below."""
    if y[0] >= level:
        return float(x[0])
    for k in range(1, x.size):
        if y[k] >= level:
            frac = (level - y[k - 1]) / (y[k] - y[k - 1])
            return float(x[k - 1] + frac * (x[k] - x[k - 1]))
    return None


def tipping_point(curve: pd.DataFrame, parameter: str, level: float = DEFAULT_LEVEL,
                  outcome: str = "thriving") -> TippingPoint:
    """Where the curve's probability crosses ``level``, with an interval.

    The direction is read from the ends of the curve (rising if the last
    point is above the first). For a falling curve the same search runs on
    the mirrored curve.

    Args:
        curve: Output of :func:`probability_curve`.
        parameter: Its parameter's name (for the text).
        level: Probability level in (0, 1).
        outcome: Outcome name (for the text).

    Returns:
        The tipping point; ``estimate`` is None when the curve stays on one
        side of the level.
    """
    x = curve["x"].to_numpy(dtype=float)
    p, lo, hi = (curve[c].to_numpy(dtype=float) for c in ("probability", "low", "high"))
    rising = p[-1] >= p[0]
    if not rising:
        # Mirror: walk from the right so that the curve rises.
        x, p, lo, hi = x[::-1], p[::-1], lo[::-1], hi[::-1]
    est = _first_crossing(x, p, level)
    early = _first_crossing(x, hi, level)  # the crossing cannot come before this
    late = _first_crossing(x, lo, level)  # nor after this
    at_edge = bool(est is not None and est == x[0])
    if early is not None and early == x[0]:
        # The upper band is past the level at the first value tried: the crossing may lie
        # before the range as well, so the interval is open on that side.
        early = None
    a, b = (early, late) if rising else (late, early)
    direction = "rising" if rising else "falling"
    words = {"outcome": i18n.outcome_name(outcome), "level": pct(level), "parameter": parameter,
             "value": number(est) if est is not None else "", "first": number(x[0])}
    if est is None:
        note = _("P({outcome}) stays below {level} over the whole range of {parameter}")
    elif at_edge:
        note = (_("P({outcome}) is already at least {level} at the lowest {parameter} tried "
                  "({first})") if rising else
                _("P({outcome}) is already at least {level} at the highest {parameter} tried "
                  "({first})"))
    else:
        words["span"] = (_("{low} to {high}").format(low=number(a), high=number(b))
                         if a is not None and b is not None else
                         _("at least {value}").format(value=number(a)) if a is not None else
                         _("at most {value}").format(value=number(b)) if b is not None else
                         _("interval open on both sides within the range tried"))
        note = (_("P({outcome}) rises past {level} at {parameter} ≈ {value} ({span})") if rising
                else _("P({outcome}) falls below {level} at {parameter} ≈ {value} ({span})"))
    note = note.format(**words)
    return TippingPoint(parameter, level, est, a, b, direction, note, at_edge)
