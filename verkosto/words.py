"""Plain-language words about a running network, shared by the dashboard and ``animate``.

What the room reads must agree wherever it is shown, so the dashboard's page
and an animation's frames take their week, verdict, reading and curves from
here. Everything is translated through a :class:`verkosto.i18n.Translator`.

The verdict says "too early to tell" until ``outcome_window_weeks`` weeks have
passed, because the outcome is judged over that window (``model.outcome``);
before then a classification would rest on less than its own definition. The
reading names only counts (people, meetings) and the phase, never a verdict of
its own, so it cannot contradict the verdict beside it. The curves are the
network-level measures, over all seats, so that a network that loses its
people is seen fading; the means over active people are labelled as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from verkosto import i18n
from verkosto.i18n import N_, Translator


@dataclass(frozen=True)
class Curve:
    """One line of the dashboard's chart: a model reporter, its label and colour."""

    column: str
    label: str
    colour: str


CURVES: tuple[Curve, ...] = (
    Curve("network_familiarity", N_("familiarity"), "#1f77b4"),
    Curve("network_trust", N_("trust"), "#2ca02c"),
    Curve("network_commitment", N_("commitment"), "#d62728"),
    Curve("active_share", N_("active share of seats"), "#9467bd"),
)
"""The 0-1 network-level measures drawn over the weeks (empty seats count, so a fading
network is seen fading)."""

VALUE_CURVE = Curve("value_created", N_("value created per week"), "#ff7f0e")

def week_text(week: int, t: Translator) -> str:
    """``Week 12`` / ``Viikko 12``; ``Week 1,200`` / ``Viikko 1 200``, as the charts write
    their weeks.
    """
    return t("Week {week}").format(week=t.number(week, 0))


def verdict(model: Any, t: Translator) -> str:
    """The outcome so far, or "too early to tell" before the outcome window has passed; a
    network that has ended says so, with its week (it moves no further).
    """
    return verdict_for(model.outcome, model.steps, int(model.params.outcome_window_weeks), t,
                       ended_at=getattr(model, "ended_at", None))


def verdict_for(outcome: Any, weeks: int, window: int, t: Translator,
                ended_at: int | None = None) -> str:
    """:func:`verdict` from its parts, for what has no live model (``verkosto run``'s summary).

    Args:
        outcome: The outcome class (``model.outcome.Outcome`` or its value).
        weeks: Weeks simulated.
        window: The outcome window (``outcome_window_weeks``).
        t: The translator.
        ended_at: The week the network ended, if it did.
    """
    if weeks < window and ended_at is None:
        weeks_left = window - weeks
        return t.ngettext("too early to tell (wait {n} more week)",
                          "too early to tell (wait {n} more weeks)", weeks_left).format(n=weeks_left)
    if ended_at is not None:  # Step and Play no longer move it: say why
        return t("{outcome} (the network ended in week {week})").format(
            outcome=i18n.outcome_name(outcome, t), week=ended_at)
    return i18n.outcome_name(outcome, t)


def latest(model: Any, column: str) -> float | None:
    """The last recorded value of a model reporter, or ``None`` where the model has none."""
    values = model.datacollector.model_vars.get(column)
    return float(values[-1]) if values else None


def reading(model: Any, t: Translator) -> str:
    """One plain-language line on where the network is now: people, seats, phase, meetings.

    It names no verdict of its own (see :func:`verdict`).
    """
    active = int(latest(model, "active") or 0)
    seats = int(latest(model, "present") or 0)
    meetings = int(latest(model, "meetings_held") or 0)
    people = t.ngettext("{n} active person", "{n} active people", active).format(n=active)
    seats_text = t.ngettext("of {n} person present", "of {n} people present", seats).format(n=seats)
    # "3 active people of 3 present" alone reads as a full network: name the seats left
    # empty (the seats are the founders' places, as for the curves over all seats).
    empty = max(int(getattr(model, "initial_size", seats)), seats) - seats
    if empty > 0:
        seats_text += t.ngettext(", {n} seat left empty", ", {n} seats left empty",
                                 empty).format(n=empty)
    held = t.ngettext("{n} meeting held so far", "{n} meetings held so far", meetings).format(n=meetings)
    phase = i18n.phase_name(model.phase, t)
    return t("{people} {seats}; phase: {phase}; {meetings}.").format(
        people=people, seats=seats_text, phase=phase, meetings=held)


def figures_now(model: Any, t: Translator) -> list[tuple[str, str]]:
    """The figures shown under a network: (label, value) pairs.

    Network-level measures first; the means over active people are labelled so.
    """
    out: list[tuple[str, str]] = []
    for column, label in (
        ("network_trust", N_("trust over all pairs of seats")),
        ("network_familiarity", N_("familiarity over all pairs of seats")),
        ("network_commitment", N_("commitment over all seats")),
        ("relationships_kept", N_("starting relationships kept")),
        ("mean_trust", N_("trust among active people")),
        ("mean_commitment", N_("commitment among active people")),
    ):
        value = latest(model, column)
        if value is not None:
            shown = t.percent(value) if column == "relationships_kept" else t.number(value, 2)
            out.append((t(label), shown))
    value = latest(model, "value_created")
    if value is not None:
        out.append((t("value created this week"), t.number(value, 1)))
    # The scenarios read aloud ask the room to compare new practices (leadership, residents,
    # innovation), so the page must show them.
    count = latest(model, "innovations")
    if count is not None:
        out.append((t("new practices so far"), str(int(count))))
    # Three descriptions ask the room to watch knowledge coverage against the default
    # (missing brokers, no facilitation, the rotating meeting).
    coverage = latest(model, "knowledge_coverage")
    if coverage is not None:
        out.append((t("knowledge coverage (organisations present)"), t.number(coverage, 2)))
    # The learning scenario asks the room to watch dialogue skills grow.
    skill = latest(model, "dialogue_skill")
    if skill is not None:
        out.append((t("dialogue skill of the people present"), t.number(skill, 2)))
    return out


