"""The evaluation table of S33 and S34 over replications.

``NetworkModel.evaluation()`` answers, for one run, the text's evaluation
questions: was the goal reached, what results and spill-over, how did
participants benefit (by role) — S33 — and how did coordination, leadership
and the roles work — S34. Over many runs each answer becomes a row: the share
of runs for a yes/no answer (with its binomial interval), the mean and
interquartile range for a number, the most common value for a label.

A sweep's runs table holds only the final reporter values, not the whole
evaluation; :func:`evaluation_from_runs` builds the rows it can from them
(goal, results, coordination) and says that benefit by role needs the runs
themselves.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from analysis.intervals import DEFAULT_CONFIDENCE, proportion_interval
from analysis.text import number

SECTIONS: dict[str, str] = {
    "goal": "Was the goal reached? (S33)",
    "results": "Results and spill-over (S33)",
    "benefit_by_role": "How participants benefited, by role (S33)",
    "coordination": "How coordination worked (S34)",
    "leadership": "How leadership worked (S34)",
    "roles": "How roles and strengths were realised (S34)",
    "outcome": "Outcome",
    "phase": "Outcome",
}
"""Table sections in order, keyed by the evaluation's top-level keys."""

# Final reporters that answer evaluation questions when only the runs table exists.
_REPORTER_ROWS: dict[str, str] = {
    "goal_progress": "goal.progress",
    "value_created": "results.value_created_last_record",
    "innovations": "results.innovations",
    "knowledge_coverage": "results.knowledge_coverage",
    "cross_org_ties": "results.cross_organisation_ties",
    "trust_density": "results.trust_density",
    "meetings_held": "coordination.meetings_held",
    "coordination_spent_eur": "coordination.spent_eur",
    "hidden_cost_eur": "coordination.hidden_cost_eur",
    "mean_commitment": "results.mean_commitment_of_active",
    "active_share": "results.active_share",
}
_GOAL_DONE = 1.0  # goal_progress at which the goal counts as reached
_QUARTILES = (0.25, 0.75)


def flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested dict to one level with dotted keys (``coordination.spent_eur``)."""
    out: dict[str, Any] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten(value, name + "."))
        else:
            out[name] = value
    return out


def _label(key: str) -> tuple[str, str]:
    head, _, rest = key.partition(".")
    section = SECTIONS.get(head, head.replace("_", " ").capitalize())
    item = (rest or head).replace(".", ": ").replace("_", " ")
    return section, item


def evaluation_table(evaluations: Iterable[Mapping[str, Any]] | pd.DataFrame,
                     confidence: float = DEFAULT_CONFIDENCE) -> pd.DataFrame:
    """Summarise per-run evaluations into the S33/S34 table.

    Args:
        evaluations: ``model.evaluation()`` dicts, or a frame of flattened ones
            (dotted column names).
        confidence: Two-sided confidence of the intervals of shares.

    Returns:
        Columns ``section``, ``item``, ``value`` (text), ``estimate`` (number or
        NaN), ``low``, ``high`` (interval of a share, or interquartile range of a
        number), ``runs``; sections in the order of :data:`SECTIONS`.
    """
    frame = (evaluations if isinstance(evaluations, pd.DataFrame)
             else pd.DataFrame([flatten(e) for e in evaluations]))
    rows = []
    order = list(dict.fromkeys(SECTIONS.values()))
    for key in frame.columns:
        col = frame[key].dropna()
        if col.empty:
            continue
        section, item = _label(key)
        if pd.api.types.is_bool_dtype(col) or col.map(type).isin([bool, np.bool_]).all():
            k, n = int(col.astype(bool).sum()), int(col.size)
            p = proportion_interval(k, n, confidence)
            rows.append((section, item, f"{p.estimate:.0%} of runs "
                         f"({p.low:.0%}-{p.high:.0%})", p.estimate, p.low, p.high, n))
        elif pd.api.types.is_numeric_dtype(col):
            v = col.astype(float).to_numpy()
            q1, q3 = np.quantile(v, _QUARTILES)
            mean = float(v.mean())
            text = number(mean) if v.size == 1 or q1 == q3 else (
                f"{number(mean)} (middle half {number(q1)} to {number(q3)})")
            rows.append((section, item, text, mean, float(q1), float(q3), int(v.size)))
        else:
            counts = col.astype(str).value_counts()
            top = counts.index[0]
            share = counts.iloc[0] / counts.sum()
            text = top if share == 1 else f"{top} ({share:.0%} of runs)"
            rows.append((section, item, text, np.nan, np.nan, np.nan, int(col.size)))
    out = pd.DataFrame(rows, columns=["section", "item", "value", "estimate", "low", "high",
                                      "runs"])
    rank = {s: i for i, s in enumerate(order)}
    out["_rank"] = out["section"].map(lambda s: rank.get(s, len(rank)))
    return out.sort_values("_rank", kind="stable").drop(columns="_rank").reset_index(drop=True)


def evaluation_from_runs(runs: pd.DataFrame,
                         confidence: float = DEFAULT_CONFIDENCE) -> pd.DataFrame:
    """The evaluation table from a sweep's runs table.

    Uses an ``evaluation`` column (dict or JSON text per run) or dotted
    ``evaluation.*`` columns when the sweep stored them, else the final
    reporter values.
    """
    ok = runs[runs["status"] == "ok"] if "status" in runs.columns else runs
    if "evaluation" in ok.columns:
        evals = [json.loads(e) if isinstance(e, str) else e for e in ok["evaluation"]]
        return evaluation_table([e for e in evals if isinstance(e, Mapping)], confidence)
    dotted = [c for c in ok.columns if c.startswith("evaluation.")]
    if dotted:
        frame = ok[dotted].rename(columns=lambda c: c.removeprefix("evaluation."))
        return evaluation_table(frame, confidence)
    frame = pd.DataFrame({new: ok[old] for old, new in _REPORTER_ROWS.items()
                          if old in ok.columns})
    if "goal_progress" in ok.columns:
        frame["goal.reached"] = ok["goal_progress"].astype(float) >= _GOAL_DONE
    if "outcome" in ok.columns:
        frame["outcome"] = ok["outcome"]
    return evaluation_table(frame, confidence)
