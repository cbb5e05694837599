"""Optimiser: tiny problems with a known optimum, one test per constraint family, an
over-constrained case, CBC vs HiGHS. All data here are synthetic (test data only)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sufficiency.exceptions import ConfigError, InfeasibleError
from sufficiency.optimise import OPTION_COLUMNS, PlanSettings, build_catalogue, solve_allocation
from sufficiency.optimise.options import benchmark_costs

YEARS = [2025, 2026, 2027]
#: no discounting, no soft penalties: the objective is the capital cost (+ shortfall penalty)
PLAIN = dict(
    margin=0.0, target=0.0, ceiling=0.5, discount_rate=0.0, target_penalty=0.0, surplus_penalty=0.0
)


def opt(
    name,
    area="A",
    kind="permanent_expansion",
    places=105,
    cost=1_000_000.0,
    max_modules=1,
    max_per_year=0,
    min_modules=0,
    earliest=2025,
    duration=0,
    phase="primary",
    fill_years=0,
):
    return dict(
        option=name,
        area=area,
        phase=phase,
        kind=kind,
        places=places,
        max_modules=max_modules,
        max_per_year=max_per_year,
        min_modules=min_modules,
        cost_per_module=cost,
        cost_per_place=cost / places,
        revenue_per_place=0.0,
        earliest_year=earliest,
        duration=duration,
        fill_years=fill_years,
        source="test",
    )


def demand(values, area="A", years=YEARS, phase="primary", scenario=None):
    d = pd.DataFrame({"area": area, "phase": phase, "year": years, "demand": values})
    return d if scenario is None else d.assign(scenario=scenario)


def cap(**areas):
    return pd.DataFrame({"area": list(areas), "phase": "primary", "capacity": list(areas.values())})


def solve(dem, capacity, options, **kw):
    settings = PlanSettings(**{**PLAIN, **kw})
    return solve_allocation(
        dem, capacity, pd.DataFrame(options, columns=list(OPTION_COLUMNS)), settings
    )


def bulge(cost, max_per_year=5, earliest=2025, area="A"):
    return opt(
        "bulge",
        area=area,
        kind="bulge_class",
        places=30,
        cost=cost,
        max_modules=0,
        max_per_year=max_per_year,
        earliest=earliest,
        duration=7,
    )


# --------------------------------------------------------------------------- known optimum
def test_expansion_beats_three_bulge_classes():
    # need 90 places every year; 3 bulges cost 1.2m > one 105-place expansion at 1.0m
    r = solve(demand([300.0] * 3), cap(A=210.0), [opt("exp"), bulge(400_000.0)])
    assert r.objective == pytest.approx(1_000_000.0)
    assert r.plan[["option", "year", "places"]].values.tolist() == [["exp", 2025, 105.0]]
    assert r.total_cost == 1_000_000.0
    assert r.before_after()["shortfall_after"].max() == 0.0


def test_bulge_classes_when_cheaper():
    r = solve(demand([300.0] * 3), cap(A=210.0), [opt("exp"), bulge(300_000.0)])
    assert r.objective == pytest.approx(900_000.0)
    assert r.plan["option"].tolist() == ["bulge"] and r.plan["modules"].tolist() == [3]
    assert r.plan["places"].sum() == 90.0


def test_margin_is_applied():
    # demand 300, margin 10%: required 330 -> 120 places -> 4 bulges (1.2m) vs 1 expansion +
    # 1 bulge (1.3m): bulges win
    r = solve(
        demand([300.0] * 3), cap(A=210.0), [opt("exp"), bulge(300_000.0)], margin=0.1, target=0.1
    )
    assert r.objective == pytest.approx(1_200_000.0)
    assert r.plan["places"].sum() == 120.0


def test_no_class_is_bought_for_a_fraction_of_a_place():
    # 100.3 pupils in 100 places in 2025: 0.3 of a place short; at the 1m penalty a
    # 300k bulge class was cheaper than 0.3 x 1m, so the plan bought 30 places for it
    dem, options = demand([100.3, 90.0, 90.0]), [bulge(200_000.0)]
    kept = solve(dem, cap(A=100.0), options)
    assert kept.plan.empty and kept.objective == pytest.approx(0.0)
    assert kept.before_after()["shortfall_after"].max() == pytest.approx(0.3)
    counted = solve(dem, cap(A=100.0), options, shortfall_tolerance=0.0)
    assert counted.plan["modules"].tolist() == [1]
    # above the tolerance the requirement is met in full
    more = solve(demand([100.6, 90.0, 90.0]), cap(A=100.0), options)
    assert more.plan["modules"].tolist() == [1]
    assert more.before_after()["shortfall_after"].max() == 0.0


@pytest.mark.parametrize("bad", [-0.1, 30, "half"])
def test_shortfall_tolerance_must_be_places(bad):
    with pytest.raises(ConfigError, match="shortfall_tolerance"):
        PlanSettings(shortfall_tolerance=bad)


# --------------------------------------------------------------------------- filling
def test_filled_share():
    from sufficiency.optimise.data import filled_share

    got = filled_share(np.array([1, 2, 7, 8, 1, 3]), np.array([7, 7, 7, 7, 0, 1]))
    assert got.tolist() == pytest.approx([1 / 7, 2 / 7, 1.0, 1.0, 1.0, 1.0])


def test_an_expansion_that_fills_adds_its_places_year_by_year():
    # a committed 105-place expansion filling over 7 years adds 15, 30, 45 places in 2025-2027
    r = solve(
        demand([300.0] * 3),
        cap(A=210.0),
        [opt("exp", fill_years=7, min_modules=1)],
        shortfall_penalty=1e5,
    )
    ba = r.before_after()
    assert ba["added"].tolist() == pytest.approx([15.0, 30.0, 45.0])
    assert ba["shortfall_after"].tolist() == pytest.approx([75.0, 60.0, 45.0])
    assert r.plan[["places", "fill_years"]].values.tolist() == [[105.0, 7]]


def test_bulge_classes_beat_an_expansion_that_fills_too_slowly():
    # the same need as test_expansion_beats_three_bulge_classes (90 places from 2025): in full
    # use the expansion (GBP 1.0m) wins; filling 15 a year it cannot close 2025's gap, which
    # needs three bulge classes that last the horizon anyway (GBP 1.2m)
    r = solve(demand([300.0] * 3), cap(A=210.0), [opt("exp", fill_years=7), bulge(400_000.0)])
    assert r.objective == pytest.approx(1_200_000.0)
    assert r.plan[["option", "year", "modules"]].values.tolist() == [["bulge", 2025, 3]]


def test_revenue_counts_the_places_in_use():
    # 70 places filling over 7 years: 10 + 20 + 30 = 60 place-years in 2025-2027 at GBP 100
    from sufficiency.optimise.data import prepare
    from sufficiency.optimise.objective import capital_coefficients

    o = pd.DataFrame([opt("exp", places=70, cost=0.0, fill_years=7)], columns=list(OPTION_COLUMNS))
    o["revenue_per_place"] = 100.0
    data = prepare(demand([300.0] * 3), cap(A=210.0), o, PlanSettings(**PLAIN))
    first = data.build_year == 2025
    assert capital_coefficients(data)[first].tolist() == pytest.approx([6_000.0])


def test_fill_years_defaults_and_model_errors():
    from sufficiency.optimise.options import default_fill_years, options_from_config

    assert [
        default_fill_years(k, p)
        for k, p in [
            ("new_school", "primary"),
            ("permanent_expansion", "secondary"),
            ("bulge_class", "primary"),
            ("new_school", "special"),
            ("temporary_expansion", "secondary"),
            ("new_school", "secondary"),
        ]
    ] == [7, 0, 0, 0, 0, 5]
    base = dict(
        name="X new", area="X", phase="secondary", kind="new_school", places=600, cost=63_300_000.0
    )
    got = options_from_config({"options": [base, {**base, "name": "X now", "fill_years": 0}]})
    assert got["fill_years"].tolist() == [5, 0]
    with pytest.raises(
        ConfigError,
        match=r"\(X new\) fill_years = 2\.5: expected a whole number "
        r">= 0 \(0 = all places from opening\)",
    ):
        options_from_config({"options": [{**base, "fill_years": 2.5}]})
    # a catalogue without the column (a library user's own table) is in full use from opening
    o = pd.DataFrame([opt("exp")], columns=list(OPTION_COLUMNS)).drop(columns="fill_years")
    r = solve_allocation(demand([300.0] * 3), cap(A=210.0), o, PlanSettings(**PLAIN))
    assert r.objective == pytest.approx(1e6) and r.before_after()["added"].tolist() == [105.0] * 3


# --------------------------------------------------------------------------- families
def test_lead_time_forces_temporary_places_first():
    # the expansion cannot open before 2026, so 2025 needs bulges, which then last the horizon
    r = solve(demand([300.0] * 3), cap(A=210.0), [opt("exp", earliest=2026), bulge(400_000.0)])
    assert r.objective == pytest.approx(1_200_000.0)
    assert r.plan[["option", "year", "modules"]].values.tolist() == [["bulge", 2025, 3]]


def test_lead_time_shortfall_is_reported_and_binding():
    r = solve(demand([300.0] * 3), cap(A=210.0), [opt("exp", earliest=2026)], shortfall_penalty=1e5)
    ba = r.before_after().set_index("year")
    assert ba.loc[2025, "shortfall_after"] == pytest.approx(90.0)
    assert ba.loc[2026, "shortfall_after"] == 0.0
    assert r.objective == pytest.approx(1_000_000.0 + 90 * 1e5)
    lt = r.binding_constraints().query("family == 'lead_time'")
    assert lt["option"].tolist() == ["exp"] and lt["year"].tolist() == [2025]


def test_total_budget_leaves_a_penalised_shortfall():
    # GBP 800k buys two bulge classes (60 places) of the 90 needed: 30 short every year
    r = solve(
        demand([300.0] * 3),
        cap(A=210.0),
        [opt("exp"), bulge(400_000.0)],
        total_budget=800_000.0,
        shortfall_penalty=1e5,
    )
    assert r.total_cost == 800_000.0
    assert r.before_after()["shortfall_after"].tolist() == [30.0, 30.0, 30.0]
    assert r.objective == pytest.approx(800_000.0 + 90 * 1e5)
    b = r.binding_constraints().query("family == 'budget'")
    assert b["detail"].tolist() == ["spent GBP 800,000 of GBP 800,000"]


def test_annual_budget_defers_building():
    # no money in 2025: the expansion opens in 2026 and 2025 is short
    r = solve(
        demand([300.0] * 3),
        cap(A=210.0),
        [opt("exp")],
        annual_budget={2025: 0.0},
        shortfall_penalty=1e5,
    )
    assert r.plan[["option", "year"]].values.tolist() == [["exp", 2026]]
    assert r.before_after()["shortfall_after"].tolist() == [90.0, 0.0, 0.0]
    b = r.binding_constraints().query("family == 'budget'")
    assert b["year"].tolist() == [2025]


def test_module_limit_caps_a_school():
    # need 200: the expansion may be built once (105), the rest comes from bulges (4 x 30)
    r = solve(demand([410.0] * 3), cap(A=210.0), [opt("exp", max_modules=1), bulge(400_000.0)])
    by = r.plan.groupby("option")["places"].sum()
    assert by["exp"] == 105 and by["bulge"] == 120
    assert r.objective == pytest.approx(1_000_000.0 + 4 * 400_000.0)
    ml = r.binding_constraints().query("family == 'module_limit'")
    assert "exp" in ml["option"].tolist()


def test_moves_to_an_adjacent_area():
    # A is 30 short, B has 100 spare; moving 30 pupils costs 1,000 each a year (cheaper than
    # any build); the move limit is half of A's demand
    dem = pd.concat([demand([130.0] * 3, "A"), demand([100.0] * 3, "B")])
    adj = pd.DataFrame(
        {
            "from_area": ["A"],
            "to_area": ["B"],
            "phase": ["primary"],
            "max_share": [0.5],
            "cost_per_pupil": [1000.0],
        }
    )
    options = pd.DataFrame([opt("exp")], columns=list(OPTION_COLUMNS))
    r = solve_allocation(dem, cap(A=100.0, B=200.0), options, PlanSettings(**PLAIN), adj)
    assert r.objective == pytest.approx(3 * 30 * 1000.0)
    ba = r.before_after().set_index(["area", "year"])
    assert ba.loc[("A", 2025), "moved_out"] == pytest.approx(30.0)
    assert ba.loc[("B", 2025), "moved_in"] == pytest.approx(30.0)
    assert r.plan.empty
    # with a 10% limit only 13 can move; the other 17 places are short
    adj["max_share"] = 0.1
    r = solve_allocation(
        dem,
        cap(A=100.0, B=200.0),
        options.iloc[:0],
        PlanSettings(**{**PLAIN, "shortfall_penalty": 1e5}),
        adj,
    )
    assert r.before_after().set_index(["area", "year"]).loc[
        ("A", 2026), "shortfall_after"
    ] == pytest.approx(17.0)


def test_soft_target_penalty():
    # margin 0, target 5%: capacity equals demand, nothing to build: 5 places below target a year
    r = solve(demand([100.0] * 3), cap(A=100.0), [], margin=0.0, target=0.05, target_penalty=1000.0)
    assert r.objective == pytest.approx(3 * 5 * 1000.0)


def test_surplus_ceiling_penalty_with_a_committed_option():
    # a committed (min_modules=1) free expansion of 30 makes 130 places for 100 pupils:
    # 20 above the 10% ceiling in each year it is open, so it opens as late as it can
    o = opt("committed", places=30, cost=0.0, min_modules=1)
    r = solve(demand([100.0] * 3), cap(A=100.0), [o], ceiling=0.10, surplus_penalty=100.0)
    assert r.plan[["option", "year"]].values.tolist() == [["committed", 2027]]
    assert r.objective == pytest.approx(1 * 20 * 100.0)


def test_discounting_defers_capital():
    # same need in 2027 only: with discounting the expansion opens as late as possible
    r = solve(demand([200.0, 200.0, 300.0]), cap(A=210.0), [opt("exp")], discount_rate=0.035)
    assert r.plan["year"].tolist() == [2027]
    assert r.objective == pytest.approx(1_000_000.0 / 1.035**2)


def test_scenarios_one_plan_for_all():
    dem = pd.concat([demand([250.0] * 3, scenario="low"), demand([300.0] * 3, scenario="high")])
    r = solve(dem, cap(A=210.0), [opt("exp"), bulge(300_000.0)])
    # high needs 90: 3 bulges (0.9m) cover both scenarios
    assert r.objective == pytest.approx(900_000.0)
    assert set(r.cells["scenario"]) == {"low", "high"}
    assert r.cells["shortfall_after"].max() == 0


def test_marginal_cost_is_the_dual_of_the_lp_relaxation():
    # one year, one permanent option at 1,000 per place: a place more costs 1,000
    r = solve(
        demand([250.0], years=[2025]),
        cap(A=210.0),
        [opt("exp", places=10, cost=10_000.0, max_modules=10)],
    )
    m = r.marginal_costs()
    assert m["marginal_cost"].tolist() == pytest.approx([1000.0])


# --------------------------------------------------------------------------- errors
def test_over_constrained_names_areas_years_and_family():
    # hard margin: area B cannot be helped before 2026 (lead time), A is fine
    dem = pd.concat([demand([100.0] * 3, "A"), demand([300.0] * 3, "B")])
    options = [opt("exp B", area="B", earliest=2026, max_modules=2)]
    with pytest.raises(InfeasibleError) as exc:
        solve(dem, cap(A=210.0, B=210.0), options, elastic=False)
    msg = str(exc.value)
    assert "sufficiency" in msg and "area B" in msg and "2025/26" in msg
    assert "area A" not in msg and "2026/27" not in msg


def test_committed_project_over_budget_names_budget():
    o = opt("committed", places=30, cost=2_000_000.0, min_modules=1)
    with pytest.raises(InfeasibleError, match="budget.*total by GBP 1,000,000"):
        solve(demand([100.0] * 3), cap(A=100.0), [o], total_budget=1_000_000.0)


def test_bad_settings_and_demand():
    with pytest.raises(ConfigError, match="solver"):
        PlanSettings(solver="gurobi")
    with pytest.raises(ConfigError, match="margin <= target"):
        PlanSettings(margin=0.06, target=0.05)
    bad = demand([100.0, -1.0, 100.0])
    with pytest.raises(Exception, match="'demand' must be a number >= 0"):
        solve(bad, cap(A=100.0), [])


# --------------------------------------------------------------------------- solvers
def _county_toy():
    rows, options = [], []
    for i, a in enumerate("ABCDEF"):
        for j, y in enumerate(range(2025, 2033)):
            rows.append(
                {
                    "area": a,
                    "phase": "primary",
                    "year": y,
                    "demand": 200.0 + 17 * i + (11 + 3 * i) * j,
                }
            )
        options += [
            opt(
                f"{a} exp",
                area=a,
                places=105,
                cost=2_100_000.0 + 50_000 * i,
                max_modules=2,
                earliest=2026,
            ),
            opt(
                f"{a} bulge",
                area=a,
                kind="bulge_class",
                places=30,
                cost=290_000.0,
                max_modules=0,
                max_per_year=2,
                duration=7,
            ),
        ]
    return pd.DataFrame(rows), cap(**{a: 210.0 for a in "ABCDEF"}), options


def test_cbc_and_highs_agree():
    dem, capacity, options = _county_toy()
    kw = dict(margin=0.02, target=0.05, ceiling=0.10, annual_budget=1_500_000.0)
    a = solve(dem, capacity, options, solver="cbc", **kw)
    b = solve(dem, capacity, options, solver="highs", **kw)
    assert a.objective == pytest.approx(b.objective, rel=1e-7)
    assert a.total_cost > 0


def test_deterministic_outputs(tmp_path):
    dem, capacity, options = _county_toy()
    a = solve(dem, capacity, options, margin=0.02, target=0.05, ceiling=0.1)
    b = solve(dem, capacity, options, margin=0.02, target=0.05, ceiling=0.1)
    pa = a.write(tmp_path / "a")
    pb = b.write(tmp_path / "b")
    for x, y in zip(pa, pb):
        if x.name != "plan_summary.txt":  # the summary carries the solve time
            assert x.read_bytes() == y.read_bytes(), x.name


# --------------------------------------------------------------------------- catalogue
def test_catalogue_from_dfe_benchmarks_and_local_override(data_dir):
    from sufficiency.io.scorecards import read_cost_benchmarks

    b = read_cost_benchmarks(data_dir / "school_places_scorecards", "E10000034").data
    costs = benchmark_costs(b, "E10000034").set_index(["phase", "option"])["cost_per_place"]
    # Worcestershire 2024/25 (2025 file): primary 24,085 / 20,173 / 9,538; secondary 29,178 / 27,746 / 10,707
    assert round(costs[("primary", "new_school")]) == 24085
    assert round(costs[("secondary", "permanent_expansion")]) == 27746
    assert round(costs[("secondary", "temporary_expansion")]) == 10707
    areas = pd.DataFrame({"area": ["X", "Y"], "phase": ["primary", "secondary"]})
    local = pd.DataFrame(
        [
            opt(
                "Y new",
                area="Y",
                kind="new_school",
                phase="secondary",
                places=600,
                cost=63_300_000.0,
                earliest=2028,
            )
        ],
        columns=list(OPTION_COLUMNS),
    )
    cat = build_catalogue(areas, benchmark_costs(b, "E10000034"), 2026, local=local)
    assert len(cat) == 6
    y_new = cat.query("area == 'Y' and kind == 'new_school'")
    assert (
        y_new["option"].tolist() == ["Y new"] and y_new["cost_per_module"].iloc[0] == 63_300_000.0
    )
    x_bulge = cat.query("area == 'X' and kind == 'bulge_class'").iloc[0]
    assert x_bulge["places"] == 30 and x_bulge["duration"] == 7 and x_bulge["earliest_year"] == 2026
    assert x_bulge["cost_per_module"] == pytest.approx(
        30 * costs[("primary", "temporary_expansion")]
    )
    fill = cat.set_index(["area", "kind"])["fill_years"]
    assert fill[("X", "new_school")] == 7 and fill[("X", "permanent_expansion")] == 0
    assert fill[("X", "bulge_class")] == 0 and fill[("Y", "permanent_expansion")] == 0
    assert fill[("Y", "new_school")] == 0  # the local option's own value (opt's default, 0)


def test_decomposition_gives_the_same_optimum():
    # without budgets or moves the areas are independent: solving them apart is exact
    dem, capacity, options = _county_toy()
    kw = dict(margin=0.02, target=0.05, ceiling=0.10, solver="highs")
    whole = solve(dem, capacity, options, decompose=False, **kw)
    apart = solve(dem, capacity, options, decompose=True, **kw)
    assert apart.objective == pytest.approx(whole.objective, rel=1e-7)
    assert apart.total_cost == pytest.approx(whole.total_cost)
    assert len(apart.cells) == len(whole.cells)
    assert set(apart.marginal_costs()["area"]) <= set("ABCDEF")


def test_default_limits_grow_with_the_schools_of_an_area():
    """A city's large planning area is not held to a small town's limits (Birmingham trial:
    30,104 place-years left short with 2 expansions and 2 bulge classes a year per area,
    18,445 with these limits): half a form of entry per school, one bulge class a year per
    three schools, at least the module's own limits; one new school whatever the size."""
    from sufficiency.optimise.options import default_options

    costs = pd.DataFrame(
        {
            "phase": ["primary"] * 3,
            "option": ["new_school", "permanent_expansion", "temporary_expansion"],
            "cost_per_place": [24085.0, 20173.0, 9538.0],
            "edition": 2025,
        }
    )
    areas = pd.DataFrame({"area": ["BIG", "ONE"], "phase": "primary", "schools": [12, 1]})
    lim = default_options(areas, costs, 2027).set_index(["area", "kind"])
    assert lim.loc[("BIG", "permanent_expansion"), "max_modules"] == 12
    assert lim.loc[("BIG", "bulge_class"), "max_per_year"] == 4
    assert lim.loc[("BIG", "new_school"), "max_modules"] == 1
    assert lim.loc[("ONE", "permanent_expansion"), "max_modules"] == 2
    assert lim.loc[("ONE", "bulge_class"), "max_per_year"] == 2
    # without a school count: the module's own limits
    plain = default_options(areas.drop(columns="schools"), costs, 2027).set_index(["area", "kind"])
    assert plain.loc[("BIG", "permanent_expansion"), "max_modules"] == 2
    assert plain.loc[("BIG", "bulge_class"), "max_per_year"] == 2


def test_cost_benchmarks_say_when_they_are_regional(data_dir):
    """Since the 2021 edition the DfE gives every authority of a region one cost per place
    (the 14 West Midlands authorities share each figure; the 2019 edition's differ): the
    catalogue says so, not "the authority's" (a Warwickshire trial)."""
    from sufficiency.io.scorecards import read_cost_benchmarks

    b = read_cost_benchmarks(data_dir / "school_places_scorecards").data
    la = b[~b["area"].str.startswith("E92")]
    for (ed, _ty, ph, op), g in la.groupby(["edition", "target_year", "phase", "option"]):
        one = g["cost_per_place"].round(2).nunique() == 1 and len(g) > 1
        assert set(g["basis"]) == {"regional" if one else "authority"}, (ed, ph, op)
    assert set(la.loc[la["edition"] == 2019, "basis"]) == {"authority"}
    assert set(b.loc[b["area"].str.startswith("E92"), "basis"]) == {"authority"}
    costs = benchmark_costs(
        read_cost_benchmarks(data_dir / "school_places_scorecards", "E10000034").data, "E10000034"
    )
    assert set(costs["basis"]) == {"regional"} and set(costs["edition"]) == {2025}
    areas = pd.DataFrame({"area": ["X"], "phase": ["primary"]})
    cat = build_catalogue(areas, costs, 2026)
    assert cat["source"].str.contains("a regional figure", regex=False).all()
    # one authority's own figure (as in the 2019 edition) is not called regional
    own = costs.assign(basis="authority")
    assert not build_catalogue(areas, own, 2026)["source"].str.contains("regional").any()
