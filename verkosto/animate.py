"""``verkosto animate``: an animation of one run for slides.

Each frame shows the network (as the dashboard draws it, see
:mod:`verkosto.drawing`) beside the familiarity, trust, commitment and
active-share curves and the value created, one frame per week from the
starting state. GIF is written through Pillow; MP4 needs ffmpeg, and where it
is missing the command says so and writes nothing.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from verkosto.errors import InputError

DEFAULT_STEPS = 156
"""Weeks animated by default: the model's default horizon of three years."""

DEFAULT_SEED = 42
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
            raise AnimationError(
                f"cannot write {out}: MP4 needs ffmpeg, which is not installed on this machine. "
                "Write a GIF instead (--out FILE.gif), or install ffmpeg "
                "(e.g. apt-get install ffmpeg) and try again.")
        return animation.FFMpegWriter(fps=fps)
    raise AnimationError(f"cannot write {out}: the file must end in .gif or .mp4")


def load_model(scenario: str, seed: int) -> Any:
    """Build the model of a shipped scenario with a seed."""
    import scenarios
    from model import NetworkModel

    return NetworkModel(params=scenarios.load(scenario), rng=seed)


def _draw_frame(fig: Any, axes: dict[str, Any], model: Any, title: str, steps: int) -> None:
    """Redraw every panel for the model's current week."""
    from verkosto import drawing

    drawing.draw_network(axes["network"], model)
    drawing.status_legend(axes["network"])
    frame = drawing.model_frame(model)
    drawing.draw_series(axes["series"], frame, drawing.SERIES, x_max=steps)
    axes["series"].set_ylabel("share / level (0-1)")
    drawing.draw_series(axes["value"], frame, drawing.VALUE_SERIES, x_max=steps,
                        unit_interval=False)
    top = max(MIN_VALUE_AXIS, VALUE_HEADROOM * max(
        (float(frame[c].max()) for c in drawing.VALUE_SERIES if c in frame), default=0.0))
    axes["value"].set_ylim(0.0, top)
    fig.suptitle(f"{title}: week {model.steps}, outcome so far {model.outcome}",
                 fontsize="large")
    axes["reading"].set_text(str(model.reading()))


def animate(scenario: str, out: Path, *, seed: int = DEFAULT_SEED, steps: int = DEFAULT_STEPS,
            fps: int = DEFAULT_FPS, model: Any = None) -> int:
    """Run a scenario and write its animation.

    Args:
        scenario: Name of a shipped scenario (used for the model and the title).
        out: Output file, ``.gif`` or ``.mp4``.
        seed: Random seed of the run.
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
    model = model if model is not None else load_model(scenario, seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig = Figure(figsize=FIGURE_SIZE, dpi=FRAME_DPI)
    grid = fig.add_gridspec(2, 2, width_ratios=(1.2, 1.0), left=0.02, right=0.97,
                            top=0.9, bottom=0.12, hspace=0.35, wspace=0.25)
    axes: dict[str, Any] = {
        "network": fig.add_subplot(grid[:, 0]),
        "series": fig.add_subplot(grid[0, 1]),
        "value": fig.add_subplot(grid[1, 1]),
        "reading": fig.text(0.5, 0.03, "", ha="center", fontsize="medium", style="italic",
                            wrap=True),
    }
    frames = 0
    with writer.saving(fig, str(out), dpi=FRAME_DPI):
        for week in range(steps + 1):
            if week > 0:
                if not model.running:
                    break
                model.step()
            _draw_frame(fig, axes, model, scenario, steps)
            writer.grab_frame()
            frames += 1
    return frames


def _run(args: argparse.Namespace) -> int:
    """Handle ``verkosto animate``."""
    frames = animate(args.scenario, Path(args.out), seed=args.seed, steps=args.steps,
                     fps=args.fps)
    print(f"wrote {args.out} ({frames} frames)")
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
        help="animation of a run (network and time series) for slides",
        description="Run a scenario and write an animation of the network and its main "
                    "time series, one frame per week: GIF (through Pillow) or MP4 "
                    "(needs ffmpeg).",
    )
    parser.add_argument("scenario", metavar="SCENARIO", help="name of a shipped scenario")
    parser.add_argument("--out", required=True, metavar="FILE",
                        help="output file, FILE.gif or FILE.mp4")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--steps", type=int, default=DEFAULT_STEPS,
                        help=f"weeks to run (default {DEFAULT_STEPS}, three years)")
    parser.add_argument("--fps", type=int, default=DEFAULT_FPS,
                        help=f"frames (weeks) per second (default {DEFAULT_FPS})")
    parser.set_defaults(func=_run)
    return parser
