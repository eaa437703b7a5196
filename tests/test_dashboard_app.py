"""The dashboard's page logic without a browser: sessions, side by side, words, drawings."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest

import scenarios
from model.params import PARAMETERS
from verkosto import dashboard_app as app
from verkosto import i18n, words

EN = i18n.translator("en")
FI = i18n.translator("fi")
ALL_SCENARIOS = scenarios.names()


def test_trainer_parameters_are_declared_and_labelled():
    assert [k for k in app.TRAINER_PARAMETERS if k not in PARAMETERS] == []
    assert set(app.PLAIN_LABELS) == set(app.TRAINER_PARAMETERS)


@pytest.mark.parametrize("name", ALL_SCENARIOS)
def test_sliders_hold_the_scenario_values(name):
    values = app.trainer_values(name)
    flat = scenarios.load(name).flat()
    for key in app.TRAINER_PARAMETERS:
        assert values[key] == flat[key]
        info = PARAMETERS[key]
        if info.choices is None:
            low, high, step = app.slider_range(key, values[key])
            assert info.low <= low <= values[key] <= high <= info.high
            assert step > 0


@pytest.mark.parametrize(("key", "value", "english", "finnish"), [
    ("coordination_budget_eur", 1500.0, "Coordination budget: 1,500 €/month",
     "Koordinoinnin budjetti: 1\u202f500 €/kk"),
    ("meeting_interval_weeks", 1, "Meeting every: every week", "Tapaamiset: joka viikko"),
    ("meeting_interval_weeks", 4, "Meeting every: every 4 weeks", "Tapaamiset: 4 viikon välein"),
    ("facilitation", 0.7, "Facilitation: 0.70", "Fasilitointi: 0,70"),
    ("leadership_depth", 4, "Leadership depth: 4 (open will)",
     "Verkostojohtamisen taso: 4 (avoin tahtotila)"),
    ("turnover_per_year", 0.5, "Staff turnover: 50% a year",
     "Henkilöstön vaihtuvuus: 50\u00a0% vuodessa"),
    ("time_allocation_hours", 8.0, "Working time for the network: 8 h per person a month",
     "Työaikaa verkostotyölle: 8 h henkeä kohti kuukaudessa"),
    ("governance", "self_organising", "Governance: self-organising", "Ohjaus: itseohjautuva"),
])
def test_slider_labels_show_value_and_unit(key, value, english, finnish):
    assert app.slider_label(key, value, EN) == english
    assert app.slider_label(key, value, FI) == finnish


def test_pair_shares_seed_and_people_and_steps_together():
    session = app.Session.single()
    session.set_pair("default", "no_coordination")
    a, b = (side.model for side in session.sides)
    assert a is not b
    assert a.params.coordination_budget_eur > 0 == b.params.coordination_budget_eur
    people = [[(p.organisation.index, int(p.role)) for p in m.participants] for m in (a, b)]
    assert people[0] == people[1], "the same seed must draw the same people"
    for _ in range(3):
        session.step()
    assert (a.steps, b.steps, session.week) == (3, 3, 3)
    # Each side keeps its own settings; a reset rebuilds both at week 0 with them.
    session.sides[1].settings["facilitation"] = 0.1
    session.reset()
    a2, b2 = (side.model for side in session.sides)
    assert (a2.steps, b2.steps) == (0, 0)
    assert b2.params.facilitation == 0.1 and a2.params.facilitation == a.params.facilitation
    session.set_single()
    assert len(session.sides) == 1


def test_sessions_get_their_own_models():
    first, second = app.Session.single(), app.Session.single()
    first.step()
    first.step()
    assert (first.week, second.week) == (2, 0)


def test_the_seed_decides_the_network():
    one, same = app.build_model("default", {}, "7"), app.build_model("default", {}, 7)
    other = app.build_model("default", {}, "kahvi")
    one.run_for(4)
    same.run_for(4)
    other.run_for(4)
    assert np.array_equal(one.commitment, same.commitment)
    assert not np.array_equal(one.commitment, other.commitment)
    assert app._seed("kahvi") == app._seed("kahvi") != app._seed("tee")
    assert app._seed("") is None


def test_no_verdict_before_the_outcome_window():
    model = app.build_model("no_coordination", {}, 1)
    window = model.params.outcome_window_weeks
    assert words.verdict(model, EN).startswith("too early to tell")
    assert words.verdict(model, FI).startswith("liian aikaista sanoa")
    model.run_for(window - 1)
    assert words.verdict(model, EN) == "too early to tell (wait 1 more week)"
    model.step()
    assert words.verdict(model, EN) == i18n.outcome_name(model.outcome, EN)
    assert words.verdict(model, FI) == i18n.outcome_name(model.outcome, FI)


def test_an_ended_network_says_it_has_ended():
    """The project scenario ends when its goal is recognised (week 96 with seed 1); the page
    then said only "Outcome so far: completed" while Step silently did nothing."""
    model = app.build_model("project", {}, 1)
    model.run_for(156)
    assert model.ended_at is not None and not model.running
    week = model.ended_at
    assert words.verdict(model, EN) == (
        f"{i18n.outcome_name(model.outcome, EN)} (the network ended in week {week})")
    assert words.verdict(model, FI).endswith(f"(verkosto päättyi viikolla {week})")
    running = app.build_model("default", {}, 1)
    running.run_for(20)
    assert "ended" not in words.verdict(running, EN)


def test_reading_counts_in_correct_plurals():
    model = app.build_model("default", {}, 1)
    assert "0 meetings held so far" in words.reading(model, EN)
    while words.latest(model, "meetings_held") != 1:
        model.step()
    text = words.reading(model, EN)
    assert "1 meeting held so far" in text and "meetings" not in text
    assert "tähän mennessä 1 tapaaminen" in words.reading(model, FI)


def test_reading_names_the_seats_left_empty():
    """With 3 of 24 founders left the reading said "3 active people of 3 people present",
    which reads as a full network; it must say how many seats are empty."""
    model = app.build_model("no_coordination", {}, 1)
    model.run_for(156)
    present = int(words.latest(model, "present"))
    empty = model.initial_size - present
    assert empty > 0
    assert f"of {present} people present, {empty} seats left empty;" in words.reading(model, EN)
    assert f"{empty} paikkaa tyhjänä" in words.reading(model, FI)
    full = app.build_model("default", {}, 1)
    assert "empty" not in words.reading(full, EN)


def test_figures_label_means_over_active_people():
    model = app.build_model("default", {}, 1)
    labels = [label for label, _ in words.figures_now(model, EN)]
    assert "trust among active people" in labels and "commitment among active people" in labels
    assert "trust" not in labels and "mean_trust" not in " ".join(labels)


def test_starting_relationships_kept_has_one_name_in_every_view():
    """The dashboard said "starting relationships still alive" where run's overview and
    summary say "starting relationships kept": one measure, one name."""
    from analysis.figures import reporter_label
    from verkosto.cmd_run import OVERVIEW_SERIES

    name = dict(OVERVIEW_SERIES)["relationships_kept"]
    model = app.build_model("default", {}, 1)
    assert name in dict(words.figures_now(model, EN))
    assert name in reporter_label("relationships_kept").lower()


def test_figures_show_the_dialogue_skill_the_learning_scenario_asks_to_watch():
    """The learning scenario tells the room to watch dialogue skill grow; the page showed
    no measure of it."""
    model = app.build_model("learning", {}, 1)
    start = dict(words.figures_now(model, EN))["dialogue skill of the people present"]
    model.run_for(52)
    now = dict(words.figures_now(model, EN))["dialogue skill of the people present"]
    assert float(now) > float(start)
    assert "mukana olevien dialogitaito" in dict(words.figures_now(model, FI))


def test_figures_show_the_new_practices_the_scenarios_ask_to_compare():
    """The leadership pair's descriptions say "Watch the number of innovations against the
    routine scenario", but the page showed no count of innovations anywhere."""
    model = app.build_model("leadership_open_will", {}, 1)
    model.run_for(30)
    figures = dict(words.figures_now(model, EN))
    assert figures["new practices so far"] == str(model.innovations)
    assert dict(words.figures_now(model, FI))["uusia käytäntöjä tähän mennessä"] == str(
        model.innovations)


def test_figures_show_the_knowledge_coverage_the_scenarios_ask_to_watch():
    """missing_brokers says "watch knowledge coverage lag behind the default", no_facilitation
    and rotating_meeting ask to compare it too, but the page showed it nowhere."""
    model = app.build_model("missing_brokers", {}, 1)
    model.run_for(30)
    coverage = words.latest(model, "knowledge_coverage")
    figures = dict(words.figures_now(model, EN))
    assert figures["knowledge coverage (organisations present)"] == EN.number(coverage, 2)
    assert dict(words.figures_now(model, FI))[
        "tiedon kattavuus (mukana olevat organisaatiot)"] == FI.number(coverage, 2)


def test_curves_are_the_network_level_measures():
    assert [c.column for c in words.CURVES[:3]] == [
        "network_familiarity", "network_trust", "network_commitment"]
    assert not any(c.column.startswith("mean_") for c in words.CURVES)


def test_chart_has_weeks_on_its_axis_and_one_line_per_recorded_curve():
    model = app.build_model("default", {}, 1)
    model.run_for(5)
    svg = app.chart_svg(model, words.CURVES, FI, x_max=52)
    assert ">viikko<" in svg and "Step" not in svg
    drawn = re.findall(r'data-column="([a-z_]+)"', svg)
    recorded = [c.column for c in words.CURVES if c.column in model.datacollector.model_vars]
    assert drawn == recorded and "active_share" in drawn
    points = re.search(r'data-column="active_share"', svg)
    assert points is not None
    line = re.search(r'<polyline points="([^"]+)"[^>]*data-column="active_share"', svg)
    assert len(line.group(1).split()) == 6  # weeks 0..5
    assert app.weeks_shown(5) == 52 and app.weeks_shown(53) == 104


def test_value_axis_ticks_name_the_values_they_mark():
    """A value axis up to 30 has ticks at 7.5 and 22.5, which were written "8" and "22"."""
    model = app.build_model("default", {}, 1)
    model.run_for(3)
    for t, decimal in ((EN, "."), (FI, ",")):
        svg = app.chart_svg(model, [words.VALUE_CURVE], t, x_max=52, y_max=30.0)
        ticks = re.findall(r'text-anchor="end" fill="#555">([^<]+)</text>', svg)
        assert ticks == ["0", f"7{decimal}5", "15", f"22{decimal}5", "30"]
        svg = app.chart_svg(model, [words.VALUE_CURVE], t, x_max=52, y_max=20.0)
        assert re.findall(r'text-anchor="end" fill="#555">([^<]+)</text>', svg) == [
            "0", "5", "10", "15", "20"]
    svg = app.chart_svg(model, words.CURVES, FI, x_max=52)
    assert re.findall(r'text-anchor="end" fill="#555">([^<]+)</text>', svg) == [
        "0,00", "0,25", "0,50", "0,75", "1,00"]


def test_week_axis_stays_readable_when_left_running_for_years():
    """Ticks every 52 weeks whatever the axis: after 1,100 weeks of Play (about two minutes
    at "fast") 22 numbers ran into one string "0 52 104156208260...". """
    model = app.build_model("default", {}, 1)
    model.run_for(2)
    for x_max in (52, 104, 156, 520, 1144, 5200):
        svg = app.chart_svg(model, words.CURVES, EN, x_max=x_max)
        ticks = re.findall(r'<text x="([0-9.]+)" y="[0-9.]+" text-anchor="middle" '
                           r'fill="#555">([\d,]+)</text>', svg)
        weeks = [int(w.replace(",", "")) for _, w in ticks]
        assert weeks[0] == 0 and 3 <= len(weeks) - 1 <= 11, (x_max, weeks)
        xs = [float(x) for x, _ in ticks]
        assert min(b - a for a, b in itertools.pairwise(xs)) >= 30, (x_max, weeks)
    assert [app.week_tick(x) for x in (52, 104, 156, 520, 572)] == [13, 26, 52, 52, 104]


def test_week_axis_separates_thousands_as_the_figures_do():
    """Weeks past 999 were written "1040", where the figures' axes write "1,040" (and
    "1 040" in Finnish, with a narrow no-break space)."""
    model = app.build_model("default", {}, 1)
    model.run_for(2)
    for t, thousand in ((EN, "1,040"), (FI, "1\u202f040")):
        svg = app.chart_svg(model, words.CURVES, t, x_max=1144)
        ticks = re.findall(r'text-anchor="middle" fill="#555">([^<]+)</text>', svg)
        assert ticks == ["0", "260", "520", "780", thousand], (t.lang, ticks)


def test_network_picture_draws_everyone_present():
    model = app.build_model("high_turnover", {}, 3)
    model.run_for(30)
    svg = app.network_svg(model, EN)
    people = list(model.participants)
    left = sum(1 for p in people if app.drawing.status_name(p) == "left")
    shapes = svg.count("<circle") + svg.count("<rect")
    assert shapes == len(people) - left
    assert svg.count("<path") == left
    i, _j, _ = model.trust_edges()
    assert 0 < svg.count("<line") <= len(i)


def test_shared_extent_puts_two_networks_on_one_scale():
    small = app.build_model("default", {}, 1)
    big = app.build_model("default", {"resident_share": 0.5}, 1)
    extent = app.shared_extent([small, big])
    assert extent == max(app.drawing.layout_for(m).extent for m in (small, big))


def _live_html(rc) -> tuple[str, str]:
    import solara

    live = {w.attributes.get("class"): w.unsafe_innerHTML
            for w in rc.find(solara.widgets.HTML).widgets
            if w.attributes.get("class") in ("live-week", "live-networks")}
    return live["live-week"], live["live-networks"]


def _button(rc, name: str):
    import ipyvuetify as v

    return next(w for w in rc.find(v.Btn).widgets if name in str(w.class_).split())


def test_a_step_rewrites_the_live_view_and_a_later_render_keeps_it():
    """A week rewrites the two live widgets without rendering the page; a render of the
    page afterwards (here: a new speed, a pair loaded) must not put an older week back."""
    import solara

    _box, rc = solara.render(app.Page(), handle_error=False)
    try:
        assert "Week 0" in _live_html(rc)[0]
        _button(rc, "step").click()
        _button(rc, "step").click()
        assert "Week 2" in _live_html(rc)[0]
        import ipyvuetify as v

        speed = next(w for w in rc.find(v.BtnToggle).widgets if "speed" in str(w.class_).split())
        speed.v_model = 2  # "fast": the page renders again
        week, networks = _live_html(rc)
        assert "Week 2" in week and networks.count("verkosto-network") == 1
        _button(rc, "pair-default-no_coordination").click()
        _button(rc, "step").click()
        week, networks = _live_html(rc)
        assert "Week 1" in week and networks.count('class="verkosto-network"') == 2
    finally:
        rc.close()


def test_a_typed_seed_asks_for_reset_like_a_moved_slider():
    """A moved slider says "Press Reset to start again with these settings."; a new seed
    typed into the seed field changed nothing on the page until Reset, without a word."""
    import ipyvuetify as v
    import solara

    def hints(rc) -> int:
        return sum("Press Reset" in str(w.children)
                   for w in rc.find(v.Html, class_="seed-hint").widgets)

    _box, rc = solara.render(app.Page(), handle_error=False)
    try:
        field = next(w for w in rc.find(v.TextField).widgets if "Random seed" in str(w.label))
        assert hints(rc) == 0
        field.v_model = "kahvi"
        assert hints(rc) == 1
        _button(rc, "reset").click()
        assert hints(rc) == 0
    finally:
        rc.close()


@pytest.mark.parametrize(("t", "words_"), [(EN, "trust in a stranger"),
                                          (FI, "luottamus vieraaseen")])
def test_trust_chart_shows_the_stranger_s_level(t, words_):
    """The network's trust counts an empty seat at trust_prior, so a network of three people
    in 24 seats (no_coordination, week 156) drew a flat 0.16 that looked healthy: the chart
    draws the floor, labelled, so the room sees the curve lying on it."""
    model = app.build_model("no_coordination", {}, 1)
    model.run_for(3)
    prior = float(model.params.trust_prior)
    html_ = app.column_html(app.Session(sides=[app.Side("no_coordination", {}, model)]), 0, t,
                            app.shared_extent([model]), 52, 1.0)
    chart = html_[html_.index('<svg xmlns="http://www.w3.org/2000/svg" width="460"'):]
    line = re.search(r'<line [^>]*y1="([0-9.]+)"[^>]*data-reference="trust_prior"', chart)
    assert line is not None
    _, _, top, bottom = app.CHART_MARGIN
    plot_h = app.CHART_SIZE[1] - top - bottom
    assert float(line.group(1)) == pytest.approx(top + plot_h * (1 - prior), abs=0.1)
    assert f'class="stranger-level">{words_}</text>' in chart
    value_chart = app.chart_svg(model, [words.VALUE_CURVE], t, x_max=52)
    assert "trust_prior" not in value_chart  # only the 0-1 chart of trust has the floor


def test_scenario_picker_shows_titles_in_the_page_s_language(monkeypatch):
    """The Finnish picker showed every title with its English file name in brackets
    ("Ei koordinointia (no_coordination)")."""
    for t in (FI, EN):
        labels = app.picker_labels(ALL_SCENARIOS, t)
        assert sorted(labels.values()) == sorted(ALL_SCENARIOS)
        for label, name in labels.items():
            assert label == app.title_of(name, t)
            assert f"({name})" not in label and "_" not in label
    assert app.picker_labels(["no_coordination"], FI) == {"Ei koordinointia": "no_coordination"}
    monkeypatch.setattr(app, "title_of", lambda name, t: "Same title")
    assert app.picker_labels(["a", "b"], EN) == {"Same title (a)": "a", "Same title (b)": "b"}


def test_governance_says_there_is_no_coordinator_without_a_budget():
    """no_coordination keeps governance "led" with a budget of 0, and the page said "led by
    a coordinator": the model has no coordinator then (NetworkModel.has_coordinator)."""
    values = app.trainer_values("no_coordination")
    assert app.slider_label("governance", values["governance"], EN, values) == (
        "Governance: no coordinator: the budget is 0")
    assert app.slider_label("governance", values["governance"], FI, values) == (
        "Ohjaus: ei koordinaattoria, koska budjetti on 0")
    assert not app.build_model("no_coordination", {}, 1).has_coordinator
    unfunded = {**values, "governance": "lead_organisation"}
    assert app.choice_text("lead_organisation", EN, unfunded) == (
        "one member organisation, but no coordinator: the budget is 0")
    assert app.choice_text("self_organising", EN, values) == "self-organising"
    default = app.trainer_values("default")
    assert app.slider_label("governance", default["governance"], EN, default) == (
        "Governance: led by a coordinator")
    assert app.build_model("default", {}, 1).has_coordinator


# How far the letters of 11-pixel sans-serif text can reach from their baseline (pixels), with
# room to spare: DejaVu Sans 0.93 and 0.24 of the size, Liberation Sans 0.91 and 0.21; Chromium
# boxes such text 9 pixels up and 3 down.
LETTERS_UP_EM, LETTERS_DOWN_EM = 0.95, 0.3


@pytest.mark.parametrize("t", [EN, FI])
def test_value_axis_title_stays_clear_of_a_curve_at_the_top(t):
    """The title over the value axis had its baseline 2 pixels above the plot, so with the
    active share at 1.0 the tails of its letters ("g", "(0-1)") lay on that curve."""
    model = app.build_model("default", {}, 1)
    model.run_for(2)
    titles = [t("over all seats (0-1)"), t(words.VALUE_CURVE.label)]
    charts = [app.chart_svg(model, words.CURVES, t, x_max=52, y_label=titles[0],
                            stranger_level=float(model.params.trust_prior)),
              app.chart_svg(model, [words.VALUE_CURVE], t, x_max=52, y_max=1.0,
                            height=app.VALUE_CHART_HEIGHT, y_label=titles[1])]
    for svg, words_ in zip(charts, titles, strict=True):
        size = float(re.search(r'<svg [^>]*font-size="([0-9.]+)"', svg).group(1))
        title = re.search(r'<text [^>]*y="([0-9.]+)"[^>]*>' + re.escape(words_) + "</text>",
                          svg)
        assert title is not None
        baseline = float(title.group(1))
        highest = min((float(y), float(w)) for points, w in re.findall(
            r'<polyline points="([^"]+)"[^>]*stroke-width="([0-9.]+)"', svg)
            for y in re.findall(r",([0-9.]+)", points))
        curve_top = highest[0] - highest[1] / 2
        assert baseline - LETTERS_UP_EM * size >= 0  # inside the chart
        assert baseline + LETTERS_DOWN_EM * size < curve_top, (baseline, curve_top)
    # The case seen: the active share at 1.0 draws along the plot's top edge.
    assert re.search(r'points="[0-9.]+,' + f"{app.CHART_MARGIN[2]:.1f}", charts[0])
