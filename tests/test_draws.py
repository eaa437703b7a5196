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


# (population, sample) pairs through both of numpy's paths: Floyd's algorithm (population up
# to 10,000, or a sample of at most a 50th of it) and the tail shuffle of an arange (above
# 10,000 with a larger sample), at their edges; nothing drawn, one, all.
SAMPLES = ((0, 0), (1, 0), (1, 1), (2, 1), (2, 2), (3, 3), (24, 1), (24, 5), (24, 24),
           (1000, 999), (10000, 10000), (10001, 200), (10001, 201), (10001, 10001),
           (20000, 400), (20000, 401), (20000, 7000), (20000, 20000))


def _sample_cases(seed: int) -> list[tuple[int, int]]:
    """The edge cases, then random ones from small to ~20,000 (each size 0 .. population)."""
    pick = np.random.default_rng(1000 + seed)
    cases = list(SAMPLES)
    for top in (5, 40, 300, 12000, 20000):
        n = int(pick.integers(1, top + 1))
        cases.append((n, int(pick.integers(0, n + 1))))
        cases.append((n, int(pick.integers(0, min(n, 60) + 1))))
    return cases


@pytest.mark.parametrize("seed", SEEDS)
def test_sample_is_numpys_choice_without_replacement(seed):
    ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
    src = draws.source(ours)
    for n, size in _sample_cases(seed):
        # Two to four 32-bit draws before, some compiled: the sample starts on a fresh or on
        # a half-used 64-bit output of PCG64 (its buffer), and numpy finds either after.
        odd = int(theirs.integers(1, 4))
        assert int(ours.integers(1, 4)) == odd
        for _ in range(odd):
            assert draws.below(src, 1000) == theirs.integers(1000)
        got = draws.sample(src, n, size)
        want = theirs.choice(n, size=size, replace=False)
        assert got.dtype == np.int64 and got.shape == (size,)
        np.testing.assert_array_equal(got, want)
        assert ours.integers(2**20) == theirs.integers(2**20)
        assert ours.random() == theirs.random()


def test_sample_from_a_population_of_one_draws_nothing():
    ours, theirs = np.random.default_rng(5), np.random.default_rng(5)
    assert draws.sample(draws.source(ours), 1, 1).tolist() == [0]
    assert draws.sample(draws.source(ours), 0, 0).size == 0
    assert ours.random() == theirs.random()


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


def test_source_follows_the_generator_asked_for():
    """The address kept from the last call is only reused for the same bit generator:
    generators asked for in turn, and new ones made after others are dropped (their memory
    may be reused), each get their own ``bitgen_t``.
    """
    def address(rng: np.random.Generator) -> int:
        return int(rng.bit_generator.ctypes.bit_generator.value)

    a, b = np.random.default_rng(1), np.random.default_rng(2)
    for rng in (a, b, a, a, b):
        assert draws.source(rng) == address(rng)
    for seed in range(20):
        fresh = np.random.default_rng(seed)
        assert draws.source(fresh) == address(fresh)
        del fresh
