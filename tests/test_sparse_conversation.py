"""The sparse store's conversation groups (``sparse_kernels.conversation_groups``) against the
former form of the chain, kept here as the reference: a float block of every lane's current
familiarity compared with the acquaintance threshold, then ``kernels.partition_groups``.

The kernel now reads who knows whom straight into a bool block while walking each
attendee's row (``sparse_kernels.known_blocks``; wide circles' rows looked up in the
circle, narrow ones merged with it); the reference reads every entry's
familiarity pair by pair (``SparseRelations.block``: a search per pair, not a walk), so the
two share no code that reads the store. Every round of seeded runs on sparse stores,
lanes as the model makes them (circles of unequal sizes, so padded lanes too), must give
the same groups and pairs, array for array.
"""

from __future__ import annotations

import numpy as np
import pytest

import model.relations as relations
from model import NetworkModel, kernels, sparse_kernels, state
from model.relations import SparseRelations


def _former_groups(rel: SparseRelations, ids: np.ndarray, present: np.ndarray,
                   first: np.ndarray, acquaintance: float, u: np.ndarray, m: int,
                   p_incumbent: float, q: float, now: int
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The former chain: the familiarity block of each lane (float), compared with the
    threshold, partitioned by the team-assembly rule.
    """
    fam = np.zeros((ids.shape[0], ids.shape[1], ids.shape[1]))
    for lane, row in enumerate(ids):
        fam[lane] = rel.block(row, row, now)[0]
    return kernels.partition_groups(fam >= acquaintance, ids, present, first, u, m,
                                    p_incumbent, q)


# Sparse networks whose meetings split into circles of unequal sizes (padded lanes), with
# growth and turnover, and an acquaintance threshold of 0 (strangers know each other).
RUNS = {
    "circles": (21, {"n_organisations": 9, "participants_per_organisation": 7,
                     "max_meeting_size": 13}),
    "growth_and_turnover": (3, {"n_organisations": 6, "participants_per_organisation": 3,
                                "max_participants": 120, "turnover_per_year": 0.8,
                                "share_recruiters": 0.5, "recruit_rate": 0.3,
                                "coordination_budget_eur": 3000, "max_meeting_size": 9}),
    "everyone_acquainted": (5, {"n_organisations": 5, "participants_per_organisation": 6,
                                "max_meeting_size": 8, "acquaintance_threshold": 0.0}),
    "one_wide_circle": (8, {"n_organisations": 10, "participants_per_organisation": 9,
                            "max_meeting_size": 200}),
}
#: The cases whose circles are wide enough for the lookup walk (``LOOKUP_FROM``).
WIDE = {"one_wide_circle"}


@pytest.mark.parametrize("case", sorted(RUNS))
def test_sparse_groups_match_the_former_chain(case: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    seed, overrides = RUNS[case]
    monkeypatch.setattr(relations, "SPARSE_FROM", 0)
    m = NetworkModel(rng=seed, **overrides)
    assert isinstance(m.rel, SparseRelations)
    kernel = sparse_kernels.conversation_groups
    lanes_seen = padded_seen = widest = 0

    def checked(rel: state.SparsePairs, ids: np.ndarray, present: np.ndarray,
                first: np.ndarray, acquaintance: float, u: np.ndarray, m_: int,
                p_incumbent: float, q: float, now: int
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        nonlocal lanes_seen, padded_seen, widest
        got = kernel(rel, ids, present, first, acquaintance, u, m_, p_incumbent, q, now)
        want = _former_groups(m.rel, ids, present, first, acquaintance, u, m_, p_incumbent,
                              q, now)
        for a, b in zip(got, want, strict=True):
            np.testing.assert_array_equal(a, b)
            assert a.dtype == b.dtype
        lanes_seen += ids.shape[0]
        padded_seen += int((~present).any(axis=1).sum())
        widest = max(widest, int(present.sum(axis=1).max()))
        return got

    monkeypatch.setattr(sparse_kernels, "conversation_groups", checked)
    m.run_for(60)
    if case in WIDE:  # a circle wide enough to be looked up
        assert widest >= sparse_kernels.LOOKUP_FROM
    else:
        assert lanes_seen > 10 and padded_seen > 0  # several circles, some padded


@pytest.mark.parametrize("acquaintance", [0.15, 0.0, 0.6])
def test_known_blocks_are_the_familiarity_blocks_compared(acquaintance: float) -> None:
    """Lanes as the model makes them (ascending, padded), lanes of any order, one-person
    lanes and none: ``known_blocks`` is ``familiarity_blocks >= acquaintance``, bool.
    """
    rng = np.random.default_rng(7)
    cap = 60
    rel = SparseRelations(cap, 0.15, 9.0, 13.0, tie_threshold=0.4)
    for now in range(1, 12):
        i, j = rng.integers(cap, size=300), rng.integers(cap, size=300)
        rel.settle(i, j, now)
        rel.set_familiarity(i, j, rng.random(i.size), now)
    lanes = np.sort(np.stack([rng.choice(cap, 20, replace=False) for _ in range(3)]), axis=1)
    lanes[1, 12:] = lanes[1, 0]
    wide = np.sort(np.stack([rng.choice(cap, 50, replace=False) for _ in range(2)]), axis=1)
    wide[1, 45:] = wide[1, 0]
    shuffled = np.stack([rng.permutation(cap)[:20] for _ in range(2)])
    for ids in (lanes, wide, shuffled, np.concatenate([shuffled, lanes]), lanes[:, :1],
                lanes[:0]):
        want = sparse_kernels.familiarity_blocks(rel.arrays, ids, 14) >= acquaintance
        got = sparse_kernels.known_blocks(rel.arrays, ids, acquaintance, 14)
        assert got.dtype == np.bool_
        np.testing.assert_array_equal(got, want)
