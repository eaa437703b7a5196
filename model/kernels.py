"""Inner loops compiled with numba: the few places where the model's work is a loop
over seats or pairs too fine-grained for whole-array numpy calls.

Each kernel is a plain loop over numpy arrays, with no randomness of its own
(random numbers are drawn by the caller from the model's generator and passed
in) and no model rules beyond what its docstring states; each has a reference
in plain Python or numpy that the tests compare it with. Compiled code is
cached next to this file (``cache=True``), so only the first use on a machine
pays for compilation.
"""

from __future__ import annotations

import numba
import numpy as np

_jit = numba.njit(cache=True, nogil=True)


@_jit
def _kth(flags: np.ndarray, also: np.ndarray | None, k: int) -> int:
    """Position of the k-th (0-based) entry set in ``flags`` (and in ``also``, if given)."""
    for x in range(flags.size):
        if flags[x] and (also is None or also[x]):
            if k == 0:
                return x
            k -= 1
    return -1


@_jit
def seat_teams(u: np.ndarray, m: int, p: float, q: float, incumbent: np.ndarray,
               newcomer: np.ndarray, ties: np.ndarray, founders: np.ndarray, partition: bool,
               seats: int) -> np.ndarray:
    """The seat loop of ``model.formation.assemble_teams``, lane by lane.

    The same rule, draws and result as ``formation._seat_lists`` (its reference):
    flags over a lane's ids stand in for its ascending id lists, so the k-th free
    incumbent, newcomer or past collaborator is the k-th flag set.

    Args:
        u: Draws ``(seats drawn, 3, lanes)``: incumbent-or-newcomer, collaborator-or-any, whom.
        m: Team size.
        p: Probability that a seat goes to an incumbent.
        q: Probability that an incumbent is a past collaborator of a member.
        incumbent: Bool ``(lanes, n)``.
        newcomer: Bool ``(lanes, n)``, disjoint from ``incumbent``.
        ties: Bool ``(lanes, n, n)``.
        founders: Int ``(lanes, f)``, ``f`` may be 0.
        partition: Whether each lane is split into consecutive teams of ``m``.
        seats: Columns of the result.

    Returns:
        Int ``(lanes, seats)`` of local ids, ``-1`` for an empty seat.
    """
    lanes, n = incumbent.shape
    out = np.full((lanes, seats), -1, dtype=np.int64)
    free_inc = np.empty(n, dtype=np.bool_)
    free_new = np.empty(n, dtype=np.bool_)
    near = np.empty(n, dtype=np.bool_)  # past collaborators of the team's members
    seated = founders.shape[1]
    for lane in range(lanes):
        free_inc[:] = incumbent[lane]
        free_new[:] = newcomer[lane]
        near[:] = False
        n_inc = int(free_inc.sum())
        n_new = int(free_new.sum())
        for f in range(seated):
            who = founders[lane, f]
            out[lane, f] = who
            if free_inc[who]:
                free_inc[who] = False
                n_inc -= 1
            if free_new[who]:
                free_new[who] = False
                n_new -= 1
            near |= ties[lane, who]
        for d in range(u.shape[0]):
            s = seated + d
            if partition and s % m == 0:
                near[:] = False  # a new team: nobody on it yet
            wants_inc = u[d, 0, lane] < p
            wants_mate = u[d, 1, lane] < q
            if n_inc > 0 and (wants_inc or n_new == 0):
                n_pool = int((near & free_inc).sum()) if wants_mate else 0
                if n_pool > 0:
                    who = _kth(free_inc, near, int(u[d, 2, lane] * n_pool))
                else:
                    who = _kth(free_inc, None, int(u[d, 2, lane] * n_inc))
                free_inc[who] = False
                n_inc -= 1
            elif n_new > 0:
                who = _kth(free_new, None, int(u[d, 2, lane] * n_new))
                free_new[who] = False
                n_new -= 1
            else:
                break
            out[lane, s] = who
            near |= ties[lane, who]
    return out
