"""Loaded by the fork server of the experiments' worker pools (``experiments.pool``).

Importing it runs one short simulation, which loads the model's compiled kernels
(``model/kernels.py``) into the fork server once; every worker forked from it then
starts with them loaded, instead of each loading them from numba's cache on its
first run (about a second per worker). Kernels of paths this run does not take
load on first use as usual.
"""

from __future__ import annotations

from model import NetworkModel

#: Weeks of the warm-up run: enough for meetings, working groups, churn and recordings.
WARM_WEEKS = 12

NetworkModel(rng=0).run_for(WARM_WEEKS)
