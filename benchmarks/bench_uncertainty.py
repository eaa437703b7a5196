"""How long ``verkosto budget SCENARIO --target P --uncertainty`` takes (target: 5 min, 2 cores).

Runs the command as its user would (a fresh process, the shipped ensemble)
``--repeat`` times and prints each wall time, their median, and what the runs
were spent on: the default answer's search, each member's search and the
defaults searched as a member is (from ``budget.json``). The machine's load
average before each repetition is printed too: on a shared machine the times
are noisy, so quote the median with the load.

Usage::

    .venv/bin/python benchmarks/bench_uncertainty.py [--scenario default] [--members 20]
        [--repeat 1] [--workers 2] [-- extra budget options]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 300.0
"""The issue's speed target for 20 members on 2 cores."""


def one(scenario: str, target: float, members: int, workers: int,
        extra: list[str]) -> tuple[float, dict]:
    """Run the command once; (wall seconds, budget.json)."""
    verkosto = Path(sys.executable).with_name("verkosto")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "budget"
        argv = [str(verkosto), "budget", scenario, "--target", str(target), "--uncertainty",
                "--members", str(members), "--workers", str(workers), "--quiet",
                "--out", str(out), *extra]
        t0 = time.perf_counter()
        subprocess.run(argv, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        seconds = time.perf_counter() - t0
        return seconds, json.loads((out / "budget.json").read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    """Print the wall times, their median and where the runs went."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenario", default="default")
    parser.add_argument("--target", type=float, default=0.8)
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("extra", nargs="*", help="further options for 'verkosto budget'")
    args = parser.parse_args(argv)
    times = []
    for k in range(args.repeat):
        load = os.getloadavg()[0]
        seconds, data = one(args.scenario, args.target, args.members, args.workers, args.extra)
        times.append(seconds)
        pu = data["parameter_uncertainty"]
        member_runs = [m["runs"] for m in pu["member_minima"]]
        print(f"repetition {k + 1}: {seconds:.0f} s (load average before: {load:.1f}); "
              f"runs: default answer {data['total_runs']}, members {sum(member_runs)} "
              f"(median {statistics.median(member_runs):.0f} per member), defaults searched as "
              f"a member {pu['total_runs'] - sum(member_runs)}; "
              f"{seconds * args.workers / (data['total_runs'] + pu['total_runs']):.3f} "
              "core-seconds per run")
        print(f"  answer: default {data['min_budget_eur_per_month']}, quantiles "
              f"{pu['quantiles']}, robust {pu['robust_budget_eur_per_month']}, "
              f"not reached {pu['not_reached']}")
    median = statistics.median(times)
    verdict = "meets" if median <= TARGET_SECONDS else "misses"
    print(f"median {median:.0f} s over {len(times)} repetition(s) on {args.workers} workers: "
          f"{verdict} the {TARGET_SECONDS:.0f} s target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
