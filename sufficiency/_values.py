"""Type predicates for values read from a model definition (TOML) or passed by a library caller.

One place for "is this a number?" so that every check agrees: ``True`` and ``False`` are not
numbers here (Python counts them as integers), numpy scalars are; and one for "is this a table
with its required keys?".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .exceptions import ConfigError

__all__ = ["is_number", "is_whole", "require_table"]


def is_number(v: Any) -> bool:
    """A real number (int, float or a numpy one), not a bool."""
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))


def is_whole(v: Any) -> bool:
    """An integer (int or a numpy one), not a bool."""
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def require_table(value: Any, where: str, required, table: str, keys: str) -> Mapping:
    """``value`` if it is a table holding every key in ``required``.

    Raises
    ------
    ConfigError
        ``"{where}: {value!r}: expected a table {table}"`` if it is not a table,
        ``"{where}: missing required key 'k'; expected {keys}"`` for the first key missing.
    """
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where}: {value!r}: expected a table {table}")
    for k in required:
        if k not in value:
            raise ConfigError(f"{where}: missing required key {k!r}; expected {keys}")
    return value
