"""One finding, one line: no stray progress-bar label, no warning repeated per backtest origin.

Reviewed in notes/review_cli_inputs.md: stderr began with a bare "forecast" line when it was
not a terminal, and without births the same "14 area(s) have no births" warning appeared 9-11
times in one run.
"""

from __future__ import annotations

import logging

from click.testing import CliRunner
from conftest import cli_err as _err

from sufficiency.backtest import backtest_files
from sufficiency.cli import cli


def test_no_progress_label_when_stderr_is_not_a_terminal(model_path):
    res = CliRunner().invoke(cli, ["forecast", str(model_path)])
    assert res.exit_code == 0, res.output
    assert not any(ln.strip() == "forecast" for ln in _err(res).splitlines()), _err(res)


def test_no_births_warning_once_per_backtest(data_dir, caplog):
    with caplog.at_level(logging.WARNING):
        backtest_files(
            data_dir / "census_pupils_by_ncy_2011_2022.csv", None, None, [2017, 2019], [1]
        )
    hits = [r.getMessage() for r in caplog.records if "have no births" in r.getMessage()]
    assert len(hits) == 1, hits
    assert hits[0].startswith("backtest (origins 2012-2019)")


def test_forecast_without_births_warns_once_per_kind(model_copy, caplog):
    text = model_copy.read_text()
    births = (
        'births = { path = "../data/births_by_district_1992_2023.csv", reader = "ons_births" }\n'
    )
    assert births in text
    m = model_copy
    m.write_text(text.replace(births, ""))
    with caplog.at_level(logging.WARNING):
        res = CliRunner().invoke(cli, ["forecast", str(m)])
    assert res.exit_code == 0, res.output
    hits = [r.getMessage() for r in caplog.records if "have no births" in r.getMessage()]
    # the model's own planning areas, and the calibration backtest's authorities: once each
    assert 1 <= len(hits) <= 2, hits
