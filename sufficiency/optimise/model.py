"""Build, solve and read the allocation problem (reads top to bottom, PyPSA style).

``solve_allocation``: prepare arrays -> ``define_variables`` -> ``define_*`` constraint
families -> ``define_objective`` -> solve -> check status -> extract -> LP relaxation duals.
It depends on frames only (demand, capacity, options), never on the forecast module.
"""

from __future__ import annotations

import logging
import time
import warnings

import numpy as np
import pandas as pd
import pulp

from .. import nomenclature as nc
from ..exceptions import InfeasibleError, SolverError
from .constraints import (
    additions_by_cell,
    define_budget,
    define_ceiling,
    define_module_limits,
    define_moves,
    define_sufficiency,
    define_target,
)
from .data import PlanData, PlanSettings, prepare
from .objective import define_objective
from .results import AllocationResult
from .variables import Variables, define_variables

__all__ = ["solve_allocation", "build_problem"]

logger = logging.getLogger(__name__)

TOL = 1e-6


def _solver(settings: PlanSettings, mip: bool = True):
    if settings.solver == "highs":
        try:
            import highspy  # noqa: F401
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise SolverError("solver 'highs' needs the highspy package (pip install highspy)") from exc
        return pulp.HiGHS(mip=mip, msg=False, timeLimit=settings.time_limit,
                          gapRel=settings.mip_gap, threads=1, random_seed=0)
    with warnings.catch_warnings():
        # PuLP 3.3 announces PULP_CBC_CMD's removal in 4.0; CBC is still bundled here
        warnings.simplefilter("ignore", DeprecationWarning)
        return pulp.PULP_CBC_CMD(mip=mip, msg=False, timeLimit=settings.time_limit,
                                 gapRel=settings.mip_gap, threads=1,
                                 options=["randomSeed 42", "randomCbcSeed 42"])


def build_problem(data: PlanData, settings: PlanSettings, diagnose: bool = False):
    """Create the PuLP problem; return ``(problem, variables, constraints)``."""
    problem = pulp.LpProblem("sufficiency_plan", pulp.LpMinimize)
    v = define_variables(problem, data, settings, diagnose=diagnose)
    cons: dict = {}
    adds = additions_by_cell(data, v)
    define_sufficiency(problem, data, v, settings, cons, adds)
    define_target(problem, data, v, settings, cons, adds)
    define_ceiling(problem, data, v, settings, cons, adds)
    define_module_limits(problem, data, v, settings, cons)
    define_budget(problem, data, v, settings, cons)
    define_moves(problem, data, v, settings, cons)
    define_objective(problem, data, v, settings)
    return problem, v, cons


def _describe_cells(data: PlanData, cells) -> str:
    c = data.cells.iloc[sorted(cells)]
    parts = []
    for (a, p), g in c.groupby([nc.AREA, nc.PHASE], sort=True):
        ys = g[nc.YEAR].tolist()
        parts.append(f"area {a} {p} in {', '.join(nc.academic_year_label(y) for y in ys)}")
    return "; ".join(parts[:10]) + (f"; and {len(parts) - 10} more" if len(parts) > 10 else "")


def _diagnose(data: PlanData, settings: PlanSettings) -> str:
    """Re-solve with every hard family elastic and name the violated ones."""
    problem, v, _ = build_problem(data, settings, diagnose=True)
    problem.solve(_solver(settings))
    msgs = []
    short = [c for (s, c), var in v.short.items() if (var.varValue or 0) > 1e-6]
    if short:
        msgs.append("constraint family 'sufficiency' (minimum margin "
                    f"{settings.margin:.0%}) cannot be met: {_describe_cells(data, set(short))}")
    over = {t: var.varValue for t, var in v.budget_slack.items() if (var.varValue or 0) > 1e-6}
    if over:
        txt = ", ".join(("total" if t == -1 else nc.academic_year_label(t)) + f" by GBP {g:,.0f}"
                        for t, g in sorted(over.items()))
        msgs.append(f"constraint family 'budget' would be exceeded: {txt}")
    miss = [o for o, var in v.modules_slack.items() if (var.varValue or 0) > 1e-6]
    if miss:
        o = data.options.iloc[miss]
        msgs.append("constraint family 'module_limit' (committed min_modules) cannot be met for "
                    + ", ".join(f"{r.option} (area {r.area}, earliest "
                                f"{nc.academic_year_label(r.earliest_year)})" for r in o.itertuples()))
    return "; ".join(msgs)


def _check(problem: pulp.LpProblem, data: PlanData, settings: PlanSettings, what: str) -> None:
    status = pulp.LpStatus.get(problem.status, str(problem.status))
    if problem.status == pulp.LpStatusOptimal and problem.sol_status in (
        pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible
    ):
        if problem.sol_status == pulp.LpSolutionIntegerFeasible:
            # a usable plan, labelled as such on the result (status) rather than discarded
            logger.warning("%s: integer feasible, optimality not proven within the time limit "
                           "(%g s)", what, settings.time_limit)
        return
    if problem.status in (pulp.LpStatusInfeasible, pulp.LpStatusUndefined):
        why = _diagnose(data, settings)
        if why:
            raise InfeasibleError(f"{what}: no feasible plan ({status}): {why}")
    raise SolverError(
        f"{what}: solver {settings.solver} returned status {status!r} (solution status "
        f"{pulp.LpSolution.get(problem.sol_status, problem.sol_status)}); time limit "
        f"{settings.time_limit} s. Families: sufficiency, target, ceiling, module_limit, budget, moves."
    )


def _values(vars_) -> np.ndarray:
    return np.array([v.varValue or 0.0 for v in vars_], dtype=float)


def _extract(data: PlanData, v: Variables, settings: PlanSettings):
    x = np.rint(_values(v.build))
    opts = data.options
    o = data.build_option
    places = opts["places"].to_numpy(float)[o]
    cost = opts["cost_per_module"].to_numpy(float)[o]
    chosen = np.nonzero(x > 0.5)[0]
    plan = pd.DataFrame({
        "option": opts["option"].to_numpy()[o[chosen]],
        nc.AREA: opts[nc.AREA].to_numpy()[o[chosen]],
        nc.PHASE: opts[nc.PHASE].to_numpy()[o[chosen]],
        "kind": opts["kind"].to_numpy()[o[chosen]],
        nc.YEAR: data.build_year[chosen],
        "modules": x[chosen].astype(int),
        "places": (x * places)[chosen],
        "cost": (x * cost)[chosen],
        "cost_per_place": opts["cost_per_place"].to_numpy(float)[o[chosen]],
        "duration": opts["duration"].to_numpy()[o[chosen]],
        "source": opts["source"].to_numpy()[o[chosen]],
    }).sort_values([nc.AREA, nc.PHASE, nc.YEAR, "option"]).reset_index(drop=True)

    added = np.bincount(data.cover_cell, weights=(x * places)[data.cover_build], minlength=data.n_cells)
    frames = []
    S = len(data.scenarios)
    for s in range(S):
        out_ = np.zeros(data.n_cells)
        in_ = np.zeros(data.n_cells)
        if len(data.moves):
            mv = np.array([v.move[(s, m)].varValue or 0.0 for m in range(len(data.moves))])
            np.add.at(out_, data.moves["from_cell"].to_numpy(int), mv)
            np.add.at(in_, data.moves["to_cell"].to_numpy(int), mv)
        dem = data.demand[s]
        eff = dem - out_ + in_
        cap_after = data.capacity + added
        req = eff * (1 + settings.margin)
        f = data.cells[[nc.AREA, nc.PHASE, nc.YEAR]].copy()
        f.insert(0, "scenario", data.scenarios[s])
        f["demand"] = dem
        f["capacity_before"] = data.capacity
        f["added"] = added
        f["moved_out"] = out_
        f["moved_in"] = in_
        f["capacity_after"] = cap_after
        f["required"] = req
        f["shortfall_before"] = np.maximum(0.0, dem * (1 + settings.margin) - data.capacity)
        f["shortfall_after"] = np.maximum(0.0, req - cap_after)
        f["surplus_after"] = cap_after - eff
        with np.errstate(divide="ignore", invalid="ignore"):
            f["surplus_pct_after"] = np.where(eff > 0, (cap_after - eff) / np.where(eff > 0, eff, 1), np.nan)
        frames.append(f)
    cells = pd.concat(frames, ignore_index=True)
    # drop solver noise
    for col in ("shortfall_after", "moved_out", "moved_in"):
        cells.loc[cells[col].abs() < 1e-6, col] = 0.0
    return x, plan, cells


def _binding(data: PlanData, settings: PlanSettings, x: np.ndarray, cells: pd.DataFrame, cons) -> pd.DataFrame:
    rows = []
    # minimum margin: capacity after the plan exactly at (or short of) the requirement
    tight = cells.loc[cells["capacity_after"] - cells["required"] <= 0.5]
    for r in tight.itertuples(index=False):
        if r.added > 0 or r.shortfall_after > 0 or r.moved_out > 0 or r.moved_in > 0:
            rows.append(("sufficiency", r.scenario, r.area, r.phase, r.year, "",
                         f"shortfall left {r.shortfall_after:,.1f} places" if r.shortfall_after > 0
                         else "minimum margin met exactly"))
    opts = data.options
    o = data.build_option
    cost = opts["cost_per_module"].to_numpy(float)[o]
    for t, con in cons.get("budget", {}).items():
        if t == "total":
            spent = float((x * cost).sum())
            year = np.nan
        else:
            spent = float((x * cost)[data.build_year == t].sum())
            year = t
        if spent >= con.constant * -1 - max(1.0, 1e-6 * abs(con.constant)):
            rows.append(("budget", "", "", "", year, "", f"spent GBP {spent:,.0f} of GBP {-con.constant:,.0f}"))
    used = np.bincount(o, weights=x, minlength=len(opts))
    perm = opts["duration"].to_numpy() == 0
    for i in np.nonzero((opts["max_modules"].to_numpy() > 0) & (used >= opts["max_modules"].to_numpy() - TOL)
                        & (used > 0))[0]:
        r = opts.iloc[i]
        rows.append(("module_limit", "", r[nc.AREA], r[nc.PHASE], np.nan, r["option"],
                     f"all {int(r['max_modules'])} module(s) used"))
    for b in np.nonzero(~perm[o] & (x >= data.build_upper - TOL) & (x > 0))[0]:
        r = opts.iloc[o[b]]
        rows.append(("module_limit", "", r[nc.AREA], r[nc.PHASE], int(data.build_year[b]), r["option"],
                     f"{int(x[b])} a year, the most allowed"))
    # lead time: places short before an option could open
    short = cells.loc[cells["shortfall_after"] > 0]
    if len(short):
        for r in opts.itertuples(index=False):
            s = short.loc[(short[nc.AREA] == r.area) & (short[nc.PHASE] == r.phase)
                          & (short[nc.YEAR] < r.earliest_year)]
            if len(s):
                rows.append(("lead_time", "", r.area, r.phase, int(s[nc.YEAR].min()), r.option,
                             f"earliest {nc.academic_year_label(r.earliest_year)}; short "
                             f"{s['shortfall_after'].sum():,.0f} place-years before"))
    return pd.DataFrame(rows, columns=["family", "scenario", nc.AREA, nc.PHASE, nc.YEAR, "option", "detail"])


def _duals(problem, data: PlanData, v: Variables, settings: PlanSettings, cons) -> pd.DataFrame:
    cols = ["scenario", nc.AREA, nc.PHASE, nc.YEAR, "marginal_cost"]
    fam = cons.get("sufficiency", {})
    if not settings.duals or not fam:
        return pd.DataFrame(columns=cols)
    for var in v.build:
        var.cat = pulp.LpContinuous
    try:
        problem.solve(_solver(settings, mip=False))
    finally:
        for var in v.build:
            var.cat = pulp.LpInteger
    if problem.status != pulp.LpStatusOptimal:
        logger.warning("LP relaxation not solved (%s): no marginal costs", pulp.LpStatus[problem.status])
        return pd.DataFrame(columns=cols)
    keys = list(fam)
    pi = np.array([fam[k].pi if fam[k].pi is not None else np.nan for k in keys], dtype=float)
    s_idx = np.array([k[0] for k in keys], int)
    c_idx = np.array([k[1] for k in keys], int)
    cells = data.cells.iloc[c_idx]
    out = pd.DataFrame({
        "scenario": np.array(data.scenarios, dtype=object)[s_idx],
        nc.AREA: cells[nc.AREA].to_numpy(), nc.PHASE: cells[nc.PHASE].to_numpy(),
        nc.YEAR: cells[nc.YEAR].to_numpy(), "marginal_cost": np.abs(pi),
    })
    return out.sort_values(["scenario", nc.AREA, nc.PHASE, nc.YEAR]).reset_index(drop=True)


def solve_allocation(
    demand: pd.DataFrame,
    capacity: pd.DataFrame,
    options: pd.DataFrame,
    settings: PlanSettings | None = None,
    adjacency: pd.DataFrame | None = None,
    *,
    provenance: tuple = (),
    area_names=None,
) -> AllocationResult:
    """Choose what to build and when so that demand plus a margin is met at least cost.

    Parameters
    ----------
    demand : DataFrame
        ``area, phase, year, demand[, scenario]`` [pupils] by phase of places.
    capacity : DataFrame
        ``area, phase, capacity`` [places].
    options : DataFrame
        Option catalogue (:func:`~sufficiency.optimise.options.build_catalogue`).
    settings : PlanSettings, optional
    adjacency : DataFrame, optional
        ``from_area, to_area, phase, max_share, cost_per_pupil``.

    Returns
    -------
    AllocationResult

    Raises
    ------
    InfeasibleError
        A hard requirement cannot be met; names the areas, years and constraint families.
    SolverError
        The solver failed or stopped before a solution (time limit).

    Examples
    --------
    >>> import pandas as pd
    >>> from sufficiency.optimise import solve_allocation, PlanSettings
    >>> demand = pd.DataFrame({"area": "A", "phase": "primary", "year": [2025, 2026],
    ...                        "demand": [200.0, 230.0]})
    >>> capacity = pd.DataFrame({"area": ["A"], "phase": ["primary"], "capacity": [210.0]})
    """
    settings = settings or PlanSettings()
    t0 = time.perf_counter()
    coupled = (settings.annual_budget is not None or settings.total_budget is not None
               or (adjacency is not None and len(adjacency)))
    if settings.decompose and not coupled:
        blocks = sorted(set(zip(demand[nc.AREA].astype(str), demand[nc.PHASE])))
        if len(blocks) > 1:
            return _solve_blocks(demand, capacity, options, settings, blocks, t0,
                                 provenance=provenance, area_names=area_names)
    data = prepare(demand, capacity, options, settings, adjacency)
    problem, v, cons = build_problem(data, settings)
    logger.info("plan: %d cells x %d scenario(s), %d builds, %d constraints", data.n_cells,
                len(data.scenarios), len(v.build), sum(len(f) for f in cons.values()))
    problem.solve(_solver(settings))
    _check(problem, data, settings, "plan")
    objective = float(pulp.value(problem.objective) or 0.0)
    status = ("Optimal" if problem.sol_status == pulp.LpSolutionOptimal
              else f"Feasible (time limit {settings.time_limit:g} s, optimality not proven)")
    x, plan, cells = _extract(data, v, settings)
    binding = _binding(data, settings, x, cells, cons)
    marginal = _duals(problem, data, v, settings, cons)
    return AllocationResult(
        plan=plan, cells=cells, marginal=marginal, binding=binding, options=data.options,
        objective=objective, status=status, settings=settings, solver=settings.solver,
        solve_seconds=time.perf_counter() - t0, provenance=tuple(provenance),
        area_names=dict(area_names or {}),
    )


def _solve_blocks(demand, capacity, options, settings, blocks, t0, *, provenance, area_names):
    """Solve independent (area, phase) blocks one group at a time and merge the results.

    Without budgets or moves nothing links two planning areas or two phases, so the optimum of
    the whole problem is the union of the blocks' optima (the objective is a sum over blocks).
    Solving blocks apart avoids a branch-and-bound tree over all of them at once.
    """
    from dataclasses import replace

    size = max(1, int(settings.block_size))
    sub = replace(settings, decompose=False)
    d_key = pd.Series(list(zip(demand[nc.AREA].astype(str), demand[nc.PHASE])), index=demand.index)
    o_key = pd.Series(list(zip(options[nc.AREA].astype(str), options[nc.PHASE])), index=options.index)
    parts = []
    for i in range(0, len(blocks), size):
        group = set(blocks[i:i + size])
        parts.append(solve_allocation(
            demand.loc[d_key.isin(group)], capacity, options.loc[o_key.isin(group)].reset_index(drop=True),
            sub))
    def cat(attr, keys):
        frames = [getattr(p, attr) for p in parts if len(getattr(p, attr))]
        if not frames:
            return getattr(parts[0], attr)
        return pd.concat(frames, ignore_index=True).sort_values(keys, kind="stable").reset_index(drop=True)

    statuses = {p.status for p in parts}
    return AllocationResult(
        plan=cat("plan", [nc.AREA, nc.PHASE, nc.YEAR, "option"]),
        cells=cat("cells", ["scenario", nc.AREA, nc.PHASE, nc.YEAR]),
        marginal=cat("marginal", ["scenario", nc.AREA, nc.PHASE, nc.YEAR]),
        binding=cat("binding", ["family", nc.AREA, nc.PHASE, nc.YEAR]) if any(len(p.binding) for p in parts)
        else parts[0].binding,
        options=options.reset_index(drop=True),
        objective=float(sum(p.objective for p in parts)),
        status="Optimal" if statuses == {"Optimal"} else sorted(statuses - {"Optimal"})[0],
        settings=settings, solver=settings.solver, solve_seconds=time.perf_counter() - t0,
        provenance=tuple(provenance), area_names=dict(area_names or {}),
    )
