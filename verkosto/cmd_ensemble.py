"""``verkosto ensemble --samples N --out FILE``: the plausible ensemble, regenerated.

Draws N parameter sets from the plausible ranges of every uncertain parameter
(a seeded Latin hypercube), judges each with the cheap pattern scorecard and
keeps those that reproduce every pattern holding at the defaults
(:mod:`experiments.ensemble`). Writes the table, one row per set drawn with its
verdicts and a line of metadata, through a temporary file and an atomic rename,
and prints how many sets passed each pattern and all of them. The table shipped
with the package (``experiments/data/ensemble.csv``) is what ``verkosto budget
--uncertainty`` and ``verkosto compare --uncertainty`` read unless told otherwise.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path
from typing import Any

from verkosto.argtypes import DEFAULT_WORKERS, number
from verkosto.errors import InputError
from verkosto.i18n import _, ngettext

MAX_SAMPLES = 100_000
"""Most parameter sets one command draws: the shipped table's 1,600 took 2,300 s (its
metadata), so this is some 40 hours of work; 10**8 sets asked for 76 GiB for the design alone
and died with a MemoryError traceback."""


def register(subparsers: Any) -> None:
    """Add the ``ensemble`` subcommand."""
    from experiments.defaults import ENSEMBLE_SEED as DEFAULT_SEED
    from experiments.defaults import SCREEN_REPLICATIONS

    parser = subparsers.add_parser(
        "ensemble", help=_("draw plausible parameter sets and keep those that reproduce the "
                           "patterns"),
        description=_("Draw parameter sets from the plausible range of every uncertain "
                      "parameter (Latin hypercube), judge each with a cheap pattern scorecard "
                      "and keep those that reproduce every pattern holding at the defaults "
                      "(pattern-oriented filtering). Writes the table of every set drawn, "
                      "with its verdicts, to FILE."))
    parser.add_argument("--samples", required=True, metavar="N",
                        type=number(1, MAX_SAMPLES, integer=True),
                        help=_("parameter sets to draw (at most {n})").format(n=MAX_SAMPLES))
    parser.add_argument("--out", required=True, metavar="FILE", type=Path,
                        help=_("the table to write (CSV with a first line of metadata)"))
    parser.add_argument("--seed", metavar="INT", default=DEFAULT_SEED,
                        type=number(0, integer=True),
                        help=_("seed of the design and the scorecard (default {seed})").format(
                            seed=DEFAULT_SEED))
    parser.add_argument("--replications", metavar="N", default=SCREEN_REPLICATIONS,
                        type=number(2, integer=True),
                        help=_("replications per arm of the cheap scorecard (default "
                               "{n})").format(n=SCREEN_REPLICATIONS))
    parser.add_argument("--workers", metavar="N", default=DEFAULT_WORKERS,
                        type=number(1, integer=True),
                        help=_("worker processes (default {n})").format(n=DEFAULT_WORKERS))
    parser.add_argument("--patterns", metavar="IDS",
                        help=_("filter on these patterns only, comma-separated (default: every "
                               "pattern that holds at the defaults)"))
    parser.add_argument("--reuse", metavar="FILE", type=Path,
                        help=_("take the verdicts of an earlier table of the same samples, seed "
                               "and replications instead of running them again"))
    parser.add_argument("-q", "--quiet", action="store_true", help=_("no progress lines on stderr"))
    parser.set_defaults(func=run)


def check_out_file(out: Path) -> None:
    """Refuse an ``--out`` that is a directory, a file that is not an earlier table, or a
    path under a file or an unwritable directory.

    Raises:
        InputError: The file must not be replaced.
    """
    from experiments.ensemble import FORMAT

    if out.is_dir():
        raise InputError(_("--out {path}: is a directory; give a file name").format(path=out))
    if out.exists():
        try:
            with out.open(encoding="utf-8") as handle:
                first = handle.readline()
        except (OSError, UnicodeDecodeError):
            first = ""
        if FORMAT not in first:
            raise InputError(_("--out {path}: exists and is not an ensemble table; give a new "
                               "file name").format(path=out))
    # Checked before the sets are judged, which can take hours, not after.
    ancestor = out.absolute().parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise InputError(_("--out {path}: cannot be created: {ancestor} is not a "
                           "directory").format(path=out, ancestor=ancestor))
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise InputError(_("--out {path}: cannot be created: no permission to write "
                           "in {ancestor}").format(path=out, ancestor=ancestor))


def run(args: argparse.Namespace) -> int:
    """Handle ``verkosto ensemble``."""
    check_out_file(args.out)
    import numpy as np

    from experiments import ensemble as e
    from experiments.patterns import local_executor
    from verkosto.cmd_patterns import parse_only

    patterns = parse_only(args.patterns, "--patterns")
    words = ["verkosto", "ensemble", "--samples", str(args.samples), "--out", str(args.out),
             "--seed", str(args.seed), "--replications", str(args.replications)]
    if patterns:
        words += ["--patterns", ",".join(patterns)]
    command = shlex.join(words)
    screen = e.ScreenScorecard(args.replications,
                               int(np.random.SeedSequence(args.seed).generate_state(1)[0]))
    reuse = None
    if args.reuse is not None:
        try:
            reuse = e.load_table(args.reuse)
        except e.EnsembleError as error:
            raise InputError(_("--reuse {path}: cannot be used: {reason}").format(
                path=args.reuse, reason=error)) from None

    def progress(done: int, total: int) -> None:
        if not args.quiet:
            print(_("  {done}/{total} parameter sets judged").format(done=done, total=total),
                  file=sys.stderr, flush=True)

    try:
        with local_executor(args.workers) as pool:
            screening = e.build(args.samples, args.seed, screen=screen, executor=pool,
                                command=command, progress=progress, patterns=patterns,
                                reuse=reuse)
    except e.EnsembleError as error:
        raise InputError(str(error)) from None
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        e.write_table(screening, args.out)
    except OSError as error:
        raise InputError(_("--out '{path}' cannot be written: {reason}").format(
            path=args.out, reason=error.strerror or error)) from None
    print(summary_text(screening.metadata))
    print(_("wrote {path}").format(path=args.out))
    return 0


def summary_text(meta: dict[str, Any]) -> str:
    """How many sets passed each pattern and all of them, in plain words."""
    samples = meta["samples"]
    drawn = ngettext("{samples} parameter set drawn in {seconds:.0f} s",
                     "{samples} parameter sets drawn in {seconds:.0f} s", samples).format(
        samples=samples, seconds=meta["seconds"])
    kept = ngettext("{kept} reproduces every pattern filtered on ({patterns}), each of which "
                    "holds at the defaults.",
                    "{kept} reproduce every pattern filtered on ({patterns}), each of which "
                    "holds at the defaults.", meta["kept"]).format(
        kept=meta["kept"], patterns=", ".join(meta["patterns"]))
    lines = [f"{drawn}; {kept}"]
    at_defaults = meta.get("patterns_at_defaults", {})
    failing = [pid for pid, held in at_defaults.items() if not held]
    if failing:
        lines.append(_("Not filtered on (they fail at the defaults too): {ids}.").format(
            ids=", ".join(failing)))
    unused = [pid for pid, held in at_defaults.items() if held and pid not in meta["patterns"]]
    if unused:
        lines.append(_("Not filtered on (left out with --patterns): {ids}.").format(
            ids=", ".join(unused)))
    lines.append(_("Sets that reproduce each pattern (checked in this order; a set is "
                   "rejected at its first failure):"))
    for pid, count in meta["pass_counts"].items():
        lines.append("  " + _("{id}: {passed} of {checked} checked").format(
            id=pid, passed=count["passed"], checked=count["checked"]))
    if meta["valid"] < samples:
        lines.append(_("{n} set(s) could not be built on the defaults and were dropped.").format(
            n=samples - meta["valid"]))
    return "\n".join(lines)
