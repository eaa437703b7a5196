"""Named situations from the source text, one TOML file each, and a loader that validates them.

A scenario file is a partial override of the model's defaults::

    title = "No coordination"
    description = "Two to five sentences a trainer can read aloud."
    claims = ["S36", "S17"]
    expect = ["faded"]        # the outcome(s) a room should expect (model.outcome.Outcome)
    base = "default"          # optional: start from another scenario (name or path)

    [params]                  # flat parameter names from model/params.py
    coordination_budget_eur = 0

Every key is checked: ``title`` and ``description`` are strings, ``claims`` a
list of claim ids of the source text (``S1`` to ``S37``, optionally with a
letter such as ``S14a``), ``expect`` a list of outcome class names (what the
description tells a room to expect: the modal outcome over seeds is one of
them, which ``tests/test_scenarios.py`` checks), ``base`` a scenario name or a path relative to the
file, and each ``[params]`` entry a declared parameter with a value of the
declared type within its bounds (:func:`model.params.coerce`); the whole set
then passes the cross-parameter checks of :meth:`model.params.Params.replace`.
Strings are not accepted for numbers or flags in a file: TOML has types, so a
quoted number is a mistake worth reporting. Any problem raises
:class:`ScenarioError`, whose message names the file, the key, the value and
what is allowed. ``title``, ``description`` and ``claims`` are optional in
user-written files (the title defaults to the file name); every shipped
scenario has all three.

Shipped scenarios live beside this module as package data; :func:`names`
lists them, :func:`info` returns one's metadata and :func:`load` its
parameters. Anything that contains a path separator or ends in ``.toml`` is
read as a file instead.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model.params import PARAMETERS, ParameterError, Params, coerce

SCENARIO_DIR = Path(__file__).resolve().parent
"""Where the shipped scenario files are."""

SUFFIX = ".toml"
DEFAULT = "default"
"""The scenario run when none is named (the model's defaults)."""

METADATA_KEYS = ("title", "description", "claims", "expect", "base")
PARAMS_TABLE = "params"
TOP_LEVEL_KEYS = (*METADATA_KEYS, PARAMS_TABLE)

CLAIM_COUNT = 37
"""The source text's claims are S1 to S37 (shared/seed/CLAIMS.md)."""
CLAIM_PATTERN = re.compile(r"S([1-9][0-9]?)[a-z]?")
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9_]*")
"""Shipped scenario names: lower-case letters, digits and underscores."""


class ScenarioError(ValueError):
    """A scenario that cannot be found, read or validated.

    Attributes:
        path: The file concerned, if any.
        key: The key concerned (a top-level key or ``params.<name>``), if any.
    """

    def __init__(self, message: str, path: Path | None = None, key: str | None = None):
        super().__init__(message)
        self.path = path
        self.key = key


@dataclass(frozen=True)
class Scenario:
    """A scenario's metadata and its validated parameter overrides.

    Attributes:
        name: The file name without ``.toml``.
        title: A short title.
        description: Plain-language description (two to five sentences).
        claims: Claim ids of the source text the scenario illustrates.
        overrides: Flat parameter overrides after coercion, including those
            inherited from ``base`` (the file's own win).
        path: The file it was read from.
        base: The scenario it builds on, as written in the file, or ``None``.
    """

    name: str
    title: str
    description: str
    claims: tuple[str, ...]
    overrides: Mapping[str, Any] = field(default_factory=dict)
    expect: tuple[str, ...] = ()
    path: Path | None = None
    base: str | None = None

    @property
    def params(self) -> Params:
        """The full parameter set: the defaults with this scenario's overrides."""
        return Params.from_flat(dict(self.overrides))


def names() -> list[str]:
    """Names of the shipped scenarios: ``default`` first, then alphabetical.

    Returns:
        The scenario names (file names without ``.toml``).
    """
    found = sorted(p.stem for p in SCENARIO_DIR.glob(f"*{SUFFIX}"))
    return sorted(found, key=lambda n: (n != DEFAULT, n))


def all_scenarios() -> list[Scenario]:
    """Every shipped scenario, validated, in the order of :func:`names`."""
    return [info(n) for n in names()]


def is_path(name_or_path: str | Path) -> bool:
    """Tell whether ``name_or_path`` names a file rather than a shipped scenario."""
    if isinstance(name_or_path, Path):
        return True
    return "/" in name_or_path or "\\" in name_or_path or name_or_path.endswith(SUFFIX)


def resolve(name_or_path: str | Path) -> Path:
    """Find the file of a shipped scenario name, or check a path.

    Args:
        name_or_path: A shipped scenario name, or a path to a TOML file.

    Returns:
        The file's path.

    Raises:
        ScenarioError: Unknown name (with the nearest names) or missing file.
    """
    if is_path(name_or_path):
        path = Path(name_or_path)
        if not path.is_file():
            problem = "is a directory" if path.is_dir() else "does not exist"
            raise ScenarioError(f"scenario file '{path}' {problem}", path=path)
        return path
    name = str(name_or_path)
    known = names()
    if name in known:
        return SCENARIO_DIR / f"{name}{SUFFIX}"
    close = difflib.get_close_matches(name, known, n=3)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise ScenarioError(f"unknown scenario '{name}'{hint}; the shipped scenarios are "
                        f"{', '.join(known)} (or give a path to a .toml file)")


def load(name_or_path: str | Path) -> Params:
    """The parameters of a scenario: the model's defaults with its overrides.

    Args:
        name_or_path: A shipped scenario name (see :func:`names`) or a path to
            a scenario file.

    Returns:
        The validated parameter set.

    Raises:
        ScenarioError: The scenario cannot be found, read or validated.
    """
    return info(name_or_path).params


def info(name_or_path: str | Path) -> Scenario:
    """Read and validate one scenario.

    Args:
        name_or_path: A shipped scenario name or a path to a scenario file.

    Returns:
        The scenario's metadata and validated overrides.

    Raises:
        ScenarioError: The scenario cannot be found, read or validated.
    """
    return _read(resolve(name_or_path), chain=())


def _read(path: Path, chain: tuple[Path, ...]) -> Scenario:
    """Read ``path``, following ``base`` links; ``chain`` holds the files already being read."""
    resolved = path.resolve()
    if resolved in chain:
        loop = " -> ".join(str(p) for p in (*chain, resolved))
        raise ScenarioError(f"scenario file '{path}': key 'base' makes a loop: {loop}",
                            path=path, key="base")
    data = _parse(path)
    unknown = [k for k in data if k not in TOP_LEVEL_KEYS]
    if unknown:
        raise _unknown_top_level(path, unknown[0])
    title = _string(path, data, "title", default=path.stem)
    description = _string(path, data, "description", default="")
    claims = _claims(path, data.get("claims", []))
    expect = _expect(path, data.get("expect", []))
    base = data.get("base")
    inherited: dict[str, Any] = {}
    if base is not None:
        if not isinstance(base, str) or not base:
            raise ScenarioError(f"scenario file '{path}': key 'base' = {base!r}: expected a "
                                "scenario name or a path to a .toml file", path=path, key="base")
        if is_path(base):
            base_path = path.parent / base
            if not base_path.is_file():
                raise ScenarioError(f"scenario file '{path}': key 'base' = {base!r}: file "
                                    f"'{base_path}' does not exist", path=path, key="base")
        else:
            try:
                base_path = resolve(base)
            except ScenarioError as error:
                raise ScenarioError(f"scenario file '{path}': key 'base': {error}", path=path,
                                    key="base") from None
        inherited = dict(_read(base_path, (*chain, resolved)).overrides)
    table = data.get(PARAMS_TABLE, {})
    if not isinstance(table, dict):
        raise ScenarioError(f"scenario file '{path}': '{PARAMS_TABLE}' = {table!r} must be a "
                            f"table: write [{PARAMS_TABLE}] on its own line and the parameters "
                            "below it", path=path, key=PARAMS_TABLE)
    overrides = {**inherited, **validate_overrides(table, where=f"scenario file '{path}'",
                                                   prefix=f"{PARAMS_TABLE}.", path=path)}
    _check_together(path, overrides)
    return Scenario(name=path.stem, title=title, description=description, claims=claims,
                    overrides=overrides, path=path, base=base, expect=expect)


def _parse(path: Path) -> dict[str, Any]:
    """Read a TOML file, turning every way it can fail into a :class:`ScenarioError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ScenarioError(f"scenario file '{path}' is not UTF-8 text ({error.reason} at byte "
                            f"{error.start})", path=path) from None
    except OSError as error:
        raise ScenarioError(f"scenario file '{path}' cannot be read: {error.strerror}",
                            path=path) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(f"scenario file '{path}' is not valid TOML: {error}",
                            path=path) from None


def _unknown_top_level(path: Path, key: str) -> ScenarioError:
    """The error for a top-level key that is not part of the format."""
    allowed = ", ".join(TOP_LEVEL_KEYS)
    if key in PARAMETERS:
        hint = f"; parameters go in the [{PARAMS_TABLE}] table"
    else:
        close = difflib.get_close_matches(key, TOP_LEVEL_KEYS, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
    return ScenarioError(f"scenario file '{path}': unknown key '{key}'{hint} "
                         f"(allowed top-level keys: {allowed})", path=path, key=key)


def _string(path: Path, data: Mapping[str, Any], key: str, default: str) -> str:
    """A metadata string, checked."""
    value = data.get(key, default)
    if not isinstance(value, str):
        raise ScenarioError(f"scenario file '{path}': key '{key}' = {value!r}: expected a "
                            "string in quotes", path=path, key=key)
    return " ".join(value.split())


def _claims(path: Path, value: Any) -> tuple[str, ...]:
    """The claim ids, checked against the source text's numbering."""
    allowed = f'a list of claim ids S1 to S{CLAIM_COUNT}, e.g. ["S36", "S14a"]'
    if not isinstance(value, list):
        raise ScenarioError(f"scenario file '{path}': key 'claims' = {value!r}: expected "
                            f"{allowed}", path=path, key="claims")
    for claim in value:
        match = CLAIM_PATTERN.fullmatch(claim) if isinstance(claim, str) else None
        if match is None or not 1 <= int(match.group(1)) <= CLAIM_COUNT:
            raise ScenarioError(f"scenario file '{path}': key 'claims' has {claim!r}: expected "
                                f"{allowed}", path=path, key="claims")
    return tuple(value)


def _expect(path: Path, value: Any) -> tuple[str, ...]:
    """The expected outcome classes, checked against the model's outcome classes."""
    from model.outcome import Outcome

    names = [o.value for o in Outcome]
    allowed = f"a list of outcome classes among {', '.join(names)}, e.g. [\"thriving\"]"
    if not isinstance(value, list) or not all(v in names for v in value):
        raise ScenarioError(f"scenario file '{path}': key 'expect' = {value!r}: expected "
                            f"{allowed}", path=path, key="expect")
    return tuple(value)


def expected_kind(key: str) -> str:
    """Plain words for the kind of value parameter ``key`` takes (from its declaration)."""
    info_ = PARAMETERS[key]
    if info_.choices is not None:
        return f"one of {', '.join(info_.choices)} (a string)"
    if info_.type is bool:
        return "true or false"
    if info_.type in (int, float):
        kind = "a whole number" if info_.type is int else "a number"
        if info_.low is not None and info_.high is not None:
            kind += f" from {info_.low:g} to {info_.high:g}"
        unit = "" if info_.unit == "0-1" else info_.unit  # the bounds already say 0 to 1
        return f"{kind} {unit}".rstrip()
    span = "" if info_.low is None else f", each from {info_.low:g} to {info_.high:g}"
    return f"a list of {len(info_.default)} numbers{span}"


def _type_fits(key: str, value: Any) -> bool:
    """Whether a TOML-typed value has the declared parameter type (before bounds)."""
    info_ = PARAMETERS[key]
    if info_.choices is not None:
        return isinstance(value, str)
    if info_.type is bool:
        return isinstance(value, bool)
    if info_.type is int:  # 4.0 is a whole number; 4.5 is not
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer())
    if info_.type is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, list) and len(value) == len(info_.default)


def validate_value(key: str, value: Any) -> Any:
    """Check one TOML-typed parameter value strictly and coerce it to the declared type.

    Args:
        key: Flat parameter name.
        value: The value as TOML typed it (str, int, float, bool, list, ...).

    Returns:
        The coerced value.

    Raises:
        ParameterError: Unknown name, wrong type or out of bounds.
    """
    if key in PARAMETERS and not _type_fits(key, value):
        raise ParameterError(key, f"parameter '{key}' = {value!r}: expected {expected_kind(key)}")
    return coerce(key, value)


def validate_overrides(table: Mapping[str, Any], where: str, prefix: str = "",
                       path: Path | None = None) -> dict[str, Any]:
    """Validate a mapping of flat parameter overrides.

    Args:
        table: Parameter name to TOML-typed value.
        where: Where the values come from, for messages (e.g. the file).
        prefix: Prefix for the key in :attr:`ScenarioError.key`.
        path: The file concerned, if any.

    Returns:
        The coerced overrides.

    Raises:
        ScenarioError: A name, type or value that is not allowed.
    """
    out: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            raise ScenarioError(f"{where}: '{prefix}{key}' is a table; parameters are flat names "
                                f"(e.g. facilitation = 0.5) directly under [{PARAMS_TABLE}]",
                                path=path, key=f"{prefix}{key}")
        try:
            out[key] = validate_value(key, value)
        except ParameterError as error:
            raise ScenarioError(f"{where}: {error}", path=path, key=f"{prefix}{key}") from None
    return out


def _check_together(path: Path, overrides: Mapping[str, Any]) -> None:
    """Run the cross-parameter checks on the full set."""
    try:
        Params.from_flat(dict(overrides))
    except ParameterError as error:
        raise ScenarioError(f"scenario file '{path}': {error}", path=path,
                            key=f"{PARAMS_TABLE}.{error.key}") from None


__all__ = ["DEFAULT", "SCENARIO_DIR", "Scenario", "ScenarioError", "all_scenarios", "info",
           "is_path", "load", "names", "resolve", "validate_overrides", "validate_value"]
