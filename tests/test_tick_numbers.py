"""Axis numbers are written as sentences write them: thousands separated, in the figure's
language (``2,000`` / ``0.5`` in English, ``2 000`` / ``0,5`` in Finnish).

English figures showed matplotlib's own ``2000`` on euro budgets and weeks past 999, and
Finnish ones wrote ``1`` beside ``0,2`` on the same axis.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.axis import Axis
from matplotlib.figure import Figure

from verkosto import i18n

NNBSP = "\u202f"
"""Finnish thousands separator (narrow no-break space)."""

THOUSANDS = {"en": "2,000", "fi": f"2{NNBSP}000"}
"""The tick at 2000 in each language."""



def decimal(text: str, lang: str) -> str:
    """An English decimal (``0.4``) as ``lang`` writes it."""
    return text.replace(".", ",") if lang == "fi" else text


def labels(axis: Axis) -> dict[float, str]:
    """The drawn figure's tick labels of ``axis``: value -> text (visible ticks only)."""
    low, high = sorted(axis.get_view_interval())
    return {round(float(tick), 9): label.get_text()
            for tick, label in zip(axis.get_majorticklocs(), axis.get_majorticklabels(),
                                   strict=True) if low <= tick <= high and label.get_text()}


def in_language(lang: str, draw):
    """``draw()`` with ``lang`` current (English again afterwards)."""
    i18n.set_language(lang)
    try:
        return draw()
    finally:
        i18n.set_language("en")


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_tick_formatter_writes_numbers_as_sentences_do(lang):
    from analysis.text import fixed, tick_formatter

    fig = Figure()
    ax = fig.add_subplot()
    ax.plot([-2500.0, 3000.0], [0.0, 1.0])
    ax.xaxis.set_major_formatter(tick_formatter(i18n.translator(lang)))
    ax.yaxis.set_major_formatter(tick_formatter(i18n.translator(lang)))
    fig.canvas.draw()
    x, y = labels(ax.xaxis), labels(ax.yaxis)
    assert x[2000.0] == THOUSANDS[lang]
    assert x[-2000.0] == "\u2212" + THOUSANDS[lang]  # matplotlib's minus sign stays
    assert x[0.0] == "0"
    # One number of decimals on an axis, as matplotlib chooses: 1.0 beside 0.2, not "1".
    assert y[1.0] == decimal("1.0", lang) and y[0.2] == decimal("0.2", lang)
    # The same writing as prose (analysis.text.fixed) in the current language.
    i18n.set_language(lang)
    assert x[3000.0] == fixed(3000.0)


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_budget_figure_separates_thousands_of_euros(lang, tmp_path: Path):
    from analysis import figures

    curve = pd.DataFrame({"budget_eur": [0.0, 500.0, 1500.0, 3000.0], "stage": "search",
                          "runs": 8, "probability": [0.0, 0.5, 1.0, 1.0], "low": 0.0,
                          "high": 1.0})
    fig = in_language(lang, lambda: figures.budget_figure(curve, 0.8, 1500.0, 0.9))
    in_language(lang, lambda: figures.save(fig, tmp_path / "budget"))
    ax = fig.get_axes()[0]
    assert labels(ax.xaxis)[2000.0] == THOUSANDS[lang]
    assert labels(ax.yaxis)[0.4] == decimal("0.4", lang)


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_report_figures_separate_thousands(lang):
    """Every figure of the report goes through image_bytes (and save): a time series of
    value created passes 1,000."""
    from analysis import figures

    ts = pd.DataFrame({"run_id": [0, 0, 1, 1], "step": [0, 1, 0, 1],
                       "value_created": [0.0, 2500.0, 0.0, 3000.0]})
    fig = in_language(lang, lambda: figures.timeseries_bands(
        ts, pd.Series(["a", "a"], index=[0, 1]), reporters=("value_created",)))
    in_language(lang, lambda: figures.image_bytes(fig))
    assert labels(fig.get_axes()[0].yaxis)[2000.0] == THOUSANDS[lang]


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_run_overview_separates_thousands_of_weeks(lang, tmp_path: Path, monkeypatch):
    from verkosto import cmd_run

    request = cmd_run.prepare("no_coordination", [], 1, 2, tmp_path / "run")
    model = cmd_run.simulate(request, progress=False)
    weeks = np.arange(0, 2401)
    frame = pd.DataFrame({"step": weeks, **{column: np.linspace(0.6, 0.2, len(weeks))
                                            for column, _ in cmd_run.OVERVIEW_SERIES}})
    drawn: list[Figure] = []
    real_savefig = Figure.savefig
    monkeypatch.setattr(Figure, "savefig", lambda self, *a, **k: (
        drawn.append(self), real_savefig(self, *a, **k))[1])
    in_language(lang, lambda: cmd_run.draw_overview(tmp_path / "overview.png", request, model,
                                                    frame))
    series_ax = drawn[0].get_axes()[0]
    assert labels(series_ax.xaxis)[2000.0] == THOUSANDS[lang]
    assert labels(series_ax.yaxis)[0.4] == decimal("0.4", lang)


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_sensitivity_figure_separates_thousands(lang, tmp_path: Path, monkeypatch):
    """μ* of value created is in its own units and passes 1,000."""
    from experiments.sensitivity import SampleMethod, plot_indices

    drawn: list[Figure] = []
    monkeypatch.setattr(Figure, "savefig", lambda self, *a, **k: drawn.append(self))
    indices = pd.DataFrame({"measure": "value_created", "parameter": ["a", "b"],
                            "index": "mu_star", "value": [2600.0, 900.0], "ci_low": 0.0,
                            "ci_high": 3000.0, "rank": [1, 2]})
    in_language(lang, lambda: plot_indices(indices, SampleMethod.MORRIS,
                                           tmp_path / "indices.png"))
    fig = drawn[0]
    in_language(lang, fig.canvas.draw)
    assert labels(fig.get_axes()[0].xaxis)[2000.0] == THOUSANDS[lang]


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_animation_frames_separate_thousands_of_weeks(lang):
    from verkosto import animate as animate_module

    model = animate_module.load_model("no_coordination", 1)
    fig = Figure(figsize=animate_module.FIGURE_SIZE)
    axes = {"network": fig.add_subplot(131), "series": fig.add_subplot(132),
            "value": fig.add_subplot(133), "reading": fig.text(0, 0, "")}
    animate_module._draw_frame(fig, axes, model, "x", 2400, i18n.translator(lang))
    fig.canvas.draw()
    for ax in (axes["series"], axes["value"]):
        assert labels(ax.xaxis)[2000.0] == THOUSANDS[lang]


WEEK_TITLES = {"en": "week 2,000:", "fi": f"viikko 2{NNBSP}000:"}
"""How the network drawing's title begins at week 2000 in each language."""


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_network_titles_separate_thousands_of_weeks(lang):
    """The network drawing's title wrote "week 2000" beside axes that write "2,000"."""
    import dataclasses

    from analysis.network import StableLayout, draw_snapshot, network_map, network_map_figure, snapshot
    from model import NetworkModel

    model = NetworkModel(rng=5, n_organisations=4, participants_per_organisation=3)
    model.run_for(2)
    ax = Figure().subplots()
    snap = dataclasses.replace(snapshot(model), step=2000)
    in_language(lang, lambda: draw_snapshot(ax, snap, StableLayout()))
    # Unwrapped: the separator is no space to wrap at, so "2 000" stays on one line.
    assert ax.get_title().startswith(WEEK_TITLES[lang]), ax.get_title()
    nmap = dataclasses.replace(network_map(model, int(snap.slot[0])), step=2000)
    title = in_language(lang, lambda: network_map_figure(nmap)).axes[0].get_title()
    assert title.split("\n")[0].endswith(THOUSANDS[lang]), title


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_dashboard_week_heading_separates_thousands(lang):
    """The dashboard's heading wrote "Week 2000" over charts whose week axis writes "2,000"."""
    from verkosto.words import week_text

    assert week_text(2000, i18n.Translator(lang)).endswith(" " + THOUSANDS[lang])
    assert week_text(12, i18n.Translator(lang)).endswith(" 12")
