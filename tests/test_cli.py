"""The ``verkosto`` command line end to end: the dispatcher, ``verkosto run`` and its output
files, ``verkosto scenarios``, and bad input (exit status 2, one clear line, nothing left)."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import matplotlib.image
import pandas as pd
import pytest

import scenarios
from experiments.jsonable import jsonable
from model import DEFAULT_STEPS, PARAMETERS
from model.outcome import Outcome
from model.reporters import MODEL_REPORTERS
from verkosto import cli, cmd_run, i18n

VERKOSTO = Path(sys.executable).parent / "verkosto"  # the installed console script
ROOT = Path(cli.__file__).resolve().parents[1]
SMALL_SETS = ["--set", "n_organisations=4", "--set", "participants_per_organisation=3"]
STEPS = 8
SEED = 5
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SUMMARY_KEYS = {"scenario", "seed", "steps", "outcome", "evaluation", "params", "reading",
                "generator", "final", "steps_run"}


def verkosto(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "100"}
    return subprocess.run([str(VERKOSTO), *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=120, check=False)


def tree(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root`` with its content (None for directories)."""
    return {str(p.relative_to(root)): (None if p.is_dir() else p.read_bytes())
            for p in sorted(root.rglob("*"))}


# ---------------------------------------------------------------------------- dispatcher
def has_handler(parser: argparse.ArgumentParser) -> bool:
    """A handler on the parser itself or on every one of its nested subcommands."""
    if parser.get_default("func") is not None:
        return True
    nested = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return bool(nested) and all(has_handler(p) for a in nested for p in a.choices.values())


def test_every_listed_command_module_imports_and_registers_a_command() -> None:
    for name in cli.COMMAND_MODULES:
        module = importlib.import_module(name)  # a listed module that fails to import is a bug
        subparsers = cli.Parser(prog="probe").add_subparsers(dest="command")
        module.register(subparsers)
        assert subparsers.choices, f"{name}.register added no command"
        for command, parser in subparsers.choices.items():
            assert has_handler(parser), f"{command} has no handler"
    commands = next(a for a in cli.build_parser()._actions if a.dest == "command").choices
    assert {"run", "scenarios"} <= set(commands)


def test_every_command_module_on_disk_is_listed() -> None:
    package = Path(cli.__file__).parent
    on_disk = {f"verkosto.{p.stem}" for p in package.glob("cmd_*.py")}
    assert on_disk <= set(cli.COMMAND_MODULES)


def test_top_level_help_lists_every_command(tmp_path: Path) -> None:
    result = verkosto("--help", cwd=tmp_path)
    assert result.returncode == 0
    commands = next(a for a in cli.build_parser()._actions if a.dest == "command").choices
    for command in commands:
        assert f"    {command}" in result.stdout


#: What building the command line must not import: each takes from a tenth of a second to
#: over a second, and `verkosto --help` took six seconds when a command's help read its
#: default from a module importing them.
HEAVY_MODULES = ("model", "mesa", "numba", "pandas", "scipy", "statsmodels", "matplotlib",
                 "analysis.intervals", "experiments.ensemble")


def test_building_the_command_line_imports_nothing_heavy() -> None:
    """Every command's help (defaults included) comes from light modules (analysis.defaults,
    experiments.defaults), so `verkosto --help` answers at once."""
    code = ("import sys; from verkosto import cli; cli.build_parser(); "
            f"print([m for m in {HEAVY_MODULES!r} if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    assert done.stdout.strip() == "[]"


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([]) == cli.EXIT_BAD_INPUT
    assert "usage: verkosto" in capsys.readouterr().err


def test_run_help_lists_every_parameter_with_bounds(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main(["run", "--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    assert f"(default: {DEFAULT_STEPS}," in text  # the help's stated default is the model's
    for name, info in PARAMETERS.items():
        line = next((ln for ln in text.splitlines() if ln.strip().startswith(f"{name} ")), None)
        assert line is not None, name
        if info.choices:
            assert all(c in line for c in info.choices), line
        elif info.low is not None:
            assert f"{info.low:g} to {info.high:g}" in line, line


def test_list_params_gives_meaning_and_source(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run", "--list-params"]) == 0
    text = capsys.readouterr().out
    for info in PARAMETERS.values():
        assert f"{info.doc} [{info.source}]" in text


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ["(0 to 12 a year)", "(0 to 1 a week)", "(0 to 0.1 per meeting)",
            "plausible 0.01 to 0.06 a week: "]),
    ("fi", ["(0…12 vuodessa)", "(0…1 viikossa)", "(0…0.1 tapaamista kohti)",
            "uskottava väli 0.01…0.06 viikossa: "]),
])
def test_list_params_writes_rates_in_words(capsys: pytest.CaptureFixture[str], lang: str,
                                           expected: list[str]) -> None:
    """"0 to 12 1/year" reads badly after a number: a rate is written "a year" / "vuodessa"."""
    from verkosto import i18n

    try:
        assert cli.main(["run", "--list-params", "--lang", lang]) == 0
    finally:
        i18n.set_language("en")
    listing = capsys.readouterr().out
    assert " 1/" not in listing
    for text in expected:
        assert text in listing, text


def test_run_help_and_list_params_follow_the_language(
        capsys: pytest.CaptureFixture[str]) -> None:
    from verkosto import i18n

    fi = i18n.translator("fi")
    with pytest.raises(SystemExit):
        cli.main(["run", "--help", "--lang", "fi"])
    text = capsys.readouterr().out
    for english in ("Run one simulation of a scenario", "random seed;", "weeks to simulate",
                    "parameters for --set", "one of ", "true or false", "output directory"):
        assert english not in text, english
    assert "satunnaissiemen" in text and "(2…1000 organisaatiota)" in text
    assert cli.main(["run", "--list-params", "--lang", "fi"]) == 0
    listing = capsys.readouterr().out
    for info in PARAMETERS.values():
        assert f"{i18n.param_doc(info.name, fi)} [{i18n.param_source(info.name, fi)}]" in listing
        if info.plausible_why:
            assert i18n.param_why(info.name, fi) != info.plausible_why, info.name
            assert f": {i18n.param_why(info.name, fi)}\n" in listing, info.name
    assert "lever: defines" not in listing and "plausible " not in listing
    # The reasons and source tags are Finnish too; claim ids and citations stay as they are.
    for english in ("judgement", "[assumption", "literature", " the ", " of "):
        assert english not in listing, english
    assert "[oletus]" in listing and "[S24]" in listing and "uskottava väli" in listing
    assert listing.splitlines()[0] == "verkosto:"
    i18n.set_language("en")


def _help_texts(lang: str) -> dict[str, list[str]]:
    """Every command's description and option helps (argparse's own -h aside) in ``lang``."""
    import argparse

    from verkosto import i18n

    i18n.set_language(lang)
    try:
        parser = cli.build_parser()
    finally:
        i18n.set_language("en")
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    texts = {"": [str(parser.description), str(parser.epilog)]}
    for name, command in sub.choices.items():
        texts[name] = [str(command.description)] + [
            str(a.help) for a in command._actions
            if a.help and not isinstance(a, argparse._HelpAction | argparse._SubParsersAction)]
    texts["(command list)"] = [str(a.help) for a in sub._choices_actions]
    return texts


@pytest.mark.parametrize("command", ["", "run", "report", "compare", "patterns"])
def test_help_texts_follow_the_language(command: str) -> None:
    english, finnish = _help_texts("en")[command], _help_texts("fi")[command]
    same = [text for text, fi in zip(english, finnish, strict=True) if text == fi]
    assert same == [], same


# ---------------------------------------------------------------------------- verkosto run
@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    root = tmp_path_factory.mktemp("run")
    result = verkosto("run", "default", "--steps", str(STEPS), "--seed", str(SEED),
                      *SMALL_SETS, "--out", "results/first", cwd=root)
    return root / "results" / "first", result


def test_run_writes_exactly_the_four_files(run_dir) -> None:
    out, result = run_dir
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(cmd_run.OUTPUT_FILES)
    assert [p.name for p in out.parent.iterdir()] == ["first"]  # no temporary directory left


def test_timeseries_has_a_step_column_and_every_reporter(run_dir) -> None:
    out, _ = run_dir
    frame = pd.read_parquet(out / "timeseries.parquet")
    assert list(frame.columns) == list(MODEL_REPORTERS)
    assert frame.columns[0] == "step"
    assert frame["step"].tolist() == list(range(STEPS + 1))  # week 0 and every week after
    csv = pd.read_csv(out / "timeseries.csv")
    pd.testing.assert_frame_equal(csv, frame, check_dtype=False)


def test_summary_has_the_documented_keys_and_values(run_dir) -> None:
    out, _ = run_dir
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary) >= SUMMARY_KEYS
    assert summary["scenario"] == "default"
    assert (summary["seed"], summary["steps"], summary["steps_run"]) == (SEED, STEPS, STEPS)
    assert summary["outcome"] in {o.value for o in Outcome}
    assert summary["params"]["n_organisations"] == 4
    assert summary["set"] == {"n_organisations": 4, "participants_per_organisation": 3}
    assert set(summary["params"]) == set(PARAMETERS)
    assert "spend_breakdown_eur" in summary["evaluation"]["coordination"]
    last = pd.read_parquet(out / "timeseries.parquet").iloc[-1]
    assert summary["final"]["active"] == last["active"]
    assert summary["final"]["mean_trust"] == pytest.approx(last["mean_trust"])


def test_overview_is_a_png_of_the_documented_size(run_dir) -> None:
    out, _ = run_dir
    path = out / "overview.png"
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    height, width = matplotlib.image.imread(path).shape[:2]
    expected_w, expected_h = (round(x * cmd_run.FIGURE_DPI) for x in cmd_run.FIGURE_SIZE_IN)
    assert (abs(width - expected_w), abs(height - expected_h)) <= (2, 2)


def test_run_prints_a_plain_language_summary(run_dir) -> None:
    out, result = run_dir
    summary = json.loads((out / "summary.json").read_text())
    # STEPS weeks fall short of the 13-week outcome window: no class yet, as on the dashboard.
    assert STEPS < summary["params"]["outcome_window_weeks"] == 13
    assert f"Outcome: too early to tell (wait {13 - STEPS} more weeks)." in result.stdout
    assert f"Outcome: {summary['outcome']}" not in result.stdout
    assert "What drove it:" in result.stdout
    assert "meetings" in result.stdout and "Key figures:" in result.stdout
    assert "Traceback" not in result.stderr
    # The hidden cost is given per month too, as the spending is and as 'budget' gives it,
    # so that a planner can set it beside a monthly budget.
    assert "knowledge coverage" in result.stdout
    assert "(among the organisations still present)" in result.stdout
    hidden = summary["evaluation"]["coordination"]["hidden_cost_eur"]
    months = summary["steps_run"] * 12 / cmd_run.WEEKS_PER_YEAR
    # Thousands are separated with a comma in English, as budget and compare write them.
    assert hidden >= 1000 and "\u202f" not in result.stdout
    assert f"hidden cost {hidden:,.0f} EUR ({hidden / months:,.0f} EUR/month)" in result.stdout


def test_run_names_the_outcome_once_its_window_has_passed(run_dir) -> None:
    out, _ = run_dir
    summary = json.loads((out / "summary.json").read_text())
    frame = pd.read_parquet(out / "timeseries.parquet")
    judged = {**summary, "params": {**summary["params"], "outcome_window_weeks": STEPS}}
    assert f"Outcome: {summary['outcome'].replace('_', ' ')}.\n" in cmd_run.describe(judged, frame)
    ended = {**summary, "ended_early": True}  # a network that ended has its final outcome
    assert f"Outcome: {summary['outcome'].replace('_', ' ')}.\n" in cmd_run.describe(ended, frame)


def run_in_process(tmp_path: Path, *args: str, out: str = "out") -> Path:
    path = tmp_path / out
    assert cli.main(["run", *args, *SMALL_SETS, "--quiet", "--out", str(path)]) == 0
    return path


def test_a_network_that_ends_early_is_recorded_up_to_its_end_only(tmp_path: Path) -> None:
    """`client_process` reaches its goal before --steps: the run stops there (Mesa's
    run_for would go on counting weeks past the end and record one more row)."""
    out = tmp_path / "out"
    assert cli.main(["run", "client_process", "--quiet", "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    frame = pd.read_parquet(out / "timeseries.parquet")
    assert summary["ended_early"] is True and summary["outcome"] == "completed"
    assert summary["steps_run"] < summary["steps"] == DEFAULT_STEPS
    assert frame["step"].iloc[-1] == summary["steps_run"]
    assert frame["step"].is_unique


def test_rerun_replaces_an_earlier_runs_directory(tmp_path: Path) -> None:
    out = run_in_process(tmp_path, "--steps", "3", "--seed", "1")
    run_in_process(tmp_path, "--steps", "4", "--seed", "2")
    summary = json.loads((out / "summary.json").read_text())
    assert (summary["seed"], summary["steps"]) == (2, 4)
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_same_seed_same_series_other_seed_other_series(tmp_path: Path) -> None:
    def series(seed: str, out: str) -> pd.DataFrame:
        return pd.read_parquet(run_in_process(tmp_path, "--steps", "10", "--seed", seed,
                                              out=out) / "timeseries.parquet")

    first, again, other = series("3", "a"), series("3", "b"), series("4", "c")
    pd.testing.assert_frame_equal(first, again)
    assert not first.equals(other)


def test_steps_column_follows_the_recording_interval(tmp_path: Path) -> None:
    out = run_in_process(tmp_path, "--steps", "9", "--set", "record_every=4")
    assert pd.read_parquet(out / "timeseries.parquet")["step"].tolist() == [0, 4, 8, 9]


def test_run_defaults_match_the_libraries() -> None:
    assert cmd_run.DEFAULT_SCENARIO == scenarios.DEFAULT
    assert cmd_run.DEFAULT_SEED == 1  # documented in the README's quick start


def test_default_output_directory_is_out_slash_scenario(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.main(["run", "leadership_routine", "--steps", "2", *SMALL_SETS, "-q"]) == 0
    assert (tmp_path / "out" / "leadership_routine" / "summary.json").is_file()


@pytest.mark.parametrize("name", scenarios.names())
def test_every_shipped_scenario_runs_through_the_command_line(tmp_path: Path, name: str) -> None:
    out = run_in_process(tmp_path, name, "--steps", "3")
    summary = json.loads((out / "summary.json").read_text())
    assert summary["scenario"] == name
    for key, value in scenarios.info(name).overrides.items():
        if key not in ("n_organisations", "participants_per_organisation"):
            assert summary["params"][key] == jsonable(value)


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    def disk_full(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cmd_run, "draw_overview", disk_full)
    out = tmp_path / "new" / "deeper" / "out"
    code = cli.main(["run", "--steps", "2", *SMALL_SETS, "-q", "--out", str(out)])
    assert code == cli.EXIT_BAD_INPUT
    assert "No space left on device" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []  # not even the parents it created


def test_a_failed_write_keeps_the_earlier_run(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    out = run_in_process(tmp_path, "--steps", "2")
    before = tree(tmp_path)
    monkeypatch.setattr(cmd_run, "draw_overview", lambda *_: (_ for _ in ()).throw(
        OSError(28, "No space left on device")))
    assert cli.main(["run", "--steps", "3", *SMALL_SETS, "-q", "--out", str(out)]) == 2
    assert tree(tmp_path) == before


def test_a_killed_runs_staging_directory_is_removed_by_the_next(tmp_path: Path) -> None:
    """A run killed while writing leaves its hidden .NAME.PID.RANDOM.partial beside --out;
    the next run into that --out removes it when its process no longer exists, and leaves
    a running process's and another --out's alone."""
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    stale = tmp_path / f".out.{ended.pid}.k3j_9x2a.partial"
    live = tmp_path / f".out.{os.getpid()}.b7q1m0zz.partial"
    other = tmp_path / f".other.{ended.pid}.k3j_9x2a.partial"
    for directory in (stale, live, other):
        directory.mkdir()
        (directory / "summary.json").write_text("half")
    out = tmp_path / "out"
    assert cli.main([*RUN, "-q", "--out", str(out)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [live.name, other.name, "out"])
    assert (live / "summary.json").read_text() == "half"
    assert sorted(p.name for p in out.iterdir()) == sorted(cmd_run.OUTPUT_FILES)


def test_staging_is_marked_with_the_host_and_another_hosts_waits_for_an_hour(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """On a file system that hosts share (a cluster's home directories), the process id in a
    staging name was asked of this host: a run writing now on another host, whose id is no
    process here, had its staging removed under it. Names carry the host now (PID@HOST):
    this host's are judged by their process as before; another host's are kept and named
    until nothing in them has changed for STALE_STAGING_AGE_S."""
    mark = cmd_run.process_mark()
    pid, host = re.fullmatch(cmd_run.MARK, mark).groups()
    assert int(pid) == os.getpid() and host
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    age = cmd_run.STALE_STAGING_AGE_S
    killed_here = _leftover(tmp_path / f".out.{ended.pid}@{host}.k3j_9x2a.partial")
    running_here = _leftover(tmp_path / f".out.{mark}.b7q1m0zz.partial")
    writing_there = _leftover(tmp_path / f".out.{ended.pid}@elsewhere-07.q0w9e8r7.partial",
                              age - 60)
    killed_there = _leftover(tmp_path / f".out.{ended.pid}@elsewhere-07.m5n6b7v8.partial",
                             age + 60)
    cmd_run._remove_stale_staging(tmp_path / "out")
    err = capsys.readouterr().err
    assert not killed_here.exists() and not killed_there.exists()
    assert running_here.exists() and writing_there.exists()
    assert err.splitlines() == [
        f"verkosto: note: {writing_there} is staged by a command on host elsewhere-07, which "
        "this one cannot ask about; once no command is writing to --out "
        f"'{tmp_path / 'out'}', it can be deleted"]


def _leftover(path: Path, age_s: float = 0.0) -> Path:
    """A directory with one file in it, last changed ``age_s`` seconds ago."""
    import time

    path.mkdir()
    (path / "summary.json").write_text("half")
    then = time.time() - age_s
    for changed in (path / "summary.json", path):
        os.utime(changed, (then, then))
    return path


def test_leftovers_without_a_process_id_are_removed_only_when_provably_dead(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Staging made before names carried a process id (.NAME.RANDOM.partial) and the earlier
    --out a killed _replace set aside (.NAME.RANDOM.old) were never removed. Removed now:
    staging idle longer than STALE_STAGING_AGE_S, and an .old whose --out exists (the replace
    finished). Named on stderr, not removed: younger staging (an older verkosto may be
    writing it) and an .old without its --out (its results may be the only copy)."""
    age = cmd_run.STALE_STAGING_AGE_S
    out = tmp_path / "out"
    old_staging = _leftover(tmp_path / ".out.k3j_9x2a.partial", age + 60)
    young_staging = _leftover(tmp_path / ".out.b7q1m0zz.partial", age - 60)
    other = _leftover(tmp_path / ".other.k3j_9x2a.partial", age + 60)
    set_aside = _leftover(tmp_path / ".out.q0w9e8r7.old", age + 60)
    # a user's own, not named as tempfile names ours: neither removed nor named
    users = [_leftover(tmp_path / name, age + 60)
             for name in (".out.backup.old", ".out.my-notes.old", ".out.drafts.partial")]
    cmd_run._remove_stale_staging(out)  # no --out yet: its .old is the earlier results
    err = capsys.readouterr().err
    assert not old_staging.exists()
    assert young_staging.exists() and other.exists() and set_aside.exists()
    assert len(err.splitlines()) == 2, err
    assert f"verkosto: note: {young_staging} was staged by a verkosto from before" in err
    assert f"verkosto: note: {set_aside} holds what --out '{out}' held" in err
    assert str(other) not in err
    out.mkdir()  # the replace finished: the .old is its leftover
    cmd_run._remove_stale_staging(out)
    assert not set_aside.exists() and young_staging.exists() and other.exists()
    assert (other / "summary.json").read_text() == "half"
    assert all((path / "summary.json").read_text() == "half" for path in users)
    assert not any(path.name in err for path in users)


def test_a_young_leftover_without_a_process_id_is_named_once_a_process(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The note on a young pid-less staging directory came on every write into --out, for
    the hour until it could be removed; a command writing twice now says it once."""
    young = _leftover(tmp_path / ".out.b7q1m0zz.partial", cmd_run.STALE_STAGING_AGE_S - 60)
    out = tmp_path / "out"
    for week in ("1", "2"):
        with cmd_run._staging_directory(out) as staging:
            (staging / "week.txt").write_text(week)
    err = capsys.readouterr().err
    assert err.count(str(young)) == 1, err
    assert (out / "week.txt").read_text() == "2"  # both writes happened
    assert (young / "summary.json").read_text() == "half"  # and the folder is kept


@pytest.mark.parametrize(("text", "value"), [
    ("800", 800), ("0.5", 0.5), ("true", True), ("[0.1, 0.2]", [0.1, 0.2]),
    ("learning", "learning"), ('"learning"', "learning"), ("1 2", "1 2"), ("x\ny = 2", "x\ny = 2"),
])
def test_set_values_are_toml_literals_or_plain_strings(text: str, value: object) -> None:
    assert cmd_run._toml_value(text) == value


def test_set_values_are_coerced_to_declared_types() -> None:
    sets = cmd_run.parse_sets(["purpose=learning", "rotating_meeting=true",
                               "coordination_budget_eur=800", "meeting_interval_weeks=2.0"])
    assert sets == {"purpose": "learning", "rotating_meeting": True,
                    "coordination_budget_eur": 800.0, "meeting_interval_weeks": 2}
    assert isinstance(sets["meeting_interval_weeks"], int)


# ---------------------------------------------------------------------------- verkosto scenarios
def test_scenarios_lists_every_scenario_name_then_title(tmp_path: Path) -> None:
    result = verkosto("scenarios", cwd=tmp_path)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert [ln.split()[0] for ln in lines] == scenarios.names()
    for line, name in zip(lines, scenarios.names(), strict=True):
        assert line.endswith(scenarios.info(name).title)


def test_scenarios_shows_one_in_full(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["scenarios", "no_coordination"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("no_coordination: No coordination")
    assert "S36" in text and "coordination_budget_eur = 0" in text


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_scenarios_never_breaks_a_line_inside_one_override(
        capsys: pytest.CaptureFixture[str], lang: str) -> None:
    import scenarios

    for name in scenarios.names():
        assert cli.main(["scenarios", name, "--lang", lang]) == 0
        text = capsys.readouterr().out
        for key in scenarios.info(name).overrides:
            # "structure = 0.9" stays on one line (it was split as "structure" / "= 0.9").
            assert f"{key} = " in text, (name, key)
        assert not any(line.lstrip().startswith("=") or line.rstrip().endswith(" =")
                       for line in text.splitlines()), (name, text)


# ---------------------------------------------------------------------------- bad input
def _file(text: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        (root / "bad.toml").write_text(text, encoding="utf-8")
    return make


def _foreign_dir(root: Path) -> None:
    (root / "out").mkdir()
    (root / "out" / "notes.txt").write_text("mine, keep out")


def _plain_file(name: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        (root / name).write_text("a file")
    return make


RUN = ["run", "--steps", "2", *SMALL_SETS]
BAD_INPUT = [
    # (kind, setup, arguments, fragments the one-line message must contain)
    ("unknown scenario", None, ["run", "no_coordinaton"],
     ["unknown scenario 'no_coordinaton'", "did you mean 'no_coordination'"]),
    ("missing scenario file", None, ["run", "nosuch/mine.toml"],
     ["nosuch/mine.toml", "does not exist"]),
    ("malformed scenario file", _file("[params\n"), ["run", "bad.toml"],
     ["bad.toml", "not valid TOML"]),
    ("unknown key in file", _file("[params]\nbudget = 5\n"), ["run", "bad.toml"],
     ["bad.toml", "unknown parameter 'budget'"]),
    ("unknown top-level key in file", _file("facilitation = 0.5\n"), ["run", "bad.toml"],
     ["bad.toml", "unknown key 'facilitation'", "[params] table"]),
    ("wrong type in file", _file('[params]\nfacilitation = "high"\n'), ["run", "bad.toml"],
     ["bad.toml", "'facilitation'", "'high'", "a number"]),
    ("out of bounds in file", _file("[params]\nmeeting_interval_weeks = 100\n"),
     ["run", "bad.toml"], ["bad.toml", "'meeting_interval_weeks'", "100", "1 to 26"]),
    ("--set unknown key", None, [*RUN, "--set", "facilitaton=0.5"],
     ["unknown parameter 'facilitaton'", "did you mean 'facilitation'"]),
    ("--set unparsable value", None, [*RUN, "--set", "facilitation=lots"],
     ["'facilitation'", "'lots'"]),
    ("--set out of bounds", None, [*RUN, "--set", "coordination_budget_eur=-5"],
     ["'coordination_budget_eur'", "-5", "0 to 20000"]),
    ("--set bad choice", None, [*RUN, "--set", "purpose=profit"],
     ["'purpose'", "'profit'", "peer_support"]),
    ("--set without =", None, [*RUN, "--set", "facilitation"], ["KEY=VALUE"]),
    ("--set decimal comma", None, [*RUN, "--set", "trust_prior=0,3"],
     ["'trust_prior'", "'0,3'", "did you mean 0.3? (a decimal point, not a comma)"]),
    ("--set thousands comma", None, [*RUN, "--set", "coordination_budget_eur=1,500"],
     ["did you mean 1.5 or 1500? (a decimal point, and no thousands separator)"]),
    ("--set twice", None, [*RUN, "--set", "facilitation=0.2", "--set", "facilitation=0.3"],
     ["facilitation", "more than once"]),
    ("--set conflicting values", None,
     [*RUN, "--set", "share_conveners=0.6", "--set", "share_seekers=0.6"],
     ["share_conveners + share_seekers"]),
    ("--steps zero", None, ["run", "--steps", "0"], ["--steps", "at least 1"]),
    ("--steps not a number", None, ["run", "--steps", "ten"], ["--steps", "is not an integer"]),
    ("--seed negative", None, ["run", "--seed", "-1"], ["--seed", "at least 0"]),
    ("unknown option", None, ["run", "--sett", "x=1"], ["unrecognized arguments: --sett"]),
    ("--out is a file", _plain_file("out"), RUN, ["--out", "not a directory"]),
    ("--out under a file", _plain_file("afile"), [*RUN, "--out", "afile/sub/out"],
     ["afile", "cannot be created", "is not a directory"]),
    ("--out holds foreign files", _foreign_dir, RUN, ["--out", "not written by"]),
]


@pytest.mark.parametrize(("kind", "setup", "args", "fragments"), BAD_INPUT,
                         ids=[case[0] for case in BAD_INPUT])
def test_bad_input_exits_2_with_one_clear_line_and_leaves_nothing(
        tmp_path: Path, kind: str, setup, args: list[str], fragments: list[str]) -> None:
    if setup is not None:
        setup(tmp_path)
    if "--out" not in args:
        args = [*args, "--out", "out"]
    before = tree(tmp_path)
    result = verkosto(*args, cwd=tmp_path)
    assert result.returncode == 2, (kind, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("verkosto: error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (kind, lines[0])
    assert result.stdout == ""
    assert tree(tmp_path) == before  # nothing created, changed or half-written


BAD_INPUT_FI = [
    # (kind, arguments, fragments of the Finnish line, English words it must not contain)
    ("port out of range", ["dashboard", "--port", "0"],
     ["--port: 0 ei ole sallitulla välillä: arvon on oltava vähintään 1 ja enintään 65535",
      "(katso 'verkosto dashboard --help')"], ["argument", "out of range", "see "]),
    ("negative steps", ["run", "--steps", "-1"], ["--steps: -1", "vähintään 1"],
     ["out of range", "at least"]),
    ("no workers", ["sweep", "--workers", "0"], ["--workers: 0", "vähintään 1"],
     ["out of range", "at least"]),
    ("steps not a number", ["run", "--steps", "ten"], ["'ten' ei ole kokonaisluku"],
     ["is not", "integer"]),
    ("a percentage for a share", ["budget", "default", "--target", "80"],
     ["yli 0 ja alle 1", "tarkoititko 0.8?", "osuutena"], ["did you mean", "below"]),
    ("unknown scenario listed", ["scenarios", "nosuch"],
     ["tuntematon tilanne 'nosuch'; mukana tulevat tilanteet ovat default, "],
     ["unknown", "shipped", "give a path"]),
    ("unknown scenario run", ["run", "no_coordinaton"],
     ["tuntematon tilanne 'no_coordinaton'; tarkoititko 'no_coordination'"],
     ["unknown", "did you mean"]),
    ("--set cross-parameter check", ["run", "--set", "share_conveners=0.6", "--set",
                                     "share_seekers=0.6"],
     ["share_conveners + share_seekers ei saa ylittää arvoa 1 (annettu 0.6 + 0.6)"],
     ["must not exceed", "got", "after applying"]),
    ("--set thresholds crossed", ["patterns", "--set", "peripheral_threshold=0.5", "--set",
                                  "active_threshold=0.3"],
     ["peripheral_threshold ei saa olla suurempi kuin active_threshold"],
     ["must not exceed", "after applying"]),
    ("--set rate out of bounds", ["run", "--set", "turnover_per_year=20"],
     ["sallittu väli on 0…1 vuodessa"], ["1/v", "1/year", "a year"]),
    ("--set out of bounds", ["run", "--set", "coordination_budget_eur=-5"],
     ["parametri 'coordination_budget_eur' = -5 on sallitun välin ulkopuolella",
      "0…200000 €/kk"], ["parameter", "out of bounds", "EUR/month"]),
    ("--set decimal comma", ["run", "--set", "trust_prior=0,3"],
     ["'0,3': odotettiin lukua väliltä 0…0.5; tarkoititko 0.3? (desimaalipiste, ei pilkku)"],
     ["did you mean", "decimal point"]),
    ("--set wrong type", ["run", "--set", "facilitation=lots"],
     ["'lots': odotettiin lukua väliltä 0…1"], ["expected", "a number"]),
    ("--set twice", ["run", "--set", "facilitation=0.2", "--set", "facilitation=0.3"],
     ["annettu useammin kuin kerran"], ["more than once"]),
    # argparse's own refusals
    ("unknown option", ["run", "--bogus"], ["tuntemattomia argumentteja: --bogus"],
     ["unrecognized"]),
    ("option without its value", ["run", "--seed"], ["--seed: odotettiin yhtä argumenttia"],
     ["expected", "argument --"]),
    ("required arguments missing", ["budget"],
     ["seuraavat argumentit puuttuvat: SCENARIO, --target"], ["required"]),
    ("unknown command", ["frob"], ["virheellinen valinta: 'frob' (vaihtoehdot: 'run', "],
     ["invalid choice", "choose from"]),
]


def _error_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """The one line ``verkosto`` prints on stderr for refused input (exit status 2)."""
    try:
        status = cli.main(argv)
    except SystemExit as stop:  # argparse's own refusal
        status = stop.code
    err = capsys.readouterr().err
    assert status == cli.EXIT_BAD_INPUT and err.count("\n") == 1, err
    assert err.startswith(ERROR_PREFIX[i18n.current().lang]), err
    return err.strip()


ERROR_PREFIX = {"en": "verkosto: error: ", "fi": "verkosto: virhe: "}
"""How a refusal begins in each language (argparse's own prefix is English only)."""


@pytest.mark.parametrize(("kind", "args", "finnish", "english"), BAD_INPUT_FI,
                         ids=[case[0] for case in BAD_INPUT_FI])
def test_bad_input_is_refused_in_finnish(capsys: pytest.CaptureFixture[str], kind: str,
                                         args: list[str], finnish: list[str],
                                         english: list[str]) -> None:
    from verkosto import i18n

    try:
        line = _error_line([*args, "--lang", "fi"], capsys)
    finally:
        i18n.set_language("en")
    for fragment in finnish:
        assert fragment in line, (kind, line)
    for word in english:
        assert word not in line.removeprefix(ERROR_PREFIX["fi"]), (kind, line)


@pytest.mark.parametrize(("setup", "out", "finnish"), [
    (_foreign_dir, "out", "--out '{root}/out': hakemistossa on tiedostoja, joita 'verkosto run' "
                          "ei ole kirjoittanut; valitse toinen --out tai tyhjennä hakemisto ensin"),
    (_plain_file("out"), "out", "--out '{root}/out': on jo olemassa eikä ole hakemisto"),
    (_plain_file("afile"), "afile/sub", "--out '{root}/afile/sub': polkua ei voi luoda: "
                                        "'{root}/afile' ei ole hakemisto"),
], ids=["foreign files", "a file", "under a file"])
def test_run_refuses_an_output_directory_in_finnish(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], setup, out: str,
        finnish: str) -> None:
    from verkosto import i18n

    setup(tmp_path)
    before = tree(tmp_path)
    try:
        line = _error_line(["run", "--steps", "2", "--out", str(tmp_path / out), "--lang", "fi"],
                           capsys)
    finally:
        i18n.set_language("en")
    assert line == ERROR_PREFIX["fi"] + finnish.format(root=tmp_path), line
    assert tree(tmp_path) == before


@pytest.mark.parametrize(("lang", "refused", "help_words"), [
    ("en", "verkosto: error: ", ["usage: verkosto run ", "\npositional arguments:\n",
                                 "\noptions:\n", "show this help message and exit"]),
    ("fi", "verkosto: virhe: ", ["käyttö: verkosto run ", "\nsijaintiargumentit:\n",
                                 "\nvalitsimet:\n", "näytä tämä ohje ja lopeta"]),
])
def test_argparse_own_words_follow_the_language(
        capsys: pytest.CaptureFixture[str], lang: str, refused: str,
        help_words: list[str]) -> None:
    """argparse's prefix and headings stayed English under --lang fi ("verkosto: error:",
    "usage:", "options:"), its gettext domain having no Finnish."""
    try:
        for argv in (["run", "--bogus"], ["run", "--steps", "x"],
                     ["run", "--set", "n_organisations=1"]):  # argparse's, ours, the model's
            assert _error_line([*argv, "--lang", lang], capsys).startswith(refused), argv
        with pytest.raises(SystemExit):
            cli.main(["run", "--help", "--lang", lang])
        text = capsys.readouterr().out
        assert cli.main(["--lang", lang]) == cli.EXIT_BAD_INPUT  # no command: the help
        top = capsys.readouterr().err
    finally:
        i18n.set_language("en")
    for words in help_words:
        assert words in text, words
    assert top.startswith(help_words[0].removesuffix("run ")), top


def test_refused_values_follow_the_language_of_the_environment(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from verkosto import i18n

    monkeypatch.setenv("LC_ALL", "fi_FI.UTF-8")
    try:
        line = _error_line(["run", "--steps", "0"], capsys)
    finally:
        i18n.set_language("en")
    assert "--steps: 0 ei ole sallitulla välillä" in line, line


def test_lang_before_the_command_chooses_the_language(
        capsys: pytest.CaptureFixture[str]) -> None:
    """'verkosto --lang fi run' was refused as the command 'fi'; a --lang after the command
    still wins, as the last --lang given."""
    from verkosto import i18n

    try:
        line = _error_line(["--lang", "fi", "scenarios", "nosuch"], capsys)
        assert "tuntematon tilanne 'nosuch'" in line, line
        line = _error_line(["--lang=fi", "run", "--steps", "0"], capsys)
        assert "--steps: 0 ei ole sallitulla välillä" in line, line
        line = _error_line(["--lang", "fi", "run", "--steps", "0", "--lang", "en"], capsys)
        assert "argument --steps: 0 is out of range" in line, line
        line = _error_line(["--lang", "en", "run", "--lang", "fi", "--set", "n_organisations=1"],
                           capsys)
        assert "on sallitun välin ulkopuolella" in line, line
    finally:
        i18n.set_language("en")


@pytest.mark.parametrize(("lang", "said"), [("en", "verkosto: interrupted"),
                                           ("fi", "verkosto: keskeytetty")])
def test_ctrl_c_exits_130_with_one_line_in_the_chosen_language(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], lang: str,
        said: str) -> None:
    from verkosto import cmd_scenarios, i18n

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cmd_scenarios, "handle", interrupted)
    try:
        assert cli.main(["scenarios", "--lang", lang]) == cli.EXIT_INTERRUPTED
    finally:
        i18n.set_language("en")
    assert capsys.readouterr().err == said + "\n"


@pytest.mark.parametrize("command", [["run"], ["compare", "default", "no_coordination"],
                                     ["budget", "default", "--target", "0.8"], ["patterns"],
                                     ["animate", "default", "--out", "x.gif"]])
def test_weeks_beyond_a_hundred_years_are_refused(capsys: pytest.CaptureFixture[str],
                                                  command: list[str]) -> None:
    """'run --steps 100000000' ran on for days while its time series grew."""
    from verkosto.argtypes import MAX_WEEKS

    line = _error_line([*command, "--steps", str(MAX_WEEKS + 1)], capsys)
    assert f"--steps: {MAX_WEEKS + 1} is out of range" in line
    assert f"at most {MAX_WEEKS}" in line


def test_a_refused_whole_number_is_shown_as_typed(capsys: pytest.CaptureFixture[str]) -> None:
    """Not as '1e+08 is out of range', which the user never typed."""
    line = _error_line(["animate", "default", "--out", "x.gif", "--steps", "100000000"], capsys)
    assert "--steps: 100000000 is out of range: allowed at least 1 and at most 5200" in line
    assert "e+" not in line


# ---------------------------------------------------------------------------- README
README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_lists_every_scenario_and_every_output_column() -> None:
    text = README.read_text(encoding="utf-8")
    for scenario in scenarios.all_scenarios():
        assert f"| `{scenario.name}` | {scenario.title} |" in text, scenario.name
    outputs = text[text.index("## Outputs of `verkosto run`"):]
    for column in ["step", *MODEL_REPORTERS]:
        assert f"`{column}`" in outputs, column
    for file in cmd_run.OUTPUT_FILES:
        assert f"`{file}`" in outputs, file
    # The overview's curves are over all seats (cmd_run.OVERVIEW_SERIES), not "of the active".
    overview = outputs[outputs.index("| `overview.png` |"):].splitlines()[0]
    assert "of the active" not in overview and "over all seats" in overview
    for _column, label in cmd_run.OVERVIEW_SERIES:
        assert label in overview, label


def test_first_compilation_is_announced_once(monkeypatch) -> None:
    """The first run after installing compiles for most of a minute: it must not be silent.
    The notice comes once per process, when numba compiles, and not for cached code."""
    import io

    import numba

    from verkosto import compiling

    monkeypatch.setattr(compiling._State, "announced", False)
    out = io.StringIO()
    compiling.announce(out)
    try:
        from model import NetworkModel

        NetworkModel(rng=1).run_for(2)  # compiled already in this process, or from the cache
        first = out.getvalue()
        numba.njit(lambda x: x + 1)(1)  # a compilation
        numba.njit(lambda x: x + 2)(1)  # another: no second notice
    finally:
        compiling.announce(None)
    assert out.getvalue().count(compiling.notice()) == 1
    assert first in ("", compiling.notice() + "\n")


def test_a_reader_that_leaves_early_gets_no_traceback(tmp_path: Path) -> None:
    """`verkosto run | head -1`: the pipe closes before run prints its summary."""
    reader_gone = subprocess.Popen(
        [str(VERKOSTO), "run", "--steps", "2", *SMALL_SETS, "--out", str(tmp_path / "out")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    reader_gone.stdout.close()  # the reader leaves before anything is written
    err = reader_gone.stderr.read()
    assert reader_gone.wait(timeout=120) == cli.EXIT_BROKEN_PIPE, err
    assert "Traceback" not in err, err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(cmd_run.OUTPUT_FILES)


def test_compilation_notice_does_not_promise_a_minute() -> None:
    """After `make setup` the rest compiles in seconds (dock: 3.5 s in all): the notice says
    "up to a minute", not "about a minute", in both languages."""
    from verkosto import compiling, i18n

    try:
        english = compiling.notice()
        i18n.set_language("fi")
        finnish = compiling.notice()
    finally:
        i18n.set_language("en")
    assert "up to a minute" in english and "about a minute" not in english
    assert "voi kestää jopa minuutin" in finnish and "noin minuutin" not in finnish


def test_commands_that_simulate_listen_for_compilation(monkeypatch, tmp_path) -> None:
    from verkosto import compiling

    calls: list[object] = []
    monkeypatch.setattr(compiling, "announce", lambda stream=None: calls.append(stream))
    assert cli.main(["scenarios"]) == 0
    assert calls == []
    assert cli.main(["run", "--steps", "1", "--out", str(tmp_path / "run"), "-q"]) == 0
    assert len(calls) == 1


def test_overview_curves_have_the_dashboard_s_colours(tmp_path: Path, monkeypatch) -> None:
    """The overview drew trust orange, commitment green and the active share red, while the
    dashboard and the animation draw them green, red and purple: one measure, two colours."""
    from matplotlib.axes import Axes

    from verkosto import words

    drawn: dict[str, object] = {}
    real_plot = Axes.plot

    def plot(self, *args, **kwargs):
        drawn[kwargs.get("label", "")] = kwargs.get("color")
        return real_plot(self, *args, **kwargs)

    request = cmd_run.prepare("default", [], 1, 3, tmp_path / "run")
    model = cmd_run.simulate(request, progress=False)
    monkeypatch.setattr(Axes, "plot", plot)
    cmd_run.draw_overview(tmp_path / "overview.png", request, model, cmd_run.timeseries(model))
    for curve in words.CURVES:
        label = next(label for column, label in cmd_run.OVERVIEW_SERIES
                     if column == curve.column)
        assert drawn[label] == curve.colour, curve.column


def test_overview_draws_the_stranger_s_level_of_trust(tmp_path: Path, monkeypatch) -> None:
    """The network's trust counts an empty seat at trust_prior (0.15), so no_coordination
    ended at a flat 0.16 with 3 of 24 seats filled, and looked healthy: the overview draws
    that floor as a labelled line."""
    from matplotlib.axes import Axes

    from verkosto import i18n

    levels: list[float] = []
    texts: list[str] = []
    real_hlines, real_add_artist = Axes.hlines, Axes.add_artist
    monkeypatch.setattr(Axes, "hlines", lambda self, y, *a, **k: (
        levels.append(float(y)), real_hlines(self, y, *a, **k))[1])
    # The label is placed when the figure is drawn (drawing.LevelLabel), not by Axes.text.
    monkeypatch.setattr(Axes, "add_artist", lambda self, a: (
        texts.append(getattr(a, "get_text", str)()), real_add_artist(self, a))[1])
    request = cmd_run.prepare("no_coordination", ["trust_prior=0.2"], 1, 3, tmp_path / "run")
    model = cmd_run.simulate(request, progress=False)
    i18n.set_language("fi")
    try:
        cmd_run.draw_overview(tmp_path / "overview.png", request, model,
                              cmd_run.timeseries(model))
    finally:
        i18n.set_language("en")
    assert levels == [0.2]
    assert "luottamus vieraaseen" in texts


def test_relationships_kept_is_not_an_organisation_s_colour() -> None:
    """The overview drew "starting relationships kept" in tab20's brown, the colour of an
    organisation in the network panel beside it."""
    import numpy as np
    from matplotlib import colormaps
    from matplotlib.colors import to_rgb

    from analysis.network import LARGE_PALETTE, LARGE_PALETTE_SIZE

    kept = np.array(to_rgb(cmd_run.overview_colour("relationships_kept")))
    palette = colormaps[LARGE_PALETTE]
    for k in range(LARGE_PALETTE_SIZE):
        distance = float(np.linalg.norm(kept - np.array(to_rgb(palette(k)))))
        assert distance > 0.25, (k, distance)


def test_run_summary_of_a_network_that_emptied_says_so() -> None:
    """A run whose meetings stopped in week 43 and whose people all left was summarised as
    "3 meetings, every 52.0 weeks on average", trust and commitment "0.00 among the people
    still active" and "knowledge coverage 0.00 (among the organisations still present)":
    averages over nobody, and a cadence the network never had."""
    weeks = list(range(0, 157))
    held = [0 if w < 8 else 1 if w < 20 else 2 if w < 43 else 3 for w in weeks]
    active = [24 if w < 96 else 0 for w in weeks]
    frame = pd.DataFrame({
        "step": weeks, "meetings_held": held, "active": active, "present": active,
        "active_share": [a / 24 for a in active], "network_trust": 0.2, "mean_trust": 0.0,
        "trust_ties_per_seat": 0.0, "network_commitment": 0.1, "mean_commitment": 0.0,
        "relationships_kept": 0.0, "coordination_spent_eur": 0.0})
    summary = {
        "scenario": "no_coordination", "scenario_title": "No coordination", "seed": 3,
        "steps": 156, "steps_run": 156, "ended_early": False, "outcome": "faded",
        "params": {"outcome_window_weeks": 13, "meeting_interval_weeks": 4},
        "evaluation": {"coordination": {"has_coordinator": False, "hidden_cost_eur": 100.0},
                       "goal": {"reached": False, "progress": 0.15},
                       "results": {"value_created": 54.0, "innovations": 0,
                                   "knowledge_coverage": 0.0, "trust_ties": 0,
                                   "trust_ties_across_organisations": 0}}}
    text = cmd_run.describe(summary, frame)
    assert "3 meetings, every 14.3 weeks on average, none after week 43." in text
    assert "(over all seats; nobody is still active)" in text
    assert "per seat (nobody is still active)" in text
    assert "knowledge coverage – (no organisation is still present)" in text
    assert "among the people still active" not in text and "0.00 among" not in text
    # A network that kept meeting to the end keeps the plain average.
    frame["meetings_held"] = [w // 4 for w in weeks]
    assert "39 meetings, every 4.0 weeks on average." in cmd_run.describe(summary, frame)


@pytest.mark.parametrize("argv", [
    ["compare", "default", "no_coordination", "--replications", "1000000000"],
    ["compare", "default", "no_coordination", "--uncertainty", "--member-replications",
     "1000000000"],
    ["budget", "default", "--uncertainty", "--member-replications", "1000000000"],
])
def test_replications_beyond_the_cap_are_refused_in_one_line(argv, tmp_path, capsys):
    """``compare --replications 1000000000`` sat silent drawing seeds, as ``budget
    --replications`` did before its cap; the same cap (``analysis.defaults.
    MAX_REPLICATIONS``) holds for every option that sets runs per budget or scenario."""
    from analysis.defaults import MAX_REPLICATIONS

    out = tmp_path / "out"
    with pytest.raises(SystemExit) as exit_info:
        cli.main([*argv, "--out", str(out)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "1000000000 is out of range" in err
    assert f"at most {MAX_REPLICATIONS}" in err and "Traceback" not in err
    assert not out.exists()


def test_every_command_with_quiet_takes_its_short_form():
    """run took -q for --quiet, budget and ensemble only --quiet: the same switch spelt
    differently from one command to the next."""
    from verkosto.cli import build_parser

    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    with_quiet = {name: sub for name, sub in subparsers.choices.items()
                  if any("--quiet" in a.option_strings for a in sub._actions)}
    assert {"run", "budget", "ensemble"} <= set(with_quiet)
    for name, sub in with_quiet.items():
        (quiet,) = [a for a in sub._actions if "--quiet" in a.option_strings]
        assert "-q" in quiet.option_strings, name
