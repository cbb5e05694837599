"""Assemble a :class:`ReportData` from the results objects of a run.

The report reads results objects only (``ForecastResult``, ``SufficiencyResult``,
``AllocationResult``, ``SendResult``, ``EarlyYearsResult``, scorecards). :func:`build_report`
turns them into the tables the renderers print; :func:`run_pipeline` runs whatever parts of
the engine are installed (forecast -> sufficiency -> plan, SEND, early years) and records why
a part is missing, so that a section without inputs says "not available in this run" rather
than showing made-up numbers.
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import importlib
import json
import logging
import time
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from dataclasses import replace as _replace
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import nomenclature as nc
from .._frozen import FrozenDict
from .._values import plural
from ..exceptions import ConfigError, SchemaError, SufficiencyError
from ..inputs import ModelInputs, _todo_subjects, require_inputs
from ..optimise.data import filled_share
from ..optimise.results import moves_by_area
from . import analysis, text

__all__ = ["ReportData", "build_report", "run_pipeline", "REPORT_DEFAULTS"]

logger = logging.getLogger(__name__)

#: Defaults of the ``[report]`` section of a model definition.
REPORT_DEFAULTS = FrozenDict(
    {
        "key_decision_area": None,  # e.g. "8850031" (Worcester City secondary)
        "key_decision_phase": "secondary",
        "title": "School Place Sufficiency Report",
        "milestones": (0, 5, 10),  # years after the base year shown in the summary
        "quantile": 0.8,  # percentile used to stress-test the options appraisal
    }
)

_PLACE_PHASE = {"primary": "primary", "secondary": "secondary", "sixth_form": "secondary"}


def _col(frame: pd.DataFrame, *names: str) -> str | None:
    for n in names:
        if n in frame.columns:
            return n
    return None


def _frame_or_none(obj: Any, method: str = "to_frame", *args, **kwargs) -> pd.DataFrame | None:
    if obj is None:
        return None
    attr = getattr(obj, method, None)
    if attr is None:
        return None
    value = attr(*args, **kwargs) if callable(attr) else attr
    if value is None:
        return None
    if isinstance(value, pd.Series):
        value = value.reset_index()
    return value if isinstance(value, pd.DataFrame) else pd.DataFrame(value)


#: decimals of summary.json's figures: two, so that a consumer rounding one to whole places
#: gets the report's figure (at one decimal, 76.54 was written 76.5, which rounds to 76)
JSON_DECIMALS = 2


def _json_figure(v) -> float | None:
    """A figure for ``summary.json``: :data:`JSON_DECIMALS` decimals, None when missing."""
    return (
        None
        if v is None or pd.isna(v) or not np.isfinite(float(v))
        else round(float(v), JSON_DECIMALS)
    )


def capacity_vintage(p) -> str:
    """The capacity file as the cover's data vintage names it: the DfE's by its publication
    ("DfE, School capacity: academic year 2014 to 2015 ..."), the Council's own by its file
    and year ("local authority (capacity_2025.csv, 2025/26)"; it read "local authority",
    with no file or year: a Telford and Wrekin trial)."""
    label = p.publisher or p.table
    if str(label).startswith("DfE"):
        return str(label)
    name = Path(str(p.path)).name
    year = f", {nc.academic_year_label(int(p.years[-1]))}" if p.years else ", no year given"
    return f"{label} ({name}{year})"


def rolls_phrase(inputs: ModelInputs) -> str:
    """The rolls a derived history is apportioned by, as the area pages say it: "2015 school
    rolls" (the DfE SCAP file's) or "the school rolls in the capacity file x.csv" (an area
    page said "2015 school rolls" of a Council's own capacity file: a Telford and Wrekin
    trial)."""
    own = inputs.rolls_file
    return "2015 school rolls" if own is None else f"the school rolls in {own}"


@dataclass(frozen=True)
class ReportData:
    """Everything the report prints, as tables, with provenance.

    Attributes
    ----------
    meta : mapping
        Document details: authority, model, version, run id, report date, data vintage,
        base year, margin, target, ceiling, coverage.
    areas : DataFrame
        ``area, name, phase, tiers, schools, capacity`` [places] per planning area.
    schools : DataFrame
        Capacity by school (``ModelInputs.capacity``).
    forecast : DataFrame or None
        ``ForecastResult.to_frame()``: pupils by area, year group and year with intervals.
    demand : DataFrame or None
        Demand by phase of places: ``area, phase, year, demand, demand_lower, demand_upper``
        (80%), ``demand_lower_95, demand_upper_95``, ``demand_q`` (the stress percentile) and
        ``kind`` [pupils].
    sufficiency : DataFrame or None
        ``SufficiencyResult.to_frame()``.
    plan, before_after, cost_by_year, options : DataFrame or None
        From ``AllocationResult``.
    decisions : mapping
        Key decision -> explanation text (``AllocationResult.decisions``).
    send, early_years : DataFrame or None
        ``SendResult.to_frame()``, ``EarlyYearsResult.to_frame()``.
    accuracy : DataFrame or None
        One row per phase, horizon and target year for the model's own authority
        (:data:`ACCURACY_COLUMNS`): this engine's backtest forecast, the census outcome, its
        error, the two baselines' errors (last year carried forward, plain cohort survival
        with 3-year means), the authority's own published error (DfE scorecards), the 80%
        range and whether the outcome fell inside it (see :func:`_accuracy_table`).
    assumptions, sources : DataFrame
        What the run assumed and what it read (files, checksums). ``assumptions`` has one
        row per setting: ``topic, assumption`` (in words), ``value`` (with units), ``set
        in`` (model file and section, or "engine default"), ``key`` (``section.key`` in the
        model file) and ``in the report`` (shown in the Method chapter; every row is in the
        appendix's sheet Assumptions).
    notes : tuple of str
        Derivations and caveats from the inputs and results.
    missing : mapping
        Section -> reason it is not available in this run.
    key_decision : dict or None
        The options appraisal of the key decision area.
    send_notes, early_years_notes : tuple of str
        The assumptions and caveats the SEND and early years results state (``.notes``), printed
        in their chapters.
    send_scenario : str or None
        The SEND result's central scenario (the one the plan uses).
    forecast_notes : tuple of str
        The pupil forecast's own notes (``ForecastResult.notes``) not already in ``notes``.
    benchmark : DataFrame or None
        Published errors to compare with, from the scorecards: ``phase, horizon,
        target_year, england`` (England's signed error, the DfE's national row), ``peers_mae``
        (median absolute error of the authorities in the file) and ``peers_n``.
    early_years_takeup_january : int or None
        When the early years supply is the assumed funded take-up (no supply in the model),
        the January count it comes from; None when the model gives the supply.
    early_years_supply_assumed : tuple or None
        ``(places, entitlements)``: the part of that supply at a take-up the model assumes
        (not the DfE's figure) and the entitlements concerned; None when there is none.
    binding : DataFrame or None
        The plan's binding constraints (``AllocationResult.binding``: ``family, scenario,
        area, phase, year, option, detail``): why the optimiser could not do more or sooner.
    published : DataFrame or None
        The authority's own figures in its newest DfE scorecard
        (:func:`~sufficiency.io.scorecards.read_published_position`), to compare with.
    moves : DataFrame or None
        Pupils the plan places in a neighbouring area (``AllocationResult.moves_of()``, the
        before/after table's scenario): ``from_area, to_area, phase, year, pupils,
        cost_per_pupil, cost``; empty without ``[[plan.adjacency]]``.
    intake_areas : frozenset of str
        Planning areas whose school sets its own intake (``intake_from``: 14-19 academies,
        UTCs): reported on their pages, left out of the shortfall counts and the plan's
        recommendations.
    tier_changes, mainstream_left_short, place_positions : list of dict
    council_comparison : DataFrame or None
        Derived from the tables above, computed once on first use (several sections state
        them): see :mod:`sufficiency.report.analysis`.
    """

    meta: Mapping[str, Any]
    areas: pd.DataFrame
    schools: pd.DataFrame
    forecast: pd.DataFrame | None
    demand: pd.DataFrame | None
    sufficiency: pd.DataFrame | None
    plan: pd.DataFrame | None
    before_after: pd.DataFrame | None
    cost_by_year: pd.DataFrame | None
    options: pd.DataFrame | None
    decisions: Mapping[str, str]
    send: pd.DataFrame | None
    early_years: pd.DataFrame | None
    accuracy: pd.DataFrame | None
    assumptions: pd.DataFrame
    sources: pd.DataFrame
    notes: tuple[str, ...]
    missing: Mapping[str, str]
    key_decision: dict | None
    milestones: tuple[tuple[str, int], ...]
    derived: bool
    warnings: tuple[str, ...] = ()
    provenance: tuple = field(default_factory=tuple)
    send_notes: tuple[str, ...] = ()
    early_years_notes: tuple[str, ...] = ()
    send_scenario: str | None = None
    forecast_notes: tuple[str, ...] = ()
    benchmark: pd.DataFrame | None = None
    binding: pd.DataFrame | None = None
    early_years_takeup_january: int | None = None
    early_years_supply_assumed: tuple | None = None
    published: pd.DataFrame | None = None
    derived_areas: frozenset | None = None
    moves: pd.DataFrame | None = None
    intake_areas: frozenset = frozenset()
    previous: Any = None

    @property
    def any_history_derived(self) -> bool:
        """Whether any planning area's pupil history is derived. False for a model whose
        areas each have the whole of their phase (Stoke-on-Trent), though :attr:`derived`
        stays True there so its intervals are calibrated on the authorities."""
        return self.derived and (self.derived_areas is None or len(self.derived_areas) > 0)

    def history_derived(self, area: str) -> bool:
        """Whether ``area``'s pupil history is derived (apportioned from the authority's
        totals); an area that has the whole of its phase has the census's own count.
        Without :attr:`derived_areas` (None), every area is as :attr:`derived` says."""
        if self.derived_areas is None:
            return self.derived
        return self.derived and str(area) in self.derived_areas

    def area_name(self, area: str) -> str:
        names = dict(zip(self.areas[nc.AREA], self.areas["name"]))
        if str(area) not in names and str(area) == self.meta.get("authority"):
            # special and early years places planned for the whole authority
            return f"{self.meta.get('authority_name') or area} (authority-wide)"
        return names.get(str(area), str(area))

    @cached_property
    def tier_changes(self) -> list[dict]:
        """:func:`~sufficiency.report.analysis.tier_changes` of this report, computed once."""
        return analysis.tier_changes(self)

    @cached_property
    def mainstream_left_short(self) -> list[dict]:
        """:func:`~sufficiency.report.analysis.mainstream_left_short` of this report with its
        ``why`` (:func:`~sufficiency.report.text.left_short_why`), computed once."""
        return [
            {**d, "why": text.left_short_why(self, d)} for d in analysis.mainstream_left_short(self)
        ]

    @cached_property
    def council_comparison(self) -> pd.DataFrame | None:
        """:func:`~sufficiency.report.analysis.published_comparison` of this report, computed
        once (the summary, the Method section, its table, the appendix and summary.json state
        it)."""
        return analysis.published_comparison(self)

    @cached_property
    def capacity_behind(self) -> list[dict]:
        """:func:`~sufficiency.report.analysis.capacity_behind` of this report, computed once
        (the recommendations, the executive summary and summary.json state it)."""
        return analysis.capacity_behind(self)

    @cached_property
    def capacity_behind_areas(self) -> list[dict]:
        """:func:`~sufficiency.report.analysis.capacity_behind_areas` of this report, computed
        once (the summary, the capital programme's conditions and summary.json state it)."""
        return analysis.capacity_behind_areas(self)

    @cached_property
    def council_spare_where_short(self) -> list[dict]:
        """:func:`~sufficiency.report.analysis.council_spare_where_short` of this report,
        computed once (the recommendations and the executive summary state it)."""
        return analysis.council_spare_where_short(self)

    @cached_property
    def approval_withheld(self) -> str | None:
        """:func:`~sufficiency.report.analysis.approval_withheld` of this report, computed
        once (the recommendations, the executive summary and summary.json state it)."""
        return analysis.approval_withheld(self)

    @cached_property
    def schools_named(self) -> pd.DataFrame:
        """The schools with their year groups read from their names
        (:func:`~sufficiency.nomenclature.named_year_groups`), once per report: every area
        page's schools table and the appendix's Capacity sheet read it. In a three-tier
        secondary area with middle schools, its other secondary schools (coded Y7-Y13 by the
        capacity file) are its high schools, Y9-Y13 (marked ``ncy_named`` too)."""
        s = nc.named_year_groups(self.schools)
        a = self.areas
        if (
            a is None
            or "three_tier" not in a
            or not {"ncy_min", "ncy_max"} <= set(s.columns)
            or s.empty
        ):
            return s
        # (not an area whose tiers change: Pershore's high school takes Year 7 from 2027/28)
        changes = (
            a["tier_change_year"].notna()
            if "tier_change_year" in a
            else pd.Series(False, index=a.index)
        )
        three = set(
            a.loc[
                a["three_tier"].astype(bool) & (a[nc.PHASE] == "secondary") & ~changes, nc.AREA
            ].astype(str)
        )
        area = s[nc.AREA].astype(str)
        sec = area.isin(three) & (s[nc.PHASE] == "secondary")
        with_middle = set(area[sec & (s["ncy_max"] <= 8)])
        high = sec & area.isin(with_middle) & (s["ncy_min"] == 7) & (s["ncy_max"] >= 9)
        if high.any():
            s = s.copy()
            s.loc[high, "ncy_min"] = 9
            s.loc[high, "ncy_named"] = True
        return s

    @cached_property
    def moves_by_area(self) -> pd.DataFrame:
        """:func:`~sufficiency.optimise.results.moves_by_area` of :attr:`moves`, computed once
        (the area pages, the recommendations, the plan table and summary.json state it)."""
        return moves_by_area(self.moves)

    @cached_property
    def intake_short(self) -> list[dict]:
        """:func:`~sufficiency.report.analysis.intake_short` of this report, computed once."""
        return analysis.intake_short(self)

    @cached_property
    def lasting_and_temporary(self) -> dict | None:
        """:func:`~sufficiency.report.analysis.lasting_and_temporary` of this report, computed
        once (the summary, the recommendations and summary.json state it)."""
        return analysis.lasting_and_temporary(self)

    @cached_property
    def place_positions(self) -> list[dict]:
        """:func:`~sufficiency.report.analysis.place_positions` of this report, computed once."""
        return analysis.place_positions(self)

    def _previous_headline(self) -> dict | None:
        """``[report] previous_forecast`` for summary.json: its file and base year, and its
        errors against this report's census by phase and year (totals over the areas)."""
        c = self.previous
        if c is None:
            return None
        acc = c.accuracy(total_only=True)
        return {
            "file": c.sources[0],
            "base_year": int(c.previous_base),
            "errors": [
                {
                    "phase": r.phase,
                    "year": int(r.year),
                    "horizon": int(r.horizon),
                    "forecast": _json_figure(r.forecast),
                    "actual": _json_figure(r.actual),
                    "pct_error": None if pd.isna(r.pct_error) else round(float(r.pct_error), 6),
                }
                for r in acc.itertuples(index=False)
            ],
        }

    def headline(self) -> dict:
        """Headline figures for other systems (``summary.json``): plain JSON types."""
        out: dict[str, Any] = {
            "authority": self.meta["authority"],
            "authority_name": self.meta["authority_name"],
            "model": self.meta["model"],
            "model_version": self.meta["model_version"],
            # TODO comments left in the model definition: > 0 means a draft
            "model_todos": int(self.meta.get("model_todos", 0)),
            "run_id": self.meta["run_id"],
            "report_date": self.meta["report_date"],
            "base_year": self.meta["base_year"],
            "data_vintage": self.meta["data_vintage"],
            "margin": self.meta["margin"],
            # as the report says it: an area with the whole of its phase has the census's count
            "derived_history": self.any_history_derived,
            "scenario": self.meta.get("scenario"),
            "position": [],
            "plan": None,
            # always present (null when not available in this run, see not_available)
            "send": None,
            "early_years": None,
            "key_decision": None,
            "council_return": None,
            "not_available": dict(self.missing),
            # areas whose school sets its own intake (intake_from): reported, not planned for
            "intake_set_by_school": self._intake_headline(),
            # [report] previous_forecast: its errors against the census since (null: none)
            "previous_forecast": self._previous_headline(),
        }
        if self.sufficiency is not None and not self.sufficiency.empty:
            for phase in ("primary", "secondary"):
                for label, year in self.milestones:
                    pos = analysis.position_at(self.sufficiency, phase, year, self.intake_areas)
                    if pos is None:
                        continue
                    out["position"].append(
                        {
                            "phase": phase,
                            "milestone": label,
                            "year": int(year),
                            "demand": _json_figure(pos["demand"]),
                            "capacity": _json_figure(pos["capacity"]),
                            "surplus": _json_figure(pos["surplus"]),
                            "surplus_pct": round(pos["surplus_pct"], 4),
                            "shortfall": _json_figure(pos["shortfall"]),
                            "areas_short": pos["red_areas"],
                            # short too, but the school sets its intake: not counted above
                            "areas_short_intake_set_by_school": pos["unplanned_short"],
                        }
                    )
        if self.plan is not None:
            p = self.plan
            cost = places = interim = 0.0
            if len(p):
                _, other = analysis.temporary_masks(p)
                cost = round(float(p["cost"].sum()), 0)
                # interim places hired a year at a time are place-years, not places
                places = round(float(p.loc[~other, "places"].sum()), 0)
                interim = round(analysis.place_years(p, other), 0)
            out["plan"] = {
                "total_cost_gbp": cost,
                "places": places,
                "interim_place_years": interim,
                "projects": int(len(p)),
                # the demand planned for: "central", or "q0.8" for the 80th percentile
                "demand": self.meta.get("plan_demand"),
                # the plan for the central forecast: this plan's unless planned to a quantile
                "central_plan_cost_gbp": (
                    self.meta.get("central_plan_cost")
                    if str(self.meta.get("plan_demand") or "").startswith("q")
                    else cost
                ),
                # why the programme is only noted, not recommended for approval: "phase" (a
                # phase's pupils exceed its places on record), "areas" (most of its cost is in
                # areas whose pupils do), or null
                "approval_withheld": self.approval_withheld,
                **self._plan_split_headline(),
                "mainstream_left_short": [
                    {
                        "phase": d["phase"],
                        "year": d["year"],
                        "places": _json_figure(d["total"]),
                        "areas": {name: _json_figure(v) for name, v in d["areas"]},
                        # the same figures by area code, for other systems (names may change)
                        "area_codes": {
                            str(c): _json_figure(v) for c, (_, v) in zip(d["codes"], d["areas"])
                        },
                        "years_short": [y for y, _ in d["years"]],
                        "why": d["why"],
                    }
                    for d in self.mainstream_left_short
                ],
            }
        out.update(self._send_early_years_headline())
        c = self.council_comparison
        if c is not None:
            latest = analysis.published_latest(self)
            out["council_return"] = {
                "edition": int(latest["edition"].max()),
                "scap_year": int(latest[nc.YEAR].iloc[0]),
                "basic_need_funding_gbp": _json_figure(
                    analysis.published_value(latest, "basic_need_funding", "all")
                ),
                "rows": [
                    {
                        "measure": r.measure,
                        "year": int(r.year),
                        "primary": _json_figure(r.primary),
                        "primary_council": _json_figure(r.primary_council),
                        "secondary": _json_figure(r.secondary),
                        "secondary_council": _json_figure(r.secondary_council),
                        "source": r.source,
                    }
                    for r in c.itertuples(index=False)
                ],
            }
        behind = self.capacity_behind
        if behind:  # the plan rests on places the base year's pupils already exceed
            out["capacity_out_of_date"] = [
                {k: (_json_figure(v) if isinstance(v, float) else v) for k, v in b.items()}
                for b in behind
            ]
        if self.capacity_behind_areas:
            out["capacity_out_of_date_areas"] = [
                {k: (_json_figure(v) if isinstance(v, float) else v) for k, v in b.items()}
                for b in self.capacity_behind_areas
            ]
        k = self.key_decision
        if k is not None and (k.get("recommended") or k.get("table") is not None):
            # an appraisal whose area the recommended plan builds nothing in still has its
            # entry (null option, no places), not a null key that reads as "no appraisal"
            r = k.get("recommended") or {}
            t = k.get("table")
            out["key_decision"] = {
                "area": k["area"],
                "phase": k.get("phase"),
                # the options compared, without "do nothing" and the recommended plan's row
                "options_appraised": 0
                if t is None
                else int((~t["recommended"] & (t["option"] != "do nothing")).sum()),
                "option": r.get("option"),
                "places": _json_figure(r.get("places", 0.0)),
                "temporary_places": _json_figure(r.get("temporary_places", 0.0)),
                # interim options bought by the plan, in place-years (not places still needed)
                "interim_place_years": _json_figure(r.get("interim_place_years", 0.0)),
                "cost_gbp": _json_figure(r.get("cost", 0.0)),
                "year": int(r["year"]) if r else None,
                "last_year": int(r.get("last_year", r["year"])) if r else None,
                # noted, not agreed, until current capacity is confirmed
                "withheld": analysis.key_decision_withheld(self),
            }
        return out

    def _intake_headline(self) -> list[dict]:
        """``intake_set_by_school`` of :meth:`headline`: every area whose school sets its own
        intake, with the most places it is short before the plan (0 when never) and when."""
        short = {(d["area"], d["phase"]): d for d in self.intake_short}
        out = []
        a = self.areas
        for r in a[a[nc.AREA].astype(str).isin(self.intake_areas)].itertuples(index=False):
            d = short.get((str(r.area), r.phase))
            out.append(
                {
                    "area": str(r.area),
                    "name": r.name,
                    "phase": r.phase,
                    "shortfall": _json_figure(d["shortfall"]) if d else 0.0,
                    "year": d["year"] if d else None,
                }
            )
        return out

    def _plan_split_headline(self) -> dict:
        """The plan's lasting and temporary mainstream places and the pupils it places next
        door, for :meth:`headline`'s ``plan``."""
        t = self.lasting_and_temporary or {}
        out: dict[str, Any] = {
            "lasting_places": _json_figure(t.get("lasting_places", 0.0)),
            "lasting_cost_gbp": _json_figure(t.get("lasting_cost", 0.0)),
            "temporary_places": _json_figure(t.get("temporary_places", 0.0)),
            "temporary_cost_gbp": _json_figure(t.get("temporary_cost", 0.0)),
            "interim_places": _json_figure(t.get("interim_places", 0.0)),
            "interim_cost_gbp": _json_figure(t.get("interim_cost", 0.0)),
            "temporary_share": round(float(t.get("temporary_share", 0.0)), 4),
            "mostly_temporary": bool(t.get("mostly_temporary", False)),
            "repeated_bulge_classes": [
                {
                    "area": r["area"],
                    "name": r["name"],
                    "phase": r["phase"],
                    "first_year": r["first"],
                    "last_year": r["last"],
                    "years": r["years"],
                    "places": _json_figure(r["places"]),
                    "cost_gbp": _json_figure(r["cost"]),
                }
                for r in t.get("runs", [])
            ],
        }
        m = self.moves
        moved = []
        if m is not None and len(m):
            keys = self.moves_by_area[["area", "phase"]].drop_duplicates()
            for area, phase in keys.itertuples(index=False):
                d = analysis.area_moves(self, area, phase)
                if d is None:
                    continue
                entry = {"area": area, "name": self.area_name(area), "phase": phase}
                for k in ("in", "out"):
                    entry.update(
                        {
                            f"moved_{k}_peak": _json_figure(d[f"{k}_peak"]),
                            f"moved_{k}_peak_year": d[f"{k}_peak_year"] if d[k] else None,
                            f"moved_{k}_pupil_years": _json_figure(d[f"{k}_pupil_years"]),
                            f"moved_{k}_cost_gbp": _json_figure(d[f"{k}_cost"]),
                            f"moved_{k}_{'from' if k == 'in' else 'to'}": {
                                r["other"]: _json_figure(r["peak"]) for r in d[k]
                            },
                        }
                    )
                entry["own_need"] = _json_figure(d["own_need"])
                entry["need_with_moves"] = _json_figure(d["need_with"])
                moved.append(entry)
        out["moves"] = moved
        out["moves_cost_gbp"] = _json_figure(
            float(m["cost"].sum()) if m is not None and len(m) else 0.0
        )
        return out

    def _send_early_years_headline(self) -> dict:
        """``send`` / ``early_years`` entries of :meth:`headline`: places needed in the first
        and last year, capacity (supply), shortfall, and what the plan leaves short."""
        out: dict[str, Any] = {}
        for d in self.place_positions:
            left = d["left"]
            entry = {"scenario": d["scenario"]} if d["scenario"] is not None else {}
            entry.update(
                {
                    "first_year": d["first"],
                    "places_first_year": _json_figure(d["places_first"]),
                    "last_year": d["last"],
                    "places_last_year": _json_figure(d["places_last"]),
                    "places_last_year_lower80": _json_figure(d["lower"]),
                    "places_last_year_upper80": _json_figure(d["upper"]),
                    d["cap"]: _json_figure(d["capacity"]),
                    "shortfall_last_year": _json_figure(d["shortfall"]),
                    "plan_year": None if left is None else left[1],
                    "short_before_plan": None
                    if left is None
                    else _json_figure(d["plan"]["before"]),
                    "left_short_after_plan": None if left is None else _json_figure(left[0]),
                }
            )
            out[d["key"]] = entry
        return out

    def to_frame(self) -> pd.DataFrame:
        """The headline position as a table (phase x milestone)."""
        return pd.DataFrame(self.headline()["position"])

    def summary(self) -> str:
        """One paragraph: what the report contains and what is missing.

        Figures are rounded once, from the unrounded values (not from :meth:`headline`'s
        one-decimal ones), as the report rounds them.
        """
        h = self.headline()
        sc = self.meta.get("scenario")
        # a scenario says so first, as the plan's summary does (a Coventry trial: the report's
        # first line read as the Council's own report)
        lines = (
            [
                f"Scenario: {sc['file']} extends {sc['extends'][0]}: for comparison, not for "
                "decision."
            ]
            if sc
            else []
        )
        lines += [
            f"{self.meta['title']} - {self.meta['authority_name']} (run {self.meta['run_id']}, "
            f"base year {nc.academic_year_label(self.meta['base_year'])}, "
            f"{len(self.areas)} planning areas)."
        ]
        count = text.fmt_count
        for p in h["position"]:
            pos = analysis.position_at(self.sufficiency, p["phase"], p["year"], self.intake_areas)
            lines.append(
                f"  {_PLACE_PHASES.get(p['phase'], p['phase']):<15} "
                f"{nc.academic_year_label(p['year'])}: demand "
                f"{count(pos['demand'])}, capacity {count(pos['capacity'])}, shortfall "
                f"{count(pos['shortfall'])} ({plural(p['areas_short'], 'area')} short)"
            )
        labels = {
            "send": ("special", "capacity", "SEND"),
            "early_years": ("early years", "supply", "early years"),
        }
        for d in self.place_positions:
            label, cap, what = labels[d["key"]]
            key = d["key"]
            note = "by age group, no margin" if key == "early_years" else "no margin"
            figures = functools.partial(_place_line, label, cap, note)
            # each line says its year: the plan's last year (the mainstream lines' last year)
            # first, then the SEND forecast's own last year when it runs on (a Staffordshire
            # trial read 2034/35 SEND figures beside 2032/33 plan and mainstream figures)
            left = d["left"]
            py = None if left is None else left[1]
            aligned = py is not None and py != d["last"] and np.isfinite(d["places_plan"])
            if aligned:
                line = figures(py, d["places_plan"], d["capacity_plan"], d["shortfall_plan"])
            else:
                line = figures(d["last"], d["places_last"], d["capacity"], d["shortfall"])
            if left is not None:
                line += (
                    "; "
                    + (
                        ""
                        if aligned or py == d["last"]
                        else f"in {nc.academic_year_label(py)}, the plan's last year, "
                    )
                    + "short with the margin"
                    + (" (age groups together)" if key == "early_years" else "")
                    + f" {count(d['plan']['before'])} before the plan, "
                    f"{count(left[0])} after"
                )
            lines.append(line)
            if aligned:
                lines.append(
                    figures(
                        d["last"],
                        d["places_last"],
                        d["capacity"],
                        d["shortfall"],
                        f"; the {what} forecast's last year, after the plan's",
                    )
                )
        for k, v in self.missing.items():
            lines.append(f"  not available in this run: {k} ({v})")
        return "\n".join(lines)


def _place_line(
    label: str,
    cap: str,
    note: str,
    year: int,
    places: float,
    capacity: float,
    shortfall: float,
    more: str = "",
) -> str:
    """One line of :meth:`ReportData.summary` for special or early years places in ``year``."""
    count = text.fmt_count
    line = f"  {label:<15} {nc.academic_year_label(year)}: places {count(places)}"
    if np.isfinite(capacity):
        line += f", {cap} {count(capacity)}, shortfall {count(shortfall)} ({note}{more})"
    elif more:
        line += f" ({more.lstrip('; ')})"
    return line


# ---------------------------------------------------------------------------
# Running the pipeline
# ---------------------------------------------------------------------------
def _backtest_history(inputs: ModelInputs):
    """``(pupils, births, calendar births)`` for the report's accuracy backtest: the history
    ``sufficiency backtest`` reads from the model's own files
    (:func:`~sufficiency.backtest.model_authority_files`: every authority in the pupils file,
    fitted and pooled as that command fits them; only this authority's rows are reported), or
    the authority's own totals alone when its pupils are read otherwise."""
    from ..backtest import authority_history, model_authority_files

    files = model_authority_files(inputs.config)
    if files is not None:
        return authority_history(files)
    births = inputs.authority_births if len(inputs.authority_births) else None
    return inputs.authority_pupils, births, None


def _optional(module: str, name: str):
    """Import ``sufficiency.<module>.<name>``; None if that part of the engine is absent."""
    try:
        mod = importlib.import_module(f"sufficiency.{module}")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("sufficiency"):
            return None
        raise
    return getattr(mod, name, None)


def _why(exc: BaseException) -> str:
    first = (str(exc).splitlines() or [""])[0]
    if isinstance(exc, SufficiencyError):
        return first
    logger.warning("report: a part of the engine failed: %s: %s", type(exc).__name__, first)
    return f"internal error {type(exc).__name__}: {first}"


def _errors(strict: bool):
    return (SufficiencyError,) if strict else (Exception,)


#: parts a report may be published without when their inputs fail: part -> (model section,
#: what it is called in messages)
ALLOWABLE_MISSING = FrozenDict(
    {
        "send": ("send", "the SEND forecast"),
        "early_years": ("early_years", "the early years forecast"),
        "plan": ("plan", "the plan"),
    }
)


def check_report_date(report_date) -> str:
    """``str(report_date)`` if it starts with an ISO date, else a ConfigError."""
    text = str(report_date)
    try:
        _dt.date.fromisoformat(text[:10])
    except ValueError:
        raise ConfigError(
            f"report_date = {report_date!r}: expected a date, or a string "
            "YYYY-MM-DD (e.g. '2026-11-22')"
        ) from None
    return text


def _allowed(allow_missing: Iterable[str]) -> frozenset[str]:
    if isinstance(allow_missing, str):  # one part, not its letters
        allow_missing = (allow_missing,)
    parts = {str(p).replace("-", "_") for p in allow_missing}
    unknown = sorted(parts - set(ALLOWABLE_MISSING))
    if unknown:
        raise ConfigError(
            f"allow_missing: unknown part(s) {', '.join(unknown)}; expected some "
            f"of {', '.join(ALLOWABLE_MISSING)}"
        )
    return frozenset(parts)


def _raise_if_declared(exc: BaseException, part: str, cfg, allowed: frozenset[str]) -> None:
    """Re-raise a data or config error in the inputs of a part the model declares.

    A :class:`SchemaError` or :class:`ConfigError` from a part whose section the model has
    (``[send]``, ``[early_years]``, ``[plan]``; the forecast always) is an error in the
    model's own files: the report must not be published without that part unless the caller
    allows it (``allow_missing``). A part whose section is absent, or any other error (an
    infeasible plan), is reported as not available in this run.
    """
    if not isinstance(exc, (SchemaError, ConfigError)):
        return
    if part != "forecast":
        section, what = ALLOWABLE_MISSING[part]
        if part in allowed or section not in cfg.raw:
            return
        hint = (
            f" -- report stopped: fix this input of [{section}], or publish the report "
            f"without {what} with --allow-missing {part.replace('_', '-')}"
        )
    else:
        hint = " -- report stopped: the pupil forecast needs this input"
    lines = str(exc).splitlines() or [type(exc).__name__]
    lines[0] = lines[0] + hint
    raise type(exc)("\n".join(lines)) from exc


def run_pipeline(
    inputs: ModelInputs,
    *,
    solver: str | None = None,
    quantile: float | None = None,
    with_plan: bool = True,
    with_send: bool = True,
    with_early_years: bool = True,
    strict: bool = False,
    allow_missing: Iterable[str] = (),
) -> dict[str, Any]:
    """Run forecast -> sufficiency -> plan (and SEND, early years) with what is installed.

    Parameters
    ----------
    inputs : ModelInputs
        Loaded model inputs (:func:`sufficiency.load_inputs`).
    solver : {"cbc", "highs"}, optional
        Solver for the plan (default: the model's ``[plan]`` section or CBC).
    quantile : float, optional
        Plan to this quantile of demand instead of the central forecast [fraction].
    with_plan, with_send, with_early_years : bool
        Skip a part (faster runs, or when it is not wanted).
    strict : bool
        If False (default), a part that fails with any error is reported as "not available
        in this run" with the error, and the report goes on; if True only
        :class:`SufficiencyError` is caught (use it to debug a part). Either way a
        :class:`SchemaError` or :class:`ConfigError` in the inputs of a part the model
        declares (its ``[send]``, ``[early_years]`` or ``[plan]`` section; the forecast
        always) is raised, so that a report is not published without a part by mistake.
    allow_missing : iterable of str
        Parts (``"send"``, ``"early_years"``, ``"plan"``) to report as not available in this
        run when their inputs fail, instead of raising.

    Returns
    -------
    dict
        ``forecast, sufficiency, allocation, send, early_years, scorecards, backtest,
        published`` (each a results object or None), ``missing`` ({part: reason}) and
        ``seconds`` ({part: wall time [s]}).
    """
    cfg = require_inputs(inputs, "run_pipeline").config
    allowed = _allowed(allow_missing)
    out: dict[str, Any] = dict.fromkeys(
        (
            "forecast",
            "sufficiency",
            "allocation",
            "send",
            "early_years",
            "scorecards",
            "backtest",
            "published",
        )
    )
    missing: dict[str, str] = {}
    out["missing"] = missing
    seconds: dict[str, float] = {}
    out["seconds"] = seconds
    clock = [time.perf_counter()]

    def lap(name: str) -> None:
        now = time.perf_counter()
        seconds[name] = now - clock[0]
        clock[0] = now

    run_forecast = _optional("forecast", "run_forecast")
    if run_forecast is None:
        missing["forecast"] = "the forecast module is not installed"
    else:
        try:
            out["forecast"] = run_forecast(inputs)
        except _errors(strict) as exc:
            _raise_if_declared(exc, "forecast", cfg, allowed)
            missing["forecast"] = f"the forecast failed: {_why(exc)}"
    fc = out["forecast"]
    lap("forecast")
    assess = _optional("capacity", "assess_sufficiency")
    if fc is not None and assess is not None:
        a = cfg.assumptions
        out["sufficiency"] = assess(
            fc.phase_totals(),
            inputs.capacity,
            a.margin,
            target=a.surplus_target,
            ceiling=a.surplus_ceiling,
        )
    elif fc is None:
        missing["sufficiency"] = "no forecast"
    else:
        missing["sufficiency"] = "the capacity module is not installed"

    lap("sufficiency")
    if with_send:
        fs = _optional("send", "forecast_send")
        if fs is None:
            missing["send"] = "the SEND module is not installed"
        else:
            try:
                out["send"] = fs(inputs)
            except _errors(strict) as exc:
                _raise_if_declared(exc, "send", cfg, allowed)
                missing["send"] = f"the SEND forecast failed: {_why(exc)}"
    if with_early_years:
        fe = _optional("early_years", "forecast_early_years")
        if fe is None:
            missing["early_years"] = "the early years module is not installed"
        else:
            try:
                out["early_years"] = fe(inputs)
            except _errors(strict) as exc:
                _raise_if_declared(exc, "early_years", cfg, allowed)
                missing["early_years"] = f"the early years forecast failed: {_why(exc)}"

    lap("send_early_years")
    if with_plan and fc is not None:
        plan = _optional("optimise", "plan")
        if plan is None:
            missing["plan"] = "the optimiser is not installed"
        else:
            kwargs: dict[str, Any] = {"quantile": quantile}
            if solver:
                kwargs["solver"] = solver
            if out["send"] is not None:
                kwargs["send"] = out["send"]
            if out["early_years"] is not None:
                kwargs["early_years"] = out["early_years"]
            try:
                out["allocation"] = plan(inputs, fc, **kwargs)
            except _errors(strict) as exc:
                _raise_if_declared(exc, "plan", cfg, allowed)
                first = _why(exc)
                if "send" in kwargs or "early_years" in kwargs:
                    # keep the mainstream plan; say plainly what it leaves out
                    kwargs.pop("send", None)
                    kwargs.pop("early_years", None)
                    try:
                        out["allocation"] = plan(inputs, fc, **kwargs)
                        missing["plan_send"] = (
                            "the plan covers mainstream places only: with SEND and early years "
                            f"demand it failed ({first})"
                        )
                    except _errors(strict) as exc2:
                        _raise_if_declared(exc2, "plan", cfg, allowed)
                        missing["plan"] = f"the plan could not be solved: {_why(exc2)}"
                else:
                    missing["plan"] = f"the plan could not be solved: {first}"
    elif not with_plan:
        missing["plan"] = "the plan was not run (--no-plan)"
    else:
        missing["plan"] = "no forecast to plan against"

    lap("plan")
    rs = _optional("io.scorecards", "read_scorecards")
    sc_dir, sc_path = cfg.scorecards("report")
    if rs is not None and sc_path.exists():
        out["scorecards"] = rs(sc_path)
        rp = _optional("io.scorecards", "read_published_position")
        try:
            out["published"] = rp(sc_path, cfg.authority)
        except _errors(strict) as exc:
            missing["published"] = (
                f"the scorecard's published figures could not be read: {_why(exc)}"
            )
    else:
        missing["scorecards"] = f"no scorecards at {sc_dir}"

    bt = _optional("backtest", "backtest")
    if bt is None:
        missing["backtest"] = "the backtest module is not installed"
    elif inputs.authority_pupils is None or inputs.authority_pupils.empty:
        missing["backtest"] = "no authority pupil totals to backtest on"
    else:
        # the DfE measure: authority totals, forecasts made 1 and 3 years before each
        # target year the census covers
        defaults = _optional("backtest", "DEFAULT_PARAMS") or {}
        params = {k: v for k, v in cfg.section("forecast").items() if k in defaults}
        sc = out["scorecards"].data if out["scorecards"] is not None else None
        try:
            pupils, births, cal = _backtest_history(inputs)
            yrs = pupils[nc.YEAR].astype(int)
            first, last = int(yrs.min()), int(yrs.max())
            with warnings.catch_warnings():  # other authorities' data warnings are not this model's
                warnings.simplefilter("ignore")
                # the last origins have no 3-year target in the data: expected, so not a warning
                res = bt(
                    pupils,
                    births,
                    list(range(first + 2, last)),
                    [1, 3],
                    params=params,
                    scorecards=sc,
                    beyond_level=logging.INFO,
                    calendar_births=cal,
                )
            # the census years it ran on, for the accuracy section's source note
            out["backtest"] = _replace(
                res, extra={**dict(res.extra), "census_years": (first, last)}
            )
        except _errors(strict) as exc:
            missing["backtest"] = f"the backtest failed: {_why(exc)}"
    lap("scorecards_backtest")
    return out


# ---------------------------------------------------------------------------
# Building the report tables
# ---------------------------------------------------------------------------
def _tiers_text(area, areas=()) -> str:
    """The area's tier structure in words; for an area teaching part of its phase
    (``year_groups``), which year groups, where its pupils go on to and where its entry comes
    from (first-school, middle-school and recruiting areas)."""
    names = {
        "two_tier": "two-tier (primary R-Y6, secondary Y7-Y13)",
        "three_tier": "three-tier (first R-Y4, middle Y5-Y8, high Y9-Y13)",
    }
    text = names.get(area.tiers, area.tiers)
    for ch in sorted(area.tier_changes, key=lambda c: c.year):
        text += f"; {names.get(ch.tiers, ch.tiers).split(' (')[0]} from September {ch.year}"
    g = area.ncys
    if area.intake_from and area.tiers == "two_tier" and not area.tier_changes:
        text = "a school recruiting across areas"
    if area.year_groups:
        span = f"{nc.NCY_LABELS[g[0]]}-Y{g[-1]}" if g[0] == 0 else f"Years {g[0]}-{g[-1]}"
        if area.ends_early and area.phase == "primary":
            text += f"; this area's schools teach {span} only (first schools)"
        elif area.ends_early:
            text += (
                f"; this area's schools teach secondary {span} only (a middle school's "
                "Years 5-6 are in its primary area)"
            )
        else:
            text += f"; this area's schools teach {span} only"
    if area.ends_early and area.transfer:
        goes = ", ".join(f"{s} ({v:.0%})" for s, v in area.transfer.items() if v > 0)
        text += f"; Year {g[-1]} moves on to {goes} as Year {g[-1] + 1}"
    feeders = [b for b in areas if b.ends_early and b.transfer.get(area.code, 0) > 0]
    for entry in sorted({b.transfer_ncy + 1 for b in feeders}):
        mine = [b for b in feeders if b.transfer_ncy + 1 == entry]
        kind = "first-school" if mine[0].phase == "primary" else "middle-school"
        text += (
            f"; {'its' if entry == g[0] else 'it also takes'} Year {entry} "
            f"{'comes ' if entry == g[0] else ''}from the {kind} "
            f"area{'' if len(mine) == 1 else 's'} "
            f"{', '.join(b.code for b in mine)}"
        )
    if area.intake_from:
        text += (
            f"; its Year {g[0]} is recruited from the areas {', '.join(area.intake_from)} "
            f"(forecast as a share of their Year {g[0] - 1}, as in the past). The school "
            "sets its own intake, so the plan proposes no default places here: pupils "
            "forecast beyond its places would stay at their schools in the areas it "
            "recruits from, whose forecasts do not keep them (a caution for those areas)"
        )
    return text


def _areas_table(inputs: ModelInputs) -> pd.DataFrame:
    cap = inputs.capacity
    rows = []
    for a in inputs.config.areas:
        mine = cap[(cap[nc.AREA] == a.code) & (cap[nc.PHASE] == a.phase)]
        rows.append(
            {
                nc.AREA: a.code,
                "name": a.name,
                nc.PHASE: a.phase,
                "tiers": _tiers_text(a, inputs.config.areas),
                "three_tier": a.tiers == "three_tier" or bool(a.tier_changes),
                "year_groups": (f"Y{a.ncys[0]}-Y{a.ncys[-1]}" if a.year_groups else ""),
                "tier_change_year": (
                    min(int(c.year) for c in a.tier_changes) if a.tier_changes else None
                ),
                "schools": int(mine[nc.SCHOOL].nunique()),
                nc.CAPACITY: float(mine[nc.CAPACITY].sum()),
                "roll": float(mine["roll"].sum()) if "roll" in mine else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def _demand_table(forecast, q: float, cells: pd.DataFrame | None) -> pd.DataFrame | None:
    """Demand by phase of places with 80% and 95% bands and the stress quantile; ``cells``
    is the forecast's ``to_frame()`` (for the births-projected flag)."""
    if forecast is None:
        return None
    base = forecast.phase_totals()
    base = base[base[nc.PHASE].isin(list(_PLACE_PHASE))].copy()
    base["place_phase"] = base[nc.PHASE].map(_PLACE_PHASE)
    keys = [nc.AREA, "place_phase", nc.YEAR]
    agg = base.groupby(keys, as_index=False, sort=True)[
        [nc.PUPILS, "pupils_lower", "pupils_upper"]
    ].sum()
    kind = base.groupby(keys, sort=True)[nc.KIND].first().to_numpy()
    agg[nc.KIND] = kind
    agg = agg.rename(
        columns={
            "place_phase": nc.PHASE,
            nc.PUPILS: "demand",
            "pupils_lower": "demand_lower",
            "pupils_upper": "demand_upper",
        }
    )
    # whether any of the area's pupils that year rest on projected (or nowcast) births
    if cells is not None and "births_projected" in cells:
        bp = cells.groupby([nc.AREA, nc.YEAR])["births_projected"].any()
        agg["births_projected"] = (
            bp.reindex(pd.MultiIndex.from_frame(agg[[nc.AREA, nc.YEAR]]))
            .fillna(False)
            .to_numpy(bool)
        )
    # quantiles of phase totals; summing sixth form and secondary quantiles is conservative
    for col, qq in (("demand_lower_95", 0.025), ("demand_upper_95", 0.975), ("demand_q", q)):
        try:
            t = forecast.phase_totals(q=qq)
        except (TypeError, ValueError, NotImplementedError, SufficiencyError) as exc:
            logger.info("phase_totals(q=%s) not available: %s", qq, exc)
            agg[col] = np.nan
            continue
        t = t[t[nc.PHASE].isin(list(_PLACE_PHASE))].assign(
            **{nc.PHASE: lambda f: f[nc.PHASE].map(_PLACE_PHASE)}
        )
        s = t.groupby([nc.AREA, nc.PHASE, nc.YEAR], sort=True)[nc.PUPILS].sum()
        agg[col] = s.reindex(pd.MultiIndex.from_frame(agg[[nc.AREA, nc.PHASE, nc.YEAR]])).to_numpy()
    return agg


def _census_years(backtest) -> tuple[int, int] | None:
    """The first and last census year a backtest ran on, as :func:`run_pipeline` records them
    in its ``extra``; None when not recorded."""
    years = dict(getattr(backtest, "extra", None) or {}).get("census_years")
    return tuple(int(y) for y in years) if years else None


def _backtest_meta(backtest) -> Mapping[str, Any] | None:
    """How the accuracy backtest was run: ``authorities`` fitted on (count), ``origins``,
    ``horizons``, ``census_years`` (first and last year of the pupils it ran on, or None)."""
    bt = _frame_or_none(backtest)
    if bt is None or bt.empty or "origin" not in bt:
        return None
    from ..backtest import DEFAULT_PARAMS

    used = dict(getattr(backtest, "config", None) or {})
    return FrozenDict(
        {
            "authorities": int(bt[nc.AREA].nunique()) if nc.AREA in bt else 1,
            "origins": tuple(sorted(int(o) for o in bt["origin"].unique())),
            "horizons": tuple(sorted(int(h) for h in bt["horizon"].unique())),
            # first and last January census of the pupils it ran on (None when not recorded)
            "census_years": _census_years(backtest),
            # the command quoted runs the engine's defaults: say so when the model's differ
            "default_params": all(
                _comparable(used.get(k, v)) == _comparable(v) for k, v in DEFAULT_PARAMS.items()
            ),
        }
    )


def _comparable(v):
    """A parameter value in a comparable form: TOML's ``{"2020" = 0.0}`` and ``[0.8, 0.95]``
    equal the defaults' ``{2020: 0.0}`` and ``(0.8, 0.95)``."""
    if isinstance(v, Mapping):
        return {int(k) if str(k).lstrip("-").isdigit() else k: _comparable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return tuple(_comparable(x) for x in v)
    return v


def _backtest_files(cfg) -> Mapping[str, str]:
    """``sufficiency backtest`` options naming the model's files (file names only), when the
    report's backtest ran on them (:func:`_backtest_history`); empty otherwise."""
    from ..backtest import model_authority_files

    files = model_authority_files(cfg)
    if files is None:
        return FrozenDict({})
    out = {k: p.name for k, p in files.items()}
    out["scorecards"] = cfg.scorecards("report")[1].name
    return FrozenDict(out)


#: columns of :attr:`ReportData.accuracy`, in order
ACCURACY_COLUMNS = (
    nc.PHASE,
    "horizon",
    "origin",
    "target_year",
    "forecast",
    "actual",
    "pct_error",
    "pct_error_last",
    "pct_error_cohort3",
    "authority_error",
    "lower80",
    "upper80",
    "inside80",
    "scorecard_edition",
)


def _accuracy_table(inputs: ModelInputs, scorecards, backtest) -> pd.DataFrame | None:
    """One row per phase (primary, secondary), horizon and target year for the model's own
    authority: this engine's backtest (:func:`sufficiency.backtest.backtest`, fitted on every
    authority in the pupils file, this one's rows kept) with both baselines' errors and the
    80% range, next to the authority's own published error (DfE scorecards, the newest
    edition's figure where two give one).

    Columns :data:`ACCURACY_COLUMNS`: ``origin = target_year - horizon``; ``forecast``,
    ``actual``, ``lower80``, ``upper80`` [pupils]; ``pct_error`` (this engine),
    ``pct_error_last`` (last year carried forward), ``pct_error_cohort3`` (plain cohort
    survival, 3-year means) and ``authority_error`` are signed ``(forecast - actual) /
    actual`` [fraction]; ``inside80`` is ``lower80 <= actual <= upper80`` (None without a
    range); ``scorecard_edition`` the scorecard the authority's figure is from. Rows with only
    the authority's figure (a horizon or target year the backtest does not score) have the
    engine's columns empty. None when neither source has a row.
    """
    key = [nc.PHASE, "horizon", "target_year"]
    me = str(inputs.config.authority)
    eng = None
    bt = _frame_or_none(backtest)
    if (
        bt is not None
        and not bt.empty
        and {"pct_error", "target_year", "horizon", nc.PHASE} <= set(bt)
    ):
        eng = bt[bt[nc.PHASE].isin(["primary", "secondary"])]
        if nc.AREA in eng:  # fitted on every authority in the file; this one reported
            eng = eng[eng[nc.AREA].astype(str) == me]
        cols = [
            c
            for c in (
                "forecast",
                "actual",
                "pct_error",
                "pct_error_last",
                "pct_error_cohort3",
                "lower80",
                "upper80",
            )
            if c in eng
        ]
        eng = eng[key + cols].astype({"horizon": "int64", "target_year": "int64"})
        if eng.duplicated(key).any():  # one forecast per origin and horizon: never expected
            raise SufficiencyError(
                f"backtest: more than one row per phase, horizon and target "
                f"year for {me}:\n{eng[eng.duplicated(key, keep=False)].head()}"
            )
    own = None
    if scorecards is not None:
        sc = scorecards.data
        own = sc[(sc[nc.AREA].astype(str) == me) & sc[nc.PHASE].isin(["primary", "secondary"])]
        # the newest edition's figure where two editions give one (as the backtest keeps)
        own = (
            own.sort_values("edition", kind="stable")
            .drop_duplicates(key, keep="last")
            .astype({"horizon": "int64", "target_year": "int64"})
        )
        own = own[key + ["own_error", "edition"]].rename(
            columns={"own_error": "authority_error", "edition": "scorecard_edition"}
        )
    frames = [f for f in (eng, own) if f is not None and not f.empty]
    if not frames:
        return None
    acc = frames[0] if len(frames) == 1 else eng.merge(own, on=key, how="outer")
    acc = acc.sort_values(key, kind="stable").reset_index(drop=True)
    acc["origin"] = (acc["target_year"] - acc["horizon"]).astype("int64")
    for c in ACCURACY_COLUMNS:
        if c not in acc:
            acc[c] = np.nan
    acc["authority_error"] = acc["authority_error"].astype(float)
    acc["scorecard_edition"] = acc["scorecard_edition"].astype("Int64")
    lo, hi, act = (acc[c].to_numpy(float) for c in ("lower80", "upper80", "actual"))
    known = np.isfinite(lo) & np.isfinite(hi) & np.isfinite(act)
    inside = (lo <= act) & (act <= hi)
    acc["inside80"] = pd.Series(
        [bool(v) if k else None for v, k in zip(inside, known)], dtype=object, index=acc.index
    )
    return acc[list(ACCURACY_COLUMNS)]


ENGLAND = "E92000001"


def _benchmark_table(scorecards, authority: str) -> pd.DataFrame | None:
    """For each phase and horizon, the latest target year with England's published error:
    England's signed error and the median absolute error of the other authorities in the
    scorecards file (``peers_mae``, ``peers_n``)."""
    if scorecards is None:
        return None
    sc = scorecards.data
    eng = sc[sc[nc.AREA] == ENGLAND]
    if eng.empty:
        return None
    rows = []
    for (phase, horizon), g in eng.groupby([nc.PHASE, "horizon"], sort=True):
        year = int(g["target_year"].max())
        peers = sc[
            (sc[nc.PHASE] == phase)
            & (sc["horizon"] == horizon)
            & (sc["target_year"] == year)
            & (sc[nc.AREA] != ENGLAND)
        ]
        rows.append(
            {
                nc.PHASE: phase,
                "horizon": int(horizon),
                "target_year": year,
                "england": float(g.loc[g["target_year"] == year, "own_error"].iloc[0]),
                "peers_mae": float(peers["own_error"].abs().median()) if len(peers) else np.nan,
                "peers_n": int(peers[nc.AREA].nunique()),
            }
        )
    return pd.DataFrame(rows)


def _flatten(d: Mapping, prefix: str = "") -> list[tuple[str, Any]]:
    out = []
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping):
            out += _flatten(v, key + ".")
        else:
            out.append((key, v))
    return out


#: the topics of the assumptions table, in the order the Method chapter shows them
ASSUMPTION_TOPICS = (
    "Pupil forecast",
    "Places and the plan",
    "Special school places",
    "Early years",
    "The report",
)
#: the columns of the assumptions table (``ReportData.assumptions``)
ASSUMPTION_COLUMNS = ("topic", "assumption", "value", "set in", "key", "in the report")

_PCT = "pct"
_AVERAGES = {
    "weighted": "recency-weighted mean",
    "mean": "mean",
    "median": "median",
    "trimmed": "trimmed mean",
}

#: ``section.key`` of the model definition -> (topic, label in words, how its value is
#: written, whether the Method chapter shows it). Settings not listed here (and those marked
#: False: the optimiser's penalties, data files, the forecast's fine tuning) are in the
#: appendix's sheet Assumptions only, under their key.
_SETTINGS = {
    "forecast.method": ("Pupil forecast", "how past survival ratios are averaged", _AVERAGES, True),
    "forecast.halflife": ("Pupil forecast", "weight of past years: halves every", "years", True),
    "forecast.secondary_halflife": (
        "Pupil forecast",
        "the same for Year 6 to Year 11 moves: halves every",
        "years",
        False,
    ),
    "forecast.secondary_shrinkage": (
        "Pupil forecast",
        "pooling of Year 6 to Year 11 ratios towards all areas'",
        None,
        False,
    ),
    "forecast.reception_window": (
        "Pupil forecast",
        "Reception: years of the Reception/births ratio averaged",
        "years",
        True,
    ),
    "forecast.reception_method": (
        "Pupil forecast",
        "Reception: how the Reception/births ratio is averaged",
        _AVERAGES,
        False,
    ),
    "forecast.reception_drift": (
        "Pupil forecast",
        "Reception: share of the recent drift in the ratio added",
        None,
        False,
    ),
    "forecast.primary_drift": (
        "Pupil forecast",
        "share of the recent drift in primary survival ratios added",
        None,
        False,
    ),
    "forecast.staying_on_drift": (
        "Pupil forecast",
        "share of the recent drift in staying-on rates added",
        None,
        False,
    ),
    "forecast.rebound": (
        "Pupil forecast",
        "share of the pandemic year's loss of pupils assumed to return",
        _PCT,
        True,
    ),
    "forecast.births_method": (
        "Pupil forecast",
        "births beyond the last published year",
        "births",
        True,
    ),
    "forecast.coverage": ("Pupil forecast", "ranges given around the forecast", "coverage", False),
    "forecast.draws": ("Pupil forecast", "simulation draws for phase totals", None, False),
    "forecast.housing.yields.primary": (
        "Pupil forecast",
        "pupils per 100 new homes: primary",
        None,
        True,
    ),
    "forecast.housing.yields.secondary": (
        "Pupil forecast",
        "pupils per 100 new homes: secondary",
        None,
        True,
    ),
    "forecast.housing.yields.sixth_form": (
        "Pupil forecast",
        "pupils per 100 new homes: sixth form",
        None,
        True,
    ),
    "forecast.housing.arrival": (
        "Pupil forecast",
        "pupils from new homes arriving in the first, second and third year",
        "shares",
        False,
    ),
    "plan.first_year": ("Places and the plan", "first year the plan can change", "ayear", True),
    "plan.discount_rate": (
        "Places and the plan",
        "discount rate (times capital spending only)",
        _PCT,
        True,
    ),
    "plan.total_budget": ("Places and the plan", "capital budget", "gbp", True),
    "plan.options": (
        "Places and the plan",
        "local plan options (each replaces its area's default)",
        "count",
        True,
    ),
    "plan.special.options": (
        "Special school places",
        "options for new special school places",
        "count",
        True,
    ),
    "plan.early_years.options": (
        "Early years",
        "options for new early years places",
        "count",
        True,
    ),
    "send.scenario": (
        "Special school places",
        "central scenario (the one the plan uses)",
        None,
        True,
    ),
    "send.scenarios": ("Special school places", "scenarios forecast", None, True),
    "send.fit_from": ("Special school places", "trend fitted from", "ayear", True),
    "send.count_independent": (
        "Special school places",
        "placements in independent special schools count as demand for local places",
        "bool",
        True,
    ),
    "send.national_window": (
        "Special school places",
        "'national' scenario: years of England's growth averaged",
        "years",
        False,
    ),
    "send.alpha": ("Special school places", "trend smoothing of the level", None, False),
    "send.beta": ("Special school places", "trend smoothing of the trend", None, False),
    "send.phi": ("Special school places", "damping of the trend a year", None, False),
    "early_years.hours_per_place": (
        "Early years",
        "funded hours of one full-time place",
        "hours",
        True,
    ),
    "early_years.by_area": (
        "Early years",
        "split over the primary planning areas by their births",
        "bool",
        True,
    ),
    "early_years.entitlements": (
        "Early years",
        "funded entitlements modelled (each in section 6)",
        "count",
        True,
    ),
    "report.key_decision_area": (
        "The report",
        "area of the key decision (section 7)",
        "area",
        True,
    ),
    "report.key_decision_phase": ("The report", "phase of the key decision", None, False),
    "report.quantile": (
        "The report",
        "options appraisal stress-tested at this percentile of demand",
        "percentile",
        True,
    ),
    "report.milestones": (
        "The report",
        "years after the base year shown in the summary",
        None,
        False,
    ),
    "report.title": ("The report", "title", None, False),
}
#: the forecast's engine defaults, in words (in the appendix only)
_DEFAULT_LABELS = {
    "shrinkage": "pooling of survival ratios towards all areas'",
    "shrinkage_method": "how that pooling is weighted",
    "reception_shrinkage": "pooling of the Reception/births ratio towards all areas'",
    "combine": "further ratio averages combined with the main one",
    "reception_combine": "further Reception/births ratio averages combined with the main one",
    "reception_trend": "damping of a trend in the Reception/births ratio",
    "reception_trend_window": "years used to estimate that trend",
    "drift": "share of the recent drift in all ratios added",
    "drift_lookback": "years the drift is measured over",
    "rebound_pooled": "pandemic loss measured over all areas together",
}


def _previous_forecast(cfg, fc_frame: pd.DataFrame | None, names: Mapping[str, str]):
    """``[report] previous_forecast`` (last year's forecast.csv, relative to the model file)
    against this report's forecast (:func:`sufficiency.compare.compare_forecasts`); None when
    the model names none or there is no forecast. A file that cannot be read stops the report
    with its error (the model declares it)."""
    given = cfg.section("report").get("previous_forecast")
    if not given or fc_frame is None:
        return None
    from ..compare import compare_forecasts, read_forecast

    path = cfg.resolve(given)
    return compare_forecasts(
        read_forecast(path),
        fc_frame,
        # as the model gives it: each year's file is forecast.csv (a Telford and Wrekin trial)
        sources=(str(given), "this report's forecast"),
        names=names,
    )


def _projection_file_and_end(inputs: ModelInputs) -> tuple[str, str]:
    """``("births_projection.csv", "mid-2035")``: a supplied births projection's file and its
    last mid-year used (the assumptions table and the cover's data vintage)."""
    name = inputs.config.data["births_projection"].path.name
    return name, f"mid-{int(inputs.births_projection[nc.YEAR].max())}"


def _setting_value(v: Any, how: Any, inputs: ModelInputs) -> str:
    """A setting's value in words and units for the assumptions table."""
    from ..forecast import _BIRTHS_METHODS

    if isinstance(how, Mapping):
        return str(how.get(v, v))
    if how == _PCT and isinstance(v, (int, float)):
        return f"{v:.1%}"
    if how == "years" and isinstance(v, (int, float)):
        return f"{v:g} year{'s' if v != 1 else ''}"
    if how == "hours" and isinstance(v, (int, float)):
        return f"{v:g} hours a week"
    if how == "ayear" and isinstance(v, int):
        return nc.academic_year_label(v)
    if how == "gbp" and isinstance(v, (int, float)):
        return f"£{v:,.0f}"
    if how == "bool":
        return "yes" if v else "no"
    if how == "births":
        method = _BIRTHS_METHODS.get(v, str(v))
        if getattr(inputs, "births_projection", None) is None:
            return method
        # a supplied projection gives the mid-years after the data: the method only follows it
        # (the table said Holt's damped trend of births that came from the projection)
        name, end = _projection_file_and_end(inputs)
        return f"the supplied projection {name} ([data.births_projection]) to {end}; after it, {method}"
    if how == "coverage" and isinstance(v, (list, tuple)):
        return " and ".join(f"{c:.0%}" for c in v)
    if how == "percentile" and isinstance(v, (int, float)):
        return f"{v * 100:g}th percentile"
    if how == "shares" and isinstance(v, (list, tuple)):
        return ", ".join(f"{x:.0%}" for x in v)
    if how == "count" and isinstance(v, (list, tuple)):
        return f"{len(v)} (listed in full in the appendix)"
    if how == "area":
        try:
            a = inputs.config.area(str(v))
            return text.area_heading(a.name, a.phase, str(v))
        except Exception:  # noqa: BLE001 - a name is a nicety: the code is enough
            return str(v)
    if isinstance(v, str):
        return v
    if isinstance(v, (list, tuple)) and all(isinstance(x, str) for x in v):
        return ", ".join(v)
    return json.dumps(_plain(v))


def _assumptions_table(inputs: ModelInputs, forecast) -> pd.DataFrame:
    """Every setting the run used, for the Method chapter and the appendix: ``topic``, a
    plain-English ``assumption``, its ``value`` with units, where it is ``set in`` (the model
    file and section, or "engine default"), the raw ``key`` for tracing and whether the
    Method chapter shows it (``in the report``: the settings a councillor might question;
    the rest, such as the optimiser's penalties and data files, are in the appendix only)."""
    cfg = inputs.config
    a = cfg.assumptions
    # a scenario's keys may come from the model it extends
    model = cfg.path.name + (
        f" (or {', '.join(b.name for b in cfg.bases)}, which it extends)" if cfg.bases else ""
    )
    asec = cfg.section("assumptions")

    def src(key: str) -> str:
        return (
            f"{cfg.set_in('assumptions', key)} [assumptions]" if key in asec else "engine default"
        )

    fsec = dict(cfg.section("forecast"))
    used = dict(getattr(forecast, "config", None) or {}) if forecast is not None else {}
    window = used.get("window", fsec.get("window", a.window))
    forecast_topic, plan_topic = ASSUMPTION_TOPICS[0], ASSUMPTION_TOPICS[1]
    rows = [
        (
            forecast_topic,
            "base year (last census)",
            nc.academic_year_label(inputs.base_year),
            "latest year of pupil data",
            "",
            True,
        ),
        (
            forecast_topic,
            "forecast horizon",
            f"{a.horizon} years",
            src("horizon"),
            "assumptions.horizon",
            True,
        ),
        (
            forecast_topic,
            "ratio averaging window",
            f"{window} years",
            f"{cfg.set_in('forecast', 'window')} [forecast]" if "window" in fsec else src("window"),
            "forecast.window" if "window" in fsec else "assumptions.window",
            True,
        ),
        (
            plan_topic,
            "minimum margin of spare places",
            f"{a.margin:.1%}",
            src("margin"),
            "assumptions.margin",
            True,
        ),
        (
            plan_topic,
            "surplus target (amber below)",
            f"{a.surplus_target:.1%}",
            src("surplus_target"),
            "assumptions.surplus_target",
            True,
        ),
        (
            plan_topic,
            "surplus ceiling (blue above)",
            f"{a.surplus_ceiling:.1%}",
            src("surplus_ceiling"),
            "assumptions.surplus_ceiling",
            True,
        ),
        (
            forecast_topic,
            "random seed (for the simulated ranges)",
            str(a.seed),
            src("seed"),
            "assumptions.seed",
            False,
        ),
    ]
    transfer = _transfer_assumption(cfg, model)
    if transfer is not None:
        rows.append((forecast_topic, *transfer, "areas.transfer", True))
    for section in ("forecast", "plan", "send", "early_years", "report"):
        topic = {
            "forecast": forecast_topic,
            "send": "Special school places",
            "early_years": "Early years",
            "report": "The report",
        }.get(section, plan_topic)
        for k, v in _flatten(cfg.section(section)):
            key = f"{section}.{k}"
            if key == "forecast.window":
                continue  # the ratio averaging window above
            set_in = f"{cfg.set_in(section, k.split('.')[0].split('[')[0])} [{section}]"
            known = _SETTINGS.get(key)
            if key.startswith("forecast.downweight."):
                y = int(k.rsplit(".", 1)[1])
                known = (
                    forecast_topic,
                    f"weight of the ratios of the year ending in "
                    f"{nc.academic_year_label(y)}" + (" (the pandemic year)" if y == 2020 else ""),
                    None,
                    True,
                )
                v = f"{v:g}" + (" (left out)" if v == 0 else "")
            if known is None:
                # data files, solver penalties and anything new: the appendix, under its key
                rows.append(
                    (
                        topic,
                        k.replace("_", " ").replace(".", ": "),
                        v if isinstance(v, str) else json.dumps(_plain(v)),
                        set_in,
                        key,
                        False,
                    )
                )
                continue
            t, label, how, shown = known
            rows.append((t, label, _setting_value(v, how, inputs), set_in, key, shown))
        if section == "forecast":
            # the engine's defaults the model definition does not set: used all the same
            for k, v in used.items():
                if k in fsec or k in ("horizon", "seed", "model", "ncys", "window"):
                    continue
                known = _SETTINGS.get(f"forecast.{k}")
                label = known[1] if known else _DEFAULT_LABELS.get(k, k.replace("_", " "))
                value = _setting_value(v, known[2], inputs) if known else json.dumps(_plain(v))
                rows.append(
                    (
                        forecast_topic,
                        label,
                        value,
                        "engine default",
                        f"forecast.{k}",
                        bool(known and known[3]),
                    )
                )
    if forecast is not None and getattr(forecast, "coverage", None):
        rows.append(
            (
                forecast_topic,
                "forecast ranges (calibrated on past errors)",
                " and ".join(f"{c:.0%}" for c in forecast.coverage),
                f"{cfg.set_in('forecast', 'coverage')} [forecast]"
                if "coverage" in fsec
                else "engine default",
                "forecast.coverage",
                True,
            )
        )
    noise = getattr(forecast, "size_noise", None)
    if noise is not None:
        rows.append(
            (
                forecast_topic,
                "forecast ranges: noise of an area's own (widens smaller areas' ranges)",
                f"variance {noise.phi:.3f} / pupils a year (log scale)",
                f"measured: {noise.source}",
                "",
                False,
            )
        )
    out = pd.DataFrame(rows, columns=list(ASSUMPTION_COLUMNS))
    order = {t: i for i, t in enumerate(ASSUMPTION_TOPICS)}
    out["_o"] = out["topic"].map(order).fillna(len(order))
    return out.sort_values("_o", kind="stable").drop(columns="_o").reset_index(drop=True)


def _scenario_meta(cfg) -> dict | None:
    """For a scenario (a model that ``extends`` another): its file, the models it extends
    and what its own file sets (the changes; its name and description left out). None for
    a model that extends none."""
    if not cfg.bases:
        return None
    changes = [c for c in cfg.own_settings() if c not in ("[model] name", "[model] description")]
    return {"file": cfg.path.name, "extends": [b.name for b in cfg.bases], "changes": changes}


def _transfer_assumption(cfg, model: str) -> tuple[str, str, str] | None:
    """The assumptions table's row for the shares in which areas pass pupils on (Year 6 to
    Year 7, ...): :meth:`ModelConfig.transfer_summary`, with where the shares are set (a
    transfers file, listed under Sources, or the model's transfer tables)."""
    got = cfg.transfer_summary()
    if got is None:
        return None
    value, _ = got
    t = cfg.data.get("transfers")
    if t is not None:
        return (
            "transfer shares between planning areas",
            value,
            f"{t.path.name} ([data.transfers]; see Sources)",
        )
    return (
        "transfer shares between planning areas",
        value,
        f"{model} [[areas]] transfer: {got[1].split(': ', 1)[-1]}",
    )


def _plain(v: Any) -> Any:
    """A parameter value as JSON types (tuples as lists, mapping keys as strings)."""
    if isinstance(v, Mapping):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, np.generic):
        return v.item()
    return v


#: tables whose years are not academic years: how to write them
_YEAR_STYLE = {
    "births": "mid-{}",
    "births_projection": "mid-{}",
    "births_calendar": "calendar {}",
    "early_years_takeup": "January {}",
}


def _years_label(table: str, kind: str, years) -> str:
    """The years a source covers, in its own convention: academic years (``2014/15``) by
    default, mid-years for ONS mid-year births and population, January for early years
    take-up counts, calendar years for calendar-year births."""
    years = [int(y) for y in (years or ())]
    if not years:
        return ""
    style = _YEAR_STYLE.get(table)
    if style is None and table == "population" and kind == "actual":
        style = "mid-{}"
    if style is None:
        lab = [nc.academic_year_label(y) for y in (years[0], years[-1])]
    else:
        lab = [style.format(y) for y in (years[0], years[-1])]
    return lab[0] if years[0] == years[-1] else f"{lab[0]} to {lab[1]}"


def _sources_table(provenance) -> pd.DataFrame:
    """The Sources chapter's table, one row per file read or table derived."""
    rows = []
    seen = set()
    for p in provenance:
        d = p.to_dict() if hasattr(p, "to_dict") else dict(p) if isinstance(p, Mapping) else None
        if d is None:
            continue
        years = d.get("years") or ()
        key = (d.get("table"), d.get("path"))
        if key in seen:
            continue
        seen.add(key)
        rows.append(
            {
                "table": d.get("table", ""),
                "file": str(d.get("path", "")).rsplit("/", 1)[-1],
                "publisher": d.get("publisher", ""),
                "years": _years_label(d.get("table", ""), d.get("kind", ""), years),
                "kind": d.get("kind", ""),
                "sha256": str(d.get("sha256", ""))[:12],
                "note": d.get("note", ""),
            }
        )
    return pd.DataFrame(
        rows, columns=["table", "file", "publisher", "years", "kind", "sha256", "note"]
    )


def _sentence(note: str) -> str:
    """A note ending as a sentence does (the model's TODO note is a warning's clause)."""
    n = str(note).rstrip()
    return n if not n or n[-1] in ".!?)" else n + "."


def _takeup_january(early_years) -> int | None:
    """The January of the funded take-up the early years supply assumes, or None when the
    model gives its supply (or there is no early years result)."""
    sup = getattr(early_years, "supply", None)
    year = dict(getattr(early_years, "config", None) or {}).get("supply_year")
    if sup is None or not len(sup) or year is None or "supply_source" not in sup:
        return None
    assumed = str(sup["supply_source"].iloc[0]).startswith("funded take-up")
    return int(year) + 1 if assumed else None


#: the CLI summary's phases of places, with the year groups each counts
_PLACE_PHASES = {"primary": "primary R-Y6", "secondary": "secondary Y7-Y13"}


def _supply_assumed(early_years) -> tuple | None:
    """``(places, entitlements)`` of the assumed early years supply that rest on a take-up
    the model gives rather than the DfE's (``EarlyYearsResult.config``), or None."""
    cfg = dict(getattr(early_years, "config", None) or {})
    places = cfg.get("supply_assumed_places")
    if places is None or places < 0.5:
        return None
    return float(places), tuple(cfg.get("supply_assumed_entitlements", ()))


def _current_year(report_date: str) -> int | None:
    """The academic year under way at the report's date (its start year), None if the date
    is not an ISO date."""
    try:
        d = _dt.date.fromisoformat(str(report_date)[:10])
    except ValueError:
        return None
    return d.year if d.month >= 9 else d.year - 1


def _timing_notes(
    report_date: str, base_year: int, plan_first_year: int | None, last_census: int | None = None
) -> list[str]:
    """How the report's date relates to its data and plan: ``[data note, plan warning...]``
    (the data note is "" when the report is dated within a year of its data). ``last_census``:
    the pupil data's last year, when the model's base year is earlier."""
    current = _current_year(report_date)
    if current is None:
        return [""]
    d = _dt.date.fromisoformat(str(report_date)[:10])
    out = [""]
    if last_census is not None and last_census > base_year:
        # [assumptions] base_year: the later census is in the data, and not used by choice
        out[0] = (
            f"The forecast is made from {nc.academic_year_label(base_year)} (the January "
            f"{base_year + 1} school census), the model's base year ([assumptions] base_year), "
            f"as the data stood then, although the pupil data run to "
            f"{nc.academic_year_label(last_census)}: later years are shown as forecasts."
        )
        if current > last_census + 1:
            # the data's own age, as the note below says it from the base year
            out[0] += (
                f" This report is dated {d:%d %B %Y}: no census for "
                f"{nc.academic_year_label(last_census + 1)} to "
                f"{nc.academic_year_label(current)} is in the data, although those years have "
                "begun or passed."
            )
    elif current > base_year + 1:
        out[0] = (
            f"The latest pupil data are for {nc.academic_year_label(base_year)} (the "
            f"January {base_year + 1} school census); this report is dated {d:%d %B %Y}, "
            f"so {nc.academic_year_label(base_year + 1)} to "
            f"{nc.academic_year_label(current)} are shown as forecasts: no census for "
            f"{'them' if current - base_year > 1 else 'it'} is in the data, although "
            f"{'those years have' if current - base_year > 1 else 'that year has'} "
            "begun or passed."
        )
    if plan_first_year is not None and plan_first_year <= current:
        out.append(
            f"The plan's first year, {nc.academic_year_label(plan_first_year)}, had begun "
            f"by the date of this report ({d:%d %B %Y}): places shown from September "
            f"{plan_first_year} can open then only if they are already committed. "
            f"Officers should re-run the plan from {nc.academic_year_label(current + 1)} "
            f"(the plan's first year in the model definition, {current + 1}: see "
            "Assumptions)."
        )
    return out


def _added(
    years: np.ndarray, places: float, start: float, duration: float, fill_years: float = 0
) -> np.ndarray:
    """Places an option adds in each year: from ``start``, for ``duration`` years if > 0,
    filling over ``fill_years`` (:func:`~sufficiency.optimise.data.filled_share`)."""
    on = years >= start
    if duration and duration > 0:
        on &= years < start + duration
    fill = fill_years if fill_years and np.isfinite(fill_years) else 0
    return np.where(on, places * filled_share(years - start + 1, np.full(len(years), fill)), 0.0)


def _options_appraisal(
    suff_all, demand, options, plan, before_after, area, phase, margin, base_year
):
    """Each option on its own, and the recommended plan: places, cost, timing, shortfall left.

    Shortfall left in year t = max(0, demand_t x (1 + margin) - (capacity_t + added_t)); the
    stress case uses the stress quantile of demand instead of the central forecast.
    """
    if options is None or options.empty or suff_all is None:
        return None
    opts = options[(options[nc.AREA].astype(str) == area)]
    if nc.PHASE in opts.columns:
        opts = opts[opts[nc.PHASE] == phase]
    oc = _col(opts, "option", "name", "id")
    if opts.empty or oc is None:
        return None
    suff = suff_all[
        (suff_all[nc.AREA] == area)
        & (suff_all[nc.PHASE] == phase)
        & (suff_all[nc.YEAR] > base_year)
    ].sort_values(nc.YEAR)
    if suff.empty:
        return None
    years = suff[nc.YEAR].to_numpy(int)
    cap = suff["capacity"].to_numpy(float)
    req = suff["required"].to_numpy(float)
    req_q = None
    if demand is not None and "demand_q" in demand:
        d = demand[(demand[nc.AREA] == area) & (demand[nc.PHASE] == phase)].set_index(nc.YEAR)
        dq = d["demand_q"].reindex(years).to_numpy(float)
        if np.isfinite(dq).all():
            req_q = dq * (1 + margin)
    pc = _col(opts, "places", "max_places")
    yc = _col(opts, "earliest_year", "year", "first_year")
    rows = [
        {
            "option": "do nothing",
            "kind": "",
            "local": False,
            "places": 0.0,
            "cost": 0.0,
            "opens": np.nan,
            "temporary (years)": np.nan,
            "added": np.zeros(len(years)),
        }
    ]
    for r in opts.to_dict("records"):
        places = float(r[pc]) if pc else np.nan
        if "cost_per_module" in r:
            cost = float(r["cost_per_module"])
        elif "cost" in r:
            cost = float(r["cost"])
        else:
            cost = places * float(r.get("cost_per_place", np.nan))
        start = float(r[yc]) if yc else float(years[0])
        dur = float(r.get("duration", 0) or 0)
        name = str(r[oc])
        local = not (r.get("kind") and name.startswith(f"{area}:"))
        if not local:
            # a generated identifier ("8850031:secondary:bulge_class"): say what it builds
            name = str(r["kind"]).replace("_", " ")
        rows.append(
            {
                "option": name,
                "kind": str(r.get("kind", "")),
                "local": local,
                "places": places,
                "cost": cost,
                "opens": start,
                "temporary (years)": dur if dur > 0 else np.nan,
                "added": _added(years, places, start, dur, float(r.get("fill_years", 0) or 0)),
            }
        )
    recommended = None
    if plan is not None and not plan.empty:
        mine = plan[(plan[nc.AREA].astype(str) == area)]
        if nc.PHASE in mine.columns:
            mine = mine[mine[nc.PHASE] == phase]
        if not mine.empty:
            added = np.zeros(len(years))
            for r in mine.to_dict("records"):
                added += _added(
                    years,
                    float(r["places"]),
                    float(r[nc.YEAR]),
                    float(r.get("duration", 0) or 0),
                    float(r.get("fill_years", 0) or 0),
                )
            if before_after is not None and "capacity_after" in before_after:
                b = before_after[
                    (before_after[nc.AREA] == area) & (before_after[nc.PHASE] == phase)
                ]
                b = b.set_index(nc.YEAR)["capacity_after"].reindex(years).to_numpy(float)
                if np.isfinite(b).all():
                    added = b - cap

            def _what(r):
                kind, n = r.get("kind", r["option"]), int(r.get("modules", 1) or 1)
                return text.kind_count(kind, n) if n > 1 else str(kind).replace("_", " ")

            label = "recommended plan: " + "; ".join(
                f"{_what(r)}, {text.fmt_opening(r['places'], r[nc.YEAR], r.get('fill_years', 0))}"
                for r in mine.to_dict("records")
            )
            bulge, other = analysis.temporary_masks(mine)
            chosen = set(mine["option"].astype(str)) if "option" in mine.columns else set()
            recommended = {
                "option": label.split(": ", 1)[1],
                # interim places hired year by year are place-years, not places
                "places": float(mine.loc[~other, "places"].sum()),
                "temporary_places": float(mine.loc[bulge, "places"].sum()),
                "interim_place_years": analysis.place_years(mine, other),
                "cost": float(mine["cost"].sum()),
                "year": int(mine[nc.YEAR].min()),
                "last_year": int(mine[nc.YEAR].max()),
                # the model's own (named) options for this area that the plan does not use
                "instead_of": [
                    (r["option"], float(r["cost"]), float(r["opens"]))
                    for r in rows
                    if r["local"] and r["option"] not in chosen
                ],
            }
            rows.append(
                {
                    "option": label,
                    "kind": "plan",
                    "local": False,
                    "places": float(mine["places"].sum()),  # places as opened, each year
                    "cost": recommended["cost"],
                    "opens": float(recommended["year"]),
                    # how long its places stay, when all are temporary (a mixed
                    # plan's label gives its bulge classes)
                    "temporary (years)": (
                        float(mine["duration"].max())
                        if "duration" in mine and (mine["duration"].fillna(0) > 0).all()
                        else np.nan
                    ),
                    "added": added,
                }
            )
    added = np.vstack([r.pop("added") for r in rows])
    table = pd.DataFrame(rows).drop(columns="local")
    table["cost_per_place"] = table["cost"] / table["places"].where(table["places"] > 0)
    left = np.maximum(0.0, req[None, :] - (cap[None, :] + added))
    for j, y in enumerate(years):
        table[f"shortfall {nc.academic_year_label(y)}"] = left[:, j]
    # the decision can only act from the earliest opening of any option: judge options on
    # the years from then on (earlier shortfalls are the same whatever is chosen)
    opens = table["opens"].to_numpy(float)
    first = np.nanmin(opens) if np.isfinite(opens).any() else years[0]
    window = years >= first
    if not window.any():
        window = np.ones(len(years), dtype=bool)
    table["max shortfall (central)"] = left[:, window].max(axis=1)
    if req_q is not None:
        left_q = np.maximum(0.0, req_q[None, :] - (cap[None, :] + added))
        table["max shortfall (stress)"] = left_q[:, window].max(axis=1)
    table["recommended"] = table["kind"].eq("plan")
    return table, recommended


def build_report(
    inputs: ModelInputs,
    forecast=None,
    sufficiency=None,
    allocation=None,
    send=None,
    early_years=None,
    scorecards=None,
    backtest=None,
    published=None,
    *,
    missing: Mapping[str, str] | None = None,
    report_date: _dt.date | str | None = None,
) -> ReportData:
    """Assemble the report's tables from results objects (any of them may be None).

    Parameters
    ----------
    inputs : ModelInputs
        The run's inputs (areas, capacity, provenance, derivation notes).
    forecast, sufficiency, allocation, send, early_years, scorecards, backtest, published
        Results objects as agreed between the engine's parts (None where absent).
    missing : mapping, optional
        Part -> reason it is absent (from :func:`run_pipeline`).
    report_date : date or str, optional
        Date printed on the cover (default: today). Fix it for byte-identical outputs.

    Returns
    -------
    ReportData
    """
    from .. import __version__

    cfg = require_inputs(inputs, "build_report").config
    rcfg = {**REPORT_DEFAULTS, **dict(cfg.section("report"))}
    missing = dict(missing or {})
    for part, obj in (
        ("forecast", forecast),
        ("sufficiency", sufficiency),
        ("plan", allocation),
        ("send", send),
        ("early_years", early_years),
    ):
        if obj is None and part not in missing:
            missing[part] = "not supplied to this run"
    a = cfg.assumptions
    base_year = inputs.base_year
    if report_date is None:
        report_date = _dt.date.today()
    report_date = check_report_date(report_date)

    q = float(rcfg["quantile"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fc_frame = _frame_or_none(forecast)
    demand = _demand_table(forecast, q, fc_frame)
    suff = _frame_or_none(sufficiency)
    plan = _frame_or_none(allocation)
    before_after = _frame_or_none(allocation, "before_after")
    cost_by_year = _frame_or_none(allocation, "cost_by_year")
    options = _frame_or_none(allocation, "options")
    decisions = dict(getattr(allocation, "decisions", {}) or {}) if allocation is not None else {}
    margin = float(getattr(sufficiency, "margin", a.margin))
    target = float(getattr(sufficiency, "target", a.surplus_target))
    ceiling = float(getattr(sufficiency, "ceiling", a.surplus_ceiling))

    last_year = (
        int(suff[nc.YEAR].max()) if suff is not None and not suff.empty else base_year + a.horizon
    )
    milestones = []
    for k in rcfg["milestones"]:
        y = min(base_year + int(k), last_year)
        label = (
            "latest data"
            if int(k) == 0
            else f"{int(k)} year{'s' if int(k) != 1 else ''} after the latest data"
        )
        if y not in [m[1] for m in milestones]:
            milestones.append((label, y))

    provenance = list(inputs.provenance)
    # the input data's own warnings first (a school name mended, a school a quarter full),
    # which the command line printed and the report would otherwise not show
    from ..inputs import DERIVED_WARNING

    # (the derived history has its own box in the Method section)
    warn_texts = [str(w) for w in (getattr(inputs, "warnings", ()) or ()) if w != DERIVED_WARNING]
    for obj in (forecast, sufficiency, allocation, send, early_years, scorecards, published):
        provenance += list(getattr(obj, "provenance", ()) or ())
        warn_texts += [str(getattr(w, "message", w)) for w in (getattr(obj, "warnings", ()) or ())]
    status = str(getattr(allocation, "status", "Optimal") or "Optimal")
    if allocation is not None and not status.startswith("Optimal"):
        # the plan printed this; the report did not (a Warwickshire trial's scenario with a
        # county budget stopped at 20 s while the Method read "the least-cost set")
        limit = getattr(getattr(allocation, "settings", None), "time_limit", None)
        warn_texts.append(
            "The plan's solver stopped at its time limit"
            + (f" ({limit:g} s, [plan] time_limit)" if limit is not None else "")
            + f" with a plan that meets every constraint but whose optimality is not proven "
            f"({status}): a cheaper plan may exist. Raise [plan] time_limit before relying on "
            "its costs (a budget, or moves, that join areas into one problem take longest)."
        )

    plan_first_year = (
        int(before_after[nc.YEAR].min()) if before_after is not None and len(before_after) else None
    )
    timing = _timing_notes(
        report_date, base_year, plan_first_year, int(inputs.pupils[nc.YEAR].max())
    )
    for t in timing[1:]:
        logger.warning(t)
        warn_texts.append(t)

    key = None
    key_area = rcfg.get("key_decision_area")
    if key_area:
        key_phase = rcfg.get("key_decision_phase", "secondary")
        res = _options_appraisal(
            suff, demand, options, plan, before_after, str(key_area), key_phase, margin, base_year
        )
        key = {
            "area": str(key_area),
            "phase": key_phase,
            "area_name": None,
            "table": None,
            "recommended": None,
            "quantile": q,
        }
        if res is not None:
            key["table"], key["recommended"] = res

    hist = inputs.pupils
    last_census = int(hist[nc.YEAR].max())
    vintage = (
        f"pupils: January census to {nc.academic_year_label(last_census)}"
        + (
            # [assumptions] base_year before the data's last: the forecast as the data stood
            f" (forecast from {nc.academic_year_label(int(inputs.base_year))}, the model's "
            "base year); "
            if int(inputs.base_year) < last_census
            else "; "
        )
        + (
            f"births: ONS to mid-{int(inputs.births[nc.YEAR].max())}; "
            if len(inputs.births)
            else ""
        )
        + (
            # a supplied projection dates the forecast too (what it was made with)
            "births projection: {} to {}; ".format(*_projection_file_and_end(inputs))
            if getattr(inputs, "births_projection", None) is not None
            else ""
        )
        + "capacity: "
        + ", ".join(
            sorted({capacity_vintage(p) for p in inputs.provenance if p.table == "capacity"})
        )
    )
    # the demand the plan was made for: the central forecast or a quantile ("q0.8")
    plan_demand = (
        str(allocation.cells["scenario"].iloc[0])
        if allocation is not None and len(getattr(allocation, "cells", ()))
        else None
    )
    central_cost = (getattr(allocation, "robustness", {}) or {}).get("central_cost")
    ident = hashlib.sha256()
    ident.update(str(__version__).encode())
    if plan_demand not in (None, "central"):  # a P80 report is another run
        ident.update(f"plan demand: {plan_demand}".encode())
    for f in (cfg.path, *cfg.bases):  # a scenario's run depends on the models it extends too
        ident.update(f.read_bytes())
    for p in inputs.provenance:
        ident.update(f"{p.table}:{p.sha256}:{p.rows}".encode())
    todo = cfg.todo_comments()
    meta = {
        "title": rcfg["title"],
        "authority": cfg.authority,
        "authority_name": cfg.authority_name,
        "old_la_code": cfg.old_la_code,
        "model": cfg.name,
        "model_file": cfg.path.name + "".join(f" (extends {b.name})" for b in cfg.bases),
        "model_version": str(__version__),
        # TODO comments left in the model (stand-ins of `sufficiency new`): a draft, on the cover
        "model_todos": len(todo),
        # what they stand in for, in words ("early years entitlements"), for the cover
        "model_todo_subjects": _todo_subjects(text for *_, text in todo),
        "run_id": ident.hexdigest()[:12],
        "report_date": report_date,
        "data_vintage": vintage,
        "rolls": rolls_phrase(inputs),
        # the capacity file by name, for a table whose rows do not carry it (a tidy file)
        "capacity_file": inputs.capacity_file,
        "base_year": int(base_year),
        "margin": margin,
        "target": target,
        "ceiling": ceiling,
        "horizon": int(a.horizon),
        "seed": int(a.seed),
        "coverage": tuple(getattr(forecast, "coverage", ()) or ()),
        "quantile": q,
        "solver": getattr(allocation, "solver", None) if allocation is not None else None,
        # [plan] shortfall_tolerance: on the requirement before the plan (analysis.is_left_short;
        # analysis.left_short_min derives what the outputs call tolerated after it)
        "shortfall_tolerance": float(
            getattr(getattr(allocation, "settings", None), "shortfall_tolerance", 0.5)
        ),
        "timing": tuple(t for t in timing if t),
        "current_year": _current_year(report_date),
        "plan_first_year": plan_first_year,
        "backtest": _backtest_meta(backtest),
        "backtest_files": _backtest_files(cfg),
        "scenario": _scenario_meta(cfg),
        "plan_demand": plan_demand,
        "central_plan_cost": None if central_cost is None else round(float(central_cost), 2),
        # [[plan.adjacency]] entries: none means pupils are placed only in their own area
        "adjacency": len(list(dict(cfg.section("plan") or {}).get("adjacency", []) or [])),
    }
    areas = _areas_table(inputs)
    if key is not None:
        key["area_name"] = dict(zip(areas[nc.AREA], areas["name"])).get(key["area"], key["area"])
    derived_areas = inputs.derived_areas
    notes = [_sentence(n) for n in inputs.notes]
    fc_notes = [
        n for n in (str(x) for x in (getattr(forecast, "notes", ()) or ())) if n not in inputs.notes
    ]
    return ReportData(
        meta=FrozenDict(meta),
        areas=areas,
        schools=inputs.capacity.copy(),
        forecast=fc_frame,
        demand=demand,
        sufficiency=suff,
        plan=plan,
        before_after=before_after,
        cost_by_year=cost_by_year,
        options=options,
        decisions=FrozenDict(decisions),
        send=_frame_or_none(send),
        early_years=_frame_or_none(early_years),
        accuracy=_accuracy_table(inputs, scorecards, backtest),
        assumptions=_assumptions_table(inputs, forecast),
        sources=_sources_table(provenance),
        notes=tuple(notes),
        missing=FrozenDict(missing),
        key_decision=key,
        milestones=tuple(milestones),
        derived=bool(inputs.derived),
        derived_areas=derived_areas,
        warnings=tuple(dict.fromkeys(warn_texts)),
        provenance=tuple(provenance),
        send_notes=tuple(str(n) for n in (getattr(send, "notes", ()) or ())),
        early_years_notes=tuple(str(n) for n in (getattr(early_years, "notes", ()) or ())),
        send_scenario=(
            dict(getattr(send, "config", None) or {}).get("scenario") if send is not None else None
        ),
        early_years_takeup_january=_takeup_january(early_years),
        early_years_supply_assumed=_supply_assumed(early_years),
        forecast_notes=tuple(fc_notes),
        benchmark=_benchmark_table(scorecards, cfg.authority),
        binding=_frame_or_none(allocation, "binding"),
        published=(published.data if published is not None and len(published.data) else None),
        moves=_frame_or_none(allocation, "moves_of"),
        intake_areas=frozenset(a.code for a in cfg.areas if a.intake_from),
        previous=_previous_forecast(cfg, fc_frame, dict(zip(areas[nc.AREA], areas["name"]))),
    )
