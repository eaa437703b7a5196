"""Numbers written for people: thousands separated, three significant digits below that."""

from __future__ import annotations

import math

SIGNIFICANT = 3
"""Significant digits of numbers below :data:`WHOLE_FROM`."""

WHOLE_FROM = 1000.0
"""From this magnitude on, numbers are shown whole with thousands separators."""


def number(x: float) -> str:
    """Format ``x`` for a table or a sentence (``1,470``, ``0.35``, ``12.5``)."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    if abs(x) >= WHOLE_FROM:
        return f"{x:,.0f}"
    if x == 0:
        return "0"
    digits = max(0, SIGNIFICANT - 1 - math.floor(math.log10(abs(x))))
    return f"{x:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{x:.0f}"


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """``1 run``, ``2 runs``: a count with its noun in the right number."""
    word = noun if count == 1 else (plural_form or f"{noun}s")
    return f"{count:,} {word}"
