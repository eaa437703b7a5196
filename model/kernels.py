"""Inner loops compiled with numba: the places where the model's work is a loop over
seats, pairs or people too fine-grained for whole-array numpy calls.

Each kernel is a plain loop over numpy arrays with no model rules beyond what its
docstring states, and no randomness of its own: random numbers come from the model's
generator, drawn by the caller and passed in, or drawn inside through ``model.draws``
(the kernels that take ``src``: the same numbers, in the same order, as the numpy calls
they replace). Each has a reference in plain Python or numpy that the tests compare it
with, and the model's results are those of the numpy forms they replaced. Compiled code is cached
next to this file (``cache=True``), so only the first use on a machine pays
for compilation.

The kernels are grouped by the process of the weekly schedule that uses them (ODD
section 3), in its order, so that a process reads top-down with its ODD submodel: the pair
store's reads and writes, which every process uses; 1 convene; 2 attend; team assembly
(the seat rule of conversation groups and working groups, also used by the docking);
3 converse; the encounter round (converse and collaborate); what groups yield; 4 relay
(with the knowledge store's row maps); 5 collaborate; 6 motivate; 7 decay; 8 churn (with
the seating of newcomers, which convene's recruits use too); 10 observe (the reporters'
passes). 9 lifecycle has none. The per-participant arrays reach a kernel either one by one
or as ``model.state.People``; the knowledge store's arrays always as
``model.state.KnowledgeArrays``; the dense pair store's, where a kernel called from the
store takes them, as ``model.state.DensePairs`` (``rel``), whose fields a kernel that loops
reads into locals first (the helpers it calls take those arrays one by one); the sparse
store's likewise as ``model.state.SparsePairs``.

The kernels here that index the dense pair arrays have sparse forms of the same names in
``model/sparse_kernels.py`` (the sparse pair store of large networks).
"""

from __future__ import annotations

from typing import NamedTuple, get_type_hints

import numba
import numpy as np
from numba.core import types
from numba.experimental import structref

from model import draws
from model.state import NEVER, DensePairs, KnowledgeArrays, People

_jit = numba.njit(cache=True, nogil=True)
# Helpers compiled into each caller (no call, no reference counting of their arrays).
_inline = numba.njit(cache=True, nogil=True, inline="always")


def rule_record(rule: tuple) -> np.ndarray:
    """A rule's parameters (a ``NamedTuple`` of numbers) as a one-row structured array with
    the same field names, which a kernel reads as ``rules[0].name``.

    numba types every field of a ``NamedTuple`` argument on every call (about 2 us), an
    array in about 0.3 us; the values are the same, as float64.
    """
    dtype = np.dtype([(name, np.float64) for name in rule._fields])
    return np.array([tuple(rule)], dtype=dtype)


# ---------------------------------------------------------------- pair store
# The pair store: reads and writes of familiarity, trust and the week of the last touch.
# The relations' square arrays F (familiarity), T (trust of row in column) and last (week
# of the last touch), fields of ``rel`` (``model.state.DensePairs``) with the decay tables,
# the prior and the running sums, are read and written pair by pair here, in one pass:
# the same arithmetic as the numpy expressions in ``model.relations.Relations`` that they
# replace, so results are identical. Decay factors are tabulated by gap in weeks; gaps
# beyond the table use its last entry. Every process that touches a pair goes through these.


@_jit
def settle_pairs(rel: DensePairs, i: np.ndarray, j: np.ndarray,
                 now: int) -> tuple[np.ndarray, np.ndarray]:
    """Apply each pair's elapsed decay, mark it touched now, and return its familiarity
    and trust (a pair listed twice is settled once: its second gap is 0).
    """
    F, T, last = rel.F, rel.T, rel.last
    f_decay, t_decay, prior = rel.f_decay, rel.t_decay, rel.prior
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
def current_familiarity(rel: DensePairs, i: np.ndarray, j: np.ndarray, now: int) -> np.ndarray:
    """Familiarity of pairs (i, j) now, without changing the store."""
    F, last, f_decay = rel.F, rel.last, rel.f_decay
    horizon = f_decay.size - 1
    fam = np.empty(i.size)
    for k in range(i.size):
        fam[k] = F[i[k], j[k]] * f_decay[min(now - last[i[k], j[k]], horizon)]
    return fam


@_jit
def current_trust(rel: DensePairs, i: np.ndarray, j: np.ndarray, now: int) -> np.ndarray:
    """Trust of i in j now for pairs (i, j), without changing the store."""
    T, last, t_decay, prior = rel.T, rel.last, rel.t_decay, rel.prior
    horizon = t_decay.size - 1
    out = np.empty(i.size)
    for k in range(i.size):
        out[k] = prior + (T[i[k], j[k]] - prior) * t_decay[min(now - last[i[k], j[k]], horizon)]
    return out


@_jit
def familiarity_blocks(rel: DensePairs, ids: np.ndarray, now: int) -> np.ndarray:
    """Familiarity now among each row's people: ``out[l, x, y]`` of ``ids[l, x]`` with
    ``ids[l, y]`` (``ids`` is ``(lanes, n)``).

    Familiarity and the week of last contact are symmetric in the model's store (every
    write is made for both orders of a pair; tests/test_invariants.py checks it), so half
    of each block is read and mirrored.
    """
    F, last, f_decay = rel.F, rel.last, rel.f_decay
    horizon = f_decay.size - 1
    lanes, n = ids.shape
    out = np.empty((lanes, n, n))
    for lane in range(lanes):
        for x in range(n):
            a = ids[lane, x]
            for y in range(x, n):
                b = ids[lane, y]
                out[lane, x, y] = F[a, b] * f_decay[min(now - last[a, b], horizon)]
                out[lane, y, x] = out[lane, x, y]
    return out


@_jit
def store_pairs(rel: DensePairs, q: int, i: np.ndarray, j: np.ndarray,
                values: np.ndarray) -> np.ndarray:
    """``arr[i, j] = values`` pair by pair for the quantity ``q`` of the store ``rel``
    (``arr`` its ``F`` for 0, familiarity, its ``T`` for 1, trust; a repeated pair keeps its
    last value), adding each change to ``col_sums[t, j]`` (``rel.cols[t, q, j]``) for every
    set of sums t whose rows ``tracked[t]`` include i, where i != j; returns the values
    stored at the end, pair by pair.
    """
    arr, tracked, col_sums = (rel.F if q == 0 else rel.T), rel.tracked, rel.cols[:, q]
    for k in range(i.size):
        a, b = i[k], j[k]
        if a != b:
            change = values[k] - arr[a, b]
            for t in range(tracked.shape[0]):
                if tracked[t, a]:
                    col_sums[t, b] += change
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


@_inline
def add_change(tracked: np.ndarray, col_sums: np.ndarray, q: int, a: int, b: int,
                change: float) -> None:
    """Add the change of quantity ``q`` (0 familiarity, 1 trust) of pair (a, b) to column
    ``b`` of every set of running sums whose tracked rows include ``a``.
    """
    for t in range(tracked.shape[0]):
        if tracked[t, a]:
            col_sums[t, q, b] += change


@_inline
def _mean_row(x: np.ndarray, row: int) -> float:
    """Mean of a row, summed left to right as numpy sums a short row."""
    total = 0.0
    for c in range(x.shape[1]):
        total += x[row, c]
    return total / x.shape[1]


#: Block length up to which numpy's pairwise summation adds with eight running sums.
_PAIRWISE_BLOCK = 128


_UNROLL = 8


@_inline
def _unrolled_sum(a: np.ndarray, start: int, step: int, n: int) -> float:
    """The sum, in numpy's order, of ``a[start::step][:n]`` for ``n <= _PAIRWISE_BLOCK``:
    sequential below eight entries, else eight interleaved running sums joined pairwise,
    then the rest.
    """
    if n < _UNROLL:
        total = 0.0
        for x in range(n):
            total += a[start + x * step]
        return total
    r0, r1, r2, r3 = a[start], a[start + step], a[start + 2 * step], a[start + 3 * step]
    r4, r5 = a[start + 4 * step], a[start + 5 * step]
    r6, r7 = a[start + 6 * step], a[start + 7 * step]
    x = _UNROLL
    while x < n - n % _UNROLL:
        at = start + x * step
        r0 += a[at]
        r1 += a[at + step]
        r2 += a[at + 2 * step]
        r3 += a[at + 3 * step]
        r4 += a[at + 4 * step]
        r5 += a[at + 5 * step]
        r6 += a[at + 6 * step]
        r7 += a[at + 7 * step]
        x += _UNROLL
    total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while x < n:
        total += a[start + x * step]
        x += 1
    return total


@_jit
def pairwise_sum(a: np.ndarray) -> float:
    """Sum of a 1-D float array in exactly numpy's order (``np.add.reduce`` of a 1-D array,
    or of each row of a C-contiguous 2-D one), so that compiled sums equal numpy's bit for
    bit: sequential below eight entries, eight interleaved running sums up to
    ``_PAIRWISE_BLOCK``, else the halves (cut at a multiple of eight) summed separately.
    """
    n = a.size
    if n <= _PAIRWISE_BLOCK:
        return _unrolled_sum(a, 0, 1, n)
    half = n // 2
    half -= half % _UNROLL
    return pairwise_sum(a[:half]) + pairwise_sum(a[half:])


@_jit
def strided_sum(a: np.ndarray, start: int, step: int, n: int) -> float:
    """:func:`pairwise_sum` of ``a[start::step][:n]`` (e.g. a flat square block's diagonal,
    ``a[np.arange(n) * (n + 1)]``) without gathering it: the same additions in the same
    order, so the same bits, and no array made for them (up to ``_PAIRWISE_BLOCK`` entries).
    """
    if n <= _PAIRWISE_BLOCK:
        return _unrolled_sum(a, start, step, n)
    # Longer (no small network's diagonal): gathered, and pairwise_sum splits it. Not split
    # here: a self-recursive kernel loaded from numba's cache crashed (measured).
    gathered = np.empty(n)
    for x in range(n):
        gathered[x] = a[start + x * step]
    return pairwise_sum(gathered)


@_jit
def _flags_at(flags: np.ndarray) -> np.ndarray:
    """``np.flatnonzero(flags)`` of a 1-D bool array."""
    out = np.empty(flags.size, dtype=np.int64)
    n = 0
    for s in range(flags.size):
        if flags[s]:
            out[n] = s
            n += 1
    return out[:n]


# ---------------------------------------------------------------- convene
# 1 convene: the week's start and the coordinator's follow-ups (ODD 7.1).


@_jit
def start_week(week_value: np.ndarray, week_hours: np.ndarray, week_lift: np.ndarray,
               week_active: np.ndarray, present: np.ndarray, status: np.ndarray, used: int,
               peripheral: int) -> tuple[np.ndarray, np.ndarray, int]:
    """A new week (ODD 7.1, convene): the week's totals (``week_value``, ``week_hours``,
    ``week_lift``, ``week_active``) start at nought, and the present are listed once for
    what convene reads of them. Status codes below ``peripheral`` are active ones, above it
    dormant ones (``Status``). Reference: the numpy form in
    ``tests/test_kernels_processes.py``.

    The six arrays are passed rather than ``People``: numba takes an array in about
    0.05 us, the structure in about 0.6 us.

    Returns:
        The present slots among the first ``used`` (``np.flatnonzero(present[:used])``) and
        those of them active or peripheral (invited to a meeting), in slot order; and how
        many are peripheral or dormant (whom the coordinator may follow up:
        :func:`drawn_follow_up` lists them when it draws any).
    """
    week_value[:] = 0.0
    week_hours[:] = 0.0
    week_lift[:] = 0.0
    week_active[:] = False
    members = np.empty(used, dtype=np.int64)
    invited = np.empty(used, dtype=np.int64)
    n_members = n_invited = n_drifting = 0
    for s in range(used):
        if not present[s]:
            continue
        members[n_members] = s
        n_members += 1
        if status[s] <= peripheral:
            invited[n_invited] = s
            n_invited += 1
        if status[s] >= peripheral:
            n_drifting += 1
    return members[:n_members], invited[:n_invited], n_drifting


@_jit
def drifting(present: np.ndarray, status: np.ndarray, used: int, peripheral: int) -> np.ndarray:
    """The present slots among the first ``used`` that are peripheral or dormant (status code
    ``peripheral`` or above, not left), in slot order.
    """
    out = np.empty(used, dtype=np.int64)
    n = 0
    for s in range(used):
        if present[s] and status[s] >= peripheral:
            out[n] = s
            n += 1
    return out[:n]


@_jit
def follow_up(chosen: np.ndarray, commitment: np.ndarray, purpose: np.ndarray,
              status: np.ndarray, org: np.ndarray, lift: float, boost: float,
              goal_clarity: float, others_own: float, active_threshold: float,
              peripheral_threshold: float, codes: np.ndarray) -> bool:
    """The coordinator's follow-ups (ODD 7.1, convene) of the distinct slots ``chosen``:
    commitment rises by ``lift`` of its gap to 1, purpose moves ``boost`` of the way to the
    goal's clarity as far as they own the goal (``others_own`` for people of organisations
    other than the first, the lead organisation's; 1 for its own), and status follows
    commitment (:func:`set_status`). Reference: the numpy form in ``tests/test_kernels.py``.

    Returns:
        Whether any status changed.
    """
    for s in chosen:
        c = commitment[s]
        commitment[s] = c + lift * (1 - c)
        own = others_own if org[s] != 0 else 1.0
        purpose[s] = purpose[s] + boost * (goal_clarity * own - purpose[s])
    return set_status(status, commitment, chosen, active_threshold, peripheral_threshold, codes)


class FollowUpRule(NamedTuple):
    """The parameters of the coordinator's follow-ups (ODD 7.1), for the ``drawn_follow_up``
    kernel (as :func:`rule_record`).
    """

    lift: float  # share of the gap to full commitment a follow-up closes
    boost: float  # share of the way to the goal's clarity a follow-up moves purpose
    others_own: float  # how far other organisations own the goal (1 - lead_bias under a lead)
    active_threshold: float
    peripheral_threshold: float


@_jit
def drawn_follow_up(src: int, present: np.ndarray, status: np.ndarray, used: int, n: int,
                    commitment: np.ndarray, purpose: np.ndarray, org: np.ndarray,
                    goal_clarity: float, rules: np.ndarray, codes: np.ndarray
                    ) -> tuple[np.ndarray, bool]:
    """:func:`follow_up` of ``n`` of the drifting (:func:`drifting`: present among the first
    ``used``, peripheral or dormant by ``codes``) drawn at random from the generator at
    ``src``: ``drifting[rng.choice(drifting.size, size=n, replace=False)]`` (``n`` at most
    ``drifting.size``; :func:`model.draws.sample`), with the parameters of
    :class:`FollowUpRule` as :func:`rule_record`.

    The five arrays are passed rather than ``People``: numba takes an array in about 0.05 us,
    the structure in about 0.6 us.

    Returns:
        The slots followed up, in the order drawn, and whether any status changed.
    """
    rule = rules[0]
    among = drifting(present, status, used, codes[1])
    chosen = among[draws.sample(src, among.size, n)]
    changed = follow_up(chosen, commitment, purpose, status, org, rule.lift, rule.boost,
                        goal_clarity, rule.others_own, rule.active_threshold,
                        rule.peripheral_threshold, codes)
    return chosen, changed


# ---------------------------------------------------------------- attend
# 2 attend (ODD 7.2). The attendance choice's draws are made first (in
# :func:`drawn_attendance_logit`): two uniforms per person asked, the first ``n`` deciding who
# sits in the room, the next ``n`` who comes (the stream of two draws of ``n``); numpy's exp
# turns the log-odds into chances between the two kernels (numba's exp need not give
# numpy's last bit).


class AttendanceRule(NamedTuple):
    """The parameters of the attendance choice (ODD 7.2), for the ``attendance_logit`` kernel
    (as :func:`rule_record`).
    """

    attend_intercept: float
    attend_commitment: float
    attend_mandate: float
    attend_culture: float
    attend_overload: float
    overload_cap: float


@_jit
def asked(invited: np.ndarray, followed_up: np.ndarray, used: int) -> np.ndarray:
    """Everyone invited or followed up (slots below ``used``), once each, in slot order:
    ``np.union1d`` of the two, without its sort.
    """
    flags = np.zeros(used, dtype=np.bool_)
    for s in invited:
        flags[s] = True
    for s in followed_up:
        flags[s] = True
    return np.flatnonzero(flags)


@_jit
def _meeting_hours(base_hours: float, travel_hours: float, in_room: bool) -> float:
    """Hours a meeting takes a person: ``base_hours``, and the travel if in the room."""
    return base_hours + travel_hours * (1.0 if in_room else 0.0)


@_jit
def attendance_logit(invited: np.ndarray, u: np.ndarray, room_share: float, base_hours: float,
                     travel_hours: float, interval: float, hours_ema: np.ndarray,
                     org: np.ndarray, org_time: np.ndarray, weeks_per_month: float,
                     discretionary: float, commitment: np.ndarray, mandate: np.ndarray,
                     culture: np.ndarray, rules: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each invited person would sit, and the log-odds that they come (ODD 7.2).

    Person ``x`` sits in the room when ``u[x]`` is below ``room_share``, else online. The
    log-odds are the intercept, plus commitment, statutory mandate and networking culture,
    less the overload of the time the meeting demands (``base_hours``, plus ``travel_hours``
    for those in the room, per week of the meeting ``interval``, on top of the hours
    usually spent) beyond the hours the person has for network work (the organisation's
    weekly allocation plus ``discretionary`` hours), capped at ``overload_cap`` (the cap
    when no hours at all); the parameters are :class:`AttendanceRule` as
    :func:`rule_record`. Reference: the numpy form in ``tests/test_kernels_processes.py``.

    Returns:
        Whether each invited person is in the room, and their log-odds of coming.
    """
    rule = rules[0]
    in_room = np.empty(invited.size, dtype=np.bool_)
    logit = np.empty(invited.size)
    for x in range(invited.size):
        s = invited[x]
        o = org[s]
        in_room[x] = u[x] < room_share
        demand = _meeting_hours(base_hours, travel_hours, in_room[x]) / interval + hours_ema[s]
        alloc = org_time[o] / weeks_per_month + discretionary
        overload = max(0.0, demand / alloc - 1.0) if alloc > 0 else rule.overload_cap
        logit[x] = (rule.attend_intercept + rule.attend_commitment * (commitment[s] - 0.5)
                    + rule.attend_mandate * mandate[o]
                    + rule.attend_culture * (culture[o] - 0.5)
                    - rule.attend_overload * min(overload, rule.overload_cap))
    return in_room, logit


@_jit
def drawn_attendance_logit(src: int, invited: np.ndarray, followed_up: np.ndarray, used: int,
                           room_share: float, base_hours: float, travel_hours: float,
                           interval: float, hours_ema: np.ndarray, org: np.ndarray,
                           org_time: np.ndarray, weeks_per_month: float, discretionary: float,
                           commitment: np.ndarray, mandate: np.ndarray, culture: np.ndarray,
                           rules: np.ndarray
                           ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Everyone asked to the meeting (:func:`asked`: the ``invited``, listed in slot order,
    and the ``followed_up``; the invited alone when nobody was followed up), two uniforms
    each drawn from the generator at ``src`` (``rng.random(2 * n)``), and
    :func:`attendance_logit` of them: one call where attend made four.

    Returns:
        The slots asked, their uniforms, whether each would sit in the room, and their
        log-odds of coming.
    """
    ask = asked(invited, followed_up, used) if followed_up.size else invited
    u = uniforms(src, 2 * ask.size)
    in_room, logit = attendance_logit(ask, u, room_share, base_hours, travel_hours, interval,
                                      hours_ema, org, org_time, weeks_per_month,
                                      discretionary, commitment, mandate, culture, rules)
    return ask, u, in_room, logit


@_jit
def attend_meeting(invited: np.ndarray, in_room: np.ndarray, u: np.ndarray,
                   exp_minus_logit: np.ndarray, base_hours: float, travel_hours: float,
                   week_hours: np.ndarray, last_attended: np.ndarray, now: int,
                   week_active: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Who comes to the meeting, and what it takes of them (ODD 7.2).

    Invited person ``x`` (distinct slots) comes when ``u[n + x]`` (``n`` invited) is below
    the chance ``1 / (1 + exp(-logit))``, from ``exp_minus_logit`` (numpy's exp of the
    negated log-odds): then spends the meeting's hours (``travel_hours`` more in the
    room), has attended ``now`` and was active this week.

    Returns:
        The attendees in the order invited, whether each is in the room, and how many are.
    """
    n = invited.size
    attendees = np.empty(n, dtype=np.int64)
    seated = np.empty(n, dtype=np.bool_)
    count = n_room = 0
    for x in range(n):
        if not u[n + x] < 1.0 / (1.0 + exp_minus_logit[x]):
            continue
        s = invited[x]
        attendees[count] = s
        seated[count] = in_room[x]
        count += 1
        n_room += in_room[x]
        week_hours[s] += _meeting_hours(base_hours, travel_hours, in_room[x])
        last_attended[s] = now
        week_active[s] = True
    return attendees[:count], seated[:count], n_room


# ---------------------------------------------------------------- team assembly
# Team assembly: the seat rule of conversation groups and working groups (ODD 7.3, 7.5).


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

    The same rule, draws and result as ``_seat_lists`` in tests/test_formation.py (its reference):
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
    # Element loops rather than array expressions: ``near & free_inc``, ``near |= ties[...]``
    # and the row copies each made a temporary or a view per seat (an allocation or a
    # reference count), which cost more than the few flags they touch.
    for lane in range(lanes):
        n_inc, n_new = open_lane(incumbent, newcomer, lane, free_inc, free_new, near)
        for f in range(seated):
            who = founders[lane, f]
            out[lane, f] = who
            n_inc, n_new = seat_founder(who, free_inc, free_new, n_inc, n_new)
            for x in range(n):  # near |= ties[lane, who]
                near[x] = near[x] or ties[lane, who, x]
        for d in range(u.shape[0]):
            s = seated + d
            if partition and s % m == 0:
                for x in range(n):
                    near[x] = False  # a new team: nobody on it yet
            who, n_inc, n_new = drawn_seat(u, d, lane, p, q, free_inc, free_new, near, n_inc,
                                           n_new)
            if who < 0:
                break
            out[lane, s] = who
            for x in range(n):
                near[x] = near[x] or ties[lane, who, x]
    return out


@_inline
def open_lane(incumbent: np.ndarray, newcomer: np.ndarray, lane: int, free_inc: np.ndarray,
              free_new: np.ndarray, near: np.ndarray) -> tuple[int, int]:
    """A lane of the seat loop opened: its incumbents and newcomers flagged free (and
    counted), nobody near yet.

    Returns:
        The free incumbents and newcomers.
    """
    n_inc = 0
    n_new = 0
    for x in range(free_inc.size):
        free_inc[x] = incumbent[lane, x]
        free_new[x] = newcomer[lane, x]
        near[x] = False
        n_inc += free_inc[x]
        n_new += free_new[x]
    return n_inc, n_new


@_inline
def seat_founder(who: int, free_inc: np.ndarray, free_new: np.ndarray, n_inc: int,
                 n_new: int) -> tuple[int, int]:
    """Founder ``who`` seated: no longer free. Returns the free incumbents and newcomers."""
    if free_inc[who]:
        free_inc[who] = False
        n_inc -= 1
    if free_new[who]:
        free_new[who] = False
        n_new -= 1
    return n_inc, n_new


@_inline
def drawn_seat(u: np.ndarray, d: int, lane: int, p: float, q: float, free_inc: np.ndarray,
               free_new: np.ndarray, near: np.ndarray, n_inc: int, n_new: int
               ) -> tuple[int, int, int]:
    """The team-assembly rule's drawn seat ``d`` of a lane (the one definition both seat
    loops use): an incumbent with probability ``p`` (or when no newcomer is free), then a
    past collaborator of a member (``near``) with probability ``q`` if any is free, else
    anyone free of the kind; the k-th free one by the third draw.

    Returns:
        Who is seated (``-1``: nobody free, the lane's seating ends), and the free
        incumbents and newcomers left.
    """
    wants_inc = u[d, 0, lane] < p
    wants_mate = u[d, 1, lane] < q
    if n_inc > 0 and (wants_inc or n_new == 0):
        n_pool = 0
        if wants_mate:
            for x in range(free_inc.size):
                n_pool += near[x] and free_inc[x]
        if n_pool > 0:
            who = _kth(free_inc, near, int(u[d, 2, lane] * n_pool))
        else:
            who = _kth(free_inc, None, int(u[d, 2, lane] * n_inc))
        free_inc[who] = False
        return who, n_inc - 1, n_new
    if n_new > 0:
        who = _kth(free_new, None, int(u[d, 2, lane] * n_new))
        free_new[who] = False
        return who, n_inc, n_new - 1
    return -1, n_inc, n_new


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
def lane_masks(F: np.ndarray, last: np.ndarray, f_decay: np.ndarray, initiators: np.ndarray,
               cand: np.ndarray, collaborated: np.ndarray, acquaintance: float, now: int
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The lanes of ``assemble_teams`` for working groups (``NetworkModel._working_groups``)
    and their masks, and each initiator's familiarity with its draws now (``(initiators,
    k)``), without the lanes' ties: the dense store's working groups read those by the
    seats (:func:`seat_working_groups`).

    Initiator l thinks of the people ``cand[l]`` (k draws). Those it knows (familiarity
    at least ``acquaintance``), other than itself and not drawn before, are available:
    incumbents if they have collaborated before, else newcomers. Only initiators with
    someone available get a lane. Local ids 0..k-1 are the draws and k the initiator.
    The form with every lane's full ties, the reference of the seats, is
    ``tests/references.py``'s ``candidate_lanes``.

    Returns:
        The initiators' rows that get lanes, the incumbent and newcomer masks ``(lanes,
        k + 1)``, and the familiarity ``(initiators, k)``.
    """
    horizon = f_decay.size - 1
    n, k = cand.shape
    fam_who = np.empty((n, k))
    has = np.zeros(n, dtype=np.bool_)
    for r in range(n):
        a = initiators[r]
        for c in range(k):
            b = cand[r, c]
            fam_who[r, c] = F[a, b] * f_decay[min(now - last[a, b], horizon)]
            if fam_who[r, c] >= acquaintance and b != a:
                has[r] = True
    lanes = np.flatnonzero(has)
    incumbent = np.zeros((lanes.size, k + 1), dtype=np.bool_)
    newcomer = np.zeros((lanes.size, k + 1), dtype=np.bool_)
    for x in range(lanes.size):
        r = lanes[x]
        for c in range(k):
            b = cand[r, c]
            first = True
            for d in range(c):
                if cand[r, d] == b:
                    first = False
                    break
            if first and fam_who[r, c] >= acquaintance and b != initiators[r]:
                if collaborated[b]:
                    incumbent[x, c] = True
                else:
                    newcomer[x, c] = True
    return lanes, incumbent, newcomer, fam_who


@_jit
def seat_working_groups(u: np.ndarray, m: int, p_inc: float, q: float, incumbent: np.ndarray,
                        newcomer: np.ndarray, fam_who: np.ndarray, lanes: np.ndarray,
                        ids: np.ndarray, F: np.ndarray, last: np.ndarray, f_decay: np.ndarray,
                        collaborator: float, now: int) -> np.ndarray:
    """:func:`seat_teams` of working groups (``working_groups`` in ``tests/references.py``:
    one team of ``m`` per
    lane, founded by its initiator, local id k) without the lanes' full ties, as the sparse
    store seats them (``sparse_kernels.seat_working_groups``): a seat reads the ties only
    through the past collaborators of the members seated before it (``near``), so only
    those members' rows are read, each entry once (draws ``c <= d``: draw c's familiarity
    with draw d; the initiator's row from ``fam_who``; no tie to the initiator). The full
    ties (``candidate_lanes`` in ``tests/references.py``) read all k (k + 1) / 2 of a
    lane's pairs, where a team of three reads two rows. The same seats
    (``tests/test_kernels.py`` checks them against ``seat_teams`` on the full ties).

    Returns:
        Int ``(lanes, m)`` of local ids, ``-1`` for an empty seat, as ``seat_teams``.
    """
    n_lanes, n = incumbent.shape
    k = n - 1
    horizon = f_decay.size - 1
    out = np.full((n_lanes, m), -1, dtype=np.int64)
    free_inc = np.empty(n, dtype=np.bool_)
    free_new = np.empty(n, dtype=np.bool_)
    near = np.empty(n, dtype=np.bool_)  # past collaborators of the team's members
    for lane in range(n_lanes):
        r = lanes[lane]
        n_inc, n_new = open_lane(incumbent, newcomer, lane, free_inc, free_new, near)
        who = k  # the founder
        out[lane, 0] = who
        n_inc, n_new = seat_founder(who, free_inc, free_new, n_inc, n_new)
        for d in range(u.shape[0]):
            # near |= ties[lane, who] for the member seated last (the last seat's ties
            # would be read by no later seat), read here rather than by a helper: a helper
            # taking the arrays would count references to them each seat.
            if who == k:
                for x in range(k):
                    near[x] = near[x] or fam_who[r, x] >= collaborator
            else:
                for x in range(k):
                    if not near[x]:
                        a, b = (ids[lane, who], ids[lane, x]) if who <= x else (ids[lane, x],
                                                                               ids[lane, who])
                        f = F[a, b] * f_decay[min(now - last[a, b], horizon)]
                        near[x] = f >= collaborator
            who, n_inc, n_new = drawn_seat(u, d, lane, p_inc, q, free_inc, free_new, near,
                                           n_inc, n_new)
            if who < 0:
                break
            out[lane, 1 + d] = who
    return out


# ---------------------------------------------------------------- converse
# 3 converse: the meeting's circles, conversation rounds and what the talks leave (ODD 7.3).
# Converse here, and collaborate in its own section, call a few passes in place of a chain
# of small kernels and numpy steps (a dispatch with many arguments costs microseconds, as
# does each small numpy call): a meeting's rounds in one pass (``talk_rounds``, its draws
# drawn first: a round's pairs are known before its groups, ``round_pairs``), the working
# groups from joining to their yield in another (``work_in_groups``). Each pass is the chain
# it replaces, the same kernels in the same order, so results are identical; the passes
# that touch the pair store have sparse forms of the same names in
# ``model/sparse_kernels.py``. References: the chains in ``tests/test_kernels_encounters.py``.


@_jit
def circle_lanes(attendees: np.ndarray, circle: np.ndarray, n_circles: int, met: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The attendees of each meeting circle with at least two of them, one row per circle
    (``NetworkModel._circle_lanes``).

    Args:
        attendees: Slots that came, ascending.
        circle: Circle of each slot.
        n_circles: Circles of the network (more if a slot's circle is beyond them).
        met: Whether each slot has been to a meeting before.

    Returns:
        ``ids`` ``(circles, n)``: each talking circle's attendees in the order given, the
        row padded on the right with a repeat of its first attendee; ``present``, which
        entries are real; and ``first``, which real entries are first-timers (not ``met``).
    """
    n = attendees.size
    circles = n_circles
    for x in range(n):
        circles = max(circles, circle[attendees[x]] + 1)
    size = np.zeros(circles, dtype=np.int64)
    for x in range(n):
        size[circle[attendees[x]]] += 1
    lane = np.full(circles, -1, dtype=np.int64)
    lanes = 0
    width = 0
    for c in range(circles):
        if size[c] >= 2:
            lane[c] = lanes
            lanes += 1
            width = max(width, size[c])
    ids = np.empty((lanes, width), dtype=np.int64)
    present = np.zeros((lanes, width), dtype=np.bool_)
    first = np.zeros((lanes, width), dtype=np.bool_)
    fill = np.zeros(lanes, dtype=np.int64)
    for x in range(n):  # attendees in order: a stable sort by circle
        r = lane[circle[attendees[x]]]
        if r >= 0:
            s = attendees[x]
            ids[r, fill[r]] = s
            present[r, fill[r]] = True
            first[r, fill[r]] = not met[s]
            fill[r] += 1
    for r in range(lanes):
        for c in range(fill[r], width):
            ids[r, c] = ids[r, 0]
    return ids, present, first


@_jit
def conversation_groups(rel: DensePairs, ids: np.ndarray, present: np.ndarray,
                        first: np.ndarray, acquaintance: float, u: np.ndarray, m: int,
                        p_incumbent: float, q: float, now: int
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The groups of one conversation round in every circle (``NetworkModel.
    _conversation_groups``): who knows whom is familiarity now (:func:`familiarity_blocks`)
    at least ``acquaintance``; then :func:`partition_groups` with the seat draws ``u``
    (``model.formation.seat_draws`` for as many seats as the widest circle).

    Returns:
        The groups' members and bounds (as ``model.formation.Teams``) and their ordered
        pairs ``i``, ``j`` with each pair's group ``g``.
    """
    known = familiarity_blocks(rel, ids, now) >= acquaintance
    return partition_groups(known, ids, present, first, u, m, p_incumbent, q)


@_jit
def partition_groups(known: np.ndarray, ids: np.ndarray, present: np.ndarray,
                      first: np.ndarray, u: np.ndarray, m: int, p_incumbent: float, q: float
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One conversation round's groups from who knows whom in each circle (``known``): the
    team-assembly rule partitioning every lane (:func:`seat_teams`, first-timers as its
    newcomers, the others present as its incumbents), the groups with global ids
    (:func:`gather_teams`) and their ordered pairs (:func:`team_pairs`).
    """
    lanes = ids.shape[0]
    seats = seat_teams(u, m, p_incumbent, q, present & ~first, first, known,
                       np.zeros((lanes, 0), dtype=np.int64), True, u.shape[0])
    members, bounds = gather_teams(seats, ids, m)
    i, j, g = team_pairs(members, bounds)
    return members, bounds, i, j, g


@_jit
def round_pairs(present: np.ndarray, m: int) -> int:
    """The ordered pairs of one conversation round: every circle's people (``present``, a
    row per circle) are seated from the left in groups of ``m`` (the last may be smaller),
    so a circle of n has ``n // m`` groups of ``m`` and one of ``n % m``, whatever the draws.
    """
    total = 0
    for lane in range(present.shape[0]):
        n = 0
        for x in range(present.shape[1]):
            if present[lane, x]:
                n += 1
        rest = n % m
        total += (n // m) * m * (m - 1) + rest * (rest - 1)
    return total


@_jit
def meeting_face(attendees: np.ndarray, in_room: np.ndarray, capacity: int) -> np.ndarray:
    """Who meets face to face (bool per slot): the attendees in the room."""
    face = np.zeros(capacity, dtype=np.bool_)
    for x in range(attendees.size):
        face[attendees[x]] = in_room[x]
    return face


@_jit
def talk_rounds(rel: DensePairs, tie_floor: float, know: KnowledgeArrays, people: People,
                ids: np.ndarray, present: np.ndarray, first: np.ndarray, u_seats: np.ndarray,
                u: np.ndarray, face: np.ndarray, dialogue: np.ndarray, base: float,
                acquaintance: float, m: int, p_incumbent: float, q: float, rules: GroupRules,
                facilitation: float, now: int
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                           np.ndarray, int, np.ndarray]:
    """A meeting's conversation rounds (``NetworkModel._talk``), one after the other, in
    one pass: each round regroups every circle (:func:`conversation_groups`, with the seat
    draws ``u_seats[r]``) and its groups talk (:func:`group_encounters`, with the breach
    draws ``u[r]``, the skills ``dialogue`` and the encounter rule at ``facilitation``).
    The pair store's (``rel`` to ``tie_floor``) and the knowledge store's (``know``)
    are :func:`encounter`'s; ``ids``, ``present``, ``first``,
    ``acquaintance``, ``m``, ``p_incumbent``, ``q`` and ``now`` are
    :func:`conversation_groups`'; ``people`` and ``rules`` :func:`group_encounters`'
    (``rules.encounter``, ``rules.group``). ``u_seats`` holds per round the seat draws
    ``(seats, 3, circles)``, ``u`` per round a breach draw per ordered pair
    (:func:`round_pairs` of them); ``face`` says who meets face to face
    (:func:`meeting_face`), ``base`` is the groups' atmosphere before trust builders.

    Returns:
        Every round's groups (members, and bounds into them, rounds one after the other),
        the groups per round, every round's ordered pairs i and j (round after round), the
        trust stored after each pair's round, the breaches, and the tie candidates newly
        listed.

    Raises:
        ValueError: If a round's pairs are not as many as its draws.
    """
    rule, group = with_facilitation(rules.encounter, facilitation), rules.group
    rounds, pairs = u.shape
    seated = 0
    for lane in range(present.shape[0]):
        for x in range(present.shape[1]):
            if present[lane, x]:
                seated += 1
    members = np.empty(rounds * seated, dtype=np.int64)
    bounds = np.zeros(rounds * seated + 1, dtype=np.int64)
    per_round = np.zeros(rounds, dtype=np.int64)
    i_all = np.empty(rounds * pairs, dtype=np.int64)
    j_all = np.empty(rounds * pairs, dtype=np.int64)
    trust_all = np.empty(rounds * pairs)
    listed_now = np.empty(rounds * pairs, dtype=np.int64)
    breaches = 0
    n_groups = 0
    n_listed = 0
    for r in range(rounds):
        mem, bnd, i, j, g = conversation_groups(rel, ids, present, first,
                                                acquaintance, u_seats[r], m, p_incumbent, q,
                                                now)
        if i.size != pairs:
            raise ValueError("a round's pairs differ from its draws")
        trust, _, b, new = group_encounters(rel, tie_floor, know, people, mem, bnd, i,
                                            j, g, u[r], face, dialogue, base, rule, group, now)
        breaches += b
        for x in range(mem.size):
            members[r * seated + x] = mem[x]
        for x in range(1, bnd.size):
            bounds[n_groups + x] = r * seated + bnd[x]
        n_groups += bnd.size - 1
        per_round[r] = bnd.size - 1
        i_all[r * pairs:(r + 1) * pairs] = i
        j_all[r * pairs:(r + 1) * pairs] = j
        trust_all[r * pairs:(r + 1) * pairs] = trust
        listed_now[n_listed:n_listed + new.size] = new
        n_listed += new.size
    return (members, bounds[: n_groups + 1], per_round, i_all, j_all, trust_all, breaches,
            listed_now[:n_listed])


@_jit
def after_talks(people: People, attendees: np.ndarray, learning: float, coordinated: bool,
                facilitation: float, anticipation: float, goal_gain: float,
                clarity: float, left: float, bias: float, pull_rate: float,
                goal_builder: int, voicing: int) -> float:
    """What a meeting leaves its attendees after the talks (``NetworkModel.converse``,
    ``_goal_work``): they have met; their dialogic skills close ``learning`` of their gap;
    the goal's clarity closes ``goal_gain x min(1, workers)`` of its gap, workers being
    ``facilitation`` if the meeting is coordinated, plus one if a goal builder came, plus
    ``anticipation`` times the attendees' mean voicing; and each attendee's purpose moves
    ``pull_rate`` of the way to the clarity times ``left`` (times ``1 - bias`` for those not of
    organisation 0, where ``bias`` is not 0).

    Returns:
        The goal's clarity after the meeting.
    """
    met, d, strengths, purpose, org = (people.met, people.dialogue, people.strengths,
                                       people.purpose, people.org)
    builder = False
    for s in attendees:
        met[s] = True
        for c in range(d.shape[1]):
            d[s, c] = d[s, c] + learning * (1 - d[s, c])
        if strengths[s, goal_builder]:
            builder = True
    workers = (1.0 if coordinated else 0.0) * facilitation + (1.0 if builder else 0.0)
    if anticipation != 0.0:
        voiced = np.empty(attendees.size)
        for x in range(attendees.size):
            voiced[x] = d[attendees[x], voicing]
        workers += anticipation * (pairwise_sum(voiced) / attendees.size)
    clarity += goal_gain * min(1.0, workers) * (1 - clarity)
    pull = clarity * left
    for s in attendees:
        target = pull * (1 - bias) if bias != 0.0 and org[s] != 0 else pull
        purpose[s] = purpose[s] + pull_rate * (target - purpose[s])
    return clarity


@_jit
def converse(src: int, rel: DensePairs, sums_factor: np.ndarray, tie_floor: float, written: int,
             know: KnowledgeArrays, people: People, attendees: np.ndarray, in_room: np.ndarray,
             n_circles: int, rounds: int, m: int, base: float, acquaintance: float,
             p_incumbent: float, q: float, rules: GroupRules, facilitation: float, learning: float,
             coordinated: bool, goal_facilitation: float, anticipation: float, goal_gain: float,
             clarity: float, left: float, bias: float, pull_rate: float, goal_builder: int,
             voicing: int, value_total: float, since: float, progress: float, advocacy: float,
             now: int, log: bool
             ) -> tuple[bool, int, int, int, float, bool, tuple[float, float, float], float,
                        np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
    """A meeting's talks on the dense pair store (``NetworkModel.converse`` without an
    anticipation dialogue's lift or a rotating meeting) in one call: the chain of
    :func:`circle_lanes`, with any circle :func:`round_pairs`, the draws (per round
    ``rng.random((seats, 3, circles))``, ``model.formation.seat_draws`` for the widest
    circle, then with any pairs ``rng.random(pairs)``, the breach draws, all rounds' before
    the talks: ``NetworkModel._talk``) taken from the generator at ``src``, the running sums
    brought to ``now`` by ``sums_factor`` unless it is empty (``Relations._bring_sums``),
    :func:`talk_rounds` with the skills ``people.dialogue`` and the face-to-face meetings
    (:func:`meeting_face`), the written bound moved past the pairs (``Relations.
    _rounds_written``); then :func:`after_talks` (``learning`` to ``voicing``,
    ``goal_facilitation`` its ``facilitation``) and with any pairs :func:`purpose_value`.
    Each link reads and writes as it does apart, in the same order, so the results are
    those of the chain. The arguments are the links' (``rounds`` the conversation rounds,
    ``m`` the group size).

    Returns:
        Whether any circle talked (with two attendees or more); the ordered pairs of each
        round; the breaches; the written bound; the goal's clarity after the meeting;
        whether value was credited, the value (as :func:`credit`) and the advocacy stock;
        the tie candidates newly listed; if ``log``, every round's ordered pairs i and j,
        round after round (for a store that logs its written pairs), else None (as
        :func:`collaborate`).
    """
    col_sums = rel.cols
    ids, present, first = circle_lanes(attendees, people.circle, n_circles, people.met)
    lanes, seats = ids.shape
    talked = lanes > 0
    pairs, breaches = 0, 0
    i = np.empty(0, dtype=np.int64)
    j = np.empty(0, dtype=np.int64)
    new = np.empty(0, dtype=np.int64)
    if talked:
        pairs = round_pairs(present, m)
        u_seats = np.empty((rounds, seats, DRAWS_PER_SEAT, lanes))
        u = np.empty((rounds, pairs))
        for r in range(rounds):  # a round's seat draws, then its breach draws
            for s in range(seats):
                for d in range(DRAWS_PER_SEAT):
                    for x in range(lanes):
                        u_seats[r, s, d, x] = draws.uniform(src)
            for k in range(pairs):
                u[r, k] = draws.uniform(src)
        if sums_factor.size:
            for s in range(col_sums.shape[0]):
                for c in range(col_sums.shape[1]):
                    for x in range(col_sums.shape[2]):
                        col_sums[s, c, x] *= sums_factor[c]
        face = meeting_face(attendees, in_room, people.present.size)
        _members, _bounds, _per_round, i, j, _trust, breaches, new = talk_rounds(
            rel, tie_floor, know, people, ids, present, first, u_seats, u, face,
            people.dialogue, base, acquaintance, m, p_incumbent, q, rules, facilitation, now)
        if pairs:
            written = written_bound(written, i, j)
    clarity = after_talks(people, attendees, learning, coordinated, goal_facilitation,
                          anticipation, goal_gain, clarity, left, bias, pull_rate, goal_builder,
                          voicing)
    credited = False
    value = (value_total, since, progress)
    if i.size:
        credited, value, advocacy = purpose_value(rel, people, i, j, rules,
                                                  value_total, since, progress, advocacy, now)
    return (talked, pairs, breaches, written, clarity, credited, value, advocacy, new,
            (i, j) if log else None)


# ---------------------------------------------------------------- encounters
# Encounters: a round of talk in groups, in converse and collaborate (ODD 7.3).


class EncounterRule(NamedTuple):
    """The parameters of the encounter rule (ODD 7.3), as the ``encounter`` kernel reads them."""

    familiarity_gain: float
    breach_base: float
    perspective_strain: float
    facilitation: float  # of the meeting now (0 in working groups)
    openness: float  # of the network's leadership, (depth - 1) / 3
    distance_resident: float
    distance_cross_org: float
    trust_gain: float
    trust_gain_floor: float
    trust_loss_ratio: float
    knowledge_flow: float


@_jit
def written_bound(written: int, i: np.ndarray, j: np.ndarray) -> int:
    """``max(written, i.max() + 1, j.max() + 1)``, or ``written`` for no pairs: the bound
    past which a pair store still holds its initial values, after a round writes (i, j).

    One compiled call in place of two numpy reductions and a Python ``max`` (each
    encounter round).
    """
    hi = written
    for k in range(i.size):
        if i[k] >= hi:
            hi = i[k] + 1
        if j[k] >= hi:
            hi = j[k] + 1
    return hi


@_jit
def group_atmosphere(members: np.ndarray, bounds: np.ndarray, builder: np.ndarray,
                     base: float, boost: float) -> np.ndarray:
    """Each group's atmosphere: ``base``, plus ``boost`` if one of its members is a trust
    builder (``builder[slot]``), at most 1 (S19, S24, S27). Groups are ``members[bounds[g]:
    bounds[g + 1]]``, none empty. Reference: the numpy form in ``tests/test_kernels.py``.
    """
    n = bounds.size - 1
    atm = np.empty(n)
    for g in range(n):
        has = 0.0
        for x in range(bounds[g], bounds[g + 1]):
            if builder[members[x]]:
                has = 1.0
                break
        atm[g] = min(1.0, base + boost * has)
    return atm


@_jit
def encounter(rel: DensePairs, tie_floor: float, know: KnowledgeArrays, i: np.ndarray,
              j: np.ndarray, g: np.ndarray, u: np.ndarray, face: np.ndarray, virtual_factor: float,
              atmosphere: np.ndarray, dialogue: np.ndarray, org: np.ndarray, resident: np.ndarray,
              rule: EncounterRule, now: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pair updates of one round of encounters (ODD 7.3), all pairs read before any
    is written, as the numpy expressions they replace (a pair met twice in one round
    keeps its last update).

    For each ordered pair (i, j) of group g: settle the pair; familiarity grows by
    ``familiarity_gain x factor x (1 - F)`` (factor 1 face to face, else
    ``virtual_factor``; everyone counts as face to face when ``face`` is empty); the
    breach chance is ``breach_base (1 - dq)(1 - atm)(1 + perspective_strain x distance
    x (1 - suspension))`` with dq the pair's mean dialogic skill, atm the group's
    atmosphere, distance ``distance_resident`` across the resident line, else
    ``distance_cross_org`` across organisations, else 0, and suspension of judgement
    ``1 - (1 - facilitation)(1 - openness x s)``, s the pair's mean skill in suspending
    (S20, S27: a facilitator helps people suspend; open leadership lets them); a breach (``u < chance``) takes
    ``trust_loss_ratio x trust_gain x T`` off trust, otherwise trust grows by
    ``trust_gain x factor x F' x (floor + (1 - floor) atm) x (1 - T)`` (F' the new
    familiarity); trust is clipped to [0, 1]. Then i's knowledge of j's organisation
    closes ``knowledge_flow x T'`` of its gap (per entry the largest update).

    Args:
        rel: The dense pair store's arrays (``model.state.DensePairs``): stored
            familiarity ``F`` and trust ``T``, the week each pair was last touched
            (``last``), the decay factors by gap in weeks (``f_decay``, and ``t_decay`` of
            trust's distance from the ``prior``, trust in a stranger), the rows whose pairs
            enter the running column sums, one row of flags per set of sums (``tracked``,
            sets x capacity), and those sums, per set familiarity then trust (``cols``,
            sets x 2 x capacity), and the tie candidates so far (``listed``, bool,
            capacity x capacity).
        tie_floor: Trust from which a pair is listed as a tie candidate.
        know: The knowledge store's arrays: of its lazy form ``a (S + c)`` the stored
            values S, each row's scale a and offset c, and the row sums of S, kept up to
            date by adding each change.
        i: First member of each ordered pair.
        j: Second member.
        g: Each pair's group.
        u: One uniform draw per pair (the breach draws).
        face: Who meets face to face (bool per slot), or empty for everyone.
        virtual_factor: Build-up online relative to face to face.
        atmosphere: Per group.
        dialogue: Dialogic skills per slot (slots x cornerstones); dq uses each row's mean.
        org: Organisation of each slot.
        resident: Whether each slot is a resident.
        rule: The rule's parameters (:class:`EncounterRule`).
        now: The current week.

    Returns:
        The trust stored after the round pair by pair, the breaches, and the tie
        candidates newly listed (flat indices ``i * capacity + j``).
    """
    listed = rel.listed
    F, T, last, f_decay = rel.F, rel.T, rel.last, rel.f_decay
    t_decay, prior, tracked, col_sums = rel.t_decay, rel.prior, rel.tracked, rel.cols
    n = i.size
    horizon = f_decay.size - 1
    # The knowledge fields read once here, not in the loop (a read per pass took and
    # released a reference to the array).
    k_stored, k_scale, k_offset = know.stored, know.scale, know.offset
    fam = np.empty(n)
    trust = np.empty(n)
    for k in range(n):  # settle every pair first
        a, b = i[k], j[k]
        gap = min(now - last[a, b], horizon)
        fam[k] = F[a, b] * f_decay[gap]
        trust[k] = prior + (T[a, b] - prior) * t_decay[gap]
        F[a, b] = fam[k]
        T[a, b] = trust[k]
        last[a, b] = now
    new_t = np.empty(n)
    breach = np.empty(n, dtype=np.bool_)
    for k in range(n):
        a, b = i[k], j[k]
        # meet's reads done here and its rule applied (meet_rule): a call to meet per pair
        # took and released a reference to each of its four arrays (eight atomic counts).
        factor = 1.0 if face.size == 0 or (face[a] and face[b]) else virtual_factor
        dq = 0.5 * (_mean_row(dialogue, a) + _mean_row(dialogue, b))
        distance = _distance(a, b, org, resident, rule.distance_resident,
                             rule.distance_cross_org)
        suspend = 0.5 * (dialogue[a, 0] + dialogue[b, 0])  # column 0: suspending (S20)
        f, new_t[k], breach[k] = meet_rule(fam[k], trust[k], factor, dq, distance, suspend,
                                           atmosphere[g[k]], u[k], rule)
        if a != b:
            add_change(tracked, col_sums, 0, a, b, f - F[a, b])
        F[a, b] = f
    for k in range(n):
        a, b = i[k], j[k]
        if a != b:
            add_change(tracked, col_sums, 1, a, b, new_t[k] - T[a, b])
        T[a, b] = new_t[k]
    width = listed.shape[1]
    listed_now = np.empty(n, dtype=np.int64)
    count = 0
    stored = np.empty(n)
    update = np.empty(n)
    for k in range(n):
        a, b = i[k], j[k]
        stored[k] = T[a, b]
        if new_t[k] >= tie_floor and a != b and not listed[a, b]:
            listed[a, b] = True
            listed_now[count] = a * width + b
            count += 1
        o = org[b]
        update[k] = knowledge_update(k_stored[a, o], k_scale[a], k_offset[a],
                                     rule.knowledge_flow * stored[k])
    store_knowledge(know, i, j, org, update)
    return stored, breach, listed_now[:count]


@_jit
def meet_rule(fam: float, trust: float, factor: float, dq: float, distance: float,
              suspend: float, atm: float, u: float, rule: EncounterRule
              ) -> tuple[float, float, bool]:
    """The encounter rule for one ordered pair (a, b) whose settled familiarity and trust
    are ``fam`` and ``trust`` (:func:`encounter` states it; ``atm`` is the group's
    atmosphere, ``u`` the pair's breach draw), in the one place both pair stores use, from
    what the encounter reads of the pair: the face-to-face ``factor``, the mean dialogic
    skill ``dq``, the perspective ``distance`` and the mean skill in suspending ``suspend``
    (no arrays: a kernel's loop calls it without reference counts).

    Returns:
        The pair's new familiarity, its new trust, and whether trust was breached.
    """
    f = fam + rule.familiarity_gain * factor * (1 - fam)
    suspension = 1.0 - (1.0 - rule.facilitation) * (1.0 - rule.openness * suspend)
    strain = 1.0 + rule.perspective_strain * distance * (1.0 - suspension)
    chance = min(1.0, rule.breach_base * (1 - dq) * (1 - atm) * strain)
    breach = u < chance
    floor = rule.trust_gain_floor
    if breach:
        value = trust - rule.trust_loss_ratio * rule.trust_gain * trust
    else:
        value = trust + rule.trust_gain * factor * f * (floor + (1 - floor) * atm) * (1 - trust)
    return f, min(max(value, 0.0), 1.0), breach


@_jit
def knowledge_update(s: float, scale: float, offset: float, share: float) -> float:
    """The stored value that closes ``share`` of a row's gap on an organisation whose stored
    value is ``s``, in the lazy store's terms (``S + share x gap / a``, the row's map
    ``scale`` a and ``offset`` c), read before any write (no arrays: a kernel's loop calls
    it without reference counts).
    """
    return s + share * (1.0 - scale * (s + offset)) / scale


@_jit
def store_knowledge(know: KnowledgeArrays, i: np.ndarray, j: np.ndarray, org: np.ndarray,
                    update: np.ndarray) -> None:
    """Write the encounters' knowledge updates (i's of j's organisation) into the stored
    values ``know.stored``, each entry its largest, adding the changes to the row sums
    ``know.sums``.
    """
    stored, sums = know.stored, know.sums
    for k in range(i.size):
        a, o = i[k], org[j[k]]
        if update[k] > stored[a, o]:
            sums[a] += update[k] - stored[a, o]
            stored[a, o] = update[k]


@_jit
def partners_effects(i: np.ndarray, j: np.ndarray, trust: np.ndarray, tie_ema: np.ndarray,
                     contacts: np.ndarray, week_lift: np.ndarray, commitment: np.ndarray,
                     lifter: np.ndarray, ema_rate: float, lift: float) -> None:
    """What a round of encounters does to each person i (ODD 7.3, steps 9 and 10).

    ``tie_ema_i`` moves at ``ema_rate`` toward the mean trust of i in its partners this
    round, ``contacts_i`` counts them, and each partner j who is a ``lifter`` (committer or
    enthusiast) adds ``lift x c_j`` to ``week_lift_i``.
    """
    total = np.zeros(tie_ema.size)
    count = np.zeros(tie_ema.size, dtype=np.int64)
    for k in range(i.size):
        total[i[k]] += trust[k]
        count[i[k]] += 1
    for k in range(i.size):
        a = i[k]
        if count[a]:  # once per person
            tie_ema[a] += ema_rate * (total[a] / count[a] - tie_ema[a])
            contacts[a] += count[a]
            count[a] = 0
    for k in range(i.size):
        if lifter[j[k]]:
            week_lift[i[k]] += lift * commitment[j[k]]


class GroupRule(NamedTuple):
    """What a group's members do around the encounter rule, as the fused group passes
    (``work_in_groups``, ``converse_rounds``, ``seamless_value``) read it: the trust
    builders' lift of the atmosphere (S19, S24), the partners' effects (ODD 7.3, steps 9 and
    10), and what the purpose yields (``NetworkModel._purpose_value``, ``_innovate``,
    ``_add_value``). Fixed by the parameters (``NetworkModel._encounter_constants``).
    """

    builder: int  # column of the trust builders in the strengths
    builder_boost: float  # trust_builder_atmosphere
    virtual_factor: float  # build-up online relative to face to face
    ema_rate: float
    lift: float
    factor_kind: int  # whom the purpose lets a member draw on (FACTOR_ codes)
    seeker: int  # the seekers' role code
    advocacy: bool  # benefit is stocked for the decision windows (S6)
    learning: bool  # benefit also grows dialogic skill (S5)
    learning_rate: float  # dialogue_learning_rate
    innovation: bool  # a new practice adds idea_value to its group's members (S7)
    idea_rate: float
    idea_value: float
    goal_value: float  # value that reaches the goal (NetworkModel.goal_value)
    ending: bool  # the lifecycle ends when the goal is reached (S30, S32)
    hours: float  # hours a working group takes (collaboration_hours)


@structref.register
class GroupRulesType(types.StructRef):
    """numba type of :class:`GroupRules`."""

    def preprocess_fields(self, fields: tuple) -> tuple:
        """Plain (not literal) field types, so one compiled kernel serves every model."""
        return tuple((name, types.unliteral(t)) for name, t in fields)


class GroupRules(structref.StructRefProxy):
    """The encounter rule (its facilitation aside: the fused passes take the meeting's as
    an argument, :func:`with_facilitation`) and the group rule, as one argument of the
    fused group passes. A structure, because numba takes it in about a microsecond where
    each ``NamedTuple`` costs several on every call (its fields are typed one by one).
    """

    @classmethod
    def of(cls, encounter: EncounterRule, group: GroupRule) -> GroupRules:
        """The structure over the two rules, their fields typed as declared."""
        encounter = EncounterRule(*(float(x) for x in encounter))
        group = GroupRule(*(kind(x) for kind, x in zip(_GROUP_KINDS, group, strict=True)))
        rules = _new_group_rules(encounter, group)
        rules._rules = (encounter, group)  # for pickling, as model.state.People
        return rules

    @property
    def encounter(self) -> EncounterRule:
        """The encounter rule (its facilitation aside)."""
        return self._rules[0]

    @property
    def group(self) -> GroupRule:
        """The group rule."""
        return self._rules[1]

    def __reduce__(self) -> tuple:
        return GroupRules.of, self._rules


structref.define_proxy(GroupRules, GroupRulesType, ["encounter", "group"])
# The Python type of each of GroupRule's fields, in order.
_GROUP_KINDS = tuple(get_type_hints(GroupRule).values())
_GROUP_RULES_TYPE = GroupRulesType([
    ("encounter", numba.typeof(EncounterRule(*(0.0 for _ in EncounterRule._fields)))),
    ("group", numba.typeof(GroupRule(*(kind() for kind in _GROUP_KINDS))))])


@numba.njit(cache=True)
def _new_group_rules(encounter: EncounterRule, group: GroupRule) -> GroupRules:
    """The structure over the rules, made in compiled code that numba caches (as
    ``model.state._new_people``).
    """
    rules = structref.new(_GROUP_RULES_TYPE)
    rules.encounter = encounter
    rules.group = group
    return rules


@_jit
def with_facilitation(rule: EncounterRule, facilitation: float) -> EncounterRule:
    """``rule._replace(facilitation=facilitation)``, in compiled code."""
    return EncounterRule(rule.familiarity_gain, rule.breach_base, rule.perspective_strain,
                         facilitation, rule.openness, rule.distance_resident,
                         rule.distance_cross_org, rule.trust_gain, rule.trust_gain_floor,
                         rule.trust_loss_ratio, rule.knowledge_flow)


@_jit
def group_encounters(rel: DensePairs, tie_floor: float, know: KnowledgeArrays, people: People,
                     members: np.ndarray, bounds: np.ndarray, i: np.ndarray, j: np.ndarray,
                     g: np.ndarray, u: np.ndarray, face: np.ndarray, dialogue: np.ndarray,
                     base: float, rule: EncounterRule, group: GroupRule, now: int
                     ) -> tuple[np.ndarray, np.ndarray, int, np.ndarray]:
    """One round of encounters in groups (``NetworkModel._encounter``) in one pass: each
    group's atmosphere (:func:`group_atmosphere`, ``base`` lifted by trust builders), the
    pair updates (:func:`encounter`, with the skills ``dialogue``) and what they do to each
    person (:func:`partners_effects`).

    Returns:
        The trust stored after the round pair by pair, each group's atmosphere, the number
        of breaches, and the tie candidates newly listed.
    """
    atm = group_atmosphere(members, bounds, people.strengths[:, group.builder], base,
                           group.builder_boost)
    trust, breach, new = encounter(rel, tie_floor, know, i, j, g, u, face,
                                   group.virtual_factor, atm, dialogue, people.org,
                                   people.resident, rule, now)
    return trust, atm, partners_after(people, i, j, trust, breach, group), new


@_jit
def partners_after(people: People, i: np.ndarray, j: np.ndarray, trust: np.ndarray,
                   breach: np.ndarray, group: GroupRule) -> int:
    """:func:`partners_effects` of a round's encounters; returns the number of breaches."""
    partners_effects(i, j, trust, people.tie_ema, people.contacts, people.week_lift,
                     people.commitment, people.lifter, group.ema_rate, group.lift)
    return int(np.count_nonzero(breach))


# ---------------------------------------------------------------- yields
# What groups yield: benefit, innovation and client cases (ODD 7.3, 7.5).


@_jit
def purpose_factor(kind: int, i: np.ndarray, j: np.ndarray, org: np.ndarray,
                   resident: np.ndarray, role: np.ndarray, seeker: int, d_resident: float,
                   d_cross: float) -> np.ndarray:
    """The factor per pair (i, j) by which the purpose weighs what i draws on j
    (``NetworkModel._purpose_value``): ``kind`` one of the ``FACTOR_`` codes; the
    perspective distance (:func:`distances`), 1.0 where i is a seeker and j is not, 1.0
    across organisations, else 0.0; none (empty) for anyone.
    """
    if kind == FACTOR_DISTANCE:
        return distances(i, j, org, resident, d_resident, d_cross)
    if kind == FACTOR_NONE:
        return np.zeros(0)
    out = np.empty(i.size)
    for k in range(i.size):
        if kind == FACTOR_SEEKER:
            out[k] = 1.0 if role[i[k]] == seeker and role[j[k]] != seeker else 0.0
        else:
            out[k] = 1.0 if org[i[k]] != org[j[k]] else 0.0
    return out


@_inline
def trust_benefit(t: float, prior: float) -> float:
    """What a partner trusted ``t`` is worth to a purpose: the trust above the ``prior``, as a
    share of the room above it, within [0, 1] (the one definition the stores' passes share).
    """
    return min(max((t - prior) / (1.0 - prior), 0.0), 1.0)


@_inline
def kept_benefit(best: float, t: float, prior: float, factor: float) -> float:
    """``best`` raised to the benefit of a pair (partner trusted ``t``, times the pair's
    ``factor``: 1.0 where the purpose weighs none, which leaves the benefit as it is) if
    that is larger: one step of the best-benefit passes of both stores, as
    ``best[a] = kept_benefit(best[a], t, prior, factor[k] if factor.size else 1.0)``.

    Numbers in and out, no arrays: an inlined helper taking the arrays made its caller's
    loop count a reference to each of them per pair (four atomic counts a pair, about as
    much as the pair's own arithmetic).
    """
    benefit = trust_benefit(t, prior) * factor
    return benefit if benefit > best else best


@_jit
def best_benefit(rel: DensePairs, i: np.ndarray, j: np.ndarray, factor: np.ndarray, now: int,
                 capacity: int) -> tuple[np.ndarray, np.ndarray]:
    """Each i's best benefit from its partners j: current trust rescaled above the prior
    and clipped to [0, 1], times the pair's ``factor`` (empty: 1), maximised over partners.

    Returns:
        The slots with a positive best benefit, ascending, and that benefit.
    """
    T, last, t_decay, prior = rel.T, rel.last, rel.t_decay, rel.prior
    horizon = t_decay.size - 1
    best = np.zeros(capacity)
    for k in range(i.size):
        a, b = i[k], j[k]
        t = prior + (T[a, b] - prior) * t_decay[min(now - last[a, b], horizon)]
        best[a] = kept_benefit(best[a], t, prior, factor[k] if factor.size else 1.0)
    who = np.flatnonzero(best)
    return who, best[who]


@_jit
def group_means(i: np.ndarray, j: np.ndarray, g: np.ndarray, groups: int, trust_ij: np.ndarray,
                org: np.ndarray, resident: np.ndarray, d_resident: float, d_cross: float
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per group, over its ordered pairs (i, j): the mean perspective distance, the mean
    stored trust of i in j (``trust_ij``, pair by pair: ``Relations.stored_trust``), and
    whether any member is a resident.
    """
    pairs = np.zeros(groups, dtype=np.int64)
    distance = np.zeros(groups)
    trust = np.zeros(groups)
    has_resident = np.zeros(groups, dtype=np.bool_)
    for k in range(i.size):
        a, b, x = i[k], j[k], g[k]
        pairs[x] += 1
        distance[x] += _distance(a, b, org, resident, d_resident, d_cross)
        trust[x] += trust_ij[k]
        if resident[a]:
            has_resident[x] = True
    for x in range(groups):
        distance[x] /= max(pairs[x], 1)
        trust[x] /= max(pairs[x], 1)
    return distance, trust, has_resident


@_inline
def _distance(a: int, b: int, org: np.ndarray, resident: np.ndarray, d_resident: float,
              d_cross: float) -> float:
    """Perspective distance of two people: ``d_resident`` across the resident line, else
    ``d_cross`` across organisations, else none (S13, S29; the one definition of the rule).
    """
    if resident[a] != resident[b]:
        return d_resident
    if org[a] != org[b]:
        return d_cross
    return 0.0


@_jit
def distances(i: np.ndarray, j: np.ndarray, org: np.ndarray, resident: np.ndarray,
              d_resident: float, d_cross: float) -> np.ndarray:
    """Perspective distance of each pair (i, j) (see :func:`_distance`)."""
    out = np.empty(i.size)
    for k in range(i.size):
        out[k] = _distance(i[k], j[k], org, resident, d_resident, d_cross)
    return out


@_jit
def case_lanes(workers: np.ndarray, n_cases: np.ndarray) -> np.ndarray:
    """``np.repeat(workers, n_cases)``: the worker of each client case, in case order."""
    total = 0
    for k in range(n_cases.size):
        total += n_cases[k]
    out = np.empty(total, dtype=workers.dtype)
    x = 0
    for k in range(workers.size):
        for _ in range(n_cases[k]):
            out[x] = workers[k]
            x += 1
    return out


@_jit
def seamless_cases(who: np.ndarray, drawn: np.ndarray, org: np.ndarray, n_orgs: int,
                   present: np.ndarray, know: KnowledgeArrays, rel: DensePairs,
                   knowledge_threshold: float, tie_threshold: float, now: int) -> np.ndarray:
    """Client cases that become seamless paths (ODD 7.5, client cases).

    Case k of worker ``who[k]`` needs organisation ``drawn[k]`` counted past the worker's
    own (``drawn`` is uniform on ``0 .. n_orgs - 2``). It becomes seamless when the worker
    knows that organisation (current knowledge at least ``knowledge_threshold``, from the
    knowledge store's arrays ``know``) and trusts someone present there at least
    ``tie_threshold``.

    Returns:
        The workers of the seamless cases, in case order.
    """
    T, last, t_decay, prior = rel.T, rel.last, rel.t_decay, rel.prior
    stored, scale, offset = know.stored, know.scale, know.offset
    # The present people of each organisation (a counting sort by organisation).
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
            continue  # o is never the worker's own organisation, which would read as 1
        for x in range(bounds[o], bounds[o + 1]):
            b = people[x]
            if prior + (T[a, b] - prior) * t_decay[min(now - last[a, b], horizon)] >= tie_threshold:
                out[count] = a
                count += 1
                break
    return out[:count]


@_jit
def credit(week_value: np.ndarray, slots: np.ndarray, amount: np.ndarray,
           value: tuple[float, float, float], group: GroupRule) -> tuple[float, float, float]:
    """``NetworkModel._add_value``: ``amount`` of value created for ``slots``
    (:func:`add_value` into ``week_value``), felt as nothing once a goal that ends the
    network is reached (``group.ending``, ``group.goal_value``). The network's value so
    far, the value since the last record and the goal's progress come in as ``value``.

    Returns:
        The three after the credit: each of the first two plus ``amount``'s sum, and the
        progress ``min(1, value / goal_value)``.
    """
    total, since, progress = value
    felt = 0.0 if group.ending and progress >= 1.0 else 1.0
    added = add_value(week_value, slots, amount, felt)
    total += added
    since += added
    return total, since, min(1.0, total / group.goal_value)


@_jit
def purpose_yield(people: People, who: np.ndarray, best: np.ndarray,
                  value: tuple[float, float, float], advocacy: float, group: GroupRule
                  ) -> tuple[bool, tuple[float, float, float], float]:
    """What the best benefits ``best`` of ``who`` (:func:`best_benefit`) yield
    (``NetworkModel._purpose_value``): stocked for advocacy (their sum, in numpy's order),
    else credited as value (:func:`credit`), and in learning networks dialogic skill grows
    by ``learning_rate x benefit`` of its gap.

    Returns:
        Whether value was credited, the value (as :func:`credit`) and the advocacy stock.
    """
    if who.size == 0:
        return False, value, advocacy
    if group.advocacy:
        return False, value, advocacy + pairwise_sum(best)
    value = credit(people.week_value, who, best, value, group)
    if group.learning:
        d = people.dialogue
        for x in range(who.size):
            s = who[x]
            share = group.learning_rate * best[x]
            for c in range(d.shape[1]):
                d[s, c] = d[s, c] + share * (1 - d[s, c])
    return True, value, advocacy


@_jit
def seamless_value(workers: np.ndarray, n_cases: np.ndarray, drawn: np.ndarray, people: People,
                   used: int, n_orgs: int, know: KnowledgeArrays, rel: DensePairs,
                   knowledge_threshold: float, tie_threshold: float, rules: GroupRules,
                   value_total: float, since: float, progress: float,
                   now: int) -> tuple[bool, tuple[float, float, float]]:
    """The week's client cases (``NetworkModel._client_cases``) from their draws to their
    value: each worker's ``n_cases`` cases (:func:`case_lanes`), those that become seamless
    paths (:func:`seamless_cases`, among the first ``used`` slots), each credited 1.0
    (:func:`credit`, to the value so far, since the last record and the goal's progress).

    Returns:
        Whether value was credited, and the value (as :func:`credit`).
    """
    who = case_lanes(workers, n_cases)
    seamless = seamless_cases(who, drawn, people.org, n_orgs, people.present[:used], know, rel,
                              knowledge_threshold, tie_threshold, now)
    value = (value_total, since, progress)
    if seamless.size == 0:
        return False, value
    return True, credit(people.week_value, seamless, np.ones(seamless.size), value,
                        rules.group)


@_jit
def purpose_value(rel: DensePairs, people: People, i: np.ndarray, j: np.ndarray,
                  rules: GroupRules, value_total: float, since: float, progress: float,
                  advocacy: float, now: int) -> tuple[bool, tuple[float, float, float], float]:
    """``NetworkModel._purpose_value`` of the ordered pairs (i, j) in one pass: whom the
    purpose lets each i draw on (:func:`purpose_factor`), its best benefit
    (:func:`best_benefit`) and what that yields (:func:`purpose_yield`, to the value so far,
    since the last record and the goal's progress, and the advocacy stock).

    Returns:
        Whether value was credited, the value (as :func:`credit`) and the advocacy stock.
    """
    group = rules.group
    e = rules.encounter
    factor = purpose_factor(group.factor_kind, i, j, people.org, people.resident, people.role,
                            group.seeker, e.distance_resident, e.distance_cross_org)
    who, best = best_benefit(rel, i, j, factor, now, people.present.size)
    return purpose_yield(people, who, best, (value_total, since, progress), advocacy, group)


# ---------------------------------------------------------------- relay
# 4 relay: the coordinator's relaying and the brokers' contacts and exchange (ODD 7.4).
# The lazy knowledge store of ``model.knowledge.Knowledge``: K[r, o] = a_r (S[r, o] + c_r),
# except that one's own organisation reads as 1. Same arithmetic as the numpy forms kept
# in tests/test_kernels.py, all entries read before any is written.


@_jit
def with_strength(status: np.ndarray, strengths: np.ndarray, used: int, code: int,
                  column: int) -> np.ndarray:
    """The slots below ``used`` of status ``code`` that have the strength in ``column`` of
    ``strengths``, in slot order: ``s[strengths[s, column]]`` for ``s =
    np.flatnonzero(status[:used] == code)`` (relay's brokers, churn's recruiters).
    """
    out = np.empty(used, dtype=np.int64)
    n = 0
    for s in range(used):
        if status[s] == code and strengths[s, column]:
            out[n] = s
            n += 1
    return out[:n]


@_jit
def relay_lists(present: np.ndarray, status: np.ndarray, strengths: np.ndarray, used: int,
                peripheral: int, active: int, broker: int) -> tuple[np.ndarray, np.ndarray]:
    """Whom the relay reaches this week (ODD 7.4): the present whose status code is at most
    ``peripheral`` (the coordinator's relay), and the brokers, the active (status ``active``)
    with the strength in column ``broker`` (:func:`with_strength`), each in slot order.
    Reference: the numpy form in ``tests/test_kernels_processes.py``.
    """
    reached = np.empty(used, dtype=np.int64)
    n = 0
    for s in range(used):
        if present[s] and status[s] <= peripheral:
            reached[n] = s
            n += 1
    return reached[:n], with_strength(status, strengths, used, active, broker)


@_jit
def relax_rows(rows: np.ndarray, gain: float, know: KnowledgeArrays,
               floor: float) -> np.ndarray:
    """Close a share ``gain`` of every gap in the knowledge rows ``rows`` (distinct) of the
    knowledge store's arrays ``know``: ``K <- K + gain (1 - K)`` through each row's map,
    ``a <- a (1 - gain)`` and ``c <- c + gain / a`` (``Knowledge.relax``); rows whose scale
    would fall below ``floor`` are left alone.

    Returns:
        The rows left alone (for the caller to update directly).
    """
    scale, offset = know.scale, know.offset
    keep = 1.0 - gain
    small = np.empty(rows.size, dtype=rows.dtype)  # listed at the front as they come
    n_small = 0
    for x in range(rows.size):
        r = rows[x]
        a = scale[r] * keep
        if a < floor:
            small[n_small] = r
            n_small += 1
        else:
            scale[r] = a
            offset[r] += gain / a
    return small[:n_small]


@_jit
def broker_contacts(key: np.ndarray, rel: DensePairs, floor: float, tie_threshold: float,
                    member: np.ndarray, brokers: np.ndarray, per_broker: int, u: np.ndarray,
                    threshold: float, now: int
                    ) -> tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The broker contacts of a week (ODD 7.4, relay) in one pass over the pair store: the
    ties among members (:func:`current_ties`, which also drops and compacts candidates),
    whom each attempt reaches among those who trust its broker (:func:`pick_contacts`),
    and the contacts that happen with both directions' trust now
    (:func:`trusted_contacts`).

    Returns:
        The candidates kept (``current_ties``' ``kept``), then ``trusted_contacts``' brokers,
        contacts, the contact's trust in the broker and the broker's in the contact.
    """
    T = rel.T
    kept, ties = current_ties(key, rel, now, floor, tie_threshold, member)
    b, c = pick_contacts(ties[0], ties[1], brokers, per_broker, u, T.shape[1])
    b, c, trust_cb, trust_bc = trusted_contacts(rel, b, c, threshold, now)
    return kept, b, c, trust_cb, trust_bc


@_jit
def broker_relay(key: np.ndarray, rel: DensePairs, floor: float, tie_threshold: float,
                 member: np.ndarray, brokers: np.ndarray, per_broker: int, u: np.ndarray,
                 threshold: float, now: int, know: KnowledgeArrays, n_known: int, org: np.ndarray,
                 gain: float, contact_count: np.ndarray) -> int:
    """The brokers' week (ODD 7.4, relay) in one call: their contacts
    (:func:`broker_contacts`, the arguments up to ``now``), then the exchange of knowledge
    with each (:func:`broker_exchange` on the knowledge store's arrays ``know`` with
    ``n_known``, ``org``, ``gain`` and ``contact_count``). Reference: the two calls, in
    ``tests/test_kernels_processes.py``.

    Returns:
        The candidates kept (``broker_contacts``' ``kept``).
    """
    kept, b, c, trust_cb, trust_bc = broker_contacts(key, rel, floor,
                                                     tie_threshold, member, brokers,
                                                     per_broker, u, threshold, now)
    broker_exchange(know, n_known, b, c, org, gain, trust_cb, trust_bc, contact_count)
    return kept


@_jit
def relay_start(src: int, people: People, used: int, peripheral: int, active: int,
                broker: int, relaying: bool, relay_gain: float, know: KnowledgeArrays,
                n_known: int, rebase_below: float, per_broker: int, members: int
                ) -> tuple[np.ndarray, np.ndarray]:
    """The relay up to the brokers' contacts (``NetworkModel.relay``'s chain): whom it
    reaches (:func:`relay_lists`), the coordinator's relay if ``relaying`` (``Knowledge.
    relax`` with ``relay_gain`` on the knowledge store's arrays ``know``, ``n_known``
    columns in use; rows whose scale would fall below ``rebase_below`` set outright from their
    current values, as ``Knowledge.set_rows``), and the brokers' uniforms,
    ``rng.random(brokers.size * per_broker)``, drawn from ``src`` only if the brokers have
    anyone to reach: some brokers, ``per_broker > 0`` and two of the week's ``members``
    (their number).

    Returns:
        The brokers and their uniforms (none when the brokers' step is skipped).
    """
    reached, brokers = relay_lists(people.present, people.status, people.strengths, used,
                                   peripheral, active, broker)
    if relaying:
        small = relax_rows(reached, relay_gain, know, rebase_below)
        stored, scale, offset, stale = know.stored, know.scale, know.offset, know.stale
        for r in small:  # too small a scale (0 when the gap closes at once): bake the map in
            a, c = scale[r], offset[r]
            for o in range(n_known):
                k = a * (stored[r, o] + c)
                stored[r, o] = k + relay_gain * (1.0 - k)
            scale[r] = 1.0
            offset[r] = 0.0
            stale[r] = True
    if brokers.size == 0 or per_broker == 0 or members < 2:
        return brokers, np.empty(0)
    u = np.empty(brokers.size * per_broker)
    for x in range(u.size):
        u[x] = draws.uniform(src)
    return brokers, u


@_jit
def relay(src: int, key: np.ndarray, rel: DensePairs, floor: float, tie_threshold: float,
          people: People, used: int, peripheral: int, active: int, broker: int, relaying: bool,
          relay_gain: float, know: KnowledgeArrays, n_known: int, rebase_below: float,
          per_broker: int, members: int, threshold: float, gain: float, now: int) -> int:
    """The week's relay (``NetworkModel.relay``, ODD 7.4) on the dense pair store, its tie
    candidates listed (``key``, ``listed``), in one call: :func:`relay_start` (draws from
    ``src``), then, if the brokers have anyone to reach, :func:`broker_relay` with the
    present as members, ``people.org`` and ``gain``, contacts counted in
    ``people.contacts``. Reference: the chain of ``NetworkModel.relay``, in
    ``tests/test_relay.py``.

    Returns:
        The candidates kept (``broker_relay``'s ``kept``; all when the brokers' step is
        skipped).
    """
    brokers, u = relay_start(src, people, used, peripheral, active, broker, relaying,
                             relay_gain, know, n_known, rebase_below, per_broker, members)
    if u.size == 0:
        return key.size
    return broker_relay(key, rel, floor, tie_threshold, people.present,
                        brokers, per_broker, u, threshold, now, know, n_known,
                        people.org, gain, people.contacts)


#: Keys up to which :func:`sorted_keys` sorts by insertion: below it, numpy's sort costs more
#: in its set-up (~0.3 us a call, measured) than insertion does in its moves.
INSERTION_SORT_MAX = 48


@_inline
def sorted_keys(keys: np.ndarray, n: int) -> np.ndarray:
    """``np.sort(keys[:n])`` of int keys: sorted in place by insertion up to
    ``INSERTION_SORT_MAX`` keys (a broker relay's few ties to brokers), else by numpy. Ints
    have one sorted order, so both give the same array.
    """
    if n > INSERTION_SORT_MAX:
        return np.sort(keys[:n])
    for x in range(1, n):
        v = keys[x]
        y = x - 1
        while y >= 0 and keys[y] > v:
            keys[y + 1] = keys[y]
            y -= 1
        keys[y + 1] = v
    return keys[:n]


@_jit
def pick_contacts(truster: np.ndarray, trusted: np.ndarray, brokers: np.ndarray,
                  per_broker: int, u: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Whom the brokers' attempts reach (ODD 7.4, relay): attempt ``x`` is broker
    ``brokers[x // per_broker]``'s (``np.repeat(brokers, per_broker)``) and goes to the
    ``int(u[x] n)``-th, in slot order, of the ``n`` slots that trust the broker, by the
    ties ``truster`` trusts ``trusted`` (distinct pairs, slots below ``width``); an attempt
    of a broker whom nobody trusts reaches no one.

    Reference: the numpy form in ``tests/test_kernels.py`` (a lexsort of the ties by
    trusted, then truster, and two searchsorted calls).

    Returns:
        The brokers and the contacts of the attempts that reached someone, in attempt order.
    """
    is_broker = np.zeros(width, dtype=np.bool_)
    for b in brokers:
        is_broker[b] = True
    # The ties to brokers as keys trusted * width + truster: sorted, they are the lexsort
    # order, and a broker's trusters are the keys from b * width to (b + 1) * width.
    keys = np.empty(trusted.size, dtype=np.int64)
    n_keys = 0
    for k in range(trusted.size):
        if is_broker[trusted[k]]:
            keys[n_keys] = trusted[k] * width + truster[k]
            n_keys += 1
    keys = sorted_keys(keys, n_keys)
    out_b = np.empty(u.size, dtype=np.int64)
    out_c = np.empty(u.size, dtype=np.int64)
    count = 0
    for x in range(u.size):
        b = brokers[x // per_broker]
        first = np.searchsorted(keys, b * width)
        n = np.searchsorted(keys, (b + 1) * width) - first
        if n > 0:
            out_b[count] = b
            out_c[count] = keys[first + int(u[x] * n)] - b * width
            count += 1
    return out_b[:count], out_c[:count]


@_jit
def trusted_contacts(rel: DensePairs, brokers: np.ndarray, contacts: np.ndarray,
                     threshold: float,
                     now: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The broker contacts that happen (ODD 7.4, relay): contact c of broker b, other than
    b itself, who trusts b at least ``threshold`` now.

    Returns:
        Brokers and contacts of those pairs, the contact's trust in the broker and the
        broker's trust in the contact (both now).
    """
    T, last, t_decay, prior = rel.T, rel.last, rel.t_decay, rel.prior
    horizon = t_decay.size - 1
    n = brokers.size
    # The contacts kept are written at the front of their outputs as they come, rather than
    # flagged and then gathered: four arrays instead of seven, and one pass.
    out_b = np.empty(n, dtype=brokers.dtype)
    out_c = np.empty(n, dtype=contacts.dtype)
    trust_cb = np.empty(n)
    trust_bc = np.empty(n)
    kept = 0
    for k in range(n):
        b, c = brokers[k], contacts[k]
        if b == c:
            continue
        cb = prior + (T[c, b] - prior) * t_decay[min(now - last[c, b], horizon)]
        if cb >= threshold:
            out_b[kept], out_c[kept], trust_cb[kept] = b, c, cb
            trust_bc[kept] = prior + (T[b, c] - prior) * t_decay[min(now - last[b, c], horizon)]
            kept += 1
    return out_b[:kept], out_c[:kept], trust_cb[:kept], trust_bc[:kept]


@_jit
def broker_exchange(know: KnowledgeArrays, n_known: int, brokers: np.ndarray,
                    contacts: np.ndarray, org: np.ndarray, gain: float,
                    trust_in_broker: np.ndarray, trust_in_contact: np.ndarray,
                    contact_count: np.ndarray) -> None:
    """Brokers' contacts (ODD 7.4, relay): each broker closes a share ``gain`` times its trust
    in the contact of its gap on the contact's organisation (:func:`close_gaps`), then
    passes on what it knows, a share ``gain`` times the contact's trust in it
    (:func:`pass_on`), and counts a contact, in the knowledge store's arrays ``know``
    (``n_known`` columns in use).
    """
    close_gaps(know, brokers, org[contacts], gain * trust_in_contact)
    pass_on(know, n_known, brokers, contacts, gain * trust_in_broker)
    for b in brokers:
        contact_count[b] += 1


@_jit
def close_gaps(know: KnowledgeArrays, rows: np.ndarray, cols: np.ndarray,
               share: np.ndarray) -> None:
    """``K[r, c] <- K[r, c] + share (1 - K[r, c])`` entry by entry in the knowledge store's
    arrays ``know``; an entry listed more than once keeps its largest update (and never
    falls).
    """
    stored, scale, offset, stale = know.stored, know.scale, know.offset, know.stale
    new = np.empty(rows.size)
    for k in range(rows.size):
        r, o = rows[k], cols[k]
        s = stored[r, o]
        new[k] = s + share[k] * (1.0 - scale[r] * (s + offset[r])) / scale[r]
    for k in range(rows.size):
        r, o = rows[k], cols[k]
        if new[k] > stored[r, o]:
            stored[r, o] = new[k]
        stale[r] = True


@_jit
def pass_on(know: KnowledgeArrays, n_known: int, sources: np.ndarray, targets: np.ndarray,
            share: np.ndarray) -> None:
    """Each target catches up ``share`` of the way to its source on every organisation it
    knows less of (of the ``n_known`` columns in use of the knowledge store's arrays
    ``know``); a target reached several times keeps the elementwise largest update.
    """
    stored, scale, offset, stale, own = (know.stored, know.scale, know.offset, know.stale,
                                         know.own)
    n = targets.size
    seen = np.zeros(stored.shape[0], dtype=np.bool_)
    repeated = False
    for t in targets:
        repeated = repeated or seen[t]
        seen[t] = True
    new = np.empty((n, n_known))
    # Entries indexed in place, not through row views: a view per row took and released a
    # reference to its array (two atomic counts each, three views per target).
    for x in range(n):
        t, s = targets[x], sources[x]
        a_t, c_t, a_s, c_s, gain = scale[t], offset[t], scale[s], offset[s], share[x]
        own_t, own_s = own[t], own[s]
        # Every column by the stored values (a loop without branches, which the compiler
        # vectorises), then the two own organisations' columns again with their 1; the
        # same operations per entry, so the same values.
        for o in range(n_known):
            k_t = a_t * (stored[t, o] + c_t)
            k_s = a_s * (stored[s, o] + c_s)
            new[x, o] = (k_t + gain * max(0.0, k_s - k_t)) / a_t - c_t
        for o in (own_t, own_s):
            if 0 <= o < n_known:
                k_t = 1.0 if o == own_t else a_t * (stored[t, o] + c_t)
                k_s = 1.0 if o == own_s else a_s * (stored[s, o] + c_s)
                new[x, o] = (k_t + gain * max(0.0, k_s - k_t)) / a_t - c_t
    for x in range(n):
        t = targets[x]
        if repeated:  # several brokers reached someone: the largest
            for o in range(n_known):
                if new[x, o] > stored[t, o]:
                    stored[t, o] = new[x, o]
        else:  # written outright
            for o in range(n_known):
                stored[t, o] = new[x, o]
        stale[t] = True


# ---------------------------------------------------------------- collaborate
# 5 collaborate: initiative, partners, working groups and working hours (ODD 7.5).


@_jit
def initiators(active: np.ndarray, u: np.ndarray, org: np.ndarray, org_time: np.ndarray,
               weeks_per_month: float, discretionary: float, week_hours: np.ndarray,
               commitment: np.ndarray, strengths: np.ndarray, assembler: int, hours: float,
               base_rate: float, assembler_factor: float) -> np.ndarray:
    """The active people who start a working group this week: those whose uniform ``u``
    falls below their :func:`initiative` (``strengths[:, assembler]`` marks the assemblers),
    in the order of ``active``.
    """
    rate = initiative(active, org, org_time, weeks_per_month, discretionary, week_hours,
                      commitment, strengths[:, assembler], hours, base_rate, assembler_factor)
    out = np.empty(active.size, dtype=np.int64)
    count = 0
    for x in range(active.size):
        if u[x] < rate[x]:
            out[count] = active[x]
            count += 1
    return out[:count]


@_jit
def initiative(active: np.ndarray, org: np.ndarray, org_time: np.ndarray, weeks_per_month: float,
               discretionary: float, week_hours: np.ndarray, commitment: np.ndarray,
               assembler: np.ndarray, hours: float, base_rate: float,
               assembler_factor: float) -> np.ndarray:
    """Each active person's chance to start a working group this week (ODD 7.5): the base
    rate times commitment times the share of a group's ``hours`` still free in the week's
    time for network work (its organisation's monthly hours over ``weeks_per_month``, plus
    ``discretionary`` hours, less the hours already spent), times ``assembler_factor`` for
    assemblers (S24).
    Reference: the numpy form in ``tests/test_kernels.py``.
    """
    rate = np.empty(active.size)
    for x in range(active.size):
        s = active[x]
        alloc = org_time[org[s]] / weeks_per_month + discretionary
        free = min(max((alloc - week_hours[s]) / hours, 0.0), 1.0)
        r = base_rate * commitment[s] * free
        rate[x] = r * assembler_factor if assembler[s] else r
    return rate


@_jit
def thought_of(active: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """``active[positions]`` for a 2-d array of positions."""
    rows, k = positions.shape
    out = np.empty((rows, k), dtype=np.int64)
    for r in range(rows):
        for c in range(k):
            out[r, c] = active[positions[r, c]]
    return out


@_jit
def lane_ids(cand: np.ndarray, initiators: np.ndarray, lanes: np.ndarray) -> np.ndarray:
    """Global ids of the working-group lanes: the draws ``cand[lanes]``, then the initiator
    (``np.hstack([cand[lanes], initiators[lanes, None]])``).
    """
    k = cand.shape[1]
    ids = np.empty((lanes.size, k + 1), dtype=np.int64)
    for x in range(lanes.size):
        for c in range(k):
            ids[x, c] = cand[lanes[x], c]
        ids[x, k] = initiators[lanes[x]]
    return ids


@_jit
def join_groups(members: np.ndarray, hours: float, collaborated: np.ndarray,
                week_hours: np.ndarray, groups_joined: np.ndarray, week_active: np.ndarray) -> None:
    """Working-group members (a person once per group joined) have collaborated, spend
    ``hours`` and count a group joined per group, and were active this week.
    """
    for s in members:
        collaborated[s] = True
        week_hours[s] += hours
        groups_joined[s] += 1
        week_active[s] = True


#: Columns up to which :func:`weighted_draws` counts rather than searches (measured: a
#: count over a row of up to a few hundred is faster than a binary search, whose branches
#: on random draws are mispredicted half the time; at a thousand they are even).
_COUNTED_DRAW_COLUMNS = 256


@_jit
def weighted_draws(cum: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Inverse-CDF draws, row by row: for each row r of the cumulative weights ``cum`` (rows
    ending at their total, never falling) and each uniform ``u[r, c]`` in [0, 1), the first
    column whose cumulative weight exceeds ``u[r, c] x total``. Reference:
    ``np.searchsorted`` per row (side "right") in ``tests/test_kernels.py``.
    """
    rows, k = u.shape
    n = cum.shape[1]
    out = np.empty((rows, k), dtype=np.int64)
    for r in range(rows):
        total = cum[r, n - 1]
        for c in range(k):
            x = u[r, c] * total
            if n <= _COUNTED_DRAW_COLUMNS:
                # The columns before the last whose weight is not above x (``not >``: the
                # search's test): as the weights never fall, the column the search finds.
                count = 0
                for y in range(n - 1):
                    count += not cum[r, y] > x
                out[r, c] = count
                continue
            lo, hi = 0, n - 1
            while lo < hi:
                mid = (lo + hi) // 2
                if cum[r, mid] > x:
                    hi = mid
                else:
                    lo = mid + 1
            out[r, c] = lo
    return out


@_jit
def partner_draws(initiators: np.ndarray, active: np.ndarray, weight: np.ndarray,
                  org: np.ndarray, resident: np.ndarray, factor: np.ndarray,
                  u: np.ndarray) -> np.ndarray:
    """Positions in ``active`` of the people each initiator thinks of (``NetworkModel.
    _partner_draws``): :func:`weighted_draws` from the cumulative weights
    ``np.cumsum(weight[None, :] * factor[kind], axis=1)``, ``kind`` of each (initiator,
    person) pair 2 across the resident line, else 1 across organisations, else 0; the same
    products and running sums as the numpy form (``tests/test_kernels.py``).
    """
    return weighted_draws(partner_weights(initiators, active, weight, org, resident, factor), u)


@_jit
def partner_weights(initiators: np.ndarray, active: np.ndarray, weight: np.ndarray,
                    org: np.ndarray, resident: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """The cumulative weights of :func:`partner_draws`, one row per initiator."""
    cum = np.empty((initiators.size, active.size))
    for r in range(initiators.size):
        a = initiators[r]
        total = 0.0
        for c in range(active.size):
            b = active[c]
            if resident[a] != resident[b]:
                f = factor[2]
            elif org[a] != org[b]:
                f = factor[1]
            else:
                f = factor[0]
            total += weight[c] * f
            cum[r, c] = total
    return cum


@_jit
def idea_chances(i: np.ndarray, j: np.ndarray, g: np.ndarray, groups: int,
                 trust_ij: np.ndarray, org: np.ndarray, resident: np.ndarray,
                 d_resident: float, d_cross: float, atmosphere: np.ndarray,
                 idea_rate: float) -> np.ndarray:
    """Each group's chance to invent a new practice (``NetworkModel._innovate``):
    ``min(idea_rate x distance x trust x atmosphere, 1)`` with the group's mean
    perspective distance and mean stored trust over its pairs (:func:`group_means`).
    """
    distance, trust, _ = group_means(i, j, g, groups, trust_ij, org, resident, d_resident,
                                     d_cross)
    chance = np.empty(groups)
    for x in range(groups):
        chance[x] = min(idea_rate * distance[x] * trust[x] * atmosphere[x], 1.0)
    return chance


#: Whom a purpose lets a member draw on (``purpose_factor``): anyone, distant partners
#: (innovation), non-seekers if a seeker (peer support), other organisations (client service).
FACTOR_NONE, FACTOR_DISTANCE, FACTOR_SEEKER, FACTOR_OTHER_ORG = 0, 1, 2, 3


@_jit
def add_value(week_value: np.ndarray, slots: np.ndarray, amount: np.ndarray,
              felt: float) -> float:
    """``np.add.at(week_value, slots, amount * felt)`` (a repeated slot gets each of its
    amounts, in order), returning ``amount.sum()`` in numpy's order (:func:`pairwise_sum`).
    Reference: the numpy form in ``tests/test_kernels.py``.
    """
    for k in range(slots.size):
        week_value[slots[k]] += amount[k] * felt
    return pairwise_sum(amount)


@_jit
def count_into(counts: np.ndarray, slots: np.ndarray) -> None:
    """``np.add.at(counts, slots, 1)``: one more for each occurrence of a slot."""
    for s in slots:
        counts[s] += 1


@_jit
def work_in_groups(rel: DensePairs, tie_floor: float, know: KnowledgeArrays, people: People,
                   members: np.ndarray, bounds: np.ndarray, i: np.ndarray, j: np.ndarray,
                   g: np.ndarray, src: int, base: float, rules: GroupRules, facilitation: float,
                   value_total: float, since: float, progress: float, advocacy: float, now: int
                   ) -> tuple[int, np.ndarray, int, bool, tuple[float, float, float], float]:
    """The week's working groups from their forming to their yield (``NetworkModel.
    collaborate``), in one pass: the members join (:func:`join_groups`), meet face to face
    (:func:`group_encounters`, atmosphere ``base``), count their partners in working
    groups, may invent a new practice (:func:`innovate`), and the purpose yields what they
    draw on each other (:func:`purpose_factor`, :func:`best_benefit`,
    :func:`purpose_yield`). The draws come first, from the generator at ``src``
    (``model.draws``): a breach draw per ordered pair, then a new-practice draw per group
    (``rng.random(i.size)``, then ``rng.random(groups)``). The encounter rule has the
    ``facilitation`` given; the value so far, since the last record and the goal's progress
    are those :func:`credit` adds to.

    Returns:
        The breaches, the tie candidates newly listed, the new practices, whether value was
        credited, the value (as :func:`credit`) and the advocacy stock.
    """
    u = uniforms(src, i.size)
    u_ideas = uniforms(src, bounds.size - 1)
    rule, group = with_facilitation(rules.encounter, facilitation), rules.group
    value = (value_total, since, progress)
    join_groups(members, group.hours, people.collaborated, people.week_hours,
                people.groups_joined, people.week_active)
    trust, atm, breaches, new = group_encounters(
        rel, tie_floor, know, people,
        members, bounds, i, j, g, u, np.zeros(0, dtype=np.bool_), people.dialogue, base, rule,
        group, now)
    count_into(people.work_contacts, i)
    ideas, credited, value = innovate(people, members, bounds, i, j, g, trust, atm, u_ideas,
                                      value, rule, group)
    factor = purpose_factor(group.factor_kind, i, j, people.org, people.resident, people.role,
                            group.seeker, rule.distance_resident, rule.distance_cross_org)
    who, best = best_benefit(rel, i, j, factor, now, people.present.size)
    yielded, value, advocacy = purpose_yield(people, who, best, value, advocacy, group)
    return breaches, new, ideas, credited or yielded, value, advocacy


@_jit
def innovate(people: People, members: np.ndarray, bounds: np.ndarray, i: np.ndarray,
             j: np.ndarray, g: np.ndarray, trust: np.ndarray, atmosphere: np.ndarray,
             u: np.ndarray, value: tuple[float, float, float], rule: EncounterRule,
             group: GroupRule) -> tuple[int, bool, tuple[float, float, float]]:
    """``NetworkModel._innovate``: group x invents a new practice when ``u[x]`` falls below
    its :func:`idea_chances`; in innovation networks each member of such a group, group
    after group, is credited ``idea_value`` (:func:`credit`).

    Returns:
        The new practices, whether value was credited, and the value (as :func:`credit`).
    """
    n = bounds.size - 1
    chance = idea_chances(i, j, g, n, trust, people.org, people.resident,
                          rule.distance_resident, rule.distance_cross_org, atmosphere,
                          group.idea_rate)
    ideas = 0
    size = 0
    for x in range(n):
        if u[x] < chance[x]:
            ideas += 1
            size += bounds[x + 1] - bounds[x]
    if not group.innovation or ideas == 0:
        return ideas, False, value
    who = np.empty(size, dtype=np.int64)
    k = 0
    for x in range(n):
        if u[x] < chance[x]:
            for y in range(bounds[x], bounds[x + 1]):
                who[k] = members[y]
                k += 1
    return ideas, True, credit(people.week_value, who, np.full(size, group.idea_value), value,
                               group)


@_jit
def non_residents(active: np.ndarray, resident: np.ndarray) -> np.ndarray:
    """``active[~resident[active]]``: the professionals among ``active``, in order."""
    out = np.empty(active.size, dtype=np.int64)
    count = 0
    for s in active:
        if not resident[s]:
            out[count] = s
            count += 1
    return out[:count]


# The process's draws are made inside its kernels, from the model's generator (``src``,
# ``model.draws``): the same numbers in the same order as the numpy calls they replace, so
# a kernel that draws is the chain of the kernels above with those calls before each.

#: Uniforms per seat and lane of the team-assembly rule (``model.formation.seat_draws``).
DRAWS_PER_SEAT = 3


class FormingRule(NamedTuple):
    """The parameters of forming working groups (ODD 7.5), for :func:`drawn_initiators` and
    :func:`form_working_groups` (as :func:`rule_record`).
    """

    weeks_per_month: float
    discretionary_hours: float
    group_hours: float  # hours a working group takes (a tiny positive amount at least)
    assembler_initiative: float
    acquaintance_threshold: float
    collaborator_familiarity: float
    incumbent_probability: float
    repeat_collaborator_probability: float


@_jit
def uniforms(src: int, n: int) -> np.ndarray:
    """``rng.random(n)``: ``n`` uniforms from the generator at ``src`` (``model.draws``)."""
    out = np.empty(n)
    for x in range(n):
        out[x] = draws.uniform(src)
    return out


@_jit
def no_groups() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """No working groups: no members, the bounds of no groups, no pairs (i, j, g)."""
    return (np.empty(0, dtype=np.int64), np.zeros(1, dtype=np.int64),
            np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64),
            np.empty(0, dtype=np.int64))


@_jit
def active_weights(people: People, used: int, active: int, attachment: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, bool]:
    """The active slots below ``used`` (status ``active``), in slot order, and how readily
    each comes to an initiator's mind before homophily (``NetworkModel._partner_weights``):
    ``attachment[g]`` for a person who has joined ``g`` working groups, the table of
    ``(1 + g)^a`` (numpy's powers, the same value for each ``g`` as numpy gives elementwise).

    Returns:
        The active slots, their weights, and whether the table held everyone's (when not,
        the weights are not all there: the caller lengthens the table and asks again).
    """
    slots = np.empty(used, dtype=np.int64)
    weight = np.empty(used)
    n = 0
    fits = True
    for s in range(used):
        if people.status[s] != active:
            continue
        g = people.groups_joined[s]
        if g < attachment.size:
            weight[n] = attachment[g]
        else:
            fits = False
        slots[n] = s
        n += 1
    return slots[:n], weight[:n], fits


@_jit
def drawn_initiators(src: int, people: People, active: np.ndarray, org_time: np.ndarray,
                     rate: float, rules: np.ndarray, assembler: int) -> np.ndarray:
    """:func:`initiators` at the base ``rate``, their uniforms drawn here (one per active
    person, in order: ``rng.random(active.size)``); with fewer than two active people
    nobody starts a group and nothing is drawn. ``rules`` is :class:`FormingRule` as
    :func:`rule_record`; ``assembler`` the assemblers' column of the strengths.
    """
    if active.size < 2:
        return np.empty(0, dtype=np.int64)
    rule = rules[0]
    return initiators(active, uniforms(src, active.size), people.org, org_time,
                      rule.weeks_per_month, rule.discretionary_hours, people.week_hours,
                      people.commitment, people.strengths, assembler, rule.group_hours, rate,
                      rule.assembler_initiative)


@_jit
def form_working_groups(src: int, rel: DensePairs, people: People, active: np.ndarray,
                        weight: np.ndarray, factor: np.ndarray, org_time: np.ndarray,
                        rate: float, rules: np.ndarray, assembler: int, m: int, k: int, now: int
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The week's working groups (``NetworkModel._working_groups``) from their draws: who
    starts one (:func:`drawn_initiators`), whom each initiator thinks of among ``active``
    (``k`` draws each, ``rng.random((initiators, k))``, with the weights ``weight`` and
    homophily ``factor``: :func:`partner_draws`) and its lanes (:func:`lane_masks`), and
    the team-assembly rule (``working_groups`` in ``tests/references.py``, its seat draws
    ``rng.random((m - 1, 3, lanes))`` when there are lanes; the ties read by the seats,
    :func:`seat_working_groups`), all from the generator at ``src``.

    Returns:
        The groups' members and bounds and their ordered pairs ``i``, ``j``, ``g``.
    """
    F, last, f_decay = rel.F, rel.last, rel.f_decay
    starters = drawn_initiators(src, people, active, org_time, rate, rules, assembler)
    if starters.size == 0:
        return no_groups()
    rule = rules[0]
    u = uniforms(src, starters.size * k).reshape((starters.size, k))
    # The lanes, then the rule on the seat draws, with the ties read by the seats that need
    # them (seat_working_groups, as the sparse store does): the same lanes, draws and seats
    # as working_groups on the full ties (tests/references.py's working_group_lanes).
    cand = thought_of(active, partner_draws(starters, active, weight, people.org,
                                             people.resident, factor, u))
    lanes, incumbent, newcomer, fam_who = lane_masks(F, last, f_decay, starters, cand,
                                                     people.collaborated,
                                                     rule.acquaintance_threshold, now)
    ids = lane_ids(cand, starters, lanes)
    if lanes.size == 0:  # without lanes no groups, and nothing drawn
        return no_groups()
    # The seat draws, model.formation.seat_draws for m - 1 seats: rng.random((m - 1, 3,
    # lanes)).
    seats = max(m - 1, 0)
    u = uniforms(src, seats * DRAWS_PER_SEAT * lanes.size).reshape(
        (seats, DRAWS_PER_SEAT, lanes.size))
    out = seat_working_groups(u, m, rule.incumbent_probability,
                              rule.repeat_collaborator_probability, incumbent, newcomer,
                              fam_who, lanes, ids, F, last, f_decay,
                              rule.collaborator_familiarity, now)
    members, bounds = gather_teams(out, ids, m)
    i, j, g = team_pairs(members, bounds)
    return members, bounds, i, j, g


@_jit
def case_draws(src: int, workers: np.ndarray, lam: float, n_orgs: int
               ) -> tuple[np.ndarray, np.ndarray]:
    """The client cases' draws (``NetworkModel._client_cases``): each worker's number of
    cases, Poisson of mean ``lam`` (below ``draws.POISSON_SMALL_LIMIT``), then each case's
    other organisation, counted past the worker's own, uniform on ``0 .. n_orgs - 2``
    (``rng.poisson(lam, workers.size)``, then ``rng.integers(n_orgs - 1, size=cases)``).
    """
    n_cases = np.empty(workers.size, dtype=np.int64)
    total = 0
    # exp(-lam) once for every worker, as draws.poisson_small takes it (the same value).
    limit = np.exp(-lam)
    for x in range(workers.size):
        n_cases[x] = draws.poisson_below(src, limit) if lam != 0.0 else 0
        total += n_cases[x]
    drawn = np.empty(total, dtype=np.int64)
    for c in range(total):
        drawn[c] = draws.below(src, n_orgs - 1)
    return n_cases, drawn


@_jit
def client_cases(src: int, active: np.ndarray, lam: float, people: People, used: int,
                 n_orgs: int, know: KnowledgeArrays, rel: DensePairs,
                 knowledge_threshold: float, tie_threshold: float, rules: GroupRules,
                 value_total: float, since: float, progress: float,
                 now: int) -> tuple[bool, tuple[float, float, float]]:
    """The week's client cases (``NetworkModel._client_cases``) from their draws to their
    value: the workers are the professionals among ``active`` (:func:`non_residents`);
    with any, and two organisations or more, their cases are drawn (:func:`case_draws`,
    mean ``lam``) and those that become seamless paths credited (:func:`seamless_value`).

    Returns:
        Whether value was credited, and the value (as :func:`credit`).
    """
    workers = non_residents(active, people.resident)
    if workers.size == 0 or n_orgs < 2:
        return False, (value_total, since, progress)
    n_cases, drawn = case_draws(src, workers, lam, n_orgs)
    if drawn.size == 0:
        return False, (value_total, since, progress)
    return seamless_value(workers, n_cases, drawn, people, used, n_orgs, know, rel,
                          knowledge_threshold, tie_threshold, rules, value_total, since,
                          progress, now)


@_jit
def scale_sums(col_sums: np.ndarray, factor: np.ndarray) -> None:
    """Bring the running column sums up to the week in place: each entry of quantity ``q``
    times ``factor[q]`` (nothing when ``factor`` is empty: they are up to date).
    """
    if factor.size:
        for s in range(col_sums.shape[0]):
            for q in range(col_sums.shape[1]):
                for x in range(col_sums.shape[2]):
                    col_sums[s, q, x] *= factor[q]


@_jit
def collaborate(src: int, rel: DensePairs, sums_factor: np.ndarray, tie_floor: float, written: int,
                key: np.ndarray, know: KnowledgeArrays, people: People, used: int, active_code: int,
                attachment: np.ndarray, factor: np.ndarray, org_time: np.ndarray, rate: float,
                forming: np.ndarray, assembler: int, m: int, k: int, base: float, rules: GroupRules,
                facilitation: float, cases: bool, lam: float, n_orgs: int,
                knowledge_threshold: float, tie_threshold: float, value_total: float, since: float,
                progress: float, advocacy: float, now: int, log: bool
                ) -> tuple[np.ndarray, bool, int, int, int, int, bool,
                           tuple[float, float, float], float, np.ndarray,
                           tuple[np.ndarray, np.ndarray] | None]:
    """The week's collaboration on the dense pair store (``NetworkModel.collaborate``) in one
    call: the chain of :func:`active_weights`, :func:`form_working_groups`, then with any
    pairs :func:`work_in_groups` (the encounters' running sums first brought to ``now`` by
    ``sums_factor``, the numpy factors of ``Relations._bring_sums``, when it is not empty;
    the written bound moved past the pairs, as ``Relations._encounters_ahead``), or with
    groups but no pairs :func:`join_groups` alone, and with ``cases`` :func:`client_cases`
    (mean ``lam`` below ``draws.POISSON_SMALL_LIMIT``). Each link draws as it does apart,
    in the same order, so the numbers are those of the chain. One call instead of four
    saves their arguments' unboxing and the arrays passed between them. ``key`` is the
    store's list of tie candidates (``Relations._candidate_key``): the call returns it
    with the pairs newly listed joined on, so that the store keeps one array (its next
    reader need not join them, and no separate array of the new ones is returned).

    Returns:
        The active slots; whether the table ``attachment`` held everyone's weight (when not,
        nothing else was done or drawn: the caller lengthens it and calls again); the
        ordered pairs that met, the breaches, the new practices and the written bound;
        whether value was credited, the value (as :func:`credit`) and the advocacy stock;
        the tie candidates listed now (``key``, then those newly listed); if ``log``, the
        ordered pairs that met, i and j (for a store that logs its written pairs), else
        None: each array returned costs its boxing, about 0.2 us, in every week of a small
        network.
    """
    col_sums = rel.cols
    value = (value_total, since, progress)
    active, weight, fits = active_weights(people, used, active_code, attachment)
    if not fits:
        none = np.empty(0, dtype=np.int64)
        return (active, False, 0, 0, 0, written, False, value, advocacy, key,
                (none, none) if log else None)
    members, bounds, i, j, g = form_working_groups(src, rel, people, active,
                                                   weight, factor, org_time, rate, forming,
                                                   assembler, m, k, now)
    breaches, ideas, credited = 0, 0, False
    listed_now = key
    if i.size == 0:  # nobody to meet (or no groups): the members only join
        join_groups(members, rules.group.hours, people.collaborated, people.week_hours,
                    people.groups_joined, people.week_active)
    else:
        scale_sums(col_sums, sums_factor)
        written = written_bound(written, i, j)
        breaches, new, ideas, credited, value, advocacy = work_in_groups(
            rel, tie_floor, know,
            people, members, bounds, i, j, g, src, base, rules, facilitation, *value, advocacy,
            now)
        if new.size:
            listed_now = np.empty(key.size + new.size, dtype=np.int64)
            listed_now[:key.size] = key
            listed_now[key.size:] = new
    if cases:
        cased, value = client_cases(src, active, lam, people, used, n_orgs, know, rel,
                                    knowledge_threshold, tie_threshold, rules, *value, now)
        credited = credited or cased
    return (active, True, i.size, breaches, ideas, written, credited, value, advocacy,
            listed_now, (i, j) if log else None)


# ---------------------------------------------------------------- motivate
# 6 motivate (ODD 7.6).


class MotivationRule(NamedTuple):
    """The parameters of the weekly motivation update (ODD 7.6), for the ``motivate`` kernel
    (as :func:`rule_record`).
    """

    ema_rate: float
    tie_fade: float
    purpose_decay: float
    weight_value: float
    value_half_saturation: float
    weight_autonomy: float
    weight_purpose: float
    weight_skills: float
    weight_ties: float
    weight_time: float
    commitment_rate: float


@_jit
def motivate(people: People, used: int, org_time: np.ndarray, weeks_per_month: float,
             discretionary: float, now: int, interval: float, rules: np.ndarray) -> float:
    """The weekly update of motivation and commitment of every present person (ODD 7.6).

    With r the EMA rate: value, hours and skill use follow their week's amounts
    (``x += r (week - x)``, skill use toward 1 if active this week), cumulative value
    adds the week's, the tie average fades by ``tie_fade`` in a week without contact,
    purpose decays by ``purpose_decay`` when the last meeting attended is older than the
    meeting interval, and commitment moves toward

        target = w_value v / (v + half) + w_autonomy autonomy + w_purpose purpose
                 + w_skills skill_use + w_ties tie_ema - w_time pressure

    at ``commitment_rate``, plus the week's lift times (1 - c), clipped to [0, 1]. The time
    pressure is the share of one's average network hours that the hours one has for
    network work do not cover, ``max(0, 1 - alloc / hours)`` (0 without hours), with
    ``alloc`` the organisation's monthly grant per week plus the ``discretionary`` hours:
    time taken from other work (S16). It is a share, so it weighs as one
    motivational source among the others, never more than ``w_time``.

    Args:
        people: The participant arrays (``model.state.People``). Read: ``present`` (who
            takes part; others are left as they are), the week's ``week_value``,
            ``week_hours``, ``week_active`` and ``week_lift``, ``autonomy``, ``org`` and
            ``last_attended``. Updated: ``value_ema``, ``value_cum``, ``hours_ema``,
            ``skill_use``, ``tie_ema``, ``purpose`` and ``commitment``.
        used: Slots in use (the first ``used`` rows).
        org_time: Hours a month each organisation grants for network work.
        weeks_per_month: Weeks in a month (the grant per week is ``org_time / weeks_per_month``).
        discretionary: Hours a week anyone adds of their own.
        now: The current week.
        interval: The meeting interval in weeks.
        rules: The update's parameters (:class:`MotivationRule` as :func:`rule_record`).

    Returns:
        The hours the present spent this week.
    """
    rule = rules[0]
    r, tie_fade, purpose_decay = rule.ema_rate, rule.tie_fade, rule.purpose_decay
    w_value, half, w_autonomy = rule.weight_value, rule.value_half_saturation, rule.weight_autonomy
    w_purpose, w_skills, w_ties = rule.weight_purpose, rule.weight_skills, rule.weight_ties
    w_time, rate = rule.weight_time, rule.commitment_rate
    present, week_value, week_hours = people.present, people.week_value, people.week_hours
    week_active, week_lift, autonomy = people.week_active, people.week_lift, people.autonomy
    org, last_attended = people.org, people.last_attended
    value_ema, value_cum, hours_ema = people.value_ema, people.value_cum, people.hours_ema
    skill_use, tie_ema, purpose = people.skill_use, people.tie_ema, people.purpose
    commitment = people.commitment
    hours_spent = 0.0
    for s in range(used):
        if not present[s]:
            continue
        v = value_ema[s] + r * (week_value[s] - value_ema[s])
        value_ema[s] = v
        value_cum[s] = value_cum[s] + week_value[s]
        hours_spent += week_hours[s]
        hours = hours_ema[s] + r * (week_hours[s] - hours_ema[s])
        hours_ema[s] = hours
        skill_use[s] = skill_use[s] + r * (week_active[s] - skill_use[s])
        tie_ema[s] = tie_ema[s] * (1.0 if week_active[s] else 1.0 - tie_fade)
        alloc = org_time[org[s]] / weeks_per_month + discretionary
        pressure = max(0.0, 1.0 - alloc / hours) if hours > 0 else 0.0
        absent = now - last_attended[s] > interval
        purpose[s] = purpose[s] - purpose_decay * absent * purpose[s]
        target = (w_value * v / (v + half) + w_autonomy * autonomy[s] + w_purpose * purpose[s]
                  + w_skills * skill_use[s] + w_ties * tie_ema[s] - w_time * pressure)
        c = commitment[s]
        c = c + rate * (target - c) + week_lift[s] * (1 - c)
        commitment[s] = min(max(c, 0.0), 1.0)
    return hours_spent


# ---------------------------------------------------------------- decay
# 7 decay: knowledge fades (ODD 7.7).


@_jit
def scale_rows(rows: np.ndarray, factor: float, know: KnowledgeArrays, floor: float) -> int:
    """Scale the knowledge rows ``rows`` (distinct) of the knowledge store's arrays ``know``
    by ``factor``: each row's map ``a`` (``know.scale``) times ``factor``
    (``Knowledge.scale``).

    Returns:
        How many of the rows have a scale below ``floor`` now (for the caller to bake in;
        a count rather than the rows, which are seldom any: no array to return each week).
    """
    scale = know.scale
    small = 0
    for x in range(rows.size):
        a = scale[rows[x]] * factor
        scale[rows[x]] = a
        small += a < floor
    return small


# ---------------------------------------------------------------- churn
# 8 churn: status, leaving and newcomers (ODD 7.8).


@_inline
def _status_of(c: float, active_threshold: float, peripheral_threshold: float,
               codes: np.ndarray) -> int:
    """Status by commitment: ``codes`` are active, peripheral, dormant (and left)."""
    if c >= active_threshold:
        return codes[0]
    if c >= peripheral_threshold:
        return codes[1]
    return codes[2]


@_jit
def set_status(status: np.ndarray, commitment: np.ndarray, slots: np.ndarray,
               active_threshold: float, peripheral_threshold: float, codes: np.ndarray) -> bool:
    """Status follows commitment for ``slots``; returns whether any status changed."""
    changed = False
    for s in slots:
        new = _status_of(commitment[s], active_threshold, peripheral_threshold, codes)
        changed |= new != status[s]
        status[s] = new
    return changed


@_jit
def age_status(status: np.ndarray, present: np.ndarray, commitment: np.ndarray,
               dormant_weeks: np.ndarray, used: int, active_threshold: float,
               peripheral_threshold: float, weeks_to_leave: int, codes: np.ndarray,
               strengths: np.ndarray, column: int) -> tuple[int, np.ndarray]:
    """The churn's status update (ODD 7.8): status follows commitment for everyone present;
    weeks dormant count up (and restart otherwise); who has been dormant for more than
    ``weeks_to_leave`` weeks leaves (status ``codes[3]``).

    Returns:
        What changed, so that the caller keeps its lists of who is present and active when
        nothing did: 1 if a status changed, plus 2 if someone left; and the active now with
        the strength in ``column`` of ``strengths`` (:func:`with_strength`; churn's
        recruiters).
    """
    changed = 0
    for s in range(used):
        if not present[s]:
            continue
        before = status[s]
        status[s] = _status_of(commitment[s], active_threshold, peripheral_threshold, codes)
        dormant_weeks[s] = dormant_weeks[s] + 1 if status[s] == codes[2] else 0
        if dormant_weeks[s] > weeks_to_leave:
            present[s] = False
            status[s] = codes[3]
            changed |= 2
        if status[s] != before:
            changed |= 1
    return changed, with_strength(status, strengths, used, codes[0], column)


@_jit
def recruits(u: np.ndarray, recruiters: np.ndarray, commitment: np.ndarray, rate: float) -> int:
    """How many of the ``recruiters`` bring someone in this week (ODD 7.8, churn): those
    whose uniform ``u`` is below ``rate`` times their commitment.
    """
    n = 0
    for k in range(recruiters.size):
        if u[k] < rate * commitment[recruiters[k]]:
            n += 1
    return n


@_jit
def drawn_slots(src: int, present: np.ndarray, used: int, chance: float, out: np.ndarray
                ) -> int:
    """The present slots below ``used`` whose uniform is below ``chance``, in order, the
    uniforms drawn here, one per present slot in slot order: ``members[rng.random(
    members.size) < chance]`` (churn's turnover), written to the start of ``out`` (at least
    ``used`` long).

    Returns:
        How many there are.
    """
    n = 0
    for s in range(used):
        if present[s] and draws.uniform(src) < chance:
            out[n] = s
            n += 1
    return n


@_jit
def drawn_recruits(src: int, commitment: np.ndarray, recruiters: np.ndarray, rate: float) -> int:
    """:func:`recruits`, the recruiters' uniforms drawn here (``rng.random(recruiters.size)``;
    none without recruiters).
    """
    return recruits(uniforms(src, recruiters.size), recruiters, commitment, rate)


class ChurnRule(NamedTuple):
    """The parameters of churn (ODD 7.8), for the ``churn_status`` and ``churn_recruits``
    kernels (as :func:`rule_record`).
    """

    active_threshold: float
    peripheral_threshold: float
    dormant_weeks_to_leave: float  # a whole number of weeks
    turnover: float  # weekly chance that a present person is replaced
    recruit_rate: float


@_jit
def churn_status(src: int, status: np.ndarray, present: np.ndarray, commitment: np.ndarray,
                 dormant_weeks: np.ndarray, strengths: np.ndarray, used: int, rules: np.ndarray,
                 codes: np.ndarray, recruiter: int, replaced: np.ndarray) -> tuple[int, int, int]:
    """Churn (ODD 7.8) up to the newcomers, from its draws (generator at ``src``): status
    follows commitment and the long dormant leave (:func:`age_status`); each present person
    is replaced with the weekly chance ``turnover`` (:func:`drawn_slots`); and, when nobody
    is, the active recruiters (strength column ``recruiter``) bring people in
    (:func:`drawn_recruits`, at ``recruit_rate``); the parameters are :class:`ChurnRule` as
    :func:`rule_record`. Who is replaced must be seated before the recruiters are listed
    again and draw (:func:`churn_recruits`).

    The slots replaced are written to the start of ``replaced`` (at least ``used`` long): a
    count comes back rather than a new array, since nobody is replaced in most weeks. The
    participants' arrays are passed one by one rather than as ``People`` (see
    :func:`start_week`).

    Returns:
        What changed (as :func:`age_status`), how many are replaced, and how many recruits
        the recruiters bring (0 when someone is replaced: not drawn yet).
    """
    rule = rules[0]
    changed, recruiters = age_status(status, present, commitment, dormant_weeks, used,
                                     rule.active_threshold, rule.peripheral_threshold,
                                     int(rule.dormant_weeks_to_leave), codes, strengths,
                                     recruiter)
    n_replaced = drawn_slots(src, present, used, rule.turnover, replaced)
    if n_replaced:
        return changed, n_replaced, 0
    return changed, 0, drawn_recruits(src, commitment, recruiters, rule.recruit_rate)


@_jit
def churn_recruits(src: int, status: np.ndarray, strengths: np.ndarray, commitment: np.ndarray,
                   used: int, rules: np.ndarray, codes: np.ndarray, recruiter: int) -> int:
    """How many recruits the active recruiters (status ``codes[0]``, strength column
    ``recruiter``: :func:`with_strength`) bring in (:func:`drawn_recruits`, at the
    :class:`ChurnRule`'s ``recruit_rate``), after newcomers were seated.
    """
    recruiters = with_strength(status, strengths, used, codes[0], recruiter)
    return drawn_recruits(src, commitment, recruiters, rules[0].recruit_rate)


@_jit
def reset_pairs(rel: DensePairs, slots: np.ndarray, n: int, now: int, hi: int) -> None:
    """Make ``slots`` strangers to the first ``n`` slots (both directions): familiarity 0,
    trust at the prior, touched ``now``.

    A slot's current row (columns below ``hi``, its own left out) is first taken off each
    set of running column sums ``col_sums[t]`` whose rows ``tracked[t]`` include it, as
    ``Relations._add_rows`` with weight -1 does, and every reset slot's column sums become
    0 (nobody knows a newcomer).
    """
    F, T, last, prior = rel.F, rel.T, rel.last, rel.prior
    tracked, col_sums, f_decay, t_decay = rel.tracked, rel.cols, rel.f_decay, rel.t_decay
    horizon = f_decay.size - 1
    for t in range(tracked.shape[0]):
        for r in slots:
            if tracked[t, r]:
                for c in range(hi):
                    if c != r and not (F[r, c] == 0.0 and T[r, c] == prior):  # strangers: 0
                        g = min(now - last[r, c], horizon)
                        col_sums[t, 0, c] -= F[r, c] * f_decay[g]
                        col_sums[t, 1, c] -= (T[r, c] - prior) * t_decay[g]
    for s in slots:
        for t in range(tracked.shape[0]):
            col_sums[t, 0, s] = 0.0
            col_sums[t, 1, s] = 0.0
        for x in range(n):
            F[s, x] = 0.0
            T[s, x] = prior
            last[s, x] = now
            F[x, s] = 0.0
            T[x, s] = prior
            last[x, s] = now


@_jit
def forget_rows(know: KnowledgeArrays, slots: np.ndarray, orgs: np.ndarray) -> None:
    """Newcomers in ``slots`` know nothing but their own organisations ``orgs``
    (``Knowledge.forget``), in the knowledge store's arrays ``know``: their stored rows 0
    but 1 at the own organisation, the rows' maps the identity, row sums 1 and not stale,
    ``own`` the organisations. Reference: the numpy writes in
    ``tests/test_kernels_processes.py``.
    """
    stored, scale, offset, sums, stale, own = (know.stored, know.scale, know.offset, know.sums,
                                               know.stale, know.own)
    for s in slots:
        stored[s, :] = 0.0
    for x in range(slots.size):
        s = slots[x]
        stored[s, orgs[x]] = 1.0
        scale[s] = 1.0
        offset[s] = 0.0
        sums[s] = 1.0
        stale[s] = False
        own[s] = orgs[x]


class SeatRule(NamedTuple):
    """The parameters of seating a newcomer (ODD 5 and 7.8), for the ``seat`` kernel, which
    takes them unpacked (``seat(..., *rule)``).
    """

    role_bounds: np.ndarray  # cumulative shares: conveners, then seekers
    role_by_share: np.ndarray  # the role below each bound, then the rest
    strength_shares: np.ndarray  # share of each strength (columns of ``strengths``)
    lifting: np.ndarray  # which strengths lift others' commitment
    dialogue_skill_mean: float
    dialogue_skill_sd: float
    person_sd: float
    autonomy_kept: float  # share of autonomy kept under the network's structure
    active_threshold: float
    peripheral_threshold: float
    status_codes: np.ndarray
    resident_kind: int
    n_circles: int


@_jit
def seat(people: People, slots: np.ndarray, orgs: np.ndarray, uniforms: np.ndarray,
         normals: np.ndarray, commitment: float, org_kind: np.ndarray, next_circle: int,
         purpose: float, skill_use: float, now: int, role_bounds: np.ndarray,
         role_by_share: np.ndarray, strength_shares: np.ndarray, lifting: np.ndarray,
         dialogue_skill_mean: float, dialogue_skill_sd: float, person_sd: float,
         autonomy_kept: float, active_threshold: float, peripheral_threshold: float,
         status_codes: np.ndarray, resident_kind: int, n_circles: int) -> int:
    """Seat newcomers in ``slots`` for organisations ``orgs`` (ODD 5, 7.8), by the rule
    whose fields (:class:`SeatRule`) come last, unpacked: ``seat(people, slots, ..., now,
    *rule)`` (numba takes a ``NamedTuple`` argument in about 2.7 us, its fields one by one
    in about 0.5 us).

    Person ``k`` takes its role from ``uniforms[k, 0]`` (a convener below the first
    cumulative share, a seeker below the second, else a contributor), strength ``t``
    when ``uniforms[k, 1 + t]`` is below its share (a lifter with one of the lifting
    strengths); ``normals[k]`` give a person-level
    dialogic skill and the four cornerstones' spread around it, then the person's
    commitment around ``commitment`` and its autonomy. Circles are dealt in turn from
    ``next_circle``; purpose and skill use start at the network's current values; status
    follows commitment; the person is seated ``now``. What the slot's previous holder did
    (values, hours, contacts, groups: the fields ``model.state.PEOPLE`` marks fresh) is
    emptied (``tests/test_state.py`` checks that these are the fields written here).
    Reference: the numpy form in ``tests/test_kernels.py``.

    Returns:
        The circle the next newcomer will join.
    """
    rule = SeatRule(role_bounds, role_by_share, strength_shares, lifting, dialogue_skill_mean,
                    dialogue_skill_sd, person_sd, autonomy_kept, active_threshold,
                    peripheral_threshold, status_codes, resident_kind, n_circles)
    sd = rule.dialogue_skill_sd
    for k in range(slots.size):
        s, o = slots[k], orgs[k]
        u = uniforms[k, 0]
        below = 0  # bounds at or below u (searchsorted, side="right")
        for b in range(rule.role_bounds.size):
            if rule.role_bounds[b] <= u:
                below += 1
        people.role[s] = rule.role_by_share[below]
        lifts = False
        for t in range(rule.strength_shares.size):
            people.strengths[s, t] = uniforms[k, 1 + t] < rule.strength_shares[t]
            lifts = lifts or (people.strengths[s, t] and rule.lifting[t])
        people.lifter[s] = lifts
        person = sd * normals[k, 0]
        for d in range(4):
            x = rule.dialogue_skill_mean + person + sd / 2 * normals[k, 1 + d]
            people.dialogue[s, d] = min(max(x, 0.0), 1.0)
        people.present[s] = True
        people.org[s] = o
        people.circle[s] = (next_circle + k) % n_circles
        people.resident[s] = org_kind[o] == rule.resident_kind
        c = min(max(commitment + rule.person_sd * normals[k, 5], 0.0), 1.0)
        people.commitment[s] = c
        base = min(max(1.0 - rule.person_sd * abs(normals[k, 6]), 0.0), 1.0)
        people.autonomy_base[s] = base
        people.autonomy[s] = base * rule.autonomy_kept
        people.purpose[s] = purpose
        people.skill_use[s] = skill_use
        people.status[s] = _status_of(c, rule.active_threshold, rule.peripheral_threshold,
                                      rule.status_codes)
        people.seated_at[s] = now
        # A fresh record (the fresh fields of model.state.PEOPLE, at their empty values).
        people.value_ema[s] = 0.0
        people.value_cum[s] = 0.0
        people.hours_ema[s] = 0.0
        people.tie_ema[s] = 0.0
        people.dormant_weeks[s] = 0
        people.collaborated[s] = False
        people.met[s] = False
        people.contacts[s] = 0
        people.work_contacts[s] = 0
        people.groups_joined[s] = 0
        people.last_attended[s] = NEVER
    return (next_circle + slots.size) % n_circles


# ---------------------------------------------------------------- observe
# 10 observe: the reporters' passes (ODD 4.11, 7.10).


@_jit
def present_mean_skill(dialogue: np.ndarray, present: np.ndarray, used: int) -> float:
    """The ``dialogue_skill`` reporter: the mean over the present of each one's mean over
    the dialogic cornerstones (the columns of ``dialogue``), 0 with nobody present; one pass
    instead of numpy's selection, row means and mean (a few microseconds a recording).
    """
    cornerstones = dialogue.shape[1]
    total, n = 0.0, 0
    for i in range(used):
        if present[i]:
            own = 0.0
            for c in range(cornerstones):
                own += dialogue[i, c]
            total += own / cornerstones
            n += 1
    return total / n if n else 0.0


@_jit
def census(present: np.ndarray, status: np.ndarray, commitment: np.ndarray,
           week_active: np.ndarray, used: int, active_code: int, engaged: float, held: float,
           members: np.ndarray, active: np.ndarray, have_members: bool,
           have_active: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The week's census (``model.reporters.Census``) in one pass instead of a numpy call
    per count: who is present and who is active, and the sums the reporters and the
    history read over them.

    Args:
        present: Bool by slot: not left.
        status: Status code by slot.
        commitment: Commitment by slot.
        week_active: Bool by slot: took part this week.
        used: Slots ever used (the lists run over ``0 .. used - 1``).
        active_code: The status code of the active.
        engaged: Commitment from which a present person counts as engaged.
        held: Commitment from which a present person counts as held.
        members: The present slots, if known already (``have_members``).
        active: The active slots, if known already (``have_active``).
        have_members: Whether ``members`` holds the present slots (else found here).
        have_active: Whether ``active`` holds the active slots (else found here).

    Returns:
        The present slots (``np.flatnonzero(present[:used])``), the active slots
        (``np.flatnonzero(status[:used] == active_code)``), and as floats: commitment
        summed over the present and over the active (``commitment[slots].sum()``, numpy's
        order: :func:`pairwise_sum`), the counts of present people at ``engaged`` and at
        ``held`` commitment and taking part this week.
    """
    if not have_members:
        members = _flags_at(present[:used])
    if not have_active:
        active = _flags_at(status[:used] == active_code)
    n_m, n_a = members.size, active.size
    gathered = np.empty(max(n_m, n_a))
    n_engaged = n_held = n_taking = 0
    for x in range(n_m):
        c = commitment[members[x]]
        gathered[x] = c
        if c >= engaged:
            n_engaged += 1
        if c >= held:
            n_held += 1
        if week_active[members[x]]:
            n_taking += 1
    out = np.empty(5)
    out[0] = pairwise_sum(gathered[:n_m])
    for x in range(n_a):
        gathered[x] = commitment[active[x]]
    out[1] = pairwise_sum(gathered[:n_a])
    out[2], out[3], out[4] = n_engaged, n_held, n_taking
    return members, active, out


#: The weekly series of the history (``NetworkModel.history``, ODD 4.11 and 7.10), in the order
#: of the rows of its table: active share, mean commitment of the present, and over the
#: seats the engaged, the held, the trust ties and those taking part; whether a meeting
#: was held.
HISTORY = ("active_share", "mean_commitment", "engaged_share", "held_share", "ties_per_seat",
           "taking_part", "meeting")
_ACTIVE_SHARE, _MEAN_COMMITMENT, _ENGAGED, _HELD, TIES_PER_SEAT, _TAKING_PART, _MEETING = (
    range(len(HISTORY)))


@_jit
def week_census(present: np.ndarray, status: np.ndarray, commitment: np.ndarray,
                week_active: np.ndarray, used: int, active_code: int, engaged: float,
                held: float, members: np.ndarray, active: np.ndarray, have_members: bool,
                have_active: bool, history: np.ndarray, week: int, initial_size: int,
                meeting_held: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The week's :func:`census` and its entries of the history: column ``week`` of the
    table ``history`` (rows in the order of ``HISTORY``), all but ``ties_per_seat`` (the
    caller writes it from the week's trust ties).

    The shares are over the active, or, for the classification's own counts (ODD 7.10),
    over the seats: ``max(1, initial_size, present)``; as Python divides the counts.

    Returns:
        What :func:`census` returns.
    """
    members, active, sums = census(present, status, commitment, week_active, used, active_code,
                                   engaged, held, members, active, have_members, have_active)
    seats = max(1, initial_size, members.size)
    history[_ACTIVE_SHARE, week] = active.size / seats
    history[_MEAN_COMMITMENT, week] = sums[0] / members.size if members.size else 0.0
    history[_ENGAGED, week] = sums[2] / seats
    history[_HELD, week] = sums[3] / seats
    history[_TAKING_PART, week] = sums[4] / seats
    history[_MEETING, week] = 1.0 if meeting_held else 0.0
    return members, active, sums


# Life phases by their position in ``model.outcome.Phase``.
(PHASE_ACTIVATION, PHASE_COLLECTIVITY, PHASE_INSTITUTIONALISATION, PHASE_STABILITY,
 PHASE_DECLINE, PHASE_REORIENTATION) = range(6)


@_jit
def _mean(x: np.ndarray) -> float:
    """``x.mean()`` of a non-empty 1-D float array, bit for bit (``model.reporters.mean``)."""
    return pairwise_sum(x) / x.size


@_jit
def phase(engaged: np.ndarray, commitment: np.ndarray, prev: int, window: int, steps: int,
          goal_clarity: float, phase_goal_clarity: float, faded: float, stable_change: float,
          thriving: float) -> int:
    """The network's life phase now (``model.outcome.phase_of`` states the rules), as its
    position in ``model.outcome.Phase``.

    Args:
        engaged: The history's engaged share, every week so far (at least one).
        commitment: The history's mean commitment, as many weeks.
        prev: Last week's phase.
        window: Weeks over which the trends are judged (``phase_window_weeks``).
        steps: The current week.
        goal_clarity: How clear the network's goal is now.
        phase_goal_clarity: Goal clarity that ends the activation phase.
        faded: Engaged share below which the network declines whatever its trends.
        stable_change: Change in the window that still counts as stable.
        thriving: Engaged share of an institutionalised network.
    """
    n = engaged.size
    if engaged[n - 1] < faded:
        return PHASE_DECLINE  # (almost) no one is engaged any more
    unsettled = goal_clarity < phase_goal_clarity and prev == PHASE_ACTIVATION
    if steps < window or unsettled:
        return PHASE_ACTIVATION
    start = max(0, n - (window + 1))
    share = engaged[start:]
    comm = commitment[start:]
    # Trends as the change between the window's first and second halves (single weeks are noisy).
    half = max(1, share.size // 2)
    d_share = _mean(share[share.size - half:]) - _mean(share[:half])
    d_comm = _mean(comm[comm.size - half:]) - _mean(comm[:half])
    if d_share < -stable_change:
        return PHASE_DECLINE
    if (prev in (PHASE_DECLINE, PHASE_REORIENTATION)
            and (d_share > stable_change or d_comm > stable_change)):
        return PHASE_REORIENTATION
    if d_comm > stable_change or d_share > stable_change:
        return PHASE_COLLECTIVITY
    if share[share.size - 1] >= thriving:
        stable_long = n > 2 * window and abs(
            share[share.size - 1] - engaged[n - (2 * window + 1)]) <= stable_change
        if prev in (PHASE_INSTITUTIONALISATION, PHASE_STABILITY) and stable_long:
            return PHASE_STABILITY
        return PHASE_INSTITUTIONALISATION
    return prev if prev != PHASE_ACTIVATION else PHASE_COLLECTIVITY


@_inline
def _root(parent: np.ndarray, x: int) -> int:
    """Root of ``x`` in a union-find forest, halving the path on the way."""
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


@_jit
def largest_weak_component(nodes: int, i: np.ndarray, j: np.ndarray) -> int:
    """Number of nodes in the largest weak component of the graph on ``0 .. nodes - 1``
    with edges ``i[e] -> j[e]`` (union-find; a node without edges is a component of one).

    Reference: ``scipy.sparse.csgraph.connected_components(..., connection="weak")`` as in
    ``model.reporters.Snapshot.dense``.
    """
    parent = np.arange(nodes)
    size = np.ones(nodes, dtype=np.int64)
    largest = 1 if nodes > 0 else 0
    for e in range(i.size):
        largest = max(largest, _join(parent, size, i[e], j[e]))
    return largest


@_inline
def _join(parent: np.ndarray, size: np.ndarray, x: int, y: int) -> int:
    """Join the components of ``x`` and ``y`` in a union-find forest (``parent``, with
    each root's ``size``): the size of the joined component, 0 if they were one already.
    """
    a, b = _root(parent, x), _root(parent, y)
    if a == b:
        return 0
    if size[a] < size[b]:  # hang the smaller tree under the larger: shallow trees
        a, b = b, a
    parent[b] = a
    size[a] += size[b]
    return size[a]


@_jit
def current_ties(key: np.ndarray, rel: DensePairs, now: int, floor: float, threshold: float,
                 member: np.ndarray) -> tuple[int, np.ndarray]:
    """One pass over the tie candidates of ``model.relations.Relations``: their current
    trust, the candidates still listed, and the ties among members.

    Current trust is ``prior + (stored - prior) * decay[min(now - last, horizon)]`` with
    ``horizon = decay.size - 1`` (the formula of ``Relations.trust``). Reference: the numpy
    form in ``tests/test_kernels_reporters.py``.

    Args:
        key: Flat indices ``i * width + j`` of the candidate pairs (``width`` columns);
            compacted in place: the first ``kept`` entries are the candidates still listed,
            in their order.
        rel: The dense pair store's arrays (``model.state.DensePairs``; here its stored
            trust ``T`` and week of last settling ``last``, ``(width, width)``, the trust
            decay factor by gap in weeks ``t_decay``, the trust in a stranger ``prior``, and
            the candidate flags ``listed``, ``(width, width)``, cleared here for dropped
            candidates).
        now: The current week.
        floor: Current trust below which a candidate is dropped.
        threshold: Current trust from which a pair is a tie.
        member: Bool by slot: ties count only between members.

    Returns:
        ``kept``, and the slots of the ties among members as rows ``i`` and ``j`` of an
        int ``(2, ties)`` array (one array: each array returned costs a conversion).
    """
    listed = rel.listed
    trust, last, decay, prior = rel.T, rel.last, rel.t_decay, rel.prior
    # Unsigned slots and gaps, as in the block loops (see _gap).
    width, horizon = np.uint64(trust.shape[1]), np.uint64(decay.size - 1)
    ties = np.empty((2, key.size), dtype=np.int64)
    kept = 0
    n_ties = 0
    for x in range(key.size):
        a, b, t, kept = _keep_candidate(key, x, kept, width, trust, last, now, decay, horizon,
                                        prior, floor, listed)
        if t < floor:
            continue
        if t >= threshold and member[a] and member[b]:
            ties[0, n_ties] = a
            ties[1, n_ties] = b
            n_ties += 1
    return kept, ties[:, :n_ties]


#: Partners of one person up to which they are put in order by insertion (few ties each).
_FEW_PARTNERS = 16


#: Cells of the square of flags per pair up to which :func:`unordered_pairs` marks the pairs
#: in the square and reads it in key order rather than sorting them (measured: at 24 to 100
#: slots, clearing and reading such a square costs about what the sort costs; a small
#: network's trust ties, many partners to a few people, take a third of the sort's time).
_MARK_CELLS_PER_PAIR = 8


@_jit
def _marked_pairs(a: np.ndarray, b: np.ndarray, width: int) -> np.ndarray:
    """:func:`unordered_pairs` by marking each pair ``(min, max)`` in a square of flags and
    reading the square row by row: the same sorted distinct keys.
    """
    mark = np.zeros((width, width), dtype=np.bool_)
    for k in range(a.size):
        mark[min(a[k], b[k]), max(a[k], b[k])] = True
    key = np.empty(a.size, dtype=np.int64)
    n = 0
    for lo in range(width):
        for hi in range(lo, width):
            if mark[lo, hi]:
                key[n] = lo * width + hi
                n += 1
    return key[:n]


@_jit
def unordered_pairs(a: np.ndarray, b: np.ndarray, width: int) -> np.ndarray:
    """The distinct unordered pairs of the pairs (a, b), as sorted keys ``min * width + max``
    (``np.unique`` of the keys, ``width`` above every slot), by a counting sort on the
    smaller end and the few partners of each put in order: linear in the pairs and the
    slots, where sorting the keys was not; with few slots for the pairs
    (``_MARK_CELLS_PER_PAIR``), by :func:`_marked_pairs`.
    """
    if width * width <= _MARK_CELLS_PER_PAIR * a.size:
        return _marked_pairs(a, b, width)
    start = np.zeros(width + 1, dtype=np.int64)
    for k in range(a.size):
        start[min(a[k], b[k]) + 1] += 1
    for x in range(width):
        start[x + 1] += start[x]
    fill = start[:-1].copy()
    partner = np.empty(a.size, dtype=np.int64)
    for k in range(a.size):
        lo = min(a[k], b[k])
        partner[fill[lo]] = max(a[k], b[k])
        fill[lo] += 1
    key = np.empty(a.size, dtype=np.int64)
    n = 0
    for lo in range(width):
        first, end = start[lo], start[lo + 1]
        if end - first > _FEW_PARTNERS:
            partner[first:end] = np.sort(partner[first:end])
        else:
            for x in range(first + 1, end):  # insertion sort
                p, y = partner[x], x - 1
                while y >= first and partner[y] > p:
                    partner[y + 1] = partner[y]
                    y -= 1
                partner[y + 1] = p
        for x in range(first, end):
            if x == first or partner[x] != partner[x - 1]:
                key[n] = lo * width + partner[x]
                n += 1
    return key[:n]


@_jit
def mutual_ties(a: np.ndarray, b: np.ndarray, width: int, rel: DensePairs, threshold: float,
                now: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The trust ties among directed candidates (a, b) (``model.reporters.trust_ties``): the
    distinct unordered pairs ``i < j`` (sorted by ``i * width + j``, ``width`` above every
    slot) whose trust in each other now, averaged over the two directions as
    ``0.5 * (t_ij + t_ji)``, reaches ``threshold``. Reference: the numpy form in
    ``tests/test_kernels_reporters.py``.
    """
    trust, last, t_decay, prior = rel.T, rel.last, rel.t_decay, rel.prior
    key = unordered_pairs(a, b, width)
    horizon = t_decay.size - 1
    i = np.empty(key.size, dtype=np.int64)
    j = np.empty(key.size, dtype=np.int64)
    t = np.empty(key.size)
    n = 0
    for k in range(key.size):
        x, y = key[k] // width, key[k] % width
        t_xy = prior + (trust[x, y] - prior) * t_decay[min(now - last[x, y], horizon)]
        t_yx = prior + (trust[y, x] - prior) * t_decay[min(now - last[y, x], horizon)]
        mean = 0.5 * (t_xy + t_yx)
        if mean >= threshold:
            i[n], j[n], t[n] = x, y, mean
            n += 1
    return i[:n], j[:n], t[:n]


@_jit
def trust_ties_among(key: np.ndarray, rel: DensePairs, now: int, floor: float, threshold: float,
                     slots: np.ndarray, mean_threshold: float
                     ) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """The trust ties among ``slots`` from the tie candidates ``key`` in one call
    (``model.relations.Relations.trust_ties``): :func:`current_ties` over the members
    ``slots``, then :func:`mutual_ties` of the directed pairs found, with ``width`` one
    above the largest slot, as the two calls made apart did.

    Returns:
        ``kept`` (the candidates still listed, compacted in place at the front of ``key``),
        and the ties: slots ``i < j``, sorted, and the pair's mean trust.
    """
    listed = rel.listed
    member = np.zeros(listed.shape[0], dtype=np.bool_)
    width = 1
    for s in slots:
        member[s] = True
        width = max(width, s + 1)
    kept, ties = current_ties(key, rel, now, floor, threshold, member)
    if ties.shape[1] == 0:
        empty = np.empty(0, dtype=np.int64)
        return kept, empty, empty.copy(), np.empty(0)
    i, j, t = mutual_ties(ties[0], ties[1], width, rel, mean_threshold,
                          now)
    return kept, i, j, t


@_jit
def status_tie_stats(i: np.ndarray, j: np.ndarray, status: np.ndarray, code: int,
                     group: np.ndarray, nodes: int, slots: np.ndarray,
                     present: np.ndarray) -> tuple[int, int, int]:
    """Statistics of the ties (i, j) whose two ends have status ``code`` (the survivors'
    reporters, ``model.reporters.Snapshot``), in one call instead of the filter, the
    component search and the count apart.

    The ties (i, j) are those among the present people, so the ones found are all the ties
    among the people of status ``code`` only if those (``slots``) are all ``present``;
    if not, nothing is counted and the tie count returned is -1.

    Returns:
        The number of such ties, the size of the largest weak component of the graph they
        make on ``0 .. nodes - 1`` (:func:`largest_weak_component`), and how many of them
        join different groups (``(group[i] != group[j]).sum()`` over them: each tie is
        listed once).
    """
    for s in slots:
        if not present[s]:
            return -1, 0, 0
    # largest_weak_component's forest, joined tie by tie as the ties are found (the same
    # joins in the same order), rather than over the ties gathered first.
    parent = np.arange(nodes)
    size = np.ones(nodes, dtype=np.int64)
    largest = 1 if nodes > 0 else 0
    n = cross = 0
    for k in range(i.size):
        a, b = i[k], j[k]
        if status[a] == code and status[b] == code:
            n += 1
            largest = max(largest, _join(parent, size, a, b))
            if group[a] != group[b]:
                cross += 1
    return n, largest, cross


@_jit
def decayed_column_sums(rows: np.ndarray, weight: np.ndarray, rel: DensePairs, now: int,
                        hi: int) -> np.ndarray:
    """Weighted column sums, over ``rows`` and columns ``0 .. hi - 1``, of current
    familiarity and of current trust minus the prior, leaving out each row's own column.

    Current values follow ``Relations.familiarity`` and ``Relations.trust`` (gaps capped
    at ``f_decay.size - 1``). Reference: the numpy form in ``Relations._add_rows``.

    Returns:
        Float ``(2, hi)``: ``sum_r weight[r] F_now[r, c]`` and ``sum_r weight[r] (T_now[r, c] -
        prior)``.
    """
    fam, trust, last = rel.F, rel.T, rel.last
    f_decay, t_decay, prior = rel.f_decay, rel.t_decay, rel.prior
    horizon = f_decay.size - 1
    out = np.zeros((2, hi))
    for x in range(rows.size):
        r, w = rows[x], weight[x]
        for c in range(hi):
            # Strangers (most pairs of a large network) add exactly nothing: skip the lookups.
            if c == r or (fam[r, c] == 0.0 and trust[r, c] == prior):
                continue
            g = min(now - last[r, c], horizon)
            out[0, c] += w * (fam[r, c] * f_decay[g])
            out[1, c] += w * ((trust[r, c] - prior) * t_decay[g])
    return out


@_jit
def tracked_pair_sums(slots: np.ndarray, row_set: int, rel: DensePairs, now: int,
                      written: int) -> tuple[float, float, int]:
    """Move the tracked rows of the set of sums ``row_set`` of the store ``rel`` to
    ``slots`` and sum that set's column sums over them (the running pair sums of
    ``Relations.pair_sums``).

    ``cols`` (``rel.cols[row_set]``) holds, for every column, the sums over the ``tracked`` rows of current
    familiarity and of current trust minus the prior (see :func:`decayed_column_sums`,
    here added for the slots that joined and subtracted for those that left; when
    more changed than ``slots`` has, everything is summed afresh from ``slots``, which
    also clears accumulated rounding). Columns from ``written`` on hold the initial
    values, so nothing is added there. ``tracked`` becomes the membership of ``slots``.

    Returns:
        The two sums over the columns ``slots`` (as ``cols[:, slots].sum(axis=1)``, bit for
        bit) and the number of rows that changed.
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
    # Summed one slot after another: numpy's order for ``cols[:, slots].sum(axis=1)``,
    # whose gathered block is Fortran-ordered (so no pairwise summation).
    sum_f = sum_t = 0.0
    for s in slots:
        sum_f += cols[0, s]
        sum_t += cols[1, s]
    return sum_f, sum_t, changed.size


@_inline
def _gap(now: int, last: int, horizon: np.uint64) -> np.uint64:
    """``min(now - last, horizon)``, the row of a decay table for a pair last settled in
    week ``last``, as an unsigned index (``last <= now`` in the store; a negative gap would
    give ``horizon``). The block loops index with unsigned slots and gaps: numba checks a
    signed index for a negative value, and those checks kept the loops slow (measured: the
    block read of 24 people 2.4 times faster).
    """
    return min(np.uint64(now - last), horizon)


@_inline
def _trust_now(trust: np.ndarray, last: np.ndarray, a: np.uint64, b: np.uint64, now: int,
               decay: np.ndarray, horizon: np.uint64, prior: float) -> float:
    """Current trust of the pair ``(a, b)``: ``prior + (stored - prior) * decay[gap]`` (the
    formula of ``Relations.trust``), indexed unsigned (see :func:`_gap`).
    """
    return prior + (trust[a, b] - prior) * decay[_gap(now, last[a, b], horizon)]


@_inline
def _keep_candidate(key: np.ndarray, x: int, kept: int, cols: np.uint64, trust: np.ndarray,
                    last: np.ndarray, now: int, decay: np.ndarray, horizon: np.uint64,
                    prior: float, floor: float, listed: np.ndarray
                    ) -> tuple[np.uint64, np.uint64, float, int]:
    """The tie candidate ``key[x]``'s slots and current trust, and how many candidates are
    kept after it: at ``floor`` or above it is kept (moved to ``key[kept]``); below, its flag
    in ``listed`` is cleared (below the threshold until written again).
    """
    k = key[x]
    a, b = np.uint64(k) // cols, np.uint64(k) % cols
    t = _trust_now(trust, last, a, b, now, decay, horizon, prior)
    if t < floor:
        listed[a, b] = False
        return a, b, t, kept
    key[kept] = k
    return a, b, t, kept + 1


@_jit
def block_pair_sums(slots: np.ndarray, rel: DensePairs, now: int) -> tuple[float, float]:
    """Sums over ordered pairs ``i != j`` of ``slots`` of current familiarity and of current
    trust minus the prior (as :func:`decayed_column_sums`, over the block ``slots x slots``).

    The same sums as numpy's ``block.sum() - np.trace(block)`` bit for bit (see
    :func:`pairwise_sum`). Reference: the block read in ``tests/test_kernels_reporters.py``.
    """
    fam, trust, last = rel.F, rel.T, rel.last
    f_decay, t_decay, prior = rel.f_decay, rel.t_decay, rel.prior
    horizon = np.uint64(f_decay.size - 1)
    n = slots.size
    f = np.empty(n * n)
    t = np.empty(n * n)
    for x in range(n):
        r = np.uint64(slots[x])  # unsigned indices: see _gap
        for y in range(n):
            c = np.uint64(slots[y])
            g = _gap(now, last[r, c], horizon)
            f[x * n + y] = fam[r, c] * f_decay[g]
            t[x * n + y] = (trust[r, c] - prior) * t_decay[g]
    return (pairwise_sum(f) - strided_sum(f, 0, n + 1, n),
            pairwise_sum(t) - strided_sum(t, 0, n + 1, n))


@_jit
def block_sums(slots: np.ndarray, rel: DensePairs,
               now: int) -> tuple[float, float, float, float]:
    """The sums and the traces of the current familiarity and trust blocks ``slots x slots``
    (as ``Relations.block`` reads them; trust itself, not minus the prior), each as numpy
    sums the block (``block.sum()``, ``np.trace``) bit for bit (see :func:`pairwise_sum`),
    without numpy's temporaries. Reference: the block read in
    ``tests/test_kernels_reporters.py``.

    Returns:
        Familiarity's sum and trace, then trust's.
    """
    fam, trust, last = rel.F, rel.T, rel.last
    f_decay, t_decay, prior = rel.f_decay, rel.t_decay, rel.prior
    horizon = np.uint64(f_decay.size - 1)
    n = slots.size
    f = np.empty(n * n)
    t = np.empty(n * n)
    for x in range(n):
        r = np.uint64(slots[x])  # unsigned indices: see _gap
        for y in range(n):
            c = np.uint64(slots[y])
            g = _gap(now, last[r, c], horizon)
            f[x * n + y] = fam[r, c] * f_decay[g]
            t[x * n + y] = prior + (trust[r, c] - prior) * t_decay[g]
    return (pairwise_sum(f), strided_sum(f, 0, n + 1, n), pairwise_sum(t),
            strided_sum(t, 0, n + 1, n))


@_inline
def _read_block(slots: np.ndarray, fam: np.ndarray, trust: np.ndarray, last: np.ndarray,
                now: int, f_decay: np.ndarray, t_decay: np.ndarray, prior: float
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The block ``slots x slots`` read once, row by row: familiarity decayed, trust minus
    the prior decayed (what :func:`block_pair_sums` sums) and the prior plus that (what
    :func:`block_sums` sums), each computed as those kernels compute it.
    """
    horizon = np.uint64(f_decay.size - 1)
    n = slots.size
    f = np.empty(n * n)
    d = np.empty(n * n)
    t = np.empty(n * n)
    for x in range(n):
        r = np.uint64(slots[x])  # unsigned indices: see _gap
        for y in range(n):
            c = np.uint64(slots[y])
            g = _gap(now, last[r, c], horizon)
            f[x * n + y] = fam[r, c] * f_decay[g]
            above = (trust[r, c] - prior) * t_decay[g]
            d[x * n + y] = above
            t[x * n + y] = prior + above
    return f, d, t


@_jit
def block_both_sums(slots: np.ndarray, fam: np.ndarray, trust: np.ndarray, last: np.ndarray,
                    now: int, f_decay: np.ndarray, t_decay: np.ndarray,
                    prior: float) -> tuple[float, float, float, float, float, float]:
    """:func:`block_pair_sums` and :func:`block_sums` of the same ``slots`` over one read of
    the block (where the active are the present): every entry of each block is computed as
    those two compute it, and each block is summed as they sum it, so each sum is theirs bit
    for bit. The two familiarity blocks are one (computed alike): summed once.

    Returns:
        What :func:`block_pair_sums` returns, then what :func:`block_sums` returns.
    """
    n = slots.size
    f, d, t = _read_block(slots, fam, trust, last, now, f_decay, t_decay, prior)
    # The diagonals summed in place (strided_sum), not gathered into arrays first.
    f_sum, f_trace = pairwise_sum(f), strided_sum(f, 0, n + 1, n)
    return (f_sum - f_trace, pairwise_sum(d) - strided_sum(d, 0, n + 1, n), f_sum, f_trace,
            pairwise_sum(t), strided_sum(t, 0, n + 1, n))


@_jit
def _same_slots(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether the slot lists ``a`` and ``b`` are equal."""
    same = a.size == b.size
    x = 0
    while same and x < a.size:
        same = a[x] == b[x]
        x += 1
    return same


@_jit
def _nested_slots(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether every slot of the ascending list ``a`` is in the ascending list ``b``."""
    y = 0
    for x in range(a.size):
        while y < b.size and b[y] < a[x]:
            y += 1
        if y == b.size or b[y] != a[x]:
            return False
    return True


@_jit
def block_nested_sums(inner: np.ndarray, slots: np.ndarray, fam: np.ndarray,
                      trust: np.ndarray, last: np.ndarray, now: int, f_decay: np.ndarray,
                      t_decay: np.ndarray, prior: float
                      ) -> tuple[float, float, float, float, float, float]:
    """:func:`block_pair_sums` of ``inner`` and :func:`block_sums` of ``slots`` over one read
    of the block ``slots x slots``, for ascending ``inner`` all in ascending ``slots``
    (:func:`_nested_slots`; the active among the present): the entries of ``inner``'s block
    are those of ``slots``' block at their rows and columns (computed alike), gathered in
    ``block_pair_sums``' order and summed as it sums them, so each sum is bit for bit that
    of the kernel it stands for (as :func:`block_both_sums`, of which this is the case of
    fewer ``inner``).

    Returns:
        What :func:`block_pair_sums` of ``inner`` returns, then what :func:`block_sums` of
        ``slots`` returns.
    """
    n = slots.size
    f, d, t = _read_block(slots, fam, trust, last, now, f_decay, t_decay, prior)
    f_sum, f_trace = pairwise_sum(f), strided_sum(f, 0, n + 1, n)
    t_sum, t_trace = pairwise_sum(t), strided_sum(t, 0, n + 1, n)
    # Where each of inner sits among slots (both ascending, inner within slots).
    k = inner.size
    at = np.empty(k, dtype=np.int64)
    y = 0
    for x in range(k):
        while slots[y] != inner[x]:
            y += 1
        at[x] = y
    f_in = np.empty(k * k)
    d_in = np.empty(k * k)
    for x in range(k):
        row = at[x] * n
        for y in range(k):
            f_in[x * k + y] = f[row + at[y]]
            d_in[x * k + y] = d[row + at[y]]
    return (pairwise_sum(f_in) - strided_sum(f_in, 0, k + 1, k),
            pairwise_sum(d_in) - strided_sum(d_in, 0, k + 1, k), f_sum, f_trace,
            t_sum, t_trace)


@_jit
def knowledge_sums(rows: np.ndarray, cols: np.ndarray, know: KnowledgeArrays,
                   n_known: int) -> np.ndarray:
    """For each of ``rows``, its knowledge summed over the distinct organisations ``cols``
    (all below ``n_known``), leaving out its own organisation.

    Knowledge is the store's arrays ``know``, kept as in ``model.knowledge.Knowledge``:
    ``K[r, o] = scale[r] * (stored[r, o] + offset[r])``, except ``K[r, own[r]] = 1``.
    ``sums`` holds the sums of ``stored`` over the first ``n_known`` columns; those of rows
    flagged ``stale`` are summed again here and the flags cleared. All sums are numpy's bit
    for bit (:func:`pairwise_sum`). Reference: the numpy form in
    ``tests/test_kernels_reporters.py`` (and the dense check in
    ``tests/test_knowledge_lazy.py``).
    """
    stored, scale, offset, sums, stale, own = (know.stored, know.scale, know.offset, know.sums,
                                               know.stale, know.own)
    for s in range(stale.size):
        if stale[s]:
            sums[s] = pairwise_sum(stored[s, :n_known])
            stale[s] = False
    left_out = np.ones(n_known, dtype=np.bool_)
    left_out[cols] = False
    dropped = np.flatnonzero(left_out)
    n = cols.size
    out = np.empty(rows.size)
    gathered = np.empty(dropped.size)  # one buffer for every row, not an array per row
    for x in range(rows.size):
        r = rows[x]
        total = sums[r]
        if dropped.size:
            row = np.uint64(r)  # unsigned indices: see _gap
            for y in range(dropped.size):
                gathered[y] = stored[row, np.uint64(dropped[y])]
            total -= pairwise_sum(gathered)
        # One's own organisation reads as 1 whatever is stored there; leave it out too.
        own_in = not left_out[own[r]]
        if own_in:
            total -= stored[r, own[r]]
        out[x] = scale[r] * (total + (n - own_in) * offset[r])
    return out


@_jit
def knowledge_coverage(rows: np.ndarray, group: np.ndarray, n_groups: int,
                       know: KnowledgeArrays, n_known: int) -> float:
    """The ``knowledge_coverage`` reporter (``model.reporters.knowledge_coverage``) in one
    call: over the organisations ``o`` with someone among ``rows`` (``group[rows]``, below
    ``n_groups``), the mean over ordered pairs ``o1 != o2`` of how well o1's people know
    o2, as the sum over ``rows`` of :func:`knowledge_sums` (over those organisations) each
    divided by the size of its organisation, over the number of pairs; 0 with fewer than
    two organisations. Knowledge is the store's arrays ``know``, as :func:`knowledge_sums`
    reads them; the sums are numpy's bit for bit (:func:`pairwise_sum`).
    """
    size = np.zeros(n_groups, dtype=np.int64)
    for r in rows:
        size[group[r]] += 1
    orgs = np.flatnonzero(size)
    if orgs.size < 2:
        return 0.0
    others = knowledge_sums(rows, orgs, know, n_known)
    for x in range(rows.size):
        others[x] = others[x] / size[group[rows[x]]]
    return pairwise_sum(others) / (orgs.size * (orgs.size - 1))


NEVER_ENDS = np.iinfo(np.int64).max


@_jit
def first_below(value: float, decay: np.ndarray, threshold: float) -> int:
    """The first gap ``g`` (weeks) at which ``value x decay[g] < threshold``, or -1 if there
    is none up to the table's end (after which decay stops). ``decay`` must not increase, so
    that the test, once true, stays true (a binary search over the table).
    """
    lo, hi = 0, decay.size
    while lo < hi:
        mid = (lo + hi) >> 1
        if value * decay[mid] < threshold:
            hi = mid
        else:
            lo = mid + 1
    return lo if lo < decay.size else -1


@_jit
def familiarity_ends(rel: DensePairs, i: np.ndarray, j: np.ndarray,
                     threshold: float) -> np.ndarray:
    """For pairs (i, j), the first week at which their current familiarity (as
    :func:`current_familiarity` reads it) is below ``threshold`` if no write comes first:
    the pair's familiarity at week ``w >= last`` reaches it exactly while ``w`` is below the
    week returned (the largest int64 if it never falls below; 0 if it is below at its last
    touch already, so that a stranger gives 0 whenever it was touched). ``f_decay`` must not
    increase.
    """
    F, last, f_decay = rel.F, rel.last, rel.f_decay
    out = np.empty(i.size, dtype=np.int64)
    for k in range(i.size):
        a, b = i[k], j[k]
        out[k] = ends_at(first_below(F[a, b], f_decay, threshold), last[a, b])
    return out


@_jit
def ends_at(gap: int, last: int) -> int:
    """The week of ``familiarity_ends`` from the gap ``first_below`` found."""
    if gap < 0:
        return NEVER_ENDS
    return 0 if gap == 0 else last + gap


# Bits of a founder's code in starting_pairs_changed.
_FOUNDER_REPLACED = 1
_FOUNDER_PRESENT = 2


@_inline
def _founder_code(present: np.ndarray, seated_at: np.ndarray, s: int) -> np.uint8:
    """What the starting pairs need of founder slot ``s``: replaced, present."""
    return np.uint8((_FOUNDER_REPLACED if seated_at[s] != 0 else 0)
                    | (_FOUNDER_PRESENT if present[s] else 0))


@_inline
def _uncount(k: int, flags: np.ndarray, ends: np.ndarray, expiring: np.ndarray,
             now: int) -> int:
    """Take starting pair ``k`` out of the count if it is in it now (its familiarity holds
    after ``now``): returns 1 if it was, and clears its mark and its entry of ``expiring``.
    """
    if not flags[k] & _COUNTED:
        return 0
    flags[k] &= ALL_BUT_COUNTED
    if ends[k] <= now:
        return 0  # expired already (taken off when its week came)
    if ends[k] != NEVER_ENDS:
        expiring[ends[k] % expiring.size] -= 1
    return 1


@_inline
def _mark(k: int, why: int, flags: np.ndarray, marked: np.ndarray, n: int) -> int:
    """Mark starting pair ``k`` stale for reason ``why`` (bits), listing it in ``marked``
    when it was not marked yet; returns the new length of the list.
    """
    if not flags[k] & _STALE:
        marked[n] = k
        n += 1
    flags[k] |= why
    return n


# Bits of a starting pair's flags. Why it is read again: a founder's code changed (count it
# again), or the pair was written (read the week its familiarity ends afresh, then count it);
# whether it is in the count; whether it is dropped for good. One byte per pair holds them
# all: a pass reads the scattered pairs it marks, and each array it reads them from is one
# more cache line per pair.
_RECOUNT, _REREAD, _COUNTED, _DROPPED = 1, 2, 4, 8
_STALE = _RECOUNT | _REREAD
#: A starting pair's flags but its being in the count (``StartRelationships`` clears that
#: bit of every pair when it counts them all afresh).
ALL_BUT_COUNTED = 0xFF ^ _COUNTED
_ALL_BUT_STALE = 0xFF ^ _STALE

#: Bits of the starting pairs' filter per pair, at least (:func:`starting_pairs_filter`): a
#: written pair that is not a starting pair passes it by chance about once in this many.
FILTER_BITS_PER_PAIR = 16
# Fibonacci hashing of a pair's key: its product with 2^64 over the golden ratio, top bits.
_KEY_HASH = np.uint64(0x9E3779B97F4A7C15)


@_jit
def _filter_bit(key: int, shift: int) -> np.uint64:
    """The bit of the starting pairs' filter that stands for pair ``key``."""
    return (np.uint64(key) * _KEY_HASH) >> np.uint64(shift)


@_jit
def starting_pairs_filter(key: np.ndarray, size_log2: int) -> np.ndarray:
    """A filter of the starting pairs' keys ``key`` (:func:`starting_pairs_changed`): a
    table of ``2**size_log2`` bits (at least 64) with the bit :func:`_filter_bit` of every
    key set. A written pair whose bit is clear is surely not a starting pair, which spares
    it the search among the keys (most written pairs are not starting pairs, and each search
    reads a few scattered entries of a large table).
    """
    bits = np.zeros(max(1, (1 << size_log2) >> 6), dtype=np.uint64)
    shift = 64 - size_log2
    for k in range(key.size):
        h = _filter_bit(key[k], shift)
        bits[h >> np.uint64(6)] |= np.uint64(1) << (h & np.uint64(63))
    return bits


@_inline
def _may_be_starting(bits: np.ndarray, shift: int, key: int) -> bool:
    """Whether pair ``key``'s bit is set in the starting pairs' filter ``bits``."""
    h = _filter_bit(key, shift)
    return (bits[h >> np.uint64(6)] >> (h & np.uint64(63))) & np.uint64(1) != np.uint64(0)


@_jit
def starting_pairs_changed(state: np.ndarray, key: np.ndarray, ends: np.ndarray,
                           flags: np.ndarray, expiring: np.ndarray, marked: np.ndarray,
                           code: np.ndarray, first_of: np.ndarray, by_slot_start: np.ndarray,
                           by_slot: np.ndarray, written_i: np.ndarray, written_j: np.ndarray,
                           width: int, key_filter: np.ndarray, filter_log2: int,
                           present: np.ndarray, seated_at: np.ndarray, touched: np.ndarray,
                           seen: int, now: int, everything: bool) -> np.ndarray:
    """The first half of keeping the count of the starting pairs alive up to date
    (``model.reporters.StartRelationships``): take off the pairs whose familiarity fell below
    the threshold since the previous pass, then count again the pairs of founders whose
    code (replaced, present) changed, and list the pairs written since, whose week ``ends``
    must be read afresh (:func:`starting_pairs_refreshed` counts them back in).

    A pair is alive at week ``now`` when neither founder was replaced (``seated_at`` not
    0: the pair is dropped for good), both are present, and ``now < ends``; ``ends`` holds
    until the pair is written. Written pairs are those among ``written_i``, ``written_j``
    (either order; ``key`` holds the pairs' keys ``i * width + j``, sorted), and all pairs
    of a founder all of whose pairs were written since the write count ``seen``
    (``touched``); ``everything`` lists every pair (the first pass).

    Args:
        state: Int64 ``[alive, week of the previous pass]``, updated here.
        key: Sorted keys of the starting pairs (founders ``i < j``; ``i``, ``j`` are read
            from it).
        ends: Week from which each pair's familiarity is below the threshold.
        flags: Per pair (uint8), whether it is in the count (alive as of its last reading)
            and whether a founder was replaced (dropped, set here), and the stale bits of a
            pass (left clear between passes).
        expiring: Pairs in the count by the week they expire, at ``week % expiring.size``
            (longer than any gap between a pair's last write and its ``ends``).
        marked: Per pair, any (a work array of the pairs marked stale).
        code: Each founder slot's code at the previous pass (updated here).
        first_of: Where each founder slot's pairs as first founder start in ``key``
            (one more entry).
        by_slot_start: Start of each founder slot's pairs in ``by_slot`` (one more entry).
        by_slot: The pairs of each founder slot, slot after slot.
        written_i: One end of each pair written since the previous pass.
        written_j: The other end.
        width: Above every slot (the keys' width).
        key_filter: The keys' filter, of ``2**filter_log2`` bits
            (:func:`starting_pairs_filter`): a written pair whose bit is clear is not searched.
        filter_log2: Its size.
        present: Bool by slot: not left.
        seated_at: Week each slot's person joined.
        touched: Per slot, the write count at the last write of all its pairs.
        seen: The write count at the previous pass.
        now: The current week.
        everything: List every pair.

    Returns:
        The pairs whose ``ends`` must be read afresh.
    """
    alive, before = state[0], state[1]
    # Pairs expire in the weeks since the previous pass (all pending ones when it is a
    # ring's length or more ago).
    for w in range(max(before + 1, now - expiring.size + 1), now + 1):
        alive -= expiring[w % expiring.size]
        expiring[w % expiring.size] = 0
    n = 0
    if everything:
        for k in range(key.size):
            n = _mark(k, _REREAD, flags, marked, n)
    for s in range(code.size):
        c = _founder_code(present, seated_at, s)
        why = (_RECOUNT if c != code[s] else 0) | (_REREAD if touched[s] > seen else 0)
        if why:
            code[s] = c
            for x in range(by_slot_start[s], by_slot_start[s + 1]):
                n = _mark(by_slot[x], why, flags, marked, n)
    shift = 64 - filter_log2
    for x in range(written_i.size):
        a, b = min(written_i[x], written_j[x]), max(written_i[x], written_j[x])
        if b >= code.size:
            continue  # not a founder's pair
        want = a * width + b
        if not _may_be_starting(key_filter, shift, want):
            continue  # surely not a starting pair
        # The pairs with a as first founder, sorted by the second: a search among a few.
        lo, hi = first_of[a], first_of[a + 1]
        while lo < hi:
            mid = (lo + hi) >> 1
            if key[mid] < want:
                lo = mid + 1
            else:
                hi = mid
        if lo < first_of[a + 1] and key[lo] == want:
            n = _mark(lo, _REREAD, flags, marked, n)
    listed = np.empty(n, dtype=np.int64)
    n_listed = 0
    for x in range(n):
        k = marked[x]
        if flags[k] & _DROPPED:
            continue
        alive -= _uncount(k, flags, ends, expiring, now)
        a, b = divmod(key[k], width)
        if (code[a] | code[b]) & _FOUNDER_REPLACED:
            flags[k] |= _DROPPED
        elif flags[k] & _REREAD:
            listed[n_listed] = k
            n_listed += 1
        elif present[a] and present[b] and now < ends[k]:
            alive += _count(k, flags, ends, expiring)
    for x in range(n):
        flags[marked[x]] &= _ALL_BUT_STALE
    state[0], state[1] = alive, now
    return listed[:n_listed]


@_inline
def _count(k: int, flags: np.ndarray, ends: np.ndarray, expiring: np.ndarray) -> int:
    """Put starting pair ``k`` (alive now) in the count; returns 1."""
    flags[k] |= _COUNTED
    if ends[k] != NEVER_ENDS:
        expiring[ends[k] % expiring.size] += 1
    return 1


@_jit
def starting_pairs_refreshed(state: np.ndarray, listed: np.ndarray, new_ends: np.ndarray,
                             key: np.ndarray, width: int, ends: np.ndarray, flags: np.ndarray,
                             expiring: np.ndarray, present: np.ndarray, now: int) -> int:
    """The second half of :func:`starting_pairs_changed`: the ``listed`` pairs get their
    weeks ``new_ends`` and are counted in if alive now (both founders present and
    ``now < ends``). Returns the count of the pairs alive now.
    """
    alive = state[0]
    for x in range(listed.size):
        k = listed[x]
        ends[k] = new_ends[x]
        a, b = divmod(key[k], width)
        if present[a] and present[b] and now < ends[k]:
            alive += _count(k, flags, ends, expiring)
    state[0] = alive
    return alive


@_jit
def founder_pairs(i: np.ndarray, j: np.ndarray, present: np.ndarray,
                  seated_at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pairs (i, j) whose two founders are both still present and never replaced
    (``seated_at`` 0), in order: the mask of ``StartRelationships.direct`` in one pass.
    """
    keep = np.empty(i.size, dtype=np.bool_)
    for k in range(i.size):
        a, b = i[k], j[k]
        keep[k] = present[a] and present[b] and seated_at[a] == 0 and seated_at[b] == 0
    return i[keep], j[keep]


@_jit
def founders_acquainted(i: np.ndarray, j: np.ndarray, present: np.ndarray,
                        seated_at: np.ndarray, rel: DensePairs, threshold: float,
                        now: int) -> int:
    """How many of the pairs (i, j) have both founders still present and never replaced
    (:func:`founder_pairs`) and a familiarity now (:func:`current_familiarity`) at
    ``threshold`` or more: the short reading of ``StartRelationships.share`` in one pass.
    """
    F, last, f_decay = rel.F, rel.last, rel.f_decay
    horizon = np.uint64(f_decay.size - 1)
    count = 0
    for k in range(i.size):
        a, b = np.uint64(i[k]), np.uint64(j[k])  # unsigned indices: see _gap
        if (present[a] and present[b] and seated_at[a] == 0 and seated_at[b] == 0
                and F[a, b] * f_decay[_gap(now, last[a, b], horizon)] >= threshold):
            count += 1
    return count


@_jit
def pairs_of_status(i: np.ndarray, j: np.ndarray, t: np.ndarray, status: np.ndarray,
                    code: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The entries of pairs (i, j) with values t whose two slots both have status ``code``,
    in order (``x[(status[i] == code) & (status[j] == code)]`` of each).
    """
    keep = np.empty(i.size, dtype=np.bool_)
    for k in range(i.size):
        keep[k] = status[i[k]] == code and status[j[k]] == code
    return i[keep], j[keep], t[keep]


#: The week's readings :func:`observe_block` writes, in this order (floats; the counts are
#: whole numbers). The first are the values of the model reporters of the same names
#: (``model.reporters``), in their order, each as its reporter computes it from the census,
#: the snapshot and the seats (read only when recording); then the rest of the census
#: (``model.reporters.Census``), the seats, the survivors' trust ties (-1: not counted
#: here, see :func:`status_tie_stats`), the tie candidates kept and the week's phase.
READINGS = ("active", "present", "active_share", "mean_familiarity", "mean_trust",
            "mean_commitment", "mean_commitment_all", "trust_density", "largest_component_share",
            "cross_org_ties", "network_familiarity", "network_trust", "network_commitment",
            "trust_ties_per_seat", "relationships_kept", "knowledge_coverage", "commitment_sum",
            "engaged", "held", "taking_part", "seats", "active_ties", "phase")
(READ_ACTIVE, READ_PRESENT, READ_ACTIVE_SHARE, READ_MEAN_FAMILIARITY, READ_MEAN_TRUST,
 READ_MEAN_COMMITMENT, READ_MEAN_COMMITMENT_ALL, READ_TRUST_DENSITY, READ_LARGEST_SHARE,
 READ_CROSS, READ_NETWORK_FAMILIARITY, READ_NETWORK_TRUST, READ_NETWORK_COMMITMENT,
 READ_TIES_PER_SEAT, READ_KEPT, READ_COVERAGE, READ_COMMITMENT_SUM, READ_ENGAGED, READ_HELD,
 READ_TAKING_PART, READ_SEATS, READ_ACTIVE_TIES, READ_PHASE) = range(len(READINGS))
#: The entries that are the model reporters' values: those of ``READINGS[:READ_REPORTED]``.
READ_REPORTED = READ_COVERAGE + 1
#: The settings :func:`observe_block` reads that stay fixed over a run (the status code of
#: the active and parameters), in this order, in one float array the model makes once:
#: passed so rather than as nine numbers, the call costs less. Whole numbers are exact.
OBSERVE_SETTINGS = ("active_code", "engaged", "held", "tie_threshold", "phase_window",
                    "phase_goal_clarity", "faded", "stable_change", "thriving")
(SET_ACTIVE_CODE, SET_ENGAGED, SET_HELD, SET_TIE_THRESHOLD, SET_PHASE_WINDOW,
 SET_PHASE_GOAL_CLARITY, SET_FADED, SET_STABLE_CHANGE,
 SET_THRIVING) = range(len(OBSERVE_SETTINGS))


@_jit
def observe_ties(key: np.ndarray, trust: np.ndarray, last: np.ndarray, now: int,
                 decay: np.ndarray, prior: float, floor: float, threshold: float,
                 slots: np.ndarray, listed: np.ndarray, mean_threshold: float
                 ) -> tuple[int, np.ndarray]:
    """The ties :func:`trust_ties_among` finds among ``slots``, in one pass over the tie
    candidates ``key`` (for :func:`observe_block`, which only counts them and reads them as a
    set): each candidate's current trust is computed once, and a pair is judged when its
    first directed tie comes, from that trust and the other direction's (the same
    operations as :func:`mutual_ties`, ``0.5 * (t_ij + t_ji)``, whose sum does not depend
    on the order of its two terms). The candidates and their flags are left as
    :func:`current_ties` leaves them.

    Returns:
        ``kept`` (as :func:`trust_ties_among`), and the ties as rows ``i < j`` of an int
        ``(2, ties)`` array, in the order their first directed tie comes among the
        candidates (``trust_ties_among`` gives the same pairs sorted).
    """
    member = np.zeros(listed.shape[0], dtype=np.bool_)
    width = 1
    for s in slots:
        member[s] = True
        width = max(width, s + 1)
    # Pairs judged already (a pair's second direction, or a candidate listed twice).
    judged = np.zeros(width * width, dtype=np.bool_)
    ties = np.empty((2, key.size), dtype=np.int64)
    # Unsigned slots, gaps and keys (see _gap); all unsigned, as numba makes a float of an
    # unsigned and a signed integer.
    cols, side = np.uint64(trust.shape[1]), np.uint64(width)
    horizon = np.uint64(decay.size - 1)
    kept = n = 0
    for x in range(key.size):
        a, b, t, kept = _keep_candidate(key, x, kept, cols, trust, last, now, decay, horizon,
                                        prior, floor, listed)
        if t < floor:
            continue
        if t >= threshold and member[a] and member[b]:
            lo, hi = min(a, b), max(a, b)
            if judged[lo * side + hi]:
                continue
            judged[lo * side + hi] = True
            back = _trust_now(trust, last, b, a, now, decay, horizon, prior)
            if 0.5 * (t + back) >= mean_threshold:
                ties[0, n], ties[1, n] = lo, hi
                n += 1
    return kept, ties[:, :n]


@_jit
def observe_block(present: np.ndarray, status: np.ndarray, commitment: np.ndarray,
                  week_active: np.ndarray, org: np.ndarray, seated_at: np.ndarray, used: int,
                  settings: np.ndarray, members: np.ndarray, active: np.ndarray, have_members: bool,
                  have_active: bool, history: np.ndarray, week: int, initial_size: int,
                  meeting_held: bool, key: np.ndarray, rel: DensePairs, floor: float,
                  threshold: float, now: int, recording: bool, start_i: np.ndarray,
                  start_j: np.ndarray, acquainted: float, know: KnowledgeArrays, n_known: int,
                  n_orgs: int, phase_prev: int, goal_clarity: float, out: np.ndarray) -> int:
    """A small network's observation in one call, over the dense store's blocks, from the
    people's arrays it reads (``model.state.PEOPLE``; passed apart, as a ``People`` structure
    costs more to pass than six arrays) and the fixed ``settings`` (``OBSERVE_SETTINGS``:
    ``tie_threshold`` is the reporters' threshold, the last five the arguments of
    :func:`phase` after ``goal_clarity``): the week's
    :func:`week_census` and history entries, the trust ties among the present
    (those of :func:`trust_ties_among`, found in one pass by :func:`observe_ties`;
    ``ties_per_seat`` written from them), the week's
    :func:`phase` (from ``phase_prev`` and the history so far), and when ``recording`` the
    sums the reporters read, each as its own kernel computes it: over the active,
    :func:`block_pair_sums` and :func:`status_tie_stats`; over the present, :func:`block_sums`;
    the starting pairs ``start_i``, ``start_j`` alive (:func:`founders_acquainted`); the
    knowledge coverage of the present (:func:`knowledge_coverage`, of the knowledge store's
    arrays ``know``); and from them the
    reporters' values, with the divisions ``Census.made``, ``Snapshot.made`` and
    ``Seats.made`` take (the same operations on the same numbers, so the same values). The
    caller makes sure that the reporters would read the blocks
    (``NetworkModel._reads_blocks``), so there is no sparse form: a large network's readings
    are taken apart.

    The readings are written into ``out`` (entries ``READ_*``; those of the snapshot and the
    seats only when recording, the rest 0), a buffer the caller keeps, and the slot lists and
    the ties found are not returned: each array returned costs about half a microsecond (a
    tenth of the call), and nothing in the week's schedule reads them after the observation
    (``NetworkModel.members`` and ``member_ties`` find the same ones again when asked).
    Where the active are some of the present, their block is gathered from the present's
    (:func:`block_nested_sums`) rather than read again.

    Returns:
        ``kept``: the tie candidates still listed, compacted in place at the front of ``key``.
    """
    listed = rel.listed
    fam, trust, last = rel.F, rel.T, rel.last
    f_decay, t_decay, prior = rel.f_decay, rel.t_decay, rel.prior
    active_code = int(settings[SET_ACTIVE_CODE])
    tie_threshold = settings[SET_TIE_THRESHOLD]
    members, active, sums = week_census(
        present, status, commitment, week_active, used, active_code, settings[SET_ENGAGED],
        settings[SET_HELD], members, active, have_members, have_active, history, week,
        initial_size, meeting_held)
    kept, ties = observe_ties(key, trust, last, now, t_decay, prior, floor, threshold, members,
                              listed, tie_threshold)
    i, j = ties[0], ties[1]
    m, n = members.size, active.size
    seats = max(1, initial_size, m)
    history[TIES_PER_SEAT, week] = i.size / seats
    out[:] = 0.0
    # The census (Census.made).
    out[READ_ACTIVE], out[READ_PRESENT], out[READ_SEATS] = n, m, seats
    out[READ_ACTIVE_SHARE] = n / seats
    out[READ_MEAN_COMMITMENT_ALL] = sums[0] / m if m else 0.0
    out[READ_MEAN_COMMITMENT] = sums[1] / n if n else 0.0
    out[READ_COMMITMENT_SUM] = sums[0]
    out[READ_ENGAGED], out[READ_HELD], out[READ_TAKING_PART] = sums[2], sums[3], sums[4]
    out[READ_PHASE] = phase(history[_ENGAGED, :week + 1], history[_MEAN_COMMITMENT, :week + 1],
                            phase_prev, int(settings[SET_PHASE_WINDOW]), now, goal_clarity,
                            settings[SET_PHASE_GOAL_CLARITY], settings[SET_FADED],
                            settings[SET_STABLE_CHANGE], settings[SET_THRIVING])
    if not recording:
        return kept
    # The block sums: over the active (block_pair_sums) and over the present (block_sums),
    # in one read of the block when they are the same people or the active some of them.
    pair_f = pair_t = f_sum = f_trace = t_sum = t_trace = 0.0
    if n >= 2 and _same_slots(active, members):
        pair_f, pair_t, f_sum, f_trace, t_sum, t_trace = block_both_sums(
            members, fam, trust, last, now, f_decay, t_decay, prior)
    elif n >= 2 and _nested_slots(active, members):
        pair_f, pair_t, f_sum, f_trace, t_sum, t_trace = block_nested_sums(
            active, members, fam, trust, last, now, f_decay, t_decay, prior)
    else:
        if n >= 2:
            pair_f, pair_t = block_pair_sums(active, rel, now)
        if m >= 2:
            f_sum, f_trace, t_sum, t_trace = block_sums(members, rel, now)
    # The survivors' snapshot (Snapshot.made; with fewer than two, as it has them).
    if n >= 2:
        ties, largest, cross = status_tie_stats(i, j, status, active_code, org, active[n - 1] + 1,
                                                active, present)
        pairs = n * (n - 1)
        out[READ_MEAN_FAMILIARITY] = pair_f / pairs
        out[READ_MEAN_TRUST] = prior + pair_t / pairs
        out[READ_TRUST_DENSITY] = 2 * ties / pairs
        out[READ_LARGEST_SHARE] = largest / n
        out[READ_CROSS], out[READ_ACTIVE_TIES] = cross, ties
    else:
        out[READ_LARGEST_SHARE] = 1.0 if n > 0 else 0.0
    # The seats (Seats.made: the sums over the present, 0 with fewer than two).
    seat_f = seat_t = 0.0
    seat_ties = 0
    if m >= 2:
        seat_f = f_sum - f_trace
        seat_t = (t_sum - t_trace) - prior * m * (m - 1)
        seat_ties = i.size
    seat_pairs = max(1, seats * (seats - 1))
    out[READ_NETWORK_FAMILIARITY] = seat_f / seat_pairs
    out[READ_NETWORK_TRUST] = prior + seat_t / seat_pairs
    out[READ_NETWORK_COMMITMENT] = (sums[0] if m else 0.0) / seats
    out[READ_TIES_PER_SEAT] = seat_ties / seats
    alive = founders_acquainted(start_i, start_j, present, seated_at, rel,
                                acquainted, now)
    out[READ_KEPT] = alive / start_i.size if start_i.size else 0.0
    out[READ_COVERAGE] = knowledge_coverage(members, org, n_orgs, know, n_known)
    return kept
