"""Shared fixtures and helpers for the model tests."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from model import NetworkModel, straight

# Every straight kernel call in the tests checks its arguments' types first (model.straight):
# a call site whose types varied would misread its arguments when not checked. Processes the
# tests start (the CLI, sweeps' workers) inherit the setting.
os.environ["VERKOSTO_CHECKED_CALLS"] = "1"
straight.CHECKED = True

# Network sizes the pattern tests cover: (organisations, people per organisation).
SMALL = {"n_organisations": 5, "participants_per_organisation": 4}  # 20 people
LARGE = {"n_organisations": 40, "participants_per_organisation": 5}  # 200 people
# The default budget per founding participant (1500 EUR / 24 people); budgets scale with size.
EUR_PER_PERSON = 62.5


def people(size: dict) -> int:
    """Founding participants of a size spec."""
    return size["n_organisations"] * size["participants_per_organisation"]


def run(seed: int, steps: int, **kw) -> NetworkModel:
    """One seeded run."""
    m = NetworkModel(rng=seed, **kw)
    m.run_for(steps)
    return m


def final(model: NetworkModel) -> pd.Series:
    """The last recorded row of the model reporters."""
    return model.datacollector.get_model_vars_dataframe().iloc[-1]


@pytest.fixture(autouse=True)
def _english_messages():
    """Every test starts with English messages: a test, or a command it runs in this process,
    that chose Finnish must not choose the language of the next test on the same worker (the
    overview's colour test failed so in a full run, reading Finnish legend labels)."""
    from verkosto import i18n

    i18n.set_language("en")


@pytest.fixture(scope="session")
def rng() -> np.random.Generator:
    return np.random.default_rng(20261128)
