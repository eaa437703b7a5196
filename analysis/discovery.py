"""Scenario discovery: which combinations of parameter ranges lead to an outcome.

A shallow ``sklearn.tree.DecisionTreeClassifier`` splits the sampled
parameter space into boxes; each leaf where the outcome of interest is the
majority becomes a readable rule ("coordination_budget_eur above 810 EUR/month
and time_allocation_hours above 4 h/person/month"). Each rule is scored as in
PRIM (Friedman & Fisher 1999; Bryant & Lempert 2010):

- **coverage** — share of all runs with the outcome that fall inside the box;
- **density** — share of the runs inside the box that have the outcome;
- **support** — share of all runs inside the box.

A shallow tree (depth 2-3) keeps the rules short enough to read; leaves must
hold a minimum share of the runs so that a rule never rests on a handful.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeClassifier

from analysis.text import number, pct
from model import PARAMETERS
from verkosto import i18n
from verkosto.i18n import _, ngettext

DEFAULT_MAX_DEPTH = 3
"""Deepest rule: at most this many conditions, so rules stay readable."""

DEFAULT_MIN_LEAF_SHARE = 0.05
"""Smallest box, as a share of all runs."""

DEFAULT_MIN_DENSITY = 0.5
"""A box is reported when at least this share of its runs has the outcome."""

_UNITLESS = frozenset({"", "flag", "0-1", "share", "probability", "fraction", "relative",
                       "weight", "factor", "x"})  # say no unit


def _has_unit(unit: str) -> bool:
    """Whether a declared unit reads well after a number ("5 h/week", not "2 level 1-4")."""
    return unit not in _UNITLESS and not unit.startswith("level") and not unit.startswith("x ")
_ONE_HOT = "="  # separator of one-hot column names: "purpose=learning"


@dataclass(frozen=True)
class Condition:
    """One parameter's range inside a box.

    Attributes:
        parameter: Parameter name.
        low: Exclusive lower limit (None when unbounded below).
        high: Inclusive upper limit (None when unbounded above).
        equals: For a categorical parameter, the values it must take.
        excludes: For a categorical parameter, the values it must not take.
        inclusive: The lower limit is inclusive too (PRIM's boxes are closed).
    """

    parameter: str
    low: float | None = None
    high: float | None = None
    equals: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    inclusive: bool = False

    def mask(self, frame: pd.DataFrame) -> np.ndarray:
        """Which rows of ``frame`` satisfy the condition."""
        col = frame[self.parameter]
        ok = np.ones(len(frame), dtype=bool)
        if self.equals:
            ok &= col.astype(str).isin(self.equals).to_numpy()
        if self.excludes:
            ok &= ~col.astype(str).isin(self.excludes).to_numpy()
        if self.low is not None:
            x = col.astype(float)
            ok &= (x >= self.low if self.inclusive else x > self.low).to_numpy()
        if self.high is not None:
            ok &= (col.astype(float) <= self.high).to_numpy()
        return ok

    def text(self) -> str:
        """Plain-language form, with the parameter's unit."""
        info = PARAMETERS.get(self.parameter)
        unit = f" {i18n.unit_name(info.unit)}" if info is not None and _has_unit(info.unit) else ""
        name = self.parameter
        if self.equals:
            return _("{name} is {values}").format(name=name, values=_(" or ").join(self.equals))
        if self.excludes:
            return _("{name} is not {values}").format(name=name,
                                                      values=_(" or ").join(self.excludes))
        low, high, inclusive = self.low, self.high, self.inclusive
        if info is not None and info.type is int:
            # Whole numbers: "above 2.5" is "at least 3", "at most 2.5" is "at most 2".
            if low is not None:
                low, inclusive = float(math.floor(low) + 1 if not inclusive else
                                       math.ceil(low)), True
            if high is not None:
                high = float(math.floor(high))
        values = {"name": name, "low": number(low), "high": number(high), "unit": unit}
        if low is not None and high is not None:
            if low == high:
                return "{name} = {low}{unit}".format(**values)
            return (_("{name} from {low} to {high}{unit}") if inclusive else
                    _("{name} above {low} and at most {high}{unit}")).format(**values)
        if low is not None:
            return (_("{name} at least {low}{unit}") if inclusive else
                    _("{name} above {low}{unit}")).format(**values)
        return _("{name} at most {high}{unit}").format(**values)


@dataclass(frozen=True)
class Rule:
    """A box in parameter space and how well it captures the outcome.

    Attributes:
        outcome: Name of the outcome of interest (e.g. ``thriving``).
        conditions: The box, one condition per parameter.
        coverage: Share of runs with the outcome that fall in the box.
        density: Share of runs in the box that have the outcome.
        support: Share of all runs in the box.
        runs: Runs in the box.
    """

    outcome: str
    conditions: tuple[Condition, ...]
    coverage: float
    density: float
    support: float
    runs: int

    def text(self) -> str:
        """The rule as one readable line."""
        body = _(" and ").join(c.text() for c in self.conditions) or _("any parameters")
        return ngettext("{outcome} when {body} (coverage {coverage}, density {density}, {n} run)",
                        "{outcome} when {body} (coverage {coverage}, density {density}, {n} "
                        "runs)", self.runs).format(
            outcome=self.outcome, body=body, coverage=pct(self.coverage),
            density=pct(self.density), n=self.runs)

    def mask(self, frame: pd.DataFrame) -> np.ndarray:
        """Which rows of ``frame`` fall in the box."""
        ok = np.ones(len(frame), dtype=bool)
        for c in self.conditions:
            ok &= c.mask(frame)
        return ok

    def as_dict(self) -> dict[str, object]:
        """Plain JSON-able form."""
        return {"outcome": self.outcome, "rule": self.text(), "coverage": self.coverage,
                "density": self.density, "support": self.support, "runs": self.runs}


@dataclass
class Discovery:
    """Rules for one outcome, with the base rate they improve on.

    Attributes:
        outcome: Name of the outcome of interest.
        base_rate: Share of all runs with the outcome.
        rules: Boxes where the outcome is the majority, densest first.
        parameters: Parameters the tree could split on.
    """

    outcome: str
    base_rate: float
    rules: list[Rule] = field(default_factory=list)
    parameters: list[str] = field(default_factory=list)


def _is_numeric(col: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)


def _design(frame: pd.DataFrame, parameters: Sequence[str]) -> pd.DataFrame:
    """Numeric design matrix: numbers as they are, categories and flags one-hot."""
    cols = {}
    for p in parameters:
        col = frame[p]
        if _is_numeric(col):
            cols[p] = col.astype(float)
        else:
            text = col.astype(str)
            for value in sorted(text.unique()):
                cols[f"{p}{_ONE_HOT}{value}"] = (text == value).astype(float)
    return pd.DataFrame(cols, index=frame.index)


def _leaf_conditions(tree: DecisionTreeClassifier, names: list[str]) -> dict[int, list]:
    """For each leaf, the list of (feature name, op, threshold) on its path."""
    t = tree.tree_
    out: dict[int, list] = {}
    stack: list[tuple[int, list]] = [(0, [])]
    while stack:
        node, path = stack.pop()
        left, right = t.children_left[node], t.children_right[node]
        if left == right:  # leaf
            out[node] = path
            continue
        name, thr = names[t.feature[node]], float(t.threshold[node])
        stack.append((left, [*path, (name, "<=", thr)]))
        stack.append((right, [*path, (name, ">", thr)]))
    return out


def _merge(path: list) -> tuple[Condition, ...]:
    """Merge a path's splits into one condition per parameter."""
    ranges: dict[str, dict[str, object]] = {}
    for name, op, thr in path:
        if _ONE_HOT in name:
            param, value = name.split(_ONE_HOT, 1)
            r = ranges.setdefault(param, {"equals": set(), "excludes": set()})
            # One-hot split at 0.5: "<=" means the value is absent.
            r["excludes" if op == "<=" else "equals"].add(value)
        else:
            r = ranges.setdefault(name, {"low": None, "high": None})
            if op == ">":
                r["low"] = thr if r["low"] is None else max(r["low"], thr)
            else:
                r["high"] = thr if r["high"] is None else min(r["high"], thr)
    conds = []
    for param, r in ranges.items():
        if "equals" in r:
            eq = tuple(sorted(r["equals"]))
            conds.append(Condition(param, equals=eq, excludes=() if eq else
                                   tuple(sorted(r["excludes"]))))
        else:
            conds.append(Condition(param, low=r["low"], high=r["high"]))
    return tuple(conds)


def discover(frame: pd.DataFrame, parameters: Sequence[str], interesting: np.ndarray | pd.Series,
             outcome: str, max_depth: int = DEFAULT_MAX_DEPTH,
             min_leaf_share: float = DEFAULT_MIN_LEAF_SHARE,
             min_density: float = DEFAULT_MIN_DENSITY, seed: int = 0) -> Discovery:
    """Find boxes of parameter space where ``interesting`` runs concentrate.

    Args:
        frame: One row per run with the parameter columns.
        parameters: Columns to split on (the varied parameters).
        interesting: Boolean per run: has the outcome of interest.
        outcome: Name of that outcome, for the rule text.
        max_depth: Depth of the tree (conditions per rule at most).
        min_leaf_share: Smallest box as a share of all runs.
        min_density: Least density of a reported box.
        seed: Seed of the tree's tie-breaking among equally good splits.

    Returns:
        The rules, densest first (ties: larger coverage first).
    """
    y = np.asarray(interesting, dtype=bool)
    n = y.size
    base = float(y.mean()) if n else float("nan")
    result = Discovery(outcome, base, [], list(parameters))
    if n == 0 or not parameters or y.all() or not y.any():
        return result
    x = _design(frame, parameters)
    tree = DecisionTreeClassifier(max_depth=max_depth,
                                  min_samples_leaf=max(1, math.ceil(min_leaf_share * n)),
                                  random_state=seed)
    tree.fit(x.to_numpy(), y)
    total = int(y.sum())
    order = {p: k for k, p in enumerate(parameters)}
    for path in _leaf_conditions(tree, list(x.columns)).values():
        # Conditions in the order the parameters were given, whatever the tree's order.
        conds = tuple(sorted(_merge(path), key=lambda c: order[c.parameter]))
        rule = Rule(outcome, conds, 0.0, 0.0, 0.0, 0)
        inside = rule.mask(frame)
        k = int(inside.sum())
        if k == 0:
            continue
        hits = int((inside & y).sum())
        density = hits / k
        if density < min_density:
            continue
        result.rules.append(Rule(outcome, conds, hits / total, density, k / n, k))
    result.rules.sort(key=lambda r: (-r.density, -r.coverage))
    return result


def rules_table(discoveries: Sequence[Discovery]) -> pd.DataFrame:
    """All rules of several discoveries as one table (outcome, rule, coverage, density, ...)."""
    rows = [r.as_dict() for d in discoveries for r in d.rules]
    return pd.DataFrame(rows, columns=["outcome", "rule", "coverage", "density", "support",
                                       "runs"])
