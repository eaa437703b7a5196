"""Seeded regression values for the default scenario.

The values were recorded from this code at seed 2026 (156 weeks). A change in
any mechanism or default moves them; if that change is intended, re-record
them here and say why in the commit.
"""

from __future__ import annotations

import pytest

from model import DEFAULT_STEPS, NetworkModel

EXPECTED = {
    'active': 26.0,
    'mean_familiarity': 0.39952706218100154,
    'mean_trust': 0.35032313196799314,
    'mean_commitment': 0.6052232568091566,
    'trust_density': 0.37846153846153846,
    'network_trust': 0.35032313196799314,
    'network_familiarity': 0.39952706218100154,
    'trust_ties_per_seat': 4.730769230769231,
    'relationships_kept': 0.6666666666666666,
    'knowledge_coverage': 0.659638111056165,
    'meetings_held': 39.0,
    'coordination_spent_eur': 31638.00000000006,
}
OUTCOME = 'thriving'
REL = 1e-9  # same platform, same numpy: bit-for-bit except for summation-order noise


@pytest.fixture(scope="module")
def default_run() -> NetworkModel:
    m = NetworkModel(rng=2026)
    m.run_for(DEFAULT_STEPS)
    return m


def test_default_scenario_regression_values(default_run: NetworkModel) -> None:
    last = default_run.datacollector.get_model_vars_dataframe().iloc[-1]
    for key, value in EXPECTED.items():
        assert last[key] == pytest.approx(value, rel=REL, abs=1e-12), key
    assert default_run.outcome == OUTCOME


def test_default_scenario_plausible_ranges(default_run: NetworkModel) -> None:
    """Wider bands that a legitimate re-calibration should still respect."""
    last = default_run.datacollector.get_model_vars_dataframe().iloc[-1]
    assert last["active_share"] >= 0.5
    assert 0.2 <= last["mean_trust"] <= 0.8
    assert 0.4 <= last["mean_commitment"] <= 0.9
    assert 30 <= last["meetings_held"] <= 45  # about monthly for three years
    ev = default_run.evaluation()
    assert ev["coordination"]["spent_eur"] <= ev["coordination"]["accrued_eur"]
