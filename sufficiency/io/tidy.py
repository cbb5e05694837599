"""Reader for an authority's own data in the generic tidy CSV layout.

This is how an authority plugs in data finer than anything public: a school-level census
extract by year group, capacity by school, housing trajectories, its own births by area.
The column specification of each table is :data:`sufficiency.schema.SCHEMAS` (documented in
the README). A school-level census extract (columns ``school, year, ncy, pupils``) is summed
to planning areas through the capacity table's school -> area lookup.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from .. import nomenclature as nc
from ..exceptions import SchemaError
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

    A ``pupils`` table must have rows for every one of ``known_areas``: each planning area
    needs a history to be forecast.
    """
    source = str(path)
    schema = SCHEMAS[table]
    raw = read_csv_checked(path, columns=[c.name for c in schema.columns])
    require_columns(raw, schema.required, source, f"a tidy {table} table")
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
        warn_not_whole(raw, nc.PUPILS, source, rows=(kinds == "actual").fillna(False).to_numpy(dtype=bool))
    if table == "births":
        warn_implausible_births(raw.assign(**{nc.AREA: raw[nc.AREA].astype("string").str.strip()}),
                                source)
    if table == "capacity":
        note_capacity_lines(data, source, raw[nc.SCHOOL].astype("string").str.strip(),
                            raw[nc.PHASE].astype("string").str.strip().str.lower(), raw["_line"])
    years = (int(data[nc.YEAR].min()), int(data[nc.YEAR].max())) if nc.YEAR in data else ()
    # the file's own word on where its rows come from (a housing trajectory marked SYNTHETIC
    # or ASSUMPTION, say) goes with it to the report's sources
    said = _source_said(raw)
    prov = Provenance(table, source, sha256_of(path), "read_tidy", len(data), years, kind,
                      publisher, said)
    return Loaded(data, (prov,))


def _source_said(raw: pd.DataFrame, lead: str = "") -> str:
    """The file's ``source`` column, as a provenance note (a file marked SYNTHETIC or
    ASSUMPTION says so in the report's sources)."""
    if nc.SOURCE not in raw.columns:
        return ""
    vals = [v for v in dict.fromkeys(raw[nc.SOURCE].astype("string").str.strip().dropna()) if v]
    if not vals:
        return ""
    return (lead + "source column: " + "; ".join(vals[:3])
            + (f" and {len(vals) - 3} more" if len(vals) > 3 else ""))


def read_school_census(
    path: str | Path, school_to_area: pd.DataFrame, *, known_areas: Iterable[str] | None = None
) -> Loaded:
    """Read a school-level census extract (``school, year, ncy, pupils``) and sum to areas.

    Parameters
    ----------
    school_to_area : DataFrame
        ``school``, ``area`` and optionally ``ncy_min``/``ncy_max`` (a middle school's primary
        and secondary rows send each year group to the right planning area).
    """
    source = str(path)
    raw = read_csv_checked(path, columns=[nc.SCHOOL, nc.YEAR, nc.NCY, nc.PUPILS, nc.SOURCE])
    require_columns(raw, [nc.SCHOOL, nc.YEAR, nc.NCY, nc.PUPILS], source, "a school census extract")
    lk = school_to_area.copy()
    schools = raw[nc.SCHOOL].astype("string").str.strip().str.replace(r"\.0$", "", regex=True)
    unknown = (schools.notna() & ~schools.isin(set(lk[nc.SCHOOL].astype(str)))).to_numpy(dtype=bool)
    if unknown.any():
        cap = school_to_area.attrs.get("source", "")
        n = len(pd.unique(schools[unknown]))
        raise_rows_error(
            source, nc.SCHOOL, raw, unknown,
            f"{n} school(s) not in the capacity table's school lookup",
            "a school id of the model's capacity data" + (f" ({cap})" if cap else ""),
            "Add the school, with its planning area, to the capacity file ([data.capacity]), "
            "or remove its rows.",
        )
    frame = raw.assign(**{nc.SCHOOL: schools})
    checked = validate_frame(
        frame.rename(columns={nc.SCHOOL: nc.AREA}), "pupils", source,
        published={nc.AREA: nc.SCHOOL}, labels=True,
    ).rename(columns={nc.AREA: nc.SCHOOL})
    if "ncy_min" not in lk:
        lk["ncy_min"], lk["ncy_max"] = nc.NCY_MIN, nc.NCY_MAX
    m = checked.merge(lk[[nc.SCHOOL, nc.AREA, "ncy_min", "ncy_max"]], on=nc.SCHOOL, how="left")
    m = m[m[nc.AREA].isna() | ((m[nc.NCY] >= m["ncy_min"]) & (m[nc.NCY] <= m["ncy_max"]))]
    unknown = m[nc.AREA].isna().to_numpy()
    if unknown.any():
        raise_rows_error(
            source, nc.SCHOOL, m, unknown, "school not in the capacity table's school lookup",
            "a school id present in the model's capacity data",
        )
    warn_not_whole(raw, nc.PUPILS, source)
    out = m.groupby([nc.AREA, nc.YEAR, nc.NCY], as_index=False)[nc.PUPILS].sum()
    out[nc.KIND] = "actual"
    out[nc.SOURCE] = Path(path).name
    data = validate_frame(out, "pupils", source, known_areas=known_areas)
    prov = Provenance(
        "pupils", source, sha256_of(path), "read_school_census", len(data),
        (int(data[nc.YEAR].min()), int(data[nc.YEAR].max())), "actual", "local authority",
        "school-level census summed to planning areas" + _source_said(raw, "; "),
    )
    return Loaded(data, (prov,))
