"""The state declared once per entity (``model/state.py``): the arrays the model allocates,
grows and hands to its kernels are those of the declaration, and the ODD names them."""

from __future__ import annotations

import copy
import inspect
import pickle
import re
from pathlib import Path

import numba
import numpy as np
import pytest

from model import NetworkModel, kernels, relations, sparse_kernels, state

ODD = Path(__file__).resolve().parent.parent / "docs" / "ODD.md"


@numba.njit
def _seen(people: state.People) -> tuple[np.ndarray, np.ndarray]:
    """Two arrays as a kernel sees them through the structure."""
    return people.commitment, people.strengths


@numba.njit
def known(know: state.KnowledgeArrays) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Three of the knowledge store's arrays as a kernel sees them through its structure."""
    return know.stored, know.scale, know.own


def knowledge_shared(model: NetworkModel) -> bool:
    """Whether the kernels' structure of the model's knowledge store is over its arrays."""
    k = model.knowledge
    stored, scale, own = known(k.arrays)
    return (np.shares_memory(stored, k._k) and np.shares_memory(scale, k._ka)
            and np.shares_memory(own, k.own) and stored.shape == k._k.shape)


@numba.njit
def paired(rel: state.DensePairs
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Five of the dense pair store's arrays as a kernel sees them through its structure."""
    return rel.F, rel.last, rel.tracked, rel.cols, rel.listed


@numba.njit
def sparse_paired(rel: state.SparsePairs) -> tuple:
    """The sparse pair store's arrays as a kernel sees them through its structure: the
    records (``sparse_kernels.Pairs``' order), then the decay tables, running sums' rows
    and sums, and the prior.
    """
    return ((rel.start, rel.size, rel.room, rel.col, rel.F, rel.T, rel.last, rel.listed,
             rel.end), (rel.f_decay, rel.t_decay, rel.tracked, rel.cols), rel.prior)


def pairs_shared(rel: relations.Relations) -> bool:
    """Whether the kernels' structure of a pair store is over its arrays: the dense store's
    records' views and tie-candidate flags (or their stand-in), the sparse store's records,
    and either's running sums' rows and sums (and the sparse store's decay tables and prior).
    """
    if isinstance(rel, relations.SparseRelations):
        records, tables, prior = sparse_paired(rel.arrays)
        held = (*rel._p, rel._f_decay, rel._t_decay, rel._tracked, rel._cols)
        # (An empty array, as a new store's pool, shares no memory with anything.)
        return prior == rel.prior and all(
            seen.shape == own.shape and (own.size == 0 or np.shares_memory(seen, own))
            for seen, own in zip((*records, *tables), held, strict=True))
    fam, last, tracked, cols, listed = paired(rel.arrays)
    flags = rel._listed if rel._listed is not None else rel._no_listing
    return (np.shares_memory(fam, rel._pairs) and np.shares_memory(last, rel._pairs)
            and fam.shape == rel.F.shape and np.shares_memory(tracked, rel._tracked)
            and tracked.shape == rel._tracked.shape and np.shares_memory(cols, rel._cols)
            and cols.shape == rel._cols.shape and np.shares_memory(listed, flags)
            and listed.shape == flags.shape)


def dense_pairs(F: np.ndarray | None = None, T: np.ndarray | None = None,
                last: np.ndarray | None = None, f_decay: np.ndarray | None = None,
                t_decay: np.ndarray | None = None, prior: float = 0.0,
                tracked: np.ndarray | None = None, cols: np.ndarray | None = None,
                listed: np.ndarray | None = None) -> state.DensePairs:
    """The kernels' structure over a test's pair arrays: those not given are fresh arrays
    the test does not read (square ones of the given arrays' size; one decay factor; no
    tracked rows; no candidate listed).
    """
    given = next((x for x in (F, T, last) if x is not None), np.zeros((0, 0)))
    n = given.shape[0]
    return state.DensePairs.of(
        np.zeros((n, n)) if F is None else F, np.zeros((n, n)) if T is None else T,
        np.zeros((n, n), dtype=np.int64) if last is None else last,
        np.ones(1) if f_decay is None else f_decay, np.ones(1) if t_decay is None else t_decay,
        prior, np.zeros((2, n), dtype=bool) if tracked is None else tracked,
        np.zeros((2, 2, n)) if cols is None else cols,
        np.zeros((n, n), dtype=bool) if listed is None else listed)


def sparse_pairs(rel: relations.SparseRelations,
                 records: sparse_kernels.Pairs | None = None) -> state.SparsePairs:
    """The kernels' structure of the sparse store ``rel`` over ``records`` (a test's copies
    of its records; by default its own) and its other arrays.
    """
    return state.SparsePairs.of(*(rel._p if records is None else records), rel._f_decay,
                                rel._t_decay, rel.prior, rel._tracked, rel._cols)


def _odd_table_arrays(heading: str) -> set[str]:
    """The names in the 'array' column of the first table under ``heading`` in the ODD."""
    text = ODD.read_text(encoding="utf-8")
    lines = text[text.index(heading):].splitlines()
    first = next(k for k, line in enumerate(lines) if line.startswith("|"))
    header = [c.strip() for c in lines[first].strip("|").split("|")]
    column = header.index("array")
    names: set[str] = set()
    for line in lines[first + 2:]:
        if not line.startswith("|"):
            break  # the end of the table
        cell = line.strip("|").split("|")[column]
        names.update(re.findall(r"`([a-z_]+)`", cell))
    return names


@pytest.mark.parametrize(("heading", "fields"), [("### 2.2 Participants", state.PEOPLE),
                                                 ("### 2.1 Organisations", state.ORGANISATIONS)])
def test_the_odd_names_exactly_the_declared_arrays(heading, fields):
    assert _odd_table_arrays(heading) == {f.name for f in fields}


def test_the_structure_is_made_from_the_declared_fields_in_order():
    params = list(inspect.signature(state._new_people.py_func).parameters)
    assert params == [f.name for f in state.PEOPLE]
    assert list(state._PEOPLE_TYPE.field_dict) == params


def test_the_knowledge_structure_is_made_from_its_declared_fields_in_order():
    params = list(inspect.signature(state._new_knowledge.py_func).parameters)
    assert params == [name for name, _, _ in state.KNOWLEDGE_FIELDS]
    assert list(state._KNOWLEDGE_TYPE.field_dict) == params
    assert params == list(inspect.signature(state.KnowledgeArrays.of).parameters)


def test_the_pair_structure_is_made_from_its_declared_fields_in_order():
    params = list(inspect.signature(state._new_dense_pairs.py_func).parameters)
    assert params == [name for name, _ in state.DENSE_PAIRS_FIELDS]
    assert list(state._DENSE_PAIRS_TYPE.field_dict) == params
    assert params == list(inspect.signature(state.DensePairs.of).parameters)


def test_the_sparse_pair_structure_is_made_from_its_declared_fields_in_order():
    params = list(inspect.signature(state._new_sparse_pairs.py_func).parameters)
    assert params == [name for name, _, _ in state.SPARSE_PAIRS_FIELDS]
    assert list(state._SPARSE_PAIRS_TYPE.field_dict) == params
    assert params == list(inspect.signature(state.SparsePairs.of).parameters)
    # Its first fields are the records, in their order (the store passes them unpacked).
    assert params[: len(sparse_kernels.Pairs._fields)] == list(sparse_kernels.Pairs._fields)


def test_the_pair_structure_pickles_over_its_own_arrays():
    """A copy of the structure alone (not of its store) is over copies of the arrays."""
    rel = relations.Relations(3, 0.3, 26.0, 52.0)
    rel.set_familiarity(np.array([0]), np.array([1]), np.array([0.5]), 0)
    copied = pickle.loads(pickle.dumps(rel.arrays))
    fam, *_ = paired(copied)
    assert fam[0, 1] == 0.5 and not np.shares_memory(fam, rel._pairs)


def test_the_sparse_pair_structure_pickles_over_its_own_arrays():
    rel = relations.SparseRelations(3, 0.3, 26.0, 52.0)
    rel.set_familiarity(np.array([0]), np.array([1]), np.array([0.5]), 0)
    copied = pickle.loads(pickle.dumps(rel.arrays))
    (start, size, _, col, fam, *_), _, prior = sparse_paired(copied)
    x = start[0] + np.flatnonzero(col[start[0]: start[0] + size[0]] == 1)
    assert fam[x].tolist() == [0.5] and prior == 0.3
    assert not np.shares_memory(fam, rel._p.F)


def test_the_sparse_store_remakes_its_structure_whenever_it_replaces_an_array():
    """Set-up, a build, records moved to a larger pool, growth, a copy, and a dense store
    taken over: each time the structure is over the sparse store's own arrays.
    """
    rel = relations.SparseRelations(6, 0.3, 26.0, 52.0, tie_threshold=0.6)
    assert pairs_shared(rel)
    rel.build(6, np.array([0, 0, 1, 1, 2, 2]), np.array([0]), np.array([2]), (0.5, 0.6),
              (0.3, 0.4), 0)
    assert pairs_shared(rel)
    pool = rel._p.col
    i, j = np.repeat(np.arange(6), 6), np.tile(np.arange(6), 6)
    rel.set_trust(i, j, np.full(i.size, 0.7), 1)  # more records than the pool holds
    assert rel._p.col is not pool and pairs_shared(rel)
    rel.grow(9, 2)
    assert rel._p.start.size == 9 and rel._tracked.shape[1] == 9 and pairs_shared(rel)
    for twin in (copy.deepcopy(rel), pickle.loads(pickle.dumps(rel))):
        assert pairs_shared(twin)
        assert not np.shares_memory(sparse_paired(twin.arrays)[0][4], rel._p.F)
    dense = relations.Relations(4, 0.3, 26.0, 52.0, tie_threshold=0.6)
    dense.set_trust(np.array([0]), np.array([1]), np.array([0.7]), 0)
    taken = relations.grown_store(dense, relations.SPARSE_FROM, 1)
    assert isinstance(taken, relations.SparseRelations) and pairs_shared(taken)
    np.testing.assert_array_equal(taken.trust(np.array([0]), np.array([1]), 1),
                                  dense.trust(np.array([0]), np.array([1]), 1))


def test_growth_keeps_rows_and_empties_the_new_ones():
    arrays = state.allocate(state.PEOPLE, 4)
    arrays["commitment"][:] = [0.1, 0.2, 0.3, 0.4]
    arrays["status"][:] = 0
    arrays["strengths"][1, 2] = True
    big = state.grown(state.PEOPLE, arrays, 9)
    np.testing.assert_array_equal(big["commitment"], [0.1, 0.2, 0.3, 0.4, 0, 0, 0, 0, 0])
    assert big["strengths"].shape == (9, arrays["strengths"].shape[1]) and big["strengths"][1, 2]
    assert (big["status"][4:] == state.Status.LEFT).all() and (big["status"][:4] == 0).all()
    assert (big["last_attended"] == state.NEVER).all()
    for f in state.PEOPLE:
        assert big[f.name].dtype == f.dtype, f.name


def test_a_newcomer_starts_fresh_exactly_where_declared():
    """The seating kernel empties every field marked fresh (and only the slots seated); the
    fields it leaves alone are not marked fresh."""
    model = NetworkModel(rng=2)
    arrays = state.allocate(state.PEOPLE, 6)
    for f in state.PEOPLE:
        arrays[f.name][:] = np.logical_not(f.empty) if f.dtype is np.bool_ else 7  # not empty
    before = {name: value.copy() for name, value in arrays.items()}
    slots = np.array([2, 4])
    kernels.seat(state.People.of(arrays), slots, np.zeros(2, dtype=np.int64),
                 np.full((2, 9), 0.5), np.zeros((2, 7)), 0.5, model.org_kind, 0, 0.5, 0.5, 3,
                 *model._seat_rule)
    for f in state.PEOPLE:
        seated = arrays[f.name][slots]
        if f.fresh:
            assert (seated == f.empty).all(), f.name
        elif f.name not in _SEATING_WRITES:  # a field the seating leaves as it was
            np.testing.assert_array_equal(seated, before[f.name][slots], err_msg=f.name)
        others = [0, 1, 3, 5]
        np.testing.assert_array_equal(arrays[f.name][others], before[f.name][others],
                                      err_msg=f.name)


# What the seating writes besides the fresh record: the newcomer's traits and start.
_SEATING_WRITES = {"present", "status", "org", "role", "strengths", "lifter", "dialogue",
                   "commitment", "autonomy_base", "autonomy", "purpose", "skill_use", "resident",
                   "circle", "seated_at"}


def test_kernels_see_the_models_arrays_after_it_grows():
    # A small capacity and many recruits: the participant arrays are enlarged during the run.
    model = NetworkModel(rng=3, n_organisations=6, participants_per_organisation=3,
                         turnover_per_year=0.8, share_recruiters=0.5, recruit_rate=0.3,
                         coordination_budget_eur=3000)
    capacity = model.capacity
    model.run_for(80)
    assert model.capacity > capacity, "the run never grew; the test checks nothing"
    commitment, strengths = _seen(model.people)
    assert np.shares_memory(commitment, model.commitment)  # a kernel's writes are the model's
    assert np.shares_memory(strengths, model.strengths)
    np.testing.assert_array_equal(commitment, model.commitment)
    assert strengths.shape == (model.capacity, model.strengths.shape[1])
    # The knowledge store grew with it (rows and organisation columns): its structure too.
    assert model.knowledge._k.shape[0] == model.capacity
    assert knowledge_shared(model)
    # And the pair store (dense at this size): the structure over its grown arrays.
    assert isinstance(model.rel, relations.Relations) and model.rel.capacity == model.capacity
    assert not isinstance(model.rel, relations.SparseRelations)
    assert pairs_shared(model.rel)


@pytest.mark.parametrize("clone", [lambda m: pickle.loads(pickle.dumps(m)), copy.deepcopy],
                         ids=["pickle", "deepcopy"])
def test_a_copied_model_shares_its_arrays_with_its_structure_and_runs_on(clone):
    model = NetworkModel(rng=5)
    model.run_for(20)
    copied = clone(model)
    commitment, _ = _seen(copied.people)
    assert np.shares_memory(commitment, copied.commitment)
    assert not np.shares_memory(commitment, model.commitment)
    assert knowledge_shared(copied)
    stored, _, _ = known(copied.knowledge.arrays)
    assert not np.shares_memory(stored, model.knowledge._k)
    assert pairs_shared(copied.rel)
    assert not np.shares_memory(paired(copied.rel.arrays)[0], model.rel._pairs)
    model.run_for(30)
    copied.run_for(30)
    np.testing.assert_array_equal(copied.commitment, model.commitment)
    assert copied.outcome == model.outcome
