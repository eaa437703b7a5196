"""PRIM scenario discovery with its peeling trajectory (Friedman & Fisher 1999).

The Patient Rule Induction Method starts from a box holding every run and
peels off, one small slice at a time, the part of one parameter's range whose
removal raises the share of runs with the outcome inside the box (density)
the most. Each step trades coverage (the share of all runs with the outcome
that stay inside) for density; the sequence of boxes is the *peeling
trajectory*, and the analyst picks a box on it (Bryant & Lempert 2010).

The peeling is EMA Workbench's ``prim.Prim`` (Kwakkel 2017), the field's
reference implementation. Integer columns are cast to float before it sees
them (pandas 3 trips it otherwise); flags and categories are passed as
categories, whose box limits are sets of allowed values.

The box is chosen on the trajectory by a stated rule (:data:`MIN_COVERAGE`):
the densest box that still covers at least that share of the runs with the
outcome, ties to the larger coverage. The report shows the trajectory so
that a reader can see what other boxes would have cost.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.discovery import Condition
from analysis.text import pct
from verkosto.i18n import _

MIN_COVERAGE = 0.5
"""The chosen box keeps at least this share of the runs with the outcome."""

PEEL_ALPHA = 0.05
"""Share of the runs peeled off in one step (EMA Workbench's default)."""

MASS_MIN = 0.05
"""Smallest box, as a share of all runs."""


@dataclass(frozen=True)
class PrimResult:
    """A peeling trajectory and the box chosen on it.

    Attributes:
        outcome: Name of the outcome of interest.
        base_rate: Share of all runs with the outcome.
        trajectory: One row per box: ``box``, ``coverage``, ``density``, ``mass``
            (share of all runs inside), ``restricted`` (parameters limited).
        chosen: Row of ``trajectory`` chosen (see :data:`MIN_COVERAGE`).
        conditions: The chosen box's limits, one per restricted parameter.
    """

    outcome: str
    base_rate: float
    trajectory: pd.DataFrame
    chosen: int
    conditions: tuple[Condition, ...]

    @property
    def coverage(self) -> float:
        """Coverage of the chosen box."""
        return float(self.trajectory["coverage"].iloc[self.chosen])

    @property
    def density(self) -> float:
        """Density of the chosen box."""
        return float(self.trajectory["density"].iloc[self.chosen])

    def text(self) -> str:
        """The chosen box as one readable line."""
        body = _(" and ").join(c.text() for c in self.conditions) or _("any parameters")
        return _("{outcome} when {body}").format(outcome=self.outcome, body=body)


def _inputs(frame: pd.DataFrame, parameters: Sequence[str]) -> pd.DataFrame:
    cols = {}
    for p in parameters:
        col = frame[p]
        if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
            cols[p] = col.astype(float).to_numpy()
        else:
            cols[p] = pd.Categorical(col.astype(str))
    return pd.DataFrame(cols)


def _conditions(limits: pd.DataFrame, initial: pd.DataFrame,
                parameters: Sequence[str]) -> tuple[Condition, ...]:
    out = []
    for p in parameters:
        low, high = limits[p].iloc[0], limits[p].iloc[1]
        low0, high0 = initial[p].iloc[0], initial[p].iloc[1]
        if isinstance(low, set | frozenset):
            if set(low) != set(low0):
                out.append(Condition(p, equals=tuple(sorted(map(str, low)))))
            continue
        lo = float(low) if float(low) > float(low0) else None
        hi = float(high) if float(high) < float(high0) else None
        if lo is not None or hi is not None:
            # PRIM's limits are inclusive at both ends.
            out.append(Condition(p, low=lo, high=hi, inclusive=True))
    return tuple(out)


def prim_box(frame: pd.DataFrame, parameters: Sequence[str], interesting: np.ndarray | pd.Series,
             outcome: str, min_coverage: float = MIN_COVERAGE) -> PrimResult | None:
    """Peel towards the runs with ``interesting`` and choose a box on the trajectory.

    Args:
        frame: One row per run with the parameter columns.
        parameters: The varied parameters.
        interesting: Boolean per run: has the outcome.
        outcome: Its name, for the text.
        min_coverage: Least coverage of the chosen box.

    Returns:
        The trajectory and the chosen box; None when there is nothing to peel
        (no parameter, or every run or no run has the outcome).
    """
    y = np.asarray(interesting, dtype=bool)
    if not parameters or y.size == 0 or y.all() or not y.any():
        return None
    x = _inputs(frame.reset_index(drop=True), parameters)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

        logging.getLogger("EMA").setLevel(logging.WARNING)
        box = prim.Prim(x, y.astype(int), peel_alpha=PEEL_ALPHA, mass_min=MASS_MIN).find_box()
    if box is None:
        return None
    traj = box.peeling_trajectory
    rows = []
    for k in range(len(traj)):
        conds = _conditions(box.box_lims[k], box.box_lims[0], parameters)
        rows.append({"box": k, "coverage": float(traj["coverage"].iloc[k]),
                     "density": float(traj["density"].iloc[k]),
                     "mass": float(traj["mass"].iloc[k]),
                     "restricted": len(conds)})
    table = pd.DataFrame(rows)
    ok = table[table["coverage"] >= min_coverage]
    pick = ok.sort_values(["density", "coverage"], ascending=False).index[0] if len(ok) else 0
    return PrimResult(outcome, float(y.mean()), table, int(pick),
                      _conditions(box.box_lims[int(pick)], box.box_lims[0], parameters))


def trajectory_figure(result: PrimResult) -> Figure:
    """Coverage against density along the peeling trajectory, the chosen box marked."""
    from analysis.figures import DPI, PANEL_SIZE

    fig = Figure(figsize=(PANEL_SIZE[0] + 1.2, PANEL_SIZE[1] + 0.8), layout="constrained",
                 dpi=DPI)
    ax = fig.subplots()
    t = result.trajectory
    points = ax.scatter(t["coverage"], t["density"], c=t["restricted"], cmap="viridis", s=22,
                        zorder=2)
    ax.plot(t["coverage"], t["density"], color="lightgray", linewidth=0.8, zorder=1)
    c = t.iloc[result.chosen]
    ax.scatter([c["coverage"]], [c["density"]], s=160, facecolors="none", edgecolors="red",
               linewidths=1.5, zorder=3,
               label=_("chosen box: coverage {coverage}, density {density}").format(
                   coverage=pct(c["coverage"]), density=pct(c["density"])))
    ax.axhline(result.base_rate, color="black", linestyle=":", linewidth=0.8,
               label=_("base rate {share}").format(share=pct(result.base_rate)))
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(_("coverage: share of the runs with the outcome inside the box"))
    ax.set_ylabel(_("density: share of the box's runs\nwith the outcome"))
    from matplotlib.ticker import MaxNLocator

    bar = fig.colorbar(points, ax=ax)
    bar.set_label(_("parameters restricted"))
    bar.locator = MaxNLocator(integer=True)
    bar.update_ticks()
    ax.legend(loc="lower left", fontsize="small")
    ax.grid(alpha=0.3)
    ax.set_title(_("PRIM peeling trajectory for {outcome}").format(outcome=result.outcome),
                 fontsize="medium")
    return fig
