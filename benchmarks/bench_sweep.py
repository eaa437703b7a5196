"""Sweep throughput and peak memory: ``experiments.sweep`` against ``mesa.batch_run``.

Both run the same runs: the default scenario, ``--runs`` replications (default
1,000) seeded from ``SeedSequence(--seed)`` exactly as a sweep seeds them,
``--steps`` weeks each (default 52, one year, to keep the benchmark practical;
the default horizon is 156), with every week recorded (``record_every = 1``
and ``data_collection_period=1``), on ``--workers`` local processes (default 2).

Each contender runs in its own child process; the parent samples the memory
of the child and all its descendants (``psutil``) every ``SAMPLE_INTERVAL_S``
and reports the peak of the sum, so worker processes count too: the sum of
proportional set sizes (PSS: a page shared by k processes counts 1/k in each,
so pages that forked workers share with their parent are not counted twice)
and, for reference, the sum of resident set sizes (RSS, which counts shared
pages once per process).

A third row runs the sweep recording every fourth week (``record_every = 4``,
a sweep's usual setting): the same runs and final values, but a quarter of the
time-series rows, so it is not the like-for-like comparison; it shows what the
recording interval buys. The sweep's time includes starting its workers and writing its
Parquet tables; ``batch_run``'s includes starting its pool and collecting all
rows in memory (its result list), not turning them into a DataFrame.

Usage::

    .venv/bin/python benchmarks/bench_sweep.py [--runs 1000] [--steps 52] [--workers 2]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SAMPLE_INTERVAL_S = 0.2
MIB = 2**20
CONTENDERS = ("verkosto sweep", "mesa.batch_run", "sweep, every 4th")
#: Recording interval of the third row.
TYPICAL_RECORD_EVERY = 4
TARGET_SPEEDUP = 1.5


def spec_for(runs: int, steps: int, seed: int, record_every: int = 1):
    from experiments.spec import spec_from_dict

    return spec_from_dict({"seed": seed, "replications": runs, "steps": steps,
                           "record_every": record_every, "base": "default"},
                          source="<benchmark>")


def child(contender: str, runs: int, steps: int, seed: int, workers: int) -> dict:
    """Run one contender in this process; return its timing and final mean trust per run."""
    every = TYPICAL_RECORD_EVERY if contender == CONTENDERS[2] else 1
    spec = spec_for(runs, steps, seed, every)
    seeds = [r.seed for r in spec.runs()]
    if contender != CONTENDERS[1]:
        from experiments.store import read_runs
        from experiments.sweep import run_sweep

        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            summary = run_sweep(spec, Path(tmp) / "sweep", workers=workers)
            seconds = time.perf_counter() - started
            final = read_runs(Path(tmp) / "sweep")["mean_trust"].tolist()
        assert summary.stored == runs and summary.failed == 0
    else:
        import mesa

        from model import NetworkModel

        started = time.perf_counter()
        rows = mesa.batch_run(NetworkModel, parameters={}, rng=seeds, number_processes=workers,
                              data_collection_period=1, max_steps=steps,
                              display_progress=False)
        seconds = time.perf_counter() - started
        last = {}
        for row in rows:
            if row["Step"] == steps:
                last[row["iteration"]] = row["mean_trust"]
        final = [last[i] for i in range(runs)]
    self_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {"seconds": seconds, "final_mean_trust": final, "parent_peak_mib": self_peak}


def measure(contender: str, args: argparse.Namespace) -> dict:
    """Run a contender in a child process, sampling the memory of its process tree."""
    import psutil

    command = [sys.executable, __file__, "--child", contender, "--runs", str(args.runs),
               "--steps", str(args.steps), "--seed", str(args.seed),
               "--workers", str(args.workers)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    root = psutil.Process(proc.pid)
    peak_pss = peak_rss = 0
    while proc.poll() is None:
        pss = rss = 0
        try:
            tree = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            break
        for p in tree:
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                info = p.memory_full_info()
                pss += getattr(info, "pss", info.rss)
                rss += info.rss
        peak_pss, peak_rss = max(peak_pss, pss), max(peak_rss, rss)
        time.sleep(SAMPLE_INTERVAL_S)
    out, _ = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"{contender} failed with status {proc.returncode}")
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_pss_mib"] = peak_pss / MIB
    result["peak_rss_mib"] = peak_rss / MIB
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=52)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--child", choices=CONTENDERS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.runs, args.steps, args.seed, args.workers)))
        return

    load = os.getloadavg()[0]
    print(f"{args.runs} runs of the default scenario, {args.steps} weeks each, every week "
          f"recorded, {args.workers} worker processes (load average before: {load:.1f})")
    results = {c: measure(c, args) for c in CONTENDERS}
    finals = [r["final_mean_trust"] for r in results.values()]
    same = all(f == finals[0] for f in finals)
    print(f"same runs (final mean_trust of every run identical): {same}")
    header = (f"{'contender':<17} {'seconds':>8} {'runs/s':>8} {'peak PSS sum (MiB)':>19} "
              f"{'peak RSS sum (MiB)':>19}")
    print(header)
    print("-" * len(header))
    for name, r in results.items():
        print(f"{name:<17} {r['seconds']:8.1f} {args.runs / r['seconds']:8.2f} "
              f"{r['peak_pss_mib']:19.0f} {r['peak_rss_mib']:19.0f}")
    ours, theirs = results[CONTENDERS[0]], results[CONTENDERS[1]]
    speedup = theirs["seconds"] / ours["seconds"]
    memory = ours["peak_pss_mib"] / theirs["peak_pss_mib"]
    print(f"throughput: {speedup:.2f}x mesa.batch_run (target >= {TARGET_SPEEDUP}x); "
          f"peak memory: {memory:.2f}x mesa.batch_run's (target < 1)")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
