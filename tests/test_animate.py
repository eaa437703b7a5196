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


def test_unknown_scenario_is_bad_input(tmp_path: Path, capsys) -> None:
    out = tmp_path / "run.gif"
    assert main(["animate", "no_such_scenario", "--out", str(out), "--steps", "1"]) == 2
    assert "no_such_scenario" in capsys.readouterr().err
    assert not out.exists()
