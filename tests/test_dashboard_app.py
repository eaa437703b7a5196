"""The dashboard's page logic without a browser: inputs from declarations, models from scenarios."""

from __future__ import annotations

import math

import pytest
from mesa.visualization import Slider
from mesa.visualization.solara_viz import _build_model_init_kwargs, _check_model_params

import scenarios
from model.params import PARAMETERS
from verkosto import dashboard_app as app

ALL_SCENARIOS = scenarios.names()


def _value(spec):
    return spec.value if isinstance(spec, Slider) else spec.get("value")


def test_trainer_parameters_are_declared():
    missing = [name for name in app.TRAINER_PARAMETERS if name not in PARAMETERS]
    assert missing == []


@pytest.mark.parametrize("name", ALL_SCENARIOS)
def test_inputs_sit_at_the_scenario_values_within_declared_bounds(name):
    flat = scenarios.load(name).flat()
    inputs = app.model_parameters(name)
    assert inputs[app.SCENARIO_PARAMETER] == name
    for key in app.TRAINER_PARAMETERS:
        spec, info = inputs[key], PARAMETERS[key]
        if isinstance(spec, Slider):
            assert (spec.min, spec.max) == (info.low, info.high)
            assert spec.min <= spec.value <= spec.max
            assert spec.value == pytest.approx(flat[key])
        else:
            assert spec["type"] == "Select"
            assert spec["value"] in spec["values"] == list(info.choices)
            assert spec["value"] == flat[key]


@pytest.mark.parametrize("name", ALL_SCENARIOS)
def test_reset_builds_the_scenario_with_slider_values(name):
    """Replays what SolaraViz does on Reset: re-create the model from the page's parameters."""
    model = app.DashboardModel(scenario_name=name, rng=app.DEFAULT_SEED)
    inputs = app.model_parameters(name)
    _check_model_params(model, inputs)
    page_values = {k: (v if k == app.SCENARIO_PARAMETER else _value(v)) for k, v in inputs.items()}
    page_values["facilitation"] = 0.25
    page_values[app.SEED_PARAMETER] = "7"
    kwargs = _build_model_init_kwargs(model, page_values, add_scenario_when_empty=True,
                                      require_model_accepts_scenario=True)
    fresh = type(model)(**kwargs)
    assert fresh.scenario_name == name
    assert fresh.params.facilitation == 0.25
    expected = scenarios.load(name).replace(facilitation=0.25)
    assert fresh.params == expected
    fresh.step()
    assert fresh.steps == 1
    assert app.settings_in_force(fresh).startswith("Budget:")


def test_sessions_get_their_own_models():
    first = app.DashboardModel(scenario_name="default", rng=1)
    second = app.DashboardModel(scenario_name="default", rng=1)
    first.run_for(2)
    assert (first.steps, second.steps) == (2, 0)


@pytest.mark.parametrize(("low", "high"), [(0.0, 1.0), (0.0, 0.6), (0.0, 200000.0), (1.0, 26.0)])
def test_slider_steps_are_round_and_fine(low, high):
    step = app.nice_step(low, high)
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 9) in (1.0, 2.0, 5.0)
    assert (high - low) / step <= app.SLIDER_POSITIONS
    assert (high - low) / step > app.SLIDER_POSITIONS / 5


@pytest.mark.parametrize(("typed", "seed"), [("7", 7), (" 12 ", 12), (42, 42)])
def test_typed_seeds(typed, seed):
    assert app._seed(typed) == seed


def test_any_word_is_a_reproducible_seed():
    assert app._seed("kahvi") == app._seed("kahvi") != app._seed("tee")
    assert app._seed("") is None
