"""The scenarios library: every shipped scenario is valid and says what it claims, and every
kind of bad scenario file is rejected with a message naming the file, the key and the value."""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import scenarios
from model import DEFAULT_STEPS, NetworkModel, Outcome, Params
from model.params import PARAMETERS, Governance, Lifecycle, Purpose
from scenarios import ScenarioError

SMALL = {"n_organisations": 4, "participants_per_organisation": 3}
FEW_STEPS = 6
MIN_SENTENCES, MAX_SENTENCES = 2, 5
DEFAULTS = Params()

# The situations of the source text the issue asks for, with the claim each must cite.
REQUIRED = {
    "default": None,
    "no_coordination": "S36",
    "light_skilled_coordination": "S25",
    "heavy_structure": "S25",
    "no_time_allocated": "S16",
    "peer_support": "S4",
    "learning": "S5",
    "advocacy": "S6",
    "innovation": "S7",
    "client_service": "S8",
    "permanent_statutory": "S29",
    "client_process": "S30",
    "smouldering": "S31",
    "project": "S32",
    "leadership_routine": "S27",
    "leadership_open_will": "S27",
    "missing_brokers": "S24",
    "missing_recruiters": "S24",
    "no_facilitation": "S24",
    "high_turnover": "S18",
    "opened_to_residents": "S22",
    "rotating_meeting": "S22",
    "anticipation_dialogue": "S37",
}


def write(tmp_path: Path, text: str, name: str = "mine.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------- shipped scenarios
def test_every_required_situation_is_shipped_with_default_first() -> None:
    shipped = scenarios.names()
    assert set(REQUIRED) <= set(shipped)
    assert shipped[0] == scenarios.DEFAULT
    assert shipped[1:] == sorted(shipped[1:])
    assert all(scenarios.NAME_PATTERN.fullmatch(name) for name in shipped)


@pytest.mark.parametrize("name", scenarios.names())
def test_shipped_scenario_is_complete_and_runs(name: str) -> None:
    scenario = scenarios.info(name)
    assert scenario.name == name
    assert scenario.title and scenario.title[0].isupper()
    sentences = re.findall(r"[.!?](?:\s|$)", scenario.description)
    assert MIN_SENTENCES <= len(sentences) <= MAX_SENTENCES, scenario.description
    assert scenario.claims
    if REQUIRED.get(name):
        assert REQUIRED[name] in scenario.claims
    params = scenarios.load(name)
    flat = params.flat()
    for key, value in scenario.overrides.items():
        assert flat[key] == getattr(value, "value", value)
    # Runs a few weeks on a small network.
    model = NetworkModel(params=params.replace(**SMALL), rng=3)
    model.run_for(FEW_STEPS)
    assert 1 <= model.steps <= FEW_STEPS
    assert model.outcome in {o.value for o in Outcome}


def test_default_scenario_is_the_models_defaults() -> None:
    assert scenarios.load("default") == DEFAULTS
    assert scenarios.info("default").overrides == {}


# Each scenario sets up its situation: (scenario, parameter, check against the default value).
SITUATIONS = [
    ("no_coordination", "coordination_budget_eur", lambda v, d: v == 0),
    ("no_time_allocated", "time_allocation_hours", lambda v, d: v == 0),
    ("no_time_allocated", "coordination_budget_eur", lambda v, d: v > 0),  # even with a coordinator
    ("light_skilled_coordination", "structure", lambda v, d: v < d),
    ("light_skilled_coordination", "facilitation", lambda v, d: v > d),
    ("heavy_structure", "structure", lambda v, d: v > 0.5),
    ("heavy_structure", "coordination_budget_eur", lambda v, d: v > d),
    ("peer_support", "purpose", lambda v, d: v == Purpose.PEER_SUPPORT),
    ("learning", "purpose", lambda v, d: v == Purpose.LEARNING),
    ("advocacy", "purpose", lambda v, d: v == Purpose.ADVOCACY),
    ("innovation", "purpose", lambda v, d: v == Purpose.INNOVATION),
    ("client_service", "purpose", lambda v, d: v == Purpose.CLIENT_SERVICE),
    ("permanent_statutory", "lifecycle", lambda v, d: v == Lifecycle.PERMANENT),
    ("permanent_statutory", "mandate", lambda v, d: v > d),
    ("client_process", "lifecycle", lambda v, d: v == Lifecycle.CLIENT_PROCESS),
    ("smouldering", "lifecycle", lambda v, d: v == Lifecycle.SMOULDERING),
    ("project", "lifecycle", lambda v, d: v == Lifecycle.PROJECT),
    ("leadership_routine", "leadership_depth", lambda v, d: v == 1),
    ("leadership_open_heart", "leadership_depth", lambda v, d: v == 3),
    ("leadership_open_will", "leadership_depth", lambda v, d: v == 4),
    ("missing_brokers", "share_brokers", lambda v, d: v == 0),
    ("missing_recruiters", "share_recruiters", lambda v, d: v == 0),
    ("no_facilitation", "facilitation", lambda v, d: v == 0),
    ("no_facilitation", "share_facilitators", lambda v, d: v == 0),
    ("high_turnover", "turnover_per_year", lambda v, d: v >= 3 * d),
    ("opened_to_residents", "resident_share", lambda v, d: v > 0),
    ("opened_without_facilitation", "resident_share", lambda v, d: v > 0),
    ("opened_without_facilitation", "facilitation", lambda v, d: v < d),
    ("rotating_meeting", "rotating_meeting", lambda v, d: v is True),
    ("rotating_meeting", "resident_share", lambda v, d: v > 0),
    ("anticipation_dialogue", "anticipation_dialogue", lambda v, d: v is True),
]


@pytest.mark.parametrize(("name", "key", "check"), SITUATIONS,
                         ids=[f"{n}-{k}" for n, k, _ in SITUATIONS])
def test_scenario_sets_up_its_situation(name: str, key: str, check) -> None:
    params = scenarios.load(name)
    assert check(getattr(params, key), getattr(DEFAULTS, key)), (name, key, getattr(params, key))


def test_light_coordination_has_less_money_than_heavy_structure() -> None:
    light, heavy = scenarios.load("light_skilled_coordination"), scenarios.load("heavy_structure")
    assert light.coordination_budget_eur < heavy.coordination_budget_eur
    assert light.governance is heavy.governance is Governance.LED


def test_scenarios_change_only_what_they_say() -> None:
    # A scenario's parameters differ from the defaults in exactly its listed overrides.
    for scenario in scenarios.all_scenarios():
        changed = {k for k, v in scenario.params.flat().items() if v != DEFAULTS.flat()[k]}
        assert changed <= set(scenario.overrides), scenario.name


# ---------------------------------------------------------------------------- loading by path
def test_user_file_with_base_inherits_and_overrides(tmp_path: Path) -> None:
    path = write(tmp_path, 'base = "no_coordination"\n[params]\nfacilitation = 0.2\n')
    scenario = scenarios.info(path)
    assert scenario.title == "mine"  # defaults to the file name
    assert scenario.overrides == {"coordination_budget_eur": 0.0, "facilitation": 0.2}
    params = scenarios.load(str(path))
    assert params.coordination_budget_eur == 0 and params.facilitation == 0.2


def test_base_path_is_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    write(tmp_path, "[params]\nmeeting_interval_weeks = 2\n", name="parent.toml")
    child = write(tmp_path, 'base = "../parent.toml"\n', name="sub/child.toml")
    assert scenarios.load(child).meeting_interval_weeks == 2


def test_a_shipped_file_loads_by_path_like_by_name() -> None:
    path = scenarios.SCENARIO_DIR / "high_turnover.toml"
    assert scenarios.load(path) == scenarios.load("high_turnover")


# ---------------------------------------------------------------------------- bad scenarios
BAD_FILES = [
    # (what is wrong, file text, fragments the message must contain)
    ("malformed TOML", 'title = "x"\n[params\nfacilitation = 0.5\n', ["not valid TOML", "line 2"]),
    ("unknown parameter", "[params]\nfacilitaton = 0.5\n",
     ["unknown parameter 'facilitaton'", "did you mean 'facilitation'"]),
    ("out of bounds", "[params]\nfacilitation = 1.5\n", ["'facilitation'", "1.5", "0 to 1"]),
    ("rate out of bounds", "[params]\nturnover_per_year = 20\n",
     ["'turnover_per_year'", "20", "allowed 0 to 1 a year"]),
    ("number as string", '[params]\nn_organisations = "8"\n',
     ["'n_organisations'", "'8'", "whole number"]),
    ("fractional count", "[params]\nn_organisations = 7.5\n", ["'n_organisations'", "7.5"]),
    ("flag as string", '[params]\nrotating_meeting = "yes"\n',
     ["'rotating_meeting'", "true or false"]),
    ("bad choice", '[params]\npurpose = "profit"\n',
     ["'purpose'", "'profit'", "peer_support", "client_service"]),
    ("list for a number", "[params]\nfacilitation = [0.1, 0.2]\n",
     ["'facilitation'", "a number"]),
    ("nested table", "[params.coordination]\nfacilitation = 0.5\n",
     ["'params.coordination' is a table"]),
    ("parameter at top level", "facilitation = 0.5\n",
     ["unknown key 'facilitation'", "[params] table"]),
    ("misspelt top-level key", 'titel = "x"\n', ["unknown key 'titel'", "did you mean 'title'"]),
    ("title not a string", "title = 3\n", ["'title'", "3", "string"]),
    ("bad claim id", 'claims = ["S99"]\n', ["'claims'", "S99", "S1 to S37"]),
    ("claims not a list", 'claims = "S36"\n', ["'claims'", "list"]),
    ("params not a table", "params = 3\n", ["'params'", "table"]),
    ("cross-parameter conflict", "[params]\nshare_conveners = 0.6\nshare_seekers = 0.6\n",
     ["share_conveners + share_seekers"]),
    ("unknown base", 'base = "nosuch"\n', ["unknown scenario 'nosuch'"]),
    ("missing base file", 'base = "other.toml"\n', ["'base'", "other.toml", "does not exist"]),
    ("quoted decimal comma", '[params]\ntrust_prior = "0,3"\n',
     ["'trust_prior'", "'0,3'", "; did you mean 0.3? (a decimal point, not a comma)"]),
    ("quoted thousands comma", '[params]\nn_organisations = "1,000"\n',
     ["'n_organisations'", "; did you mean 1000? (no thousands separator)"]),
]


@pytest.mark.parametrize(("problem", "text", "fragments"), BAD_FILES,
                         ids=[b[0] for b in BAD_FILES])
def test_bad_file_is_rejected_with_a_message_naming_file_and_problem(
        tmp_path: Path, problem: str, text: str, fragments: list[str]) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as caught:
        scenarios.load(path)
    message = str(caught.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message, (problem, message)
    assert caught.value.path == path


ENGLISH_WORDS = ("scenario file", "unknown", "expected", "did you mean", "allowed", "is a table",
                 "does not exist", "out of bounds", "must be", "a number", "a list", " or ")


@pytest.mark.parametrize(("problem", "text", "fragments"), BAD_FILES,
                         ids=[b[0] for b in BAD_FILES])
def test_bad_file_message_can_be_worded_in_finnish(
        tmp_path: Path, problem: str, text: str, fragments: list[str]) -> None:
    """The error carries its message as template and fields (the loader never imports the
    front door), and the front door words all of it in Finnish; only the model's
    cross-parameter checks and tomllib's reason stay English."""
    from verkosto import i18n

    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as caught:
        scenarios.load(path)
    english = i18n.error_text(caught.value, i18n.translator("en"))
    finnish = i18n.error_text(caught.value, i18n.translator("fi"))
    assert english == str(caught.value)
    assert finnish.startswith(f"tilannetiedosto '{path}'"), finnish
    if problem != "cross-parameter conflict":
        assert [w for w in ENGLISH_WORDS if w in finnish] == [], finnish


def test_unknown_scenario_can_be_worded_in_finnish() -> None:
    from verkosto import i18n

    with pytest.raises(ScenarioError) as caught:
        scenarios.load("no_coordinaton")
    finnish = i18n.error_text(caught.value, i18n.translator("fi"))
    assert finnish.startswith("tuntematon tilanne 'no_coordinaton'; tarkoititko "
                              "'no_coordination' tai "), finnish
    assert "(tai anna polku .toml-tiedostoon)" in finnish


def test_error_key_points_at_the_parameter(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as caught:
        scenarios.load(write(tmp_path, "[params]\nfacilitation = 1.5\n"))
    assert caught.value.key == "params.facilitation"


def test_base_loop_is_detected(tmp_path: Path) -> None:
    write(tmp_path, 'base = "b.toml"\n', name="a.toml")
    write(tmp_path, 'base = "a.toml"\n', name="b.toml")
    with pytest.raises(ScenarioError, match="loop"):
        scenarios.load(tmp_path / "a.toml")


def test_non_utf8_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('title = "Verkostoiva ty\u00f6"\n'.encode("latin-1"))
    with pytest.raises(ScenarioError, match="not UTF-8"):
        scenarios.load(path)


def test_unknown_name_suggests_the_nearest() -> None:
    with pytest.raises(ScenarioError) as caught:
        scenarios.load("no_coordinaton")
    assert "unknown scenario 'no_coordinaton'" in str(caught.value)
    assert "did you mean 'no_coordination'" in str(caught.value)


@pytest.mark.parametrize(("target", "problem"), [("missing.toml", "does not exist"),
                                                 ("dir_instead", "is a directory")])
def test_missing_file_or_directory_is_rejected(tmp_path: Path, target: str, problem: str) -> None:
    (tmp_path / "dir_instead").mkdir()
    path = tmp_path / target
    with pytest.raises(ScenarioError, match=problem):
        scenarios.load(path)


def test_every_parameter_type_has_a_plain_description() -> None:
    # The strict type check explains each declared parameter in words (generated, not restated).
    for key, info in PARAMETERS.items():
        text = scenarios.expected_kind(key)
        if info.choices:
            assert all(c in text for c in info.choices)
        elif info.type in (int, float):
            assert f"{info.low:g}" in text and f"{info.high:g}" in text


MODAL_SEEDS = range(1, 13)


@pytest.mark.slow
@pytest.mark.parametrize("name", scenarios.names())
def test_modal_outcome_is_what_the_description_tells_the_room(name):
    """Every shipped scenario says what a room should expect (``expect``, and in words in its
    description); the modal outcome over 12 seeds of a three-year run is one of those."""
    sc = scenarios.info(name)
    assert sc.expect, f"scenario '{name}' states no expected outcome"
    assert "Expect" in sc.description, f"scenario '{name}' does not say what to expect"
    outcomes = []
    for seed in MODAL_SEEDS:
        m = NetworkModel(params=sc.params, rng=seed)
        m.run_for(DEFAULT_STEPS)
        outcomes.append(m.outcome)
    counts = Counter(outcomes)
    top = max(counts.values())
    modal = {o for o, c in counts.items() if c == top}
    assert modal <= set(sc.expect), (name, dict(counts), sc.expect)


def test_expect_must_name_outcome_classes(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('expect = ["booming"]\n')
    with pytest.raises(scenarios.ScenarioError) as err:
        scenarios.load(str(path))
    message = str(err.value)
    assert "'expect'" in message and "booming" in message and "thriving" in message


# ---------------------------------------------------------------------------- promises read aloud
# A description tells the room more than the outcome: "trust grows about as much as ...",
# "commitment stays below the default's". Each such promise, with the words that make it, and
# a check over the three-year runs of MODAL_SEEDS: per seed (in at least MOST of them), or on
# the mean over the seeds where the description itself speaks of an average ("about as much").
MOST = 0.75
"""Share of seeds a per-seed promise must hold in: what a room sees in most runs."""


@functools.cache
def three_years(name: str, seed: int, **overrides: Any) -> pd.DataFrame:
    """The weekly reporters of a shipped scenario (with overrides) over DEFAULT_STEPS."""
    params = scenarios.load(name)
    model = NetworkModel(params=params.replace(**overrides) if overrides else params, rng=seed)
    model.run_for(DEFAULT_STEPS)
    return model.datacollector.get_model_vars_dataframe()


def end(name: str, seed: int, column: str, **overrides: Any) -> float:
    return float(three_years(name, seed, **overrides)[column].iloc[-1])


def in_most(holds: Callable[[int], bool]) -> Callable[[], tuple[bool, str]]:
    def check() -> tuple[bool, str]:
        held = [seed for seed in MODAL_SEEDS if holds(seed)]
        return len(held) >= MOST * len(MODAL_SEEDS), f"holds in seeds {held}"
    return check


def mean_within(value: Callable[[int], float], low: float, high: float
                ) -> Callable[[], tuple[bool, str]]:
    def check() -> tuple[bool, str]:
        mean = float(np.mean([value(seed) for seed in MODAL_SEEDS]))
        return low <= mean <= high, f"mean {mean:.3f}, promised {low} to {high}"
    return check


PROMISES: list[tuple[str, str, Callable[[], tuple[bool, str]]]] = [
    # (scenario, the words of its English description that promise it, the check)
    ("anticipation_dialogue",
     "trust grows about as much as in the same network meeting without the dialogues",
     mean_within(lambda s: end("anticipation_dialogue", s, "network_trust")
                 - end("anticipation_dialogue", s, "network_trust", anticipation_dialogue=False),
                 -0.02, 0.02)),
    ("anticipation_dialogue", "coordination costs about a fifth more",
     mean_within(lambda s: end("anticipation_dialogue", s, "coordination_spent_eur")
                 / end("anticipation_dialogue", s, "coordination_spent_eur",
                       anticipation_dialogue=False), 1.12, 1.3)),
    ("high_turnover", "Familiarity and trust stall at a low level instead of building up, and "
     "commitment stays below the default's",
     in_most(lambda s: all(end("high_turnover", s, c) < end("default", s, c) for c in (
         "network_familiarity", "network_trust", "network_commitment")))),
    ("rotating_meeting", "The visits lift knowledge coverage, what people know of each other's "
     "organisations, a little above that of the same network meeting in one place",
     in_most(lambda s: end("rotating_meeting", s, "knowledge_coverage")
             > end("rotating_meeting", s, "knowledge_coverage", rotating_meeting=False))),
    ("rotating_meeting", "though not above the default's",
     mean_within(lambda s: end("rotating_meeting", s, "knowledge_coverage")
                 - end("default", s, "knowledge_coverage"), -1.0, 0.03)),
    ("default", "nearly every seat stays engaged and trust ties spread across the organisations",
     in_most(lambda s: end("default", s, "active_share") >= 0.9
             and end("default", s, "cross_org_ties") >= end("default", s, "present"))),
    ("no_coordination", "Watch familiarity and trust relax week by week",
     in_most(lambda s: all(end("no_coordination", s, c)
                           < three_years("no_coordination", s)[c].iloc[0]
                           for c in ("network_familiarity", "network_trust")))),
    ("no_coordination", "within a year most people drift away",
     in_most(lambda s: three_years("no_coordination", s)["active_share"].iloc[52] < 0.5)),
    ("no_time_allocated", "few stay engaged and the trust ties wither",
     in_most(lambda s: end("no_time_allocated", s, "active_share") <= 0.25
             and end("no_time_allocated", s, "trust_ties_per_seat") < 0.5)),
    ("heavy_structure", "with fewer people engaged than in the default",
     in_most(lambda s: end("heavy_structure", s, "active_share") < end("default", s, "active_share"))),
    ("light_skilled_coordination", "Expect it to thrive as well as the default",
     in_most(lambda s: end("light_skilled_coordination", s, "active_share") >= 0.9)),
    ("no_facilitation", "with fewer people engaged and less trust than the default",
     in_most(lambda s: all(end("no_facilitation", s, c) < end("default", s, c)
                           for c in ("active_share", "network_trust")))),
    ("missing_brokers", "watch knowledge coverage lag behind the default",
     in_most(lambda s: end("missing_brokers", s, "knowledge_coverage")
             < end("default", s, "knowledge_coverage"))),
    ("missing_recruiters", "this one stays at its founding size or shrinks",
     in_most(lambda s: end("missing_recruiters", s, "present")
             <= three_years("missing_recruiters", s)["present"].iloc[0])),
    ("missing_recruiters", "the default network grows by about a sixth in three years",
     mean_within(lambda s: end("default", s, "present")
                 / three_years("default", s)["present"].iloc[0] - 1, 0.10, 0.23)),
    ("learning", "watch the dialogue skill of the people present grow past the default's",
     in_most(lambda s: end("learning", s, "dialogue_skill")
             > max(end("default", s, "dialogue_skill"),
                   three_years("learning", s)["dialogue_skill"].iloc[0]))),
    ("high_turnover", "with far fewer trust ties and starting relationships than the default",
     in_most(lambda s: all(end("high_turnover", s, c) < end("default", s, c) / 2
                           for c in ("trust_ties_per_seat", "relationships_kept")))),
    ("leadership_routine", "with almost no new practices",
     in_most(lambda s: end("leadership_routine", s, "innovations") <= 1)),
    ("leadership_open_heart", "with several new practices over three years",
     in_most(lambda s: end("leadership_open_heart", s, "innovations") >= 2)),
    ("leadership_open_will", "with the most new practices of the leadership scenarios",
     in_most(lambda s: end("leadership_open_will", s, "innovations")
             >= max(end(n, s, "innovations") for n in ("leadership_open_heart", "leadership_routine")))),
    ("innovation", "Expect few inventions in any one year",
     in_most(lambda s: end("innovation", s, "innovations") <= 2 * DEFAULT_STEPS / 52)),
    ("opened_to_residents", "with more new practices than the default",
     in_most(lambda s: end("opened_to_residents", s, "innovations") > end("default", s, "innovations"))),
    ("opened_without_facilitation", "with less trust than the facilitated opening",
     in_most(lambda s: end("opened_without_facilitation", s, "network_trust")
             < end("opened_to_residents", s, "network_trust"))),
    ("client_service", "with seamless client paths growing",
     in_most(lambda s: three_years("client_service", s)["value_created"].iloc[-52:].mean()
             > three_years("client_service", s)["value_created"].iloc[1:53].mean())),
    ("permanent_statutory", "the statutory duty keeps people coming",
     in_most(lambda s: end("permanent_statutory", s, "active_share") >= 0.9)),
    ("project", "Compare with a network that never stops: commitment sags",
     in_most(lambda s: end("project", s, "network_commitment", goal_recognition=0.0) < 0.8 * (
         (run := three_years("project", s, goal_recognition=0.0))["network_commitment"][
             run["goal_progress"] >= 1].iloc[0]))),
]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "words", "check"), PROMISES,
                         ids=[f"{n}: {w[:40]}" for n, w, _ in PROMISES])
def test_what_the_description_promises_the_runs_show(name, words, check):
    """A trainer reads the description aloud and the room watches the run: what it promises
    that the screen can show must show there, in most seeds (or on average, where it says so)."""
    assert words in scenarios.info(name).description, f"'{name}' no longer says: {words}"
    held, detail = check()
    assert held, (name, words, detail)
