"""Findings of a Herefordshire trial (a starting model from ``sufficiency new E06000019``: a
rural unitary authority with 14 primary planning areas and one secondary planning area),
checked on models written by ``sufficiency new`` from the embedded data (real data) or on
small edits of them, labelled as such."""

from __future__ import annotations

import re
import tomllib
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import new_model

from sufficiency.cli import cli
from sufficiency.config import load_model
from sufficiency.exceptions import ConfigError, SufficiencyWarning

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    """``sufficiency new 884``: Herefordshire's starting model (real data)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SufficiencyWarning)  # its repaired SCAP line
        return new_model(tmp_path_factory.mktemp("hfd"), 884, "herefordshire")


def _edited(written: Path, tmp_path: Path, old: str, new: str, name: str = "bad.toml") -> Path:
    """The written model with one edit, beside it (its data paths stay valid)."""
    text = written.read_text()
    assert old in text, old
    out = written.parent / name
    out.write_text(text.replace(old, new, 1))
    return out


def _load(path: Path):
    from sufficiency.inputs import load_inputs

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SufficiencyWarning)
        return load_inputs(load_model(path))


def test_one_secondary_area_gets_its_transfer_without_a_todo(written):
    # every primary area's Year 6 can only go to Herefordshire's one secondary area, yet the
    # starting model marked 14 transfers "TODO" (no public data link primary and secondary
    # areas), and the model stayed a draft until the analyst deleted 14 comments that asked
    # for nothing
    text = written.read_text()
    assert "TODO transfers" not in text and "transfer shares: no public data" not in text
    raw = tomllib.loads(text)
    prim = [a for a in raw["areas"] if a["phase"] == "primary"]
    assert len(prim) == 14 and all(a["transfer"] == {"8840001": 1.0} for a in prim)
    assert "one secondary planning area, 8840001" in " ".join(text.split())


def test_authorities_with_several_secondary_areas_keep_the_transfer_todo(tmp_path):
    from sufficiency.scaffold import new_model_text

    walsall = new_model_text(335, DATA, tmp_path / "walsall.toml")
    assert walsall.count("TODO transfers (equal split") == 11
    assert "#   - Year 6 -> Year 7 transfer shares" in walsall


def test_forced_transfer_is_not_called_an_assumption(written):
    # validate and the report's assumptions table said "an assumption unless taken from
    # admissions records" of shares that have no alternative
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SufficiencyWarning)
        value, where = load_model(written).transfer_summary()
    assert value == "14 areas pass pupils on: all 14 send their last year group to one area"
    assert "no assumption" in where and "an assumption unless" not in where


def test_transfers_to_one_of_several_areas_remain_an_assumption():
    # Worcestershire: each primary area sends its Year 6 to the secondary area of its town,
    # one of 16: an assumption
    from conftest import MODEL

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SufficiencyWarning)
        _, where = load_model(MODEL).transfer_summary()
    assert "an assumption unless taken from admissions records" in where


def test_model_name_is_said_not_in_the_ons_index_form(written):
    # the census names the authority "Herefordshire, County of": the model, its description
    # and every output's title read so
    raw = tomllib.loads(written.read_text())
    assert raw["model"]["name"] == "Herefordshire"
    assert "County of" not in raw["model"]["description"]
    assert written.read_text().startswith("# Herefordshire: a starting model")
    from sufficiency.scaffold import _plain_name

    assert [
        _plain_name(n)
        for n in (
            "Herefordshire, County of",
            "Bristol, City of",
            "Stoke-on-Trent",
            "Telford and Wrekin",
        )
    ] == ["Herefordshire", "Bristol", "Stoke-on-Trent", "Telford and Wrekin"]


def test_area_coded_by_a_schools_number_is_hinted(written):
    # Herefordshire's primary areas carry the LAEstab of the high school whose catchment
    # they are (8844004 is Queen Elizabeth Humanities College, Bromyard): the best clue to
    # their names, found only by searching the SCAP file
    text = " ".join(
        line.lstrip("# ") for line in written.read_text().splitlines() if line.startswith("#")
    )
    assert (
        "The code is the DfE number (LAEstab) of Queen Elizabeth Humanities College "
        "(secondary, planning area 8840001)"
    ) in text
    assert len(re.findall(r"The code is the DfE number \(LAEstab\)", text)) == 14


def test_districts_on_a_secondary_area_are_an_error(written, tmp_path):
    # births go to the primary areas only: a secondary area listing its district loaded
    # without a word, as if its births counted
    bad = _edited(
        written,
        tmp_path,
        'phase = "secondary"\n',
        'phase = "secondary"\ndistricts = ["E06000019"]\n',
    )
    with pytest.raises(ConfigError) as err:
        load_model(bad)
    msg = str(err.value)
    assert msg.startswith(
        f"{bad}: [[areas]] 8840001 (Planning area 8840001 (secondary)): "
        "districts = ['E06000019']: a secondary area teaches no Reception"
    )
    assert "List districts on the primary areas only" in msg


def test_mistyped_area_code_is_named_beside_the_area_left_without_schools(written, tmp_path):
    # [[areas]] code 8844023 for 8844022: the error named only 8844022 ("add them to
    # [[areas]]"), not the entry to correct
    bad = _edited(written, tmp_path, 'code = "8844022"', 'code = "8844023"')
    with pytest.raises(ConfigError) as err:
        _load(bad)
    msg = str(err.value)
    assert "has schools in planning area(s) ['8844022'] that the model does not define" in msg
    assert (
        "[[areas]] 8844023 (Planning area 8844022 (primary)) has no schools there (did you "
        "mean 8844022?); add them to [[areas]], or correct the code."
    ) in msg


def test_unknown_authority_names_the_key_and_the_closest_code(written, tmp_path):
    # E06000091 for E06000019: a bare list of 14 codes, and no word of [model] authority
    bad = _edited(written, tmp_path, 'authority = "E06000019"', 'authority = "E06000091"')
    with pytest.raises(ConfigError) as err:
        _load(bad)
    msg = str(err.value)
    assert msg.startswith(f"{bad.name}: [model] authority = 'E06000091': ") or msg.startswith(
        f"{bad}: [model] authority = 'E06000091': "
    )
    assert "census_pupils_by_ncy_2011_2022.csv: authority code(s) ['E06000091'] not found" in msg
    assert "(did you mean E06000019 (Herefordshire, County of)" in msg
    assert "E10000034 (Worcestershire)" in msg


def test_data_list_lists_the_sections_files(written):
    # `data list` ("what the model loads, from where, with checksums") stopped at [data]: the
    # SEN2, population, take-up and scorecard files the report cites were missing
    res = CliRunner().invoke(cli, ["-q", "data", "list", str(written)])
    assert res.exit_code == 0, res.output
    read = res.output.split("Read:", 1)[1]
    for table, file in (
        ("ehc_plans (caseload)", "ehcp_2025_caseload.csv"),
        ("population", "ons_mye_2011_single_year_of_age.csv"),
        ("early_years_takeup", "early_years_funded_takeup_2016_2019.csv"),
        ("scorecards", "2025_scorecard_data_2025_2023.csv"),
    ):
        line = next(
            ln
            for ln in read.splitlines()
            if ln.strip().startswith(table + " ") and ln.endswith(file)
        )
        assert re.search(r"sha256=[0-9a-f]{12}", line), line


def test_plan_headline_names_phases_in_words(written):
    # "(phases of places: early_years, primary, secondary, special)": the engine's name
    res = CliRunner().invoke(cli, ["-q", "plan", str(written), "--send", "--early-years"])
    assert res.exit_code == 0, res.output
    head = next(ln for ln in res.output.splitlines() if ln.startswith("Plan ("))
    assert "(phases of places: early years, primary, secondary and special)." in head


def test_transfer_file_error_names_the_line_behind_the_share(written, tmp_path):
    # SYNTHETIC counts in Herefordshire's areas: 3 pupils from 8844004 to a primary area,
    # line 16 of the file; the error named "transfer.'8844014' = 0.02912621359223301" of an
    # [[areas]] entry with no transfer table, and the file without the line
    raw = tomllib.loads(written.read_text())
    prim = [a["code"] for a in raw["areas"] if a["phase"] == "primary"]
    rows = [
        "from_area,to_area,pupils,year",
        *[f"{c},8840001,{100 + i},2022" for i, c in enumerate(prim)],
        "8844004,8844014,3,2022",
    ]
    (written.parent / "transfers.csv").write_text("\n".join(rows) + "\n")
    text = re.sub(r'transfer = \{ "8840001" = 1\.0 \}.*\n', "", written.read_text())
    text = text.replace("capacity = {", 'transfers = { path = "transfers.csv" }\ncapacity = {', 1)
    bad = written.parent / "tf.toml"
    bad.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_model(bad)
    msg = str(err.value)
    assert "area 8844014 (Planning area 8844014 (primary)) teaches year groups 0-6" in msg
    assert msg.endswith(
        "transfers.csv, [data.transfers]: from_area 8844004, to_area 8844014 at "
        "line(s) 16 (3 pupils))"
    )


def test_new_finds_the_embedded_data_from_any_folder(tmp_path, monkeypatch):
    # run from the analyst's own folder (no ./data), `sufficiency new 884` stopped at
    # "Invalid value for '--data-dir': Directory 'data' does not exist"
    monkeypatch.chdir(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SufficiencyWarning)  # its repaired SCAP line
        res = CliRunner().invoke(cli, ["new", "884", "--out", "herefordshire.toml"])
    assert res.exit_code == 0, res.output
    raw = tomllib.loads((tmp_path / "herefordshire.toml").read_text())
    # the path is written relative to the model where the two share a folder (a clone under
    # /tmp, as CI makes), else absolute: either way it is the embedded file
    got = tmp_path / raw["data"]["pupils"]["path"]
    assert got.resolve() == (DATA / "census_pupils_by_ncy_2011_2022.csv").resolve()
    # a --data-dir given is used as it is, and one that does not exist is a bad flag
    res = CliRunner().invoke(cli, ["new", "884", "--out", "x.toml", "--data-dir", "nodata"])
    assert res.exit_code == 2 and "Directory 'nodata' does not exist" in res.output


def test_unknown_authority_in_the_spc_file_is_named_not_an_empty_table(written, tmp_path):
    # with reader "spc", E06000091 for E06000019 said only "the pupils table is empty"
    text = written.read_text().replace(
        "census_pupils_by_ncy_2011_2022.csv", "spc_pupils_fsm_ethnicity_yrgp.csv"
    )
    text = text.replace('reader = "census_ncy"', 'reader = "spc"').replace(
        'authority = "E06000019"', 'authority = "E06000091"'
    )
    bad = written.parent / "spc.toml"
    bad.write_text(text)
    with pytest.raises(ConfigError) as err:
        _load(bad)
    msg = str(err.value)
    assert (
        "[model] authority = 'E06000091': " in msg and "spc_pupils_fsm_ethnicity_yrgp.csv: " in msg
    )
    assert (
        "not found in column 'new_la_code' (did you mean E06000019 (Herefordshire, County of)"
        in msg
    )


def test_early_years_entitlements_note_names_no_other_authoritys_file(written):
    # the note is printed in the report's early years section: a Herefordshire Cabinet
    # report read "[[early_years.entitlements]] (models/worcestershire.toml has them, with
    # their sources)"
    from sufficiency.early_years import DEFAULT_ENTITLEMENTS_NOTE, forecast_early_years

    inputs = _load(written)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SufficiencyWarning)
        res = forecast_early_years(inputs)
    note = next(n for n in res.notes if n.startswith(DEFAULT_ENTITLEMENTS_NOTE))
    assert "worcestershire" not in note.lower() and "[[" not in note
    assert note.endswith(
        "the places needed are understated until they are added to the model "
        "definition with local take-up figures."
    )
    assert note in res.warnings  # said once: warned of, not repeated as an assumption


def test_scenario_extending_a_mistyped_model_gets_the_closest_name(written):
    # extends = "herefordshir.toml": "no such model", and no word of herefordshire.toml
    scenario = written.parent / "growth.toml"
    scenario.write_text('extends = "herefordshir.toml"\n[model]\nname = "Herefordshire, growth"\n')
    with pytest.raises(ConfigError) as err:
        load_model(scenario)
    msg = str(err.value)
    assert msg.startswith(f"{scenario}: extends = 'herefordshir.toml': no such model")
    assert "(did you mean 'herefordshire.toml'?); expected one of the models in" in msg


@pytest.mark.parametrize(
    "old, new, key",
    [
        ("ehcp_2025_caseload.csv", "ehcp_2025_caseloads.csv", "[send.files] caseload"),
        (
            "early_years_funded_takeup_2016_2019.csv",
            "early_years_takeup.csv",
            "[early_years] takeup",
        ),
    ],
)
def test_missing_section_file_names_the_model_and_the_key(written, tmp_path, old, new, key):
    # "Error: .../ehcp_2025_caseloads.csv: file not found." named neither the model nor the
    # key to correct, where a missing [data] file names both
    bad = _edited(written, tmp_path, old, new)
    with pytest.raises(ConfigError) as err:
        load_model(bad)
    msg = str(err.value)
    assert msg.startswith(f"{bad}: {key} = ") and f"{new}': no file at " in msg
    assert f"(did you mean '{old}'?)" in msg or key.startswith("[early_years]")


def test_report_assumptions_row_says_a_forced_transfer_is_no_assumption(written):
    # the report's assumptions table kept its own words, "an assumption unless taken from
    # admissions records", for the shares to Herefordshire's one secondary area
    from conftest import MODEL

    from sufficiency.report.build import _transfer_assumption

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SufficiencyWarning)
        hfd, worcs = load_model(written), load_model(MODEL)
    row = _transfer_assumption(hfd, "herefordshire.toml")
    assert row[2] == (
        "herefordshire.toml [[areas]] transfer: no assumption, as one area alone "
        "teaches the year group they go on to"
    )
    assert _transfer_assumption(worcs, "worcestershire.toml")[2] == (
        "worcestershire.toml [[areas]] transfer: an assumption unless taken from admissions records"
    )


def test_backtest_of_one_authority_says_the_authoritys_own(tmp_path):
    # `backtest --areas E06000019` printed "Against the authorities' own forecasts", and a
    # mistyped --areas code got no suggestion
    args = [
        "backtest",
        "--pupils",
        str(DATA / "census_pupils_by_ncy_2011_2022.csv"),
        "--births",
        str(DATA / "births_by_district_1992_2023.csv"),
        "--lookup",
        str(DATA / "district_to_la_west_midlands.csv"),
        "--origins",
        "2017,2021",
        "--horizons",
        "1",
        "--scorecards",
        str(DATA / "school_places_scorecards"),
    ]
    res = CliRunner().invoke(cli, [*args, "--areas", "E06000019"])
    assert res.exit_code == 0, res.output
    assert "Against the authority's own forecasts: model won" in res.output
    res = CliRunner().invoke(cli, [*args, "--areas", "E06000091"])
    assert res.exit_code == 2 and "(did you mean E06000019" in res.output


def test_housing_completions_before_the_forecast_are_warned_of(written, tmp_path):
    # SYNTHETIC trajectory in Herefordshire's Bluecoat area: its 2019 row was dropped without
    # a word (the forecast adds housing from the year after the base year, 2022/23)
    (written.parent / "housing.csv").write_text(
        "area,year,dwellings,site\n8844600,2024,120,Holmer West\n8844600,2019,80,Three Elms\n"
    )
    model = _edited(
        written,
        tmp_path,
        "capacity = {",
        'housing = { path = "housing.csv" }\ncapacity = {',
        "hh.toml",
    )
    from sufficiency.exceptions import DataQualityWarning
    from sufficiency.inputs import load_inputs

    with pytest.warns(DataQualityWarning) as caught:
        inputs = load_inputs(load_model(model))
    msg = next(str(w.message) for w in caught if "housing.csv" in str(w.message))
    assert msg.startswith(
        f"{written.parent / 'housing.csv'}: column 'year': 1 row in or before "
        "the base year 2022/23 (2022): 8844600 2019 'Three Elms' (80 dwellings); "
        "not used"
    )
    assert len(inputs.housing) == 2  # the data are kept as given


def test_unknown_area_in_a_tidy_file_gets_the_closest_code(written, tmp_path):
    # SYNTHETIC housing row 8844060 for 8844600: the error listed the first ten codes only
    (written.parent / "housing.csv").write_text(
        "area,year,dwellings,site\n8844600,2024,120,Holmer West\n8844060,2025,80,Three Elms\n"
    )
    model = _edited(
        written,
        tmp_path,
        "capacity = {",
        'housing = { path = "housing.csv" }\ncapacity = {',
        "hh2.toml",
    )
    from sufficiency.exceptions import SchemaError

    with pytest.raises(SchemaError) as err:
        _load(model)
    msg = str(err.value)
    assert "column 'area': unknown area code (value(s) '8844060') in 1 row(s) (line(s) 3)" in msg
    assert "(did you mean 8844600?)" in msg


def test_school_number_hint_is_not_given_for_a_coincidence_of_numbering(tmp_path):
    # Staffordshire's areas are numbered in sequence: 6 of its 64 primary area codes are also
    # a secondary school's LAEstab elsewhere in the county (8604002, Newcastle; Fair Oak
    # Academy, Rugeley), which is no catchment
    from sufficiency.scaffold import new_model_text

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SufficiencyWarning)
        text = new_model_text(860, DATA, tmp_path / "staffordshire.toml")
    assert "LAEstab" not in text


@pytest.mark.parametrize("value", ['"884"', "8840", "88"])
def test_old_la_code_must_be_the_three_digit_number(written, tmp_path, value):
    # '"884"' was "expected int"; 8840 reached the SCAP reader: "no schools with LA1 in [8840]"
    bad = _edited(written, tmp_path, "old_la_code = 884", f"old_la_code = {value}")
    with pytest.raises(ConfigError) as err:
        load_model(bad)
    assert str(err.value).startswith(f"{bad}: [model]: old_la_code = ")
    assert "expected the DfE 3-digit LA number, written as a whole number" in str(err.value)


def test_duplicate_area_code_names_both_entries(written, tmp_path):
    # a copied [[areas]] entry: "duplicate area code(s) ['8844045']" without which entries
    text = written.read_text() + (
        '\n[[areas]]\ncode = "8844045"\nname = "Weobley again"\nphase = "primary"\n'
        'districts = ["E06000019"]\ntransfer = { "8840001" = 1.0 }\n'
    )
    bad = written.parent / "dup.toml"
    bad.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_model(bad)
    assert str(err.value) == (
        f"{bad}: [[areas]]: duplicate area code(s) ['8844045']: 8844045 in entry #8 "
        "('Planning area 8844045 (primary)') and entry #16 ('Weobley again'); expected each "
        "planning area once (correct the code, or delete the copy)"
    )


def test_plan_warns_of_a_default_class_of_30_where_no_school_takes_30(written, caplog):
    """Golden Valley's four primary schools take 8-15 a year group: the default catalogue's
    bulge class of 30 cannot fit any of them. The option says so in its source and a plan
    that builds it warns, naming the area and the largest school's year group (the
    Herefordshire trial's plan proposed it without a word)."""
    from sufficiency.forecast import run_forecast
    from sufficiency.inputs import load_inputs
    from sufficiency.optimise import plan
    from sufficiency.optimise.options import SMALL_SCHOOLS

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        inputs = load_inputs(written)
        forecast = run_forecast(inputs)
        with caplog.at_level("WARNING", logger="sufficiency"):
            result = plan(inputs, forecast, appraise=False)
    src = result.options.set_index("option")["source"]
    assert SMALL_SCHOOLS in src["8844032:primary:bulge_class"]
    assert "the largest takes 15" in src["8844032:primary:bulge_class"]
    assert SMALL_SCHOOLS in src["8844032:primary:permanent_expansion"]
    assert SMALL_SCHOOLS not in src["8844032:primary:new_school"]
    assert SMALL_SCHOOLS not in src["8840001:secondary:bulge_class"]  # schools of 5+ FE
    built = set(result.plan.loc[result.plan["area"] == "8844032", "kind"])
    assert "bulge_class" in built
    said = [r.getMessage() for r in caplog.records if SMALL_SCHOOLS in r.getMessage()]
    assert len(said) == 1 and "8844032" in said[0] and "bulge class, 30 places" in said[0]
    assert "the largest takes 15" in said[0]
