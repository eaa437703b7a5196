"""Kernel calls that go straight into the compiled code, past numba's per-call dispatch.

numba's dispatcher types every argument of every call to choose the compiled code to run:
about 0.04 us an array and 0.5 us a structure (``state.People``, ``kernels.GroupRules``),
2 us a call for ``kernels.collaborate`` (42 arguments, two structures) against ~17 us of
work in a small network's week. A call site whose arguments keep their numba types for
its owner's life (arrays of one dtype, dimension and layout; numbers of one kind) needs
that choice once: :class:`StraightCalls` makes its first call of each kernel through the
dispatcher (compiling if need be), looks up the compiled code for those arguments' types,
and makes later calls to it straight (the entry point the dispatcher itself calls, so the
same code and the same results).

The compiled code reads each argument as the type it was compiled for: an array of
another dtype or dimension would be misread, so use it only where the types are fixed by
construction (``tests/test_straight.py`` checks the model's call sites across scenarios).
With ``CHECKED`` (the environment's ``VERKOSTO_CHECKED_CALLS=1``; the test suite sets it
for every model it runs) each straight call first checks that its arguments have the
types of the first call, and raises ``TypeError`` if not.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from typing import Any

# Whether a straight call checks its arguments' types first (as slow as the dispatcher).
CHECKED = os.environ.get("VERKOSTO_CHECKED_CALLS", "") == "1"
# The entry point of each kernel compiled for one set of argument types only, once read.
_SOLE: dict[Callable, Callable] = {}


class _FirstCall:
    """A kernel's first call at one owner: through the dispatcher, then keep the entry."""

    def __init__(self, calls: StraightCalls, module: str, name: str):
        self._calls, self._module, self._name = calls, module, name

    def __call__(self, *args: Any) -> Any:
        kernel = getattr(importlib.import_module(self._module), self._name)
        result = kernel(*args)
        setattr(self._calls, self._name, entry_point(kernel, args))
        return result


def entry_point(kernel: Callable, args: tuple) -> Callable:
    """The compiled code ``kernel`` runs for ``args`` (compiled already), or ``kernel``
    itself where there is none to call straight (not a numba dispatcher, e.g. a test's
    stand-in, or code chosen by converting an argument's type).
    """
    overloads = getattr(kernel, "overloads", None)
    if overloads is None:
        return kernel
    if len(overloads) == 1 and not CHECKED:
        # The dispatcher has just run ``args`` through its only compiled code: that one.
        # Typing the arguments in Python to look it up would cost ~0.1 ms a kernel, and even
        # reading the one value hashes its signature (~20 us), against ~1 ms of dispatch a
        # short run saves; so it is read once a process. Checked, the tests look it up by
        # the types.
        entry = _SOLE.get(kernel)
        if entry is None:
            (compiled,) = overloads.values()
            entry = _SOLE[kernel] = compiled.entry_point
        return entry
    types = tuple(kernel.typeof_pyval(a) for a in args)
    compiled = overloads.get(types)
    if compiled is None:
        return kernel
    return _checked(kernel, types, compiled.entry_point) if CHECKED else compiled.entry_point


def _checked(kernel: Callable, types: tuple, entry: Callable) -> Callable:
    """``entry`` called only with arguments of ``types`` (what it was compiled for)."""

    def call(*args: Any) -> Any:
        now = tuple(kernel.typeof_pyval(a) for a in args)
        if now != types:
            changed = [f"argument {k}: {was} -> {new}"
                       for k, (was, new) in enumerate(zip(types, now, strict=False)) if was != new]
            raise TypeError(f"straight call of {kernel.__name__} with other types than its "
                            f"first call's ({len(types)} -> {len(now)} arguments; "
                            f"{'; '.join(changed)}): call it through the dispatcher")
        return entry(*args)

    return call


class StraightCalls:
    """One owner's straight calls of kernels of one module: attribute ``name`` calls the
    module's kernel ``name`` (through the dispatcher the first time, then straight).

    Args:
        module: The kernels' module (``"model.kernels"``).
        names: The kernels called.
    """

    def __init__(self, module: str, *names: str):
        self._module, self._names = module, names
        for name in names:
            setattr(self, name, _FirstCall(self, module, name))

    def __reduce__(self) -> tuple:
        # A copy or an unpickled owner finds its entry points again (they cannot be pickled).
        return StraightCalls, (self._module, *self._names)
