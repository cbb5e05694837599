"""Behaviour fixes from the review of 29 November 2026's changes (each test fails without its
fix)."""

from __future__ import annotations

import warnings

import pytest
from click.testing import CliRunner

from sufficiency.cli import cli
from sufficiency.early_years import DEFAULT_ENTITLEMENTS, forecast_early_years
from sufficiency.exceptions import ConfigError


def test_early_years_summary_prints_half_places_as_the_report(inputs):
    # the summary's supply column and total rounded halves to even ("1,000", "3,764") where
    # the report's fmt_count and the supply note round them away from zero ("1,001", "3,765")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = forecast_early_years(inputs, supply={"2": 1000.5, "3_4": 2764.0}, by_area=False)
    text = r.summary()
    row = next(line for line in text.splitlines() if line.startswith("2-year-olds"))
    assert row.split()[-1] == "1,001"
    assert "vs supply 3,765;" in text


def test_report_skipping_send_does_not_stop_on_a_missing_send_file(model_path, tmp_path):
    # `report --no-send` stopped at a [send] file that does not exist, and suggested
    # --allow-missing send, though the report reads none of the part's files (a malformed
    # one did not stop it)
    text = model_path.read_text().replace('"../data/', f'"{model_path.parent.parent}/data/')
    text = text.replace("ehcp_2025_caseload.csv", "ehcp_2025_caseload_misspelt.csv")
    model = tmp_path / "model.toml"
    model.write_text(text)
    args = ["report", str(model), "--no-plan", "--no-early-years", "--only", "json"]
    runner = CliRunner()
    stopped = runner.invoke(cli, [*args, "--out", str(tmp_path / "a")])
    assert stopped.exit_code == 1 and "--allow-missing send" in stopped.output
    done = runner.invoke(cli, [*args, "--no-send", "--out", str(tmp_path / "b")])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "b" / "summary.json").exists()


@pytest.mark.parametrize("given", [DEFAULT_ENTITLEMENTS[0], 5])
def test_forecast_early_years_names_a_single_entitlement_as_the_wrong_argument(inputs, given):
    # the check named one Entitlement as an error, but tuple(entitlements) ran before it and
    # raised TypeError: 'Entitlement' object is not iterable
    with pytest.raises(ConfigError, match=r"entitlements=.*expected a non-empty list"):
        forecast_early_years(inputs, entitlements=given)
