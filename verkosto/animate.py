"""``verkosto animate``: an animation of one run for slides.

Each frame shows the network (see :mod:`verkosto.drawing`) beside the
network-level familiarity, trust and commitment (over all seats, so a fading
network is seen fading), the active share and the value created, one frame
per week from the starting state. The title, the curves and the caption come
from :mod:`verkosto.words`, as on the dashboard: the title names the scenario
by its title and gives no verdict before the outcome window has passed, and
the caption names counts, not a verdict of its own. The model is built as
``verkosto run`` builds it (same scenario loader, same default seed), so the
animation shows the very run ``run`` summarises. GIF is written through Pillow; MP4 needs ffmpeg, and where it
is missing the command says so and writes nothing.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from analysis.text import tick_formatter
from verkosto import argtypes, i18n, words
from verkosto.errors import InputError
from verkosto.i18n import Translator, _, ngettext

DEFAULT_STEPS = 156
"""Weeks animated by default: the model's default horizon of three years."""

DEFAULT_SEED = 1
"""Random seed when none is given: the same as ``verkosto run``'s, so both show the same run."""

DEFAULT_FPS = 8
"""Frames (weeks) per second."""

FIGURE_SIZE = (12.0, 6.0)
"""Frame size (inches)."""

FRAME_DPI = 80
"""Frame resolution (dots per inch): 960 x 480 pixels."""

VALUE_HEADROOM = 1.1
"""The value axis reaches this multiple of the largest value so far."""

MIN_VALUE_AXIS = 1.0
"""The value axis shows at least [0, this]."""

FORMATS = (".gif", ".mp4")



class AnimationError(InputError):
    """The animation cannot be written as asked; the message says why and what to do."""


def _writer(out: Path, fps: int) -> Any:
    """A matplotlib movie writer for the output's file type."""
    from matplotlib import animation

    suffix = out.suffix.lower()
    if suffix == ".gif":
        return animation.PillowWriter(fps=fps)
    if suffix == ".mp4":
        if not animation.writers.is_available("ffmpeg"):
            raise AnimationError(_(
                "cannot write {out}: MP4 needs ffmpeg, which is not installed on this machine. "
                "Write a GIF instead (--out FILE.gif), or install ffmpeg "
                "(e.g. apt-get install ffmpeg) and try again.").format(out=out))
        return animation.FFMpegWriter(fps=fps)
    raise AnimationError(_("cannot write {out}: the file must end in .gif or .mp4").format(
        out=out))


def check_out(out: Path) -> None:
    """Refuse an output file that cannot be written, before any week is run.

    Raises:
        AnimationError: ``out`` is a directory, or its folder is under a file or not
            writable.
    """
    if out.is_dir():
        raise AnimationError(_("cannot write {out}: it is a directory; give a file name "
                               "(FILE.gif or FILE.mp4)").format(out=out))
    ancestor = out.absolute().parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise AnimationError(_("cannot write {out}: {path} is a file, not a folder").format(
            out=out, path=ancestor))
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise AnimationError(_("cannot write {out}: no permission to write in {path}").format(
            out=out, path=ancestor))


def load_model(scenario: str, seed: int) -> Any:
    """Build the model of a scenario (a shipped name or a ``.toml`` file) with a seed, exactly
    as ``verkosto run`` builds it.
    """
    import scenarios
    from model import NetworkModel

    return NetworkModel(params=scenarios.load(scenario), rng=seed)


def scenario_title(scenario: str) -> str:
    """The scenario's title in the current language (a user's file: its own title)."""
    import scenarios

    return i18n.scenario_title(scenarios.info(scenario)) or scenario


def frame_title(model: Any, title: str, t: Translator) -> str:
    """A frame's title: the scenario, the week and the outcome so far (or "too early to
    tell" before the outcome window), as the dashboard words them.
    """
    return t("{title}: week {week}, outcome so far: {verdict}").format(
        title=title, week=model.steps, verdict=words.verdict(model, t))


def _legend(ax: Any, t: Translator) -> None:
    """How statuses and ties are drawn, in the current language, right of the network: the
    one legend of the network drawing (:func:`analysis.network.status_legend`).
    """
    import textwrap

    from verkosto import drawing

    drawing.status_legend(ax, t)
    # The colours and sizes need words too (the dashboard says them under its picture):
    # a slide without them leaves the room guessing what a colour is.
    legend = ax.get_legend()
    width = drawing.LEGEND_LABEL_WIDTH
    legend.texts[-1].set_text(textwrap.fill(t("trust tie (wider = more trust)"), width))
    key = ",\n".join(textwrap.fill(part, width)
                     for part in t("colour = organisation, size = commitment").split(", "))
    legend.set_title(key, prop={"size": "small"})
    legend.set_alignment("left")


def _draw_frame(fig: Any, axes: dict[str, Any], model: Any, title: str, steps: int,
                t: Translator) -> None:
    """Redraw every panel for the model's current week."""
    from verkosto import drawing

    drawing.draw_network(axes["network"], model)
    _legend(axes["network"], t)
    frame = drawing.model_frame(model)
    curves = {c.column: (t(c.label), c.colour) for c in words.CURVES}
    drawing.draw_series(axes["series"], frame, curves, x_max=steps)
    for line in axes["series"].lines:  # week 0 is a single point: show it
        if len(line.get_xdata()) == 1:
            line.set_marker("o")
    drawing.draw_stranger_level(axes["series"], float(model.params.trust_prior), t)
    axes["series"].set_ylabel(t("over all seats (0-1)"))
    axes["series"].set_xlabel(t("weeks"))
    value = {words.VALUE_CURVE.column: (t(words.VALUE_CURVE.label), words.VALUE_CURVE.colour)}
    drawing.draw_series(axes["value"], frame, value, x_max=steps, unit_interval=False)
    axes["value"].set_xlabel(t("weeks"))
    top = max(MIN_VALUE_AXIS, VALUE_HEADROOM * max(
        (float(frame[c].max()) for c in value if c in frame), default=0.0))
    axes["value"].set_ylim(0.0, top)
    # Numbers as the language writes them: 1,040 weeks; 1 040 and 0,5 in Finnish.
    for ax in (axes["series"], axes["value"]):
        ax.xaxis.set_major_formatter(tick_formatter(t))
        ax.yaxis.set_major_formatter(tick_formatter(t))
    fig.suptitle(frame_title(model, title, t), fontsize="large")
    axes["reading"].set_text(words.reading(model, t))


def frame_axes(fig: Any) -> dict[str, Any]:
    """The panels of a frame on ``fig``: the network, the 0-1 curves, the value created and
    the reading under them (a text).
    """
    grid = fig.add_gridspec(2, 2, width_ratios=(1.2, 1.0), left=0.02, right=0.97,
                            top=0.84, bottom=0.16, hspace=0.62, wspace=0.25)
    return {
        "network": fig.add_subplot(grid[:, 0]),
        "series": fig.add_subplot(grid[0, 1]),
        "value": fig.add_subplot(grid[1, 1]),
        "reading": fig.text(0.5, 0.03, "", ha="center", fontsize="medium", style="italic",
                            wrap=True),
    }


def animate(scenario: str, out: Path, *, seed: int = DEFAULT_SEED, steps: int = DEFAULT_STEPS,
            fps: int = DEFAULT_FPS, model: Any = None) -> int:
    """Run a scenario and write its animation.

    Args:
        scenario: A shipped scenario's name or a scenario file (used for the model and, by its
            title, for the frames' title).
        out: Output file, ``.gif`` or ``.mp4``.
        seed: Random seed of the run (the same default as ``verkosto run``).
        steps: Weeks to run; the animation has ``steps + 1`` frames (the start
            and each week) unless the network ends earlier.
        fps: Frames per second.
        model: A ready model to animate instead of building the scenario's.

    Returns:
        The number of frames written.

    Raises:
        AnimationError: Unknown file type, or MP4 without ffmpeg (the command line
            reports it as bad input, exit status 2).
    """
    from matplotlib.figure import Figure

    out = Path(out)
    writer = _writer(out, fps)
    check_out(out)
    t = i18n.current()
    title = scenario_title(scenario)
    model = model if model is not None else load_model(scenario, seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the file and renamed into place: never a half-written animation.
    partial = out.with_name(f".{out.stem}.partial-{os.getpid()}{out.suffix}")
    fig = Figure(figsize=FIGURE_SIZE, dpi=FRAME_DPI)
    axes = frame_axes(fig)
    frames = 0
    try:
        with writer.saving(fig, str(partial), dpi=FRAME_DPI):
            for week in range(steps + 1):
                if week > 0:
                    if not model.running:
                        break
                    model.step()
                _draw_frame(fig, axes, model, title, steps, t)
                writer.grab_frame()
                frames += 1
        os.replace(partial, out)
    except OSError as error:
        raise AnimationError(_("cannot write {out}: {reason}").format(
            out=out, reason=error.strerror or error)) from None
    finally:
        partial.unlink(missing_ok=True)
    return frames


def _run(args: argparse.Namespace) -> int:
    """Handle ``verkosto animate``."""
    frames = animate(args.scenario, Path(args.out), seed=args.seed, steps=args.steps,
                     fps=args.fps)
    print(ngettext("wrote {out} ({n} frame)", "wrote {out} ({n} frames)", frames).format(
        out=args.out, n=frames))
    return 0


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``animate`` subcommand to the ``verkosto`` command line.

    Args:
        subparsers: The object returned by ``ArgumentParser.add_subparsers``.

    Returns:
        The subcommand's parser.
    """
    parser = subparsers.add_parser(
        "animate",
        help=_("animation of a run (network and time series) for slides"),
        description=_("Run a scenario (a shipped one or your own file) and write an animation "
                      "of the network and its network-level measures, one frame per week: GIF "
                      "(through Pillow) or MP4 (needs ffmpeg). The same scenario, seed and "
                      "weeks give the same run as 'verkosto run'."),
    )
    parser.add_argument("scenario", metavar="SCENARIO_OR_FILE",
                        help=_("a shipped scenario's name (see 'verkosto scenarios') or a "
                               "scenario file (.toml)"))
    parser.add_argument("--out", required=True, metavar="FILE",
                        help=_("output file, FILE.gif or FILE.mp4"))
    parser.add_argument("--seed", type=argtypes.number(0, integer=True), default=DEFAULT_SEED,
                        help=_("random seed (default {seed}, as for 'verkosto run')").format(
                            seed=DEFAULT_SEED))
    parser.add_argument("--steps", type=argtypes.number(1, argtypes.MAX_WEEKS, integer=True),
                        default=DEFAULT_STEPS,
                        help=_("weeks to run (default {steps}, three years)").format(
                            steps=DEFAULT_STEPS))
    parser.add_argument("--fps", type=argtypes.number(1, 60, integer=True), default=DEFAULT_FPS,
                        help=_("frames (weeks) per second (default {fps})").format(
                            fps=DEFAULT_FPS))
    i18n.add_language_argument(parser)
    parser.set_defaults(func=_run)
    return parser
