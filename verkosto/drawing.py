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

import numpy as np
from matplotlib.axes import Axes
from matplotlib.path import Path
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import Bbox, IdentityTransform

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
    "LevelLabel",
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
STRANGER_GAP_PT = 2.0
"""Space between the reference line's label and the line, a curve or the axes' edge
(points)."""

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
    of the legend: the words sit beside the line itself, where no curve is
    (:class:`LevelLabel`).

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
    ax.add_artist(LevelLabel(level, t(STRANGER_LABEL), fontsize="small", color=STRANGER_COLOUR,
                             zorder=3, gid="stranger_level",
                             path_effects=[patheffects.withStroke(linewidth=3,
                                                                  foreground="white")]))


class LevelLabel(Text):
    """The label of a reference line across the axes, placed where no curve is.

    At one place (under the line at its right end) the label sat on the trust curve once
    trust fell to the level it names, as it does in a network that has emptied. The place
    is chosen when the figure is drawn, with the axes at their final size: under the line,
    then over it, at its right end, then step by step to the left, the first whose box
    (with room for each curve's line width) meets no curve of the axes and stays inside
    them; where every place meets one, the one that meets the fewest curve points.

    Args:
        level: The line's height, in data coordinates.
        text: The label.
        **style: Text properties (size, colour, path effects).
    """

    def __init__(self, level: float, text: str, **style: Any):
        super().__init__(0.0, 0.0, text, transform=IdentityTransform(), ha="right", **style)
        self.level = level
        # It stays inside the axes, so the layout need not make room for it.
        self.set_in_layout(False)

    def _places(self, renderer: Any, width: float, height: float) -> Any:
        """Candidate boxes of the label in display units, in the order of preference, each
        with its anchor's (x, y, va).
        """
        frame = self.axes.bbox
        gap = renderer.points_to_pixels(STRANGER_GAP_PT)
        y = self.axes.transData.transform((0.0, self.level))[1]
        x = frame.x1 - gap
        while x - width >= frame.x0:
            for top, va in ((y - gap, "top"), (y + gap + height, "bottom")):
                if frame.y0 <= top - height and top <= frame.y1:
                    yield Bbox.from_extents(x - width, top - height, x, top), (
                        x, top if va == "top" else top - height, va)
            x -= height  # a step of a line's height: fine enough to find a gap

    def _curves(self, renderer: Any, gap: float) -> list[tuple[np.ndarray, float]]:
        """Each visible curve's points in display units, with the room its label keeps from
        them: half its line width and ``gap`` (pixels).
        """
        curves = []
        for line in self.axes.lines:
            xy = line.get_transform().transform(line.get_xydata())
            xy = xy[np.isfinite(xy).all(axis=1)]
            if line.get_visible() and len(xy):
                curves.append((xy, renderer.points_to_pixels(line.get_linewidth()) / 2 + gap))
        return curves

    @staticmethod
    def _crossings(box: Bbox, curves: list[tuple[np.ndarray, float]]) -> int:
        """Curve points inside ``box`` (widened by each curve's room), plus one for each
        curve that passes through it between two points; 0 if free.
        """
        met = 0
        for xy, room in curves:
            wide = box.padded(room)
            inside = ((xy[:, 0] >= wide.x0) & (xy[:, 0] <= wide.x1)
                      & (xy[:, 1] >= wide.y0) & (xy[:, 1] <= wide.y1))
            met += int(inside.sum())
            if not inside.any() and len(xy) > 1 and Path(xy).intersects_bbox(wide, filled=False):
                met += 1
        return met

    def draw(self, renderer: Any) -> None:
        """Place the label, then draw it."""
        if not self.get_visible() or self.axes is None:
            return
        size = self.get_window_extent(renderer)
        places = list(self._places(renderer, size.width, size.height))
        best: tuple[int, tuple[float, float, str]] | None = None
        # A place with a gap to every curve; in a panel too small for one (an animation
        # frame's), a place that only clears the curves' lines; else the least covered.
        for gap in (renderer.points_to_pixels(STRANGER_GAP_PT), 0.0):
            curves = self._curves(renderer, gap)
            best = None
            for box, anchor in places:
                met = self._crossings(box, curves)
                if best is None or met < best[0]:
                    best = (met, anchor)
                if met == 0:
                    break
            if best is not None and best[0] == 0:
                break
        if best is not None:
            x, y, va = best[1]
            self.set_position((x, y))
            self.set_verticalalignment(va)
        super().draw(renderer)
