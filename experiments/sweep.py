"""Running a sweep: runs batched into tasks on a ``concurrent.futures`` executor.

The executor is in-process (``workers=1``), a ``ProcessPoolExecutor`` (local
processes, the default) or a Dask cluster (``scheduler="tcp://HOST:PORT"``,
through ``distributed.Client(address).get_executor()``). Every run is
independent and seeded from the spec (:func:`experiments.spec.run_seed`), so
the tables do not depend on the executor, the number of workers, the batching
or the order in which tasks finish.

Runs are grouped into tasks of about :data:`TARGET_TASK_SECONDS` (measured
from the first tasks) so that scheduling and file overhead stay small; a task
returns its runs as Arrow tables, and the parent stores each finished task as
one part (see :mod:`experiments.store`), so memory stays flat and a kill loses
at most the tasks in flight. At most :data:`TASKS_IN_FLIGHT_PER_SLOT` tasks per
worker slot are submitted at once.

A run that raises is recorded with ``status = "failed"`` and its error text;
the sweep goes on. Failed runs are kept on resume (they are deterministic:
running them again would fail again); delete the directory to retry them.
"""

from __future__ import annotations

import contextlib
import enum
import inspect
import math
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from experiments.points import CsvCost, csv_cost, point_statistics
from experiments.pool import process_context
from experiments.spec import Run, SweepSpec
from experiments.store import SweepStore
from model import NetworkModel, Params
from model.params import PARAMETERS
from verkosto.i18n import _, ngettext, numeral, pgettext

#: Wall time a task should take; far above the executors' per-task overhead.
TARGET_TASK_SECONDS = 1.0
#: Most runs in one task (bounds a task's memory and what a kill can lose).
MAX_RUNS_PER_TASK = 200
#: Tasks kept submitted per worker slot, so that no worker waits for the parent.
TASKS_IN_FLIGHT_PER_SLOT = 2
#: Remaining work is split into at least this many tasks per slot, to balance the tail.
TAIL_TASKS_PER_SLOT = 2
#: Frames of the traceback kept in a failed run's error text.
ERROR_FRAMES = 3
#: Smallest interval between progress-bar redraws (s), so logs are not flooded.
PROGRESS_INTERVAL_S = 0.5
#: The reporter that names the week of a recording (the time series' index).
STEP = "step"
#: How long to try to reach a Dask scheduler before giving up.
SCHEDULER_TIMEOUT = "10s"
#: Columns of the runs table that describe a run, before its parameters.
RUN_KEYS = ("run_id", "point", "replication", "seed")
#: Columns of the runs table that vary from one execution to the next (timing).
NONDETERMINISTIC_COLUMNS = ("wall_time_s",)


class RunStatus(enum.StrEnum):
    """How a run ended."""

    OK = "ok"
    FAILED = "failed"


class Simulation:
    """What one simulation returns to the sweep.

    Attributes:
        outcome: Outcome class at the end.
        steps_run: Weeks simulated (fewer than asked when the network ended).
        final: Reporter values at the last week.
        timeseries: Reporter values per recorded week, indexed by week, or ``None``; made
            on first reading when the simulation gave its ``columns`` instead.
        columns: The recorded weeks as lists by reporter (``step`` among them), as the
            model's collector holds them, or ``None``; what :func:`run_task` stores
            without building a data frame per run.
    """

    __slots__ = ("_frame", "columns", "final", "outcome", "steps_run")

    def __init__(self, outcome: str, steps_run: int, final: dict[str, Any],
                 timeseries: pd.DataFrame | None = None, *,
                 columns: dict[str, list[Any]] | None = None) -> None:
        self.outcome, self.steps_run, self.final = outcome, steps_run, final
        self._frame, self.columns = timeseries, columns

    @property
    def timeseries(self) -> pd.DataFrame | None:
        """The recorded weeks as a data frame indexed by ``step`` (see the class)."""
        if self._frame is None and self.columns is not None:
            self._frame = pd.DataFrame(self.columns).set_index(STEP)
        return self._frame

    def series_columns(self) -> dict[str, list[Any]] | None:
        """The recorded weeks as lists by column, ``step`` among them, or ``None``."""
        if self.columns is not None:
            return self.columns
        if self._frame is None:
            return None
        frame = self._frame.reset_index(names=STEP)
        return {name: frame[name].tolist() for name in frame.columns}


#: Signature of a simulation: (parameters, seed, steps, record time series) -> Simulation.
SimulateFn = Callable[[Params, int, int, bool], Simulation]


def simulate(params: Params, seed: int, steps: int, timeseries: bool) -> Simulation:
    """Run the network model for ``steps`` weeks or until it ends.

    The model records every ``record_every`` weeks (its ``step`` reporter names
    the week); the last week is always recorded here, so the final values are
    those of the last week run. The recorded weeks are handed on as the collector's
    lists (a data frame per run cost a tenth of a default run).
    """
    model = NetworkModel(params=params, rng=seed)
    while model.steps < steps and model.running:
        model.step()
    model.record()  # the final week, unless record_every already recorded it
    recorded = model.datacollector.model_vars
    final = {name: values[-1] for name, values in recorded.items() if name != STEP}
    return Simulation(model.outcome, int(model.steps), final,
                      columns=recorded if timeseries else None)


# ---------------------------------------------------------------------- schema
def _param_type(name: str) -> pa.DataType:
    info = PARAMETERS[name]
    if info.choices is not None:
        return pa.string()
    return {bool: pa.bool_(), int: pa.int64(), float: pa.float64()}[info.type]


@dataclass(frozen=True)
class Schemas:
    """Arrow schemas of the two tables; every part is cast to them, so parts always agree."""

    runs: pa.Schema
    timeseries: pa.Schema
    reporters: tuple[str, ...]


def reporter_types() -> dict[str, pa.DataType]:
    """Reporter names and column types, from the reporters' declared return types.

    Declared rather than observed types: a float reporter that happens to be 0 in
    one run must not make its column an integer column in that run's part.
    """
    from model.reporters import MODEL_REPORTERS

    kinds = {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(), "str": pa.string()}
    out = {}
    for name, reporter in MODEL_REPORTERS.items():
        if name == STEP:
            continue  # the index of the time series, and steps_run in the runs table
        returned = inspect.signature(reporter).return_annotation
        out[name] = kinds.get(getattr(returned, "__name__", returned), pa.float64())
    return out


def make_schemas(spec: SweepSpec) -> Schemas:
    """The runs and time-series schemas of a spec's sweep."""
    reporters = reporter_types()
    clash = set(spec.varied) & set(reporters)
    if clash:  # a parameter named like a reporter would be ambiguous in the runs table
        raise ValueError(f"parameters named like reporters: {sorted(clash)}")
    runs = [pa.field(k, pa.int64()) for k in RUN_KEYS]
    runs += [pa.field(name, _param_type(name)) for name in spec.varied]
    runs += [pa.field("status", pa.string()), pa.field("error", pa.string()),
             pa.field("outcome", pa.string()), pa.field("steps_run", pa.int64())]
    runs += [pa.field(name, kind) for name, kind in reporters.items()]
    runs.append(pa.field("wall_time_s", pa.float64()))
    series = [pa.field("run_id", pa.int64()), pa.field(STEP, pa.int64())]
    series += [pa.field(name, kind) for name, kind in reporters.items()]
    return Schemas(pa.schema(runs), pa.schema(series), tuple(reporters))


# ---------------------------------------------------------------------- tasks
@dataclass(frozen=True)
class Task:
    """A batch of runs executed by one worker call."""

    base: Params
    steps: int
    timeseries: bool
    runs: tuple[Run, ...]
    schemas: Schemas
    simulate: SimulateFn = simulate


@dataclass(frozen=True)
class TaskResult:
    """A task's runs as Arrow tables, ready to be stored as one part."""

    first_run_id: int
    runs: pa.Table
    timeseries: pa.Table | None
    failed: int
    seconds: float


def _error_text(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)[-ERROR_FRAMES:]
    where = " <- ".join(f"{Path(f.filename).name}:{f.lineno} in {f.name}" for f in reversed(frames))
    message = "".join(traceback.format_exception_only(error)).strip()
    return f"{message} (at {where})" if where else message


def run_task(task: Task) -> TaskResult:
    """Execute a task's runs; a run that raises is recorded as failed, the others go on."""
    started = time.perf_counter()
    rows: list[dict[str, Any]] = []
    # The task's time series, column by column (the schema's order), runs one after another.
    series: dict[str, list[Any]] = {name: [] for name in task.schemas.timeseries.names}
    failed = 0
    for run in task.runs:
        row: dict[str, Any] = {"run_id": run.run_id, "point": run.point,
                               "replication": run.replication, "seed": run.seed,
                               **run.overrides}
        t0 = time.perf_counter()
        try:
            params = task.base.replace(**run.overrides)
            sim = task.simulate(params, run.seed, task.steps, task.timeseries)
        except Exception as error:
            failed += 1
            row.update(status=RunStatus.FAILED.value, error=_error_text(error))
        else:
            row.update(status=RunStatus.OK.value, error=None, outcome=sim.outcome,
                       steps_run=sim.steps_run)
            row.update({k: sim.final.get(k) for k in task.schemas.reporters})
            columns = sim.series_columns()
            if columns is not None:
                _append_series(series, columns, run.run_id)
        row["wall_time_s"] = time.perf_counter() - t0
        rows.append(row)
    runs_table = pa.Table.from_pylist(rows, schema=task.schemas.runs)
    ts_table = None
    if series["run_id"]:
        # from_pandas: a NaN is stored as null, as a table made from a data frame stores it.
        ts_table = pa.Table.from_arrays(
            [pa.array(series[f.name], type=f.type, from_pandas=True)
             for f in task.schemas.timeseries],
            schema=task.schemas.timeseries)
    return TaskResult(task.runs[0].run_id, runs_table, ts_table, failed,
                      time.perf_counter() - started)


def _append_series(series: dict[str, list[Any]], columns: dict[str, list[Any]],
                   run_id: int) -> None:
    """Append one run's recorded weeks to the task's columns; a column the simulation did
    not report (an injected simulation may report fewer) is null in its rows.
    """
    weeks = len(columns[STEP])
    for name, values in series.items():
        if name == "run_id":
            values.extend([run_id] * weeks)
        else:
            values.extend(columns.get(name, (None,) * weeks))


# ---------------------------------------------------------------------- executors
class SerialExecutor(Executor):
    """Runs each submitted call at once in this process (``workers=1``)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        """Call ``fn`` now and return its finished future."""
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:
            future.set_exception(error)
        return future


class ExecutorError(RuntimeError):
    """The executor could not be started (bad scheduler address, missing extra)."""


class SweepAborted(RuntimeError):
    """The executor failed mid-sweep (a worker process died, the cluster went away).

    Runs that raise are caught inside the task, so an exception out of a task's
    future is a breakdown of the executor: what finished is stored, and running
    the sweep again resumes.
    """


@contextlib.contextmanager
def open_executor(workers: int | None = None,
                  scheduler: str | None = None) -> Iterator[tuple[Executor, int]]:
    """An executor and its number of worker slots.

    Args:
        workers: Local worker processes (``None``: one per core; 1: in this process).
            Ignored with ``scheduler``.
        scheduler: Address of a Dask scheduler (``tcp://HOST:PORT``).

    Raises:
        ExecutorError: ``distributed`` is not installed or the scheduler cannot be reached.
    """
    if scheduler:
        try:
            from distributed import Client
        except ImportError:
            raise ExecutorError(_("--scheduler needs Dask: pip install 'verkosto[dask]'")) \
                from None
        try:
            client = Client(scheduler, timeout=SCHEDULER_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as error:
            raise ExecutorError(_("--scheduler {address}: cannot connect: {reason}").format(
                address=scheduler, reason=error)) from None
        try:
            slots = max(1, sum(client.nthreads().values()))
            yield client.get_executor(pure=False), slots
        finally:
            client.close()
        return
    n = workers or os.cpu_count() or 1
    if n == 1:
        yield SerialExecutor(), 1
        return
    pool = ProcessPoolExecutor(max_workers=n, mp_context=process_context(__name__))
    try:
        yield pool, n
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# ---------------------------------------------------------------------- sweep
@dataclass
class SweepSummary:
    """What a sweep did.

    Attributes:
        total: Runs in the spec.
        stored: Runs in the runs table now.
        new: Runs executed by this call.
        skipped: Runs already stored before this call.
        failed: Failed runs in the table (including earlier ones).
        seconds: Wall time of this call.
        out: The sweep directory.
    """

    total: int
    stored: int
    new: int
    skipped: int
    failed: int
    seconds: float
    out: Path

    def line(self) -> str:
        """The final line of the command, in the current language."""
        failed = (_("{n} failed").format(n=self.failed)
                  if self.failed else _("none failed"))
        return ngettext("sweep: {stored}/{total} run stored in {out} ({new} run now, "
                        "{skipped} resumed; {failed})",
                        "sweep: {stored}/{total} runs stored in {out} ({new} run now, "
                        "{skipped} resumed; {failed})", self.total).format(
            stored=self.stored, total=self.total, out=self.out, new=self.new,
            skipped=self.skipped, failed=failed)


def task_size(remaining: int, slots: int, per_run: float | None,
              fixed_size: int | None = None) -> int:
    """Runs in the next task: about :data:`TARGET_TASK_SECONDS` of work, fewer towards the
    end so that the last tasks spread over the slots.

    Args:
        remaining: Runs not yet given to a task.
        slots: Worker slots.
        per_run: Seconds of one run as measured so far (``None``: not yet measured, so the
            task is one run, which measures it).
        fixed_size: A fixed task size (``--runs-per-task``) instead.

    Returns:
        The task's number of runs, at least 1 (0 when nothing remains).
    """
    if fixed_size:
        size = fixed_size
    elif per_run is None:
        size = 1
    else:
        size = math.ceil(TARGET_TASK_SECONDS / max(per_run, 1e-6))
        size = min(size, math.ceil(remaining / (slots * TAIL_TASKS_PER_SLOT)))
    return max(1, min(size, MAX_RUNS_PER_TASK, remaining)) if remaining > 0 else 0


def count_tasks(runs: int, slots: int, per_run: float, fixed_size: int | None = None) -> int:
    """How many tasks, so part files, a sweep of ``runs`` runs is cut into: one single-run
    task per slot first (they time a run), then :func:`task_size` with ``per_run``.
    """
    tasks, remaining = 0, runs
    while remaining > 0:
        measured = per_run if tasks >= slots else None
        remaining -= task_size(remaining, slots, measured, fixed_size)
        tasks += 1
    return tasks


class _Batcher:
    """Cuts pending runs into tasks of about TARGET_TASK_SECONDS, learning a run's cost.

    Pending runs are made one at a time from their ids (memory stays flat
    however many runs the sweep has).

    Args:
        pending: The runs still to do, in run-id order.
        count: How many there are.
        slots: Worker slots.
        fixed_size: A fixed task size instead of the measured one.
    """

    def __init__(self, pending: Iterator[Run], count: int, slots: int,
                 fixed_size: int | None = None):
        self.pending, self.slots, self.fixed_size = pending, slots, fixed_size
        self.remaining = count
        self.seconds = 0.0
        self.runs_timed = 0
        self._next: Run | None = None

    def learn(self, result: TaskResult) -> None:
        self.seconds += result.seconds
        self.runs_timed += result.runs.num_rows

    def _take(self) -> Run | None:
        if self._next is not None:
            run, self._next = self._next, None
            return run
        return next(self.pending, None)

    def next_batch(self) -> list[Run]:
        if self.remaining <= 0:
            return []
        per_run = self.seconds / self.runs_timed if self.runs_timed else None
        size = task_size(self.remaining, self.slots, per_run, self.fixed_size)
        batch: list[Run] = []
        while len(batch) < size:
            run = self._take()
            if run is None:
                break
            # A task covers consecutive run ids only (a resumed sweep has gaps), so parts are
            # disjoint ranges and reading the part files in name order reads runs in order.
            if batch and run.run_id != batch[-1].run_id + 1:
                self._next = run
                break
            batch.append(run)
        self.remaining -= len(batch)
        return batch


@dataclass
class SweepPlan:
    """What a sweep will do, known before it starts.

    Attributes:
        total: Runs in the spec.
        points: Design points.
        replications: Runs per point.
        stored: Runs of this spec already stored in the directory.
        pending: Runs still to do.
        seconds_per_run: Estimated wall time of one run on one worker.
        slots: Worker slots.
        disk_bytes: Estimated disk space the pending runs take (their part files, and for a
            new directory its manifest and points table), whole file-system blocks.
        measured_from: ``stored runs`` or ``a trial run`` (how the estimate was made).
        measured_runs: How many stored runs the estimate comes from (0: a trial run).
    """

    total: int
    points: int
    replications: int
    stored: int
    pending: int
    seconds_per_run: float
    slots: int
    disk_bytes: float
    measured_from: str
    measured_runs: int = 0

    @property
    def seconds(self) -> float:
        """Estimated wall time of the pending runs."""
        return self.pending * self.seconds_per_run / max(1, self.slots)

    @property
    def bytes(self) -> float:
        """Estimated disk space of the pending runs."""
        return self.disk_bytes

    def line(self) -> str:
        """The line printed before the sweep starts, in the current language."""
        points = ngettext("{n} point", "{n} points", self.points).format(
            n=numeral(f"{self.points:,}"))
        reps = ngettext("{n} replication", "{n} replications", self.replications).format(
            n=numeral(f"{self.replications:,}"))
        workers = ngettext("on {n} worker", "on {n} workers", self.slots).format(n=self.slots)
        if self.measured_runs:
            source = ngettext("estimated from {n} stored run", "estimated from {n} stored runs",
                              self.measured_runs).format(n=numeral(f"{self.measured_runs:,}"))
        else:
            source = _("estimated from a trial run")
        if not self.pending:
            # Nothing left: no time or space to estimate ("about 1 s" read as work to do).
            # TRANSLATORS: {points} and {replications} are "3 points" and "2 replications".
            return ngettext("sweep: {total} run ({points} × {replications}); all stored, "
                            "nothing to run",
                            "sweep: {total} runs ({points} × {replications}); all stored, "
                            "nothing to run", self.total).format(
                total=numeral(f"{self.total:,}"), points=points, replications=reps)
        # TRANSLATORS: {points} and {replications} are "3 points" and "2 replications".
        return ngettext("sweep: {total} run ({points} × {replications}); {stored} stored, "
                        "{pending} to run: about {duration} {workers} and {size} on disk "
                        "({source})",
                        "sweep: {total} runs ({points} × {replications}); {stored} stored, "
                        "{pending} to run: about {duration} {workers} and {size} on disk "
                        "({source})", self.total).format(
            total=numeral(f"{self.total:,}"), points=points, replications=reps,
            stored=numeral(f"{self.stored:,}"), pending=numeral(f"{self.pending:,}"),
            duration=duration(self.seconds), workers=workers, size=size_text(self.bytes),
            source=source)


def duration(seconds: float) -> str:
    """A wall time for people: ``40 s``, ``12 min``, ``3.5 h``, ``2.1 days`` (in the current
    language: ``3,5 h``, ``2,1 päivää``); at least ``1 s`` (the plan says "about 1 s" of a
    quarter of a second, where "about 0 s" read as if there were nothing to do).
    """
    if seconds < 90:
        return _("{n} s").format(n=f"{max(seconds, 1.0):.0f}")
    if seconds < 90 * 60:
        return _("{n} min").format(n=f"{seconds / 60:.0f}")
    if seconds < 36 * 3600:
        return _("{n} h").format(n=numeral(f"{seconds / 3600:.1f}"))
    return _("{n} days").format(n=numeral(f"{seconds / 86400:,.1f}"))


def size_text(n_bytes: float) -> str:
    """A size for people: ``820 kB``, ``1.2 GB`` (in Finnish ``820 kt``, ``1,2 Gt``)."""
    # Units largest first, with the bytes each stands for (named here, so they are extracted).
    units = ((pgettext("unit", "TB"), 1e12), (pgettext("unit", "GB"), 1e9),
             (pgettext("unit", "MB"), 1e6), (pgettext("unit", "kB"), 1e3))
    for unit, scale in units:
        if n_bytes >= scale:
            return f"{numeral(f'{n_bytes / scale:,.1f}')} {unit}"
    return f"{n_bytes:.0f} {pgettext('unit', 'B')}"


#: Weeks of the trial run that estimates a sweep's cost when nothing is stored yet.
TRIAL_WEEKS = 13
#: Bytes each further run adds to a runs part, about: a part of 16 runs measured 5 kB more
#: than a part of one (the first row carries the columns' own overhead).
RUNS_ROW_BYTES = 400.0
#: Bytes each further recorded week adds to a time-series part when the trial records too
#: few weeks to measure it (trials of 4 to 14 weeks measured 105 to 150 B).
SERIES_ROW_BYTES = 150.0
#: Bytes each further point adds to ``points.parquet``, about (measured 340 B to 1.2 kB).
POINTS_ROW_BYTES = 1200.0
#: A file takes whole blocks of this size on the usual file systems (ext4, APFS, NTFS): the
#: part files of a small sweep are a few kB each, so this rounding is a sizeable share.
BLOCK_BYTES = 4096
#: Directories of a sweep (the root, runs, timeseries), a block each.
SWEEP_DIRECTORIES = 3
#: How much slower than the trial the plan lets a sweep's runs go when it counts their part
#: files (other work on the machine): slower runs are cut into smaller tasks, so more parts,
#: each with its own Parquet overhead; the estimate should err high, not low.
PARTS_SLOWDOWN = 2.0


def _blocks(n_bytes: float) -> float:
    """``n_bytes`` rounded up to whole file-system blocks."""
    return math.ceil(max(n_bytes, 0.0) / BLOCK_BYTES) * BLOCK_BYTES


@dataclass(frozen=True)
class DiskCost:
    """What a sweep's files take, measured on a trial run's tables written as the store
    writes them. A Parquet file's first row carries most of its size (the schema, and per
    column its chunk's header and statistics), so a part's size is its first run's plus a
    little for each further one, and a sweep's depends on how many parts it is cut into.

    Attributes:
        runs_part: A runs part holding one run.
        series_part: A time-series part holding one recorded week (0: none stored).
        series_row: Each further recorded week in a time-series part.
        series_rows: Recorded weeks of one run (the spec's weeks over ``record_every``,
            with the first and last).
        points_first: ``points.parquet`` of one point.
        manifest: ``manifest.json``.
        csv: The CSV copies' rows (``--csv``; None: not measured).
    """

    runs_part: float
    series_part: float
    series_row: float
    series_rows: float
    points_first: float
    manifest: float
    csv: CsvCost | None = None

    def bytes(self, runs: int, parts: int, points: int, new: bool) -> float:
        """Disk space of ``runs`` runs stored in ``parts`` parts (and, for a ``new``
        directory, its manifest, points table and directories), in whole blocks.
        """
        if runs <= 0:
            return 0.0
        parts = max(1, min(parts, runs))
        per_part = runs / parts
        total = parts * _blocks(self.runs_part + (per_part - 1) * RUNS_ROW_BYTES)
        if self.series_part:
            rows = per_part * self.series_rows
            total += parts * _blocks(self.series_part + (rows - 1) * self.series_row)
        if new:
            total += (_blocks(self.manifest) + SWEEP_DIRECTORIES * BLOCK_BYTES
                      + _blocks(self.points_first + (points - 1) * POINTS_ROW_BYTES))
        return float(total)

    def csv_bytes(self, runs: int, points: int) -> float:
        """Disk space of the CSV copies of a sweep of ``runs`` runs in ``points`` points, in
        whole blocks. They are written whole, over every run stored, at the end.
        """
        if self.csv is None:
            return 0.0
        return float(sum(_blocks(size)
                         for size in self.csv.files(points, runs, self.series_rows)))


def plan_sweep(spec: SweepSpec, out: str | Path, *, workers: int | None = None,
               scheduler: str | None = None, runs_per_task: int | None = None,
               simulate_fn: SimulateFn | None = None,
               before_trial: Callable[[], None] | None = None, csv: bool = False) -> SweepPlan:
    """Count a sweep's runs and estimate its time and disk space, before anything is written.

    The runs already stored are read from ``out``; the cost of a run comes from
    their wall times and bytes on disk when there are some, else from one short trial run
    of the first point (scaled to the spec's weeks), announced by calling ``before_trial``
    (in a large network the trial takes minutes). The trial's disk estimate counts the
    part files the sweep will be cut into (:func:`count_tasks` at up to
    :data:`PARTS_SLOWDOWN` times the trial's time per run, plus the first window of tasks,
    which is sized while the first results still carry a worker's one-off loading and so
    is cut smaller), each with its Parquet overhead, so that it errs high. With ``csv``
    the space counts the CSV copies of every run too (``sweep --csv``; in a large sweep
    ``timeseries.csv`` takes more than the Parquet parts themselves).

    Raises:
        experiments.store.StoreError: ``out`` cannot hold this sweep (see :func:`run_sweep`).
    """
    store = SweepStore(Path(out))
    store.check_target()
    store.check_spec(spec.spec_hash(), spec.replications)
    stored = store.stored_runs()
    slots = 1 if (workers == 1 and not scheduler) else (workers or os.cpu_count() or 1)
    total = spec.n_runs
    pending = max(0, total - sum(1 for k in stored["run_id"] if k < total)) \
        if len(stored) else total
    if len(stored) and stored["wall_time_s"].notna().any():
        per_run = float(stored["wall_time_s"].median())
        disk = pending * store.bytes_on_disk() / len(stored)
        if csv:
            disk += _stored_cost(spec, store.root).csv_bytes(total, spec.n_points)
        source, measured = f"{len(stored):,} stored runs", len(stored)
    else:
        if before_trial is not None:
            before_trial()
        per_run, cost = _trial(spec, simulate_fn or simulate)
        parts = count_tasks(pending, slots, per_run * PARTS_SLOWDOWN, runs_per_task)
        if not runs_per_task:
            parts += slots * TASKS_IN_FLIGHT_PER_SLOT
        disk = cost.bytes(pending, parts, spec.n_points, new=not len(stored))
        if csv:
            disk += cost.csv_bytes(total, spec.n_points)
        source, measured = "a trial run", 0
    return SweepPlan(total, spec.n_points, spec.replications, total - pending, pending,
                     per_run, slots, disk, source, measured)


def _trial(spec: SweepSpec, simulate_fn: SimulateFn) -> tuple[float, DiskCost]:
    """Seconds of one run and what the sweep's files take, from a short trial of the first
    run's parameters, run as a sweep's task runs it (its tables have the sweep's schemas).
    """
    from experiments.store import manifest_text, new_manifest, parquet_bytes

    run = spec.run(0)
    weeks = min(spec.steps, TRIAL_WEEKS)
    # Untimed first, over the same weeks: it loads the compiled code of every process those
    # weeks reach (a one-week warm-up left some for the timed run, whose one-off cost, scaled
    # up to the spec's weeks, made the estimate tens of times the real time).
    simulate_fn(spec.params_for(run), run.seed, weeks, False)
    result = run_task(Task(spec.base_params, weeks, spec.timeseries, (run,), make_schemas(spec),
                           simulate_fn))
    seconds = result.seconds * spec.steps / max(1, weeks)
    series_part = series_row = 0.0
    series = result.timeseries
    if series is not None and series.num_rows:
        series_part = float(parquet_bytes(series.slice(0, 1)))
        series_row = ((parquet_bytes(series) - series_part) / (series.num_rows - 1)
                      if series.num_rows > 1 else SERIES_ROW_BYTES)
    runs = result.runs.to_pandas()
    points = point_statistics(runs, spec.varied)
    manifest = new_manifest(spec.describe(), spec.spec_hash(), spec.n_runs)
    return seconds, DiskCost(
        runs_part=float(parquet_bytes(result.runs)), series_part=series_part,
        series_row=series_row, series_rows=_series_rows(spec),
        points_first=float(parquet_bytes(pa.Table.from_pandas(points, preserve_index=False))),
        manifest=float(len(manifest_text(manifest).encode())),
        csv=csv_cost(points, runs, series.to_pandas() if series is not None else pd.DataFrame()))


def _series_rows(spec: SweepSpec) -> float:
    """Recorded weeks of one run of ``spec``: its weeks over ``record_every``, with the
    first and the last.
    """
    return spec.steps / max(1, spec.record_every) + 2


def _stored_cost(spec: SweepSpec, root: Path) -> DiskCost:
    """The CSV rows' cost (a :class:`DiskCost` holding only that) measured on the first
    stored part of each table, for a sweep resumed with ``--csv``.
    """
    from experiments.store import RUNS, TIMESERIES, part_files

    runs = pd.read_parquet(next(part_files(root, RUNS)))
    series_part = next(part_files(root, TIMESERIES), None)
    series = pd.read_parquet(series_part) if series_part is not None else pd.DataFrame()
    return DiskCost(runs_part=0.0, series_part=0.0, series_row=0.0,
                    series_rows=_series_rows(spec), points_first=0.0, manifest=0.0,
                    csv=csv_cost(point_statistics(runs, spec.varied), runs, series))


def run_sweep(spec: SweepSpec, out: str | Path, *, workers: int | None = None,
              scheduler: str | None = None, runs_per_task: int | None = None,
              progress: bool | None = False,
              simulate_fn: SimulateFn | None = None) -> SweepSummary:
    """Run every run of ``spec`` not yet stored in ``out``.

    Args:
        spec: The validated spec.
        out: The sweep directory (created, or resumed when it holds this spec).
        workers: Local worker processes (``None``: one per core; 1: in this process).
        scheduler: Dask scheduler address; then ``workers`` is ignored.
        runs_per_task: Fixed task size instead of the measured one.
        progress: Show a progress bar on stderr (``None``: only on a terminal).
        simulate_fn: The simulation of one run (default :func:`simulate`; tests inject
            failures and known answers here). Workers must be able to import it.

    Returns:
        What was run, resumed and failed.

    Raises:
        experiments.store.StoreError: ``out`` holds another spec's sweep or is in use.
        ExecutorError: The executor could not be started.
        SweepAborted: The executor broke down; finished runs are stored.
    """
    from tqdm import tqdm

    started = time.perf_counter()
    simulate_fn = simulate_fn or simulate
    out = Path(out)
    total = spec.n_runs
    schemas = make_schemas(spec)
    store = SweepStore(out)
    # Everything that can be refused is checked before anything is written.
    store.check_target()
    store.check_spec(spec.spec_hash(), spec.replications)
    done = store.done_run_ids()
    n_done = sum(1 for k in done if k < total)
    if n_done < total:
        context: Any = open_executor(workers, scheduler)
    else:
        context = contextlib.nullcontext((None, 1))
    with context as (executor, slots), store:
        store.open(spec.describe(), spec.spec_hash(), total, spec.replications)
        done = store.done_run_ids()
        n_pending = total - sum(1 for k in done if k < total)
        pending = (run for run in spec.runs() if run.run_id not in done)
        bar = tqdm(total=total, initial=total - n_pending, unit=_("run"),
                   file=sys.stderr, disable=(None if progress is None else not progress),
                   mininterval=PROGRESS_INTERVAL_S, dynamic_ncols=True, desc=_("sweep"))
        # TRANSLATORS: the progress bar's "failed=3": one short word, no spaces.
        failed_key = _("failed")
        with bar:
            bar.set_postfix({failed_key: 0})
            if n_pending:
                batcher = _Batcher(pending, n_pending, slots, runs_per_task)
                _drive(executor, slots, batcher, spec, schemas, store, bar, simulate_fn,
                       failed_key)
        counts = store.status_counts()
    failed = counts.get(RunStatus.FAILED.value, 0)
    return SweepSummary(total=total, stored=sum(counts.values()), new=n_pending,
                        skipped=total - n_pending, failed=failed,
                        seconds=time.perf_counter() - started, out=out)


def _drive(executor: Executor, slots: int, batcher: _Batcher, spec: SweepSpec,
           schemas: Schemas, store: SweepStore, bar: Any, simulate_fn: SimulateFn,
           failed_key: str = "failed") -> int:
    """Keep the executor busy with tasks and store each result as it comes back.

    If the executor breaks down (a worker killed, a lost Dask scheduler), every task
    that had already finished is still stored before :class:`SweepAborted` is raised,
    whether the breakdown shows in a result or in the next submission.
    """
    in_flight: set[Future] = set()
    failed = 0

    def submit() -> bool:
        batch = batcher.next_batch()
        if not batch:
            return False
        task = Task(spec.base_params, spec.steps, spec.timeseries, tuple(batch), schemas,
                    simulate_fn)
        try:
            in_flight.add(executor.submit(run_task, task))
        except Exception as error:  # the pool broke between two results
            raise SweepAborted(f"{type(error).__name__}: {error}") from error
        return True

    def keep(future: Future) -> None:
        nonlocal failed
        result: TaskResult = future.result()
        store.write_part(result.first_run_id, result.runs, result.timeseries)
        batcher.learn(result)
        failed += result.failed
        bar.update(result.runs.num_rows)
        bar.set_postfix({failed_key: failed}, refresh=False)

    try:
        # Start with one single-run task per slot: they time a run for the batcher.
        for _slot in range(slots):
            if not submit():
                break
        while in_flight:
            finished, _waiting = wait(in_flight, return_when=FIRST_COMPLETED)
            broken = [f for f in finished if f.exception() is not None]
            for future in finished:
                in_flight.discard(future)
                if future.exception() is None:
                    keep(future)
            if broken:
                error = broken[0].exception()
                raise SweepAborted(f"{type(error).__name__}: {error}") from error
            while len(in_flight) < slots * TASKS_IN_FLIGHT_PER_SLOT:
                if not submit():
                    break  # every task is submitted
    except SweepAborted:
        # Keep whatever finished before the breakdown was noticed.
        for future in list(in_flight):
            if future.done() and not future.cancelled() and future.exception() is None:
                in_flight.discard(future)
                keep(future)
        raise
    finally:
        for future in in_flight:
            future.cancel()
    return failed


def table_for_comparison(frame: pd.DataFrame) -> pd.DataFrame:
    """A runs table without its timing columns (the part that differs between executions)."""
    return frame.drop(columns=[c for c in NONDETERMINISTIC_COLUMNS if c in frame.columns])
