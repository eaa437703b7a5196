"""``--uncertainty`` for ``verkosto budget`` and ``verkosto compare``: answers over the ensemble.

Both commands call :func:`add_arguments` from their ``register`` and
:func:`prepare` before running anything, so that a missing ensemble file or a
``--members`` out of range stops them with one line (exit status 2) before any
simulation. The computations are in :mod:`analysis.uncertainty`; this module
runs them with the command's executor and says the results in the user's
language.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.text import count, pct
from verkosto import i18n
from verkosto.argtypes import number
from verkosto.errors import InputError
from verkosto.i18n import _, ngettext, outcome_name

MEMBERS_FILE = "budget_members.csv"
"""Each member's minimum budget, beside ``budget.json``."""
COMPARE_FILE = "compare_uncertainty.csv"
"""The share of members in which each difference holds, beside the comparison's files."""


def add_arguments(parser: argparse.ArgumentParser, *, robustness: bool) -> None:
    """Add ``--uncertainty``, ``--members``, ``--ensemble``, ``--member-replications`` (and
    ``--robustness`` for the budget).
    """
    from analysis import defaults as d

    parser.add_argument("--uncertainty", action="store_true",
                        help=_("also answer on members of the plausible ensemble (parameter "
                               "sets that reproduce the patterns) and say how far the answer "
                               "carries"))
    parser.add_argument("--members", metavar="M", type=number(None, None, integer=True),
                        default=None,
                        help=_("members of the ensemble to use (default {n})").format(
                            n=d.MEMBERS))
    parser.add_argument("--ensemble", metavar="FILE", type=Path, default=None,
                        help=_("ensemble table (default: the one shipped with verkosto; make "
                               "one with 'verkosto ensemble')"))
    parser.add_argument("--member-replications", metavar="N",
                        type=number(2, d.MAX_REPLICATIONS, integer=True), default=None,
                        help=_("most runs per budget or scenario in each member (default "
                               "{n}, at most {most})").format(n=d.MEMBER_REPLICATIONS,
                                                              most=d.MAX_REPLICATIONS))
    if robustness:
        parser.add_argument("--member-resolution", metavar="EUR", type=number(0.0, None,
                                                                              open_low=True),
                            default=None,
                            help=_("precision of each member's minimum budget in EUR/month "
                                   "(default {eur:g})").format(eur=d.MEMBER_RESOLUTION_EUR))
        parser.add_argument("--robustness", metavar="SHARE", default=None,
                            type=number(0.0, 1.0, open_low=True, probability=True),
                            help=_("share of members in which the robust budget must meet "
                                   "the target (default {share:g})").format(
                                share=d.MEMBER_ROBUSTNESS))


def _fill_defaults(args: argparse.Namespace) -> None:
    """The member options' defaults, for those not given (they default to ``None`` so that
    :func:`prepare` can tell an option given without ``--uncertainty``).
    """
    from analysis import defaults as d

    for name, default in (("member_replications", d.MEMBER_REPLICATIONS),
                          ("member_resolution", d.MEMBER_RESOLUTION_EUR),
                          ("robustness", d.MEMBER_ROBUSTNESS)):
        if hasattr(args, name) and getattr(args, name) is None:
            setattr(args, name, default)


@dataclass(frozen=True)
class Members:
    """The members an answer runs on.

    Attributes:
        values: Each member's uncertain parameter values.
        ids: Their sample numbers in the ensemble table.
        source: The table read.
    """

    values: list[dict[str, Any]]
    ids: list[int]
    source: str


def prepare(args: argparse.Namespace) -> Members | None:
    """The members asked for, checked before anything runs (``None`` without ``--uncertainty``).

    Raises:
        InputError: ``--members`` without ``--uncertainty``, no ensemble file, an unreadable
            one, or ``--members`` below 1 or above the members the table has.
    """
    from analysis import uncertainty as u
    from experiments import ensemble as e

    if not args.uncertainty:
        if args.members is not None or args.ensemble is not None:
            raise InputError(_("--members and --ensemble need --uncertainty"))
        given = [option for option, value in (
            ("--member-replications", args.member_replications),
            ("--member-resolution", getattr(args, "member_resolution", None)),
            ("--robustness", getattr(args, "robustness", None))) if value is not None]
        if given:  # silently ignored before: the user meant something by them
            raise InputError(ngettext("{options} needs --uncertainty",
                                      "{options} need --uncertainty", len(given)).format(
                options=", ".join(given)))
        return None
    _fill_defaults(args)
    path = args.ensemble or e.shipped_table()
    if path.is_dir():
        raise InputError(_("--ensemble {path}: is a directory; give the ensemble table (a "
                           ".csv file written by 'verkosto ensemble')").format(path=path))
    if not path.is_file():
        raise InputError(_("ensemble file {path} does not exist; give --ensemble FILE or make "
                           "one with 'verkosto ensemble --samples N --out FILE'").format(
            path=path))
    try:
        screening = e.load_table(path)
    except e.EnsembleError as error:
        raise InputError(_("--ensemble {path}: cannot be used: {reason}").format(
            path=path, reason=error)) from None
    available = len(screening.kept)
    count = u.DEFAULT_MEMBERS if args.members is None else args.members
    if not 1 <= count <= available:
        raise InputError(_("--members {m}: the ensemble {path} has {n} members; choose 1 to "
                           "{n}").format(m=count, path=path, n=available))
    return Members(e.members(screening, count), e.member_ids(screening, count), str(path))


def _eur(x: float) -> str:
    """Whole euros as the rest of ``budget``'s printout writes them (``1,400`` / ``1 400``)."""
    from analysis.text import fixed

    return fixed(x)


def _budget_or_above(value: float | str, max_budget: float) -> str:
    from analysis.uncertainty import ABOVE_MAX

    if value == ABOVE_MAX:
        return _("more than {max}").format(max=_eur(max_budget))
    return _eur(float(value))


# ---------------------------------------------------------------------------- budget
def run_budget(args: argparse.Namespace, members: Members, params: Any,
               overrides: dict[str, Any], steps: int, executor: Any,
               slots: int, success: tuple[str, ...] | None = None) -> dict[str, Any]:
    """Search the minimum budget on each member and on the defaults the same way, counting
    the outcome classes ``success`` as success (default: those of the scenario's lifecycle).

    Returns:
        The ``parameter_uncertainty`` entry of ``budget.json``.
    """
    from analysis import uncertainty as u
    from analysis.budget import ScenarioSimulator

    def progress(member: int, result: Any) -> None:
        if not args.quiet:
            answer = result.min_budget_eur
            text = (_("{eur} EUR/month").format(eur=_eur(answer)) if answer is not None
                    else _("not reached up to {max} EUR/month").format(max=_eur(args.max_eur)))
            print(_("  member {member}: minimum {text} ({runs} runs)").format(
                member=member, text=text, runs=count(result.total_runs)), file=sys.stderr)

    common = {"steps": steps, "confidence": args.confidence, "max_budget": float(args.max_eur),
              "replications": args.member_replications, "resolution": args.member_resolution,
              "seed": args.seed, "keep": tuple(overrides), "mapper": executor.map,
              "make_simulate": lambda p: ScenarioSimulator(p, steps, success),
              "concurrent": max(1, 2 * slots)}
    # The defaults searched as each member is: the like-for-like reference for the members.
    searches = u.member_budgets(params, [{}, *members.values], [-1, *members.ids],
                                args.target, **common)
    for search in searches[1:]:
        progress(search.member, search.result)
    reference, found = searches[0], searches[1:]
    out = u.summarise_budgets([m.minimum for m in found], max_budget=float(args.max_eur),
                              robustness=args.robustness)
    out.update({
        "ensemble": members.source,
        "defaults_same_search_eur_per_month": reference.minimum,
        "search": {"replications_cap": args.member_replications,
                   "resolution_eur_per_month": args.member_resolution,
                   "confidence": args.confidence, "seed": args.seed,
                   "meaning": "each member's minimum is the budget search's confirmed answer "
                              "with this cap and resolution, the same replication seeds in "
                              "every member; 'defaults_same_search' is the defaults searched "
                              "the same way"},
        "member_minima": [m.to_json() for m in found],
        "total_runs": sum(s.result.total_runs for s in searches),
    })
    return out


def budget_table(entry: dict[str, Any]) -> Any:
    """``budget_members.csv``: one row per member."""
    import pandas as pd

    return pd.DataFrame(entry["member_minima"],
                        columns=["member", "min_budget_eur_per_month", "reached", "runs"])


def budget_text(report: dict[str, Any]) -> str:
    """The answer over the members in plain words (the user's language)."""
    entry = report["parameter_uncertainty"]
    top = entry["max_budget_eur_per_month"]
    default = report["min_budget_eur_per_month"]
    lines = []
    if default is not None:
        lines.append(_("With the model's default assumptions {eur} EUR/month.").format(
            eur=_eur(default)))
    else:
        lines.append(_("With the model's default assumptions no budget up to {max} EUR/month "
                       "is enough.").format(max=_eur(top)))
    q = entry["quantiles"]
    low, high = q.get("0.1"), q.get("0.9")
    share = pct(entry["robustness"])
    robust = entry["robust_budget_eur_per_month"]
    if low == high:
        # One value at both ends (few members, or none reaching the target): "between more
        # than 2,000 and more than 2,000" read as a range.
        text = _("Across plausible assumptions the minimum is {value} from the 10th to the "
                 "90th percentile").format(value=_budget_or_above(low, top))
    else:
        text = _("Across plausible assumptions the minimum lies between {low} and {high}").format(
            low=_budget_or_above(low, top), high=_budget_or_above(high, top))
    if robust is not None:
        text += _("; {eur} EUR/month is enough in {share} of them.").format(
            eur=_eur(robust), share=share)
    else:
        text += _("; no budget up to {max} EUR/month is enough in {share} of them.").format(
            max=_eur(top), share=share)
    lines.append(text)
    same = entry["defaults_same_search_eur_per_month"]
    text = _("({m} plausible parameter sets of the ensemble, from the 10th to the 90th "
             "percentile; median {median}. Each set searched with at most {r} runs per budget "
             "to {res} EUR/month; searched the same way, the defaults need {same}.").format(
        m=count(entry["members"]), median=_budget_or_above(q.get("0.5"), top),
        r=count(entry["search"]["replications_cap"]),
        res=_eur(entry["search"]["resolution_eur_per_month"]),
        same=(_("{eur} EUR/month").format(eur=_eur(same)) if same is not None
              else _("more than {max}").format(max=_eur(top))))
    if entry["not_reached"]:
        text += " " + _("In {k} of them no budget up to {max} EUR/month reaches the "
                        "target.").format(k=count(entry["not_reached"]), max=_eur(top))
    lines.append("  " + text + ")")
    return "\n".join(lines)


# ---------------------------------------------------------------------------- compare
def run_compare(args: argparse.Namespace, members: Members, params: dict[str, Any],
                labels: dict[str, str], overrides: dict[str, Any], steps: int,
                executor: Any) -> list[Any]:
    """The comparison in each member (same seeds as the defaults' comparison)."""
    from analysis.compare import compare
    from analysis.uncertainty import member_params
    from model.params import ParameterError

    results = []
    for member, values in zip(members.ids, members.values, strict=True):
        try:
            scenarios = {labels[n]: member_params(p, values, overrides) for n, p in params.items()}
        except ParameterError as error:
            raise InputError(_("member {member} of the ensemble cannot be applied: "
                               "{reason}").format(member=member, reason=i18n.error_text(error))) from None
        results.append(compare(scenarios, args.member_replications, steps, args.seed,
                               mapper=executor.map))
        if not getattr(args, "quiet", False):
            print(_("  member {member} compared").format(member=member), file=sys.stderr)
    return results


def compare_text(shares: Any, members: int) -> str:
    """In what share of members each difference holds, in plain words."""
    from analysis.figures import short_label
    from analysis.text import number

    lines = [_("Across {m} plausible parameter sets of the ensemble (same seeds in every "
               "set), each difference found with the defaults holds:").format(m=count(members))]
    for (scenario, reference), part in shares.groupby(["scenario", "reference"], sort=False):
        lines.append("  " + _("{scenario} against {reference}:").format(
            scenario=scenario, reference=reference))
        for _i, r in part.iterrows():
            if r["kind"] == "outcome":
                name = outcome_name(r["name"])
                diff = _("{d:+.0f} percentage points").format(d=100 * r["default_diff"])
            else:  # the measure as the comparison's own table names it, signed as there
                name = short_label(r["name"])
                diff = ("+" if r["default_diff"] > 0 else "") + number(r["default_diff"])
            if r["default_diff"] == 0:
                lines.append("    " + _("{name}: no difference with the defaults; none in {same} "
                                        "of the sets").format(
                    name=name, same=pct(r["share_same_direction"])))
                continue
            chance = _("beyond chance") if r["default_beyond_chance"] else _("within chance")
            lines.append("    " + _("{name}: {diff} with the defaults ({chance}); the same way "
                                    "in {same} of the sets, beyond chance in {beyond}").format(
                name=name, diff=diff, chance=chance, same=pct(r["share_same_direction"]),
                beyond=pct(r["share_beyond_chance"])))
    return "\n".join(lines)
