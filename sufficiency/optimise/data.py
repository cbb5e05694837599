"""Index the allocation problem: cells, builds, coverage and moves as integer-indexed arrays.

Everything the ``define_*`` functions need is prepared here once, with numpy and pandas, so
that building the PuLP model is a matter of zipping arrays (no searching inside loops).

Indices
-------
``c``  cell: one (area, phase of places, year) with demand
``s``  scenario (``central`` alone unless several demand scenarios are planned together)
``b``  build: one option ``o`` opened in one year ``t`` (only ``t >= earliest_year``: lead time)
``m``  move: pupils of one area and phase placed in an adjacent area, in one year
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .. import nomenclature as nc
from .._values import is_number, is_whole, percent_hint
from ..capacity import DEMAND, SHORT_MIN
from ..exceptions import ConfigError, SchemaError

__all__ = [
    "PlanSettings",
    "PlanData",
    "prepare",
    "filled_share",
    "fill_years_of",
    "COUNTED_SHORT_MIN",
    "left_short",
]

SCENARIO = "scenario"

#: places short after the plan at or under which an area and year is never short (rounding;
#: the default ``[plan] shortfall_tolerance``): the report's ``LEFT_SHORT_MIN`` too, and the
#: sufficiency table's red rating (:data:`sufficiency.capacity.SHORT_MIN`)
COUNTED_SHORT_MIN = SHORT_MIN


def left_short(cells: pd.DataFrame, tolerance: float = COUNTED_SHORT_MIN) -> pd.Series:
    """Which rows of ``cells`` (``shortfall_before``, ``shortfall_after`` [places]) count as
    short after the plan [bool]: more than half a place short, unless the requirement before
    the plan was within ``tolerance`` (``[plan] shortfall_tolerance``) and what is left is too.

    The tolerance is on the requirement, as the optimiser applies it (no margin row for such a
    cell): a requirement of 40 places with a tolerance of 25 that a module limit leaves 10
    places short is short (the optimiser penalised those 10 places), not "within the
    tolerance". With the default 0.5 this is ``shortfall_after > 0.5``. A frame without
    ``shortfall_before`` counts what is left above ``max(0.5, tolerance)``.
    """
    after = cells["shortfall_after"]
    least = max(COUNTED_SHORT_MIN, float(tolerance))
    if "shortfall_before" not in cells:
        return after > least
    tolerated = (cells["shortfall_before"] <= max(float(tolerance), 1e-9)) & (after <= least)
    return (after > COUNTED_SHORT_MIN) & ~tolerated


@dataclass(frozen=True)
class PlanSettings:
    """Assumptions and solver settings of one optimisation.

    Parameters
    ----------
    margin : float
        Minimum spare places [fraction of demand]; a hard requirement except through the
        penalised shortfall slack (default 0.02).
    target : float
        Soft surplus target [fraction of demand] (default 0.05).
    ceiling : float
        Surplus above which spare places are penalised [fraction of demand] (default 0.10).
    shortfall_penalty : float
        Cost of one place short of the minimum margin for one year [GBP/place/year]. Far
        above any cost per place so that places are only left short when nothing can be built
        (budget, lead time, module limits). Default 1,000,000.
    shortfall_tolerance : float
        A requirement (demand with the minimum margin, less capacity) of at most this many
        places is not a shortfall [places]: the plan does not buy a 30-place class for a
        tenth of a place of margin, and its outputs and the report do not count such an area
        and year as short (:func:`left_short`; a requirement above it that the plan cannot
        fill is short by what is left). Default 0.5; 0 makes every fraction of a place count.
    target_penalty : float
        Cost of one place below the soft target for one year [GBP/place/year]. Default 1,000:
        below the yearly cost of a temporary place (a 30-place secondary bulge class at the
        Worcestershire 2024/25 benchmark, 30 x GBP 10,707 over 5 years, is GBP 2,141 per
        place-year), so the target breaks ties and uses spare options but does not on its own
        justify building.
    surplus_penalty : float
        Cost of one place above the ceiling for one year [GBP/place/year]. Default 100.
    discount_rate : float
        Capital spent in year t is weighted by ``(1 + r) ** -(t - first_year)`` in the
        objective (reported costs are undiscounted). Default 0.035, HM Treasury Green Book.
    annual_budget : float or mapping year -> float, optional
        Capital that can be committed in each academic year [GBP].
    total_budget : float, optional
        Capital over the whole plan [GBP].
    elastic : bool
        If False the minimum margin is a hard constraint (no shortfall slack), so an
        impossible requirement raises :class:`InfeasibleError` naming areas and years.
    solver : {"cbc", "highs"}
    time_limit : float
        Solver time limit [s] of each solver call (one per independent component; default
        60). A plan found by then without proof of optimality is returned with ``status``
        saying so; no plan at all raises :class:`SolverError`.
    mip_gap : float
        Relative optimality gap accepted (default 1e-6: optimal).
    duals : bool
        Also solve the LP relaxation and report marginal costs (duals) of a place.
    scenario_weights : mapping, optional
        Weight of each scenario's penalties in the objective (default equal, summing to 1).
    first_year, last_year : int, optional
        Plan years (default: all years of the demand).
    presolve : bool
        Leave out of the solver the (area, phase) blocks where building nothing is provably
        the unique optimum (:func:`~sufficiency.optimise.decompose.zero_build_blocks`);
        default True. Same optimum.
    decompose : bool
        Solve each independent component (blocks not linked by a budget or a move; without
        budgets or moves, each area and phase) on its own: same optimum, much faster than one
        branch-and-bound tree over every block; default True.
    block_size : int
        Components per solver call when decomposing (default 1).
    workers : int
        Processes solving components in parallel when there are hundreds (default 1: in this
        process). The plan does not depend on it. The processes are spawned, so a script
        using ``workers > 1`` needs the ``if __name__ == "__main__":`` guard.
    """

    margin: float = 0.02
    target: float = 0.05
    ceiling: float = 0.10
    shortfall_penalty: float = 1_000_000.0
    shortfall_tolerance: float = 0.5
    target_penalty: float = 1_000.0
    surplus_penalty: float = 100.0
    discount_rate: float = 0.035
    annual_budget: float | Mapping[int, float] | None = None
    total_budget: float | None = None
    elastic: bool = True
    solver: str = "cbc"
    time_limit: float = 60.0
    mip_gap: float = 1e-6
    duals: bool = True
    scenario_weights: Mapping[str, float] | None = None
    first_year: int | None = None
    last_year: int | None = None
    presolve: bool = True
    decompose: bool = True
    block_size: int = 1
    workers: int = 1
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        for k in (
            "margin",
            "target",
            "ceiling",
            "shortfall_penalty",
            "shortfall_tolerance",
            "target_penalty",
            "surplus_penalty",
            "discount_rate",
            "time_limit",
            "mip_gap",
        ):
            v = getattr(self, k)
            if not is_number(v):
                raise ConfigError(f"plan: {k} = {v!r}: expected a number")
        for k in ("total_budget", "annual_budget"):
            v = getattr(self, k)
            vals = list(v.values()) if isinstance(v, Mapping) else [v]
            if v is not None and not all(is_number(x) and x >= 0 for x in vals):
                raise ConfigError(
                    f"plan: {k} = {v!r}: expected an amount in GBP >= 0"
                    + (" per year" if k == "annual_budget" else "")
                )
        for k in ("first_year", "last_year"):
            v = getattr(self, k)
            if v is not None and not is_whole(v):
                raise ConfigError(f"plan: {k} = {v!r}: expected an academic year (its start)")
        if (
            self.first_year is not None
            and self.last_year is not None
            and self.first_year > self.last_year
        ):
            raise ConfigError(
                f"plan: first_year = {self.first_year}, last_year = {self.last_year}: "
                "expected first_year <= last_year"
            )
        if not 0 <= self.discount_rate < 1:
            raise ConfigError(
                f"plan: discount_rate = {self.discount_rate}: expected a rate per year "
                "in [0, 1), e.g. 0.035 for 3.5%"
            )
        for k in ("margin", "target", "ceiling"):
            v = getattr(self, k)
            if not 0 <= v < 1:
                raise ConfigError(
                    f"plan: {k} = {v}: expected a fraction in [0, 1){percent_hint(v, True)}"
                )
        if not self.margin <= self.target <= self.ceiling:
            raise ConfigError(
                f"plan: expected margin <= target <= ceiling, found {self.margin}, "
                f"{self.target}, {self.ceiling}"
            )
        if self.solver not in ("cbc", "highs"):
            raise ConfigError(f"plan: solver = {self.solver!r}: expected 'cbc' or 'highs'")
        for k in ("shortfall_penalty", "target_penalty", "surplus_penalty"):
            if getattr(self, k) < 0:
                raise ConfigError(f"plan: {k} = {getattr(self, k)}: expected >= 0")
        if not 0 <= self.shortfall_tolerance < 30:
            raise ConfigError(
                f"plan: shortfall_tolerance = {self.shortfall_tolerance}: expected places "
                "in [0, 30), e.g. 0.5: a requirement of at most that many places is not short"
            )
        if int(self.workers) < 1 or int(self.block_size) < 1:
            raise ConfigError(
                f"plan: workers = {self.workers}, block_size = {self.block_size}: "
                "expected integers >= 1"
            )

    @property
    def counted_short(self) -> float:
        """The shortfall tolerance as the plan's outputs and the report give it: the
        ``shortfall_tolerance``, or half a place (rounding) when that is smaller [places]. A
        cell whose requirement was within the tolerance and is at most this short after the
        plan is not a shortfall (a Warwickshire trial's scenario with a tolerance of 15 places
        had its tolerated areas listed as "Shortfall left", blamed on lead times); one whose
        requirement was above it is short by more than half a place (:meth:`left_short`)."""
        return max(COUNTED_SHORT_MIN, float(self.shortfall_tolerance))

    def left_short(self, cells: pd.DataFrame) -> pd.Series:
        """Which rows of ``cells`` (``shortfall_before``, ``shortfall_after``) count as short
        after the plan (:func:`left_short`, with this ``shortfall_tolerance``) [bool]."""
        return left_short(cells, self.shortfall_tolerance)

    def budget_of_year(self, years: np.ndarray) -> np.ndarray:
        """Annual budget per year [GBP] (``inf`` where none)."""
        b = self.annual_budget
        if b is None:
            return np.full(len(years), np.inf)
        if isinstance(b, Mapping):
            return np.array([float(b.get(int(y), np.inf)) for y in years])
        return np.full(len(years), float(b))


@dataclass(frozen=True)
class PlanData:
    """Integer-indexed arrays of one allocation problem (see module docstring)."""

    cells: pd.DataFrame  # area, phase, year, capacity (+ cell index c = row)
    scenarios: tuple[str, ...]
    weights: np.ndarray  # (S,)
    demand: np.ndarray  # (S, C) [pupils]
    capacity: np.ndarray  # (C,) [places]
    options: pd.DataFrame  # catalogue, row o
    build_option: np.ndarray  # (B,) option index
    build_year: np.ndarray  # (B,)
    build_upper: np.ndarray  # (B,) most modules of this build
    cover_build: np.ndarray  # (K,) build index of each coverage pair
    cover_cell: np.ndarray  # (K,) cell index of each coverage pair
    cover_places: np.ndarray  # (K,) places one module of the build adds in the cell's year
    build_place_years: np.ndarray  # (B,) place-years one module adds within the horizon
    moves: pd.DataFrame  # from_cell, to_cell, max_share, cost_per_pupil (row m)
    years: np.ndarray
    first_year: int
    discount: np.ndarray  # (B,) discount factor of each build's capital

    @property
    def n_cells(self) -> int:
        return len(self.cells)


def fill_years_of(options: pd.DataFrame) -> np.ndarray:
    """Each option's ``fill_years`` (0 where the column is absent or empty: all places at
    opening) [years]."""
    if "fill_years" not in options.columns:
        return np.zeros(len(options), int)
    return pd.to_numeric(options["fill_years"], errors="coerce").fillna(0).to_numpy().astype(int)


def filled_share(year_open: np.ndarray, fill_years: np.ndarray) -> np.ndarray:
    """Share of a module's places in use in its ``year_open``-th year (1 = the opening year).

    ``min(1, year_open / fill_years)``: a module that fills over ``fill_years`` years (one
    more entry year group a year) has ``1 / fill_years`` of its places in its first year; 0
    or 1 = all places from opening [-].
    """
    k = np.asarray(year_open, float)
    f = np.asarray(fill_years, float)
    return np.where(f > 1, np.minimum(1.0, k / np.maximum(f, 1.0)), 1.0)


def _demand_frame(demand: pd.DataFrame) -> pd.DataFrame:
    need = [nc.AREA, nc.PHASE, nc.YEAR, DEMAND]
    missing = [c for c in need if c not in demand.columns]
    if missing:
        raise SchemaError(f"plan demand: missing column(s) {missing}; found {list(demand.columns)}")
    d = demand.copy()
    if SCENARIO not in d.columns:
        d[SCENARIO] = "central"
    d[nc.AREA] = d[nc.AREA].astype(str)
    d[nc.YEAR] = d[nc.YEAR].astype(int)
    d[DEMAND] = pd.to_numeric(d[DEMAND], errors="coerce")
    bad = d[DEMAND].isna() | (d[DEMAND] < 0)
    if bad.any():
        raise SchemaError(
            f"plan demand: column 'demand' must be a number >= 0; found\n"
            f"{d.loc[bad, need].head().to_string()}"
        )
    keys = [SCENARIO, nc.AREA, nc.PHASE, nc.YEAR]
    dup = d.duplicated(keys)
    if dup.any():
        raise SchemaError(
            f"plan demand: duplicate (scenario, area, phase, year) rows:\n"
            f"{d.loc[dup, keys].head().to_string()}"
        )
    return d


def _capacity_of_cells(cells: pd.DataFrame, capacity: pd.DataFrame) -> np.ndarray:
    """Existing places of each cell [places]: by (area, phase, year) where ``capacity`` has
    a ``year`` column and a row for that year, else by (area, phase); 0 if none."""
    cap = capacity.assign(**{nc.AREA: capacity[nc.AREA].astype(str)})
    out = np.full(len(cells), np.nan)
    if nc.YEAR in cap.columns:
        by_year = cap.dropna(subset=[nc.YEAR]).astype({nc.YEAR: int})
        by_year = by_year.groupby([nc.AREA, nc.PHASE, nc.YEAR], as_index=False)[nc.CAPACITY].sum()
        m = cells[[nc.AREA, nc.PHASE, nc.YEAR]].merge(by_year, how="left")
        out = m[nc.CAPACITY].to_numpy(float).copy()
        cap = cap.loc[cap[nc.YEAR].isna()] if cap[nc.YEAR].isna().any() else cap.iloc[:0]
    static = cap.groupby([nc.AREA, nc.PHASE], as_index=False)[nc.CAPACITY].sum()
    m = cells[[nc.AREA, nc.PHASE]].merge(static, how="left")
    fill = np.isnan(out)
    out[fill] = m[nc.CAPACITY].to_numpy(float)[fill]
    return np.nan_to_num(out, nan=0.0)


def prepare(
    demand: pd.DataFrame,
    capacity: pd.DataFrame,
    options: pd.DataFrame,
    settings: PlanSettings,
    adjacency: pd.DataFrame | None = None,
) -> PlanData:
    """Index demand, capacity, options and moves for the ``define_*`` functions.

    Parameters
    ----------
    demand : DataFrame
        ``area, phase, year, demand[, scenario]`` [pupils]; phase = phase of places.
    capacity : DataFrame
        ``area, phase, capacity`` [places] (one row per area and phase).
    options : DataFrame
        Option catalogue (:data:`~sufficiency.optimise.options.OPTION_COLUMNS`).
    adjacency : DataFrame, optional
        ``from_area, to_area, phase, max_share, cost_per_pupil``: pupils of ``from_area``
        may be placed in ``to_area`` up to ``max_share`` of its demand, at a yearly transport
        cost [GBP/pupil/year].
    """
    d = _demand_frame(demand)
    first = settings.first_year if settings.first_year is not None else int(d[nc.YEAR].min())
    last = settings.last_year if settings.last_year is not None else int(d[nc.YEAR].max())
    d = d.loc[(d[nc.YEAR] >= first) & (d[nc.YEAR] <= last)]
    if d.empty:
        raise SchemaError(f"plan demand: no rows in the plan years {first}-{last}")
    scenarios = tuple(sorted(d[SCENARIO].unique()))
    cells = (
        d[[nc.AREA, nc.PHASE, nc.YEAR]]
        .drop_duplicates()
        .sort_values([nc.AREA, nc.PHASE, nc.YEAR])
        .reset_index(drop=True)
    )
    cells["c"] = np.arange(len(cells))
    per = d.merge(cells, on=[nc.AREA, nc.PHASE, nc.YEAR])
    s_index = {s: i for i, s in enumerate(scenarios)}
    dem = np.zeros((len(scenarios), len(cells)))
    dem[per[SCENARIO].map(s_index).to_numpy(), per["c"].to_numpy()] = per[DEMAND].to_numpy(float)
    # A scenario missing a cell another has: demand 0 would understate it; refuse instead.
    counts = per.groupby(SCENARIO).size()
    if (counts != len(cells)).any():
        raise SchemaError(
            "plan demand: every scenario must cover the same areas, phases and years; "
            f"rows per scenario: {counts.to_dict()}"
        )
    cells[nc.CAPACITY] = _capacity_of_cells(cells, capacity)

    # --- builds: option o opened in year t, t >= earliest_year (lead time) ---------------
    opts = options.reset_index(drop=True)
    years = np.arange(first, last + 1)
    o_idx = np.repeat(np.arange(len(opts)), len(years))
    t_all = np.tile(years, len(opts))
    earliest = opts["earliest_year"].to_numpy()[o_idx]
    perm = opts["duration"].to_numpy()[o_idx] == 0
    upper = np.where(
        perm, opts["max_modules"].to_numpy()[o_idx], opts["max_per_year"].to_numpy()[o_idx]
    )
    keep = (t_all >= earliest) & (upper > 0)
    # options in areas/phases with no demand cell serve nothing: drop them
    served = set(zip(cells[nc.AREA], cells[nc.PHASE]))
    has_cell = np.array([(a, p) in served for a, p in zip(opts[nc.AREA], opts[nc.PHASE])], bool)
    keep &= has_cell[o_idx]
    build_option, build_year, build_upper = o_idx[keep], t_all[keep], upper[keep].astype(float)
    dur = opts["duration"].to_numpy()[build_option]
    fill = fill_years_of(opts)[build_option]

    # --- coverage: build b adds places to cell c (same area/phase, open in c's year) ------
    bframe = pd.DataFrame(
        {
            nc.AREA: opts[nc.AREA].to_numpy()[build_option],
            nc.PHASE: opts[nc.PHASE].to_numpy()[build_option],
            "b": np.arange(len(build_option)),
            "t0": build_year,
            "dur": dur,
            "fill": fill,
            "places": opts["places"].to_numpy(float)[build_option],
        }
    )
    pairs = bframe.merge(cells[[nc.AREA, nc.PHASE, nc.YEAR, "c"]], on=[nc.AREA, nc.PHASE])
    y = pairs[nc.YEAR].to_numpy()
    open_ = (y >= pairs["t0"].to_numpy()) & (
        (pairs["dur"].to_numpy() == 0) | (y < pairs["t0"].to_numpy() + pairs["dur"].to_numpy())
    )
    pairs = pairs.loc[open_]
    cover_build = pairs["b"].to_numpy(dtype=int)
    cover_cell = pairs["c"].to_numpy(dtype=int)
    cover_places = pairs["places"].to_numpy(float) * filled_share(
        pairs[nc.YEAR].to_numpy() - pairs["t0"].to_numpy() + 1, pairs["fill"].to_numpy()
    )
    place_years = np.bincount(cover_build, weights=cover_places, minlength=len(build_option))

    # --- moves between adjacent areas ---------------------------------------------------
    moves = pd.DataFrame(columns=["from_cell", "to_cell", "max_share", "cost_per_pupil"])
    if adjacency is not None and len(adjacency):
        need = ["from_area", "to_area", nc.PHASE, "max_share", "cost_per_pupil"]
        miss = [c for c in need if c not in adjacency.columns]
        if miss:
            raise ConfigError(f"plan adjacency: missing column(s) {miss}")
        adj = adjacency[need].astype({"from_area": str, "to_area": str})
        src = cells.rename(columns={nc.AREA: "from_area", "c": "from_cell"})
        dst = cells.rename(columns={nc.AREA: "to_area", "c": "to_cell"})
        m = adj.merge(
            src[["from_area", nc.PHASE, nc.YEAR, "from_cell"]], on=["from_area", nc.PHASE]
        )
        m = m.merge(
            dst[["to_area", nc.PHASE, nc.YEAR, "to_cell"]], on=["to_area", nc.PHASE, nc.YEAR]
        )
        moves = m[["from_cell", "to_cell", "max_share", "cost_per_pupil"]].reset_index(drop=True)

    if settings.scenario_weights:
        w = np.array([float(settings.scenario_weights.get(s, 0.0)) for s in scenarios])
        if w.sum() <= 0:
            raise ConfigError("plan: scenario weights must sum to > 0")
        w = w / w.sum()
    else:
        w = np.full(len(scenarios), 1.0 / len(scenarios))
    discount = (1.0 + settings.discount_rate) ** -(build_year - first).astype(float)
    return PlanData(
        cells=cells,
        scenarios=scenarios,
        weights=w,
        demand=dem,
        capacity=cells[nc.CAPACITY].to_numpy(float),
        options=opts,
        build_option=build_option,
        build_year=build_year,
        build_upper=build_upper,
        cover_build=cover_build,
        cover_cell=cover_cell,
        cover_places=cover_places,
        build_place_years=place_years,
        moves=moves,
        years=years,
        first_year=first,
        discount=discount,
    )
