"""Prose generated from the numbers: recommendations, executive summary, area commentary.

Every figure in the text is formatted by the functions here from the same tables the report
prints (and the figures :mod:`sufficiency.report.analysis` derives from them), so text and
tables cannot disagree (``tests/test_report_text.py`` checks a sample).
Council-paper conventions: thousands separators, money in GBP millions to one decimal place
(GBP thousands below GBP 1m), percentages to one decimal place, academic years as ``2027/28``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import nomenclature as nc
from .._values import first_few, fmt_count, plural
from .._values import joined as _join
from ..early_years import AGE_GROUP_LABELS, DEFAULT_ENTITLEMENTS_NOTE
from ..forecast import NO_HOUSING_NOTE
from ..optimise.results import BULGE_RUN
from ..optimise.results import opening as fmt_opening
from ..send import ASSUMED_CAPACITY_NOTE, SEND_PHASE_LABELS
from .analysis import (
    AREA_BEHIND_TOLERANCE,
    LEFT_SHORT_MIN,
    after_the_peak,
    area_moves,
    bulge_lapse,
    cells_before_after,
    early_years_totals,
    is_left_short,
    is_short,
    key_decision_withheld,
    lapse_years,
    lapsing_kinds,
    left_short_min,
    old_capacity_year,
    position_at,
    published_latest,
    published_value,
    residual_shortfall,
    send_totals,
    spare_beside_new_schools,
    temporary_masks,
)
from .analysis import place_years as analysis_place_years

if TYPE_CHECKING:  # pragma: no cover
    from .build import ReportData

__all__ = [
    "area_phase",
    "area_label",
    "fmt_count",
    "fmt_gbp",
    "fmt_gbp_m",
    "fmt_pct",
    "fmt_year",
    "recommendations",
    "key_decision_heading",
    "warnings_listed",
    "proposed",
    "the_plan",
    "the_programme",
    "executive_summary",
    "area_commentary",
    "send_commentary",
    "early_years_commentary",
    "council_style",
    "plain_note",
    "part_label",
    "left_short_why",
    "previous_sentences",
    "PHASE_LABELS",
    "SEND_PHASE_LABELS",
    "AGE_LABELS",
]

PHASE_LABELS = {
    "primary": "primary",
    "secondary": "secondary (Y7-Y13)",
    "sixth_form": "sixth form",
    "special": "special school",
    "early_years": "early years",
}


AGE_LABELS = AGE_GROUP_LABELS


def fmt_short(value: float) -> str:
    """A shortfall in whole places, as :func:`fmt_count`, but a positive one that rounds to
    zero prints ``"<1"``, not ``"0"``: the year is short of the margin, if by under a place
    (rated amber, not counted short: :func:`~sufficiency.report.analysis.is_short`; a trial's
    area table showed a red year, named short in the text above it, with 0 places short)."""
    shown = fmt_count(value)
    return "<1" if shown == "0" and float(value) > 0 else shown


def fmt_gbp(value: float) -> str:
    """Money in whole pounds (``24085 -> "£24,085"``) [GBP]."""
    if value is None or not math.isfinite(float(value)):
        return "-"
    v = int(round(float(value)))
    return f"{'-' if v < 0 else ''}£{abs(v):,}"


def fmt_gbp_m(value: float) -> str:
    """Money as a council paper writes it: ``£12.3m``; below £1m, ``£850k``; a negative
    amount ``-£1.2m`` [GBP]. An amount that rounds to £1,000k is written £1.0m, one that
    rounds to £0k in whole pounds (``£400``)."""
    if value is None or not math.isfinite(float(value)):
        return "-"
    v = float(value)
    if v != 0 and round(abs(v) / 1e3) == 0:
        return fmt_gbp(v)
    sign = "-" if v < 0 else ""
    if abs(v) >= 1e6 or v == 0 or round(abs(v) / 1e3) >= 1000:
        m = f"{abs(v) / 1e6:,.1f}"
        return f"{sign if m != '0.0' else ''}£{m}m"
    return f"{sign}£{abs(v) / 1e3:,.0f}k"


def fmt_pct(value: float, signed: bool = False, down: bool = False, decimals: int = 1) -> str:
    """Fraction as a percentage to one decimal place (``0.0456 -> "4.6%"``), or to
    ``decimals`` places (``0.00456, decimals=2 -> "0.46%"``; not with ``down``).

    ``down=True`` rounds a positive value down (``0.04955 -> "4.9%"``, not "5.0%"): for a
    surplus printed next to its RAG rating, so a value below a threshold (5%) never prints as
    the threshold itself. A negative value (a deficit) is rounded towards zero, not away from
    it (``-0.0012 -> "-0.1%"``: flooring would overstate it), but never to zero
    (``-0.0004 -> "-0.1%"``: a deficit does not print as none).
    """
    if value is None or not math.isfinite(float(value)):
        return "-"
    x = 100 * float(value)
    if down:
        # round(.., 9): 0.05 stored as 4.9999.. stays 5.0
        y = math.floor(round(abs(x) * 10, 9)) / 10
        x = y if x > -1e-9 else -max(y, 0.1)  # float noise below zero is zero
        return f"{x:+.1f}%" if signed else f"{x:.1f}%"
    if round(x, decimals) == 0:
        # an error that rounds to zero prints +0.00%, never -0.00% (Stoke-on-Trent's plain
        # cohort survival missed its 2022/23 primary pupils 3 years ahead by -0.004%)
        x = 0.0
    return f"{x:+.{decimals}f}%" if signed else f"{x:.{decimals}f}%"


def fmt_year(year: int) -> str:
    """Academic year label (``2027 -> "2027/28"``)."""
    return nc.academic_year_label(int(year))


def _years_span(y0: int, y1: int) -> str:
    """ "from 2027/28 to 2030/31", or "in 2027/28" when both are one year."""
    return f"in {fmt_year(y0)}" if int(y0) == int(y1) else f"from {fmt_year(y0)} to {fmt_year(y1)}"


def plural_places(v: float) -> str:
    """A rounded count of places with its noun: "1 place", "1,234 places"."""
    return f"{fmt_count(v)} place{'' if fmt_count(v) == '1' else 's'}"


def _fills(plan: pd.DataFrame) -> pd.Series:
    """The plan's ``fill_years`` column (0 where absent: all places from opening)."""
    return plan["fill_years"] if "fill_years" in plan else pd.Series(0, index=plan.index)


def _cap(text: str) -> str:
    """Upper-case the first letter only (``"secondary (Y7-Y13)" -> "Secondary (Y7-Y13)"``)."""
    return text[:1].upper() + text[1:]


def proposed(data: ReportData) -> bool:
    """Whether the plan is only proposed, not recommended: its approval is withheld until
    current capacity is confirmed (a Coventry trial read "The recommended programme (not
    recommended for approval ...)")."""
    return bool(getattr(data, "approval_withheld", None))


def the_programme(data: ReportData) -> str:
    """``"the recommended programme"``, or ``"the proposed programme"`` when
    :func:`proposed`."""
    return "the proposed programme" if proposed(data) else "the recommended programme"


def the_plan(data: ReportData) -> str:
    """``"the recommended plan"``, or ``"the proposed plan"`` when :func:`proposed`."""
    return "the proposed plan" if proposed(data) else "the recommended plan"


def executive_summary(data: ReportData) -> list[str]:
    """Paragraphs of the executive summary: how the report's date relates to its data and plan,
    then the position by phase at the latest data, 5 and 10 years on."""
    meta = data.meta
    paras: list[str] = []
    sc = scenario_sentence(data)
    if sc:
        paras.append(sc)
    pq = plan_demand_sentence(data)
    if pq:
        paras.append(pq)
    suff = data.sufficiency
    if suff is None or suff.empty:
        paras.append(
            "The forecast of demand against capacity is not available in this run "
            f"({data.missing.get('sufficiency', 'no forecast')}); this report shows the data "
            "and capacity only."
        )
        return paras
    margin = meta["margin"]
    paras += list(meta.get("timing", ()))
    for phase in ("primary", "secondary"):
        for label, year in data.milestones:
            pos = position_at(suff, phase, year, data.intake_areas)
            if pos is None:
                continue
            spare = pos["surplus"] >= 0
            # rounded as the tables round it (down), so that the two agree
            share = (
                f"{fmt_pct(pos['surplus_pct'], down=True)} of pupils, as the tables count it; "
                f"{fmt_pct(pos['surplus'] / pos['capacity'], down=True)} of places, as the DfE counts "
                "unfilled places"
                if spare
                # a deficit never prints as none (0.0%)
                else f"{fmt_pct(max(-pos['surplus_pct'], 0.001), down=True)} of pupils"
            )
            paras.append(
                f"{_cap(PHASE_LABELS[phase])}, {fmt_year(year)} ({label}): "
                f"{fmt_count(pos['demand'])} pupils against {fmt_count(pos['capacity'])} places, "
                f"a {'surplus' if spare else 'deficit'} of {fmt_count(abs(pos['surplus']))} "
                f"({share}); "
                + (
                    (
                        f"{pos['red_areas']} of {pos['areas']} planning areas short of places "
                        if pos["areas"] > 1
                        else "its one planning area short of places "
                    )
                    + f"with the {fmt_pct(margin)} margin, needing {fmt_count(pos['shortfall'])} "
                    + ("places in total." if pos["areas"] > 1 else "places.")
                    if pos["red_areas"]
                    else f"no planning area short of places with the {fmt_pct(margin)} margin."
                )
            )
    intake = intake_sentence(data)
    if intake:
        paras.append(_cap(intake) + ".")
    paras += _before_plan_sentences(data)
    programme = _programme_sentence(data)
    if programme:
        paras.append(programme)
    paras += [_tier_change_sentence(t, where=True) for t in data.tier_changes]
    paras += [_left_short_sentence(d, the_plan(data)) for d in data.mainstream_left_short]
    paras += _send_early_years_summary(data)
    if one_area_per_phase(data):
        # a Stoke-on-Trent trial: "never offset between areas" of a city with one area a phase
        paras.append(
            "Each phase here is one planning area covering the whole authority (the DfE's "
            "planning areas in the capacity data), so its shortfall is the authority's: it "
            "assumes a pupil can take a place anywhere in the authority and does not show "
            "where in it places are short; planning areas of the Council's own, where it uses "
            "smaller ones, would show that."
        )
    else:
        paras.append(
            "Shortfalls are counted per planning area and are never offset between areas: a "
            "surplus in one planning area does not meet a need in another."
        )
    sure = how_sure_sentence(data)
    if sure:
        paras.append(sure)
    if data.any_history_derived:
        paras.append(
            "Planning-area pupil numbers before the forecast are DERIVED from the authority's totals, not "
            f"observed{derived_scope(data)} (see Method). Area-level figures carry that uncertainty."
        )
    if any(str(n).startswith(NO_HOUSING_NOTE) for n in data.forecast_notes):
        paras.append(
            "The forecast adds no pupils from new housing: the model gives no housing "
            "trajectory. Past migration, into past new housing too, is in the ratios, so "
            "only developments above the past rate of building would add pupils; officers "
            "should add the planned completions where they are known."
        )
    cap_year = old_capacity_year(data)
    if cap_year is not None:
        paras.append(
            f"Capacity is the DfE's {fmt_year(cap_year)} school capacity, held for every year: "
            "places added or removed since then are not counted. Which areas are short, and by "
            "how much, rests on it; officers should confirm current capacity before capital is "
            "committed." + _published_contrast(data)
        )
    has_plan = data.plan is not None and not data.plan.empty
    if data.capacity_behind_areas:
        paras.append(
            _cap(_behind_areas_fact(data)) + "; officers should confirm current "
            "capacity and pupils on roll there before capital is committed."
        )
    for d in data.council_spare_where_short:
        paras.append(
            _cap(_council_spare_fact(d, cap_year)) + ": the places on record are out of date, "
            f"so this report's {d['phase']} shortfalls overstate the need"
            + (
                ", and it does not recommend the programme for approval until current "
                "capacity is supplied."
                if data.approval_withheld == "council"
                else "; officers should supply current capacity."
            )
        )
    for b in data.capacity_behind:
        paras.append(
            _cap(_behind_fact(b)) + ": those places are out of date, so this report's "
            f"{b['phase']} shortfalls overstate the need"
            + (
                ", and it does not recommend the programme for approval until current capacity "
                "is supplied."
                if has_plan
                else "; officers should supply current capacity."
            )
        )
    return paras


def _needed_before(data: ReportData) -> pd.Series | None:
    """The Council comparison's row of places needed before any new places (this report's
    and the Council's, by phase, with its ``year``), or None without the scorecard."""
    c = data.council_comparison
    if c is None or c.empty:
        return None
    row = c[c["measure"] == "places needed before any new places"]
    return None if row.empty else row.iloc[0]


def _published_contrast(data: ReportData) -> str:
    """``" The Council's own return ... "``: the places on the Council's newest scorecard
    against this report's capacity, and the places needed before any new places, when known;
    else ""."""
    out = _published_capacity(data)
    r = _needed_before(data)
    if r is None:
        return out
    v = r[["primary", "secondary", "primary_council", "secondary_council"]].to_numpy(float)
    if not np.isfinite(v).all():
        return out
    return out + (
        f" The Council's own return to the DfE (school places scorecard) puts the places "
        f"needed in {fmt_year(int(r[nc.YEAR]))} before any new places at no more than "
        f"{fmt_count(v[2])} primary and {fmt_count(v[3])} secondary, against this "
        f"report's {fmt_count(v[0])} and {fmt_count(v[1])} (no margin; see Method)."
    )


def _more_published_capacity(data: ReportData) -> list[tuple[str, float, int]]:
    """``(phase, places, year)`` where the Council's own return (newest scorecard) counts
    more places than this report's capacity, by at least 30 places and either 2% of them or
    a quarter of the phase's places short (before any new places) in its worst year from the
    base year on: a Shropshire trial's 350 more secondary places (1.9%) went unmentioned
    beside a secondary programme for a need of at most 396 places."""
    cur = published_latest(data)
    suff = data.sufficiency
    if cur is None or suff is None or suff.empty:
        return []
    base, year = data.meta["base_year"], int(cur[nc.YEAR].iloc[0])
    out = []
    for ph in ("primary", "secondary"):
        theirs = published_value(cur, "capacity", ph)
        rows = suff[suff[nc.PHASE] == ph]
        ours = float(rows.loc[rows[nc.YEAR] == base, "capacity"].sum())
        worst = (
            float(rows[rows[nc.YEAR] >= base].groupby(nc.YEAR)["shortfall"].sum().max())
            if "shortfall" in rows and (rows[nc.YEAR] >= base).any()
            else 0.0
        )
        more = theirs - ours
        if np.isfinite(theirs) and more >= 30.0 and (more >= 0.02 * ours or 0 < worst <= 4 * more):
            out.append((ph, more, year))
    return out


def _published_capacity(data: ReportData) -> str:
    """ " The DfE's scorecard counts 46,074 primary and 45,119 secondary places in 2024/25 (the
    Council's return), against this report's 46,318 and 37,554: ..."" when the scorecard
    gives the Council's capacity (a Cabinet audit found 7,565 more secondary places there,
    unmentioned). The scorecard's count is the Council's own whole-authority figure, on a basis
    that may differ from the capacity survey's (a review found it above pupils on roll over one
    minus the unfilled share), so it is set beside, not in place of, this report's; else ""."""
    cur = published_latest(data)
    suff = data.sufficiency
    if cur is None or suff is None or suff.empty:
        return ""
    theirs = [published_value(cur, "capacity", ph) for ph in ("primary", "secondary")]
    if not np.isfinite(theirs).all():
        return ""
    base = data.meta["base_year"]
    ours = [
        float(suff[(suff[nc.PHASE] == ph) & (suff[nc.YEAR] == base)]["capacity"].sum())
        for ph in ("primary", "secondary")
    ]
    # a phase with no shortfall has a larger surplus on the Council's count, not a smaller
    # shortfall (a Stoke-on-Trent trial: "the primary and secondary shortfalls here would be
    # smaller" of a primary phase 21.5% surplus)
    kinds: dict[bool, list[str]] = {}
    for ph, _, _ in _more_published_capacity(data):
        rows = suff[(suff[nc.PHASE] == ph) & (suff[nc.YEAR] >= base)]
        kinds.setdefault("shortfall" in rows and bool(is_short(rows).any()), []).append(ph)
    more = [f"the {_join(kinds[False])} surplus here would be larger"] if False in kinds else []
    if True in kinds:
        more.append(
            f"the {_join(kinds[True])} shortfalls "
            + ("smaller" if more else "here would be smaller")
        )
    year = int(cur[nc.YEAR].iloc[0])
    return (
        f" The DfE's school places scorecard counts {fmt_count(theirs[0])} primary and "
        f"{fmt_count(theirs[1])} secondary places in {fmt_year(year)} (the Council's own "
        f"return), against this report's {fmt_count(ours[0])} and {fmt_count(ours[1])}"
        + ". The scorecard's is a whole-authority count on the Council's own basis, which "
        "may differ from the school capacity survey's, so the two are not directly "
        "comparable"
        + (
            f"; officers should reconcile them, since if the Council's count holds {_join(more)}"
            if more
            else ""
        )
        + "."
    )


def _gbp_shown(value: float) -> float:
    """The amount :func:`fmt_gbp_m` prints for ``value`` [GBP], read back from what it prints
    (so the two cannot round a half-way amount differently)."""
    shown = fmt_gbp_m(value)
    unit = {"m": 1e6, "k": 1e3}.get(shown[-1], 1.0)
    amount = float(shown.lstrip("-")[1:].rstrip("mk").replace(",", "")) * unit
    return -amount if shown.startswith("-") else amount


def _rounded_apart(*costs: float) -> str:
    """ "; rounded on their own, the two together make £16.3m" when the costs as printed do not
    add up to their sum as printed (a Stoke-on-Trent trial: £12.5m lasting and £3.9m
    temporary of a £16.3m programme), else ""."""
    total = float(sum(costs))
    if abs(sum(_gbp_shown(c) for c in costs) - _gbp_shown(total)) < 1.0:
        return ""
    return (
        f"; rounded on their own, the {'two' if len(costs) == 2 else 'parts'} together "
        f"make {fmt_gbp_m(total)}"
    )


def _programme_sentence(data: ReportData) -> str:
    """The recommended programme in one sentence for the summary (a Cabinet audit found the
    summary never stated the plan): its cost, places, projects and years, and the key
    decision; "" without a plan."""
    plan = data.plan
    if plan is None or plan.empty:
        return ""
    bulge, other = temporary_masks(plan)
    places = float(plan.loc[~other, "places"].sum())
    n_bulge = float(plan.loc[bulge, "places"].sum())
    parts = (
        [f"{fmt_count(n_bulge)} of them temporary, in bulge classes that last one cohort"]
        if n_bulge > 0
        else []
    )
    if other.any():
        parts.append(
            f"besides {fmt_count(float(plan.loc[other, 'places'].sum()))} temporary "
            "places hired for a few years"
        )
    temp = f" ({'; '.join(parts)})" if parts else ""
    y0, y1 = int(plan[nc.YEAR].min()), int(plan[nc.YEAR].max())
    key = data.key_decision
    kd = (
        f"; its key decision, {area_phase(key['area_name'], key['phase'])} places, is appraised in "
        "section 7"
        if key is not None and key.get("recommended") is not None
        else ""
    )
    withheld = (
        " (not recommended for approval until current capacity is confirmed)"
        if data.approval_withheld
        else ""
    )
    t = data.lasting_and_temporary
    split = ""
    if t is not None and t["temporary_places"] > 0:
        split = (
            f" Of its mainstream places, {fmt_count(t['lasting_places'])} are lasting "
            f"(expansions and new schools, {fmt_gbp_m(t['lasting_cost'])}) and "
            f"{fmt_count(t['temporary_places'])} temporary (bulge classes, "
            f"{fmt_gbp_m(t['temporary_cost'])})"
            + _rounded_apart(t["lasting_cost"], t["temporary_cost"])
            + "."
        )
        if t["mostly_temporary"] or t["runs"]:
            facts, where = _temporary_warning(data)
            split += (
                " WARNING: " + _cap("; ".join(facts)) + "; officers should consider a "
                "permanent expansion"
                + (f" in {where}" if where else " wherever the need lasts beyond one cohort")
                + " (section 1)."
            )
    moved = ""
    if data.moves is not None and len(data.moves):
        by_year = data.moves.groupby(nc.YEAR)["pupils"].sum()
        moved = (
            f" It also places up to {fmt_count(by_year.max())} pupils a year in "
            "neighbouring planning areas (where the model definition allows it; each area's page says how "
            "many, from where)."
        )
    name = "The programme the plan proposes" if withheld else "The recommended programme"
    return (
        f"{name}{withheld} costs {fmt_gbp_m(float(plan['cost'].sum()))} "
        f"for {fmt_count(places)} places{temp} in {plural(len(plan), 'project')} "
        f"{_years_span(y0, y1)} (recommendation in section 1, projects in section 8){kd}."
        + split
        + moved
    )


def _before_plan_sentences(data: ReportData) -> list[str]:
    """Shortfalls forecast between the latest data and the plan's first year, which only
    places already committed can meet (the plan cannot act on them)."""
    first = data.meta.get("plan_first_year")
    suff = data.sufficiency
    base = data.meta["base_year"]
    if first is None or suff is None or suff.empty or first <= base + 1:
        return []
    parts = []
    for phase in ("primary", "secondary"):
        # an area short by under half a place is not counted, as plan_summary.txt does not
        # (a Warwickshire trial read "2,649 ... in 20 planning areas" here against its
        # "2,648 primary (19 areas)")
        rows = suff[
            (suff[nc.PHASE] == phase)
            & (suff[nc.YEAR] == first - 1)
            & is_short(suff)
            & ~suff[nc.AREA].astype(str).isin(data.intake_areas)
        ]
        if rows.empty:
            continue
        n = len(rows)
        parts.append(
            f"{fmt_count(rows['shortfall'].sum())} {PHASE_LABELS[phase]} places short "
            f"in {n} planning area{'s' if n != 1 else ''}"
        )
    if not parts:
        return []
    return [
        f"Before the plan's first year ({fmt_year(first)}) places can come only from what is "
        f"already committed: for {fmt_year(first - 1)} the forecast, on the {fmt_pct(data.meta['margin'])} "
        f"margin, shows {_join(parts)}. This plan cannot act on that year; officers should "
        "compare it with the places actually offered and taken up this school year."
    ]


def after_the_peak_clauses(late: list[dict]) -> list[str]:
    """One clause per planning area for :func:`~.analysis.after_the_peak`'s builds, naming
    each of its late builds once: "the permanent expansion (150 places from 2028/29) and the
    new school (...) in X open after demand there peaks in 2027/28 and leave ..."."""
    by_area: dict[tuple, list[dict]] = {}
    for d in late:
        by_area.setdefault((d.get("area", d["name"]), d.get("phase")), []).append(d)
    clauses = []
    for (_, phase), ds in by_area.items():
        d = ds[0]
        name = d["name"] + (
            f" ({str(phase).replace('_', ' ')})"
            if phase
            and len({(e.get("area"), e.get("phase")) for e in late if e["name"] == d["name"]}) > 1
            else ""
        )
        builds = _join(
            [
                f"the {b['kind'].replace('_', ' ')} "
                f"({fmt_opening(b['places'], b['year'], b['fill_years'])})"
                for b in ds
            ]
        )
        verb = ("opens", "leaves") if len(ds) == 1 else ("open", "leave")
        clauses.append(
            f"{builds} in {name} {verb[0]} after demand there peaks in "
            f"{fmt_year(d['peak_year'])} and {verb[1]} a surplus of "
            f"{fmt_pct(d['surplus_pct'])} there by {fmt_year(d['last_year'])}"
        )
    return clauses


def spare_where(d: dict) -> str:
    """Where the spare places beside a new school are (one of
    :func:`~sufficiency.report.analysis.spare_beside_new_schools`): the largest three, and,
    when other areas are still short, the spare in all less those places, so that the net
    figure the sentence gives can be traced ("most in A (433), B (376) and C (254); 1,151
    spare in all, less 643 still short in other areas"; a Birmingham trial listed 1,063
    places under a net 508 with nothing to reconcile them)."""
    top = d["where"][:3]
    share = sum(v for _, v in top) / d["spare_total"] if d["spare_total"] > 0 else 0.0
    where = (
        "all in " + top[0][0]
        if len(d["where"]) == 1
        else ("most in " if share > 0.5 else "the largest in ")
        + _join([f"{n} ({fmt_count(v)})" for n, v in top])
    )
    short = d["spare_total"] - d["spare"]
    if short >= 0.5:
        where += (
            f"; {fmt_count(d['spare_total'])} spare in all, less {fmt_count(short)} "
            "still short in other areas"
        )
    return where


def _council_need(data: ReportData, phases: list[str]) -> str:
    """``" (the Council's own return puts the places needed ... against this report's ...)"``
    for ``phases``, from the scorecard comparison, or ``""``."""
    r = _needed_before(data)
    if r is None:
        return ""
    parts = [
        f"{fmt_count(r[f'{ph}_council'])} {ph} against this report's {fmt_count(r[ph])}"
        for ph in phases
        if pd.notna(r.get(f"{ph}_council")) and pd.notna(r.get(ph))
    ]
    if not parts:
        return ""
    # "no margin": the recommendations beside it count shortfalls with the margin (a
    # Birmingham trial: "10,274 places are short" then "this report's 8,622" for 2027/28)
    return (
        f" (the Council's own return to the DfE puts the places needed in "
        f"{fmt_year(int(r[nc.YEAR]))} before any new places at no more than {_join(parts)}, "
        "counted without the margin)"
    )


#: model sections and keys a scenario may change that the assumptions table has no row for
_SECTION_WORDS = {
    "areas": "planning areas",
    "data": "data files",
    "model": "model details",
    "plan.options": "local plan options",
    "plan.adjacency": "neighbouring areas",
}
_CHANGE = re.compile(r"\[\[?([a-z0-9_.]+)\]\]?(?: (\S+))?(?: \((.*)\))?")


def setting_words(data: ReportData, change: str) -> str:
    """A setting a scenario changes (``"[assumptions] margin"``, ``"[[plan.options]] (1
    entry)"``, as :meth:`ModelConfig.own_settings` names it) in the words of the
    assumptions table ("minimum margin of spare places", "local plan options (1 entry)");
    the raw names stay in the appendix's sheet Assumptions, column key."""
    from .build import _SETTINGS

    m = _CHANGE.fullmatch(str(change))
    if m is None:
        return str(change).replace("_", " ")
    section, key, count = m.groups()
    full = f"{section}.{key}" if key else section
    a = getattr(data, "assumptions", None)
    label = _SECTION_WORDS.get(full)
    if label is None and isinstance(a, pd.DataFrame) and "key" in a and (a["key"] == full).any():
        label = str(a.loc[a["key"] == full, "assumption"].iloc[0])
    if label is None and section == "data" and key:
        # "[data] capacity": "the capacity data file", not "data files capacity" (a
        # Wolverhampton trial's scenario of current capacity)
        label = f"the {key.replace('_', ' ')} data file"
    if label is None:
        label = (_SETTINGS[full][1] if full in _SETTINGS else None) or " ".join(
            w for w in (_SECTION_WORDS.get(section, section), key) if w
        ).replace("_", " ").replace(".", " ")
    return label + (f" ({count})" if count else "")


def scenario_sentence(data: ReportData) -> str:
    """For a scenario's report: what it changes and that it is for comparison, not the
    Council's central position or its return to the DfE; "" for a model extending none."""
    sc = data.meta.get("scenario")
    if not sc:
        return ""
    changes = [setting_words(data, c) for c in (sc.get("changes") or [])]
    shown = _join(changes[:8]) + (f" and {len(changes) - 8} more" if len(changes) > 8 else "")
    base = sc["extends"][0]  # the model it names; a chain's further bases are in that one
    return (
        f"This report is of a scenario, {sc['file']}, which changes {base}"
        + (f" in {shown}" if changes else "")
        + ". Its figures and recommendations show the effect of those changes, for "
        f"comparison with the report on {base}: they are not the Council's "
        "central position, and its pupil forecasts are not a return to the DfE."
    )


def _ordinal_suffix(value: float) -> str:
    """ "st", "nd", "rd" or "th" for a percentile (51st, 92nd, 83rd, 80th, 97.5th)."""
    if value != int(value):
        return "th"
    n = int(value)
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _surplus_clause(data: ReportData, phase: str, year: int) -> str:
    """A recommendation when a phase's places exceed its demand by more than the surplus
    ceiling in ``year`` (falling rolls: a Stoke trial found a 21.5% primary surplus with no
    word): the share, the areas above the ceiling (largest first) and a review; else ""."""
    suff = data.sufficiency
    ceiling = float(data.meta.get("ceiling", 0.10))
    rows = suff[(suff[nc.PHASE] == phase) & (suff[nc.YEAR] == year)]
    demand, cap = float(rows["demand"].sum()), float(rows["capacity"].sum())
    if demand <= 0 or (cap - demand) / demand <= ceiling:
        return ""
    above = rows[rows["surplus_pct"] > ceiling].sort_values("surplus_pct", ascending=False)
    # an area with places but no pupils forecast has an infinite share: say so in words
    named = _join(
        [
            f"{data.area_name(r.area)} "
            + (
                fmt_pct(r.surplus_pct, down=True)
                if np.isfinite(r.surplus_pct)
                else "(places, but no pupils forecast)"
            )
            for r in above.head(3).itertuples()
        ]
    )
    # a phase of one planning area (Stoke-on-Trent) is that area: "with 1 of 1 planning areas
    # above it, the most Stoke-on-Trent 21.5%" said the same share twice
    where = (
        f" (the phase is one planning area, {data.area_name(rows[nc.AREA].iloc[0])})"
        if len(rows) == 1
        else f", with {len(above)} of {len(rows)} planning areas above it"
        + (f" (the highest: {named})" if named else "")
    )
    return (
        f"notes that {PHASE_LABELS[phase]} places are forecast to exceed demand by "
        f"{fmt_pct((cap - demand) / demand, down=True)} of pupils in {fmt_year(year)}, more "
        f"than the {fmt_pct(ceiling)} surplus ceiling{where}"
        + "; asks officers to review the surplus places with the schools concerned "
        "(admission numbers and other uses of the space);"
    )


def plan_demand_sentence(data: ReportData) -> str:
    """When the plan was made for a quantile of demand (``report --quantile 0.8``): which,
    that the positions are at the central forecast, and the central plan's cost; else ""."""
    pd_ = str(data.meta.get("plan_demand") or "")
    if not pd_.startswith("q"):
        return ""
    try:
        q = float(pd_[1:])
    except ValueError:
        return ""
    central = data.meta.get("central_plan_cost")
    pct = 100 * q
    num = f"{pct:.1f}".rstrip("0").rstrip(".")
    # the quantile is of the pupil forecast: special school and early years places in the
    # plan are at their central forecast (a Warwickshire trial's report said all its places
    # short were "at that higher demand")
    ba = getattr(data, "before_after", None)
    planned = set(ba[nc.PHASE].astype(str)) if ba is not None and nc.PHASE in ba else set()
    other = [
        w
        for p, w in (("special", "special school"), ("early_years", "early years"))
        if p in planned
    ]
    return (
        f"The plan in this report is made for the {num}{_ordinal_suffix(float(num))} percentile "
        "of forecast demand (a demand the forecast expects to be exceeded with a chance of "
        f"{100 - float(num):.3g}%), not the central forecast: its places short before and after "
        f"the plan are at that {'higher ' if q > 0.5 else ''}demand, while the positions "
        "below are at the central forecast"
        + (
            f"; its {' and '.join(other)} places are planned at their central forecast, "
            "which gives an 80% range rather than percentiles"
            if other
            else ""
        )
        + (
            f"; the plan for the central forecast would cost {fmt_gbp_m(central)}"
            if central is not None
            else ""
        )
        + "."
    )


def recommendations(data: ReportData) -> list[str]:
    """Numbered, verb-led recommendations generated from the plan and the forecast."""
    recs: list[str] = []
    meta = data.meta
    sc = meta.get("scenario")
    if sc:
        recs.append(
            f"notes that this report is of a scenario ({sc['file']}, which changes "
            f"{sc['extends'][0]}): the recommendations below show what it "
            "would mean, for comparison, and are not for decision;"
        )
    suff = data.sufficiency
    if suff is not None and not suff.empty:
        last = data.milestones[-1][1]
        for phase in ("primary", "secondary"):
            pos = position_at(suff, phase, last, data.intake_areas)
            if pos is None:
                continue
            n = pos["red_areas"]
            short = (
                "no planning area"
                if n == 0
                else "1 planning area"
                if n == 1
                else f"{n} planning areas"
            )
            after = ""
            cells = cells_before_after(data, phase) if n else None
            if cells is not None and (cells[nc.YEAR] == last).any():
                k = int(is_left_short(data, cells.loc[cells[nc.YEAR] == last]).sum())
                after = (
                    f" before any new places ({'none' if k == 0 else k} in "
                    f"{fmt_year(last)} with {the_plan(data)})"
                )
            # the worst year before, when the last year hides it (a Stoke trial: 'no planning
            # area short' in 2032/33 though short every year to 2031/32)
            # from the plan's first year (years before it are past or beyond the plan's
            # reach, and said in the summary; a review found 2023/24 named as worst in 2026)
            # (without a plan, from the academic year of the report's date: a review)
            pfy = meta.get("plan_first_year")
            first = max(int(pfy or meta.get("current_year") or 0), int(meta["base_year"]) + 1)
            ph = suff[
                (suff[nc.PHASE] == phase)
                & (suff[nc.YEAR] >= first)
                & (suff[nc.YEAR] < last)
                & ~suff[nc.AREA].astype(str).isin(data.intake_areas)
            ]
            # the places of the areas counted short, as pos["shortfall"] counts them
            by_year = ph.loc[is_short(ph)].groupby(nc.YEAR)["shortfall"].sum()
            worst = ""
            if len(by_year) and by_year.max() >= pos["shortfall"] + 0.5:
                wy = int(by_year.idxmax())
                which = (
                    "the plan period's worst year"
                    if pfy
                    else f"the worst year from {fmt_year(first)}"
                )
                # "the worst year from 2026/27 is 2026/27" read as a slip (a Wolverhampton
                # trial's --no-plan report)
                named = "that year itself" if not pfy and wy == first else fmt_year(wy)
                worst = (
                    f"; {which} is {named}, when "
                    f"{fmt_count(by_year.max())} places are short before any new places"
                )
            recs.append(
                f"notes the forecast of {fmt_count(pos['demand'])} {PHASE_LABELS[phase]} pupils "
                f"in {fmt_year(last)} against {fmt_count(pos['capacity'])} places, with "
                f"{short} short of places including the {fmt_pct(meta['margin'])} margin{after}"
                f"{worst};"
            )
            spare = _surplus_clause(data, phase, last)
            if spare:
                recs.append(spare)
        intake = intake_sentence(data)
        if intake:
            recs.append(f"notes that {intake};")
    else:
        recs.append(
            "notes that the pupil forecast was not available in this run, so no sufficiency "
            "position is reported;"
        )
    plan = data.plan
    if plan is not None and not plan.empty:
        total = float(plan["cost"].sum())
        bulge, other = temporary_masks(plan)
        places = float(plan.loc[~other, "places"].sum())
        place_years = analysis_place_years(plan, other)
        main = (
            plan[nc.PHASE].isin(["primary", "secondary"])
            if nc.PHASE in plan.columns
            else pd.Series(True, index=plan.index)
        )
        phase = plan.get(nc.PHASE, pd.Series("", index=plan.index))
        y0, y1 = int(plan[nc.YEAR].min()), int(plan[nc.YEAR].max())
        bits = [
            f"{fmt_count(v)} {label}"
            for v, label in (
                (plan.loc[main & ~bulge & ~other, "places"].sum(), "permanent mainstream places"),
                (
                    plan.loc[main & bulge, "places"].sum(),
                    "temporary places in bulge classes, which end as their cohorts leave",
                ),
                (plan.loc[(phase == "special") & ~other, "places"].sum(), "special school places"),
                (plan.loc[(phase == "early_years") & ~other, "places"].sum(), "early years places"),
            )
            if v > 0
        ]
        split = f" ({'; '.join(bits)})" if len(bits) > 1 else ""
        what = [f"{fmt_count(places)} additional places{split}"] if places > 0 else []
        if place_years > 0:
            what.append(
                f"{fmt_count(place_years)} place-years of interim or other temporary "
                "places (hired a year or more at a time)"
            )
        cap_year = old_capacity_year(data)
        behind = data.capacity_behind
        if behind:
            facts = [
                _behind_fact(b) + (f" (the DfE's {fmt_year(cap_year)} figure)" if cap_year else "")
                for b in behind
            ]
            council = _council_need(data, [b["phase"] for b in behind])
            recs.append(
                f"notes an indicative capital programme of {fmt_gbp_m(total)} for "
                f"{_join(what)} in {plural(len(plan), 'project')} {_years_span(y0, y1)}, "
                "which this report does not recommend for approval: "
                f"{_join(facts)}, so those places are out of date and the programme's "
                f"{_join([b['phase'] for b in behind])} part overstates the need{council}; asks "
                "officers to supply each planning area's current capacity and re-run the plan "
                f"before any approval{_behind_areas_condition(data)};"
            )
        elif data.approval_withheld == "council":
            spare = data.council_spare_where_short
            phases = [d["phase"] for d in spare]
            recs.append(
                f"notes an indicative capital programme of {fmt_gbp_m(total)} for "
                f"{_join(what)} in {plural(len(plan), 'project')} {_years_span(y0, y1)}, "
                "which this report does not recommend for approval: "
                + _join([_council_spare_fact(d, cap_year, "it") for d in spare])
                + ", so the places on record are out of date and the programme's "
                f"{_join(phases)} part overstates the need{_council_need(data, phases)}; asks "
                "officers to supply each planning area's current capacity and re-run the plan "
                f"before any approval{_behind_areas_condition(data)};"
            )
        elif data.approval_withheld == "areas":
            b = data.capacity_behind_areas
            cost_b = sum(d["cost"] for d in b)
            recs.append(
                f"notes an indicative capital programme of {fmt_gbp_m(total)} for "
                f"{_join(what)} in {plural(len(plan), 'project')} {_years_span(y0, y1)}, "
                f"which this report does not recommend for approval, as {fmt_gbp_m(cost_b)} "
                f"of it is for projects in planning areas whose places on record are in doubt: "
                f"{_behind_areas_fact(data)}; asks officers to confirm current capacity and "
                "pupils on roll there and re-run the plan before any approval;"
            )
        else:
            more = _more_published_capacity(data)
            why = (
                ["area pupil numbers are derived from the authority's totals"]
                if data.any_history_derived
                else []
            ) + (
                [
                    f"capacity is the DfE's {fmt_year(cap_year)} figure"
                    + (
                        ", and the Council's own return counts "
                        + _join([f"{fmt_count(d)} more {ph} places" for ph, d, _ in more])
                        + f" in {fmt_year(more[0][2])}, on a basis to be reconciled"
                        if more
                        else ""
                    )
                ]
                if cap_year
                else []
            )
            check = (
                " and to officers confirming each planning area's current capacity and "
                f"pupils on roll (this report's {_join(why)})"
                if why
                else ""
            )
            recs.append(
                f"{APPROVES_PROGRAMME} of {fmt_gbp_m(total)} for "
                f"{_join(what)} in {plural(len(plan), 'project')} {_years_span(y0, y1)}, "
                "subject to the Council's capital approval "
                f"process{check}{_assumed_parts(data, plan)}{_behind_areas_pointer(data)};"
            )
            # the areas whose pupils already exceed their places are a recommendation of
            # their own (a Cabinet review: one approval sentence of some 250 words)
            own = _behind_areas_recommendation(data)
            if own:
                recs.append(own)
    elif data.missing.get("plan"):
        # without a plan no programme recommendation says the capacity is out of date, so the
        # shortfalls Cabinet notes above stood unqualified (a Wolverhampton trial's
        # --no-plan report: 4,534 secondary places short against 2014/15 places that its
        # 2022/23 census already exceeded, said only in the summary)
        behind = data.capacity_behind
        if behind:
            recs.append(
                "notes that a costed plan was not available in this run "
                f"({data.missing['plan']}) and that, as "
                f"{_join([_behind_fact(b) for b in behind])}, those places are out of date "
                f"and the {_join([b['phase'] for b in behind])} shortfalls above overstate "
                "the need; asks officers to supply each planning area's current capacity and "
                "then to bring a costed plan forward;"
            )
        else:
            recs.append(
                "notes that a costed plan was not available in this run "
                f"({data.missing['plan']}), and asks officers to bring one forward;"
            )
    else:
        recs.append("notes that the forecast shows no shortfall needing new places;")
    moved = moves_recommendation(data)
    if moved:
        recs.append(moved)
    temp = temporary_recommendation(data)
    if temp:
        recs.append(temp)
    for d in spare_beside_new_schools(data):
        where = spare_where(d)
        recs.append(
            f"notes that the programme's new {d['phase']} school in {d['name']} "
            f"({fmt_count(d['places'])} places from {fmt_year(d['year'])}, "
            f"{fmt_gbp_m(d['cost'])}) opens while the authority's other {d['phase']} planning "
            f"areas have, net of their own shortfalls, {fmt_count(d['spare'])} places spare "
            f"beyond the {fmt_pct(data.meta['margin'])} margin that year after the plan "
            f"({where}); the model lets no pupils be placed outside their own area "
            "(naming neighbouring areas in the model definition would let the plan weigh the "
            "nearer of those places against "
            "the school), so officers should test whether pupils could reasonably reach them "
            "before the school is committed;"
        )
    for d in data.mainstream_left_short:
        n = len(d["areas"])
        recs.append(
            f"notes that {the_programme(data)} still leaves {fmt_count(d['total'])} "
            f"{PHASE_LABELS[d['phase']]} places short in {fmt_year(d['year'])} "
            + (f"in {n} planning areas" if n != 1 else f"in {d['areas'][0][0]}")
            + (f" ({d['why']})" if d["why"] else "")
            + left_short_ask(data, d)
            + ";"
        )
    for t in data.tier_changes:
        if t["short"] >= 0.5:
            recs.append(
                f"notes that {t['name']}'s change to two-tier schooling from September "
                f"{t['year']} needs about {fmt_count(t['short'])} more secondary places (with "
                f"the margin) unless the {fmt_count(t['middle'])} Year 7-8 places of its middle "
                "schools pass to the high school, which this plan assumes and does not cost, and "
                "asks officers to confirm how those places will be provided;"
            )
    late = after_the_peak(data)
    if late:
        recs.append(
            "notes that "
            + _join(after_the_peak_clauses(late))
            + ": the plan buys permanent places because nothing cheaper in its catalogue can "
            "meet the peak, and asks officers to cost interim places for the peak years "
            "before committing them;"
        )
    lapse = bulge_lapse(data)
    if lapse:
        what = (
            "bulge classes are"
            if lapsing_kinds(data) <= {"bulge_class"}
            else "bulge classes and interim places are"
        )
        ends = lapse_years(data)
        span = (
            ""
            if ends is None
            else f" (all are gone by {fmt_year(ends[0])}"
            if ends[0] == ends[1]
            else f" (the first is gone in {fmt_year(ends[0])}, the last in {fmt_year(ends[1])}"
        )
        last = fmt_year(int(data.before_after[nc.YEAR].max()))
        horizon = int(data.sufficiency[nc.YEAR].max()) if data.sufficiency is not None else None
        beyond = (
            ", beyond the forecast"
            if ends is not None and horizon is not None and ends[0] > horizon
            else ""
        )
        recs.append(
            f"notes that {what} temporary: those in use in the plan's last year, {last}, end "
            "after it"
            + (f"{span}{beyond})" if span else "")
            + "; were they gone at that year's demand, "
            + _join([f"{name} ({plural_places(v)})" for name, v in lapse])
            + " would be short again, and asks officers to review the need before they end;"
        )
    key = data.key_decision
    if key is not None and key.get("recommended") is not None:
        r = key["recommended"]
        y0, y1 = int(r["year"]), int(r.get("last_year", r["year"]))
        when = (
            f"opening in September {y0}"
            if y0 == y1
            else f"opening between September {y0} and September {y1}"
        )
        temp = float(r.get("temporary_places", 0.0))
        interim = float(r.get("interim_place_years", 0.0))
        amount = _join(
            ([f"{fmt_count(r['places'])} places"] if r["places"] > 0 else [])
            + (
                [f"{fmt_count(interim)} place-years of interim or other temporary places"]
                if interim > 0
                else []
            )
        )
        instead = r.get("instead_of") or []
        # withheld with the programme, which is withheld as a whole when any phase rests on
        # places its base year's pupils already exceed
        # (a Coventry trial: agreed in principle in an area whose pupils already exceeded
        # its places on record, and with most of the programme's cost in such areas)
        withheld = key_decision_withheld(data)
        own = withheld and data.approval_withheld not in ("phase", "council")
        # the forecast's last year: an alternative opening after it is not weighed against
        # demand at all (a 5-year horizon ended in 2027/28, before the options of September
        # 2028, and the appraisal then showed them leaving the whole shortfall)
        horizon = (
            int(data.sufficiency[nc.YEAR].max())
            if data.sufficiency is not None and len(data.sufficiency)
            else None
        )
        late = [
            name
            for name, _, opens in instead
            if horizon is not None and np.isfinite(opens) and opens > horizon
        ]
        # on the programme's own conditions (derived pupil numbers, old capacity): a Cabinet
        # audit found the key decision agreed outright two items after a conditional approval
        conditional = data.any_history_derived or old_capacity_year(data) is not None
        rec = (
            (
                "notes, but does not agree until current capacity is confirmed"
                + (" (its area's pupils already exceed its places on record)" if own else "")
                + ", "
                if withheld
                else f"{AGREES} in principle, subject to officers confirming its area's current "
                "capacity and pupils on roll, "
                if data.approval_withheld
                else f"{AGREES} in principle, subject to the conditions of the capital programme "
                "above, "
                if conditional
                else f"{AGREES} "
            )
            + f"the {'proposed' if withheld else 'recommended'} option for "
            f"{area_phase(key['area_name'], key['phase'])} places"
            + (
                ", instead of "
                + _join(
                    [
                        f"the {name} ({fmt_gbp_m(cost)}, earliest September {int(opens)}"
                        + (
                            f", after {fmt_year(horizon)}, the last year this report forecasts"
                            if horizon is not None and opens > horizon
                            else ""
                        )
                        + ")"
                        if np.isfinite(opens)
                        else f"the {name} ({fmt_gbp_m(cost)})"
                        for name, cost, opens in instead
                    ],
                    "or",
                )
                if instead
                else ""
            )
            + f": {amount} at {fmt_gbp_m(r['cost'])} (within the "
            f"{'indicative ' if data.approval_withheld else ''}capital programme above), "
            f"{when} "
            f"({r['option']})"
        )
        if temp > 0:
            rec += f", {fmt_count(temp)} of them temporary places in bulge classes"
        t = key.get("table")
        if t is not None and "max shortfall (central)" in t and t["recommended"].any():
            row = t[t["recommended"]].iloc[0]
            c = float(row["max shortfall (central)"])
            st = float(row.get("max shortfall (stress)", np.nan))
            q = int(round(100 * float(key.get("quantile", 0.8))))
            rec += (
                "; it leaves "
                + (f"up to {fmt_count(c)} places short" if c >= 0.5 else "no shortfall")
                + " on the central forecast"
                + (
                    f" and up to {fmt_count(st)} if demand came in at its {q}th percentile"
                    if np.isfinite(st)
                    else ""
                )
            )
        if late:
            rec += (
                f"; the {_join(late, 'and')} cannot open within this report's forecast, "
                f"which ends in {fmt_year(horizon)}, so this choice does not weigh "
                f"{'them' if len(late) > 1 else 'it'}: officers should appraise "
                f"{'them' if len(late) > 1 else 'it'} over a longer forecast before "
                "the choice is final"
            )
        recs.append(rec + ";")
    recs += _send_and_early_years_recommendations(data)
    base = int(data.meta["base_year"])
    current = data.meta.get("current_year")  # the academic year under way at the report's date
    stale = current is not None and current > base + 1
    if sc:
        recs.append(
            "notes that this scenario's pupil forecasts (scap_pupil_forecasts.csv) are "
            "not for the Council's School Capacity (SCAP) return, which is made from "
            f"the report on {sc['extends'][-1]}, the model the scenario rests on."
        )
        return recs
    # forecasts that need redoing first are asked for, and the delegation is of those (an
    # audit: delegating "the forecasts in this report" and then asking for them to be
    # rebuilt would submit figures the Cabinet had not seen)
    redo = (
        [
            "refreshed with the latest school census (their forecast years start in "
            f"{fmt_year(base + 1)}, which has passed)"
        ]
        if stale
        else []
    ) + (
        [
            "rebuilt from the Council's own school-level census (this report's "
            "planning-area history is derived from the authority's totals; the DfE scores "
            "each return's accuracy against the census)"
        ]
        if data.any_history_derived
        else []
    )
    special = (
        ", with the special school place forecast (section 5, by phase and year, "
        "scap_special_places.csv) as its special school part"
        if data.send is not None and not data.send.empty
        else ""
    )
    if redo:
        recs.append(
            "asks officers to have this report's pupil forecasts (by planning area and "
            f"year group, scap_pupil_forecasts.csv) {_join(redo)}, and {DELEGATES} "
            "to the Director responsible for education, with the Cabinet "
            "Member, to submit those forecasts, in the same form, as the pupil forecast "
            "part of the Council's School Capacity (SCAP) return" + special + "."
        )
    else:
        recs.append(
            f"{DELEGATES} to the Director responsible for education to submit "
            "the pupil forecasts in this report (by planning area and year group, "
            "scap_pupil_forecasts.csv) as the pupil forecast part of the Council's "
            "School Capacity (SCAP) return" + special + "."
        )
    return recs


#: places left short beyond this many times the temporary places the model allows their
#: areas in a year are not asked of interim places (a Coventry trial asked officers to "secure
#: interim places for that year" for 2,954 secondary places)
INTERIM_ROOM_MULTIPLE = 2.0


def interim_room(data: ReportData, d: dict) -> float | None:
    """Temporary places a year the model allows in the areas of ``d`` (one phase of
    :func:`~sufficiency.report.analysis.mainstream_left_short`): its temporary options'
    places times their yearly limit [places]; None when no temporary option there has one."""
    o = getattr(data, "options", None)
    if o is None or o.empty or not {"places", "max_per_year"} <= set(o.columns):
        return None
    dur = o["duration"].fillna(0) if "duration" in o else pd.Series(0, index=o.index)
    mine = o[
        o[nc.AREA].astype(str).isin([str(c) for c in d["codes"]])
        & (o[nc.PHASE] == d["phase"])
        & (dur > 0)
        & (o["max_per_year"].fillna(0) > 0)
    ]
    if mine.empty:
        return None
    return float((mine["places"] * mine["max_per_year"]).sum())


def left_short_ask(data: ReportData, d: dict) -> str:
    """What the recommendation on ``d``'s places left short asks of officers: interim places
    for that year, or, when approval is withheld until current capacity is confirmed or the
    places exceed :data:`INTERIM_ROOM_MULTIPLE` times the temporary places the model allows
    those areas a year (:func:`interim_room`), first to confirm current capacity."""
    room = interim_room(data, d)
    big = room is not None and d["total"] > INTERIM_ROOM_MULTIPLE * room
    if not (proposed(data) or big):
        return ", and asks officers to secure interim places for that year"
    many = "twice" if INTERIM_ROOM_MULTIPLE == 2 else f"{INTERIM_ROOM_MULTIPLE:g} times"
    why = (
        [
            f"they are more than {many} the {fmt_count(room)} temporary places a year the model "
            f"allows {'those areas' if len(d['codes']) > 1 else 'that area'}"
        ]
        if big
        else []
    )
    why += ["the programme waits on current capacity being confirmed"] if proposed(data) else []
    return (
        f"; as {_join(why)}, asks officers first to confirm current capacity and pupils on "
        "roll there and re-run the plan, then to bring forward options for any places "
        "still short, rather than to seek interim places for them"
    )


#: how the recommendations that are decisions open or say so; :func:`recommendations` writes
#: them and :func:`decisions_sought` finds them by them, so the two cannot drift apart
APPROVES_PROGRAMME = "approves in principle the capital programme"
AGREES = "agrees"
DELEGATES = "delegates authority"


def decisions_sought(data: ReportData, recs: list[str]) -> str:
    """One paragraph before the recommendations that says what Cabinet is asked to decide
    and what it costs, pointing to the recommendations by number ("Cabinet is asked to
    make 3 decisions: to approve in principle a capital programme of £31.7m for 1,395 places
    in 21 projects from 2027/28 to 2032/33 (recommendation 4); ..."); "" when no
    recommendation is a decision. A Cabinet review: the one approval was the fourth of 12
    recommendations, after three that note the forecast."""
    asks: list[str] = []
    plan = data.plan
    key = data.key_decision
    for i, r in enumerate(recs, start=1):
        if r.startswith(APPROVES_PROGRAMME) and plan is not None and not plan.empty:
            y0, y1 = int(plan[nc.YEAR].min()), int(plan[nc.YEAR].max())
            bulge, other = temporary_masks(plan)
            places = float(plan.loc[~other, "places"].sum())
            temp = float(plan.loc[bulge & ~other, "places"].sum())
            asks.append(
                f"to approve in principle a capital programme of {fmt_gbp_m(plan['cost'].sum())}"
                + (f" for {plural_places(places)}" if places > 0 else "")
                + (f" ({fmt_count(temp)} of them temporary)" if temp >= 0.5 else "")
                + f" in {plural(len(plan), 'project')} {_years_span(y0, y1)}, subject to "
                f"conditions (recommendation {i})"
            )
        elif r.startswith(AGREES) and key is not None and key.get("recommended") is not None:
            k = key["recommended"]
            asks.append(
                f"to agree the recommended option for {area_phase(key['area_name'], key['phase'])}"
                f" places, {fmt_gbp_m(k['cost'])} within that programme (recommendation {i})"
            )
        elif DELEGATES in r:
            asks.append(
                "to delegate the submission of the pupil forecasts in the Council's "
                f"School Capacity (SCAP) return (recommendation {i})"
            )
    if not asks:
        return ""
    rest = len(recs) - len(asks)
    # semicolons between the decisions: each has commas of its own
    listed = asks[0] if len(asks) == 1 else "; ".join(asks[:-1]) + "; and " + asks[-1]
    # a scenario's recommendations are not for decision (its first recommendation says so):
    # "Cabinet is asked to make 1 decision: to approve ..." above it contradicted that (a
    # Wolverhampton trial's scenario of current capacity)
    lead = (
        "This report is of a scenario, for comparison: Cabinet is not asked to decide on it. "
        f"Were it the Council's position, Cabinet would be asked to make "
        f"{plural(len(asks), 'decision')}: {listed}. "
        if data.meta.get("scenario")
        else f"Cabinet is asked to make {plural(len(asks), 'decision')}: {listed}. "
    )
    return lead + (
        f"The other {plural(rest, 'recommendation')} note the position or ask officers "
        "for further work."
        if rest > 1
        else "The other recommendation notes the position or asks officers for further work."
        if rest == 1
        else ""
    )


def intake_sentence(data: ReportData) -> str:
    """That the areas whose school sets its own intake are reported but not planned for
    (said once: a Staffordshire trial counted its 14-19 academies among the areas short and
    asked for interim places there); "" without such areas. No leading verb, no full stop."""
    codes = data.intake_areas
    if not codes:
        return ""
    n = len(codes)
    short = data.intake_short
    what = (
        ""
        if not short
        else "; "
        + _join(
            [
                f"{d['name']} is up to {plural_places(d['shortfall'])} short "
                f"({fmt_year(d['year'])})"
                for d in short
            ]
        )
        + " on its own forecast"
    )
    return (
        f"{plural(n, 'planning area')} whose school sets its own intake (a 14-19 academy "
        f"or similar, recruiting from other areas) {'is' if n == 1 else 'are'} reported on "
        f"{'its page' if n == 1 else 'their pages'} but not planned for, and left out of "
        f"the counts of areas short above{what}: pupils forecast beyond such a school's "
        "places would stay at schools in the areas it recruits from"
    )


def moves_recommendation(data: ReportData) -> str:
    """The recommendation on pupils the plan places in neighbouring areas
    (``[[plan.adjacency]]``): how many, where, their cost, and the places bought in the
    areas that take them; "" without moves."""
    m = data.moves
    if m is None or m.empty or data.plan is None:
        return ""
    by_year = m.groupby(nc.YEAR)["pupils"].sum()
    moved = data.moves_by_area
    takers = moved[moved["direction"] == "in"]
    plan = data.plan
    items = []
    for area, phase in takers[["area", "phase"]].drop_duplicates().itertuples(index=False):
        d = area_moves(data, area, phase)
        if d is None:
            continue
        mine = plan[(plan[nc.AREA].astype(str) == area) & (plan[nc.PHASE] == phase)]
        froms = _join([r["name"] for r in d["in"]])
        item = (
            f"{area_phase(data.area_name(area), phase)} takes up to "
            f"{fmt_count(d['in_peak'])} a year from {froms} "
            f"({fmt_year(d['in_peak_year'])})"
        )
        if len(mine):
            own = d["own_need"]
            item += (
                f", where the plan buys {plural_places(float(mine['places'].sum()))} "
                f"({fmt_gbp_m(float(mine['cost'].sum()))}) though its own pupils need "
                + (f"at most {plural_places(own)}" if own >= 0.5 else "none")
            )
        else:
            item += " in places it has spare"
        items.append((d["in_peak"], item))
    items = [t for _, t in sorted(items, key=lambda x: -x[0])]
    shown = items[:5]
    more = (
        f", and {plural(len(items) - 5, 'more area')} (appendix, sheet Pupils placed next door)"
        if len(items) > 5
        else ""
    )
    cost = float(m["cost"].sum())
    return (
        "notes that the plan places pupils of some planning areas in neighbouring ones "
        f"(where the model definition allows it), up to {fmt_count(by_year.max())} a year "
        f"({fmt_year(int(by_year.idxmax()))}), {fmt_count(float(m['pupils'].sum()))} "
        "pupil-years, "
        + (
            f"at {fmt_gbp_m(cost)} over the plan (a revenue cost, not in the capital programme)"
            if cost > 0
            else "not priced"
        )
        + ": "
        + "; ".join(shown)
        + more
        + "; and asks officers to confirm that those pupils can reasonably reach those "
        "places before the projects in the areas that take them are committed;"
    )


def _temporary_warning(data: ReportData) -> tuple[list[str], str] | None:
    """``(facts, where)`` when most mainstream places bought are temporary bulge classes or an
    area buys them in 3 or more consecutive years (a Staffordshire trial: 78% of the places
    were bulge classes, middle schools' bought again year after year): the facts in words
    and the areas to consider a permanent expansion in ("" when none recurs); else None."""
    t = data.lasting_and_temporary
    if t is None or not (t["mostly_temporary"] or t["runs"]):
        return None
    facts = []
    if t["mostly_temporary"]:
        facts.append(
            f"{fmt_pct(t['temporary_share'])} of the mainstream places the programme "
            f"buys ({fmt_count(t['temporary_places'])} of "
            f"{fmt_count(t['temporary_places'] + t['lasting_places'])}) are temporary "
            "bulge classes, which end as their cohorts leave"
        )
    runs = t["runs"]
    if runs:
        shown = _join(
            [
                f"{area_phase(r['name'], r['phase'])} ({fmt_year(r['first'])} to "
                f"{fmt_year(r['last'])}, {fmt_count(r['places'])} places, "
                f"{fmt_gbp_m(r['cost'])})"
                for r in runs[:6]
            ]
        )
        more = f" and {plural(len(runs) - 6, 'more area')}" if len(runs) > 6 else ""
        facts.append(
            f"it buys bulge classes in {BULGE_RUN} or more consecutive years in {shown}{more}"
        )
    where = _join([area_phase(r["name"], r["phase"]) for r in runs[:6]]) if runs else ""
    return facts, where


def temporary_recommendation(data: ReportData) -> str:
    """The recommendation warning of :func:`_temporary_warning`; "" without one."""
    w = _temporary_warning(data)
    if w is None:
        return ""
    facts, where = w
    return (
        "notes as a warning that "
        + "; ".join(facts)
        + (
            "; a need that returns year after year is a lasting one, and asks officers to "
            f"consider a permanent expansion in {where}"
            if where
            else "; and asks officers to consider a permanent expansion wherever the need lasts "
            "beyond one cohort"
        )
        + " before committing further bulge classes;"
    )


def _tolerated(data: ReportData, area: str, phase: str, built: bool) -> str:
    """A sentence for an area short after the plan only within the plan's shortfall tolerance
    (above half a place, at most ``[plan] shortfall_tolerance``), which the plan does not
    count as short: "" when it has none. A Warwickshire trial's scenario with a tolerance of
    15 places read "the area stays 14 places short in 2031/32 (see the appendix, sheet
    Binding constraints)", as if for lack of options."""
    least = left_short_min(data)
    if least <= LEFT_SHORT_MIN:  # the default tolerance: nothing tolerated above half a place
        return ""
    cells = cells_before_after(data, phase)
    if cells is None:
        return ""
    mine = cells[cells[nc.AREA] == area]
    if is_left_short(data, mine).any():
        return ""
    kept = mine[mine["shortfall_after"] > LEFT_SHORT_MIN]
    if kept.empty:
        return ""
    w = kept.loc[kept["shortfall_after"].idxmax()]
    return (
        f"{' With it,' if built else ' The plan adds no places here;'} the area is up to "
        f"{fmt_count(w['shortfall_after'])} places short (in {fmt_year(w[nc.YEAR])}), within "
        f"the plan's shortfall tolerance of {least:g} places ([plan] "
        "shortfall_tolerance), which it does not count as short."
    )


def area_commentary(data: ReportData, area: str) -> str:
    """Commentary of one planning-area page, from its sufficiency rows (the base year
    included) and the plan's before and after."""
    suff = data.sufficiency
    name = data.area_name(area)
    if suff is None or suff.empty:
        return f"No forecast is available for {name} in this run."
    base_year = data.meta["base_year"]
    rows_all = suff[suff[nc.AREA] == area].sort_values(nc.YEAR)
    rows = rows_all[rows_all[nc.YEAR] > base_year]
    if rows.empty:
        return f"No forecast years are available for {name}."
    margin = fmt_pct(data.meta["margin"])
    text = ""
    base = rows_all[rows_all[nc.YEAR] == base_year]
    if len(base):
        b = base.iloc[0]
        kind = "derived" if data.history_derived(area) else "census"
        text += (
            f"In {fmt_year(base_year)} ({kind}) {name} had {fmt_count(b['demand'])} pupils "
            f"against {fmt_count(b['capacity'])} places"
            + (
                f", {fmt_count(b['shortfall'])} places short with the {margin} margin. "
                if is_short(base).iloc[0]
                else f", a surplus of {fmt_pct(b['surplus_pct'], down=True)}. "
            )
        )
    peak = rows.loc[rows["demand"].idxmax()]
    first = rows.iloc[0]
    last = rows.iloc[-1]
    at = {
        k: f"{fmt_count(r['demand'])} pupils in {fmt_year(r[nc.YEAR])}"
        for k, r in (("first", first), ("peak", peak), ("last", last))
    }
    # compared as printed: a peak a fraction of a pupil above the start is no rise ("a peak
    # of 390 from 390", a Staffordshire trial), a fall to the same count is no fall
    said = {
        k: fmt_count(r["demand"]) for k, r in (("first", first), ("peak", peak), ("last", last))
    }

    def level(to) -> bool:  # every year from the first to ``to`` prints as the peak
        return bool((rows.loc[rows[nc.YEAR] <= to, "demand"].map(fmt_count) == said["peak"]).all())

    if said["peak"] == said["last"] and said["first"] == said["peak"]:
        path = (
            f"stay at {said['peak']} pupils from {fmt_year(first[nc.YEAR])} to "
            f"{fmt_year(last[nc.YEAR])}"
            if level(last[nc.YEAR])
            else f"be {at['first']} and {at['last']}, and no more in between"
        )
    elif peak[nc.YEAR] == first[nc.YEAR]:
        path = f"fall from {at['peak']} to {at['last']}"
    elif said["peak"] == said["first"]:
        path = (
            f"stay at {said['peak']} pupils to {fmt_year(peak[nc.YEAR])}"
            if level(peak[nc.YEAR])
            else f"be {at['first']} and again {said['peak']} in {fmt_year(peak[nc.YEAR])}, its peak"
        ) + f", then fall to {at['last']}"
    elif peak[nc.YEAR] == last[nc.YEAR]:
        path = f"rise from {at['first']} to a peak of {at['peak']}"
    elif (
        rows.loc[rows[nc.YEAR] >= peak[nc.YEAR], "demand"].map(fmt_count)
        == fmt_count(peak["demand"])
    ).all():  # no year after the peak falls by a pupil
        path = (
            f"rise from {at['first']} to a peak of {fmt_count(peak['demand'])} pupils in "
            f"{fmt_year(peak[nc.YEAR])}, and stay there to {fmt_year(last[nc.YEAR])}"
        )
    else:
        path = f"rise from {at['first']} to a peak of {at['peak']}, then fall to {at['last']}"
    text += f"Demand is forecast to {path}, against {fmt_count(first['capacity'])} places. "
    short = rows[is_short(rows)]
    if short.empty:
        text += (
            f"On the capacity shown there is no shortfall over the forecast period with "
            f"the {margin} margin; "
            f"the lowest surplus is {fmt_pct(rows['surplus_pct'].min(), down=True)}."
        )
        # falling rolls: the spare places above the ceiling, which the recommendations raise
        # (a Stoke-on-Trent trial's primary page said only "the lowest surplus is 8.1%" of an
        # area 21.5% surplus by 2032/33)
        ceiling = float(data.meta.get("ceiling", 0.10))
        above = rows[np.isfinite(rows["surplus_pct"]) & (rows["surplus_pct"] > ceiling)]
        if len(above) and above[nc.YEAR].max() == rows[nc.YEAR].max():
            top = above.loc[above["surplus_pct"].idxmax()]
            y0 = int(above[nc.YEAR].min())
            text += (
                f" Spare places are above the {fmt_pct(ceiling)} surplus ceiling from "
                f"{fmt_year(y0)}, reaching {fmt_pct(top['surplus_pct'], down=True)} of "
                f"pupils ({fmt_count(top['capacity'] - top['demand'])} places) in "
                f"{fmt_year(int(top[nc.YEAR]))}."
            )
    else:
        worst = short.loc[short["shortfall"].idxmax()]
        y0, y1 = int(short[nc.YEAR].min()), int(short[nc.YEAR].max())
        span = (
            f"in {fmt_year(y0)}"
            if y0 == y1
            else f"from {fmt_year(y0)} to {fmt_year(y1)}"
            if len(short) == y1 - y0 + 1
            else f"in {len(short)} years between {fmt_year(y0)} and {fmt_year(y1)}"
        )
        text += (
            f"Without new places the area is short {span}, by "
            + ("" if y0 == y1 else "up to ")
            + f"{fmt_count(worst['shortfall'])} places"
            + ("" if y0 == y1 else f" in {fmt_year(worst[nc.YEAR])}")
            + f" (including the {margin} margin)."
        )
    text += "".join(" " + _tier_change_sentence(t) for t in data.tier_changes if t["area"] == area)
    if str(area) in data.intake_areas:
        # a 14-19 academy or UTC: its page reports it, the plan does not plan for it
        return (
            text + " The school sets its own intake, so the plan proposes no places here and "
            "the report leaves the area out of its counts of areas short: pupils forecast "
            "beyond its places would stay at schools in the areas it recruits from."
        )
    moves = moves_sentences(data, area, str(rows[nc.PHASE].iloc[0]))
    plan = data.plan
    if plan is not None and nc.PHASE in plan:
        # this page's phase of places only: an early years setting in a primary area's code
        # adds no school places (Shropshire re-test: a primary page credited one with that)
        plan = plan[plan[nc.PHASE] == str(rows[nc.PHASE].iloc[0])]
    if plan is None or plan.empty or short.empty and (plan[nc.AREA] != area).all():
        return text + moves + _tolerated(data, area, str(rows[nc.PHASE].iloc[0]), False)
    mine = plan[plan[nc.AREA] == area]
    if not mine.empty:
        # say what is built in words ("bulge class"), never the option identifier
        what = (mine["kind"] if "kind" in mine.columns else mine["option"]).astype(str)
        n = mine["modules"] if "modules" in mine.columns else pd.Series(1, index=mine.index)
        items, seen = [], set()
        for o, m, p, y, f, c in zip(
            what, n, mine["places"], mine[nc.YEAR], _fills(mine), mine["cost"]
        ):
            # a kind built again in a later year is "2 more bulge classes", not the same
            # words twice (a Cabinet review: "2 bulge classes (...), 2 bulge classes (...)")
            items.append(_built_again(o, int(m)) if o in seen else _built(o, int(m)))
            items[-1] += f" ({fmt_opening(p, y, f)}, {fmt_gbp_m(c)})"
            seen.add(o)
        text += (
            (" The plan proposes " if proposed(data) else " The plan recommends ")
            + _join(items)
            + "."
        )
    text += moves
    phase = str(rows[nc.PHASE].iloc[0])
    cells = cells_before_after(data, phase)
    left = (
        cells[(cells[nc.AREA] == area) & is_left_short(data, cells)] if cells is not None else cells
    )
    tolerated = _tolerated(data, area, phase, not mine.empty)
    if (left is None or left.empty) and tolerated:
        return text + tolerated
    if left is None or left.empty:
        if not short.empty and cells is not None:
            first = fmt_year(int(cells[nc.YEAR].min()))
            text += (
                f" With it, the area is not short of places in any year of the plan ({first} on)."
                if not mine.empty
                else f" The plan adds no places here: from its first year ({first}) the area is "
                "not short of places."
            )
        return text
    w = left.loc[left["shortfall_after"].idxmax()]
    why = _join(why_short(data, area, phase, int(w[nc.YEAR])))
    lead = (
        " With it, the area is still"
        if not mine.empty
        else " The plan adds no places here; the area stays"
    )
    text += (
        f"{lead} {fmt_count(w['shortfall_after'])} places short in {fmt_year(w[nc.YEAR])}"
        + (
            f" ({len(left)} year{'s' if len(left) != 1 else ''} short in all)"
            if len(left) > 1
            else ""
        )
        + (f": {why}." if why else " (see the appendix, sheet Binding constraints).")
    )
    return text


def _span_years(first_last: tuple[int, int] | None, n: int) -> str:
    """``"every year from 2023/24 to 2032/33"``, ``"in 4 years between ..."`` or ``"in
    2023/24 only"``."""
    if first_last is None:
        return ""
    y0, y1 = first_last
    if y0 == y1:
        return f"in {fmt_year(y0)} only"
    if n == y1 - y0 + 1:
        return f"every year from {fmt_year(y0)} to {fmt_year(y1)}"
    return f"in {n} years between {fmt_year(y0)} and {fmt_year(y1)}"


def _moves_cost(cost: float, rows: list[dict]) -> str:
    """The cost of pupils placed next door: ``"GBP 0.4m over the plan (GBP 400 a pupil a
    year; ...)"``, or that it is not priced."""
    if cost <= 0:
        return "not priced (the model gives no cost per pupil for these moves)"
    rates = sorted({float(r["cost_per_pupil"]) for r in rows if r["cost_per_pupil"] > 0})
    rate = (
        f"{fmt_gbp(rates[0])} a pupil a year"
        if len(rates) == 1
        else f"{fmt_gbp(rates[0])}-{fmt_gbp(rates[-1])} a pupil a year"
    )
    return f"{fmt_gbp_m(cost)} over the plan ({rate}; a revenue cost, not in the capital programme)"


def _from_list(rows: list[dict]) -> str:
    if len(rows) == 1:
        return rows[0]["name"]
    return _join(
        [
            f"{r['name']} (up to {fmt_count(r['peak'])}, the most in {fmt_year(r['peak_year'])})"
            for r in rows
        ]
    )


def moves_sentences(data: ReportData, area: str, phase: str) -> str:
    """What the plan's moves between neighbouring areas ([[plan.adjacency]]) mean for one
    area page: the pupils placed here, from which areas, its own placed next door, by year
    (the peak), their cost, and the places its own pupils need against those it needs with
    the moves (a Staffordshire trial: 90 bulge places bought for a 5-place need of the area's
    own, the moves shown only in before_after.csv). "" without moves; starts with a space."""
    m = area_moves(data, area, phase)
    if m is None:
        return ""
    text = ""
    if m["in"]:
        text += (
            f" The plan places pupils of neighbouring areas here (as the model definition "
            "allows): up "
            f"to {fmt_count(m['in_peak'])} a year (the most in {fmt_year(m['in_peak_year'])}, "
            f"{_span_years(m['in_years'], m['in_n'])}) from {_from_list(m['in'])}; "
            f"{fmt_count(m['in_pupil_years'])} pupil-years, "
            f"{_moves_cost(m['in_cost'], m['in'])}."
        )
    if m["out"]:
        when = (
            f"the most in {fmt_year(m['out_peak_year'])}, {_span_years(m['out_years'], m['out_n'])}"
        )
        where = (
            f"{m['out'][0]['name']} ({when})"
            if len(m["out"]) == 1
            else f"neighbouring areas ({when}): {_from_list(m['out'])}"
        )
        text += (
            f" {'It' if m['in'] else 'The plan'} places up to {fmt_count(m['out_peak'])} of "
            f"this area's own pupils a year in {where}; "
            f"{fmt_count(m['out_pupil_years'])} pupil-years, "
            f"{_moves_cost(m['out_cost'], m['out'])}."
        )
    own, with_ = m["own_need"], m["need_with"]
    if m["in"] and with_ >= own + 0.5:
        text += (
            " With the pupils placed here, the area needs up to "
            f"{plural_places(with_)} beyond its capacity (with the margin, "
            f"{fmt_year(m['need_with_year'])}), where its own pupils need "
            + (
                f"up to {plural_places(own)} ({fmt_year(m['own_need_year'])})"
                if own >= 0.5
                else "none"
            )
            + ": places built here serve those pupils too."
        )
    return text


def _tier_change_sentence(t: dict, where: bool = False) -> str:
    return (
        f"{t['name'] + ' secondary: t' if where else 'T'}he tier structure changes in "
        f"{fmt_year(t['year'])} (Year 7 and 8 move to the high school). ASSUMPTION: the "
        f"capacity shown for every year keeps the {fmt_count(t['middle'])} Year 7-8 places of "
        f"its middle schools ({_join(t['schools'])}), i.e. that the high school gains "
        f"equivalent places (by building, or by a middle school changing its age range). "
        f"Without them the area has {fmt_count(t['without'])} places from "
        f"{fmt_year(t['year'])}"
        + (
            f" and is up to {fmt_count(t['short'])} places short with the margin"
            if t["short"] >= 0.5
            else ""
        )
        + "; this plan does not include those places."
    )


#: the accuracy section's names for the backtest's error columns
ACCURACY_SOURCES = {
    "pct_error": "this engine",
    "pct_error_last": "last year carried forward",
    "pct_error_cohort3": "plain cohort survival (3-year means)",
    "authority_error": "the Council's own (DfE scorecard)",
}


def _pct2(value: float) -> str:
    """An accuracy figure: a percentage to two decimals (the errors differ by tenths)."""
    return fmt_pct(value, decimals=2)


def _ahead(h: int) -> str:
    return f"{int(h)} year{'s' if int(h) != 1 else ''} ahead"


def accuracy_scores(acc: pd.DataFrame) -> pd.DataFrame:
    """The accuracy section's figures by phase and horizon, from :attr:`ReportData.accuracy`'s
    rows with an engine error: ``phase, horizon, n, first, last`` (target years),
    ``mae_model, mae_last, mae_cohort3`` (median absolute errors [fraction]), ``inside,
    ranged`` (outcomes inside the 80% range, of those with a range), and over the target years
    that also have the authority's own figure ``n_authority, mae_model_paired,
    mae_authority``."""
    rows = []
    eng = acc[acc["pct_error"].notna()]
    for (phase, h), g in eng.groupby([nc.PHASE, "horizon"], sort=True):
        ranged = g["inside80"].dropna()
        paired = g[g["authority_error"].notna()]
        rows.append(
            {
                nc.PHASE: phase,
                "horizon": int(h),
                "n": len(g),
                "first": int(g["target_year"].min()),
                "last": int(g["target_year"].max()),
                "mae_model": g["pct_error"].abs().median(),
                "mae_last": g["pct_error_last"].abs().median(),
                "mae_cohort3": g["pct_error_cohort3"].abs().median(),
                "inside": int(sum(bool(v) for v in ranged)),
                "ranged": len(ranged),
                "n_authority": len(paired),
                "paired_years": tuple(int(y) for y in paired["target_year"]),
                "mae_model_paired": paired["pct_error"].abs().median() if len(paired) else np.nan,
                "mae_authority": paired["authority_error"].abs().median()
                if len(paired)
                else np.nan,
            }
        )
    return pd.DataFrame(rows)


#: median absolute errors [percentage points, as printed] closer than this are "about as
#: well": a Coventry trial read "did better" of 1.33% against 1.34%
ACCURACY_TIE = 0.05


def compare_errors(mine: float, other: float) -> str:
    """How ``other``'s median absolute error [fraction] compares with ``mine`` as printed (two
    decimals): ``"better"`` when it is lower by :data:`ACCURACY_TIE` percentage points or
    more, ``"worse"`` when higher by that much, ``"same"`` in between, ``""`` when either is
    missing."""
    if not (np.isfinite(mine) and np.isfinite(other)):
        return ""
    d = round(round(100 * mine, 2) - round(100 * other, 2), 2)
    return "better" if d >= ACCURACY_TIE else "worse" if d <= -ACCURACY_TIE else "same"


def _better(engine: float, others: dict[str, float]) -> str:
    """ " Plain cohort survival (3-year means) did better here than this engine." for the
    baselines whose median error is below the engine's as printed (two decimals) by
    :data:`ACCURACY_TIE` percentage points or more; those closer than that did about as
    well."""
    better = [k for k, v in others.items() if compare_errors(engine, v) == "better"]
    same = [k for k, v in others.items() if compare_errors(engine, v) == "same"]
    out = ""
    if len(better) == 2:
        out += " Both baselines did better here than this engine."
    elif better:
        out += f" {_cap(better[0])} did better here than this engine."
    if same:
        out += (
            f" {_cap(_join(same))} did about as well as this engine (within "
            f"{ACCURACY_TIE:.2f} percentage points)."
        )
    return out


def how_sure_sentence(data: ReportData) -> str:
    """The accuracy record in one sentence for the executive summary (a Cabinet review: the
    summary said how many places, never how sure): the engine's median absolute error by
    horizon and phase and the share of past outcomes inside its 80% ranges, from
    :func:`accuracy_scores`; "" without a backtest."""
    acc = data.accuracy
    if acc is None or acc.empty or "pct_error" not in acc or acc["pct_error"].isna().all():
        return ""
    scores = accuracy_scores(acc)
    by_h = [
        f"{_ahead(int(h))}, "
        + _join([f"{_pct2(r.mae_model)} for {r.phase}" for r in g.itertuples(index=False)])
        for h, g in scores.groupby("horizon", sort=True)
    ]
    inside, ranged = int(scores["inside"].sum()), int(scores["ranged"].sum())
    caught = (
        f" {inside} of {ranged} of those past outcomes fell inside its 80% ranges."
        if ranged
        else ""
    )
    return (
        "How sure the forecast is: forecasting past years from the data available at "
        "the time, this method missed the authority's pupil totals by a median of: "
        f"{'; '.join(by_h)}.{caught} These are whole-authority figures (section 3, "
        "Accuracy track record)"
        + (
            ", and each planning area here is the whole of its phase."
            if one_area_per_phase(data)
            else ": a planning area's are less certain."
        )
    )


def derived_scope(data: ReportData) -> str:
    """Which planning areas' pupil history is derived, where some are not: "" when every
    area's is (or none's), else e.g. " in 7 of the 8 planning areas (not in Telford
    secondary (8940008), which holds the whole of its phase: its history is the census's own
    count)". The cover and the summary said every area's was derived when one secondary
    area held the whole phase (a Telford and Wrekin trial)."""
    a = data.areas
    if not data.any_history_derived or data.derived_areas is None or a is None or a.empty:
        return ""
    own = a[~a[nc.AREA].astype(str).isin(data.derived_areas)]
    if own.empty:
        return ""
    named = [f"{area_phase(r['name'], r[nc.PHASE])} ({r[nc.AREA]})" for _, r in own.iterrows()]
    n_derived = len(a) - len(own)
    return (
        f" in {n_derived} of the {len(a)} planning areas (not in {_join(named)}, which "
        f"hold{'s' if len(named) == 1 else ''} the whole of "
        f"{'its' if len(named) == 1 else 'their'} phase: "
        f"{'its' if len(named) == 1 else 'their'} history is the census's own count)"
    )


def one_area_per_phase(data: ReportData) -> bool:
    """Whether each phase of places has one planning area, the whole authority's (Stoke-on-
    Trent): what is said of planning areas smaller than an authority does not apply."""
    a = data.areas
    if a is None or a.empty or nc.PHASE not in a:
        return False
    counts = a[a[nc.PHASE].isin(["primary", "secondary"])].groupby(nc.PHASE).size()
    return len(counts) > 0 and bool((counts == 1).all())


def accuracy_sentences(data: ReportData) -> list[str]:
    """The accuracy record in words, computed from :attr:`ReportData.accuracy`.

    One sentence per phase and horizon the backtest scores: this engine's median absolute
    error against both baselines' (saying where a baseline did better), how many outcomes
    fell inside the engine's 80% range, and, over the target years that also have one, the
    Council's own published error. Then the coverage over all, the Council's figures with no
    engine figure beside them, how to reproduce the backtest, and a caution.
    """
    acc = data.accuracy
    if acc is None or acc.empty or "pct_error" not in acc or acc["pct_error"].isna().all():
        return []
    scores = accuracy_scores(acc)
    out = []
    for r in scores.itertuples(index=False):
        span = (
            f"for {fmt_year(r.first)}"
            if r.first == r.last
            else f"for {fmt_year(r.first)} to {fmt_year(r.last)}"
        )
        base = {
            ACCURACY_SOURCES["pct_error_last"]: r.mae_last,
            ACCURACY_SOURCES["pct_error_cohort3"]: r.mae_cohort3,
        }
        against = _join([f"{_pct2(v)} for {k}" for k, v in base.items() if np.isfinite(v)])
        text = (
            f"{_cap(r.phase)}, {_ahead(r.horizon)} ({plural(r.n, 'forecast')} {span}): "
            f"median absolute error {_pct2(r.mae_model)} for this engine"
            + (f" against {against}" if against else "")
            + (
                f"; {r.inside} of {r.ranged} outcomes inside the engine's 80% range"
                if r.ranged
                else ""
            )
            + "."
        )
        text += _better(r.mae_model, base)
        if r.n_authority:
            years = _join([fmt_year(y) for y in r.paired_years])
            vs = compare_errors(r.mae_model_paired, r.mae_authority)
            council = (
                "the Council's own forecasts did better there"
                if vs == "better"
                else "the Council's own forecasts did about as well there (within "
                f"{ACCURACY_TIE:.2f} percentage points)"
                if vs == "same"
                else ""
            )
            text += (
                f" Over the {plural(r.n_authority, 'target year')} with a published "
                f"Council figure ({years}): this engine's median absolute error "
                f"{_pct2(r.mae_model_paired)} against the Council's own "
                f"{_pct2(r.mae_authority)}" + (f"; {council}" if council else "") + "."
            )
        out.append(text)
    inside, ranged = int(scores["inside"].sum()), int(scores["ranged"].sum())
    if ranged:
        out.append(
            f"Over both phases and every horizon above, {inside} of {ranged} outcomes "
            f"({fmt_pct(inside / ranged, decimals=0)}) fell inside the engine's 80% ranges, "
            "against the 80% that well-calibrated ranges catch (each range was set from the "
            "errors of forecasts for earlier years only); these are consecutive years of one "
            "authority, not independent trials, so the share is a rough check only."
        )
    how = data.meta.get("backtest") or {}
    census = how.get("census_years")
    own_only = acc[acc["pct_error"].isna() & acc["authority_error"].notna()]
    if len(own_only):
        last = census[1] if census else int(acc.loc[acc["pct_error"].notna(), "target_year"].max())
        run_h = sorted(int(h) for h in acc.loc[acc["pct_error"].notna(), "horizon"].unique())
        later = sorted(
            int(y) for y in own_only.loc[own_only["target_year"] > last, "target_year"].unique()
        )
        other_h = sorted(int(h) for h in own_only["horizon"].unique() if int(h) not in run_h)
        why = []
        if later:
            why.append(
                f"for {_join([fmt_year(y) for y in later])}, after the last census in "
                f"the pupils file ({fmt_year(last)})"
            )
        if other_h:
            why.append(
                f"for forecasts made {_join([str(h) for h in other_h], 'or')} years "
                "ahead, which the backtest does not make (it makes them "
                f"{_join([str(h) for h in run_h])} years ahead)"
            )
        if why:
            out.append(
                "The table also lists Council errors with no engine figure beside "
                f"them: {'; and '.join(why)}."
            )
    if how.get("origins"):
        n, origins = how["authorities"], how["origins"]
        horizons = how.get("horizons", (1, 3))
        cmd = bool(data.meta.get("backtest_files"))
        whose = (
            f"the authority totals of the {n} authorities in the pupils file (fitted and "
            "pooled over them, as in the engine's documented backtest; this authority's "
            "errors reported)"
            if n > 1
            else "this authority's own totals"
        )
        text = (
            f"The errors of this engine and of both baselines come from a rolling-origin "
            f"backtest of {whose}, forecasts made from {fmt_year(origins[0])} to "
            f"{fmt_year(origins[-1])}, {_join([str(h) for h in horizons])} years ahead."
        )
        hmax = max(horizons)
        n_late = sum(1 for o in origins if census and o + hmax > census[1])
        late = (
            f"; the {hmax}-year forecasts from the last "
            f"{plural(n_late, 'origin') if n_late > 1 else 'origin'} have no outcome yet"
            if n_late
            else ""
        )
        if accuracy_command(data):
            text += (
                f" Its rows (appendix, sheet Accuracy) are the {data.meta['authority']} "
                "rows of the file the command below writes (from the model's files; "
                "columns pct_error, pct_error_last, pct_error_cohort3, lower80, upper80 "
                "and authority_error, the last from the scorecards)" + late + "."
            )
        elif cmd:
            text += (
                " It uses the model's own pupil forecast settings, which differ from the "
                "engine's defaults that the sufficiency backtest command runs."
            )
        out.append(text)
    out.append(
        "A caution in reading this comparison: the engine's forecasts here are a backtest, "
        "made afterwards from the data available at each origin, with settings that were "
        "chosen by backtesting the same 14 West Midlands authorities over the same years; "
        "the baselines involve no such choice, and the Council's errors are those of "
        "forecasts published at the time, with no hindsight. The engine's errors on "
        "authorities and years it has not seen are likely to be somewhat larger."
    )
    return out


def accuracy_command(data: ReportData) -> list[str]:
    """The command line that writes the backtest rows of the accuracy record, as its words
    (the report prints each unbroken, so that ``--out`` is never split over two lines), or
    [] when the record is not the engine's default backtest of the model's files."""
    how = data.meta.get("backtest") or {}
    files = data.meta.get("backtest_files") or {}
    if not how.get("origins") or not files or not how.get("default_params", True):
        return []
    horizons = how.get("horizons", (1, 3))
    words = ["sufficiency", "backtest"]
    for k, v in files.items():
        words += [f"--{k}", str(v)]
    words += ["--origins", ",".join(str(o) for o in how["origins"])]
    words += ["--horizons", ",".join(str(h) for h in horizons)]
    return words + ["--areas", str(data.meta["authority"]), "--out", "errors.csv"]


def accuracy_note(data: ReportData) -> str:
    """Where every figure of the accuracy table comes from: the census file and its years,
    the backtest's origins and horizons, the baselines, the scorecard editions."""
    acc = data.accuracy
    how = data.meta.get("backtest") or {}
    files = data.meta.get("backtest_files") or {}
    parts = [
        "Errors are the DfE measure, (forecast - actual) / actual of the authority's "
        "total pupils, primary R-Y6 and secondary Y7-Y11; a positive error is an "
        "over-forecast."
    ]
    if acc is not None and acc["pct_error"].notna().any() and how.get("origins"):
        census = how.get("census_years")
        src = files.get("pupils")
        where = (
            "the DfE January school census"
            + (f" file {src}" if src else "")
            + (f" ({fmt_year(census[0])} to {fmt_year(census[1])})" if census else "")
        )
        if files.get("births"):
            where += (
                f", with ONS births from {files['births']} summed to authorities through "
                f"{files.get('lookup', 'the district lookup')}"
            )
        n = how.get("authorities", 1)
        fitted = (
            f"fitted on the {n} authorities in the file and scored on "
            f"{data.meta.get('authority_name', data.meta.get('authority'))} alone"
            if n > 1
            else "fitted and scored on this authority's own totals"
        )
        hs = _join([str(h) for h in how.get("horizons", (1, 3))])
        parts.append(
            f"This engine and both baselines: a rolling-origin backtest on {where}, {fitted}; "
            f"forecasts made from origins {fmt_year(how['origins'][0])} to "
            f"{fmt_year(how['origins'][-1])} (each with the census up to its origin only), "
            f"{hs} years ahead; the outcome is the census count of the target year. Last year "
            "carried forward keeps each phase total at its origin's count; plain cohort "
            "survival (3-year means) rolls cohorts on with 3-year mean survival ratios and "
            "Reception from births with a 3-year mean ratio, births held flat. The engine's 80% "
            "range is set from the errors of its forecasts for years up to the origin only."
        )
    if acc is not None and acc["authority_error"].notna().any():
        eds = sorted(int(e) for e in acc["scorecard_edition"].dropna().unique())
        folder = files.get("scorecards")
        parts.append(
            "The Council's own: its forecasts' errors as published in the DfE school places "
            "scorecards ("
            + (f"folder {folder}, " if folder else "")
            + f"edition{'s' if len(eds) != 1 else ''} {_join([str(e) for e in eds])})."
        )
    parts.append(
        "The appendix (sheet Accuracy) gives each row's origin, forecast, outcome and 80% range."
    )
    return " ".join(parts)


# ---------------------------------------------------------------------------
# SEND and early years chapters
# ---------------------------------------------------------------------------
SCENARIO_TEXT = {
    "trend": "the damped trend in the share of each age group with a plan",
    "national": "the share grows at England's recent growth of plans",
    "stops": "the share stays at its latest level",
}


_KIND_PLURAL = {
    "bulge_class": "bulge classes",
    "new_school": "new schools",
    "permanent_expansion": "permanent expansions",
    "new_special_school": "new special schools",
    "special_expansion": "special school expansions",
}


def kind_count(kind: str, n: int) -> str:
    """``n`` modules of ``kind`` in words: ``"2 bulge classes"`` (each a class), but
    ``"2 permanent expansion modules"`` (half forms of entry, perhaps at one school: "2
    permanent expansions" read as two schools)."""
    k = str(kind)
    if k in ("bulge_class", "new_school", "new_special_school"):
        return f"{n} {kind_plural(k)}" if n != 1 else _a(k.replace("_", " "))
    noun = _KIND_SINGULAR.get(k, k.replace("_", " "))
    return plural(n, f"{noun} module")


#: a kind in words where its identifier reads badly ("special expansion")
_KIND_SINGULAR = {"special_expansion": "special school expansion"}


def _built(kind: str, m: int) -> str:
    """What a plan row builds, in words: "a bulge class", "2 permanent expansion modules"."""
    return kind_count(kind, m) if m > 1 else _a(str(kind).replace("_", " "))


def _built_again(kind: str, m: int) -> str:
    """:func:`_built` for a kind the same page has named already: "another bulge class",
    "2 more bulge classes", "2 more permanent expansion modules"."""
    first = _built(kind, m)
    if m > 1:
        return first.replace(f"{m} ", f"{m} more ", 1)
    return "another " + first.split(" ", 1)[1]


def kind_plural(kind: str) -> str:
    """``"bulge_class" -> "bulge classes"``: a kind of option in words, plural."""
    k = str(kind)
    return _KIND_PLURAL.get(k, k.replace("_", " ") + "s")


def why_short(data: ReportData, area: str, phase: str, year: int) -> list[str]:
    """Why the recommended plan leaves ``area``'s ``phase`` places short in ``year``, from the
    options' earliest years and the plan's binding constraints (lead times, module limits,
    budget), as phrases; empty when neither explains it."""
    parts = []
    o = data.options
    kind, earliest = {}, {}
    if o is not None and not o.empty and {"earliest_year", "kind"} <= set(o.columns):
        kind = dict(zip(o["option"], o["kind"]))
        earliest = dict(zip(o["option"], o["earliest_year"]))
        mine = o[(o[nc.AREA].astype(str) == str(area)) & (o[nc.PHASE] == phase)]
        later = mine[mine["earliest_year"] > year]
        if len(later):
            first = later.groupby("kind", sort=False)["earliest_year"].min()
            by_year = {}
            for k, y in first.items():
                by_year.setdefault(int(y), []).append(str(k).replace("_", " "))
            bits = [
                f"{_join(ks, 'or')} {'can open ' if i == 0 else ''}before {fmt_year(y)}"
                for i, (y, ks) in enumerate(sorted(by_year.items()))
            ]
            parts.append("no " + _join(bits, "or"))
    b = data.binding
    if b is not None and not b.empty:
        r = b[
            (b[nc.AREA].astype(str) == str(area))
            & (b[nc.PHASE] == phase)
            & (b["family"] == "module_limit")
        ]
        per_year = (
            dict(zip(o["option"], o["max_per_year"]))
            if o is not None and "max_per_year" in o
            else {}
        )
        total = (
            dict(zip(o["option"], o["max_modules"])) if o is not None and "max_modules" in o else {}
        )
        for opt, y in zip(r["option"], r[nc.YEAR]):
            k = kind_plural(kind.get(opt, "option"))
            if y == year:
                n = per_year.get(opt)
                parts.append(
                    f"no more than one {str(kind.get(opt, opt)).replace('_', ' ')} a "
                    "year is allowed"
                    if n == 1
                    else f"no more than {int(n)} {k} a year are allowed"
                    if n
                    else f"{k} are at the most allowed a year"
                )
            elif pd.isna(y) and earliest.get(opt, year) <= year:
                # a limit on all modules counts only if the option could have opened by then
                n = total.get(opt)
                what = kind.get(opt, "option")
                parts.append(
                    f"the one {str(what).replace('_', ' ')} allowed is used"
                    if n == 1
                    else f"all {kind_count(what, int(n))} allowed are used"
                    if n
                    else f"all {kind_plural(what)} allowed are used"
                )
        if ((b["family"] == "budget") & ((b[nc.YEAR] == year) | b[nc.YEAR].isna())).any():
            parts.append("the capital budget is spent")
    p = data.plan
    if p is not None and len(p) and "fill_years" in p:
        mine = p[
            (p[nc.AREA].astype(str) == str(area))
            & (p[nc.PHASE] == phase)
            & (p["fill_years"] > year - p[nc.YEAR] + 1)
            & (p[nc.YEAR] <= year)
        ]
        for r in mine.itertuples():
            k = int(year - r.year + 1)
            parts.append(
                f"the {str(r.kind).replace('_', ' ')} opened in {fmt_year(r.year)} is "
                f"still filling ({k} of its {int(r.fill_years)} year groups)"
            )
    return parts


def _year_runs(years) -> str:
    """``"in 2027/28"``, ``"from 2027/28 to 2032/33"`` or ``"in 2027/28 and from 2029/30 to
    2030/31"``: years in runs of consecutive years."""
    ys = sorted({int(y) for y in years})
    runs: list[list[int]] = []
    for y in ys:
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return _join(
        [
            f"in {fmt_year(r[0])}" if len(r) == 1 else f"from {fmt_year(r[0])} to {fmt_year(r[-1])}"
            for r in runs
        ]
    )


def left_short_why(data: ReportData, d: dict) -> str:
    """Why the recommended plan leaves ``d`` (one phase of
    :func:`~sufficiency.report.analysis.mainstream_left_short`) short: each reason once, with
    the years it applies to (and the areas, where not every area short then), lead times
    first; "" when no reason is found.

    A Coventry trial read "no more than 2 bulge classes a year are allowed" four times in one
    sentence: once for the worst year and again for each group of areas short later. Each
    short area and year is asked :func:`why_short`; a reason whose counts differ between areas
    (2 bulge classes here, 3 there) is given without them."""
    cells = cells_before_after(data, d["phase"])
    if cells is None:
        return ""
    short = cells[is_left_short(data, cells)].sort_values(nc.YEAR, kind="stable")
    lead = d.get("lead")
    codes = {str(c) for c in d["codes"]}
    reasons: dict[str, dict] = {}

    def add(key: str, phrase: str, area: str, year: int) -> None:
        r = reasons.setdefault(key, {"phrases": [], "areas": set(), "years": set()})
        if phrase not in r["phrases"]:
            r["phrases"].append(phrase)
        r["areas"].add(area)
        r["years"].add(year)

    first = ""
    if lead is not None:
        it = "them" if len(codes) > 1 else "it"
        first = f"no permanent places can open in {it} before {fmt_year(lead)}"
        for a in codes:
            add(first, first, a, int(d["year"]))
    for area, year in zip(short[nc.AREA].astype(str), short[nc.YEAR].astype(int)):
        for p in why_short(data, area, d["phase"], year):
            if first and year < lead and area in codes and "can open" in p:
                add(first, first, area, year)  # the lead time says it
            else:
                add(_general_why(p), p, area, year)
    out: dict[str, list[str]] = {}
    for key, r in reasons.items():
        if len(r["phrases"]) == 1:
            text = r["phrases"][0]
        elif _WHY_GENERAL[0][0].match(r["phrases"][0]):
            # each area at its own yearly limit of temporary places (2 bulge classes here, 3
            # there)
            text = (
                "each uses all the temporary places the model allows it a year, an "
                "assumed limit given on its page"
            )
        else:
            text = key
        years = sorted(r["years"])
        there = short[short[nc.YEAR].isin(years)][nc.AREA].astype(str)
        names = (
            [data.area_name(a) for a in dict.fromkeys(there) if a in r["areas"]]
            if not set(there) <= r["areas"]
            else []
        )
        where = (
            f"in {_join(names)}"
            if 0 < len(names) <= LATER_WHY_GROUPS
            else f"in {len(names)} of the areas"
            if names
            else ""
        )
        # the lead time says its own years, and a reason of the only year short needs none
        when = (
            ""
            if key == first or set(years) == set(short[nc.YEAR]) and len(years) == 1
            else _year_runs(years)
        )
        # the years first, not in brackets: the recommendation brackets this whole text (a
        # Birmingham trial read "... Binding constraints)), and asks ...")
        out.setdefault(" ".join(w for w in (when, where) if w), []).append(text)
    # reasons of the same years and areas together ("from 2030/31 to 2032/33, the one new
    # school allowed is used and the new school opened in 2030/31 is still filling")
    return "; ".join(
        f"{lead_in}, {_join(texts)}" if lead_in else _join(texts) for lead_in, texts in out.items()
    )


#: more areas than this that a reason applies to are counted, not named
LATER_WHY_GROUPS = 3

#: :func:`why_short` phrases with their counts, and the same without them
_WHY_GENERAL = (
    (
        re.compile(r"^no more than (?:one|\d+) (.+?) a year (?:is|are) allowed$"),
        lambda m: f"{kind_plural_words(m.group(1))} are at the most allowed a year",
    ),
    (
        re.compile(r"^all \d+ (.+?) allowed are used$"),
        lambda m: f"all {m.group(1)} allowed are used",
    ),
    (
        re.compile(r"^(the .+? opened in \S+ is still filling) \(\d+ of its \d+ year groups\)$"),
        lambda m: m.group(1),
    ),
)


def kind_plural_words(kind: str) -> str:
    """``"bulge class"`` or ``"bulge classes"`` -> ``"bulge classes"``."""
    k = str(kind)
    return (
        k if k.endswith(("es", "s")) and not k.endswith("ss") else kind_plural(k.replace(" ", "_"))
    )


def _general_why(phrase: str) -> str:
    """A :func:`why_short` phrase without its counts ("no more than 3 bulge classes a year are
    allowed" -> "bulge classes are at the most allowed a year"; "all 7 permanent expansion
    modules allowed are used" -> "all permanent expansion modules allowed are used")."""
    for pattern, say in _WHY_GENERAL:
        m = pattern.match(phrase)
        if m:
            return say(m)
    return phrase


def _left_short_sentence(d: dict, plan: str = "the recommended plan") -> str:
    """``"With the recommended plan, 550 secondary (Y7-Y13) places are still short in 2026/27
    in 6 planning areas (Hagley 195, ...): ..."``"""
    years = [y for y, _ in d["years"]]
    when = (
        fmt_year(d["year"])
        if len(years) == 1
        else f"{fmt_year(d['year'])} (short in {len(years)} years, {fmt_year(years[0])} to "
        f"{fmt_year(years[-1])})"
    )
    n = len(d["areas"])
    areas = _join([f"{name} {fmt_count(v)}" for name, v in d["areas"]])
    if sum(round(v) for _, v in d["areas"]) != round(d["total"]):
        areas += "; each figure rounded on its own"
    # one area: named, not "in 1 planning area (Stoke-on-Trent 807)" after "807 ... places"
    where = (
        f"in one planning area, {d['areas'][0][0]}"
        if n == 1
        else f"in {n} planning areas ({areas})"
    )
    text = (
        f"With {plan}, {fmt_count(d['total'])} {PHASE_LABELS[d['phase']]} "
        f"places are still short in {when}, {where}"
    )
    return text + (f": {d['why']}." if d["why"] else ".")


def _catalogue_places(data: ReportData, phase: str) -> tuple[float, list[str]] | None:
    """Most permanent places the plan's options for ``phase`` can add, and what they are."""
    o = data.options
    if o is None or o.empty or nc.PHASE not in o or not (o[nc.PHASE] == phase).any():
        return None
    o = o[o[nc.PHASE] == phase]
    if "duration" in o:
        o = o[o["duration"].fillna(0) == 0]
    kind = o["kind"] if "kind" in o else o["option"]
    total = float((o["places"] * o["max_modules"]).sum())
    items = [
        f"{int(m)} x {fmt_count(p)} places ({str(k).replace('_', ' ')})"
        for k, p, m in zip(kind, o["places"], o["max_modules"])
    ]
    return total, items


def _a(noun: str) -> str:
    """``noun`` with its indefinite article: "a bulge class", "an early years setting"."""
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _grouped(items: list[tuple[str, int, str]]) -> list[str]:
    """``(kind, modules, opening)`` of the plan's rows (one per area, option and year) in
    words, identical ones once with the number of areas, in order of first appearance:
    ``"2 early years setting modules, 52 places from 2027/28, in each of 8 areas"``
    (Shropshire re-test: modules had been counted as settings)."""
    counts = Counter(items)
    out = []
    for kind, m, opening in dict.fromkeys(items):
        n = counts[(kind, m, opening)]
        what = _built(kind, m)
        out.append(f"{what}, {opening}" + (f", in each of {n} areas" if n > 1 else ""))
    return out


def _plan_paragraph(data: ReportData, phase: str, what: str) -> str:
    """What the recommended plan does for ``phase`` and what it leaves short, and why."""
    if data.missing.get("plan"):
        return f"No plan is available in this run ({data.missing['plan']})."
    res = residual_shortfall(data, phase)
    if res is None:
        why = data.missing.get("plan_send")
        return "The plan in this report covers mainstream places only" + (
            f" ({why})." if why else "."
        )
    plan = data.plan
    mine = plan[plan[nc.PHASE] == phase] if plan is not None and len(plan) else None
    text = ""
    if mine is not None and len(mine):
        kinds = (mine["kind"] if "kind" in mine else mine["option"]).astype(str)
        modules = (
            mine["modules"].fillna(1).astype(int)
            if "modules" in mine
            else pd.Series(1, index=mine.index)
        )
        items = _grouped(
            [
                (k, int(m), fmt_opening(p, y, f))
                for k, m, p, y, f in zip(
                    kinds, modules, mine["places"], mine[nc.YEAR], _fills(mine)
                )
            ]
        )
        text = (
            f"{_cap(the_programme(data))} adds {fmt_count(mine['places'].sum())} {what} "
            f"({'; '.join(items)}) at {fmt_gbp_m(mine['cost'].sum())}. "
        )
    else:
        text = f"{_cap(the_programme(data))} adds no {what}. "
    last = res.iloc[-1]
    if last["shortfall_after"] < 0.5:
        cells = cells_before_after(data, phase)
        whole = cells is not None and set(cells[nc.AREA].astype(str)) == {
            data.meta.get("authority")
        }
        who = "the authority is not" if whole else "no planning area is"
        # "adds no early years places. With it, no planning area is short" (a Stoke-on-Trent
        # trial): without places added, the area is not short without it either
        return text + (
            ("With it, " if mine is not None and len(mine) else "")
            + f"{who if mine is not None and len(mine) else _cap(who)} short of "
            f"{what} with the {fmt_pct(data.meta['margin'])} margin by "
            f"{fmt_year(last[nc.YEAR])}."
        )
    text += (
        f"{'It still leaves' if mine is not None and len(mine) else 'That leaves'} "
        f"{fmt_count(last['shortfall_after'])} {what} short in {fmt_year(last[nc.YEAR])} "
        f"(including the {fmt_pct(data.meta['margin'])} margin"
        + (
            f"; {fmt_count(last['shortfall_before'])} before the plan"
            if mine is not None and len(mine)
            else ""
        )
        + "): "
    )
    cat = _catalogue_places(data, phase)
    added = float(mine["places"].sum()) if mine is not None and len(mine) else 0.0
    if cat is None:
        text += (
            "the model definition lists no options for these places, so the optimiser "
            "had nothing to build. Options must be identified and costed (and added to "
            f"the model definition's {what.replace(' places', '')} options) before a plan "
            "can close this gap."
        )
    elif added >= cat[0] - 0.5:
        text += (
            f"every option in the model's catalogue is used ({_join(cat[1])}: at most "
            f"{fmt_count(cat[0])} places). Further options must be identified and costed "
            f"(and added to the model definition's {what.replace(' places', '')} options) "
            "to close the gap."
        )
    else:
        text += (
            "the options' lead times, sizes or the budget allow no more in time (see the "
            "appendix, sheet Binding constraints)."
        )
    return text


def send_commentary(data: ReportData) -> list[str]:
    """Paragraphs of the SEND chapter: placements now, the central forecast against capacity,
    the other scenarios, and what the plan does (every figure from ``data.send``)."""
    t = send_totals(data)
    if t is None:
        return []
    s = data.send
    central, c, kinds, y0, last, tot = t
    mid = min(y0 + 5, last)
    ph = c[c[nc.YEAR] == y0].groupby(nc.PHASE)["places"].sum()
    parts = [
        f"{fmt_count(ph[p])} {SEND_PHASE_LABELS.get(p, p)}"
        for p in SEND_PHASE_LABELS
        if p in ph.index
    ]
    src = "DfE SEN2" if kinds[y0] == "actual" else "derived from DfE SEN2"
    paras = [
        f"In {fmt_year(y0)} ({src}, the latest count), {fmt_count(tot.loc[y0, 'places'])} "
        f"children and young people with education, health and care plans were placed in "
        f"special schools: {_join(parts)}."
    ]
    t_mid, t_last = tot.loc[mid], tot.loc[last]
    p2 = (
        f"On the '{central}' scenario ({SCENARIO_TEXT.get(central, central)}) this is "
        f"forecast to reach {fmt_count(t_mid['places'])} in {fmt_year(mid)} and "
        f"{fmt_count(t_last['places'])} in {fmt_year(last)} (80% range "
        f"{fmt_count(t_last['lower'])}-{fmt_count(t_last['upper'])}, adding the age groups' "
        "ranges, each from its own past errors: EHC plan numbers have been volatile, and "
        "backtested on the 14 West Midlands authorities such ranges held about four outcomes "
        "in five one to three years ahead, while ranges from the total's own errors held "
        "about half or fewer)."
    )
    if np.isfinite(t_last["capacity"]):
        p2 += (
            f" Against {fmt_count(t_last['capacity'])} special school places, that is "
            f"{fmt_count(tot.loc[y0, 'shortfall'])} places short in {fmt_year(y0)} and "
            f"{fmt_count(t_last['shortfall'])} in {fmt_year(last)}, counted by age group "
            "(no margin)."
        )
    paras.append(p2)
    others = [n for n in dict.fromkeys(s["scenario"]) if n != central] if central else []
    if others:
        bits = []
        for n in others:
            v = s[(s["scenario"] == n) & (s[nc.YEAR] == last)]["places"].sum()
            bits.append(f"'{n}' ({SCENARIO_TEXT.get(n, n)}): {fmt_count(v)}")
        planned = residual_shortfall(data, "special") is not None
        uses = f" The plan uses the '{central}' scenario." if planned else ""
        paras.append(f"The other scenarios give, for {fmt_year(last)}: {_join(bits)}.{uses}")
    paras.append(_plan_paragraph(data, "special", "special school places"))
    return paras


def early_years_commentary(data: ReportData) -> list[str]:
    """Paragraphs of the early years chapter: funded places needed now and later by age group,
    against supply, and what the plan does (every figure from ``data.early_years``)."""
    t = early_years_totals(data)
    if t is None:
        return []
    e, y0, last, g, tot = t
    ages = [a for a in AGE_LABELS if a in set(e["age"])] + sorted(set(e["age"]) - set(AGE_LABELS))
    now = g.xs(y0, level=0)["places"]
    then = g.xs(last, level=0)["places"]
    growth = sorted(((then.get(a, 0.0) - now.get(a, 0.0), a) for a in ages), reverse=True)

    def _moves(sign: int) -> list[str]:
        return [
            f"{AGE_LABELS.get(a, a)} (from {fmt_count(now.get(a, 0.0))} to "
            f"{fmt_count(then.get(a, 0.0))})"
            for d, a in (growth if sign > 0 else growth[::-1])
            if sign * d >= 0.5
        ]

    rising, falling = _moves(1), _moves(-1)
    # a fall in the total is told as a fall: a Warwickshire trial's report read "needs 6,742
    # places in 2022/23 and 6,656 in 2032/33; the growth is in 2-year-olds (from 508 to 510)"
    if tot.loc[last, "places"] - tot.loc[y0, "places"] <= -0.5 and falling:
        change = (
            f"; the fall is in {_join(falling)}"
            + (f", while {_join(rising)} rise" if rising else "")
            + "."
        )
    elif rising:
        change = f"; the growth is in {_join(rising)}" + (
            ", as the entitlements for working parents (listed below) were phased in."
            if not _only_default_entitlements(data)
            else "."
        )
    else:
        change = "."
    paras = [
        f"Funded early education needs {fmt_count(tot.loc[y0, 'places'])} full-time-equivalent "
        f"places in {fmt_year(y0)} and {fmt_count(tot.loc[last, 'places'])} in {fmt_year(last)} "
        f"(80% range {fmt_count(tot.loc[last, 'lower'])}-{fmt_count(tot.loc[last, 'upper'])})"
        + change
    ]
    if np.isfinite(tot.loc[last, "supply"]):
        by_age = [
            f"{AGE_LABELS.get(a, a)}: {fmt_count(g.loc[(last, a), 'shortfall'])}"
            for a in ages
            if g.loc[(last, a), "shortfall"] >= 0.5
        ]
        paras.append(
            f"Against a supply of {fmt_count(tot.loc[last, 'supply'])} places (an assumption: see "
            f"below), "
            + (
                f"{fmt_count(tot.loc[last, 'shortfall'])} places are short"
                if tot.loc[last, "shortfall"] >= 0.5
                else "no places are short"
            )
            + f" in {fmt_year(last)}, counted by planning area and age group (no margin)"
            + (f": {_join(by_age)}." if by_age else ".")
        )
    plan_text = _plan_paragraph(data, "early_years", "early years places")
    res = residual_shortfall(data, "early_years")
    # (not where nothing is short either way: a Stoke-on-Trent trial)
    if res is not None and (
        (res[["shortfall_before", "shortfall_after"]].to_numpy() >= 0.5).any()
        or ("shortfall" in tot and bool((tot["shortfall"] >= 0.5).any()))
    ):
        plan_text += (
            " The plan counts the early years places of all age groups together in "
            "each planning area (a place can be re-registered for a younger child, with "
            "more staff), so its shortfall can be smaller than the sum by age group."
        )
    paras.append(plan_text)
    return paras


def _send_and_early_years_recommendations(data: ReportData) -> list[str]:
    """The SEND and early years recommendations, with their figures and, where the plan leaves
    places short, what officers are asked to do."""
    recs = []
    for d in data.place_positions:
        verb = (
            "rise"
            if d["places_last"] > d["places_first"] + 0.5
            else "fall"
            if d["places_last"] < d["places_first"] - 0.5
            else None
        )
        rise = (
            f"{verb} from {fmt_count(d['places_first'])} in {fmt_year(d['first'])} to "
            f"{fmt_count(d['places_last'])} in {fmt_year(d['last'])}"
            if verb
            else f"stay at {fmt_count(d['places_first'])} from {fmt_year(d['first'])} to "
            f"{fmt_year(d['last'])}"
        )
        # a rise that peaks well before the last year, and stays near it, says when
        py, pv = d.get("peak", (None, np.nan))
        if (
            verb == "rise"
            and py is not None
            and py < d["last"] - 1
            and fmt_count(pv) != fmt_count(d["places_last"])
        ):
            rise = (
                f"rise from {fmt_count(d['places_first'])} in {fmt_year(d['first'])} to "
                f"{fmt_count(pv)} by {fmt_year(py)} and are {fmt_count(d['places_last'])} "
                f"in {fmt_year(d['last'])}"
            )
        has_cap = np.isfinite(d["capacity"])
        short = d["left"] is not None and d["left"][0] >= 0.5
        margin = fmt_pct(data.meta["margin"])
        before = d["plan"]["before"] if d["plan"] is not None else np.nan
        if d["key"] == "send":
            rec = (
                f"notes the forecast that special school places needed {rise} "
                f"('{d['scenario']}' scenario)"
            )
            if has_cap:
                rec += (
                    f" against {fmt_count(d['capacity'])} places in state-funded special "
                    "schools ("
                    + (
                        "an assumption: today's placements there, as there is "
                        "no public capacity figure; "
                        if _send_capacity_assumed(data)
                        else ""
                    )
                    + "children placed in independent special schools count as "
                    "needing a place"
                    # with capacity assumed to be today's state placements, today's gap is
                    # exactly the children now in independent schools (a Cabinet audit)
                    + (
                        f", so the {fmt_count(d['places_first'] - d['capacity'])} places "
                        f"short in {fmt_year(d['first'])} are the children placed in "
                        "independent special schools then"
                        if _send_capacity_assumed(data) and d["places_first"] - d["capacity"] >= 0.5
                        else ""
                    )
                    + ")"
                )
            if short:
                rec += (
                    f", and that in {fmt_year(d['left'][1])}, the plan's last year"
                    + (
                        f", when {fmt_count(d['places_plan'])} places are needed"
                        if d["left"][1] != d["last"] and np.isfinite(d["places_plan"])
                        else ""
                    )
                    + f", {fmt_count(before)} places are short with the {margin} margin before "
                    f"{the_programme(data)} and {fmt_count(d['left'][0])} after it"
                    f"{_worst_clause(d)}"
                    + _before_plan_clause(d, "phase", "places already committed")
                    + "; asks officers to identify and cost further special school provision"
                )
        else:
            rec = f"notes that funded early years places needed {rise} (full-time equivalent)"
            if has_cap:
                jan = data.early_years_takeup_january
                rec += f" against a supply of {fmt_count(d['capacity'])} places" + (
                    ""
                    if jan is None
                    else f" (an assumption: the funded take-up of January {jan}"
                    + (", which predates the 2024-2025 entitlements" if jan < 2024 else "")
                    + _assumed_takeup_clause(data)
                    + ")"
                )
            if any(str(n).startswith(DEFAULT_ENTITLEMENTS_NOTE) for n in data.early_years_notes):
                rec += (
                    "; only the default entitlements are modelled (not the working-parent "
                    "ones), so this understates the places needed"
                )
            if short:
                rec += (
                    f"; asks officers to confirm providers' registered places and to bring "
                    f"forward options for the {fmt_count(d['left'][0])} places short in "
                    f"{fmt_year(d['left'][1])}{_worst_clause(d)}"
                )
                if d["plan"]["added"] < 0.5:
                    rec += (
                        f" (all age groups together, with the {margin} margin; the plan adds none)"
                    )
                rec += _by_age_clause(d)
                by_area = (
                    data.early_years is not None
                    and nc.AREA in data.early_years
                    and data.early_years[nc.AREA].nunique() > 1
                )
                rec += _before_plan_clause(
                    d,
                    "planning area and age group" if by_area else "age group",
                    "places already committed or providers' own growth",
                )
        recs.append(rec + ";")
    return recs


#: a name that says what kind of schools its area has ("Leek middle schools", "Stone high
#: school", "Codsall first and middle schools")
_SCHOOL_KIND = re.compile(
    r"\b(?:first|middle|high|upper|lower|infant|junior|secondary|primary|"
    r"special|nursery)\s+(?:(?:and|&)\s+\w+\s+)?(?:schools?|academ(?:y|ies))\b",
    flags=re.IGNORECASE,
)


def _says_phase(name: str, phase: str) -> bool:
    """Whether an area's name already says its phase ("North West secondary (Coundon, ...)")."""
    return bool(re.search(rf"\b{re.escape(str(phase))}\b", str(name), flags=re.IGNORECASE))


def area_phase(name: str, phase: str) -> str:
    """``"Worcester City secondary"``: an area's name with its phase, unless the name
    already says it (a Coventry trial: "North West secondary (Coundon, ...) secondary") or
    says the kind of schools it has (a Staffordshire trial: "Leek middle schools secondary")."""
    if _says_phase(name, phase) or _SCHOOL_KIND.search(str(name)):
        return str(name)
    return f"{name} {phase}"


def area_label(name: str, phase: str) -> str:
    """``"Worcester City (secondary)"``: an area's name with its phase in brackets, as the
    report's contents list it, unless the name already says the phase (``sufficiency new``
    names areas "Planning area 8601001 (primary)": "(primary) (primary)" in a Staffordshire
    trial's contents)."""
    return str(name) if _says_phase(name, phase) else f"{name} ({phase})"


def area_heading(name: str, phase: str, code: str) -> str:
    """``"Worcester City (secondary planning area 8851001)"``: an area page's heading, saying
    the phase and code only where the name does not (``sufficiency new`` names areas
    "Planning area 8601001 (primary)", which a Staffordshire trial's pages headed "Planning area
    8601001 (primary) (primary planning area 8601001)")."""
    says_code = bool(re.search(rf"\b{re.escape(str(code))}\b", str(name)))
    if _says_phase(name, phase):
        return str(name) if says_code else f"{name} (planning area {code})"
    return (
        f"{name} ({phase} planning area)" if says_code else f"{name} ({phase} planning area {code})"
    )


def _first_sentence(text: str) -> str:
    """``text`` up to the end of its first sentence (a full stop before a space and a capital
    letter), else the whole."""
    m = re.search(r"\.\s+(?=[A-Z])", text)
    return text[: m.start() + 1] if m else text


def warnings_listed(data: ReportData) -> list[str]:
    """The run's warnings as the Method section lists them: one the report already states in
    full in a chapter's notes is given by its first sentence and where it is said, not again
    word for word (a Coventry trial: the early years entitlements warning in full in the
    warnings list, in section 6 and in a recommendation)."""

    def shown(frame) -> bool:
        return frame is not None and len(frame) > 0

    said = {}
    for notes, where in (
        (data.notes, "section 3, Method"),
        (data.forecast_notes, "section 3, Forecast notes"),
        (data.send_notes if shown(data.send) else (), "section 5, SEND: Assumptions and sources"),
        (
            data.early_years_notes if shown(data.early_years) else (),
            "section 6, Early years: Assumptions and sources",
        ),
    ):
        for n in notes:
            said.setdefault(str(n).strip(), where)
    out = []
    for w in data.warnings:
        where = said.get(str(w).strip())
        out.append(
            f"{_first_sentence(str(w)).rstrip('.')} (in full in {where})." if where else str(w)
        )
    return out


def no_key_decision(data: ReportData) -> str:
    """Section 7 when the model names no key decision: where the options of the areas the
    plan builds in are appraised instead (a Stoke-on-Trent trial: "(its report settings: see
    Assumptions)" pointed to a table that has no report settings, and the £12.5m expansion
    went unappraised in the chapter)."""
    out = (
        "No key decision is named in the model definition, so no single decision is appraised here."
    )
    plan = data.plan
    if plan is not None and len(plan) and nc.PHASE in plan:
        main = plan[plan[nc.PHASE].isin(["primary", "secondary"])]
        pairs = list(dict.fromkeys(zip(main[nc.AREA].astype(str), main[nc.PHASE])))
        if pairs:
            names = [area_phase(data.area_name(a), ph) for a, ph in pairs]
            n = len(pairs)
            out += (
                f" The options considered for the planning area{'s' if n > 1 else ''} where "
                f"the plan builds ({_join(names)}) are on {'their pages' if n > 1 else 'its page'} "
                "in section 4, with the projects chosen; the capital programme is in section 8."
            )
    return out + (
        " The optimiser's whole catalogue of options is in the appendix, sheet Options."
        if data.options is not None and len(data.options)
        else ""
    )


def key_decision_heading(data: ReportData) -> str:
    """The key decision's area as section 7 opens on it, its phase and code said once (a
    Coventry trial: "Planning area 3310045 (secondary) (secondary, planning area 3310045)");
    "" without a key decision."""
    k = data.key_decision
    if k is None:
        return ""
    return area_heading(k.get("area_name") or str(k["area"]), k["phase"], str(k["area"]))


def _behind_areas_fact(data: ReportData) -> str:
    """ "in 2 planning areas the 2022/23 pupils already exceed the places on record (Walsall
    East secondary, 7,102 pupils against 6,326 places; ...), so the capacity on record is out
    of date there and their shortfalls are overstated" from
    :attr:`ReportData.capacity_behind_areas`; "" when there are none."""
    b = data.capacity_behind_areas
    if not b:
        return ""
    shown = "; ".join(
        f"{area_phase(d['name'], d['phase'])}, {fmt_count(d['pupils'])} pupils against "
        f"{fmt_count(d['places'])} places"
        for d in b[:3]
    )
    more = f"; and {len(b) - 3} more" if len(b) > 3 else ""
    # the cause, area by area: derived pupils grow every area at the authority's rate from
    # its share of the 2015 rolls, so an area full then is pushed over by the method itself
    # (a review); observed pupils over their places say the capacity on record is too low
    derived = any(data.history_derived(d["area"]) for d in b)
    why = (
        "either places were added since the capacity data or the derivation overstates "
        f"{'their' if len(b) > 1 else 'its'} pupils (each area's pupils grow at the "
        f"authority's rate from its share of {_rolls(data)}, so an area full then is pushed "
        "over)"
        if derived
        else "the capacity on record looks out of date there"
    )
    return (
        f"in {plural(len(b), 'planning area')} the {fmt_year(b[0]['year'])} pupils already "
        f"exceed the places on record by more than {fmt_pct(AREA_BEHIND_TOLERANCE)} "
        f"({shown}{more}): {why}, and {'their' if len(b) > 1 else 'its'} shortfalls may "
        "be overstated"
    )


def _rolls(data: ReportData) -> str:
    """ "the 2015 school rolls", or the Council's capacity file's rolls the history is
    apportioned by (:func:`~sufficiency.report.build.rolls_phrase`)."""
    rolls = str((data.meta or {}).get("rolls", "2015 school rolls"))
    return rolls if rolls.startswith("the ") else f"the {rolls}"


def _behind_areas_condition(data: ReportData) -> str:
    """The capital programme's condition for :func:`_behind_areas_fact`'s areas: their
    projects wait for current capacity (with their cost when the plan builds there)."""
    fact = _behind_areas_fact(data)
    if not fact:
        return ""
    return "; " + fact + ": officers should confirm current capacity" + _behind_areas_check(data)


def _behind_areas_cost(data: ReportData) -> float:
    """The cost of the programme's projects in :attr:`ReportData.capacity_behind_areas`."""
    return float(sum(d["cost"] for d in data.capacity_behind_areas or []))


def _behind_areas_check(data: ReportData) -> str:
    """What is to be confirmed in :func:`_behind_areas_fact`'s areas after "current
    capacity": " and pupils on roll" where their history is derived, " there first", and the
    cost of the programme's projects there when it builds there."""
    cost = _behind_areas_cost(data)
    derived = any(data.history_derived(d["area"]) for d in data.capacity_behind_areas)
    return (
        (" and pupils on roll" if derived else "")
        + " there first"
        + (f" ({fmt_gbp_m(cost)} of the programme's projects are there)" if cost > 0 else "")
    )


def _behind_areas_pointer(data: ReportData) -> str:
    """The approval's condition for :func:`_behind_areas_fact`'s areas, in short ("; the
    £9.8m of projects in the planning areas of the next recommendation wait for that check
    there"), the detail in :func:`_behind_areas_recommendation`; "" when there are none or
    the plan builds nothing there."""
    if not _behind_areas_fact(data):
        return ""
    cost = _behind_areas_cost(data)
    if cost <= 0:
        return ""
    n = len(data.capacity_behind_areas)
    return (
        f"; the {fmt_gbp_m(cost)} of projects in the {plural(n, 'planning area')} of the "
        "next recommendation wait for that check there"
    )


def _behind_areas_recommendation(data: ReportData) -> str:
    """The recommendation on :func:`_behind_areas_fact`'s areas, after the approval of the
    programme: their capacity and pupils on roll are to be confirmed first ("" when there
    are none)."""
    fact = _behind_areas_fact(data)
    if not fact:
        return ""
    return (
        "notes that " + fact + "; asks officers to confirm current capacity"
        f"{_behind_areas_check(data)};"
    )


def _council_spare_fact(d: dict, cap_year: int | None = None, who: str = "this report") -> str:
    """One :func:`~sufficiency.report.analysis.council_spare_where_short` entry in words: "in
    2024/25 this report forecasts 15,706 secondary (Y7-Y13) pupils against the 15,149 places
    of the capacity data (the DfE's 2014/15 figure), while the Council's own return for that
    year (DfE school places scorecard) counts 16,924 secondary places, 9.2% of them
    unfilled"."""
    kind = "forecasts" if d.get("forecast", True) else "counts"
    return (
        f"in {fmt_year(d['year'])} {who} {kind} {fmt_count(d['pupils'])} "
        f"{PHASE_LABELS[d['phase']]} pupils against the {fmt_count(d['places'])} places of "
        "the capacity data"
        + (f" (the DfE's {fmt_year(cap_year)} figure)" if cap_year else "")
        + ", while the Council's own return for that year (DfE school places scorecard) "
        + (
            f"counts {fmt_count(d['council_places'])} {d['phase']} places, "
            f"{fmt_pct(d['council_unfilled'])} of them unfilled"
            if np.isfinite(d["council_places"])
            else f"reports {fmt_pct(d['council_unfilled'])} of its {d['phase']} places unfilled"
        )
    )


def _behind_fact(b: dict) -> str:
    """One :func:`~sufficiency.report.analysis.capacity_behind` entry in words: "in 2022/23
    the authority's 84,276 secondary (Y7-Y13) pupils already exceeded the 79,083 places of
    the capacity data"."""
    return (
        f"in {fmt_year(b['year'])} the authority's {fmt_count(b['pupils'])} "
        f"{PHASE_LABELS[b['phase']]} pupils already exceeded the {fmt_count(b['places'])} "
        "places of the capacity data"
    )


def _only_default_entitlements(data: ReportData) -> bool:
    """Whether the early years forecast models only the two default entitlements (its notes
    say so), not the working-parent ones."""
    return any(str(n).startswith(DEFAULT_ENTITLEMENTS_NOTE) for n in data.early_years_notes)


def _assumed_takeup_clause(data: ReportData) -> str:
    """ ", of which 1,530 places at the take-up the model assumes for extended_3_4" when part
    of an assumed early years supply rests on the model's own take-up, else ""."""
    got = data.early_years_supply_assumed
    if not got:
        return ""
    places, names = got
    return (
        f"; {fmt_count(places)} of them at the take-up the model assumes for "
        f"{_join([_without_identifier(n) for n in names])}, not a DfE figure"
    )


def _without_identifier(text: str) -> str:
    """A description without the model's identifier in brackets at its end ("the second 15
    hours ... (extended_3_4)" -> "the second 15 hours ..."), for the recommendations: a
    councillor does not know the model file's names (a Cabinet review): :func:`plain_note`,
    except that a description that is only its identifier keeps it."""
    out = plain_note(text)
    return out or str(text)


#: a parenthesis that only names the model file's own words, in a result's note: a setting
#: and its value ("(births_method 'holt_fixed')"), a section ("([data.housing])") or an
#: entitlement's name ("(extended_3_4)")
_NOTE_KEYS = re.compile(
    r"\s*\((?:[a-z0-9]+(?:_[a-z0-9]+)+ '[^'()]*'|\[\[?[a-z0-9_.]+\]\]?"
    r"|[a-z0-9]+(?:_[a-z0-9]+)+)\)"
)


def plain_note(note: str) -> str:
    """A result's note as the report prints it: without the parentheses that only name the
    model file's words. The results' notes are shared with the command line and the
    library, whose users write the model file and keep them as they are (as does the
    appendix, for tracing); a councillor reads the sentence without them. The words
    before each parenthesis already say it ("Holt's damped trend at fixed parameters
    (births_method 'holt_fixed')", "the second 15 hours ... for 3- and 4-year-olds
    (extended_3_4)"); the settings themselves are in the appendix, sheet Assumptions."""
    out = _NOTE_KEYS.sub("", str(note))
    out = _OTHER_MODEL.sub("", out)
    out = _AS_SECTION.sub("in the model definition", out)
    return _KIND.sub("", out)


#: another authority's model file offered as an example in a note ("(models/worcestershire.toml
#: has them, with their sources)"): a Stoke-on-Trent trial's Cabinet report sent its reader to
#: Worcestershire's model
_OTHER_MODEL = re.compile(r"\s*\(models/[\w.-]+\.toml[^()]*\)")
#: "given as [[early_years.entitlements]]": the model file's section, said in words
_AS_SECTION = re.compile(r"\bas \[\[?[a-z0-9_]+(?:\.[a-z0-9_]+)*\]\]?")
#: a derived table's own label in brackets ("(kind 'projected')")
_KIND = re.compile(r"\s*\(kind '[^'()]*'\)")


#: the parts of a run, in words, for the report's list of what is not available
PART_LABELS = {
    "forecast": "The pupil forecast",
    "sufficiency": "Places against demand",
    "send": "Special school places (SEND)",
    "early_years": "Early years places",
    "plan": "The plan",
    "plan_send": "The plan for special school and early years places",
    "published": "The Council's published figures",
    "scorecards": "The DfE scorecards",
    "backtest": "This engine's backtest",
}


def part_label(key: str) -> str:
    """A part of the run in words (``early_years`` -> "Early years places")."""
    k = str(key)
    return PART_LABELS.get(k, k[:1].upper() + k[1:].replace("_", " "))


def _early_years_supply_assumed(data: ReportData) -> bool:
    """Whether the early years supply is the engine's assumption (a past funded take-up)."""
    return data.early_years_takeup_january is not None


def _assumed_parts(data: ReportData, plan: pd.DataFrame) -> str:
    """The part of a capital programme that rests on an assumed special school capacity or
    early years supply rather than on counted places, as a clause of the approval
    recommendation ("" when none does)."""
    if nc.PHASE not in plan:
        return ""
    parts = []
    for phase, assumed, what in (
        (
            "special",
            _send_capacity_assumed(data),
            "special school places (capacity assumed to be today's placements)",
        ),
        (
            "early_years",
            _early_years_supply_assumed(data),
            "early years places (supply assumed to be a past year's funded take-up)",
        ),
    ):
        cost = float(plan.loc[plan[nc.PHASE] == phase, "cost"].sum())
        if assumed and cost > 0:
            parts.append(f"{fmt_gbp_m(cost)} for {what}")
    if not parts:
        return ""
    one = len(parts) == 1
    return (
        f"; of this, {_join(parts)} {'rests' if one else 'rest'} on assumed figures, not "
        f"counted places: officers to confirm {'it' if one else 'them'} before "
        f"{'that part proceeds' if one else 'those parts proceed'}"
    )


def _worst_clause(d: dict) -> str:
    """ ", up to 336 in 2027/28" when the plan leaves more short in an earlier year of the plan
    than in its last (Shropshire re-test: only the last year's 235 was stated), else ""."""
    w, left = d.get("worst_after"), d.get("left")
    if w is None or left is None or w[1] == left[1] or not w[0] >= left[0] + 0.5:
        return ""
    return f" (up to {fmt_count(w[0])} in {fmt_year(w[1])})"


def _before_plan_clause(d: dict, group: str, who: str) -> str:
    """ "; in 2026/27, before the plan's first year, 3,295 places are short (by age group, no
    margin), which only ... can meet" from :func:`~.analysis.place_positions`'s
    ``before_plan``, else "" (the recommendation had named only the plan's years)."""
    b = d.get("before_plan")
    if not b:
        return ""
    return (
        f"; in {fmt_year(b[1])}, before the plan's first year, {fmt_count(b[0])} places are "
        f"short (by {group}, no margin), which only {who} can meet"
    )


def _send_capacity_assumed(data: ReportData) -> bool:
    """Whether the special school capacity is the engine's assumption (today's placements)."""
    return any(str(n).startswith(ASSUMED_CAPACITY_NOTE) for n in data.send_notes)


def _by_age_clause(d: dict) -> str:
    """For early years, when the shortfall counted by age group (no margin) in the plan's last
    year exceeds the plan's (age groups together, with the margin): the larger figure and
    why they differ, so that a recommendation quoting the smaller does not hide it."""
    by_age, pooled = d.get("shortfall_plan", np.nan), d["plan"]["before"] if d["plan"] else np.nan
    if d["key"] != "early_years" or not np.isfinite(by_age) or not by_age > pooled + 0.5:
        return ""
    return (
        f"; counted by age group, without the margin, {fmt_count(by_age)} places are "
        f"short that year: the plan's figure counts spare places for older children "
        "against younger children's need, which holds only where providers re-register "
        "those places for younger children (with more staff)"
    )


def key_decision_nothing(data: ReportData) -> str:
    """The options appraisal's conclusion when the recommended plan builds nothing in its
    area (Shropshire re-test: a section with options A-D and no conclusion): what doing
    nothing leaves short on the central forecast and at the stress quantile; "" otherwise."""
    k = data.key_decision
    if k is None or k.get("recommended") or k.get("table") is None:
        return ""
    t = k["table"]
    none = t[t["option"] == "do nothing"]
    if none.empty:
        return ""
    c = float(none["max shortfall (central)"].iloc[0])
    st = (
        float(none["max shortfall (stress)"].iloc[0])
        if "max shortfall (stress)" in none
        else np.nan
    )
    q = int(round(100 * float(k.get("quantile", 0.8))))
    central = (
        f"doing nothing leaves up to {fmt_count(c)} places short on the central forecast"
        if c >= 0.5
        else "the area is not short of places on the central forecast"
    )
    stress = (
        ""
        if not np.isfinite(st)
        else f"{', and' if c >= 0.5 else ', but'} up to {fmt_count(st)} places short if demand "
        f"came in at its {q}th percentile"
        if st >= 0.5
        else f", nor at its {q}th percentile"
    )
    return (
        f"{'Proposed' if proposed(data) else 'Recommended'}: no new places now. "
        f"{_cap(the_plan(data))} builds none here: {central}"
        f"{stress}. Review this decision with the next forecast."
    )


def benchmark_sentence(data: ReportData) -> str:
    """The published errors this authority's record is compared with, from the scorecards:
    England's signed error (the DfE's national row) and the median absolute error of the
    authorities in the file, for the latest target year of each phase and horizon."""
    b = getattr(data, "benchmark", None)
    if b is None or b.empty:
        return ""
    parts = []
    for phase, g in b.groupby(nc.PHASE, sort=True):
        bits = [
            f"{int(r.horizon)} year{'s' if r.horizon != 1 else ''} ahead for "
            f"{fmt_year(r.target_year)}: England {fmt_pct(r.england, signed=True)}"
            + (
                f", median absolute error of the {r.peers_n} authorities in the file "
                f"{fmt_pct(r.peers_mae)}"
                if r.peers_n
                else ""
            )
            for r in g.sort_values("horizon").itertuples()
        ]
        parts.append(f"{_cap(phase)}, {'; '.join(bits)}")
    return (
        "For comparison, the published errors (DfE school places scorecards; England is the "
        "sum of all authorities' forecasts against the sum of their pupils): "
        + ". ".join(parts)
        + "."
    )


def previous_sentences(data: ReportData) -> list[str]:
    """``[report] previous_forecast``: how the previous forecast did against the census since
    (phase totals over the areas) and how the forecast has moved, in a sentence or two."""
    c = getattr(data, "previous", None)
    if c is None:
        return []
    from ..compare import TOTAL
    from .tables import DFE_PHASE_LABELS, previous_change_year

    out = []
    acc = c.accuracy(total_only=True)
    acc = acc[acc["pct_error"].notna()]
    if len(acc):
        first = acc[acc[nc.YEAR] == acc[nc.YEAR].min()]
        parts = [
            f"{DFE_PHASE_LABELS.get(r.phase, r.phase)} {fmt_pct(r.pct_error, signed=True, decimals=2)}"
            for r in first.itertuples(index=False)
        ]
        y = int(first[nc.YEAR].iloc[0])
        # the census, or derived history where one forecast's other areas are left out
        word = c.history_word(str(first["actual_kind"].iloc[0]))
        out.append(
            f"The previous forecast ({c.sources[0]}, made from {fmt_year(c.previous_base)}) "
            f"against the {fmt_year(y)} {word}, {plural(int(first['horizon'].iloc[0]), 'year')} "
            f"ahead: {_join(parts)} (positive: over-forecast)."
        )
    else:
        out.append(
            f"The previous forecast ({c.sources[0]}, made from {fmt_year(c.previous_base)}) "
            "has no year with a census in this report's data to be scored on."
        )
    year = previous_change_year(data)
    if year is not None:
        ch = c.changes(year)
        # the sixth form too: the report's secondary places (key figures, plan) serve
        # Y7-Y13, so a secondary (Y7-Y11) change alone can read as the change in their demand
        tot = ch[(ch[nc.AREA] == TOTAL) & ch[nc.PHASE].isin(["primary", "secondary", "sixth_form"])]

        def signed(v: float) -> str:
            return f"{'+' if v >= 0.5 else ''}{fmt_count(v)}"

        parts = [
            f"{DFE_PHASE_LABELS.get(r.phase, r.phase)} by {signed(r.change)} pupils "
            f"({fmt_pct(r.change_pct, signed=True)})"
            for r in tot.itertuples(index=False)
        ]
        if parts:
            text = (
                f"With this report's data, the forecast for {fmt_year(year)} has moved: "
                f"{_join(parts)}"
            )
            upper = tot[tot[nc.PHASE].isin(["secondary", "sixth_form"])]
            if len(upper) == 2:
                text += (
                    f"; secondary schools' pupils (Y7-Y13, as the key figures and the "
                    f"places count them) by {signed(upper['change'].sum())} "
                    f"({fmt_count(upper['previous'].sum())} to "
                    f"{fmt_count(upper['current'].sum())})"
                )
            out.append(text + ".")
    # a known intake ([data.intake]) in this forecast: part of those areas' change is the
    # figures given (admissions offers), not the model on the new census
    fc = getattr(data, "forecast", None)
    if fc is not None and nc.KIND in fc.columns and (fc[nc.KIND] == "supplied").any():
        given = fc[fc[nc.KIND] == "supplied"]
        areas = sorted(set(given[nc.AREA].astype(str)))
        groups = [nc.ncy_words(g) for g in sorted({int(v) for v in given[nc.NCY]})]
        years = sorted({int(v) for v in given[nc.YEAR]})
        when = fmt_year(years[0]) + (" on" if len(years) > 1 else "")
        out.append(
            f"This forecast takes a known intake ([data.intake]) for {_join(groups)} in "
            f"{when} in {plural(len(areas), 'planning area')} "
            f"({first_few([data.area_name(a) for a in areas], 5)}) instead of its own figures "
            "there: part of those areas' change since the previous forecast is that intake, "
            "not the new census."
        )
    if c.only_previous or c.only_current:
        out.append(
            "Planning areas in one forecast only are not compared: "
            + "; ".join(
                f"{what}: {first_few([data.area_name(a) for a in areas], 5)}"
                for what, areas in (
                    ("previous only", c.only_previous),
                    ("this report only", c.only_current),
                )
                if areas
            )
            + "."
        )
    return out


def published_sentences(data: ReportData) -> list[str]:
    """This report's places against the Council's own return to the DfE (its newest school
    places scorecard): places planned and still needed three years ahead, places created since
    2009/10, unfilled places and the basic need allocation. Empty without the scorecard's
    figures."""
    c = data.council_comparison
    if c is None:
        return []
    c = c.set_index("measure")
    cur = published_latest(data)
    latest, edition = int(cur[nc.YEAR].iloc[0]), int(cur["edition"].max())

    def pair(row: str, suffix: str = "") -> tuple[str, str] | None:
        v = c.loc[row, [f"primary{suffix}", f"secondary{suffix}"]].to_numpy(float)
        return (fmt_count(v[0]), fmt_count(v[1])) if np.isfinite(v).all() else None

    planned, still = "places planned to open by then", "places still needed after those planned"
    before = "places needed before any new places"
    ahead = fmt_year(int(c.loc[still, nc.YEAR]))
    out = []
    theirs, left = pair(planned, "_council"), pair(still, "_council")
    if theirs and left:
        text = (
            f"In the DfE's school places scorecard ({edition} edition, "
            f"SCAP year {fmt_year(latest)}), which rests on the Council's own SCAP return, "
            f"the Council had planned {theirs[0]} primary and {theirs[1]} secondary places "
            f"by {ahead}, and the DfE estimated that {left[0]} primary and {left[1]} "
            f"secondary places would still be needed then beyond those"
        )
        ours = pair(before)
        if ours:
            text += (
                f". Before any new places, this report's forecast exceeds its places by "
                f"{ours[0]} primary and {ours[1]} secondary places that year (summed over "
                f"the planning areas short, no margin), against at most "
                f"{pair(before, '_council')[0]} and {pair(before, '_council')[1]} on the "
                f"Council's figures"
            )
            text += _more_need_clause(c, before)
        out.append(text + ".")
    created = [published_value(cur, "places_created", ph) for ph in ("primary", "secondary")]
    unfilled = [published_value(cur, "unfilled_pct", ph) for ph in ("primary", "secondary")]
    if np.isfinite(created).all():
        s_ = (
            f"The Council has created {fmt_count(created[0])} primary and "
            f"{fmt_count(created[1])} secondary places since 2009/10"
        )
        zero = [ph for ph, v in zip(("primary", "secondary"), created) if round(v) == 0]
        if zero:  # a published zero is more often a gap in the return than none built
            s_ = (
                f"The Council's return, as the DfE scorecard publishes it, has "
                f"{fmt_count(created[0])} primary and {fmt_count(created[1])} secondary places "
                f"created since 2009/10 (a zero there for {' and '.join(zero)} places may be "
                "a gap in the published return rather than none built: check the Council's "
                "records)"
            )
        if np.isfinite(unfilled).all():
            s_ += (
                f" and {'' if zero else 'reported '}{fmt_pct(unfilled[0])} of primary and "
                f"{fmt_pct(unfilled[1])} of secondary places unfilled in {fmt_year(latest)}"
            )
        cap_year = old_capacity_year(data)
        if cap_year is not None:
            less = _less_need_phases(c, before)
            s_ += (
                f". Places added after {fmt_year(cap_year)}, the year of this report's "
                "capacity data, are not in this report"
                + (
                    f": the Council's figures show less need in {_join(less)}, so confirm "
                    "each planning area's current capacity before relying on its shortfalls"
                    if less
                    else ""
                )
            )
        out.append(s_ + ".")
    funding = published_value(cur, "basic_need_funding", "all")
    if np.isfinite(funding):
        out.append(
            f"The Council's basic need allocations (the DfE's capital grant for new "
            f"school places) total {fmt_gbp_m(funding)}, cumulative since 2011-12 as the "
            "scorecard publishes them: allocations already made, not a budget for this "
            "plan."
        )
    return out


def _less_need_phases(c: pd.DataFrame, before: str) -> list[str]:
    """Phases in which the Council's return needs at least 30 fewer places before any new
    ones than this report (places it may have added since the capacity data)."""
    if before not in c.index:
        return []
    out = []
    for ph in ("primary", "secondary"):
        ours, theirs = (float(c.loc[before, k]) for k in (ph, f"{ph}_council"))
        if np.isfinite(ours) and np.isfinite(theirs) and ours - theirs >= 30:
            out.append(ph)
    return out


def _more_need_clause(c: pd.DataFrame, before: str) -> str:
    """Where the Council's return needs more places before any new ones than this report (by
    at least 30 places, a form of entry's year group), the reasons to weigh: "; where the
    Council's figures show more need (secondary: 300 against 0), ..."; else ""."""
    if before not in c.index:
        return ""
    more = []
    for ph in ("primary", "secondary"):
        ours, theirs = (float(c.loc[before, k]) for k in (ph, f"{ph}_council"))
        if np.isfinite(ours) and np.isfinite(theirs) and theirs - ours >= 30:
            more.append(f"{ph} {fmt_count(theirs)} against {fmt_count(ours)}")
    if not more:
        return ""
    return (
        "; where the Council's figures show more need (" + "; ".join(more) + "), the "
        "Council may see pressure within a planning area that this report's area totals "
        "hide (a town short of places while spare places elsewhere in the same area offset "
        "it), count places this report's capacity data include but that cannot be "
        "used (a school still filling, closing or mis-recorded), or know of housing and "
        "admissions the public data lack: officers should reconcile the two area by area "
        "before relying on this report's smaller need"
    )


_GBP = re.compile(r"GBP (-?\d{1,3}(?:,\d{3})*(?:\.\d+)?)")
_IDENT = re.compile(r"\b([a-z]+(?:_[a-z0-9]+)+)\b")


def council_style(text: str) -> str:
    """Engine prose (the optimiser's account of a decision) in the report's style: money as
    ``£6.9m`` / ``£642k``, identifiers such as ``bulge_class`` as words."""
    text = _GBP.sub(lambda m: fmt_gbp_m(float(m.group(1).replace(",", ""))), text)
    return _IDENT.sub(lambda m: m.group(1).replace("_", " "), text)


#: executive-summary wording: title, how counted, the first year's noun, the capacity's noun,
#: report section
_SUMMARY_WORDS = {
    "send": ("Special school places", "children placed", "places", 5),
    "early_years": ("Funded early years places", "places needed", "places of supply", 6),
}


def _send_early_years_summary(data: ReportData) -> list[str]:
    """Executive-summary paragraphs for special school and early years places."""
    out = []
    for d in data.place_positions:
        title, now, unit, section = _SUMMARY_WORDS[d["key"]]
        how = f" ('{d['scenario']}' scenario)" if d["scenario"] else " (full-time equivalent)"
        text = (
            f"{title}{how}: {fmt_count(d['places_first'])} {now} in {fmt_year(d['first'])}, "
            f"{fmt_count(d['places_last'])} forecast for {fmt_year(d['last'])}"
        )
        if np.isfinite(d["capacity"]):
            text += f" against {fmt_count(d['capacity'])} {unit}"
            # say when that capacity or supply is the engine's assumption (Cabinet audit)
            if d["key"] == "send" and _send_capacity_assumed(data):
                text += ", assumed to be today's placements in state-funded special schools"
            elif d["key"] == "early_years" and data.early_years_takeup_january is not None:
                jan = data.early_years_takeup_january
                text += f", assumed to be the funded take-up of January {jan}" + (
                    ", before the entitlements of 2024 and 2025" if jan < 2024 else ""
                )
        left = d["left"]
        text += f" (section {section})."
        if left is not None:
            before, added = d["plan"]["before"], d["plan"]["added"]
            margin = fmt_pct(data.meta["margin"])
            pooled = " (age groups together)" if d["key"] == "early_years" else ""
            if left[0] < 0.5 and before < 0.5 and added < 0.5:
                # nothing short and nothing added: the places there meet it, not the plan (a
                # Stoke-on-Trent trial: "The proposed plan meets the modelled need" of a plan
                # adding no early years places)
                w = d.get("worst_after")
                text += (
                    " The supply already there meets the "
                    if d["key"] == "early_years"
                    else " The places already there meet the "
                )
                text += (
                    ""
                    + (
                        "modelled "
                        if d["key"] == "early_years" and _only_default_entitlements(data)
                        else ""
                    )
                    + f"need with the {margin} margin{pooled} to {fmt_year(left[1])}, the "
                    "plan's last year, with no places added"
                    + (
                        f", though {fmt_count(w[0])} places are short in {fmt_year(w[1])}"
                        if w is not None and w[0] >= 0.5
                        else ""
                    )
                    + "."
                )
            elif left[0] < 0.5:
                w = d.get("worst_after")
                text += (
                    f" {_cap(the_plan(data))} meets the "
                    + (
                        "modelled "
                        if d["key"] == "early_years" and _only_default_entitlements(data)
                        else ""
                    )
                    + f"need with the {margin} margin by "
                    f"{fmt_year(left[1])}, the plan's last year"
                    + (
                        f", though {fmt_count(w[0])} places are still short in {fmt_year(w[1])}"
                        if w is not None and w[0] >= 0.5
                        else ""
                    )
                    + "."
                )
            else:
                when = (
                    f" In {fmt_year(left[1])}, the plan's last year"
                    + (
                        f", when {fmt_count(d['places_plan'])} are needed"
                        if left[1] != d["last"] and np.isfinite(d["places_plan"])
                        else ""
                    )
                    + f", {fmt_count(before)} places are short with the {margin} "
                    f"margin{pooled}"
                )
                text += when + (
                    f"; {the_plan(data)} adds none"
                    if added < 0.5
                    else f" before the plan and {fmt_count(left[0])} after it" + _worst_clause(d)
                )
                text += _by_age_clause(d) + "."
        if d["key"] == "early_years" and _only_default_entitlements(data):
            # a Coventry trial: "the plan meets the need" with the working-parent
            # entitlements, the larger part of today's funded hours, left out
            text += (
                " Only the two default entitlements are modelled, not the working-parent "
                "ones, so these figures understate demand and the need from the "
                "working-parent entitlements is not assessed."
            )
        out.append(text)
    return out
