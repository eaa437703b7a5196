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
from analysis.text import number, pct
from verkosto import i18n
from verkosto.i18n import N_, _

SECTIONS: dict[str, str] = {
    "goal": N_("Was the goal reached? (S33)"),
    "results": N_("Results and spill-over (S33)"),
    "benefit_by_role": N_("How participants benefited, by role (S33)"),
    "coordination": N_("How coordination worked (S34)"),
    "leadership": N_("How leadership worked (S34)"),
    "roles": N_("How roles and strengths were realised (S34)"),
    "outcome": N_("Outcome"),
    "phase": N_("Outcome"),
}
"""Table sections in order, keyed by the evaluation's top-level keys (English msgids, shown
in the language chosen with ``--lang``)."""

ITEM_WORDS: dict[str, str] = {
    "purpose": N_("purpose"),
    "lifecycle": N_("lifecycle"),
    "reached": N_("reached"),
    "progress": N_("progress"),
    "week_reached": N_("week reached"),
    "ended_on_recognition": N_("ended on recognition"),
    "week_ended": N_("week ended"),
    "value_created": N_("value created"),
    "innovations": N_("innovations"),
    "knowledge_coverage": N_("knowledge coverage"),
    "cross_organisation_ties": N_("cross organisation ties"),
    "trust_density": N_("trust density"),
    "trust_ties": N_("trust ties"),
    "trust_ties_across_organisations": N_("trust ties across organisations"),
    "network_trust": N_("network trust"),
    "trust_ties_per_seat": N_("trust ties per seat"),
    "relationships_kept": N_("relationships kept"),
    "activations": N_("activations"),
    "convener": N_("convener"),
    "people": N_("people"),
    "mean_value_received": N_("mean value received"),
    "mean_commitment": N_("mean commitment"),
    "share_active": N_("share active"),
    "mean_working_groups": N_("mean working groups"),
    "contributor": N_("contributor"),
    "seeker": N_("seeker"),
    "governance": N_("governance"),
    "has_coordinator": N_("has coordinator"),
    "budget_eur_per_month": N_("budget (EUR/month)"),
    "accrued_eur": N_("accrued (EUR)"),
    "spent_eur": N_("spent (EUR)"),
    "spent_per_month_eur": N_("spent per month (EUR/month)"),
    "spend_breakdown_eur": N_("spend breakdown (EUR)"),
    "coordinator_hours": N_("coordinator hours"),
    "rooms": N_("rooms"),
    "coffee": N_("coffee"),
    "travel": N_("travel"),
    "channels": N_("channels"),
    "meetings_held": N_("meetings held"),
    "reach": N_("reach"),
    "hidden_cost_eur": N_("hidden cost (EUR)"),
    "depth": N_("depth"),
    "level": N_("level"),
    "self_organising": N_("self organising"),
    "innovations_per_year": N_("innovations per year"),
    "trust_builder": N_("trust builder"),
    "mean_contacts": N_("mean contacts"),
    "committer": N_("committer"),
    "broker": N_("broker"),
    "goal_builder": N_("goal builder"),
    "assembler": N_("assembler"),
    "enthusiast": N_("enthusiast"),
    "recruiter": N_("recruiter"),
    "facilitator": N_("facilitator"),
    "value_created_last_record": N_("value created last record"),
    "mean_commitment_of_active": N_("mean commitment of active"),
    "active_share": N_("active share"),
}
"""Words for each part of an evaluation key (``benefit_by_role.convener.people`` reads
"convener: people"); a key part not listed is shown as written."""

VALUE_WORDS: dict[str, str] = {
    "peer_support": N_("peer support"),
    "learning": N_("learning"),
    "advocacy": N_("advocacy"),
    "innovation": N_("innovation"),
    "client_service": N_("client service"),
    "permanent": N_("permanent"),
    "client_process": N_("client process"),
    "smouldering": N_("smouldering"),
    "project": N_("project"),
    "led": N_("led"),
    "self_organising": N_("self organising"),
    "lead_organisation": N_("lead organisation"),
    "routine": N_("routine"),
    "open mind": N_("open mind"),
    "open heart": N_("open heart"),
    "open will": N_("open will"),
}
"""Words for the labels an evaluation answers with (purpose, lifecycle, governance,
leadership level); outcome and phase names are translated as everywhere."""

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
    head, _dot, rest = key.partition(".")
    section = _(SECTIONS[head]) if head in SECTIONS else head.replace("_", " ").capitalize()
    parts = (rest or head).split(".")
    item = ": ".join(_(ITEM_WORDS[p]) if p in ITEM_WORDS else p.replace("_", " ") for p in parts)
    return section, item


def _value_word(key: str, value: str) -> str:
    """A label answer in words: an outcome or phase by its context, others by
    :data:`VALUE_WORDS`.
    """
    if key == "outcome":
        return i18n.outcome_name(value)
    if key == "phase":
        return i18n.phase_name(value)
    return _(VALUE_WORDS[value]) if value in VALUE_WORDS else value


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
    order = list(dict.fromkeys(_(s) for s in SECTIONS.values()))
    for key in frame.columns:
        col = frame[key].dropna()
        if col.empty:
            continue
        section, item = _label(key)
        if pd.api.types.is_bool_dtype(col) or col.map(type).isin([bool, np.bool_]).all():
            k, n = int(col.astype(bool).sum()), int(col.size)
            p = proportion_interval(k, n, confidence)
            rows.append((section, item, _("{share} of runs ({low}–{high})").format(
                share=pct(p.estimate), low=pct(p.low), high=pct(p.high)), p.estimate, p.low,
                p.high, n))
        elif pd.api.types.is_numeric_dtype(col):
            v = col.astype(float).to_numpy()
            q1, q3 = np.quantile(v, _QUARTILES)
            mean = float(v.mean())
            text = number(mean) if v.size == 1 or q1 == q3 else _(
                "{mean} (middle half {low} to {high})").format(mean=number(mean), low=number(q1),
                                                                high=number(q3))
            rows.append((section, item, text, mean, float(q1), float(q3), int(v.size)))
        else:
            counts = col.astype(str).value_counts()
            top = counts.index[0]
            share = counts.iloc[0] / counts.sum()
            word = _value_word(key, top)
            text = word if share == 1 else _("{value} ({share} of runs)").format(
                value=word, share=pct(share))
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
