"""Prose generated from the numbers: recommendations, executive summary, area commentary.

Every figure in the text is formatted by the functions here from the same tables the report
prints, so text and tables cannot disagree (``tests/test_report_text.py`` checks a sample).
Council-paper conventions: thousands separators, money in GBP millions to one decimal place
(GBP thousands below GBP 1m), percentages to one decimal place, academic years as ``2027/28``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import nomenclature as nc

if TYPE_CHECKING:  # pragma: no cover
    from .build import ReportData

__all__ = [
    "fmt_count",
    "fmt_gbp",
    "fmt_gbp_m",
    "fmt_pct",
    "fmt_year",
    "position_at",
    "recommendations",
    "executive_summary",
    "area_commentary",
    "PHASE_LABELS",
]

PHASE_LABELS = {
    "primary": "primary",
    "secondary": "secondary (Y7-Y13)",
    "sixth_form": "sixth form",
    "special": "special school",
    "early_years": "early years",
}


def fmt_count(value: float) -> str:
    """Whole number with thousands separators (``12345.6 -> "12,346"``); a dash if missing."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    return f"{int(round(float(value))):,}"


def fmt_gbp(value: float) -> str:
    """Money in whole pounds (``24085 -> "£24,085"``) [GBP]."""
    if value is None or not math.isfinite(float(value)):
        return "-"
    return f"£{int(round(float(value))):,}"


def fmt_gbp_m(value: float) -> str:
    """Money as a council paper writes it: ``£12.3m``; below £1m, ``£850k`` [GBP]."""
    if value is None or not math.isfinite(float(value)):
        return "-"
    v = float(value)
    if abs(v) >= 1e6 or v == 0:
        return f"£{v / 1e6:,.1f}m"
    return f"£{v / 1e3:,.0f}k"


def fmt_pct(value: float, signed: bool = False) -> str:
    """Fraction as a percentage to one decimal place (``0.0456 -> "4.6%"``)."""
    if value is None or not math.isfinite(float(value)):
        return "-"
    return f"{100 * float(value):+.1f}%" if signed else f"{100 * float(value):.1f}%"


def fmt_year(year: int) -> str:
    """Academic year label (``2027 -> "2027/28"``)."""
    return nc.academic_year_label(int(year))


def _cap(text: str) -> str:
    """Upper-case the first letter only (``"secondary (Y7-Y13)" -> "Secondary (Y7-Y13)"``)."""
    return text[:1].upper() + text[1:]


def _join(items: list[str]) -> str:
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def position_at(sufficiency: pd.DataFrame, phase: str, year: int) -> dict | None:
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

    Returns
    -------
    dict or None
        ``demand, capacity, surplus, surplus_pct, shortfall, red_areas`` where ``shortfall``
        is the **sum of area shortfalls** (places are never offset between areas), or None if
        the year is not in the table.
    """
    rows = sufficiency[(sufficiency[nc.PHASE] == phase) & (sufficiency[nc.YEAR] == year)]
    if rows.empty:
        return None
    demand = float(rows["demand"].sum())
    cap = float(rows["capacity"].sum())
    return {
        "year": int(year),
        "demand": demand,
        "capacity": cap,
        "surplus": cap - demand,
        "surplus_pct": (cap - demand) / demand if demand > 0 else float("nan"),
        "shortfall": float(rows["shortfall"].sum()),
        "red_areas": int((rows["rag"] == "red").sum()),
        "areas": int(len(rows)),
    }


def executive_summary(data: ReportData) -> list[str]:
    """Paragraphs of the executive summary: the position by phase now, in 5 and in 10 years."""
    meta = data.meta
    paras: list[str] = []
    suff = data.sufficiency
    if suff is None or suff.empty:
        paras.append(
            "The forecast of demand against capacity is not available in this run "
            f"({data.missing.get('sufficiency', 'no forecast')}); this report shows the data "
            "and capacity only."
        )
        return paras
    margin = meta["margin"]
    for phase in ("primary", "secondary"):
        for label, year in data.milestones:
            pos = position_at(suff, phase, year)
            if pos is None:
                continue
            verb = "surplus" if pos["surplus"] >= 0 else "deficit"
            paras.append(
                f"{_cap(PHASE_LABELS[phase])}, {label} ({fmt_year(year)}): "
                f"{fmt_count(pos['demand'])} pupils against {fmt_count(pos['capacity'])} places, "
                f"a {verb} of {fmt_count(abs(pos['surplus']))} ({fmt_pct(pos['surplus_pct'])}); "
                f"{pos['red_areas']} of {pos['areas']} planning areas short of places with the "
                f"{fmt_pct(margin)} margin, needing {fmt_count(pos['shortfall'])} places in total."
            )
    paras.append(
        "Shortfalls are counted per planning area and are never offset between areas: a "
        "surplus in one town does not meet a need in another."
    )
    if data.derived:
        paras.append(
            "Planning-area pupil numbers before the forecast are DERIVED from county totals, not "
            "observed (see Method). Area-level figures carry that uncertainty."
        )
    return paras


def recommendations(data: ReportData) -> list[str]:
    """Numbered, verb-led recommendations generated from the plan and the forecast."""
    recs: list[str] = []
    meta = data.meta
    suff = data.sufficiency
    if suff is not None and not suff.empty:
        last = data.milestones[-1][1]
        for phase in ("primary", "secondary"):
            pos = position_at(suff, phase, last)
            if pos is None:
                continue
            n = pos["red_areas"]
            short = ("no planning area" if n == 0 else "1 planning area" if n == 1
                     else f"{n} planning areas")
            recs.append(
                f"notes the forecast of {fmt_count(pos['demand'])} {PHASE_LABELS[phase]} pupils "
                f"in {fmt_year(last)} against {fmt_count(pos['capacity'])} places, with "
                f"{short} short of places including the {fmt_pct(meta['margin'])} margin;"
            )
    else:
        recs.append(
            "notes that the pupil forecast was not available in this run, so no sufficiency "
            "position is reported;"
        )
    plan = data.plan
    if plan is not None and not plan.empty:
        total = float(plan["cost"].sum())
        places = float(plan["places"].sum())
        y0, y1 = int(plan[nc.YEAR].min()), int(plan[nc.YEAR].max())
        recs.append(
            f"approves in principle the capital programme of {fmt_gbp_m(total)} for "
            f"{fmt_count(places)} additional places in {len(plan)} project(s) from "
            f"{fmt_year(y0)} to {fmt_year(y1)}, subject to the Council's capital approval "
            "process;"
        )
    elif data.missing.get("plan"):
        recs.append(
            "notes that a costed plan was not available in this run "
            f"({data.missing['plan']}), and asks officers to bring one forward;"
        )
    else:
        recs.append("notes that the forecast shows no shortfall needing new places;")
    key = data.key_decision
    if key is not None and key.get("recommended") is not None:
        r = key["recommended"]
        recs.append(
            f"agrees the recommended option for {key['area_name']} {key['phase']} places: "
            f"{r['option']} ({fmt_count(r['places'])} places from September {int(r['year'])} "
            f"at {fmt_gbp_m(r['cost'])});"
        )
    if data.send is not None and not data.send.empty:
        recs.append(
            "notes the forecast of special school places set out in the SEND section;"
        )
    if data.early_years is not None and not data.early_years.empty:
        recs.append("notes the early years sufficiency position set out in this report;")
    recs.append(
        "delegates authority to the Director responsible for education to submit the pupil "
        "forecasts in this report as the Council's School Capacity (SCAP) return."
    )
    return recs


def area_commentary(data: ReportData, area: str) -> str:
    """Commentary of one planning-area page, from its sufficiency rows and plan."""
    suff = data.sufficiency
    name = data.area_name(area)
    if suff is None or suff.empty:
        return f"No forecast is available for {name} in this run."
    rows = suff[suff[nc.AREA] == area].sort_values(nc.YEAR)
    rows = rows[rows[nc.YEAR] > data.meta["base_year"]]
    if rows.empty:
        return f"No forecast years are available for {name}."
    peak = rows.loc[rows["demand"].idxmax()]
    first = rows.iloc[0]
    last = rows.iloc[-1]
    at = {k: f"{fmt_count(r['demand'])} pupils in {fmt_year(r[nc.YEAR])}"
          for k, r in (("first", first), ("peak", peak), ("last", last))}
    if peak[nc.YEAR] == first[nc.YEAR]:
        path = f"fall from a peak of {at['peak']} to {at['last']}"
    elif peak[nc.YEAR] == last[nc.YEAR]:
        path = f"rise from {at['first']} to a peak of {at['peak']}"
    else:
        path = f"rise from {at['first']} to a peak of {at['peak']}, then fall to {at['last']}"
    text = f"Demand in {name} is forecast to {path}, against {fmt_count(first['capacity'])} places. "
    short = rows[rows["shortfall"] > 0]
    if short.empty:
        text += (
            f"There is no shortfall over the forecast period with the {fmt_pct(data.meta['margin'])} "
            f"margin; the lowest surplus is {fmt_pct(rows['surplus_pct'].min())}."
        )
    else:
        worst = short.loc[short["shortfall"].idxmax()]
        text += (
            f"A shortfall first appears in {fmt_year(short[nc.YEAR].min())} and reaches "
            f"{fmt_count(worst['shortfall'])} places in {fmt_year(worst[nc.YEAR])} "
            f"(including the {fmt_pct(data.meta['margin'])} margin)."
        )
    plan = data.plan
    if plan is not None and not plan.empty:
        mine = plan[plan[nc.AREA] == area]
        if not mine.empty:
            # say what is built in words ("bulge class"), never the option identifier
            what = (mine["kind"] if "kind" in mine.columns else mine["option"]).astype(str)
            items = [
                f"{o.replace('_', ' ')} ({fmt_count(p)} places from {fmt_year(y)}, {fmt_gbp_m(c)})"
                for o, p, y, c in zip(what, mine["places"], mine[nc.YEAR], mine["cost"])
            ]
            text += " The plan recommends " + _join(items) + "."
        elif not short.empty:
            text += " The plan adds no places here (see the plan's binding constraints)."
    return text


def fraction_in_band(values: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
    """Share of values within [lower, upper] (used for calibration statements) [fraction]."""
    values, lower, upper = map(np.asarray, (values, lower, upper))
    if values.size == 0:
        return float("nan")
    return float(np.mean((values >= lower) & (values <= upper)))


def accuracy_sentences(data: ReportData) -> list[str]:
    """Compare this engine's backtest errors with the authority's own, where both exist.

    For each phase and horizon, over the target years both sources cover: the median
    absolute error of each [fraction], and the number of years.
    """
    acc = data.accuracy
    if acc is None or acc.empty or acc["source"].nunique() < 2:
        return []
    wide = acc.pivot_table(index=[nc.PHASE, "horizon", "target_year"], columns="source",
                           values="error").dropna()
    if wide.empty or wide.shape[1] < 2:
        return []
    own = next(c for c in wide.columns if "own" in c)
    eng = next(c for c in wide.columns if c != own)
    out = []
    for (phase, horizon), g in wide.groupby(level=[0, 1], sort=True):
        out.append(
            f"{phase.capitalize()}, {int(horizon)} year(s) ahead, {len(g)} target year(s): this "
            f"engine's median absolute error {fmt_pct(g[eng].abs().median())} against the "
            f"Council's own {fmt_pct(g[own].abs().median())}."
        )
    return out
