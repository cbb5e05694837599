"""Presolve and decomposition of the optimiser: the same optimum and plan as the monolithic
model on random small problems (with and without budgets and moves), CBC and HiGHS agree,
and hand-worked cases of the zero-build presolve. All data here are synthetic (test only)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sufficiency.optimise import OPTION_COLUMNS, PlanSettings, solve_allocation
from sufficiency.optimise import model as model_mod
from sufficiency.optimise.data import prepare
from sufficiency.optimise.decompose import (
    blocks_of,
    components,
    presolved_objective,
    subset,
    zero_build_blocks,
)

YEARS = list(range(2025, 2031))
PHASES = ("primary", "secondary")
#: monolithic reference: no presolve, one model over every block
WHOLE = dict(presolve=False, decompose=False)
#: a gap well below any difference between two plans of these problems
EXACT = dict(mip_gap=1e-9, time_limit=120)
PLAN_KEY = ["area", "phase", "year", "option", "modules"]


def opt(
    name,
    area,
    phase,
    kind,
    places,
    cost,
    max_modules=1,
    max_per_year=0,
    min_modules=0,
    earliest=2025,
    duration=0,
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
        cost_per_module=float(cost),
        cost_per_place=cost / places,
        revenue_per_place=0.0,
        earliest_year=earliest,
        duration=duration,
        fill_years=fill_years,
        source="test",
    )


def random_problem(seed: int, n_areas: int = 4):
    """Areas x 2 phases x 6 years; about half the blocks need places, the rest have room."""
    rng = np.random.default_rng(seed)
    dem, cap, opts = [], [], []
    for a in range(n_areas):
        area = f"R{a}"
        for ph in PHASES:
            d0 = rng.uniform(300, 900)
            trend = rng.uniform(-0.03, 0.05)
            d = d0 * (1 + trend) ** np.arange(len(YEARS)) * (1 + rng.normal(0, 0.01, len(YEARS)))
            dem.append(pd.DataFrame({"area": area, "phase": ph, "year": YEARS, "demand": d}))
            cap.append({"area": area, "phase": ph, "capacity": round(d0 * rng.uniform(0.95, 1.25))})
            cpp = rng.uniform(8_000, 12_000)
            opts += [
                opt(
                    f"{area}:{ph}:bulge",
                    area,
                    ph,
                    "bulge_class",
                    30,
                    30 * cpp,
                    max_modules=0,
                    max_per_year=2,
                    duration=5,
                ),
                opt(
                    f"{area}:{ph}:exp",
                    area,
                    ph,
                    "permanent_expansion",
                    60,
                    60 * rng.uniform(18_000, 26_000),
                    max_modules=2,
                    earliest=2026,
                    fill_years=int(rng.integers(0, 6)),
                ),
                opt(
                    f"{area}:{ph}:new",
                    area,
                    ph,
                    "new_school",
                    420,
                    420 * rng.uniform(20_000, 28_000),
                    earliest=2028,
                    fill_years=int(rng.integers(0, 8)),
                ),  # 0: full at opening
            ]
    return (
        pd.concat(dem, ignore_index=True),
        pd.DataFrame(cap),
        pd.DataFrame(opts, columns=list(OPTION_COLUMNS)),
    )


def adjacency(n_areas: int = 4) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "from_area": ["R0", "R2"],
            "to_area": ["R1", "R3"],
            "phase": "primary",
            "max_share": 0.05,
            "cost_per_pupil": 900.0,
        }
    )


def solve(dem, cap, opts, adj=None, **kw):
    return solve_allocation(dem, cap, opts, PlanSettings(**{**EXACT, **kw}), adj)


def assert_same(a, b):
    assert a.objective == pytest.approx(b.objective, rel=1e-8, abs=1e-6)  # CBC files: ~10 digits
    pa = a.plan[PLAN_KEY].sort_values(PLAN_KEY).reset_index(drop=True)
    pb = b.plan[PLAN_KEY].sort_values(PLAN_KEY).reset_index(drop=True)
    pd.testing.assert_frame_equal(pa, pb)
    pd.testing.assert_frame_equal(a.cells, b.cells, check_exact=False, atol=1e-6)
    assert a.status == b.status == "Optimal"


# --------------------------------------------------------------------------- same optimum
@pytest.mark.parametrize("seed", range(6))
def test_presolve_and_decomposition_match_the_monolithic_model(seed):
    dem, cap, opts = random_problem(seed)
    data = prepare(dem, cap, opts, PlanSettings())
    presolved = zero_build_blocks(data, PlanSettings(), blocks_of(data))
    assert 0 < presolved.sum() < len(presolved)  # the problem exercises both paths
    whole = solve(dem, cap, opts, solver="highs", **WHOLE)
    for kw in (
        dict(presolve=True, decompose=False),
        dict(presolve=False, decompose=True),
        dict(presolve=True, decompose=True),
        dict(block_size=3),
    ):
        assert_same(solve(dem, cap, opts, solver="highs", **kw), whole)


@pytest.mark.parametrize("seed", range(3))
def test_filling_expansions_match_the_monolithic_model(seed):
    # cheap expansions that fill over 3 years, so that the plan does choose them
    dem, cap, opts = random_problem(seed)
    exp = opts["kind"] == "permanent_expansion"
    opts.loc[exp, "cost_per_module"] *= 0.2
    opts.loc[exp, "fill_years"] = 3
    whole = solve(dem, cap, opts, solver="highs", **WHOLE)
    assert (whole.plan["fill_years"] == 3).any()
    assert_same(solve(dem, cap, opts, solver="highs"), whole)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("coupling", ["total_budget", "annual_budget", "moves"])
def test_coupled_problems_match_the_monolithic_model(seed, coupling):
    dem, cap, opts = random_problem(seed)
    kw, adj = {}, None
    if coupling == "total_budget":
        kw["total_budget"] = 2_000_000.0
    elif coupling == "annual_budget":
        kw["annual_budget"] = {2025: 500_000.0, 2026: 1_500_000.0}
    else:
        adj = adjacency()
    whole = solve(dem, cap, opts, adj, solver="highs", **WHOLE, **kw)
    assert_same(solve(dem, cap, opts, adj, solver="highs", **kw), whole)


@pytest.mark.parametrize("seed", [0, 2])
def test_weighted_scenarios_match_the_monolithic_model(seed):
    # a low and a high scenario planned together, weighted 3:1 in the penalties
    dem, cap, opts = random_problem(seed)
    both = pd.concat(
        [
            dem.assign(scenario="low", demand=dem["demand"] * 0.97),
            dem.assign(scenario="high", demand=dem["demand"] * 1.03),
        ],
        ignore_index=True,
    )
    kw = dict(solver="highs", scenario_weights={"low": 3.0, "high": 1.0}, target_penalty=3_000.0)
    assert_same(solve(both, cap, opts, **kw), solve(both, cap, opts, **kw, **WHOLE))


@pytest.mark.parametrize("seed", [0, 1])
def test_cbc_and_highs_agree_after_presolve(seed):
    dem, cap, opts = random_problem(seed, n_areas=3)
    assert_same(solve(dem, cap, opts, solver="cbc"), solve(dem, cap, opts, solver="highs"))


def test_duals_of_kept_blocks_are_unchanged():
    dem, cap, opts = random_problem(3)
    a = solve(dem, cap, opts, solver="highs")
    b = solve(dem, cap, opts, solver="highs", **WHOLE)
    pd.testing.assert_frame_equal(
        a.marginal_costs(), b.marginal_costs(), check_exact=False, rtol=1e-6, atol=1e-6
    )


def test_parallel_workers_give_the_same_plan(monkeypatch):
    monkeypatch.setattr(model_mod, "_MIN_PARTS_PER_WORKER", 1)
    dem, cap, opts = random_problem(4)
    assert_same(
        solve(dem, cap, opts, solver="highs", workers=2), solve(dem, cap, opts, solver="highs")
    )


# --------------------------------------------------------------------------- presolve
def _one_block(capacity, demand, cost=300_000.0, min_modules=0, target_penalty=1_000.0):
    dem = pd.DataFrame(
        {"area": "A", "phase": "primary", "year": [2025, 2026, 2027], "demand": demand}
    )
    cap = pd.DataFrame({"area": ["A"], "phase": ["primary"], "capacity": [capacity]})
    opts = pd.DataFrame(
        [
            opt(
                "bulge",
                "A",
                "primary",
                "bulge_class",
                30,
                cost,
                max_modules=0,
                max_per_year=2,
                duration=7,
                min_modules=min_modules,
            )
        ],
        columns=list(OPTION_COLUMNS),
    )
    s = PlanSettings(
        margin=0.02, target=0.05, ceiling=0.10, discount_rate=0.0, target_penalty=target_penalty
    )
    data = prepare(dem, cap, opts, s)
    return data, s, zero_build_blocks(data, s, blocks_of(data))


def test_block_above_the_target_is_presolved():
    # 110 places for 100 pupils: above the 5% target every year, building only costs
    data, s, ok = _one_block(110.0, [100.0] * 3)
    assert ok.tolist() == [True]
    # objective of building nothing: surplus above the 10% ceiling is zero here
    assert presolved_objective(data, s, np.ones(data.n_cells, bool)) == 0.0


def test_presolved_objective_counts_target_and_surplus_slacks():
    # 103 places: 2 below the 5% target each year (GBP 1,000 each); 120 places for 100 pupils:
    # 10 above the ceiling (GBP 100 each)
    data, s, ok = _one_block(103.0, [100.0] * 3)
    assert ok.tolist() == [True]  # a bulge class costs far more than 3 x 2 x GBP 1,000
    assert presolved_objective(data, s, np.ones(3, bool)) == pytest.approx(3 * 2 * 1_000.0)
    data, s, _ = _one_block(120.0, [100.0] * 3)
    assert presolved_objective(data, s, np.ones(3, bool)) == pytest.approx(3 * 10 * 100.0)


def test_blocks_that_must_be_solved_are_kept():
    assert _one_block(100.0, [100.0] * 3)[2].tolist() == [False]  # short of the 2% margin
    assert _one_block(110.0, [100.0] * 3, min_modules=1)[2].tolist() == [False]  # committed
    assert _one_block(110.0, [100.0] * 3, cost=0.0)[2].tolist() == [False]  # free: not unique
    # below target, and a bulge class (30 places x 3 years x GBP 5,000 = 450k saved) costs less
    assert _one_block(103.0, [100.0] * 3, target_penalty=5_000.0)[2].tolist() == [False]


def test_presolve_dominance_is_exact_at_the_threshold():
    # below the target only; the solver agrees with the presolve either side of the point
    # where a bulge class pays for itself through the target penalty alone
    dem = pd.DataFrame(
        {"area": "A", "phase": "primary", "year": [2025, 2026, 2027], "demand": [100.0] * 3}
    )
    # margin 0, target 30%: 30 places below the target every year, GBP 90,000 over 3 years
    cap = pd.DataFrame({"area": ["A"], "phase": ["primary"], "capacity": [100.0]})
    for cost in (20_000.0, 200_000.0):
        opts = pd.DataFrame(
            [
                opt(
                    "bulge",
                    "A",
                    "primary",
                    "bulge_class",
                    30,
                    cost,
                    max_modules=0,
                    max_per_year=2,
                    duration=7,
                )
            ],
            columns=list(OPTION_COLUMNS),
        )
        kw = dict(margin=0.0, target=0.3, ceiling=0.5, discount_rate=0.0, **EXACT)
        s = PlanSettings(**kw)
        data = prepare(dem, cap, opts, s)
        assert zero_build_blocks(data, s, blocks_of(data)).tolist() == [cost > 90_000.0]
        a = solve_allocation(dem, cap, opts, s)
        b = solve_allocation(dem, cap, opts, PlanSettings(**kw, **WHOLE))
        assert_same(a, b)
        assert len(a.plan) == (1 if cost == 20_000.0 else 0)


def test_every_block_presolved_needs_no_solver():
    dem, cap, opts = random_problem(5)
    cap = cap.assign(capacity=cap["capacity"] * 3)
    a = solve(dem, cap, opts, solver="cbc")
    b = solve(dem, cap, opts, solver="cbc", **WHOLE)
    assert a.plan.empty and a.marginal_costs().empty
    assert_same(a, b)


# --------------------------------------------------------------------------- components
def test_components_follow_budgets_and_moves():
    dem, cap, opts = random_problem(0)
    s = PlanSettings()
    data = prepare(dem, cap, opts, s, adjacency())
    blocks = blocks_of(data)
    keep = np.ones(blocks.n, bool)
    comps = components(data, s, blocks, keep)
    # blocks: R0 primary, R0 secondary, R1 primary, ...: moves join R0-R1 and R2-R3 primary
    assert [c.tolist() for c in comps] == [[0, 2], [1], [3], [4, 6], [5], [7]]
    budget = PlanSettings(total_budget=1e6)
    assert [c.tolist() for c in components(data, budget, blocks, keep)] == [list(range(8))]
    part, cells, builds, moves = subset(data, blocks, comps[0])
    assert part.n_cells == 2 * len(YEARS) and len(part.moves) == len(YEARS)
    assert set(data.cells.iloc[cells]["area"]) == {"R0", "R1"}
    assert (
        data.build_option[builds]
        == data.options.index[data.options["option"].isin(part.options["option"])].to_numpy()[
            part.build_option
        ]
    ).all()
