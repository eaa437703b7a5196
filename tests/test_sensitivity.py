"""Sensitivity analysis (issue 4): SALib Morris and Sobol through the sweep code path.

Known answers come from simulations injected into the sweep (the same code
path as the model: design, runs, storage, averaging over replications,
SALib, table and figure); one small test runs the real model via the CLI.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.sensitivity import (
    FIGURE,
    INDEX_COLUMNS,
    INDICES_CSV,
    INDICES_PARQUET,
    point_means,
    ranking_text,
    run_sensitivity,
)
from experiments.spec import SampleMethod, parse_spec
from experiments.store import read_runs
from experiments.sweep import Simulation
from verkosto.cli import main
from verkosto.cmd_sweep import SENSITIVITY_METHODS

# Three parameters whose effects on the known-answer function are 10 : 1 : 0.
BOUNDS = {"facilitation": (0.0, 1.0), "structure": (0.0, 1.0), "dialogue_skill_mean": (0.0, 1.0)}
WEIGHTS = {"facilitation": 10.0, "structure": 1.0, "dialogue_skill_mean": 0.0}
THRIVING_ABOVE = 0.5


def known_answer(params, seed, steps, timeseries):
    """A linear response in the normalised parameters, plus a little seeded noise."""
    noise = np.random.default_rng(seed).normal(0.0, 0.01)
    y = sum(w * (getattr(params, k) - BOUNDS[k][0]) / (BOUNDS[k][1] - BOUNDS[k][0])
            for k, w in WEIGHTS.items())
    outcome = "thriving" if params.facilitation > THRIVING_ABOVE else "fading"
    final = {"active_share": y + noise, "mean_trust": float(params.structure)}
    return Simulation(outcome, steps, final, None)


def spec_text(method: str, n: int, replications: int = 2) -> str:
    bounds = "".join(f"{k} = [{a}, {b}]\n" for k, (a, b) in BOUNDS.items())
    return f"""
seed = 3
replications = {replications}
steps = 5
timeseries = false
outcomes = ["active_share", "mean_trust", "thriving"]
[sample]
method = "{method}"
n = {n}
[sample.bounds]
{bounds}"""


def test_cli_methods_are_the_sample_methods():
    assert set(SENSITIVITY_METHODS) == {SampleMethod.MORRIS.value, SampleMethod.SOBOL.value}


def test_morris_ranks_a_dominant_parameter_first(tmp_path):
    # The spec samples LHS; the analysis runs the Morris design over the same bounds.
    spec = parse_spec(spec_text("lhs", n=10))
    result = run_sensitivity(spec, "morris", tmp_path / "out", workers=1,
                             simulate_fn=known_answer)
    table = result.indices
    assert list(table.columns) == list(INDEX_COLUMNS)
    mu_star = table[(table["measure"] == "active_share") & (table["index"] == "mu_star")]
    mu_star = mu_star.set_index("parameter")
    assert mu_star["rank"].to_dict() == {"facilitation": 1, "structure": 2,
                                         "dialogue_skill_mean": 3}
    # Elementary effects of a linear function are its weights (per unit of the range).
    assert mu_star.loc["facilitation", "value"] == pytest.approx(10.0, abs=0.2)
    assert mu_star.loc["structure", "value"] == pytest.approx(1.0, abs=0.2)
    assert mu_star.loc["dialogue_skill_mean", "value"] < 0.1
    assert (mu_star["ci_low"] <= mu_star["value"]).all()
    assert (mu_star["value"] <= mu_star["ci_high"]).all()
    # P(thriving) is decided by facilitation alone.
    p = table[(table["measure"] == "p_thriving") & (table["index"] == "mu_star")]
    assert p.set_index("parameter")["rank"]["facilitation"] == 1
    # The trust measure follows structure only.
    trust = table[(table["measure"] == "mean_trust") & (table["index"] == "mu_star")]
    assert trust.set_index("parameter")["rank"]["structure"] == 1
    # 10 trajectories of 3 + 1 points, 2 replications each.
    assert result.sweep.total == 10 * 4 * 2
    out = tmp_path / "out"
    pd.testing.assert_frame_equal(pd.read_csv(out / INDICES_CSV)[["measure", "parameter"]],
                                  table[["measure", "parameter"]])
    assert len(pd.read_parquet(out / INDICES_PARQUET)) == len(table)
    assert (out / FIGURE).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # Intervals never leave the index's range: mu* and sigma are 0 or more.
    nonnegative = table[table["index"].isin(["mu_star", "sigma"])]
    assert (nonnegative["ci_low"].dropna() >= 0).all()
    # The terminal ranking lists each measure's parameters, most important first.
    text = ranking_text(table)
    block = text.split("active_share:", 1)[1].split("mean_trust:", 1)[0]
    order = [line.split(".", 1)[1].split()[0] for line in block.splitlines()[1:] if line.strip()]
    assert order == ["facilitation", "structure", "dialogue_skill_mean"]


def test_morris_intervals_of_noise_are_clipped_at_zero():
    from experiments.sensitivity import _indices
    from experiments.spec import SampleSpec

    sample = SampleSpec(SampleMethod.MORRIS, 20, {"facilitation": (0.0, 1.0),
                                                   "structure": (0.0, 1.0)})
    from experiments.spec import _draw

    design = _draw(sample, 1)
    y = np.random.default_rng(2).normal(size=len(design))
    table = _indices(SampleMethod.MORRIS, sample.problem(), design, y, 1, "noise", 4)
    star = table[table["index"] == "mu_star"]
    assert (star["ci_low"] >= 0).all() and (star["value"] >= 0).all()
    raw_low = star["value"] - star["conf"]
    assert ((raw_low < 0) == star["clipped"]).all()


def test_sensitivity_command_prints_the_ranking(tmp_path, capsys, monkeypatch):
    spec = tmp_path / "s.toml"
    spec.write_text(spec_text("lhs", n=4))
    import experiments.sweep as sweep

    monkeypatch.setattr(sweep, "simulate", known_answer)
    assert main(["sensitivity", str(spec), "--method", "morris", "--workers", "1",
                     "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    assert "parameters by mu_star" in out and " 1. facilitation" in out


def test_the_figure_orders_tied_parameters_as_the_printed_ranking(tmp_path, monkeypatch):
    """Ties share a rank and are printed by name; indices.png shows them in that order."""
    from matplotlib.figure import Figure

    from experiments.sensitivity import plot_indices

    drawn = []
    monkeypatch.setattr(Figure, "savefig", lambda self, *a, **k: drawn.append(self))
    values = {"d": 0.1, "b": 0.1, "c": 0.5, "a": 0.1}
    indices = pd.DataFrame({"measure": "m", "parameter": list(values), "index": "mu_star",
                            "value": list(values.values()), "ci_low": 0.0, "ci_high": 0.6,
                            "rank": [2, 2, 1, 2]})
    plot_indices(indices, SampleMethod.MORRIS, tmp_path / "indices.png")
    ax = drawn[0].axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["1. c", "2. a", "2. b", "2. d"]


def test_the_figure_key_covers_no_bar(tmp_path, monkeypatch):
    """The key of indices.png lies outside every panel, so it hides no bar or whisker (in a
    panel's lower right it covered the last-ranked parameters' bars)."""
    from matplotlib.figure import Figure

    from experiments.sensitivity import plot_indices

    drawn = []
    monkeypatch.setattr(Figure, "savefig", lambda self, *a, **k: drawn.append(self))
    rows = [{"measure": m, "parameter": p, "index": i, "value": v, "ci_low": 0.0,
             "ci_high": 0.9, "rank": r}
            for m in ("m1", "m2") for r, (p, v) in enumerate(
                [("a", 0.8), ("b", 0.6), ("c", 0.5), ("d", 0.45)], start=1)
            for i in ("S1", "ST")]
    plot_indices(pd.DataFrame(rows), SampleMethod.SOBOL, tmp_path / "indices.png")
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = drawn[0]
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    keys = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None] + fig.legends
    assert len(keys) == 1
    key = keys[0].get_window_extent(renderer)
    for ax in fig.axes:
        assert not key.overlaps(ax.get_window_extent(renderer))


def test_sobol_first_order_indices_match_the_variance_shares(tmp_path):
    spec = parse_spec(spec_text("sobol", n=256, replications=1))
    table = run_sensitivity(spec, "sobol", tmp_path / "out", workers=1,
                            simulate_fn=known_answer).indices
    s1 = table[(table["measure"] == "active_share") & (table["index"] == "S1")]
    s1 = s1.set_index("parameter")["value"]
    # Var of w * U(0, 1) is w^2 / 12, so S1 = w_i^2 / sum w^2.
    total = sum(w * w for w in WEIGHTS.values())
    assert s1["facilitation"] == pytest.approx(100 / total, abs=0.05)
    assert s1["structure"] == pytest.approx(1 / total, abs=0.05)
    st = table[(table["measure"] == "active_share") & (table["index"] == "ST")]
    assert st.set_index("parameter")["rank"]["facilitation"] == 1


def test_point_means_average_replications_and_count_outcome_classes(tmp_path):
    spec = parse_spec(spec_text("morris", n=2, replications=4))
    run_sensitivity(spec, "morris", tmp_path / "out", workers=1, simulate_fn=known_answer)
    runs = read_runs(tmp_path / "out")
    means = point_means(spec.with_method(SampleMethod.MORRIS), runs)
    first = runs[runs["point"] == 0]
    assert means.loc[0, "active_share"] == pytest.approx(first["active_share"].mean())
    assert means.loc[0, "p_thriving"] == (first["outcome"] == "thriving").mean()
    assert set(means["p_thriving"]) <= {0.0, 1.0}  # all replications agree here


def test_sensitivity_of_a_grid_spec_is_bad_input(tmp_path, capsys):
    spec = tmp_path / "grid.toml"
    spec.write_text("seed = 1\n[grid]\nfacilitation = [0.1, 0.5]\n")
    assert main(["sensitivity", str(spec), "--method", "morris", "--out",
                 str(tmp_path / "out")]) == 2
    assert "[sample]" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.xdist_group("sweep")
def test_cli_runs_morris_on_the_real_model(tmp_path, capsys):
    spec = tmp_path / "real.toml"
    spec.write_text("""
seed = 8
replications = 1
steps = 6
outcomes = ["mean_familiarity", "thriving"]
[set]
n_organisations = 3
participants_per_organisation = 2
[sample]
n = 2
parameters = ["familiarity_gain", "meeting_interval_weeks"]
""")
    out = tmp_path / "out"
    assert main(["sensitivity", str(spec), "--method", "morris", "--out", str(out),
                 "--workers", "1"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1].startswith("sensitivity: indices in") and "6/6 runs" in lines[1]
    assert lines[0].startswith("sweep: 6 runs (6 points × 1 replication); 0 stored, 6 to run")
    table = pd.read_csv(out / INDICES_CSV)
    assert set(table["measure"]) == {"mean_familiarity", "p_thriving"}
    assert set(table["parameter"]) == {"familiarity_gain", "meeting_interval_weeks"}
    assert Path(out / FIGURE).stat().st_size > 0
