"""Load every input of a model definition into canonical tables, with provenance.

:func:`load_inputs` is the one place that turns ``[data]`` entries into frames: it picks the
reader, validates, derives planning-area history where the model asks for it, and records
what was read (file, checksum, years) and what was derived.
"""

from __future__ import annotations

import logging
import re
import sys
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from os import PathLike
from typing import Any

import numpy as np
import pandas as pd

from . import nomenclature as nc
from ._values import did_you_mean_code, first_few, joined, plural
from .config import ModelConfig
from .derive import (
    apportion_births,
    apportion_pupils,
    area_shares,
    check_area_phases,
    history_note,
    year_group_shares,
)
from .exceptions import ConfigError, DataQualityWarning, SchemaError, SufficiencyWarning
from .housing import secondary_sites_message
from .io._common import Provenance
from .io.births import (
    aggregate_births,
    nowcast_births,
    read_births,
    read_births_and_calendar,
    read_district_lookup,
)
from .io.census import read_census_ncy, read_spc_pupils
from .io.intake import late_rows_message, read_intake
from .io.scap import SCAP_YEAR, read_scap_capacity
from .io.tidy import read_school_census, read_tidy

__all__ = ["ModelInputs", "load_inputs"]

logger = logging.getLogger(__name__)


def _rolls_file(cap_src) -> str | None:
    """ "the capacity file cap.csv" when the capacity data (and so the rolls a derived history
    is apportioned by) are the analyst's own file, None for the DfE SCAP 2015 file."""
    return None if cap_src.reader == "scap" else f"the capacity file {cap_src.path.name}"


@dataclass(frozen=True)
class ModelInputs:
    """Canonical input tables of a model, ready for the forecast, the plan and the report.

    Attributes
    ----------
    pupils : DataFrame
        Pupils by planning area, year and year group (``kind`` says actual or derived).
    authority_pupils : DataFrame
        Pupils by year group for the whole authority (``area`` = authority code), as published.
    births : DataFrame
        Births by primary planning area (``kind`` actual/derived/projected).
    authority_births : DataFrame
        Births summed over the authority's districts.
    capacity : DataFrame
        School capacity by school and phase of places, with planning area.
    housing : DataFrame or None
        Dwelling completions by area and year, if the model has them.
    provenance : tuple of Provenance
        One record per file read or table derived.
    notes : tuple of str
        Assumptions and derivations a reader of the results must know.
    warnings : tuple of str
        The data-quality warnings raised while loading (a school name mended, a school with
        a quarter of its places filled, ...), issued as warnings too, kept for the report.
    births_nowcast : DataFrame or None
        The first mid-year of births not yet published, by primary planning area, estimated
        from the latest calendar-year births (:func:`sufficiency.io.births.nowcast_births`;
        ``kind = "projected"``); the forecast uses it in place of a projection.
    births_projection : DataFrame or None
        A supplied projection of births (``[data.births_projection]``, ONS's subnational
        projections, say), by primary planning area, for the mid-years after the births
        data (and the nowcast), ``kind = "projected"``; the forecast uses it in place of its
        own projection (:attr:`births_supplied`).
    intake : DataFrame or None
        A known intake (``[data.intake]``): expected pupils on roll by planning area,
        forecast year and year group (``area, year, ncy, pupils`` and any bounds given),
        which the forecast takes in place of its own figures there
        (:func:`sufficiency.forecast.run_forecast`); None without one.
    """

    config: ModelConfig
    pupils: pd.DataFrame
    authority_pupils: pd.DataFrame
    births: pd.DataFrame
    authority_births: pd.DataFrame
    capacity: pd.DataFrame
    housing: pd.DataFrame | None
    provenance: tuple[Provenance, ...]
    notes: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    births_nowcast: pd.DataFrame | None = None
    warnings: tuple[str, ...] = ()
    births_projection: pd.DataFrame | None = None
    intake: pd.DataFrame | None = None

    @property
    def intake_source(self) -> str:
        """The known intake in words for the forecast's note: its file, the key, and the
        model definition's ``source`` text where it gives one (``"intake.csv ([data.intake];
        offers at 16 April 2026)"``); empty without a known intake."""
        src = self.config.data.get("intake")
        if self.intake is None or src is None:
            return ""
        said = str(src.options.get("source", "")).strip()
        return f"{src.path.name} ([data.intake]{'; ' + said if said else ''})"

    @property
    def births_supplied(self) -> pd.DataFrame | None:
        """Births beyond the births data that the forecast takes instead of projecting them:
        the nowcast, then the supplied projection for the later mid-years; None when there
        are neither."""
        parts = [b for b in (self.births_nowcast, self.births_projection) if b is not None]
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        now, proj = parts
        later = proj[~proj[nc.YEAR].isin(set(now[nc.YEAR].astype(int)))]
        return pd.concat([now, later], ignore_index=True)

    @property
    def derived(self) -> bool:
        """Whether planning-area pupil history is derived from the authority's totals rather
        than observed (``[data.pupils_by_area] reader = "derived"``), even where an area has
        the whole of its phase and so the census's own count (kind ``actual``): the model
        still has only the authority's history, so its intervals are calibrated on
        authorities."""
        src = self.config.data.get("pupils_by_area")
        return bool((src is not None and src.derived) or (self.pupils[nc.KIND] == "derived").any())

    @property
    def derived_areas(self) -> frozenset[str]:
        """Codes of the planning areas whose pupil history is derived (kind ``derived``):
        empty where every area has the whole of its phase and so the census's own count."""
        p = self.pupils
        return frozenset(p.loc[p[nc.KIND] == "derived", nc.AREA].astype(str).unique())

    @property
    def capacity_file(self) -> str:
        """File name of the model's capacity data (``[data] capacity``)."""
        return self.config.data["capacity"].path.name

    @property
    def rolls_file(self) -> str | None:
        """The Council's own capacity file whose rolls a derived history is apportioned by
        ("the capacity file cap.csv"), or None for the DfE SCAP 2015 file's rolls."""
        return _rolls_file(self.config.data["capacity"])

    @property
    def base_year(self) -> int:
        """Last academic year with pupil data (the forecast's origin)."""
        by = self.config.assumptions.base_year
        return int(by) if by is not None else int(self.pupils[nc.YEAR].max())

    def areas_frame(self) -> pd.DataFrame:
        """The model's planning areas: code, name, phase, tiers."""
        return pd.DataFrame(
            [
                {nc.AREA: a.code, "name": a.name, nc.PHASE: a.phase, "tiers": a.tiers}
                for a in self.config.areas
            ]
        )

    def tables(self) -> dict[str, pd.DataFrame]:
        """The loaded tables by name: ``pupils``, ``authority_pupils``, ``births``,
        ``authority_births``, ``capacity`` and, where the model has them, ``births_nowcast``,
        ``births_projection``, ``housing`` and ``intake``. They are the attributes themselves, not copies: copy one before
        changing it (or ``copy.deepcopy(inputs)``), or every later result changes with it."""
        out = {
            "pupils": self.pupils,
            "authority_pupils": self.authority_pupils,
            "births": self.births,
            "authority_births": self.authority_births,
            "capacity": self.capacity,
        }
        if self.births_nowcast is not None:
            out["births_nowcast"] = self.births_nowcast
        if self.births_projection is not None:
            out["births_projection"] = self.births_projection
        if self.housing is not None:
            out["housing"] = self.housing
        if self.intake is not None:
            out["intake"] = self.intake
        return out


def _areas_frame(config: ModelConfig) -> pd.DataFrame:
    return pd.DataFrame([{nc.AREA: a.code, nc.PHASE: a.phase} for a in config.areas])


def _years_text(years: list[int]) -> str:
    if len(years) > 2 and years[-1] - years[0] + 1 == len(years):
        return f"{years[0]}..{years[-1]}"
    return ", ".join(map(str, years))


def _check_capacity_without_places(capacity: pd.DataFrame, source: str, lines: dict) -> None:
    """Warn about schools with a capacity of 0 and pupils on roll (a missing figure as 0?).
    ``lines``: ``(school, phase) -> line`` of the file read."""
    if nc.ROLL not in capacity:
        return
    zero = ((capacity[nc.CAPACITY] == 0) & (capacity[nc.ROLL] > 0)).to_numpy(dtype=bool)
    if not zero.any():
        return
    shown = _schools_listed(
        capacity, zero, lines, named=False, figures=lambda r: f": capacity 0, roll {r[nc.ROLL]:g}"
    )
    n = int(zero.sum())
    warnings.warn(
        f"{source}: column 'capacity': {n} school row(s) with capacity 0 but pupils on roll "
        f"({shown}); a missing figure written as 0? The area's places "
        "are counted without them, so its shortfall is overstated",
        DataQualityWarning,
        stacklevel=3,
    )


#: a school with fewer pupils than this share of its places (and at least 60 places) is
#: flagged as possibly still filling: the new free schools of 2013-2014 in the SCAP 2015 file
#: (Robert Owen Academy: 500 places, 47 pupils) and nothing else in the West Midlands
NEARLY_EMPTY_SHARE = 0.25
#: a school with more pupils on roll than this many times its places is warned of
OVERFULL_SHARE = 1.5


def _places_and_roll(r) -> str:
    return f": {r[nc.CAPACITY]:,.0f} places, {r[nc.ROLL]:,.0f} on roll"


def _schools_listed(
    capacity: pd.DataFrame,
    rows: np.ndarray,
    lines: dict,
    *,
    named: bool = True,
    phase: bool = True,
    figures=_places_and_roll,
) -> str:
    """The first five schools of ``capacity`` where ``rows`` is True, as a warning lists them
    ("school 3302010 'Abbey Park' primary (line 5): 420 places, 96 on roll, ..."), with
    " ..." when there are more; ``named`` and ``phase`` add the school's name (where the
    table has one) and phase, ``figures(row)`` what follows (None: nothing)."""
    named = named and "school_name" in capacity
    shown = []
    for _, r in capacity.loc[rows].head(5).iterrows():
        key = (str(r[nc.SCHOOL]), str(r[nc.PHASE]))
        shown.append(
            f"school {r[nc.SCHOOL]}"
            + (f" {r['school_name']!r}" if named and pd.notna(r["school_name"]) else "")
            + (f" {r[nc.PHASE]}" if phase else "")
            + (f" (line {lines[key]})" if key in lines else "")
            + (figures(r) if figures is not None else "")
        )
    return ", ".join(shown) + (" ..." if int(rows.sum()) > 5 else "")


def _check_nearly_empty_schools(capacity: pd.DataFrame, source: str, lines: dict) -> None:
    """Warn about schools with fewer than a quarter of their places filled: a school still
    filling (opened shortly before the data), closing, or a capacity recorded in error. Their
    places count in full, so the area's spare places may be overstated."""
    if nc.ROLL not in capacity:
        return
    low = (
        (capacity[nc.CAPACITY] >= 60)
        & (capacity[nc.ROLL] < NEARLY_EMPTY_SHARE * capacity[nc.CAPACITY])
    ).to_numpy(dtype=bool)
    if not low.any():
        return
    warnings.warn(
        f"{source}: {plural(int(low.sum()), 'school row')} with fewer than a quarter of the "
        f"places filled ({_schools_listed(capacity, low, lines)}): a school still filling "
        "(opened shortly before the capacity data), closing, or a capacity recorded in error? "
        "Its places count in full, so its area's spare places may be overstated; check them "
        "with the school",
        DataQualityWarning,
        stacklevel=3,
    )


def _check_rolls_above_capacity(capacity: pd.DataFrame, source: str, lines: dict) -> None:
    """Warn about schools with more than :data:`OVERFULL_SHARE` times as many pupils on roll
    as places: a roll typed with an extra digit (a Dudley trial's 4060 for 406 passed
    ``validate`` in silence, raising the authority's primary rolls from 25,613 to 29,267, and a
    derived history shares the census out by the rolls, so its area's share grew). No school
    in the SCAP 2015 file of the 14 West Midlands authorities (2,183 schools) has more than
    1.34 times its places on roll."""
    if nc.ROLL not in capacity:
        return
    high = (
        (capacity[nc.CAPACITY] > 0) & (capacity[nc.ROLL] > OVERFULL_SHARE * capacity[nc.CAPACITY])
    ).to_numpy(dtype=bool)
    if not high.any():
        return
    warnings.warn(
        f"{source}: column 'roll': {plural(int(high.sum()), 'school row')} with more than "
        f"{OVERFULL_SHARE:g} times as many pupils on roll as places "
        f"({_schools_listed(capacity, high, lines)}); expected a roll near the capacity: a "
        "digit typed twice? A derived history shares the census out by the rolls, so such a "
        "roll overstates its area's pupils; check it with the school",
        DataQualityWarning,
        stacklevel=3,
    )


def _check_capacity_year(cfg: ModelConfig, cap_src, census: pd.DataFrame | None) -> None:
    """Warn when ``[data.capacity] year`` (the academic year of the SCAP file's figures, which
    the report's out-of-date capacity warning and the citation rest on) cannot be the file's:
    after the year that follows the latest census, or at odds with the collection year in
    the file's name (``scap_2015_...`` is the 2015 collection, academic year 2014/15). It was
    taken on trust: ``year = 2022`` for the 2015 file silenced the report's warning that the
    capacity is eight years old, and ``year = 2040`` passed ``validate``."""
    if cap_src.reader != "scap":
        return
    year = int(cap_src.options.get("year", SCAP_YEAR))
    key = f"{cfg.shown_path}: [data.capacity] year = {year} ({nc.academic_year_label(year)})"
    if census is not None and not census.empty:
        latest = int(census[nc.YEAR].max())
        if year > latest + 1:
            warnings.warn(
                f"{key} is after {nc.academic_year_label(latest + 1)}, the year after the "
                f"latest census ({nc.academic_year_label(latest)}); expected the academic "
                "year the capacity figures were collected for (2014 for the DfE's SCAP 2015 "
                "file)",
                DataQualityWarning,
                stacklevel=3,
            )
            return
    named = set(re.findall(r"(?<!\d)(20\d\d)(?!\d)", cap_src.path.name))
    if len(named) == 1:
        collection = int(named.pop())
        if year not in (collection - 1, collection):
            warnings.warn(
                f"{key}, but the file's name {cap_src.path.name} says the {collection} "
                f"collection (academic year {nc.academic_year_label(collection - 1)}); "
                f"expected year = {collection - 1}. The year dates the capacity in the "
                "report, and says whether it is out of date",
                DataQualityWarning,
                stacklevel=3,
            )


def _check_rolls_for_derived(capacity: pd.DataFrame, source: str, lines: dict) -> None:
    """A derived history apportions the census by the schools' pupils on roll, so the capacity
    table needs them: without a ``roll`` column it is an error naming the file and column (a
    Telford and Wrekin trial's current capacity in the tidy layout, where ``roll`` is
    optional, ended in ``KeyError: 'Column not found: roll'``); schools without one are
    warned of, as they count as empty in their area's share."""
    if nc.ROLL not in capacity.columns or capacity[nc.ROLL].isna().all():
        raise SchemaError(
            f"{source}: column 'roll': "
            + ("not in the file" if nc.ROLL not in capacity.columns else "empty in every row")
            + f" (columns: {', '.join(map(str, capacity.columns))}); expected each school's "
            "pupils on roll: [data.pupils_by_area] is derived, which apportions the authority's "
            "census among the planning areas by their schools' rolls. Add a roll column (pupils "
            "on roll by school, e.g. from the January census), or give pupils by area "
            '([data] pupils_by_area = { path = "school_census.csv", reader = "school_census" })'
        )
    missing = capacity[nc.ROLL].isna().to_numpy(dtype=bool)
    if missing.any():
        shown = _schools_listed(capacity, missing, lines, named=False, phase=False, figures=None)
        n = int(missing.sum())
        warnings.warn(
            f"{source}: column 'roll': {plural(n, 'school row')} without pupils on roll "
            f"({shown}); the derived history apportions the census by "
            "the schools' rolls, so these count as empty and their areas' shares are understated: "
            "give each school its roll",
            DataQualityWarning,
            stacklevel=3,
        )


#: relative difference of an extract's yearly R-Y13 total from the authority's census beyond
#: which it is warned of (PRUs, in the census file, are 0.1-0.2% of Worcestershire's pupils)
EXTRACT_TOLERANCE = 0.03


def _check_extract_against_census(
    pupils: pd.DataFrame, authority: pd.DataFrame, source: str, census: str
) -> None:
    """Warn where the pupils by area (a school-level extract) differ from the authority's
    January census by more than :data:`EXTRACT_TOLERANCE` in a year both have: a school left
    out of the extract (or one of another authority in it) moves every area's history, and
    nothing said so (a Telford and Wrekin trial's extract of 2015 rolls held flat read 25,634
    pupils in 2017/18 against the census's 27,409, and validate found "No problems")."""

    def total(frame: pd.DataFrame) -> pd.Series:
        f = frame[(frame[nc.NCY] >= 0) & (frame[nc.NCY] <= 13)]
        return f.groupby(nc.YEAR)[nc.PUPILS].sum()

    ext, cen = total(pupils), total(authority)
    years = sorted(set(ext.index) & set(cen.index))
    diff = [
        (int(y), float(ext[y]), float(cen[y]))
        for y in years
        if cen[y] > 0 and abs(ext[y] / cen[y] - 1) > EXTRACT_TOLERANCE
    ]
    if not diff:
        return
    shown = ", ".join(
        f"{nc.academic_year_label(y)} {e:,.0f} against {c:,.0f} ({e / c - 1:+.1%})"
        for y, e, c in diff[:3]
    )
    warnings.warn(
        f"{source}: column 'pupils': the pupils by planning area (R-Y13) differ from the "
        f"authority's January census ({census}) by more than {EXTRACT_TOLERANCE:.0%} in "
        f"{plural(len(diff), 'year')} of {len(years)} ({shown}{' ...' if len(diff) > 3 else ''}); "
        "expected about the census's total each year: check that the extract holds every "
        "state-funded school of the authority and none of another, as a school left out "
        "moves every area's history",
        DataQualityWarning,
        stacklevel=3,
    )


def _observed_areas_sentence(cfg: ModelConfig, pupils: pd.DataFrame) -> str:
    """`` The exception: planning area 8940008 (secondary) ...``: the areas of a derived history
    that have the whole of their phase, and so the census's own count (kind ``actual``), or
    ``""`` where there are none. A Telford and Wrekin trial (seven primary areas apportioned,
    one secondary area with the whole of its phase) read "It is not observed data" in every
    note and the report's Method while its secondary figures were the census's own."""
    kinds = pupils.groupby(pupils[nc.AREA].astype(str))[nc.KIND].agg(
        lambda k: bool((k == "actual").all())
    )
    phase = {a.code: a.phase for a in cfg.areas}
    codes = [c for c in (a.code for a in cfg.areas) if kinds.get(c, False)]
    if not codes:
        return ""
    named = [f"{c} ({phase[c]})" for c in codes]
    if len(named) == 1:
        return (
            f" The exception: planning area {named[0]} has the whole of its phase, so its "
            'history is the authority\'s own January census count (kind "actual"), '
            "observed, not an estimate."
        )
    return (
        f" The exceptions: planning areas {joined(named)} each have the whole of their phase, so "
        'their history is the authority\'s own January census count (kind "actual"), '
        "observed, not an estimate."
    )


def _check_phase_year_groups(cfg: ModelConfig, pupils: pd.DataFrame, source: str) -> None:
    """Warn about pupils in year groups of the other phase (Year 9 in a primary area).

    The forecast of an area uses only its own phase's year groups (R-Y6 primary, Y7-Y13
    secondary), so such rows are left out; nursery and Year 14 rows are left out quietly.
    """
    other = {a.code: set(range(0, nc.NCY_MAX + 1)) - {14} - set(a.ncys) for a in cfg.areas}
    phase = {
        a.code: a.phase if not a.year_groups else f"{a.phase}, Y{a.ncys[0]}-Y{a.ncys[-1]}"
        for a in cfg.areas
    }
    p = pupils[pupils[nc.PUPILS] > 0]
    bad = [ncy in other.get(a, ()) for a, ncy in zip(p[nc.AREA], p[nc.NCY])]
    if not any(bad):
        return
    hit = p.loc[bad]
    groups = hit.groupby(nc.AREA)[nc.NCY].agg(lambda s: sorted(set(s)))
    shown = "; ".join(
        f"area {a} ({phase[a]}): {', '.join(nc.NCY_LABELS[int(g)] for g in gs)}"
        for a, gs in groups.head(5).items()
    )
    warnings.warn(
        f"{source}: column 'ncy': {len(hit)} row(s) put pupils ({hit[nc.PUPILS].sum():,.0f} in all) "
        f"in year groups outside their planning area's phase ({shown}"
        f"{' ...' if len(groups) > 5 else ''}); they are left out of the forecast. Expected "
        "R-Y6 in primary areas and Y7-Y13 in secondary areas (or the area's year_groups): put "
        "the rows in the area of the right phase (a middle school's Year 7 and 8 in its "
        "secondary area)",
        DataQualityWarning,
        stacklevel=3,
    )


def _housing_rows(rows: pd.DataFrame, most: int = 5) -> str:
    """The first ``most`` housing rows in words for a warning: ``"8850031 2019 'Site'
    (120 dwellings)"``, joined, with ``" and more"`` when there are more."""
    shown = [
        f"{r[nc.AREA]} {int(r[nc.YEAR])}"
        + (f" '{r['site']}'" if "site" in rows and pd.notna(r.get("site")) and r["site"] else "")
        + f" ({r[nc.DWELLINGS]:,.0f} dwellings)"
        for _, r in rows.head(most).iterrows()
    ]
    return joined(shown) + (" and more" if len(rows) > most else "")


def _warn_past_housing(housing: pd.DataFrame, source: str, base_year: int) -> None:
    """Completions in or before the base year add no pupils (the forecast adds housing from
    the year after it; their pupils are in the census and the survival ratios): a warning
    naming them, not a silent drop (a Herefordshire trial's 2019 completions were left out
    without a word)."""
    past = housing[housing[nc.YEAR] <= base_year]
    if past.empty:
        return
    warnings.warn(
        f"{source}: column 'year': {plural(len(past), 'row')} in or before the base year "
        f"{nc.academic_year_label(base_year)} ({base_year}): {_housing_rows(past)}; not used: "
        f"the forecast adds the pupils of completions from "
        f"{nc.academic_year_label(base_year + 1)} on (those of earlier ones are in the census "
        "it starts from). Leave them out, or check the years are academic years by their start "
        "(2024 = 2024/25)",
        DataQualityWarning,
        stacklevel=3,
    )


def _warn_late_housing(housing: pd.DataFrame, source: str, base_year: int, horizon: int) -> None:
    """Completions after the forecast's last year add no pupils to it: a warning naming them,
    not a silent drop (a Wolverhampton trial's 2052, typed for 2025, was left out without a
    word, where a row in or before the base year is warned of)."""
    last = base_year + horizon
    late = housing[housing[nc.YEAR] > last]
    if late.empty:
        return
    warnings.warn(
        f"{source}: column 'year': {plural(len(late), 'row')} after the forecast's last year "
        f"{nc.academic_year_label(last)} ({last}, [assumptions] horizon = {horizon}): "
        f"{_housing_rows(late)}; not used by a run of that horizon (a run's --horizon can "
        "reach them). Check the years are academic years by their start (2025 = 2025/26), or "
        "lengthen the horizon",
        DataQualityWarning,
        stacklevel=3,
    )


def _check_area_years(pupils: pd.DataFrame, source: str, base_year: int) -> None:
    """Every planning area must have pupils up to the base year.

    A gap inside an area's years is caught by the reader; an area whose rows stop early would
    otherwise be forecast from its own last year, silently a year or more behind the others
    (review 2, N1: Bewdley primary 2027/28 575 instead of 865).
    """
    last = pupils.groupby(nc.AREA)[nc.YEAR].max()
    short = last[last < base_year]
    if short.empty:
        return
    others = sorted(set(last[last >= base_year].astype(int)))
    described = "; ".join(
        f"area {a} ends in {int(y)} (missing {_years_text(list(range(int(y) + 1, base_year + 1)))})"
        for a, y in short.head(5).items()
    ) + (f"; and {len(short) - 5} more area(s)" if len(short) > 5 else "")
    rest = (
        f"the other areas end in {', '.join(map(str, others))}" if others else "no area reaches it"
    )
    raise SchemaError(
        f"{source}: column 'year': {described}; {rest}. Expected every planning area to have "
        f"rows for the base year {nc.academic_year_label(base_year)} ({base_year}) and every "
        "year before it back to its first. Add the missing years' rows or set [assumptions] "
        "base_year to the last year every area has."
    )


def _read_births_projection(src, needed: list[str], what: str, prov: list) -> pd.DataFrame:
    """``[data.births_projection]``: a tidy births file (``area, year, births``) whose areas are
    those of the births data (ONS districts with the ``ons_births`` reader, planning areas
    with ``tidy``); rows of other areas are left out (a national projection file serves every
    authority), each needed area must have rows. Recorded in ``prov`` as projected."""
    # a national file's other authorities are not checked (their odd figures are not ours)
    lb = read_tidy(
        src.path, "births", kind="projected", publisher="supplied projection", used_areas=needed
    )
    data = lb.data
    have = set(data[nc.AREA].astype(str))
    absent = [a for a in needed if a not in have]
    if absent:
        # a file of other areas only (planning areas for district births, say) names them (a
        # trial's projection by planning area was told only the districts it lacked)
        own = sorted(have - set(needed))
        theirs = (
            f"; its areas are {first_few(own, 5)}, none of them a {what} of the births data"
            if own and not have & set(needed)
            else ""
        )
        raise SchemaError(
            f"{src.path}: column 'area': no rows for {what}(s) {', '.join(absent[:10])}"
            f"{' ...' if len(absent) > 10 else ''}; expected projected births for every {what} "
            f"of the births data ({len(needed)}: {', '.join(needed[:10])}"
            f"{' ...' if len(needed) > 10 else ''}){theirs}"
        )
    used = data[data[nc.AREA].astype(str).isin(set(needed))].assign(**{nc.KIND: "projected"})
    # the rows and years the model uses (a national file has every authority's: data list
    # said rows=420 where validate said 204)
    span = (int(used[nc.YEAR].min()), int(used[nc.YEAR].max()))
    prov += [
        replace(p, table="births_projection", kind="projected", rows=len(used), years=span)
        for p in lb.provenance
    ]
    return used


def _births_as_at(
    births: pd.DataFrame, base_year: int | None, path, notes: list[str]
) -> pd.DataFrame:
    """Births to mid-``base_year`` only, for a forecast from a base year before the pupil
    data's last (``[assumptions] base_year``), with a note; ``births`` itself otherwise.

    The forecast then uses the data as they stood at its base year, as the backtest does from
    each origin: the model's ratios and Reception come from births to mid-``base_year``, the
    next mid-year is nowcast from calendar-year ``base_year`` births, and the later ones are
    projected (or taken from ``[data.births_projection]``). Later published mid-years were
    left between the fitted births and the nowcast, and the forecast stopped at them ("supplied
    births leave mid-year(s) out").
    """
    if base_year is None or births.empty or births[nc.YEAR].max() <= base_year:
        return births
    later = sorted(set(births.loc[births[nc.YEAR] > base_year, nc.YEAR].astype(int)))
    notes.append(
        f"Forecast from the base year {nc.academic_year_label(base_year)} "
        "([assumptions] base_year), as the data stood then: births to mid-"
        f"{base_year} only; the births file's mid-{later[0]}"
        + (f" to mid-{later[-1]}" if len(later) > 1 else "")
        + f" births ({getattr(path, 'name', path)}) are not used: the next mid-year is estimated "
        "and the later ones projected, as for a forecast made that year."
    )
    return births[births[nc.YEAR] <= base_year].reset_index(drop=True)


def _projection_after_data(
    proj: pd.DataFrame,
    births: pd.DataFrame,
    nowcast: pd.DataFrame | None,
    source: str,
    as_at: int | None = None,
) -> tuple[pd.DataFrame | None, str]:
    """The supplied projection's mid-years after each area's births data and nowcast (the
    published figures, and the estimate from published calendar-year births, come first),
    and the note that says which mid-years it gives; None with a warning when it gives none.
    ``as_at``: the base year the births were cut to (:func:`_births_as_at`), said in the
    error of a gap."""
    last = births.groupby(nc.AREA)[nc.YEAR].max()
    if nowcast is not None and len(nowcast):
        last = pd.concat([last, nowcast.groupby(nc.AREA)[nc.YEAR].max()]).groupby(level=0).max()
    after = proj[nc.YEAR].to_numpy(int) > proj[nc.AREA].map(last).fillna(-1).to_numpy(int)
    kept = proj[after].assign(**{nc.KIND: "projected"}).reset_index(drop=True)
    # a projection starting later than the mid-year after the data would leave those
    # mid-years without births (the forecast fills only the years after the last it is given:
    # Reception there came out as 0)
    first = kept.groupby(nc.AREA)[nc.YEAR].min()
    due = last.reindex(first.index).astype(int) + 1
    late = first[first > due]
    if len(late):
        spans: dict[tuple[int, int], list[str]] = {}
        for a, y in late.items():
            spans.setdefault((int(due[a]), int(y) - 1), []).append(str(a))
        gaps = "; ".join(
            f"mid-{lo}"
            + (f" to mid-{hi}" if hi > lo else "")
            + " ("
            + (f"every area, {len(a)}" if len(a) == len(first) else ", ".join(a[:5]))
            + (" ..." if len(a) > 5 and len(a) < len(first) else "")
            + ")"
            for (lo, hi), a in sorted(spans.items())
        )
        raise SchemaError(
            f"{source}: column 'year': no rows for the mid-years between the births data (with "
            f"its nowcast) and the projection's first: {gaps}; expected every mid-year from "
            f"the first after the births data (mid-{int(due.min())}), or the forecast has no "
            "births for them: add those years' projected births, "
            "or leave [data.births_projection] out"
            + (
                ""
                if as_at is None
                else f". The births data end at mid-{as_at} because [assumptions] base_year "
                f"= {as_at} takes them as they stood then: the births file's later mid-years "
                "are not used"
            )
        )
    name = source.rsplit("/", 1)[-1]
    dropped = sorted(set(proj.loc[~after, nc.YEAR].astype(int)))
    skipped = (
        f" Its mid-{dropped[0]}"
        + (f" to mid-{dropped[-1]}" if len(dropped) > 1 else "")
        + " births are in the births data (or its nowcast), which is used there."
        if dropped
        else ""
    )
    if kept.empty:
        msg = (
            f"{source}: [data.births_projection] gives no mid-year after the births data "
            f"{'and its nowcast ' if nowcast is not None and len(nowcast) else ''}"
            f"(mid-{int(last.max())}): it is not used.{skipped}"
        )
        warnings.warn(msg, DataQualityWarning, stacklevel=3)
        return None, msg
    y0, y1 = int(kept[nc.YEAR].min()), int(kept[nc.YEAR].max())
    return kept, (
        f"Births for mid-{y0} to mid-{y1} (Reception in {nc.academic_year_label(y0 + 4)} to "
        f"{nc.academic_year_label(y1 + 4)}) are the supplied projection {name} "
        "([data.births_projection]), not observed births: the forecast marks the cells "
        "that rest on them as resting on projected births (column births_projected), and "
        f"projects any later births itself.{skipped} The forecast's ranges are still those "
        "measured for its own projection of births, not for the supplied one."
    )


def _check_lookup(cfg: ModelConfig, lookup: pd.DataFrame, source: str) -> None:
    """The lookup must map every district the planning areas name to the model's authority.

    The authority's births (and the SEND and early years population) are summed over the
    districts the lookup gives it: a district missing from it, or given to another
    authority, silently lowers them (review 2, N4: a deleted Worcester row took 1,256 births
    a year off the authority). A district the lookup gives the authority but no planning
    area names counts in the authority's births and in no area's: a warning.
    """
    named: dict[str, list[str]] = {}
    for a in cfg.areas:
        for d in a.districts:
            named.setdefault(d, []).append(a.code)
    ours = set(lookup.loc[lookup[nc.AREA] == cfg.authority, nc.DISTRICT])
    mine_rows = lookup[lookup[nc.AREA] == cfg.authority].drop_duplicates(nc.DISTRICT)
    titles = (
        mine_rows["district_name"].fillna("").astype(str).str.strip()
        if "district_name" in mine_rows
        else pd.Series("", index=mine_rows.index)
    )
    # the authority's districts with their names, for the did-you-mean and the list expected
    # (a Staffordshire trial: a code typed with two digits swapped got no suggestion)
    districts = dict(sorted(zip(mine_rows[nc.DISTRICT].astype(str), titles)))
    listed = ", ".join(f"{c} {n}".strip() for c, n in districts.items())
    for d, codes in named.items():
        if d in ours:
            continue
        elsewhere = sorted(set(lookup.loc[lookup[nc.DISTRICT] == d, nc.AREA]))
        if elsewhere:  # a district of another authority: the model's [[areas]] are wrong
            mine = sorted(ours)
            raise ConfigError(
                f"{cfg.shown_path}: [[areas]] {', '.join(codes)}: districts includes {d}, which "
                f"{source} gives to {', '.join(elsewhere)}, not to the model's authority "
                f"{cfg.authority}; expected districts of "
                f"{cfg.authority} ({listed or ', '.join(mine)}), or, if {d} is "
                f"{cfg.authority}'s, a lookup row that gives it to {cfg.authority}"
            )
        by_name = [
            c for c, n in districts.items() if n and n.casefold() == str(d).strip().casefold()
        ]
        if by_name:
            # a district written by its name (a Warwickshire trial was told to add a lookup
            # row keyed by the name): districts takes the ONS code
            raise ConfigError(
                f"{cfg.shown_path}: [[areas]] {', '.join(codes)}: districts = [{d!r}] is a "
                f'district\'s name; expected its ONS code: "{by_name[0]}" for {d} (the '
                f"districts of {cfg.authority} in {source}: {listed})"
            )
        found = "the lookup has no row for it" + did_you_mean_code(d, districts)
        raise ConfigError(
            f"{source}: district {d} (named by [[areas]] {', '.join(codes)} of {cfg.path.name}): "
            f"{found}; expected one of the districts of {cfg.authority} in the lookup"
            + (f" ({listed})" if listed else "")
            + f", or a row mapping {d} to the model's authority {cfg.authority}, "
            f"e.g. '{d},<district name>,{cfg.authority},{cfg.authority_name}'"
        )
    unnamed = sorted(ours - set(named))
    if unnamed and named:
        warnings.warn(
            f"{source}: district(s) {', '.join(unnamed)} of authority {cfg.authority} are named "
            "by no planning area ([[areas]] districts): their births count in the authority's "
            "births but no planning area's Reception; no planning area receives them",
            DataQualityWarning,
            stacklevel=3,
        )


def _labelled(code: str, name: str) -> str:
    """``"8602008 (Uttoxeter first schools)"``; the code alone when the name already holds it
    (``sufficiency new`` names areas "Planning area 8602008 (primary)")."""
    said = re.search(rf"(?<![\w]){re.escape(str(code))}(?![\w])", str(name))
    return str(code) if said else f"{code} ({name})"


def _warn_middle_school_areas(cfg: ModelConfig, capacity: pd.DataFrame, source: str) -> None:
    """Warn about secondary planning areas of middle schools only that do not say so.

    Some three-tier authorities (Staffordshire) give their middle schools planning areas of
    their own, apart from the high schools they feed. Without ``year_groups`` the engine
    models such an area as Years 7-13 fed by primary areas, so it gets demand for year groups
    its schools do not teach and the high-school area none for Years 7-8 (found by a
    new-authority test, 27 November 2026). ``year_groups = [7, 8]`` and a ``transfer`` of
    Year 8 to the high-school areas model it (since the night of 27 November 2026).
    """
    advice = {
        "primary": (
            4,
            "first schools (no year group after Year 4)",
            "Reception-Year 6, so their "
            "Years 5-6 are set against first-school places. Give each year_groups = "
            "[0, 1, 2, 3, 4] and a transfer of its Year 4 to the primary areas whose "
            "middle schools take Year 5",
        ),
        "secondary": (
            8,
            "middle schools (no year group after Year 8)",
            "Years 7-13 fed by "
            "primary areas. Give each year_groups = [7, 8] and a transfer of its Year "
            "8 to the high-school areas it feeds, and those areas year_groups = "
            "[9, 10, 11, 12, 13]",
        ),
    }
    names = cfg.area_names
    for phase, (top_ncy, schools, fix) in advice.items():
        whole = {a.code for a in cfg.areas if a.phase == phase and not a.year_groups}
        rows = capacity[capacity[nc.PHASE] == phase]
        called = next(
            (rows[c].astype(str) for c in ("school_name", nc.SCHOOL) if c in rows),
            pd.Series("", index=rows.index),
        )
        _, hi, _ = nc.year_groups_from_names(called, rows["ncy_min"], rows["ncy_max"])
        top = pd.Series(hi, index=rows.index).groupby(rows[nc.AREA]).max()
        hit = sorted(a for a in top.index if a in whole and top[a] == top_ncy)
        if hit:
            warnings.warn(
                f"{source}: {phase} planning area(s) "
                f"{', '.join(_labelled(a, names.get(a, a)) for a in hit)} have only {schools} but no year_groups: "
                f"they are modelled as {fix} (docs/model.md, [[areas]])",
                DataQualityWarning,
                stacklevel=3,
            )


def _warn_three_tier_labels(cfg: ModelConfig) -> None:
    """Warn where tier labels and ``year_groups`` disagree: areas of a three-tier pattern
    called two-tier (first-school and middle-school areas, ``year_groups`` ending before
    Year 6 or Year 11, the areas that send pupils to them and those they send pupils to: the
    report would label their schools' year groups as a two-tier area's, R-Y6, Y7-Y13), and
    areas giving both ``year_groups`` and ``tier_changes`` (year groups do not change)."""
    split = {a.code for a in cfg.areas if a.ends_early}
    linked = set(split)
    for a in cfg.areas:
        to = {s for s, v in a.transfer.items() if v > 0}
        if to & split:
            linked.add(a.code)
        if a.code in split:
            linked |= to
    changing = [a for a in cfg.areas if a.year_groups and a.tier_changes]
    if changing:
        warnings.warn(
            f"{cfg.shown_path}: planning area(s) "
            f"{', '.join(_labelled(a.code, a.name) for a in changing)} "
            "give both year_groups and tier_changes: the year groups an area teaches and its "
            "transfers do not change over time, only the tier labels do. Model a "
            "reorganisation (first schools becoming primary schools, say) as a scenario model "
            "(extends) with the new year_groups and transfers",
            DataQualityWarning,
            stacklevel=3,
        )
    hit = [a for a in cfg.areas if a.code in linked and a.tiers == "two_tier"]
    if hit:
        warnings.warn(
            f"{cfg.shown_path}: planning area(s) "
            f"{', '.join(_labelled(a.code, a.name) for a in hit)} "
            "are first-school or middle-school areas, or send pupils to or take pupils from "
            'one, but have tiers = "two_tier": give them tiers = "three_tier" so the '
            "report labels their schools' year groups right",
            DataQualityWarning,
            stacklevel=3,
        )


def _name_year_groups(cfg: ModelConfig, capacity: pd.DataFrame) -> pd.DataFrame:
    """In a model with areas teaching part of their phase, first schools' year groups from
    their names (R-Y4; the SCAP phase 'PS' does not tell them from primary schools), marked
    ``ncy_named``; a copy. Other models are left as they are (the report reads the names)."""
    if not any(a.year_groups for a in cfg.areas) or "school_name" not in capacity:
        return capacity
    return nc.named_year_groups(capacity)


def _clip_to_year_groups(cfg: ModelConfig, capacity: pd.DataFrame, source: str) -> pd.DataFrame:
    """Schools' year groups within their area's ``year_groups`` (the SCAP file codes every
    secondary school Y7-Y13, a Staffordshire 13-18 high school included); a copy. A school
    teaching none of its area's year groups is warned about and left as it is."""
    part = {a.code: a.ncys for a in cfg.areas if a.year_groups}
    if not part or "ncy_min" not in capacity:
        return capacity
    out = capacity.copy()
    areas = out[nc.AREA].astype(str)
    lo = areas.map(lambda a: part.get(a, (0,))[0]).to_numpy()
    hi = areas.map(lambda a: part.get(a, (99,))[-1]).to_numpy()
    apart = (out["ncy_max"].to_numpy() < lo) | (out["ncy_min"].to_numpy() > hi)
    apart &= areas.isin(list(part)).to_numpy()
    if apart.any():
        rows = out.loc[apart]
        shown = "; ".join(
            f"{r.get('school_name') or r.get(nc.SCHOOL)} (Y{int(r['ncy_min'])}-Y{int(r['ncy_max'])}) "
            f"in area {r[nc.AREA]} (year_groups {list(part[str(r[nc.AREA])])})"
            for _, r in rows.head(3).iterrows()
        )
        warnings.warn(
            f"{source}: {len(rows)} school(s) teach none of their planning area's year_groups "
            f"({shown}{' ...' if len(rows) > 3 else ''}): their places count in the area but "
            "serve no year group it forecasts; check the area's year_groups",
            DataQualityWarning,
            stacklevel=3,
        )
    sel = areas.isin(list(part)).to_numpy() & ~apart
    out.loc[sel, "ncy_min"] = np.maximum(out.loc[sel, "ncy_min"].to_numpy(), lo[sel])
    out.loc[sel, "ncy_max"] = np.minimum(out.loc[sel, "ncy_max"].to_numpy(), hi[sel])
    return out


def _la_numbers(area_codes: list[str]) -> list[int] | None:
    """The DfE LA numbers the model's planning-area codes begin with (a planning-area code is
    the LA number and 4 digits: 8850031 -> 885), or None if a code is not of that form."""
    if not area_codes or not all(len(c) == 7 and c.isdigit() for c in area_codes):
        return None
    return sorted({int(c[:3]) for c in area_codes})


#: the warning of a model whose planning-area history is derived (its notes say more)
#: the births note where the authority has one primary planning area: nothing to split
ONE_PRIMARY_AREA_BIRTHS = (
    "Births for the one primary planning area are the ONS births of the authority's "
    "districts: with one primary area there is nothing to split."
)
DERIVED_WARNING = (
    "planning-area pupil history is derived from authority totals (see notes); "
    "supply a school-level census extract as [data.pupils_by_area] to use "
    "observed data"
)


def _todo_note(cfg: ModelConfig) -> str:
    """The model's TODO comments left (:meth:`ModelConfig.todo_lines`) in one sentence for the
    warnings and the report's notes; "" when none is left (a Birmingham trial's report went
    out with 50 stand-in area names and nothing said it was a draft)."""
    todo = cfg.todo_comments()
    if not todo:
        return ""
    files = {}
    for f, line, _ in todo:
        files.setdefault(f, []).append(line)
    where = "; ".join(
        f"{cfg.shown_path if f == cfg.path else f.name} line{'s' if len(ls) > 1 else ''} "
        + ", ".join(map(str, ls[:10]))
        + (f" and {len(ls) - 10} more" if len(ls) > 10 else "")
        for f, ls in files.items()
    )
    n = len(todo)
    subjects = _todo_subjects(text for *_, text in todo)
    return (
        f"the model definition still has {n} TODO comment{'s' if n != 1 else ''} ({where}): "
        f"stand-ins for {subjects} to be replaced from the Council's own records; until "
        "they are, the results that rest on them are a draft"
    )


#: what the subject of a TODO comment ``sufficiency new`` writes stands in for, in words (the
#: word after TODO: ``# TODO names: ...``, ``# TODO transfers (...)``)
_TODO_SUBJECTS = {
    "names": "area names",
    "name": "area names",
    "districts": "districts",
    "transfers": "transfer shares",
    "selective": "selective schools",
    "three-tier": "three-tier areas",
    "first_year": "the plan's first year",
    "entitlements": "early years entitlements",
    "studio": "studio schools and UTCs",
}
_TODO_SUBJECT = re.compile(r"#.*?\bTODO\b[\s:]*([A-Za-z_][\w-]*)")


def _todo_subjects(comments: Iterable[str]) -> str:
    """The subjects of the TODO comment lines ``comments`` (:meth:`ModelConfig.todo_comments`)
    in words, in the order they first appear: "area names, transfer shares and the plan's first
    year"; a comment of another subject (the analyst's own) is "other items". Only the
    stand-ins the model still has are named (a Coventry trial's note named districts, which
    ``sufficiency new`` had written for its one district with no TODO)."""
    said: list[str] = []
    for text in comments:
        m = _TODO_SUBJECT.search(text)
        words = _TODO_SUBJECTS.get(m.group(1).lower(), "other items") if m else "other items"
        if words not in said:
            said.append(words)
    if "other items" in said:  # last, whatever came first
        said.remove("other items")
        said.append("other items")
    return joined(said)


def require_inputs(obj: Any, where: str) -> ModelInputs:
    """``obj`` if it is a :class:`ModelInputs`, else a TypeError saying how to get one."""
    if not isinstance(obj, ModelInputs):
        hint = (
            "load_inputs(config)"
            if isinstance(obj, ModelConfig)
            else "load_inputs(load_model(path))"
        )
        raise TypeError(
            f"{where}: inputs is a {type(obj).__name__}; expected ModelInputs (from {hint})"
        )
    return obj


def _intake_years(intake: pd.DataFrame) -> str:
    """The known intake's years in words: "2023/24", "2023/24 to 2024/25"."""
    y = sorted(int(v) for v in intake[nc.YEAR].unique())
    lbl = [nc.academic_year_label(v) for v in (y[0], y[-1])]
    return lbl[0] if y[0] == y[-1] else f"{lbl[0]} to {lbl[1]}"


def load_inputs(config: ModelConfig) -> ModelInputs:
    """Read, validate and (where asked) derive every input of a model definition.

    The data-quality warnings raised while loading are issued as usual and also kept in
    :attr:`ModelInputs.warnings`, so that a report can list them.

    Parameters
    ----------
    config : ModelConfig
        From :func:`sufficiency.load_model` (a path to a model definition is loaded with it).

    Returns
    -------
    ModelInputs
        Pupils by planning area (observed, or derived from authority totals and labelled so),
        authority pupils and births, births nowcast, capacity by school, housing, with the
        provenance (file, checksum, rows, years) of every table and the notes a reader must
        see.

    Raises
    ------
    SchemaError
        A file does not match its reader's layout (the message names file, column and rows).
    ConfigError
        The model definition and the data disagree (an area with no schools, ...).
    """
    if isinstance(config, (str, PathLike)):
        from .config import load_model

        config = load_model(config)
    if not isinstance(config, ModelConfig):
        raise TypeError(
            f"load_inputs: config is a {type(config).__name__}; expected a "
            "ModelConfig (from load_model(path)) or a path to a model definition"
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        inputs = _load_inputs(config)
    _reissue(caught)
    kept = [str(w.message) for w in caught if issubclass(w.category, DataQualityWarning)]
    return replace(inputs, warnings=tuple(dict.fromkeys(kept)))


#: what :func:`_reissue` has issued, and the filters list (and its contents) it was issued under
_ISSUED: set[tuple] = set()
_ISSUED_UNDER: list = [None, None]


def _filter_action(text: str, category: type, module: str, lineno: int) -> str:
    """The action the warnings filters take for a warning issued at ``module`` line
    ``lineno``: the first filter that matches, as :func:`warnings.warn_explicit` finds it."""
    for action, msg, cat, mod, ln in warnings.filters:
        if (
            (msg is None or msg.match(text))
            and issubclass(category, cat)
            and (mod is None or mod.match(module))
            and (ln == 0 or ln == lineno)
        ):
            return action
    return warnings.defaultaction


def _reissue(caught: list) -> None:
    """Issue the warnings caught while loading again, at the line that called
    :func:`load_inputs`, each distinct one (category and text) once per load.

    Python's once-per-location rule (the ``"default"`` action: a warning's text shown once
    per line of code that issues it) does not survive a load: the ``catch_warnings`` that
    catches them (and that of any library call made between two loads) makes Python forget
    what it has shown, so every load of the same data repeated every warning (a loop over
    scenarios, a notebook cell run twice). The rule is kept here instead: under the
    ``"default"``, ``"module"`` and ``"once"`` actions a warning already issued at the same
    line (module, anywhere) is not issued again until the filters change or another
    ``catch_warnings`` context is entered, as Python would do;
    ``"always"`` (``sufficiency validate``), ``"error"`` and ``"ignore"`` act as ever. Every
    load keeps its warnings in :attr:`ModelInputs.warnings` whatever is shown.
    """
    caller = sys._getframe(2)  # the caller of load_inputs
    filename, lineno = caller.f_code.co_filename, caller.f_lineno
    module = caller.f_globals.get("__name__", "<string>")
    # filters changed, or another catch_warnings context (a test's, say): Python would forget
    # what it had shown
    if warnings.filters is not _ISSUED_UNDER[0] or list(warnings.filters) != _ISSUED_UNDER[1]:
        _ISSUED.clear()
        _ISSUED_UNDER[:] = [warnings.filters, list(warnings.filters)]
    seen = set()
    for w in caught:
        text = str(w.message)
        if (w.category, text) in seen:  # raised twice while loading: once is enough
            continue
        seen.add((w.category, text))
        action = _filter_action(text, w.category, module, lineno)
        key = {"default": (filename, lineno), "module": (filename,), "once": ()}.get(action)
        if key is not None:
            if (action, w.category, text, *key) in _ISSUED:
                continue
            _ISSUED.add((action, w.category, text, *key))
        warnings.warn(w.message, w.category, stacklevel=3)


def _load_inputs(config: ModelConfig) -> ModelInputs:
    cfg = config
    src = cfg.data
    prov: list[Provenance] = []
    notes: list[str] = []
    area_codes = [a.code for a in cfg.areas]

    # --- capacity (and the school -> planning area lookup) ---------------------------------
    cap_src = src["capacity"]
    if cap_src.reader == "scap":
        la_codes = [cfg.old_la_code] if cfg.old_la_code is not None else _la_numbers(area_codes)
        try:
            loaded = read_scap_capacity(
                cap_src.path, la_codes=la_codes, year=int(cap_src.options.get("year", SCAP_YEAR))
            )
        except SchemaError as e:
            # old_la_code = 355 for Walsall's 335 (a Walsall trial) was told only "no schools
            # with LA1 in [355]", naming neither the model file nor the key
            if cfg.old_la_code is None or not str(e).endswith(
                f"no schools with LA1 in {la_codes}."
            ):
                raise
            prefix = _la_numbers(area_codes)
            hint = (
                f" (the model's planning-area codes begin with {prefix[0]}: "
                f"old_la_code = {prefix[0]}?)"
                if prefix and len(prefix) == 1
                else ""
            )
            raise ConfigError(
                f"{cfg.shown_path}: [model] old_la_code = {cfg.old_la_code}: the capacity file "
                f"{cap_src.path.name} has no schools of that LA number (column LA1){hint}; "
                "expected the authority's DfE 3-digit LA number"
            ) from e
    else:
        loaded = read_tidy(cap_src.path, "capacity", known_areas=area_codes)
    capacity = loaded.data
    prov += loaded.provenance
    inverted = (capacity["ncy_min"] > capacity["ncy_max"]).to_numpy()
    if inverted.any():
        first = capacity.loc[inverted].iloc[0]
        # the line too (a Dudley trial's swapped 6,0 was named by school only)
        line = capacity.attrs.get("lines", {}).get((str(first[nc.SCHOOL]), str(first[nc.PHASE])))
        raise SchemaError(
            f"{cap_src.path}: columns ncy_min, ncy_max: {int(inverted.sum())} school(s) with "
            f"ncy_min > ncy_max, first school {first[nc.SCHOOL]}"
            + (f" (line {line})" if line is not None else "")
            + f" (ncy_min = {first['ncy_min']}, "
            f"ncy_max = {first['ncy_max']}); expected the youngest year group first "
            "(Reception = 0 ... Year 13 = 13)"
        )
    # the reader's line numbers serve the checks below; cleared after them, as pandas would
    # copy them on every operation on the table
    cap_lines = capacity.attrs.get("lines", {})
    _check_capacity_without_places(capacity, str(cap_src.path), cap_lines)
    _check_nearly_empty_schools(capacity, str(cap_src.path), cap_lines)
    _check_rolls_above_capacity(capacity, str(cap_src.path), cap_lines)
    if src.get("pupils_by_area") is None or src["pupils_by_area"].derived:
        _check_rolls_for_derived(capacity, str(cap_src.path), cap_lines)
    # the file whose rolls share the census and the births out, where it is not the SCAP
    # 2015 file the notes name by default (a Telford and Wrekin trial's current capacity file
    # was called "the DfE SCAP 2015 school capacity file" in every note)
    rolls_file = _rolls_file(cap_src)
    unknown = sorted(set(capacity[nc.AREA]) - set(area_codes))
    if unknown and not set(capacity[nc.AREA]) & set(area_codes):  # none of the model's areas
        read, expected = (
            (
                f" read with old_la_code = {cfg.old_la_code}",
                "[model] old_la_code to be the authority's DfE LA number (a planning-area code "
                f"begins with it: {area_codes[0][:3]} for {area_codes[0]})",
            )
            if cfg.old_la_code is not None
            else (
                "",
                "the planning-area codes of this capacity file, read for the LA number(s) the "
                "model's area codes begin with (another SCAP edition may use other codes)",
            )
        )
        raise ConfigError(
            f"{cfg.shown_path}: the capacity file {cap_src.path.name}{read} has schools in planning "
            f"area(s) {unknown[:5]}{' ...' if len(unknown) > 5 else ''} and in none of the model's "
            f"({', '.join(area_codes[:3])}{' ...' if len(area_codes) > 3 else ''}); expected "
            f"{expected}."
        )
    if unknown:
        # an [[areas]] code typed wrong leaves its schools here and an area with none: name
        # both (a Herefordshire trial's 8844023 for 8844022 was told only of 8844022)
        empty = {a.code: a.name for a in cfg.areas if a.code not in set(capacity[nc.AREA])}
        typo = "".join(
            f"; [[areas]] {c} ({empty[c]}) has no schools there{did_you_mean_code(c, unknown)}"
            for c in sorted(empty)
            if did_you_mean_code(c, unknown)
        )
        raise ConfigError(
            f"{cfg.shown_path}: the capacity file {cap_src.path.name} has schools in planning area(s) "
            f"{unknown} that the model does not define{typo}; add them to [[areas]]"
            + (", or correct the code" if typo else "")
            + "."
        )
    check_area_phases(
        capacity, _areas_frame(cfg), capacity.attrs.get("source", str(cap_src.path)), cap_lines
    )
    _warn_middle_school_areas(cfg, capacity, str(cap_src.path))
    _warn_three_tier_labels(cfg)
    capacity = _name_year_groups(cfg, capacity)
    capacity = _clip_to_year_groups(cfg, capacity, str(cap_src.path))
    capacity.attrs = {}

    # --- authority pupils ------------------------------------------------------------------
    pup_src = src["pupils"]
    auth = [cfg.authority]
    reader = {"census_ncy": read_census_ncy, "spc": read_spc_pupils}.get(pup_src.reader)
    try:
        lp = reader(pup_src.path, authorities=auth) if reader is not None else None
    except SchemaError as exc:  # name the key that asked for it
        said = str(exc)
        if cfg.authority in said and ("not found in column" in said or "earlier code" in said):
            raise ConfigError(
                f"{cfg.shown_path}: [model] authority = {cfg.authority!r}: {exc}"
            ) from exc
        raise
    authority_pupils = lp.data if lp is not None else None
    if lp is not None:
        prov += lp.provenance
    _check_capacity_year(cfg, cap_src, authority_pupils)

    # --- pupils by planning area -----------------------------------------------------------
    by_area = src.get("pupils_by_area")
    if by_area is None or by_area.derived:
        if authority_pupils is None:
            raise ConfigError(
                f"{cfg.shown_path}: [data.pupils_by_area] is derived, so [data.pupils] must be an "
                "authority-level census file (reader census_ncy or spc)."
            )
        try:
            shares = area_shares(capacity, _areas_frame(cfg))
        except ConfigError as exc:  # name the model whose areas these are
            raise ConfigError(f"{cfg.shown_path}: [[areas]]: {exc}") from exc
        pupil_shares = shares
        if any(a.year_groups for a in cfg.areas):  # areas teaching part of their phase
            cap_year = (
                int(capacity[nc.YEAR].max())
                if nc.YEAR in capacity.columns and capacity[nc.YEAR].notna().any()
                else int(authority_pupils[nc.YEAR].max())
            )
            pupil_shares = year_group_shares(
                capacity, {a.code: a.ncys for a in cfg.areas}, authority_pupils, cap_year
            )
            notes.append(
                "Areas teaching part of their phase (year_groups): each year group is "
                "apportioned among the areas teaching it, by their schools' rolls spread over "
                "the year groups each school teaches (first schools R-Y4 and first-and-middle "
                "schools from Reception by their names; the authority's "
                f"{nc.academic_year_label(cap_year)} year-group sizes as weights)."
            )
        # the rolls are the analyst's file's where the capacity is, not SCAP 2015's
        pupils = apportion_pupils(
            authority_pupils,
            pupil_shares,
            f"the rolls of {rolls_file}" if rolls_file else "SCAP 2015 rolls",
        )
        # every area with the whole of its phase (Stoke-on-Trent) has the census's own count:
        # not "derived" in the notes, the sources or a warning (a Stoke-on-Trent trial's
        # validate and Method chapter called it derived while section 4 said it was observed)
        whole = not (pupils[nc.KIND] == "derived").any()
        note = history_note(whole, rolls_file) + (
            "" if whole else _observed_areas_sentence(cfg, pupils)
        )
        notes.append(note)
        prov.append(
            Provenance(
                "pupils_by_area",
                "(derived)",
                "",
                "derive.apportion_pupils",
                len(pupils),
                (int(pupils[nc.YEAR].min()), int(pupils[nc.YEAR].max())),
                "actual" if whole else "derived",
                "sufficiency",
                note,
            )
        )
        if not whole:
            warnings.warn(DERIVED_WARNING, DataQualityWarning, stacklevel=2)
    else:
        if by_area.reader == "school_census":
            la = read_school_census(
                by_area.path,
                capacity[[nc.SCHOOL, nc.AREA, "ncy_min", "ncy_max"]],
                known_areas=area_codes,
            )
        else:
            la = read_tidy(by_area.path, "pupils", known_areas=area_codes)
        pupils = la.data
        prov += la.provenance
        _check_phase_year_groups(cfg, pupils, str(by_area.path))
        shares = area_shares(capacity, _areas_frame(cfg))
        if authority_pupils is not None:
            _check_extract_against_census(
                pupils, authority_pupils, str(by_area.path), pup_src.path.name
            )
        if authority_pupils is None:
            authority_pupils = (
                pupils.groupby([nc.YEAR, nc.NCY], as_index=False)[nc.PUPILS]
                .sum()
                .assign(**{nc.AREA: cfg.authority, nc.KIND: "actual", nc.SOURCE: "sum of areas"})
            )

    from ._model_checks import check_base_year

    years = (int(pupils[nc.YEAR].min()), int(pupils[nc.YEAR].max()))
    check_base_year(cfg, years)
    pupil_source = (
        str(by_area.path) if by_area is not None and not by_area.derived else str(pup_src.path)
    )
    _check_area_years(pupils, pupil_source, int(cfg.assumptions.base_year or years[1]))
    # a base year before the data's last: the forecast as the data stood then, births included
    as_at = (
        cfg.assumptions.base_year if (cfg.assumptions.base_year or years[1]) < years[1] else None
    )

    # --- births ----------------------------------------------------------------------------
    births = pd.DataFrame(columns=[nc.AREA, nc.YEAR, nc.BIRTHS, nc.KIND, nc.SOURCE])
    authority_births = births.copy()
    births_nowcast = births_projection = None
    cut = None  # the base year the births were cut to, if they were (_births_as_at)
    b_src = src.get("births")
    if b_src is None and src.get("births_projection") is not None:
        raise ConfigError(
            f"{cfg.shown_path}: [data.births_projection]: a projection continues the births "
            "data: expected [data.births] too"
        )
    if b_src is not None:
        if b_src.reader == "ons_births":
            nowcast = b_src.options.get("nowcast", True)
            if not isinstance(nowcast, bool):
                raise ConfigError(
                    f"{cfg.shown_path}: [data.births] nowcast = {nowcast!r}: expected true or false"
                )
            modelled = bool(b_src.options.get("include_modelled", False))
            used = sorted({d for a in cfg.areas for d in a.districts})
            if nowcast:  # the calendar-year rows too, from the same read of the file
                lb, lc = read_births_and_calendar(b_src.path, include_modelled=modelled, check=used)
            else:
                lb, lc = read_births(b_src.path, include_modelled=modelled, check=used), None
            prov += lb.provenance
            district_births = _births_as_at(lb.data, as_at, b_src.path, notes)
            cut = as_at if len(district_births) < len(lb.data) else None
            l_src = src.get("lookup")
            if l_src is not None:
                lk = read_district_lookup(l_src.path)
                prov += lk.provenance
                lookup = lk.data[lk.data[nc.AREA] == cfg.authority]
                if lookup.empty:
                    raise ConfigError(
                        f"{cfg.shown_path}: authority {cfg.authority} has no districts in {l_src.path.name}"
                    )
                _check_lookup(cfg, lk.data, str(l_src.path))
                authority_births = aggregate_births(district_births, lookup)
            pairs = pd.DataFrame(
                [
                    {nc.AREA: a.code, nc.DISTRICT: d}
                    for a in cfg.areas
                    if a.phase == "primary"
                    for d in a.districts
                ]
            )
            if pairs.empty:
                raise ConfigError(
                    f"{cfg.shown_path}: no primary area lists its 'districts'; births cannot be assigned."
                )
            none = [
                _labelled(a.code, a.name)
                for a in cfg.areas
                if a.phase == "primary" and not a.districts
            ]
            if none:
                warnings.warn(
                    f"{cfg.shown_path}: primary area(s) {', '.join(none)} "
                    "list no 'districts' in [[areas]]: they get no births, and their Reception is "
                    "forecast by trend in Reception itself; give each primary area the districts "
                    "whose births it takes",
                    DataQualityWarning,
                    stacklevel=2,
                )
            missing_d = sorted(set(pairs[nc.DISTRICT]) - set(district_births[nc.AREA]))
            if missing_d:
                raise ConfigError(
                    f"{cfg.shown_path}: district(s) {missing_d} named in [[areas]] have no births in "
                    f"{b_src.path.name}."
                )
            # births go to the areas with Reception in proportion to their rolls per year
            # group taught (a first school's roll covers R-Y4, a primary school's R-Y6)
            taught = {a.code: len(a.ncys) for a in cfg.areas}
            shares = shares.assign(
                **{
                    nc.ROLL: shares[nc.ROLL].to_numpy(dtype=float)
                    * 7
                    / shares[nc.AREA].map(taught).fillna(7).to_numpy(dtype=float)
                }
            )
            rolls = (
                f"the primary rolls of {rolls_file}" if rolls_file else "SCAP 2015 primary rolls"
            )
            births = apportion_births(district_births, pairs, shares, rolls)
            if lc is not None:
                now = nowcast_births(district_births, lc.data)
                if len(now):
                    prov += lc.provenance
                    births_nowcast = apportion_births(now, pairs, shares, rolls)
                    y = int(now[nc.YEAR].max())
                    # from an earlier base year the file has them, left out as it stood then
                    why = (
                        "are not in the births file"
                        if as_at is None
                        else "are left out as the data stood at the base year"
                    )
                    notes.append(
                        f"Births for mid-{y} (July {y - 1} to June {y}; Reception in "
                        f"{nc.academic_year_label(y + 4)}) {why}: estimated as ONS "
                        f"calendar-year {y - 1} births (January-December {y - 1}, the same "
                        f"first six months): a nowcast from published births rather than a "
                        "trend projection, but still not observed, so the forecast marks the "
                        "cells that rest on it as resting on projected births (column "
                        "births_projected of the forecast table)."
                    )
            p_src = src.get("births_projection")
            if p_src is not None:
                proj = _read_births_projection(
                    p_src, sorted(set(pairs[nc.DISTRICT])), "district", prov
                )
                births_projection = apportion_births(proj, pairs, shares, rolls)
            if sum(1 for a in cfg.areas if a.phase == "primary") == 1:
                notes.append(ONE_PRIMARY_AREA_BIRTHS)
            else:
                fed = sorted({d for a in cfg.areas if a.phase == "primary" for d in a.districts})
                n_prim = sum(1 for a in cfg.areas if a.phase == "primary")
                # a metropolitan borough is one district (a Dudley trial read of "ONS district
                # births split across the primary areas each district feeds")
                split = (
                    f"ONS births of the authority's one district ({fed[0]}) split across "
                    f"its {n_prim} primary areas"
                    if len(fed) == 1
                    else "ONS district births split across the primary areas each district feeds"
                )
                notes.append(
                    f"Births by primary planning area are derived: {split}, in proportion to their "
                    + (
                        f"primary rolls in {rolls_file}"
                        if rolls_file
                        else "SCAP 2015 primary rolls"
                    )
                    + (
                        " per year group taught (a first school's roll covers Reception-Year 4)."
                        if any(a.year_groups and a.phase == "primary" for a in cfg.areas)
                        else "."
                    )
                )
        else:
            lb = read_tidy(b_src.path, "births", known_areas=area_codes)
            births = _births_as_at(lb.data, as_at, b_src.path, notes)
            cut = as_at if len(births) < len(lb.data) else None
            prov += lb.provenance
            p_src = src.get("births_projection")
            if p_src is not None:
                births_projection = _read_births_projection(
                    p_src, sorted(set(births[nc.AREA].astype(str))), "planning area", prov
                )
            if src.get("lookup") is not None:
                _check_lookup(
                    cfg, read_district_lookup(src["lookup"].path).data, str(src["lookup"].path)
                )

    if births_projection is not None:
        births_projection, note = _projection_after_data(
            births_projection, births, births_nowcast, str(src["births_projection"].path), cut
        )
        notes.append(note)

    # --- housing ---------------------------------------------------------------------------
    housing = None
    h_src = src.get("housing")
    if h_src is not None:
        # a trajectory: completions the authority expects, not published statistics
        lh = read_tidy(h_src.path, "housing", known_areas=area_codes, kind="trajectory")
        housing = lh.data
        prov += lh.provenance
        by = int(cfg.assumptions.base_year or years[1])
        _warn_past_housing(housing, str(h_src.path), by)
        _warn_late_housing(housing, str(h_src.path), by, int(cfg.assumptions.horizon))
        msg = secondary_sites_message(housing, cfg)
        if msg:  # here, not only when forecasting, so that validate shows it
            warnings.warn(f"{h_src.path}: {msg}", DataQualityWarning, stacklevel=2)

    # --- known intake ----------------------------------------------------------------------
    intake = None
    k_src = src.get("intake")
    if k_src is not None:
        by = int(cfg.assumptions.base_year or years[1])
        said = str(k_src.options.get("source", "")).strip()
        lk = read_intake(
            k_src.path,
            {a.code: a.ncys for a in cfg.areas},
            by,
            note=f"[data.intake] source: {said}" if said else "",
        )
        intake = lk.data
        prov += lk.provenance
        if as_at is not None:
            # last year's forecast made again (sufficiency compare) from a model with this
            # year's offers: they were not known then, and would pass as that forecast's own
            warnings.warn(
                f"{k_src.path}: a known intake ([data.intake]) in a forecast from an earlier "
                f"base year, {nc.academic_year_label(by)} ([assumptions] base_year = {by}; "
                f"the pupil data run to {nc.academic_year_label(years[1])}): its figures "
                f"({plural(len(intake), 'row')}, {_intake_years(intake)}) replace that "
                "forecast's own although they were not known then, so it is not the forecast "
                "as the data stood at its base year. To make last year's forecast again, add "
                "intake = false under [data] in the scenario that sets base_year (or give "
                "last year's own intake file there)",
                DataQualityWarning,
                stacklevel=2,
            )
        late = late_rows_message(intake, str(k_src.path), by, int(cfg.assumptions.horizon))
        if late:  # here, so that validate shows it; the forecast warns for its own horizon
            warnings.warn(late, DataQualityWarning, stacklevel=2)

    # --- transfers (read with the model definition; here for the record) --------------------
    t_src = src.get("transfers")
    if t_src is not None:
        from .io.transfers import read_transfers

        # its warnings were given when the model loaded: read again only for the record, so
        # quietly (validate printed each twice; own-data trial)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            prov += read_transfers(t_src.path, years=t_src.options.get("years")).provenance

    from ._model_checks import check_against_data

    check_against_data(cfg, int(cfg.assumptions.base_year or years[1]), years[0])
    draft = _todo_note(cfg)
    if draft:
        warnings.warn(draft, SufficiencyWarning, stacklevel=2)
        # a note is a sentence of the report's notes: capitalised as the others are
        notes.append(draft[0].upper() + draft[1:])
    logger.info(
        "loaded model %s: %d areas, pupils %d-%d",
        cfg.name,
        len(cfg.areas),
        pupils[nc.YEAR].min(),
        pupils[nc.YEAR].max(),
    )
    return ModelInputs(
        config=cfg,
        pupils=pupils,
        authority_pupils=authority_pupils,
        births=births,
        authority_births=authority_births,
        capacity=capacity,
        housing=housing,
        provenance=tuple(prov),
        notes=tuple(notes),
        births_nowcast=births_nowcast,
        births_projection=births_projection,
        intake=intake,
    )
