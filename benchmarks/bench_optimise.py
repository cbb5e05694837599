"""Benchmark the plan optimiser on SYNTHETIC problems (run by hand; not a test).

    python benchmarks/bench_optimise.py              # everything, 3 runs each (budget: 1)
    python benchmarks/bench_optimise.py county 5     # county | county-budget | national | national-duals | national-2

Each line gives the wall time of ``solve_allocation`` (prepare, presolve, build and solve
every part, results, and duals where asked for) with the 1-minute load average just before,
then the optimiser's own log line: cells presolved, parts solved and the time of each stage.

County: 20 planning areas x 3 phases (primary, secondary, special) x 10 years, the full
catalogue (bulge classes, half-FE expansions, new schools; special expansions and new special
schools), with and without an annual capital budget. National: 150 authorities x 17 areas =
2,550 planning areas x 2 phases x 10 years, HiGHS. Demand, capacity and costs are synthetic
(seeded random numbers shaped like English planning areas: primary areas of 1,000-9,000
pupils, secondary 800-6,000, capacity 97-120% of the first year's demand, trends -2% to +1.5% a year,
special 60-400 places growing 0-5% a year); they are not any authority's data.
"""

from __future__ import annotations

import datetime
import importlib.metadata
import logging
import os
import platform
import statistics
import sys
import time

import numpy as np
import pandas as pd

from sufficiency.optimise import OPTION_COLUMNS, PlanSettings, solve_allocation
from sufficiency.optimise.data import prepare
from sufficiency.optimise.model import build_problem

YEARS = np.arange(2026, 2036)
# Worcestershire 2024/25 DfE cost per place (scorecards), used to price the synthetic options
CPP = {"primary": (24_085, 20_173, 9_538), "secondary": (29_178, 27_746, 10_707)}
SPECIAL_CPP = 67_379  # 2018 national benchmarking, GBP per special place
MODULES = {"primary": (420, 105, 30, 7), "secondary": (900, 75, 30, 5)}


def synthetic(n_areas: int, phases=("primary", "secondary", "special"), seed: int = 1):
    rng = np.random.default_rng(seed)
    dem, cap, opts = [], [], []
    size = {"primary": (1000, 9000), "secondary": (800, 6000), "special": (60, 400)}
    for a in range(n_areas):
        area = f"A{a:04d}"
        for ph in phases:
            lo, hi = size[ph]
            d0 = rng.uniform(lo, hi)
            trend = rng.uniform(-0.02, 0.015) if ph != "special" else rng.uniform(0.0, 0.05)
            noise = rng.normal(0, 0.01, len(YEARS))
            d = d0 * (1 + trend) ** np.arange(len(YEARS)) * (1 + noise)
            dem.append(pd.DataFrame({"area": area, "phase": ph, "year": YEARS, "demand": d}))
            cap.append({"area": area, "phase": ph, "capacity": round(d0 * rng.uniform(0.97, 1.20))})
            if ph == "special":
                opts += [
                    _opt(
                        f"{area}:{ph}:exp",
                        area,
                        ph,
                        "special_expansion",
                        8,
                        SPECIAL_CPP * 8,
                        10,
                        0,
                        2027,
                        0,
                    ),
                    _opt(
                        f"{area}:{ph}:new",
                        area,
                        ph,
                        "new_special_school",
                        100,
                        52_000 * 100,
                        1,
                        0,
                        2029,
                        0,
                    ),
                ]
                continue
            ns, pe, bulge, dur = MODULES[ph]
            cns, cpe, cte = CPP[ph]
            opts += [
                _opt(
                    f"{area}:{ph}:bulge",
                    area,
                    ph,
                    "bulge_class",
                    bulge,
                    cte * bulge,
                    0,
                    2,
                    2026,
                    dur,
                ),
                _opt(
                    f"{area}:{ph}:exp", area, ph, "permanent_expansion", pe, cpe * pe, 2, 0, 2027, 0
                ),
                _opt(f"{area}:{ph}:new", area, ph, "new_school", ns, cns * ns, 1, 0, 2029, 0),
            ]
    return (
        pd.concat(dem, ignore_index=True),
        pd.DataFrame(cap),
        pd.DataFrame(opts, columns=list(OPTION_COLUMNS)),
    )


def _opt(name, area, phase, kind, places, cost, max_modules, max_per_year, earliest, duration):
    return dict(
        option=name,
        area=area,
        phase=phase,
        kind=kind,
        places=places,
        max_modules=max_modules,
        max_per_year=max_per_year,
        min_modules=0,
        cost_per_module=float(cost),
        cost_per_place=cost / places,
        revenue_per_place=0.0,
        earliest_year=earliest,
        duration=duration,
        source="synthetic benchmark",
    )


class _Stages(logging.Handler):
    """Keeps the optimiser's last 'plan: ...' log line (cells presolved, parts, stage times)."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.last = ""

    def emit(self, record):
        msg = record.getMessage()
        if msg.startswith("plan: ") and "seconds:" in msg:
            self.last = msg


def run(label, n_areas, phases, solver, repeat=3, **kw):
    dem, cap, opts = synthetic(n_areas, phases)
    settings = PlanSettings(solver=solver, **{"time_limit": 120, **kw})
    data = prepare(dem, cap, opts, settings)
    problem, v, cons = build_problem(data, settings)  # the whole model, only to count it
    size = (
        f"cells={data.n_cells:>6} int_vars={len(v.build):>6} "
        f"constraints={sum(len(f) for f in cons.values()):>6}"
    )
    del problem, v, cons
    stages = _Stages()
    log = logging.getLogger("sufficiency.optimise.model")
    log.addHandler(stages)
    log.setLevel(logging.INFO)
    times = []
    try:
        for _ in range(repeat):
            load = os.getloadavg()[0]
            t0 = time.perf_counter()
            r = solve_allocation(dem, cap, opts, settings)
            times.append(time.perf_counter() - t0)
            print(
                f"{label:<44} {solver:<6} {size}  total={times[-1]:7.2f}s  load1={load:4.2f}  "
                f"status={r.status}  objective={r.objective:,.2f}  cost=GBP {r.total_cost:,.0f}",
                flush=True,
            )
            print(f"    {stages.last}", flush=True)
    finally:
        log.removeHandler(stages)
    print(
        f"{label:<44} {solver:<6} min={min(times):.2f}s median={statistics.median(times):.2f}s "
        f"over {repeat} run(s)",
        flush=True,
    )
    return times


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else "all"
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    import pulp

    print(
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()}, "
        f"{os.cpu_count()} CPU(s), Python {platform.python_version()}, PuLP {pulp.__version__}, "
        f"highspy {importlib.metadata.version('highspy')}",
        flush=True,
    )
    if which in ("all", "county"):
        for solver in ("cbc", "highs"):
            run(
                "county 20 areas x 3 phases x 10 years",
                20,
                ("primary", "secondary", "special"),
                solver,
                repeat,
            )
    if which in ("all", "county-budget"):
        for solver in ("cbc", "highs"):
            run(
                "county, annual budget GBP 15m",
                20,
                ("primary", "secondary", "special"),
                solver,
                1,
                annual_budget=15e6,
            )
    if which in ("all", "national"):
        run(
            "national 2,550 areas x 2 phases x 10 years",
            2550,
            ("primary", "secondary"),
            "highs",
            repeat,
            duals=False,
            time_limit=600,
        )
    if which in ("all", "national-duals"):
        run(
            "national, with LP-relaxation duals",
            2550,
            ("primary", "secondary"),
            "highs",
            repeat,
            duals=True,
            time_limit=600,
        )
    if which in ("all", "national-2"):
        run(
            "national, 2 worker processes",
            2550,
            ("primary", "secondary"),
            "highs",
            repeat,
            duals=False,
            time_limit=600,
            workers=2,
        )
