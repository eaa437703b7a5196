"""Plain JSON data from the values the model and the experiments use: the one conversion.

Spec hashes, manifests, ``summary.json`` and ``budget.json`` all go through
:func:`jsonable`, so that a value is written the same way everywhere. It
imports nothing heavy, so the command line may use it freely.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any


def jsonable(value: Any) -> Any:
    """Convert a value to JSON types, recursively.

    Mappings become dicts with string keys; lists and tuples become lists;
    enums become their value; numpy scalars become Python numbers; paths become
    strings; a float that is not finite (NaN, infinity) becomes ``None``, since
    JSON has no such number. Anything else unknown is written as its ``str``.

    Example:
        >>> jsonable({"a": (1, float("nan"))})
        {'a': [1, None]}
    """
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, enum.Enum):
        value = value.value
    elif not isinstance(value, str | int | float | bool) and callable(getattr(value, "item", None)):
        value = value.item()  # a numpy scalar
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, PurePath):
        return str(value)
    return str(value)
