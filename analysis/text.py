"""Numbers written for people: thousands separated, three significant digits below that.

Numbers follow the language chosen with ``--lang`` (:func:`verkosto.i18n.current`):
English writes ``1,470`` and ``0.35``; Finnish writes ``1 470`` (a narrow no-break
space) and ``0,35``, as ``verkosto run``'s Finnish summary does
(:meth:`verkosto.i18n.Translator.number`). Percentages likewise: ``42%`` and ``42 %``.
"""

from __future__ import annotations

import math

from verkosto import i18n

SIGNIFICANT = 3
"""Significant digits of numbers below :data:`WHOLE_FROM`."""

WHOLE_FROM = 1000.0
"""From this magnitude on, numbers are shown whole with thousands separators."""

THIN_SPACE = "\u202f"
"""Finnish thousands separator (narrow no-break space), as in ``Translator.number``."""


def localise(text: str) -> str:
    """An English-formatted number (``1,470.5``) written as the current language writes it."""
    if i18n.current().lang != "fi":
        return text
    return text.replace(",", THIN_SPACE).replace(".", ",")


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
