"""Derive planning-area history where public data have none.

Public statistics give pupils by *authority* and year group, and school rolls by planning area
for one year only (SCAP 2015). Until an authority supplies its own school-level census
extract, planning-area history is **derived**: each year's authority year-group totals are
apportioned by the areas' shares of the SCAP rolls of their phase. Births by primary planning
area are derived likewise: each district's births split across the primary areas it feeds in
proportion to their primary rolls. Everything made here carries ``kind = "derived"``, but
the pupils of an area that has the whole of its phase, which are the authority's own counts.

Both are pure functions over canonical frames.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from . import nomenclature as nc
from .exceptions import ConfigError, DataQualityWarning, SchemaError

__all__ = [
    "area_shares",
    "year_group_shares",
    "apportion_pupils",
    "apportion_births",
    "check_area_phases",
    "DERIVED_NOTE",
    "WHOLE_PHASE_NOTE",
    "history_note",
]


def history_note(whole: bool = False, rolls_file: str | None = None) -> str:
    """The note on a derived planning-area history: :data:`DERIVED_NOTE`, or
    :data:`WHOLE_PHASE_NOTE` where every planning area has the whole of its phase, naming the
    rolls it is apportioned by: the DfE SCAP 2015 file's, or ``rolls_file`` ("the capacity
    file cap.csv", the Council's own: a Telford and Wrekin trial's notes named SCAP 2015)."""
    if whole:
        return (
            "Planning-area pupil history is the authority's own January census count (DfE) by "
            "year group: each planning area here has the whole of its phase, so apportioning "
            "the authority's totals by the areas' shares of their phase's pupils on roll "
            f"({rolls_file or 'SCAP 2015'}) gives each area all of its phase's pupils. It is "
            "observed, not an estimate."
        )
    return (
        "Planning-area pupil history is derived: the authority's year-group totals (DfE January "
        "census) apportioned by each area's share of its phase's pupils on roll in "
        f"{rolls_file or 'the DfE SCAP 2015 school capacity file'}. It is not observed data."
    )


DERIVED_NOTE = history_note()
#: :data:`DERIVED_NOTE` where every planning area has the whole of its phase (Stoke-on-Trent:
#: one primary and one secondary area): the apportionment gives each area the census's count
WHOLE_PHASE_NOTE = history_note(whole=True)


def area_shares(capacity: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """Share of each phase's pupils on roll that sits in each planning area.

    Parameters
    ----------
    capacity : DataFrame
        Canonical capacity table (``area``, ``phase``, ``roll``).
    areas : DataFrame
        Columns ``area``, ``phase`` (the model's planning areas).

    Returns
    -------
    DataFrame
        ``area``, ``phase``, ``roll``, ``share`` (shares sum to 1 within a phase).

    Raises
    ------
    ConfigError
        If a model area has no schools with a roll in the capacity table.

    Notes
    -----
    A school whose places are of a phase other than its planning area's would fit no area;
    :func:`sufficiency.inputs.load_inputs` rejects such a capacity table when it reads it
    (:func:`check_area_phases`).
    """
    roll = capacity.groupby([nc.AREA, nc.PHASE], as_index=False)[nc.ROLL].sum()
    m = areas[[nc.AREA, nc.PHASE]].merge(roll, on=[nc.AREA, nc.PHASE], how="left")
    empty = m[m[nc.ROLL].isna() | (m[nc.ROLL] <= 0)]
    if len(empty):
        which = ", ".join(f"{r.area} ({r.phase})" for r in empty.head(30).itertuples(index=False))
        more = f" and {len(empty) - 30} more" if len(empty) > 30 else ""
        one = len(empty) == 1
        raise ConfigError(
            f"cannot derive history for planning area{'' if one else 's'} {which}{more}: no "
            f"pupils on roll in the capacity file for {'its' if one else 'their'} phase (no "
            f"school of that phase is in {'it' if one else 'them'}). Check the area "
            f"code{'' if one else 's'} against the capacity file, or supply pupils by area "
            "([data] pupils_by_area)."
        )
    m["share"] = m[nc.ROLL] / m.groupby(nc.PHASE)[nc.ROLL].transform("sum")
    return m


def check_area_phases(
    capacity: pd.DataFrame,
    areas: pd.DataFrame,
    source: str = "capacity table",
    lines: dict | None = None,
) -> None:
    """Raise a SchemaError for capacity rows whose phase is not the phase of their (known)
    planning area (a primary school given a secondary area's code: its places would fit no
    area and silently drop out). ``lines``: ``(school, phase) -> line`` of the file read."""
    if nc.PHASE not in capacity or nc.AREA not in capacity:
        return
    area_phase = dict(zip(areas[nc.AREA].astype(str), areas[nc.PHASE].astype(str)))
    of_area = capacity[nc.AREA].astype(str).map(area_phase)
    bad = (of_area.notna() & (of_area != capacity[nc.PHASE].astype(str))).to_numpy(dtype=bool)
    if not bad.any():
        return
    lines = lines or {}
    rows = capacity.loc[bad]
    shown = []
    for r in rows.head(5).itertuples(index=False):
        d = r._asdict()
        line = lines.get((str(d.get(nc.SCHOOL)), str(d[nc.PHASE])))
        name = f" ({d['school_name']})" if d.get("school_name") else ""
        shown.append(
            f"school {d.get(nc.SCHOOL)}{name}"
            + (f" on line {line}" if line is not None else "")
            + f": phase {d[nc.PHASE]!r} in area {d[nc.AREA]!r}, a "
            f"{area_phase[str(d[nc.AREA])]} planning area"
        )
    more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
    raise SchemaError(
        f"{source}: column 'area': {len(rows)} row(s) put places in a planning area of another "
        f"phase ({'; '.join(shown)}{more}); expected the code of a planning area of the row's "
        "phase (a middle school has one row per phase, each with its own area). Those places "
        "would count in no area: correct the area code or the phase."
    )


def year_group_shares(
    capacity: pd.DataFrame,
    area_ncys: dict[str, tuple[int, ...]],
    authority_pupils: pd.DataFrame,
    year: int,
) -> pd.DataFrame:
    """Share of each year group's pupils in each area, from the schools' year groups.

    Used where areas teach part of a phase (a three-tier authority whose first, middle and
    high schools have planning areas of their own). Each school's roll is spread over the
    year groups it teaches (``ncy_min``-``ncy_max``, within its area's) in proportion to the
    authority's pupils in those year groups in the capacity file's ``year``,
    ``roll(s, g) = roll(s) L(g) / sum_{g' in G(s)} L(g')``, and year group ``g`` is shared
    among the areas in proportion to their schools' ``roll(s, g)``. A middle school's Years
    5-6 roll thus counts in Years 5-6 only, where a first school's counts in R-Y4. Where
    every school of a phase teaches its whole range this is :func:`area_shares`' ``share``.

    Parameters
    ----------
    capacity : DataFrame
        Canonical capacity (``area``, ``roll``, ``ncy_min``, ``ncy_max``).
    area_ncys : dict
        Year groups each area teaches (``AreaConfig.ncys``).
    authority_pupils : DataFrame
        Canonical pupils of the authority; ``year`` is used if present, else the nearest year.
    year : int
        Academic year of the capacity file's rolls.

    Returns
    -------
    DataFrame
        ``area, ncy, share`` for every year group each area teaches (shares sum to 1 within
        each year group some school teaches; 0 for an area none of whose schools teach it).
    """
    la = authority_pupils.groupby([nc.YEAR, nc.NCY])[nc.PUPILS].sum()
    years = la.index.get_level_values(nc.YEAR).unique()
    if not len(years):
        raise SchemaError("authority pupils: no rows to weight the year groups by")
    y = int(years[np.argmin(np.abs(years.to_numpy() - year))])
    G = np.arange(0, 14)
    size = la.xs(y, level=nc.YEAR).reindex(G).fillna(0.0).to_numpy(dtype=float)
    areas = list(area_ncys)
    teaches = np.zeros((len(areas), len(G)), dtype=bool)
    for i, a in enumerate(areas):  # one row per planning area
        teaches[i, list(area_ncys[a])] = True
    cap = capacity[capacity[nc.AREA].astype(str).isin(areas)]
    ai = pd.Index(areas).get_indexer(cap[nc.AREA].astype(str))
    lo = cap["ncy_min"].to_numpy(dtype=int)[:, None]
    hi = cap["ncy_max"].to_numpy(dtype=int)[:, None]
    covers = (G[None, :] >= lo) & (G[None, :] <= hi) & teaches[ai]  # (schools, G)
    weight = np.where(covers, size[None, :], 0.0)
    tot = weight.sum(axis=1, keepdims=True)
    roll = np.nan_to_num(cap[nc.ROLL].to_numpy(dtype=float))[:, None]
    by_school = np.divide(roll * weight, tot, out=np.zeros_like(weight), where=tot > 0)
    by_area = np.zeros((len(areas), len(G)))
    np.add.at(by_area, ai, by_school)
    col = by_area.sum(axis=0, keepdims=True)
    share = np.divide(by_area, col, out=np.zeros_like(by_area), where=col > 0)
    # a year group some area teaches but no school's year groups cover (a tidy capacity file
    # listing an 11-16 school in a Years 9-13 area, say): shared by the areas teaching it in
    # proportion to their rolls per year group taught, rather than dropped
    orphan = teaches.any(axis=0) & (col[0] <= 0)
    if orphan.any():
        roll_a = np.bincount(ai, weights=roll[:, 0], minlength=len(areas))
        per = (teaches * size[None, :]).sum(axis=1)
        dens = np.divide(roll_a, per, out=np.zeros_like(roll_a), where=per > 0)
        w = np.where(teaches[:, orphan], dens[:, None], 0.0)
        tot = w.sum(axis=0, keepdims=True)
        share[:, orphan] = np.divide(w, tot, out=np.zeros_like(w), where=tot > 0)
        warnings.warn(
            f"capacity: no school's year groups cover {', '.join(nc.NCY_LABELS[int(x)] for x in G[orphan])}, "
            "which some planning area teaches: those pupils are shared by the areas teaching them "
            "in proportion to their rolls per year group taught; check the schools' ncy_min and "
            "ncy_max against the areas' year_groups",
            DataQualityWarning,
            stacklevel=3,
        )
    r, g = np.nonzero(teaches)
    return pd.DataFrame({nc.AREA: np.asarray(areas)[r], nc.NCY: G[g], "share": share[r, g]})


def apportion_pupils(
    authority_pupils: pd.DataFrame, shares: pd.DataFrame, rolls: str = "SCAP 2015 rolls"
) -> pd.DataFrame:
    """Apportion authority pupils by year group to planning areas.

    ``pupils(a, t, g) = pupils(LA, t, g) * share(a, phase(g))`` where primary areas take
    R-Y6 and secondary areas Y7-Y14; or, with shares by year group
    (:func:`year_group_shares`, an ``ncy`` column), ``pupils(LA, t, g) * share(a, g)``
    (year groups after Year 13 go with Year 13).

    Parameters
    ----------
    authority_pupils : DataFrame
        Canonical pupils of one authority (any ``area`` value).
    shares : DataFrame
        Output of :func:`area_shares` or :func:`year_group_shares`.
    rolls : str
        The rolls the shares come from, for the ``source`` column ("SCAP 2015 rolls").

    Returns
    -------
    DataFrame
        Canonical pupils by planning area with ``kind = "derived"``, or ``"actual"`` where
        the area has the whole of its phase (a share of 1: the authority's own count).
    """
    la = authority_pupils.groupby([nc.YEAR, nc.NCY], as_index=False)[nc.PUPILS].sum()
    la = la[la[nc.NCY] >= 0]
    if nc.NCY in shares.columns:
        la["_g"] = la[nc.NCY].clip(upper=13)
        out = la.merge(
            shares[[nc.AREA, nc.NCY, "share"]].rename(columns={nc.NCY: "_g"}), on="_g", how="inner"
        )
        out = out[out["share"] > 0]
    else:
        la[nc.PHASE] = np.where(la[nc.NCY] <= 6, "primary", "secondary")
        out = la.merge(shares[[nc.AREA, nc.PHASE, "share"]], on=nc.PHASE, how="inner")
    out[nc.PUPILS] = out[nc.PUPILS] * out["share"]
    # an area that is all of its phase (or the only one teaching a year group) has the
    # authority's own count: observed, not apportioned
    whole = np.isclose(out["share"].to_numpy(float), 1.0, rtol=0, atol=1e-12)
    out[nc.KIND] = np.where(whole, "actual", "derived")
    out[nc.SOURCE] = np.where(
        whole,
        "authority census (the area's phase or year group is all in this area)",
        f"authority census apportioned by {rolls}",
    )
    cols = [nc.AREA, nc.YEAR, nc.NCY, nc.PUPILS, nc.KIND, nc.SOURCE]
    return out[cols].sort_values([nc.AREA, nc.YEAR, nc.NCY]).reset_index(drop=True)


def apportion_births(
    district_births: pd.DataFrame,
    area_districts: pd.DataFrame,
    shares: pd.DataFrame,
    rolls: str = "SCAP 2015 primary rolls",
) -> pd.DataFrame:
    """Split district births across the primary planning areas they feed.

    ``births(a, y) = sum_d births(d, y) * roll(a) / sum_{a' in d} roll(a')`` over the districts
    ``d`` listed for area ``a``; an area listing several districts takes a roll-weighted part
    of each.

    Parameters
    ----------
    district_births : DataFrame
        Canonical births with ``area`` = district code.
    area_districts : DataFrame
        ``area``, ``district`` pairs (primary areas only).
    shares : DataFrame
        Output of :func:`area_shares` (uses ``roll``).
    rolls : str
        The rolls the shares come from, for the ``source`` column ("SCAP 2015 primary rolls").

    Returns
    -------
    DataFrame
        Canonical births by primary planning area, ``kind = "derived"``, or ``"actual"`` for
        an area that takes each of its districts whole (no other area shares them: nothing is
        split; Stoke-on-Trent's one primary area was labelled derived); only years in which
        every district has a figure.
    """
    ad = area_districts.merge(shares[[nc.AREA, nc.ROLL]], on=nc.AREA, how="left")
    ad["w"] = ad[nc.ROLL] / ad.groupby(nc.DISTRICT)[nc.ROLL].transform("sum")
    b = district_births.rename(columns={nc.AREA: nc.DISTRICT})
    m = ad.merge(b[[nc.DISTRICT, nc.YEAR, nc.BIRTHS, nc.KIND]], on=nc.DISTRICT, how="inner")
    need = ad.groupby(nc.AREA)[nc.DISTRICT].nunique()
    m["_b"] = m[nc.BIRTHS] * m["w"]
    g = (
        m.groupby([nc.AREA, nc.YEAR])
        .agg(
            births=("_b", "sum"),
            n=(nc.DISTRICT, "nunique"),
            projected=(nc.KIND, lambda k: bool((k != "actual").any())),
        )
        .reset_index()
    )
    g = g[g["n"].to_numpy() == need.reindex(g[nc.AREA]).to_numpy()]
    whole = np.isclose(ad["w"].to_numpy(dtype=float), 1.0)
    whole = pd.Series(whole).groupby(ad[nc.AREA].to_numpy()).all()
    own = whole.reindex(g[nc.AREA]).fillna(False).to_numpy(dtype=bool)
    out = pd.DataFrame(
        {
            nc.AREA: g[nc.AREA].to_numpy(),
            nc.YEAR: g[nc.YEAR].to_numpy().astype("int64"),
            nc.BIRTHS: g["births"].to_numpy(dtype=float),
            nc.KIND: np.where(
                g["projected"].to_numpy(), "projected", np.where(own, "actual", "derived")
            ),
            nc.SOURCE: np.where(
                own,
                "ONS district births (whole districts, not split)",
                f"ONS district births split by {rolls}",
            ),
        }
    )
    return out.sort_values([nc.AREA, nc.YEAR]).reset_index(drop=True)
