"""The analysis outputs in Finnish: report, budget, compare and patterns with ``--lang fi``.

Each command runs end to end on a tiny network and a few weeks; the tests assert that
specific Finnish words are in what it prints and writes, and that the English words they
replace are not. The figures are checked where they are built (titles, labels, ticks).
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from verkosto import i18n, i18n_extract
from verkosto.cli import main

TINY = ["--set", "n_organisations=3", "--set", "participants_per_organisation=3"]


@pytest.fixture(autouse=True)
def _english_afterwards():
    yield
    i18n.set_language("en")


def _absent(text: str, words: list[str]) -> list[str]:
    """The English words (whole words or phrases) that appear in ``text``."""
    return [w for w in words if re.search(rf"(?<![\w/]){re.escape(w)}(?![\w/])", text)]


def test_the_extraction_covers_the_analysis_outputs():
    """Messages marked in analysis/ and experiments/patterns.py reach the catalogs."""
    pot = i18n_extract.template()
    places = {where for message in pot for where, _line in message.locations}
    for module in ("analysis/report.py", "analysis/figures.py", "analysis/compare.py",
                   "analysis/budget.py", "analysis/network.py", "experiments/patterns.py",
                   "verkosto/cmd_budget.py", "verkosto/cmd_compare.py"):
        assert module in places, module


def test_compare_in_finnish(tmp_path, capsys):
    out = tmp_path / "cmp"
    assert main(["compare", "default", "no_coordination", "--replications", "2", "--steps", "6",
                 "--workers", "1", "--out", str(out), "--lang", "fi", *TINY]) == 0
    text = capsys.readouterr().out
    for word in ("Lopputulokset", "skenaario", "kukoistava", "hiipunut", "Ei koordinointia",
                 "Viimeisellä viikolla", "prosenttiyksikköinä", "aktiivisten osuus",
                 "kirjoitettiin"):
        assert word in text, word
    assert _absent(text, ["Outcomes over", "thriving", "faded", "No coordination",
                          "At the last week", "percentage points", "active share",
                          "wrote", "scenario"]) == []
    # The files stay machine-readable: English keys, outcomes as the model names them.
    table = pd.read_csv(out / "compare_outcomes.csv")
    assert "thriving" in set(table["outcome"]) and "probability" in table.columns


def test_budget_in_finnish(tmp_path, capsys):
    out = tmp_path / "budget"
    assert main(["budget", "default", "--target", "0.5", "--replications", "4", "--batch", "2",
                 "--steps", "6", "--max", "2000", "--resolution", "1000", "--workers", "1",
                 "--out", str(out), "--lang", "fi", *TINY]) == 0
    captured = capsys.readouterr()
    text = captured.out
    assert "€/kk" in text and "Kokeiltiin" in text and "kirjoitettiin" in text
    assert ("Pienin koordinoinnin budjetti" in text) or ("Mikään budjetti" in text)
    assert "kukoisti" in captured.err and "haku" in captured.err
    assert _absent(text + captured.err, ["EUR/month", "Searched", "thrived", "wrote",
                                         "Smallest coordination budget", "No budget"]) == []
    report = json.loads((out / "budget.json").read_text())
    assert "min_budget_eur_per_month" in report  # JSON keys stay English


def test_patterns_in_finnish(tmp_path, capsys):
    out = tmp_path / "patterns"
    assert main(["patterns", "--only", "P8", "--replications", "2", "--steps", "4",
                 "--workers", "1", "--out", str(out), "--lang", "fi", *TINY]) == 0
    text = capsys.readouterr().out
    markdown = (out / "patterns.md").read_text(encoding="utf-8")
    for shown in (text, markdown):
        assert "suuri henkilöstön vaihtuvuus heikentää" in shown  # the pattern's title
        assert "piti" in shown and "tuttuus" in shown
        assert _absent(shown, ["held", "high staff turnover", "familiarity", "patterns held",
                               "yes", "no"]) == []
    assert "# Mallikuvioiden tuloskortti" in markdown and "| ehto |" in markdown
    assert "Welchin t-testi" in markdown  # the criterion
    data = json.loads((out / "patterns.json").read_text())
    assert data["patterns"][0]["title"].startswith("high staff turnover")  # JSON stays English


def test_report_in_finnish(tmp_path, capsys):
    from analysis.report import SECTION_TITLES
    from experiments.spec import parse_spec
    from experiments.sweep import run_sweep

    spec = parse_spec("""
title = "Pieni ajosarja"
seed = 5
replications = 2
steps = 8
record_every = 2
[set]
n_organisations = 3
participants_per_organisation = 3
[grid]
coordination_budget_eur = [0.0, 1500.0]
""")
    sweep = tmp_path / "sweep"
    run_sweep(spec, sweep, workers=1)
    capsys.readouterr()
    assert main(["report", str(sweep), "--reruns", "0", "--lang", "fi"]) == 0
    assert "kirjoitettiin" in capsys.readouterr().out
    page = (sweep / "report.html").read_text(encoding="utf-8")
    markdown = (sweep / "report.md").read_text(encoding="utf-8")
    fi = i18n.translator("fi")
    for title in SECTION_TITLES:
        assert f"## {fi(title)}\n" in markdown, title
        assert fi(title) != title
    assert "<html lang='fi'>" in page
    for word in ("Raportti:", "Tulokset", "ajosta", "lopputulos", "Käännekohdat",
                 "Luottamusverkosto", "Rahaa koordinointiin kuukaudessa", "€/kk"):
        assert word in markdown, word
    assert _absent(markdown, ["Findings", "How the networks ended", "Tipping points",
                              "finished runs", "outcome", "rebuilt from its seed",
                              "EUR/month"]) == []


def test_figures_speak_the_chosen_language():
    """Titles, labels, legends and tick numbers of the analysis figures follow --lang."""
    from analysis.figures import localise_ticks, outcome_bars, timeseries_bands
    from analysis.network import legend_handles

    i18n.set_language("fi")
    ts = pd.DataFrame({"run_id": [0, 0, 1, 1], "step": [0, 1, 0, 1],
                       "active_share": [1.0, 0.5, 1.0, 0.75]})
    fig = timeseries_bands(ts, pd.Series(["a", "a"], index=[0, 1]),
                           reporters=("active_share",))
    ax = fig.get_axes()[0]
    assert ax.get_xlabel() == "viikko" and ax.get_title() == "Aktiivisten osuus paikoista"
    assert fig.legends[0].get_texts()[0].get_text() == "a (2 ajoa)"
    localise_ticks(fig)
    assert ax.yaxis.get_major_formatter()(0.5, 0) == "0,5"
    assert ax.yaxis.get_major_formatter()(1500.0, 0) == "1\u202f500"
    table = pd.DataFrame({"cell": ["x"], "outcome": ["thriving"], "count": [1], "n": [2],
                          "probability": [0.5], "low": [0.1], "high": [0.9]})
    bars = outcome_bars(table, "cell").get_axes()[0]
    assert bars.get_title() == "kukoistava" and bars.get_xlabel() == "todennäköisyys"
    assert [h.get_label() for h in legend_handles()][:4] == ["aktiivinen", "reunalla",
                                                              "lepäävä", "lähtenyt"]


def test_numbers_follow_the_language():
    from analysis.text import fixed, number, pct

    i18n.set_language("fi")
    assert (number(1470.0), number(0.35), pct(0.42), fixed(2.5, 1, sign=True)) == \
        ("1\u202f470", "0,35", "42\u00a0%", "+2,5")
    i18n.set_language("en")
    assert (number(1470.0), number(0.35), pct(0.42), fixed(2.5, 1, sign=True)) == \
        ("1,470", "0.35", "42%", "+2.5")


def test_every_label_an_evaluation_answers_with_has_words():
    """A purpose, lifecycle or governance added to the model would show untranslated."""
    from analysis.evaluation import VALUE_WORDS
    from model.params import Governance, Lifecycle, Purpose

    values = {v.value for enum in (Purpose, Lifecycle, Governance) for v in enum}
    assert values - set(VALUE_WORDS) == set()
    i18n.set_language("fi")
    from analysis.evaluation import evaluation_table

    table = evaluation_table([{"goal": {"purpose": "learning", "reached": True}},
                              {"goal": {"purpose": "learning", "reached": np.bool_(False)}}])
    assert list(table["section"]) == ["Saavutettiinko tavoite? (S33)"] * 2
    assert table.set_index("item").loc["tarkoitus", "value"] == "oppiminen"
