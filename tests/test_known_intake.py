"""A known intake (``[data.intake]``): the analyst's expected pupils in forecast years (next
September's Reception and Year 7 from admissions offers) replace the model's figures there,
and the cohorts roll forward from them.

Every intake figure here is SYNTHETIC test data (made-up numbers), on the tiny synthetic
authority of conftest.py or on a copy of the default model (real public data otherwise).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import cli_err, edited_model, error_lines
from test_forecast import PLAIN  # plain cohort survival: 3-year means, nothing pooled

from sufficiency.cli import cli
from sufficiency.config import load_model
from sufficiency.exceptions import DataQualityWarning, SchemaError
from sufficiency.forecast import CohortModel
from sufficiency.io.intake import read_intake
from sufficiency.uncertainty import ErrorModel

LOOKUP = 'lookup = { path = "../data/district_to_la_west_midlands.csv"'
KEY = ["area", "year", "ncy"]


def _births(areas, first=1995, last=2016, value=100.0):
    """SYNTHETIC births: ``value`` a year in every area."""
    return pd.DataFrame(
        [{"area": a, "year": y, "births": value} for a in areas for y in range(first, last + 1)]
    )


def _errors():
    """SYNTHETIC backtest errors: normal, 1% x horizon."""
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        [
            {"phase": p, "horizon": h, "pct_error": e}
            for p in ("primary", "secondary", "sixth_form")
            for h in (1, 2, 3, 4)
            for e in rng.normal(0, 0.01 * h, 200)
        ]
    )


@pytest.fixture
def model(tiny_pupils):
    """The tiny synthetic authority (areas A, B; 2015-2020, R-Y13) fitted: base year 2020."""
    return CohortModel(**PLAIN, horizon=4, draws=200, seed=3).fit(tiny_pupils, _births(["A", "B"]))


def _known(rows, **cols) -> pd.DataFrame:
    """A SYNTHETIC known intake: ``rows`` of (area, year, ncy, pupils), extra columns."""
    out = pd.DataFrame(rows, columns=["area", "year", "ncy", "pupils"])
    return out.assign(**cols)


def _cell(frame, area, year, ncy):
    return frame[(frame.area == area) & (frame.year == year) & (frame.ncy == ncy)].iloc[0]


def _run(model, known=None, **kw):
    em = ErrorModel.from_errors(_errors(), "phase")
    return model.predict(error_model=em, known=known, **kw).to_frame()


@pytest.mark.parametrize("area, ncy, given", [("A", 0, 150.0), ("B", 7, 90.5)])
def test_the_given_cell_is_the_input_and_its_cohort_rolls_on_from_it(model, area, ncy, given):
    base = _run(model)
    res = _run(model, _known([(area, 2021, ncy, given)]))
    cell = _cell(res, area, 2021, ncy)
    assert cell["pupils"] == given and cell["cohort"] == given and cell["kind"] == "supplied"
    assert _cell(base, area, 2021, ncy)["pupils"] != pytest.approx(given, rel=0.01)
    # next year: the given value x the model's ratio, the same ratio the plain run uses
    ai = model.areas_.index(area)
    s = model.survival_ratios_[ai, ncy]
    nxt = _cell(res, area, 2022, ncy + 1)["pupils"]
    assert nxt == pytest.approx(given * s, rel=1e-12)
    ratio = _cell(base, area, 2022, ncy + 1)["pupils"] / _cell(base, area, 2021, ncy)["pupils"]
    assert nxt / given == pytest.approx(ratio, rel=1e-12)
    after = _cell(res, area, 2023, ncy + 2)["pupils"]
    assert after == pytest.approx(given * s * model.survival_ratios_[ai, ncy + 1], rel=1e-12)
    # every cell off that cohort is the plain run's, to the bit
    k = res[KEY].to_numpy()
    on = (k[:, 0] == area) & (k[:, 1] >= 2021) & (k[:, 2] - ncy == k[:, 1] - 2021)
    pd.testing.assert_frame_equal(res[~on].reset_index(drop=True), base[~on].reset_index(drop=True))
    assert (res.loc[on, "kind"] == "forecast").sum() == on.sum() - 1


def test_bounds_collapse_without_given_ones_and_later_cells_keep_relative_bands(model):
    base = _run(model)
    res = _run(model, _known([("A", 2021, 0, 150.0)]))
    cell = _cell(res, "A", 2021, 0)
    for c in ("pupils_lower", "pupils_upper", "pupils_lower_95", "pupils_upper_95"):
        assert cell[c] == 150.0
    b, r = _cell(base, "A", 2022, 1), _cell(res, "A", 2022, 1)
    assert r["pupils_upper"] > r["pupils"] > r["pupils_lower"]
    for c in ("pupils_lower", "pupils_upper", "pupils_lower_95", "pupils_upper_95"):
        assert r[c] / r["pupils"] == pytest.approx(b[c] / b["pupils"], rel=1e-12)


def test_given_bounds_are_used_and_the_95_ones_default_to_the_80_ones(model):
    known = _known(
        [("A", 2021, 0, 150.0), ("B", 2021, 0, 160.0)],
        pupils_lower=[140.0, 150.0],
        pupils_upper=[155.0, 170.0],
        pupils_lower_95=[130.0, np.nan],
        pupils_upper_95=[165.0, np.nan],
    )
    res = _run(model, known)
    a, b = _cell(res, "A", 2021, 0), _cell(res, "B", 2021, 0)
    assert (a.pupils_lower, a.pupils_upper, a.pupils_lower_95, a.pupils_upper_95) == (
        140.0,
        155.0,
        130.0,
        165.0,
    )
    assert (b.pupils_lower, b.pupils_upper, b.pupils_lower_95, b.pupils_upper_95) == (
        150.0,
        170.0,
        150.0,
        170.0,
    )


def test_housing_is_inside_the_given_figure(model):
    H, A, G = 4, 2, 14
    hous = np.zeros((A, H, G))
    hous[0, 0, 0] = 10.0  # area A, 2021, Reception
    hous[0, 1, 1] = 12.0  # the same pupils (and more) a year on
    hous[1, 0, 0] = 30.0  # area B: more housing pupils than the figure given
    em = ErrorModel.from_errors(_errors(), "phase")
    known = _known([("A", 2021, 0, 150.0), ("B", 2021, 0, 20.0)])
    res = model.predict(error_model=em, housing=hous, known=known).to_frame()
    a = _cell(res, "A", 2021, 0)
    assert (a.pupils, a.cohort, a.housing) == (150.0, 140.0, 10.0)
    nxt = _cell(res, "A", 2022, 1)
    s = model.survival_ratios_[0, 0]
    assert nxt.cohort == pytest.approx(140.0 * s, rel=1e-12)
    assert nxt.pupils == pytest.approx(140.0 * s + 12.0, rel=1e-12)
    b = _cell(res, "B", 2021, 0)  # housing cut to the figure: pupils = cohort + housing
    assert (b.pupils, b.cohort, b.housing) == (20.0, 0.0, 20.0)


def test_kind_births_flag_and_note(model):
    base = model.predict(horizon=4).to_frame()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)  # no error model
        res = model.predict(
            horizon=4,
            known=_known([("A", 2021, 0, 150.0)]),
            known_source="intake.csv ([data.intake]; SYNTHETIC offers)",
        )
    f = res.to_frame()
    assert set(f["kind"]) == {"actual", "forecast", "supplied"}
    assert (f["kind"] == "supplied").sum() == 1
    # Reception 2021 rests on projected births (births end in 2016) in the plain run; the
    # supplied cell and its cohort rest on the figure given
    assert _cell(base, "A", 2021, 0)["births_projected"]
    assert not _cell(f, "A", 2021, 0)["births_projected"]
    assert not _cell(f, "A", 2023, 2)["births_projected"]
    assert _cell(f, "B", 2021, 0)["births_projected"]
    note = [n for n in res.notes if n.startswith("Supplied intake")]
    assert len(note) == 1
    assert "Reception 2021/22 in 1 area: A " in note[0] and "SYNTHETIC offers" in note[0]


def test_a_year_after_the_horizon_is_ignored_with_a_warning(model):
    base = _run(model)
    with pytest.warns(DataQualityWarning, match=r"after the forecast's last year 2024/25"):
        res = _run(model, _known([("A", 2025, 0, 150.0)]))
    pd.testing.assert_frame_equal(res, base)


# --- bad input: each names the file, the line, the column and the value ---------------------
BAD = [
    ("Z,2023,0,100", "area", "'Z'", "unknown area code"),
    ("A,2022,0,100", "year", "'2022'", "at or before the base year 2022/23"),
    ("A,2023,7,100", "ncy", "'7'", "a year group area A is not forecast for"),
    ("A,2023,0,-5", "pupils", "'-5.0'", "negative value"),
    ("A,2023,0,", "pupils", "blank", "missing value"),
    ("A,2023,0,lots", "pupils", "'lots'", "non-numeric value"),
    ("A,2023,0,100,110,120", "pupils_lower", "'110.0'", "above pupils"),
    ("A,2023,0,100,90,", "pupils_upper", "blank", "blank where pupils_lower is given"),
]


@pytest.mark.parametrize("row, column, value, problem", BAD)
def test_bad_rows_are_errors_naming_file_line_column_and_value(
    tmp_path, row, column, value, problem
):
    p = tmp_path / "intake.csv"
    p.write_text(
        "area,year,ncy,pupils,pupils_lower,pupils_upper\nB,2023,0,50,,\n" + row + "\n",
        encoding="utf-8",
    )
    with pytest.raises(SchemaError) as exc:
        read_intake(p, {"A": range(0, 7), "B": range(0, 7)}, 2022)
    msg = str(exc.value).splitlines()[0]
    assert msg.startswith(f"{p}: column '{column}': {problem}")
    assert "line(s) 3" in msg and value in msg


def test_a_duplicate_cell_is_an_error_naming_its_lines(tmp_path):
    p = tmp_path / "intake.csv"
    p.write_text("area,year,ncy,pupils\nA,2023,0,50\nB,2023,0,60\nA,2023/24,R,55\n")
    with pytest.raises(
        SchemaError, match=r"intake.csv: column 'area/year/ncy': duplicate key"
    ) as e:
        read_intake(p, {"A": range(0, 7), "B": range(0, 7)}, 2022)
    assert "line(s) 2, 4" in str(e.value)


def test_predict_checks_a_frame_built_in_code(model):
    with pytest.raises(SchemaError, match=r"column 'year': at or before the base year 2020/21"):
        model.predict(known=_known([("A", 2020, 0, 150.0)]))


# --- the model definition and the command line ----------------------------------------------
def _model_with_intake(tmp_path, rows="8850001,2023,0,400.5,390,410\n") -> tuple:
    """A copy of the default model with a SYNTHETIC intake for Bewdley's (8850001) Reception
    in 2023/24 (the year after the last census, 2022/23)."""
    p = tmp_path / "intake.csv"
    p.write_text("area,year,ncy,pupils,pupils_lower,pupils_upper\n" + rows, encoding="utf-8")
    line = f'intake = {{ path = "{p}", source = "SYNTHETIC test offers" }}\n'
    return edited_model(tmp_path, [(LOOKUP, line + LOOKUP)]), p


def test_a_scenario_removes_the_intake(tmp_path):
    base, _ = _model_with_intake(tmp_path)
    assert "intake" in load_model(base).data
    assert load_model(base).data["intake"].options["source"] == "SYNTHETIC test offers"
    scen = tmp_path / "s.toml"
    scen.write_text(
        f'extends = "{base.name}"\n[model]\nname = "own intake"\n[data]\nintake = false\n'
    )
    cfg = load_model(scen)
    assert "intake" not in cfg.data
    assert "[data] intake (removed)" in cfg.own_settings()
    from sufficiency.inputs import load_inputs

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with_it, without = load_inputs(load_model(base)), load_inputs(cfg)
    assert len(with_it.intake) == 1 and with_it.intake_source.startswith("intake.csv")
    assert without.intake is None and "intake" not in without.tables()
    assert not [p for p in without.provenance if p.table == "intake"]


def test_source_must_be_text(tmp_path):
    base, p = _model_with_intake(tmp_path)
    text = base.read_text().replace('source = "SYNTHETIC test offers"', "source = 2026")
    base.write_text(text)
    with pytest.raises(ValueError, match=r"\[data.intake\]: source = 2026: expected text"):
        load_model(base)


def test_validate_data_list_and_forecast_on_the_default_model(tmp_path):
    m, p = _model_with_intake(tmp_path)
    runner = CliRunner()
    res = runner.invoke(cli, ["validate", str(m)])
    assert res.exit_code == 0, cli_err(res)
    assert "intake: 1 rows, year 2023, 1 area" in res.output
    assert f"intake: {p} (supplied;" in res.output
    res = runner.invoke(cli, ["data", "list", str(m)])
    assert res.exit_code == 0, cli_err(res)
    assert any(
        ln.split()[:3] == ["intake", "supplied", "rows=1"] and str(p) in ln
        for ln in res.output.splitlines()
    )
    out = tmp_path / "out"
    res = runner.invoke(cli, ["forecast", str(m), "--out", str(out)])
    assert res.exit_code == 0, cli_err(res)
    f = pd.read_csv(out / "forecast.csv", dtype={"area": str})
    cell = _cell(f, "8850001", 2023, 0)
    assert (cell.pupils, cell.pupils_lower, cell.pupils_upper, cell.kind) == (
        400.5,
        390.0,
        410.0,
        "supplied",
    )
    assert (f["kind"] == "supplied").sum() == 1
    notes = (out / "notes.txt").read_text()
    assert (
        "Reception 2023/24 in 1 area: Bewdley (8850001)" in notes
        and "SYNTHETIC test offers" in notes
    )


def test_a_bad_intake_stops_validate_with_one_line(tmp_path):
    m, p = _model_with_intake(tmp_path, "8850001,2023,7,400\n")
    res = CliRunner().invoke(cli, ["validate", str(m)])
    assert res.exit_code == 1
    (line,) = error_lines(res)
    assert str(p) in line and "column 'ncy'" in line and "'7'" in line and "line(s) 2" in line


def test_the_docs_example_runs_on_the_default_model(tmp_path):
    """docs/model.md's example (made-up figures, SYNTHETIC) loads, and the forecast takes it."""
    import re

    from conftest import ROOT

    from sufficiency.forecast import run_forecast
    from sufficiency.inputs import load_inputs

    doc = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    body = doc.split("### A known intake: `[data.intake]`", 1)[1].split("\n### ", 1)[0]
    toml, csv = re.findall(r"```(?:toml)?\n(.*?)```", body, flags=re.S)[:2]
    (tmp_path / "intake.csv").write_text(csv, encoding="utf-8")
    line = toml.split("\n", 1)[1]  # the entry, without its [data] header
    m = edited_model(tmp_path, [(LOOKUP, line + LOOKUP)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        inputs = load_inputs(load_model(m))
        f = run_forecast(inputs, horizon=2).to_frame()
    given = pd.read_csv(tmp_path / "intake.csv", dtype={"area": str})
    got = f[f["kind"] == "supplied"].merge(given, on=KEY, suffixes=("", "_given"))
    assert len(got) == len(given) == 3
    assert (got["pupils"] == got["pupils_given"]).all()
    assert (got.loc[got["pupils_lower_given"].isna(), "pupils_lower"] == 690).all()


def test_a_late_row_is_warned_of_once(tmp_path, caplog):
    """SYNTHETIC intake on the REAL model, one row after the horizon: warned of when the
    inputs load, and run_forecast neither warns nor logs it again (the CLI printed the same
    line three times); the result still carries it for notes.txt."""
    import logging

    from sufficiency.forecast import run_forecast
    from sufficiency.inputs import load_inputs

    m, _ = _model_with_intake(tmp_path, "8850001,2023,0,400.5,390,410\n8850001,2040,0,1,,\n")
    late = "1 row after the forecast's last year 2032/33"
    with warnings.catch_warnings(record=True) as loading:
        warnings.simplefilter("always")
        inputs = load_inputs(load_model(m))
    assert sum(late in str(w.message) for w in loading) == 1
    with warnings.catch_warnings(record=True) as running, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        res = run_forecast(inputs)
    assert not [w for w in running if late in str(w.message)]
    assert not [r for r in caplog.records if late in r.getMessage()]
    assert sum(late in w for w in res.warnings) == 1
    # another horizon: a different message, warned of by the forecast
    with warnings.catch_warnings(record=True) as other:
        warnings.simplefilter("always")
        run_forecast(inputs, horizon=5)
    assert [w for w in other if "last year 2027/28" in str(w.message)]


def test_every_data_dictionary_of_a_kind_column_says_supplied():
    """The columns.csv / appendix Columns entries of the tables that carry a known intake's
    cells (forecast.csv, the appendix's forecast sheet, the SCAP pupil CSV) say what kind
    'supplied' is; the appendix and SCAP ones said only 'actual, derived or forecast'."""
    from sufficiency._columns import describe
    from sufficiency.report.render import OUTPUT_FILES

    for name in ("forecast.csv", "Forecast by year group", OUTPUT_FILES["scap"]):
        unit, desc = describe("kind", name)
        assert "supplied" in desc and "[data.intake]" in desc, (name, desc)
    assert "the figure given where it is supplied" in describe("pupils", "forecast.csv")[1]


def test_the_to_frame_example_sums_the_supplied_cells_too(model):
    """SYNTHETIC: ForecastResult.to_frame's example (area totals of the forecast years) run on
    a forecast with a supplied cell gives the phase totals' sums; selecting kind == 'forecast'
    (as it did) left the supplied Reception out of 2021's totals."""
    import inspect

    from sufficiency.forecast import ForecastResult

    fc = model.predict(
        error_model=ErrorModel.from_errors(_errors(), "phase"),
        known=_known([("A", 2021, 0, 150.0)]),
    )
    f = fc.to_frame()
    (line,) = [
        ln.split(">>>", 1)[1].split("#", 1)[0]
        for ln in inspect.getdoc(ForecastResult.to_frame).splitlines()
        if ln.strip().startswith(">>> f[")
    ]
    got = eval(line.strip(), {}, {"f": f, "fc": fc})
    t = fc.phase_totals()
    want = t[t["year"] > fc.base_year].groupby(["area", "year"])["pupils"].sum()
    pd.testing.assert_series_equal(got, want, check_names=False)
