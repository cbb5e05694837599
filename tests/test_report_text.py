"""Report building blocks on small synthetic frames (test data only, labelled synthetic)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sufficiency.report.analysis import position_at
from sufficiency.report.charts import area_chart
from sufficiency.report.scap import scap_frame
from sufficiency.report.tables import Table, format_cell
from sufficiency.report.text import fmt_count, fmt_gbp, fmt_gbp_m, fmt_pct, fmt_year


def test_council_number_formats():
    assert fmt_count(12345.6) == "12,346"
    assert fmt_count(float("nan")) == "-"
    assert fmt_gbp(24085.2) == "£24,085"
    assert fmt_gbp_m(20_780_230.4) == "£20.8m"
    assert fmt_gbp_m(642_405) == "£642k"
    # edges: no "£1,000k", no "£-2.4m", no "£0k" for a few hundred pounds
    assert fmt_gbp_m(999_500) == "£1.0m" and fmt_gbp_m(999_499) == "£999k"
    assert fmt_gbp_m(-2_350_000) == "-£2.4m" and fmt_gbp(-24_085.2) == "-£24,085"
    assert fmt_gbp_m(-40_000) == "-£40k" and fmt_gbp_m(400) == "£400"


def test_rounded_costs_are_read_back_from_what_is_printed():
    """The 'rounded on their own' note compares the amounts as printed, so it never disagrees
    with the printed figures (it restated the formatter's rounding rule in a second place)."""
    from sufficiency.report.text import _gbp_shown, _rounded_apart

    for v in (0, 400, 642_405, 999_500, 12_345_678, -2_350_000):
        shown = fmt_gbp_m(v)
        assert fmt_gbp_m(_gbp_shown(v)) == shown
    # £12.54m + £3.84m = £16.38m: printed £12.5m + £3.8m = £16.3m, but the sum prints £16.4m
    assert (
        _rounded_apart(12_540_000, 3_840_000)
        == "; rounded on their own, the two together make £16.4m"
    )
    assert _rounded_apart(12_500_000, 3_800_000) == ""
    assert fmt_pct(0.0456) == "4.6%"
    assert fmt_pct(-0.012, signed=True) == "-1.2%"
    assert fmt_year(2027) == "2027/28"
    assert format_cell(1234.4, "count") == "1,234" and format_cell(None, "gbp") == "-"


def test_position_never_offsets_areas():
    """Synthetic: area A has 100 spare places, area B is 50 short: the shortfall is 50 + margin."""
    suff = pd.DataFrame(
        {
            "area": ["A", "B"],
            "phase": "primary",
            "year": 2030,
            "demand": [900.0, 1050.0],
            "capacity": [1000.0, 1000.0],
        }
    )
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
    return pd.DataFrame(
        {
            "year": years,
            "demand": d.astype(float),
            "demand_lower": d - 20.0,
            "demand_upper": d + 20.0,
            "demand_lower_95": d - 40.0,
            "demand_upper_95": d + 40.0,
            "kind": np.where(years <= 2022, "derived", "forecast"),
        }
    )


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
                rows.append(
                    {
                        "area": area,
                        "year": y,
                        "ncy": g,
                        "pupils": 100.4 + g,
                        "kind": "forecast" if y > 2022 else "derived",
                    }
                )
    fc = pd.DataFrame(rows)
    areas = pd.DataFrame(
        {"area": ["P", "S"], "name": ["Prim", "Sec"], "phase": ["primary", "secondary"]}
    )
    s = scap_frame(fc, areas, 2022, la_code=885)
    assert len(s[s.planning_area == "P"]) == 5 * 7 and len(s[s.planning_area == "S"]) == 7 * 7
    assert s["time_period"].min() == "202324" and (s["kind"] == "forecast").all()
    # 7 year groups of x.4 pupils: the area's 2.8 extra pupils round to 3, given to the first
    # three year groups (equal fractions: by position), so the total is the rounded total
    sec = s[(s.planning_area == "S") & (s.time_period == "202324")]
    assert sec["pupils"].tolist() == [108, 109, 110, 110, 111, 112, 113]
    assert sec["pupils"].sum() == round(sum(100.4 + g for g in range(7, 14)))


def test_table_display_formats():
    t = Table(
        "t", pd.DataFrame({"a": [1234.5], "b": [0.05], "c": ["red"]}), {"a": "count", "b": "pct"}
    )
    # a half place rounds away from zero (fmt_count; it went to the even number until a
    # Wolverhampton trial's half places printed 3,764 and 3,765 for the same supply)
    assert t.display().iloc[0].tolist() == ["1,235", "5.0%", "red"]


def _send_frame():
    """Synthetic SEND result frame (test data): two age groups, two scenarios."""
    rows = []
    for scen, growth in (("stops", 0.0), ("trend", 10.0)):
        for phase, base in (("special_primary", 100.0), ("special_secondary", 200.0)):
            for y in range(2021, 2028):
                kind = "derived" if y < 2022 else "actual" if y == 2022 else "forecast"
                v = base + growth * max(0, y - 2022)
                band = 0.0 if kind != "forecast" else 5.0 * (y - 2022)
                rows.append(
                    {
                        "area": "LA",
                        "year": y,
                        "phase": phase,
                        "need": "all",
                        "scenario": scen,
                        "places": v,
                        "places_lower": v - band,
                        "places_upper": v + band,
                        "capacity": None if y < 2022 else base,
                        "shortfall": None if y < 2022 else max(0.0, v - base),
                        "kind": kind,
                    }
                )
    return pd.DataFrame(rows)


def test_send_table_central_scenario_by_age_group():
    """The central scenario only (never summed across scenarios), one row per age group and a
    total, at the latest count and later years, with the 80% range beside each forecast."""
    from types import SimpleNamespace

    from sufficiency.report.tables import early_years_table, send_scenarios_table, send_table

    data = SimpleNamespace(
        send=_send_frame(), early_years=None, meta={"base_year": 2020}, send_scenario="trend"
    )
    t = send_table(data)
    assert t.title == "Special school places needed ('trend' scenario)"
    assert list(t.frame.columns) == [
        "age group",
        "2022/23 (actual)",
        "2027/28",
        "capacity",
        "short 2027/28",
    ]
    assert t.frame["age group"].tolist() == [
        "primary age (0 to 10)",
        "secondary age (11 to 15)",
        "all special school places",
    ]
    # trend: 100 + 50 and 200 + 50 in 2027; bands +-25 each, added for the total
    assert t.frame["2027/28"].tolist() == ["150 (125-175)", "250 (225-275)", "400 (350-450)"]
    assert t.frame["2022/23 (actual)"].tolist() == ["100", "200", "300"]
    assert t.frame["short 2027/28"].tolist() == [50.0, 50.0, 100.0]
    assert t.display()["2027/28"].iloc[0] == "150 (125-175)"
    sc = send_scenarios_table(data).frame
    assert sc["scenario"].tolist() == ["trend (central)", "stops"]
    assert sc["places 2027/28"].tolist() == [400.0, 300.0]
    assert early_years_table(data) is None
    # another central scenario in the result: the table follows it
    data.send_scenario = "stops"
    assert send_table(data).frame["2027/28"].iloc[-1] == "300 (250-350)"


def _plan_data(options: bool, exhausted: bool, left: float):
    """Synthetic report data for one phase of places ('special') and one plan year."""
    from types import SimpleNamespace

    ba = pd.DataFrame(
        {
            "area": "LA",
            "phase": ["special", "special"],
            "year": [2026, 2027],
            "shortfall_before": [90.0, 120.0],
            "shortfall_after": [left, left],
            "added": [0.0, 16.0],
        }
    )
    plan = pd.DataFrame(
        {
            "area": ["LA"],
            "phase": ["special"],
            "kind": ["special_expansion"],
            "year": [2027],
            "places": [16.0],
            "cost": [1.0e6],
        }
    )
    opts = pd.DataFrame(
        {
            "option": ["x"],
            "area": ["LA"],
            "phase": ["special"],
            "kind": ["special_expansion"],
            "places": [8],
            "duration": [0],
            "max_modules": [2 if exhausted else 5],
        }
    )
    return SimpleNamespace(
        before_after=ba,
        plan=plan,
        options=opts if options else None,
        missing={},
        meta={"margin": 0.02},
    )


def test_plan_paragraph_says_what_is_left_short_and_why():
    from types import SimpleNamespace

    from sufficiency.report.text import _plan_paragraph

    def para(**kw):
        return _plan_paragraph(_plan_data(**kw), "special", "special school places")

    text = para(options=True, exhausted=True, left=104.0)
    assert (
        "adds 16 special school places (a special expansion, 16 places from 2027/28) at £1.0m"
        in text
    )
    assert "still leaves 104 special school places short in 2027/28" in text
    assert "120 before the plan" in text
    assert "every option in the model's catalogue is used (2 x 8 places (special expansion)" in text
    assert "lead times" in para(options=True, exhausted=False, left=104.0)
    # in words: the model file's section name is for the assumptions table, not the prose
    assert (
        "lists no options for these places, so the optimiser had nothing to build. Options "
        "must be identified and costed (and added to the model definition's special "
        "school options)"
    ) in para(options=False, exhausted=False, left=104.0)
    assert "no planning area is short of special school places" in para(
        options=True, exhausted=True, left=0.0
    )
    whole = _plan_data(options=True, exhausted=True, left=0.0)
    whole.meta["authority"] = "LA"  # the places are planned for the authority as a whole
    assert "With it, the authority is not short of special school places" in _plan_paragraph(
        whole, "special", "special school places"
    )
    d = _plan_data(options=True, exhausted=True, left=1.0)
    d.before_after = d.before_after.assign(phase="primary")
    d.missing = {"plan_send": "the solver failed with SEND"}
    assert _plan_paragraph(d, "special", "special school places") == (
        "The plan in this report covers mainstream places only (the solver failed with SEND)."
    )
    nothing = SimpleNamespace(missing={"plan": "no solver"})
    assert (
        _plan_paragraph(nothing, "special", "x") == "No plan is available in this run (no solver)."
    )


def test_scap_frame_rejects_a_forecast_without_pupils():
    from sufficiency.exceptions import SchemaError

    areas = pd.DataFrame({"area": ["P"], "name": ["Prim"], "phase": ["primary"]})
    with pytest.raises(SchemaError, match="pupils"):
        scap_frame(pd.DataFrame({"area": ["P"], "year": [2023], "ncy": [0]}), areas, 2022)
    with pytest.raises(SchemaError, match="no years after 2022"):
        scap_frame(
            pd.DataFrame({"area": ["P"], "year": [2022], "ncy": [0], "pupils": [1.0]}), areas, 2022
        )


def test_council_style_of_engine_prose():
    from sufficiency.report.text import council_style

    s = (
        "chooses bulge_class 60 places from 2026/27 (GBP 642,405). all options: GBP 6,863,608, "
        "240 places; new_school (+ temporary): GBP 1,927,216.5, 180 places; E10000034 kept"
    )
    assert council_style(s) == (
        "chooses bulge class 60 places from 2026/27 (£642k). all options: £6.9m, 240 places; "
        "new school (+ temporary): £1.9m, 180 places; E10000034 kept"
    )


def test_area_chart_marks_the_first_year_on_projected_births():
    d = _demand().assign(births_projected=lambda f: f["year"] >= 2027)
    svg = area_chart(d, None, title="Synthetic", base_year=2022)
    assert "births projected" in svg
    assert "births projected" not in area_chart(_demand(), None, title="Synthetic", base_year=2022)


def test_surplus_next_to_its_rating_never_prints_as_the_threshold():
    """4.955% is amber (below the 5% target): it prints as 4.9%, not 5.0%; the exact
    threshold still prints as itself, and a small deficit still prints as one."""
    from sufficiency.capacity import rag_rating

    assert fmt_pct(0.04955) == "5.0%"  # ordinary rounding elsewhere
    assert fmt_pct(0.04955, down=True) == "4.9%"
    assert fmt_pct(0.05, down=True) == "5.0%"
    assert fmt_pct(0.02, down=True) == "2.0%"
    assert fmt_pct(-0.0004, down=True) == "-0.1%"
    assert format_cell(0.04955, "pct_down") == "4.9%"
    rag = rag_rating(pd.Series([0.04955, 0.05]), 0.02, 0.05, 0.10)
    assert list(rag) == ["amber", "green"]


def test_why_short_says_a_new_school_is_still_filling():
    """Synthetic: 600 places needed from 2028; the only option is a 600-place school that fills
    over 5 years (120 a year), so 2028-2030 stay short and the reason says why."""
    from types import SimpleNamespace

    from sufficiency.optimise import OPTION_COLUMNS, PlanSettings, solve_allocation
    from sufficiency.report.text import why_short

    years = list(range(2028, 2033))
    demand = pd.DataFrame({"area": "A", "phase": "secondary", "year": years, "demand": 1600.0})
    cap = pd.DataFrame({"area": ["A"], "phase": ["secondary"], "capacity": [1000.0]})
    school = dict(
        option="A new",
        area="A",
        phase="secondary",
        kind="new_school",
        places=600.0,
        max_modules=1,
        max_per_year=0,
        min_modules=0,
        cost_per_module=6e7,
        cost_per_place=1e5,
        revenue_per_place=0.0,
        earliest_year=2028,
        duration=0,
        fill_years=5,
        source="test",
    )
    r = solve_allocation(
        demand,
        cap,
        pd.DataFrame([school], columns=list(OPTION_COLUMNS)),
        PlanSettings(margin=0.0, target=0.0, ceiling=0.5, duals=False),
    )
    assert r.before_after()["shortfall_after"].tolist() == pytest.approx([480, 360, 240, 120, 0])
    data = SimpleNamespace(options=r.options, binding=r.binding, plan=r.plan)
    assert (
        "the new school opened in 2028/29 is still filling (2 of its 5 year groups)"
        in why_short(data, "A", "secondary", 2029)
    )
    assert not any("filling" in w for w in why_short(data, "A", "secondary", 2032))


def test_a_permanent_build_after_the_peak_is_flagged():
    """Synthetic: demand peaks in 2028 and falls; a new school opening in 2030 leaves 25% of the
    area's places spare in 2032: the recommendations say so, an expansion needed at the peak
    (or a build with few spare places at the end) is not flagged."""
    from types import SimpleNamespace

    from sufficiency.report.analysis import after_the_peak

    years = list(range(2027, 2033))
    demand = np.array([1000.0, 1100.0, 1050.0, 1000.0, 950.0, 900.0])
    suff = pd.DataFrame({"area": "A", "phase": "secondary", "year": years, "demand": demand})
    spare = np.array([0.0, 0.0, 0.0, 0.15, 0.2, 0.25])
    # the plan's own demand (an 80th percentile, say) is higher: the flag reads the central one
    ba = pd.DataFrame(
        {
            "area": "A",
            "phase": "secondary",
            "year": years,
            "demand": demand * 1.1,
            "capacity_after": demand * (1 + spare),
        }
    )
    plan = pd.DataFrame(
        {
            "area": ["A", "A"],
            "phase": "secondary",
            "kind": ["new_school", "permanent_expansion"],
            "year": [2030, 2028],
            "places": [300.0, 150.0],
            "duration": [0, 0],
        }
    )
    data = SimpleNamespace(
        plan=plan,
        before_after=ba,
        sufficiency=suff,
        meta={"ceiling": 0.10},
        area_name=lambda a: {"A": "Area A"}[a],
    )
    late = after_the_peak(data)
    assert [(d["kind"], d["year"], d["peak_year"], d["last_year"]) for d in late] == [
        ("new_school", 2030, 2028, 2032)
    ]
    assert late[0]["surplus_pct"] == pytest.approx(0.25)
    ba["capacity_after"] = demand * 1.05  # few spare places at the end: nothing to flag
    assert after_the_peak(data) == []


def test_late_builds_in_one_area_share_one_clause():
    """A new-authority test (Birmingham) read 'opens after demand there peaks ... and leaves a
    surplus of 10.3% there by 2032/33' twice in one sentence, once per build in one area."""
    from sufficiency.report.text import after_the_peak_clauses

    base = {"peak_year": 2027, "last_year": 2032, "surplus_pct": 0.103, "fill_years": 0}
    late = [
        {**base, "name": "Area 11", "kind": "permanent_expansion", "places": 150, "year": 2028},
        {
            **base,
            "name": "Area 11",
            "kind": "new_school",
            "places": 900,
            "year": 2030,
            "fill_years": 5,
        },
        {**base, "name": "Area 12", "kind": "new_school", "places": 900, "year": 2030},
    ]
    c = after_the_peak_clauses(late)
    assert len(c) == 2
    assert c[0].startswith(
        "the permanent expansion (150 places from 2028/29) and the new school "
        "(900 places, 180 a year from 2030/31) in Area 11 open after demand "
        "there peaks in 2027/28 and leave a surplus of 10.3% there by 2032/33"
    )
    assert c[1].startswith("the new school (900 places from 2030/31) in Area 12 opens after")
    assert sum(x.count("after demand there peaks") for x in c) == 2


def test_late_builds_of_two_phases_in_one_named_area_keep_their_own_figures():
    """Review: grouping by name alone merged a primary and a secondary area of the same name
    under the first one's peak and surplus."""
    from sufficiency.report.text import after_the_peak_clauses

    base = {"name": "Area 11", "area": "11", "fill_years": 0, "last_year": 2032}
    late = [
        {
            **base,
            "phase": "primary",
            "kind": "new_school",
            "places": 420,
            "year": 2029,
            "peak_year": 2027,
            "surplus_pct": 0.10,
        },
        {
            **base,
            "phase": "secondary",
            "kind": "new_school",
            "places": 900,
            "year": 2031,
            "peak_year": 2030,
            "surplus_pct": 0.30,
        },
    ]
    c = after_the_peak_clauses(late)
    assert len(c) == 2
    assert "in Area 11 (primary) opens after demand there peaks in 2027/28" in c[0]
    assert "in Area 11 (secondary) opens after demand there peaks in 2030/31" in c[1]
    assert "30.0%" in c[1] and "10.0%" in c[0]


def test_plan_items_grouped_with_articles():
    """Identical builds are named once with their count, and a single one takes its article
    (Shropshire trial: "early years setting of 52 places from 2027/28" sixteen times in one
    sentence, and "a early years setting")."""
    from sufficiency.report.text import _a, _grouped

    assert _a("early years setting") == "an early years setting"
    assert _a("bulge class") == "a bulge class"
    got = _grouped(
        [("early_years_setting", 2, "52 places from 2027/28")] * 3
        + [
            ("bulge_class", 1, "30 places from 2028/29"),
            ("early_years_setting", 1, "26 places from 2027/28"),
        ]
    )
    assert got == [
        "2 early years setting modules, 52 places from 2027/28, in each of 3 areas",
        "a bulge class, 30 places from 2028/29",
        "an early years setting, 26 places from 2027/28",
    ]


def test_assumed_parts_and_by_age_clause():
    """SYNTHETIC: the approval names the capital resting on an assumed special school capacity
    or early years supply (Shropshire trial: GBP 18m of GBP 29.2m); the early years sentence
    gives the shortfall by age group when it exceeds the plan's pooled one (review: 2,567
    pooled with the margin against 3,288 by age group)."""
    from types import SimpleNamespace

    import numpy as np
    import pandas as pd

    from sufficiency.report.text import _assumed_parts, _by_age_clause

    plan = pd.DataFrame(
        {"phase": ["secondary", "special", "early_years"], "cost": [5e6, 2e6, 1.5e6]}
    )
    both = SimpleNamespace(
        send_notes=("ASSUMPTION: no public capacity figure for special schools; ...",),
        early_years_takeup_january=2019,
    )
    got = _assumed_parts(both, plan)
    assert got.startswith(
        "; of this, £2.0m for special school places (capacity assumed to be "
        "today's placements) and £1.5m for early years places (supply assumed"
    )
    assert got.endswith(
        "rest on assumed figures, not counted places: officers to confirm them "
        "before those parts proceed"
    )
    one = SimpleNamespace(send_notes=both.send_notes, early_years_takeup_january=None)
    assert "£2.0m for special school places" in _assumed_parts(one, plan)
    assert "rests on assumed figures" in _assumed_parts(one, plan)
    none = SimpleNamespace(send_notes=(), early_years_takeup_january=None)
    assert _assumed_parts(none, plan) == ""

    d = {"key": "early_years", "shortfall_plan": 3288.4, "plan": {"before": 2567.0}}
    assert _by_age_clause(d).startswith(
        "; counted by age group, without the margin, 3,288 places are short that year"
    )
    assert _by_age_clause({**d, "shortfall_plan": 2567.2}) == ""
    assert _by_age_clause({**d, "key": "send"}) == ""
    assert _by_age_clause({**d, "shortfall_plan": np.nan}) == ""


def test_later_years_short_say_why():
    """SYNTHETIC: areas still short after the worst year get their own reason, at their last
    short year, grouped by reason (Warwickshire trial: only the first year's lead times were
    given for shortfalls lasting to 2032/33); 'the one new school allowed is used'."""
    from types import SimpleNamespace

    import pandas as pd

    from sufficiency.report.text import left_short_why

    ba = pd.DataFrame(
        {
            "area": ["A", "A", "A", "B", "B"],
            "phase": "secondary",
            "year": [2027, 2028, 2029, 2027, 2028],
            "shortfall_after": [100.0, 50.0, 20.0, 80.0, 0.2],
        }
    )
    options = pd.DataFrame(
        {
            "option": ["A:new", "A:exp"],
            "area": "A",
            "phase": "secondary",
            "kind": ["new_school", "permanent_expansion"],
            "earliest_year": 2028,
            "max_per_year": 0,
            "max_modules": [1, 4],
        }
    )
    binding = pd.DataFrame(
        {
            "area": "A",
            "phase": "secondary",
            "family": "module_limit",
            "option": ["A:new", "A:exp"],
            "year": [float("nan")] * 2,
        }
    )
    data = SimpleNamespace(
        before_after=ba,
        options=options,
        binding=binding,
        plan=None,
        area_name=lambda a: {"A": "Rugby", "B": "Bedworth"}[a],
    )
    # each reason once with its years (and its area, where not every area short then is)
    got = left_short_why(
        data, {"phase": "secondary", "year": 2027, "codes": ["A", "B"], "lead": None}
    )
    assert got == (
        "in 2027/28 in Rugby, no new school or permanent expansion can open before "
        "2028/29; from 2028/29 to 2029/30, the one new school allowed is used and "
        "all 4 permanent expansion modules allowed are used"
    )


def test_pct_rounded_down_towards_zero():
    """A surplus below a threshold never prints as the threshold; a deficit is not overstated
    (Warwickshire trial: -0.12% printed as -0.2%)."""
    from sufficiency.report.text import fmt_pct

    assert fmt_pct(0.04955, down=True) == "4.9%"
    assert fmt_pct(0.05, down=True) == "5.0%"
    assert fmt_pct(-0.0012, down=True) == "-0.1%"
    assert fmt_pct(-0.0004, down=True) == "-0.1%"  # a deficit never prints as none
    assert fmt_pct(0.0556) == "5.6%"  # nearest, without down


def test_review_edge_cases_of_the_new_wording():
    """Second code review (28 November 2026): float noise is not a deficit; one module reads
    as one; a special expansion reads as a school's; a missing year group stays missing; a
    JSON figure of pd.NA is null."""
    import numpy as np
    import pandas as pd

    from sufficiency.nomenclature import named_year_groups
    from sufficiency.report.build import _json_figure
    from sufficiency.report.text import fmt_pct, kind_count

    assert fmt_pct(-1e-12, down=True) == "0.0%"
    assert kind_count("bulge_class", 1) == "a bulge class"
    assert kind_count("permanent_expansion", 1) == "1 permanent expansion module"
    assert kind_count("special_expansion", 2) == "2 special school expansion modules"
    schools = pd.DataFrame(
        {
            "school": ["1", "2"],
            "school_name": ["A First School", "B Primary"],
            "phase": "primary",
            "ncy_min": [0.0, np.nan],
            "ncy_max": [6.0, np.nan],
        }
    )
    got = named_year_groups(schools)
    assert got["ncy_max"].iloc[0] == 4 and np.isnan(got["ncy_min"].iloc[1])
    assert schools["ncy_max"].iloc[0] == 6  # the input is not changed
    assert _json_figure(pd.NA) is None and _json_figure(np.int64(3)) == 3.0


def test_worst_year_of_the_plan_is_stated():
    """SYNTHETIC: the SEND / early years sentences give the most the plan leaves short in any
    of its years when it exceeds the last year's (Shropshire re-test: 336 short in 2027/28,
    only the last year's 235 stated)."""
    from sufficiency.report.text import _worst_clause

    d = {"worst_after": (336.2, 2027), "left": (235.0, 2032)}
    assert _worst_clause(d) == " (up to 336 in 2027/28)"
    assert _worst_clause({**d, "worst_after": (235.0, 2032)}) == ""
    assert _worst_clause({**d, "worst_after": None}) == ""


def test_assumed_supply_clause_names_the_models_own_take_up():
    from types import SimpleNamespace

    from sufficiency.report.text import _assumed_takeup_clause

    named = (
        "the second 15 hours of working parents' 30 hours for 3- and 4-year-olds (extended_3_4)",
    )
    got = _assumed_takeup_clause(SimpleNamespace(early_years_supply_assumed=(1530.4, named)))
    assert got == (
        "; 1,530 of them at the take-up the model assumes for the second 15 hours of "
        "working parents' 30 hours for 3- and 4-year-olds, not a DfE figure"
    )
    assert _assumed_takeup_clause(SimpleNamespace(early_years_supply_assumed=None)) == ""


def test_council_needing_more_places_is_given_reasons_to_reconcile():
    import pandas as pd

    from sufficiency.report.text import _more_need_clause

    before = "places needed before any new places"
    c = pd.DataFrame(
        {
            "primary": [35.0],
            "secondary": [0.0],
            "primary_council": [55.0],
            "secondary_council": [300.0],
        },
        index=[before],
    )
    got = _more_need_clause(c, before)
    # 20 more primary places is under a year group's form of entry: not raised
    assert got.startswith("; where the Council's figures show more need (secondary 300 against 0)")
    assert "reconcile the two area by area" in got
    c["secondary_council"] = 20.0
    assert _more_need_clause(c, before) == ""


def test_year_spans_and_counted_places():
    from sufficiency.report.text import _years_span, plural_places

    assert _years_span(2027, 2027) == "in 2027/28"
    assert _years_span(2027, 2030) == "from 2027/28 to 2030/31"
    assert plural_places(1.2) == "1 place" and plural_places(1234) == "1,234 places"


def test_less_need_advice_only_where_the_council_needs_less():
    import pandas as pd

    from sufficiency.report.text import _less_need_phases

    before = "places needed before any new places"
    c = pd.DataFrame(
        {
            "primary": [35.0],
            "secondary": [720.0],
            "primary_council": [55.0],
            "secondary_council": [137.0],
        },
        index=[before],
    )
    assert _less_need_phases(c, before) == ["secondary"]
    c["secondary_council"] = 700.0
    assert _less_need_phases(c, before) == []


def test_plan_tables_show_a_scheme_only_when_there_is_one():
    import pandas as pd

    from sufficiency.report.tables import SCHEME_NOTE, fill_note, plan_columns

    p = pd.DataFrame(
        {
            "phase": ["primary", "secondary", "secondary"],
            "kind": "permanent_expansion",
            "year": 2028,
            "places": 60.0,
            "cost": 1.5e6,
            "cost_per_place": 25000.0,
            "duration": 0,
            "fill_years": 0,
            "scheme": ["M", "M", ""],
        }
    )
    got = plan_columns(p)
    assert got["scheme"].tolist() == ["M", "M", "-"] and SCHEME_NOTE in fill_note(got)
    none = plan_columns(p.assign(scheme=""))
    assert "scheme" not in none and SCHEME_NOTE not in fill_note(none)


def test_a_plan_for_a_quantile_says_so():
    from types import SimpleNamespace

    from sufficiency.report.text import plan_demand_sentence

    got = plan_demand_sentence(
        SimpleNamespace(meta={"plan_demand": "q0.8", "central_plan_cost": 31691753.07})
    )
    assert got.startswith(
        "The plan in this report is made for the 80th percentile of forecast "
        "demand (a demand the forecast expects to be exceeded with a chance of "
        "20%), not the central forecast"
    )
    assert got.endswith("the plan for the central forecast would cost £31.7m.")
    assert plan_demand_sentence(SimpleNamespace(meta={"plan_demand": "central"})) == ""


def test_percentile_ordinals():
    from types import SimpleNamespace

    from sufficiency.report.text import plan_demand_sentence

    def said(q):
        return plan_demand_sentence(SimpleNamespace(meta={"plan_demand": f"q{q:g}"}))

    assert "the 92nd percentile" in said(0.92) and "the 51st percentile" in said(0.51)
    assert "the 83rd percentile" in said(0.83) and "the 97.5th percentile" in said(0.975)
    # the suffix follows the number printed, not the unrounded quantile (a review: "82th")
    assert "the 82nd percentile" in said(0.81999) and "the 81st percentile" in said(0.8100001)
    assert "chance of 2.5%" in said(0.975) and "at that demand" in said(0.5)
    assert "the 80th percentile" in said(0.8) and "at that higher demand" in said(0.8)


def _commentary(demand: list[float]) -> str:
    from types import SimpleNamespace

    from sufficiency.report.text import area_commentary

    years = list(range(2022, 2022 + len(demand)))
    suff = pd.DataFrame(
        {
            "area": "A",
            "phase": "primary",
            "year": years,
            "demand": demand,
            "capacity": 500.0,
            "shortfall": 0.0,
            "surplus_pct": [1 - d / 500 for d in demand],
        }
    )
    data = SimpleNamespace(
        sufficiency=suff,
        plan=None,
        tier_changes=(),
        intake_areas=frozenset(),
        before_after=None,
        meta={"base_year": 2022, "margin": 0.02},
        area_name=lambda a: "Leek",
        history_derived=lambda a: False,
    )
    return area_commentary(data, "A")


def test_area_commentary_peak_equal_to_the_start_as_printed():
    """A peak that prints as the first year's count is no rise (a Staffordshire trial: "rise
    from 390 pupils in 2023/24 to a peak of 390 pupils in 2025/26, then fall ...")."""
    text = _commentary([400.0, 390.2, 389.9, 390.4, 380.0])
    assert (
        "Demand is forecast to stay at 390 pupils to 2025/26, then fall to 380 pupils in 2026/27"
        in text
    )
    assert "peak of 390" not in text
    text = _commentary([400.0, 390.2, 370.0, 390.4, 380.0])
    assert "be 390 pupils in 2023/24 and again 390 in 2025/26, its peak, then fall to 380" in text
    text = _commentary([400.0, 390.2, 389.9, 390.4, 390.1])
    assert "Demand is forecast to stay at 390 pupils from 2023/24 to 2026/27" in text
    assert "fall from" not in text and "rise" not in text
    # a real rise is unchanged
    assert (
        "rise from 390 pupils in 2023/24 to a peak of 420 pupils in 2025/26, then fall to 380"
        in (_commentary([400.0, 390.2, 400.0, 420.0, 380.0]))
    )


def test_area_phase_and_label_do_not_repeat_what_the_name_says():
    from sufficiency.report.text import area_label, area_phase

    assert area_phase("Leek middle schools", "secondary") == "Leek middle schools"
    assert (
        area_phase("Codsall first and middle schools", "primary")
        == "Codsall first and middle schools"
    )
    assert area_phase("Stone High School", "secondary") == "Stone High School"
    assert area_phase("High Offley", "primary") == "High Offley primary"
    assert area_phase("Worcester City", "secondary") == "Worcester City secondary"
    assert (
        area_label("Planning area 8601001 (primary)", "primary")
        == "Planning area 8601001 (primary)"
    )
    assert area_label("Worcester City", "secondary") == "Worcester City (secondary)"


def test_area_heading_says_phase_and_code_once():
    from sufficiency.report.text import area_heading

    assert area_heading("Worcester City", "secondary", "8851001") == (
        "Worcester City (secondary planning area 8851001)"
    )
    # a `sufficiency new` name says both already
    assert area_heading("Planning area 8601001 (primary)", "primary", "8601001") == (
        "Planning area 8601001 (primary)"
    )
    assert area_heading("North West secondary (Coundon)", "secondary", "3311") == (
        "North West secondary (Coundon) (planning area 3311)"
    )
    assert area_heading("Area 3311", "primary", "3311") == "Area 3311 (primary planning area)"
    # a code inside a longer number is not the code
    assert area_heading("Ward 885100123", "primary", "8851001") == (
        "Ward 885100123 (primary planning area 8851001)"
    )


def test_later_years_short_many_areas_group_their_reasons_without_counts():
    """A Birmingham trial: six secondary areas short after the worst year each got a clause
    of their own ("later, in A ..., no more than 2 bulge classes a year are allowed ...;
    later, in B ..., no more than 3 ...") only because their limits' counts differed, and the
    recommendation ran past 1,000 characters. SYNTHETIC: four areas, each at its own yearly
    bulge class limit and with all its (differently many) expansion modules used."""
    from types import SimpleNamespace

    import pandas as pd

    from sufficiency.report.text import LATER_WHY_GROUPS, left_short_why

    codes = ["A", "B", "C", "D"]
    assert len(codes) > LATER_WHY_GROUPS
    ba = pd.DataFrame(
        {
            "area": [c for c in codes for _ in (0, 1)],
            "phase": "secondary",
            "year": [2027, 2029] * len(codes),
            "shortfall_after": 50.0,
        }
    )
    options = pd.DataFrame(
        {
            "option": [f"{c}:{k}" for c in codes for k in ("bulge", "exp")],
            "area": [c for c in codes for _ in (0, 1)],
            "phase": "secondary",
            "kind": ["bulge_class", "permanent_expansion"] * len(codes),
            "earliest_year": 2027,
            "max_per_year": [v for n in (1, 2, 3, 4) for v in (n, 0)],
            "max_modules": [v for n in (5, 6, 7, 8) for v in (0, n)],
        }
    )
    binding = pd.DataFrame(
        {
            "area": [c for c in codes for _ in (0, 1)],
            "phase": "secondary",
            "family": "module_limit",
            "option": [f"{c}:{k}" for c in codes for k in ("bulge", "exp")],
            "year": [2029.0, float("nan")] * len(codes),
        }
    )
    names = {"A": "Aston", "B": "Bordesley", "C": "Castle Vale", "D": "Digbeth"}
    data = SimpleNamespace(
        before_after=ba, options=options, binding=binding, plan=None, area_name=names.get
    )
    d = {"phase": "secondary", "year": 2027, "codes": codes, "lead": None}
    got = left_short_why(data, d)
    # the limits' counts differ between areas: each reason once, without them
    assert got == (
        "in 2027/28 and in 2029/30, all permanent expansion modules allowed are "
        "used; in 2029/30, each uses all the temporary places the model allows it a "
        "year, an assumed limit given on its page"
    )
    assert "))" not in f"({got})"
    # one area's own limit: said with its count and the area
    data.before_after = ba[ba["area"] == "A"]
    got = left_short_why(data, {**d, "codes": ["A"]})
    assert "in 2029/30, no more than one bulge class a year is allowed" in got


def test_council_need_in_the_recommendation_says_it_is_counted_without_the_margin():
    """A Birmingham trial: the recommendations gave "10,274 places are short before any new
    places" in 2027/28 (with the 2% margin) and, two paragraphs on, "the Council's own return
    ... 235 secondary against this report's 8,622" for the same year (no margin) with nothing
    to say why the two differ. SYNTHETIC comparison row."""
    from types import SimpleNamespace

    import pandas as pd

    from sufficiency.report.text import _council_need

    row = pd.DataFrame(
        {
            "measure": ["places needed before any new places"],
            "year": [2027],
            "primary": [0.0],
            "secondary": [8621.61],
            "primary_council": [380.0],
            "secondary_council": [234.91],
        }
    )
    got = _council_need(SimpleNamespace(council_comparison=row), ["secondary"])
    assert got == (
        " (the Council's own return to the DfE puts the places needed in 2027/28 "
        "before any new places at no more than 235 secondary against this report's "
        "8,622, counted without the margin)"
    )
    assert _council_need(SimpleNamespace(council_comparison=None), ["secondary"]) == ""


def test_spare_beside_a_new_school_reconciles_the_net_figure():
    """A Birmingham trial: "508 places spare ... (most in A (433), B (376) and C (254))": the
    areas listed held more than the net figure, as other areas were still short, and nothing
    said so. SYNTHETIC figures from that trial's recommendation."""
    from sufficiency.report.text import spare_where

    where = [("A", 433.0), ("B", 376.0), ("C", 254.0), ("D", 88.0)]
    total = sum(v for _, v in where)
    got = spare_where({"where": where, "spare_total": total, "spare": 508.0})
    assert got == (
        "most in A (433), B (376) and C (254); 1,151 spare in all, less 643 still "
        "short in other areas"
    )
    # nothing short elsewhere: the listed areas alone
    assert spare_where({"where": where, "spare_total": total, "spare": total}) == (
        "most in A (433), B (376) and C (254)"
    )
    assert (
        spare_where({"where": [("A", 433.0)], "spare_total": 433.0, "spare": 433.0}) == "all in A"
    )


def test_derived_scope_names_the_areas_whose_history_is_the_census():
    """A Telford and Wrekin trial: the cover and summary said every area's history was derived
    when its one secondary area holds the whole phase (the census's own count)."""
    from types import SimpleNamespace

    from sufficiency.report.text import derived_scope

    areas = pd.DataFrame(
        {
            "area": ["8940001", "8940002", "8940008"],
            "name": ["Newport", "Wellington", "Telford and Wrekin"],
            "phase": ["primary", "primary", "secondary"],
        }
    )
    some = SimpleNamespace(
        areas=areas, derived_areas=frozenset({"8940001", "8940002"}), any_history_derived=True
    )
    text = derived_scope(some)
    assert text.startswith(
        " in 2 of the 3 planning areas (not in Telford and Wrekin secondary "
        "(8940008), which holds the whole of its phase"
    )
    assert "Newport" not in text
    every = SimpleNamespace(
        areas=areas, derived_areas=frozenset(areas["area"]), any_history_derived=True
    )
    unknown = SimpleNamespace(areas=areas, derived_areas=None, any_history_derived=True)
    none = SimpleNamespace(areas=areas, derived_areas=frozenset(), any_history_derived=False)
    assert derived_scope(every) == derived_scope(unknown) == derived_scope(none) == ""
