"""How the measures' numbers are rounded for the result, in one place.

Times to the millisecond (3 digits), angles and heights to 0.1 (1 digit), protocol parameters
to 4 digits, sway to 5; a value that is not finite (NaN: unknown) becomes None, so the result is
plain JSON. Changing a digit here changes stored results: the golden tests in ``tests/pose``
say so.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def rounded(value: Any, digits: int = 3) -> float | None:
    """``value`` rounded to ``digits`` decimals; None for None, NaN and infinities."""
    if value is None:
        return None
    value = float(value)
    return round(value, digits) if math.isfinite(value) else None


def rounded_series(values: np.ndarray | list[float], digits: int = 1) -> list[float | None]:
    """A per-frame series (angles, heights): 0.1 of its unit, None where unknown."""
    return [rounded(v, digits) for v in values]


def rounded_json(obj: Any, digits: int = 4) -> Any:
    """Every float inside a JSON-like structure rounded (booleans, integers, strings kept)."""
    if isinstance(obj, dict):
        return {k: rounded_json(v, digits) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [rounded_json(v, digits) for v in obj]
    if isinstance(obj, bool | int | str) or obj is None:
        return obj
    return rounded(obj, digits)
