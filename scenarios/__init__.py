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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model.params import (
    N_,
    PARAMETERS,
    RATE_WORDS,
    Message,
    ParameterError,
    Params,
    coerce,
)

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
DECIMAL_COMMA = re.compile(r"([+-]?)(\d+),(\d+)")
"""A number typed with a decimal comma (``0,3``, ``-1,5``): sign, whole part, the rest."""
THOUSANDS_DIGITS = 3
"""Digits after a comma that may make it a thousands separator (``1,500``)."""
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9_]*")
"""Shipped scenario names: lower-case letters, digits and underscores."""


Text = Message
"""A message kept as its English template and fields (``model.params.Message``)."""


class Joined:
    """Items joined by a separator that is itself a message (``" or "``), for :class:`Text`."""

    def __init__(self, separator: str, items: Sequence[Any]):
        self.separator = separator
        self.items = tuple(items)

    def __str__(self) -> str:
        return self.separator.join(str(item) for item in self.items)


class ScenarioError(ValueError):
    """A scenario that cannot be found, read or validated.

    Attributes:
        path: The file concerned, if any.
        key: The key concerned (a top-level key or ``params.<name>``), if any.
        text: The message as a :class:`Text`, for the front door to word in the user's
            language; ``str(error)`` is its English.
    """

    def __init__(self, message: str | Text, path: Path | None = None, key: str | None = None):
        super().__init__(str(message))
        self.text = message if isinstance(message, Text) else Text("{message}", message=message)
        self.path = path
        self.key = key


class ParameterValueError(ParameterError):
    """A parameter name or value refused by :func:`validate_value` (a
    :class:`model.params.ParameterError`, so callers catch it as before), with its message as a
    :class:`Text` for the front door to word.
    """

    def __init__(self, key: str, text: Text):
        super().__init__(key, text)  # a ParameterError keeps a Message as its ``text``


def _in_file(path: Path, template: str, **fields: Any) -> Text:
    """A problem of a scenario file: "scenario file '<path>': <problem>"."""
    return Text(N_("scenario file '{path}': {problem}"), path=path,
                problem=Text(template, **fields))


def _did_you_mean(close: Sequence[str]) -> Text | str:
    """"; did you mean 'a' or 'b'?" for the close matches, or nothing."""
    if not close:
        return ""
    return Text(N_("; did you mean {names}?"),
                names=Joined(N_(" or "), [repr(c) for c in close]))


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
            problem = (N_("scenario file '{path}' is a directory") if path.is_dir()
                       else N_("scenario file '{path}' does not exist"))
            raise ScenarioError(Text(problem, path=path), path=path)
        return path
    name = str(name_or_path)
    known = names()
    if name in known:
        return SCENARIO_DIR / f"{name}{SUFFIX}"
    close = difflib.get_close_matches(name, known, n=3)
    raise ScenarioError(Text(N_("unknown scenario '{name}'{hint}; the shipped scenarios are "
                                "{known} (or give a path to a .toml file)"),
                             name=name, hint=_did_you_mean(close), known=", ".join(known)))


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
        raise ScenarioError(_in_file(path, N_("key 'base' makes a loop: {loop}"), loop=loop),
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
            raise ScenarioError(_in_file(path, N_("key 'base' = {value}: expected a scenario "
                                                  "name or a path to a .toml file"),
                                         value=repr(base)), path=path, key="base")
        if is_path(base):
            base_path = path.parent / base
            if not base_path.is_file():
                raise ScenarioError(_in_file(path, N_("key 'base' = {value}: file '{base}' "
                                                      "does not exist"),
                                             value=repr(base), base=base_path),
                                    path=path, key="base")
        else:
            try:
                base_path = resolve(base)
            except ScenarioError as error:
                raise ScenarioError(_in_file(path, N_("key 'base': {error}"), error=error.text),
                                    path=path, key="base") from None
        inherited = dict(_read(base_path, (*chain, resolved)).overrides)
    table = data.get(PARAMS_TABLE, {})
    if not isinstance(table, dict):
        raise ScenarioError(_in_file(path, N_("'{table}' = {value} must be a table: write "
                                              "[{table}] on its own line and the parameters "
                                              "below it"),
                                     table=PARAMS_TABLE, value=repr(table)),
                            path=path, key=PARAMS_TABLE)
    where = Text(N_("scenario file '{path}'"), path=path)
    overrides = {**inherited, **validate_overrides(table, where=where,
                                                   prefix=f"{PARAMS_TABLE}.", path=path)}
    _check_together(path, overrides)
    return Scenario(name=path.stem, title=title, description=description, claims=claims,
                    overrides=overrides, path=path, base=base, expect=expect)


def _parse(path: Path) -> dict[str, Any]:
    """Read a TOML file, turning every way it can fail into a :class:`ScenarioError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ScenarioError(Text(N_("scenario file '{path}' is not UTF-8 text ({reason} at "
                                    "byte {byte})"), path=path, reason=error.reason,
                                 byte=error.start), path=path) from None
    except OSError as error:
        raise ScenarioError(Text(N_("scenario file '{path}' cannot be read: {reason}"),
                                 path=path, reason=error.strerror), path=path) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:  # tomllib's own words stay English
        raise ScenarioError(Text(N_("scenario file '{path}' is not valid TOML: {reason}"),
                                 path=path, reason=error), path=path) from None


def _unknown_top_level(path: Path, key: str) -> ScenarioError:
    """The error for a top-level key that is not part of the format."""
    allowed = ", ".join(TOP_LEVEL_KEYS)
    if key in PARAMETERS:
        hint: Text | str = Text(N_("; parameters go in the [{table}] table"), table=PARAMS_TABLE)
    else:
        hint = _did_you_mean(difflib.get_close_matches(key, TOP_LEVEL_KEYS, n=1))
    return ScenarioError(_in_file(path, N_("unknown key '{key}'{hint} (allowed top-level keys: "
                                           "{allowed})"), key=key, hint=hint, allowed=allowed),
                         path=path, key=key)


def _string(path: Path, data: Mapping[str, Any], key: str, default: str) -> str:
    """A metadata string, checked."""
    value = data.get(key, default)
    if not isinstance(value, str):
        raise ScenarioError(_in_file(path, N_("key '{key}' = {value}: expected a string in "
                                              "quotes"), key=key, value=repr(value)),
                            path=path, key=key)
    return " ".join(value.split())


def _claims(path: Path, value: Any) -> tuple[str, ...]:
    """The claim ids, checked against the source text's numbering."""
    allowed = Text(N_("a list of claim ids S1 to S{last}, e.g. {example}"),
                   last=CLAIM_COUNT, example='["S36", "S14a"]')
    if not isinstance(value, list):
        raise ScenarioError(_in_file(path, N_("key 'claims' = {value}: expected {allowed}"),
                                     value=repr(value), allowed=allowed),
                            path=path, key="claims")
    for claim in value:
        match = CLAIM_PATTERN.fullmatch(claim) if isinstance(claim, str) else None
        if match is None or not 1 <= int(match.group(1)) <= CLAIM_COUNT:
            raise ScenarioError(_in_file(path, N_("key 'claims' has {claim}: expected "
                                                  "{allowed}"),
                                         claim=repr(claim), allowed=allowed),
                                path=path, key="claims")
    return tuple(value)


def _expect(path: Path, value: Any) -> tuple[str, ...]:
    """The expected outcome classes, checked against the model's outcome classes."""
    from model.outcome import Outcome

    names = [o.value for o in Outcome]
    if not isinstance(value, list) or not all(v in names for v in value):
        allowed = Text(N_("a list of outcome classes among {names}, e.g. {example}"),
                       names=", ".join(names), example='["thriving"]')
        raise ScenarioError(_in_file(path, N_("key 'expect' = {value}: expected {allowed}"),
                                     value=repr(value), allowed=allowed),
                            path=path, key="expect")
    return tuple(value)


UNIT_CONTEXT = "unit"
"""The catalogs' context of a parameter's unit (as ``verkosto.i18n`` names it)."""


def _with_unit(text: Text, unit: str) -> Text:
    """``text`` followed by a parameter's unit, where the unit adds something ("0 to 1" needs
    no "0-1" after it).
    """
    if unit in ("", "0-1", "flag"):
        return text
    if unit in RATE_WORDS:  # "0 to 1 a year", not "0 to 1 1/year"
        return Text("{kind} {unit}", kind=text, unit=Text(RATE_WORDS[unit]))
    return Text("{kind} {unit}", kind=text, unit=Text(unit, context=UNIT_CONTEXT))


def expected_kind_text(key: str) -> Text:
    """:func:`expected_kind` as a :class:`Text`, for the front door to word."""
    info_ = PARAMETERS[key]
    if info_.choices is not None:
        return Text(N_("one of {choices} (a string)"), choices=", ".join(info_.choices))
    if info_.type is bool:
        return Text(N_("true or false"))
    bounded = info_.low is not None and info_.high is not None
    bounds = {"low": f"{info_.low:g}", "high": f"{info_.high:g}"} if bounded else {}
    if info_.type in (int, float):
        if info_.type is int:
            kind = Text(N_("a whole number from {low} to {high}") if bounded
                        else N_("a whole number"), **bounds)
        else:
            kind = Text(N_("a number from {low} to {high}") if bounded else N_("a number"),
                        **bounds)
        return _with_unit(kind, info_.unit)
    n = len(info_.default)
    return Text(N_("a list of {n} numbers, each from {low} to {high}") if bounded
                else N_("a list of {n} numbers"), n=n, **bounds)


def expected_kind(key: str) -> str:
    """Plain words for the kind of value parameter ``key`` takes (from its declaration)."""
    return str(expected_kind_text(key))


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
        ParameterError: Unknown name, wrong type or out of bounds (a
            :class:`ParameterValueError`, whose ``text`` the front door words).
    """
    if key not in PARAMETERS:
        hint = _did_you_mean(difflib.get_close_matches(key, PARAMETERS, n=1))
        raise ParameterValueError(key, Text(N_("unknown parameter '{key}'{hint}"), key=key,
                                            hint=hint))
    info_ = PARAMETERS[key]
    if not _type_fits(key, value) or (info_.choices is not None
                                      and str(value) not in info_.choices):
        raise ParameterValueError(key, Text(N_("parameter '{key}' = {value}: expected "
                                               "{allowed}"), key=key, value=repr(value),
                                            allowed=expected_kind_text(key)))
    if info_.low is not None and info_.choices is None and info_.type is not bool:
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, int | float) and not isinstance(v, bool)
               and not info_.low <= v <= info_.high for v in values):
            allowed = _with_unit(Text(N_("{low} to {high}"), low=f"{info_.low:g}",
                                      high=f"{info_.high:g}"), info_.unit)
            raise ParameterValueError(key, Text(N_("parameter '{key}' = {value} is out of "
                                                   "bounds: allowed {allowed}"),
                                                key=key, value=repr(value), allowed=allowed))
    return coerce(key, value)


def decimal_comma_hint(key: str, value: Any) -> Text | str:
    """'; did you mean 0.3?' when a number of a numeric parameter seems typed with a decimal
    comma (``0,3``), as Finnish writes it; values take a decimal point (a recorded decision:
    the command line, the specs and the scenario files read numbers one way in every
    language).

    A comma before exactly three digits may be a thousands separator (``1,500``): the
    readings offered are those the parameter's type and bounds allow, so ``1500`` for an
    integer and both ``1.5`` and ``1500`` where a float allows both.

    Args:
        key: The parameter's name.
        value: The value as given; only a string such as ``"0,3"`` can get a hint.

    Returns:
        The hint, starting with ``"; "``, as a :class:`Text` for the front door to word
        (``verkosto.i18n.word``; this loader does not import it), or ``""``.
    """
    info_ = PARAMETERS.get(key)
    if not isinstance(value, str) or info_ is None or info_.type not in (int, float):
        return ""
    match = DECIMAL_COMMA.fullmatch(value.strip())
    if match is None:
        return ""
    sign, whole, fraction = match.groups()
    readings = []
    if info_.type is float:
        kept = fraction.rstrip("0")  # 1,500 read as a decimal is 1.5
        readings.append(f"{sign}{whole}.{kept}" if kept else f"{sign}{whole}")
    if len(fraction) == THOUSANDS_DIGITS and not whole.startswith("0"):
        readings.append(f"{sign}{whole}{fraction}")
    fits = [r for r in readings
            if info_.low is None or info_.high is None or info_.low <= float(r) <= info_.high]
    if len(fits) == 2:
        hint = Text(N_("did you mean {value} or {other}? (a decimal point, and no thousands "
                       "separator)"), value=fits[0], other=fits[1])
    elif fits and info_.type is float and fits[0] == readings[0]:
        hint = Text(N_("did you mean {value}? (a decimal point, not a comma)"), value=fits[0])
    elif fits:
        hint = Text(N_("did you mean {value}? (no thousands separator)"), value=fits[0])
    else:
        return ""
    return Text("; {hint}", hint=hint)


def validate_overrides(table: Mapping[str, Any], where: str | Text, prefix: str = "",
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
            raise ScenarioError(Text(N_("{where}: '{name}' is a table; parameters are flat "
                                        "names (e.g. facilitation = 0.5) directly under "
                                        "[{table}]"), where=where, name=f"{prefix}{key}",
                                     table=PARAMS_TABLE), path=path, key=f"{prefix}{key}")
        try:
            out[key] = validate_value(key, value)
        except ParameterError as error:
            raise ScenarioError(Text("{where}: {error}{hint}", where=where,
                                     error=_text_of(error),
                                     hint=decimal_comma_hint(key, value)),
                                path=path, key=f"{prefix}{key}") from None
    return out


def _check_together(path: Path, overrides: Mapping[str, Any]) -> None:
    """Run the cross-parameter checks on the full set."""
    try:
        Params.from_flat(dict(overrides))
    except ParameterError as error:  # the model's cross-parameter checks speak English
        raise ScenarioError(Text("{where}: {error}",
                                 where=Text(N_("scenario file '{path}'"), path=path),
                                 error=_text_of(error)),
                            path=path, key=f"{PARAMS_TABLE}.{error.key}") from None


def _text_of(error: Exception) -> Text | str:
    """An error's message as a :class:`Text` where it has one, else its English."""
    return getattr(error, "text", None) or str(error)


__all__ = ["DEFAULT", "SCENARIO_DIR", "Joined", "ParameterValueError", "Scenario",
           "ScenarioError", "Text", "all_scenarios", "decimal_comma_hint", "info", "is_path",
           "load", "names", "resolve", "validate_overrides", "validate_value"]
