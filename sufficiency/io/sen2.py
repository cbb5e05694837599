"""Readers for the DfE SEN2 tables of education, health and care (EHC) plans.

Four files, each read exactly as published by the DfE ("Education, health and care plans",
Explore Education Statistics):

* ``ehcp_2022_sen2_age_caseload.csv`` (:func:`read_sen2_age`): plans by age band, January
  2010-2022 (``Total_all`` = statements + EHC plans, so the series runs through the 2014-2018
  transfer from statements to plans).
* ``ehcp_2022_sen2_estab_caseload.csv`` (:func:`read_sen2_establishment`): plans by type of
  establishment, January 2010-2022.
* ``ehcp_2025_caseload.csv`` (:func:`read_sen2_caseload`): plans by type of placement, 2018/19 to
  2024/25, and by single year of age x placement for the last two years.
* ``ehcp_2025_sen_needs_all_plans.csv`` (:func:`read_sen2_needs`): plans by primary need, by
  age and by placement, 2024/25.

Every reader returns a :class:`~sufficiency.io._common.Loaded` whose ``data`` follows the
``ehc_plans`` schema: ``area`` (new LA code; England is ``E92000001``), ``year`` (academic year
start: the January 2022 count belongs to 2021/22, so ``year = 2021``), ``age`` (``"all"``, a
single year ``"5"``, or a band ``"5 to 10"``, ``"0 to 2"``, ``"20 and over"``: the DfE's wording
without "Age", never ``"5-10"``, which Excel reads as a date; a file with ``"5-10"`` or
``"20+"`` still reads, as ``"5 to 10"``, ``"20 and over"``), ``placement`` (one of
:data:`PLACEMENTS` or ``"all"``), ``need`` (one of :data:`NEEDS` or ``"all"``) and ``plans``.

DfE markers ``x`` (not available), ``c`` (suppressed, confidential) and ``z`` (not applicable)
are *not* errors: they are read as missing values, the rows are left out, and the provenance
note says how many there were. Any other non-numeric value, a negative count, a duplicate row,
an impossible year or an unknown area code raises :class:`~sufficiency.exceptions.SchemaError`
naming the file, column, line and value.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from .. import nomenclature as nc
from .._frozen import FrozenDict
from .._values import plural
from ..exceptions import SchemaError
from ..schema import raise_rows_error, validate_frame
from ._common import (
    DFE_MARKERS,
    Loaded,
    Provenance,
    numeric_with_markers,
    read_csv_checked,
    require_columns,
    sha256_of,
)

__all__ = [
    "PLACEMENTS",
    "NEEDS",
    "SUPPRESSION_MARKERS",
    "ENGLAND",
    "read_sen2_age",
    "read_sen2_establishment",
    "read_sen2_caseload",
    "read_sen2_needs",
    "read_sen2",
]

logger = logging.getLogger(__name__)

_PUBLISHER = "DfE, Education, health and care plans (SEN2)"
ENGLAND = "E92000001"
#: DfE symbols meaning "no figure": not available, confidential (suppressed), not applicable.
SUPPRESSION_MARKERS = DFE_MARKERS
#: Types of placement, coarsest grouping common to the 2022 and 2025 releases.
PLACEMENTS = (
    "mainstream",
    "resourced_provision",
    "special_state",
    "special_independent",
    "alternative_provision",
    "post16_fe",
    "other",
)
#: Primary needs, as the DfE codes them (``number_<need>`` columns).
NEEDS = (
    "asd",
    "hi",
    "mld",
    "msi",
    "oth",
    "pd",
    "pmld",
    "semh",
    "slcn",
    "sld",
    "spld",
    "vi",
    "need_unknown",
)
_AREA_RE = re.compile(r"^E\d{8}$")
_YEAR_RANGE = (2000, 2100)

#: 2025 caseload columns -> placement group ("other" is the residual of the plan total).
CASELOAD_COLUMNS = FrozenDict(
    {
        "mainstream": (
            "mainstream_la_maintained",
            "mainstream_academy",
            "mainstream_free_school",
            "mainstream_independent",
        ),
        "resourced_provision": (
            "mainstream_la_maintained_resourced_provision",
            "mainstream_la_maintained_senunit",
            "mainstream_academy_resourced_provision",
            "mainstream_academy_senunit",
            "mainstream_free_school_resourced_provision",
            "mainstream_free_school_senunit",
        ),
        "special_state": ("special_la_maintained", "special_academy_free"),
        "special_independent": ("special_independent", "special_non_maintained"),
        "alternative_provision": ("ap_pru_academy", "ap_pru_free_school", "ap_pru_la_maintained"),
        "post16_fe": (
            "general_fe_tertiary_colleges",
            "specialist_post_16_institutions",
            "ukrlp_provider",
        ),
    }
)


def _establishment_group(etype: pd.Series) -> np.ndarray:
    """Map the 2022 file's ``establishment_type`` to :data:`PLACEMENTS`."""
    t = etype.astype("string").str.strip().str.lower().fillna("")
    out = np.full(len(t), "other", dtype=object)
    conds = [
        (t.str.startswith("mainstream") & ~t.str.contains("resourced|sen unit")).to_numpy(),
        (t.str.startswith("mainstream") & t.str.contains("resourced|sen unit")).to_numpy(),
        t.isin(
            [
                "special - la maintained",
                "special - academy/free",
                "special - academy",
                "special - free school",
            ]
        ).to_numpy(),
        t.isin(["special - independent", "special - non-maintained"]).to_numpy(),
        t.str.startswith("ap/pru").to_numpy(),
        t.isin(
            [
                "general fe and tertiary colleges/he",
                "other fe",
                "sixth form college",
                "specialist post-16 institutions",
                "independent specialist providers",
            ]
        ).to_numpy(),
    ]
    for placement, cond in zip(PLACEMENTS[:-1], conds):
        out[cond] = placement
    return out


def _placement_of_label(label: pd.Series) -> np.ndarray:
    """Map the needs file's "Type of placement" labels to :data:`PLACEMENTS` (None = a total)."""
    t = label.astype("string").str.strip().str.lower().fillna("")
    out = np.full(len(t), "other", dtype=object)
    out[t.str.startswith("mainstream").to_numpy()] = "mainstream"
    out[(t.str.startswith("mainstream") & t.str.contains("resourced|sen unit")).to_numpy()] = (
        "resourced_provision"
    )
    out[t.isin(["special - academy/free schools", "special - la maintained"]).to_numpy()] = (
        "special_state"
    )
    out[t.isin(["special - independent", "special - non-maintained"]).to_numpy()] = (
        "special_independent"
    )
    out[t.str.startswith("ap/pru").to_numpy()] = "alternative_provision"
    out[t.str.startswith("fe - ").to_numpy()] = "post16_fe"
    # totals of a group would double count its parts
    out[t.str.endswith("- total").to_numpy()] = None
    return out


def _age_label(raw: pd.Series) -> pd.Series:
    """Canonical age labels, the DfE's wording without "Age".

    ``"age 5" -> "5"``, ``"Age 5 to 10" -> "5 to 10"``, ``"Under 5" -> "0 to 4"``,
    ``"Age 3 and under" -> "0 to 3"``, ``"Age 20 and over" -> "20 and over"``,
    ``"Total"`` -> ``"all"``. A band is never ``"N-M"``: Excel reads ``5-10`` or ``11-15`` in
    a CSV as a date. The engine's labels before November 2026 (``"5-10"``, ``"20+"``), which a
    user's own SEN2-like file may carry, map to the same labels (``"5 to 10"``,
    ``"20 and over"``); canonical labels are kept as they are.
    """
    t = raw.astype("string").str.strip().str.lower()
    out = t.str.replace(r"^age (\d+) to (\d+)$", r"\1 to \2", regex=True)
    out = out.str.replace(r"^(\d+)-(\d+)$", r"\1 to \2", regex=True)
    out = out.str.replace(r"^age (\d+) and over$", r"\1 and over", regex=True)
    out = out.str.replace(r"^(\d+)\+$", r"\1 and over", regex=True)
    out = out.str.replace(r"^age (\d+) and under$", r"0 to \1", regex=True)
    out = out.str.replace(r"^under (\d+)$", lambda m: f"0 to {int(m.group(1)) - 1}", regex=True)
    out = out.str.replace(r"^age (\d+)$", r"\1", regex=True)
    out = out.replace({"total": "all", "all ehc plans": "all"})
    return out.astype(object)


#: a canonical age label: all, a single year, a band or an open band
_AGE_OK = re.compile(r"^(all|\d+|\d+ to \d+|\d+ and over)$")
_AGE_EXPECTED = (
    "a DfE age label: 'Total', 'Under N', 'Age N', 'Age N to M', 'Age N and over' "
    "or 'Age N and under' (case ignored), e.g. 'Age 5 to 10', or the engine's own "
    "'N to M' or 'N-M' (e.g. '5 to 10')"
)


def _checked_age_label(
    raw: pd.DataFrame, column: str, source: str, rows: np.ndarray | None = None
) -> np.ndarray:
    """:func:`_age_label` of ``raw[column]``, raising for a label it does not recognise.

    An unrecognised label (``Age 5-10``) would otherwise pass through as an age band of its
    own that no later step knows, and its plans would silently drop out of every total.
    ``rows`` limits the check (and the result) to the rows that hold ages.
    """
    sub = raw if rows is None else raw.loc[rows]
    age = _age_label(sub[column]).to_numpy()
    bad = np.array([not (isinstance(a, str) and _AGE_OK.match(a)) for a in age], dtype=bool)
    if bad.any():
        raise_rows_error(source, column, sub, bad, "unrecognised age label", _AGE_EXPECTED)
    return age


def _check_authorities(
    raw: pd.DataFrame, authorities: Iterable[str] | None, source: str, column: str, what: str
) -> None:
    """Raise when an authority asked for has no rows (an empty series downstream, not an error)."""
    if authorities is None:
        return
    present = set(raw.loc[raw["_area"] != ENGLAND, "_area"])
    missing = [a for a in authorities if a not in present and a != ENGLAND]
    if missing:
        raise SchemaError(
            f"{source}: no {what} rows for local authority {', '.join(missing)} (column "
            f"{column!r}, geographic_level 'Local authority'); expected the authority's rows. "
            "Check the file is the full national release, not an extract for other authorities."
        )


def _counts(raw: pd.DataFrame, column: str, source: str) -> tuple[np.ndarray, int]:
    """Numeric counts of a published column; DfE markers -> NaN. Returns (values, n markers)."""
    return numeric_with_markers(
        raw,
        column,
        source,
        "a count of plans",
        noun="count",
        unit=" [count]",
        markers=SUPPRESSION_MARKERS,
    )


def _common(
    path: str | Path,
    what: str,
    extra: Iterable[str],
    authorities: Iterable[str] | None,
    known_areas: Iterable[str] | None,
    include_england: bool,
) -> tuple[pd.DataFrame, str]:
    """Read, check the shared columns, keep LA (+ England) rows; add ``_area`` and ``_year``."""
    source = str(path)
    raw = read_csv_checked(path)
    require_columns(
        raw,
        ["time_period", "time_identifier", "geographic_level", "new_la_code", *extra],
        source,
        what,
    )
    level = raw["geographic_level"].astype("string").str.strip()
    keep = (level == "Local authority") | ((level == "National") & include_england)
    raw = raw.loc[keep.fillna(False).to_numpy(dtype=bool)].copy()
    national = (raw["geographic_level"].str.strip() == "National").to_numpy()
    area = raw["new_la_code"].astype("string").str.strip().to_numpy(dtype=object)
    area = np.where(national, ENGLAND, area)
    raw["_area"] = area
    bad = ~national & ~np.array([isinstance(a, str) and bool(_AREA_RE.match(a)) for a in area])
    if bad.any():
        raise_rows_error(
            source,
            "new_la_code",
            raw,
            bad,
            "unknown area code",
            "a local authority code like E10000034",
        )
    if known_areas is not None:
        known = set(known_areas) | {ENGLAND}
        bad = ~raw["_area"].isin(known).to_numpy()
        if bad.any():
            raise_rows_error(
                source,
                "new_la_code",
                raw,
                bad,
                "unknown area code",
                f"one of {', '.join(sorted(known)[:10])}",
            )
    if authorities is not None:
        wanted = set(authorities) | ({ENGLAND} if include_england else set())
        raw = raw.loc[raw["_area"].isin(wanted).to_numpy()].copy()
    years = np.full(len(raw), -1, dtype="int64")
    calendar = (
        raw["time_identifier"]
        .astype("string")
        .str.strip()
        .str.lower()
        .eq("calendar year")
        .fillna(False)
        .to_numpy(dtype=bool)
    )
    bad = np.zeros(len(raw), dtype=bool)
    for i, v in enumerate(raw["time_period"].to_numpy()):
        try:
            y = nc.parse_dfe_time_period(v)
        except (ValueError, TypeError):
            bad[i] = True
            continue
        # a calendar-year SEN2 count is taken in January: it belongs to the academic year before
        years[i] = y - 1 if calendar[i] else y
    if bad.any():
        raise_rows_error(
            source,
            "time_period",
            raw,
            bad,
            "unreadable time period",
            "YYYY (calendar year) or YYYYyy (academic year, e.g. 202425)",
        )
    out_of_range = (years < _YEAR_RANGE[0]) | (years > _YEAR_RANGE[1])
    if out_of_range.any():
        raise_rows_error(
            source,
            "time_period",
            raw,
            out_of_range,
            "impossible year",
            f"a year between {_YEAR_RANGE[0]} and {_YEAR_RANGE[1]}",
        )
    raw["_year"] = years
    return raw, source


def _check_duplicates(raw: pd.DataFrame, key: list[str], source: str) -> None:
    dup = raw.duplicated(subset=key, keep=False).to_numpy()
    if dup.any():
        raise_rows_error(
            source,
            "/".join(key),
            raw,
            dup,
            "duplicate row",
            f"one row per {' x '.join(key)}",
            "Remove the repeated rows.",
        )


def _finish(frame: pd.DataFrame, path: str | Path, reader: str, markers: int, note: str) -> Loaded:
    source = str(path)
    frame = frame[np.isfinite(frame[nc.PLANS].to_numpy(dtype=float))]
    frame = frame.assign(**{nc.SOURCE: Path(path).name})
    data = validate_frame(frame, "ehc_plans", source, year_range=_YEAR_RANGE)
    if markers:
        note += (
            f"; DfE markers x/c/z (not available, suppressed or not applicable) in "
            f"{plural(markers, 'cell')}, treated as missing, not as zero"
        )
        logger.info("%s: %d DfE marker value(s) treated as missing", source, markers)
    prov = Provenance(
        "ehc_plans",
        source,
        sha256_of(path),
        reader,
        len(data),
        (int(data[nc.YEAR].min()), int(data[nc.YEAR].max())) if len(data) else (),
        "actual",
        _PUBLISHER,
        note,
    )
    return Loaded(data, (prov,))


def read_sen2_age(
    path: str | Path,
    *,
    authorities: Iterable[str] | None = None,
    known_areas: Iterable[str] | None = None,
    include_england: bool = True,
) -> Loaded:
    """Read EHC plans by age band (``ehcp_2022_sen2_age_caseload.csv`` layout).

    Parameters
    ----------
    path : path-like
        The published CSV.
    authorities : iterable of str, optional
        New LA codes to keep (England is kept too when ``include_england``).
    known_areas : iterable of str, optional
        Valid LA codes; a row with any other raises.
    include_england : bool
        Keep the national rows (``area = "E92000001"``).

    Returns
    -------
    Loaded
        ``ehc_plans`` table: age bands ``0 to 4, 5 to 10, 11 to 15, 16 to 19, 20 to 25`` and
        ``all``; ``placement = need = "all"``; ``plans`` = ``Total_all`` (statements + EHC
        plans) [count].
    """
    raw, source = _common(
        path,
        "the DfE SEN2 age caseload file",
        ["characteristic_age", "Total_all"],
        authorities,
        known_areas,
        include_england,
    )
    _check_authorities(raw, authorities, source, "new_la_code", "age")
    _check_duplicates(raw, ["time_period", "_area", "characteristic_age"], source)
    age = _checked_age_label(raw, "characteristic_age", source)
    plans, markers = _counts(raw, "Total_all", source)
    frame = pd.DataFrame(
        {
            nc.AREA: raw["_area"].to_numpy(),
            nc.YEAR: raw["_year"].to_numpy(),
            "age": age,
            "placement": "all",
            "need": "all",
            nc.PLANS: plans,
            "_line": raw["_line"].to_numpy(),
        }
    )
    return _finish(
        frame,
        path,
        "read_sen2_age",
        markers,
        "January count -> academic year before; Total_all = statements + EHC plans",
    )


def read_sen2_establishment(
    path: str | Path,
    *,
    authorities: Iterable[str] | None = None,
    known_areas: Iterable[str] | None = None,
    include_england: bool = True,
) -> Loaded:
    """Read EHC plans by type of establishment (``ehcp_2022_sen2_estab_caseload.csv`` layout).

    Establishment types are grouped into :data:`PLACEMENTS` (hospital schools, educated
    elsewhere, NEET, early years and unknown go to ``"other"``); the published ``Total`` row
    gives ``placement = "all"``.

    Returns
    -------
    Loaded
        ``ehc_plans`` table with ``age = need = "all"``; ``plans`` = ``Total_all`` [count].
    """
    raw, source = _common(
        path,
        "the DfE SEN2 establishment caseload file",
        ["establishment_type", "establishment_group", "Total_all"],
        authorities,
        known_areas,
        include_england,
    )
    _check_authorities(raw, authorities, source, "new_la_code", "establishment")
    _check_duplicates(
        raw, ["time_period", "_area", "establishment_group", "establishment_type"], source
    )
    plans, markers = _counts(raw, "Total_all", source)
    etype = raw["establishment_type"].astype("string").str.strip()
    group = raw["establishment_group"].astype("string").str.strip()
    is_total = (group == "Total").fillna(False).to_numpy(dtype=bool)
    is_sub = (etype == "Total").fillna(False).to_numpy(dtype=bool) & ~is_total
    # "Awaiting provision - total" double counts its parts
    is_sub |= etype.str.lower().str.endswith("- total").fillna(False).to_numpy(dtype=bool)
    placement = _establishment_group(etype)
    placement[is_total] = "all"
    frame = pd.DataFrame(
        {
            nc.AREA: raw["_area"].to_numpy(),
            nc.YEAR: raw["_year"].to_numpy(),
            "age": "all",
            "placement": placement,
            "need": "all",
            nc.PLANS: plans,
        }
    )[~is_sub]
    frame = frame.groupby([nc.AREA, nc.YEAR, "age", "placement", "need"], as_index=False)[
        nc.PLANS
    ].sum(min_count=1)
    return _finish(
        frame,
        path,
        "read_sen2_establishment",
        markers,
        "January count -> academic year before; establishment types grouped into "
        + ", ".join(PLACEMENTS),
    )


def read_sen2_caseload(
    path: str | Path,
    *,
    authorities: Iterable[str] | None = None,
    known_areas: Iterable[str] | None = None,
    include_england: bool = True,
) -> Loaded:
    """Read EHC plans by type of placement and age (``ehcp_2025_caseload.csv`` layout).

    Rows ``All EHC plans`` (every year) and ``Child or young persons age`` (single years of
    age, last two years) are read; the placement columns are summed into :data:`PLACEMENTS`
    (``other`` = the plan total minus the six named groups: educated elsewhere, NEET, early
    years, unknown), plus ``placement = "all"`` (``ehcplans``).

    Returns
    -------
    Loaded
        ``ehc_plans`` table, ``need = "all"``, ages ``all``, ``0 to 2``, ``3`` .. ``25``
        [count].
    """
    cols = [c for group in CASELOAD_COLUMNS.values() for c in group]
    raw, source = _common(
        path,
        "the DfE SEN2 2025 caseload file",
        ["breakdown_topic", "breakdown", "ehcplans", *cols],
        authorities,
        known_areas,
        include_england,
    )
    topic = raw["breakdown_topic"].astype("string").str.strip()
    raw = raw.loc[
        topic.isin(["All EHC plans", "Child or young persons age"])
        .fillna(False)
        .to_numpy(dtype=bool)
    ].copy()
    _check_authorities(raw, authorities, source, "new_la_code", "caseload")
    _check_duplicates(raw, ["time_period", "_area", "breakdown_topic", "breakdown"], source)
    total, markers = _counts(raw, "ehcplans", source)
    values = {}
    for placement, group in CASELOAD_COLUMNS.items():
        parts = []
        for c in group:
            v, m = _counts(raw, c, source)
            markers += m
            parts.append(v)
        stacked = np.vstack(parts)
        # a group is missing only if all its parts are; a suppressed part counts as none
        values[placement] = np.where(
            np.isnan(stacked).all(axis=0), np.nan, np.nansum(stacked, axis=0)
        )
    named = np.nansum(np.vstack(list(values.values())), axis=0)
    values["other"] = np.where(np.isnan(total), np.nan, np.clip(total - named, 0, None))
    values["all"] = total
    age = _checked_age_label(raw, "breakdown", source)
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    nc.AREA: raw["_area"].to_numpy(),
                    nc.YEAR: raw["_year"].to_numpy(),
                    "age": age,
                    "placement": p,
                    "need": "all",
                    nc.PLANS: v,
                }
            )
            for p, v in values.items()
        ],
        ignore_index=True,
    )
    return _finish(
        frame,
        path,
        "read_sen2_caseload",
        markers,
        "placement columns grouped into "
        + ", ".join(PLACEMENTS)
        + "; 'other' = total minus the named groups",
    )


def read_sen2_needs(
    path: str | Path,
    *,
    authorities: Iterable[str] | None = None,
    known_areas: Iterable[str] | None = None,
    include_england: bool = True,
) -> Loaded:
    """Read EHC plans by primary need (``ehcp_2025_sen_needs_all_plans.csv`` layout).

    Rows ``All EHC plans``, ``Child or young persons age`` and ``Type of placement`` are
    read; ``number_<need>`` columns give the plans per primary need (:data:`NEEDS`), and
    ``ehc_plans`` gives ``need = "all"``. Placement labels are grouped into
    :data:`PLACEMENTS`; group totals (``Special - total``) are left out to avoid double counts.

    Returns
    -------
    Loaded
        ``ehc_plans`` table by age *or* placement (the other is ``"all"``) and need [count].
    """
    need_cols = [f"number_{n}" for n in NEEDS]
    raw, source = _common(
        path,
        "the DfE SEN2 primary need file",
        ["breakdown_topic", "breakdown", "ehc_plans", *need_cols],
        authorities,
        known_areas,
        include_england,
    )
    topic = raw["breakdown_topic"].astype("string").str.strip().fillna("")
    raw = raw.loc[
        topic.isin(["All EHC plans", "Child or young persons age", "Type of placement"]).to_numpy()
    ].copy()
    topic = raw["breakdown_topic"].astype("string").str.strip()
    _check_authorities(raw, authorities, source, "new_la_code", "primary need")
    _check_duplicates(raw, ["time_period", "_area", "breakdown_topic", "breakdown"], source)
    by_placement = (topic == "Type of placement").to_numpy()
    placement = np.full(len(raw), "all", dtype=object)
    placement[by_placement] = _placement_of_label(raw.loc[by_placement, "breakdown"])
    age = np.full(len(raw), "all", dtype=object)
    age[~by_placement] = _checked_age_label(raw, "breakdown", source, ~by_placement)
    keep = np.array([p is not None for p in placement])
    markers = 0
    parts = []
    for need, col in (("all", "ehc_plans"), *zip(NEEDS, need_cols)):
        v, m = _counts(raw, col, source)
        markers += m
        parts.append(
            pd.DataFrame(
                {
                    nc.AREA: raw["_area"].to_numpy(),
                    nc.YEAR: raw["_year"].to_numpy(),
                    "age": age,
                    "placement": placement,
                    "need": need,
                    nc.PLANS: v,
                }
            )[keep]
        )
    frame = pd.concat(parts, ignore_index=True)
    frame = frame.groupby([nc.AREA, nc.YEAR, "age", "placement", "need"], as_index=False)[
        nc.PLANS
    ].sum(min_count=1)
    return _finish(
        frame,
        path,
        "read_sen2_needs",
        markers,
        "primary need columns number_<need>; placement labels grouped into "
        + ", ".join(PLACEMENTS),
    )


_FILES = FrozenDict(
    {
        "age": ("ehcp_2022_sen2_age_caseload.csv", read_sen2_age),
        "establishment": ("ehcp_2022_sen2_estab_caseload.csv", read_sen2_establishment),
        "caseload": ("ehcp_2025_caseload.csv", read_sen2_caseload),
        "needs": ("ehcp_2025_sen_needs_all_plans.csv", read_sen2_needs),
    }
)


def read_sen2(directory: str | Path, **kwargs) -> dict[str, Loaded]:
    """Read the four SEN2 files from ``directory`` (names as published in ``data/``).

    Returns
    -------
    dict
        ``{"age", "establishment", "caseload", "needs"}`` -> :class:`Loaded`.
    """
    d = Path(directory)
    return {k: reader(d / name, **kwargs) for k, (name, reader) in _FILES.items()}
