"""The SCAP files against what the DfE asks for (docs/scap.md gives the sources).

Synthetic frames only (fast): the years ahead counted from the census, the special places
file's phases as the DfE's specialist forecasts count them and its figures as the report
prints them, a warning when the forecast stops short of the SCAP's years, and the embedded
model's planning-area codes in the DfE's 7-digit form.
"""

from __future__ import annotations

import logging
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sufficiency.report.scap import (
    SCAP_HORIZON,
    SCAP_SPECIAL_COLUMNS,
    scap_frame,
    scap_special_frame,
)
from sufficiency.report.text import fmt_count

ROOT = Path(__file__).resolve().parents[1]
BASE = 2024  # the January 2025 census


def _forecast(years_ahead: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    areas = pd.DataFrame(
        {"area": ["8850001", "8850017"], "name": ["P", "S"], "phase": ["primary", "secondary"]}
    )
    rows = [
        {"area": a, "year": BASE + k, "ncy": g, "pupils": 30.4 + g, "kind": "forecast"}
        for a, gs in (("8850001", range(0, 7)), ("8850017", range(7, 14)))
        for k in range(1, years_ahead + 1)
        for g in gs
    ]
    return pd.DataFrame(rows), areas


def _send(places: dict[str, float], years_ahead: int = 10) -> pd.DataFrame:
    rows = [
        {
            "area": "E10000034",
            "year": BASE,
            "phase": ph,
            "need": "all",
            "scenario": "trend",
            "places": v,
            "places_lower": v,
            "places_upper": v,
            "capacity": 5.0,
            "kind": "actual",
        }
        for ph, v in places.items()
    ]
    rows += [
        {
            "area": "E10000034",
            "year": BASE + k,
            "phase": ph,
            "need": "all",
            "scenario": "trend",
            "places": v,
            "places_lower": v - 1.3,
            "places_upper": v + 1.3,
            "capacity": 5.0,
            "kind": "forecast",
        }
        for k in range(1, years_ahead + 1)
        for ph, v in places.items()
    ]
    return pd.DataFrame(rows)


def test_years_ahead_are_counted_from_the_census_year():
    """DfE: the January 2025 census with forecasts 2025/26-2029/30 (primary) and 2025/26-
    2031/32 (secondary): the first forecast year is the one after the census's."""
    f, areas = _forecast(10)
    s = scap_frame(f, areas, BASE, la_code=885)
    got = s.groupby("phase")["time_period"].agg(["min", "max"])
    assert got.loc["primary"].tolist() == ["202526", "202930"]
    assert got.loc["secondary"].tolist() == ["202526", "203132"]
    assert SCAP_HORIZON == {"primary": 5, "secondary": 7}
    assert set(s["census"]) == {"January 2025 census"}
    # primary areas R-Y6, secondary areas Y7 on (by year group, not school type)
    assert set(s.loc[s["phase"] == "primary", "ncy"]) == set(range(0, 7))
    assert set(s.loc[s["phase"] == "secondary", "ncy"]).issuperset(range(7, 12))


def test_a_forecast_short_of_the_scap_years_says_so(caplog):
    """A model forecasting 5 years wrote a secondary return of 5 years, not the 7 SCAP asks
    for, without a word."""
    f, areas = _forecast(5)
    with caplog.at_level(logging.WARNING, logger="sufficiency.report.scap"):
        s = scap_frame(f, areas, BASE)
    assert s.loc[s["phase"] == "secondary", "time_period"].max() == "202930"
    msgs = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("secondary" in m and "2031/32" in m for m in msgs), msgs
    assert not any("primary forecast" in m for m in msgs), msgs
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="sufficiency.report.scap"):
        scap_frame(*_forecast(7), BASE)
    assert not caplog.records


def test_special_places_are_rounded_as_the_report_prints_them():
    """The DfE takes specialist forecasts by phase; rounding to keep each year's three-phase
    total wrote post-16 5 where the report printed 6."""
    places = {"special_primary": 10.6, "special_secondary": 20.6, "special_post16": 5.6}
    s = scap_special_frame(_send(places), scenario="trend")
    for ph, v in places.items():
        got = s.loc[s["phase"] == ph, "places"]
        assert (got.astype(str) == fmt_count(v)).all(), (ph, got.tolist(), fmt_count(v))
    assert (s["places_lower80"] <= s["places"]).all()
    assert (s["places"] <= s["places_upper80"]).all()


def test_special_places_name_the_dfe_phase_and_leave_post16_out_of_it():
    """The DfE's specialist forecasts: primary (Reception-Year 6) and secondary (Year 7-Year 11)."""
    s = scap_special_frame(
        _send({"special_primary": 3.0, "special_secondary": 4.0, "special_post16": 5.0}),
        la_code=885,
    )
    assert "education_phase" in s.columns and list(s.columns) == list(SCAP_SPECIAL_COLUMNS)
    dfe = dict(zip(s["phase"], s["education_phase"], strict=False))
    assert dfe == {
        "special_primary": "Primary",
        "special_secondary": "Secondary",
        "special_post16": "",
    }
    years = s.groupby("education_phase")["time_period"].agg(["min", "max"])
    assert years.loc["Primary"].tolist() == ["202526", "202930"]
    assert years.loc["Secondary"].tolist() == ["202526", "203132"]


def test_a_special_forecast_short_of_the_scap_years_says_so(caplog):
    with caplog.at_level(logging.WARNING, logger="sufficiency.report.scap"):
        scap_special_frame(_send({"special_primary": 3.0, "special_secondary": 4.0}, years_ahead=4))
    msgs = [r.getMessage() for r in caplog.records]
    assert any("primary" in m and "2029/30" in m for m in msgs), msgs
    assert any("secondary" in m and "2031/32" in m for m in msgs), msgs


def test_planning_area_codes_are_the_dfe_seven_digit_codes():
    """The DfE's planning-area codes: the 3-digit LA number then 4 digits, as in its school
    capacity file; the model's areas are the file's."""
    model = tomllib.loads((ROOT / "models" / "worcestershire.toml").read_text())
    la = str(model["model"]["old_la_code"])
    codes = [str(a["code"]) for a in model.get("areas", [])]
    assert codes and all(len(c) == 7 and c.isdigit() and c.startswith(la) for c in codes)
    cap = pd.read_csv(
        ROOT / "data" / "scap_2015_school_capacity.csv",
        dtype=str,
        encoding="latin-1",
        on_bad_lines="skip",
    )
    cap = cap[cap["LA1"] == la]
    dfe = set(cap["Primary PA code (2)"].dropna()) | set(cap["Secondary PA code (2)"].dropna())
    assert set(codes) == dfe
    f, areas = _forecast(7)
    s = scap_frame(f, areas, BASE, la_code=la)
    assert s["planning_area"].str.fullmatch(r"\d{7}").all()
    assert (s["planning_area"].str[:3] == s["la_code"]).all()


@pytest.mark.parametrize("ahead", [5, 7])
def test_pupil_totals_still_match_the_rounded_area_totals(ahead):
    f, areas = _forecast(ahead)
    s = scap_frame(f, areas, BASE)
    tot = f[f["year"] <= BASE + 5].groupby(["area", "year"])["pupils"].sum()
    got = (
        s.assign(y=s["time_period"].str[:4].astype(int))
        .groupby(["planning_area", "y"])["pupils"]
        .sum()
    )
    common = got.index.intersection(pd.MultiIndex.from_tuples(tot.index))
    assert len(common)
    assert got.loc[common].tolist() == np.rint(tot.loc[common].to_numpy()).astype(int).tolist()
