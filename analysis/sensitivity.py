"""First-order sensitivity indices from any sweep, grid or sample.

The first-order index of parameter X for a response Y is the share of Y's
variance explained by X alone, ``S = Var(E[Y | X]) / Var(Y)`` (Sobol 1993).
It can be estimated from the runs already made, without a special design, by
grouping the runs by X (by value on a grid, by quantile bins in a sample) and
taking the variance of the group means (the correlation ratio; Plischke,
Borgonovo & Smith 2013). The estimator is biased upward by roughly
(groups - 1) / (runs - 1); it is subtracted. A bootstrap over runs gives the
interval (basic bootstrap). Sobol, Morris or FAST designs written by ``verkosto sensitivity``
are read as they are, when present (see :func:`read_indices`).

"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.tipping import DEFAULT_BINS, MAX_DISTINCT
from experiments.sensitivity import INDICES_CSV, INDICES_PARQUET

DEFAULT_BOOTSTRAP = 200
"""Bootstrap resamples for the interval of an index."""

DEFAULT_CONFIDENCE = 0.9
"""Two-sided confidence of the bootstrap interval (percentile method)."""

PREFERRED_INDICES = ("ST", "mu_star", "S1")
"""SALib indices shown first, in order of preference (total-order Sobol, Morris mu*)."""


def _groups(x: pd.Series, bins: int) -> np.ndarray:
    if not pd.api.types.is_numeric_dtype(x) or pd.api.types.is_bool_dtype(x):
        return pd.factorize(x.astype(str))[0]
    v = x.astype(float).to_numpy()
    if np.unique(v).size > MAX_DISTINCT:
        return np.asarray(pd.qcut(v, q=bins, labels=False, duplicates="drop"))
    return pd.factorize(v)[0]


def _first_order(g: np.ndarray, y: np.ndarray) -> float:
    n = y.size
    var = y.var()
    if n < 2 or var == 0:
        return float("nan")
    k = int(g.max()) + 1
    sums = np.bincount(g, weights=y, minlength=k)
    counts = np.bincount(g, minlength=k)
    used = counts > 0
    means = sums[used] / counts[used]
    between = float((counts[used] * (means - y.mean()) ** 2).sum() / n)
    bias = (used.sum() - 1) / (n - 1)
    return float(np.clip(between / var - bias * (1 - between / var), 0.0, 1.0))


def first_order_indices(frame: pd.DataFrame, parameters: Sequence[str],
                        response: np.ndarray | pd.Series, bins: int = DEFAULT_BINS,
                        bootstrap: int = DEFAULT_BOOTSTRAP,
                        confidence: float = DEFAULT_CONFIDENCE, seed: int = 0) -> pd.DataFrame:
    """Given-data first-order indices of ``response`` for each parameter.

    Args:
        frame: One row per run with the parameter columns.
        parameters: Parameters to score.
        response: One number per run (e.g. 1 for thriving, else 0).
        bins: Quantile bins of a parameter with many distinct values.
        bootstrap: Resamples for the interval (0 for none).
        confidence: Two-sided confidence of the interval.
        seed: Seed of the bootstrap.

    Returns:
        Columns ``parameter``, ``index``, ``low``, ``high``, largest index first.
    """
    y = np.asarray(response, dtype=float)
    rng = np.random.default_rng(seed)
    alpha = (1.0 - confidence) / 2.0
    rows = []
    for p in parameters:
        g = _groups(frame[p], bins)
        s = _first_order(g, y)
        low = high = float("nan")
        if bootstrap and np.isfinite(s):
            draws = [_first_order(*_resample(g, y, rng)) for _ in range(bootstrap)]
            draws = np.asarray([d for d in draws if np.isfinite(d)])
            if draws.size:
                # Basic (reverse-percentile) bootstrap: resamples repeat runs, which inflates
                # the between-group variance; reflecting the quantiles corrects that bias.
                q_low, q_high = np.quantile(draws, [alpha, 1.0 - alpha])
                low, high = max(0.0, 2 * s - q_high), min(1.0, 2 * s - q_low)
        rows.append({"parameter": p, "index": s, "low": float(low), "high": float(high)})
    out = pd.DataFrame(rows, columns=["parameter", "index", "low", "high"])
    return out.sort_values("index", ascending=False, na_position="last").reset_index(drop=True)


def total_order_indices(frame: pd.DataFrame, parameters: Sequence[str],
                        response: np.ndarray | pd.Series) -> pd.DataFrame | None:
    """Total-order indices estimated from a replicated grid, or None for other designs.

    The total-order index of X is the share of the response's variance that
    involves X, alone or with others: ``E[Var(Y | X_~i)] / Var(Y)`` (Homma &
    Saltelli 1996). On a grid with replications it is estimated by grouping the
    runs by every other varied parameter: the pooled variance within those
    groups, less the pooled variance within full cells (replication noise,
    which no parameter explains), over the total variance. A parameter whose
    total-order index clearly exceeds its first-order index acts through
    interactions.

    Returns:
        Columns ``parameter`` and ``total``, or None when the runs are not a
        replicated grid (some parameter has more than ``MAX_DISTINCT`` values,
        or the cells hold one run each).
    """
    y = np.asarray(response, dtype=float)
    params = list(parameters)
    if not params or y.size < 2 or y.var() == 0:
        return None
    if any(frame[p].nunique() > MAX_DISTINCT for p in params):
        return None
    keys = frame[params].astype(str).reset_index(drop=True)
    cells = keys.groupby(params, sort=False).ngroup().to_numpy()
    if np.bincount(cells).max() < 2:
        return None
    total = y.var(ddof=1)
    noise = _pooled(cells, y)
    rows = []
    for p in params:
        others = [q for q in params if q != p]
        groups = (keys.groupby(others, sort=False).ngroup().to_numpy() if others
                  else np.zeros(y.size, dtype=int))
        st = (_pooled(groups, y) - noise) / total
        rows.append({"parameter": p, "total": float(np.clip(st, 0.0, 1.0))})
    return pd.DataFrame(rows)


def _pooled(groups: np.ndarray, y: np.ndarray) -> float:
    """Pooled within-group variance (sum of squares over its degrees of freedom)."""
    k = int(groups.max()) + 1
    counts = np.bincount(groups, minlength=k)
    means = np.bincount(groups, weights=y, minlength=k) / np.maximum(counts, 1)
    ss = float(((y - means[groups]) ** 2).sum())
    dof = y.size - int((counts > 0).sum())
    return ss / dof if dof > 0 else 0.0


def _resample(g: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    pick = rng.integers(0, y.size, y.size)
    return pd.factorize(g[pick])[0], y[pick]


def read_indices(directory: str | Path) -> pd.DataFrame | None:
    """Indices that ``verkosto sensitivity`` wrote into ``directory``, if any.

    Returns:
        Its table (columns ``measure``, ``parameter``, ``index``, ``value``,
        ``ci_low``, ``ci_high``, ...), or None when there is none.
    """
    d = Path(directory)
    if (d / INDICES_PARQUET).exists():
        return pd.read_parquet(d / INDICES_PARQUET)
    if (d / INDICES_CSV).exists():
        return pd.read_csv(d / INDICES_CSV)
    return None


def main_indices(indices: pd.DataFrame) -> pd.DataFrame:
    """The rows of a SALib table to show first: total-order Sobol (ST) or Morris mu*.

    Returns:
        Rows of the first of ``ST``, ``mu_star``, ``S1`` present, as columns
        ``measure``, ``parameter``, ``index``, ``low``, ``high`` (``index`` holds
        the value).
    """
    present = set(indices["index"])
    name = next((n for n in PREFERRED_INDICES if n in present), None)
    if name is None:
        return pd.DataFrame(columns=["measure", "parameter", "index", "low", "high"])
    rows = indices[indices["index"] == name]
    return pd.DataFrame({"measure": rows["measure"].to_numpy(),
                         "parameter": rows["parameter"].to_numpy(),
                         "index": rows["value"].to_numpy(dtype=float),
                         "low": rows["ci_low"].to_numpy(dtype=float),
                         "high": rows["ci_high"].to_numpy(dtype=float),
                         "name": name})
