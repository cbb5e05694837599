"""Table schemas as data, and the one :func:`validate_frame` every reader uses.

A schema lists its columns (name, dtype, unit, required, description), its key (the columns
that identify a row) and the checks that apply (non-negative counts, NCY in range, contiguous
years). Errors name the file, the column, the first offending rows and what was expected.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import nomenclature as nc
from ._frozen import FrozenDict
from ._values import did_you_mean_code, first_few
from .exceptions import SchemaError

__all__ = ["Column", "Schema", "SCHEMAS", "validate_frame", "raise_rows_error"]

logger = logging.getLogger(__name__)

_MAX_ROWS_SHOWN = 5


@dataclass(frozen=True)
class Column:
    """One column of a table schema.

    Parameters
    ----------
    name : str
        Canonical column name (see :mod:`sufficiency.nomenclature`).
    dtype : {"str", "int", "float", "bool"}
        Logical type. Counts are ``float`` so that apportioned (derived) values fit.
    unit : str
        Unit in words, e.g. ``"pupils [count]"``.
    required : bool
        Whether the column must be present.
    description : str
        What the column holds.
    nonnegative : bool
        Whether values must be >= 0.
    values : tuple of str
        For a category column, the values allowed (empty: any). A value that differs only in
        case or surrounding spaces is read as the allowed one (logged); any other raises.
    """

    name: str
    dtype: str
    unit: str = ""
    required: bool = True
    description: str = ""
    nonnegative: bool = False
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Schema:
    """Schema of a canonical table: columns, key and checks."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    description: str = ""
    contiguous_years: bool = False
    area_column: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def to_frame(self) -> pd.DataFrame:
        """Return the schema as a table (for documentation and ``sufficiency data``)."""
        return pd.DataFrame(
            [
                {
                    "column": c.name,
                    "dtype": c.dtype,
                    "unit": c.unit,
                    "required": c.required,
                    "key": c.name in self.key,
                    "description": c.description,
                }
                for c in self.columns
            ]
        )


def _c(name, dtype, unit="", required=True, description="", nonnegative=False, values=()) -> Column:
    return Column(name, dtype, unit, required, description, nonnegative, tuple(values))


_KIND = _c(nc.KIND, "str", "", False, "actual | derived | forecast | projected")
_SOURCE = _c(nc.SOURCE, "str", "", False, "provenance label")

SCHEMAS: Mapping[str, Schema] = FrozenDict(
    {
        "pupils": Schema(
            "pupils",
            (
                _c(nc.AREA, "str", "", True, "planning area or authority id"),
                _c(nc.YEAR, "int", "academic year start", True, "2022 = 2022/23"),
                _c(nc.NCY, "int", "year group", True, "Reception = 0, Year 1..14 = 1..14"),
                _c(nc.PUPILS, "float", "pupils [count]", True, "pupils on roll", True),
                _KIND,
                _SOURCE,
            ),
            key=(nc.AREA, nc.YEAR, nc.NCY),
            description="Pupils on roll (January census) by area, year and year group",
            contiguous_years=True,
            area_column=nc.AREA,
        ),
        "births": Schema(
            "births",
            (
                _c(nc.AREA, "str", "", True, "district, planning area or authority id"),
                _c(nc.YEAR, "int", "mid-year", True, "births in the 12 months to mid-year"),
                _c(nc.BIRTHS, "float", "births [count]", True, "live births", True),
                _KIND,
                _SOURCE,
            ),
            key=(nc.AREA, nc.YEAR),
            description="Live births in the 12 months to 1 July of `year` (ONS mid-year)",
            contiguous_years=True,
            area_column=nc.AREA,
        ),
        "capacity": Schema(
            "capacity",
            (
                _c(nc.SCHOOL, "str", "", True, "school id (DfE LAEstab)"),
                _c("school_name", "str", "", False, "school name"),
                _c(nc.AREA, "str", "", True, "planning area id"),
                _c(
                    nc.PHASE,
                    "str",
                    "",
                    True,
                    "primary | secondary (DfE phase of places)",
                    values=("primary", "secondary"),
                ),
                _c("ncy_min", "int", "year group", True, "lowest year group taught"),
                _c("ncy_max", "int", "year group", True, "highest year group taught"),
                _c(nc.CAPACITY, "float", "places", True, "net capacity for this phase", True),
                _c(nc.PAN, "float", "places", False, "admission number per year group", True),
                _c(nc.ROLL, "float", "pupils [count]", False, "pupils on roll", True),
                _c(nc.YEAR, "int", "academic year start", False, "year the figure refers to"),
                _SOURCE,
            ),
            key=(nc.SCHOOL, nc.PHASE),
            description="School capacity by phase of places (a middle school has two rows)",
            area_column=nc.AREA,
        ),
        "lookup": Schema(
            "lookup",
            (
                _c(nc.DISTRICT, "str", "", True, "ONS district code"),
                _c("district_name", "str", "", False, "district name"),
                _c(nc.AREA, "str", "", True, "area the district belongs to"),
                _c("area_name", "str", "", False, "area name"),
            ),
            key=(nc.DISTRICT, nc.AREA),
            description="District -> area lookup for aggregating births",
        ),
        "housing": Schema(
            "housing",
            (
                _c(nc.AREA, "str", "", True, "planning area id"),
                _c(nc.YEAR, "int", "academic year start", True, "year of completion"),
                _c(nc.DWELLINGS, "float", "dwellings [count]", True, "completions", True),
                _c("site", "str", "", False, "development site"),
                _SOURCE,
            ),
            key=(nc.AREA, nc.YEAR, "site"),
            description="Dwelling completions (housing trajectory) by area and year",
            area_column=nc.AREA,
        ),
        "ehc_plans": Schema(
            "ehc_plans",
            (
                _c(nc.AREA, "str", "", True, "authority id"),
                _c(nc.YEAR, "int", "academic year start", True, "January census year - 1"),
                _c("age", "str", "", True, "single year of age or age band"),
                _c("placement", "str", "", True, "type of placement or 'all'"),
                _c("need", "str", "", True, "primary need or 'all'"),
                _c(nc.PLANS, "float", "plans [count]", True, "EHC plans", True),
                _SOURCE,
            ),
            key=(nc.AREA, nc.YEAR, "age", "placement", "need"),
            description="Education, health and care plans",
            area_column=nc.AREA,
        ),
        "early_years_takeup": Schema(
            "early_years_takeup",
            (
                _c(nc.AREA, "str", "", True, "authority id"),
                _c(nc.YEAR, "int", "calendar year", True, "January of the count"),
                _c(
                    "age_group",
                    "str",
                    "",
                    True,
                    "two_year_olds | three_and_four_year_olds",
                    values=("two_year_olds", "three_and_four_year_olds"),
                ),
                _c("children", "float", "children [count]", False, "children taking up", True),
                _c("takeup", "float", "fraction", True, "share of eligible children", True),
                _SOURCE,
            ),
            key=(nc.AREA, nc.YEAR, "age_group"),
            description="Take-up of funded early education",
            area_column=nc.AREA,
        ),
    }
)


def _head(frame: pd.DataFrame, mask: np.ndarray, columns: Iterable[str] | None = None) -> str:
    rows = frame.loc[mask]
    if columns is not None:
        rows = rows[[c for c in columns if c in rows.columns]]
    shown = rows.head(_MAX_ROWS_SHOWN)
    more = len(rows) - len(shown)
    text = shown.to_string(max_colwidth=40)
    if more > 0:
        text += f"\n... and {more} more row(s)"
    return text


def _row_numbers(frame: pd.DataFrame, mask: np.ndarray) -> str:
    """Describe offending rows by their file line where the reader recorded it."""
    idx = frame.index[mask]
    if "_line" in frame.columns:
        lines = frame.loc[mask, "_line"].head(_MAX_ROWS_SHOWN).tolist()
        return "line(s) " + ", ".join(str(int(x)) for x in lines)
    return "row(s) " + ", ".join(str(i) for i in idx[:_MAX_ROWS_SHOWN])


def raise_rows_error(
    source: str,
    column: str,
    frame: pd.DataFrame,
    mask: np.ndarray,
    problem: str,
    expected: str,
    fix: str = "",
    *,
    label: str | None = None,
) -> None:
    """Raise a :class:`SchemaError` naming the file, column, offending rows and expectation.

    ``label`` names the column in the message when it differs from ``column`` (the column
    as the publisher spells it, for a frame already renamed to canonical names).
    """
    mask = np.asarray(mask, dtype=bool)
    n = int(mask.sum())
    values = ""
    if column in frame.columns:
        # a blank cell is said so, not shown as the 'nan' it is read as (a Walsall trial's
        # capacity file with an emptied cell: "missing value (value(s) nan)")
        shown = [
            "blank" if pd.isna(v) or not str(v).strip() else repr(str(v))
            for v in frame.loc[mask, column]
        ]
        vals = list(dict.fromkeys(shown))[:_MAX_ROWS_SHOWN]
        values = (
            " (blank)"
            if vals == ["blank"]
            else " (value(s) " + ", ".join(vals) + ")"
            if vals
            else ""
        )
    msg = (
        f"{source}: column {label if label else repr(column)}: {problem}{values} in {n} row(s) "
        f"({_row_numbers(frame, mask)}); expected {expected}."
    )
    if fix:
        msg += f" {fix}"
    show_cols = [c for c in frame.columns if c != "_line"]
    if len(show_cols) > 10:  # wide published files: show the offending column and a few others
        show_cols = ([column] if column in show_cols else []) + [
            c for c in show_cols[:8] if c != column
        ]
    raise SchemaError(msg + "\n" + _head(frame, mask, show_cols))


def _categories(
    frame: pd.DataFrame,
    values: pd.Series,
    missing: np.ndarray,
    col: Column,
    source: str,
    label: str | None,
) -> pd.Series:
    """Check a category column against ``col.values``; fold case differences (logged).

    A value no later step knows (``Primary``, ``3-4``) would otherwise be carried as a
    category of its own and drop out of every total that selects the known ones.
    """
    allowed = {v.lower(): v for v in col.values}
    text = values.astype("string")
    folded = text.str.lower().map(allowed, na_action="ignore")
    bad = folded.isna().to_numpy(dtype=bool) & ~missing
    if bad.any():
        raise_rows_error(
            source,
            col.name,
            frame,
            bad,
            "unknown value",
            "one of " + ", ".join(repr(v) for v in col.values),
            label=label,
        )
    changed = ~missing & (folded.astype(object) != values.astype(object)).to_numpy(dtype=bool)
    if changed.any():
        pairs = sorted({(str(a), str(b)) for a, b in zip(values[changed], folded[changed])})
        logger.warning(
            "%s: column %s: %s read as %s (%d row(s), %s)",
            source,
            label or repr(col.name),
            ", ".join(repr(a) for a, _ in pairs[:5]),
            ", ".join(repr(b) for _, b in pairs[:5]),
            int(changed.sum()),
            _row_numbers(frame, changed),
        )
    return folded.astype(object).where(~missing, None)


#: thousands separators as a spreadsheet writes them: 1,234 or 12,345,678.5
_THOUSANDS = r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?"
#: columns of year groups, read from labels as ``ncy`` is (a capacity export's ``ncy_min``
#: of "R" and ``ncy_max`` of "Y6" were "non-numeric" in a Wolverhampton trial)
_NCY_COLUMNS = (nc.NCY, "ncy_min", "ncy_max")
_NUMBER_HINTS = {
    nc.YEAR: ", the start of the academic year: 2022 or 2022/23 for 2022/23",
    **dict.fromkeys(
        _NCY_COLUMNS,
        ", the year group: 0 or R for Reception, 7 or Year 7, -2/-1 or N1/N2 for nursery",
    ),
}


#: what a births ``year`` is, for a value that is not one
_MID_YEAR_HINT = (
    ", the mid-year the 12 months of births end in: 2024 for July 2023 to June 2024 (an "
    "academic year label such as 2023/24 is not read: as its start it would be a year early)"
)


def readable_numbers(values: pd.Series, column: str = "") -> pd.Series:
    """Text of numbers as spreadsheets export them, made readable by ``pd.to_numeric``.

    Thousands separators go (``"1,234"`` -> ``"1234"``); in a ``year`` column an academic
    year label becomes its start (``"2022/23"`` -> ``"2022"``), and in an ``ncy`` column a
    year-group label its number (``"Year 7"`` -> ``"7"``, ``"R"`` -> ``"0"``). Anything else,
    numbers included, is returned unchanged, so that what cannot be read still fails.
    """
    if values.dtype != object and not pd.api.types.is_string_dtype(values):
        return values
    text = values.astype("string").str.strip()
    out = text.where(
        ~text.str.fullmatch(_THOUSANDS).fillna(False), text.str.replace(",", "", regex=False)
    )
    parse = {
        nc.YEAR: nc.parse_academic_year_label,
        **dict.fromkeys(_NCY_COLUMNS, nc.parse_ncy_label),
    }.get(column)
    if parse is not None:
        uniq = out.dropna().unique()
        mapped = {v: parse(v) for v in uniq if pd.isna(pd.to_numeric(v, errors="coerce"))}
        mapped = {k: str(v) for k, v in mapped.items() if v is not None}
        if mapped:
            out = out.replace(mapped)
    return out.astype(object).where(values.notna(), values)


def _coerce(
    frame: pd.DataFrame, col: Column, source: str, label: str | None = None, labels: bool = False
) -> pd.Series:
    s = frame[col.name]
    if col.dtype == "str":
        missing = s.isna().to_numpy()
        if col.required and missing.any():
            raise_rows_error(
                source, col.name, frame, missing, "missing value", "a non-empty value", label=label
            )
        if pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty"):
            # text only: strip each distinct value once (area codes repeat a few values)
            codes, uniq = pd.factorize(s, use_na_sentinel=True)
            text = pd.Index(uniq, dtype=object).str.strip().to_numpy(dtype=object)
            out = pd.Series(
                np.take(np.append(text, None), codes), index=s.index, dtype=object
            ).where(~missing, None)
        else:  # numbers among them: 1 and 1.0 would share a code, so convert each value
            out = s.astype("string").str.strip().astype(object).where(~missing, None)
        if col.values:
            out = _categories(frame, out, missing, col, source, label)
        return out
    # births' year is the mid-year their 12 months end in: an academic year label ("2023/24")
    # read as its start put July 2023-June 2024 births at mid-2023, a year early (a trial's
    # births projection), so it is not read as one
    mid_year = col.unit == "mid-year"
    s = readable_numbers(s, col.name if labels and not mid_year else "")
    num = pd.to_numeric(s, errors="coerce")
    bad = num.isna().to_numpy() & s.notna().to_numpy()
    if bad.any():
        hint = _MID_YEAR_HINT if mid_year else _NUMBER_HINTS.get(col.name, "") if labels else ""
        raise_rows_error(
            source,
            col.name,
            frame,
            bad,
            "non-numeric value",
            f"a number ({col.unit}){hint}",
            label=label,
        )
    missing = num.isna().to_numpy()
    if col.required and missing.any():
        raise_rows_error(
            source, col.name, frame, missing, "missing value", f"a number ({col.unit})", label=label
        )
    if col.dtype == "int":
        frac = ~missing & (
            np.abs(num.to_numpy(dtype=float) - np.round(num.to_numpy(dtype=float))) > 1e-9
        )
        if frac.any():
            raise_rows_error(
                source, col.name, frame, frac, "non-integer value", "a whole number", label=label
            )
        if missing.any():
            return num.astype("Int64")
        return num.astype("int64")
    if col.dtype == "bool":
        return num.astype(bool)
    out = num.astype("float64")
    if not np.isfinite(out.to_numpy()[~missing]).all():
        badf = ~missing & ~np.isfinite(out.to_numpy())
        raise_rows_error(
            source, col.name, frame, badf, "infinite value", "a finite number", label=label
        )
    return out


def _span(years: list[int]) -> str:
    return f"{years[0]}" if len(years) == 1 else f"{years[0]}-{years[-1]}"


def _gap(present: list[int]) -> tuple[str, list[int]]:
    """Describe the first gap in sorted ``present`` years and the years whose rows to show.

    A single year standing apart from the rest (a stray ``2030`` after ``2011-2022``, or a
    ``1990`` before ``1992-2023``) is most likely a wrong value: its rows are shown. A hole
    inside the series (``2015`` missing) shows the rows on either side of it.
    """
    runs: list[list[int]] = [[present[0]]]
    for y in present[1:]:
        if y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    main = max(range(len(runs)), key=lambda i: len(runs[i]))
    holes = sorted(set(range(present[0], present[-1] + 1)) - set(present))
    hole_txt = (
        f"{holes[0]}..{holes[-1]}"
        if len(holes) > 1 and holes[-1] - holes[0] + 1 == len(holes)
        else ", ".join(map(str, holes[:10])) + (" ..." if len(holes) > 10 else "")
    )
    stray = [r for i, r in enumerate(runs) if i != main and len(r) == 1]
    if stray and len(runs) == len(stray) + 1:
        ys = [r[0] for r in stray]
        return (
            f"year(s) {', '.join(map(str, ys))} stand apart from {_span(runs[main])} "
            f"(missing {hole_txt}): a mistyped year?",
            ys,
        )
    a, b = runs[0], runs[1]
    return f"missing {hole_txt} between {a[-1]} and {b[0]}", [a[-1], b[0]]


def validate_frame(
    frame: pd.DataFrame,
    schema: Schema | str,
    source: str = "<frame>",
    *,
    known_areas: Iterable[str] | None = None,
    year_range: tuple[int, int] = (1950, 2100),
    published: Mapping[str, str] | None = None,
    labels: bool = False,
) -> pd.DataFrame:
    """Validate a table against its schema and return it in canonical form.

    Checks, in order: the frame is not empty; required columns are present; values coerce to
    the column dtypes; no missing keys; no duplicate keys; counts >= 0; NCY within
    [-2, 14]; years within ``year_range``; areas among ``known_areas`` when given; and, for
    schemas that require it, contiguous years within every area.

    Parameters
    ----------
    frame : DataFrame
        The table. A column ``_line`` (file line numbers) is used in messages and dropped.
    schema : Schema or str
        The schema, or its name in :data:`SCHEMAS`.
    source : str
        File name (or description) used in error messages.
    known_areas : iterable of str, optional
        The valid area codes; any other raises.
    year_range : (int, int)
        Inclusive range of plausible years.
    published : mapping, optional
        Canonical column -> the column as the file spells it (``{"pupils": "headcount"}``),
        so that messages name the column the user can find in the file.
    labels : bool
        Read academic-year labels in ``year`` (``"2022/23"`` -> 2022) and year-group labels in
        ``ncy``, ``ncy_min`` and ``ncy_max`` (``"Year 7"``, ``"R"``), as an authority's
        spreadsheet exports write them (the tidy readers). Thousands separators
        (``"1,234"``) are read in any case.

    Returns
    -------
    DataFrame
        Columns in schema order (optional columns only where present), canonical dtypes,
        sorted by key, with a fresh RangeIndex.

    Raises
    ------
    SchemaError
        On the first problem found, naming the file, column, offending rows and expectation.
    """
    if isinstance(schema, str):
        schema = SCHEMAS[schema]
    names = dict(published or {})

    def lab(name: str) -> str | None:
        if name in names:
            return f"{names[name]!r} (read as {name!r})"
        return None

    if frame is None or len(frame) == 0:
        raise SchemaError(
            f"{source}: the {schema.name} table is empty; expected at least one row with "
            f"columns {', '.join(schema.required)}."
        )
    missing = [c for c in schema.required if c not in frame.columns]
    if missing:
        raise SchemaError(
            f"{source}: missing required column(s) {', '.join(map(repr, missing))} for the "
            f"{schema.name} table; found columns {', '.join(map(repr, frame.columns))}. "
            f"Expected: {', '.join(schema.required)}."
        )
    out = {}
    for col in schema.columns:
        if col.name not in frame.columns:
            continue
        out[col.name] = _coerce(frame, col, source, lab(col.name), labels)
    checked = pd.DataFrame(out, index=frame.index)
    if "_line" in frame.columns:
        checked["_line"] = frame["_line"]

    for col in schema.columns:
        if col.name not in checked.columns:
            continue
        values = checked[col.name]
        if col.nonnegative:
            neg = (values.to_numpy(dtype=float, na_value=np.nan) < 0) & values.notna().to_numpy()
            if neg.any():
                raise_rows_error(
                    source,
                    col.name,
                    checked,
                    neg,
                    "negative value",
                    f"{col.unit} >= 0",
                    label=lab(col.name),
                )
        if col.name == nc.NCY or col.name in ("ncy_min", "ncy_max"):
            v = values.to_numpy(dtype=float, na_value=np.nan)
            bad = (v < nc.NCY_MIN) | (v > nc.NCY_MAX)
            if bad.any():
                raise_rows_error(
                    source,
                    col.name,
                    checked,
                    bad,
                    "year group out of range",
                    f"NCY between {nc.NCY_MIN} (N1) and {nc.NCY_MAX} (Year 14)",
                    label=lab(col.name),
                )
        if col.name == nc.YEAR:
            v = values.to_numpy(dtype=float, na_value=np.nan)
            bad = (v < year_range[0]) | (v > year_range[1])
            if bad.any():
                raise_rows_error(
                    source,
                    col.name,
                    checked,
                    bad,
                    "impossible year",
                    f"a year between {year_range[0]} and {year_range[1]}",
                    label=lab(col.name),
                )

    key = [k for k in schema.key if k in checked.columns]
    order, dup = _key_order(checked, key)
    if dup.any():
        raise_rows_error(
            source,
            "/".join(key),
            checked,
            dup,
            "duplicate key",
            f"one row per {' x '.join(names.get(k, k) for k in key)}",
            "Aggregate or remove the repeated rows.",
            label=repr("/".join(names.get(k, k) for k in key)) if names else None,
        )
    if known_areas is not None and schema.area_column in checked.columns:
        known = set(known_areas)
        bad = ~checked[schema.area_column].isin(known).to_numpy()
        if bad.any():
            # the code it was likely meant to be first (a Herefordshire trial's housing row
            # 8844060 for 8844600 got the first ten codes, without it)
            first = str(checked.loc[bad, schema.area_column].iloc[0])
            raise_rows_error(
                source,
                schema.area_column,
                checked,
                bad,
                "unknown area code",
                # "and 23 more", not " ..." (which met the sentence's full stop as "....")
                f"one of {first_few(sorted(known), 10)}{did_you_mean_code(first, sorted(known))}",
                "Add the area to the model definition or correct the code.",
                label=lab(schema.area_column),
            )
    if schema.contiguous_years and nc.YEAR in checked.columns:
        group = checked[schema.area_column] if schema.area_column in checked.columns else None
        years = checked[[nc.YEAR]].assign(_g=group if group is not None else "")
        span = years.groupby("_g")[nc.YEAR].agg(["min", "max", "nunique"])
        gaps = span[span["max"] - span["min"] + 1 != span["nunique"]]
        if len(gaps):
            g = gaps.index[0]
            in_g = (years["_g"] == g).to_numpy()
            present = sorted(years.loc[in_g, nc.YEAR].unique().tolist())
            problem, shown = _gap(present)
            yv = years[nc.YEAR].to_numpy()
            mask = in_g & np.isin(yv, shown)
            raise_rows_error(
                source,
                nc.YEAR,
                checked,
                mask,
                f"years not contiguous for {names.get(schema.area_column, 'area')} {g!r}: {problem}",
                "every year between the first and the last",
                label=lab(nc.YEAR),
            )
    checked = checked.drop(columns=["_line"], errors="ignore")
    return checked.take(order).reset_index(drop=True)


def _key_order(frame: pd.DataFrame, key: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The rows' order sorted by ``key`` (missing values last, ties in row order, as a
    stable ``sort_values``) and which rows share their key with another (``duplicated(keep=
    False)``), from integer codes of each key column (hashing text once instead of comparing
    it in every sort and duplicate test)."""
    n = len(frame)
    if not key:
        return np.arange(n), np.zeros(n, dtype=bool)
    codes = []
    for k in key:
        c, uniq = pd.factorize(frame[k], sort=True, use_na_sentinel=True)
        codes.append(np.where(c < 0, len(uniq), c))  # missing last
    order = np.lexsort(codes[::-1])  # lexsort is stable; the last key is the primary one
    sorted_codes = np.stack([c[order] for c in codes])
    same_as_next = np.all(sorted_codes[:, 1:] == sorted_codes[:, :-1], axis=0)
    dup_sorted = np.zeros(n, dtype=bool)
    dup_sorted[1:] |= same_as_next
    dup_sorted[:-1] |= same_as_next
    dup = np.empty(n, dtype=bool)
    dup[order] = dup_sorted
    return order, dup
