"""Numbers written for people: thousands separated, three significant digits below that.

Numbers follow the language chosen with ``--lang`` (:func:`verkosto.i18n.current`):
English writes ``1,470`` and ``0.35``; Finnish writes ``1 470`` (a narrow no-break
space) and ``0,35``, as ``verkosto run``'s Finnish summary does
(:meth:`verkosto.i18n.Translator.number`). Percentages likewise: ``42%`` and ``42 %``.
"""

from __future__ import annotations

import functools
import math
import re
from typing import TYPE_CHECKING

from verkosto import i18n

if TYPE_CHECKING:
    from matplotlib.ticker import Formatter

SIGNIFICANT = 3
"""Significant digits of numbers below :data:`WHOLE_FROM`."""

WHOLE_FROM = 1000.0
"""From this magnitude on, numbers are shown whole with thousands separators."""


def localise(text: str) -> str:
    """An English-formatted number (``1,470.5``) written as the current language writes it.

    The separators are :meth:`verkosto.i18n.Translator.numeral`'s, defined there once, so
    prose, tables and the figures' axes cannot drift apart.
    """
    return i18n.numeral(text)


def number(x: float) -> str:
    """Format ``x`` for a table or a sentence (``1,470``, ``0.35``, ``12.5``; in Finnish
    ``1 470``, ``0,35``, ``12,5``).
    """
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    if abs(x) >= WHOLE_FROM:
        return localise(f"{x:,.0f}")
    if x == 0:
        return "0"
    digits = max(0, SIGNIFICANT - 1 - math.floor(math.log10(abs(x))))
    return localise(f"{x:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{x:.0f}")


def fixed(x: float, decimals: int = 0, sign: bool = False) -> str:
    """``x`` with a fixed number of decimals (``1,500`` / ``1 500``; ``+0.12`` / ``+0,12``)."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    return localise(f"{x:{'+' if sign else ''},.{decimals}f}")


def pct(share: float | None, sign: bool = False) -> str:
    """A share as a whole percentage: ``42%`` in English, ``42 %`` in Finnish (``–`` if
    unknown); ``sign`` writes ``+5%``.
    """
    if share is None or not math.isfinite(share):
        return "–"
    value = f"{100 * share:{'+' if sign else ''}.0f}"
    return f"{localise(value)}\u00a0%" if i18n.current().lang == "fi" else f"{value}%"


def count(n: int) -> str:
    """A count with thousands separated in the current language."""
    return localise(f"{n:,}")


_NUMERAL = re.compile(r"\d+(?:\.\d+)?")
"""The digits of a tick label as matplotlib writes it (``2000``, ``0.25``; the sign apart)."""


@functools.cache
def _tick_formatter_class() -> type:
    """The class of :func:`tick_formatter` (matplotlib is imported on first use only)."""
    from matplotlib.ticker import ScalarFormatter

    class ProseTicks(ScalarFormatter):
        """matplotlib's tick labels with the separators of :meth:`Translator.number`."""

        def __init__(self, t: i18n.Translator):
            super().__init__()
            self.translator = t

        def __call__(self, x: float, pos: int | None = None) -> str:
            text = super().__call__(x, pos)
            t = self.translator
            return _NUMERAL.sub(
                lambda m: t.number(float(m[0]), len(m[0].partition(".")[2])), text, count=1)

    return ProseTicks


def tick_formatter(t: i18n.Translator | None = None) -> Formatter:
    """A tick formatter that writes an axis's numbers as sentences do (:func:`fixed`):
    ``2,000`` and ``0.25`` in English, ``2 000`` and ``0,25`` in Finnish.

    The digits stay matplotlib's (as many decimals as the ticks need: ``0.25``, not a fixed
    one that would write ``0.2`` at the tick of 0.25); only the separators change. Every
    figure with an axis that can pass 999 uses it: matplotlib's own writes ``2000``.

    Args:
        t: The figure's language; None for the current one (:func:`verkosto.i18n.current`).
    """
    return _tick_formatter_class()(t or i18n.current())
