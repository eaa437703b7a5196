"""Drawing the network and its time series with matplotlib, for the dashboard and animations.

The trainer's views (``verkosto dashboard`` and ``verkosto animate``) share
these functions so that a slide shows exactly what the room saw live. They
read the model only through its public surface: ``model.participants``,
``model.trust_edges()``, ``model.datacollector`` and ``model.outcome``; the
model never imports this module.

The layout is stable by construction rather than by a force simulation that
would jump between steps: each organisation has a fixed seat on a sunflower
spiral, and each person a fixed seat in a small sunflower around their
organisation's seat, kept for as long as the person stays. A newcomer who
replaces someone takes the first free seat of that organisation, so staff
turnover shows as a familiar place with no ties (organisational memory loss,
S18).
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D

GOLDEN_ANGLE = math.pi * (3.0 - math.sqrt(5.0))
"""Angle between successive seats of a sunflower spiral (radians)."""

ORG_SPACING = 1.0
"""Distance scale between organisation seats (layout units)."""

PERSON_SPACING = 0.2
"""Distance scale between people of one organisation (layout units)."""

LAYOUT_MARGIN = 0.25
"""Empty border around the outermost seat (layout units)."""

NODE_SIZE_MIN = 40.0
"""Marker area of a participant with zero commitment (points squared)."""

NODE_SIZE_PER_COMMITMENT = 420.0
"""Extra marker area at full commitment (points squared)."""

EDGE_WIDTH_MAX = 4.0
"""Line width of a trust tie at full trust (points)."""

EDGE_ALPHA_MIN = 0.15
"""Opacity of the weakest drawn trust tie."""

EDGE_ALPHA_MAX = 0.8
"""Opacity of a trust tie at full trust."""

PERIPHERAL_ALPHA = 0.45
"""Fill opacity of a peripheral participant (active ones are opaque)."""

PERSON_MARKER = "o"
"""Marker of a professional representing an organisation."""

RESIDENT_MARKER = "s"
"""Marker of a resident or client representative bringing experience knowledge (S22)."""

DEPARTED_COLOUR = "#9e9e9e"
"""Colour of participants who have left."""

EDGE_COLOUR = "#37474f"
"""Colour of trust ties."""

SMALL_PALETTE = "tab10"
LARGE_PALETTE = "tab20"
SMALL_PALETTE_SIZE = 10
LARGE_PALETTE_SIZE = 20

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

UNIT_AXIS_TOP = 1.05
"""Top of the 0-1 axes, a little above 1 so that a series at 1 stays visible."""

STATUS_ORDER = ("active", "peripheral", "dormant", "left")
"""Participant status values, as ``Participant.status.value`` or ``.label`` gives them."""


def organisation_colour(index: int, n_organisations: int) -> tuple[float, float, float, float]:
    """Colour of an organisation, from a qualitative palette.

    Args:
        index: The organisation's index.
        n_organisations: How many organisations there are (chooses the palette size).

    Returns:
        An RGBA tuple.
    """
    from matplotlib import colormaps

    if n_organisations <= SMALL_PALETTE_SIZE:
        return colormaps[SMALL_PALETTE](index % SMALL_PALETTE_SIZE)
    return colormaps[LARGE_PALETTE](index % LARGE_PALETTE_SIZE)


def status_name(participant: Any) -> str:
    """A participant's status as a lower-case word (active, peripheral, dormant, left)."""
    status = participant.status
    for attr in ("label", "value", "name"):
        value = getattr(status, attr, None)
        if isinstance(value, str):
            word = value.lower()
            if word in STATUS_ORDER:
                return word
    return str(status).rsplit(".", 1)[-1].lower()


def _sunflower(k: int, spacing: float) -> tuple[float, float]:
    """Position of seat ``k`` on a sunflower spiral with the given spacing."""
    radius = spacing * math.sqrt(k + 0.5)
    angle = k * GOLDEN_ANGLE
    return radius * math.cos(angle), radius * math.sin(angle)


@dataclass
class StableLayout:
    """Positions that stay put from step to step.

    Call :meth:`update` with the participants present now; people keep their
    seats, people who are gone free theirs, and newcomers take the lowest
    free seat of their organisation.
    """

    seats: dict[int, dict[int, int]] = field(default_factory=dict)
    """organisation index -> {seat number -> agent unique_id}."""
    positions: dict[int, tuple[float, float]] = field(default_factory=dict)
    """agent unique_id -> (x, y)."""
    extent: float = 0.0
    """Largest |coordinate| seen so far; the view only ever grows."""

    def update(self, participants: Iterable[Any]) -> dict[int, tuple[float, float]]:
        """Seat the given participants and return their positions by unique_id."""
        present: dict[int, Any] = {p.unique_id: p for p in participants}
        for seats in self.seats.values():
            for seat, uid in list(seats.items()):
                if uid not in present:
                    del seats[seat]
                    self.positions.pop(uid, None)
        for uid, person in sorted(present.items()):
            if uid in self.positions:
                continue
            org = int(person.organisation.index)
            seats = self.seats.setdefault(org, {})
            seat = next(k for k in range(len(seats) + 1) if k not in seats)
            seats[seat] = uid
            ox, oy = _sunflower(org, ORG_SPACING)
            px, py = _sunflower(seat, PERSON_SPACING)
            self.positions[uid] = (ox + px, oy + py)
            self.extent = max(self.extent, abs(ox + px), abs(oy + py))
        return {uid: self.positions[uid] for uid in present}


_LAYOUTS: weakref.WeakKeyDictionary[Any, StableLayout] = weakref.WeakKeyDictionary()


def layout_for(model: Any) -> StableLayout:
    """The stable layout belonging to one model instance (created on first use)."""
    layout = _LAYOUTS.get(model)
    if layout is None:
        layout = StableLayout()
        _LAYOUTS[model] = layout
    return layout


def _symmetric_ties(
    i: np.ndarray, j: np.ndarray, w: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Merge directed trust (i trusts j) into one undirected tie per pair, by mean weight."""
    if len(i) == 0:
        return i, j, w
    lo = np.minimum(i, j)
    hi = np.maximum(i, j)
    keys = lo.astype(np.int64) * (int(hi.max()) + 1) + hi
    unique, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    total = np.bincount(inverse, weights=w, minlength=len(unique))
    count = np.bincount(inverse, minlength=len(unique))
    return lo[first], hi[first], total / count


def draw_network(ax: Axes, model: Any, layout: StableLayout | None = None) -> None:
    """Draw participants and trust ties of ``model`` on ``ax``.

    Participants are coloured by organisation and sized by commitment; active
    ones are filled, peripheral ones pale, dormant ones hollow rings, and
    those who left grey crosses; resident or client representatives are
    squares. Trust ties are lines whose width and opacity
    grow with trust.

    Args:
        ax: The axes to draw on (cleared first).
        model: A ``NetworkModel``.
        layout: Positions to use; defaults to the model's own stable layout.
    """
    layout = layout if layout is not None else layout_for(model)
    people = list(model.participants)
    positions = layout.update(people)
    ax.clear()
    ax.set_aspect("equal")
    ax.set_axis_off()
    reach = layout.extent + LAYOUT_MARGIN
    ax.set_xlim(-reach, reach)
    ax.set_ylim(-reach, reach)

    # Ties join present people; someone who left may share a slot number with a newcomer.
    slot_xy: dict[int, tuple[float, float]] = {
        int(p.slot): positions[p.unique_id] for p in people if status_name(p) != "left"}
    i, j, w = (np.asarray(a) for a in model.trust_edges())
    i, j, w = _symmetric_ties(i.astype(np.int64), j.astype(np.int64), w.astype(float))
    keep = [k for k in range(len(i)) if int(i[k]) in slot_xy and int(j[k]) in slot_xy]
    if keep:
        segments = [(slot_xy[int(i[k])], slot_xy[int(j[k])]) for k in keep]
        weights = np.clip(w[keep], 0.0, 1.0)
        colours = [to_rgba(EDGE_COLOUR, EDGE_ALPHA_MIN + (EDGE_ALPHA_MAX - EDGE_ALPHA_MIN) * x)
                   for x in weights]
        ax.add_collection(LineCollection(segments, linewidths=EDGE_WIDTH_MAX * weights,
                                         colors=colours, zorder=1))

    n_orgs = 1 + max((int(p.organisation.index) for p in people), default=0)
    groups: dict[tuple[str, bool], list[Any]] = {}
    for person in people:
        key = (status_name(person), bool(getattr(person, "is_resident", False)))
        groups.setdefault(key, []).append(person)
    for (name, resident), members in groups.items():
        _draw_people(ax, name, RESIDENT_MARKER if resident else PERSON_MARKER,
                     np.array([positions[p.unique_id] for p in members]),
                     np.array([NODE_SIZE_MIN + NODE_SIZE_PER_COMMITMENT * float(p.commitment)
                               for p in members]),
                     [organisation_colour(int(p.organisation.index), n_orgs) for p in members])


def _draw_people(ax: Axes, status: str, marker: str, xy: np.ndarray, sizes: np.ndarray,
                 colours: list[Any]) -> None:
    """Scatter one group of people who share a status and a marker."""
    if status == "active":
        ax.scatter(xy[:, 0], xy[:, 1], s=sizes, c=colours, marker=marker, edgecolors="white",
                   linewidths=0.8, zorder=3)
    elif status == "peripheral":
        pale = [(r, g, b, PERIPHERAL_ALPHA) for r, g, b, _ in colours]
        ax.scatter(xy[:, 0], xy[:, 1], s=sizes, c=pale, marker=marker, edgecolors=colours,
                   linewidths=1.0, zorder=3)
    elif status == "dormant":
        ax.scatter(xy[:, 0], xy[:, 1], s=sizes, facecolors="none", marker=marker,
                   edgecolors=colours, linewidths=1.5, linestyles="--", zorder=2)
    else:
        ax.scatter(xy[:, 0], xy[:, 1], s=NODE_SIZE_MIN, marker="x", c=DEPARTED_COLOUR,
                   linewidths=1.2, zorder=2)


def status_legend(ax: Axes) -> None:
    """Add a legend explaining how statuses and ties are drawn, to the right of the network."""
    grey = "#546e7a"
    handles = [
        Line2D([], [], marker="o", linestyle="", color=grey, markersize=8, label="active"),
        Line2D([], [], marker="o", linestyle="", markerfacecolor=to_rgba(grey, PERIPHERAL_ALPHA),
               markeredgecolor=grey, markersize=8, label="peripheral"),
        Line2D([], [], marker="o", linestyle="", markerfacecolor="none", markeredgecolor=grey,
               markersize=8, label="dormant"),
        Line2D([], [], marker="x", linestyle="", color=DEPARTED_COLOUR, markersize=7,
               label="left"),
        Line2D([], [], marker=RESIDENT_MARKER, linestyle="", color=grey, markersize=7,
               label="resident /\nclient rep."),
        Line2D([], [], color=EDGE_COLOUR, linewidth=EDGE_WIDTH_MAX / 2, label="trust tie"),
    ]
    ax.legend(handles=handles, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False,
              fontsize="small", handletextpad=0.3)


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
        x_max: Fix the right end of the x axis (for animations); None to fit.
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
    ax.set_xlabel("week")
    ax.grid(alpha=0.3)
    if ax.lines:
        ax.legend(loc="upper left", fontsize="small", frameon=False)
