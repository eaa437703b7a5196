"""The planner's budget search (S28, P2): synthetic responses with known thresholds, the cost
breakdown, the other levers, and the ``verkosto budget`` command."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.budget import (
    Decision,
    Lever,
    RunRecord,
    cost_breakdown,
    estimate_dips,
    find_min_budget,
    limiting,
    probe_levers,
    replication_seeds,
)
from model import PARAMETERS, Params
from model.params import WEEKS_PER_MONTH
from verkosto import cli

STEP_EUR = 1234.0


def step_response(low: float, high: float, at: float = STEP_EUR):
    """A synthetic network that thrives with probability ``high`` at or above ``at``."""

    def simulate(budget: float, seed: int) -> bool:
        p = high if budget >= at else low
        return bool(np.random.default_rng(seed).random() < p)

    return simulate


def test_search_finds_a_sharp_step():
    result = find_min_budget(step_response(0.0, 1.0), 0.8, max_budget=5000, resolution=25)
    assert result.reachable and result.monotone
    assert STEP_EUR <= result.min_budget_eur <= STEP_EUR + 25
    low, high = result.interval
    assert low < STEP_EUR <= high and high - low <= 25
    assert result.at(result.min_budget_eur).decision is Decision.PASSES


def test_search_finds_a_noisy_step_and_spends_runs_near_it():
    calls: list[float] = []
    inner = step_response(0.1, 0.97)

    def simulate(budget: float, seed: int) -> bool:
        calls.append(budget)
        return inner(budget, seed)

    result = find_min_budget(simulate, 0.8, confidence=0.9, max_budget=5000, replications=40,
                             batch=8, resolution=25, seed=3)
    assert STEP_EUR <= result.min_budget_eur <= STEP_EUR + 25
    assert result.interval[0] < STEP_EUR <= result.interval[1]
    assert len(calls) == result.total_runs
    curve = result.curve()
    # Budgets far below the step are settled with one batch; no budget exceeds the cap.
    assert curve.loc[curve["budget_eur"] == 0.0, "runs"].item() == 8
    assert curve["runs"].max() <= 40
    # Far fewer runs than a fixed grid at the same resolution with the same cap.
    assert result.total_runs < (5000 / 25) * 40 / 20


def test_search_brackets_a_smooth_curve():
    centre, scale = 2000.0, 300.0
    crossing = centre + scale * math.log(0.8 / 0.2)  # where P(thriving) = 0.8

    def simulate(budget: float, seed: int) -> bool:
        p = 1.0 / (1.0 + math.exp(-(budget - centre) / scale))
        return bool(np.random.default_rng(seed).random() < p)

    result = find_min_budget(simulate, 0.8, max_budget=5000, resolution=25, seed=1)
    low, high = result.interval
    assert low < crossing <= high
    assert result.min_budget_eur == high
    point = result.at(high)
    assert point.low >= 0.8  # the answer is confirmed at the stated confidence


def test_the_stated_confidence_holds_over_many_searches():
    # On a smooth curve, an answer below the true crossing is an error the confidence
    # bounds: at 90%, at most about one search in ten may make it (the search without
    # confirmation erred in about 3 of 10; see analysis.budget).
    centre, scale, searches = 2000.0, 300.0, 30
    crossing = centre + scale * math.log(0.8 / 0.2)

    def simulate(budget: float, seed: int) -> bool:
        p = 1.0 / (1.0 + math.exp(-(budget - centre) / scale))
        return bool(np.random.default_rng(seed).random() < p)

    results = [find_min_budget(simulate, 0.8, confidence=0.9, max_budget=5000,
                               resolution=50, seed=100 + k) for k in range(searches)]
    below = sum(r.min_budget_eur < crossing for r in results)
    covered = sum(r.interval[0] < crossing <= r.interval[1] for r in results)
    assert below <= 0.1 * searches
    assert covered >= 0.75 * searches


def test_search_reports_an_unreachable_target():
    result = find_min_budget(lambda b, s: False, 0.8, max_budget=4000, resolution=50)
    assert not result.reachable and result.min_budget_eur is None and result.interval is None
    assert sorted(result.points) == [1000.0, 2000.0, 3000.0, 4000.0]
    assert all(p.decision is Decision.FAILS for p in result.points.values())


def test_a_free_network_needs_no_budget():
    result = find_min_budget(lambda b, s: True, 0.5, max_budget=1000, replications=16)
    assert result.min_budget_eur == 0.0 and result.interval == (0.0, 0.0)


def test_seeds_are_common_to_all_budgets_and_reproducible():
    seen: dict[float, list[int]] = {}

    def simulate(budget: float, seed: int) -> bool:
        seen.setdefault(budget, []).append(seed)
        return budget >= 700

    a = find_min_budget(simulate, 0.6, max_budget=2000, replications=16, batch=4, seed=9)
    seeds = replication_seeds(9, 32)
    search, fresh = seeds[:16], seeds[16:]
    assert not set(search) & set(fresh)
    for budget, used in seen.items():
        screened = [s for s in used if s in search]
        assert screened == search[: len(screened)]  # replication r has the same seed everywhere
        if budget in a.confirmations:
            assert [s for s in used if s in fresh] == fresh  # confirmed on fresh seeds
    assert a.confirmed(a.min_budget_eur).decision is Decision.PASSES
    b = find_min_budget(simulate, 0.6, max_budget=2000, replications=16, batch=4, seed=9)
    assert a.curve().equals(b.curve())


def test_a_lucky_pick_is_not_confirmed():
    # The search sees the network thrive from 1000 on; fresh runs show it needs 1500.
    search_seeds = set(replication_seeds(4, 16))

    def simulate(budget: float, seed: int) -> bool:
        return budget >= (1000 if seed in search_seeds else 1500)

    result = find_min_budget(simulate, 0.8, max_budget=4000, replications=16, batch=8,
                             resolution=50, seed=4)
    assert result.at(1000.0).decision is Decision.PASSES
    assert result.confirmed(1000.0).decision is Decision.FAILS
    assert 1500 <= result.min_budget_eur <= 1000 + 50 + 100 + 200 + 400
    assert result.confirmed(result.min_budget_eur).probability == 1.0
    assert result.interval[0] < 1500 <= result.interval[1]


@pytest.mark.parametrize("kwargs", [{"target": 0.0}, {"target": 1.0}, {"confidence": 0.4},
                                    {"max_budget": 0.0}, {"resolution": -1.0}])
def test_search_rejects_bad_arguments(kwargs):
    args = {"target": 0.8, **kwargs}
    target = args.pop("target")
    with pytest.raises(ValueError):
        find_min_budget(lambda b, s: True, target, **args)


def test_cost_breakdown_is_per_month():
    weeks = 52
    record = RunRecord(True, "thriving", weeks, {"coordinator_hours": 1200.0, "rooms": 240.0},
                       hidden_cost_eur=2400.0)
    other = RunRecord(True, "thriving", weeks, {"coordinator_hours": 2400.0, "rooms": 0.0},
                      hidden_cost_eur=0.0)
    costs = cost_breakdown([record, other, True])  # bare bools carry no costs
    per_month = WEEKS_PER_MONTH / weeks
    assert costs["coordinator_hours"] == pytest.approx(1800.0 * per_month)
    assert costs["spent_total"] == pytest.approx((1440.0 + 2400.0) / 2 * per_month)
    assert costs["hidden_cost"] == pytest.approx(1200.0 * per_month)
    assert cost_breakdown([True, False]) is None


def test_levers_stay_within_declared_bounds():
    none = Params.from_flat(time_allocation_hours=0.0, leadership_depth=4, turnover_per_year=0.4)
    assert Lever.TIME_ALLOCATION.override(none) == {
        "time_allocation_hours": PARAMETERS["time_allocation_hours"].default}
    assert Lever.TURNOVER.override(none) == {"turnover_per_year": pytest.approx(0.2)}
    assert Lever.LEADERSHIP.override(none) == {"leadership_depth": 4}  # already deepest
    assert Lever.FACILITATION.override(Params.from_flat(facilitation=0.9)) == {"facilitation": 1.0}


def test_probe_names_the_lever_that_limits_the_network():
    def make_simulate(params: Params):
        # A synthetic network that thrives only with enough working time (S16).
        return lambda budget, seed: params.time_allocation_hours >= 8.0

    params = Params.from_flat(time_allocation_hours=0.0)
    effects = probe_levers(make_simulate, params, 3000.0, baseline=0.0, confidence=0.9,
                           replications=6)
    assert effects[0].lever is Lever.TIME_ALLOCATION and effects[0].probability == 1.0
    assert [e.lever for e in limiting(effects)] == [Lever.TIME_ALLOCATION]
    assert all(e.runs == 6 for e in effects)


# --------------------------------------------------------------------------- command line
TINY_SCENARIO = """title = "Tiny"
[params]
n_organisations = 4
participants_per_organisation = 3
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(TINY_SCENARIO)
    return path


@pytest.mark.parametrize(("argv", "message"), [
    (["--target", "1.5"], "out of range"),
    (["--target", "80"], "did you mean 0.8?"),
    (["--target", "abc"], "not a number"),
    (["--target", "0.8", "--confidence", "0.3"], "out of range"),
    (["--target", "0.8", "--max", "-5"], "out of range"),
    (["--target", "0.8", "--replications", "1"], "out of range"),
    ([], "required"),
])
def test_budget_bad_arguments_exit_2(tiny, capsys, argv, message):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["budget", str(tiny), *argv])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_budget_refuses_more_replications_than_its_cap_before_anything_runs(
        tiny, tmp_path, capsys, monkeypatch):
    """`--replications 1000000000` sat silent drawing seeds for two billion runs, with no
    estimate and no run started; like `ensemble --samples` it is capped, in one line."""
    from analysis import budget as b
    from analysis.defaults import MAX_REPLICATIONS

    def no_search(*args, **kwargs):
        raise AssertionError("the search started")

    monkeypatch.setattr(b, "find_min_budget", no_search)
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["budget", str(tiny), "--target", "0.8", "--replications", "1000000000",
                  "--out", str(out)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--replications: 1000000000 is out of range" in err
    assert f"at most {MAX_REPLICATIONS}" in err
    assert not out.exists()
    with pytest.raises(AssertionError, match="the search started"):
        cli.main(["budget", str(tiny), "--target", "0.8", "--replications",
                  str(MAX_REPLICATIONS), "--out", str(out)])


@pytest.mark.parametrize(("argv", "hint"), [
    (["--target", "0.8", "--confidence", "95"], "did you mean 0.95?"),
    (["--target", "0.8", "--confidence", "1.5"], None),  # 0.015 is no allowed confidence
    (["--target", "0.8", "--confidence", "40"], None),  # nor is 0.4
])
def test_budget_suggests_a_share_only_when_it_is_allowed(tiny, capsys, argv, hint):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["budget", str(tiny), *argv])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "out of range" in err
    if hint is None:
        assert "did you mean" not in err, err
    else:
        assert hint in err


def test_budget_bad_scenario_and_max_exit_2(tiny, tmp_path, capsys):
    assert cli.main(["budget", "no_such_scenario", "--target", "0.8"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("verkosto: error:") and "no_such_scenario" in err
    assert cli.main(["budget", str(tiny), "--target", "0.8", "--max", "1e9"]) == 2
    assert "coordination_budget_eur" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def _cli(tiny: Path, out: Path, *extra: str) -> int:
    return cli.main(["budget", str(tiny), "--steps", "40", "--replications", "4", "--batch", "4",
                     "--workers", "1", "--quiet", "--out", str(out), *extra])


def test_budget_command_answers_and_writes_json_and_figure(tiny, tmp_path, capsys):
    out = tmp_path / "out"
    assert _cli(tiny, out, "--target", "0.6", "--max", "2000", "--resolution", "500") == 0
    text = capsys.readouterr().out
    data = json.loads((out / "budget.json").read_text())
    answer = data["min_budget_eur_per_month"]
    assert data["reachable"] and answer is not None
    assert f"{answer:,.0f} EUR/month" in text
    assert data["interval"]["low"] < data["interval"]["high"] == answer
    curve = {row["budget_eur"]: row for row in data["curve"]}
    assert curve[answer]["decision"] == "passes" and curve[answer]["low"] >= 0.6
    costs = data["cost_breakdown_eur_per_month"]
    assert {"coordinator_hours", "rooms", "coffee", "travel", "channels", "hidden_cost"} <= set(
        costs)
    assert "hidden cost" in text and "coordinator's paid time" in text
    # Units that cannot be misread: money per month and per year, hours per week and FTE.
    assert "EUR/month" in text and "EUR/year" in text and "h/week" in text and "FTE" in text
    rows = {row["item"]: row for row in data["cost_table"]}
    for row in rows.values():
        assert row["eur_per_year"] == pytest.approx(12 * row["eur_per_month"])
    coordinator = data["coordinator"]
    assert coordinator["full_time_equivalent"] == pytest.approx(
        coordinator["hours_per_week"] / coordinator["full_time_hours_per_week"])
    # The wage part of the spending is the coordinator's hours at the declared wage.
    wage = Params().coordinator_wage_eur
    assert costs["coordinator_hours"] == pytest.approx(
        coordinator["hours_per_week"] * wage * WEEKS_PER_MONTH, rel=1e-6)
    # budget.csv: one row per budget tried, opened by any spreadsheet.
    table = pd.read_csv(out / "budget.csv")
    assert {"budget_eur_per_month", "runs", "successes", "p_success", "p_lower_bound",
            "spent_total_eur_per_year", "coordinator_fte",
            "participant_cost_eur_per_year"} <= set(table.columns)
    assert len(table) == len(data["curve"])
    # The log, the figure and "monotone" agree: monotone iff no estimate falls.
    assert data["monotone"] == (not data["estimate_dips"] and data["monotone_decisions"])
    assert (out / "budget.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in (out / "budget.svg").read_bytes()[:2000]


def test_estimate_dips_name_a_fall_with_the_same_seeds():
    curve = pd.DataFrame({"budget_eur": [0.0, 700.0, 900.0, 900.0],
                          "stage": ["search", "search", "search", "confirm"],
                          "runs": [8, 8, 40, 40], "successes": [0, 8, 35, 40],
                          "probability": [0.0, 1.0, 0.875, 1.0]})
    dips = estimate_dips(curve)
    assert len(dips) == 1  # the confirmation row is not compared
    assert (dips[0]["from_eur"], dips[0]["to_eur"]) == (700.0, 900.0)
    assert (dips[0]["to_successes"], dips[0]["to_runs"]) == (35, 40)
    assert estimate_dips(curve.iloc[[0, 1]]) == []


def test_budget_figure_says_at_what_confidence_each_whisker_stands(tiny, tmp_path, monkeypatch,
                                                                    capsys):
    from analysis import figures

    curve = pd.DataFrame({"budget_eur": [0.0, 500.0, 500.0], "stage": ["search", "search",
                                                                        "confirm"],
                          "runs": [8, 8, 16], "thriving": [0, 8, 15],
                          "probability": [0.0, 1.0, 0.9375], "low": [0.0, 0.83, 0.81],
                          "high": [0.25, 1.0, 0.98]})
    # The search's upper bounds are at a stricter level than its lower bounds (a failure
    # there is final): the title must not let both whiskers read as 90%.
    title = figures.budget_figure(curve, 0.8, 500.0, 0.9, look_confidence=0.95)._suptitle
    text = " ".join(title.get_text().split())
    assert "lower at 90%" in text and "upper at 95% in the search" in text
    assert "(90% at the confirmation)" in text
    plain = figures.budget_figure(curve, 0.8, 500.0, 0.9)._suptitle.get_text()
    assert "whiskers: one-sided bounds; grey numbers: runs" in " ".join(plain.split())
    # The command hands the search's level to the figure.
    seen = {}
    real = figures.budget_figure

    def spy(*args, **kwargs):
        seen.update(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(figures, "budget_figure", spy)
    assert _cli(tiny, tmp_path / "out", "--target", "0.6", "--max", "1000",
                "--resolution", "500") == 0
    data = json.loads((tmp_path / "out" / "budget.json").read_text())
    assert seen["look_confidence"] == pytest.approx(data["search_look_confidence"])


def _record(outcome: str) -> RunRecord:
    return RunRecord(outcome == "thriving", outcome, 96, {}, 0.0)


def test_out_of_reach_says_how_the_runs_ended_and_that_completed_is_not_counted():
    from analysis.budget import BudgetPoint
    from verkosto import i18n
    from verkosto.cmd_budget import _endings

    # A project network that reaches its goal ends 'completed': no budget "thrives", and
    # without this the planner reads that nothing helps a network that succeeds every time.
    project = BudgetPoint(5000.0, [_record("completed")] * 7 + [_record("faded")])
    lines = _endings(project)
    assert "How those runs ended: faded 1, completed 7." in lines[0]
    assert "reached its goal" in lines[1] and "does not count it as success" in lines[1]
    # Where completing counts as success (the default for a project), there is nothing to
    # explain about the completed runs.
    assert _endings(project, ("thriving", "completed")) == [
        "  How those runs ended: faded 1, completed 7."]
    mixed = BudgetPoint(5000.0, [_record("thriving")] * 13 + [_record("smouldering")] * 3)
    assert _endings(mixed) == ["  How those runs ended: thriving 13, smouldering 3."]
    assert _endings(BudgetPoint(5000.0, [_record("thriving")] * 4)) == []
    assert _endings(BudgetPoint(5000.0, [True, False])) == []  # bare bools carry no outcome
    i18n.set_language("fi")
    try:
        text = "\n".join(_endings(project))
    finally:
        i18n.set_language("en")
    assert "päätetty tavoitteen täytyttyä 7" in text and "completed" not in text


def test_a_network_thriving_without_money_is_not_said_to_cross_between_0_and_0(
        tiny, tmp_path, monkeypatch, capsys):
    from analysis import budget

    def always(self, budget_eur, seed):
        return RunRecord(True, "thriving", 40, {}, 0.0)

    monkeypatch.setattr(budget.ScenarioSimulator, "__call__", always)
    assert _cli(tiny, tmp_path / "out", "--target", "0.6") == 0
    text = capsys.readouterr().out
    assert json.loads((tmp_path / "out" / "budget.json").read_text())[
        "min_budget_eur_per_month"] == 0
    assert "between 0 and 0" not in text
    assert "P(success) reaches 60% already without a coordination budget." in text


@pytest.mark.parametrize(("lang", "runs"), [("en", "1,800 runs"), ("fi", "1\u202f800 ajoa")])
def test_budget_counts_are_written_as_its_euros_are(tiny, tmp_path, monkeypatch, capsys, lang,
                                                    runs):
    from analysis import budget

    def always(self, budget_eur, seed):
        return RunRecord(True, "thriving", 40, {}, 0.0)

    monkeypatch.setattr(budget.ScenarioSimulator, "__call__", always)
    # Three budgets' worth of 600 runs: the total needs a thousands separator, as the
    # euros have one ("5,000"), in each language's way.
    assert _cli(tiny, tmp_path / "out", "--target", "0.6", "--replications", "600",
                "--batch", "600", "--lang", lang) == 0
    text = capsys.readouterr().out
    assert runs in text.splitlines()[-1], text.splitlines()[-1]
    assert "1800" not in text


@pytest.mark.parametrize("answer", [0.0, 450.0, 4000.0, None])
@pytest.mark.parametrize("lang", ["en", "fi"])
def test_budget_figure_legend_stays_inside_the_figure(answer, lang):
    import io

    from analysis import figures
    from verkosto import i18n

    budgets = [0.0, 300.0, 450.0, 450.0, 600.0, 1250.0, 2500.0, 4000.0, 5000.0]
    curve = pd.DataFrame({"budget_eur": budgets,
                          "stage": ["search"] * 3 + ["confirm"] + ["search"] * 5,
                          "runs": 8, "thriving": 8, "probability": 1.0, "low": 0.83,
                          "high": 1.0})
    i18n.set_language(lang)
    try:
        fig = figures.budget_figure(curve, 0.8, answer, 0.9)
        fig.savefig(io.BytesIO(), format="png")  # lays the figure out
    finally:
        i18n.set_language("en")
    box = fig.legends[0].get_window_extent()
    # With one panel (answer 0 or high in the range, or none) four entries in one row ran
    # off both edges of the figure.
    assert box.x0 >= 0 and box.x1 <= fig.bbox.width, (box, fig.bbox)


@pytest.mark.parametrize("answer", [800.0, None])
@pytest.mark.parametrize("lang", ["en", "fi"])
def test_budget_figure_run_counts_never_overlap(answer, lang):
    """Each point's runs were written at one offset from it, so where a search point and
    its confirmation share a budget ("8" over "4" at 800 EUR/month), or budgets crowd on the
    whole range, the counts were drawn over each other."""
    from matplotlib.text import Text

    from analysis import figures
    from verkosto import i18n

    budgets = [0.0, 300.0, 700.0, 750.0, 800.0, 800.0, 850.0, 1250.0, 2500.0, 5000.0]
    stages = ["search"] * 5 + ["confirm"] + ["search"] * 4
    runs = [8, 8, 24, 40, 8, 4, 8, 8, 8, 8]
    probability = [0.0, 0.125, 0.75, 0.8, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    curve = pd.DataFrame({"budget_eur": budgets, "stage": stages, "runs": runs,
                          "probability": probability,
                          "low": np.clip(np.array(probability) - 0.2, 0, 1),
                          "high": np.clip(np.array(probability) + 0.1, 0, 1)})
    i18n.set_language(lang)
    try:
        fig = figures.budget_figure(curve, 0.8, answer, 0.9)
        fig.draw_without_rendering()  # lays the figure out and places the counts
    finally:
        i18n.set_language("en")
    assert len(fig.axes) == (2 if answer else 1)
    for ax in fig.axes:
        counts = [t for t in ax.findobj(Text) if t.get_color() == "dimgray" and t.get_text()]
        texts = [t.get_text() for t in counts]
        boxes = [t.get_window_extent() for t in counts]
        for i, box in enumerate(boxes):
            for j in range(i):
                assert not box.overlaps(boxes[j]), (texts[i], texts[j])
        for text, box in zip(texts, boxes, strict=True):  # not over the frame or a tick label
            assert ax.bbox.contains(box.x0, box.y0) and ax.bbox.contains(box.x1, box.y1), (
                text, box, ax.bbox)
        # The search point and its confirmation at 800 EUR/month: one count, search first.
        assert "8 + 4" in texts and "4" not in texts, texts


def test_budget_set_overrides_and_refuses_the_budget_itself(tiny, tmp_path, capsys):
    out = tmp_path / "out"
    assert _cli(tiny, out, "--target", "0.8", "--set",
                "coordination_budget_eur=700") == 2
    assert "coordination_budget_eur" in capsys.readouterr().err and not out.exists()
    assert _cli(tiny, out, "--target", "0.8", "--set", "facilitation=7") == 2
    assert "facilitation" in capsys.readouterr().err and not out.exists()
    assert _cli(tiny, out, "--target", "0.6", "--max", "1000", "--resolution", "500",
                "--set", "facilitation=0.9") == 0
    assert json.loads((out / "budget.json").read_text())["set"] == {"facilitation": 0.9}
    # The printout says which network the answer is for, as compare's does.
    first = capsys.readouterr().out.splitlines()[0]
    assert first == "Scenario 'tiny' (Tiny); runs of 40 weeks with facilitation=0.9.", first


def test_budget_says_when_set_replaces_what_the_scenario_sets_itself(tiny, tmp_path, capsys):
    assert _cli(tiny, tmp_path / "out", "--target", "0.6", "--max", "1000", "--resolution",
                "500", "--set", "n_organisations=5", "--set", "facilitation=0.9") == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("note:")]
    assert notes == ["note: --set n_organisations=5 replaces the value 4 that scenario "
                     f"'{tiny}' sets itself; the results are for the changed scenario"]


def test_success_is_what_the_lifecycle_ends_in():
    from analysis.budget import success_outcomes

    assert success_outcomes(Params()) == ("thriving",)
    assert success_outcomes(Params().replace(lifecycle="smouldering")) == ("thriving",)
    for ending in ("project", "client_process"):
        assert success_outcomes(Params().replace(lifecycle=ending)) == ("thriving", "completed")


def test_a_project_that_completes_counts_as_success(tiny, tmp_path, monkeypatch, capsys):
    from model import NetworkModel

    # Every run of a project ends 'completed', as a project that reaches its goal does:
    # counted as success by default, so a budget is found; with --success thriving the
    # planner asks for a network still thriving at the end, which none is.
    monkeypatch.setattr(NetworkModel, "outcome", property(lambda self: "completed"))
    project = tmp_path / "project.toml"
    project.write_text(TINY_SCENARIO + 'lifecycle = "project"\n')
    out = tmp_path / "out"
    assert _cli(project, out, "--target", "0.6", "--max", "1000", "--resolution", "500") == 0
    text = capsys.readouterr().out
    data = json.loads((out / "budget.json").read_text())
    assert data["success_outcomes"] == ["thriving", "completed"]
    assert data["reachable"] and data["min_budget_eur_per_month"] == 0
    assert text.splitlines()[1] == "Counted as success: runs that end thriving or completed."
    table = pd.read_csv(out / "budget.csv")
    assert (table["success_outcomes"] == "thriving;completed").all()
    assert (table["successes"] == table["runs"]).all()
    assert _cli(project, out, "--target", "0.6", "--max", "1000", "--resolution", "500",
                "--success", "thriving") == 0
    text = capsys.readouterr().out
    data = json.loads((out / "budget.json").read_text())
    assert data["success_outcomes"] == ["thriving"] and not data["reachable"]
    assert "Counted as success: runs that end thriving." in text
    assert "does not count it as success" in text
    # An ongoing network counts only thriving.
    assert _cli(tiny, tmp_path / "ongoing", "--target", "0.6", "--max", "1000",
                "--resolution", "500") == 0
    data = json.loads((tmp_path / "ongoing" / "budget.json").read_text())
    assert data["success_outcomes"] == ["thriving"] and not data["reachable"]


@pytest.mark.parametrize("value", ["thrive", "thriving,done", ","])
def test_budget_refuses_an_unknown_success_class(tiny, tmp_path, capsys, value):
    out = tmp_path / "out"
    assert _cli(tiny, out, "--target", "0.6", "--success", value) == 2
    err = capsys.readouterr().err
    assert err.startswith("verkosto: error: --success") and len(err.splitlines()) == 1, err
    assert "thriving, fragmented, smouldering, shrunken_core, fading, faded, completed" in err
    assert not out.exists()


def test_budget_refuses_completed_alone_for_a_network_that_never_completes(
        tiny, tmp_path, capsys, monkeypatch):
    """Every budget failed and the search said "no budget up to --max" after all its runs,
    as if money were what was missing."""
    import analysis.budget as budget_module

    monkeypatch.setattr(budget_module, "find_min_budget",
                        lambda *a, **k: pytest.fail("searched before refusing"))
    out = tmp_path / "out"
    assert _cli(tiny, out, "--target", "0.6", "--success", "completed") == 2
    err = capsys.readouterr().err
    assert err.startswith("verkosto: error: --success 'completed':") and err.count("\n") == 1
    assert "lifecycle 'permanent' never ends completed" in err
    assert "--success thriving,completed" in err
    assert not out.exists()


@pytest.mark.parametrize(("extra", "weeks"), [
    (["--steps", "8"], 13),
    (["--set", "meeting_interval_weeks=26"], 52),  # judged over two meeting intervals
])
def test_budget_refuses_runs_too_short_for_a_verdict(tiny, tmp_path, capsys, extra, weeks):
    # A search over verdicts needs verdicts: a run shorter than its outcome window ends
    # before how it ends can be told.
    out = tmp_path / "out"
    assert _cli(tiny, out, "--target", "0.6", *extra) == 2
    err = capsys.readouterr().err
    assert err.startswith("verkosto: error: --steps ") and len(err.splitlines()) == 1, err
    assert f"judged over their last {weeks} weeks" in err
    assert f"give --steps {weeks} or more" in err
    assert not out.exists()


def test_budget_refuses_an_out_directory_holding_other_files(tiny, tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    assert _cli(tiny, out, "--target", "0.6") == 2
    assert "holds other files" in capsys.readouterr().err
    assert (out / "notes.txt").read_text() == "keep me"


def test_budget_refuses_too_few_runs_to_show_the_target(tiny, tmp_path, capsys):
    """Four runs can never show 95% (4 of 4 gives a lower bound of about 0.7): the search
    would call every budget too small and blame the network. Refused before anything runs,
    with the number of runs that could."""
    out = tmp_path / "out"
    assert _cli(tiny, out, "--target", "0.95", "--max", "800") == 2
    err = capsys.readouterr().err
    assert err.startswith("verkosto: error: --replications 4: too few runs per budget")
    assert "even 4 successes out of 4 give a lower bound of 71%" in err
    assert "give --replications 32 or more" in err
    assert not out.exists()
    # The smallest number that is enough is accepted: 32 of 32 shows 95% (Wilson, 90%).
    from analysis.budget import fewest_replications
    from analysis.intervals import one_sided_bounds

    assert fewest_replications(0.95, 0.9) == 32
    assert one_sided_bounds(32, 32, 0.9)[0] >= 0.95 > one_sided_bounds(31, 31, 0.9)[0]


def test_budget_command_says_plainly_when_out_of_reach(tiny, tmp_path, capsys):
    # With no working time granted the network fades whatever the budget (pattern P5), so
    # no budget up to the maximum reaches the target, and working time is named as a limit.
    out = tmp_path / "out"
    assert _cli(tiny, out, "--target", "0.6", "--max", "800",
                "--set", "time_allocation_hours=0") == 0
    text = capsys.readouterr().out
    assert "No budget up to 800 EUR/month" in text
    data = json.loads((out / "budget.json").read_text())
    assert not data["reachable"] and data["min_budget_eur_per_month"] is None
    levers = {row["lever"] for row in data["limits"]}
    assert "time_allocation_hours" in levers and "turnover_per_year" in levers
    assert "working time" in text
    # A lever's gain is a difference of two probabilities: in percentage points, which
    # "+19%" would not say (it reads as a relative rise).
    gains = re.findall(r"\(\d+ runs?, ([^)]*)\)", text)
    assert len(gains) == len(data["limits"])
    assert all(re.fullmatch(r"[+-]\d+ percentage points?", g) for g in gains), gains
    assert "by at least 10%" not in text


def test_an_ended_project_is_costed_over_the_weeks_it_ran():
    """A project that ends on its goal spends nothing after its end, but its model keeps
    counting weeks under run_for: its costs per month were spread over weeks that no longer
    ran (891 EUR/month while running was reported as 548 for the project scenario, seed 1).
    The simulator and the evaluation now count the weeks up to the end."""
    import scenarios
    from analysis.budget import ScenarioSimulator
    from model import NetworkModel

    params = scenarios.load("project")
    model = NetworkModel(params=params, rng=1)
    model.run_for(156)
    assert model.ended_at is not None and model.ended_at < model.steps
    spent = model.evaluation()["coordination"]["spent_per_month_eur"]
    assert spent == pytest.approx(model.spent_eur / model.ended_at * WEEKS_PER_MONTH, abs=0.01)
    record = ScenarioSimulator(params, 156)(params.coordination_budget_eur, 1)
    assert record.weeks == model.ended_at
    assert cost_breakdown([record])["weeks_run"] == model.ended_at
