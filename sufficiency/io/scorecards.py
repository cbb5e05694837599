"""Readers for the DfE local authority school places scorecards.

Each edition is one CSV (with a ``*_metadata.csv`` column dictionary). Columns differ between
editions; the ones used here are stable:

* ``For_{h}_P`` / ``For_{h}_S``: the authority's own forecast accuracy, signed
  ``(forecast - actual) / actual`` of its total primary (R-Y6) or secondary (Y7-Y11) pupils,
  for the forecast made ``h`` years before (h = 1 and 3; the 2022 edition has 2).
* ``CPP_{P|S}_{NS|EP|ET}``: cost per place of new schools, permanent and temporary expansions
  [GBP], the DfE's benchmarks (since the 2021 edition one figure for every authority of a
  region: ``basis`` says which).

Target years (the academic year the accuracy refers to): edition 2019 -> 2018/19; 2022 ->
2021/22; 2023 -> 2022/23; 2024 -> 2023/24; the 2025 file carries a ``Year`` column with rows
for 2022/23, 2023/24 and 2024/25. The 2021 edition does not state its target year in the
files we hold, so its accuracy columns are not used (its costs are).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .. import nomenclature as nc
from ..exceptions import SchemaError
from ..schema import raise_rows_error
from ._common import (
    DFE_MARKERS,
    GSS_CODE,
    Loaded,
    Provenance,
    check_codes,
    marker_mask,
    read_csv_checked,
    require_columns,
    sha256_of,
)

__all__ = [
    "read_scorecards",
    "read_cost_benchmarks",
    "read_published_position",
    "SCORECARD_TARGET_YEARS",
    "PUBLISHED_MEASURES",
]

logger = logging.getLogger(__name__)

#: edition -> academic year (start) its forecast-accuracy columns refer to
SCORECARD_TARGET_YEARS = {2019: 2018, 2022: 2021, 2023: 2022, 2024: 2023}

_PUBLISHER = "DfE, Local authority school places scorecards"
_FOR = re.compile(r"^For_([123])_([PS])$")
_CPP = re.compile(r"^CPP_([PS])_(NS|EP|ET)$")
_OPTION = {"NS": "new_school", "EP": "permanent_expansion", "ET": "temporary_expansion"}
_PHASE = {"P": "primary", "S": "secondary"}


#: Scorecard column -> (phase, measure) read by :func:`read_published_position`: the
#: authority's own position as it returned it to the DfE (SCAP) for the SCAP year.
PUBLISHED_MEASURES = {
    "PriNOR": ("primary", "pupils_on_roll"),
    "SecNOR": ("secondary", "pupils_on_roll"),
    "Quan_P_RP": ("primary", "places_needed"),
    "Quan_S_RP": ("secondary", "places_needed"),
    "Quan_P_PP": ("primary", "places_planned"),
    "Quan_S_PP": ("secondary", "places_planned"),
    "Quan_P_In": ("primary", "places_created"),
    "Quan_S_In": ("secondary", "places_created"),
    "Quan_P_UP": ("primary", "unfilled_pct"),
    "Quan_S_UP": ("secondary", "unfilled_pct"),
    "PriCap": ("primary", "capacity"),
    "SecCap": ("secondary", "capacity"),
    "Funding": ("all", "basic_need_funding"),
}
#: descriptions of columns the metadata files do not describe
_OWN_LABELS = {
    "PriNOR": "Primary pupils on roll in the SCAP year (PriNOR)",
    "SecNOR": "Secondary pupils on roll in the SCAP year (SecNOR)",
    "PriCap": "Primary school places (capacity) in the SCAP year (PriCap)",
    "SecCap": "Secondary school places (capacity) in the SCAP year (SecCap)",
}
#: measures that refer to 3 years after the SCAP year ("3 years ahead" in the 2025 metadata)
_AHEAD = ("places_needed", "places_planned")
_YEAR_IN_LABEL = re.compile(r"(?:^|\D)(\d{2}|\d{4})/(\d{2})\)?\s*$")


def _labels(path: Path, edition: int) -> dict[str, str]:
    """Column -> the DfE's own description, from the edition's ``*_metadata.csv`` if present."""
    meta = path.parent / f"{edition}_metadata.csv"
    if not meta.exists():
        return {}
    m = read_csv_checked(meta)
    if not {"programmer_friendly_names", "user_friendly_names"} <= set(m.columns):
        return {}
    return dict(
        zip(m["programmer_friendly_names"].str.strip(), m["user_friendly_names"].str.strip())
    )


def _label_year(label: str, default: int) -> int:
    """The academic year (start) a label ends with: ``"... 3 years ahead (2027/28)" -> 2027``,
    ``"... in 25/26" -> 2025``; ``default`` if it names none."""
    m = _YEAR_IN_LABEL.search(label or "")
    if not m:
        return default
    y = int(m.group(1))
    return y if y >= 1000 else 2000 + y


def _editions_in(directory: Path) -> list[tuple[int, Path]]:
    out = []
    for p in sorted(directory.glob("*.csv")):
        if "metadata" in p.name:
            continue
        m = re.match(r"^(\d{4})_", p.name)
        if not m:
            continue
        out.append((int(m.group(1)), p))
    return out


def _edition_files(directory: Path) -> list[tuple[int, Path]]:
    if not directory.is_dir():
        raise SchemaError(f"{directory}: not a directory; expected the scorecards folder.")
    out = _editions_in(directory)
    if not out:
        # the folder of all the data given instead of its scorecards folder: name the one to use
        inside = [str(d) for d in sorted(directory.iterdir()) if d.is_dir() and _editions_in(d)]
        raise SchemaError(
            f"{directory}: no scorecard files found; expected files named YYYY_scorecard*_data*.csv."
            + (f" Did you mean {' or '.join(inside)}?" if inside else "")
        )
    return out


def _numeric(raw: pd.DataFrame, col: str, source: str) -> np.ndarray:
    """Convert a published column, treating DfE markers (x, z, c, blanks) as missing."""
    s = raw[col].astype("string").str.strip()
    marker = s.isna().to_numpy() | marker_mask(s, DFE_MARKERS + ("u", ":", "..", "", "na", "nan"))
    v = pd.to_numeric(s.where(~marker), errors="coerce")
    bad = v.isna().to_numpy() & ~marker
    if bad.any():
        raise_rows_error(
            source, col, raw, bad, "non-numeric value", "a number or a DfE marker (x, z, c)"
        )
    return v.to_numpy(dtype=float)


def _nonnegative(
    raw: pd.DataFrame, col: str, source: str, expected: str = "a cost per place >= 0 [GBP]"
) -> np.ndarray:
    v = _numeric(raw, col, source)
    neg = np.nan_to_num(v) < 0
    if neg.any():
        raise_rows_error(source, col, raw, neg, "negative value", expected)
    return v


def _read_all(files: list[tuple[int, Path]]) -> dict[Path, pd.DataFrame]:
    """Read and check every edition once: codes well formed, one row per LA (and year),
    the accuracy columns in primary/secondary pairs and the cost columns complete."""
    raws = {}
    for _, path in files:
        source = str(path)
        raw = read_csv_checked(path)
        require_columns(raw, ["LANumber", "LA_name"], source, "a DfE school places scorecard file")
        if "new_la_code" in raw.columns:
            check_codes(
                raw,
                "new_la_code",
                source,
                GSS_CODE,
                "an ONS authority code like E10000034",
                allow_missing=True,
            )
        key = ["LANumber"] + (["Year"] if "Year" in raw.columns else [])
        dup = raw.duplicated(subset=key, keep=False).to_numpy()
        if dup.any():
            raise_rows_error(
                source,
                "/".join(key),
                raw,
                dup,
                "duplicate key",
                "one row per " + " x ".join(key),
                "Remove the repeated rows.",
            )
        cols = set(raw.columns)
        for col in sorted(cols):
            m = _FOR.match(col)
            if m:
                other = f"For_{m.group(1)}_{'S' if m.group(2) == 'P' else 'P'}"
                if other not in cols:
                    raise SchemaError(
                        f"{source}: missing column {other!r}; the accuracy columns come in "
                        f"primary/secondary pairs and {col!r} is present."
                    )
        cpp = {c for c in cols if _CPP.match(c)}
        if cpp:
            expected = {f"CPP_{p}_{o}" for p in _PHASE for o in _OPTION}
            if cpp != expected:
                raise SchemaError(
                    f"{source}: missing column(s) {sorted(expected - cpp)}; the cost-per-place "
                    f"columns come as the set {sorted(expected)}."
                )
        raws[path] = raw
    return raws


def _codes(raws: dict[Path, pd.DataFrame]) -> dict[int, str]:
    """old LA number -> new LA code, from the editions that carry both."""
    mapping: dict[int, str] = {}
    for d in raws.values():
        if "new_la_code" in d.columns:
            d = d[["LANumber", "new_la_code"]].dropna()
            for num, code in zip(d["LANumber"], d["new_la_code"]):
                try:
                    mapping[int(float(num))] = code.strip()
                except ValueError:
                    continue
    mapping.setdefault(0, "E92000001")  # England
    return mapping


def _frame(edition: int, path: Path, raw: pd.DataFrame, codes: dict[int, str]) -> pd.DataFrame:
    source = str(path)
    raw = raw.copy()
    num = _numeric(raw, "LANumber", source)
    if np.isnan(num).any():
        raise_rows_error(source, "LANumber", raw, np.isnan(num), "missing value", "an LA number")
    raw["_old"] = num.astype(int)
    mapped = pd.Series([codes.get(n) for n in raw["_old"]], index=raw.index, dtype="object")
    if "new_la_code" in raw.columns:
        given = raw["new_la_code"].astype("string").str.strip().astype(object)
        raw["_area"] = given.where(given.notna(), mapped)
    else:
        raw["_area"] = mapped
    unknown = raw["_area"].isna().to_numpy()
    if unknown.any():
        raise_rows_error(
            source,
            "LANumber",
            raw,
            unknown,
            "LA number with no known new LA code",
            "an LA number that appears with its new_la_code in another edition",
        )
    if "Year" in raw.columns:
        years = np.array([nc.parse_dfe_time_period(str(y).replace("/", "")) for y in raw["Year"]])
        raw["_target"] = years
    else:
        raw["_target"] = SCORECARD_TARGET_YEARS.get(edition, -1)
    raw["_edition"] = edition
    return raw


def read_scorecards(directory: str | Path) -> Loaded:
    """Read every scorecard edition's forecast-accuracy columns into one long table.

    Parameters
    ----------
    directory : path-like
        Folder holding the scorecard CSV files as published (``2019_scorecards_data.csv``,
        ``2023_scorecards_data_2023.csv``, ...).

    Returns
    -------
    Loaded
        ``data`` columns: ``area`` (new LA code), ``old_la_code``, ``la_name``, ``edition``,
        ``target_year`` (academic year start), ``phase`` (primary | secondary), ``horizon``
        (years ahead), ``own_error`` (signed fraction). Rows with a suppressed value are
        dropped. England appears as ``E92000001``.
    """
    directory = Path(directory)
    files = _edition_files(directory)
    raws = _read_all(files)
    codes = _codes(raws)
    parts, prov = [], []
    for edition, path in files:
        raw = _frame(edition, path, raws[path], codes)
        if (raw["_target"] < 0).all():
            logger.info("%s: target year of edition %d unknown; accuracy not used", path, edition)
            continue
        for col in raw.columns:
            m = _FOR.match(col)
            if not m:
                continue
            err = _numeric(raw, col, str(path))
            parts.append(
                pd.DataFrame(
                    {
                        nc.AREA: raw["_area"].to_numpy(),
                        "old_la_code": raw["_old"].to_numpy(),
                        "la_name": raw["LA_name"].to_numpy(),
                        "edition": edition,
                        "target_year": raw["_target"].to_numpy(),
                        nc.PHASE: _PHASE[m.group(2)],
                        "horizon": int(m.group(1)),
                        "own_error": err,
                    }
                )
            )
        prov.append(
            Provenance(
                "scorecards",
                str(path),
                sha256_of(path),
                "read_scorecards",
                len(raw),
                (int(raw["_target"].min()), int(raw["_target"].max())),
                "actual",
                _PUBLISHER,
                f"edition {edition}: own forecast accuracy (For_*)",
            )
        )
    data = pd.concat(parts, ignore_index=True)
    data = data[np.isfinite(data["own_error"])]
    data = data.sort_values(["area", "target_year", "phase", "horizon", "edition"])
    # the 2025 file repeats earlier target years: keep the newest edition's figure
    data = data.drop_duplicates(["area", "target_year", "phase", "horizon"], keep="last")
    return Loaded(data.reset_index(drop=True), tuple(prov))


def _cost_basis(data: pd.DataFrame) -> np.ndarray:
    """``"regional"`` where every authority of a region (``Region`` column, from the 2021
    edition) has the same cost per place in an edition, target year, phase and option, as
    the DfE has published since 2021 (a Warwickshire trial found "the authority's" benchmark
    the same for all 14 West Midlands authorities); ``"authority"`` otherwise (the 2019
    edition's own figures; a region of one authority; the England row)."""
    la = ~data[nc.AREA].astype(str).str.startswith(("E92", "E12"))
    keys = ["edition", "target_year", nc.PHASE, "option", "_region"]
    g = data.loc[la].groupby(keys, dropna=False)["cost_per_place"]
    n, distinct = g.transform("size"), g.transform(lambda v: v.round(2).nunique())
    out = np.full(len(data), "authority", dtype=object)
    out[np.flatnonzero(la.to_numpy())[((n >= 2) & (distinct == 1)).to_numpy()]] = "regional"
    return out


def read_cost_benchmarks(directory: str | Path, authority: str | None = None) -> Loaded:
    """Read the DfE cost-per-place benchmarks (``CPP_*``) of every edition.

    Parameters
    ----------
    directory : path-like
        The scorecards folder.
    authority : str, optional
        New LA code to keep (e.g. ``"E10000034"``).

    Returns
    -------
    Loaded
        ``data`` columns: ``area``, ``la_name``, ``edition``, ``target_year``, ``phase``,
        ``option`` (new_school | permanent_expansion | temporary_expansion),
        ``cost_per_place`` [GBP, as published for that edition], ``basis`` (``regional``
        when the edition gives every authority of the region the same figure, else
        ``authority``).
    """
    directory = Path(directory)
    files = _edition_files(directory)
    raws = _read_all(files)
    codes = _codes(raws)
    parts, prov = [], []
    for edition, path in files:
        raw = _frame(edition, path, raws[path], codes)
        for col in raw.columns:
            m = _CPP.match(col)
            if not m:
                continue
            parts.append(
                pd.DataFrame(
                    {
                        nc.AREA: raw["_area"].to_numpy(),
                        "la_name": raw["LA_name"].to_numpy(),
                        "edition": edition,
                        "target_year": raw["_target"].to_numpy(),
                        nc.PHASE: _PHASE[m.group(1)],
                        "option": _OPTION[m.group(2)],
                        "cost_per_place": _nonnegative(raw, col, str(path)),
                        "_region": (
                            raw["Region"].astype(str).to_numpy() if "Region" in raw else ""
                        ),
                    }
                )
            )
        prov.append(
            Provenance(
                "cost_benchmarks",
                str(path),
                sha256_of(path),
                "read_cost_benchmarks",
                len(raw),
                (),
                "actual",
                _PUBLISHER,
                f"edition {edition}: CPP_*",
            )
        )
    data = pd.concat(parts, ignore_index=True)
    data = data[np.isfinite(data["cost_per_place"])]
    data["basis"] = _cost_basis(data)
    data = data.drop(columns="_region")
    if authority is not None:
        if authority not in set(data[nc.AREA]):
            raise SchemaError(f"{directory}: no cost benchmarks for authority {authority!r}.")
        data = data[data[nc.AREA] == authority]
    data = data.sort_values([nc.AREA, "edition", "target_year", nc.PHASE, "option"])
    return Loaded(data.reset_index(drop=True), tuple(prov))


def read_published_position(directory: str | Path, authority: str | None = None) -> Loaded:
    """The authority's own position in the newest scorecard edition: pupils on roll, places
    needed and planned, places created, unfilled places and basic need funding.

    These are the figures the authority returned to the DfE (SCAP) as the DfE publishes them,
    for comparison with this engine's; they are not inputs to it.

    Parameters
    ----------
    directory : path-like
        The scorecards folder.
    authority : str, optional
        New LA code to keep.

    Returns
    -------
    Loaded
        ``data`` columns: ``area``, ``la_name``, ``edition``, ``year`` (the SCAP year, academic
        year start), ``phase`` (primary | secondary | all), ``measure`` (see
        :data:`PUBLISHED_MEASURES`), ``value`` [pupils, places, fraction for
        ``unfilled_pct``, GBP for ``basic_need_funding``, cumulative since 2011-12],
        ``refers_to`` (the year the figure is for: the SCAP year, or 3 years after it for
        places needed and planned), ``column`` and ``label`` (the DfE's column and its
        description, from the edition's metadata file, which describes the newest SCAP year).
        Suppressed values are dropped. Empty (no rows) when the newest edition has none of the
        columns. ``places_needed`` is the DfE's estimate, from the authority's SCAP return, of
        places still needed after the places it has planned (``places_planned``).
    """
    directory = Path(directory)
    files = _edition_files(directory)
    edition, path = max(files)
    newest = _read_all([(edition, path)])
    # old LA numbers map to codes through the editions that carry both: read them only if
    # the newest does not
    raws = newest if "new_la_code" in newest[path].columns else _read_all(files)
    raw = _frame(edition, path, raws[path], _codes(raws))
    labels = _labels(path, edition)
    if "Year" not in raw.columns:  # one SCAP year per edition: the year before the edition
        raw["_target"] = edition - 1
    parts = []
    for col, (phase, measure) in PUBLISHED_MEASURES.items():
        if col not in raw.columns:
            continue
        v = (
            _numeric(raw, col, str(path))
            if measure == "unfilled_pct"
            else _nonnegative(raw, col, str(path), "a count or amount >= 0")
        )
        label = labels.get(col, _OWN_LABELS.get(col, col))
        year = raw["_target"].to_numpy(int)
        ahead = year + 3 if measure in _AHEAD else year
        named = _label_year(label, -1) if measure in _AHEAD else -1
        if named > 0 and named != int(year.max()) + 3:
            # metadata files are sometimes copied from the edition before (2024's names 25/26)
            logger.warning(
                "%s: %s is described as %r; read as 3 years after the SCAP year "
                "(%s), as the 2025 edition defines it",
                path,
                col,
                label,
                nc.academic_year_label(int(year.max()) + 3),
            )
        parts.append(
            pd.DataFrame(
                {
                    nc.AREA: raw["_area"].to_numpy(),
                    "la_name": raw["LA_name"].to_numpy(),
                    "edition": edition,
                    nc.YEAR: year,
                    nc.PHASE: phase,
                    "measure": measure,
                    "value": v / 100.0 if measure == "unfilled_pct" else v,
                    "refers_to": ahead,
                    "column": col,
                    "label": label,
                }
            )
        )
    cols = [
        nc.AREA,
        "la_name",
        "edition",
        nc.YEAR,
        nc.PHASE,
        "measure",
        "value",
        "refers_to",
        "column",
        "label",
    ]
    data = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
    data = data[np.isfinite(data["value"].astype(float))]
    if authority is not None:
        data = data[data[nc.AREA] == authority]
    data = data.sort_values([nc.AREA, nc.YEAR, nc.PHASE, "measure"], kind="stable")
    prov = Provenance(
        "published_position",
        str(path),
        sha256_of(path),
        "read_published_position",
        len(raw),
        (int(raw["_target"].min()), int(raw["_target"].max())),
        "actual",
        _PUBLISHER,
        f"edition {edition}: the authority's own SCAP figures",
    )
    return Loaded(data[cols].reset_index(drop=True), (prov,))
