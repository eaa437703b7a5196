"""Answers that carry the uncertainty of the assumptions: budget and comparison over members.

A *member* is a parameter set of the plausible ensemble (:mod:`experiments.ensemble`):
values of the uncertain parameters that reproduce the patterns. A member is applied on
top of the scenario: the scenario's levers stay as it sets them, the uncertain
parameters come from the member, except those the user set explicitly (``--set``),
which are what the user asks about.

**Budget.** The budget search (:func:`analysis.budget.find_min_budget`) runs on each
member with the same replication seeds (common random numbers across members), with a
smaller cap of replications and a coarser resolution than the default answer's search
(:data:`MEMBER_REPLICATIONS`, :data:`MEMBER_RESOLUTION_EUR`) so that twenty members fit
in minutes. Each member's minimum budget is its confirmed answer, or *not reached* when
no budget up to the maximum passes. Summaries (:func:`summarise_budgets`):

- quantiles of the members' minima, as order statistics: the q-quantile is the smallest
  minimum at or below which at least a share q of the members lie (a member not reached
  counts as above the maximum, so a quantile can be "above max"; nothing is dropped);
- the *satisficing* curve: for each member's minimum b, the share of members whose
  target is met at b (their minimum is b or less). It assumes that a member meeting the
  target at its minimum meets it at any larger budget, which pattern P2 says;
- the *robust budget*: the smallest budget meeting the target in at least the
  ``robustness`` share of members (the satisficing measure of robust decision making,
  as in Rhodium's and the EMA Workbench's robustness functions): the ``robustness``
  quantile, or none when that lies above the maximum.

**Comparison.** Each member runs the comparison of the scenarios
(:func:`analysis.compare.compare`); for every difference from the reference scenario
(an outcome's probability, a measure's median at the last week),
:func:`difference_shares` says in what share of members it points the same way as with
the defaults, and in what share it is also beyond chance (its interval excludes 0).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis import defaults
from analysis.budget import BudgetPoint, BudgetResult, MapFn, ScenarioSimulator, find_min_budget
from model import Params

# Declared in analysis.defaults, which the command line reads without importing this module.
DEFAULT_MEMBERS = defaults.MEMBERS
DEFAULT_ROBUSTNESS = defaults.MEMBER_ROBUSTNESS
MEMBER_REPLICATIONS = defaults.MEMBER_REPLICATIONS
MEMBER_RESOLUTION_EUR = defaults.MEMBER_RESOLUTION_EUR
QUANTILES = (0.1, 0.5, 0.9)
"""Quantiles of the members' minimum budgets that are reported."""
ABOVE_MAX = "above max"
"""A quantile or robust budget above the largest budget searched."""


def member_params(params: Params, member: Mapping[str, Any],
                  keep: Iterable[str] = ()) -> Params:
    """The scenario's parameters with a member's uncertain values on top.

    Args:
        params: The scenario's parameters (with the user's ``--set`` applied).
        member: The member's values of the uncertain parameters.
        keep: Parameters the user set explicitly; they keep the user's value.
    """
    keep = set(keep)
    return params.replace(**{k: v for k, v in member.items() if k not in keep})


# ---------------------------------------------------------------------------- budget
def order_quantile(minima: Sequence[float | None], q: float) -> float:
    """The smallest minimum at or below which at least a share ``q`` of the members lie.

    A member whose minimum was not reached (``None``) counts as infinitely high, so the
    result is ``inf`` when the quantile lies above the maximum searched.
    """
    if not minima:
        raise ValueError("no members")
    values = sorted(math.inf if m is None else float(m) for m in minima)
    # 1e-9: q * n = 16 must not become 16.000000000000004 and pick the 17th.
    k = max(1, math.ceil(q * len(values) - 1e-9))
    return values[k - 1]


def satisficing(minima: Sequence[float | None]) -> list[dict[str, float]]:
    """Share of members meeting the target at each member's minimum budget (ascending)."""
    reached = sorted(float(m) for m in minima if m is not None)
    n = len(minima)
    return [{"budget_eur_per_month": b, "share_of_members": sum(x <= b for x in reached) / n}
            for b in sorted(set(reached))]


def _budget_value(x: float) -> float | str:
    return ABOVE_MAX if math.isinf(x) else x


def summarise_budgets(minima: Sequence[float | None], *, max_budget: float,
                      robustness: float = DEFAULT_ROBUSTNESS,
                      quantiles: Sequence[float] = QUANTILES) -> dict[str, Any]:
    """The ``parameter_uncertainty`` summary of the members' minimum budgets.

    Args:
        minima: Each member's minimum budget (EUR/month), ``None`` when not reached.
        max_budget: Largest budget searched.
        robustness: Share of members the robust budget must satisfy.
        quantiles: Quantiles to report.

    Returns:
        ``members``, ``quantiles`` (``"0.1"`` -> EUR/month or ``"above max"``),
        ``robust_budget_eur_per_month`` (``None`` when above the maximum), ``robustness``,
        ``satisficing``, ``not_reached`` and ``max_budget_eur_per_month``.
    """
    if not 0.0 < robustness <= 1.0:
        raise ValueError(f"robustness must be in (0, 1], got {robustness}")
    robust = order_quantile(minima, robustness)
    return {
        "members": len(minima),
        "quantiles": {f"{q:g}": _budget_value(order_quantile(minima, q)) for q in quantiles},
        "quantile_meaning": "order statistics of the members' minimum budgets: the smallest "
                            "minimum at or below which at least that share of members lie; "
                            f"members not reached count as above the maximum ('{ABOVE_MAX}')",
        "robustness": robustness,
        "robust_budget_eur_per_month": None if math.isinf(robust) else robust,
        "robust_meaning": "the smallest budget at which the target is met in at least the "
                          "robustness share of members (null: only above the maximum)",
        "satisficing": satisficing(minima),
        "not_reached": sum(m is None for m in minima),
        "max_budget_eur_per_month": max_budget,
    }


@dataclass(frozen=True)
class MemberBudget:
    """One member's budget search.

    Attributes:
        member: The member's sample number in the ensemble table.
        result: The search.
    """

    member: int
    result: BudgetResult

    @property
    def minimum(self) -> float | None:
        """The member's confirmed minimum budget, ``None`` when not reached."""
        return self.result.min_budget_eur

    def to_json(self) -> dict[str, Any]:
        """The member's entry in ``budget.json``."""
        return {"member": self.member, "min_budget_eur_per_month": self.minimum,
                "reached": self.result.reachable, "runs": self.result.total_runs}


def member_budgets(params: Params, members: Sequence[Mapping[str, Any]],
                   member_ids: Sequence[int], target: float, *, steps: int,
                   confidence: float, max_budget: float,
                   replications: int = MEMBER_REPLICATIONS, batch: int = 8,
                   resolution: float = MEMBER_RESOLUTION_EUR, seed: int = 0,
                   keep: Iterable[str] = (), mapper: MapFn = map,
                   make_simulate: Callable[[Params], Callable[[float, int], Any]] | None = None,
                   concurrent: int = 1,
                   progress: Callable[[int, BudgetPoint], None] | None = None,
                   ) -> list[MemberBudget]:
    """Run the budget search on each member.

    Args:
        params: The scenario's parameters.
        members: The members' uncertain values.
        member_ids: Their sample numbers (for the output).
        target: Target probability of thriving.
        steps: Weeks per run.
        confidence: One-sided confidence of the search.
        max_budget: Largest budget searched.
        replications: Cap of replications per budget.
        batch: Replications added at a time.
        resolution: Precision of each member's minimum (EUR/month).
        seed: Master seed: the same replication seeds in every member.
        keep: Parameters the user set, which members do not change.
        mapper: ``map``-like runner of the simulations (an executor's ``map``).
        make_simulate: Builds ``simulate(budget, seed)`` for a member's parameters
            (default one model run, :class:`analysis.budget.ScenarioSimulator`).
        concurrent: Members searched at the same time (threads that hand their batches to
            ``mapper``), so that the workers are kept busy; the results do not depend on it.
        progress: Called with (member number, point) after each batch.

    Returns:
        One :class:`MemberBudget` per member, in order.
    """
    make = make_simulate or (lambda p: ScenarioSimulator(p, steps))
    keep = tuple(keep)

    def one(k: int) -> MemberBudget:
        report = None if progress is None else (lambda point: progress(member_ids[k], point))
        result = find_min_budget(make(member_params(params, members[k], keep)), target,
                                 confidence=confidence, max_budget=max_budget,
                                 replications=replications, batch=batch,
                                 resolution=resolution, seed=seed, mapper=mapper,
                                 progress=report)
        return MemberBudget(member_ids[k], result)

    if concurrent <= 1:
        return [one(k) for k in range(len(members))]
    with ThreadPoolExecutor(max_workers=concurrent) as threads:
        return list(threads.map(one, range(len(members))))


# ---------------------------------------------------------------------------- comparison
def _direction(x: float, tolerance: float = 1e-12) -> int:
    return 0 if abs(x) <= tolerance else (1 if x > 0 else -1)


def _diff_rows(comparison: Any, confidence: float) -> pd.DataFrame:
    """Every difference from the reference with its interval: outcome classes, measures."""
    outcomes = comparison.outcomes(confidence)
    outcomes = outcomes[outcomes["scenario"] != outcomes["reference"]]
    a = pd.DataFrame({"scenario": outcomes["scenario"].astype(str),
                      "reference": outcomes["reference"].astype(str), "kind": "outcome",
                      "name": outcomes["outcome"].astype(str), "diff": outcomes["diff"],
                      "low": outcomes["diff_low"], "high": outcomes["diff_high"]})
    measures = comparison.measures(confidence)
    measures = measures[measures["scenario"] != measures["reference"]]
    b = pd.DataFrame({"scenario": measures["scenario"].astype(str),
                      "reference": measures["reference"].astype(str), "kind": "measure",
                      "name": measures["measure"].astype(str), "diff": measures["diff_median"],
                      "low": measures["diff_low"], "high": measures["diff_high"]})
    return pd.concat([a, b], ignore_index=True)


def _beyond_chance(direction: int, low: float, high: float) -> bool:
    """Whether the interval excludes 0 on the side of ``direction`` (0: holds 0)."""
    if direction > 0:
        return bool(low > 0)
    if direction < 0:
        return bool(high < 0)
    return bool(low <= 0 <= high)


def difference_shares(default: Any, members: Sequence[Any],
                      confidence: float) -> pd.DataFrame:
    """In what share of members each difference found with the defaults holds.

    Args:
        default: The comparison with the defaults (:class:`analysis.compare.Comparison`).
        members: The same comparison in each member.
        confidence: Confidence of the intervals.

    Returns:
        One row per difference: ``scenario``, ``reference``, ``kind`` (``outcome`` or
        ``measure``), ``name``, ``default_diff``, ``default_beyond_chance``, ``members``,
        ``same_direction`` and ``beyond_chance`` (members in which the difference points
        the same way as with the defaults, and does so beyond chance: its interval
        excludes 0; where the defaults show no difference at all, both count the members
        that show none and whose interval holds 0),
        ``share_same_direction``, ``share_beyond_chance``. Outcome classes that occur in
        no run anywhere are left out.
    """
    base = _diff_rows(default, confidence)
    keys = ["scenario", "kind", "name"]
    per_member = [_diff_rows(m, confidence).set_index(keys) for m in members]
    rows = []
    for _, r in base.iterrows():
        key = (r["scenario"], r["kind"], r["name"])
        direction = _direction(r["diff"])
        found = [m.loc[key] for m in per_member if key in m.index]
        if direction == 0 and all(_direction(f["diff"]) == 0 for f in found):
            continue  # an outcome that never occurs: nothing to say
        same = sum(_direction(f["diff"]) == direction for f in found)
        beyond = sum(_direction(f["diff"]) == direction
                     and _beyond_chance(direction, f["low"], f["high"]) for f in found)
        n = len(found)
        rows.append({"scenario": r["scenario"], "reference": r["reference"], "kind": r["kind"],
                     "name": r["name"], "default_diff": float(r["diff"]),
                     "default_beyond_chance": bool(direction != 0 and _beyond_chance(
                         direction, r["low"], r["high"])),
                     "members": n, "same_direction": same, "beyond_chance": beyond,
                     "share_same_direction": same / n if n else np.nan,
                     "share_beyond_chance": beyond / n if n else np.nan})
    return pd.DataFrame(rows, columns=["scenario", "reference", "kind", "name", "default_diff",
                                       "default_beyond_chance", "members", "same_direction",
                                       "beyond_chance", "share_same_direction",
                                       "share_beyond_chance"])
