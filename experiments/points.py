"""Per-point statistics of a sweep, and its tables as CSV for a spreadsheet.

Like NetLogo BehaviorSpace's statistics output, :func:`point_statistics`
gives one row per design point: the varied parameters, how many runs finished
and failed, the share of runs in every outcome class (the classes come from
``model.Outcome``), and the mean and standard deviation across replications of
every numeric reporter at the last week (the reporters come from
``model.reporters.MODEL_REPORTERS``).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from experiments.store import (
    TIMESERIES,
    read_runs,
    read_table,
    write_atomic_csv,
    write_atomic_table,
    write_csv,
)
from model import Outcome

POINTS_PARQUET = "points.parquet"
POINTS_CSV = "points.csv"
RUNS_CSV = "runs.csv"
TIMESERIES_CSV = "timeseries.csv"

#: Characters a float takes in the CSV at most, as a rule: the writer gives a float's shortest
#: repr, 17 significant digits for most measures ("0.5623412341234123"). A trial's first
#: weeks hold many short ones (0, the trust prior), which later weeks do not.
FLOAT_CSV_CHARS = 18

#: Reporters that are not measures (the week, and a label).
NOT_MEASURES = ("step", "phase")


def measures() -> list[str]:
    """Numeric reporters summarised per point, in the model's order."""
    from model.reporters import MODEL_REPORTERS

    return [name for name in MODEL_REPORTERS if name not in NOT_MEASURES]


def point_statistics(runs: pd.DataFrame, varied: Sequence[str]) -> pd.DataFrame:
    """One row per design point: parameters, run counts, outcome shares, means and SDs.

    Args:
        runs: The sweep's runs table.
        varied: The varied parameter columns.

    Returns:
        Columns ``point``, the varied parameters, ``runs`` (finished), ``failed``,
        ``p_<class>`` for every outcome class, then ``<reporter>_mean`` and
        ``<reporter>_sd`` (standard deviation across replications, NaN with one run).
    """
    if runs.empty:
        return pd.DataFrame(columns=["point", *varied, "runs", "failed"])
    keys = ["point", *varied]
    ok = runs[runs["status"] == "ok"]
    table = runs.groupby("point", sort=True)[list(varied)].first() if varied else \
        pd.DataFrame(index=pd.Index(sorted(runs["point"].unique()), name="point"))
    table["runs"] = ok.groupby("point").size().reindex(table.index, fill_value=0)
    table["failed"] = (runs.groupby("point").size().reindex(table.index, fill_value=0)
                       - table["runs"])
    for outcome in Outcome:
        hit = (ok["outcome"] == outcome.value).groupby(ok["point"]).mean()
        table[f"p_{outcome.value}"] = hit.reindex(table.index)
    for name in measures():
        if name not in ok.columns:
            continue
        values = ok[name].astype(float).groupby(ok["point"])
        table[f"{name}_mean"] = values.mean().reindex(table.index)
        table[f"{name}_sd"] = values.std(ddof=1).reindex(table.index)
    return table.reset_index()[[*keys, *[c for c in table.columns if c not in keys]]]


def write_tables(directory: str | Path, varied: Sequence[str], csv: bool = False) -> list[Path]:
    """Write ``points.parquet`` (and with ``csv`` also ``points.csv``, ``runs.csv`` and, when
    the sweep stores the time series, ``timeseries.csv``) into a sweep directory, each
    atomically.

    Returns:
        The paths written.
    """
    d = Path(directory)
    runs = read_runs(d)
    points = point_statistics(runs, varied)
    written = [d / POINTS_PARQUET]
    write_atomic_table(pa.Table.from_pandas(points, preserve_index=False), d / POINTS_PARQUET)
    if csv:
        # Arrow's tables, sorted as read_runs and read_timeseries sort theirs: the time series
        # of a large sweep is not made a DataFrame, nor its CSV a string.
        for table, name, keys in (
                (pa.Table.from_pandas(points, preserve_index=False), POINTS_CSV, None),
                (pa.Table.from_pandas(runs, preserve_index=False), RUNS_CSV, None),
                (read_table(d, TIMESERIES), TIMESERIES_CSV, ["run_id", "step"])):
            if not table.num_columns:
                continue  # a sweep that stores no time series gets no empty timeseries.csv
            write_atomic_csv(table, d / name, keys)
            written.append(d / name)
    return written


@dataclass(frozen=True)
class CsvCost:
    """What the CSV copies of :func:`write_tables` take, measured on a few rows of each table
    (:func:`csv_cost`): each file's header line and the bytes of one of its rows.
    """

    points_header: float
    points_row: float
    runs_header: float
    runs_row: float
    series_header: float
    series_row: float

    def files(self, points: int, runs: int, series_rows: float) -> tuple[float, float, float]:
        """Bytes of ``points.csv``, ``runs.csv`` and ``timeseries.csv`` for a sweep of
        ``points`` points and ``runs`` runs of ``series_rows`` recorded weeks each (a sweep
        that stores no time series was measured on none: its rows cost nothing).
        """
        series = (self.series_header + runs * series_rows * self.series_row
                  if series_rows and self.series_row else 0.0)
        return (self.points_header + points * self.points_row,
                self.runs_header + runs * self.runs_row, series)


def csv_cost(points: pd.DataFrame, runs: pd.DataFrame, timeseries: pd.DataFrame) -> CsvCost:
    """The :class:`CsvCost` of tables shaped as ``points``, ``runs`` and ``timeseries`` (a few
    rows of each, e.g. from a trial run) written as :func:`write_tables` writes them, erring
    high: each float column is counted at its widest in the rows given and at least
    :data:`FLOAT_CSV_CHARS`, and a statistic that is missing there (an SD of one
    replication) as a float written out.
    """
    def text(frame: pd.DataFrame) -> bytes:
        buffer = io.BytesIO()
        write_csv(pa.Table.from_pandas(frame, preserve_index=False), buffer)
        return buffer.getvalue()

    def header_and_row(frame: pd.DataFrame) -> tuple[float, float]:
        if frame.empty or not len(frame.columns):
            return 0.0, 0.0
        header = len(text(frame.iloc[:0]))
        widths = 0
        for name in frame.columns:
            column = frame[[name]]
            widest = max((len(cell) for cell in text(column).splitlines()[1:]), default=0)
            if pd.api.types.is_float_dtype(column[name]) or column[name].isna().any():
                widest = max(widest, FLOAT_CSV_CHARS)
            widths += widest
        # the commas between the columns and the line's end
        return float(header), float(widths + len(frame.columns))

    p, r, t = (header_and_row(frame) for frame in (points, runs, timeseries))
    return CsvCost(*p, *r, *t)
