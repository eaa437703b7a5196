"""The "trust in a stranger" label sits where no curve is.

Written at one place (under the reference line at its right end), it sat on the trust curve
once trust fell to the level it names: ``verkosto run no_coordination --seed 3``'s
overview.png.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.path import Path as CurvePath
from matplotlib.text import Text

from verkosto import drawing, i18n


def stranger_label(ax: Axes) -> Text:
    (label,) = [text for text in ax.texts if text.get_gid() == "stranger_level"]
    return label


def curves_under(fig: Figure, ax: Axes) -> list[str]:
    """The curves of ``ax`` that the drawn stranger's label meets: a point of the curve, or
    a stretch between two, inside the label's box widened by half the curve's line width
    (matplotlib's renderer extents)."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # places the label, as saving the figure does
    renderer = canvas.get_renderer()
    box = stranger_label(ax).get_window_extent(renderer)
    met = []
    for line in ax.lines:
        xy = line.get_transform().transform(line.get_xydata())
        wide = box.padded(renderer.points_to_pixels(line.get_linewidth()) / 2)
        if wide.count_contains(xy) or CurvePath(xy).intersects_bbox(wide, filled=False):
            met.append(line.get_label())
    return met


def beside_the_line(fig: Figure, ax: Axes, level: float) -> bool:
    """Whether the drawn label's box is inside the axes and touches the line's height from
    above or below (within a few pixels): it still labels that line."""
    renderer = fig.canvas.get_renderer()
    box = stranger_label(ax).get_window_extent(renderer)
    y = ax.transData.transform((0.0, level))[1]
    near = renderer.points_to_pixels(2 * drawing.STRANGER_GAP_PT)
    frame = ax.bbox
    inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 <= box.y1 <= frame.y1
    return inside and (abs(box.y1 - y) <= near or abs(box.y0 - y) <= near)


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_overview_label_meets_no_curve_when_trust_falls_to_it(lang, tmp_path: Path,
                                                               monkeypatch):
    """The run the walkthrough saw: no_coordination, seed 3, trust ending at 0.15 exactly."""
    from verkosto import cmd_run

    request = cmd_run.prepare("no_coordination", [], 3, 156, tmp_path / "run")
    model = cmd_run.simulate(request, progress=False)
    frame = cmd_run.timeseries(model)
    level = float(request.params.trust_prior)
    assert frame["network_trust"].iloc[-1] == pytest.approx(level)  # the case of the defect
    drawn: list[Figure] = []
    real_savefig = Figure.savefig
    monkeypatch.setattr(Figure, "savefig", lambda self, *a, **k: (
        drawn.append(self), real_savefig(self, *a, **k))[1])
    i18n.set_language(lang)
    try:
        cmd_run.draw_overview(tmp_path / "overview.png", request, model, frame)
        fig = drawn[0]
        series_ax = fig.get_axes()[0]
        assert curves_under(fig, series_ax) == []
        assert beside_the_line(fig, series_ax, level)
        assert stranger_label(series_ax).get_text() == i18n.current()(drawing.STRANGER_LABEL)
    finally:
        i18n.set_language("en")


def draw(curves: dict[str, np.ndarray], level: float) -> tuple[Figure, Axes]:
    """The series panel with ``curves`` over 156 weeks and the stranger's level."""
    fig = Figure(figsize=(5.0, 3.0), layout="constrained")
    ax = fig.add_subplot()
    frame = pd.DataFrame(curves)
    drawing.draw_series(ax, frame, {c: (c, "C0") for c in curves})
    drawing.draw_stranger_level(ax, level, i18n.translator("en"))
    return fig, ax


def test_label_keeps_its_place_at_the_right_end_when_that_is_free():
    """Under the line at its right end, where a reader looks for it, unless a curve is there."""
    weeks = np.arange(157)
    fig, ax = draw({"network_trust": np.full(len(weeks), 0.6)}, 0.15)
    assert curves_under(fig, ax) == []
    box = stranger_label(ax).get_window_extent(fig.canvas.get_renderer())
    assert box.x1 > ax.bbox.x1 - ax.bbox.width * 0.05  # at the right end
    assert box.y1 <= ax.transData.transform((0.0, 0.15))[1]  # under the line


@pytest.mark.parametrize("below", [0.14, 0.12, 0.1, 0.05])
def test_label_moves_off_curves_on_both_sides_of_the_line(below):
    """Trust lying on the level and another curve just under it, on the right, where the
    label used to sit: the label goes where the curves leave room."""
    weeks = np.arange(157)
    trust = np.where(weeks < 60, 0.45, 0.15)
    other = np.where(weeks < 60, 0.9, below)
    fig, ax = draw({"network_trust": trust, "active_share": other}, 0.15)
    assert curves_under(fig, ax) == []
    assert beside_the_line(fig, ax, 0.15)


def test_animation_frame_label_meets_no_curve():
    """The animation draws the same label on its trust panel, one frame at a time: in its
    last frame the panel (125 pixels high) has room only between the level and the curves
    at 0."""
    from verkosto import animate as animate_module

    model = animate_module.load_model("no_coordination", 3)
    model.run_for(156)
    fig = Figure(figsize=animate_module.FIGURE_SIZE, dpi=animate_module.FRAME_DPI)
    axes = animate_module.frame_axes(fig)
    animate_module._draw_frame(fig, axes, model, "x", 156, i18n.translator("fi"))
    assert curves_under(fig, axes["series"]) == []
    assert beside_the_line(fig, axes["series"], float(model.params.trust_prior))
