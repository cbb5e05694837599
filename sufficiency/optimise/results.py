"""``AllocationResult``: the chosen plan, before/after tables, costs, binding constraints, duals."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import nomenclature as nc
from .._files import atomic_write
from .._values import joined, plural
from .data import COUNTED_SHORT_MIN

__all__ = [
    "AllocationResult",
    "write_frame_atomic",
    "moves_by_area",
    "MOVES_COLUMNS",
    "MOVES_BY_AREA_COLUMNS",
    "lasting_and_temporary",
    "BULGE_RUN",
]

#: columns of :attr:`AllocationResult.moves`
MOVES_COLUMNS = [
    "scenario",
    "from_area",
    "to_area",
    nc.PHASE,
    nc.YEAR,
    "pupils",
    "cost_per_pupil",
    "cost",
]

#: bulge classes bought in this many consecutive years in one area suggest a lasting need
BULGE_RUN = 3


def lasting_and_temporary(plan: pd.DataFrame, run: int = BULGE_RUN) -> dict:
    """A plan's mainstream (primary and secondary) places split into lasting ones
    (expansions, new schools) and temporary ones (bulge classes), with their costs, and the
    areas that buy bulge classes in ``run`` or more consecutive years.

    Interim places hired for a few years (another temporary ``kind`` with a ``duration``)
    are place-years, counted in neither: they are ``interim_places, interim_cost``, so that the
    three costs add up to the mainstream capital.

    Returns
    -------
    dict
        ``lasting_places, lasting_cost, temporary_places, temporary_cost, interim_places,
        interim_cost`` [places, GBP];
        ``temporary_share`` (of lasting + temporary places, 0 when none), ``mostly_temporary``
        (share > 0.5); ``runs``: per area and phase with a run, its longest (``area, phase,
        first, last, years, places, cost``), largest cost first.
    """
    p = plan[plan[nc.PHASE].isin(["primary", "secondary"])]
    dur = p["duration"].fillna(0)
    bulge = (dur > 0) & (p["kind"].astype(str) == "bulge_class")
    lasting = dur <= 0
    out: dict[str, Any] = {
        "lasting_places": float(p.loc[lasting, "places"].sum()),
        "lasting_cost": float(p.loc[lasting, "cost"].sum()),
        "temporary_places": float(p.loc[bulge, "places"].sum()),
        "temporary_cost": float(p.loc[bulge, "cost"].sum()),
        "interim_places": float(p.loc[(dur > 0) & ~bulge, "places"].sum()),
        "interim_cost": float(p.loc[(dur > 0) & ~bulge, "cost"].sum()),
    }
    both = out["lasting_places"] + out["temporary_places"]
    out["temporary_share"] = out["temporary_places"] / both if both > 0 else 0.0
    out["mostly_temporary"] = bool(out["temporary_share"] > 0.5)
    runs = []
    for (a, ph), g in p[bulge].groupby([nc.AREA, nc.PHASE], sort=True):
        best: list[int] = []
        cur: list[int] = []
        for y in sorted({int(y) for y in g[nc.YEAR]}):
            cur = cur + [y] if cur and y == cur[-1] + 1 else [y]
            if len(cur) > len(best):
                best = cur
        if len(best) >= run:
            inrun = g[g[nc.YEAR].isin(best)]
            runs.append(
                {
                    "area": str(a),
                    "phase": ph,
                    "first": best[0],
                    "last": best[-1],
                    "years": len(best),
                    "places": float(inrun["places"].sum()),
                    "cost": float(inrun["cost"].sum()),
                }
            )
    out["runs"] = sorted(runs, key=lambda r: (-r["cost"], r["area"], r["phase"]))
    return out


#: columns of :func:`moves_by_area`
MOVES_BY_AREA_COLUMNS = [
    "area",
    "phase",
    "direction",
    "other",
    "peak",
    "peak_year",
    "first_year",
    "last_year",
    "years",
    "pupil_years",
    "cost_per_pupil",
    "cost",
]


def moves_by_area(moves: pd.DataFrame | None) -> pd.DataFrame:
    """Pupils placed in a neighbouring area, area by area (one scenario's
    :meth:`AllocationResult.moves_of`).

    One row per area, phase, direction and other area: ``direction`` ``"in"`` (pupils of
    ``other`` placed in ``area``) or ``"out"`` (pupils of ``area`` placed in ``other``);
    ``peak`` the most in one year and ``peak_year`` the first year with it [pupils];
    ``first_year``, ``last_year`` and ``years`` (years with any); ``pupil_years`` the sum
    over the years [pupils x years]; ``cost_per_pupil`` [GBP per pupil per year] and
    ``cost`` the moves' cost over the plan [GBP, undiscounted]. Sorted by area, phase,
    direction (in first) and peak, largest first.
    """
    if moves is None or moves.empty:
        return pd.DataFrame(columns=MOVES_BY_AREA_COLUMNS)
    rows = []
    m = moves.sort_values(nc.YEAR, kind="stable")  # idxmax: the first year with the peak
    for direction, here, there in (("in", "to_area", "from_area"), ("out", "from_area", "to_area")):
        for (a, ph, o), g in m.groupby([here, nc.PHASE, there], sort=True):
            top = g.loc[g["pupils"].idxmax()]
            rows.append(
                {
                    "area": str(a),
                    "phase": ph,
                    "direction": direction,
                    "other": str(o),
                    "peak": float(top["pupils"]),
                    "peak_year": int(top[nc.YEAR]),
                    "first_year": int(g[nc.YEAR].min()),
                    "last_year": int(g[nc.YEAR].max()),
                    "years": int(g[nc.YEAR].nunique()),
                    "pupil_years": float(g["pupils"].sum()),
                    "cost_per_pupil": float(g["cost_per_pupil"].max()),
                    "cost": float(g["cost"].sum()),
                }
            )
    out = pd.DataFrame(rows, columns=MOVES_BY_AREA_COLUMNS)
    out["_d"] = out["direction"].map({"in": 0, "out": 1})
    out = out.sort_values(
        ["area", "phase", "_d", "peak", "other"],
        ascending=[True, True, True, False, True],
        kind="stable",
    )
    return out.drop(columns="_d").reset_index(drop=True)


def write_frame_atomic(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` as CSV to ``path`` atomically (see :mod:`sufficiency._files`).

    Money columns (``cost``, ``budget``, ``*_cost``, ``cost_*``, ``objective``) are written in
    pounds to the penny, in plain digits (``16583000.0``, never ``1.6583e+07``); other numbers
    to 6 significant digits, so that solver noise below that does not change the file."""
    out = frame.copy()
    for c in out.columns:
        if not pd.api.types.is_float_dtype(out[c]):
            continue
        if "cost" in c or "budget" in c or c == "objective":
            out[c] = out[c].round(2)
        else:
            out[c] = out[c].map(lambda v: float(f"{v:.6g}") if pd.notna(v) else v)
    return atomic_write(path, out.to_csv(index=False, lineterminator="\n"))


def opening(places: float, year: int, fill_years: float = 0) -> str:
    """``"150 places from 2028/29"``, or ``"150 places, 30 a year from 2028/29"`` for a build
    that fills one entry year group a year (``fill_years`` > 1)."""
    fill = int(fill_years) if fill_years is not None and np.isfinite(fill_years) else 0
    if fill > 1:
        return (
            f"{places:,.0f} places, {places / fill:,.0f} a year from "
            f"{nc.academic_year_label(int(year))}"
        )
    return f"{places:,.0f} places from {nc.academic_year_label(int(year))}"


def build_words(kind: str, modules: float) -> str:
    """``"bulge class"``, or ``"2 bulge classes,"`` for two classes opened together (the plan
    printed "bulge class 60 places" where the report said "2 bulge classes, 60 places": a
    Telford and Wrekin trial); another kind by its name, as its modules make one project."""
    words = str(kind).replace("_", " ")
    n = int(round(modules)) if modules is not None and np.isfinite(modules) else 1
    if kind == "bulge_class" and n > 1:
        return f"{n} bulge classes,"
    return words


def _whole_years(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its ``year`` column as whole numbers, blank where a row has none (a
    total budget or a module limit over the whole plan), for CSV: a Warwickshire trial's
    binding_constraints.csv read "2027.0"."""
    if nc.YEAR not in frame or not pd.api.types.is_float_dtype(frame[nc.YEAR]):
        return frame
    return frame.assign(**{nc.YEAR: frame[nc.YEAR].round().astype("Int64")})


#: Columns of the plan's CSVs that count places [places]: written as whole numbers when every
#: value is one ("30", not "30.0"; a fractional value, an early years FTE or a school that
#: fills by a fraction a year, keeps the column's decimals).
PLACE_COLUMNS = ("places", "capacity_before", "added", "capacity_after")


def _whole_places(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each column of :data:`PLACE_COLUMNS` whose values are all whole
    numbers (or missing) as integers, for CSV: a Sandwell trial's plan.csv read "30.0"
    places for a bulge class."""
    whole = {}
    for col in PLACE_COLUMNS:
        if col not in frame or not pd.api.types.is_float_dtype(frame[col]):
            continue
        v = frame[col].dropna()
        if np.isfinite(v).all() and (v == v.round()).all():
            whole[col] = frame[col].round().astype("Int64")
    return frame.assign(**whole) if whole else frame


def area_tag(name: str, area: str, phase: str | None = None) -> str:
    """``"Worcester City (8851001) secondary"``: an area as the plan's text names it, its
    name, code and phase, leaving out the code and the phase where the name already says
    them (``sufficiency new`` names areas "Planning area 3300011 (secondary)", which a
    Birmingham trial's plan summary printed as "Planning area 3300011 (secondary) (3300011)
    secondary" on every line). ``phase=None``: name and code only."""
    name, area = str(name), str(area)
    code = "" if re.search(rf"\b{re.escape(area)}\b", name) else f" ({area})"
    # "early years", not the engine's key early_years (a Dudley trial)
    words = None if phase is None else str(phase).replace("_", " ")
    says_phase = words is None or re.search(rf"\b{re.escape(words)}\b", name, flags=re.IGNORECASE)
    return f"{name}{code}" + ("" if says_phase else f" {words}")


@dataclass(frozen=True)
class AllocationResult:
    """The result of one optimisation (see :func:`sufficiency.optimise.solve_allocation`).

    Attributes
    ----------
    plan : DataFrame
        Chosen builds: ``option, area, phase, kind, year, modules, places, cost,
        cost_per_place, duration, fill_years, source`` (places [places] when full, cost [GBP,
        undiscounted]; ``fill_years`` > 0: the places come into use over that many years, see
        ``cells["added"]``).
    cells : DataFrame
        Per scenario, area, phase and year: ``demand, capacity_before, added, moved_out,
        moved_in, capacity_after, required, shortfall_before, shortfall_after, surplus_after,
        surplus_pct_after`` [places].
    marginal : DataFrame
        ``scenario, area, phase, year, marginal_cost``: dual of the minimum-margin constraint
        in the LP relaxation [GBP per extra place required for one year, discounted].
    binding : DataFrame
        ``family, scenario, area, phase, year, option, detail``. ``scenario`` is set for the
        ``sufficiency`` family (a margin met exactly in one scenario's demand) and blank for
        the option and budget families (lead times, module limits, budgets), which bind the
        plan in every scenario alike; ``year`` is blank for a limit over the whole plan.
    options : DataFrame
        The option catalogue considered.
    objective : float
        Solver objective [GBP, discounted capital + penalties].
    status : str
        ``"Optimal"`` when every part of the problem was solved to proven optimality, or
        ``"Feasible (time limit <N> s, optimality not proven)"`` when the solver stopped at
        the time limit with an integer-feasible plan: check it before treating the plan as
        the optimum. Infeasible or unsolved problems raise ``InfeasibleError`` or
        ``SolverError`` instead of returning a result.
    settings : PlanSettings
    provenance : tuple
        Inputs: demand source, capacity source, cost benchmarks, model file.
    decisions : dict
        Key decision -> explanation text: one per area and phase with local options in the
        model (``[[plan.options]]``), each appraised against the alternatives
        (:func:`~sufficiency.optimise.planning.appraise_options`); empty when the model has
        none (the default options alone are not appraised).
    robustness : dict
        When planning for a quantile or several scenarios: cost of the central plan and
        the extra cost of robustness [GBP].
    before_plan : DataFrame or None
        Mainstream places short with the minimum margin in the years after the latest data
        and before the plan's first year: ``area, phase, year, shortfall`` [places].
    before_plan_places : DataFrame or None
        Special school and early years places short in those years, as the report counts
        them (by phase or age group, no margin, SEND's central scenario, summed over areas): ``phase,
        year, shortfall`` [places]; only for phases the plan covers.
    moves : DataFrame or None
        Pupils placed in a neighbouring area (``[[plan.adjacency]]``), one row per scenario,
        move and year with any: ``scenario, from_area, to_area, phase, year, pupils,
        cost_per_pupil, cost`` [pupils, GBP per pupil per year, GBP that year]. Empty without
        adjacency; the ``moved_out`` / ``moved_in`` columns of :attr:`cells` are its sums.
    not_planned : dict
        Areas the plan was not asked to provide places for, code -> why (an area whose school
        sets its own intake, ``intake_from``): :meth:`summary` lists their shortfall apart
        from the shortfall the plan leaves. Their rows stay in :attr:`cells`.
    scenario : str
        For a model that extends another (a scenario), what it is in words: the first line
        of :meth:`summary` (``"models/x.toml extends worcestershire.toml: for comparison, not
        for decision"``); empty for a model of its own.
    capacity_behind : tuple of str
        One line per phase whose pupils in the latest census already exceed the capacity
        data's places by more than the tolerance
        (:func:`~sufficiency.validation.capacity_behind_census`): the capacity is out of date
        and every shortfall the plan meets overstated. :meth:`summary` gives each as a
        warning; empty otherwise.
    """

    plan: pd.DataFrame
    cells: pd.DataFrame
    marginal: pd.DataFrame
    binding: pd.DataFrame
    options: pd.DataFrame
    objective: float
    status: str
    settings: Any
    solver: str
    solve_seconds: float
    provenance: tuple = ()
    decisions: Mapping[str, str] = field(default_factory=dict)
    robustness: Mapping[str, float] = field(default_factory=dict)
    area_names: Mapping[str, str] = field(default_factory=dict)
    before_plan: pd.DataFrame | None = None
    before_plan_places: pd.DataFrame | None = None
    moves: pd.DataFrame | None = None
    not_planned: Mapping[str, str] = field(default_factory=dict)
    scenario: str = ""
    capacity_behind: tuple[str, ...] = ()

    # ------------------------------------------------------------------ tables
    def to_frame(self) -> pd.DataFrame:
        """The chosen options: ``option, area, phase, kind, year, places, cost`` and more."""
        return self.plan.copy()

    def before_after(self, scenario: str | None = None) -> pd.DataFrame:
        """Capacity and shortfall before and after the plan by area, phase and year.

        Columns ``area, phase, year, demand, capacity_before, capacity_after,
        shortfall_before, shortfall_after, surplus_after`` (and the others of :attr:`cells`)
        for ``scenario`` (default: the first, ``central`` or the planned quantile).
        """
        c = self.cells
        s = scenario if scenario is not None else c["scenario"].iloc[0] if len(c) else None
        out = c.loc[c["scenario"] == s].drop(columns="scenario")
        return out.reset_index(drop=True)

    def moves_of(self, scenario: str | None = None) -> pd.DataFrame:
        """:attr:`moves` of one scenario (default: the first, as :meth:`before_after`),
        without the scenario column: ``from_area, to_area, phase, year, pupils,
        cost_per_pupil, cost``."""
        m = self.moves
        cols = MOVES_COLUMNS[1:]  # without "scenario"
        if m is None or m.empty:
            return pd.DataFrame(columns=cols)
        c = self.cells
        s = scenario if scenario is not None else c["scenario"].iloc[0] if len(c) else None
        return m.loc[m["scenario"] == s, cols].reset_index(drop=True)

    def cost_by_year(self) -> pd.DataFrame:
        """Capital committed by opening year: ``year, places, cost`` [places, GBP]."""
        p = self.plan
        if p.empty:
            return pd.DataFrame({nc.YEAR: [], "places": [], "cost": []})
        return p.groupby(nc.YEAR, as_index=False)[["places", "cost"]].sum()

    @property
    def total_cost(self) -> float:
        """Capital cost of the plan [GBP, undiscounted]."""
        return float(self.plan["cost"].sum()) if len(self.plan) else 0.0

    @property
    def total_shortfall(self) -> float:
        """Place-years short of the minimum margin after the plan, worst scenario [places x
        years], counted as the summary counts them (``PlanSettings.left_short``: a residue
        within the shortfall tolerance is none)."""
        c = self.cells
        if c.empty:
            return 0.0
        short = c.loc[self.settings.left_short(c)]
        if short.empty:
            return 0.0
        return float(short.groupby("scenario")["shortfall_after"].sum().max())

    def binding_constraints(self) -> pd.DataFrame:
        """Constraints that hold with equality at the optimum (what limits the plan); see
        :attr:`binding` for the columns (a blank scenario: the constraint holds in every
        scenario)."""
        return self.binding.copy()

    def marginal_costs(self) -> pd.DataFrame:
        """Marginal cost of one more place required, by area, phase and year [GBP]."""
        return self.marginal.copy()

    # ------------------------------------------------------------------ text
    def summary(self, timing: bool = True) -> str:
        """The plan in words: builds, shortfall left, robustness and the key decisions.
        ``timing=False`` leaves out the solve time (for files, which must not change between
        runs with the same inputs)."""
        name = self.area_names
        moves = self.moves_of()
        took = f", {self.solve_seconds:.2f} s" if timing else ""
        phases = sorted(set(self.cells[nc.PHASE])) if len(self.cells) else []
        covers = {"primary", "secondary"} >= set(phases)
        lines = [f"Scenario: {self.scenario}."] if self.scenario else []
        lines += [
            f"Plan ({self.solver}, {self.status}{took}): "
            f"{plural(len(self.plan), 'build')}, "
            f"{self.plan['places'].sum() if len(self.plan) else 0:,.0f} "
            f"places, capital GBP {self.total_cost:,.0f}"
            + (
                " (mainstream places only: add special school and early years demand with "
                "--send / --early-years, or plan(..., send=, early_years=), as the report "
                "does)."
                if covers
                else f" (phases of places: {joined([str(p).replace('_', ' ') for p in phases])})."
            ),
        ]
        if len(self.plan):
            plan = self.plan.assign(
                fill_years=self.plan.get("fill_years", 0),
                scheme=self.plan.get("scheme", ""),
                modules=self.plan.get("modules", 1),
            )
            by = plan.groupby(
                [nc.AREA, nc.PHASE, "kind", nc.YEAR, "fill_years", "scheme"], as_index=False
            )[["places", "cost", "modules"]].sum()
            shown = by.head(25)
            moved = moves_by_area(moves)
            last_of = {(r.area, r.phase): i for i, r in enumerate(shown.itertuples(index=False))}
            for i, r in enumerate(shown.itertuples(index=False)):
                lines.append(
                    f"  {area_tag(name.get(r.area, r.area), r.area, r.phase)}: "
                    f"{build_words(r.kind, r.modules)} "
                    f"{opening(r.places, r.year, r.fill_years)}, GBP {r.cost:,.0f}"
                    + (f" (scheme {r.scheme!r}, built as one project)" if r.scheme else "")
                )
                if last_of[(r.area, r.phase)] == i:
                    # the places bought here may be for a neighbour's pupils (a Staffordshire
                    # trial: 90 bulge places for a 5-place need of the area's own)
                    lines += [f"    {t}" for t in self._moves_lines(moved, r.area, r.phase)]
            if len(by) > 25:
                rest = by.iloc[25:]
                lines.append(
                    f"  ... and {plural(len(rest), 'more build')}, "
                    f"{rest['places'].sum():,.0f} places, GBP {rest['cost'].sum():,.0f} "
                    "(plan.csv)"
                )
        if len(self.plan):
            lines += self._lasting_lines()
        # the plan's places and shortfalls rest on the capacity: validate and the report say
        # when it is older than the census, and so must the plan (a Wolverhampton trial's
        # plan printed GBP 95.4m and 16,224 place-years short against 2014/15 places 12.8%
        # below the 2022/23 secondary census without a word)
        lines += [f"WARNING: {c}." for c in self.capacity_behind]
        if len(moves):
            by_year = moves.groupby(nc.YEAR)[["pupils", "cost"]].sum()
            lines.append(
                f"Pupils placed in a neighbouring area ([[plan.adjacency]]): up to "
                f"{by_year['pupils'].max():,.0f} a year ({nc.academic_year_label(int(by_year['pupils'].idxmax()))}), "
                f"{moves['pupils'].sum():,.0f} pupil-years, cost GBP {moves['cost'].sum():,.0f} "
                "over the plan (revenue, not in the capital above; moves.csv)."
            )
        counted = self.settings.counted_short
        short = self.cells.loc[self.cells["shortfall_after"] > COUNTED_SHORT_MIN]
        # a requirement within a tolerance above half a place: not short ([plan]
        # shortfall_tolerance), said on a line of its own; one above it that the plan could not
        # fill is short, whatever is left (left_short)
        is_short = self.settings.left_short(short)
        tolerated = short.loc[~is_short]
        short = short.loc[is_short]
        # areas the plan was never asked to provide for (a school setting its own intake):
        # listed on their own line, not as shortfall the plan leaves
        outside = short[nc.AREA].astype(str).isin(set(map(str, self.not_planned)))
        unplanned, short = short.loc[outside], short.loc[~outside]
        known = self.options is not None and nc.PHASE in self.options
        offered = set(self.options[nc.PHASE]) if known else set()
        for ph in sorted(set(short[nc.PHASE]) - offered) if known else ():
            where = {"special": "[plan.special]", "early_years": "[plan.early_years]"}.get(
                ph, "[[plan.options]]"
            )
            lines.append(
                f"No options for {str(ph).replace('_', ' ')} places ({where} gives none): "
                "the plan could build "
                f"nothing for them."
            )
        years = sorted(set(self.cells[nc.YEAR])) if len(self.cells) else []
        span = (
            (
                f"{nc.academic_year_label(years[0])}"
                + (f" to {nc.academic_year_label(years[-1])}" if len(years) > 1 else "")
            )
            if years
            else ""
        )
        if short.empty:
            every = "every area planned for" if len(unplanned) else "every area"
            lines.append(
                f"Shortfall left: none (minimum margin met in {every} in every year "
                f"of the plan{', ' + span if span else ''})."
            )
        else:
            total = short["shortfall_after"].sum()
            # listed figures that do not add up to the total only by rounding say so (a
            # Shropshire trial: 133 place-years over 69 + 45 + 18)
            rounded = len(short) <= 8 and round(total) != short["shortfall_after"].round().sum()
            lines.append(
                f"Shortfall left: {total:,.0f} place-years in "
                f"{plural(short[nc.AREA].nunique(), 'area')}"
                + (" (each figure rounded on its own)" if rounded else "")
                + ":"
            )
            for r in (
                short.sort_values("shortfall_after", ascending=False)
                .head(8)
                .itertuples(index=False)
            ):
                why = self._why_short(r.area, r.phase, int(r.year))
                lines.append(
                    f"  {area_tag(name.get(r.area, r.area), r.area, r.phase)} "
                    f"{nc.academic_year_label(r.year)} [{r.scenario}]: {r.shortfall_after:,.0f}"
                    + (f" ({why})" if why else "")
                )
            if len(short) > 8:
                rest = short.sort_values("shortfall_after", ascending=False).iloc[8:]
                lines.append(
                    f"  ... and {plural(len(rest), 'more area-year')}, "
                    f"{rest['shortfall_after'].sum():,.0f} place-years (before_after.csv)"
                )
            b = self.binding
            if b is not None and len(b) and "family" in b:
                for r in b[b["family"] == "budget"].itertuples(index=False):
                    which = (
                        "total capital budget"
                        if pd.isna(r.year)
                        else f"capital budget for {nc.academic_year_label(int(r.year))}"
                    )
                    lines.append(
                        f"The {which} limits the plan: {r.detail} (binding_constraints.csv)."
                    )
        tolerated = tolerated.loc[
            ~tolerated[nc.AREA].astype(str).isin(set(map(str, self.not_planned)))
        ]
        if len(tolerated):
            worst = tolerated.loc[tolerated["shortfall_after"].idxmax()]
            lines.append(
                f"Within the shortfall tolerance of {counted:g} places ([plan] "
                "shortfall_tolerance), not counted as short: "
                f"{tolerated['shortfall_after'].sum():,.0f} place-years in "
                f"{plural(tolerated[nc.AREA].nunique(), 'area')}, at most "
                f"{worst['shortfall_after']:,.0f} places "
                f"({area_tag(name.get(worst[nc.AREA], worst[nc.AREA]), worst[nc.AREA], worst[nc.PHASE])} "
                f"{nc.academic_year_label(int(worst[nc.YEAR]))}; before_after.csv)."
            )
        if len(unplanned):
            peak = unplanned.sort_values(
                "shortfall_after", ascending=False, kind="stable"
            ).drop_duplicates([nc.AREA, nc.PHASE])
            lines.append(
                "Not planned for ("
                + "; ".join(
                    sorted(set(self.not_planned[str(a)] for a in peak[nc.AREA].astype(str)))
                )
                + "): "
                + "; ".join(
                    f"{area_tag(name.get(r.area, r.area), r.area, r.phase)} short up to "
                    f"{r.shortfall_after:,.0f} places ({nc.academic_year_label(r.year)})"
                    for r in peak.itertuples(index=False)
                )
                + ". Not counted in the shortfall left above (before_after.csv)."
            )
        bp = self.before_plan
        bpp = self.before_plan_places
        bpp = bpp if bpp is not None and len(bpp) else None
        if ((bp is not None and len(bp)) or bpp is not None) and years:
            parts = []
            placed = (
                bpp if bpp is not None else pd.DataFrame(columns=[nc.PHASE, nc.YEAR, "shortfall"])
            )
            for y in sorted(set(bp[nc.YEAR] if bp is not None else ()) | set(placed[nc.YEAR])):
                g = bp.loc[bp[nc.YEAR] == y] if bp is not None else bp
                said = (
                    []
                    if g is None
                    else [
                        f"{v['sum']:,.0f} {ph} ({plural(int(v['size']), 'area')})"
                        for ph, v in g.groupby(nc.PHASE)["shortfall"]
                        .agg(["sum", "size"])
                        .iterrows()
                    ]
                )
                # special school and early years places as the report counts them
                # (grouped as the report says: special places by phase, early years by age)
                said += [
                    f"{r.shortfall:,.0f} {str(r.phase).replace('_', ' ')} (by "
                    f"{'phase' if r.phase == 'special' else 'age group'}, no margin)"
                    for r in placed.loc[placed[nc.YEAR] == y].itertuples(index=False)
                ]
                parts.append(f"{nc.academic_year_label(int(y))} " + joined(said))
            lines.append(
                f"Short before the plan's first year ({nc.academic_year_label(years[0])}), "
                "with the minimum margin"
                + (" unless said" if bpp is not None else "")
                + ": "
                + "; ".join(parts)
                + ". The plan cannot act on those years: only places already committed "
                "can meet them."
            )
        if self.robustness:
            r = self.robustness
            lines.append(
                f"Robustness: central plan GBP {r.get('central_cost', 0):,.0f}, this plan GBP "
                f"{r.get('robust_cost', 0):,.0f}, extra GBP {r.get('extra_cost', 0):,.0f}."
            )
        for k, v in self.decisions.items():
            lines.append(f"- {k}: {v}")
        return "\n".join(lines)

    def _lasting_lines(self) -> list[str]:
        """Mainstream places lasting and temporary (:func:`lasting_and_temporary`), and a
        warning when most are temporary or an area buys bulge classes year after year."""
        t = lasting_and_temporary(self.plan)
        if t["lasting_places"] + t["temporary_places"] + t["interim_places"] <= 0:
            return []
        name = self.area_names
        interim = (
            f"; {t['interim_places']:,.0f} interim (hired for a year or a few, not "
            f"counted as places bought), GBP {t['interim_cost']:,.0f}"
            if t["interim_places"] > 0
            else ""
        )
        out = [
            f"Mainstream places: {t['lasting_places']:,.0f} lasting (expansions, new schools), "
            f"GBP {t['lasting_cost']:,.0f}; {t['temporary_places']:,.0f} temporary (bulge "
            f"classes, gone when their cohort leaves), GBP {t['temporary_cost']:,.0f}"
            f"{interim}."
        ]
        if t["mostly_temporary"]:
            out.append(
                f"WARNING: {t['temporary_share']:.0%} of the mainstream places bought are "
                "temporary bulge classes"
                + (" (interim places aside)" if t["interim_places"] > 0 else "")
                + "."
            )
        if t["runs"]:
            out.append(
                f"WARNING: bulge classes bought in {BULGE_RUN} or more consecutive years "
                "(consider a permanent expansion): "
                + "; ".join(
                    f"{area_tag(name.get(r['area'], r['area']), r['area'], r['phase'])} "
                    f"{nc.academic_year_label(r['first'])} to "
                    f"{nc.academic_year_label(r['last'])}, {r['places']:,.0f} places, "
                    f"GBP {r['cost']:,.0f}"
                    for r in t["runs"][:8]
                )
                + (f"; and {plural(len(t['runs']) - 8, 'more area')}" if len(t["runs"]) > 8 else "")
                + "."
            )
        return out

    def _moves_lines(self, moved: pd.DataFrame, area: str, phase: str) -> list[str]:
        """Pupils placed in ``area`` from neighbouring areas and its own placed next door
        (:func:`moves_by_area` rows ``moved``), one line each way; [] without moves."""
        name = self.area_names
        mine = moved[(moved["area"] == str(area)) & (moved["phase"] == phase)]
        out = []
        for direction, lead in (("in", "placed here from"), ("out", "own pupils placed in")):
            g = mine[mine["direction"] == direction]
            if g.empty:
                continue
            parts = [
                f"{area_tag(name.get(r.other, r.other), r.other)} up to {r.peak:,.0f} a year "
                f"({nc.academic_year_label(r.peak_year)})"
                for r in g.itertuples(index=False)
            ]
            out.append(
                f"{lead} {', '.join(parts)}; {g['pupil_years'].sum():,.0f} pupil-years, "
                f"GBP {g['cost'].sum():,.0f}"
            )
        return out

    def _why_short(self, area: str, phase: str, year: int) -> str:
        """What binds in one area, phase and year left short, from :attr:`binding`: options
        at their yearly limit that year, options not open yet, the budget ("bulge class: 2
        a year, the most allowed; other options open from 2028/29"); "" when none is found."""
        b = self.binding
        if b is None or b.empty or "family" not in b:
            return ""
        o = self.options if self.options is not None else pd.DataFrame()
        kind = dict(zip(o["option"], o["kind"])) if {"option", "kind"} <= set(o.columns) else {}
        opens = (
            dict(zip(o["option"], o["earliest_year"]))
            if {"option", "earliest_year"} <= set(o.columns)
            else {}
        )
        # an option's modules are all used from the year the plan builds its last one (its
        # built modules reach max_modules), not from the year it could first open nor its
        # first build (reviews: "all modules used" before the build, or between two builds)
        p = self.plan
        built: dict = {}
        if p is not None and len(p) and {"option", nc.YEAR, "modules"} <= set(p.columns):
            most = dict(zip(o["option"], o["max_modules"])) if "max_modules" in o else {}
            q = p.sort_values([nc.YEAR], kind="stable")
            q = q.assign(done=q.groupby("option")["modules"].cumsum())
            for opt, g in q.groupby("option", sort=False):
                full = g[g["done"] >= most.get(opt, np.inf) - 1e-9]
                built[opt] = int((full if len(full) else g)[nc.YEAR].iloc[0 if len(full) else -1])
        mine = b[(b[nc.AREA].astype(str) == str(area)) & (b[nc.PHASE] == phase)]
        out = []
        for r in mine.itertuples(index=False):
            if r.family != "module_limit":
                continue
            # a yearly limit that year, or all of an option's modules used once it is open
            if (
                int(r.year) == year
                if not pd.isna(r.year)
                else int(built.get(r.option, opens.get(r.option, year))) <= year
            ):
                out.append(f"{str(kind.get(r.option, r.option)).replace('_', ' ')}: {r.detail}")
        later = [
            int(opens[r.option])
            for r in mine.itertuples(index=False)
            if r.family == "lead_time" and r.option in opens and int(opens[r.option]) > year
        ]
        # an option that opens after the plan's last year never helps within it (a Sandwell
        # trial read "other options open from 2040/41" of a plan ending in 2032/33)
        c = self.cells
        last = int(c[nc.YEAR].max()) if c is not None and len(c) and nc.YEAR in c else None
        inside = [y for y in later if last is None or y <= last]
        budget = b[(b["family"] == "budget") & (b[nc.YEAR].isna() | (b[nc.YEAR] == year))]
        money = len(budget) > 0 and self._money_could_help(mine, o, built, area, phase, year)
        if money:
            # an option open that year could have added places but for the budget, so the
            # options opening later are not what binds (a Dudley trial read "other options
            # open from 2030/31" of 2028/29, when an expansion could open in 2028/29)
            inside = later = []
        if inside:
            out.append(f"other options open from {nc.academic_year_label(min(inside))}")
        elif later:
            out.append(
                f"other options open only after the plan's last year "
                f"({nc.academic_year_label(last)}), from {nc.academic_year_label(min(later))}"
            )
        if money:
            out.append("the capital budget limits it")
        return "; ".join(dict.fromkeys(out))

    @staticmethod
    def _money_could_help(
        mine: pd.DataFrame, o: pd.DataFrame, built: dict, area: str, phase: str, year: int
    ) -> bool:
        """Whether more money could have added places in ``area``, ``phase`` and ``year``: an
        option of the area open by then whose modules are not all in place by then and which
        is not at its yearly limit in every year whose purchase would still stand in
        ``year`` (a Coventry trial with a GBP 60m budget read "the capital budget limits it"
        of 2027/28, when two bulge classes a year were the only places that could open, and
        the plan without a budget left the same places short)."""
        need = {"option", nc.AREA, nc.PHASE, "earliest_year"}
        if o is None or not need <= set(o.columns):
            return True  # nothing to tell from: keep the budget's word
        opts = o[(o[nc.AREA].astype(str) == str(area)) & (o[nc.PHASE] == phase)]
        limits = mine[mine["family"] == "module_limit"]
        for r in opts.itertuples(index=False):
            first = int(r.earliest_year)
            if first > year:
                continue  # not open yet
            lim = limits[limits["option"] == r.option]
            if lim[nc.YEAR].isna().any() and built.get(r.option, first) <= year:
                continue  # every module allowed is in place by then
            dur = int(getattr(r, "duration", 0) or 0)
            start = max(first, year - dur + 1) if dur > 0 else first
            at_limit = set(lim[nc.YEAR].dropna().astype(int))
            if all(y in at_limit for y in range(start, year + 1)):
                continue  # bought to its yearly limit in every year that counts
            return True
        return False

    def write(self, directory: str | Path) -> list[Path]:
        """Write every table (CSV) and the summary to ``directory`` atomically."""
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        out = [
            write_frame_atomic(_whole_places(self.to_frame()), d / "plan.csv"),
            write_frame_atomic(_whole_places(self.cells), d / "before_after.csv"),
            write_frame_atomic(_whole_places(self.cost_by_year()), d / "cost_by_year.csv"),
            write_frame_atomic(_whole_years(self.binding), d / "binding_constraints.csv"),
            write_frame_atomic(self.marginal, d / "marginal_costs.csv"),
            write_frame_atomic(_whole_places(self.options), d / "options.csv"),
        ]
        moves = self.moves
        if moves is not None and len(moves):  # only when pupils are placed next door
            out.append(write_frame_atomic(moves, d / "moves.csv"))
        prov = "\n".join(f"- {p}" for p in self.provenance)
        out.append(
            atomic_write(
                d / "plan_summary.txt",
                self.summary(timing=False) + "\n\nProvenance:\n" + prov + "\n",
            )
        )
        return out
