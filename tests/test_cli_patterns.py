"""``verkosto patterns`` end to end: the files and their shape, ``--only``, knockouts, the
independence of the results from the number of workers, and bad input (exit 2, nothing written).

These runs are tiny (few replications, few weeks): they check the command, not the patterns
(``tests/test_patterns.py`` and ``tests/test_patterns_more.py`` do that).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from experiments.patterns import PATTERNS

VERKOSTO = Path(sys.executable).parent / "verkosto"
SMALL = ["--set", "n_organisations=4", "--set", "participants_per_organisation=3"]
QUICK = [*SMALL, "--replications", "2", "--steps", "20", "--seed", "7"]
PATTERN_KEYS = {"id", "title", "held", "statistic", "criterion"}
KNOCKOUT_KEYS = {"pattern", "mechanism", "overrides", "held", "expected_to_break",
                 "as_marked"}


def verkosto(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "100"}
    return subprocess.run([str(VERKOSTO), *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=600, check=False)


def tree(root: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(root)): (None if p.is_dir() else p.read_bytes())
            for p in sorted(root.rglob("*"))}


@pytest.fixture(scope="module")
def scorecard_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("patterns")
    result = verkosto("patterns", *QUICK, "--only", "P5,p1", "--knockouts", "--workers", "1",
                      "--out", "card", cwd=root)
    assert result.returncode == 0, result.stderr
    (root / "stdout.txt").write_text(result.stdout)
    return root


def test_writes_exactly_json_and_markdown(scorecard_dir: Path) -> None:
    assert sorted(p.name for p in (scorecard_dir / "card").iterdir()) == ["patterns.json",
                                                                        "patterns.md"]


def test_json_has_the_documented_shape_and_only_the_patterns_asked_for(
        scorecard_dir: Path) -> None:
    data = json.loads((scorecard_dir / "card" / "patterns.json").read_text())
    assert set(data) == {"patterns", "knockouts"}
    assert [p["id"] for p in data["patterns"]] == ["P1", "P5"]  # scorecard order, any case
    for entry in data["patterns"]:
        assert set(entry) == PATTERN_KEYS
        assert entry["held"] in (True, False)
        assert entry["statistic"]["runs"] > 0 and entry["statistic"]["summary"]
        assert entry["title"] == next(p.title for p in PATTERNS if p.id == entry["id"])
    # P1 compares two arms of 2 replications; P5 has one arm.
    assert [p["statistic"]["runs"] for p in data["patterns"]] == [4, 2]
    assert {k["pattern"] for k in data["knockouts"]} == {"P1", "P5"}
    for entry in data["knockouts"]:
        assert set(entry) == KNOCKOUT_KEYS
        assert entry["held"] in (True, False)
        assert entry["overrides"] and entry["mechanism"]


def test_markdown_and_printed_table_name_every_pattern(scorecard_dir: Path) -> None:
    md = (scorecard_dir / "card" / "patterns.md").read_text()
    out = (scorecard_dir / "stdout.txt").read_text()
    assert "| P1 |" in md and "| P5 |" in md and "## Knockouts" in md
    assert "P1 " in out and "P5 " in out and "patterns held" in out


def test_results_do_not_depend_on_the_number_of_workers(tmp_path: Path) -> None:
    args = [*QUICK, "--only", "P1,P13", "--knockouts"]
    one = verkosto("patterns", *args, "--workers", "1", "--out", "one", cwd=tmp_path)
    two = verkosto("patterns", *args, "--workers", "2", "--out", "two", cwd=tmp_path)
    assert one.returncode == 0 and two.returncode == 0, (one.stderr, two.stderr)
    assert (tmp_path / "one" / "patterns.json").read_bytes() == \
        (tmp_path / "two" / "patterns.json").read_bytes()
    # Another seed gives other runs (so the equality above is not vacuous).
    other = verkosto("patterns", *[a if a != "7" else "8" for a in args], "--workers", "1",
                     "--out", "other", cwd=tmp_path)
    assert other.returncode == 0
    assert (tmp_path / "other" / "patterns.json").read_bytes() != \
        (tmp_path / "one" / "patterns.json").read_bytes()


def test_rerun_replaces_an_earlier_scorecard(scorecard_dir: Path) -> None:
    result = verkosto("patterns", *QUICK, "--only", "P5", "--out", "card", cwd=scorecard_dir)
    assert result.returncode == 0, result.stderr
    data = json.loads((scorecard_dir / "card" / "patterns.json").read_text())
    assert [p["id"] for p in data["patterns"]] == ["P5"] and data["knockouts"] == []


def _foreign(root: Path) -> None:
    (root / "out").mkdir()
    (root / "out" / "notes.txt").write_text("mine")


BAD_INPUT = [
    ("unknown pattern", None, ["--only", "P1,P99"], ["--only", "P99"]),
    ("empty --only", None, ["--only", ","], ["--only"]),
    ("unknown scenario", None, ["no_coordinaton"], ["unknown scenario 'no_coordinaton'"]),
    ("--set unknown key", None, ["--set", "facilitaton=0.5"], ["unknown parameter 'facilitaton'"]),
    ("--set out of bounds", None, ["--set", "facilitation=2"], ["'facilitation'", "0 to 1"]),
    ("--replications one", None, ["--replications", "1"], ["--replications", "at least 2"]),
    ("--workers zero", None, ["--workers", "0"], ["--workers", "at least 1"]),
    ("--steps not a number", None, ["--steps", "ten"], ["--steps", "not an integer"]),
    ("--out holds foreign files", _foreign, [], ["--out", "not written by"]),
    ("an arm that does not fit the base", None,
     ["--only", "P2", "--set", "n_organisations=200", "--set", "participants_per_organisation=20",
      "--set", "max_participants=4000"], ["pattern P2", "coordination_budget_eur"]),
]


def test_an_arm_that_does_not_fit_the_base_is_refused_in_finnish(tmp_path: Path) -> None:
    """The whole line was English under --lang fi, the check's own words included."""
    result = verkosto("patterns", "--only", "P13", "--set", "max_participants=30",
                      "--replications", "2", "--steps", "4", "--out", "out", "--lang", "fi",
                      cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    line = result.stderr.strip()
    assert line.startswith("verkosto: virhe: kuvio P13: max_participants (30) on pienempi "
                           "kuin verkoston alkukoko"), line
    assert "(kun sen vertailuhaaraa 'network' rakennettiin tästä pohjasta)" in line, line
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("kind", "setup", "args", "fragments"), BAD_INPUT,
                         ids=[case[0] for case in BAD_INPUT])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path: Path, kind: str, setup,
                                                            args: list[str],
                                                            fragments: list[str]) -> None:
    if setup is not None:
        setup(tmp_path)
    before = tree(tmp_path)
    size = [] if any(a.startswith("n_organisations=") for a in args) else SMALL
    result = verkosto("patterns", *size, "--replications", "2", "--steps", "4", *args,
                      "--out", "out", cwd=tmp_path)
    assert result.returncode == 2, (kind, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("verkosto: error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (kind, lines[0])
    assert result.stdout == ""
    assert tree(tmp_path) == before


def test_a_scorecard_that_cannot_be_written_is_said_in_finnish(tmp_path: Path) -> None:
    """A write that fails (here: --out under a regular file, which the command's own check
    refuses earlier) is worded from the catalogs, as the other commands' same failure."""
    from verkosto import i18n
    from verkosto.cmd_patterns import write_outputs
    from verkosto.errors import InputError

    class Card:
        def to_json(self) -> dict[str, list[str]]:
            return {"patterns": []}

        def markdown(self) -> str:
            return "# -\n"

    (tmp_path / "file").write_text("not a directory")
    out = tmp_path / "file" / "card"
    i18n.set_language("fi")
    with pytest.raises(InputError) as refused:
        write_outputs(out, Card())
    assert str(refused.value).startswith(f"--out '{out}': kirjoittaminen ei onnistu: ")
    assert (tmp_path / "file").read_text() == "not a directory"


def test_quiet_leaves_out_the_progress_bar_and_not_the_scorecard(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """-q/--quiet means what it means for budget and ensemble: no progress on stderr (which
    shows only on a terminal, so stderr here says it is one); the files are the same."""
    import io
    import re

    from verkosto import cli

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    def scorecard(out: str, *quiet: str) -> str:
        stderr = Terminal()
        monkeypatch.setattr(sys, "stderr", stderr)
        assert cli.main(["patterns", *QUICK, "--only", "P5", "--workers", "1",
                         "--out", str(tmp_path / out), *quiet]) == 0
        return stderr.getvalue()

    # The chatty run first: any compiling (and its one notice a process) happens in it.
    assert "patterns:" in scorecard("chatty")
    assert scorecard("quiet", "-q") == ""
    assert capsys.readouterr().out.count("scorecard written to") == 2
    chatty, quiet = tmp_path / "chatty", tmp_path / "quiet"
    assert (chatty / "patterns.json").read_bytes() == (quiet / "patterns.json").read_bytes()

    def timeless(path: Path) -> str:  # the wall time is the one thing that may differ
        return re.sub(r"\d+ s\b", "N s", (path / "patterns.md").read_text())

    assert timeless(chatty) == timeless(quiet)
