"""Model reporters: named functions of the model, computed from its arrays.

Pair-based reporters share one :class:`Snapshot` of the relations among
active participants per recorded week. It is built from running sums and a
list of candidate trust ties that the relations keep up to date at every
write (:class:`model.relations.Relations`), so a recording costs about the
status changes since the previous one, not the square of the network;
:meth:`Snapshot.dense` is the direct computation it must equal. Counts and
means over the present and the active people come from one :class:`Census`
per week, which the history and the phase read as well. In a small network
one compiled call observes the week (``kernels.observe_block``): its readings
hold the census's, the snapshot's and the seats' values, which the collector
records in one row (:func:`reported_row`) and from which those three are made
only when asked (their ``read`` methods).
"""

from __future__ import annotations

import types
from typing import TYPE_CHECKING, Any, NamedTuple

import mesa
import numpy as np

from model import kernels
from model.agents import Status
from model.outcome import Phase

if TYPE_CHECKING:
    from model.model import NetworkModel
    from model.relations import Relations


ACTIVE_CODE = int(Status.ACTIVE)
# Stands for a slot list not known yet (kernels.census); read-only as the lists it stands
# for are, so that the kernel has one signature (each one more is compiled and loaded apart).
NO_SLOTS = np.empty(0, dtype=np.int64)
NO_SLOTS.setflags(write=False)


class Collector(mesa.DataCollector):
    """Mesa's DataCollector, for model reporters that are functions of the model returning
    numbers or strings.

    Such a value cannot change after it is recorded, so it is stored as returned,
    without the deep copy Mesa takes of every value (which costs more than most of
    the reporters here). With the model's own reporters (``MODEL_REPORTERS``), a week
    observed in one compiled call (``NetworkModel.week_readings``) is recorded from its
    readings in one row (:func:`reported_row`: each reporter's value, without a call
    per reporter), which waits to be added to Mesa's lists until they are read
    (``model_vars``, which the data frames read too). Everything else is Mesa's own:
    the first collection (which validates the reporters), agent reporters, tables and
    the data frames; any other kind of reporter takes Mesa's path throughout.
    ``tests/test_reporters_incremental.py`` compares the two collectors on a run.
    """

    def __init__(self, model_reporters: dict[str, Any] | None = None, **kwargs: Any):
        # Rows recorded and not yet added to the reporters' lists (before Mesa's own set-up,
        # which reads ``model_vars``).
        self._waiting: list[list[Any]] = []
        super().__init__(model_reporters=model_reporters, **kwargs)
        self._functions_only = all(isinstance(r, types.FunctionType)
                                   for r in self.model_reporters.values())
        self._rows = list(self.model_reporters.items()) == list(MODEL_REPORTERS.items())
        self._lists = [self.model_vars[var] for var in self.model_reporters]
        self._bind_appends()

    def _bind_appends(self) -> None:
        """Each reporter with the append of its list (Mesa's lists, kept for good): a
        collection is then one call and one append per reporter, with no lookups.
        """
        self._appends = [(values.append, reporter) for values, reporter
                         in zip(self._lists, self.model_reporters.values(), strict=True)]

    def __getstate__(self) -> dict:
        """The collector's state for a copy or a pickle, without the reporters' appends:
        ``copy.deepcopy`` keeps a list's bound ``append`` as it is (a built-in method is an
        atom to it), so a deep-copied model's collector appended its weeks to the
        original's lists (any network not observed in one call, from 64 people up).
        """
        state = dict(vars(self))
        del state["_appends"]
        return state

    def __setstate__(self, state: dict) -> None:
        """The copied state, with the appends of its own reporters' lists."""
        vars(self).update(state)
        self._bind_appends()

    @property
    def model_vars(self) -> dict[str, list[Any]]:
        """Each model reporter's values, in the order recorded (Mesa's lists: the rows
        recorded since the last reading are added to them first).
        """
        if self._waiting:
            self._add_waiting()
        return self._model_vars

    @model_vars.setter
    def model_vars(self, value: dict[str, list[Any]]) -> None:
        self._model_vars = value

    def _add_waiting(self) -> None:
        """Add the rows waiting to the reporters' lists, column by column."""
        rows, self._waiting = self._waiting, []
        for values, column in zip(self._lists, zip(*rows, strict=True), strict=True):
            values.extend(column)

    def collect(self, model: mesa.Model) -> None:
        """Collect the model reporters' values now (and the rest as Mesa does)."""
        if (not self._functions_only or not self._validated or self.agent_reporters
                or self.agenttype_reporters):
            super().collect(model)
            return
        self._collection_steps.append(model.time)
        readings = model.week_readings() if self._rows else None
        if readings is None:
            if self._waiting:
                self._add_waiting()
            for append, reporter in self._appends:
                append(reporter(model))
            return
        row = reported_row(model, readings)
        if len(row) != len(self._lists):  # zip() would stop at the shorter silently
            raise RuntimeError(f"reported_row gives {len(row)} values for "
                               f"{len(self._lists)} reporters: add the new reporter to it")
        # Kept as a row (one append) and added to the lists column by column when they are
        # read: appending to each list every week costs more than the row itself.
        self._waiting.append(row)


class Census(NamedTuple):
    """Who takes part at one week: the present and the active participants (read-only slot
    arrays), the active share and mean commitments, and the counts over the present people
    that the history reads (``NetworkModel._record_history``). A named tuple: made often,
    in a fifth of a frozen dataclass's time.
    """

    step: int
    members: np.ndarray
    active: np.ndarray
    active_share: float
    mean_commitment_all: float
    mean_commitment: float
    commitment_sum: float = 0.0  # over the present, as ``commitment[members].sum()``
    engaged: int = 0  # present people at ``engaged_commitment`` or more
    held: int = 0  # present people at ``held_commitment`` or more
    taking_part: int = 0  # present people who took part this week (``week_active``)

    @classmethod
    def of(cls, model: NetworkModel) -> Census:
        """Count the model's present and active participants now, in one compiled pass
        (``kernels.census``; the slot lists the model has this week already are reused).
        """
        m, a = model.week_slots()
        p, none = model.params, NO_SLOTS
        m_now, a_now, sums = kernels.census(
            model.present, model.status, model.commitment, model.week_active, model.used,
            ACTIVE_CODE, p.engaged_commitment, p.held_commitment,
            none if m is None else m, none if a is None else a, m is not None, a is not None)
        return cls.made(model, m_now, a_now, sums)

    @classmethod
    def made(cls, model: NetworkModel, members: np.ndarray, active: np.ndarray,
             sums: np.ndarray) -> Census:
        """The census from what ``kernels.census`` found now (the lists the model has this
        week already are kept).
        """
        m, a = model.keep_week_slots(members, active)
        return cls(model.steps, m, a, a.size / max(1, model.initial_size, m.size),
                   float(sums[0] / m.size) if m.size else 0.0,
                   float(sums[1] / a.size) if a.size else 0.0,
                   float(sums[0]), int(sums[2]), int(sums[3]), int(sums[4]))

    @classmethod
    def read(cls, step: int, members: np.ndarray, active: np.ndarray,
             readings: list[float]) -> Census:
        """The census of week ``step`` from the readings of its one-call observation
        (``kernels.observe_block``: the values :meth:`made` computes) and its slot lists.
        """
        r = readings
        return cls(step, members, active, r[kernels.READ_ACTIVE_SHARE],
                   r[kernels.READ_MEAN_COMMITMENT_ALL], r[kernels.READ_MEAN_COMMITMENT],
                   r[kernels.READ_COMMITMENT_SUM], int(r[kernels.READ_ENGAGED]),
                   int(r[kernels.READ_HELD]), int(r[kernels.READ_TAKING_PART]))


class Snapshot(NamedTuple):
    """Pair statistics over active participants at one week (a named tuple, as ``Census``)."""

    step: int
    n_active: int
    mean_familiarity: float
    mean_trust: float
    trust_density: float
    largest_component_share: float
    mean_commitment: float
    cross_org_ties: int

    @classmethod
    def of(cls, model: NetworkModel) -> Snapshot:
        """Compute the statistics from the relations' running sums and tie candidates
        (equal to :meth:`dense` up to summation order).
        """
        census = model.census()
        a = census.active
        n = a.size
        if n < 2:
            return cls.made(model, census, 0.0, 0.0, 0, 0, 0)
        sum_f, sum_t = model.rel.pair_sums(a, model.steps)
        # Union-find over slot ids up to the last active one: slots outside ``a`` have no
        # ties, so they are components of one, never larger than the largest within ``a``.
        nodes = int(a[-1]) + 1
        # The active ties are the members' ties between two active people while every
        # active person is present (model.active_ties): counted from those in one call.
        i, j, _ = model.member_ties()
        ties, largest, cross = kernels.status_tie_stats(
            i, j, model.status, ACTIVE_CODE, model.org, nodes, model.active_slots(),
            model.present)
        if ties < 0:
            i, j, _ = model.active_ties()
            ties, largest = i.size, kernels.largest_weak_component(nodes, i, j)
            cross = int((model.org[i] != model.org[j]).sum())
        return cls.made(model, census, sum_f, sum_t, ties, largest, cross)

    @classmethod
    def made(cls, model: NetworkModel, census: Census, sum_f: float, sum_t: float, ties: int,
             largest: int, cross: int) -> Snapshot:
        """The statistics from the sums over ordered pairs of the census's active people of
        current familiarity and of current trust minus the prior, the ties among them, the
        size of their largest component and the ties across organisations (read only with
        two or more active people).
        """
        n = census.active.size
        if n < 2:
            return cls(model.steps, n, 0.0, 0.0, 0.0, float(n > 0), census.mean_commitment, 0)
        pairs = n * (n - 1)
        return cls(model.steps, n, sum_f / pairs, model.rel.prior + sum_t / pairs,
                   2 * ties / pairs, largest / n, census.mean_commitment, cross)

    @classmethod
    def read(cls, step: int, readings: list[float]) -> Snapshot:
        """The statistics of week ``step`` from the readings of its one-call observation
        (``kernels.observe_block``: the values :meth:`made` computes).
        """
        r = readings
        return cls(step, int(r[kernels.READ_ACTIVE]), r[kernels.READ_MEAN_FAMILIARITY],
                   r[kernels.READ_MEAN_TRUST], r[kernels.READ_TRUST_DENSITY],
                   r[kernels.READ_LARGEST_SHARE], r[kernels.READ_MEAN_COMMITMENT],
                   int(r[kernels.READ_CROSS]))


def trust_ties(model: NetworkModel, slots: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The trust ties among ``slots``: the one definition every output uses.

    A trust tie is a pair of people whose trust in each other, averaged over the two
    directions, reaches ``tie_threshold``. Such a pair has at least one direction at the
    threshold, so the relations' list of directed tie candidates holds every tie.

    Returns:
        Slots ``i < j`` of each tie (sorted by ``i``, then ``j``) and the pair's mean trust.
    """
    return model.rel.trust_ties(slots, model.params.tie_threshold, model.steps)


class Seats(NamedTuple):
    """Network-level measures at one week, over the network's seats rather than over its
    survivors, so that a network losing its people is seen to lose them (a named tuple, as
    ``Census``).

    The seats are the founding participants, or the present members when recruits have
    made the network larger (the denominator of ``active_share``). A seat whose person
    has left counts as a stranger to everyone: familiarity 0, trust at the prior,
    commitment 0, no ties.
    """

    step: int
    seats: int
    network_familiarity: float
    network_trust: float
    network_commitment: float
    trust_ties_per_seat: float
    relationships_kept: float

    @classmethod
    def of(cls, model: NetworkModel) -> Seats:
        """Compute the measures from the relations' sums over the present members, the
        week's trust ties and the starting pairs.
        """
        census = model.census()
        m = census.members
        if m.size >= 2:
            sum_f, sum_t = model.rel.seat_sums(m, model.steps)
            ties = model.member_ties()[0].size
        else:
            sum_f = sum_t = 0.0
            ties = 0
        return cls.made(model, census, sum_f, sum_t, ties, model.relationships_kept())

    @classmethod
    def made(cls, model: NetworkModel, census: Census, sum_f: float, sum_t: float, ties: int,
             kept: float) -> Seats:
        """The measures from the sums over ordered pairs of the census's present members of
        current familiarity and of current trust minus the prior (0 with fewer than two),
        the trust ties among them and the share of the starting relationships kept.
        """
        m = census.members
        seats = max(1, model.initial_size, m.size)
        pairs = seats * (seats - 1)
        if m.size < 2:
            sum_f = sum_t = 0.0
            ties = 0
        commitment = census.commitment_sum if m.size else 0.0
        return cls(model.steps, seats, sum_f / max(1, pairs),
                   model.rel.prior + sum_t / max(1, pairs), commitment / seats, ties / seats,
                   kept)

    @classmethod
    def read(cls, step: int, readings: list[float]) -> Seats:
        """The measures of week ``step`` from the readings of its one-call observation
        (``kernels.observe_block``: the values :meth:`made` computes).
        """
        r = readings
        return cls(step, int(r[kernels.READ_SEATS]), r[kernels.READ_NETWORK_FAMILIARITY],
                   r[kernels.READ_NETWORK_TRUST], r[kernels.READ_NETWORK_COMMITMENT],
                   r[kernels.READ_TIES_PER_SEAT], r[kernels.READ_KEPT])


_WIDTH = 2**31  # above every slot: keys i * _WIDTH + j of the starting pairs


class StartRelationships:
    """The starting relationships (S18), pairs ``i < j`` of founders who knew each other at
    set-up, and the share of them still alive: both founders still present (never
    replaced) and still acquainted (familiarity at ``threshold``).

    Where there are many (``Relations.dense_below`` or more), a count of those alive is
    kept up to date instead of read pair by pair every week. A pair whose founder was
    replaced is dropped for good (a slot's ``seated_at`` only grows). Between writes a
    pair's familiarity only decays, so the store gives the week it falls below the
    threshold (``Relations.familiarity_ends``), and that week holds until the pair is
    written again (``Relations.take_written_pairs``; or all of a founder's pairs,
    ``Relations.touched``, checked against the store's write count at the previous call).
    So a pass takes off the pairs whose week has come, and reads afresh only the pairs of
    founders who left or came back or were replaced, and the pairs written
    (``kernels.starting_pairs_changed``, ``kernels.starting_pairs_refreshed``): its cost
    follows the changes, not the number of pairs. The reading pair by pair
    (``tests/test_reporters_incremental.py``) is what it must equal exactly.

    Args:
        i: First founder of each starting pair.
        j: Second founder (``i < j``).
        threshold: Familiarity from which two people are acquainted.
    """

    def __init__(self, i: np.ndarray, j: np.ndarray, threshold: float):
        self.i, self.j = i, j
        self.total = i.size
        self.threshold = threshold
        # The pairs sorted by key (i * _WIDTH + j); for each, the week its familiarity falls
        # below the threshold (as of the store's write count _seen) and its flags (in the
        # count, dropped; see starting_pairs_changed); and the count's state.
        key = i.astype(np.int64) * _WIDTH + j
        order = np.argsort(key, kind="stable")
        self._key, self._i, self._j = key[order], i[order], j[order]
        self._ends = np.zeros(i.size, dtype=np.int64)
        self._flags = np.zeros(i.size, dtype=np.uint8)
        self._marked = np.empty(i.size, dtype=np.int64)  # a work array of the passes
        self._seen = -1
        self._state: np.ndarray | None = None  # [alive, week of the last pass] once counting
        # Each founder slot's pairs, slot after slot, and its code at the previous pass
        # (none yet: every slot differs at the first).
        slots = int(max(i.max(), j.max())) + 1 if i.size else 0
        ends = np.concatenate([self._i, self._j])
        self._by_slot = np.concatenate([np.arange(i.size)] * 2)[np.argsort(ends, kind="stable")]
        self._by_slot_start = np.zeros(slots + 1, dtype=np.int64)
        np.cumsum(np.bincount(ends, minlength=slots), out=self._by_slot_start[1:])
        self._code = np.full(slots, 255, dtype=np.uint8)
        # Where each founder's pairs as first founder start among the keys, and a filter of
        # the keys that most written pairs, not starting pairs, fail at once.
        self._first_of = np.searchsorted(self._key, np.arange(slots + 1) * _WIDTH)
        self._filter_log2 = max(6, int(i.size * kernels.FILTER_BITS_PER_PAIR - 1).bit_length())
        self._filter = kernels.starting_pairs_filter(self._key, self._filter_log2)
        self._expiring = np.zeros(0, dtype=np.int64)

    def read_directly(self, rel: Relations) -> bool:
        """Whether :meth:`share` reads every pair afresh (few pairs, or a decay that may rise)
        rather than keeping the share up to date.
        """
        return self.total < rel.dense_below or not rel.decay_monotone

    def of_alive(self, alive: int) -> float:
        """The share of the starting relationships that ``alive`` of them make."""
        return alive / self.total if self.total else 0.0

    def share(self, model: NetworkModel) -> float:
        """Share of the starting relationships alive now."""
        rel = model.rel
        if self.total == 0:
            return 0.0
        if self.read_directly(rel):
            # Few pairs: read them all, as direct() does, in one compiled pass.
            alive = rel.founders_acquainted(self.i, self.j, model.present, model.seated_at,
                                            self.threshold, model.steps)
            return alive / self.total
        everything = self._state is None or not rel.mark_touches
        if everything:
            rel.mark_touches = True  # from now on; every pair is read afresh this once
            self._seen = -1
            # Weeks a pair in the count may still have ahead (gaps up to the decay table's
            # length), twice over: a ring of the weeks pairs expire in.
            self._expiring = np.zeros(2 * rel.horizon + 2, dtype=np.int64)
            self._state = np.array([0, model.steps], dtype=np.int64)
            self._flags &= np.uint8(kernels.ALL_BUT_COUNTED)
        now = model.steps
        written_i, written_j = rel.take_written_pairs()
        listed = kernels.starting_pairs_changed(
            self._state, self._key, self._ends, self._flags, self._expiring, self._marked,
            self._code, self._first_of, self._by_slot_start, self._by_slot,
            written_i, written_j, _WIDTH, self._filter, self._filter_log2, model.present,
            model.seated_at, rel.touched,
            self._seen, now, everything)
        ends = rel.familiarity_ends(self._i[listed], self._j[listed], self.threshold)
        alive = kernels.starting_pairs_refreshed(
            self._state, listed, ends, self._key, _WIDTH, self._ends, self._flags,
            self._expiring, model.present, now)
        self._seen = rel.writes
        return alive / self.total


def mean(x: np.ndarray) -> np.float64:
    """``x.mean()`` of a non-empty float array, bit for bit (the same sum over the same count),
    without the Python wrapper that costs more than the sum for the arrays reported here.
    """
    return np.add.reduce(x) / x.size


def step(model: NetworkModel) -> int:
    """The week this row was recorded at (0 is the initial state)."""
    return model.steps


def active(model: NetworkModel) -> int:
    """Number of active participants."""
    return model.census().active.size


def present(model: NetworkModel) -> int:
    """Number of participants who have not left (active, peripheral or dormant)."""
    return model.census().members.size


def active_share(model: NetworkModel) -> float:
    """Active participants over the planned network size (the founding participants), or over
    the present membership when recruits have made it larger.
    """
    return model.census().active_share


def mean_familiarity(model: NetworkModel) -> float:
    """Mean familiarity over pairs of active participants (a survivors' mean: see
    ``network_familiarity`` for the network as a whole).
    """
    return model.snapshot().mean_familiarity


def mean_trust(model: NetworkModel) -> float:
    """Mean trust over ordered pairs of active participants (a survivors' mean: see
    ``network_trust`` for the network as a whole).
    """
    return model.snapshot().mean_trust


def mean_commitment(model: NetworkModel) -> float:
    """Mean commitment over active participants (a survivors' mean: see
    ``network_commitment``).
    """
    return model.snapshot().mean_commitment


def mean_commitment_all(model: NetworkModel) -> float:
    """Mean commitment over present participants (active, peripheral and dormant)."""
    return model.census().mean_commitment_all


def trust_density(model: NetworkModel) -> float:
    """Share of pairs of active participants joined by a trust tie (see :func:`trust_ties`)."""
    return model.snapshot().trust_density


def largest_component_share(model: NetworkModel) -> float:
    """Share of active participants in the largest component of the trust-tie graph."""
    return model.snapshot().largest_component_share


def cross_org_ties(model: NetworkModel) -> int:
    """Trust ties between active people of different organisations."""
    return model.snapshot().cross_org_ties


def network_familiarity(model: NetworkModel) -> float:
    """Mean familiarity over all pairs of seats; a seat whose person left knows no one."""
    return model.seats().network_familiarity


def network_trust(model: NetworkModel) -> float:
    """Mean trust over all ordered pairs of seats; a seat whose person left counts as a
    stranger (trust at the prior). The network-level trust: it falls as people leave.
    """
    return model.seats().network_trust


def network_commitment(model: NetworkModel) -> float:
    """Commitment summed over present participants, per seat (a seat left empty adds 0)."""
    return model.seats().network_commitment


def trust_ties_per_seat(model: NetworkModel) -> float:
    """Trust ties among present participants per seat."""
    return model.seats().trust_ties_per_seat


def relationships_kept(model: NetworkModel) -> float:
    """Share of the relationships the founding participants had at the start (pairs who knew
    each other) still alive: both people still in the network and still acquainted.
    """
    return model.seats().relationships_kept


def knowledge_coverage(model: NetworkModel) -> float:
    """Mean over ordered pairs of organisations (o1 != o2) of how well o1's present people
    know what o2 currently does (S9).
    """
    return model.coverage()


def dialogue_skill(model: NetworkModel) -> float:
    """Mean dialogic skill of the present participants: each person's mean over the four
    cornerstones (S20), then the mean over people (0 with nobody present). Facilitated
    meetings raise it where people learn (``dialogue_learning_rate``); newcomers bring their
    own.
    """
    return kernels.present_mean_skill(model.dialogue, model.present, model.used)


def meetings_held(model: NetworkModel) -> int:
    """Network meetings held so far."""
    return model.meetings_held


def coordination_spent_eur(model: NetworkModel) -> float:
    """Coordination money spent so far (EUR)."""
    return model.spent_eur


def goal_progress(model: NetworkModel) -> float:
    """Progress toward the network's goal in [0, 1]."""
    return model.goal_progress


def value_created(model: NetworkModel) -> float:
    """Value created since the previous recording (seamless client paths, support exchanges,
    learning, ideas adopted or advocacy wins, by purpose).
    """
    return model.take_since_record("value")


def breaches(model: NetworkModel) -> int:
    """Encounters that broke trust since the previous recording."""
    return int(model.take_since_record("breaches"))


def innovations(model: NetworkModel) -> int:
    """New practices invented so far (any purpose)."""
    return model.innovations


def hidden_cost_eur(model: NetworkModel) -> float:
    """Participants' hours so far at their wage, borne by their organisations."""
    return model.hidden_cost_eur()


def phase(model: NetworkModel) -> str:
    """Life phase after Imperial et al. (2016)."""
    return model.phase.value


MODEL_REPORTERS = {
    f.__name__: f
    for f in (step, active, present, active_share, mean_familiarity, mean_trust, mean_commitment,
              mean_commitment_all, trust_density, largest_component_share, cross_org_ties,
              network_familiarity, network_trust, network_commitment, trust_ties_per_seat,
              relationships_kept, knowledge_coverage, meetings_held, coordination_spent_eur, goal_progress,
              value_created, breaches, innovations, hidden_cost_eur, dialogue_skill, phase)
}

# The readings that are reporters' values, and those of them that are counts (ints), at
# their places in a row (after ``step``).
_REPORTED = kernels.READ_REPORTED
_ACTIVE, _PRESENT, _CROSS = (1 + k for k in (kernels.READ_ACTIVE, kernels.READ_PRESENT,
                                             kernels.READ_CROSS))
# Each phase's value (what ``phase`` reports), looked up faster than the enum's property.
_PHASE_VALUES = {phase: phase.value for phase in Phase}


def reported_row(model: NetworkModel, readings: list[float]) -> list[Any]:
    """The values of ``MODEL_REPORTERS``, in their order, in a week observed in one compiled
    call: ``step``, then the census's, the snapshot's, the seats' and the coverage's values
    from the call's ``readings`` (``kernels.READINGS[:kernels.READ_REPORTED]``, the same
    names in the same order; counts as ints), then the rest from the model as each reporter
    reads it (``value_created`` and ``breaches`` take their sums since the previous
    recording, in that order). Each value is what its reporter returns, bit for bit
    (``tests/test_reporters_incremental.py`` compares them).
    """
    row = [model.steps, *readings[:_REPORTED], model.meetings_held, model.spent_eur,
           model.goal_progress, model.take_since_record("value"),
           int(model.take_since_record("breaches")), model.innovations,
           model.hidden_cost_eur(), dialogue_skill(model), _PHASE_VALUES[model.phase]]
    row[_ACTIVE], row[_PRESENT], row[_CROSS] = int(row[_ACTIVE]), int(row[_PRESENT]), int(row[_CROSS])
    return row

