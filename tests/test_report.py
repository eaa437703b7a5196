"""``verkosto report`` and ``verkosto compare``: every section rendered, no broken image,
known answers from planted synthetic sweeps, a tiny real sweep, and bad input (exit 2)."""

from __future__ import annotations

import base64
import binascii
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.compare import compare
from analysis.report import FIGURE_DIR, SECTION_TITLES, write_report
from model import Params
from model.outcome import Outcome
from verkosto import cli

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
TINY = {"n_organisations": 3, "participants_per_organisation": 3}
BUDGETS = (0.0, 1000.0, 2000.0)
FACILITATION = (0.2, 0.8)
REPS = 6
WEEKS = 12


class _Page(HTMLParser):
    """Collects section headings, images and links of a report page."""

    def __init__(self) -> None:
        super().__init__()
        self.h2: list[str] = []
        self.images: list[dict[str, str]] = []
        self.links: list[str] = []
        self._in_h2 = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "h2":
            self._in_h2 = True
            self.h2.append("")
        elif tag == "img":
            self.images.append(attrs)
        elif tag in ("link", "script") and (attrs.get("href") or attrs.get("src")):
            self.links.append(attrs.get("href") or attrs.get("src"))

    def handle_endtag(self, tag):
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data):
        if self._in_h2:
            self.h2[-1] += data


def _check_page(path: Path) -> _Page:
    """Parse the page; every image must be an embedded PNG or SVG that decodes."""
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    assert page.images, "the report has no figure"
    assert not page.links, f"the report loads external files: {page.links}"
    for img in page.images:
        src = img["src"]
        assert src.startswith("data:image/"), f"image not embedded: {src[:40]}"
        header, _, payload = src.partition(",")
        assert header.endswith(";base64")
        try:
            raw = base64.b64decode(payload, validate=True)
        except binascii.Error as error:  # pragma: no cover - the assertion message
            pytest.fail(f"image is not valid base64: {error}")
        if header.startswith("data:image/png"):
            assert raw[:8] == PNG_MAGIC and len(raw) > 1000
        else:
            assert header.startswith("data:image/svg+xml") and b"<svg" in raw[:2000]
        assert img.get("alt")
    return page


def _synthetic_sweep(root: Path, failed: int = 0) -> pd.DataFrame:
    """A grid sweep with a planted answer: thriving exactly when the budget is >= 1000."""
    rows, series = [], []
    run_id = 0
    rng = np.random.default_rng(0)
    for budget in BUDGETS:
        for fac in FACILITATION:
            for rep in range(REPS):
                ok = run_id >= failed
                outcome = ("thriving" if budget >= 1000 else "faded") if ok else None
                rows.append({"run_id": run_id, "point": run_id // REPS, "replication": rep,
                             "seed": 1000 + run_id, "coordination_budget_eur": budget,
                             "facilitation": fac, "status": "ok" if ok else "failed",
                             "error": None if ok else "ValueError: planted failure\nline 2",
                             "outcome": outcome, "steps_run": WEEKS,
                             "active_share": 0.8 if outcome == "thriving" else 0.05,
                             "goal_progress": rng.uniform(0, 1), "innovations": rep,
                             "wall_time_s": 0.1})
                for step in range(0, WEEKS + 1, 4):
                    level = 0.8 if budget >= 1000 else 0.8 * (1 - step / WEEKS)
                    series.append({"run_id": run_id, "step": step,
                                   "active_share": level + rng.normal(0, 0.02),
                                   "mean_trust": 0.3, "mean_commitment": 0.5,
                                   "trust_density": level / 2})
                run_id += 1
    runs = pd.DataFrame(rows)
    (root / "runs").mkdir(parents=True)
    (root / "timeseries").mkdir()
    runs.iloc[:18].to_parquet(root / "runs" / "part-000000.parquet")
    runs.iloc[18:].to_parquet(root / "runs" / "part-000018.parquet")
    pd.DataFrame(series).to_parquet(root / "timeseries" / "part-000000.parquet")
    base = Params.from_flat(**TINY).flat()
    manifest = {"spec_hash": "0123456789abcdef", "spec": {
        "title": "Planted budget threshold", "description": "Budget decides; facilitation not.",
        "claims": ["S28"], "base": "default", "base_params": base, "seed": 1,
        "replications": REPS, "steps": WEEKS}}
    (root / "manifest.json").write_text(json.dumps(manifest))
    # Indices as 'verkosto sensitivity' writes them beside the tables.
    indices = pd.DataFrame({
        "measure": "p_thriving", "parameter": ["coordination_budget_eur", "facilitation"] * 2,
        "index": ["ST", "ST", "S1", "S1"], "value": [0.9, 0.01, 0.88, 0.0], "conf": 0.05,
        "ci_low": [0.85, 0.0, 0.8, 0.0], "ci_high": [0.95, 0.05, 0.95, 0.05],
        "conf_level": 0.95, "rank": [1, 2, 1, 2]})
    indices.to_csv(root / "indices.csv", index=False)
    return runs


@pytest.fixture(scope="module")
def synthetic_report(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    root = tmp_path_factory.mktemp("sweep")
    runs = _synthetic_sweep(root, failed=2)
    write_report(root, reruns=2)
    return root, runs


@pytest.mark.xdist_group("synthetic_report")  # share the module fixture
def test_report_renders_every_section_and_no_broken_image(synthetic_report):
    root, _ = synthetic_report
    page = _check_page(root / "report.html")
    assert page.h2 == list(SECTION_TITLES)
    md = (root / "report.md").read_text(encoding="utf-8")
    for title in SECTION_TITLES:
        assert f"\n## {title}\n" in md
    # Every figure of the Markdown exists in both formats.
    names = [line.split("](")[1].rstrip(")") for line in md.splitlines() if line.startswith("![")]
    assert len(names) == len(page.images)
    for name in names:
        png = root / name
        assert png.read_bytes()[:8] == PNG_MAGIC
        assert png.with_suffix(".svg").exists()
    assert (root / FIGURE_DIR / "network_map.png").exists()


@pytest.mark.xdist_group("synthetic_report")  # share the module fixture
def test_report_states_the_planted_answers(synthetic_report):
    root, runs = synthetic_report
    md = (root / "report.md").read_text(encoding="utf-8")
    ok = runs[runs["status"] == "ok"]
    n_thriving = int((ok["outcome"] == "thriving").sum())
    share = n_thriving / len(ok)
    assert f"| thriving | {n_thriving} | {share:.0%}" in md
    # The discovered rule for thriving is the planted one, with full density and coverage.
    rule = next(line for line in md.splitlines() if line.startswith("| thriving | thriving when"))
    assert "coordination_budget_eur above" in rule and "facilitation" not in rule.split("(")[0]
    assert "coverage 100%, density 100%" in rule
    # The findings give every probability with its interval (Wilson, 95%): 24 of 24 runs
    # in the box thrived, 0 of 10 at no budget (two failed) and 12 of 12 at 2,000.
    findings = md.split("## Findings", 1)[1].split("\n## ", 1)[0]
    assert "100% (86%–100%) of the runs with coordination_budget_eur" in findings
    assert ("P(thriving) 0% (0%–28%) at 0 EUR/month and 100% (76%–100%) at 2,000 EUR/month"
            in findings)
    # The SALib index is named: a Morris mu* or a Sobol ST is not the first-order share.
    assert "(SALib ST 0.9, first-order index" in findings
    # The tipping point lies between the budgets where thriving is 0% and 100%.
    tip = next(line for line in md.splitlines() if line.startswith("| coordination_budget_eur |")
               and "rises past" in line)
    value = float(tip.split("|")[2].replace(",", ""))
    assert 0.0 < value < 1000.0
    # Failed runs are listed with the first line of their error.
    assert "2 runs failed" in md and "planted failure" in md and "line 2" not in md
    assert "Budget decides; facilitation not." in md
    assert "How participants benefited, by role (S33)" in md  # from rebuilt runs
    assert "| p_thriving | 1 | coordination_budget_eur | 0.9 | 0.85 to 0.95 |" in md  # SALib ST
    # The given-data index finds the planted dependence on the budget alone.
    # It ranks the budget first (rank, parameter, meaning, first-order (interval), ...).
    line = next(x for x in md.splitlines() if x.startswith("| 1 | coordination_budget_eur |"))
    assert float(line.split("|")[4].split("(")[0]) > 0.9


def test_report_help_states_the_reruns_the_report_uses(capsys):
    from analysis.report import EVALUATION_RERUNS

    with pytest.raises(SystemExit):
        cli.main(["report", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert f"(default {EVALUATION_RERUNS}; 0 uses the final values only)" in help_text


def test_report_command_writes_both_files(tmp_path, capsys):
    _synthetic_sweep(tmp_path / "s")
    assert cli.main(["report", str(tmp_path / "s"), "--reruns", "0", "--no-network"]) == 0
    assert "report.html" in capsys.readouterr().out
    page = _check_page(tmp_path / "s" / "report.html")
    assert page.h2 == list(SECTION_TITLES)
    # Without rebuilt runs the evaluation comes from the final values.
    assert "final values" in (tmp_path / "s" / "report.md").read_text()


@pytest.mark.parametrize(("argv", "message"), [
    (["report", "{missing}"], "does not exist"),
    (["report", "{empty}"], "exists but is not a sweep directory: it has no 'runs/'"),
    (["report", "{spec}"], "exists but is not a sweep directory: it is a file (it looks like a "
                           "spec"),
])
def test_report_bad_directory_exits_2(tmp_path, capsys, argv, message):
    (tmp_path / "empty").mkdir()
    (tmp_path / "my.toml").write_text("seed = 1\n")
    argv = [a.format(missing=tmp_path / "nope", empty=tmp_path / "empty",
                     spec=tmp_path / "my.toml") for a in argv]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("verkosto: error:") and message in err
    assert not (tmp_path / "empty" / "report.html").exists()


def test_report_bad_directory_is_refused_in_finnish(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert cli.main(["report", str(tmp_path / "empty"), "--lang", "fi"]) == 2
    err = capsys.readouterr().err
    assert "ei ole ajosarjahakemisto" in err and "'runs/'" in err and str(tmp_path) in err


def test_report_manifest_that_is_not_an_object_exits_2(tmp_path, capsys):
    _synthetic_sweep(tmp_path / "s")
    (tmp_path / "s" / "manifest.json").write_text("[]\n")
    assert cli.main(["report", str(tmp_path / "s"), "--reruns", "0", "--no-network"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("verkosto: error:") and "manifest.json" in err
    assert "expected a JSON object" in err


def test_report_into_a_directory_it_cannot_write_exits_2_before_computing(
        tmp_path, capsys, monkeypatch):
    """A colleague's sweep or an archive one may only read: one line, nothing computed."""
    import analysis.report as report

    root = tmp_path / "s"
    _synthetic_sweep(root)
    real_access = report.os.access
    monkeypatch.setattr(report.os, "access",
                        lambda path, mode, **kw: False if Path(path) == root
                        else real_access(path, mode, **kw))
    monkeypatch.setattr(report.ReportBuilder, "sections",
                        lambda self: pytest.fail("the report was computed"))
    assert cli.main(["report", str(root), "--reruns", "0", "--no-network"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("verkosto: error: cannot write the report into") and str(root) in err
    assert "no permission to write" in err


def test_report_that_cannot_be_written_exits_2_and_keeps_the_earlier_report(tmp_path, capsys):
    root = tmp_path / "s"
    _synthetic_sweep(root)
    (root / "report.html").write_text("earlier report")
    (root / FIGURE_DIR).write_text("a file where the figures' folder goes")
    assert cli.main(["report", str(root), "--reruns", "0", "--no-network"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("verkosto: error: cannot write the report into")
    assert str(root / FIGURE_DIR) in err
    assert (root / "report.html").read_text() == "earlier report"
    assert not (root / "report.md").exists()


def test_report_of_an_unfinished_sweep_says_so(tmp_path, capsys):
    """An interrupted sweep's report read as if complete ("runs 763 (763 finished, 0
    failed)" of 2,400 planned, and nothing else said)."""
    root = tmp_path / "s"
    runs = _synthetic_sweep(root)
    manifest = json.loads((root / "manifest.json").read_text())
    manifest["n_runs"] = len(runs) + 40
    (root / "manifest.json").write_text(json.dumps(manifest))
    assert cli.main(["report", str(root), "--reruns", "0", "--no-network"]) == 0
    err = capsys.readouterr().err
    assert f"unfinished ({len(runs)} of {len(runs) + 40} runs stored)" in err
    text = (root / "report.md").read_text()
    assert f"**Unfinished sweep.** Only {len(runs)} of its {len(runs) + 40} runs" in text
    # A finished sweep says nothing of the kind.
    manifest["n_runs"] = len(runs)
    (root / "manifest.json").write_text(json.dumps(manifest))
    assert cli.main(["report", str(root), "--reruns", "0", "--no-network"]) == 0
    assert "unfinished" not in capsys.readouterr().err
    assert "Unfinished" not in (root / "report.md").read_text()


def test_report_bad_option_exits_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["report", str(tmp_path), "--confidence", "95"])
    assert exit_info.value.code == 2
    assert "above 0 and below 1" in capsys.readouterr().err


def test_report_of_a_tiny_real_sweep(tmp_path):
    from experiments.spec import parse_spec
    from experiments.sweep import run_sweep

    spec = parse_spec(f"""
title = "Tiny real sweep"
seed = 5
replications = 3
steps = 26
record_every = 2
[set]
n_organisations = {TINY['n_organisations']}
participants_per_organisation = {TINY['participants_per_organisation']}
[grid]
coordination_budget_eur = [0.0, 1500.0]
""")
    out = tmp_path / "real"
    run_sweep(spec, out, workers=1)
    write_report(out, reruns=2)
    page = _check_page(out / "report.html")
    assert page.h2 == list(SECTION_TITLES)
    runs = pd.read_parquet(out / "runs")
    md = (out / "report.md").read_text()
    for outcome, count in runs["outcome"].value_counts().items():
        assert f"| {outcome} | {count} |" in md
    assert "Tiny real sweep" in md


# --------------------------------------------------------------------------- compare
def _scenario(path: Path, budget: float, title: str | None = None) -> Path:
    path.write_text(f"""title = "{title or path.stem}"
[params]
n_organisations = 3
participants_per_organisation = 3
coordination_budget_eur = {budget}
""")
    return path


def test_compare_puts_scenarios_side_by_side(tmp_path, capsys):
    a = _scenario(tmp_path / "none.toml", 0.0)
    b = _scenario(tmp_path / "rich.toml", 3000.0)
    out = tmp_path / "cmp"
    assert cli.main(["compare", str(a), str(b), "--replications", "3", "--steps", "20",
                     "--workers", "1", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "none" in text and "rich" in text and "thriving" in text
    assert "At the last week" in text and "active share" in text
    # The money column is a running total at the last week, as the figure's panel says
    # ("Coordination money spent so far"), not a monthly spend.
    assert "coordination spent so far (EUR)" in text
    # Knowledge coverage is over the organisations still present, so it rises as a network
    # shrinks to a few who know each other: the heading must say whose it is.
    assert "knowledge coverage (organisations present)" in text
    from analysis.figures import reporter_label
    assert "still present" in reporter_label("knowledge_coverage")
    table = pd.read_csv(out / "compare_outcomes.csv")
    assert list(dict.fromkeys(table["scenario"])) == ["none", "rich"]
    assert table.groupby("scenario")["count"].sum().to_dict() == {"none": 3, "rich": 3}
    assert len(table) == 2 * len(Outcome)  # every class, even those no run reached
    # Each difference from the first scenario, with its Newcombe interval.
    rich = table[table["scenario"] == "rich"].set_index("outcome")
    none = table[table["scenario"] == "none"].set_index("outcome")
    assert (table["reference"] == "none").all() and none["diff"].isna().all()
    assert np.allclose(rich["diff"], rich["probability"] - none["probability"])
    assert ((rich["diff_low"] <= rich["diff"]) & (rich["diff"] <= rich["diff_high"])).all()
    assert "Differences from 'none'" in text and "Newcombe" in text
    measures = pd.read_csv(out / "compare_measures.csv")
    assert {"measure", "median", "diff_median", "diff_low", "diff_high"} <= set(measures.columns)
    series = pd.read_parquet(out / "compare_timeseries.parquet")
    assert series["run_id"].nunique() == 6 and series["step"].max() == 20
    # Each row says which scenario's run it is, without a second table to join.
    assert list(series.columns[:6]) == ["run_id", "scenario", "replication", "seed", "outcome",
                                        "step"]
    per_run = series.groupby("run_id")[["scenario", "replication", "outcome"]].first()
    assert per_run.groupby("scenario").size().to_dict() == {"none": 3, "rich": 3}
    assert sorted(per_run["replication"].unique()) == [0, 1, 2]
    counts = per_run.groupby(["scenario", "outcome"]).size()
    assert all(counts[(s, o)] == table.set_index(["scenario", "outcome"]).loc[(s, o), "count"]
               for s, o in counts.index)
    for stem in ("compare_outcomes", "compare_timeseries"):
        assert (out / f"{stem}.png").read_bytes()[:8] == PNG_MAGIC
        assert (out / f"{stem}.svg").exists()
    # The closing line names every file written, each by a path that exists.
    wrote = next(line for line in text.splitlines() if line.startswith("wrote "))
    paths = [Path(p) for p in wrote.removeprefix("wrote ").split(", ")]
    assert sorted(p.name for p in paths) == sorted(p.name for p in out.iterdir())
    assert all(p.exists() for p in paths)


def test_compare_writes_run_counts_with_thousands_separated():
    from analysis.compare import Comparison, summary_table
    from verkosto import i18n

    runs = pd.DataFrame({"run_id": range(2400), "scenario": ["a"] * 1200 + ["b"] * 1200,
                         "replication": list(range(1200)) * 2,
                         "outcome": ["thriving", "faded"] * 1200})
    comparison = Comparison(runs, pd.DataFrame(), ["a", "b"])
    assert list(summary_table(comparison)["runs"]) == ["1,200", "1,200"]  # as "5,237" EUR
    i18n.set_language("fi")
    try:
        assert list(summary_table(comparison)["runs"]) == ["1\u202f200", "1\u202f200"]
    finally:
        i18n.set_language("en")


def test_measure_differences_print_signed_interval_ends():
    from analysis.compare import Comparison, measure_difference_table

    # Three paired replications of three scenarios: one clearly above the reference, one
    # clearly below, one around it.
    values = {"ref": [0.1, 0.2, 0.3], "up": [0.6, 0.7, 0.8], "down": [0.0, 0.05, 0.1],
              "same": [0.05, 0.25, 0.3]}
    runs = pd.DataFrame([{"run_id": i * 3 + r, "scenario": name, "replication": r}
                         for i, name in enumerate(values) for r in range(3)])
    series = pd.DataFrame({"run_id": runs["run_id"], "step": 10, "active_share": [
        v for name in values for v in values[name]]})
    table = measure_difference_table(Comparison(runs, series, list(values))).set_index(
        "scenario")["active_share"]
    assert re.fullmatch(r"\+0\.5 \(\+0\.\d+ to \+0\.\d+\)", table["up"]), table["up"]
    assert re.fullmatch(r"-0\.15 \(-0\.\d+ to -0\.\d+\)", table["down"]), table["down"]
    assert re.fullmatch(r"\+0\.05 \(-0\.\d+ to \+0\.\d+\)", table["same"]), table["same"]


def test_compare_says_when_set_replaces_what_a_scenario_sets_itself(tmp_path, capsys):
    # A scenario's own settings often define it (no_coordination's budget of 0): replacing
    # one must not pass silently.
    a = _scenario(tmp_path / "none.toml", 0.0)
    b = _scenario(tmp_path / "rich.toml", 800.0)
    assert cli.main(["compare", str(a), str(b), "--replications", "2", "--steps", "13",
                     "--workers", "1", "--out", str(tmp_path / "cmp"),
                     "--set", "coordination_budget_eur=800", "--set", "facilitation=0.9"]) == 0
    captured = capsys.readouterr()
    # The heading writes the values as the note and the command line do (not "800.0").
    assert "with coordination_budget_eur=800, facilitation=0.9 (" in captured.out
    notes = [line for line in captured.err.splitlines() if line.startswith("note:")]
    assert notes == ["note: --set coordination_budget_eur=800 replaces the value 0 that "
                     f"scenario '{a}' sets itself; the results are for the changed scenario"]


def test_compare_labels_by_title_takes_set_and_draws_shares_from_0(tmp_path, capsys):
    a = _scenario(tmp_path / "a.toml", 0.0, title="Without money")
    b = _scenario(tmp_path / "b.toml", 3000.0, title="With money")
    out = tmp_path / "cmp"
    assert cli.main(["compare", str(a), str(b), "--replications", "2", "--steps", "13",
                     "--workers", "1", "--out", str(out), "--set", "facilitation=0.9"]) == 0
    assert "with facilitation=0.9" in capsys.readouterr().out
    table = pd.read_csv(out / "compare_outcomes.csv")
    assert list(dict.fromkeys(table["scenario"])) == ["Without money", "With money"]
    assert cli.main(["compare", str(a), str(b), "--out", str(tmp_path / "o"),
                     "--set", "facilitation=3"]) == 2
    assert "facilitation" in capsys.readouterr().err and not (tmp_path / "o").exists()
    result = compare({"x": Params.from_flat(**TINY),
                      "y": Params.from_flat(**TINY, facilitation=0.9)}, 2, 6, 1)
    fig = result.timeseries_figure()
    for ax in fig.axes:
        if ax.get_visible() and ax.get_title():
            assert ax.get_ylim()[0] == 0.0, ax.get_title()
            if "(0-1)" in ax.get_title() or "Share" in ax.get_title():
                assert ax.get_ylim()[1] <= 1.05


@pytest.mark.parametrize(("argv", "message"), [
    (["compare", "default"], "at least 2 scenarios"),
    (["compare", "default", "default"], "more than once"),
    (["compare", "default", "no_such_scenario", "--steps", "2"], "no_such_scenario"),
    # Runs shorter than the outcome window end before how they end can be told.
    (["compare", "default", "no_coordination", "--steps", "8"],
     "--steps 8: runs of scenario 'default' are judged over their last 13 weeks"),
    (["compare", "default", "no_coordination", "--steps", "40", "--set",
      "meeting_interval_weeks=26"], "give --steps 52 or more"),
])
def test_compare_bad_input_exits_2(tmp_path, capsys, argv, message):
    assert cli.main([*argv, "--out", str(tmp_path / "o")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_compare_bad_option_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["compare", "default", "no_coordination", "--replications", "1"])
    assert exit_info.value.code == 2
    assert "at least 2" in capsys.readouterr().err


# --------------------------------------------------------------- findings and ranking
LEVERS = ("structure", "meeting_interval_weeks", "time_allocation_hours",
          "coordination_budget_eur")
"""Four levers; only the last two, listed last, decide (and only together)."""


def _late_levers_sweep(root: Path) -> None:
    """A replicated grid where thriving needs both working time and money (an interaction)."""
    rows = []
    grid = [(s, m, t, b) for s in (0.2, 0.6) for m in (2, 8) for t in (0.0, 8.0)
            for b in (0.0, 1500.0)]
    rng = np.random.default_rng(3)
    for point, (s, m, t, b) in enumerate(grid):
        for rep in range(4):
            thrives = t > 0 and b > 0
            outcome = "thriving" if thrives else ("smouldering" if t > 0 else
                                                  str(rng.choice(["faded", "fading"])))
            rows.append({"run_id": len(rows), "point": point, "replication": rep,
                         "seed": 7 + len(rows), "structure": s, "meeting_interval_weeks": m,
                         "time_allocation_hours": t, "coordination_budget_eur": b,
                         "status": "ok", "error": None, "outcome": outcome, "steps_run": 10,
                         "active_share": 0.8 if thrives else 0.1, "wall_time_s": 0.1})
    (root / "runs").mkdir(parents=True)
    pd.DataFrame(rows).to_parquet(root / "runs" / "part-000000.parquet")
    (root / "manifest.json").write_text(json.dumps({"spec_hash": "feed", "spec": {
        "title": "Decisive levers last", "base": "default", "replications": 4, "steps": 10,
        "seed": 1}}))


def test_report_ranks_decisive_levers_that_come_last(tmp_path, monkeypatch):
    import analysis.report as report

    root = tmp_path / "late"
    _late_levers_sweep(root)
    monkeypatch.setattr(report, "MAX_PARAMETER_FIGURES", 2)
    write_report(root, reruns=0, network_figures=False)
    md = (root / "report.md").read_text(encoding="utf-8")
    findings = md.split("## Findings", 1)[1].split("## The question", 1)[0]
    levers = findings.split("**Strongest levers**", 1)[1].split("\n", 1)[0]
    # The two decisive levers are named first, with their units, before any other.
    first_two = levers.split(";")[:2]
    assert any("(time_allocation_hours)" in x for x in first_two)
    assert any("(coordination_budget_eur)" in x for x in first_two)
    assert "h/person/month" in levers and "EUR/month" in levers
    assert "structure" not in levers.split(";")[0] + levers.split(";")[1]
    # They need each other: the findings say so (total-order index or the heatmap's cells).
    assert "**Interactions.**" in findings and "No strong interaction" not in findings
    # Figures and the heatmap are of those two; the others are named as left out.
    figures = {p.stem for p in (root / FIGURE_DIR).glob("*.png")}
    assert {"thriving_by_time_allocation_hours", "thriving_by_coordination_budget_eur"} <= figures
    assert "thriving_by_structure" not in figures
    assert "left out as less influential: meeting_interval_weeks, structure" in md \
        or "left out as less influential: structure, meeting_interval_weeks" in md
    heat = next(line for line in md.splitlines() if line.startswith("Share of runs thriving"))
    assert "time_allocation_hours" in heat and "coordination_budget_eur" in heat
    # Every outcome class has a column in the per-cell table, derived from the model's enum.
    header = next(line for line in md.splitlines() if line.startswith("| structure (0-1) |"))
    for outcome in Outcome:
        assert f"P({outcome.value.replace('_', ' ')})" in header
    # The evaluation is per outcome, never pooled: one column per outcome that occurred.
    evaluation = md.split("## Evaluation (S33, S34)", 1)[1].split("\n## ", 1)[0]
    head = next(line for line in evaluation.splitlines() if line.startswith("| section |"))
    assert "thriving (" in head and "smouldering (" in head and "faded (" in head


def test_report_time_series_lines_follow_the_values_not_the_run_order(tmp_path):
    """A grid runs coarse to fine (both ends, then midpoints): the time-series legend must
    still list 500 between 0 and 2,000, as the outcome table does."""
    from analysis.report import ReportBuilder
    from analysis.results import load_sweep

    root = tmp_path / "coarse_to_fine"
    rows, series = [], []
    for run_id, budget in enumerate((0.0, 2000.0, 500.0) * 2):
        rows.append({"run_id": run_id, "point": run_id % 3, "replication": run_id // 3,
                     "seed": run_id, "coordination_budget_eur": budget, "status": "ok",
                     "error": None, "outcome": "thriving" if budget else "faded",
                     "steps_run": 4, "active_share": 0.5, "wall_time_s": 0.1})
        series += [{"run_id": run_id, "step": step, "active_share": 0.5} for step in (0, 4)]
    (root / "runs").mkdir(parents=True)
    (root / "timeseries").mkdir()
    pd.DataFrame(rows).to_parquet(root / "runs" / "part-000000.parquet")
    pd.DataFrame(series).to_parquet(root / "timeseries" / "part-000000.parquet")
    (root / "manifest.json").write_text(json.dumps({"spec_hash": "c0a5", "spec": {
        "title": "Coarse to fine", "base": "default", "replications": 2, "steps": 4,
        "seed": 1}}))
    builder = ReportBuilder(load_sweep(root), reruns=0, network_figures=False)
    groups, _, _ = builder._groups()
    assert list(dict.fromkeys(groups)) == ["coordination_budget_eur=0",
                                           "coordination_budget_eur=500",
                                           "coordination_budget_eur=2,000"]


def _budget_by_facilitation(root, replications, thriving):
    """A stored sweep crossing the budget (0, 2,000) with facilitation (0.2, 0.8), with
    ``replications`` runs a cell, of which the first ``thriving(budget, facilitation)``
    thrive and the others fade.
    """
    rows = []
    for budget in (0.0, 2000.0):
        for fac in (0.2, 0.8):
            for rep in range(replications):
                rows.append({"run_id": len(rows), "point": 0, "replication": rep,
                             "seed": len(rows), "coordination_budget_eur": budget,
                             "facilitation": fac, "status": "ok", "error": None,
                             "outcome": "thriving" if rep < thriving(budget, fac) else "faded",
                             "steps_run": 4, "active_share": 0.5, "wall_time_s": 0.1})
    (root / "runs").mkdir(parents=True)
    pd.DataFrame(rows).to_parquet(root / "runs" / "part-000000.parquet")
    (root / "manifest.json").write_text(json.dumps({"spec_hash": "c055", "spec": {
        "title": "Crossed", "base": "default", "replications": replications, "steps": 4,
        "seed": 1}}))
    return root


def test_report_interaction_gives_intervals_and_names_the_heatmap_only_for_its_pair(tmp_path):
    """Facilitation helps at 2,000 EUR/month and harms at none (planted): the sentence gives
    each effect with its Newcombe interval, and credits the heatmap only when the pair is
    the heatmap's own (the two leading parameters)."""
    from analysis.report import ReportBuilder
    from analysis.results import load_sweep

    root = _budget_by_facilitation(
        tmp_path / "crossed", 6, lambda budget, fac: 6 if (budget > 0) == (fac > 0.5) else 0)
    builder = ReportBuilder(load_sweep(root), reruns=0, network_figures=False)
    (shown, _spread), text = builder._pair_evidence("facilitation", "coordination_budget_eur")
    assert shown and text.startswith("The heatmap's cells show an interaction")
    difference = re.search(r"differ by \+200 percentage points \(\+(\d+) to \+200\), an "
                           r"interval that excludes 0 \(95% intervals\)", text)
    assert difference and 0 < int(difference.group(1)) < 200
    effects = re.findall(r"([+-]\d+) percentage points \(([+-]\d+) to ([+-]\d+)\)", text)
    assert [e[0] for e in effects] == ["-100", "+100", "+200"]  # the two, their difference
    for value, low, high in effects:
        assert int(low) <= int(value) <= int(high) and int(high) - int(low) > 10
    assert "(95% intervals)" in text
    builder.ranked = ["structure", "coordination_budget_eur", "facilitation"]
    _shown, text = builder._pair_evidence("facilitation", "coordination_budget_eur")
    assert "heatmap's cells" not in text
    assert text.startswith("The runs grouped by coordinator's facilitation skill (facilitation)"
                           " and coordination_budget_eur")


def test_report_claims_no_interaction_where_the_difference_of_effects_holds_0(tmp_path):
    """The budget's effect is -25 points at one facilitation and +25 at the other, from 4 runs
    a cell: 50 points apart, but the interval of that difference holds 0. The Findings said
    "The heatmap's cells show an interaction" all the same; they now say the data do not."""
    from analysis.report import ReportBuilder
    from analysis.results import load_sweep

    thriving = {(0.0, 0.2): 2, (0.0, 0.8): 2, (2000.0, 0.2): 1, (2000.0, 0.8): 3}
    root = _budget_by_facilitation(tmp_path / "weak", 4, lambda budget, fac: thriving[budget, fac])
    builder = ReportBuilder(load_sweep(root), reruns=0, network_figures=False)
    found = builder._pair_evidence("coordination_budget_eur", "facilitation")
    assert found is not None
    (shown, spread), text = found
    assert not shown and spread == pytest.approx(0.5)
    assert text.startswith("The heatmap's cells do not show an interaction")
    low, high = map(int, re.search(r"differ by \+50 percentage points \(([+-]\d+) to "
                                   r"([+-]\d+)\), an interval that holds 0", text).groups())
    assert low < 0 < high
    # What the Findings' "Interactions" line is made of.
    assert builder._interactions() == [text]
