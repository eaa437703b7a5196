"""Relay in one compiled call (``NetworkModel._relay_in_one_call``, ``kernels.relay`` and
``sparse_kernels.relay``) against the chain it replaces where the store lists its tie
candidates (``kernels.relay_lists``, ``Knowledge.relax``, ``members()``, the uniforms drawn
in Python, ``Relations.broker_relay``; the chain stays the path of stores that do not list,
and of a week whose members are not listed yet): the same state and the same draws, week
after week and in the chain's early returns, on the dense and the sparse pair store.
"""

from __future__ import annotations

import numpy as np
import pytest

from model import NetworkModel, Status, relations, state
from tests.test_collaborate import model_of, step_side_by_side

WEEKS = 60

# Scenario (shipped, or None for the defaults) and overrides: the default network, many
# brokers with many contacts, a relay that closes every gap at once (rows set outright,
# Knowledge.relax's fallback), fast ageing (rebased rows), growth and turnover (the stores
# reallocate), no brokers, brokers without contacts, no coordinator (no relay paid).
CASES = {
    "default": (None, {}),
    "brokers": (None, {"share_brokers": 0.6, "broker_contacts_per_week": 10}),
    "complete_relay": (None, {"relay_gain": 1.0, "facilitation": 1.0}),
    "fast_ageing": (None, {"knowledge_half_life_weeks": 1.0, "share_brokers": 0.4}),
    "turnover_growth": (None, {"turnover_per_year": 0.9, "share_recruiters": 0.6,
                               "recruit_rate": 0.1, "new_organisation_share": 0.8,
                               "recruit_target_size": 2.0, "newcomer_commitment": 0.1,
                               "dormant_weeks_to_leave": 4, "share_brokers": 0.4}),
    "missing_brokers": ("missing_brokers", {}),
    "no_broker_contacts": (None, {"broker_contacts_per_week": 0}),
    "no_coordination": ("no_coordination", {"share_brokers": 0.4}),
}
STORES = ("dense", "sparse")


def make(name: str | None, overrides: dict, seed: int, fused: bool) -> NetworkModel:
    """A model of the case; unless ``fused``, one that relays by the chain."""
    m = model_of(name, overrides, seed)
    if not fused:
        m._relay_in_one_call = lambda: False
    return m


def make_on(store: str, monkeypatch: pytest.MonkeyPatch, *args: object) -> NetworkModel:
    """``make`` with the dense or the sparse pair store."""
    monkeypatch.setattr(relations, "SPARSE_FROM", 0 if store == "sparse" else 10**9)
    m = make(*args)
    assert isinstance(m.rel, relations.SparseRelations) == (store == "sparse")
    return m


def pair_records(m: NetworkModel) -> dict[str, np.ndarray]:
    """The pair store's records: the dense arrays, or the sparse store's live records row by
    row (the rest of its pool is never read) with their rows and columns.
    """
    if not isinstance(m.rel, relations.SparseRelations):
        return {"F": m.rel.F, "T": m.rel.T, "last": m.rel.last, "listed": m.rel._listed}
    p = m.rel._p
    live = np.concatenate([np.arange(p.start[a], p.start[a] + p.size[a])
                           for a in range(p.start.size)] + [np.zeros(0, dtype=np.int64)])
    return {"row": np.repeat(np.arange(p.start.size), p.size), "col": p.col[live],
            "F": p.F[live], "T": p.T[live], "last": p.last[live], "listed": p.listed[live]}


def assert_same_state(a: NetworkModel, b: NetworkModel, where: str) -> None:
    """Everything relay reads or writes, bit for bit, the week's members and the
    generator's state.
    """
    for f in state.PEOPLE:
        np.testing.assert_array_equal(getattr(a, f.name), getattr(b, f.name),
                                      err_msg=f"{f.name} {where}")
    records = [pair_records(m) for m in (a, b)]
    for name in records[0]:
        np.testing.assert_array_equal(records[0][name], records[1][name],
                                      err_msg=f"{name} {where}")
    for name in ("_k", "_ka", "_kc", "_ksum", "_kstale", "own"):
        np.testing.assert_array_equal(getattr(a.knowledge, name), getattr(b.knowledge, name),
                                      err_msg=f"knowledge {name} {where}")
    assert a.knowledge.n_known == b.knowledge.n_known, where
    listed = [np.concatenate([np.zeros(0, dtype=np.int64), *m.rel._candidates]) for m in (a, b)]
    np.testing.assert_array_equal(*listed, err_msg=f"candidates {where}")
    members = [m._members for m in (a, b)]
    assert (members[0] is None) == (members[1] is None), f"members kept {where}"
    if members[0] is not None:
        assert members[0][0] == members[1][0], f"members' week {where}"
        np.testing.assert_array_equal(members[0][1], members[1][1], err_msg=f"members {where}")
    assert a.rng.bit_generator.state == b.rng.bit_generator.state, f"draws {where}"


def count_calls(m: NetworkModel) -> list[int]:
    """Count the store's fused calls, and those that went as far as the brokers' draws."""
    calls = [0, 0]
    relay = m.rel.relay

    def counted(*args: object) -> None:
        before = m.rng.bit_generator.state
        relay(*args)
        calls[0] += 1
        calls[1] += m.rng.bit_generator.state != before

    m.rel.relay = counted
    return calls


def count_set_rows(m: NetworkModel) -> list[int]:
    """Count the knowledge rows set outright during the chain's relax."""
    count = [0]
    relax, set_rows = m.knowledge.relax, m.knowledge.set_rows

    def counted_relax(rows: np.ndarray, gain: float) -> None:
        def counted_set_rows(small: np.ndarray, values: np.ndarray) -> None:
            count[0] += small.size
            set_rows(small, values)

        m.knowledge.set_rows = counted_set_rows
        try:
            relax(rows, gain)
        finally:
            m.knowledge.set_rows = set_rows

    m.knowledge.relax = counted_relax
    return count


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize("case", CASES)
def test_one_call_relay_is_the_chain(case: str, store: str,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Whole runs, fused against chained, compared after every week."""
    name, overrides = CASES[case]
    fused, apart = (make_on(store, monkeypatch, name, overrides, 1, f) for f in (True, False))
    calls = count_calls(fused)
    set_outright = count_set_rows(apart)
    step_side_by_side(fused, apart, WEEKS, assert_same_state)
    assert calls[0] > 0  # the fused call served
    if case in ("default", "brokers", "complete_relay", "turnover_growth"):
        assert calls[1] > 0  # and brokers drew their contacts in it
    if case in ("missing_brokers", "no_broker_contacts"):
        assert calls[1] == 0
    if case == "complete_relay":
        assert set_outright[0] > 0  # the chain set relaxed rows outright (relax's fallback)
    assert fused.datacollector.get_model_vars_dataframe().equals(
        apart.datacollector.get_model_vars_dataframe())


def test_stores_without_a_list_relay_by_the_chain() -> None:
    """A store that does not list its tie candidates (trust prior at the tie threshold)
    never takes the fused call.
    """
    m = NetworkModel(rng=3, trust_prior=0.5, tie_threshold=0.5)
    assert not m.rel.relays_in_one_call
    calls = count_calls(m)
    m.run_for(10)
    assert calls[0] == 0


def _one_present(m: NetworkModel) -> None:
    m.present[1: m.used] = False
    m._members = None
    m.members()  # listed again: one member


def _members_not_listed(m: NetworkModel) -> None:
    m._members = None  # the chain lists them (the fused call is not made)


def _members_listed_stale(m: NetworkModel) -> None:
    m.present[: m.used // 2] = False  # relay counts the listed members, not the present


def _nobody_brokers(m: NetworkModel) -> None:
    m.strengths[:, :] = False


def _all_active_brokers(m: NetworkModel) -> None:
    m.status[: m.used][m.present[: m.used]] = Status.ACTIVE
    m.strengths[: m.used, :] = True
    m._active = None


def _quiet(m: NetworkModel) -> None:
    m.quiet_until = m.steps + 5


@pytest.mark.parametrize("edit", [_one_present, _members_not_listed, _members_listed_stale,
                                  _nobody_brokers, _all_active_brokers, _quiet])
@pytest.mark.parametrize("store", STORES)
def test_one_call_relay_in_the_edge_cases(edit, store, monkeypatch) -> None:
    """One week's relay on an edited state, the relay paid: fewer than two members (no
    draws), the week's members not listed (the chain, which lists them), listed before
    present changed (their count used), no brokers, everyone a broker, a quiet spell
    (nothing done).
    """
    models = []
    for fused in (True, False):
        m = make_on(store, monkeypatch, None, {"share_brokers": 0.4}, 5, fused)
        m.run_for(12)
        assert m.week_slots()[0] is not None  # the week's members listed, as in a step
        m.relay_paid = True
        models.append(m)
    calls = count_calls(models[0])
    before = [m.rng.bit_generator.state for m in models]
    for m in models:
        edit(m)
        m.relay()
    assert_same_state(*models, edit.__name__)
    assert calls[0] == (edit not in (_members_not_listed, _quiet))
    drew = models[0].rng.bit_generator.state != before[0]
    if edit in (_one_present, _nobody_brokers, _quiet):
        assert not drew
    if edit in (_all_active_brokers, _members_listed_stale, _members_not_listed):
        assert drew
