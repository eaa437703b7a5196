"""The sweep directory: Parquet part files written atomically, a manifest, resume state.

Layout of a sweep directory ``DIR``::

    DIR/manifest.json              spec, its hash, package versions
    DIR/runs/part-NNNNNNNNN.parquet       one row per run (whole runs per part)
    DIR/timeseries/part-NNNNNNNNN.parquet one row per run and recorded week

``pandas.read_parquet(DIR / "runs")`` reads a table whole. Each part holds whole
runs with consecutive run ids (a disjoint range, named by its first run id), so
reading the parts in name order reads the runs in order; :func:`read_runs` and
:func:`read_timeseries` also sort explicitly (by ``run_id``, then ``step``), so
the tables are identical whatever executor wrote them and in which order.

A part is written to a hidden temporary file (``.part-*.tmp``, ignored by
Parquet readers) and renamed into place with :func:`os.replace`, so a reader
sees it whole or not at all; a kill before the rename leaves only the
temporary file, which the next run of the sweep removes. The time-series part
of a task is renamed into place before its runs part, and the runs table is the
record of what is done: a time-series part without its runs part (a kill
between the two renames) is removed on resume, and its runs are run again.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import platform
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from verkosto.i18n import _

RUNS = "runs"
TIMESERIES = "timeseries"
MANIFEST = "manifest.json"
LOCK = ".lock"
PART_PREFIX = "part-"
TEMP_PREFIX = ".part-"
TEMP_SUFFIX = ".tmp"
#: Version of the directory layout, stored in the manifest.
FORMAT_VERSION = 2
#: Packages whose versions the manifest records.
VERSIONED_PACKAGES = ("verkosto", "mesa", "numpy", "scipy", "pandas", "pyarrow", "SALib",
                     "distributed")


class StoreError(ValueError):
    """A sweep directory that cannot take this sweep (another spec, or not a sweep directory)."""


def part_name(first_run_id: int) -> str:
    """File name of the part whose first run is ``first_run_id``."""
    return f"{PART_PREFIX}{first_run_id:09d}.parquet"


def _fsync_dir(path: Path) -> None:
    # Makes a rename durable against a power cut (a kill -9 needs no fsync at all).
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def new_manifest(spec_description: dict[str, Any], spec_hash: str, n_runs: int) -> dict[str, Any]:
    """The manifest of a new sweep directory (format, spec, versions, creation time)."""
    return {"format": FORMAT_VERSION, "spec_hash": spec_hash, "n_runs": n_runs,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "versions": package_versions(), "spec": spec_description}


def manifest_text(manifest: dict[str, Any]) -> str:
    """The manifest as it is written to ``manifest.json``."""
    return json.dumps(manifest, indent=2, sort_keys=True) + "\n"


def parquet_bytes(table: pa.Table) -> int:
    """Bytes ``table`` takes written as :func:`write_atomic_table` writes a part."""
    buffer = pa.BufferOutputStream()
    pq.write_table(table, buffer)
    return buffer.getvalue().size


def write_atomic_table(table: pa.Table, path: Path) -> None:
    """Write ``table`` to ``path`` through a temporary file and an atomic rename."""
    tmp = path.with_name(f"{TEMP_PREFIX}{path.name}.{os.getpid()}{TEMP_SUFFIX}")
    with open(tmp, "wb") as handle:
        pq.write_table(table, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def write_atomic_text(text: str, path: Path) -> None:
    """Write a text file through a temporary file and an atomic rename."""
    tmp = path.with_name(f"{TEMP_PREFIX}{path.name}.{os.getpid()}{TEMP_SUFFIX}")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, path)


#: Rows converted to CSV at a time by :func:`write_atomic_csv`: a sweep's time series (1.6
#: million rows in 10,000 default runs) is written a slice at a time, never held as text.
CSV_SLICE_ROWS = 65_536


def write_csv(table: pa.Table, handle: Any) -> None:
    """Write ``table`` as CSV to a binary ``handle``: a line of its column names, then its rows
    as Arrow writes them (a float's shortest repr, as pandas writes it, but a whole one
    without ``.0``; strings in quotes; a missing value empty). Arrow's writer takes about a
    seventh of pandas' time.
    """
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow(table.column_names)
    handle.write(header.getvalue().encode("utf-8"))
    if table.num_rows:
        pa_csv.write_csv(table, handle, pa_csv.WriteOptions(include_header=False))


def write_atomic_csv(table: pa.Table, path: Path, sort_keys: list[str] | None = None) -> None:
    """Write ``table`` as CSV (:func:`write_csv`), its rows in the order of ``sort_keys``,
    through a temporary file and an atomic rename, a slice of rows at a time.
    """
    tmp = path.with_name(f"{TEMP_PREFIX}{path.name}.{os.getpid()}{TEMP_SUFFIX}")
    order = (pc.sort_indices(table, [(key, "ascending") for key in sort_keys])
             if sort_keys and table.num_rows else None)
    with open(tmp, "wb") as handle:
        write_csv(table.slice(0, 0), handle)
        for start in range(0, table.num_rows, CSV_SLICE_ROWS):
            rows = (table.slice(start, CSV_SLICE_ROWS) if order is None
                    else table.take(order.slice(start, CSV_SLICE_ROWS)))
            pa_csv.write_csv(rows, handle, pa_csv.WriteOptions(include_header=False))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def read_table(root: str | Path, table: str) -> pa.Table:
    """One table of a sweep directory (``RUNS`` or ``TIMESERIES``) as Arrow, its parts in
    name order (empty when nothing is stored).
    """
    path = Path(root) / table
    if not path.is_dir() or not any(path.glob(f"{PART_PREFIX}*.parquet")):
        return pa.table({})
    return pq.read_table(path)


def package_versions() -> dict[str, str]:
    """Installed versions of the packages that decide a sweep's results."""
    out = {"python": platform.python_version()}
    for name in VERSIONED_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


class SweepStore:
    """A sweep directory opened for writing.

    Args:
        root: The directory (created when missing).
    """

    def __init__(self, root: Path):
        self.root = Path(root)
        self.runs_dir = self.root / RUNS
        self.ts_dir = self.root / TIMESERIES
        self._lock_handle: Any = None

    # ------------------------------------------------------------------ opening
    def check_target(self) -> None:
        """Refuse a path that is a file, or a non-empty directory that is not a sweep.

        Raises:
            StoreError: The path cannot hold this sweep.
        """
        if self.root.exists() and not self.root.is_dir():
            raise StoreError(_("--out {path}: exists and is not a directory").format(
                path=self.root))
        if not self.root.exists():
            # Checked here, before the plan's trial run, so that a path under a file or
            # an unwritable directory is one error line, not a traceback from mkdir.
            ancestor = self.root.absolute().parent
            while not ancestor.exists():
                ancestor = ancestor.parent
            if not ancestor.is_dir():
                raise StoreError(_("--out {path}: cannot be created: {ancestor} is not a "
                                   "directory").format(path=self.root, ancestor=ancestor))
            if not os.access(ancestor, os.W_OK | os.X_OK):
                raise StoreError(_("--out {path}: cannot be created: no permission to write "
                                   "in {ancestor}").format(path=self.root, ancestor=ancestor))
        if (self.root.is_dir() and any(self.root.iterdir())
                and not (self.root / MANIFEST).is_file()):
            raise StoreError(_("--out {path}: directory is not empty and has no {manifest}; "
                               "choose a new directory for the sweep").format(
                path=self.root, manifest=MANIFEST))
        # An existing sweep one may only read (a colleague's, a read-only share) is refused
        # here, before the plan's trial run, not by a traceback from the lock file.
        if self.root.is_dir() and not os.access(self.root, os.W_OK | os.X_OK):
            raise StoreError(_("--out {path}: no permission to write in this directory; "
                               "copy the sweep somewhere you can write, or give a new "
                               "directory").format(path=self.root))

    def _manifest(self) -> dict[str, Any] | None:
        manifest_path = self.root / MANIFEST
        if not manifest_path.is_file():
            return None
        try:
            return json.loads(manifest_path.read_text("utf-8"))
        except (OSError, ValueError) as error:
            raise StoreError(_("--out {path}: cannot read {manifest}: {reason}").format(
                path=self.root, manifest=MANIFEST, reason=error)) from None

    def check_spec(self, spec_hash: str, replications: int | None = None) -> None:
        """Refuse a directory that holds a sweep of another design (reads only).

        The same design with more replications is accepted (the sweep is extended);
        with fewer, it is refused, since stored runs would fall outside the spec.

        Raises:
            StoreError: The manifest's spec hash differs, the spec asks for fewer
                replications than are stored, or the manifest is unreadable.
        """
        manifest = self._manifest()
        if manifest is None:
            return
        stored = manifest.get("spec_hash")
        if stored != spec_hash:
            raise StoreError(_(
                "--out {path}: holds a sweep of another design (hash {stored}, this spec "
                "{spec}); the results would not mix: use a new directory, or delete this one "
                "to start over (only the number of replications may change between runs of "
                "one sweep)").format(path=self.root, stored=str(stored)[:12],
                                     spec=spec_hash[:12]))
        before = manifest.get("spec", {}).get("replications")
        if replications is not None and isinstance(before, int) and replications < before:
            raise StoreError(_(
                "--out {path}: already holds {before} replications of each point; this spec "
                "asks for {replications}: give --replications {before} or more to extend it, "
                "or a new directory").format(path=self.root, before=before,
                                             replications=replications))

    def open(self, spec_description: dict[str, Any], spec_hash: str, n_runs: int,
             replications: int | None = None) -> None:
        """Create or reopen the directory for a spec, lock it and clean up after a kill.

        Reopened with more replications, the manifest is updated to the larger
        spec (its runs keep their ids; new runs come after them).

        Raises:
            StoreError: The directory holds another spec's sweep, or another process
                is writing to it.
        """
        self.check_target()
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(_("--out {path}: cannot be created: {reason}").format(
                path=self.root, reason=error.strerror or error)) from None
        self._lock()
        manifest_path = self.root / MANIFEST
        try:
            manifest = self._manifest()
            if manifest is not None:
                self.check_spec(spec_hash, replications)
        except StoreError:
            self.close()
            raise
        if manifest is None:
            manifest = new_manifest(spec_description, spec_hash, n_runs)
            write_atomic_text(manifest_text(manifest), manifest_path)
        elif manifest.get("n_runs") != n_runs:
            manifest.update(n_runs=n_runs, spec=spec_description,
                            extended=datetime.now(UTC).isoformat(timespec="seconds"))
            write_atomic_text(manifest_text(manifest), manifest_path)
        self.runs_dir.mkdir(exist_ok=True)
        self.ts_dir.mkdir(exist_ok=True)
        self._clean()

    def _lock(self) -> None:
        try:
            import fcntl
        except ImportError:  # not POSIX: no protection against two writers
            return
        try:
            handle = open(self.root / LOCK, "a")  # noqa: SIM115 (held until close)
        except OSError as error:
            raise StoreError(_("--out {path}: cannot be written: {reason}").format(
                path=self.root, reason=error.strerror or error)) from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise StoreError(_("--out {path}: another sweep is writing to this "
                               "directory").format(path=self.root)) from None
        self._lock_handle = handle

    def close(self) -> None:
        """Release the directory's lock."""
        if self._lock_handle is not None:
            self._lock_handle.close()
            self._lock_handle = None

    def _clean(self) -> None:
        """Remove what a kill left behind: temporary files and orphan time-series parts."""
        for folder in (self.runs_dir, self.ts_dir, self.root):
            for tmp in folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
                tmp.unlink(missing_ok=True)
        finished = {p.name for p in self.runs_dir.glob(f"{PART_PREFIX}*.parquet")}
        for part in self.ts_dir.glob(f"{PART_PREFIX}*.parquet"):
            if part.name not in finished:
                part.unlink()

    # ------------------------------------------------------------------ state
    def done_run_ids(self) -> set[int]:
        """Run ids already in the runs table (finished or failed)."""
        if not any(self.runs_dir.glob(f"{PART_PREFIX}*.parquet")):
            return set()
        ids = pq.read_table(self.runs_dir, columns=["run_id"]).column("run_id")
        return set(ids.to_pylist())

    def stored_runs(self) -> pd.DataFrame:
        """Run ids and wall times already stored (empty frame when none)."""
        if not any(self.runs_dir.glob(f"{PART_PREFIX}*.parquet")):
            return pd.DataFrame({"run_id": [], "wall_time_s": []})
        return pq.read_table(self.runs_dir, columns=["run_id", "wall_time_s"]).to_pandas()

    def bytes_on_disk(self) -> int:
        """Bytes of the stored part files (runs and time series)."""
        return sum(f.stat().st_size for folder in (self.runs_dir, self.ts_dir)
                   for f in folder.glob(f"{PART_PREFIX}*.parquet"))

    def status_counts(self) -> dict[str, int]:
        """Runs in the runs table by status (reads only that column)."""
        if not any(self.runs_dir.glob(f"{PART_PREFIX}*.parquet")):
            return {}
        status = pq.read_table(self.runs_dir, columns=["status"]).column("status")
        return {row["values"]: row["counts"] for row in status.value_counts().to_pylist()}

    def write_part(self, first_run_id: int, runs: pa.Table, timeseries: pa.Table | None) -> None:
        """Store one task's runs: the time series first, then the runs (the record of done)."""
        name = part_name(first_run_id)
        if timeseries is not None and timeseries.num_rows:
            write_atomic_table(timeseries, self.ts_dir / name)
        write_atomic_table(runs, self.runs_dir / name)

    def __enter__(self) -> SweepStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---------------------------------------------------------------------- reading
def _read(path: Path, keys: list[str]) -> pd.DataFrame:
    if not path.is_dir() or not any(path.glob(f"{PART_PREFIX}*.parquet")):
        return pd.DataFrame()
    frame = pd.read_parquet(path)
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def read_runs(root: str | Path) -> pd.DataFrame:
    """The runs table of a sweep directory, one row per run, sorted by ``run_id``."""
    return _read(Path(root) / RUNS, ["run_id"])


def read_timeseries(root: str | Path) -> pd.DataFrame:
    """The time-series table, one row per run and recorded week, sorted by run and step."""
    return _read(Path(root) / TIMESERIES, ["run_id", "step"])


def read_manifest(root: str | Path) -> dict[str, Any]:
    """The manifest of a sweep directory."""
    return json.loads((Path(root) / MANIFEST).read_text("utf-8"))


def part_files(root: str | Path, table: str = RUNS) -> Iterator[Path]:
    """The finished part files of one table, in name order."""
    yield from sorted((Path(root) / table).glob(f"{PART_PREFIX}*.parquet"))
