"""Constraint families of the allocation problem, one ``define_*`` function each.

Each function takes ``(problem, data, variables, settings)``, returns early when it has
nothing to add, names its constraints ``<family>_<integer indices>`` and records them in
``constraints[family][key]`` so that duals and slacks are read back by key.

Notation: ``C_c`` existing places of cell c (area, phase, year) [places]; ``D_sc`` demand
[pupils]; ``A_c = sum_b places_o(b) * build_b`` over builds open in c's year [places];
``out_sc``/``in_sc`` pupils moved out of / into c [pupils]; ``m``, ``tau``, ``kappa`` the
minimum margin, soft target and ceiling [fraction].
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pulp

from .data import PlanData, PlanSettings
from .options import scheme_of
from .variables import Variables

__all__ = [
    "FAMILIES",
    "define_sufficiency",
    "define_target",
    "define_ceiling",
    "define_module_limits",
    "define_budget",
    "define_moves",
    "define_schemes",
    "additions_by_cell",
]

FAMILIES = ("sufficiency", "target", "ceiling", "module_limit", "budget", "moves", "scheme")


def additions_by_cell(data: PlanData, v: Variables) -> dict[int, list[tuple]]:
    """``{c: [(build variable, places per module in c's year), ...]}`` for every covered
    cell (fewer than the module's places while it fills: ``PlanData.cover_places``)."""
    order = np.argsort(data.cover_cell, kind="stable")
    cells = data.cover_cell[order]
    builds = data.cover_build[order]
    places = data.cover_places[order]
    bounds = np.flatnonzero(np.diff(cells)) + 1
    out: dict[int, list[tuple]] = {}
    for chunk_c, chunk_b, chunk_p in zip(
        np.split(cells, bounds), np.split(builds, bounds), np.split(places, bounds)
    ):
        if len(chunk_c):
            out[int(chunk_c[0])] = [
                (v.build[b], p) for b, p in zip(chunk_b.tolist(), chunk_p.tolist())
            ]
    return out


def _moves_by_cell(data: PlanData, v: Variables, s: int, factor: float) -> dict[int, list[tuple]]:
    """``{c: [(move variable, +factor for out / -factor for in)]}`` in scenario s."""
    terms: dict[int, list[tuple]] = defaultdict(list)
    if not len(data.moves):
        return terms
    for m, (f, t) in enumerate(
        zip(data.moves["from_cell"].tolist(), data.moves["to_cell"].tolist())
    ):
        terms[int(f)].append((v.move[(s, m)], factor))
        terms[int(t)].append((v.move[(s, m)], -factor))
    return terms


def define_sufficiency(
    problem, data: PlanData, v: Variables, settings: PlanSettings, cons: dict, adds
):
    """Minimum margin in every area, phase, year and scenario.

    ``A_c + short_sc + (1 + m) (out_sc - in_sc) >= (1 + m) D_sc - C_c`` [places], in the
    cells whose requirement is above ``settings.shortfall_tolerance`` (or that pupils move
    from or to): a residue of a fraction of a place is not a shortfall. A cell with a row only
    because pupils can move from or to it, whose requirement is positive but within the
    tolerance, has the right-hand side 0: pupils moved in need places, its own tolerated
    requirement does not (a Worcestershire trial with a tolerance of 25 places bought a
    bulge class for Rubery's 22 once an adjacency from Rubery was declared, though unused).

    Without ``elastic`` there is no ``short`` slack: the margin is hard.
    """
    level = 1.0 + settings.margin
    from .variables import margin_cells

    active = margin_cells(data, settings)
    fam = cons.setdefault("sufficiency", {})
    for s in range(len(data.scenarios)):
        moves = _moves_by_cell(data, v, s, level)
        rhs = data.demand[s] * level - data.capacity
        tolerated = (rhs > 0) & (rhs <= max(float(settings.shortfall_tolerance), 1e-9))
        rhs = np.where(tolerated, 0.0, rhs)
        for c in np.nonzero(active[s])[0].tolist():
            terms = adds.get(c, []) + moves.get(c, [])
            if (s, c) in v.short:
                terms = terms + [(v.short[(s, c)], 1.0)]
            con = pulp.LpConstraint(
                pulp.LpAffineExpression(terms),
                pulp.LpConstraintGE,
                name=f"sufficiency_{s}_{c}",
                rhs=float(rhs[c]),
            )
            problem += con
            fam[(s, c)] = con


def _margin_family(
    problem,
    data: PlanData,
    v: Variables,
    cons: dict,
    adds,
    family: str,
    slack: dict,
    sign: float,
    sense,
    margin: float,
) -> None:
    """One soft-margin row per ``(s, c)`` in ``slack``:
    ``A_c + sign * slack_sc + (1 + margin)(out - in) (sense) (1 + margin) D_sc - C_c``."""
    level = 1.0 + margin
    fam = cons.setdefault(family, {})
    rhs = data.demand * level - data.capacity[None, :]
    by_s = defaultdict(list)
    for s, c in slack:
        by_s[s].append(c)
    for s, cs in by_s.items():
        moves = _moves_by_cell(data, v, s, level)
        for c in cs:
            terms = adds.get(c, []) + moves.get(c, []) + [(slack[(s, c)], sign)]
            con = pulp.LpConstraint(
                pulp.LpAffineExpression(terms),
                sense,
                name=f"{family}_{s}_{c}",
                rhs=float(rhs[s, c]),
            )
            problem += con
            fam[(s, c)] = con


def define_target(problem, data: PlanData, v: Variables, settings: PlanSettings, cons: dict, adds):
    """Soft surplus target: ``A_c + tshort_sc + (1 + tau)(out - in) >= (1 + tau) D_sc - C_c``."""
    if v.target_short:
        _margin_family(
            problem,
            data,
            v,
            cons,
            adds,
            "target",
            v.target_short,
            1.0,
            pulp.LpConstraintGE,
            settings.target,
        )


def define_ceiling(problem, data: PlanData, v: Variables, settings: PlanSettings, cons: dict, adds):
    """Surplus ceiling: ``A_c - excess_sc + (1 + kappa)(out - in) <= (1 + kappa) D_sc - C_c``."""
    if v.excess:
        _margin_family(
            problem,
            data,
            v,
            cons,
            adds,
            "ceiling",
            v.excess,
            -1.0,
            pulp.LpConstraintLE,
            settings.ceiling,
        )


def define_module_limits(problem, data: PlanData, v: Variables, settings: PlanSettings, cons: dict):
    """Whole modules within limits (school size) and committed minimums.

    Permanent option o: ``min_o <= sum_t build_ot <= max_o`` [modules]. Temporary option:
    ``build_ot <= max_per_year_o`` (a variable bound) and, if ``max_modules > 0``,
    ``sum_t build_ot <= max_o``; ``sum_t build_ot >= min_o``.
    """
    if not len(data.build_option):
        return
    fam = cons.setdefault("module_limit", {})
    opts = data.options
    perm = opts["duration"].to_numpy() == 0
    max_m = opts["max_modules"].to_numpy()
    min_m = opts["min_modules"].to_numpy()
    order = np.argsort(data.build_option, kind="stable")
    bo = data.build_option[order]
    bounds = np.flatnonzero(np.diff(bo)) + 1
    seen = set()
    for chunk_o, chunk_b in zip(np.split(bo, bounds), np.split(order, bounds)):
        if not len(chunk_o):
            continue
        o = int(chunk_o[0])
        seen.add(o)
        terms = [(v.build[b], 1.0) for b in chunk_b.tolist()]
        if max_m[o] > 0 and (len(terms) > 1 or not perm[o]):
            con = pulp.LpConstraint(
                pulp.LpAffineExpression(terms),
                pulp.LpConstraintLE,
                name=f"module_max_{o}",
                rhs=float(max_m[o]),
            )
            problem += con
            fam[("max", o)] = con
        if min_m[o] > 0:
            if o in v.modules_slack:
                terms = terms + [(v.modules_slack[o], 1.0)]
            con = pulp.LpConstraint(
                pulp.LpAffineExpression(terms),
                pulp.LpConstraintGE,
                name=f"module_min_{o}",
                rhs=float(min_m[o]),
            )
            problem += con
            fam[("min", o)] = con
    # committed options that cannot be built in the plan years at all (lead time)
    for o in np.nonzero(min_m > 0)[0].tolist():
        if o not in seen:
            terms = [(v.modules_slack[o], 1.0)] if o in v.modules_slack else []
            con = pulp.LpConstraint(
                pulp.LpAffineExpression(terms),
                pulp.LpConstraintGE,
                name=f"module_min_{o}",
                rhs=float(min_m[o]),
            )
            problem += con
            fam[("min", o)] = con


def define_budget(problem, data: PlanData, v: Variables, settings: PlanSettings, cons: dict):
    """Capital budgets, by year and in total [GBP].

    ``sum_{b: t(b) = t} cost_o(b) * build_b <= budget_t`` and
    ``sum_b cost_o(b) * build_b <= total_budget`` (capital counted in the opening year).
    """
    annual = settings.budget_of_year(data.years)
    if not np.isfinite(annual).any() and settings.total_budget is None:
        return
    fam = cons.setdefault("budget", {})
    cost = data.options["cost_per_module"].to_numpy(float)[data.build_option]
    for i, t in enumerate(data.years.tolist()):
        if not np.isfinite(annual[i]):
            continue
        idx = np.nonzero(data.build_year == t)[0].tolist()
        terms = [(v.build[b], float(cost[b])) for b in idx]
        if t in v.budget_slack:
            terms.append((v.budget_slack[t], -1.0))
        con = pulp.LpConstraint(
            pulp.LpAffineExpression(terms),
            pulp.LpConstraintLE,
            name=f"budget_{i}",
            rhs=float(annual[i]),
        )
        problem += con
        fam[t] = con
    if settings.total_budget is not None:
        terms = [(v.build[b], float(cost[b])) for b in range(len(v.build))]
        if -1 in v.budget_slack:
            terms.append((v.budget_slack[-1], -1.0))
        con = pulp.LpConstraint(
            pulp.LpAffineExpression(terms),
            pulp.LpConstraintLE,
            name="budget_total",
            rhs=float(settings.total_budget),
        )
        problem += con
        fam["total"] = con


def define_moves(problem, data: PlanData, v: Variables, settings: PlanSettings, cons: dict):
    """Movement to adjacent areas: ``move_sm <= max_share_m * D_s,from(m)`` [pupils]."""
    if not len(data.moves):
        return
    fam = cons.setdefault("moves", {})
    share = data.moves["max_share"].to_numpy(float)
    frm = data.moves["from_cell"].to_numpy(int)
    for (s, m), var in v.move.items():
        con = pulp.LpConstraint(
            pulp.LpAffineExpression([(var, 1.0)]),
            pulp.LpConstraintLE,
            name=f"moves_{s}_{m}",
            rhs=float(share[m] * data.demand[s, frm[m]]),
        )
        problem += con
        fam[(s, m)] = con


def define_schemes(problem, data: PlanData, v: Variables, settings: PlanSettings, cons: dict):
    """Options of one ``scheme`` are built together, module for module, in the same year.

    For the options ``o_1 .. o_k`` of a scheme present in ``data`` and every plan year t:
    ``build(o_1, t) - build(o_j, t) = 0`` (a missing build, before an option's lead time,
    counts as 0). Options without any build in ``data`` (no demand in their area and phase,
    or an area planned alone, as the options appraisal does) are left out; a scheme with one
    option left is not constrained.
    """
    opts = data.options
    if "scheme" not in opts or not len(data.build_option):
        return
    scheme = scheme_of(opts)
    if not (scheme != "").any():
        return
    fam = cons.setdefault("scheme", {})
    by_key = {
        (int(o), int(t)): b
        for b, (o, t) in enumerate(zip(data.build_option.tolist(), data.build_year.tolist()))
    }
    has_builds = np.zeros(len(opts), bool)
    has_builds[data.build_option] = True
    for name in sorted(set(scheme[scheme != ""])):
        # an option with no builds here (its area and phase have no demand in the plan, or
        # lie outside this part) is left out, as the decomposed path leaves it out
        members = np.flatnonzero((scheme == name) & has_builds).tolist()
        if len(members) < 2:
            continue
        first = members[0]
        for j in members[1:]:
            for t in data.years.tolist():
                a, b = by_key.get((first, int(t))), by_key.get((j, int(t)))
                if a is None and b is None:
                    continue
                terms = ([(v.build[a], 1.0)] if a is not None else []) + (
                    [(v.build[b], -1.0)] if b is not None else []
                )
                con = pulp.LpConstraint(
                    pulp.LpAffineExpression(terms),
                    pulp.LpConstraintEQ,
                    name=f"scheme_{first}_{j}_{int(t) - data.first_year}",
                    rhs=0.0,
                )
                problem += con
                fam[(first, j, int(t))] = con
