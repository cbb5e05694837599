"""Objective: capital (discounted) + revenue + transport + penalties [GBP]."""

from __future__ import annotations

import numpy as np
import pulp

from .data import PlanData, PlanSettings
from .variables import Variables

__all__ = ["define_objective", "capital_coefficients"]

#: Weight of one GBP of budget overrun (and, x 1e9, of one committed module missing), used only
#: when diagnosing an infeasible problem: overruns are preferred to missing committed projects.
DIAGNOSIS_PENALTY = 10.0


def capital_coefficients(data: PlanData) -> np.ndarray:
    """Objective coefficient of each build [GBP per module].

    ``discount_b * cost_o(b) + revenue_o(b) * place_years_b``: capital discounted to the
    plan's first year, revenue undiscounted over the place-years open within the plan horizon
    (a module that fills year by year runs only the places in use).
    """
    opts = data.options
    o = data.build_option
    cost = opts["cost_per_module"].to_numpy(float)[o]
    revenue = opts["revenue_per_place"].to_numpy(float)[o]
    return data.discount * cost + revenue * data.build_place_years


def define_objective(problem: pulp.LpProblem, data: PlanData, v: Variables, settings: PlanSettings):
    """Set the objective.

    ``min sum_b k_b build_b + sum_s w_s [ P_short sum_c short_sc + P_target sum_c tshort_sc
    + P_surplus sum_c excess_sc + sum_m cost_m move_sm ]`` [GBP], where ``k_b`` is
    :func:`capital_coefficients` and ``w_s`` the scenario weights.
    """
    k = capital_coefficients(data)
    terms = [(var, float(k[b])) for b, var in enumerate(v.build)]
    w = data.weights
    terms += [(var, w[s] * settings.shortfall_penalty) for (s, _), var in v.short.items()]
    terms += [(var, w[s] * settings.target_penalty) for (s, _), var in v.target_short.items()]
    terms += [(var, w[s] * settings.surplus_penalty) for (s, _), var in v.excess.items()]
    if len(data.moves):
        cpp = data.moves["cost_per_pupil"].to_numpy(float)
        terms += [(var, w[s] * float(cpp[m])) for (s, m), var in v.move.items()]
    terms += [(var, DIAGNOSIS_PENALTY) for var in v.budget_slack.values()]
    terms += [(var, DIAGNOSIS_PENALTY * 1e9) for var in v.modules_slack.values()]
    problem += pulp.LpAffineExpression(terms)
