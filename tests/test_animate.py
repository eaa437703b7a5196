"""``verkosto animate``: a GIF with one frame per week; a clear word where MP4 cannot be made."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from verkosto import animate as animate_module
from verkosto.animate import AnimationError, animate
from verkosto.cli import main

STEPS = 5
SEED = 3


def test_cli_writes_gif_with_one_frame_per_week(tmp_path: Path, capsys) -> None:
    out = tmp_path / "slides" / "no_coordination.gif"
    status = main(["animate", "no_coordination", "--out", str(out), "--seed", str(SEED),
                   "--steps", str(STEPS)])
    assert status == 0
    assert f"{STEPS + 1} frames" in capsys.readouterr().out
    with Image.open(out) as gif:
        assert gif.format == "GIF"
        assert gif.n_frames == STEPS + 1
        width, height = gif.size
    assert width == animate_module.FIGURE_SIZE[0] * animate_module.FRAME_DPI
    assert height == animate_module.FIGURE_SIZE[1] * animate_module.FRAME_DPI


def test_mp4_without_ffmpeg_says_so_and_writes_nothing(tmp_path: Path, monkeypatch, capsys) -> None:
    from matplotlib import animation

    monkeypatch.setattr(animation.writers, "is_available", lambda name: False)
    out = tmp_path / "run.mp4"
    with pytest.raises(AnimationError, match="ffmpeg"):
        animate("default", out, steps=1)
    assert main(["animate", "default", "--out", str(out), "--steps", "1"]) == 2
    assert "ffmpeg" in capsys.readouterr().err
    assert not out.exists()


def test_unknown_file_type_is_bad_input(tmp_path: Path, capsys) -> None:
    out = tmp_path / "run.avi"
    assert main(["animate", "default", "--out", str(out), "--steps", "1"]) == 2
    assert ".gif or .mp4" in capsys.readouterr().err
    assert not out.exists()


def test_file_type_errors_speak_finnish(tmp_path: Path, monkeypatch, capsys) -> None:
    """With --lang fi the wrong-suffix and no-ffmpeg errors were printed in English."""
    from matplotlib import animation

    assert main(["animate", "default", "--out", str(tmp_path / "a.avi"), "--lang", "fi"]) == 2
    assert "tiedoston nimen on päätyttävä .gif tai .mp4" in capsys.readouterr().err
    monkeypatch.setattr(animation.writers, "is_available", lambda name: False)
    assert main(["animate", "default", "--out", str(tmp_path / "a.mp4"), "--lang", "fi"]) == 2
    err = capsys.readouterr().err
    assert "MP4 tarvitsee ffmpeg-ohjelman" in err and "needs" not in err


def test_unknown_scenario_is_bad_input(tmp_path: Path, capsys) -> None:
    out = tmp_path / "run.gif"
    assert main(["animate", "no_such_scenario", "--out", str(out), "--steps", "1"]) == 2
    assert "no_such_scenario" in capsys.readouterr().err
    assert not out.exists()


def test_unusable_out_is_one_line_before_any_week_is_run(tmp_path: Path, monkeypatch,
                                                         capsys) -> None:
    """An --out that is a directory, or under a file, ran every week and then ended in a
    traceback (IsADirectoryError, FileExistsError)."""
    ran: list[int] = []
    real = animate_module.load_model
    monkeypatch.setattr(animate_module, "load_model",
                        lambda *a: ran.append(1) or real(*a))
    folder = tmp_path / "slides.gif"
    folder.mkdir()
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x")
    for out, words in ((folder, "directory"), (a_file / "nc.gif", "not a folder")):
        assert main(["animate", "default", "--out", str(out), "--steps", "1"]) == 2
        err = capsys.readouterr().err
        assert err.startswith("verkosto: error: cannot write") and words in err
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert ran == []
    assert main(["animate", "default", "--out", str(folder), "--steps", "1", "--lang", "fi"]) == 2
    assert "ei voi kirjoittaa" in capsys.readouterr().err


def test_a_failed_write_leaves_no_file(tmp_path: Path, monkeypatch) -> None:
    """The animation is written beside --out and renamed into place: a failure part-way
    leaves neither a half-written --out nor the partial file."""
    from matplotlib import animation

    def full_disk(self) -> None:  # the GIF half written when the disk fills up
        Path(self.outfile).write_bytes(b"GIF89a")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(animation.PillowWriter, "finish", full_disk)
    out = tmp_path / "slides" / "run.gif"
    with pytest.raises(AnimationError, match="No space left"):
        animate("default", out, steps=2)
    assert not out.exists() and list(out.parent.iterdir()) == []


def test_default_seed_is_the_same_as_run():
    from verkosto import cmd_run

    assert animate_module.DEFAULT_SEED == cmd_run.DEFAULT_SEED


def test_takes_a_scenario_file_as_its_help_says(tmp_path: Path) -> None:
    spec = tmp_path / "mine.toml"
    spec.write_text('title = "My network"\nbase = "no_coordination"\n[params]\nfacilitation = 0.3\n')
    out = tmp_path / "mine.gif"
    assert main(["animate", str(spec), "--out", str(out), "--steps", "2"]) == 0
    with Image.open(out) as gif:
        assert gif.n_frames == 3
    assert animate_module.scenario_title(str(spec)) == "My network"


def test_frames_agree_with_the_run_they_show(tmp_path: Path) -> None:
    """The animated model is the run `verkosto run` makes: same scenario loader, same seed."""
    import numpy as np

    import scenarios
    from model import NetworkModel

    shown = animate_module.load_model("no_coordination", animate_module.DEFAULT_SEED)
    animate("no_coordination", tmp_path / "nc.gif", steps=STEPS, model=shown)
    direct = NetworkModel(params=scenarios.load("no_coordination"), rng=1)
    direct.run_for(STEPS)
    a = shown.datacollector.get_model_vars_dataframe()
    b = direct.datacollector.get_model_vars_dataframe()
    assert a.equals(b)
    assert np.array_equal(shown.commitment, direct.commitment)


def test_title_gives_no_verdict_before_the_outcome_window() -> None:
    from verkosto import i18n

    en, fi = i18n.translator("en"), i18n.translator("fi")
    model = animate_module.load_model("no_coordination", 1)
    title = animate_module.frame_title(model, "No coordination", en)
    assert title.startswith("No coordination: week 0, outcome so far: too early to tell")
    assert "thriving" not in title and "smouldering" not in title
    assert "liian aikaista" in animate_module.frame_title(model, "Ei koordinointia", fi)
    model.run_for(model.params.outcome_window_weeks)
    assert animate_module.frame_title(model, "x", en).endswith(
        f"outcome so far: {i18n.outcome_name(model.outcome, en)}")


def test_curves_are_network_level_and_in_finnish(tmp_path: Path, monkeypatch) -> None:
    """The drawn lines are the network-level measures, labelled in the chosen language."""
    from matplotlib.figure import Figure

    from verkosto import i18n, words

    fi = i18n.translator("fi")
    model = animate_module.load_model("no_coordination", 1)
    model.run_for(3)
    fig = Figure()
    axes = {"network": fig.add_subplot(131), "series": fig.add_subplot(132),
            "value": fig.add_subplot(133), "reading": fig.text(0, 0, "")}
    animate_module._draw_frame(fig, axes, model, "Ei koordinointia", 10, fi)
    labels = [line.get_label() for line in axes["series"].lines]
    recorded = [fi(c.label) for c in words.CURVES if c.column in model.datacollector.model_vars]
    assert labels == recorded and "aktiivisten osuus paikoista" in labels
    assert axes["series"].get_xlabel() == "viikko"
    assert axes["reading"].get_text() == words.reading(model, fi)
    assert fig._suptitle.get_text().startswith("Ei koordinointia: viikko 3")


def test_frames_keep_the_curves_legend_in_one_place_above_the_panel() -> None:
    """A legend placed where the curves are not moved from frame to frame and, once the
    curves filled the panel, covered them; frames with a fixed x axis keep it above."""
    import numpy as np
    import pandas as pd
    from matplotlib.figure import Figure

    from verkosto import drawing

    def legend_box(frame: pd.DataFrame, x_max: float | None) -> tuple[float, ...]:
        fig = Figure(figsize=(5, 3))
        ax = fig.add_subplot()
        drawing.draw_series(ax, frame, x_max=x_max)
        fig.canvas.draw()
        box = ax.get_legend().get_window_extent().transformed(ax.transAxes.inverted())
        return tuple(np.round(box.bounds, 6))

    columns = list(drawing.SERIES)
    early = pd.DataFrame({c: [0.5, 0.5] for c in columns}, index=[0, 1])
    weeks = np.arange(151)
    # Late frame: every curve high at the right, and low on the left, where 'best' goes.
    late = pd.DataFrame({c: np.where(weeks > 75, 0.98, 0.02) for c in columns}, index=weeks)
    first, last = legend_box(early, 156), legend_box(late, 156)
    assert first == last
    assert first[1] >= 1.0  # its bottom edge at or above the top of the axes
    assert legend_box(late, None)[1] < 1.0  # a static figure keeps it inside, where it fits


def test_finnish_tick_labels_name_the_ticks_they_stand_at() -> None:
    """Finnish frames wrote every tick with one decimal, so the tick at 0.25 read "0,2" and
    the one at 0.75 read "0,8"; the labels must give the tick's own value, with a comma."""
    from matplotlib.figure import Figure

    from verkosto import i18n

    fi = i18n.translator("fi")
    model = animate_module.load_model("no_coordination", 1)
    model.run_for(3)
    fig = Figure(figsize=animate_module.FIGURE_SIZE)
    axes = {"network": fig.add_subplot(131), "series": fig.add_subplot(132),
            "value": fig.add_subplot(133), "reading": fig.text(0, 0, "")}
    animate_module._draw_frame(fig, axes, model, "Ei koordinointia", 10, fi)
    fig.canvas.draw()
    for ax in (axes["series"], axes["value"]):
        for value, label in zip(ax.get_yticks(), ax.get_yticklabels(), strict=True):
            text = label.get_text()
            if text:
                assert "." not in text
                assert float(text.replace(",", ".")) == pytest.approx(value), (value, text)


def test_week_axis_shows_whole_weeks() -> None:
    """A short animation (--steps 20) had week ticks at 2.5, 7.5, ... written "2.5" even in
    Finnish frames; weeks are whole."""
    from matplotlib.figure import Figure

    from verkosto import i18n

    model = animate_module.load_model("no_coordination", 1)
    model.run_for(3)
    for lang in ("en", "fi"):
        fig = Figure(figsize=animate_module.FIGURE_SIZE, dpi=animate_module.FRAME_DPI)
        grid = fig.add_gridspec(2, 2, width_ratios=(1.2, 1.0))  # the frames' panels
        axes = {"network": fig.add_subplot(grid[:, 0]), "series": fig.add_subplot(grid[0, 1]),
                "value": fig.add_subplot(grid[1, 1]), "reading": fig.text(0, 0, "")}
        animate_module._draw_frame(fig, axes, model, "x", 20, i18n.translator(lang))
        fig.canvas.draw()
        for ax in (axes["series"], axes["value"]):
            ticks = [v for v in ax.get_xticks() if 0 <= v <= 20]
            assert all(float(v).is_integer() for v in ticks), ticks
            labels = [label.get_text() for label in ax.get_xticklabels() if label.get_text()]
            assert all("." not in text and "," not in text for text in labels), labels


def test_network_legend_says_what_colour_size_and_width_mean() -> None:
    """The frames' legend named the statuses but not what a colour, a size or a line's
    width means (the dashboard says it under its picture); a slide needs the words."""
    from matplotlib.figure import Figure

    from verkosto import i18n

    model = animate_module.load_model("no_coordination", 1)
    for lang, words in (("en", ("colour", "organisation", "size", "commitment", "wider")),
                        ("fi", ("väri", "organisaatio", "koko", "sitoutuminen", "leveämpi"))):
        fig = Figure(figsize=animate_module.FIGURE_SIZE)
        axes = {"network": fig.add_subplot(131), "series": fig.add_subplot(132),
                "value": fig.add_subplot(133), "reading": fig.text(0, 0, "")}
        animate_module._draw_frame(fig, axes, model, "x", 10, i18n.translator(lang))
        legend = axes["network"].get_legend()
        text = " ".join([legend.get_title().get_text(), *(x.get_text() for x in legend.texts)])
        text = text.replace("\n", " ")
        assert all(word in text for word in words), text


def test_trust_panel_shows_the_stranger_s_level() -> None:
    """The network's trust counts an empty seat at trust_prior: without the level drawn, a
    network of strangers lay flat just above it and looked steady."""
    import numpy as np
    from matplotlib.figure import Figure

    from verkosto import i18n

    model = animate_module.load_model("no_coordination", 1)
    model.run_for(3)
    for lang, label in (("en", "trust in a stranger"), ("fi", "luottamus vieraaseen")):
        fig = Figure()
        axes = {"network": fig.add_subplot(131), "series": fig.add_subplot(132),
                "value": fig.add_subplot(133), "reading": fig.text(0, 0, "")}
        animate_module._draw_frame(fig, axes, model, "x", 10, i18n.translator(lang))
        levels = [c for c in axes["series"].collections if c.get_gid() == "stranger_level"]
        assert len(levels) == 1
        (segment,) = levels[0].get_segments()
        assert np.allclose(segment[:, 1], model.params.trust_prior)
        assert label in [text.get_text() for text in axes["series"].texts]
        assert not [c for c in axes["value"].collections if c.get_gid() == "stranger_level"]
