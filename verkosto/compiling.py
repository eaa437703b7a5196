"""Say so when the model's compiled code is being prepared, so a first run is not silent.

The model's inner loops are compiled by numba on first use and cached on disk
(``model/__pycache__``). The first run after installing or updating verkosto
compiles them all, which takes most of a minute, during which a command prints
nothing; later runs load the cache in a fraction of a second. ``make setup`` compiles
what the default scenario's run uses; a command taking another path later (``dock``'s
team assembly) compiles the little left, in a few seconds. :func:`announce`
prints one line when numba starts compiling in this process, and never when
everything comes from the cache.
"""

from __future__ import annotations

import sys
from typing import TextIO

from verkosto.i18n import _


class _State:
    """Whether this process has a listener, has said its notice, and where it says it."""

    registered = False
    announced = False
    stream: TextIO | None = None


def notice() -> str:
    """The line printed when compiling starts (in the language in use)."""
    # "Up to": `make setup` compiles what a run of the default scenario uses (about a minute);
    # a command that takes another path afterwards (dock, some patterns) compiles a few
    # functions more, in seconds, and says so with this same line.
    return _("Preparing the model's compiled code (once after installing or updating "
             "verkosto): this can take up to a minute; later runs start at once.")


def _on_compile() -> None:
    if not _State.announced:
        _State.announced = True
        print(notice(), file=_State.stream or sys.stderr, flush=True)


def announce(stream: TextIO | None = None) -> None:
    """Print :func:`notice` to ``stream`` (standard error) when numba first compiles
    something in this process; a process whose code all comes from the cache prints nothing.
    One notice per process: calling it again only changes where a notice not yet printed
    would go.

    Args:
        stream: Where to print; ``None`` for standard error at the time of printing.
    """
    _State.stream = stream
    if _State.registered:
        return
    from numba.core import event

    class _Listener(event.Listener):
        def on_start(self, ev: event.Event) -> None:
            _on_compile()

        def on_end(self, ev: event.Event) -> None:
            """Nothing to say when a compilation ends (numba's listeners must define it)."""

    event.register("numba:compile", _Listener())
    _State.registered = True
