"""A copied or pickled model's dense pair store keeps ``F``, ``T`` and ``last`` as views of its
pair records (``Relations.__getstate__``), so that it runs on as the original does, past a
growth of its capacity too (before, the copy grew from records the views no longer wrote,
and the straight calls read the grown views by the copy's first layout: a crash).
"""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

from model import NetworkModel

# Recruits and turnover enough that the capacity (48 slots at the start) doubles by week 60.
_GROWING = {"recruit_rate": 0.3, "turnover_per_year": 0.8}


@pytest.mark.parametrize("how", ["deepcopy", "pickle"])
def test_copy_runs_on_as_the_original_past_growth(how: str) -> None:
    original = NetworkModel(rng=0, **_GROWING)
    original.run_for(10)
    twin = (copy.deepcopy(original) if how == "deepcopy"
            else pickle.loads(pickle.dumps(original)))
    rel = twin.rel
    for name in ("F", "T", "last"):
        assert np.shares_memory(getattr(rel, name), rel._pairs)
    capacity = original.capacity
    original.run_for(60)
    twin.run_for(60)
    assert original.capacity > capacity  # the weeks ran past a growth
    assert twin.capacity == original.capacity
    for name in ("F", "T", "last"):
        np.testing.assert_array_equal(getattr(twin.rel, name), getattr(original.rel, name))
    np.testing.assert_array_equal(twin.commitment, original.commitment)
