"""Reader for a known intake (``[data.intake]``): pupils the analyst expects in forecast years.

By spring an authority knows its next September's Reception and Year 7 from the admissions
offers of national offer day, which public data do not have. A known intake gives them to the
forecast: each row is the expected pupils on roll (January census basis, housing pupils
included) of one planning area, forecast year and year group, and replaces the model's
central figure there (:meth:`sufficiency.forecast.CohortModel.predict`, keyword ``known``).

Layout (tidy CSV, one row per area x year x year group)::

    area,year,ncy,pupils,pupils_lower,pupils_upper
    8850031,2023,0,512,495,525

``year`` is the academic year by its start, as in the pupils data (``2023`` or ``2023/24``:
the September 2023 intake, counted in the January 2024 census); ``ncy`` a year group
(``0``, ``R``, ``Year 7``). ``pupils_lower``/``pupils_upper`` (the first coverage, 80% by
default) and ``pupils_lower_95``/``pupils_upper_95`` are optional bounds; blank bounds in a
row mean none given for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from .. import nomenclature as nc
from .._values import plural
from ..exceptions import SchemaError
from ..schema import Column, Schema, raise_rows_error, validate_frame
from ._common import Loaded, Provenance, read_csv_checked, require_columns, sha256_of

__all__ = ["INTAKE_SCHEMA", "BOUND_COLUMNS", "read_intake", "check_intake", "late_rows_message"]

#: the optional bound columns, in pairs (lower, upper): first coverage, then second
BOUND_COLUMNS = (("pupils_lower", "pupils_upper"), ("pupils_lower_95", "pupils_upper_95"))

#: the file line of each row, carried through validation for the messages of later checks
_LINE = "line"

INTAKE_SCHEMA = Schema(
    "intake",
    (
        Column(nc.AREA, "str", "", True, "planning area id"),
        Column(nc.YEAR, "int", "academic year start", True, "forecast year: 2026 = 2026/27"),
        Column(nc.NCY, "int", "year group", True, "Reception = 0, Year 7 = 7"),
        Column(nc.PUPILS, "float", "pupils [count]", True, "expected pupils on roll", True),
        Column("pupils_lower", "float", "pupils [count]", False, "lower bound (80%)", True),
        Column("pupils_upper", "float", "pupils [count]", False, "upper bound (80%)", True),
        Column("pupils_lower_95", "float", "pupils [count]", False, "lower bound (95%)", True),
        Column("pupils_upper_95", "float", "pupils [count]", False, "upper bound (95%)", True),
        Column(nc.SOURCE, "str", "", False, "provenance label"),
        Column(_LINE, "int", "", False, "file line (added by the reader)"),
    ),
    key=(nc.AREA, nc.YEAR, nc.NCY),
    description=(
        "Known intake: expected pupils on roll (January census basis, housing included) by "
        "planning area, forecast year and year group ([data.intake])"
    ),
    area_column=nc.AREA,
)

_COLUMNS = [c.name for c in INTAKE_SCHEMA.columns if c.name != _LINE]


def _taught_text(taught: Mapping[str, Iterable[int]], area: str) -> str:
    g = sorted(int(x) for x in taught.get(area, ()))
    if not g:
        return "none"
    return f"{nc.ncy_label(g[0])}-{nc.ncy_label(g[-1])}" if len(g) > 1 else nc.ncy_label(g[0])


def check_intake(
    frame: pd.DataFrame,
    source: str,
    taught: Mapping[str, Iterable[int]],
    base_year: int,
) -> pd.DataFrame:
    """Validate a known intake and return it in canonical form.

    Parameters
    ----------
    frame : DataFrame
        ``area, year, ncy, pupils`` [count] and optionally ``pupils_lower, pupils_upper,
        pupils_lower_95, pupils_upper_95`` [count] and ``source``; a ``_line`` column (file
        lines) is used in messages.
    source : str
        The file (or description) named in errors.
    taught : mapping of str to iterable of int
        ``{area: year groups}``: the planning areas and the year groups each is forecast for.
    base_year : int
        The last census year: every row must be of a later (forecast) year.

    Returns
    -------
    DataFrame
        Sorted by area, year, year group; the bound columns given, as floats (NaN where a
        row gives none).

    Raises
    ------
    SchemaError
        Naming the file, column, line(s) and value(s): a missing, blank, non-numeric or
        negative value; an unknown area; a duplicate area x year x year group; a year at or
        before the base year; a year group the area is not forecast for; one bound of a pair
        without the other; bounds that do not contain ``pupils`` (or the 80% bounds).
    """
    raw = frame.copy()
    if "_line" in raw.columns:
        raw[_LINE] = raw["_line"]
    data = validate_frame(raw, INTAKE_SCHEMA, source, known_areas=list(taught), labels=True)
    if _LINE not in data.columns:
        data[_LINE] = pd.array([pd.NA] * len(data), dtype="Int64")
    # raise_rows_error names rows by their file line where it has one
    shown = data.assign(_line=data[_LINE]) if data[_LINE].notna().all() else data
    shown = shown.drop(columns=[_LINE])

    def fail(column, mask, problem, expected, fix=""):
        raise_rows_error(
            source, column, shown, np.asarray(mask, dtype=bool), problem, expected, fix
        )

    year = data[nc.YEAR].to_numpy(dtype=int)
    past = year <= int(base_year)
    if past.any():
        fail(
            nc.YEAR,
            past,
            f"at or before the base year {nc.academic_year_label(base_year)} ({base_year})",
            f"a forecast year after it ({base_year + 1} = "
            f"{nc.academic_year_label(base_year + 1)} or later: the academic year by its start, "
            "the September intake of that year)",
            "History belongs in the pupils data, not in the known intake.",
        )
    pairs = pd.MultiIndex.from_tuples(
        [(str(a), int(g)) for a, gs in taught.items() for g in gs], names=[nc.AREA, nc.NCY]
    )
    cells = pd.MultiIndex.from_arrays(
        [data[nc.AREA].astype(str).to_numpy(), data[nc.NCY].to_numpy(dtype=int)]
    )
    off = ~cells.isin(pairs)
    if off.any():
        first = str(data.loc[off, nc.AREA].iloc[0])
        fail(
            nc.NCY,
            off,
            f"a year group area {first} is not forecast for",
            f"one of its year groups ({_taught_text(taught, first)}; an area teaches its "
            "phase's year groups, or its year_groups)",
            "Give the row to the area whose schools teach that year group.",
        )
    pupils = data[nc.PUPILS].to_numpy(dtype=float)
    inner_lo, inner_hi = pupils, pupils
    for lo, hi in BOUND_COLUMNS:
        if lo not in data.columns and hi not in data.columns:
            continue
        for c in (lo, hi):
            if c not in data.columns:
                data[c] = np.nan
        has_lo, has_hi = data[lo].notna().to_numpy(), data[hi].notna().to_numpy()
        for c, other, half in ((hi, lo, has_lo & ~has_hi), (lo, hi, has_hi & ~has_lo)):
            if half.any():
                fail(c, half, f"blank where {other} is given", "both bounds of a row, or neither")
        vlo, vhi = data[lo].to_numpy(dtype=float), data[hi].to_numpy(dtype=float)
        what = "pupils" if lo == "pupils_lower" else "pupils and the 80% bounds"
        above = has_lo & (vlo > inner_lo + 1e-9)
        if above.any():
            fail(lo, above, f"above {what}", f"a lower bound <= {what} of its row")
        below = has_hi & (vhi < inner_hi - 1e-9)
        if below.any():
            fail(hi, below, f"below {what}", f"an upper bound >= {what} of its row")
        inner_lo = np.where(has_lo, vlo, inner_lo)
        inner_hi = np.where(has_hi, vhi, inner_hi)
    return data.drop(columns=[_LINE]).reset_index(drop=True)


def late_rows_message(
    intake: pd.DataFrame, source: str, base_year: int, horizon: int
) -> str | None:
    """The warning for rows of a known intake after the forecast's last year (not used by a
    forecast of that horizon), or None when there are none."""
    last = int(base_year) + int(horizon)
    late = intake[intake[nc.YEAR].to_numpy(dtype=int) > last]
    if late.empty:
        return None
    shown = ", ".join(
        f"{a} {nc.ncy_label(g)} {nc.academic_year_label(y)}"
        for a, y, g in late[[nc.AREA, nc.YEAR, nc.NCY]].head(5).itertuples(index=False)
    )
    return (
        f"{source}: column 'year': {plural(len(late), 'row')} after the forecast's last year "
        f"{nc.academic_year_label(last)} ({last}, horizon {horizon}): {shown}"
        f"{' and more' if len(late) > 5 else ''}; ignored by a forecast of that horizon. "
        "Check the years are academic years by their start (2026 = 2026/27), or lengthen "
        "the horizon"
    )


def _check_no_total_row(raw: pd.DataFrame, source: str) -> None:
    """A total row below the data (area ``Total``, or a figure with no area, year or year
    group) is an error that says what it is and to delete it, before the column checks call
    it an unknown area or a blank year."""
    area = raw[nc.AREA].astype("string").str.strip().fillna("")
    keys = [c for c in (nc.YEAR, nc.NCY) if c in raw.columns]
    # no area and no year or year group: a figure that belongs to no one cell (a row with an
    # area and only its year left blank is a missing value, said as such by the checks)
    blank_keys = (area == "") & raw[keys].apply(
        lambda c: c.isna() | (c.astype("string").str.strip() == "")
    ).any(axis=1)
    named = area.str.fullmatch(r"(?i)(grand\s+)?(sub\s*)?totals?\b.*").fillna(False)
    has_pupils = raw[nc.PUPILS].notna() & (raw[nc.PUPILS].astype("string").str.strip() != "")
    total = (named | (blank_keys & has_pupils)).to_numpy(dtype=bool)
    if not total.any():
        return
    rows = raw.loc[total]
    lines = rows["_line"].tolist() if "_line" in rows.columns else list(np.flatnonzero(total) + 2)
    shown = ", ".join(
        f"line {ln} (area {str(a).strip() if pd.notna(a) and str(a).strip() else 'blank'}, "
        f"pupils {str(v).strip() if pd.notna(v) else 'blank'})"
        for ln, a, v in zip(lines[:5], rows[nc.AREA], rows[nc.PUPILS])
    )
    raise SchemaError(
        f"{source}: column 'area': "
        + ("1 row looks like a total" if len(rows) == 1 else f"{len(rows)} rows look like totals")
        + f", not a planning area's figure: {shown}{' and more' if len(rows) > 5 else ''}; "
        "expected one row per planning area, year and year group (area, year and ncy all "
        "given). Delete the total row: the forecast adds up the areas itself."
    )


def read_intake(
    path: str | Path,
    taught: Mapping[str, Iterable[int]],
    base_year: int,
    *,
    note: str = "",
) -> Loaded:
    """Read a known intake CSV (``[data.intake]``).

    Parameters
    ----------
    path : path-like
        CSV with columns ``area, year, ncy, pupils`` and optionally the bound columns
        (:data:`BOUND_COLUMNS`) and ``source``.
    taught : mapping of str to iterable of int
        ``{area: year groups}`` of the model's planning areas.
    base_year : int
        The last census year (the forecast's origin).
    note : str
        The provenance note (the model definition's ``source`` text).

    Returns
    -------
    Loaded
        The checked table (:func:`check_intake`) and its provenance (kind ``supplied``).

    Raises
    ------
    SchemaError
        As :func:`check_intake`, and for a file that is not a CSV with those columns.
    """
    source = str(path)
    raw = read_csv_checked(path, columns=_COLUMNS)
    require_columns(raw, INTAKE_SCHEMA.required, source, "a known intake table")
    _check_no_total_row(raw, source)
    data = check_intake(raw, source, taught, base_year)
    years = (int(data[nc.YEAR].min()), int(data[nc.YEAR].max()))
    prov = Provenance(
        "intake",
        source,
        sha256_of(path),
        "read_intake",
        len(data),
        years,
        "supplied",
        "local authority (known intake)",
        note,
    )
    return Loaded(data, (prov,))
