"""Benchmark of large networks: set-up time against Mesa's virus_on_network, peak memory,
and the capacity from which the model keeps its pairs in the sparse store.

Measures, in one run:

* set-up time of a 10,000-participant network (1,000 organisations x 10 people,
  ``max_participants`` 10,000) against building Mesa's shipped
  ``mesa.examples.basic.virus_on_network`` at 10,000 nodes, with its random graph
  seeded and no layout (the shipped model computes a spring layout of the graph,
  which is not set-up of the model and dwarfs everything else); wall time, the
  contenders taken in turn, ``--reps`` repetitions; the ratio repetition by
  repetition (median and range), and the set-up split into its parts;
* peak memory of set-up plus ``--weeks`` weeks at 5,000 and 10,000 participants, each
  in a fresh subprocess: tracemalloc's peak and the process's peak RSS (``VmHWM``),
  median and range over ``--reps`` processes;
* with ``--growing``: peak memory (process RSS) and CPU time of a network that grows
  from 9 people to 10,000 by recruiting (``GROWING``, parameters within their declared
  bounds), in a fresh subprocess each, with the pair store handed over to the sparse form
  when growth reaches ``SPARSE_FROM`` (``relations.grown_store``) and with the dense
  store kept all the way (as before that hand-over); the same results either way;
* with ``--switch``: CPU microseconds per participant-step of the dense and the sparse
  pair store side by side (``model.relations.SPARSE_FROM`` forced either way) at a few
  sizes, coordination budget scaled with size, and the dense store's memory, which
  is how ``SPARSE_FROM`` was chosen.

The pair store: the dense store (``model.relations.Relations``) keeps a record for every
ordered pair of slots, capacity squared; the sparse store (``SparseRelations``,
``model/sparse_kernels.py``) keeps records only for pairs that have been written,
row by row, with the same results bit for bit. The model uses the sparse store from a
capacity of ``SPARSE_FROM`` slots on.

The machine is shared: timings are medians of repetitions and vary with other load.

Usage::

    .venv/bin/python benchmarks/bench_large.py             # set-up and memory (minutes)
    .venv/bin/python benchmarks/bench_large.py --quick     # one repetition, fewer weeks
    .venv/bin/python benchmarks/bench_large.py --switch    # also the dense/sparse step cost
    .venv/bin/python benchmarks/bench_large.py --growing   # also a network growing to 10,000
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "benchmarks"):
    if str(path) not in sys.path:  # run as a plain script from any directory
        sys.path.insert(0, str(path))

from bench_model import (  # noqa: E402
    SEED,
    SeededVirusOnNetwork,
    _module_attr,
    _peak_rss_mib,
    scaled_budget,
    virus_module,
)
from mesa.discrete_space import Network  # noqa: E402

import model.relations as relations  # noqa: E402
from model import NetworkModel  # noqa: E402
from model.model import NetworkModel as _Model  # noqa: E402

# (organisations, people per organisation) of the large networks.
SETUP_SIZE = (1000, 10)
MEMORY_SIZES = ((500, 10), (1000, 10))
SWITCH_SIZES = ((50, 10), (100, 10), (200, 10))
#: A network that grows from 9 people to 10,000 within a few hundred weeks: active
#: recruiters, nobody leaving, low status thresholds (every value within its bounds).
GROWING = {"n_organisations": 3, "participants_per_organisation": 3, "recruit_rate": 0.45,
           "share_recruiters": 0.6, "turnover_per_year": 0.0, "active_threshold": 0.05,
           "peripheral_threshold": 0.02, "max_participants": 10_000}
GROWING_WEEKS = 400
BYTES_PER_MIB = 2**20
US_PER_S = 1e6
PAIR_RECORD_BYTES = 24 + 1  # the dense store's record and its tie-candidate flag
# Parts of the set-up timed separately (methods of the model and of the pair stores).
PARTS = (
    (_Model, "_add_organisation", "organisations"),
    (_Model, "_add_participants", "seating people"),
    (_Model, "_start_relations_sparse", "starting relations (sparse)"),
    (relations.SparseRelations, "build", "  of which: building the rows"),
    (_Model, "record", "first recording (all reporters)"),
)


class UnlaidVirusOnNetwork(SeededVirusOnNetwork):
    """``SeededVirusOnNetwork`` with its network built without a layout (``layout=None``):
    the graph, its cells and agents, and the first recording, but no node positions.
    """

    def __init__(self, **kwargs: object):
        with _module_attr(virus_module, "Network", functools.partial(Network, layout=None)):
            super().__init__(**kwargs)


def _large(n_orgs: int, per_org: int, **overrides: object) -> NetworkModel:
    n = n_orgs * per_org
    return NetworkModel(rng=SEED, n_organisations=n_orgs, participants_per_organisation=per_org,
                        max_participants=n, **overrides)


@contextlib.contextmanager
def _timed_parts(spent: dict[str, float]) -> Iterator[None]:
    """Add the wall time spent in each of ``PARTS`` to ``spent`` while inside."""
    saved = []
    for owner, name, label in PARTS:
        method = owner.__dict__[name]

        def timed(*args: object, _method: Callable = method, _label: str = label,
                  **kwargs: object) -> object:
            start = time.perf_counter()
            try:
                return _method(*args, **kwargs)
            finally:
                spent[_label] = spent.get(_label, 0.0) + time.perf_counter() - start

        saved.append((owner, name, method))
        setattr(owner, name, timed)
    try:
        yield
    finally:
        for owner, name, method in saved:
            setattr(owner, name, method)


def bench_setup(reps: int) -> dict[str, object]:
    """Set-up wall time of the model and of virus_on_network at 10,000, taken in turn."""
    n_orgs, per_org = SETUP_SIZE
    n = n_orgs * per_org
    _large(2, 5)  # load the compiled kernels before timing
    ours, virus, parts = [], [], []
    for _ in range(reps):
        spent: dict[str, float] = {}
        with _timed_parts(spent):
            start = time.perf_counter()
            model = _large(n_orgs, per_org)
            ours.append(time.perf_counter() - start)
        parts.append(spent)
        store = type(model.rel).__name__
        del model
        start = time.perf_counter()
        UnlaidVirusOnNetwork(num_nodes=n, rng=SEED)
        virus.append(time.perf_counter() - start)
    ratios = [a / b for a, b in zip(ours, virus, strict=True)]
    labels = [label for _, _, label in PARTS if any(label in p for p in parts)]
    return {"participants": n, "store": store, "ours_s": ours, "virus_s": virus,
            "ratios": ratios,
            "parts": {k: statistics.median(p.get(k, 0.0) for p in parts) for k in labels}}


def bench_memory(reps: int, weeks: int) -> list[dict[str, object]]:
    """Peak memory of set-up plus ``weeks`` weeks, each run in a fresh subprocess."""
    rows = []
    for n_orgs, per_org in MEMORY_SIZES:
        runs = [_memory_in_subprocess(n_orgs, per_org, weeks) for _ in range(reps)]
        rows.append({"participants": n_orgs * per_org, "weeks": weeks,
                     "traced": [r["traced_peak_mib"] for r in runs],
                     "rss": [r["peak_rss_mib"] for r in runs],
                     "records": runs[-1]["records"]})
    return rows


def _memory_in_subprocess(n_orgs: int, per_org: int, weeks: int) -> dict[str, float]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--memory-child",
           f"{n_orgs}x{per_org}x{weeks}"]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def memory_child(spec: str) -> None:
    """Set up and run one large network under tracemalloc in this (fresh) process; print
    the peaks as JSON. The compiled kernels are loaded first, outside the trace.
    """
    n_orgs, per_org, weeks = (int(x) for x in spec.split("x"))
    _large(2, 5).run_for(2)
    tracemalloc.start()
    model = _large(n_orgs, per_org, coordination_budget_eur=scaled_budget(n_orgs * per_org))
    model.run_for(weeks)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    records = getattr(model.rel, "records", model.capacity**2)
    print(json.dumps({"traced_peak_mib": peak / BYTES_PER_MIB, "peak_rss_mib": _peak_rss_mib(),
                      "records": records}))


def bench_growing(reps: int) -> list[dict[str, object]]:
    """Peak memory and CPU time of the ``GROWING`` network over ``GROWING_WEEKS`` weeks, in
    a fresh subprocess each, with the hand-over to the sparse store and without it.
    """
    rows = []
    for label, limit in (("hand-over at SPARSE_FROM", relations.SPARSE_FROM),
                         ("dense all the way", 10**9)):
        runs = []
        for _ in range(reps):
            cmd = [sys.executable, str(Path(__file__).resolve()), "--growing-child", str(limit)]
            done = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        rows.append({"store": label, "rss": [r["peak_rss_mib"] for r in runs],
                     "cpu": [r["cpu_s"] for r in runs], **{k: runs[-1][k] for k in
                                                           ("capacity", "present", "final")}})
    return rows


def growing_child(limit: str) -> None:
    """Run the ``GROWING`` network with ``SPARSE_FROM`` at ``limit`` in this (fresh)
    process; print its peak RSS, CPU time, final capacity, people present and store as JSON.
    The compiled kernels are loaded first, outside the timing.
    """
    _large(2, 5).run_for(2)
    relations.SPARSE_FROM = int(limit)
    start = time.process_time()
    model = NetworkModel(rng=SEED, **GROWING)
    model.run_for(GROWING_WEEKS)
    print(json.dumps({"peak_rss_mib": _peak_rss_mib(), "cpu_s": time.process_time() - start,
                      "capacity": model.capacity, "present": int(model.members().size),
                      "final": type(model.rel).__name__}))


def bench_switch(steps: int, warmup: int) -> list[dict[str, float]]:
    """CPU microseconds per participant-step with each pair store, scaled budget."""
    rows = []
    for n_orgs, per_org in SWITCH_SIZES:
        n = n_orgs * per_org
        us = {}
        for name, limit in (("dense", 10**9), ("sparse", 0)):
            saved = relations.SPARSE_FROM
            relations.SPARSE_FROM = limit
            try:
                model = NetworkModel(rng=SEED, n_organisations=n_orgs,
                                     participants_per_organisation=per_org,
                                     max_participants=2 * n,
                                     coordination_budget_eur=scaled_budget(n))
            finally:
                relations.SPARSE_FROM = saved
            model.run_for(warmup)
            start = time.process_time()
            model.run_for(steps)
            us[name] = (time.process_time() - start) / steps / n * US_PER_S
            capacity = model.capacity
        rows.append({"participants": n, "capacity": capacity, **us,
                     "dense_mib": capacity**2 * PAIR_RECORD_BYTES / BYTES_PER_MIB})
    return rows


def _spread(values: list[float], fmt: str = "{:.2f}") -> str:
    return (f"{fmt.format(statistics.median(values))} "
            f"({fmt.format(min(values))}-{fmt.format(max(values))})")


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="one repetition, 3 weeks")
    parser.add_argument("--reps", type=int, default=3, help="repetitions (default 3)")
    parser.add_argument("--weeks", type=int, default=10,
                        help="weeks run after set-up in the memory runs (default 10)")
    parser.add_argument("--switch", action="store_true",
                        help="also time the dense and the sparse pair store side by side")
    parser.add_argument("--growing", action="store_true",
                        help="also a network growing from 9 people to 10,000, with and "
                             "without the hand-over to the sparse store")
    parser.add_argument("--memory-child", metavar="SPEC", help=argparse.SUPPRESS)
    parser.add_argument("--growing-child", metavar="LIMIT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        memory_child(args.memory_child)
        return
    if args.growing_child:
        growing_child(args.growing_child)
        return
    reps, weeks = (1, 3) if args.quick else (args.reps, args.weeks)
    print(f"verkosto large-network benchmark (seed {SEED}, {reps} repetition(s); wall time; "
          f"SPARSE_FROM = {relations.SPARSE_FROM} slots)\n")
    setup = bench_setup(reps)
    print(f"Set-up at {setup['participants']} participants ({setup['store']}) against "
          f"virus_on_network at {setup['participants']} nodes (seeded graph, no layout):")
    print(f"  model   {_spread(setup['ours_s'])} s   (median, lowest-highest)")
    print(f"  virus   {_spread(setup['virus_s'])} s")
    print(f"  ratio   {_spread(setup['ratios'])}x   (repetition by repetition)")
    print("  parts of the model's set-up (median s):")
    for label, seconds in setup["parts"].items():
        print(f"    {label:<34} {seconds:6.2f}")
    print(f"\nPeak memory, set-up plus {weeks} weeks (scaled budget), fresh process each "
          f"(median, lowest-highest MiB):")
    for row in bench_memory(reps, weeks):
        print(f"  {row['participants']:>6} participants: traced {_spread(row['traced'], '{:.0f}')}"
              f", process RSS {_spread(row['rss'], '{:.0f}')}; {row['records']:,} pair records")
    if args.growing:
        print(f"\nA network growing from 9 people ({GROWING_WEEKS} weeks, max_participants "
              f"{GROWING['max_participants']:,}), fresh process each (median, lowest-highest):")
        for row in bench_growing(reps):
            print(f"  {row['store']:<25} peak RSS {_spread(row['rss'], '{:.0f}')} MiB, CPU "
                  f"{_spread(row['cpu'], '{:.1f}')} s; capacity {row['capacity']:,}, "
                  f"{row['present']:,} present, {row['final']}")
    if args.switch:
        print("\nCPU microseconds per participant-step, scaled budget, by pair store:")
        print(f"{'participants':>12} {'capacity':>8} {'dense':>8} {'sparse':>8} "
              f"{'dense store MiB':>16}")
        for row in bench_switch(steps=10 if args.quick else 30, warmup=5):
            print(f"{row['participants']:>12} {row['capacity']:>8} {row['dense']:>8.1f} "
                  f"{row['sparse']:>8.1f} {row['dense_mib']:>16.0f}")


if __name__ == "__main__":
    main()
