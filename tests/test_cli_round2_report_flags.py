"""`report --date` before the data is a bad flag; the report's own backtest does not warn
(N11, N15 of notes/review_cli_inputs_2.md).
"""

from __future__ import annotations

import logging

from click.testing import CliRunner
from conftest import cli_err as _err

from sufficiency.cli import cli


# --- N11: --date before the data --------------------------------------------------------------
def test_report_date_before_the_base_year_exits_2(model_path, tmp_path):
    out = tmp_path / "out"
    res = CliRunner().invoke(
        cli,
        [
            "report",
            str(model_path),
            "--out",
            str(out),
            "--only",
            "json",
            "--no-plan",
            "--date",
            "2001-01-01",
        ],
    )
    assert res.exit_code == 2, res.output
    err = _err(res)
    assert "Invalid value for '--date'" in err and "2001-01-01" in err and "2022-09-01" in err
    assert not out.exists()


# --- N15: the report's own backtest does not warn ---------------------------------------------
def test_report_internal_backtest_does_not_warn(model_path, tmp_path, caplog):
    out = tmp_path / "out"
    with caplog.at_level(logging.INFO, logger="sufficiency"):
        res = CliRunner().invoke(
            cli,
            [
                "report",
                str(model_path),
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
    beyond = [r for r in caplog.records if "beyond the data" in r.getMessage()]
    assert beyond and all(r.levelno == logging.INFO for r in beyond), beyond
