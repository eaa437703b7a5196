"""Sweeps (issue 4): specs, seeds, executors, storage, resume after kill -9, failures, CLI.

Small networks and short horizons keep the file within its time budget; the
heavier tests share the xdist group "sweep" so that they do not compete for
the two cores with each other.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import experiments.store as store_module
import experiments.sweep as sweep_module
from experiments.spec import (
    SpecError,
    SweepSpec,
    example_text,
    load_spec,
    parse_spec,
    run_seed,
    shipped_specs,
)
from experiments.store import (
    PART_PREFIX,
    RUNS,
    TEMP_PREFIX,
    TEMP_SUFFIX,
    read_manifest,
    read_runs,
    read_timeseries,
)
from experiments.sweep import (
    RunStatus,
    Simulation,
    SweepAborted,
    duration,
    run_sweep,
    simulate,
    table_for_comparison,
)
from model import NetworkModel, Outcome, Params
from model.params import PARAMETERS
from verkosto.cli import main

PYTHON = sys.executable
TINY = "n_organisations = 4\nparticipants_per_organisation = 3\n"


def tiny_spec(replications: int = 3, steps: int = 12, seed: int = 11, extra: str = "") -> str:
    return f"""
seed = {seed}
replications = {replications}
steps = {steps}
record_every = 4
{extra}
[set]
{TINY}
[grid]
coordination_budget_eur = [0.0, 1500.0]
facilitation = [0.2, 0.9]
"""


def write(tmp_path: Path, text: str, name: str = "spec.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def assert_same_tables(a: Path, b: Path) -> None:
    runs_a, runs_b = table_for_comparison(read_runs(a)), table_for_comparison(read_runs(b))
    assert len(runs_a) > 0
    pd.testing.assert_frame_equal(runs_a, runs_b, check_exact=True)
    pd.testing.assert_frame_equal(read_timeseries(a), read_timeseries(b), check_exact=True)


# ---------------------------------------------------------------------- spec and seeds
def test_run_seeds_are_children_of_the_master_seed_sequence():
    children = np.random.SeedSequence(123).spawn(7)
    assert [run_seed(123, k) for k in range(7)] == [int(c.generate_state(1)[0])
                                                    for c in children]


def test_spec_enumerates_grid_points_times_replications():
    spec = parse_spec(tiny_spec(replications=3))
    runs = list(spec.runs())
    assert len(runs) == 4 * 3 == spec.n_runs
    assert [r.run_id for r in runs] == list(range(12))
    # Replication by replication: every point gets a run before any gets a second.
    assert [r.replication for r in runs] == [0] * 4 + [1] * 4 + [2] * 4
    assert sorted(r.point for r in runs[:4]) == [0, 1, 2, 3]
    assert runs[4].point == runs[0].point and runs[4].replication == 1
    # Points keep the grid's product order; a run's overrides are its point's.
    assert spec.point(1) == {"coordination_budget_eur": 0.0, "facilitation": 0.9}
    assert all(r.overrides == spec.point(r.point) for r in runs)
    assert len({r.seed for r in runs}) == len(runs)
    # More replications only add runs: the first 12 are the same runs with the same seeds.
    assert list(parse_spec(tiny_spec(replications=5)).runs())[:12] == runs


def test_a_partial_grid_sweep_covers_the_design_evenly():
    spec = parse_spec(tiny_spec(extra="", replications=1).replace(
        "coordination_budget_eur = [0.0, 1500.0]",
        "coordination_budget_eur = [0.0, 250.0, 500.0, 750.0, 1000.0, 1500.0, 2000.0]")
        .replace("facilitation = [0.2, 0.9]", "facilitation = [0.1, 0.3, 0.5, 0.7, 0.9]"))
    first = [r.overrides for r in list(spec.runs())[:9]]
    budgets = {o["coordination_budget_eur"] for o in first}
    facilitation = {o["facilitation"] for o in first}
    # A sweep cut after 9 of 35 runs has both ends and the middle of each range,
    # not the first values of the first parameter (a corner of the grid).
    assert {0.0, 2000.0} <= budgets and {0.1, 0.5, 0.9} <= facilitation
    assert len(first) == len({tuple(o.values()) for o in first})  # no point twice
    assert sorted(r.point for r in spec.runs()) == list(range(35))


def test_the_run_plan_is_lazy_for_huge_sweeps():
    import tracemalloc

    text = tiny_spec(replications=1_000_000).replace(
        "coordination_budget_eur = [0.0, 1500.0]",
        "coordination_budget_eur = " + str([float(x) for x in range(0, 1000, 100)])).replace(
        "facilitation = [0.2, 0.9]", "facilitation = " + str([x / 10 for x in range(10)]))
    tracemalloc.start()
    spec = parse_spec(text)
    last = spec.run(spec.n_runs - 1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert spec.n_runs == 100_000_000
    assert last.replication == 999_999
    assert peak < 20_000_000  # bytes: the design, not the runs, is held


def test_a_stored_run_is_reproduced_alone_from_its_seed_and_overrides(tmp_path):
    spec = parse_spec(tiny_spec(replications=2, steps=12))  # 12: a recorded week
    run_sweep(spec, tmp_path / "out", workers=1)
    row = read_runs(tmp_path / "out").iloc[5]
    overrides = {name: row[name] for name in spec.varied}
    model = NetworkModel(rng=int(row["seed"]), params=spec.base_params.replace(**overrides))
    model.run_for(12)
    final = model.datacollector.get_model_vars_dataframe().iloc[-1]
    assert row["mean_trust"] == final["mean_trust"]
    assert row["active"] == final["active"]
    assert row["outcome"] == model.outcome


def test_timeseries_records_every_interval_and_always_the_last_week():
    sim = simulate(Params.from_flat(n_organisations=3, participants_per_organisation=2,
                                    record_every=4), seed=3, steps=10, timeseries=True)
    assert list(sim.timeseries.index) == [0, 4, 8, 10]
    assert sim.final == sim.timeseries.iloc[-1].to_dict()
    assert sim.steps_run == 10


def test_samples_round_integer_parameters_and_default_to_declared_bounds():
    spec = parse_spec("""
seed = 5
[sample]
method = "lhs"
n = 20
parameters = ["meeting_interval_weeks"]
[sample.bounds]
facilitation = [0.2, 0.4]
""")
    info = PARAMETERS["meeting_interval_weeks"]
    assert spec.sample.bounds["meeting_interval_weeks"] == (info.low, info.high)
    points = spec.points()
    assert len(points) == 20
    weeks = [p["meeting_interval_weeks"] for p in points]
    assert all(isinstance(w, int) and info.low <= w <= info.high for w in weeks)
    assert len(set(weeks)) > 5  # spread over the range, not collapsed
    assert all(0.2 <= p["facilitation"] <= 0.4 for p in points)
    # A Latin hypercube puts exactly one point in each of n equal strata.
    strata = sorted(int((p["facilitation"] - 0.2) / 0.2 * 20) for p in points)
    assert strata == list(range(20))
    assert parse_spec(spec_text_of(spec)).points() == points  # deterministic from the seed


def spec_text_of(spec) -> str:
    bounds = spec.sample.bounds
    return (f"seed = {spec.seed}\n[sample]\nmethod = \"lhs\"\nn = {spec.sample.n}\n"
            "[sample.bounds]\n" + "".join(f"{k} = [{a}, {b}]\n" for k, (a, b) in bounds.items()))


def test_every_shipped_spec_is_valid_and_cites_claims():
    names = shipped_specs()
    assert {"budget_roles", "meetings_facilitation", "leadership_openness",
            "turnover_time", "example"} <= set(names)
    for name in names:
        spec = load_spec(name)
        assert spec.claims and all(c.startswith("S") for c in spec.claims), name
        assert spec.varied, name
    assert {"S25"} <= set(load_spec("meetings_facilitation").claims)
    assert {"S22", "S27"} <= set(load_spec("leadership_openness").claims)
    assert {"S16", "S18"} <= set(load_spec("turnover_time").claims)


def test_spec_hash_ignores_descriptions_and_replications_but_not_results():
    a = parse_spec(tiny_spec())
    b = parse_spec('title = "renamed"\n' + tiny_spec())
    c = parse_spec(tiny_spec(replications=4))  # the same design, extended
    d = parse_spec(tiny_spec(steps=20))
    assert a.spec_hash() == b.spec_hash() == c.spec_hash() != d.spec_hash()


# ---------------------------------------------------------------------- executors
def _start_dask_cluster(tmp_path: Path) -> tuple[str, list[subprocess.Popen]]:
    """A real `dask scheduler` and `dask worker` (2 processes) on 127.0.0.1."""
    dask = str(Path(PYTHON).with_name("dask"))
    scheduler_file = tmp_path / "scheduler.json"
    common = {"cwd": tmp_path, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL,
              "start_new_session": True}
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", "0",
                               "--no-dashboard", "--scheduler-file", str(scheduler_file)],
                              **common)]
    procs.append(subprocess.Popen([dask, "worker", "--scheduler-file", str(scheduler_file),
                                   "--host", "127.0.0.1", "--nworkers", "2", "--nthreads", "1",
                                   "--no-dashboard", "--local-directory", str(tmp_path / "dw")],
                                  **common))
    deadline = time.monotonic() + 60
    while not scheduler_file.exists():
        assert time.monotonic() < deadline, "dask scheduler did not start"
        time.sleep(0.1)
    from distributed import Client

    address = json.loads(scheduler_file.read_text())["address"]
    with Client(address, timeout="30s") as client:
        client.wait_for_workers(2, timeout=60)
    return address, procs


def _stop(procs: list[subprocess.Popen]) -> None:
    for proc in reversed(procs):
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.mark.xdist_group("sweep")
def test_serial_two_workers_and_dask_give_identical_tables(tmp_path):
    spec = parse_spec(tiny_spec(replications=3, steps=12))
    run_sweep(spec, tmp_path / "serial", workers=1)
    run_sweep(spec, tmp_path / "serial_batched", workers=1, runs_per_task=5)
    run_sweep(spec, tmp_path / "two", workers=2)
    address, procs = _start_dask_cluster(tmp_path)
    try:
        summary = run_sweep(spec, tmp_path / "dask", scheduler=address)
    finally:
        _stop(procs)
    assert summary.stored == summary.total == 12 and summary.failed == 0
    for other in ("serial_batched", "two", "dask"):
        assert_same_tables(tmp_path / "serial", tmp_path / other)
    # The batching differs (5 runs per task against measured sizes): parts differ, tables not.
    assert len(list((tmp_path / "serial_batched" / RUNS).iterdir())) == 3
    runs = read_runs(tmp_path / "serial")
    assert (runs["status"] == RunStatus.OK.value).all()
    series = read_timeseries(tmp_path / "serial")
    assert series.groupby("run_id")["step"].apply(list).iloc[0] == [0, 4, 8, 12]


# ---------------------------------------------------------------------- storage
def test_manifest_holds_spec_hash_and_versions(tmp_path):
    spec = parse_spec(tiny_spec(replications=1, steps=4))
    run_sweep(spec, tmp_path / "out", workers=1)
    manifest = read_manifest(tmp_path / "out")
    assert manifest["spec_hash"] == spec.spec_hash()
    assert manifest["n_runs"] == 4
    assert manifest["versions"]["mesa"].startswith("3.5")
    assert manifest["spec"]["grid"]["facilitation"] == [0.2, 0.9]
    # pandas reads each table directory whole.
    assert len(pd.read_parquet(tmp_path / "out" / RUNS)) == 4


def test_a_kill_before_a_rename_leaves_only_ignored_temp_files_cleaned_on_resume(tmp_path):
    spec = parse_spec(tiny_spec(replications=2, steps=8))
    ref, out = tmp_path / "ref", tmp_path / "out"
    run_sweep(spec, ref, workers=1)
    run_sweep(spec, out, workers=1, runs_per_task=2)
    parts = sorted((out / RUNS).glob(f"{PART_PREFIX}*"))
    # A kill between the time-series rename and the runs rename: the runs part is missing.
    parts[1].unlink()
    # A kill during a write: a half-written temporary file.
    junk = out / RUNS / f"{TEMP_PREFIX}{parts[2].name}.999{TEMP_SUFFIX}"
    junk.write_bytes(b"PAR1 half written")
    assert len(pd.read_parquet(out / RUNS)) == 6  # readers ignore the temporary file
    summary = run_sweep(spec, out, workers=1)
    assert summary.new == 2 and summary.skipped == 6
    assert not junk.exists()
    assert_same_tables(ref, out)


@pytest.mark.xdist_group("sweep")
def test_resume_after_kill_9_equals_an_uninterrupted_sweep(tmp_path):
    spec_path = write(tmp_path, tiny_spec(replications=10, steps=30, seed=99))
    total = 40
    ref = tmp_path / "ref"
    run_sweep(load_spec(spec_path), ref, workers=1)
    out = tmp_path / "out"
    command = [PYTHON, "-m", "verkosto.cli", "sweep", str(spec_path), "--out", str(out),
               "--workers", "2", "--runs-per-task", "1", "--no-progress"]
    # A random moment in the sweep's progress (after some parts, not after all), plus a
    # random fraction of a run, so that the kill can land inside a write as well.
    parts_before_kill = random.randint(1, total // 2)
    delay = random.uniform(0.0, 0.05)
    proc = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 90
    while (len(list((out / RUNS).glob(f"{PART_PREFIX}*"))) < parts_before_kill
           and proc.poll() is None):
        assert time.monotonic() < deadline
        time.sleep(0.005)
    time.sleep(delay)
    os.killpg(proc.pid, signal.SIGKILL)  # the sweep and its worker processes, at once
    proc.wait()
    stored = len(read_runs(out))
    moment = f"killed after {parts_before_kill} parts + {delay:.3f} s"
    assert 0 < stored < total, f"{moment}: {stored} runs stored"
    finished = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    last = finished.stdout.strip().splitlines()[-1]
    assert f"{total - stored} run now, {stored} resumed; none failed" in last, moment
    assert not list(out.rglob(f"{TEMP_PREFIX}*"))
    assert_same_tables(ref, out)
    # Parts hold disjoint ranges of run ids: a plain read of the directory is in order too.
    raw = pd.read_parquet(out / RUNS)
    assert raw["run_id"].tolist() == list(range(total))


@pytest.mark.parametrize("command", ["sweep", "sensitivity"])
def test_ctrl_c_says_the_finished_runs_are_stored_and_how_to_resume(tmp_path, capsys,
                                                                    monkeypatch, command):
    """'verkosto: interrupted' alone left the user to guess whether the hour of runs was
    lost; the finished runs are stored and the same command resumes."""
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(sweep_module, "run_sweep", interrupted)
    import experiments.sensitivity as sensitivity_module

    monkeypatch.setattr(sensitivity_module, "run_sensitivity", interrupted)
    sample = ('[sample]\nmethod = "morris"\nn = 2\nparameters = ["facilitation"]\n'
              '[sample.bounds]\nfacilitation = [0.2, 0.9]')
    spec_path = write(tmp_path, tiny_spec() if command == "sweep" else
                      f"seed = 3\nreplications = 1\nsteps = 8\n[set]\n{TINY}\n{sample}\n")
    assert main([command, str(spec_path), "--out", str(tmp_path / "out"),
                 "--workers", "1"]) == 130
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == ("verkosto: interrupted; the runs finished so far are stored: run the "
                       "same command again to resume")
    assert err[:-1] == ["timing a short trial run to estimate the sweep's cost…"]


def test_a_changed_spec_is_refused_with_exit_2(tmp_path, capsys):
    spec_path = write(tmp_path, tiny_spec(replications=1, steps=4))
    out = tmp_path / "out"
    assert main(["sweep", str(spec_path), "--out", str(out), "--workers", "1"]) == 0
    before = read_runs(out)
    spec_path.write_text(tiny_spec(replications=1, steps=6))
    capsys.readouterr()
    assert main(["sweep", str(spec_path), "--out", str(out), "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("verkosto: error:") and "another design" in err
    pd.testing.assert_frame_equal(read_runs(out), before)


def test_more_replications_extend_a_finished_sweep_in_place(tmp_path, capsys):
    spec_path = write(tmp_path, tiny_spec(replications=1, steps=4))
    grown, fresh = tmp_path / "grown", tmp_path / "fresh"
    assert main(["sweep", str(spec_path), "--out", str(grown), "--workers", "1"]) == 0
    first = read_runs(grown)
    capsys.readouterr()
    assert main(["sweep", str(spec_path), "--out", str(grown), "--workers", "1",
                 "--replications", "3"]) == 0
    out = capsys.readouterr().out
    assert "12 runs (4 points × 3 replications); 4 stored, 8 to run" in out
    extended = read_runs(grown)
    pd.testing.assert_frame_equal(table_for_comparison(extended.iloc[:4]),
                                  table_for_comparison(first))
    assert read_manifest(grown)["spec"]["replications"] == 3
    # The same as a sweep made with three replications from the start.
    assert main(["sweep", str(spec_path), "--out", str(fresh), "--workers", "1",
                 "--replications", "3"]) == 0
    pd.testing.assert_frame_equal(table_for_comparison(extended),
                                  table_for_comparison(read_runs(fresh)))
    # Fewer replications than stored would hide runs: refused.
    capsys.readouterr()
    assert main(["sweep", str(spec_path), "--out", str(grown), "--workers", "1",
                 "--replications", "2"]) == 2
    assert "already holds 3 replications" in capsys.readouterr().err


def test_the_csv_copies_hold_the_stored_tables_in_order(tmp_path, monkeypatch):
    """--csv wrote each table with pandas' to_csv, the whole file as one string: 20 s and
    115 MB of text for 200,000 rows, so a 10,000-run sweep's time series (1.6 million rows)
    took minutes after the runs. Arrow now writes them a slice at a time; the CSV must still
    read back as the stored tables, sorted by run and week, across slices."""
    from experiments.points import write_tables

    spec = load_spec(write(tmp_path, tiny_spec(replications=3, steps=6)))
    out = tmp_path / "out"
    run_sweep(spec, out, workers=1, runs_per_task=2)  # parts of two runs, not in run order
    monkeypatch.setattr(store_module, "CSV_SLICE_ROWS", 5)
    write_tables(out, spec.varied, csv=True)
    series = pd.read_csv(out / "timeseries.csv")
    pd.testing.assert_frame_equal(series, read_timeseries(out), check_dtype=False,
                                  check_exact=True)
    assert series[["run_id", "step"]].apply(tuple, axis=1).is_monotonic_increasing
    pd.testing.assert_frame_equal(pd.read_csv(out / "runs.csv", keep_default_na=False,
                                              na_values=[""]),
                                  read_runs(out), check_dtype=False, check_exact=True)
    # A sweep that stores no time series got a timeseries.csv of one empty line.
    bare = tmp_path / "bare"
    run_sweep(load_spec(write(tmp_path, tiny_spec(replications=1, steps=4,
                                                  extra="timeseries = false"), "bare.toml")),
              bare, workers=1)
    assert [p.name for p in write_tables(bare, spec.varied, csv=True)] == [
        "points.parquet", "points.csv", "runs.csv"]
    assert not (bare / "timeseries.csv").exists()


def test_sweep_set_csv_and_point_statistics(tmp_path, capsys):
    spec_path = write(tmp_path, tiny_spec(replications=2, steps=4))
    out = tmp_path / "out"
    assert main(["sweep", str(spec_path), "--out", str(out), "--workers", "1", "--csv",
                 "--set", "mandate=0.5"]) == 0
    assert read_manifest(out)["spec"]["set"]["mandate"] == 0.5
    runs = pd.read_csv(out / "runs.csv")
    assert len(runs) == 8 and len(pd.read_csv(out / "timeseries.csv")) > 8
    points = pd.read_parquet(out / "points.parquet")
    assert len(points) == 4 and (points["runs"] == 2).all()
    assert pd.read_csv(out / "points.csv").shape == points.shape
    for outcome in Outcome:
        assert f"p_{outcome.value}" in points
    assert np.allclose(points[[f"p_{o.value}" for o in Outcome]].sum(axis=1), 1.0)
    # Mean and SD across the two replications of each point, for every measure.
    ok = read_runs(out)
    for _, row in points.iterrows():
        trust = ok.loc[ok["point"] == row["point"], "mean_trust"]
        assert row["mean_trust_mean"] == pytest.approx(trust.mean())
        assert row["mean_trust_sd"] == pytest.approx(trust.std(ddof=1))
    # A --set on a varied parameter, or a bad value, is refused before anything runs.
    capsys.readouterr()
    assert main(["sweep", str(spec_path), "--out", str(tmp_path / "o2"),
                 "--set", "facilitation=0.5"]) == 2
    assert "both fixed in [set] and varied" in capsys.readouterr().err
    assert main(["sweep", str(spec_path), "--out", str(tmp_path / "o2"),
                 "--set", "mandate=5"]) == 2
    assert not (tmp_path / "o2").exists()


def test_a_sweep_of_days_needs_yes_and_says_so_before_planning(tmp_path, capsys, monkeypatch):
    # A run is said to take a second (the trial run's measurement, fixed for the test).
    cost = sweep_module.DiskCost(runs_part=1000.0, series_part=0.0, series_row=0.0,
                                 series_rows=0.0, points_first=1000.0, manifest=1000.0)
    monkeypatch.setattr(sweep_module, "_trial", lambda spec, simulate_fn: (1.0, cost))
    text = tiny_spec(replications=1_000_000, steps=4)
    spec_path = write(tmp_path, text)
    assert main(["sweep", str(spec_path), "--out", str(tmp_path / "big"), "--workers", "1"]) == 2
    captured = capsys.readouterr()
    assert "4,000,000 runs (4 points × 1,000,000 replications)" in captured.out
    assert "days" in captured.err and "--yes" in captured.err
    # The trial is announced: in a large network it takes minutes of silence otherwise.
    assert captured.err.startswith("timing a short trial run")
    assert not (tmp_path / "big").exists()


def test_a_plan_of_under_a_second_says_about_1_s_not_0_s():
    """A tiny sweep's plan said "about 0 s", as if there were nothing to do."""
    assert [duration(x) for x in (0.0, 0.25, 0.6, 40.0, 600.0)] == [
        "1 s", "1 s", "1 s", "40 s", "10 min"]


def test_a_finished_sweep_run_again_says_nothing_is_left_to_run(tmp_path, capsys):
    """Rerunning a finished sweep printed "0 to run: about 1 s ... and 0 B on disk", an
    estimate of work that is not there."""
    spec_path = write(tmp_path, tiny_spec(replications=1, steps=4))
    out = tmp_path / "done"
    assert main(["sweep", str(spec_path), "--out", str(out), "--workers", "1"]) == 0
    capsys.readouterr()
    assert main(["sweep", str(spec_path), "--out", str(out), "--workers", "1"]) == 0
    plan = capsys.readouterr().out.splitlines()[0]
    assert plan == "sweep: 4 runs (4 points × 1 replication); all stored, nothing to run"
    assert main(["sweep", str(spec_path), "--out", str(out), "--workers", "1",
                 "--lang", "fi"]) == 0
    plan = capsys.readouterr().out.splitlines()[0]
    assert plan == ("ajosarja: 4 ajoa (4 pistettä × 1 toisto); kaikki tallennettu, ei mitään "
                    "ajettavaa")


def test_the_trial_run_does_not_time_one_off_loading(tmp_path):
    """Code loaded on a process's first use (past week 1) must not be scaled up as if every
    week of every run paid for it. (The bound is half of what the one-off 0.2 s scaled up
    gives, 2.4 s: at 0.1 s the trial's own few milliseconds, scaled 12 times, failed it on a
    loaded machine.)"""
    loaded = set()

    def simulate_fn(params, seed, steps, timeseries):
        if steps > 1 and "late" not in loaded:  # a process first reached after week 1
            loaded.add("late")
            time.sleep(0.2)
        return Simulation("faded", steps, {})

    spec = load_spec(write(tmp_path, tiny_spec(steps=156)))
    seconds, _bytes = sweep_module._trial(spec, simulate_fn)
    assert seconds < 1.2  # not 0.2 s x 156/13 weeks


def test_count_tasks_cuts_a_sweep_as_the_batcher_does():
    """The plan counts the part files a sweep writes with count_tasks; the batcher's own
    cutting, fed runs of a steady cost, must give as many tasks."""
    from types import SimpleNamespace

    for runs, slots, per_run in [(18, 2, 0.05), (200, 2, 0.02), (8, 1, 0.3), (500, 4, 0.001),
                                 (30, 2, 3.0)]:
        batcher = sweep_module._Batcher(iter(SimpleNamespace(run_id=k) for k in range(runs)),
                                        runs, slots)
        first = [batcher.next_batch() for _slot in range(slots)]  # submitted before any result
        tasks = len([batch for batch in first if batch])
        for batch in first:
            batcher.learn(SimpleNamespace(seconds=per_run * len(batch),
                                          runs=SimpleNamespace(num_rows=len(batch))))
        while batch := batcher.next_batch():
            batcher.learn(SimpleNamespace(seconds=per_run * len(batch),
                                          runs=SimpleNamespace(num_rows=len(batch))))
            tasks += 1
        assert sweep_module.count_tasks(runs, slots, per_run) == tasks, (runs, slots, per_run)
    assert sweep_module.count_tasks(10, 2, 0.1, fixed_size=3) == 4


def _disk_use(directory: Path) -> int:
    return sum(f.stat().st_size for f in directory.rglob("*") if f.is_file())


LONG_HORIZON = """
seed = 3
replications = 2
steps = 260
record_every = 1
[set]
n_organisations = 5
participants_per_organisation = 3
[grid]
facilitation = [0.2, 0.8]
"""


@pytest.mark.parametrize(("spec_text", "runs_per_task"), [(None, 2), (None, 5),
                                                            (LONG_HORIZON, 1)],
                         ids=["example", "example_in_fives", "long_horizon"])
def test_the_plans_disk_estimate_errs_high_but_within_twice_the_real_size(tmp_path, spec_text,
                                                                          runs_per_task):
    """The plan said 942 kB for the example sweep's 291 kB (and 5.3 MB for a long horizon
    recorded every week, 0.55 MB on disk): a trial run's single short Parquet file, mostly
    overhead, was scaled up as if every row cost as much. It now counts the part files and
    their overhead; the estimate must cover what is written and not exceed twice it. (A
    fixed task size makes the parts the same on every machine; how the measured size cuts
    a sweep is count_tasks', tested against the batcher above.)"""
    spec = load_spec("example") if spec_text is None else parse_spec(spec_text)
    out = tmp_path / "sweep"
    plan = sweep_module.plan_sweep(spec, out, workers=1, runs_per_task=runs_per_task)
    run_sweep(spec, out, workers=1, runs_per_task=runs_per_task)
    written = _disk_use(out)
    assert written <= plan.bytes <= 2 * written, (plan.bytes, written)


@pytest.mark.parametrize("spec_text", [None, LONG_HORIZON], ids=["example", "long_horizon"])
def test_the_disk_estimate_with_csv_counts_the_csv_copies(tmp_path, spec_text):
    """``sweep --csv`` writes runs.csv, timeseries.csv and points.csv over every run at the
    end, and the plan left them out: 422 kB were written for the example's 295 kB, and a
    large sweep's timeseries.csv is larger than all its Parquet parts (about 320 B a row
    against 150). With --csv, fresh and resumed, the estimate must cover what is written and
    not exceed twice it; the trial's first weeks, full of short numbers (0.0), must not make
    it low for a long horizon."""
    from experiments.points import write_tables

    def spec_of(replications: int) -> SweepSpec:
        if spec_text is None:
            return load_spec("example", replications=replications)
        return parse_spec(spec_text, replications=replications)

    def csv_size() -> int:
        return sum((out / name).stat().st_size
                   for name in ("runs.csv", "timeseries.csv", "points.csv"))

    spec, out = spec_of(2), tmp_path / "sweep"
    plan = sweep_module.plan_sweep(spec, out, workers=1, runs_per_task=2, csv=True)
    without = sweep_module.plan_sweep(spec, out, workers=1, runs_per_task=2)
    run_sweep(spec, out, workers=1, runs_per_task=2)
    write_tables(out, spec.varied, csv=True)
    written, csv_written = _disk_use(out), csv_size()
    assert written <= plan.bytes <= 2 * written, (plan.bytes, written)
    assert plan.bytes - without.bytes >= csv_written
    # Resumed with twice the replications: the pending runs' parts, and the CSV copies of
    # every run, measured on the stored parts (the new copies replace the old ones, which
    # are there until each new one is whole).
    more = spec_of(4)
    resumed = sweep_module.plan_sweep(more, out, workers=1, runs_per_task=2, csv=True)
    run_sweep(more, out, workers=1, runs_per_task=2)
    write_tables(out, more.varied, csv=True)
    needed = _disk_use(out) - written + csv_written
    assert needed <= resumed.bytes <= 2 * needed, (resumed.bytes, needed)


def test_a_spec_with_several_mistakes_names_them_all_at_once(tmp_path, capsys):
    spec_path = write(tmp_path, """
seed = 1
replicatons = 3
steps = -4
[grid]
facilitation = [0.2, 1.4]
meeting_interval_weeks = "often"
""")
    assert main(["sweep", str(spec_path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "4 mistakes" in err
    for part in ("'replicatons' (did you mean 'replications'?)", "'steps' = -4",
                 "grid.facilitation", "1.4", "grid.meeting_interval_weeks"):
        assert part in err, part
    assert not (tmp_path / "o").exists()


def test_a_percentage_for_a_share_gets_did_you_mean(tmp_path, capsys):
    spec_path = write(tmp_path, tiny_spec(extra="").replace("[set]", "[set]\nmandate = 80"))
    assert main(["sweep", str(spec_path), "--out", str(tmp_path / "o")]) == 2
    assert "set.mandate" in (err := capsys.readouterr().err) and "did you mean 0.8?" in err
    assert main(["budget", "default", "--target", "0.8", "--set", "facilitation=70",
                 "--out", str(tmp_path / "o")]) == 2
    assert "did you mean 0.7?" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_a_bad_sweep_set_value_names_set_not_the_spec_file(tmp_path, capsys):
    """A bad value given with --set is the command line's, not the spec's: the message
    names --set as run's does, while a bad value in the spec still names the file."""
    spec_path = write(tmp_path, tiny_spec())
    assert main(["sweep", str(spec_path), "--set", "trust_prior=abc",
                 "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "--set 'trust_prior=abc': parameter 'trust_prior' = 'abc'" in err
    assert str(spec_path) not in err and "set.trust_prior" not in err
    bad_file = write(tmp_path, tiny_spec().replace("[set]", '[set]\ntrust_prior = "abc"'),
                     "bad.toml")
    assert main(["sweep", str(bad_file), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert f"{bad_file}: set.trust_prior:" in err and "--set" not in err
    assert not (tmp_path / "o").exists()


RULE = "share_conveners + share_seekers must not exceed 1 (got 0.6 + 0.6)"
"""The cross-parameter rule that --set share_conveners=0.6 --set share_seekers=0.6 breaks."""


def test_a_sweep_set_breaking_a_cross_parameter_rule_names_set_as_run_does(tmp_path, capsys):
    """Values within their own bounds that break a rule together were blamed on the spec
    ("SPEC: [set]: ..."); given with --set, the line names --set and the rule, as run's."""
    spec_path = write(tmp_path, tiny_spec())
    both = ["--set", "share_conveners=0.6", "--set", "share_seekers=0.6"]
    assert main(["run", *both, "--out", str(tmp_path / "r")]) == 2
    assert f"verkosto: error: --set: {RULE} (after applying the scenario" in \
        capsys.readouterr().err
    assert main(["sweep", str(spec_path), *both, "--out", str(tmp_path / "o")]) == 2
    assert capsys.readouterr().err == (f"verkosto: error: --set: {RULE} (after applying the "
                                       f"spec '{spec_path}')\n")
    # one value in the spec, one with --set: still --set's doing, the spec alone is valid
    half = write(tmp_path, tiny_spec().replace("[set]", "[set]\nshare_conveners = 0.6"),
                 "half.toml")
    assert main(["sweep", str(half), "--set", "share_seekers=0.6",
                 "--out", str(tmp_path / "o")]) == 2
    assert f"--set: {RULE} (after applying the spec '{half}')" in capsys.readouterr().err
    # a grid point that breaks the rule only with --set's value
    grid = write(tmp_path, tiny_spec().replace("facilitation = [0.2, 0.9]",
                                               "share_seekers = [0.2, 0.6]"), "grid.toml")
    assert main(["sweep", str(grid), "--set", "share_conveners=0.6",
                 "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"verkosto: error: --set: {grid}: point 1 (") and RULE in err, err
    # the spec's own [set] breaking the rule still names the file, not --set
    bad = write(tmp_path, tiny_spec().replace(
        "[set]", "[set]\nshare_conveners = 0.6\nshare_seekers = 0.6"), "bad.toml")
    assert main(["sweep", str(bad), "--set", "trust_prior=0.3",
                 "--out", str(tmp_path / "o")]) == 2
    assert capsys.readouterr().err == f"verkosto: error: {bad}: [set]: {RULE}\n"
    assert not (tmp_path / "o").exists() and not (tmp_path / "r").exists()


def test_a_decimal_comma_gets_did_you_mean_in_a_spec_and_in_sweep_set(tmp_path, capsys):
    """A decimal comma (0,3, as Finnish writes it) stays refused - values take a decimal
    point - but the refusal says which number was likely meant."""
    spec_path = write(tmp_path, tiny_spec(extra="").replace("[set]", '[set]\nmandate = "0,8"'))
    assert main(["sweep", str(spec_path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "set.mandate" in err and "did you mean 0.8? (a decimal point, not a comma)" in err
    assert main(["sweep", str(write(tmp_path, tiny_spec(), "plain.toml")), "--set",
                 "trust_prior=0,3", "--out", str(tmp_path / "o")]) == 2
    assert "did you mean 0.3? (a decimal point, not a comma)" in capsys.readouterr().err
    assert main(["budget", "default", "--target", "0.8", "--set", "facilitation=0,7",
                 "--out", str(tmp_path / "o")]) == 2
    assert "did you mean 0.7? (a decimal point, not a comma)" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(("key", "text", "hint"), [
    ("trust_prior", "0,3", "; did you mean 0.3? (a decimal point, not a comma)"),
    ("trust_prior", " 0,30 ", "; did you mean 0.3? (a decimal point, not a comma)"),
    ("coordination_budget_eur", "1,500", "; did you mean 1.5 or 1500? (a decimal point, and "
                                         "no thousands separator)"),
    ("coordination_budget_eur", "-1,5", ""),  # -1.5 is out of bounds too
    ("meeting_interval_weeks", "2,5", ""),  # a whole number: no decimal to suggest
    ("n_organisations", "1,000", "; did you mean 1000? (no thousands separator)"),
    ("trust_prior", "1,500", ""),  # neither 1.5 nor 1500 is allowed
    ("trust_prior", "0.3,0.4", ""),  # two numbers, not one with a comma
    ("purpose", "0,3", ""),  # not a number parameter
    ("trust_prior", 0.3, ""),
])
def test_decimal_comma_hint_offers_only_readings_the_parameter_allows(key, text, hint):
    from model.params import PARAMETERS
    from scenarios import decimal_comma_hint

    assert str(decimal_comma_hint(key, text)) == hint
    if hint:  # every number offered is one the parameter takes
        for offered in re.findall(r"-?\d+(?:\.\d+)?", hint):
            info = PARAMETERS[key]
            assert info.low <= float(offered) <= info.high


def test_sweep_help_lists_every_shipped_spec(capsys):
    with pytest.raises(SystemExit):
        main(["sweep", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for name in shipped_specs():
        if name != "example":
            assert name in text, name


# ---------------------------------------------------------------------- failures
def simulate_failing_when_unfacilitated(params, seed, steps, timeseries):
    """Fails (as a model bug would) for one grid value; importable by worker processes."""
    if params.facilitation < 0.5 and params.coordination_budget_eur > 0:
        raise FloatingPointError("weights do not sum to one")
    return simulate(params, seed, steps, timeseries)


@pytest.mark.xdist_group("sweep")
def test_a_failing_run_is_recorded_and_the_rest_complete(tmp_path):
    spec = parse_spec(tiny_spec(replications=3, steps=8))
    summary = run_sweep(spec, tmp_path / "out", workers=2,
                        simulate_fn=simulate_failing_when_unfacilitated)
    runs = read_runs(tmp_path / "out")
    failed = runs[runs["status"] == RunStatus.FAILED.value]
    assert summary.failed == 3 and len(runs) == 12
    assert set(failed["point"]) == {2}  # budget 1500 with facilitation 0.2
    assert failed["error"].str.contains("FloatingPointError: weights do not sum to one").all()
    assert failed["error"].str.contains("test_sweep.py").all()
    assert failed["outcome"].isna().all()
    ok = runs[runs["status"] == RunStatus.OK.value]
    assert ok["error"].isna().all() and ok["outcome"].notna().all()
    series = read_timeseries(tmp_path / "out")
    assert set(series["run_id"]) == set(ok["run_id"])
    # The successful runs are exactly those of a sweep without failures.
    run_sweep(spec, tmp_path / "clean", workers=1)
    clean = table_for_comparison(read_runs(tmp_path / "clean"))
    clean = clean[clean["point"] != 2].reset_index(drop=True)
    # pandas reads integer columns holding nulls (the failed runs) as floats.
    ok = table_for_comparison(ok).reset_index(drop=True).astype(clean.dtypes.to_dict())
    pd.testing.assert_frame_equal(ok, clean, check_exact=True)


KILLING_POINT = 3
"""The grid point (budget 1500, facilitation 0.9) whose runs kill their worker."""


def simulate_killing_its_worker(params, seed, steps, timeseries):
    """Kills the worker process (as the OOM killer would) on one grid point."""
    if params.facilitation > 0.5 and params.coordination_budget_eur > 0:
        os._exit(9)
    return simulate(params, seed, steps, timeseries)


@pytest.mark.xdist_group("sweep")
def test_a_dying_worker_aborts_the_sweep_keeping_finished_runs(tmp_path):
    spec = parse_spec(tiny_spec(replications=2, steps=6))
    with pytest.raises(SweepAborted, match="BrokenProcessPool"):
        run_sweep(spec, tmp_path / "out", workers=2, runs_per_task=1,
                  simulate_fn=simulate_killing_its_worker)
    stored = read_runs(tmp_path / "out")
    # The killing point's runs (point 3: replication-major ids 3 and 7) never finished;
    # how many others finished before the breakdown was noticed depends on the timing.
    killed = {run.run_id for run in spec.runs() if run.point == KILLING_POINT}
    assert killed == {3, 7} and not killed & set(stored["run_id"])
    assert (stored["status"] == RunStatus.OK.value).all()
    summary = run_sweep(spec, tmp_path / "out", workers=1)
    assert summary.skipped == len(stored) and summary.stored == 8
    run_sweep(spec, tmp_path / "ref", workers=1)
    assert_same_tables(tmp_path / "ref", tmp_path / "out")


class BreakingExecutor(sweep_module.SerialExecutor):
    """Runs tasks at once, then breaks on a later submission (a pool that died idle).

    Two slots: the first two tasks finish, and the third submission raises as a
    ProcessPoolExecutor does once a worker was killed between two results.
    """

    def __init__(self, breaks_at: int):
        self.submitted = 0
        self.breaks_at = breaks_at

    def submit(self, fn, /, *args, **kwargs):
        self.submitted += 1
        if self.submitted == self.breaks_at:
            from concurrent.futures.process import BrokenProcessPool
            raise BrokenProcessPool("A child process terminated abruptly")
        return super().submit(fn, *args, **kwargs)


def test_a_pool_broken_at_submission_aborts_keeping_every_finished_run(tmp_path, monkeypatch):
    executor = BreakingExecutor(breaks_at=3)

    @contextlib.contextmanager
    def breaking(workers, scheduler):
        yield executor, 2

    monkeypatch.setattr(sweep_module, "open_executor", breaking)
    spec = parse_spec(tiny_spec(replications=2, steps=4))
    with pytest.raises(SweepAborted, match="BrokenProcessPool"):
        run_sweep(spec, tmp_path / "out", workers=2, runs_per_task=1)
    stored = read_runs(tmp_path / "out")
    assert sorted(stored["run_id"]) == [0, 1]  # both tasks that finished are kept
    monkeypatch.undo()
    summary = run_sweep(spec, tmp_path / "out", workers=1)
    assert summary.skipped == 2 and summary.stored == 8
    run_sweep(spec, tmp_path / "ref", workers=1)
    assert_same_tables(tmp_path / "ref", tmp_path / "out")


def test_failed_runs_give_exit_1_and_the_last_line_counts_them(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sweep_module, "simulate", simulate_failing_when_unfacilitated)
    spec_path = write(tmp_path, tiny_spec(replications=2, steps=4))
    status = main(["sweep", str(spec_path), "--out", str(tmp_path / "out"), "--workers", "1"])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert status == 1
    assert last.endswith("2 failed)") and "8/8 runs stored" in last


# ---------------------------------------------------------------------- CLI and bad input
BAD_SPECS = {
    "malformed TOML": ("seed = = 1", "not valid TOML"),
    "missing seed": ("replications = 2", "'seed' is required"),
    "unknown top-level key": ("seed = 1\nreplication = 2", "did you mean 'replications'"),
    "unknown parameter": ("seed = 1\n[grid]\nfacilitaton = [0.1]", "did you mean 'facilitation'"),
    "out of bounds": ("seed = 1\n[grid]\nfacilitation = [0.5, 1.5]", "out of bounds"),
    "wrong type": ("seed = 1\n[set]\nn_organisations = 2.5", "n_organisations"),
    "grid not a list": ("seed = 1\n[grid]\nfacilitation = 0.5", "non-empty list"),
    "enum sampled": ('seed = 1\n[sample]\nn = 4\nparameters = ["channel"]', "not numeric"),
    "sobol n": ('seed = 1\n[sample]\nmethod = "sobol"\nn = 10\nparameters = ["structure"]',
                "power of two"),
    "bad method": ('seed = 1\n[sample]\nmethod = "halton"\nn = 4\nparameters = ["structure"]',
                   "lhs, sobol, morris"),
    "bounds outside declared": ("seed = 1\n[sample]\nn = 4\n[sample.bounds]\n"
                                "facilitation = [0.0, 2.0]", "out of bounds"),
    "grid and sample": ('seed = 1\n[grid]\nstructure = [0.1]\n[sample]\nn = 2\n'
                        'parameters = ["facilitation"]', "not both"),
    "fixed and varied": ("seed = 1\n[set]\nstructure = 0.1\n[grid]\nstructure = [0.2]",
                         "both fixed"),
    # record_every is the spec's own key, never in [set]: this said it was fixed there.
    "record_every varied": ("seed = 1\n[grid]\nrecord_every = [1, 2]",
                            "give it once at the top of the spec"),
    "cross-parameter rule": ("seed = 1\n[set]\nshare_seekers = 0.6\n[grid]\n"
                             "share_conveners = [0.1, 0.5]", "point 1"),
    "unknown outcome": ('seed = 1\noutcomes = ["thriveing"]', "did you mean 'thriving'"),
    "bad claim id": ('seed = 1\nclaims = ["S99"]', "not a claim id"),
    "unknown base": ('seed = 1\nbase = "no_cordination"', "no_coordination"),
    # As in a scenario file: a quoted "4" is not a number, "yes" is not true.
    "quoted number": ('seed = 1\n[set]\nn_organisations = "4"', "expected a whole number"),
    "quoted bool": ('seed = 1\n[set]\nrotating_meeting = "yes"', "expected true or false"),
    "quoted number in a grid": ('seed = 1\n[grid]\nfacilitation = ["0.3", 0.5]',
                                "expected a number from 0 to 1"),
    # In TOML's words, not Python's: this said "expected a bool".
    "quoted timeseries switch": ('seed = 1\ntimeseries = "yes"', "'timeseries' = 'yes': "
                                 "expected true or false (without quotes)"),
    "base not a string": ("seed = 1\nbase = 3", "'base' = 3: expected a string in quotes"),
}


@pytest.mark.parametrize("case", sorted(BAD_SPECS))
def test_bad_specs_exit_2_with_one_line_and_write_nothing(tmp_path, capsys, case):
    text, expected = BAD_SPECS[case]
    spec_path = write(tmp_path, text)
    out = tmp_path / "out"
    assert main(["sweep", str(spec_path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("verkosto: error:") and err.count("\n") == 1
    assert str(spec_path) in err and expected in err
    assert not out.exists()
    with pytest.raises(SpecError):
        load_spec(spec_path)


@pytest.mark.parametrize(("text", "finnish"), [
    ("seed = 1\n[grid]\nfacilitation = [0.5, 1.5]", "on sallitun välin ulkopuolella"),
    ("seed = 1\n[grid]\nfacilitaton = [0.1]", "tuntematon parametri 'facilitaton'"),
    ('seed = 1\n[set]\nn_organisations = "4"', "odotettiin kokonaislukua"),
    ("seed = 1\n[set]\nshare_seekers = 0.6\n[grid]\nshare_conveners = [0.1, 0.5]",
     "ei saa ylittää"),
])
def test_a_specs_parameter_mistakes_are_told_in_finnish(tmp_path, capsys, text, finnish):
    spec_path = write(tmp_path, text)
    assert main(["sweep", str(spec_path), "--out", str(tmp_path / "out"), "--lang", "fi"]) == 2
    err = capsys.readouterr().err
    assert str(spec_path) in err and finnish in err
    assert "parameter '" not in err and "unknown parameter" not in err


def test_missing_spec_file_and_bad_out_exit_2(tmp_path, capsys):
    assert main(["sweep", str(tmp_path / "nope.toml"), "--out", str(tmp_path / "o")]) == 2
    assert "no such spec file" in capsys.readouterr().err
    (tmp_path / "specs.toml").mkdir()  # there, but a directory: not "no such spec file"
    assert main(["sweep", str(tmp_path / "specs.toml"), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is a directory, not a spec file" in err
    assert not (tmp_path / "o").exists()
    spec_path = write(tmp_path, tiny_spec())
    (tmp_path / "occupied").mkdir()
    (tmp_path / "occupied" / "notes.txt").write_text("mine")
    assert main(["sweep", str(spec_path), "--out", str(tmp_path / "occupied")]) == 2
    assert "not empty" in capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "occupied").iterdir()) == ["notes.txt"]


@pytest.mark.parametrize("command", ["sweep", "sensitivity"])
def test_out_under_a_file_is_one_error_line_before_any_run(tmp_path, capsys, command):
    sample = ('[sample]\nmethod = "morris"\nn = 2\nparameters = ["facilitation"]\n'
              '[sample.bounds]\nfacilitation = [0.2, 0.9]')
    spec_path = write(tmp_path, tiny_spec() if command == "sweep" else
                      f"seed = 3\nreplications = 1\nsteps = 8\n[set]\n{TINY}\n{sample}\n")
    (tmp_path / "afile").write_text("mine")
    out = tmp_path / "afile" / "sub"
    assert main([command, str(spec_path), "--out", str(out), "--workers", "1"]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("verkosto: error:") and captured.err.count("\n") == 1
    assert "cannot be created" in captured.err and "is not a directory" in captured.err
    assert "Traceback" not in captured.err
    assert captured.out == ""  # refused before the plan and its trial run
    assert (tmp_path / "afile").read_text() == "mine"


def test_a_sweep_directory_one_may_only_read_is_one_error_line(tmp_path, capsys,
                                                             monkeypatch):
    """A colleague's sweep or a read-only share: refused before the plan, not a traceback
    from the lock file (as root in the tests, the permission check itself stands in)."""
    import experiments.store as store_module

    spec_path = write(tmp_path, tiny_spec(replications=1, steps=4))
    out = tmp_path / "out"
    assert main(["sweep", str(spec_path), "--out", str(out), "--workers", "1"]) == 0
    before = read_runs(out)
    capsys.readouterr()
    real_access = store_module.os.access
    monkeypatch.setattr(store_module.os, "access",
                        lambda path, mode, **kw: False if Path(path) == out
                        else real_access(path, mode, **kw))
    assert main(["sweep", str(spec_path), "--out", str(out), "--workers", "1",
                 "--replications", "2"]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("verkosto: error:") and captured.err.count("\n") == 1
    assert str(out) in captured.err and "no permission to write" in captured.err
    assert captured.out == ""  # refused before the plan and its trial run
    pd.testing.assert_frame_equal(read_runs(out), before)


def test_an_unreachable_scheduler_is_bad_input_and_writes_nothing(tmp_path, capsys,
                                                                  monkeypatch):
    monkeypatch.setattr(sweep_module, "SCHEDULER_TIMEOUT", "1s")
    spec_path = write(tmp_path, tiny_spec())
    out = tmp_path / "out"
    # Port 9 (discard) on loopback: nothing listens there.
    status = main(["sweep", str(spec_path), "--out", str(out), "--scheduler",
                   "tcp://127.0.0.1:9"])
    assert status == 2
    assert "cannot connect" in capsys.readouterr().err
    assert not out.exists()


def test_the_example_spec_names_every_outcome_class_an_outcome_can_be():
    text = example_text()
    block = text[text.index("# Measures a sensitivity analysis"):text.index("outcomes =")]
    assert [o.value for o in Outcome if o.value not in block] == []


@pytest.mark.xdist_group("sweep")
def test_the_example_spec_documents_every_key_and_runs_in_under_a_minute(tmp_path, capsys):
    assert main(["sweep", "--example"]) == 0
    text = capsys.readouterr().out
    assert text == example_text()
    from experiments.spec import SAMPLE_KEYS, TOP_KEYS

    for key in (*TOP_KEYS, *SAMPLE_KEYS):
        assert f"{key} =" in text or f"[{key}]" in text or f"[sample.{key}]" in text, key
    spec_path = write(tmp_path, text)
    started = time.perf_counter()
    status = main(["sweep", str(spec_path), "--out", str(tmp_path / "out"), "--workers", "2"])
    elapsed = time.perf_counter() - started
    assert status == 0 and elapsed < 60
    runs = read_runs(tmp_path / "out")
    assert len(runs) == load_spec(spec_path).n_runs and (runs["status"] == "ok").all()


def test_a_shipped_spec_is_found_by_name_and_a_relative_base_beside_the_spec(tmp_path):
    spec = load_spec("turnover_time")
    assert spec.source.endswith("turnover_time.toml") and spec.title.startswith("Staff")
    (tmp_path / "mine.toml").write_text('[params]\ncoordination_budget_eur = 123.0\n')
    spec_path = write(tmp_path, 'seed = 1\nbase = "mine.toml"\n')
    assert load_spec(spec_path).base_params.coordination_budget_eur == 123.0


def test_injected_simulation_results_land_in_the_runs_table(tmp_path):
    def constant(params, seed, steps, timeseries):
        frame = pd.DataFrame({"active_share": [0.25, 0.5]}, index=pd.Index([0, steps]))
        return Simulation("thriving", steps, {"active_share": 0.5}, frame)

    spec = parse_spec(tiny_spec(replications=1, steps=3))
    run_sweep(spec, tmp_path / "out", workers=1, simulate_fn=constant)
    runs = read_runs(tmp_path / "out")
    assert (runs["active_share"] == 0.5).all() and runs["mean_trust"].isna().all()
    assert (runs["outcome"] == "thriving").all()
    assert read_timeseries(tmp_path / "out")["step"].tolist() == [0, 3] * 4


def test_columns_and_a_data_frame_are_stored_alike(tmp_path):
    """A simulation's recorded weeks as the collector's lists (``Simulation.columns``, what
    ``simulate`` gives) and as a data frame (what an injected simulation may give) land in
    the same rows: a NaN as null, a column not reported as null, types as declared.
    """
    def columns(params, seed, steps, timeseries):
        cols = {"step": [0, steps], "active": [4, 3], "mean_trust": [0.5, float("nan")],
                "phase": ["forming", "fading"]}
        return Simulation("fading", steps, {"active": 3}, columns=cols)

    def frame(params, seed, steps, timeseries):
        cols = columns(params, seed, steps, timeseries).columns
        return Simulation("fading", steps, {"active": 3},
                          pd.DataFrame(cols).set_index("step"))

    spec = parse_spec(tiny_spec(replications=1, steps=3))
    for name, fn in (("columns", columns), ("frame", frame)):
        run_sweep(spec, tmp_path / name, workers=1, simulate_fn=fn)
    a, b = (read_timeseries(tmp_path / name) for name in ("columns", "frame"))
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert a["step"].tolist() == [0, 3] * 4 and a["active"].tolist() == [4, 3] * 4
    assert a["mean_trust"].isna().tolist() == [False, True] * 4
    assert a["mean_familiarity"].isna().all() and a["phase"].tolist()[:2] == ["forming", "fading"]


def test_a_simulation_gives_its_weeks_as_the_collector_recorded_them():
    params = Params.from_flat(n_organisations=3, participants_per_organisation=2)
    sim = simulate(params, seed=5, steps=7, timeseries=True)
    model = NetworkModel(params=params, rng=5)
    model.run_for(7)
    model.record()
    expected = model.datacollector.get_model_vars_dataframe().set_index("step")
    pd.testing.assert_frame_equal(sim.timeseries, expected, check_exact=True)
    assert sim.final == expected.iloc[-1].to_dict()
