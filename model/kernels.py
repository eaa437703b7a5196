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


# ---------------------------------------------------------------- pair store
# The relations' square arrays F (familiarity), T (trust of row in column) and last (week
# of the last touch) are read and written pair by pair here, in one pass over the pairs:
# the same arithmetic as the numpy expressions in ``model.relations.Relations`` that they
# replace, so results are identical. Decay factors are tabulated by gap in weeks; gaps
# beyond the table use its last entry.


@_jit
def settle_pairs(F: np.ndarray, T: np.ndarray, last: np.ndarray, f_decay: np.ndarray,
                 t_decay: np.ndarray, prior: float, i: np.ndarray, j: np.ndarray,
                 now: int) -> tuple[np.ndarray, np.ndarray]:
    """Apply each pair's elapsed decay, mark it touched now, and return its familiarity
    and trust (a pair listed twice is settled once: its second gap is 0).
    """
    horizon = f_decay.size - 1
    fam = np.empty(i.size)
    trust = np.empty(i.size)
    for k in range(i.size):
        a, b = i[k], j[k]
        gap = min(now - last[a, b], horizon)
        f = F[a, b] * f_decay[gap]
        t = prior + (T[a, b] - prior) * t_decay[gap]
        F[a, b] = f
        T[a, b] = t
        last[a, b] = now
        fam[k] = f
        trust[k] = t
    return fam, trust


@_jit
def current_familiarity(F: np.ndarray, last: np.ndarray, f_decay: np.ndarray, i: np.ndarray,
                        j: np.ndarray, now: int) -> np.ndarray:
    """Familiarity of pairs (i, j) now, without changing the store."""
    horizon = f_decay.size - 1
    fam = np.empty(i.size)
    for k in range(i.size):
        fam[k] = F[i[k], j[k]] * f_decay[min(now - last[i[k], j[k]], horizon)]
    return fam


@_jit
def familiarity_blocks(F: np.ndarray, last: np.ndarray, f_decay: np.ndarray, ids: np.ndarray,
                       now: int) -> np.ndarray:
    """Familiarity now among each row's people: ``out[l, x, y]`` of ``ids[l, x]`` with
    ``ids[l, y]`` (``ids`` is ``(lanes, n)``).
    """
    horizon = f_decay.size - 1
    lanes, n = ids.shape
    out = np.empty((lanes, n, n))
    for lane in range(lanes):
        for x in range(n):
            a = ids[lane, x]
            for y in range(n):
                b = ids[lane, y]
                out[lane, x, y] = F[a, b] * f_decay[min(now - last[a, b], horizon)]
    return out


@_jit
def store_pairs(arr: np.ndarray, i: np.ndarray, j: np.ndarray, values: np.ndarray,
                tracked: np.ndarray, col_sums: np.ndarray) -> np.ndarray:
    """``arr[i, j] = values`` pair by pair (a repeated pair keeps its last value), adding
    each change to ``col_sums[j]`` where row i is tracked and i != j; returns the values
    stored at the end, pair by pair.
    """
    for k in range(i.size):
        a, b = i[k], j[k]
        if tracked[a] and a != b:
            col_sums[b] += values[k] - arr[a, b]
        arr[a, b] = values[k]
    stored = np.empty(i.size)
    for k in range(i.size):
        stored[k] = arr[i[k], j[k]]
    return stored


@_jit
def list_new(listed: np.ndarray, i: np.ndarray, j: np.ndarray, values: np.ndarray,
             floor: float) -> np.ndarray:
    """Flag and return (as flat indices ``i * width + j``, in order) the pairs i != j whose
    value reaches ``floor`` and that were not flagged in ``listed`` yet.
    """
    width = listed.shape[1]
    new = np.empty(i.size, dtype=np.int64)
    count = 0
    for k in range(i.size):
        a, b = i[k], j[k]
        if values[k] >= floor and a != b and not listed[a, b]:
            listed[a, b] = True
            new[count] = a * width + b
            count += 1
    return new[:count]


# ---------------------------------------------------------------- groups


@_jit
def team_pairs(members: np.ndarray, bounds: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All ordered pairs within each team (team t is ``members[bounds[t]:bounds[t + 1]]``):
    member by member, its partners in team order; with each pair's team.
    """
    total = 0
    for t in range(bounds.size - 1):
        size = bounds[t + 1] - bounds[t]
        total += size * (size - 1)
    i = np.empty(total, dtype=np.int64)
    j = np.empty(total, dtype=np.int64)
    g = np.empty(total, dtype=np.int64)
    k = 0
    for t in range(bounds.size - 1):
        for x in range(bounds[t], bounds[t + 1]):
            for y in range(bounds[t], bounds[t + 1]):
                if x != y:
                    i[k] = members[x]
                    j[k] = members[y]
                    g[k] = t
                    k += 1
    return i, j, g


@_jit
def gather_teams(seats: np.ndarray, ids: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """The teams of ``assemble_teams``' seats as global ids, flat with team bounds.

    Seat ``s`` of a lane belongs to the lane's team ``s // m``; empty seats (``-1``) are
    skipped and empty teams dropped; teams lane by lane, members in the order seated.
    """
    lanes, width = seats.shape
    members = np.empty(lanes * width, dtype=np.int64)
    bounds = np.empty(lanes * width + 1, dtype=np.int64)
    count = 0
    teams = 0
    bounds[0] = 0
    for lane in range(lanes):
        for start in range(0, width, m):
            before = count
            for s in range(start, min(start + m, width)):
                if seats[lane, s] >= 0:
                    members[count] = ids[lane, seats[lane, s]]
                    count += 1
            if count > before:
                teams += 1
                bounds[teams] = count
    return members[:count], bounds[: teams + 1]


@_jit
def trusts_any(T: np.ndarray, last: np.ndarray, t_decay: np.ndarray, prior: float,
               who: np.ndarray, which: np.ndarray, people: np.ndarray, bounds: np.ndarray,
               threshold: float, now: int) -> np.ndarray:
    """Whether ``who[k]`` trusts anyone of group ``which[k]`` (group g is
    ``people[bounds[g]:bounds[g + 1]]``) at least ``threshold`` now.
    """
    horizon = t_decay.size - 1
    out = np.zeros(who.size, dtype=np.bool_)
    for k in range(who.size):
        a = who[k]
        for x in range(bounds[which[k]], bounds[which[k] + 1]):
            b = people[x]
            if prior + (T[a, b] - prior) * t_decay[min(now - last[a, b], horizon)] >= threshold:
                out[k] = True
                break
    return out
