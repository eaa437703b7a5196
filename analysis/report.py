"""A sweep's report: one self-contained HTML file and a Markdown twin.

:func:`write_report` reads a sweep directory and writes ``DIR/report.html``
(figures embedded as base64 ``data:`` URIs, styles inline: it opens offline,
sent as one file) and ``DIR/report.md`` (figures as PNG and SVG files in
``DIR/figures/``). Sections, in order: the sweep's question; how the networks
ended, with intervals; how they developed over time; the probability of
thriving along each parameter and over two; which parameters matter;
tipping points; discovered rules; the S33/S34 evaluation; the trust network
and one participant's network map (S37) from a rerun of a representative
run; failed runs.

Runs are rebuilt for the evaluation and the network figures from the
manifest (base parameters, the run's varied parameters and seed), which
reproduces them exactly (see ``experiments.spec``).
"""

from __future__ import annotations

import html
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis import defaults
from analysis.discovery import discover, rules_table
from analysis.evaluation import evaluation_from_runs, evaluation_table
from analysis.figures import (
    OUTCOME_COLOURS,
    axis_groups,
    data_uri,
    heatmap,
    image_bytes,
    outcome_bars,
    outcome_word,
    parameter_heading,
    parameter_label,
    probability_curve_figure,
    save,
    sensitivity_figure,
    timeseries_bands,
)
from analysis.intervals import (
    FADING_CLASSES,
    OUTCOME_ORDER,
    THRIVING,
    outcome_table,
    proportion_interval,
)
from analysis.network import capture, network_map, network_map_figure, trust_network_figure
from analysis.prim import prim_box, trajectory_figure
from analysis.results import Sweep, SweepError, load_sweep
from analysis.sensitivity import (
    first_order_indices,
    main_indices,
    read_indices,
    total_order_indices,
)
from analysis.text import count, localise, number, pct
from analysis.tipping import probability_curve, tipping_point
from experiments.store import write_atomic_text
from model import DEFAULT_STEPS, PARAMETERS, NetworkModel, ParameterError, Params
from verkosto import i18n
from verkosto.i18n import N_, _, ngettext

HTML_FILE = "report.html"
MARKDOWN_FILE = "report.md"
FIGURE_DIR = "figures"

MAX_CELL_TABLE = 40
"""Most parameter cells listed one by one; a sample with more is summarised by parameter."""

MIN_RUNS_PER_CELL = 2
"""Runs per cell, on average, for the per-cell outcome table."""

MAX_CELL_LINES = 6
"""Most cells drawn as separate lines in time-series figures (else lines are outcomes)."""

MAX_PARAMETER_FIGURES = 6
"""Most one-parameter probability figures."""

EVALUATION_RERUNS = defaults.EVALUATION_RERUNS
"""Runs rebuilt per outcome class for the S33/S34 evaluation (benefit by role needs the runs)."""

INTERACTION_SPREAD = 0.25
"""A pair of parameters interacts, by the heatmap's evidence, when one's effect on
P(thriving) differs by at least this much between levels of the other, and the interval of
that difference excludes 0 (see :meth:`ReportBuilder._pair_evidence`)."""

INTERACTION_GAP = 0.1
"""A parameter acts through interactions when its total-order index exceeds its
first-order index by at least this much."""

MIN_RUNS_FOR_EFFECT = 3
"""Least runs in each of the two cells an effect in the heatmap evidence compares."""

STRONGEST_LEVERS = 3
"""Levers named in the findings."""

SNAPSHOT_FRACTIONS = (0.0, 0.5, 1.0)
"""Weeks of the trust-network figure, as fractions of the run."""

SALIB_INDEX_MEANING = {
    "ST": N_("total-order Sobol index: share of variance involving the parameter"),
    "S1": N_("first-order Sobol index: share of variance from the parameter alone"),
    "mu_star": N_("Morris mean absolute elementary effect"),
}
"""Plain-language meaning of the SALib indices a report shows."""

SECTION_TITLES: tuple[str, ...] = (
    N_("Findings"),
    N_("The question"),
    N_("How the networks ended"),
    N_("How the networks developed"),
    N_("Probability of thriving along each parameter"),
    N_("Two parameters together"),
    N_("Which parameters matter"),
    N_("Tipping points"),
    N_("Scenario discovery"),
    N_("Evaluation (S33, S34)"),
    N_("The trust network and a network map (S37)"),
    N_("Failed runs"),
)
"""Every report has these sections, in this order (a section says so when it has nothing);
English msgids, shown in the language chosen with ``--lang``."""


@dataclass
class Section:
    """One report section: paragraphs, tables and figures in order.

    Attributes:
        title: Section heading.
        blocks: ("text", str) paragraphs, ("table", DataFrame) tables and
            ("figure", (name, caption, Figure)) figures.
    """

    title: str
    blocks: list[tuple[str, Any]] = field(default_factory=list)

    def text(self, paragraph: str) -> None:
        """Add a paragraph."""
        self.blocks.append(("text", paragraph))

    def table(self, frame: pd.DataFrame) -> None:
        """Add a table."""
        self.blocks.append(("table", frame))

    def figure(self, name: str, caption: str, fig: Figure) -> None:
        """Add a figure (``name`` is its file stem)."""
        self.blocks.append(("figure", (name, caption, fig)))


def _pct(p: float) -> str:
    return pct(p)


def _interval_text(p: float, low: float, high: float) -> str:
    return f"{_pct(p)} ({_pct(low)}–{_pct(high)})"


def _cell_label(row: pd.Series, parameters: Sequence[str]) -> str:
    return ", ".join(f"{p}={_value(row[p])}" for p in parameters) or _("all runs")


def _value(v: Any) -> str:
    return number(v) if isinstance(v, float) else str(v)


def _span(low: float | None, high: float | None) -> str:
    if low is None and high is None:
        return "–"
    if high is None:
        return _("above {value}").format(value=number(low))
    if low is None:
        return _("below {value}").format(value=number(high))
    return _("{low} to {high}").format(low=number(low), high=number(high))


def _finite(x: float) -> float | None:
    return float(x) if x is not None and np.isfinite(x) else None


def _ranked(part: pd.DataFrame) -> pd.DataFrame:
    """One measure's SALib rows with their ``rank`` (ties share one), most influential
    first and ties by name: the order ``verkosto sensitivity`` prints.
    """
    part = part.assign(rank=part["index"].rank(method="min", ascending=False))
    return part.sort_values(["rank", "parameter"], kind="stable")


def _salib_table(main: pd.DataFrame, name: str) -> pd.DataFrame:
    """SALib's main index per measure, ranked as ``verkosto sensitivity`` prints it (most
    influential first, ties sharing a rank), in the report's language and number format.
    """
    rows = []
    for measure, part in main.groupby("measure", sort=False):
        for r in _ranked(part).itertuples(index=False):
            rows.append({_("measure"): measure,
                         _("rank"): int(r.rank) if np.isfinite(r.rank) else "–",
                         _("parameter"): r.parameter,
                         name: number(_finite(r.index)),
                         _("interval"): _span(_finite(r.low), _finite(r.high))})
    return pd.DataFrame(rows)


def _unit(parameter: str) -> str:
    info = PARAMETERS.get(parameter)
    return info.unit if info is not None and info.unit not in ("", "flag") else ""


def _name(parameter: str) -> str:
    """'the coordinator's facilitation skill (facilitation)': human name, then the key."""
    info = PARAMETERS.get(parameter)
    if info is None:
        return parameter
    doc = i18n.param_doc(parameter)
    doc = doc[0].lower() + doc[1:]
    return f"{doc} ({parameter})"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _with_unit(parameter: str, value: float) -> str:
    unit = _unit(parameter)
    text = number(value)
    if not unit or unit in ("0-1", "share", "probability") or unit.startswith("level"):
        return text
    if i18n.current().lang != "en":
        return f"{text} {i18n.unit_name(unit)}"
    if text == "1" and unit in ("weeks", "people", "rounds", "contacts", "organisations"):
        unit = {"people": "person"}.get(unit, unit.removesuffix("s"))
    return f"{text} {unit}"


def _points_interval(difference: float, low: float, high: float) -> str:
    """A difference of two probabilities with its interval (``-100 percentage points (-100
    to -29)``).
    """
    def signed(x: float) -> str:
        return localise(f"{round(100 * x):+d}")

    return _("{points} ({low} to {high})").format(points=_points(difference), low=signed(low),
                                                   high=signed(high))


def _difference_interval(first: tuple[float, float, float],
                         second: tuple[float, float, float]) -> tuple[float, float]:
    """The interval of ``first - second``, two independent estimates given as (estimate,
    low, high), by MOVER (Newcombe's square-and-add): each side's distance is the root of
    the sum of squares of the distances the two intervals allow in that direction.
    """
    value, low1, high1 = first
    other, low2, high2 = second
    difference = value - other
    low = difference - float(np.hypot(value - low1, high2 - other))
    high = difference + float(np.hypot(high1 - value, other - low2))
    # Two differences of probabilities differ by at most 2 either way.
    return max(low, -2.0), min(high, 2.0)


def _points(difference: float) -> str:
    """A difference of two probabilities in percentage points (``+35 points``)."""
    value = round(100 * difference)
    return ngettext("{value} percentage point", "{value} percentage points", abs(value)).format(
        value=localise(f"{value:+d}"))


def _index_text(row: pd.Series) -> str:
    parts = []
    if np.isfinite(row.get("salib", np.nan)):
        # Named (mu_star, ST): a Morris mu* is no share of variance like the indices beside it.
        parts.append(_("SALib {name} {value}").format(name=row.get("salib_name") or "index",
                                                      value=number(row["salib"])))
    parts.append(_("first-order index {value}").format(value=number(max(0.0, row["first_order"]))))
    if np.isfinite(row.get("total", np.nan)):
        parts.append(_("total-order {value}").format(value=number(row["total"])))
    return ", ".join(parts)


def _box_text(conditions: Sequence[Any]) -> str:
    return _(" and ").join(c.text() for c in conditions)


def _numeric(frame: pd.DataFrame, name: str) -> bool:
    col = frame[name]
    return pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)


class ReportBuilder:
    """Builds the sections of one sweep's report.

    Args:
        sweep: The sweep read by :func:`analysis.results.load_sweep`.
        confidence: Two-sided confidence of intervals.
        level: Probability level of tipping points.
        reruns: Runs rebuilt for the S33/S34 evaluation (0: none).
        network_figures: Whether to rebuild a run for the network figures.
    """

    def __init__(self, sweep: Sweep, confidence: float = defaults.INTERVAL_CONFIDENCE,
                 level: float = defaults.TIPPING_LEVEL, reruns: int = EVALUATION_RERUNS,
                 network_figures: bool = True):
        self.sweep, self.confidence, self.level = sweep, confidence, level
        self.reruns, self.network_figures = reruns, network_figures
        self.ok = sweep.ok_runs.reset_index(drop=True)
        self.params = sweep.parameters
        self.numeric = [p for p in self.params if _numeric(self.ok, p)]
        self.thriving = (self.ok["outcome"] == THRIVING).to_numpy()
        self.fading = self.ok["outcome"].isin(FADING_CLASSES).to_numpy()
        self.n_cells = (self.ok.groupby(self.params, dropna=False).ngroups
                        if self.params else 1)
        self.importance = self._importance()
        self.ranked = list(self.importance["parameter"]) if len(self.importance) else []
        self.ranked_numeric = [p for p in self.ranked if p in self.numeric]

    # ------------------------------------------------------------------ importance
    def _salib_thriving(self) -> pd.DataFrame | None:
        """SALib's main index of P(thriving) per parameter, when 'sensitivity' wrote one."""
        written = read_indices(self.sweep.directory)
        if written is None or not {"measure", "parameter", "index", "value"} <= set(
                written.columns):
            return None
        main = main_indices(written)
        part = main[main["measure"] == f"p_{THRIVING}"]
        return part if len(part) else None

    def _importance(self) -> pd.DataFrame:
        """Every varied parameter with its indices of thriving, most important first.

        The ranking uses SALib's main index of P(thriving) when ``verkosto
        sensitivity`` wrote one; otherwise the larger of the total-order index
        (on a replicated grid) and the first-order index estimated from the runs.
        Ties keep the spec's order.
        """
        cols = ["parameter", "first_order", "low", "high", "total", "salib", "score"]
        if not self.params or self.ok.empty:
            return pd.DataFrame(columns=cols)
        y = self.thriving.astype(float)
        first = first_order_indices(self.ok, self.params, y).set_index("parameter")
        total = total_order_indices(self.ok, self.params, y)
        total = total.set_index("parameter")["total"] if total is not None else None
        salib = self._salib_thriving()
        # Which index it is (mu_star, ST, S1): the findings name it beside the others.
        salib_name = str(salib["name"].iloc[0]) if salib is not None and "name" in salib else ""
        salib = salib.set_index("parameter")["index"] if salib is not None else None
        rows = []
        for order, p in enumerate(self.params):
            s1 = float(first.loc[p, "index"])
            st = float(total.get(p, np.nan)) if total is not None else np.nan
            sal = float(salib.get(p, np.nan)) if salib is not None else np.nan
            score = sal if salib is not None else np.nanmax([s1, st, -1.0])
            rows.append({"parameter": p, "first_order": s1, "low": first.loc[p, "low"],
                         "high": first.loc[p, "high"], "total": st, "salib": sal,
                         "salib_name": salib_name,
                         "score": -1.0 if not np.isfinite(score) else score, "_order": order})
        frame = pd.DataFrame(rows).sort_values(["score", "_order"], ascending=[False, True],
                                               kind="stable")
        return frame.drop(columns="_order").reset_index(drop=True)

    def _interactions(self) -> list[str]:
        """Sentences on interactions: total- against first-order gaps and the heatmap's evidence."""
        out = []
        imp = self.importance
        if len(imp) and imp["total"].notna().any():
            gap = imp[(imp["total"] - imp["first_order"].clip(lower=0)) >= INTERACTION_GAP]
            for _k, r in gap.iterrows():
                out.append(_("{parameter} matters more in combination than alone: its "
                             "total-order index is {total} against a first-order index of "
                             "{first}, so its effect depends on the other parameters.").format(
                    parameter=_capital(_name(r["parameter"])), total=number(r["total"]),
                    first=number(max(0.0, r["first_order"]))))
        top = self.ranked[:4]
        # A pair whose data show an interaction first; else the largest difference that
        # chance could explain, said as such rather than left out.
        best: tuple[tuple[bool, float], str] | None = None
        for a in top:
            for b in top:
                if a == b:
                    continue
                found = self._pair_evidence(a, b)
                if found is not None and (best is None or found[0] > best[0]):
                    best = found
        if best is not None:
            out.append(best[1])
        return out

    def _pair_evidence(self, a: str, b: str) -> tuple[tuple[bool, float], str] | None:
        """How much the effect of ``a`` on P(thriving) changes across levels of ``b``.

        The effect of ``a`` (P(thriving) at its highest level minus at its lowest) is taken
        at each level of ``b`` with its Newcombe interval; the levels where it is smallest
        and largest are compared. Their difference is a difference of two independent
        differences (disjoint runs), and its interval combines the two Newcombe intervals
        the way Newcombe's own combines two Wilson intervals (MOVER: square-and-add of each
        side's distance to its estimate). The sentence claims an interaction only when the
        difference is at least :data:`INTERACTION_SPREAD` and that interval excludes 0;
        where the difference is that large but the interval holds 0, it says the data do not
        show one. The interval is not widened for picking the most different pair of levels
        among several, so a claim is, if anything, made too readily.

        Returns:
            ``None`` when the effect differs by less than :data:`INTERACTION_SPREAD` (or
            the runs do not allow two effects), else ((shown, difference), the sentence).
        """
        from statsmodels.stats.proportion import confint_proportions_2indep

        ga, la = axis_groups(self.ok[a], 5)
        gb, lb = axis_groups(self.ok[b], 5)
        if len(la) < 2 or len(lb) < 2:
            return None
        frame = pd.DataFrame({"a": np.asarray(ga), "b": np.asarray(gb), "y": self.thriving})
        cells = frame.groupby(["b", "a"])["y"].agg(["sum", "size"])
        lo, hi = 0, len(la) - 1
        effects: dict[int, tuple[float, float, float]] = {}
        for level in range(len(lb)):
            try:
                k0, n0 = cells.loc[(level, lo)]
                k1, n1 = cells.loc[(level, hi)]
            except KeyError:
                continue
            if min(n0, n1) >= MIN_RUNS_FOR_EFFECT:
                # A difference of two cells of a few runs each: Newcombe's interval says
                # how far chance alone could move it.
                low, high = confint_proportions_2indep(int(k1), int(n1), int(k0), int(n0),
                                                       method="newcomb", compare="diff",
                                                       alpha=1.0 - self.confidence)
                effects[level] = (float(k1 / n1 - k0 / n0), float(np.clip(low, -1.0, 1.0)),
                                  float(np.clip(high, -1.0, 1.0)))
        if len(effects) < 2:
            return None
        small = min(effects, key=lambda level: effects[level][0])
        large = max(effects, key=lambda level: effects[level][0])
        spread = effects[large][0] - effects[small][0]
        if spread < INTERACTION_SPREAD:
            return None
        spread_low, spread_high = _difference_interval(effects[large], effects[small])
        shown = spread_low > 0.0
        heatmap = {a, b} == set(self.ranked[:2])
        # Only the two leading parameters have a heatmap; another pair is not in it.
        if shown:
            text = (_("The heatmap's cells show an interaction: raising {a} from {a_low} to "
                      "{a_high} changes P(thriving) by {small} when {b} is {b_small} but by "
                      "{large} when {b} is {b_large}; the two effects differ by {spread}, an "
                      "interval that excludes 0 ({confidence} intervals). A first-order index "
                      "alone would miss this.") if heatmap else
                    _("The runs grouped by {a} and {b} (as the heatmap groups its two "
                      "parameters) show an interaction: raising {a} from {a_low} to {a_high} "
                      "changes P(thriving) by {small} when {b} is {b_small} but by {large} "
                      "when {b} is {b_large}; the two effects differ by {spread}, an interval "
                      "that excludes 0 ({confidence} intervals). A first-order index alone "
                      "would miss this."))
        else:
            text = (_("The heatmap's cells do not show an interaction: raising {a} from "
                      "{a_low} to {a_high} changes P(thriving) by {small} when {b} is "
                      "{b_small} and by {large} when {b} is {b_large}, but the two effects "
                      "differ by {spread}, an interval that holds 0 ({confidence} intervals): "
                      "chance alone could make them differ this much with these runs.")
                    if heatmap else
                    _("The runs grouped by {a} and {b} (as the heatmap groups its two "
                      "parameters) do not show an interaction: raising {a} from {a_low} to "
                      "{a_high} changes P(thriving) by {small} when {b} is {b_small} and by "
                      "{large} when {b} is {b_large}, but the two effects differ by "
                      "{spread}, an interval that holds 0 ({confidence} intervals): chance "
                      "alone could make them differ this much with these runs."))
        return (shown, spread), text.format(
            a=_name(a), a_low=la[lo], a_high=la[hi], small=_points_interval(*effects[small]),
            b=b, b_small=lb[small], large=_points_interval(*effects[large]), b_large=lb[large],
            spread=_points_interval(spread, spread_low, spread_high),
            confidence=_pct(self.confidence))

    def sections(self) -> list[Section]:
        """All sections, in :data:`SECTION_TITLES` order."""
        builders = (self.findings, self.question, self.outcomes, self.development, self.by_parameter,
                    self.two_parameters, self.sensitivity, self.tipping, self.discovery,
                    self.evaluation, self.networks, self.failures)
        out = []
        for title, build in zip(SECTION_TITLES, builders, strict=True):
            section = Section(_(title))
            if self.ok.empty and build not in (self.question, self.failures, self.findings):
                section.text(_("No run finished, so there is nothing to show here."))
            else:
                build(section)
            out.append(section)
        return out

    # ------------------------------------------------------------------ sections
    def findings(self, s: Section) -> None:
        """The answers first, in plain sentences: outcomes, where it thrives, levers, tipping."""
        planned = unfinished(self.sweep)
        if planned is not None:
            s.text(_("**Unfinished sweep.** Only {stored} of its {planned} runs are stored (it "
                     "was interrupted, or is still running): everything below covers those "
                     "runs only. Run the same 'verkosto sweep' command again to finish it, then "
                     "the report again.").format(stored=count(len(self.sweep.runs)),
                                                 planned=count(planned)))
        if self.ok.empty:
            s.text(_("No run finished, so there are no findings; see 'Failed runs'."))
            return
        overall = outcome_table(self.ok, confidence=self.confidence)
        parts = [f"{outcome_word(str(r['outcome']))} "
                 f"{_interval_text(r['probability'], r['low'], r['high'])}"
                 for _k, r in overall.iterrows()]
        s.text(ngettext("**How the networks ended.** Of {n} finished run: {parts} ({confidence} "
                        "intervals).",
                        "**How the networks ended.** Of {n} finished runs: {parts} ({confidence} "
                        "intervals).", len(self.ok)).format(
            n=count(len(self.ok)), parts="; ".join(parts), confidence=_pct(self.confidence)))
        if not self.params:
            s.text(_("No parameter was varied, so there are no levers or tipping points to "
                     "report."))
            return
        box = prim_box(self.ok, self.params, self.thriving, THRIVING)
        if box is not None and box.conditions:
            # The box's share with its interval: a box of a few runs that all thrived is
            # not a certainty.
            inside = np.logical_and.reduce([c.mask(self.ok) for c in box.conditions])
            density = proportion_interval(int(self.thriving[inside].sum()), int(inside.sum()),
                                          self.confidence)
            s.text(_("**When the network thrives.** {density} of the runs with {box} thrived "
                     "(against {base} of all runs); this box holds {coverage} of all thriving "
                     "runs (PRIM, see 'Scenario discovery').").format(
                density=_interval_text(box.density, density.low, density.high),
                box=_box_text(box.conditions), base=_pct(box.base_rate),
                coverage=_pct(box.coverage)))
        elif not self.thriving.any():
            s.text(_("**When the network thrives.** No run thrived anywhere in the range tried."))
        levers = []
        for _k, r in self.importance.head(STRONGEST_LEVERS).iterrows():
            p = r["parameter"]
            text = f"{_capital(_name(p))}"
            if p in self.numeric:
                curve = probability_curve(self.ok, p, self.thriving, self.confidence)
                first, last = curve.iloc[0], curve.iloc[-1]
                text += ": " + _("P(thriving) {first} at {first_x} and {last} at {last_x}").format(
                    first=_interval_text(first["probability"], first["low"], first["high"]),
                    first_x=_with_unit(p, first["x"]),
                    last=_interval_text(last["probability"], last["low"], last["high"]),
                    last_x=_with_unit(p, last["x"]))
            text += f" ({_index_text(r)})"
            levers.append(text)
        if levers:
            s.text(_("**Strongest levers**, by the sweep's own sensitivity ranking: "
                     "{levers}.").format(levers="; ".join(levers)))
        rest = self.ranked[STRONGEST_LEVERS:]
        if rest:
            s.text(_("Less influential here, in order: {parameters}.").format(
                parameters=", ".join(rest)))
        tips = []
        for p in self.ranked_numeric:
            curve = probability_curve(self.ok, p, self.thriving, self.confidence)
            tp = tipping_point(curve, p, self.level)
            if tp.estimate is not None and not tp.at_edge:
                tips.append((_("{parameter} ≈ {value} (interval {span}; P(thriving) rising with "
                               "it)") if tp.direction == "rising" else
                             _("{parameter} ≈ {value} (interval {span}; P(thriving) falling "
                               "with it)")).format(parameter=p, value=_with_unit(p, tp.estimate),
                                                   span=_span(tp.low, tp.high)))
        s.text(_("**Tipping points** (where P(thriving) crosses {level}): {tips}").format(
            level=_pct(self.level),
            tips="; ".join(tips) + "." if tips else
            _("none inside the ranges tried; see 'Tipping points' for each parameter.")))
        inter = self._interactions()
        if inter:
            s.text(_("**Interactions.**") + " " + " ".join(inter))
        else:
            s.text(_("**Interactions.** No strong interaction shows between the leading "
                     "parameters (total-order against first-order indices where the design "
                     "allows, and the heatmap's cells)."))

    def question(self, s: Section) -> None:
        """What the sweep asked and how it was run."""
        spec = self.sweep.spec
        title = spec.get("title") or _("A parameter sweep of the networking model")
        s.text(f"**{title}**")
        if spec.get("description"):
            s.text(str(spec["description"]).strip())
        if spec.get("claims"):
            s.text(_("Claims addressed: {claims}.").format(claims=", ".join(spec["claims"])))
        runs, ok = len(self.sweep.runs), len(self.ok)
        unknown = _("unknown")
        facts = [(_("base scenario"), spec.get("base", unknown)),
                 (_("runs"), _("{runs} ({finished} finished, {failed} failed)").format(
                     runs=runs, finished=ok, failed=runs - ok)
                  + ("" if unfinished(self.sweep) is None else " " + _(
                      "of {planned} planned").format(planned=count(unfinished(self.sweep))))),
                 (_("replications per point"), spec.get("replications", unknown)),
                 (_("weeks per run"), spec.get("steps", unknown)),
                 (_("master seed"), spec.get("seed", unknown)),
                 (_("spec hash"), str(self.sweep.manifest.get("spec_hash", unknown))[:12])]
        s.table(pd.DataFrame(facts, columns=[_("what"), _("value")]))
        if self.params:
            rows = []
            for p in self.params:
                col = self.ok[p] if len(self.ok) else self.sweep.runs[p]
                values = sorted(col.dropna().unique(), key=lambda v: (isinstance(v, str), v))
                shown = (", ".join(_value(v) for v in values) if len(values) <= 8
                         else _("{low} to {high} ({n} values)").format(
                             low=_value(values[0]), high=_value(values[-1]), n=len(values)))
                rows.append((p, parameter_label(p), shown))
            s.text(_("Parameters varied:"))
            s.table(pd.DataFrame(rows, columns=[_("parameter"), _("meaning (unit)"),
                                                _("values")]))
        else:
            s.text(_("No parameter was varied: the runs are replications of one situation."))

    def outcomes(self, s: Section) -> None:
        """Outcome probabilities with intervals, overall and per cell."""
        conf = _pct(self.confidence)
        overall = outcome_table(self.ok, confidence=self.confidence)
        classes = ", ".join(outcome_word(o) for o in OUTCOME_ORDER)
        s.text(_("Share of runs ending in each outcome, with {confidence} Wilson intervals "
                 "(statsmodels). The classes ({classes}) are the model's reading of a run's "
                 "final weeks; docs/ODD.md (4.11, Observation) defines each.").format(
            confidence=conf, classes=classes))
        s.table(pd.DataFrame({
            _("outcome"): overall["outcome"].astype(str).map(outcome_word),
            _("runs"): overall["count"],
            _("probability (interval)"): [_interval_text(p, lo, hi) for p, lo, hi in
                                       zip(overall["probability"], overall["low"],
                                           overall["high"], strict=True)]}))
        # Cells are worth listing on a grid with replications, not in a sample of single runs.
        replicated = len(self.ok) >= MIN_RUNS_PER_CELL * self.n_cells
        if self.params and self.n_cells <= MAX_CELL_TABLE and replicated:
            table = outcome_table(self.ok, by=self.params, confidence=self.confidence)
            wide = []
            for key, part in table.groupby(self.params, sort=True, dropna=False):
                key = key if isinstance(key, tuple) else (key,)
                row = {parameter_heading(p): _value(v)
                       for p, v in zip(self.params, key, strict=True)}
                row[_("runs")] = int(part["n"].iloc[0])
                for outcome in OUTCOME_ORDER:
                    r = part[part["outcome"].astype(str) == outcome].iloc[0]
                    row[f"P({outcome_word(outcome)})"] = _interval_text(r["probability"], r["low"],
                                                                        r["high"])
                wide.append(row)
            s.text(_("Per parameter cell ({confidence} intervals):").format(confidence=conf))
            s.table(pd.DataFrame(wide))
            labels = table.apply(lambda r: _cell_label(r, self.params), axis=1)
            fig = outcome_bars(table.assign(cell=labels), "cell")
        else:
            fig = outcome_bars(overall.assign(cell=_("all runs")), "cell")
        s.figure("outcomes", _("How the networks ended: share of runs per outcome with "
                               "{confidence} intervals.").format(confidence=conf), fig)

    def _groups(self) -> tuple[pd.Series, str, dict[str, str] | None]:
        """Label of each run for time-series lines: its cell, or its outcome."""
        if self.params and 1 < self.n_cells <= MAX_CELL_LINES:
            # Cells in the order of their values, as in the outcome table (a grid runs coarse
            # to fine, so run order would put 2,000 before 500).
            cells = self.ok.sort_values(self.params, kind="stable")
            labels = cells.apply(lambda r: _cell_label(r, self.params), axis=1)
            return (pd.Series(labels.to_numpy(), index=cells["run_id"]), _("parameter cell"),
                    None)
        rank = {o: k for k, o in enumerate(OUTCOME_ORDER)}
        ordered = self.ok.sort_values("outcome", key=lambda c: c.map(rank), kind="stable")
        words = ordered["outcome"].astype(str).map(outcome_word)
        colours = {outcome_word(o): c for o, c in OUTCOME_COLOURS.items()}
        return pd.Series(words.to_numpy(), index=ordered["run_id"]), _("outcome"), colours

    def development(self, s: Section) -> None:
        """Median and interquartile band of the main reporters over time."""
        ts = self.sweep.timeseries
        if ts.empty:
            s.text(_("The sweep stored no time series (timeseries = false in its spec)."))
            return
        groups, by, colours = self._groups()
        s.text(_("Median (line) and middle half (band) of the runs, by {by}.").format(by=by))
        fig = timeseries_bands(ts, groups, colours=colours,
                               title=_("How the networks developed over time, by {by}").format(
                                   by=by))
        s.figure("timeseries", _("Main time series by {by}: median and interquartile "
                                 "band.").format(by=by), fig)

    def _curves(self, every: bool = False) -> dict[str, pd.DataFrame]:
        """P(thriving) curves of the numeric parameters, most important first (at most
        :data:`MAX_PARAMETER_FIGURES` unless ``every``).
        """
        chosen = self.ranked_numeric if every else self.ranked_numeric[:MAX_PARAMETER_FIGURES]
        return {p: probability_curve(self.ok, p, self.thriving, self.confidence)
                for p in chosen}

    def by_parameter(self, s: Section) -> None:
        """P(thriving) against the most important numeric parameters, with intervals."""
        if not self.numeric:
            s.text(_("No numeric parameter was varied."))
            return
        s.text(_("Each point pools the runs at that value (or in that bin) over all other "
                 "parameters; the band is the {confidence} Wilson interval. Parameters are "
                 "shown in the order of the sweep's sensitivity ranking (see 'Which parameters "
                 "matter').").format(confidence=_pct(self.confidence)))
        left_out = self.ranked_numeric[MAX_PARAMETER_FIGURES:]
        if left_out:
            s.text(_("Only the {n} most influential are drawn; left out as less influential: "
                     "{parameters}.").format(n=MAX_PARAMETER_FIGURES,
                                             parameters=", ".join(left_out)))
        for p, curve in self._curves().items():
            tp = tipping_point(curve, p, self.level)
            fig = probability_curve_figure(curve, p, THRIVING, tp, self.confidence)
            s.figure(f"thriving_by_{p}", _("Probability of thriving against {parameter}.").format(
                parameter=_name(p)), fig)

    def two_parameters(self, s: Section) -> None:
        """Heatmap of P(thriving) over the two most important varied parameters."""
        if len(self.params) < 2:
            s.text(_("Fewer than two parameters were varied, so there is no heatmap."))
            return
        x, y = self.ranked[:2]
        fig = heatmap(self.ok, x, y, self.thriving, THRIVING)
        others = self.ranked[2:]
        s.text(_("Share of runs thriving over the two most influential parameters, {x} and {y} "
                 "(runs per cell in brackets; each cell pools the other parameters{others}).")
               .format(x=x, y=y, others=f": {', '.join(others)}" if others else ""))
        s.figure("heatmap", _("Probability of thriving over {x} and {y}.").format(x=x, y=y), fig)

    def sensitivity(self, s: Section) -> None:
        """First-order sensitivity of thriving to each varied parameter."""
        if not self.params:
            s.text(_("No parameter was varied."))
            return
        written = read_indices(self.sweep.directory)
        if written is not None and {"measure", "parameter", "index", "value"} <= set(
                written.columns):
            main = main_indices(written)
            if len(main):
                name = main["name"].iloc[0]
                meaning = (_(SALIB_INDEX_MEANING[name]) if name in SALIB_INDEX_MEANING
                           else name)
                s.text(_("Indices from 'verkosto sensitivity' (SALib): {name} ({meaning}), with "
                         "bootstrap intervals.").format(name=name, meaning=meaning))
                s.table(_salib_table(main, name))
                for k, (measure, part) in enumerate(main.groupby("measure", sort=False)):
                    fig = sensitivity_figure(
                        _ranked(part), str(measure),
                        title=_("Which parameters matter for {measure} ({name}, SALib)").format(
                            measure=measure, name=name),
                        xlabel=_("{name} of {measure}").format(name=name, measure=measure))
                    s.figure(f"salib_{k}", _("SALib {name} of {measure}.").format(
                        name=name, measure=measure), fig)
        imp = self.importance
        s.text(_("Indices of thriving estimated from the runs as they are. First-order: the "
                 "share of the variation in whether a run thrives explained by the parameter "
                 "alone (correlation ratio with bias correction; 90% bootstrap interval, kept "
                 "within 0 to 1). Total-order (on a replicated grid only): the share that "
                 "involves the parameter alone or together with others; a total-order index "
                 "well above the first-order one means the parameter acts through interactions, "
                 "which a first-order index alone misses. The ranking orders the figures, the "
                 "heatmap and the findings."))
        table = pd.DataFrame({
            _("rank"): range(1, len(imp) + 1),
            _("parameter"): imp["parameter"],
            _("meaning (unit)"): imp["parameter"].map(parameter_label),
            _("first-order (interval)"): [
                f"{number(max(0.0, f))} ({_span(lo, hi)})"
                for f, lo, hi in zip(imp["first_order"], imp["low"], imp["high"], strict=True)],
            _("total-order"): imp["total"].map(lambda v: number(v) if np.isfinite(v) else
                                               _("– (needs a replicated grid)"))})
        if imp["salib"].notna().any():
            table[_("SALib (thriving)")] = imp["salib"].map(number)
        s.table(table)
        idx = imp.rename(columns={"first_order": "index"})[["parameter", "index", "low", "high"]]
        s.figure("sensitivity", _("First-order sensitivity of thriving, most influential first."),
                 sensitivity_figure(idx))

    def tipping(self, s: Section) -> None:
        """Where P(thriving) crosses the level along each numeric parameter."""
        if not self.numeric:
            s.text(_("No numeric parameter was varied."))
            return
        rows = []
        for p, curve in self._curves(every=True).items():
            tp = tipping_point(curve, p, self.level)
            low, high = curve["probability"].min(), curve["probability"].max()
            if tp.estimate is None:
                point = _("none: P(thriving) stays between {low} and {high}").format(
                    low=_pct(low), high=_pct(high))
            elif tp.at_edge:
                # Past the level at the first value tried: the crossing is there or before.
                point = (_("at most {value}") if tp.direction == "rising" else
                         _("at least {value}")).format(value=number(tp.estimate))
            else:
                point = number(tp.estimate)
            rows.append({_("parameter"): p, _("tipping point"): point,
                         _("unit"): i18n.unit_name(_unit(p)) or "–",
                         _("interval"): _span(tp.low, tp.high), _("reading"): tp.note})
        s.text(_("Where the probability of thriving crosses {level}, interpolated between "
                 "points; the interval inverts the pointwise interval band. Every numeric "
                 "parameter is listed, most influential first.").format(level=_pct(self.level)))
        s.table(pd.DataFrame(rows))

    def discovery(self, s: Section) -> None:
        """PRIM boxes with their peeling trajectories, and rules from a shallow tree."""
        if not self.params:
            s.text(_("No parameter was varied, so there is nothing to discover."))
            return
        s.text(_("Boxes of parameter space where an outcome concentrates. Coverage: share of "
                 "all runs with the outcome that fall inside the box; density: share of the "
                 "runs inside the box that have the outcome."))
        fading = _("fading or faded")
        targets = [(outcome_word(THRIVING), self.thriving), (fading, self.fading)]
        rows = []
        for k, (name, hit) in enumerate(targets):
            found = prim_box(self.ok, self.params, hit, name)
            if found is None:
                s.text(_("PRIM for {outcome}: nothing to peel ({share} of runs have it).").format(
                    outcome=name, share=_pct(float(hit.mean()))))
                continue
            rows.append({_("outcome"): name,
                         _("box"): _box_text(found.conditions) or _("everything"),
                         _("coverage"): _pct(found.coverage), _("density"): _pct(found.density),
                         _("base rate"): _pct(found.base_rate),
                         _("peeling steps"): len(found.trajectory) - 1})
            s.figure(f"prim_{k}", _("PRIM peeling trajectory for {outcome}: each dot a box, the "
                                    "chosen one circled.").format(outcome=name),
                     trajectory_figure(found))
        if rows:
            s.text(_("PRIM (Friedman & Fisher 1999, EMA Workbench): the box is chosen on the "
                     "peeling trajectory as the densest that still covers at least half of the "
                     "runs with the outcome."))
            s.table(pd.DataFrame(rows))
        found = [discover(self.ok, self.params, self.thriving, outcome_word(THRIVING)),
                 discover(self.ok, self.params, self.fading, fading)]
        s.text(_("Rules from a shallow decision tree, for comparison:"))
        table = rules_table(found)
        if table.empty:
            s.text(_("No leaf of the tree concentrates an outcome beyond its base rate."))
        else:
            table = table.assign(coverage=table["coverage"].map(_pct),
                                 density=table["density"].map(_pct),
                                 support=table["support"].map(_pct))
            s.table(table.rename(columns={
                "outcome": _("outcome"), "rule": _("rule"), "coverage": _("coverage"),
                "density": _("density"), "support": _("support"), "runs": _("runs")}))

    def _rebuild(self, row: pd.Series) -> NetworkModel | None:
        base = self.sweep.spec.get("base_params")
        if not isinstance(base, dict):
            return None
        overrides = {p: (v.item() if hasattr(v, "item") else v) for p, v in row.items()
                     if p in self.params}
        try:
            params = Params.from_flat(**base).replace(**overrides)
        except ParameterError:
            return None  # written by a model with other parameters: cannot be rebuilt
        return NetworkModel(rng=int(row["seed"]), params=params)

    def _steps(self) -> int:
        return int(self.sweep.spec.get("steps", DEFAULT_STEPS))

    def evaluation(self, s: Section) -> None:
        """The S33/S34 table by outcome: runs rebuilt per outcome class, never pooled."""
        groups = [o for o in OUTCOME_ORDER if (self.ok["outcome"] == o).any()]
        columns: dict[str, pd.DataFrame] = {}
        rebuilt = True
        for outcome in groups:
            part = self.ok[self.ok["outcome"] == outcome]
            pick = part.iloc[np.linspace(0, len(part) - 1, min(self.reruns, len(part)))
                             .astype(int)].drop_duplicates("run_id") if self.reruns else part[:0]
            evals = []
            for _k, row in pick.iterrows():
                model = self._rebuild(row)
                if model is None:
                    rebuilt = False
                    break
                model.run_for(self._steps())
                evals.append(model.evaluation())
            if evals and rebuilt:
                table = evaluation_table(evals, self.confidence)
                label = ngettext("{outcome} ({n} run rebuilt of {total})",
                                 "{outcome} ({n} runs rebuilt of {total})", len(evals)).format(
                    outcome=outcome_word(outcome), n=len(evals), total=len(part))
            else:
                rebuilt = False
                table = evaluation_from_runs(part, self.confidence)
                label = ngettext("{outcome} ({n} run)", "{outcome} ({n} runs)", len(part)).format(
                    outcome=outcome_word(outcome), n=len(part))
            table = table[~table["section"].isin([_("Outcome")])]
            columns[label] = table.set_index(["section", "item"])["value"]
        if not columns:
            return
        if rebuilt:
            s.text(_("Answers to the evaluation questions of S33 and S34, separately for each "
                     "outcome (never pooled across unlike runs): up to {n} runs per outcome "
                     "rebuilt from their seeds, spread across the sweep. Yes/no answers show the "
                     "share of runs with a {confidence} interval; numbers show the mean and the "
                     "middle half.").format(n=self.reruns, confidence=_pct(self.confidence)))
        else:
            s.text(_("Answers to the evaluation questions of S33 and S34 from the runs' final "
                     "values, separately for each outcome (benefit by role needs runs rebuilt "
                     "from the manifest; none were)."))
        wide = pd.concat(columns, axis=1).reset_index()
        wide = wide.rename(columns={"section": _("section"), "item": _("item")})
        s.table(wide.fillna("–"))

    def networks(self, s: Section) -> None:
        """The trust network at three weeks of a representative run, and a network map."""
        if not self.network_figures:
            s.text(_("Network figures were not requested."))
            return
        pick = self.ok[self.thriving] if self.thriving.any() else self.ok
        row = pick.iloc[len(pick) // 2]
        model = self._rebuild(row)
        if model is None:
            s.text(_("The manifest does not hold base parameters this model accepts, so no run "
                     "can be rebuilt for the network figures."))
            return
        steps = self._steps()
        snaps = capture(model, [round(f * steps) for f in SNAPSHOT_FRACTIONS])
        label = _cell_label(row, self.params)
        s.text(_("Run {run} ({cell}; outcome {outcome}), rebuilt from its seed. Colours are "
                 "organisations, dot size is commitment, line width is trust.").format(
            run=int(row["run_id"]), cell=label, outcome=outcome_word(str(row["outcome"]))))
        s.figure("trust_network", _("The trust network at the start, midway and at the end."),
                 trust_network_figure(snaps))
        last = snaps[-1]
        if last.slot.size >= 2:
            degree = np.zeros(last.slot.size)
            index = {int(v): k for k, v in enumerate(last.slot)}
            for a, b in zip(*last.edges[:2], strict=True):
                degree[index[int(a)]] += 1
                degree[index[int(b)]] += 1
            centre = int(last.slot[int(np.argmax(degree))])
            nmap = network_map(model, centre)
            s.text(_("Network map (S37) of the participant with the most trust ties at the end: "
                     "rings by closeness, sectors by kind of organisation."))
            s.figure("network_map", _("Network map of one participant."),
                     network_map_figure(nmap))

    def failures(self, s: Section) -> None:
        """Failed runs with their errors."""
        failed = self.sweep.failed_runs
        if failed.empty:
            s.text(_("No run failed."))
            return
        s.text(ngettext("{n} run failed; its error (first line):",
                        "{n} runs failed; their errors (first line):", len(failed)).format(
            n=len(failed)))
        cols = ["run_id", *self.params, "error"]
        table = failed[[c for c in cols if c in failed.columns]].copy()
        if "error" in table:
            table["error"] = table["error"].astype(str).str.split("\n").str[0]
        s.table(table.head(MAX_CELL_TABLE))


# ---------------------------------------------------------------------- rendering
_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.25rem;border-bottom:1px solid #ccc;padding-bottom:.2rem;
margin-top:2rem}table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}
th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}figure{margin:1rem 0}img{max-width:100%;height:auto}
figcaption{font-size:.85rem;color:#555}nav a{margin-right:.6rem}
"""


def _slug(title: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-")


def _inline_md(text: str) -> str:
    """Escape text for HTML, keeping **bold** from the Markdown."""
    parts = html.escape(text).split("**")
    return "".join(f"<strong>{p}</strong>" if k % 2 else p for k, p in enumerate(parts))


def _md_cell(v: Any) -> str:
    if isinstance(v, float) and math.isnan(v):
        return ""
    return str(v).replace("|", "\\|").replace("\n", " ")


def markdown_table(frame: pd.DataFrame) -> str:
    """A DataFrame as a GitHub-flavoured Markdown table."""
    head = "| " + " | ".join(_md_cell(c) for c in frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(_md_cell(v) for v in row) + " |"
            for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def render(sections: Sequence[Section], title: str, directory: Path) -> tuple[str, str]:
    """Render sections to HTML (figures embedded) and Markdown (figures as files).

    Figures are saved as PNG and SVG under ``directory/figures``.
    """
    fig_dir = directory / FIGURE_DIR
    h = ["<!DOCTYPE html>", f"<html lang='{i18n.current().lang}'><head><meta charset='utf-8'>",
         f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
         f"<h1>{html.escape(title)}</h1>", "<nav>"]
    h += [f"<a href='#{_slug(s.title)}'>{html.escape(s.title)}</a>" for s in sections]
    h.append("</nav>")
    md = [f"# {title}", ""]
    for sec in sections:
        h.append(f"<h2 id='{_slug(sec.title)}'>{html.escape(sec.title)}</h2>")
        md += [f"## {sec.title}", ""]
        for kind, payload in sec.blocks:
            if kind == "text":
                h.append(f"<p>{_inline_md(payload)}</p>")
                md += [payload, ""]
            elif kind == "table":
                h.append(payload.to_html(index=False, escape=True, border=0, na_rep=""))
                md += [markdown_table(payload), ""]
            else:
                name, caption, fig = payload
                png = image_bytes(fig, "png")
                save(fig, fig_dir / name, png=png)
                h.append(f"<figure><img src='{data_uri(png, 'png')}' "
                         f"alt='{html.escape(caption, quote=True)}'>"
                         f"<figcaption>{html.escape(caption)}</figcaption></figure>")
                md += [f"![{caption}]({FIGURE_DIR}/{name}.png)", "",
                       f"*{caption}* ([SVG]({FIGURE_DIR}/{name}.svg))", ""]
    h.append("</body></html>")
    return "\n".join(h) + "\n", "\n".join(md) + "\n"


def unfinished(sweep: Sweep) -> int | None:
    """The runs a sweep's manifest plans when fewer are stored (an interrupted sweep, or
    one still running), else ``None``.
    """
    planned = sweep.manifest.get("n_runs")
    if isinstance(planned, int) and not isinstance(planned, bool) and planned > len(sweep.runs):
        return planned
    return None


def write_report(directory: str | Path, *, confidence: float = defaults.INTERVAL_CONFIDENCE,
                 level: float = defaults.TIPPING_LEVEL, reruns: int = EVALUATION_RERUNS,
                 network_figures: bool = True) -> tuple[Path, Path]:
    """Write ``report.html`` and ``report.md`` into a sweep directory.

    Args:
        directory: The sweep directory.
        confidence: Two-sided confidence of intervals.
        level: Probability level of tipping points.
        reruns: Runs rebuilt for the S33/S34 evaluation.
        network_figures: Rebuild a run for the network figures.

    Returns:
        Paths of the HTML and Markdown files.

    Raises:
        analysis.results.SweepError: The directory is not a readable sweep, or the report
            cannot be written into it.
    """
    sweep = load_sweep(directory)
    # Checked before the report is computed (reruns can take minutes), so that a sweep one
    # may only read (a colleague's, an archive's) is one error line, not a traceback.
    if not os.access(sweep.directory, os.W_OK | os.X_OK):
        raise SweepError(_("cannot write the report into '{path}': no permission to write "
                           "there; copy the sweep directory somewhere writable and report on "
                           "the copy").format(path=sweep.directory))
    builder = ReportBuilder(sweep, confidence, level, reruns, network_figures)
    sections = builder.sections()
    title = _("Report: {title}").format(title=sweep.spec.get("title") or sweep.directory.name)
    html_path = sweep.directory / HTML_FILE
    md_path = sweep.directory / MARKDOWN_FILE
    try:
        page, text = render(sections, title, sweep.directory)
        # Through a temporary file and a rename: an earlier report is replaced whole or
        # not at all, never left half-written.
        write_atomic_text(page, html_path)
        write_atomic_text(text, md_path)
    except OSError as error:
        reason = (f"{error.strerror}: '{error.filename}'" if error.strerror and error.filename
                  else error.strerror or str(error))
        raise SweepError(_("cannot write the report into '{path}': {reason}").format(
            path=sweep.directory, reason=reason)) from None
    return html_path, md_path
