"""The speed and memory targets of issue 17 in one run: each measured, next to its target.

One table, one row per target, each measured here with the measurement of the benchmark
that owns it (so the figures mean what they mean there):

* CPU microseconds per participant-step at 24 participants (the default network) and at
  1,000 (default budget, and the budget scaled with size), as ratios to Mesa's
  ``virus_on_network`` at as many agents: ``bench_model``'s samples (warm-up, then timed
  steps of one seeded run; the contenders taken in turn, repetition by repetition);
* set-up wall time of a 10,000-participant network as a ratio to building
  ``virus_on_network`` at 10,000 nodes without a layout: ``bench_large.bench_setup``;
* peak memory (process RSS) of set-up plus ten weeks at 10,000 participants, in a fresh
  process each: ``bench_large``'s memory child;
* a sweep of the default scenario, 156 weeks per run, on ``--workers`` processes
  (``experiments.sweep.run_sweep``, every week recorded, as ``bench_sweep``), timed on
  ``--sweep-runs`` runs and projected to 10,000 runs with the marginal cost of a run
  (the difference from a sweep of half as many runs, so starting the workers counts once).
  The sweep's target is in minutes, so it moves with the machine; under the table it is
  also given as a ratio to 10,000 whole ``virus_on_network`` runs (24 agents, 156 steps,
  set-up included, CPU time in this process) shared evenly over as many cores, measured in
  the same repetition.

Under the table, the 24-person row's floor: the CPU of the compiled kernels' own calls in
the same kind of run (each call the model makes past numba's dispatcher, timed around it),
as a ratio to ``virus_on_network`` in the same repetition. It is what a week would cost
with no Python around the kernels but the calls themselves, so no restructuring of the
schedule that keeps these calls takes the row below it. It counts the calls' passage
between Python and compiled code (each array argument's unboxing, some 0.07 us, and each
returned array's boxing), which a week compiled whole would not pay.

Each figure is the median over ``--reps`` repetitions with the lowest and highest in
brackets; the machine is shared, so the spread is part of the answer. A target is met
when the median is within it. Under the table, both sides of each ratio: the baseline's
own time moves from run to run on a shared machine, so the model's own CPU per week is
what compares across runs.

Usage::

    .venv/bin/python benchmarks/bench_targets.py            # a few minutes
    .venv/bin/python benchmarks/bench_targets.py --quick    # one repetition, small samples
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "benchmarks"):
    if str(path) not in sys.path:  # run as a plain script from any directory
        sys.path.insert(0, str(path))

import bench_large  # noqa: E402
import bench_model  # noqa: E402

from model.straight import StraightCalls  # noqa: E402

SWEEP_SCALE = 10_000
"""The sweep target is for this many runs."""
SWEEP_STEPS = 156
SECONDS_PER_MINUTE = 60
MIB_PER_GIB = 1024
REFERENCE_RUNS = 200
"""Whole ``virus_on_network`` runs timed for the sweep's same-machine reference."""
MEMORY_WEEKS = 10
"""Weeks run after set-up in the memory measurement (as ``bench_large``'s default)."""


@dataclass(frozen=True)
class Target:
    """One row of the issue's table: what is measured, in which unit, and the bound."""

    work: str
    unit: str
    bound: float


TARGETS = {
    "small": Target("24 participants: per participant-step, ratio to virus_on_network",
                    "x", 1.0),
    "large_default": Target("1,000 participants, default budget: same ratio", "x", 0.25),
    "large_scaled": Target("1,000 participants, budget scaled to size: same ratio", "x", 0.25),
    "setup": Target("10,000 participants: set-up, ratio to virus_on_network's", "x", 2.0),
    "memory": Target("10,000 participants: peak memory (process RSS)", "GiB", 2.0),
    "sweep": Target("10,000-run sweep of the default scenario, 156 weeks", "min", 2.0),
}


#: Suffixes of the samples of each side of a ratio row (microseconds per agent-step).
OURS, VIRUS = ":verkosto", ":virus_on_network"
#: The ratio rows, with their numbers of participants.
STEP_ROWS = {"small": bench_model.SIZES[0][0] * bench_model.SIZES[0][1],
             "large_default": bench_model.LARGE[0] * bench_model.LARGE[1],
             "large_scaled": bench_model.LARGE[0] * bench_model.LARGE[1]}


def step_ratios(cfg: bench_model.Settings) -> dict[str, list[float]]:
    """Ratios to virus_on_network per repetition at 24 and at 1,000 participants, and each
    side's microseconds per agent-step (keys with :data:`OURS` and :data:`VIRUS`).
    """
    out = {}
    small, large = bench_model.SIZES[0], bench_model.LARGE
    for key, (n_orgs, per_org), scaled in (("small", small, False),
                                           ("large_default", large, False),
                                           ("large_scaled", large, True)):
        n = n_orgs * per_org
        # Load every compiled kernel a run of this kind calls (numba loads each from its cache
        # at its first call, some only in later weeks) before anything is timed.
        bench_model._network(n_orgs, per_org, scaled=scaled).run_for(cfg.warmup + cfg.steps)
        us = bench_model._interleaved({
            "ours": lambda o=n_orgs, k=per_org, s=scaled: bench_model._network(o, k, scaled=s),
            "virus": lambda n=n: bench_model.SeededVirusOnNetwork(num_nodes=n,
                                                                  rng=bench_model.SEED)},
            n, cfg)
        out[key] = bench_model.paired_ratios(us["ours"], us["virus"])
        out[f"{key}{OURS}"], out[f"{key}{VIRUS}"] = us["ours"], us["virus"]
    return out


def _timed_kernels(model: object, spent: list[int]) -> None:
    """Make every straight kernel call of ``model`` (its own, its pair store's and its
    knowledge store's :class:`model.straight.StraightCalls`) add its nanoseconds to
    ``spent[0]``.
    """
    for owner in (model, model.rel, model.knowledge):
        for calls in vars(owner).values():
            if not isinstance(calls, StraightCalls):
                continue
            for name in calls._names:
                setattr(calls, name, _timed(getattr(calls, name), spent))


def _timed(call: Callable, spent: list[int]) -> Callable:
    """``call``, adding the nanoseconds of each of its calls to ``spent[0]``."""

    def timed(*args: object) -> object:
        start = time.perf_counter_ns()
        out = call(*args)
        spent[0] += time.perf_counter_ns() - start
        return out

    return timed


def kernel_floor(cfg: bench_model.Settings) -> dict[str, list[float]]:
    """Microseconds per participant-step of the compiled kernels' own calls in the small
    row's run (warm-up, then ``cfg.steps`` timed weeks), and their ratio to
    ``virus_on_network`` at as many agents, the two taken in turn, repetition by repetition.
    The timer's own cost (two clock reads a call, some 13 calls a week) is counted in.
    """
    n_orgs, per_org = bench_model.SIZES[0]
    n = n_orgs * per_org
    ours, virus = [], []
    for _ in range(cfg.reps):
        model = bench_model._network(n_orgs, per_org)
        model.run_for(cfg.warmup)
        spent = [0]
        _timed_kernels(model, spent)
        model.run_for(cfg.steps)
        ours.append(spent[0] / 1e3 / cfg.steps / n)
        virus.append(bench_model._one_sample(
            lambda: bench_model.SeededVirusOnNetwork(num_nodes=n, rng=bench_model.SEED), n,
            cfg))
    return {"floor": bench_model.paired_ratios(ours, virus), f"floor{OURS}": ours,
            f"floor{VIRUS}": virus}


def _sweep_seconds(runs: int, workers: int) -> float:
    """Wall seconds of a ``runs``-run sweep in a fresh process (``bench_sweep``'s child)."""
    cmd = [sys.executable, str(ROOT / "benchmarks" / "bench_sweep.py"), "--child",
           "verkosto sweep", "--runs", str(runs), "--steps", str(SWEEP_STEPS),
           "--workers", str(workers)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])["seconds"]


def sweep_minutes(runs: int, workers: int, reps: int) -> list[float]:
    """Minutes a 10,000-run sweep would take: a ``runs``-run sweep, plus the other runs at
    the marginal cost of a run (the difference from a sweep of half as many runs, so that
    starting the workers counts once, not once per ``runs`` runs).
    """
    minutes = []
    for _ in range(reps):
        whole, half = _sweep_seconds(runs, workers), _sweep_seconds(runs // 2, workers)
        per_run = max(0.0, whole - half) / (runs - runs // 2)
        minutes.append((whole + (SWEEP_SCALE - runs) * per_run) / SECONDS_PER_MINUTE)
    return minutes


def virus_sweep_minutes(workers: int, runs: int) -> float:
    """Minutes 10,000 whole ``virus_on_network`` runs of 24 agents and 156 steps (set-up
    included) take in CPU time shared evenly over ``workers`` cores: the same machine's
    reference for the sweep, from ``runs`` runs in this process.
    """
    n = STEP_ROWS["small"]
    bench_model.SeededVirusOnNetwork(num_nodes=n, rng=bench_model.SEED).run_for(SWEEP_STEPS)
    start = time.process_time()
    for _ in range(runs):
        bench_model.SeededVirusOnNetwork(num_nodes=n, rng=bench_model.SEED).run_for(SWEEP_STEPS)
    per_run = (time.process_time() - start) / runs
    return per_run * SWEEP_SCALE / workers / SECONDS_PER_MINUTE


def measure(reps: int, quick: bool, sweep_runs: int, workers: int) -> dict[str, list[float]]:
    """Every target's samples, one list per row of :data:`TARGETS`."""
    cfg = bench_model.Settings(warmup=10, steps=20 if quick else 50, reps=reps,
                               default_steps=bench_model.DEFAULT_STEPS)
    samples = step_ratios(cfg)
    samples.update(kernel_floor(cfg))
    setup = bench_large.bench_setup(reps)
    samples["setup"] = setup["ratios"]
    n_orgs, per_org = bench_large.SETUP_SIZE
    weeks = 2 if quick else MEMORY_WEEKS
    samples["memory"] = [
        bench_large._memory_in_subprocess(n_orgs, per_org, weeks)["peak_rss_mib"] / MIB_PER_GIB
        for _ in range(reps)]
    samples["sweep"], samples[f"sweep{VIRUS}"] = [], []
    for _ in range(reps):  # the sweep and its reference in turn, repetition by repetition
        samples["sweep"] += sweep_minutes(sweep_runs, workers, 1)
        samples[f"sweep{VIRUS}"].append(virus_sweep_minutes(workers, REFERENCE_RUNS))
    return samples


def table(samples: dict[str, list[float]]) -> str:
    """The table: work, measured median (lowest-highest), target, met."""
    lines = [f"{'work':<66} {'measured':>22} {'target':>9}  met",
             "-" * 106]
    for key, target in TARGETS.items():
        values = samples[key]
        median = statistics.median(values)
        measured = f"{median:.2f} ({min(values):.2f}-{max(values):.2f}) {target.unit}"
        met = "yes" if median <= target.bound else "no"
        lines.append(f"{target.work:<66} {measured:>22} {'<= ' + f'{target.bound:g}':>6} "
                     f"{target.unit:<3} {met}")
    return "\n".join(lines)


def sides(samples: dict[str, list[float]]) -> str:
    """The two sides of each ratio row, medians: the baseline's own time moves from run to
    run on a shared machine (by 1.8x between two runs an hour apart), so a ratio compares
    only within a run; the model's own time compares across runs on the same machine.
    """
    lines = ["Both sides of the ratios (CPU, medians):"]
    for key, n in STEP_ROWS.items():
        ours = statistics.median(samples[f"{key}{OURS}"])
        virus = statistics.median(samples[f"{key}{VIRUS}"])
        lines.append(f"  {TARGETS[key].work.split(':')[0]:<42} verkosto {ours:7.2f} us per "
                     f"participant-step ({ours * n / 1000:7.3f} ms a week); virus_on_network "
                     f"{virus:6.2f} us per agent-step")
    floor, kernels = samples["floor"], statistics.median(samples[f"floor{OURS}"])
    lines.append(f"  {'24 participants, the kernels alone':<42} verkosto {kernels:7.2f} us per "
                 f"participant-step ({kernels * STEP_ROWS['small'] / 1000:7.3f} ms a week); "
                 f"ratio {statistics.median(floor):.2f}x ({min(floor):.2f}-{max(floor):.2f}): "
                 "the floor of a week of these calls")
    ratios = bench_model.paired_ratios(samples["sweep"], samples[f"sweep{VIRUS}"])
    lines.append(f"  {'10,000-run sweep':<42} {statistics.median(samples['sweep']):.2f} min; "
                 f"10,000 virus_on_network runs (24 agents, 156 steps) on as many cores "
                 f"{statistics.median(samples[f'sweep{VIRUS}']):.2f} min; ratio "
                 f"{statistics.median(ratios):.1f}x ({min(ratios):.1f}-{max(ratios):.1f})")
    return "\n".join(lines)



def main(argv: list[str] | None = None) -> None:
    """Measure every target and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="one repetition, short samples, 100 sweep runs (not for quoting)")
    parser.add_argument("--reps", type=int, default=3, help="repetitions (default 3)")
    parser.add_argument("--sweep-runs", type=int, default=400,
                        help="runs of the timed sweep, scaled to 10,000 (default 400)")
    parser.add_argument("--workers", type=int, default=2, help="sweep workers (default 2)")
    args = parser.parse_args(argv)
    reps, runs = (1, 100) if args.quick else (args.reps, args.sweep_runs)
    print(f"verkosto: the targets of issue 17 (seed {bench_model.SEED}; {reps} repetition(s); "
          f"median (lowest-highest))\n")
    samples = measure(reps, args.quick, runs, args.workers)
    print(table(samples))
    print()
    print(sides(samples))


if __name__ == "__main__":
    main()
