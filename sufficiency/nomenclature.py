"""One vocabulary: column names, year-group (NCY) coding, phases and tier structures.

Everything else in :mod:`sufficiency` imports these names rather than spelling strings.

Conventions
-----------
* **Academic year** is identified by its start year: ``2022`` means 2022/23. The DfE writes it
  ``202223``; the January 2023 school census belongs to 2022/23.
* **NCY** (national curriculum year): nursery N1 = -2, N2 = -1, Reception = 0,
  Year 1 .. Year 14 = 1 .. 14. A pupil in NCY g in year t is in NCY g+1 in year t+1.
* **Phases as the DfE counts them** (SCAP, scorecards), by year group not by school type:
  primary R-Y6, secondary Y7-Y11, sixth form Y12-Y13.
* **Tier structures**: two-tier (primary R-Y6, secondary Y7-Y13) and three-tier
  (first R-Y4, middle Y5-Y8, high Y9-Y13).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._frozen import FrozenDict

__all__ = [
    "AREA",
    "SCHOOL",
    "PHASE",
    "YEAR",
    "NCY",
    "PUPILS",
    "BIRTHS",
    "CAPACITY",
    "PAN",
    "ROLL",
    "DWELLINGS",
    "PLANS",
    "KIND",
    "SOURCE",
    "DISTRICT",
    "AUTHORITY",
    "NCY_MIN",
    "NCY_MAX",
    "NCY_RECEPTION",
    "NCY_LABELS",
    "parse_ncy_label",
    "parse_academic_year_label",
    "PHASES",
    "PHASE_NCY",
    "SCHOOL_PHASES",
    "TierStructure",
    "TWO_TIER",
    "THREE_TIER",
    "TIER_STRUCTURES",
    "ncy_label",
    "phase_of_ncy",
    "year_groups_from_names",
    "named_year_groups",
    "academic_year_label",
    "parse_dfe_time_period",
    "dfe_time_period",
]

# ---------------------------------------------------------------------------
# Canonical column names
# ---------------------------------------------------------------------------
AREA = "area"  #: planning area (or authority) identifier [str]
SCHOOL = "school"  #: school identifier, e.g. DfE LAEstab [str]
PHASE = "phase"  #: phase name, see PHASES [str]
YEAR = "year"  #: academic year by its start year, 2022 = 2022/23 [int]
NCY = "ncy"  #: national curriculum year, Reception = 0 [int]
PUPILS = "pupils"  #: pupils on roll, headcount [count]
BIRTHS = "births"  #: live births in the 12 months to mid-year [count]
CAPACITY = "capacity"  #: net capacity [places]
PAN = "pan"  #: published admission number per year group [places]
ROLL = "roll"  #: pupils on roll at a school [count]
DWELLINGS = "dwellings"  #: dwelling completions [count]
PLANS = "plans"  #: education, health and care plans [count]
KIND = "kind"  #: "actual" | "derived" | "forecast" | "projected" | "supplied" [str]
SOURCE = "source"  #: provenance label of a row [str]
DISTRICT = "district"  #: ONS local authority district code [str]
AUTHORITY = "authority"  #: local authority (education) code, e.g. E10000034 [str]

# ---------------------------------------------------------------------------
# Year groups
# ---------------------------------------------------------------------------
NCY_MIN = -2
NCY_MAX = 14
NCY_RECEPTION = 0

NCY_LABELS = FrozenDict({-2: "N1", -1: "N2", 0: "R", **{g: f"Y{g}" for g in range(1, NCY_MAX + 1)}})


_NCY_TEXT = re.compile(r"(?:year|yr|y|ncy)\s*(\d{1,2})", re.IGNORECASE)
_NCY_WORDS = {"r": 0, "rec": 0, "reception": 0, "n1": -2, "n2": -1}
#: Reception as schools write it after "Year": "Year R", "YR", "Yr R", "Year Reception" (a
#: Telford and Wrekin trial's offers export)
_NCY_RECEPTION_TEXT = re.compile(r"(?:year|yr|y)\s*(?:r|rec|reception)", re.IGNORECASE)


def parse_ncy_label(value) -> int | None:
    """The year group of a label as exports write it (``"Year 7"``, ``"Y7"``, ``"Yr 7"``,
    ``"R"``, ``"Reception"``, ``"Year R"``, ``"YR"``, ``"N1"``, ``"N2"``), or None for anything else (numbers
    included: they are read as numbers)."""
    s = str(value).strip()
    if s.lower() in _NCY_WORDS:
        return _NCY_WORDS[s.lower()]
    if _NCY_RECEPTION_TEXT.fullmatch(s):
        return 0
    m = _NCY_TEXT.fullmatch(s)
    return int(m.group(1)) if m else None


_ACADEMIC_YEAR = re.compile(r"((?:19|20)\d\d)\s*[/-]\s*(\d\d|(?:19|20)\d\d)")


def parse_academic_year_label(value) -> int | None:
    """The start year of an academic-year label (``"2022/23"``, ``"2022-23"``,
    ``"2022/2023"`` -> 2022), or None when ``value`` is not such a label or its second year
    does not follow the first (``"2022/24"``)."""
    m = _ACADEMIC_YEAR.fullmatch(str(value).strip())
    if not m:
        return None
    start, end = int(m.group(1)), m.group(2)
    return start if int(end) == ((start + 1) % 100 if len(end) == 2 else start + 1) else None


def ncy_label(ncy: int) -> str:
    """Return the short label of a year group (``0 -> "R"``, ``7 -> "Y7"``, ``-1 -> "N2"``)."""
    return NCY_LABELS[int(ncy)]


def ncy_words(ncy: int) -> str:
    """A year group in words, for sentences: ``0 -> "Reception"``, ``7 -> "Year 7"``,
    ``-1 -> "Nursery 2"``."""
    g = int(ncy)
    return "Reception" if g == 0 else f"Nursery {g + 3}" if g < 0 else f"Year {g}"


# ---------------------------------------------------------------------------
# Phases, as the DfE counts them (by year group)
# ---------------------------------------------------------------------------
PHASES = ("primary", "secondary", "sixth_form")
PHASE_NCY = FrozenDict(
    {
        "primary": tuple(range(0, 7)),
        "secondary": tuple(range(7, 12)),
        "sixth_form": (12, 13),
    }
)

_NCY_TO_PHASE = {g: p for p, gs in PHASE_NCY.items() for g in gs}


def phase_of_ncy(ncy: int | np.ndarray) -> str | np.ndarray:
    """Return the DfE phase of a year group (or an array of them); ``None`` outside R-Y13."""
    if np.ndim(ncy) == 0:
        return _NCY_TO_PHASE.get(int(ncy))
    return np.array([_NCY_TO_PHASE.get(int(g)) for g in np.asarray(ncy)], dtype=object)


# ---------------------------------------------------------------------------
# School phases (kinds of school) and tier structures
# ---------------------------------------------------------------------------
#: Kind of school -> year groups it teaches (default ranges; a school may differ).
SCHOOL_PHASES = FrozenDict(
    {
        "primary": tuple(range(0, 7)),
        "secondary": tuple(range(7, 14)),
        "first": tuple(range(0, 5)),
        "middle": tuple(range(5, 9)),
        "high": tuple(range(9, 14)),
        "all_through": tuple(range(0, 14)),
        "special": tuple(range(0, 14)),
        "nursery": (-2, -1),
    }
)


@dataclass(frozen=True)
class TierStructure:
    """Which kind of school teaches which year groups in a planning area.

    Parameters
    ----------
    name : str
        ``"two_tier"`` or ``"three_tier"`` (or a custom name).
    tiers : tuple of (str, tuple of int)
        Ordered (school kind, year groups) pairs that partition R-Y13.
    """

    name: str
    tiers: tuple[tuple[str, tuple[int, ...]], ...]

    def tier_of(self, ncy: int) -> str:
        """Return the kind of school that teaches year group ``ncy``."""
        for tier, groups in self.tiers:
            if ncy in groups:
                return tier
        raise KeyError(f"year group {ncy} is not taught in tier structure {self.name!r}")

    @property
    def tier_names(self) -> tuple[str, ...]:
        return tuple(t for t, _ in self.tiers)

    def mapping(self) -> dict[int, str]:
        """Return ``{ncy: tier}`` for every year group the structure covers."""
        return {g: t for t, gs in self.tiers for g in gs}


TWO_TIER = TierStructure(
    "two_tier", (("primary", tuple(range(0, 7))), ("secondary", tuple(range(7, 14))))
)
THREE_TIER = TierStructure(
    "three_tier",
    (
        ("first", tuple(range(0, 5))),
        ("middle", tuple(range(5, 9))),
        ("high", tuple(range(9, 14))),
    ),
)
TIER_STRUCTURES = FrozenDict({t.name: t for t in (TWO_TIER, THREE_TIER)})


# ---------------------------------------------------------------------------
# Time
# ---------------------------------------------------------------------------
def academic_year_label(year: int) -> str:
    """Return ``"2022/23"`` for ``2022``."""
    year = int(year)
    return f"{year}/{(year + 1) % 100:02d}"


def dfe_time_period(year: int) -> str:
    """Return the DfE ``time_period`` of an academic year (``2022 -> "202223"``), the inverse
    of :func:`parse_dfe_time_period`."""
    year = int(year)
    return f"{year}{(year + 1) % 100:02d}"


def parse_dfe_time_period(value: int | str) -> int:
    """Return the start year of a DfE ``time_period`` (``202223 -> 2022``; ``2022 -> 2022``).

    Raises
    ------
    ValueError
        If the value is neither ``YYYY`` nor ``YYYYyy`` with ``yy = YYYY + 1``.
    """
    s = str(value).strip()
    if s.endswith(".0"):
        s = s[:-2]
    if len(s) == 6 and s.isdigit():
        start, end = int(s[:4]), int(s[4:])
        if (start + 1) % 100 != end:
            raise ValueError(f"time_period {value!r}: {s[4:]} does not follow {s[:4]}")
        return start
    if len(s) == 4 and s.isdigit():
        return int(s)
    raise ValueError(f"time_period {value!r} is neither YYYY nor YYYYyy (e.g. 202223)")


def year_groups_from_names(names, lo, hi):
    """Year groups of primary-phase schools read from their names, where the DfE capacity file
    gives only the phase ('PS' covers primary and first schools alike): a school named as a
    first school (not "first and middle", and not a primary, infant or junior school or
    "First Steps") teaches Reception-Year 4; a first-and-middle school's primary row (phase
    'MP', Years 5-6) starts at Reception; an infant school (not "infant and junior") teaches
    Reception-Year 2 and a junior school Years 3-6.

    Parameters
    ----------
    names : sequence of str
        School names.
    lo, hi : array-like of int
        The rows' first and last year groups as the file's phase gives them.

    Returns
    -------
    (ndarray, ndarray, ndarray of bool)
        The first and last year groups, and which rows were changed.
    """
    named = pd.Series(list(names), dtype="string").fillna("")
    lo = np.asarray(lo, dtype=int).copy()
    hi = np.asarray(hi, dtype=int).copy()
    # "First" as a kind of school, not "First Steps Primary" (any case)
    is_first = (
        named.str.contains(r"(?i)\bfirst\b", regex=True)
        & ~named.str.contains(
            r"(?i)\b(?:primary|infants?|juniors?)\b|\bfirst\s+steps\b", regex=True
        )
    ).to_numpy(dtype=bool)
    is_middle = named.str.contains(r"(?i)\bmiddle\b", regex=True).to_numpy(dtype=bool)
    first = is_first & ~is_middle & (lo == NCY_RECEPTION) & (hi == 6)
    both = is_first & is_middle & (lo == 5)
    # an infant school (not "infant and junior") teaches R-Y2, a junior school Y3-Y6
    is_infant = named.str.contains(
        r"(?i)\binfants?'?\s+(?:and\s+nursery\s+)?(?:school|academy)\b", regex=True
    ).to_numpy(dtype=bool)
    is_junior = named.str.contains(r"(?i)\bjuniors?'?\s+(?:school|academy)\b", regex=True).to_numpy(
        dtype=bool
    )
    other = named.str.contains(
        r"(?i)\b(?:primary|senior|infants?\s+and\s+juniors?|"
        r"juniors?\s+and\s+infants?)\b",
        regex=True,
    ).to_numpy(dtype=bool)
    is_infant &= ~other
    is_junior &= ~other
    full = (lo == NCY_RECEPTION) & (hi == 6)
    infant = is_infant & ~is_junior & full
    junior = is_junior & ~is_infant & full
    hi[first] = 4
    lo[both] = NCY_RECEPTION
    hi[infant] = 2
    lo[junior] = 3
    return lo, hi, first | both | infant | junior


def named_year_groups(schools: pd.DataFrame) -> pd.DataFrame:
    """A capacity table with its primary rows' year groups from the schools' names, a copy:
    :func:`year_groups_from_names` over the table (first, first-and-middle, infant and junior
    schools, which the capacity file codes R-Y6 like any primary school), ``ncy_named``
    marking the rows changed. The inputs of a model with split areas and the report's area
    pages and Capacity sheet all read it, so they agree."""
    out = schools.copy()
    named = (
        np.array(out["ncy_named"].fillna(False).astype(bool), dtype=bool)
        if "ncy_named" in out
        else np.zeros(len(out), bool)
    )
    if {"ncy_min", "ncy_max"} <= set(out.columns):
        # primary rows whose year groups are known (a missing one stays missing)
        pri = (
            (out[PHASE] == "primary") & out["ncy_min"].notna() & out["ncy_max"].notna()
        ).to_numpy()
        names = (out["school_name"] if "school_name" in out else out[SCHOOL]).astype(str)
        lo, hi, changed = year_groups_from_names(
            names[pri], out.loc[pri, "ncy_min"], out.loc[pri, "ncy_max"]
        )
        out.loc[pri, "ncy_min"], out.loc[pri, "ncy_max"] = lo, hi
        named[pri] |= np.asarray(changed, bool)
    out["ncy_named"] = named
    return out
