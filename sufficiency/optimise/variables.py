"""Decision and slack variables of the allocation problem.

Names are built from integer indices only (``build_12``, ``short_0_345``) so that PuLP's
rewriting of characters in names can never make two variables collide; values are mapped back
through the dictionaries of :class:`Variables`, never by parsing names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pulp

from .data import PlanData, PlanSettings

__all__ = ["Variables", "define_variables", "active_cells", "margin_cells"]


@dataclass
class Variables:
    """The problem's variables, keyed by integer indices (see :mod:`.data`).

    Attributes
    ----------
    build : list of LpVariable
        ``build[b]``: modules of option ``o(b)`` opened in year ``t(b)`` [count, integer].
    short : dict (s, c) -> LpVariable
        Places short of the minimum margin in cell c, scenario s [places].
    target_short : dict (s, c) -> LpVariable
        Places short of the soft surplus target [places].
    excess : dict (s, c) -> LpVariable
        Places above the surplus ceiling [places].
    move : dict (s, m) -> LpVariable
        Pupils placed in an adjacent area [pupils].
    budget_slack, modules_slack : dict
        Only when diagnosing infeasibility: capital over budget [GBP] by year (``-1`` =
        total), modules short of a committed minimum [count] by option.
    """

    build: list = field(default_factory=list)
    short: dict = field(default_factory=dict)
    target_short: dict = field(default_factory=dict)
    excess: dict = field(default_factory=dict)
    move: dict = field(default_factory=dict)
    budget_slack: dict = field(default_factory=dict)
    modules_slack: dict = field(default_factory=dict)
    diagnose: bool = False


def _new_var(
    problem: pulp.LpProblem, name: str, up: float | None = None, cat: str = pulp.LpContinuous
):
    """A variable ``>= 0`` attached to ``problem`` (PuLP >= 3.3 ``add_variable``; older: LpVariable)."""
    if hasattr(problem, "add_variable"):
        return problem.add_variable(name, lowBound=0, upBound=up, cat=cat)
    return pulp.LpVariable(name, lowBound=0, upBound=up, cat=cat)  # pragma: no cover


def active_cells(data: PlanData, level: float, tolerance: float = 0.0) -> np.ndarray:
    """Boolean (S, C): cells whose requirement ``demand * (1 + level) - capacity`` is above
    ``tolerance`` [places] (positive with the default 0) or that pupils can move from or to
    (other cells' constraints hold trivially, or are tolerated) [bool]."""
    need = data.demand * (1.0 + level) - data.capacity[None, :] > max(float(tolerance), 1e-9)
    if len(data.moves):
        moved = np.zeros(data.n_cells, bool)
        moved[data.moves["from_cell"].to_numpy(int)] = True
        moved[data.moves["to_cell"].to_numpy(int)] = True
        need |= moved[None, :]
    return need


def margin_cells(data: PlanData, settings: PlanSettings) -> np.ndarray:
    """Boolean (S, C): the cells with a minimum-margin (``sufficiency``) row, those whose
    requirement is above ``settings.shortfall_tolerance`` (:func:`active_cells`) [bool]."""
    return active_cells(data, settings.margin, settings.shortfall_tolerance)


def define_variables(
    problem: pulp.LpProblem, data: PlanData, settings: PlanSettings, diagnose: bool = False
) -> Variables:
    """Create every variable (bounds: ``0 <= build[b] <= build_upper[b]`` modules).

    Parameters
    ----------
    diagnose : bool
        Add slacks to the hard families too (budgets, committed modules) to locate the cause
        of an infeasible problem.
    """
    v = Variables(diagnose=diagnose)
    upper = data.build_upper
    v.build = [
        _new_var(problem, f"build_{b}", float(upper[b]), pulp.LpInteger) for b in range(len(upper))
    ]
    elastic = settings.elastic or diagnose
    if elastic:
        s_idx, c_idx = np.nonzero(margin_cells(data, settings))
        v.short = {
            (s, c): _new_var(problem, f"short_{s}_{c}")
            for s, c in zip(s_idx.tolist(), c_idx.tolist())
        }
    s_idx, c_idx = np.nonzero(active_cells(data, settings.target))
    v.target_short = {
        (s, c): _new_var(problem, f"tshort_{s}_{c}") for s, c in zip(s_idx.tolist(), c_idx.tolist())
    }
    covered = np.zeros(data.n_cells, bool)
    covered[data.cover_cell] = True
    if len(data.moves):
        covered[data.moves["from_cell"].to_numpy(int)] = True
        covered[data.moves["to_cell"].to_numpy(int)] = True
    cov = np.nonzero(covered)[0].tolist()
    v.excess = {
        (s, c): _new_var(problem, f"excess_{s}_{c}")
        for s in range(len(data.scenarios))
        for c in cov
    }
    v.move = {
        (s, m): _new_var(problem, f"move_{s}_{m}")
        for s in range(len(data.scenarios))
        for m in range(len(data.moves))
    }
    if diagnose:
        for t in [int(y) for y in data.years] + [-1]:
            v.budget_slack[t] = _new_var(
                problem, f"budget_slack_{t - data.first_year if t >= 0 else 'total'}"
            )
        for o in np.nonzero(data.options["min_modules"].to_numpy() > 0)[0].tolist():
            v.modules_slack[o] = _new_var(problem, f"modules_slack_{o}")
    return v
