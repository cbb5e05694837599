"""Backtest flags that leave nothing (or less than asked) to score are said so, never silent.

Reviewed in notes/review_cli_inputs.md: ``--origins 2021 --horizons 3`` gave a 0-row CSV and
exit 0; ``--origins 2020,2021 --horizons 1,3`` dropped horizon 3 without a word;
``--target-years 2030`` printed an empty summary; ``--horizons 50`` gave a traceback;
``--horizons 0`` exited 1 instead of 2 (a bad flag).
"""

from __future__ import annotations

import logging

import pytest
from click.testing import CliRunner
from conftest import cli_err as _err

from sufficiency.backtest import backtest
from sufficiency.cli import cli
from sufficiency.exceptions import ConfigError


def test_nothing_to_score_is_an_error(bt_files, tmp_path):
    out = tmp_path / "r.csv"
    res = CliRunner().invoke(
        cli, ["backtest", *bt_files, "--origins", "2021", "--horizons", "3", "--out", str(out)]
    )
    assert res.exit_code == 1, res.output
    err = _err(res)
    assert "nothing to score" in err and "2021 + horizon 3 = 2024" in err and "2011-2022" in err
    assert not out.exists()


def test_horizon_longer_than_the_data_is_one_line(bt_files):
    res = CliRunner().invoke(cli, ["backtest", *bt_files, "--horizons", "50"])
    assert res.exit_code == 1, res.output
    assert "Traceback" not in _err(res) and "nothing to score" in _err(res)


def test_pairs_beyond_the_data_are_logged_and_the_rest_kept(bt_files, caplog):
    with caplog.at_level(logging.WARNING, logger="sufficiency.backtest"):
        res = CliRunner().invoke(
            cli, ["backtest", *bt_files, "--origins", "2020,2021", "--horizons", "1,3"]
        )
    assert res.exit_code == 0, res.output
    msgs = [r.getMessage() for r in caplog.records if r.name == "sufficiency.backtest"]
    assert any(
        "not scored" in m
        and "origin 2020 + horizon 3 = 2023" in m
        and "origin 2021 + horizon 3 = 2024" in m
        for m in msgs
    ), msgs
    assert "primary     1   28" in res.output


def test_long_horizon_next_to_a_scorable_one(bt_files):
    res = CliRunner().invoke(
        cli, ["backtest", *bt_files, "--origins", "2017", "--horizons", "1,50"]
    )
    assert res.exit_code == 0, res.output
    assert "primary     1   14" in res.output and " 50 " not in res.output


@pytest.mark.parametrize(
    "flag,value",
    [("--horizons", "0"), ("--horizons", "-1"), ("--horizons", ","), ("--origins", ",")],
)
def test_bad_horizons_and_origins_are_bad_flags(bt_files, flag, value):
    res = CliRunner().invoke(cli, ["backtest", *bt_files, flag, value])
    assert res.exit_code == 2, res.output
    assert flag in _err(res)


def test_target_years_not_scored_is_a_bad_flag(bt_files):
    res = CliRunner().invoke(cli, ["backtest", *bt_files, "--target-years", "2030"])
    assert res.exit_code == 2, res.output
    err = _err(res)
    assert "--target-years" in err and "2030" in err and "2018, 2020, 2021, 2022" in err


def test_library_nothing_to_score(tiny_pupils):
    last = int(tiny_pupils["year"].max())
    with pytest.raises(ConfigError, match="nothing to score"):
        backtest(tiny_pupils, None, [last - 1], [2])
