"""Error messages name the file, the column, the offending line and value, and what was expected.

Reviewed in notes/review_cli_inputs.md: a semicolon-separated CSV gave pandas' raw parser
message; one census row with time_period 203031 was reported as "missing 2023..2029" pointing
at other lines; a births row dated 2015-01-01 was reported as "missing 2015" without naming
it; tidy pupils without a whole planning area passed ``validate``.
"""

from __future__ import annotations

import pytest

from sufficiency.exceptions import SchemaError
from sufficiency.io.births import read_births
from sufficiency.io.census import read_census_ncy
from sufficiency.io.tidy import read_tidy

WORCS = "E10000034"


def _copy_with(src, dst, old, new, where):
    lines = src.read_text().splitlines()
    i = next(i for i, ln in enumerate(lines) if old in ln and where in ln)
    lines[i] = lines[i].replace(old, new, 1)
    dst.write_text("\n".join(lines) + "\n")
    return i + 1


def test_semicolon_csv_is_named(data_dir, tmp_path):
    p = tmp_path / "census.csv"
    p.write_text((data_dir / "census_pupils_by_ncy_2011_2022.csv").read_text().replace(",", ";"))
    with pytest.raises(SchemaError) as e:
        read_census_ncy(p)
    msg = str(e.value)
    assert str(p) in msg and "semicolon-separated" in msg and "comma" in msg and "\n" not in msg


def test_semicolon_tidy_table_is_named(tmp_path):
    p = tmp_path / "pupils.csv"
    p.write_text("area;year;ncy;pupils\nA;2020;0;10\n")
    with pytest.raises(SchemaError, match="semicolon-separated"):
        read_tidy(p, "pupils")


def test_unparseable_csv_message_is_one_line(tmp_path):
    p = tmp_path / "pupils.csv"
    p.write_text("area,year,ncy,pupils\nA,2020,0,10\nA,2021,0,10,7,8\n")
    with pytest.raises(SchemaError) as e:
        read_tidy(p, "pupils")
    msg = str(e.value)
    assert "\n" not in msg and msg.count("(") == msg.count(")") and str(p) in msg


def test_one_stray_year_names_its_line(data_dir, tmp_path):
    p = tmp_path / "census.csv"
    line = _copy_with(
        data_dir / "census_pupils_by_ncy_2011_2022.csv",
        p,
        "202223,885,E10000034,Worcestershire,reception,",
        "203031,885,E10000034,Worcestershire,reception,",
        WORCS,
    )
    with pytest.raises(SchemaError) as e:
        read_census_ncy(p, authorities=[WORCS])
    first = str(e.value).splitlines()[0]
    assert f"line(s) {line})" in first and "'2030'" in first and "'time_period'" in first
    assert "2011-2022" in first


def test_gap_in_the_middle_names_the_neighbouring_years(data_dir, tmp_path):
    p = tmp_path / "census.csv"
    src = (data_dir / "census_pupils_by_ncy_2011_2022.csv").read_text().splitlines()
    p.write_text("\n".join(ln for ln in src if not ln.startswith("201718,")) + "\n")
    with pytest.raises(SchemaError, match=r"missing 2017 between 2016 and 2018 .*'2016', '2018'"):
        read_census_ncy(p, authorities=[WORCS])


def test_births_row_dated_january_is_named(data_dir, tmp_path):
    p = tmp_path / "births.csv"
    line = _copy_with(
        data_dir / "births_by_district_1992_2023.csv",
        p,
        ",2015-07-01,actual,",
        ",2015-01-01,actual,",
        "E07000237",
    )
    with pytest.raises(SchemaError) as e:
        read_births(p)
    first = str(e.value).splitlines()[0]
    assert str(p) in first and "'date'" in first and "'2015-01-01'" in first
    assert str(line) in first and "2015-07-01" in first and "E07000237" in first


def test_tidy_pupils_without_an_area_is_an_error(tmp_path):
    p = tmp_path / "pupils.csv"
    p.write_text("area,year,ncy,pupils\nA,2020,0,10\nA,2021,0,11\n")
    with pytest.raises(SchemaError) as e:
        read_tidy(p, "pupils", known_areas=["A", "B"])
    msg = str(e.value)
    assert str(p) in msg and "'area'" in msg and "no rows for area(s) B" in msg
    # other tables may cover some areas only (births of primary areas, housing sites)
    h = tmp_path / "housing.csv"
    h.write_text("area,year,dwellings\nA,2025,100\n")
    assert len(read_tidy(h, "housing", known_areas=["A", "B"]).data) == 1
