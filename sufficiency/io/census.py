"""Readers for DfE school census pupil numbers by year group."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from .. import nomenclature as nc
from .._values import did_you_mean_code
from ..exceptions import DataQualityWarning, SchemaError
from ..schema import raise_rows_error, validate_frame
from ._common import (
    DFE_MARKERS_ALL,
    GSS_CODE,
    OLD_LA_CODE,
    Loaded,
    Provenance,
    check_codes,
    marker_mask,
    read_csv_checked,
    require_columns,
    sha256_of,
    warn_not_whole,
)

__all__ = ["read_census_ncy", "read_spc_pupils"]

logger = logging.getLogger(__name__)

_PUBLISHER = "DfE, Schools, pupils and their characteristics (January census)"


def _drop_suppressed(raw: pd.DataFrame, column: str, source: str) -> pd.DataFrame:
    """Drop rows whose count is a published marker (:data:`DFE_MARKERS_ALL`), with a warning
    naming them."""
    hit = marker_mask(raw[column], DFE_MARKERS_ALL)
    if not hit.any():
        return raw
    lines = raw.loc[hit, "_line"].head(5).tolist() if "_line" in raw else []
    found = sorted(raw.loc[hit, column].astype("string").str.strip().str.lower().unique())
    msg = (
        f"{source}: column {column!r}: {int(hit.sum())} row(s) hold a suppression marker "
        f"({', '.join(repr(t) for t in found)}; line(s) {', '.join(map(str, lines))}"
        f"{' ...' if hit.sum() > 5 else ''}); read as missing: those cells are left out of "
        "ratios and scores"
    )
    warnings.warn(msg, DataQualityWarning, stacklevel=3)
    return raw.loc[~hit]


def _time_period_to_year(
    frame: pd.DataFrame, source: str, column: str = "time_period"
) -> np.ndarray:
    out = np.empty(len(frame), dtype="int64")
    bad = np.zeros(len(frame), dtype=bool)
    for i, v in enumerate(frame[column].to_numpy()):
        try:
            out[i] = nc.parse_dfe_time_period(v)
        except (ValueError, TypeError):
            bad[i] = True
    if bad.any():
        raise_rows_error(
            source,
            column,
            frame,
            bad,
            "impossible or malformed academic year",
            "a DfE time period like 202223 (2022/23)",
        )
    return out


def _ncy_from_label(labels: pd.Series, frame: pd.DataFrame, source: str, column: str) -> np.ndarray:
    """Map published year-group labels to NCY codes.

    Accepts ``reception``, ``year_group_N`` (GLA layout) and ``Reception``, ``Year N``,
    ``Nursery 1/2`` (Explore Education Statistics layout).
    """
    s = labels.astype("string").str.strip().str.lower()
    mapping = {"reception": 0, "nursery 1": -2, "nursery 2": -1}
    mapping.update({f"year_group_{g}": g for g in range(1, 15)})
    mapping.update({f"year {g}": g for g in range(1, 15)})
    ncy = s.map(mapping)
    bad = ncy.isna().to_numpy()
    if bad.any():
        raise_rows_error(
            source,
            column,
            frame,
            bad,
            "unknown year group",
            "reception, year_group_1 .. year_group_14 (or Reception, Year 1 .. Year 14)",
        )
    return ncy.to_numpy(dtype="int64")


def _check_authorities(
    authorities: list[str], codes: pd.Series, raw: pd.DataFrame, area_column: str, source: str
) -> None:
    """A SchemaError naming the authorities asked for that ``codes`` lack, with the closest
    codes and every code of the file, by name where ``raw`` has ``la_name`` (a Herefordshire
    trial's E06000091 for E06000019 got a bare list of 14 codes)."""
    unknown = sorted(set(authorities) - set(codes))
    if not unknown:
        return
    names = (
        {
            str(c).strip(): " ".join(str(n).split())
            for c, n in zip(raw[area_column], raw["la_name"])
            if pd.notna(c)
        }
        if "la_name" in raw
        else {}
    )
    have = sorted(codes.dropna().unique())
    listed = ", ".join(f"{c} ({names[c]})" if names.get(c) else str(c) for c in have[:20])
    raise SchemaError(
        f"{source}: authority code(s) {unknown} not found in column {area_column!r}"
        f"{did_you_mean_code(unknown[0], {c: names.get(c, '') for c in have})}; "
        f"the file has {listed}{' ...' if len(have) > 20 else ''}."
    )


def _follow_code_changes(
    raw: pd.DataFrame, year: np.ndarray, source: str, authorities: list[str] | None = None
) -> pd.DataFrame:
    """Rows of an authority whose ONS code changed while its DfE number did not (Gateshead,
    390: E08000020 to E08000037 from 2019/20; Northumberland, 929: E06000048 to E06000057),
    put under the latest code, with a warning naming them: as two areas, the later one had
    a year or two of history and the earlier none of the births (the ONS lookup and births
    give current codes for every year). Codes whose years overlap are left apart (not one
    authority). A copy when any is changed. With ``authorities``, the warning names only theirs
    (a Worcestershire model reading a national file is not told of Gateshead), and one of them
    asked for by an earlier code is an error saying so, not "not found" for a code the file
    has."""
    if "old_la_code" not in raw.columns:
        return raw
    old = raw["old_la_code"].astype("string").str.strip()
    old = old.str.replace(r"\.0$", "", regex=True)
    new = raw["new_la_code"].astype("string").str.strip()
    spans = (
        pd.DataFrame({"old": old, "new": new, "year": year})
        .dropna(subset=["old", "new"])
        .groupby(["old", "new"])["year"]
        .agg(["min", "max"])
        .reset_index()
        .sort_values(["old", "min", "new"])
    )
    remap: dict[str, str] = {}
    said = []
    for o, g in spans.groupby("old", sort=True):
        if len(g) < 2 or (g["min"].to_numpy()[1:] <= g["max"].to_numpy()[:-1]).any():
            continue
        latest = str(g["new"].iloc[-1])
        for code, lo, hi in g.iloc[:-1][["new", "min", "max"]].itertuples(index=False):
            remap[str(code)] = latest
            if authorities is not None and not {latest, str(code)} & set(authorities):
                continue
            said.append(
                f"{code} ({nc.academic_year_label(int(lo))}-{nc.academic_year_label(int(hi))}) "
                f"-> {latest} (DfE number {o})"
            )
    if not remap:
        return raw
    if said:
        warnings.warn(
            f"{source}: column 'new_la_code': an authority's code changed while its DfE "
            f"number (old_la_code) did not; its earlier rows are read under its latest code: "
            f"{'; '.join(said)}",
            DataQualityWarning,
            stacklevel=3,
        )
    earlier = [a for a in authorities or () if a in remap]
    if earlier:
        # not "not found": the file has it, read under the authority's latest code
        raise SchemaError(
            f"{source}: column 'new_la_code': authority code(s) "
            f"{', '.join(f'{a} (read as {remap[a]})' for a in earlier)} are earlier codes "
            "of an authority whose DfE number (old_la_code) did not change, and its rows "
            "are read under its latest code; expected the latest code (as the ONS lookup "
            "and births give it)"
        )
    out = raw.copy()
    out["new_la_code"] = new.replace(remap)
    return out


def read_census_ncy(
    path: str | Path,
    *,
    area_column: str = "new_la_code",
    authorities: list[str] | None = None,
) -> Loaded:
    """Read pupils on roll by authority and year group (``census_pupils_by_ncy_*.csv``).

    The GLA-collated layout of the DfE January census: one row per ``time_period`` x authority
    x ``nc_year`` with ``headcount``. State-funded primary, secondary and pupil referral units;
    special schools excluded.

    Parameters
    ----------
    path : path-like
        The CSV as published.
    area_column : {"new_la_code", "old_la_code"}
        Which code identifies the area.
    authorities : list of str, optional
        Keep only these areas (codes in ``area_column``).

    Returns
    -------
    Loaded
        ``data``: canonical pupils table (area, year, ncy, pupils, kind="actual", source).

    Raises
    ------
    SchemaError
        Missing columns, malformed years or year groups, non-numeric or negative counts,
        duplicate rows, or non-contiguous years.

    Warns
    -----
    DataQualityWarning
        Counts shown as a DfE marker (``DFE_MARKERS_ALL`` in :mod:`sufficiency.io._common`,
        e.g. ``c`` or ``z``) are read as missing: the rows are dropped, and named in the warning.
        An authority whose ``new_la_code`` changed while its ``old_la_code`` did not
        (Gateshead, 390: E08000020 to E08000037 from 2019/20) is read under its latest code,
        named in a warning.
    """
    source = str(path)
    raw = read_csv_checked(path)
    require_columns(
        raw,
        ["time_period", area_column, "nc_year", "headcount"],
        source,
        "the DfE census pupils-by-year-group file",
    )
    if area_column == "new_la_code":
        check_codes(raw, area_column, source, GSS_CODE, "an ONS authority code like E10000034")
    else:
        check_codes(raw, area_column, source, OLD_LA_CODE, "a three-digit DfE LA number like 885")
    raw = _drop_suppressed(raw, "headcount", source)
    year = _time_period_to_year(raw, source)
    if area_column == "new_la_code":
        raw = _follow_code_changes(raw, np.asarray(year), source, authorities)
    ncy = _ncy_from_label(raw["nc_year"], raw, source, "nc_year")
    frame = pd.DataFrame(
        {
            nc.AREA: raw[area_column],
            nc.YEAR: year,
            nc.NCY: ncy,
            nc.PUPILS: raw["headcount"],
            nc.KIND: "actual",
            nc.SOURCE: Path(path).name,
            "_line": raw["_line"],
        }
    )
    # validate the whole file (a bad row is a bad file), then select authorities
    data = validate_frame(
        frame,
        "pupils",
        source,
        published={
            nc.AREA: area_column,
            nc.YEAR: "time_period",
            nc.NCY: "nc_year",
            nc.PUPILS: "headcount",
        },
    )
    if authorities is not None:
        _check_authorities(authorities, data[nc.AREA], raw, area_column, source)
        data = data[data[nc.AREA].isin(authorities)].reset_index(drop=True)
    # a headcount is whole pupils; 6000.5 is an FTE or a typing error (only the areas read)
    used = (
        frame[nc.AREA].astype("string").str.strip().isin(authorities).to_numpy(dtype=bool)
        if authorities is not None
        else None
    )
    warn_not_whole(frame, nc.PUPILS, source, label="headcount", rows=used)
    prov = Provenance(
        table="pupils",
        path=source,
        sha256=sha256_of(path),
        reader="read_census_ncy",
        rows=len(data),
        years=(int(data[nc.YEAR].min()), int(data[nc.YEAR].max())),
        kind="actual",
        publisher=_PUBLISHER,
        note="headcount; state-funded primary, secondary and PRUs; special schools excluded",
    )
    logger.info("read %d pupil rows from %s", len(data), source)
    return Loaded(data, (prov,))


_SPC_SCHOOL_TYPES = (
    "State-funded primary",
    "State-funded secondary",
    "Pupil referral unit",
)


def read_spc_pupils(
    path: str | Path,
    *,
    school_types: tuple[str, ...] = _SPC_SCHOOL_TYPES,
    level: str = "Local authority",
    authorities: list[str] | None = None,
) -> Loaded:
    """Read the Explore Education Statistics file ``spc_pupils_fsm_ethnicity_yrgp``.

    Headcount by year group is the sum of ``number_of_pupils`` over the free-school-meal
    eligibility rows and over ``school_types`` (by default the same coverage as
    :func:`read_census_ncy`: state-funded primary, secondary and pupil referral units).

    Returns
    -------
    Loaded
        Canonical pupils table by ``new_la_code`` (or ``"E92000001"`` for England at the
        national level), year and NCY (nursery N1/N2 included where published).
    """
    source = str(path)
    raw = read_csv_checked(path)
    require_columns(
        raw,
        [
            "time_period",
            "geographic_level",
            "new_la_code",
            "phase_type_grouping",
            "characteristic_group",
            "characteristic",
            "number_of_pupils",
        ],
        source,
        "the DfE 'spc_pupils_fsm_ethnicity_yrgp' file",
    )
    keep = (
        (raw["geographic_level"] == level)
        & raw["phase_type_grouping"].isin(school_types)
        & (raw["characteristic_group"] == "NC year group")
        & ~raw["characteristic"].isin(["Total", "Not followed", "Early 1", "Early 2"])
    )
    sub = raw.loc[keep.to_numpy()].copy()
    # one published row per period x area x school type x year group x FSM group; a repeat
    # would be summed twice below
    key = [
        c
        for c in (
            "time_period",
            "geographic_level",
            "new_la_code",
            "phase_type_grouping",
            "characteristic_group",
            "characteristic",
            "fsm_eligibility",
        )
        if c in sub.columns
    ]
    dup = sub.duplicated(subset=key, keep=False).to_numpy()
    if dup.any():
        raise_rows_error(
            source,
            "/".join(key),
            sub,
            dup,
            "duplicate key",
            "one row per " + " x ".join(key),
            "Remove the repeated rows.",
        )
    if sub.empty:
        raise SchemaError(
            f"{source}: no rows at geographic_level {level!r} for school types {school_types}; "
            "expected rows with characteristic_group 'NC year group'."
        )
    if level == "National":
        sub["new_la_code"] = sub.get("country_code", "E92000001")
    check_codes(sub, "new_la_code", source, GSS_CODE, "an ONS authority code like E10000034")
    year = _time_period_to_year(sub, source)
    if level == "Local authority":
        # an authority's ONS code changed, its DfE number not: one area, as the census reader
        sub = _follow_code_changes(sub, np.asarray(year), source, authorities)
    ncy = _ncy_from_label(sub["characteristic"], sub, source, "characteristic")
    counts = pd.to_numeric(sub["number_of_pupils"], errors="coerce")
    bad = counts.isna().to_numpy() & sub["number_of_pupils"].notna().to_numpy()
    # DfE suppression markers (c, x, z) are not numbers: report them as such
    if bad.any():
        raise_rows_error(source, "number_of_pupils", sub, bad, "non-numeric value", "a count")
    frame = pd.DataFrame(
        {
            nc.AREA: sub["new_la_code"].to_numpy(),
            nc.YEAR: year,
            nc.NCY: ncy,
            nc.PUPILS: counts.to_numpy(),
        }
    )
    if (frame[nc.PUPILS] < 0).any():
        neg = (counts < 0).to_numpy()
        raise_rows_error(source, "number_of_pupils", sub, neg, "negative value", "a count >= 0")
    frame = frame.groupby([nc.AREA, nc.YEAR, nc.NCY], as_index=False)[nc.PUPILS].sum()
    if authorities is not None:
        # not "the pupils table is empty" (a Herefordshire trial's mistyped code)
        _check_authorities(authorities, frame[nc.AREA], sub, "new_la_code", source)
        frame = frame[frame[nc.AREA].isin(authorities)]
    frame[nc.KIND] = "actual"
    frame[nc.SOURCE] = Path(path).name
    data = validate_frame(frame, "pupils", source)
    prov = Provenance(
        table="pupils",
        path=source,
        sha256=sha256_of(path),
        reader="read_spc_pupils",
        rows=len(data),
        years=(int(data[nc.YEAR].min()), int(data[nc.YEAR].max())),
        kind="actual",
        publisher=_PUBLISHER,
        note=f"sum over FSM eligibility and school types {', '.join(school_types)}",
    )
    return Loaded(data, (prov,))
