"""Argument types shared by the ``verkosto`` subcommands: bad values exit with status 2."""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Callable

from verkosto.i18n import _

#: Worker processes of the commands that run many simulations, when not given:
#: two, the cores of the machine this tool is sized for, or fewer where there are fewer.
DEFAULT_WORKERS = min(2, os.cpu_count() or 1)


MAX_WEEKS = 5200
"""Most weeks a command simulates per run: a hundred years ('verkosto run --steps 5200'
takes about 4 s on the default network). 'verkosto run --steps 100000000' ran on for days
while its time series grew."""

PERCENT_HINT_MAX = 100.0
"""A probability given between 1 and this is taken for a percentage and the share suggested."""


def _percent_hint(value: float, high: float | None, probability: bool,
                  allowed: Callable[[float], bool]) -> str:
    """'; did you mean 0.8?' when ``value`` looks like a percentage of a probability and the
    share it suggests is itself allowed (``--confidence 1.5`` is not taken for 0.015, which
    lies below the smallest confidence allowed).
    """
    if (probability and high is not None and high <= 1.0 and 1.0 < value <= PERCENT_HINT_MAX
            and allowed(value / 100)):
        return "; " + _("did you mean {value}? (give a probability as a share, not a "
                        "percentage)").format(value=f"{value / 100:g}")
    return ""


def number(low: float | None = None, high: float | None = None, *, integer: bool = False,
            open_low: bool = False, open_high: bool = False,
            probability: bool = False) -> Callable[[str], float]:
    """An argparse type: a finite number within bounds (exit status 2 otherwise).

    Args:
        low: Smallest allowed value (None: no limit).
        high: Largest allowed value (None: no limit).
        integer: Accept integers only.
        open_low: Exclude ``low`` itself.
        open_high: Exclude ``high`` itself.
        probability: The value is a share: a value between 1 and 100 gets
            "did you mean 0.8?" (a percentage given by mistake).
    """

    def shown(value: float) -> str:
        """A number as the user typed it: a whole number in full (100000000, not 1e+08)."""
        return str(int(value)) if integer else f"{value:g}"

    # The messages are worded when a value is refused, not when the parser is built, so
    # that they follow the language chosen by --lang (read before parsing, verkosto.cli).
    def parse(text: str) -> float:
        try:
            value = int(text) if integer else float(text)
        except ValueError:
            message = (_("{text} is not an integer") if integer
                       else _("{text} is not a number"))
            raise argparse.ArgumentTypeError(message.format(text=repr(text))) from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(
                _("{text} is not a finite number").format(text=repr(text)))
        if not within(value):
            raise argparse.ArgumentTypeError(
                _("{value} is out of range: allowed {allowed}").format(
                    value=shown(value), allowed=allowed())
                + _percent_hint(value, high, probability, within))
        return value

    def allowed() -> str:
        """The allowed range in words ("at least 1 and at most 65535"); the numbers are
        written as they are typed on the command line (with a decimal point).
        """
        parts = []
        if low is not None:
            parts.append((_("above {low}") if open_low else _("at least {low}")).format(
                low=shown(low)))
        if high is not None:
            parts.append((_("below {high}") if open_high else _("at most {high}")).format(
                high=shown(high)))
        return _(" and ").join(parts)

    def within(value: float) -> bool:
        too_low = low is not None and (value <= low if open_low else value < low)
        too_high = high is not None and (value >= high if open_high else value > high)
        return not (too_low or too_high)

    return parse


#: A probability strictly between 0 and 1 (a confidence, a target, a level).
OPEN_PROBABILITY = number(0.0, 1.0, open_low=True, open_high=True, probability=True)
#: A probability from 0 to 1 inclusive.
PROBABILITY = number(0.0, 1.0, probability=True)
