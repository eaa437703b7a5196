"""How long a Morris screening of the assumptions takes, from measured throughput.

Runs ``--sample`` runs of a screening spec's design (points spread evenly over
the design, each with its own seed, in this process, one at a time) and times
each; the estimate of the whole screening on ``--workers`` free cores is
``runs x mean seconds per run / workers`` (the sweep's batching keeps its own
overhead small). The first run is timed separately: it includes compiling the
model's kernels, which each worker pays once.

A finished screening's runs table holds each run's ``wall_time_s`` too:
``--from-runs DIR`` reads it instead of running anything (times measured under
whatever load the machine had then).

Usage::

    .venv/bin/python benchmarks/bench_screening.py screening_default [--sample 24] [--workers 2]
    .venv/bin/python benchmarks/bench_screening.py screening_default --from-runs out/screening_default
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def measure(spec_name: str, sample: int) -> tuple[float, list[float], int]:
    """(first run's seconds, the other runs' seconds, runs in the whole spec)."""
    from experiments.spec import SampleMethod, load_spec
    from experiments.sweep import simulate

    spec = load_spec(spec_name).with_method(SampleMethod.MORRIS)
    runs = spec.runs()
    picks = [runs[round(i * (len(runs) - 1) / max(sample, 1))] for i in range(sample + 1)]
    times = []
    for run in picks:
        t0 = time.perf_counter()
        simulate(spec.params_for(run), run.seed, spec.steps, False)
        times.append(time.perf_counter() - t0)
    return times[0], times[1:], len(runs)


def main(argv: list[str] | None = None) -> int:
    """Print the measured seconds per run and the estimated wall time of the screening."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("spec", help="screening spec (name of a shipped spec or a path)")
    parser.add_argument("--sample", type=int, default=24, help="runs to time (default 24)")
    parser.add_argument("--workers", type=int, default=2, help="cores of the estimate")
    parser.add_argument("--from-runs", type=Path, metavar="DIR",
                        help="use the wall_time_s of a finished screening's runs table")
    args = parser.parse_args(argv)
    if args.from_runs is not None:
        import pandas as pd

        times = pd.read_parquet(args.from_runs / "runs", columns=["wall_time_s"])["wall_time_s"]
        per_run, n_runs, first = float(times.mean()), len(times), None
    else:
        first, rest, n_runs = measure(args.spec, args.sample)
        per_run = sum(rest) / len(rest)
    estimate = n_runs * per_run / args.workers
    if first is not None:
        print(f"first run (compiles kernels): {first:.2f} s")
    print(f"{per_run:.3f} s per run; {n_runs} runs on {args.workers} cores: "
          f"about {estimate / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
