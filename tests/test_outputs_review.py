"""The output files as their consumers read them (an output review, 29 November 2026): a
modeller loading the tables into a model of their own, an analyst opening them in Excel."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from sufficiency._columns import COLUMNS, describe, dictionary_frame
from sufficiency.cli import cli
from sufficiency.cli._common import write_frame


def _frame():
    return pd.DataFrame(
        {
            "area": ["0850001", "8850002"],
            "year": [2027, 2028],
            "pupils": [12.5, 30.25],
            "kind": ["forecast", "forecast"],
        }
    )


# --- a table written as xlsx by forecast / send / early-years ---------------------------------
def test_xlsx_table_has_frozen_header_widths_filter_and_a_columns_sheet(tmp_path):
    # before: pandas' bare to_excel, sheet "Sheet1", no frozen header, default widths, and
    # nothing saying what a column holds or its unit
    path = tmp_path / "forecast.xlsx"
    write_frame(_frame(), path, "xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["forecast", "columns"]
    ws = wb["forecast"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:D3"
    assert all(ws.column_dimensions[c].width >= 8 for c in "ABCD")
    assert ws["A2"].value == "0850001" and ws["A2"].data_type == "s"  # a code stays text
    assert ws["C2"].number_format == "#,##0.0" and ws["C2"].value == 12.5  # exact value kept
    cols = pd.read_excel(path, sheet_name="columns")
    assert list(cols["column"]) == ["area", "year", "pupils", "kind"]
    assert cols.set_index("column").loc["pupils", "unit"] == "pupils"
    # the table itself reads back as written
    back = pd.read_excel(path, sheet_name="forecast", dtype={"area": str})
    pd.testing.assert_frame_equal(back, _frame(), check_dtype=False)


def test_xlsx_table_is_byte_identical_between_writes(tmp_path):
    write_frame(_frame(), tmp_path / "a" / "t.xlsx", "xlsx")
    write_frame(_frame(), tmp_path / "b" / "t.xlsx", "xlsx")
    assert (tmp_path / "a" / "t.xlsx").read_bytes() == (tmp_path / "b" / "t.xlsx").read_bytes()


def test_dictionary_knows_a_files_own_meaning():
    assert describe("kind")[1].startswith("actual")
    assert "bulge_class" in describe("kind", "plan.csv")[1]
    assert describe("places", "options.csv")[1] == "places one module adds"
    assert describe("surplus_pct_after")[0] == "fraction"
    d = dictionary_frame({"x.csv": ["area", "nonsense"]})
    assert list(d.columns) == ["file", "column", "unit", "description"]
    assert d["description"].tolist()[1] == ""


@pytest.mark.parametrize(
    "command, files",
    [
        (["forecast"], ["forecast.csv", "phase_totals.csv"]),
        (
            ["send"],
            [
                "send.csv",
                "send_by_need.csv",
                "send_plans.csv",
                "send_placements.csv",
                "send_demand.csv",
            ],
        ),
        (
            ["early-years"],
            ["early_years.csv", "early_years_by_entitlement.csv", "early_years_demand.csv"],
        ),
    ],
)
def test_every_written_column_is_in_columns_csv(command, files, model_path, tmp_path):
    res = CliRunner().invoke(cli, [*command, str(model_path), "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    cols = pd.read_csv(tmp_path / "columns.csv", dtype=str, keep_default_na=False)
    for f in files:
        header = list(pd.read_csv(tmp_path / f, nrows=0).columns)
        mine = cols[cols["file"] == f]
        assert list(mine["column"]) == header, f
        assert (mine["description"] != "").all(), mine[mine["description"] == ""]
        assert (mine["unit"] != "").all(), f
        # a label column's description names every value the file holds (forecast.csv's
        # phase listed special and early_years, not the sixth_form it holds: a Telford trial)
        data = pd.read_csv(tmp_path / f, dtype=str, keep_default_na=False)
        for col in ("phase", "kind", "tier", "scenario"):
            if col in data:
                desc = mine.loc[mine["column"] == col, "description"].item()
                absent = sorted(v for v in set(data[col]) - {""} if v not in desc)
                assert not absent, (f, col, absent, desc)


def test_dictionary_covers_the_plan_and_backtest_columns():
    plan_cols = (
        "option area phase kind year modules places cost cost_per_place duration "
        "fill_years source scheme scenario demand capacity_before added moved_out "
        "moved_in capacity_after required shortfall_before shortfall_after "
        "surplus_after surplus_pct_after family detail marginal_cost max_modules "
        "max_per_year min_modules cost_per_module revenue_per_place earliest_year"
    )
    bt_cols = (
        "area phase origin target_year horizon forecast actual pct_error lower80 "
        "upper80 pct_error_last pct_error_cohort3 authority_error winner"
    )
    from sufficiency.optimise.results import MOVES_COLUMNS

    missing = [c for c in (plan_cols + " " + bt_cols).split() if c not in COLUMNS]
    missing += [c for c in MOVES_COLUMNS if not describe(c, "moves.csv")[0]]
    assert not missing


def test_json_table_is_valid_json_with_null_for_missing(tmp_path):
    f = _frame().assign(capacity=[float("nan"), 3.0])
    write_frame(f, tmp_path / "t.json", "json")
    text = (tmp_path / "t.json").read_text()
    rows = json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in JSON"))
    assert rows[0]["capacity"] is None and rows[0]["area"] == "0850001"


def test_csv_keeps_leading_zeros(tmp_path):
    write_frame(_frame(), tmp_path / "t.csv", "csv")
    back = pd.read_csv(io.StringIO((tmp_path / "t.csv").read_text()), dtype={"area": str})
    assert back["area"].tolist() == ["0850001", "8850002"]


# --- appendix.xlsx ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def appendix(report_run):
    from sufficiency.report.render import render_xlsx

    return load_workbook(io.BytesIO(render_xlsx(report_run[2])))


def _col(ws, name):
    return [c.value for c in ws[1]].index(name) + 1


def test_appendix_fraction_columns_are_percentages_not_counts(appendix):
    # before: Before and after's surplus_pct_after (-0.12) had the count format "#,##0": "-0"
    ws = appendix["Before and after"]
    j = _col(ws, "surplus_pct_after")
    assert ws.cell(2, j).number_format.endswith("%")
    ws = appendix["Surplus and shortfall"]
    assert ws.cell(2, _col(ws, "surplus_pct")).number_format.endswith("%")


def test_appendix_money_and_counts_have_formats(appendix):
    ws = appendix["Options"]
    assert ws.cell(2, _col(ws, "revenue_per_place")).number_format.startswith("£")


def test_appendix_has_a_columns_sheet_covering_every_sheet_and_the_scap_files(appendix):
    from sufficiency.report.scap import SCAP_COLUMNS, SCAP_SPECIAL_COLUMNS

    ws = appendix["Columns"]
    assert ws.freeze_panes == "A2"
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    listed = {(r[0], r[1]) for r in rows}
    for name in appendix.sheetnames:
        if name in ("About", "Columns"):
            continue
        for c in appendix[name][1]:
            assert (name, c.value) in listed, (name, c.value)
    for c in SCAP_COLUMNS:
        assert ("scap_pupil_forecasts.csv", c) in listed
    for c in SCAP_SPECIAL_COLUMNS:
        assert ("scap_special_places.csv", c) in listed
    units = {(r[0], r[1]): r[2] for r in rows}
    assert units[("Forecast by year group", "pupils")] == "pupils"
    assert units[("Before and after", "surplus_pct_after")] == "fraction"
    assert units[("scap_pupil_forecasts.csv", "time_period")] == "academic year"
    # the capital programme's year is a label (2027/28), not the number the other sheets hold
    if "Capital programme" in appendix.sheetnames:
        desc = {(r[0], r[1]): r[3] for r in rows}
        assert "2027/28" in desc[("Capital programme", "year")]
        assert "financial year" in desc[("Capital programme", "spend in financial year")]
    # machine-named columns all have a unit
    blank = [k for k, u in units.items() if not u and "_" in k[1]]
    assert not blank, blank
    about = [r[0] for r in appendix["About"].iter_rows(values_only=True)]
    assert "Columns" in about


def test_send_backtest_columns_are_described():
    from sufficiency.send import backtest_send  # noqa: F401  (the table's own columns)

    cols = (
        "area la_name release origin year horizon actual naive trend national stops "
        "trend_lower trend_upper covered_80 err_naive err_trend err_national err_stops"
    )
    blank = [c for c in cols.split() if not describe(c, "send_backtest.csv")[0]]
    assert not blank


def test_plan_folder_has_columns_csv_for_every_table(model_path, tmp_path):
    res = CliRunner().invoke(
        cli, ["plan", str(model_path), "--no-appraise", "--out", str(tmp_path)]
    )
    assert res.exit_code == 0, res.output
    cols = pd.read_csv(tmp_path / "columns.csv", dtype=str, keep_default_na=False)
    for f in sorted(tmp_path.glob("*.csv")):
        if f.name == "columns.csv":
            continue
        header = list(pd.read_csv(f, nrows=0).columns)
        mine = cols[cols["file"] == f.name]
        assert list(mine["column"]) == header, f.name
        assert (mine["unit"] != "").all(), mine[mine["unit"] == ""]
    kind = cols[(cols["file"] == "plan.csv") & (cols["column"] == "kind")]["description"]
    assert "bulge_class" in kind.iloc[0]
    # the printed plan counts the bulge classes of a line as the report does ("2 bulge
    # classes, 60 places"; it read "bulge class 60 places": a Telford and Wrekin trial), and
    # says what it wrote last
    plan = pd.read_csv(tmp_path / "plan.csv")
    lines = res.output.splitlines()
    several = plan[(plan["kind"] == "bulge_class") & (plan["modules"] > 1)]
    assert len(several), "Worcestershire's plan opens two bulge classes in one area and year"
    for r in several.itertuples():
        assert any(f"{r.modules} bulge classes, {r.places:,.0f} places from" in x for x in lines)
    assert not any(x.endswith("bulge class") or "bulge class 60" in x for x in lines)
    assert lines[-1] == f"Wrote 8 files to {tmp_path}"


# --- the SCAP CSVs opened in Excel --------------------------------------------------------------
_EXCEL_DATE = __import__("re").compile(
    r"^(January|February|March|April|May|June|July|August|September|October|November|December)"
    r" \d{4}$"
)


def test_scap_text_is_not_read_by_excel_as_a_date(report_run):
    # before: census "January 2023" and caseload "January 2025", which Excel opening the CSV
    # turns into the date 01/01/2023 (shown Jan-23)
    from sufficiency.report.scap import scap_frame, scap_special_frame

    _, _, data = report_run
    f = scap_frame(data.forecast, data.areas, data.meta["base_year"])
    assert not f["census"].str.match(_EXCEL_DATE).any(), f["census"].iloc[0]
    assert f["census"].iloc[0].startswith("January ")
    send = pd.DataFrame(
        {
            "area": "E1",
            "year": [data.meta["base_year"] + 3] * 3,
            "phase": ["special_primary", "special_secondary", "special_post16"],
            "need": "all",
            "scenario": "trend",
            "places": [10.2, 20.6, 5.5],
            "places_lower": [9.0, 18.0, 5.0],
            "places_upper": [12.0, 23.0, 6.0],
            "capacity": [10.0, 20.0, 5.0],
            "kind": "forecast",
        }
    )
    s = scap_special_frame(send, scenario="trend")
    assert not s["caseload"].astype(str).str.match(_EXCEL_DATE).any(), s["caseload"].iloc[0]
