"""Lazy knowledge K (row maps in :class:`Knowledge`) against the dense updates it replaced.

``DenseChecked`` is a ``Knowledge`` store that also keeps the old dense ``K`` array
and replays every knowledge operation on it with the old code's formulas
(``decay``: multiply the rows and pin one's own organisation to 1; relay:
``K += g (1 - K)`` on the rows; encounters, broker gathers and rotating
meetings: ``np.maximum.at(K, (i, o), K + share (1 - K))``; the broker's pass-on:
``np.maximum.at`` of the update on whole rows (a broker's contact is the gather, then the
pass-on); newcomers: row 0 and own
organisation 1). After each operation it compares the lazy values (every
seated row, every organisation in use), the cached row sums and every value
read with the dense ones. The model runs with it in lockstep over scenarios
that exercise each path, and so do random operation sequences.
"""

from __future__ import annotations

import collections
import copy
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from model import NetworkModel, reporters
from model.knowledge import Knowledge
from model.relations import Relations

TOL = 1e-9  # lazy and dense differ by float rounding only
SMALL = {"n_organisations": 6, "participants_per_organisation": 3}
WEEKS = 90


class DenseChecked(Knowledge):
    """Knowledge with a dense reference K updated in lockstep and checked after every operation.

    Attributes:
        dense: The reference K (capacity x organisation capacity).
        ops: How often each operation (and each special path) ran.
    """

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.dense = np.zeros_like(self._k)
        self.seated = np.zeros(self._k.shape[0], dtype=bool)
        self.ops: collections.Counter[str] = collections.Counter()
        self._depth = 0

    def _run(self, name: str, call: Callable[[], Any], dense: Callable[[], None]) -> Any:
        """Run ``call``; if it is not nested in another operation, replay it densely and check."""
        outer = self._depth == 0
        self._depth += 1
        try:
            result = call()
        finally:
            self._depth -= 1
        if outer:
            self.ops[name] += 1
            dense()
            self.check()
        return result

    def check(self) -> None:
        rows = np.flatnonzero(self.seated)
        if rows.size == 0 or self.n_known == 0:
            return
        lazy = Knowledge.of_rows(self, rows)
        ref = self.dense[rows, : self.n_known]
        np.testing.assert_allclose(lazy, ref, rtol=0, atol=TOL)
        assert np.all((lazy >= 0) & (lazy <= 1 + 1e-12))
        assert np.all(lazy[np.arange(rows.size), self.own[rows]] == 1.0)
        # Pending scales stay away from 0: rows are rebased in time.
        assert np.all(self._ka[rows] >= self._rebase_below)
        cols = np.arange(self.n_known)
        np.testing.assert_allclose(Knowledge.sums(self, rows, cols),
                                   self._dense_sums(rows, cols), rtol=0, atol=TOL * self.n_known)

    def _dense_sums(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        block = self.dense[np.ix_(rows, cols)]
        own = self.own[rows]
        own_in = np.isin(own, cols)
        return block.sum(axis=1) - np.where(own_in, self.dense[rows, own], 0.0)

    # ---------------------------------------------------------------- writes
    def grow(self, capacity: int, org_capacity: int) -> None:
        def dense() -> None:
            grown = np.zeros((capacity, org_capacity))
            rows, cols = self.dense.shape
            grown[:rows, :cols] = self.dense
            self.dense = grown
            self.seated = np.concatenate([self.seated, np.zeros(capacity - rows, dtype=bool)])
        self._run("grow", lambda: super(DenseChecked, self).grow(capacity, org_capacity),
                  dense)

    def add_organisation(self) -> None:
        self._run("add_organisation", super().add_organisation, lambda: None)  # dense column is 0

    def forget(self, slots: np.ndarray, own: np.ndarray) -> None:
        def dense() -> None:
            self.dense[slots, :] = 0.0
            self.dense[slots, own] = 1.0
            self.seated[slots] = True
        self._run("forget", lambda: super(DenseChecked, self).forget(slots, own), dense)

    def set_rows(self, rows: np.ndarray, values: np.ndarray) -> None:
        def dense() -> None:
            self.dense[rows, : self.n_known] = values
        self._run("set_rows", lambda: super(DenseChecked, self).set_rows(rows, values),
                  dense)

    def close_gaps(self, rows: np.ndarray, cols: np.ndarray | int,
                   share: np.ndarray | float) -> None:
        if np.ndim(cols) == 0:
            self.ops["close_one_column"] += 1

        self._run("close", lambda: super(DenseChecked, self).close_gaps(rows, cols, share),
                  lambda: self._dense_close(rows, cols, share))

    def _dense_close(self, rows: np.ndarray, cols: np.ndarray | int,
                     share: np.ndarray | float) -> None:
        k = self.dense[rows, cols]
        np.maximum.at(self.dense, (rows, cols), k + share * (1 - k))

    def after_encounter(self, call: Callable[[], tuple[np.ndarray, np.ndarray]],
                        i: np.ndarray, j: np.ndarray, org: np.ndarray,
                        flow: float) -> tuple[np.ndarray, np.ndarray]:
        """An encounter round (``call``, which writes this store) closes i's gap about j's
        organisation by knowledge_flow x the new trust."""
        out: list[tuple[np.ndarray, np.ndarray]] = []

        def dense() -> None:
            trust = out[0][0]
            cols = org[j]
            k = self.dense[i, cols]
            np.maximum.at(self.dense, (i, cols), k + flow * trust * (1 - k))
        return self._run("encounter", lambda: out.append(call()) or out[0], dense)

    def after_rounds(self, call: Callable[[], tuple[np.ndarray, ...]], org: np.ndarray,
                     flow: float, pairs: int) -> tuple[np.ndarray, ...]:
        """Rounds of ``pairs`` encounters each (``call``, which writes this store and returns
        what ``Relations.talk_rounds`` returns: the pairs i, j and their trust, round after
        round), each round as ``after_encounter``."""
        out: list[tuple[np.ndarray, ...]] = []

        def dense() -> None:
            i, j, trust = out[0][3:6]
            for start in range(0, i.size, max(pairs, 1)):
                rows, cols = i[start: start + pairs], org[j[start: start + pairs]]
                k = self.dense[rows, cols]
                np.maximum.at(self.dense, (rows, cols),
                              k + flow * trust[start: start + pairs] * (1 - k))
        return self._run("encounter", lambda: out.append(call()) or out[0], dense)

    def pass_on(self, sources: np.ndarray, targets: np.ndarray, share: np.ndarray) -> None:
        if np.unique(targets).size < targets.size:
            self.ops["pass_on_repeated"] += 1
        self._run("pass_on", lambda: super(DenseChecked, self).pass_on(sources, targets, share),
                  lambda: self._dense_pass_on(sources, targets, share))

    def _dense_pass_on(self, sources: np.ndarray, targets: np.ndarray, share: np.ndarray) -> None:
        cols = slice(0, self.n_known)
        k = self.dense
        update = k[targets, cols] + share[:, None] * np.maximum(0.0, k[sources, cols]
                                                                - k[targets, cols])
        np.maximum.at(k, (targets[:, None], np.arange(self.n_known)[None, :]), update)

    def broker_exchange(self, brokers, contacts, org, gain, trust_in_broker, trust_in_contact,
                        contact_count):
        """The broker's gather (a close on the contact's organisation), then its pass-on."""
        if np.unique(contacts).size < contacts.size:
            self.ops["pass_on_repeated"] += 1

        def dense() -> None:
            self._dense_close(brokers, org[contacts], gain * trust_in_contact)
            self._dense_pass_on(brokers, contacts, gain * trust_in_broker)
        self._run("broker_exchange", lambda: super(DenseChecked, self).broker_exchange(
            brokers, contacts, org, gain, trust_in_broker, trust_in_contact, contact_count), dense)

    def scale(self, rows: np.ndarray, factor: float) -> None:
        if np.any(self._ka[rows] * factor < self._rebase_below):
            self.ops["rebase_scale"] += 1

        def dense() -> None:
            self.dense[rows, : self.n_known] *= factor
            self.dense[rows, self.own[rows]] = 1.0
        self._run("scale", lambda: super(DenseChecked, self).scale(rows, factor), dense)

    def relax(self, rows: np.ndarray, gain: float) -> None:
        if gain >= 1.0:
            self.ops["relax_complete"] += 1
        elif np.any(self._ka[rows] * (1.0 - gain) < self._rebase_below):
            self.ops["rebase_relax"] += 1

        def dense() -> None:
            k = self.dense[rows, : self.n_known]
            self.dense[rows, : self.n_known] = k + gain * (1 - k)
        self._run("relax", lambda: super(DenseChecked, self).relax(rows, gain), dense)

    # ---------------------------------------------------------------- reads
    def entries(self, rows: np.ndarray, cols: np.ndarray | int) -> np.ndarray:
        v = super().entries(rows, cols)
        self.ops["knowledge"] += 1
        np.testing.assert_allclose(v, self.dense[rows, cols], rtol=0, atol=TOL)
        return v

    def of_rows(self, rows: np.ndarray) -> np.ndarray:
        v = super().of_rows(rows)
        np.testing.assert_allclose(v, self.dense[rows, : self.n_known], rtol=0, atol=TOL)
        return v

    def sums(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        v = super().sums(rows, cols)
        if cols.size < self.n_known:
            self.ops["sums_some_columns"] += 1
        np.testing.assert_allclose(v, self._dense_sums(rows, cols), rtol=0, atol=TOL * cols.size)
        return v


    def coverage(self, rows: np.ndarray, org: np.ndarray, n_orgs: int) -> float:
        """The reporter's sums are taken inside its kernel: check them here as it takes them
        (over the organisations of ``rows``), after it has refreshed the stale row sums.
        """
        v = super().coverage(rows, org, n_orgs)
        orgs = np.flatnonzero(np.bincount(org[rows], minlength=n_orgs))
        if orgs.size >= 2:
            self.sums(rows, orgs)
        return v


class CheckedRelations(Relations):
    """The dense pair store, with the knowledge its kernels read and write checked."""

    @property
    def collaborates_in_one_call(self) -> bool:
        """Never: the checks below wrap the chain's calls (work_in_groups, client_cases);
        tests/test_collaborate.py holds the one call to the chain."""
        return False

    @property
    def relays_in_one_call(self) -> bool:
        """Never: the checks wrap the chain's calls (relax, broker_exchange);
        tests/test_relay.py holds the one call to the chain."""
        return False

    @property
    def converses_in_one_call(self) -> bool:
        """Never: the checks wrap the chain's calls (talk_rounds); tests/test_converse.py
        holds the one call to the chain."""
        return False

    def encounter(self, i, j, g, u, face, virtual_factor, atmosphere, dialogue, org, resident,
                  know, rule, now):
        """The encounter kernel writes knowledge: the knowledge store replays it densely."""
        return know.after_encounter(
            lambda: super(CheckedRelations, self).encounter(
                i, j, g, u, face, virtual_factor, atmosphere, dialogue, org, resident, know,
                rule, now), i, j, org, rule.knowledge_flow)

    def broker_relay(self, brokers, per_broker, u, member, threshold, now, know, org, gain,
                     contact_count):
        """The fused kernel writes knowledge: here the contacts, then the checked store's own
        exchange (the two calls the kernel joins)."""
        b, c, trust_cb, trust_bc = self.broker_contacts(brokers, per_broker, u, member,
                                                        threshold, now)
        if b.size:
            know.broker_exchange(b, c, org, gain, trust_cb, trust_bc, contact_count)

    def talk_rounds(self, ids, present, first, u_seats, u, face, dialogue, base, acquaintance,
                    m, p_incumbent, q, people, know, rules, facilitation, now):
        """The conversation rounds' encounters write knowledge: replayed densely, round by
        round."""
        return know.after_rounds(
            lambda: super(CheckedRelations, self).talk_rounds(
                ids, present, first, u_seats, u, face, dialogue, base, acquaintance, m,
                p_incumbent, q, people, know, rules, facilitation, now),
            people._arrays["org"], rules.encounter.knowledge_flow, u.shape[1])

    def work_in_groups(self, members, bounds, i, j, g, rng, base, people, know, rules,
                       facilitation, value, advocacy, now):
        """The working groups' encounters write knowledge with the trust they store (what
        the store holds for their pairs afterwards): replayed densely."""
        result = []

        def call():
            result.append(super(CheckedRelations, self).work_in_groups(
                members, bounds, i, j, g, rng, base, people, know, rules, facilitation,
                value, advocacy, now))
            return (self.T[i, j],)
        know.after_encounter(call, i, j, people._arrays["org"], rules.encounter.knowledge_flow)
        return result[0]

    def seamless_value(self, workers, n_cases, drawn, people, used, n_orgs, know,
                       knowledge_threshold, tie_threshold, rules, value, now):
        """Client cases read knowledge inside their kernel: check those reads here (see
        ``seamless_cases``)."""
        who = np.repeat(workers, n_cases)
        org = people._arrays["org"]
        know.entries(who, np.where(drawn >= org[who], drawn + 1, drawn))
        return super().seamless_value(workers, n_cases, drawn, people, used, n_orgs, know,
                                      knowledge_threshold, tie_threshold, rules, value, now)

    def client_cases(self, rng, active, lam, people, used, n_orgs, know, knowledge_threshold,
                     tie_threshold, rules, value, now):
        """Client cases draw and read knowledge inside their kernel: replay their draws on a
        copy of the generator (numpy's, as the kernel's are) and check those reads here."""
        org = people._arrays["org"]
        workers = active[~people._arrays["resident"][active]]
        if workers.size and n_orgs >= 2:
            twin = copy.deepcopy(rng)
            who = np.repeat(workers, twin.poisson(lam, size=workers.size))
            drawn = twin.integers(n_orgs - 1, size=who.size)
            know.entries(who, np.where(drawn >= org[who], drawn + 1, drawn))
        return super().client_cases(rng, active, lam, people, used, n_orgs, know,
                                    knowledge_threshold, tie_threshold, rules, value, now)

    def seamless_cases(self, who, drawn, org, n_orgs, present, know, knowledge_threshold,
                       tie_threshold, now):
        """Client cases read knowledge inside their kernel: check those reads here, as the
        kernel makes them (the organisation a case needs, counted past the worker's own)."""
        target = np.where(drawn >= org[who], drawn + 1, drawn)
        know.entries(who, target)
        return super().seamless_cases(who, drawn, org, n_orgs, present, know,
                                      knowledge_threshold, tie_threshold, now)


class LockstepModel(NetworkModel):
    """The model with a :class:`DenseChecked` knowledge store (and its pair store's
    knowledge reads and writes checked)."""

    knowledge: DenseChecked

    def _allocate(self, cap: int, org_cap: int) -> None:
        super()._allocate(cap, org_cap)
        p = self.params
        self.rel = CheckedRelations(cap, p.trust_prior, p.familiarity_half_life_weeks,
                                    p.trust_half_life_weeks, tie_threshold=p.tie_threshold)
        self.knowledge = DenseChecked(cap, org_cap)


def dense_coverage(model: LockstepModel) -> float:
    """knowledge_coverage as the reporter computed it from a dense K (the old code)."""
    m = model.members()
    orgs = np.unique(model.org[m])
    if orgs.size < 2:
        return 0.0
    order = np.argsort(model.org[m], kind="stable")
    people = m[order]
    starts = np.searchsorted(model.org[people], orgs)
    k = model.knowledge.dense[people][:, orgs]
    per_org = np.add.reduceat(k, starts, axis=0) / np.diff(np.append(starts, people.size))[:, None]
    off = ~np.eye(orgs.size, dtype=bool)
    return float(per_org[off].mean())


# Each scenario with the paths it must exercise.
SCENARIOS = {
    "led_relay": ({}, ("relax", "scale", "broker_exchange")),
    "brokers": ({"share_brokers": 0.6, "broker_contacts_per_week": 10}, ("pass_on_repeated",)),
    "rotating": ({"rotating_meeting": True}, ("close_one_column",)),
    "client_service": ({"purpose": "client_service"}, ("knowledge",)),
    # Recruits bring new organisations and outgrow both capacities; uncommitted newcomers
    # leave soon, so some organisations have no one present.
    "turnover_growth": ({"turnover_per_year": 0.9, "share_recruiters": 0.6, "recruit_rate": 0.1,
                         "new_organisation_share": 0.8, "recruit_target_size": 2.0,
                         "newcomer_commitment": 0.1, "dormant_weeks_to_leave": 4},
                        ("forget", "add_organisation", "grow", "sums_some_columns")),
    "fast_ageing": ({"knowledge_half_life_weeks": 1.0}, ("rebase_scale",)),
    "complete_relay": ({"relay_gain": 1.0, "facilitation": 1.0}, ("relax_complete",)),
}


@pytest.mark.parametrize("name", SCENARIOS)
def test_lazy_knowledge_follows_the_dense_updates(name: str) -> None:
    overrides, paths = SCENARIOS[name]
    m = LockstepModel(rng=7, **SMALL, **overrides)
    initial_orgs = m.n_orgs
    for _ in range(WEEKS):
        m.step()
        assert reporters.knowledge_coverage(m) == pytest.approx(dense_coverage(m), abs=TOL)
        if not m.running:
            break
    ops = m.knowledge.ops
    if "add_organisation" in paths:
        assert m.n_orgs > initial_orgs
    missing = [p for p in paths if not ops[p]]
    assert not missing, f"scenario {name} did not exercise {missing} ({dict(ops)})"


def test_lazy_model_reproduces_the_plain_model() -> None:
    """The checking subclass changes nothing: same run as the plain model."""
    kw = {**SMALL, "share_brokers": 0.5, "turnover_per_year": 0.5}
    plain, checked = NetworkModel(rng=11, **kw), LockstepModel(rng=11, **kw)
    plain.run_for(60)
    checked.run_for(60)
    a = plain.datacollector.get_model_vars_dataframe()
    b = checked.datacollector.get_model_vars_dataframe()
    # Knowledge row sums are kept up to date by adding changes, so when the checks re-sum
    # them (after every operation here, at recordings there) shifts the last bits only.
    pd.testing.assert_frame_equal(a.drop(columns="knowledge_coverage"),
                                  b.drop(columns="knowledge_coverage"), check_exact=True)
    np.testing.assert_allclose(a["knowledge_coverage"], b["knowledge_coverage"], rtol=1e-13)


@pytest.mark.parametrize("seed", range(6))
def test_random_operation_sequences(seed: int) -> None:
    """Random mixes of every operation, with repeats, tiny scales, complete relays,
    new organisations and growth, against the dense reference."""
    rng = np.random.default_rng(seed)
    cap, org_cap = 12, 4
    rel = DenseChecked(cap, org_cap, rebase_below=1e-3)
    for _ in range(3):
        rel.add_organisation()
    seated = 8
    rel.forget(np.arange(seated), rng.integers(3, size=seated))
    for _ in range(300):
        rows = rng.choice(seated, size=rng.integers(1, seated + 1), replace=False)
        op = rng.integers(9)
        if op == 0:
            rel.scale(rows, rng.choice([0.97, 0.5, 0.03]))
        elif op == 1:
            rel.relax(rows, rng.choice([0.0, 0.03, 0.5, 0.99, 1.0]))
        elif op == 2:
            many = rng.integers(seated, size=rng.integers(1, 20))
            rel.close_gaps(many, rng.integers(rel.n_known, size=many.size), rng.random(many.size))
        elif op == 3:
            n = rng.integers(1, 10)
            rel.pass_on(rng.integers(seated, size=n), rng.integers(seated, size=n), rng.random(n))
        elif op == 4:
            values = rng.random((rows.size, rel.n_known))
            values[np.arange(rows.size), rel.own[rows]] = 1.0  # as the model always has it
            rel.set_rows(rows, values)
        elif op == 5 and rel.n_known < 2 * org_cap:
            if rel.n_known == rel.dense.shape[1]:
                rel.grow(rel.dense.shape[0], 2 * rel.dense.shape[1])
            rel.add_organisation()
        elif op == 6:
            if seated == rel.dense.shape[0]:
                rel.grow(2 * seated, rel.dense.shape[1])
            rel.forget(np.array([seated]), rng.integers(rel.n_known, size=1))
            seated += 1
        elif op == 7:
            rel.forget(rows[:1], rng.integers(rel.n_known, size=1))
        else:
            cols = rng.choice(rel.n_known, size=rng.integers(1, rel.n_known + 1), replace=False)
            rel.sums(rows, cols)
            rel.entries(rows, rng.integers(rel.n_known, size=rows.size))
    for path in ("rebase_scale", "rebase_relax", "relax_complete", "pass_on_repeated"):
        assert rel.ops[path], path
    assert rel.ops["grow"] and rel.ops["sums_some_columns"]
