"""Build, solve and read the allocation problem (reads top to bottom, PyPSA style).

``solve_allocation``: prepare arrays -> presolve (blocks where building nothing is provably
optimal) -> split into independent components (:mod:`.decompose`) -> for each:
``define_variables`` -> ``define_*`` constraint families -> ``define_objective`` -> solve ->
check status -> read -> LP relaxation duals; then extract the tables over the whole problem.
It depends on frames only (demand, capacity, options), never on the forecast module.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sys
import threading
import time
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pulp

from .. import nomenclature as nc
from .._values import first_few
from ..exceptions import InfeasibleError, SolverError
from .constraints import (
    additions_by_cell,
    define_budget,
    define_ceiling,
    define_module_limits,
    define_moves,
    define_schemes,
    define_sufficiency,
    define_target,
)
from .data import PlanData, PlanSettings, fill_years_of, prepare
from .decompose import blocks_of, components, presolved_objective, subset, zero_build_blocks
from .objective import define_objective
from .options import scheme_of, validate_options
from .results import MOVES_COLUMNS, AllocationResult, area_tag
from .variables import Variables, define_variables

__all__ = ["solve_allocation", "build_problem"]

logger = logging.getLogger(__name__)

TOL = 1e-6
#: fewest parts per worker process before solving in parallel pays for starting the processes
_MIN_PARTS_PER_WORKER = 200


_STDOUT_LOCK = threading.Lock()


@contextlib.contextmanager
def _stdout_to_log(what: str):
    """Send what C code writes to stdout (file descriptor 1) to the log (DEBUG) instead:
    library code does not print."""
    import tempfile

    with _STDOUT_LOCK:
        if sys.stdout is not None:
            sys.stdout.flush()
        try:
            saved = os.dup(1)
        except OSError:  # no file descriptor 1 (a closed stdout): nothing to redirect
            yield
            return
        with tempfile.TemporaryFile() as tmp:
            os.dup2(tmp.fileno(), 1)
            try:
                yield
            finally:
                os.dup2(saved, 1)
                os.close(saved)
                tmp.seek(0)
                text = tmp.read().decode("utf-8", "replace").strip()
                if text:
                    logger.debug("%s wrote: %s", what, text)


@functools.cache
def _highs_options() -> dict:
    """HiGHS options beyond PuLP's. The feasibility-jump primal heuristic is switched off: on
    the small components of this problem it costs about half the solve time and the search
    still proves optimality (measured, benchmarks/bench_optimise.py); older highspy releases
    without the option are left as they are."""
    import highspy

    # HiGHS prints its banner to the process's stdout (file descriptor 1) when the first Highs
    # object is made, whatever its options; made here first, the banner goes to the log
    with _stdout_to_log("HiGHS"):
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    try:
        status = h.getOptionValue("mip_heuristic_run_feasibility_jump")
    except Exception:  # pragma: no cover - depends on the highspy release
        return {}
    ok = not isinstance(status, tuple) or status[0] == highspy.HighsStatus.kOk
    return {"mip_heuristic_run_feasibility_jump": False} if ok else {}


def _solver(settings: PlanSettings, mip: bool = True):
    if settings.solver == "highs":
        try:
            import highspy  # noqa: F401
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise SolverError(
                "solver 'highs' needs the highspy package (pip install highspy)"
            ) from exc
        return pulp.HiGHS(
            mip=mip,
            msg=False,
            timeLimit=settings.time_limit,
            gapRel=settings.mip_gap,
            threads=1,
            random_seed=0,
            **_highs_options(),
        )
    with warnings.catch_warnings():
        # PuLP 3.3 announces PULP_CBC_CMD's removal in 4.0; CBC is still bundled here
        warnings.simplefilter("ignore", DeprecationWarning)
        # no ``threads`` option: CBC's default is its serial code; any ``-threads`` value
        # (even 1) starts its threaded code, which now and then stalls on a lock for ~10 s
        # (coin-or/Cbc#640; seen here on 4 in 10 report runs)
        return pulp.PULP_CBC_CMD(
            mip=mip,
            msg=False,
            timeLimit=settings.time_limit,
            gapRel=settings.mip_gap,
            options=["randomSeed 42", "randomCbcSeed 42"],
        )


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
    define_schemes(problem, data, v, settings, cons)
    define_objective(problem, data, v, settings)
    return problem, v, cons


def _describe_cells(data: PlanData, cells) -> str:
    c = data.cells.iloc[sorted(cells)]
    parts = []
    for (a, p), g in c.groupby([nc.AREA, nc.PHASE], sort=True):
        ys = g[nc.YEAR].tolist()
        parts.append(f"area {a} {p} in {', '.join(nc.academic_year_label(y) for y in ys)}")
    return first_few(parts, 10, "; ")


def _diagnose(data: PlanData, settings: PlanSettings) -> str:
    """Re-solve with every hard family elastic and name the violated ones."""
    problem, v, _ = build_problem(data, settings, diagnose=True)
    problem.solve(_solver(settings))
    msgs = []
    short = [c for (s, c), var in v.short.items() if (var.varValue or 0) > 1e-6]
    if short:
        msgs.append(
            "constraint family 'sufficiency' (minimum margin "
            f"{settings.margin:.0%}) cannot be met: {_describe_cells(data, set(short))}"
        )
    over = {t: var.varValue for t, var in v.budget_slack.items() if (var.varValue or 0) > 1e-6}
    if over:
        txt = ", ".join(
            ("total" if t == -1 else nc.academic_year_label(t)) + f" by GBP {g:,.0f}"
            for t, g in sorted(over.items())
        )
        msgs.append(f"constraint family 'budget' would be exceeded: {txt}")
    miss = [o for o, var in v.modules_slack.items() if (var.varValue or 0) > 1e-6]
    if miss:
        o = data.options.iloc[miss]
        msgs.append(
            "constraint family 'module_limit' (committed min_modules) cannot be met for "
            + ", ".join(
                f"{r.option} (area {r.area}, earliest {nc.academic_year_label(r.earliest_year)})"
                for r in o.itertuples()
            )
        )
    # scheme rows stay hard: say which named option is tied to others
    scheme = scheme_of(data.options)
    if msgs and (scheme != "").any():
        named = "; ".join(msgs)
        tied = sorted(
            {
                str(scheme[i])
                for i, name in enumerate(data.options["option"])
                if scheme[i] and str(name) in named
            }
        )
        if tied:
            msgs.append(
                "the options of scheme(s) " + ", ".join(map(repr, tied)) + " are built "
                "together, module for module, so each is held to what the others allow"
            )
    return "; ".join(msgs)


def _check(problem: pulp.LpProblem, data: PlanData, settings: PlanSettings, what: str) -> None:
    status = pulp.LpStatus.get(problem.status, str(problem.status))
    if problem.status == pulp.LpStatusOptimal and problem.sol_status in (
        pulp.LpSolutionOptimal,
        pulp.LpSolutionIntegerFeasible,
    ):
        if problem.sol_status == pulp.LpSolutionIntegerFeasible:
            # a usable plan, labelled as such on the result (status) rather than discarded
            logger.warning(
                "%s: integer feasible, optimality not proven within the time limit (%g s)",
                what,
                settings.time_limit,
            )
        return
    if problem.status in (pulp.LpStatusInfeasible, pulp.LpStatusUndefined):
        why = _diagnose(data, settings)
        if why:
            err = InfeasibleError(f"{what}: no feasible plan ({status}): {why}")
            err.why = why  # read by _solve_parts to name every infeasible part in one error
            raise err
    raise SolverError(
        f"{what}: solver {settings.solver} returned status {status!r} (solution status "
        f"{pulp.LpSolution.get(problem.sol_status, problem.sol_status)}); time limit "
        f"{settings.time_limit} s. Families: sufficiency, target, ceiling, module_limit, budget, moves, "
        "scheme."
    )


def _values(vars_) -> np.ndarray:
    return np.array([v.varValue or 0.0 for v in vars_], dtype=float)


def _extract(data: PlanData, x: np.ndarray, moved: np.ndarray, settings: PlanSettings):
    """Plan, before/after and moves tables from the modules built ``x`` (B,) and pupils moved
    ``moved`` (S, M)."""
    opts = data.options
    o = data.build_option
    places = opts["places"].to_numpy(float)[o]
    cost = opts["cost_per_module"].to_numpy(float)[o]
    chosen = np.nonzero(x > 0.5)[0]
    plan = (
        pd.DataFrame(
            {
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
                "fill_years": fill_years_of(opts)[o[chosen]],
                "source": opts["source"].to_numpy()[o[chosen]],
                "scheme": scheme_of(opts)[o[chosen]],
            }
        )
        .sort_values([nc.AREA, nc.PHASE, nc.YEAR, "option"])
        .reset_index(drop=True)
    )

    added = np.bincount(
        data.cover_cell, weights=x[data.cover_build] * data.cover_places, minlength=data.n_cells
    )
    frames = []
    S = len(data.scenarios)
    for s in range(S):
        out_ = np.zeros(data.n_cells)
        in_ = np.zeros(data.n_cells)
        if len(data.moves):
            np.add.at(out_, data.moves["from_cell"].to_numpy(int), moved[s])
            np.add.at(in_, data.moves["to_cell"].to_numpy(int), moved[s])
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
            f["surplus_pct_after"] = np.where(
                eff > 0, (cap_after - eff) / np.where(eff > 0, eff, 1), np.nan
            )
        frames.append(f)
    cells = pd.concat(frames, ignore_index=True)
    # drop solver noise
    for col in ("shortfall_after", "moved_out", "moved_in"):
        cells.loc[cells[col].abs() < 1e-6, col] = 0.0
    return plan, cells, _moves_frame(data, moved)


def _moves_frame(data: PlanData, moved: np.ndarray) -> pd.DataFrame:
    """Pupils placed in a neighbouring area, one row per scenario, move and year with any
    (``pupils`` > 1e-6): ``scenario, from_area, to_area, phase, year, pupils, cost_per_pupil,
    cost`` [pupils, GBP per pupil per year, GBP that year]."""
    m = data.moves
    if not len(m):
        return pd.DataFrame(columns=MOVES_COLUMNS)
    cells = data.cells
    frm = cells.iloc[m["from_cell"].to_numpy(int)]
    to = cells.iloc[m["to_cell"].to_numpy(int)]
    cpp = m["cost_per_pupil"].to_numpy(float)
    frames = []
    for s, name in enumerate(data.scenarios):
        frames.append(
            pd.DataFrame(
                {
                    "scenario": name,
                    "from_area": frm[nc.AREA].to_numpy(),
                    "to_area": to[nc.AREA].to_numpy(),
                    nc.PHASE: frm[nc.PHASE].to_numpy(),
                    nc.YEAR: frm[nc.YEAR].to_numpy(),
                    "pupils": moved[s],
                    "cost_per_pupil": cpp,
                    "cost": moved[s] * cpp,
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out = out.loc[out["pupils"] > 1e-6]  # solver noise and moves not used
    return out.sort_values(
        ["scenario", nc.PHASE, "from_area", "to_area", nc.YEAR], kind="stable"
    ).reset_index(drop=True)


def _binding(
    data: PlanData,
    settings: PlanSettings,
    x: np.ndarray,
    cells: pd.DataFrame,
    area_names: dict | None = None,
) -> pd.DataFrame:
    cols = ["family", "scenario", nc.AREA, nc.PHASE, nc.YEAR, "option", "detail"]
    rows = []
    # minimum margin: capacity after the plan exactly at (or short of) the requirement
    tight = cells.loc[
        (cells["capacity_after"] - cells["required"] <= 0.5)
        & (
            (cells["added"] > 0)
            | (cells["shortfall_after"] > 0)
            | (cells["moved_out"] > 0)
            | (cells["moved_in"] > 0)
        )
    ]
    counted = settings.counted_short
    # what counts as short after the plan (the tolerance is on the requirement before it)
    is_short = settings.left_short(cells)
    for r, short_r in zip(tight.itertuples(index=False), is_short.loc[tight.index]):
        rows.append(
            (
                "sufficiency",
                r.scenario,
                r.area,
                r.phase,
                r.year,
                "",
                f"shortfall left {r.shortfall_after:,.1f} places"
                + (
                    f", within the shortfall tolerance of {counted:g} places "
                    "([plan] shortfall_tolerance): not counted as short"
                    if not short_r
                    else ""
                )
                if r.shortfall_after > 0
                else "minimum margin met exactly",
            )
        )
    opts = data.options
    o = data.build_option
    cost = opts["cost_per_module"].to_numpy(float)[o]
    annual = settings.budget_of_year(data.years)
    if np.isfinite(annual).any() or settings.total_budget is not None:
        limits = [(t, a) for t, a in zip(data.years.tolist(), annual.tolist()) if np.isfinite(a)]
        if settings.total_budget is not None:
            limits.append(("total", float(settings.total_budget)))
        scheme = scheme_of(opts)
        per_scheme = pd.Series(opts["cost_per_module"].to_numpy(float)).groupby(scheme).sum()
        whole_cost = np.where(scheme[o] != "", per_scheme.reindex(scheme[o]).to_numpy(), cost)
        # the last year each area and phase is short after the plan: a build opening by then
        # would cut it (a build opening after it would not)
        sh = cells.loc[is_short]
        last_short = sh.groupby([sh[nc.AREA].astype(str), sh[nc.PHASE]])[nc.YEAR].max().to_dict()
        could = (x < data.build_upper - TOL) & np.array(
            [
                last_short.get((str(a), p), -1) >= t
                for a, p, t in zip(
                    opts[nc.AREA].to_numpy()[o],
                    opts[nc.PHASE].to_numpy()[o],
                    data.build_year.tolist(),
                )
            ],
            dtype=bool,
        )
        for t, limit in limits:
            here = np.ones(len(x), bool) if t == "total" else data.build_year == t
            spent = float((x * cost)[here].sum())
            detail = f"spent GBP {spent:,.0f} of GBP {limit:,.0f}"
            if spent >= limit - max(1.0, 1e-6 * abs(limit)):
                rows.append(("budget", "", "", "", np.nan if t == "total" else t, "", detail))
                continue
            # binding too when what is left buys none of the builds that would cut a shortfall
            # (an option of a scheme costs the whole scheme's modules)
            cand = np.flatnonzero(here & could)
            if len(cand) and float(whole_cost[cand].min()) > limit - spent:
                b = cand[np.argmin(whole_cost[cand])]
                # the area by its name, and a default option without its engine id (a
                # Dudley trial read "a bulge class in 3320006 secondary
                # (3320006:secondary:bulge_class)")
                a_b, p_b, n_b = (str(opts[k].iloc[o[b]]) for k in (nc.AREA, nc.PHASE, "option"))
                where = area_tag((area_names or {}).get(a_b, a_b), a_b, p_b)
                what = (
                    f"the scheme {scheme[o[b]]!r}"
                    if scheme[o[b]]
                    else f"a {str(opts['kind'].iloc[o[b]]).replace('_', ' ')} in {where}"
                    + ("" if n_b.startswith(f"{a_b}:") else f" ({n_b})")
                )
                rows.append(
                    (
                        "budget",
                        "",
                        "",
                        "",
                        np.nan if t == "total" else t,
                        "",
                        f"{detail}; the GBP {limit - spent:,.0f} left buys none of the "
                        f"options that would cut the shortfall left (the cheapest, "
                        f"{what}, costs GBP {whole_cost[b]:,.0f})",
                    )
                )
    area, phase, name = (opts[k].to_numpy() for k in (nc.AREA, nc.PHASE, "option"))
    max_m = opts["max_modules"].to_numpy()
    used = np.bincount(o, weights=x, minlength=len(opts))
    perm = opts["duration"].to_numpy() == 0
    for i in np.nonzero((max_m > 0) & (used >= max_m - TOL) & (used > 0))[0].tolist():
        rows.append(
            (
                "module_limit",
                "",
                area[i],
                phase[i],
                np.nan,
                name[i],
                (
                    "its only module used"
                    if int(max_m[i]) == 1
                    else f"all {int(max_m[i])} modules used"
                ),
            )
        )
    for b in np.nonzero(~perm[o] & (x >= data.build_upper - TOL) & (x > 0))[0].tolist():
        i = o[b]
        rows.append(
            (
                "module_limit",
                "",
                area[i],
                phase[i],
                int(data.build_year[b]),
                name[i],
                f"{int(x[b])} a year, the most allowed",
            )
        )
    # lead time: places short before an option could open (those counted as short: a
    # residue within the tolerance is none, and read "short 0 place-years before")
    short = cells.loc[is_short, [nc.AREA, nc.PHASE, nc.YEAR, "shortfall_after"]]
    if len(short):
        ol = pd.DataFrame(
            {
                nc.AREA: area.astype(str),
                nc.PHASE: phase,
                "_o": np.arange(len(opts)),
                "earliest_year": opts["earliest_year"].to_numpy(),
            }
        )
        m = ol.merge(short, on=[nc.AREA, nc.PHASE])
        m = m.loc[m[nc.YEAR] < m["earliest_year"]]
        if len(m):
            g = m.groupby("_o", sort=True).agg(
                year=(nc.YEAR, "min"), short=("shortfall_after", "sum")
            )
            for i, r in zip(g.index.tolist(), g.itertuples(index=False)):
                rows.append(
                    (
                        "lead_time",
                        "",
                        area[i],
                        phase[i],
                        int(r.year),
                        name[i],
                        f"earliest {nc.academic_year_label(int(opts['earliest_year'].iloc[i]))}; "
                        f"short {r.short:,.0f} place-years before",
                    )
                )
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["family", nc.AREA, nc.PHASE, nc.YEAR], kind="stable").reset_index(
        drop=True
    )


def _duals(
    problem, v: Variables, settings: PlanSettings, cons
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Duals of the ``sufficiency`` rows in the LP relaxation: ``(scenario, cell, pi)`` arrays."""
    empty = (np.zeros(0, int), np.zeros(0, int), np.zeros(0))
    fam = cons.get("sufficiency", {})
    if not settings.duals or not fam:
        return empty
    for var in v.build:
        var.cat = pulp.LpContinuous
    try:
        problem.solve(_solver(settings, mip=False))
    finally:
        for var in v.build:
            var.cat = pulp.LpInteger
    if problem.status != pulp.LpStatusOptimal:
        logger.warning(
            "LP relaxation not solved (%s): no marginal costs", pulp.LpStatus[problem.status]
        )
        return empty
    keys = list(fam)
    pi = np.array([fam[k].pi if fam[k].pi is not None else np.nan for k in keys], dtype=float)
    return np.array([k[0] for k in keys], int), np.array([k[1] for k in keys], int), pi


@dataclass(frozen=True)
class _Part:
    """Solution of one independent part of the problem (indices are the part's own)."""

    x: np.ndarray  # (B,) modules built
    moved: np.ndarray  # (S, M) pupils moved
    objective: float  # [GBP]
    optimal: bool  # False: integer feasible at the time limit
    duals: tuple  # (scenario, cell, pi) of the sufficiency rows in the LP relaxation


def _solve_part(data: PlanData, settings: PlanSettings) -> _Part:
    """Build, solve, check and read one part (the whole problem or one component)."""
    problem, v, cons = build_problem(data, settings)
    logger.debug(
        "plan part: %d cells x %d scenario(s), %d builds, %d constraints",
        data.n_cells,
        len(data.scenarios),
        len(v.build),
        sum(len(f) for f in cons.values()),
    )
    problem.solve(_solver(settings))
    _check(problem, data, settings, "plan")
    x = np.rint(_values(v.build))
    S, M = len(data.scenarios), len(data.moves)
    moved = np.array(
        [[v.move[(s, m)].varValue or 0.0 for m in range(M)] for s in range(S)]
    ).reshape(S, M)
    return _Part(
        x=x,
        moved=moved,
        objective=float(pulp.value(problem.objective) or 0.0),
        optimal=problem.sol_status == pulp.LpSolutionOptimal,
        duals=_duals(problem, v, settings, cons),
    )


def _try_solve_part(data: PlanData, settings: PlanSettings) -> _Part | InfeasibleError:
    """:func:`_solve_part`, returning its :class:`InfeasibleError` instead of raising it."""
    try:
        return _solve_part(data, settings)
    except InfeasibleError as e:
        return e


def _solve_parts(parts: list[PlanData], settings: PlanSettings) -> list[_Part]:
    """Solve independent parts in order, on ``settings.workers`` processes when it pays.

    Every part is solved before an infeasible one raises, and the one
    :class:`InfeasibleError` names the areas, years and families of all of them (a Sandwell
    trial with a hard margin named one secondary area of the five short: the first part).
    """
    solved = _solve_each(parts, settings)
    bad = [p for p in solved if isinstance(p, InfeasibleError)]
    if len(bad) == 1:
        raise bad[0]
    if bad:
        whys = [str(getattr(e, "why", e)) for e in bad]
        more = f"; and {len(whys) - 10} more parts" if len(whys) > 10 else ""
        raise InfeasibleError(
            f"plan: no feasible plan (Infeasible) in {len(bad)} of "
            f"{len(parts)} independent parts: " + "; ".join(whys[:10]) + more
        )
    return solved


def _solve_each(parts: list[PlanData], settings: PlanSettings) -> list:
    """:func:`_try_solve_part` of each part, in order."""
    workers = min(int(settings.workers), len(parts))
    if workers <= 1 or len(parts) < _MIN_PARTS_PER_WORKER * 2:
        return [_try_solve_part(p, settings) for p in parts]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from functools import partial

    # spawn, not fork: a forked child would inherit solver threads' locks; results come back
    # in submission order, so the outcome does not depend on which process solved what
    ctx = multiprocessing.get_context("spawn")
    chunk = max(1, len(parts) // (workers * 8))
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        return list(pool.map(partial(_try_solve_part, settings=settings), parts, chunksize=chunk))


def _warn_idle_scheme_options(data: PlanData) -> None:
    """Log the options of a scheme that cannot be built in this plan (no demand in their
    area and phase in the plan years: no build variable), with which the scheme is planned
    on its other options alone."""
    scheme = scheme_of(data.options)
    if not (scheme != "").any():
        return
    built = np.zeros(len(scheme), bool)
    built[data.build_option] = True
    for i in np.flatnonzero((scheme != "") & ~built).tolist():
        logger.warning(
            "scheme %r: option %r adds places to %s %s, which has no demand in the "
            "plan's years here (planned without --send / --early-years?), so the "
            "scheme is planned on its other options alone",
            scheme[i],
            data.options["option"].iloc[i],
            data.options[nc.AREA].iloc[i],
            data.options[nc.PHASE].iloc[i],
        )


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
    if "scheme" in options and (scheme_of(options) != "").any():
        # as a model's options are checked; one option of a scheme is allowed (an area
        # appraised alone); the table planned is the checked one, each scheme's blank
        # earliest_year filled with its latest given (review: the fill was not kept)
        options = validate_options(options, "options", single=True)
    data = prepare(demand, capacity, options, settings, adjacency)
    _warn_idle_scheme_options(data)
    t1 = time.perf_counter()
    parts, index, fixed = _partition(data, settings)
    t2 = time.perf_counter()
    solved = _solve_parts(parts, settings)
    t3 = time.perf_counter()

    x = np.zeros(len(data.build_option))
    moved = np.zeros((len(data.scenarios), len(data.moves)))
    d_s, d_c, d_pi = [], [], []
    for part, (cells_i, builds_i, moves_i) in zip(solved, index):
        x[builds_i] = part.x
        moved[:, moves_i] = part.moved
        d_s.append(part.duals[0])
        d_c.append(cells_i[part.duals[1]])
        d_pi.append(part.duals[2])
    objective = float(sum(p.objective for p in solved)) + presolved_objective(data, settings, fixed)
    status = (
        "Optimal"
        if all(p.optimal for p in solved)
        else f"Feasible (time limit {settings.time_limit:g} s, optimality not proven)"
    )
    plan, cells, moves = _extract(data, x, moved, settings)
    binding = _binding(data, settings, x, cells, area_names)
    marginal = _marginal_frame(data, d_s, d_c, d_pi)
    t4 = time.perf_counter()
    logger.info(
        "plan: %d cells x %d scenario(s), %d builds; %d cell(s) presolved (nothing to "
        "build); %d part(s) solved with %s; seconds: prepare %.2f, presolve and split %.2f, "
        "build and solve %.2f, results %.2f",
        data.n_cells,
        len(data.scenarios),
        len(data.build_option),
        int(fixed.sum()),
        len(parts),
        settings.solver,
        t1 - t0,
        t2 - t1,
        t3 - t2,
        t4 - t3,
    )
    return AllocationResult(
        plan=plan,
        cells=cells,
        marginal=marginal,
        binding=binding,
        options=data.options,
        objective=objective,
        status=status,
        settings=settings,
        solver=settings.solver,
        solve_seconds=time.perf_counter() - t0,
        provenance=tuple(provenance),
        area_names=dict(area_names or {}),
        moves=moves,
    )


def _partition(data: PlanData, settings: PlanSettings):
    """Split the problem into independent parts to solve (see :mod:`.decompose`).

    Returns ``(parts, index, fixed)``: the sub-problems, for each the indices in ``data`` of
    its cells, builds and moves, and the cells of presolved blocks (nothing built) [bool].
    """
    whole = (np.arange(data.n_cells), np.arange(len(data.build_option)), np.arange(len(data.moves)))
    none = np.zeros(data.n_cells, bool)
    if not settings.presolve and not settings.decompose:
        return [data], [whole], none
    blocks = blocks_of(data)
    orphan = (blocks.option < 0) & (data.options["min_modules"].to_numpy() > 0)
    if orphan.any():
        # a committed option with no demand cell: infeasible, diagnosed on the whole problem
        return [data], [whole], none
    keep = (
        ~zero_build_blocks(data, settings, blocks) if settings.presolve else np.ones(blocks.n, bool)
    )
    fixed = ~keep[blocks.cell]
    if not keep.any():
        return [], [], fixed
    if settings.decompose:
        comps = components(data, settings, blocks, keep)
        size = max(1, int(settings.block_size))
        groups = [np.concatenate(comps[i : i + size]) for i in range(0, len(comps), size)]
    else:
        groups = [np.flatnonzero(keep)]
    parts, index = [], []
    for g in groups:
        part, cells_i, builds_i, moves_i = subset(data, blocks, g)
        parts.append(part)
        index.append((cells_i, builds_i, moves_i))
    return parts, index, fixed


def _marginal_frame(data: PlanData, d_s, d_c, d_pi) -> pd.DataFrame:
    cols = ["scenario", nc.AREA, nc.PHASE, nc.YEAR, "marginal_cost"]
    s_idx = np.concatenate(d_s).astype(int) if d_s else np.zeros(0, int)
    if not len(s_idx):
        return pd.DataFrame(columns=cols)
    c_idx = np.concatenate(d_c).astype(int)
    pi = np.concatenate(d_pi)
    cells = data.cells.iloc[c_idx]
    out = pd.DataFrame(
        {
            "scenario": np.array(data.scenarios, dtype=object)[s_idx],
            nc.AREA: cells[nc.AREA].to_numpy(),
            nc.PHASE: cells[nc.PHASE].to_numpy(),
            nc.YEAR: cells[nc.YEAR].to_numpy(),
            "marginal_cost": np.abs(pi),
        }
    )
    return out.sort_values(["scenario", nc.AREA, nc.PHASE, nc.YEAR]).reset_index(drop=True)
