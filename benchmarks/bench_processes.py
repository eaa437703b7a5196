"""CPU milliseconds per week of each process of the weekly schedule, and of the
knowledge_coverage reporter, at 1,000 participants and at the default size.

Each process is timed by wrapping the model instance's method with a CPU-time
counter (``time.process_time_ns``) inside ordinary steps, so it runs on the
state and caches a real run gives it; the reporter is called once after each
step. At 1,000 participants the model is ``bench_model``'s large case (200
organisations, scaled coordination budget), warmed up for ``--warmup`` weeks
and timed over ``--steps``; at the default size (``NetworkModel(rng=1)``, 24
people) whole 156-week runs are timed, since one process there costs
microseconds. Each figure is the median over ``--reps`` repetitions.

Usage::

    .venv/bin/python benchmarks/bench_processes.py
"""

from __future__ import annotations

import argparse
import inspect
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a plain script from any directory
    sys.path.insert(0, str(ROOT))

from benchmarks.bench_model import LARGE, _network  # noqa: E402
from model import DEFAULT_STEPS, NetworkModel, reporters  # noqa: E402

#: The processes in the order ``NetworkModel.step()`` calls them (read from its source, so
#: the benchmark follows the schedule).
PROCESSES = tuple(re.findall(r"self\.(\w+)\(\)", inspect.getsource(NetworkModel.step)))
REPORTER = "knowledge_coverage"
NS_PER_MS = 1e6


def ms_per_week(make: Callable[[], NetworkModel], warmup: int, steps: int) -> dict[str, float]:
    """CPU ms per week of each process, the reporter and the whole step in one run."""
    model = make()
    if warmup:
        model.run_for(warmup)
    spent = dict.fromkeys((*PROCESSES, REPORTER, "step"), 0)
    for name in PROCESSES:
        method = getattr(model, name)

        def timed(method: Callable[[], None] = method, name: str = name) -> None:
            start = time.process_time_ns()
            method()
            spent[name] += time.process_time_ns() - start

        setattr(model, name, timed)
    for _ in range(steps):
        start = time.process_time_ns()
        model.step()
        spent["step"] += time.process_time_ns() - start
        start = time.process_time_ns()
        reporters.knowledge_coverage(model)
        spent[REPORTER] += time.process_time_ns() - start
    return {name: ns / steps / NS_PER_MS for name, ns in spent.items()}


def median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    """Median of each figure over repetitions."""
    return {name: statistics.median(run[name] for run in runs) for name in runs[0]}


def main(argv: list[str] | None = None) -> None:
    """Print ms/week per process at 1,000 participants and at the default size."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--warmup", type=int, default=10, help="weeks before timing at 1,000")
    parser.add_argument("--steps", type=int, default=50, help="timed weeks at 1,000")
    parser.add_argument("--reps", type=int, default=3, help="repetitions (median)")
    args = parser.parse_args(argv)
    large = median_of([ms_per_week(lambda: _network(*LARGE, scaled=True), args.warmup, args.steps)
                       for _ in range(args.reps)])
    small = median_of([ms_per_week(lambda: NetworkModel(rng=1), 0, DEFAULT_STEPS)
                       for _ in range(args.reps)])
    print(f"CPU ms per week (median of {args.reps})")
    print(f"{'':>20} {LARGE[0] * LARGE[1]:>12} {'default (24)':>12}")
    for name in (*PROCESSES, REPORTER, "step"):
        label = "whole step" if name == "step" else name
        print(f"{label:>20} {large[name]:>12.4f} {small[name]:>12.4f}")


if __name__ == "__main__":
    main()
