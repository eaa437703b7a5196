"""Defaults of the experiment commands, in a module light enough for ``verkosto --help``.

The command-line modules read their help texts from here without importing the model,
scipy or pandas; the experiment modules use the same values.
"""

from __future__ import annotations

SCREEN_REPLICATIONS = 6
"""Replications per arm of the ensemble's cheap scorecard (each pattern's own weeks): the
fewest with which a one-sided Mann-Whitney test of two arms can reach p < 0.01 (6 against 6:
p = 0.001 at full separation) with some room, so that every pattern's margin can still be
met."""

ENSEMBLE_SEED = 20261214
"""Seed of the ensemble's design when none is given."""
