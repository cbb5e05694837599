"""Render a :class:`ReportData` as HTML, PDF, XLSX, the SCAP CSV and ``summary.json``.

HTML and PDF come from one jinja2 template (``templates/report.html.j2``, CSS inline, charts
inline as SVG); the PDF is the HTML laid out by WeasyPrint for A4 with page numbers and a
contents page. Every file is written atomically (temporary file in the same folder, then
``os.replace``), so a reader never sees half a report.
"""

from __future__ import annotations

import base64
import io
import itertools
import json
import logging
import math
import os
import pickle
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import nomenclature as nc
from .._files import FIXED_STAMP, atomic_write, deterministic_xlsx
from . import analysis, charts, tables, text
from .scap import scap_frame

__all__ = [
    "render_html",
    "render_pdf",
    "render_xlsx",
    "render_scap",
    "render_summary_json",
    "write_report",
    "atomic_write",
    "page_sections",
    "start_pdf_worker",
    "OUTPUT_FILES",
]

logger = logging.getLogger(__name__)

OUTPUT_FILES = {
    "html": "report.html",
    "pdf": "report.pdf",
    "xlsx": "appendix.xlsx",
    "scap": "scap_pupil_forecasts.csv",
    "json": "summary.json",
}

GLOSSARY = (
    ("Academic year", "September to August, named by its start: 2027/28 starts September 2027."),
    ("Reception (R), Year 1-13 (Y1-Y13)", "National curriculum year groups."),
    ("Planning area", "A group of schools the DfE uses to compare pupils with places (SCAP)."),
    ("Net capacity", "The number of pupil places a school can hold (DfE method)."),
    (
        "Surplus",
        "Places minus pupils; the surplus % is a percentage of pupils (demand), not "
        "of places (national 'unfilled places' figures are a share of places).",
    ),
    ("Margin", "Spare places kept for parental preference and pupils moving in mid-year."),
    (
        "Shortfall",
        "Places needed to keep the margin: pupils x (1 + margin) - places, if positive. "
        "Counted per planning area over the year groups its schools teach; never "
        "offset between areas. Within an area, the public data give capacity by "
        "school, not by year group, so spare places in one year group (sixth form, "
        "say) count against pressure in another (Year 7, say).",
    ),
    (
        "Bulge class",
        "A temporary extra class of 30 for one cohort, kept as it moves up the "
        "school (7 years in primary, 5 in secondary).",
    ),
    (
        "Place-year",
        "One place short (or added) for one year: 30 places short for 2 years = 60 place-years.",
    ),
    (
        "Binding constraint",
        "A limit that stopped the plan doing more or sooner: an option's "
        "earliest opening (lead time), the most modules allowed a year, or "
        "the budget.",
    ),
    (
        "Backtest",
        "Forecasts made afterwards as if from an earlier year, with only the data "
        "available then, and compared with what happened.",
    ),
    (
        "80% / 95% range",
        "The range the forecast expects the outcome to fall in 8 (19) times in 10 (20).",
    ),
    ("Derived", "Figures the engine computed from published totals, not observed directly."),
    ("Three-tier", "First (R-Y4), middle (Y5-Y8) and high (Y9-Y13) schools."),
    ("SCAP", "The DfE School Capacity survey: pupil forecasts and capacity by planning area."),
    ("EHC plan", "Education, health and care plan for a child with special educational needs."),
    ("FE (form of entry)", "30 pupils per year group."),
    (
        "FTE place (early years)",
        "A full-time-equivalent funded place: 30 funded hours a week over "
        "38 weeks (two children taking 15 hours share one).",
    ),
    (
        "Scenario (SEND)",
        "An assumption about how the share of children with an EHC plan "
        "changes; the plan uses the central one, the others show the range.",
    ),
    (
        "Births nowcast",
        "Births for the first mid-year not yet in the data, estimated from the "
        "latest calendar-year births, which cover its first six months.",
    ),
    ("RAG", "Red / amber / green / blue rating of a planning area's surplus."),
)


def glossary(data) -> tuple:
    """The glossary terms this report uses: "Three-tier" only where an area has first and
    middle schools."""
    three_tier = (
        data.areas is not None
        and "tiers" in data.areas
        and (data.areas["tiers"].astype(str).str.contains("three").any())
    )
    terms = tuple(t for t in GLOSSARY if three_tier or t[0] != "Three-tier")
    if (
        data.areas is not None
        and "year_groups" in data.areas
        and (data.areas["year_groups"].astype(bool).any())
    ):
        terms = tuple(
            (
                k,
                v.replace(
                    "(7 years in primary, 5 in secondary)",
                    "(7 years in primary, 5 in secondary; where an area's "
                    "schools teach only some year groups, as many as they "
                    "teach before the sixth form: 5 in a first-school area, "
                    "2 in a middle-school area, 3 in a high-school area)",
                ),
            )
            for k, v in terms
        )
    return terms


OGL = (
    "Contains public sector information licensed under the Open Government Licence v3.0 "
    "(https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/)."
)


# ---------------------------------------------------------------------------
# Sections (shared by HTML and PDF)
# ---------------------------------------------------------------------------
def _area_capacity(data, area: str, phase: str) -> pd.DataFrame | None:
    s = data.sufficiency
    if s is None or s.empty:
        return None
    c = s[(s[nc.AREA] == area) & (s[nc.PHASE] == phase)][[nc.YEAR, nc.CAPACITY]].copy()
    ba = data.before_after
    if ba is not None and not ba.empty and "capacity_after" in ba:
        b = ba[(ba[nc.AREA] == area) & (ba[nc.PHASE] == phase)].set_index(nc.YEAR)["capacity_after"]
        c["capacity_after"] = (
            b.reindex(c[nc.YEAR]).fillna(c.set_index(nc.YEAR)[nc.CAPACITY]).to_numpy()
        )
    return c


def chart_jobs(data) -> list[tuple[tuple, str, tuple, dict]]:
    """Every chart the report draws, as ``(key, function name in charts, args, kwargs)``, in
    the order the report prints them: one per planning area and phase (key ``(area, phase)``,
    where there is demand), then the authority chart of each phase (key ``(None, phase)``)."""
    jobs = []
    if data.demand is not None:
        for r in data.areas.itertuples(index=False):
            d = data.demand[(data.demand[nc.AREA] == r.area) & (data.demand[nc.PHASE] == r.phase)]
            if len(d):
                jobs.append(
                    (
                        (r.area, r.phase),
                        "area_chart",
                        (d, _area_capacity(data, r.area, r.phase)),
                        {
                            "title": f"{text.area_label(r.name, r.phase)}: pupils and places",
                            "base_year": data.meta["base_year"],
                        },
                    )
                )
    if data.sufficiency is not None and not data.sufficiency.empty:
        for ph in ("primary", "secondary"):
            if (data.sufficiency[nc.PHASE] == ph).any():
                label = text.PHASE_LABELS[ph]
                jobs.append(
                    (
                        (None, ph),
                        "phase_chart",
                        (data.sufficiency, ph),
                        {
                            "title": f"{label[:1].upper() + label[1:]}: authority demand and places",
                            "base_year": data.meta["base_year"],
                        },
                    )
                )
    if data.send is not None and not data.send.empty:
        central = analysis.central_scenario(data.send, data.send_scenario)
        after = None
        ba = data.before_after
        if ba is not None and not ba.empty and (ba[nc.PHASE] == "special").any():
            after = (
                ba[ba[nc.PHASE] == "special"]
                .groupby(nc.YEAR, as_index=False)["capacity_after"]
                .sum()
            )
        jobs.append(
            (
                ("send", None),
                "send_chart",
                (data.send, central),
                {
                    "capacity_after": after,
                    "title": "Special school places: placements, forecast and places",
                },
            )
        )
    if data.early_years is not None and not data.early_years.empty:
        ey = data.early_years[data.early_years[nc.YEAR] >= data.meta["base_year"]]
        if len(ey):
            jobs.append(
                (
                    ("early_years", None),
                    "early_years_chart",
                    (ey,),
                    {
                        "labels": dict(text.AGE_LABELS),
                        "title": "Funded early years places (FTE) by age group",
                    },
                )
            )
    return jobs


def draw_charts(jobs) -> list[str]:
    """Draw chart jobs (from :func:`chart_jobs`) in this process; returns their SVG texts."""
    return [getattr(charts, name)(*args, **kwargs) for _, name, args, kwargs in jobs]


def _draw_here(jobs):
    """The default ``drawer`` of :func:`page_sections`: every chart in this process."""
    return lambda: draw_charts(jobs)


def page_sections(data, drawer=_draw_here) -> dict[str, Any]:
    """Everything the template prints, computed once from ``data``.

    ``drawer(jobs)`` starts drawing the :func:`chart_jobs` and returns a callable that
    returns their SVG texts; it is called after the tables are built, so that a drawer
    sharing the charts with another process (as :func:`write_report` does) draws meanwhile.
    """
    jobs = chart_jobs(data)
    collect = drawer(jobs)
    areas = []
    for r in data.areas.itertuples(index=False):
        area, phase = r.area, r.phase
        short = False
        if data.sufficiency is not None and not data.sufficiency.empty:
            sa = data.sufficiency
            short = bool(
                (
                    (sa[nc.AREA] == area)
                    & (sa[nc.YEAR] > data.meta["base_year"])
                    & analysis.is_short(sa)
                ).any()
            )
        plan_rows = None
        if data.plan is not None and len(data.plan):
            mine = data.plan[
                (data.plan[nc.AREA].astype(str) == area)
                & (data.plan[nc.PHASE] == phase if nc.PHASE in data.plan else True)
            ]
            if len(mine):
                cols = tables.plan_columns(mine, tables.PLAN_COLUMNS[1:])
                plan_rows = tables.Table(
                    ("Proposed" if text.proposed(data) else "Recommended") + " for this area",
                    cols.rename(columns=tables.PLAN_HEADERS),
                    tables.PLAN_FORMATS,
                    "Year = the academic year the places open; "
                    + tables.PLAN_NOTE
                    + tables.fill_note(cols),
                )
        areas.append(
            {
                "code": area,
                "name": r.name,
                "label": text.area_label(r.name, phase),  # as the contents list it
                "heading": text.area_heading(r.name, phase, area),
                "phase": phase,
                "tiers": r.tiers,
                "schools_count": r.schools,
                "derived": data.history_derived(area),
                "capacity": r.capacity,
                "schools": tables.schools_table(data, area),
                "years": tables.area_year_table(data, area),
                "commentary": text.area_commentary(data, area),
                # options only where there is something to decide (a shortfall or a project)
                "options": tables.options_table(data, area)
                if (plan_rows is not None or short)
                else None,
                "no_need": not short and plan_rows is None,
                # the key decision's area: appraised in section 7 even without a central shortfall
                "key": (
                    data.key_decision is not None
                    and data.key_decision.get("table") is not None
                    and str(data.key_decision["area"]) == str(area)
                    and data.key_decision.get("phase") == phase
                ),
                "plan": plan_rows,
            }
        )
    svgs = dict(zip([key for key, *_ in jobs], collect()))
    for a in areas:
        a["chart"] = svgs.get((a["code"], a["phase"]))
    phase_charts = [svgs[k] for k in ((None, "primary"), (None, "secondary")) if k in svgs]
    recs = text.recommendations(data)
    return {
        "recommendations": recs,
        "decisions_sought": text.decisions_sought(data, recs),
        "summary": text.executive_summary(data),
        "key_figures": tables.key_figures_table(data),
        "phase_charts": phase_charts,
        "rag": tables.rag_table(data),
        "accuracy": tables.accuracy_table(data),
        "accuracy_text": text.accuracy_sentences(data),
        "accuracy_command": text.accuracy_command(data),
        "benchmark": text.benchmark_sentence(data),
        "previous": tables.previous_accuracy_table(data),
        "previous_changes": tables.previous_changes_table(data),
        "previous_text": text.previous_sentences(data),
        "published": tables.published_table(data),
        "published_text": text.published_sentences(data),
        "areas": areas,
        "area_definitions": tables.area_table_definitions(data)
        if data.sufficiency is not None
        else "",
        "send": tables.send_table(data),
        "send_scenarios": tables.send_scenarios_table(data),
        "send_text": text.send_commentary(data),
        "send_chart": svgs.get(("send", None)),
        "early_years": tables.early_years_table(data),
        "early_years_text": text.early_years_commentary(data),
        "early_years_chart": svgs.get(("early_years", None)),
        "key": tables.key_decision_table(data),
        "key_years": tables.key_decision_years(data),
        "key_decision": data.key_decision,
        # approval withheld until current capacity is confirmed: proposed, not recommended
        "proposed": text.proposed(data),
        "key_proposed": analysis.key_decision_withheld(data),
        "key_heading": text.key_decision_heading(data),
        "one_area_per_phase": text.one_area_per_phase(data),
        "derived_scope": text.derived_scope(data),
        "no_key_decision": text.no_key_decision(data) if data.key_decision is None else "",
        "warnings": text.warnings_listed(data),
        "key_nothing": text.key_decision_nothing(data),
        "decisions": [(k, text.council_style(str(v))) for k, v in data.decisions.items()],
        "plan": tables.plan_table(data),
        "capital": tables.capital_programme(data),
        "glossary": glossary(data),
        "ogl": OGL,
    }


def _env():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["count"] = text.fmt_count
    env.filters["gbp_m"] = text.fmt_gbp_m
    env.filters["gbp"] = text.fmt_gbp
    env.filters["pct"] = text.fmt_pct
    env.filters["ayear"] = text.fmt_year
    env.filters["plain"] = text.plain_note
    env.filters["part"] = text.part_label
    env.globals["format_cell"] = tables.format_cell
    return env


def _svg_as_image(svg: str) -> str:
    """An SVG chart as an ``<img>`` with a data URI: the same drawing, but WeasyPrint then
    renders it as one image instead of styling and laying out each of its elements as part of
    the document (about half the PDF's layout time for the Worcestershire report)."""
    payload = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    # the chart's own name as its alternative text ("chart" told a screen reader nothing)
    m = re.search(r'<svg\b[^>]*\baria-label="([^"]*)"', svg)
    alt = m.group(1) if m else "chart"
    return f'<img alt="{alt}" src="data:image/svg+xml;base64,{payload}">'


def _scoped_ids(svg: str, prefix: str) -> str:
    """One inline SVG's element ids (and the ``url(#...)`` and ``href="#..."`` references to
    them) prefixed with ``prefix``: matplotlib numbers each figure's ids from 1
    ("figure_1", "axes_1", "legend_1"), so the HTML report's 37 charts repeated 111 ids, which an
    accessibility check fails (WCAG 2.1, 4.1.1 Parsing) and which leaves each chart's
    references to resolve against whichever chart came first."""
    ids = set(re.findall(r'(?<=\s)id="([^"]+)"', svg))
    if not ids:
        return svg
    svg = re.sub(r'(?<=\s)id="([^"]+)"', lambda m: f'id="{prefix}{m[1]}"', svg)
    svg = re.sub(
        r"url\(#([^)]+)\)",
        lambda m: f"url(#{prefix}{m[1]})" if m[1] in ids else m[0],
        svg,
    )
    return re.sub(
        r'(?<=\s)((?:xlink:)?href)="#([^"]+)"',
        lambda m: f'{m[1]}="#{prefix}{m[2]}"' if m[2] in ids else m[0],
        svg,
    )


def render_html(data, sections: dict | None = None, *, for_pdf: bool = False) -> str:
    """The report as one self-contained HTML page (inline CSS, inline SVG charts).

    With ``for_pdf=True`` each chart is the same SVG embedded as an image (see
    :func:`_svg_as_image`), for :func:`render_pdf`; the text and tables are identical.
    """
    from markupsafe import Markup

    sections = sections or page_sections(data)
    env = _env()
    if for_pdf:
        as_markup = _svg_as_image
    else:
        # each inline chart's ids get their own prefix, in the template's (fixed) order
        count = itertools.count(1)

        def as_markup(s: str) -> str:
            return _scoped_ids(s, f"chart{next(count)}-")

    env.globals["svg"] = lambda s: Markup(as_markup(s)) if s else ""
    return env.get_template("report.html.j2").render(data=data, s=sections, meta=data.meta)


def render_pdf(html: str) -> bytes:
    """Lay out the report HTML for A4 with WeasyPrint (page numbers, contents page)."""
    import weasyprint

    # weasyprint logs every unsupported CSS property at WARNING; keep them out of the CLI
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    # fontTools stamps embedded font subsets with the current time unless SOURCE_DATE_EPOCH is
    # set: fix it (for this call only) so the same report gives the same bytes
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = saved or "0"
    try:
        return weasyprint.HTML(string=html, base_url=str(Path(__file__).parent)).write_pdf()
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]


_XL_FORMATS = {
    "count": "#,##0",
    "short": "#,##0.0",  # the workbook holds the exact value: 0.2 short, not 0
    "gbp": "£#,##0",
    "gbp_m": "£#,##0",
    "gbp_m2": "£#,##0",
    "pct": "0.0%",
    "pct_down": "0.00%",  # the workbook holds the exact value: two decimals, not a rounded 5.0%
    "pct_signed": "+0.0%;-0.0%;0.0%",
    "pct_signed2": "+0.00%;-0.00%;0.00%",
    "year": "0",
    "int": "0",
}
_XL_MONEY = frozenset({"gbp", "gbp_m", "gbp_m2"})


def _cell(v):
    if v is None:
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        return None if not math.isfinite(float(v)) else float(v)
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, (tuple, list, dict)):
        return json.dumps(v, default=str)
    if v is pd.NA or v is pd.NaT:
        return None
    return v if isinstance(v, (int, str)) else str(v)


def _columns_sheet(wb, tabs: dict, header_fill) -> None:
    """The appendix's data dictionary, last sheet ``Columns``: for every sheet's column and
    the SCAP CSVs' columns, its unit and what it holds (:mod:`sufficiency._columns`); a
    heading in words (``cost per place``) is its own description."""
    from openpyxl.styles import Font

    from .._columns import describe
    from .scap import SCAP_COLUMNS, SCAP_SPECIAL_COLUMNS

    ws = wb.create_sheet("Columns")
    ws.append(["sheet or file", "column", "unit", "description"])
    for c in ws[1]:
        c.font = Font(bold=True)
        c.fill = header_fill
    files = {name: [str(c) for c in t.frame.columns] for name, t in tabs.items()}
    files["scap_pupil_forecasts.csv"] = [*SCAP_COLUMNS, "history"]
    files["scap_special_places.csv"] = list(SCAP_SPECIAL_COLUMNS)
    for name, cols in files.items():
        for col in cols:
            unit, desc = describe(col, name)
            ws.append([name, col, unit, desc or "as its heading says"])
    ws.freeze_panes = "A2"
    for letter, width in zip("ABCD", (28, 28, 16, 100)):
        ws.column_dimensions[letter].width = width


def render_xlsx(data) -> bytes:
    """The Excel appendix: an About sheet, then one sheet per table, frozen header row,
    number formats (thousands, GBP, percentages)."""
    import datetime as dt

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    tabs = tables.appendix_tables(data)
    wb = Workbook()
    about = wb.active
    about.title = "About"
    m = data.meta
    rows = [
        (m["title"], ""),
        ("Authority", f"{m['authority_name']} ({m['authority']})"),
        ("Report date", m["report_date"]),
        ("Run identifier", m["run_id"]),
        ("Model", f"{m['model']} ({m['model_file']}), sufficiency {m['model_version']}"),
        ("Data vintage", m["data_vintage"]),
        ("Base year", nc.academic_year_label(m["base_year"])),
        # the sheets keep years as numbers, for sorting and formulas; said here so that a
        # finance officer does not read 2027 as a financial year (a Cabinet review)
        (
            "Years",
            f"A year column holds the academic year by its first calendar year: "
            f"{m['base_year']} = {nc.academic_year_label(m['base_year'])} (September "
            f"{m['base_year']} to August {m['base_year'] + 1}), not a financial year.",
        ),
        ("", ""),
        ("Sheet", "What it holds"),
    ]
    rows += [(name, f"{t.title}. {t.note}".strip()) for name, t in tabs.items()]
    rows += [
        (
            "Columns",
            "What each column of every sheet and of the SCAP CSV files holds, "
            "and its unit (pupils, places, GBP, fraction: 0.05 = 5%).",
        )
    ]
    rows += [("", ""), ("Not available in this run", "")]
    rows += [(k, v) for k, v in data.missing.items()]
    rows += [("", ""), ("Notes", "")] + [("", n) for n in data.notes]
    for label, notes in (
        ("Forecast notes", data.forecast_notes),
        ("SEND notes", data.send_notes),
        ("Early years notes", data.early_years_notes),
    ):
        if notes:
            rows += [("", ""), (label, "")] + [("", n) for n in notes]
    rows += [("", ""), ("Licence", OGL)]
    for r in rows:
        about.append(list(r))
    about["A1"].font = Font(bold=True, size=14)
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 120
    header_fill = PatternFill("solid", fgColor="DDE5F0")
    for name, t in tabs.items():
        ws = wb.create_sheet(name[:31])
        frame = t.frame.reset_index(drop=True)
        # money to the penny: a cost is an estimate, and 642405.2790000001 is not a price
        # (the cells keep pence, and show whole pounds)
        money = [
            c
            for c in frame.columns
            if t.fmt(c) in _XL_MONEY and pd.api.types.is_float_dtype(frame[c])
        ]
        if money:
            frame = frame.assign(**{str(c): frame[c].round(2) for c in money})
        cols = [str(c) for c in frame.columns]
        ws.append(cols)
        for c in ws[1]:
            c.font = Font(bold=True)
            c.fill = header_fill
            c.alignment = Alignment(wrap_text=True, vertical="top")
        values = frame.astype(object).to_numpy()
        for row in values:
            ws.append([_cell(v) for v in row])
        ws.freeze_panes = "A2"
        for j, col in enumerate(frame.columns, start=1):
            letter = get_column_letter(j)
            fmt = _XL_FORMATS.get(t.fmt(col))
            if fmt and len(frame):
                for (cell,) in ws.iter_rows(
                    min_row=2, max_row=len(frame) + 1, min_col=j, max_col=j
                ):
                    cell.number_format = fmt
            width = (
                max(len(str(col)), *(len(str(v)) for v in frame[col].head(50)))
                if len(frame)
                else len(str(col))
            )
            ws.column_dimensions[letter].width = min(60, max(9, width + 2))
        if len(frame):
            ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{len(frame) + 1}"
    _columns_sheet(wb, tabs, header_fill)
    try:  # the workbook's created/modified date: the report's date (deterministic_xlsx)
        stamp = dt.datetime.fromisoformat(str(m["report_date"])).strftime("%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        stamp = FIXED_STAMP
    wb.properties.creator = "sufficiency"
    buf = io.BytesIO()
    wb.save(buf)
    return deterministic_xlsx(buf.getvalue(), stamp)


#: the special school places file written with the SCAP pupil forecasts (when SEND is available)
SCAP_SPECIAL_FILE = "scap_special_places.csv"


def render_scap_special(data) -> str | None:
    """The special school places CSV for the SCAP return (central SEND scenario), or None
    without a SEND forecast."""
    from .scap import scap_special_frame

    if data.send is None or data.send.empty:
        return None
    frame = scap_special_frame(
        data.send,
        la_code=data.meta.get("old_la_code"),
        scenario=analysis.central_scenario(data.send, data.send_scenario),
    )
    return _mark_scenario(frame, data).to_csv(index=False, lineterminator="\n")


def _mark_scenario(frame: pd.DataFrame, data) -> pd.DataFrame:
    """A scenario's SCAP files say so on every row (``model_scenario``: its file, "not for
    submission"; an audit found them byte-identical to the central model's)."""
    sc = data.meta.get("scenario")
    if not sc:
        return frame
    return frame.assign(
        model_scenario=f"{sc['file']} (scenario of {sc['extends'][0]}; not for submission)"
    )


def render_scap(data) -> str | None:
    """The SCAP pupil forecast CSV text, or None without a forecast."""
    if data.forecast is None:
        return None
    la = None
    cfg_old = data.meta.get("old_la_code")
    if cfg_old is not None:
        la = cfg_old
    frame = scap_frame(data.forecast, data.areas, data.meta["base_year"], la_code=la)
    # the forecast rests on planning-area history: say whether that was observed or derived
    # (area by area: an area with the whole of its phase has the census's own count)
    codes = frame["planning_area"].astype(str)
    derived = (
        codes.isin(data.derived_areas)
        if data.derived_areas is not None
        else pd.Series(True, index=frame.index)
    )
    frame["history"] = np.where(derived.to_numpy() & bool(data.derived), "derived", "observed")
    return _mark_scenario(frame, data).to_csv(index=False, lineterminator="\n")


def _jsonable(o):
    if isinstance(o, dict):
        return {str(k): _jsonable(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_jsonable(v) for v in o]
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (float, np.floating)):
        return None if not math.isfinite(float(o)) else float(o)
    return o


def render_summary_json(data) -> str:
    """Headline figures as JSON (sorted keys, NaN as null)."""
    return json.dumps(_jsonable(data.headline()), indent=2, sort_keys=True, allow_nan=False) + "\n"


def start_pdf_worker():
    """Start the report's second process (see :mod:`sufficiency.report._pdf`): it warms up
    (imports WeasyPrint and matplotlib, loads fonts) while the caller runs the pipeline, draws
    two thirds of the charts and then lays the PDF out. Pass it to :func:`write_report` as
    ``pdf_worker``."""
    import subprocess
    import sys

    # stderr to a file, not a pipe: a chatty library can never fill it and block the worker
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sufficiency.report._pdf"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        encoding="utf-8",
    )
    proc.log = log
    return proc


def _worker_error(worker, what: str):
    from ..exceptions import SufficiencyError

    worker.wait()
    worker.log.seek(0)
    lines = worker.log.read().decode("utf-8", "replace").strip().splitlines()
    return SufficiencyError(
        f"{what}: {(lines[-1:] or ['no message'])[0]} "
        f"(report process exit status {worker.returncode})"
    )


def _shared_drawer(worker, scratch: Path, share: float = 2 / 3):
    """A ``drawer`` for :func:`page_sections` that sends the last ``share`` of the charts to
    ``worker`` at once and returns a callable that draws the rest here and collects the
    worker's (same SVG text either way). The worker takes the larger share because this
    process also builds the tables (and imports matplotlib) meanwhile."""

    def drawer(jobs):
        n_mine = len(jobs) - round(len(jobs) * share)
        mine, theirs = jobs[:n_mine], jobs[n_mine:]
        sent = False
        if theirs:
            src, dst = scratch / "chart-jobs.pkl", scratch / "charts.pkl"
            src.write_bytes(pickle.dumps(theirs, protocol=pickle.HIGHEST_PROTOCOL))
            try:
                worker.stdin.write(f"charts\n{src}\n{dst}\n")
                worker.stdin.flush()
                sent = True
            except OSError:
                pass

        def collect():
            svgs = draw_charts(mine)
            if theirs:
                if sent and worker.stdout.readline().strip() == "done":
                    svgs += pickle.loads(dst.read_bytes())
                else:
                    # the report process is gone: draw its share here; the PDF step reports why
                    logger.warning(
                        "the report process could not draw %d chart(s); drawn here", len(theirs)
                    )
                    svgs += draw_charts(theirs)
            return svgs

        return collect

    return drawer


def write_report(
    data,
    out_dir: str | Path,
    formats=tuple(OUTPUT_FILES),
    parallel: bool = True,
    pdf_worker=None,
) -> dict[str, Any]:
    """Write the report files to ``out_dir`` (atomically) and time each step.

    Parameters
    ----------
    data : ReportData
    out_dir : path-like
        Output folder (created if missing).
    formats : iterable of str
        Any of ``html, pdf, xlsx, scap, json``.
    parallel : bool
        Use a second process for two thirds of the charts and for the PDF, which it lays out
        while this one writes the other files.
    pdf_worker : subprocess.Popen, optional
        A worker from :func:`start_pdf_worker`, started early so that it is warm.

    Returns
    -------
    dict
        ``paths`` ({format: Path}) and ``seconds`` ({step: wall time [s]}).
    """
    out_dir = Path(out_dir)
    formats = (formats,) if isinstance(formats, str) else tuple(formats)  # "pdf": one format
    unknown = sorted(set(formats) - set(OUTPUT_FILES))
    if unknown:
        from ..exceptions import ConfigError

        raise ConfigError(f"report formats {unknown}: expected any of {sorted(OUTPUT_FILES)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    worker = pdf_worker
    if worker is None and parallel and "pdf" in formats:
        worker = start_pdf_worker()
    scratch = Path(tempfile.mkdtemp(prefix="sufficiency-report-"))
    try:
        return _write_report(data, out_dir, formats, worker, scratch)
    finally:
        if worker is not None and worker.poll() is None:
            worker.kill()  # only reached on an error: the worker exits after the PDF
            worker.wait()
        shutil.rmtree(scratch, ignore_errors=True)


def _write_report(data, out_dir: Path, formats, worker, scratch: Path) -> dict[str, Any]:
    paths: dict[str, Path] = {}
    secs: dict[str, float] = {}
    pdf_sent = False
    if "html" in formats or "pdf" in formats:
        t = time.perf_counter()
        drawer = _draw_here if worker is None else _shared_drawer(worker, scratch)
        sections = page_sections(data, drawer)
        if "html" in formats:
            paths["html"] = atomic_write(
                out_dir / OUTPUT_FILES["html"], render_html(data, sections)
            )
        pdf_html = render_html(data, sections, for_pdf=True) if "pdf" in formats else None
        secs["html"] = time.perf_counter() - t
    t_pdf = time.perf_counter()
    if "pdf" in formats:
        if worker is not None:
            # WeasyPrint is the slowest step: the worker lays the PDF out while this process
            # writes the workbook and the CSVs (same bytes either way)
            src = scratch / "report.html"
            src.write_text(pdf_html, encoding="utf-8")
            try:
                worker.stdin.write(f"pdf\n{src}\n{out_dir / OUTPUT_FILES['pdf']}\n")
                worker.stdin.close()
                pdf_sent = True
            except OSError:
                pass  # the worker is gone; reported below, after the other files
        else:
            paths["pdf"] = atomic_write(out_dir / OUTPUT_FILES["pdf"], render_pdf(pdf_html))
            secs["pdf"] = time.perf_counter() - t_pdf
    elif worker is not None:
        worker.stdin.close()  # no PDF wanted after all: the worker exits
    if "xlsx" in formats:
        t = time.perf_counter()
        paths["xlsx"] = atomic_write(out_dir / OUTPUT_FILES["xlsx"], render_xlsx(data))
        secs["xlsx"] = time.perf_counter() - t
    if "scap" in formats:
        t = time.perf_counter()
        scap = render_scap(data)
        if scap is not None:
            paths["scap"] = atomic_write(out_dir / OUTPUT_FILES["scap"], scap)
        else:
            logger.warning("no forecast in this run: %s not written", OUTPUT_FILES["scap"])
        special = render_scap_special(data)
        if special is not None:
            paths["scap_special"] = atomic_write(out_dir / SCAP_SPECIAL_FILE, special)
        secs["scap"] = time.perf_counter() - t
    if "json" in formats:
        paths["json"] = atomic_write(out_dir / OUTPUT_FILES["json"], render_summary_json(data))
    if worker is not None:
        if worker.wait() != 0 or ("pdf" in formats and not pdf_sent):
            raise _worker_error(worker, f"{OUTPUT_FILES['pdf']} could not be written")
        if "pdf" in formats:
            paths["pdf"] = out_dir / OUTPUT_FILES["pdf"]
            secs["pdf"] = time.perf_counter() - t_pdf
    return {"paths": paths, "seconds": secs}
