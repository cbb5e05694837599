"""Findings of a Coventry trial (a starting model from ``sufficiency new E08000026``), checked
on a model written by ``sufficiency new`` from the embedded data or on small synthetic frames,
labelled as such."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

from sufficiency.cli import cli
from sufficiency.config import load_model
from sufficiency.exceptions import SufficiencyWarning

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def inputs(coventry):
    from sufficiency.inputs import load_inputs

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SufficiencyWarning)
        return load_inputs(load_model(coventry))


@pytest.mark.parametrize(
    "horizon, years",
    [
        (7, ["2022/23", "2027/28", "2029/30"]),
        (3, ["2022/23", "2025/26"]),
        (10, ["2022/23", "2027/28", "2032/33"]),
    ],
)
def test_forecast_table_ends_with_the_horizon_asked_for(inputs, horizon, years):
    # `sufficiency forecast --horizon 7` printed 2022/23 and 2027/28 only, with the "range
    # (last year)" of 2027/28: the forecast's last year, 2029/30, was in no column
    from sufficiency.forecast import run_forecast

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SufficiencyWarning)
        fc = run_forecast(inputs, horizon=horizon)
    header = fc.summary().splitlines()[1]
    assert [y for y in header.split() if "/" in y] == years
    last = fc.phase_totals().query("area == '3310041' and phase == 'secondary'").iloc[-1]
    assert int(last["year"]) == 2022 + horizon
    row = next(
        line
        for line in fc.summary().splitlines()
        if line.startswith("3310041") and " secondary " in line
    )
    assert row.split()[-1] == f"{last['pupils_lower']:,.0f}-{last['pupils_upper']:,.0f}"
    assert f"{last['pupils']:,.0f}" in row.split()[-2]


def test_validate_says_each_warning_once(coventry):
    # `sufficiency validate` printed "Note: The model definition still has 35 TODO comments
    # (...)" among the notes and the same sentence again under "3 warnings:"
    res = CliRunner().invoke(cli, ["validate", str(coventry)])
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())  # the warnings are wrapped
    assert text.count("still has 33 TODO comments") == 1, res.output
    assert "3 warnings:" in res.output
    # the notes that are not warnings are still there
    assert "Note: Births by primary planning area are derived" in res.output


@pytest.mark.parametrize(
    "targets, level", [(["--target-years", "2021,2022"], "INFO"), ([], "WARNING")]
)
def test_backtest_pairs_beyond_the_data_warn_only_when_no_targets_are_chosen(
    tmp_path, caplog, targets, level
):
    # the README's backtest command, scored on Coventry (--areas E08000026) for target years
    # 2018, 2021 and 2022, warned "origin + horizon beyond the data ..., not scored: origin
    # 2020 + horizon 3 = 2023, ...": pairs no target year asked for, nothing to act on
    import logging

    caplog.set_level(logging.INFO, logger="sufficiency")
    res = CliRunner().invoke(
        cli,
        [
            "backtest",
            "--pupils",
            str(DATA / "census_pupils_by_ncy_2011_2022.csv"),
            "--births",
            str(DATA / "births_by_district_1992_2023.csv"),
            "--lookup",
            str(DATA / "district_to_la_west_midlands.csv"),
            "--origins",
            "2020,2021",
            "--horizons",
            "1,3",
            "--areas",
            "E08000026",
            "--out",
            str(tmp_path / "r.csv"),
            *targets,
        ],
    )
    assert res.exit_code == 0, res.output
    beyond = [r for r in caplog.records if "beyond the data" in r.getMessage()]
    assert len(beyond) == 1 and beyond[0].levelname == level
    assert "origin 2021 + horizon 3 = 2024" in beyond[0].getMessage()


@pytest.mark.parametrize(
    "phase, ok",
    [("secondary", False), ("primary", False), ("special", True), ("early_years", True)],
)
def test_an_authority_wide_key_decision_is_of_special_or_early_years_places(coventry, phase, ok):
    # key_decision_area = "E08000026" with the default phase (secondary) loaded, and the
    # report's appraisal said only "The options appraisal for E08000026: not available in this
    # run": mainstream places are planned area by area
    from sufficiency.exceptions import ConfigError

    scenario = coventry.parent / f"kd_{phase}.toml"
    scenario.write_text(
        f'extends = "coventry.toml"\n[model]\nname = "kd"\n[report]\n'
        f'key_decision_area = "E08000026"\nkey_decision_phase = "{phase}"\n'
    )
    if ok:
        assert load_model(scenario).section("report")["key_decision_area"] == "E08000026"
        return
    with pytest.raises(
        ConfigError,
        match=(
            rf"kd_{phase}\.toml: \[report\] key_decision_area = 'E08000026' with "
            rf"key_decision_phase = '{phase}': {phase} places are planned by planning area, so "
            r"an authority-wide decision \(E08000026\) can only be of 'special' or 'early_years'"
            rf" places; give the \[\[areas\]\] code of a {phase} area \(such as 331"
        ),
    ):
        load_model(scenario)


@pytest.fixture(scope="module")
def forecast(inputs):
    from sufficiency.forecast import run_forecast

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SufficiencyWarning)
        return run_forecast(inputs)


def test_the_budget_is_blamed_only_where_money_could_have_added_places(inputs, forecast):
    # `sufficiency plan --budget 60000000` said of every area-year left short "...; the
    # capital budget limits it", 2027/28 included, when only two bulge classes a year could
    # open there and the plan without a budget left the same places short
    from sufficiency.optimise import plan

    free = plan(inputs, forecast, appraise=False)
    tight = plan(inputs, forecast, budget=60_000_000, appraise=False)
    assert (tight.binding["family"] == "budget").any()
    key = ["area", "phase", "year"]
    cells = tight.cells.merge(free.cells[key + ["shortfall_after"]], on=key, suffixes=("", "_free"))
    short = cells[cells["shortfall_after"] > 0.5]
    said = {
        (r.area, int(r.year)): tight._why_short(r.area, r.phase, int(r.year))
        for r in short.itertuples(index=False)
    }
    blamed = {k for k, why in said.items() if "the capital budget limits it" in why}
    # 2027/28 in secondary: bulge classes at their yearly limit, nothing else open, the same
    # places short either way; in primary the budget left bulge classes unbought
    first = short[(short["year"] == 2027) & (short["phase"] == "secondary")]
    assert len(first) == 4
    assert ((first["shortfall_after"] - first["shortfall_after_free"]).abs() < 0.5).all()
    assert not {k for k in blamed if k[1] == 2027 and k[0].startswith("33100")}, said
    assert ("3310203", 2027) in blamed
    # where the budget is blamed, the plan without it leaves fewer places short
    worse = {
        (r.area, int(r.year))
        for r in short.itertuples(index=False)
        if r.shortfall_after > r.shortfall_after_free + 0.5
    }
    assert blamed and blamed <= worse, blamed - worse
    assert "the capital budget limits it" in tight.summary()
