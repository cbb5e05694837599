"""A read-only mapping that pickles and deep-copies.

The model, its inputs and the results hold read-only mappings (settings, options, labels).
``types.MappingProxyType`` cannot be pickled or deep-copied, so ``copy.deepcopy(inputs)`` (to
try another capacity) and ``pickle.dumps(send)`` (to cache a run, or hand it to another
process) raised "cannot pickle 'mappingproxy' object" (a Solihull library trial).
:class:`FrozenDict` is read-only as the proxy was and rebuilds from a plain dict; unlike a
process-wide ``copyreg`` reducer for ``MappingProxyType``, it changes nothing outside the
package.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["FrozenDict"]


class FrozenDict(Mapping):
    """A read-only ``dict``: reads as a dict does, equals a dict of the same items, and
    cannot be changed (item or attribute assignment raises ``TypeError``). ``copy()`` and
    ``|`` give a plain, changeable ``dict``, as ``MappingProxyType``'s do."""

    __slots__ = ("_data",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        object.__setattr__(self, "_data", dict(*args, **kwargs))

    def __getitem__(self, key: Any) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __repr__(self) -> str:
        return f"FrozenDict({self._data!r})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise TypeError("FrozenDict is read-only")

    def __delattr__(self, name: str) -> None:
        raise TypeError("FrozenDict is read-only")

    def __reduce__(self):
        return (FrozenDict, (self._data,))

    def copy(self) -> dict:
        """A plain (changeable) dict of the same items."""
        return dict(self._data)

    def __or__(self, other: Mapping) -> dict:
        return {**self._data, **other} if isinstance(other, Mapping) else NotImplemented

    def __ror__(self, other: Mapping) -> dict:
        return {**other, **self._data} if isinstance(other, Mapping) else NotImplemented
