"""``verkosto sweep`` and ``verkosto sensitivity``: many runs, stored as Parquet.

Exit status of both: 0 when every run succeeded; 1 when some runs failed
(they are recorded with their error in the runs table and the final line
says how many); 2 on bad input (a bad spec, an ``--out`` directory holding
another spec's sweep, an unreachable scheduler) before anything is run or
written; 3 when the executor broke down mid-sweep (what finished is stored:
run the same command again to resume).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from verkosto.argtypes import number
from verkosto.errors import InputError

EXIT_OK = 0
EXIT_RUNS_FAILED = 1
EXIT_ABORTED = 3
"""Exit status when the executor failed mid-sweep (a worker died, the cluster went away)."""
SENSITIVITY_METHODS = ("morris", "sobol")
"""SALib methods of ``verkosto sensitivity`` (values of ``experiments.spec.SampleMethod``;
spelled out here so that ``verkosto --help`` does not import the model)."""


def _add_execution_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="sweep directory: DIR/runs and DIR/timeseries (Parquet), "
                             "DIR/manifest.json; running again resumes")
    parser.add_argument("--workers", type=number(1, integer=True), metavar="N",
                        help="local worker processes (default: one per core; 1 runs in "
                             "this process)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="run on a Dask cluster, e.g. tcp://10.0.0.5:8786 "
                             "(needs pip install 'verkosto[dask]')")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="progress bar on stderr (default: when stderr is a terminal)")


def register(subparsers: Any) -> None:
    """Add the ``sweep`` and ``sensitivity`` subcommands."""
    sweep = subparsers.add_parser(
        "sweep", help="run a parameter sweep with replications (Parquet, resumable)",
        description="Run every run of a sweep spec (a grid or a sample of parameters, with "
                    "replications) on local processes or a Dask cluster, storing tidy "
                    "Parquet tables. Running the same command again resumes. Exit status: "
                    "0 all runs ok, 1 some runs failed (recorded), 2 bad input, 3 executor "
                    "failure (rerun to resume).",
        epilog="Start from 'verkosto sweep --example > my.toml'. Shipped specs: "
               "budget_roles, meetings_facilitation, leadership_openness, turnover_time.")
    sweep.add_argument("spec", nargs="?", metavar="SPEC",
                       help="sweep spec TOML file, or the name of a shipped spec")
    sweep.add_argument("--example", action="store_true",
                       help="print a commented example spec and exit")
    _add_execution_options(sweep)
    sweep.add_argument("--runs-per-task", type=number(1, integer=True), metavar="N",
                       help="runs per task (default: measured, about 1 s of work per task)")
    sweep.set_defaults(func=_sweep)

    sens = subparsers.add_parser(
        "sensitivity", help="Morris or Sobol sensitivity indices of a spec's [sample]",
        description="Run the SALib design (Morris or Sobol) over the parameters and bounds of "
                    "a spec's [sample], with its replications, and write the indices of its "
                    "outcome measures with confidence intervals: DIR/indices.csv, "
                    "DIR/indices.parquet and DIR/indices.png. Exit status as for sweep.")
    sens.add_argument("spec", metavar="SPEC", help="spec TOML file or shipped spec name")
    sens.add_argument("--method", choices=SENSITIVITY_METHODS, default=SENSITIVITY_METHODS[0],
                      help="SALib method (default: morris)")
    _add_execution_options(sens)
    sens.set_defaults(func=_sensitivity)


def _load(spec_arg: str | None, out: Path | None) -> Any:
    from experiments.spec import SpecError, load_spec

    if spec_arg is None:
        raise InputError("give a SPEC file (or --example to print one)")
    if out is None:
        raise InputError("--out DIR is required")
    try:
        return load_spec(spec_arg)
    except SpecError as error:
        raise InputError(str(error)) from None


def _execute(action: Any) -> Any:
    """Run ``action``, turning bad input into InputError and executor breakdowns into exit 3."""
    from experiments.spec import SpecError
    from experiments.store import StoreError
    from experiments.sweep import ExecutorError, SweepAborted

    try:
        return action()
    except (SpecError, StoreError, ExecutorError) as error:
        raise InputError(str(error)) from None
    except SweepAborted as error:
        print(f"verkosto: sweep aborted, the executor broke down ({error}); finished runs "
              "are stored: run the same command again to resume", file=sys.stderr)
        return EXIT_ABORTED


def _sweep(args: argparse.Namespace) -> int:
    from experiments.spec import example_text

    if args.example:
        sys.stdout.write(example_text())
        return EXIT_OK
    spec = _load(args.spec, args.out)
    from experiments.sweep import run_sweep

    summary = _execute(lambda: run_sweep(spec, args.out, workers=args.workers,
                                         scheduler=args.scheduler,
                                         runs_per_task=args.runs_per_task,
                                         progress=args.progress))
    if isinstance(summary, int):
        return summary
    print(summary.line())
    return EXIT_RUNS_FAILED if summary.failed else EXIT_OK


def _sensitivity(args: argparse.Namespace) -> int:
    spec = _load(args.spec, args.out)
    from experiments.sensitivity import AnalysisError, run_sensitivity

    try:
        result = _execute(lambda: run_sensitivity(spec, args.method, args.out,
                                                  workers=args.workers,
                                                  scheduler=args.scheduler,
                                                  progress=args.progress))
    except AnalysisError as error:
        print(f"verkosto: sensitivity: {error}", file=sys.stderr)
        return EXIT_RUNS_FAILED
    if isinstance(result, int):
        return result
    from experiments.sensitivity import CLIP_NOTE, ranking_text

    print(result.sweep.line())
    print(ranking_text(result.indices))
    if result.indices["clipped"].any():
        print(f"note: {CLIP_NOTE}")
    tables = " and ".join(str(p) for p in result.table_paths)
    failed = f"; {result.sweep.failed} runs failed" if result.sweep.failed else ""
    print(f"sensitivity: indices in {tables}, figure {result.figure_path}{failed}")
    return EXIT_RUNS_FAILED if result.sweep.failed else EXIT_OK
