"""Report building blocks on small synthetic frames (test data only, labelled synthetic)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sufficiency.report.charts import area_chart
from sufficiency.report.scap import scap_frame
from sufficiency.report.tables import Table, format_cell
from sufficiency.report.text import fmt_count, fmt_gbp, fmt_gbp_m, fmt_pct, fmt_year, position_at


def test_council_number_formats():
    assert fmt_count(12345.6) == "12,346"
    assert fmt_count(float("nan")) == "-"
    assert fmt_gbp(24085.2) == "£24,085"
    assert fmt_gbp_m(20_780_230.4) == "£20.8m"
    assert fmt_gbp_m(642_405) == "£642k"
    assert fmt_pct(0.0456) == "4.6%"
    assert fmt_pct(-0.012, signed=True) == "-1.2%"
    assert fmt_year(2027) == "2027/28"
    assert format_cell(1234.4, "count") == "1,234" and format_cell(None, "gbp") == "-"


def test_position_never_offsets_areas():
    """Synthetic: area A has 100 spare places, area B is 50 short: the shortfall is 50 + margin."""
    suff = pd.DataFrame({
        "area": ["A", "B"], "phase": "primary", "year": 2030,
        "demand": [900.0, 1050.0], "capacity": [1000.0, 1000.0],
    })
    suff["required"] = suff["demand"] * 1.02
    suff["shortfall"] = np.maximum(0, suff["required"] - suff["capacity"])
    suff["rag"] = np.where(suff["shortfall"] > 0, "red", "blue")
    pos = position_at(suff, "primary", 2030)
    assert pos["surplus"] == pytest.approx(50.0)  # county-wide there is a surplus ...
    assert pos["shortfall"] == pytest.approx(1050 * 1.02 - 1000)  # ... and still a shortfall
    assert pos["red_areas"] == 1
    assert position_at(suff, "primary", 2031) is None


def _demand():
    years = np.arange(2018, 2031)
    d = 1000 + 10 * (years - 2018)
    return pd.DataFrame({
        "year": years, "demand": d.astype(float), "demand_lower": d - 20.0, "demand_upper": d + 20.0,
        "demand_lower_95": d - 40.0, "demand_upper_95": d + 40.0,
        "kind": np.where(years <= 2022, "derived", "forecast"),
    })


def test_area_chart_is_deterministic_inline_svg():
    cap = pd.DataFrame({"year": np.arange(2018, 2031), "capacity": 1100.0})
    cap["capacity_after"] = np.where(cap["year"] >= 2027, 1200.0, 1100.0)
    a = area_chart(_demand(), cap, title="Synthetic", base_year=2022)
    b = area_chart(_demand(), cap, title="Synthetic", base_year=2022)
    assert a == b
    assert a.startswith("<svg") and "viewBox" in a and "<dc:date>" not in a
    assert "derived history" in a and "capacity with plan" in a and "95% range" in a


def test_scap_frame_horizons_and_rounding():
    rows = []
    for area, lo, hi in (("P", 0, 6), ("S", 7, 13)):
        for y in range(2020, 2033):
            for g in range(lo, hi + 1):
                rows.append({"area": area, "year": y, "ncy": g, "pupils": 100.4 + g,
                             "kind": "forecast" if y > 2022 else "derived"})
    fc = pd.DataFrame(rows)
    areas = pd.DataFrame({"area": ["P", "S"], "name": ["Prim", "Sec"], "phase": ["primary", "secondary"]})
    s = scap_frame(fc, areas, 2022, la_code=885)
    assert len(s[s.planning_area == "P"]) == 5 * 7 and len(s[s.planning_area == "S"]) == 7 * 7
    assert s["time_period"].min() == "202324" and (s["kind"] == "forecast").all()
    assert s.loc[s.nc_year == "Y7", "pupils"].iloc[0] == 107


def test_table_display_formats():
    t = Table("t", pd.DataFrame({"a": [1234.5], "b": [0.05], "c": ["red"]}), {"a": "count", "b": "pct"})
    assert t.display().iloc[0].tolist() == ["1,234", "5.0%", "red"]


def test_send_and_early_years_tables_from_the_base_year():
    """Synthetic SEND / early years frames shaped as the SendResult / EarlyYearsResult contract."""
    from types import SimpleNamespace

    from sufficiency.report.tables import early_years_table, send_table

    send = pd.DataFrame({
        "area": "LA", "year": [2021, 2022, 2023, 2023], "phase": "special_primary", "need": "all",
        "scenario": ["trend", "trend", "trend", "stops"], "places": [10.0, 11.0, 12.0, 99.0],
        "places_lower": 9.0, "places_upper": 15.0, "capacity": 10.0, "shortfall": [0.0, 1, 2, 89],
        "kind": "forecast",
    })
    data = SimpleNamespace(send=send, early_years=None, meta={"base_year": 2022})
    t = send_table(data)
    assert t.frame["year"].tolist() == [2022, 2023]  # history before the base year left out
    assert t.frame["places"].tolist() == [11.0, 12.0]  # one scenario only, never summed across
    assert early_years_table(data) is None


def test_scap_frame_rejects_a_forecast_without_pupils():
    from sufficiency.exceptions import SchemaError

    areas = pd.DataFrame({"area": ["P"], "name": ["Prim"], "phase": ["primary"]})
    with pytest.raises(SchemaError, match="pupils"):
        scap_frame(pd.DataFrame({"area": ["P"], "year": [2023], "ncy": [0]}), areas, 2022)
    with pytest.raises(SchemaError, match="no years after 2022"):
        scap_frame(pd.DataFrame({"area": ["P"], "year": [2022], "ncy": [0], "pupils": [1.0]}), areas, 2022)
