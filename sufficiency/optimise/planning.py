"""Plan a model definition: forecast demand + capacity + option catalogue -> AllocationResult.

:func:`plan` is what the CLI and the report call. It reads the model's ``[plan]`` section,
builds the option catalogue (DfE cost benchmarks for the authority, regional figures since the
2021 edition, plus local options),
plans against the central forecast, a quantile or several scenarios, and explains the key
decisions with :func:`appraise_options` (each local option against the alternatives).
:func:`budget_sensitivity` re-plans under a list of budgets.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Collection, Mapping, Sequence
from dataclasses import fields, replace
from typing import Any

import numpy as np
import pandas as pd

from .. import nomenclature as nc
from .._values import (
    Section,
    did_you_mean,
    expected_area,
    is_number,
    is_whole,
    percent_hint,
    require_table,
)
from ..capacity import DEMAND, capacity_by_area, demand_by_place_phase
from ..exceptions import ConfigError, DataQualityWarning, SchemaError
from ..validation import capacity_behind_census
from .data import COUNTED_SHORT_MIN, SCENARIO, PlanSettings
from .model import solve_allocation
from .options import (
    _TEMPORARY_KINDS,
    KINDS,
    benchmark_costs,
    build_catalogue,
    compulsory_year_groups,
    options_from_config,
    small_schools,
)
from .results import AllocationResult, area_tag, build_words, opening

__all__ = ["plan", "plan_settings", "appraise_options", "budget_sensitivity", "demand_frame"]

logger = logging.getLogger(__name__)

_SETTING_KEYS = (
    "shortfall_penalty",
    "shortfall_tolerance",
    "target_penalty",
    "surplus_penalty",
    "discount_rate",
    "annual_budget",
    "total_budget",
    "time_limit",
    "mip_gap",
    "first_year",
    "last_year",
)


def plan_settings(config, **overrides) -> PlanSettings:
    """Settings from ``[assumptions]`` (margin, surplus_target, surplus_ceiling) and ``[plan]``."""
    sec = config.section("plan")
    a = config.assumptions
    kw: dict[str, Any] = {
        "margin": a.margin,
        "target": a.surplus_target,
        "ceiling": a.surplus_ceiling,
    }
    for k in _SETTING_KEYS:
        if k in sec:
            kw[k] = sec[k]
    if isinstance(kw.get("annual_budget"), Mapping):
        kw["annual_budget"] = {int(k): float(v) for k, v in kw["annual_budget"].items()}
    kw.update({k: v for k, v in overrides.items() if v is not None})
    known = [f.name for f in fields(PlanSettings)]
    unknown = sorted(set(kw) - set(known))
    if unknown:
        # [plan] keys are read by name above, so an unknown one is a keyword argument
        raise ConfigError(
            f"plan({unknown[0]}=...): unknown setting {unknown[0]!r}"
            f"{did_you_mean(unknown[0], known)}; expected a PlanSettings field: "
            f"{', '.join(known)}"
        )
    try:
        return PlanSettings(**kw)
    except TypeError as exc:
        raise ConfigError(f"{config.shown_path}: [plan]: {exc}") from exc


def demand_frame(
    phase_totals: pd.DataFrame,
    scenario: str,
    first_year: int,
    last_year: int,
    value: str = nc.PUPILS,
) -> pd.DataFrame:
    """Demand by phase of places for the plan years, labelled with a scenario name."""
    d = demand_by_place_phase(phase_totals, value=value)
    d = d.loc[
        (d[nc.YEAR] >= first_year) & (d[nc.YEAR] <= last_year), [nc.AREA, nc.PHASE, nc.YEAR, DEMAND]
    ]
    return d.assign(**{SCENARIO: scenario})


def _extra_demand(result, name: str, first: int, last: int):
    """Demand and capacity frames from a SendResult / EarlyYearsResult ``.demand_frame()``."""
    if result is None:
        return None, None
    f = result.demand_frame() if hasattr(result, "demand_frame") else result
    arg, kind = ("send", "SendResult") if name == "special" else (name, "EarlyYearsResult")
    if not isinstance(f, pd.DataFrame):
        raise TypeError(
            f"plan({arg}=...): a {type(result).__name__}; expected a {kind} or its demand_frame()"
        )
    missing = [c for c in (nc.AREA, nc.PHASE, nc.YEAR, "places") if c not in f.columns]
    if missing:
        raise SchemaError(
            f"plan({arg}=...): missing column(s) "
            f"{missing}; expected a demand_frame() with area, phase, year, places "
            f"[, places_lower, places_upper, capacity], found {list(f.columns)}"
        )
    # one phase of places, the one the argument is for: send.demand_frame(by_phase=True) was
    # told only "demand: column 'phase' has unknown value(s) ['special_post16', ...]" (a
    # Solihull trial), and an early years table passed as send= was planned as early years
    other = sorted(set(map(str, f[nc.PHASE])) - {name})
    if other:
        raise SchemaError(
            f"plan({arg}=...): phase(s) {other}; expected only {name!r}, as "
            f"{kind}.demand_frame() gives it"
            + (
                " (demand_frame(by_phase=True) splits it by school phase, which the plan does "
                "not read: its special school options add places of all ages)"
                if name == "special"
                else ""
            )
        )
    # only the plan's years matter (history before the supply year has no capacity figure)
    f = f.loc[(f[nc.YEAR] >= first) & (f[nc.YEAR] <= last)]
    # a table that stops short of the plan's years (forecast_send(inputs, horizon=3)) left the
    # later years' places out of the plan without a word (a Solihull trial)
    gone = sorted(set(range(first, last + 1)) - set(f[nc.YEAR].astype(int)))
    if gone:
        years = (
            nc.academic_year_label(gone[0])
            if len(gone) == 1
            else f"{nc.academic_year_label(gone[0])}-{nc.academic_year_label(gone[-1])}"
            if gone == list(range(gone[0], gone[-1] + 1))
            else ", ".join(map(nc.academic_year_label, gone))
        )
        warnings.warn(
            f"plan({arg}=...): no {name.replace('_', ' ')} demand for {years} of the plan's "
            f"{nc.academic_year_label(first)}-{nc.academic_year_label(last)}, so no "
            f"{name.replace('_', ' ')} places are planned for {'it' if len(gone) == 1 else 'them'} "
            f"({'an' if kind[0] in 'AEIOU' else 'a'} {kind} over the plan's years: "
            + (
                "forecast_send(inputs, horizon=...) reaching its last year)"
                if name == "special"
                else "forecast_early_years(inputs) without years=, or with them all)"
            ),
            DataQualityWarning,
            stacklevel=3,
        )
    cap = None
    if nc.CAPACITY in f.columns:
        f = f.copy()
        f[nc.CAPACITY] = pd.to_numeric(f[nc.CAPACITY], errors="coerce")
        unknown = f[nc.CAPACITY].isna()
        if unknown.any():
            # no supply figure: planning these rows against 0 places would invent a shortfall
            logger.warning(
                "plan: %s demand without a capacity figure in %d row(s) left out",
                name,
                int(unknown.sum()),
            )
            f = f.loc[~unknown]
        cap = f[[nc.AREA, nc.PHASE, nc.YEAR, nc.CAPACITY]].copy()
        cap[nc.AREA] = cap[nc.AREA].astype(str)
    if f.empty:
        return None, None
    d = demand_frame(f, "", first, last, value="places").drop(columns=SCENARIO)
    logger.info("plan: %s demand, %d rows", name, len(d))
    return d, cap


#: keys of a ``[[plan.adjacency]]`` table, all required
ADJACENCY_KEYS = ("from", "to", "phase", "max_share", "cost_per_pupil")


def section_options(sec: Mapping[str, Any], key: str, path: Any) -> list[Mapping[str, Any]]:
    """The options of ``[plan.special]`` or ``[plan.early_years]`` (``key``), checked.

    Each option: ``kind`` (one of :data:`~sufficiency.optimise.options.KINDS`), ``places``
    per module, ``cost_per_place`` [GBP/place], optional ``max_modules`` (1), ``lead``
    [years] (2) and ``source``.

    Raises
    ------
    ConfigError
        ``<path>: [[plan.<key>.options]] #i key = value: expected ...``.
    """
    if key not in sec:
        return []
    sub, name = sec[key], f"plan.{key}"
    if not isinstance(sub, Mapping):
        raise Section(f"{path}: [plan]", sec).bad(key, f"a table [{name}] with options = [...]")
    opts = sub.get("options", [])
    if not isinstance(opts, list):
        raise Section(f"{path}: [{name}]", sub).bad(
            "options", "an array of tables { kind, places, cost_per_place, ... }"
        )
    for i, o in enumerate(opts):
        # as the model's key check names it (an unknown key there, a bad value here: a
        # Sandwell trial read two names for one option)
        where = f"{path}: [[{name}.options]] #{i + 1}"
        t = Section(
            where,
            require_table(
                o,
                where,
                ("kind", "places", "cost_per_place"),
                "{ kind, places, cost_per_place, max_modules, lead, source }",
                "kind, places, cost_per_place (and max_modules, lead, source)",
            ),
        )
        t.check("kind", lambda v: v in KINDS, f"one of {', '.join(KINDS)}")
        # these options are permanent (no duration key): a temporary kind would be read as
        # lasting places at a temporary price (as a [[plan.options]] bulge class without
        # duration was, in a Sandwell trial)
        t.check(
            "kind",
            lambda v: v not in _TEMPORARY_KINDS,
            "a permanent kind ("
            + ", ".join(k for k in KINDS if k not in _TEMPORARY_KINDS)
            + f"): [{name}] options are permanent; give temporary places as "
            "[[plan.options]] with a duration",
        )
        t.check("places", lambda v: is_number(v) and v > 0, "places per module, a number > 0")
        t.check(
            "cost_per_place",
            lambda v: is_number(v) and v >= 0,
            "GBP per place >= 0, written as a number (67000.0, not '67k')",
        )
        t.check("max_modules", lambda v: is_whole(v) and v >= 0, "a whole number >= 0")
        t.check("lead", lambda v: is_whole(v) and 0 <= v <= 20, "years of lead time, 0..20")
        t.check("source", lambda v: isinstance(v, str), "a string")
    return opts


def _section_options(
    sec: Mapping[str, Any], key: str, areas: pd.DataFrame, first: int, path: Any
) -> pd.DataFrame | None:
    """Default options for ``special`` / ``early_years`` from ``[plan.<key>]``
    (:func:`section_options`), one per area with that demand."""
    if areas is None or areas.empty:
        return None
    rows = []
    for entry in section_options(sec, key, path):
        for a in areas[nc.AREA].drop_duplicates():
            places = float(entry["places"])
            rows.append(
                {
                    "option": f"{a}:{key}:{entry['kind']}",
                    nc.AREA: str(a),
                    nc.PHASE: key,
                    "kind": entry["kind"],
                    "places": places,
                    "max_modules": int(entry.get("max_modules", 1)),
                    "max_per_year": 0,
                    "min_modules": 0,
                    "cost_per_module": float(entry["cost_per_place"]) * places,
                    "cost_per_place": float(entry["cost_per_place"]),
                    "revenue_per_place": 0.0,
                    "earliest_year": first - 1 + int(entry.get("lead", 2)),
                    "duration": 0,
                    "source": str(entry.get("source", f"[plan.{key}]")),
                }
            )
    return pd.DataFrame(rows) if rows else None


def adjacency_from_config(
    sec: Mapping[str, Any],
    path: Any,
    areas: Collection[str] | None = None,
    names: Mapping[str, str] | None = None,
) -> pd.DataFrame | None:
    """``[[plan.adjacency]]`` of the ``[plan]`` section ``sec``, checked.

    Each entry: pupils of ``phase`` (primary / secondary) in area ``from`` may be placed in
    area ``to`` up to ``max_share`` of their demand [0-1], at ``cost_per_pupil`` [GBP/pupil/year].
    With ``areas`` (the model's planning area codes, or a mapping code -> phase), ``from`` and
    ``to`` must be among them; ``names`` (code -> name) adds a did-you-mean to that error.

    Returns
    -------
    DataFrame or None
        ``from_area, to_area, phase, max_share, cost_per_pupil``; None without adjacency.

    Raises
    ------
    ConfigError
        ``<path>: [[plan.adjacency]] #i key = value: expected ...``.
    """
    adj = sec.get("adjacency", [])
    if not isinstance(adj, list):
        raise Section(f"{path}: [plan]", sec).bad(
            "adjacency", "an array of tables [[plan.adjacency]]"
        )
    rows = []
    seen: dict[tuple, int] = {}
    for i, e in enumerate(adj):
        where = f"{path}: [[plan.adjacency]] #{i + 1}"
        t = Section(where, require_table(e, where, ADJACENCY_KEYS, "", ", ".join(ADJACENCY_KEYS)))
        if areas is not None:
            phases = areas if isinstance(areas, Mapping) else None
            for k in ("from", "to"):
                if str(e[k]) not in areas:
                    raise t.bad(
                        k,
                        expected_area(
                            e[k],
                            {c: (names or {}).get(c, "") for c in areas},
                            phases,
                            e.get("phase"),
                        ),
                    )
        t.check("phase", lambda v: v in ("primary", "secondary"), "'primary' or 'secondary'")
        if isinstance(areas, Mapping):
            # moves the plan cannot use were dropped without a word (a trial on the night of 29 November
            # 2026: phase = "primary" between two secondary areas moved no pupils)
            frm, to, ph = str(e["from"]), str(e["to"]), e["phase"]
            if frm == to:
                raise t.bad("to", "an area other than from, the area the pupils live in")
            if areas[frm] != ph and areas[to] != ph and areas[frm] == areas[to]:
                raise t.bad(
                    "phase",
                    f"{areas[frm]!r}, the phase of planning areas {frm} and {to} (pupils "
                    "move between areas of the same phase)",
                )
            for k, a in (("from", frm), ("to", to)):
                if areas[a] != ph:
                    raise t.bad(
                        k,
                        f"a {ph} planning area, as phase = {ph!r}; {a} is {areas[a]} (pupils "
                        "move between areas of the same phase)",
                    )
            key = (frm, to, ph)
            if key in seen:
                raise ConfigError(
                    f"{where}: from = {frm!r}, to = {to!r}, phase = {ph!r} again "
                    f"(#{seen[key] + 1}); expected each pair of areas once: give one entry "
                    "with its max_share and cost_per_pupil"
                )
            seen[key] = i
        t.check(
            "max_share",
            lambda v: is_number(v) and 0 <= v <= 1,
            "a share in [0, 1]" + percent_hint(e.get("max_share"), numbers=True),
        )
        t.check("cost_per_pupil", lambda v: is_number(v) and v >= 0, "GBP per pupil >= 0")
        rows.append(
            {
                "from_area": str(e["from"]),
                "to_area": str(e["to"]),
                nc.PHASE: str(e["phase"]),
                "max_share": float(e["max_share"]),
                "cost_per_pupil": float(e["cost_per_pupil"]),
            }
        )
    return pd.DataFrame(rows) if rows else None


def plan(
    inputs,
    forecast,
    *,
    quantile: float | None = None,
    budget: float | None = None,
    solver: str = "cbc",
    send=None,
    early_years=None,
    scenarios: Mapping[str, float | pd.DataFrame] | None = None,
    appraise: bool = True,
    **overrides,
) -> AllocationResult:
    """Plan a model's places at least cost.

    Parameters
    ----------
    inputs : ModelInputs
        Capacity, areas and the ``[plan]`` section.
    forecast : ForecastResult
        Anything with ``phase_totals(q)`` (``area, phase, year, pupils``) and ``base_year``.
    quantile : float, optional
        Plan against this quantile of the forecast (e.g. 0.8) instead of the central one.
    budget : float, optional
        Total capital budget [GBP] (overrides ``[plan] total_budget``).
    solver : {"cbc", "highs"}
    send, early_years : SendResult / EarlyYearsResult, optional
        Their ``demand_frame()`` adds ``special`` / ``early_years`` demand and capacity.
    scenarios : mapping name -> quantile or phase-totals frame, optional
        Plan one set of builds that holds for all of them together.
    appraise : bool
        Explain decisions by re-planning each area with local options under alternatives.
    **overrides
        Any :class:`PlanSettings` field.

    Returns
    -------
    AllocationResult
        With ``robustness`` (central plan cost vs this plan) when a quantile or scenarios are
        used, and ``decisions`` explaining the choice in every area with local options.

    Raises
    ------
    ConfigError
        ``quantile`` or a scenario's quantile outside (0, 1), ``budget`` < 0, an unknown
        ``solver`` or setting (``**overrides``), a bad ``[plan]`` section.
    SchemaError
        ``send`` / ``early_years`` given as a frame without ``area, phase, year, places``.
    TypeError
        ``inputs`` is not a :class:`ModelInputs`, or ``forecast`` is a DataFrame.
    InfeasibleError, SolverError
        The problem has no solution, or the solver failed.

    Examples
    --------
    >>> from sufficiency import load_inputs, run_forecast, plan
    >>> inputs = load_inputs("models/worcestershire.toml")
    >>> alloc = plan(inputs, run_forecast(inputs), appraise=False)
    >>> by_area_year = alloc.before_after().pivot_table(
    ...     index=["area", "phase"], columns="year", values="added", aggfunc="sum")
    >>> alloc.total_cost > 0, alloc.status
    (True, 'Optimal')
    """
    from ..inputs import require_inputs

    config = require_inputs(inputs, "plan(inputs, forecast)").config
    if not callable(getattr(forecast, "phase_totals", None)):
        raise TypeError(
            f"plan(inputs, forecast): forecast is a {type(forecast).__name__}; "
            "expected a ForecastResult (run_forecast(inputs), or "
            "CohortModel(...).predict(...)), not its to_frame()"
        )
    if budget is not None and not budget >= 0:
        raise ConfigError(
            f"plan(budget={budget!r}): expected a total capital budget >= 0 [GBP] "
            "(it overrides [plan] total_budget)"
        )
    sec = config.section("plan")
    base = int(getattr(forecast, "base_year", inputs.base_year))
    first = int(sec.get("first_year", base + 1))
    last = int(sec.get("last_year", base + config.assumptions.horizon))
    settings = plan_settings(
        config, total_budget=budget, solver=solver, first_year=first, last_year=last, **overrides
    )

    # --- demand ---------------------------------------------------------------------------
    def frame_of(spec, name):
        if (
            spec is not None
            and not isinstance(spec, pd.DataFrame)
            and not (is_number(spec) and 0 < float(spec) < 1)
        ):
            raise ConfigError(
                f"plan(scenarios={{{name!r}: {spec!r}}}): expected a quantile "
                "between 0 and 1 or a phase_totals() DataFrame"
            )
        pt = forecast.phase_totals(spec) if spec is None or is_number(spec) else spec
        return demand_frame(pt, name, first, last)

    if scenarios and quantile is not None:
        # the scenarios won and the quantile was dropped without a word (a Wolverhampton
        # trial: --quantile 0.8 --scenario 0.9 planned for 0.9 alone)
        raise ConfigError(
            f"plan(quantile={quantile!r}, scenarios=...): give one; to plan for the quantile "
            "as well, add it to the scenarios"
        )
    if scenarios:
        demand = pd.concat([frame_of(v, str(k)) for k, v in scenarios.items()], ignore_index=True)
    elif quantile is not None:
        if not (is_number(quantile) and 0 < float(quantile) < 1):
            raise ConfigError(f"quantile = {quantile!r}: expected a number between 0 and 1")
        demand = frame_of(float(quantile), f"q{quantile:g}")
    else:
        demand = frame_of(None, "central")
    capacity = capacity_by_area(inputs.capacity)
    extra_caps = []
    extra_opts = []
    extra_demand = []
    for name, res in (("special", send), ("early_years", early_years)):
        d, cap = _extra_demand(res, name, first, last)
        if d is None:
            continue
        names = demand[SCENARIO].unique()
        extra_demand.append(d)
        demand = pd.concat([demand] + [d.assign(**{SCENARIO: s}) for s in names], ignore_index=True)
        if cap is not None:
            extra_caps.append(cap)
        extra_opts.append(_section_options(sec, name, d, first, config.shown_path))
    if extra_caps:
        capacity = pd.concat([capacity.assign(**{nc.YEAR: np.nan})] + extra_caps, ignore_index=True)
    if extra_demand and (quantile is not None or scenarios):
        # the quantile is of the pupil forecast: special and early years places have an 80%
        # range, not quantiles, and were planned at their central forecast under "[q0.8]"
        # without a word (a Warwickshire trial: 838 special places short in both plans)
        which = [
            n for n, r in (("special school", send), ("early years", early_years)) if r is not None
        ]
        warnings.warn(
            f"plan: {' and '.join(which)} places are planned at their central forecast in "
            f"every scenario ({', '.join(map(str, demand[SCENARIO].unique()))}): the quantile "
            "is of the pupil forecast only (their forecasts give an 80% range, not quantiles)",
            DataQualityWarning,
            stacklevel=2,
        )

    # --- options --------------------------------------------------------------------------
    from ..io.scorecards import read_cost_benchmarks

    sc_dir = config.scorecards_folder("plan")
    loaded = read_cost_benchmarks(sc_dir, config.authority)
    costs = benchmark_costs(loaded.data, config.authority)
    # a school recruiting across areas (intake_from) sets its own intake: no default options
    mine = [a for a in config.areas if not a.intake_from]
    areas = pd.DataFrame(
        {
            nc.AREA: [a.code for a in mine],
            nc.PHASE: [a.phase for a in mine],
            "year_groups": [compulsory_year_groups(a.phase, a.ncys) for a in mine],
            "middle": [a.phase == "secondary" and a.ends_early for a in mine],
        }
    )
    # schools of each area's phase: the default limits grow with them (_scaled_limits)
    cap = inputs.capacity
    n_schools = cap.groupby([cap[nc.AREA].astype(str), cap[nc.PHASE]])[nc.SCHOOL].nunique()
    areas["schools"] = [int(n_schools.get((str(a.code), a.phase), 0)) for a in mine]
    # places a year group in each area's largest school of the phase (capacity over the
    # year groups it teaches): below a form of entry, the default modules are too big
    span = (
        pd.to_numeric(cap["ncy_max"], errors="coerce")
        - pd.to_numeric(cap["ncy_min"], errors="coerce")
        + 1
    )
    per_year = pd.to_numeric(cap[nc.CAPACITY], errors="coerce") / span.where(span > 0)
    largest = per_year.groupby([cap[nc.AREA].astype(str), cap[nc.PHASE]]).max()
    areas["largest"] = [largest.get((str(a.code), a.phase), np.nan) for a in mine]
    local = options_from_config(sec, f"{config.shown_path}: [plan]")
    catalogue = build_catalogue(
        areas, costs, first, local=local, extra=[e for e in extra_opts if e is not None]
    )
    adjacency = adjacency_from_config(sec, config.shown_path)
    provenance = (
        f"model {config.path}",
        f"demand: forecast from {nc.academic_year_label(base)}, "
        f"{'quantile ' + str(quantile) if quantile is not None else 'central'}"
        f"{'; scenarios ' + ', '.join(map(str, scenarios)) if scenarios else ''}",
        "capacity: "
        + "; ".join(
            sorted({str(s) for s in inputs.capacity.get(nc.SOURCE, pd.Series(["inputs"])).unique()})
        ),
        "costs: DfE cost per place, "
        + ", ".join(
            f"{r.phase} {r.option} GBP {r.cost_per_place:,.0f} ({r.edition} edition"
            f"{', regional' if getattr(r, 'basis', '') == 'regional' else ''})"
            for r in costs.itertuples()
        ),
        *(
            f"option {r.option}: {r.source}"
            for r in catalogue.loc[catalogue["option"].isin(local["option"])].itertuples()
        ),
        *(str(n) for n in getattr(forecast, "notes", ())),
    )
    # special and early years places planned for the whole authority carry its code
    names = {
        **{config.authority: f"{config.authority_name or config.authority} (authority-wide)"},
        **config.area_names,
    }
    result = solve_allocation(
        demand, capacity, catalogue, settings, adjacency, provenance=provenance, area_names=names
    )
    _warn_small_schools(result, areas, names)

    robustness = {}
    if scenarios or quantile is not None:
        # the same special / early years demand in both plans, so the difference is the
        # cost of planning mainstream places for the quantile or scenarios
        central_demand = pd.concat(
            [frame_of(None, "central")] + [d.assign(**{SCENARIO: "central"}) for d in extra_demand],
            ignore_index=True,
        )
        central = solve_allocation(
            central_demand, capacity, catalogue, replace(settings, duals=False), adjacency
        )
        robustness = {
            "central_cost": central.total_cost,
            "robust_cost": result.total_cost,
            "extra_cost": result.total_cost - central.total_cost,
            "central_shortfall_place_years": central.total_shortfall,
        }
    decisions = {}
    if appraise and len(local):
        for (a, p), _ in local.groupby([nc.AREA, nc.PHASE]):
            ap = appraise_options(demand, capacity, catalogue, settings, a, p)
            decisions[area_tag(names.get(a, a), a, p)] = explain_appraisal(ap, result, a, p)
    return replace(
        result,
        robustness=robustness,
        decisions=decisions,
        not_planned={
            a.code: "the school sets its own intake: intake_from"
            for a in config.areas
            if a.intake_from
        },
        before_plan=_before_plan(forecast, quantile, capacity, base, first, settings.margin),
        before_plan_places=_before_plan_places(
            send,
            early_years,
            set(result.cells[nc.PHASE]) if len(result.cells) else set(),
            base,
            first,
        ),
        capacity_behind=tuple(capacity_behind_census(inputs)),
        scenario=(
            f"{config.shown_path} extends "
            f"{', which extends '.join(b.name for b in config.bases)}: for "
            "comparison, not for decision"
            if config.bases
            else ""
        ),
    )


def _warn_small_schools(
    result: AllocationResult, areas: pd.DataFrame, names: Mapping[str, str]
) -> None:
    """Warn of each default bulge class or expansion (option ``area:phase:kind``) the plan
    builds in an area none of whose schools takes a form of entry (``areas.largest``,
    :func:`~sufficiency.optimise.options.small_schools`): a class of 30 there may not fit any
    school."""
    why = {(str(a.area), a.phase): small_schools(a.largest) for a in areas.itertuples(index=False)}
    p = result.plan
    if not len(p) or not any(why.values()):
        return
    default = (p["option"] == p[nc.AREA].astype(str) + ":" + p[nc.PHASE] + ":" + p["kind"]) & (
        p["kind"] != "new_school"
    )
    for r in (
        p[default]
        .groupby([nc.AREA, nc.PHASE, "kind"], as_index=False)
        .agg(places=("places", "sum"), year=(nc.YEAR, "min"))
        .itertuples(index=False)
    ):
        small = why.get((str(r.area), r.phase))
        if small:
            logger.warning(
                "plan: %s: %s, %s places from %s, but %s; check that they fit a "
                "school there, or give [[plan.options]] sized to its schools",
                area_tag(names.get(r.area, r.area), r.area, r.phase),
                _words(r.kind),
                f"{r.places:,.0f}",
                nc.academic_year_label(int(r.year)),
                small,
            )


def _before_plan(
    forecast, quantile, capacity: pd.DataFrame, base: int, first: int, margin: float
) -> pd.DataFrame:
    """Mainstream places short with the margin in the years after the latest data and before
    the plan's first year (``area, phase, year, shortfall``), at the plan's demand (central
    or its quantile); empty when the plan starts the year after the data."""
    cols = [nc.AREA, nc.PHASE, nc.YEAR, "shortfall"]
    if first <= base + 1:
        return pd.DataFrame(columns=cols)
    pt = forecast.phase_totals(None if quantile is None else float(quantile))
    d = demand_frame(pt, "before", base + 1, first - 1)
    cap = capacity[capacity[nc.PHASE].isin(["primary", "secondary"])]
    cap = cap.groupby([nc.AREA, nc.PHASE], as_index=False)[nc.CAPACITY].sum()
    m = d.merge(cap, on=[nc.AREA, nc.PHASE], how="left")
    m["shortfall"] = np.maximum(0.0, m[DEMAND] * (1 + margin) - m[nc.CAPACITY].fillna(0.0))
    return (
        m.loc[m["shortfall"] > COUNTED_SHORT_MIN, cols].sort_values(cols[:3]).reset_index(drop=True)
    )


def _before_plan_places(
    send, early_years, phases: Collection[str], base: int, first: int
) -> pd.DataFrame:
    """Special school and early years places short in the years after their latest data and
    before the plan's first year (``phase, year, shortfall`` [places]), for the phases the
    plan covers: places short by phase (special) or age group (early years) with no margin,
    summed over areas, the SEND
    result's central scenario; empty when none are short or the plan starts the year after
    the data.

    Notes
    -----
    The figures are the report's (its "in 2026/27, before the plan's first year, 184 places
    are short"): they come from the totals the report uses too,
    :func:`sufficiency.send.totals_by_year` and
    :func:`sufficiency.early_years.totals_by_year`, so that the plan summary and the report
    cannot differ (a Coventry trial's plan summary named only mainstream places short before
    its first year).
    A result passed as a bare ``demand_frame()`` has no such table and gives no rows.
    """
    cols = [nc.PHASE, nc.YEAR, "shortfall"]
    rows: list[tuple[str, int, float]] = []
    if first > base + 1 and (
        ("special" in phases and callable(getattr(send, "to_frame", None)))
        or ("early_years" in phases and callable(getattr(early_years, "to_frame", None)))
    ):
        from ..early_years import totals_by_year as early_years_totals
        from ..send import totals_by_year as send_totals

        if "special" in phases and callable(getattr(send, "to_frame", None)):
            scenario = dict(getattr(send, "config", None) or {}).get("scenario")
            t = send_totals(send.to_frame(), scenario)
            if t is not None:
                latest, tot = t[3], t[5]
                rows += [
                    ("special", y, float(tot.loc[y, "shortfall"]))
                    for y in range(max(base, latest) + 1, first)
                    if y in tot.index
                ]
        if "early_years" in phases and callable(getattr(early_years, "to_frame", None)):
            t = early_years_totals(early_years.to_frame(), base)
            if t is not None:
                start, tot = t[1], t[4]
                rows += [
                    ("early_years", y, float(tot.loc[y, "shortfall"]))
                    for y in range(max(base, start) + 1, first)
                    if y in tot.index
                ]
    out = pd.DataFrame(rows, columns=cols)
    return out.loc[out["shortfall"] >= 0.5].reset_index(drop=True)


def _kind_label(kinds: Sequence[str]) -> str:
    return " + ".join(sorted(set(kinds))) if len(kinds) else "nothing"


def appraise_options(
    demand, capacity, options, settings: PlanSettings, area: str, phase: str
) -> pd.DataFrame:
    """Re-plan one area under each strategy: each permanent kind alone (with temporary
    options such as bulge classes), temporary options alone, and everything.

    Returns
    -------
    DataFrame
        ``strategy, kinds, cost, places, shortfall_place_years, shortfall_years, first_met,
        objective`` [GBP, places, place-years]; the area's budget-free cost of each route.
    """
    d = demand.loc[(demand[nc.AREA] == area) & (demand[nc.PHASE] == phase)]
    o = options.loc[(options[nc.AREA] == area) & (options[nc.PHASE] == phase)]
    cap = capacity.loc[(capacity[nc.AREA].astype(str) == area) & (capacity[nc.PHASE] == phase)]
    if d.empty or o.empty:
        return pd.DataFrame()
    temp = o.loc[o["duration"] > 0]
    perm_kinds = sorted(o.loc[o["duration"] == 0, "kind"].unique())
    strategies = {"all options": o}
    for k in perm_kinds:
        strategies[f"{k} allowed (+ temporary)"] = pd.concat([o.loc[o["kind"] == k], temp])
    if len(temp):
        strategies["temporary only"] = temp
    s = replace(settings, annual_budget=None, total_budget=None, duals=False)
    rows = []
    for name, opts in strategies.items():
        r = solve_allocation(d, cap, opts.reset_index(drop=True), s)
        # short as the plan's summary counts it (the shortfall tolerance: left_short)
        short = r.cells.loc[s.left_short(r.cells)]
        years = r.cells[nc.YEAR]
        rows.append(
            {
                "strategy": name,
                "kinds": _kind_label(r.plan["kind"].tolist()),
                "cost": r.total_cost,
                "places": float(r.plan["places"].sum()) if len(r.plan) else 0.0,
                # as counted: a residue the tolerance allows is none
                "shortfall_place_years": r.total_shortfall,
                "shortfall_years": ", ".join(
                    nc.academic_year_label(y) for y in sorted(short[nc.YEAR].unique())
                ),
                "first_met": int(short[nc.YEAR].max() + 1) if len(short) else int(years.min()),
                "objective": r.objective,
            }
        )
    return pd.DataFrame(rows)


def _words(identifier) -> str:
    """An option kind or route as words: ``"bulge_class"`` -> ``"bulge class"``."""
    return str(identifier).replace("_", " ")


def explain_appraisal(ap: pd.DataFrame, result: AllocationResult, area: str, phase: str) -> str:
    """One paragraph: what the plan chose in the area and how the alternatives compare."""
    if ap.empty:
        return "no demand or options."
    plan = result.plan
    p = plan.loc[(plan[nc.AREA] == area) & (plan[nc.PHASE] == phase)]

    def partners(r) -> str:
        """ ", built with ... in ... (GBP ...) as scheme 'x'" for a scheme's option: the
        appraisal below sees this area alone, without the rest of the scheme."""
        sc = getattr(r, "scheme", "")
        if not sc:
            return ""
        rest = plan[
            (plan["scheme"] == sc)
            & (plan[nc.YEAR] == r.year)
            & ~((plan[nc.AREA] == area) & (plan[nc.PHASE] == phase))
        ]
        return (
            "; built with "
            + ", ".join(
                f"{q.places:,.0f} {q.phase} places in {q.area} (GBP {q.cost:,.0f})"
                for q in rest.itertuples()
            )
            + f" as scheme {sc!r}, which the routes below, of this area alone, leave out"
        )

    chosen = (
        "; ".join(
            f"{build_words(r.kind, getattr(r, 'modules', 1))} "
            f"{opening(r.places, r.year, getattr(r, 'fill_years', 0))} (GBP {r.cost:,.0f}"
            f"{partners(r)})"
            for r in p.itertuples()
        )
        or "no new places"
    )
    best = ap.sort_values("objective").iloc[0]
    alts = "; ".join(
        f"{_words(r.strategy)}: builds {_words(r.kinds)}, GBP {r.cost:,.0f}, {r.places:,.0f} places, shortfall "
        f"{r.shortfall_place_years:,.0f} place-years"
        + (f" ({r.shortfall_years})" if r.shortfall_years else "")
        for r in ap.itertuples()
    )
    return (
        f"chooses {chosen}. Cheapest route for the area alone (no budget limit): "
        f"{_words(best.strategy)}. Routes compared (area alone, no budget limit; each allows the "
        f"kinds named, the optimiser builds what is cheapest): {alts}."
    )


def budget_sensitivity(
    demand,
    capacity,
    options,
    settings: PlanSettings,
    budgets: Sequence[float],
    area: str | None = None,
    phase: str | None = None,
) -> pd.DataFrame:
    """Re-plan under each total budget [GBP]; optionally for one area and phase only.

    Returns
    -------
    DataFrame
        ``budget, cost, places, shortfall_place_years, chosen`` (chosen = kinds and years).
    """
    d, o, cap = demand, options, capacity
    if area is not None:
        d = d.loc[(d[nc.AREA] == area) & ((d[nc.PHASE] == phase) if phase else True)]
        o = o.loc[(o[nc.AREA] == area) & ((o[nc.PHASE] == phase) if phase else True)].reset_index(
            drop=True
        )
        cap = cap.loc[cap[nc.AREA].astype(str) == area]
    rows = []
    for b in budgets:
        r = solve_allocation(
            d, cap, o, replace(settings, total_budget=float(b), annual_budget=None, duals=False)
        )
        chosen = (
            "; ".join(
                f"{k.kind} {k.places:,.0f} ({nc.academic_year_label(k.year)})"
                for k in r.plan.itertuples()
            )
            or "nothing"
        )
        rows.append(
            {
                "budget": float(b),
                "cost": r.total_cost,
                "places": float(r.plan["places"].sum()) if len(r.plan) else 0.0,
                "shortfall_place_years": r.total_shortfall,
                "chosen": chosen,
            }
        )
    return pd.DataFrame(rows)
