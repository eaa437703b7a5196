"""Pairwise relations with lazy decay: familiarity, directed trust, last contact.

Familiarity ``F[i, j]`` (symmetric) fades and trust ``T[i, j]`` (how much i
trusts j) relaxes toward a prior while two people have no contact (S36). A
dense weekly ``F *= decay`` would cost the square of the network each week,
so each pair keeps the value it had when last touched and the week of that
touch; the elapsed decay is applied in closed form when the pair is next read
or touched (``settle``). The submodels use only the methods below, so the
sparse store (:class:`SparseRelations`, records only for pairs that have been
written; ``model/sparse_kernels.py``) replaces the dense arrays in large networks
(``make_relations``, from ``SPARSE_FROM`` slots; a dense store that grows to that size
hands its pairs over, ``grown_store``) without touching them, with the same results bit
for bit.

What participants know of organisations is kept apart, in ``model.knowledge.Knowledge``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, override

import numpy as np

from model import draws, kernels, sparse_kernels
from model.state import DensePairs, SparsePairs
from model.straight import StraightCalls

if TYPE_CHECKING:
    from model.knowledge import Knowledge
    from model.state import People

# A pair whose stored trust is this close below the tie threshold stays a tie candidate, so
# that rounding in the decay formula can never lift a pair that is not a candidate over it.
_TIE_MARGIN = 1e-9
# Below this many pairs, pair sums are read from the block: as cheap as keeping them.
DENSE_BELOW = 4096
#: The sets of rows the running column sums are kept over: the active people (``pair_sums``,
#: the survivors' reporters) and the present members (``seat_sums``, the seats' reporters).
ACTIVE, SEATS = 0, 1
_SETS = 2
#: Capacity (participant slots) from which the model keeps its pairs in the sparse store
#: (``SparseRelations``). Chosen by measurement (benchmarks/bench_large.py --switch, CPU
#: microseconds per participant-step, scaled budget, dense against sparse, 3 Dec 2026):
#: capacity 400 8.3 against 13.3; 600 15.8 against 13.1 (other runs either way); 800 19.2
#: against 13.9 (sparse faster in all three runs); 1,000 30.5 against 14.2; 2,000 31.0
#: against 17.5. From 800 on the sparse store is faster, and the dense one's memory grows
#: with the capacity squared (25 bytes a pair).
SPARSE_FROM = 800
_NO_PAIRS = np.zeros(0, dtype=np.int64)  # no slots: what lists of slots are joined onto
_NO_FACTOR = np.zeros(0)  # no decay to apply (see Relations.collaborate)
_FIRST_BOUND = np.zeros(1, dtype=np.int64)  # where the first of a list of groups starts
# Attributes of the dense store that are views of its pair records (see Relations.__getstate__).
_RECORD_VIEWS = ("F", "T", "last", "arrays")


#: One record per ordered pair (i, j): familiarity, trust of i in j, week of the last touch.
#: Reading or writing a pair touches all three, so they lie together in memory (one cache
#: line instead of three); ``Relations.F``, ``T`` and ``last`` are views of the fields.
PAIR = np.dtype([("F", np.float64), ("T", np.float64), ("last", np.int64)])


def _pair_array(capacity: int, prior: float, now: int) -> np.ndarray:
    """Pair records of strangers: no familiarity, trust at the prior, touched ``now``."""
    pairs = np.empty((capacity, capacity), dtype=PAIR)
    pairs["F"] = 0.0
    pairs["T"] = prior
    pairs["last"] = now
    return pairs


class Relations:
    """Dense pair store with lazily applied decay.

    All writes go through the methods below (``settle``, ``set_familiarity``, ``set_trust``,
    ``set_block``, ``reset``, ``grow``). That lets the store keep, for the reporters, column
    sums of current familiarity and trust over two tracked sets of rows (``pair_sums`` and
    ``seat_sums``) and a list of candidate trust ties (``ties_among``), so that they need not
    read the square block; and count its writes (``writes``, ``touched``), so that readers
    can tell whether anything changed since they last looked.

    Args:
        capacity: Maximum number of participant slots.
        trust_prior: Trust in a stranger, toward which trust relaxes.
        familiarity_half_life: Weeks for familiarity to halve without contact.
        trust_half_life: Weeks for trust's distance from the prior to halve.
        horizon: Longest gap (weeks) for which decay factors are tabulated;
            longer gaps use the last entry's formula.
        tie_threshold: Trust at which a relation is a tie; None keeps no tie candidates.

    Attributes:
        dense_below: Pair sums over fewer pairs than this are read from the block instead of
            kept up to date (tests set 0 to exercise the running sums at any size).
        writes: Pair writes so far (calls that may change a pair's current values).
        touched: Per slot, ``writes`` at the last write of all its pairs (a reset, a block
            written), kept only while ``mark_touches`` is set (``model.reporters.
            StartRelationships`` sets it); writes of listed pairs are logged instead
            (``take_written_pairs``).
    """

    def __init__(self, capacity: int, trust_prior: float, familiarity_half_life: float,
                 trust_half_life: float, horizon: int = 4096,
                 tie_threshold: float | None = None):
        self.prior = trust_prior
        self.tie_threshold = tie_threshold
        # Whether pairs whose trust reaches the threshold are listed as tie candidates (the
        # prior itself may reach it: then the ties are read from the block).
        self._listing = tie_threshold is not None and trust_prior < tie_threshold - _TIE_MARGIN
        # Stored trust from which a pair is listed as a tie candidate (none when not listing).
        self._tie_floor = tie_threshold - _TIE_MARGIN if self._listing else np.inf
        self._make_pairs(capacity)
        gaps = np.arange(horizon + 1, dtype=float)
        # Tabulated factors turn a power per pair into a gather.
        self._f_decay = 0.5 ** (gaps / familiarity_half_life)
        self._t_decay = 0.5 ** (gaps / trust_half_life)
        self._horizon = horizon
        self._half_lives = np.array([familiarity_half_life, trust_half_life])
        # Whether familiarity's decay table never rises (so a pair's familiarity, once below
        # a level, stays below until written: see familiarity_ends).
        self.decay_monotone = bool(np.all(np.diff(self._f_decay) <= 0.0))
        self.dense_below = DENSE_BELOW
        # Running column sums (see pair_sums), one set per tracked set of rows (ACTIVE, SEATS):
        # _cols[s, 0, x] is the current familiarity of all slots i != x of set s with x,
        # _cols[s, 1, x] their current trust in x minus the prior, as of week _sums_at. Each
        # decays by one factor, so a write only adds its change.
        self._on = [False] * _SETS  # which sets are kept
        self._tracking = False  # any of them
        self._tracked = np.zeros((_SETS, capacity), dtype=bool)  # a set's all False while off
        self._no_listing = np.ones((1, 1), dtype=bool)  # stands in for _listed without ties
        self._cols = np.zeros((_SETS, 2, capacity))
        self._sums_at = 0
        self.writes = 0
        self.mark_touches = False
        self.touched = np.zeros(capacity, dtype=np.int64)
        self._pair_log: list[tuple[np.ndarray, np.ndarray]] = []
        self._logged = 0  # pairs in the log
        self._log_limit = 2**20
        self._written = 0  # pairs with a slot at or above this still hold the initial values
        # Tie candidates: every pair whose current trust reaches the threshold is listed once,
        # by flat index i * capacity + j (a pair's trust only falls, toward a prior below the
        # threshold, until it is written); see _make_pairs for the flags.
        self._candidates: list[np.ndarray] = []
        # The weekly kernels, their argument types fixed, called past numba's dispatch.
        self._calls = StraightCalls("model.kernels", "collaborate", "relay", "converse",
                                    "observe_block")
        self._keep_call_args()

    def _keep_call_args(self) -> None:
        """Make the structure over the store's arrays that its kernels take
        (``arrays``, ``model.state.DensePairs``, with the candidate flags or their stand-in),
        once per allocation (at set-up, on growing and after a copy: the arrays are
        replaced only then), not in every call.
        """
        listed = self._listed if self._listed is not None else self._no_listing
        self.arrays = DensePairs.of(self.F, self.T, self.last, self._f_decay, self._t_decay,
                                    self.prior, self._tracked, self._cols, listed)

    @property
    def capacity(self) -> int:
        """Participant slots the store holds."""
        return self._tracked.shape[1]

    def _make_pairs(self, capacity: int) -> None:
        """Records of strangers for every ordered pair of ``capacity`` slots, and ``_listed``
        marking the listed tie candidates (None when not listing).
        """
        self._pairs = _pair_array(capacity, self.prior, 0)
        self._view_pairs()
        self._listed = np.zeros((capacity, capacity), dtype=bool) if self._listing else None

    def _view_pairs(self) -> None:
        """Name the fields of the pair records (views: writes go to the records)."""
        self.F, self.T, self.last = (self._pairs[name] for name in PAIR.names)

    def __getstate__(self) -> dict:
        """The store's state for a copy or a pickle, without the views of the pair records
        (``F``, ``T``, ``last`` and the kernels' structure holding them, ``arrays``): numpy
        copies a view as an array of its own, so a copied store's ``F`` would no longer be its
        records (``grow`` copies the records, and would drop every pair written since the
        copy), and its layout would change at the first growth under the straight calls'
        compiled code, which reads by the first call's layout (a crash).
        """
        state = dict(vars(self))
        for name in _RECORD_VIEWS:
            state.pop(name, None)
        return state

    def __setstate__(self, state: dict) -> None:
        """The copied state, with the views of the pair records made again."""
        vars(self).update(state)
        self._views_again()

    def _views_again(self) -> None:
        """Make the views of the pair records and the kernels' structure again (after a copy)."""
        self._view_pairs()
        self._keep_call_args()

    def _wrote_slots(self, slots: np.ndarray) -> None:
        """Count a write of pairs of ``slots`` with anyone (and mark the slots while marking)."""
        self.writes += 1
        if self.mark_touches:
            self.touched[slots] = self.writes

    def _wrote_pairs(self, i: np.ndarray, j: np.ndarray) -> None:
        """Count a write of pairs (i, j) (and log them while marking)."""
        self.writes += 1
        if self.mark_touches:
            self._pair_log.append((i.copy(), j.copy()))
            self._logged += i.size
            if self._logged > self._log_limit:
                # Nobody has taken the log for long: mark the slots instead (coarser, bounded).
                self._wrote_slots(np.concatenate([x for pair in self._pair_log for x in pair]))
                self._pair_log.clear()
                self._logged = 0

    def take_written_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """The pairs (i, j) written since the previous call while ``mark_touches`` is set, in
        either order, then forgotten (one reader: ``model.reporters.StartRelationships``);
        writes of whole slots mark ``touched`` instead.
        """
        empty = np.empty(0, dtype=np.int64)
        i = np.concatenate([empty, *(x for x, _ in self._pair_log)])
        j = np.concatenate([empty, *(y for _, y in self._pair_log)])
        self._pair_log.clear()
        self._logged = 0
        return i, j

    def _factors(self, gap: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        gap = np.minimum(gap, self._horizon)
        return self._f_decay[gap], self._t_decay[gap]

    def settle(self, i: np.ndarray, j: np.ndarray, now: int) -> tuple[np.ndarray, np.ndarray]:
        """Bring pairs (i, j) up to week ``now`` by applying their elapsed decay.

        Returns:
            The pairs' familiarity and trust now.
        """
        self._wrote_pairs(i, j)
        return kernels.settle_pairs(self.arrays, i, j, now)

    def familiarity(self, i: np.ndarray, j: np.ndarray, now: int) -> np.ndarray:
        """Current familiarity of pairs (i, j) without changing the store."""
        return kernels.current_familiarity(self.arrays, i, j, now)

    def founders_acquainted(self, i: np.ndarray, j: np.ndarray, present: np.ndarray,
                            seated_at: np.ndarray, threshold: float, now: int) -> int:
        """How many pairs (i, j) have both people present and never replaced (``seated_at``
        0) and a familiarity now of ``threshold`` or more (the starting relationships alive,
        ``model.reporters.StartRelationships``), in one compiled pass
        (``kernels.founders_acquainted``).
        """
        return kernels.founders_acquainted(i, j, present, seated_at, self.arrays, threshold,
                                           now)

    def familiarity_ends(self, i: np.ndarray, j: np.ndarray, threshold: float) -> np.ndarray:
        """The week from which the familiarity of pairs (i, j) is below ``threshold``, if
        neither pair is written before (``model.kernels.familiarity_ends``).
        """
        return kernels.familiarity_ends(self.arrays, i, j, threshold)

    def conversation_groups(self, ids: np.ndarray, present: np.ndarray, first: np.ndarray,
                            acquaintance: float, u: np.ndarray, m: int, p_incumbent: float,
                            q: float, now: int
                            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """One conversation round's groups in every circle (``model.kernels.
        conversation_groups``, who knows whom read from the current familiarity).
        """
        return kernels.conversation_groups(self.arrays, ids, present, first, acquaintance, u,
                                           m, p_incumbent, q, now)

    def seamless_cases(self, who: np.ndarray, drawn: np.ndarray, org: np.ndarray, n_orgs: int,
                       present: np.ndarray, know: Knowledge, knowledge_threshold: float,
                       tie_threshold: float, now: int) -> np.ndarray:
        """The workers of the client cases that become seamless paths
        (``model.kernels.seamless_cases``, from the current knowledge ``know`` and trust).
        """
        return kernels.seamless_cases(who, drawn, org, n_orgs, present, know.arrays,
                                      self.arrays, knowledge_threshold, tie_threshold, now)

    def purpose_value(self, people: People, i: np.ndarray, j: np.ndarray,
                      rules: kernels.GroupRules, value: tuple[float, float, float],
                      advocacy: float, now: int
                      ) -> tuple[bool, tuple[float, float, float], float]:
        """What the pairs (i, j) draw on each other yields, from the current trust
        (``model.kernels.purpose_value``): whether value was credited, the value and the
        advocacy stock.
        """
        return kernels.purpose_value(self.arrays, people, i, j, rules, *value, advocacy, now)

    def seamless_value(self, workers: np.ndarray, n_cases: np.ndarray, drawn: np.ndarray,
                       people: People, used: int, n_orgs: int, know: Knowledge,
                       knowledge_threshold: float, tie_threshold: float,
                       rules: kernels.GroupRules, value: tuple[float, float, float], now: int
                       ) -> tuple[bool, tuple[float, float, float]]:
        """The week's client cases from their draws to their value (``model.kernels.
        seamless_value``, from the current knowledge ``know`` and trust): whether value was
        credited, and the value.
        """
        return kernels.seamless_value(workers, n_cases, drawn, people, used, n_orgs,
                                      know.arrays, self.arrays, knowledge_threshold,
                                      tie_threshold, rules, *value, now)

    def form_working_groups(self, rng: np.random.Generator, people: People, active: np.ndarray,
                            weight: np.ndarray, factor: np.ndarray, org_time: np.ndarray,
                            rate: float, rules: np.ndarray, assembler: int, m: int, k: int,
                            now: int
                            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                       np.ndarray]:
        """The week's working groups from their draws, taken from ``rng`` (``model.kernels.
        form_working_groups``, who knows whom read from the current familiarity): members,
        bounds, and their ordered pairs i, j, g.
        """
        return kernels.form_working_groups(draws.source(rng), self.arrays, people, active,
                                           weight, factor, org_time, rate, rules, assembler,
                                           m, k, now)

    def client_cases(self, rng: np.random.Generator, active: np.ndarray, lam: float,
                     people: People, used: int, n_orgs: int, know: Knowledge,
                     knowledge_threshold: float, tie_threshold: float,
                     rules: kernels.GroupRules, value: tuple[float, float, float], now: int
                     ) -> tuple[bool, tuple[float, float, float]]:
        """The week's client cases from their draws, taken from ``rng``, to their value
        (``model.kernels.client_cases``, from the current knowledge ``know`` and trust):
        whether value was credited, and the value.
        """
        return kernels.client_cases(draws.source(rng), active, lam, people, used, n_orgs,
                                    know.arrays, self.arrays, knowledge_threshold,
                                    tie_threshold, rules, *value, now)

    @property
    def collaborates_in_one_call(self) -> bool:
        """Whether :meth:`collaborate` serves: always (while written pairs are logged, the
        call returns the pairs that met for the log).
        """
        return True

    def collaborate(self, rng: np.random.Generator, people: People, used: int,
                    active_code: int, attachment: np.ndarray, factor: np.ndarray,
                    org_time: np.ndarray, rate: float, forming: np.ndarray, assembler: int,
                    m: int, k: int, base: float, know: Knowledge, rules: kernels.GroupRules,
                    facilitation: float, cases: float | None, n_orgs: int, knowledge_threshold: float,
                    tie_threshold: float, value: tuple[float, float, float], advocacy: float,
                    now: int) -> tuple[np.ndarray, bool, int, int, int, bool,
                                       tuple[float, float, float], float]:
        """The week's working groups, from who is active to their yield, and its client
        cases (mean ``cases`` per worker, None for none), in one compiled call with the draws
        taken from ``rng`` (``model.kernels.collaborate``: the chain of
        ``form_working_groups``, ``work_in_groups`` and ``client_cases``), the encounters
        counted as one write of their pairs (which the call returns to be logged while
        written pairs are marked).

        Returns:
            The active slots, whether ``attachment`` held everyone's weight (when not,
            nothing was done), the pairs that met, the breaches, the new practices, whether
            value was credited, the value and the advocacy stock (as the kernel).
        """
        tracking = self._tracking and now != self._sums_at
        # The running sums' decay to now, applied in the call only if any pair meets (as
        # _encounters_ahead would: bringing them in two steps would round differently).
        factor_sums = (0.5 ** ((now - self._sums_at) / self._half_lives) if tracking
                       else _NO_FACTOR)
        key = self._candidate_key()
        # The call returns the candidates with the new ones joined on: kept as the one list.
        (active, fits, pairs, breaches, ideas, self._written, credited, value, advocacy,
         self._candidates[0], met) = self._calls.collaborate(
            draws.source(rng), self.arrays, factor_sums, self._tie_floor, self._written, key,
            know.arrays, people, used, active_code, attachment, factor, org_time, rate, forming,
            assembler, m, k, base, rules, facilitation, cases is not None,
            0.0 if cases is None else cases, n_orgs, knowledge_threshold, tie_threshold, *value,
            advocacy, now, self.mark_touches)
        if pairs:
            if met is None:
                self.writes += 1  # _wrote_pairs, with nothing to log
            else:
                self._wrote_pairs(*met)
            if self._tracking:
                self._sums_at = now
        return active, fits, pairs, breaches, ideas, credited, value, advocacy

    def trusted_contacts(self, brokers: np.ndarray, contacts: np.ndarray, threshold: float,
                         now: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Broker contacts in which the contact trusts the broker (``model.kernels.
        trusted_contacts``): brokers, contacts, and their trust in each other now.
        """
        return kernels.trusted_contacts(self.arrays, brokers, contacts, threshold, now)

    def broker_contacts(self, brokers: np.ndarray, per_broker: int, u: np.ndarray,
                        member: np.ndarray, threshold: float, now: int
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The week's broker contacts (ODD 7.4, relay): each broker's ``per_broker`` attempts
        go to members (``member``, bool by slot) who trust it (``ties_among``), drawn with
        ``u`` (``model.kernels.pick_contacts``), and those contacts of ``trusted_contacts``
        at ``threshold``; in one compiled pass over the store (``model.kernels.
        broker_contacts``).

        Returns:
            Brokers, contacts, and their trust in each other now, as ``trusted_contacts``.
        """
        if self._listed is None:
            truster, trusted = self.ties_among(np.flatnonzero(member), now)
            b, c = kernels.pick_contacts(truster, trusted, brokers, per_broker, u, self.capacity)
            return self.trusted_contacts(b, c, threshold, now)
        key = self._candidate_key()
        kept, b, c, trust_cb, trust_bc = kernels.broker_contacts(
            key, self.arrays, self._tie_floor, self.tie_threshold, member, brokers, per_broker,
            u, threshold, now)
        self._candidates = [key[:kept]]  # as ties_among: the candidates still listed
        return b, c, trust_cb, trust_bc

    def broker_relay(self, brokers: np.ndarray, per_broker: int, u: np.ndarray,
                     member: np.ndarray, threshold: float, now: int, know: Knowledge,
                     org: np.ndarray, gain: float, contact_count: np.ndarray) -> None:
        """The brokers' week (ODD 7.4, relay): their contacts (:meth:`broker_contacts`), then
        the exchange of knowledge with each (``know.broker_exchange`` with ``org``, ``gain``
        and ``contact_count``), in one compiled call where the store lists its tie
        candidates (``model.kernels.broker_relay``).
        """
        if self._listed is None:
            b, c, trust_cb, trust_bc = self.broker_contacts(brokers, per_broker, u, member,
                                                            threshold, now)
            if b.size:
                know.broker_exchange(b, c, org, gain, trust_cb, trust_bc, contact_count)
            return
        key = self._candidate_key()
        kept = kernels.broker_relay(
            key, self.arrays, self._tie_floor, self.tie_threshold, member, brokers, per_broker,
            u, threshold, now, know.arrays, know.n_known, org, gain, contact_count)
        self._candidates = [key[:kept]]

    @property
    def relays_in_one_call(self) -> bool:
        """Whether :meth:`relay` serves: where the tie candidates are listed (the brokers'
        contacts are read from the list).
        """
        return self._listed is not None

    def relay(self, rng: np.random.Generator, people: People, used: int, peripheral: int,
              active: int, broker: int, relay_gain: float | None, know: Knowledge,
              per_broker: int, members: int, threshold: float, gain: float, now: int) -> None:
        """The week's relay (ODD 7.4) in one compiled call with the brokers' uniforms taken
        from ``rng``, where :attr:`relays_in_one_call` (``model.kernels.relay``: ``kernels.
        relay_lists``, ``know.relax`` with ``relay_gain`` unless None, the uniforms if the
        brokers have anyone to reach among the week's ``members`` (their number), then
        :meth:`broker_relay` with ``per_broker``, ``threshold`` and ``gain``).
        """
        key = self._candidate_key()
        kept = self._calls.relay(
            draws.source(rng), key, self.arrays, self._tie_floor, self.tie_threshold, people, used,
            peripheral, active, broker, relay_gain is not None,
            0.0 if relay_gain is None else relay_gain, know.arrays, know.n_known, know.rebase_below,
            per_broker, members, threshold, gain, now)
        if kept != key.size:  # else the list is [key] already (_candidate_key)
            self._candidates = [key[:kept]]  # as broker_relay: the candidates still listed

    def _candidate_key(self) -> np.ndarray:
        """The listed tie candidates as one array (the lists added since, joined)."""
        candidates = self._candidates
        if len(candidates) != 1:
            # Joined as int64 without an empty array in front (half the weeks join two
            # lists before the observation: ~0.5 us less each time).
            candidates = self._candidates = [np.concatenate(candidates, dtype=np.int64)
                                             if candidates else np.empty(0, dtype=np.int64)]
        return candidates[0]

    def best_benefit(self, i: np.ndarray, j: np.ndarray, factor: np.ndarray, now: int,
                     capacity: int) -> tuple[np.ndarray, np.ndarray]:
        """Each i's best trust-based benefit over its partners j (``model.kernels.best_benefit``):
        the slots with a positive one, ascending, and that benefit.
        """
        return kernels.best_benefit(self.arrays, i, j, factor, now, capacity)

    def familiarity_blocks(self, ids: np.ndarray, now: int) -> np.ndarray:
        """Current familiarity among each row's people: ``[l, x, y]`` of ``ids[l, x]`` with
        ``ids[l, y]``, for ``ids`` of shape ``(lanes, n)``.
        """
        return kernels.familiarity_blocks(self.arrays, ids, now)

    def trust(self, i: np.ndarray, j: np.ndarray, now: int) -> np.ndarray:
        """Current trust of i in j for pairs (i, j) without changing the store."""
        return kernels.current_trust(self.arrays, i, j, now)

    def stored_trust(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Trust of i in j for pairs (i, j) as stored (as of each pair's last touch)."""
        return self.T[i, j]

    def seat_sums(self, slots: np.ndarray, now: int) -> tuple[float, float]:
        """Sums over ordered pairs i != j of ``slots`` of current familiarity and of current
        trust minus the prior (the seats' reporters, ``model.reporters.Seats``).

        Kept as running sums over the slots of the previous call, as ``pair_sums`` keeps its
        own (a second set of column sums); small blocks (under ``dense_below`` pairs) are
        read directly, as numpy sums the block ``slots x slots`` less its diagonal.
        """
        n = slots.size
        if n * n < self.dense_below or now > self._horizon:
            self._stop(SEATS)
            sum_f, sum_t = self._block_seat_sums(slots, now)
            return sum_f, sum_t - self.prior * n * (n - 1)
        return self._running_sums(SEATS, slots, now)

    def _block_seat_sums(self, slots: np.ndarray, now: int) -> tuple[float, float]:
        """Sums of the block ``slots x slots`` less its diagonal, familiarity and trust, as
        numpy sums the block ``Relations.block`` reads (``kernels.block_sums``).
        """
        fam, fam_trace, trust, trust_trace = kernels.block_sums(
            slots, self.arrays, now)
        return float(fam - fam_trace), float(trust - trust_trace)

    def mutual_ties(self, a: np.ndarray, b: np.ndarray, width: int, threshold: float,
                    now: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The distinct unordered pairs of the directed pairs (a, b) whose mean trust in each
        other now reaches ``threshold`` (``model.kernels.mutual_ties``): slots ``i < j``,
        sorted, and the mean trust.
        """
        return kernels.mutual_ties(a, b, width, self.arrays, threshold, now)

    def block(self, rows: np.ndarray, cols: np.ndarray, now: int) -> tuple[np.ndarray, np.ndarray]:
        """Current familiarity and trust over the block rows x cols."""
        ix = np.ix_(rows, cols)
        fd, td = self._factors(now - self.last[ix])
        return self.F[ix] * fd, self.prior + (self.T[ix] - self.prior) * td

    def reset(self, slot: int | np.ndarray, now: int, used: int | None = None) -> None:
        """Forget everything about slots: newcomers who know no one and whom no one knows.

        Args:
            slot: One slot or an array of distinct slots.
            now: The current week.
            used: Slots ever used; pairs with later slots are left alone (each
                such slot is reset itself when first used), which keeps a
                newcomer's column write to the part of the arrays in use.
        """
        slots = np.atleast_1d(np.asarray(slot, dtype=np.int64))
        if slots.size == 0:
            return
        # Every pair written is one of these slots' (with anyone), so marking them suffices.
        self._wrote_slots(slots)
        if self._tracking:
            self._bring_sums(now)
        # Columns from _written on hold the initial values: nothing to take off there.
        hi = max(self._written, int(slots.max()) + 1)
        self._written = hi
        n = self.F.shape[0] if used is None else used
        kernels.reset_pairs(self.arrays, slots, n, now, hi)

    # ------------------------------------------------------------------ writes
    def set_familiarity(self, i: np.ndarray, j: np.ndarray, values: np.ndarray, now: int) -> None:
        """Store the familiarity of pairs (i, j), settled at week ``now`` (see ``settle``).

        As in a fancy-index assignment, a pair listed more than once keeps its last value.
        """
        self._store(0, i, j, values, now)

    def set_trust(self, i: np.ndarray, j: np.ndarray, values: np.ndarray, now: int) -> np.ndarray:
        """Store the trust of i in j for pairs (i, j), settled at week ``now`` (see ``settle``).

        As in a fancy-index assignment, a pair listed more than once keeps its last value.

        Returns:
            The trust stored, pair by pair (a repeated pair's last value at each of its places).
        """
        stored = self._store(1, i, j, values, now)
        # The value kept for a repeated pair is one of its values: listing from all of them
        # lists a superset, which is safe.
        self._add_candidates(i, j, np.broadcast_to(values, i.shape))
        return stored

    def set_block(self, slots: np.ndarray, familiarity: np.ndarray, trust: np.ndarray,
                  now: int) -> None:
        """Store familiarity and trust over the block slots x slots as of week ``now``."""
        self._wrote_slots(slots)
        rows = self._tracked_rows(slots)
        self._add_sets_rows(rows, -1.0, now)
        ix = np.ix_(slots, slots)
        self.F[ix] = familiarity
        self.T[ix] = trust
        self.last[ix] = now
        if slots.size:
            self._written = max(self._written, int(slots.max()) + 1)
        self._add_sets_rows(rows, 1.0, now)
        r, c = np.nonzero(trust >= self._tie_floor)
        self._add_candidates(slots[r], slots[c], trust[r, c])

    def grow(self, capacity: int, now: int) -> None:
        """Enlarge the store to ``capacity`` slots; the new slots are strangers to everyone."""
        old = self.F.shape[0]
        grown = _pair_array(capacity, self.prior, now)
        grown[:old, :old] = self._pairs
        self._pairs = grown
        self._view_pairs()
        self._grow_sums(capacity)
        if self._listed is not None:
            listed = np.zeros((capacity, capacity), dtype=bool)
            listed[:old, :old] = self._listed
            self._listed = listed
            i, j = np.divmod(self._candidate_key(), old)
            self._candidates = [i * capacity + j]
        self._keep_call_args()

    def _grow_sums(self, capacity: int) -> None:
        """Enlarge the running sums' arrays and the touch marks to ``capacity`` slots."""
        old = self._tracked.shape[1]
        tracked = np.zeros((_SETS, capacity), dtype=bool)
        tracked[:, :old] = self._tracked
        self._tracked = tracked
        cols = np.zeros((_SETS, 2, capacity))
        cols[:, :, :old] = self._cols
        self._cols = cols
        touched = np.zeros(capacity, dtype=np.int64)
        touched[:old] = self.touched
        self.touched = touched

    def _store(self, k: int, i: np.ndarray, j: np.ndarray, values: np.ndarray,
               now: int) -> np.ndarray:
        """Store ``values`` of quantity ``k`` (0 familiarity, 1 trust) for settled pairs
        (i, j), adding the changes to the column sums where i is tracked; returns the values
        stored, pair by pair.
        """
        self._wrote_pairs(i, j)
        if i.size:
            self._written = max(self._written, int(i.max()) + 1, int(j.max()) + 1)
        if self._tracking:
            self._bring_sums(now)
        values = np.broadcast_to(np.asarray(values, dtype=float), i.shape)
        return kernels.store_pairs(self.arrays, k, i, j, values)

    def encounter(self, i: np.ndarray, j: np.ndarray, g: np.ndarray, u: np.ndarray,
                  face: np.ndarray, virtual_factor: float, atmosphere: np.ndarray,
                  dialogue: np.ndarray, org: np.ndarray, resident: np.ndarray,
                  know: Knowledge, rule: kernels.EncounterRule, now: int
                  ) -> tuple[np.ndarray, np.ndarray]:
        """One round of encounters between the ordered pairs (i, j) of groups g: settle,
        familiarity, breach or trust, and knowledge of the partner's organisation (in
        ``know``), in one pass (``model.kernels.encounter`` states the rule and the arguments).

        Returns:
            The trust stored after the round, pair by pair, and which pairs breached.
        """
        self._encounters_ahead(i, j, now)
        trust, breach, new = kernels.encounter(
            self.arrays, self._tie_floor, know.arrays, i, j, g, u, face,
            virtual_factor, atmosphere,
            dialogue, org, resident, rule, now)
        if new.size:
            self._candidates.append(new)
        return trust, breach

    def _encounters_ahead(self, i: np.ndarray, j: np.ndarray, now: int) -> None:
        """Count a round of encounters of pairs (i, j) as a write and bring the running sums
        to ``now``, before its pass writes the pairs.
        """
        self._wrote_pairs(i, j)
        # The written bound in one compiled call, not two reductions (each round).
        self._written = kernels.written_bound(self._written, i, j)
        if self._tracking:
            self._bring_sums(now)

    def talk_rounds(self, ids: np.ndarray, present: np.ndarray, first: np.ndarray,
                    u_seats: np.ndarray, u: np.ndarray, face: np.ndarray, dialogue: np.ndarray,
                    base: float, acquaintance: float, m: int, p_incumbent: float, q: float,
                    people: People, know: Knowledge, rules: kernels.GroupRules,
                    facilitation: float, now: int
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                               np.ndarray, int]:
        """A meeting's conversation rounds, their groups formed from the current familiarity
        and their encounters written here (``model.kernels.talk_rounds`` states the steps and
        the arguments), each round counted as a write of its pairs.

        Returns:
            Every round's groups (members, bounds), the groups per round, every round's
            ordered pairs i and j, the trust stored after each pair's round, and the
            breaches (as the kernel).
        """
        if self._tracking:
            self._bring_sums(now)
        members, bounds, per_round, i, j, trust, breaches, new = kernels.talk_rounds(
            self.arrays, self._tie_floor, know.arrays, people, ids,
            present, first, u_seats, u, face, dialogue, base, acquaintance, m,
            p_incumbent, q, rules, facilitation, now)
        self._rounds_written(i, j, u.shape[1])
        if new.size:
            self._candidates.append(new)
        return members, bounds, per_round, i, j, trust, breaches

    def _rounds_written(self, i: np.ndarray, j: np.ndarray, pairs: int) -> None:
        """Count rounds of ``pairs`` encounters each (i, j, round after round) as writes, one
        per round, and move the written bound past them.
        """
        if pairs == 0:
            return  # rounds without encounters write nothing
        for start in range(0, i.size, pairs):
            self._wrote_pairs(i[start:start + pairs], j[start:start + pairs])
        self._written = kernels.written_bound(self._written, i, j)

    @property
    def converses_in_one_call(self) -> bool:
        """Whether :meth:`converse` serves: always (while written pairs are logged, the call
        returns the pairs that met for the log).
        """
        return True

    def converse(self, rng: np.random.Generator, people: People, attendees: np.ndarray,
                 in_room: np.ndarray, n_circles: int, rounds: int, m: int, base: float,
                 acquaintance: float, p_incumbent: float, q: float, know: Knowledge,
                 rules: kernels.GroupRules, facilitation: float, goal_work: tuple,
                 value: tuple[float, float, float], advocacy: float, now: int
                 ) -> tuple[int, int, float, bool, tuple[float, float, float], float]:
        """A meeting's talks, from its ``attendees`` (``in_room`` for each) to what they
        yield, in one compiled call with the draws taken from ``rng`` (``model.kernels.
        converse``: the chain of ``kernels.circle_lanes``, the draws, :meth:`talk_rounds`,
        ``kernels.after_talks`` with the arguments ``goal_work`` (those after the attendees,
        ``NetworkModel._goal_work_args``) and :meth:`purpose_value`), each round counted as a
        write of its pairs (which the call returns to be logged while written pairs are
        marked).

        Returns:
            The ordered pairs that met, the breaches, the goal's clarity after the meeting,
            whether value was credited, the value and the advocacy stock (as the kernel).
        """
        tracking = self._tracking and now != self._sums_at
        # The running sums' decay to now, applied in the call only if any circle talks (as
        # talk_rounds would: bringing them in two steps would round differently).
        factor_sums = (0.5 ** ((now - self._sums_at) / self._half_lives) if tracking
                       else _NO_FACTOR)
        talked, pairs, breaches, self._written, clarity, credited, value, advocacy, new, met = (
            self._calls.converse(
                draws.source(rng), self.arrays, factor_sums, self._tie_floor, self._written,
                know.arrays, people, attendees, in_room, n_circles, rounds, m, base, acquaintance,
                p_incumbent, q, rules, facilitation, *goal_work, *value, advocacy, now,
                self.mark_touches))
        if talked and self._tracking:
            self._sums_at = now
        if pairs and met is None:
            self.writes += rounds  # _rounds_written, with nothing to log
        elif pairs:  # as _rounds_written: a write per round, its pairs logged
            i, j = met
            for start in range(0, i.size, pairs):
                self._wrote_pairs(i[start:start + pairs], j[start:start + pairs])
        if new.size:
            self._candidates.append(new)
        return rounds * pairs, breaches, clarity, credited, value, advocacy

    def work_in_groups(self, members: np.ndarray, bounds: np.ndarray, i: np.ndarray,
                       j: np.ndarray, g: np.ndarray, rng: np.random.Generator,
                       base: float, people: People, know: Knowledge,
                       rules: kernels.GroupRules, facilitation: float,
                       value: tuple[float, float, float], advocacy: float, now: int
                       ) -> tuple[int, int, bool, tuple[float, float, float], float]:
        """The week's working groups (``members``, ``bounds``, their ordered pairs i, j, g)
        from joining to their yield, their encounters written here and their draws taken
        from ``rng`` (``model.kernels.work_in_groups`` states the steps and the arguments).

        Returns:
            The breaches, the new practices, whether value was credited, the value and the
            advocacy stock (as the kernel).
        """
        self._encounters_ahead(i, j, now)
        breaches, new, ideas, credited, value, advocacy = kernels.work_in_groups(
            self.arrays, self._tie_floor, know.arrays, people, members,
            bounds, i, j, g, draws.source(rng), base, rules, facilitation,
            *value, advocacy, now)
        if new.size:
            self._candidates.append(new)
        return breaches, ideas, credited, value, advocacy

    # ------------------------------------------------------------------ running sums
    def _bring_sums(self, now: int) -> None:
        """Decay the column sums to week ``now`` (one factor per quantity)."""
        if now != self._sums_at:
            self._cols *= (0.5 ** ((now - self._sums_at) / self._half_lives))[:, None]
            self._sums_at = now

    def _tracked_rows(self, slots: np.ndarray) -> list[np.ndarray]:
        """Per set of running sums, those of ``slots`` that are tracked rows of it."""
        return [slots[self._tracked[s, slots]] if self._on[s] else slots[:0]
                for s in range(_SETS)]

    def _add_sets_rows(self, rows: list[np.ndarray], weight: float, now: int) -> None:
        """``_add_rows`` of each set's ``rows`` (from ``_tracked_rows``) with ``weight``."""
        for s, r in enumerate(rows):
            if r.size:
                self._add_rows(s, r, np.full(r.size, weight), now)

    def _add_rows(self, s: int, rows: np.ndarray, weight: np.ndarray, now: int) -> None:
        """Add ``weight`` times the current rows (own pair excluded) to the column sums of
        set ``s``: +1 for a slot joining its tracked rows, -1 for one leaving them.
        """
        self._bring_sums(now)
        # Columns from _written on hold the initial values: nothing to add there.
        hi = max(self._written, int(rows.max()) + 1)
        self._cols[s, :, :hi] += kernels.decayed_column_sums(rows, weight, self.arrays, now, hi)

    def _stop(self, s: int) -> None:
        """Stop keeping the running sums of set ``s``."""
        if not self._on[s]:
            return  # off already, its rows all False: the small networks' every call
        self._on[s] = False
        self._tracking = any(self._on)
        self._tracked[s] = False

    def _start(self, s: int, now: int) -> None:
        """Keep the running sums of set ``s`` from now on (over no rows yet)."""
        if self._tracking:
            self._bring_sums(now)  # the other set's sums, to now
        else:
            self._sums_at = now
        self._on[s] = True
        self._tracking = True
        self._cols[s] = 0.0

    def _running_sums(self, s: int, slots: np.ndarray, now: int) -> tuple[float, float]:
        """The running sums of set ``s`` over ``slots`` (see ``pair_sums``), its tracked rows
        moved to ``slots``.
        """
        if not self._on[s]:
            self._start(s, now)
        self._bring_sums(now)
        # Rows of slots that joined added, of those that left taken off (everything summed
        # afresh when more changed than there are slots): see kernels.tracked_pair_sums.
        sum_f, sum_t, _ = self._move_rows(s, slots, now)
        return sum_f, sum_t

    def _move_rows(self, s: int, slots: np.ndarray, now: int) -> tuple[float, float, int]:
        return kernels.tracked_pair_sums(slots, s, self.arrays, now, self._written)

    def pair_sums(self, slots: np.ndarray, now: int) -> tuple[float, float]:
        """Sums over ordered pairs i != j of ``slots`` of current familiarity and of current
        trust minus the prior.

        The column sums are kept over the slots of the previous call (the tracked rows) and
        updated at every write; a call adds the rows of slots that joined and subtracts those
        of slots that left since (a gather of a few whole rows), then sums its own columns.
        Small blocks (under ``dense_below`` pairs) are read directly instead.
        """
        n = slots.size
        if n * n < self.dense_below or now > self._horizon:
            # Small, or gaps may exceed the tabulated horizon (where decay stops, so one
            # factor per sum no longer holds): read the block and keep nothing.
            self._stop(ACTIVE)
            sum_f, sum_t = self._block_pair_sums(slots, now)
            return float(sum_f), float(sum_t)
        return self._running_sums(ACTIVE, slots, now)

    def _block_pair_sums(self, slots: np.ndarray, now: int) -> tuple[float, float]:
        return kernels.block_pair_sums(slots, self.arrays, now)

    # ------------------------------------------------------------------ trust ties
    def _add_candidates(self, i: np.ndarray, j: np.ndarray, trust: np.ndarray) -> None:
        """List the pairs (i, j), i != j, whose stored trust may make a tie (each pair once)."""
        if self._listed is None or i.size == 0:
            return
        key = kernels.list_new(self._listed, i, j, np.asarray(trust, dtype=float),
                               self._tie_floor)
        if key.size:
            self._candidates.append(key)

    def ties_among(self, slots: np.ndarray, now: int) -> tuple[np.ndarray, np.ndarray]:
        """Ordered pairs (i, j) of distinct ``slots`` whose current trust of i in j reaches
        the tie threshold, each pair once.
        """
        if self._listed is None:
            # The prior itself may reach the threshold: read the block.
            _, trust = self.block(slots, slots, now)
            ties = trust >= self.tie_threshold
            np.fill_diagonal(ties, False)
            r, c = np.nonzero(ties)
            return slots[r], slots[c]
        member = np.zeros(self._listed.shape[0], dtype=bool)
        member[slots] = True
        key = self._candidate_key()
        kept, ties = kernels.current_ties(key, self.arrays, now, self._tie_floor,
                                          self.tie_threshold, member)
        # A candidate clearly below the threshold stays below until written again: the
        # kernel has dropped it (moving the kept ones to the front).
        self._candidates = [key[:kept]]
        return ties[0], ties[1]

    def trust_ties(self, slots: np.ndarray, threshold: float,
                   now: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The pairs among ``slots`` whose trust in each other now, averaged over the two
        directions, reaches ``threshold`` (``model.reporters.trust_ties``): ``ties_among``
        then ``mutual_ties``, in one compiled call where the candidates are listed
        (``kernels.trust_ties_among``).

        Returns:
            Slots ``i < j`` of each tie (sorted by ``i``, then ``j``) and the pair's mean trust.
        """
        if self._listed is None:
            return self._trust_ties_apart(slots, threshold, now)
        key = self._candidate_key()
        kept, i, j, t = kernels.trust_ties_among(key, self.arrays, now, self._tie_floor,
                                                 self.tie_threshold, slots, threshold)
        self._candidates = [key[:kept]]  # as ties_among leaves them
        return i, j, t

    @property
    def listing(self) -> bool:
        """Whether the dense store lists its tie candidates (flags in ``_listed``)."""
        return self._listed is not None

    @property
    def horizon(self) -> int:
        """Longest gap (weeks) for which decay factors are tabulated."""
        return self._horizon

    def observe_block(self, present: np.ndarray, status: np.ndarray, commitment: np.ndarray,
                      week_active: np.ndarray, org: np.ndarray, seated_at: np.ndarray,
                      used: int, settings: np.ndarray, members: np.ndarray,
                      active: np.ndarray, have_members: bool, have_active: bool,
                      history: np.ndarray, week: int, initial_size: int, meeting_held: bool,
                      now: int, recording: bool, start_i: np.ndarray, start_j: np.ndarray,
                      acquainted: float, know: Knowledge, n_orgs: int, phase_prev: int,
                      goal_clarity: float, out: np.ndarray) -> None:
        """A small network's week observed in one compiled call over the blocks of this
        dense store, with its tie candidates listed (``model.kernels.observe_block``, whose
        arguments these are; ``settings`` are ``model.kernels.OBSERVE_SETTINGS``): the
        readings (``model.kernels.READ_*``) are written into ``out``.
        """
        key = self._candidate_key()
        kept = self._calls.observe_block(
            present, status, commitment, week_active, org, seated_at, used, settings,
            members, active, have_members, have_active, history, week, initial_size,
            meeting_held, key, self.arrays, self._tie_floor, self.tie_threshold, now, recording,
            start_i, start_j, acquainted, know.arrays, know.n_known, n_orgs, phase_prev,
            goal_clarity, out)
        if kept < key.size:
            self._candidates = [key[:kept]]  # as ties_among leaves them
        if recording and self._tracking:
            # The sums were read from the blocks (of two or more): as pair_sums and
            # seat_sums do, keep none.
            if out[kernels.READ_ACTIVE] >= 2:
                self._stop(ACTIVE)
            if out[kernels.READ_PRESENT] >= 2:
                self._stop(SEATS)

    def _trust_ties_apart(self, slots: np.ndarray, threshold: float,
                          now: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        a, b = self.ties_among(slots, now)
        if a.size == 0:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty, np.empty(0)
        # Each pair once, in the order of i * width + j; see kernels.mutual_ties.
        width = max(int(slots.max()) + 1, 1)
        return self.mutual_ties(a, b, width, threshold, now)


class SparseRelations(Relations):
    """Sparse pair store: records only for pairs that have been written, row by row
    (``model.sparse_kernels`` describes the layout). Reads, writes, running sums and tie
    candidates are those of :class:`Relations`, bit for bit; a pair without a record reads
    as a stranger's (familiarity 0, trust at the prior). Memory grows with the pairs
    people have met, not with the square of the capacity; the knowledge store is the
    dense one.

    Args:
        See :class:`Relations`.
    """

    # The last talk_rounds' results, the writes counted after them and the week, for the
    # purpose_value of their pairs that follows (read once).
    _talks: tuple | None = None

    # ------------------------------------------------------------------ records
    @override
    def _keep_call_args(self) -> None:
        """Make the structure over the store's records and the rest of its arrays that its
        kernels take (``arrays``, ``model.state.SparsePairs``), whenever one is replaced: at
        set-up, when the records are filled (``build``, ``_take_records``) or moved to
        another pool (``_repool``), on growing and after a copy.
        """
        self.arrays = SparsePairs.of(*self._p, self._f_decay, self._t_decay, self.prior,
                                     self._tracked, self._cols)

    @override
    def _views_again(self) -> None:
        # Its records are arrays of their own, copied as they are: only the structure over
        # them is made again.
        self._keep_call_args()

    @override
    def _make_pairs(self, capacity: int) -> None:
        self._p = sparse_kernels.Pairs(
            np.zeros(capacity, dtype=np.int64), np.zeros(capacity, dtype=np.int64),
            np.zeros(capacity, dtype=np.int64), np.empty(0, dtype=np.int32), np.empty(0),
            np.empty(0), np.empty(0, dtype=np.int32), np.empty(0, dtype=bool),
            np.zeros(1, dtype=np.int64))
        self._listed = None  # candidates are flagged in the records
        # Where each of the first _hinted listed candidates' record was at the last scan of
        # the list (sparse_kernels._candidates_trust starts from there; the rest are new).
        self._hints = np.empty(0, dtype=np.int64)
        self._hinted = 0

    @classmethod
    def taking_over(cls, dense: Relations) -> SparseRelations:
        """A sparse store holding what the dense store ``dense`` holds, to go on in its place
        bit for bit (``grown_store``): its pairs, running sums, tie candidates, write counts and
        logs of written pairs. ``dense`` is not to be used after (they share those arrays).
        """
        store = cls.__new__(cls)
        state = dict(vars(dense))
        for name in (*_RECORD_VIEWS, "_pairs", "_listed"):
            state.pop(name, None)
        vars(store).update(state)
        store._make_pairs(dense.capacity)
        store._take_records(dense)
        return store

    def _take_records(self, dense: Relations) -> None:
        """Records, in a pool of their own, for every pair of ``dense`` that does not read as
        a stranger's or is a listed tie candidate, and for the same pair the other way round
        (the pattern is symmetric): their familiarity, trust, week of last touch and flag as
        the dense store holds them. A stranger's pair without a record reads the same
        whatever its week of last touch; pairs of slots from ``_written`` on hold the
        initial values.
        """
        n = min(dense._written, dense.capacity)
        fam, trust = dense.F[:n, :n], dense.T[:n, :n]
        keep = (fam != 0.0) | np.signbit(fam) | (trust != self.prior)
        if dense._listed is not None:
            keep |= dense._listed[:n, :n]
        keep |= keep.T
        rows, cols = np.nonzero(keep)  # row by row, partners ascending
        size = np.bincount(rows, minlength=self.capacity).astype(np.int64)
        room = np.where(size > 0, np.maximum(size + size // 2, sparse_kernels.MIN_ROOM), 0)
        start = np.zeros(self.capacity, dtype=np.int64)
        np.cumsum(room[:-1], out=start[1:])
        end = int(room.sum())
        pool = int(end * 1.25) + 1024
        # Each record's place: its row's start, then its rank in the row.
        x = start[rows] + np.arange(rows.size) - np.repeat(np.cumsum(size) - size, size)
        col, F, T = np.empty(pool, dtype=np.int32), np.empty(pool), np.empty(pool)
        last, listed = np.empty(pool, dtype=np.int32), np.zeros(pool, dtype=bool)
        col[x], F[x], T[x] = cols, fam[rows, cols], trust[rows, cols]
        last[x] = dense.last[rows, cols]
        if dense._listed is not None:
            listed[x] = dense._listed[rows, cols]
        self._p = self._p._replace(start=start, size=size, room=room, col=col, F=F, T=T,
                                   last=last, listed=listed)
        self._p.end[0] = end
        self._keep_call_args()

    def _scan_candidates(self) -> tuple[np.ndarray, np.ndarray, int]:
        """The listed tie candidates (``_candidate_key``), the buffer of their records'
        positions (at least as long; a scan leaves each candidate's position there) and how
        many of them are known, for a kernel that scans the list; the caller then keeps
        what the kernel kept (``_scanned``).
        """
        key = self._candidate_key()
        hints = self._hints
        if hints.size < key.size:
            grown = np.empty(max(key.size, 2 * hints.size), dtype=np.int64)
            grown[:self._hinted] = hints[:self._hinted]
            hints = self._hints = grown
        return key, hints, self._hinted

    def _scanned(self, key: np.ndarray, kept: int) -> None:
        """Keep the first ``kept`` candidates of ``key``, which a scan compacted (their
        positions at the front of ``_hints``).
        """
        self._candidates = [key[:kept]]
        self._hinted = kept

    @property
    def records(self) -> int:
        """Pair records in use."""
        return int(sparse_kernels.live_records(self.arrays))

    def _repool(self, extra: int) -> None:
        """Compact the rows into a new pool with room for ``extra`` more records at its end."""
        p = self._p
        live = np.maximum(p.size + p.size // 2, sparse_kernels.MIN_ROOM)
        live[(p.size == 0) & (p.room == 0)] = 0
        size = int(live.sum() * 1.25) + extra
        pool = (np.empty(size, dtype=np.int32), np.empty(size), np.empty(size),
                np.empty(size, dtype=np.int32), np.zeros(size, dtype=bool))
        end = sparse_kernels.compact(self.arrays, *pool)
        self._p = p._replace(col=pool[0], F=pool[1], T=pool[2], last=pool[3], listed=pool[4])
        self._p.end[0] = end
        self._keep_call_args()

    def _ensure(self, i: np.ndarray, j: np.ndarray, now: int,
                bounds: np.ndarray | None = None) -> None:
        """Give pairs (i, j), in both orders, records (a stranger's, if new); with
        ``bounds``, the pairs are those of teams with these bounds as ``kernels.team_pairs``
        lists them (``sparse_kernels.ensure_team_pairs``: the same records, fewer searches).
        """
        done = 0
        while done < i.size:
            if bounds is None:
                done = sparse_kernels.ensure_pairs(self.arrays, i, j, done, now)
            else:
                done = sparse_kernels.ensure_team_pairs(self.arrays, bounds, i, j, done, now)
            if done < i.size:
                # Room for the rest, even if every row they touch has to move.
                self._repool(4 * (i.size - done) + 2 * int(self._p.room.max()) + 1024)

    def build(self, n: int, org: np.ndarray, edge_i: np.ndarray, edge_j: np.ndarray,
              colleague: tuple[float, float], known: tuple[float, float], now: int) -> None:
        """The relations at set-up among slots ``0 .. n - 1`` of an empty store, as
        ``set_block`` of the dense block would store them: colleagues (same organisation,
        oneself included) at ``colleague`` (familiarity, trust; familiarity 0 with oneself),
        the acquaintances ``edge_i < edge_j`` of different organisations at ``known``, the
        rest strangers; tie candidates listed row by row.
        """
        org = np.ascontiguousarray(org[:n])
        members = np.bincount(org)
        across = org[edge_i] != org[edge_j]
        rows = members[org] + np.bincount(edge_i[across], minlength=n) \
            + np.bincount(edge_j[across], minlength=n)
        size = int(np.maximum(rows, sparse_kernels.MIN_ROOM).sum()) if n else 0
        self._p = self._p._replace(
            col=np.empty(size, dtype=np.int32), F=np.empty(size), T=np.empty(size),
            last=np.empty(size, dtype=np.int32), listed=np.zeros(size, dtype=bool))
        self._keep_call_args()
        self._wrote_slots(np.arange(n))
        sparse_kernels.build(self.arrays, n, org, edge_i, edge_j, *colleague, *known, now)
        self._written = max(self._written, n)
        if self._listing and n:
            key = sparse_kernels.list_rows(self.arrays, np.arange(n), self._tie_floor)
            if key.size:
                self._candidates.append(key)

    # ------------------------------------------------------------------ reads
    @override
    def settle(self, i: np.ndarray, j: np.ndarray, now: int) -> tuple[np.ndarray, np.ndarray]:
        self._wrote_pairs(i, j)
        self._ensure(i, j, now)
        return sparse_kernels.settle_pairs(self.arrays, i, j, now)

    @override
    def familiarity(self, i: np.ndarray, j: np.ndarray, now: int) -> np.ndarray:
        return sparse_kernels.current_familiarity(self.arrays, i, j, now)

    @override
    def founders_acquainted(self, i: np.ndarray, j: np.ndarray, present: np.ndarray,
                            seated_at: np.ndarray, threshold: float, now: int) -> int:
        i, j = kernels.founder_pairs(i, j, present, seated_at)
        return int(np.count_nonzero(self.familiarity(i, j, now) >= threshold))

    @override
    def familiarity_ends(self, i: np.ndarray, j: np.ndarray, threshold: float) -> np.ndarray:
        return sparse_kernels.familiarity_ends(self.arrays, i, j, threshold)

    @override
    def trust(self, i: np.ndarray, j: np.ndarray, now: int) -> np.ndarray:
        return sparse_kernels.current_trust(self.arrays, i, j, now)

    @override
    def stored_trust(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        return sparse_kernels.stored_trust(self.arrays, i, j)

    @override
    def conversation_groups(self, ids: np.ndarray, present: np.ndarray, first: np.ndarray,
                            acquaintance: float, u: np.ndarray, m: int, p_incumbent: float,
                            q: float, now: int
                            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        return sparse_kernels.conversation_groups(self.arrays, ids, present, first, acquaintance,
                                                  u, m, p_incumbent, q, now)

    @override
    def seamless_cases(self, who: np.ndarray, drawn: np.ndarray, org: np.ndarray, n_orgs: int,
                       present: np.ndarray, know: Knowledge, knowledge_threshold: float,
                       tie_threshold: float, now: int) -> np.ndarray:
        return sparse_kernels.seamless_cases(who, drawn, org, n_orgs, present, know.arrays,
                                             self.arrays, knowledge_threshold, tie_threshold,
                                             now)

    @override
    def purpose_value(self, people: People, i: np.ndarray, j: np.ndarray,
                      rules: kernels.GroupRules, value: tuple[float, float, float],
                      advocacy: float, now: int
                      ) -> tuple[bool, tuple[float, float, float], float]:
        talks, self._talks = self._talks, None
        if (talks is not None and i is talks[3] and j is talks[4] and talks[6] == self.writes
                and talks[7] == now):
            # The pairs of the talks just held, nothing written since: their trust is the
            # one they were stored with (sparse_kernels.talks_value).
            members, bounds, per_round, _, _, trust, _, _ = talks
            return sparse_kernels.talks_value(self.arrays, people, members, bounds, per_round, i,
                                              j, trust, rules, *value, advocacy, now)
        return sparse_kernels.purpose_value(self.arrays, people, i, j, rules, *value, advocacy,
                                            now)

    @override
    def seamless_value(self, workers: np.ndarray, n_cases: np.ndarray, drawn: np.ndarray,
                       people: People, used: int, n_orgs: int, know: Knowledge,
                       knowledge_threshold: float, tie_threshold: float,
                       rules: kernels.GroupRules, value: tuple[float, float, float], now: int
                       ) -> tuple[bool, tuple[float, float, float]]:
        return sparse_kernels.seamless_value(workers, n_cases, drawn, people, used, n_orgs,
                                             know.arrays, self.arrays, knowledge_threshold,
                                             tie_threshold, rules, *value, now)

    @override
    def form_working_groups(self, rng: np.random.Generator, people: People, active: np.ndarray,
                            weight: np.ndarray, factor: np.ndarray, org_time: np.ndarray,
                            rate: float, rules: np.ndarray, assembler: int, m: int, k: int,
                            now: int
                            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                       np.ndarray]:
        return sparse_kernels.form_working_groups(draws.source(rng), self.arrays, people, active,
                                                  weight, factor, org_time, rate, rules,
                                                  assembler, m, k, now)

    @override
    def client_cases(self, rng: np.random.Generator, active: np.ndarray, lam: float,
                     people: People, used: int, n_orgs: int, know: Knowledge,
                     knowledge_threshold: float, tie_threshold: float,
                     rules: kernels.GroupRules, value: tuple[float, float, float], now: int
                     ) -> tuple[bool, tuple[float, float, float]]:
        return sparse_kernels.client_cases(draws.source(rng), active, lam, people, used, n_orgs,
                                           know.arrays, self.arrays, knowledge_threshold,
                                           tie_threshold, rules, *value, now)

    @override
    def collaborate(self, rng: np.random.Generator, people: People, used: int,
                    active_code: int, attachment: np.ndarray, factor: np.ndarray,
                    org_time: np.ndarray, rate: float, forming: np.ndarray, assembler: int,
                    m: int, k: int, base: float, know: Knowledge, rules: kernels.GroupRules,
                    facilitation: float, cases: float | None, n_orgs: int, knowledge_threshold: float,
                    tie_threshold: float, value: tuple[float, float, float], advocacy: float,
                    now: int) -> tuple[np.ndarray, bool, int, int, int, bool,
                                       tuple[float, float, float], float]:
        # As the dense store's, with sparse_kernels.collaborate; when the pool fills up while
        # the groups' pairs get records, the call stops there and goes on here. The pairs
        # that met are counted as one write, and logged while written pairs are marked.
        tracking = self._tracking and now != self._sums_at
        factor_sums = (0.5 ** ((now - self._sums_at) / self._half_lives) if tracking
                       else _NO_FACTOR)
        src = draws.source(rng)
        on_cases = (cases is not None, 0.0 if cases is None else cases, n_orgs,
                    knowledge_threshold, tie_threshold)
        (active, fits, pairs, breaches, ideas, written, credited, value, advocacy, new, ensured,
         members, bounds, i, j, g) = sparse_kernels.collaborate(
            src, self.arrays, factor_sums, self._tie_floor, self._written,
            know.arrays, people, used, active_code, attachment, factor, org_time, rate, forming,
            assembler, m, k, base, rules, facilitation, *on_cases, *value, advocacy, now)
        if ensured < pairs:
            self._ensure(i[ensured:], j[ensured:], now)
            breaches, ideas, written, credited, value, advocacy, new = (
                sparse_kernels.work_and_cases(
                    src, self.arrays, factor_sums, self._tie_floor, self._written, know.arrays,
                    people, used, active, members, bounds, i, j, g, base, rules, facilitation,
                    *on_cases, *value, advocacy, now))
        self._written = written
        if pairs:
            self._wrote_pairs(i, j)
            if self._tracking:
                self._sums_at = now
        if new.size:
            self._candidates.append(new)
        return active, fits, pairs, breaches, ideas, credited, value, advocacy

    @property
    @override
    def converses_in_one_call(self) -> bool:
        return False  # the fused call is the dense store's

    @override
    def trusted_contacts(self, brokers: np.ndarray, contacts: np.ndarray, threshold: float,
                         now: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        return sparse_kernels.trusted_contacts(self.arrays, brokers, contacts, threshold, now)

    @override
    def broker_contacts(self, brokers: np.ndarray, per_broker: int, u: np.ndarray,
                        member: np.ndarray, threshold: float, now: int
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        if not self._listing:
            return super().broker_contacts(brokers, per_broker, u, member, threshold, now)
        key, hints, hinted = self._scan_candidates()
        kept, b, c, trust_cb, trust_bc = sparse_kernels.broker_contacts(
            key, hints, hinted, self.arrays, self._tie_floor, self.tie_threshold,
            member, brokers, per_broker, u, threshold, now)
        self._scanned(key, kept)
        return b, c, trust_cb, trust_bc

    @override
    def broker_relay(self, brokers: np.ndarray, per_broker: int, u: np.ndarray,
                     member: np.ndarray, threshold: float, now: int, know: Knowledge,
                     org: np.ndarray, gain: float, contact_count: np.ndarray) -> None:
        if not self._listing:
            super().broker_relay(brokers, per_broker, u, member, threshold, now, know, org, gain,
                                 contact_count)
            return
        key, hints, hinted = self._scan_candidates()
        kept = sparse_kernels.broker_relay(
            key, hints, hinted, self.arrays, self._tie_floor, self.tie_threshold,
            member, brokers, per_broker, u, threshold, now, know.arrays, know.n_known, org, gain,
            contact_count)
        self._scanned(key, kept)

    @property
    @override
    def relays_in_one_call(self) -> bool:
        return self._listing  # candidates flagged in the records

    @override
    def relay(self, rng: np.random.Generator, people: People, used: int, peripheral: int,
              active: int, broker: int, relay_gain: float | None, know: Knowledge,
              per_broker: int, members: int, threshold: float, gain: float, now: int) -> None:
        key, hints, hinted = self._scan_candidates()
        kept = sparse_kernels.relay(
            draws.source(rng), key, hints, hinted, self.arrays, self._tie_floor,
            self.tie_threshold, people, used, peripheral, active, broker,
            relay_gain is not None, 0.0 if relay_gain is None else relay_gain, know.arrays,
            know.n_known, know.rebase_below, per_broker, members, threshold, gain, now)
        self._scanned(key, kept)

    @override
    def best_benefit(self, i: np.ndarray, j: np.ndarray, factor: np.ndarray, now: int,
                     capacity: int) -> tuple[np.ndarray, np.ndarray]:
        return sparse_kernels.best_benefit(self.arrays, i, j, factor, now, capacity)

    @override
    def familiarity_blocks(self, ids: np.ndarray, now: int) -> np.ndarray:
        return sparse_kernels.familiarity_blocks(self.arrays, ids, now)

    @override
    def block(self, rows: np.ndarray, cols: np.ndarray, now: int) -> tuple[np.ndarray, np.ndarray]:
        return sparse_kernels.block(self.arrays, np.asarray(rows, dtype=np.int64),
                                    np.asarray(cols, dtype=np.int64), now)

    @override
    def mutual_ties(self, a: np.ndarray, b: np.ndarray, width: int, threshold: float,
                    now: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return sparse_kernels.mutual_ties(a, b, width, self.arrays, threshold, now)

    @override
    def _block_seat_sums(self, slots: np.ndarray, now: int) -> tuple[float, float]:
        slots = np.asarray(slots, dtype=np.int64)
        fam, fam_trace = sparse_kernels.block_sums(slots, self.arrays, now, False)
        trust, trust_trace = sparse_kernels.block_sums(slots, self.arrays, now, True)
        return float(fam - fam_trace), float(trust - trust_trace)

    # ------------------------------------------------------------------ writes
    @override
    def reset(self, slot: int | np.ndarray, now: int, used: int | None = None) -> None:
        slots = np.atleast_1d(np.asarray(slot, dtype=np.int64))
        if slots.size == 0:
            return
        self._wrote_slots(slots)
        if self._tracking:
            self._bring_sums(now)
        hi = max(self._written, int(slots.max()) + 1)
        self._written = hi
        n = self.capacity if used is None else used
        sparse_kernels.reset_pairs(self.arrays, slots, n, now, hi)

    @override
    def set_block(self, slots: np.ndarray, familiarity: np.ndarray, trust: np.ndarray,
                  now: int) -> None:
        self._wrote_slots(slots)
        rows = self._tracked_rows(slots)
        self._add_sets_rows(rows, -1.0, now)
        # Pairs given other than a stranger's values, and pairs that have records already;
        # the rest are strangers already (their week of last touch reads the same).
        had = self.block(slots, slots, now)  # any record differing from a stranger's shows
        r, c = np.nonzero((familiarity != 0.0) | (trust != self.prior)
                          | (had[0] != 0.0) | (had[1] != self.prior))
        i, j = slots[r], slots[c]
        self._ensure(i, j, now)
        sparse_kernels.write_pairs(self.arrays, i, j,
                                   np.ascontiguousarray(familiarity[r, c], dtype=float),
                                   np.ascontiguousarray(trust[r, c], dtype=float), now)
        if slots.size:
            self._written = max(self._written, int(slots.max()) + 1)
        self._add_sets_rows(rows, 1.0, now)
        self._add_candidates(i, j, trust[r, c])

    @override
    def grow(self, capacity: int, now: int) -> None:
        old = self.capacity
        p = self._p
        extra = capacity - old
        self._p = p._replace(start=np.concatenate([p.start, np.zeros(extra, dtype=np.int64)]),
                             size=np.concatenate([p.size, np.zeros(extra, dtype=np.int64)]),
                             room=np.concatenate([p.room, np.zeros(extra, dtype=np.int64)]))
        self._grow_sums(capacity)
        self._keep_call_args()
        if self._listing:
            i, j = np.divmod(self._candidate_key(), old)
            self._candidates = [i * capacity + j]

    @override
    def _store(self, k: int, i: np.ndarray, j: np.ndarray, values: np.ndarray,
               now: int) -> np.ndarray:
        self._wrote_pairs(i, j)
        if i.size:
            self._written = max(self._written, int(i.max()) + 1, int(j.max()) + 1)
        if self._tracking:
            self._bring_sums(now)
        self._ensure(i, j, now)
        values = np.broadcast_to(np.asarray(values, dtype=float), i.shape)
        return sparse_kernels.store_pairs(self.arrays, k, i, j, np.ascontiguousarray(values))

    @override
    def set_familiarity(self, i: np.ndarray, j: np.ndarray, values: np.ndarray, now: int) -> None:
        self._store(0, i, j, values, now)

    @override
    def set_trust(self, i: np.ndarray, j: np.ndarray, values: np.ndarray, now: int) -> np.ndarray:
        stored = self._store(1, i, j, values, now)
        self._add_candidates(i, j, np.broadcast_to(values, i.shape))
        return stored

    @override
    def encounter(self, i: np.ndarray, j: np.ndarray, g: np.ndarray, u: np.ndarray,
                  face: np.ndarray, virtual_factor: float, atmosphere: np.ndarray,
                  dialogue: np.ndarray, org: np.ndarray, resident: np.ndarray,
                  know: Knowledge, rule: kernels.EncounterRule, now: int
                  ) -> tuple[np.ndarray, np.ndarray]:
        self._encounters_ahead(i, j, now)
        self._ensure(i, j, now)
        trust, breach, new = sparse_kernels.encounter(
            self.arrays, self._tie_floor, know.arrays, i, j, g, u, face,
            virtual_factor, atmosphere, dialogue, org, resident, rule, now)
        if new.size:
            self._candidates.append(new)
        return trust, breach

    @override
    def talk_rounds(self, ids: np.ndarray, present: np.ndarray, first: np.ndarray,
                    u_seats: np.ndarray, u: np.ndarray, face: np.ndarray, dialogue: np.ndarray,
                    base: float, acquaintance: float, m: int, p_incumbent: float, q: float,
                    people: People, know: Knowledge, rules: kernels.GroupRules,
                    facilitation: float, now: int
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                               np.ndarray, int]:
        # Round by round: the pairs a round writes get their records between its groups
        # and its encounters.
        members, bounds, per_round, i_all, j_all = [], [_FIRST_BOUND], [], [], []
        trust_all = [np.zeros(0)]
        breaches = seated = 0
        for r in range(u.shape[0]):
            mem, bnd, i, j, g = sparse_kernels.conversation_groups(
                self.arrays, ids, present, first, acquaintance, u_seats[r], m, p_incumbent, q,
                now)
            if i.size != u.shape[1]:
                raise ValueError("a round's pairs differ from its draws")
            if i.size:
                self._encounters_ahead(i, j, now)
                self._ensure(i, j, now, bnd)
                trust, b, new = sparse_kernels.round_encounters(
                    self.arrays, self._tie_floor, know.arrays, people, mem, bnd,
                    i, j, g, u[r], face, dialogue, base, rules, facilitation, now)
                breaches += b
                trust_all.append(trust)
                if new.size:
                    self._candidates.append(new)
            members.append(mem)
            bounds.append(bnd[1:] + seated)
            seated += mem.size
            per_round.append(bnd.size - 1)
            i_all.append(i)
            j_all.append(j)
        talks = (np.concatenate([_NO_PAIRS, *members]), np.concatenate(bounds),
                 np.array(per_round, dtype=np.int64), np.concatenate([_NO_PAIRS, *i_all]),
                 np.concatenate([_NO_PAIRS, *j_all]), np.concatenate(trust_all))
        self._talks = (*talks, self.writes, now)
        return (*talks, breaches)

    @override
    def work_in_groups(self, members: np.ndarray, bounds: np.ndarray, i: np.ndarray,
                       j: np.ndarray, g: np.ndarray, rng: np.random.Generator,
                       base: float, people: People, know: Knowledge,
                       rules: kernels.GroupRules, facilitation: float,
                       value: tuple[float, float, float], advocacy: float, now: int
                       ) -> tuple[int, int, bool, tuple[float, float, float], float]:
        self._encounters_ahead(i, j, now)
        self._ensure(i, j, now)
        breaches, new, ideas, credited, value, advocacy = sparse_kernels.work_in_groups(
            self.arrays, self._tie_floor, know.arrays, people, members, bounds, i,
            j, g, draws.source(rng), base, rules, facilitation, *value, advocacy, now)
        if new.size:
            self._candidates.append(new)
        return breaches, ideas, credited, value, advocacy

    # ------------------------------------------------------------------ running sums
    @override
    def _add_rows(self, s: int, rows: np.ndarray, weight: np.ndarray, now: int) -> None:
        self._bring_sums(now)
        hi = max(self._written, int(rows.max()) + 1)
        self._cols[s, :, :hi] += sparse_kernels.decayed_column_sums(rows, weight, self.arrays,
                                                                    now, hi)

    @override
    def _block_pair_sums(self, slots: np.ndarray, now: int) -> tuple[float, float]:
        return sparse_kernels.block_pair_sums(slots, self.arrays, now)

    @override
    def _move_rows(self, s: int, slots: np.ndarray, now: int) -> tuple[float, float, int]:
        return sparse_kernels.tracked_pair_sums(slots, s, self.arrays, now, self._written)

    # ------------------------------------------------------------------ trust ties
    @override
    def _add_candidates(self, i: np.ndarray, j: np.ndarray, trust: np.ndarray) -> None:
        if not self._listing or i.size == 0:
            return
        key = sparse_kernels.list_new(self.arrays, i, j, np.ascontiguousarray(trust, dtype=float),
                                      self._tie_floor)
        if key.size:
            self._candidates.append(key)

    @override
    def trust_ties(self, slots: np.ndarray, threshold: float,
                   now: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if not self._listing:
            return self._trust_ties_apart(slots, threshold, now)
        key, hints, hinted = self._scan_candidates()
        kept, i, j, t = sparse_kernels.trust_ties_among(
            key, hints, hinted, self.arrays, now, self._tie_floor,
            self.tie_threshold, slots, threshold)
        self._scanned(key, kept)  # as ties_among leaves them
        return i, j, t

    @override
    def ties_among(self, slots: np.ndarray, now: int) -> tuple[np.ndarray, np.ndarray]:
        if not self._listing:
            return super().ties_among(slots, now)
        member = np.zeros(self.capacity, dtype=bool)
        member[slots] = True
        key, hints, hinted = self._scan_candidates()
        kept, ties = sparse_kernels.current_ties(key, hints, hinted, self.arrays, now,
                                                 self._tie_floor, self.tie_threshold, member)
        self._scanned(key, kept)
        return ties[0], ties[1]


def grown_store(rel: Relations, capacity: int, now: int) -> Relations:
    """``rel`` enlarged to ``capacity`` slots, the new slots strangers to everyone: the same
    store, or where a dense store reaches ``SPARSE_FROM`` slots, a sparse store that takes
    over its pairs (``SparseRelations.taking_over``), as ``make_relations`` would choose
    for a network set up at that size (so that a network growing from a small start does
    not keep a pair array that grows with the square of its capacity).
    """
    if not isinstance(rel, SparseRelations) and capacity >= SPARSE_FROM:
        rel = SparseRelations.taking_over(rel)
    rel.grow(capacity, now)
    return rel


def make_relations(capacity: int, trust_prior: float,
                   familiarity_half_life: float, trust_half_life: float,
                   tie_threshold: float | None = None, sparse_from: int | None = None
                   ) -> Relations:
    """The pair store for a network of ``capacity`` slots: dense below ``sparse_from``
    slots (default ``SPARSE_FROM``), sparse from there on.
    """
    limit = SPARSE_FROM if sparse_from is None else sparse_from
    kind = SparseRelations if capacity >= limit else Relations
    return kind(capacity, trust_prior, familiarity_half_life, trust_half_life,
                tie_threshold=tie_threshold)
