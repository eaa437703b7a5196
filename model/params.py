"""Every parameter of the model, declared once.

Each field carries its default, unit, bounds and source on one line; the ODD
parameter table, the command line's ``--set`` help, the dashboard sliders and
the sensitivity bounds are all generated from these declarations
(see :func:`parameter_table`). Sources are claim ids of the source text
(S1-S37, ``shared/seed/CLAIMS.md``), papers, or "assumption".

One model step is one week; a month is ``WEEKS_PER_MONTH`` weeks.
"""

from __future__ import annotations

import dataclasses
import difflib
import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

WEEKS_PER_YEAR = 52.0
WEEKS_PER_MONTH = WEEKS_PER_YEAR / 12.0


class Purpose(enum.StrEnum):
    """What the network is for (S4-S8)."""

    PEER_SUPPORT = "peer_support"
    LEARNING = "learning"
    ADVOCACY = "advocacy"
    INNOVATION = "innovation"
    CLIENT_SERVICE = "client_service"


class Lifecycle(enum.StrEnum):
    """The network's character over time (S29-S32)."""

    PERMANENT = "permanent"
    CLIENT_PROCESS = "client_process"
    SMOULDERING = "smouldering"
    PROJECT = "project"


class Governance(enum.StrEnum):
    """Who governs the network (S21; Provan & Kenis 2008): a network administrative
    organisation's coordinator (``led``), the members together (``self_organising``,
    shared governance), or one member organisation (``lead_organisation``).
    """

    LED = "led"
    SELF_ORGANISING = "self_organising"
    LEAD_ORGANISATION = "lead_organisation"


class Channel(enum.StrEnum):
    """Where meetings happen (S26, S28)."""

    IN_PERSON = "in_person"
    VIRTUAL = "virtual"
    HYBRID = "hybrid"


def param(
    default: Any,
    unit: str,
    low: float | None,
    high: float | None,
    source: str,
    doc: str,
    *,
    choices: type[enum.Enum] | None = None,
) -> Any:
    """Declare a parameter: default, unit, bounds (or choices), source and meaning."""
    meta = {"unit": unit, "low": low, "high": high, "source": source, "doc": doc,
            "choices": choices}
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class NetworkParams:
    """Size, purpose, lifecycle and openness of the network."""

    n_organisations: int = param(8, "organisations", 2, 1000, "assumption", "Organisations in the network at the start")
    participants_per_organisation: int = param(3, "people", 1, 20, "assumption", "Representatives per organisation at the start")
    purpose: Purpose = param(Purpose.CLIENT_SERVICE, "", None, None, "S4-S8", "What the network is for", choices=Purpose)
    lifecycle: Lifecycle = param(Lifecycle.PERMANENT, "", None, None, "S29-S32", "Permanent, client process, smouldering or project", choices=Lifecycle)
    governance: Governance = param(Governance.LED, "", None, None, "S21; Provan & Kenis 2008", "A coordinator of a network administrative organisation (led), the members in turn (self_organising) or one member organisation (lead_organisation)", choices=Governance)
    resident_share: float = param(0.0, "share", 0.0, 0.5, "S22", "Share of seats held by resident or client representatives")
    rotating_meeting: bool = param(False, "flag", None, None, "S22", "Meetings rotate among the organisations' own premises")
    anticipation_dialogue: bool = param(False, "flag", None, None, "S37", "Meetings use structured anticipation dialogues")
    max_participants: int = param(2000, "people", 10, 20000, "assumption", "Upper limit on people ever in the network (array capacity)")


@dataclass(frozen=True)
class OrganisationParams:
    """What the member organisations allow and require (S16, S29)."""

    time_allocation_hours: float = param(8.0, "h/person/month", 0.0, 40.0, "S16", "Working time organisations grant each representative for network work")
    time_allocation_spread: float = param(0.3, "fraction", 0.0, 1.0, "assumption", "Relative spread of time allocation between organisations")
    culture_mean: float = param(0.6, "0-1", 0.0, 1.0, "S16", "Mean networking culture of the organisations")
    mandate: float = param(0.0, "0-1", 0.0, 1.0, "S29", "Statutory duty to collaborate (raises attendance)")
    turnover_per_year: float = param(0.1, "1/year", 0.0, 1.0, "S18", "Staff turnover: chance a representative is replaced in a year")


@dataclass(frozen=True)
class RoleParams:
    """Shares of the three roles (S23) and of the strengths (S24)."""

    share_conveners: float = param(0.15, "share", 0.0, 0.6, "S23", "Participants in the convener (controller/director) role")
    share_seekers: float = param(0.3, "share", 0.0, 0.8, "S23", "Participants in the listener/seeker role; the rest contribute")
    share_brokers: float = param(0.15, "share", 0.0, 0.6, "S24", "Participants who relay information between organisations")
    share_recruiters: float = param(0.1, "share", 0.0, 0.6, "S24", "Participants who recruit new people and organisations")
    share_trust_builders: float = param(0.15, "share", 0.0, 0.6, "S24", "Participants who build trust in conversation")
    share_committers: float = param(0.1, "share", 0.0, 0.6, "S24", "Participants who commit others (lift commitment)")
    share_goal_builders: float = param(0.1, "share", 0.0, 0.6, "S24", "Participants who build shared goals")
    share_enthusiasts: float = param(0.1, "share", 0.0, 0.6, "S24", "Participants whose enthusiasm lifts others")
    share_assemblers: float = param(0.1, "share", 0.0, 0.6, "S24", "Participants who assemble joint activity (start working groups more often)")
    share_facilitators: float = param(0.1, "share", 0.0, 0.6, "S24", "Participants who facilitate when no coordinator does")


@dataclass(frozen=True)
class DialogueParams:
    """The four dialogic cornerstones (S20) and the atmosphere (S19)."""

    dialogue_skill_mean: float = param(0.55, "0-1", 0.0, 1.0, "S20", "Mean skill in suspending, listening, voicing and respecting")
    dialogue_skill_sd: float = param(0.15, "0-1", 0.0, 0.5, "assumption", "Spread of dialogic skill between people")
    dialogue_learning_rate: float = param(0.01, "1/meeting", 0.0, 0.1, "S5, S20", "Growth of dialogic skill per facilitated meeting")
    perspective_strain: float = param(1.5, "factor", 0.0, 5.0, "S22", "Extra breach risk between distant perspectives when unfacilitated")


@dataclass(frozen=True)
class CoordinationParams:
    """The coordinator, the budget and the meetings (S25, S26, S28)."""

    coordination_budget_eur: float = param(1500.0, "EUR/month", 0.0, 200000.0, "S28", "Money for coordination per month")
    meeting_interval_weeks: int = param(4, "weeks", 1, 26, "S26", "Planned interval between network meetings")
    facilitation: float = param(0.7, "0-1", 0.0, 1.0, "S25, S26", "Coordinator's facilitation skill")
    structure: float = param(0.2, "0-1", 0.0, 1.0, "S25", "Heaviness of formal structure (reports, protocols, mandatory agenda)")
    channel: Channel = param(Channel.HYBRID, "", None, None, "S26", "Meeting channel", choices=Channel)
    meeting_hours: float = param(2.0, "h", 0.5, 8.0, "S26", "Length of a network meeting")
    relay_hours_per_week: float = param(2.0, "h/week", 0.0, 20.0, "S26", "Coordinator hours for relaying and condensing information")
    followup_hours: float = param(0.5, "h/contact", 0.0, 4.0, "S26", "Coordinator hours per follow-up with a drifting participant")
    followups_per_week: int = param(2, "contacts/week", 0, 50, "S26", "Follow-ups the coordinator aims to make each week")
    recruit_hours: float = param(3.0, "h/recruit", 0.0, 20.0, "S24", "Coordinator hours per recruitment attempt")
    recruit_target_size: float = param(1.0, "x initial", 0.0, 3.0, "assumption", "Network size the coordinator recruits towards, relative to the start")
    budget_carryover_months: float = param(2.0, "months", 0.0, 12.0, "assumption", "Unspent budget kept for later, at most this many months")
    followup_boost: float = param(0.15, "share of gap", 0.0, 1.0, "S26", "Share of the gap to full commitment closed by a follow-up contact")
    recruit_success: float = param(0.5, "probability", 0.0, 1.0, "S24", "Chance a coordinator's recruitment attempt brings someone in")
    hybrid_in_person_share: float = param(0.5, "share", 0.0, 1.0, "assumption", "Share of attendees present in the room at a hybrid meeting")
    max_meeting_size: int = param(30, "people", 5, 500, "assumption", "Largest meeting; bigger networks meet in parallel circles of stable membership")
    conversation_group_size: int = param(4, "people", 2, 12, "Jarvensivu 2019", "Size of the small groups people talk in at a meeting")
    conversation_rounds: int = param(2, "rounds", 1, 6, "Jarvensivu 2019", "Rounds of small-group conversation per meeting, regrouped each round")
    cluster_tendency: float = param(0.8, "probability", 0.0, 1.0, "Jarvensivu 2019", "Without facilitation, chance to join a group with someone already known")
    newcomer_pull: float = param(0.6, "0-1", 0.0, 1.0, "Jarvensivu 2019", "How strongly facilitation seats newcomers among others early")


@dataclass(frozen=True)
class AttendanceParams:
    """Who comes to a meeting (S16, S25, S29)."""

    attend_intercept: float = param(0.8, "logit", -5.0, 5.0, "assumption", "Log-odds of attending at commitment 0.5 with no burden")
    attend_commitment: float = param(4.0, "logit/unit", 0.0, 20.0, "S18", "Rise in log-odds of attending per unit of commitment")
    attend_mandate: float = param(1.5, "logit/unit", 0.0, 10.0, "S29", "Rise in log-odds of attending under full statutory mandate")
    attend_culture: float = param(1.0, "logit/unit", 0.0, 10.0, "S16", "Rise in log-odds of attending per unit of networking culture above 0.5")
    attend_overload: float = param(1.5, "logit/unit", 0.0, 10.0, "S16, S25", "Fall in log-odds per unit of time demanded beyond the allocation")
    overload_cap: float = param(4.0, "units", 0.0, 20.0, "assumption", "Largest overload counted in the attendance choice")
    discretionary_hours: float = param(0.25, "h/person/week", 0.0, 40.0, "S16", "Hours a week a person can give to network work beyond what the organisation grants (flexibility, own time)")
    travel_hours: float = param(1.0, "h/meeting", 0.0, 8.0, "S16, S28", "Travel time to an in-person meeting")
    collaboration_hours: float = param(3.0, "h/group/week", 0.0, 40.0, "S2", "Hours a working group takes from each member in its week")


@dataclass(frozen=True)
class LeadershipParams:
    """Depth of network leadership (S27)."""

    leadership_depth: int = param(2, "level 1-4", 1, 4, "S27", "1 routine, 2 open mind, 3 open heart, 4 open will")
    homophily: float = param(3.0, "1/distance", 0.0, 10.0, "S19, S27; McPherson et al. 2001", "Preference for partners of one's own perspective when forming working groups, at routine depth (openness removes it)")


@dataclass(frozen=True)
class DynamicsParams:
    """Rates of the familiarity-trust-commitment cycle (S18) and its decay (S36)."""

    familiarity_gain: float = param(0.3, "1/encounter", 0.0, 1.0, "S18", "Share of the gap to full familiarity closed by one conversation")
    trust_gain: float = param(0.3, "1/encounter", 0.0, 1.0, "S18", "Trust built by one good encounter, times familiarity")
    trust_loss_ratio: float = param(3.0, "x gain", 1.0, 10.0, "literature (Slovic 1993)", "Trust lost in a breach, relative to a gain")
    breach_base: float = param(0.08, "probability", 0.0, 0.5, "S19, S20", "Chance an encounter breaches trust at zero dialogue quality and atmosphere")
    trust_prior: float = param(0.15, "0-1", 0.0, 0.5, "assumption", "Trust in a stranger; trust relaxes towards it")
    tie_threshold: float = param(0.4, "0-1", 0.0, 1.0, "assumption", "Trust above which a relation counts as a trust tie")
    familiarity_half_life_weeks: float = param(52.0, "weeks", 1.0, 520.0, "S36", "Half-life of familiarity without contact")
    trust_half_life_weeks: float = param(78.0, "weeks", 1.0, 520.0, "S36", "Half-life of trust's distance from the prior without contact")
    knowledge_half_life_weeks: float = param(26.0, "weeks", 1.0, 520.0, "S9", "Half-life of knowledge of what an organisation currently does")
    knowledge_flow: float = param(0.3, "1/encounter", 0.0, 1.0, "S9, S18", "Knowledge of a partner's organisation gained per trusted encounter")
    relay_gain: float = param(0.03, "1/week", 0.0, 1.0, "S26", "Share of the knowledge gap a coordinator's weekly relay closes, times facilitation")
    broker_gain: float = param(0.3, "per contact", 0.0, 1.0, "S24", "Share of a gap in knowledge a broker closes per contact, times the contact's trust in the broker")
    broker_contacts_per_week: int = param(4, "contacts", 0, 20, "S24", "Contacts a broker relays to each week")
    collaboration_rate: float = param(0.25, "1/week", 0.0, 2.0, "S2, S10", "Working groups started per active participant per week, at full commitment")
    assembler_initiative: float = param(2.0, "x", 1.0, 10.0, "S24", "How much more often an assembler starts a working group")
    collaboration_candidates: int = param(12, "people", 1, 100, "assumption", "People an initiator thinks of when forming a working group in a week")
    preferential_attachment: float = param(1.0, "exponent", 0.0, 3.0, "Newman 2001; Barabasi et al. 2002", "Cumulative advantage: an initiator thinks of a person in proportion to (1 + working groups joined) to this power")
    working_group_size: int = param(3, "people", 2, 8, "Guimera et al. 2005", "Members of a working group (m)")
    incumbent_probability: float = param(0.7, "probability", 0.0, 1.0, "Guimera et al. 2005", "Chance a working-group seat goes to someone who has collaborated before (p)")
    repeat_collaborator_probability: float = param(0.6, "probability", 0.0, 1.0, "Guimera et al. 2005", "Chance an incumbent is a past collaborator of a member (q)")
    commitment_rate: float = param(0.08, "1/week", 0.0, 1.0, "S14, S18", "Speed at which commitment moves toward its motivated level")
    lift: float = param(0.03, "per contact", 0.0, 0.5, "S24", "Commitment lift from working with a committer or enthusiast")
    value_half_saturation: float = param(0.15, "value/week", 0.01, 10.0, "assumption", "Value received per week that gives half the motivational effect")
    shared_hours_per_org: float = param(0.5, "h/organisation/meeting", 0.0, 10.0, "S21; Provan & Kenis 2008", "Under shared governance, hours the hosting organisation spends agreeing a meeting with each other organisation")
    lead_bias: float = param(0.3, "0-1", 0.0, 1.0, "Provan & Kenis 2008", "How far a lead organisation steers meetings and the shared goal toward its own interests")
    self_convene_rate: float = param(0.5, "1/week", 0.0, 2.0, "S17, S21", "Chance per week that a committed convener calls a meeting, without a coordinator")
    acquaintance_threshold: float = param(0.15, "0-1", 0.0, 1.0, "assumption", "Familiarity at which two people know each other well enough to work together")
    collaborator_familiarity: float = param(0.3, "0-1", 0.0, 1.0, "Guimera et al. 2005", "Familiarity marking a past collaborator, preferred when forming a working group")
    virtual_encounter_factor: float = param(0.6, "x", 0.0, 1.0, "assumption", "Familiarity and trust gains of an online encounter relative to a face-to-face one")
    facilitation_weight: float = param(0.5, "0-1", 0.0, 1.0, "S19, S26", "Weight of facilitation (against leadership depth) in the atmosphere of a meeting")
    trust_gain_floor: float = param(0.5, "0-1", 0.0, 1.0, "S19", "Share of the trust gain that does not depend on the atmosphere")
    self_facilitation: float = param(0.5, "x", 0.0, 1.0, "S21", "Facilitation a participant-facilitator gives, relative to their dialogic skill")
    purpose_pull: float = param(0.5, "share of gap", 0.0, 1.0, "S14b", "Share of the gap to the network's goal clarity an attendee's sense of purpose closes")
    tie_fade: float = param(0.04, "1/week", 0.0, 1.0, "S18", "Weekly fading of the felt support of one's ties in weeks without contact")
    trust_builder_atmosphere: float = param(0.15, "0-1", 0.0, 1.0, "S24", "Atmosphere added to a group by a trust builder in it")
    anticipation_structure: float = param(0.5, "0-1", 0.0, 1.0, "S37; Arnkil & Seikkula 2006", "How far an anticipation dialogue's turn-taking lifts each attendee's voicing and listening toward full skill")
    distance_cross_org: float = param(0.4, "0-1", 0.0, 1.0, "S13, S15", "Perspective distance between people of different organisations")
    distance_resident: float = param(1.0, "0-1", 0.0, 1.0, "S22", "Perspective distance between a professional and a resident or client")
    colleague_familiarity: float = param(0.6, "0-1", 0.0, 1.0, "assumption", "Familiarity between colleagues of one organisation at the start")
    colleague_trust: float = param(0.5, "0-1", 0.0, 1.0, "assumption", "Trust between colleagues of one organisation at the start")
    acquaintance_familiarity: float = param(0.3, "0-1", 0.0, 1.0, "assumption", "Familiarity of people of different organisations who already know each other")
    acquaintance_trust: float = param(0.35, "0-1", 0.0, 1.0, "assumption", "Trust of people of different organisations who already know each other")
    acquaintance_knowledge: float = param(0.3, "0-1", 0.0, 1.0, "S9", "Knowledge of an acquaintance's organisation at the start")
    person_sd: float = param(0.1, "0-1", 0.0, 0.5, "assumption", "Spread between people of initial commitment, autonomy and culture")
    prior_acquaintance: float = param(0.1, "probability", 0.0, 1.0, "assumption", "Chance two people of different organisations already know each other at the start")
    rotating_knowledge_gain: float = param(0.3, "share of gap", 0.0, 1.0, "S22", "Knowledge of the host organisation gained by attending a rotating meeting there")
    ema_rate: float = param(0.15, "1/week", 0.01, 1.0, "assumption", "Weight of the latest week in running averages of value, hours and contact")
    self_convene_interval_factor: float = param(2.0, "x", 1.0, 10.0, "S17, S21", "Self-called meetings come this many times less often than planned ones")


@dataclass(frozen=True)
class MotivationParams:
    """Weights of the motivational sources of commitment (S14) and costs of time."""

    weight_value: float = param(0.45, "weight", 0.0, 1.0, "S2, S14", "Weight of value received")
    weight_autonomy: float = param(0.1, "weight", 0.0, 1.0, "S14a", "Weight of autonomy")
    weight_purpose: float = param(0.15, "weight", 0.0, 1.0, "S14b", "Weight of a shared goal")
    weight_skills: float = param(0.15, "weight", 0.0, 1.0, "S14c", "Weight of using and developing one's skills")
    weight_ties: float = param(0.15, "weight", 0.0, 1.0, "S18", "Weight of trusted ties (the reinforcing cycle)")
    weight_time: float = param(0.3, "weight", 0.0, 1.0, "S16, S25", "Weight of time pressure: the share of one's network hours taken from other work")
    structure_autonomy_loss: float = param(0.8, "0-1", 0.0, 1.0, "S25", "Autonomy lost under fully heavy structure")
    structure_hours: float = param(1.5, "h/meeting", 0.0, 10.0, "S25", "Extra participant hours per meeting at full structure (reports, protocols)")
    initial_goal_clarity: float = param(0.5, "0-1", 0.0, 1.0, "assumption", "Clarity of the shared goal when the network starts")
    purpose_decay: float = param(0.02, "1/week", 0.0, 0.5, "S14b, S36", "Weekly fading of the shared goal without goal work")
    goal_work_gain: float = param(0.15, "per meeting", 0.0, 1.0, "S14b, S24", "Goal clarity gained per meeting with a coordinator or goal builder")


@dataclass(frozen=True)
class ValueParams:
    """What each purpose yields (S4-S8) and the goal (S32, S36)."""

    goal_value_per_person: float = param(15.0, "value units/person", 0.1, 1000.0, "S32, S36", "Value per founding participant that reaches the network's goal")
    client_cases_per_week: float = param(0.3, "cases/person/week", 0.0, 5.0, "S8, S10", "Client cases needing another organisation, per participant")
    knowledge_threshold: float = param(0.4, "0-1", 0.0, 1.0, "S9", "Knowledge of an organisation needed to route a client there")
    decision_window_weeks: int = param(13, "weeks", 1, 104, "S6", "Interval between political decision windows (advocacy)")
    idea_rate: float = param(0.3, "1/group", 0.0, 1.0, "S7, S27", "Chance a diverse working group at open will invents a new practice")
    idea_value: float = param(5.0, "value units/member", 0.0, 100.0, "S7", "Value of a new practice to each member of the group that invents it")
    coalition_threshold: float = param(0.3, "0-1", 0.0, 1.0, "S6", "Coalition strength (connected share x commitment) needed to win at a decision window")
    goal_recognition: float = param(0.5, "1/meeting", 0.0, 1.0, "S32, S33", "Chance that a meeting which follows up the goal recognises it as reached, times goal clarity, and ends the network")
    activation_rate_per_year: float = param(2.0, "1/year", 0.0, 12.0, "S31", "Activation events (shared clients) per year in a smouldering network")
    activation_weeks: int = param(8, "weeks", 1, 52, "S31", "Length of an activated, intensive phase")
    smouldering_interval_factor: float = param(3.0, "x", 1.0, 12.0, "S31", "Meetings, joint work and shared client cases are this many times rarer while smouldering between activations")
    client_process_intensity: float = param(2.0, "x", 1.0, 5.0, "S30", "Meeting and collaboration intensity around a single client")


@dataclass(frozen=True)
class StatusParams:
    """How status follows commitment, and how people come and go."""

    initial_commitment: float = param(0.55, "0-1", 0.0, 1.0, "assumption", "Mean commitment of founding participants")
    newcomer_commitment: float = param(0.45, "0-1", 0.0, 1.0, "assumption", "Commitment of someone newly joined")
    active_threshold: float = param(0.35, "0-1", 0.0, 1.0, "assumption", "Commitment at or above which a participant is active")
    peripheral_threshold: float = param(0.2, "0-1", 0.0, 1.0, "assumption", "Commitment at or above which a participant is peripheral (else dormant)")
    dormant_weeks_to_leave: int = param(26, "weeks", 1, 260, "assumption", "Weeks dormant before a participant leaves")
    recruit_rate: float = param(0.02, "1/week", 0.0, 0.5, "S24", "Chance per week that a committed recruiter brings in a newcomer")
    new_organisation_share: float = param(0.3, "share", 0.0, 1.0, "S24, S29", "Share of recruits who bring a new organisation")


@dataclass(frozen=True)
class CostParams:
    """Prices of what coordination buys (S28), and the organisations' hidden cost."""

    coordinator_wage_eur: float = param(45.0, "EUR/h", 0.0, 200.0, "assumption (Finnish public sector)", "Coordinator's hourly cost")
    meeting_prep_hours: float = param(3.0, "h/meeting", 0.0, 40.0, "S26", "Coordinator hours to prepare and follow up a meeting")
    anticipation_prep_hours: float = param(4.0, "h/meeting", 0.0, 40.0, "S37", "Extra coordinator hours to prepare an anticipation dialogue")
    structure_admin_hours: float = param(6.0, "h/meeting", 0.0, 40.0, "S25", "Extra coordinator hours per meeting at full structure")
    room_eur: float = param(80.0, "EUR/meeting", 0.0, 2000.0, "S28", "Meeting room for an in-person or hybrid meeting")
    coffee_eur: float = param(4.0, "EUR/attendee", 0.0, 50.0, "S28", "Coffee and refreshments per in-person attendee")
    travel_eur: float = param(10.0, "EUR/attendee", 0.0, 200.0, "S28", "Travel per in-person attendee paid by the network")
    channel_eur_per_month: float = param(30.0, "EUR/month", 0.0, 1000.0, "S26, S28", "Virtual channel or workspace subscription")
    participant_wage_eur: float = param(38.0, "EUR/h", 0.0, 200.0, "assumption", "Hourly cost of a participant's time (borne by the organisation)")


@dataclass(frozen=True)
class ObservationParams:
    """Recording and the end-of-run classification thresholds (not dynamics)."""

    record_every: int = param(1, "weeks", 1, 52, "assumption", "Recording interval of the model reporters")
    outcome_window_weeks: int = param(13, "weeks", 1, 104, "assumption", "Final weeks over which the outcome is judged")
    engaged_commitment: float = param(0.35, "0-1", 0.0, 1.0, "assumption", "Commitment at or above which a seat counts as engaged, for the outcome classes only")
    held_commitment: float = param(0.2, "0-1", 0.0, 1.0, "S31", "Commitment at or above which a seat is still held (engaged or loosely attached), for the outcome classes only")
    thriving_engaged_share: float = param(0.5, "share", 0.0, 1.0, "assumption", "Engaged share of seats (window mean) at or above which a network can be thriving")
    thriving_component_share: float = param(0.5, "share", 0.0, 1.0, "assumption", "Share of engaged people in the largest trust-tie component at or above which a network can be thriving")
    faded_engaged_share: float = param(0.1, "share", 0.0, 1.0, "assumption", "Engaged share of seats (window mean) below which a network without warm ties has faded")
    smouldering_ties_per_seat: float = param(0.3, "ties/seat", 0.0, 20.0, "S31", "Trust ties per seat (window mean) that a smouldering network keeps warm")
    smouldering_held_share: float = param(0.5, "share", 0.0, 1.0, "S31", "Share of seats still held (window mean) that tells a loose network kept warm from a shrunken core")
    phase_goal_clarity: float = param(0.5, "0-1", 0.0, 1.0, "Imperial et al. 2016", "Goal clarity that ends the activation phase")
    phase_window_weeks: int = param(13, "weeks", 2, 104, "Imperial et al. 2016", "Window over which phase trends are judged")
    phase_stable_change: float = param(0.05, "share/window", 0.0, 0.5, "assumption", "Change in active share or commitment that still counts as stable")
    fading_trend: float = param(-0.05, "share/window", -1.0, 0.0, "assumption", "Fall of the mean engaged share from the previous window to the final one that counts as fading")


GROUPS: dict[str, type] = {
    "network": NetworkParams,
    "organisations": OrganisationParams,
    "roles": RoleParams,
    "dialogue": DialogueParams,
    "coordination": CoordinationParams,
    "attendance": AttendanceParams,
    "leadership": LeadershipParams,
    "dynamics": DynamicsParams,
    "motivation": MotivationParams,
    "value": ValueParams,
    "status": StatusParams,
    "costs": CostParams,
    "observation": ObservationParams,
}


@dataclass(frozen=True)
class ParamInfo:
    """One parameter's declaration, flattened for docs, CLI, sliders and sampling."""

    name: str
    group: str
    type: type
    default: Any
    unit: str
    low: float | None
    high: float | None
    source: str
    doc: str
    choices: tuple[str, ...] | None


class ParameterError(ValueError):
    """A parameter name or value that is not allowed; the message says what is."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


def _infos() -> dict[str, ParamInfo]:
    out: dict[str, ParamInfo] = {}
    hints = {}
    for group, cls in GROUPS.items():
        import typing

        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            m = f.metadata
            choices = tuple(c.value for c in m["choices"]) if m["choices"] else None
            out[f.name] = ParamInfo(f.name, group, hints[f.name], f.default, m["unit"],
                                    m["low"], m["high"], m["source"], m["doc"], choices)
    return out


PARAMETERS: dict[str, ParamInfo] = _infos()


def parameter_table() -> Iterator[ParamInfo]:
    """All parameter declarations in declaration order."""
    yield from PARAMETERS.values()


def _unit_words(unit: str) -> str:
    """A unit as it reads after a range ("0 to 1", not "0 to 1 0-1")."""
    return "" if unit in ("0-1", "flag") else unit


def coerce(key: str, value: Any) -> Any:
    """Check one flat parameter value and convert it to the declared type.

    Raises:
        ParameterError: unknown name, wrong type or out of bounds; the message
            names the key, the value and what is allowed.
    """
    if key not in PARAMETERS:
        close = difflib.get_close_matches(key, PARAMETERS, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise ParameterError(key, f"unknown parameter '{key}'{hint}")
    info = PARAMETERS[key]
    t = info.type
    try:
        if info.choices is not None:
            if str(value) not in info.choices:
                raise ValueError
            value = t(str(value))
        elif t is bool:
            if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", "yes", "no"):
                value = value.lower() in ("true", "1", "yes")
            elif not isinstance(value, bool):
                raise ValueError
        elif t is int:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
            value = int(value)
        elif t is float:
            if isinstance(value, bool):
                raise ValueError
            value = float(value)
        else:  # tuples of floats
            value = tuple(float(v) for v in value)
            if len(value) != len(info.default):
                raise ValueError
    except (TypeError, ValueError):
        allowed = (f"one of {', '.join(info.choices)}" if info.choices
                   else {bool: "true or false", int: "an integer", float: "a number"}[t]
                   if t in (bool, int, float) else f"a list of {len(info.default)} numbers")
        raise ParameterError(key, f"parameter '{key}' = {value!r}: expected {allowed}") from None
    values = value if isinstance(value, tuple) else (value,)
    if info.low is not None and info.choices is None and t is not bool:
        for v in values:
            if not (info.low <= v <= info.high):
                raise ParameterError(
                    key, f"parameter '{key}' = {value!r} is out of bounds: allowed "
                         f"{info.low:g} to {info.high:g} {_unit_words(info.unit)}".rstrip())
    return value


@dataclass(frozen=True)
class Params:
    """All parameters, grouped by concern. Build with :meth:`from_flat` or :meth:`replace`."""

    network: NetworkParams = field(default_factory=NetworkParams)
    organisations: OrganisationParams = field(default_factory=OrganisationParams)
    roles: RoleParams = field(default_factory=RoleParams)
    dialogue: DialogueParams = field(default_factory=DialogueParams)
    coordination: CoordinationParams = field(default_factory=CoordinationParams)
    attendance: AttendanceParams = field(default_factory=AttendanceParams)
    leadership: LeadershipParams = field(default_factory=LeadershipParams)
    dynamics: DynamicsParams = field(default_factory=DynamicsParams)
    motivation: MotivationParams = field(default_factory=MotivationParams)
    value: ValueParams = field(default_factory=ValueParams)
    status: StatusParams = field(default_factory=StatusParams)
    costs: CostParams = field(default_factory=CostParams)
    observation: ObservationParams = field(default_factory=ObservationParams)

    @classmethod
    def from_flat(cls, overrides: Mapping[str, Any] | None = None, /, **kwargs: Any) -> Params:
        """Defaults with flat-named overrides, e.g. ``Params.from_flat(facilitation=0.2)``."""
        return cls().replace(**{**(overrides or {}), **kwargs})

    def replace(self, **overrides: Any) -> Params:
        """A copy with flat-named overrides applied and validated."""
        per_group: dict[str, dict[str, Any]] = {}
        for key, value in overrides.items():
            value = coerce(key, value)
            per_group.setdefault(PARAMETERS[key].group, {})[key] = value
        new = {g: dataclasses.replace(getattr(self, g), **kv) for g, kv in per_group.items()}
        out = dataclasses.replace(self, **new)
        out.check()
        return out

    def flat(self) -> dict[str, Any]:
        """All parameters as one flat dict (enums as their string values)."""
        out: dict[str, Any] = {}
        for g in GROUPS:
            for f in dataclasses.fields(getattr(self, g)):
                v = getattr(getattr(self, g), f.name)
                out[f.name] = v.value if isinstance(v, enum.Enum) else v
        return out

    def __post_init__(self) -> None:
        # Flat read access (params.facilitation), copied once from the groups, which stay the
        # truth; plain attributes because the schedule reads them every week.
        for info in PARAMETERS.values():
            object.__setattr__(self, info.name, getattr(getattr(self, info.group), info.name))

    def check(self) -> None:
        """Cross-parameter consistency that single bounds cannot express."""
        r = self.roles
        if r.share_conveners + r.share_seekers > 1.0:
            raise ParameterError("share_seekers", "share_conveners + share_seekers must not exceed 1 "
                                 f"(got {r.share_conveners:g} + {r.share_seekers:g})")
        s = self.status
        if s.peripheral_threshold > s.active_threshold:
            raise ParameterError("peripheral_threshold",
                                 "peripheral_threshold must not exceed active_threshold")
        n0 = self.network.n_organisations * self.network.participants_per_organisation
        if n0 > self.network.max_participants:
            raise ParameterError("max_participants", f"max_participants ({self.network.max_participants}) "
                                 f"is below the initial network size ({n0})")
