"""Print the default scenario's regression values to paste into tests/test_regression.py."""
# Run from the repository root: PYTHONPATH=. .venv/bin/python scripts/record_regression.py

from model import DEFAULT_STEPS, NetworkModel
from tests.test_regression import EXPECTED

m = NetworkModel(rng=2026)
m.run_for(DEFAULT_STEPS)
last = m.datacollector.get_model_vars_dataframe().iloc[-1]
print("EXPECTED = {")
for key in EXPECTED:
    print(f"    {key!r}: {float(last[key])!r},")
print("}")
print(f"OUTCOME = {m.outcome!r}")
