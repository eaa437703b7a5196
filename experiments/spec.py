"""Sweep specifications: a TOML file naming what to vary, how often and for how long.

A spec names a base scenario, fixed overrides (``[set]``), the parameters to
vary as a full-factorial grid (``[grid]``) or as a sample over bounds
(``[sample]``: Latin hypercube from :mod:`scipy.stats.qmc`, Sobol or Morris
from SALib), the number of ``replications`` of every point, a master ``seed``,
the number of ``steps`` and the recording interval ``record_every`` of the time
series. ``experiments/specs/example.toml`` documents every key.

Runs are enumerated replication by replication, ``run_id = replication *
n_points + position`` where ``position`` is the point's place in
:attr:`SweepSpec.coverage_order` (a grid coarse to fine), so a partial sweep
covers the design evenly and more replications only add run ids; the
seed of run ``k`` is child ``k`` of ``numpy.random.SeedSequence(seed)`` (the
same as ``SeedSequence(seed).spawn(n)[k]``), so
``NetworkModel(rng=run.seed, params=base.replace(**run.overrides))`` reproduces
any run on its own, whatever executor ran it.

Everything a user can get wrong raises :class:`SpecError` naming the file, the
key, the value and what is allowed; the command line turns it into exit
status 2 before anything is run or written.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import difflib
import enum
import functools
import hashlib
import json
import math
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

import scenarios
from experiments.jsonable import jsonable
from model import DEFAULT_STEPS, Outcome, Params
from model.params import PARAMETERS, ParameterError, uncertain_parameters
from verkosto import i18n
from verkosto.i18n import _, ngettext

#: Scenario name that means "the model's defaults" (works without a scenario loader).
DEFAULT_BASE = "default"
#: Reporters averaged by default in a sensitivity analysis, plus P(thriving).
DEFAULT_OUTCOMES: tuple[str, ...] = ("active_share", "mean_trust", Outcome.THRIVING.value)
#: Morris grid levels when the spec gives none (SALib's default; must be even).
DEFAULT_MORRIS_LEVELS = 4
#: Keys allowed at the top level of a spec.
TOP_KEYS = ("title", "description", "claims", "base", "seed", "replications", "steps",
            "record_every", "timeseries", "outcomes", "set", "grid", "sample")
#: Keys allowed in the ``[sample]`` table.
SAMPLE_KEYS = ("method", "n", "parameters", "bounds", "levels", "ranges", "assumptions",
               "dummy")
#: Where the bounds of the parameters named in ``[sample] parameters`` come from.
RANGES = ("declared", "plausible")
#: Name of the dummy input (``[sample] dummy = true``): a design column no run reads, whose
#: sensitivity index is the noise floor of the estimate (the replications' randomness).
DUMMY = "dummy"
#: Keys that describe a spec but do not change its results (left out of its hash).
DESCRIPTIVE_KEYS = ("title", "description", "claims")
#: How run ids map to points and replications (part of the spec hash; see SweepSpec.run).
RUN_ORDER = "replication-major, coarse-to-fine grid"
#: Prefix of the measure that counts an outcome class (``p_thriving``).
OUTCOME_SHARE_PREFIX = "p_"


class SampleMethod(enum.StrEnum):
    """How a ``[sample]`` draws points over the parameter bounds."""

    LHS = "lhs"
    SOBOL = "sobol"
    MORRIS = "morris"


class SpecError(ValueError):
    """A sweep spec that cannot be run; the message names file, key, value and what is allowed."""


@dataclass(frozen=True)
class SampleSpec:
    """A sample over parameter bounds.

    Attributes:
        method: Latin hypercube, Sobol (Saltelli's scheme, first and total order) or Morris.
        n: LHS: points; Sobol: base samples (a power of two); Morris: trajectories.
        bounds: Parameter name to (low, high), in declaration order of the spec.
        levels: Grid levels of a Morris design.
        dummy: Add a last design column, :data:`DUMMY` on [0, 1], that no run reads: its
            index measures what the replications' noise alone gives an input.
    """

    method: SampleMethod
    n: int
    bounds: dict[str, tuple[float, float]]
    levels: int = DEFAULT_MORRIS_LEVELS
    dummy: bool = False

    @property
    def names(self) -> list[str]:
        """The sampled parameters, in order (without the dummy)."""
        return list(self.bounds)

    def problem(self) -> dict[str, Any]:
        """The SALib problem dictionary of this sample (the dummy last, if any)."""
        names = self.names + ([DUMMY] if self.dummy else [])
        bounds = [list(b) for b in self.bounds.values()] + ([[0.0, 1.0]] if self.dummy else [])
        return {"num_vars": len(names), "names": names, "bounds": bounds}


@dataclass(frozen=True)
class Run:
    """One simulation of a sweep.

    Attributes:
        run_id: Index of the run (see :meth:`SweepSpec.run`).
        point: Index of the parameter point.
        replication: Replication of the point, from 0.
        seed: Integer seed for ``NetworkModel(rng=seed)``.
        overrides: The varied parameters of the point (flat names).
    """

    run_id: int
    point: int
    replication: int
    seed: int
    overrides: dict[str, Any]


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep specification (see the module docstring and ``example.toml``).

    Attributes:
        base: Scenario name or path the sweep starts from.
        base_params: The base scenario's parameters with ``[set]`` applied.
        seed: Master seed.
        replications: Runs per parameter point.
        steps: Weeks per run (a run that ends earlier stops there).
        record_every: Weeks between time-series rows (the last week is always recorded).
        timeseries: Whether to store the time series at all.
        outcomes: Measures a sensitivity analysis explains.
        fixed: The ``[set]`` overrides.
        grid: Parameter name to the list of values of a full-factorial grid.
        sample: A sample over bounds, or ``None``.
        title: One-line title.
        description: Plain-language description.
        claims: Claim ids the sweep addresses.
        source: File the spec came from ("<text>" when parsed from a string).
    """

    base: str
    base_params: Params
    seed: int
    replications: int
    steps: int
    record_every: int
    timeseries: bool
    outcomes: tuple[str, ...]
    fixed: dict[str, Any] = field(default_factory=dict)
    grid: dict[str, list[Any]] = field(default_factory=dict)
    sample: SampleSpec | None = None
    title: str = ""
    description: str = ""
    claims: tuple[str, ...] = ()
    source: str = "<text>"

    # ------------------------------------------------------------------ design
    @property
    def varied(self) -> list[str]:
        """The parameters that differ between points, in order."""
        return list(self.grid) if self.grid else (self.sample.names if self.sample else [])

    def design_matrix(self) -> np.ndarray:
        """The sample's design before integer rounding (rows = points), from the sampler.

        Raises:
            SpecError: The spec has no ``[sample]``.
        """
        if self.sample is None:
            raise SpecError(f"{self.source}: " + _("the spec has no [sample] section"))
        return _draw(self.sample, _design_seed(self.seed))

    def points(self) -> list[dict[str, Any]]:
        """The parameter points: one dict of varied parameters per point."""
        return [self.point(p) for p in range(self.n_points)]

    @functools.cached_property
    def _design(self) -> np.ndarray | None:
        return self.design_matrix() if self.sample is not None and not self.grid else None

    @property
    def n_points(self) -> int:
        """Points of the design (grid cells or sample rows; 1 when nothing varies)."""
        if self.grid:
            return math.prod(len(v) for v in self.grid.values())
        if self._design is not None:
            return len(self._design)
        return 1

    @property
    def n_runs(self) -> int:
        """Runs of the sweep: points times replications."""
        return self.n_points * self.replications

    def point(self, index: int) -> dict[str, Any]:
        """The varied parameters of one point (grid cells in ``itertools.product`` order)."""
        if self.grid:
            names = list(self.grid)
            sizes = [len(v) for v in self.grid.values()]
            levels = np.unravel_index(index, sizes)
            return {n: self.grid[n][int(k)] for n, k in zip(names, levels, strict=True)}
        if self._design is not None:
            names = self.sample.names
            # A dummy column, if any, is last and is read by no run.
            return {name: _as_declared(name, x)
                    for name, x in zip(names, self._design[index][:len(names)], strict=True)}
        return {}

    @functools.cached_property
    def coverage_order(self) -> np.ndarray:
        """Points in the order their runs are numbered within a replication.

        A grid is run coarse to fine: first its corners, then the points whose
        levels are the midpoints of what is covered, and so on (each parameter's
        levels in :func:`_coverage_levels` order), so that a sweep cut short has
        covered the whole grid coarsely rather than a corner of it finely. A
        sample is already spread over its bounds in draw order.
        """
        if not self.grid:
            return np.arange(self.n_points, dtype=np.int64)
        sizes = [len(v) for v in self.grid.values()]
        ranks = [np.argsort(_coverage_levels(n)) for n in sizes]
        levels = np.unravel_index(np.arange(self.n_points), sizes)
        per_dim = np.stack([rank[lv] for rank, lv in zip(ranks, levels, strict=True)])
        stage, total = per_dim.max(axis=0), per_dim.sum(axis=0)
        return np.lexsort((np.arange(self.n_points), total, stage)).astype(np.int64)

    def run(self, run_id: int) -> Run:
        """One run by its id.

        Runs are numbered replication by replication: run ``k`` is replication
        ``k // n_points`` of the point at position ``k % n_points`` of
        :attr:`coverage_order`. So every point gets its first run before any gets
        a second, and adding replications to a finished sweep only adds run ids.
        """
        replication, position = divmod(int(run_id), self.n_points)
        point = int(self.coverage_order[position])
        return Run(int(run_id), point, replication, run_seed(self.seed, int(run_id)),
                   self.point(point))

    def runs(self, start: int = 0) -> Iterator[Run]:
        """Every run of the sweep from ``start`` on, in run-id order, made one at a time."""
        return (self.run(k) for k in range(start, self.n_runs))

    def params_for(self, run: Run) -> Params:
        """The full parameters of one run."""
        return self.base_params.replace(**run.overrides)

    # ------------------------------------------------------------------ identity
    def canonical(self) -> dict[str, Any]:
        """Everything that decides the results, as plain JSON data (descriptions left out)."""
        sample = None
        if self.sample is not None:
            sample = {"method": self.sample.method.value, "n": self.sample.n,
                      "bounds": {k: list(v) for k, v in self.sample.bounds.items()},
                      "levels": self.sample.levels}
            if self.sample.dummy:  # only when set, so older specs keep their hash
                sample["dummy"] = True
        return jsonable({
            "base": self.base, "base_params": self.base_params.flat(), "seed": self.seed,
            "replications": self.replications, "steps": self.steps,
            "record_every": self.record_every, "timeseries": self.timeseries,
            "outcomes": list(self.outcomes), "set": self.fixed, "grid": self.grid,
            "sample": sample,
        })

    def spec_hash(self) -> str:
        """SHA-256 of :meth:`canonical` without ``replications``: the design's identity.

        Two specs with the same hash give the same runs for the run ids they share;
        one with more replications only adds runs, so a finished sweep can be
        extended in place.
        """
        design = {k: v for k, v in self.canonical().items() if k != "replications"}
        design["run_order"] = RUN_ORDER
        text = json.dumps(design, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def describe(self) -> dict[str, Any]:
        """The canonical spec with its descriptive keys, for the manifest."""
        return {"title": self.title, "description": self.description,
                "claims": list(self.claims), "source": self.source, **self.canonical()}

    def with_method(self, method: SampleMethod) -> SweepSpec:
        """The same spec sampled with another method (for a sensitivity analysis).

        Raises:
            SpecError: The spec has no ``[sample]``, or ``n`` does not suit the method.
        """
        if self.sample is None:
            raise SpecError(f"{self.source}: " + _(
                "a sensitivity analysis needs a [sample] section naming the parameters (and "
                "optionally their bounds)"))
        sample = dataclasses.replace(self.sample, method=method)
        _check_sample_size(self.source, sample)
        return dataclasses.replace(self, sample=sample)


def _coverage_levels(n: int) -> list[int]:
    """Levels 0..n-1 in coarse-to-fine order: both ends, then midpoints of the widest gaps.

    Example:
        >>> _coverage_levels(5)
        [0, 4, 2, 1, 3]
    """
    if n <= 2:
        return list(range(n))
    order, seen = [0, n - 1], {0, n - 1}
    gaps = collections.deque([(0, n - 1)])
    while gaps:
        a, b = gaps.popleft()
        m = (a + b) // 2
        if m in seen:
            continue
        order.append(m)
        seen.add(m)
        gaps.extend([(a, m), (m, b)])
    return order


def run_seed(master_seed: int, run_id: int) -> int:
    """Integer seed of run ``run_id``: child ``run_id`` of ``SeedSequence(master_seed)``."""
    child = np.random.SeedSequence(master_seed, spawn_key=(run_id,))
    return int(child.generate_state(1)[0])


def _design_seed(master_seed: int) -> int:
    # The parent sequence's own stream is distinct from every child's (run seeds).
    return int(np.random.SeedSequence(master_seed).generate_state(1)[0])


def _draw(sample: SampleSpec, seed: int) -> np.ndarray:
    """The sampler's design in parameter units (before rounding integers)."""
    problem = sample.problem()
    if sample.method is SampleMethod.LHS:
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=problem["num_vars"], rng=np.random.default_rng(seed))
        lows, highs = zip(*problem["bounds"], strict=True)
        return qmc.scale(unit.random(sample.n), lows, highs)
    if sample.method is SampleMethod.SOBOL:
        from SALib.sample import sobol

        return sobol.sample(problem, sample.n, calc_second_order=False, seed=seed)
    from SALib.sample import morris

    return morris.sample(problem, sample.n, num_levels=sample.levels, seed=seed)


def _as_declared(name: str, x: float) -> Any:
    """A sampled value in the parameter's declared type (integers rounded, within bounds)."""
    info = PARAMETERS[name]
    if info.type is int:
        return int(min(max(round(float(x)), info.low), info.high))
    # A sampler's scaling may overshoot a bound by a rounding error (1.0000000000000002).
    return float(min(max(float(x), info.low), info.high))


# ---------------------------------------------------------------------- loading
def example_text() -> str:
    """The commented example spec shipped as ``experiments/specs/example.toml``."""
    return resources.files("experiments.specs").joinpath("example.toml").read_text("utf-8")


def shipped_specs() -> list[str]:
    """Names of the specs shipped in ``experiments/specs`` (without ``.toml``)."""
    files = resources.files("experiments.specs").iterdir()
    return sorted(f.name.removesuffix(".toml") for f in files if f.name.endswith(".toml"))


def resolve_spec_path(name_or_path: str | Path) -> Path:
    """A spec file: a path as given, else a spec shipped in ``experiments/specs``.

    Raises:
        SpecError: Neither a file nor a shipped spec of that name exists.
    """
    path = Path(name_or_path)
    if path.is_file():
        return path
    shipped = resources.files("experiments.specs").joinpath(f"{path.stem}.toml")
    if path.suffix in ("", ".toml") and path.parent == Path() and shipped.is_file():
        return Path(str(shipped))
    if path.is_dir():  # not "no such spec file": the path is there, of the wrong kind
        raise SpecError(f"{name_or_path}: " + _("is a directory, not a spec file; give the "
                                                "spec's .toml file (a sweep's output "
                                                "directory goes to 'verkosto report')"))
    names = ", ".join(shipped_specs())
    raise SpecError(f"{name_or_path}: " + _("no such spec file (shipped specs: {names})").format(
        names=names))


def load_spec(name_or_path: str | Path, *, replications: int | None = None,
              sets: Mapping[str, Any] | None = None) -> SweepSpec:
    """Read and validate a spec file (or a shipped spec by name).

    Args:
        name_or_path: A spec file, or the name of a shipped spec.
        replications: Replace the spec's ``replications`` (scale a shipped spec up or
            down without copying it).
        sets: Add to (or replace in) the spec's ``[set]`` table; a parameter the spec
            varies cannot be fixed this way.

    Raises:
        SpecError: The file is missing, is not valid TOML, or has a bad key or value.
    """
    path = resolve_spec_path(name_or_path)
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SpecError(f"{path}: " + _("cannot read the spec: {reason}").format(
            reason=error)) from None
    return parse_spec(text, source=str(path), base_dir=path.parent,
                      replications=replications, sets=sets)


def parse_spec(text: str, source: str = "<text>", base_dir: Path | None = None, *,
               replications: int | None = None,
               sets: Mapping[str, Any] | None = None) -> SweepSpec:
    """Validate a spec given as TOML text.

    Args:
        text: The TOML text.
        source: Name used in error messages (usually the file path).
        base_dir: Directory a relative ``base`` path is resolved against.
        replications: Replace the spec's ``replications``.
        sets: Add to (or replace in) the spec's ``[set]`` table.

    Raises:
        SpecError: Malformed TOML, an unknown key, or a bad value.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SpecError(f"{source}: " + _("not valid TOML: {reason}").format(
            reason=error)) from None
    if replications is not None:
        data["replications"] = replications
    if sets:
        table = data.get("set", {})
        data["set"] = {**table, **sets} if isinstance(table, Mapping) else table
    return spec_from_dict(data, source=source, base_dir=base_dir)


def spec_from_dict(data: Mapping[str, Any], source: str = "<dict>",
                   base_dir: Path | None = None) -> SweepSpec:
    """Validate a spec given as a dict (the parsed TOML).

    Raises:
        SpecError: An unknown key or a bad value; the message names both.
    """
    problems = _Problems(source)
    with problems.check():
        _check_keys(source, "", data, TOP_KEYS)
    base = problems.get(lambda: _get(source, data, "base", str, DEFAULT_BASE), DEFAULT_BASE)
    seed = problems.get(lambda: _get_int(source, data, "seed", None, low=0), 0)
    replications = problems.get(lambda: _get_int(source, data, "replications", 1, low=1), 1)
    steps = problems.get(lambda: _get_int(source, data, "steps", DEFAULT_STEPS, low=1),
                         DEFAULT_STEPS)
    timeseries = problems.get(lambda: _get(source, data, "timeseries", bool, True), True)
    title = problems.get(lambda: _get(source, data, "title", str, ""), "")
    description = problems.get(lambda: _get(source, data, "description", str, ""), "")
    claims = tuple(problems.get(lambda: _get_str_list(source, data, "claims", []), []))
    for claim in claims:
        match = scenarios.CLAIM_PATTERN.fullmatch(claim)
        if match is None or not 1 <= int(match.group(1)) <= scenarios.CLAIM_COUNT:
            problems.add(f"{source}: " + _(
                "claims: {claim} is not a claim id (S1 to S{last}, e.g. \"S25\" or "
                "\"S14a\")").format(claim=repr(claim), last=scenarios.CLAIM_COUNT))

    base_params = problems.get(lambda: _load_base(source, base, base_dir), None)
    if base_params is None:
        base_params = Params()
    raw_fixed = problems.get(lambda: _table(source, data, "set"), {})
    fixed = {}
    for k, v in raw_fixed.items():
        with problems.check():
            fixed[k] = _coerce(source, f"set.{k}", k, v)
    # The recording interval is the model's own parameter; the spec key wins over [set].
    default_every = fixed.get("record_every", base_params.record_every)
    record_every = problems.get(
        lambda: _get_int(source, data, "record_every", default_every, low=1), default_every)
    with problems.check():
        fixed["record_every"] = _coerce(source, "record_every", "record_every", record_every)
    try:
        base_params = base_params.replace(**fixed)
    except ParameterError as error:
        problems.add(f"{source}: [set]: {i18n.error_text(error)}")

    grid = problems.get(lambda: _parse_grid(source, _table(source, data, "grid"), fixed,
                                            problems), {})
    sample = problems.get(lambda: _parse_sample(source, data.get("sample"), fixed), None)
    if grid and sample is not None:
        problems.add(f"{source}: " + _("give either [grid] or [sample], not both"))
    outcomes = tuple(problems.get(
        lambda: _get_str_list(source, data, "outcomes", list(DEFAULT_OUTCOMES)),
        list(DEFAULT_OUTCOMES)))
    for name in outcomes:
        with problems.check():
            _check_outcome(source, name)
    problems.raise_any()

    spec = SweepSpec(base=base, base_params=base_params, seed=seed, replications=replications,
                     steps=steps, record_every=record_every, timeseries=timeseries,
                     outcomes=outcomes, fixed=fixed, grid=grid, sample=sample, title=title,
                     description=description, claims=claims, source=source)
    _check_points(spec)
    return spec


def _load_base(source: str, base: str, base_dir: Path | None) -> Params:
    """The base scenario's parameters, through the scenarios loader."""
    name: str | Path = base
    if scenarios.is_path(base) and base_dir is not None and not Path(base).is_absolute():
        name = base_dir / base
    try:
        return scenarios.load(name)
    except scenarios.ScenarioError as error:
        # the loader's words, in the chosen language
        raise SpecError(f"{source}: base = {base!r}: {i18n.error_text(error)}") from None


def _check_keys(source: str, where: str, data: Mapping[str, Any], allowed: Sequence[str]) -> None:
    found = []
    for key in data:
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = " " + _("(did you mean '{name}'?)").format(name=close[0]) if close else ""
            found.append(f"'{key}'{hint}")
    if found:
        place = f"[{where}] " if where else ""
        raise SpecError(f"{source}: " + ngettext(
            "unknown key {place}{keys} (allowed: {allowed})",
            "unknown keys {place}{keys} (allowed: {allowed})", len(found)).format(
                place=place, keys=", ".join(found), allowed=", ".join(allowed)))


class _Problems:
    """Collects every mistake of a spec, so that one message names them all."""

    def __init__(self, source: str):
        self.source = source
        self.messages: list[str] = []

    def add(self, message: str) -> None:
        """Record one mistake (its ``source:`` prefix is dropped; the message adds it once)."""
        text = message.removeprefix(f"{self.source}: ")
        if text not in self.messages:
            self.messages.append(text)

    @contextlib.contextmanager
    def check(self) -> Iterator[None]:
        """Record a :class:`SpecError` raised inside the block instead of stopping."""
        try:
            yield
        except SpecError as error:
            self.add(str(error))

    def get(self, read: Callable[[], Any], fallback: Any) -> Any:
        """``read()``, or ``fallback`` after recording the mistake it raised."""
        try:
            return read()
        except SpecError as error:
            self.add(str(error))
            return fallback

    def raise_any(self) -> None:
        """Raise one :class:`SpecError` naming every mistake recorded, if any."""
        if len(self.messages) == 1:
            raise SpecError(f"{self.source}: {self.messages[0]}")
        if self.messages:
            listed = "; ".join(f"({k}) {m}" for k, m in enumerate(self.messages, start=1))
            raise SpecError(f"{self.source}: " + _("{n} mistakes: {listed}").format(
                n=len(self.messages), listed=listed))


def _get(source: str, data: Mapping[str, Any], key: str, kind: type, default: Any) -> Any:
    value = data.get(key, default)
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        # In TOML's words, not Python's ("expected a bool" told a user nothing).
        expected = (_("expected true or false (without quotes)") if kind is bool
                    else _("expected a string in quotes"))
        raise SpecError(f"{source}: '{key}' = {value!r}: " + expected)
    return value


def _get_int(source: str, data: Mapping[str, Any], key: str, default: int | None,
             low: int) -> int:
    if key not in data and default is None:
        raise SpecError(f"{source}: " + _("'{key}' is required (an integer >= {low})").format(
            key=key, low=low))
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise SpecError(f"{source}: '{key}' = {value!r}: "
                        + _("expected an integer >= {low}").format(low=low))
    return value


def _get_str_list(source: str, data: Mapping[str, Any], key: str, default: list[str]) -> list[str]:
    value = data.get(key, default)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SpecError(f"{source}: '{key}' = {value!r}: " + _("expected a list of strings"))
    return value


def _table(source: str, data: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise SpecError(f"{source}: " + _("'{key}' must be a table ([{key}]), got "
                                          "{value}").format(key=key, value=repr(value)))
    return dict(value)


def percent_hint(key: str, value: Any) -> str:
    """'; did you mean 0.8?' when a share or probability seems given as a percentage."""
    info = PARAMETERS.get(key)
    if (info is None or isinstance(value, bool) or not isinstance(value, int | float)
            or info.low != 0.0 or info.high is None or info.high > 1.0):
        return ""
    if 1.0 < value <= 100.0:
        return "; " + _("did you mean {value}? (a fraction, not a percentage)").format(
            value=f"{value / 100:g}")
    return ""


def _coerce(source: str, where: str, key: str, value: Any) -> Any:
    """A parameter value of the spec, checked as a scenario file's values are (a quoted
    ``"8"`` is not a number, ``"yes"`` is not ``true``), its refusal in the user's language.
    """
    try:
        return scenarios.validate_value(key, value)
    except ParameterError as error:
        raise SpecError(f"{source}: {where}: {i18n.error_text(error)}"
                        f"{percent_hint(key, value)}"
                        f"{i18n.word(scenarios.decimal_comma_hint(key, value))}") from None


def _check_variable(source: str, where: str, key: str, fixed: Mapping[str, Any],
                    numeric: bool) -> None:
    if key not in PARAMETERS:
        _coerce(source, where, key, None)  # raises with the nearest name
    if key == "record_every":  # in fixed whether or not [set] has it: the spec's own key
        raise SpecError(f"{source}: {where}: " + _(
            "'record_every' is how often the time series is recorded, the same for every "
            "run: give it once at the top of the spec (record_every = 4), not in a [grid] "
            "or [sample]"))
    if key in fixed:
        raise SpecError(f"{source}: {where}: " + _("'{key}' is both fixed in [set] and "
                                                   "varied").format(key=key))
    info = PARAMETERS[key]
    if isinstance(info.default, tuple):
        raise SpecError(f"{source}: {where}: " + _("'{key}' is a list of numbers and cannot "
                                                   "be varied; fix it in [set]").format(key=key))
    if numeric and (info.type not in (int, float) or info.choices is not None):
        raise SpecError(f"{source}: {where}: " + _(
            "'{key}' is not numeric and cannot be sampled over bounds; vary it in a [grid] "
            "instead").format(key=key))


def _parse_grid(source: str, table: Mapping[str, Any], fixed: Mapping[str, Any],
                problems: _Problems | None = None) -> dict:
    grid: dict[str, list[Any]] = {}
    for key, values in table.items():
        try:
            grid[key] = _grid_values(source, key, values, fixed)
        except SpecError as error:
            if problems is None:
                raise
            problems.add(str(error))
    return grid


def _grid_values(source: str, key: str, values: Any, fixed: Mapping[str, Any]) -> list[Any]:
    where = f"grid.{key}"
    _check_variable(source, where, key, fixed, numeric=False)
    if not isinstance(values, list) or not values:
        raise SpecError(f"{source}: {where} = {values!r}: "
                        + _("expected a non-empty list of values"))
    coerced = [_coerce(source, where, key, v) for v in values]
    if len(set(coerced)) != len(coerced):
        raise SpecError(f"{source}: {where} = {values!r}: " + _("values repeat"))
    return [jsonable(v) for v in coerced]


def _parse_sample(source: str, table: Any, fixed: Mapping[str, Any]) -> SampleSpec | None:
    if table is None:
        return None
    if not isinstance(table, Mapping):
        raise SpecError(f"{source}: " + _("'{key}' must be a table ([{key}]), got "
                                          "{value}").format(key="sample", value=repr(table)))
    _check_keys(source, "sample", table, SAMPLE_KEYS)
    methods = ", ".join(m.value for m in SampleMethod)
    method_text = table.get("method", SampleMethod.LHS.value)
    try:
        method = SampleMethod(method_text)
    except ValueError:
        raise SpecError(f"{source}: sample.method = {method_text!r}: "
                        + _("expected one of {choices}").format(choices=methods)) from None
    n = _get_int(source, table, "n", None, low=1)
    levels = _get_int(source, table, "levels", DEFAULT_MORRIS_LEVELS, low=2)
    if levels % 2:
        raise SpecError(f"{source}: sample.levels = {levels}: " + _("expected an even number"))
    ranges = _get(source, table, "ranges", str, RANGES[0])
    if ranges not in RANGES:
        raise SpecError(f"{source}: sample.ranges = {ranges!r}: "
                        + _("expected one of {choices}").format(choices=", ".join(RANGES)))
    assumptions = _get(source, table, "assumptions", bool, False)
    dummy = _get(source, table, "dummy", bool, False)
    names = _get_str_list(source, table, "parameters", [])
    given = _table(source, table, "bounds")
    for key in given:
        if key not in names:
            names.append(key)
    plausible = uncertain_parameters()
    if assumptions:  # every assumption about the world not fixed or named already
        names += [key for key in plausible if key not in names and key not in fixed]
    if not names:
        raise SpecError(f"{source}: " + _("[sample] names no parameters: give 'parameters' "
                                          "(declared bounds), [sample.bounds] or assumptions "
                                          "= true"))
    if DUMMY in names:
        raise SpecError(f"{source}: sample.parameters: " + _(
            "'{name}' is reserved; add the dummy input with dummy = true").format(name=DUMMY))
    bounds: dict[str, tuple[float, float]] = {}
    for key in names:
        where = f"sample.bounds.{key}" if key in given else f"sample.parameters '{key}'"
        _check_variable(source, where, key, fixed, numeric=True)
        info = PARAMETERS[key]
        if key in given:
            pair = given[key]
        elif ranges == "plausible" or (assumptions and key in plausible):
            if info.plausible is None:
                raise SpecError(f"{source}: {where}: " + _(
                    "'{key}' is a lever and has no plausible range; give its [sample.bounds] "
                    "or use ranges = \"declared\"").format(key=key))
            pair = list(info.plausible)
        else:
            pair = [info.low, info.high]
        if (not isinstance(pair, list) or len(pair) != 2
                or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in pair)):
            raise SpecError(f"{source}: {where} = {pair!r}: " + _("expected [low, high]"))
        low, high = (float(_coerce(source, where, key, v)) for v in pair)
        if not low < high:
            raise SpecError(f"{source}: {where} = {pair!r}: " + _("low must be below high"))
        bounds[key] = (low, high)
    sample = SampleSpec(method=method, n=n, bounds=bounds, levels=levels, dummy=dummy)
    _check_sample_size(source, sample)
    return sample


def _check_sample_size(source: str, sample: SampleSpec) -> None:
    # Saltelli's scheme keeps the Sobol sequence balanced only at powers of two.
    if sample.method is SampleMethod.SOBOL and sample.n & (sample.n - 1):
        raise SpecError(f"{source}: sample.n = {sample.n}: " + _(
            "Sobol sampling needs a power of two (e.g. {n})").format(
                n=2 ** math.ceil(math.log2(sample.n))))


def _check_outcome(source: str, name: str) -> None:
    from model.reporters import MODEL_REPORTERS

    classes = [o.value for o in Outcome]
    if name in classes:
        return
    not_measures = {"phase", "step"}  # a label and the week, not outcomes
    if name not in MODEL_REPORTERS or name in not_measures:
        allowed = sorted(set(MODEL_REPORTERS) - not_measures) + classes
        close = difflib.get_close_matches(name, allowed, n=1)
        hint = "; " + _("did you mean '{name}'?").format(name=close[0]) if close else ""
        raise SpecError(f"{source}: " + _(
            "outcomes: unknown measure '{name}'{hint} (allowed: a numeric reporter or an "
            "outcome class: {allowed})").format(name=name, hint=hint,
                                                 allowed=", ".join(allowed)))


def _check_points(spec: SweepSpec) -> None:
    """Every point must make valid parameters together (cross-parameter rules)."""
    for p in range(spec.n_points):
        overrides = spec.point(p)
        try:
            spec.base_params.replace(**overrides)
        except ParameterError as error:
            shown = ", ".join(f"{k}={v!r}" for k, v in overrides.items())
            raise SpecError(f"{spec.source}: " + _("point {p} ({values}): {reason}").format(
                p=p, values=shown, reason=i18n.error_text(error))) from None


def measure_name(outcome: str) -> str:
    """Column name of an outcome measure: a reporter's own name, or ``p_<class>``."""
    return f"{OUTCOME_SHARE_PREFIX}{outcome}" if outcome in {o.value for o in Outcome} else outcome
