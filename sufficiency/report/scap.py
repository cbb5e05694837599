"""The pupil forecast shaped for the DfE School Capacity (SCAP) return.

SCAP asks for pupil forecasts per planning area, year group and year: 5 years ahead for
primary planning areas (R-Y6) and 7 years for secondary planning areas (Y7-Y13 here; the DfE's
scorecards score secondary forecasts over Y7-Y11), counted from the January school census
(the ``census`` column names the one the forecast starts from: the January 2025 census gives
2025/26 to 2029/30 and to 2031/32), and specialist place forecasts 5 years ahead for primary
(Reception-Year 6) and 7 for secondary (Year 7-Year 11). Sources, point by point:
``docs/scap.md``. Values are whole pupils, one row per area x year group x year, rounded so
that each area's total in each year is its forecast total rounded (largest remainders), as the
report prints it: rounding each row on its own would let the return's area totals drift from
the report's by a few pupils.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from .. import nomenclature as nc
from .._values import round_half_away
from ..exceptions import SchemaError

logger = logging.getLogger(__name__)

__all__ = [
    "scap_frame",
    "scap_special_frame",
    "SCAP_HORIZON",
    "SCAP_COLUMNS",
    "SCAP_SPECIAL_COLUMNS",
    "SPECIAL_SCAP_PHASE",
    "SPECIAL_EDUCATION_PHASE",
]

#: Years ahead forecast in the SCAP return, by phase of the planning area (DfE, SCAP survey
#: 2026 guide, section 1: "the next 5 academic years" primary, "the next 7" secondary).
SCAP_HORIZON = {"primary": 5, "secondary": 7}


def _warn_short_horizon(what: str, phase, years, base_year: int, horizon: dict) -> None:
    """Log a warning for each phase whose forecast stops before the SCAP's last year: the
    return would be missing years the DfE asks for (a model with ``horizon = 5`` wrote a
    secondary return of 5 years, not 7, and said nothing)."""
    last = pd.Series(np.asarray(years, dtype=int)).groupby(np.asarray(phase)).max()
    for ph, need in sorted(horizon.items()):
        if ph not in last.index:
            continue
        if int(last[ph]) < base_year + int(need):
            logger.warning(
                "%s: the %s forecast ends in %s, but SCAP asks for %d years ahead, to %s: "
                "the return is missing %d year(s); forecast further ([assumptions] horizon)",
                what,
                ph,
                nc.academic_year_label(int(last[ph])),
                int(need),
                nc.academic_year_label(base_year + int(need)),
                base_year + int(need) - int(last[ph]),
            )


SCAP_COLUMNS = (
    "la_code",
    "planning_area",
    "planning_area_name",
    "phase",
    "time_period",
    "academic_year",
    "nc_year",
    "ncy",
    "pupils",
    "kind",
    "census",
)


def _round_preserving_totals(values: np.ndarray, area: np.ndarray, year: np.ndarray) -> np.ndarray:
    """Whole numbers whose sum over each (area, year) group is the group's rounded sum:
    floor every value, then give the missing units to the largest fractional parts (ties by
    position, so the result is deterministic)."""
    v = np.maximum(np.asarray(values, dtype=float), 0.0)
    fl = np.floor(v)
    frame = pd.DataFrame(
        {"a": area, "y": year, "v": v, "fl": fl, "frac": v - fl, "pos": np.arange(len(v))}
    )
    g = frame.groupby(["a", "y"], sort=False)
    need = (round_half_away(g["v"].transform("sum")) - g["fl"].transform("sum")).to_numpy()
    order = frame.sort_values(
        ["a", "y", "frac", "pos"], ascending=[True, True, False, True], kind="stable"
    )
    rank = order.groupby(["a", "y"], sort=False).cumcount().reindex(frame.index).to_numpy()
    return (fl + (rank < need)).astype(int)


def scap_frame(
    forecast: pd.DataFrame,
    areas: pd.DataFrame,
    base_year: int,
    la_code: int | str | None = None,
    horizon: dict | None = None,
) -> pd.DataFrame:
    """Shape a forecast for the SCAP return.

    Parameters
    ----------
    forecast : DataFrame
        ``ForecastResult.to_frame()``: ``area, year, ncy, pupils, kind`` [pupils].
    areas : DataFrame
        ``area, name, phase`` of each planning area (``phase`` primary | secondary).
    base_year : int
        Last year of data; the return covers ``base_year + 1 ..``.
    la_code : int or str, optional
        Old (3-digit) LA code written in every row.
    horizon : dict, optional
        Years ahead by area phase (default :data:`SCAP_HORIZON`).

    Returns
    -------
    DataFrame
        Columns :data:`SCAP_COLUMNS`, sorted by area, year, year group; ``census`` is the
        January census of ``base_year`` ("January 2023 census" for 2022/23; the word after
        the month stops Excel from reading the cell as a date).

    Raises
    ------
    SchemaError
        If the forecast lacks a column or has no forecast years for an area.
    """
    need = [nc.AREA, nc.YEAR, nc.NCY, nc.PUPILS]
    missing = [c for c in need if c not in forecast.columns]
    if missing:
        raise SchemaError(f"SCAP export: the forecast has no column(s) {missing}; expected {need}")
    horizon = {**SCAP_HORIZON, **(horizon or {})}
    a = areas.set_index(nc.AREA)
    f = forecast[forecast[nc.AREA].isin(a.index)]
    phase = f[nc.AREA].map(a[nc.PHASE])
    ncy = f[nc.NCY].astype(int)
    in_phase = np.where(phase == "primary", ncy.between(0, 6), ncy.between(7, 13))
    h = phase.map(horizon).to_numpy(float)
    yrs = f[nc.YEAR].astype(int).to_numpy()
    keep = in_phase & (yrs > base_year) & (yrs <= base_year + h)
    f = f[keep]
    if f.empty:
        raise SchemaError(f"SCAP export: the forecast has no years after {base_year}")
    _warn_short_horizon(
        "SCAP pupil forecasts",
        f[nc.AREA].map(a[nc.PHASE]).to_numpy(),
        f[nc.YEAR],
        base_year,
        horizon,
    )
    out = pd.DataFrame(
        {
            "la_code": "" if la_code is None else str(la_code),
            "planning_area": f[nc.AREA].astype(str).to_numpy(),
            "planning_area_name": f[nc.AREA].map(a["name"]).to_numpy(),
            "phase": f[nc.AREA].map(a[nc.PHASE]).to_numpy(),
            "time_period": [nc.dfe_time_period(y) for y in f[nc.YEAR]],
            "academic_year": [nc.academic_year_label(y) for y in f[nc.YEAR]],
            "nc_year": [nc.ncy_label(g) for g in f[nc.NCY]],
            "ncy": f[nc.NCY].astype(int).to_numpy(),
            "pupils": _round_preserving_totals(
                f[nc.PUPILS].to_numpy(float),
                f[nc.AREA].astype(str).to_numpy(),
                f[nc.YEAR].astype(int).to_numpy(),
            ),
            "kind": f[nc.KIND].to_numpy() if nc.KIND in f else "forecast",
            # the census the forecast starts from: its years are stale once a newer one is out
            # "census" after the month: Excel opening the CSV read "January 2023" as a date (Jan-23)
            "census": f"January {base_year + 1} census",
        }
    )
    return out.sort_values(["planning_area", "time_period", "ncy"]).reset_index(drop=True)[
        list(SCAP_COLUMNS)
    ]


SCAP_SPECIAL_COLUMNS = (
    "la_code",
    "authority",
    "phase",
    "education_phase",
    "time_period",
    "academic_year",
    "places",
    "places_lower80",
    "places_upper80",
    "capacity",
    "scenario",
    "kind",
    "caseload",
)

#: the SCAP horizon of each special school phase (post-16 places are in secondary schools)
SPECIAL_SCAP_PHASE = {
    "special_primary": "primary",
    "special_secondary": "secondary",
    "special_post16": "secondary",
}

#: the DfE's ``education_phase`` of each special school phase in its specialist provision
#: forecasts, which cover "primary (Reception to Year 6)" and "secondary (Year 7 to Year 11)"
#: (DfE, School capacity 2024/25, data set "Local authority specialist provision pupil
#: forecasts", footnote): post-16 places are not one of them, so their rows say "".
SPECIAL_EDUCATION_PHASE = {
    "special_primary": "Primary",
    "special_secondary": "Secondary",
    "special_post16": "",
}


def scap_special_frame(
    send: pd.DataFrame,
    la_code: int | str | None = None,
    scenario: str | None = None,
    horizon: dict | None = None,
) -> pd.DataFrame:
    """Special school places for the special provision part of the SCAP return: the
    authority's places needed by phase (``special_primary``, ``special_secondary``,
    ``special_post16``) and year, in one scenario, for the SCAP's years ahead: 5 for
    primary, 7 for secondary and post-16 (:data:`SCAP_HORIZON` by
    :data:`SPECIAL_SCAP_PHASE`; an audit found every forecast year written).

    The DfE's specialist forecasts are by phase, primary (Reception-Year 6) and secondary
    (Year 7-Year 11): ``education_phase`` names the DfE phase a row goes to (``""`` for
    post-16, which is not one of them), and each row's ``places`` is rounded on its own, as
    the report prints it, so the figures entered are the figures the Cabinet saw (rounding
    to keep each year's total across the three phases, a total the DfE does not ask for,
    moved a phase 1 place away from the report).

    Parameters
    ----------
    send : DataFrame
        ``SendResult.to_frame()``: ``area, year, phase, need, scenario, places, places_lower,
        places_upper, capacity, kind`` [places].
    la_code : int or str, optional
        Old (3-digit) LA code written in every row.
    scenario : str, optional
        The scenario to return (default: the first in the frame).
    horizon : dict, optional
        Years ahead by SCAP phase (default :data:`SCAP_HORIZON`).

    Returns
    -------
    DataFrame
        Columns :data:`SCAP_SPECIAL_COLUMNS`; ``places`` whole places, each rounded to the
        nearest place (halves away from zero, as the report), the 80% range rounded outwards;
        ``caseload`` the January of the EHC plan caseload the forecast starts from.

    Raises
    ------
    SchemaError
        If a column is missing or there are no forecast years.
    """
    need = [nc.AREA, nc.YEAR, nc.PHASE, "places", "places_lower", "places_upper", "kind"]
    missing = [c for c in need if c not in send.columns]
    if missing:
        raise SchemaError(
            f"SCAP special export: the SEND result has no column(s) {missing}; expected {need}"
        )
    base = (
        int(send.loc[send["kind"] != "forecast", nc.YEAR].max())
        if (send["kind"] != "forecast").any()
        else int(send[nc.YEAR].min()) - 1
    )
    horizon = {**SCAP_HORIZON, **(horizon or {})}
    f = send[send["kind"] == "forecast"]
    ahead = f[nc.PHASE].map(SPECIAL_SCAP_PHASE).map(horizon).fillna(max(horizon.values()))
    f = f[f[nc.YEAR].astype(int) <= base + ahead]
    if "scenario" in f:
        scenario = scenario if scenario is not None else str(f["scenario"].iloc[0])
        f = f[f["scenario"] == scenario]
    if "need" in f and (f["need"] == "all").any():
        f = f[f["need"] == "all"]
    if f.empty:
        raise SchemaError("SCAP special export: the SEND result has no forecast years")
    f = f.sort_values([nc.YEAR, nc.PHASE], kind="stable")
    _warn_short_horizon(
        "SCAP special places",
        f[nc.PHASE].map(SPECIAL_SCAP_PHASE).to_numpy(),
        f[nc.YEAR],
        base,
        horizon,
    )
    years = f[nc.YEAR].astype(int).to_numpy()
    out = pd.DataFrame(
        {
            "la_code": "" if la_code is None else str(la_code),
            "authority": f[nc.AREA].astype(str).to_numpy(),
            "phase": f[nc.PHASE].astype(str).to_numpy(),
            "education_phase": f[nc.PHASE]
            .astype(str)
            .map(SPECIAL_EDUCATION_PHASE)
            .fillna("")
            .to_numpy(),
            "time_period": [nc.dfe_time_period(y) for y in years],
            "academic_year": [nc.academic_year_label(y) for y in years],
            # each on its own, as the report's fmt_count (halves away from zero)
            "places": round_half_away(np.maximum(f["places"].to_numpy(float), 0.0)).astype(int),
            "places_lower80": np.floor(f["places_lower"].to_numpy(float)).astype(int),
            "places_upper80": np.ceil(f["places_upper"].to_numpy(float)).astype(int),
            "capacity": (
                pd.array(round_half_away(f["capacity"].to_numpy(float)), dtype="Float64").astype(
                    "Int64"
                )
                if "capacity" in f
                else pd.NA
            ),
            "scenario": scenario or "",
            "kind": "forecast",
            "caseload": f"January {base + 1} caseload",  # not "January 2025": Excel reads a date
        }
    )
    return out.reset_index(drop=True)[list(SCAP_SPECIAL_COLUMNS)]
