"""Reader for the DfE school capacity (SCAP) school-level file."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from .. import nomenclature as nc
from ..exceptions import SchemaError
from ..schema import raise_rows_error, validate_frame
from ._common import (
    PA_CODE,
    Loaded,
    Provenance,
    note_capacity_lines,
    read_csv_checked,
    require_columns,
    sha256_of,
    warn_rows,
)

__all__ = ["read_scap_capacity", "SCAP_PHASES", "SCAP_YEAR"]

logger = logging.getLogger(__name__)

#: academic year of the embedded SCAP 2015 file's figures (2014 = 2014/15): the reader's
#: default, and ``[data.capacity] year``'s
SCAP_YEAR = 2014

#: SCAP ``Phase`` codes -> meaning
SCAP_PHASES = {
    "PS": "primary",
    "SS": "secondary",
    "MP": "middle deemed primary",
    "MS": "middle deemed secondary",
    "AT": "all-through",
}

_COLUMNS = [
    "LAEstab",
    "LA1",
    "Schoolname",
    "Phase",
    "MAYNOR",
    "Netcapacity (1)",
    "PrimaryCapacity (2)",
    "SecondaryCapacity (2)",
    "Primary PA code (2)",
    "Secondary PA code (2)",
]


def _num(raw: pd.DataFrame, col: str, source: str, required: np.ndarray) -> np.ndarray:
    s = raw[col]
    v = pd.to_numeric(s, errors="coerce")
    bad = v.isna().to_numpy() & s.notna().to_numpy()
    if bad.any():
        raise_rows_error(source, col, raw, bad, "non-numeric value", "a count of places or pupils")
    miss = v.isna().to_numpy() & required
    if miss.any():
        raise_rows_error(
            source, col, raw, miss, "missing value", "a count for this phase of school"
        )
    neg = (v < 0).to_numpy()
    if neg.any():
        raise_rows_error(source, col, raw, neg, "negative value", "a count >= 0")
    return v.to_numpy(dtype=float)


def _repair_split_names(raw: pd.DataFrame, source: str) -> pd.DataFrame:
    """Rows whose school name holds an unquoted comma, mended (a copy when any are found).

    The published file has such a row (line 1500, Herefordshire's "Whitecross Hereford, High
    School and Specialist Sports College"): the name's second part lands in ``Phase``, every
    later column moves one to the right and ``Main Phase`` is lost. A row whose ``Phase`` is
    not a phase code but whose ``MAYNOR`` is one, with nothing in the file's last column but
    a planning-area code, is read back with its name rejoined and its columns moved left,
    with a warning naming the line."""
    cols = [c for c in raw.columns if c != "_line"]
    if "Phase" not in cols or "MAYNOR" not in cols:
        return raw
    phase = raw["Phase"].astype("string").str.strip()
    after = raw["MAYNOR"].astype("string").str.strip()
    last = raw[cols[-1]].astype("string").str.strip()
    shifted = (
        (
            ~phase.isin(list(SCAP_PHASES))
            & after.isin(list(SCAP_PHASES))
            & (last.isna() | last.str.fullmatch(PA_CODE))
        )
        .fillna(False)
        .to_numpy(bool)
    )
    if not shifted.any():
        return raw
    out = raw.copy()
    i = cols.index("Phase")
    moved = cols[i:]
    rows = out.index[shifted]
    out.loc[rows, "Schoolname"] = (
        out.loc[rows, "Schoolname"].astype(str).str.strip()
        + ", "
        + out.loc[rows, "Phase"].astype(str).str.strip()
    )
    values = out.loc[rows, moved[1:]].to_numpy(dtype=object)
    out.loc[rows, moved[:-1]] = values
    out.loc[rows, moved[-1]] = np.nan
    warn_rows(
        source,
        "Schoolname",
        out,
        shifted,
        "a school name with an unquoted comma (the columns after it moved one to the right)",
        "read with the name rejoined and the "
        "columns moved back; its last column (Main Phase) is lost and not used",
    )
    return out


def read_scap_capacity(
    path: str | Path, *, la_codes: list[int] | None = None, year: int = SCAP_YEAR
) -> Loaded:
    """Read school capacity by planning area from the DfE SCAP school-level file.

    Each school becomes one row per phase of places it has: a primary school one primary row
    (its net capacity, in its primary planning area), a secondary school one secondary row, and
    a middle or all-through school two rows (its primary and secondary capacity, each in the
    planning area of that phase). ``roll`` is the May pupils on roll (``MAYNOR``); for schools
    with both phases it is split in proportion to capacity (a derived figure, noted in the
    provenance).

    Parameters
    ----------
    path : path-like
        ``scap_2015_school_capacity.csv`` as published.
    la_codes : list of int, optional
        Keep only these old LA codes (``LA1``), e.g. ``[885]`` for Worcestershire.
    year : int
        Academic year the figures refer to (2014 = 2014/15 for the 2015 SCAP file).

    Returns
    -------
    Loaded
        Canonical capacity table: school, school_name, area, phase, ncy_min, ncy_max,
        capacity, roll, year, source.
    """
    source = str(path)
    raw = read_csv_checked(path)
    require_columns(raw, _COLUMNS, source, "the DfE SCAP school-level capacity file")
    la = pd.to_numeric(raw["LA1"], errors="coerce")
    if la.isna().any():
        raise_rows_error(
            source, "LA1", raw, la.isna().to_numpy(), "non-numeric value", "an LA number"
        )
    if la_codes is not None:
        raw = raw.loc[la.isin(la_codes).to_numpy()].copy()
        if raw.empty:
            raise SchemaError(f"{source}: no schools with LA1 in {la_codes}.")
    raw = _repair_split_names(raw, source)
    phase = raw["Phase"].astype("string").str.strip()
    badp = ~phase.isin(list(SCAP_PHASES)).to_numpy()
    if badp.any():
        raise_rows_error(source, "Phase", raw, badp, "unknown phase", ", ".join(SCAP_PHASES))
    phase = phase.to_numpy()
    split = np.isin(phase, ["MP", "MS", "AT"])
    net = _num(raw, "Netcapacity (1)", source, ~split)
    pcap = _num(raw, "PrimaryCapacity (2)", source, split)
    scap = _num(raw, "SecondaryCapacity (2)", source, split)
    roll = _num(raw, "MAYNOR", source, np.zeros(len(raw), bool))
    ppa = (
        raw["Primary PA code (2)"].astype("string").str.strip().str.replace(r"\.0$", "", regex=True)
    )
    spa = (
        raw["Secondary PA code (2)"]
        .astype("string")
        .str.strip()
        .str.replace(r"\.0$", "", regex=True)
    )
    has_p = (phase == "PS") | split
    has_s = (phase == "SS") | split
    for col, need, pa in (
        ("Primary PA code (2)", has_p, ppa),
        ("Secondary PA code (2)", has_s, spa),
    ):
        miss = need & pa.isna().to_numpy()
        if miss.any():
            raise_rows_error(
                source,
                col,
                raw,
                miss,
                "missing planning-area code",
                "a 7-digit planning-area code for this phase of school",
            )
        bad = need & ~pa.str.fullmatch(PA_CODE).fillna(False).to_numpy(dtype=bool)
        if bad.any():
            raise_rows_error(
                source,
                col,
                raw,
                bad,
                "unknown area code",
                "a 7-digit DfE planning-area code like 8850031",
            )
    total = np.where(split, np.nan_to_num(pcap) + np.nan_to_num(scap), net)
    with np.errstate(invalid="ignore", divide="ignore"):
        pshare = np.where(split, np.nan_to_num(pcap) / total, (phase == "PS").astype(float))
    pshare = np.nan_to_num(pshare)
    ncy_p = {"PS": (0, 6), "MP": (5, 6), "MS": (5, 6), "AT": (0, 6)}
    ncy_s = {"SS": (7, 13), "MP": (7, 8), "MS": (7, 8), "AT": (7, 13)}
    rows = []
    school = raw["LAEstab"].astype("string").str.strip().to_numpy()
    names = raw["Schoolname"].astype("string").str.strip().to_numpy()
    lines = raw["_line"].to_numpy()
    for part, mask, cap, pa, ranges, share in (
        ("primary", has_p, np.where(split, pcap, net), ppa.to_numpy(), ncy_p, pshare),
        ("secondary", has_s, np.where(split, scap, net), spa.to_numpy(), ncy_s, 1 - pshare),
    ):
        idx = np.flatnonzero(mask)
        rows.append(
            pd.DataFrame(
                {
                    nc.SCHOOL: school[idx],
                    "school_name": names[idx],
                    nc.AREA: pa[idx],
                    nc.PHASE: part,
                    "ncy_min": [ranges[p][0] for p in phase[idx]],
                    "ncy_max": [ranges[p][1] for p in phase[idx]],
                    nc.CAPACITY: cap[idx],
                    nc.ROLL: roll[idx] * share[idx],
                    nc.YEAR: year,
                    "scap_phase": phase[idx],
                    nc.SOURCE: Path(path).name,
                    "_line": lines[idx],
                }
            )
        )
    frame = pd.concat(rows, ignore_index=True)
    data = validate_frame(
        frame,
        "capacity",
        source,
        published={nc.SCHOOL: "LAEstab", nc.CAPACITY: "Netcapacity (1)", nc.ROLL: "MAYNOR"},
    )
    note_capacity_lines(data, source, frame[nc.SCHOOL], frame[nc.PHASE], frame["_line"])
    data["scap_phase"] = (
        frame.set_index([nc.SCHOOL, nc.PHASE])
        .loc[list(zip(data[nc.SCHOOL], data[nc.PHASE])), "scap_phase"]
        .to_numpy()
    )
    split = int((data.groupby(nc.SCHOOL)[nc.PHASE].nunique() > 1).sum())
    prov = Provenance(
        "capacity",
        source,
        sha256_of(path),
        "read_scap_capacity",
        len(data),
        (year,),
        "actual",
        f"DfE, School capacity: academic year {year} to {year + 1} (school-level data)",
        (
            f"{split} middle or all-through school{'s' if split != 1 else ''} split into primary "
            "and secondary rows, the roll in proportion to capacity (derived)"
            if split
            else ""
        ),
    )
    logger.info("read %d capacity rows (%d schools) from %s", len(data), raw.shape[0], source)
    return Loaded(data, (prov,))
