"""A sweep directory as tidy DataFrames.

The experiments layer writes, per sweep directory ``DIR``:

- ``DIR/runs/`` — Parquet part files, one row per run: ``run_id``, the varied
  parameter columns, ``seed``, ``status`` (``ok``/``failed``), ``error``,
  ``outcome``, the final value of each model reporter (same names) and the
  wall time;
- ``DIR/timeseries/`` — Parquet part files: ``run_id``, ``step`` and the
  reporter columns;
- ``DIR/manifest.json`` — the sweep specification, its hash and the package
  versions.

:func:`load_sweep` reads all three (the time series is optional) and tells
which columns are parameters, and which of those were varied.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from model import PARAMETERS
from verkosto.i18n import _

RUNS_DIR = "runs"
TIMESERIES_DIR = "timeseries"
MANIFEST_FILE = "manifest.json"
RUN_ID = "run_id"
STEP = "step"
STATUS_OK = "ok"


class SweepError(ValueError):
    """A sweep directory that cannot be read; the message names the path and what is wrong."""


@dataclass
class Sweep:
    """One sweep's results.

    Attributes:
        directory: Where it was read from.
        runs: One row per run (all statuses).
        timeseries: One row per run and recorded step (empty if none was written).
        manifest: The manifest's contents (empty if there was none).
        parameters: Parameter columns that vary between runs, in table order.
        fixed: Parameter columns with one value in every run, and that value.
    """

    directory: Path
    runs: pd.DataFrame
    timeseries: pd.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)
    parameters: list[str] = field(default_factory=list)
    fixed: dict[str, Any] = field(default_factory=dict)

    @property
    def ok_runs(self) -> pd.DataFrame:
        """Runs that finished (status ``ok``)."""
        if "status" not in self.runs.columns:
            return self.runs
        return self.runs[self.runs["status"] == STATUS_OK]

    @property
    def failed_runs(self) -> pd.DataFrame:
        """Runs that raised an error (their error is in the ``error`` column)."""
        if "status" not in self.runs.columns:
            return self.runs.iloc[0:0]
        return self.runs[self.runs["status"] != STATUS_OK]

    @property
    def spec(self) -> dict[str, Any]:
        """The sweep specification from the manifest (empty if unknown)."""
        spec = self.manifest.get("spec", {})
        return spec if isinstance(spec, dict) else {}


def parameter_columns(frame: pd.DataFrame) -> list[str]:
    """Columns of ``frame`` that are model parameters, in table order."""
    return [c for c in frame.columns if c in PARAMETERS]


def varied_parameters(frame: pd.DataFrame) -> tuple[list[str], dict[str, Any]]:
    """Split parameter columns into varied ones and fixed ones (with their value)."""
    varied, fixed = [], {}
    for c in parameter_columns(frame):
        values = frame[c].dropna()
        hashable = values.map(lambda v: tuple(v) if isinstance(v, list | tuple) else v)
        if hashable.nunique() > 1:
            varied.append(c)
        elif len(values):
            fixed[c] = values.iloc[0]
    return varied, fixed


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError) as error:  # pyarrow raises ArrowInvalid (a ValueError)
        raise SweepError(_("cannot read Parquet results in '{path}': {reason}").format(
            path=path, reason=error)) from None


def load_sweep(directory: str | Path) -> Sweep:
    """Read a sweep directory.

    Args:
        directory: The sweep's output directory.

    Returns:
        The sweep's runs, time series, manifest and parameter columns.

    Raises:
        SweepError: The directory or its runs table is missing or unreadable, or
            the runs table lacks the ``run_id`` or ``outcome`` column.
    """
    d = Path(directory)
    if not d.exists():
        raise SweepError(_("sweep directory '{path}' does not exist").format(path=d))
    if not d.is_dir():
        if d.suffix == ".toml":
            raise SweepError(_("'{path}' exists but is not a sweep directory: it is a file (it "
                               "looks like a spec: run 'verkosto sweep {path} --out DIR' first, "
                               "then report on DIR); give the --out directory of 'verkosto "
                               "sweep'").format(path=d))
        raise SweepError(_("'{path}' exists but is not a sweep directory: it is a file; give "
                           "the --out directory of 'verkosto sweep'").format(path=d))
    runs_path = d / RUNS_DIR
    if not runs_path.exists():
        raise SweepError(_("'{path}' exists but is not a sweep directory: it has no '{runs}/' "
                           "table (give the --out directory of 'verkosto sweep')").format(
                               path=d, runs=RUNS_DIR))
    runs = _read_parquet(runs_path)
    missing = [c for c in (RUN_ID, "outcome") if c not in runs.columns]
    if missing:
        raise SweepError(_("runs table in '{path}' lacks column(s) {columns}").format(
            path=runs_path, columns=", ".join(missing)))
    ts_path = d / TIMESERIES_DIR
    timeseries = _read_parquet(ts_path) if ts_path.exists() else pd.DataFrame(
        columns=[RUN_ID, STEP])
    manifest: dict[str, Any] = {}
    if (d / MANIFEST_FILE).exists():
        try:
            manifest = json.loads((d / MANIFEST_FILE).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise SweepError(_("cannot read '{path}': {reason}").format(
                path=d / MANIFEST_FILE, reason=error)) from None
        if not isinstance(manifest, dict):
            # 'verkosto sweep' writes an object; anything else was edited or replaced.
            raise SweepError(_("cannot read '{path}': expected a JSON object, as 'verkosto "
                               "sweep' writes it").format(path=d / MANIFEST_FILE))
    runs = runs.sort_values(RUN_ID, kind="stable").reset_index(drop=True)
    if len(timeseries):
        timeseries = timeseries.sort_values([RUN_ID, STEP], kind="stable").reset_index(drop=True)
    varied, fixed = varied_parameters(runs)
    return Sweep(d, runs, timeseries, manifest, varied, fixed)
