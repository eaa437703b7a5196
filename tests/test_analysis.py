"""Known-answer tests of the analysis layer: intervals, tipping points, scenario discovery,
sensitivity, the S33/S34 table, sweep reading and the network figures (S37)."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.discovery import discover, rules_table
from analysis.evaluation import SECTIONS, evaluation_from_runs, evaluation_table
from analysis.intervals import (
    OUTCOME_ORDER,
    interval_bounds,
    one_sided_bounds,
    outcome_table,
    proportion_interval,
)
from analysis.network import Ring, capture, network_map, network_map_figure, snapshot
from analysis.results import SweepError, load_sweep
from analysis.sensitivity import first_order_indices
from analysis.tipping import probability_curve, tipping_point
from model import NetworkModel, Status

TINY = {"n_organisations": 4, "participants_per_organisation": 3}

# --------------------------------------------------------------------------- intervals
# Published 95% Wilson score intervals: 0 of 10 -> 0 to 0.2775 (Newcombe 1998, Stat Med
# 17:857, Table II); 5 of 10 -> 0.2366 to 0.7634 and 10 of 10 -> 0.7225 to 1 (the same
# formula, Wilson 1927; e.g. Brown, Cai & DasGupta 2001).
WILSON_95 = [(0, 10, 0.0, 0.2775), (5, 10, 0.2366, 0.7634), (10, 10, 0.7225, 1.0),
             (1, 10, 0.0179, 0.4042)]


@pytest.mark.parametrize(("k", "n", "low", "high"), WILSON_95)
def test_wilson_matches_published_values(k, n, low, high):
    p = proportion_interval(k, n, 0.95, "wilson")
    assert p.estimate == pytest.approx(k / n)
    assert p.low == pytest.approx(low, abs=5e-5)
    assert p.high == pytest.approx(high, abs=5e-5)


def test_jeffreys_is_the_beta_half_posterior_with_exact_ends():
    # Jeffreys: quantiles of Beta(k + 1/2, n - k + 1/2); lower end 0 at k = 0 and upper end
    # 1 at k = n (Brown, Cai & DasGupta 2001).
    p = proportion_interval(3, 20, 0.9, "jeffreys")
    assert p.low == pytest.approx(stats.beta.ppf(0.05, 3.5, 17.5))
    assert p.high == pytest.approx(stats.beta.ppf(0.95, 3.5, 17.5))
    zero, full = proportion_interval(0, 10, 0.95, "jeffreys"), proportion_interval(10, 10, 0.95,
                                                                                   "jeffreys")
    assert zero.low == 0.0 and zero.high == pytest.approx(stats.beta.ppf(0.975, 0.5, 10.5))
    assert full.high == 1.0 and full.low == pytest.approx(stats.beta.ppf(0.025, 10.5, 0.5))


def test_one_sided_bounds_are_the_two_sided_ends_at_twice_the_tail():
    low, high = one_sided_bounds(7, 12, 0.9)
    lo2, hi2 = interval_bounds(7, 12, 0.8)
    assert (low, high) == (pytest.approx(lo2[0]), pytest.approx(hi2[0]))
    assert low < 7 / 12 < high


def test_intervals_reject_bad_input():
    with pytest.raises(ValueError, match="confidence"):
        proportion_interval(1, 10, 1.5)
    with pytest.raises(ValueError, match="counts"):
        interval_bounds(11, 10)
    assert np.isnan(interval_bounds(0, 0)[0][0])


def test_outcome_table_counts_each_cell_and_skips_failed_runs():
    runs = pd.DataFrame({
        "budget": [0, 0, 0, 0, 500, 500, 500],
        "status": ["ok", "ok", "ok", "failed", "ok", "ok", "ok"],
        "outcome": ["faded", "faded", "thriving", None, "thriving", "thriving", "fading"],
    })
    table = outcome_table(runs, by=["budget"])
    assert len(table) == 2 * len(OUTCOME_ORDER)  # every class shown, also those with 0 runs
    row = table[(table["budget"] == 0) & (table["outcome"] == "faded")].iloc[0]
    assert (row["count"], row["n"]) == (2, 3)
    assert row["probability"] == pytest.approx(2 / 3)
    expected = proportion_interval(2, 3)
    assert (row["low"], row["high"]) == (pytest.approx(expected.low), pytest.approx(expected.high))
    zero = table[(table["budget"] == 500) & (table["outcome"] == "smouldering")].iloc[0]
    assert zero["count"] == 0 and zero["low"] == 0.0 and zero["high"] > 0.5
    overall = outcome_table(runs)
    assert overall["count"].sum() == 6 and set(overall["n"]) == {6}


# --------------------------------------------------------------------------- tipping points
def _logistic_runs(centre: float, scale: float, reps: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = np.repeat(np.arange(0, 11) * 100.0, reps)
    p = 1 / (1 + np.exp(-(x - centre) / scale))
    return pd.DataFrame({"coordination_budget_eur": x, "hit": rng.random(x.size) < p})


def test_tipping_point_recovers_a_known_crossing():
    runs = _logistic_runs(centre=520.0, scale=60.0, reps=60, seed=1)
    curve = probability_curve(runs, "coordination_budget_eur", runs["hit"])
    assert list(curve["n"]) == [60] * 11
    tp = tipping_point(curve, "coordination_budget_eur", 0.5)
    assert tp.direction == "rising"
    assert tp.estimate == pytest.approx(520.0, abs=50.0)
    assert tp.low <= 520.0 <= tp.high
    assert tp.high - tp.low < 250.0


def test_tipping_point_of_a_falling_curve_and_of_one_that_never_crosses():
    runs = _logistic_runs(centre=520.0, scale=60.0, reps=60, seed=2)
    falling = tipping_point(probability_curve(runs, "coordination_budget_eur", ~runs["hit"]),
                            "coordination_budget_eur", 0.5, outcome="fading")
    assert falling.direction == "falling"
    assert falling.estimate == pytest.approx(520.0, abs=50.0)
    never = tipping_point(probability_curve(runs, "coordination_budget_eur",
                                            np.zeros(len(runs), bool)), "coordination_budget_eur")
    assert never.estimate is None and "stays below" in never.note


def test_a_curve_already_past_the_level_has_no_tipping_point_inside_the_range():
    """A flat P(thriving) of 2/3 was reported and drawn as "tipping point = 0.2" (the lowest
    value tried), with the interval "above 0.2", though the crossing, if any, lies there or
    before the range."""
    from analysis.figures import probability_curve_figure

    runs = pd.DataFrame({"facilitation": np.repeat([0.2, 0.8], 3)})
    hits = np.array([True, True, False] * 2)
    curve = probability_curve(runs, "facilitation", hits)
    tp = tipping_point(curve, "facilitation", 0.5)
    assert tp.at_edge and tp.estimate == pytest.approx(0.2)
    assert tp.low is None  # open below: the crossing may lie before 0.2
    assert "already at least 50% at the lowest facilitation tried" in tp.note
    labels = probability_curve_figure(curve, "facilitation", tipping=tp).axes[0] \
        .get_legend_handles_labels()[1]
    assert not [label for label in labels if "tipping point" in label]
    # A crossing inside the range whose upper band is past the level from the start: the
    # interval is open below, never "from the lowest value tried".
    runs = pd.DataFrame({"coordination_budget_eur": np.repeat([0.0, 500.0, 1000.0], 6)})
    hits = np.array([True, True] + [False] * 4 + [True] * 12)  # 2/6 (upper bound 70%), 6/6, 6/6
    tp = tipping_point(probability_curve(runs, "coordination_budget_eur", hits),
                       "coordination_budget_eur", 0.5)
    assert not tp.at_edge and 0.0 < tp.estimate < 500.0
    assert tp.low is None and "(at most " in tp.note


def test_probability_curve_bins_a_sampled_parameter():
    rng = np.random.default_rng(3)
    runs = pd.DataFrame({"facilitation": rng.uniform(0, 1, 400)})
    curve = probability_curve(runs, "facilitation", runs["facilitation"] > 0.5, bins=8)
    assert len(curve) == 8 and curve["n"].sum() == 400
    assert curve["probability"].iloc[0] == 0.0 and curve["probability"].iloc[-1] == 1.0


# --------------------------------------------------------------------------- discovery
def test_heatmap_axis_labels_are_plain_numbers_from_the_data():
    """Budgets in the thousands are not '1.5e+04', and a bin does not start below the data
    (qcut's -0.001)."""
    from analysis.figures import axis_groups, heatmap

    codes, labels = axis_groups(pd.Series([0.0, 600.0, 2000.0, 15000.0]), 4)
    assert labels == ["0", "600", "2,000", "15,000"] and list(codes) == [0, 1, 2, 3]
    _codes, binned = axis_groups(pd.Series(np.linspace(0.0, 5000.0, 40)), 4)
    assert binned == ["0–1,250", "1,250–2,500", "2,500–3,750", "3,750–5,000"]
    frame = pd.DataFrame({"budget": [0.0, 15000.0] * 2, "interval": [2, 2, 8, 8]})
    ax = heatmap(frame, "interval", "budget", np.array([0, 1, 0, 1])).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0", "15,000"]


def test_discovery_recovers_a_planted_rule():
    rng = np.random.default_rng(7)
    n = 800
    runs = pd.DataFrame({
        "coordination_budget_eur": rng.uniform(0, 5000, n),
        "time_allocation_hours": rng.uniform(0, 40, n),
        "culture_mean": rng.uniform(0, 1, n),  # irrelevant
        "channel": rng.choice(["in_person", "virtual", "hybrid"], n),  # irrelevant
    })
    planted = (runs["coordination_budget_eur"] > 2000) & (runs["time_allocation_hours"] > 10)
    found = discover(runs, list(runs.columns), planted, "thriving")
    assert found.base_rate == pytest.approx(planted.mean())
    best = found.rules[0]
    conds = {c.parameter: c for c in best.conditions}
    assert set(conds) == {"coordination_budget_eur", "time_allocation_hours"}
    assert conds["coordination_budget_eur"].low == pytest.approx(2000, abs=100)
    assert conds["time_allocation_hours"].low == pytest.approx(10, abs=1)
    assert best.density > 0.95 and best.coverage > 0.95
    # Coverage and density are what they say, recomputed from the box.
    inside = best.mask(runs)
    assert best.density == pytest.approx(planted[inside].mean())
    assert best.coverage == pytest.approx(inside[planted].mean())
    assert "coordination_budget_eur above" in best.text() and "EUR/month" in best.text()


def test_a_condition_bounded_on_both_sides_reads_as_a_range():
    """A decision-tree rule "above 250 and at most 1,250", never "above 250 to 1,250"."""
    from analysis.discovery import Condition
    from verkosto.i18n import set_language

    both = Condition("coordination_budget_eur", low=250.0, high=1250.0)
    assert both.text() == "coordination_budget_eur above 250 and at most 1,250 EUR/month"
    try:
        set_language("fi")
        assert both.text() == "coordination_budget_eur yli 250 ja enintään 1\u202f250 €/kk"
    finally:
        set_language("en")


def test_discovery_recovers_a_categorical_rule_and_reports_a_table():
    rng = np.random.default_rng(8)
    n = 600
    runs = pd.DataFrame({"channel": rng.choice(["in_person", "virtual", "hybrid"], n),
                         "culture_mean": rng.uniform(0, 1, n)})
    planted = (runs["channel"] == "virtual") & (runs["culture_mean"] < 0.3)
    found = discover(runs, ["channel", "culture_mean"], planted, "fading")
    best = found.rules[0]
    conds = {c.parameter: c for c in best.conditions}
    assert conds["channel"].equals == ("virtual",)
    assert conds["culture_mean"].high == pytest.approx(0.3, abs=0.03)
    assert best.density == 1.0
    table = rules_table([found])
    assert list(table.columns[:3]) == ["outcome", "rule", "coverage"]
    assert table["rule"].iloc[0].startswith("fading when channel is virtual")


def test_discovery_with_nothing_to_find_gives_no_rules():
    runs = pd.DataFrame({"facilitation": np.linspace(0, 1, 50)})
    assert discover(runs, ["facilitation"], np.zeros(50, bool), "thriving").rules == []


# --------------------------------------------------------------------------- sensitivity
def test_first_order_indices_match_an_additive_model():
    rng = np.random.default_rng(11)
    n = 1500
    runs = pd.DataFrame({"a": rng.uniform(0, 1, n), "b": rng.uniform(0, 1, n),
                         "c": rng.uniform(0, 1, n)})
    y = 3 * runs["a"] + runs["b"]  # S_a = 9/10, S_b = 1/10, S_c = 0
    idx = first_order_indices(runs, ["a", "b", "c"], y, bins=16, bootstrap=50).set_index(
        "parameter")
    assert list(idx.index) == ["a", "b", "c"]
    assert idx.loc["a", "index"] == pytest.approx(0.9, abs=0.03)
    # For a linear response the index is the squared correlation; compare with the sample's
    # own, which carries the same sampling noise as the estimate.
    for name in ("a", "b"):
        r2 = np.corrcoef(runs[name], y)[0, 1] ** 2
        assert idx.loc[name, "index"] == pytest.approx(r2, abs=0.015)
    assert idx.loc["c", "index"] < 0.02
    assert idx.loc["a", "low"] <= idx.loc["a", "index"] <= idx.loc["a", "high"]


# --------------------------------------------------------------------------- evaluation
def test_evaluation_table_summarises_answers_by_kind():
    evals = [{"goal": {"reached": r, "progress": p, "purpose": "learning"},
              "coordination": {"meetings_held": m}}
             for r, p, m in [(True, 1.0, 10), (False, 0.5, 20), (True, 1.0, 30), (False, 0.3, 40)]]
    table = evaluation_table(evals).set_index("item")
    assert table.loc["reached", "estimate"] == 0.5
    ci = proportion_interval(2, 4)
    assert table.loc["reached", "low"] == pytest.approx(ci.low)
    assert table.loc["meetings held", "estimate"] == 25.0
    assert table.loc["meetings held", "low"] == pytest.approx(17.5)  # lower quartile
    assert table.loc["purpose", "value"] == "learning"
    assert list(dict.fromkeys(table["section"])) == [SECTIONS["goal"], SECTIONS["coordination"]]


def test_evaluation_items_in_euros_name_their_unit_as_a_unit():
    """The money items read "budget (EUR/month)", not the key's words "budget eur per
    month"; every item of a full evaluation is spelled out, none keeps a lowercase 'eur'."""
    from model import NetworkModel

    model = NetworkModel(rng=1, n_organisations=3, participants_per_organisation=2)
    model.run_for(4)
    items = list(evaluation_table([model.evaluation()])["item"])
    assert "budget (EUR/month)" in items and "hidden cost (EUR)" in items
    assert "spend breakdown (EUR): rooms" in items
    assert not [item for item in items if re.search(r"\beur\b", item)]


def test_evaluation_from_runs_uses_final_reporters():
    runs = pd.DataFrame({"status": ["ok", "ok", "failed"], "outcome": ["thriving", "faded", None],
                         "goal_progress": [1.0, 0.2, np.nan], "innovations": [4, 0, np.nan]})
    table = evaluation_from_runs(runs).set_index("item")
    assert table.loc["reached", "estimate"] == 0.5
    assert table.loc["innovations", "estimate"] == 2.0
    assert table.loc["innovations", "runs"] == 2


# --------------------------------------------------------------------------- reading sweeps
def _write_sweep(root, runs: pd.DataFrame, manifest: dict | None = None) -> None:
    (root / "runs").mkdir(parents=True)
    half = len(runs) // 2
    runs.iloc[:half].to_parquet(root / "runs" / "part-000000.parquet")
    runs.iloc[half:].to_parquet(root / "runs" / "part-000001.parquet")
    if manifest is not None:
        (root / "manifest.json").write_text(json.dumps(manifest))


def test_load_sweep_reads_parts_and_tells_varied_from_fixed(tmp_path):
    runs = pd.DataFrame({"run_id": [3, 2, 1, 0], "coordination_budget_eur": [0.0, 0.0, 500, 500],
                         "facilitation": [0.7] * 4, "seed": [1, 2, 3, 4], "status": "ok",
                         "outcome": ["faded", "faded", "thriving", "thriving"]})
    _write_sweep(tmp_path, runs, {"spec": {"title": "t"}, "spec_hash": "abc"})
    sweep = load_sweep(tmp_path)
    assert list(sweep.runs["run_id"]) == [0, 1, 2, 3]
    assert sweep.parameters == ["coordination_budget_eur"]
    assert sweep.fixed == {"facilitation": 0.7}
    assert sweep.spec == {"title": "t"} and sweep.timeseries.empty


def test_load_sweep_errors_name_the_path(tmp_path):
    with pytest.raises(SweepError, match="does not exist"):
        load_sweep(tmp_path / "nowhere")
    with pytest.raises(SweepError, match="no 'runs/'"):
        load_sweep(tmp_path)
    _write_sweep(tmp_path / "x", pd.DataFrame({"run_id": [0, 1], "seed": [1, 2]}))
    with pytest.raises(SweepError, match="outcome"):
        load_sweep(tmp_path / "x")


# --------------------------------------------------------------------------- networks (S37)
@pytest.fixture(scope="module")
def grown_model() -> NetworkModel:
    model = NetworkModel(rng=5, **TINY)
    model.run_for(30)
    return model


def test_snapshot_reads_people_and_ties(grown_model):
    snap = snapshot(grown_model)
    present = [a for a in grown_model.participants if a.status is not Status.LEFT]
    assert snap.slot.size == len(present) and snap.step == grown_model.steps
    i, j, w = grown_model.trust_edges()
    assert np.array_equal(snap.edges[0], i) and np.array_equal(snap.edges[1], j)
    assert np.allclose(snap.edges[2], w)
    active = {a.slot for a in present if a.status is Status.ACTIVE}
    assert set(snap.slot[snap.active].tolist()) == active


def test_capture_records_the_requested_weeks():
    model = NetworkModel(rng=1, **TINY)
    snaps = capture(model, [8, 0, 4])
    assert [s.step for s in snaps] == [0, 4, 8]
    assert model.steps == 8


def test_every_kind_of_organisation_is_written_as_a_word_not_a_key():
    """Figures named non-governmental organisations "ngo" (the enum's key, lowercased)."""
    from analysis.network import _kind_name, kind_word
    from model import OrgKind
    from verkosto.i18n import set_language

    words = {kind: kind_word(_kind_name(kind)) for kind in OrgKind}
    assert words[OrgKind.NGO] == "NGO"
    assert words[OrgKind.PUBLIC_SERVICE] == "public service"
    set_language("fi")
    assert kind_word(_kind_name(OrgKind.NGO)) == "järjestö"


def test_network_map_rings_follow_the_models_thresholds(grown_model):
    people = [a for a in grown_model.participants if a.status is not Status.LEFT]
    centre = people[0].slot
    nmap = network_map(grown_model, centre)
    frame = nmap.people
    assert centre not in set(frame["slot"]) and len(frame) == len(people) - 1
    p = grown_model.params
    close = (frame["trust"] >= p.tie_threshold) & (frame["familiarity"] >= p.acquaintance_threshold)
    acq = frame["familiarity"] >= p.acquaintance_threshold
    expected = np.where(close, Ring.CLOSE, np.where(acq, Ring.ACQUAINTED, Ring.DISTANT))
    assert np.array_equal(frame["ring"].to_numpy(), expected)
    fam, trust = grown_model.rel.block(np.array([centre]), frame["slot"].to_numpy(),
                                       grown_model.steps)
    assert np.allclose(frame["trust"], trust[0]) and np.allclose(frame["familiarity"], fam[0])
    assert network_map_figure(nmap).axes[0].get_title().startswith("Network map")
    with pytest.raises(ValueError, match="not in the network"):
        network_map(grown_model, 10_000)


def test_one_drawing_of_the_network_everywhere(grown_model):
    from matplotlib.figure import Figure

    from analysis import network
    from analysis.network import StableLayout, draw_network, trust_network_figure
    from verkosto import cmd_run, drawing

    # The dashboard and the animation use the very same functions.
    assert drawing.draw_network is network.draw_network
    assert drawing.organisation_colour is network.organisation_colour

    def marks(ax):
        return sorted((tuple(np.round(xy, 6)), tuple(np.round(c, 6)))
                      for coll in ax.collections if hasattr(coll, "get_offsets")
                      for xy, c in zip(coll.get_offsets(), coll.get_facecolors(), strict=False))

    live = Figure().subplots()
    draw_network(live, grown_model, StableLayout())
    report = trust_network_figure([snapshot(grown_model)]).axes[0]
    overview = Figure().subplots()
    cmd_run._draw_trust_network(overview, grown_model, seed=1)
    # Same positions and colours in the live view, the report and the run's overview.
    assert marks(live) == marks(report) == marks(overview) != []
    # Ties are the model's own: the title counts model.trust_edges().
    ties = len(grown_model.trust_edges()[0])
    assert f"{ties} trust tie" in overview.get_title()


def test_an_organisation_keeps_its_colour_when_others_join():
    """The palette was chosen by the number of organisations, so when recruits brought in
    the eleventh every organisation changed colour (the default network on the dashboard,
    week 243 with seed 1)."""
    import inspect

    from matplotlib import colormaps

    from analysis.network import organisation_colour

    # The colour depends on the index alone, so the function takes nothing else (it kept an
    # unused number of organisations that callers went on working out).
    assert list(inspect.signature(organisation_colour).parameters) == ["index"]
    assert [organisation_colour(k) for k in range(10)] == [
        colormaps["tab10"](k) for k in range(10)]
    assert len({organisation_colour(k) for k in range(20)}) == 20


def test_the_notice_of_an_emptied_network_is_not_crossed_out():
    """When everyone had left, "no one is left in the network" was written straight onto
    the crosses of those who left, which fill the middle of the drawing too (run
    no_coordination --seed 3: its overview). It is now written on a box drawn above every
    marker."""
    from matplotlib.figure import Figure

    from analysis.network import StableLayout, draw_network
    from verkosto.animate import load_model

    model = load_model("no_coordination", 3)
    model.run_for(156)
    assert not model.present[: model.used].any()  # the network emptied
    ax = Figure().subplots()
    draw_network(ax, model, StableLayout())
    (notice,) = [t for t in ax.texts if t.get_text() == "no one is left in the network"]
    crosses = [c for c in ax.collections if len(c.get_offsets())]
    assert crosses  # those who left are drawn, around and under the notice
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    box = notice.get_window_extent(FigureCanvasAgg(ax.figure).get_renderer())
    under = [xy for c in crosses for xy in ax.transData.transform(c.get_offsets())
             if box.x0 <= xy[0] <= box.x1 and box.y0 - 10 <= xy[1] <= box.y1 + 10]
    assert under, "the case no longer shows crosses behind the notice; choose another"
    patch = notice.get_bbox_patch()
    assert patch is not None and patch.get_facecolor()[:3] == (1.0, 1.0, 1.0)
    assert patch.get_alpha() >= 0.9
    assert notice.get_zorder() > max(c.get_zorder() for c in ax.collections)
