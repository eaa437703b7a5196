"""End-of-run outcome, life phase, the S33/S34 evaluation and a plain-language reading.

The thresholds are parameters of the classification (``ObservationParams``),
never of the dynamics.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

import numpy as np

from model import kernels
from model.agents import Role, Status, Strength
from model.params import WEEKS_PER_MONTH, WEEKS_PER_YEAR, Governance, Lifecycle

if TYPE_CHECKING:
    from model.model import NetworkModel


class Outcome(enum.StrEnum):
    """Where the network ended up (ODD 4.11; judged as in 7.10)."""

    THRIVING = "thriving"
    FRAGMENTED = "fragmented"
    SMOULDERING = "smouldering"
    SHRUNKEN_CORE = "shrunken_core"
    FADING = "fading"
    FADED = "faded"
    COMPLETED = "completed"


class Phase(enum.StrEnum):
    """Life phases of a collaborative network after Imperial, Johnston, Pierre-Pinto,
    Johnston & Nowell (2016).
    """

    ACTIVATION = "activation"
    COLLECTIVITY = "collectivity"
    INSTITUTIONALISATION = "institutionalisation"
    STABILITY = "stability"
    DECLINE = "decline"
    REORIENTATION = "reorientation"


LEADERSHIP_LABELS = ("routine", "open mind", "open heart", "open will")  # S27
# The phases by their codes in the compiled phase rule (``kernels.phase``), and back.
PHASES = tuple(Phase)
PHASE_CODES = {phase: code for code, phase in enumerate(PHASES)}


def _means(model: NetworkModel, key: str, weeks: int) -> tuple[float, float]:
    """Mean of a weekly series over the final ``weeks`` weeks and over the ``weeks`` before
    (the final window's mean again when the run is shorter than two windows).
    """
    h = model.history[key]
    last = np.asarray(h[-weeks:])
    before = np.asarray(h[-2 * weeks:-weeks]) if len(h) > weeks else last
    return float(last.mean()), float(before.mean() if before.size else last.mean())


def engaged_component_share(model: NetworkModel) -> float:
    """Share of the engaged people (commitment at ``engaged_commitment``) in the largest
    component of the trust ties among them, now.
    """
    from model import reporters

    m = model.members()
    engaged = m[model.commitment[m] >= model.params.engaged_commitment]
    if engaged.size < 2:
        return float(engaged.size)
    i, j, _ = reporters.trust_ties(model, engaged)
    return kernels.largest_weak_component(int(engaged[-1]) + 1, i, j) / engaged.size


def outcome_window(model: NetworkModel) -> int:
    """Weeks the outcome is judged over: ``outcome_window_weeks``, or two of the network's
    usual meeting intervals if that is longer (a network that meets rarely is judged over
    its own rhythm, not over a stretch that may hold no meeting at all).
    """
    p = model.params
    usual = p.meeting_interval_weeks * (
        p.smouldering_interval_factor if p.lifecycle is Lifecycle.SMOULDERING else 1.0)
    return max(p.outcome_window_weeks, int(np.ceil(2 * usual)))


def classify_outcome(model: NetworkModel) -> Outcome:
    """Classify the run from means over its final weeks (:func:`outcome_window`; ODD 7.10).

    The counts are over seats (the founding participants, or the present when more) and
    use the classification's own commitment thresholds, not the activity threshold that
    drives behaviour: a seat is *engaged* at ``engaged_commitment``, *held* at
    ``held_commitment``. Rules, in order:

    - *completed*: a project or client process was ended on reaching its goal (S30, S32);
    - *faded*: fewer than ``faded_engaged_share`` of seats engaged, fewer than
      ``smouldering_ties_per_seat`` trust ties per seat and fewer than
      ``smouldering_held_share`` of seats held: nothing left;
    - *thriving*: at least ``thriving_engaged_share`` of seats engaged, over the window
      and still in the final week, at least
      ``thriving_component_share`` of the engaged in one trust-tie component now, and the
      engaged share not falling by more than ``fading_trend`` from the window before, or
      falling but still engaged enough for another window on the same trend;
    - *fragmented*: engaged as a thriving network, over the window and in the final week,
      but fewer than ``thriving_component_share`` of the engaged in one trust-tie
      component: people work in separate groups that no longer make one network (ties
      lost about as fast as they are built, as under high turnover);
    - *fading*: the engaged share falling by more than ``fading_trend`` (in a smouldering lifecycle,
      with the held share falling too: its engagement dips after every activation);
    - *smouldering* (S31): a loose network kept warm: most seats still held
      (``smouldering_held_share``) and at least ``smouldering_ties_per_seat`` trust ties per
      seat, without the engagement of a thriving one;
    - *shrunken core*: fewer seats held than that, but some engaged: a core carries on
      while the rest have gone;
    - otherwise *fading* (people still on the list, but the ties gone).
    """
    p = model.params
    if model.ended_at is not None:
        return Outcome.COMPLETED
    w = outcome_window(model)
    engaged, engaged_before = _means(model, "engaged_share", w)
    held, held_before = _means(model, "held_share", w)
    ties, _ = _means(model, "ties_per_seat", w)
    if engaged < p.faded_engaged_share and ties < p.smouldering_ties_per_seat \
            and held < p.smouldering_held_share:
        return Outcome.FADED
    # Engagement falling. A smouldering network's engagement falls after every activation
    # while its people stay attached (S31), so there it must come with people letting go;
    # elsewhere held seats lag weeks behind a collapse, and waiting for them would call a
    # collapsing network smouldering.
    trend = engaged - engaged_before
    falling = trend < p.fading_trend and (
        held < held_before or p.lifecycle is not Lifecycle.SMOULDERING)
    now = model.history["engaged_share"][-1]
    engaged_now = engaged >= p.thriving_engaged_share and now >= p.thriving_engaged_share
    # A dip that would leave the network engaged for another window on the same trend is
    # not a fade: in a network of 15 seats one person is 0.07 of them.
    holds_up = engaged + trend >= p.thriving_engaged_share
    if engaged_now and (holds_up or not falling):
        if engaged_component_share(model) >= p.thriving_component_share:
            return Outcome.THRIVING
        return Outcome.FRAGMENTED
    if falling:
        return Outcome.FADING
    if held >= p.smouldering_held_share and ties >= p.smouldering_ties_per_seat:
        return Outcome.SMOULDERING
    if held < p.smouldering_held_share and engaged >= p.faded_engaged_share:
        return Outcome.SHRUNKEN_CORE
    return Outcome.FADING


def phase_of(model: NetworkModel) -> Phase:
    """The network's current life phase (Imperial et al. 2016), from trends in the engaged
    share and commitment over ``phase_window_weeks`` (``w``), in one compiled call
    (``kernels.phase``).

    In order: Decline when (almost) no one is engaged any more (engaged share below
    ``faded_engaged_share``). Activation in the first window, or while the shared goal is
    still unclear (``goal_clarity`` below ``phase_goal_clarity``) and the network has not
    left activation. Otherwise the trends are the changes between the means of the last
    ``w + 1`` weeks' first and second halves: Decline when the engaged share falls by more
    than ``phase_stable_change``; Reorientation when, after a decline, either grows by more;
    Collectivity when either grows by more; with the engaged share at
    ``thriving_engaged_share``, Institutionalisation (a stable, committed core), and
    Stability when institutionalised already and the engaged share within
    ``phase_stable_change`` of its value two windows ago; else the previous phase
    (Collectivity after Activation).
    """
    p = model.params
    # The history's series as arrays (views: no new array each week).
    engaged, commitment = model.phase_series()
    code = kernels.phase(engaged, commitment, PHASE_CODES[model.phase], p.phase_window_weeks,
                         model.steps, model.goal_clarity, p.phase_goal_clarity,
                         p.faded_engaged_share, p.phase_stable_change, p.thriving_engaged_share)
    return PHASES[code]


def _by_role(model: NetworkModel, ever: np.ndarray) -> dict[str, dict[str, float]]:
    out = {}
    for role in Role:
        s = ever[model.role[ever] == role]
        out[role.name.lower()] = {
            "people": int(s.size),
            "mean_value_received": float(model.value_cum[s].mean()) if s.size else 0.0,
            "mean_commitment": float(model.commitment[s].mean()) if s.size else 0.0,
            "share_active": float((model.status[s] == Status.ACTIVE).mean()) if s.size else 0.0,
            "mean_working_groups": float(model.groups_joined[s].mean()) if s.size else 0.0,
        }
    return out


def evaluation(model: NetworkModel) -> dict[str, Any]:
    """Answer the evaluation questions of S33 and S34 for the run so far."""
    p = model.params
    ever = np.arange(model.used)
    snap = model.snapshot()
    # Rates over the weeks the network ran: an ended project spends nothing after its end.
    weeks = max(1, model.steps if model.ended_at is None else model.ended_at)
    from model import reporters

    strengths = {}
    for s in Strength:
        who = ever[model.strengths[ever, s]]
        strengths[s.name.lower()] = {
            "people": int(who.size),
            "share_active": float((model.status[who] == Status.ACTIVE).mean()) if who.size else 0.0,
            "mean_contacts": float(model.contacts[who].mean()) if who.size else 0.0,
        }
    return {
        "goal": {
            "purpose": p.purpose.value,
            "lifecycle": p.lifecycle.value,
            "reached": model.goal_reached_at is not None,
            "progress": round(model.goal_progress, 4),
            "week_reached": model.goal_reached_at,
            "ended_on_recognition": model.ended_at is not None,
            "week_ended": model.ended_at,
        },
        "results": {
            "value_created": round(model.value_total, 3),
            "innovations": model.innovations,
            "knowledge_coverage": round(reporters.knowledge_coverage(model), 4),
            "cross_organisation_ties": snap.cross_org_ties,
            "trust_density": round(snap.trust_density, 4),
            "trust_ties": int(model.trust_edges()[0].size),
            "trust_ties_across_organisations": int(
                (model.org[model.trust_edges()[0]] != model.org[model.trust_edges()[1]]).sum()),
            "network_trust": round(model.seats().network_trust, 4),
            "trust_ties_per_seat": round(model.seats().trust_ties_per_seat, 4),
            "relationships_kept": round(model.seats().relationships_kept, 4),
            "activations": len(model.activations),
        },
        "benefit_by_role": _by_role(model, ever),
        "coordination": {
            "governance": p.governance.value,
            "has_coordinator": model.has_coordinator,
            "budget_eur_per_month": p.coordination_budget_eur,
            "accrued_eur": round(model.accrued_eur, 2),
            "spent_eur": round(model.spent_eur, 2),
            "spent_per_month_eur": round(model.spent_eur / weeks * WEEKS_PER_MONTH, 2),
            "spend_breakdown_eur": {k: round(v, 2) for k, v in model.spend.items()},
            "meetings_held": model.meetings_held,
            "reach": float((model.last_attended[ever] > model.steps - outcome_window(model)).mean())
            if ever.size else 0.0,
            "hidden_cost_eur": round(model.hidden_cost_eur(), 2),
        },
        "leadership": {
            "depth": p.leadership_depth,
            "level": LEADERSHIP_LABELS[p.leadership_depth - 1],
            "self_organising": p.governance is Governance.SELF_ORGANISING,
            "innovations_per_year": round(model.innovations / weeks * WEEKS_PER_YEAR, 3),
        },
        "roles": strengths,
        "outcome": classify_outcome(model).value,
        "phase": model.phase.value,
    }


def reading(model: NetworkModel) -> str:
    """One plain-language line on where the network is now, for trainers."""
    snap, seats = model.snapshot(), model.seats()
    share = model.history["engaged_share"][-1]
    level = ("well engaged" if share >= model.params.thriving_engaged_share else
             "thinning out" if share >= model.params.faded_engaged_share else "nearly gone")
    meetings = f"{model.meetings_held} meeting{'' if model.meetings_held == 1 else 's'} held"
    return (f"Week {model.steps}: {snap.n_active} active people ({share:.0%} of seats engaged), "
            f"network {level}, phase {model.phase.value}; {seats.trust_ties_per_seat:.1f} trust "
            f"ties per seat, network trust {seats.network_trust:.2f}, commitment per seat "
            f"{seats.network_commitment:.2f}, {meetings}.")
