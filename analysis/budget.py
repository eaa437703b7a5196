"""The planner's question: the smallest budget that gives a network a good chance of success.

The smallest monthly coordination budget at which the network succeeds with a
stated probability and confidence (S28, S25, S36; pattern P2). Success is an
outcome class right for the lifecycle (:func:`success_outcomes`): thriving for
an ongoing network; thriving or completed for one that ends at its goal. Below,
"P(thriving)" stands for the probability of success so defined.

**Search.** P(thriving) is assumed to rise with the budget (pattern P2). A
budget *passes* when the one-sided lower confidence bound of P(thriving)
there reaches the target, and *fails* when the one-sided upper bound is below
it; bounds are Wilson score bounds from statsmodels. Each budget tried gets
replications in batches until it passes or fails, or until the cap of
replications is reached (then it counts as not passing). Because the data are
looked at after every batch, a failure — which is final — needs the upper
bound at a Bonferroni share of the allowed error (one-sided confidence
``1 - (1 - C) / looks``); a pass is checked again (below). Bisection
between the highest budget not passing and the lowest passing one narrows the
answer to ``resolution`` euros. So replications are spent where the answer is
uncertain — near the threshold — and budgets far from it are settled after
one batch, instead of filling a dense grid.

**Confirmation.** The lowest of several budgets that passed is favoured by
luck (a search on synthetic curves without this step put the answer below
the true crossing in 29% of searches at a nominal 10%). The pick is therefore
confirmed with fresh replications (a second block of seeds) in one look at the
nominal confidence; if it is not confirmed, the budget steps up by doubling
steps until one is. On the same synthetic curves the confirmed answer fell
below the crossing in 1.5% of 200 searches, and the interval below held the
crossing in 90% (``tests/test_budget.py`` checks this). More replications bring the answer closer
to the crossing: with 40, confirming P >= 0.8 at 90% needs about 36 thriving
runs, i.e. a budget where P(thriving) is nearer 0.9.

**Common random numbers.** Replication r uses the same seed at every budget
(seeds from ``numpy.random.SeedSequence``), so differences between budgets are
not blurred by different luck.

**Answer and interval.** The answer is the lowest confirmed budget. The budget
at which P(thriving) actually crosses the target lies above the highest
budget that failed and at most at the answer; that range is the interval.

The search takes a ``simulate(budget_eur, seed)`` callable returning a bool
(thrived) or a :class:`RunRecord`, so that tests can plug in a synthetic
response and the command line a real model run.
"""

from __future__ import annotations

import enum
import itertools
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analysis import defaults
from analysis.intervals import IntervalMethod, one_sided_bounds
from model import PARAMETERS, NetworkModel, Outcome, Params
from model.params import WEEKS_PER_MONTH, Lifecycle
from verkosto.i18n import N_

DEFAULT_CONFIDENCE = defaults.BUDGET_CONFIDENCE
DEFAULT_REPLICATIONS = defaults.BUDGET_REPLICATIONS
DEFAULT_BATCH = defaults.BUDGET_BATCH
DEFAULT_RESOLUTION_EUR = defaults.BUDGET_RESOLUTION_EUR
DEFAULT_MAX_EUR = defaults.BUDGET_MAX_EUR

SCAN_FRACTIONS = (0.75, 0.5, 0.25)
"""When the maximum does not pass, these fractions of it are tried before giving up
(the curve may not be monotone)."""

PROBE_REPLICATIONS = 16
"""Replications per alternative lever when the target is out of reach."""

PROBE_GAIN = 0.1
"""A lever counts as a limit when it raises P(thriving) by at least this much."""

BUDGET_KEY = "coordination_budget_eur"

ENDING_LIFECYCLES = (Lifecycle.PROJECT, Lifecycle.CLIENT_PROCESS)
"""Lifecycles that end when their goal is reached (S30, S32): their runs end *completed*
when they succeed."""


def success_outcomes(params: Params) -> tuple[str, ...]:
    """The outcome classes that count as success for this network's lifecycle.

    A network that ends at its goal (a project or a client process) succeeds when it
    completes, or is still thriving at the end of the run; an ongoing network succeeds
    only when it thrives.
    """
    if params.lifecycle in ENDING_LIFECYCLES:
        return (Outcome.THRIVING.value, Outcome.COMPLETED.value)
    return (Outcome.THRIVING.value,)

MapFn = Callable[..., Iterable[Any]]
"""``map``-like: ``mapper(fn, budgets, seeds)`` yields ``fn(budget, seed)`` in order
(builtin ``map`` or ``concurrent.futures.Executor.map``)."""


class Decision(enum.StrEnum):
    """What the replications so far say about a budget."""

    PASSES = "passes"
    FAILS = "fails"
    UNSURE = "unsure"


@dataclass(frozen=True)
class RunRecord:
    """What one real run tells the budget search.

    Attributes:
        success: Whether the run ended in an outcome counted as success
            (:func:`success_outcomes`).
        outcome: The outcome class.
        weeks: Weeks run.
        spend_breakdown_eur: Money spent per item over the run (EUR).
        hidden_cost_eur: Participants' own hours at their wage over the run (EUR).
        coordinator_hours: The coordinator's paid hours over the run.
        hidden_hours: Participants' own hours over the run (all of them together).
    """

    success: bool
    outcome: str
    weeks: int
    spend_breakdown_eur: Mapping[str, float]
    hidden_cost_eur: float
    coordinator_hours: float = 0.0
    hidden_hours: float = 0.0


def succeeded(result: bool | RunRecord) -> bool:
    """Whether a simulation result counts as success."""
    return bool(result.success) if isinstance(result, RunRecord) else bool(result)


@dataclass
class BudgetPoint:
    """Replications at one budget.

    Attributes:
        budget_eur: Monthly budget.
        results: What each replication returned, in seed order.
        decision: Pass, fail or unsure after these replications.
        low: One-sided lower bound of P(thriving).
        high: One-sided upper bound of P(thriving).
        stage: ``search`` or ``confirm`` (fresh replications).
    """

    budget_eur: float
    results: list[Any] = field(default_factory=list)
    decision: Decision = Decision.UNSURE
    low: float = 0.0
    high: float = 1.0
    stage: str = "search"

    @property
    def runs(self) -> int:
        """Replications made."""
        return len(self.results)

    @property
    def successes(self) -> int:
        """Replications counted as success."""
        return sum(succeeded(r) for r in self.results)

    @property
    def probability(self) -> float:
        """Share of replications counted as success."""
        return self.successes / self.runs if self.runs else float("nan")


@dataclass
class BudgetResult:
    """Outcome of the search.

    Attributes:
        target: Target probability of thriving.
        confidence: One-sided confidence.
        max_budget_eur: Largest budget considered.
        min_budget_eur: Smallest passing budget (None when none up to the maximum).
        interval: Range holding the budget where P(thriving) crosses the target:
            (highest failing budget below the answer, or 0; the answer).
        points: Every budget tried in the search (lower bounds at ``confidence``,
            upper bounds at ``look_confidence``).
        monotone: False if a passing budget lies below a failing one.
        confirmations: Budgets confirmed with fresh replications (bounds at
            ``confidence``); the answer is the one that passed.
        look_confidence: One-sided confidence of a failure during the search.
    """

    target: float
    confidence: float
    max_budget_eur: float
    min_budget_eur: float | None
    interval: tuple[float, float] | None
    points: dict[float, BudgetPoint]
    monotone: bool = True
    confirmations: dict[float, BudgetPoint] = field(default_factory=dict)
    look_confidence: float | None = None

    @property
    def reachable(self) -> bool:
        """Whether some budget up to the maximum passes."""
        return self.min_budget_eur is not None

    @property
    def total_runs(self) -> int:
        """Simulations made in the whole search, confirmations included."""
        return sum(p.runs for p in [*self.points.values(), *self.confirmations.values()])

    def at(self, budget: float) -> BudgetPoint:
        """The search's point at ``budget``."""
        return self.points[budget]

    def confirmed(self, budget: float) -> BudgetPoint:
        """The confirmation at ``budget``."""
        return self.confirmations[budget]

    def curve(self) -> pd.DataFrame:
        """The tried budgets, sorted by budget.

        Columns: ``budget_eur``, ``stage`` (``search`` or ``confirm``), ``runs``,
        ``successes``, ``probability``, ``low``, ``high`` (one-sided bounds at the
        stage's confidence), ``decision``.
        """
        rows = [{"budget_eur": p.budget_eur, "stage": stage, "runs": p.runs,
                 "successes": p.successes, "probability": p.probability, "low": p.low,
                 "high": p.high, "decision": p.decision.value}
                for stage, points in (("search", self.points), ("confirm", self.confirmations))
                for p in points.values()]
        cols = ["budget_eur", "stage", "runs", "successes", "probability", "low", "high",
                "decision"]
        return (pd.DataFrame(rows, columns=cols).sort_values(["budget_eur", "stage"],
                                                             ascending=[True, False])
                .reset_index(drop=True))


def replication_seeds(master_seed: int, replications: int) -> list[int]:
    """Integer seeds of replications 0..n-1: children of ``SeedSequence(master_seed)``."""
    children = np.random.SeedSequence(master_seed).spawn(replications)
    return [int(c.generate_state(1)[0]) for c in children]


def _check(target: float, confidence: float, max_budget: float, replications: int,
           batch: int, resolution: float) -> None:
    if not 0.0 < target < 1.0:
        raise ValueError(f"target must be a probability strictly between 0 and 1, got {target}")
    if not 0.5 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0.5 and 1 (exclusive), got {confidence}")
    if max_budget <= 0:
        raise ValueError(f"the maximum budget must be positive, got {max_budget}")
    if replications < 1 or batch < 1:
        raise ValueError("replications and batch must be at least 1")
    if resolution <= 0:
        raise ValueError(f"resolution must be positive, got {resolution}")


def fewest_replications(target: float, confidence: float,
                        method: IntervalMethod = IntervalMethod.WILSON) -> int:
    """The fewest runs at one budget that can show P(success) >= ``target`` at all: with
    fewer, even a success in every run leaves the one-sided lower bound at ``confidence``
    below the target, so no budget passes and the search reports none as enough.

    Example:
        >>> fewest_replications(0.8, 0.9)
        7
    """
    def enough(n: int) -> bool:
        return one_sided_bounds(n, n, confidence, method)[0] >= target

    high = 1
    while not enough(high):  # the bound of n out of n rises to 1 as n grows
        high *= 2
    low = high // 2  # not enough (or 0)
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (low, mid) if enough(mid) else (mid, high)
    return high


class _Search:
    """State of one search: points tried and how to add replications.

    Screening looks at the data after every batch. A budget fails when its
    upper bound at a Bonferroni share of the allowed error (one-sided
    confidence ``1 - (1 - confidence) / looks``, ``looks`` the most batches a
    budget can get) is below the target: a failure is final and bounds the
    interval. It passes at the nominal confidence, because a pass is checked
    again: a confirmation is one look at fresh replications at the nominal
    confidence.
    """

    def __init__(self, simulate: Callable[[float, int], Any], target: float,
                 confidence: float, seeds: Sequence[int], confirm_seeds: Sequence[int],
                 batch: int, mapper: MapFn, method: IntervalMethod,
                 progress: Callable[[BudgetPoint], None] | None):
        self.simulate, self.target, self.confidence = simulate, target, confidence
        self.seeds, self.confirm_seeds = seeds, confirm_seeds
        self.batch, self.mapper, self.method = batch, mapper, method
        self.progress = progress
        looks = math.ceil(len(seeds) / batch)
        self.look_confidence = 1.0 - (1.0 - confidence) / looks
        self.points: dict[float, BudgetPoint] = {}
        self.confirmations: dict[float, BudgetPoint] = {}

    def _decide(self, point: BudgetPoint, confidence: float,
                fail_confidence: float | None = None) -> None:
        point.low, _ = one_sided_bounds(point.successes, point.runs, confidence, self.method)
        _, point.high = one_sided_bounds(point.successes, point.runs,
                                         fail_confidence or confidence, self.method)
        if point.low >= self.target:
            point.decision = Decision.PASSES
        elif point.high < self.target:
            point.decision = Decision.FAILS
        if self.progress is not None:
            self.progress(point)

    def evaluate(self, budget: float) -> BudgetPoint:
        """Add replications at ``budget`` until it passes, fails or reaches the cap."""
        point = self.points.setdefault(budget, BudgetPoint(budget))
        cap = len(self.seeds)
        while point.decision is Decision.UNSURE and point.runs < cap:
            k = min(self.batch, cap - point.runs)
            seeds = self.seeds[point.runs:point.runs + k]
            point.results.extend(self.mapper(self.simulate, [budget] * k, seeds))
            # A pass is checked again by the confirmation; a failure is final and bounds
            # the interval, so it is the decision that pays for the repeated looks.
            self._decide(point, self.confidence, self.look_confidence)
        return point

    def confirm(self, budget: float) -> BudgetPoint:
        """Run the fresh confirmation replications at ``budget`` and decide once."""
        if budget not in self.confirmations:
            point = BudgetPoint(budget, stage="confirm")
            n = len(self.confirm_seeds)
            point.results.extend(self.mapper(self.simulate, [budget] * n, self.confirm_seeds))
            self._decide(point, self.confidence)
            self.confirmations[budget] = point
        return self.confirmations[budget]


def _midpoint(low: float, high: float, resolution: float) -> float | None:
    """A budget between low and high on the resolution grid, or None if none is left."""
    mid = round((low + high) / 2.0 / resolution) * resolution
    if not low < mid < high:
        mid = (low + high) / 2.0
    return mid if high - low > resolution else None


def find_min_budget(simulate: Callable[[float, int], Any], target: float, *,
                    confidence: float = DEFAULT_CONFIDENCE,
                    max_budget: float = DEFAULT_MAX_EUR,
                    replications: int = DEFAULT_REPLICATIONS, batch: int = DEFAULT_BATCH,
                    resolution: float = DEFAULT_RESOLUTION_EUR, seed: int = 0,
                    mapper: MapFn = map,
                    method: IntervalMethod | str = IntervalMethod.WILSON,
                    progress: Callable[[BudgetPoint], None] | None = None) -> BudgetResult:
    """Smallest budget at which P(thriving) reaches ``target`` with ``confidence``.

    Args:
        simulate: ``simulate(budget_eur, seed)`` -> bool (thrived) or :class:`RunRecord`.
        target: Target probability of thriving, in (0, 1).
        confidence: One-sided confidence, in (0.5, 1).
        max_budget: Largest monthly budget considered (EUR).
        replications: Cap of replications per budget.
        batch: Replications added at a time.
        resolution: Stop when the bracket is this narrow (EUR).
        seed: Master seed of the replication seeds.
        mapper: ``map``-like function to run a batch (e.g. an executor's ``map``).
        method: Interval method (``wilson`` or ``jeffreys``).
        progress: Called with the point after each batch.

    Returns:
        The answer, its interval and every budget tried.

    Raises:
        ValueError: An argument out of range.
    """
    _check(target, confidence, max_budget, replications, batch, resolution)
    seeds = replication_seeds(seed, 2 * replications)
    search = _Search(simulate, target, confidence, seeds[:replications], seeds[replications:],
                     batch, mapper, IntervalMethod(method), progress)
    high = float(max_budget)
    if search.evaluate(high).decision is not Decision.PASSES:
        passing = [f * max_budget for f in SCAN_FRACTIONS
                   if search.evaluate(f * max_budget).decision is Decision.PASSES]
        if not passing:
            return _result(search, max_budget, None)
        high = min(passing)
    low = 0.0
    if search.evaluate(low).decision is Decision.PASSES:
        high = low
    else:
        # Budgets already tried below `high` narrow the bracket for free.
        low = max(b for b, p in search.points.items()
                  if b < high and p.decision is not Decision.PASSES)
        while (mid := _midpoint(low, high, resolution)) is not None:
            if search.evaluate(mid).decision is Decision.PASSES:
                high = mid
            else:
                low = mid
        # The answer is conservative (it must be confirmed); the crossing itself may lie
        # lower, among budgets left unsure. Bisect between the highest failing budget and
        # the lowest one not failing, so that the interval says where it is.
        low = _highest(search.points, Decision.FAILS, below=high)
        while low is not None:
            upper = min(b for b, p in search.points.items()
                        if b > low and p.decision is not Decision.FAILS)
            mid = _midpoint(low, upper, resolution)
            if mid is None:
                break
            decision = search.evaluate(mid).decision
            if decision is Decision.FAILS:
                low = mid
            elif decision is Decision.PASSES and mid < high:
                high = mid  # confirmed lower than the first bisection found
    # Picking the lowest of several budgets that passed favours lucky ones; fresh
    # replications confirm the pick, stepping up (by doubling steps) while they do not.
    step = resolution
    while search.confirm(high).decision is not Decision.PASSES:
        if high >= max_budget:
            return _result(search, max_budget, None)
        high = min(float(max_budget), high + step)
        step *= 2
    return _result(search, max_budget, high)


def _result(search: _Search, max_budget: float, answer: float | None) -> BudgetResult:
    """The search's result with ``answer`` (None: out of reach) and its interval."""
    interval = None
    if answer is not None:
        below = [b for b, p in [*search.points.items(), *search.confirmations.items()]
                 if b < answer and p.decision is Decision.FAILS]
        interval = (max(below) if below else 0.0, answer)
    return BudgetResult(search.target, search.confidence, max_budget, answer, interval,
                        search.points, _monotone(search.points), search.confirmations,
                        search.look_confidence)


def _highest(points: Mapping[float, BudgetPoint], decision: Decision,
             below: float) -> float | None:
    """The highest budget below ``below`` with ``decision``, or None."""
    found = [b for b, p in points.items() if b < below and p.decision is decision]
    return max(found) if found else None


def _monotone(points: Mapping[float, BudgetPoint]) -> bool:
    """False when some passing budget lies below a failing one."""
    passing = [b for b, p in points.items() if p.decision is Decision.PASSES]
    failing = [b for b, p in points.items() if p.decision is Decision.FAILS]
    return not passing or not failing or min(passing) > max(failing)


# ---------------------------------------------------------------------- real runs
@dataclass(frozen=True)
class ScenarioSimulator:
    """``simulate(budget, seed)`` for a scenario: one model run with that budget.

    Picklable, so that worker processes can run it.

    Attributes:
        params: The scenario's parameters (the budget is replaced per call).
        steps: Weeks per run.
        success: Outcome classes counted as success (default: :func:`success_outcomes`
            of ``params``).
    """

    params: Params
    steps: int
    success: tuple[str, ...] | None = None

    def __call__(self, budget_eur: float, seed: int) -> RunRecord:
        """Run the model once and report whether it succeeded, with its costs."""
        model = NetworkModel(rng=int(seed), params=self.params.replace(
            **{BUDGET_KEY: float(budget_eur)}))
        model.run_for(self.steps)
        coordination = model.evaluation()["coordination"]
        outcome = model.outcome
        spend = dict(coordination["spend_breakdown_eur"])
        wage = model.params.coordinator_wage_eur
        hours = spend.get("coordinator_hours", 0.0) / wage if wage > 0 else 0.0
        success = self.success or success_outcomes(self.params)
        # Weeks the network ran: an ended project spends nothing after its end.
        weeks = model.steps if model.ended_at is None else model.ended_at
        return RunRecord(outcome in success, outcome, int(weeks),
                         spend, float(coordination["hidden_cost_eur"]), float(hours),
                         float(model.hidden_hours))


COST_LABELS: dict[str, str] = {
    "coordinator_hours": N_("coordinator's paid time (wage)"),
    "rooms": N_("meeting rooms"),
    "coffee": N_("coffee and refreshments"),
    "travel": N_("travel"),
    "channels": N_("communication channels"),
}
"""Plain-language names of the spending items (S28): English msgids, kept English in
``budget.json`` and translated where printed."""


FULL_TIME_HOURS_PER_WEEK = 37.5
"""Hours of one full-time equivalent (FTE) per week: 7.5-hour days, the common Finnish
office week (an assumption; the coordinator's FTE is hours per week over this)."""

MONTHS_PER_YEAR = 12


def cost_breakdown(records: Iterable[Any]) -> dict[str, float] | None:
    """Mean spending per item over runs, plus the coordinator's and participants' hours.

    Args:
        records: Results at one budget; only :class:`RunRecord` entries count.

    Returns:
        Means over the runs. EUR per month: one entry per spending item,
        ``spent_total`` and ``hidden_cost`` (participants' own hours at their
        wage, borne by their organisations). Hours per week:
        ``coordinator_hours_per_week`` (with ``coordinator_fte``, full-time
        equivalents of :data:`FULL_TIME_HOURS_PER_WEEK`) and
        ``hidden_hours_per_week`` (all participants together). Per run:
        ``weeks_run``, ``spent_per_run`` and ``hidden_cost_per_run`` (EUR). None if no
        record carries costs.
    """
    rows = []
    for r in records:
        if not isinstance(r, RunRecord) or r.weeks <= 0:
            continue
        per_month = WEEKS_PER_MONTH / r.weeks
        row = {k: v * per_month for k, v in r.spend_breakdown_eur.items()}
        row["spent_total"] = sum(r.spend_breakdown_eur.values()) * per_month
        row["hidden_cost"] = r.hidden_cost_eur * per_month
        row["coordinator_hours_per_week"] = r.coordinator_hours / r.weeks
        row["coordinator_fte"] = row["coordinator_hours_per_week"] / FULL_TIME_HOURS_PER_WEEK
        row["hidden_hours_per_week"] = r.hidden_hours / r.weeks
        # What a whole run cost, for networks that end early (a project reaching its goal):
        # per month alone hides how long the money was spent.
        row["weeks_run"] = float(r.weeks)
        row["spent_per_run"] = sum(r.spend_breakdown_eur.values())
        row["hidden_cost_per_run"] = r.hidden_cost_eur
        rows.append(row)
    if not rows:
        return None
    frame = pd.DataFrame(rows).fillna(0.0)
    return {k: float(v) for k, v in frame.mean().items()}


def cost_rows(costs: Mapping[str, float]) -> list[dict[str, Any]]:
    """The cost breakdown as table rows: item, EUR per month, EUR per year.

    Money items first (:data:`COST_LABELS`), then the total spent, then the
    participants' own hours (the organisations' hidden cost), which the budget
    does not pay.
    """
    rows = [{"item": label, "eur_per_month": costs[key],
             "eur_per_year": costs[key] * MONTHS_PER_YEAR, "paid_by": "coordination budget"}
            for key, label in COST_LABELS.items() if key in costs]
    rows.append({"item": N_("spent in all"), "eur_per_month": costs.get("spent_total", 0.0),
                 "eur_per_year": costs.get("spent_total", 0.0) * MONTHS_PER_YEAR,
                 "paid_by": "coordination budget"})
    rows.append({"item": N_("participants' own working hours"),
                 "eur_per_month": costs.get("hidden_cost", 0.0),
                 "eur_per_year": costs.get("hidden_cost", 0.0) * MONTHS_PER_YEAR,
                 "paid_by": "member organisations (hidden cost)"})
    return rows


def estimate_dips(curve: pd.DataFrame) -> list[dict[str, Any]]:
    """Where the search's estimate of P(thriving) falls as the budget rises.

    Pattern P2 says P(thriving) rises with the budget; with the same seeds at
    every budget, an estimate that falls from one budget tried to the next is
    either noise or a real dip, and the planner should see it.

    Args:
        curve: :meth:`BudgetResult.curve` (only ``search`` rows are compared).

    Returns:
        One dict per fall: ``from_eur``, ``from_successes``, ``from_runs``,
        ``to_eur``, ``to_successes``, ``to_runs``, ``from_probability``,
        ``to_probability``.
    """
    search = curve[curve["stage"] == "search"].sort_values("budget_eur")
    dips = []
    rows = list(search.itertuples(index=False))
    for a, b in itertools.pairwise(rows):
        if b.probability < a.probability:
            dips.append({"from_eur": float(a.budget_eur), "from_successes": int(a.successes),
                         "from_runs": int(a.runs), "from_probability": float(a.probability),
                         "to_eur": float(b.budget_eur), "to_successes": int(b.successes),
                         "to_runs": int(b.runs), "to_probability": float(b.probability)})
    return dips


def budget_table(result: BudgetResult, success: Sequence[str] = ()) -> pd.DataFrame:
    """One row per budget tried, for a spreadsheet (``budget.csv``).

    ``success_outcomes`` names the outcome classes counted as success (``successes``,
    ``p_success``), separated by ``;``.

    Columns: ``budget_eur_per_month``, ``stage``, ``runs``, ``successes``,
    ``p_success``, ``p_lower_bound``, ``p_upper_bound`` (one-sided bounds),
    ``decision``, then the mean cost of the runs at that budget: each spending
    item (the coordinator's wage as ``coordinator_pay``) and the total in EUR per
    year, ``coordinator_hours_per_week``, ``coordinator_fte``, ``participant_hours_per_week`` and
    ``participant_cost_eur_per_year`` (the organisations' hidden cost).
    """
    rows = []
    for stage, points in (("search", result.points), ("confirm", result.confirmations)):
        for p in points.values():
            row: dict[str, Any] = {
                "budget_eur_per_month": p.budget_eur, "stage": stage,
                "success_outcomes": ";".join(success), "runs": p.runs,
                "successes": p.successes, "p_success": p.probability, "p_lower_bound": p.low,
                "p_upper_bound": p.high, "decision": p.decision.value}
            costs = cost_breakdown(p.results) or {}
            for key in COST_LABELS:
                name = "coordinator_pay" if key == "coordinator_hours" else key
                row[f"{name}_eur_per_year"] = costs.get(key, 0.0) * MONTHS_PER_YEAR
            row["spent_total_eur_per_year"] = costs.get("spent_total", 0.0) * MONTHS_PER_YEAR
            row["coordinator_hours_per_week"] = costs.get("coordinator_hours_per_week", 0.0)
            row["coordinator_fte"] = costs.get("coordinator_fte", 0.0)
            row["participant_hours_per_week"] = costs.get("hidden_hours_per_week", 0.0)
            row["participant_cost_eur_per_year"] = costs.get("hidden_cost", 0.0) * MONTHS_PER_YEAR
            rows.append(row)
    return (pd.DataFrame(rows).sort_values(["budget_eur_per_month", "stage"],
                                           ascending=[True, False]).reset_index(drop=True))


# ---------------------------------------------------------------------- other limits
class Lever(enum.StrEnum):
    """Something other than money that may limit a network (asked when no budget suffices)."""

    TIME_ALLOCATION = "time_allocation_hours"
    TURNOVER = "turnover_per_year"
    FACILITATION = "facilitation"
    STRUCTURE = "structure"
    LEADERSHIP = "leadership_depth"
    CULTURE = "culture_mean"

    def describe(self) -> str:
        """What the lever changes, in plain language, with its claim (English: a msgid,
        translated where printed).
        """
        return {
            Lever.TIME_ALLOCATION: N_("organisations allow twice the working time (S16)"),
            Lever.TURNOVER: N_("staff turnover halves (S18)"),
            Lever.FACILITATION: N_("the coordinator facilitates more skilfully (S25, S26)"),
            Lever.STRUCTURE: N_("formal structure is halved (S25)"),
            Lever.LEADERSHIP: N_("leadership goes one step deeper (S27)"),
            Lever.CULTURE: N_("organisations' networking culture improves (S16)"),
        }[self]

    def override(self, params: Params) -> dict[str, Any]:
        """The changed parameter value, within its declared bounds."""
        info = PARAMETERS[self.value]
        now = getattr(params, self.value)
        step = {
            Lever.TIME_ALLOCATION: max(2.0 * now, info.default) - now,
            Lever.TURNOVER: -0.5 * now,
            Lever.FACILITATION: 0.3,
            Lever.STRUCTURE: -0.5 * now,
            Lever.LEADERSHIP: 1,
            Lever.CULTURE: 0.2,
        }[self]
        value = min(info.high, max(info.low, now + step))
        return {self.value: info.type(value)}


@dataclass(frozen=True)
class LeverEffect:
    """P(thriving) at the maximum budget with one lever pulled.

    Attributes:
        lever: The lever.
        change: The parameter change made.
        probability: Share of runs thriving.
        low: One-sided lower bound.
        high: One-sided upper bound.
        runs: Replications.
        gain: Change in P(thriving) against the scenario as it is.
    """

    lever: Lever
    change: dict[str, Any]
    probability: float
    low: float
    high: float
    runs: int
    gain: float


def probe_levers(make_simulate: Callable[[Params], Callable[[float, int], Any]],
                 params: Params, budget: float, baseline: float, *, confidence: float,
                 replications: int = PROBE_REPLICATIONS, seed: int = 0,
                 mapper: MapFn = map, levers: Sequence[Lever] = tuple(Lever),
                 ) -> list[LeverEffect]:
    """Rerun at ``budget`` with each lever pulled; strongest effect first.

    Args:
        make_simulate: Builds ``simulate(budget, seed)`` for changed parameters.
        params: The scenario's parameters.
        budget: The budget to hold (the maximum searched).
        baseline: P(thriving) of the scenario as it is at that budget.
        confidence: One-sided confidence of the bounds.
        replications: Runs per lever.
        seed: Master seed (the same seeds as the search).
        mapper: ``map``-like runner.
        levers: Levers to try (those that change nothing are skipped).
    """
    seeds = replication_seeds(seed, replications)
    effects = []
    for lever in levers:
        change = lever.override(params)
        if change[lever.value] == getattr(params, lever.value):
            continue
        simulate = make_simulate(params.replace(**change))
        results = list(mapper(simulate, [budget] * len(seeds), seeds))
        k = sum(succeeded(r) for r in results)
        low, high = one_sided_bounds(k, len(results), confidence)
        p = k / len(results)
        effects.append(LeverEffect(lever, change, p, low, high, len(results), p - baseline))
    return sorted(effects, key=lambda e: -e.gain)


def limiting(effects: Iterable[LeverEffect], min_gain: float = PROBE_GAIN) -> Iterator[LeverEffect]:
    """The levers whose pull raises P(thriving) by at least ``min_gain``."""
    return (e for e in effects if e.gain >= min_gain)
