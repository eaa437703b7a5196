"""``verkosto dashboard``: the trainer's live dashboard in the browser.

A Mesa SolaraViz application (the page itself is in
:mod:`verkosto.dashboard_app`) served by solara's own ASGI server through
uvicorn, bound to 127.0.0.1 unless told otherwise. It works in a training room
without internet: every front-end file comes from the installed
``solara-assets`` wheel, solara's fallback CDN is pointed at a dead loopback
address so that a missing file fails at once instead of leaving the machine,
and solara's usage telemetry and version check are off.

This module stays light (no solara import) so that the command line starts
fast and so that solara's settings, which it reads when first imported, can be
set here first.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from typing import Any

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
APP_REFERENCE = "verkosto.dashboard_app:Page"
"""What solara's server loads (module:component)."""

DEAD_CDN = "http://127.0.0.1:9/"
"""Where solara would fetch a front-end file missing from the installed assets:
a loopback port nothing listens on (the discard port), so it fails fast, locally."""

PAGE_TITLE = "verkosto: networking work"

OFFLINE_ENVIRONMENT: dict[str, str] = {
    "SOLARA_APP": APP_REFERENCE,
    "SOLARA_ASSETS_PROXY": "true",
    "SOLARA_ASSETS_CDN": DEAD_CDN,
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
    "SOLARA_MODE": "production",
    "SOLARA_THEME_TITLE": PAGE_TITLE,
    "SOLARA_THEME_SHOW_BANNER": "false",
}
"""Solara settings for serving offline; they must be in place before solara is imported."""


def configure_offline() -> None:
    """Make solara serve every asset from this machine and talk to no one else.

    Sets the environment for a solara imported later and, where solara is
    already imported, its live settings objects too.
    """
    os.environ.update(OFFLINE_ENVIRONMENT)
    if "solara.server.settings" in sys.modules:
        import solara.server.settings as server_settings
        import solara.settings

        solara.settings.assets.proxy = True
        solara.settings.assets.cdn = DEAD_CDN
        server_settings.telemetry.mixpanel_enable = False
        server_settings.main.mode = "production"
        server_settings.theme.title = PAGE_TITLE


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, log_level: str = "warning") -> None:
    """Run the dashboard server in this process until interrupted.

    Args:
        host: Address to bind; keep 127.0.0.1 unless the room needs to reach it.
        port: TCP port.
        log_level: uvicorn's log level.
    """
    configure_offline()
    os.environ["SERVER_NAME"] = host
    os.environ["SERVER_PORT"] = str(port)
    import uvicorn

    # Solara warns on every page load over plain http that it cannot set a cross-site cookie;
    # a dashboard on this machine needs none.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")
    uvicorn.run("solara.server.starlette:app", host=host, port=port, log_level=log_level)


def _run(args: argparse.Namespace) -> int:
    """Handle ``verkosto dashboard``."""
    print(f"verkosto dashboard: open http://{args.host}:{args.port}/ (Ctrl+C stops it)",
          flush=True)
    serve(args.host, args.port)
    return 0


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``dashboard`` subcommand to the ``verkosto`` command line.

    Args:
        subparsers: The object returned by ``ArgumentParser.add_subparsers``.

    Returns:
        The subcommand's parser.
    """
    parser = subparsers.add_parser(
        "dashboard",
        help="live dashboard for trainers in the browser (works offline)",
        description="Serve the trainer's dashboard: pick a scenario, move the sliders, "
                    "press Reset, then Step or Play, and watch familiarity, trust and "
                    "commitment grow or wither.",
    )
    parser.add_argument("--host", default=DEFAULT_HOST,
                        help=f"address to bind (default {DEFAULT_HOST}: this machine only)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"TCP port (default {DEFAULT_PORT})")
    parser.set_defaults(func=_run)
    return parser


def __getattr__(name: str) -> Any:
    """Let ``solara run verkosto.dashboard`` find the page, importing solara lazily."""
    if name in ("Page", "page"):
        configure_offline()
        from verkosto import dashboard_app

        return dashboard_app.Page
    raise AttributeError(name)
