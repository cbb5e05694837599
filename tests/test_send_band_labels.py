"""SEN2 age bands are written as the DfE words them without "Age" ("5 to 10"), never "5-10".

Excel, opening a CSV by double-click, reads ``5-10`` as 5 October and ``11-15`` as November
2015: the SEND outputs' age band column looked broken in front of a manager. The bands are
``0 to 4``, ``5 to 10``, ``11 to 15``, ``16 to 19``, ``20 to 25`` in every output; a SEN2-like
file that uses the engine's earlier labels (``5-10``, ``20+``) still reads, mapped to them.
"""

from __future__ import annotations

import csv
import re

import pandas as pd
import pytest
from click.testing import CliRunner

from sufficiency.cli import cli
from sufficiency.io.sen2 import read_sen2_age
from sufficiency.send import BANDS, SEND_PHASE_LABELS, plans_by_band

NEW_BANDS = ["0 to 4", "5 to 10", "11 to 15", "16 to 19", "20 to 25"]
#: cell values Excel turns into a date when it opens a CSV: "5-10", "11-15", "5/10", "1-2-24"
EXCEL_DATE = re.compile(r"^\s*\d{1,2}\s*[-/]\s*\d{1,2}(\s*[-/]\s*\d{2,4})?\s*$")
#: the DfE's published labels -> the engine's labels before November 2026 (for the old-form file)
OLD_FORM = {
    "Under 5": "0-4",
    "Age 5 to 10": "5-10",
    "Age 11 to 15": "11-15",
    "Age 16 to 19": "16-19",
    "Age 20 to 25": "20-25",
}


def _csv_cells(path):
    with open(path, newline="", encoding="utf-8") as f:
        for i, row in enumerate(csv.reader(f), start=1):
            for value in row:
                yield i, value


def _send(model, out):
    res = CliRunner().invoke(cli, ["send", str(model), "--out", str(out)])
    assert res.exit_code == 0, res.output
    return res


def test_the_bands_are_the_dfe_wording_without_age():
    assert list(BANDS) == NEW_BANDS
    assert list(SEND_PHASE_LABELS.values()) == [
        "primary age (0 to 10)",
        "secondary age (11 to 15)",
        "post-16 (16 to 25)",
    ]
    assert not any(EXCEL_DATE.match(b) for b in BANDS)


def test_send_csvs_have_no_value_excel_reads_as_a_date(model_path, tmp_path):
    res = _send(model_path, tmp_path)
    files = sorted(tmp_path.glob("*.csv"))
    assert {"send_plans.csv", "send_placements.csv", "columns.csv"} <= {p.name for p in files}
    dated = [(p.name, line, v) for p in files for line, v in _csv_cells(p) if EXCEL_DATE.match(v)]
    assert dated == []
    for name in ("send_plans.csv", "send_placements.csv"):
        bands = pd.read_csv(tmp_path / name, dtype=str)["band"]
        assert sorted(set(bands), key=NEW_BANDS.index) == NEW_BANDS, name
    # the printed summary and notes say the ages in the same form
    assert "secondary age (11 to 15)" in res.output and "ages 5 to 10 " in res.output
    assert not re.search(r"\bages? \d{1,2}-\d{1,2}\b|(age|16) \(\d{1,2}-\d{1,2}\)", res.output)
    notes = (tmp_path / "notes.txt").read_text()
    assert "ages 0 to 4 " in notes and not re.search(r"\bages \d+-\d+\b", notes)
    # the column dictionary says the form, no longer a warning that Excel breaks the column
    cols = pd.read_csv(tmp_path / "columns.csv", dtype=str)
    band = cols[cols["column"] == "band"]["description"]
    assert len(band) == 2 and band.str.contains("5 to 10").all()
    assert not band.str.contains("into dates").any()


def test_sen2_like_file_with_the_old_band_labels_still_reads(tmp_path):
    # SYNTHETIC test data (not published figures): a user's own SEN2-like age file in the
    # engine's earlier labels ("0-4", "5-10", "20+"), mixed with the DfE's and the new form.
    p = tmp_path / "sen2_age_synthetic.csv"
    header = "time_period,time_identifier,geographic_level,new_la_code,characteristic_age,Total_all"
    rows = [
        ("Total", 100),
        ("0-4", 5),
        ("5-10", 30),
        (" 11-15 ", 40),  # surrounding spaces, as a hand-edited file may have
        ("16 to 19", 20),
        ("20+", 5),
    ]
    lines = [header] + [
        f"2022,Calendar year,Local authority,E10000034,{age},{n}" for age, n in rows
    ]
    lines += [f"2021,Calendar year,Local authority,E10000034,{a},{n}" for a, n in rows]
    p.write_text("\n".join(lines) + "\n")
    age = read_sen2_age(p, authorities=["E10000034"]).data
    got = age[age["year"] == 2021].set_index("age")["plans"].to_dict()
    assert got == {
        "all": 100,
        "0 to 4": 5,
        "5 to 10": 30,
        "11 to 15": 40,
        "16 to 19": 20,
        "20 and over": 5,
    }
    # the bands: "20 and over" is the band of its youngest age
    case = age.iloc[:0]
    b = plans_by_band(age, case, "E10000034")
    assert sorted(b[b["year"] == 2021]["band"], key=NEW_BANDS.index) == NEW_BANDS
    assert b["plans"].sum() == 2 * 100


def test_plans_by_band_maps_a_callers_old_labels_to_the_new_bands():
    # SYNTHETIC test data: a frame built by a caller with the earlier labels ("0-2", "20+")
    cols = ["area", "year", "age", "placement", "need", "plans"]
    age = pd.DataFrame(
        [("A", 2021, "0-4", "all", "all", 1.0), ("A", 2021, "11-15", "all", "all", 2.0)],
        columns=cols,
    )
    case = pd.DataFrame(
        [
            ("A", 2023, "0-2", "all", "all", 3.0),
            ("A", 2023, "0 to 2", "all", "all", 4.0),
            ("A", 2023, "20+", "all", "all", 5.0),
            ("A", 2023, "20 and over", "all", "all", 6.0),
        ],
        columns=cols,
    )
    b = plans_by_band(age, case, "A").set_index(["year", "band"])["plans"]
    assert b.to_dict() == {
        (2021, "0 to 4"): 1.0,
        (2021, "11 to 15"): 2.0,
        (2023, "0 to 4"): 7.0,
        (2023, "20 to 25"): 11.0,
    }


@pytest.mark.parametrize("old", ["Age 5-10", "5-10 years"])
def test_an_unrecognised_band_is_still_an_error(tmp_path, old):
    from sufficiency.exceptions import SchemaError

    # SYNTHETIC test data
    p = tmp_path / "sen2_age_synthetic.csv"
    p.write_text(
        "time_period,time_identifier,geographic_level,new_la_code,characteristic_age,Total_all\n"
        f"2022,Calendar year,Local authority,E10000034,{old},30\n"
    )
    with pytest.raises(SchemaError, match=rf"'characteristic_age'.*{re.escape(repr(old))}"):
        read_sen2_age(p, authorities=["E10000034"])


def test_the_published_file_in_the_old_labels_gives_the_same_forecast(model_copy, tmp_path):
    # the model's own DfE age file, its labels rewritten into the engine's earlier form (an
    # edited copy, not a published file): every output the same as from the published labels
    p = model_copy.parent.parent / "data" / "ehcp_2022_sen2_age_caseload.csv"
    text = p.read_text()
    for dfe, old in OLD_FORM.items():
        assert f",{dfe}," in text
        text = text.replace(f",{dfe},", f",{old},")
    _send(model_copy, tmp_path / "published")  # before the edit: the copy as published
    p.write_text(text)
    _send(model_copy, tmp_path / "old_form")
    for name in ("send.csv", "send_plans.csv", "send_placements.csv", "send_by_need.csv"):
        a = (tmp_path / "published" / name).read_bytes()
        assert a == (tmp_path / "old_form" / name).read_bytes(), name


def test_report_keeps_an_age_range_together():
    """The SEND places table's phase column printed "primary age (0 to" / "10)" once the
    bands were written "0 to 10": the report joins an age range in brackets with
    non-breaking spaces (the PDF then wraps before the bracket), in every label it prints."""
    from sufficiency.report.tables import format_cell
    from sufficiency.send import SEND_PHASE_LABELS

    for label in SEND_PHASE_LABELS.values():
        shown = format_cell(label, "text")
        assert re.search(r"\(\d+\u00a0to\u00a0\d+\)$", shown), shown
        assert shown.replace("\u00a0", " ") == label


def test_outputs_list_the_bands_by_age(model_path, tmp_path):
    """send_plans.csv and send_placements.csv listed the bands as text sorts them, "0 to 4",
    "11 to 15", "16 to 19", "20 to 25", "5 to 10" (as "0-4" ... "5-10" before); now by age."""
    from sufficiency.send import by_age

    res = CliRunner().invoke(cli, ["-q", "send", str(model_path), "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    ages = ["0 to 4", "5 to 10", "11 to 15", "16 to 19", "20 to 25"]
    for name in ("send_plans.csv", "send_placements.csv"):
        f = pd.read_csv(tmp_path / name, dtype={"band": str})
        first = f["band"].drop_duplicates().tolist()
        assert first == ages, (name, first)
    key = by_age(
        pd.Series(["all", "20 and over", "5", "5 to 10", "11 to 15", "0 to 2"], name="band")
    )
    assert key.rank().tolist() == [6.0, 5.0, 2.0, 3.0, 4.0, 1.0]
