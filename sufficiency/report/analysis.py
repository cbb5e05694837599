"""Figures the report derives from its tables: data, not words.

The position of a phase in a year, tier changes, places the plan leaves short, the special
school and early years positions. :mod:`sufficiency.report.text` turns them into sentences;
:class:`~sufficiency.report.build.ReportData` caches those that several sections state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import nomenclature as nc
from ..capacity import CAPACITY_BEHIND_TOLERANCE
from ..optimise.data import COUNTED_SHORT_MIN, left_short
from ..optimise.results import lasting_and_temporary as _plan_split
from ..send import central_scenario

if TYPE_CHECKING:  # pragma: no cover
    from .build import ReportData

__all__ = [
    "position_at",
    "old_capacity_year",
    "capacity_behind",
    "capacity_behind_areas",
    "approval_withheld",
    "council_spare_where_short",
    "key_decision_withheld",
    "spare_beside_new_schools",
    "tier_changes",
    "central_scenario",
    "cells_before_after",
    "residual_shortfall",
    "bulge_lapse",
    "lapsing_kinds",
    "is_short",
    "mainstream_left_short",
    "send_totals",
    "early_years_totals",
    "place_positions",
    "published_comparison",
    "published_latest",
    "published_value",
    "temporary_masks",
    "after_the_peak",
    "central_after_plan",
    "place_years",
    "area_moves",
    "intake_short",
    "lasting_and_temporary",
]


def position_at(
    sufficiency: pd.DataFrame, phase: str, year: int, exclude=frozenset()
) -> dict | None:
    """Authority position of one phase of places in one year, summed over planning areas.

    Parameters
    ----------
    sufficiency : DataFrame
        ``SufficiencyResult.to_frame()``: ``area, phase, year, demand, capacity, shortfall,
        rag`` [places].
    phase : str
        Phase of places (``"primary"`` or ``"secondary"``).
    year : int
        Academic year [start year].
    exclude : collection of str
        Areas not planned for (:attr:`ReportData.intake_areas`: the school sets its own
        intake): their pupils and places count in ``demand`` and ``capacity``, but they are
        left out of ``shortfall`` and ``red_areas`` and counted in ``unplanned_short``.

    Returns
    -------
    dict or None
        ``demand, capacity, surplus, surplus_pct, shortfall, red_areas, areas,
        unplanned_short`` where ``shortfall`` is the **sum of area shortfalls** (places are
        never offset between areas) of the ``red`` areas (short by more than the rating's
        tolerance, :func:`is_short`), or None if the year is not in the table.
    """
    rows = sufficiency[(sufficiency[nc.PHASE] == phase) & (sufficiency[nc.YEAR] == year)]
    if rows.empty:
        return None
    demand = float(rows["demand"].sum())
    cap = float(rows["capacity"].sum())
    out = rows[rows[nc.AREA].astype(str).isin(set(exclude))]
    planned = rows.drop(index=out.index)
    red = planned["rag"] == "red"
    return {
        "year": int(year),
        "demand": demand,
        "capacity": cap,
        "surplus": cap - demand,
        "surplus_pct": (cap - demand) / demand if demand > 0 else float("nan"),
        # the red areas' places and no others (residues under the red rating's tolerance,
        # is_short): three areas each 0.4 short read "0 areas short, needing 1 place"
        "shortfall": float(planned.loc[red, "shortfall"].sum()),
        "red_areas": int(red.sum()),
        "areas": int(len(rows)),
        "unplanned_short": int((out["rag"] == "red").sum()),
    }


def old_capacity_year(data: ReportData) -> int | None:
    """Academic year of the capacity data (the latest, if several) when it is more than two
    years before the base year (the report then says so), else None."""
    s = data.schools
    if s is None or s.empty or nc.YEAR not in s:
        return None
    y = pd.to_numeric(s[nc.YEAR], errors="coerce").dropna()
    if not len(y) or int(y.max()) >= data.meta["base_year"] - 2:
        return None
    return int(y.max())


#: the same for one planning area, wider: a few schools can run a little over their net
#: capacity, and derived area pupils carry the apportionment's error
AREA_BEHIND_TOLERANCE = 0.05


def capacity_behind(data: ReportData) -> list[dict]:
    """Phases whose pupils in the base year (observed, or derived from observed authority
    totals) exceed the capacity data's places by more than
    :data:`CAPACITY_BEHIND_TOLERANCE`: the capacity is out of date (places added since the
    file), and a plan against it overstates the need. Each: ``phase, year, pupils, places``
    (authority totals)."""
    suff = data.sufficiency
    if suff is None or suff.empty:
        return []
    year = int(data.meta["base_year"])
    out = []
    for phase in ("primary", "secondary"):
        pos = position_at(suff, phase, year)
        if (
            pos is not None
            and pos["capacity"] > 0
            and (pos["demand"] > pos["capacity"] * (1 + CAPACITY_BEHIND_TOLERANCE))
        ):
            out.append(
                {"phase": phase, "year": year, "pupils": pos["demand"], "places": pos["capacity"]}
            )
    return out


def capacity_behind_areas(data: ReportData) -> list[dict]:
    """Planning areas whose pupils in the base year already exceed their places on record by
    more than :data:`AREA_BEHIND_TOLERANCE`, in a phase not behind as a whole (a Walsall
    trial: one secondary area 7,102 pupils against 6,326 places in 2022/23, while the phase
    as a whole was not behind): its capacity, or with derived history its apportioned
    pupils, is out of date there, and its shortfalls are overstated. Each: ``area, name,
    phase, year, pupils, places, cost`` (of the recommended plan's projects there [GBP]),
    largest excess first."""
    suff = data.sufficiency
    if suff is None or suff.empty:
        return []
    year = int(data.meta["base_year"])
    whole = {b["phase"] for b in data.capacity_behind}
    rows = suff[
        (suff[nc.YEAR] == year)
        & suff[nc.PHASE].isin(["primary", "secondary"])
        & ~suff[nc.PHASE].isin(list(whole))
    ]
    rows = rows[
        (rows["capacity"] > 0) & (rows["demand"] > rows["capacity"] * (1 + AREA_BEHIND_TOLERANCE))
    ]
    plan = data.plan
    out = []
    for r in (
        rows.assign(excess=rows["demand"] - rows["capacity"])
        .sort_values("excess", ascending=False)
        .itertuples(index=False)
    ):
        cost = (
            float(
                plan.loc[
                    (plan[nc.AREA].astype(str) == str(r.area)) & (plan[nc.PHASE] == r.phase), "cost"
                ].sum()
            )
            if plan is not None and len(plan)
            else 0.0
        )
        out.append(
            {
                "area": str(r.area),
                "name": data.area_name(r.area),
                "phase": r.phase,
                "year": year,
                "pupils": float(r.demand),
                "places": float(r.capacity),
                "cost": cost,
            }
        )
    return out


#: the programme is only noted, not recommended for approval, when more than this share of
#: its cost lies in :func:`capacity_behind_areas` (a Coventry trial: GBP 112.2m of GBP 118.2m
#: in areas whose pupils already exceeded their places on record, approved in principle)
BEHIND_AREAS_COST_SHARE = 0.5


def council_spare_where_short(data: ReportData) -> list[dict]:
    """Phases that this report counts short as a whole (all their pupils above all their
    places, no margin) in the newest year of the Council's own return (its DfE school places
    scorecard), while that return reports more of the phase's places unfilled that year than
    the margin: the two cannot both hold, and the Council's count is of that year's schools,
    so the places on record here are out of date (a Stoke-on-Trent trial: 557 secondary
    pupils more than places in 2024/25 on the 2014/15 capacity, against the Council's 16,924
    places, 9.2% unfilled; its whole programme was for those places). Each: ``phase, year,
    pupils, places`` (this report's totals), ``council_places, council_unfilled`` (share of
    places), ``forecast`` (whether this report's pupils that year are forecast), ``cost`` (of the recommended plan's projects in the phase [GBP]). Phase totals,
    so not an offset between areas: a phase short as a whole is short somewhere."""
    cur = published_latest(data)
    suff = data.sufficiency
    if cur is None or suff is None or suff.empty:
        return []
    year = int(cur[nc.YEAR].iloc[0])
    margin = float(data.meta.get("margin", 0.0))
    plan = data.plan
    behind = {b["phase"] for b in data.capacity_behind}  # said already, from the census
    out = []
    for phase in ("primary", "secondary"):
        if phase in behind:
            continue
        pos = position_at(suff, phase, year)
        unfilled = published_value(cur, "unfilled_pct", phase)
        places = published_value(cur, "capacity", phase)
        if (
            pos is None
            or not pos["demand"] > pos["capacity"]
            or not np.isfinite(unfilled)
            or not unfilled > margin
        ):
            continue
        cost = (
            float(plan.loc[plan[nc.PHASE] == phase, "cost"].sum())
            if plan is not None and len(plan) and nc.PHASE in plan
            else 0.0
        )
        out.append(
            {
                "phase": phase,
                "year": year,
                "pupils": float(pos["demand"]),
                "places": float(pos["capacity"]),
                "council_places": places,
                "council_unfilled": float(unfilled),
                "cost": cost,
                "forecast": year > int(data.meta["base_year"]),
            }
        )
    return out


def approval_withheld(data: ReportData) -> str | None:
    """Why the recommended programme is only noted as indicative, not recommended for
    approval: ``"phase"`` when a phase's pupils in the base year already exceed its places on
    record (:func:`capacity_behind`), ``"areas"`` when more than
    :data:`BEHIND_AREAS_COST_SHARE` of its cost lies in :func:`capacity_behind_areas`,
    ``"council"`` when more than that share lies in phases the Council's own return shows
    with spare places in a year this report counts them short as a whole
    (:func:`council_spare_where_short`); None when it can be recommended (or there is no
    plan)."""
    plan = data.plan
    if plan is None or plan.empty:
        return None
    if data.capacity_behind:
        return "phase"
    total = float(plan["cost"].sum())
    behind = sum(d["cost"] for d in data.capacity_behind_areas)
    if total > 0 and behind > BEHIND_AREAS_COST_SHARE * total:
        return "areas"
    council = sum(d["cost"] for d in data.council_spare_where_short)
    if total > 0 and council > BEHIND_AREAS_COST_SHARE * total:
        return "council"
    return None


def key_decision_withheld(data: ReportData) -> bool:
    """Whether the key decision is only noted, not agreed, until current capacity is
    confirmed: when a phase's pupils already exceed its places (:func:`capacity_behind`, which
    withholds the whole programme), or when its own area and phase are among
    :func:`capacity_behind_areas` (a Coventry trial: agreed in principle there). A key
    decision in an area not in doubt can be agreed while the rest of the programme is only
    noted for that reason."""
    if data.approval_withheld == "phase":
        return True
    k = data.key_decision
    if k is None:
        return False
    if data.approval_withheld == "council" and any(
        d["phase"] == k.get("phase") for d in data.council_spare_where_short
    ):
        return True
    return any(
        str(d["area"]) == str(k.get("area")) and d["phase"] == k.get("phase")
        for d in data.capacity_behind_areas
    )


#: a new school is set against spare places elsewhere when these cover this share of it
SPARE_ELSEWHERE_SHARE = 0.5


def spare_beside_new_schools(data: ReportData) -> list[dict]:
    """New mainstream schools of the recommended plan that open while the authority's other
    planning areas of their phase have, net, spare places beyond the margin that year after
    the plan (their spare less their places still short, on the plan's own demand) of at
    least :data:`SPARE_ELSEWHERE_SHARE` of the school's places (a Walsall trial: a GBP 26.3m
    new secondary school beside an area 24.6% surplus). None when the model gives
    ``[[plan.adjacency]]``: the plan has then weighed moving pupils against the school.
    Each: ``area, name, phase, year, places, cost, spare`` (net), ``where`` [(name, spare
    places)] (areas with spare, largest first)."""
    plan, ba = data.plan, data.before_after
    if (
        plan is None
        or plan.empty
        or ba is None
        or ba.empty
        or "kind" not in plan
        or data.meta.get("adjacency")
        or not {"capacity_after", "required", "shortfall_after"} <= set(ba.columns)
    ):
        return []
    out = []
    schools = plan[(plan["kind"] == "new_school") & plan[nc.PHASE].isin(["primary", "secondary"])]
    for (area, phase), g in schools.groupby([nc.AREA, nc.PHASE], sort=True):
        year = int(g[nc.YEAR].min())
        rows = ba[
            (ba[nc.PHASE] == phase) & (ba[nc.YEAR] == year) & (ba[nc.AREA].astype(str) != str(area))
        ]
        spare = (rows["capacity_after"] - rows["required"]).clip(lower=0)
        net = float(spare.sum() - rows["shortfall_after"].clip(lower=0).sum())
        places = float(g["places"].sum())
        if net < SPARE_ELSEWHERE_SHARE * places:
            continue
        top = rows.assign(spare=spare.to_numpy()).sort_values("spare", ascending=False)
        where = [
            (data.area_name(r.area), float(r.spare))
            for r in top.itertuples(index=False)
            if r.spare >= 0.5
        ]
        out.append(
            {
                "area": str(area),
                "name": data.area_name(area),
                "phase": phase,
                "year": year,
                "places": places,
                "cost": float(g["cost"].sum()),
                "spare": net,
                "where": where,
                "spare_total": float(spare.sum()),
            }
        )
    return out


def tier_changes(data: ReportData) -> list[dict]:
    """Secondary areas whose tier structure changes (Pershore: Year 7 at the high school from
    September 2027) and whose middle schools hold Year 7-8 places: ``area, name, year``,
    ``middle`` (those places), ``schools``, ``without`` (the area's places without them) and
    ``short`` (places short with the margin from the change on without them, at most)."""
    out = []
    s, suff = data.schools, data.sufficiency
    if s is None or s.empty or "ncy_max" not in s or "tier_change_year" not in data.areas:
        return out
    for r in data.areas.itertuples(index=False):
        if pd.isna(r.tier_change_year):
            continue
        mine = s[(s[nc.AREA] == r.area) & (s[nc.PHASE] == "secondary")]
        mid = mine[mine["ncy_max"] <= 8]
        if mid.empty:
            continue
        y = int(r.tier_change_year)
        without = float(mine[nc.CAPACITY].sum() - mid[nc.CAPACITY].sum())
        short = 0.0
        if suff is not None and not suff.empty:
            rows = suff[(suff[nc.AREA] == r.area) & (suff[nc.YEAR] >= y)]
            if len(rows):
                short = float(np.maximum(0.0, rows["required"] - without).max())
        out.append(
            {
                "area": r.area,
                "name": r.name,
                "year": y,
                "middle": float(mid[nc.CAPACITY].sum()),
                "schools": sorted(dict.fromkeys(mid["school_name"].astype(str)))
                if "school_name" in mid
                else [],
                "without": without,
                "short": short,
            }
        )
    return out


def cells_before_after(data: ReportData, phase: str) -> pd.DataFrame | None:
    """The plan's before/after cells of one phase of places (``AllocationResult.before_after()``:
    one scenario, one row per area and year), or None when the plan did not cover it. Areas
    whose school sets its own intake (:attr:`ReportData.intake_areas`) are left out: the
    plan does not plan for them."""
    ba = data.before_after
    if ba is None or ba.empty or not (ba[nc.PHASE] == phase).any():
        return None
    rows = ba[ba[nc.PHASE] == phase]
    skip = getattr(data, "intake_areas", None)
    if skip:
        rows = rows[~rows[nc.AREA].astype(str).isin(skip)]
    return rows


def residual_shortfall(data: ReportData, phase: str) -> pd.DataFrame | None:
    """Places short of the margin before and after the plan, summed over planning areas, by
    year, for one phase of places (``primary``, ``special``, ``early_years``, ...); None when
    the plan did not cover that phase."""
    b = cells_before_after(data, phase)
    if b is None:
        return None
    return (
        b.groupby(nc.YEAR, sort=True)[["shortfall_before", "shortfall_after", "added"]]
        .sum()
        .reset_index()
    )


def _live_temporary(data: ReportData) -> tuple[pd.DataFrame, int] | None:
    """``(rows, last year)``: the plan's temporary mainstream builds (``duration`` > 0) still
    in use in its last year, or None without a plan."""
    plan, ba = data.plan, data.before_after
    if plan is None or plan.empty or ba is None or ba.empty or "duration" not in plan:
        return None
    last = int(ba[nc.YEAR].max())
    temp = plan[(plan["duration"].fillna(0) > 0) & plan[nc.PHASE].isin(["primary", "secondary"])]
    return temp[temp[nc.YEAR] + temp["duration"] > last], last


def lapsing_kinds(data: ReportData) -> set[str]:
    """Kinds of the temporary options (``duration`` > 0) still in use in the plan's last year
    (``bulge_class``, ``temporary_expansion`` for interim places, ...)."""
    got = _live_temporary(data)
    if got is None:
        return set()
    live = got[0]
    return set(live["kind"]) if "kind" in live else {"bulge_class"}


def bulge_lapse(data: ReportData) -> list[tuple[str, float]]:
    """Mainstream areas that the plan keeps sufficient in its last year only with bulge classes
    (or other temporary places) that end after it: (area name, places short at that year's
    demand once they end), largest first."""
    got = _live_temporary(data)
    ba = data.before_after
    if got is None or got[0].empty or "capacity_after" not in ba:
        return []
    live, last = got
    ending = live.groupby([nc.AREA, nc.PHASE])["places"].sum()
    found = []
    for (area, phase), places in ending.items():
        b = ba[(ba[nc.AREA] == area) & (ba[nc.PHASE] == phase) & (ba[nc.YEAR] == last)]
        if b.empty:
            continue
        short = float((b["required"] - (b["capacity_after"] - places)).max())
        if short >= 0.5:
            found.append((data.area_name(area), phase, short))
    # a primary and a secondary area of one name (Rubery) are told apart by their phase
    names = [n for n, _, _ in found]
    out = [(f"{n} {p}" if names.count(n) > 1 else n, v) for n, p, v in found]
    return sorted(out, key=lambda x: -x[1])


def lapse_years(data: ReportData) -> tuple[int, int] | None:
    """First and last academic years without the temporary mainstream places that are still
    in use in the plan's last year (the years they end), or None."""
    got = _live_temporary(data)
    if got is None or got[0].empty:
        return None
    ends = (got[0][nc.YEAR] + got[0]["duration"]).astype(int)
    return int(ends.min()), int(ends.max())


def _first_permanent(data: ReportData, areas: list, phase: str, year: int) -> int | None:
    """Earliest year any permanent option (no ``duration``) of ``areas`` can open, if that is
    after ``year`` in every one of them (else None: lead times do not explain the gap)."""
    o = data.options
    if o is None or o.empty or "earliest_year" not in o:
        return None
    perm = o[(o[nc.PHASE] == phase) & (o["duration"].fillna(0) == 0 if "duration" in o else True)]
    first = perm.groupby(perm[nc.AREA].astype(str))["earliest_year"].min()
    got = first.reindex([str(a) for a in areas])
    if got.isna().any() or not (got > year).all():
        return None
    return int(got.min())


#: an area's places short after the plan that count as short: a residue under half a place
#: (the optimiser's default tolerance, or rounding) is none
LEFT_SHORT_MIN = COUNTED_SHORT_MIN


def left_short_min(data: ReportData) -> float:
    """Places short after the plan at or under which an area and year is not short: the
    plan's ``[plan] shortfall_tolerance``, or :data:`LEFT_SHORT_MIN` when that is smaller
    (``PlanSettings.counted_short``). A Warwickshire trial's scenario with a tolerance of 15
    places had the report count the places the plan tolerated as left short."""
    return max(LEFT_SHORT_MIN, shortfall_tolerance(data))


def shortfall_tolerance(data: ReportData) -> float:
    """The plan's ``[plan] shortfall_tolerance`` [places] (:data:`LEFT_SHORT_MIN` when the
    report does not say)."""
    meta = getattr(data, "meta", None) or {}
    return float(meta.get("shortfall_tolerance", LEFT_SHORT_MIN))


def is_short(rows: pd.DataFrame) -> pd.Series:
    """Which rows of the sufficiency table (``shortfall``: places short of the margin before
    any new places) count as short [bool]: more than :data:`LEFT_SHORT_MIN` (half a place),
    the rule of its ``red`` rating (``assess_sufficiency``'s tolerance) and of the plan's
    summary; a Staffordshire trial's area 0.005 places short was rated red and read "0 places
    short with the 2% margin". The plan's ``shortfall_tolerance`` is not applied: it says
    what the plan leaves unbuilt (:func:`is_left_short`), not what is short before it."""
    return rows["shortfall"] > LEFT_SHORT_MIN


def is_left_short(data: ReportData, cells: pd.DataFrame) -> pd.Series:
    """Which rows of ``cells`` (:func:`cells_before_after`) count as short after the plan, as
    the plan's summary counts them (:func:`~sufficiency.optimise.data.left_short`) [bool]."""
    return left_short(cells, shortfall_tolerance(data))


def left_short_by_year(cells: pd.DataFrame, tolerance: float = LEFT_SHORT_MIN) -> pd.Series:
    """Places the plan leaves short by year, summed over the areas of ``cells``
    (:func:`cells_before_after`) that count as short with the plan's shortfall ``tolerance``
    (:func:`~sufficiency.optimise.data.left_short`, :func:`shortfall_tolerance`); 0 in a plan
    year with none."""
    short = cells["shortfall_after"].where(left_short(cells, tolerance), 0.0)
    return short.groupby(cells[nc.YEAR], sort=True).sum()


def mainstream_left_short(data: ReportData) -> list[dict]:
    """Mainstream places the recommended plan leaves short, one dict per phase of places that
    has any: ``phase``, ``years`` (each year still short with its total), the worst ``year``
    and its ``total``, ``areas`` (name, places short) largest first, ``codes`` (those areas'
    codes) and ``lead`` (the earliest year permanent places can open in every one of them, when
    that is after ``year``, else None). :attr:`ReportData.mainstream_left_short` adds ``why``
    (:func:`~sufficiency.report.text.left_short_why`)."""
    out = []
    for phase in ("primary", "secondary"):
        b = cells_before_after(data, phase)
        if b is None:
            continue
        tolerance = shortfall_tolerance(data)
        short = b[left_short(b, tolerance)]
        if short.empty:
            continue
        by_year = left_short_by_year(b, tolerance)
        by_year = by_year[by_year > 0]  # the years still short
        worst = int(by_year.idxmax())
        rows = short[short[nc.YEAR] == worst].sort_values(
            "shortfall_after", ascending=False, kind="stable"
        )
        out.append(
            {
                "phase": phase,
                "years": [(int(y), float(v)) for y, v in by_year.items()],
                "year": worst,
                "total": float(by_year[worst]),
                # unrounded, as every other copy of these figures: each is rounded where printed
                # (so the areas' rounded figures need not add up to the rounded total)
                "areas": [
                    (data.area_name(a), float(v))
                    for a, v in zip(rows[nc.AREA], rows["shortfall_after"])
                ],
                "codes": list(rows[nc.AREA]),
                "lead": _first_permanent(data, list(rows[nc.AREA]), phase, worst),
            }
        )
    return out


def send_totals(data: ReportData):
    """``(central scenario, its rows, kind by year, latest observed year, last year, totals by
    year)`` of the SEND result, or None (:func:`sufficiency.send.totals_by_year`, which the
    plan summary uses too)."""
    from ..send import totals_by_year

    return totals_by_year(data.send, data.send_scenario)


def early_years_totals(data: ReportData):
    """``(rows from the base year, first year, last year, totals by year and age, totals by
    year)`` of the early years result, or None (:func:`sufficiency.early_years.totals_by_year`,
    which the plan summary uses too)."""
    from ..early_years import totals_by_year

    return totals_by_year(data.early_years, data.meta["base_year"])


def _plan_last_year(res: pd.DataFrame | None) -> dict | None:
    """The plan's last year in ``res`` (:func:`residual_shortfall` of a phase): ``year``,
    places short with the margin ``before`` and ``after`` it, places ``added``; None when the
    plan did not cover the phase."""
    if res is None or res.empty:
        return None
    r = res.iloc[-1]
    return {
        "year": int(r[nc.YEAR]),
        "before": float(r["shortfall_before"]),
        "after": float(r["shortfall_after"]),
        "added": float(r["added"]),
    }


def place_positions(data: ReportData) -> list[dict]:
    """Special school and early years places as the report states them, one dict each
    (``send`` first): ``key``, ``phase`` (of places in the plan), ``scenario`` (SEND only),
    ``first`` / ``last`` year, ``places_first``, ``places_last`` and its 80% ``lower`` /
    ``upper``, ``cap`` (``"capacity"`` or ``"supply"``) and its value ``capacity`` (NaN if
    unknown), ``shortfall`` in the last year, ``plan`` = :func:`_plan_last_year` (None when the
    plan did not cover them), ``left`` = (places the recommended plan still leaves short,
    the plan's last year) or None, and ``places_plan`` / ``shortfall_plan``: places needed and
    the shortfall by group (no margin) in the plan's last year (NaN without a plan),
    ``capacity_plan`` the capacity (supply) that year, and
    ``worst_after`` = (the most the plan leaves short in any of its years, that year) or None,
    and ``before_plan`` = (places short by group, no margin, in the year before the plan's
    first, that year) when some are and the plan starts later than the year after the data,
    else None: the plan cannot act on that year."""
    out = []
    t = send_totals(data)
    if t is not None:
        central, _, _, first, last, tot = t
        out.append(
            {
                "key": "send",
                "phase": "special",
                "scenario": central,
                "first": first,
                "last": last,
                "tot": tot,
                "cap": "capacity",
            }
        )
    t = early_years_totals(data)
    if t is not None:
        _, first, last, _, tot = t
        out.append(
            {
                "key": "early_years",
                "phase": "early_years",
                "scenario": None,
                "first": first,
                "last": last,
                "tot": tot,
                "cap": "supply",
            }
        )
    for d in out:
        tot, last = d.pop("tot"), d["last"]
        res = residual_shortfall(data, d["phase"])
        span = tot.loc[d["first"] : last, "places"]
        d.update(
            places_first=float(tot.loc[d["first"], "places"]),
            places_last=float(tot.loc[last, "places"]),
            lower=float(tot.loc[last, "lower"]),
            peak=(int(span.idxmax()), float(span.max())),
            upper=float(tot.loc[last, "upper"]),
            capacity=float(tot.loc[last, d["cap"]]),
            shortfall=float(tot.loc[last, "shortfall"]),
            plan=_plan_last_year(res),
        )
        d["left"] = None if d["plan"] is None else (d["plan"]["after"], d["plan"]["year"])
        # the plan's last year's own figures (central, no margin), so that a sentence quoting
        # the plan's shortfall quotes the places needed in the same year
        py = None if d["plan"] is None else d["plan"]["year"]
        at = tot.loc[py] if py is not None and py in tot.index else None
        d["places_plan"] = np.nan if at is None else float(at["places"])
        d["shortfall_plan"] = np.nan if at is None else float(at["shortfall"])
        d["capacity_plan"] = np.nan if at is None else float(at[d["cap"]])
        # the most the plan leaves short in any of its years (its last year's is "left")
        d["worst_after"] = (
            None
            if d["plan"] is None
            else (
                float(res["shortfall_after"].max()),
                int(res.loc[res["shortfall_after"].idxmax(), nc.YEAR]),
            )
        )
        pf = data.meta.get("plan_first_year")
        yb = None if pf is None else int(pf) - 1
        d["before_plan"] = None
        if (
            d["plan"] is not None
            and yb is not None
            and yb > d["first"]
            and yb in tot.index
            and float(tot.loc[yb, "shortfall"]) >= 0.5
        ):
            d["before_plan"] = (float(tot.loc[yb, "shortfall"]), yb)
    return out


#: the scorecard's phases, as this report's phases of places
_PUBLISHED_PHASES = ("primary", "secondary")


def published_latest(data: ReportData) -> pd.DataFrame | None:
    """The rows of the newest SCAP year of the scorecard's published figures (None without)."""
    pub = data.published
    if pub is None or pub.empty:
        return None
    return pub[pub[nc.YEAR] == pub[nc.YEAR].max()]


def published_value(latest: pd.DataFrame, measure: str, phase: str) -> float:
    """One published figure of :func:`published_latest` (NaN if the scorecard lacks it)."""
    v = latest.loc[(latest["measure"] == measure) & (latest[nc.PHASE] == phase), "value"]
    return float(v.iloc[0]) if len(v) else np.nan


def published_comparison(data: ReportData) -> pd.DataFrame | None:
    """This report's places next to the authority's own in its newest DfE scorecard.

    The scorecard's places needed (``Quan_*_RP``) are the DfE's estimate, from the authority's
    SCAP return, of places still needed three years ahead *after* the places the authority has
    planned (``Quan_*_PP``). The rows compare like with like, all in that year ahead:

    * places planned: the authority's; this report's plan, places opening in or before it;
    * places still needed after those: the DfE's; this report's after its plan;
    * places needed before any new places: the DfE's plus the planned places (an upper
      bound: planned places in areas with room would count too); this report's before its
      plan;
    * places created since 2009/10 (the scorecard only).

    This report's needs are the sum over planning areas of the pupils forecast above the
    places there (central forecast, no margin). Columns ``measure, year, primary,
    primary_council, secondary, secondary_council`` [places] and ``source`` (the scorecard's
    columns). None without the scorecard's figures.

    The scorecard's pupils on roll are not compared: in the years it shares with the census
    (2022/23) its counts differ from the January census by -2% to +4% by authority, so they
    are taken on another basis.
    """
    cur = published_latest(data)
    if cur is None:
        return None
    latest = int(cur[nc.YEAR].iloc[0])

    def council(measure: str) -> dict:
        return {ph: published_value(cur, measure, ph) for ph in _PUBLISHED_PHASES}

    def column(*measures: str) -> str:
        c = cur.loc[cur["measure"].isin(measures), "column"]
        return ", ".join(dict.fromkeys(c.astype(str))) if len(c) else ""

    def above(frame: pd.DataFrame | None, places: str) -> dict:
        """Sum over planning areas of demand above ``places`` in the year ahead, by phase."""
        out = {}
        if frame is not None and not frame.empty:
            at = frame[frame[nc.YEAR] == ahead]
            for ph in _PUBLISHED_PHASES:
                r = at[at[nc.PHASE] == ph]
                if len(r):
                    out[ph] = float(np.maximum(0.0, r["demand"] - r[places]).sum())
        return out

    ahead = cur.loc[cur["measure"].isin(["places_needed", "places_planned"]), "refers_to"]
    ahead = int(ahead.max()) if len(ahead) else latest + 3
    planned = {}
    p = data.plan
    if p is not None:
        for ph in _PUBLISHED_PHASES:
            planned[ph] = float(p.loc[(p[nc.PHASE] == ph) & (p[nc.YEAR] <= ahead), "places"].sum())
    still, plans = council("places_needed"), council("places_planned")
    rows = [
        ("places planned to open by then", ahead, planned, plans, column("places_planned")),
        (
            "places still needed after those planned",
            ahead,
            above(central_after_plan(data), "capacity_after"),
            still,
            column("places_needed"),
        ),
        (
            "places needed before any new places",
            ahead,
            above(data.sufficiency, "capacity"),
            {ph: still[ph] + plans[ph] for ph in _PUBLISHED_PHASES},
            column("places_needed", "places_planned"),
        ),
        (
            "places created since 2009/10",
            latest,
            {},
            council("places_created"),
            column("places_created"),
        ),
    ]
    out = pd.DataFrame(
        [
            {
                "measure": m,
                nc.YEAR: y,
                **{ph: ours.get(ph, np.nan) for ph in _PUBLISHED_PHASES},
                **{f"{ph}_council": theirs[ph] for ph in _PUBLISHED_PHASES},
                "source": src,
            }
            for m, y, ours, theirs, src in rows
        ]
    )
    return out[
        [
            "measure",
            nc.YEAR,
            "primary",
            "primary_council",
            "secondary",
            "secondary_council",
            "source",
        ]
    ]


def temporary_masks(plan: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """``(bulge, other)``: the plan's bulge classes, and its other temporary builds.

    A bulge class is one cohort's places for as long as the cohort stays. Other temporary
    builds are interim places or a temporary expansion, hired for ``duration`` years and
    perhaps again the next year. Their places are counted as place-years
    (``places x duration``), never added to permanent places.
    """
    dur = plan["duration"].fillna(0) if "duration" in plan else pd.Series(0, index=plan.index)
    temporary = dur > 0
    if "kind" in plan:
        bulge = temporary & (plan["kind"].astype(str) == "bulge_class")
    else:
        bulge = temporary
    return bulge, temporary & ~bulge


def central_after_plan(data: ReportData) -> pd.DataFrame | None:
    """``area, phase, year, demand, capacity_after``: the central forecast's demand (the
    sufficiency table) next to the places after the plan (its before/after table, whose own
    demand is the plan's, the 80th percentile under ``--quantile 0.8``)."""
    s, ba = data.sufficiency, data.before_after
    if s is None or s.empty or ba is None or ba.empty or "capacity_after" not in ba:
        return None
    keys = [nc.AREA, nc.PHASE, nc.YEAR]
    after = ba[keys + ["capacity_after"]].drop_duplicates(keys)
    return s[keys + ["demand"]].merge(after, on=keys, how="inner")


def place_years(plan: pd.DataFrame, rows: pd.Series) -> float:
    """Place-years of the plan's ``rows`` (``places x duration``; 0 without a duration)."""
    if "duration" not in plan or not rows.any():
        return 0.0
    return float((plan.loc[rows, "places"] * plan.loc[rows, "duration"].fillna(0)).sum())


def after_the_peak(data: ReportData) -> list[dict]:
    """Permanent mainstream builds (new schools, expansions) that open after their area's
    demand has peaked and leave it above the surplus ceiling in the plan's last year.

    The plan buys them because the shortfall penalty makes every place short cost more than
    any build, even one that opens as the peak ends. A council would weigh interim places
    instead (docs/plan.md, "Interim places"). Demand is the central forecast's, whatever
    the plan was made for. Each entry: ``area, name, phase, kind, year, places, fill_years,
    peak_year, last_year, surplus_pct`` (after the plan, in the last year, as a share of
    pupils).
    """
    plan, ba = data.plan, central_after_plan(data)
    if plan is None or plan.empty or ba is None or ba.empty or "duration" not in plan:
        return []
    ceiling = float(data.meta.get("ceiling", 0.10))
    bulge, other = temporary_masks(plan)
    perm = plan[
        ~bulge
        & ~other
        & plan[nc.PHASE].isin(["primary", "secondary"])
        & plan.get("kind", pd.Series("", index=plan.index)).isin(
            ["new_school", "permanent_expansion"]
        )
    ]
    out = []
    for r in perm.itertuples(index=False):
        b = ba[(ba[nc.AREA] == r.area) & (ba[nc.PHASE] == r.phase)].sort_values(nc.YEAR)
        if b.empty:
            continue
        peak = int(b.loc[b["demand"].idxmax(), nc.YEAR])
        end = b.iloc[-1]
        pct = (
            float((end["capacity_after"] - end["demand"]) / end["demand"])
            if end["demand"] > 0
            else float("nan")
        )
        if int(r.year) > peak and np.isfinite(pct) and pct > ceiling:
            out.append(
                {
                    "area": str(r.area),
                    "name": data.area_name(r.area),
                    "phase": r.phase,
                    "kind": str(r.kind),
                    "year": int(r.year),
                    "places": float(r.places),
                    "fill_years": int(getattr(r, "fill_years", 0) or 0),
                    "peak_year": peak,
                    "last_year": int(end[nc.YEAR]),
                    "surplus_pct": pct,
                }
            )
    return out


def area_moves(data: ReportData, area: str, phase: str) -> dict | None:
    """Pupils the plan places in ``area`` from neighbouring areas, and of its own next door
    (``[[plan.adjacency]]``), or None when it places none either way.

    Returns ``in`` and ``out``: the :func:`~sufficiency.optimise.results.moves_by_area` rows
    of each direction (records: ``other, peak, peak_year, ...``), with ``name`` (the other
    area's name); ``in_peak``, ``in_peak_year``, ``out_peak``, ``out_peak_year``: the most
    pupils placed in (out) in one year over all neighbours, as the before/after table's
    ``moved_in`` (``moved_out``) gives it [pupils]; ``in_years``, ``out_years`` (first, last);
    ``in_pupil_years``, ``out_pupil_years``, ``in_cost``, ``out_cost`` [pupils x years,
    GBP]; ``own_need`` (the most places short with the margin for the area's own pupils, the
    before/after table's ``shortfall_before``) and ``need_with`` (the same with the pupils
    placed in and out) [places] and their years.
    """
    ba = data.before_after
    if ba is None or ba.empty or "moved_in" not in ba:
        return None
    b = ba[(ba[nc.AREA].astype(str) == str(area)) & (ba[nc.PHASE] == phase)].sort_values(nc.YEAR)
    if b.empty or not ((b["moved_in"] > 0) | (b["moved_out"] > 0)).any():
        return None
    moved = data.moves_by_area
    mine = moved[(moved["area"] == str(area)) & (moved["phase"] == phase)]
    out: dict = {}
    for d, col in (("in", "moved_in"), ("out", "moved_out")):
        rows = mine[mine["direction"] == d]
        out[d] = [{**r, "name": data.area_name(r["other"])} for r in rows.to_dict("records")]
        v = b.set_index(nc.YEAR)[col]
        got = v[v > 0]
        out[f"{d}_peak"] = float(v.max())
        out[f"{d}_peak_year"] = int(v.idxmax())
        out[f"{d}_years"] = (int(got.index.min()), int(got.index.max())) if len(got) else None
        out[f"{d}_n"] = int(len(got))
        out[f"{d}_pupil_years"] = float(v.sum())
        out[f"{d}_cost"] = float(rows["cost"].sum())
    need = b["required"] - b["capacity_before"]
    own = b.set_index(nc.YEAR)["shortfall_before"]
    out["own_need"] = float(max(0.0, own.max()))
    out["own_need_year"] = int(own.idxmax())
    with_ = need.to_numpy(float)
    out["need_with"] = float(max(0.0, with_.max()))
    out["need_with_year"] = int(b[nc.YEAR].iloc[int(np.argmax(with_))])
    return out


def intake_short(data: ReportData) -> list[dict]:
    """Planning areas whose school sets its own intake (``intake_from``: a 14-19 academy, a
    UTC) that are short in some forecast year: reported on their pages but not planned for.
    Each: ``area, name, phase, shortfall`` (the most places short with the margin, before
    the plan) and ``year``."""
    suff = data.sufficiency
    codes = data.intake_areas
    if suff is None or suff.empty or not codes:
        return []
    base = int(data.meta["base_year"])
    rows = suff[suff[nc.AREA].astype(str).isin(codes) & (suff[nc.YEAR] > base) & is_short(suff)]
    out = []
    for (a, ph), g in rows.groupby([nc.AREA, nc.PHASE], sort=True):
        top = g.loc[g["shortfall"].idxmax()]
        out.append(
            {
                "area": str(a),
                "name": data.area_name(a),
                "phase": ph,
                "shortfall": float(top["shortfall"]),
                "year": int(top[nc.YEAR]),
            }
        )
    return out


def lasting_and_temporary(data: ReportData) -> dict | None:
    """:func:`~sufficiency.optimise.results.lasting_and_temporary` of the recommended plan,
    each run of bulge classes with its area's ``name``; None without a plan."""
    plan = data.plan
    if plan is None or plan.empty:
        return None
    out = _plan_split(plan)
    out["runs"] = [{**r, "name": data.area_name(r["area"])} for r in out["runs"]]
    return out
