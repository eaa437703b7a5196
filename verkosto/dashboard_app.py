"""The trainer's dashboard page, in Finnish or English, one network or two side by side.

Served by ``verkosto dashboard`` (see :mod:`verkosto.dashboard`, which sets
solara up to work offline before this module imports it). The page is built
from plain solara components rather than Mesa's SolaraViz, so that the room
sees the model's words, not the framework's: no page tabs, no "play interval"
or "render interval", but **Reset**, **Step**, **Play/Pause** and a speed in
words (slow, normal, fast), the week, the sliders with their values and units,
and a language switch (suomi / English).

Speed: a week is drawn in the browser as SVG built here from the model's
arrays (positions from the stable layout of :mod:`verkosto.drawing`), not as a
matplotlib PNG; building both SVGs costs a few milliseconds, so a Step shows
its week at once and Play keeps its pace (``benchmarks/bench_dashboard.py``
measures both). Only the live part of the page re-renders each week, as two
HTML widgets (the week, and the networks), so a week costs the server a couple
of messages per session; the settings with their sliders stay untouched.

Layout: the settings sit in a column left of the networks on a wide screen
and below them on a narrow one, so that a participant's phone shows the
networks and the Step button first (solara's sidebar would cover the whole
screen of a phone).

Side by side: two networks built from the same seed (so the same
organisations and people wherever the settings do not change who is drawn),
each with its own scenario and settings, stepping together; their pictures
share one scale and their curves one pair of axes. One click loads a preset
pair such as ``default`` against ``no_coordination``.

The curves are the network-level measures (``network_familiarity``,
``network_trust``, ``network_commitment`` over all seats, and the active
share), which do not average over the survivors only: a fading network is
seen fading. Means over active people are labelled "among active people".
No outcome verdict is shown before ``outcome_window_weeks`` weeks have
passed: until then the page says "too early to tell".

Every browser session (tab) holds its own :class:`Session` (its own models),
so two trainers, or a whole room, never see each other's runs.
"""

from __future__ import annotations

import functools
import html
import math
import os
import threading
import time
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import solara
from matplotlib.colors import to_hex

from model import NetworkModel
from model.params import PARAMETERS, ParamInfo, Params
from verkosto import drawing, i18n
from verkosto.i18n import N_, Translator
from verkosto.words import CURVES, VALUE_CURVE, Curve, figures_now, reading, verdict, week_text

DEFAULT_SEED = 1
"""Seed of the network drawn when a page opens: the same as ``verkosto run``'s default."""

LANGUAGE_ENVIRONMENT = "VERKOSTO_LANG"
"""The server's ``--lang``, passed to the page: the language a new session opens in."""

SPEEDS: dict[str, float] = {N_("slow"): 1.0, N_("normal"): 4.0, N_("fast"): 8.0}
"""Play speeds in words -> weeks per second."""
DEFAULT_SPEED = "normal"

TRAINER_PARAMETERS: tuple[str, ...] = (
    "coordination_budget_eur",
    "meeting_interval_weeks",
    "facilitation",
    "structure",
    "leadership_depth",
    "governance",
    "time_allocation_hours",
    "turnover_per_year",
    "share_brokers",
    "share_recruiters",
    "resident_share",
)
"""Parameters a trainer changes live, in the order the sidebar shows them."""

PLAIN_LABELS: dict[str, str] = {
    "coordination_budget_eur": N_("Coordination budget"),
    "meeting_interval_weeks": N_("Meeting every"),
    "facilitation": N_("Facilitation"),
    "structure": N_("Heavy structure"),
    "leadership_depth": N_("Leadership depth"),
    "governance": N_("Governance"),
    "time_allocation_hours": N_("Working time for the network"),
    "turnover_per_year": N_("Staff turnover"),
    "share_brokers": N_("Brokers"),
    "share_recruiters": N_("Recruiters"),
    "resident_share": N_("Residents' seats"),
}
"""Short names of the trainer's parameters (their longer meaning is the declared doc)."""

TRAINER_RANGES: dict[str, tuple[float, float, float]] = {
    "coordination_budget_eur": (0.0, 5000.0, 50.0),
}
"""Slider range and step where the declared bounds are too wide for a room (the budget is
declared up to 200,000 EUR a month, which would squeeze every sensible budget into the first
pixels); a scenario value beyond the range widens it. Others use the declared bounds."""

LEADERSHIP_LEVELS = (N_("routine"), N_("open mind"), N_("open heart"), N_("open will"))
"""The four leadership levels of S27, for the leadership-depth slider."""

CHOICE_LABELS: dict[str, str] = {
    "led": N_("led by a coordinator"),
    "self_organising": N_("self-organising"),
    "lead_organisation": N_("led by one member organisation"),
}
"""Words for the choices of the trainer's choice parameters (governance)."""

UNFUNDED_CHOICE_LABELS: dict[str, str] = {
    "led": N_("no coordinator: the budget is 0"),
    "lead_organisation": N_("one member organisation, but no coordinator: the budget is 0"),
}
"""Words for the governance choices that need a coordinator when the coordination budget is
0: the model then has no coordinator (``NetworkModel.has_coordinator``) and meetings happen
only when a participant calls one, so "led by a coordinator" (no_coordination) was untrue."""


PRESET_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("default", "no_coordination", N_("With and without coordination")),
    ("light_skilled_coordination", "heavy_structure", N_("Light coordination or heavy structure")),
    ("leadership_open_will", "leadership_routine", N_("Leadership: open will or routine")),
)
"""Scenario pairs loaded side by side with one click: (left, right, button text)."""

SIDE_NAMES = (N_("Network A"), N_("Network B"))

NETWORK_PX = 420
"""Width and height of a network picture (pixels)."""
CHART_SIZE = (460, 230)
"""Width and height of a chart (pixels)."""
CHARTS_BASIS_PX = 400
"""Width the charts ask for beside a single network (they shrink to it from
``CHART_SIZE``): with the picture and the settings column it fits a 1280-pixel
projector, so the curves sit beside the network instead of below the screen's edge."""
CHART_FONT_PX = 11
"""Size of the charts' text (pixels)."""
CHART_FONT_FAMILY = "Roboto, sans-serif"
"""Font of the charts' text: the page's own (vuetify's Roboto, which solara serves from its
installed package, not a CDN), so that the axes read as the labels beside them do; an SVG's
text otherwise takes the browser's sans-serif (Liberation Sans in Debian's Chromium)."""
FONT_ASCENT_EM = 0.95
FONT_DESCENT_EM = 0.3
"""How far the charts' letters reach above and below their baseline, in font sizes:
generous, for Roboto (0.93 and 0.24) and the sans-serif fonts a browser without it picks
(DejaVu Sans 0.93 and 0.24, Liberation Sans 0.91 and 0.21; Chromium gives 11-pixel text a
box 9 pixels up and 3 down)."""
CURVE_WIDTH_PX = 2
"""Width of a chart's curves (pixels)."""
AXIS_TITLE_GAP_PX = 2
"""Space between the value axis's title, above the plot, and a curve at the top of it."""
AXIS_TITLE_BASELINE_PX = math.ceil(AXIS_TITLE_GAP_PX + FONT_ASCENT_EM * CHART_FONT_PX)
"""Baseline of the value axis's title, from the top of the chart: its letters fit above it."""
CHART_MARGIN = (44, 12, math.ceil(AXIS_TITLE_BASELINE_PX + FONT_DESCENT_EM * CHART_FONT_PX
                                  + AXIS_TITLE_GAP_PX + CURVE_WIDTH_PX / 2), 34)
"""Chart margins: left, right, top, bottom (pixels). The top one holds the value axis's
title clear of a curve at the top of the plot (an active share of 1.0): with its baseline 2
pixels above the plot its letters' tails ran into that curve."""
VALUE_CHART_HEIGHT = 120
MIN_WEEKS_SHOWN = 52
"""The week axis shows at least a year and grows a year at a time, so it rarely jumps."""
NODE_RADIUS_MIN = 3.0
NODE_RADIUS_PER_COMMITMENT = 8.0
TIE_WIDTH_MAX = 4.0

TITLE = N_("verkosto: how networks thrive or fade")

SETTINGS_PX, MAIN_PX, GAP_PX = 400, 640, 16
"""Widths the settings column and the main column ask for, and the gap between them."""

LAYOUT_CSS = f"""
.verkosto-layout {{ display: flex; flex-wrap: wrap; gap: {GAP_PX}px; align-items: flex-start; }}
.verkosto-settings {{ flex: 0 1 {SETTINGS_PX}px; min-width: 300px; order: -1; }}
.verkosto-main {{ flex: 1 1 {MAIN_PX}px; min-width: 300px; }}
@media (max-width: {SETTINGS_PX + GAP_PX + MAIN_PX - 1}px) {{ .verkosto-settings {{ order: 1; }} }}
.verkosto-settings .v-input__slider .v-label {{ white-space: normal; flex: 0 1 55%;
    max-width: 55%; height: auto; line-height: 1.3; }}
"""
"""Settings on the left of a wide screen; where the two columns no longer fit side by side
(below 1,056 pixels: a phone, but also a 1024x768 projector) the networks come first and the
settings below them, not above (a sidebar would cover a phone's whole screen)."""


# --- scenarios --------------------------------------------------------------------------


def scenario_names() -> list[str]:
    """Names of the shipped scenarios, ``default`` first."""
    import scenarios

    return list(scenarios.names())


@functools.cache
def scenario_params(name: str) -> Params:
    """The parameters of a shipped scenario (read once per process; ``Params`` is frozen)."""
    import scenarios

    return scenarios.load(name)


@functools.cache
def _scenario_info(name: str) -> Any:
    """A shipped scenario's metadata, read once per process (pages ask every week)."""
    import scenarios

    return scenarios.info(name)


def scenario_text(name: str, t: Translator) -> tuple[str, str]:
    """A scenario's title and description in the session's language."""
    meta = _scenario_info(name)
    return i18n.scenario_title(meta, t), i18n.scenario_description(meta, t)


# --- building models --------------------------------------------------------------------


def _seed(value: Any) -> int | None:
    """Read a seed typed into the page (text) or given in code.

    Any text works: a whole number is used as it is, other text (a word the
    room chose) is turned into a number, so the same text always draws the
    same network; an empty field draws a fresh one.
    """
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        return zlib.crc32(text.encode("utf-8"))


def trainer_values(name: str) -> dict[str, Any]:
    """A scenario's values of the trainer's parameters (enums as their string values)."""
    flat = scenario_params(name).flat()
    return {key: flat[key] for key in TRAINER_PARAMETERS}


def build_model(scenario: str, settings: Mapping[str, Any], seed: Any) -> NetworkModel:
    """A model of a scenario with the trainer's settings over it.

    Args:
        scenario: A shipped scenario name.
        settings: Flat overrides from the sliders (validated by the model's parameters).
        seed: The seed as typed (see :func:`_seed`).
    """
    params = scenario_params(scenario)
    changed = {k: v for k, v in settings.items() if params.flat().get(k) != v}
    return NetworkModel(params=params.replace(**changed) if changed else params, rng=_seed(seed))


@dataclass
class Side:
    """One network of the page: its scenario, the settings on its sliders and its model."""

    scenario: str
    settings: dict[str, Any]
    model: NetworkModel | None = None

    def reset(self, seed: Any) -> None:
        """Build the model afresh from the scenario, the settings and the seed."""
        self.model = build_model(self.scenario, self.settings, seed)


@dataclass
class Session:
    """What one browser session runs: one network, or two side by side stepping together.

    Both sides are built from the same seed; a Step steps every side that is still
    running, so the sides always show the same week.
    """

    sides: list[Side] = field(default_factory=list)
    seed: str = str(DEFAULT_SEED)
    built_seed: str = str(DEFAULT_SEED)
    """The seed the networks shown were built from (``seed`` may have been typed since)."""
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    revision: int = 0
    """Counts changes (steps, resets); the live view redraws when it moves."""
    listeners: list[Any] = field(default_factory=list, repr=False)

    def notify(self) -> None:
        """Tell the views that the session changed (after a step, a reset or new settings)."""
        self.revision += 1
        for listener in list(self.listeners):
            listener(self.revision)

    @classmethod
    def single(cls, scenario: str = "default", seed: Any = DEFAULT_SEED) -> Session:
        """A session showing one network."""
        session = cls(sides=[Side(scenario, trainer_values(scenario))], seed=str(seed))
        session.reset()
        return session

    def set_pair(self, left: str, right: str) -> None:
        """Show two scenarios side by side, each at its own values, and reset both."""
        with self.lock:
            self.sides = [Side(left, trainer_values(left)), Side(right, trainer_values(right))]
            self.reset()

    def set_single(self) -> None:
        """Keep only the first network."""
        with self.lock:
            self.sides = self.sides[:1]
            self.reset()

    def set_scenario(self, index: int, name: str) -> None:
        """Load a scenario (and its values) into one side, and reset every side."""
        with self.lock:
            self.sides[index] = Side(name, trainer_values(name))
            self.reset()

    def reset(self) -> None:
        """Rebuild every side at week 0 from its settings and the shared seed."""
        with self.lock:
            for side in self.sides:
                side.reset(self.seed)
            self.built_seed = self.seed

    def step(self) -> None:
        """One week for every network (a network that has ended stays where it is)."""
        with self.lock:
            for side in self.sides:
                if side.model is not None and side.model.running:
                    side.model.step()

    @property
    def week(self) -> int:
        """The week shown (the furthest side; sides only differ once one has ended)."""
        return max((s.model.steps for s in self.sides if s.model is not None), default=0)

    @property
    def running(self) -> bool:
        """Whether any side can go on."""
        return any(s.model is not None and s.model.running for s in self.sides)


# --- words ------------------------------------------------------------------------------


def choice_text(choice: Any, t: Translator, settings: Mapping[str, Any] | None = None) -> str:
    """A choice of a choice parameter in words; governance says when no coordinator is paid.

    Args:
        choice: The choice (an enum or its string value).
        t: The session's translator.
        settings: The network's other settings (the coordination budget); None: not known.
    """
    choice = str(getattr(choice, "value", choice))
    budget = None if settings is None else settings.get("coordination_budget_eur")
    if budget is not None and float(budget) <= 0 and choice in UNFUNDED_CHOICE_LABELS:
        return t(UNFUNDED_CHOICE_LABELS[choice])
    return t(CHOICE_LABELS.get(choice, choice.replace("_", " ")))


def unit_text(info: ParamInfo, value: Any, t: Translator,
              settings: Mapping[str, Any] | None = None) -> str:
    """A trainer parameter's value with its unit, in words (``1 500 €/kk``, ``every 4 weeks``);
    ``settings`` are the network's other settings, which a choice's words may depend on.
    """
    name = info.name
    if info.choices is not None:
        return choice_text(value, t, settings)
    if name == "leadership_depth":
        level = int(value)
        return f"{level} ({t(LEADERSHIP_LEVELS[level - 1])})"
    if name == "coordination_budget_eur":
        return t("{amount} €/month").format(amount=t.number(float(value), 0))
    if name == "meeting_interval_weeks":
        weeks = int(value)
        return t.ngettext("every week", "every {n} weeks", weeks).format(n=weeks)
    if name == "time_allocation_hours":
        return t("{hours} h per person a month").format(hours=t.number(float(value), 0))
    if name == "turnover_per_year":
        return t("{share} a year").format(share=t.percent(float(value)))
    if info.unit == "share":
        return t("{share} of people").format(share=t.percent(float(value)))
    return t.number(float(value), 2)


def slider_label(key: str, value: Any, t: Translator,
                 settings: Mapping[str, Any] | None = None) -> str:
    """A slider's label: the plain name and the value now, with its unit."""
    return f"{t(PLAIN_LABELS[key])}: {unit_text(PARAMETERS[key], value, t, settings)}"


def slider_range(key: str, value: Any) -> tuple[float, float, float]:
    """The slider's (low, high, step) for a trainer parameter showing ``value``."""
    info = PARAMETERS[key]
    if key in TRAINER_RANGES:
        low, high, step = TRAINER_RANGES[key]
        return low, max(high, float(value)), step
    if info.type is int:
        return float(info.low), float(info.high), 1.0  # type: ignore[arg-type]
    return float(info.low), float(info.high), nice_step(float(info.low), float(info.high))  # type: ignore[arg-type]


def nice_step(low: float, high: float, positions: int = 100) -> float:
    """A 1-2-5 step that gives about ``positions`` slider positions over [low, high]."""
    raw = (high - low) / positions
    if raw <= 0:
        return 1.0
    exponent = math.floor(math.log10(raw))
    for mantissa in (1.0, 2.0, 5.0, 10.0):
        step = mantissa * 10.0**exponent
        if step >= raw:
            return step
    return 10.0 ** (exponent + 1)


# --- drawing in the browser (SVG) -----------------------------------------------------------


@functools.cache
def _colour(index: int) -> str:
    """An organisation's colour as ``#rrggbb`` (cached: asked for every person every week)."""
    return to_hex(drawing.organisation_colour(index))


def _ties(model: NetworkModel) -> list[tuple[int, int, float]]:
    """Trust ties as undirected pairs of slots with the mean trust of the two directions."""
    i, j, w = model.trust_edges()
    merged: dict[tuple[int, int], list[float]] = {}
    for a, b, x in zip(i.tolist(), j.tolist(), w.tolist(), strict=True):
        merged.setdefault((min(a, b), max(a, b)), []).append(float(x))
    return [(a, b, sum(x) / len(x)) for (a, b), x in merged.items()]


def network_svg(model: NetworkModel, t: Translator, extent: float | None = None) -> str:
    """The network as an SVG picture.

    Participants are coloured by organisation and sized by commitment; active ones
    are filled, peripheral ones pale, dormant ones hollow and dashed, those who
    left grey crosses; residents' and clients' representatives are squares;
    trust ties are lines whose width and opacity grow with trust. Positions come
    from the model's stable layout, so people stay where they are.

    Args:
        model: The model.
        t: The session's translator (for the picture's accessible title).
        extent: Half-width of the drawing in layout units (pass the larger of two
            networks' extents to draw both on one scale); default this model's own.
    """
    layout = drawing.layout_for(model)
    people = list(model.participants)
    positions = layout.update(people)
    reach = (extent if extent is not None else layout.extent) + drawing.LAYOUT_MARGIN
    scale = NETWORK_PX / (2.0 * reach)

    def xy(uid: int) -> tuple[float, float]:
        x, y = positions[uid]
        return (x + reach) * scale, (reach - y) * scale

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{NETWORK_PX}" height="{NETWORK_PX}" '
             f'viewBox="0 0 {NETWORK_PX} {NETWORK_PX}" class="verkosto-network" role="img" '
             'style="max-width:100%;height:auto">',
             f"<title>{html.escape(t('Who trusts whom'))}</title>"]
    slot_xy = {int(p.slot): xy(p.unique_id) for p in people
               if drawing.status_name(p) != "left"}
    for a, b, w in _ties(model):
        if a in slot_xy and b in slot_xy:
            w = min(1.0, max(0.0, w))
            (x1, y1), (x2, y2) = slot_xy[a], slot_xy[b]
            opacity = drawing.EDGE_ALPHA_MIN + (drawing.EDGE_ALPHA_MAX - drawing.EDGE_ALPHA_MIN) * w
            parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                         f'stroke="{drawing.EDGE_COLOUR}" stroke-width="{TIE_WIDTH_MAX * w:.2f}" '
                         f'stroke-opacity="{opacity:.2f}"/>')
    for person in sorted(people, key=lambda p: drawing.STATUS_ORDER.index(drawing.status_name(p))
                         if drawing.status_name(p) in drawing.STATUS_ORDER else 0, reverse=True):
        x, y = xy(person.unique_id)
        status = drawing.status_name(person)
        if status == "left":
            d = NODE_RADIUS_MIN
            parts.append(f'<path d="M{x - d:.1f},{y - d:.1f}L{x + d:.1f},{y + d:.1f}'
                         f'M{x - d:.1f},{y + d:.1f}L{x + d:.1f},{y - d:.1f}" '
                         f'stroke="{drawing.DEPARTED_COLOUR}" stroke-width="1.2"/>')
            continue
        colour = _colour(int(person.organisation.index))
        r = NODE_RADIUS_MIN + NODE_RADIUS_PER_COMMITMENT * math.sqrt(
            max(0.0, min(1.0, float(person.commitment))))
        style = {
            "active": f'fill="{colour}" stroke="white" stroke-width="0.8"',
            "peripheral": f'fill="{colour}" fill-opacity="{drawing.PERIPHERAL_ALPHA}" '
                          f'stroke="{colour}" stroke-width="1"',
            "dormant": f'fill="none" stroke="{colour}" stroke-width="1.5" stroke-dasharray="2,2"',
        }.get(status, f'fill="{colour}"')
        if getattr(person, "is_resident", False):
            parts.append(f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" '
                         f'height="{2 * r:.1f}" {style}/>')
        else:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" {style}/>')
    parts.append("</svg>")
    return "".join(parts)


def legend_html(t: Translator) -> str:
    """How people and ties are drawn, in words."""
    items = [
        ("●", i18n.status_word("active", t)), ("◍", i18n.status_word("peripheral", t)),
        ("○", t("dormant (dashed)")), ("✕", i18n.status_word("left", t)),
        ("■", t("resident or client representative")),
        ("—", t("trust tie (wider = more trust)")),
    ]
    text = " · ".join(f"{symbol} {html.escape(word)}" for symbol, word in items)
    note = html.escape(t("colour = organisation, size = commitment"))
    return f'<div style="font-size:0.85em;color:#455a64">{text}<br>{note}</div>'


def shared_extent(models: Sequence[NetworkModel]) -> float:
    """The half-width (layout units) that holds every model's people: one scale for all."""
    extent = 0.0
    for model in models:
        layout = drawing.layout_for(model)
        layout.update(list(model.participants))
        extent = max(extent, layout.extent)
    return extent


def weeks_shown(week: int) -> int:
    """Right end of the week axis: whole years, at least :data:`MIN_WEEKS_SHOWN`."""
    return max(MIN_WEEKS_SHOWN, MIN_WEEKS_SHOWN * math.ceil(week / MIN_WEEKS_SHOWN))


MAX_WEEK_TICKS = 10
"""Most week-axis intervals a chart shows (more and their numbers run into each other)."""


def week_tick(x_max: int) -> int:
    """Weeks between the week axis's ticks: a quarter, half a year, then whole years, and
    as many years (1, 2, 5, 10, ...) as keep the ticks at most :data:`MAX_WEEK_TICKS`
    intervals apart, so a network left running for years keeps a readable axis.
    """
    if x_max <= MIN_WEEKS_SHOWN:
        return 13
    if x_max <= 2 * MIN_WEEKS_SHOWN:
        return 26
    magnitude = 1
    while True:
        for years in (magnitude, 2 * magnitude, 5 * magnitude):
            if x_max <= MAX_WEEK_TICKS * MIN_WEEKS_SHOWN * years:
                return MIN_WEEKS_SHOWN * years
        magnitude *= 10


def series(model: NetworkModel, column: str) -> tuple[list[float], list[float]]:
    """A reporter's recorded weeks and values (empty where the model has no such reporter)."""
    collector = model.datacollector
    values = collector.model_vars.get(column)
    if not values:
        return [], []
    weeks = [float(w) for w in collector._collection_steps[:len(values)]]
    return weeks, [float(v) for v in values]


def chart_svg(model: NetworkModel, curves: Sequence[Curve], t: Translator, *, x_max: int,
              y_max: float = 1.0, height: int = CHART_SIZE[1], y_label: str = "",
              stranger_level: float | None = None) -> str:
    """A line chart of reporters over the weeks, as SVG on fixed axes (with a legend below it
    in HTML when there is more than one line).

    Args:
        model: The model whose recorded reporters are drawn.
        curves: What to draw (missing reporters are left out).
        t: The session's translator (axis title, legend).
        x_max: Right end of the week axis (shared by the networks shown side by side).
        y_max: Top of the value axis (shared likewise).
        height: Chart height in pixels.
        y_label: Title of the value axis.
        stranger_level: Draw the trust between strangers (the scenario's ``trust_prior``,
            the floor of the network's trust) as a labelled dashed line at this value.
    """
    width = CHART_SIZE[0]
    left, right, top, bottom = CHART_MARGIN
    plot_w, plot_h = width - left - right, height - top - bottom

    def px(week: float, value: float) -> tuple[float, float]:
        return (left + plot_w * week / x_max,
                top + plot_h * (1.0 - min(max(value, 0.0), y_max) / y_max))

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" class="verkosto-chart" role="img" '
             f'font-family="{CHART_FONT_FAMILY}" font-size="{CHART_FONT_PX}" '
             'style="max-width:100%;height:auto">']
    tick = week_tick(x_max)
    for week in range(0, x_max + 1, tick):
        x, _ = px(week, 0.0)
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}" '
                     'stroke="#e0e0e0"/>')
        parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 13}" text-anchor="middle" '
                     f'fill="#555">{html.escape(t.number(week, 0))}</text>')
    for k in range(5):
        value = y_max * k / 4
        _, y = px(0.0, value)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
                     'stroke="#eeeeee"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#555">'
                     f'{html.escape(t.number(value, tick_decimals(value, y_max)))}</text>')
    parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 3}" text-anchor="middle" '
                 f'fill="#333" class="x-axis-title">{html.escape(t("weeks"))}</text>')
    if y_label:
        parts.append(f'<text x="{left}" y="{AXIS_TITLE_BASELINE_PX}" fill="#333" '
                     f'class="y-axis-title">{html.escape(y_label)}</text>')
    if stranger_level is not None:
        _, y = px(0.0, stranger_level)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
                     f'stroke="{drawing.STRANGER_COLOUR}" stroke-width="1.2" '
                     'stroke-dasharray="5,3" data-reference="trust_prior"/>')
        parts.append(f'<text x="{left + plot_w - 3}" y="{y + 11:.1f}" text-anchor="end" '
                     f'fill="{drawing.STRANGER_COLOUR}" stroke="white" stroke-width="3" '
                     'paint-order="stroke" class="stranger-level">'
                     f'{html.escape(t(drawing.STRANGER_LABEL))}</text>')
    for curve in curves:
        weeks, values = series(model, curve.column)
        if not weeks:
            continue
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (px(w, v) for w, v in zip(weeks, values,
                                                                                   strict=True)))
        parts.append(f'<polyline points="{points}" fill="none" stroke="{curve.colour}" '
                     f'stroke-width="{CURVE_WIDTH_PX}" data-column="{curve.column}"/>')
        if len(weeks) == 1:  # week 0 alone: a dot, since a line of one point is invisible
            parts.append(f'<circle cx="{points.split(",")[0]}" cy="{points.split(",")[1]}" '
                         f'r="2.5" fill="{curve.colour}"/>')
    parts.append("</svg>")
    if len(curves) > 1:
        parts.append('<div class="chart-legend" style="font-size:0.85em">' + " · ".join(
            f'<span style="color:{c.colour}">━ {html.escape(t(c.label))}</span>' for c in curves)
            + "</div>")
    return "".join(parts)


def tick_decimals(value: float, y_max: float) -> int:
    """Decimals that write a value-axis tick exactly: two on a 0-1 axis, else as few as the
    tick needs (a quarter of 30 is 7.5: written "8", it would name a tick it does not mark).
    """
    if y_max <= 1:
        return 2
    for decimals in (0, 1):
        if abs(round(value, decimals) - value) < 1e-9:
            return decimals
    return 2


def value_top(models: Sequence[NetworkModel]) -> float:
    """A shared top for the value axes: a round number above the largest value so far."""
    top = max((max(series(m, VALUE_CURVE.column)[1], default=0.0) for m in models), default=0.0)
    if top <= 1.0:
        return 1.0
    magnitude = 10.0 ** math.floor(math.log10(top))
    return math.ceil(top / magnitude * 1.1) * magnitude


# --- the page --------------------------------------------------------------------------------


def initial_language() -> str:
    """The language a new session opens in: the server's ``--lang``, else the environment's."""
    lang = os.environ.get(LANGUAGE_ENVIRONMENT, "")
    return lang if lang in i18n.LANGUAGES else i18n.language_from_environment()


PAGE_LANGUAGE_TEMPLATE = """
<template><span style="display: none"></span></template>
<script>
module.exports = {
    mounted() { this.apply(); },
    watch: { lang() { this.apply(); } },
    methods: { apply() { document.documentElement.lang = this.lang; } },
};
</script>
"""
"""A hidden Vue widget that writes the page's language into ``<html lang>`` (solara's page
has none): a screen reader or the browser's translation offer then knows a Finnish page is
Finnish, and it follows the language switch."""


@functools.cache
def _page_language_widget() -> type:
    """The widget class of :data:`PAGE_LANGUAGE_TEMPLATE` (made once, on first use)."""
    import ipyvuetify as v
    import traitlets

    class PageLanguage(v.VuetifyTemplate):
        template = traitlets.Unicode(PAGE_LANGUAGE_TEMPLATE).tag(sync=True)
        lang = traitlets.Unicode("en").tag(sync=True)

    return PageLanguage


@solara.component
def ParameterSlider(key: str, value: Any, on_value: Any, t: Translator,
                    settings: Mapping[str, Any] | None = None) -> None:
    """One trainer parameter: a slider (or a choice) labelled with its value and unit;
    ``settings`` are the network's settings, which a choice's words may depend on.
    """
    import reacton.ipyvuetify as rv

    info = PARAMETERS[key]
    label = slider_label(key, value, t, settings)
    if info.choices is not None:
        words = {choice_text(c, t, settings): c for c in info.choices}
        current = next(w for w, c in words.items() if c == str(getattr(value, "value", value)))
        solara.Select(label=t(PLAIN_LABELS[key]), values=list(words), value=current,
                      on_value=lambda w: on_value(words[w]), classes=[f"param-{key}"])
        return
    low, high, step = slider_range(key, value)
    cast = int if info.type is int else float
    rv.Slider(v_model=value, on_v_model=lambda v: on_value(cast(v)), label=label, min=low,
              max=high, step=step, thumb_label=False, class_=f"param-{key}", dense=True,
              hint=i18n.param_doc(key, t), persistent_hint=False)


@solara.component
def SideSettings(session: Session, index: int, names: list[str], t: Translator,
                 changed: Any, revision: int) -> None:
    """A sidebar card with one network's scenario, description and settings.

    ``revision`` changes whenever the session's settings do: the session is
    mutated in place, so without it the component would be skipped as unchanged.
    """
    del revision
    side = session.sides[index]
    title, description = scenario_text(side.scenario, t)
    labels = picker_labels(names, t)
    current = next(label for label, n in labels.items() if n == side.scenario)
    heading = t(SIDE_NAMES[index]) if len(session.sides) > 1 else t("Scenario")

    def choose(label: str) -> None:
        session.set_scenario(index, labels[label])
        changed()

    def set_value(key: str, value: Any) -> None:
        side.settings[key] = value
        changed()

    with solara.Card(heading, classes=[f"side-{index}"]), solara.Column(gap="2px"):
        solara.Select(label=t("Scenario"), values=list(labels), value=current, on_value=choose,
                      classes=["scenario-picker"])
        solara.HTML(tag="div", unsafe_innerHTML=f"<b>{html.escape(title)}</b><br>"
                    f"{html.escape(description)}", style={"font-size": "0.9em"})
        for key in TRAINER_PARAMETERS:
            ParameterSlider(key, side.settings[key], lambda v, key=key: set_value(key, v), t,
                            dict(side.settings)).key(f"{index}-{key}-{t.lang}")
        if side.model is not None and any(
                side.model.params.flat()[k] != v for k, v in side.settings.items()):
            solara.Text(t("Press Reset to start again with these settings."),
                        style={"color": "#b71c1c", "font-size": "0.9em"})


def title_of(name: str, t: Translator) -> str:
    """A scenario's title in the session's language (for the picker)."""
    return scenario_text(name, t)[0]


def picker_labels(names: Sequence[str], t: Translator) -> dict[str, str]:
    """The scenario picker's entries in the session's language -> scenario names.

    An entry is the scenario's title alone: the file names are English identifiers, which
    a Finnish page showed in brackets after every title (and which only repeat the title on
    an English one). A title shared by two scenarios gets its name added to tell them apart.
    """
    titles = [title_of(n, t) for n in names]
    return {(f"{title} ({n})" if titles.count(title) > 1 else title): n
            for title, n in zip(titles, names, strict=True)}


def column_html(session: Session, index: int, t: Translator, extent: float, x_max: int,
                y_value: float) -> str:
    """One network as HTML: heading, verdict, reading, picture, curves and figures.

    The whole live view is a few HTML strings rather than a tree of widgets, so that a
    week costs the server a few messages per session, not one per label (what a room of
    sessions stepping together pays for, see ``benchmarks/bench_dashboard.py``).
    """
    side = session.sides[index]
    model = side.model
    if model is None:
        return ""
    title = scenario_text(side.scenario, t)[0]
    heading = f"{t(SIDE_NAMES[index])}: {title}" if len(session.sides) > 1 else title
    picture = network_svg(model, t, extent) + legend_html(t)
    charts = (chart_svg(model, CURVES, t, x_max=x_max, y_label=t("over all seats (0-1)"),
                        stranger_level=float(model.params.trust_prior))
              + "<br>" + chart_svg(model, [VALUE_CURVE], t, x_max=x_max, y_max=y_value,
                                   height=VALUE_CHART_HEIGHT, y_label=t(VALUE_CURVE.label)))
    rows = "".join(f"<tr><td>{html.escape(label)}</td><td style='text-align:right'>"
                   f"{html.escape(value)}</td></tr>" for label, value in figures_now(model, t))
    charts += f"<table style='font-size:0.9em'>{rows}</table>"
    # One network: picture and charts beside each other; two: each column stacks them.
    return (
        f'<div class="network-{index}" style="display:flex;flex-direction:column;gap:4px">'
        f'<div class="heading" style="font-size:1.15em;font-weight:bold">{html.escape(heading)}</div>'
        f'<div class="verdict" style="font-size:1.1em">'
        f'{html.escape(t("Outcome so far"))}: {html.escape(verdict(model, t))}</div>'
        f'<div class="reading" style="font-style:italic">{html.escape(reading(model, t))}</div>'
        '<div style="display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start">'
        f'<div class="picture" style="flex:0 1 {NETWORK_PX}px;min-width:280px">{picture}</div>'
        f'<div class="charts" style="flex:1 1 {CHARTS_BASIS_PX}px;min-width:280px">{charts}</div>'
        "</div></div>")


def live_html(session: Session, t: Translator) -> tuple[str, str]:
    """The live part of the page as HTML: the week, and every network with its curves."""
    with session.lock:
        models = [s.model for s in session.sides if s.model is not None]
        extent = shared_extent(models)
        x_max = weeks_shown(session.week)
        y_value = value_top(models)
        week = f'<div class="week" style="font-size:1.6em;font-weight:bold">' \
               f"{html.escape(week_text(session.week, t))}</div>"
        columns = "".join(f'<div style="flex:1 1 0;min-width:300px">'
                          f"{column_html(session, k, t, extent, x_max, y_value)}</div>"
                          for k in range(len(session.sides)))
    return week, columns


@solara.component
def Live(session: Session, t: Translator) -> None:
    """The part of the page that changes every week: the week and each network.

    A change of the session (a step, a reset, new settings) writes the new HTML straight
    into the two widgets, without rendering any component again: a render walks the
    page's whole tree of components (about a hundred, most of them the settings), which
    cost the server more than the model's week and the drawing together, and with a
    room stepping at once that decided the wait (``benchmarks/bench_dashboard.py``).
    The two widgets are made here once and placed in the page as they are, not as
    elements: reacton would otherwise set an element's old HTML back into its widget
    whenever the page renders again (on Play, Pause, new settings).
    """
    def make() -> tuple[Any, Any]:
        week, columns = live_html(session, t)
        return (solara.widgets.HTML(tag="div", unsafe_innerHTML=week,
                                    attributes={"class": "live-week"}),
                solara.widgets.HTML(tag="div", unsafe_innerHTML=columns,
                                    attributes={"class": "live-networks",
                                                "style": "display: flex; gap: 24px; "
                                                         "flex-wrap: wrap"}))

    week_widget, networks_widget = solara.use_memo(make, [session])

    def listen() -> Any:
        def redraw(_revision: int) -> None:
            new_week, new_columns = live_html(session, t)
            week_widget.unsafe_innerHTML = new_week
            networks_widget.unsafe_innerHTML = new_columns

        redraw(session.revision)  # the language, or anything changed since the widgets were made
        session.listeners.append(redraw)
        return lambda: session.listeners.remove(redraw)

    solara.use_effect(listen, [session, t])
    solara.Column(children=[week_widget, networks_widget], gap="0px")


@solara.component
def Page() -> None:
    """The dashboard of one browser session."""
    names = solara.use_memo(scenario_names, [])
    session = solara.use_memo(lambda: Session.single("default" if "default" in names else names[0]),
                              [])
    lang = solara.use_reactive(initial_language())
    settings_version = solara.use_reactive(0)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(DEFAULT_SPEED)
    # Whether a network can still go on: Step and Play are disabled once every one has
    # ended (the session changes in place, so the page must be told).
    running = solara.use_reactive(session.running)
    t = i18n.translator(lang.value)

    def track_running() -> None:
        if running.peek() != session.running:
            running.set(session.running)

    def stepped() -> None:
        session.notify()
        track_running()

    def changed() -> None:
        settings_version.set(settings_version.peek() + 1)
        session.notify()
        track_running()

    def do_step() -> None:
        session.step()
        stepped()

    def do_reset() -> None:
        playing.value = False
        session.reset()
        changed()

    def load_pair(left: str, right: str) -> None:
        playing.value = False
        session.set_pair(left, right)
        changed()

    def one_network() -> None:
        playing.value = False
        session.set_single()
        changed()

    def play(cancel: threading.Event) -> None:
        if not playing.value:
            return
        interval = 1.0 / SPEEDS[speed.value]
        due = time.monotonic()
        while not cancel.is_set():
            if not session.running:
                playing.value = False
                return
            session.step()
            stepped()
            due = max(due + interval, time.monotonic() - interval)
            cancel.wait(max(0.0, due - time.monotonic()))

    # Not intrusive: an intrusive cancel traces every line of the thread, the model's steps too.
    solara.use_thread(play, dependencies=[playing.value, speed.value], intrusive_cancel=False)

    solara.Title(t(TITLE))
    solara.Style(LAYOUT_CSS)
    _page_language_widget().element(lang=t.lang)
    with solara.Div(classes=["verkosto-layout"]):
        with solara.Div(classes=["verkosto-main"]):
            solara.Text(t(TITLE), style={"font-size": "1.4em", "font-weight": "500"})
            with solara.Row(gap="8px", style={"align-items": "center", "flex-wrap": "wrap"}):
                solara.Button(t("Reset"), on_click=do_reset, color="secondary",
                              classes=["reset"])
                solara.Button(t("Step"), on_click=do_step,
                              disabled=playing.value or not running.value, classes=["step"])
                if playing.value:
                    solara.Button(t("Pause"), icon_name="mdi-pause",
                                  on_click=lambda: playing.set(False), color="primary",
                                  classes=["pause"])
                else:
                    solara.Button(t("Play"), icon_name="mdi-play",
                                  on_click=lambda: playing.set(True), color="primary",
                                  disabled=not running.value, classes=["play"])
                solara.Text(t("Speed:"))
                solara.ToggleButtonsSingle(
                    value=speed.value, on_value=lambda v: speed.set(v), classes=["speed"],
                    children=[solara.Button(t(word), value=word, text=True) for word in SPEEDS])
            Live(session, t)
        with solara.Div(classes=["verkosto-settings"]), solara.Column(gap="8px"):
            solara.ToggleButtonsSingle(
                value=lang.value, on_value=lambda v: lang.set(v), classes=["language"],
                children=[solara.Button(label, value=code, text=True)
                          for code, label in i18n.LANGUAGES.items()])
            with solara.Card(t("Compare two networks")), solara.Column(gap="4px"):
                for left, right, text in PRESET_PAIRS:
                    if left in names and right in names:
                        solara.Button(t(text), on_click=lambda a=left, b=right: load_pair(a, b),
                                      outlined=True, classes=[f"pair-{left}-{right}"],
                                      style={"white-space": "normal", "height": "auto",
                                             "min-height": "36px"})
                if len(session.sides) > 1:
                    solara.Button(t("Back to one network"), on_click=one_network, text=True)
            for index in range(len(session.sides)):
                SideSettings(session, index, names, t, changed, settings_version.value).key(
                    f"side-{index}-{session.sides[index].scenario}")

            def set_seed(text: str) -> None:
                session.seed = text
                changed()  # the hint below

            solara.InputText(t("Random seed (which people are drawn)"), value=session.seed,
                             on_value=set_seed, continuous_update=True)
            if session.seed != session.built_seed:
                solara.Text(t("Press Reset to start again with these settings."),
                            style={"color": "#b71c1c", "font-size": "0.9em"},
                            classes=["seed-hint"])
