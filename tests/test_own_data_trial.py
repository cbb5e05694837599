"""An authority's own files as spreadsheets export them (own-data trial).

All data here are SYNTHETIC test data, made up for the tests: not any authority's figures.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from sufficiency import nomenclature as nc
from sufficiency.exceptions import DataQualityWarning, SchemaError
from sufficiency.io.tidy import read_school_census, read_tidy
from sufficiency.io.transfers import read_transfers

#: SYNTHETIC school -> planning area lookup
LOOKUP = pd.DataFrame(
    {
        "school": ["8851001", "8851002", "8854001"],
        "area": ["8850001", "8850001", "8850017"],
        "ncy_min": [0, 0, 7],
        "ncy_max": [6, 6, 11],
    }
)


def _census(rows: list[str], header: str = "school,year,ncy,pupils") -> str:
    return header + "\n" + "\n".join(rows) + "\n"


ROWS = [
    "8851001,2021,0,30",
    "8851002,2021,0,25",
    "8851001,2022,0,31",
    "8851002,2022,0,24",
    "8854001,2021,7,150",
    "8854001,2022,7,160",
]


def _write(tmp_path, text: str, name: str = "school_census.csv", encoding: str = "utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def _totals(path) -> dict:
    d = read_school_census(path, LOOKUP).data
    return {(r.area, r.year, r.ncy): r.pupils for r in d.itertuples()}


def test_spreadsheet_variants_of_a_census_extract_read_as_the_plain_file(tmp_path):
    """SYNTHETIC: BOM, capitalised headers, thousands separators, "Year 7"/"R" year groups,
    "2022/23" years, cp1252 names, CRLF and rows of bare separators at the end."""
    plain = _totals(_write(tmp_path, _census(ROWS)))
    messy = (
        "School,Year,NCY,Pupils,School Name\r\n"
        "8851001,2021/22,R,30,St Mary\u2019s Caf\u00e9\r\n"
        "8851002,2021/22,Reception,25,x\r\n"
        "8851001,2022/23,R,31,x\r\n"
        "8851002,2022-23,Rec,24,x\r\n"
        "8854001,2021,Year 7,150,x\r\n"
        '8854001,2022,Y7,"1,160",x\r\n'
        ",,,,\r\n,,,,\r\n\r\n"
    )
    got = _totals(_write(tmp_path, messy, "messy.csv", "cp1252"))
    assert got == {**plain, ("8850017", 2022, 7): 1160.0}


def test_census_errors_name_the_school_and_lines(tmp_path):
    """SYNTHETIC: a school not in the capacity lookup is named with its file line (not a row
    number after sorting) and what to do; a gap in a school's years names the school."""
    p = _write(tmp_path, _census(ROWS + ["8859999,2022,3,12"]))
    with pytest.raises(SchemaError, match=r"'8859999'.*line\(s\) 8\).*capacity file"):
        read_school_census(p, LOOKUP)
    rows = ROWS + ["8851001,2024,0,33", "8851002,2023,0,20", "8851002,2024,0,21"]
    with pytest.raises(SchemaError, match=r"not contiguous for school '8851001'"):
        read_school_census(_write(tmp_path, _census(rows), "gap.csv"), LOOKUP)
    with pytest.raises(SchemaError, match=r"one row per school x year x ncy"):
        read_school_census(_write(tmp_path, _census(ROWS + [ROWS[0]]), "dup.csv"), LOOKUP)


def test_values_that_are_not_labels_still_fail(tmp_path):
    """SYNTHETIC: "2022/24" is not an academic year, "Year 7a" not a year group, "1,23" not
    a number with a thousands separator."""
    for bad, col in (
        ("8851001,2022/24,0,30", "year"),
        ("8851001,2022,Year 7a,30", "ncy"),
        ('8851001,2022,0,"1,23"', "pupils"),
    ):
        with pytest.raises(SchemaError, match=f"column '{col}'"):
            read_school_census(_write(tmp_path, _census([bad]), "bad.csv"), LOOKUP)


def test_only_separators_is_no_data(tmp_path):
    """SYNTHETIC: a header and rows of commas only has no data rows."""
    with pytest.raises(SchemaError, match="no data rows"):
        read_school_census(_write(tmp_path, _census([",,,", ",,,"])), LOOKUP)


def test_housing_and_transfers_variants(tmp_path):
    """SYNTHETIC housing trajectory and transfer counts as spreadsheets export them."""
    h = _write(
        tmp_path,
        '\ufeffArea,Year,Dwellings,Site\n8850001,2024/25,"1,250",A\n8850001,2025/26,300,A\n,,,\n',
        "housing.csv",
    )
    d = read_tidy(h, "housing", known_areas=["8850001"]).data
    assert d[nc.YEAR].tolist() == [2024, 2025] and d["dwellings"].tolist() == [1250.0, 300.0]
    t = _write(
        tmp_path,
        'From Area,To_Area,Year,Pupils\n8850001,8850017,2022/23,"1,000"\n'
        "8850001,8850018,2022,10\n,,,\n",
        "transfers.csv",
    )
    out = read_transfers(t).data
    assert out["pupils"].tolist() == [1000.0, 10.0]
    t2 = _write(tmp_path, "from_area,to_area,pupils\n8850001,8850017,10.5\n", "t2.csv")
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        read_transfers(t2)
    assert any(
        issubclass(x.category, DataQualityWarning) and "not a whole number" in str(x.message)
        for x in w
    )


def test_labels_parse():
    assert nc.parse_academic_year_label("2022/23") == 2022
    assert nc.parse_academic_year_label("1999/00") == 1999
    assert nc.parse_academic_year_label("2022/2023") == 2022
    assert nc.parse_academic_year_label("2022/24") is None
    assert nc.parse_ncy_label("Year 11") == 11 and nc.parse_ncy_label("N1") == -2
    assert nc.parse_ncy_label("7") is None


def test_a_census_extracts_source_column_goes_to_its_provenance(tmp_path):
    """SYNTHETIC: a census extract marked SYNTHETIC in its source column was listed as plain
    local authority data; the file's own word now goes with it, as for the tidy readers."""
    text = _census([r + ",SYNTHETIC test extract" for r in ROWS], "school,year,ncy,pupils,Source")
    prov = read_school_census(_write(tmp_path, text), LOOKUP).provenance[0]
    assert "SYNTHETIC test extract" in prov.note


# --- schools opened since the capacity data: the extract's own area column -------------------
def _read_warned(path, **kw):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        d = read_school_census(path, LOOKUP, **kw)
    return d, [str(x.message) for x in w if issubclass(x.category, DataQualityWarning)]


def test_a_new_school_takes_its_area_from_the_extract(tmp_path):
    """SYNTHETIC: school 8851003 opened after the capacity data (not in the lookup); the
    extract's 'Area' column (any case) places it, and the known schools' blank cells keep the
    lookup's areas. Its pupils have no places in the model: a warning says so, naming the
    school, its area and line."""
    rows = [r + "," for r in ROWS] + ["8851003,2021,0,10,8850017", "8851003,2022,0,12,8850017"]
    rows[0] = ROWS[0] + ",8850001"  # a known school's own area, written out: agrees
    got, warned = _read_warned(
        _write(tmp_path, _census(rows, "school,year,ncy,pupils,Area")),
        known_areas=["8850001", "8850017"],
    )
    t = {(r.area, r.year, r.ncy): r.pupils for r in got.data.itertuples()}
    assert t[("8850001", 2021, 0)] == 55 and t[("8850017", 2022, 0)] == 12
    assert t[("8850017", 2022, 7)] == 160
    assert len(warned) == 1 and "school 8851003 in area 8850017 (line 8)" in warned[0]
    assert "no places" in warned[0] and "[data.capacity]" in warned[0]
    assert "8851003 in 8850017" in got.provenance[0].note


def test_the_area_column_errors_name_school_line_and_both_areas(tmp_path):
    """SYNTHETIC: an unknown area code is an error naming it; an area that differs from the
    lookup's for a known school is an error naming the school, its line and both areas (its
    places stay in the lookup's area); a new school still without an area keeps the error,
    now saying to give it one."""
    rows = [r + "," for r in ROWS]
    bad_code = rows + ["8851003,2022,0,12,8859999"]
    with pytest.raises(
        SchemaError,
        match=r"column 'area': unknown area code \(value\(s\) "
        r"'8859999'\).*line\(s\) 8\)",
    ):
        read_school_census(
            _write(tmp_path, _census(bad_code, "school,year,ncy,pupils,area")),
            LOOKUP,
            known_areas=["8850001", "8850017"],
        )
    moved = list(rows)
    moved[2] = ROWS[2] + ",8850017"  # 8851001 2022: the lookup has it in 8850001
    with pytest.raises(SchemaError) as exc:
        read_school_census(
            _write(tmp_path, _census(moved, "school,year,ncy,pupils,area")),
            LOOKUP,
            known_areas=["8850001", "8850017"],
        )
    msg = str(exc.value)
    assert "school 8851001 (R, line 4): 8850017 here, 8850001 in the lookup" in msg
    assert "line(s) 4)" in msg and "Blank the cell" in msg
    blank = rows + ["8851003,2022,0,12,"]
    with pytest.raises(SchemaError, match=r"'8851003'.*line\(s\) 8\).*'area' column"):
        read_school_census(_write(tmp_path, _census(blank, "school,year,ncy,pupils,area")), LOOKUP)


def test_a_middle_schools_area_is_checked_by_year_group(tmp_path):
    """SYNTHETIC: a middle school's Year 6 goes to its primary area and Year 7 to its
    secondary area; an extract giving both the primary area is wrong for Year 7 only."""
    lookup = pd.DataFrame(
        {
            "school": ["8852001", "8852001"],
            "area": ["8850001", "8850017"],
            "ncy_min": [5, 7],
            "ncy_max": [6, 8],
        }
    )
    ok = _census(
        ["8852001,2022,6,30,8850001", "8852001,2022,7,31,8850017"], "school,year,ncy,pupils,area"
    )
    d = read_school_census(_write(tmp_path, ok), lookup).data
    assert dict(zip(d["area"], d["pupils"])) == {"8850001": 30, "8850017": 31}
    wrong = _census(
        ["8852001,2022,6,30,8850001", "8852001,2022,7,31,8850001"], "school,year,ncy,pupils,area"
    )
    with pytest.raises(
        SchemaError,
        match=r"school 8852001 \(Y7, line 3\): 8850001 here, "
        "8850017 in the lookup",
    ):
        read_school_census(_write(tmp_path, wrong, "w.csv"), lookup)


def test_housing_completions_are_whole_dwellings(tmp_path):
    """SYNTHETIC housing trajectory: 12.5 dwellings (and "1,250.5", as a spreadsheet writes
    it) were accepted silently; they are used as they are but warned about, naming the file,
    column, lines and values. A negative completion is an error naming its line."""
    h = _write(
        tmp_path,
        'area,year,dwellings\n8850001,2024,12.5\n8850001,2025,30\n8850001,2026,"1,250.5"\n',
        "housing.csv",
    )
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        d = read_tidy(h, "housing", known_areas=["8850001"]).data
    assert d["dwellings"].tolist() == [12.5, 30.0, 1250.5]
    said = [str(x.message) for x in w if issubclass(x.category, DataQualityWarning)]
    assert len(said) == 1
    assert said[0].startswith(
        f"{h}: column 'dwellings': count of dwellings not a whole number "
        "in 2 row(s) (line(s) 2, 4; value(s) '12.5', '1,250.5')"
    )
    whole = _write(tmp_path, "area,year,dwellings\n8850001,2024,12\n", "whole.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read_tidy(whole, "housing", known_areas=["8850001"])
    neg = _write(tmp_path, "area,year,dwellings\n8850001,2024,12\n8850001,2025,-3\n", "neg.csv")
    with pytest.raises(
        SchemaError,
        match=r"column 'dwellings': negative value \(value\(s\) "
        r"'-3.0'\) in 1 row\(s\) \(line\(s\) 3\)",
    ):
        read_tidy(neg, "housing", known_areas=["8850001"])


def test_year_groups_a_school_does_not_teach_are_named_not_dropped_silently(tmp_path):
    """SYNTHETIC: Year 12 at a school the lookup has as 11-16 (8854001, Years 7-11) and nursery
    at a primary school. The Year 12 pupils were left out of every area without a word; now a
    warning names the school, year group, line and the years it teaches. Nursery (not
    forecast) is left out quietly, as before."""
    rows = ROWS + ["8854001,2022,12,40", "8851001,2022,-1,12"]
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        d = read_school_census(_write(tmp_path, _census(rows)), LOOKUP).data
    assert d.pupils.sum() == sum(int(r.split(",")[3]) for r in ROWS)
    msgs = [str(x.message) for x in w if issubclass(x.category, DataQualityWarning)]
    said = [m for m in msgs if "do not teach" in m]
    assert len(said) == 1, msgs
    assert "40 pupils of 1 school(s)" in said[0]
    assert "school 8854001 Y12 (line 8; taught Y7-Y11)" in said[0]
    assert "N2" not in said[0]
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        read_school_census(_write(tmp_path, _census(ROWS), "plain.csv"), LOOKUP)
    assert not [x for x in w if "do not teach" in str(x.message)]
