"""The model's state, declared once per entity.

Each entity whose state is a row of arrays (a participant's slot, an organisation)
is declared here as a table of fields: name, type, columns, the value of an empty
row, whether a newcomer's record starts afresh, and what it means, on one line.
From the table come the arrays the model allocates and grows (``allocate``,
``grown``) and the structure the compiled kernels receive (``People``: one argument
carrying every participant array, so no process passes long positional lists and an
argument cannot be put in the wrong place); the seating kernel (``kernels.seat``)
empties a newcomer's fresh fields. ``tests/test_state.py`` checks that the ODD's tables
(section 2) name exactly these arrays, and that the seating empties exactly the fields
marked fresh.

The pairs' state (familiarity, trust, the week of the last touch) lives in the pair
stores of ``model.relations``, whose arrays the kernels receive as one structure per
store (``DensePairs``, ``SparsePairs``); the knowledge of organisations in the knowledge store of
``model.knowledge``, whose arrays the kernels receive as one structure too
(``KnowledgeArrays``; all three declared at the end of this module); the week's meeting in
``model.model.Meeting``; the network's scalars on ``NetworkModel`` itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
from numba.core import types
from numba.experimental import structref

from model.agents import Dialogue, Status, Strength

NEVER = -10_000  # "week" of a last attendance that never happened


@dataclass(frozen=True)
class Field:
    """One array of an entity's state: a row per slot.

    Attributes:
        name: Attribute name on the model (and field name in the kernels' structure).
        dtype: numpy type of the array.
        empty: Value of a row no one has held (and of the rows added when it grows).
        columns: Values per row (0: one value, the array is one-dimensional).
        fresh: A newcomer seated in a slot starts with ``empty`` here, whatever the slot's
            previous holder left (a replaced person's slot is reused, S18).
        meaning: What the array holds (the ODD's section 2 says more).
    """

    name: str
    dtype: type
    empty: float | int | bool
    columns: int = 0
    fresh: bool = False
    meaning: str = ""


_F, _I, _B, _I8 = np.float64, np.int64, np.bool_, np.int8

# Participants (ODD 2.2). The seating rule (``kernels.seat``) writes the traits and the
# starting motivation; the fields marked fresh start empty for every newcomer.
PEOPLE: tuple[Field, ...] = (
    Field("present", _B, False, meaning="has not left"),
    Field("status", _I8, int(Status.LEFT), meaning="Status code: follows commitment"),
    Field("org", _I, 0, meaning="organisation represented"),
    Field("role", _I8, 0, meaning="Role code (S23)"),
    Field("strengths", _B, False, columns=len(Strength), meaning="has each Strength (S24)"),
    Field("lifter", _B, False, meaning="has a strength that lifts others' commitment (S24)"),
    Field("dialogue", _F, 0.0, columns=len(Dialogue), meaning="skill in each cornerstone (S20)"),
    Field("commitment", _F, 0.0, meaning="commitment c_i (S14, S18)"),
    Field("autonomy_base", _F, 0.0, meaning="autonomy before the network's structure"),
    Field("autonomy", _F, 0.0, meaning="autonomy under the structure (S14a, S25)"),
    Field("purpose", _F, 0.0, meaning="how clear the shared goal is to the person (S14b)"),
    Field("skill_use", _F, 0.0, meaning="own skills used (S14c)"),
    Field("value_ema", _F, 0.0, fresh=True, meaning="value received, smoothed"),
    Field("value_cum", _F, 0.0, fresh=True, meaning="value received, all weeks"),
    Field("hours_ema", _F, 0.0, fresh=True, meaning="hours spent, smoothed"),
    Field("tie_ema", _F, 0.0, fresh=True, meaning="trusted partners met, smoothed"),
    Field("dormant_weeks", _I, 0, fresh=True, meaning="weeks in a row dormant"),
    Field("collaborated", _B, False, fresh=True, meaning="has worked in a group"),
    Field("met", _B, False, fresh=True, meaning="has met anyone"),
    Field("resident", _B, False, meaning="of the resident association (S22)"),
    Field("circle", _I, 0, meaning="meeting circle"),
    Field("contacts", _I, 0, fresh=True, meaning="ordered-pair contacts, all kinds"),
    Field("work_contacts", _I, 0, fresh=True, meaning="partners in working groups"),
    Field("groups_joined", _I, 0, fresh=True, meaning="working groups joined"),
    Field("last_attended", _I, NEVER, fresh=True, meaning="week of the last meeting attended"),
    Field("seated_at", _I, 0, meaning="week the slot's person joined"),
    Field("week_value", _F, 0.0, meaning="value received this week"),
    Field("week_hours", _F, 0.0, meaning="hours spent this week"),
    Field("week_lift", _F, 0.0, meaning="commitment lift received this week"),
    Field("week_active", _B, False, meaning="took part this week"),
)

# Organisations (ODD 2.1): fixed once the organisation joins.
ORGANISATIONS: tuple[Field, ...] = (
    Field("org_kind", _I, 0, meaning="OrgKind code"),
    Field("org_time", _F, 0.0, meaning="hours per representative per month (S16)"),
    Field("org_culture", _F, 0.0, meaning="networking culture (S16)"),
    Field("org_mandate", _F, 0.0, meaning="statutory duty to collaborate (S29)"),
)


def allocate(fields: tuple[Field, ...], rows: int) -> dict[str, np.ndarray]:
    """Empty arrays of ``rows`` rows for each field, by name."""
    return {f.name: np.full((rows, f.columns) if f.columns else rows, f.empty, dtype=f.dtype)
            for f in fields}


def grown(fields: tuple[Field, ...], arrays: dict[str, np.ndarray],
          rows: int) -> dict[str, np.ndarray]:
    """The arrays enlarged to ``rows`` rows: the old rows kept, the new ones empty."""
    out = allocate(fields, rows)
    for name, new in out.items():
        old = arrays[name]
        new[: old.shape[0]] = old
    return out



# ---------------------------------------------------------------- the kernels' structure
class _PlainFieldsType(types.StructRef):
    """A kernels' structure whose fields have plain (not literal) types: the base of every
    structure type here (``PeopleType``, ``KnowledgeArraysType``, ``DensePairsType``,
    ``SparsePairsType``).
    """

    def preprocess_fields(self, fields: tuple) -> tuple:
        """Plain (not literal) field types, so one compiled kernel serves every model."""
        return tuple((name, types.unliteral(t)) for name, t in fields)


@structref.register
class PeopleType(_PlainFieldsType):
    """numba type of :class:`People`."""


class People(structref.StructRefProxy):
    """Every participant array, as one argument of a compiled kernel (fields named as in
    ``PEOPLE``). It shares memory with the model's arrays: a kernel's writes are the
    model's. Made again whenever the arrays are (``NetworkModel._grow``).

    A structure rather than a ``NamedTuple`` because numba takes it in a constant time
    whatever the number of fields (about 2 us; a 30-field tuple costs about 12 us a call).
    """

    @classmethod
    def of(cls, arrays: dict[str, np.ndarray]) -> People:
        """The structure over ``arrays`` (a mapping holding every field of ``PEOPLE``)."""
        people = _new_people(*(arrays[f.name] for f in PEOPLE))
        # The arrays themselves, for pickling: numba's structure cannot be pickled, and
        # pickling these (the model's own array objects) keeps the memory shared afterwards.
        people._arrays = {f.name: arrays[f.name] for f in PEOPLE}
        return people

    def __reduce__(self) -> tuple:
        return People.of, (self._arrays,)


structref.define_proxy(People, PeopleType, [f.name for f in PEOPLE])


# Every field's numba type: C-contiguous arrays of the declared type and dimension.
_PEOPLE_TYPE = PeopleType([(f.name, numba.typeof(np.empty((1, 1) if f.columns else 1, f.dtype)))
                           for f in PEOPLE])


@numba.njit(cache=True)
def _new_people(present, status, org, role, strengths, lifter, dialogue, commitment,
                autonomy_base, autonomy, purpose, skill_use, value_ema, value_cum,
                hours_ema, tie_ema, dormant_weeks, collaborated, met, resident, circle,
                contacts, work_contacts, groups_joined, last_attended, seated_at,
                week_value, week_hours, week_lift, week_active):
    """The structure over the arrays, made in compiled code that numba caches (the
    constructor ``define_proxy`` gives is compiled afresh in every process, about a second).
    ``tests/test_state.py`` checks that the parameters are ``PEOPLE``'s fields in order.
    """
    p = structref.new(_PEOPLE_TYPE)
    p.present = present
    p.status = status
    p.org = org
    p.role = role
    p.strengths = strengths
    p.lifter = lifter
    p.dialogue = dialogue
    p.commitment = commitment
    p.autonomy_base = autonomy_base
    p.autonomy = autonomy
    p.purpose = purpose
    p.skill_use = skill_use
    p.value_ema = value_ema
    p.value_cum = value_cum
    p.hours_ema = hours_ema
    p.tie_ema = tie_ema
    p.dormant_weeks = dormant_weeks
    p.collaborated = collaborated
    p.met = met
    p.resident = resident
    p.circle = circle
    p.contacts = contacts
    p.work_contacts = work_contacts
    p.groups_joined = groups_joined
    p.last_attended = last_attended
    p.seated_at = seated_at
    p.week_value = week_value
    p.week_hours = week_hours
    p.week_lift = week_lift
    p.week_active = week_active
    return p


# ---------------------------------------------------------------- the knowledge store's
@structref.register
class KnowledgeArraysType(_PlainFieldsType):
    """numba type of :class:`KnowledgeArrays`."""


# The knowledge store's arrays (``model.knowledge.Knowledge``), in the kernels' structure:
# name, dimensions, numpy type. Knowledge K[r, o] = scale[r] (stored[r, o] + offset[r]),
# except that one's own organisation reads as 1.
KNOWLEDGE_FIELDS: tuple[tuple[str, int, type], ...] = (
    ("stored", 2, _F),  # stored values S, slot x organisation column
    ("scale", 1, _F),  # each row's pending scale a
    ("offset", 1, _F),  # each row's pending offset c
    ("sums", 1, _F),  # row sums of S over the columns in use (valid where not stale)
    ("stale", 1, _B),  # the row's sum is to be taken again (a write did not add to it)
    ("own", 1, _I),  # organisation of the slot's person (its column reads as 1)
)


class KnowledgeArrays(structref.StructRefProxy):
    """The knowledge store's arrays as one argument of a compiled kernel (fields named as in
    ``KNOWLEDGE_FIELDS``: ``stored``, ``scale``, ``offset``, ``sums``, ``stale``, ``own``).
    It shares memory with the store's arrays: a kernel's writes are the store's. Made again
    whenever an array is replaced (``Knowledge.grow``). A kernel that loops over one reads
    the fields it uses into locals first (one read, not one per pass of the loop).
    """

    @classmethod
    def of(cls, stored: np.ndarray, scale: np.ndarray, offset: np.ndarray, sums: np.ndarray,
           stale: np.ndarray, own: np.ndarray) -> KnowledgeArrays:
        """The structure over the arrays (``KNOWLEDGE_FIELDS``' types, C-contiguous)."""
        arrays = _new_knowledge(stored, scale, offset, sums, stale, own)
        # The arrays themselves, for pickling (as People keeps them): the copy's structure
        # is made over the copy's own arrays, so it shares their memory.
        arrays._arrays = (stored, scale, offset, sums, stale, own)
        return arrays

    def __reduce__(self) -> tuple:
        return KnowledgeArrays.of, self._arrays


structref.define_proxy(KnowledgeArrays, KnowledgeArraysType,
                       [name for name, _, _ in KNOWLEDGE_FIELDS])

_KNOWLEDGE_TYPE = KnowledgeArraysType([(name, numba.typeof(np.empty((1,) * ndim, dtype)))
                                       for name, ndim, dtype in KNOWLEDGE_FIELDS])


@numba.njit(cache=True)
def _new_knowledge(stored, scale, offset, sums, stale, own):
    """The structure over the arrays, made in cached compiled code (as ``_new_people``).
    ``tests/test_state.py`` checks that the parameters are ``KNOWLEDGE_FIELDS`` in order.
    """
    k = structref.new(_KNOWLEDGE_TYPE)
    k.stored, k.scale, k.offset = stored, scale, offset
    k.sums, k.stale, k.own = sums, stale, own
    return k


# ---------------------------------------------------------------- the dense pair store's
@structref.register
class DensePairsType(_PlainFieldsType):
    """numba type of :class:`DensePairs`."""


# The dense pair store's arrays (``model.relations.Relations``), in the kernels' structure:
# name and numba type. F, T and last are views of the store's pair records (one record per
# ordered pair, so their rows are strided: layout "A"); the rest are arrays of their own.
DENSE_PAIRS_FIELDS: tuple[tuple[str, types.Type], ...] = (
    ("F", types.Array(types.float64, 2, "A")),  # familiarity of i with j as of last[i, j]
    ("T", types.Array(types.float64, 2, "A")),  # trust of i in j as of last[i, j]
    ("last", types.Array(types.int64, 2, "A")),  # week of the pair's last touch
    ("f_decay", types.Array(types.float64, 1, "C")),  # familiarity's factor by gap (weeks)
    ("t_decay", types.Array(types.float64, 1, "C")),  # trust's factor toward the prior, by gap
    ("prior", types.float64),  # trust in a stranger, toward which trust relaxes
    ("tracked", types.Array(types.bool_, 2, "C")),  # per set of running sums, its rows
    ("cols", types.Array(types.float64, 3, "C")),  # per set, column sums of F and of T - prior
    # Per ordered pair, whether it is a listed tie candidate (the store's _listed); a 1 x 1
    # stand-in the kernels do not read where the store lists none.
    ("listed", types.Array(types.bool_, 2, "C")),
)


class DensePairs(structref.StructRefProxy):
    """The dense pair store's arrays as one argument of a compiled kernel (fields named as in
    ``DENSE_PAIRS_FIELDS``: ``F``, ``T``, ``last``, ``f_decay``, ``t_decay``, ``prior``,
    ``tracked``, ``cols``, ``listed``). It shares memory with the store's arrays: a kernel's writes are
    the store's. Made again whenever an array is replaced (``Relations._keep_call_args``:
    at set-up, on growing and after a copy). A kernel that loops over one reads the fields
    it uses into locals first.
    """

    @classmethod
    def of(cls, F: np.ndarray, T: np.ndarray, last: np.ndarray, f_decay: np.ndarray,
           t_decay: np.ndarray, prior: float, tracked: np.ndarray, cols: np.ndarray,
           listed: np.ndarray) -> DensePairs:
        """The structure over the arrays (``DENSE_PAIRS_FIELDS``' types; F, T and last of
        any layout, the rest C-contiguous).
        """
        pairs = _new_dense_pairs(F, T, last, f_decay, t_decay, float(prior), tracked, cols,
                                 listed)
        # The arrays themselves, for pickling (as People keeps them). The store itself does
        # not pickle its structure: it makes it again over the copy's records.
        pairs._arrays = (F, T, last, f_decay, t_decay, float(prior), tracked, cols, listed)
        return pairs

    def __reduce__(self) -> tuple:
        return DensePairs.of, self._arrays


structref.define_proxy(DensePairs, DensePairsType, [name for name, _ in DENSE_PAIRS_FIELDS])

_DENSE_PAIRS_TYPE = DensePairsType(list(DENSE_PAIRS_FIELDS))


@numba.njit(cache=True)
def _new_dense_pairs(F, T, last, f_decay, t_decay, prior, tracked, cols, listed):
    """The structure over the arrays, made in cached compiled code (as ``_new_people``).
    ``tests/test_state.py`` checks that the parameters are ``DENSE_PAIRS_FIELDS`` in order.
    """
    d = structref.new(_DENSE_PAIRS_TYPE)
    d.F, d.T, d.last = F, T, last
    d.f_decay, d.t_decay, d.prior = f_decay, t_decay, prior
    d.tracked, d.cols, d.listed = tracked, cols, listed
    return d


# ---------------------------------------------------------------- the sparse pair store's
@structref.register
class SparsePairsType(_PlainFieldsType):
    """numba type of :class:`SparsePairs`."""


_I32 = np.int32
# The sparse pair store's arrays (``model.relations.SparseRelations``; ``model.sparse_kernels``
# describes the layout), in the kernels' structure: name, dimensions, numpy type (0
# dimensions: a number). The first nine are the records (``sparse_kernels.Pairs``, in its
# order): per slot, then per record of the shared pool.
SPARSE_PAIRS_FIELDS: tuple[tuple[str, int, type], ...] = (
    ("start", 1, _I),  # first record of each slot's row in the pool
    ("size", 1, _I),  # records in each slot's row
    ("room", 1, _I),  # records the row's segment can hold
    ("col", 1, _I32),  # each record's partner, ascending within a row
    ("F", 1, _F),  # each record's familiarity as of its week of last touch
    ("T", 1, _F),  # each record's trust as of its week of last touch
    ("last", 1, _I32),  # each record's week of last touch
    ("listed", 1, _B),  # each record is a listed tie candidate
    ("end", 1, _I),  # one entry: the pool's first record in no segment yet
    ("f_decay", 1, _F),  # familiarity's factor by gap (weeks)
    ("t_decay", 1, _F),  # trust's factor toward the prior, by gap
    ("prior", 0, _F),  # trust in a stranger, toward which trust relaxes
    ("tracked", 2, _B),  # per set of running sums, its rows
    ("cols", 3, _F),  # per set, column sums of F and of T - prior
)


class SparsePairs(structref.StructRefProxy):
    """The sparse pair store's arrays as one argument of a compiled kernel (fields named as
    in ``SPARSE_PAIRS_FIELDS``: the records ``start``, ``size``, ``room``, ``col``, ``F``,
    ``T``, ``last``, ``listed``, ``end``, then ``f_decay``, ``t_decay``, ``prior``,
    ``tracked``, ``cols``). It shares memory with the store's arrays: a kernel's writes are
    the store's. Made again whenever an array is replaced (``SparseRelations.
    _keep_call_args``: at set-up, when the records are rebuilt, moved to a larger pool or
    grown, and after a copy). A kernel reads the records into one local
    (``sparse_kernels._records``) and the fields it uses besides into locals first.
    """

    @classmethod
    def of(cls, start: np.ndarray, size: np.ndarray, room: np.ndarray, col: np.ndarray,
           F: np.ndarray, T: np.ndarray, last: np.ndarray, listed: np.ndarray, end: np.ndarray,
           f_decay: np.ndarray, t_decay: np.ndarray, prior: float, tracked: np.ndarray,
           cols: np.ndarray) -> SparsePairs:
        """The structure over the arrays (``SPARSE_PAIRS_FIELDS``' types, C-contiguous)."""
        arrays = (start, size, room, col, F, T, last, listed, end, f_decay, t_decay,
                  float(prior), tracked, cols)
        pairs = _new_sparse_pairs(*arrays)
        # The arrays themselves, for pickling (as People keeps them). The store itself does
        # not pickle its structure: it makes it again over the copy's arrays.
        pairs._arrays = arrays
        return pairs

    def __reduce__(self) -> tuple:
        return SparsePairs.of, self._arrays


structref.define_proxy(SparsePairs, SparsePairsType, [name for name, _, _ in SPARSE_PAIRS_FIELDS])

_SPARSE_PAIRS_TYPE = SparsePairsType([
    (name, numba.typeof(np.empty((1,) * ndim, dtype)) if ndim else numba.typeof(dtype(0)))
    for name, ndim, dtype in SPARSE_PAIRS_FIELDS])


@numba.njit(cache=True)
def _new_sparse_pairs(start, size, room, col, F, T, last, listed, end, f_decay, t_decay, prior,
                      tracked, cols):
    """The structure over the arrays, made in cached compiled code (as ``_new_people``).
    ``tests/test_state.py`` checks that the parameters are ``SPARSE_PAIRS_FIELDS`` in order.
    """
    s = structref.new(_SPARSE_PAIRS_TYPE)
    s.start, s.size, s.room, s.col, s.F = start, size, room, col, F
    s.T, s.last, s.listed, s.end = T, last, listed, end
    s.f_decay, s.t_decay, s.prior = f_decay, t_decay, prior
    s.tracked, s.cols = tracked, cols
    return s
