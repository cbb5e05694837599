"""Sufficiency assessment: hand-worked cases, phase mapping, RAG thresholds, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sufficiency.capacity import assess_sufficiency, demand_by_place_phase, rag_rating
from sufficiency.exceptions import SchemaError


def _totals():
    # synthetic test data: one primary and one secondary area, two years
    return pd.DataFrame(
        {
            "area": ["P", "P", "S", "S", "S", "S"],
            "phase": ["primary", "primary", "secondary", "sixth_form", "secondary", "sixth_form"],
            "year": [2025, 2026, 2025, 2025, 2026, 2026],
            "pupils": [100.0, 110.0, 500.0, 100.0, 520.0, 110.0],
            "pupils_lower": [95.0, 100.0, 480.0, 90.0, 500.0, 100.0],
            "pupils_upper": [105.0, 120.0, 520.0, 110.0, 540.0, 120.0],
        }
    )


def _capacity():
    return pd.DataFrame(
        {
            "school": ["p1", "p2", "s1"],
            "area": ["P", "P", "S"],
            "phase": ["primary", "primary", "secondary"],
            "capacity": [60.0, 43.0, 700.0],
        }
    )


def test_hand_worked_rows():
    r = assess_sufficiency(_totals(), _capacity(), margin=0.02)
    f = r.to_frame().set_index(["area", "year"])
    p25 = f.loc[("P", 2025)]
    assert p25["capacity"] == 103.0
    assert p25["surplus"] == pytest.approx(3.0)
    assert p25["surplus_pct"] == pytest.approx(0.03)
    assert p25["required"] == pytest.approx(102.0)
    assert p25["shortfall"] == 0.0
    assert p25["rag"] == "amber"
    p26 = f.loc[("P", 2026)]
    assert p26["shortfall"] == pytest.approx(110 * 1.02 - 103)
    assert p26["rag"] == "red"
    # sixth form is served by the secondary area's places
    s25 = f.loc[("S", 2025)]
    assert s25["demand"] == 600.0 and s25["demand_lower"] == 570.0 and s25["demand_upper"] == 630.0
    assert s25["surplus_pct"] == pytest.approx(100 / 600)
    assert s25["rag"] == "blue"
    assert set(f["phase"]) == {"primary", "secondary"}


def test_rag_thresholds_are_the_documented_ones():
    got = rag_rating(np.array([-0.1, 0.019, 0.02, 0.049, 0.05, 0.10, 0.1001]), 0.02, 0.05, 0.10)
    assert list(got) == ["red", "red", "amber", "amber", "green", "green", "blue"]


def test_areas_filter_and_missing_capacity_is_zero():
    t = _totals()
    t.loc[len(t)] = ["Q", "primary", 2025, 10.0, 10.0, 10.0]
    r = assess_sufficiency(t, _capacity(), margin=0.0, areas=["Q"])
    f = r.to_frame()
    assert list(f["area"]) == ["Q"]
    assert f["capacity"].iloc[0] == 0 and f["shortfall"].iloc[0] == 10.0
    assert "short 10 places" in r.summary()


def test_bad_input_names_column_and_rows():
    t = _totals()
    t.loc[2, "pupils"] = -5
    with pytest.raises(SchemaError, match="'pupils'.*>= 0"):
        assess_sufficiency(t, _capacity())
    with pytest.raises(SchemaError, match="missing column"):
        assess_sufficiency(t.drop(columns="year"), _capacity())
    t = _totals()
    t.loc[0, "phase"] = "college"
    with pytest.raises(SchemaError, match="college"):
        demand_by_place_phase(t)
