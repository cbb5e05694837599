"""A trial of the library as a transport modeller and a high-needs budget modeller call it
(no CLI): the entry points are found from ``import sufficiency``, and a bad argument raises
an error that names the argument and what was expected, instead of a numpy/pandas error from
deep inside, or nothing at all."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import sufficiency
from sufficiency import ConfigError, SchemaError, load_inputs, load_model


@pytest.fixture(scope="module")
def fc(inputs):
    from sufficiency.forecast import run_forecast

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run_forecast(inputs)


def test_entry_points_import_from_the_package():
    from sufficiency import optimise, report, send

    assert sufficiency.run_forecast is sufficiency.forecast.run_forecast
    assert sufficiency.plan is optimise.plan
    assert sufficiency.forecast_send is send.forecast_send
    assert sufficiency.make_report is report.make_report
    for name in sufficiency.__all__:
        assert getattr(sufficiency, name) is not None, name
    assert {"run_forecast", "plan", "forecast_send", "forecast_early_years"} <= set(
        dir(sufficiency)
    )
    assert "run_forecast(inputs)" in sufficiency.__doc__
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        sufficiency.nope  # noqa: B018


def test_phase_totals_rejects_a_quantile_outside_0_1(fc):
    with pytest.raises(
        ConfigError, match=r"phase_totals\(q=1.5\): expected a quantile between 0 and 1"
    ):
        fc.phase_totals(q=1.5)
    with pytest.raises(ConfigError, match=r"q='0.8'"):
        fc.phase_totals(q="0.8")
    assert len(fc.phase_totals(q=0.8)) == len(fc.phase_totals())


def test_plan_names_a_bad_argument(inputs, fc):
    from sufficiency.optimise import plan

    with pytest.raises(
        ConfigError,
        match=r"plan\(shortfal_penalty=...\): unknown setting "
        r"'shortfal_penalty' \(did you mean 'shortfall_penalty'\?\)",
    ):
        plan(inputs, fc, shortfal_penalty=1e6)
    with pytest.raises(SchemaError, match=r"plan\(send=...\): missing column\(s\).*demand_frame"):
        plan(inputs, fc, send=pd.DataFrame({"x": [1]}))
    with pytest.raises(ConfigError, match=r"scenarios=\{'high': 1.5\}.*quantile between 0 and 1"):
        plan(inputs, fc, scenarios={"high": 1.5})
    with pytest.raises(TypeError, match="inputs is a ModelConfig; expected ModelInputs"):
        plan(inputs.config, fc)


def test_model_config_or_path_where_inputs_are_expected(inputs, model_path):
    from sufficiency.forecast import run_forecast
    from sufficiency.report import build_report, run_pipeline

    for fn in (run_forecast, run_pipeline, build_report):
        with pytest.raises(
            TypeError,
            match=r"inputs is a ModelConfig; expected ModelInputs "
            r"\(from load_inputs\(config\)\)",
        ):
            fn(inputs.config)
    with pytest.raises(TypeError, match="config is a int; expected a ModelConfig"):
        load_inputs(42)


def test_load_inputs_takes_a_path_and_warns_at_the_callers_line(model_path, inputs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = load_inputs(str(model_path))
    assert got.pupils.equals(inputs.pupils)
    dq = [w for w in caught if issubclass(w.category, sufficiency.DataQualityWarning)]
    assert dq and all(w.filename == __file__ for w in dq), [(w.filename, w.lineno) for w in dq]


def test_forecast_send_rejects_unknown_parameters_and_bad_horizon(inputs):
    from sufficiency.send import forecast_send

    with pytest.raises(
        ConfigError,
        match=r"forecast_send\(alhpa=...\): unknown parameter 'alhpa' "
        r"\(did you mean 'alpha'\?\)",
    ):
        forecast_send(inputs, alhpa=0.5)
    for h in (0, 1.5):
        with pytest.raises(
            ConfigError, match=rf"forecast_send\(horizon={h}\): expected a whole number"
        ):
            forecast_send(inputs, horizon=h)
    with pytest.raises(
        SchemaError,
        match=r"forecast_send: population: missing column\(s\) \['age', "
        r"'population'\]",
    ):
        forecast_send(inputs, population=pd.DataFrame({"year": [2020]}))


def test_forecast_early_years_rejects_bad_years_by_area_and_population(inputs):
    from sufficiency.early_years import forecast_early_years

    with pytest.raises(
        ConfigError, match=r"years=\[\]\): expected a non-empty list of academic years"
    ):
        forecast_early_years(inputs, years=[])
    with pytest.raises(ConfigError, match=r"by_area='yes'\): expected True or False"):
        forecast_early_years(inputs, by_area="yes")
    with pytest.raises(SchemaError, match=r"population: missing column\(s\) \['age'"):
        forecast_early_years(inputs, population=pd.DataFrame({"year": [2020]}))


def test_sufficiency_with_area_codes_that_do_not_match(inputs, fc):
    from sufficiency.capacity import assess_sufficiency

    pt = fc.phase_totals()
    with pytest.raises(
        SchemaError, match="demand and capacity share no planning area: demand has XXX"
    ):
        assess_sufficiency(pt.assign(area="XXX"), inputs.capacity)
    with pytest.raises(SchemaError, match=r"areas: 1 area not in the demand \(8850301\)"):
        assess_sufficiency(pt, inputs.capacity, areas=["8850031", "8850301"])
    one = assess_sufficiency(pt, inputs.capacity, areas="8850031").to_frame()
    assert set(one["area"]) == {"8850031"}


def test_model_area_lookups_say_what_was_expected(model_path):
    cfg = load_model(model_path)
    with pytest.raises(
        ConfigError, match=r"no planning area '8850301'; expected .*did you mean 8850031"
    ):
        cfg.area("8850301")
    with pytest.raises(
        ConfigError,
        match=r"areas_of_phase\('primry'\): expected 'primary' or "
        r"'secondary' \(did you mean 'primary'\?\)",
    ):
        cfg.areas_of_phase("primry")
    assert cfg.area("8850031").name == "Worcester City"


def test_report_arguments_are_checked_before_the_pipeline(inputs, tmp_path):
    import time

    from sufficiency.report import make_report
    from sufficiency.report.build import _allowed

    t = time.perf_counter()
    with pytest.raises(
        ConfigError, match=r"report_date = '29/11/2026': expected a date.*YYYY-MM-DD"
    ):
        make_report(inputs, tmp_path, report_date="29/11/2026")
    with pytest.raises(ConfigError, match=r"report formats \['htm'\]"):
        make_report(inputs, tmp_path, formats="htm")
    assert time.perf_counter() - t < 5  # no pipeline run first
    assert not list(tmp_path.iterdir())
    assert _allowed("send") == {"send"}  # one part, not the letters s, e, n, d
    with pytest.raises(ConfigError, match="unknown part.*sned"):
        _allowed("sned")


def test_cohort_model_checks_its_parameters_as_a_model_definition_does(inputs):
    from sufficiency import CohortModel

    for kw, expected in (
        (dict(halflife=0), "halflife = 0: expected a half-life in years > 0"),
        (dict(draws=0), "draws = 0: expected a whole number of draws >= 1"),
        (dict(coverage=(1.5, 0.95)), r"coverage = \(1.5, 0.95\): expected"),
    ):
        with pytest.raises(ConfigError, match=rf"CohortModel: {expected}"):
            CohortModel(**kw).fit(inputs.pupils, inputs.births)


def test_forecast_frame_columns_are_documented(fc):
    from sufficiency.forecast import FORECAST_COLUMNS, ForecastResult

    assert tuple(fc.to_frame().columns) == FORECAST_COLUMNS
    doc = ForecastResult.to_frame.__doc__
    for col in FORECAST_COLUMNS:
        assert f"``{col}``" in doc, col
    assert "Returns" in doc and "Examples" in doc


@pytest.mark.parametrize(
    "where",
    [
        "sufficiency.forecast.run_forecast",
        "sufficiency.capacity.assess_sufficiency",
        "sufficiency.optimise.planning.plan",
    ],
)
def test_docstring_examples_run(where, monkeypatch):
    import doctest
    import importlib
    from pathlib import Path

    module, name = where.rsplit(".", 1)
    fn = getattr(importlib.import_module(module), name)
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    finder = doctest.DocTestFinder(recurse=False)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    tests = finder.find(fn, name, globs={})
    assert tests and tests[0].examples, f"{where} has no example"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for t in tests:
            runner.run(t)
    assert runner.failures == 0, f"{where}: {runner.failures} example(s) failed"


def test_a_keyword_argument_is_blamed_on_the_call_not_the_file(inputs, fc):
    # a library trial was told "worcestershire.toml: override horizon = 0" and "[send]
    # alpha = 2" of values it had passed as keyword arguments
    from sufficiency.forecast import run_forecast
    from sufficiency.send import forecast_send

    with pytest.raises(
        ConfigError,
        match=r"^keyword argument \(run_forecast / forecast_params\) "
        r"horizon = 0: expected a whole number of years, 1..30$",
    ):
        run_forecast(inputs, horizon=0)
    with pytest.raises(
        ConfigError,
        match=r"^keyword argument \(forecast_send\) alpha = 2: "
        r"expected a number in \[0, 1\]$",
    ):
        forecast_send(inputs, alpha=2)


def test_summary_years_past_the_horizon_are_an_error(fc):
    assert fc.summary() == fc.summary(years=(0, 5, 10))
    assert "2027/28" in fc.summary(years=(0, 5)).splitlines()[1]
    with pytest.raises(
        ConfigError,
        match=r"summary\(years=\(0, 50\)\): 50 is not a year of the "
        r"forecast; expected whole numbers of years after "
        r"2022/23 from 0 to 10",
    ):
        fc.summary(years=(0, 50))
