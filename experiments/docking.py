"""Docking against a published model: team assembly (Guimerà et al. 2005).

Guimerà, Uzzi, Spiro and Amaral (2005), *Science* 308:697-702, and the NetLogo
Models Library's *Team Assembly* (Bakshy and Wilensky 2007): one team of ``m``
members forms per step; each seat goes to an incumbent with probability ``p``
(else to a newcomer); an incumbent is, with probability ``q``, a previous
collaborator of someone already on the team (else any incumbent); all members
of a team become linked; agents idle for more than ``tau`` steps leave with
their links. The order parameter is ``S``, the share of current agents in the
largest connected component, averaged over the stationary part of a run.

The seats are filled by :func:`model.formation.assemble_teams`, the function
the network model uses for its working groups and conversation groups (here
with one lane and one team per step), so this experiment docks the model's
own code path against the published result.

Seeds: ``numpy.random.SeedSequence(master_seed).spawn(replications)`` gives
one seed per replication, and replication ``r`` of every condition
``(m, q, tau, p)`` runs on seed ``r`` (common random numbers). Replications are
independent; conditions within a replication are paired, which narrows the
intervals of the transition's shifts, and a row's value does not depend on
which other conditions were run, nor on the number of worker processes.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments.pool import process_context
from model.formation import assemble_teams

#: Team size of the NetLogo model's default (its slider spans 3-8).
DEFAULT_M = 4
#: Steps an agent may stay idle before it leaves (the NetLogo default ``max-downtime``).
DEFAULT_TAU = 40
#: Length of a run in units of tau (burn-in included): N and the agents'
#: lifetimes grow in proportion to tau, and so does the time to settle.
STEPS_PER_TAU = 75
#: Steps discarded before averaging S, in units of tau (the network grows for
#: about tau steps, then settles; 25 tau leaves a margin of several lifetimes).
BURN_IN_PER_TAU = 25
#: Steps between two measurements of S in the stationary part.
DEFAULT_SAMPLE_EVERY = 5
#: The grid of incumbent probabilities of a sweep.
DEFAULT_P_GRID: tuple[float, ...] = tuple(round(0.05 * i, 2) for i in range(21))
#: The level of S whose crossing defines the transition point p*.
TRANSITION_LEVEL = 0.5
#: Bootstrap resamples of the replications for the intervals of p*.
N_BOOTSTRAP = 2000
#: Coverage of the bootstrap percentile intervals.
CI_LEVEL = 0.95
#: Line styles and markers that tell team sizes apart in the figure.
PLOT_LINESTYLES = ("-", "--", ":", "-.")
PLOT_MARKERS = ("o", "s", "^", "D", "v")
#: Columns of the tidy result table, in order.
RESULT_COLUMNS = ("m", "q", "tau", "p", "replication", "S")
#: Agent slots of the collaboration matrix at the start; it doubles when full.
INITIAL_SLOTS = 64


@dataclass(frozen=True)
class RunSettings:
    """Length and sampling of one run.

    Attributes:
        steps: Steps in the run (one team per step), burn-in included.
        burn_in: Steps discarded before S is averaged.
        sample_every: Steps between measurements of S after the burn-in.
    """

    steps: int = STEPS_PER_TAU * DEFAULT_TAU
    burn_in: int = BURN_IN_PER_TAU * DEFAULT_TAU
    sample_every: int = DEFAULT_SAMPLE_EVERY

    @classmethod
    def for_tau(cls, tau: int, sample_every: int = DEFAULT_SAMPLE_EVERY) -> RunSettings:
        """Default run length and burn-in for a given ``tau``.

        Args:
            tau: Idle steps an agent survives.
            sample_every: Steps between measurements of S.

        Returns:
            ``steps = STEPS_PER_TAU * tau`` and ``burn_in = BURN_IN_PER_TAU * tau``.
        """
        return cls(STEPS_PER_TAU * tau, BURN_IN_PER_TAU * tau, sample_every)

    def __post_init__(self) -> None:
        """Reject settings that leave nothing to average."""
        if self.sample_every < 1:
            raise ValueError(f"sample_every must be at least 1, got {self.sample_every}")
        if not 0 <= self.burn_in < self.steps:
            raise ValueError(
                f"burn_in must be in [0, steps), got burn_in={self.burn_in}, steps={self.steps}"
            )


def check_parameters(m: int, p: float, q: float, tau: int) -> None:
    """Raise ``ValueError`` unless the team-assembly parameters are in range.

    Args:
        m: Team size, at least 2 (a team of one makes no links).
        p: Probability that a seat goes to an incumbent, in [0, 1].
        q: Probability that an incumbent is a previous collaborator, in [0, 1].
        tau: Idle steps an agent survives, at least 1.
    """
    if isinstance(m, bool) or not isinstance(m, int | np.integer) or m < 2:
        raise ValueError(f"team size m must be an integer of at least 2, got {m!r}")
    for name, value in (("p", p), ("q", q)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must be in [0, 1], got {value!r}")
    if isinstance(tau, bool) or not isinstance(tau, int | np.integer) or tau < 1:
        raise ValueError(f"tau must be an integer of at least 1, got {tau!r}")


class TeamAssembly:
    """The team-assembly model, one team per :meth:`step`.

    The collaboration network is kept as adjacency sets keyed by agent id
    (for S) and, for :func:`model.formation.assemble_teams`, as a boolean
    matrix over agent slots (a leaver's slot is reused by a later newcomer);
    every current agent is an incumbent for the next team. An agent last on a
    team at step ``t`` is removed, with its links, at the end of step
    ``t + tau + 1`` unless it joined another team meanwhile (idle for more than
    ``tau`` steps), as in the NetLogo model.

    Attributes:
        m: Team size.
        p: Probability that a seat goes to an incumbent.
        q: Probability that an incumbent is a previous collaborator of a member.
        tau: Idle steps an agent survives.
        rng: The run's random generator.
        time: Steps done.
        adjacency: Agent id -> ids of its current collaborators.
        last_active: Agent id -> last step it was on a team.
        last_team: Members of the latest team, in the order they were chosen.
        last_newcomers: The newcomers among them.
        seats: Seats filled so far.
        newcomer_seats: Seats that went to newcomers.
        incumbent_seats: Seats that went to incumbents.
        repeat_seats: Incumbent seats that went to a previous collaborator of a
            member already on the team.
    """

    def __init__(self, m: int, p: float, q: float, tau: int, rng: np.random.Generator) -> None:
        check_parameters(m, p, q, tau)
        self.m, self.p, self.q, self.tau = int(m), float(p), float(q), int(tau)
        self.rng = rng
        self.time = 0
        self.adjacency: dict[int, set[int]] = {}
        self.last_active: dict[int, int] = {}
        self.last_team: list[int] = []
        self.last_newcomers: list[int] = []
        self.seats = 0
        self.newcomer_seats = 0
        self.incumbent_seats = 0
        self.repeat_seats = 0
        self._next_id = 0
        self._due: dict[int, list[int]] = {}
        self._links = np.zeros((INITIAL_SLOTS, INITIAL_SLOTS), dtype=bool)  # slot x slot
        self._agent_at = np.full(INITIAL_SLOTS, -1, dtype=np.int64)  # slot -> agent id, -1 if free
        self._slot_of: dict[int, int] = {}

    @property
    def n_agents(self) -> int:
        """Number of current agents."""
        return len(self.adjacency)

    def _grow(self) -> None:
        """Double the slots of the collaboration matrix."""
        old = self._agent_at.size
        links = np.zeros((2 * old, 2 * old), dtype=bool)
        links[:old, :old] = self._links
        self._links = links
        self._agent_at = np.concatenate([self._agent_at, np.full(old, -1, dtype=np.int64)])

    def step(self) -> list[int]:
        """Assemble one team, link its members and retire idle agents.

        Returns:
            The members of the new team, in the order they were chosen.
        """
        now = self.time
        adjacency = self.adjacency
        occupied = self._agent_at >= 0
        free = np.flatnonzero(~occupied)
        if free.size < self.m:  # room for a team of newcomers
            self._grow()
            occupied = self._agent_at >= 0
            free = np.flatnonzero(~occupied)
        # Newcomers: m free slots, so that a newcomer is there for every seat.
        newcomer = np.zeros(occupied.size, dtype=bool)
        newcomer[free[: self.m]] = True
        seats = assemble_teams(self.rng, self.m, self.p, self.q, occupied[None], newcomer[None],
                               self._links[None])[0]
        slots = seats[seats >= 0]
        team: list[int] = []
        newcomers: list[int] = []
        for slot in slots.tolist():
            agent = int(self._agent_at[slot])
            if agent < 0:  # a newcomer: the next id, in the order seated
                agent = self._next_id
                self._next_id += 1
                self._agent_at[slot] = agent
                self._slot_of[agent] = slot
                newcomers.append(agent)
            team.append(agent)
        self._count_seats(team, set(newcomers))
        for agent in newcomers:
            adjacency[agent] = set()
        for agent in team:
            adjacency[agent].update(team)
            adjacency[agent].discard(agent)
            self.last_active[agent] = now
        self._links[slots[:, None], slots] = True
        self._links[slots, slots] = False
        self._due.setdefault(now + self.tau + 1, []).extend(team)
        self._retire(now)
        self.last_team, self.last_newcomers = team, newcomers
        self.time = now + 1
        return team

    def _count_seats(self, team: list[int], newcomers: set[int]) -> None:
        self.seats += len(team)
        self.newcomer_seats += len(newcomers)
        for k, agent in enumerate(team):
            if agent in newcomers:
                continue
            self.incumbent_seats += 1
            neighbours = self.adjacency[agent]
            if any(other in neighbours for other in team[:k]):
                self.repeat_seats += 1

    def _retire(self, now: int) -> None:
        idle_since = now - self.tau - 1
        for agent in self._due.pop(now, ()):
            if self.last_active.get(agent) == idle_since:
                for neighbour in self.adjacency.pop(agent):
                    self.adjacency[neighbour].discard(agent)
                del self.last_active[agent]
                slot = self._slot_of.pop(agent)
                self._links[slot, :] = False
                self._links[:, slot] = False
                self._agent_at[slot] = -1

    def giant_share(self) -> float:
        """Share of current agents in the largest connected component (0 if none).

        A breadth-first search over the adjacency sets (set differences run in
        C), linear in agents and links; no graph object is rebuilt.
        """
        adjacency = self.adjacency
        if not adjacency:
            return 0.0
        seen: set[int] = set()
        largest = 0
        for start in adjacency:
            if start in seen:
                continue
            component = {start}
            frontier = [start]
            while frontier:
                fresh = adjacency[frontier.pop()] - component
                if fresh:
                    component |= fresh
                    frontier.extend(fresh)
            seen |= component
            largest = max(largest, len(component))
        return largest / len(adjacency)

    def run(self, settings: RunSettings) -> float:
        """Run to ``settings.steps`` and return S averaged after the burn-in.

        Args:
            settings: Length of the run, burn-in and sampling interval.

        Returns:
            The mean of S over the steps ``burn_in, burn_in + sample_every, ...``
            (each measured after that step's team formed and idle agents left).
        """
        samples: list[float] = []
        while self.time < settings.steps:
            self.step()
            done = self.time - 1
            if done >= settings.burn_in and (done - settings.burn_in) % settings.sample_every == 0:
                samples.append(self.giant_share())
        return float(np.mean(samples))


def replication_seeds(master_seed: int, replications: int) -> list[np.random.SeedSequence]:
    """One seed per replication, spawned from the master seed.

    Args:
        master_seed: The sweep's master seed.
        replications: Number of replications.

    Returns:
        ``SeedSequence(master_seed).spawn(replications)``.
    """
    return np.random.SeedSequence(master_seed).spawn(replications)


def simulate_s(
    m: int,
    p: float,
    q: float,
    tau: int,
    seed: np.random.SeedSequence | int,
    settings: RunSettings | None = None,
) -> float:
    """S of one run of the team-assembly model.

    Args:
        m: Team size.
        p: Probability that a seat goes to an incumbent.
        q: Probability that an incumbent is a previous collaborator.
        tau: Idle steps an agent survives.
        seed: Seed of the run's generator.
        settings: Run length and sampling (default: ``RunSettings.for_tau(tau)``).

    Returns:
        The share of agents in the largest component, averaged over the
        stationary part of the run.
    """
    model = TeamAssembly(m, p, q, tau, np.random.default_rng(seed))
    return model.run(settings or RunSettings.for_tau(tau))


def _run_task(
    task: tuple[int, float, int, tuple[float, ...], int, np.random.SeedSequence, RunSettings],
) -> list[tuple[int, float, int, float, int, float]]:
    m, q, tau, ps, replication, seed, settings = task
    return [
        (m, q, tau, p, replication, simulate_s(m, p, q, tau, seed, settings)) for p in ps
    ]


def _run_all(executor: Executor, tasks: list, progress: Callable[[int], None] | None) -> list:
    futures = [executor.submit(_run_task, task) for task in tasks]
    if progress is not None:
        for _ in as_completed(futures):
            progress(1)
    return [future.result() for future in futures]


def team_assembly_sweep(
    ms: Iterable[int] = (DEFAULT_M,),
    qs: Iterable[float] = (0.0,),
    ps: Iterable[float] = DEFAULT_P_GRID,
    *,
    tau: int = DEFAULT_TAU,
    replications: int = 5,
    master_seed: int = 0,
    settings: RunSettings | None = None,
    executor: Executor | None = None,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Run the team-assembly model over a grid with replications.

    Each task is one ``(m, q, replication)`` over all ``p`` (a few seconds of
    work); tasks run in ``executor`` if given, else in ``jobs`` local
    processes (serially when ``jobs`` is 1). The result does not depend on
    the executor or the number of workers.

    Args:
        ms: Team sizes.
        qs: Probabilities of choosing a previous collaborator.
        ps: Probabilities that a seat goes to an incumbent.
        tau: Idle steps an agent survives.
        replications: Replications of every condition.
        master_seed: Master seed (see the module docstring).
        settings: Run length and sampling (default: ``RunSettings.for_tau(tau)``).
        executor: A ``concurrent.futures`` executor to run the tasks in.
        jobs: Local worker processes when no executor is given.
        progress: Called with 1 each time a task (one ``(m, q, replication)``
            over all ``p``) finishes, e.g. a progress bar's ``update``.

    Returns:
        A tidy table with columns ``m, q, tau, p, replication, S``, one row per
        run, sorted by ``m, q, p, replication``.

    Raises:
        ValueError: If a parameter is out of range or a list is empty.
    """
    ms = sorted({int(m) for m in ms})
    qs = sorted({float(q) for q in qs})
    ps = sorted({float(p) for p in ps})
    if not (ms and qs and ps):
        raise ValueError("the lists of m, q and p must not be empty")
    if replications < 1:
        raise ValueError(f"replications must be at least 1, got {replications}")
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    for m, q, p in itertools.product(ms, qs, ps):
        check_parameters(m, p, q, tau)
    settings = settings or RunSettings.for_tau(tau)
    seeds = replication_seeds(master_seed, replications)
    tasks = [
        (m, q, tau, tuple(ps), r, seeds[r], settings)
        for m, q, r in itertools.product(ms, qs, range(replications))
    ]
    if executor is not None:
        chunks = _run_all(executor, tasks, progress)
    elif jobs > 1 and len(tasks) > 1:
        workers = min(jobs, len(tasks))
        with ProcessPoolExecutor(max_workers=workers, mp_context=process_context(__name__)) as pool:
            chunks = _run_all(pool, tasks, progress)
    else:
        chunks = []
        for task in tasks:
            chunks.append(_run_task(task))
            if progress is not None:
                progress(1)
    rows = [row for chunk in chunks for row in chunk]
    frame = pd.DataFrame(rows, columns=list(RESULT_COLUMNS))
    frame = frame.astype({"m": "int64", "tau": "int64", "replication": "int64"})
    return frame.sort_values(["m", "q", "p", "replication"], ignore_index=True)


def crossing_points(ps: Sequence[float], curves: np.ndarray, level: float) -> np.ndarray:
    """Where each curve first reaches ``level``, by linear interpolation.

    Args:
        ps: Increasing abscissae, shape ``(P,)``.
        curves: Values at ``ps``, shape ``(..., P)``.
        level: The level to cross.

    Returns:
        Shape ``curves.shape[:-1]``: the interpolated ``p`` between the last
        point below ``level`` and the first point at or above it; ``ps[0]`` if
        the curve starts at or above ``level``; NaN if it never reaches it.
    """
    x = np.asarray(ps, dtype=float)
    y = np.asarray(curves, dtype=float)
    above = y >= level
    reached = above.any(axis=-1)
    first = np.argmax(above, axis=-1)
    before = np.maximum(first - 1, 0)
    y1 = np.take_along_axis(y, first[..., None], axis=-1)[..., 0]
    y0 = np.take_along_axis(y, before[..., None], axis=-1)[..., 0]
    x1, x0 = x[first], x[before]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(y1 > y0, (level - y0) / (y1 - y0), 1.0)
    point = np.where(first > 0, x0 + frac * (x1 - x0), x[0])
    return np.where(reached, point, np.nan)


def _interval(samples: np.ndarray, ci: float) -> tuple[float, float]:
    finite = samples[np.isfinite(samples)]
    if finite.size < samples.size or finite.size == 0:
        return float("nan"), float("nan")
    tail = 100.0 * (1.0 - ci) / 2.0
    lo, hi = np.percentile(finite, [tail, 100.0 - tail])
    return float(lo), float(hi)


def estimate_transitions(
    results: pd.DataFrame,
    *,
    level: float = TRANSITION_LEVEL,
    n_boot: int = N_BOOTSTRAP,
    ci: float = CI_LEVEL,
    seed: int = 0,
) -> pd.DataFrame:
    """Transition point p* of every ``(m, q, tau)`` and its shifts, with intervals.

    p* is where the mean S over replications first reaches ``level``
    (:func:`crossing_points`). Intervals are bootstrap percentiles over
    replications, resampled jointly for all conditions (replication ``r``
    shares its seed across conditions), so the shifts are paired: ``shift_q``
    is p* minus p* at the smallest q of the same ``(m, tau)``, ``shift_m`` is
    p* minus p* at the smallest m of the same ``(q, tau)``.

    Args:
        results: A table from :func:`team_assembly_sweep`; every condition
            must have the same replications and p values.
        level: The level of S that defines p*.
        n_boot: Bootstrap resamples.
        ci: Coverage of the intervals.
        seed: Seed of the bootstrap.

    Returns:
        One row per ``(m, q, tau)`` with ``p_star, p_lo, p_hi, shift_q_from,
        shift_q, shift_q_lo, shift_q_hi, shift_m_from, shift_m, shift_m_lo,
        shift_m_hi, replications``; ``shift_q_from`` and ``shift_m_from`` name the
        q and m each shift is measured from. A reference row (``q ==
        shift_q_from``, or ``m == shift_m_from``) has shift 0 and no interval
        (NaN); otherwise an interval is NaN when some resample never reaches
        ``level``.

    Raises:
        ValueError: If conditions differ in their replications or p values.
    """
    missing = set(RESULT_COLUMNS) - set(results.columns)
    if missing:
        raise ValueError(f"results lack the columns {sorted(missing)}")
    ps = np.sort(results["p"].unique())
    reps = np.sort(results["replication"].unique())
    keys = ["m", "q", "tau"]
    curves: dict[tuple[int, float, int], np.ndarray] = {}
    for key, group in results.groupby(keys, sort=True):
        table = group.pivot_table(index="replication", columns="p", values="S", aggfunc="mean")
        if table.shape != (reps.size, ps.size) or table.isna().any().any():
            raise ValueError(f"condition m, q, tau = {key} lacks some replications or p values")
        curves[(int(key[0]), float(key[1]), int(key[2]))] = table.loc[reps, ps].to_numpy()
    rng = np.random.default_rng(seed)
    picks = rng.integers(reps.size, size=(n_boot, reps.size))
    point = {k: float(crossing_points(ps, c.mean(axis=0), level)) for k, c in curves.items()}
    boot = {k: crossing_points(ps, c[picks].mean(axis=1), level) for k, c in curves.items()}

    rows = []
    for m, q, tau in curves:
        lo, hi = _interval(boot[(m, q, tau)], ci)
        row = {"m": m, "q": q, "tau": tau, "p_star": point[(m, q, tau)], "p_lo": lo, "p_hi": hi}
        q_ref = min(k[1] for k in curves if k[0] == m and k[2] == tau)
        m_ref = min(k[0] for k in curves if k[1] == q and k[2] == tau)
        for name, ref, of in (("shift_q", (m, q_ref, tau), q_ref),
                              ("shift_m", (m_ref, q, tau), m_ref)):
            row[f"{name}_from"] = of
            row[name] = point[(m, q, tau)] - point[ref]
            # The reference itself: its shift is 0 by definition, not a measured 0 with a
            # zero-width interval, so its interval is left empty.
            row[f"{name}_lo"], row[f"{name}_hi"] = (
                (float("nan"), float("nan")) if ref == (m, q, tau)
                else _interval(boot[(m, q, tau)] - boot[ref], ci))
        row["replications"] = int(reps.size)
        rows.append(row)
    return pd.DataFrame(rows)


def s_table(results: pd.DataFrame) -> pd.DataFrame:
    """Mean S over replications: one row per p, one column per ``(m, q)``.

    Args:
        results: A table from :func:`team_assembly_sweep`.

    Returns:
        The wide table of mean S, columns named ``"m=<m> q=<q>"``.
    """
    wide = results.pivot_table(index="p", columns=["m", "q"], values="S", aggfunc="mean")
    wide.columns = [f"m={m} q={q:g}" for m, q in wide.columns]
    return wide


def plot_s_curves(results: pd.DataFrame, path: str, *, level: float = TRANSITION_LEVEL) -> None:
    """Plot S against p, one curve per ``(m, q)`` with a 95 % band of the mean.

    Colour encodes q and line style and marker encode m.

    Args:
        results: A table from :func:`team_assembly_sweep`.
        path: Where to write the figure (format from the suffix).
        level: Level of S drawn as the transition's reference line.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.0, 4.5), layout="constrained")
    stats = results.groupby(["m", "q", "p"])["S"].agg(["mean", "sem"]).reset_index()
    ms, qs = sorted(stats["m"].unique()), sorted(stats["q"].unique())
    # Colour tells q, line style and marker tell m, so that many curves stay legible.
    colours = plt.get_cmap("viridis")(np.linspace(0.0, 0.85, len(qs)))
    styles = dict(zip(ms, itertools.cycle(PLOT_LINESTYLES), strict=False))
    markers = dict(zip(ms, itertools.cycle(PLOT_MARKERS), strict=False))
    for (m, q), curve in stats.groupby(["m", "q"]):
        colour = colours[qs.index(q)]
        half = 1.96 * curve["sem"].fillna(0.0)
        ax.plot(curve["p"], curve["mean"], color=colour, ls=styles[m], marker=markers[m], ms=3,
                label=f"m={m}, q={q:g}")
        low, high = curve["mean"] - half, curve["mean"] + half
        ax.fill_between(curve["p"], low, high, color=colour, alpha=0.2)
    ax.axhline(level, color="grey", lw=0.8, ls="--")
    tau = ", ".join(str(t) for t in sorted(results["tau"].unique()))
    ax.set(
        xlabel="p (probability that a seat goes to an incumbent)",
        ylabel="S (share of agents in the largest component)",
        xlim=(0, 1),
        ylim=(0, 1),
        title=f"Team assembly docking (τ = {tau})",
    )
    ax.legend(fontsize="x-small", loc="center left", bbox_to_anchor=(1.01, 0.5))
    fig.savefig(path, dpi=150)
    plt.close(fig)
