"""Regenerate the Worcester City numbers quoted in docs/plan.md and README.md.

    python docs/plan_analysis.py > /tmp/plan_analysis.txt

Runs the default model's forecast, plans the county under the central forecast and the 80th
percentile, appraises Worcester City secondary (8850031) route by route and re-plans it under a
range of budgets. Every number printed comes from the engine; nothing here is typed in.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path

import pandas as pd

from sufficiency.capacity import capacity_by_area
from sufficiency.config import load_model
from sufficiency.forecast import run_forecast
from sufficiency.inputs import load_inputs
from sufficiency.optimise import appraise_options, budget_sensitivity, plan
from sufficiency.optimise.planning import demand_frame

MODEL = Path(__file__).resolve().parents[1] / "models" / "worcestershire.toml"
AREA, PHASE = "8850031", "secondary"
BUDGETS = [0, 1e6, 3e6, 6e6, 12e6, 18e6, 30e6, 64e6, 100e6]

pd.set_option("display.width", 200)
pd.set_option("display.max_columns", 20)


def main() -> None:
    warnings.simplefilter("ignore")
    inputs = load_inputs(load_model(MODEL))
    forecast = run_forecast(inputs)
    for label, q in (("central forecast", None), ("80th percentile", 0.8)):
        r = plan(inputs, forecast, quantile=q)
        print(f"=== County plan, {label} ===")
        print(r.summary())
        ba = r.before_after()
        print(
            ba.loc[
                ba["area"] == AREA,
                [
                    "year",
                    "demand",
                    "capacity_before",
                    "added",
                    "capacity_after",
                    "shortfall_before",
                    "shortfall_after",
                    "surplus_pct_after",
                ],
            ]
            .round(3)
            .to_string(index=False)
        )
        m = r.marginal_costs()
        print("marginal cost of a place, Worcester City secondary [GBP, LP relaxation]:")
        print(m.loc[m["area"] == AREA, ["year", "marginal_cost"]].round(0).to_string(index=False))
        print(r.cost_by_year().to_string(index=False))
        settings = r.settings
        demand = demand_frame(
            forecast.phase_totals(q), "s", settings.first_year, settings.last_year
        )
        cap = capacity_by_area(inputs.capacity)
        print(f"--- Worcester City secondary alone, {label}: routes ---")
        print(
            appraise_options(demand, cap, r.options, settings, AREA, PHASE)
            .drop(columns="objective")
            .round(0)
            .to_string(index=False)
        )
        print(f"--- Worcester City secondary alone, {label}: by total budget ---")
        bs = budget_sensitivity(
            demand, cap, r.options, replace(settings, duals=False), BUDGETS, area=AREA, phase=PHASE
        )
        print(bs.round(0).to_string(index=False))
        print()


#: the shipped scenario: the default model plus interim places for Worcester City
INTERIM = MODEL.with_name("worcestershire_interim.toml")


def interim() -> None:
    """The plans of the interim-places scenario (docs/plan.md, "Interim places")."""
    inputs = load_inputs(load_model(INTERIM))
    forecast = run_forecast(inputs)
    for label, q in (("central forecast", None), ("80th percentile", 0.8)):
        r = plan(inputs, forecast, quantile=q)
        print(f"=== {INTERIM.name}, {label}: county GBP {r.total_cost:,.0f} ===")
        mine = r.plan[r.plan["area"] == AREA]
        print(mine[["kind", "year", "modules", "places", "cost"]].round(0).to_string(index=False))
        ba = r.before_after()
        print(
            "Worcester City place-years short:",
            round(float(ba.loc[ba["area"] == AREA, "shortfall_after"].sum()), 1),
        )


if __name__ == "__main__":
    main()
    interim()
