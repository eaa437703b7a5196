"""Defaults of the analysis commands, in a module light enough for ``verkosto --help``.

The command-line modules read their help texts from here without importing
pandas, statsmodels or the model; the analysis modules use the same values.
"""

from __future__ import annotations

BUDGET_CONFIDENCE = 0.9
"""One-sided confidence that P(thriving) reaches the target at the answer."""

BUDGET_REPLICATIONS = 40
"""Cap of replications at one budget."""

MAX_REPLICATIONS = 10_000
"""Most replications ``verkosto budget --replications``, ``compare --replications`` and
``--member-replications`` accept. At 10,000 runs the 90% interval of a probability is
within a percentage point either way, finer than any target is set, and a budget search
of some ten budgets is then up to about an hour on 2 cores at the default 156 weeks. The
seeds are drawn up front (the budget search: twice the cap, search and confirmation):
2 million took 18 s, so ``budget --replications 1000000000`` sat silent, drawing seeds,
with no run started and no estimate said; ``compare --replications 1000000000`` did too."""

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

EVALUATION_RERUNS = 3
"""Runs rebuilt per outcome class for the S33/S34 evaluation (benefit by role needs the runs)."""

COMPARE_REPLICATIONS = 20
"""Runs per scenario in a comparison."""

MEMBERS = 20
"""Members of the plausible ensemble an answer runs on unless told otherwise."""

MEMBER_ROBUSTNESS = 0.8
"""Share of members in which the robust budget must meet the target."""

MEMBER_REPLICATIONS = 16
"""Cap of replications per budget in a member's search (the default answer's: 40)."""

MEMBER_RESOLUTION_EUR = 200.0
"""Precision of a member's minimum budget (the default answer's: 50 EUR/month). At 100 the
twenty members' searches took a median of 88 runs each and the whole answer 417 s on two
cores shared with other work; at 200 a search on the same response takes about a quarter
fewer runs (benchmarks/bench_uncertainty.py, docs/ODD.md)."""
