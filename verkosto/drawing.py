"""Drawing for the trainer's views (``verkosto dashboard`` and ``verkosto animate``).

The trust network is drawn by :mod:`analysis.network`, the one drawing every
output uses (same layout, organisation colours and markers); its names are
re-exported here for the dashboard and the animation. This module adds the
time-series panels they show beside it. The views read the model only through
its public surface; the model never imports this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from analysis.network import (
    DEPARTED_COLOUR,
    EDGE_ALPHA_MAX,
    EDGE_ALPHA_MIN,
    EDGE_COLOUR,
    EDGE_WIDTH_MAX,
    LAYOUT_MARGIN,
    LEGEND_LABEL_WIDTH,
    NODE_SIZE_MIN,
    NODE_SIZE_PER_COMMITMENT,
    PERIPHERAL_ALPHA,
    RESIDENT_MARKER,
    STATUS_ORDER,
    StableLayout,
    draw_network,
    layout_for,
    organisation_colour,
    status_legend,
    status_name,
)
from verkosto.i18n import N_, Translator, _

__all__ = [
    "DEPARTED_COLOUR",
    "EDGE_ALPHA_MAX",
    "EDGE_ALPHA_MIN",
    "EDGE_COLOUR",
    "EDGE_WIDTH_MAX",
    "LAYOUT_MARGIN",
    "LEGEND_LABEL_WIDTH",
    "NODE_SIZE_MIN",
    "NODE_SIZE_PER_COMMITMENT",
    "PERIPHERAL_ALPHA",
    "RESIDENT_MARKER",
    "SERIES",
    "STATUS_ORDER",
    "STRANGER_COLOUR",
    "STRANGER_LABEL",
    "UNIT_AXIS_TOP",
    "VALUE_SERIES",
    "StableLayout",
    "draw_network",
    "draw_series",
    "draw_stranger_level",
    "layout_for",
    "model_frame",
    "organisation_colour",
    "status_legend",
    "status_name",
]

SERIES: dict[str, tuple[str, str]] = {
    "mean_familiarity": ("familiarity", "#1f77b4"),
    "mean_trust": ("trust", "#2ca02c"),
    "mean_commitment": ("commitment", "#d62728"),
    "active_share": ("active share", "#9467bd"),
}
"""The 0-1 series shown together: reporter column -> (plain label, colour)."""

VALUE_SERIES: dict[str, tuple[str, str]] = {
    "value_created": ("value created per week", "#ff7f0e"),
}
"""The value series, on its own axis: reporter column -> (plain label, colour)."""

STRANGER_LABEL = N_("trust in a stranger")
"""The reference line of the trust curve: the trust an empty seat counts with, so the
network's trust can never fall below it (the scenario's ``trust_prior``). Without the line
a dead network's trust sat flat just above 0.15 and looked healthy."""
STRANGER_COLOUR = "#1b5e20"
"""The reference line's colour: a darker shade of the trust curve's green."""
STRANGER_DASH = (0, (5, 3))
"""The reference line's dash pattern (on, off in points)."""

UNIT_AXIS_TOP = 1.05
"""Top of the 0-1 axes, a little above 1 so that a series at 1 stays visible."""


def model_frame(model: Any):
    """The model's recorded reporters as a DataFrame (one row per recorded step)."""
    return model.datacollector.get_model_vars_dataframe()


def draw_series(
    ax: Axes,
    frame: Any,
    series: Mapping[str, tuple[str, str]] = SERIES,
    *,
    x_max: float | None = None,
    unit_interval: bool = True,
) -> None:
    """Plot reporter columns of ``frame`` against the recorded step.

    Args:
        ax: The axes to draw on (cleared first).
        frame: The model-vars DataFrame from the data collector.
        series: Column -> (plain label, colour); missing columns are skipped.
        x_max: Fix the right end of the x axis, and the legend above the axes (for
            animations, whose frames must not move it); None to fit both.
        unit_interval: Fix the y axis to [0, 1].
    """
    ax.clear()
    for column, (label, colour) in series.items():
        if column in frame.columns:
            ax.plot(frame.index, frame[column].astype(float), label=label, color=colour,
                    linewidth=1.8)
    if unit_interval:
        ax.set_ylim(0.0, UNIT_AXIS_TOP)
    if x_max is not None:
        ax.set_xlim(0, max(1.0, float(x_max)))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # weeks are whole: no "2.5"
    ax.set_xlabel(_("week"))
    ax.grid(alpha=0.3)
    if ax.lines and x_max is not None:
        # Frames of an animation: a legend placed where the curves are not would move from
        # frame to frame as they grow (and cover them once they fill the panel), so it sits
        # above the panel, in one place for the whole animation.
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=2, fontsize="small",
                  frameon=False, borderaxespad=0.2, handlelength=1.5, columnspacing=1.2)
    elif ax.lines:
        # Where the curves are not: they start high (the whole network at week 0), so a
        # legend fixed at the top left covered them.
        ax.legend(loc="best", fontsize="small", framealpha=0.8, edgecolor="none")


def draw_stranger_level(ax: Axes, level: float, t: Translator) -> None:
    """Draw the trust between strangers (``trust_prior``) as a labelled dashed line.

    The network's trust counts an empty seat as a stranger, so its curve cannot fall below
    this level: the line shows a room that a curve lying on it is a network of strangers,
    not a steady one. Drawn after :func:`draw_series` (which clears the axes) and kept out
    of the legend: the words sit on the line itself.

    Args:
        ax: The axes of the 0-1 curves.
        level: The scenario's ``trust_prior``.
        t: The translator of the figure's language.
    """
    from matplotlib import patheffects
    from matplotlib.transforms import blended_transform_factory

    across = blended_transform_factory(ax.transAxes, ax.transData)  # x: axes, y: data
    # A collection, not a line: ax.lines stays the curves (the legend's and the tests').
    ax.hlines(level, 0.0, 1.0, transform=across, colors=STRANGER_COLOUR,
              linestyles=[STRANGER_DASH], linewidth=1.2, zorder=1.5, gid="stranger_level")
    ax.text(0.99, level, t(STRANGER_LABEL), transform=across, ha="right", va="top",
            fontsize="small",
        color=STRANGER_COLOUR, zorder=3, gid="stranger_level",
        path_effects=[patheffects.withStroke(linewidth=3, foreground="white")])
