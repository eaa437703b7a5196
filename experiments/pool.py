"""Worker processes for the experiments (sweeps, docking)."""

from __future__ import annotations

import multiprocessing
import multiprocessing.context


def process_context(preload: str) -> multiprocessing.context.BaseContext:
    """A start method that is safe in a process with threads, with ``preload`` imported once.

    Forking a process that runs threads (tqdm's monitor, Dask, pytest-xdist) can deadlock;
    the fork server imports ``preload`` once and forks clean workers from it, ready to run,
    with the model's compiled kernels already loaded (``experiments.warm``). Where there is
    no fork server, workers are spawned.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([preload, "experiments.warm"])
        return context
    return multiprocessing.get_context("spawn")
