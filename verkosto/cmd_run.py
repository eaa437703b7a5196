"""``verkosto run``: one simulation of a scenario, written to a directory.

``verkosto run [SCENARIO_OR_FILE] [--seed N] [--steps N] [--set KEY=VALUE ...] [--out DIR]``
runs the scenario (``default`` when none is named) and writes into DIR:

- ``timeseries.parquet`` and ``timeseries.csv``: one row per recorded week
  (every ``record_every`` weeks, plus week 0 and the last week), a ``step``
  column and the model reporters;
- ``summary.json``: scenario, seed, steps, outcome, reading, the S33/S34
  evaluation, the parameters in force and the final reporter values;
- ``overview.png``: familiarity, trust, commitment and active share over time,
  and the trust network at the end.

Everything the user typed is checked before the simulation starts, so bad
input leaves nothing behind. The files are written into a hidden temporary
directory next to DIR, which is renamed into place at the end. An existing DIR
is replaced only when it holds nothing but the files of an earlier
``verkosto run``; any other existing, non-empty DIR is refused.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import socket
import sys
import tempfile
import textwrap
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from verkosto import i18n
from verkosto.argtypes import MAX_WEEKS, number
from verkosto.errors import InputError
from verkosto.i18n import N_, _

if TYPE_CHECKING:
    import pandas as pd

    from model import NetworkModel, Params
    from scenarios import Scenario

DEFAULT_SEED = 1
"""Seed used when ``--seed`` is not given, so that the quick start is reproducible."""
DEFAULT_SCENARIO = "default"
DEFAULT_OUT_ROOT = Path("out")
"""Without ``--out`` the files go to ``out/<scenario name>``."""

GENERATOR = "verkosto run"
"""Marks a summary.json as ours; only such a directory is replaced on re-run."""
TIMESERIES_PARQUET = "timeseries.parquet"
TIMESERIES_CSV = "timeseries.csv"
SUMMARY_JSON = "summary.json"
OVERVIEW_PNG = "overview.png"
OUTPUT_FILES = (TIMESERIES_PARQUET, TIMESERIES_CSV, SUMMARY_JSON, OVERVIEW_PNG)

STAGING_SUFFIX = ".partial"
"""Ends the name of the hidden directory :func:`_staging_directory` writes in beside --out,
``.NAME.PID@HOST.RANDOM.partial``: the writing process's mark (:func:`process_mark`) in it
tells a killed run's leftover."""
MARK = r"(\d+)(?:@([A-Za-z0-9-]+))?"
"""A process mark in a name (:func:`process_mark`): its id, then its host's name (absent in
names from before they carried one)."""
REPLACED_SUFFIX = ".old"
"""Ends the name (``.NAME.RANDOM.old``) under which :func:`_replace` sets the earlier --out
aside while it moves the new one into place."""
TEMP_NAME = r"[a-z0-9_]{8}"
"""The random part of a name :func:`tempfile.mkdtemp` makes (eight of its letters, digits and
underscores): only a directory named so beside --out is taken for a leftover of ours, not a
user's own ``.out.backup.old``."""
STALE_STAGING_AGE_S = 3600.0
"""A staging directory without a process id in its name (made before names carried one) is
removed once nothing in it has changed for this long: writing a command's outputs takes
seconds, so no run is still writing there; a younger one is only named."""

_NAMED_STAGING: set[Path] = set()
"""The young staging directories whose process cannot be asked (without a process id, or
another host's) this process has named already: a command writing to one --out several
times (the folder stays until it is an hour old) says so once, not on every write."""

PROGRESS_DELAY_S = 1.0
"""The progress bar appears only once a run has taken this long (short runs stay quiet)."""

OVERVIEW_SERIES = (
    ("network_familiarity", N_("familiarity")),
    ("network_trust", N_("trust")),
    ("network_commitment", N_("commitment")),
    ("active_share", N_("active share")),
    ("relationships_kept", N_("starting relationships kept")),
)
"""Reporter columns drawn over time, with their legend labels: network-level measures over
the seats (an empty seat counts as a stranger), so that a network losing its people is seen
to lose them; the means among active people would rise as a network dies."""
KEPT_COLOUR = "#212121"
"""Colour of the starting relationships kept (a line the dashboard does not draw): near-black,
outside the organisations' palette (tab20), so the line is not read as an organisation of
the network panel beside it (its brown was tab20's, the colour of organisation 6)."""


def overview_colour(column: str) -> str:
    """A series' colour in the overview: the dashboard's and the animation's for the same
    measure (trust green, commitment red, ...), so that a slide of the overview and the live
    dashboard can be read with one key.
    """
    from verkosto.words import CURVES

    return next((c.colour for c in CURVES if c.column == column), KEPT_COLOUR)


FIGURE_SIZE_IN = (13.0, 5.5)
FIGURE_DPI = 110

WEEKS_PER_YEAR = 52
UNIT_INTERVAL = "0-1"
"""The unit of parameters on the unit interval; their bounds already say so."""
HELP_WIDTH = 80


# ---------------------------------------------------------------------------- command line
def register(subparsers: Any) -> None:
    """Add the ``run`` subcommand to the ``verkosto`` command line.

    Args:
        subparsers: The object returned by ``ArgumentParser.add_subparsers``.
    """
    parser = subparsers.add_parser(
        "run",
        help=_("run one simulation of a scenario and write its results"),
        description=textwrap.fill(_(
            "Run one simulation of a scenario and write timeseries.parquet, timeseries.csv, "
            "summary.json and overview.png into the output directory, then print a short "
            "plain-language summary. Everything is checked before the run starts: bad input "
            "runs nothing and writes nothing."), HELP_WIDTH),
        epilog=_parameter_epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "scenario", nargs="?", default=DEFAULT_SCENARIO, metavar="SCENARIO_OR_FILE",
        help=_("a shipped scenario name (list them with 'verkosto scenarios') or a path to a "
               "scenario .toml file (default: {default})").format(default=DEFAULT_SCENARIO))
    parser.add_argument("--seed", type=number(0, integer=True), default=DEFAULT_SEED, metavar="N",
                        help=_("random seed; the same seed gives the same run "
                               "(default: {default})").format(default=DEFAULT_SEED))
    parser.add_argument("--steps", type=number(1, MAX_WEEKS, integer=True), default=None, metavar="N",
                        help=_("weeks to simulate; a project or client process may end "
                               "sooner (default: 156, three years)"))
    parser.add_argument("--set", action="append", default=[], dest="sets",
                        metavar="KEY=VALUE",
                        help=_("override one parameter, e.g. --set "
                               "coordination_budget_eur=800 --set purpose=learning; "
                               "repeatable. VALUE is read as a TOML value (number, true/false, "
                               "[list]) or else as a plain string. Every KEY with its unit and "
                               "bounds is listed below and by --list-params"))
    parser.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help=_("output directory (default: out/<scenario name>). Created "
                               "if missing; replaced if it holds only an earlier run's files; "
                               "refused if it holds anything else"))
    parser.add_argument("--list-params", action="store_true",
                        help=_("list every parameter with default, unit, bounds, meaning "
                               "and plausible range (or lever), then exit without running"))
    parser.add_argument("-q", "--quiet", action="store_true",
                        help=_("print nothing but errors (no summary, no progress bar)"))
    parser.set_defaults(func=handle)


# ---------------------------------------------------------------------------- parameter help
def _group_name(group: str) -> str:
    """A parameter group of ``model.params`` as the listings name it."""
    from verkosto.i18n import pgettext

    names = {"network": pgettext("parameter group", "network"),
             "organisations": pgettext("parameter group", "organisations"),
             "roles": pgettext("parameter group", "roles"),
             "dialogue": pgettext("parameter group", "dialogue"),
             "coordination": pgettext("parameter group", "coordination"),
             "attendance": pgettext("parameter group", "attendance"),
             "leadership": pgettext("parameter group", "leadership"),
             "dynamics": pgettext("parameter group", "dynamics"),
             "motivation": pgettext("parameter group", "motivation"),
             "value": pgettext("parameter group", "value"),
             "status": pgettext("parameter group", "status"),
             "costs": pgettext("parameter group", "costs"),
             "observation": pgettext("parameter group", "observation")}
    return names.get(group, group)


def _bounds_text(info: Any) -> str:
    """Allowed values of one parameter, from its declaration."""
    from verkosto import i18n

    if info.choices is not None:
        return _("one of {choices}").format(choices=", ".join(info.choices))
    if info.type is bool:
        return _("true or false")
    # The numbers stay as --set reads them (a point for decimals), in every language.
    span = ("" if info.low is None else
            _("{low} to {high}").format(low=f"{info.low:g}", high=f"{info.high:g}"))
    # "0 to 1 0-1" would say it twice.
    unit = "" if info.unit == UNIT_INTERVAL else i18n.unit_after_number(info.unit)
    if info.type in (int, float):
        return f"{span} {unit}".strip()
    return _("list of {n}, each {span}").format(n=len(info.default),
                                                span=f"{span} {unit}".strip())


def _default_text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, tuple):
        return "[" + ", ".join(f"{v:g}" for v in value) + "]"
    if isinstance(value, float):
        return f"{value:g}"
    return str(getattr(value, "value", value))


def parameter_listing(with_docs: bool = True) -> str:
    """Every parameter by group, with default, allowed values and meaning.

    Generated from :data:`model.params.PARAMETERS`, the parameters' one source
    of truth.

    Args:
        with_docs: Add each parameter's meaning and source.

    Returns:
        The listing as text.
    """
    from model.params import PARAMETERS
    from verkosto import i18n

    width = max(len(name) for name in PARAMETERS)
    lines: list[str] = []
    group = None
    for info in PARAMETERS.values():
        if info.group != group:
            group = info.group
            lines.append(f"{_group_name(group)}:")
        line = f"  {info.name:<{width}} = {_default_text(info.default):<10} ({_bounds_text(info)})"
        lines.append(line)
        if with_docs:
            lines.append(f"  {'':<{width}}   {i18n.param_doc(info.name)} "
                         f"[{i18n.param_source(info.name)}]")
            lines.append(f"  {'':<{width}}   {_plausible_text(info)}")
    return "\n".join(lines)


def _plausible_text(info: Any) -> str:
    """An uncertainty's plausible range and why, or that the parameter is a lever."""
    from verkosto import i18n

    if info.plausible is None:
        return _("lever: defines the situation, not an assumption about the world")
    low, high = info.plausible
    unit = "" if info.unit == UNIT_INTERVAL else f" {i18n.unit_after_number(info.unit)}"
    return _("plausible {low} to {high}{unit}: {why}").format(
        low=f"{low:g}", high=f"{high:g}", unit=unit, why=i18n.param_why(info.name))


def _parameter_epilog() -> str:
    return (_("parameters for --set (name = default (allowed values)):") + "\n"
            + parameter_listing(with_docs=False))


# ---------------------------------------------------------------------------- the handler
@dataclass(frozen=True)
class RunRequest:
    """Everything a run needs, validated before it starts."""

    scenario: Scenario
    params: Params
    sets: dict[str, Any]
    seed: int
    steps: int
    out: Path


def handle(args: argparse.Namespace) -> int:
    """Handle ``verkosto run``.

    Args:
        args: Parsed arguments.

    Returns:
        Exit status 0.

    Raises:
        InputError: Bad input; nothing has been run or written.
        scenarios.ScenarioError: The scenario cannot be found or validated.
    """
    if args.list_params:
        print(parameter_listing())
        return 0
    request = prepare(args.scenario, args.sets, args.seed, args.steps, args.out)
    model = simulate(request, progress=not args.quiet)
    frame = timeseries(model)
    summary = summarise(request, model, frame)
    write_outputs(request.out, frame, summary, lambda path: draw_overview(path, request, model,
                                                                          frame))
    if not args.quiet:
        print(describe(summary, frame))
    return 0


def prepare(scenario_name: str, sets: Sequence[str], seed: int, steps: int | None,
            out: Path | None) -> RunRequest:
    """Check all input of a run, before anything is run or written.

    Args:
        scenario_name: Shipped scenario name or path to a scenario file.
        sets: ``KEY=VALUE`` overrides from ``--set``.
        seed: Random seed.
        steps: Weeks to simulate, or ``None`` for the model's default.
        out: Output directory, or ``None`` for ``out/<scenario name>``.

    Returns:
        The validated request.

    Raises:
        InputError: A bad ``--set`` or an output directory that cannot be used.
        scenarios.ScenarioError: The scenario cannot be found or validated.
    """
    import scenarios
    from model import DEFAULT_STEPS
    from model.params import ParameterError

    scenario = scenarios.info(scenario_name)
    overrides = parse_sets(sets)
    try:
        params = scenario.params.replace(**overrides)
    except ParameterError as error:  # a cross-parameter check
        raise InputError(_("--set: {error} (after applying the scenario '{name}')").format(
            error=i18n.error_text(error), name=scenario.name)) from None
    out = out if out is not None else DEFAULT_OUT_ROOT / scenario.name
    check_output_dir(out)
    return RunRequest(scenario, params, overrides, seed,
                      DEFAULT_STEPS if steps is None else steps, out)


def parse_sets(sets: Sequence[str]) -> dict[str, Any]:
    """Parse and validate ``--set KEY=VALUE`` overrides.

    VALUE is read as a TOML value (``800``, ``0.5``, ``true``, ``[0.1, 0.2]``,
    ``"text"``) or, when it is not one, as a plain string (``learning``). It is
    then checked against the parameter's declaration.

    Args:
        sets: The raw ``KEY=VALUE`` strings.

    Returns:
        Parameter name to validated value.

    Raises:
        InputError: Missing ``=``, a key given twice, an unknown key, a wrong
            type or a value out of bounds.
    """
    from model.params import ParameterError
    from scenarios import validate_value

    out: dict[str, Any] = {}
    for raw in sets:
        key, sep, text = raw.partition("=")
        key = key.strip()
        if not sep or not key:
            raise InputError(_("--set {raw}: expected KEY=VALUE, e.g. --set facilitation=0.5")
                             .format(raw=repr(raw)))
        if key in out:
            raise InputError(_("--set {key} is given more than once; give each parameter "
                               "once").format(key=key))
        value = _toml_value(text.strip())
        try:
            out[key] = validate_value(key, value)
        except ParameterError as error:
            from scenarios import decimal_comma_hint

            raise InputError(f"--set {raw!r}: {i18n.error_text(error)}"
                             f"{i18n.word(decimal_comma_hint(key, value))}") from None
    return out


def _toml_value(text: str) -> Any:
    """Read ``text`` as one TOML value, or return it as a plain string if it is not one."""
    try:
        parsed = tomllib.loads(f"value = {text}")
    except tomllib.TOMLDecodeError:
        return text
    return parsed["value"] if list(parsed) == ["value"] else text


# ---------------------------------------------------------------------------- output directory
def _is_previous_run(directory: Path) -> bool:
    """Whether ``directory`` holds nothing but the files of an earlier ``verkosto run``."""
    entries = {entry.name for entry in directory.iterdir()}
    if not entries <= set(OUTPUT_FILES) or SUMMARY_JSON not in entries:
        return False
    try:
        summary = json.loads((directory / SUMMARY_JSON).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(summary, dict) and summary.get("generator") == GENERATOR


def check_output_dir(out: Path, is_previous: Callable[[Path], bool] | None = None,
                     generator: str = GENERATOR) -> None:
    """Refuse an output directory that cannot be written or must not be replaced.

    Args:
        out: The requested output directory.
        is_previous: Whether a directory holds nothing but an earlier output of the same
            command (then it may be replaced); by default an earlier ``verkosto run``'s.
        generator: The command named in the message when the directory is refused.

    Raises:
        InputError: ``out`` is a file or a symbolic link, a directory holding
            other files than an earlier run's, or under a path that is not a
            writable directory.
    """
    if out.is_symlink():
        raise InputError(_("--out '{path}' is a symbolic link; give the real directory")
                         .format(path=out))
    if out.exists():
        if not out.is_dir():
            raise InputError(_("--out '{path}' exists and is not a directory").format(path=out))
        try:
            reusable = not any(out.iterdir()) or (is_previous or _is_previous_run)(out)
        except OSError as error:
            raise InputError(_("--out '{path}' cannot be read: {reason}").format(
                path=out, reason=error.strerror)) from None
        if not reusable:
            raise InputError(_("--out '{path}' is a directory holding files not written by "
                               "'{generator}'; choose another --out or empty it first").format(
                                   path=out, generator=generator))
    check_creatable(out)


def check_creatable(out: Path) -> None:
    """Refuse an output directory that cannot be made where it is asked for: the outputs are
    staged beside it (:func:`_staging_directory`), so its nearest existing ancestor must be a
    directory this process may write in. Checked before the work, not after it.

    Raises:
        InputError: The nearest existing ancestor is a file, or not writable.
    """
    ancestor = _absolute(out).parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise InputError(_("--out '{path}' cannot be created: '{ancestor}' is not a "
                           "directory").format(path=out, ancestor=ancestor))
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise InputError(_("--out '{path}' cannot be created: no permission to write in "
                           "'{ancestor}'").format(path=out, ancestor=ancestor))


def write_outputs(out: Path, frame: pd.DataFrame, summary: Mapping[str, Any],
                  draw: Callable[[Path], None]) -> None:
    """Write the four output files into ``out`` atomically.

    The files are written into a hidden temporary directory beside ``out``
    which then replaces ``out``; on any failure the temporary directory and
    any parent directories created for it are removed again.

    Args:
        out: Output directory (checked by :func:`check_output_dir`).
        frame: The time series.
        summary: The JSON-able summary.
        draw: Writes the overview figure to the path it is given.

    Raises:
        InputError: The files cannot be written (e.g. the disk is full).
    """
    try:
        with _staging_directory(_absolute(out)) as staging:
            frame.to_parquet(staging / TIMESERIES_PARQUET, index=False)
            frame.to_csv(staging / TIMESERIES_CSV, index=False)
            (staging / SUMMARY_JSON).write_text(
                json.dumps(summary, indent=2, allow_nan=False) + "\n", encoding="utf-8")
            draw(staging / OVERVIEW_PNG)
    except OSError as error:
        raise InputError(_("--out '{path}' cannot be written: {reason}").format(
            path=out, reason=error.strerror or error)) from None


@contextlib.contextmanager
def _staging_directory(out: Path) -> Iterator[Path]:
    """A temporary directory beside ``out`` that replaces ``out`` when the block succeeds."""
    created = _make_parents(out.parent)
    _remove_stale_staging(out)
    staging: Path | None = None
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.{process_mark()}.",
                                        suffix=STAGING_SUFFIX, dir=out.parent))
        yield staging
        staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private; match a plain mkdir
        _replace(staging, out)
    except BaseException:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        for directory in reversed(created):
            with contextlib.suppress(OSError):
                directory.rmdir()
        raise


def _remove_stale_staging(out: Path) -> None:
    """Remove what killed runs left beside ``out``; name on stderr what may not be removed.

    A run killed while writing (SIGKILL leaves no chance to clean up) leaves its
    ``.NAME.PID@HOST.RANDOM.partial`` behind; nothing in it was ever moved into place, so no
    result is lost. One whose process still runs is another run writing now: left alone.
    Where the process cannot be asked, only what is provably dead is removed:

    - staging of a process on another host (a file system that hosts share: a cluster's
      home directories), and ``.NAME.RANDOM.partial``, staged before names carried the
      id: removed once it is :data:`STALE_STAGING_AGE_S` old, else named, once a process
      (that process, or an older verkosto, may be writing it);
    - ``.NAME.RANDOM.old``, the earlier ``out`` that :func:`_replace` set aside: removed when
      ``out`` exists (the replace finished; a run killed before removing it), else named
      (a run was killed between the two renames, or another is between them now).
    """
    name = re.escape(out.name)
    with_pid = re.compile(rf"\.{name}\.{MARK}\.{TEMP_NAME}{re.escape(STAGING_SUFFIX)}")
    without_pid = re.compile(rf"\.{name}\.{TEMP_NAME}{re.escape(STAGING_SUFFIX)}")
    replaced = re.compile(rf"\.{name}\.{TEMP_NAME}{re.escape(REPLACED_SUFFIX)}")
    try:
        entries = sorted(out.parent.iterdir())
    except OSError:  # not readable: the write that follows reports it
        return
    for path in entries:
        if not path.is_dir() or path.is_symlink():
            continue
        mark = with_pid.fullmatch(path.name)
        runs = None if mark is None else marked_process_runs(int(mark.group(1)), mark.group(2))
        if runs is not None:  # this host's: its process tells
            if not runs:
                shutil.rmtree(path, ignore_errors=True)
        elif mark is not None or without_pid.fullmatch(path.name):
            # Whose process cannot be asked (another host's, or named before names carried
            # one): a killed run's once nothing in it has changed for long enough.
            if idle_seconds(path) >= STALE_STAGING_AGE_S:
                shutil.rmtree(path, ignore_errors=True)
            elif _absolute(path) not in _NAMED_STAGING:
                _NAMED_STAGING.add(_absolute(path))
                print("verkosto: " + (_(
                    "note: {path} is staged by a command on host {host}, which this one cannot "
                    "ask about; once no command is writing to --out '{out}', it can be "
                    "deleted") if mark is not None else _(
                    "note: {path} was staged by a verkosto from before staging directories "
                    "named their process; once no command is writing to --out '{out}', it "
                    "can be deleted")).format(path=path, out=out,
                                              host=mark.group(2) if mark else ""),
                    file=sys.stderr)
        elif replaced.fullmatch(path.name):
            if out.exists():
                shutil.rmtree(path, ignore_errors=True)
            else:
                print("verkosto: " + _(
                    "note: {path} holds what --out '{out}' held before a command was "
                    "stopped while replacing it; it can be deleted (once --out is written "
                    "again, the next write removes it)").format(path=path, out=out),
                    file=sys.stderr)


def idle_seconds(directory: Path) -> float:
    """Seconds since ``directory`` or anything in it last changed (0 when unreadable)."""
    import time

    try:
        newest = max([directory.stat().st_mtime]
                     + [(Path(top) / name).stat().st_mtime
                        for top, dirs, files in os.walk(directory) for name in dirs + files])
    except OSError:  # going away as it is read: someone is at work in it
        return 0.0
    return time.time() - newest


def process_mark() -> str:
    """This process's mark in the names of what it stages beside an output (``4242@node07``):
    its id, and its host's short name, so that a command on another host sharing the file
    system does not take it for the id of a process of its own (or of none).
    """
    host = re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname().split(".")[0]) or "host"
    return f"{os.getpid()}@{host}"


def marked_process_runs(pid: int, host: str | None) -> bool | None:
    """Whether the process of a mark (:func:`process_mark`) runs: None when it is another
    host's, which cannot be asked; a mark without a host (from before marks carried one) is
    taken for this host's.
    """
    if host is not None and host != process_mark().partition("@")[2]:
        return None
    return process_runs(pid)


def process_runs(pid: int) -> bool:
    """Whether a process of this id exists (signal 0 only asks; it sends nothing).

    Used to tell a killed command's staged output (safe to remove) from one being written.
    """
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # none, or an id no process can have
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _make_parents(directory: Path) -> list[Path]:
    """Create ``directory`` and missing parents; return those created, outermost first."""
    missing: list[Path] = []
    probe = directory.absolute()
    while not probe.exists():
        missing.append(probe)
        probe = probe.parent
    created: list[Path] = []
    try:
        for path in reversed(missing):
            path.mkdir()
            created.append(path)
    except BaseException:
        for path in reversed(created):
            with contextlib.suppress(OSError):
                path.rmdir()
        raise
    return created


def _replace(staging: Path, out: Path) -> None:
    """Move ``staging`` to ``out``, replacing an earlier run's directory.

    A directory cannot be swapped in one rename, so the old one is first
    renamed aside, and renamed back if the second rename fails.
    """
    if not out.exists():
        staging.rename(out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=REPLACED_SUFFIX,
                                dir=out.parent))
    old.rmdir()  # only the unique name is wanted
    out.rename(old)
    try:
        staging.rename(out)
    except BaseException:
        old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _absolute(path: Path) -> Path:
    """``path`` made absolute and normalised, so that ``.`` and ``a/..`` have a real name."""
    return Path(os.path.abspath(path))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# ---------------------------------------------------------------------------- simulation
def simulate(request: RunRequest, progress: bool = True) -> NetworkModel:
    """Run the model, recording the final week too.

    Args:
        request: The validated run.
        progress: Show a progress bar on stderr if the run takes long enough.

    Returns:
        The model after the run.
    """
    from tqdm import tqdm

    from model import NetworkModel

    model = NetworkModel(params=request.params, rng=request.seed)
    with tqdm(total=request.steps, desc=f"{request.scenario.name}", unit="week",
              file=sys.stderr, delay=PROGRESS_DELAY_S, leave=False,
              disable=None if progress else True) as bar:
        # A loop of step(), not Mesa's run_for(steps): run_for neither stops when the model
        # sets running to False nor reports each week, so a project that reached its goal
        # would count weeks past its end (steps_run, ended_early and an extra recorded row)
        # and the progress bar would jump from empty to full.
        for _ in range(request.steps):
            if not model.running:
                break
            model.step()
            bar.update()
    # The model records every record_every weeks; the files also show the final week.
    model.record()
    return model


def timeseries(model: NetworkModel) -> pd.DataFrame:
    """The recorded reporters, one row per recorded week; the model's ``step`` column first.

    Args:
        model: The model after the run.

    Returns:
        The time series.
    """
    return model.datacollector.get_model_vars_dataframe().reset_index(drop=True)


# ---------------------------------------------------------------------------- summary
def summarise(request: RunRequest, model: NetworkModel, frame: pd.DataFrame) -> dict[str, Any]:
    """The contents of summary.json.

    Args:
        request: The validated run.
        model: The model after the run.
        frame: The time series.

    Returns:
        A JSON-able dict.
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        package_version = version("verkosto")
    except PackageNotFoundError:
        package_version = "unknown"
    scenario = request.scenario
    final = frame.iloc[-1].to_dict()
    summary = {
        "generator": GENERATOR,
        "verkosto_version": package_version,
        "scenario": scenario.name,
        "scenario_title": scenario.title,
        "scenario_file": str(scenario.path) if scenario.path else None,
        "claims": list(scenario.claims),
        "seed": request.seed,
        "steps": request.steps,
        "steps_run": int(model.steps),
        "ended_early": bool(model.steps < request.steps),
        "outcome": model.outcome,
        "reading": model.reading(),
        "set": request.sets,
        "final": final,
        "evaluation": model.evaluation(),
        "params": request.params.flat(),
        "files": list(OUTPUT_FILES),
    }
    from experiments.jsonable import jsonable

    return jsonable(summary)


def describe(summary: Mapping[str, Any], frame: pd.DataFrame) -> str:
    """A short plain-language account of a run: outcome, what drove it, key figures, in the
    language set with ``--lang`` (:mod:`verkosto.i18n`).

    Args:
        summary: The run's summary (see :func:`summarise`).
        frame: The time series.

    Returns:
        A few lines of text.
    """
    from verkosto import i18n, words
    from verkosto.i18n import _, ngettext

    t = i18n.current()
    evaluation = summary["evaluation"]
    coordination = evaluation.get("coordination", {})
    goal = evaluation.get("goal", {})
    results = evaluation.get("results", {})
    weeks = summary["steps_run"]
    first, last = frame.iloc[0], frame.iloc[-1]
    peak_row = frame.loc[frame["trust_ties_per_seat"].idxmax()]
    meetings = int(last["meetings_held"])
    budget = coordination.get("budget_eur_per_month", 0.0)
    spent = coordination.get("spent_eur", float(last["coordination_spent_eur"]))
    months = weeks * 12 / WEEKS_PER_YEAR

    from analysis.text import fixed

    def num(value: float, decimals: int = 2) -> str:
        # The formatter budget, compare and report use: "31,852" in English, "31 852"
        # (a narrow no-break space) and a decimal comma in Finnish.
        return fixed(value, decimals)

    if coordination.get("has_coordinator"):
        money = _("a coordinator with {budget} EUR/month spent {spent} EUR ({monthly} EUR/month)"
                  ).format(budget=num(budget, 0), spent=num(spent, 0),
                           monthly=num(spent / max(months, 1e-9), 0))
    else:
        money = _("no paid coordinator; meetings only when a participant called one")
    cadence = (_("every {weeks} weeks on average").format(weeks=num(weeks / meetings, 1))
               if meetings else _("never"))
    if meetings:
        # A network whose meetings stopped: the average over the whole run ("3 meetings,
        # every 52 weeks") would hide that they all came early, so say when they stopped.
        last_week = int(frame.loc[frame["meetings_held"] >= meetings, "step"].iloc[0])
        interval = float(summary["params"].get("meeting_interval_weeks", 0))
        if weeks - last_week > 2 * interval:
            cadence = _("every {weeks} weeks on average, none after week {last}").format(
                weeks=num(max(last_week, 1) / meetings, 1), last=last_week)
    active_trust = _("{first} -> {last} among the people still active").format(
        first=num(first["mean_trust"]), last=num(last["mean_trust"]))
    active_commitment = _("{first} -> {last} among the active").format(
        first=num(first["mean_commitment"]), last=num(last["mean_commitment"]))
    if int(last["active"]) == 0:
        # A mean over nobody is no 0.00: say that nobody is left to average over.
        active_trust = active_commitment = _("nobody is still active")
    coverage = num(results.get("knowledge_coverage", 0))
    coverage_among = _("among the organisations still present")
    if int(last["present"]) == 0:
        coverage, coverage_among = "–", _("no organisation is still present")
    ended = ""
    if summary["ended_early"]:
        ended = " " + (_("The network ended in week {week} once its goal was reached and "
                         "recognised ({asked} weeks were asked for).")
                       if goal.get("ended_on_recognition") else
                       _("The network ended in week {week} ({asked} weeks were asked for).")
                       ).format(week=weeks, asked=summary["steps"])
    goal_text = (_("reached in week {week}").format(week=goal["week_reached"])
                 if goal.get("reached") else
                 _("not reached ({share} of the way)").format(
                     share=t.percent(goal.get("progress", 0.0))))
    title = t.gettext(summary["scenario_title"])  # a user's own title stays as written
    # The outcome is judged over its window: before it has passed, say so (as the dashboard
    # does) rather than name a class; a network that ended early has its final outcome.
    outcome = (i18n.outcome_name(summary["outcome"], t) if summary["ended_early"] else
               words.verdict_for(summary["outcome"], weeks,
                                 int(summary["params"]["outcome_window_weeks"]), t))
    lines = [
        _("Scenario '{name}' ({title}), seed {seed}, {weeks} weeks.").format(
            name=summary["scenario"], title=title, seed=summary["seed"], weeks=weeks) + ended,
        _("Outcome: {outcome}.").format(outcome=outcome),
        _("What drove it:"),
        "  - " + _("coordination: {money}; {meetings}, {cadence}.").format(
            money=money, cadence=cadence,
            meetings=ngettext("{n} meeting", "{n} meetings", meetings).format(n=meetings)),
        "  - " + _("trust: network trust {first} -> {last} (over all seats; {active}); trust "
                   "ties per seat peaked at {peak} (week {peak_week}) and ended at {end}: "
                   "{ties} ties, {cross} of them across organisations; {kept} of the starting "
                   "relationships kept."
                   ).format(first=num(first["network_trust"]), last=num(last["network_trust"]),
                            active=active_trust,
                            peak=num(peak_row["trust_ties_per_seat"], 1),
                            peak_week=int(peak_row["step"]),
                            end=num(last["trust_ties_per_seat"], 1),
                            ties=results.get("trust_ties", 0),
                            cross=results.get("trust_ties_across_organisations", 0),
                            kept=t.percent(last["relationships_kept"])),
        "  - " + _("commitment: {first} -> {last} per seat ({active}); active share "
                   "{share_first} -> {share_last} ({present} people present).").format(
            first=num(first["network_commitment"]), last=num(last["network_commitment"]),
            active=active_commitment,
            share_first=t.percent(first["active_share"]),
            share_last=t.percent(last["active_share"]), present=int(last["present"])),
        "  - " + _("goal: {goal}.").format(goal=goal_text),
        _("Key figures: value created {value}, innovations {innovations}, knowledge coverage "
          "{coverage} ({among}), organisations' hidden cost {hidden} EUR ({monthly} "
          "EUR/month).").format(
            value=num(results.get("value_created", 0), 0),
            innovations=results.get("innovations", 0),
            coverage=coverage, among=coverage_among,
            hidden=num(coordination.get("hidden_cost_eur", 0), 0),
            monthly=num(coordination.get("hidden_cost_eur", 0) / max(months, 1e-9), 0)),
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------- figure
def draw_overview(path: Path, request: RunRequest, model: NetworkModel,
                  frame: pd.DataFrame) -> None:
    """Draw the run's overview: the main series over time and the trust network at the end.

    Args:
        path: PNG file to write.
        request: The validated run.
        model: The model after the run.
        frame: The time series.
    """
    from matplotlib.figure import Figure

    figure = Figure(figsize=FIGURE_SIZE_IN, layout="constrained")
    series_ax, network_ax = figure.subplots(1, 2, width_ratios=[1.25, 1.0])
    from verkosto import i18n, words
    from verkosto.i18n import _

    for column, label in OVERVIEW_SERIES:
        series_ax.plot(frame["step"], frame[column], label=_(label), linewidth=1.8,
                       color=overview_colour(column))
    series_ax.set_xlabel(_("week"))
    series_ax.set_ylabel(_("over all seats (0-1)"))
    series_ax.set_ylim(0.0, 1.02)
    series_ax.set_xlim(0, max(1, int(frame["step"].iloc[-1])))
    from verkosto.drawing import draw_stranger_level

    draw_stranger_level(series_ax, float(request.params.trust_prior), i18n.current())
    series_ax.grid(alpha=0.3)
    series_ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=len(OVERVIEW_SERIES),
                     fontsize="small", frameon=False)
    title = i18n.scenario_title(request.scenario) or request.scenario.title
    series_ax.set_title(_("{title} (seed {seed})").format(title=title, seed=request.seed),
                        fontsize="medium")
    _draw_trust_network(network_ax, model, request.seed)
    figure.suptitle(_("verkosto run: {name} - outcome: {outcome}").format(
        name=request.scenario.name, outcome=words.verdict(model, i18n.current())),
        fontsize="large")
    from analysis.figures import localise_ticks

    localise_ticks(figure)  # 1,200 weeks; 1 200 and 0,5 on the axes of a Finnish overview
    figure.savefig(path, dpi=FIGURE_DPI)


def _draw_trust_network(ax: Any, model: NetworkModel, seed: int) -> None:
    """Draw the trust network at the end: the one drawing of :mod:`analysis.network`."""
    from analysis.network import draw_network, legend_handles
    from verkosto.i18n import _

    draw_network(ax, model, title=True)
    ax.legend(handles=legend_handles(), loc="upper center", bbox_to_anchor=(0.5, 0.0),
              ncols=3, fontsize="x-small", frameon=False,
              title=_("colour = organisation, size = commitment, line width = trust"),
              title_fontsize="x-small")
