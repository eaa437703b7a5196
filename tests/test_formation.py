"""Batched team assembly (``model.formation.assemble_teams``): many lanes at once.

The rule itself, one team at a time, is tested in ``tests/test_docking.py``. Here: the
compiled seat loop and its plain-Python reference give identical teams; teams and
partitions are well formed; the rule's extremes (p = 0, p = 1, q = 1) show in whole
partitions; the statistics of the batched rule match a sequential transcription of the
published rule; and the network model's conversation and working groups built on it.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from model import NetworkModel, draws, formation, kernels
from model.agents import Strength
from model.formation import Teams, assemble_teams, teams_of

# Differences of means are checked to within this many standard errors.
Z_TOL = 4.5


# ---------------------------------------------------------------------------- reference
#: Where a seat's member is drawn from, or nowhere: neither incumbents nor newcomers are left.
_MATE, _INCUMBENT, _NEWCOMER = range(3)
_NOWHERE = -1


def _branch(has_mate: bool, has_incumbent: bool, has_newcomer: bool, wants_incumbent: bool,
            wants_mate: bool) -> int:
    """The rule for one seat: where its member comes from.

    Args:
        has_mate: A free incumbent is a past collaborator of a member.
        has_incumbent: A free incumbent is left.
        has_newcomer: A newcomer is left.
        wants_incumbent: The seat's draw fell below p.
        wants_mate: The seat's draw fell below q.

    Returns:
        ``_MATE``, ``_INCUMBENT``, ``_NEWCOMER`` or ``_NOWHERE``.
    """
    if has_incumbent and (wants_incumbent or not has_newcomer):
        return _MATE if wants_mate and has_mate else _INCUMBENT
    return _NEWCOMER if has_newcomer else _NOWHERE


def _seat_lists(u: np.ndarray, m: int, p: float, q: float, incumbent: np.ndarray,
                newcomer: np.ndarray, ties: np.ndarray, founders: np.ndarray | None,
                partition: bool, seats: int) -> np.ndarray:
    """The seat loop in plain Python, lane by lane: the readable reference of the compiled
    ``model.kernels.seat_teams``, which must make the same choices from the same draws.
    Ascending id lists hold the free incumbents and newcomers, a set the past collaborators
    of the team.
    """
    lanes = incumbent.shape[0]
    out = np.full((lanes, seats), -1, dtype=np.int64)
    draws = u.transpose(2, 0, 1).tolist()  # [lane][seat][draw]
    for lane in range(lanes):
        free_inc: list[int] = incumbent[lane].nonzero()[0].tolist()
        free_new: list[int] = newcomer[lane].nonzero()[0].tolist()
        free_set = set(free_inc)
        lane_ties = ties[lane]
        team: list[int] = [] if founders is None else founders[lane].tolist()
        seated = len(team)
        near: set[int] = set()
        for who in team:
            if who in free_set:
                free_set.discard(who)
                free_inc.remove(who)
            if who in free_new:
                free_new.remove(who)
            near.update(lane_ties[who].nonzero()[0].tolist())
        for s, (u_inc, u_mate, u_who) in enumerate(draws[lane], start=seated):
            if partition and s % m == 0:
                near = set()
            # The pool matters only if the draw wants a collaborator (see _branch).
            pool = sorted(near.intersection(free_set)) if u_mate < q else []
            branch = _branch(bool(pool), bool(free_inc), bool(free_new), u_inc < p, u_mate < q)
            if branch == _NOWHERE:
                break
            if branch == _NEWCOMER:
                who = free_new.pop(int(u_who * len(free_new)))
            else:
                draw_from = pool if branch == _MATE else free_inc
                who = draw_from[int(u_who * len(draw_from))]
                free_inc.remove(who)
                free_set.discard(who)
            team.append(who)
            near.update(lane_ties[who].nonzero()[0].tolist())
        out[lane, : len(team)] = team
    return out


def _lanes(rng, lanes, n, incumbents=0.6, newcomers=0.3, density=0.2):
    """Random lanes: each id an incumbent, a newcomer or absent; random directed ties."""
    kind = rng.random((lanes, n))
    incumbent = kind < incumbents
    newcomer = (kind >= incumbents) & (kind < incumbents + newcomers)
    ties = rng.random((lanes, n, n)) < density
    return incumbent, newcomer, ties


@pytest.fixture(params=["compiled", "python"])
def seat_loop(request, monkeypatch):
    """Run assemble_teams with the compiled seat loop or with its plain-Python reference."""
    if request.param == "python":
        monkeypatch.setattr(formation.kernels, "seat_teams", _reference)
    return request.param


def _reference(u, m, p, q, incumbent, newcomer, ties, founders, partition, seats):
    return _seat_lists(u, m, p, q, incumbent, newcomer, ties,
                                 founders if founders.shape[1] else None, partition, seats)


def _both_loops(monkeypatch, seed, *args, **kwargs):
    compiled = assemble_teams(np.random.default_rng(seed), *args, **kwargs)
    with monkeypatch.context() as patch:
        patch.setattr(formation.kernels, "seat_teams", _reference)
        plain = assemble_teams(np.random.default_rng(seed), *args, **kwargs)
    return compiled, plain


def test_both_seat_loops_give_identical_teams(monkeypatch):
    rng = np.random.default_rng(0)
    compared = 0
    for case in range(300):
        lanes, n, m = int(rng.integers(1, 30)), int(rng.integers(1, 40)), int(rng.integers(2, 7))
        p, q = (float(rng.choice([0.0, 1.0, rng.random()])) for _ in range(2))
        incumbent, newcomer, ties = _lanes(rng, lanes, n, *sorted(rng.random(2)),
                                           density=rng.random())
        partition = case % 2 == 0
        founders = None
        if not partition and n > 1 and case % 4 == 1:
            founders = np.full((lanes, 1), n - 1)
            incumbent[:, -1] = newcomer[:, -1] = False
        compiled, plain = _both_loops(monkeypatch, case, m, p, q, incumbent, newcomer, ties,
                                        founders=founders, partition=partition)
        np.testing.assert_array_equal(compiled, plain)
        compared += (compiled >= 0).sum()
    assert compared > 5000


def test_teams_have_distinct_available_members_founders_first(seat_loop):
    rng = np.random.default_rng(1)
    m, n = 4, 13
    incumbent, newcomer, ties = _lanes(rng, 200, n, 0.3, 0.2)
    incumbent[:, -1] = newcomer[:, -1] = False  # the founder is neither
    seats = assemble_teams(rng, m, 0.6, 0.7, incumbent, newcomer, ties,
                           founders=np.full((200, 1), n - 1))
    assert seats.shape == (200, m)
    for lane, row in enumerate(seats):
        team = row[row >= 0]
        assert team[0] == n - 1
        assert len(set(team.tolist())) == team.size
        assert (incumbent[lane] | newcomer[lane])[team[1:]].all()
        available = int((incumbent[lane] | newcomer[lane]).sum())
        assert team.size == min(m, 1 + available)
        assert (row[team.size:] == -1).all()


def test_partition_seats_everyone_once(seat_loop):
    rng = np.random.default_rng(2)
    m = 4
    incumbent, newcomer, ties = _lanes(rng, 30, 25, 0.5, 0.3)
    seats = assemble_teams(rng, m, 0.7, 0.8, incumbent, newcomer, ties, partition=True)
    people = incumbent | newcomer
    assert seats.shape == (30, people.sum(axis=1).max())
    for lane, row in enumerate(seats):
        size = int(people[lane].sum())
        assert sorted(row[:size].tolist()) == np.flatnonzero(people[lane]).tolist()
        assert (row[size:] == -1).all()
    ids = np.tile(np.arange(25) * 10, (30, 1))
    groups = teams_of(seats, ids, m)
    assert sum(g.size for g in groups) == people.sum()
    assert all(1 <= g.size <= m for g in groups)
    # Only a lane's last group may be short.
    per_lane = np.cumsum([-(-int(s) // m) for s in people.sum(axis=1)])
    last = set((per_lane - 1).tolist())
    assert all(g.size == m for i, g in enumerate(groups) if i not in last)


@pytest.mark.parametrize("p", [0.0, 1.0])
def test_partition_extremes_of_p_order_newcomers(seat_loop, p):
    """p = 1 seats all incumbents first and the newcomers last, together; p = 0 seats the
    newcomers first while they last."""
    rng = np.random.default_rng(3)
    incumbent, newcomer, ties = _lanes(rng, 40, 20, 0.5, 0.4)
    seats = assemble_teams(rng, 4, p, 0.8, incumbent, newcomer, ties, partition=True)
    for lane, row in enumerate(seats):
        row = row[row >= 0]
        is_new = newcomer[lane][row]
        first_block = is_new if p == 0.0 else ~is_new
        k = int(first_block.sum())
        assert first_block[:k].all() and not first_block[k:].any()


def test_q_one_keeps_teams_within_cliques(seat_loop):
    """Incumbents in cliques of m (ties within each clique only): with p = q = 1 every
    group of a partition is a whole clique, and a founder's team is its clique."""
    rng = np.random.default_rng(4)
    m, n, lanes = 4, 24, 20
    clique = np.arange(n) // m
    known = np.broadcast_to(clique[:, None] == clique[None, :], (lanes, n, n)).copy()
    everyone = np.ones((lanes, n), dtype=bool)
    nobody = np.zeros((lanes, n), dtype=bool)
    shuffled = np.array([rng.permutation(n) for _ in range(lanes)])
    ids = shuffled  # local id i of lane l is person shuffled[l, i]
    ties = known[0][shuffled[:, :, None], shuffled[:, None, :]]
    seats = assemble_teams(rng, m, 1.0, 1.0, everyone, nobody, ties, partition=True)
    for group in teams_of(seats, ids, m):
        assert np.unique(clique[group]).size == 1
    founder = np.zeros((lanes, 1), dtype=np.int64)
    free = everyone.copy()
    free[:, 0] = False
    seats = assemble_teams(rng, m, 1.0, 1.0, free, nobody, ties, founders=founder)
    for lane, row in enumerate(seats):
        assert np.unique(clique[ids[lane, row]]).size == 1


def _sequential(rng, m, p, q, incumbent, newcomer, ties, founders=(), partition=False):
    """The published rule as first implemented, one seat and one team at a time with
    its own draws: newcomers in random order, collaborators of the team's members."""
    free = set(np.flatnonzero(incumbent).tolist())
    fresh = rng.permutation(np.flatnonzero(newcomer)).tolist()
    teams = []
    while True:
        team = list(founders)
        while len(team) < m:
            pool = sorted(free)
            to_incumbent = bool(pool) and rng.random() < p
            if not to_incumbent and fresh:
                team.append(fresh.pop())
                continue
            if not pool:
                break
            member = None
            if team and rng.random() < q:
                mates = sorted(set(np.flatnonzero(ties[team].any(axis=0)).tolist()) & free)
                if mates:
                    member = mates[rng.integers(len(mates))]
            member = pool[rng.integers(len(pool))] if member is None else member
            team.append(member)
            free.discard(member)
        if len(team) > len(founders):
            teams.append(team)
        if not partition or len(team) <= len(founders):
            return teams


def _measures(teams, incumbent, ties, founders):
    """Per drawn seat: whether an incumbent took it, and (for incumbent seats) whether it
    went to a collaborator of a member seated before; per newcomer: its seat's index."""
    took_incumbent, repeat, newcomer_seat = [], [], []
    for lane, lane_teams in teams:
        seat = 0
        for team in lane_teams:
            for k, who in enumerate(team):
                if k < founders:
                    continue
                inc = bool(incumbent[lane, who])
                took_incumbent.append(inc)
                if inc:
                    repeat.append(bool(ties[lane, team[:k], who].any()))
                else:
                    newcomer_seat.append(seat)
                seat += 1
    return {"incumbent share": np.array(took_incumbent, dtype=float),
            "repeat share": np.array(repeat, dtype=float),
            "newcomer seat": np.array(newcomer_seat, dtype=float)}


@pytest.mark.parametrize("partition", [False, True], ids=["working groups", "partitions"])
def test_statistics_match_the_sequential_rule(partition):
    """Means over many teams of the batched rule and of a sequential transcription agree
    to within Z_TOL standard errors of their difference: the share of seats going to
    incumbents, the share of incumbent seats going to a past collaborator of a member,
    and (partitions) where newcomers sit."""
    rng = np.random.default_rng(5)
    instances, copies, m, n = 40, 50, 4, 16
    incumbent, newcomer, ties = _lanes(rng, instances, n, 0.55, 0.3, density=0.15)
    founders = ()
    if not partition:
        incumbent[:, 0] = newcomer[:, 0] = False  # local id 0 founds every team
        founders = (0,)
    p, q = 0.6, 0.7
    lanes = np.repeat(np.arange(instances), copies)

    def batched(q):
        seats = assemble_teams(rng, m, p, q, incumbent[lanes], newcomer[lanes], ties[lanes],
                               founders=np.zeros((lanes.size, 1), dtype=np.int64) if founders else None,
                               partition=partition)
        width = m if not partition else seats.shape[1]
        teams = [(lane, [row[s:s + m][row[s:s + m] >= 0].tolist() for s in range(0, width, m)])
                 for lane, row in zip(lanes, seats, strict=True)]
        return _measures(teams, incumbent, ties, len(founders))

    ours = batched(q)
    reference = [(lane, _sequential(rng, m, p, q, incumbent[lane], newcomer[lane], ties[lane],
                                    founders, partition)) for lane in lanes]
    theirs = _measures(reference, incumbent, ties, len(founders))
    for name in ours if partition else ("incumbent share", "repeat share"):
        a, b = ours[name], theirs[name]
        se = np.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
        assert abs(a.mean() - b.mean()) <= Z_TOL * se, (name, a.mean(), b.mean())
    # The comparison has power: without the preference for collaborators (q = 0) fewer
    # incumbent seats go to a collaborator of the team, by many times the tolerance above.
    a, b = ours["repeat share"], batched(0.0)["repeat share"]
    se = np.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
    assert a.mean() - b.mean() > 5 * Z_TOL * se


def test_bad_inputs_are_rejected():
    rng = np.random.default_rng(6)
    incumbent, newcomer, ties = _lanes(rng, 3, 5)
    with pytest.raises(ValueError, match="both"):
        assemble_teams(rng, 3, 0.5, 0.5, incumbent, incumbent, ties)
    with pytest.raises(ValueError, match="must be"):
        assemble_teams(rng, 3, 0.5, 0.5, incumbent, newcomer, ties[:, :4, :4])
    with pytest.raises(ValueError, match="partitions"):
        assemble_teams(rng, 3, 0.5, 0.5, incumbent, newcomer, ties,
                       founders=np.zeros((3, 1), dtype=int), partition=True)
    with pytest.raises(ValueError, match="do not fit"):
        assemble_teams(rng, 2, 0.5, 0.5, incumbent, newcomer, ties,
                       founders=np.zeros((3, 3), dtype=int))


def test_teams_of_splits_lanes_and_teams():
    seats = np.array([[2, 0, 1, -1, -1], [4, 3, 1, 0, 2]])
    ids = np.array([[10, 11, 12, 13, 14], [20, 21, 22, 23, 24]])
    got = [g.tolist() for g in teams_of(seats, ids, 2)]
    assert got == [[12, 10], [11], [24, 23], [21, 20], [22]]
    assert len(teams_of(np.full((2, 3), -1), ids, 2)) == 0


# --- the network model's groups -----------------------------------------------------------


def _meeting_model():
    """A network of several meeting circles (4 x 30 people)."""
    return NetworkModel(rng=7, n_organisations=24, participants_per_organisation=5,
                        coordination_budget_eur=7500.0)


def test_conversation_rounds_partition_every_circle():
    model = _meeting_model()
    assert model.n_circles > 1
    rounds: list[Teams] = []
    talk = model._talk

    def record(*args):
        members, bounds, per_round, i, j = talk(*args)
        # Circles as they are now: turnover later in the week may reseat a slot.
        circle = model.circle.copy()
        start = 0
        for n in per_round.tolist():
            b = bounds[start: start + n + 1]
            rounds.append((Teams(members[b[0]: b[-1]], b - b[0]), circle))
            start += n
        return members, bounds, per_round, i, j

    model._talk = record
    # The rounds as the chain forms them (tests/test_converse.py: the one call is the chain).
    model._converse_in_one_call = lambda: False
    seen = 0
    for _ in range(30):
        rounds.clear()
        model.step()
        if not rounds:
            continue
        a, at_meeting = model.meeting.attendees, rounds[0][1]
        size = np.bincount(at_meeting[a], minlength=model.n_circles)
        talking = a[size[at_meeting[a]] >= 2]
        assert len(rounds) == model.params.conversation_rounds
        for groups, circle in rounds:
            members = groups.members
            assert sorted(members.tolist()) == sorted(talking.tolist())  # everyone once
            for g in groups:
                assert np.unique(circle[g]).size == 1  # within one circle
                assert g.size <= model.params.conversation_group_size
        seen += 1
    assert seen >= 3


def test_working_groups_are_founded_by_their_initiators():
    model = _meeting_model()
    made = []
    working = model._working_groups

    def record(active, weight):
        # Who takes the initiative, drawn inside the groups' pass: its draws (the first of
        # the pass) replayed on a copy of the generator.
        rate = model.params.collaboration_rate * model._intensity()
        twin = copy.deepcopy(model.rng)  # kept while its source is in use
        initiators = kernels.drawn_initiators(
            draws.source(twin), model.people, active, model.org_time, rate,
            model._forming_rule, int(Strength.ASSEMBLER))
        groups = working(active, weight)
        made.append((initiators, active, groups))
        return groups

    model._working_groups = record
    model._collaborate_in_one_call = lambda: False  # the chain, whose groups' pass is hooked
    model.run_for(30)
    n_groups = 0
    for initiators, active, groups in made:
        founders = [g[0] for g in groups]
        assert len(set(founders)) == len(founders) and set(founders) <= set(initiators.tolist())
        # Founders keep the initiators' order.
        assert founders == [i for i in initiators.tolist() if i in set(founders)]
        for g in groups:
            assert 2 <= g.size <= model.params.working_group_size
            assert np.unique(g).size == g.size and np.isin(g, active).all()
        n_groups += len(groups)
    assert n_groups > 50
