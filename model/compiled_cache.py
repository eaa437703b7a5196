"""Keep numba's on-disk cache of the model's compiled code consistent with its sources.

numba keys each cached function on its own source file only: a kernel that calls a kernel
of another module (``sparse_kernels`` calls ``kernels.meet_rule``, the encounter rule), or
that is typed on a structure or constant declared in another module (``state.People``), is
loaded from the cache unchanged after that other module changes ("Cache invalidation
fails to recognize changes in functions defined in a different file", numba's
documentation of ``cache=True``). Measured here before this module existed: after a change
to ``kernels.meet`` (the rule then), a 1,000-person run (sparse pair store) still gave the
old mean trust (0.16995 instead of 0.16937 at week 6) until the cache files were deleted; a
user who updated verkosto could get the same.

:func:`refresh` hashes the sources of every module whose compiled code is cached
(:data:`COMPILED_MODULES`) and compares the hash with the one recorded beside the cache;
when they differ it deletes the cache files of those modules (today's functions and any
left by functions that have since moved or gone), so they are compiled afresh together,
as if they were one file. It runs when the ``model`` package
is imported, before any kernel is called.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import os
import tempfile
from pathlib import Path

from numba.core.dispatcher import Dispatcher

COMPILED_MODULES: tuple[str, ...] = (
    "model.agents", "model.state", "model.draws", "model.kernels", "model.sparse_kernels",
)
"""Modules with cached compiled code, and the module whose enums they compile in as
constants (``model.agents``). ``tests/test_compiled_cache.py`` checks that every module
of the package with ``cache=True`` is listed."""

STAMP_NAME = "verkosto-compiled-sources.sha256"
"""File beside the cache recording the hash of the sources it was compiled from."""


def sources_hash(modules: tuple[str, ...] = COMPILED_MODULES) -> str:
    """SHA-256 over the sources of ``modules``, in their order."""
    digest = hashlib.sha256()
    for name in modules:
        module = importlib.import_module(name)
        digest.update(name.encode())
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


def dispatchers(modules: tuple[str, ...] = COMPILED_MODULES) -> list[Dispatcher]:
    """Every cached compiled function defined in ``modules``."""
    found = []
    for name in modules:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (isinstance(value, Dispatcher) and value.py_func.__module__ == name
                    and getattr(value._cache, "cache_path", None)):
                found.append(value)
    return found


def refresh(modules: tuple[str, ...] = COMPILED_MODULES) -> bool:
    """Empty the caches of the compiled functions of ``modules`` if any of their sources
    changed since they were cached.

    Args:
        modules: The modules compiled together (the model's: :data:`COMPILED_MODULES`).

    Returns:
        True if the caches were emptied (or nothing was recorded yet), False if they match.
    """
    current = sources_hash(modules)
    cached = dispatchers(modules)
    directories = sorted({Path(d._cache.cache_path) for d in cached})
    stamps = [directory / STAMP_NAME for directory in directories]
    if stamps and all(_read(stamp) == current for stamp in stamps):
        return False
    for directory, stem in sorted({(Path(d._cache.cache_path), _file_stem(d)) for d in cached}):
        # Every cache file of the module, not only those of today's functions: numba names
        # a file by function and line, so a function that moved or went leaves files behind
        # that nothing reads again (hundreds of MB after a few weeks of edits).
        for path in directory.glob(f"{stem}.*"):
            if path.suffix in _CACHE_SUFFIXES:
                with contextlib.suppress(OSError):  # a read-only cache: numba skips it too
                    path.unlink()
    for stamp in stamps:
        _write(stamp, current)
    return True


_CACHE_SUFFIXES = (".nbi", ".nbc")
"""numba's cache files: an index per function and its compiled code."""


def _file_stem(dispatcher: Dispatcher) -> str:
    """The stem of the source file numba names the function's cache files after."""
    return Path(dispatcher.py_func.__code__.co_filename).stem


def _read(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except OSError:
        return None


def _write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` at once (a rename), so a parallel reader sees old or new."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "w") as f:
            f.write(text + "\n")
        os.replace(tmp, path)
    except OSError:
        pass  # no writable cache: numba does not cache either
