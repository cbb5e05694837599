"""Behaviour fixes from the review of 29 November 2026's changes (each test fails without its
fix)."""

from __future__ import annotations

import warnings

from sufficiency.early_years import forecast_early_years


def test_early_years_summary_prints_half_places_as_the_report(inputs):
    # the summary's supply column and total rounded halves to even ("1,000", "3,764") where
    # the report's fmt_count and the supply note round them away from zero ("1,001", "3,765")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = forecast_early_years(inputs, supply={"2": 1000.5, "3_4": 2764.0}, by_area=False)
    text = r.summary()
    row = next(line for line in text.splitlines() if line.startswith("2-year-olds"))
    assert row.split()[-1] == "1,001"
    assert "vs supply 3,765;" in text
