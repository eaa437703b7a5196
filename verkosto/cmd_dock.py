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
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from verkosto.argtypes import DEFAULT_WORKERS, PROBABILITY, number
from verkosto.errors import InputError

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


def _list_of(item: Callable[[str], float]) -> Callable[[str], list]:
    def parse(text: str) -> list:
        parts = [part.strip() for part in text.split(",")]
        if not parts or any(not part for part in parts):
            raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list")
        values = [item(part) for part in parts]
        if len(set(values)) != len(values):
            raise argparse.ArgumentTypeError(f"{text!r} repeats a value")
        return sorted(values)

    return parse


def register(subparsers: Any) -> None:
    """Add the ``dock`` subcommand and its ``team-assembly`` experiment.

    Args:
        subparsers: The ``add_subparsers()`` object of the ``verkosto`` parser.
    """
    dock = subparsers.add_parser(
        "dock",
        help="dock the model against published models",
        description="Reproduce published results with the model's own code paths.",
    )
    experiments = dock.add_subparsers(dest="dock_experiment", metavar="EXPERIMENT")
    experiments.required = True
    team = experiments.add_parser(
        "team-assembly",
        help="team assembly of Guimerà et al. (2005): S against p",
        description=(
            "Team assembly (Guimerà, Uzzi, Spiro and Amaral 2005, Science 308:697): one team "
            "of m per step; each seat goes to an incumbent with probability p, who is a "
            "previous collaborator of the team with probability q; agents idle for more than "
            "tau steps leave. Prints S (share of agents in the largest component) for each p "
            "and the transition point p* where mean S reaches 0.5, with bootstrap intervals."
        ),
    )
    team.add_argument(
        "--m", type=_list_of(number(2, integer=True)), default=[DEFAULT_M], metavar="M",
        help=f"team size, or a comma-separated list (default {DEFAULT_M})",
    )
    team.add_argument(
        "--q", type=_list_of(PROBABILITY), default=[0.0], metavar="Q",
        help="probability of choosing a previous collaborator, or a list (default 0)",
    )
    team.add_argument(
        "--p", type=_list_of(PROBABILITY), default=list(DEFAULT_P_GRID), metavar="LIST",
        help="comma-separated probabilities that a seat goes to an incumbent "
        "(default 0,0.05,...,1)",
    )
    team.add_argument(
        "--tau", type=number(1, integer=True), default=DEFAULT_TAU, metavar="T",
        help=f"idle steps before an agent leaves (default {DEFAULT_TAU})",
    )
    team.add_argument(
        "--replications", type=number(1, integer=True), default=DEFAULT_REPLICATIONS, metavar="N",
        help=f"replications per condition (default {DEFAULT_REPLICATIONS})",
    )
    team.add_argument(
        "--steps", type=number(1, integer=True), default=None, metavar="STEPS",
        help=f"steps per run (default {STEPS_PER_TAU} * tau)",
    )
    team.add_argument(
        "--burn-in", type=number(0, integer=True), default=None, metavar="STEPS",
        help=f"steps before S is averaged (default {BURN_IN_PER_TAU} * tau)",
    )
    team.add_argument(
        "--seed", type=number(0, integer=True), default=0, metavar="SEED", help="master seed (default 0)"
    )
    team.add_argument(
        "--jobs", type=number(1, integer=True), default=DEFAULT_WORKERS, metavar="J",
        help=f"worker processes (default {DEFAULT_WORKERS})",
    )
    team.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
        help=f"output directory (default {DEFAULT_OUT})",
    )
    team.set_defaults(func=run_team_assembly)


def _format_interval(value: float, lo: float, hi: float) -> str:
    if math.isnan(value):
        return "not reached"
    if math.isnan(lo):
        return f"{value:.3f} [interval undefined]"
    return f"{value:.3f} [{lo:.3f}, {hi:.3f}]"


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
        raise InputError(
            f"dock team-assembly: --burn-in ({burn_in}) must be smaller than --steps ({steps})"
        )
    settings = docking.RunSettings(steps, burn_in, docking.DEFAULT_SAMPLE_EVERY)
    out: Path = args.out
    if out.exists() and not out.is_dir():
        raise InputError(f"dock team-assembly: --out {str(out)!r} exists and is not a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(
            f"dock team-assembly: cannot create the output directory {str(out)!r}: {err.strerror}"
        ) from None
    from tqdm import tqdm

    n_tasks = len(args.m) * len(args.q) * args.replications
    with tqdm(total=n_tasks, unit="task", disable=not sys.stderr.isatty(), leave=False) as bar:
        results = docking.team_assembly_sweep(
            args.m, args.q, args.p, tau=args.tau, replications=args.replications,
            master_seed=args.seed, settings=settings, jobs=args.jobs, progress=bar.update,
        )
    transitions = docking.estimate_transitions(results, seed=args.seed)
    results.to_csv(out / RESULTS_FILE, index=False)
    transitions.to_csv(out / TRANSITIONS_FILE, index=False)
    docking.plot_s_curves(results, str(out / FIGURE_FILE))

    print(
        f"Team assembly (Guimerà et al. 2005), tau={args.tau}, {args.replications} "
        f"replications, {settings.steps} steps ({settings.burn_in} burn-in), seed {args.seed}"
    )
    print("Mean S (share of agents in the largest component):")
    print(docking.s_table(results).to_string(float_format=lambda x: f"{x:.3f}"))
    level = docking.TRANSITION_LEVEL
    print(f"\nTransition p* (mean S reaches {level:g}), 95% bootstrap intervals:")
    q_ref = transitions.groupby(["m", "tau"])["q"].transform("min")
    m_ref = transitions.groupby(["q", "tau"])["m"].transform("min")
    for i, row in enumerate(transitions.itertuples(index=False)):
        line = f"  m={row.m} q={row.q:g}: p* = {_format_interval(row.p_star, row.p_lo, row.p_hi)}"
        if row.q != q_ref.iloc[i]:
            shift = _format_interval(row.shift_q, row.shift_q_lo, row.shift_q_hi)
            line += f"; shift from q={q_ref.iloc[i]:g}: {shift}"
        if row.m != m_ref.iloc[i]:
            shift = _format_interval(row.shift_m, row.shift_m_lo, row.shift_m_hi)
            line += f"; shift from m={m_ref.iloc[i]}: {shift}"
        print(line)
    print(f"\nWrote {out / RESULTS_FILE}, {out / TRANSITIONS_FILE} and {out / FIGURE_FILE}")
    sys.stdout.flush()
    return 0
