"""A place planning analyst's trial of the annual cycle (30 November 2026, Telford and
Wrekin): last year's forecast against this year's, a known intake, and the report's section
on the previous forecast. Forecast tables and intake figures here are SYNTHETIC (made-up
numbers) unless a test says REAL (the embedded Worcestershire model, with a SYNTHETIC
intake file)."""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import pandas as pd
import pytest
from conftest import edited_model

from sufficiency.compare import compare_forecasts
from sufficiency.exceptions import DataQualityWarning, SchemaError
from sufficiency.io.intake import read_intake

TAUGHT = {"A": range(0, 7), "B": range(0, 7), "S": range(7, 14)}
LOOKUP = 'lookup = { path = "../data/district_to_la_west_midlands.csv"'


def _forecast(base: int, kinds: dict, values: dict | None = None, years: int = 4):
    """SYNTHETIC forecast table: primary areas A, B (R-Y6) and secondary area S (Y7-Y13);
    history of ``kinds[area]`` (actual or derived) to ``base``, forecast after it;
    ``values[(area, year)]`` pupils per year group (default 100)."""
    values = values or {}
    rows = []
    for a, groups in TAUGHT.items():
        for y in range(base - 1, base + years):
            for g in groups:
                rows.append(
                    {
                        "area": a,
                        "year": y,
                        "ncy": g,
                        "pupils": float(values.get((a, y), 100.0)),
                        "kind": kinds[a] if y <= base else "forecast",
                    }
                )
    return pd.DataFrame(rows)


def test_largest_area_error_caveat_is_the_named_areas_own():
    """SYNTHETIC, as in Telford: the primary areas' history is derived, the one secondary
    area has the whole of its phase (kind actual). The largest area error was the secondary
    area's, yet the summary called it 'derived from authority totals' because another area
    was derived."""
    kinds = {"A": "derived", "B": "derived", "S": "actual"}
    prev = _forecast(2021, kinds, {("S", 2022): 110.0})  # S over-forecast by 10%
    cur = _forecast(2022, kinds)
    text = compare_forecasts(prev, cur).summary()
    line = next(ln for ln in text.splitlines() if "Largest area error" in ln)
    assert "S " in line and "+10.00%" in line, line
    assert "derived" not in line, line
    # the caveat stays where the named area's history is derived
    prev = _forecast(2021, kinds, {("A", 2022): 110.0})
    line = next(
        ln
        for ln in compare_forecasts(prev, cur).summary().splitlines()
        if "Largest area error" in ln
    )
    assert "A primary" in line and "area history derived from authority totals" in line


@pytest.mark.parametrize("name", ["intake.csv", "intake.xlsx"])
def test_an_excel_workbook_is_named_and_how_to_save_it_as_csv(tmp_path, name):
    """SYNTHETIC: an xlsx saved (or renamed) as .csv said only 'looks like a binary file'."""
    p = tmp_path / name
    pd.DataFrame({"area": ["A"], "year": [2023], "ncy": [0], "pupils": [300]}).to_excel(
        tmp_path / "book.xlsx", index=False
    )
    p.write_bytes((tmp_path / "book.xlsx").read_bytes())
    with pytest.raises(SchemaError) as e:
        read_intake(p, TAUGHT, 2022)
    msg = str(e.value)
    assert str(p) in msg and "Excel workbook (xlsx)" in msg and "binary" not in msg
    assert "Save As" in msg and "CSV" in msg
    assert ("a workbook with a .csv name" in msg) == name.endswith(".csv")


@pytest.mark.parametrize(
    ("total", "shown"),
    [
        ("Total,,,680", "line 5 (area Total, pupils 680)"),
        (",,,680", "line 5 (area blank, pupils 680)"),
        ("Grand total,2023,0,680", "line 5 (area Grand total, pupils 680)"),
    ],
)
def test_a_total_row_is_called_a_total_and_to_be_deleted(tmp_path, total, shown):
    """SYNTHETIC: a total row below the data was 'column year: missing value' or 'unknown
    area code' with no word of what it was; blank lines and bare commas are still ignored."""
    p = tmp_path / "intake.csv"
    p.write_text(
        f"area,year,ncy,pupils\nA,2023,R,300\n\nB,2023/24,Reception,380\n{total}\n,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(SchemaError) as e:
        read_intake(p, TAUGHT, 2022)
    msg = str(e.value)
    assert str(p) in msg and "column 'area'" in msg and shown in msg, msg
    assert "looks like a total" in msg and "Delete the total row" in msg
    # without it the file reads
    p.write_text(
        'area,year,ncy,pupils\nA,2023,R,300\n\nB,2023/24,Reception,"1,380"\n,,,\n',
        encoding="utf-8",
    )
    got = read_intake(p, TAUGHT, 2022).data
    assert got["pupils"].tolist() == [300.0, 1380.0]


def test_a_row_with_only_its_area_or_year_missing_is_not_a_total(tmp_path):
    """SYNTHETIC: a forgotten area or year is a missing value, not a total row."""
    p = tmp_path / "intake.csv"
    for row, col in ((",2023,0,300", "area"), ("A,,0,300", "year")):
        p.write_text(f"area,year,ncy,pupils\n{row}\n", encoding="utf-8")
        with pytest.raises(SchemaError) as e:
            read_intake(p, TAUGHT, 2022)
        assert f"column '{col}': missing value" in str(e.value) and "total" not in str(e.value)


def test_last_years_forecast_made_again_warns_of_this_years_known_intake(tmp_path):
    """REAL model, SYNTHETIC intake: a scenario with base_year one year earlier (last year's
    forecast made again, as the docs say, for sufficiency compare) silently took this
    year's offers as that forecast's own."""
    from sufficiency import load_inputs, load_model

    p = tmp_path / "intake.csv"
    p.write_text("area,year,ncy,pupils\n8850001,2023,0,400\n", encoding="utf-8")
    line = f'intake = {{ path = "{p}", source = "SYNTHETIC offers" }}\n'
    base = edited_model(tmp_path, [(LOOKUP, line + LOOKUP)])
    last = tmp_path / "last_year.toml"
    last.write_text(f'extends = "{base.name}"\n[assumptions]\nbase_year = 2021\n', "utf-8")
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        inputs = load_inputs(load_model(last))
    said = [str(x.message) for x in w if issubclass(x.category, DataQualityWarning)]
    hit = [s for s in said if "earlier base year" in s]
    assert len(hit) == 1, said
    assert str(p) in hit[0] and "2021/22" in hit[0] and "2023/24" in hit[0]
    assert "intake = false" in hit[0]
    assert inputs.intake is not None  # a warning, not a change of what the model says
    # with intake = false, as the docs now say: no warning, no intake
    last.write_text(
        f'extends = "{base.name}"\n[assumptions]\nbase_year = 2021\n[data]\nintake = false\n',
        "utf-8",
    )
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        inputs = load_inputs(load_model(last))
    assert inputs.intake is None
    assert not [x for x in w if "earlier base year" in str(x.message)]
    # this year's model with its own intake: no such warning
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        load_inputs(load_model(base))
    assert not [x for x in w if "earlier base year" in str(x.message)]


def _report_data(c):
    return SimpleNamespace(
        previous=c,
        any_history_derived=False,
        milestones=(("latest data", 2022), ("5 years on", 2024)),
        meta={"base_year": 2022},
        area_name=str,
    )


def test_report_says_the_sixth_forms_change_and_the_y7_y13_total():
    """SYNTHETIC: the report's sentence gave the change of secondary (Y7-Y11) alone, while
    its key figures count secondary pupils Y7-Y13 and the CLI listed the sixth form's change:
    a sixth form falling while Y7-Y11 rose read as a larger rise in secondary demand."""
    from sufficiency.report.tables import previous_changes_table
    from sufficiency.report.text import previous_sentences

    kinds = dict.fromkeys(TAUGHT, "actual")
    prev = _forecast(2021, kinds)
    # 2024: Y7-Y11 up 10 a year group (+50), Y12-Y13 down 40 each (-80) in S
    cur = _forecast(2022, kinds)
    up = (cur["area"] == "S") & (cur["year"] == 2024)
    cur.loc[up & (cur["ncy"] <= 11), "pupils"] = 110.0
    cur.loc[up & (cur["ncy"] >= 12), "pupils"] = 60.0
    c = compare_forecasts(prev, cur)
    said = previous_sentences(_report_data(c))[1]
    assert "secondary (Y7-Y11) by +50 pupils (+10.0%)" in said, said
    assert "sixth form (Y12-Y13) by -80 pupils (-40.0%)" in said, said
    assert "secondary schools' pupils (Y7-Y13" in said and "by -30 (700 to 670)" in said, said
    note = previous_changes_table(_report_data(c)).note
    assert "sixth form, Y12-Y13, is left out here" in note and "Y7-Y13" in note


def test_report_says_a_known_intake_is_part_of_the_change():
    """SYNTHETIC: with a known intake in this forecast (kind supplied), an area's change
    since the previous forecast is partly the figures given, not the new census; the
    section did not say so, and its changes table ranked such areas with the rest."""
    from sufficiency.report.text import previous_sentences

    kinds = dict.fromkeys(TAUGHT, "actual")
    prev, cur = _forecast(2021, kinds), _forecast(2022, kinds)
    given = (cur["year"] == 2023) & (
        ((cur["area"] == "A") & (cur["ncy"] == 0)) | ((cur["area"] == "S") & (cur["ncy"] == 7))
    )
    cur.loc[given, ["pupils", "kind"]] = [130.0, "supplied"]
    data = _report_data(compare_forecasts(prev, cur))
    data.forecast = cur
    said = " ".join(previous_sentences(data))
    assert "known intake ([data.intake]) for Reception and Year 7 in 2023/24" in said, said
    assert "in 2 planning areas (A, S)" in said and "not the new census" in said, said
    data.forecast = cur.assign(kind=cur["kind"].replace("supplied", "forecast"))
    assert "known intake" not in " ".join(previous_sentences(data))
