"""The outputs in Finnish: report, budget, compare, patterns, sweep, sensitivity and dock with
``--lang fi``, and the ensemble's error messages (a real ensemble takes minutes).

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
    assert main(["compare", "default", "no_coordination", "--replications", "2", "--steps", "13",
                 "--workers", "1", "--out", str(out), "--lang", "fi", *TINY]) == 0
    text = capsys.readouterr().out
    for word in ("Lopputulokset", "tilanne", "kukoistava", "hiipunut", "Ei koordinointia",
                 "Viimeisellä viikolla", "prosenttiyksikköinä", "aktiivisten osuus",
                 "kirjoitettiin"):
        assert word in text, word
    assert _absent(text, ["Outcomes over", "thriving", "faded", "No coordination",
                          "At the last week", "percentage points", "active share",
                          "wrote", "scenario"]) == []
    # The files stay machine-readable: English keys, outcomes as the model names them.
    table = pd.read_csv(out / "compare_outcomes.csv")
    assert "thriving" in set(table["outcome"]) and "probability" in table.columns
    # ... and the scenarios by their English titles, so --lang does not change the tables.
    english = ["A led client-service network (the defaults)", "No coordination"]
    assert list(dict.fromkeys(table["scenario"])) == english
    assert set(table["reference"]) == {english[0]}
    measures = pd.read_csv(out / "compare_measures.csv")
    assert list(dict.fromkeys(measures["scenario"])) == english
    series = pd.read_parquet(out / "compare_timeseries.parquet")
    assert list(dict.fromkeys(series["scenario"])) == english


def test_budget_in_finnish(tmp_path, capsys):
    out = tmp_path / "budget"
    assert main(["budget", "default", "--target", "0.5", "--replications", "4", "--batch", "2",
                 "--steps", "13", "--max", "2000", "--resolution", "1000", "--workers", "1",
                 "--out", str(out), "--lang", "fi", *TINY]) == 0
    captured = capsys.readouterr()
    text = captured.out
    assert "€/kk" in text and "Kokeiltiin" in text and "kirjoitettiin" in text
    assert ("Pienin koordinoinnin budjetti" in text) or ("Mikään budjetti" in text)
    assert "onnistui" in captured.err and "haku" in captured.err
    assert "Onnistumiseksi lasketaan ajot, joiden lopputulos on kukoistava." in text
    assert _absent(text + captured.err, ["EUR/month", "Searched", "succeeded", "wrote",
                                         "Counted as success", "Smallest coordination budget",
                                         "No budget"]) == []
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
    fig.canvas.draw()  # the formatter writes the ticks it was given (tests/test_tick_numbers.py)
    ticks = {round(float(v), 9): label.get_text()
             for v, label in zip(ax.get_yticks(), ax.get_yticklabels(), strict=True)}
    assert ticks[0.2] == "0,2" and ticks[1.0] == "1,0"
    table = pd.DataFrame({"cell": ["x"], "outcome": ["thriving"], "count": [1], "n": [2],
                          "probability": [0.5], "low": [0.1], "high": [0.9]})
    bars = outcome_bars(table, "cell").get_axes()[0]
    assert bars.get_title() == "kukoistava" and bars.get_xlabel() == "todennäköisyys"
    assert [h.get_label() for h in legend_handles()][:4] == ["aktiivinen", "reunalla",
                                                              "lepäävä", "lähtenyt"]


def test_the_reports_salib_table_is_ranked_and_in_the_chosen_language():
    """The indices 'verkosto sensitivity' wrote are shown as it prints them: ranked per
    measure (ties share a rank), with the report's headings and numbers."""
    from analysis.report import _salib_table

    main = pd.DataFrame({"measure": ["m"] * 3 + ["n"],
                         "parameter": ["b", "c", "a", "a"],
                         "index": [0.1, 0.5, 0.1, 0.2], "low": [0.05, 0.25, 0.0, 0.1],
                         "high": [0.15, 0.75, 0.2, 0.3], "name": "mu_star"})
    i18n.set_language("fi")
    table = _salib_table(main, "mu_star")
    assert list(table.columns) == ["mittari", "sija", "parametri", "mu_star", "luottamusväli"]
    assert table.values.tolist() == [["m", 1, "c", "0,5", "0,25…0,75"],
                                     ["m", 2, "a", "0,1", "0…0,2"],
                                     ["m", 2, "b", "0,1", "0,05…0,15"],
                                     ["n", 1, "a", "0,2", "0,1…0,3"]]
    i18n.set_language("en")
    assert list(_salib_table(main, "mu_star").columns) == ["measure", "rank", "parameter",
                                                           "mu_star", "interval"]


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


# ------------------------------------------------- sweep, sensitivity, dock and ensemble
TINY_SWEEP = """
title = "Pieni ajosarja"
seed = 5
replications = 2
steps = 6
[set]
n_organisations = 3
participants_per_organisation = 3
[grid]
coordination_budget_eur = [0.0, 1500.0]
"""
TINY_SENSITIVITY = """
seed = 5
replications = 1
steps = 6
outcomes = ["active_share", "thriving"]
[set]
n_organisations = 3
participants_per_organisation = 3
[sample]
n = 2
parameters = ["facilitation", "coordination_budget_eur"]
dummy = true
"""
QUICK_DOCK = ["dock", "team-assembly", "--m", "3,4", "--q", "0,0.5", "--p", "0,0.5,1",
              "--tau", "2", "--replications", "3", "--steps", "40", "--burn-in", "10",
              "--jobs", "1"]
NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def _numbers(text: str) -> list[str]:
    """Every number in ``text``, written with a decimal point (to compare fi with en)."""
    return [n.replace(",", ".") for n in NUMBER.findall(text)]


def test_the_extraction_covers_sweep_sensitivity_dock_and_ensemble():
    pot = i18n_extract.template()
    places = {where for message in pot for where, _line in message.locations}
    for module in ("verkosto/cmd_sweep.py", "verkosto/cmd_dock.py", "experiments/sweep.py",
                   "experiments/sensitivity.py", "experiments/spec.py", "experiments/store.py",
                   "experiments/ensemble.py"):
        assert module in places, module


def test_sweep_in_finnish_and_in_english(tmp_path, capsys):
    spec = tmp_path / "tiny.toml"
    spec.write_text(TINY_SWEEP, encoding="utf-8")
    out = tmp_path / "sweep"
    assert main(["sweep", str(spec), "--out", str(out), "--workers", "1", "--lang", "fi"]) == 0
    text = capsys.readouterr().out
    for word in ("ajosarja: 4 ajoa (2 pistettä × 2 toistoa); 0 tallennettu, 4 ajettavana",
                 "1 työprosessilla", "levytilaa (arvioitu koeajon perusteella)", "taulukot:",
                 "ajosarja: 4/4 ajoa tallennettu hakemistoon",
                 "(4 ajettiin nyt, 0 oli jo valmiina; yksikään ei epäonnistunut)"):
        assert word in text, word
    assert re.search(r"\d+,\d (kt|Mt)", text), text  # a decimal comma and a Finnish unit
    assert _absent(text, ["sweep", "runs", "replications", "stored", "to run",
                          "worker", "on disk", "estimated", "trial run", "tables",
                          "run now", "resumed", "none failed", "kB", "MB"]) == []

    # Extended in English: the same lines, in English, estimated from the stored runs.
    assert main(["sweep", str(spec), "--out", str(out), "--workers", "1", "--replications", "3",
                 "--lang", "en"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("sweep: 6 runs (2 points × 3 replications); 4 stored, 2 to "
                               "run: about ")
    assert " on 1 worker and " in lines[0] and lines[0].endswith(
        " on disk (estimated from 4 stored runs)")
    assert lines[1].startswith("tables: ") and lines[1].endswith(
        " (points: mean and SD across replications of every measure)")
    assert lines[2] == f"sweep: 6/6 runs stored in {out} (2 run now, 4 resumed; none failed)"
    runs = pd.read_parquet(out / "runs")
    assert set(runs["status"]) == {"ok"}  # the tables stay machine-readable

    # Refused input, in Finnish: a spec's mistake and a directory holding more replications.
    assert main(["sweep", str(spec), "--out", str(out), "--workers", "1", "--replications", "1",
                 "--lang", "fi"]) == 2
    err = capsys.readouterr().err
    assert "sisältää jo 3 toistoa kustakin pisteestä" in err and "already holds" not in err
    bad = tmp_path / "bad.toml"
    bad.write_text(TINY_SWEEP.replace("title =", "titel ="), encoding="utf-8")
    assert main(["sweep", str(bad), "--out", str(tmp_path / "bad"), "--lang", "fi"]) == 2
    err = capsys.readouterr().err
    assert "tuntematon avain 'titel' (tarkoititko 'title'?)" in err, err
    assert _absent(err, ["unknown key", "did you mean", "allowed"]) == []


def test_sweep_help_in_finnish(capsys):
    with pytest.raises(SystemExit):
        main(["sweep", "--help", "--lang", "fi"])
    text = " ".join(capsys.readouterr().out.split())  # as wrapped for the terminal
    assert "Aja ajosarjan määrittelyn kaikki ajot" in text
    assert "Mukana tulevat määrittelyt (ajetaan nimellä):" in text
    assert _absent(text, ["Run every run", "Shipped specs", "sweep directory"]) == []


@pytest.mark.parametrize(("command", "finnish", "english"), [
    ("budget", ["Etsi pienin kuukausittainen koordinoinnin budjetti",
                "enimmäismäärä ajoja yhdellä budjetilla (oletus 40, enintään 10000)",
                "toistojen pääsiemen (oletus 20240)", "ei edistymisrivejä"],
     ["Find the smallest", "most runs at one budget", "master seed", "no progress lines",
      "output directory", "override one parameter"]),
    ("compare", ["Aja jokainen tilanne samoilla siemenillä",
                 "ajoja tilannetta kohti (oletus 20, enintään 10000)",
                 "tulostehakemisto (oletus out/compare)"],
     ["Run each scenario", "runs per scenario", "master seed", "two-sided confidence",
      "output directory", "override one parameter"]),
])
def test_budget_and_compare_help_in_finnish(capsys, command, finnish, english):
    with pytest.raises(SystemExit):
        main([command, "--help", "--lang", "fi"])
    text = " ".join(capsys.readouterr().out.split())  # as wrapped for the terminal
    for word in finnish:
        assert word in text, word
    assert _absent(text, english) == []
    with pytest.raises(SystemExit):
        main(["--help", "--lang", "fi"])
    listing = " ".join(capsys.readouterr().out.split())
    assert _absent(listing, ["smallest monthly coordination budget",
                             "put scenarios side by side"]) == []


@pytest.mark.parametrize(("argv", "finnish", "english"), [
    (["compare", "default"], "tarvitsee vähintään 2 tilannetta", "needs at least"),
    (["compare", "default", "default"], "annettu useammin kuin kerran", "more than once"),
    (["budget", "default", "--target", "0.8", "--set", "coordination_budget_eur=5"],
     "budjetti on juuri se, mitä 'budget' hakee", "is what 'budget' searches"),
    (["budget", "default", "--target", "0.8", "--max", "300000"], "malli sallii enintään",
     "the model allows"),
    (["budget", "default", "--target", "0.8", "--out", "{busy}"], "anna uusi tai tyhjä hakemisto",
     "holds other files"),
    (["compare", "default", "no_coordination", "--out", "{busy}"], "sisältää muita tiedostoja",
     "holds other files"),
])
def test_budget_and_compare_errors_in_finnish(tmp_path, capsys, argv, finnish, english):
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("keep me")
    args = [a.format(busy=busy) for a in argv]
    assert main([*args, "--lang", "fi"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("verkosto: virhe:") and err.count("\n") == 1
    assert finnish in err and english not in err, err
    assert (busy / "notes.txt").read_text() == "keep me"


def test_sensitivity_in_finnish(tmp_path, capsys):
    from experiments.sensitivity import ranking_text

    spec = tmp_path / "sens.toml"
    spec.write_text(TINY_SENSITIVITY, encoding="utf-8")
    out = tmp_path / "sens"
    assert main(["sensitivity", str(spec), "--out", str(out), "--workers", "1",
                 "--lang", "fi"]) == 0
    text = capsys.readouterr().out
    for word in ("ajosarja: 8 ajoa (8 pistettä × 1 toisto)", "(arvioitu koeajon perusteella)",
                 "ajosarja: 8/8 ajoa tallennettu",
                 "active_share: parametrit indeksin mu_star mukaan (95\u00a0% luottamusväli), "
                 "tärkein ensin",
                 "herkkyysanalyysi: indeksit tiedostoissa", " ja ", ", kuva "):
        assert word in text, word
    assert re.search(r"\d,\d", text)  # decimal commas in the ranking
    indices = pd.read_csv(out / "indices.csv")
    assert ("huom.: välit ovat SALibin arvo ± conf" in text) == bool(indices["clipped"].any())
    assert _absent(text, ["parameters by", "most important first", "interval", "indices in",
                          "figure", "note", "runs", "stored"]) == []
    # The table stays machine-readable; the ranking in English reads as before.
    assert list(indices.columns[:3]) == ["measure", "parameter", "index"]
    i18n.set_language("en")
    english = ranking_text(indices)
    assert "active_share: parameters by mu_star (95% interval), most important first" in english
    assert re.search(r"\(\d[\d.e+-]* to \d[\d.e+-]*\)", english)


def test_dock_in_finnish_says_what_english_says(tmp_path, capsys):
    assert main([*QUICK_DOCK, "--out", str(tmp_path / "fi"), "--lang", "fi"]) == 0
    finnish = capsys.readouterr().out
    for word in ("Tiimien muodostuminen (Guimerà ym. 2005), tau=2, 3 toistoa, 40 askelta "
                 "(alkujakso 10), satunnaissiemen 0",
                 "S:n keskiarvo (suurimpaan komponenttiin kuuluvien toimijoiden osuus):",
                 "m=3 q=0,5", "Siirtymäkohta p* (S:n keskiarvo saavuttaa arvon 0,5), "
                 "95\u00a0% bootstrap-välit:", "ero verrattuna q=0:", "ero verrattuna m=3:",
                 "Kirjoitettiin"):
        assert word in finnish, word
    assert re.search(r"p\* = \d,\d{3} \[\d,\d{3}; \d,\d{3}\]", finnish), finnish
    assert _absent(finnish, ["Team assembly", "replications", "steps", "burn-in", "seed",
                             "Mean S", "share of agents", "Transition", "bootstrap intervals",
                             "shift from", "Wrote", "and"]) == []

    assert main([*QUICK_DOCK, "--out", str(tmp_path / "en"), "--lang", "en"]) == 0
    english = capsys.readouterr().out
    assert english.startswith("Team assembly (Guimerà et al. 2005), tau=2, 3 replications, "
                              "40 steps (10 burn-in), seed 0\nMean S (share of agents in the "
                              "largest component):\n")
    assert "\nTransition p* (mean S reaches 0.5), 95% bootstrap intervals:\n" in english
    assert re.search(r"  m=3 q=0\.5: p\* = \d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\]; shift from "
                     r"q=0: -?\d\.\d{3} \[", english), english
    # Same lines and the same numbers in both languages; the files do not depend on it.
    assert len(finnish.splitlines()) == len(english.splitlines())
    assert _numbers(finnish.replace(str(tmp_path / "fi"), "")) == \
        _numbers(english.replace(str(tmp_path / "en"), ""))
    for name in ("team_assembly.csv", "team_assembly_transitions.csv"):
        assert (tmp_path / "fi" / name).read_bytes() == (tmp_path / "en" / name).read_bytes()


def test_dock_intervals_in_finnish():
    from verkosto.cmd_dock import _format_interval

    i18n.set_language("fi")
    nan = float("nan")
    assert _format_interval(nan, nan, nan) == "ei saavutettu"
    assert _format_interval(0.25, nan, nan) == "0,250 [väliä ei voi määrittää]"
    assert _format_interval(0.25, 0.2, 0.3) == "0,250 [0,200; 0,300]"
    i18n.set_language("en")
    assert _format_interval(nan, nan, nan) == "not reached"
    assert _format_interval(0.25, nan, nan) == "0.250 [interval undefined]"
    assert _format_interval(0.25, 0.2, 0.3) == "0.250 [0.200, 0.300]"


def test_ensemble_errors_in_finnish(tmp_path, capsys):
    from experiments import ensemble as e

    table = tmp_path / "ens.csv"
    base = ["ensemble", "--samples", "2", "--out", str(table), "--workers", "1"]
    assert main([*base, "--reuse", str(tmp_path / "nosuch.csv"), "--lang", "fi"]) == 2
    err = capsys.readouterr().err
    assert "--reuse" in err and "ei käytettävissä" in err
    assert "parametrijoukkojen taulukkoa" in err and "ei ole; tee sellainen komennolla" in err
    assert _absent(err, ["does not exist", "make one with", "cannot be used"]) == []
    assert main([*base, "--patterns", "P99", "--lang", "fi"]) == 2
    err = capsys.readouterr().err
    assert "--patterns: tuntematon kuvio P99; kuviot ovat P1" in err, err
    assert not table.exists()

    i18n.set_language("fi")
    plain = tmp_path / "plain.csv"
    plain.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(e.EnsembleError, match="ei ole parametrijoukkojen taulukko"):
        e.load_table(plain)
    screening = e.Screening(pd.DataFrame({"sample": [0], "valid": [True], "kept": [True]}),
                            [], {})
    with pytest.raises(e.EnsembleError, match="taulukossa on 1 parametrijoukko; valitse 1–1"):
        e.members(screening, 2)
    i18n.set_language("en")
    with pytest.raises(e.EnsembleError, match="is not an ensemble table"):
        e.load_table(plain)
    with pytest.raises(e.EnsembleError, match="the ensemble has 1 member"):
        e.members(screening, 2)


@pytest.mark.parametrize("lang, word", [("en", "did not vary"), ("fi", "ei vaihdellut")])
def test_sensitivity_figure_without_indices_says_so(lang, word, recwarn):
    """Indices that could not be estimated (the response never varied) give a figure that
    says so, in the chosen language, rather than empty bars read as "nothing matters"."""
    from analysis.figures import sensitivity_figure

    i18n.set_language(lang)
    nan = float("nan")
    indices = pd.DataFrame({"parameter": ["a", "b"], "index": [nan, nan], "low": [nan, nan],
                            "high": [nan, nan]})
    ax = sensitivity_figure(indices).get_axes()[0]
    said = " ".join(t.get_text().replace("\n", " ") for t in ax.texts)
    assert word in said
    assert ax.get_xlim() == (0.0, 1.0)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["b", "a"]
    assert not [w for w in recwarn if "All-NaN" in str(w.message)]
    ax = sensitivity_figure(indices.assign(index=[0.3, 0.1])).get_axes()[0]
    assert len(ax.texts) == 0  # estimated indices are drawn, with no such notice
