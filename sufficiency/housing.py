"""Pupils from new housing: an additive component on top of cohort survival.

``pupils(a, t, phase) = sum_{y <= t} dwellings(a, y) * yield(phase) / 100 * arrived(t - y)``

where ``yield`` is pupils per 100 dwellings by DfE phase and ``arrived(k)`` the cumulative
share of a development's eventual pupils living there ``k`` years after completion. A phase's
pupils are spread evenly over its year groups.

Default yields (``DEFAULT_YIELDS``) are Derbyshire's published yields per 100 dwellings: 20
primary, 15 secondary, 6 post-16 (see ``docs/domain.md``, "Housing"); other published local yields
range 25-35 primary and 18-25 secondary (Cambridgeshire), 28 primary (Kent). Set your own in
the ``[forecast.housing]`` section of the model definition. Survival ratios already contain
past migration, including into past new housing, so only completions *beyond* the historical
rate should be entered, to avoid double counting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from . import nomenclature as nc
from ._frozen import FrozenDict
from .exceptions import ConfigError

__all__ = [
    "DEFAULT_YIELDS",
    "DEFAULT_ARRIVAL",
    "housing_pupils",
    "housing_routes",
    "housing_settings",
    "secondary_sites_message",
]

#: pupils per 100 dwellings by DfE phase (Derbyshire, as published; docs/domain.md)
DEFAULT_YIELDS = FrozenDict({"primary": 20.0, "secondary": 15.0, "sixth_form": 6.0})
#: share of eventual pupils arriving in the year of completion, the next, the one after
#: (an engine default, not a published figure: set ``arrival`` in ``[forecast.housing]``)
DEFAULT_ARRIVAL = (0.5, 0.3, 0.2)


def housing_settings(section: Mapping) -> tuple[dict[str, float], tuple[float, ...]]:
    """Read yields and arrival profile from a ``[forecast.housing]`` mapping (defaults filled).

    Raises
    ------
    ConfigError
        Negative yields, unknown phases, or an arrival profile not summing to 1.
    """
    yields = dict(DEFAULT_YIELDS)
    for k, v in dict(section.get("yields", {})).items():
        if k not in nc.PHASES:
            raise ConfigError(
                f"[forecast.housing] yields: unknown phase {k!r}; expected {nc.PHASES}"
            )
        if not isinstance(v, (int, float)) or v < 0:
            raise ConfigError(
                f"[forecast.housing] yields.{k} = {v!r}: expected pupils per 100 dwellings >= 0"
            )
        yields[k] = float(v)
    arrival = tuple(float(x) for x in section.get("arrival", DEFAULT_ARRIVAL))
    if not arrival or any(x < 0 for x in arrival) or abs(sum(arrival) - 1) > 1e-6:
        raise ConfigError(
            f"[forecast.housing] arrival = {list(arrival)}: expected non-negative shares summing to 1"
        )
    return yields, arrival


def housing_pupils(
    housing: pd.DataFrame | None,
    areas: Sequence[str],
    years: Sequence[int],
    ncys: Sequence[int],
    yields: Mapping[str, float] = DEFAULT_YIELDS,
    arrival: Sequence[float] = DEFAULT_ARRIVAL,
    route: Mapping[str, Mapping[str, float]] | None = None,
    onward: Mapping[str, tuple[Mapping[str, float], Sequence[int]]] | None = None,
) -> np.ndarray:
    """Additional pupils from dwelling completions, by area, year and year group.

    Parameters
    ----------
    housing : DataFrame or None
        ``area``, ``year``, ``dwellings`` [count] (completions by academic year).
    areas, years, ncys : sequence
        Output axes.
    yields : mapping
        Pupils per 100 dwellings by DfE phase [pupils / 100 dwellings].
    arrival : sequence of float
        Share of eventual pupils arriving ``k`` = 0, 1, ... years after completion [fraction].
    route : mapping, optional
        ``{primary area: {secondary area: share}}``: the secondary and sixth-form pupils of
        dwellings in a primary area go to the secondary areas its Year 6 transfers to, in
        the transfer shares (a site is listed once, in its primary area). Without it each
        area keeps every phase's pupils of its own dwellings (and a primary area, teaching no
        secondary year group, shows none of them).
    onward : mapping, optional
        ``{area: ({next area: share}, year groups it teaches)}`` for secondary areas whose
        pupils move on part-way (middle schools): a routed pupil of a year group such an
        area does not teach goes on to the areas its last year group transfers to.

    Returns
    -------
    ndarray, shape (len(areas), len(years), len(ncys))
        Pupils from housing [count]; zeros when ``housing`` is None or empty.
    """
    out = np.zeros((len(areas), len(years), len(ncys)))
    if housing is None or len(housing) == 0:
        return out
    d = housing.groupby([nc.AREA, nc.YEAR], as_index=False)[nc.DWELLINGS].sum()
    ai = pd.Index(list(areas)).get_indexer(d[nc.AREA].astype(str))
    yrs = np.asarray(years)
    comp = np.zeros((len(areas), len(years)))
    first = int(yrs.min())
    ok = ai >= 0
    yi = d[nc.YEAR].to_numpy(dtype=int) - first
    ok &= (yi >= 0) & (yi < len(years))
    np.add.at(comp, (ai[ok], yi[ok]), d[nc.DWELLINGS].to_numpy(dtype=float)[ok])
    cum = np.minimum(np.cumsum(np.asarray(arrival, dtype=float)), 1.0)
    k = np.arange(len(years))
    lag = k[:, None] - k[None, :]  # (t, y)
    kern = np.where(lag >= 0, cum[np.clip(lag, 0, len(cum) - 1)], 0.0)
    arrived = comp @ kern.T  # (A, T) dwellings' share arrived by year t
    phase = nc.phase_of_ncy(np.asarray(ncys))
    per_g = np.array(
        [yields.get(p, 0.0) / 100.0 / len(nc.PHASE_NCY[p]) if p is not None else 0.0 for p in phase]
    )
    later = np.isin(phase.astype(object), ["secondary", "sixth_form"])
    if not route and not onward:
        return arrived[:, :, None] * per_g[None, None, :]
    # dwellings whose secondary pupils each area receives: its own, less those it sends on,
    # plus those of the primary areas sending it their Year 6
    idx = {str(a): i for i, a in enumerate(areas)}
    R = np.eye(len(areas))
    for a, dest in (route or {}).items():
        i = idx.get(str(a))
        if i is None or not dest:
            continue
        R[i, i] = 0.0
        for to, share in dest.items():
            j = idx.get(str(to))
            if j is not None:
                R[i, j] += float(share)
    out = (
        np.where(later[None, None, :], (R.T @ arrived)[:, :, None], arrived[:, :, None])
        * per_g[None, None, :]
    )
    if not onward:
        return out
    # year groups a routed pupil's first secondary area does not teach go on (middle ->
    # high school), one hop at a time; areas are few, so the loop is over areas, not cells
    for k, g in enumerate(ncys):
        if not later[k]:
            continue
        M = R.copy()
        for _ in range(3):
            moved = False
            for j_code, (dest, teaches) in onward.items():
                j = idx.get(str(j_code))
                if j is None or int(g) in set(teaches) or not M[:, j].any():
                    continue
                col = M[:, j].copy()
                M[:, j] = 0.0
                for to, share in dest.items():
                    t = idx.get(str(to))
                    if t is not None:
                        M[:, t] += col * float(share)
                moved = True
            if not moved:
                break
        out[:, :, k] = (M.T @ arrived) * per_g[k]
    return out


def housing_routes(config) -> tuple[dict, dict]:
    """Where housing pupils of a model go beyond the area a site is listed in:
    :func:`~sufficiency.housing.housing_pupils`'s ``route`` (a primary area's dwellings
    send their secondary pupils where its Year 6 goes) and ``onward`` (from a middle-school
    area, the year groups it does not teach go where its last year group goes)."""
    route = {
        a.code: dict(a.transfer)
        for a in config.areas
        if a.phase == "primary" and a.transfer and a.transfer_ncy == 6
    }
    onward = {
        a.code: (dict(a.transfer), a.ncys)
        for a in config.areas
        if a.phase == "secondary" and a.ends_early and a.transfer
    }
    return route, onward


def secondary_sites_message(housing: pd.DataFrame, config) -> str:
    """The warning for housing listed in a secondary planning area of a model whose primary
    areas send their secondary pupils on (:func:`housing_routes`), or "" when there is none:
    only such a site's secondary and sixth-form pupils are counted, and listing a site in both
    its areas counts them twice. Warned of when the inputs load (so ``validate`` shows it) and
    repeated in the forecast's notes."""
    route, _ = housing_routes(config)
    if housing is None or not len(housing) or not route:
        return ""
    in_area = set(housing[nc.AREA].astype(str))
    sec = sorted(in_area & {a.code for a in config.areas if a.phase == "secondary"})
    if not sec:
        return ""
    return (
        f"housing in secondary area(s) {', '.join(sec)}: only their secondary and sixth-form "
        "pupils are counted (no primary area is named for them); list each site once, "
        "in its primary planning area, whose Year 6 transfer shares take its "
        "secondary pupils on (listing it in both counts them twice)"
    )
