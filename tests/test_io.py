"""Readers: real published values pinned, and every kind of bad input rejected clearly."""

from __future__ import annotations

import shutil

import pytest
from conftest import DATA

from sufficiency import SchemaError
from sufficiency.io import (
    aggregate_births,
    read_births,
    read_census_ncy,
    read_district_lookup,
    read_scap_capacity,
    read_spc_pupils,
    read_tidy,
)

WORCS = "E10000034"


def _pupils(df, year, ncy, area=WORCS):
    sel = df[(df.area == area) & (df.year == year) & (df.ncy == ncy)]
    assert len(sel) == 1
    return float(sel.pupils.iloc[0])


# --- real values ------------------------------------------------------------------------
def test_census_pins_worcestershire(data_dir):
    d = read_census_ncy(data_dir / "census_pupils_by_ncy_2011_2022.csv").data
    assert _pupils(d, 2015, 0) == 6334
    assert _pupils(d, 2022, 0) == 5957
    assert _pupils(d, 2022, 7) == 6470
    assert d.year.min() == 2011 and d.year.max() == 2022
    assert d.area.nunique() == 14


def test_spc_matches_census_for_worcestershire(data_dir):
    spc = read_spc_pupils(data_dir / "spc_pupils_fsm_ethnicity_yrgp.csv", authorities=[WORCS]).data
    cen = read_census_ncy(data_dir / "census_pupils_by_ncy_2011_2022.csv", authorities=[WORCS]).data
    m = spc[spc.ncy.between(0, 13)].merge(
        cen, on=["area", "year", "ncy"], suffixes=("_spc", "_cen")
    )
    assert len(m) == 7 * 14
    assert (m.pupils_spc == m.pupils_cen).all()


def test_births_sum_over_districts(data_dir):
    b = read_births(data_dir / "births_by_district_1992_2023.csv")
    lk = read_district_lookup(data_dir / "district_to_la_west_midlands.csv")
    assert (lk.data[lk.data.area == WORCS].district.nunique()) == 6
    agg = aggregate_births(b.data, lk.data)
    row = agg[(agg.area == WORCS) & (agg.year == 2011)]
    assert float(row.births.iloc[0]) == 6284
    assert set(b.data.kind) == {"actual"}
    assert b.provenance[0].sha256 and b.provenance[0].years == (1992, 2022)


def test_births_modelled_rows_flagged(data_dir):
    from sufficiency import DataQualityWarning

    with pytest.warns(DataQualityWarning):
        b = read_births(data_dir / "births_by_district_1992_2023.csv", include_modelled=True)
    assert "projected" not in set(b.data[b.data.year <= 2022].kind)


def test_scap_worcester_city_secondary(data_dir):
    d = read_scap_capacity(data_dir / "scap_2015_school_capacity.csv", la_codes=[885]).data
    w = d[d.area == "8850031"]
    assert w.school.nunique() == 5
    assert w.capacity.sum() == 5676
    assert w.roll.sum() == 5174
    # a middle school has a primary row and a secondary row in different planning areas
    mid = d[d.school_name == "Westacre Middle School"]
    assert set(mid.phase) == {"primary", "secondary"}
    assert mid.capacity.sum() == 450


# --- bad input ---------------------------------------------------------------------------
CENSUS_HEADER = (
    "time_period,old_la_code,new_la_code,la_name,nc_year,full_time,part_time,headcount,fte\n"
)
GOOD_ROW = "202223,885,E10000034,Worcestershire,reception,5957,0,5957,5957\n"

BAD_CENSUS = {
    "missing column": (
        "time_period,new_la_code,nc_year\n202223,E10000034,reception\n",
        "headcount",
    ),
    "negative count": (
        CENSUS_HEADER + "202223,885,E10000034,Worcestershire,reception,1,0,-5,1\n",
        "negative",
    ),
    "non-numeric count": (
        CENSUS_HEADER + "202223,885,E10000034,Worcestershire,reception,1,0,many,1\n",
        "non-numeric",
    ),
    "duplicate key": (CENSUS_HEADER + GOOD_ROW + GOOD_ROW, "duplicate"),
    "empty file": ("", "empty"),
    "impossible year": (
        CENSUS_HEADER + "202299,885,E10000034,Worcestershire,reception,1,0,1,1\n",
        "year",
    ),
    "unknown year group": (
        CENSUS_HEADER + "202223,885,E10000034,Worcestershire,year_group_99,1,0,1,1\n",
        "year group",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CENSUS))
def test_census_bad_input(tmp_path, case):
    text, needle = BAD_CENSUS[case]
    p = tmp_path / "census.csv"
    p.write_text(text)
    with pytest.raises(SchemaError) as exc:
        read_census_ncy(p)
    msg = str(exc.value)
    assert str(p) in msg
    assert needle in msg.lower()


def test_census_suppression_markers_read_as_missing_with_a_warning(tmp_path):
    from sufficiency.exceptions import DataQualityWarning

    p = tmp_path / "census.csv"
    p.write_text(
        CENSUS_HEADER
        + GOOD_ROW
        + "202223,885,E10000034,Worcestershire,year_group_1,c,c,c,c\n"
        + "202223,885,E10000034,Worcestershire,year_group_13, z ,z,Z,z\n"
    )
    with pytest.warns(
        DataQualityWarning,
        match=r"census.csv: column 'headcount': 2 row\(s\).*"
        r"'c', 'z'; line\(s\) 3, 4",
    ):
        d = read_census_ncy(p).data
    assert d["ncy"].tolist() == [0] and d["pupils"].tolist() == [5957]


def _recoded(src, tmp_path):
    """``src`` (a published file) with Worcestershire's rows to 2018/19 under a made-up
    earlier code, E10000099, its DfE number unchanged: the edited copy's path and the raw
    table and rows edited."""
    import pandas as pd

    raw = pd.read_csv(src, dtype=str)
    early = (raw["new_la_code"] == WORCS) & (raw["time_period"].astype(int) < 201920)
    raw.loc[early, "new_la_code"] = "E10000099"
    p = tmp_path / f"recoded_{src.name}"
    raw.to_csv(p, index=False)
    return p, raw, early


def _same_pupils(got, want):
    import pandas as pd

    cols = ["area", "year", "ncy", "pupils"]
    pd.testing.assert_frame_equal(
        got[cols].sort_values(cols[:3]).reset_index(drop=True),
        want[cols].sort_values(cols[:3]).reset_index(drop=True),
    )


def test_spc_follows_a_changed_authority_code(data_dir, tmp_path):
    """The published spc file edited (labelled so) as the census one above: Worcestershire's
    rows to 2018/19 under a made-up earlier code, same DfE number; read as one authority."""
    from sufficiency.exceptions import DataQualityWarning

    src = data_dir / "spc_pupils_fsm_ethnicity_yrgp.csv"
    p, _, _ = _recoded(src, tmp_path)
    with pytest.warns(DataQualityWarning, match=r"E10000099 \(2015/16-2018/19\) -> E10000034"):
        got = read_spc_pupils(p, authorities=[WORCS]).data
    _same_pupils(got, read_spc_pupils(src, authorities=[WORCS]).data)
    with pytest.raises(SchemaError, match=r"E10000099 \(read as E10000034\) are earlier codes"):
        read_spc_pupils(p, authorities=["E10000099"])


def test_census_follows_a_changed_authority_code(data_dir, tmp_path):
    """The published census edited (labelled so) as a national file has Gateshead (DfE 390,
    E08000020 to E08000037 from 2019/20): Worcestershire's rows to 2018/19 under a made-up
    earlier code. Read as two areas, the later had two years of history and the earlier no
    births; read as one, under its latest code, with a warning naming both."""
    import pandas as pd

    from sufficiency.exceptions import DataQualityWarning

    src = data_dir / "census_pupils_by_ncy_2011_2022.csv"
    p, raw, early = _recoded(src, tmp_path)
    with pytest.warns(
        DataQualityWarning, match=r"E10000099 \(2011/12-2018/19\) -> E10000034 \(DfE number 885\)"
    ):
        got = read_census_ncy(p).data
    _same_pupils(got, read_census_ncy(src).data)
    # a model of another authority reading the national file is not told of this one's
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        other = read_census_ncy(p, authorities=["E06000019"]).data
    assert not [w for w in caught if "code changed" in str(w.message)]
    assert set(other["area"]) == {"E06000019"}
    # codes whose years overlap are two authorities sharing a number in error: left apart
    both = raw.copy()
    both.loc[
        (both["new_la_code"] == "E10000099") & (both["time_period"] == "201819"), "new_la_code"
    ] = WORCS
    both = pd.concat([both, raw[early & (raw["time_period"] == "201819")]])
    p2 = tmp_path / "census_overlap.csv"
    both.to_csv(p2, index=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        d2 = read_census_ncy(p2).data
    assert not [w for w in caught if "code changed" in str(w.message)]
    assert {"E10000099", WORCS} <= set(d2["area"])
    # asked for by its earlier code: the file has it (read under the latest), not "not found";
    # old_la_code written as a float (885.0) is the same DfE number
    raw.loc[raw["new_la_code"].isin(["E10000099", WORCS]), "old_la_code"] = "885.0"
    p3 = tmp_path / "census_float_number.csv"
    raw.to_csv(p3, index=False)
    with pytest.warns(DataQualityWarning, match="DfE number 885"):
        with pytest.raises(
            SchemaError, match=r"E10000099 \(read as E10000034\) are earlier codes.*expected"
        ):
            read_census_ncy(p3, authorities=["E10000099"])


def test_census_bad_input_names_line_and_column(tmp_path):
    p = tmp_path / "census.csv"
    p.write_text(
        CENSUS_HEADER + GOOD_ROW + "202223,885,E10000034,Worcestershire,year_group_1,1,0,-3,1\n"
    )
    msg = str(pytest.raises(SchemaError, read_census_ncy, p).value)
    assert "'pupils'" in msg and "line(s) 3" in msg


def test_binary_file_rejected(tmp_path):
    p = tmp_path / "census.csv"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(SchemaError, match="binary"):
        read_census_ncy(p)


def test_unknown_authority(tmp_path, data_dir):
    with pytest.raises(SchemaError, match="E99999999"):
        read_census_ncy(data_dir / "census_pupils_by_ncy_2011_2022.csv", authorities=["E99999999"])


BIRTHS_HEADER = (
    "gss_code,gss_name,geography,sex,date,type,annual_births,interval_lower,interval_upper\n"
)
BAD_BIRTHS = {
    "missing column": ("gss_code,date\nE07000237,2011-07-01\n", "annual_births"),
    "negative count": (
        BIRTHS_HEADER + "E07000237,Worcester,LAD21,persons,2011-07-01,actual,-1,,\n",
        "negative",
    ),
    "non-numeric count": (
        BIRTHS_HEADER + "E07000237,Worcester,LAD21,persons,2011-07-01,actual,lots,,\n",
        "non-numeric",
    ),
    "duplicate key": (
        BIRTHS_HEADER + "E07000237,W,LAD21,persons,2011-07-01,actual,1,,\n" * 2,
        "duplicate",
    ),
    "empty file": ("", "empty"),
    "impossible year": (
        BIRTHS_HEADER + "E07000237,W,LAD21,persons,1066-07-01,actual,1,,\n",
        "year",
    ),
    "malformed date": (BIRTHS_HEADER + "E07000237,W,LAD21,persons,July 2011,actual,1,,\n", "date"),
}


@pytest.mark.parametrize("case", sorted(BAD_BIRTHS))
def test_births_bad_input(tmp_path, case):
    text, needle = BAD_BIRTHS[case]
    p = tmp_path / "births.csv"
    p.write_text(text)
    with pytest.raises(SchemaError) as exc:
        read_births(p)
    assert str(p) in str(exc.value) and needle in str(exc.value).lower()


def test_scap_bad_input(tmp_path, data_dir):
    src = (data_dir / "scap_2015_school_capacity.csv").read_text(encoding="utf-8-sig").splitlines()
    header, row = src[0], src[1].split(",")
    cols = header.split(",")
    cases = {
        "negative": ("Netcapacity (1)", "-450"),
        "non-numeric": ("MAYNOR", "lots"),
        "unknown phase": ("Phase", "XX"),
    }
    for needle, (col, value) in cases.items():
        r = list(row)
        r[cols.index(col)] = value
        p = tmp_path / "scap.csv"
        p.write_text(header + "\n" + ",".join(r) + "\n")
        msg = str(pytest.raises(SchemaError, read_scap_capacity, p).value)
        assert needle in msg.lower() and col in msg and "line(s) 2" in msg
    p = tmp_path / "scap.csv"
    p.write_text(header + "\n" + src[1] + "\n" + src[1] + "\n")
    assert "duplicate" in str(pytest.raises(SchemaError, read_scap_capacity, p).value)


def test_tidy_unknown_area_and_gap(tmp_path):
    p = tmp_path / "pupils.csv"
    p.write_text("area,year,ncy,pupils\nA,2020,0,10\nZ,2020,0,10\n")
    msg = str(pytest.raises(SchemaError, read_tidy, p, "pupils", known_areas=["A"]).value)
    assert "unknown area" in msg and "'Z'" in msg
    p.write_text("area,year,ncy,pupils\nA,2018,0,10\nA,2020,0,10\n")
    msg = str(pytest.raises(SchemaError, read_tidy, p, "pupils").value)
    assert "contiguous" in msg and "2019" in msg
    p.write_text("area,year,ncy,pupils\nA,2018,15,10\n")
    assert "out of range" in str(pytest.raises(SchemaError, read_tidy, p, "pupils").value)


def test_reader_never_modifies_input(tmp_path, data_dir):
    p = tmp_path / "c.csv"
    shutil.copy(data_dir / "census_pupils_by_ncy_2011_2022.csv", p)
    before = p.read_bytes()
    read_census_ncy(p)
    assert p.read_bytes() == before


def test_scap_row_with_an_unquoted_comma_in_the_name_is_mended(data_dir):
    """The published file's line 1500 (Herefordshire) splits a school name at an unquoted
    comma, moving every later column right: read back with a warning naming the line."""
    from sufficiency.exceptions import DataQualityWarning

    with pytest.warns(
        DataQualityWarning,
        match=r"unquoted comma .*line\(s\) 1500; value\(s\) "
        r"'Whitecross Hereford, High School and Specialist Sports College'",
    ):
        d = read_scap_capacity(data_dir / "scap_2015_school_capacity.csv", la_codes=[884]).data
    row = d[d["school"] == "8844014"].iloc[0]
    assert (row["phase"], row["area"], row["capacity"], row["roll"]) == (
        "secondary",
        "8840001",
        900,
        837,
    )
    assert row["school_name"] == "Whitecross Hereford, High School and Specialist Sports College"
    # an authority without such a row reads without the warning
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", DataQualityWarning)
        read_scap_capacity(data_dir / "scap_2015_school_capacity.csv", la_codes=[885])


def test_scap_shifted_row_that_is_not_a_name_split_is_still_an_error(tmp_path):
    p = tmp_path / "scap.csv"
    p.write_text(
        "LAEstab,LA1,estab1,LAname,Schoolname,Phase,MAYNOR,Netcapacity (1),"
        "PrimaryCapacity (2),SecondaryCapacity (2),Primary PA code (2),"
        "Secondary PA code (2),Main Phase\n"
        "8852000,885,2000,Worcs,A School,XX,100,120,,,8850001,,PRI\n"
    )
    with pytest.raises(SchemaError, match=r"column 'Phase': unknown phase .*line\(s\) 2"):
        read_scap_capacity(p)


def test_a_school_with_a_quarter_of_its_places_filled_is_flagged(tmp_path):
    """Robert Owen Academy (Herefordshire, 2014/15: 500 places, 47 pupils) was a new school
    still filling; its places count in full, so the load says so."""
    import shutil

    from sufficiency import load_inputs, load_model
    from sufficiency.exceptions import DataQualityWarning

    model = tmp_path / "h.toml"
    for f in (
        "census_pupils_by_ncy_2011_2022.csv",
        "births_by_district_1992_2023.csv",
        "district_to_la_west_midlands.csv",
        "scap_2015_school_capacity.csv",
    ):
        shutil.copy(DATA / f, tmp_path / f)
    model.write_text(
        """
[model]
name = "Herefordshire"
authority = "E06000019"
old_la_code = 884
[data]
pupils = { path = "census_pupils_by_ncy_2011_2022.csv", reader = "census_ncy" }
pupils_by_area = { reader = "derived" }
births = { path = "births_by_district_1992_2023.csv", reader = "ons_births" }
lookup = { path = "district_to_la_west_midlands.csv", reader = "district_lookup" }
capacity = { path = "scap_2015_school_capacity.csv", reader = "scap", year = 2014 }
"""
        + "".join(
            f'''
[[areas]]
code = "{c}"
name = "{c}"
phase = "primary"
districts = ["E06000019"]
transfer = {{ "8840001" = 1.0 }}
'''
            for c in [
                "8844004",
                "8844014",
                "8844015",
                "8844021",
                "8844022",
                "8844027",
                "8844032",
                "8844045",
                "8844046",
                "8844058",
                "8844428",
                "8844600",
                "8844601",
                "8846905",
            ]
        )
        + """
[[areas]]
code = "8840001"
name = "County"
phase = "secondary"
"""
    )
    with pytest.warns(DataQualityWarning) as got:
        inputs = load_inputs(load_model(model))
    flagged = [str(w.message) for w in got if "quarter of the places filled" in str(w.message)]
    assert len(flagged) == 1
    assert "1 school row with" in flagged[0]
    assert (
        "school 8844000 'Robert Owen Academy' secondary (line 1498): 500 places, 47 on roll"
        in flagged[0]
    )
    assert any("Robert Owen Academy" in w for w in inputs.warnings)  # kept for the report
    # the county's one secondary area has the census's own count
    sec = inputs.pupils[inputs.pupils["area"] == "8840001"]
    assert set(sec["kind"]) == {"actual"}


def test_lines_named_in_errors_count_blank_lines_and_quoted_newlines(tmp_path):
    """A blank line or a quoted field over two lines does not shift the line numbers errors
    name (a bad-input audit found line 152 named for a value on line 153)."""
    from sufficiency.io._common import read_csv_checked

    p = tmp_path / "a.csv"
    p.write_text('a,b\n1,2\n\n3,"x\ny"\n4,5\n,\n6,7\n')
    # the row of a bare separator (line 7) is dropped, as a blank line is (own-data trial)
    assert read_csv_checked(p)["_line"].tolist() == [2, 4, 6, 8]
    census = tmp_path / "census.csv"
    census.write_text(
        CENSUS_HEADER
        + GOOD_ROW
        + "\n"
        + GOOD_ROW.replace("reception", "year_1").replace("5957", "-5")
    )
    with pytest.raises(SchemaError, match=r"line\(s\) 4\)"):
        read_census_ncy(census)


def test_a_district_in_two_authorities_is_named_by_its_file_lines(tmp_path, data_dir):
    p = tmp_path / "lookup.csv"
    p.write_text(
        (data_dir / "district_to_la_west_midlands.csv").read_text()
        + "E07000234,Bromsgrove,E10000031,Warwickshire\n"
    )
    with pytest.raises(
        SchemaError,
        match=r"district in more than one area \(value\(s\) "
        r"'E07000234'\) in 2 row\(s\) \(line\(s\) 2, 32\)",
    ):
        read_district_lookup(p)


def test_a_tidy_files_source_column_goes_to_its_provenance(tmp_path):
    """A housing file marked SYNTHETIC in its source column was listed as plain 'actual'
    local authority data (scenario trial): the file's own word now goes with it."""
    from sufficiency.io import read_tidy

    p = tmp_path / "h.csv"
    p.write_text(
        "area,year,dwellings,source\nA,2025,100,SYNTHETIC test trajectory\n"
        "A,2026,50,SYNTHETIC test trajectory\nA,2027,50,planning committee 2026\n"
    )
    prov = read_tidy(p, "housing", known_areas=["A"]).provenance[0]
    assert prov.note == "source column: SYNTHETIC test trajectory; planning committee 2026"
    q = tmp_path / "h2.csv"
    q.write_text("area,year,dwellings\nA,2025,100\n")
    assert read_tidy(q, "housing", known_areas=["A"]).provenance[0].note == ""


def test_load_warnings_are_kept_for_the_report(tmp_path):
    """The data-quality warnings of loading reached the console only (Herefordshire
    re-test): ModelInputs keeps them, and the report lists them (but the derived-history
    one, which has its own box)."""
    import warnings

    from sufficiency import load_inputs, load_model
    from sufficiency.inputs import DERIVED_WARNING

    model = DATA.parent / "models" / "worcestershire.toml"
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        inputs = load_inputs(load_model(model))
    assert DERIVED_WARNING in inputs.warnings
    assert DERIVED_WARNING in [str(w.message) for w in got]  # still issued


def test_a_second_load_follows_pythons_once_per_line_rule(monkeypatch):
    """Loading the same model twice from one line (a loop over scenarios, the REPL) repeated
    every data warning: load_inputs' own catch_warnings made Python forget what it had shown.
    Under the default filter each is now shown once per line that loads, as Python does for
    any warning; from another line, or under "always", each load shows it again, and a
    warning raised twice within one load is shown once. Every load keeps its warnings."""
    import warnings

    from sufficiency import load_inputs, load_model
    from sufficiency.exceptions import DataQualityWarning
    from sufficiency.inputs import DERIVED_WARNING

    cfg = load_model(DATA.parent / "models" / "worcestershire.toml")

    def shown(got):
        return [str(w.message) for w in got].count(DERIVED_WARNING)

    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("default")
        loads = [load_inputs(cfg) for _ in range(2)]  # one line
        assert shown(got) == 1
        load_inputs(cfg)  # another line
        assert shown(got) == 2
    assert all(DERIVED_WARNING in x.warnings for x in loads)

    # a warning raised twice while loading (a file read twice): once, even under "always"
    import sufficiency.inputs as inputs_module

    def twice(cfg):
        for _ in range(2):
            warnings.warn(
                "SYNTHETIC: the same problem found twice", DataQualityWarning, stacklevel=2
            )

    monkeypatch.setattr(inputs_module, "_warn_three_tier_labels", twice)
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        for _ in range(2):
            load_inputs(cfg)
    said = [str(w.message) for w in got]
    assert said.count("SYNTHETIC: the same problem found twice") == 2  # once per load
    assert said.count(DERIVED_WARNING) == 2


def test_files_the_csv_module_cannot_count_keep_plain_line_numbers(tmp_path):
    """Old Mac line endings and huge fields parse in pandas but not in the csv module that
    counts lines: they are read, numbered the plain way (review)."""
    from sufficiency.io._common import read_csv_checked

    p = tmp_path / "cr.csv"
    p.write_bytes(b"a,b\r1,2\r3,4\r")
    assert read_csv_checked(p)["_line"].tolist() == [2, 3]
    q = tmp_path / "big.csv"
    q.write_text("a,b\n" + "x" * 200_000 + ",1\n")
    assert read_csv_checked(q)["_line"].tolist() == [2]


def test_a_model_of_an_authoritys_earlier_code_names_the_key(data_dir, tmp_path):
    """The published census edited (labelled so): Worcestershire's rows to 2018/19 under a
    made-up earlier code, and a model asking for that code. The error named the file only,
    not [model] authority, which is what to change."""
    import warnings

    import pandas as pd
    from conftest import edited_model

    from sufficiency.config import load_model
    from sufficiency.exceptions import ConfigError
    from sufficiency.inputs import load_inputs

    raw = pd.read_csv(data_dir / "census_pupils_by_ncy_2011_2022.csv", dtype=str)
    early = (raw["new_la_code"] == WORCS) & (raw["time_period"].astype(int) < 201920)
    raw.loc[early, "new_la_code"] = "E10000099"
    p = tmp_path / "census_recoded.csv"
    raw.to_csv(p, index=False)
    model = edited_model(
        tmp_path,
        [
            ('authority = "E10000034"', 'authority = "E10000099"'),
            ('"../data/census_pupils_by_ncy_2011_2022.csv"', f'"{p}"'),
        ],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ConfigError, match=r"\[model\] authority = 'E10000099'.*read as"):
            load_inputs(load_model(model))
