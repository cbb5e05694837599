"""Report tables: numeric frames with a format per column and a source note.

A :class:`Table` keeps numbers as numbers (the Excel appendix writes them with number formats)
and says how each column is shown (``count``, ``gbp``, ``gbp_m``, ``pct``, ``text``). The HTML
and PDF format them with :mod:`sufficiency.report.text`'s formatters, so a figure is printed
the same way in the tables and in the prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import nomenclature as nc
from .._values import joined
from ..capacity import rag_rating
from ..compare import TOTAL
from .analysis import (
    cells_before_after,
    central_scenario,
    is_left_short,
    left_short_by_year,
    position_at,
    published_latest,
    shortfall_tolerance,
)
from .text import (
    AGE_LABELS,
    PHASE_LABELS,
    SCENARIO_TEXT,
    SEND_PHASE_LABELS,
    accuracy_note,
    area_phase,
    fmt_count,
    fmt_gbp,
    fmt_gbp_m,
    fmt_pct,
    fmt_short,
    fmt_year,
    one_area_per_phase,
    proposed,
)

__all__ = [
    "Table",
    "DFE_PHASE_LABELS",
    "previous_accuracy_table",
    "previous_change_year",
    "previous_changes_table",
    "key_figures_table",
    "rag_table",
    "area_year_table",
    "area_table_definitions",
    "schools_table",
    "plan_table",
    "moves_table",
    "capital_programme",
    "options_table",
    "key_decision_table",
    "key_decision_years",
    "accuracy_table",
    "accuracy_sheet",
    "send_table",
    "send_scenarios_table",
    "early_years_table",
    "appendix_tables",
    "format_cell",
]

FORMATS = (
    "count",
    "short",
    "gbp",
    "gbp_m",
    "gbp_m2",
    "pct",
    "pct_down",
    "pct_signed",
    "pct_signed2",
    "year",
    "text",
    "int",
    "bool",
    "yes_no",
    "range",
    "count_signed",
)


@dataclass(frozen=True)
class Table:
    """A report table: numeric data, per-column display formats, a title and a source note."""

    title: str
    frame: pd.DataFrame
    formats: dict = field(default_factory=dict)
    note: str = ""

    def fmt(self, column: str) -> str:
        return self.formats.get(column, "text")

    def display(self) -> pd.DataFrame:
        """The table with every cell formatted as printed (strings)."""
        out = pd.DataFrame(index=self.frame.index)
        for c in self.frame.columns:
            f = self.fmt(c)
            out[c] = [format_cell(v, f) for v in self.frame[c]]
        return out


def format_cell(value, fmt: str) -> str:
    """Format one cell as the report prints it."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return "-"
    if fmt == "count":
        return fmt_count(value)
    if fmt == "short":
        return fmt_short(value)
    if fmt == "gbp":
        return fmt_gbp(value)
    if fmt == "gbp_m":
        return fmt_gbp_m(value)
    if fmt == "gbp_m2":  # a column of money in one unit: GBP m to two decimals, none as £0
        return "£0" if float(value) == 0 else f"{'-' if value < 0 else ''}£{abs(value) / 1e6:,.2f}m"
    if fmt == "pct":
        return fmt_pct(value)
    if fmt == "pct_down":
        return fmt_pct(value, down=True)
    if fmt == "pct_signed":
        return fmt_pct(value, signed=True)
    if fmt == "year":
        return fmt_year(value)
    if fmt == "int":
        return str(int(value))
    if fmt == "pct_signed2":
        return fmt_pct(value, signed=True, decimals=2)
    if fmt == "bool":
        return "yes" if bool(value) else ""
    if fmt == "yes_no":  # a flag that is also read when false; missing printed as a dash
        return "yes" if bool(value) else "no"
    if fmt == "count_signed":  # a change in pupils: "+412", "-117", "0"
        shown = fmt_count(value)
        return f"+{shown}" if float(value) >= 0.5 else shown
    if fmt == "range":  # pre-formatted "1,107 (800-1,531)", aligned as a number
        return str(value)
    if fmt == "code":  # a file's column names, as written there
        return str(value)
    # identifiers such as permanent_expansion print as words (and can wrap in narrow columns);
    # an age range in brackets, "(0 to 10)", never wraps inside them
    return _AGES.sub("(\\1\u00a0to\u00a0\\2)", str(value).replace("_", " "))


#: an age range in brackets, as the SEND phases print ("primary age (0 to 10)")
_AGES = re.compile(r"\((\d+) to (\d+)\)")


def _part_phase(data) -> bool:
    """Whether some planning area's schools teach only part of its phase (``year_groups``)."""
    a = data.areas
    return a is not None and "year_groups" in a and a["year_groups"].astype(bool).any()


def _rec(data) -> str:
    """``"recommended"``, or ``"proposed"`` when the plan's approval is withheld until current
    capacity is confirmed (:func:`~sufficiency.report.text.proposed`)."""
    return "proposed" if proposed(data) else "recommended"


def _suff_note(data) -> str:
    m = data.meta
    own = (
        (
            "; or the year groups an area's schools teach where they teach only some, as "
            "its tier structure says: first-school areas R-Y4, middle-school areas Y7-Y8, "
            "high-school areas Y9-Y13, 14-19 academies Y10-Y13"
        )
        if _part_phase(data)
        else ""
    )
    return (
        f"Demand: forecast pupils by phase of places (primary R-Y6; secondary Y7-Y13{own}). Capacity: "
        f"net capacity, {m['data_vintage'].split('capacity: ')[-1]}. Required = demand x "
        f"(1 + {fmt_pct(m['margin'])}). Surplus % = (capacity - demand) / demand (rounded down: 4.96% shows as 4.9%; a deficit rounds towards zero, -2.97% as -2.9%, but never to 0.0%). RAG: red shortfall (surplus below {fmt_pct(m['margin'])} by a place or more); "
        f"amber surplus below {fmt_pct(m['target'])} (or under one place short); green {fmt_pct(m['target'])}-"
        f"{fmt_pct(m['ceiling'])}; blue above {fmt_pct(m['ceiling'])}."
    )


def area_table_definitions(data) -> str:
    """What the columns of every area page's "Demand and places by year" table mean, said
    once at the start of the planning areas chapter (:func:`area_year_table`)."""
    pd_ = str(data.meta.get("plan_demand") or "")
    at_q = (
        # a plan for a quantile (report --quantile): its own shortfall is at that demand, the
        # pages' at the central forecast (a review: the two could read as contradicting)
        f" With the plan made for the {pd_[1:]} quantile of demand, 'short with plan' and "
        "'RAG with plan' are at the central forecast, as the table's demand is; the places "
        "the plan leaves short at that higher demand are in its summary."
        if pd_.startswith("q")
        else ""
    )
    return (
        _suff_note(data)
        + (
            f" 'With plan': capacity once the {_rec(data)} projects open; "
            "'short with plan': the shortfall left after them; 'RAG with plan': the same "
            "rating of those places (surplus %, shortfall and RAG are before the plan; a "
            "shortfall of under one place shows as <1)."
        )
        + at_q
    )


def key_figures_table(data) -> Table | None:
    """The authority's position by phase at the latest data, 5 and 10 years on (the milestone
    years), before any new places: the figures of the executive summary's paragraphs in one
    table (a councillor's reading: six paragraphs of figures to compare by eye)."""
    s = data.sufficiency
    if s is None or s.empty:
        return None
    # each phase one area, the whole authority's (Stoke-on-Trent): not "1 of 1", and no
    # "never offset between areas" (the executive summary's paragraphs say neither)
    one = one_area_per_phase(data)
    short = "planning area short" if one else "planning areas short"
    rows = []
    for phase in ("primary", "secondary"):
        # places still short once the plan's projects open, in the plan's years, as the
        # summary's "still short" sentences count them
        ba = cells_before_after(data, phase)
        left = left_short_by_year(ba, shortfall_tolerance(data)) if ba is not None else None
        for _, year in data.milestones:
            pos = position_at(s, phase, year, data.intake_areas)
            if pos is None:
                continue
            rows.append(
                {
                    "phase": PHASE_LABELS[phase],
                    "year": fmt_year(year),
                    "years on": int(year) - int(data.meta["base_year"]),
                    "pupils": pos["demand"],
                    "places": pos["capacity"],
                    "surplus": pos["surplus"],
                    "surplus % of pupils": pos["surplus_pct"],
                    short: ("yes" if pos["red_areas"] else "no")
                    if one
                    else f"{pos['red_areas']} of {pos['areas']}",
                    "places needed": pos["shortfall"],
                    **({} if left is None else {"short with plan": left.get(year, np.nan)}),
                }
            )
    if not rows:
        return None
    m = data.meta
    with_plan = any("short with plan" in r for r in rows)
    return Table(
        "Key figures",
        pd.DataFrame(rows),
        {
            "years on": "int",
            "pupils": "count",
            "places": "count",
            "surplus": "count",
            "surplus % of pupils": "pct_down",
            # "4 of 17" aligned as the numbers beside it: printed as text (left) it ran on
            # from the surplus % to its left ("5.5% 4 of 17", the printed PDF)
            **({} if one else {short: "range"}),
            "places needed": "count",
            "short with plan": "count",
        },
        f"Years on: after the latest data ({fmt_year(m['base_year'])}, the census). Pupils: "
        + (
            "the census in the latest data's year, forecast demand after it. "
            if any(int(y) == int(m["base_year"]) for _, y in data.milestones)
            else "forecast demand. "
        )
        + f"Places: net "
        f"capacity, {m['data_vintage'].split('capacity: ')[-1]}, before any new places. "
        "Surplus: places minus pupils over the whole authority (negative: a deficit). "
        + (
            f"Planning area short and places needed: with the {fmt_pct(m['margin'])} margin; "
            "each phase is one planning area covering the whole authority, so they are the "
            "authority's."
            if one
            else f"Planning areas short and places needed: with the {fmt_pct(m['margin'])} "
            "margin, area by area, never offset between areas (so places can be needed where "
            "the authority has a surplus)."
        )
        + (
            f" Short with plan: the places still needed once the {_rec(data)} projects open, "
            "in the plan's years ('-' before them)."
            if with_plan
            else ""
        ),
    )


def rag_table(data) -> Table | None:
    """Every planning area and phase of places: surplus % and RAG at each milestone year."""
    s = data.sufficiency
    if s is None or s.empty:
        return None
    areas = data.areas.set_index(nc.AREA)
    rows = s[s[nc.PHASE].isin(["primary", "secondary"])]
    out = (
        rows[[nc.AREA, nc.PHASE]]
        .drop_duplicates()
        .sort_values([nc.PHASE, nc.AREA])
        .reset_index(drop=True)
    )
    out.insert(1, "name", out[nc.AREA].map(areas["name"]).fillna(out[nc.AREA]))
    first = rows.sort_values(nc.YEAR).groupby([nc.AREA, nc.PHASE], sort=False)["capacity"].first()
    out["places"] = pd.MultiIndex.from_frame(out[[nc.AREA, nc.PHASE]]).map(first)
    formats = {"places": "count"}
    ix = rows.set_index([nc.AREA, nc.PHASE, nc.YEAR])
    for _, year in data.milestones:
        keys = pd.MultiIndex.from_arrays([out[nc.AREA], out[nc.PHASE], np.full(len(out), year)])
        lbl = fmt_year(year)
        out[f"surplus {lbl}"] = ix["surplus_pct"].reindex(keys).to_numpy()
        out[f"RAG {lbl}"] = ix["rag"].reindex(keys).to_numpy()
        formats[f"surplus {lbl}"] = "pct_down"
    out = out.rename(columns={nc.AREA: "area code", "name": "planning area"})
    return Table(
        "Position of every planning area",
        out,
        formats,
        _suff_note(data) + " Places: net capacity; surplus: % of demand; before any "
        "new places (the plan's effect is on each area's page).",
    )


def area_year_table(data, area: str) -> Table | None:
    """One area's demand, 80% range, capacity (before and after the plan), surplus and
    shortfall by year, from the base year (the last census) to the end of the forecast."""
    s = data.sufficiency
    if s is None or s.empty:
        return None
    base = data.meta["base_year"]
    rows = s[(s[nc.AREA] == area) & (s[nc.YEAR] >= base)].sort_values(nc.YEAR)
    if rows.empty:
        return None
    yrs = rows[nc.YEAR].to_numpy(int)
    derived = data.history_derived(area)
    out = pd.DataFrame(
        {
            "year": [
                fmt_year(y) + ((" (derived)" if derived else " (census)") if y <= base else "")
                for y in yrs
            ],
            "demand": rows["demand"].to_numpy(float),
            "80% range": [
                f"{fmt_count(lo)}-{fmt_count(hi)}" if y > base else "-"
                for lo, hi, y in zip(rows["demand_lower"], rows["demand_upper"], yrs)
            ],
            "capacity": rows["capacity"].to_numpy(float),
        }
    )
    ba = data.before_after
    net_moved = None
    if ba is not None and not ba.empty and "capacity_after" in ba:
        b = ba[ba[nc.AREA] == area].set_index([nc.PHASE, nc.YEAR])
        ix = pd.MultiIndex.from_arrays([rows[nc.PHASE], rows[nc.YEAR]])
        after = b["capacity_after"].reindex(ix)
        out["with plan"] = after.fillna(
            pd.Series(rows["capacity"].to_numpy(), index=after.index)
        ).to_numpy(float)
        if "moved_in" in b and ((b["moved_in"] > 0) | (b["moved_out"] > 0)).any():
            # pupils the plan places here from neighbours, and of this area's next door
            # ([[plan.adjacency]]): the places left short with the plan count them
            moved_in = b["moved_in"].reindex(ix).fillna(0.0).to_numpy(float)
            moved_out = b["moved_out"].reindex(ix).fillna(0.0).to_numpy(float)
            out["placed here"] = np.where(yrs > base, moved_in, np.nan)
            out["placed next door"] = np.where(yrs > base, moved_out, np.nan)
            net_moved = moved_in - moved_out
    out["surplus %"] = rows["surplus_pct"].to_numpy(float)
    out["shortfall"] = rows["shortfall"].to_numpy(float)
    if "with plan" in out and "required" in rows:
        req = rows["required"].to_numpy(float)
        if net_moved is not None:
            req = req + net_moved * (1 + float(data.meta["margin"]))
        out["short with plan"] = np.maximum(0.0, req - out["with plan"].to_numpy(float))
    out["RAG"] = rows["rag"].to_numpy()
    if "short with plan" in out:
        # the plan's effect in the same colours: "red" beside 0 short with plan read as the
        # plan failing (a review of the printed PDF)
        need = rows["demand"].to_numpy(float) + (net_moved if net_moved is not None else 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            after = (out["with plan"].to_numpy(float) - need) / need
        m = data.meta
        rag_after = rag_rating(after, m["margin"], m["target"], m["ceiling"])
        # red exactly where the plan leaves the area short as its summary counts it (whatever
        # the rounding of the surplus); a residue it tolerates is amber, not red
        counted = is_left_short(
            data,
            pd.DataFrame(
                {
                    "shortfall_before": rows["shortfall"].to_numpy(float),
                    "shortfall_after": out["short with plan"].to_numpy(float),
                }
            ),
        ).to_numpy()
        rag_after = np.where(counted, "red", np.where(rag_after == "red", "amber", rag_after))
        out["RAG with plan"] = np.where(yrs > base, rag_after, "-")
    fm = {
        c: "count"
        for c in (
            "demand",
            "capacity",
            "with plan",
            "short with plan",
            "placed here",
            "placed next door",
        )
    }
    fm["shortfall"] = "short"  # a year under one place short shows <1 (amber), never 0
    fm["surplus %"] = "pct_down"
    # right-aligned like the figures beside it: left-aligned, "4,676  4,634-4,717" read as one
    # number run into the next (a review by eye)
    fm["80% range"] = "range"
    # the definitions are given once, at the start of the planning areas chapter
    # (area_table_definitions); each page's note keeps the figures a reader needs there (a
    # Shropshire trial: the same 700 characters under every one of 32 area tables)
    m = data.meta
    plan = "with plan" in out
    note = (
        f"Required = demand x (1 + {fmt_pct(m['margin'])}); surplus %, shortfall and RAG "
        + ("before the plan " if plan else "")
        + "(surplus % rounded down; under one place short shows as <1); RAG: red a place or more short, "
        f"amber surplus below {fmt_pct(m['target'])}, green {fmt_pct(m['target'])}-"
        f"{fmt_pct(m['ceiling'])}, blue above {fmt_pct(m['ceiling'])}"
        + (
            f"; 'with plan' once the {_rec(data)} projects open ('RAG with plan' the same "
            "rating of those places)"
            if plan and "RAG with plan" in out
            else f"; 'with plan' once the {_rec(data)} projects open"
            if plan
            else ""
        )
        + ". Every column is defined at the start of section 4."
    )
    if net_moved is not None:
        note += (
            " 'Placed here' / 'placed next door': pupils the plan places here from "
            "neighbouring areas, and of this area's in them (as the model definition "
            "allows); 'short "
            "with plan' counts them."
        )
    if derived:
        note = (
            f"The {fmt_year(base)} row is derived from the authority's totals, not observed. "
            + note
        )
    return Table("Demand and places by year", out, fm, note)


def schools_table(data, area: str) -> Table:
    """Schools of one planning area with capacity and roll."""
    info = data.areas.set_index(nc.AREA).loc[area]
    phase = info[nc.PHASE]
    schools = data.schools_named
    sch = schools[(schools[nc.AREA] == area) & (schools[nc.PHASE] == phase)]
    names = sch["school_name"] if "school_name" in sch else sch[nc.SCHOOL]
    lo, hi = sch["ncy_min"].to_numpy(int), sch["ncy_max"].to_numpy(int)
    note = ""
    if sch["ncy_named"].any():
        note = (
            " Year groups of high schools (Y9-Y13) from the area's three tiers"
            if phase == "secondary"
            else " Year groups of first, infant and junior schools from their names"
        )
        note += "; the capacity file gives only their phase."
    plain_secondary = (
        (phase == "secondary")
        & ~sch["ncy_named"].astype(bool)
        & (sch["ncy_min"] == 7)
        & (sch["ncy_max"] == 13)
    )
    if plain_secondary.any():
        # a Stoke-on-Trent trial: all 16 schools shown Y7-Y13, though the city's census has
        # 696 sixth-formers and two of them are 14-19 studio schools
        note += (
            " Y7-Y13 is the capacity file's secondary phase, not each school's own range: "
            "the file does not say which schools have a sixth form or take pupils from "
            "Year 10 (an 11-16 school teaches Y7-Y11)."
        )
    out = (
        pd.DataFrame(
            {
                "school": names.to_numpy(),
                "year groups": [f"{nc.ncy_label(a)}-{nc.ncy_label(b)}" for a, b in zip(lo, hi)],
                "capacity": sch[nc.CAPACITY].to_numpy(float),
                "roll": sch["roll"].to_numpy(float) if "roll" in sch else np.nan,
            }
        )
        .sort_values("school")
        .reset_index(drop=True)
    )
    # a tidy capacity file's rows carry no source: its name, not "capacity file" (a Telford
    # and Wrekin trial)
    src = sorted(set(sch.get(nc.SOURCE, pd.Series(dtype=str)).astype(str))) or [
        str((data.meta or {}).get("capacity_file") or "capacity file")
    ]
    return Table(
        "Schools",
        out,
        {"capacity": "count", "roll": "count"},
        f"Net capacity ({phase} places) and pupils on roll: {', '.join(src)}.{note}",
    )


#: readable headers for plan columns in the report and the appendix
PLAN_HEADERS = {
    "kind": "project",
    "cost_per_place": "cost per place",
    "duration": "temp. (years)",
    "fill_years": "fills (years)",
    "scheme": "part of scheme",
}
#: display formats of plan columns, by readable header
PLAN_FORMATS = {
    "places": "count",
    # one unit down the column, as in the capital programme: the projects table printed
    # "£642k" above "£2.1m" (a review of the printed PDF)
    "cost": "gbp_m2",
    nc.YEAR: "year",
    "cost per place": "gbp",
    "temp. (years)": "int",
    "fills (years)": "int",
}
#: plan columns shown, in order
PLAN_COLUMNS = (
    nc.PHASE,
    "kind",
    nc.YEAR,
    "places",
    "cost",
    "cost_per_place",
    "duration",
    "fill_years",
    "scheme",
)
#: what the last two plan columns mean
PLAN_NOTE = (
    "'temp. (years)': how long temporary places (bulge classes) stay, '-' for permanent places."
)
#: what the fill column means, added to PLAN_NOTE when a table has it
FILL_NOTE = (
    " 'fills (years)': years over which the places come into use, one more entry "
    "year group a year; '-': all in use from opening."
)


#: figures are rounded one by one, never forced to add up
ROUNDING_NOTE = " Each figure is rounded on its own, so rows may not add up to the total exactly."

#: the fill assumption of permanent expansions, stated where the report compares or lists them
EXPANSION_NOTE = (
    " A permanent expansion's places count in full from its opening (its new "
    "classrooms can take pupils in any year group, as a school's net capacity "
    "counts them), a new school's one entry year group a year; an expansion that "
    "only raises the admission number fills one year group a year too, leaving "
    "its first years shorter than shown (officers can set its filling in the "
    "model and re-run the plan)."
)


def expansion_note(frame: pd.DataFrame | None) -> str:
    """:data:`EXPANSION_NOTE` when ``frame`` (a plan or options) has a permanent expansion
    counted in full from opening, else ""."""
    if frame is None or frame.empty or "kind" not in frame:
        return ""
    exp = frame["kind"].astype(str) == "permanent_expansion"
    fill = (
        frame["fill_years"].fillna(0) if "fill_years" in frame else pd.Series(0, index=frame.index)
    )
    return EXPANSION_NOTE if (exp & (fill == 0)).any() else ""


def _zero_as_missing(frame: pd.DataFrame, cols) -> pd.DataFrame:
    """``cols`` of ``frame`` (those it has) with 0 as missing, printed '-' (no duration: a
    permanent build; no fill: all places from opening)."""
    for c in cols:
        if c in frame:
            frame[c] = frame[c].where(frame[c] > 0)
    return frame


#: what the scheme column means, added when a table has it
SCHEME_NOTE = (
    " 'part of scheme': the projects of one scheme are one build (a middle school's "
    "primary and secondary places, say), built together in the same year; each row "
    "is its part of the places and cost."
)


def fill_note(frame: pd.DataFrame, fill: str = "fill_years") -> str:
    """:data:`FILL_NOTE` when the table shows a ``fill`` column with a value, else ""."""
    return (FILL_NOTE if fill in frame and frame[fill].notna().any() else "") + (
        SCHEME_NOTE if "scheme" in frame else ""
    )


def plan_columns(p: pd.DataFrame, cols=PLAN_COLUMNS) -> pd.DataFrame:
    """The plan's ``cols`` that it has, with 0 durations as missing ('-'); ``fill_years``
    only when some build fills (0 = in full use from opening)."""
    out = _zero_as_missing(
        p[[c for c in cols if c in p]].reset_index(drop=True), ("duration", "fill_years")
    )
    if "fill_years" in out and out["fill_years"].isna().all():
        out = out.drop(columns="fill_years")
    if "scheme" in out:
        sc = out["scheme"].fillna("").astype(str)
        out = (
            out.drop(columns="scheme")
            if (sc == "").all()
            else out.assign(scheme=sc.replace("", "-"))
        )
    return out


def plan_table(data) -> Table | None:
    p = data.plan
    if p is None or p.empty:
        return None
    code = p[nc.AREA].astype(str)
    out = pd.DataFrame(
        {
            "planning area": code.map(data.area_name).to_numpy(),
            # an authority-wide project's code is the authority's, in its name
            "code": code.where(code != data.meta.get("authority"), "-").to_numpy(),
        }
    )
    cols = plan_columns(p)
    if "kind" in cols:
        # as the report prints it ("bulge class"), in the appendix too (a trial found the
        # Plan sheet's raw codes, "bulge_class")
        cols["kind"] = cols["kind"].astype(str).str.replace("_", " ")
    out = pd.concat([out, cols], axis=1)
    if "cost_per_place" not in out:
        out["cost_per_place"] = out["cost"] / out["places"].where(out["places"] > 0)
    fm = dict(PLAN_FORMATS)
    note = ""
    moves = getattr(data, "moves", None)
    if moves is not None and len(moves) and nc.PHASE in p:
        # the places a build serves may be a neighbour's pupils: say so on its row
        ba = data.before_after
        peak = (
            ba.groupby([ba[nc.AREA].astype(str), ba[nc.PHASE]])[["moved_in", "moved_out"]]
            .max()
            .reindex(pd.MultiIndex.from_arrays([code, p[nc.PHASE]]))
            .fillna(0.0)
        )
        out["pupils placed here from neighbours (most a year)"] = peak["moved_in"].to_numpy(float)
        out["own pupils placed next door (most a year)"] = peak["moved_out"].to_numpy(float)
        fm.update(
            {
                "pupils placed here from neighbours (most a year)": "count",
                "own pupils placed next door (most a year)": "count",
            }
        )
        note = (
            " 'Pupils placed here from neighbours' and 'own pupils placed next door': the "
            "most in one year of the plan (as the model definition allows; by area and year in the "
            "sheet Pupils placed next door)."
        )
    out = out.sort_values([nc.YEAR, "planning area"]).reset_index(drop=True)
    title = (
        "Proposed projects" if getattr(data, "approval_withheld", None) else "Recommended projects"
    )
    return Table(
        title,
        out.rename(columns=PLAN_HEADERS),
        fm,
        "Costs in GBP at the cost per place set in the model definition's plan "
        "(see Assumptions); places open in September of the year shown; "
        + PLAN_NOTE
        + fill_note(cols)
        + expansion_note(p)
        + note,
    )


def moves_table(data) -> Table | None:
    """Pupils the plan places in a neighbouring area, by area pair and year
    (``[[plan.adjacency]]``), or None without any."""
    m = getattr(data, "moves", None)
    if m is None or m.empty:
        return None
    out = pd.DataFrame(
        {
            "from area": m["from_area"].astype(str).map(data.area_name).to_numpy(),
            "from code": m["from_area"].astype(str).to_numpy(),
            "placed in": m["to_area"].astype(str).map(data.area_name).to_numpy(),
            "placed in code": m["to_area"].astype(str).to_numpy(),
            nc.PHASE: m[nc.PHASE].to_numpy(),
            nc.YEAR: m[nc.YEAR].to_numpy(),
            "pupils": m["pupils"].to_numpy(float),
            "cost per pupil": m["cost_per_pupil"].to_numpy(float),
            "cost": m["cost"].to_numpy(float),
        }
    )
    return Table(
        "Pupils placed next door",
        out,
        {"pupils": "count", "cost per pupil": "gbp", "cost": "gbp", nc.YEAR: "year"},
        "Pupils of one planning area the plan places in a neighbouring one "
        "(as the model definition allows), by year; cost = pupils x the model's cost per pupil a "
        "year (revenue, not in the capital programme). Their sums by area are the "
        "columns moved_out and moved_in of the sheet Before and after.",
    )


def capital_programme(data) -> Table | None:
    """Capital cost by year and phase of places, from the recommended projects.

    ``places`` are the projects' full sizes in the year they open, split into permanent
    places and temporary ones (bulge classes and interim places); a new school's places come
    into use one year group a year (the plan table's fill column).
    """
    from .analysis import temporary_masks

    p = data.plan
    if p is None or p.empty:
        return None
    bulge, other = temporary_masks(p)
    p = p.assign(
        permanent=p["places"].where(~(bulge | other), 0.0),
        temporary=p["places"].where(bulge | other, 0.0),
    )
    phase = nc.PHASE if nc.PHASE in p else None
    keys = [nc.YEAR] + ([phase] if phase else [])
    g = p.groupby(keys, as_index=False, sort=True)[["permanent", "temporary", "cost"]].sum()
    if phase:
        wide = g.pivot_table(
            index=nc.YEAR, columns=phase, values="cost", aggfunc="sum", fill_value=0.0
        )
        # "secondary cost", not "cost secondary" (a Stoke-on-Trent trial's heading)
        wide.columns = [
            f"{ {'special': 'special school'}.get(str(c), str(c).replace('_', ' ')) } cost"
            for c in wide.columns
        ]
        wide["total cost"] = wide.sum(axis=1)
        by_year = g.groupby(nc.YEAR)
        wide["permanent places"] = by_year["permanent"].sum()
        wide["temporary places"] = by_year["temporary"].sum()
        wide["cumulative cost"] = wide["total cost"].cumsum()
        out = wide.reset_index()
    else:
        out = g.rename(columns={"permanent": "permanent places", "temporary": "temporary places"})
        out["cumulative cost"] = out["cost"].cumsum()
    if not (out["temporary places"] > 0).any():
        out = out.drop(columns="temporary places").rename(columns={"permanent places": "places"})
    total = {c: (out[c].sum() if c not in (nc.YEAR, "cumulative cost") else np.nan) for c in out}
    out = out.astype({nc.YEAR: object})
    # one unit down each column (GBP m to two decimals): fmt_gbp_m's "£286k" above "£12.1m" and
    # "£0.0m" for a year without spend mixed units in a column (a review by eye)
    fm = {c: "gbp_m2" for c in out.columns if "cost" in c}
    fm.update({c: "count" for c in out.columns if "places" in c})
    out = pd.concat([out, pd.DataFrame([total])], ignore_index=True)
    out.loc[out.index[-1], nc.YEAR] = "total"
    # spend is assumed in the financial year (April-March) in which the places open
    fy = [
        f"{y}-{(y + 1) % 100:02d}" if isinstance(y, (int, np.integer)) else "" for y in out[nc.YEAR]
    ]
    out[nc.YEAR] = [fmt_year(y) if isinstance(y, (int, np.integer)) else y for y in out[nc.YEAR]]
    out.insert(1, "spend in financial year", fy)
    interim = (
        "; interim places hired a year at a time count once here, in the year they are first hired"
        if other.any()
        else ""
    )
    filling = (
        p["fill_years"].fillna(0) > 0 if "fill_years" in p else pd.Series(False, index=p.index)
    )
    fills = (
        "; a new school's places come into use one year group a year (the plan table's fill column)"
        if filling.any()
        else ""
    )
    return Table(
        "Capital programme by year",
        out,
        fm,
        "Year = academic year in which the places open (September). Spend is assumed "
        "in the financial year (April to March) in which they open, i.e. building "
        "over the spring and summer before the September opening; a new school or "
        "a large expansion spends over its lead time before that, so its spend starts "
        "earlier than shown. Places are each project's full size in its opening "
        "year" + (fills if fills else "") + interim + ". Costs are each option's own cost per "
        "place, as its source gives it (appendix, sheet Options), not re-based to one "
        "price year, with no inflation, contingency or site costs and no funding source: "
        "an indicative programme, from which a funded, profiled programme is to be "
        f"drawn up. Figures from the plan's {_rec(data)} projects.",
    )


def options_table(data, area: str) -> Table | None:
    """The options the optimiser could choose in one area (compact: kind, size, cost, timing)."""
    mine = _area_options(data, area)
    if mine is None or mine.empty:
        return None
    chosen = (
        set(data.plan["option"].astype(str)) if data.plan is not None and len(data.plan) else set()
    )
    name = "option" if "option" in mine else mine.columns[0]
    out = pd.DataFrame(
        {
            "option": mine["kind"].astype(str).str.replace("_", " ").to_numpy()
            if "kind" in mine
            else mine[name].astype(str).to_numpy()
        }
    )
    for src, dst, _f in (
        ("places", "places per module", "count"),
        ("cost_per_module", "cost per module", "gbp_m2"),
        ("cost_per_place", "cost per place", "gbp"),
        ("earliest_year", "earliest opening", "year"),
        ("duration", "temporary (years)", "int"),
        ("fill_years", "fills (years)", "int"),
    ):
        if src in mine:
            out[dst] = mine[src].to_numpy()
    out = _zero_as_missing(out, ("temporary (years)", "fills (years)"))
    out["chosen"] = mine[name].astype(str).isin(chosen).to_numpy()
    fm = {
        "places per module": "count",
        "cost per module": "gbp_m2",
        "cost per place": "gbp",
        "earliest opening": "year",
        "temporary (years)": "int",
        "fills (years)": "int",
        "chosen": "bool",
    }
    return Table(
        "Options considered",
        out,
        fm,
        "The optimiser's catalogue for this area: cost per place and lead times from the "
        "model definition's plan (DfE scorecard cost benchmarks unless stated"
        + (
            ": the DfE's regional figures, the same for every authority of the region"
            if "source" in mine
            and mine["source"].astype(str).str.contains("a regional figure", regex=False).any()
            else ""
        )
        + "); full detail in the appendix, sheet Options."
        + fill_note(out, "fills (years)"),
    )


def _option_letters(n: int) -> list[str]:
    return [chr(ord("A") + i) if i < 26 else f"O{i}" for i in range(n)]


def key_decision_table(data) -> Table | None:
    """Options appraisal of the key decision, one row per option (full detail: appendix)."""
    k = data.key_decision
    if k is None or k.get("table") is None:
        return None
    t = k["table"]
    q = k.get("quantile", 0.8)
    out = pd.DataFrame(
        {
            "": _option_letters(len(t)),
            "option": t["option"]
            .astype(str)
            .str.replace("_", " ")
            .str.replace("recommended plan: ", f"{_rec(data)} plan: ", regex=False)
            .to_numpy(),
            "places": t["places"].to_numpy(float),
            "cost": t["cost"].to_numpy(float),
            "cost per place": t["cost_per_place"].to_numpy(float),
            "opens": t["opens"].to_numpy(float),
            "years (if temp.)": t["temporary (years)"].to_numpy(float),
            "most short": t["max shortfall (central)"].to_numpy(float),
        }
    )
    if "max shortfall (stress)" in t:
        out[f"most short, P{int(round(q * 100))}"] = t["max shortfall (stress)"].to_numpy(float)
    # "in plan", not "rec.": the plan is only proposed while its approval is withheld
    out["in plan"] = t["recommended"].to_numpy()
    fm = {
        "places": "count",
        "cost": "gbp_m2",  # "£0.0m" for doing nothing above "£321k" and "£63.3m" before
        "cost per place": "gbp",
        "opens": "year",
        "years (if temp.)": "int",
        "in plan": "bool",
    }
    fm.update({c: "count" for c in out.columns if c.startswith("most short")})
    # an option opening after the forecast's last year changes no year the table counts (a
    # 5-year horizon: the new school of September 2028 showed the whole shortfall left)
    last = (
        int(data.sufficiency[nc.YEAR].max())
        if data.sufficiency is not None and len(data.sufficiency)
        else None
    )
    late = (
        [letter for letter, y in zip(out[""], out["opens"]) if np.isfinite(y) and y > last]
        if last is not None
        else []
    )
    after = (
        f" {joined(late)} open{'s' if len(late) == 1 else ''} after "
        f"{fmt_year(last)}, the forecast's last year: {'its' if len(late) == 1 else 'their'} "
        "'most short' is that of doing nothing because the forecast ends before "
        f"{'it opens' if len(late) == 1 else 'they open'}, not because "
        f"{'it' if len(late) == 1 else 'they'} would not help."
        if late
        else ""
    )
    return Table(
        f"Options appraisal: {area_phase(k['area_name'], k['phase'])} places",
        out,
        fm,
        f"Shortfall left = max(0, demand x (1 + {fmt_pct(data.meta['margin'])}) - (capacity + the "
        f"option's places while open)), per year; each option on its own (one module of places, "
        f"at its earliest opening), the {_rec(data)} plan as chosen ('in plan': the options it "
        f"takes); 'years (if temp.)': "
        f"how long temporary places stay. 'Most short': the largest shortfall left in any year "
        f"from the earliest opening of any option (earlier shortfalls are the same whatever is "
        f"chosen; see the table by year); 'P{int(round(q * 100))}' uses the "
        f"{int(round(q * 100))}th percentile of forecast demand instead of the central forecast."
        + after
        + expansion_note(_area_options(data, k.get("area"))),
    )


def _area_options(data, area) -> pd.DataFrame | None:
    """The option catalogue's rows for ``area`` (None without a catalogue)."""
    o = data.options
    if o is None or o.empty or nc.AREA not in o:
        return None
    return o[o[nc.AREA].astype(str) == str(area)]


def key_decision_years(data) -> Table | None:
    """Shortfall each option of the key decision leaves, by year (rows) and option (columns)."""
    k = data.key_decision
    if k is None or k.get("table") is None:
        return None
    t = k["table"]
    cols = [c for c in t.columns if c.startswith("shortfall ")]
    letters = _option_letters(len(t))
    out = pd.DataFrame({"year": [c.replace("shortfall ", "") for c in cols]})
    for letter, (_, row) in zip(letters, t.iterrows()):
        out[letter] = row[cols].to_numpy(float)
    return Table(
        "Shortfall left by each option, by year (places)",
        out,
        {c: "count" for c in letters},
        # the title is not printed: the note says what the figures are (a councillor
        # reading the printed page saw a grid of numbers under A to E)
        "Shortfall left in each year by each option on its own (places, with the margin, as "
        "defined above); options A, B, ... as in the table above.",
    )


#: the accuracy table's columns as printed: ReportData.accuracy column -> header
ACCURACY_HEADERS = {
    nc.PHASE: "phase",
    "horizon": "years ahead",
    "origin": "origin (last census used)",
    "target_year": "target year",
    "forecast": "this engine: forecast",
    "actual": "outcome (census)",
    "lower80": "80% range: lower",
    "upper80": "80% range: upper",
    "pct_error": "this engine",
    "pct_error_last": "last year carried forward",
    "pct_error_cohort3": "plain cohort survival (3-year means)",
    "authority_error": "the Council's own (DfE scorecard)",
    "inside80": "outcome inside this engine's 80% range",
    "scorecard_edition": "scorecard edition",
}
_ACCURACY_FORMATS = {
    "phase": "text",
    "years ahead": "int",
    "origin (last census used)": "year",
    "target year": "year",
    "this engine: forecast": "count",
    "outcome (census)": "count",
    "80% range: lower": "count",
    "80% range: upper": "count",
    "this engine": "pct_signed2",
    "last year carried forward": "pct_signed2",
    "plain cohort survival (3-year means)": "pct_signed2",
    "the Council's own (DfE scorecard)": "pct_signed2",
    "outcome inside this engine's 80% range": "yes_no",
    "scorecard edition": "int",
}
#: columns of the report's table (the appendix sheet has them all)
_ACCURACY_PRINTED = (
    nc.PHASE,
    "horizon",
    "target_year",
    "pct_error",
    "pct_error_last",
    "pct_error_cohort3",
    "authority_error",
    "inside80",
)
#: the appendix sheet's columns, in order
_ACCURACY_SHEET = (
    nc.PHASE,
    "horizon",
    "origin",
    "target_year",
    "forecast",
    "actual",
    "lower80",
    "upper80",
    "pct_error",
    "pct_error_last",
    "pct_error_cohort3",
    "authority_error",
    "inside80",
    "scorecard_edition",
)


def _accuracy(data, columns, title: str) -> Table | None:
    a = data.accuracy
    if a is None or a.empty:
        return None
    out = a[[c for c in columns if c in a]].rename(columns=ACCURACY_HEADERS)
    fm = {c: f for c, f in _ACCURACY_FORMATS.items() if c in out}
    return Table(title, out.reset_index(drop=True), fm, accuracy_note(data))


def accuracy_table(data) -> Table | None:
    """The accuracy record: one row per phase, years ahead and target year, with this
    engine's backtest error, both baselines', the Council's own published error and whether
    the outcome fell inside the engine's 80% range; the note gives every figure's source."""
    return _accuracy(
        data, _ACCURACY_PRINTED, "Forecast accuracy: signed error (forecast - actual) / actual"
    )


def accuracy_sheet(data) -> Table | None:
    """:func:`accuracy_table` with each row's origin, forecast, outcome and 80% range, and
    the scorecard edition of the Council's figure (the appendix's Accuracy sheet)."""
    return _accuracy(data, _ACCURACY_SHEET, "Forecast accuracy")


#: DfE phases of pupils (the phase totals of a forecast, not the phases of places)
DFE_PHASE_LABELS = {
    "primary": "primary (R-Y6)",
    "secondary": "secondary (Y7-Y11)",
    "sixth_form": "sixth form (Y12-Y13)",
}


#: the same in a table column, whose note gives the year groups
_SHORT_PHASE = {"primary": "primary", "secondary": "secondary", "sixth_form": "sixth form"}
_DFE_PHASES_NOTE = "DfE phases: primary R-Y6, secondary Y7-Y11, sixth form Y12-Y13"


def previous_change_year(data) -> int | None:
    """The year whose changes since the previous forecast the report lists: the middle
    milestone (five years after the base year by default), or the last year both forecast."""
    c = getattr(data, "previous", None)
    if c is None:
        return None
    both = c.changes()
    if both.empty:
        return None
    years = sorted(both[nc.YEAR].unique())
    mid = [y for _, y in data.milestones if int(y) in years and int(y) > data.meta["base_year"]]
    return int(mid[0]) if mid else int(years[-1])


def previous_accuracy_table(data) -> Table | None:
    """``[report] previous_forecast`` against this report's history: each phase total (all
    areas) for the years the previous forecast forecast and this one has a census for."""
    c = getattr(data, "previous", None)
    if c is None:
        return None
    acc = c.accuracy(total_only=True)
    if acc.empty:
        return None
    # the census, unless the totals are of derived area history that one forecast's other
    # areas leave short of it (ForecastComparison.history_word, as the CLI's summary says)
    word = "census"
    if any(c.history_word(k) != "census" for k in acc["actual_kind"]):
        word = "derived history"
    out = pd.DataFrame(
        {
            "phase": acc[nc.PHASE].map(_SHORT_PHASE).to_numpy(),
            "year": acc[nc.YEAR].to_numpy(),
            "years ahead": acc["horizon"].to_numpy(),
            "previous forecast": acc["forecast"].to_numpy(),
            word: acc["actual"].to_numpy(),
            "error": acc["pct_error"].to_numpy(),
        }
    )
    return Table(
        f"The previous forecast against the {word} since",
        out,
        {
            "year": "year",
            "years ahead": "int",
            "previous forecast": "count",
            word: "count",
            "error": "pct_signed2",
        },
        f"Previous forecast: {c.sources[0]} (made from {fmt_year(c.previous_base)}; "
        f"[report] previous_forecast), summed over the planning areas both forecasts have "
        f"({_DFE_PHASES_NOTE}); "
        f"error = (forecast - {word}) / {word}, the DfE's measure (positive: over-forecast)."
        + (
            ""
            if not data.any_history_derived
            else " The areas' history is derived from the authority's totals and sums to its "
            "census."
            if word == "census"
            else " The areas' history is derived from the authority's totals, and the areas "
            "in one forecast only are left out, so it does not sum to the census."
        ),
    )


def previous_changes_table(data, top: int = 10) -> Table | None:
    """The planning areas whose forecast for :func:`previous_change_year` moved most since
    the previous forecast (``top`` of them, largest change first), after each phase's total."""
    c = getattr(data, "previous", None)
    year = previous_change_year(data)
    if c is None or year is None:
        return None
    ch = c.changes(year)
    ch = ch[ch[nc.PHASE].isin(["primary", "secondary"])]
    tot = ch[ch[nc.AREA] == TOTAL]
    areas = ch[ch[nc.AREA] != TOTAL]
    areas = areas.loc[areas["change"].abs().sort_values(ascending=False, kind="stable").index]
    rows = pd.concat([tot, areas.head(top)], ignore_index=True)
    out = pd.DataFrame(
        {
            "planning area": [
                "All areas" if a == TOTAL else data.area_name(a) for a in rows[nc.AREA]
            ],
            "phase": rows[nc.PHASE].map(_SHORT_PHASE).to_numpy(),
            "previous forecast": rows["previous"].to_numpy(),
            "this forecast": rows["current"].to_numpy(),
            "change": rows["change"].to_numpy(),
            "change %": rows["change_pct"].to_numpy(),
        }
    )
    return Table(
        f"Forecast for {fmt_year(year)}: this report against the previous forecast",
        out,
        {
            "previous forecast": "count",
            "this forecast": "count",
            "change": "count_signed",
            "change %": "pct_signed",
        },
        f"Pupils (DfE phases: primary R-Y6, secondary Y7-Y11; the sixth form, Y12-Y13, is "
        "left out here, and the key figures' secondary, Y7-Y13, is the two added); the "
        f"{min(top, len(areas))} largest changes of {len(areas)} primary and secondary "
        "planning area phase totals (an area with year groups of both phases has one of "
        "each); the sixth form's, and every area, phase and year: appendix, sheet Changes "
        "since last forecast.",
    )


def published_table(data) -> Table | None:
    """This report's places against the authority's own return in its newest DfE scorecard."""
    c = data.council_comparison
    if c is None:
        return None
    cur = published_latest(data)
    edition = int(cur["edition"].max())
    latest = nc.academic_year_label(int(cur[nc.YEAR].iloc[0]))
    out = c.rename(
        columns={
            "primary": "primary: this report",
            "primary_council": "primary: Council (DfE)",
            "secondary": "secondary: this report",
            "secondary_council": "secondary: Council (DfE)",
            "source": "scorecard column",
        }
    )
    fm = {col: "count" for col in out.columns if ":" in col}
    fm.update({nc.YEAR: "year", "scorecard column": "code"})
    return Table(
        "Places: this report and the Council's own return to the DfE",
        out,
        fm,
        f"Council: the DfE school places scorecard, {edition} edition (SCAP year {latest}), as "
        "published: places still needed are the DfE's estimate after the Council's planned "
        "places; before any new places = the two added (an upper bound). This report: the sum "
        "over planning areas of the pupils forecast above the places there (central forecast, "
        f"no margin), before and after the {_rec(data)} plan; places planned = the plan's places "
        "opening in or before that year. Its places are the capacity in the data (see "
        "Method); places created since are not in them. Secondary places here serve Y7-Y13.",
    )


def _with_range(v: float, lo: float, hi: float) -> str:
    """``"1,107 (800-1,531)"``; the number alone when the range is a point (observed years)."""
    if abs(hi - lo) < 0.5:
        return fmt_count(v)
    return f"{fmt_count(v)} ({fmt_count(lo)}-{fmt_count(hi)})"


def _milestone_table(
    frame: pd.DataFrame,
    key: str,
    labels: dict,
    years: list[int],
    supply: str,
    total_label: str,
    year_label,
) -> pd.DataFrame:
    """Rows: each group of ``key`` (in ``labels`` order) and their total; columns: places with
    80% range at each of ``years``, ``supply`` and the shortfall in the last year."""
    vals = ["places", "places_lower", "places_upper", supply, "shortfall"]
    g = frame.groupby([key, nc.YEAR])[vals].sum(min_count=1)
    groups = [k for k in labels if k in g.index.get_level_values(0)]
    groups += sorted(set(g.index.get_level_values(0)) - set(groups))
    tot = frame.groupby(nc.YEAR)[vals].sum(min_count=1)
    rows = []
    for name, part in [(labels.get(k, str(k)), g.xs(k, level=0)) for k in groups] + [
        (total_label, tot)
    ]:
        row = {"age group": name}
        for y in years:
            r = part.loc[y] if y in part.index else None
            row[year_label(y)] = (
                None
                if r is None
                else _with_range(r["places"], r["places_lower"], r["places_upper"])
            )
        last = part.loc[years[-1]] if years[-1] in part.index else None
        row[supply] = None if last is None else last[supply]
        row[f"short {fmt_year(years[-1])}"] = None if last is None else last["shortfall"]
        rows.append(row)
    return pd.DataFrame(rows)


def send_table(data) -> Table | None:
    """Special school places needed by age group at the latest count, 5 years on and the last
    year, in the central scenario, with capacity and shortfall."""
    s = data.send
    if s is None or s.empty:
        return None
    scen = central_scenario(s, getattr(data, "send_scenario", None))
    if scen is not None:
        s = s[s["scenario"] == scen]
    observed = s.loc[s[nc.KIND] != "forecast", nc.YEAR]
    y0 = int(observed.max()) if len(observed) else int(data.meta["base_year"])
    last = int(s[nc.YEAR].max())
    years = sorted({y0, min(y0 + 5, last), last})
    actual = set(s.loc[s[nc.KIND] == "actual", nc.YEAR].astype(int))
    out = _milestone_table(
        s[s[nc.YEAR].isin(years)],
        nc.PHASE,
        SEND_PHASE_LABELS,
        years,
        nc.CAPACITY,
        "all special school places",
        lambda y: fmt_year(y) + (" (actual)" if y in actual else ""),
    )
    fm = {c: "range" for c in out.columns[1:-2]}
    fm.update({nc.CAPACITY: "count", f"short {fmt_year(last)}": "count"})
    title = "Special school places needed" + (f" ('{scen}' scenario)" if scen else "")
    return Table(
        title,
        out,
        fm,
        "Children and young people with EHC plans x the share placed in special schools "
        "(state-funded, independent and non-maintained), by age group; 80% range in "
        "brackets (the total adds the age groups' ranges). Short = places needed beyond "
        "capacity, counted by age group, no margin. Every year and scenario: appendix, "
        "sheet SEND." + ROUNDING_NOTE,
    )


def send_scenarios_table(data) -> Table | None:
    """Special school places in each SEND scenario, 5 years on and in the last year."""
    s = data.send
    if s is None or s.empty or "scenario" not in s or s["scenario"].nunique() < 2:
        return None
    central = central_scenario(s, getattr(data, "send_scenario", None))
    names = [central] + [n for n in dict.fromkeys(s["scenario"]) if n != central]
    observed = s.loc[s[nc.KIND] != "forecast", nc.YEAR]
    last = int(s[nc.YEAR].max())
    mid = min(int(observed.max()) + 5, last) if len(observed) else last
    g = s.groupby(["scenario", nc.YEAR])[["places", nc.CAPACITY, "shortfall"]].sum(min_count=1)
    rows = []
    for n in names:
        rows.append(
            {
                "scenario": n + (" (central)" if n == central else ""),
                "assumption": SCENARIO_TEXT.get(n, ""),
                f"places {fmt_year(mid)}": g.loc[(n, mid), "places"],
                f"places {fmt_year(last)}": g.loc[(n, last), "places"],
                f"short {fmt_year(last)}": g.loc[(n, last), "shortfall"],
            }
        )
    out = pd.DataFrame(rows)
    fm = {c: "count" for c in out.columns if c.startswith(("places", "short"))}
    return Table(
        "Special school places by scenario",
        out,
        fm,
        "Short = places needed beyond capacity, counted by age group, no margin.",
    )


def early_years_table(data) -> Table | None:
    """Funded early years places (FTE) by age group now, 5 years on and in the last year,
    against supply."""
    e = data.early_years
    if e is None or e.empty:
        return None
    base = int(data.meta["base_year"])
    e = e[e[nc.YEAR] >= base]
    if e.empty:
        return None
    last = int(e[nc.YEAR].max())
    years = sorted({base, min(base + 5, last), last})
    out = _milestone_table(
        e[e[nc.YEAR].isin(years)], "age", AGE_LABELS, years, "supply", "all funded places", fmt_year
    )
    fm = {c: "range" for c in out.columns[1:-2]}
    fm.update({"supply": "count", f"short {fmt_year(last)}": "count"})
    return Table(
        "Funded early years places needed (full-time equivalent)",
        out,
        fm,
        "Eligible children x take-up x funded hours / hours of a full-time place; 80% "
        "range in brackets (the total adds the age groups' ranges). Short = places "
        "needed beyond supply, counted by planning area and age group, no margin. Every "
        "year and area: appendix, sheet Early years." + ROUNDING_NOTE,
    )


def appendix_tables(data) -> dict[str, Table]:
    """Every table of the Excel appendix, full detail, keyed by sheet name (<= 31 chars)."""
    t: dict[str, Table] = {}
    if data.forecast is not None:
        f = data.forecast.copy()
        fm = {
            c: "count" for c in f.columns if c.startswith(nc.PUPILS) or c in ("cohort", "housing")
        }
        t["Forecast by year group"] = Table(
            "Pupils by planning area, year group and year",
            f,
            fm,
            "kind: actual/derived history, forecast beyond the base year (supplied: a figure "
            "given in the model's known intake, [data.intake]); pupils_lower/upper "
            "= 80% interval, *_95 = 95% interval.",
        )
    if data.demand is not None:
        fm = {c: "count" for c in data.demand.columns if c.startswith("demand")}
        t["Demand by phase"] = Table(
            "Demand by planning area and phase of places",
            data.demand,
            fm,
            "Sum of DfE phases served by each phase of places.",
        )
    t["Capacity"] = Table(
        "School capacity",
        data.schools_named,
        {nc.CAPACITY: "count", "roll": "count"},
        "DfE SCAP school capacity; year groups of first, infant and junior "
        "schools from their names (ncy_named), as the area pages give them.",
    )
    if data.sufficiency is not None:
        fm = {
            c: "count"
            for c in (
                "demand",
                "demand_lower",
                "demand_upper",
                "capacity",
                "surplus",
                "required",
                "shortfall",
            )
        }
        fm["surplus_pct"] = "pct_down"
        t["Surplus and shortfall"] = Table(
            "Surplus and shortfall", data.sufficiency, fm, _suff_note(data)
        )
    prev = getattr(data, "previous", None)
    if prev is not None:
        f = prev.to_frame()
        f.insert(1, "name", [data.area_name(a) if a != TOTAL else "" for a in f[nc.AREA]])
        t["Changes since last forecast"] = Table(
            "This report's forecast against the previous forecast",
            f,
            {
                "previous": "count",
                "current": "count",
                "change": "count",
                "change_pct": "pct_signed",
            },
            f"Previous: {prev.sources[0]} (from {fmt_year(prev.previous_base)}); current: this "
            f"report's forecast (from {fmt_year(prev.current_base)}); phase totals by DfE "
            "phase; area 'all areas': the sum over the areas both have.",
        )
    for name, fn in (
        ("Plan", plan_table),
        ("Capital programme", capital_programme),
        ("Pupils placed next door", moves_table),
    ):
        tab = fn(data)
        if tab is not None:
            t[name] = tab
    if data.before_after is not None:
        fm = {
            c: "count" for c in data.before_after.columns if c not in (nc.AREA, nc.PHASE, nc.YEAR)
        }
        # a fraction (-0.12), not places: as a count Excel showed it as "-0"
        fm.update({c: "pct_down" for c in fm if "pct" in c})
        t["Before and after"] = Table("Places before and after the plan", data.before_after, fm, "")
    binding = getattr(data, "binding", None)
    if binding is not None and not binding.empty:
        b = binding.copy()
        b[nc.YEAR] = pd.to_numeric(b[nc.YEAR], errors="coerce").astype("Int64")
        if data.options is not None and {"option", "kind"} <= set(data.options.columns):
            # generated option identifiers ("8850017:secondary:bulge_class") in words
            kind = dict(zip(data.options["option"], data.options["kind"]))
            b["option"] = [
                f"{str(kind[o]).replace('_', ' ')} ({data.area_name(o.split(':', 1)[0])})"
                if o in kind and re.match(r"^[A-Z]?\d+:", str(o))
                else o
                for o in b["option"]
            ]
        t["Binding constraints"] = Table(
            "What stopped the plan doing more or sooner",
            b,
            {},
            "family: sufficiency (the minimum margin is met exactly, or a shortfall is left, in "
            "that area and year: the places the plan had to find), lead_time (an option cannot "
            "open before its earliest year; 'short N place-years before' = the shortfall left "
            "in the years before it could open), module_limit (the most modules allowed a year, "
            "or in all), budget (the capital budget is spent).",
        )
    if data.options is not None:
        t["Options"] = Table(
            "Options considered",
            data.options,
            {c: "gbp" for c in data.options.columns if "cost" in c or c == "revenue_per_place"},
            "",
        )
    if data.key_decision is not None and data.key_decision.get("table") is not None:
        kt = data.key_decision["table"]
        fm = {"places": "count", "cost": "gbp", "cost_per_place": "gbp", "opens": "int"}
        fm.update({c: "count" for c in kt.columns if "shortfall" in c})
        t["Options appraisal"] = Table(
            "Options appraisal of the key decision", kt, fm, key_decision_table(data).note
        )
    if data.send is not None:
        t["SEND"] = Table(
            "Special school places",
            data.send,
            {
                c: "count"
                for c in data.send.columns
                if c.startswith("places") or c in ("capacity", "shortfall")
            },
            "",
        )
    if data.early_years is not None:
        t["Early years"] = Table(
            "Early years places",
            data.early_years,
            {
                c: "count"
                for c in data.early_years.columns
                if c.startswith("places") or c in ("children", "supply", "shortfall")
            },
            "",
        )
    acc = accuracy_sheet(data)
    if acc is not None:
        t["Accuracy"] = acc
    pt = published_table(data)
    if pt is not None:
        t["Council's own return"] = pt
    t["Assumptions"] = Table("Assumptions", data.assumptions, {}, "")
    t["Sources"] = Table(
        "Sources",
        data.sources,
        {},
        "Contains public sector information licensed under the Open Government Licence v3.0.",
    )
    return t
