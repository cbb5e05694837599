"""Checks of values read from a model definition (TOML) or passed by a library caller.

One place for "is this a number?" so that every check agrees: ``True`` and ``False`` are not
numbers here (Python counts them as integers), numpy scalars are; one for "is this a table
with its required keys?", one for "an academic year"; and the one-line errors every check
raises: :class:`Section` (``<where> key = value: expected ...``), :func:`did_you_mean` and
:func:`duplicates`. Also the few ways of writing values in words that messages, results'
summaries and the report share, so that they agree: :func:`plural`, :func:`joined`,
:func:`value_and_range` and :func:`fmt_count` (halves away from zero, :func:`round_half_away`).
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import nomenclature as nc
from .exceptions import ConfigError

__all__ = [
    "is_number",
    "is_whole",
    "is_year",
    "is_list_of_values",
    "require_table",
    "Section",
    "did_you_mean",
    "plural",
    "duplicates",
    "closest_codes",
    "authority_label",
    "did_you_mean_code",
    "expected_area",
    "fmt_count",
    "round_half_away",
    "joined",
]


def plural(count: int, noun: str) -> str:
    """A count and its noun, in the plural unless one: ``"1 area"``, ``"32 areas"``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def joined(items: Sequence[str], word: str = "and") -> str:
    """Items in a sentence: ``"C"``, ``"C and D"``, ``"B, C and D"`` (``""`` for none)."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def first_few(items: Sequence[str], most: int, sep: str = ", ") -> str:
    """The first ``most`` of ``items`` joined by ``sep``, then how many more there are:
    ``"A, B and 3 more"`` (``"A; B; and 3 more"`` with ``sep = "; "``), for messages that
    list codes or areas without listing hundreds."""
    items = list(items)
    rest = len(items) - most
    more = f"{';' if sep.startswith(';') else ''} and {rest} more" if rest > 0 else ""
    return sep.join(items[:most]) + more


def authority_label(config: Any) -> str:
    """``"Coventry (E08000026)"``: the authority of a result's ``config`` mapping by its name
    (``authority_name``) and code (``authority``), as the plan names it; the code alone when
    there is no name, the name alone when it gives the code."""
    code = str(config["authority"])
    name = str(config.get("authority_name") or "").strip()
    return code if not name else name if code in name else f"{name} ({code})"


def value_and_range(value: float, lower: float, upper: float) -> str:
    """``"676 (266-1,721)"``, or ``"534"`` where the range is the value itself (a count of a
    past year, which has none: a Walsall trial read "534 (534-534)")."""
    text = f"{value:,.0f}"
    if f"{lower:,.0f}" == text == f"{upper:,.0f}":
        return text
    return f"{text} ({lower:,.0f}-{upper:,.0f})"


def is_number(v: Any) -> bool:
    """A real number (int, float or a numpy one), not a bool."""
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(
        v, (bool, np.bool_)
    )


def is_whole(v: Any) -> bool:
    """An integer (int or a numpy one), not a bool."""
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def is_year(v: Any) -> bool:
    """An academic year by its start (2026 = 2026/27): a whole number in 1990..2100."""
    return is_whole(v) and 1990 <= v <= 2100


def is_list_of_values(v: Any) -> bool:
    """Whether ``v`` is a list of values (any iterable but text): ``"2016"`` is not one, as
    iterating it gives ``"2"``, ``"0"``, ... (a Solihull trial's ``origins="2016"``), nor is a
    single number."""
    return not isinstance(v, (str, bytes)) and hasattr(v, "__iter__")


def require_table(value: Any, where: str, required, table: str, keys: str) -> Mapping:
    """``value`` if it is a table holding every key in ``required``.

    Raises
    ------
    ConfigError
        ``"{where}: {value!r}: expected a table {table}"`` if it is not a table (``table``
        may be ``""``), ``"{where}: missing required key 'k'; expected {keys}"`` for the first
        key missing.
    """
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where}: {value!r}: expected a table {table}".rstrip())
    for k in required:
        if k not in value:
            raise ConfigError(f"{where}: missing required key {k!r}; expected {keys}")
    return value


def toml_value(v: Any) -> str:
    """``v`` as a model definition writes it, for errors about one: ``true``/``false`` for a
    boolean (Python's ``True`` is not TOML), ``repr`` otherwise (``0.5``, ``'half'``)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    return repr(v)


@dataclass(frozen=True)
class Section:
    """One table of a model definition, for errors that read ``<where> key = value: expected ...``.

    Parameters
    ----------
    where : str
        The file and the table, e.g. ``"models/x.toml: [plan]"`` or
        ``"models/x.toml: [[plan.options]] #2 (name)"``.
    values : mapping
        The table.
    """

    where: str
    values: Mapping[str, Any]

    def bad(self, key: str, expected: str, value: Any = ...) -> ConfigError:
        """The error for ``key``: its value in the table unless ``value`` is given. An
        academic year written as its label where its start is expected (``first_year =
        "2027/28"``) is told what to write ("write 2027"; a Wolverhampton trial)."""
        v = self.values[key] if value is ... else value
        hint = ""
        if "academic year (its start)" in expected and isinstance(v, str):
            start = nc.parse_academic_year_label(v)
            hint = f"; write {start} for {v!r}" if start is not None else ""
            if start is None and re.fullmatch(r"\s*(19|20)\d\d\s*", v):
                # a year in quotes: TOML text, not a number
                hint = f"; write {int(v)} without quotes (a number, not text)"
        return ConfigError(f"{self.where} {key} = {toml_value(v)}: expected {expected}{hint}")

    def check(self, key: str, ok, expected: str) -> None:
        """Raise :meth:`bad` if the table gives ``key`` and ``ok(value)`` is false."""
        if key in self.values and not ok(self.values[key]):
            raise self.bad(key, expected)


def round_half_away(values):
    """Whole numbers as the report prints them (:func:`fmt_count`):
    halves away from zero (3764.5 -> 3765, -2.5 -> -3), after float noise below 1e-6 is
    dropped, so a half summed in another order (3764.4999999999995) rounds the same; a float
    for a scalar, an array for an array. ``np.rint`` and ``round`` take halves to the even
    number (3764.5 -> 3764), which printed one supply two ways (a Wolverhampton trial)."""
    v = np.round(np.asarray(values, dtype=float), 6)
    out = np.copysign(np.floor(np.abs(v) + 0.5), v)
    return float(out) if out.ndim == 0 else out


def fmt_count(value: float) -> str:
    """Whole number with thousands separators (``12345.6 -> "12,346"``); a dash if missing.

    Halves round away from zero (``3764.5 -> "3,765"``, :func:`round_half_away`), after the
    last few bits of float noise are dropped: Python's ``round`` takes halves to the even
    number, so the same half printed 3,764 in one table and 3,765 in another, as summing in
    another order put it a hair either side (a Wolverhampton trial's early years supply,
    3,764.5 FTE places: half places come from 15-hour children). The report's tables and the
    results' summaries both print counts with it."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    return f"{int(round_half_away(float(value))):,}"


def percent_hint(v: Any, numbers: bool = False) -> str:
    """``"; write 0.6, not '60%'"`` for a share written as a percentage string (a Dudley
    trial: ``margin = "2%"`` was only "expected float"); with ``numbers``, also ``"; if 25
    is a percentage, write 0.25"`` for a number in (1, 100]; ``""`` for anything else."""
    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]*)?)\s*%\s*", v) if isinstance(v, str) else None
    if m:
        return f"; write {float(m.group(1)) / 100:g}, not {v!r}"
    if numbers and is_number(v) and 1 < v <= 100:
        return f"; if {v:g} is a percentage, write {v / 100:g}"
    return ""


def did_you_mean(value: Any, choices: Iterable[str], fmt: str = "{!r}") -> str:
    """``" (did you mean 'x'?)"`` for the choice closest to ``str(value)``, or ``""`` if none is close.

    Parameters
    ----------
    fmt : str
        How the suggestion is shown: ``"{!r}"`` quoted, ``"[{}]"`` as a TOML section.
    """
    hint = difflib.get_close_matches(str(value), list(choices), n=1)
    return f" (did you mean {fmt.format(hint[0])}?)" if hint else ""


def _edits(a: str, b: str) -> int:
    """Edits (insert, delete, replace, swap two neighbours) from ``a`` to ``b``: a code typed
    with two digits swapped is one edit away, where difflib's ratio ties it with others."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def closest_codes(value: Any, codes: Mapping[str, str] | Iterable[str], n: int = 3) -> list[str]:
    """The codes closest to ``value`` (at most ``n``), for a did-you-mean.

    A code is close when it is the fewest edits away (swapped neighbours count one) and that
    is at most a third of its length (``E07000129`` -> ``E07000192``); a code whose name
    (``codes`` a mapping code -> name) is ``value``, or holds it as a word or is close to
    it, counts too (an area or district written by its name, ``"Cannock Chase"``). Empty if
    none is close.
    """
    names = dict(codes) if isinstance(codes, Mapping) else {str(c): "" for c in codes}
    v = str(value).strip()
    key = v.casefold()
    if not key:
        return []
    by_name = [
        c
        for c, name in names.items()
        if name
        and (key == str(name).casefold() or (len(key) >= 3 and key in str(name).casefold().split()))
    ]
    if not by_name:
        titles = {str(name).casefold(): c for c, name in names.items() if name}
        by_name = [titles[t] for t in difflib.get_close_matches(key, list(titles), n=n, cutoff=0.8)]
    dist = {c: _edits(key, str(c).casefold()) for c in names}
    best = min(dist.values(), default=0)
    # ties: the same characters first (two swapped digits are the likeliest slip)
    by_code = (
        sorted(
            (c for c, d in dist.items() if d == best),
            key=lambda c: (sorted(str(c).casefold()) != sorted(key), str(c)),
        )
        if names and best <= max(1, len(v) // 3) and best < len(v)
        else []
    )
    return list(dict.fromkeys(by_name + by_code))[:n]


def did_you_mean_code(value: Any, codes: Mapping[str, str] | Iterable[str], n: int = 3) -> str:
    """``" (did you mean 8607019 (Leek)?)"``: :func:`closest_codes`, with their names when
    ``codes`` maps code -> name, or ``""`` if none is close."""
    hits = closest_codes(value, codes, n)
    if not hits:
        return ""
    names = codes if isinstance(codes, Mapping) else {}
    shown = [
        f"{c} ({names[c]})" if names.get(c) and str(c) not in str(names[c]).split() else str(c)
        for c in hits
    ]
    return f" (did you mean {' or '.join(shown)}?)"


def expected_area(
    value: Any,
    codes: Mapping[str, str],
    phases: Mapping[str, str] | None = None,
    phase: str | None = None,
) -> str:
    """What an unknown planning area ``value`` should have been, for a ``Section.bad`` message:
    ``"a planning area of the model ([[areas]] code) (did you mean 9370051 (Stratford)?): one
    of the secondary areas 9370040, ..."``.

    ``codes`` maps the model's area codes to their names; with ``phases`` (code -> phase) and
    ``phase``, the suggestion and the list prefer the areas of that phase. At most 30 codes
    are listed, then how many more (a Warwickshire trial's option written by the area's name
    got no suggestion and no list of the codes).
    """
    same = (
        {c: n for c, n in codes.items() if phases.get(c) == phase}
        if phases is not None and phase
        else {}
    )
    hint = (did_you_mean_code(value, same) if same else "") or did_you_mean_code(value, codes)
    listed = sorted(same or codes)
    shown = first_few(listed, 30)
    which = f"the {phase} areas" if same else "the areas"
    return f"a planning area of the model ([[areas]] code){hint}: one of {which} {shown}"


def duplicates(names: Iterable) -> list:
    """The names that occur more than once in ``names``, sorted."""
    return sorted(n for n, count in Counter(names).items() if count > 1)
