"""Type predicates for values read from a model definition (TOML) or passed by a library caller.

One place for "is this a number?" so that every check agrees: ``True`` and ``False`` are not
numbers here (Python counts them as integers), numpy scalars are.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["is_number", "is_whole"]


def is_number(v: Any) -> bool:
    """A real number (int, float or a numpy one), not a bool."""
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))


def is_whole(v: Any) -> bool:
    """An integer (int or a numpy one), not a bool."""
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))
