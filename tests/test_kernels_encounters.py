"""The fused kernels of the encounter processes (converse, collaborate) against the chains
of numpy steps and smaller kernels they replace.

Each fused kernel (``model/kernels.py``, section "encounter passes") must return what its
chain returned: the former numpy glue kept here, around the smaller kernels (whose own
references are in tests/test_kernels.py and tests/test_formation.py) and
``model.formation.assemble_teams`` drawing from a generator seeded the same way. Random
cases include empty inputs; the sparse forms are checked against the dense ones in
tests/test_sparse.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from model import kernels
from model.formation import Teams, assemble_teams, seat_draws, teams_of

CAP = 40
HORIZON = 50


def _familiarity(rng):
    """A symmetric familiarity store (F, last) with its decay table, many pairs below 0.3."""
    F = rng.random((CAP, CAP)) ** 3
    last = rng.integers(0, 2 * HORIZON, size=(CAP, CAP)).astype(np.int32)
    F, last = np.triu(F) + np.triu(F, 1).T, np.triu(last) + np.triu(last, 1).T
    return F, last, 0.5 ** (np.arange(HORIZON + 1) / 7.0)


def _same(got, want):
    assert len(got) == len(want)
    for a, b in zip(got, want, strict=True):
        np.testing.assert_array_equal(a, b)
        assert np.asarray(a).dtype == np.asarray(b).dtype


# ---------------------------------------------------------------- converse


def _circle_lanes_reference(attendees, circle_of, n_circles, met):
    """The former numpy form of ``NetworkModel._circle_lanes``, and the first-timers."""
    circle = circle_of[attendees]
    order = np.argsort(circle, kind="stable")
    size = np.bincount(circle, minlength=n_circles)
    talking = np.flatnonzero(size >= 2)
    if talking.size == 0:
        empty = np.empty((0, 0), dtype=bool)
        return np.empty((0, 0), dtype=np.int64), empty, empty
    start = np.cumsum(size) - size
    width = int(size[talking].max())
    col = np.arange(width)
    present = col[None, :] < size[talking, None]
    where = start[talking, None] + np.where(present, col[None, :], 0)
    ids = attendees[order][where]
    return ids, present, ~met[ids] & present


@pytest.mark.parametrize("seed", range(6))
def test_circle_lanes_match_the_former_numpy(seed):
    rng = np.random.default_rng(seed)
    n_circles = int(rng.integers(1, 6))
    circle = rng.integers(0, n_circles, CAP)
    met = rng.random(CAP) < 0.6
    for n in (0, 1, 2, 7, CAP):
        attendees = np.sort(rng.choice(CAP, n, replace=False)).astype(np.int64)
        got = kernels.circle_lanes(attendees, circle, n_circles, met)
        _same(got, _circle_lanes_reference(attendees, circle, n_circles, met))


def _conversation_reference(rng, F, last, fd, ids, present, first, acq, m, p, q, now):
    """The former chain of ``NetworkModel._conversation_groups``: the familiarity blocks,
    ``assemble_teams`` (its own draws) and ``teams_of``, then the groups' pairs.
    """
    known = kernels.familiarity_blocks(F, last, fd, ids, now) >= acq
    seats = assemble_teams(rng, m, p, q, present & ~first, first, known, partition=True)
    groups = teams_of(seats, ids, m)
    return (groups.members, groups.bounds, *groups.pairs)


@pytest.mark.parametrize("seed", range(6))
def test_conversation_groups_match_the_former_chain(seed):
    rng = np.random.default_rng(seed)
    F, last, fd = _familiarity(rng)
    circle = rng.integers(0, 3, CAP)
    met = rng.random(CAP) < 0.6
    now = 2 * HORIZON + 5
    for n in (2, 5, 17, CAP):
        attendees = np.sort(rng.choice(CAP, n, replace=False)).astype(np.int64)
        ids, present, first = kernels.circle_lanes(attendees, circle, 3, met)
        if ids.size == 0:
            continue
        m, p, q = int(rng.integers(2, 5)), rng.random(), rng.random()
        draw = int(rng.integers(2**32))
        u = seat_draws(np.random.default_rng(draw), ids.shape[1], ids.shape[0])
        got = kernels.conversation_groups(F, last, fd, ids, present, first, 0.1, u, m, p, q, now)
        want = _conversation_reference(np.random.default_rng(draw), F, last, fd, ids, present,
                                       first, 0.1, m, p, q, now)
        _same(got, want)
        assert got[0].size == present.sum()  # everyone talks once a round


def test_conversation_groups_of_no_circles_are_empty():
    F, last, fd = _familiarity(np.random.default_rng(0))
    none = np.zeros((0, 0), dtype=bool)
    got = kernels.conversation_groups(F, last, fd, np.zeros((0, 0), dtype=np.int64), none, none,
                                      0.1, np.zeros((0, 3, 0)), 3, 0.5, 0.5, 7)
    assert all(a.size == 0 for a in (got[0], *got[2:])) and got[1].tolist() == [0]


# ---------------------------------------------------------------- collaborate


@pytest.mark.parametrize("seed", range(5))
def test_initiators_are_the_draws_below_the_initiative(seed):
    rng = np.random.default_rng(seed)
    org, org_time = rng.integers(0, 6, CAP), rng.random(6) * 12
    week_hours, commitment = rng.random(CAP) * 4, rng.random(CAP)
    strengths = rng.random((CAP, 8)) < 0.3
    for n in (0, 1, 25):
        active = np.sort(rng.permutation(CAP)[:n]).astype(np.int64)
        u = rng.random(n)
        rate = kernels.initiative(active, org, org_time, 4.345, 0.25, week_hours, commitment,
                                  strengths[:, 4], 1.5, 0.9, 1.7)
        got = kernels.initiators(active, u, org, org_time, 4.345, 0.25, week_hours, commitment,
                                 strengths, 4, 1.5, 0.9, 1.7)
        _same((got,), (active[u < rate],))


def _lanes_reference(F, last, fd, initiators, active, weight, org, resident, factor, u,
                     collaborated, acq, collab, now):
    """The former chain of ``NetworkModel._working_groups`` up to the lanes."""
    cand = active[kernels.partner_draws(initiators, active, weight, org, resident, factor, u)]
    lanes, incumbent, newcomer, ties = kernels.candidate_lanes(F, last, fd, initiators, cand,
                                                               collaborated, acq, collab, now)
    return incumbent, newcomer, ties, np.hstack([cand[lanes], initiators[lanes, None]])


def _working_groups_reference(rng, m, p, q, incumbent, newcomer, ties, ids):
    """The former chain: ``assemble_teams`` founded by the initiators, ``teams_of``, pairs."""
    if ids.shape[0] == 0:
        groups = Teams.empty()  # no lanes: no groups (and no draws)
    else:
        seats = assemble_teams(rng, m, p, q, incumbent, newcomer, ties,
                               founders=np.full((ids.shape[0], 1), ids.shape[1] - 1))
        groups = teams_of(seats, ids, m)
    return (groups.members, groups.bounds, *groups.pairs)


@pytest.mark.parametrize("seed", range(6))
def test_working_group_lanes_and_groups_match_the_former_chain(seed):
    rng = np.random.default_rng(seed)
    F, last, fd = _familiarity(rng)
    org = rng.integers(0, 5, CAP)
    resident = rng.random(CAP) < 0.3
    collaborated = rng.random(CAP) < 0.5
    now = 2 * HORIZON + 5
    formed = 0
    for n_init in (0, 1, 9):
        active = np.sort(rng.choice(CAP, int(rng.integers(10, CAP)), replace=False))
        initiators = rng.choice(active, n_init, replace=False).astype(np.int64)
        weight = (1.0 + rng.integers(0, 6, active.size)) ** 0.7
        factor = np.exp(-1.5 * np.array([0.0, 0.4, 1.0]))
        k = int(rng.integers(1, 10))
        u = rng.random((n_init, k))
        args = (initiators, active, weight, org, resident, factor, u, collaborated, 0.02, 0.1, now)
        lanes = kernels.working_group_lanes(F, last, fd, *args)
        _same(lanes, _lanes_reference(F, last, fd, *args))
        m, p, q = int(rng.integers(2, 6)), rng.random(), rng.random()
        draw = int(rng.integers(2**32))
        got = kernels.working_groups(seat_draws(np.random.default_rng(draw), m - 1,
                                                lanes[3].shape[0]), m, p, q, *lanes)
        _same(got, _working_groups_reference(np.random.default_rng(draw), m, p, q, *lanes))
        formed += got[1].size - 1
    assert formed > 0


@pytest.mark.parametrize("seed", range(5))
def test_idea_chances_match_the_former_numpy(seed):
    rng = np.random.default_rng(seed)
    org = rng.integers(0, 4, CAP)
    resident = rng.random(CAP) < 0.2
    for sizes in ([], [2, 3, 2, 5, 4]):
        bounds = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        members = rng.permutation(CAP)[: bounds[-1]].astype(np.int64)
        i, j, g = kernels.team_pairs(members, bounds)
        n = bounds.size - 1
        trust, atm = rng.random(i.size), rng.random(n)
        dist, mean_trust, _ = kernels.group_means(i, j, g, n, trust, org, resident, 0.9, 0.5)
        want = np.minimum(0.6 * dist * mean_trust * atm, 1.0)
        got = kernels.idea_chances(i, j, g, n, trust, org, resident, 0.9, 0.5, atm, 0.6)
        _same((got,), (want,))


@pytest.mark.parametrize("seed", range(4))
def test_purpose_factor_matches_the_former_numpy(seed):
    rng = np.random.default_rng(seed)
    org = rng.integers(0, 4, CAP)
    resident = rng.random(CAP) < 0.2
    role = rng.integers(0, 3, CAP).astype(np.int8)
    for n in (0, 30):
        i, j = rng.integers(0, CAP, n), rng.integers(0, CAP, n)
        want = {
            kernels.FACTOR_NONE: np.zeros(0),
            kernels.FACTOR_DISTANCE: kernels.distances(i, j, org, resident, 0.9, 0.5),
            kernels.FACTOR_SEEKER: ((role[i] == 2) & (role[j] != 2)).astype(float),
            kernels.FACTOR_OTHER_ORG: (org[i] != org[j]).astype(float),
        }
        for kind, factor in want.items():
            got = kernels.purpose_factor(kind, i, j, org, resident, role, 2, 0.9, 0.5)
            _same((got,), (factor,))


def _written_bound_reference(written, i, j):
    """The former ``Relations.encounter`` glue: two numpy reductions and a Python max."""
    if i.size:
        written = max(written, int(i.max()) + 1, int(j.max()) + 1)
    return written


@pytest.mark.parametrize("seed", range(5))
def test_written_bound_matches_the_former_numpy(seed):
    rng = np.random.default_rng(seed)
    for n in (0, 1, 30):
        i, j = rng.integers(0, CAP, n), rng.integers(0, CAP, n)
        for written in (0, CAP // 2, CAP, CAP + 7):
            got = kernels.written_bound(written, i, j)
            assert got == _written_bound_reference(written, i, j)
            assert type(got) is int


def test_teams_with_pairs_keep_the_pairs_given():
    members, bounds = np.arange(7, dtype=np.int64), np.array([0, 3, 7])
    pairs = kernels.team_pairs(members, bounds)
    teams = Teams.with_pairs(members, bounds, pairs)
    assert teams.pairs is pairs
    _same(teams.pairs, Teams(members, bounds).pairs)
