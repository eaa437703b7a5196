"""Compiled reference forms the model's kernels are checked against, kept for the tests only.

The model no longer calls these: its working groups read the lanes' ties by the seats that
need them (``kernels.seat_working_groups``, ``sparse_kernels.seat_working_groups``), and
these build every lane's full ties, as the working groups were formed before. Compiled
(numba) because the seat checks call them on many lanes, and not cached: numba keys a
cached function on its own file only, and these call the model's kernels
(``model/compiled_cache.py``).
"""

from __future__ import annotations

import numba
import numpy as np

from model import kernels


@numba.njit(cache=False)
def candidate_lanes(F: np.ndarray, last: np.ndarray, f_decay: np.ndarray,
                    initiators: np.ndarray, cand: np.ndarray, collaborated: np.ndarray,
                    acquaintance: float, collaborator: float, now: int
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The lanes of ``kernels.assemble_teams`` for working groups, with every lane's ties.

    Initiator l thinks of the people ``cand[l]`` (k draws). Those it knows (familiarity
    at least ``acquaintance``), other than itself and not drawn before, are available:
    incumbents if they have collaborated before, else newcomers (``kernels.lane_masks``).
    Only initiators with someone available get a lane. Local ids 0..k-1 are the draws and
    k the initiator; ``ties[l, x, y]`` says x knows y well (familiarity at least
    ``collaborator``), for y a draw (nobody's tie points to the initiator, who is seated
    already).

    Returns:
        The initiators' rows that get lanes, and per lane the incumbent and newcomer
        masks ``(lanes, k + 1)`` and the ties ``(lanes, k + 1, k + 1)``.
    """
    horizon = f_decay.size - 1
    k = cand.shape[1]
    lanes, incumbent, newcomer, fam_who = kernels.lane_masks(
        F, last, f_decay, initiators, cand, collaborated, acquaintance, now)
    ties = np.zeros((lanes.size, k + 1, k + 1), dtype=np.bool_)
    for x in range(lanes.size):
        r = lanes[x]
        for c in range(k):
            b = cand[r, c]
            ties[x, k, c] = fam_who[r, c] >= collaborator
            for d in range(c, k):  # familiarity is symmetric (see kernels.familiarity_blocks)
                e = cand[r, d]
                ties[x, c, d] = F[b, e] * f_decay[min(now - last[b, e], horizon)] >= collaborator
                ties[x, d, c] = ties[x, c, d]
    return lanes, incumbent, newcomer, ties


@numba.njit(cache=False)
def working_group_lanes(F: np.ndarray, last: np.ndarray, f_decay: np.ndarray,
                        initiators: np.ndarray, active: np.ndarray, weight: np.ndarray,
                        org: np.ndarray, resident: np.ndarray, factor: np.ndarray,
                        u: np.ndarray, collaborated: np.ndarray, acquaintance: float,
                        collaborator: float, now: int
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The lanes of the week's working groups: whom each initiator thinks of
    (``kernels.partner_draws`` with the uniforms ``u``, as slots of ``active``), then
    :func:`candidate_lanes`.

    Returns:
        Per lane the incumbent and newcomer masks ``(lanes, k + 1)``, the ties ``(lanes,
        k + 1, k + 1)`` and the global ids ``(lanes, k + 1)``: the draws, then the initiator.
    """
    cand = kernels.thought_of(active, kernels.partner_draws(initiators, active, weight, org,
                                                            resident, factor, u))
    lanes, incumbent, newcomer, ties = candidate_lanes(F, last, f_decay, initiators, cand,
                                                       collaborated, acquaintance,
                                                       collaborator, now)
    return incumbent, newcomer, ties, kernels.lane_ids(cand, initiators, lanes)


@numba.njit(cache=False)
def working_groups(u: np.ndarray, m: int, p: float, q: float, incumbent: np.ndarray,
                   newcomer: np.ndarray, ties: np.ndarray, ids: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The working groups of lanes with their full ties (as :func:`working_group_lanes`
    builds them; the reference of ``kernels.form_working_groups``, whose seats read only
    the ties they use): the team-assembly rule for one team of ``m`` per lane, founded by
    the initiator (local id ``k``, the last), with the seat draws
    ``u`` (``model.formation.seat_draws`` for ``m - 1`` seats); the groups with global ids
    (``kernels.gather_teams``) and their ordered pairs (``kernels.team_pairs``).

    Returns:
        The groups' members and bounds and their ordered pairs ``i``, ``j``, ``g``.
    """
    lanes, n = incumbent.shape
    founders = np.full((lanes, 1), n - 1, dtype=np.int64)
    seats = kernels.seat_teams(u, m, p, q, incumbent, newcomer, ties, founders, False, m)
    members, bounds = kernels.gather_teams(seats, ids, m)
    i, j, g = kernels.team_pairs(members, bounds)
    return members, bounds, i, j, g
