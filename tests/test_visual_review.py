"""A review by eye of the Worcestershire report (HTML screenshots in headless Chromium, 1280 and
400 px wide): each test pins a defect seen there, on synthetic figures so it runs in a second.

Positions are read from the SVG that matplotlib writes with its text kept as text: the
viewBox is in points (7 x 2.6 inches = 504 x 187.2), and a label's width is estimated at 0.62
of its font size a character (DejaVu Sans digits are 0.636 em, "/" 0.337 em).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from sufficiency.report.charts import early_years_chart, phase_chart

TEMPLATE = Path(__file__).parents[1] / "sufficiency" / "report" / "templates" / "report.html.j2"


def _view_width(svg: str) -> float:
    return float(re.search(r'viewBox="0 0 ([0-9.]+) [0-9.]+"', svg).group(1))


def _phase_frame() -> pd.DataFrame:
    """Two areas of one phase, 2011-2032, the forecast range widening from 2023 and up to about
    a thousand places short (the shape of Worcestershire's secondary chart)."""
    years = np.arange(2011, 2033)
    rows = []
    for area, base in (("A", 17000.0), ("B", 17500.0)):
        demand = base + 60.0 * (years - 2011)
        spread = np.where(years > 2022, 120.0 * (years - 2022), 0.0)
        rows.append(
            pd.DataFrame(
                {
                    "area": area,
                    "phase": "secondary",
                    "year": years,
                    "demand": demand,
                    "demand_lower": demand - spread,
                    "demand_upper": demand + spread,
                    "capacity": 18000.0,
                    "shortfall": np.clip(demand * 1.02 - 18000.0, 0, None),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def test_phase_chart_range_does_not_hide_the_shortfall_bars():
    # Worcestershire's secondary chart: the 80% range (on the axes drawn above the twin axis
    # of the shortfall bars) was opaque, so the bars of 2024/25-2032/33, the years of the
    # largest shortfalls, were hidden wherever the range covered them
    svg = phase_chart(_phase_frame(), "secondary", "Secondary")
    fills = re.findall(r'style="fill: #9ecae1(?:; fill-opacity: ([0-9.]+))?', svg)
    assert fills, "no 80% range drawn"
    assert all(op and float(op) < 0.8 for op in fills), fills


def test_phase_chart_legend_clear_of_the_shortfall_axis_label():
    # the legend's swatches started at x = 421.8 pt, on the twin axis's rotated label
    # "shortfall [places]" (baseline at x = 423, glyphs about 417-425): the "shortfall" swatch
    # sat on the label's top
    svg = phase_chart(_phase_frame(), "secondary", "Secondary")
    label_x = float(re.search(r'x="([0-9.]+)"[^>]*rotate\(-90[^>]*>shortfall \[places\]<', svg)[1])
    legend = svg[svg.index('<g id="legend_1">') :]
    handle_x = float(re.search(r'<path d="M ([0-9.]+) ', legend)[1])
    assert handle_x >= label_x + 6, (handle_x, label_x)
    # and the legend stays inside the figure (it must not be pushed off the right edge)
    text_x = float(re.search(r'x="([0-9.]+)"[^>]*>80% range<', legend)[1])
    assert text_x + len("80% range") * 0.62 * 7 <= _view_width(svg), text_x


def test_early_years_chart_last_year_label_inside_the_figure():
    # the last panel's last tick label "2032/33" (centred on its tick) ended within a point of
    # the figure's right edge: cut off by any renderer whose font is a little wider
    years = np.arange(2022, 2033)
    ey = pd.concat(
        [
            pd.DataFrame(
                {
                    "year": years,
                    "age": age,
                    "places": 1000.0 * (i + 1),
                    "places_lower": 900.0 * (i + 1),
                    "places_upper": 1100.0 * (i + 1),
                    "supply": 1050.0 * (i + 1),
                }
            )
            for i, age in enumerate(("under_2", "age_2", "age_3_4"))
        ],
        ignore_index=True,
    )
    svg = early_years_chart(ey, {"under_2": "under 2", "age_2": "2", "age_3_4": "3 and 4"}, "EY")
    xs = [float(x) for x in re.findall(r'x="([0-9.]+)"[^>]*>2032/33<', svg)]
    assert len(xs) == 3, xs
    half = len("2032/33") * 0.62 * 7 / 2
    assert max(xs) + half <= _view_width(svg) - 3, (max(xs), half)


def test_tables_scroll_sideways_on_a_narrow_screen():
    # on a 400 px phone the fixed table layout gave the RAG table's ten columns 35 px each:
    # area codes, percentages and the RAG words ran over one another; a narrow screen now keeps
    # the columns' natural widths and scrolls the table sideways (print is unchanged)
    css = TEMPLATE.read_text(encoding="utf-8")
    m = re.search(r"@media screen and \(max-width: (\d+)px\) \{(.*?)\n\}", css, re.S)
    assert m and int(m[1]) >= 480, "no narrow-screen rule"
    rule = m[2]
    assert re.search(r"table \{[^}]*display: block;[^}]*overflow-x: auto;", rule), rule
    assert "table-layout: auto" in rule, rule


def test_capacity_with_plan_starts_where_the_plan_adds_places():
    # Worcester City secondary: the green dash-dot "capacity with plan" was drawn from
    # 2011/12, over the red capacity line it equals until 2027/28, so the red line looked
    # striped red and green for sixteen years
    from sufficiency.report.charts import area_chart

    years = np.arange(2011, 2033)
    demand = pd.DataFrame(
        {
            "year": years,
            "demand": 5500.0,
            "demand_lower": 5400.0,
            "demand_upper": 5600.0,
            "kind": np.where(years <= 2022, "derived", "forecast"),
        }
    )
    capacity = pd.DataFrame(
        {
            "year": years,
            "capacity": 5676.0,
            "capacity_after": np.where(years >= 2027, 5736.0, 5676.0),
        }
    )
    svg = area_chart(demand, capacity, "Worcester City (secondary)", base_year=2022)

    def xs(colour: str) -> list[float]:
        m = re.search(
            r'<path d="(M [^"]*)"\s+clip-path="[^"]*"\s+style="[^"]*stroke: ' + colour, svg
        )
        assert m, colour
        return [float(x) for x in re.findall(r"[ML] ([0-9.]+) ", m[1])]

    red, green = xs("#d62728"), xs("#2ca02c")
    year = (max(red) - min(red)) / (2032 - 2011)  # the red step runs 2011/12 to 2032/33
    # the green line starts at 2026/27, the year before the plan adds places
    assert min(green) >= min(red) + (2026 - 2011) * year - 1, (min(red), min(green), year)


def test_names_without_spaces_break_inside_their_cell():
    # at A4 width the assumptions table's key "forecast.housing.yields.sixth_form" ran past the
    # table's right edge, and the sources table's "early_years_takeup" and
    # "published_position" ran over the next column's text
    css = TEMPLATE.read_text(encoding="utf-8")
    rules = re.findall(r"\n([^{}\n]+)\{([^}]*)\}", css.split("</style>")[0])
    wrapped = [sel for sel, body in rules if "overflow-wrap: anywhere" in body]
    selectors = {s.strip() for sel in wrapped for s in sel.split(",")}
    assert {"table.assumptions td.trace", "table.sources td"} <= selectors, selectors


def test_inline_charts_do_not_repeat_ids(report_html):
    # matplotlib numbers each figure's ids from 1, so the Worcestershire HTML report's 37
    # inline charts repeated 111 ids ("figure_1", "axes_1", "legend_1", clip paths...): invalid
    # HTML, failed by an accessibility check (WCAG 2.1, 4.1.1), and each chart's url(#...)
    # resolved against the first chart with that id
    from collections import Counter

    assert report_html.count("<svg") >= 2
    ids = Counter(re.findall(r'(?<=\s)id="([^"]+)"', report_html))
    assert not [k for k, n in ids.items() if n > 1], [k for k, n in ids.items() if n > 1][:5]
    refs = re.findall(r"url\(#([^)]+)\)", report_html)
    refs += re.findall(r'(?<=\s)(?:xlink:)?href="#([^"]+)"', report_html)
    assert refs and not [r for r in refs if r not in ids], [r for r in refs if r not in ids][:5]
    # each chart's references stay inside that chart
    for svg in re.findall(r"<svg\b.*?</svg>", report_html, re.S):
        own = set(re.findall(r'(?<=\s)id="([^"]+)"', svg))
        used = set(re.findall(r"url\(#([^)]+)\)", svg))
        used |= set(re.findall(r'(?<=\s)(?:xlink:)?href="#([^"]+)"', svg))
        assert used <= own, sorted(used - own)[:5]


def test_area_tables_align_the_80pc_range_with_the_figures(report_html):
    # an area page's table set "959-986" left beside the right-aligned demand "972": the row
    # read "972  959-986", one figure run into the next; the range is now aligned as a number
    heads = re.findall(r"<thead><tr>(.*?)</tr></thead>", report_html)
    area = [h for h in heads if ">demand</th>" in h and ">80% range</th>" in h]
    assert area, "no area table"
    assert all('<th scope="col" class="num">80% range</th>' in h for h in area), area[0]
    body = re.search(r'<td class="num">[0-9,]+-[0-9,]+</td>', report_html)
    assert body, "no range cell aligned as a number"


def test_phase_chart_says_where_the_census_ends():
    # the county charts drew demand as one solid line with no mark where the census ends
    # and the forecast begins, unlike the area charts (solid history, dashed forecast, a
    # dotted rule at the base year); synthetic figures, base year 2022
    plain = phase_chart(_phase_frame(), "secondary", "Secondary")
    svg = phase_chart(_phase_frame(), "secondary", "Secondary", base_year=2022)
    legend = svg[svg.index('<g id="legend_1">') :]
    assert ">census<" in legend and ">forecast<" in legend, legend[:2000]
    assert ">demand<" not in legend and ">demand<" in plain
    # one more dashed line (the forecast) and one dotted rule than the chart without it
    assert svg.count("stroke-dasharray") >= plain.count("stroke-dasharray") + 2


def test_capital_programme_costs_in_one_unit(report_run):
    # the capital programme printed "£286k" above "£12.1m" and "£0.0m" for a year without
    # spend: a column of money in two units (the default model's plan, real data)
    from sufficiency.report.tables import capital_programme, format_cell

    t = capital_programme(report_run[2])
    costs = [c for c in t.frame.columns if "cost" in c]
    assert costs and {t.fmt(c) for c in costs} == {"gbp_m2"}
    shown = [format_cell(v, "gbp_m2") for c in costs for v in t.frame[c] if v == v]
    assert all(re.fullmatch(r"£0|£[0-9,]+\.[0-9]{2}m", s) for s in shown), shown
    assert format_cell(286126.0, "gbp_m2") == "£0.29m"
    assert format_cell(-2_400_000.0, "gbp_m2") == "-£2.40m"


def test_every_header_cell_says_what_it_heads(report_html):
    # the assumptions table's header cells had no scope (WCAG 2.1 1.3.1: a screen reader
    # cannot tell a column heading from a topic row); every <th> now has one (default
    # model's report, real data)
    ths = re.findall(r"<th\b[^>]*>", report_html)
    assert ths and all("scope=" in th for th in ths), [t for t in ths if "scope=" not in t][:3]
