"""``verkosto budget SCENARIO --target P``: the smallest budget that gives a network a
good chance of success.

It finds the smallest monthly coordination budget at which the network
succeeds with probability P at the stated confidence (S28, P2). Success is
ending thriving, or, for a network that ends at its goal (a project or client
process), also ending completed; ``--success`` names other outcome classes.

The search (``analysis.budget``) adds replications where the answer is
uncertain and bisects over the budget; it prints the answer, the interval
where the probability crosses the target and what the money buys (coordinator
hours, rooms, coffee, travel, channels, and the participants' own hours as the
organisations' hidden cost). It writes ``DIR/budget.json`` and the figure
``DIR/budget.png``/``.svg``. When no budget up to ``--max`` suffices, it says
so and reruns at ``--max`` with other levers pulled (working time, turnover,
facilitation, structure, leadership, culture) to name what else limits the
network. With ``--uncertainty`` it also searches on members of the plausible
ensemble (:mod:`verkosto.uncertainty`) and adds ``parameter_uncertainty`` to
``budget.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from verkosto import i18n, uncertainty
from verkosto.argtypes import DEFAULT_WORKERS, MAX_WEEKS, OPEN_PROBABILITY, number
from verkosto.errors import InputError
from verkosto.i18n import _, ngettext

DEFAULT_OUT = Path("out") / "budget"
"""Output directory when ``--out`` is not given."""


DEFAULT_SEED = 20240
"""Master seed of the replications when ``--seed`` is not given."""

RESULT_FILE = "budget.json"
TABLE_FILE = "budget.csv"
FIGURE_STEM = "budget"
RUN_TOTALS = ("weeks_run", "spent_per_run", "hidden_cost_per_run")
"""The cost breakdown's per-run entries (``analysis.budget.cost_breakdown``): not per month."""


def register(subparsers: Any) -> None:
    """Add the ``budget`` subcommand."""
    from analysis import defaults as d

    parser = subparsers.add_parser(
        "budget", help=_("smallest monthly coordination budget that gives a network a good chance of "
               "success"),
        description=_("Find the smallest monthly coordination budget (EUR) at which the "
                      "probability that the network succeeds (ends thriving; for a project "
                      "or client process, also completed) reaches --target with the given "
                      "--confidence, by an adaptive search that spends replications near the "
                      "answer. Prints the answer, its interval and what the money buys; writes "
                      "DIR/budget.json and a figure of probability against budget."))
    parser.add_argument("scenario", metavar="SCENARIO",
                        help=_("scenario name (see 'verkosto scenarios') or path to a TOML "
                               "file"))
    parser.add_argument("--target", required=True, metavar="P",
                        type=OPEN_PROBABILITY,
                        help=_("target probability of success, between 0 and 1 (e.g. 0.8)"))
    parser.add_argument("--confidence", metavar="C", default=d.BUDGET_CONFIDENCE,
                        type=number(0.5, 1.0, open_low=True, open_high=True, probability=True),
                        help=_("one-sided confidence that the target is reached (default "
                               "{c})").format(c=f"{d.BUDGET_CONFIDENCE:g}"))
    parser.add_argument("--replications", metavar="N", default=d.BUDGET_REPLICATIONS,
                        type=number(2, d.MAX_REPLICATIONS, integer=True),
                        help=_("most runs at one budget (default {n}, at most {most})").format(
                            n=d.BUDGET_REPLICATIONS, most=d.MAX_REPLICATIONS))
    parser.add_argument("--max", dest="max_eur", metavar="EUR", default=d.BUDGET_MAX_EUR,
                        type=number(0.0, None, open_low=True),
                        help=_("largest monthly budget considered (default {eur})").format(
                            eur=f"{d.BUDGET_MAX_EUR:g}"))
    parser.add_argument("--resolution", metavar="EUR", default=d.BUDGET_RESOLUTION_EUR,
                        type=number(0.0, None, open_low=True),
                        help=_("precision of the answer in EUR/month (default {eur})").format(
                            eur=f"{d.BUDGET_RESOLUTION_EUR:g}"))
    parser.add_argument("--batch", metavar="N", default=d.BUDGET_BATCH,
                        type=number(1, None, integer=True),
                        help=_("runs added at a time at one budget (default {n})").format(
                            n=d.BUDGET_BATCH))
    parser.add_argument("--steps", metavar="WEEKS", default=None,
                        type=number(1, MAX_WEEKS, integer=True),
                        help=_("weeks per run (default: three years)"))
    parser.add_argument("--seed", metavar="INT", default=DEFAULT_SEED,
                        type=number(0, None, integer=True),
                        help=_("master seed of the replications (default {seed})").format(
                            seed=DEFAULT_SEED))
    parser.add_argument("--workers", metavar="N", default=DEFAULT_WORKERS,
                        type=number(1, None, integer=True),
                        help=_("worker processes (default {n})").format(n=DEFAULT_WORKERS))
    parser.add_argument("--out", metavar="DIR", type=Path, default=DEFAULT_OUT,
                        help=_("output directory (default {path})").format(path=DEFAULT_OUT))
    parser.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                        help=_("override one parameter of the scenario, as in 'verkosto run' "
                               "(repeatable; the budget itself is what is searched)"))
    parser.add_argument("--success", metavar="CLASSES", default=None,
                        help=_("outcome classes that count as success, comma-separated "
                               "(default: thriving, and completed too for a network that "
                               "ends at its goal, as a project or client process does)"))
    parser.add_argument("-q", "--quiet", action="store_true", help=_("no progress lines on stderr"))
    uncertainty.add_arguments(parser, robustness=True)
    parser.set_defaults(func=run)


def _eur(x: float) -> str:
    from analysis.text import fixed

    return fixed(x)


def _count(n: int) -> str:
    """A count with thousands separated as the euros are (``1,800`` / ``1 800``)."""
    from analysis.text import count

    return count(int(n))


def _pct(share: float, sign: bool = False) -> str:
    from analysis.text import pct

    return pct(share, sign)


def _points(difference: float, sign: bool = False) -> str:
    """A difference of two probabilities in percentage points (``+19 percentage points``),
    never in per cent, which would read as a relative change.
    """
    from analysis.text import localise

    value = round(100 * difference)
    return ngettext("{value} percentage point", "{value} percentage points", abs(value)).format(
        value=localise(f"{value:+d}" if sign else f"{value:d}"))


def _decision(value: str) -> str:
    """A search decision (passes, fails, unsure) in words."""
    return {"passes": _("passes"), "fails": _("fails"), "unsure": _("unsure")}.get(value, value)


def _stage(value: str) -> str:
    """A search stage (search, confirm) in words."""
    return {"search": _("search"), "confirm": _("confirm")}.get(value, value)


def check_out(out: Path, own_file: str, command: str) -> None:
    """Refuse an ``--out`` that is a file, a directory holding something else, or a path that
    cannot be made (:func:`verkosto.cmd_run.check_creatable`), before any run.

    An existing directory is replaced only when it is empty or holds an
    earlier output of the same command (its ``own_file`` is there).
    """
    from verkosto.cmd_run import check_creatable

    if out.exists() and not out.is_dir():
        raise InputError(_("--out {out}: exists and is not a directory").format(out=out))
    if out.is_dir() and any(out.iterdir()) and not (out / own_file).exists():
        raise InputError(_("--out {out}: exists and holds other files (not an earlier "
                           "'verkosto {command}' output, which has {own_file}); give a new "
                           "or empty directory").format(out=out, command=command,
                                                        own_file=own_file))
    check_creatable(out)


def parse_sets_with_hint(sets: list[str]) -> dict[str, Any]:
    """``verkosto run``'s ``--set`` parsing, with "did you mean 0.8?" for a percentage."""
    from experiments.spec import percent_hint
    from verkosto.cmd_run import _toml_value, parse_sets

    try:
        return parse_sets(sets)
    except InputError as error:
        for raw in sets:
            key, _, text = raw.partition("=")
            hint = percent_hint(key.strip(), _toml_value(text.strip()))
            if hint and key.strip() in str(error):
                raise InputError(f"{error}{hint}") from None
        raise


def parse_success(text: str | None, params: Any) -> tuple[str, ...]:
    """The outcome classes counted as success: ``--success`` (comma-separated class names)
    or, without it, those right for the network's lifecycle
    (:func:`analysis.budget.success_outcomes`).

    Raises:
        InputError: An unknown or no class name, or only *completed* for a network that
            never ends at its goal.
    """
    from analysis.budget import ENDING_LIFECYCLES, success_outcomes
    from model import Outcome

    if text is None:
        return success_outcomes(params)
    allowed = [o.value for o in Outcome]
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [name for name in names if name not in allowed]
    if unknown or not names:
        raise InputError(_("--success {value}: not an outcome class; give one or more of "
                           "{allowed}, separated by commas").format(
            value=repr(text), allowed=", ".join(allowed)))
    if names == [Outcome.COMPLETED.value] and params.lifecycle not in ENDING_LIFECYCLES:
        # Else every budget fails and the search reports "no budget up to --max" after
        # minutes of runs, as if money were the problem.
        raise InputError(_("--success {value}: a network with lifecycle '{lifecycle}' never "
                           "ends completed (only a project or a client process ends at its "
                           "goal), so no budget could succeed; count thriving too (--success "
                           "thriving,completed)").format(
            value=repr(text), lifecycle=params.lifecycle.value))
    return tuple(o for o in allowed if o in names)


def outcome_window(params: Any) -> int:
    """Weeks over which a run of ``params`` is judged (``model.outcome.outcome_window``: the
    outcome window, or two of the network's usual meeting intervals if that is longer).
    """
    from types import SimpleNamespace

    from model.outcome import outcome_window as window

    return window(SimpleNamespace(params=params))


def check_steps(steps: int, params: dict[str, Any]) -> None:
    """Refuse ``--steps`` shorter than the window over which a scenario's outcome is judged:
    such runs end before their verdict can be told, and an answer built on verdicts would
    rest on too-early ones.

    Args:
        steps: Weeks per run.
        params: Scenario name -> its parameters.

    Raises:
        InputError: ``steps`` is below some scenario's outcome window.
    """
    for name, p in params.items():
        weeks = outcome_window(p)
        if steps < weeks:
            raise InputError(_("--steps {steps}: runs of scenario '{name}' are judged over "
                               "their last {weeks} weeks, so how they end cannot be told "
                               "earlier; give --steps {weeks} or more").format(
                steps=steps, name=name, weeks=weeks))


def setting_text(value: Any) -> str:
    """A parameter value as ``--set`` and a scenario file write it (``800``, ``0.5``)."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def override_notes(name: str, overrides: dict[str, Any]) -> list[str]:
    """Notes for ``--set`` values that replace one the scenario sets in its own file: such a
    key is often what defines the scenario (``no_coordination``'s budget of 0), and
    replacing it silently would leave a result labelled with a scenario it no longer is.
    """
    import scenarios

    own = scenarios.info(name).overrides
    return [_("note: --set {key}={value} replaces the value {own} that scenario '{name}' "
              "sets itself; the results are for the changed scenario").format(
        key=key, value=setting_text(value), own=setting_text(own[key]), name=name)
            for key, value in overrides.items() if key in own and own[key] != value]


def scenario_params(name: str, sets: list[str]) -> Any:
    """The scenario's parameters with ``--set`` overrides applied (bad input: InputError)."""
    import scenarios
    from model.params import ParameterError
    params = scenarios.load(name)
    overrides = parse_sets_with_hint(sets)
    try:
        return params.replace(**overrides), overrides
    except ParameterError as error:
        raise InputError(_("--set: {error} (after applying the scenario '{name}')").format(
            error=i18n.error_text(error), name=name)) from None


def check_replications(args: argparse.Namespace, members: bool) -> None:
    """Refuse a cap of runs per budget too small to show the target at all.

    With fewer runs than :func:`analysis.budget.fewest_replications`, even a success in
    every run stays below the target at the confidence asked for: the search would try
    budget after budget, call none enough, and blame the network.

    Raises:
        InputError: ``--replications`` (or, with ``--uncertainty``, ``--member-replications``)
            below that number.
    """
    from analysis import budget as b
    from analysis.intervals import one_sided_bounds

    fewest = b.fewest_replications(args.target, args.confidence)
    given = [("--replications", args.replications)]
    if members:
        given.append(("--member-replications", args.member_replications))
    for option, n in given:
        if n < fewest:
            bound = one_sided_bounds(n, n, args.confidence)[0]
            raise InputError(_(
                "{option} {n}: too few runs per budget to show P(success) >= {target} with "
                "{confidence} confidence: even {n} successes out of {n} give a lower bound of "
                "{bound}, so no budget could pass; give {option} {fewest} or more, or a lower "
                "--target or --confidence").format(
                    option=option, n=n, target=_pct(args.target),
                    confidence=_pct(args.confidence), bound=_pct(bound), fewest=fewest))


def run(args: argparse.Namespace) -> int:
    """Handle ``verkosto budget``."""
    from analysis import budget as b
    from analysis.figures import budget_figure, save
    from experiments.jsonable import jsonable
    from experiments.sweep import open_executor
    from model import DEFAULT_STEPS, PARAMETERS
    from model.params import Governance
    from verkosto.cmd_run import _staging_directory

    check_out(args.out, RESULT_FILE, "budget")
    params, overrides = scenario_params(args.scenario, args.sets)
    if b.BUDGET_KEY in overrides:
        raise InputError(_("--set {key}: the budget is what 'budget' searches; use --max to "
                           "bound it").format(key=b.BUDGET_KEY))
    if args.max_eur > (high := PARAMETERS[b.BUDGET_KEY].high):
        raise InputError(_("--max {eur}: the model allows budgets up to {high} EUR/month "
                           "(parameter {key})").format(eur=f"{args.max_eur:g}",
                                                       high=f"{high:g}", key=b.BUDGET_KEY))
    success = parse_success(args.success, params)
    for note in override_notes(args.scenario, overrides):
        print(note, file=sys.stderr)
    members = uncertainty.prepare(args)
    check_replications(args, members is not None)
    steps = args.steps or DEFAULT_STEPS
    check_steps(steps, {args.scenario: params})
    if params.governance is Governance.SELF_ORGANISING:
        print(_("note: scenario '{scenario}' is self-organising; a coordination budget buys "
                "nothing there unless governance is 'led'").format(scenario=args.scenario),
              file=sys.stderr)

    def progress(point: b.BudgetPoint) -> None:
        if not args.quiet:
            print("  " + _("{stage} {eur} EUR/month: {successes}/{runs} succeeded -> "
                           "{decision}").format(stage=f"{_stage(point.stage):<9}",
                                                eur=f"{_eur(point.budget_eur):>7}",
                                                successes=_count(point.successes),
                                                runs=_count(point.runs),
                                                decision=_decision(point.decision.value)),
                  file=sys.stderr)

    with open_executor(args.workers) as (executor, slots):
        result = b.find_min_budget(
            b.ScenarioSimulator(params, steps, success), args.target, confidence=args.confidence,
            max_budget=args.max_eur, replications=args.replications, batch=args.batch,
            resolution=args.resolution, seed=args.seed, mapper=executor.map,
            progress=progress)
        effects: list[b.LeverEffect] = []
        if not result.reachable:
            at_max = result.at(float(args.max_eur))
            effects = b.probe_levers(
                lambda p: b.ScenarioSimulator(p, steps, success), params, float(args.max_eur),
                at_max.probability, confidence=args.confidence,
                replications=min(args.replications, b.PROBE_REPLICATIONS), seed=args.seed,
                mapper=executor.map)
        spread = (uncertainty.run_budget(args, members, params, overrides, steps, executor, slots,
                                         success)
                  if members is not None else None)

    report = _summary(args, result, effects, steps, overrides, success)
    if spread is not None:
        report["parameter_uncertainty"] = spread
    fig = budget_figure(result.curve(), args.target, result.min_budget_eur, args.confidence,
                        dips=report["estimate_dips"], look_confidence=result.look_confidence,
                        success=_success_line(report))
    try:
        with _staging_directory(args.out) as staging:
            (staging / RESULT_FILE).write_text(
                json.dumps(jsonable(report), indent=2, allow_nan=False) + "\n",
                encoding="utf-8")
            b.budget_table(result, success).to_csv(staging / TABLE_FILE, index=False)
            paths = save(fig, staging / FIGURE_STEM)
            if spread is not None:
                uncertainty.budget_table(spread).to_csv(staging / uncertainty.MEMBERS_FILE,
                                                        index=False)
    except OSError as error:
        raise InputError(_("--out '{path}' cannot be written: {reason}").format(
            path=args.out, reason=error.strerror or error)) from None
    print(_text(report, result, effects))
    if spread is not None:
        print(uncertainty.budget_text(report))
    searched = ngettext("Searched {n} budget", "Searched {n} budgets",
                        len(result.points)).format(n=_count(len(result.points)))
    runs = ngettext("{n} run", "{n} runs", result.total_runs).format(
        n=_count(result.total_runs))
    print(_("{searched} with {runs}; wrote {files}").format(
        searched=searched, runs=runs, files=", ".join(
            [str(args.out / RESULT_FILE), str(args.out / TABLE_FILE), *(p.name for p in paths),
             *([uncertainty.MEMBERS_FILE] if spread is not None else [])])))
    return 0


def _summary(args: argparse.Namespace, result: Any, effects: list, steps: int,
             overrides: dict[str, Any], success: tuple[str, ...]) -> dict[str, Any]:
    """budget.json's contents."""
    from analysis import budget as b

    curve = result.curve()
    answer = result.min_budget_eur
    dips = b.estimate_dips(curve)
    out: dict[str, Any] = {
        "scenario": args.scenario,
        "set": overrides,
        "success_outcomes": list(success),
        "success_meaning": "a run counts as a success when it ends in one of "
                           "'success_outcomes'; 'successes' count such runs and the "
                           "probabilities are P(success)",
        "target": args.target,
        "confidence": args.confidence,
        "confidence_meaning": "one-sided: P(success) >= target at the answer with this "
                              "confidence (Wilson score bound on fresh confirmation runs)",
        "search_look_confidence": result.look_confidence,
        "max_budget_eur_per_month": args.max_eur,
        "steps": steps,
        "seed": args.seed,
        "replications_cap": args.replications,
        "reachable": result.reachable,
        "min_budget_eur_per_month": answer,
        "interval": None,
        "probability_at_answer": None,
        "cost_breakdown_eur_per_month": None,
        "cost_table": None,
        "coordinator": None,
        "participants": None,
        "monotone": result.monotone and not dips,
        "monotone_meaning": "true when the search's estimates of P(success) never fall as the "
                            "budget rises and no passing budget lies below a failing one",
        "monotone_decisions": result.monotone,
        "estimate_dips": dips,
        "total_runs": result.total_runs,
        "curve": curve.to_dict(orient="records"),
        "limits": [],
    }
    if answer is not None:
        lo, hi = result.interval
        out["interval"] = {"low": lo, "high": hi, "unit": "EUR/month",
                           "meaning": "the budget at which P(success) crosses the target lies "
                                      "above 'low' (where it is confidently below) and at most "
                                      "at 'high' (the answer)"}
        point = result.confirmed(answer)
        out["probability_at_answer"] = {"successes": point.successes, "runs": point.runs,
                                        "estimate": point.probability,
                                        "lower_bound": point.low, "upper_bound": point.high,
                                        "from": "confirmation with fresh replications"}
        costs = b.cost_breakdown(point.results)
        out["cost_breakdown_eur_per_month"] = (
            {k: v for k, v in costs.items() if k not in
             ("coordinator_hours_per_week", "coordinator_fte", "hidden_hours_per_week",
              *RUN_TOTALS)}
            if costs else None)
        if costs:
            out["cost_table"] = b.cost_rows(costs)
            out["coordinator"] = {
                "hours_per_week": costs["coordinator_hours_per_week"],
                "full_time_equivalent": costs["coordinator_fte"],
                "full_time_hours_per_week": b.FULL_TIME_HOURS_PER_WEEK}
            out["participants"] = {
                "hours_per_week_all_together": costs["hidden_hours_per_week"],
                "cost_eur_per_month": costs["hidden_cost"],
                "cost_eur_per_year": costs["hidden_cost"] * b.MONTHS_PER_YEAR,
                "borne_by": "member organisations (hidden cost, not paid from the budget)"}
            out["per_run"] = {
                "weeks_mean": costs["weeks_run"], "spent_eur": costs["spent_per_run"],
                "hidden_cost_eur": costs["hidden_cost_per_run"],
                "meaning": "means over the confirmation runs of how long a run lasted and "
                           "what it cost in all (runs end early when a goal is recognised)"}
    else:
        out["limits"] = [{"lever": e.lever.value, "description": e.lever.describe(),
                          "change": e.change, "probability": e.probability,
                          "lower_bound": e.low, "upper_bound": e.high, "runs": e.runs,
                          "gain": e.gain, "limits_network": e.gain >= b.PROBE_GAIN}
                         for e in effects]
    return out


def _text(report: dict[str, Any], result: Any, effects: list) -> str:
    """The plain-language answer printed to stdout."""
    from analysis import budget as b

    target, conf = report["target"], report["confidence"]
    lines = [_heading(report), _success_line(report)]
    if result.reachable:
        answer = report["min_budget_eur_per_month"]
        p = report["probability_at_answer"]
        iv = report["interval"]
        lines += [
            _("Smallest coordination budget for P(success) >= {target} with {confidence} "
              "confidence: {eur} EUR/month").format(target=_pct(target), confidence=_pct(conf),
                                                     eur=_eur(answer)),
            "  " + (_("P(success) crosses {target} between {low} and {high} EUR/month.").format(
                target=_pct(target), low=_eur(iv["low"]), high=_eur(iv["high"]))
                    if iv["high"] > 0 else  # no crossing to bracket: "between 0 and 0"
                    _("P(success) reaches {target} already without a coordination "
                      "budget.").format(target=_pct(target))),
            "  " + ngettext(
                "Confirmed with {n} fresh run at {eur} EUR/month: {successes} succeeded "
                "({estimate}; {confidence} lower bound {bound}).",
                "Confirmed with {n} fresh runs at {eur} EUR/month: {successes} succeeded "
                "({estimate}; {confidence} lower bound {bound}).", p["runs"]).format(
                    n=_count(p["runs"]), eur=_eur(answer), successes=_count(p["successes"]),
                    estimate=_pct(p["estimate"]), confidence=_pct(conf),
                    bound=_pct(p["lower_bound"])),
        ]
        rows = report["cost_table"]
        if rows:
            from analysis.text import fixed

            lines.append(ngettext("What the money buys at {eur} EUR/month (mean over {n} run):",
                                  "What the money buys at {eur} EUR/month (mean over {n} runs):",
                                  p["runs"]).format(eur=_eur(answer), n=_count(p["runs"])))
            width = max(34, *(len(_(row["item"])) + 2 for row in rows))
            lines.append(f"  {_('item'):<{width}}{_('EUR/month'):>11}{_('EUR/year'):>11}")
            for row in rows:
                lines.append(f"  {_(row['item']):<{width}}{_eur(row['eur_per_month']):>11}"
                             f"{_eur(row['eur_per_year']):>11}")
            lines.append("  " + _("(the last row is not paid from the budget: it is the member "
                                  "organisations' hidden cost; unspent budget is carried over "
                                  "or left)"))
            c, q = report["coordinator"], report["participants"]
            lines.append("  " + _("coordinator's paid time: {hours} h/week = {fte} FTE (full "
                                  "time {full} h/week)").format(
                hours=fixed(c["hours_per_week"], 1), fte=fixed(c["full_time_equivalent"], 2),
                full=fixed(c["full_time_hours_per_week"], 1)))
            lines.append("  " + _("participants' own time, all together: {hours} h/week").format(
                hours=fixed(q["hours_per_week_all_together"], 1)))
            run = report.get("per_run")
            if run and run["weeks_mean"] < report["steps"] - 0.5:
                lines.append("  " + _(
                    "the runs ended after {weeks} weeks on average, not {steps}: a run spent "
                    "{spent} EUR of the budget in all, and its participants' hours cost "
                    "{hidden} EUR").format(
                        weeks=fixed(run["weeks_mean"], 0), steps=_count(report["steps"]),
                        spent=_eur(run["spent_eur"]), hidden=_eur(run["hidden_cost_eur"])))
        lines += _dip_lines(report)
        return "\n".join(lines)
    lines += _dip_lines(report)
    top = result.at(float(report["max_budget_eur_per_month"]))
    lines.append(ngettext(
        "No budget up to {eur} EUR/month makes P(success) >= {target} with {confidence} "
        "confidence (at the maximum {successes} of {n} run succeeded, {share}).",
        "No budget up to {eur} EUR/month makes P(success) >= {target} with {confidence} "
        "confidence (at the maximum {successes} of {n} runs succeeded, {share}).",
        top.runs).format(
            eur=_eur(report["max_budget_eur_per_month"]), target=_pct(target),
            confidence=_pct(conf), successes=_count(top.successes), n=_count(top.runs),
            share=_pct(top.probability)))
    lines += _endings(top, report["success_outcomes"])
    helpful = list(b.limiting(effects))
    if helpful:
        lines.append(_("Money is not what limits this network. At the maximum budget:"))
    else:
        lines.append(_("None of the other levers tried raises P(success) much at the maximum "
                       "budget either:"))
    for e in effects:
        mark = "*" if e in helpful else " "
        change = ", ".join(f"{k} -> {v:g}" for k, v in e.change.items())
        runs = ngettext("{n} run", "{n} runs", e.runs).format(n=_count(e.runs))
        lines.append(f" {mark} " + _("if {lever} ({change}): P(success) {share} ({runs}, "
                                     "{gain})").format(
            lever=_(e.lever.describe()), change=change, share=_pct(e.probability), runs=runs,
            gain=_points(e.gain, sign=True)))
    if helpful:
        lines.append("  " + _("(* raises P(success) by at least {gain}: these limit the "
                              "network)").format(gain=_points(b.PROBE_GAIN)))
    return "\n".join(lines)


def _heading(report: dict[str, Any]) -> str:
    """Which network the answer is for: scenario, run length and ``--set`` overrides, so that
    a printout kept or forwarded still says what was asked.
    """
    import scenarios
    from verkosto import i18n

    info = scenarios.info(report["scenario"])
    settings = (" " + _("with {settings}").format(
        settings=", ".join(f"{k}={setting_text(v)}" for k, v in report["set"].items()))
                if report["set"] else "")
    return _("Scenario '{name}' ({title}); runs of {weeks} weeks{settings}.").format(
        name=info.name, title=i18n.scenario_title(info), weeks=_count(report["steps"]),
        settings=settings)


def _success_line(report: dict[str, Any]) -> str:
    """Which outcome classes the answer counts as success, in words."""
    from verkosto.i18n import outcome_name

    names = [outcome_name(o) for o in report["success_outcomes"]]
    outcomes = names[0] if len(names) == 1 else _("{outcomes} or {last}").format(
        outcomes=", ".join(names[:-1]), last=names[-1])
    return _("Counted as success: runs that end {outcomes}.").format(outcomes=outcomes)


def _endings(point: Any, success: Any = ("thriving",)) -> list[str]:
    """How the runs at one budget ended, by outcome class, when some did not succeed; and,
    where networks completed their goal but completing is not counted as success, that
    the search does not count them (a project or client process ends 'completed' when it
    succeeds).
    """
    from collections import Counter

    from model import Outcome
    from verkosto.i18n import outcome_name

    counts = Counter(getattr(r, "outcome", None) for r in point.results)
    counts.pop(None, None)
    if not counts or set(counts) <= set(success):
        return []
    order = [o.value for o in Outcome]
    ended = ", ".join(f"{outcome_name(o)} {counts[o]}"
                      for o in sorted(counts, key=lambda o: order.index(o) if o in order else 99))
    lines = ["  " + _("How those runs ended: {ended}.").format(ended=ended)]
    if counts.get(Outcome.COMPLETED.value) and Outcome.COMPLETED.value not in success:
        lines.append("  " + _("Note: '{completed}' means the network reached its goal and "
                              "ended, as a project or client process does when it succeeds; "
                              "this search does not count it as success (see --success).")
                     .format(completed=outcome_name(Outcome.COMPLETED.value)))
    return lines


def _dip_lines(report: dict[str, Any]) -> list[str]:
    """Say where the estimates of P(success) are not monotone in the budget."""
    lines = []
    for d in report["estimate_dips"]:
        lines.append("  " + _(
            "Not monotone: the estimate falls from {from_share} ({from_successes}/{from_runs}) "
            "at {from_eur} to {to_share} ({to_successes}/{to_runs}) at {to_eur} EUR/month (same "
            "seeds; more runs at one budget often explain it, but look at the figure before "
            "trusting one number).").format(
                from_share=_pct(d["from_probability"]), from_successes=_count(d["from_successes"]),
                from_runs=_count(d["from_runs"]), from_eur=_eur(d["from_eur"]),
                to_share=_pct(d["to_probability"]), to_successes=_count(d["to_successes"]),
                to_runs=_count(d["to_runs"]), to_eur=_eur(d["to_eur"])))
    if not report["monotone_decisions"]:
        lines.append("  " + _("Not monotone: a budget passed below one that failed."))
    return lines
