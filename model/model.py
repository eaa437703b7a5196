"""NetworkModel: networking work between organisations (ODD in docs/ODD.md).

One step is one week. ``step()`` reads as the ODD schedule; each process is
one method, in order. State that changes every week lives in numpy arrays
held here (participant rows, pairwise relations in :class:`Relations`), and
the submodels update it in vectorised operations; Python loops remain only
where behaviour is sequential (groups are formed seat by seat, the seats of
many groups at once: the team-assembly rule of ``model.formation``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import mesa
import numpy as np

from model import draws, kernels, reporters, sparse_kernels, state
from model.agents import Dialogue, Organisation, OrgKind, Participant, Role, Status, Strength
from model.formation import Teams, seat_draws
from model.knowledge import Knowledge
from model.outcome import (
    PHASE_CODES,
    PHASES,
    Outcome,
    Phase,
    classify_outcome,
    evaluation,
    phase_of,
    reading,
)
from model.params import WEEKS_PER_MONTH, WEEKS_PER_YEAR, Channel, Governance, Lifecycle, Params, Purpose
from model.relations import Relations, SparseRelations, grown_store, make_relations
from model.reporters import MODEL_REPORTERS, Seats, Snapshot, StartRelationships
from model.straight import StraightCalls

DEFAULT_STEPS = 156  # three years of weeks

_STRENGTH_SHARES = {
    Strength.TRUST_BUILDER: "share_trust_builders",
    Strength.COMMITTER: "share_committers",
    Strength.BROKER: "share_brokers",
    Strength.GOAL_BUILDER: "share_goal_builders",
    Strength.ENTHUSIAST: "share_enthusiasts",
    Strength.ASSEMBLER: "share_assemblers",
    Strength.RECRUITER: "share_recruiters",
    Strength.FACILITATOR: "share_facilitators",
}
# Kinds of professional organisation drawn at set-up (residents join through their own).
_PROFESSIONAL_KINDS = np.array([k for k in OrgKind if k is not OrgKind.RESIDENT_ASSOCIATION])
# Lifecycles that end when their goal is reached and recognised (S30, S32).
_ENDING = (Lifecycle.PROJECT, Lifecycle.CLIENT_PROCESS)
# Uniforms drawn at once when the sparse store's starting relations are drawn in bands.
_SETUP_BAND = 2**22
_HISTORY_WEEKS = DEFAULT_STEPS + 1  # first size of the history's table (set-up + a run)
# Rows of the history's table that the phase reads.
_ENGAGED_ROW = kernels.HISTORY.index("engaged_share")
_COMMITMENT_ROW = kernels.HISTORY.index("mean_commitment")
# Status codes for the compiled status updates: active, peripheral, dormant, left.
_STATUS_CODES = np.array([Status.ACTIVE, Status.PERIPHERAL, Status.DORMANT, Status.LEFT],
                         dtype=np.int8)
# The active code as a numpy scalar: comparing the status array with an IntEnum member
# converts it on every call, which costs more than the comparison.
_ACTIVE = _STATUS_CODES[0]
# Status codes as the compiled kernels take them.
_ACTIVE_CODE, _PERIPHERAL_CODE = int(Status.ACTIVE), int(Status.PERIPHERAL)
_SPEND_ITEMS = ("coordinator_hours", "rooms", "coffee", "travel", "channels")
# Normal draws per newcomer: person-level skill, the four cornerstones, commitment, autonomy.
_NORMALS_PER_PERSON = 7
# Roles in the order of their cumulative shares (conveners, then seekers, then the rest).
_ROLE_BY_SHARE = np.array([Role.CONVENER, Role.SEEKER, Role.CONTRIBUTOR], dtype=np.int8)
# Strengths that lift the commitment of those one talks or works with (S24).
_LIFTING = np.isin(np.arange(len(Strength)), [Strength.COMMITTER, Strength.ENTHUSIAST])
# Columns of the strengths array and the seekers' role code, as the compiled kernels read them.
_TRUST_BUILDER = int(Strength.TRUST_BUILDER)
_ASSEMBLER = int(Strength.ASSEMBLER)
_BROKER, _RECRUITER = int(Strength.BROKER), int(Strength.RECRUITER)
_SEEKER = int(Role.SEEKER)
_GOAL_BUILDER = int(Strength.GOAL_BUILDER)
_VOICING = int(Dialogue.VOICING)
# Rows of the first table of cumulative advantage (see _partner_weights): working groups
# joined, longer when someone has joined more.
_ATTACHMENT_ROWS = 64
# Uniforms per seat and lane of the team-assembly rule (model.formation.seat_draws).
_DRAWS_PER_SEAT = 3
# Whom a purpose lets a member draw on in a group (kernels.purpose_factor); others: anyone.
_PURPOSE_FACTORS = {Purpose.INNOVATION: kernels.FACTOR_DISTANCE,
                    Purpose.PEER_SUPPORT: kernels.FACTOR_SEEKER,
                    Purpose.CLIENT_SERVICE: kernels.FACTOR_OTHER_ORG}


def _frozen(x: np.ndarray) -> np.ndarray:
    """``x``, made read-only (an array shared by several readers)."""
    x.setflags(write=False)
    return x


def _no_one() -> np.ndarray:
    return np.empty(0, dtype=np.int64)


# No slots and no flags, read-only: what a week starts with (a new array each week costs more).
_NO_SLOTS = _frozen(_no_one())
_NO_BOUNDS = _frozen(np.zeros(1, dtype=np.int64))  # the bounds of no groups
_NO_FLAGS = _frozen(np.empty(0, dtype=bool))
# No census yet: what ``census()`` finds before the first, and after a week's one-call readings
# (read from them when asked).
_NO_CENSUS = reporters.Census(-1, _NO_SLOTS, _NO_SLOTS, 0.0, 0.0, 0.0)


class WeekReadings:
    """What a week's one-call observation (``NetworkModel._observe_block``) left: the week,
    whether it recorded, and its readings (``kernels.READINGS``), from which the census
    (with the week's ``members`` and ``active_slots``), snapshot and seats are read when
    asked. The model keeps one and rewrites it every such week (making a new one, a named
    tuple, cost a tenth of the Python around the observation).
    """

    __slots__ = ("recording", "step", "values")

    def __init__(self, step: int = -1, recording: bool = False,
                 values: list[float] | None = None):
        self.step, self.recording, self.values = step, recording, values or []


@dataclass
class Meeting:
    """This week's meeting (ODD 2 and 7.1-7.3), reset by ``convene`` every week.

    Attributes:
        held: A meeting was called this week and, once ``attend`` has run, someone came.
        coordinated: The coordinator called it and pays for it.
        invited: Slots invited (present members, active or peripheral).
        room_share: Chance that an attendee sits in the room rather than online.
        attendees: Slots that came, ascending.
        in_room: For each attendee, whether in the room.
    """

    held: bool = False
    coordinated: bool = False
    invited: np.ndarray = field(default_factory=_no_one)
    room_share: float = 1.0
    attendees: np.ndarray = field(default_factory=_no_one)
    in_room: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=bool))

    def reset(self) -> None:
        """No meeting yet: what a new week starts with (in place: one object for the run,
        rather than a new one every week).
        """
        self.held = self.coordinated = False
        self.invited = self.attendees = _NO_SLOTS
        self.room_share = 1.0
        self.in_room = _NO_FLAGS


class NetworkModel(mesa.Model):
    """A collaboration network of organisations and their representatives.

    Args:
        params: Full parameter set; defaults when omitted.
        rng: Seed or generator for all randomness (Mesa's ``rng``).
        **overrides: Flat parameter names overriding ``params``
            (e.g. ``coordination_budget_eur=800``); see ``model.params``.

    Attributes:
        params: The parameters in force.
        participants: Mesa AgentSet of all participants (present and departed).
        organisations: Mesa AgentSet of the member organisations.
        datacollector: Mesa DataCollector (``reporters.Collector``) with the model reporters.
        start_relationships: The founders' starting relationships (S18; ``relationships_kept``).
    """

    def __init__(self, params: Params | None = None, rng: Any = None, **overrides: Any):
        super().__init__(rng=rng)
        self.params = (params or Params()).replace(**overrides) if overrides else (params or Params())
        p = self.params
        n0 = p.n_organisations * p.participants_per_organisation
        n_res = round(p.resident_share * n0 / max(1e-9, 1.0 - p.resident_share))
        self.initial_size = n0 + n_res
        cap = min(p.max_participants, max(32, 2 * self.initial_size))
        # Room for the starting organisations (and the residents' association) and, doubling,
        # for those founded later, each with a recruit (``_grow_orgs``): no more than seats left.
        seats_left = max(1, p.max_participants - self.initial_size)
        org_cap = max(8, p.n_organisations + 1 + min(p.n_organisations + 1, seats_left))
        self._allocate(cap, org_cap)

        # Network-level state.
        self.balance = 0.0
        self.accrued_eur = 0.0
        self.spent_eur = 0.0
        self.spend = dict.fromkeys(_SPEND_ITEMS, 0.0)
        self.hidden_hours = 0.0
        self.weeks_since_meeting = 0
        self.meetings_held = 0
        self.meeting = Meeting()
        self.facilitation_now = 0.0
        self._unfacilitated = self._atmosphere()  # a group's atmosphere without a facilitator
        # Client cases per worker in a week at intensity 1, None where the network has none
        # (see _case_mean), and the gain of the coordinator's relay: fixed by the parameters,
        # so worked out once.
        self._cases_per_week = (p.client_cases_per_week if p.purpose is Purpose.CLIENT_SERVICE
                                or p.lifecycle is Lifecycle.CLIENT_PROCESS else None)
        self._relay_gain = p.relay_gain * p.facilitation
        self._advocating = p.purpose is Purpose.ADVOCACY  # decision windows (_advocacy_window)
        self.relay_paid = False
        # Nobody followed up: a writable empty array, of the type of the kernel's lists of
        # whom it followed up (a read-only one is another type to the kernel called straight).
        self._no_follow_ups = self.followed_up = np.empty(0, dtype=np.int64)
        self.goal_clarity = p.initial_goal_clarity
        self.skill_use_start = 0.5  # neutral: neither used nor unused yet
        self.goal_value = p.goal_value_per_person * self.initial_size
        self.goal_progress = 0.0
        self.goal_reached_at: int | None = None
        self.ended_at: int | None = None
        self.value_total = 0.0
        self.innovations = 0
        self.breaches_total = 0
        self.encounters_total = 0  # ordered-pair encounters (the breaches' denominator)
        self.advocacy_stock = 0.0
        self.activated_until = -1
        self.quiet_until = -1  # last week of a quiet spell (see go_quiet)
        self.activations: list[dict[str, Any]] = []
        self.host = 0
        self._turn = 0  # whose turn it is to host, under shared governance
        self._since_record = {"value": 0.0, "breaches": 0}
        # Weekly series the phase and the outcome classes read (ODD 4.11, 7.10): a row of
        # this table per series (kernels.HISTORY), a column per week observed, written in
        # the week's compiled census; read as lists through ``history``.
        self._history = np.empty((len(kernels.HISTORY), _HISTORY_WEEKS))
        self._weeks_observed = 0
        self._history_lists: dict[str, list[float]] = {key: [] for key in kernels.HISTORY}
        self._weeks_listed = 0  # weeks of the table already in the lists
        self.phase = Phase.ACTIVATION
        self._snapshot_cache: Snapshot | None = None
        self._seats_cache: Seats | None = None
        self._coverage_cache: tuple[int, float] | None = None  # (week, coverage())
        self._members: tuple[int, np.ndarray] | None = None  # (week, slots): see members()
        self._active: tuple[int, np.ndarray] | None = None
        # ((week, pair writes), members, ties): see member_ties()
        self._ties: tuple[tuple[int, int], np.ndarray, tuple[np.ndarray, ...]] | None = None
        self._census = _NO_CENSUS
        # (week, recording, readings) of the week's one-call observation
        # (``_observe_block``): the census, snapshot and seats are read from them when asked.
        self._readings: WeekReadings | None = None
        self._week_readings = WeekReadings()  # what _readings is after such a call
        self._readings_out = np.zeros(len(kernels.READINGS))  # written by each such call
        # What the call reads that stays fixed (the parameters are frozen), in one array.
        settings = {"active_code": reporters.ACTIVE_CODE, "engaged": p.engaged_commitment,
                    "held": p.held_commitment, "tie_threshold": p.tie_threshold,
                    "phase_window": p.phase_window_weeks,
                    "phase_goal_clarity": p.phase_goal_clarity,
                    "faded": p.faded_engaged_share, "stable_change": p.phase_stable_change,
                    "thriving": p.thriving_engaged_share}
        self._observe_settings = np.array([settings[k] for k in kernels.OBSERVE_SETTINGS],
                                          dtype=np.float64)

        self.n_circles = max(1, -(-self.initial_size // p.max_meeting_size))
        self._meeting_costs: dict[bool, tuple[float, float, float, float]] = {}
        self._coordination_constants()
        # A newcomer is a convener below the first cumulative role share, a seeker below the
        # second, else a contributor; and has each strength (columns of the strengths array)
        # with its share.
        self._role_bounds = np.array([p.share_conveners, p.share_conveners + p.share_seekers])
        self._strength_shares = np.array([getattr(p, _STRENGTH_SHARES[s]) if s in _STRENGTH_SHARES
                                          else 0.0 for s in Strength])
        self._next_circle = 0
        self._seat_rule = kernels.SeatRule(
            self._role_bounds, _ROLE_BY_SHARE, self._strength_shares, _LIFTING,
            p.dialogue_skill_mean, p.dialogue_skill_sd, p.person_sd,
            1 - p.structure * p.structure_autonomy_loss,
            p.active_threshold, p.peripheral_threshold, _STATUS_CODES,
            int(OrgKind.RESIDENT_ASSOCIATION), self.n_circles)
        # The attendance and motivation rules' parameters, as their kernels read them.
        self._motivation_rule = kernels.rule_record(kernels.MotivationRule(
            *(getattr(p, name) for name in kernels.MotivationRule._fields)))
        # The weekly kernels (and seat's), their argument types fixed, past numba's dispatch.
        self._calls = StraightCalls("model.kernels", "motivate", "start_week", "drawn_follow_up",
                                    "drawn_attendance_logit", "attend_meeting", "churn_status",
                                    "seat")
        self._attendance_rule = kernels.rule_record(kernels.AttendanceRule(
            *(getattr(p, name) for name in kernels.AttendanceRule._fields)))
        # The coordinator's follow-ups and churn, as their kernels read them: a follow-up
        # lifts commitment the more, the more facilitative the coordination, and a lead
        # organisation's staff steer as at its meetings (less facilitative, toward a goal
        # that others own less); the yearly turnover is a weekly chance.
        self._follow_up_rule = kernels.rule_record(kernels.FollowUpRule(
            p.followup_boost * p.facilitation * (1 - self.lead_bias), p.followup_boost,
            1 - self.lead_bias, p.active_threshold, p.peripheral_threshold))
        self._churn_rule = kernels.rule_record(kernels.ChurnRule(
            p.active_threshold, p.peripheral_threshold, p.dormant_weeks_to_leave,
            1.0 - (1.0 - p.turnover_per_year) ** (1.0 / WEEKS_PER_YEAR), p.recruit_rate))
        # Decay's weekly factors: knowledge ages by its half-life, the shared goal blurs.
        self._knowledge_ageing = 0.5 ** (1.0 / p.knowledge_half_life_weeks)
        self._goal_blurring = 1.0 - p.purpose_decay
        # Forming working groups: initiative is the share of a group's hours still free (of
        # at least a tiny positive amount of hours, so that it is defined).
        self._attachment = self._attachment_table(_ATTACHMENT_ROWS)
        self._forming_rule = kernels.rule_record(kernels.FormingRule(
            WEEKS_PER_MONTH, p.discretionary_hours, max(p.collaboration_hours, 1e-9),
            p.assembler_initiative, p.acquaintance_threshold, p.collaborator_familiarity,
            p.incumbent_probability, p.repeat_collaborator_probability))
        self._encounter_constants()
        self._create_population(n_res)
        self.datacollector = reporters.Collector(model_reporters=MODEL_REPORTERS)
        self._record_history(recording=True)
        self._last_recorded = -1
        self.record()

    # ------------------------------------------------------------------ schedule
    def step(self) -> None:
        """One week, in the order of the ODD schedule (docs/ODD.md section 3)."""
        if self.ended_at is not None:
            return  # an ended network has no more weeks (S32)
        self.convene()
        self.attend()
        self.converse()
        self.relay()
        self.collaborate()
        self.motivate()
        self.decay()
        self.churn()
        self.lifecycle()
        self.observe()

    # ------------------------------------------------------------------ set-up
    def _allocate(self, cap: int, org_cap: int) -> None:
        p = self.params
        self.capacity, self.org_capacity = cap, org_cap
        self.rel = make_relations(cap, p.trust_prior, p.familiarity_half_life_weeks,
                                  p.trust_half_life_weeks, tie_threshold=p.tie_threshold)
        self.knowledge = Knowledge(cap, org_cap)
        self.used = 0  # slots ever used
        self._set_people(state.allocate(state.PEOPLE, cap))
        self.agent_at: list[Participant | None] = [None] * cap
        vars(self).update(state.allocate(state.ORGANISATIONS, org_cap))
        self.n_orgs = 0
        self.org_agents: list[Organisation] = []

    def _set_people(self, arrays: dict[str, np.ndarray]) -> None:
        """Hold the participant arrays (``model.state.PEOPLE``) as the model's attributes and
        as the kernels' structure over the same memory (``self.people``).
        """
        vars(self).update(arrays)
        self.people = state.People.of(arrays)
        self._person_arrays = arrays
        # Room for a list of slots that a kernel fills and counts (churn's replaced).
        self._slot_list = np.empty(arrays["present"].size, dtype=np.int64)

    def _people_arrays(self) -> dict[str, np.ndarray]:
        """The participant arrays by name (those ``_set_people`` holds; the model replaces
        them only there).
        """
        return self._person_arrays

    def _grow(self) -> bool:
        """Double the participant capacity (up to max_participants); False if full."""
        new = min(self.params.max_participants, 2 * self.capacity)
        if new <= self.capacity:
            return False
        old = self.capacity
        self._set_people(state.grown(state.PEOPLE, self._people_arrays(), new))
        # From SPARSE_FROM slots on, the pairs move into the sparse store.
        self.rel = grown_store(self.rel, new, self.steps)
        self.knowledge.grow(new, self.org_capacity)
        self.agent_at.extend([None] * (new - old))
        self.capacity = new
        return True

    def _grow_orgs(self) -> None:
        """Double the organisation capacity, up to the organisations there can still be.

        Each organisation founded after set-up comes with a recruit in a free seat
        (``_recruit``), so there are no more of them than seats left. The knowledge table
        is people x organisation columns: where every recruit founds one, doubling past
        that bound left 39 % of a 5 GB table unused at max_participants 20,000.
        """
        seats_left = self.params.max_participants - self.used
        new = min(2 * self.org_capacity, self.n_orgs + max(1, seats_left))
        orgs = {f.name: getattr(self, f.name) for f in state.ORGANISATIONS}
        vars(self).update(state.grown(state.ORGANISATIONS, orgs, new))
        self.knowledge.grow(self.capacity, new)
        self.org_capacity = new

    def _add_organisation(self, kind: OrgKind) -> int:
        p = self.params
        if self.n_orgs >= self.org_capacity:
            self._grow_orgs()
        o = self.n_orgs
        self.n_orgs += 1
        self.knowledge.add_organisation()
        self.org_kind[o] = kind
        spread = max(0.0, 1.0 + p.time_allocation_spread * self.rng.standard_normal())
        self.org_time[o] = p.time_allocation_hours * spread
        self.org_culture[o] = np.clip(p.culture_mean + p.person_sd * self.rng.standard_normal(), 0, 1)
        # Residents have a right, not a statutory duty, to take part (S29).
        self.org_mandate[o] = 0.0 if kind is OrgKind.RESIDENT_ASSOCIATION else p.mandate
        self.org_agents.append(Organisation(self, o, kind))
        return o

    def _add_participant(self, o: int, commitment: float) -> int | None:
        """Seat a new person for organisation ``o`` in a fresh slot (None if the network is full)."""
        slots = self._add_participants(o, 1, commitment)
        return int(slots[0]) if slots.size else None

    def _add_participants(self, o: int, count: int, commitment: float) -> np.ndarray:
        """Seat ``count`` new people for organisation ``o`` in fresh slots; fewer if the
        network is full (at ``max_participants``).
        """
        while self.used + count > self.capacity:
            if not self._grow():
                break  # at max_participants: seat as many as fit
        count = max(0, min(count, self.capacity - self.used))
        slots = np.arange(self.used, self.used + count)
        self.used += count
        self._seat(slots, np.full(count, o, dtype=np.int64), commitment)
        return slots

    def _seat(self, slots: np.ndarray, orgs: np.ndarray, commitment: float) -> None:
        """Seat newcomers in distinct ``slots`` for organisations ``orgs`` (a replaced person's
        slot is reused, S18).

        Each person's draws are taken in turn, in the order a person seated alone
        would take them (uniforms for role and strengths, then normals for skill,
        commitment and autonomy), so seating people together or one by one gives
        the same run; the array writes are then done once for all of them.
        """
        rng = self.rng
        n = slots.size
        if n == 0:
            return
        uniforms = np.empty((n, 1 + len(Strength)))  # role, then one per strength
        normals = np.empty((n, _NORMALS_PER_PERSON))
        for k in range(n):  # drawn into the rows: the same stream, without a copy
            rng.random(out=uniforms[k])
            rng.standard_normal(out=normals[k])
        # Role, strengths, skills, commitment, circle, the week seated and a fresh record:
        # see kernels.seat.
        self._next_circle = self._calls.seat(self.people, slots, orgs, uniforms, normals,
                                             commitment, self.org_kind, self._next_circle,
                                             self.goal_clarity, self.skill_use_start, self.steps,
                                             *self._seat_rule)
        self._roster_changed()
        self.rel.reset(slots, self.steps, self.used)
        self.knowledge.forget(slots, orgs)
        for slot, o in zip(slots.tolist(), orgs.tolist(), strict=True):
            old = self.agent_at[slot]
            if old is not None:
                old.remove()
            self.agent_at[slot] = Participant(self, slot, self.org_agents[o])

    def _create_population(self, n_res: int) -> None:
        p, rng = self.params, self.rng
        for _ in range(p.n_organisations):
            self._add_organisation(OrgKind(int(rng.choice(_PROFESSIONAL_KINDS))))
            self._add_participants(self.n_orgs - 1, p.participants_per_organisation,
                                   p.initial_commitment)
        if n_res:
            o = self._add_organisation(OrgKind.RESIDENT_ASSOCIATION)
            self._add_participants(o, n_res, p.initial_commitment)
        # Colleagues know each other; across organisations only a few do (never
        # assume that everyone knows everyone, Jarvensivu 2019).
        if isinstance(self.rel, SparseRelations):
            self._start_relations_sparse()
            return
        idx = np.arange(self.used)
        same = self.org[idx][:, None] == self.org[idx][None, :]
        known = rng.random((self.used, self.used)) < p.prior_acquaintance
        known = np.triu(known, 1)
        known = known | known.T
        fam = np.where(same, p.colleague_familiarity, np.where(known, p.acquaintance_familiarity, 0.0))
        np.fill_diagonal(fam, 0.0)
        trust = np.where(same, p.colleague_trust, np.where(known, p.acquaintance_trust, p.trust_prior))
        self.rel.set_block(idx, fam, trust, self.steps)
        # The starting relationships: pairs of founders who know each other (S18).
        i, j = np.nonzero(np.triu(fam >= p.acquaintance_threshold, 1))
        self.start_relationships = StartRelationships(idx[i], idx[j], p.acquaintance_threshold)
        know = np.zeros((self.used, self.n_orgs))
        rows, cols = np.nonzero(known)
        know[rows, self.org[cols]] = p.acquaintance_knowledge
        know[idx, self.org[idx]] = 1.0
        self.knowledge.set_rows(idx, know)

    def _start_relations_sparse(self) -> None:
        """The starting relations of ``_create_population`` for the sparse store, without
        the dense blocks: the same draws (the square of uniforms, taken in bands of rows,
        which is the same stream), the same pairs, values, starting relationships and
        knowledge.
        """
        p, n = self.params, self.used
        org = np.ascontiguousarray(self.org[:n])
        band = max(1, _SETUP_BAND // max(n, 1))
        cols = np.arange(n)
        edges: list[tuple[np.ndarray, ...]] = []
        for r0 in range(0, n, band):
            u = self.rng.random((min(n, r0 + band) - r0, n))
            edges.append(sparse_kernels.starting_pairs(
                u, r0, org, p.prior_acquaintance, p.colleague_familiarity,
                p.acquaintance_familiarity, p.acquaintance_threshold))
        edge_i = np.concatenate([e[0] for e in edges])
        edge_j = np.concatenate([e[1] for e in edges])
        self.rel.build(n, org, edge_i, edge_j, (p.colleague_familiarity, p.colleague_trust),
                       (p.acquaintance_familiarity, p.acquaintance_trust), self.steps)
        self.start_relationships = StartRelationships(
            np.concatenate([e[2] for e in edges]), np.concatenate([e[3] for e in edges]),
            p.acquaintance_threshold)
        know = np.zeros((n, self.n_orgs))
        know[edge_i, org[edge_j]] = p.acquaintance_knowledge
        know[edge_j, org[edge_i]] = p.acquaintance_knowledge
        know[cols, org] = 1.0
        self.knowledge.set_rows(cols, know)

    # ------------------------------------------------------------------ helpers
    @property
    def participants(self) -> mesa.agent.AgentSet:
        """All participant agents (present and departed)."""
        return self.agents_by_type.get(Participant, mesa.agent.AgentSet([], random=self.random))

    @property
    def organisations(self) -> mesa.agent.AgentSet:
        """All organisation agents."""
        return self.agents_by_type[Organisation]

    @cached_property
    def has_coordinator(self) -> bool:
        """A network governed by an administrative organisation or by a lead organisation,
        with a budget, has a coordinator (S21, S28); worked out when first read, as the
        parameters are fixed for a run.
        """
        return (self.params.governance is not Governance.SELF_ORGANISING
                and self.params.coordination_budget_eur > 0)

    @cached_property
    def lead_bias(self) -> float:
        """How far the coordination serves one member's interests: the lead organisation's
        (``lead_bias``), or none (Provan & Kenis 2008); worked out when first read.
        """
        p = self.params
        return p.lead_bias if p.governance is Governance.LEAD_ORGANISATION else 0.0

    def members(self) -> np.ndarray:
        """Slots of present participants (not left), read-only."""
        if self._members is None or self._members[0] != self.steps:
            self._members = (self.steps, _frozen(np.flatnonzero(self.present[: self.used])))
        return self._members[1]

    def active_slots(self) -> np.ndarray:
        """Slots of active participants, read-only."""
        if self._active is None or self._active[0] != self.steps:
            self._active = (self.steps,
                            _frozen(np.flatnonzero(self.status[: self.used] == _ACTIVE)))
        return self._active[1]

    def _keep_members(self, members: np.ndarray) -> np.ndarray:
        """Keep a freshly found list of the present slots as this week's ``members()``
        unless one is listed already (then that one stays, for its readers); return the
        week's list.
        """
        m = self._members
        if m is None or m[0] != self.steps:
            self._members = m = (self.steps, _frozen(members))
        return m[1]

    def week_slots(self) -> tuple[np.ndarray | None, np.ndarray | None]:
        """This week's ``members()`` and ``active_slots()`` where already listed, else None."""
        m, a, now = self._members, self._active, self.steps
        return (m[1] if m is not None and m[0] == now else None,
                a[1] if a is not None and a[0] == now else None)

    def keep_week_slots(self, members: np.ndarray, active: np.ndarray
                        ) -> tuple[np.ndarray, np.ndarray]:
        """Keep freshly found lists of the present and the active slots as this week's
        ``members()`` and ``active_slots()`` where those are not listed yet (a list already
        listed stays, so that its readers keep seeing one array); return the week's lists.
        """
        m, a, now = self._members, self._active, self.steps
        if m is None or m[0] != now:
            m = self._members = (now, _frozen(members))
        if a is None or a[0] != now:
            a = self._active = (now, _frozen(active))
        return m[1], a[1]

    def _coordination_constants(self) -> None:
        """What the parameters alone fix of convening and attending, worked out once at
        set-up (the parameters do not change during a run): the coordinator's weekly budget,
        its carryover cap, the channel's weekly fee and what relaying, a follow-up and a
        recruitment attempt cost; the recruiting target; a meeting's hours; and the
        intensity and meeting interval outside and inside an activation (S28, S30, S31).
        """
        p = self.params
        wage = p.coordinator_wage_eur
        self._weekly_budget = p.coordination_budget_eur / WEEKS_PER_MONTH
        self._budget_cap = max(self._weekly_budget,
                               p.coordination_budget_eur * p.budget_carryover_months)
        self._channel_fee = p.channel_eur_per_month / WEEKS_PER_MONTH
        self._relay_cost = p.relay_hours_per_week * wage
        self._follow_up_cost = p.followup_hours * wage
        self._recruit_cost = p.recruit_hours * wage
        self._recruit_target = p.recruit_target_size * self.initial_size
        # Hours a meeting takes, its structure included (travel to the room comes on top).
        self._meeting_hours = p.meeting_hours + p.structure * p.structure_hours
        if p.lifecycle is Lifecycle.CLIENT_PROCESS:
            usual = p.client_process_intensity
        elif p.lifecycle is Lifecycle.SMOULDERING:
            usual = 1.0 / p.smouldering_interval_factor
        else:
            usual = 1.0
        # Indexed by whether the network is activated (``activated``).
        self._intensities = (usual, p.client_process_intensity)
        self._meeting_intervals = tuple(max(1.0, p.meeting_interval_weeks / intensity)
                                        for intensity in self._intensities)

    def _roster_changed(self, seats: bool = True) -> None:
        """Forget the week's active slots, and its members unless no one came or left
        (``seats=False``: statuses changed only). The lists are kept while nothing changes,
        and never across weeks.
        """
        self._active = None
        if seats:
            self._members = None

    @property
    def activated(self) -> bool:
        """Whether a smouldering network is in an activated, intensive phase (S31)."""
        return self.steps <= self.activated_until

    @property
    def quiet(self) -> bool:
        """Whether the network is in a quiet spell: nobody tends it (see :meth:`go_quiet`)."""
        return self.steps <= self.quiet_until

    def _intensity(self) -> float:
        """How intensely the network works now, relative to a permanent one: around a
        single client or while activated, more (S30, S31); a smouldering network between
        activations keeps light contact only, so meetings, joint work and shared client
        cases are all rarer (S31); in a quiet spell there is no joint work at all.
        """
        if self.quiet:
            return 0.0
        return self._usual_intensity()

    def _usual_intensity(self) -> float:
        """The intensity outside a quiet spell: a client process's, or an activated
        network's, else a smouldering network's light contact, else 1 (set up in
        ``_coordination_constants``).
        """
        return self._intensities[self.activated]

    def _meeting_interval(self) -> float:
        """Weeks between meetings at the usual intensity, at least one:
        ``max(1.0, meeting_interval_weeks / _usual_intensity())`` (set up in
        ``_coordination_constants``).
        """
        # The usual rhythm, also in a quiet spell: absence is judged against it.
        return self._meeting_intervals[self.activated]

    def _affords(self, cost: float, reserve: float) -> bool:
        """Whether the money beyond ``reserve`` pays ``cost`` (free work always is)."""
        return cost <= 0 or self.balance - reserve >= cost

    def _pay(self, item: str, eur: float) -> None:
        self.balance -= eur
        self.spent_eur += eur
        self.spend[item] += eur

    @property
    def openness(self) -> float:
        """Openness of the network's leadership, from its depth (S27): 0 at routine, 1/3 at
        open mind, 2/3 at open heart, 1 at open will.
        """
        return (self.params.leadership_depth - 1) / 3.0

    def _goal_done(self) -> bool:
        """Whether a goal that can be finished (a project's or a client process's) is reached."""
        return self.params.lifecycle in _ENDING and self.goal_progress >= 1.0

    def _atmosphere(self) -> float:
        """The base atmosphere of a group now: facilitation and open leadership (S19, S27)."""
        w = self.params.facilitation_weight
        return min(1.0, w * self.facilitation_now + (1 - w) * self.openness)

    # ------------------------------------------------------------------ 1 convene
    def convene(self) -> None:
        """The coordinator turns the budget into meetings, follow-ups and recruits (S26, S28).

        Without a coordinator a committed convener may call a meeting, less
        often and with less facilitation (S17, S21).
        """
        p = self.params
        # The week's totals start at nought; who is present, who is invited (active or
        # peripheral) and how many drift (peripheral or dormant), in one pass: see
        # kernels.start_week.
        members, invited, drifting = self._calls.start_week(
            self.week_value, self.week_hours, self.week_lift, self.week_active, self.present,
            self.status, self.used, _PERIPHERAL_CODE)
        members = self._keep_members(members)
        self.meeting.reset()
        self.facilitation_now = 0.0  # working groups between meetings run without a facilitator
        self.relay_paid = False
        self.followed_up = self._no_follow_ups
        self.weeks_since_meeting += 1
        coordinator = self.has_coordinator
        if coordinator:
            weekly = self._weekly_budget
            self.accrued_eur += weekly
            self.balance = min(self.balance + weekly, self._budget_cap)
        if self.quiet:
            return  # nobody convenes or follows up; the budget is kept (up to the carryover)
        if coordinator:
            virtual_channel = p.channel is not Channel.IN_PERSON
            if virtual_channel:
                fee = self._channel_fee
                if self.balance >= fee:
                    self._pay("channels", fee)
                else:
                    virtual_channel = False
            # Worst case: everyone invited comes, and so does everyone followed up this week.
            prep, room, room_share, total = self._meeting_cost(
                invited.size + p.followups_per_week, virtual_channel)
            # Meetings come first: until one is held, the coordinator keeps what it will need.
            reserve = total
            due = self.weeks_since_meeting >= self._meeting_interval() and invited.size
            if due and self.balance >= total:
                self._pay("coordinator_hours", prep)
                self._pay("rooms", room)
                # A lead organisation's own staff steer toward its agenda: less neutral.
                self._hold_meeting(invited, p.facilitation * (1 - self.lead_bias), room_share)
                self.meeting.coordinated = True
                reserve = total - prep - room  # coffee and travel to come
            # The hours decide whether the work is done; the wage only what it costs (a
            # volunteer coordinator's work is free, not left undone).
            relay_cost = self._relay_cost
            if p.relay_hours_per_week > 0 and self._affords(relay_cost, reserve):
                self._pay("coordinator_hours", relay_cost)
                self.relay_paid = True
            self._follow_up(drifting, reserve)
            self._coordinator_recruits(members, reserve)
        elif p.governance is Governance.SELF_ORGANISING:
            self._host_in_turn(invited)
        else:
            self._self_convene(invited)

    def _meeting_cost(self, invited: int, virtual_channel: bool
                      ) -> tuple[float, float, float, float]:
        """Worst-case cost of a coordinated meeting with ``invited`` people (S28): its
        preparation and room (EUR), the share of people in the room, and the total (EUR).
        """
        fixed = self._meeting_costs.get(virtual_channel)
        if fixed is None:  # the parameters fix all but the head count: worked out once
            fixed = self._meeting_costs[virtual_channel] = self._fixed_meeting_cost(
                virtual_channel)
        prep_eur, room, room_share, per_head = fixed
        return prep_eur, room, room_share, prep_eur + room + per_head * invited

    def _fixed_meeting_cost(self, virtual_channel: bool) -> tuple[float, float, float, float]:
        """A coordinated meeting's preparation and room (EUR), the share of people in the
        room, and the coffee and travel per person in it (EUR), with or without a paid
        channel this week (S28).
        """
        p = self.params
        prep = (p.meeting_prep_hours + p.structure * p.structure_admin_hours
                + (p.anticipation_prep_hours if p.anticipation_dialogue else 0.0))
        room_share = {Channel.IN_PERSON: 1.0, Channel.VIRTUAL: 0.0,
                      Channel.HYBRID: p.hybrid_in_person_share}[p.channel]
        if p.channel is not Channel.IN_PERSON and not virtual_channel:
            room_share = 1.0  # no paid channel this week: meet in a room
        own_premises = p.rotating_meeting or p.governance is Governance.LEAD_ORGANISATION
        room = 0.0 if (room_share == 0.0 or own_premises) else p.room_eur
        # Who sits in the room is drawn at attendance: reserve as if everyone did.
        per_head = (p.coffee_eur + p.travel_eur) * (room_share > 0)
        # Each circle of a big network is a meeting of its own to prepare and host.
        prep_eur = prep * p.coordinator_wage_eur * self.n_circles
        room *= self.n_circles
        return prep_eur, room, room_share, per_head

    def _hold_meeting(self, invited: np.ndarray, facilitation: float, room_share: float) -> None:
        self.meeting.held = True
        self.meeting.invited = invited
        self.meeting.room_share = room_share
        self.facilitation_now = facilitation

    def _host_in_turn(self, invited: np.ndarray) -> None:
        """Shared governance (S21; Provan & Kenis 2008): the member organisations host the
        meetings in turn, in their own time. When a meeting is due, the organisation whose
        turn it is prepares it and agrees it with every other organisation
        (``meeting_prep_hours`` per circle plus ``shared_hours_per_org`` per other
        organisation), shared among its active representatives; it manages with the
        chance that their hours for network work over the interval cover that. The hours
        are spent either way, and the turn passes on.
        """
        p = self.params
        if self.weeks_since_meeting < self._meeting_interval() or invited.size == 0:
            return
        orgs = np.unique(self.org[invited])
        host = int(orgs[self._turn % orgs.size])
        self._turn += 1
        hosts = invited[(self.org[invited] == host) & (self.status[invited] == _ACTIVE)]
        if hosts.size == 0:
            return  # nobody committed enough to take the turn
        needed = p.meeting_prep_hours * self.n_circles + p.shared_hours_per_org * (orgs.size - 1)
        self.week_hours[hosts] += needed / hosts.size
        self.week_active[hosts] = True
        weekly = self.org_time[host] / WEEKS_PER_MONTH + p.discretionary_hours
        have = weekly * self._meeting_interval() * hosts.size
        if self.rng.random() < min(1.0, have / max(needed, 1e-9)):
            # Facilitation falls to whoever has the strength, with their own dialogic skill.
            fac = invited[self.strengths[:, Strength.FACILITATOR][invited]]
            skill = self.dialogue[fac].mean(axis=1).max() if fac.size else 0.0
            room_share = 0.0 if p.channel is Channel.VIRTUAL else (
                1.0 if p.channel is Channel.IN_PERSON else p.hybrid_in_person_share)
            self._hold_meeting(invited, p.self_facilitation * skill, room_share)

    def _self_convene(self, invited: np.ndarray) -> None:
        p = self.params
        if self.weeks_since_meeting < self._meeting_interval() * p.self_convene_interval_factor:
            return
        conveners = invited[(self.role[invited] == Role.CONVENER)
                            & (self.status[invited] == _ACTIVE)]
        if conveners.size == 0:
            return
        chance = 1.0 - np.prod(1.0 - p.self_convene_rate * self.commitment[conveners])
        if self.rng.random() < chance:
            # Facilitation falls to whoever has the strength, with their own dialogic skill.
            fac = invited[self.strengths[:, Strength.FACILITATOR][invited]]
            skill = self.dialogue[fac].mean(axis=1).max() if fac.size else 0.0
            room_share = 0.0 if p.channel is Channel.VIRTUAL else (
                1.0 if p.channel is Channel.IN_PERSON else p.hybrid_in_person_share)
            self._hold_meeting(invited, p.self_facilitation * skill, room_share)

    def _follow_up(self, drifting: int, reserve: float) -> None:
        """The coordinator visits up to ``followups_per_week`` of the ``drifting`` people
        (present, peripheral or dormant: how many), drawn at random, as far as the money
        beyond ``reserve`` pays.
        """
        cost = self._follow_up_cost
        n = min(self.params.followups_per_week, drifting)
        if n == 0 or self.params.followup_hours <= 0:
            return
        if cost > 0:  # paid work: as many as the money beyond the reserve pays
            n = min(n, int(max(0.0, self.balance - reserve) // cost))
        if n <= 0:
            return
        self._pay("coordinator_hours", n * cost)
        # Whom: rng.choice(drifting, n, replace=False), the drifting listed and drawn in the
        # kernel; their commitment and purpose rise, and status follows: see
        # kernels.drawn_follow_up.
        chosen, changed = self._calls.drawn_follow_up(
            draws.source(self.rng), self.present, self.status, self.used, n, self.commitment,
            self.purpose, self.org, self.goal_clarity, self._follow_up_rule, _STATUS_CODES)
        if changed:
            self._roster_changed(seats=False)
        self.followed_up = chosen

    def _coordinator_recruits(self, members: np.ndarray, reserve: float) -> None:
        cost = self._recruit_cost
        if (self.params.recruit_hours <= 0 or members.size >= self._recruit_target
                or not self._affords(cost, reserve)):
            return
        self._pay("coordinator_hours", cost)
        if self.rng.random() < self.params.recruit_success:
            self._recruit()

    def _recruit(self) -> None:
        p, rng = self.params, self.rng
        if self.used >= p.max_participants:
            # A full network seats no one: the recruit founds no organisation either (one
            # without people counted in every knowledge coverage, and grew the knowledge
            # table with each recruiter's try).
            return
        if rng.random() < p.new_organisation_share or self.n_orgs == 0:
            o = self._add_organisation(OrgKind(int(rng.choice(_PROFESSIONAL_KINDS))))
        else:
            o = int(rng.integers(self.n_orgs))
        self._add_participant(o, p.newcomer_commitment)

    # ------------------------------------------------------------------ 2 attend
    def attend(self) -> None:
        """Invited participants come with a chance rising with commitment, time allocation,
        mandate and culture, and falling with burden (S16, S25, S29).
        """
        meeting = self.meeting
        if not meeting.held:
            return
        p = self.params
        hours = self._meeting_hours
        # Everyone invited or followed up, in slot order (convene lists the invited in slot
        # order, so without follow-ups they are all); two uniforms each: whether one sits in
        # the room, then whether one comes; and commitment, mandate and culture against the
        # time the meeting demands beyond the allocation: see kernels.drawn_attendance_logit.
        invited, u, in_room, logit = self._calls.drawn_attendance_logit(
            draws.source(self.rng), meeting.invited, self.followed_up, self.used,
            meeting.room_share, hours, p.travel_hours, self._meeting_interval(), self.hours_ema,
            self.org, self.org_time, WEEKS_PER_MONTH, p.discretionary_hours, self.commitment,
            self.org_mandate, self.org_culture, self._attendance_rule)
        # Who comes, with the chance 1 / (1 + exp(-logit)), spends the meeting's hours: see
        # kernels.attend_meeting.
        meeting.attendees, meeting.in_room, n_room = self._calls.attend_meeting(
            invited, in_room, u, np.exp(-logit), hours, p.travel_hours, self.week_hours,
            self.last_attended, self.steps, self.week_active)
        if meeting.attendees.size == 0:
            meeting.held = False
            return
        self.meetings_held += 1
        self.weeks_since_meeting = 0
        if meeting.coordinated:
            self._pay("coffee", p.coffee_eur * n_room)
            self._pay("travel", p.travel_eur * n_room)

    # ------------------------------------------------------------------ 3 converse
    def converse(self) -> None:
        """Attendees talk in small groups; familiarity grows, trust builds or breaks,
        knowledge flows along trusted ties (S9, S18-S20, S22).
        """
        meeting = self.meeting
        if not meeting.held or meeting.attendees.size < 2:
            return
        if self._converse_in_one_call():
            return
        p = self.params
        a = meeting.attendees
        # Circles are independent; each round forms the groups of all circles at once.
        ids, present, first = self._circle_lanes(a)
        # An anticipation dialogue's turn-taking lifts everyone's voicing and listening (S37).
        dialogue = self.dialogue
        if p.anticipation_dialogue and meeting.coordinated:
            dialogue = dialogue.copy()
            lifted = dialogue[:, [Dialogue.LISTENING, Dialogue.VOICING]]
            dialogue[:, [Dialogue.LISTENING, Dialogue.VOICING]] = (
                lifted + p.anticipation_structure * (1 - lifted))
        *_, i, j = self._talk(ids, present, first, dialogue)
        # Attendees have met; dialogic skill grows in facilitated meetings (S20, S5); the goal
        # is worked on (see _goal_work).
        self._goal_work(a)
        if p.rotating_meeting and self.n_orgs:
            self.host = (self.host + 1) % self.n_orgs
            self.knowledge.close_gaps(a, self.host, p.rotating_knowledge_gain)
        # What the talks yield: every round's pairs, one round after the other.
        self._purpose_value(i, j)

    def _converse_in_one_call(self) -> bool:
        """The rest of ``converse`` in one compiled call (``Relations.converse``: the chain of
        ``_circle_lanes``, ``_talk``, ``_goal_work`` and ``_purpose_value``) where the store
        offers it, unless an anticipation dialogue lifts the skills in use or the meeting
        rotates (those weeks take the chain): the same draws in the same order, so the same
        results. The chain passes the store, the people and the rules anew to each of its
        calls and draws in Python round by round, which at small sizes costs more than its
        work.

        Returns:
            Whether the week's talks are done (else nothing was, nor drawn).
        """
        p = self.params
        meeting = self.meeting
        if not self.rel.converses_in_one_call or (
                p.anticipation_dialogue and meeting.coordinated) or (
                p.rotating_meeting and self.n_orgs):
            return False
        f = self.facilitation_now
        pairs, breaches, self.goal_clarity, credited, value, self.advocacy_stock = (
            self.rel.converse(
                self.rng, self.people, meeting.attendees, meeting.in_room, self.n_circles,
                p.conversation_rounds, p.conversation_group_size, self._atmosphere(),
                p.acquaintance_threshold, 1.0 - p.newcomer_pull * f,
                p.cluster_tendency * (1.0 - f), self.knowledge, self._rules, f,
                self._goal_work_args(), self._value(), self.advocacy_stock, self.steps))
        self._count_encounters(pairs, breaches)
        if credited:
            self._set_value(value)
        return True

    def _circle_lanes(self, attendees: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The attendees of each circle with at least two of them, one row per circle.

        Returns:
            ``ids`` ``(circles, n)``, the attendees by circle, padded on the right with
            a repeat of the row's first attendee; ``present``, which entries are
            real (no conversation in a circle of one); and ``first``, which of them are at
            their first meeting (see kernels.circle_lanes).
        """
        return kernels.circle_lanes(attendees, self.circle, self.n_circles, self.met)

    def _talk(self, ids: np.ndarray, present: np.ndarray, first: np.ndarray,
              dialogue: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The conversation rounds. Each round splits every circle's attendees into small
        groups with the team-assembly rule: unfacilitated, people cluster with those they
        know (high q); facilitation mixes organisations and seats first-timers early
        (Jarvensivu 2019). Then everyone talks: the encounter rule (ODD 7.3; ``dialogue``
        the skills in use), in the group's atmosphere of facilitation and leadership depth,
        lifted by trust builders (S19, S24, S27); online encounters build less than meeting
        face to face; each talker's running average of how trusted its partners are moves
        (the social side of commitment, S18), and committers and enthusiasts lift those
        they talk with (S24).

        Each circle is one lane of the rule (``model.formation.assemble_teams``; ``ids``,
        ``present`` and ``first`` from ``_circle_lanes``); first-timers enter as the rule's
        newcomers, and who knows whom is read from the round's familiarity. A round's draws
        are the rule's (for as many seats as the widest circle has people), then a breach
        draw per ordered pair; every circle's people are seated, so a round's pairs are
        known before its groups (kernels.round_pairs), and all rounds' draws come first.
        The rounds then run in one compiled pass (kernels.talk_rounds).

        Returns:
            Every round's groups (members, and bounds into them), the groups per round,
            and every round's ordered pairs i and j, round after round.
        """
        p, rng = self.params, self.rng
        if ids.size == 0:
            return _NO_SLOTS, _NO_BOUNDS, _NO_SLOTS, _NO_SLOTS, _NO_SLOTS
        rounds, m = p.conversation_rounds, p.conversation_group_size
        pairs = kernels.round_pairs(present, m)
        u_seats = np.empty((rounds, ids.shape[1], _DRAWS_PER_SEAT, ids.shape[0]))
        u = np.empty((rounds, pairs))
        for r in range(rounds):
            u_seats[r] = seat_draws(rng, ids.shape[1], ids.shape[0])
            if pairs:
                rng.random(out=u[r])  # the round's breach draws
        f = self.facilitation_now
        meeting = self.meeting
        members, bounds, per_round, i, j, _, breaches = self.rel.talk_rounds(
            ids, present, first, u_seats, u,
            kernels.meeting_face(meeting.attendees, meeting.in_room, self.capacity), dialogue,
            self._atmosphere(), p.acquaintance_threshold, m, 1.0 - p.newcomer_pull * f,
            p.cluster_tendency * (1.0 - f), self.people, self.knowledge, self._rules, f,
            self.steps)
        self._count_encounters(i.size, breaches)
        return members, bounds, per_round, i, j

    def _encounter_constants(self) -> None:
        """What the encounter processes read every week and the parameters fix: the
        encounter rule (its facilitation is the meeting's, given to the compiled passes
        with it; none in working groups) and what groups do around it and yield, whom the
        purpose lets members draw on among them (``kernels.GroupRules``), and the homophily
        factor of whom initiators think of for each kind of distance (see
        ``_partner_weights``).
        """
        p = self.params
        encounter = kernels.EncounterRule(
            p.familiarity_gain, p.breach_base, p.perspective_strain, 0.0, self.openness,
            p.distance_resident, p.distance_cross_org, p.trust_gain, p.trust_gain_floor,
            p.trust_loss_ratio, p.knowledge_flow)
        group = kernels.GroupRule(
            _TRUST_BUILDER, p.trust_builder_atmosphere, p.virtual_encounter_factor, p.ema_rate,
            p.lift, _PURPOSE_FACTORS.get(p.purpose, kernels.FACTOR_NONE), _SEEKER,
            p.purpose is Purpose.ADVOCACY, p.purpose is Purpose.LEARNING,
            p.dialogue_learning_rate, p.purpose is Purpose.INNOVATION, p.idea_rate,
            p.idea_value, self.goal_value, p.lifecycle in _ENDING, p.collaboration_hours)
        self._rules = kernels.GroupRules.of(encounter, group)
        h = p.homophily * (1.0 - self.openness)
        # A pair's distance is 0, distance_cross_org or distance_resident, so its factor
        # exp(-h x distance) is one of three, taken once from numpy's exp (the value it gives
        # elementwise); the products and running sums are numpy's: see kernels.partner_draws.
        distances = np.array([0.0, p.distance_cross_org, p.distance_resident])
        self._partner_factor = np.exp(-h * distances) if h > 0 else np.ones(3)

    def _goal_work(self, attendees: np.ndarray) -> None:
        """After the talks attendees have met, and their dialogic skill grows in facilitated
        meetings (S20, S5). Meetings clarify the shared goal when a coordinator or goal
        builder works on it (S14b, S24); in an anticipation dialogue (a coordinated meeting
        the coordinator prepared as one) every attendee voices the future they hope for, so
        all of them build the goal (S37). Attendees' sense of purpose moves toward what the
        goal offers: its clarity while it is still to be reached; a reached goal that can be
        finished pulls no one on (S14b, S32). The goal a lead organisation sets is partly
        its own: others own less of it. One compiled pass: kernels.after_talks.
        """
        self.goal_clarity = kernels.after_talks(self.people, attendees,
                                                *self._goal_work_args())

    def _goal_work_args(self) -> tuple[float, bool, float, float, float, float, float, float,
                                       float, int, int]:
        """The arguments of ``kernels.after_talks`` after the attendees (``_goal_work``'s
        rule, this week's meeting and the goal as they stand).
        """
        p = self.params
        coordinated = self.meeting.coordinated
        return (p.dialogue_learning_rate * self.facilitation_now, coordinated, p.facilitation,
                p.anticipation_structure if p.anticipation_dialogue and coordinated else 0.0,
                p.goal_work_gain,
                self.goal_clarity, 0.0 if self._goal_done() else 1.0,
                self.lead_bias if coordinated else 0.0, p.purpose_pull, _GOAL_BUILDER, _VOICING)

    # ------------------------------------------------------------------ 4 relay
    def relay(self) -> None:
        """The coordinator and brokers pass on and condense what is going on (S24, S26)."""
        p = self.params
        if self.quiet:
            return  # nobody passes news on
        if self._relay_in_one_call():
            return
        # The coordinator's relay reaches the present who are active or peripheral; brokers
        # are the active with the strength: see kernels.relay_lists.
        reached, brokers = kernels.relay_lists(self.present, self.status, self.strengths,
                                               self.used, _PERIPHERAL_CODE, _ACTIVE_CODE,
                                               _BROKER)
        if self.relay_paid:
            self.knowledge.relax(reached, p.relay_gain * p.facilitation)
        per_broker = p.broker_contacts_per_week
        if brokers.size == 0 or per_broker == 0 or self.members().size < 2:
            return
        # Whom brokers reach: each attempt goes to a present member drawn at random among
        # those who trust the broker (a trust tie to it). Brokers reach across the network
        # through their own ties (Burt 2005); a stranger would not take the call, and a
        # broker whom nobody trusts reaches no one. Both directions' trust now (every
        # contact trusts its broker by construction). The broker gathers what the contact's
        # organisation is doing, then passes on, condensed, what it knows of all
        # organisations; a contact reached by several brokers keeps the best update. See
        # Relations.broker_contacts, Knowledge.broker_exchange, both in Relations.broker_relay.
        self.rel.broker_relay(brokers, per_broker, self.rng.random(brokers.size * per_broker),
                              self.present, p.tie_threshold, self.steps, self.knowledge,
                              self.org, p.broker_gain, self.contacts)

    def _relay_in_one_call(self) -> bool:
        """The rest of ``relay`` in one compiled call (``Relations.relay``) where the store
        offers it and the week's members are listed (the chain would list them): the same
        draws in the same order, so the same results. The chain passes the store, the people
        and the knowledge anew to each of its calls, which at small sizes costs more than
        its work.

        Returns:
            Whether the week's relay is done (else nothing was, nor drawn).
        """
        m = self._members  # the week's members() where listed (as week_slots)
        if m is None or m[0] != self.steps or not self.rel.relays_in_one_call:
            return False
        p = self.params
        self.rel.relay(self.rng, self.people, self.used, _PERIPHERAL_CODE, _ACTIVE_CODE, _BROKER,
                       self._relay_gain if self.relay_paid else None, self.knowledge,
                       p.broker_contacts_per_week, m[1].size, p.tie_threshold, p.broker_gain,
                       self.steps)
        return True

    # ------------------------------------------------------------------ 5 collaborate
    def collaborate(self) -> None:
        """Trusted acquaintances form working groups between meetings; the purpose yields
        value there (S2, S4-S10, S12, S15, S22, S27).
        """
        self.facilitation_now = 0.0  # working groups run without a facilitator
        if not self._collaborate_in_one_call():
            active, weight = self._active_weights()
            groups = self._working_groups(active, weight)
            if len(groups):
                self._work_in_groups(groups)
            self._client_cases(active)
        if self._advocating:  # (a call that would return at once, every week, otherwise)
            self._advocacy_window()

    def _collaborate_in_one_call(self) -> bool:
        """``_active_weights``, ``_working_groups``, ``_work_in_groups`` and
        ``_client_cases`` in one compiled call (``Relations.collaborate``), where the store
        offers it and the client cases' draws can be made there; the same draws in the same
        order, so the same results. Each call of the chain passes the store, the people and
        the rules anew and returns fresh arrays, which at small sizes costs more than its
        work.

        Returns:
            Whether the week's collaboration is done (else nothing was, nor drawn).
        """
        p = self.params
        intensity = self._intensity()
        cases = self._case_mean(intensity)
        if not self.rel.collaborates_in_one_call or (
                cases is not None and cases >= draws.POISSON_SMALL_LIMIT):
            return False
        # Without a facilitator (as working groups run), the atmosphere kept from the start.
        atmosphere = self._atmosphere() if self.facilitation_now else self._unfacilitated
        now = self.steps
        value = self._value()
        for _ in range(2):  # once more with a longer table if someone outgrew it
            active, fits, pairs, breaches, ideas, credited, value, advocacy = (
                self.rel.collaborate(
                    self.rng, self.people, self.used, _ACTIVE_CODE, self._attachment,
                    self._partner_factor, self.org_time, p.collaboration_rate * intensity,
                    self._forming_rule, _ASSEMBLER, p.working_group_size,
                    p.collaboration_candidates, atmosphere, self.knowledge, self._rules,
                    self.facilitation_now, cases, self.n_orgs, p.knowledge_threshold,
                    p.tie_threshold, value, self.advocacy_stock, now))
            if fits:
                break
            self._attachment = self._attachment_table(
                2 * int(self.groups_joined[: self.used].max()) + 1)
        a = self._active
        if a is None or a[0] != now:  # kept as the week's list (see active_slots)
            self._active = (now, _frozen(active))
        self.advocacy_stock = advocacy
        if pairs:
            self._count_encounters(pairs, breaches)
            self.innovations += ideas
        if credited:
            self._set_value(value)
        return True

    def _case_mean(self, intensity: float | None = None) -> float | None:
        """Client cases per worker this week, None where the network has none (S8-S10);
        ``intensity`` is this week's ``_intensity()`` where the caller has it.
        """
        per_week = self._cases_per_week
        if per_week is None:
            return None
        return per_week * (self._intensity() if intensity is None else intensity)

    def _work_in_groups(self, groups: Teams) -> None:
        """The members join their working groups (their hours, a group joined) and meet face
        to face: the encounter rule, in an atmosphere of open leadership lifted by trust
        builders (S19, S24, S27; ODD 7.4), with its effects on each member's running
        average of trusted partners and the lift from committers and enthusiasts (S18,
        S24); they count their partners in working groups.

        New joint action arises where distant knowledge meets in an open, trusting group
        (S7, S13, S15, S19, S20, S22, S27): a group invents a new practice with chance
        ``idea_rate x distance x trust x atmosphere``, its pairs' mean perspective distance
        and trust, and the group's atmosphere (in which distant views are voiced and
        heard); in innovation networks each member gains ``idea_value``. Leadership depth
        reaches innovation only through these: whom people work with, how trust fares
        across distance, and the atmosphere. Then the members draw on each other as the
        purpose lets them (``_purpose_value``'s rule).

        One compiled pass, ``kernels.work_in_groups``. The draws are those of the steps it
        fuses, in their order: a breach draw per ordered pair, then a new-practice draw per
        group.
        """
        i, j, g = groups.pairs
        if i.size == 0:  # nobody to meet: the members only join
            kernels.join_groups(groups.members, self.params.collaboration_hours,
                                self.collaborated, self.week_hours, self.groups_joined,
                                self.week_active)
            return
        breaches, ideas, credited, value, self.advocacy_stock = self.rel.work_in_groups(
            groups.members, groups.bounds, i, j, g, self.rng, self._atmosphere(),
            self.people, self.knowledge, self._rules, self.facilitation_now, self._value(),
            self.advocacy_stock, self.steps)
        self._count_encounters(i.size, breaches)
        self.innovations += ideas
        if credited:
            self._set_value(value)

    def _count_encounters(self, pairs: int, breaches: int) -> None:
        """Count a round's ordered-pair encounters and its breaches of trust."""
        self.encounters_total += pairs
        self.breaches_total += breaches
        self._since_record["breaches"] += breaches

    def _value(self) -> tuple[float, float, float]:
        """The value so far, since the last record and the goal's progress, as the compiled
        passes credit it (``kernels.credit``, ``_add_value``'s rule).
        """
        return self.value_total, float(self._since_record["value"]), self.goal_progress

    def _set_value(self, value: tuple[float, float, float]) -> None:
        """Keep what a compiled pass credited (see ``_value``)."""
        self.value_total, self._since_record["value"], self.goal_progress = value

    def _working_groups(self, active: np.ndarray, weight: np.ndarray) -> Teams:
        """Some of the ``active`` take the initiative: commitment and free time make it,
        assemblers take more (S24). Each initiator forms a working group with the
        team-assembly rule (Guimera et al. 2005) among the people it thinks of this week:
        ``collaboration_candidates`` active people, of whom those it knows are available.
        Incumbents have worked in a group before; past collaborators are those a member
        knows well.

        Whom an initiator thinks of is drawn with weights: people who have worked in many
        groups come to mind more (cumulative advantage, ``preferential_attachment``;
        Newman 2001, Barabasi et al. 2002), and people of one's own perspective more than
        distant ones (``homophily``), unless the network's leadership is open (S19, S27):
        ``weight`` for each of ``active`` (``_partner_weights``).
        """
        p = self.params
        if active.size < 2:
            return Teams.empty()  # nobody to work with: no initiative (and nothing drawn)
        # Who takes the initiative (kernels.initiators), whom each initiator thinks of, whom
        # it knows among them (a person drawn twice counts once), who has worked in a group
        # before (kernels.lane_masks) and who knows whom well, and the rule, each group
        # founded by its initiator (kernels.seat_working_groups), with their draws in one
        # compiled pass: see kernels.form_working_groups.
        members, bounds, i, j, g = self.rel.form_working_groups(
            self.rng, self.people, active, weight, self._partner_factor,
            self.org_time, p.collaboration_rate * self._intensity(), self._forming_rule,
            _ASSEMBLER, p.working_group_size, p.collaboration_candidates, self.steps)
        return Teams.with_pairs(members, bounds, (i, j, g))

    def _partner_weights(self, active: np.ndarray) -> np.ndarray:
        """How readily each of ``active`` comes to an initiator's mind, before homophily:
        ``(1 + groups joined)^a`` with ``a = preferential_attachment``; homophily multiplies
        it by ``exp(-h x distance)``, ``h = homophily x (1 - openness)`` (``_partner_factor``;
        the draws: kernels.partner_draws).
        """
        return (1.0 + self.groups_joined[active]) ** self.params.preferential_attachment

    def _attachment_table(self, rows: int) -> np.ndarray:
        """``_partner_weights``' ``(1 + g)^a`` for ``g`` groups joined, ``0 .. rows - 1``
        (numpy's power gives each ``g`` the same value whatever array it is in).
        """
        return (1.0 + np.arange(rows)) ** self.params.preferential_attachment

    def _active_weights(self) -> tuple[np.ndarray, np.ndarray]:
        """The week's ``active_slots()`` and their ``_partner_weights``, in one compiled pass
        (kernels.active_weights) from the table of cumulative advantage, lengthened when
        someone has joined more groups than it holds.
        """
        active, weight, fits = kernels.active_weights(self.people, self.used, _ACTIVE_CODE,
                                                      self._attachment)
        if not fits:
            self._attachment = self._attachment_table(
                2 * int(self.groups_joined[: self.used].max()) + 1)
            active, weight, _ = kernels.active_weights(self.people, self.used, _ACTIVE_CODE,
                                                       self._attachment)
        a = self._active
        if a is None or a[0] != self.steps:  # kept as the week's list (see active_slots)
            self._active = a = (self.steps, _frozen(active))
        return a[1], weight

    def _add_value(self, slots: np.ndarray, amount: np.ndarray | float) -> None:
        """Value created for ``slots``. In a network with a goal that can be finished (a
        project or a client process) what one's work means to oneself is its part in the
        goal: once the goal is reached, work adds nothing to it and is felt as worth nothing
        (S14b, S32). Before that it is felt in full: people do not lose heart as the end
        nears (if anything they try harder, the goal-gradient effect; Kivetz et al. 2006).
        """
        amount = (np.ascontiguousarray(amount, dtype=float) if isinstance(amount, np.ndarray)
                  else np.full(slots.size, float(amount)))
        felt = 0.0 if self._goal_done() else 1.0
        # np.add.at(week_value, slots, amount * felt) and amount.sum(), in numpy's order, in
        # one compiled call (see kernels.add_value).
        total = kernels.add_value(self.week_value, slots, amount, felt)
        self.value_total += total
        self._since_record["value"] += total
        self.goal_progress = min(1.0, self.value_total / self.goal_value)

    def _purpose_value(self, i: np.ndarray, j: np.ndarray) -> None:
        """Value that talking and working together yields, by purpose (S4-S8, S10, S13):
        for the ordered pairs (i, j) of the groups that met.

        A member's benefit from a group is the trust (rescaled above the prior)
        in the best partner the purpose lets them draw on: for peer support,
        seekers draw on non-seekers (S4); for learning, everyone draws on anyone
        and dialogic skill grows (S5); for client service, partners from other
        organisations fit services together (S8, S10); for advocacy, the work
        is preparation that pays off only at decision windows (S6); in
        innovation networks trusted partners of distant perspectives bring new
        views (S13, S15), and new practices add more (S7; see ``_work_in_groups``).
        """
        if i.size == 0:
            return
        # Whom the purpose lets a member draw on (a factor per pair; none: anyone; new
        # perspectives from trusted, distant partners in innovation, S13), the best benefit
        # and what it yields: see kernels.purpose_value.
        credited, value, self.advocacy_stock = self.rel.purpose_value(
            self.people, i, j, self._rules, self._value(), self.advocacy_stock, self.steps)
        if credited:
            self._set_value(value)

    def _client_cases(self, active: np.ndarray) -> None:
        """Client cases that need another organisation become seamless paths when the worker
        knows that organisation and trusts someone there (S8-S10, S12).
        """
        p = self.params
        cases = self._case_mean()
        if cases is None:
            return
        # The professionals among the active are the workers; each has a Poisson number of
        # cases, and each case needs some other organisation. A case is seamless when the
        # worker knows that organisation and trusts someone there, and yields 1.0: see
        # kernels.client_cases (kernels.seamless_value), which draws the cases too.
        if cases < draws.POISSON_SMALL_LIMIT:
            credited, value = self.rel.client_cases(
                self.rng, active, cases, self.people, self.used, self.n_orgs, self.knowledge,
                p.knowledge_threshold, p.tie_threshold, self._rules, self._value(), self.steps)
        else:
            credited, value = self._many_client_cases(active, cases)
        if credited:
            self._set_value(value)

    def _many_client_cases(self, active: np.ndarray, cases: float
                           ) -> tuple[bool, tuple[float, float, float]]:
        """``_client_cases`` with ``cases`` per worker too many for the compiled draws
        (numpy draws a Poisson of a mean of ``draws.POISSON_SMALL_LIMIT`` or more by another
        method): the draws here, then the same pass (``kernels.seamless_value``).

        Returns:
            Whether value was credited, and the value (as ``_value``).
        """
        p, rng = self.params, self.rng
        workers = kernels.non_residents(active, self.resident)
        if workers.size == 0 or self.n_orgs < 2:
            return False, self._value()
        n_cases = rng.poisson(cases, size=workers.size)
        total = int(n_cases.sum())
        if total == 0:
            return False, self._value()
        drawn = rng.integers(self.n_orgs - 1, size=total)
        return self.rel.seamless_value(
            workers, n_cases, drawn, self.people, self.used, self.n_orgs, self.knowledge,
            p.knowledge_threshold, p.tie_threshold, self._rules, self._value(), self.steps)

    def _advocacy_window(self) -> None:
        """At a decision window a connected, committed coalition influences decisions (S6)."""
        p = self.params
        if p.purpose is not Purpose.ADVOCACY:
            return
        active = self.active_slots()
        if self.steps % p.decision_window_weeks:
            return
        snap = self.snapshot()
        strength = snap.largest_component_share * snap.mean_commitment
        if strength >= p.coalition_threshold and active.size:
            self._add_value(active, self.advocacy_stock / active.size)
        self.advocacy_stock = 0.0

    # ------------------------------------------------------------------ 6 motivate
    def motivate(self) -> None:
        """Commitment moves with value received against time spent and with the three
        sources of S14; committers and enthusiasts lift others (S14, S18, S24, S25).
        """
        u = self.used
        # The present's value, hours, skill use, ties, purpose and commitment: see
        # kernels.motivate (the departed keep their last state).
        self.hidden_hours += self._calls.motivate(
            self.people, u, self.org_time, WEEKS_PER_MONTH, self.params.discretionary_hours,
            self.steps, self._meeting_interval(), self._motivation_rule)

    # ------------------------------------------------------------------ 7 decay
    def decay(self) -> None:
        """Knowledge goes out of date and the shared goal blurs without goal work (S9, S36).

        Familiarity and trust decay lazily (see :class:`Relations`): their elapsed
        decay is applied when a pair is next read or touched. Knowledge ages as a
        factor on each present person's row, kept as the row's pending map and
        applied when an entry is read or written.
        """
        self.knowledge.scale(self.members(), self._knowledge_ageing)
        self.goal_clarity *= self._goal_blurring

    # ------------------------------------------------------------------ 8 churn
    def churn(self) -> None:
        """Status follows commitment; turnover replaces people with newcomers; recruiters
        bring people in; long-dormant participants leave (S18, S22, S24, S29).
        """
        src = draws.source(self.rng)
        # Status follows commitment; the long dormant leave. Staff turnover: a seat passes to
        # a newcomer who knows no one (memory loss). Each active recruiter brings someone in
        # with a chance rising with its commitment. One compiled pass with its draws, up to
        # the newcomers: see kernels.churn_status.
        changed, n_replaced, recruits = self._calls.churn_status(
            src, self.status, self.present, self.commitment, self.dormant_weeks, self.strengths,
            self.used, self._churn_rule, _STATUS_CODES, _RECRUITER, self._slot_list)
        if changed:  # the week's lists of members and active slots still hold otherwise
            self._roster_changed(seats=bool(changed & 2))
        if n_replaced:
            replaced = self._slot_list[:n_replaced].copy()
            self._seat(replaced, self.org[replaced], self.params.newcomer_commitment)
            # Newcomers have statuses and strengths of their own: the recruiters now.
            recruits = kernels.churn_recruits(src, self.status, self.strengths, self.commitment,
                                              self.used, self._churn_rule, _STATUS_CODES,
                                              _RECRUITER)
        for _ in range(recruits):
            self._recruit()

    # ------------------------------------------------------------------ 9 lifecycle
    def lifecycle(self) -> None:
        """Goal reached and recognised ends a project (S32) or a client process (S30);
        a smouldering network is activated by shared clients (S31).
        """
        p, rng = self.params, self.rng
        if self.goal_progress >= 1.0 and self.goal_reached_at is None:
            self.goal_reached_at = self.steps
        # The goal is recognised as reached at a meeting that follows it up, the more
        # surely the clearer the goal is to everyone (S32, S33).
        if p.lifecycle in _ENDING and self.goal_reached_at is not None and self.ended_at is None \
                and self.meeting.held \
                and rng.random() < p.goal_recognition * self.goal_clarity:
            self.ended_at = self.steps
            self.running = False
        if self.activations and self.steps == self.activated_until:
            last = self.activations[-1]
            last["value_gained"] = self.value_total - last["value_before"]
        if p.lifecycle is Lifecycle.SMOULDERING and not self.activated \
                and rng.random() < p.activation_rate_per_year / WEEKS_PER_YEAR:
            self.activate()

    def activate(self) -> None:
        """An activation event: a shared client arises in a smouldering network (S31)."""
        self.activated_until = self.steps + self.params.activation_weeks
        self.quiet_until = -1  # the need ends any quiet spell
        self.weeks_since_meeting = 10_000  # the need calls a meeting at once
        self.activations.append({"step": self.steps, "value_before": self.value_total})

    def go_quiet(self, weeks: int) -> None:
        """An intervention: the network goes quiet for the next ``weeks`` weeks (S31, S36).

        Nobody tends it: no meeting is convened, no one is followed up or recruited by the
        coordinator, nobody passes news on, works with another or shares a client. The
        coordinator's budget keeps accruing, unspent, up to the carryover limit. People stay
        in their seats; their ties, knowledge, purpose and commitment go without contact. An
        activation (:meth:`activate`) ends the spell. This is the control of P9: a network
        that had been active and went cold, against the same one kept warm.

        Args:
            weeks: Length of the spell in weeks (0 ends a spell now).
        """
        if weeks < 0:
            raise ValueError(f"go_quiet: weeks must be at least 0, got {weeks}")
        self.quiet_until = self.steps + weeks if weeks else -1

    # ------------------------------------------------------------------ 10 observe
    def observe(self) -> None:
        """Record the phase and, every ``record_every`` weeks, the model reporters."""
        self._snapshot_cache = self._coverage_cache = None
        recording = self.steps % self.params.record_every == 0 or not self.running
        phase = self._record_history(recording)
        self.phase = phase_of(self) if phase is None else phase
        if recording:
            self.record()

    def record(self) -> None:
        """Collect the model reporters now, unless this week is already recorded (use it to
        record the final week of a run whose length is not a multiple of ``record_every``).
        """
        if self._last_recorded != self.steps:
            self._last_recorded = self.steps
            self.datacollector.collect(self)

    def _record_history(self, recording: bool = False) -> Phase | None:
        """Take the week's census (the state may have changed since one was taken this week)
        and its trust ties, and write the week's entries of the history (ODD 4.11, 7.10);
        in a small network, in one compiled call that also takes the week's phase and, when
        ``recording``, what the reporters read (``_observe_block``).

        Returns:
            The week's phase where the one call took it (else None: ``phase_of``).
        """
        n = self._weeks_observed
        if n == self._history.shape[1]:
            grown = np.empty((len(kernels.HISTORY), 2 * n))
            grown[:, :n] = self._history
            self._history = grown
        if self._reads_blocks():
            phase = self._observe_block(n, recording)
            self._weeks_observed = n + 1
            return phase
        self._readings = None
        m, a = self.week_slots()
        p, none = self.params, reporters.NO_SLOTS
        # The census, and the week's entries from it. The classification's own counts are
        # over seats and from its own thresholds, so that the behaviour's activity threshold
        # does not decide the outcome (ODD 7.10).
        m_now, a_now, sums = kernels.week_census(
            self.present, self.status, self.commitment, self.week_active, self.used,
            reporters.ACTIVE_CODE, p.engaged_commitment, p.held_commitment,
            none if m is None else m, none if a is None else a, m is not None, a is not None,
            self._history, n, self.initial_size, self.meeting.held)
        self._census = reporters.Census.made(self, m_now, a_now, sums)
        seats = max(1, self.initial_size, m_now.size)
        self._history[kernels.TIES_PER_SEAT, n] = self.member_ties()[0].size / seats
        self._weeks_observed = n + 1
        return None

    def _reads_blocks(self) -> bool:
        """Whether every pair measure of the week is read from the dense store's blocks (a
        small network: the survivors' and the seats' sums, among at most ``used`` people,
        under the store's ``dense_below``; the starting pairs read pair by pair; listed tie
        candidates), so that ``_observe_block`` gives what the reporters would read apart.
        """
        rel = self.rel
        return (type(rel) is Relations and rel.listing and self.steps <= rel.horizon
                and self.used * self.used < rel.dense_below
                and self.start_relationships.read_directly(rel))

    def _observe_block(self, week: int, recording: bool) -> Phase:
        """The census, the trust ties and the history's entries of ``_record_history``, the
        week's phase, and when ``recording`` the values of the snapshot, the seats and the
        knowledge coverage, from one compiled call over the dense store's blocks
        (``kernels.observe_block``). Its readings are kept as they come (``_readings``): the
        reporters read them in one row (``reporters.reported_row``), and the week's census,
        snapshot and seats are made from them only when asked. The call does not hand back
        the week's lists of the present and the active or its trust ties (nothing in the
        week reads them after it): ``members``, ``active_slots`` and ``member_ties`` find
        the same ones again if asked.

        Returns:
            The week's phase (what ``phase_of`` gives).
        """
        start, now = self.start_relationships, self.steps
        m, a = self.week_slots()
        none = reporters.NO_SLOTS
        out = self._readings_out
        self.rel.observe_block(
            self.present, self.status, self.commitment, self.week_active, self.org,
            self.seated_at, self.used, self._observe_settings, none if m is None else m,
            none if a is None else a, m is not None, a is not None, self._history, week,
            self.initial_size, self.meeting.held, now, recording, start.i, start.j,
            start.threshold, self.knowledge, self.n_orgs, PHASE_CODES[self.phase],
            self.goal_clarity, out)
        values = out.tolist()
        r = self._readings = self._week_readings
        r.step, r.recording, r.values = now, recording, values
        self._census = _NO_CENSUS  # read from the readings when asked
        self._ties = None  # found again by member_ties when asked
        if recording:
            self._seats_cache = None  # read from the readings when asked
            self._coverage_cache = (now, values[kernels.READ_COVERAGE])
        return PHASES[int(values[kernels.READ_PHASE])]

    def week_readings(self) -> list[float] | None:
        """The readings (``kernels.READINGS``) of this week's one-call observation when it
        recorded them and counted the survivors' ties itself, else None (then each reporter
        reads the model apart).
        """
        r = self._readings
        if (r is None or r.step != self.steps or not r.recording
                or r.values[kernels.READ_ACTIVE_TIES] < 0):
            return None
        return r.values

    @property
    def history(self) -> dict[str, list[float]]:
        """The weekly series (``kernels.HISTORY``: active share, mean commitment of the
        present, and over the seats the engaged, the held, the trust ties and those taking
        part; whether a meeting was held), every week observed, as lists of floats; the
        lists are brought up to date from the history's table when read.
        """
        n, lists = self._weeks_observed, self._history_lists
        if self._weeks_listed != n:
            new = self._history[:, self._weeks_listed:n].tolist()
            for key, weeks in zip(kernels.HISTORY, new, strict=True):
                lists[key].extend(weeks)
            self._weeks_listed = n
        return lists

    def phase_series(self) -> tuple[np.ndarray, np.ndarray]:
        """The history's ``engaged_share`` and ``mean_commitment`` so far as float arrays
        (views of its table, equal element for element to the lists), for
        :func:`model.outcome.phase_of`.
        """
        n = self._weeks_observed
        return self._history[_ENGAGED_ROW, :n], self._history[_COMMITMENT_ROW, :n]

    def take_since_record(self, key: str) -> float:
        """Amount of ``key`` accumulated since the last recording, then reset (for reporters)."""
        v = self._since_record[key]
        self._since_record[key] = 0
        return v

    def census(self) -> reporters.Census:
        """Present and active participants now, counted once per week when needed (by the
        history at every ``observe``, and before it if a reporter asks).
        """
        if self._census.step != self.steps:
            r = self._readings
            self._census = (reporters.Census.read(self.steps, self.members(),
                                                  self.active_slots(), r.values)
                            if r is not None and r.step == self.steps else
                            reporters.Census.of(self))
        return self._census

    def snapshot(self) -> Snapshot:
        """Relations among active participants now, computed once per week when needed."""
        if self._snapshot_cache is None or self._snapshot_cache.step != self.steps:
            readings = self.week_readings()
            self._snapshot_cache = (Snapshot.of(self) if readings is None else
                                    Snapshot.read(self.steps, readings))
        return self._snapshot_cache

    def seats(self) -> Seats:
        """Network-level measures over the seats now, computed once per week when needed."""
        if self._seats_cache is None or self._seats_cache.step != self.steps:
            r = self._readings
            self._seats_cache = (Seats.read(self.steps, r.values)
                                 if r is not None and r.step == self.steps and r.recording
                                 else Seats.of(self))
        return self._seats_cache

    def coverage(self) -> float:
        """Knowledge coverage now (``model.reporters.knowledge_coverage``), computed once per
        week when needed.
        """
        c = self._coverage_cache
        if c is None or c[0] != self.steps:
            # The mean over pairs (o1, o2) of o1's mean is a sum over people, each weighted
            # by one over its organisation's size, of its knowledge of the other
            # organisations.
            c = self._coverage_cache = (self.steps, float(self.knowledge.coverage(
                self.census().members, self.org, self.n_orgs)))
        return c[1]

    def relationships_kept(self) -> float:
        """Share of the starting relationships still alive: both founders still present
        (not replaced) and still acquainted (familiarity at ``acquaintance_threshold``;
        kept up to date by :class:`model.reporters.StartRelationships`).
        """
        return self.start_relationships.share(self)

    def member_ties(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The trust ties among the present participants now (:func:`model.reporters.
        trust_ties` of ``members()``, read-only arrays), computed once for all their readers
        (the history, the seats' and the survivors' reporters, ``trust_edges``) while
        neither the week, the members nor any pair changes.
        """
        m = self.members()
        key = (self.steps, self.rel.writes)
        if self._ties is None or self._ties[0] != key or self._ties[1] is not m:
            self._ties = (key, m, tuple(_frozen(x) for x in reporters.trust_ties(self, m)))
        return self._ties[2]

    def active_ties(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The trust ties among the active participants now: those of ``member_ties``
        between two active people (the same arrays :func:`model.reporters.trust_ties` of
        ``active_slots()`` gives, as every active person is present).
        """
        a = self.active_slots()
        if not self.present[a].all():  # never in the model's own weeks; stay exact anyway
            return reporters.trust_ties(self, a)
        i, j, t = self.member_ties()
        return kernels.pairs_of_status(i, j, t, self.status, int(Status.ACTIVE))

    # ------------------------------------------------------------------ results
    @property
    def outcome(self) -> str:
        """Outcome class (``model.outcome.Outcome``, ODD 7.10) from the final weeks."""
        return classify_outcome(self).value

    def evaluation(self) -> dict[str, Any]:
        """Run summary answering S33 and S34 (goal, results, benefit by role, coordination,
        leadership, roles).
        """
        return evaluation(self)

    def reading(self) -> str:
        """A one-line plain-language reading of the network's current state."""
        return reading(self)

    def trust_edges(self, threshold: float | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Trust ties among present participants: slots i < j and the pair's mean trust
        (the one definition of a trust tie, :func:`model.reporters.trust_ties`). A
        ``threshold`` other than ``tie_threshold`` reads the whole block instead.
        """
        m = self.members()
        if threshold is None or threshold == self.params.tie_threshold:
            return self.member_ties()
        _, t = self.rel.block(m, m, self.steps)
        sym = 0.5 * (t + t.T)
        r, c = np.nonzero(np.triu(sym >= threshold, 1))
        return m[r], m[c], sym[r, c]

    def hidden_cost_eur(self) -> float:
        """Participants' own hours valued at their wage: the organisations' hidden cost."""
        return self.hidden_hours * self.params.participant_wage_eur



__all__ = ["DEFAULT_STEPS", "NetworkModel", "Outcome", "Phase"]
