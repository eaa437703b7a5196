"""The trainer's dashboard page: a Mesa SolaraViz application.

Served by ``verkosto dashboard`` (see :mod:`verkosto.dashboard`, which sets
solara up to work offline before this module imports it). The page shows

- a scenario picker with the scenario's plain-language description;
- sliders and choices for what a trainer changes live, generated from the
  parameter declarations in ``model.params`` with their units and bounds;
  they take effect when Reset is pressed, as everywhere in SolaraViz;
- the network: participants coloured by organisation and sized by
  commitment, trust ties whose width is trust, dormant and departed people
  drawn differently, on a layout that stays put (:mod:`verkosto.drawing`);
- live plots of familiarity, trust, commitment, active share and value
  created; Step, Play and Reset; the outcome so far and a one-line reading.

Every browser session (tab) builds its own model in its own render context,
so two trainers never see each other's runs.
"""

from __future__ import annotations

import math
import zlib
from typing import Any

import solara
from matplotlib.figure import Figure
from mesa.visualization import Slider, SolaraViz, make_plot_component
from mesa.visualization.utils import update_counter

from model import NetworkModel
from model.params import PARAMETERS, ParamInfo, Params
from verkosto import drawing

DEFAULT_SEED = 42
"""Seed of the network drawn when a page opens; a trainer can change it before Reset."""

PLAY_INTERVAL_MS = 250
"""Pause between weeks while playing (milliseconds)."""

SLIDER_POSITIONS = 200
"""A float slider offers about this many positions between its bounds."""

NETWORK_FIGURE_SIZE = (6.4, 4.8)
"""Size of the network drawing (inches)."""

NETWORK_DPI = 100
"""Resolution of the network drawing sent to the browser (dots per inch)."""

NETWORK_AXES = (0.0, 0.0, 0.78, 0.92)
"""Where the network sits in its figure (left, bottom, width, height); the legend takes the
right-hand strip and the title the top."""

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
    "coordination_budget_eur": "Budget",
    "meeting_interval_weeks": "Meeting every",
    "facilitation": "Facilitation",
    "structure": "Structure",
    "leadership_depth": "Leadership depth",
    "governance": "Governance",
    "time_allocation_hours": "Time allocated",
    "turnover_per_year": "Staff turnover",
    "share_brokers": "Brokers",
    "share_recruiters": "Recruiters",
    "resident_share": "Residents' seats",
}
"""Short names for the sidebar; any other parameter is labelled from its declared name."""

UNITLESS = frozenset({"", "0-1", "flag", "level 1-4"})
"""Declared units that say nothing a slider's ends do not already show."""

SEED_PARAMETER = "rng"
"""The model's keyword for its random seed."""

SCENARIO_PARAMETER = "scenario_name"
"""The keyword :class:`DashboardModel` takes the chosen scenario by."""

STATE_PARAMETERS: tuple[str, ...] = (
    "coordination_budget_eur",
    "meeting_interval_weeks",
    "facilitation",
    "leadership_depth",
    "time_allocation_hours",
    "turnover_per_year",
)
"""Settings echoed under the reading so the room sees what is in force."""

NO_SCENARIO = "(model defaults)"
"""Picker entry used when no scenario catalogue is installed."""

TITLE = "verkosto: how networks thrive or fade"


# --- scenarios -----------------------------------------------------------------------------


def scenario_names() -> list[str]:
    """Names of the shipped scenarios, or an empty list where ``scenarios`` is not installed."""
    try:
        import scenarios
    except ImportError:
        return []
    if not hasattr(scenarios, "names"):  # the folder exists but holds no catalogue yet
        return []
    return list(scenarios.names())


def scenario_params(name: str) -> Params:
    """The parameters of a scenario (model defaults for :data:`NO_SCENARIO`)."""
    if name == NO_SCENARIO:
        return Params()
    import scenarios

    return scenarios.load(name)


def scenario_text(name: str) -> tuple[str, str]:
    """A scenario's title and plain-language description."""
    if name == NO_SCENARIO:
        return "Model defaults", "No scenario catalogue is installed; the model's defaults apply."
    import scenarios

    meta = scenarios.info(name)
    return str(meta.title), str(meta.description)


def default_scenario(names: list[str]) -> str:
    """The scenario a page opens with."""
    for candidate in ("default", "light_skilled_coordination"):
        if candidate in names:
            return candidate
    return names[0] if names else NO_SCENARIO


# --- the model as the dashboard builds it --------------------------------------------------


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


class DashboardModel(NetworkModel):
    """A ``NetworkModel`` built from a named scenario plus the trainer's slider values.

    SolaraViz re-creates the model on Reset by calling its class with the
    page's parameters; this class turns the scenario name and the seed typed
    into the page into what ``NetworkModel`` takes. It adds no dynamics.

    Args:
        scenario_name: A shipped scenario, or :data:`NO_SCENARIO`.
        rng: Seed (an int, or the text typed into the page).
        scenario: Mesa's own experimental ``Scenario`` object, which SolaraViz
            passes on Reset; verkosto names its scenarios by ``scenario_name``
            instead, so it is ignored.
        **overrides: Flat parameter overrides from the sliders.
    """

    def __init__(self, scenario_name: str = NO_SCENARIO, rng: Any = DEFAULT_SEED,
                 scenario: Any = None, **overrides: Any):
        del scenario
        super().__init__(params=scenario_params(scenario_name), rng=_seed(rng), **overrides)
        self.scenario_name = scenario_name


# --- sliders from the declarations --------------------------------------------------------


def nice_step(low: float, high: float, positions: int = SLIDER_POSITIONS) -> float:
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


def parameter_label(info: ParamInfo) -> str:
    """Sidebar label: plain name and unit (the slider's ends are the declared bounds)."""
    name = PLAIN_LABELS.get(info.name, info.name.replace("_", " ").capitalize())
    if info.choices is not None or info.type is bool or info.unit in UNITLESS:
        return name
    return f"{name} ({info.unit})"


def user_parameter(info: ParamInfo, value: Any) -> Slider | dict[str, Any]:
    """The SolaraViz input for one declared parameter, set to ``value``."""
    label = parameter_label(info)
    if info.choices is not None:
        return {"type": "Select", "value": str(getattr(value, "value", value)),
                "values": list(info.choices), "label": label}
    if info.type is bool:
        return {"type": "Checkbox", "value": bool(value), "label": label}
    if info.type is int:
        return Slider(label, int(value), int(info.low), int(info.high), 1, dtype=int)
    step = nice_step(float(info.low), float(info.high))
    return Slider(label, float(value), float(info.low), float(info.high), step, dtype=float)


def model_parameters(name: str, seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """SolaraViz ``model_params`` for a scenario: trainer inputs at the scenario's values."""
    flat = scenario_params(name).flat()
    inputs: dict[str, Any] = {
        SCENARIO_PARAMETER: name,
        SEED_PARAMETER: {"type": "InputText", "value": str(seed),
                         "label": "Random seed (which network is drawn)"},
    }
    for key in TRAINER_PARAMETERS:
        if key in PARAMETERS:
            inputs[key] = user_parameter(PARAMETERS[key], flat[key])
    return inputs


# --- views --------------------------------------------------------------------------------


def _format(value: Any) -> str:
    """Short display of a parameter value."""
    value = getattr(value, "value", value)
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() else f"{value:.3g}"
    return str(value)


def settings_in_force(model: Any) -> str:
    """One line naming the key settings of the running model with their units."""
    params = getattr(model, "params", None)
    if params is None:
        return ""
    flat = params.flat()
    parts = []
    for key in STATE_PARAMETERS:
        if key in flat:
            info = PARAMETERS[key]
            unit = "" if info.unit in UNITLESS else f" {info.unit}"
            parts.append(f"{PLAIN_LABELS.get(key, key)}: {_format(flat[key])}{unit}")
    return "; ".join(parts)


@solara.component
def NetworkView(model: Any) -> None:
    """The network drawn on its stable layout."""
    update_counter.get()
    fig = Figure(figsize=NETWORK_FIGURE_SIZE, dpi=NETWORK_DPI)
    ax = fig.add_axes(NETWORK_AXES)
    drawing.draw_network(ax, model)
    drawing.status_legend(ax)
    fig.suptitle(f"Week {model.steps}: who trusts whom\n(colour = organisation, "
                 "size = commitment)", fontsize="medium")
    solara.FigureMatplotlib(fig, format="png")


@solara.component
def StateView(model: Any) -> None:
    """Where the network is now, in words: week, outcome so far, reading, settings."""
    update_counter.get()
    frame = drawing.model_frame(model)
    last = frame.iloc[-1] if len(frame) else None
    with solara.Column(style={"padding": "8px"}):
        solara.Text(f"Week {model.steps}", style={"font-size": "1.3em", "font-weight": "bold"})
        solara.Text(f"Outcome so far: {model.outcome}", style={"font-size": "1.15em"})
        phase = getattr(model, "phase", None)
        if phase is not None:
            solara.Text(f"Phase: {_format(phase)}")
        solara.Text(str(model.reading()), style={"font-style": "italic"})
        if last is not None:
            numbers = [f"{label} {float(last[column]):.2f}"
                       for column, (label, _) in drawing.SERIES.items() if column in frame]
            solara.Text("Now: " + ", ".join(numbers))
        solara.Text(f"Settings in force: {settings_in_force(model)}",
                    style={"color": "#555", "font-size": "0.9em"})


def _weeks_axis(ax: Any) -> None:
    """Start the week axis at 0 and keep it at least one week wide (a lone point shows)."""
    last = max((float(max(line.get_xdata(), default=0.0)) for line in ax.lines), default=0.0)
    ax.set_xlim(0.0, max(1.0, last))
    for line in ax.lines:
        if len(line.get_xdata()) == 1:
            line.set_marker("o")


def _unit_axes(ax: Any) -> None:
    """Post-process the 0-1 plot: fixed scale, plain labels."""
    _weeks_axis(ax)
    ax.set_ylim(0.0, drawing.UNIT_AXIS_TOP)
    ax.set_ylabel("share / level (0-1)")
    labels = [drawing.SERIES[line.get_label()][0] for line in ax.lines]
    ax.legend(ax.lines, labels, loc="upper left", fontsize="small", frameon=False)
    ax.grid(alpha=0.3)


def _value_axes(ax: Any) -> None:
    """Post-process the value plot: plain labels."""
    _weeks_axis(ax)
    ax.set_ylabel("value created per week")
    ax.set_ylim(bottom=0.0)
    ax.grid(alpha=0.3)
    if ax.get_legend() is not None:
        ax.get_legend().remove()


COMPONENTS = [
    (NetworkView, 0),
    (StateView, 0),
    make_plot_component({c: colour for c, (_, colour) in drawing.SERIES.items()},
                        post_process=_unit_axes),
    make_plot_component({c: colour for c, (_, colour) in drawing.VALUE_SERIES.items()},
                        post_process=_value_axes),
]
"""What the main panel shows (SolaraViz components on page 0)."""


@solara.component
def ScenarioPicker(scenario: solara.Reactive[str], names: list[str]) -> None:
    """Sidebar card: choose a scenario and read what it shows."""
    title, description = scenario_text(scenario.value)
    with solara.Card("Scenario"), solara.Column(gap="4px"):
        if names:
            solara.Select(label="Scenario", value=scenario, values=names)
        solara.Text(title, style={"font-weight": "bold"})
        solara.Text(description)


@solara.component
def Page() -> None:
    """The dashboard: scenario picker plus a SolaraViz of this session's own model."""
    names = solara.use_memo(scenario_names, [])
    scenario = solara.use_reactive(default_scenario(names))
    model = solara.use_memo(
        lambda: DashboardModel(scenario_name=scenario.value, rng=DEFAULT_SEED), [scenario.value])
    with solara.Sidebar():
        ScenarioPicker(scenario, names)
    SolaraViz(
        model,
        components=COMPONENTS,
        model_params=model_parameters(scenario.value),
        name=TITLE,
        play_interval=PLAY_INTERVAL_MS,
    ).key(f"viz-{scenario.value}")
