"""Forming groups: the team-assembly rule of Guimerà et al. (2005), many groups at once.

One function, :func:`assemble_teams`, serves the network model (its working
groups and the conversation groups of its meetings, S2, S10, S24) and the
docking experiment against the published team-assembly model
(``experiments/docking.py``), so that the docking tests the model's own code
path.

Rule, seat by seat for a team of ``m``: with probability ``p`` the seat goes
to an incumbent (someone who has been on a team before), if any incumbent is
not yet seated; otherwise to a newcomer (if none is left, to an incumbent).
An incumbent is, with probability ``q``, drawn among the free incumbents who
are past collaborators of someone already on the team (if there is any),
otherwise among all free incumbents. Every draw among several people is
uniform.

Teams are formed in *lanes*. Each lane has its own people (local ids
``0..n-1``), its own incumbents, newcomers and collaborator ties, and forms
either one team (``partition=False``: a working group, a docking step) or a
partition of all its people into consecutive teams of ``m``
(``partition=True``: the conversation groups of one meeting circle, where a
group is formed only from those not yet in an earlier group). Lanes are
independent, so the seat loop runs over all lanes at once in numpy; within a
lane the seats, and in a partition the teams, follow one another as the rule
requires. Every random number is drawn up front in one call, and both ways
of running the seat loop (numpy over many lanes, or plain Python over a few,
where numpy's per-call overhead dominates) read the same numbers in the same
way, so they give identical teams: which one runs is a matter of speed only.
"""

from __future__ import annotations

import itertools

import numpy as np

#: Fewest lanes for which the seat loop runs in numpy: below it (one meeting circle, a few
#: working groups, a docking step) a numpy call per seat costs more than a Python loop over
#: the lanes (measured crossover about 10 to 15 lanes).
MIN_LANES_NUMPY = 12
#: Most people per lane for which the seat loop runs in numpy: its running counts cost
#: lanes x people**2 per seat, and beyond this the Python loop (linear in people) is faster.
MAX_PEOPLE_NUMPY = 128
#: Uniform numbers drawn per seat and lane: incumbent-or-newcomer, collaborator-or-any, whom.
_DRAWS_PER_SEAT = 3
#: Where a seat's member is drawn from (the numpy seat loop's stack of masks, in this
#: order), or nowhere: neither incumbents nor newcomers are left.
_MATE, _INCUMBENT, _NEWCOMER = range(3)
_BRANCHES = 3
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


#: ``_branch`` for every combination of its five conditions, bit i set for argument i: the
#: numpy seat loop looks the rule up for all lanes at once.
_RULE = np.array([_branch(*(bool(code >> bit & 1) for bit in range(5))) for code in range(32)])
#: Weights of the three "is left" conditions (from the masks' sizes) in a ``_RULE`` code.
_HAS_BITS = np.array([1.0, 2.0, 4.0], dtype=np.float32)
#: Weights of the two draws' conditions in a ``_RULE`` code.
_WANTS_BITS = (8, 16)


def assemble_teams(
    rng: np.random.Generator,
    m: int,
    p: float,
    q: float,
    incumbent: np.ndarray,
    newcomer: np.ndarray,
    ties: np.ndarray,
    founders: np.ndarray | None = None,
    partition: bool = False,
) -> np.ndarray:
    """Assemble teams in independent lanes with the team-assembly rule.

    Args:
        rng: The model's random generator (all randomness goes through it).
        m: Team size.
        p: Probability that a seat goes to an incumbent.
        q: Probability that an incumbent is a past collaborator of a member.
        incumbent: Bool ``(lanes, n)``: the lane's incumbents available to be seated.
        newcomer: Bool ``(lanes, n)``: the lane's newcomers available to be seated
            (disjoint from ``incumbent``); they are drawn in random order.
        ties: Bool ``(lanes, n, n)``: ``ties[l, i, j]`` says that ``j`` is a past
            collaborator of ``i`` in lane ``l``. Only free incumbents are ever drawn
            through a tie, so ties to newcomers, founders or members are harmless.
        founders: Int ``(lanes, f)`` with ``f <= m``: members seated before the first
            draw (the network model's initiator of a working group), in this order;
            they count toward ``m`` and their past collaborators are preferred from
            the first drawn seat on. Only for ``partition=False``.
        partition: Whether each lane is split into consecutive teams of ``m`` until
            all its incumbents and newcomers are seated (the last team may be
            smaller), instead of forming one team.

    Returns:
        Int ``(lanes, seats)`` of local ids, ``-1`` for a seat left empty. Without
        ``partition`` there are ``m`` seats, founders first, then in the order chosen;
        a team is shorter than ``m`` only when neither incumbents nor newcomers are
        left. With ``partition`` there are as many seats as the largest lane has
        people, each lane's seats are filled from the left, and seat ``s`` belongs to
        the lane's team ``s // m``.

    Raises:
        ValueError: If the shapes do not fit, an id is both incumbent and newcomer,
            there are more than ``m`` founders, or founders are given with ``partition``.
    """
    incumbent = np.asarray(incumbent, dtype=bool)
    newcomer = np.asarray(newcomer, dtype=bool)
    lanes, n = incumbent.shape
    if newcomer.shape != (lanes, n) or ties.shape != (lanes, n, n):
        raise ValueError(f"incumbent {incumbent.shape}, newcomer {newcomer.shape} and ties "
                         f"{ties.shape} must be (lanes, n), (lanes, n) and (lanes, n, n)")
    if (incumbent & newcomer).any():
        raise ValueError("an id cannot be both an incumbent and a newcomer")
    if founders is not None:
        founders = np.asarray(founders, dtype=np.int64).reshape(lanes, -1)
        if partition:
            raise ValueError("founders are for single teams, not for partitions")
        if founders.shape[1] > m:
            raise ValueError(f"{founders.shape[1]} founders do not fit a team of {m}")
    seats = int((incumbent | newcomer).sum(axis=1).max(initial=0)) if partition else m
    seated = 0 if founders is None else founders.shape[1]
    # All draws up front, lane-independent in shape, so both seat loops read the same numbers.
    u = rng.random((max(seats - seated, 0), _DRAWS_PER_SEAT, lanes))
    run = _seat_arrays if lanes >= MIN_LANES_NUMPY and 0 < n <= MAX_PEOPLE_NUMPY else _seat_lists
    return run(u, m, p, q, incumbent, newcomer, ties, founders, partition, seats)


def _seat_arrays(u: np.ndarray, m: int, p: float, q: float, incumbent: np.ndarray,
                 newcomer: np.ndarray, ties: np.ndarray, founders: np.ndarray | None,
                 partition: bool, seats: int) -> np.ndarray:
    """The seat loop in numpy, all lanes at once (see :func:`assemble_teams`).

    The three masks a seat can draw from (free past collaborators, free incumbents,
    free newcomers) are kept stacked as 0/1 floats, so that one product with a
    triangular matrix per seat gives the running count along every mask: its last
    column is the mask's size, and the k-th (0-based) id of a mask is the first
    where the running count exceeds k. (A cumulative sum would do the same but
    costs several times more on arrays this small.)
    """
    lanes, n = incumbent.shape
    out = np.full((lanes, seats), -1, dtype=np.int64)
    rows = np.arange(lanes)
    # Masks stacked [mate; incumbent; newcomer] and flat, so that mask b of lane l is row
    # b * lanes + l of the running counts.
    masks = np.zeros((_BRANCHES, lanes, n), dtype=np.float32)  # exact for counts below 2**24
    masks[_INCUMBENT] = incumbent
    masks[_NEWCOMER] = newcomer
    pool, free_inc = masks[_MATE], masks[_INCUMBENT]
    flat = masks.reshape(_BRANCHES * lanes, n)
    running = np.triu(np.ones((n, n), dtype=np.float32))
    links = ties.astype(np.float32)
    near = np.zeros((lanes, n), dtype=np.float32)  # past collaborators of the team's members
    wants = _WANTS_BITS[0] * (u[:, 0] < p) + _WANTS_BITS[1] * (u[:, 1] < q)
    u_who = u[:, 2]
    seated = 0
    if founders is not None:
        seated = founders.shape[1]
        out[:, :seated] = founders
        for who in founders.T:
            masks[_INCUMBENT:, rows, who] = 0.0
            np.maximum(near, links[rows, who], out=near)
    for s in range(seated, seats):
        draw = s - seated
        if partition and s % m == 0:
            near[:] = 0.0  # a new team: nobody on it yet
        np.multiply(near, free_inc, out=pool)
        ranks = flat @ running
        has = np.minimum(ranks[:, -1].reshape(_BRANCHES, lanes), 1.0)
        branch = _RULE[(_HAS_BITS @ has).astype(np.intp) + wants[draw]]
        rank = ranks[branch * lanes + rows]  # a lane with nowhere to draw from is dropped below
        # The k-th (0-based) id with k = floor(u * size) is the first whose running count
        # exceeds k, i.e. exceeds u * size (running counts are whole numbers).
        pick = (rank > (u_who[draw] * rank[:, -1])[:, None]).argmax(axis=1)
        got = branch != _NOWHERE
        if got.all():
            out[:, s] = pick
            masks[_INCUMBENT:, rows, pick] = 0.0
            np.maximum(near, links[rows, pick], out=near)
        elif got.any():
            r, pick = rows[got], pick[got]
            out[r, s] = pick
            masks[_INCUMBENT:, r, pick] = 0.0
            near[r] = np.maximum(near[r], links[r, pick])
        else:
            break
    return out


def _seat_lists(u: np.ndarray, m: int, p: float, q: float, incumbent: np.ndarray,
                newcomer: np.ndarray, ties: np.ndarray, founders: np.ndarray | None,
                partition: bool, seats: int) -> np.ndarray:
    """The seat loop in plain Python, lane by lane, with the same draws and choices as
    :func:`_seat_arrays`: ascending id lists stand in for the masks, a set for the
    collaborators of the team.
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


def teams_of(seats: np.ndarray, ids: np.ndarray, m: int) -> list[np.ndarray]:
    """The teams of :func:`assemble_teams`' seats as arrays of global ids.

    Args:
        seats: Its result, ``(lanes, seats)`` local ids with ``-1`` for empty seats.
        ids: ``(lanes, n)``: the global id of every lane's local id.
        m: Team size (seat ``s`` belongs to the lane's team ``s // m``).

    Returns:
        The non-empty teams, lane by lane and in the order formed, members in the
        order seated.
    """
    lane, seat = np.nonzero(seats >= 0)  # row-major: lane by lane, seats in order
    if lane.size == 0:
        return []
    members = ids[lane, seats[lane, seat]]
    team = lane * (-(-seats.shape[1] // m)) + seat // m
    bounds = [0, *(np.flatnonzero(team[1:] != team[:-1]) + 1).tolist(), team.size]
    # Slicing with Python ints: np.split costs several times more per piece.
    return [members[a:b] for a, b in itertools.pairwise(bounds)]
