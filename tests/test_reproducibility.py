"""Same seed, same results; serial and parallel batch_run agree with direct runs."""

from __future__ import annotations

import mesa
import pandas as pd
import pytest

from model import NetworkModel, Params

SMALL = {"n_organisations": 4, "participants_per_organisation": 3}
STEPS = 40


def frame(seed: int, **kw) -> pd.DataFrame:
    m = NetworkModel(rng=seed, **{**SMALL, **kw})
    m.run_for(STEPS)
    return m.datacollector.get_model_vars_dataframe()


def test_same_seed_identical_frames() -> None:
    pd.testing.assert_frame_equal(frame(7), frame(7))


def test_params_object_equals_flat_overrides() -> None:
    p = Params.from_flat(**SMALL, facilitation=0.3)
    m = NetworkModel(params=p, rng=9)
    m.run_for(STEPS)
    pd.testing.assert_frame_equal(m.datacollector.get_model_vars_dataframe(),
                                  frame(9, facilitation=0.3))


def test_different_seeds_differ() -> None:
    a, b = frame(1), frame(2)
    assert not a["mean_trust"].equals(b["mean_trust"])


def test_no_global_random_state_is_used() -> None:
    import random

    import numpy as np

    random.seed(0)
    np.random.seed(0)  # noqa: NPY002 - the point is that global state is ignored
    a = frame(11)
    random.seed(123)
    np.random.seed(123)  # noqa: NPY002
    pd.testing.assert_frame_equal(a, frame(11))


@pytest.mark.xdist_group("batch_run")
def test_batch_run_serial_parallel_and_direct_agree() -> None:
    params = {**SMALL, "coordination_budget_eur": [0.0, 1500.0]}
    seeds = [21, 22]
    kw = {"rng": seeds, "max_steps": STEPS, "data_collection_period": 1,
          "display_progress": False}
    serial = pd.DataFrame(mesa.batch_run(NetworkModel, params, number_processes=1, **kw))
    parallel = pd.DataFrame(mesa.batch_run(NetworkModel, params, number_processes=2, **kw))
    key = ["RunId", "Step"]
    serial = serial.sort_values(key).reset_index(drop=True)
    parallel = parallel.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(serial, parallel)
    assert len(serial) == 4 * (STEPS + 1)
    for (seed, budget), rows in serial.groupby(["rng", "coordination_budget_eur"]):
        direct = frame(int(seed), coordination_budget_eur=budget)
        got = rows.set_index("Step")[direct.columns]
        assert got.index.tolist() == direct.index.tolist()
        pd.testing.assert_frame_equal(got.reset_index(drop=True), direct.reset_index(drop=True),
                                      check_dtype=False)
