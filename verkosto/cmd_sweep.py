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
from verkosto.i18n import _, ngettext

EXIT_OK = 0
EXIT_RUNS_FAILED = 1
EXIT_ABORTED = 3
EXIT_INTERRUPTED = 130
"""Exit status after Ctrl+C (128 + SIGINT), as ``verkosto.cli`` returns it."""
"""Exit status when the executor failed mid-sweep (a worker died, the cluster went away)."""
SENSITIVITY_METHODS = ("morris", "sobol")
"""SALib methods of ``verkosto sensitivity`` (values of ``experiments.spec.SampleMethod``;
spelled out here so that ``verkosto --help`` does not import the model)."""


SPECS_PACKAGE = "experiments.specs"
"""Where the shipped specs live (read without importing the model)."""

CONFIRM_SECONDS = 86400.0
"""A sweep estimated to take longer than this (one day on this machine) needs --yes."""


def shipped_spec_names() -> list[str]:
    """Names of the shipped specs, for the help text (cheap: no model import)."""
    from importlib import resources

    files = resources.files(SPECS_PACKAGE).iterdir()
    return sorted(f.name.removesuffix(".toml") for f in files
                  if f.name.endswith(".toml") and f.name != "example.toml")


def _add_spec_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--replications", type=number(1, integer=True), metavar="N",
                        help=_("runs per point instead of the spec's (scale a shipped spec "
                               "without copying it; a larger N extends a finished sweep in "
                               "the same --out)"))
    parser.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                        help=_("fix one parameter, added to the spec's [set] (repeatable; "
                               "VALUE as in 'verkosto run --set')"))
    parser.add_argument("--yes", action="store_true",
                        help=_("start even when the sweep is estimated to take more than a "
                               "day"))


def _add_execution_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help=_("sweep directory: DIR/runs and DIR/timeseries (Parquet), "
                               "DIR/manifest.json; running again resumes"))
    parser.add_argument("--workers", type=number(1, integer=True), metavar="N",
                        help=_("local worker processes (default: one per core; 1 runs in "
                               "this process)"))
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help=_("run on a Dask cluster, e.g. tcp://10.0.0.5:8786 "
                               "(needs pip install 'verkosto[dask]')"))
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help=_("progress bar on stderr (default: when stderr is a terminal)"))


def _shipped_specs_text() -> str:
    return _("Shipped specs (run by name): {names}.").format(
        names=", ".join(shipped_spec_names()))


def register(subparsers: Any) -> None:
    """Add the ``sweep`` and ``sensitivity`` subcommands."""
    sweep = subparsers.add_parser(
        "sweep", help=_("run a parameter sweep with replications (Parquet, resumable)"),
        description=_("Run every run of a sweep spec (a grid or a sample of parameters, with "
                      "replications) on local processes or a Dask cluster, storing tidy "
                      "Parquet tables. Running the same command again resumes. Exit status: "
                      "0 all runs ok, 1 some runs failed (recorded), 2 bad input, 3 executor "
                      "failure (rerun to resume)."),
        epilog=lambda: _("Start from 'verkosto sweep --example > my.toml'.") + " "
                       + _shipped_specs_text())
    sweep.add_argument("spec", nargs="?", metavar="SPEC",
                       help=_("sweep spec TOML file, or the name of a shipped spec"))
    sweep.add_argument("--example", action="store_true",
                       help=_("print a commented example spec and exit"))
    _add_spec_options(sweep)
    _add_execution_options(sweep)
    sweep.add_argument("--runs-per-task", type=number(1, integer=True), metavar="N",
                       help=_("runs per task (default: measured, about 1 s of work per task)"))
    sweep.add_argument("--csv", action="store_true",
                       help=_("also write DIR/runs.csv, DIR/timeseries.csv and DIR/points.csv "
                              "(DIR/points.parquet, per-point means and SDs, is always "
                              "written)"))
    sweep.set_defaults(func=_sweep)

    sens = subparsers.add_parser(
        "sensitivity", help=_("Morris or Sobol sensitivity indices of a spec's [sample]"),
        epilog=_shipped_specs_text,
        description=_("Run the SALib design (Morris or Sobol) over the parameters and bounds "
                      "of a spec's [sample], with its replications, and write the indices of "
                      "its outcome measures with confidence intervals: DIR/indices.csv, "
                      "DIR/indices.parquet and DIR/indices.png. Exit status as for sweep."))
    sens.add_argument("spec", metavar="SPEC", help=_("spec TOML file or shipped spec name"))
    sens.add_argument("--method", choices=SENSITIVITY_METHODS, default=SENSITIVITY_METHODS[0],
                      help=_("SALib method (default: {method})").format(
                          method=SENSITIVITY_METHODS[0]))
    _add_spec_options(sens)
    _add_execution_options(sens)
    sens.set_defaults(func=_sensitivity)


def _load(args: argparse.Namespace) -> Any:
    from experiments.spec import SpecError, load_spec

    if args.spec is None:
        raise InputError(_("give a SPEC file (or --example to print one)"))
    if args.out is None:
        raise InputError(_("--out DIR is required"))
    from verkosto.cmd_budget import parse_sets_with_hint

    # Checked here, as run's --set is, so that a bad value names --set and not the spec
    # file it is added to (the spec loader would word it as a line of that file).
    sets = parse_sets_with_hint(args.sets)
    try:
        return load_spec(args.spec, replications=args.replications, sets=sets)
    except SpecError as error:
        raise _blamed_on_sets(args, sets, error) or InputError(str(error)) from None


def _blamed_on_sets(args: argparse.Namespace, sets: dict[str, Any],
                    error: Exception) -> InputError | None:
    """The refusal of a spec that is valid without ``--set`` but not with it, naming --set
    (it said "SPEC: [set]: ..." as though the file broke a cross-parameter rule); ``None``
    when the spec is refused without ``--set`` too, or there is none: the file is to blame.
    """
    from experiments.spec import SpecError, load_spec
    from model.params import ParameterError
    from verkosto import i18n

    if not sets:
        return None
    try:
        alone = load_spec(args.spec, replications=args.replications)
    except SpecError:
        return None
    if not set(sets) & set(alone.varied):  # else "fixed and varied" is the spec's word
        try:
            alone.base_params.replace(**sets)
        except ParameterError as rule:  # a cross-parameter check, worded as run words it
            return InputError(_("--set: {error} (after applying the spec '{name}')").format(
                error=i18n.error_text(rule), name=args.spec))
    # e.g. a grid point that breaks a rule only with the value given with --set
    return InputError(_("--set: {error}").format(error=error))


def _plan(spec: Any, args: argparse.Namespace, simulate_fn: Any = None) -> None:
    """Print the sweep's size, what is stored and its estimated cost; ask for --yes beyond a day."""
    from experiments.sweep import duration, plan_sweep
    from verkosto.i18n import numeral

    def before_trial() -> None:
        print(_("timing a short trial run to estimate the sweep's cost…"), file=sys.stderr,
              flush=True)

    plan = _execute(lambda: plan_sweep(spec, args.out, workers=args.workers,
                                       scheduler=args.scheduler,
                                       runs_per_task=getattr(args, "runs_per_task", None),
                                       simulate_fn=simulate_fn, before_trial=before_trial,
                                       csv=getattr(args, "csv", False)))
    print(plan.line(), flush=True)
    if plan.seconds > CONFIRM_SECONDS and not args.yes:
        raise InputError(ngettext(
            "this sweep would take about {duration} on this machine ({n} run to do): check "
            "'replications' and the design (--replications N scales it), or give --yes to "
            "start it anyway",
            "this sweep would take about {duration} on this machine ({n} runs to do): check "
            "'replications' and the design (--replications N scales it), or give --yes to "
            "start it anyway", plan.pending).format(
                duration=duration(plan.seconds), n=numeral(f"{plan.pending:,}")))


def _execute(action: Any, *, storing: bool = False) -> Any:
    """Run ``action``, turning bad input into InputError and executor breakdowns into exit 3;
    with ``storing`` (the sweep's runs are being stored), Ctrl+C into exit 130 and how to
    resume.
    """
    from experiments.spec import SpecError
    from experiments.store import StoreError
    from experiments.sweep import ExecutorError, SweepAborted

    try:
        return action()
    except (SpecError, StoreError, ExecutorError) as error:
        raise InputError(str(error)) from None
    except KeyboardInterrupt:
        if not storing:
            raise
        # Not only "interrupted": the runs finished are stored, and the user may not know.
        print("verkosto: " + _("interrupted; the runs finished so far are stored: run the "
                               "same command again to resume"), file=sys.stderr)
        return EXIT_INTERRUPTED
    except SweepAborted as error:
        print("verkosto: " + _("sweep aborted, the executor broke down ({reason}); finished "
                               "runs are stored: run the same command again to "
                               "resume").format(reason=error), file=sys.stderr)
        return EXIT_ABORTED


def _sweep(args: argparse.Namespace) -> int:
    from experiments.spec import example_text

    if args.example:
        sys.stdout.write(example_text())
        return EXIT_OK
    spec = _load(args)
    from experiments.points import write_tables
    from experiments.sweep import run_sweep

    _plan(spec, args)
    summary = _execute(lambda: run_sweep(spec, args.out, workers=args.workers,
                                         scheduler=args.scheduler,
                                         runs_per_task=getattr(args, "runs_per_task", None),
                                         progress=args.progress), storing=True)
    if isinstance(summary, int):
        return summary
    written = write_tables(args.out, spec.varied, csv=args.csv)
    print(_("tables: {paths} (points: mean and SD across replications of every "
            "measure)").format(paths=", ".join(str(p) for p in written)))
    print(summary.line())
    return EXIT_RUNS_FAILED if summary.failed else EXIT_OK


def _sensitivity(args: argparse.Namespace) -> int:
    spec = _load(args)
    from experiments.sensitivity import AnalysisError, run_sensitivity
    from experiments.spec import SampleMethod

    if spec.sample is not None:
        _plan(_execute(lambda: spec.with_method(SampleMethod(args.method))), args)

    try:
        result = _execute(lambda: run_sensitivity(spec, args.method, args.out,
                                                  workers=args.workers,
                                                  scheduler=args.scheduler,
                                                  progress=args.progress),
                          storing=True)
    except AnalysisError as error:
        print("verkosto: " + _("sensitivity: {reason}").format(reason=error), file=sys.stderr)
        return EXIT_RUNS_FAILED
    if isinstance(result, int):
        return result
    from experiments.sensitivity import CLIP_NOTE, ranking_text

    print(result.sweep.line())
    print(ranking_text(result.indices))
    if result.indices["clipped"].any():
        print(_("note: {text}").format(text=_(CLIP_NOTE)))
    paths = [str(p) for p in result.table_paths]
    tables = _("{first} and {last}").format(first=", ".join(paths[:-1]), last=paths[-1]) \
        if len(paths) > 1 else paths[0]
    failed = result.sweep.failed
    line = _("sensitivity: indices in {tables}, figure {figure}").format(
        tables=tables, figure=result.figure_path)
    if failed:
        line += "; " + ngettext("{n} run failed", "{n} runs failed", failed).format(n=failed)
    print(line)
    return EXIT_RUNS_FAILED if result.sweep.failed else EXIT_OK
