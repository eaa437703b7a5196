"""Many runs of the model: sweeps, sensitivity analysis, budget search, docking.

Sweeps: :mod:`experiments.spec` (TOML sweep specs, designs and per-run seeds),
:mod:`experiments.sweep` (executors and batching), :mod:`experiments.store`
(the resumable Parquet directory) and :mod:`experiments.sensitivity` (SALib
Morris and Sobol indices); ready specs live in ``experiments/specs``.
"""
