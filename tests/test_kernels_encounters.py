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

import copy
import pickle

import numba
import numpy as np
import pytest

from model import draws, kernels, relations, state
from model.agents import Dialogue, Role, Strength
from model.formation import Teams, assemble_teams, seat_draws, teams_of
from model.model import NetworkModel
from model.params import WEEKS_PER_MONTH, Governance, Lifecycle, Purpose
from model.relations import SparseRelations
from tests import references
from tests.test_sparse import working_group_lanes
from tests.test_state import dense_pairs

CAP = 40
HORIZON = 50


def _familiarity(rng):
    """A symmetric familiarity store (F, last) with its decay table, many pairs below 0.3."""
    F = rng.random((CAP, CAP)) ** 3
    last = rng.integers(0, 2 * HORIZON, size=(CAP, CAP)).astype(np.int64)
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
    known = kernels.familiarity_blocks(dense_pairs(F, last=last, f_decay=fd), ids, now) >= acq
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
        got = kernels.conversation_groups(dense_pairs(F, last=last, f_decay=fd), ids, present,
                                          first, 0.1, u, m, p, q, now)
        want = _conversation_reference(np.random.default_rng(draw), F, last, fd, ids, present,
                                       first, 0.1, m, p, q, now)
        _same(got, want)
        assert got[0].size == present.sum()  # everyone talks once a round


def test_conversation_groups_of_no_circles_are_empty():
    F, last, fd = _familiarity(np.random.default_rng(0))
    none = np.zeros((0, 0), dtype=bool)
    got = kernels.conversation_groups(dense_pairs(F, last=last, f_decay=fd),
                                      np.zeros((0, 0), dtype=np.int64), none, none,
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
    lanes, incumbent, newcomer, ties = references.candidate_lanes(
        F, last, fd, initiators, cand, collaborated, acq, collab, now)
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
        lanes = references.working_group_lanes(F, last, fd, *args)
        _same(lanes, _lanes_reference(F, last, fd, *args))
        m, p, q = int(rng.integers(2, 6)), rng.random(), rng.random()
        draw = int(rng.integers(2**32))
        got = references.working_groups(seat_draws(np.random.default_rng(draw), m - 1,
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


@numba.njit
def _pair_helpers_inlined(tracked, col_sums, dialogue, org, resident, i, j, change):
    """The encounter's per-pair helpers as a kernel calls them (compiled into the caller)."""
    out = np.empty((i.size, 2))
    for k in range(i.size):
        a, b = i[k], j[k]
        out[k, 0] = kernels._mean_row(dialogue, a)
        out[k, 1] = kernels._distance(a, b, org, resident, 0.7, 0.4)
        kernels.add_change(tracked, col_sums, k % 2, a, b, change[k])
    return out


@pytest.mark.parametrize("seed", range(3))
def test_pair_helpers_compiled_into_a_caller_match_their_plain_forms(seed):
    """``_mean_row``, ``_distance`` and ``add_change``, inlined into the kernels that call
    them pair by pair, give what their Python forms give: means summed left to right, the
    resident line before organisations, changes added to the tracked sets' columns."""
    rng = np.random.default_rng(seed)
    tracked = rng.random((3, CAP)) < 0.5
    col_sums = rng.random((3, 2, CAP))
    dialogue = rng.random((CAP, 4))
    org, resident = rng.integers(0, 4, CAP), rng.random(CAP) < 0.3
    i, j = rng.integers(0, CAP, 50), rng.integers(0, CAP, 50)
    change = rng.normal(size=50)
    want_sums = col_sums.copy()
    want = np.empty((i.size, 2))
    for k in range(i.size):
        a, b = i[k], j[k]
        want[k, 0] = kernels._mean_row.py_func(dialogue, a)
        want[k, 1] = kernels._distance.py_func(a, b, org, resident, 0.7, 0.4)
        kernels.add_change.py_func(tracked, want_sums, k % 2, a, b, change[k])
    got = _pair_helpers_inlined(tracked, col_sums, dialogue, org, resident, i, j, change)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(col_sums, want_sums)
    assert {0.0, 0.4, 0.7} == set(want[:, 1])  # every branch of the distance taken


def test_teams_with_pairs_keep_the_pairs_given():
    members, bounds = np.arange(7, dtype=np.int64), np.array([0, 3, 7])
    pairs = kernels.team_pairs(members, bounds)
    teams = Teams.with_pairs(members, bounds, pairs)
    assert teams.pairs is pairs
    _same(teams.pairs, Teams(members, bounds).pairs)


# ---------------------------------------------------------------- group passes
# The passes from a round's groups to what they yield (kernels.talk_rounds, after_talks,
# purpose_value, work_in_groups, seamless_value and their sparse forms) against the
# model's former chains of smaller kernels and numpy steps, kept here: a model is copied
# mid-run, one copy runs the former chain and the other the pass, and every array and
# count of the two must be equal, bit for bit, as must their generators.


def _former_add_value(model, slots, amount):
    """The former ``NetworkModel._add_value``."""
    amount = (np.ascontiguousarray(amount, dtype=float) if isinstance(amount, np.ndarray)
              else np.full(slots.size, float(amount)))
    felt = 0.0 if model._goal_done() else 1.0
    np.add.at(model.week_value, slots, amount * felt)
    total = float(amount.sum())
    model.value_total += total
    model._since_record["value"] += total
    model.goal_progress = min(1.0, model.value_total / model.goal_value)


def _former_rule(model):
    p = model.params
    return kernels.EncounterRule(
        p.familiarity_gain, p.breach_base, p.perspective_strain, model.facilitation_now,
        model.openness, p.distance_resident, p.distance_cross_org, p.trust_gain,
        p.trust_gain_floor, p.trust_loss_ratio, p.knowledge_flow)


def _former_encounter(model, groups, face=None, dialogue=None):
    """The former ``NetworkModel._encounter``."""
    p, rng = model.params, model.rng
    i, j, g = groups.pairs
    if i.size == 0:
        return np.empty(0), np.empty(0)
    atm = kernels.group_atmosphere(groups.members, groups.bounds,
                                   model.strengths[:, int(Strength.TRUST_BUILDER)],
                                   model._atmosphere(), p.trust_builder_atmosphere)
    trust_now, breach = model.rel.encounter(
        i, j, g, rng.random(i.size), np.zeros(0, dtype=bool) if face is None else face,
        p.virtual_encounter_factor, atm, model.dialogue if dialogue is None else dialogue,
        model.org, model.resident, model.knowledge, _former_rule(model), model.steps)
    n_breach = int(np.count_nonzero(breach))
    model.encounters_total += i.size
    model.breaches_total += n_breach
    model._since_record["breaches"] += n_breach
    kernels.partners_effects(i, j, trust_now, model.tie_ema, model.contacts, model.week_lift,
                             model.commitment, model.lifter, p.ema_rate, p.lift)
    return trust_now, atm


def _former_purpose_value(model, i, j):
    """The former ``NetworkModel._purpose_value``."""
    p = model.params
    if i.size == 0:
        return
    kind = {Purpose.INNOVATION: kernels.FACTOR_DISTANCE, Purpose.PEER_SUPPORT:
            kernels.FACTOR_SEEKER, Purpose.CLIENT_SERVICE: kernels.FACTOR_OTHER_ORG}.get(
                p.purpose, kernels.FACTOR_NONE)
    factor = kernels.purpose_factor(kind, i, j, model.org, model.resident, model.role,
                                    int(Role.SEEKER), p.distance_resident, p.distance_cross_org)
    who, best = model.rel.best_benefit(i, j, factor, model.steps, model.capacity)
    if who.size == 0:
        return
    if p.purpose is Purpose.ADVOCACY:
        model.advocacy_stock += float(best.sum())
        return
    _former_add_value(model, who, best)
    if p.purpose is Purpose.LEARNING:
        d = model.dialogue[who]
        model.dialogue[who] = d + p.dialogue_learning_rate * best[:, None] * (1 - d)


def _former_work_in_groups(model, groups):
    """The former working-group steps of ``NetworkModel.collaborate`` and ``_innovate``."""
    p, rng = model.params, model.rng
    kernels.join_groups(groups.members, p.collaboration_hours, model.collaborated,
                        model.week_hours, model.groups_joined, model.week_active)
    trust, atmosphere = _former_encounter(model, groups)
    i, j, g = groups.pairs
    np.add.at(model.work_contacts, i, 1)
    n = len(groups)
    chance = kernels.idea_chances(i, j, g, n, trust, model.org, model.resident,
                                  p.distance_resident, p.distance_cross_org, atmosphere,
                                  p.idea_rate)
    ideas = np.flatnonzero(rng.random(n) < chance)
    model.innovations += ideas.size
    if p.purpose is Purpose.INNOVATION and ideas.size:
        _former_add_value(model, groups.members_of(ideas), p.idea_value)
    _former_purpose_value(model, i, j)


def _former_client_cases(model, active):
    """The former ``NetworkModel._client_cases``."""
    p, rng = model.params, model.rng
    workers = active[~model.resident[active]]
    if workers.size == 0 or model.n_orgs < 2:
        return
    n_cases = rng.poisson(p.client_cases_per_week * model._intensity(), size=workers.size)
    who = np.repeat(workers, n_cases)
    if who.size == 0:
        return
    drawn = rng.integers(model.n_orgs - 1, size=who.size)
    seamless = model.rel.seamless_cases(who, drawn, model.org, model.n_orgs,
                                        model.present[: model.used], model.knowledge,
                                        p.knowledge_threshold, p.tie_threshold, model.steps)
    if seamless.size:
        _former_add_value(model, seamless, 1.0)


def _former_goal_work(model, attendees):
    """The former end of ``NetworkModel.converse`` before the host, and ``_goal_work``."""
    p = model.params
    model.met[attendees] = True
    model.dialogue[attendees] += (p.dialogue_learning_rate * model.facilitation_now
                                  * (1 - model.dialogue[attendees]))
    builder = bool(model.strengths[attendees, Strength.GOAL_BUILDER].any())
    workers = float(model.meeting.coordinated) * p.facilitation + float(builder)
    if p.anticipation_dialogue and model.meeting.coordinated:
        workers += p.anticipation_structure * float(
            model.dialogue[attendees, Dialogue.VOICING].mean())
    model.goal_clarity += p.goal_work_gain * min(1.0, workers) * (1 - model.goal_clarity)
    left = 0.0 if model._goal_done() else 1.0
    pull = np.full(attendees.size, model.goal_clarity * left)
    if model.lead_bias and model.meeting.coordinated:
        pull[model.org[attendees] != 0] *= 1 - model.lead_bias
    model.purpose[attendees] += p.purpose_pull * (pull - model.purpose[attendees])


def _former_converse(model):
    """The former ``NetworkModel.converse``: round by round, groups then encounters."""
    meeting, p = model.meeting, model.params
    a = meeting.attendees
    f = model.facilitation_now
    face = np.zeros(model.capacity, dtype=bool)
    face[a] = meeting.in_room
    ids, present, first = model._circle_lanes(a)
    dialogue = model.dialogue
    if p.anticipation_dialogue and meeting.coordinated:
        dialogue = dialogue.copy()
        lifted = dialogue[:, [Dialogue.LISTENING, Dialogue.VOICING]]
        dialogue[:, [Dialogue.LISTENING, Dialogue.VOICING]] = (
            lifted + p.anticipation_structure * (1 - lifted))
    talks = []
    for _ in range(p.conversation_rounds):
        if ids.size == 0:
            groups = Teams.empty()
        else:
            u = seat_draws(model.rng, ids.shape[1], ids.shape[0])
            members, bounds, i, j, g = model.rel.conversation_groups(
                ids, present, first, p.acquaintance_threshold, u, p.conversation_group_size,
                1.0 - p.newcomer_pull * f, p.cluster_tendency * (1.0 - f), model.steps)
            groups = Teams.with_pairs(members, bounds, (i, j, g))
        _former_encounter(model, groups, face=face, dialogue=dialogue)
        talks.append(groups.pairs)
    _former_goal_work(model, a)
    if p.rotating_meeting and model.n_orgs:
        model.host = (model.host + 1) % model.n_orgs
        model.knowledge.close_gaps(a, model.host, p.rotating_knowledge_gain)
    _former_purpose_value(model, np.concatenate([i for i, _, _ in talks]),
                          np.concatenate([j for _, j, _ in talks]))


def _state(model):
    """Everything the passes may change, as comparable values."""
    rel, know = model.rel, model.knowledge
    slots = np.arange(model.capacity)
    F, T = rel.block(slots, slots, model.steps)
    out = {f.name: getattr(model, f.name).copy() for f in state.PEOPLE}
    out.update(F=F, T=T, know=know._k.copy(), ka=know._ka.copy(), kc=know._kc.copy(),
               ksum=know._ksum.copy(), stale=know._kstale.copy(), cols=rel._cols.copy(),
               candidates=np.concatenate([np.empty(0, dtype=np.int64), *rel._candidates]))
    if isinstance(rel, SparseRelations):
        out["records"] = rel.records
        out["listed"] = np.asarray(rel._p.listed[: rel._p.end[0]]).copy()
    else:
        out["last"] = rel.last.copy()
        out["listed"] = None if rel._listed is None else rel._listed.copy()
    scalars = ("value_total", "goal_progress", "goal_clarity", "advocacy_stock",
               "innovations", "breaches_total", "encounters_total", "host")
    out.update({name: getattr(model, name) for name in scalars})
    out.update(since=dict(model._since_record), writes=rel.writes, written=rel._written,
               rng=model.rng.bit_generator.state)
    return out


def _same_state(a, b):
    assert a.keys() == b.keys()
    for key in a:
        if isinstance(a[key], np.ndarray):
            np.testing.assert_array_equal(a[key], b[key], err_msg=key)
        else:
            assert a[key] == b[key], key
            assert type(a[key]) is type(b[key]), key


_PURPOSES = [Purpose.CLIENT_SERVICE, Purpose.INNOVATION, Purpose.ADVOCACY, Purpose.LEARNING,
             Purpose.PEER_SUPPORT]


def _model(monkeypatch, sparse, seed, weeks, **overrides):
    monkeypatch.setattr(relations, "SPARSE_FROM", 0 if sparse else 10**9)
    model = NetworkModel(rng=seed, **overrides)
    model.run_for(weeks)
    assert isinstance(model.rel, SparseRelations) == sparse
    return model


def _random_groups(rng, slots):
    """Random groups of 1 to 4 of ``slots`` (a slot at most once), with their pairs."""
    slots = rng.permutation(slots)[: rng.integers(0, slots.size + 1)]
    cuts = np.cumsum(rng.integers(1, 5, size=slots.size))
    bounds = np.concatenate([[0], cuts[cuts < slots.size], [slots.size]]).astype(np.int64)
    bounds = np.unique(bounds)
    members = slots.astype(np.int64)
    return Teams.with_pairs(members, bounds, kernels.team_pairs(members, bounds))


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("purpose", _PURPOSES)
def test_work_in_groups_matches_the_former_chain(purpose, sparse, monkeypatch):
    for seed in range(3):
        lifecycle = Lifecycle.PROJECT if seed == 2 else Lifecycle.PERMANENT
        model = _model(monkeypatch, sparse, seed, 20 + 7 * seed, purpose=purpose,
                       lifecycle=lifecycle, goal_value_per_person=2.0, idea_rate=1.0)
        twin = copy.deepcopy(model)
        rng = np.random.default_rng(seed)
        for _ in range(4):
            groups = _random_groups(rng, model.members())
            if groups.pairs[0].size == 0:
                continue  # the model forms no working group without a pair
            _former_work_in_groups(model, groups)
            twin._work_in_groups(groups)
            _same_state(_state(twin), _state(model))


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("lifecycle", [Lifecycle.PERMANENT, Lifecycle.CLIENT_PROCESS])
def test_client_cases_match_the_former_chain(lifecycle, sparse, monkeypatch):
    for seed in range(3):
        model = _model(monkeypatch, sparse, seed, 15 + 9 * seed, lifecycle=lifecycle,
                       client_cases_per_week=0.2 + seed, goal_value_per_person=1.0)
        twin = copy.deepcopy(model)
        rng = np.random.default_rng(seed)
        for n in (0, 1, model.members().size):
            active = np.sort(rng.permutation(model.members())[:n])
            _former_client_cases(model, active)
            twin._client_cases(active)
            _same_state(_state(twin), _state(model))


def _former_working_groups(model, active):
    """The former ``NetworkModel._working_groups`` with its initiators: numpy's draws around
    kernels.initiators, the lanes and ``assemble_teams``."""
    p, rng = model.params, model.rng
    if active.size < 2:
        return Teams.empty()
    initiators = kernels.initiators(
        active, rng.random(active.size), model.org, model.org_time, WEEKS_PER_MONTH,
        p.discretionary_hours, model.week_hours, model.commitment, model.strengths,
        int(Strength.ASSEMBLER), max(p.collaboration_hours, 1e-9),
        p.collaboration_rate * model._intensity(), p.assembler_initiative)
    if initiators.size == 0:
        return Teams.empty()
    lanes = working_group_lanes(
        model.rel, initiators, active, model._partner_weights(active), model.org, model.resident,
        model._partner_factor, rng.random((initiators.size, p.collaboration_candidates)),
        model.collaborated, p.acquaintance_threshold, p.collaborator_familiarity, model.steps)
    members, bounds, i, j, g = _working_groups_reference(
        rng, p.working_group_size, p.incumbent_probability, p.repeat_collaborator_probability,
        *lanes)
    return Teams.with_pairs(members, bounds, (i, j, g))


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("seed", range(3))
def test_working_groups_match_the_former_chain(seed, sparse, monkeypatch):
    model = _model(monkeypatch, sparse, seed, 12 + 5 * seed,
                   collaboration_rate=1.0 + 0.5 * seed, working_group_size=2 + seed)
    model.week_hours[:] = 0.0  # a week's start: everyone's time free for initiative
    twin = copy.deepcopy(model)
    rng = np.random.default_rng(seed)
    formed = 0
    for n in (0, 1, 2, model.members().size, model.members().size):
        active = np.sort(rng.permutation(model.members())[:n])
        want = _former_working_groups(model, active)
        got = twin._working_groups(active, twin._partner_weights(active))
        _same((got.members, got.bounds, *got.pairs), (want.members, want.bounds, *want.pairs))
        _same_state(_state(twin), _state(model))
        formed += len(got)
    assert formed > 0


@pytest.mark.parametrize(("seed", "used"), [(0, 0), (1, 1), (2, 17), (3, CAP)])
def test_active_weights_match_the_numpy_form(seed, used):
    rng = np.random.default_rng(seed)
    arrays = state.allocate(state.PEOPLE, CAP)
    arrays["status"][:used] = rng.integers(0, 4, used)
    arrays["groups_joined"][:used] = rng.integers(0, 12, used)
    people = state.People.of(arrays)
    active = np.flatnonzero(arrays["status"][:used] == 0)
    for a in (0.0, 0.7, 1.0, 1.3):
        want = (1.0 + arrays["groups_joined"][active]) ** a
        for rows in (12, 64):
            got = kernels.active_weights(people, used, 0, (1.0 + np.arange(rows)) ** a)
            _same(got[:2], (active, want))
            assert got[2]
        short = kernels.active_weights(people, used, 0, (1.0 + np.arange(3)) ** a)
        _same(short[:1], (active,))
        assert short[2] == bool((arrays["groups_joined"][active] < 3).all())


def test_the_table_of_cumulative_advantage_grows_as_needed():
    model = NetworkModel(rng=4, preferential_attachment=0.8)
    model.run_for(40)
    assert model.groups_joined.max() >= 2
    model._attachment = model._attachment[:2]  # shorter than some have joined
    model._active = None
    active, weight = model._active_weights()
    _same((active, weight), (model.active_slots(), model._partner_weights(active)))
    assert model._attachment.size > model.groups_joined.max()


@pytest.mark.parametrize("sparse", [False, True])
def test_many_client_cases_are_drawn_by_numpy(sparse, monkeypatch):
    """A Poisson mean beyond the compiled draws' (numpy's other method): drawn in Python."""
    for seed in range(2):
        model = _model(monkeypatch, sparse, seed, 15, client_cases_per_week=2.0 + seed,
                       goal_value_per_person=50.0)
        twin = copy.deepcopy(model)
        for m in (model, twin):
            m._intensity = lambda: 6.0  # a mean of 12 or 18 cases a worker
        active = model.members()
        _former_client_cases(model, active)
        twin._client_cases(active)
        _same_state(_state(twin), _state(model))


@pytest.mark.parametrize("seed", range(6))
def test_drawn_uniforms_and_cases_are_numpys(seed):
    ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
    src = draws.source(ours)
    for n in (0, 1, 13):
        np.testing.assert_array_equal(kernels.uniforms(src, n), theirs.random(n))
        for n_orgs in (2, 3, 11):
            lam = 0.0  # draws nothing
            if n_orgs != 3:
                lam = float(theirs.random()) * 9.99
                assert float(ours.random()) * 9.99 == lam
            workers = np.arange(n, dtype=np.int64)
            n_cases, drawn = kernels.case_draws(src, workers, lam, n_orgs)
            want = theirs.poisson(lam, size=n)
            _same((n_cases, drawn),
                  (want, theirs.integers(n_orgs - 1, size=int(want.sum()))))
    assert ours.random() == theirs.random()


def _meeting_held(model):
    """Run ``model`` to the next week whose meeting some people attend (after ``attend``)."""
    for _ in range(60):
        model.steps += 1  # as mesa's step does before the model's step
        model.convene()
        model.attend()
        if model.meeting.held and model.meeting.attendees.size >= 2:
            return True
        model.steps -= 1
        model.step()
    return False


_MEETINGS = [dict(), dict(purpose=Purpose.LEARNING, anticipation_dialogue=True),
             dict(rotating_meeting=True, purpose=Purpose.ADVOCACY),
             dict(purpose=Purpose.INNOVATION, governance=Governance.LEAD_ORGANISATION,
                  lead_bias=0.4),
             dict(governance=Governance.SELF_ORGANISING, n_organisations=24,
                  participants_per_organisation=5, conversation_group_size=3,
                  conversation_rounds=3)]


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("case", range(len(_MEETINGS)))
def test_converse_matches_the_former_rounds(case, sparse, monkeypatch):
    met = 0
    for seed in range(3):
        model = _model(monkeypatch, sparse, seed, 3 + 5 * seed, **_MEETINGS[case])
        if not _meeting_held(model):
            continue
        twin = copy.deepcopy(model)
        _former_converse(model)
        twin.converse()
        _same_state(_state(twin), _state(model))
        met += 1
    assert met >= 2


@pytest.mark.parametrize("seed", range(6))
def test_round_pairs_are_the_partitions_pairs(seed):
    rng = np.random.default_rng(seed)
    for lanes in (0, 1, 4):
        sizes = rng.integers(2, 14, size=lanes)
        width = int(sizes.max(initial=0))
        present = np.arange(width)[None, :] < sizes[:, None]
        for m in (2, 3, 4, 7):
            # The partition of each circle into groups of m, seated from the left.
            want = sum(len(g) * (len(g) - 1) for n in sizes.tolist()
                       for g in (range(s, min(s + m, n)) for s in range(0, n, m)))
            assert kernels.round_pairs(present, m) == want


@pytest.mark.parametrize("seed", range(4))
def test_meeting_face_and_non_residents_match_numpy(seed):
    rng = np.random.default_rng(seed)
    for n in (0, 1, 20):
        attendees = np.sort(rng.permutation(CAP)[:n]).astype(np.int64)
        in_room = rng.random(n) < 0.6
        face = np.zeros(CAP, dtype=bool)
        face[attendees] = in_room
        _same((kernels.meeting_face(attendees, in_room, CAP),), (face,))
        resident = rng.random(CAP) < 0.3
        _same((kernels.non_residents(attendees, resident),), (attendees[~resident[attendees]],))


def test_group_rules_keep_their_rules_and_pickle():
    encounter = kernels.EncounterRule(*(0.1 * k for k in range(11)))
    group = kernels.GroupRule(0, 0.15, 0.6, 0.15, 0.03, 3, 2, False, True, 0.01, False, 0.3,
                              5.0, 360.0, True, 3.0)
    read = numba.njit(lambda r: (r.encounter, r.group))
    rules = kernels.GroupRules.of(encounter, group)
    assert read(rules) == (encounter, group)
    assert read(pickle.loads(pickle.dumps(rules))) == (encounter, group)
    assert kernels.with_facilitation(encounter, 0.7) == encounter._replace(facilitation=0.7)


@pytest.mark.parametrize("seed", range(4))
def test_credit_is_add_value_and_the_running_totals(seed):
    rng = np.random.default_rng(seed)
    group = kernels.GroupRule(0, 0.1, 0.6, 0.15, 0.03, 0, 2, False, False, 0.01, False, 0.3,
                              5.0, 40.0, seed % 2 == 0, 3.0)
    for n in (0, 1, 30):
        slots = rng.integers(0, CAP, n)
        amount = rng.random(n)
        for progress in (0.3, 1.0):
            week_value = rng.random(CAP)
            want_value = week_value.copy()
            felt = 0.0 if group.ending and progress >= 1.0 else 1.0
            np.add.at(want_value, slots, amount * felt)
            total, since = 30.0 + seed, 2.5
            got = kernels.credit(week_value, slots, amount, (total, since, progress), group)
            added = float(amount.sum())
            assert got == (total + added, since + added,
                           min(1.0, (total + added) / group.goal_value))
            np.testing.assert_array_equal(week_value, want_value)
