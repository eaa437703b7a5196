"""Many runs of the model: sweeps, sensitivity analysis, budget search, docking."""
