"""Review of the change of 29 November 2026 (night) (a52412d..): the shortfall tolerance, scenarios
removing a [data] file, band labels. All data here are SYNTHETIC unless a test says so."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
from test_optimise import cap, demand, opt, solve

# --------------------------------------------------------------------------- tolerance
# [plan] shortfall_tolerance is on the requirement before the plan (the optimiser has no
# margin row for a cell whose requirement is within it). A cell whose requirement is above it
# and that the plan cannot fill (a module limit, a budget) is short, and penalised as such,
# even when what is left is within the tolerance: the outputs must not call it tolerated.


def _limited():
    """Requirement 40 places, tolerance 25, one 30-place module: 10 places stay short."""
    return solve(
        demand([140.0] * 3),
        cap(A=100.0),
        [opt("exp", places=30, max_modules=1, cost=300_000.0)],
        shortfall_tolerance=25,
    )


def test_a_requirement_above_the_tolerance_left_partly_short_is_short():
    r = _limited()
    assert r.plan["places"].sum() == 30.0
    assert r.before_after()["shortfall_after"].tolist() == [10.0, 10.0, 10.0]
    # the optimiser penalised those 10 places (30 place-years at GBP 1m)
    assert r.objective > 30_000_000
    text = r.summary()
    assert "Shortfall left: none" not in text, text
    assert "not counted as short" not in text, text
    rows = r.binding.loc[r.binding["family"] == "sufficiency", "detail"]
    assert len(rows) == 3 and not rows.str.contains("tolerance").any(), rows.tolist()


def test_a_requirement_within_the_tolerance_stays_tolerated():
    # 22 places short before the plan, tolerance 25: nothing built, not counted as short
    r = solve(
        demand([122.0] * 3),
        cap(A=100.0),
        [opt("exp", places=30, max_modules=1, cost=300_000.0)],
        shortfall_tolerance=25,
    )
    assert r.plan.empty
    text = r.summary()
    assert "Shortfall left: none" in text, text
    assert "Within the shortfall tolerance of 25 places" in text, text


def _report_data(ba, tolerance=25.0):
    return SimpleNamespace(
        meta={"shortfall_tolerance": tolerance},
        before_after=ba,
        intake_areas=(),
    )


def test_the_report_counts_the_same_cells_as_short():
    from sufficiency.report.analysis import left_short_by_year
    from sufficiency.report.text import _tolerated

    r = _limited()
    data = _report_data(r.before_after())
    assert left_short_by_year(r.before_after(), 25.0).tolist() == [10.0, 10.0, 10.0]
    assert _tolerated(data, "A", "primary", True) == ""
    # a requirement within it: tolerated, as the plan's summary says
    ba = r.before_after().assign(shortfall_before=22.0, shortfall_after=22.0)
    assert left_short_by_year(ba, 25.0).tolist() == [0.0, 0.0, 0.0]
    assert "within the plan's shortfall tolerance" in _tolerated(
        _report_data(ba), "A", "primary", False
    )


def test_default_tolerance_counts_as_before():
    """Default 0.5: more than half a place short after the plan is short, as before."""
    from sufficiency.report.analysis import left_short_by_year

    ba = pd.DataFrame(
        {
            "area": ["A"] * 3,
            "phase": ["primary"] * 3,
            "year": [2027, 2028, 2029],
            "shortfall_before": [0.4, 3.0, 0.0],
            "shortfall_after": [0.4, 0.6, 0.0],
        }
    )
    assert left_short_by_year(ba).tolist() == [0.0, 0.6, 0.0]


def test_the_appraisal_does_not_list_tolerated_years_as_short():
    """The plan's decisions (appraise_options) listed the years of a requirement within the
    tolerance under 'shortfall' although the plan, and its summary, do not count them."""
    from test_optimise import PLAIN

    from sufficiency.optimise import OPTION_COLUMNS, PlanSettings, appraise_options

    options = pd.DataFrame(
        [opt("exp", places=30, max_modules=1, cost=300_000.0)], columns=list(OPTION_COLUMNS)
    )
    settings = PlanSettings(**{**PLAIN, "shortfall_tolerance": 25})
    ap = appraise_options(demand([122.0] * 3), cap(A=100.0), options, settings, "A", "primary")
    assert len(ap) and (ap["shortfall_years"] == "").all(), ap.to_string()
    assert (ap["first_met"] == 2025).all(), ap.to_string()
    # above the tolerance and unfilled (no option at all in the 'temporary only' route):
    # short, as before
    ap = appraise_options(demand([140.0] * 3), cap(A=100.0), options, settings, "A", "primary")
    assert (ap["shortfall_years"] == "2025/26, 2026/27, 2027/28").any(), ap.to_string()


# --------------------------------------------------------------------------- [data] X = false
def test_a_chain_of_three_scenarios_removes_and_gives_back_a_file(tmp_path):
    """a <- b (removes pupils_by_area) <- c (changes the margin): c has no pupils_by_area and
    says nothing of it; d, removing it again from b, is warned that b has none; e, giving it
    again on c, has it (real default model)."""
    import warnings

    from conftest import edited_model

    from sufficiency.config import load_model

    edited_model(tmp_path, name="a.toml")
    files = {
        "b": "[data]\npupils_by_area = false\n",
        "c": "[assumptions]\nmargin = 0.03\n",
        "d": "[data]\npupils_by_area = false\n",
        "e": '[data]\npupils_by_area = { reader = "derived" }\n',
    }
    bases = {"b": "a", "c": "b", "d": "b", "e": "c"}
    for n, body in files.items():
        (tmp_path / f"{n}.toml").write_text(f'extends = "{bases[n]}.toml"\n{body}')
    got = {}
    for n in files:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            m = load_model(tmp_path / f"{n}.toml")
        got[n] = ("pupils_by_area" in m.data, m.own_settings(), [str(x.message) for x in w])
    assert got["b"][:2] == (False, ("[data] pupils_by_area (removed)",))
    assert got["c"][:2] == (False, ("[assumptions] margin",)) and not got["c"][2]
    assert got["d"][0] is False
    assert any("b.toml reads no pupils_by_area file" in t for t in got["d"][2]), got["d"]
    assert got["e"][:2] == (True, ("[data] pupils_by_area",)) and not got["e"][2]
    assert not got["b"][2]
