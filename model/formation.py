"""Forming working groups: the team-assembly rule of Guimerà et al. (2005).

One function serves both the network model (its working groups, S2, S10,
S24) and the docking experiment against the published team-assembly model
(``experiments/docking.py``), so that the docking tests the model's own code
path.

Rule, seat by seat for a team of ``m``: with probability ``p`` the seat goes
to an incumbent (someone who has been on a team before), if any incumbent is
not yet on the team; otherwise to a newcomer. An incumbent is, with
probability ``q``, drawn among the past collaborators of those already on the
team (if any of them is not on it yet), otherwise among all incumbents.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

_SMALL = 64  # pools up to this size are handled as Python lists (less per-call overhead)


def assemble_team(
    rng: np.random.Generator,
    m: int,
    p: float,
    q: float,
    incumbents: np.ndarray,
    collaborators_of: Callable[[list[int]], np.ndarray],
    new_member: Callable[[], int | None],
    founders: Sequence[int] = (),
) -> list[int]:
    """Assemble one team of at most ``m`` members.

    Args:
        rng: The model's random generator (all randomness goes through it).
        m: Team size.
        p: Probability that a seat goes to an incumbent.
        q: Probability that an incumbent is a past collaborator of a member.
        incumbents: Ids of the incumbents available for this team.
        collaborators_of: Given the current members, the ids of their past
            collaborators. Only those in ``incumbents`` and not on the team are
            drawn, each with equal chance (repeats and other ids are ignored).
        new_member: Returns a newcomer's id, or ``None`` when no newcomer is
            available (the seat then goes to an incumbent if one is left).
        founders: Members already on the team before the first seat is filled
            (the network model's initiator of a working group); they count
            toward ``m`` and their past collaborators are preferred from the
            first seat on. The docking experiment starts with none.

    Returns:
        The member ids, founders first, then in the order chosen; shorter than ``m`` only
        when neither incumbents nor newcomers are left.
    """
    team: list[int] = list(founders)
    # Small pools (a meeting circle, a working group's candidates) are faster as Python lists;
    # both forms give the same draws.
    ids: Sequence[int] = incumbents.tolist() if len(incumbents) <= _SMALL else incumbents
    for _ in range(m - len(team)):
        free = _without(ids, team)
        choose_incumbent = len(free) > 0 and rng.random() < p
        member: int | None = None
        if not choose_incumbent:
            member = new_member()
            if member is None and len(free) > 0:
                choose_incumbent = True
        if choose_incumbent:
            member = _pick_incumbent(rng, q, team, free, collaborators_of)
        if member is None:
            break
        team.append(member)
    return team


def _pick_incumbent(
    rng: np.random.Generator,
    q: float,
    team: list[int],
    free: Sequence[int],
    collaborators_of: Callable[[list[int]], np.ndarray],
) -> int:
    if team and rng.random() < q:
        # Unique, sorted, and only the free incumbents: duplicates would bias
        # the draw, and the rule draws among incumbents not yet on the team.
        mates = collaborators_of(team)
        pool = (sorted(set(np.asarray(mates).tolist()).intersection(free)) if isinstance(free, list)
                else np.intersect1d(mates, free))
        if len(pool) > 0:
            return int(pool[rng.integers(len(pool))])
    return int(free[rng.integers(len(free))])


def _without(ids: Sequence[int], team: list[int]) -> Sequence[int]:
    """``ids`` minus the team's members, order kept (a team has few members)."""
    if not team:
        return ids
    if isinstance(ids, list):
        return [x for x in ids if x not in team]
    keep = np.ones(ids.shape, dtype=bool)
    for member in team:
        keep &= ids != member
    return ids[keep]
