"""The trust network at chosen weeks, and one participant's network map (S37).

Both read a running ``NetworkModel`` through its public surface only:
participants' ``slot``, ``organisation.index``, ``organisation.kind``,
``commitment`` and ``status``; ``model.trust_edges()`` for the trust ties; and
``model.rel.block`` for one person's familiarity and trust towards everyone.

The network map (verkostokartta, S37) puts one person in the middle and
everyone else in concentric rings by closeness — trusted and familiar
inside, acquainted in the middle, barely known outside — and in sectors by
kind of organisation, as in network-map work with individuals.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from analysis.figures import DPI
from model import OrgKind, Status

NODE_SIZE_MIN = 20.0
"""Marker area of a person with zero commitment (points squared)."""

NODE_SIZE_PER_COMMITMENT = 260.0
"""Extra marker area at full commitment (points squared)."""

EDGE_WIDTH_MAX = 3.0
"""Line width of a trust tie at full trust (points)."""

ORG_RADIUS = 1.0
"""Radius of the circle the organisations sit on (layout units)."""

PERSON_RADIUS = 0.22
"""Radius of the small circle of each organisation's people (layout units)."""

RING_MARGIN = 0.1
"""Empty margin at the inner and outer edge of each map ring (layout units)."""

LEGEND_COLUMN_INCHES = 2.6
"""Width of one legend column (inches): as many columns as fit under the panels."""

PALETTE_SIZE = 20
"""Distinct organisation colours before they repeat."""

INACTIVE_ALPHA = 0.35
"""Opacity of people who are not active (peripheral or dormant)."""


class Ring(enum.IntEnum):
    """Rings of the network map, from the centre out."""

    CLOSE = 0  # trusts and knows well
    ACQUAINTED = 1  # knows well enough to work with
    DISTANT = 2  # barely known

    @property
    def label(self) -> str:
        """Plain-language name of the ring."""
        return {0: "close: knows and trusts", 1: "acquainted", 2: "barely known"}[self.value]


@dataclass(frozen=True)
class NetworkSnapshot:
    """Who is in the network and who trusts whom, at one week.

    Attributes:
        step: The week.
        slot: Participant slots (present people).
        organisation: Organisation index of each.
        kind: Organisation kind name of each.
        commitment: Commitment of each.
        active: Whether each is active.
        edges: Trust ties as (slot i, slot j, mean trust).
        n_organisations: Organisations in the network.
    """

    step: int
    slot: np.ndarray
    organisation: np.ndarray
    kind: tuple[str, ...]
    commitment: np.ndarray
    active: np.ndarray
    edges: tuple[np.ndarray, np.ndarray, np.ndarray]
    n_organisations: int


def snapshot(model: object) -> NetworkSnapshot:
    """Record the model's trust network now."""
    people = [a for a in model.participants if a.status is not Status.LEFT]
    people.sort(key=lambda a: a.slot)
    i, j, w = model.trust_edges()
    orgs = {o.index for o in model.organisations}
    return NetworkSnapshot(
        step=int(model.steps),
        slot=np.array([a.slot for a in people], dtype=np.int64),
        organisation=np.array([a.organisation.index for a in people], dtype=np.int64),
        kind=tuple(_kind_name(a.organisation.kind) for a in people),
        commitment=np.array([a.commitment for a in people], dtype=float),
        active=np.array([a.status is Status.ACTIVE for a in people], dtype=bool),
        edges=(np.asarray(i), np.asarray(j), np.asarray(w, dtype=float)),
        n_organisations=len(orgs),
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


def _kind_name(kind: object) -> str:
    return OrgKind(int(kind)).name.lower().replace("_", " ")


def organisation_colour(index: int) -> str | tuple[float, float, float, float]:
    """A stable colour per organisation.

    The ten strong colours of matplotlib's cycle, then their light shades
    (tab20), then the cycle again.
    """
    if index % PALETTE_SIZE < PALETTE_SIZE // 2:
        return f"C{index % PALETTE_SIZE}"
    return colormaps["tab20"](2 * (index % (PALETTE_SIZE // 2)) + 1)


def layout(snap: NetworkSnapshot) -> dict[int, tuple[float, float]]:
    """Positions: organisations on a circle, each one's people on a small circle around it.

    Positions depend only on organisation index and the person's rank by slot
    within it, so the same person stays put between weeks.
    """
    pos: dict[int, tuple[float, float]] = {}
    n_org = max(1, int(snap.organisation.max()) + 1 if snap.organisation.size else 1)
    for o in np.unique(snap.organisation):
        ang = 2 * math.pi * o / n_org
        cx, cy = ORG_RADIUS * math.cos(ang), ORG_RADIUS * math.sin(ang)
        members = np.sort(snap.slot[snap.organisation == o])
        for r, s in enumerate(members):
            a = 2 * math.pi * r / max(1, members.size)
            pos[int(s)] = (cx + PERSON_RADIUS * math.cos(a), cy + PERSON_RADIUS * math.sin(a))
    return pos


def _draw_network(ax: object, snap: NetworkSnapshot) -> None:
    pos = layout(snap)
    i, j, w = snap.edges
    for a, b, weight in zip(i, j, w, strict=True):
        if int(a) in pos and int(b) in pos:
            (x0, y0), (x1, y1) = pos[int(a)], pos[int(b)]
            ax.plot([x0, x1], [y0, y1], color="dimgray", linewidth=EDGE_WIDTH_MAX * weight,
                    alpha=0.3 + 0.5 * weight, zorder=1)
    xy = np.array([pos[int(s)] for s in snap.slot]) if snap.slot.size else np.zeros((0, 2))
    colours = [organisation_colour(int(o)) for o in snap.organisation]
    sizes = NODE_SIZE_MIN + NODE_SIZE_PER_COMMITMENT * snap.commitment
    for active, alpha in ((True, 1.0), (False, INACTIVE_ALPHA)):
        m = snap.active == active
        if m.any():
            ax.scatter(xy[m, 0], xy[m, 1], s=sizes[m], color=[c for c, k in zip(colours, m,
                                                                           strict=True) if k],
                       alpha=alpha, edgecolors="black", linewidths=0.4, zorder=2)
    ax.set_title(f"week {snap.step}: {int(snap.active.sum())} active, {len(i)} trust ties",
                 fontsize="medium")
    lim = ORG_RADIUS + PERSON_RADIUS + 0.15
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.axis("off")


def trust_network_figure(snapshots: Sequence[NetworkSnapshot], title: str = "") -> Figure:
    """The trust network at several weeks, side by side.

    Organisations are colours, commitment is the size of a dot, trust is the
    width of a line; faded dots are people who are no longer active.
    """
    n = max(1, len(snapshots))
    fig = Figure(figsize=(3.4 * n, 4.0), layout="constrained", dpi=DPI)
    axes = np.atleast_1d(fig.subplots(1, n))
    for ax, snap in zip(axes, snapshots, strict=False):
        _draw_network(ax, snap)
    if snapshots:
        last = snapshots[-1]
        seen: dict[int, str] = {}
        for o, k in zip(last.organisation, last.kind, strict=True):
            seen.setdefault(int(o), k)
        handles = [Line2D([], [], marker="o", linestyle="", color=organisation_colour(o),
                          label=f"organisation {o + 1} ({k})") for o, k in sorted(seen.items())]
        handles += [Line2D([], [], color="dimgray", linewidth=EDGE_WIDTH_MAX * 0.6,
                           label="trust tie (wider: more trust)"),
                    Line2D([], [], marker="o", linestyle="", color="lightgray",
                           markeredgecolor="black", markersize=10,
                           label="bigger dot: more committed")]
        width = fig.get_figwidth()
        fig.legend(handles=handles, loc="outside lower center", fontsize="x-small",
                   ncols=max(1, min(len(handles), int(width / LEGEND_COLUMN_INCHES))))
    fig.suptitle(title or "The trust network over time (colour: organisation; size: "
                 "commitment; line width: trust)", fontsize="medium")
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
        ax.text((len(Ring) + 0.35) * math.cos(mid), (len(Ring) + 0.35) * math.sin(mid), kind,
                ha="center", va="center", fontsize="small", weight="bold")
    for k, kind in enumerate(kinds):
        part = people[people["kind"] == kind].sort_values(["ring", "closeness"],
                                                          ascending=[True, False])
        for ring, group in part.groupby("ring"):
            m = len(group)
            for q, (_, row) in enumerate(group.iterrows()):
                ang = k * sector + sector * (q + 0.5) / m
                # Ring k spans radii k..k+1; within it, closer people sit nearer the centre.
                radius = ring + RING_MARGIN + (1 - 2 * RING_MARGIN) * (1 - row["closeness"])
                x, y = radius * math.cos(ang), radius * math.sin(ang)
                if ring == Ring.CLOSE:
                    ax.plot([0, x], [0, y], color="dimgray", linewidth=0.8, zorder=1)
                ax.scatter([x], [y], s=60, color=organisation_colour(int(row["organisation"])),
                           edgecolors="black", linewidths=0.4, zorder=2)
    ax.scatter([0], [0], s=220, c="black", zorder=3)
    ax.text(0, -0.3, "this person", ha="center", va="top", fontsize="small", zorder=3)
    lim = len(Ring) + 0.9
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.axis("off")
    counts = people["ring"].value_counts()
    ax.set_title(title or (f"Network map of one participant ({nmap.kind}), week {nmap.step}\n"
                           f"{counts.get(Ring.CLOSE, 0)} close, "
                           f"{counts.get(Ring.ACQUAINTED, 0)} acquainted, "
                           f"{counts.get(Ring.DISTANT, 0)} barely known"), fontsize="medium")
    return fig


def _circle(radius: float, fill: bool) -> object:
    from matplotlib.patches import Circle

    return Circle((0, 0), radius, fill=fill, facecolor="#eef5ee" if fill else "none",
                  edgecolor="gray", linewidth=0.8, zorder=0)
