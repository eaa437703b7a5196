"""Compiled kernels of the sparse pair store (``model.relations.SparseRelations``).

The dense store keeps a record (familiarity F, trust T, week of last touch) for every
ordered pair of slots, capacity x capacity of them. In a large network each person knows
a bounded number of others, and a pair nobody has written holds the stranger's values
(F = 0, T = the prior), which read the same whatever the week of last touch. The sparse
store keeps records only for pairs that have been written, row by row:

- slot ``a``'s records lie in one segment of a shared pool, ``start[a] .. start[a] +
  size[a]``, sorted by column, inside a segment of ``room[a]`` records (a full row moves
  to the end of the pool with twice the room; the pool is compacted when it is full);
- the pattern is symmetric: whenever (a, b) has a record, so has (b, a) (written as a
  stranger's if new), so a slot's row lists every pair it is part of;
- a pair without a record reads as a stranger: F = 0, T = prior.

Every kernel here is the sparse form of a kernel in ``model.kernels`` (named the same)
and does the same arithmetic in the same order on the pairs that have records; a pair
without one contributes exactly what the dense record of a stranger would (0 to sums of
familiarity and of trust minus the prior). ``tests/test_sparse.py`` checks each against
its dense form (whose own references are the numpy forms in the tests) on stores
holding the same pairs, and whole seeded runs with either store against each other.

Each kernel the store calls takes its arrays as one structure (``model.state.SparsePairs``,
``rel``: the records, the decay tables, the prior and the running sums), and reads the
records (:func:`_records`) and the other fields it uses into locals first; the helpers it
calls (``_``-named, and the lookup :func:`find`) take those locals. The store's number of
slots (its capacity; the width of a flat pair key ``a * width + b``) is the length of
``start``: a kernel reads it there rather than taking it as a number that could disagree.

Writes happen in two steps, so that a kernel never runs out of pool in the middle of a
rule: ``ensure_pairs`` first gives every pair to be written a record (growing rows; it
stops and reports how far it got when the pool is full, for the caller to compact into a
larger pool and go on), then the write kernels only look records up.
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np

from model import kernels
from model.state import SparsePairs

_jit = numba.njit(cache=True, nogil=True)
_inline = numba.njit(cache=True, nogil=True, inline="always")

#: Smallest room a row gets when it first needs a segment.
MIN_ROOM = 4
#: People in a sorted lane from which its rows' records are looked up in the lane rather
#: than merged with it (``familiarity_blocks``). Measured in conversation rounds at 1,000
#: people: the merge was ~6 % faster in circles of 25, the lookups 7 % faster in circles
#: of ~60, 20 % in ~120 and 42 % in one of ~570.
LOOKUP_FROM = 40
#: Leaf length of numpy's pairwise summation (``kernels._PAIRWISE_BLOCK``).
_LEAF = 128
_UNROLL = 8


class Pairs(NamedTuple):
    """The sparse store's records, as the store holds them and as the loops and lookups of
    its kernels take them (the kernels receive them, with the store's other arrays, in one
    structure, ``model.state.SparsePairs``, whose first fields they are, and take them out
    of it with :func:`_records`).

    ``start``, ``size`` and ``room`` are per slot (int64); ``col`` (int32), ``F``, ``T``,
    ``last`` (int32) and ``listed`` (bool, a tie candidate) are per record of the pool;
    ``end`` holds the first record of the pool not yet in any segment (int64, one entry).
    """

    start: np.ndarray
    size: np.ndarray
    room: np.ndarray
    col: np.ndarray
    F: np.ndarray
    T: np.ndarray
    last: np.ndarray
    listed: np.ndarray
    end: np.ndarray


# ---------------------------------------------------------------- records


@_inline
def _records(rel: SparsePairs) -> Pairs:
    """The records of the store's structure ``rel``, as the loops and lookups below take them
    (one local per kernel: its fields are read once, not once per pass of a loop).
    """
    return Pairs(rel.start, rel.size, rel.room, rel.col, rel.F, rel.T, rel.last, rel.listed,
                 rel.end)


# The lookups below are inlined into their callers: a call that takes the store's arrays
# (the Pairs tuple) costs numba's reference counting on each of them, which took three times
# as long as the search itself in the lookup loops (and no result changes).
@_inline
def _search(col: np.ndarray, lo: int, hi: int, b: int) -> int:
    """Position in the sorted ``col[lo:hi]`` at which ``b`` is or would be inserted."""
    while lo < hi:
        mid = (lo + hi) >> 1
        if col[mid] < b:
            lo = mid + 1
        else:
            hi = mid
    return lo


@_inline
def _find_in(col: np.ndarray, lo: int, hi: int, b: int) -> int:
    """Position of ``b`` in the sorted ``col[lo:hi]``, or -1 if absent."""
    x = _search(col, lo, hi, b)
    return x if x < hi and col[x] == b else -1


@_inline
def _search_from(col: np.ndarray, lo: int, hi: int, b: int) -> int:
    """:func:`_search` of ``col[lo:hi]`` for a ``b`` likely to lie near ``lo`` (the next of
    ascending columns looked for in a row): probes ``lo``, ``lo + 2``, ``lo + 5``, ... (steps
    doubling) until one reaches ``b``, then searches the last step.
    """
    bound = lo
    step = 1
    while bound < hi and col[bound] < b:
        lo = bound + 1
        bound = lo + step
        step <<= 1
    return _search(col, lo, min(bound, hi), b)


@_inline
def _locate(p: Pairs, a: int, b: int) -> int:
    """Position in row ``a`` at which column ``b`` is or would be inserted (binary search)."""
    s = p.start[a]
    return _search(p.col, s, s + p.size[a], b)


@_inline
def find(p: Pairs, a: int, b: int) -> int:
    """The record of pair (a, b), or -1 if it has none."""
    s = p.start[a]
    return _find_in(p.col, s, s + p.size[a], b)


@_jit
def _insert(p: Pairs, a: int, b: int, prior: float, now: int) -> int:
    """The record of (a, b), made a stranger's touched ``now`` if new; -1 if the pool is full."""
    x = _locate(p, a, b)
    s = p.start[a]
    n = p.size[a]
    if x < s + n and p.col[x] == b:
        return x
    if n == p.room[a]:
        room = max(MIN_ROOM, 2 * p.room[a])
        new = p.end[0]
        if new + room > p.col.size:
            return -1
        for y in range(n):  # the row moves to the end of the pool
            p.col[new + y] = p.col[s + y]
            p.F[new + y] = p.F[s + y]
            p.T[new + y] = p.T[s + y]
            p.last[new + y] = p.last[s + y]
            p.listed[new + y] = p.listed[s + y]
        p.end[0] = new + room
        p.start[a] = new
        p.room[a] = room
        x = new + (x - s)
        s = new
    for y in range(s + n, x, -1):  # make way, keeping the row sorted
        p.col[y] = p.col[y - 1]
        p.F[y] = p.F[y - 1]
        p.T[y] = p.T[y - 1]
        p.last[y] = p.last[y - 1]
        p.listed[y] = p.listed[y - 1]
    p.col[x] = b
    p.F[x] = 0.0
    p.T[x] = prior
    p.last[x] = now
    p.listed[x] = False
    p.size[a] = n + 1
    return x


@_jit
def ensure_pairs(rel: SparsePairs, i: np.ndarray, j: np.ndarray, first: int, now: int) -> int:
    """Give pairs (i, j) and (j, i) records (a stranger's, touched ``now``, if new), from
    pair ``first`` on.

    Returns:
        The number of pairs done: ``i.size``, or the pair at which the pool filled up (the
        caller compacts into a larger pool and calls again from there).
    """
    p = _records(rel)
    prior = rel.prior
    for k in range(first, i.size):
        if _insert(p, i[k], j[k], prior, now) < 0 or _insert(p, j[k], i[k], prior, now) < 0:
            return k
    return i.size


@_jit
def ensure_team_pairs(rel: SparsePairs, bounds: np.ndarray, i: np.ndarray, j: np.ndarray,
                      first: int, now: int) -> int:
    """:func:`ensure_pairs` of the ordered pairs of teams as ``kernels.team_pairs`` lists
    them (``bounds`` the teams' bounds into their members; ``i``, ``j`` the pairs), from pair
    ``first`` on, skipping each member's pairs with partners seated before it: the pair the
    other way round, earlier in the list, gave both its records already, so those inserts
    would find them and change nothing. The inserts made are ``ensure_pairs``' own, in its
    order (the pool's layout is the same), for half of its searches.

    Returns:
        As :func:`ensure_pairs`: ``i.size``, or the pair at which the pool filled up.
    """
    p = _records(rel)
    prior = rel.prior
    k = 0
    for t in range(bounds.size - 1):
        size = bounds[t + 1] - bounds[t]
        for x in range(size):
            for y in range(size - 1):  # the partners in team order, the member left out
                # Only partners seated after the member.
                if k >= first and y >= x and (_insert(p, i[k], j[k], prior, now) < 0
                                              or _insert(p, j[k], i[k], prior, now) < 0):
                    return k
                k += 1
    return i.size


@_jit
def compact(rel: SparsePairs, col: np.ndarray, fam: np.ndarray, trust: np.ndarray, last: np.ndarray,
            listed: np.ndarray) -> int:
    """Copy every row into the new pool arrays (slot by slot, each with room for half as
    many records again as it has, at least ``MIN_ROOM``), updating ``start`` and ``room``.

    Returns:
        The new pool's first unused record.
    """
    p = _records(rel)
    end = 0
    for a in range(p.start.size):
        n = p.size[a]
        if n == 0 and p.room[a] == 0:
            continue
        s = p.start[a]
        for y in range(n):
            col[end + y] = p.col[s + y]
            fam[end + y] = p.F[s + y]
            trust[end + y] = p.T[s + y]
            last[end + y] = p.last[s + y]
            listed[end + y] = p.listed[s + y]
        room = max(MIN_ROOM, n + n // 2)
        p.start[a] = end
        p.room[a] = room
        end += room
    return end


@_jit
def live_records(rel: SparsePairs) -> int:
    """Records in use (all rows' sizes)."""
    p = _records(rel)
    total = 0
    for a in range(p.size.size):
        total += p.size[a]
    return total


@_jit
def starting_pairs(u: np.ndarray, first: int, org: np.ndarray, chance: float,
                   colleague_f: float, known_f: float, threshold: float
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The pairs of one band of rows of the set-up's square of uniforms (``u`` holds rows
    ``first ..`` of it; ``NetworkModel._create_population`` states the rule): pairs r < c of
    different organisations who know each other (``u[r, c] < chance``), and the starting
    relationships r < c, whose familiarity (``colleague_f`` for colleagues, ``known_f`` for
    those who know each other, else 0) reaches ``threshold``; both row by row, columns
    ascending, as ``np.nonzero`` of the upper triangle lists them.

    Returns:
        The known pairs' rows and columns, and the starting relationships' rows and columns.
    """
    rows, n = u.shape
    counts = np.zeros(2, dtype=np.int64)
    for stage in range(2):  # count, then fill
        if stage == 1:
            edge_i = np.empty(counts[0], dtype=np.int64)
            edge_j = np.empty(counts[0], dtype=np.int64)
            start_i = np.empty(counts[1], dtype=np.int64)
            start_j = np.empty(counts[1], dtype=np.int64)
            counts[:] = 0
        for x in range(rows):
            r = first + x
            for c in range(r + 1, n):
                known = u[x, c] < chance
                same = org[r] == org[c]
                fam = colleague_f if same else (known_f if known else 0.0)
                if known and not same:
                    if stage == 1:
                        edge_i[counts[0]] = r
                        edge_j[counts[0]] = c
                    counts[0] += 1
                if fam >= threshold:
                    if stage == 1:
                        start_i[counts[1]] = r
                        start_j[counts[1]] = c
                    counts[1] += 1
    return edge_i, edge_j, start_i, start_j


@_jit
def build(rel: SparsePairs, n: int, org: np.ndarray, edge_i: np.ndarray, edge_j: np.ndarray,
          colleague_f: float, colleague_t: float, known_f: float, known_t: float, now: int) -> None:
    """Fill an empty store with the relations at set-up (``NetworkModel._create_population``).

    Slots ``0 .. n - 1``: colleagues (same organisation, the own slot included, as the
    dense block has it) have familiarity ``colleague_f`` (0 with oneself) and trust
    ``colleague_t``; the pairs ``edge_i[e] < edge_j[e]`` of different organisations who
    know each other (row by row, columns ascending: ``starting_pairs``) have ``known_f``
    and ``known_t`` in both orders; everyone else is a stranger. The pool must have room
    for every row's records (colleagues plus acquaintances, at least ``MIN_ROOM``); rows
    get exactly that room.
    """
    p = _records(rel)
    count = np.zeros(n, dtype=np.int64)
    members = np.zeros(org.max() + 1 if n else 1, dtype=np.int64)
    for a in range(n):
        members[org[a]] += 1
    for e in range(edge_i.size):
        count[edge_i[e]] += 1
        count[edge_j[e]] += 1
    end = 0
    for a in range(n):
        p.start[a] = end
        p.room[a] = max(count[a] + members[org[a]], MIN_ROOM)
        end += p.room[a]
    p.end[0] = end
    # Acquaintances first, after room for the colleagues: a row gets its partners below it
    # (from earlier rows' pairs) before those above it, each ascending, so sorted.
    for e in range(edge_i.size):
        for a, b in ((edge_i[e], edge_j[e]), (edge_j[e], edge_i[e])):
            x = p.start[a] + members[org[a]] + p.size[a]
            p.col[x] = b
            p.size[a] += 1
    # Colleagues: the organisation's slots in slot order.
    by_org = np.zeros(members.size + 1, dtype=np.int64)
    for o in range(members.size):
        by_org[o + 1] = by_org[o] + members[o]
    fill = by_org[:-1].copy()
    slot_of = np.empty(n, dtype=np.int64)
    for a in range(n):
        slot_of[fill[org[a]]] = a
        fill[org[a]] += 1
    for a in range(n):
        o = org[a]
        s = p.start[a]
        known = s + members[o]
        x, y = known, by_org[o]  # merge the acquaintances and the colleagues, ascending
        for z in range(s, s + members[o] + p.size[a]):
            if y < by_org[o + 1] and (x == known + p.size[a] or slot_of[y] < p.col[x]):
                b = slot_of[y]
                p.col[z] = b
                p.F[z] = 0.0 if b == a else colleague_f
                p.T[z] = colleague_t
                y += 1
            else:
                p.col[z] = p.col[x]
                p.F[z] = known_f
                p.T[z] = known_t
                x += 1
            p.last[z] = now
            p.listed[z] = False
        p.size[a] += members[o]


@_jit
def list_rows(rel: SparsePairs, rows: np.ndarray, floor: float) -> np.ndarray:
    """Flag and return (flat ``a * width + b``, ``width`` the store's slots, row by row,
    columns ascending) the records of ``rows`` with stored trust at least ``floor``, a != b,
    not flagged yet: the sparse form of listing a whole block's candidates
    (``Relations.set_block``).
    """
    p = _records(rel)
    width = p.start.size
    total = 0
    for a in rows:
        total += p.size[a]
    out = np.empty(total, dtype=np.int64)
    count = 0
    for a in rows:
        for x in range(p.start[a], p.start[a] + p.size[a]):
            b = p.col[x]
            if p.T[x] >= floor and a != b and not p.listed[x]:
                p.listed[x] = True
                out[count] = a * width + b
                count += 1
    return out[:count]


# ---------------------------------------------------------------- reads


@_inline
def _gap(p: Pairs, x: int, now: int, horizon: int) -> int:
    return min(now - p.last[x], horizon)


@_jit
def current_familiarity(rel: SparsePairs, i: np.ndarray, j: np.ndarray, now: int) -> np.ndarray:
    """Sparse ``kernels.current_familiarity``."""
    p = _records(rel)
    f_decay = rel.f_decay
    horizon = f_decay.size - 1
    fam = np.zeros(i.size)
    for k in range(i.size):
        x = find(p, i[k], j[k])
        if x >= 0:
            fam[k] = p.F[x] * f_decay[_gap(p, x, now, horizon)]
    return fam


@_jit
def familiarity_ends(rel: SparsePairs, i: np.ndarray, j: np.ndarray, threshold: float
                     ) -> np.ndarray:
    """Sparse ``kernels.familiarity_ends`` (a pair without a record has familiarity 0), each
    pair searched on the store's arrays (:func:`_record_of`).
    """
    p = _records(rel)
    f_decay = rel.f_decay
    out = np.empty(i.size, dtype=np.int64)
    start, size, col, F, last = p.start, p.size, p.col, p.F, p.last
    for k in range(i.size):
        x = _record_of(start, size, col, i[k], j[k])
        if x < 0:
            out[k] = kernels.ends_at(kernels.first_below(0.0, f_decay, threshold), 0)
        else:
            out[k] = kernels.ends_at(kernels.first_below(F[x], f_decay, threshold), last[x])
    return out


@_jit
def current_trust(rel: SparsePairs, i: np.ndarray, j: np.ndarray, now: int) -> np.ndarray:
    """Sparse ``kernels.current_trust``."""
    p = _records(rel)
    t_decay, prior = rel.t_decay, rel.prior
    horizon = t_decay.size - 1
    out = np.full(i.size, prior)
    for k in range(i.size):
        x = find(p, i[k], j[k])
        if x >= 0:
            out[k] = prior + (p.T[x] - prior) * t_decay[_gap(p, x, now, horizon)]
    return out


@_jit
def stored_trust(rel: SparsePairs, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Stored (not decayed) trust of pairs (i, j): ``T[i, j]`` of the dense store."""
    p = _records(rel)
    prior = rel.prior
    out = np.full(i.size, prior)
    for k in range(i.size):
        x = find(p, i[k], j[k])
        if x >= 0:
            out[k] = p.T[x]
    return out


@_jit
def block(rel: SparsePairs, rows: np.ndarray, cols: np.ndarray, now: int
          ) -> tuple[np.ndarray, np.ndarray]:
    """Current familiarity and trust over the block rows x cols (``Relations.block``)."""
    p = _records(rel)
    f_decay, t_decay, prior = rel.f_decay, rel.t_decay, rel.prior
    horizon = f_decay.size - 1
    fam = np.zeros((rows.size, cols.size))
    trust = np.full((rows.size, cols.size), prior)
    for r in range(rows.size):
        for c in range(cols.size):
            x = find(p, rows[r], cols[c])
            if x >= 0:
                g = _gap(p, x, now, horizon)
                fam[r, c] = p.F[x] * f_decay[g]
                trust[r, c] = prior + (p.T[x] - prior) * t_decay[g]
    return fam, trust


@_jit
def familiarity_blocks(rel: SparsePairs, ids: np.ndarray, now: int) -> np.ndarray:
    """Sparse ``kernels.familiarity_blocks``: entry ``[l, x, y]``, ``y >= x``, is the record of
    ``(ids[l, x], ids[l, y])`` and is mirrored to ``[l, y, x]``, as in the dense kernel.

    Each person's row is walked (its records in order) instead of searched once per
    partner: a walk reads a row's records one after the other where a search jumps about
    it. In a lane as the model makes them (``kernels.circle_lanes``: its people ascending,
    padded with repeats of the first) each row is walked from the person's own column only
    to the lane's last, its records looked up in a wide lane (:func:`_lookup_block`, from
    ``LOOKUP_FROM`` people) or merged with a narrow one (:func:`_merged_block`); any other
    lane is read by marking its people (:func:`_marked_block`). Entries without a record
    stay 0, as the dense kernel's strangers.
    """
    p = _records(rel)
    f_decay = rel.f_decay
    lanes, n = ids.shape
    out = np.zeros((lanes, n, n))
    _blocks(p, f_decay, ids, None, now, out)
    return out


@_jit
def known_blocks(rel: SparsePairs, ids: np.ndarray, acquaintance: float, now: int) -> np.ndarray:
    """Who knows whom among each lane's people: ``familiarity_blocks(...) >= acquaintance``
    entry by entry, each entry's familiarity compared as it is read (the same value, the same
    comparison) instead of kept in a float block first; a block of bytes is an eighth of
    the floats' and needs no second pass, where the floats of a large meeting's circle
    outgrow the cache.
    """
    p = _records(rel)
    f_decay = rel.f_decay
    lanes, n = ids.shape
    out = np.full((lanes, n, n), acquaintance <= 0.0)  # a stranger's familiarity is 0
    _blocks(p, f_decay, ids, acquaintance, now, out)
    return out


@_inline
def _put(out: np.ndarray, x: int, y: int, value: float, acquaintance: float | None) -> None:
    """Entry ``[x, y]`` and its mirror ``[y, x]``: the familiarity ``value``, or whether it is
    at least ``acquaintance`` if one is given (a bool block; the branch is chosen when the
    kernel is compiled).
    """
    if acquaintance is None:
        out[x, y] = value
    else:
        out[x, y] = value >= acquaintance
    out[y, x] = out[x, y]


@_jit
def _blocks(p: Pairs, f_decay: np.ndarray, ids: np.ndarray, acquaintance: float | None,
            now: int, out: np.ndarray) -> None:
    """The lanes of :func:`familiarity_blocks` (``acquaintance`` None) or of
    :func:`known_blocks` into ``out``, whose entries without a record hold a stranger's.
    """
    lanes = ids.shape[0]
    at = np.zeros(0, dtype=np.int64)  # lane positions by slot, made for the first wide lane
    in_lane = np.zeros(0, dtype=np.int64)  # the marks, made for the first lane that needs them
    value = np.zeros(0)
    found = np.zeros(0, dtype=np.bool_)
    for lane in range(lanes):
        fill = _ascending(ids, lane)
        if fill >= LOOKUP_FROM:
            if at.size == 0:
                at = np.zeros(p.start.size, dtype=np.int64)
            _lookup_block(p, f_decay, ids[lane], fill, acquaintance, now, out[lane], at)
            continue
        if fill > 0:
            _merged_block(p, f_decay, ids[lane], fill, acquaintance, now, out[lane])
            continue
        if in_lane.size == 0:
            width = p.start.size
            in_lane = np.zeros(width, dtype=np.int64)
            value = np.zeros(width)
            found = np.zeros(width, dtype=np.bool_)
        _marked_block(p, f_decay, ids[lane], lane, acquaintance, now, out[lane], in_lane,
                      value, found)


@_jit
def _ascending(ids: np.ndarray, lane: int) -> int:
    """How many people lane ``lane`` of ``ids`` holds if it is as the model makes its lanes
    (ascending, then padded with repeats of its first), else 0.
    """
    n = ids.shape[1]
    fill = n
    for y in range(1, n):
        if ids[lane, y] <= ids[lane, y - 1]:
            fill = y
            break
    for y in range(fill, n):
        if ids[lane, y] != ids[lane, 0]:
            return 0
    return fill


@_inline
def _padding(p: Pairs, f_decay: np.ndarray, ids: np.ndarray, fill: int,
             acquaintance: float | None, now: int, out: np.ndarray) -> None:
    """The entries of a lane's padding (``ids[fill:]``, repeats of ``ids[0]``), in
    :func:`_lookup_block` and :func:`_merged_block`: each person's familiarity with
    ``ids[0]``, and in the padding's own rows ``ids[0]``'s with itself.
    """
    n = ids.size
    if fill == n:
        return
    horizon = f_decay.size - 1
    first = ids[0]
    for x in range(fill):
        r = find(p, ids[x], first)
        if r >= 0:
            for y in range(fill, n):
                _put(out, x, y, p.F[r] * f_decay[_gap(p, r, now, horizon)], acquaintance)
    r = find(p, first, first)
    if r >= 0:
        for x in range(fill, n):
            for y in range(x, n):
                _put(out, x, y, p.F[r] * f_decay[_gap(p, r, now, horizon)], acquaintance)


@_jit
def _lookup_block(p: Pairs, f_decay: np.ndarray, ids: np.ndarray, fill: int,
                  acquaintance: float | None, now: int, out: np.ndarray, at: np.ndarray
                  ) -> None:
    """One lane's block of :func:`_blocks` where ``ids[:fill]`` ascend and the rest
    repeat ``ids[0]``: the row of each person ``ids[x]`` is walked from its own column to the
    lane's last, each record's column looked up in the lane (``at``: ``y + 1`` at ``ids[y]``,
    set here and cleared after, 0 elsewhere), giving the entries ``y >= x``; then the
    padding's (:func:`_padding`). A lookup costs one rarely mispredicted branch per record where
    merging the row with a wide lane takes two that could go either way
    (:func:`_merged_block`, for narrow lanes).
    """
    horizon = f_decay.size - 1
    last_id = ids[fill - 1]
    for y in range(fill):
        at[ids[y]] = y + 1
    for x in range(fill):
        a = ids[x]
        r = _locate(p, a, a)
        end = p.start[a] + p.size[a]
        while r < end:
            c = p.col[r]
            if c > last_id:
                break
            y = at[c] - 1
            if y >= 0:
                _put(out, x, y, p.F[r] * f_decay[_gap(p, r, now, horizon)], acquaintance)
            r += 1
    for y in range(fill):
        at[ids[y]] = 0
    _padding(p, f_decay, ids, fill, acquaintance, now, out)


@_jit
def _merged_block(p: Pairs, f_decay: np.ndarray, ids: np.ndarray, fill: int,
                  acquaintance: float | None, now: int, out: np.ndarray) -> None:
    """:func:`_lookup_block` for a narrow lane: the row of each person ``ids[x]`` is merged
    with ``ids[x:fill]`` from its own column on (the entries ``y >= x``).
    """
    horizon = f_decay.size - 1
    for x in range(fill):
        a = ids[x]
        r = _locate(p, a, a)
        end = p.start[a] + p.size[a]
        y = x
        while r < end and y < fill:
            c = p.col[r]
            b = ids[y]
            if c < b:
                r += 1
            elif c > b:
                y += 1
            else:
                _put(out, x, y, p.F[r] * f_decay[_gap(p, r, now, horizon)], acquaintance)
                r += 1
                y += 1
    _padding(p, f_decay, ids, fill, acquaintance, now, out)


@_jit
def _marked_block(p: Pairs, f_decay: np.ndarray, ids: np.ndarray, lane: int,
                  acquaintance: float | None, now: int, out: np.ndarray, in_lane: np.ndarray,
                  value: np.ndarray, found: np.ndarray) -> None:
    """One lane's block of :func:`_blocks` for any lane: its people are marked
    (``in_lane``, lane + 1 by slot), each person's row gives its familiarity (``value``) with
    the marked (``found``, where the pair has a record), and the block's row reads those.
    """
    horizon = f_decay.size - 1
    n = ids.size
    for y in range(n):
        in_lane[ids[y]] = lane + 1
    for x in range(n):
        a = ids[x]
        first, end = p.start[a], p.start[a] + p.size[a]
        for r in range(first, end):
            c = p.col[r]
            if in_lane[c] == lane + 1:
                value[c] = p.F[r] * f_decay[_gap(p, r, now, horizon)]
                found[c] = True
        for y in range(x, n):
            b = ids[y]
            if found[b]:
                _put(out, x, y, value[b], acquaintance)
            else:
                out[y, x] = out[x, y]
        for r in range(first, end):
            found[p.col[r]] = False


@_jit
def _lane_masks(p: Pairs, f_decay: np.ndarray, initiators: np.ndarray, cand: np.ndarray,
                collaborated: np.ndarray, acquaintance: float, now: int
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The lanes and masks of ``kernels.lane_masks`` read from the sparse records, and
    each initiator's familiarity with its draws now (``(initiators, k)``, 0 for a pair
    without a record); the lanes' ties are read by the seats (:func:`seat_working_groups`).
    """
    horizon = f_decay.size - 1
    n, k = cand.shape
    fam_who = np.zeros((n, k))
    has = np.zeros(n, dtype=np.bool_)
    for r in range(n):
        a = initiators[r]
        for c in range(k):
            b = cand[r, c]
            x = find(p, a, b)
            if x >= 0:
                fam_who[r, c] = p.F[x] * f_decay[_gap(p, x, now, horizon)]
            if fam_who[r, c] >= acquaintance and b != a:
                has[r] = True
    lanes = np.flatnonzero(has)
    incumbent = np.zeros((lanes.size, k + 1), dtype=np.bool_)
    newcomer = np.zeros((lanes.size, k + 1), dtype=np.bool_)
    for y in range(lanes.size):
        r = lanes[y]
        for c in range(k):
            b = cand[r, c]
            first = True
            for d in range(c):
                if cand[r, d] == b:
                    first = False
                    break
            if first and fam_who[r, c] >= acquaintance and b != initiators[r]:
                if collaborated[b]:
                    incumbent[y, c] = True
                else:
                    newcomer[y, c] = True
    return lanes, incumbent, newcomer, fam_who


@_inline
def _near_with(p: Pairs, f_decay: np.ndarray, fam_who: np.ndarray, ids: np.ndarray,
               lane: int, r: int, who: int, collaborator: float, now: int,
               near: np.ndarray) -> None:
    """``near |= ties[lane, who]`` with the full ties of lane ``lane`` (its initiator's row
    ``r``; ``ids`` as ``kernels.lane_ids``; the ties as ``candidate_lanes`` in
    ``tests/references.py`` builds them for the dense store), each entry read
    only where ``near`` is not set yet: ``ties[lane, c, d]`` for draws ``c <= d`` (and
    ``[d, c]``) is whether draw c's familiarity with draw d reaches ``collaborator``, the
    initiator's row (local id k) whether its familiarity with each draw does, and no tie
    points to the initiator.
    """
    k = ids.shape[1] - 1
    if who == k:
        for x in range(k):
            near[x] = near[x] or fam_who[r, x] >= collaborator
        return
    horizon = f_decay.size - 1
    for x in range(k):
        if near[x]:
            continue
        c, d = (who, x) if who <= x else (x, who)
        y = find(p, ids[lane, c], ids[lane, d])
        f = p.F[y] * f_decay[_gap(p, y, now, horizon)] if y >= 0 else 0.0
        near[x] = f >= collaborator


@_jit
def seat_working_groups(u: np.ndarray, m: int, p_inc: float, q: float, incumbent: np.ndarray,
                        newcomer: np.ndarray, fam_who: np.ndarray, lanes: np.ndarray,
                        ids: np.ndarray, rel: SparsePairs, collaborator: float, now: int
                        ) -> np.ndarray:
    """``kernels.seat_teams`` of working groups (``working_groups`` in
    ``tests/references.py``: one team of ``m`` per lane, founded by its initiator, local id
    k) without the lanes' full ties: a seat reads the ties only through the past
    collaborators of the members seated before it
    (``near``), so only the rows of those members are read (:func:`_near_with`), each entry
    once, where the full ties (``candidate_lanes`` in ``tests/references.py``) read all of
    them (in the sparse store k (k + 1) / 2 searches a lane, which were the bulk of forming
    the groups at 1,000 people). The same seats (tests/test_sparse.py checks them against
    the full ties).

    Returns:
        Int ``(lanes, m)`` of local ids, ``-1`` for an empty seat, as ``seat_teams``.
    """
    p = _records(rel)
    f_decay = rel.f_decay
    n_lanes, n = incumbent.shape
    k = n - 1
    out = np.full((n_lanes, m), -1, dtype=np.int64)
    free_inc = np.empty(n, dtype=np.bool_)
    free_new = np.empty(n, dtype=np.bool_)
    near = np.empty(n, dtype=np.bool_)  # past collaborators of the team's members
    drawn = u.shape[0]
    for lane in range(n_lanes):
        r = lanes[lane]
        n_inc, n_new = kernels.open_lane(incumbent, newcomer, lane, free_inc, free_new, near)
        who = k  # the founder
        out[lane, 0] = who
        n_inc, n_new = kernels.seat_founder(who, free_inc, free_new, n_inc, n_new)
        _near_with(p, f_decay, fam_who, ids, lane, r, who, collaborator, now, near)
        for d in range(drawn):
            who, n_inc, n_new = kernels.drawn_seat(u, d, lane, p_inc, q, free_inc, free_new,
                                                   near, n_inc, n_new)
            if who < 0:
                break
            out[lane, 1 + d] = who
            if d + 1 < drawn:  # the last seat's ties would be read by no later seat
                _near_with(p, f_decay, fam_who, ids, lane, r, who, collaborator, now, near)
    return out


@_jit
def conversation_groups(rel: SparsePairs, ids: np.ndarray, present: np.ndarray, first: np.ndarray,
                        acquaintance: float, u: np.ndarray, m: int, p_incumbent: float, q: float,
                        now: int
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sparse ``kernels.conversation_groups``, who knows whom read straight into a bool
    block (:func:`known_blocks`).
    """
    known = known_blocks(rel, ids, acquaintance, now)
    return kernels.partition_groups(known, ids, present, first, u, m, p_incumbent, q)


@_jit
def form_working_groups(src: int, rel: SparsePairs, people: kernels.People, active: np.ndarray,
                        weight: np.ndarray, factor: np.ndarray, org_time: np.ndarray, rate: float,
                        rules: np.ndarray, assembler: int, m: int, k: int, now: int
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sparse ``kernels.form_working_groups``."""
    p = _records(rel)
    f_decay = rel.f_decay
    starters = kernels.drawn_initiators(src, people, active, org_time, rate, rules, assembler)
    if starters.size == 0:
        return kernels.no_groups()
    rule = rules[0]
    u = kernels.uniforms(src, starters.size * k).reshape((starters.size, k))
    cand = kernels.thought_of(active, kernels.partner_draws(starters, active, weight,
                                                             people.org, people.resident,
                                                             factor, u))
    lanes, incumbent, newcomer, fam_who = _lane_masks(p, f_decay, starters, cand,
                                                      people.collaborated,
                                                      rule.acquaintance_threshold, now)
    ids = kernels.lane_ids(cand, starters, lanes)
    if lanes.size == 0:  # as kernels.form_working_groups: no groups, nothing drawn
        return kernels.no_groups()
    seats = max(m - 1, 0)
    u = kernels.uniforms(src, seats * kernels.DRAWS_PER_SEAT * lanes.size).reshape(
        (seats, kernels.DRAWS_PER_SEAT, lanes.size))
    out = seat_working_groups(u, m, rule.incumbent_probability,
                              rule.repeat_collaborator_probability, incumbent, newcomer, fam_who,
                              lanes, ids, rel, rule.collaborator_familiarity, now)
    members, bounds = kernels.gather_teams(out, ids, m)
    i, j, g = kernels.team_pairs(members, bounds)
    return members, bounds, i, j, g


@_jit
def best_benefit(rel: SparsePairs, i: np.ndarray, j: np.ndarray, factor: np.ndarray, now: int,
                 capacity: int) -> tuple[np.ndarray, np.ndarray]:
    """Sparse ``kernels.best_benefit`` (a stranger's trust is the prior: benefit 0)."""
    p = _records(rel)
    t_decay, prior = rel.t_decay, rel.prior
    horizon = t_decay.size - 1
    best = np.zeros(capacity)
    for k in range(i.size):
        a = i[k]
        x = find(p, a, j[k])
        t = prior if x < 0 else prior + (p.T[x] - prior) * t_decay[_gap(p, x, now, horizon)]
        best[a] = kernels.kept_benefit(best[a], t, prior,
                                         factor[k] if factor.size else 1.0)
    who = np.flatnonzero(best)
    return who, best[who]


@_jit
def trusted_contacts(rel: SparsePairs, brokers: np.ndarray, contacts: np.ndarray, threshold: float,
                     now: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sparse ``kernels.trusted_contacts`` (records found by :func:`_record_scanned`)."""
    p = _records(rel)
    t_decay, prior = rel.t_decay, rel.prior
    horizon = t_decay.size - 1
    n = brokers.size
    keep = np.zeros(n, dtype=np.bool_)
    trust_cb = np.empty(n)
    trust_bc = np.empty(n)
    row_start, row_size, col = p.start, p.size, p.col
    for k in range(n):
        b, c = brokers[k], contacts[k]
        if b == c:
            continue
        x = _record_scanned(row_start, row_size, col, c, b)
        trust_cb[k] = prior if x < 0 else prior + (p.T[x] - prior) * t_decay[
            _gap(p, x, now, horizon)]
        if trust_cb[k] >= threshold:
            keep[k] = True
            x = _record_scanned(row_start, row_size, col, b, c)
            trust_bc[k] = prior if x < 0 else prior + (p.T[x] - prior) * t_decay[
                _gap(p, x, now, horizon)]
    return brokers[keep], contacts[keep], trust_cb[keep], trust_bc[keep]


@_jit
def broker_contacts(key: np.ndarray, hints: np.ndarray, hinted: int, rel: SparsePairs,
                    floor: float, tie_threshold: float, member: np.ndarray, brokers: np.ndarray,
                    per_broker: int, u: np.ndarray, threshold: float, now: int
                    ) -> tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sparse ``kernels.broker_contacts``: the same ties, picks and contacts (the candidates'
    ``hints`` as in :func:`current_ties`).
    """
    kept, ties = current_ties(key, hints, hinted, rel, now, floor, tie_threshold, member)
    b, c = kernels.pick_contacts(ties[0], ties[1], brokers, per_broker, u, rel.start.size)
    b, c, trust_cb, trust_bc = trusted_contacts(rel, b, c, threshold, now)
    return kept, b, c, trust_cb, trust_bc


@_jit
def broker_relay(key: np.ndarray, hints: np.ndarray, hinted: int, rel: SparsePairs,
                 floor: float, tie_threshold: float, member: np.ndarray, brokers: np.ndarray,
                 per_broker: int, u: np.ndarray, threshold: float, now: int,
                 know: kernels.KnowledgeArrays, n_known: int, org: np.ndarray, gain: float,
                 contact_count: np.ndarray) -> int:
    """Sparse ``kernels.broker_relay``: the same contacts, then the same exchange (the
    candidates' ``hints`` as in :func:`current_ties`).
    """
    kept, b, c, trust_cb, trust_bc = broker_contacts(key, hints, hinted, rel, floor,
                                                     tie_threshold, member, brokers, per_broker, u,
                                                     threshold, now)
    kernels.broker_exchange(know, n_known, b, c, org, gain, trust_cb, trust_bc,
                            contact_count)
    return kept


@_jit
def relay(src: int, key: np.ndarray, hints: np.ndarray, hinted: int, rel: SparsePairs,
          floor: float, tie_threshold: float, people: kernels.People, used: int, peripheral: int,
          active: int, broker: int, relaying: bool, relay_gain: float,
          know: kernels.KnowledgeArrays, n_known: int, rebase_below: float, per_broker: int,
          members: int, threshold: float, gain: float, now: int) -> int:
    """Sparse ``kernels.relay``: the same start (``kernels.relay_start``), then the same
    brokers' contacts and exchange (:func:`broker_relay`; the candidates' ``hints`` as in
    :func:`current_ties`).
    """
    brokers, u = kernels.relay_start(src, people, used, peripheral, active, broker, relaying,
                                     relay_gain, know, n_known, rebase_below, per_broker,
                                     members)
    if u.size == 0:
        return key.size
    return broker_relay(key, hints, hinted, rel, floor, tie_threshold, people.present,
                        brokers, per_broker, u, threshold, now, know, n_known, people.org, gain,
                        people.contacts)


@_jit
def seamless_cases(who: np.ndarray, drawn: np.ndarray, org: np.ndarray, n_orgs: int,
                   present: np.ndarray, know: kernels.KnowledgeArrays, rel: SparsePairs,
                   knowledge_threshold: float, tie_threshold: float, now: int) -> np.ndarray:
    """Sparse ``kernels.seamless_cases``: the same cases, the same order.

    A stranger is trusted at the prior; when the prior reaches the tie threshold anyone
    present in the organisation will do, as in the dense store.
    """
    p = _records(rel)
    t_decay, prior = rel.t_decay, rel.prior
    stored, scale, offset = know.stored, know.scale, know.offset
    size = np.zeros(n_orgs + 1, dtype=np.int64)
    for s in range(present.size):
        if present[s]:
            size[org[s] + 1] += 1
    bounds = np.cumsum(size)
    fill = bounds[:-1].copy()
    people = np.empty(bounds[-1], dtype=np.int64)
    for s in range(present.size):
        if present[s]:
            people[fill[org[s]]] = s
            fill[org[s]] += 1
    horizon = t_decay.size - 1
    out = np.empty(who.size, dtype=np.int64)
    count = 0
    for k in range(who.size):
        a = who[k]
        o = drawn[k] + 1 if drawn[k] >= org[a] else drawn[k]
        if scale[a] * (stored[a, o] + offset[a]) < knowledge_threshold:
            continue
        # The organisation's people ascend, so each after the first is searched for in the
        # row from where the one before it is or would be (:func:`_search_from`).
        lo, end = p.start[a], p.start[a] + p.size[a]
        for x in range(bounds[o], bounds[o + 1]):
            b = people[x]
            lo = _search(p.col, lo, end, b) if x == bounds[o] else _search_from(p.col, lo, end, b)
            r = lo if lo < end and p.col[lo] == b else -1
            t = prior if r < 0 else prior + (p.T[r] - prior) * t_decay[_gap(p, r, now, horizon)]
            if t >= tie_threshold:
                out[count] = a
                count += 1
                break
    return out[:count]


# ---------------------------------------------------------------- writes


@_jit
def settle_pairs(rel: SparsePairs, i: np.ndarray, j: np.ndarray, now: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Sparse ``kernels.settle_pairs`` (every pair has a record: ``ensure_pairs``)."""
    p = _records(rel)
    f_decay, t_decay, prior = rel.f_decay, rel.t_decay, rel.prior
    horizon = f_decay.size - 1
    fam = np.empty(i.size)
    trust = np.empty(i.size)
    for k in range(i.size):
        x = find(p, i[k], j[k])
        gap = _gap(p, x, now, horizon)
        f = p.F[x] * f_decay[gap]
        t = prior + (p.T[x] - prior) * t_decay[gap]
        p.F[x] = f
        p.T[x] = t
        p.last[x] = now
        fam[k] = f
        trust[k] = t
    return fam, trust


@_jit
def store_pairs(rel: SparsePairs, field: int, i: np.ndarray, j: np.ndarray,
                values: np.ndarray) -> np.ndarray:
    """Sparse ``kernels.store_pairs`` into familiarity (``field`` 0) or trust (1)."""
    p = _records(rel)
    tracked, col_sums = rel.tracked, rel.cols[:, field]  # each set's sums of this quantity
    arr = p.F if field == 0 else p.T
    for k in range(i.size):
        a, b = i[k], j[k]
        x = find(p, a, b)
        if a != b:
            change = values[k] - arr[x]
            for t in range(tracked.shape[0]):
                if tracked[t, a]:
                    col_sums[t, b] += change
        arr[x] = values[k]
    stored = np.empty(i.size)
    for k in range(i.size):
        stored[k] = arr[find(p, i[k], j[k])]
    return stored


@_jit
def list_new(rel: SparsePairs, i: np.ndarray, j: np.ndarray, values: np.ndarray,
             floor: float) -> np.ndarray:
    """Sparse ``kernels.list_new`` (every pair has a record; ``width`` the store's slots)."""
    p = _records(rel)
    width = p.start.size
    new = np.empty(i.size, dtype=np.int64)
    count = 0
    for k in range(i.size):
        a, b = i[k], j[k]
        if values[k] >= floor and a != b:
            x = find(p, a, b)
            if not p.listed[x]:
                p.listed[x] = True
                new[count] = a * width + b
                count += 1
    return new[:count]


@_jit
def encounter(rel: SparsePairs, tie_floor: float, know: kernels.KnowledgeArrays, i: np.ndarray,
              j: np.ndarray, g: np.ndarray, u: np.ndarray, face: np.ndarray,
              virtual_factor: float, atmosphere: np.ndarray, dialogue: np.ndarray, org: np.ndarray,
              resident: np.ndarray, rule: kernels.EncounterRule, now: int
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sparse ``kernels.encounter``: the same rule (``kernels.meet_rule``), passes and results;
    every pair has a record (``ensure_pairs``). Tie candidates are flagged in the records.
    """
    p = _records(rel)
    width = p.start.size  # the store's slots: the flat keys of new tie candidates
    f_decay, t_decay, prior = rel.f_decay, rel.t_decay, rel.prior
    tracked, col_sums = rel.tracked, rel.cols
    n = i.size
    horizon = f_decay.size - 1
    # The knowledge fields read once here, not in the loop (as the dense encounter).
    k_stored, k_scale, k_offset = know.stored, know.scale, know.offset
    rec = np.empty(n, dtype=np.int64)
    fam = np.empty(n)
    trust = np.empty(n)
    for k in range(n):  # settle every pair first
        x = find(p, i[k], j[k])
        rec[k] = x
        gap = _gap(p, x, now, horizon)
        fam[k] = p.F[x] * f_decay[gap]
        trust[k] = prior + (p.T[x] - prior) * t_decay[gap]
        p.F[x] = fam[k]
        p.T[x] = trust[k]
        p.last[x] = now
    new_t = np.empty(n)
    breach = np.empty(n, dtype=np.bool_)
    for k in range(n):
        a, b, x = i[k], j[k], rec[k]
        # The encounter rule's reads done here and the rule applied (kernels.meet_rule), as
        # in the dense encounter: a call per pair taking the four arrays cost eight atomic
        # reference counts.
        factor = 1.0 if face.size == 0 or (face[a] and face[b]) else virtual_factor
        dq = 0.5 * (kernels._mean_row(dialogue, a) + kernels._mean_row(dialogue, b))
        distance = kernels._distance(a, b, org, resident, rule.distance_resident,
                                     rule.distance_cross_org)
        suspend = 0.5 * (dialogue[a, 0] + dialogue[b, 0])  # column 0: suspending (S20)
        f, new_t[k], breach[k] = kernels.meet_rule(fam[k], trust[k], factor, dq, distance,
                                                   suspend, atmosphere[g[k]], u[k], rule)
        if a != b:
            kernels.add_change(tracked, col_sums, 0, a, b, f - p.F[x])
        p.F[x] = f
    for k in range(n):
        a, b, x = i[k], j[k], rec[k]
        if a != b:
            kernels.add_change(tracked, col_sums, 1, a, b, new_t[k] - p.T[x])
        p.T[x] = new_t[k]
    listed_now = np.empty(n, dtype=np.int64)
    count = 0
    stored = np.empty(n)
    update = np.empty(n)
    for k in range(n):
        a, b, x = i[k], j[k], rec[k]
        stored[k] = p.T[x]
        if new_t[k] >= tie_floor and a != b and not p.listed[x]:
            p.listed[x] = True
            listed_now[count] = a * width + b
            count += 1
        o = org[b]
        update[k] = kernels.knowledge_update(k_stored[a, o], k_scale[a], k_offset[a],
                                             rule.knowledge_flow * stored[k])
    kernels.store_knowledge(know, i, j, org, update)
    return stored, breach, listed_now[:count]


@_jit
def reset_pairs(rel: SparsePairs, slots: np.ndarray, n: int, now: int, hi: int) -> None:
    """Sparse ``kernels.reset_pairs``: ``slots`` become strangers to the first ``n`` slots.

    The tracked rows' current values are first taken off the column sums, as in the dense
    kernel. Then each pair of a slot with a partner below ``n`` (both orders) loses its
    records, unless either order is a listed tie candidate: those are kept as a stranger's
    touched ``now``, as the dense store keeps its flags.
    """
    p = _records(rel)
    prior, tracked, col_sums = rel.prior, rel.tracked, rel.cols
    f_decay, t_decay = rel.f_decay, rel.t_decay
    horizon = f_decay.size - 1
    for t in range(tracked.shape[0]):
        for r in slots:
            if tracked[t, r]:
                for x in range(p.start[r], p.start[r] + p.size[r]):
                    c = p.col[x]
                    if c < hi and c != r and not (p.F[x] == 0.0 and p.T[x] == prior):
                        g = _gap(p, x, now, horizon)
                        col_sums[t, 0, c] -= p.F[x] * f_decay[g]
                        col_sums[t, 1, c] -= (p.T[x] - prior) * t_decay[g]
    for s in slots:
        for t in range(tracked.shape[0]):
            col_sums[t, 0, s] = 0.0
            col_sums[t, 1, s] = 0.0
        start = p.start[s]
        kept = 0
        for x in range(start, start + p.size[s]):
            b = p.col[x]
            if b >= n:
                keep = True  # beyond the slots in use: left alone, as the dense kernel does
            else:
                y = find(p, b, s) if b != s else x
                keep = p.listed[x] or p.listed[y]
                if b != s:
                    if keep:
                        p.F[y] = 0.0
                        p.T[y] = prior
                        p.last[y] = now
                    else:
                        _remove(p.col, p.F, p.T, p.last, p.listed, y, p.start[b] + p.size[b])
                        p.size[b] -= 1
                if keep:
                    p.F[x] = 0.0
                    p.T[x] = prior
                    p.last[x] = now
            if keep:
                z = start + kept
                p.col[z] = p.col[x]
                p.F[z] = p.F[x]
                p.T[z] = p.T[x]
                p.last[z] = p.last[x]
                p.listed[z] = p.listed[x]
                kept += 1
        p.size[s] = kept


@_inline
def _remove(col: np.ndarray, F: np.ndarray, T: np.ndarray, last: np.ndarray,
            listed: np.ndarray, x: int, end: int) -> None:
    """Remove record ``x`` from the row whose records end before ``end`` (the row stays
    sorted; the caller counts the row one record shorter).

    The records after ``x`` move one place left array by array, over unsigned positions:
    numba then needs no check for negative indices and vectorises each move (the moves are
    most of the cost of ``reset_pairs``, which takes a departed person out of every
    partner's row).
    """
    one = np.uint64(1)
    for y in range(np.uint64(x), np.uint64(end) - one):
        col[y] = col[y + one]
    for y in range(np.uint64(x), np.uint64(end) - one):
        F[y] = F[y + one]
    for y in range(np.uint64(x), np.uint64(end) - one):
        T[y] = T[y + one]
    for y in range(np.uint64(x), np.uint64(end) - one):
        last[y] = last[y + one]
    for y in range(np.uint64(x), np.uint64(end) - one):
        listed[y] = listed[y + one]


# ---------------------------------------------------------------- reporters


@_jit
def current_ties(key: np.ndarray, hints: np.ndarray, hinted: int, rel: SparsePairs, now: int,
                 floor: float, threshold: float, member: np.ndarray) -> tuple[int, np.ndarray]:
    """Sparse ``kernels.current_ties`` (a candidate without a record reads as a stranger),
    each candidate's trust looked up by :func:`_candidates_trust`, which starts from the
    record positions ``hints`` of the first ``hinted`` candidates and leaves there those it
    found; the kept candidates' positions are compacted with them (``hints[:kept]``).
    """
    p = _records(rel)
    decay, prior = rel.t_decay, rel.prior
    a_of, b_of, current = _candidates_trust(key, hints, hinted, p, now, decay, prior, floor)
    ties = np.empty((2, key.size), dtype=np.int64)
    kept = 0
    n_ties = 0
    for y in range(key.size):
        t = current[y]
        if t < floor:
            continue
        a, b = a_of[y], b_of[y]
        key[kept] = key[y]
        hints[kept] = hints[y]
        kept += 1
        if t >= threshold and member[a] and member[b]:
            ties[0, n_ties] = a
            ties[1, n_ties] = b
            n_ties += 1
    return kept, ties[:, :n_ties]


@_inline
def _record_of(start: np.ndarray, size: np.ndarray, col: np.ndarray, a: int, b: int) -> int:
    """:func:`find` on the store's arrays themselves: the record of pair (a, b), or -1.

    For kernels that take the arrays out of ``Pairs`` once and search them per candidate.
    """
    lo = start[a]
    return _find_in(col, lo, lo + size[a], b)


#: Records of a row left to count, once halving has narrowed the search to at most this many.
_SCAN = 32


@_inline
def _record_scanned(start: np.ndarray, size: np.ndarray, col: np.ndarray, a: int,
                    b: int) -> int:
    """:func:`_record_of` with the same answer, found faster when it stands alone: the row is
    halved down to at most ``_SCAN`` records, whose columns below ``b`` are then counted in
    one pass that the compiler vectorises (a binary search's last steps are as many
    mispredicted branches, each waiting on the previous load).
    """
    lo = start[a]
    end = hi = lo + size[a]
    while hi - lo > _SCAN:
        mid = (lo + hi) >> 1
        if col[mid] < b:
            lo = mid + 1
        else:
            hi = mid
    below = np.int32(b)  # a slot number, as the columns are stored
    window = col[lo:hi]
    for x in range(window.size):
        lo += window[x] < below
    return lo if lo < end and col[lo] == b else -1


@_jit
def _candidates_trust(key: np.ndarray, hints: np.ndarray, hinted: int, p: Pairs, now: int,
                      decay: np.ndarray, prior: float,
                      floor: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each tie candidate's ends (``key`` is ``a * width + b``, ``width`` the store's slots,
    ``p.start.size``) and current trust of a in b
    (a stranger's, the prior, without a record); a record whose trust fell below ``floor``
    is no longer listed (below the threshold until written again).

    A candidate's record is looked for first where the previous scan found it: ``hints[y]``
    for the first ``hinted`` candidates (the rest are new; ``hints`` has room for all).
    It is still there if that position lies in row a's segment and holds column b: a row's
    columns are distinct and rows' segments do not overlap, so the test can only pass at
    the record itself. Records move when their row grows, moves or is compacted, and when
    a slot is reset: then (about one candidate in ten a week) the row is searched
    (:func:`_record_scanned`). Either way the position found (or -1) is left in
    ``hints[y]`` for the next scan. The records, and so the values, are those a search of
    every candidate finds; each candidate's ends are taken from its key once (a division
    is slow).

    Returns:
        Each candidate's a, b and current trust, in the candidates' order.
    """
    horizon = decay.size - 1
    a_of = np.empty(key.size, dtype=np.int64)
    b_of = np.empty(key.size, dtype=np.int64)
    current = np.empty(key.size)
    row_start, row_size, col, T, last = p.start, p.size, p.col, p.T, p.last
    width = row_start.size
    for y in range(key.size):
        a, b = divmod(key[y], width)
        a_of[y], b_of[y] = a, b
        x = hints[y] if y < hinted else -1
        lo = row_start[a]
        if x < lo or x >= lo + row_size[a] or col[x] != b:
            x = _record_scanned(row_start, row_size, col, a, b)
            hints[y] = x
        t = prior if x < 0 else prior + (T[x] - prior) * decay[min(now - last[x], horizon)]
        current[y] = t
        if t < floor and x >= 0:
            p.listed[x] = False
    return a_of, b_of, current


@_jit
def _trust_or_prior(start: np.ndarray, size: np.ndarray, col: np.ndarray, T: np.ndarray,
                    last: np.ndarray, a: int, b: int, decay: np.ndarray, prior: float,
                    now: int) -> float:
    """Current trust of a in b (a stranger's, the prior, without a record), from the store's
    arrays (:func:`_record_of`).
    """
    x = _record_of(start, size, col, a, b)
    if x < 0:
        return prior
    return prior + (T[x] - prior) * decay[min(now - last[x], decay.size - 1)]


@_jit
def trust_ties_among(key: np.ndarray, hints: np.ndarray, hinted: int, rel: SparsePairs,
                     now: int, floor: float, threshold: float, slots: np.ndarray,
                     mean_threshold: float) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """Sparse ``kernels.trust_ties_among``: :func:`current_ties` over the members ``slots``,
    then :func:`mutual_ties` of the directed ties found (``width`` one above the largest
    slot), in one call, with the same results.

    The mutual pass needs each tie's trust in both directions. A direction that is itself
    a candidate among the members had its current trust read in the first pass (the same
    formula, so the same value), so only the other directions are looked up: in a large
    network most ties are mutual, and each lookup is a search of a row. The candidates'
    records are found from their ``hints`` as in :func:`current_ties`.

    Returns:
        ``kept`` (the candidates still listed, compacted in place at the front of ``key``
        and their positions at the front of ``hints``),
        and the ties: slots ``i < j``, sorted, and the pair's mean trust.
    """
    p = _records(rel)
    decay, prior = rel.t_decay, rel.prior
    member = np.zeros(p.start.size, dtype=np.bool_)  # a flag for each of the store's slots
    width = 1
    for s in slots:
        member[s] = True
        width = max(width, s + 1)
    # The candidates among members, by their smaller end: the larger end, whether the pair
    # runs from the smaller end, its current trust, and whether that makes it a tie.
    lo_of = np.empty(key.size, dtype=np.int64)
    hi_of = np.empty(key.size, dtype=np.int64)
    forward = np.empty(key.size, dtype=np.bool_)
    value = np.empty(key.size)
    is_tie = np.empty(key.size, dtype=np.bool_)
    # Each candidate's current trust, then the candidates compacted in their own order.
    a_of, b_of, current = _candidates_trust(key, hints, hinted, p, now, decay, prior, floor)
    row_start, row_size, col, T, last = p.start, p.size, p.col, p.T, p.last  # _record_of
    n = kept = 0
    for y in range(key.size):
        k = key[y]
        a, b = a_of[y], b_of[y]
        t = current[y]
        if t < floor:
            continue
        key[kept] = k
        hints[kept] = hints[y]
        kept += 1
        if member[a] and member[b]:
            lo_of[n], hi_of[n], forward[n] = min(a, b), max(a, b), a < b
            value[n], is_tie[n] = t, t >= threshold
            n += 1
    # Group them by the smaller end (a counting sort), each group by the larger end, so the
    # pairs come in the order of kernels.unordered_pairs (min * width + max).
    start = np.zeros(width + 1, dtype=np.int64)
    for e in range(n):
        start[lo_of[e] + 1] += 1
    for s in range(width):
        start[s + 1] += start[s]
    fill = start[:-1].copy()
    order = np.empty(n, dtype=np.int64)
    for e in range(n):
        order[fill[lo_of[e]]] = e
        fill[lo_of[e]] += 1
    out_i = np.empty(n, dtype=np.int64)
    out_j = np.empty(n, dtype=np.int64)
    out_t = np.empty(n)
    count = 0
    for lo in range(width):
        first, end = start[lo], start[lo + 1]
        for x in range(first + 1, end):  # insertion sort by the larger end (few each)
            e, y = order[x], x - 1
            while y >= first and hi_of[order[y]] > hi_of[e]:
                order[y + 1] = order[y]
                y -= 1
            order[y + 1] = e
        x = first
        while x < end:
            hi = hi_of[order[x]]
            tie = have_ab = have_ba = False
            t_ab = t_ba = 0.0
            while x < end and hi_of[order[x]] == hi:
                e = order[x]
                tie = tie or is_tie[e]
                if forward[e]:
                    have_ab, t_ab = True, value[e]
                else:
                    have_ba, t_ba = True, value[e]
                x += 1
            if not tie:
                continue
            if not have_ab:
                t_ab = _trust_or_prior(row_start, row_size, col, T, last, lo, hi, decay, prior, now)
            if not have_ba:
                t_ba = _trust_or_prior(row_start, row_size, col, T, last, hi, lo, decay, prior, now)
            mean = 0.5 * (t_ab + t_ba)
            if mean >= mean_threshold:
                out_i[count], out_j[count], out_t[count] = lo, hi, mean
                count += 1
    return kept, out_i[:count], out_j[:count], out_t[:count]


@_jit
def decayed_column_sums(rows: np.ndarray, weight: np.ndarray, rel: SparsePairs, now: int, hi: int
                        ) -> np.ndarray:
    """Sparse ``kernels.decayed_column_sums``: each column gets the rows' terms in row order,
    as in the dense kernel, so the sums are equal bit for bit. The store's arrays are taken
    out of ``Pairs`` once, not read from it record by record (see :func:`_record_of`).
    """
    p = _records(rel)
    f_decay, t_decay, prior = rel.f_decay, rel.t_decay, rel.prior
    horizon = f_decay.size - 1
    out = np.zeros((2, hi))
    start, size, col, F, T, last = p.start, p.size, p.col, p.F, p.T, p.last
    for y in range(rows.size):
        r, w = rows[y], weight[y]
        for x in range(start[r], start[r] + size[r]):
            c = col[x]
            if c >= hi or c == r or (F[x] == 0.0 and T[x] == prior):
                continue
            g = min(now - last[x], horizon)
            out[0, c] += w * (F[x] * f_decay[g])
            out[1, c] += w * ((T[x] - prior) * t_decay[g])
    return out


@_jit
def tracked_pair_sums(slots: np.ndarray, row_set: int, rel: SparsePairs, now: int,
                      written: int) -> tuple[float, float, int]:
    """Sparse ``kernels.tracked_pair_sums`` of the set of sums ``row_set`` (the same
    bookkeeping and order).
    """
    tracked, cols = rel.tracked[row_set], rel.cols[row_set]
    member = np.zeros(tracked.size, dtype=np.bool_)
    for s in slots:
        member[s] = True
    changed = np.flatnonzero(member != tracked)
    if changed.size > slots.size:
        cols[:] = 0.0
        rows, weight = slots, np.ones(slots.size)
    else:
        rows = changed
        weight = np.empty(changed.size)
        for x in range(changed.size):
            weight[x] = 1.0 if member[changed[x]] else -1.0
    if rows.size:
        hi = max(written, rows.max() + 1)
        add = decayed_column_sums(rows, weight, rel, now, hi)
        for k in range(2):
            for c in range(hi):
                cols[k, c] += add[k, c]
    tracked[:] = member
    sum_f = sum_t = 0.0
    for s in slots:
        sum_f += cols[0, s]
        sum_t += cols[1, s]
    return sum_f, sum_t, changed.size


@_jit
def _load_row(p: Pairs, a: int, pos: np.ndarray, decay: np.ndarray, prior: float, now: int,
              trust: bool, row: np.ndarray) -> None:
    """Row ``a`` of the block read by ``block_sums``: current familiarity (or trust, with
    ``trust``) of ``a`` with each block column (``pos[slot]``: its column, -1 if none).
    """
    horizon = decay.size - 1
    row[:] = prior if trust else 0.0
    for x in range(p.start[a], p.start[a] + p.size[a]):
        c = pos[p.col[x]]
        if c >= 0:
            g = _gap(p, x, now, horizon)
            row[c] = prior + (p.T[x] - prior) * decay[g] if trust else p.F[x] * decay[g]


@_jit
def _leaf_sum(lo: int, hi: int, slots: np.ndarray, p: Pairs, pos: np.ndarray,
              decay: np.ndarray, prior: float, now: int, trust: bool, row: np.ndarray,
              loaded: np.ndarray, leaf: np.ndarray) -> float:
    """``kernels.pairwise_sum`` of entries ``lo .. hi - 1`` (at most ``_LEAF``) of the
    flattened block slots x slots, read row by row (``_load_row``) as they come.
    """
    width = slots.size
    for y in range(hi - lo):
        r, c = divmod(lo + y, width)
        if loaded[0] != r:
            _load_row(p, slots[r], pos, decay, prior, now, trust, row)
            loaded[0] = r
        leaf[y] = row[c]
    return kernels.pairwise_sum(leaf[:hi - lo])


@_jit
def _virtual_pairwise(total: int, slots: np.ndarray, p: Pairs, pos: np.ndarray,
                      decay: np.ndarray, prior: float, now: int, trust: bool) -> float:
    """The pairwise sum numpy takes (``kernels.pairwise_sum``) of the ``total`` entries of the
    flattened block slots x slots: the same tree (halves cut at a multiple of eight, leaves
    of at most ``_LEAF``), walked with an explicit stack, left half before right, so the
    leaves are read in order, one row of the block at a time.
    """
    row = np.empty(slots.size)
    loaded = np.full(1, -1, dtype=np.int64)
    leaf = np.empty(_LEAF)
    depth = 128  # far more than log2 of any block's size
    lo_at = np.empty(depth, dtype=np.int64)
    hi_at = np.empty(depth, dtype=np.int64)
    stage = np.zeros(depth, dtype=np.int64)
    sums = np.empty(depth)
    lo_at[0], hi_at[0], stage[0] = 0, total, 0
    top, n_sums = 0, 0
    while top >= 0:
        lo, hi = lo_at[top], hi_at[top]
        n = hi - lo
        if n <= _LEAF:
            sums[n_sums] = _leaf_sum(lo, hi, slots, p, pos, decay, prior, now, trust, row,
                                     loaded, leaf)
            n_sums += 1
            top -= 1
            continue
        half = n // 2
        half -= half % _UNROLL
        if stage[top] == 0:  # the left half next
            stage[top] = 1
            top += 1
            lo_at[top], hi_at[top], stage[top] = lo, lo + half, 0
        elif stage[top] == 1:  # then the right half
            stage[top] = 2
            top += 1
            lo_at[top], hi_at[top], stage[top] = lo + half, hi, 0
        else:  # both halves summed: left + right
            n_sums -= 1
            sums[n_sums - 1] = sums[n_sums - 1] + sums[n_sums]
            top -= 1
    return sums[0]


@_jit
def block_sums(slots: np.ndarray, rel: SparsePairs, now: int, trust: bool) -> tuple[float, float]:
    """The sum and the trace of the current familiarity (or trust, with ``trust``) block
    ``slots x slots``, each as numpy sums the dense block (``block.sum()``, ``np.trace``)
    bit for bit, without holding the block: one row at a time.
    """
    p = _records(rel)
    decay, prior = (rel.t_decay if trust else rel.f_decay), rel.prior
    pos = np.full(p.start.size, -1, dtype=np.int64)  # each of the store's slots' place
    for c in range(slots.size):
        pos[slots[c]] = c
    total = _virtual_pairwise(slots.size * slots.size, slots, p, pos, decay, prior, now, trust)
    diagonal = np.empty(slots.size)
    horizon = decay.size - 1
    for c in range(slots.size):
        x = find(p, slots[c], slots[c])
        if x < 0:
            diagonal[c] = prior if trust else 0.0
        elif trust:
            diagonal[c] = prior + (p.T[x] - prior) * decay[_gap(p, x, now, horizon)]
        else:
            diagonal[c] = p.F[x] * decay[_gap(p, x, now, horizon)]
    return total, kernels.pairwise_sum(diagonal)


@_jit
def mutual_ties(a: np.ndarray, b: np.ndarray, width: int, rel: SparsePairs, threshold: float,
                now: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sparse ``kernels.mutual_ties`` (a pair without a record reads as a stranger)."""
    p = _records(rel)
    t_decay, prior = rel.t_decay, rel.prior
    key = kernels.unordered_pairs(a, b, width)
    horizon = t_decay.size - 1
    i = np.empty(key.size, dtype=np.int64)
    j = np.empty(key.size, dtype=np.int64)
    t = np.empty(key.size)
    n = 0
    for k in range(key.size):
        x, y = key[k] // width, key[k] % width
        t_xy = t_yx = prior
        r = find(p, x, y)
        if r >= 0:
            t_xy = prior + (p.T[r] - prior) * t_decay[_gap(p, r, now, horizon)]
        r = find(p, y, x)
        if r >= 0:
            t_yx = prior + (p.T[r] - prior) * t_decay[_gap(p, r, now, horizon)]
        mean = 0.5 * (t_xy + t_yx)
        if mean >= threshold:
            i[n], j[n], t[n] = x, y, mean
            n += 1
    return i[:n], j[:n], t[:n]


@_jit
def write_pairs(rel: SparsePairs, i: np.ndarray, j: np.ndarray, fam: np.ndarray, trust: np.ndarray,
                now: int) -> None:
    """Store familiarity and trust of pairs (i, j) as of week ``now`` (every pair has a
    record; a repeated pair keeps its last values): the records ``Relations.set_block``
    writes.
    """
    p = _records(rel)
    for k in range(i.size):
        x = find(p, i[k], j[k])
        p.F[x] = fam[k]
        p.T[x] = trust[k]
        p.last[x] = now


@_jit
def block_pair_sums(slots: np.ndarray, rel: SparsePairs, now: int) -> tuple[float, float]:
    """Sparse ``kernels.block_pair_sums``: the block's terms laid out as the dense kernel lays
    them out (a stranger's are 0), summed the same way.
    """
    p = _records(rel)
    f_decay, t_decay, prior = rel.f_decay, rel.t_decay, rel.prior
    horizon = f_decay.size - 1
    n = slots.size
    f = np.zeros(n * n)
    t = np.zeros(n * n)
    for x in range(n):
        for y in range(n):
            r = find(p, slots[x], slots[y])
            if r >= 0:
                g = _gap(p, r, now, horizon)
                f[x * n + y] = p.F[r] * f_decay[g]
                t[x * n + y] = (p.T[r] - prior) * t_decay[g]
    diagonal = np.arange(n) * (n + 1)
    return (kernels.pairwise_sum(f) - kernels.pairwise_sum(f[diagonal]),
            kernels.pairwise_sum(t) - kernels.pairwise_sum(t[diagonal]))


# ---------------------------------------------------------------- encounter passes
# The sparse forms of the fused passes of converse and collaborate (``model.kernels``,
# sections encounters, yields and collaborate): the same steps, with this store's encounter
# and reads; every pair to be written has a record already (``ensure_pairs``).


@_jit
def group_encounters(rel: SparsePairs, tie_floor: float, know: kernels.KnowledgeArrays,
                     people: kernels.People, members: np.ndarray, bounds: np.ndarray, i: np.ndarray,
                     j: np.ndarray, g: np.ndarray, u: np.ndarray, face: np.ndarray,
                     dialogue: np.ndarray, base: float, rule: kernels.EncounterRule,
                     group: kernels.GroupRule, now: int
                     ) -> tuple[np.ndarray, np.ndarray, int, np.ndarray]:
    """Sparse ``kernels.group_encounters``."""
    atm = kernels.group_atmosphere(members, bounds, people.strengths[:, group.builder], base,
                                   group.builder_boost)
    trust, breach, new = encounter(rel, tie_floor, know, i, j, g, u, face,
                                   group.virtual_factor, atm, dialogue, people.org, people.resident,
                                   rule, now)
    return trust, atm, kernels.partners_after(people, i, j, trust, breach, group), new


@_jit
def work_in_groups(rel: SparsePairs, tie_floor: float, know: kernels.KnowledgeArrays,
                   people: kernels.People, members: np.ndarray, bounds: np.ndarray, i: np.ndarray,
                   j: np.ndarray, g: np.ndarray, src: int, base: float, rules: kernels.GroupRules,
                   facilitation: float, value_total: float, since: float, progress: float,
                   advocacy: float, now: int
                   ) -> tuple[int, np.ndarray, int, bool, tuple[float, float, float], float]:
    """Sparse ``kernels.work_in_groups``."""
    u = kernels.uniforms(src, i.size)
    u_ideas = kernels.uniforms(src, bounds.size - 1)
    rule, group = kernels.with_facilitation(rules.encounter, facilitation), rules.group
    value = (value_total, since, progress)
    kernels.join_groups(members, group.hours, people.collaborated, people.week_hours,
                        people.groups_joined, people.week_active)
    trust, atm, breaches, new = group_encounters(rel, tie_floor, know, people, members,
                                                 bounds, i, j, g, u, np.zeros(0, dtype=np.bool_),
                                                 people.dialogue, base, rule, group, now)
    kernels.count_into(people.work_contacts, i)
    ideas, credited, value = kernels.innovate(people, members, bounds, i, j, g, trust, atm,
                                              u_ideas, value, rule, group)
    factor = kernels.purpose_factor(group.factor_kind, i, j, people.org, people.resident,
                                    people.role, group.seeker, rule.distance_resident,
                                    rule.distance_cross_org)
    who, best = met_benefit(rel, i, trust, factor, people.present.size)
    yielded, value, advocacy = kernels.purpose_yield(people, who, best, value, advocacy, group)
    return breaches, new, ideas, credited or yielded, value, advocacy


@_jit
def met_benefit(rel: SparsePairs, i: np.ndarray, trust: np.ndarray, factor: np.ndarray,
                capacity: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`best_benefit` of pairs (i, j) right after their encounters, from ``trust``,
    each pair's stored trust after them (as :func:`encounter` returns it), without
    searching for their records again: a pair met now was touched now (gap 0) and stores
    that trust (as :func:`talks_value` reads a meeting's). The same benefits and maxima,
    also for a pair that met in two groups: :func:`encounter` returns every pair's trust as
    stored after all its pairs, so both places read the trust its record ends with.
    """
    t_decay, prior = rel.t_decay, rel.prior
    best = np.zeros(capacity)
    for k in range(i.size):
        t = prior + (trust[k] - prior) * t_decay[0]  # touched now: the gap is 0
        best[i[k]] = kernels.kept_benefit(best[i[k]], t, prior,
                                            factor[k] if factor.size else 1.0)
    who = np.flatnonzero(best)
    return who, best[who]


@_jit
def seamless_value(workers: np.ndarray, n_cases: np.ndarray, drawn: np.ndarray,
                   people: kernels.People, used: int, n_orgs: int, know: kernels.KnowledgeArrays,
                   rel: SparsePairs, knowledge_threshold: float, tie_threshold: float,
                   rules: kernels.GroupRules, value_total: float, since: float, progress: float,
                   now: int) -> tuple[bool, tuple[float, float, float]]:
    """Sparse ``kernels.seamless_value``."""
    value = (value_total, since, progress)
    who = kernels.case_lanes(workers, n_cases)
    seamless = seamless_cases(who, drawn, people.org, n_orgs, people.present[:used], know, rel,
                              knowledge_threshold, tie_threshold, now)
    if seamless.size == 0:
        return False, value
    return True, kernels.credit(people.week_value, seamless, np.ones(seamless.size), value,
                                rules.group)


@_jit
def client_cases(src: int, active: np.ndarray, lam: float, people: kernels.People, used: int,
                 n_orgs: int, know: kernels.KnowledgeArrays, rel: SparsePairs,
                 knowledge_threshold: float, tie_threshold: float, rules: kernels.GroupRules,
                 value_total: float, since: float, progress: float, now: int
                 ) -> tuple[bool, tuple[float, float, float]]:
    """Sparse ``kernels.client_cases``."""
    workers = kernels.non_residents(active, people.resident)
    if workers.size == 0 or n_orgs < 2:
        return False, (value_total, since, progress)
    n_cases, drawn = kernels.case_draws(src, workers, lam, n_orgs)
    if drawn.size == 0:
        return False, (value_total, since, progress)
    return seamless_value(workers, n_cases, drawn, people, used, n_orgs, know, rel,
                          knowledge_threshold, tie_threshold, rules, value_total, since, progress,
                          now)


@_jit
def round_encounters(rel: SparsePairs, tie_floor: float, know: kernels.KnowledgeArrays,
                     people: kernels.People, members: np.ndarray, bounds: np.ndarray, i: np.ndarray,
                     j: np.ndarray, g: np.ndarray, u: np.ndarray, face: np.ndarray,
                     dialogue: np.ndarray, base: float, rules: kernels.GroupRules,
                     facilitation: float, now: int) -> tuple[np.ndarray, int, np.ndarray]:
    """One conversation round's encounters of sparse ``kernels.talk_rounds`` (its groups
    formed, its pairs given records): :func:`group_encounters` with the encounter rule at
    ``facilitation``; returns the trust stored pair by pair, the breaches and the tie
    candidates newly listed.
    """
    trust, _, breaches, new = group_encounters(
        rel, tie_floor, know, people, members, bounds, i, j, g, u, face, dialogue, base,
        kernels.with_facilitation(rules.encounter, facilitation), rules.group, now)
    return trust, breaches, new


@_jit
def purpose_value(rel: SparsePairs, people: kernels.People, i: np.ndarray, j: np.ndarray,
                  rules: kernels.GroupRules, value_total: float, since: float, progress: float,
                  advocacy: float, now: int) -> tuple[bool, tuple[float, float, float], float]:
    """Sparse ``kernels.purpose_value``."""
    group = rules.group
    e = rules.encounter
    factor = kernels.purpose_factor(group.factor_kind, i, j, people.org, people.resident,
                                    people.role, group.seeker, e.distance_resident,
                                    e.distance_cross_org)
    who, best = best_benefit(rel, i, j, factor, now, people.present.size)
    return kernels.purpose_yield(people, who, best, (value_total, since, progress), advocacy,
                                 group)


@_jit
def work_and_cases(src: int, rel: SparsePairs, sums_factor: np.ndarray, tie_floor: float,
                   written: int, know: kernels.KnowledgeArrays,
                   people: kernels.People, used: int, active: np.ndarray, members: np.ndarray,
                   bounds: np.ndarray, i: np.ndarray, j: np.ndarray, g: np.ndarray, base: float,
                   rules: kernels.GroupRules, facilitation: float, cases: bool, lam: float,
                   n_orgs: int, knowledge_threshold: float, tie_threshold: float,
                   value_total: float, since: float, progress: float, advocacy: float, now: int
                   ) -> tuple[int, int, int, bool, tuple[float, float, float], float,
                              np.ndarray]:
    """The rest of sparse :func:`collaborate` once the week's groups are formed and their
    pairs (i, j) have records (``ensure_pairs``): as the dense ``kernels.collaborate`` from
    its groups on (the running sums brought to ``now`` by ``sums_factor`` unless empty, the
    written bound moved past the pairs, :func:`work_in_groups`, or :func:`kernels.
    join_groups` alone without pairs; then :func:`client_cases` with ``cases``).

    Returns:
        The breaches, the new practices, the written bound, whether value was credited, the
        value and the advocacy stock, and the tie candidates newly listed.
    """
    col_sums = rel.cols
    value = (value_total, since, progress)
    new = np.empty(0, dtype=np.int64)
    breaches, ideas, credited = 0, 0, False
    if i.size == 0:  # nobody to meet (or no groups): the members only join
        kernels.join_groups(members, rules.group.hours, people.collaborated,
                            people.week_hours, people.groups_joined, people.week_active)
    else:
        kernels.scale_sums(col_sums, sums_factor)
        written = kernels.written_bound(written, i, j)
        breaches, new, ideas, credited, value, advocacy = work_in_groups(
            rel, tie_floor, know, people, members, bounds, i, j, g, src, base, rules,
            facilitation, *value, advocacy, now)
    if cases:
        cased, value = client_cases(src, active, lam, people, used, n_orgs, know, rel,
                                    knowledge_threshold, tie_threshold, rules, *value, now)
        credited = credited or cased
    return breaches, ideas, written, credited, value, advocacy, new


@_jit
def collaborate(src: int, rel: SparsePairs, sums_factor: np.ndarray, tie_floor: float,
                written: int, know: kernels.KnowledgeArrays, people: kernels.People, used: int,
                active_code: int, attachment: np.ndarray, factor: np.ndarray, org_time: np.ndarray,
                rate: float, forming: np.ndarray, assembler: int, m: int, k: int, base: float,
                rules: kernels.GroupRules, facilitation: float, cases: bool, lam: float,
                n_orgs: int, knowledge_threshold: float, tie_threshold: float, value_total: float,
                since: float, progress: float, advocacy: float, now: int
                ) -> tuple[np.ndarray, bool, int, int, int, bool, tuple[float, float, float],
                           float, np.ndarray, int, np.ndarray, np.ndarray, np.ndarray,
                           np.ndarray, np.ndarray]:
    """Sparse ``kernels.collaborate``: the same chain and draws, the groups' pairs given
    records (:func:`ensure_team_pairs`) between their forming and their encounters.

    When the pool fills up before every pair has a record, the call stops there, having
    drawn the groups (and nothing after them): it returns how many pairs have records and
    the groups, for the caller to make room, give the rest records and call
    :func:`work_and_cases` (which is how this call goes on when there is room).

    Returns:
        The active slots; whether the table ``attachment`` held everyone's weight (when not,
        nothing else was done or drawn); the ordered pairs that met, the breaches, the new
        practices and the written bound; whether value was credited, the value and the
        advocacy stock; the tie candidates newly listed; then the pairs given records (less
        than the pairs met: the call stopped there) and the groups' members, bounds and
        pairs ``i``, ``j``, ``g``.
    """
    value = (value_total, since, progress)
    new = np.empty(0, dtype=np.int64)
    active, weight, fits = kernels.active_weights(people, used, active_code, attachment)
    if not fits:
        members, bounds, i, j, g = kernels.no_groups()
        return (active, False, 0, 0, 0, written, False, value, advocacy, new, 0, members,
                bounds, i, j, g)
    members, bounds, i, j, g = form_working_groups(src, rel, people, active, weight, factor,
                                                   org_time, rate, forming, assembler, m, k, now)
    # The groups' pairs are those of kernels.team_pairs, in its order (form_working_groups
    # lists them so, or none): each pair's records are searched for once, not twice.
    ensured = ensure_team_pairs(rel, bounds, i, j, 0, now)
    if ensured < i.size:  # the pool is full: the caller makes room and goes on
        return (active, True, i.size, 0, 0, written, False, value, advocacy, new, ensured,
                members, bounds, i, j, g)
    breaches, ideas, written, credited, value, advocacy, new = work_and_cases(
        src, rel, sums_factor, tie_floor, written, know, people, used, active, members,
        bounds, i, j, g, base, rules, facilitation, cases, lam, n_orgs, knowledge_threshold,
        tie_threshold, *value, advocacy, now)
    return (active, True, i.size, breaches, ideas, written, credited, value, advocacy, new,
            ensured, members, bounds, i, j, g)


@_jit
def talks_value(rel: SparsePairs, people: kernels.People, members: np.ndarray, bounds: np.ndarray,
                per_round: np.ndarray, i: np.ndarray, j: np.ndarray, trust: np.ndarray,
                rules: kernels.GroupRules, value_total: float, since: float, progress: float,
                advocacy: float, now: int) -> tuple[bool, tuple[float, float, float], float]:
    """:func:`purpose_value` of a meeting's talks right after them, without a search per
    pair: the rounds' groups (``members``, ``bounds``, ``per_round``), their ordered pairs
    (i, j) round after round, and ``trust``, each pair's stored trust after its round (as
    sparse ``talk_rounds`` returns them). A pair met this week was touched now (gap 0), and
    its stored trust is that of the last round it met in; where it meets again in a later
    round its earlier place is skipped, for the later one gives the same benefit and the
    best is a maximum. The same benefits, maxima and yield as :func:`purpose_value`.

    Returns:
        As :func:`purpose_value`.
    """
    t_decay, prior = rel.t_decay, rel.prior
    group = rules.group
    e = rules.encounter
    capacity = people.present.size
    rounds = per_round.size
    pairs = i.size // rounds if rounds else 0
    group_of = np.full((rounds, capacity), -1, dtype=np.int64)  # each round's group of a slot
    g = 0
    for r in range(rounds):
        for _ in range(per_round[r]):
            for x in range(bounds[g], bounds[g + 1]):
                group_of[r, members[x]] = g
            g += 1
    factor = kernels.purpose_factor(group.factor_kind, i, j, people.org, people.resident,
                                    people.role, group.seeker, e.distance_resident,
                                    e.distance_cross_org)
    best = np.zeros(capacity)
    for k in range(i.size):
        a, b = i[k], j[k]
        again = False
        for r in range(k // pairs + 1, rounds):
            if group_of[r, a] == group_of[r, b]:
                again = True
        if again:
            continue
        t = prior + (trust[k] - prior) * t_decay[0]  # touched now: the gap is 0
        best[a] = kernels.kept_benefit(best[a], t, prior,
                                         factor[k] if factor.size else 1.0)
    who = np.flatnonzero(best)
    return kernels.purpose_yield(people, who, best[who], (value_total, since, progress),
                                 advocacy, group)
