"""Readers for funded early education take-up (DfE) and ONS population by single year of age.

* ``early_years_funded_takeup_2016_2019.csv`` (:func:`read_early_years_takeup`): one row per
  LA, wide columns ``<age_group>_number_<YYYY>`` and ``<age_group>_Percent_<YYYY>`` (January
  counts). Returned long in the ``early_years_takeup`` schema: ``area, year`` (calendar year of
  the January count), ``age_group`` (``two_year_olds`` | ``three_and_four_year_olds``),
  ``children`` [count] (where published) and ``takeup`` [fraction of eligible children].
  Take-up above 1 is published (children funded by an LA other than their home LA) and kept.
* ``ons_mye_2011_single_year_of_age.csv`` (:func:`read_ons_population`): ONS mid-2011
  population by district, sex and single year of age (Nomis ``C_AGE`` 101 = age 0 ... 191 =
  90+). Returned long: ``area`` (district), ``year`` (2011), ``sex``, ``age``, ``population``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from .. import nomenclature as nc
from ..exceptions import SchemaError
from ..schema import Column, Schema, raise_rows_error, validate_frame
from ._common import (
    Loaded,
    Provenance,
    numeric_with_markers,
    read_csv_checked,
    require_columns,
    sha256_of,
)

__all__ = ["POPULATION_SCHEMA", "read_early_years_takeup", "read_ons_population", "AGE_GROUPS"]

logger = logging.getLogger(__name__)

AGE_GROUPS = ("two_year_olds", "three_and_four_year_olds")
_WIDE = re.compile(
    r"^(two_year_olds|three_and_four_year_olds)_(number|percent)_(\d{4})$", re.IGNORECASE
)
#: any column in the wide layout, known age group or not
_WIDE_ANY = re.compile(r"^(.+)_(number|percent)_(\d{4})$", re.IGNORECASE)
_AREA_RE = re.compile(r"^E\d{8}$")

#: Population by area, year, sex and single year of age.
POPULATION_SCHEMA = Schema(
    "population",
    (
        Column(nc.AREA, "str", "", True, "ONS district (or authority) code"),
        Column(nc.YEAR, "int", "mid-year", True, "population at 30 June of `year`"),
        Column("sex", "int", "", True, "1 male, 2 female"),
        Column("age", "int", "years", True, "single year of age (90 = 90 and over)"),
        Column("population", "float", "people [count]", True, "usual residents", True),
        Column(nc.SOURCE, "str", "", False, "provenance label"),
    ),
    key=(nc.AREA, nc.YEAR, "sex", "age"),
    description="Population by single year of age (ONS mid-year estimates)",
    area_column=nc.AREA,
)


def _check_area(
    raw: pd.DataFrame, column: str, source: str, known_areas: Iterable[str] | None
) -> None:
    codes = raw[column].astype("string").str.strip()
    bad = ~codes.str.match(_AREA_RE).fillna(False).to_numpy(dtype=bool)
    if known_areas is not None:
        bad |= ~codes.isin(set(known_areas)).fillna(False).to_numpy(dtype=bool)
    if bad.any():
        raise_rows_error(
            source,
            column,
            raw,
            bad,
            "unknown area code",
            "an ONS/DfE area code like E10000034"
            + (" among the known areas" if known_areas is not None else ""),
        )


#: highest take-up percentage read as such (the published rates reach 107%)
MAX_TAKEUP_PERCENT = 150


def read_early_years_takeup(
    path: str | Path,
    *,
    authorities: Iterable[str] | None = None,
    known_areas: Iterable[str] | None = None,
) -> Loaded:
    """Read funded early education take-up (``early_years_funded_takeup_2016_2019.csv`` layout).

    Parameters
    ----------
    path : path-like
        The published CSV (one row per LA).
    authorities : iterable of str, optional
        LA codes (``LA_Code``) to keep.
    known_areas : iterable of str, optional
        Valid LA codes; a row with any other raises.

    Returns
    -------
    Loaded
        ``early_years_takeup`` table: ``area, year`` (January count, calendar year),
        ``age_group``, ``children`` [count] (missing where not published), ``takeup``
        [fraction = percent / 100].

    Raises
    ------
    SchemaError
        Missing ``LA_Code`` or no ``*_Percent_YYYY`` columns; a non-numeric or negative value;
        a duplicate LA; an impossible year; an unknown area code.
    """
    source = str(path)
    raw = read_csv_checked(path)
    require_columns(raw, ["LA_Code"], source, "the DfE funded early education take-up file")
    unknown = [c for c in raw.columns if _WIDE_ANY.match(c) and not _WIDE.match(c)]
    if unknown:
        groups = sorted({_WIDE_ANY.match(c).group(1) for c in unknown})
        raise SchemaError(
            f"{source}: line 1 (header): column(s) {', '.join(map(repr, unknown[:5]))}"
            f"{' ...' if len(unknown) > 5 else ''}: unknown age group(s) "
            f"{', '.join(map(repr, groups))}; expected 'two_year_olds' or "
            "'three_and_four_year_olds' (columns like 'two_year_olds_Percent_2019'). Rename the "
            "column(s): an age group no later step knows would be left out of every total."
        )
    wide = {c: _WIDE.match(c) for c in raw.columns}
    wide = {c: m for c, m in wide.items() if m}
    if not any(m.group(2).lower() == "percent" for m in wide.values()):
        raise SchemaError(
            f"{source}: no take-up columns like 'two_year_olds_Percent_2019'; this does not "
            f"look like the DfE funded early education take-up file. Found columns: "
            f"{', '.join(c for c in raw.columns if c != '_line')}."
        )
    _check_area(raw, "LA_Code", source, known_areas)
    dup = raw["LA_Code"].duplicated(keep=False).to_numpy()
    if dup.any():
        raise_rows_error(source, "LA_Code", raw, dup, "duplicate key", "one row per LA")
    if authorities is not None:
        raw = raw[raw["LA_Code"].str.strip().isin(set(authorities)).to_numpy()]
    markers = 0
    values: dict[tuple[str, int], dict[str, np.ndarray]] = {}
    for col, m in wide.items():
        year = int(m.group(3))
        if not 2000 <= year <= 2100:
            raise SchemaError(
                f"{source}: column {col!r}: impossible year {year}; expected a "
                "year between 2000 and 2100."
            )
        v, k = numeric_with_markers(raw, col, source, "a count of children or a percentage")
        markers += k
        if m.group(2).lower() == "percent":
            # the DfE's rates can pass 100% a little (children counted where they attend,
            # the population where it lives: Solihull 107% in 2016), not by half again
            over = np.nan_to_num(v, nan=0.0) > MAX_TAKEUP_PERCENT
            if over.any():
                raise_rows_error(
                    source,
                    col,
                    raw,
                    over,
                    f"a take-up over {MAX_TAKEUP_PERCENT}%",
                    f"a percentage of the age group, at most {MAX_TAKEUP_PERCENT} "
                    "(the DfE's rates pass 100 only a little, where children "
                    "attend outside the authority they live in); a count of "
                    "children belongs in the _number_ column",
                )
        values.setdefault((m.group(1).lower(), year), {})[m.group(2).lower()] = v
    parts = []
    for (group, year), d in sorted(values.items()):
        if "percent" not in d:
            continue
        parts.append(
            pd.DataFrame(
                {
                    nc.AREA: raw["LA_Code"].str.strip().to_numpy(),
                    nc.YEAR: year,
                    "age_group": group,
                    "children": d.get("number", np.full(len(raw), np.nan)),
                    "takeup": d["percent"] / 100.0,
                    "_line": raw["_line"].to_numpy(),
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True)
    frame = frame[np.isfinite(frame["takeup"].to_numpy())].assign(**{nc.SOURCE: Path(path).name})
    data = validate_frame(frame, "early_years_takeup", source, year_range=(2000, 2100))
    note = (
        "January counts (calendar year); takeup = published percent / 100 (may exceed 1: "
        "children funded outside their home LA)"
    )
    if markers:
        note += f"; {markers} DfE marker value(s) (x/c/z) treated as missing"
    prov = Provenance(
        "early_years_takeup",
        source,
        sha256_of(path),
        "read_early_years_takeup",
        len(data),
        (int(data[nc.YEAR].min()), int(data[nc.YEAR].max())),
        "actual",
        "DfE, Education provision: children under 5",
        note,
    )
    return Loaded(data, (prov,))


def read_ons_population(
    path: str | Path,
    *,
    areas: Iterable[str] | None = None,
    year: int = 2011,
    known_areas: Iterable[str] | None = None,
) -> Loaded:
    """Read ONS population by single year of age (Nomis ``NM_2002_1`` extract layout).

    Parameters
    ----------
    path : path-like
        CSV with ``GEOGRAPHY_CODE, GENDER, C_AGE, OBS_VALUE`` (``C_AGE`` 101 = age 0 ...
        191 = 90+).
    areas : iterable of str, optional
        District codes to keep.
    year : int
        Mid-year of the estimates (2011 for the embedded file).
    known_areas : iterable of str, optional
        Valid district codes; a row with any other raises.

    Returns
    -------
    Loaded
        Table in :data:`POPULATION_SCHEMA`: ``area, year, sex, age, population`` [count].
    """
    source = str(path)
    raw = read_csv_checked(path)
    require_columns(
        raw,
        ["GEOGRAPHY_CODE", "GENDER", "C_AGE", "OBS_VALUE"],
        source,
        "an ONS population by single year of age extract (Nomis)",
    )
    _check_area(raw, "GEOGRAPHY_CODE", source, known_areas)
    c_age, _ = numeric_with_markers(raw, "C_AGE", source, "a Nomis age code 101..191")
    bad = np.isnan(c_age) | (c_age < 101) | (c_age > 191) | (c_age != np.round(c_age))
    if bad.any():
        raise_rows_error(
            source,
            "C_AGE",
            raw,
            bad,
            "age code out of range",
            "a Nomis age code from 101 (age 0) to 191 (90 and over)",
        )
    pop, markers = numeric_with_markers(raw, "OBS_VALUE", source, "a population count")
    if markers:
        raise_rows_error(
            source,
            "OBS_VALUE",
            raw,
            np.isnan(pop),
            "missing population",
            "a population count for every district, sex and age",
        )
    frame = pd.DataFrame(
        {
            nc.AREA: raw["GEOGRAPHY_CODE"].str.strip().to_numpy(),
            nc.YEAR: int(year),
            "sex": raw["GENDER"].to_numpy(),
            "age": (c_age - 101).astype("int64"),
            "population": pop,
            nc.SOURCE: Path(path).name,
            "_line": raw["_line"].to_numpy(),
        }
    )
    if areas is not None:
        frame = frame[frame[nc.AREA].isin(set(areas)).to_numpy()]
    data = validate_frame(frame, POPULATION_SCHEMA, source, year_range=(1950, 2100))
    badsex = ~data["sex"].isin([1, 2]).to_numpy()
    if badsex.any():
        raise_rows_error(
            source, "GENDER", frame, badsex, "unknown sex code", "1 (male) or 2 (female)"
        )
    prov = Provenance(
        "population",
        source,
        sha256_of(path),
        "read_ons_population",
        len(data),
        (int(year),),
        "actual",
        "ONS mid-year population estimates (Nomis NM_2002_1)",
        "C_AGE 101..191 -> age 0..90 (90 = 90 and over)",
    )
    return Loaded(data, (prov,))
