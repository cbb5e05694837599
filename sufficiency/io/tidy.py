"""Reader for an authority's own data in the generic tidy CSV layout.

This is how an authority plugs in data finer than anything public: a school-level census
extract by year group, capacity by school, housing trajectories, its own births by area.
The column specification of each table is :data:`sufficiency.schema.SCHEMAS` (documented in
the README). A school-level census extract (columns ``school, year, ncy, pupils``) is summed
to planning areas through the capacity table's school -> area lookup.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from .. import nomenclature as nc
from ..exceptions import DataQualityWarning, SchemaError
from ..schema import SCHEMAS, raise_rows_error, validate_frame
from ._common import (
    Loaded,
    Provenance,
    note_capacity_lines,
    read_csv_checked,
    require_columns,
    sha256_of,
    warn_implausible_births,
    warn_not_whole,
)

__all__ = ["read_tidy", "read_school_census"]


def read_tidy(
    path: str | Path,
    table: str,
    *,
    known_areas: Iterable[str] | None = None,
    kind: str = "actual",
    publisher: str = "local authority",
    used_areas: Iterable[str] | None = None,
) -> Loaded:
    """Read a canonical table (``pupils``, ``births``, ``capacity``, ``housing``, ...) from CSV.

    Parameters
    ----------
    path : path-like
        CSV with the columns of ``SCHEMAS[table]``.
    table : str
        Schema name.
    known_areas : iterable of str, optional
        Valid area codes: rows naming any other raise a :class:`SchemaError`.
    kind : str
        Provenance kind for rows without a ``kind`` column.
    used_areas : iterable of str, optional
        The areas a model uses of a file with others (a national births projection): only
        their rows are read and checked (a blank or negative figure of another authority's
        district stopped the model: a trial of 29 November 2026, night); a file with none of them
        is read whole, so that its errors name its own areas.

    A ``pupils`` table must have rows for every one of ``known_areas``: each planning area
    needs a history to be forecast.
    """
    source = str(path)
    schema = SCHEMAS[table]
    raw = read_csv_checked(path, columns=[c.name for c in schema.columns])
    require_columns(raw, schema.required, source, f"a tidy {table} table")
    if used_areas is not None and schema.area_column in raw.columns:
        mine = raw[schema.area_column].astype("string").str.strip().isin(set(map(str, used_areas)))
        if mine.any():
            raw = raw.loc[mine.fillna(False).to_numpy(dtype=bool)].reset_index(drop=True)
    if table == "housing" and "site" not in raw.columns:
        raw["site"] = ""
    if nc.KIND in [c.name for c in schema.columns] and nc.KIND not in raw.columns:
        raw[nc.KIND] = kind
    data = validate_frame(raw, schema, source, known_areas=known_areas, labels=True)
    if table == "pupils" and known_areas is not None and schema.area_column in data:
        absent = [a for a in dict.fromkeys(known_areas) if a not in set(data[schema.area_column])]
        if absent:
            raise SchemaError(
                f"{source}: column {schema.area_column!r}: no rows for area(s) "
                f"{', '.join(absent[:10])}{' ...' if len(absent) > 10 else ''}; expected rows for "
                f"every area of the model ({len(set(known_areas))}), each with its own history. "
                "Add the area's rows or remove the area from the model definition."
            )
    if table == "pupils":
        # observed counts are whole pupils (derived or apportioned rows may be fractional)
        kinds = raw[nc.KIND].astype("string").str.strip().str.lower()
        warn_not_whole(
            raw, nc.PUPILS, source, rows=(kinds == "actual").fillna(False).to_numpy(dtype=bool)
        )
    if table == "housing":
        # completions are counts of dwellings (negative ones fail in validate_frame)
        warn_not_whole(raw, nc.DWELLINGS, source, counts="dwellings")
    if table == "births":
        warn_implausible_births(
            raw.assign(**{nc.AREA: raw[nc.AREA].astype("string").str.strip()}),
            source,
            areas=used_areas,
        )
    if table == "capacity":
        note_capacity_lines(
            data,
            source,
            raw[nc.SCHOOL].astype("string").str.strip(),
            raw[nc.PHASE].astype("string").str.strip().str.lower(),
            raw["_line"],
        )
    years = (int(data[nc.YEAR].min()), int(data[nc.YEAR].max())) if nc.YEAR in data else ()
    # the file's own word on where its rows come from (a housing trajectory marked SYNTHETIC
    # or ASSUMPTION, say) goes with it to the report's sources
    said = _source_said(raw)
    prov = Provenance(
        table, source, sha256_of(path), "read_tidy", len(data), years, kind, publisher, said
    )
    return Loaded(data, (prov,))


def _source_said(raw: pd.DataFrame, lead: str = "") -> str:
    """The file's ``source`` column, as a provenance note (a file marked SYNTHETIC or
    ASSUMPTION says so in the report's sources)."""
    if nc.SOURCE not in raw.columns:
        return ""
    vals = [v for v in dict.fromkeys(raw[nc.SOURCE].astype("string").str.strip().dropna()) if v]
    if not vals:
        return ""
    return (
        lead
        + "source column: "
        + "; ".join(vals[:3])
        + (f" and {len(vals) - 3} more" if len(vals) > 3 else "")
    )


def read_school_census(
    path: str | Path, school_to_area: pd.DataFrame, *, known_areas: Iterable[str] | None = None
) -> Loaded:
    """Read a school-level census extract (``school, year, ncy, pupils``) and sum to areas.

    Each school's pupils go to the planning area the capacity table's school lookup gives it
    (a middle school's year groups to the area of the row that teaches them). A school the
    lookup does not have (one opened after the capacity data: the embedded SCAP file is of
    2014/15) takes its planning area from the extract's optional ``area`` column.

    Parameters
    ----------
    path : path-like
        CSV with columns ``school, year, ncy, pupils`` [count] and optionally ``area`` (the
        planning area of a school not in the lookup; blank for the others) and ``source``.
    school_to_area : DataFrame
        ``school``, ``area`` and optionally ``ncy_min``/``ncy_max`` (a middle school's primary
        and secondary rows send each year group to the right planning area).
    known_areas : iterable of str, optional
        The model's planning-area codes: an ``area`` cell naming any other is an error.

    Returns
    -------
    Loaded
        Pupils by area, year and year group (``kind = "actual"``) and the file's provenance.

    Raises
    ------
    SchemaError
        Naming the file, column, lines and values: a school neither in the lookup nor given
        an ``area``; an ``area`` not among ``known_areas``; an ``area`` that differs from the
        lookup's for a school the lookup has; and the checks of a ``pupils`` table.

    Warns
    -----
    DataQualityWarning
        For schools placed by the ``area`` column: their pupils count in the area but the
        model has no places for them, so its shortfall is overstated until their places are
        added to the capacity file. And for counts of pupils that are not whole numbers.

    Notes
    -----
    An ``area`` that differs from the lookup's for a school the lookup has is an error, not
    a correction: the school's places are counted in the lookup's area (the capacity
    table), so moving only its pupils would put demand in one area and the places that meet
    it in another, overstating one area's shortfall and the other's surplus by the school's
    roll. Blank the cell to use the lookup, or move the school in the capacity file.
    """
    source = str(path)
    raw = read_csv_checked(
        path, columns=[nc.SCHOOL, nc.YEAR, nc.NCY, nc.PUPILS, nc.AREA, nc.SOURCE]
    )
    require_columns(raw, [nc.SCHOOL, nc.YEAR, nc.NCY, nc.PUPILS], source, "a school census extract")
    lk = school_to_area.copy()
    lk[nc.SCHOOL] = lk[nc.SCHOOL].astype(str).str.strip()
    lk[nc.AREA] = lk[nc.AREA].astype(str).str.strip()
    cap = school_to_area.attrs.get("source", "")
    schools = _codes(raw[nc.SCHOOL])
    given = (
        _codes(raw[nc.AREA])
        if nc.AREA in raw.columns
        else pd.Series(pd.NA, index=raw.index, dtype="string")
    )
    shown = raw.assign(**{nc.SCHOOL: schools, nc.AREA: given})
    if known_areas is not None:
        known = set(known_areas)
        bad = (given.notna() & ~given.isin(known)).to_numpy(dtype=bool)
        if bad.any():
            listed = sorted(known)
            raise_rows_error(
                source,
                nc.AREA,
                shown,
                bad,
                "unknown area code",
                "a planning area of the model ([[areas]] code): one of "
                + ", ".join(listed[:10])
                + (" ..." if len(listed) > 10 else ""),
                "Correct the code, or add the area to the model definition.",
            )
    in_lookup = schools.isin(set(lk[nc.SCHOOL])).to_numpy(dtype=bool)
    unknown = schools.notna().to_numpy(dtype=bool) & ~in_lookup & given.isna().to_numpy(dtype=bool)
    if unknown.any():
        n = len(pd.unique(schools[unknown]))
        raise_rows_error(
            source,
            nc.SCHOOL,
            shown,
            unknown,
            f"{n} school(s) not in the capacity table's school lookup and no planning area given",
            "a school id of the model's capacity data"
            + (f" ({cap})" if cap else "")
            + ", or the school's planning area in the extract's 'area' column",
            "For a school opened since the capacity data, give its planning area in an 'area' "
            "column (blank for the schools the capacity file has); or add the school, with its "
            "planning area, to the capacity file ([data.capacity]); or remove its rows.",
        )
    # validate_frame sorts the rows: each row's position rides through it in the (optional,
    # not key) source column, to bring back its line and its area cell
    frame = raw.assign(**{nc.SCHOOL: schools, nc.SOURCE: [str(i) for i in range(len(raw))]})
    frame = frame.drop(columns=[nc.AREA], errors="ignore")
    checked = validate_frame(
        frame.rename(columns={nc.SCHOOL: nc.AREA}),
        "pupils",
        source,
        published={nc.AREA: nc.SCHOOL},
        labels=True,
    ).rename(columns={nc.AREA: nc.SCHOOL})
    pos = checked[nc.SOURCE].astype(int).to_numpy()
    checked = checked.assign(
        _given=given.to_numpy(dtype=object)[pos], _line=raw["_line"].to_numpy()[pos]
    ).drop(columns=[nc.SOURCE])
    if "ncy_min" not in lk:
        lk["ncy_min"], lk["ncy_max"] = nc.NCY_MIN, nc.NCY_MAX
    lk = lk[[nc.SCHOOL, nc.AREA, "ncy_min", "ncy_max"]]
    m = checked.merge(lk, on=nc.SCHOOL, how="left")
    # a school's rows outside the year groups its lookup rows teach (nursery in a primary
    # school) go to no area; pupils of school age among them are named in a warning
    taught = m[nc.AREA].isna() | ((m[nc.NCY] >= m["ncy_min"]) & (m[nc.NCY] <= m["ncy_max"]))
    kept_lines = set(m.loc[taught, "_line"])
    left = checked[
        ~checked["_line"].isin(kept_lines) & (checked[nc.NCY] >= 0) & (checked[nc.PUPILS] > 0)
    ]
    if len(left):
        _warn_untaught(left, lk, source)
    m = m[taught].reset_index(drop=True)
    differs = (
        m[nc.AREA].notna()
        & m["_given"].notna()
        & (m[nc.AREA].astype(object) != m["_given"].astype(object))
    ).to_numpy(dtype=bool)
    if differs.any():
        rows = m.loc[differs].drop_duplicates(nc.SCHOOL).head(3)
        detail = "; ".join(
            f"school {r[nc.SCHOOL]} ({nc.ncy_label(r[nc.NCY])}, line {int(r['_line'])}): "
            f"{r['_given']} here, {r[nc.AREA]} in the lookup"
            for _, r in rows.iterrows()
        )
        both = m.assign(**{nc.AREA: m["_given"], "lookup_area": m[nc.AREA]})
        raise_rows_error(
            source,
            nc.AREA,
            both.drop(columns=["_given", "ncy_min", "ncy_max"]),
            differs,
            f"planning area differs from the capacity table's school lookup ({detail})",
            "the area the capacity table" + (f" ({cap})" if cap else "") + " gives the school, "
            "where its places are counted, or a blank cell",
            "Blank the cell to use the capacity table's area, or, if the school has moved area, "
            "move it in the capacity file ([data.capacity]) so its places move with its pupils.",
        )
    placed = m[nc.AREA].isna().to_numpy(dtype=bool)
    if placed.any():
        m.loc[placed, nc.AREA] = m.loc[placed, "_given"]
        _warn_placed_schools(m.loc[placed], source)
    warn_not_whole(raw, nc.PUPILS, source)
    out = m.groupby([nc.AREA, nc.YEAR, nc.NCY], as_index=False)[nc.PUPILS].sum()
    out[nc.KIND] = "actual"
    out[nc.SOURCE] = Path(path).name
    data = validate_frame(out, "pupils", source, known_areas=known_areas)
    note = "school-level census summed to planning areas"
    if placed.any():
        new = m.loc[placed].drop_duplicates(nc.SCHOOL)
        note += (
            f"; {len(new)} school(s) not in the capacity data placed by the extract's "
            "area column ("
            + _first_five(f"{s} in {a}" for s, a in zip(new[nc.SCHOOL], new[nc.AREA]))
            + ")"
        )
    prov = Provenance(
        "pupils",
        source,
        sha256_of(path),
        "read_school_census",
        len(data),
        (int(data[nc.YEAR].min()), int(data[nc.YEAR].max())),
        "actual",
        "local authority",
        note + _source_said(raw, "; "),
    )
    return Loaded(data, (prov,))


def _codes(values: pd.Series) -> pd.Series:
    """School or area codes as text: stripped, blank as missing, a spreadsheet's ``.0`` of a
    code saved as a number dropped."""
    s = values.astype("string").str.strip().str.replace(r"\.0$", "", regex=True)
    return s.mask(s == "")


def _first_five(items: Iterable[str]) -> str:
    """The first five of ``items``, comma-separated, and ``" ..."`` when there are more."""
    items = list(items)
    return ", ".join(items[:5]) + (" ..." if len(items) > 5 else "")


def _warn_untaught(rows: pd.DataFrame, lookup: pd.DataFrame, source: str) -> None:
    """Warn that a known school's pupils in year groups its capacity rows do not teach (Year 12
    at a school the capacity data list as 11-16, say) are left out of every area."""
    span = lookup.groupby(nc.SCHOOL).agg(lo=("ncy_min", "min"), hi=("ncy_max", "max"))
    first = rows.sort_values("_line").drop_duplicates(nc.SCHOOL)
    shown = _first_five(
        f"school {sc} {nc.ncy_label(g)} (line {int(ln)}; taught "
        f"{nc.ncy_label(span.at[sc, 'lo'])}-{nc.ncy_label(span.at[sc, 'hi'])})"
        for sc, g, ln in zip(first[nc.SCHOOL], first[nc.NCY], first["_line"])
    )
    warnings.warn(
        f"{source}: column 'ncy': {rows[nc.PUPILS].sum():,.0f} pupils of {len(first)} school(s) "
        f"in year groups the capacity table's rows for the school do not teach ({shown}) are "
        "left out of every planning area: if the school now "
        "teaches them (a sixth form opened, an age range changed), correct its year groups "
        "in the capacity file ([data.capacity])",
        DataQualityWarning,
        stacklevel=3,
    )


def _warn_placed_schools(rows: pd.DataFrame, source: str) -> None:
    """Warn that schools placed by the extract's ``area`` column have no places in the model."""
    first = rows.sort_values("_line").drop_duplicates(nc.SCHOOL)
    shown = _first_five(
        f"school {s} in area {a} (line {int(ln)})"
        for s, a, ln in zip(first[nc.SCHOOL], first[nc.AREA], first["_line"])
    )
    warnings.warn(
        f"{source}: column 'area': {len(first)} school(s) not in the capacity table placed by "
        f"the extract's area column ({shown}; "
        f"{rows[nc.PUPILS].sum():,.0f} pupils in all): their pupils count in those areas but "
        "the model has no places for them, so the areas' shortfall is overstated (or surplus "
        "understated) until their places are added to the capacity file ([data.capacity])",
        DataQualityWarning,
        stacklevel=3,
    )
