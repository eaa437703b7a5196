"""Forming groups: the team-assembly rule of Guimerà et al. (2005), many groups at once.

One rule serves the network model (its working groups and the conversation
groups of its meetings, S2, S10, S24) and the docking experiment against the
published team-assembly model (``experiments/docking.py``), so that the docking
tests the model's own code path: :func:`assemble_teams` draws the numbers
(:func:`seat_draws`) and runs the seat loop (``model.kernels.seat_teams``); the
model draws with the same :func:`seat_draws` and runs the same seat loop inside
the compiled pass that also reads who knows whom and lists the groups' pairs
(``model.kernels.conversation_groups``, ``model.kernels.seat_working_groups``;
tests/test_kernels_encounters.py checks them against ``assemble_teams``).

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
group is formed only from those not yet in an earlier group). Within a lane
the seats, and in a partition the teams, follow one another as the rule
requires. Every random number is drawn up front in one call; the seat loop
then runs compiled (``model.kernels.seat_teams``); its plain-Python reference,
which reads the same numbers in the same way and gives identical teams, is kept
in ``tests/test_formation.py``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from model import kernels

#: Uniform numbers drawn per seat and lane: incumbent-or-newcomer, collaborator-or-any, whom.
_DRAWS_PER_SEAT = 3


def seat_draws(rng: np.random.Generator, seats: int, lanes: int) -> np.ndarray:
    """The uniforms :func:`assemble_teams` draws for ``seats`` seats to fill in each of
    ``lanes`` lanes (none if ``seats`` is not positive), in one call: ``(seats, 3, lanes)``,
    per seat incumbent-or-newcomer, collaborator-or-any and whom.

    All draws come up front, lane-independent in shape, so that both seat loops (the
    compiled one and its reference) read the same numbers; the network model draws them
    here too where it calls the seat loop inside a larger compiled pass
    (``model.kernels.conversation_groups``, ``model.kernels.seat_working_groups``).
    """
    return rng.random((max(seats, 0), _DRAWS_PER_SEAT, lanes))


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
    u = seat_draws(rng, seats - seated, lanes)
    if n == 0:
        return np.full((lanes, seats), -1, dtype=np.int64)
    return kernels.seat_teams(u, m, p, q, incumbent, newcomer, np.asarray(ties, dtype=bool),
                              np.zeros((lanes, 0), dtype=np.int64) if founders is None
                              else founders, partition, seats)


@dataclass(frozen=True)
class Teams:
    """Teams as one flat array: team ``t`` is ``members[bounds[t]:bounds[t + 1]]``.

    Iterating gives each team's members as an array, in order.
    """

    members: np.ndarray
    bounds: np.ndarray

    @classmethod
    def empty(cls) -> Teams:
        """No teams."""
        return cls(np.empty(0, dtype=np.int64), np.zeros(1, dtype=np.int64))

    def __len__(self) -> int:
        return self.bounds.size - 1

    def __iter__(self) -> Iterator[np.ndarray]:
        b = self.bounds.tolist()
        return (self.members[x:y] for x, y in itertools.pairwise(b))

    @property
    def sizes(self) -> np.ndarray:
        """Members of each team."""
        return np.diff(self.bounds)

    @classmethod
    def with_pairs(cls, members: np.ndarray, bounds: np.ndarray,
                   pairs: tuple[np.ndarray, np.ndarray, np.ndarray]) -> Teams:
        """Teams whose ordered pairs are known already (as ``pairs`` would give them)."""
        teams = cls(members, bounds)
        teams.__dict__["pairs"] = pairs  # the cached property's slot
        return teams

    @cached_property
    def pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All ordered pairs (i, j) within each team with the team's index g: member by
        member, its partners in team order.
        """
        return kernels.team_pairs(self.members, self.bounds)

    def members_of(self, which: np.ndarray) -> np.ndarray:
        """The members of teams ``which`` (ascending team indices), team after team."""
        sizes = self.sizes[which]
        starts = np.repeat(self.bounds[which] - (np.cumsum(sizes) - sizes), sizes)
        return self.members[starts + np.arange(sizes.sum())]


def teams_of(seats: np.ndarray, ids: np.ndarray, m: int) -> Teams:
    """The teams of :func:`assemble_teams`' seats, with global ids.

    Args:
        seats: Its result, ``(lanes, seats)`` local ids with ``-1`` for empty seats.
        ids: ``(lanes, n)``: the global id of every lane's local id.
        m: Team size (seat ``s`` belongs to the lane's team ``s // m``).

    Returns:
        The non-empty teams, lane by lane and in the order formed, members in the
        order seated.
    """
    members, bounds = kernels.gather_teams(seats, np.asarray(ids, dtype=np.int64), m)
    return Teams(members, bounds)
