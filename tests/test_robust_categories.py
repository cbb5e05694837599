"""Category values a later step does not know are errors, not silently dropped rows.

Reviewed in notes/review_cli_inputs.md: a SEN2 age band spelled ``Age 5-10`` made special
primary places collapse (NaN in the send CSVs); a tidy capacity row with ``phase = Primary`` or
a primary school given a secondary area's code lost 420 places; early years age groups not
known became groups of their own. A SEN2 caseload file without the authority's rows gave a
traceback (``int(NaN)``).
"""

from __future__ import annotations

import logging
import shutil

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import cli_err as _err

from sufficiency.cli import cli
from sufficiency.config import load_model
from sufficiency.exceptions import SchemaError
from sufficiency.inputs import load_inputs
from sufficiency.io.early_years import read_early_years_takeup
from sufficiency.io.sen2 import read_sen2_age, read_sen2_caseload, read_sen2_needs
from sufficiency.io.tidy import read_tidy

WORCS = "E10000034"


@pytest.fixture
def tidy_model(model_copy, inputs):
    """The model copy reading its capacity from a tidy CSV (written from the SCAP file)."""
    cap = inputs.capacity
    path = model_copy.parent.parent / "data" / "capacity_tidy.csv"
    cap.to_csv(path, index=False)
    text = model_copy.read_text()
    old = 'capacity = { path = "../data/scap_2015_school_capacity.csv", reader = "scap", year = 2014 }'
    assert old in text
    model_copy.write_text(
        text.replace(old, 'capacity = { path = "../data/capacity_tidy.csv", reader = "tidy" }')
    )
    return model_copy


def _replace_line(path, old, new, where=None):
    lines = path.read_text().splitlines()
    hits = [i for i, ln in enumerate(lines) if old in ln and (where is None or where in ln)]
    assert hits, (old, where)
    lines[hits[0]] = lines[hits[0]].replace(old, new)
    path.write_text("\n".join(lines) + "\n")
    return hits[0] + 1  # file line number


# --- SEN2 ----------------------------------------------------------------------------------
def test_sen2_unrecognised_age_band_names_file_column_line_value(data_dir, tmp_path):
    p = tmp_path / "age.csv"
    shutil.copy(data_dir / "ehcp_2022_sen2_age_caseload.csv", p)
    line = _replace_line(p, "Age 5 to 10", "Age 5-10", where=WORCS)
    with pytest.raises(SchemaError) as e:
        read_sen2_age(p, authorities=[WORCS])
    msg = str(e.value).splitlines()[0]
    assert str(p) in msg and "'characteristic_age'" in msg and f"line(s) {line}" in msg
    assert "'Age 5-10'" in msg and "Age 5 to 10" in msg


def test_sen2_unrecognised_single_year_label_in_caseload_and_needs(data_dir, tmp_path):
    for name, reader in (
        ("ehcp_2025_caseload.csv", read_sen2_caseload),
        ("ehcp_2025_sen_needs_all_plans.csv", read_sen2_needs),
    ):
        p = tmp_path / name
        shutil.copy(data_dir / name, p)
        _replace_line(
            p,
            "Child or young persons age,age 7,",
            "Child or young persons age,aged seven,",
            where=WORCS,
        )
        with pytest.raises(
            SchemaError, match=r"'breakdown': unrecognised age label .*'aged seven'"
        ):
            reader(p, authorities=[WORCS])


def test_sen2_age_labels_still_read(data_dir):
    age = read_sen2_age(data_dir / "ehcp_2022_sen2_age_caseload.csv", authorities=[WORCS]).data
    assert set(age["age"]) == {"all", "0 to 4", "5 to 10", "11 to 15", "16 to 19", "20 to 25"}


def test_sen2_caseload_without_the_authority_is_an_error(data_dir, tmp_path):
    p = tmp_path / "caseload.csv"
    lines = (data_dir / "ehcp_2025_caseload.csv").read_text().splitlines()
    p.write_text("\n".join(ln for ln in lines if WORCS not in ln) + "\n")
    with pytest.raises(SchemaError, match=rf"{p}: no caseload rows for local authority {WORCS}"):
        read_sen2_caseload(p, authorities=[WORCS])


def test_send_cli_caseload_without_the_authority_is_one_line(model_copy):
    p = model_copy.parent.parent / "data" / "ehcp_2025_caseload.csv"
    lines = p.read_text().splitlines()
    p.write_text("\n".join(ln for ln in lines if WORCS not in ln) + "\n")
    res = CliRunner().invoke(cli, ["send", str(model_copy)])
    assert res.exit_code == 1, res.output
    err = _err(res)
    assert "Traceback" not in err and "ehcp_2025_caseload.csv" in err and WORCS in err


def test_send_cli_age_band_typo_fails_instead_of_nan(model_copy, tmp_path):
    _replace_line(
        model_copy.parent.parent / "data" / "ehcp_2022_sen2_age_caseload.csv",
        "Age 5 to 10",
        "Age 5-10",
        where=WORCS,
    )
    out = tmp_path / "out"
    res = CliRunner().invoke(cli, ["send", str(model_copy), "--out", str(out)])
    assert res.exit_code == 1, res.output
    assert "'Age 5-10'" in _err(res)
    assert not out.exists()


# --- capacity --------------------------------------------------------------------------------
def test_capacity_phase_in_capitals_is_read_and_logged(tidy_model, tmp_path, caplog):
    p = tidy_model.parent.parent / "data" / "capacity_tidy.csv"
    line = _replace_line(p, ",primary,", ",Primary,")
    with caplog.at_level(logging.WARNING):
        data = read_tidy(p, "capacity").data
    assert set(data["phase"]) == {"primary", "secondary"}
    assert any(
        "'Primary' read as 'primary'" in r.getMessage() and f"line(s) {line}" in r.getMessage()
        for r in caplog.records
    )


def test_capacity_unknown_phase_is_an_error(tidy_model):
    p = tidy_model.parent.parent / "data" / "capacity_tidy.csv"
    line = _replace_line(p, ",primary,", ",prim,")
    with pytest.raises(SchemaError) as e:
        read_tidy(p, "capacity")
    msg = str(e.value)
    assert str(p) in msg and "'phase'" in msg and "'prim'" in msg and f"line(s) {line}" in msg
    assert "'primary', 'secondary'" in msg


def test_capacity_school_in_an_area_of_another_phase_is_an_error(tidy_model):
    model_copy = tidy_model
    p = model_copy.parent.parent / "data" / "capacity_tidy.csv"
    first = p.read_text().splitlines()[1]
    assert first.split(",")[2] == "8850015" and ",primary," in first
    _replace_line(p, ",8850015,primary,", ",8850031,primary,")  # Worcester City secondary
    with pytest.raises(SchemaError) as e:
        load_inputs(load_model(model_copy))
    msg = str(e.value)
    assert "capacity_tidy.csv" in msg and "line 2" in msg and "'8850031'" in msg
    assert "secondary planning area" in msg and "8852000" in msg
    res = CliRunner().invoke(cli, ["validate", str(model_copy)])
    assert res.exit_code == 1 and "capacity_tidy.csv" in _err(res)


def test_capacity_case_fix_keeps_the_places(tidy_model, inputs):
    model_copy = tidy_model
    p = model_copy.parent.parent / "data" / "capacity_tidy.csv"
    _replace_line(p, ",primary,", ",Primary,")
    fixed = load_inputs(load_model(model_copy)).capacity
    real = inputs.capacity
    pd.testing.assert_series_equal(
        fixed.groupby(["area", "phase"])["capacity"].sum(),
        real.groupby(["area", "phase"])["capacity"].sum(),
    )


# --- early years take-up ---------------------------------------------------------------------
def test_early_years_unknown_age_group_column_is_an_error(data_dir, tmp_path):
    p = tmp_path / "takeup.csv"
    text = (data_dir / "early_years_funded_takeup_2016_2019.csv").read_text()
    p.write_text(
        text.replace("three_and_four_year_olds_Percent_2019", "3_4_year_olds_Percent_2019", 1)
    )
    with pytest.raises(SchemaError) as e:
        read_early_years_takeup(p)
    msg = str(e.value)
    assert str(p) in msg and "'3_4_year_olds_Percent_2019'" in msg and "'3_4_year_olds'" in msg
    assert "three_and_four_year_olds" in msg
