"""Defaults of the analysis commands, in a module light enough for ``verkosto --help``.

The command-line modules read their help texts from here without importing
pandas, statsmodels or the model; the analysis modules use the same values.
"""

from __future__ import annotations

BUDGET_CONFIDENCE = 0.9
"""One-sided confidence that P(thriving) reaches the target at the answer."""

BUDGET_REPLICATIONS = 40
"""Cap of replications at one budget."""

BUDGET_BATCH = 8
"""Replications added at a time before the decision is checked again."""

BUDGET_RESOLUTION_EUR = 50.0
"""The search stops when passing and failing budgets are this close (EUR/month)."""

BUDGET_MAX_EUR = 5000.0
"""Largest monthly budget considered unless told otherwise."""

INTERVAL_CONFIDENCE = 0.95
"""Two-sided confidence of reported intervals unless told otherwise."""

TIPPING_LEVEL = 0.5
"""Probability at which a network 'tips' unless told otherwise."""

COMPARE_REPLICATIONS = 20
"""Runs per scenario in a comparison."""
