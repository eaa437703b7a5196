"""``verkosto dock``: docking the model against published models.

``verkosto dock team-assembly`` reruns the team-assembly model of Guimerà et
al. (2005) on the model's own formation rule (``model.formation``) and prints
S, the share of agents in the largest component, for each p, with the
transition point p* (where mean S reaches 0.5) and its shifts with q and m.
It writes ``DIR/team_assembly.csv`` (one row per run), the transition table
``DIR/team_assembly_transitions.csv`` and the figure ``DIR/team_assembly.png``.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from verkosto import i18n
from verkosto.argtypes import DEFAULT_WORKERS, PROBABILITY, number
from verkosto.cmd_run import (
    MARK,
    STALE_STAGING_AGE_S,
    idle_seconds,
    marked_process_runs,
    process_mark,
)
from verkosto.errors import InputError
from verkosto.i18n import _, ngettext, numeral

# The experiment's defaults, repeated here so that ``verkosto --help`` does not
# import the model (a test checks that they equal ``experiments.docking``'s).
#: Team size when ``--m`` is not given.
DEFAULT_M = 4
#: Idle steps before an agent leaves when ``--tau`` is not given.
DEFAULT_TAU = 40
#: The p grid when ``--p`` is not given: 0, 0.05, ..., 1.
DEFAULT_P_GRID: tuple[float, ...] = tuple(round(0.05 * i, 2) for i in range(21))
#: Default run length and burn-in, in units of tau.
STEPS_PER_TAU = 75
BURN_IN_PER_TAU = 25
#: Output directory when ``--out`` is not given.
DEFAULT_OUT = Path("out") / "dock"
#: Replications when ``--replications`` is not given.
DEFAULT_REPLICATIONS = 10
#: File names written into the output directory.
RESULTS_FILE = "team_assembly.csv"
TRANSITIONS_FILE = "team_assembly_transitions.csv"
FIGURE_FILE = "team_assembly.png"
#: Most agents a run may hold at once, m * (tau + 2) (an agent idle for more than tau steps
#: leaves; m * (steps + 2) in a shorter run): the collaboration matrix over their slots, up
#: to twice as many, then takes at most 1 GiB. --tau 100000000 asked numpy for 64 GiB and
#: died with a MemoryError traceback.
MAX_AGENTS = 2 ** 14
#: Files named when --out is refused for holding others (the rest are "…").
SHOWN_FILES = 3
#: What :func:`_write_outputs` stages an output file as, before renaming it into place:
#: ``.STEM.PID.partial.SUFFIX``, the writing process's id in the middle.
PARTIAL_NAME = ".{stem}.{pid}.partial{suffix}"


def _list_of(item: Callable[[str], float]) -> Callable[[str], list]:
    def parse(text: str) -> list:
        parts = [part.strip() for part in text.split(",")]
        if not parts or any(not part for part in parts):
            raise argparse.ArgumentTypeError(
                _("{text} is not a comma-separated list").format(text=repr(text)))
        values = [item(part) for part in parts]
        if len(set(values)) != len(values):
            raise argparse.ArgumentTypeError(_("{text} repeats a value").format(text=repr(text)))
        return sorted(values)

    return parse


def register(subparsers: Any) -> None:
    """Add the ``dock`` subcommand and its ``team-assembly`` experiment.

    Args:
        subparsers: The ``add_subparsers()`` object of the ``verkosto`` parser.
    """
    dock = subparsers.add_parser(
        "dock",
        help=_("dock the model against published models"),
        description=_("Reproduce published results with the model's own code paths."),
    )
    experiments = dock.add_subparsers(dest="dock_experiment", metavar="EXPERIMENT")
    experiments.required = True
    team = experiments.add_parser(
        "team-assembly",
        help=_("team assembly of Guimerà et al. (2005): S against p"),
        description=_(
            "Team assembly (Guimerà, Uzzi, Spiro and Amaral 2005, Science 308:697): one team "
            "of m per step; each seat goes to an incumbent with probability p, who is a "
            "previous collaborator of the team with probability q; agents idle for more than "
            "tau steps leave. Prints S (share of agents in the largest component) for each p "
            "and the transition point p* where mean S reaches 0.5, with bootstrap intervals."
        ),
    )
    team.add_argument(
        "--m", type=_list_of(number(2, integer=True)), default=[DEFAULT_M], metavar="M",
        help=_("team size, or a comma-separated list (default {m})").format(m=DEFAULT_M),
    )
    team.add_argument(
        "--q", type=_list_of(PROBABILITY), default=[0.0], metavar="Q",
        help=_("probability of choosing a previous collaborator, or a list (default 0)"),
    )
    team.add_argument(
        "--p", type=_list_of(PROBABILITY), default=list(DEFAULT_P_GRID), metavar="LIST",
        help=_("comma-separated probabilities that a seat goes to an incumbent "
               "(default 0,0.05,...,1)"),
    )
    team.add_argument(
        "--tau", type=number(1, integer=True), default=DEFAULT_TAU, metavar="T",
        help=_("idle steps before an agent leaves (default {tau})").format(tau=DEFAULT_TAU),
    )
    team.add_argument(
        "--replications", type=number(1, integer=True), default=DEFAULT_REPLICATIONS, metavar="N",
        help=_("replications per condition (default {n})").format(n=DEFAULT_REPLICATIONS),
    )
    team.add_argument(
        "--steps", type=number(1, integer=True), default=None, metavar="STEPS",
        help=_("steps per run (default {k} * tau)").format(k=STEPS_PER_TAU),
    )
    team.add_argument(
        "--burn-in", type=number(0, integer=True), default=None, metavar="STEPS",
        help=_("steps before S is averaged (default {k} * tau)").format(k=BURN_IN_PER_TAU),
    )
    team.add_argument(
        "--seed", type=number(0, integer=True), default=0, metavar="SEED",
        help=_("master seed (default 0)"),
    )
    team.add_argument(
        "--jobs", type=number(1, integer=True), default=DEFAULT_WORKERS, metavar="J",
        help=_("worker processes (default {n})").format(n=DEFAULT_WORKERS),
    )
    team.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
        help=_("output directory (default {path})").format(path=DEFAULT_OUT),
    )
    team.set_defaults(func=run_team_assembly)


def _format_interval(value: float, lo: float, hi: float, signed: bool = False) -> str:
    """A p* or a shift with its interval, in the current language (``0.412 [0.390, 0.431]``;
    in Finnish ``0,412 [0,390; 0,431]``, a semicolon where the comma is the decimal mark);
    ``signed`` writes a shift's sign on every number (``+0.012 [-0.003, +0.027]``).
    """
    spec = "+.3f" if signed else ".3f"
    if math.isnan(value):
        return _("not reached")
    if math.isnan(lo):
        return _("{value} [interval undefined]").format(value=numeral(f"{value:{spec}}"))
    # TRANSLATORS: a bootstrap interval; Finnish separates decimal commas with "; ".
    return _("{value} [{low}, {high}]").format(value=numeral(f"{value:{spec}}"),
                                                low=numeral(f"{lo:{spec}}"),
                                                high=numeral(f"{hi:{spec}}"))


def run_team_assembly(args: argparse.Namespace) -> int:
    """Run ``verkosto dock team-assembly``.

    Args:
        args: The parsed arguments.

    Returns:
        The exit status, 0.

    Raises:
        InputError: ``--burn-in`` is not below ``--steps``, or the output
            directory cannot be created (nothing is run then).
    """
    from experiments import docking

    steps = STEPS_PER_TAU * args.tau if args.steps is None else args.steps
    burn_in = BURN_IN_PER_TAU * args.tau if args.burn_in is None else args.burn_in
    if burn_in >= steps:
        raise InputError(_("dock team-assembly: --burn-in ({burn_in}) must be smaller than "
                           "--steps ({steps})").format(burn_in=burn_in, steps=steps))
    # A run shorter than tau keeps every agent it brought in: m per step.
    agents = max(args.m) * (min(args.tau, steps) + 2)
    if agents > MAX_AGENTS:
        raise InputError(_("dock team-assembly: --m {m} and --tau {tau} let up to {agents} "
                           "agents be present at once (m × (tau + 2)); at most {limit} fit in "
                           "memory: lower --m or --tau").format(
            m=max(args.m), tau=args.tau, agents=agents, limit=MAX_AGENTS))
    settings = docking.RunSettings(steps, burn_in, docking.DEFAULT_SAMPLE_EVERY)
    out: Path = args.out
    _check_out(out)
    from tqdm import tqdm

    n_tasks = len(args.m) * len(args.q) * args.replications
    with tqdm(total=n_tasks, unit=_("task"), disable=not sys.stderr.isatty(),
              leave=False) as bar:
        results = docking.team_assembly_sweep(
            args.m, args.q, args.p, tau=args.tau, replications=args.replications,
            master_seed=args.seed, settings=settings, jobs=args.jobs, progress=bar.update,
        )
    transitions = docking.estimate_transitions(results, seed=args.seed)
    _write_outputs(out, {
        RESULTS_FILE: lambda path: results.to_csv(path, index=False),
        TRANSITIONS_FILE: lambda path: transitions.to_csv(path, index=False),
        FIGURE_FILE: lambda path: docking.plot_s_curves(results, str(path))})

    print(heading_text(args.tau, args.replications, settings, args.seed))
    print(_("Mean S (share of agents in the largest component):"))
    print(s_table_text(docking.s_table(results)))
    print()
    print(transitions_text(transitions))
    print()
    print(_("Wrote {results}, {transitions} and {figure}").format(
        results=out / RESULTS_FILE, transitions=out / TRANSITIONS_FILE,
        figure=out / FIGURE_FILE))
    sys.stdout.flush()
    return 0


def _check_out(out: Path) -> None:
    """Refuse, before anything runs, an output directory the results cannot be written to.

    An existing directory is written into only when it is empty or holds nothing but an
    earlier ``dock team-assembly``'s files, as ``run``, ``budget`` and ``compare`` replace
    only their own earlier output: a directory of other files (a thesis folder, another
    command's results) would otherwise be mixed with these. Files a killed dock staged and
    never renamed into place (``.NAME.PID.partial.EXT`` of a process that no longer runs)
    are removed, as the sweep store removes its own leftovers.

    Raises:
        InputError: ``out`` is a file, a directory holding other files or the staged files
            of a dock still running, cannot be created or written to, or one of the output
            files is a directory there.
    """
    if out.exists() and not out.is_dir():
        raise InputError(_("dock team-assembly: --out {path} exists and is not a "
                           "directory").format(path=repr(str(out))))
    own = {RESULTS_FILE, TRANSITIONS_FILE, FIGURE_FILE}
    try:
        entries = {entry.name for entry in out.iterdir()} if out.is_dir() else set()
    except OSError as err:
        raise InputError(_("dock team-assembly: cannot read the output directory {path}: "
                           "{reason}").format(path=repr(str(out)), reason=err.strerror)) from None
    stale, live = _partials(out, entries)
    if live:
        raise InputError(_("dock team-assembly: another 'verkosto dock team-assembly' (process "
                           "{pid}) is writing into --out {path}; wait until it ends or choose "
                           "another --out").format(pid=live[0], path=repr(str(out))))
    entries -= {path.name for path in stale}
    if entries and not (entries <= own and RESULTS_FILE in entries):
        others = sorted(entries - own) or sorted(entries)
        raise InputError(_("dock team-assembly: --out {path} holds files not written by "
                           "'verkosto dock team-assembly' ({files}); choose another --out or "
                           "empty it first").format(
            path=repr(str(out)), files=", ".join(others[:SHOWN_FILES])
            + (", …" if len(others) > SHOWN_FILES else "")))
    for path in stale:
        # Left by a dock that was killed while writing: never renamed into place, so no
        # result of it is lost; removing it here is what the sweep store does with its own.
        path.unlink(missing_ok=True)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(_("dock team-assembly: cannot create the output directory {path}: "
                           "{reason}").format(path=repr(str(out)), reason=err.strerror)) from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise InputError(_("dock team-assembly: no permission to write in the output "
                           "directory {path}").format(path=repr(str(out))))
    for name in (RESULTS_FILE, TRANSITIONS_FILE, FIGURE_FILE):
        if (out / name).is_dir():
            raise InputError(_("dock team-assembly: {path} is a directory; the results are "
                               "written to a file of that name").format(
                path=repr(str(out / name))))


def _partial_path(final: Path, pid: int | str) -> Path:
    """Where process ``pid`` stages ``final`` before renaming it into place."""
    return final.with_name(PARTIAL_NAME.format(stem=final.stem, pid=pid, suffix=final.suffix))


def _partials(out: Path, entries: set[str]) -> tuple[list[Path], list[str]]:
    """The files in ``out`` that a dock staged and never renamed into place.

    Args:
        out: The output directory.
        entries: The names in it.

    Returns:
        The paths of those whose process no longer runs (a killed dock's, safe to remove),
        and the process marks (``PID@HOST``) of those whose process still runs (a dock
        writing here now). A file staged on another host, whose process cannot be asked,
        counts as a killed dock's once it is ``STALE_STAGING_AGE_S`` old.
    """
    marker = "PID"  # stands for the process mark while the name is escaped
    patterns = [re.compile(re.escape(_partial_path(Path(name), marker).name).replace(
        marker, MARK)) for name in (RESULTS_FILE, TRANSITIONS_FILE, FIGURE_FILE)]
    stale: list[Path] = []
    live: list[str] = []
    for name in sorted(entries):
        match = next((found for pattern in patterns if (found := pattern.fullmatch(name))), None)
        if match is None:
            continue
        runs = marked_process_runs(int(match.group(1)), match.group(2))
        if runs is None:
            runs = idle_seconds(out / name) < STALE_STAGING_AGE_S
        if runs:
            live.append(match.group(1) + (f"@{match.group(2)}" if match.group(2) else ""))
        else:
            stale.append(out / name)
    return stale, live


def _write_outputs(out: Path, writers: dict[str, Callable[[Path], Any]]) -> None:
    """Write each output beside its place and rename them into place together, so that a
    failure leaves the earlier files as they were, not some of them half-written.

    Raises:
        InputError: A file cannot be written (the disk is full, the directory went away).
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for name, write in writers.items():
            final = out / name
            partial = _partial_path(final, process_mark())
            staged.append((partial, final))
            write(partial)
        for partial, final in staged:
            os.replace(partial, final)
    except BaseException as err:
        # Ctrl+C as well as a full disk: leave no staged file behind.
        for partial, _final in staged:
            partial.unlink(missing_ok=True)
        if not isinstance(err, OSError):
            raise
        raise InputError(_("dock team-assembly: cannot write the results into {path}: "
                           "{reason}").format(path=repr(str(out)),
                                              reason=err.strerror or err)) from None


def heading_text(tau: int, replications: int, settings: Any, seed: int) -> str:
    """The first line of ``verkosto dock team-assembly``: what was run.

    Args:
        tau: Idle steps an agent survives.
        replications: Replications per condition.
        settings: The runs' ``experiments.docking.RunSettings``.
        seed: The master seed.
    """
    return ngettext("Team assembly (Guimerà et al. 2005), tau={tau}, {n} replication, "
                    "{steps} steps ({burn_in} burn-in), seed {seed}",
                    "Team assembly (Guimerà et al. 2005), tau={tau}, {n} replications, "
                    "{steps} steps ({burn_in} burn-in), seed {seed}", replications).format(
        tau=tau, n=replications, steps=settings.steps, burn_in=settings.burn_in, seed=seed)


def s_table_text(table: Any) -> str:
    """The table of mean S (``experiments.docking.s_table``) as the current language writes
    its numbers (the column names ``m=4 q=0.5`` and the p index too).
    """
    # The table holds only numbers below 1 and their m=/q=/p labels, so the decimal mark can
    # be changed in pandas' text, which keeps pandas' alignment and its format of the index.
    return numeral(table.to_string(float_format=lambda x: f"{x:.3f}"))


def transitions_text(transitions: Any) -> str:
    """The transition points p* and their shifts (``experiments.docking.estimate_transitions``)
    as lines for the terminal, in the current language.
    """
    from experiments import docking

    lines = [_("Transition p* (mean S reaches {level}), {confidence} bootstrap "
               "intervals:").format(level=numeral(f"{docking.TRANSITION_LEVEL:g}"),
                                    confidence=i18n.current().percent(docking.CI_LEVEL))]
    q_ref = transitions.groupby(["m", "tau"])["q"].transform("min")
    m_ref = transitions.groupby(["q", "tau"])["m"].transform("min")
    many_q = transitions.groupby(["m", "tau"])["q"].transform("nunique") > 1
    many_m = transitions.groupby(["q", "tau"])["m"].transform("nunique") > 1
    for i, row in enumerate(transitions.itertuples(index=False)):
        line = "  " + _("m={m} q={q}: p* = {p_star}").format(
            m=row.m, q=numeral(f"{row.q:g}"),
            p_star=_format_interval(row.p_star, row.p_lo, row.p_hi))
        if row.q != q_ref.iloc[i]:
            shift = _format_interval(row.shift_q, row.shift_q_lo, row.shift_q_hi, signed=True)
            line += "; " + _("shift from q={q}: {shift}").format(
                q=numeral(f"{q_ref.iloc[i]:g}"), shift=shift)
        if row.m != m_ref.iloc[i]:
            shift = _format_interval(row.shift_m, row.shift_m_lo, row.shift_m_hi, signed=True)
            line += "; " + _("shift from m={m}: {shift}").format(m=m_ref.iloc[i], shift=shift)
        # Say which rows the shifts are measured from (their own shift, 0, has no interval).
        of_q = row.q == q_ref.iloc[i] and many_q.iloc[i]
        of_m = row.m == m_ref.iloc[i] and many_m.iloc[i]
        if of_q and of_m:
            line += "; " + _("reference for the shifts in q and m")
        elif of_q:
            line += "; " + _("reference for the shifts in q")
        elif of_m:
            line += "; " + _("reference for the shifts in m")
        lines.append(line)
    return "\n".join(lines)
