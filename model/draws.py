"""Random draws inside compiled kernels, from the model's own generator.

A kernel that draws as it goes (a number of draws that depends on what it finds, or
draws interleaved with its work) takes the model's generator as :func:`source`, an
integer, and calls :func:`uniform`, :func:`below`, :func:`poisson_small` or
:func:`sample` on it. These advance the generator's own state through the functions its
bit generator exposes to C code (numpy's ``bitgen_t``: the state and the ``next_uint64``,
``next_uint32`` and ``next_double`` functions), with numpy's own algorithms, so a
kernel's draws are the numbers ``rng.random()``, ``rng.integers(n)``,
``rng.poisson(lam)`` and ``rng.choice(n, size, replace=False)`` would have given in the
same order, and draws made in Python before and after continue the same stream.
Nothing is seeded or kept here: all randomness stays the model's (``self.rng``).

Passing a numpy ``Generator`` into a numba function costs ~10 us per call (its unboxing);
passing :func:`source` costs what passing an integer does.

The source is valid while the generator lives; a kernel must not be given the source of
a generator another thread is using (numpy's own calls take the generator's lock; these
do not).
"""

from __future__ import annotations

import numba
import numpy as np
from llvmlite import ir
from numba.core import types
from numba.extending import intrinsic

_jit = numba.njit(cache=True, nogil=True)

# Positions of the function pointers in numpy's ``bitgen_t`` struct (numpy/random/bitgen.h:
# state, next_uint64, next_uint32, next_double, next_raw; all pointer-sized).
_NEXT_UINT64, _NEXT_UINT32, _NEXT_DOUBLE = 1, 2, 3


# The last bit generator asked for and its address, as one tuple (replaced whole, so a
# thread never reads one's generator with another's address). Holding the generator keeps it
# alive, so the identity check cannot match a new generator at a reused address. Reading
# the address through ctypes costs ~0.3 us, three to four times in a small network's week.
_last_source: tuple[object, int] = (None, 0)


def source(rng: np.random.Generator) -> int:
    """The address of ``rng``'s bit generator (numpy's ``bitgen_t``), for kernels that draw.

    Args:
        rng: The model's generator.

    Returns:
        An integer the kernels of this module read the generator through.
    """
    global _last_source
    bit_generator = rng.bit_generator
    last, address = _last_source
    if bit_generator is not last:
        address = int(bit_generator.ctypes.bit_generator.value)
        _last_source = (bit_generator, address)
    return address


def _bitgen_call(slot: int, result: ir.Type, signature_result: types.Type):
    """An intrinsic calling the ``bitgen_t`` function at ``slot`` on its own state."""

    @intrinsic
    def call(typingctx, bitgen):
        if not isinstance(bitgen, types.Integer):
            return None

        def codegen(context, builder, signature, args):
            void_p = ir.IntType(8).as_pointer()
            fields = builder.inttoptr(args[0], void_p.as_pointer())
            state = builder.load(fields)
            function_type = ir.FunctionType(result, [void_p])
            function = builder.bitcast(
                builder.load(builder.gep(fields, [ir.Constant(ir.IntType(64), slot)])),
                function_type.as_pointer())
            return builder.call(function, [state])

        return signature_result(bitgen), codegen

    return call


_next_double = _bitgen_call(_NEXT_DOUBLE, ir.DoubleType(), types.float64)
_next_uint32 = _bitgen_call(_NEXT_UINT32, ir.IntType(32), types.uint32)
_next_uint64 = _bitgen_call(_NEXT_UINT64, ir.IntType(64), types.uint64)


@_jit
def uniform(src: int) -> float:
    """One draw in [0, 1): ``rng.random()``."""
    return _next_double(src)


@_jit
def below(src: int, n: int) -> int:
    """One draw from 0 .. n - 1 (``n >= 1``): ``rng.integers(n)``, for ``n <= 2**32``.

    numpy draws a bounded integer by Lemire's multiply-and-reject method on 32-bit
    outputs when the range fits in 32 bits (Lemire 2019, "Fast random integer generation
    in an interval"); ``n == 1`` draws nothing.
    """
    top = n - 1  # numpy's inclusive range
    if top == 0:
        return 0
    if top == 0xFFFFFFFF:
        return np.int64(_next_uint32(src))
    span = np.uint64(top + 1)
    m = np.uint64(_next_uint32(src)) * span
    leftover = m & np.uint64(0xFFFFFFFF)
    if leftover < span:
        threshold = (np.uint64(0xFFFFFFFF) - np.uint64(top)) % span
        while leftover < threshold:
            m = np.uint64(_next_uint32(src)) * span
            leftover = m & np.uint64(0xFFFFFFFF)
    return np.int64(m >> np.uint64(32))


@_jit
def poisson_small(src: int, lam: float) -> int:
    """One Poisson draw of mean ``lam``, ``0 <= lam < 10``: ``rng.poisson(lam)``.

    numpy multiplies uniforms until the product falls to ``exp(-lam)`` or below (Knuth's
    method) for means under 10, and draws nothing for a mean of 0; larger means use
    another method, not reproduced here (a kernel needing them draws in Python).
    """
    if lam == 0.0:
        return 0
    return poisson_below(src, np.exp(-lam))


@_jit
def poisson_below(src: int, limit: float) -> int:
    """:func:`poisson_small` of the mean ``lam > 0`` whose ``exp(-lam)`` is ``limit``: for a
    kernel that draws many of one mean, so that it takes the exponential once rather than
    once a draw (the same value, so the same draws).
    """
    count = 0
    product = 1.0
    while True:
        product *= _next_double(src)
        if product > limit:
            count += 1
        else:
            return count


#: The largest mean :func:`poisson_small` reproduces numpy for (numpy's switch of method).
POISSON_SMALL_LIMIT = 10.0


#: numpy's choice without replacement shuffles the tail of a whole ``arange`` instead of
#: Floyd's algorithm when the population exceeds this and the sample is above a 50th of it.
SAMPLE_TAIL_SHUFFLE_POPULATION = 10000


@_jit
def _mask(top: int) -> int:
    """The smallest ``2**k - 1`` at least ``top`` (numpy's ``_gen_mask``)."""
    mask = top
    mask |= mask >> 1
    mask |= mask >> 2
    mask |= mask >> 4
    mask |= mask >> 8
    mask |= mask >> 16
    mask |= mask >> 32
    return mask


@_jit
def sample(src: int, n: int, size: int) -> np.ndarray:
    """``size`` distinct draws from 0 .. n - 1 in random order (``0 <= size <= n <= 2**32``):
    ``rng.choice(n, size=size, replace=False)``.

    numpy (``Generator.choice`` without ``p``, shuffled) picks by Floyd's algorithm,
    remembering the picks in an open-addressing hash set, then shuffles them (Fisher-Yates
    from the back); above :data:`SAMPLE_TAIL_SHUFFLE_POPULATION` with a sample of more
    than a 50th of the population it shuffles the last ``size`` places of ``arange(n)``
    instead. Both are reproduced, each draw numpy's bounded integer (:func:`below`).
    """
    if n > SAMPLE_TAIL_SHUFFLE_POPULATION and size > n // 50:
        pool = np.arange(n)
        for i in range(n - 1, max(n - size, 1) - 1, -1):
            j = below(src, i + 1)
            pool[i], pool[j] = pool[j], pool[i]
        return pool[n - size:].copy()
    picked = np.empty(size, dtype=np.int64)
    # The set only answers "drawn before?": its size (numpy's, over 1.2 x size) keeps it
    # from filling, so its probes always end.
    mask = _mask(int(1.2 * size))
    table = np.full(mask + 1, -1, dtype=np.int64)
    for j in range(n - size, n):
        value = below(src, j + 1)
        loc = value & mask
        while table[loc] != -1 and table[loc] != value:
            loc = (loc + 1) & mask
        if table[loc] == -1:  # a new pick
            table[loc] = value
        else:  # drawn before: Floyd takes j itself, which no earlier round could draw
            value = j
            loc = j & mask
            while table[loc] != -1:
                loc = (loc + 1) & mask
            table[loc] = j
        picked[j - n + size] = value
    for i in range(size - 1, 0, -1):
        k = below(src, i + 1)
        picked[i], picked[k] = picked[k], picked[i]
    return picked
