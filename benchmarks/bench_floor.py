"""The floor of a week written as the model is written: how fast can a 24-person week be
while ``step()`` stays a Python method calling one named method per process?

A skeleton model (:class:`Skeleton`) keeps only the shape of ``NetworkModel``'s week:
the schedule's processes (read from ``NetworkModel.step``), each a Python method that
draws one vector of random numbers from the model's generator and makes one compiled call
on the people structure (``model.state.People``, one argument for all participant arrays), then
Mesa's ``DataCollector`` recording the model's number of reporters. The kernels do a
token amount of work (one pass over the people), so what is measured is the cost of the
architecture: Python method calls, numba dispatch, random draws, recording. Variants:

* ``processes``: the processes only (no recording);
* ``+ record (constants)``: and a recording of reporters that return a constant (the
  DataCollector's own cost);
* ``+ record (one numpy reduction each)``: and reporters that each reduce an array, the
  least a real reporter does.

Each is timed against Mesa's ``virus_on_network`` at the same number of agents (seeded
graph, no layout, as in ``bench_model.py``), in CPU time, the contenders taken in turn,
the median of ``--reps`` repetitions and the ratio repetition by repetition.

Usage::

    .venv/bin/python benchmarks/bench_floor.py [--people 24] [--steps 2000] [--reps 7]
"""

from __future__ import annotations

import argparse
import inspect
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import mesa
import numba
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "benchmarks"):
    if str(path) not in sys.path:  # run as a plain script from any directory
        sys.path.insert(0, str(path))

from bench_model import SEED, SeededVirusOnNetwork  # noqa: E402

from model import NetworkModel, state  # noqa: E402
from model.reporters import MODEL_REPORTERS  # noqa: E402

#: The schedule's processes, read from ``NetworkModel.step()`` (as bench_processes.py does).
PROCESSES = tuple(re.findall(r"self\.(\w+)\(\)", inspect.getsource(NetworkModel.step)))
US_PER_S = 1e6


@numba.njit(cache=True)
def _touch(people: state.People, u: np.ndarray, n: int) -> float:
    """A token process: one pass over the first ``n`` people."""
    total = 0.0
    for k in range(n):
        total += people.commitment[k] * u[k]
    return total


def _constant(model: Skeleton) -> float:
    return 0.0


def _reduction(model: Skeleton) -> float:
    return float(model.commitment[: model.n].mean())


class Skeleton(mesa.Model):
    """The week's shape without its work (see the module docstring).

    Args:
        n: People in the network.
        reporters: Reporter function for each of ``len(MODEL_REPORTERS)`` columns, or None
            for no recording.
        rng: Seed.
    """

    def __init__(self, n: int, reporters: Callable[[Skeleton], float] | None, rng: int):
        super().__init__(rng=rng)
        self.n = n
        arrays = state.allocate(state.PEOPLE, max(32, 2 * n))
        arrays["commitment"][:n] = self.rng.random(n)
        vars(self).update(arrays)
        self.people = state.People.of(arrays)
        self.datacollector = None
        if reporters is not None:
            self.datacollector = mesa.DataCollector(
                {name: reporters for name in MODEL_REPORTERS})
        self.total = 0.0
        for name in PROCESSES:  # one method per process, as NetworkModel has
            setattr(self, name, self._process)

    def _process(self) -> None:
        u = self.rng.random(self.n)
        self.total += _touch(self.people, u, self.n)

    def step(self) -> None:
        """The schedule: each process in turn, then the recording."""
        for name in PROCESSES:
            getattr(self, name)()
        if self.datacollector is not None:
            self.datacollector.collect(self)


def _us_per_step(make: Callable[[], mesa.Model], steps: int) -> float:
    model = make()
    for _ in range(10):
        model.step()
    start = time.process_time()
    for _ in range(steps):
        model.step()
    return (time.process_time() - start) / steps * US_PER_S


def main(argv: list[str] | None = None) -> None:
    """Print the floor of each variant against virus_on_network and the model itself."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=24)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args(argv)
    n = args.people
    per_org = 3
    contenders: dict[str, Callable[[], mesa.Model]] = {
        "virus_on_network": lambda: SeededVirusOnNetwork(num_nodes=n, rng=SEED),
        "processes": lambda: Skeleton(n, None, SEED),
        "+ record (constants)": lambda: Skeleton(n, _constant, SEED),
        "+ record (one numpy reduction each)": lambda: Skeleton(n, _reduction, SEED),
        "NetworkModel": lambda: NetworkModel(rng=SEED, n_organisations=max(1, n // per_org),
                                             participants_per_organisation=per_org),
    }
    steps = {name: args.steps for name in contenders}
    steps["NetworkModel"] = min(args.steps, 156)  # a real run's length; it may end early
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(args.reps):
        for name, make in contenders.items():
            samples[name].append(_us_per_step(make, steps[name]))
    virus = samples["virus_on_network"]
    print(f"A week's floor with Python at the schedule's boundaries, {n} people "
          f"({len(PROCESSES)} processes, {len(MODEL_REPORTERS)} reporters); CPU us per week, "
          f"median of {args.reps}; ratio to virus_on_network per agent-step, repetition by "
          f"repetition (median, lowest-highest)\n")
    for name, values in samples.items():
        ratios = [a / b for a, b in zip(values, virus, strict=True)]
        print(f"  {name:<38} {statistics.median(values):8.1f} us   "
              f"{statistics.median(ratios):6.2f}x ({min(ratios):.2f}-{max(ratios):.2f})")


if __name__ == "__main__":
    main()
