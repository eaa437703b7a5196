"""Screening the assumptions (issue 14): Morris over every plausible range, with a noise floor.

The spec keys ``assumptions``, ``ranges`` and ``dummy`` build the design; an
injected simulation with a known answer checks the noise floor and the
summary; one cut-down run of the real model checks the pipeline end to end.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.sensitivity import (
    INDICES_CSV,
    AnalysisError,
    overall_ranking,
    plot_screening,
    run_sensitivity,
    summarise_screening,
)
from experiments.spec import DUMMY, SpecError, parse_spec, shipped_specs
from experiments.sweep import Simulation
from model.params import PARAMETERS, uncertain_parameters

MEASURES = ("p_thriving", "active_share", "network_trust", "value_created")


def _spec(sample: str, head: str = "", replications: int = 1, steps: int = 3) -> str:
    return (f"seed = 5\nreplications = {replications}\nsteps = {steps}\ntimeseries = false\n"
            f"{head}\n[sample]\n{sample}")


# ---------------------------------------------------------------------- the design
def test_assumptions_vary_every_uncertain_parameter_over_its_plausible_range() -> None:
    spec = parse_spec(_spec('method = "morris"\nn = 2\nassumptions = true\ndummy = true',
                            "[set]\ntrust_gain = 0.3\n"))
    expected = {k: v for k, v in uncertain_parameters().items() if k != "trust_gain"}
    assert spec.sample.bounds == {k: tuple(float(x) for x in v) for k, v in expected.items()}
    assert "trust_gain" not in spec.sample.bounds  # fixed in [set]: not varied
    names = spec.sample.problem()["names"]
    assert names[-1] == DUMMY and names[:-1] == list(expected)
    design = spec.design_matrix()
    assert design.shape == (2 * (len(names) + 1), len(names))
    for point in spec.points():  # the dummy is read by no run
        assert DUMMY not in point
        for key, value in point.items():
            low, high = PARAMETERS[key].plausible
            assert low - 1e-9 <= value <= high + 1e-9, (key, value)


def test_named_parameters_take_plausible_ranges_on_request() -> None:
    spec = parse_spec(_spec('method = "lhs"\nn = 4\nranges = "plausible"\n'
                            'parameters = ["trust_loss_ratio", "weight_value"]'))
    assert spec.sample.bounds == {"trust_loss_ratio": (2.0, 5.0),
                                  "weight_value": PARAMETERS["weight_value"].plausible}
    declared = parse_spec(_spec('method = "lhs"\nn = 4\nparameters = ["trust_loss_ratio"]'))
    assert declared.sample.bounds == {"trust_loss_ratio": (1.0, 10.0)}


def test_a_lever_can_join_the_assumptions_with_explicit_bounds() -> None:
    spec = parse_spec(_spec('method = "morris"\nn = 2\nassumptions = true\n'
                            "[sample.bounds]\ncoordination_budget_eur = [200.0, 600.0]"))
    assert spec.sample.bounds["coordination_budget_eur"] == (200.0, 600.0)
    assert len(spec.sample.bounds) == len(uncertain_parameters()) + 1


@pytest.mark.parametrize(("sample", "says"), [
    ('method = "lhs"\nn = 4\nranges = "plausible"\nparameters = ["facilitation"]', "lever"),
    ('method = "lhs"\nn = 4\nranges = "wide"\nparameters = ["trust_gain"]', "ranges"),
    ('method = "lhs"\nn = 4\nassumptions = "yes"', "assumptions"),
    ('method = "lhs"\nn = 4\nparameters = ["dummy"]', "reserved"),
    ('method = "lhs"\nn = 4\ndummy = 1\nparameters = ["trust_gain"]', "dummy"),
])
def test_bad_screening_keys_are_named(sample: str, says: str) -> None:
    with pytest.raises(SpecError, match=says):
        parse_spec(_spec(sample))


def test_a_spec_without_the_new_keys_keeps_its_hash() -> None:
    plain = parse_spec(_spec('method = "lhs"\nn = 4\nparameters = ["trust_gain"]'))
    assert "dummy" not in plain.canonical()["sample"]
    dummy = parse_spec(_spec('method = "lhs"\nn = 4\nparameters = ["trust_gain"]\ndummy = true'))
    assert dummy.spec_hash() != plain.spec_hash()


def test_shipped_screenings_cover_three_situations_and_the_four_measures() -> None:
    from experiments.spec import load_spec

    names = [n for n in shipped_specs() if n.startswith("screening_")]
    assert len(names) >= 3
    specs = [load_spec(n) for n in names]
    situations = {(s.base_params.coordination_budget_eur, s.base_params.governance.value)
                  for s in specs}
    assert len(situations) == len(specs)  # each screens a different situation
    for spec in specs:
        assert spec.sample.method.value == "morris" and spec.sample.dummy
        assert spec.replications >= 2
        assert set(spec.sample.bounds) == set(uncertain_parameters()) - set(spec.fixed)
        assert {"thriving", "active_share", "network_trust", "value_created"} <= set(
            spec.outcomes)


# ---------------------------------------------------------------------- known answer
STRONG, WEAK = "trust_gain", "weight_value"


def known_answer(params, seed, steps, timeseries):
    """Responds strongly to trust_gain, weakly to weight_value, not at all to the rest."""
    rng = np.random.default_rng(seed)
    lo, hi = PARAMETERS[STRONG].plausible
    x = (params.trust_gain - lo) / (hi - lo)
    wlo, whi = PARAMETERS[WEAK].plausible
    w = (params.weight_value - wlo) / (whi - wlo)
    y = 1.0 * x + 0.1 * w + rng.normal(0.0, 0.02)
    outcome = "thriving" if x > 0.5 else "fading"
    final = {"active_share": y, "network_trust": y / 2, "value_created": 10 * y}
    return Simulation(outcome, steps, final, None)


@pytest.fixture(scope="module")
def known_indices(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    spec = parse_spec(_spec('method = "morris"\nn = 6\nranges = "plausible"\ndummy = true\n'
                            f'parameters = ["{STRONG}", "{WEAK}", "breach_base", "lift"]',
                            'outcomes = ["thriving", "active_share", "network_trust", '
                            '"value_created"]', replications=2))
    out = tmp_path_factory.mktemp("known")
    return run_sensitivity(spec, "morris", out, workers=1, simulate_fn=known_answer).indices


def test_noise_floor_separates_real_effects_from_inert_parameters(known_indices) -> None:
    mu = known_indices[(known_indices["index"] == "mu_star")
                       & (known_indices["measure"] == "active_share")].set_index("parameter")
    assert mu.loc[STRONG, "rank"] == 1 and mu.loc[WEAK, "rank"] == 2
    assert mu.loc[STRONG, "value"] == pytest.approx(1.0, abs=0.1)  # per whole range
    assert bool(mu.loc[STRONG, "above_noise"]) and bool(mu.loc[WEAK, "above_noise"])
    assert not bool(mu.loc["breach_base", "above_noise"])
    assert not bool(mu.loc["lift", "above_noise"])
    assert pd.isna(mu.loc[DUMMY, "above_noise"])
    assert mu.loc[DUMMY, "value"] < 0.1


def test_summary_and_ranking_over_situations(known_indices, tmp_path) -> None:
    shuffled = known_indices.copy()  # a second situation where the weak one is stronger
    weak = (shuffled["parameter"] == WEAK) & (shuffled["index"].isin(["mu_star", "mu"]))
    shuffled.loc[weak, "value"] *= 30
    summary = summarise_screening({"a": known_indices, "b": shuffled})
    assert set(summary["situation"]) == {"a", "b"}
    assert set(summary["measure"]) == set(MEASURES)
    a = summary[(summary["situation"] == "a") & (summary["measure"] == "active_share")]
    assert a.set_index("parameter").loc[STRONG, "relative"] == pytest.approx(1.0)
    ranking = overall_ranking(summary)
    assert DUMMY not in set(ranking["parameter"])
    assert list(ranking["parameter"][:2]) == [STRONG, WEAK]
    assert ranking.set_index("parameter").loc[STRONG, "top10"] == 2 * len(MEASURES)
    plot_screening(summary, tmp_path / "heat.png")
    assert (tmp_path / "heat.png").stat().st_size > 1000


def test_summary_refuses_a_table_without_morris_indices(known_indices) -> None:
    sobol_like = known_indices.assign(index="ST")
    with pytest.raises(AnalysisError, match="Morris"):
        summarise_screening({"x": sobol_like})


# ---------------------------------------------------------------------- the real model
def test_screening_pipeline_end_to_end_on_a_tiny_network(tmp_path) -> None:
    spec = parse_spec(_spec('method = "morris"\nn = 2\nassumptions = true\ndummy = true',
                            'outcomes = ["thriving", "active_share", "network_trust", '
                            '"value_created"]\nrecord_every = 2\n'
                            "[set]\nn_organisations = 2\nparticipants_per_organisation = 2\n",
                            steps=4))
    result = run_sensitivity(spec, "morris", tmp_path / "s", workers=1)
    written = pd.read_csv(tmp_path / "s" / INDICES_CSV)
    assert set(written["parameter"]) == set(uncertain_parameters()) | {DUMMY}
    assert set(written["measure"]) == set(MEASURES)
    assert result.sweep.failed == 0
    mu = written[written["index"] == "mu_star"]
    for _, part in mu.groupby("measure"):
        assert part["rank"].min() == 1 and part["rank"].notna().all()
    real = mu[mu["parameter"] != DUMMY]
    assert real["above_noise"].notna().all()
    ranking = overall_ranking(summarise_screening({"tiny": result.indices}))
    assert set(ranking["parameter"]) == set(uncertain_parameters())
    assert (tmp_path / "s" / "indices.png").is_file()


def test_each_panel_of_the_figure_labels_its_own_order(known_indices, monkeypatch, tmp_path) -> None:
    """Panels sorted by their own measure must not share one axis's labels."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from experiments.sensitivity import plot_indices
    from experiments.spec import SampleMethod

    seen: list[Figure] = []
    monkeypatch.setattr(Figure, "savefig", lambda self, *a, **k: seen.append(self))
    table = known_indices.copy()  # make the two measures disagree on the order
    flip = (table["measure"] == "network_trust") & (table["parameter"] == "lift")
    table.loc[flip & (table["index"] == "mu_star"), "value"] = 99.0
    plot_indices(table, SampleMethod.MORRIS, tmp_path / "x.png")
    axes = seen[0].axes
    def measure_of(ax) -> str:
        return ax.get_title().split(":")[0]

    def names(ax) -> list[str]:  # labels may carry the rank: "1. trust_gain"
        return [t.get_text().split(". ")[-1] for t in ax.get_yticklabels()]

    for ax in axes:
        measure = measure_of(ax)
        main = table[(table["measure"] == measure) & (table["index"] == "mu_star")]
        # Most influential first, ties by name (the printed ranking's order).
        expected = list(main.sort_values(["value", "parameter"],
                                         ascending=[False, True])["parameter"])
        assert names(ax) == expected, measure
    orders = {measure_of(ax): names(ax)[0] for ax in axes}
    assert orders["network_trust"] == "lift" and orders["active_share"] == STRONG
