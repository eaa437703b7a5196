"""CPU microseconds per week of ``NetworkModel.collaborate`` and of the whole step, with
collaborate in one compiled call (``_collaborate_in_one_call``) and by the chain it
replaces, alternating, at the default size (24 people, ``NetworkModel(rng=s).run_for(156)``)
and at 200 (40 organisations of 5, 156 weeks).

Each process is timed by wrapping the instance's method with ``time.process_time_ns``
inside ordinary steps (as ``bench_processes``); each figure is the median over seeds
``1 .. --reps`` of a run's mean. Run from an older tree (without the fused call) it times
that tree's collaborate as "chain" only, for comparisons across commits.

Usage::

    .venv/bin/python benchmarks/bench_collaborate.py [--reps 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a plain script from any directory
    sys.path.insert(0, str(ROOT))

from model import DEFAULT_STEPS, NetworkModel  # noqa: E402

NS_PER_US = 1e3
SIZES = {"24": {}, "200": {"n_organisations": 40, "participants_per_organisation": 5}}


def us_per_week(make: Callable[[], NetworkModel], fused: bool) -> tuple[float, float]:
    """CPU us per week of collaborate and of the whole step in one 156-week run."""
    model = make()
    if not fused:
        model._collaborate_in_one_call = lambda: False
    spent = [0, 0]
    collaborate = model.collaborate

    def timed() -> None:
        start = time.process_time_ns()
        collaborate()
        spent[0] += time.process_time_ns() - start

    model.collaborate = timed
    weeks = 0
    for _ in range(DEFAULT_STEPS):
        start = time.process_time_ns()
        model.step()
        spent[1] += time.process_time_ns() - start
        weeks += 1
        if not model.running:
            break
    return spent[0] / weeks / NS_PER_US, spent[1] / weeks / NS_PER_US


def main(argv: list[str] | None = None) -> None:
    """Print the medians, fused against chain, alternating run by run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=5, help="seeds (median over them)")
    parser.add_argument("--sizes", default="24,200", help="which sizes, comma-separated")
    args = parser.parse_args(argv)
    modes = [False, True] if hasattr(NetworkModel, "_collaborate_in_one_call") else [False]
    for size in args.sizes.split(","):
        runs: dict[bool, list[tuple[float, float]]] = {mode: [] for mode in modes}
        for seed in range(1, args.reps + 1):
            for mode in modes:  # alternating, so that load on the machine falls on both
                make = lambda s=seed, kw=SIZES[size]: NetworkModel(rng=s, **kw)  # noqa: E731
                runs[mode].append(us_per_week(make, mode))
        for mode in modes:
            col = statistics.median(r[0] for r in runs[mode])
            step = statistics.median(r[1] for r in runs[mode])
            label = "fused" if mode else "chain"
            print(f"{size:>4} people {label}: collaborate {col:8.1f} us/week, "
                  f"step {step:8.1f} us/week (median of {args.reps})")


if __name__ == "__main__":
    main()
