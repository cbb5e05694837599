"""`report` does not hide an error in the SEND or early years inputs (N3 of
notes/review_cli_inputs_2.md): it exited 0 and published the report without the section.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import cli_err as _err
from conftest import error_lines as _error_lines
from conftest import listing as _listing

from sufficiency.cli import cli


# --- N3: report must not hide an error in the SEND or early years inputs -------------------
def _break_sen2(model):
    f = model.parent.parent / "data" / "ehcp_2022_sen2_age_caseload.csv"
    f.write_text(f.read_text().replace("Age 5 to 10", "Age 5-10"))
    return f


def _break_takeup(model):
    f = model.parent.parent / "data" / "early_years_funded_takeup_2016_2019.csv"
    f.write_text(f.read_text().splitlines()[0] + "\n")
    return f


@pytest.mark.parametrize("breaker", [_break_sen2, _break_takeup], ids=["send", "early_years"])
def test_report_fails_on_a_bad_send_or_early_years_input(model_copy, tmp_path, breaker):
    bad = breaker(model_copy)
    out = tmp_path / "out"
    res = CliRunner().invoke(
        cli,
        [
            "report",
            str(model_copy),
            "--out",
            str(out),
            "--only",
            "json",
            "--no-plan",
            "--date",
            "2026-11-27",
        ],
    )
    assert res.exit_code == 1, res.output
    lines = _error_lines(res)
    assert len(lines) == 1 and bad.name in lines[0], _err(res)
    assert "--allow-missing" in lines[0]
    assert "Traceback" not in _err(res)
    assert "not available in this run" not in res.output
    assert not out.exists()
    assert _listing(tmp_path) == ["data", "models"]  # no temporary folder left


@pytest.mark.parametrize(
    "breaker,part,key",
    [(_break_sen2, "send", "send"), (_break_takeup, "early-years", "early_years")],
)
def test_report_allow_missing_publishes_without_the_part(model_copy, tmp_path, breaker, part, key):
    breaker(model_copy)
    out = tmp_path / "out"
    res = CliRunner().invoke(
        cli,
        [
            "report",
            str(model_copy),
            "--out",
            str(out),
            "--only",
            "json",
            "--no-plan",
            "--date",
            "2026-11-27",
            "--allow-missing",
            part,
        ],
    )
    assert res.exit_code == 0, res.output
    assert f"not available in this run: {key}" in res.output
    assert json.loads((out / "summary.json").read_text())[key] is None


def test_report_no_send_is_still_not_available(model_copy, tmp_path):
    _break_sen2(model_copy)
    out = tmp_path / "out"
    res = CliRunner().invoke(
        cli,
        [
            "report",
            str(model_copy),
            "--out",
            str(out),
            "--only",
            "json",
            "--no-plan",
            "--no-send",
            "--date",
            "2026-11-27",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "not available in this run: send" in res.output


def test_report_section_absent_is_not_available(model_copy, tmp_path):
    """Without a [send] section the model declares no SEND inputs: a failure is 'not available'."""
    text = model_copy.read_text()
    start = text.index("\n[send]")
    end = text.index("\n[early_years]")
    model_copy.write_text(text[:start] + text[end:])
    _break_sen2(model_copy)  # the default SEN2 file is read and fails
    out = tmp_path / "out"
    res = CliRunner().invoke(
        cli,
        [
            "report",
            str(model_copy),
            "--out",
            str(out),
            "--only",
            "json",
            "--no-plan",
            "--date",
            "2026-11-27",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "not available in this run: send" in res.output


def test_report_help_documents_allow_missing():
    res = CliRunner().invoke(cli, ["report", "--help"])
    assert "--allow-missing" in res.output
