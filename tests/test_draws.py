"""Draws made inside compiled kernels (model/draws.py) are numpy's draws, in numpy's stream.

Each check draws the same things from two generators of one seed, one through numpy and
one through the compiled draws, interleaved with draws through numpy on both (so the
stream and the 32-bit buffer of PCG64 stay shared across the boundary), and asserts the
numbers are identical, bit for bit.
"""

from __future__ import annotations

import numba
import numpy as np
import pytest

from model import draws

SEEDS = range(40)
# Ranges with each of numpy's paths: nothing to draw (1), small, just under and at 2**31,
# the rejection-heavy 2**31 + 1, the full 32-bit range (2**32 - 1 and 2**32).
RANGES = (1, 2, 3, 7, 24, 1000, 2**31, 2**31 + 1, 2**32 - 1, 2**32)


@numba.njit(cache=False)
def _uniforms(src: int, size: int) -> np.ndarray:
    out = np.empty(size)
    for k in range(size):
        out[k] = draws.uniform(src)
    return out


@numba.njit(cache=False)
def _belows(src: int, n: int, size: int) -> np.ndarray:
    out = np.empty(size, dtype=np.int64)
    for k in range(size):
        out[k] = draws.below(src, n)
    return out


@numba.njit(cache=False)
def _poissons(src: int, lam: float, size: int) -> np.ndarray:
    out = np.empty(size, dtype=np.int64)
    for k in range(size):
        out[k] = draws.poisson_small(src, lam)
    return out


@pytest.mark.parametrize("seed", SEEDS)
def test_compiled_draws_are_numpys(seed):
    ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
    src = draws.source(ours)
    for n in RANGES:
        size = int(theirs.integers(1, 40))
        assert int(ours.integers(1, 40)) == size
        np.testing.assert_array_equal(_belows(src, n, size), theirs.integers(n, size=size))
        np.testing.assert_array_equal(_uniforms(src, 3), theirs.random(3))
        lam = float(theirs.random()) * 9.99
        assert float(ours.random()) * 9.99 == lam
        np.testing.assert_array_equal(_poissons(src, lam, size), theirs.poisson(lam, size))
        # A single integer draw leaves PCG64 half of a 64-bit output in its buffer: the next
        # numpy draw of the other side must find it there as well.
        assert draws.below(src, 5) == theirs.integers(5)
        np.testing.assert_array_equal(ours.integers(9, size=3), theirs.integers(9, size=3))
    assert _poissons(src, 0.0, 4).tolist() == [0, 0, 0, 0]
    assert ours.random() == theirs.random()  # a mean of 0 draws nothing, as in numpy


def test_below_stays_in_range_and_covers_it():
    src_rng = np.random.default_rng(3)
    got = _belows(draws.source(src_rng), 6, 6000)
    assert got.min() == 0 and got.max() == 5
    counts = np.bincount(got, minlength=6)
    # 1000 expected per value; 5 standard deviations (sqrt(1000 x 5/6) ~ 29) either side.
    assert np.all(np.abs(counts - 1000) < 5 * 29)


def test_source_is_the_generators_own_state():
    rng = np.random.default_rng(11)
    assert draws.source(rng) == draws.source(rng)  # the same struct while it lives
    other = np.random.default_rng(11)
    assert draws.source(other) != draws.source(rng)
    draws.uniform(draws.source(rng))
    assert rng.random() == other.random(2)[1]  # the draw advanced ``rng`` itself
