"""Answers over the plausible ensemble: quantiles, robust budget, shares, and the commands."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from analysis import uncertainty as u
from experiments import ensemble as e
from model import Params
from verkosto import cli

MINIMA = [500.0, 600.0, 700.0, None, 800.0, 900.0, 1000.0, 1100.0, 1200.0, 1400.0]
"""Ten members' minimum budgets by hand; one never reaches the target."""


def test_quantiles_and_robust_budget_of_hand_made_minima():
    # Sorted: 500 600 700 800 900 1000 1100 1200 1400 (not reached).
    s = u.summarise_budgets(MINIMA, max_budget=5000.0, robustness=0.8)
    assert s["members"] == 10 and s["not_reached"] == 1
    assert s["quantiles"] == {"0.1": 500.0, "0.5": 900.0, "0.9": 1400.0}
    # At least 8 of 10 meet the target at 1200 (seven below it and itself), not at 1100.
    assert s["robust_budget_eur_per_month"] == 1200.0
    curve = {row["budget_eur_per_month"]: row["share_of_members"] for row in s["satisficing"]}
    assert curve[1100.0] == pytest.approx(0.7) and curve[1200.0] == pytest.approx(0.8)
    assert max(curve.values()) == pytest.approx(0.9)  # the member not reached never counts
    assert list(curve) == sorted(curve)


def test_members_not_reached_are_counted_above_the_maximum_not_dropped():
    minima = [400.0, None, None, 600.0, None]
    s = u.summarise_budgets(minima, max_budget=3000.0, robustness=0.8)
    # Dropping the three would make every quantile 400-600; counted, most lie above.
    assert s["quantiles"] == {"0.1": 400.0, "0.5": u.ABOVE_MAX, "0.9": u.ABOVE_MAX}
    assert s["robust_budget_eur_per_month"] is None
    assert s["satisficing"][-1] == {"budget_eur_per_month": 600.0, "share_of_members": 0.4}
    assert u.order_quantile(minima, 0.4) == 600.0 and math.isinf(u.order_quantile(minima, 0.41))


def test_robustness_one_needs_every_member():
    assert u.summarise_budgets([300.0, 700.0], max_budget=1000.0,
                               robustness=1.0)["robust_budget_eur_per_month"] == 700.0
    with pytest.raises(ValueError):
        u.summarise_budgets([300.0], max_budget=1000.0, robustness=0.0)


def test_members_sit_on_top_of_the_scenario_but_not_of_what_the_user_set():
    scenario = Params().replace(n_organisations=5, culture_mean=0.5, dialogue_skill_mean=0.6)
    member = {"culture_mean": 0.75, "dialogue_skill_mean": 0.45}
    p = u.member_params(scenario, member, keep=["dialogue_skill_mean"])
    assert p.n_organisations == 5  # a lever stays as the scenario sets it
    assert p.culture_mean == 0.75  # an uncertain value comes from the member
    assert p.dialogue_skill_mean == 0.6  # ... unless the user set it


def test_the_search_runs_on_each_member_with_the_same_seeds():
    # Synthetic members: a member thrives exactly when the budget reaches 1000 x its culture.
    seen: dict[float, set[int]] = {}

    def make(params: Params):
        def simulate(budget: float, seed: int) -> bool:
            seen.setdefault(params.culture_mean, set()).add(seed)
            return budget >= 1000.0 * params.culture_mean
        return simulate

    members = [{"culture_mean": c} for c in (0.4, 0.55, 0.8)]
    found = u.member_budgets(Params(), members, [11, 12, 13], 0.8, steps=10, confidence=0.9,
                             max_budget=2000.0, replications=8, resolution=50.0, seed=3,
                             make_simulate=make, concurrent=2)
    assert [m.member for m in found] == [11, 12, 13]
    for m, c in zip(found, (0.4, 0.55, 0.8), strict=True):
        assert 1000 * c <= m.minimum <= 1000 * c + 50.0
    assert len({frozenset(s) for s in seen.values()}) == 1  # common random numbers
    s = u.summarise_budgets([m.minimum for m in found], max_budget=2000.0, robustness=0.6)
    assert s["robust_budget_eur_per_month"] == found[1].minimum


class _FakeComparison:
    """What difference_shares reads from a comparison: outcomes() and measures()."""

    def __init__(self, diff: float, low: float, high: float, measure: float = -0.1):
        self.rows = (diff, low, high)
        self.measure = measure

    def outcomes(self, confidence: float) -> pd.DataFrame:
        d, lo, hi = self.rows
        return pd.DataFrame({
            "scenario": ["A", "A", "B", "B"], "reference": "A",
            "outcome": ["thriving", "completed"] * 2,
            "diff": [float("nan"), float("nan"), d, 0.0],
            "diff_low": [float("nan"), float("nan"), lo, 0.0],
            "diff_high": [float("nan"), float("nan"), hi, 0.0]})

    def measures(self, confidence: float) -> pd.DataFrame:
        m = self.measure
        return pd.DataFrame({"scenario": ["A", "B"], "reference": "A",
                             "measure": ["network_trust"] * 2,
                             "diff_median": [float("nan"), m],
                             "diff_low": [float("nan"), m - 0.05],
                             "diff_high": [float("nan"), m + 0.05]})


def test_difference_shares_count_the_same_direction_and_beyond_chance():
    default = _FakeComparison(0.5, 0.2, 0.8)
    members = [_FakeComparison(0.4, 0.1, 0.7),  # same way, beyond chance
               _FakeComparison(0.1, -0.2, 0.4),  # same way, within chance
               _FakeComparison(-0.1, -0.4, 0.2, measure=0.2),  # the other way
               _FakeComparison(0.3, 0.05, 0.5, measure=-0.03)]  # measure within chance
    t = u.difference_shares(default, members, 0.95).set_index("name")
    assert "completed" not in t.index  # never occurs anywhere
    row = t.loc["thriving"]
    assert row["default_beyond_chance"] and row["members"] == 4
    assert (row["same_direction"], row["beyond_chance"]) == (3, 2)
    assert row["share_same_direction"] == 0.75 and row["share_beyond_chance"] == 0.5
    m = t.loc["network_trust"]
    assert (m["same_direction"], m["beyond_chance"]) == (3, 2)


# --------------------------------------------------------------------------- commands
TINY = """title = "Tiny"
[params]
n_organisations = 3
participants_per_organisation = 2
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(TINY)
    return path


@pytest.fixture
def table(tmp_path: Path) -> Path:
    """An ensemble of 3 members (a stubbed scorecard keeps sets with a culture above 0.5)."""
    def screen(params, only=None):
        return {"P1": params.culture_mean > 0.5}

    s = e.build(6, 4, screen=screen)
    assert int(s.table["kept"].sum()) >= 3
    path = tmp_path / "ens.csv"
    e.write_table(s, path)
    return path


def _budget(tiny: Path, out: Path, *extra: str) -> int:
    return cli.main(["budget", str(tiny), "--target", "0.6", "--steps", "30", "--replications",
                     "4", "--batch", "4", "--max", "2000", "--resolution", "500",
                     "--workers", "1", "--quiet", "--out", str(out), *extra])


@pytest.mark.parametrize(("extra", "message"), [
    (["--uncertainty", "--ensemble", "{missing}"], "does not exist"),
    (["--uncertainty", "--ensemble", "{folder}"], "is a directory; give the ensemble table"),
    (["--uncertainty", "--ensemble", "{table}", "--members", "0"], "choose 1 to"),
    (["--uncertainty", "--ensemble", "{table}", "--members", "999"], "choose 1 to"),
    (["--members", "3"], "need --uncertainty"),
])
def test_bad_uncertainty_inputs_exit_2_with_one_line(tiny, table, tmp_path, capsys, extra, message):
    (tmp_path / "folder").mkdir()
    argv = [x.format(missing=tmp_path / "none.csv", table=table, folder=tmp_path / "folder")
            for x in extra]
    out = tmp_path / "out"
    assert _budget(tiny, out, *argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("verkosto: error:") and err.count("\n") == 1 and message in err
    assert not out.exists()
    assert cli.main(["compare", str(tiny), "default", "--out", str(out), *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and not out.exists()


@pytest.mark.parametrize(("command", "extra"), [
    ("budget", ["--robustness", "0.9"]),
    ("budget", ["--member-resolution", "100"]),
    ("budget", ["--member-replications", "8"]),
    ("compare", ["--member-replications", "8"]),
])
def test_member_options_without_uncertainty_are_refused_not_ignored(tiny, tmp_path, capsys,
                                                                     command, extra):
    out = tmp_path / "out"
    if command == "budget":
        status = _budget(tiny, out, *extra)
    else:
        status = cli.main(["compare", str(tiny), "no_coordination", "--out", str(out), *extra])
    assert status == 2
    err = capsys.readouterr().err
    assert err.startswith("verkosto: error:") and err.count("\n") == 1
    assert extra[0] in err and "--uncertainty" in err and not out.exists()


def test_budget_refuses_members_searched_with_too_few_runs(tiny, table, tmp_path, capsys):
    """At the default 16 runs per budget a member can never show 95% at 90% confidence
    (16 of 16 gives about 91%): every member would come out 'not reached'."""
    out = tmp_path / "out"
    assert cli.main(["budget", str(tiny), "--target", "0.95", "--replications", "32",
                     "--uncertainty", "--ensemble", str(table), "--members", "2",
                     "--workers", "1", "--quiet", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("verkosto: error: --member-replications 16: too few runs per budget")
    assert "give --member-replications 32 or more" in err and err.count("\n") == 1
    assert not out.exists()


def test_budget_with_uncertainty_end_to_end(tiny, table, tmp_path, capsys):
    out = tmp_path / "out"
    assert _budget(tiny, out, "--uncertainty", "--ensemble", str(table), "--members", "3",
                   "--member-replications", "4") == 0
    text = capsys.readouterr().out
    data = json.loads((out / "budget.json").read_text())
    pu = data["parameter_uncertainty"]
    assert pu["members"] == 3 and len(pu["member_minima"]) == 3
    minima = [m["min_budget_eur_per_month"] for m in pu["member_minima"]]
    # The summary is the summary of the members' own searches.
    again = u.summarise_budgets(minima, max_budget=2000.0, robustness=0.8)
    for key in ("quantiles", "robust_budget_eur_per_month", "satisficing", "not_reached"):
        assert pu[key] == again[key]
    assert pd.read_csv(out / "budget_members.csv")["member"].tolist() == \
        e.member_ids(e.load_table(table), 3)
    assert "Across plausible assumptions the minimum lies between" in text
    assert "With the model's default assumptions" in text


def test_budget_uncertainty_speaks_finnish(tiny, table, tmp_path, capsys):
    out = tmp_path / "out"
    assert _budget(tiny, out, "--uncertainty", "--ensemble", str(table), "--members", "1",
                   "--member-replications", "4", "--lang", "fi") == 0
    text = capsys.readouterr().out
    assert "Mallin oletuksilla" in text and "Uskottavilla oletuksilla vähimmäisbudjetti" in text
    assert "€/kk" in text and "EUR/month is enough" not in text


def test_compare_with_uncertainty_end_to_end(tiny, table, tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["compare", str(tiny), "no_coordination", "--set", "n_organisations=3",
                     "--replications", "3", "--steps", "20", "--workers", "1",
                     "--out", str(out), "--uncertainty", "--ensemble", str(table),
                     "--members", "2", "--member-replications", "3"]) == 0
    text = capsys.readouterr().out
    shares = pd.read_csv(out / "compare_uncertainty.csv")
    assert (shares["members"] == 2).all() and len(shares) > 0
    assert shares["share_same_direction"].between(0, 1).all()
    assert "plausible parameter sets" in text
    # The closing line names every file written, the table of shares too.
    assert str(out / "compare_uncertainty.csv") in text.splitlines()[-1]


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ["default assumptions 1,200 EUR/month", "between 1,100 and more than 5,000",
            "1,400 EUR/month is enough", "median 1,300", "need 1,250 EUR/month"]),
    ("fi", ["oletuksilla 1\u202f200 €/kk", "1\u202f100–yli 5\u202f000", "mediaani 1\u202f300"]),
])
def test_budget_uncertainty_writes_euros_as_the_rest_of_the_printout(lang, words):
    from verkosto import i18n
    from verkosto.uncertainty import budget_text

    report = {"min_budget_eur_per_month": 1200.0, "parameter_uncertainty": {
        "max_budget_eur_per_month": 5000.0, "members": 10, "robustness": 0.8,
        "quantiles": {"0.1": 1100.0, "0.5": 1300.0, "0.9": u.ABOVE_MAX},
        "robust_budget_eur_per_month": 1400.0, "defaults_same_search_eur_per_month": 1250.0,
        "not_reached": 0, "search": {"replications_cap": 16, "resolution_eur_per_month": 200.0}}}
    i18n.set_language(lang)
    try:
        text = budget_text(report)
    finally:
        i18n.set_language("en")
    # The cost table above it writes 1,400 in English: the same separator here.
    for word in words:
        assert word in text, (word, text)


SHARES = pd.DataFrame({
    "scenario": ["B", "B", "B"], "reference": ["A", "A", "A"],
    "kind": ["outcome", "measure", "measure"],
    "name": ["thriving", "active_share", "coordination_spent_eur"],
    "default_diff": [0.5, 0.854, 31950.5], "default_beyond_chance": [True, True, True],
    "members": [3, 3, 3], "same_direction": [3, 3, 3], "beyond_chance": [3, 2, 3],
    "share_same_direction": [1.0, 1.0, 1.0], "share_beyond_chance": [1.0, 2 / 3, 1.0]})
"""Hand-made shares of two measures and one outcome, as ``u.difference_shares`` gives them."""


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ["active share: +0.854 with", "coordination spent so far (EUR): +31,950 with"]),
    ("fi", ["aktiivisten osuus: +0,854 ", "koordinointiin käytetty tähän mennessä (€): +31\u202f950 "]),
])
def test_compare_uncertainty_names_measures_in_words_with_a_sign(lang, words):
    from verkosto import i18n
    from verkosto.uncertainty import compare_text

    i18n.set_language(lang)
    try:
        text = compare_text(SHARES, 3)
    finally:
        i18n.set_language("en")
    # As in the comparison's own table: the measure's name in words (never its column key),
    # a signed difference, euros whole.
    for word in words:
        assert word in text
    assert "active_share" not in text and "coordination_spent_eur" not in text
    assert ".50" not in text and ",50" not in text


@pytest.mark.parametrize("command", ["budget", "compare"])
def test_a_failure_while_writing_leaves_no_partial_directory(tiny, tmp_path, monkeypatch, capsys,
                                                             command):
    import analysis.figures

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(analysis.figures, "save", broken)
    out = tmp_path / "deep" / "out"
    if command == "budget":
        status = _budget(tiny, out)
    else:
        status = cli.main(["compare", str(tiny), "no_coordination", "--set", "n_organisations=3",
                           "--replications", "2", "--steps", "13", "--workers", "1",
                           "--out", str(out)])
    assert status == 2
    assert "No space left on device" in capsys.readouterr().err
    assert not (tmp_path / "deep").exists()  # neither the output nor its staging directory


def _compare(tiny: Path, out: Path, *extra: str) -> int:
    return cli.main(["compare", str(tiny), "no_coordination", "--set", "n_organisations=3",
                     "--replications", "2", "--steps", "13", "--workers", "1",
                     "--out", str(out), *extra])


@pytest.mark.parametrize("command", ["budget", "compare"])
def test_a_write_failure_is_said_in_finnish(tiny, tmp_path, monkeypatch, capsys, command):
    """When the results cannot be written, the message comes from the catalogs, as the other
    commands' does (it was an English f-string)."""
    import analysis.figures

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(analysis.figures, "save", broken)
    out = tmp_path / "out"
    status = (_budget if command == "budget" else _compare)(tiny, out, "--lang", "fi")
    assert status == cli.EXIT_BAD_INPUT
    assert f"--out '{out}': kirjoittaminen ei onnistu: " in capsys.readouterr().err


@pytest.mark.parametrize("command", ["budget", "compare"])
def test_an_out_that_cannot_be_made_is_refused_before_the_runs(tiny, tmp_path, monkeypatch,
                                                               capsys, command):
    """--out under a regular file passed the checks before the runs and failed only when the
    results were written: a budget search of an hour, then nothing. It is refused before
    any run now, as run and patterns refuse it, in Finnish under --lang fi."""
    import experiments.sweep

    monkeypatch.setattr(experiments.sweep, "open_executor",
                        lambda *a, **k: pytest.fail("ran before refusing"))
    (tmp_path / "file").write_text("not a directory")
    out = tmp_path / "file" / "out"
    status = (_budget if command == "budget" else _compare)(tiny, out, "--lang", "fi")
    assert status == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert f"--out '{out}': polkua ei voi luoda: '{tmp_path / 'file'}' ei ole hakemisto" in err
    assert "Traceback" not in err
    assert (tmp_path / "file").read_text() == "not a directory"


def test_budget_text_with_one_value_at_both_percentiles_reads_as_one_value():
    """Three members none of which reached the target printed "the minimum lies between more
    than 2,000 and more than 2,000"."""
    from analysis.uncertainty import ABOVE_MAX
    from verkosto.uncertainty import budget_text

    def report(low, high):
        return {"min_budget_eur_per_month": 450.0, "parameter_uncertainty": {
            "max_budget_eur_per_month": 2000.0, "robustness": 0.8,
            "quantiles": {"0.1": low, "0.5": high, "0.9": high},
            "robust_budget_eur_per_month": None, "defaults_same_search_eur_per_month": None,
            "members": 3, "search": {"replications_cap": 16, "resolution_eur_per_month": 200.0},
            "not_reached": 3}}

    text = budget_text(report(ABOVE_MAX, ABOVE_MAX))
    assert ("Across plausible assumptions the minimum is more than 2,000 from the 10th to the "
            "90th percentile; no budget up to 2,000 EUR/month is enough in 80% of them.") in text
    assert "between" not in text
    assert "lies between 600 and more than 2,000;" in budget_text(report(600.0, ABOVE_MAX))
