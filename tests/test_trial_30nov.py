"""A place planning analyst's trial of the annual cycle (30 November 2026, Telford and
Wrekin): last year's forecast against this year's, a known intake, and the report's section
on the previous forecast. Forecast tables and intake figures here are SYNTHETIC (made-up
numbers) unless a test says REAL (the embedded Worcestershire model, with a SYNTHETIC
intake file)."""

from __future__ import annotations

import pandas as pd

from sufficiency.compare import compare_forecasts

TAUGHT = {"A": range(0, 7), "B": range(0, 7), "S": range(7, 14)}
LOOKUP = 'lookup = { path = "../data/district_to_la_west_midlands.csv"'


def _forecast(base: int, kinds: dict, values: dict | None = None, years: int = 4):
    """SYNTHETIC forecast table: primary areas A, B (R-Y6) and secondary area S (Y7-Y13);
    history of ``kinds[area]`` (actual or derived) to ``base``, forecast after it;
    ``values[(area, year)]`` pupils per year group (default 100)."""
    values = values or {}
    rows = []
    for a, groups in TAUGHT.items():
        for y in range(base - 1, base + years):
            for g in groups:
                rows.append(
                    {
                        "area": a,
                        "year": y,
                        "ncy": g,
                        "pupils": float(values.get((a, y), 100.0)),
                        "kind": kinds[a] if y <= base else "forecast",
                    }
                )
    return pd.DataFrame(rows)


def test_largest_area_error_caveat_is_the_named_areas_own():
    """SYNTHETIC, as in Telford: the primary areas' history is derived, the one secondary
    area has the whole of its phase (kind actual). The largest area error was the secondary
    area's, yet the summary called it 'derived from authority totals' because another area
    was derived."""
    kinds = {"A": "derived", "B": "derived", "S": "actual"}
    prev = _forecast(2021, kinds, {("S", 2022): 110.0})  # S over-forecast by 10%
    cur = _forecast(2022, kinds)
    text = compare_forecasts(prev, cur).summary()
    line = next(ln for ln in text.splitlines() if "Largest area error" in ln)
    assert "S " in line and "+10.00%" in line, line
    assert "derived" not in line, line
    # the caveat stays where the named area's history is derived
    prev = _forecast(2021, kinds, {("A", 2022): 110.0})
    line = next(
        ln
        for ln in compare_forecasts(prev, cur).summary().splitlines()
        if "Largest area error" in ln
    )
    assert "A primary" in line and "area history derived from authority totals" in line
