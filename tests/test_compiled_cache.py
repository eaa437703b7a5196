"""Compiled code cached on disk follows its sources across modules (model/compiled_cache.py).

numba alone keys a cached function on its own file: a function calling one of another
module was loaded stale after that module changed. These tests build two tiny modules, a
caller and a callee, run them in fresh processes (as a later run would), change only the
callee, and check what the caller returns: stale without the refresh (so the test has
teeth), current with it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from model import compiled_cache

ROOT = Path(__file__).resolve().parents[1]

CALLEE = """
import numba

@numba.njit(cache=True)
def value():
    return {value}
"""

CALLER = """
import numba

from pkg import callee

@numba.njit(cache=True)
def read():
    return callee.value()
"""

RUN = """
import sys
sys.path[:0] = [{tmp!r}, {root!r}]
from pkg import caller
if {refresh}:
    from model.compiled_cache import refresh
    refresh(("pkg.callee", "pkg.caller"))
print(caller.read())
"""


def _package(tmp: Path, value: int) -> None:
    pkg = tmp / "pkg"
    pkg.mkdir(exist_ok=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "callee.py").write_text(CALLEE.format(value=value))
    (pkg / "caller.py").write_text(CALLER)


def _run(tmp: Path, refresh: bool) -> int:
    code = RUN.format(tmp=str(tmp), root=str(ROOT), refresh=refresh)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=tmp)
    return int(out.stdout.split()[-1])


@pytest.mark.parametrize("refresh", [False, True], ids=["numba alone", "refreshed"])
def test_a_change_in_another_module_reaches_the_cached_caller(tmp_path: Path, refresh: bool):
    _package(tmp_path, 1)
    assert _run(tmp_path, refresh) == 1
    assert list((tmp_path / "pkg" / "__pycache__").glob("caller.read-*.nbi"))  # cached
    _package(tmp_path, 2)  # only the callee changes
    # numba alone keeps the caller's cached code, with the old callee compiled into it.
    assert _run(tmp_path, refresh) == (2 if refresh else 1)
    if refresh:
        assert _run(tmp_path, refresh) == 2  # and the recompiled code is cached again


def test_a_refresh_deletes_the_cache_files_that_nothing_reads_again(tmp_path: Path):
    """Files of a function that has moved (numba names them by line) go with the rest of
    the module's cache; another module's files stay."""
    _package(tmp_path, 1)
    assert _run(tmp_path, refresh=True) == 1
    cache = tmp_path / "pkg" / "__pycache__"
    moved = [cache / "caller.read-999.py312.nbi", cache / "caller.read-999.py312.1.nbc"]
    other = [cache / "unlisted.f-3.py312.nbi", cache / "caller.py"]
    for path in (*moved, *other):
        path.write_bytes(b"old")
    assert _run(tmp_path, refresh=True) == 1  # nothing changed: nothing deleted
    assert all(path.exists() for path in moved)
    _package(tmp_path, 2)
    assert _run(tmp_path, refresh=True) == 2
    assert not any(path.exists() for path in moved)
    assert all(path.exists() for path in other)
    assert list(cache.glob("caller.read-*.nbi"))  # the current code is cached again


def test_every_module_with_cached_compiled_code_is_hashed():
    listed = set(compiled_cache.COMPILED_MODULES)
    for path in sorted((ROOT / "model").glob("*.py")):
        if re.search(r"cache\s*=\s*True", path.read_text()) and path.stem != "compiled_cache":
            assert f"model.{path.stem}" in listed, f"{path.name} caches compiled code"


def test_importing_the_model_records_the_sources_it_was_compiled_from():
    stamps = {Path(d._cache.cache_path) / compiled_cache.STAMP_NAME
              for d in compiled_cache.dispatchers()}
    assert stamps
    for stamp in stamps:
        assert stamp.read_text().strip() == compiled_cache.sources_hash()
    assert compiled_cache.refresh() is False  # nothing changed since: nothing emptied


def test_the_hash_follows_every_listed_source(tmp_path: Path, monkeypatch):
    _package(tmp_path, 1)
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("pkg", "pkg.callee", "pkg.caller"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    modules = ("pkg.callee", "pkg.caller")
    before = compiled_cache.sources_hash(modules)
    assert before == compiled_cache.sources_hash(modules)
    _package(tmp_path, 2)  # the callee's source changes, the caller's does not
    assert compiled_cache.sources_hash(modules) != before
    for name in ("pkg", "pkg.callee", "pkg.caller"):
        sys.modules.pop(name, None)
