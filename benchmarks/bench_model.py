"""Benchmark of the network model's per-step cost, against Mesa's own virus_on_network.

Measures, in one process:

* CPU microseconds per participant-step of ``NetworkModel`` at 24 (the default network),
  50, 200 and 1,000 participants (warm-up, then ``--steps`` timed steps, median of ``--reps``
  repetitions of the same seeded run, so the repetitions do identical work and
  the median removes timing noise only);
* the same for Mesa's shipped ``mesa.examples.basic.virus_on_network`` at the
  same numbers of agents, with its random graph made seeded (see
  :class:`SeededVirusOnNetwork`), and the ratio of the two. The repetitions of
  the contenders are taken in turn, so a slow spell of a shared machine falls
  on all of them; the ratio is also given repetition by repetition (median and
  range), which shows how much of it is the machine's noise;
* the cost of one recording (all model reporters) at 1,000 participants, timed
  directly inside real weeks, and its share of a week;
* the default run (156 weeks, default parameters): wall time, and peak memory
  measured in a fresh subprocess (tracemalloc peak and the process's peak RSS);
* optionally (``--profile``) a cProfile of the 1,000-participant case.

Each size is run twice: with default parameters (the model at that size,
everything else at its default), and with the coordination budget scaled with
the network (the default budget per participant, capped at the parameter's
upper bound). With the default 1,500 EUR/month a 1,000-person network cannot
afford a single meeting (the coordinator reserves coffee and travel for
everyone invited), collapses within weeks, and then costs little per step; the
scaled budget keeps it alive, the heavier load of a network that works at that
size. The ratio to virus_on_network is given for both.

Participants are counted at the start (``n_organisations x
participants_per_organisation``: 8 x 3, 10 x 5, 40 x 5, 200 x 5); the network then
grows or shrinks.

The pair store depends on the capacity (twice the starting size, at most
``max_participants``): the 24-, 50- and 200-participant networks keep their pairs
in the dense store, the 1,000-participant one (capacity 2,000) in the sparse
store (``model.relations.SPARSE_FROM``; same results either way). The
large-network set-up and memory are measured by ``benchmarks/bench_large.py``.

Usage::

    .venv/bin/python benchmarks/bench_model.py            # full run (about a minute)
    .venv/bin/python benchmarks/bench_model.py --quick    # fast sanity run
    .venv/bin/python benchmarks/bench_model.py --profile  # add the cProfile top 15
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import pstats
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a plain script from any directory
    sys.path.insert(0, str(ROOT))

import mesa.examples.basic.virus_on_network.model as virus_module  # noqa: E402
from mesa.examples.basic.virus_on_network.model import VirusOnNetwork  # noqa: E402

from model import DEFAULT_STEPS, PARAMETERS, NetworkModel  # noqa: E402

# (organisations, participants per organisation) for 24 (the default network), 50, 200 and
# 1,000 participants.
SIZES: tuple[tuple[int, int], ...] = ((8, 3), (10, 5), (40, 5), (200, 5))
LARGE = SIZES[-1]
SEED = 20260101
PROFILE_TOP = 15
SEED_BOUND = 2**31 - 1
US_PER_S = 1e6
BYTES_PER_MIB = 2**20
KIB_PER_MIB = 1024  # ru_maxrss and VmHWM are in KiB on Linux


@dataclass(frozen=True)
class Settings:
    """How much work each measurement does."""

    warmup: int
    steps: int
    reps: int
    default_steps: int


FULL = Settings(warmup=10, steps=50, reps=5, default_steps=DEFAULT_STEPS)
QUICK = Settings(warmup=2, steps=5, reps=1, default_steps=20)


class SeededVirusOnNetwork(VirusOnNetwork):
    """Mesa's virus_on_network, with its Erdős–Rényi graph drawn from the model's rng.

    The shipped model calls ``nx.erdos_renyi_graph(n=..., p=...)`` without a
    seed, so two runs with the same ``rng`` differ. Mesa is not edited: while
    the parent constructor runs, the example module's ``nx`` name points to a
    stand-in whose ``erdos_renyi_graph`` passes ``seed=`` drawn from this
    model's ``rng`` (already set up by ``mesa.Model.__init__`` by then).
    """

    def __init__(self, **kwargs: object):
        def seeded_graph(n: int, p: float) -> nx.Graph:
            return nx.erdos_renyi_graph(n=n, p=p, seed=int(self.rng.integers(SEED_BOUND)))

        with _module_attr(virus_module, "nx", SimpleNamespace(erdos_renyi_graph=seeded_graph)):
            super().__init__(**kwargs)


@contextlib.contextmanager
def _module_attr(module: object, name: str, value: object) -> Iterator[None]:
    """Temporarily replace ``module.name`` (restored even on error)."""
    saved = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, saved)


def _one_sample(make: Callable[[], object], n_agents: int, cfg: Settings) -> float:
    """CPU microseconds per agent-step of one fresh run, timed after its warm-up.

    CPU time of this process (``time.process_time``), so that other work on a
    shared machine inflates the numbers less than wall time would.
    """
    model = make()
    for _ in range(cfg.warmup):
        model.step()
    start = time.process_time()
    for _ in range(cfg.steps):
        model.step()
    return (time.process_time() - start) / cfg.steps / n_agents * US_PER_S


def _interleaved(makers: dict[str, Callable[[], object]], n_agents: int, cfg: Settings
                 ) -> dict[str, list[float]]:
    """Microseconds per agent-step of several models, one sample each per repetition, the
    repetitions taken in turn, so that a slow spell of a shared machine falls on all of
    them alike.
    """
    samples: dict[str, list[float]] = {name: [] for name in makers}
    for _ in range(cfg.reps):
        for name, make in makers.items():
            samples[name].append(_one_sample(make, n_agents, cfg))
    return samples


def paired_ratios(ours: list[float], theirs: list[float]) -> list[float]:
    """Ratio of two contenders' samples repetition by repetition (taken one after the other)."""
    return [a / b for a, b in zip(ours, theirs, strict=True)]


def scaled_budget(n_participants: int) -> float:
    """The default coordination budget per participant times ``n``, within its bounds."""
    info = PARAMETERS["coordination_budget_eur"]
    n_default = (PARAMETERS["n_organisations"].default
                 * PARAMETERS["participants_per_organisation"].default)
    return min(info.high, info.default * n_participants / n_default)


def _network(n_orgs: int, per_org: int, scaled: bool = False, **overrides: object
             ) -> NetworkModel:
    if scaled:
        overrides["coordination_budget_eur"] = scaled_budget(n_orgs * per_org)
    return NetworkModel(rng=SEED, n_organisations=n_orgs, participants_per_organisation=per_org,
                        **overrides)


def bench_sizes(cfg: Settings) -> list[dict[str, float]]:
    """Per participant-step cost of the model and of virus_on_network at each size."""
    rows = []
    for n_orgs, per_org in SIZES:
        n = n_orgs * per_org
        us = _interleaved({
            "ours": lambda o=n_orgs, k=per_org: _network(o, k),
            "live": lambda o=n_orgs, k=per_org: _network(o, k, scaled=True),
            "virus": lambda n=n: SeededVirusOnNetwork(num_nodes=n, rng=SEED)}, n, cfg)
        ours, live, virus = (statistics.median(us[k]) for k in ("ours", "live", "virus"))
        pairs = {k: paired_ratios(us[k], us["virus"]) for k in ("ours", "live")}
        rows.append({"participants": n, "organisations": n_orgs, "budget": scaled_budget(n),
                     "model_us": ours, "scaled_us": live, "virus_us": virus,
                     "ratio": ours / virus, "scaled_ratio": live / virus,
                     **{f"{k}_pairs": v for k, v in pairs.items()}})
    return rows


def bench_recording(cfg: Settings) -> dict[str, float]:
    """CPU time of one recording (``NetworkModel.record``: every model reporter) at 1,000
    participants, scaled budget, and its share of a week.

    A recording's cost depends on what changed since the previous one (the reporters keep
    running sums that a recording brings up to date), so it is timed inside real weeks: the
    model instance's ``record`` is wrapped with a CPU-time counter. Median over repetitions.
    """
    n_orgs, per_org = LARGE
    recording_ms, share = [], []
    for _ in range(cfg.reps):
        model = _network(n_orgs, per_org, scaled=True)
        model.run_for(cfg.warmup)
        spent = [0.0]
        record = model.record

        def timed_record(record: Callable[[], None] = record, spent: list[float] = spent
                         ) -> None:
            start = time.process_time()
            record()
            spent[0] += time.process_time() - start

        model.record = timed_record  # the instance's attribute: step() calls it
        start = time.process_time()
        for _ in range(cfg.steps):
            model.step()
        week = (time.process_time() - start) / cfg.steps
        recording_ms.append(spent[0] / cfg.steps * 1e3)
        share.append(spent[0] / cfg.steps / week)
    return {"participants": n_orgs * per_org, "recording_ms": statistics.median(recording_ms),
            "share": statistics.median(share), "active": int(model.active_slots().size)}


def bench_default_run(cfg: Settings) -> dict[str, float]:
    """Wall and CPU time of a default run (construction included) and its memory in a
    subprocess."""
    start, cpu = time.perf_counter(), time.process_time()
    model = NetworkModel(rng=SEED)
    model.run_for(cfg.default_steps)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    out = {"steps": cfg.default_steps, "participants": model.initial_size, "wall_s": wall,
           "cpu_s": cpu, "outcome": model.outcome}
    out.update(_memory_in_subprocess(cfg.default_steps, None))
    n_orgs, per_org = LARGE
    large = _memory_in_subprocess(cfg.default_steps, LARGE)
    out.update({f"large_{k}": v for k, v in large.items()})
    out["large_participants"] = n_orgs * per_org
    return out


def _memory_in_subprocess(steps: int, size: tuple[int, int] | None) -> dict[str, float]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--memory-child", str(steps)]
    if size is not None:
        cmd += ["--size", f"{size[0]}x{size[1]}"]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def memory_child(steps: int, size: str | None) -> None:
    """Run one model under tracemalloc in this (fresh) process and print peaks as JSON."""
    overrides = {}
    if size:
        n_orgs, per_org = (int(x) for x in size.split("x"))
        overrides = {"n_organisations": n_orgs, "participants_per_organisation": per_org}
    tracemalloc.start()
    model = NetworkModel(rng=SEED, **overrides)
    model.run_for(steps)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(json.dumps({"traced_peak_mib": peak / BYTES_PER_MIB, "peak_rss_mib": _peak_rss_mib()}))


def _peak_rss_mib() -> float:
    """This process's peak resident set size.

    Linux carries ``ru_maxrss`` over ``exec`` from the forking parent, which
    would report the benchmark's own peak; ``VmHWM`` belongs to this process.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / KIB_PER_MIB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / KIB_PER_MIB


def profile_large(cfg: Settings) -> str:
    """cProfile of the 1,000-participant case (scaled budget): top functions by cumulative
    time, then by own time."""
    model = _network(*LARGE, scaled=True)
    model.run_for(cfg.warmup)
    profiler = cProfile.Profile(time.process_time)  # CPU time, as the timings above
    profiler.enable()
    for _ in range(cfg.steps):  # step() directly: no scheduler frames in the listing
        model.step()
    profiler.disable()
    buf = io.StringIO()
    stats = pstats.Stats(profiler, stream=buf)
    stats.sort_stats("cumulative").print_stats(PROFILE_TOP)
    buf.write("Same profile by own time (tottime):\n")
    stats.sort_stats("tottime").print_stats(PROFILE_TOP)
    return buf.getvalue()


def _print_report(cfg: Settings, sizes: list[dict], rec: dict, run: dict) -> None:
    print(f"verkosto model benchmark  (warm-up {cfg.warmup} steps, {cfg.steps} timed steps, "
          f"median of {cfg.reps}; CPU time; seed {SEED})\n")
    print("Microseconds per participant-step (virus_on_network: per agent-step);")
    print("'defaults' = default parameters, 'scaled' = coordination budget scaled with size")
    print(f"{'participants':>12} {'orgs':>5} {'budget':>7} {'defaults':>9} {'scaled':>8} "
          f"{'virus':>7} {'ratio':>7} {'ratio':>7}")
    print(f"{'':>12} {'':>5} {'EUR/mo':>7} {'':>9} {'':>8} {'':>7} {'default':>7} {'scaled':>7}")
    for r in sizes:
        print(f"{r['participants']:>12} {r['organisations']:>5} {r['budget']:>7.0f} "
              f"{r['model_us']:>9.1f} {r['scaled_us']:>8.1f} {r['virus_us']:>7.2f} "
              f"{r['ratio']:>6.2f}x {r['scaled_ratio']:>6.2f}x")
    print("\nRatio to virus_on_network repetition by repetition (median, lowest-highest):")
    for r in sizes:
        parts = [f"{label} {statistics.median(r[key]):.2f}x ({min(r[key]):.2f}-{max(r[key]):.2f})"
                 for label, key in (("defaults", "ours_pairs"), ("scaled", "live_pairs"))]
        print(f"{r['participants']:>12}  " + "   ".join(parts))
    print(f"\nOne recording (all model reporters) at {rec['participants']} participants, "
          f"scaled budget: {rec['recording_ms']:.3f} ms CPU, {100 * rec['share']:.1f}% of a "
          f"week ({rec['active']} active at the end)")
    print(f"\nDefault run ({run['participants']} participants, {run['steps']} steps): "
          f"{run['wall_s']:.2f} s wall ({run['cpu_s']:.2f} s CPU), outcome {run['outcome']}")
    print(f"  peak memory: traced {run['traced_peak_mib']:.1f} MiB, "
          f"process RSS {run['peak_rss_mib']:.1f} MiB")
    print(f"  same run at {run['large_participants']} participants: traced "
          f"{run['large_traced_peak_mib']:.1f} MiB, "
          f"process RSS {run['large_peak_rss_mib']:.1f} MiB")


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="few steps, one repetition")
    parser.add_argument("--profile", action="store_true",
                        help=f"also print a cProfile (top {PROFILE_TOP}) of the "
                             f"{LARGE[0] * LARGE[1]}-participant case")
    parser.add_argument("--memory-child", type=int, metavar="STEPS", help=argparse.SUPPRESS)
    parser.add_argument("--size", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child is not None:
        memory_child(args.memory_child, args.size)
        return
    cfg = QUICK if args.quick else FULL
    sizes = bench_sizes(cfg)
    rec = bench_recording(cfg)
    run = bench_default_run(cfg)
    _print_report(cfg, sizes, rec, run)
    if args.profile:
        print(f"\ncProfile, {LARGE[0] * LARGE[1]} participants (scaled budget), {cfg.steps} steps "
              f"after {cfg.warmup} warm-up steps:")
        print(profile_large(cfg))


if __name__ == "__main__":
    main()
