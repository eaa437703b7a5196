"""``verkosto compare A B [...]``: scenarios side by side.

Runs each scenario ``--replications`` times with the same seeds and prints
each outcome's probability with its Wilson interval; writes
``DIR/compare_outcomes.csv`` (tidy), ``DIR/compare_timeseries.parquet`` and
the figures ``DIR/compare_outcomes`` and ``DIR/compare_timeseries`` (median
and interquartile band of the main reporters) as PNG and SVG. With
``--uncertainty`` it reruns the comparison on members of the plausible ensemble
and writes ``DIR/compare_uncertainty.csv`` (:mod:`verkosto.uncertainty`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from verkosto import uncertainty
from verkosto.argtypes import DEFAULT_WORKERS, MAX_WEEKS, OPEN_PROBABILITY, number
from verkosto.errors import InputError
from verkosto.i18n import _

DEFAULT_OUT = Path("out") / "compare"
"""Output directory when ``--out`` is not given."""


DEFAULT_SEED = 20240
"""Master seed when ``--seed`` is not given."""

MIN_SCENARIOS = 2
OUTCOMES_FILE = "compare_outcomes.csv"
MEASURES_FILE = "compare_measures.csv"
TIMESERIES_FILE = "compare_timeseries.parquet"


def register(subparsers: Any) -> None:
    """Add the ``compare`` subcommand."""
    from analysis import defaults as d
    from verkosto.i18n import _

    parser = subparsers.add_parser(
        "compare", help=_("put scenarios side by side: outcome probabilities and time series"),
        description=_("Run each scenario with the same seeds and compare how their networks "
                      "end (probability of each outcome with its interval) and develop "
                      "(median and middle half of the main time series)."))
    parser.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                        help=_("two or more scenario names (see 'verkosto scenarios') or TOML "
                               "paths"))
    parser.add_argument("--replications", type=number(2, d.MAX_REPLICATIONS, integer=True),
                        default=d.COMPARE_REPLICATIONS, metavar="N",
                        help=_("runs per scenario (default {default}, at most {most})").format(
                            default=d.COMPARE_REPLICATIONS, most=d.MAX_REPLICATIONS))
    parser.add_argument("--steps", type=number(1, MAX_WEEKS, integer=True), default=None, metavar="WEEKS",
                        help=_("weeks per run (default: three years)"))
    parser.add_argument("--seed", type=number(0, integer=True), default=DEFAULT_SEED, metavar="INT",
                        help=_("master seed (default {default})").format(default=DEFAULT_SEED))
    parser.add_argument("--confidence", type=OPEN_PROBABILITY, default=d.INTERVAL_CONFIDENCE,
                        metavar="C", help=_("two-sided confidence of intervals "
                                            "(default {default})").format(
                                                default=f"{d.INTERVAL_CONFIDENCE:g}"))
    parser.add_argument("--workers", type=number(1, integer=True), default=DEFAULT_WORKERS, metavar="N",
                        help=_("worker processes (default {default})").format(
                            default=DEFAULT_WORKERS))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
                        help=_("output directory (default {default})").format(
                            default=DEFAULT_OUT))
    parser.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                        help=_("override one parameter in every scenario, as in 'verkosto "
                               "run' (repeatable)"))
    uncertainty.add_arguments(parser, robustness=False)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Handle ``verkosto compare``."""
    if len(args.scenarios) < MIN_SCENARIOS:
        raise InputError(_("compare needs at least {n} scenarios, got {got} ({names})").format(
            n=MIN_SCENARIOS, got=len(args.scenarios), names=", ".join(args.scenarios)))
    twice = sorted({s for s in args.scenarios if args.scenarios.count(s) > 1})
    if twice:
        raise InputError(_("scenario(s) given more than once: {names}").format(
            names=", ".join(twice)))
    from verkosto.cmd_budget import (
        check_out,
        check_steps,
        override_notes,
        parse_sets_with_hint,
        setting_text,
    )

    check_out(args.out, OUTCOMES_FILE, "compare")
    members = uncertainty.prepare(args)

    import scenarios
    from analysis.compare import (
        compare,
        difference_table,
        final_values,
        for_people,
        measure_difference_table,
        summary_table,
    )
    from analysis.figures import save
    from analysis.text import count, pct
    from experiments.sweep import open_executor
    from model import DEFAULT_STEPS
    from model.params import ParameterError
    from verkosto import i18n
    from verkosto.cmd_run import _staging_directory
    from verkosto.i18n import ngettext

    # Load every scenario first: a bad one stops everything before any run.
    overrides = parse_sets_with_hint(args.sets)
    params = {}
    for name in args.scenarios:
        try:
            params[name] = scenarios.load(name).replace(**overrides)
        except ParameterError as error:
            raise InputError(_("--set: {error} (after applying the scenario '{name}')").format(
                error=i18n.error_text(error), name=name)) from None
    steps = args.steps or DEFAULT_STEPS
    check_steps(steps, params)
    for name in params:
        for note in override_notes(name, overrides):
            print(note, file=sys.stderr)
    labels = _labels(list(params))
    # The files keep the English titles whatever --lang says, as every machine-readable
    # output does (README, "Languages"): the same command writes the same tables.
    english = _labels(list(params), i18n.translator("en"))
    to_file = {labels[name]: english[name] for name in params}
    with open_executor(args.workers) as (executor, _slots):
        result = compare({labels[n]: p for n, p in params.items()}, args.replications, steps,
                         args.seed, mapper=executor.map)
        spread = (uncertainty.run_compare(args, members, params, labels, overrides, steps,
                                          executor) if members is not None else None)
    conf = args.confidence
    shares = None
    if spread is not None:
        from analysis.uncertainty import difference_shares

        shares = difference_shares(result, spread, conf)
    reference = result.scenarios[0]
    try:
        with _staging_directory(args.out) as staging:
            _in_english(result.outcomes(conf), to_file).to_csv(staging / OUTCOMES_FILE,
                                                               index=False)
            _in_english(result.measures(conf), to_file).to_csv(staging / MEASURES_FILE,
                                                               index=False)
            _in_english(result.timeseries_table(), to_file).to_parquet(
                staging / TIMESERIES_FILE, index=False)
            written = save(result.outcome_figure(conf), staging / "compare_outcomes")
            written += save(result.timeseries_figure(), staging / "compare_timeseries")
            if shares is not None:
                _in_english(shares, to_file).to_csv(staging / uncertainty.COMPARE_FILE,
                                                    index=False)
    except OSError as error:
        raise InputError(_("--out '{path}' cannot be written: {reason}").format(
            path=args.out, reason=error.strerror or error)) from None
    set_text = (" " + _("with {settings}").format(
        settings=", ".join(f"{k}={setting_text(v)}" for k, v in overrides.items())) if overrides else "")
    runs_text = ngettext("{n} run per scenario", "{n} runs per scenario",
                         args.replications).format(n=count(args.replications))
    weeks_text = ngettext("{n} week each", "{n} weeks each", steps).format(n=count(steps))
    print(_("Outcomes over {runs}, {weeks}{settings} (probability with {confidence} Wilson "
            "interval):").format(runs=runs_text, weeks=weeks_text, settings=set_text,
                                 confidence=pct(conf)))
    print(for_people(summary_table(result, conf)).to_string(index=False))
    print(_("Differences from '{reference}' in percentage points ({confidence} Newcombe "
            "interval; an interval that does not hold 0 is a difference beyond chance):").format(
                reference=reference, confidence=pct(conf)))
    print(for_people(difference_table(result, conf)).to_string(index=False))
    print(_("At the last week (median, middle half in brackets):"))
    print(for_people(final_values(result)).to_string(index=False))
    print(_("Differences of medians from '{reference}' at the last week ({confidence} paired "
            "bootstrap interval):").format(reference=reference, confidence=pct(conf)))
    print(for_people(measure_difference_table(result, conf)).to_string(index=False))
    if shares is not None:
        print(uncertainty.compare_text(shares, len(spread)))
    files = [OUTCOMES_FILE, MEASURES_FILE, TIMESERIES_FILE, *(p.name for p in written)]
    if shares is not None:
        files.append(uncertainty.COMPARE_FILE)
    print(_("wrote {files}").format(files=", ".join(str(args.out / f) for f in files)))
    return 0


def _labels(names: list[str], t: Any = None) -> dict[str, str]:
    """Each scenario's label: its title (in ``t``'s language, default the current one),
    with the file name added where two titles are the same.

    Raises:
        InputError: Two scenarios would still share a label.
    """
    import scenarios
    from verkosto import i18n

    labels = {name: i18n.scenario_title(scenarios.info(name), t) or name for name in names}
    clash = {label for label in labels.values() if list(labels.values()).count(label) > 1}
    labels = {name: f"{label} ({Path(name).stem})" if label in clash else label
              for name, label in labels.items()}
    clash = sorted({label for label in labels.values()
                    if list(labels.values()).count(label) > 1})
    if clash:
        raise InputError(f"scenarios would share the label(s) {', '.join(clash)}: give files "
                         "with different titles or names")
    return labels


def _in_english(table: Any, to_file: dict[str, str]) -> Any:
    """``table`` with its scenario labels (``scenario``, ``reference``) in English."""
    table = table.copy()
    for column in ("scenario", "reference"):
        if column in table.columns:
            table[column] = table[column].astype(str).map(lambda v: to_file.get(v, v))
    return table

