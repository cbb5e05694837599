"""Strict model definitions: unknown keys and bad values are one-line ConfigErrors at load time.

Each case is a copy of ``models/worcestershire.toml`` with one string replaced (as
``tests/test_bad_input_matrix.py`` breaks data files), loaded with :func:`load_model` (so
every command and ``sufficiency validate`` catch it). The message must be one line and name
the file, the section, the key and the value.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import edited_model

from sufficiency.config import load_model
from sufficiency.exceptions import ConfigError

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "worcestershire.toml"


def _write(tmp_path: Path, old: str | None, new: str | None, *, bom: bool = False) -> Path:
    return edited_model(tmp_path, [] if old is None else [(old, new)], bom=bom)


def _error(tmp_path: Path, old: str, new: str) -> str:
    p = _write(tmp_path, old, new)
    with pytest.raises(ConfigError) as exc:
        load_model(p)
    msg = str(exc.value)
    assert "\n" not in msg, msg
    assert str(p) in msg, msg
    return msg


# --- 1. unknown keys, sections and [data] tables ------------------------------------------------
UNKNOWN = {
    # case: (old, new, what the message must name: section, key, suggestion)
    "[data] birth": ("births = {", "birth = {", ("[data]", "'birth'", "'births'")),
    "[assumptions] horizn": (
        "horizon = 10 ",
        "horizn = 10 ",
        ("[assumptions]", "'horizn'", "'horizon'"),
    ),
    "[asumptions]": ("[assumptions]", "[asumptions]", ("[asumptions]", "[assumptions]")),
    "[send] count_independant": (
        "count_independent = true",
        "count_independant = true",
        ("[send]", "'count_independant'", "'count_independent'"),
    ),
    "[[plan.options]] max_module": (
        "max_modules = 1\n",
        "max_module = 1\n",
        ("[[plan.options]] #1", "'max_module'", "'max_modules'"),
    ),
    "[forecast] halflive": (
        "halflife = 1.0 ",
        "halflive = 1.0 ",
        ("[forecast]", "'halflive'", "'halflife'"),
    ),
    "[forecast.housing] yeilds": (
        "yields = {",
        "yeilds = {",
        ("[forecast.housing]", "'yeilds'", "'yields'"),
    ),
    "[report] quantil": (
        "quantile = 0.8 ",
        "quantil = 0.8 ",
        ("[report]", "'quantil'", "'quantile'"),
    ),
    "[early_years] hour_per_place": (
        "hours_per_place = 30.0",
        "hour_per_place = 30.0",
        ("[early_years]", "'hour_per_place'", "'hours_per_place'"),
    ),
    "[[early_years.entitlements]] take_up": (
        "takeup = 0.25",
        "take_up = 0.25",
        ("[[early_years.entitlements]] #3", "'take_up'", "'takeup'"),
    ),
    "[data.capacity] yaer": (
        'reader = "scap", year = 2014',
        'reader = "scap", yaer = 2014',
        ("[data.capacity]", "'yaer'", "'year'"),
    ),
    "[[areas]] district": (
        'districts = ["E07000239"]',
        'district = ["E07000239"]',
        ("[[areas]] #1 (8850001)", "'district'", "'districts'"),
    ),
    "[plan] discount": (
        "discount_rate = 0.035",
        "discount = 0.035",
        ("[plan]", "'discount'", "'discount_rate'"),
    ),
    "[model] authority_nam": (
        "authority_name =",
        "authority_nam =",
        ("[model]", "'authority_nam'", "'authority_name'"),
    ),
}


@pytest.mark.parametrize("case", sorted(UNKNOWN))
def test_unknown_key_is_an_error(tmp_path, case):
    old, new, needles = UNKNOWN[case]
    msg = _error(tmp_path, old, new)
    for n in needles:
        assert n in msg, (n, msg)
    assert "did you mean" in msg and "expected one of" in msg


def test_key_lists_cover_what_the_code_reads():
    """The allowed keys include every key the sections' parsers read (nothing real rejected)."""
    from sufficiency._model_checks import spec
    from sufficiency.config import READERS
    from sufficiency.forecast import DEFAULT_PARAMS
    from sufficiency.optimise.planning import _SETTING_KEYS
    from sufficiency.report.build import REPORT_DEFAULTS
    from sufficiency.send import _DEFAULTS as SEND_DEFAULTS

    sp = spec()
    assert set(DEFAULT_PARAMS) <= set(sp["forecast"])
    assert set(_SETTING_KEYS) <= set(sp["plan"])
    assert set(SEND_DEFAULTS) <= set(sp["send"])
    assert set(REPORT_DEFAULTS) <= set(sp["report"])
    assert set(READERS) <= set(sp["data"])


def test_real_model_loads():
    cfg = load_model(MODEL)
    assert cfg.name == "Worcestershire"


# --- 2. values out of range or of the wrong type -----------------------------------------------
BAD_VALUES = {
    # case: (old, new, what the message must name)
    "report quantile 1.5": (
        "quantile = 0.8 ",
        "quantile = 1.5 ",
        ("[report] quantile = 1.5", "between 0 and 1"),
    ),
    "report milestones beyond horizon": (
        "milestones = [0, 5, 10]",
        "milestones = [0, 5, 50]",
        ("[report] milestones = [0, 5, 50]", "0..10", "e.g. milestones = [0, 5, 10]"),
    ),
    "report key area unknown": (
        'key_decision_area = "8850031"',
        'key_decision_area = "8850099"',
        ("[report] key_decision_area = '8850099'", "planning area"),
    ),
    "report key phase mismatch": (
        'key_decision_phase = "secondary"',
        'key_decision_phase = "primary"',
        ("[report] key_decision_phase = 'primary'", "'secondary'"),
    ),
    "forecast coverage 1.5": (
        "coverage = [0.8, 0.95]",
        "coverage = [0.8, 1.5]",
        ("[forecast] coverage = [0.8, 1.5]", "(0, 1)"),
    ),
    "forecast halflife -1": (
        "halflife = 1.0 ",
        "halflife = -1.0 ",
        ("[forecast] halflife = -1.0", "> 0"),
    ),
    "forecast draws 0": ("draws = 1000", "draws = 0", ("[forecast] draws = 0", ">= 1")),
    "forecast downweight none": (
        "downweight = { 2020 = 0.0 }",
        'downweight = { 2020 = "none" }',
        ("[forecast] downweight", "'none'", "weight in [0, 1]"),
    ),
    "forecast method typo": (
        'method = "weighted"   ',
        'method = "weighed"   ',
        ("[forecast] method = 'weighed'", "weighted"),
    ),
    "forecast window 0": ("window = 5 ", "window = 0 ", ("[forecast] window = 0", "1..50")),
    "forecast housing arrival": (
        "arrival = [0.5, 0.3, 0.2]",
        "arrival = [0.5, 0.3]",
        ("[forecast.housing] arrival", "summing to 1"),
    ),
    "plan discount 3.5": (
        "discount_rate = 0.035",
        "discount_rate = 3.5",
        ("[plan] discount_rate = 3.5", "0.035"),
    ),
    "plan total_budget string": (
        "discount_rate = 0.035",
        'discount_rate = 0.035\ntotal_budget = "5m"',
        ("[plan] total_budget = '5m'", "GBP >= 0"),
    ),
    "plan total_budget negative": (
        "discount_rate = 0.035",
        "discount_rate = 0.035\ntotal_budget = -5",
        ("[plan] total_budget = -5", "GBP >= 0"),
    ),
    "plan first_year string": (
        "first_year = 2027",
        'first_year = "2027"',
        ("[plan] first_year = '2027'", "year"),
    ),
    "option cost string": (
        "cost = 63300000.0",
        'cost = "63.3m"',
        ("[[plan.options]] #1", "cost = '63.3m'", "GBP >= 0"),
    ),
    "option cost negative": (
        "cost = 63300000.0",
        "cost = -63300000.0",
        ("[[plan.options]] #1", "cost = -63300000.0", "GBP >= 0"),
    ),
    "option max_modules -1": (
        "max_modules = 1\n",
        "max_modules = -1\n",
        ("[[plan.options]] #1", "max_modules = -1", ">= 0"),
    ),
    "option kind typo": (
        'kind = "new_school"',
        'kind = "newschool"',
        ("[[plan.options]] #1", "kind = 'newschool'", "'new_school'"),
    ),
    "option area unknown": (
        'area = "8850031"\nphase = "secondary"\nkind = "new_school"',
        'area = "8850099"\nphase = "secondary"\nkind = "new_school"',
        ("[[plan.options]] #1", "area = '8850099'", "planning area"),
    ),
    "option phase mismatch": (
        'area = "8850031"\nphase = "secondary"\nkind = "new_school"',
        'area = "8850015"\nphase = "secondary"\nkind = "new_school"',
        ("[[plan.options]] #1", "phase = 'secondary'", "'primary'"),
    ),
    "special cost_per_place string": (
        "cost_per_place = 67379.0",
        'cost_per_place = "67k"',
        ("[[plan.special.options]] #1", "cost_per_place = '67k'", "GBP"),
    ),
    "special kind typo": (
        'kind = "special_expansion"',
        'kind = "special_expanson"',
        ("[[plan.special.options]] #1", "kind = 'special_expanson'"),
    ),
    "areas transfer string": (
        'transfer = { "8850017" = 1.0 }',
        'transfer = { "8850017" = "all" }',
        ("[[areas]] 8850001", "'all'", "share"),
    ),
    "areas tier_changes table": (
        'tier_changes = [{ year = 2027, tiers = "two_tier" }]  # Pershore: all Year 7 '
        'at the high school from September 2027\n\n[[areas]]\ncode = "8850010"',
        'tier_changes = { year = 2027, tiers = "two_tier" }\n\n[[areas]]\ncode = "8850010"',
        ("[[areas]] 8850009", "tier_changes", "array of tables"),
    ),
    "send capacity one phase": (
        "count_independent = true",
        "count_independent = true\ncapacity = { special_primary = 100 }",
        ("[send] capacity", "special_secondary", "not 0 places"),
    ),
    "send capacity string": (
        "count_independent = true",
        "count_independent = true\ncapacity = "
        '{ special_primary = 100, special_secondary = "90", special_post16 = 80 }',
        ("[send] capacity.special_secondary = '90'", ">= 0"),
    ),
    "send count_independent string": (
        "count_independent = true",
        'count_independent = "yes"',
        ("[send] count_independent = 'yes'", "true or false"),
    ),
    "send scenario unknown": (
        'scenario = "trend" ',
        'scenario = "trnd" ',
        ("[send] scenario = 'trnd'", "trend"),
    ),
    "early_years supply one group": (
        "by_area = true",
        'by_area = true\nsupply = { "2" = 1000 }',
        ("[early_years] supply", "'3_4'", "not 0 places"),
    ),
    "early_years hours_per_place string": (
        "hours_per_place = 30.0",
        'hours_per_place = "30"',
        ("[early_years] hours_per_place = '30'", "number"),
    ),
    "early_years takeup 1.5": (
        "takeup = 0.25",
        "takeup = 1.5",
        ("[[early_years.entitlements]] #3 (extended_3_4)", "takeup = 1.5", "[0, 1]"),
    ),
    "early_years age_group": (
        'age_group = "3_4"\nages = [2, 3]           # the two',
        'age_group = "3-4"\nages = [2, 3]           # the two',
        ("[[early_years.entitlements]] #2", "age_group = '3-4'", "'3_4'"),
    ),
    "early_years ages 9": (
        "ages = [0]",
        "ages = [9]",
        ("[[early_years.entitlements]] #6", "ages = [9]", "ages 0-4"),
    ),
    "early_years by_area string": (
        "by_area = true",
        'by_area = "yes"',
        ("[early_years] by_area = 'yes'",),
    ),
    "data pupils_by_area reader typo": (
        'pupils_by_area = { reader = "derived" }',
        'pupils_by_area = { path = "../data/births_by_district_1992_2023.csv", '
        'reader = "school_cenus" }',
        ("[data.pupils_by_area]", "'school_cenus'", "school_census"),
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_VALUES))
def test_bad_value_is_a_one_line_error(tmp_path, case):
    old, new, needles = BAD_VALUES[case]
    msg = _error(tmp_path, old, new)
    for n in needles:
        assert n in msg, (n, msg)


@pytest.mark.parametrize("year", [2010, 2022, 2050])
def test_plan_first_year_against_the_data(tmp_path, year):
    """[plan] first_year must be after the data's base year (2022/23) and within the forecast."""
    from sufficiency.inputs import load_inputs

    p = _write(tmp_path, "first_year = 2027", f"first_year = {year}")
    cfg = load_model(p)
    with pytest.raises(ConfigError) as exc:
        load_inputs(cfg)
    msg = str(exc.value)
    assert "\n" not in msg and str(p) in msg
    assert f"[plan] first_year = {year}" in msg and "2022/23" in msg


def test_model_with_bom_loads(tmp_path):
    """A model saved with a UTF-8 byte order mark (as Windows editors do) reads as without."""
    p = _write(tmp_path, None, None, bom=True)
    assert p.read_bytes()[:3] == b"\xef\xbb\xbf"
    cfg = load_model(p)
    assert cfg.name == "Worcestershire" and len(cfg.areas) == 33


def test_partial_capacity_and_supply_in_the_library():
    """The checks the model definition's [send] capacity / [early_years] supply go through."""
    from sufficiency.early_years import funded_supply
    from sufficiency.send import special_capacity

    with pytest.raises(ConfigError, match="special_post16.*not 0 places"):
        special_capacity({"special_primary": 1, "special_secondary": 2}, "[send]")
    assert special_capacity(
        {"special_primary": 1, "special_secondary": 2, "special_post16": 0}, "[send]"
    ) == {"special_primary": 1.0, "special_secondary": 2.0, "special_post16": 0.0}
    # the library's own capacity argument: a phase left out has 0 places (documented)
    assert (
        special_capacity({"special_primary": 1}, "[send]", complete=False)["special_post16"] == 0.0
    )
    with pytest.raises(ConfigError, match="unknown phase 'special_primry'.*did you mean"):
        special_capacity({"special_primry": 1}, "[send]")
    with pytest.raises(ConfigError, match="'under_2'.*not 0 places"):
        funded_supply({"2": 10, "3_4": 20}, ["2", "3_4", "under_2"], "[early_years]")


def test_option_errors_are_one_line():
    """validate_options (used for every catalogue) no longer puts rows after a newline."""
    import pandas as pd

    from sufficiency.optimise.options import OPTION_COLUMNS, validate_options

    row = dict.fromkeys(OPTION_COLUMNS, 0)
    row.update(
        option="x",
        area="A",
        phase="primary",
        kind="new_school",
        places=10,
        cost_per_module=-5.0,
        cost_per_place=-0.5,
        source="s",
    )
    with pytest.raises(ConfigError) as exc:
        validate_options(pd.DataFrame([row]), "catalogue")
    assert "\n" not in str(exc.value) and "'x': -5.0" in str(exc.value)


def test_plan_settings_reject_strings():
    from sufficiency.optimise.data import PlanSettings

    with pytest.raises(ConfigError, match="total_budget = '5m'"):
        PlanSettings(total_budget="5m")
    with pytest.raises(ConfigError, match="discount_rate = 3.5"):
        PlanSettings(discount_rate=3.5)


def test_validate_cli_reports_one_line(tmp_path):
    from click.testing import CliRunner

    from sufficiency.cli import cli

    p = _write(tmp_path, "horizon = 10 ", "horizn = 10 ")
    r = CliRunner().invoke(cli, ["validate", str(p)])
    assert r.exit_code == 1
    out = (r.output or "") + (getattr(r, "stderr", "") or "")
    assert "unknown key 'horizn' (did you mean 'horizon'?)" in out
    assert "Traceback" not in out


def test_capacity_with_ncy_min_above_ncy_max(tmp_path, inputs):
    """A tidy capacity row with ncy_min > ncy_max names the file, the columns and the school."""

    from sufficiency.exceptions import SchemaError
    from sufficiency.inputs import load_inputs

    cap = inputs.capacity
    cap = cap[["school", "area", "phase", "ncy_min", "ncy_max", "capacity"]].copy()
    cap.loc[cap.index[0], ["ncy_min", "ncy_max"]] = [6, 0]
    cap.to_csv(tmp_path / "cap.csv", index=False)
    old = 'capacity = { path = "../data/scap_2015_school_capacity.csv", reader = "scap", year = 2014 }'
    p = _write(tmp_path, old, f'capacity = {{ path = "{tmp_path}/cap.csv", reader = "tidy" }}')
    with pytest.raises(SchemaError) as exc:
        load_inputs(load_model(p))
    msg = str(exc.value)
    assert "\n" not in msg and "cap.csv" in msg and "ncy_min > ncy_max" in msg
    assert str(cap["school"].iloc[0]) in msg


@pytest.mark.parametrize(
    "old, new, message",
    [
        (
            'reader = "ons_births"',
            'reader = "ons_births", nowcast = "yes"',
            r"\[data\.births\]: nowcast = 'yes': expected true or false",
        ),
        (
            'reader = "ons_births"',
            'reader = "ons_births", include_modelled = 1',
            r"\[data\.births\]: include_modelled = 1: expected true or false",
        ),
        (
            'reader = "scap", year = 2014',
            'reader = "scap", year = "2014"',
            r"\[data\.capacity\]: year = '2014': expected an academic year",
        ),
    ],
)
def test_data_options_are_checked_when_the_model_loads(tmp_path, old, new, message):
    with pytest.raises(ConfigError, match=message):
        load_model(_write(tmp_path, old, new))


def test_a_reader_option_with_another_reader_is_an_error(tmp_path):
    p = _write(tmp_path, 'reader = "scap", year = 2014', 'reader = "tidy", year = 2014')
    with pytest.raises(
        ConfigError,
        match=r"\[data\.capacity\]: year = 2014: read only with reader "
        r"= 'scap', not 'tidy'",
    ):
        load_model(p)


def test_forecast_ncys_is_checked_when_the_model_loads(tmp_path):
    p = _write(tmp_path, "[forecast]\n", "[forecast]\nncys = [1, 2, 3]\n")
    with pytest.raises(
        ConfigError,
        match=r"\[forecast\] ncys = \[1, 2, 3\]: expected consecutive "
        r"year groups from Reception \(0\)",
    ):
        load_model(p)
