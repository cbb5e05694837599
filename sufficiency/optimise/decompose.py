"""Exact presolve and decomposition of the allocation problem into independent components.

A *block* is one (area, phase of places): its cells (one per year) and the builds of its
options, which only ever add places to that block's cells. Blocks are linked only by the
``budget`` family (every build in a budgeted year), by ``moves`` (the two ends of a move) and
by ``scheme`` rows (options built together in two blocks).

:func:`zero_build_blocks` finds the blocks where building nothing is provably the unique
optimum; they are left out of the solver. :func:`components` groups the remaining blocks into
connected components (blocks joined by budgets or moves); the objective is a sum over
components and no constraint spans two, so solving each on its own and taking the union is
the optimum of the whole problem. :func:`subset` cuts one component out of a
:class:`~sufficiency.optimise.data.PlanData` so that the ordinary ``define_*`` functions build
its model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import nomenclature as nc
from .data import PlanData, PlanSettings
from .objective import capital_coefficients
from .options import scheme_of
from .variables import active_cells, margin_cells

__all__ = [
    "Blocks",
    "blocks_of",
    "zero_build_blocks",
    "presolved_objective",
    "components",
    "subset",
]


@dataclass(frozen=True)
class Blocks:
    """Block index of every cell, build, option and move (``-1``: option without cells), and
    for each kind of item its positions grouped by block (``order[ptr[i]:ptr[i + 1]]`` are
    the items of block ``i``), so that cutting out a component costs its own size only."""

    n: int
    cell: np.ndarray  # (C,)
    build: np.ndarray  # (B,)
    option: np.ndarray  # (O,)
    move: np.ndarray  # (M,) block of the move's origin
    move_to: np.ndarray  # (M,) block of the move's destination
    groups: dict  # kind -> (order, ptr), kinds "cell", "build", "option", "pair", "move"

    def items(self, kind: str, which: np.ndarray) -> np.ndarray:
        """Indices (ascending) of the items of ``kind`` in the blocks ``which``."""
        order, ptr = self.groups[kind]
        pieces = [order[ptr[i] : ptr[i + 1]] for i in np.asarray(which).tolist()]
        if not pieces:
            return np.zeros(0, np.int64)
        return np.sort(np.concatenate(pieces)) if len(pieces) > 1 else np.sort(pieces[0])


def _grouped(keys: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    keys = np.asarray(keys, np.int64)
    order = np.argsort(keys, kind="stable")
    return order, np.searchsorted(keys[order], np.arange(n + 1))


def blocks_of(data: PlanData) -> Blocks:
    """Number the (area, phase) blocks in the order of ``data.cells`` (sorted by area, phase)."""
    keys = data.cells[[nc.AREA, nc.PHASE]]
    cell = keys.groupby([nc.AREA, nc.PHASE], sort=False).ngroup().to_numpy(np.int64)
    n = int(cell.max()) + 1 if len(cell) else 0
    table = keys.assign(_block=cell).drop_duplicates([nc.AREA, nc.PHASE])
    opts = data.options[[nc.AREA, nc.PHASE]].astype({nc.AREA: str})
    option = opts.merge(table, how="left", on=[nc.AREA, nc.PHASE])["_block"]
    option = option.fillna(-1).to_numpy(np.int64)
    build = option[data.build_option] if len(data.build_option) else np.zeros(0, np.int64)
    if len(data.moves):
        move = cell[data.moves["from_cell"].to_numpy(int)]
        move_to = cell[data.moves["to_cell"].to_numpy(int)]
    else:
        move = move_to = np.zeros(0, np.int64)
    groups = {
        "cell": _grouped(cell, n),
        "build": _grouped(build, n),
        "option": _grouped(option, n),
        "pair": _grouped(build[data.cover_build] if len(build) else np.zeros(0, np.int64), n),
        "move": _grouped(move, n),
    }
    return Blocks(
        n=n, cell=cell, build=build, option=option, move=move, move_to=move_to, groups=groups
    )


def zero_build_blocks(data: PlanData, settings: PlanSettings, blocks: Blocks) -> np.ndarray:
    """Blocks in which building nothing is the unique optimum [bool, one per block].

    Notes
    -----
    A block ``beta`` qualifies when (i) no cell of it is short of the minimum margin by more
    than the tolerance (``D_sc (1 + m) - C_c <= shortfall_tolerance`` for every scenario: the
    model then has no ``sufficiency`` row in it); (ii) no move starts or ends in it; (iii) none of its options is committed
    (``min_modules = 0``) or part of a ``scheme`` (built together with another block's
    option); (iv) every build ``b`` has ``cost_b >= 0``, ``places_b >= 0`` and an
    objective coefficient ``k_b`` (:func:`~sufficiency.optimise.objective.capital_coefficients`)
    strictly above the most target penalty it could save,
    ``k_b > P_target * sum_s w_s n_bs``, where ``n_bs`` sums the places ``p_bc`` build ``b``
    adds (``PlanData.cover_places``: fewer while it fills) over the cells it is open in that
    are below the soft target in scenario ``s`` (``n_bs = 0`` when the block meets the target
    every year, and the condition is then ``k_b > 0``).

    Proof. Take any feasible plan ``x`` and let ``x'`` equal ``x`` with the builds of ``beta``
    set to 0 and the slacks of ``beta`` at their least feasible values. ``x'`` is feasible:
    ``beta`` has no ``sufficiency``, committed-module or ``scheme`` rows, its ``target``/``ceiling`` rows
    are elastic, its module maxima and every budget row (costs >= 0) only lose terms, and no
    move touches it. Places added ``A_c = sum_b p_bc x_b >= 0``, so every ``excess`` slack
    can only shrink (penalty ``>= 0``), and each target slack grows by at most ``A_c``:
    ``tshort'_sc = R_sc <= tshort_sc + A_c``. Hence
    ``f(x) - f(x') >= sum_{b in beta} x_b (k_b - P_target sum_s w_s n_bs)``, which is
    positive as soon as any ``x_b > 0``. So every optimum (of the MILP and of its LP
    relaxation) builds nothing in ``beta``, and leaving ``beta`` out of the solver changes
    neither the optimal plan nor the objective (its constant part is
    :func:`presolved_objective`).
    """
    nb = blocks.n
    ok = np.ones(nb, bool)
    if nb == 0:
        return ok
    if (data.weights < 0).any():  # the proof needs w_s >= 0
        return np.zeros(nb, bool)
    short = margin_cells(data, settings).any(axis=0)  # also flags move endpoints
    ok[np.unique(blocks.cell[short])] = False
    if len(data.moves):
        ok[blocks.move] = False
        ok[blocks.move_to] = False
    opts = data.options
    committed = (opts["min_modules"].to_numpy() > 0) & (blocks.option >= 0)
    ok[blocks.option[committed]] = False
    # (v) none of its options is part of a scheme (built together with another block's)
    if "scheme" in opts:
        linked = (scheme_of(opts) != "") & (blocks.option >= 0)
        ok[blocks.option[linked]] = False
    if len(data.build_option):
        o = data.build_option
        cost = opts["cost_per_module"].to_numpy(float)[o]
        places = opts["places"].to_numpy(float)[o]
        below = data.demand * (1.0 + settings.target) - data.capacity[None, :] > 1e-9  # (S, C)
        # n_bs weighted by scenario: sum_s w_s [cell of pair k below target in s]
        w_below = data.weights @ below.astype(float)  # (C,)
        saved = (
            np.bincount(
                data.cover_build,
                weights=w_below[data.cover_cell] * data.cover_places,
                minlength=len(o),
            )
            * settings.target_penalty
        )
        k = capital_coefficients(data)
        bad = ~((k > saved) & (cost >= 0) & (places >= 0))
        ok[np.unique(blocks.build[bad])] = False
    return ok


def presolved_objective(data: PlanData, settings: PlanSettings, cell_mask: np.ndarray) -> float:
    """Objective of building nothing in the cells of ``cell_mask`` [GBP].

    ``sum_s w_s [P_target sum_c (D_sc (1 + tau) - C_c)^+ + P_surplus sum_c (C_c - (1 + kappa)
    D_sc)^+]``: the target slack of every cell below the soft target and the surplus slack of
    the cells that some build covers (the model has an ``excess`` slack only where places can
    be added). No ``short`` slack: a presolved block meets the minimum margin, or misses it by at
    most ``shortfall_tolerance`` places, which has no ``sufficiency`` row (nor penalty).
    """
    if not cell_mask.any():
        return 0.0
    covered = np.zeros(data.n_cells, bool)
    covered[data.cover_cell] = True
    m = cell_mask & covered
    below = active_cells(data, settings.target)[:, cell_mask]
    tshort = np.where(
        below,
        data.demand[:, cell_mask] * (1.0 + settings.target) - data.capacity[None, cell_mask],
        0.0,
    )
    excess = np.maximum(0.0, data.capacity[None, m] - (1.0 + settings.ceiling) * data.demand[:, m])
    return float(
        data.weights
        @ (
            settings.target_penalty * tshort.sum(axis=1)
            + settings.surplus_penalty * excess.sum(axis=1)
        )
    )


def components(
    data: PlanData, settings: PlanSettings, blocks: Blocks, keep: np.ndarray
) -> list[np.ndarray]:
    """Connected components of the kept blocks, as arrays of block numbers (ascending).

    Blocks are joined by a move between them, by options of one ``scheme`` (built together)
    and, when any budget is set, all blocks with a build in a budgeted year are joined (the
    ``budget`` rows sum over every area).
    """
    parent = np.arange(blocks.n)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for a, b in zip(blocks.move.tolist(), blocks.move_to.tolist()):
        union(a, b)
    annual = settings.budget_of_year(data.years)
    if settings.total_budget is not None or np.isfinite(annual).any():
        budgeted = (
            np.isfinite(annual)[data.build_year - data.first_year] if len(data.build_year) else []
        )
        if settings.total_budget is not None:
            budgeted = np.ones(len(data.build_year), bool)
        linked = np.unique(blocks.build[np.asarray(budgeted, bool)])
        linked = linked[linked >= 0]
        for b in linked[1:].tolist():
            union(int(linked[0]), b)
    if "scheme" in data.options:
        scheme = scheme_of(data.options)
        for name in set(scheme[scheme != ""]):
            linked = np.unique(blocks.option[(scheme == name) & (blocks.option >= 0)])
            for b in linked[1:].tolist():
                union(int(linked[0]), b)
    roots = np.array([find(i) for i in range(blocks.n)], np.int64)
    kept = np.flatnonzero(keep)
    out: dict[int, list[int]] = {}
    for b in kept.tolist():
        out.setdefault(int(roots[b]), []).append(b)
    return [np.array(v, np.int64) for _, v in sorted(out.items())]


def subset(
    data: PlanData, blocks: Blocks, which: np.ndarray
) -> tuple[PlanData, np.ndarray, np.ndarray, np.ndarray]:
    """The problem restricted to the blocks ``which``.

    Returns ``(part, cells, builds, moves)``: the sub-problem and the indices, in ``data``, of
    its cells, builds and moves (its own indices are positions in these arrays, which keep
    the order of ``data``).
    """
    cells = blocks.items("cell", which)
    builds = blocks.items("build", which)
    options = blocks.items("option", which)
    pairs = blocks.items("pair", which)
    moves = blocks.items("move", which)
    sub_cells = data.cells.iloc[cells].reset_index(drop=True)
    sub_cells["c"] = np.arange(len(cells))
    if len(moves):
        mv = data.moves.iloc[moves].reset_index(drop=True)
        mv["from_cell"] = np.searchsorted(cells, mv["from_cell"].to_numpy(int))
        mv["to_cell"] = np.searchsorted(cells, mv["to_cell"].to_numpy(int))
    else:
        mv = data.moves.iloc[:0]
    part = PlanData(
        cells=sub_cells,
        scenarios=data.scenarios,
        weights=data.weights,
        demand=data.demand[:, cells],
        capacity=data.capacity[cells],
        options=data.options.iloc[options].reset_index(drop=True),
        build_option=np.searchsorted(options, data.build_option[builds]),
        build_year=data.build_year[builds],
        build_upper=data.build_upper[builds],
        cover_build=np.searchsorted(builds, data.cover_build[pairs]),
        cover_cell=np.searchsorted(cells, data.cover_cell[pairs]),
        cover_places=data.cover_places[pairs],
        build_place_years=data.build_place_years[builds],
        moves=mv,
        years=data.years,
        first_year=data.first_year,
        discount=data.discount[builds],
    )
    return part, cells, builds, moves


def block_labels(data: PlanData, blocks: Blocks, which: np.ndarray) -> pd.DataFrame:
    """``area, phase`` of the blocks ``which`` (for messages)."""
    first = np.unique(blocks.cell, return_index=True)[1]
    return data.cells.iloc[first[which]][[nc.AREA, nc.PHASE]].reset_index(drop=True)
