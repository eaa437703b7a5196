"""``verkosto patterns``: the pattern scorecard (P1-P14) of a network, with knockouts.

``verkosto patterns [SCENARIO_OR_FILE] [--set KEY=VALUE ...] [--only P1,P5]
[--replications N] [--steps WEEKS] [--seed INT] [--workers N] [--knockouts] [--out DIR]
[-q]``
checks every pattern of ``docs/ODD.md`` on the network given, each pattern's
arms built from it and scaled to its size (:mod:`experiments.patterns`), and
writes into DIR:

- ``patterns.json``: ``{"patterns": [{"id", "title", "held", "statistic",
  "criterion"}, ...], "knockouts": [{"pattern", "mechanism", "overrides",
  "held", "expected_to_break", "as_marked"}, ...]}`` (a knockout should not hold,
  except one of redundant mechanisms, run alone to show the redundancy:
  ``expected_to_break`` false; ``as_marked`` says whether it came out so);
- ``patterns.md``: the same as readable tables.

It prints the table and exits 0 once the scorecard is computed, whatever it
found; bad input exits 2 with one line on stderr, before anything is run or
written. The files are written into a hidden temporary directory beside DIR
and renamed into place (as ``verkosto run`` does).
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path
from typing import Any

from verkosto.argtypes import DEFAULT_WORKERS, MAX_WEEKS, number
from verkosto.errors import InputError

DEFAULT_OUT = Path("out/patterns")
GENERATOR = "verkosto patterns"
PATTERNS_JSON = "patterns.json"
PATTERNS_MD = "patterns.md"
OUTPUT_FILES = (PATTERNS_JSON, PATTERNS_MD)
HELP_WIDTH = 80


def register(subparsers: Any) -> None:
    """Add the ``patterns`` subcommand to the ``verkosto`` command line.

    Args:
        subparsers: The object returned by ``ArgumentParser.add_subparsers``.
    """
    from verkosto.cmd_run import DEFAULT_SCENARIO
    from verkosto.i18n import _

    parser = subparsers.add_parser(
        "patterns",
        help=_("check the patterns P1-P14 over replications (the pattern scorecard)"),
        description=textwrap.fill(_(
            "Check the patterns the model must reproduce (P1-P14, docs/ODD.md) on a network: "
            "each pattern's arms are built from the scenario and scaled to its size, run over "
            "replications, and judged by the pattern's criterion with its statistical margin. "
            "With --knockouts every pattern is also run with the mechanism that produces it "
            "switched off, which should break it. Writes patterns.json and patterns.md and "
            "prints the table; exit status 0 whatever the scorecard found, 2 on bad input."),
            HELP_WIDTH),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "scenario", nargs="?", default=DEFAULT_SCENARIO, metavar="SCENARIO_OR_FILE",
        help=_("a shipped scenario name or a path to a scenario .toml file "
               "(default: {default})").format(default=DEFAULT_SCENARIO))
    parser.add_argument("--set", action="append", default=[], dest="sets", metavar="KEY=VALUE",
                        help=_("override one parameter of the base network (as for 'verkosto "
                               "run'); repeatable"))
    parser.add_argument("--only", metavar="IDS",
                        help=_("check only these patterns, comma-separated, e.g. --only "
                               "P1,P5"))
    parser.add_argument("--replications", type=number(2, integer=True), default=None,
                        metavar="N",
                        help=_("replications per arm (default: each pattern's own, 8 to 12)"))
    parser.add_argument("--steps", type=number(2, MAX_WEEKS, integer=True), default=None, metavar="WEEKS",
                        help=_("weeks per run (default: each pattern's own, 104 or 156)"))
    parser.add_argument("--seed", type=number(0, integer=True), default=None, metavar="INT",
                        help=_("master seed; the same seed gives the same scorecard"))
    parser.add_argument("--workers", type=number(1, integer=True), default=DEFAULT_WORKERS,
                        metavar="N",
                        help=_("local worker processes; 1 runs in this process (default: "
                               "{default}). The results do not depend on it").format(
                                   default=DEFAULT_WORKERS))
    parser.add_argument("--knockouts", action="store_true",
                        help=_("also run each pattern with its mechanism switched off"))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
                        help=_("output directory (default: {default}); replaced if it holds "
                               "only an earlier scorecard, refused if it holds anything "
                               "else").format(default=DEFAULT_OUT))
    parser.add_argument("-q", "--quiet", action="store_true", help=_("no progress lines on stderr"))
    parser.set_defaults(func=handle)


def parse_only(text: str | None, option: str = "--only") -> list[str] | None:
    """Pattern ids from ``--only`` (or another ``option``: ``verkosto ensemble --patterns``),
    checked against the scorecard's patterns.

    Raises:
        InputError: An empty list or an unknown id.
    """
    if text is None:
        return None
    from experiments.patterns import PATTERN_IDS
    from verkosto.i18n import _

    ids = [x.strip().upper() for x in text.split(",") if x.strip()]
    if not ids:
        raise InputError(_("{option}: give pattern ids, e.g. {option} P1,P5").format(
            option=option))
    unknown = [x for x in ids if x not in PATTERN_IDS]
    if unknown:
        raise InputError(_("{option}: unknown pattern {ids}; the patterns are {known}").format(
            option=option, ids=", ".join(unknown), known=", ".join(PATTERN_IDS)))
    return ids


def _is_previous(directory: Path) -> bool:
    """Whether ``directory`` holds nothing but an earlier scorecard's files."""
    entries = {entry.name for entry in directory.iterdir()}
    if not entries <= set(OUTPUT_FILES) or PATTERNS_JSON not in entries:
        return False
    try:
        data = json.loads((directory / PATTERNS_JSON).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(data, dict) and set(data) == {"patterns", "knockouts"}


def check_output_dir(out: Path) -> None:
    """Refuse an output directory that cannot be written or must not be replaced: the checks
    of ``verkosto run`` (:func:`verkosto.cmd_run.check_output_dir`), where an earlier
    scorecard may be replaced.
    """
    from verkosto.cmd_run import check_output_dir as check

    check(out, is_previous=_is_previous, generator=GENERATOR)


def load_base(scenario_name: str, sets: list[str]) -> tuple[str, Any]:
    """The base network: a scenario or file with ``--set`` applied (checked as by ``run``).

    Returns:
        The scenario's name and the parameters.

    Raises:
        InputError: A bad ``--set``.
        scenarios.ScenarioError: The scenario cannot be found or validated.
    """
    import scenarios
    from model.params import ParameterError
    from verkosto import i18n
    from verkosto.cmd_run import parse_sets
    from verkosto.i18n import _

    scenario = scenarios.info(scenario_name)
    overrides = parse_sets(sets)
    try:
        return scenario.name, scenario.params.replace(**overrides)
    except ParameterError as error:  # a cross-parameter check
        raise InputError(_("--set: {error} (after applying the scenario '{name}')").format(
            error=i18n.error_text(error), name=scenario.name)) from None


def handle(args: argparse.Namespace) -> int:
    """Handle ``verkosto patterns``.

    Args:
        args: Parsed arguments.

    Returns:
        Exit status 0 once the scorecard is computed.

    Raises:
        InputError: Bad input; nothing has been run or written.
        scenarios.ScenarioError: The scenario cannot be found or validated.
        model.params.ParameterError: A pattern's arm cannot be built from this base
            (raised before anything is run).
    """
    only = parse_only(args.only)
    name, base = load_base(args.scenario, args.sets)
    check_output_dir(args.out)
    from experiments.patterns import DEFAULT_SEED, run_scorecard

    seed = DEFAULT_SEED if args.seed is None else args.seed
    card = run_scorecard(base, only=only, replications=args.replications, steps=args.steps,
                         seed=seed, workers=args.workers, knockouts=args.knockouts,
                         progress=sys.stderr.isatty() and not args.quiet)
    card.settings = {"base": name, **({"set": " ".join(args.sets)} if args.sets else {}),
                     **card.settings}
    write_outputs(args.out, card)
    print(card.table())
    from verkosto.i18n import _

    print(_("scorecard written to {files}").format(
        files=f"{args.out / PATTERNS_JSON}, {args.out / PATTERNS_MD}"))
    return 0


def write_outputs(out: Path, card: Any) -> None:
    """Write ``patterns.json`` and ``patterns.md`` into ``out`` atomically.

    Raises:
        InputError: The files cannot be written.
    """
    from verkosto.cmd_run import _absolute, _staging_directory
    from verkosto.i18n import _

    try:
        with _staging_directory(_absolute(out)) as staging:
            (staging / PATTERNS_JSON).write_text(
                json.dumps(card.to_json(), indent=2, allow_nan=False) + "\n", encoding="utf-8")
            (staging / PATTERNS_MD).write_text(card.markdown(), encoding="utf-8")
    except OSError as error:
        raise InputError(_("--out '{path}' cannot be written: {reason}").format(
            path=out, reason=error.strerror or error)) from None
