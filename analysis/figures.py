"""Figures for researchers and planners, titled and labelled in plain language.

Every text a figure shows (titles, axis labels, legends, outcome and parameter
names) is in the language chosen with ``--lang`` (:mod:`verkosto.i18n`); long
Finnish words are wrapped rather than clipped.

Every function returns a ``matplotlib.figure.Figure`` built without pyplot,
so no global backend or state is touched (figures render with the Agg
canvas); :func:`save` writes it as PNG and SVG and :func:`data_uri` embeds it
in a self-contained HTML page.
"""

from __future__ import annotations

import base64
import io
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import rcParams
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import Bbox, IdentityTransform

from analysis.intervals import OUTCOME_ORDER
from analysis.text import fixed, number, pct, tick_formatter
from analysis.tipping import MAX_DISTINCT, TippingPoint
from model import PARAMETERS, Outcome
from verkosto import i18n
from verkosto.i18n import N_, _, ngettext

FORMATS = ("png", "svg")
"""Formats :func:`save` writes."""

DPI = 110
"""Resolution of PNG figures (dots per inch): sharp on screen, small in a report."""

PANEL_SIZE = (4.6, 3.0)
"""Width and height of one panel (inches)."""

BAND_ALPHA = 0.25
"""Opacity of interquartile bands."""

QUARTILES = (0.25, 0.5, 0.75)
"""Lower quartile, median and upper quartile of time-series bands."""

HEATMAP_BINS = 5
"""Bins per axis of a heatmap over a parameter with many values."""

_PREFERRED_COLOURS: dict[str, str] = {
    "thriving": "#2e7d32",
    "fragmented": "#8e24aa",
    "smouldering": "#ef6c00",
    "fading": "#c0a000",
    "faded": "#757575",
    "completed": "#1565c0",
}
_SPARE_COLOURS = ("#8e24aa", "#00838f", "#6d4c41", "#d81b60", "#546e7a", "#9e9d24")


def _outcome_colours() -> dict[str, str]:
    """A colour for every class of ``model.Outcome``: a fitting one where chosen, else a
    distinct spare, so that a class added to the model is drawn without a code change.
    """
    spare = iter(c for c in _SPARE_COLOURS if c not in _PREFERRED_COLOURS.values())
    return {o.value: _PREFERRED_COLOURS.get(o.value) or next(spare, "#000000") for o in Outcome}


OUTCOME_COLOURS: dict[str, str] = _outcome_colours()
"""One colour per outcome class, the same in every figure."""

MAIN_REPORTERS: tuple[str, ...] = ("active_share", "network_trust", "network_commitment",
                                   "trust_ties_per_seat", "knowledge_coverage",
                                   "coordination_spent_eur")
"""The time series a report or comparison shows first: network-level measures over the
seats (an empty seat counts as a stranger), so that a network losing its people is seen to
lose them (means among the active would rise as a network dies)."""

REPORTER_LABELS: dict[str, str] = {
    "active": N_("Active participants (people)"),
    "present": N_("Participants still in the network (people)"),
    "active_share": N_("Share of seats held by active people"),
    "mean_familiarity": N_("Mean familiarity between active people (0-1)"),
    "mean_trust": N_("Mean trust between active people (0-1)"),
    "mean_commitment": N_("Mean commitment of active people (0-1)"),
    "mean_commitment_all": N_("Mean commitment of all present people (0-1)"),
    "trust_density": N_("Share of pairs with a trust tie"),
    "largest_component_share": N_("Share of active people in the largest trust group"),
    "cross_org_ties": N_("Trust ties across organisations"),
    # Over the organisations that still have someone present: it rises as a network shrinks
    # to a few who know each other, so the label says so.
    "knowledge_coverage": N_("How well the organisations still present know each other (0-1)"),
    "meetings_held": N_("Network meetings held so far"),
    "coordination_spent_eur": N_("Coordination money spent so far (EUR)"),
    "goal_progress": N_("Progress towards the goal (0-1)"),
    "value_created": N_("Value created per recording"),
    "breaches": N_("Trust breaches per recording"),
    "innovations": N_("New practices invented so far"),
    "hidden_cost_eur": N_("Participants' own hours so far (EUR, hidden cost)"),
    "network_familiarity": N_("Familiarity over all seats (0-1; empty seat: stranger)"),
    "network_trust": N_("Trust over all seats (0-1; empty seat: stranger)"),
    "network_commitment": N_("Commitment per seat (0-1; empty seat: 0)"),
    "trust_ties_per_seat": N_("Trust ties per seat"),
    "relationships_kept": N_("Share of starting relationships kept"),
    "dialogue_skill": N_("Dialogue skill of the people present (0-1)"),
}
"""Plain-language axis labels of the model reporters (English msgids; see :func:`reporter_label`)."""

UNIT_REPORTERS = frozenset({"active_share", "mean_familiarity", "mean_trust", "mean_commitment",
                            "mean_commitment_all", "trust_density", "largest_component_share",
                            "knowledge_coverage", "goal_progress", "network_familiarity",
                            "network_trust", "network_commitment", "relationships_kept",
                            "dialogue_skill"})
"""Reporters on a 0-1 scale: their axes run from 0 to 1, so that small gaps are not magnified."""


LABEL_WIDTH = 46
"""Characters per line of a wrapped axis label (long labels wrap rather than being cut off)."""

LEGEND_INCHES_PER_CHAR = 0.068
"""Width of one character of a small legend label (inches), to fit legend columns."""

TITLE_INCHES_PER_CHAR = 0.085
"""Width of one character of a medium-sized title (inches), to wrap a title to its figure."""

TITLE_WIDTH = 60
"""Characters per line of a wrapped panel or figure title."""


def wrap(text: str, width: int = TITLE_WIDTH) -> str:
    """Wrap each line of ``text`` at ``width`` characters (a Finnish title is longer)."""
    return "\n".join(textwrap.fill(line, width) for line in text.split("\n"))


def outcome_word(outcome: str) -> str:
    """An outcome class (``thriving``) in the current language (``kukoistava``)."""
    return i18n.outcome_name(outcome)


def parameter_label(name: str) -> str:
    """A parameter's plain-language description and unit, from its declaration."""
    info = PARAMETERS.get(name)
    if info is None:
        return name.replace("_", " ")
    unit = f" ({i18n.unit_name(info.unit)})" if info.unit and info.unit not in ("flag", "") else ""
    return f"{i18n.param_doc(name)}{unit}"


def parameter_heading(name: str) -> str:
    """A table column heading for a parameter: its name and unit (``facilitation (0-1)``)."""
    info = PARAMETERS.get(name)
    if info is None or not info.unit or info.unit == "flag":
        return name
    return f"{name} ({i18n.unit_name(info.unit)})"


def axis_label(name: str, width: int = LABEL_WIDTH) -> str:
    """A parameter's axis label, wrapped onto lines of at most ``width`` characters."""
    return textwrap.fill(parameter_label(name), width)


SHORT_LABELS: dict[str, str] = {
    "active_share": N_("active share"),
    "network_trust": N_("network trust"),
    "network_familiarity": N_("network familiarity"),
    "network_commitment": N_("commitment per seat"),
    "trust_ties_per_seat": N_("trust ties per seat"),
    "knowledge_coverage": N_("knowledge coverage (organisations present)"),
    "coordination_spent_eur": N_("coordination spent so far (EUR)"),
}
"""Short names of the main reporters, for the headings of a table printed in a terminal."""


def short_label(name: str) -> str:
    """A reporter's short name for a table heading (its key where it has none)."""
    return _(SHORT_LABELS[name]) if name in SHORT_LABELS else name


def reporter_label(name: str) -> str:
    """A reporter's plain-language label."""
    if name in REPORTER_LABELS:
        return _(REPORTER_LABELS[name])
    return name.replace("_", " ").capitalize()


def _figure(n_panels: int = 1, columns: int = 1) -> tuple[Figure, np.ndarray]:
    rows = max(1, -(-n_panels // columns))
    fig = Figure(figsize=(PANEL_SIZE[0] * columns, PANEL_SIZE[1] * rows + 0.4),
                 layout="constrained", dpi=DPI)
    axes = np.atleast_1d(fig.subplots(rows, columns, squeeze=False).ravel())
    for ax in axes[n_panels:]:
        ax.set_visible(False)
    return fig, axes


def localise_ticks(fig: Figure) -> None:
    """Write the numbers on the figure's axes as the current language writes them
    (``2,000`` and ``0.5`` in English, ``2 000`` and ``0,5`` in Finnish: :func:`tick_formatter`);
    axes with text labels or a formatter of their own are left as they are.
    """
    from matplotlib.ticker import ScalarFormatter

    for ax in fig.get_axes():
        for axis in (ax.xaxis, ax.yaxis):
            if type(axis.get_major_formatter()) is ScalarFormatter:
                axis.set_major_formatter(tick_formatter())


def save(fig: Figure, stem: str | Path, png: bytes | None = None) -> list[Path]:
    """Write ``fig`` as ``stem.png`` and ``stem.svg``; return the paths.

    Args:
        fig: The figure.
        stem: Path without suffix.
        png: The figure already rendered as PNG (saves rendering it again).
    """
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    localise_ticks(fig)
    paths = []
    for fmt in FORMATS:
        path = stem.with_suffix(f".{fmt}")
        if fmt == "png" and png is not None:
            path.write_bytes(png)
        else:
            fig.savefig(path, format=fmt, dpi=DPI)
        paths.append(path)
    return paths


def image_bytes(fig: Figure, fmt: str = "png") -> bytes:
    """The figure rendered in ``fmt`` (png or svg)."""
    buf = io.BytesIO()
    localise_ticks(fig)
    fig.savefig(buf, format=fmt, dpi=DPI)
    return buf.getvalue()


def data_uri(fig: Figure | bytes, fmt: str = "png") -> str:
    """The figure (or its rendered bytes) as a base64 ``data:`` URI for ``<img src=...>``."""
    mime = "image/svg+xml" if fmt == "svg" else f"image/{fmt}"
    raw = fig if isinstance(fig, bytes) else image_bytes(fig, fmt)
    return f"data:{mime};base64,{base64.b64encode(raw).decode('ascii')}"


def timeseries_bands(timeseries: pd.DataFrame, groups: Mapping[object, str] | pd.Series,
                     reporters: Sequence[str] = MAIN_REPORTERS, title: str = "",
                     columns: int = 2, colours: Mapping[str, str] | None = None) -> Figure:
    """Median and interquartile band of reporters over time, one line per group.

    Args:
        timeseries: Columns ``run_id``, ``step`` and the reporters.
        groups: Label of each run (run id -> scenario, cell or outcome).
        reporters: Reporters to draw, one panel each (missing ones are skipped).
        title: Figure title.
        columns: Panels per row.
        colours: Colour per group label (default: matplotlib's cycle).

    Returns:
        The figure.
    """
    reporters = [r for r in reporters if r in timeseries.columns]
    labels = pd.Series(groups) if not isinstance(groups, pd.Series) else groups
    ts = timeseries.assign(_group=timeseries["run_id"].map(labels)).dropna(subset=["_group"])
    fig, axes = _figure(len(reporters), min(columns, max(1, len(reporters))))
    order = list(dict.fromkeys(labels.loc[labels.index.isin(ts["run_id"].unique())]))
    for ax, rep in zip(axes, reporters, strict=False):
        for k, label in enumerate(order):
            part = ts[ts["_group"] == label]
            q = part.groupby("step")[rep].quantile(list(QUARTILES)).unstack()
            colour = (colours or {}).get(label, f"C{k % 10}")
            runs = part["run_id"].nunique()
            ax.fill_between(q.index, q[QUARTILES[0]], q[QUARTILES[2]], color=colour,
                            alpha=BAND_ALPHA, linewidth=0)
            ax.plot(q.index, q[QUARTILES[1]], color=colour,
                    label=ngettext("{label} ({n} run)", "{label} ({n} runs)", runs).format(
                        label=label, n=runs))
        ax.set_title(wrap(reporter_label(rep), 44), fontsize="medium")
        if rep in UNIT_REPORTERS:
            ax.set_ylim(0.0, 1.02)
        else:
            ax.set_ylim(bottom=0.0)
        ax.set_xlabel(_("week"))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # weeks are whole: no "2.5"
        ax.grid(alpha=0.3)
    if reporters and order:
        handles, labels = axes[0].get_legend_handles_labels()
        # As many columns as the longest label leaves room for: a long cell label (or its
        # Finnish form) must not run off the figure's edges.
        longest = max(len(label) for label in labels)
        fitting = int(fig.get_figwidth() / (LEGEND_INCHES_PER_CHAR * longest + 0.6))
        fig.legend(handles, labels, loc="outside lower center", fontsize="small",
                   ncols=max(1, min(3, len(labels), fitting)),
                   title=_("line: median; band: middle half of runs"), title_fontsize="small")
    fig.suptitle(wrap(title or _("How the networks developed over time"), 90))
    return fig


def outcome_bars(table: pd.DataFrame, group: str, title: str = "") -> Figure:
    """Probability of each outcome per group, with interval whiskers.

    One panel per outcome that occurs at all; one horizontal bar per group,
    so that long group labels stay readable.

    Args:
        table: Output of :func:`analysis.intervals.outcome_table` grouped by ``group``.
        group: Column naming the group (scenario or cell label).
        title: Figure title.
    """
    groups = list(dict.fromkeys(table[group]))
    seen = table.groupby(table["outcome"].astype(str))["count"].sum()
    outcomes = [o for o in OUTCOME_ORDER if seen.get(o, 0) > 0] or [OUTCOME_ORDER[0]]
    label_width = max(len(str(g)) for g in groups) * 0.065
    fig = Figure(figsize=(label_width + 2.2 * len(outcomes), 1.2 + 0.32 * len(groups)),
                 layout="constrained", dpi=DPI)
    axes = np.atleast_1d(fig.subplots(1, len(outcomes), sharey=True))
    y = np.arange(len(groups))[::-1]
    for ax, outcome in zip(axes, outcomes, strict=True):
        part = table[table["outcome"].astype(str) == outcome].set_index(group).reindex(groups)
        p = part["probability"].to_numpy(dtype=float)
        err = np.vstack([p - part["low"].to_numpy(dtype=float),
                         part["high"].to_numpy(dtype=float) - p])
        ax.barh(y, p, xerr=err, capsize=2, color=OUTCOME_COLOURS.get(outcome, "C0"),
                error_kw={"linewidth": 0.8})
        ax.set_xlim(0, 1)
        ax.set_title(wrap(outcome_word(outcome), 22), fontsize="medium")
        ax.set_xlabel(_("probability"))
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(y, [str(g) for g in groups], fontsize="small")
    fig.suptitle(wrap(title or _("How the networks ended (bars: share of runs; whiskers: "
                                 "interval)"), 30 + 28 * len(outcomes)), fontsize="medium")
    return fig


def probability_curve_figure(curve: pd.DataFrame, parameter: str, outcome: str = "thriving",
                             tipping: TippingPoint | None = None,
                             confidence: float | None = None) -> Figure:
    """Probability of an outcome against one parameter, with its interval band."""
    fig = Figure(figsize=(PANEL_SIZE[0] + 0.8, PANEL_SIZE[1] + 0.4), layout="constrained",
                 dpi=DPI)
    ax = fig.subplots()
    colour = OUTCOME_COLOURS.get(outcome, "C0")
    ax.fill_between(curve["x"], curve["low"], curve["high"], color=colour, alpha=BAND_ALPHA,
                    linewidth=0, label=_("{confidence} interval").format(confidence=pct(confidence))
                    if confidence else _("interval"))
    ax.plot(curve["x"], curve["probability"], "o-", color=colour, label=_("share of runs"))
    if tipping is not None:
        ax.axhline(tipping.level, color="black", linewidth=0.8, linestyle=":")
        # Already past the level at the first value tried is no crossing inside the range.
        if tipping.estimate is not None and not tipping.at_edge:
            ax.axvline(tipping.estimate, color="black", linewidth=0.8, linestyle="--",
                       label=_("tipping point ≈ {value}").format(value=number(tipping.estimate)))
            if tipping.low is not None or tipping.high is not None:
                # An end open within the range runs to the edge of the values tried.
                ax.axvspan(curve["x"].min() if tipping.low is None else tipping.low,
                           curve["x"].max() if tipping.high is None else tipping.high,
                           color="black", alpha=0.07)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(axis_label(parameter))
    ax.set_ylabel(_("probability of {outcome}").format(outcome=outcome_word(outcome)))
    ax.set_title(wrap(_("Chance that the network ends {outcome}, by {parameter}").format(
        outcome=outcome_word(outcome), parameter=parameter), 50), fontsize="medium")
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    return fig


def axis_groups(values: pd.Series, bins: int) -> tuple[pd.Series, list[str]]:
    """Group labels along one heatmap axis: values as they are, or quantile bins."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values) \
            and values.nunique() > MAX_DISTINCT:
        cut = pd.qcut(values.astype(float), q=bins, duplicates="drop")
        # qcut widens the first bin below the smallest value (0 -> -0.001): label the
        # bins from the data's own minimum, in the report's number format (2,500; 2 500).
        low = float(values.min())
        labels = [number(max(float(iv.left), low)) + "–" + number(float(iv.right))
                  for iv in cut.cat.categories]
        return cut.cat.codes, labels
    uniq = sorted(values.unique(), key=lambda v: (isinstance(v, str), v))
    codes = values.map({v: i for i, v in enumerate(uniq)})
    return codes, [number(float(v)) if isinstance(v, float) else str(v) for v in uniq]


def heatmap(frame: pd.DataFrame, x: str, y: str, interesting: np.ndarray | pd.Series,
            outcome: str = "thriving", bins: int = HEATMAP_BINS) -> Figure:
    """Probability of an outcome over two parameters (cells annotated with share and runs)."""
    hit = np.asarray(interesting, dtype=bool)
    gx, lx = axis_groups(frame[x], bins)
    gy, ly = axis_groups(frame[y], bins)
    k = np.zeros((len(ly), len(lx)))
    n = np.zeros_like(k)
    np.add.at(k, (gy.to_numpy(), gx.to_numpy()), hit)
    np.add.at(n, (gy.to_numpy(), gx.to_numpy()), 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(n > 0, k / n, np.nan)
    fig = Figure(figsize=(PANEL_SIZE[0] + 1.6, PANEL_SIZE[1] + 1.2), layout="constrained",
                 dpi=DPI)
    ax = fig.subplots()
    im = ax.imshow(p, origin="lower", cmap="RdYlGn", vmin=0, vmax=1, aspect="auto")
    for (r, c), value in np.ndenumerate(p):
        if np.isfinite(value):
            ax.text(c, r, f"{pct(value)}\n({int(n[r, c])})", ha="center", va="center",
                    fontsize="x-small")
    ax.set_xticks(range(len(lx)), lx, rotation=30, ha="right", fontsize="small")
    ax.set_yticks(range(len(ly)), ly, fontsize="small")
    ax.set_xlabel(axis_label(x))
    ax.set_ylabel(axis_label(y, width=LABEL_WIDTH * 2 // 3))
    fig.colorbar(im, ax=ax, label=_("probability of {outcome}").format(outcome=outcome_word(outcome)))
    ax.set_title(wrap(_("Chance of {outcome} over {x} and {y}\n(share of runs; runs in "
                        "brackets)").format(outcome=outcome_word(outcome), x=x, y=y), 55),
                 fontsize="medium")
    return fig


def sensitivity_figure(indices: pd.DataFrame, response: str = "thriving",
                       title: str | None = None, xlabel: str | None = None) -> Figure:
    """Horizontal bars of sensitivity indices with interval whiskers.

    Args:
        indices: Columns ``parameter``, ``index`` and optionally ``low``, ``high``.
        response: What the indices explain (for the axis label).
        title: Figure title (default: which parameters matter most, first-order).
        xlabel: Axis label (default: share of variation explained).
    """
    data = indices.iloc[::-1]
    fig = Figure(figsize=(PANEL_SIZE[0] + 1.4, 0.9 + 0.35 * max(3, len(data))),
                 layout="constrained", dpi=DPI)
    ax = fig.subplots()
    s = data["index"].to_numpy(dtype=float)
    lo = data["low"].to_numpy(dtype=float) if "low" in data else s
    hi = data["high"].to_numpy(dtype=float) if "high" in data else s
    err = np.clip(np.vstack([np.nan_to_num(s - lo), np.nan_to_num(hi - s)]), 0, None)
    ax.barh(data["parameter"].astype(str), s, xerr=err, color="C0", capsize=2)
    bounded = np.append(hi, s)
    if not np.isfinite(bounded).any() or np.nanmax(bounded) <= 1.0:
        ax.set_xlim(0, 1)
    if not np.isfinite(s).any():
        # Empty bars would read as "no parameter matters"; the indices are undefined instead.
        # Every parameter keeps its row (NaN bars give the axis no extent of their own).
        ax.set_ylim(-0.5, len(data) - 0.5)
        ax.text(0.5, 0.5, wrap(_("No index could be estimated: {response} did not vary "
                                 "enough across these runs.").format(
                                     response=outcome_word(response)), 40),
                transform=ax.transAxes, ha="center", va="center", fontsize="small",
                bbox={"facecolor": "white", "edgecolor": "gray"})
    ax.set_xlabel(xlabel or _("share of the variation in {response}\n"
                              "explained by this parameter alone").format(
                                  response=outcome_word(response)))
    ax.set_title(wrap(title or _("Which parameters matter most (first-order sensitivity)"), 55),
                 fontsize="medium")
    ax.grid(axis="x", alpha=0.3)
    return fig


ZOOM_SHARE = 0.4
"""The budget figure adds a close-up when the answer lies below this share of the range."""

ZOOM_FACTOR = 2.0
"""The close-up shows budgets up to this multiple of the answer."""


COUNT_OFFSET_PT = (4.0, 3.0)
"""Where a run count starts from its point's centre (points across, down or up): clear of
the point's marker, whose radius is half of ``lines.markersize`` (3 points)."""

COUNT_GAP_PT = 1.0
"""Space between two lines of counts (points)."""


class RunCounts(Artist):
    """Run counts written beside their points, none over another or over a point.

    Written at one fixed offset from their points, counts were drawn over each other where
    the points crowd: a search point and its confirmation at one budget, or neighbouring
    budgets on the whole range. The places are chosen when the figure is drawn, with the
    axes at their final size (the layout and the tick labels are settled by then): each
    count takes the first place beside its point, right or left, below or above, then one
    line further out at a time, that stays inside the axes and meets neither a count placed
    before it nor the marker of any point.

    Args:
        points: ``(x, y, text)`` in data coordinates, in the order they are placed.
        markers: Every point drawn with a marker ``(x, y)``, in data coordinates.
        **style: Text properties of the counts (size, colour).
    """

    def __init__(self, points: Sequence[tuple[float, float, str]],
                 markers: Sequence[tuple[float, float]] = (), **style: Any):
        super().__init__()
        self.anchors = [(x, y) for x, y, _ in points]
        self.markers = list(markers)
        self.texts = [Text(0, 0, text, transform=IdentityTransform(), **style)
                      for _, _, text in points]
        # The counts stay inside the axes, so the layout need not make room for them.
        self.set_in_layout(False)

    def get_children(self) -> list[Artist]:
        """The counts' texts."""
        return list(self.texts)

    @staticmethod
    def _places(x: float, y: float, across: float, down: float, line: float,
                lines: int) -> Any:
        """Candidate (x, y, ha, va) in display units around a point, nearest first."""
        for k in range(lines):
            for side, ha in ((1, "left"), (-1, "right")):
                yield x + side * across, y - down - k * line, ha, "top"
            for side, ha in ((1, "left"), (-1, "right")):
                yield x + side * across, y + down + k * line, ha, "bottom"

    def draw(self, renderer: Any) -> None:
        """Place each count, then draw it."""
        if not self.get_visible() or self.axes is None:
            return
        frame = self.axes.bbox
        across, down, gap = (renderer.points_to_pixels(v) for v in (*COUNT_OFFSET_PT,
                                                                     COUNT_GAP_PT))
        radius = renderer.points_to_pixels(rcParams["lines.markersize"] / 2)
        placed = [Bbox.from_bounds(x - radius, y - radius, 2 * radius, 2 * radius)
                  for x, y in self.axes.transData.transform(self.markers).reshape(-1, 2)]
        for text, anchor in zip(self.texts, self.anchors, strict=True):
            text.set_figure(self.figure)
            x, y = self.axes.transData.transform(anchor)
            line = text.get_window_extent(renderer).height + gap
            lines = int(frame.height // line) + 1
            first = None
            for place in self._places(x, y, across, down, line, lines):
                text.set_position(place[:2])
                text.set_horizontalalignment(place[2])
                text.set_verticalalignment(place[3])
                box = text.get_window_extent(renderer)
                first = first or place
                inside = (frame.x0 <= box.x0 and box.x1 <= frame.x1
                          and frame.y0 <= box.y0 and box.y1 <= frame.y1)
                if inside and not any(box.overlaps(other) for other in placed):
                    break
            else:  # no free place left in the axes: the nearest place after all
                assert first is not None
                text.set_position(first[:2])
                text.set_horizontalalignment(first[2])
                text.set_verticalalignment(first[3])
                box = text.get_window_extent(renderer)
            placed.append(box)
            text.draw(renderer)
        self.stale = False


def _run_counts(data: pd.DataFrame, stages: pd.Series) -> list[tuple[float, float, str]]:
    """Each budget's runs as (budget, probability, text), budgets in ascending order.

    Where the confirmation shares its budget with a search point, the two are one count,
    the search's runs first as in the legend ("16 + 40"), beside the lower of the two points.
    """
    counts = []
    for budget, group in data.groupby("budget_eur", sort=True):
        parts = [group[stages.loc[group.index] == stage] for stage in ("search", "confirm")]
        runs = [str(int(r)) for part in parts for r in part["runs"]]
        counts.append((float(budget), float(group["probability"].min()), " + ".join(runs)))
    return counts


def _budget_panel(ax: object, data: pd.DataFrame, target: float, answer: float | None) -> None:
    stages = data["stage"] if "stage" in data else pd.Series("search", index=data.index)
    styles = {"search": ("o-", OUTCOME_COLOURS["thriving"], _("search: share of runs succeeding")),
              "confirm": ("s", "black", _("confirmation with fresh runs"))}
    for stage, (fmt, colour, label) in styles.items():
        part = data[stages == stage]
        if part.empty:
            continue
        p = part["probability"].to_numpy(dtype=float)
        err = np.clip(np.vstack([p - part["low"].to_numpy(dtype=float),
                                 part["high"].to_numpy(dtype=float) - p]), 0, None)
        ax.errorbar(part["budget_eur"], p, yerr=err, fmt=fmt, color=colour, capsize=3,
                    label=label)
    if not data.empty:
        markers = list(zip(data["budget_eur"].astype(float), data["probability"].astype(float),
                           strict=True))
        ax.add_artist(RunCounts(_run_counts(data, stages), markers, fontsize="x-small",
                                color="dimgray"))
    ax.axhline(target, color="black", linestyle=":", linewidth=1,
               label=_("target {target}").format(target=pct(target)))
    if answer is not None:
        ax.axvline(answer, color="black", linestyle="--", linewidth=1,
                   label=_("smallest budget ≈ {eur} EUR/month").format(eur=fixed(answer)))
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel(_("coordination budget (EUR per month)"))
    ax.grid(alpha=0.3)


def budget_figure(curve: pd.DataFrame, target: float, answer: float | None,
                  confidence: float, dips: Sequence[Mapping[str, float]] = (),
                  look_confidence: float | None = None, success: str = "") -> Figure:
    """Probability of success against the monthly coordination budget, as searched.

    When the answer lies low in the searched range, a second panel shows the
    budgets around it.

    Args:
        curve: Columns ``budget_eur``, ``probability``, ``low``, ``high``, ``runs`` and
            optionally ``stage`` (``search`` or ``confirm``).
        target: The target probability.
        answer: The smallest budget found (None if unreachable).
        confidence: Confidence of the one-sided decision.
        dips: Where the estimate falls as the budget rises
            (:func:`analysis.budget.estimate_dips`); the title says so.
        look_confidence: Confidence of the search's upper bounds, when it differs from
            ``confidence`` (a failure during the search is judged at a stricter level:
            ``analysis.budget``); the title then says which whisker is at which level.
        success: What counts as success, in words (a line under the title).
    """
    data = curve.sort_values("budget_eur")
    top = float(data["budget_eur"].max()) if len(data) else 0.0
    zoom = answer is not None and 0 < answer < ZOOM_SHARE * top
    fig = Figure(figsize=((PANEL_SIZE[0] + 1.4) * (1.7 if zoom else 1), PANEL_SIZE[1] + 0.8),
                 layout="constrained", dpi=DPI)
    axes = np.atleast_1d(fig.subplots(1, 2 if zoom else 1))
    _budget_panel(axes[0], data, target, answer)
    axes[0].set_ylabel(_("probability of success"))
    if zoom:
        near = data[data["budget_eur"] <= ZOOM_FACTOR * answer]
        _budget_panel(axes[1], near, target, answer)
        axes[1].set_title(_("close-up around the answer"), fontsize="medium")
        axes[0].set_title(_("whole range searched"), fontsize="medium")
    handles, labels = axes[0].get_legend_handles_labels()
    # Four entries fit in one row under two panels; under one (no close-up, e.g. an answer
    # of 0 EUR/month) they ran off both edges of the figure, so two rows there.
    wide = zoom and i18n.current().lang != "fi"
    fig.legend(handles, labels, loc="outside lower center", fontsize="small",
               ncols=min(4 if wide else 2, len(labels)))
    note = ""
    if dips:
        falls = ", ".join(_("{low} to {high}").format(low=fixed(d["from_eur"]),
                                                      high=fixed(d["to_eur"])) for d in dips)
        note = "\n" + _("not monotone: the estimate falls from {falls} EUR/month").format(
            falls=falls)
    if look_confidence is None or look_confidence == confidence:
        whiskers = _("whiskers: one-sided bounds; grey numbers: runs")
    else:
        whiskers = _("whiskers: one-sided bounds, lower at {confidence}, upper at {look} in the "
                     "search ({confidence} at the confirmation); grey numbers: runs").format(
            confidence=pct(confidence), look=pct(look_confidence))
    fig.suptitle(wrap(_("Probability of success against budget (target reached with "
                        "{confidence} confidence)").format(confidence=pct(confidence))
                      + ("\n" + success if success else "") + "\n" + whiskers + note,
                      int(fig.get_figwidth() / TITLE_INCHES_PER_CHAR)),
                 fontsize="medium")
    return fig
