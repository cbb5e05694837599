"""Polish of what users read, found by reading the outputs of the default model (real data)
and of ``sufficiency new E08000031`` (Wolverhampton, real data): the appendix kept costs to
fractions of a penny (642405.2790000001), and ``data list`` called every planning area's
pupil history derived where an area has the whole of its phase (the census's own count)."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from conftest import new_model

from sufficiency.cli import cli


def test_appendix_costs_are_to_the_penny(report_run):
    """Every money cell of the default report's appendix (real data) is pounds and pence."""
    from openpyxl import load_workbook

    from sufficiency.report.render import _XL_FORMATS, _XL_MONEY, render_xlsx

    money_formats = {_XL_FORMATS[k] for k in _XL_MONEY}
    wb = load_workbook(io.BytesIO(render_xlsx(report_run[2])), read_only=False)
    seen = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if cell.number_format in money_formats and isinstance(cell.value, float):
                    seen += 1
                    assert round(cell.value, 2) == cell.value, (ws.title, cell.coordinate)
    # the plan's, the capital programme's and the options' costs: there are many
    assert seen > 50


def test_data_list_says_which_areas_have_the_census_count(tmp_path):
    """Wolverhampton (3 primary planning areas, 1 secondary): the secondary area's history is
    the census's own count, the primary areas' are apportioned."""
    model = new_model(tmp_path, "E08000031", "wolverhampton")
    res = CliRunner().invoke(cli, ["data", "list", str(model)])
    assert res.exit_code == 0, res.output
    read = res.output.split("Read:", 1)[1]
    line = next(s for s in read.splitlines() if s.strip().startswith("pupils_by_area "))
    assert " derived " in line
    assert "(3 of 4 areas derived; 1 with the whole of its phase, the census's own count)" in line


def test_data_list_of_a_wholly_derived_history_has_no_count(model_path):
    """Worcestershire: every area shares its phase, so all are derived; nothing added."""
    res = CliRunner().invoke(cli, ["data", "list", str(model_path)])
    assert res.exit_code == 0, res.output
    assert "areas derived" not in res.output


def test_county_chart_says_its_shortfall_bars_are_the_areas_added_up(report_run):
    """Worcestershire's primary chart (real data) drew shortfall bars of up to 300 places
    under a demand line 2,000 places below the county's capacity, labelled "shortfall": the
    bars are the short areas' shortfalls added up, which the legend now says."""
    from sufficiency.report.charts import phase_chart

    svg = phase_chart(report_run[2].sufficiency, "primary", "Primary", base_year=2022)
    legend = svg[svg.index('<g id="legend_1">') :]
    assert ">shortfall<" in legend and ">of areas<" in legend and ">(sum)<" in legend


def test_executive_summary_opens_with_the_key_figures(report_run, report_html):
    """The default report (real data): the executive summary gave its 18 figures of the
    position (pupils, places, surplus, areas short, places needed, by phase at 0, 5 and 10
    years) only in six paragraphs of prose; a table now opens it, with the same figures."""
    from sufficiency.report.analysis import position_at
    from sufficiency.report.tables import key_figures_table
    from sufficiency.report.text import executive_summary

    data = report_run[2]
    t = key_figures_table(data)
    shown = t.display()
    assert len(shown) == 6 and list(shown["years on"]) == ["0", "5", "10"] * 2
    paras = executive_summary(data)
    for row, (phase, (_, year)) in zip(
        shown.itertuples(index=False),
        [(p, m) for p in ("primary", "secondary") for m in data.milestones],
    ):
        pos = position_at(data.sufficiency, phase, year, data.intake_areas)
        # the paragraph of that phase and year says the same figures
        para = next(p for p in paras if p.lower().startswith(f"{row.phase}, {row.year} (".lower()))
        assert f"{row.pupils} pupils against {row.places} places" in para
        r = dict(zip(shown.columns, row))
        assert f"({r['surplus % of pupils']} of pupils" in para  # rounded as the tables
        assert f"a surplus of {r['surplus']} (" in para
        assert r["planning areas short"] == f"{pos['red_areas']} of {pos['areas']}"
    # the table opens the chapter: before its first paragraph
    chapter = report_html[report_html.index('id="summary"') :]
    assert chapter.index("<h3>Key figures</h3>") < chapter.index("<p>")


def test_key_figures_note_without_the_base_year(report_run):
    """With milestones that leave out the base year the note said the pupils were "the
    census in the latest data's year", a year the table did not have."""
    import dataclasses

    from sufficiency.report.tables import key_figures_table

    data = report_run[2]
    base = data.meta["base_year"]
    later = dataclasses.replace(data, milestones=[("in 3 years", base + 3)])
    note = key_figures_table(later).note
    assert "Pupils: forecast demand. " in note and "census in the latest" not in note
    assert "census in the latest data's year" in key_figures_table(data).note


def test_send_chart_draws_capacity_with_plan_from_where_the_plan_adds():
    """SYNTHETIC special school places (test data): the plan adds 80 places from 2028. The
    SEND chart drew "capacity with plan" over the whole capacity line from 2025, the dashes
    striping the red line they equal until then (a review of the printed PDF)."""
    import re

    import pandas as pd

    from sufficiency.report.charts import send_chart

    years = list(range(2020, 2035))
    send = pd.DataFrame(
        {
            "year": years,
            "phase": "special_primary",
            "places": [1500.0 + 60 * i for i in range(len(years))],
            "places_lower": [1450.0 + 50 * i for i in range(len(years))],
            "places_upper": [1550.0 + 70 * i for i in range(len(years))],
            "capacity": [float("nan")] * 5 + [1878.0] * 10,
            "kind": ["actual"] * 5 + ["forecast"] * 10,
        }
    )
    after = pd.DataFrame({"year": years[5:], "capacity_after": [1878.0] * 3 + [1958.0] * 7})
    svg = send_chart(send, "trend", after, "Special school places")
    # the dash-dot step line (one path) starts at the year before the places are added
    legend = svg.index('<g id="legend_1">')
    paths = re.findall(r'<path d="M ([0-9.]+) [0-9.]+[^"]*"[^>]*stroke-dasharray', svg[:legend])
    cap = re.findall(
        r'<path d="M ([0-9.]+) [0-9.]+[^"]*"[^>]*style="fill: none; stroke: #d62728', svg[:legend]
    )
    assert paths and cap
    assert float(paths[-1]) > float(cap[0]) + 1.0


def test_area_table_rates_the_places_with_the_plan(report_run):
    """Worcester City secondary (real data): its page printed RAG "red" beside "short with
    plan" 0 from 2028/29, the plan's effect in no colour; a "RAG with plan" column now rates
    the places with the plan as RAG rates those before it."""
    from sufficiency.report.tables import area_year_table

    shown = area_year_table(report_run[2], "8850031").display()
    assert list(shown.columns[-2:]) == ["RAG", "RAG with plan"]
    short = shown["short with plan"] != "0"
    assert (shown.loc[short & (shown["RAG with plan"] != "-"), "RAG with plan"] == "red").all()
    fixed = (~short) & (shown["RAG"] == "red")
    assert fixed.any() and (shown.loc[fixed, "RAG with plan"] != "red").all()
    assert shown["RAG with plan"].iloc[0] == "-"  # the census year: no plan


def test_key_figures_say_what_the_plan_leaves_short(report_run):
    """Worcestershire (real data): the key figures gave the places needed before any new
    places only; "short with plan" now gives what the recommended plan leaves short in the
    milestone years, the figure of the summary's "still short" sentence."""
    from sufficiency.report.analysis import mainstream_left_short
    from sufficiency.report.tables import key_figures_table

    data = report_run[2]
    t = key_figures_table(data)
    f = t.frame
    assert list(f.columns[-2:]) == ["places needed", "short with plan"]
    assert f.loc[f["years on"] == 0, "short with plan"].isna().all()  # before the plan
    left = {d["phase"]: dict(d["years"]) for d in mainstream_left_short(data)}
    for _, row in f[f["years on"] > 0].iterrows():
        phase = "primary" if row["phase"] == "primary" else "secondary"
        want = left.get(phase, {}).get(int(row["year"][:4]), 0.0)
        assert row["short with plan"] == pytest.approx(want)
    assert "Short with plan:" in t.note
