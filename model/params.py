"""Every parameter of the model, declared once.

Each field carries its default, unit, bounds and source on one line; the ODD
parameter table, the command line's ``--set`` help, the dashboard sliders and
the sensitivity bounds are all generated from these declarations
(see :func:`parameter_table`). Sources are claim ids of the source text
(S1-S37, ``shared/seed/CLAIMS.md``), papers, or "assumption".

Beside its bounds, every numeric parameter is either a **lever** (``lever=True``:
it defines the situation a user asks about, such as the network's size and
purpose, the budget, the meeting plan, a planner's prices, or the question asked
of the results) or an **uncertainty**: an assumption about the world with a
plausible range ``plausible=(low, high)`` around the default and a one-line
reason ``why`` (a claim, a paper, or "judgement: ..." with its logic). The
sensitivity analysis varies the uncertainties over their plausible ranges
(:func:`uncertain_parameters`); enums and flags are levers.

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
    plausible: tuple[float, float] | None = None,
    why: str = "",
    lever: bool = False,
) -> Any:
    """Declare a parameter: default, unit, bounds (or choices), source and meaning.

    Args:
        default: The default value.
        unit: Unit of the value ("" for enums and flags).
        low: Hard lower bound (``None`` for enums and flags).
        high: Hard upper bound.
        source: Claim ids, a paper or "assumption" for the mechanism.
        doc: One-line meaning.
        choices: The enum of allowed values, for a categorical parameter.
        plausible: ``(low, high)`` the value of the world plausibly lies in: an
            uncertainty the sensitivity analysis varies. ``None`` for levers.
        why: One line: the claim, paper or judgement that bounds ``plausible``.
        lever: The parameter defines the situation a user asks about (network size,
            purpose, budget, a planner's prices, the observation thresholds) rather
            than describing the world; it has no plausible range.
    """
    meta = {"unit": unit, "low": low, "high": high, "source": source, "doc": doc,
            "choices": choices, "plausible": plausible, "why": why, "lever": lever}
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class NetworkParams:
    """Size, purpose, lifecycle and openness of the network."""

    n_organisations: int = param(8, "organisations", 2, 1000, "assumption", "Organisations in the network at the start", lever=True)
    participants_per_organisation: int = param(3, "people", 1, 20, "assumption", "Representatives per organisation at the start", lever=True)
    purpose: Purpose = param(Purpose.CLIENT_SERVICE, "", None, None, "S4-S8", "What the network is for", choices=Purpose, lever=True)
    lifecycle: Lifecycle = param(Lifecycle.PERMANENT, "", None, None, "S29-S32", "Permanent, client process, smouldering or project", choices=Lifecycle, lever=True)
    governance: Governance = param(Governance.LED, "", None, None, "S21; Provan & Kenis 2008", "A coordinator of a network administrative organisation (led), the members in turn (self_organising) or one member organisation (lead_organisation)", choices=Governance, lever=True)
    resident_share: float = param(0.0, "share", 0.0, 0.5, "S22", "Share of seats held by resident or client representatives", lever=True)
    rotating_meeting: bool = param(False, "flag", None, None, "S22", "Meetings rotate among the organisations' own premises", lever=True)
    anticipation_dialogue: bool = param(False, "flag", None, None, "S37", "Meetings use structured anticipation dialogues", lever=True)
    max_participants: int = param(2000, "people", 10, 20000, "assumption", "Upper limit on people ever in the network (array capacity)", lever=True)


@dataclass(frozen=True)
class OrganisationParams:
    """What the member organisations allow and require (S16, S29)."""

    time_allocation_hours: float = param(8.0, "h/person/month", 0.0, 40.0, "S16", "Working time organisations grant each representative for network work", lever=True)
    time_allocation_spread: float = param(0.3, "fraction", 0.0, 1.0, "assumption", "Relative spread of time allocation between organisations", plausible=(0.1, 0.6), why="judgement: member organisations differ in the time they grant, seldom by more than about half either way; no data on the spread")
    culture_mean: float = param(0.6, "0-1", 0.0, 1.0, "S16", "Mean networking culture of the organisations", plausible=(0.4, 0.8), why="judgement (borderline lever): S16 asks for a culture that supports networking; a 0-1 scale nobody has measured, so a planner rarely knows it to better than +-0.2")
    mandate: float = param(0.0, "0-1", 0.0, 1.0, "S29", "Statutory duty to collaborate (raises attendance)", lever=True)
    turnover_per_year: float = param(0.1, "1/year", 0.0, 1.0, "S18", "Staff turnover: chance a representative is replaced in a year", lever=True)


@dataclass(frozen=True)
class RoleParams:
    """Shares of the three roles (S23) and of the strengths (S24)."""

    share_conveners: float = param(0.15, "share", 0.0, 0.6, "S23", "Participants in the convener (controller/director) role", lever=True)
    share_seekers: float = param(0.3, "share", 0.0, 0.8, "S23", "Participants in the listener/seeker role; the rest contribute", lever=True)
    share_brokers: float = param(0.15, "share", 0.0, 0.6, "S24", "Participants who relay information between organisations", lever=True)
    share_recruiters: float = param(0.1, "share", 0.0, 0.6, "S24", "Participants who recruit new people and organisations", lever=True)
    share_trust_builders: float = param(0.15, "share", 0.0, 0.6, "S24", "Participants who build trust in conversation", lever=True)
    share_committers: float = param(0.1, "share", 0.0, 0.6, "S24", "Participants who commit others (lift commitment)", lever=True)
    share_goal_builders: float = param(0.1, "share", 0.0, 0.6, "S24", "Participants who build shared goals", lever=True)
    share_enthusiasts: float = param(0.1, "share", 0.0, 0.6, "S24", "Participants whose enthusiasm lifts others", lever=True)
    share_assemblers: float = param(0.1, "share", 0.0, 0.6, "S24", "Participants who assemble joint activity (start working groups more often)", lever=True)
    share_facilitators: float = param(0.1, "share", 0.0, 0.6, "S24", "Participants who facilitate when no coordinator does", lever=True)


@dataclass(frozen=True)
class DialogueParams:
    """The four dialogic cornerstones (S20) and the atmosphere (S19)."""

    dialogue_skill_mean: float = param(0.55, "0-1", 0.0, 1.0, "S20", "Mean skill in suspending, listening, voicing and respecting", plausible=(0.4, 0.7), why="judgement (borderline lever): an unmeasured 0-1 skill; professionals in welfare work are trained listeners but rarely in dialogic practice (S20)")
    dialogue_skill_sd: float = param(0.15, "0-1", 0.0, 0.5, "assumption", "Spread of dialogic skill between people", plausible=(0.05, 0.25), why="judgement: people differ in dialogic skill, by less than the whole scale")
    dialogue_learning_rate: float = param(0.01, "1/meeting", 0.0, 0.1, "S5, S20", "Growth of dialogic skill per facilitated meeting", plausible=(0.003, 0.03), why="judgement: dialogic skill grows slowly, between a tenth of the scale in three years of monthly meetings and most of it")
    perspective_strain: float = param(1.5, "factor", 0.0, 5.0, "S22", "Extra breach risk between distant perspectives when unfacilitated", plausible=(0.5, 3.0), why="judgement: diversity strains groups (Pelled, Eisenhardt & Xin 1999) by an unknown factor; half to double the default")


@dataclass(frozen=True)
class CoordinationParams:
    """The coordinator, the budget and the meetings (S25, S26, S28)."""

    coordination_budget_eur: float = param(1500.0, "EUR/month", 0.0, 200000.0, "S28", "Money for coordination per month", lever=True)
    meeting_interval_weeks: int = param(4, "weeks", 1, 26, "S26", "Planned interval between network meetings", lever=True)
    facilitation: float = param(0.7, "0-1", 0.0, 1.0, "S25, S26", "Coordinator's facilitation skill", lever=True)
    structure: float = param(0.2, "0-1", 0.0, 1.0, "S25", "Heaviness of formal structure (reports, protocols, mandatory agenda)", lever=True)
    channel: Channel = param(Channel.HYBRID, "", None, None, "S26", "Meeting channel", choices=Channel, lever=True)
    meeting_hours: float = param(2.0, "h", 0.5, 8.0, "S26", "Length of a network meeting", lever=True)
    relay_hours_per_week: float = param(2.0, "h/week", 0.0, 20.0, "S26", "Coordinator hours for relaying and condensing information", lever=True)
    followup_hours: float = param(0.5, "h/contact", 0.0, 4.0, "S26", "Coordinator hours per follow-up with a drifting participant", plausible=(0.25, 1.0), why="judgement: a follow-up is a call or a coffee, 15 minutes to an hour with its notes")
    followups_per_week: int = param(2, "contacts/week", 0, 50, "S26", "Follow-ups the coordinator aims to make each week", lever=True)
    recruit_hours: float = param(3.0, "h/recruit", 0.0, 20.0, "S24", "Coordinator hours per recruitment attempt", plausible=(1.0, 6.0), why="judgement: a recruitment attempt takes a call to half a day of visits")
    recruit_target_size: float = param(1.0, "x initial", 0.0, 3.0, "assumption", "Network size the coordinator recruits towards, relative to the start", lever=True)
    budget_carryover_months: float = param(2.0, "months", 0.0, 12.0, "assumption", "Unspent budget kept for later, at most this many months", plausible=(0.5, 4.0), why="judgement (borderline lever): grants and internal budgets let a month to a quarter of unspent money be used later, seldom more; it also stands for how flexibly a coordinator spends")
    followup_boost: float = param(0.15, "share of gap", 0.0, 1.0, "S26", "Share of the gap to full commitment closed by a follow-up contact", plausible=(0.05, 0.3), why="judgement: one contact closes a small part of a drifting person's gap, not most of it")
    recruit_success: float = param(0.5, "probability", 0.0, 1.0, "S24", "Chance a coordinator's recruitment attempt brings someone in", plausible=(0.2, 0.8), why="judgement: between one in five and four in five approaches bring someone in")
    hybrid_in_person_share: float = param(0.5, "share", 0.0, 1.0, "assumption", "Share of attendees present in the room at a hybrid meeting", plausible=(0.3, 0.7), why="judgement: hybrid meetings after 2020 commonly split their attendees between room and screen")
    max_meeting_size: int = param(30, "people", 5, 500, "assumption", "Largest meeting; bigger networks meet in parallel circles of stable membership", lever=True)
    conversation_group_size: int = param(4, "people", 2, 12, "Jarvensivu 2019", "Size of the small groups people talk in at a meeting", lever=True)
    conversation_rounds: int = param(2, "rounds", 1, 6, "Jarvensivu 2019", "Rounds of small-group conversation per meeting, regrouped each round", lever=True)
    cluster_tendency: float = param(0.8, "probability", 0.0, 1.0, "Jarvensivu 2019", "Without facilitation, chance to join a group with someone already known", plausible=(0.6, 0.95), why="Ingram & Morris 2007: guests at a mixer mostly talk to people they already know; judgement for the size")
    newcomer_pull: float = param(0.6, "0-1", 0.0, 1.0, "Jarvensivu 2019", "How strongly facilitation seats newcomers among others early", plausible=(0.3, 0.9), why="judgement: how well facilitation seats newcomers among others; unmeasured")


@dataclass(frozen=True)
class AttendanceParams:
    """Who comes to a meeting (S16, S25, S29)."""

    attend_intercept: float = param(0.8, "logit", -5.0, 5.0, "assumption", "Log-odds of attending at commitment 0.5 with no burden", plausible=(0.2, 1.4), why="judgement: 55-80 % of an unburdened, half-committed member attends a voluntary inter-organisational meeting")
    attend_commitment: float = param(4.0, "logit/unit", 0.0, 20.0, "S18", "Rise in log-odds of attending per unit of commitment", plausible=(2.0, 6.0), why="judgement: commitment moves attendance from rare to nearly always across its scale (S18)")
    attend_mandate: float = param(1.5, "logit/unit", 0.0, 10.0, "S29", "Rise in log-odds of attending under full statutory mandate", plausible=(0.5, 2.5), why="judgement: a statutory duty (S29) raises attendance clearly but does not make it certain")
    attend_culture: float = param(1.0, "logit/unit", 0.0, 10.0, "S16", "Rise in log-odds of attending per unit of networking culture above 0.5", plausible=(0.5, 2.0), why="judgement: a networking culture (S16) helps attendance less than commitment does")
    attend_overload: float = param(1.5, "logit/unit", 0.0, 10.0, "S16, S25", "Fall in log-odds per unit of time demanded beyond the allocation", plausible=(0.75, 3.0), why="judgement: time demanded beyond the allocation (S16, S25) cuts attendance; half to double the default")
    overload_cap: float = param(4.0, "units", 0.0, 20.0, "assumption", "Largest overload counted in the attendance choice", plausible=(2.0, 8.0), why="judgement: the largest overload people weigh before they simply stay away")
    discretionary_hours: float = param(0.25, "h/person/week", 0.0, 40.0, "S16", "Hours a week a person can give to network work beyond what the organisation grants (flexibility, own time)", plausible=(0.0, 1.5), why="judgement: with full workloads people give about an hour a month of their own (the default); flexible ones up to about 6 h")
    travel_hours: float = param(1.0, "h/meeting", 0.0, 8.0, "S16, S28", "Travel time to an in-person meeting", lever=True)
    collaboration_hours: float = param(3.0, "h/group/week", 0.0, 40.0, "S2", "Hours a working group takes from each member in its week", plausible=(1.5, 6.0), why="judgement: a working group's week takes each member an hour or two to most of a working day")


@dataclass(frozen=True)
class LeadershipParams:
    """Depth of network leadership (S27)."""

    leadership_depth: int = param(2, "level 1-4", 1, 4, "S27", "1 routine, 2 open mind, 3 open heart, 4 open will", lever=True)
    homophily: float = param(3.0, "1/distance", 0.0, 10.0, "S19, S27; McPherson et al. 2001", "Preference for partners of one's own perspective when forming working groups, at routine depth (openness removes it)", plausible=(1.0, 5.0), why="McPherson et al. 2001: homophily is strong and general; its size on this model's distance scale is judgement")


@dataclass(frozen=True)
class DynamicsParams:
    """Rates of the familiarity-trust-commitment cycle (S18) and its decay (S36)."""

    familiarity_gain: float = param(0.3, "1/encounter", 0.0, 1.0, "S18", "Share of the gap to full familiarity closed by one conversation", plausible=(0.15, 0.5), why="judgement: one conversation makes people somewhat familiar, not fully")
    trust_gain: float = param(0.3, "1/encounter", 0.0, 1.0, "S18", "Trust built by one good encounter, times familiarity", plausible=(0.15, 0.5), why="judgement: trust builds over several good encounters (S18), not in one")
    trust_loss_ratio: float = param(3.0, "x gain", 1.0, 10.0, "literature (Slovic 1993)", "Trust lost in a breach, relative to a gain", plausible=(2.0, 5.0), why="Slovic 1993: negative events weigh about 2-5 times as much as positive ones in trust")
    breach_base: float = param(0.08, "probability", 0.0, 0.5, "S19, S20", "Chance an encounter breaches trust at zero dialogue quality and atmosphere", plausible=(0.03, 0.15), why="judgement: few encounters breach trust, more without dialogue (S19, S20)")
    trust_prior: float = param(0.15, "0-1", 0.0, 0.5, "assumption", "Trust in a stranger; trust relaxes towards it", plausible=(0.05, 0.3), why="judgement: professionals extend some initial trust to strangers of partner organisations, below a tie")
    tie_threshold: float = param(0.4, "0-1", 0.0, 1.0, "assumption", "Trust above which a relation counts as a trust tie", plausible=(0.3, 0.5), why="judgement: a trust tie is a relation clearly above a stranger's prior, below full trust")
    familiarity_half_life_weeks: float = param(52.0, "weeks", 1.0, 520.0, "S36", "Half-life of familiarity without contact", plausible=(26.0, 104.0), why="Burt 2000 (decay functions): most new ties are gone within one or two years without renewal")
    trust_half_life_weeks: float = param(78.0, "weeks", 1.0, 520.0, "S36", "Half-life of trust's distance from the prior without contact", plausible=(39.0, 156.0), why="Burt 2000 and judgement: trust outlasts contact somewhat longer than familiarity; half to double the default")
    knowledge_half_life_weeks: float = param(26.0, "weeks", 1.0, 520.0, "S9", "Half-life of knowledge of what an organisation currently does", plausible=(13.0, 52.0), why="judgement: what an organisation does changes with its reorganisations, within a quarter to a year")
    knowledge_flow: float = param(0.3, "1/encounter", 0.0, 1.0, "S9, S18", "Knowledge of a partner's organisation gained per trusted encounter", plausible=(0.15, 0.5), why="judgement: a trusted encounter tells part of what the partner's organisation does (S9)")
    relay_gain: float = param(0.03, "1/week", 0.0, 1.0, "S26", "Share of the knowledge gap a coordinator's weekly relay closes, times facilitation", plausible=(0.01, 0.06), why="judgement: a weekly relay closes a few per cent of the knowledge gap (S26)")
    broker_gain: float = param(0.3, "per contact", 0.0, 1.0, "S24", "Share of a gap in knowledge a broker closes per contact, times the contact's trust in the broker", plausible=(0.15, 0.5), why="judgement: a broker's contact tells part of what is going on (S24)")
    broker_contacts_per_week: int = param(4, "contacts", 0, 20, "S24", "Contacts a broker relays to each week", plausible=(2, 6), why="judgement: a broker passes on news to a few people a week")
    collaboration_rate: float = param(0.25, "1/week", 0.0, 2.0, "S2, S10", "Working groups started per active participant per week, at full commitment", plausible=(0.1, 0.5), why="judgement: a committed member starts joint work every two to ten weeks")
    assembler_initiative: float = param(2.0, "x", 1.0, 10.0, "S24", "How much more often an assembler starts a working group", plausible=(1.5, 3.0), why="judgement: assemblers (S24) start joint work noticeably, not vastly, more often")
    collaboration_candidates: int = param(12, "people", 1, 100, "assumption", "People an initiator thinks of when forming a working group in a week", plausible=(6, 20), why="judgement: the people one has in mind when looking for partners")
    preferential_attachment: float = param(1.0, "exponent", 0.0, 3.0, "Newman 2001; Barabasi et al. 2002", "Cumulative advantage: an initiator thinks of a person in proportion to (1 + working groups joined) to this power", plausible=(0.6, 1.2), why="Newman 2001; Barabasi et al. 2002: attachment in collaboration networks is about linear or a little sublinear")
    working_group_size: int = param(3, "people", 2, 8, "Guimera et al. 2005", "Members of a working group (m)", plausible=(2, 5), why="judgement: inter-organisational working groups of two to five people")
    incumbent_probability: float = param(0.7, "probability", 0.0, 1.0, "Guimera et al. 2005", "Chance a working-group seat goes to someone who has collaborated before (p)", plausible=(0.5, 0.9), why="Guimera et al. 2005: in the fields studied most seats went to incumbents; judgement for inter-organisational work")
    repeat_collaborator_probability: float = param(0.6, "probability", 0.0, 1.0, "Guimera et al. 2005", "Chance an incumbent is a past collaborator of a member (q)", plausible=(0.4, 0.8), why="Guimera et al. 2005: incumbents often repeat collaborations; judgement for the span")
    commitment_rate: float = param(0.08, "1/week", 0.0, 1.0, "S14, S18", "Speed at which commitment moves toward its motivated level", plausible=(0.04, 0.15), why="judgement: commitment follows its motivated level over two to six months")
    lift: float = param(0.03, "per contact", 0.0, 0.5, "S24", "Commitment lift from working with a committer or enthusiast", plausible=(0.01, 0.06), why="judgement: working with a committer or enthusiast (S24) lifts commitment a little")
    value_half_saturation: float = param(0.15, "value/week", 0.01, 10.0, "assumption", "Value received per week that gives half the motivational effect", plausible=(0.08, 0.3), why="judgement: value units are arbitrary; half to double the default keeps a typical week's value near saturation")
    shared_hours_per_org: float = param(0.5, "h/organisation/meeting", 0.0, 10.0, "S21; Provan & Kenis 2008", "Under shared governance, hours the hosting organisation spends agreeing a meeting with each other organisation", plausible=(0.25, 1.0), why="judgement: agreeing a meeting with each organisation takes a quarter to a full hour (Provan & Kenis 2008)")
    lead_bias: float = param(0.3, "0-1", 0.0, 1.0, "Provan & Kenis 2008", "How far a lead organisation steers meetings and the shared goal toward its own interests", plausible=(0.1, 0.5), why="Provan & Kenis 2008: a lead organisation steers toward its own interests to some degree; judgement for how far")
    self_convene_rate: float = param(0.5, "1/week", 0.0, 2.0, "S17, S21", "Chance per week that a committed convener calls a meeting, without a coordinator", plausible=(0.2, 0.8), why="judgement: a committed convener (S17) calls a meeting when one is due, but not reliably")
    acquaintance_threshold: float = param(0.15, "0-1", 0.0, 1.0, "assumption", "Familiarity at which two people know each other well enough to work together", plausible=(0.1, 0.25), why="judgement: people work together once they know each other a little")
    collaborator_familiarity: float = param(0.3, "0-1", 0.0, 1.0, "Guimera et al. 2005", "Familiarity marking a past collaborator, preferred when forming a working group", plausible=(0.2, 0.4), why="judgement: familiarity that marks a past collaborator")
    virtual_encounter_factor: float = param(0.6, "x", 0.0, 1.0, "assumption", "Familiarity and trust gains of an online encounter relative to a face-to-face one", plausible=(0.4, 0.85), why="Wilson, Straus & McEvily 2006: trust develops more slowly in computer-mediated teams; judgement for how much")
    facilitation_weight: float = param(0.5, "0-1", 0.0, 1.0, "S19, S26", "Weight of facilitation (against leadership depth) in the atmosphere of a meeting", plausible=(0.3, 0.7), why="judgement: facilitation and leadership depth both shape atmosphere (S19, S26, S27), neither dominates")
    trust_gain_floor: float = param(0.5, "0-1", 0.0, 1.0, "S19", "Share of the trust gain that does not depend on the atmosphere", plausible=(0.3, 0.7), why="judgement: part of trust building does not depend on the atmosphere")
    self_facilitation: float = param(0.5, "x", 0.0, 1.0, "S21", "Facilitation a participant-facilitator gives, relative to their dialogic skill", plausible=(0.3, 0.7), why="judgement: a participant-facilitator facilitates less than their dialogic skill alone suggests")
    purpose_pull: float = param(0.5, "share of gap", 0.0, 1.0, "S14b", "Share of the gap to the network's goal clarity an attendee's sense of purpose closes", plausible=(0.3, 0.7), why="judgement: attending a meeting shares part, not all, of the goal's clarity (S14b)")
    tie_fade: float = param(0.04, "1/week", 0.0, 1.0, "S18", "Weekly fading of the felt support of one's ties in weeks without contact", plausible=(0.02, 0.08), why="judgement: the felt support of ties fades over months without contact")
    trust_builder_atmosphere: float = param(0.15, "0-1", 0.0, 1.0, "S24", "Atmosphere added to a group by a trust builder in it", plausible=(0.05, 0.25), why="judgement: one trust builder (S24) lifts a small group's atmosphere somewhat")
    anticipation_structure: float = param(0.5, "0-1", 0.0, 1.0, "S37; Arnkil & Seikkula 2006", "How far an anticipation dialogue's turn-taking lifts each attendee's voicing and listening toward full skill", plausible=(0.3, 0.7), why="Arnkil & Seikkula 2006 describe turn-taking that gives everyone voice; judgement for how far it lifts skill")
    distance_cross_org: float = param(0.4, "0-1", 0.0, 1.0, "S13, S15", "Perspective distance between people of different organisations", plausible=(0.25, 0.6), why="judgement: professionals of different organisations differ in perspective (S13, S15), less than residents do")
    distance_resident: float = param(1.0, "0-1", 0.0, 1.0, "S22", "Perspective distance between a professional and a resident or client", plausible=(0.7, 1.0), why="judgement: residents' experience knowledge (S22) is the most distant perspective")
    colleague_familiarity: float = param(0.6, "0-1", 0.0, 1.0, "assumption", "Familiarity between colleagues of one organisation at the start", plausible=(0.4, 0.8), why="judgement: colleagues know each other fairly well")
    colleague_trust: float = param(0.5, "0-1", 0.0, 1.0, "assumption", "Trust between colleagues of one organisation at the start", plausible=(0.35, 0.65), why="judgement: colleagues trust each other moderately")
    acquaintance_familiarity: float = param(0.3, "0-1", 0.0, 1.0, "assumption", "Familiarity of people of different organisations who already know each other", plausible=(0.2, 0.4), why="judgement: prior acquaintances across organisations know each other a little")
    acquaintance_trust: float = param(0.35, "0-1", 0.0, 1.0, "assumption", "Trust of people of different organisations who already know each other", plausible=(0.25, 0.45), why="judgement: prior acquaintances trust each other about at the tie threshold")
    acquaintance_knowledge: float = param(0.3, "0-1", 0.0, 1.0, "S9", "Knowledge of an acquaintance's organisation at the start", plausible=(0.2, 0.4), why="judgement: an acquaintance knows something of the other's organisation (S9)")
    person_sd: float = param(0.1, "0-1", 0.0, 0.5, "assumption", "Spread between people of initial commitment, autonomy and culture", plausible=(0.05, 0.15), why="judgement: spread between people of initial commitment, autonomy and culture")
    prior_acquaintance: float = param(0.1, "probability", 0.0, 1.0, "assumption", "Chance two people of different organisations already know each other at the start", plausible=(0.05, 0.25), why="judgement (borderline lever): in a Finnish municipality some professionals already know each other; rarely most")
    rotating_knowledge_gain: float = param(0.3, "share of gap", 0.0, 1.0, "S22", "Knowledge of the host organisation gained by attending a rotating meeting there", plausible=(0.15, 0.5), why="judgement: visiting an organisation's premises (S22) shows part of what it does")
    ema_rate: float = param(0.15, "1/week", 0.01, 1.0, "assumption", "Weight of the latest week in running averages of value, hours and contact", plausible=(0.08, 0.3), why="judgement: people weigh the last one to three months when judging value and time")
    self_convene_interval_factor: float = param(2.0, "x", 1.0, 10.0, "S17, S21", "Self-called meetings come this many times less often than planned ones", plausible=(1.5, 3.0), why="judgement: self-called meetings (S17, S21) come less often than planned ones")


@dataclass(frozen=True)
class MotivationParams:
    """Weights of the motivational sources of commitment (S14) and costs of time."""

    weight_value: float = param(0.45, "weight", 0.0, 1.0, "S2, S14", "Weight of value received", plausible=(0.3, 0.6), why="judgement: value received (S2) is the main but not the only source of commitment")
    weight_autonomy: float = param(0.1, "weight", 0.0, 1.0, "S14a", "Weight of autonomy", plausible=(0.05, 0.2), why="judgement: autonomy (S14a) matters, less than value")
    weight_purpose: float = param(0.15, "weight", 0.0, 1.0, "S14b", "Weight of a shared goal", plausible=(0.08, 0.25), why="judgement: a shared goal (S14b) matters, less than value")
    weight_skills: float = param(0.15, "weight", 0.0, 1.0, "S14c", "Weight of using and developing one's skills", plausible=(0.08, 0.25), why="judgement: use of one's skills (S14c) matters, less than value")
    weight_ties: float = param(0.15, "weight", 0.0, 1.0, "S18", "Weight of trusted ties (the reinforcing cycle)", plausible=(0.08, 0.25), why="judgement: trusted ties (S18) matter, less than value")
    weight_time: float = param(0.3, "weight", 0.0, 1.0, "S16, S25", "Weight of time pressure: the share of one's network hours taken from other work", plausible=(0.15, 0.45), why="judgement: time taken from other work (S16, S25) weighs clearly, less than all positive sources together")
    structure_autonomy_loss: float = param(0.8, "0-1", 0.0, 1.0, "S25", "Autonomy lost under fully heavy structure", plausible=(0.5, 1.0), why="judgement: heavy structure takes much of participants' autonomy (S25)")
    structure_hours: float = param(1.5, "h/meeting", 0.0, 10.0, "S25", "Extra participant hours per meeting at full structure (reports, protocols)", plausible=(0.5, 3.0), why="judgement: reports and protocols add half an hour to three hours per meeting")
    initial_goal_clarity: float = param(0.5, "0-1", 0.0, 1.0, "assumption", "Clarity of the shared goal when the network starts", plausible=(0.3, 0.7), why="judgement: a new network's goal is neither clear nor absent")
    purpose_decay: float = param(0.02, "1/week", 0.0, 0.5, "S14b, S36", "Weekly fading of the shared goal without goal work", plausible=(0.01, 0.04), why="judgement: a shared goal fades over months to a year without goal work (S36)")
    goal_work_gain: float = param(0.15, "per meeting", 0.0, 1.0, "S14b, S24", "Goal clarity gained per meeting with a coordinator or goal builder", plausible=(0.08, 0.25), why="judgement: a meeting with goal work clarifies the goal somewhat (S14b, S24)")


@dataclass(frozen=True)
class ValueParams:
    """What each purpose yields (S4-S8) and the goal (S32, S36)."""

    goal_value_per_person: float = param(15.0, "value units/person", 0.1, 1000.0, "S32, S36", "Value per founding participant that reaches the network's goal", plausible=(8.0, 30.0), why="judgement: a project's goal takes about half to double the default's months of joint work")
    client_cases_per_week: float = param(0.3, "cases/person/week", 0.0, 5.0, "S8, S10", "Client cases needing another organisation, per participant", plausible=(0.15, 0.6), why="judgement (borderline lever): a worker meets a client needing another organisation every two to seven weeks")
    knowledge_threshold: float = param(0.4, "0-1", 0.0, 1.0, "S9", "Knowledge of an organisation needed to route a client there", plausible=(0.3, 0.5), why="judgement: routing a client needs to know roughly what the other organisation does (S9)")
    decision_window_weeks: int = param(13, "weeks", 1, 104, "S6", "Interval between political decision windows (advocacy)", lever=True)
    idea_rate: float = param(0.3, "1/group", 0.0, 1.0, "S7, S27", "Chance a diverse working group at open will invents a new practice", plausible=(0.1, 0.5), why="judgement: a diverse group at open will (S7, S27) invents now and then, not every time")
    idea_value: float = param(5.0, "value units/member", 0.0, 100.0, "S7", "Value of a new practice to each member of the group that invents it", plausible=(2.5, 10.0), why="judgement: value units are arbitrary; half to double the default")
    coalition_threshold: float = param(0.3, "0-1", 0.0, 1.0, "S6", "Coalition strength (connected share x commitment) needed to win at a decision window", plausible=(0.2, 0.45), why="judgement: a coalition must be fairly connected and committed to win at a decision window (S6)")
    goal_recognition: float = param(0.5, "1/meeting", 0.0, 1.0, "S32, S33", "Chance that a meeting which follows up the goal recognises it as reached, times goal clarity, and ends the network", plausible=(0.2, 0.8), why="judgement: a meeting that follows up the goal notices it is reached (S32) more or less reliably")
    activation_rate_per_year: float = param(2.0, "1/year", 0.0, 12.0, "S31", "Activation events (shared clients) per year in a smouldering network", lever=True)
    activation_weeks: int = param(8, "weeks", 1, 52, "S31", "Length of an activated, intensive phase", plausible=(4, 13), why="judgement: an activated phase around shared clients (S31) lasts one to three months")
    smouldering_interval_factor: float = param(3.0, "x", 1.0, 12.0, "S31", "Meetings, joint work and shared client cases are this many times rarer while smouldering between activations", plausible=(2.0, 6.0), why="judgement: a smouldering network (S31) meets two to six times less often")
    client_process_intensity: float = param(2.0, "x", 1.0, 5.0, "S30", "Meeting and collaboration intensity around a single client", plausible=(1.5, 3.0), why="judgement: work around a single client (S30) is more intensive, by a bounded factor")


@dataclass(frozen=True)
class StatusParams:
    """How status follows commitment, and how people come and go."""

    initial_commitment: float = param(0.55, "0-1", 0.0, 1.0, "assumption", "Mean commitment of founding participants", plausible=(0.45, 0.65), why="judgement: founders come moderately committed")
    newcomer_commitment: float = param(0.45, "0-1", 0.0, 1.0, "assumption", "Commitment of someone newly joined", plausible=(0.35, 0.55), why="judgement: newcomers come somewhat less committed than founders")
    active_threshold: float = param(0.35, "0-1", 0.0, 1.0, "assumption", "Commitment at or above which a participant is active", plausible=(0.28, 0.42), why="judgement: the commitment at which people take part actively; a status rule of the dynamics, not only a label")
    peripheral_threshold: float = param(0.2, "0-1", 0.0, 1.0, "assumption", "Commitment at or above which a participant is peripheral (else dormant)", plausible=(0.12, 0.26), why="judgement: below the active threshold, above indifference")
    dormant_weeks_to_leave: int = param(26, "weeks", 1, 260, "assumption", "Weeks dormant before a participant leaves", plausible=(13, 52), why="judgement: people drop a membership after a quarter to a year of dormancy")
    recruit_rate: float = param(0.02, "1/week", 0.0, 0.5, "S24", "Chance per week that a committed recruiter brings in a newcomer", plausible=(0.01, 0.04), why="judgement: a committed recruiter (S24) brings someone in once or twice a year")
    new_organisation_share: float = param(0.3, "share", 0.0, 1.0, "S24, S29", "Share of recruits who bring a new organisation", plausible=(0.15, 0.5), why="judgement: a minority to half of recruits bring a new organisation (S24, S29)")


@dataclass(frozen=True)
class CostParams:
    """Prices of what coordination buys (S28), and the organisations' hidden cost."""

    coordinator_wage_eur: float = param(45.0, "EUR/h", 0.0, 200.0, "assumption (Finnish public sector)", "Coordinator's hourly cost", lever=True)
    meeting_prep_hours: float = param(3.0, "h/meeting", 0.0, 40.0, "S26", "Coordinator hours to prepare and follow up a meeting", plausible=(2.0, 5.0), why="judgement: preparing and following up a two-hour meeting takes two to five hours (S26)")
    anticipation_prep_hours: float = param(4.0, "h/meeting", 0.0, 40.0, "S37", "Extra coordinator hours to prepare an anticipation dialogue", plausible=(2.0, 8.0), why="judgement: an anticipation dialogue (S37) needs extra preparation")
    structure_admin_hours: float = param(6.0, "h/meeting", 0.0, 40.0, "S25", "Extra coordinator hours per meeting at full structure", plausible=(3.0, 10.0), why="judgement: reports and protocols under full structure (S25) take a coordinator half a day to a day and a half")
    room_eur: float = param(80.0, "EUR/meeting", 0.0, 2000.0, "S28", "Meeting room for an in-person or hybrid meeting", lever=True)
    coffee_eur: float = param(4.0, "EUR/attendee", 0.0, 50.0, "S28", "Coffee and refreshments per in-person attendee", lever=True)
    travel_eur: float = param(10.0, "EUR/attendee", 0.0, 200.0, "S28", "Travel per in-person attendee paid by the network", lever=True)
    channel_eur_per_month: float = param(30.0, "EUR/month", 0.0, 1000.0, "S26, S28", "Virtual channel or workspace subscription", lever=True)
    participant_wage_eur: float = param(38.0, "EUR/h", 0.0, 200.0, "assumption", "Hourly cost of a participant's time (borne by the organisation)", lever=True)


@dataclass(frozen=True)
class ObservationParams:
    """Recording and the end-of-run classification thresholds (not dynamics).

    All are levers: they change no run, only which runs are called thriving or
    fading, so they define the question asked of the model, not the world in it.
    """

    record_every: int = param(1, "weeks", 1, 52, "assumption", "Recording interval of the model reporters", lever=True)
    outcome_window_weeks: int = param(13, "weeks", 1, 104, "assumption", "Final weeks over which the outcome is judged", lever=True)
    engaged_commitment: float = param(0.35, "0-1", 0.0, 1.0, "assumption", "Commitment at or above which a seat counts as engaged, for the outcome classes only", lever=True)
    held_commitment: float = param(0.2, "0-1", 0.0, 1.0, "S31", "Commitment at or above which a seat is still held (engaged or loosely attached), for the outcome classes only", lever=True)
    thriving_engaged_share: float = param(0.5, "share", 0.0, 1.0, "assumption", "Engaged share of seats (window mean) at or above which a network can be thriving", lever=True)
    thriving_component_share: float = param(0.5, "share", 0.0, 1.0, "assumption", "Share of engaged people in the largest trust-tie component at or above which a network can be thriving", lever=True)
    faded_engaged_share: float = param(0.1, "share", 0.0, 1.0, "assumption", "Engaged share of seats (window mean) below which a network without warm ties has faded", lever=True)
    smouldering_ties_per_seat: float = param(0.3, "ties/seat", 0.0, 20.0, "S31", "Trust ties per seat (window mean) that a smouldering network keeps warm", lever=True)
    smouldering_held_share: float = param(0.5, "share", 0.0, 1.0, "S31", "Share of seats still held (window mean) that tells a loose network kept warm from a shrunken core", lever=True)
    phase_goal_clarity: float = param(0.5, "0-1", 0.0, 1.0, "Imperial et al. 2016", "Goal clarity that ends the activation phase", lever=True)
    phase_window_weeks: int = param(13, "weeks", 2, 104, "Imperial et al. 2016", "Window over which phase trends are judged", lever=True)
    phase_stable_change: float = param(0.05, "share/window", 0.0, 0.5, "assumption", "Change in active share or commitment that still counts as stable", lever=True)
    fading_trend: float = param(-0.05, "share/window", -1.0, 0.0, "assumption", "Fall of the mean engaged share from the previous window to the final one that counts as fading", lever=True)


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
    plausible: tuple[float, float] | None = None
    plausible_why: str = ""
    lever: bool = False

    @property
    def uncertain(self) -> bool:
        """Whether the value is an assumption about the world (it has a plausible range)."""
        return self.plausible is not None


def N_(message: str) -> str:
    """Mark an English message for the translation catalogs (``verkosto.i18n_extract`` reads
    this file); the model itself speaks English and never imports the front door.
    """
    return message


RATE_WORDS: dict[str, str] = {
    "1/year": N_("a year"),
    "1/week": N_("a week"),
    "1/meeting": N_("per meeting"),
    "1/encounter": N_("per encounter"),
    "1/group": N_("per group"),
    "1/distance": N_("per unit of distance"),
}
"""The rate units in words after a number: "0 to 12 a year" reads, "0 to 12 1/year" does
not (a table's unit column or an axis label keeps ``1/year``)."""


class Message:
    """An English message kept as its template and fields, so that the front door can word
    it in the user's language (``verkosto.i18n.word``); ``str()`` gives the English. The
    scenario loader's errors use it too (``scenarios.Text``).

    Args:
        template: The English text with ``{field}`` placeholders (a msgid, marked ``N_``).
        context: The msgid's context in the catalogs (e.g. ``unit``), if any.
        **fields: The values; a field may itself be a message.
    """

    def __init__(self, template: str, context: str | None = None, **fields: Any):
        self.template = template
        self.context = context
        self.fields = fields

    def __str__(self) -> str:
        return self.template.format(**{k: str(v) for k, v in self.fields.items()})


class ParameterError(ValueError):
    """A parameter name or value that is not allowed; the message says what is.

    Args:
        key: The parameter the message is about.
        message: The message, in English or as a :class:`Message` (kept as ``text``, for
            the front door to word in the user's language).
    """

    def __init__(self, key: str, message: str | Message):
        super().__init__(str(message))
        self.key = key
        if isinstance(message, Message):
            self.text = message


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
                                    m["low"], m["high"], m["source"], m["doc"], choices,
                                    m["plausible"], m["why"], m["lever"])
    return out


PARAMETERS: dict[str, ParamInfo] = _infos()


def parameter_table() -> Iterator[ParamInfo]:
    """All parameter declarations in declaration order."""
    yield from PARAMETERS.values()


def uncertain_parameters() -> dict[str, tuple[float, float]]:
    """Every uncertain parameter (not a lever) with its plausible range, in declaration order."""
    return {info.name: info.plausible for info in PARAMETERS.values() if info.plausible is not None}


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
            raise ParameterError("share_seekers", Message(
                N_("share_conveners + share_seekers must not exceed 1 (got {conveners} + "
                   "{seekers})"), conveners=f"{r.share_conveners:g}",
                seekers=f"{r.share_seekers:g}"))
        s = self.status
        if s.peripheral_threshold > s.active_threshold:
            raise ParameterError("peripheral_threshold", Message(
                N_("peripheral_threshold must not exceed active_threshold")))
        n0 = self.network.n_organisations * self.network.participants_per_organisation
        if n0 > self.network.max_participants:
            raise ParameterError("max_participants", Message(
                N_("max_participants ({maximum}) is below the initial network size ({size})"),
                maximum=self.network.max_participants, size=n0))
