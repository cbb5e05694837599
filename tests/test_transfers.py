"""Transfer shares from a file ([data.transfers]): the reader, the model and the report."""

from __future__ import annotations

import re
import tomllib

import pytest
from conftest import DATA

from sufficiency import ConfigError, SchemaError, load_model
from sufficiency.io import read_transfers

MODEL = DATA.parent / "models" / "worcestershire.toml"


def _model_with_file(
    tmp_path,
    rows: str | None = None,
    entry: str = '{ path = "transfers.csv" }',
    keep: tuple[str, ...] = (),
) -> object:
    """Worcestershire with its transfers moved to transfers.csv (the areas in ``keep`` keep
    their transfer table in the model too)."""
    src = MODEL.read_text()
    cfg = tomllib.loads(src)
    lines = ["from_area,to_area,share"]
    for a in cfg["areas"]:
        for to, v in a.get("transfer", {}).items():
            lines.append(f"{a['code']},{to},{v}")
    (tmp_path / "transfers.csv").write_text(rows if rows is not None else "\n".join(lines) + "\n")
    out = []
    for block in re.split(r"(?=^\[\[areas\]\]\n)", src, flags=re.M):
        code = re.search(r'^code = "(\d+)"', block, flags=re.M)
        if code is None or code.group(1) not in keep:
            block = re.sub(r"^transfer = .*\n", "", block, flags=re.M)
        out.append(block)
    text = "".join(out).replace('"../data/', f'"{DATA}/')
    text = text.replace("[data]\n", f"[data]\ntransfers = {entry}\n", 1)
    p = tmp_path / "m.toml"
    p.write_text(text)
    return p


def test_a_transfers_file_gives_the_same_model_as_the_areas_tables(tmp_path):
    base = load_model(MODEL)
    got = load_model(_model_with_file(tmp_path))
    assert {a.code: dict(a.transfer) for a in got.areas} == {
        a.code: dict(a.transfer) for a in base.areas
    }
    assert got.data["transfers"].reader == "transfers"


def test_counts_become_shares_over_the_years_kept(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text(
        "from_area,to_area,pupils,year\nA,S,900,2021\nA,T,100,2021\nA,S,800,2022\n"
        "A,T,200,2022\nB,S,50,2022\n"
    )
    d = read_transfers(p).data.set_index(["from_area", "to_area"])
    assert d.loc[("A", "S"), "share"] == pytest.approx(1700 / 2000)
    assert d.loc[("B", "S"), "share"] == 1.0
    assert d.loc[("A", "S"), "lines"] == "2, 4"
    one = read_transfers(p, years=1).data.set_index(["from_area", "to_area"])
    assert one.loc[("A", "T"), "share"] == pytest.approx(0.2)
    prov = read_transfers(p, years=1).provenance[0]
    assert prov.years == (2022, 2022) and "from counts of pupils moving in 2022" in prov.note


@pytest.mark.parametrize(
    "text, match",
    [
        (
            "from_area,to_area,share\nA,S,0.7\n",
            r"the shares of from_area 'A' \(line\(s\) 2\) sum to 0.7000; expected 1",
        ),
        ("from_area,to_area,share,pupils\nA,S,1,5\n", r"both 'share' and 'pupils'"),
        ("from_area,to_area\nA,S\n", r"neither 'share' nor 'pupils'"),
        (
            "from_area,to_area,share\nA,S,1.0\nA,S,1.0\n",
            r"the same pair more than once .*line\(s\) 2, 3",
        ),
        ("from_area,to_area,pupils\nA,S,-4\n", r"column 'pupils': out of range .*line\(s\) 2"),
        (
            "from_area,to_area,pupils\nA,S,0\n",
            r"from_area 'A' has no pupils moving \(line\(s\) 2\)",
        ),
        ("from_area,to_area,share,year\nA,S,1.0,2021\n", r"'year' with 'share'"),
        ("from_area,to_area,pupils\nA,S,lots\n", r"column 'pupils': missing or non-numeric value"),
    ],
)
def test_bad_transfers_files_name_the_line(tmp_path, text, match):
    p = tmp_path / "t.csv"
    p.write_text(text)
    with pytest.raises(SchemaError, match=match):
        read_transfers(p)


def test_model_errors_name_the_file_and_the_area(tmp_path):
    # an area given a transfer twice
    with pytest.raises(
        ConfigError,
        match=r"\[\[areas\]\] 8850015 \(Worcester City\): transfer given "
        r"here and in .*transfers.csv \(\[data.transfers\]\); expected one of them",
    ):
        load_model(_model_with_file(tmp_path, keep=("8850015",)))
    # an area the model does not have, by its line
    base = tmp_path / "transfers.csv"
    _model_with_file(tmp_path)
    rows = base.read_text() + "8859999,8850031,1.0\n"
    with pytest.raises(
        ConfigError,
        match=r"\[data.transfers\]: .*column 'from_area': area '8859999' "
        r"\(line\(s\) 19\) is not one of the model's \[\[areas\]\]",
    ):
        load_model(_model_with_file(tmp_path, rows=rows))
    # a primary area missing from the file: the coverage check, saying where transfers come from
    _model_with_file(tmp_path)
    rows = (
        "\n".join(line for line in base.read_text().splitlines() if not line.startswith("8850001,"))
        + "\n"
    )
    with pytest.raises(
        ConfigError,
        match=r"8850001 \(Bewdley, primary\): no transfer.*\(the transfers of 16 "
        r"area\(s\) come from .*transfers.csv, \[data.transfers\]\)",
    ):
        load_model(_model_with_file(tmp_path, rows=rows))
    # years needs a year column
    with pytest.raises(
        SchemaError, match=r"years = 3 in the model, but the file has no 'year' column"
    ):
        load_model(_model_with_file(tmp_path, entry='{ path = "transfers.csv", years = 3 }'))
    with pytest.raises(ConfigError, match=r"reader = 'tidy': expected one of transfers"):
        load_model(_model_with_file(tmp_path, entry='{ path = "transfers.csv", reader = "tidy" }'))


def test_report_assumptions_say_where_the_transfer_shares_come_from(tmp_path):
    from sufficiency.report.build import _transfer_assumption

    base = _transfer_assumption(load_model(MODEL), "worcestershire.toml")
    assert base == (
        "transfer shares between planning areas",
        "17 areas pass pupils on: all 17 send their last year group to one area",
        "worcestershire.toml [[areas]] transfer: an assumption unless taken from "
        "admissions records",
    )
    got = _transfer_assumption(load_model(_model_with_file(tmp_path)), "m.toml")
    assert got[2] == "transfers.csv ([data.transfers]; see Sources)"


def test_a_scenario_may_switch_to_a_transfers_file_or_override_one_area(tmp_path):
    """A scenario's own setting wins over its base's (review, three-tier trial: a scenario
    could neither add a transfers file to a model with transfer tables nor change one area's
    shares in a model with a file)."""
    # base with transfer tables; the scenario adds a file giving Bewdley a split
    (tmp_path / "base.toml").write_text(MODEL.read_text().replace('"../data/', f'"{DATA}/'))
    rows = [line for line in _file_rows() if not line.startswith("8850001,")]
    (tmp_path / "transfers.csv").write_text(
        "\n".join(rows + ["8850001,8850017,0.75", "8850001,8850022,0.25"]) + "\n"
    )
    (tmp_path / "scen.toml").write_text(
        'extends = "base.toml"\n[data]\ntransfers = { path = "transfers.csv" }\n'
    )
    cfg = load_model(tmp_path / "scen.toml")
    assert dict(cfg.area("8850001").transfer) == {"8850017": 0.75, "8850022": 0.25}
    # base with a file; the scenario gives one area its own table
    (tmp_path / "b2").mkdir()
    base = _model_with_file(tmp_path / "b2")
    (base.parent / "scen.toml").write_text(
        'extends = "m.toml"\n[[areas]]\ncode = "8850001"\n'
        'transfer = { "8850017" = 0.5, "8850018" = 0.5 }\n'
    )
    got = load_model(base.parent / "scen.toml")
    assert dict(got.area("8850001").transfer) == {"8850017": 0.5, "8850018": 0.5}
    assert dict(got.area("8850002").transfer) == dict(load_model(MODEL).area("8850002").transfer)


def _file_rows() -> list[str]:
    cfg = tomllib.loads(MODEL.read_text())
    out = ["from_area,to_area,share"]
    for a in cfg["areas"]:
        for to, v in a.get("transfer", {}).items():
            out.append(f"{a['code']},{to},{v}")
    return out


def test_a_chain_of_scenarios_keeps_the_nearest_transfer_setting(tmp_path):
    """base (transfer tables) <- mid (adds a transfers file) <- scen (a margin only): the
    file of mid wins over base's tables, and scen loads (review: it failed)."""
    (tmp_path / "base.toml").write_text(MODEL.read_text().replace('"../data/', f'"{DATA}/'))
    rows = [line for line in _file_rows() if not line.startswith("8850001,")]
    (tmp_path / "transfers.csv").write_text(
        "\n".join(rows + ["8850001,8850017,0.75", "8850001,8850022,0.25"]) + "\n"
    )
    (tmp_path / "mid.toml").write_text(
        'extends = "base.toml"\n[data]\ntransfers = { path = "transfers.csv" }\n'
    )
    (tmp_path / "scen.toml").write_text('extends = "mid.toml"\n[assumptions]\nmargin = 0.03\n')
    cfg = load_model(tmp_path / "scen.toml")
    assert dict(cfg.area("8850001").transfer) == {"8850017": 0.75, "8850022": 0.25}
    # a table and the file in one scenario file is still an error, naming that file
    (tmp_path / "both.toml").write_text(
        'extends = "base.toml"\n[data]\ntransfers = { path = "transfers.csv" }\n'
        '[[areas]]\ncode = "8850001"\ntransfer = { "8850017" = 1.0 }\n'
    )
    with pytest.raises(
        ConfigError,
        match=r"both\.toml: \[\[areas\]\] 8850001 \(Bewdley\): "
        r"transfer given here and in",
    ):
        load_model(tmp_path / "both.toml")


def _worcs_with(tmp_path, old: str, new: str, count: int = 1):
    text = MODEL.read_text().replace('"../data/', f'"{DATA}/')
    assert old in text
    p = tmp_path / "m.toml"
    p.write_text(text.replace(old, new, count))
    return p


def test_equal_split_shares_the_year_group_over_every_area_starting_next(tmp_path):
    # Bewdley (8850001) sends its Year 6 to 8850017 in the model; written "equal", it sends
    # an equal share to each of the 16 secondary areas (every area starting at Year 7)
    got = load_model(_worcs_with(tmp_path, 'transfer = { "8850017" = 1.0 }', 'transfer = "equal"'))
    sec = [a.code for a in got.areas if a.ncys[0] == 7]
    bewdley = got.area("8850001")
    assert len(sec) == 16 and list(bewdley.transfer) == sec and bewdley.transfer_equal
    assert sum(bewdley.transfer.values()) == pytest.approx(1, abs=1e-12)
    assert not got.area("8850015").transfer_equal
    assert got.transfer_summary()[0] == (
        "17 areas pass pupils on: 16 send their last year group to one area, 1 split it equally "
        'over every area starting at the next year group (transfer = "equal", a placeholder)'
    )
    # a scenario's table replaces its base's "equal", and an "equal" replaces a table
    base = tmp_path / "m.toml"
    (tmp_path / "s.toml").write_text(
        'extends = "m.toml"\n[model]\nname = "s"\n[[areas]]\n'
        'code = "8850001"\ntransfer = { "8850017" = 0.5, "8850031" = 0.5 }\n'
    )
    got = load_model(tmp_path / "s.toml").area("8850001")
    assert dict(got.transfer) == {"8850017": 0.5, "8850031": 0.5} and not got.transfer_equal
    (tmp_path / "t.toml").write_text(
        'extends = "s.toml"\n[model]\nname = "t"\n[[areas]]\ncode = "8850001"\ntransfer = "equal"\n'
    )
    assert len(load_model(tmp_path / "t.toml").area("8850001").transfer) == 16
    assert base.exists()


@pytest.mark.parametrize(
    "old, new, match",
    [
        (
            'transfer = { "8850017" = 1.0 }',
            'transfer = "equals"',
            r"\[\[areas\]\] 8850001: transfer = 'equals' \(did you mean \"equal\"\?\): expected a table "
            r"\{ secondary_area = share \} "
            r'or "equal" \(its Year 6 shared equally by every area starting at the next year group\)',
        ),
        (
            'phase = "secondary"',
            'phase = "secondary"\ntransfer = "equal"',
            r"\[\[areas\]\] 8850017 \(.*\): transfer: this secondary area teaches up to Year 13",
        ),
    ],
)
def test_equal_split_errors(tmp_path, old, new, match):
    with pytest.raises(ConfigError, match=match):
        load_model(_worcs_with(tmp_path, old, new))


def test_equal_split_with_no_area_to_take_the_pupils(tmp_path):
    (tmp_path / "m.toml").write_text(
        '[model]\nname = "m"\nauthority = "E10000034"\n'
        '[[areas]]\ncode = "P"\nname = "P"\nphase = "primary"\ntransfer = "equal"\n'
    )
    with pytest.raises(
        ConfigError,
        match=r'\[\[areas\]\] P \(P\): transfer = "equal": no area '
        r"starts at Year 7, so its Year 6 has nowhere to go",
    ):
        load_model(tmp_path / "m.toml")


def test_a_transfers_files_warnings_are_given_once(tmp_path):
    # the file was read when the model loaded and again by load_inputs for the record, so
    # validate printed each of its warnings twice (own-data trial). Fractional counts warn.
    import warnings

    from sufficiency import load_inputs

    cfg = tomllib.loads(MODEL.read_text())
    rows = ["from_area,to_area,pupils"] + [
        f"{a['code']},{to},{100.5 * v}"
        for a in cfg["areas"]
        for to, v in a.get("transfer", {}).items()
    ]
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        load_inputs(load_model(_model_with_file(tmp_path, rows="\n".join(rows) + "\n")))
    frac = [
        x for x in w if "not a whole number" in str(x.message) and "transfers.csv" in str(x.message)
    ]
    assert len(frac) == 1, [str(x.message)[:80] for x in frac]
