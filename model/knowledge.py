"""What each participant knows of each organisation (S9): the knowledge store.

Knowledge ``K[i, o]`` — how well participant i knows what organisation o
currently does (S9) — changes mostly by whole rows: the weekly ageing
multiplies a row by a factor and the coordinator's relay closes a share of
every gap in a row. Both are affine maps of a row (``k -> a k + b``), which
compose, so each row keeps stored values ``S[i, :]`` and one pending map in
the form ``K[i, o] = a_i (S[i, o] + c_i)``, except that one always knows one's
own organisation (``K[i, own_i] = 1``, applied when read). Ageing is then
``a_i *= factor``, a relay closing share g is ``a_i *= 1 - g; c_i += g / a_i``,
an entry write stores ``v / a_i - c_i``, and a new organisation's column
stores ``-c_i``, which reads as exactly 0. A row is rebased (``S <- a (S + c)``,
``a = 1, c = 0``) when it is set outright or ``a_i`` gets small.

The store is apart from the pair store (``model.relations``): an encounter writes both in
one compiled pass (``Relations.encounter`` takes the store), and the reporters read its
row sums (``sums``). The kernels receive the store's arrays as one structure
(``arrays``, a ``state.KnowledgeArrays``).
"""

from __future__ import annotations

import numpy as np

from model import kernels
from model.state import KnowledgeArrays
from model.straight import StraightCalls

# Rebase a knowledge row once its pending scale falls below this: far from
# underflow and from large stored values, and rare (twenty half-lives of knowledge).
KNOWLEDGE_REBASE_SCALE = 2.0**-20


class Knowledge:
    """Knowledge ``K[i, o]`` of ``capacity`` participant slots of ``org_capacity``
    organisations, kept lazily as ``a_i (S[i, o] + c_i)`` (module docstring).

    Args:
        capacity: Participant slots.
        org_capacity: Organisation columns.
        rebase_below: Pending scale below which a row is rebased.

    Attributes:
        own: Organisation of the person in each slot (known at 1).
        n_known: Organisation columns in use (organisations in the network).
        arrays: The store's arrays as the kernels take them (``state.KnowledgeArrays``,
            sharing their memory; made again whenever an array is replaced).
    """

    def __init__(self, capacity: int, org_capacity: int,
                 rebase_below: float = KNOWLEDGE_REBASE_SCALE):
        # Stored values and each row's pending map a (S + c).
        self._k = np.zeros((capacity, org_capacity))
        self._ka = np.ones(capacity)
        self._kc = np.zeros(capacity)
        self.own = np.zeros(capacity, dtype=np.int64)
        self.n_known = 0
        # Row sums of S over the columns in use, for the coverage reporter. Encounters add
        # each change to them; other writes of whole rows or scattered entries mark a row
        # stale, to be summed again when asked for.
        self._ksum = np.zeros(capacity)
        self._kstale = np.zeros(capacity, dtype=bool)
        self._rebase_below = rebase_below
        self._remake()
        # Past numba's dispatch, which types the structure at each call (~0.5 us; the arrays
        # it replaced took ~0.04 us each); these call sites keep their arguments' types.
        self._calls = StraightCalls("model.kernels", "scale_rows", "forget_rows",
                                    "knowledge_coverage")

    @property
    def rebase_below(self) -> float:
        """Pending scale below which a row is rebased."""
        return self._rebase_below

    def _remake(self) -> None:
        """Make the kernels' structure over the arrays now held (after any is replaced)."""
        self.arrays = KnowledgeArrays.of(self._k, self._ka, self._kc, self._ksum, self._kstale,
                                         self.own)

    def grow(self, capacity: int, org_capacity: int) -> None:
        """Enlarge the store to ``capacity`` slots and ``org_capacity`` organisations."""
        rows, cols = self._k.shape
        k = np.zeros((capacity, org_capacity))
        k[:rows, :cols] = self._k
        self._k = k
        if capacity > rows:
            extra = capacity - rows
            self._ka = np.concatenate([self._ka, np.ones(extra)])
            self._kc = np.concatenate([self._kc, np.zeros(extra)])
            self._ksum = np.concatenate([self._ksum, np.zeros(extra)])
            self._kstale = np.concatenate([self._kstale, np.zeros(extra, dtype=bool)])
            self.own = np.concatenate([self.own, np.zeros(extra, dtype=self.own.dtype)])
        self._remake()

    def add_organisation(self) -> None:
        """Open the next organisation column; everyone's knowledge of it starts at 0."""
        if self.n_known >= self._k.shape[1]:
            raise IndexError("no free organisation column: grow first")
        # a (S + c) = a (-c + c) = 0 exactly. Columns not yet in use hold 0, which reads as 0
        # in rows without an offset: only rows with one are written (a network of thousands
        # opens a column per organisation at set-up, when no row has an offset yet).
        rows = np.flatnonzero(self._kc)
        self._k[rows, self.n_known] = -self._kc[rows]
        self._ksum[rows] -= self._kc[rows]
        self.n_known += 1

    def forget(self, slots: np.ndarray, own: np.ndarray) -> None:
        """Newcomers in ``slots`` know nothing but their own organisations ``own``, in one
        compiled call (``kernels.forget_rows``).
        """
        self._calls.forget_rows(self.arrays, slots, own)

    def entries(self, rows: np.ndarray, cols: np.ndarray | int) -> np.ndarray:
        """Current knowledge ``K[rows, cols]`` entry by entry (indices broadcast together)."""
        v = self._ka[rows] * (self._k[rows, cols] + self._kc[rows])
        return np.where(cols == self.own[rows], 1.0, v)

    def of_rows(self, rows: np.ndarray) -> np.ndarray:
        """Current knowledge of ``rows`` of every organisation, shape (rows, n_known)."""
        v = self._unpinned(rows)
        v[np.arange(v.shape[0]), self.own[rows]] = 1.0
        return v

    def _unpinned(self, rows: np.ndarray) -> np.ndarray:
        return self._ka[rows, None] * (self._k[rows, : self.n_known] + self._kc[rows, None])

    def sums(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """For each of ``rows``, the sum of its knowledge over the distinct organisations
        ``cols``, leaving out its own organisation.

        Works on row sums of the stored values and the row maps (``sum_o a (S + c) =
        a (sum_o S + n c)``) instead of a gathered block, in one compiled pass
        (``kernels.knowledge_sums``).
        """
        return kernels.knowledge_sums(rows, cols, self.arrays, self.n_known)

    def coverage(self, rows: np.ndarray, org: np.ndarray, n_orgs: int) -> float:
        """Mean over ordered pairs of the organisations of ``rows`` (``org`` by slot, below
        ``n_orgs``) of how well the one's people among ``rows`` know the other, each person
        weighted by one over its organisation's size (``model.reporters.
        knowledge_coverage``), in one compiled call (``kernels.knowledge_coverage``).
        """
        return self._calls.knowledge_coverage(rows, org, n_orgs, self.arrays, self.n_known)

    def set_rows(self, rows: np.ndarray, values: np.ndarray) -> None:
        """Set whole rows of knowledge (distinct ``rows``; ``values`` is rows x n_known)."""
        self._k[rows, : self.n_known] = values
        self._ka[rows] = 1.0
        self._kc[rows] = 0.0
        self._kstale[rows] = True

    def close_gaps(self, rows: np.ndarray, cols: np.ndarray | int,
                   share: np.ndarray | float) -> None:
        """``K[r, c] <- K[r, c] + share (1 - K[r, c])`` entry by entry (indices and shares
        broadcast together); a repeated entry takes its largest share.
        """
        rows = np.asarray(rows, dtype=np.int64)
        cols = np.broadcast_to(np.asarray(cols, dtype=np.int64), rows.shape)
        share = np.broadcast_to(np.asarray(share, dtype=float), rows.shape)
        kernels.close_gaps(self.arrays, rows, cols, share)

    def pass_on(self, sources: np.ndarray, targets: np.ndarray, share: np.ndarray) -> None:
        """Each target catches up part of the way to its source, organisation by organisation:
        ``K[t, :] <- K[t, :] + share max(0, K[s, :] - K[t, :])``, all read before any is
        written; a target reached several times keeps the elementwise largest update.
        """
        if targets.size:
            kernels.pass_on(self.arrays, self.n_known, sources, targets,
                            np.asarray(share, dtype=float))

    def broker_exchange(self, brokers: np.ndarray, contacts: np.ndarray, org: np.ndarray,
                        gain: float, trust_in_broker: np.ndarray, trust_in_contact: np.ndarray,
                        contact_count: np.ndarray) -> None:
        """Brokers learn of their contacts' organisations (``close_gaps`` with share
        ``gain`` times their trust in the contact), then pass on what they know
        (``pass_on`` with ``gain`` times the contact's trust in them), in one
        pass (``model.kernels.broker_exchange``); each contact counts for its broker.
        """
        kernels.broker_exchange(self.arrays, self.n_known, brokers, contacts, org, gain,
                                trust_in_broker, trust_in_contact, contact_count)

    def scale(self, rows: np.ndarray, factor: float) -> None:
        """``K[r, :] <- factor K[r, :]`` for distinct ``rows`` (own organisation stays 1)."""
        if self._calls.scale_rows(rows, factor, self.arrays, self._rebase_below):
            # A vanishing scale would blow up stored writes (v / a - c); bake the map in.
            small = rows[self._ka[rows] < self._rebase_below]
            self.set_rows(small, self._unpinned(small))

    def relax(self, rows: np.ndarray, gain: float) -> None:
        """``K[r, :] <- K[r, :] + gain (1 - K[r, :])`` for distinct ``rows``."""
        small = kernels.relax_rows(rows, gain, self.arrays, self._rebase_below)
        if small.size:
            # Too small a scale (0 when the gap closes at once): apply to the rows themselves.
            k = self._unpinned(small)
            self.set_rows(small, k + gain * (1.0 - k))
