"""docs/ODD.md stays true to the code: generated parameter table, schedule, reporters, names."""

from __future__ import annotations

import ast
import enum
import importlib.util
import inspect
import math
import re
import textwrap
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from model import PARAMETERS, NetworkModel, Outcome, Phase
from model import agents as agents_module
from model import formation as formation_module
from model import model as model_module
from model import outcome as outcome_module
from model import params as params_module
from model.relations import Relations
from model.reporters import MODEL_REPORTERS

ROOT = Path(__file__).resolve().parent.parent
ODD = ROOT / "docs" / "ODD.md"
N_PATTERNS = 13
N_CLAIMS = 37
# Names in the ODD's code spans that are neither parameters nor model attributes.
EXTERNAL_NAMES = {
    "batch_run",  # Mesa
    "connected_components",  # scipy.sparse.csgraph
    "n_res",  # initialization: number of resident representatives
    "share_",  # the family share_<strength>
    "z_person", "z_k",  # standard normal draws in the initialization formulas
}
# Math subscripts: c_i, F_ij, hours_ema_i, ...; the stem must be a code name or a symbol
# the ODD defines in its formulas.
SUBSCRIPT = re.compile(r"_(?:i|j|k|ij|b|c)$")
SYMBOLS = {"a", "c", "b", "d", "dq", "alloc", "benefit", "logit", "hours"}


def _load_param_table() -> ModuleType:
    spec = importlib.util.spec_from_file_location("param_table", ROOT / "docs" / "param_table.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


param_table = _load_param_table()


@pytest.fixture(scope="module")
def odd() -> str:
    return ODD.read_text(encoding="utf-8")


def _section(text: str, start: str, end: str) -> str:
    i = text.index(start)
    return text[i: text.index(end, i)]


def _schedule(text: str) -> list[str]:
    block = _section(text, "<!-- schedule:start -->", "<!-- schedule:end -->")
    items = re.findall(r"^(\d+)\. \*\*`(\w+)`\*\*", block, flags=re.MULTILINE)
    assert [int(n) for n, _ in items] == list(range(1, len(items) + 1)), "schedule misnumbered"
    return [name for _, name in items]


def _step_calls() -> list[str]:
    """The ``self.<name>()`` calls in ``NetworkModel.step``, in source order."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(NetworkModel.step)))
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Attribute)
             and isinstance(node.func.value, ast.Name) and node.func.value.id == "self"]
    calls.sort(key=lambda c: (c.lineno, c.col_offset))
    return [c.func.attr for c in calls]


# ---------------------------------------------------------------- parameter table
def test_parameter_table_in_odd_is_the_generated_one(odd):
    assert param_table.embedded_table(odd) == param_table.render_table(), (
        "docs/ODD.md parameter table is stale: run .venv/bin/python docs/param_table.py --write")


def test_table_has_one_row_per_declared_parameter_with_its_metadata():
    rows = param_table.render_table().splitlines()[2:]
    assert len(rows) == len(PARAMETERS)
    for row, info in zip(rows, PARAMETERS.values(), strict=True):
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        assert cells[0] == f"`{info.name}`"
        assert cells[1] == info.group
        assert cells[5] == info.source
        assert cells[6] == info.doc
        if info.choices:
            assert all(f"`{c}`" in cells[4] for c in info.choices)
        elif info.type in (int, float) and info.low is not None and info.high is not None:
            assert cells[4] == f"{info.low:g} – {info.high:g}"


def test_check_fails_on_a_stale_table_and_write_repairs_it(tmp_path, monkeypatch, odd):
    stale = odd.replace("| `trust_gain` | dynamics |", "| `trust_gain` | dynamic |")
    assert stale != odd
    copy = tmp_path / "ODD.md"
    copy.write_text(stale, encoding="utf-8")
    monkeypatch.setattr(param_table, "ODD_PATH", copy)
    assert param_table.main(["--check"]) == 1
    assert param_table.main(["--write"]) == 0
    assert param_table.main(["--check"]) == 0
    assert copy.read_text(encoding="utf-8") == odd


def test_write_refuses_a_file_without_markers(tmp_path, monkeypatch):
    copy = tmp_path / "ODD.md"
    copy.write_text("# no markers\n", encoding="utf-8")
    monkeypatch.setattr(param_table, "ODD_PATH", copy)
    with pytest.raises(param_table.TableError):
        param_table.main(["--write"])


# ---------------------------------------------------------------- schedule
def test_schedule_names_the_methods_step_calls_in_order(odd):
    schedule = _schedule(odd)
    assert len(schedule) == 10
    for name in schedule:
        assert callable(getattr(NetworkModel, name, None)), f"NetworkModel has no method {name}"
    assert schedule == _step_calls()


def test_every_process_has_its_submodel_subsection(odd):
    for k, name in enumerate(_schedule(odd), start=1):
        assert re.search(rf"^### 7\.{k} `{name}`", odd, flags=re.MULTILINE), name


# ---------------------------------------------------------------- observation and patterns
def test_every_reporter_is_defined_in_the_observation_table(odd):
    observation = _section(odd, "### 4.11 Observation", "## 5 Initialization")
    for name in MODEL_REPORTERS:
        assert f"| `{name}` |" in observation, name


def test_every_outcome_class_and_phase_is_described(odd):
    observation = _section(odd, "### 4.11 Observation", "## 5 Initialization")
    for outcome in Outcome:
        assert f"**{outcome.value}**" in observation, outcome
    for phase in Phase:
        assert f"*{phase.value}*" in observation, phase


def test_all_patterns_are_listed_and_claim_ids_exist(odd):
    purpose = _section(odd, "## 1 Purpose and patterns", "## 2 Entities")
    for n in range(1, N_PATTERNS + 1):
        assert re.search(rf"^\| P{n} \| .+ \| .+ \|$", purpose, flags=re.MULTILINE), f"P{n}"
    cited = {int(n) for n in re.findall(r"\bS(\d+)\b", odd)}
    assert cited, "no claim ids cited"
    assert max(cited) <= N_CLAIMS and min(cited) >= 1


def _known_names() -> set[str]:
    model = NetworkModel(rng=1, n_organisations=3, participants_per_organisation=2)
    model.step()
    names = (set(PARAMETERS) | set(MODEL_REPORTERS) | set(dir(NetworkModel)) | set(vars(model))
             | set(vars(model.meeting)) | set(model.history)
             | set(vars(model.rel)) | set(dir(Relations)) | set(vars(formation_module)))
    source = inspect.getsource(model_module)
    names |= set(re.findall(r"self\.(\w+)", source))
    for module in (params_module, outcome_module, agents_module, model_module):
        names |= set(vars(module))
        # Keys of the records the model keeps (activations) and returns (evaluation).
        names |= set(re.findall(r"[\"']([a-z][a-z0-9_]*)[\"']", inspect.getsource(module)))
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, enum.Enum):
                names |= {str(m.value) for m in value} | {m.name.lower() for m in value}
    return names | EXTERNAL_NAMES | SYMBOLS


def test_names_in_code_spans_exist_in_the_code(odd):
    """A renamed parameter or attribute must not live on in the ODD."""
    prose = odd[: odd.index(param_table.START)] + odd[odd.index(param_table.END):]
    known = _known_names()
    unknown = set()
    for span in re.findall(r"`([^`]+)`", prose):
        for name in re.findall(r"(?<![\w./])([a-z][a-z0-9]*_[a-z0-9_]*)(?![\w./(])", span):
            if name not in known and SUBSCRIPT.sub("", name) not in known:
                unknown.add(name)
    assert not unknown, f"names in docs/ODD.md not found in the code: {sorted(unknown)}"


def test_the_readme_cites_the_section_that_defines_the_outcome_classes(odd):
    """README's summary.json row sends readers to the ODD section with the outcome rules."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `summary.json`"))
    cited = re.search(r"`outcome` \([^)]*docs/ODD\.md (\d+(?:\.\d+)?)\)", row)
    assert cited is not None, row
    heading = re.search(rf"^#+ {re.escape(cited.group(1))} .*$", odd, flags=re.MULTILINE)
    assert heading is not None, cited.group(1)
    section = odd[heading.end():]
    section = section[:re.search(r"^#+ ", section, flags=re.MULTILINE).start()]
    for outcome in Outcome:
        assert f"**{outcome.value}**" in section, (cited.group(1), outcome.value)



# ---------------------------------------------------------------- rules the ODD states
def test_working_groups_run_unfacilitated_in_a_meeting_week_as_the_odd_says(odd):
    """ODD 7.5: working groups never share the week's meeting facilitation (collaborate
    sets it to 0 first). Both the text and the model are checked, so that a change of
    either shows."""
    for start, end in (("### 7.5 `collaborate`", "**Invention**"),
                       ("## Departures from the design", "## Validation")):
        section = _section(odd, start, end)
        assert "always run unfacilitated" in section, start
        assert "working groups in that week" not in section, start
    model = NetworkModel(rng=3)
    seen = []
    for name in ("collaborate", "work_in_groups"):  # the one-call pass, and the chain's
        method = getattr(model.rel, name)

        def watched(*args, _method=method, **kwargs):
            seen.append((model.steps, model.facilitation_now))
            return _method(*args, **kwargs)

        setattr(model.rel, name, watched)
    meeting_weeks = set()
    for _ in range(12):
        model.step()
        if model.meeting.held and model.meeting.coordinated:
            meeting_weeks.add(model.steps)
    assert model.params.facilitation > 0 and meeting_weeks
    in_meeting_weeks = [f for week, f in seen if week in meeting_weeks]
    assert in_meeting_weeks and all(f == 0.0 for f in in_meeting_weeks)


def test_work_contacts_count_working_group_partners_only_as_the_odd_says(odd):
    """ODD 2.2, 7.4, 7.5 (and P13, 4.2): ``work_contacts`` counts partners in working groups
    only; a broker's contacts go to the broker's ``contacts``."""
    collaborate = _section(odd, "### 7.5 `collaborate`", "**Invention**")
    assert "broker contacts count only in the broker's `contacts`" in collaborate
    assert "broker contact for both sides" not in odd
    model = NetworkModel(rng=5, collaboration_rate=0.0, share_brokers=0.6)
    for _ in range(20):
        model.step()
    used = model.used
    brokers = model.strengths[:used, int(agents_module.Strength.BROKER)]
    assert model.contacts[:used][brokers].sum() > 0  # brokers met and relayed
    assert model.groups_joined[:used].sum() == 0
    assert model.work_contacts[:used].sum() == 0


def test_a_lead_organisations_goal_pulls_other_organisations_less_as_the_odd_says(odd):
    """ODD 7.3, goal work: after a coordinated meeting under a lead organisation, people of
    other organisations move toward ``goal_clarity x (1 - lead_bias)``, its own people toward
    ``goal_clarity``."""
    converse = _section(odd, "### 7.3 `converse`", "### 7.4 `relay`")
    assert "`own = 1 − lead_bias`" in converse
    model = NetworkModel(rng=1, governance="lead_organisation", lead_bias=0.4,
                         purpose_pull=0.5)
    lead = np.flatnonzero(model.org[: model.used] == 0)[:1]
    other = np.flatnonzero(model.org[: model.used] == 1)[:1]
    attendees = np.concatenate([lead, other])
    model.purpose[attendees] = 0.0
    model.meeting.coordinated = True
    model._goal_work(attendees)
    clarity = model.goal_clarity
    assert model.purpose[lead[0]] == pytest.approx(0.5 * clarity)
    assert model.purpose[other[0]] == pytest.approx(0.5 * clarity * (1 - 0.4))


@pytest.mark.parametrize("governance", ["led", "lead_organisation"])
def test_a_follow_up_lifts_as_facilitatively_as_the_coordination_meets(odd, governance):
    """ODD 7.1, follow-ups: commitment rises by ``followup_boost x facilitation x
    (1 - lead_bias)`` of its gap and purpose moves toward ``goal_clarity x own``, as at the
    coordination's meetings (a lead organisation's staff steer toward its agenda, and other
    organisations own its goal ``1 - lead_bias``; ``lead_bias`` counts only there)."""
    convene = _section(odd, "### 7.1 `convene`", "**Shared governance**")
    assert "facilitation × (1 − lead_bias) × (1 − c)`" in convene
    assert "(goal_clarity × own − purpose)`" in convene
    # Seed 2 follows up one of the lead organisation's people and two of others.
    model = NetworkModel(rng=2, governance=governance, lead_bias=0.4, followup_boost=0.5,
                         facilitation=0.8, followups_per_week=3)
    used = model.used
    model.commitment[:used] = 0.1
    model.status[:used] = int(agents_module.Status.DORMANT)
    model.purpose[:used] = 0.0
    before = model.commitment[:used].copy()
    model.balance = 1e6
    model._follow_up(used, 0.0)
    chosen = model.followed_up
    assert chosen.size == 3
    bias = 0.4 if governance == "lead_organisation" else 0.0
    lift = 0.5 * 0.8 * (1 - bias)
    assert model.commitment[chosen] == pytest.approx(before[chosen] + lift * (1 - before[chosen]))
    assert 0 < (model.org[chosen] == 0).sum() < chosen.size
    own = np.where(model.org[chosen] != 0, 1 - bias, 1.0)
    assert model.purpose[chosen] == pytest.approx(0.5 * model.goal_clarity * own)


def test_hours_decide_the_coordinators_work_and_the_wage_its_cost_as_the_odd_says(odd):
    """ODD 7.1: relaying, follow-ups and recruiting are done when they take hours, paid or
    not; none at 0 hours, and a volunteer coordinator (wage 0) does them for free.
    """
    convene = _section(odd, "### 7.1 `convene`", "**Shared governance**")
    for rule in ("If `relay_hours_per_week > 0`", "Only if `followup_hours > 0`",
                 "If `recruit_hours > 0`", "A volunteer coordinator"):
        assert rule in convene, rule
    counts = {}
    for free in ({}, {"followup_hours": 0.0}, {"coordinator_wage_eur": 0.0}):
        model = NetworkModel(rng=2, turnover_per_year=0.6, recruit_target_size=3.0, **free)
        follow_ups = relays = 0
        for _ in range(40):
            model.step()
            follow_ups += model.followed_up.size
            relays += model.relay_paid
        counts[tuple(free)] = (follow_ups, relays, model.spend["coordinator_hours"])
    assert counts[()][0] > 0 and counts[()][1] > 0  # the paid coordinator does both
    assert counts[("followup_hours",)][0] == 0  # no hours for it: no follow-ups
    follow_ups, relays, paid = counts[("coordinator_wage_eur",)]
    assert follow_ups > 0 and relays == 40 and paid == 0.0  # a volunteer's work is free


def test_every_weekly_history_series_is_named_where_the_history_is_described(odd):
    """The weekly history (``NetworkModel.history``, read by the phase and the outcome) is
    described in 2.4, 4.11 and 7.10; each must name every series it holds."""
    sections = {
        "2.4": _section(odd, "### 2.4 The network", "### 2.5 Scales"),
        "4.11": _section(odd, "**Weekly history**", "**Phases**"),
        "7.10": _section(odd, "### 7.10 `observe`", "## Parameters"),
    }
    model = NetworkModel(rng=1, n_organisations=3, participants_per_organisation=2)
    model.step()
    assert set(model.history) == set(model_module.kernels.HISTORY)
    for where, text in sections.items():
        for series in model.history:
            assert f"`{series}`" in text, (where, series)


@pytest.mark.parametrize("lifecycle", ["permanent", "client_process", "smouldering"])
@pytest.mark.parametrize("interval", [4, 8, 12])
def test_outcome_window_is_the_odds_formula(odd, lifecycle, interval):
    """ODD 4.11: W = max(outcome_window_weeks, ceil(2 x meeting_interval_weeks x s)), s the
    smouldering interval factor in a smouldering lifecycle, else 1 (not the interval Δ)."""
    observation = _section(odd, "### 4.11 Observation", "## 5 Initialization")
    assert "max(outcome_window_weeks, ⌈2 × meeting_interval_weeks × s⌉)" in observation
    model = NetworkModel(rng=1, lifecycle=lifecycle, meeting_interval_weeks=interval)
    p = model.params
    s = p.smouldering_interval_factor if lifecycle == "smouldering" else 1.0
    expected = max(p.outcome_window_weeks, math.ceil(2 * interval * s))
    assert outcome_module.outcome_window(model) == expected


def test_shared_governance_hosts_spend_their_hours_and_take_part_as_the_odd_says(odd):
    """ODD 7.1, shared governance: the host organisation's active representatives share the
    hosting hours H and count as taking part, whether or not the meeting comes about."""
    convene = _section(odd, "**Shared governance**", "**Without a coordinator otherwise**")
    assert "`week_active = true`" in convene and "whether\nor not it manages" in convene
    model = NetworkModel(rng=4, governance="self_organising", n_organisations=4)
    p = model.params
    model.weeks_since_meeting = 100  # a meeting is due
    invited = np.flatnonzero(model.present[: model.used])
    model.week_hours[:] = 0.0
    model.week_active[:] = False
    host = int(np.unique(model.org[invited])[model._turn % 4])
    hosts = invited[(model.org[invited] == host) & (model.status[invited] == agents_module.Status.ACTIVE)]
    model._host_in_turn(invited)
    assert hosts.size
    needed = p.meeting_prep_hours * model.n_circles + p.shared_hours_per_org * 3
    assert model.week_hours[hosts] == pytest.approx(np.full(hosts.size, needed / hosts.size))
    assert model.week_active[hosts].all()
    assert not model.week_active[np.setdiff1d(invited, hosts)].any()


def test_value_after_a_reached_goal_is_created_but_not_felt_as_the_odd_says(odd):
    """ODD 7, helper Value: in a project whose goal is reached, work still adds to
    ``value_total`` but nothing to anyone's ``week_value``."""
    helpers = _section(odd, "## 7 Submodels", "### 7.1 `convene`")
    assert "it is created, but not felt" in helpers
    model = NetworkModel(rng=1, lifecycle="project", goal_value_per_person=0.5,
                         goal_recognition=0.0)
    while model.goal_reached_at is None and model.steps < 60:
        model.step()
    assert model.goal_reached_at is not None
    before, felt = model.value_total, 0.0
    for _ in range(12):
        model.step()
        felt += model.week_value[: model.used].sum()
    assert model.value_total > before and felt == 0.0
