"""The one drawing of the trust network, and one participant's network map (S37).

Every view of the network — ``verkosto run``'s overview, the report's trust
network over time, the dashboard and the animation — draws it here, with the
same layout rule, organisation colours and markers, so one network looks the
same in each output. Trust ties are ``model.trust_edges()``, the model's own
definition of a tie.

**Layout.** Each organisation has a fixed seat on a sunflower spiral, and each
person a fixed seat in a small sunflower around their organisation's seat,
kept for as long as the person stays (:class:`StableLayout`). A newcomer who
replaces someone takes the first free seat of that organisation, so staff
turnover shows as a familiar place with no ties (organisational memory loss,
S18). Positions never jump between weeks.

**Marks.** Colour is the organisation (:func:`organisation_colour`), dot size is
commitment, line width and opacity are trust. Active people are filled,
peripheral ones pale, dormant ones hollow, those who left grey crosses;
resident or client representatives (S22) are squares.

Everything reads a running ``NetworkModel`` through its public surface only:
participants' ``unique_id``, ``slot``, ``organisation.index``,
``organisation.kind``, ``commitment``, ``status`` and ``is_resident``;
``model.trust_edges()``; and ``model.rel.block`` for one person's familiarity
and trust towards everyone. The model never imports this module.

The network map (verkostokartta, S37) puts one person in the middle and
everyone else in concentric rings by closeness — trusted and familiar
inside, acquainted in the middle, barely known outside — and in sectors by
kind of organisation, as in network-map work with individuals.
"""

from __future__ import annotations

import enum
import math
import textwrap
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from analysis.figures import DPI
from model import OrgKind, Status
from verkosto import i18n
from verkosto.i18n import N_, _, ngettext

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

LARGE_PALETTE = "tab20"
SMALL_PALETTE_SIZE = 10
LARGE_PALETTE_SIZE = 20

STATUS_ORDER = ("active", "peripheral", "dormant", "left")
"""Participant status words, as ``Participant.status`` names them."""

RING_MARGIN = 0.1
"""Empty margin at the inner and outer edge of each map ring (layout units)."""

CENTRE_CLEARANCE = 0.4
"""The innermost ring keeps this radius free around the centre person and its label."""

LEGEND_COLUMN_INCHES = 2.6
"""Width of one legend column (inches): as many columns as fit under the panels."""


class Ring(enum.IntEnum):
    """Rings of the network map, from the centre out."""

    CLOSE = 0  # trusts and knows well
    ACQUAINTED = 1  # knows well enough to work with
    DISTANT = 2  # barely known

    @property
    def label(self) -> str:
        """Plain-language name of the ring."""
        return _({0: N_("close: knows and trusts"), 1: N_("acquainted"),
                  2: N_("barely known")}[self.value])


@dataclass(frozen=True)
class NetworkSnapshot:
    """Who is in the network and who trusts whom, at one week.

    Attributes:
        step: The week.
        slot: Participant slots (present people, by slot).
        uid: Their agents' ``unique_id`` (what the layout seats).
        organisation: Organisation index of each.
        kind: Organisation kind name of each.
        commitment: Commitment of each.
        active: Whether each is active.
        status: Status word of each (active, peripheral, dormant).
        resident: Whether each is a resident or client representative.
        edges: Trust ties as (slot i, slot j, mean trust), from ``model.trust_edges()``.
        n_organisations: Organisations in the network.
        left_uid: ``unique_id`` of people who have left (drawn as crosses).
        left_organisation: Their organisation indices.
    """

    step: int
    slot: np.ndarray
    uid: np.ndarray
    organisation: np.ndarray
    kind: tuple[str, ...]
    commitment: np.ndarray
    active: np.ndarray
    status: tuple[str, ...]
    resident: np.ndarray
    edges: tuple[np.ndarray, np.ndarray, np.ndarray]
    n_organisations: int
    left_uid: np.ndarray
    left_organisation: np.ndarray


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


def snapshot(model: object) -> NetworkSnapshot:
    """Record the model's trust network now."""
    everyone = sorted(model.participants, key=lambda a: a.slot)
    people = [a for a in everyone if status_name(a) != "left"]
    gone = [a for a in everyone if status_name(a) == "left"]
    i, j, w = model.trust_edges()
    return NetworkSnapshot(
        step=int(model.steps),
        slot=np.array([a.slot for a in people], dtype=np.int64),
        uid=np.array([a.unique_id for a in people], dtype=np.int64),
        organisation=np.array([a.organisation.index for a in people], dtype=np.int64),
        kind=tuple(_kind_name(a.organisation.kind) for a in people),
        commitment=np.array([a.commitment for a in people], dtype=float),
        active=np.array([a.status is Status.ACTIVE for a in people], dtype=bool),
        status=tuple(status_name(a) for a in people),
        resident=np.array([bool(getattr(a, "is_resident", False)) for a in people],
                          dtype=bool),
        edges=(np.asarray(i), np.asarray(j), np.asarray(w, dtype=float)),
        n_organisations=len({o.index for o in model.organisations}),
        left_uid=np.array([a.unique_id for a in gone], dtype=np.int64),
        left_organisation=np.array([a.organisation.index for a in gone], dtype=np.int64),
    )


def capture(model: object, steps: Iterable[int]) -> list[NetworkSnapshot]:
    """Run ``model`` forward and record its trust network at each of ``steps``.

    A step already passed is recorded as it is now; if the network ends before
    a step, the last state is recorded for it (its ``step`` says which week).
    """
    out = []
    for target in sorted(set(steps)):
        while model.steps < target and model.running:
            model.step()
        out.append(snapshot(model))
    return out


KIND_WORDS: dict[str, str] = {
    "public service": N_("public service"),
    "ngo": N_("NGO"),
    "school": N_("school"),
    "employer": N_("employer"),
    "parish": N_("parish"),
    "resident association": N_("resident association"),
}
"""Words for the kinds of organisation (``model.OrgKind``), as figures show them."""


def _kind_name(kind: object) -> str:
    return OrgKind(int(kind)).name.lower().replace("_", " ")


def kind_word(kind: str) -> str:
    """A kind of organisation (``public service``) in the current language."""
    return _(KIND_WORDS[kind]) if kind in KIND_WORDS else kind


def organisation_colour(index: int) -> tuple[float, float, float, float]:
    """Colour of an organisation, from a qualitative palette (the same in every view).

    The colour follows the organisation's index alone: the ten colours of ``tab10``
    first, then their ten light variants (the odd colours of ``tab20``), then round
    again. Choosing the palette by the number of organisations repainted every
    organisation when recruits brought in the eleventh (the default network on the
    dashboard, week 243 with seed 1), and gave one organisation two colours in two
    networks side by side.

    Args:
        index: The organisation's index.

    Returns:
        An RGBA tuple.
    """
    k = index % LARGE_PALETTE_SIZE
    slot = 2 * k if k < SMALL_PALETTE_SIZE else 2 * (k - SMALL_PALETTE_SIZE) + 1
    return colormaps[LARGE_PALETTE](slot)


def _sunflower(k: int, spacing: float) -> tuple[float, float]:
    """Position of seat ``k`` on a sunflower spiral with the given spacing."""
    radius = spacing * math.sqrt(k + 0.5)
    angle = k * GOLDEN_ANGLE
    return radius * math.cos(angle), radius * math.sin(angle)


@dataclass
class StableLayout:
    """Positions that stay put from week to week.

    Call :meth:`seat` with the people present now (unique id and organisation
    index); people keep their seats, people who are gone free theirs, and
    newcomers take the lowest free seat of their organisation.
    """

    seats: dict[int, dict[int, int]] = field(default_factory=dict)
    """organisation index -> {seat number -> agent unique_id}."""
    positions: dict[int, tuple[float, float]] = field(default_factory=dict)
    """agent unique_id -> (x, y)."""
    extent: float = 0.0
    """Largest |coordinate| seen so far; the view only ever grows."""

    def seat(self, people: Iterable[tuple[int, int]]) -> dict[int, tuple[float, float]]:
        """Seat people given as (unique id, organisation index); positions by unique id."""
        present = dict(people)
        for seats in self.seats.values():
            for number, uid in list(seats.items()):
                if uid not in present:
                    del seats[number]
                    self.positions.pop(uid, None)
        for uid, org in sorted(present.items()):
            if uid in self.positions:
                continue
            seats = self.seats.setdefault(int(org), {})
            number = next(k for k in range(len(seats) + 1) if k not in seats)
            seats[number] = uid
            ox, oy = _sunflower(int(org), ORG_SPACING)
            px, py = _sunflower(number, PERSON_SPACING)
            self.positions[uid] = (ox + px, oy + py)
            self.extent = max(self.extent, abs(ox + px), abs(oy + py))
        return {uid: self.positions[uid] for uid in present}

    def update(self, participants: Iterable[Any]) -> dict[int, tuple[float, float]]:
        """Seat the given participant agents and return their positions by unique_id."""
        return self.seat((p.unique_id, int(p.organisation.index)) for p in participants)


_LAYOUTS: weakref.WeakKeyDictionary[Any, StableLayout] = weakref.WeakKeyDictionary()


def layout_for(model: Any) -> StableLayout:
    """The stable layout belonging to one model instance (created on first use)."""
    layout = _LAYOUTS.get(model)
    if layout is None:
        layout = StableLayout()
        _LAYOUTS[model] = layout
    return layout


def draw_snapshot(ax: Axes, snap: NetworkSnapshot, layout: StableLayout,
                  title: bool = True) -> None:
    """Draw one week of the trust network on ``ax`` (cleared first); see the module doc."""
    people = [*zip(snap.uid.tolist(), snap.organisation.tolist(), strict=True),
              *zip(snap.left_uid.tolist(), snap.left_organisation.tolist(), strict=True)]
    positions = layout.seat(people)
    ax.clear()
    ax.set_aspect("equal")
    ax.set_axis_off()
    reach = layout.extent + LAYOUT_MARGIN
    ax.set_xlim(-reach, reach)
    ax.set_ylim(-reach, reach)
    slot_xy = {int(s): positions[int(u)] for s, u in zip(snap.slot, snap.uid, strict=True)}
    i, j, w = snap.edges
    keep = [k for k in range(len(i)) if int(i[k]) in slot_xy and int(j[k]) in slot_xy]
    if keep:
        segments = [(slot_xy[int(i[k])], slot_xy[int(j[k])]) for k in keep]
        weights = np.clip(np.asarray(w, dtype=float)[keep], 0.0, 1.0)
        colours = [to_rgba(EDGE_COLOUR, EDGE_ALPHA_MIN + (EDGE_ALPHA_MAX - EDGE_ALPHA_MIN) * x)
                   for x in weights]
        ax.add_collection(LineCollection(segments, linewidths=EDGE_WIDTH_MAX * weights,
                                         colors=colours, zorder=1))
    groups: dict[tuple[str, bool], list[int]] = {}
    for k, (name, resident) in enumerate(zip(snap.status, snap.resident, strict=True)):
        groups.setdefault((name, bool(resident)), []).append(k)
    for (name, resident), members in groups.items():
        _draw_people(ax, name, RESIDENT_MARKER if resident else PERSON_MARKER,
                     np.array([slot_xy[int(snap.slot[k])] for k in members]),
                     NODE_SIZE_MIN + NODE_SIZE_PER_COMMITMENT * snap.commitment[members],
                     [organisation_colour(int(snap.organisation[k])) for k in members])
    if snap.left_uid.size:
        xy = np.array([positions[int(u)] for u in snap.left_uid])
        _draw_people(ax, "left", PERSON_MARKER, xy, np.full(len(xy), NODE_SIZE_MIN), [])
    if not snap.slot.size:
        # On a pale box above the crosses of those who left, which fill the middle too.
        ax.text(0.5, 0.5, _("no one is left in the network"), ha="center", va="center",
                transform=ax.transAxes, zorder=NOTICE_ZORDER, bbox=NOTICE_BOX)
    if title:
        # Numbers as sentences and axes write them (week 1,200; 1 200 in Finnish).
        number = i18n.current().number
        ties = ngettext("{n} trust tie", "{n} trust ties", len(i)).format(n=number(len(i), 0))
        # Wrapped: three panels side by side leave about this many characters each, and the
        # Finnish counts are longer than the English ones.
        ax.set_title(textwrap.fill(_("week {week}: {active} active of {present} present, "
                                     "{ties}").format(week=number(snap.step, 0),
                                                      active=number(int(snap.active.sum()), 0),
                                                      present=number(snap.slot.size, 0),
                                                      ties=ties),
                                   SNAPSHOT_TITLE_WIDTH), fontsize="medium")


def draw_network(ax: Axes, model: Any, layout: StableLayout | None = None,
                 title: bool = False) -> None:
    """Draw participants and trust ties of a running ``model`` on ``ax``.

    Args:
        ax: The axes to draw on (cleared first).
        model: A ``NetworkModel``.
        layout: Positions to use; defaults to the model's own stable layout.
        title: Put the week and counts of people and ties above the drawing.
    """
    draw_snapshot(ax, snapshot(model), layout if layout is not None else layout_for(model),
                  title=title)


def _draw_people(ax: Axes, status: str, marker: str, xy: np.ndarray, sizes: np.ndarray,
                 colours: list[Any]) -> None:
    """Scatter one group of people who share a status and a marker."""
    if status == "active":
        ax.scatter(xy[:, 0], xy[:, 1], s=sizes, c=colours, marker=marker, edgecolors="white",
                   linewidths=0.8, zorder=3)
    elif status == "peripheral":
        pale = [(r, g, b, PERIPHERAL_ALPHA) for r, g, b, _alpha in colours]
        ax.scatter(xy[:, 0], xy[:, 1], s=sizes, c=pale, marker=marker, edgecolors=colours,
                   linewidths=1.0, zorder=3)
    elif status == "dormant":
        ax.scatter(xy[:, 0], xy[:, 1], s=sizes, facecolors="none", marker=marker,
                   edgecolors=colours, linewidths=1.5, linestyles="--", zorder=2)
    else:
        ax.scatter(xy[:, 0], xy[:, 1], s=NODE_SIZE_MIN, marker="x", c=DEPARTED_COLOUR,
                   linewidths=1.2, zorder=2)


NOTICE_ZORDER = 4
"""Drawing order of a notice written over the network (above every person's marker)."""

NOTICE_BOX = {"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "none",
              "alpha": 0.9}
"""The box a notice over the network is written on, so that no marker runs through it."""

SNAPSHOT_TITLE_WIDTH = 34
"""Characters per line of a week's title above one drawing of the network."""

LEGEND_LABEL_WIDTH = 18
"""Characters per line of a status legend entry (a long Finnish label wraps, not clips)."""


def legend_handles(t: i18n.Translator | None = None) -> list[Line2D]:
    """How statuses, residents and ties are drawn, as legend entries.

    Args:
        t: The translator (the dashboard's and an animation's own); default the current one.
    """
    t = t or i18n.current()
    grey = "#546e7a"
    return [
        Line2D([], [], marker="o", linestyle="", color=grey, markersize=8,
               label=i18n.status_word("active", t)),
        Line2D([], [], marker="o", linestyle="", markerfacecolor=to_rgba(grey, PERIPHERAL_ALPHA),
               markeredgecolor=grey, markersize=8, label=i18n.status_word("peripheral", t)),
        Line2D([], [], marker="o", linestyle="", markerfacecolor="none", markeredgecolor=grey,
               markersize=8, label=i18n.status_word("dormant", t)),
        Line2D([], [], marker="x", linestyle="", color=DEPARTED_COLOUR, markersize=7,
               label=i18n.status_word("left", t)),
        Line2D([], [], marker=RESIDENT_MARKER, linestyle="", color=grey, markersize=7,
               label=textwrap.fill(t("resident or client representative"), LEGEND_LABEL_WIDTH)),
        Line2D([], [], color=EDGE_COLOUR, linewidth=EDGE_WIDTH_MAX / 2, label=t("trust tie")),
    ]


def status_legend(ax: Axes, t: i18n.Translator | None = None) -> None:
    """Add a legend explaining how statuses and ties are drawn, to the right of the network."""
    ax.legend(handles=legend_handles(t), loc="center left", bbox_to_anchor=(1.0, 0.5),
              frameon=False, fontsize="small", handletextpad=0.3)


def trust_network_figure(snapshots: Sequence[NetworkSnapshot], title: str = "") -> Figure:
    """The trust network at several weeks, side by side, on one stable layout."""
    n = max(1, len(snapshots))
    fig = Figure(figsize=(3.6 * n, 4.4), layout="constrained", dpi=DPI)
    axes = np.atleast_1d(fig.subplots(1, n))
    layout = StableLayout()
    for snap in snapshots:  # seat everyone first, so that the view fits all weeks
        layout.seat([*zip(snap.uid.tolist(), snap.organisation.tolist(), strict=True),
                     *zip(snap.left_uid.tolist(), snap.left_organisation.tolist(),
                          strict=True)])
    for ax, snap in zip(axes, snapshots, strict=False):
        draw_snapshot(ax, snap, layout)
    if snapshots:
        last = snapshots[-1]
        seen: dict[int, str] = {}
        for o, k in zip(last.organisation, last.kind, strict=True):
            seen.setdefault(int(o), k)
        handles = [Line2D([], [], marker="o", linestyle="",
                          color=organisation_colour(o),
                          label=_("organisation {number} ({kind})").format(
                              number=o + 1, kind=kind_word(k)))
                   for o, k in sorted(seen.items())]
        handles += legend_handles()
        width = fig.get_figwidth()
        fig.legend(handles=handles, loc="outside lower center", fontsize="x-small",
                   ncols=max(1, min(len(handles), int(width / LEGEND_COLUMN_INCHES))))
    fig.suptitle(title or _("The trust network over time (colour: organisation; size: "
                            "commitment; line width: trust)"), fontsize="medium")
    return fig


@dataclass(frozen=True)
class NetworkMap:
    """One participant's network map (S37).

    Attributes:
        slot: The participant in the centre.
        step: The week.
        kind: Kind of the centre person's organisation.
        people: One row per other present person: ``slot``, ``organisation``,
            ``kind``, ``familiarity``, ``trust`` (the centre's trust in them),
            ``closeness`` (mean of the two) and ``ring`` (a :class:`Ring`).
    """

    slot: int
    step: int
    kind: str
    people: pd.DataFrame


def network_map(model: object, slot: int) -> NetworkMap:
    """Closeness of everyone else to participant ``slot``, as rings of a network map.

    Rings use the model's own thresholds: close means trust at or above the
    tie threshold and familiarity at or above the acquaintance threshold;
    acquainted means familiarity at or above the acquaintance threshold.

    Raises:
        ValueError: ``slot`` is not a present participant.
    """
    people = {a.slot: a for a in model.participants if a.status is not Status.LEFT}
    if slot not in people:
        raise ValueError(f"participant slot {slot} is not in the network "
                         f"(present slots: {sorted(people)[:10]}...)")
    others = np.array(sorted(s for s in people if s != slot), dtype=np.int64)
    fam, trust = model.rel.block(np.array([slot]), others, model.steps)
    fam, trust = fam[0], trust[0]
    p = model.params
    close = (trust >= p.tie_threshold) & (fam >= p.acquaintance_threshold)
    acquainted = fam >= p.acquaintance_threshold
    ring = np.where(close, Ring.CLOSE, np.where(acquainted, Ring.ACQUAINTED, Ring.DISTANT))
    frame = pd.DataFrame({
        "slot": others,
        "organisation": [people[s].organisation.index for s in others],
        "kind": [_kind_name(people[s].organisation.kind) for s in others],
        "familiarity": fam,
        "trust": trust,
        "closeness": 0.5 * (fam + trust),
        "ring": ring.astype(int),
    })
    return NetworkMap(int(slot), int(model.steps), _kind_name(people[slot].organisation.kind),
                      frame)


def network_map_figure(nmap: NetworkMap, title: str = "") -> Figure:
    """Draw a network map: the person in the middle, rings by closeness, sectors by kind."""
    fig = Figure(figsize=(6.4, 6.4), layout="constrained", dpi=DPI)
    ax = fig.subplots()
    people = nmap.people
    kinds = sorted(set(people["kind"]) | {nmap.kind})
    sector = 2 * math.pi / len(kinds)
    for r in Ring:
        ax.add_patch(_circle(r.value + 1, fill=r is Ring.CLOSE))
        ax.text(0, r.value + 1 - 0.12, r.label, ha="center", va="top", fontsize="x-small",
                color="dimgray")
    for k, kind in enumerate(kinds):
        a0 = k * sector
        ax.plot([0, len(Ring) * math.cos(a0)], [0, len(Ring) * math.sin(a0)], color="lightgray",
                linewidth=0.8, zorder=0)
        mid = a0 + sector / 2
        ax.text((len(Ring) + 0.35) * math.cos(mid), (len(Ring) + 0.35) * math.sin(mid),
                kind_word(kind).replace(" ", "\n"), ha="center", va="center", fontsize="small",
                weight="bold")
    for k, kind in enumerate(kinds):
        part = people[people["kind"] == kind].sort_values(["ring", "closeness"],
                                                          ascending=[True, False])
        for ring, group in part.groupby("ring"):
            m = len(group)
            for q, (_index, row) in enumerate(group.iterrows()):
                ang = k * sector + sector * (q + 0.5) / m
                # Ring k spans radii k..k+1; within it, closer people sit nearer the centre.
                inner = CENTRE_CLEARANCE if ring == Ring.CLOSE else RING_MARGIN
                radius = ring + inner + (1 - inner - RING_MARGIN) * (1 - row["closeness"])
                x, y = radius * math.cos(ang), radius * math.sin(ang)
                if ring == Ring.CLOSE:
                    ax.plot([0, x], [0, y], color="dimgray", linewidth=0.8, zorder=1)
                ax.scatter([x], [y], s=60, color=organisation_colour(int(row["organisation"])),
                           edgecolors="black", linewidths=0.4, zorder=2)
    ax.scatter([0], [0], s=220, c="black", zorder=3)
    ax.text(0, -0.12, _("this person"), ha="center", va="top", fontsize="small", zorder=4,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1.0})
    lim = len(Ring) + 0.9
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.axis("off")
    counts = people["ring"].value_counts()
    number = i18n.current().number  # week 1,200 as the snapshot's title writes it
    ax.set_title(title or _("Network map of one participant ({kind}), week {week}\n{close} "
                            "close, {acquainted} acquainted, {distant} barely known").format(
        kind=kind_word(nmap.kind), week=number(nmap.step, 0),
        close=number(counts.get(Ring.CLOSE, 0), 0),
        acquainted=number(counts.get(Ring.ACQUAINTED, 0), 0),
        distant=number(counts.get(Ring.DISTANT, 0), 0)), fontsize="medium")
    return fig


def _circle(radius: float, fill: bool) -> object:
    from matplotlib.patches import Circle

    return Circle((0, 0), radius, fill=fill, facecolor="#eef5ee" if fill else "none",
                  edgecolor="gray", linewidth=0.8, zorder=0)
