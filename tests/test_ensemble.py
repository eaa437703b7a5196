"""The plausible ensemble: the design, the filter (with a stubbed scorecard) and the table."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments import ensemble as e
from model import PARAMETERS, Params
from model.params import uncertain_parameters
from verkosto import cli

SPACE = {"culture_mean": (0.4, 0.8), "active_threshold": (0.28, 0.42),
         "working_group_size": (2, 5)}


def stub(params: Params, only=None) -> dict[str, bool]:
    """A scorecard whose verdicts are known: P1 needs active_threshold below 0.36, P2 a
    culture above 0.55 (both hold at the defaults, 0.35 and 0.6), P3 fails everywhere (as a
    pattern failing at the defaults would); with ``only`` it stops at the first failure, as
    the real one does."""
    verdict = {"P1": params.active_threshold < 0.36, "P2": params.culture_mean > 0.55,
               "P3": False}
    if only is None:
        return verdict
    out = {}
    for pid in only:
        out[pid] = verdict[pid]
        if not out[pid]:
            break
    return out


def test_the_design_fills_the_plausible_box_and_repeats_with_its_seed():
    d = e.sample_plausible(40, 7)
    space = uncertain_parameters()
    assert list(d.columns) == list(space) and len(d) == 40
    for name, (low, high) in space.items():
        assert d[name].between(low, high).all(), name
    ints = [n for n in space if PARAMETERS[n].type is int]
    assert ints and all(pd.api.types.is_integer_dtype(d[n]) for n in ints)
    # A Latin hypercube: each of 40 equal slices of a float range holds exactly one draw.
    low, high = space["culture_mean"]
    slices = np.floor((d["culture_mean"] - low) / (high - low) * 40).astype(int)
    assert sorted(slices) == list(range(40))
    # Every integer of a range is drawn, the end points too.
    assert set(d["working_group_size"]) == {2, 3, 4, 5}
    pd.testing.assert_frame_equal(d, e.sample_plausible(40, 7))
    assert not d.equals(e.sample_plausible(40, 8))


def test_the_filter_keeps_and_drops_the_right_sets():
    samples = pd.DataFrame({"culture_mean": [0.7, 0.7, 0.5, 0.5],
                            "active_threshold": [0.30, 0.40, 0.30, 0.40]})
    s = e.screen_samples(samples, stub)
    # Filtered on the patterns holding at the defaults; P3 fails there and is not.
    assert Params().active_threshold == 0.35 and Params().culture_mean == 0.6
    assert s.reference == {"P1": True, "P2": True, "P3": False}
    assert s.patterns == ["P1", "P2"]
    assert "pass_P3" not in s.table
    assert s.table["kept"].tolist() == [True, False, False, False]
    # Sequential rejection: a set failing P1 is never checked on P2.
    assert s.table["pass_P1"].tolist() == [True, False, True, False]
    assert s.table["pass_P2"].isna().tolist() == [False, True, False, True]
    assert s.table["pass_P2"].dropna().tolist() == [True, False]
    assert e.pass_counts(s.table) == {"P1": {"checked": 4, "passed": 2},
                                      "P2": {"checked": 2, "passed": 1}}
    assert e.members(s) == [{"culture_mean": 0.7, "active_threshold": 0.30}]


def test_a_set_that_cannot_be_built_is_dropped_not_kept():
    # peripheral_threshold above active_threshold fails Params' cross-check.
    samples = pd.DataFrame({"peripheral_threshold": [0.2, 0.4], "active_threshold": [0.3, 0.3]})
    s = e.screen_samples(samples, lambda p, only=None: {"P1": True}, patterns=["P1"])
    assert s.table["valid"].tolist() == [True, False]
    assert s.table["kept"].tolist() == [True, False]


def test_the_table_round_trips_with_its_metadata(tmp_path: Path):
    s = e.build(12, 3, screen=stub, command="verkosto ensemble --samples 12 --out x.csv")
    meta = s.metadata
    assert meta["format"] == e.FORMAT and meta["version"] == e.VERSION
    assert meta["samples"] == 12 and meta["seed"] == 3 and meta["kept"] == int(s.table["kept"].sum())
    assert meta["patterns_at_defaults"] == stub(Params())
    assert meta["pass_counts"] == e.pass_counts(s.table)
    path = tmp_path / "ensemble.csv"
    e.write_table(s, path)
    assert path.read_text().startswith("# {")
    back = e.load_table(path)
    pd.testing.assert_frame_equal(back.table, s.table)
    assert back.metadata == json.loads(json.dumps(meta))
    assert back.patterns == s.patterns
    # Members are the kept rows as typed overrides, exactly the values that were judged.
    kept = s.table[s.table["kept"]]
    got = e.members(back)
    assert len(got) == len(kept)
    first = kept.iloc[0]
    assert got[0]["working_group_size"] == int(first["working_group_size"])
    assert isinstance(got[0]["working_group_size"], int)
    assert got[0]["culture_mean"] == first["culture_mean"]


def test_members_out_of_range_and_bad_tables_are_refused(tmp_path: Path):
    s = e.build(6, 1, screen=lambda p, only=None: {"P1": True})
    with pytest.raises(e.EnsembleError, match="choose 1 to 6"):
        e.members(s, 7)
    with pytest.raises(e.EnsembleError, match="choose 1 to 6"):
        e.members(s, 0)
    with pytest.raises(e.EnsembleError, match="does not exist"):
        e.load_table(tmp_path / "none.csv")
    (tmp_path / "plain.csv").write_text("a,b\n1,2\n")
    with pytest.raises(e.EnsembleError, match="not an ensemble table"):
        e.load_table(tmp_path / "plain.csv")
    e.write_table(s, tmp_path / "old.csv")
    text = (tmp_path / "old.csv").read_text().replace('"version": 1', '"version": 0', 1)
    (tmp_path / "old.csv").write_text(text)
    with pytest.raises(e.EnsembleError, match="version 0"):
        e.load_table(tmp_path / "old.csv")


def test_the_shipped_table_is_in_the_package_and_has_members():
    s = e.load_table()
    meta = s.metadata
    assert meta["kept"] == len(s.kept) >= 1
    assert meta["samples"] == len(s.table)
    # Every kept set passed every pattern filtered on, and they hold at the defaults.
    for pid in s.patterns:
        assert s.kept[e.PASS_PREFIX + pid].all()
        assert meta["patterns_at_defaults"][pid]
    space = uncertain_parameters()
    for name, (low, high) in space.items():
        assert s.table[name].between(low, high).all(), name


def test_ensemble_command_writes_the_table_atomically(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setattr(e.ScreenScorecard, "__call__",
                        lambda self, params, only=None: stub(params, only))
    out = tmp_path / "sub" / "ens.csv"
    assert cli.main(["ensemble", "--samples", "10", "--out", str(out), "--workers", "1",
                     "--quiet", "--seed", "5"]) == 0
    text = capsys.readouterr().out
    back = e.load_table(out)
    assert back.metadata["command"].startswith("verkosto ensemble --samples 10")
    kept = back.metadata["kept"]
    assert f"{kept} {'reproduces' if kept == 1 else 'reproduce'} every pattern" in text
    assert "P3" in text  # named as not filtered on
    assert [p.name for p in out.parent.iterdir()] == ["ens.csv"]  # no temporary file left
    # An existing file that is not a table is not overwritten.
    other = tmp_path / "notes.csv"
    other.write_text("mine\n")
    assert cli.main(["ensemble", "--samples", "2", "--out", str(other)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not an ensemble table" in err
    assert other.read_text() == "mine\n"


def test_more_samples_than_a_machine_can_judge_are_refused_in_one_line(tmp_path: Path,
                                                                      capsys):
    """10**8 sets asked numpy for 76 GiB and died with a MemoryError traceback."""
    from verkosto.cmd_ensemble import MAX_SAMPLES

    out = tmp_path / "ens.csv"
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["ensemble", "--samples", "100000000", "--out", str(out)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("verkosto: error: argument --samples:") and err.count("\n") == 1
    assert f"at most {MAX_SAMPLES}" in err
    assert not out.exists()


def test_an_out_under_a_file_is_refused_before_any_set_is_judged(tmp_path: Path, monkeypatch,
                                                                  capsys):
    judged = []
    monkeypatch.setattr(e.ScreenScorecard, "__call__",
                        lambda self, params, only=None: judged.append(1) or stub(params, only))
    (tmp_path / "afile").write_text("mine\n")
    out = tmp_path / "afile" / "ens.csv"
    assert cli.main(["ensemble", "--samples", "2", "--out", str(out), "--workers", "1"]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("verkosto: error:") and captured.err.count("\n") == 1
    assert "cannot be created" in captured.err and "is not a directory" in captured.err
    assert judged == [] and "judged" not in captured.err
    assert (tmp_path / "afile").read_text() == "mine\n"


def test_the_summary_counts_one_set_in_the_singular():
    from verkosto.cmd_ensemble import summary_text

    meta = {"samples": 1, "valid": 1, "seconds": 2.0, "kept": 1, "patterns": ["P5"],
            "patterns_at_defaults": {"P5": True}, "pass_counts": {}}
    assert summary_text(meta).startswith("1 parameter set drawn in 2 s; 1 reproduces every "
                                         "pattern filtered on (P5)")
    meta.update(samples=6, valid=6, kept=2)
    assert summary_text(meta).startswith("6 parameter sets drawn in 2 s; 2 reproduce every")


def test_dear_patterns_are_checked_last():
    # P5 is one arm of 156 weeks; P2 five budgets; P14 has arms of 40 organisations.
    order = e.cheapest_first(["P14", "P2", "P5"], Params())
    assert order == ["P5", "P2", "P14"]


class _Counting(e.ScreenScorecard):
    """The real scorecard class (so build treats it as one) with the stub's verdicts."""

    def __call__(self, params, only=None):
        CALLS.append(None if only is None else tuple(only))
        return stub(params, only)


CALLS: list = []


def test_a_subset_of_patterns_reuses_an_earlier_tables_verdicts():
    screen = _Counting(replications=6, seed=9)
    full = e.build(30, 2, screen=screen)
    assert sorted(full.patterns) == ["P1", "P2"]
    CALLS.clear()
    fresh = e.build(30, 2, screen=screen, patterns=["P2"])
    runs_fresh = len(CALLS)
    CALLS.clear()
    reused = e.build(30, 2, screen=screen, patterns=["P2"], reuse=full)
    # Filtering on P2 alone keeps the sets with a culture above 0.55, whatever P1 said;
    # reusing gives the same table, running only the P2 verdicts the full table lacks.
    pd.testing.assert_frame_equal(reused.table, fresh.table)
    assert reused.table["kept"].tolist() == (reused.table["culture_mean"] > 0.55).tolist()
    lacking = int(full.table["pass_P2"].isna().sum())
    assert len(CALLS) == lacking < runs_fresh
    assert reused.metadata["reused"]
    with pytest.raises(e.EnsembleError, match="P3"):
        e.build(5, 2, screen=screen, patterns=["P3"])  # fails at the defaults
    with pytest.raises(e.EnsembleError, match="cannot be reused"):
        e.build(30, 3, screen=screen, patterns=["P2"], reuse=full)
