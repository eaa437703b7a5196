"""Reading results: outcome classes with intervals, figures, reports, scenario discovery.

The layers flow one way: ``analysis`` reads what ``experiments`` wrote and
may run the model for a figure, but nothing below imports ``analysis``.
Importing this package is cheap (the command line's ``--help`` reads
:mod:`analysis.defaults`); import the modules you need:

- :mod:`analysis.results` — a sweep directory as tidy DataFrames.
- :mod:`analysis.intervals` — outcome probabilities with binomial intervals.
- :mod:`analysis.tipping` — where the probability of thriving crosses a level.
- :mod:`analysis.discovery` — scenario discovery as readable rules.
- :mod:`analysis.sensitivity` — first-order indices from any sample.
- :mod:`analysis.evaluation` — the S33/S34 evaluation table.
- :mod:`analysis.figures` — time series, probability curves, heatmaps, indices.
- :mod:`analysis.network` — the trust network and a participant's network map (S37).
- :mod:`analysis.budget` — the planner's smallest coordination budget.
- :mod:`analysis.report` — the self-contained HTML and Markdown report.
- :mod:`analysis.defaults` — defaults shared with the command line.
"""
