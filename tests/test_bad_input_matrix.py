"""Every reader x every kind of bad input -> a clear SchemaError naming file, column and row.

Each case starts from real rows of the published file (so the untouched file reads), breaks
one thing, and checks that the error names the file, the offending column and the data line
(line 2 = first data row) where a row is at fault. The CLI turns the same errors into one line
and exit status 1 (``test_cli_exit_one_line``).
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from sufficiency.exceptions import SchemaError
from sufficiency.io.births import read_births, read_district_lookup
from sufficiency.io.census import read_census_ncy, read_spc_pupils
from sufficiency.io.early_years import read_early_years_takeup
from sufficiency.io.scap import read_scap_capacity
from sufficiency.io.scorecards import read_cost_benchmarks, read_scorecards
from sufficiency.io.tidy import read_tidy

DATA = Path(__file__).resolve().parents[1] / "data"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"


@dataclass(frozen=True)
class Reader:
    """How to read one kind of file, and which columns carry its count, year and area."""

    name: str
    source: Path | None  # published file to take rows from (None: ``rows`` given)
    read: Callable[[Path], object]
    count: str | None
    year: str | None
    impossible_year: str | None
    area: str | None
    keep: Callable[[dict], bool] = lambda row: True
    n_rows: int = 2
    rows: tuple[str, ...] = ()  # CSV text lines (header first) when there is no published file
    directory: str | None = None  # reader takes a directory holding the file under this name
    drop: str | None = None  # column to drop for "missing column" (default: count, else area)


def _is_worcs(row: dict) -> bool:
    return "Worcestershire" in row.values() or "E10000034" in row.values()


READERS = [
    Reader(
        "census",
        DATA / "census_pupils_by_ncy_2011_2022.csv",
        read_census_ncy,
        "headcount",
        "time_period",
        "202299",
        "new_la_code",
        _is_worcs,
    ),
    Reader(
        "spc",
        DATA / "spc_pupils_fsm_ethnicity_yrgp.csv",
        read_spc_pupils,
        "number_of_pupils",
        "time_period",
        "201599",
        "new_la_code",
        lambda r: _is_worcs(r) and r["phase_type_grouping"] == "State-funded primary",
    ),
    Reader(
        "births",
        DATA / "births_by_district_1992_2023.csv",
        read_births,
        "annual_births",
        "date",
        "1066-07-01",
        "gss_code",
        lambda r: r["gss_code"] == "E07000237" and r["type"] == "actual",
    ),
    Reader(
        "district lookup",
        DATA / "district_to_la_west_midlands.csv",
        read_district_lookup,
        None,
        None,
        None,
        "lad_code",
        _is_worcs,
    ),
    Reader(
        "scap",
        DATA / "scap_2015_school_capacity.csv",
        read_scap_capacity,
        "Netcapacity (1)",
        None,
        None,
        "Primary PA code (2)",
        lambda r: r["LA1"] == "885" and r["Phase"] == "PS",
    ),
    Reader(
        "early years take-up",
        DATA / "early_years_funded_takeup_2016_2019.csv",
        read_early_years_takeup,
        "two_year_olds_number_2018",
        None,
        None,
        "LA_Code",
        _is_worcs,
        drop="LA_Code",
    ),
    Reader(
        "scorecards",
        DATA / "school_places_scorecards" / "2024_scorecards_data_2024.csv",
        read_scorecards,
        None,
        None,
        None,
        "new_la_code",
        _is_worcs,
        directory="2024_scorecards_data_2024.csv",
        drop="For_1_P",
    ),  # errors are signed
    Reader(
        "cost benchmarks",
        DATA / "school_places_scorecards" / "2024_scorecards_data_2024.csv",
        read_cost_benchmarks,
        "CPP_P_EP",
        None,
        None,
        "new_la_code",
        _is_worcs,
        directory="2024_scorecards_data_2024.csv",
    ),
    Reader(
        "tidy pupils",
        None,
        lambda p: read_tidy(p, "pupils", known_areas=["A", "B"]),
        "pupils",
        "year",
        "1066",
        "area",
        rows=("area,year,ncy,pupils", "A,2020,0,10", "B,2020,0,12"),
    ),
    Reader(
        "tidy capacity",
        None,
        lambda p: read_tidy(p, "capacity", known_areas=["A", "B"]),
        "capacity",
        "year",
        "1066",
        "area",
        rows=(
            "school,area,phase,ncy_min,ncy_max,capacity,pan,year",
            "S1,A,primary,0,6,210,30,2015",
            "S2,B,primary,0,6,420,60,2015",
        ),
    ),
    Reader(
        "tidy births",
        None,
        lambda p: read_tidy(p, "births", known_areas=["A", "B"]),
        "births",
        "year",
        "1066",
        "area",
        rows=("area,year,births", "A,2020,100", "B,2020,50"),
    ),
    Reader(
        "tidy housing",
        None,
        lambda p: read_tidy(p, "housing", known_areas=["A", "B"]),
        "dwellings",
        "year",
        "1066",
        "area",
        rows=("area,year,dwellings", "A,2025,100", "B,2025,50"),
    ),
]


def _rows(reader: Reader) -> tuple[list[str], list[list[str]]]:
    if reader.source is None:
        parsed = list(csv.reader(reader.rows))
        return parsed[0], parsed[1:]
    with open(reader.source, encoding="utf-8-sig", newline="") as f:
        dict_rows = csv.DictReader(f)
        header = list(dict_rows.fieldnames)
        picked = []
        for row in dict_rows:
            if reader.keep(row):
                picked.append([row[c] for c in header])
                if len(picked) == reader.n_rows:
                    break
    assert picked, f"no rows of {reader.source} kept"
    return header, picked


def _text(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue()


def _write(reader: Reader, tmp_path: Path, content: str | bytes) -> tuple[Path, Path]:
    """Write ``content`` where the reader expects it; return (path to pass, file path)."""
    if reader.directory:
        d = tmp_path / "dir"
        d.mkdir(exist_ok=True)
        target = d / reader.directory
        arg = d
    else:
        target = tmp_path / f"{reader.name.replace(' ', '_')}.csv"
        arg = target
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")
    return arg, target


def _set(header, rows, column, value):
    rows = [list(r) for r in rows]
    rows[0][header.index(column)] = value
    return rows


def _cases(reader: Reader):
    header, rows = _rows(reader)
    cases = {"good": (_text(header, rows), None, None)}
    col = reader.drop or reader.count or reader.area
    dropped = [c for c in header if c != col]
    cases["missing column"] = (
        _text(dropped, [[r[header.index(c)] for c in dropped] for r in rows]),
        col,
        None,
    )
    if reader.count:
        cases["negative count"] = (
            _text(header, _set(header, rows, reader.count, "-5")),
            reader.count,
            2,
        )
        cases["non-numeric count"] = (
            _text(header, _set(header, rows, reader.count, "many")),
            reader.count,
            2,
        )
    cases["duplicate key"] = (_text(header, [rows[0], *rows]), None, 3)
    cases["empty file"] = ("", None, None)
    cases["binary file"] = (PNG, None, None)
    if reader.year:
        cases["impossible year"] = (
            _text(header, _set(header, rows, reader.year, reader.impossible_year)),
            reader.year,
            2,
        )
    if reader.area:
        cases["unknown area code"] = (
            _text(header, _set(header, rows, reader.area, "ZZ-99")),
            reader.area,
            2,
        )
    return cases


CASES = [(r, case) for r in READERS for case in _cases(r)]


@pytest.mark.parametrize(("reader", "case"), CASES, ids=[f"{r.name}-{c}" for r, c in CASES])
def test_bad_input(reader: Reader, case: str, tmp_path):
    content, column, line = _cases(reader)[case]
    arg, target = _write(reader, tmp_path, content)
    before = target.read_bytes()
    if case == "good":
        reader.read(arg)
        return
    with pytest.raises(SchemaError) as exc:
        reader.read(arg)
    msg = str(exc.value)
    assert "\n" not in msg.strip() or len(msg) < 2000
    assert str(target) in msg or (reader.directory and str(arg) in msg), msg
    if column:
        assert column in msg, msg
    if line:
        assert re.search(rf"line\(s\) (\d+, )*{line}\b", msg), msg
    assert target.read_bytes() == before  # inputs are never modified


def test_every_reader_covers_the_required_cases():
    """Each reader meets the cases its file can have (a lookup has no count, no year)."""
    for r in READERS:
        cases = set(_cases(r))
        assert {
            "missing column",
            "duplicate key",
            "empty file",
            "binary file",
            "unknown area code",
        } <= cases, r.name
        if r.count:
            assert {"negative count", "non-numeric count"} <= cases, r.name


CLI_CASES = [  # one bad file behind the default model per kind of problem
    ("census", "non-numeric count", "census_pupils_by_ncy_2011_2022.csv"),
    ("births", "unknown area code", "births_by_district_1992_2023.csv"),
    ("district lookup", "duplicate key", "district_to_la_west_midlands.csv"),
    ("scap", "binary file", "scap_2015_school_capacity.csv"),
    ("scorecards", "missing column", "school_places_scorecards/2024_scorecards_data_2024.csv"),
    ("early years take-up", "empty file", "early_years_funded_takeup_2016_2019.csv"),
]


@pytest.mark.parametrize(
    ("name", "case", "file"), CLI_CASES, ids=[f"{n}-{c}" for n, c, _ in CLI_CASES]
)
def test_cli_exit_one_line(name, case, file, tmp_path, model_path):
    """The same errors from the CLI: exit 1, one line naming the file, no traceback."""
    from click.testing import CliRunner

    from sufficiency.cli import cli

    reader = next(r for r in READERS if r.name == name)
    content = _cases(reader)[case][0]
    (tmp_path / "models").mkdir()
    shutil.copytree(model_path.parent.parent / "data", tmp_path / "data")
    shutil.copy(model_path, tmp_path / "models" / model_path.name)
    target = tmp_path / "data" / file
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content)
    res = CliRunner().invoke(cli, ["validate", str(tmp_path / "models" / model_path.name)])
    err = res.stderr if hasattr(res, "stderr") else res.output
    assert res.exit_code == 1, res.output
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert target.name in err
