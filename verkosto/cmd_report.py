"""``verkosto report DIR``: a sweep's report as one self-contained HTML file and Markdown.

Writes ``DIR/report.html`` (figures embedded; opens offline) and
``DIR/report.md`` (figures in ``DIR/figures/`` as PNG and SVG), covering the
sweep's question, outcomes with intervals, time series, probability curves,
a heatmap, sensitivity, tipping points, discovered rules, the S33/S34
evaluation and the trust network with a network map (S37); see
:mod:`analysis.report`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from verkosto.argtypes import OPEN_PROBABILITY, number
from verkosto.errors import InputError


def register(subparsers: Any) -> None:
    """Add the ``report`` subcommand."""
    from analysis import defaults as d
    from verkosto.i18n import _

    parser = subparsers.add_parser(
        "report", help=_("write a sweep's report (HTML with embedded figures, and Markdown)"),
        description=_("Read a sweep directory written by 'verkosto sweep' and write "
                      "DIR/report.html (one self-contained file that opens offline) and "
                      "DIR/report.md with figures in DIR/figures/."))
    parser.add_argument("directory", metavar="DIR", type=Path, help=_("the sweep directory"))
    parser.add_argument("--confidence", type=OPEN_PROBABILITY, default=d.INTERVAL_CONFIDENCE,
                        metavar="C", help=_("two-sided confidence of intervals "
                                            "(default {default})").format(
                                                default=f"{d.INTERVAL_CONFIDENCE:g}"))
    parser.add_argument("--level", type=OPEN_PROBABILITY, default=d.TIPPING_LEVEL, metavar="P",
                        help=_("probability of thriving that marks a tipping point "
                               "(default {default})").format(default=f"{d.TIPPING_LEVEL:g}"))
    parser.add_argument("--reruns", type=number(0, integer=True), default=None, metavar="N",
                        help=_("runs rebuilt per outcome from their seeds for the full "
                               "S33/S34 evaluation (default {default}; 0 uses the final "
                               "values only)").format(default=d.EVALUATION_RERUNS))
    parser.add_argument("--no-network", action="store_true",
                        help=_("skip rebuilding a run for the trust-network figures"))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Handle ``verkosto report``."""
    from analysis.report import EVALUATION_RERUNS, write_report
    from analysis.results import SweepError
    from verkosto.i18n import _

    reruns = EVALUATION_RERUNS if args.reruns is None else args.reruns
    try:
        html_path, md_path = write_report(args.directory, confidence=args.confidence,
                                          level=args.level, reruns=reruns,
                                          network_figures=not args.no_network)
    except SweepError as error:
        raise InputError(str(error)) from None
    print(_("wrote {files}").format(files=f"{html_path}, {md_path}"))
    _note_unfinished(args.directory)
    return 0


def _note_unfinished(directory: Path) -> None:
    """Say on stderr when the report covers an unfinished sweep: its findings read as if
    complete otherwise (the report itself says so too).
    """
    import json
    import sys

    import pyarrow.dataset as ds

    from analysis.results import MANIFEST_FILE, RUNS_DIR
    from verkosto.i18n import _

    # Counted from the Parquet footers: the report has read the tables, and they may be large.
    manifest = json.loads((directory / MANIFEST_FILE).read_text(encoding="utf-8")) \
        if (directory / MANIFEST_FILE).is_file() else {}
    planned = manifest.get("n_runs")
    stored = ds.dataset(directory / RUNS_DIR, format="parquet").count_rows()
    if isinstance(planned, int) and not isinstance(planned, bool) and planned > stored:
        print("verkosto: " + _("note: the sweep in {path} is unfinished ({stored} of {planned} "
                               "runs stored); the report covers those runs only").format(
            path=directory, stored=stored, planned=planned), file=sys.stderr)
