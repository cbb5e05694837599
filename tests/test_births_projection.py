"""A supplied births projection (``[data.births_projection]``, as ONS's subnational
projections give): the issue asks for births beyond the data to be projected by the model
"or a supplied projection such as ONS's"; the library took one (``predict(births=...)``) but
a model definition could not. Checked on the default model (real data) with a projection
file that is SYNTHETIC test data (each district's mid-2022 births x 0.9, mid-2022 to
mid-2035), not a published projection."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import edited_model, last_district_births

from sufficiency.cli import cli
from sufficiency.config import load_model
from sufficiency.exceptions import DataQualityWarning, SchemaError
from sufficiency.forecast import run_forecast
from sufficiency.inputs import load_inputs

LOOKUP = 'lookup = { path = "../data/district_to_la_west_midlands.csv"'
FACTOR = 0.9


def _projection(tmp_path, districts=None, years=range(2022, 2036)) -> str:
    """SYNTHETIC projection (test data): each district's mid-2022 births x 0.9, every year."""
    last = last_district_births()
    if districts is not None:
        last = last[last.index.isin(districts)]
    rows = [
        {"area": d, "year": y, "births": round(v * FACTOR, 1), "source": "SYNTHETIC test data"}
        for d, v in last.items()
        for y in years
    ]
    p = tmp_path / "births_projection.csv"
    pd.DataFrame(rows).to_csv(p, index=False)
    return f'births_projection = {{ path = "{p}" }}\n'


def _model(tmp_path, line: str):
    return edited_model(tmp_path, [(LOOKUP, line + LOOKUP)])


def _quiet_inputs(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_inputs(load_model(path))


@pytest.fixture(scope="module")
def runs(tmp_path_factory, model_path):
    tmp = tmp_path_factory.mktemp("proj")
    base = _quiet_inputs(model_path)
    proj = _quiet_inputs(_model(tmp, _projection(tmp)))
    return base, proj, run_forecast(base).to_frame(), run_forecast(proj).to_frame()


def test_projection_replaces_the_models_own_after_the_nowcast(runs):
    base, proj, f0, f1 = runs
    p = proj.births_projection
    # the data end at mid-2022 and the nowcast gives mid-2023: the projection from mid-2024
    assert int(p["year"].min()) == 2024 and int(p["year"].max()) == 2035
    assert set(p["kind"]) == {"projected"}
    # by primary planning area, split as the births are (district totals kept)
    y = proj.births_supplied
    assert sorted(y["year"].unique())[:2] == [2023, 2024]
    assert y.loc[y["year"] == 2023, "births"].sum() == pytest.approx(
        base.births_nowcast["births"].sum()
    )
    b22 = base.births.loc[base.births["year"] == 2022, "births"].sum()
    assert p.loc[p["year"] == 2030, "births"].sum() == pytest.approx(b22 * FACTOR, rel=1e-3)
    # Reception from births four years on: identical to 2027/28 (the nowcast's), 10% lower
    # than the data's last mid-year would give from 2028/29, where the model projected its own
    rec = [f[(f["ncy"] == 0)].groupby("year")["pupils"].sum() for f in (f0, f1)]
    assert np.allclose(rec[0].loc[:2027], rec[1].loc[:2027])
    assert (rec[1].loc[2028:] < rec[0].loc[2028:]).all()
    assert f1.loc[(f1["ncy"] == 0) & (f1["year"] >= 2027), "births_projected"].all()
    # earlier year groups and years are the model's own
    early = f1["year"] <= 2027
    assert np.allclose(f0.loc[early, "pupils"], f1.loc[early, "pupils"])


def test_projection_is_recorded_and_said(runs, tmp_path):
    _, proj, _, _ = runs
    rec = [p for p in proj.provenance if p.table == "births_projection"]
    assert len(rec) == 1 and rec[0].kind == "projected" and rec[0].years == (2022, 2035)
    note = next(n for n in proj.notes if "[data.births_projection]" in n)
    assert "Births for mid-2024 to mid-2035 (Reception in 2028/29 to 2039/40)" in note
    assert "mid-2022 to mid-2023 births are in the births data (or its nowcast)" in note
    # as docs/model.md says: the ranges are not measured for the supplied projection
    assert note.endswith(
        "The forecast's ranges are still those measured for its own projection of births, "
        "not for the supplied one."
    )


def test_data_list_and_validate_show_the_projection(tmp_path):
    model = _model(tmp_path, _projection(tmp_path))
    res = CliRunner().invoke(cli, ["data", "list", str(model)])
    assert res.exit_code == 0, res.output
    assert "births_projection" in res.output and "projected" in res.output
    # the kind "projected" is wider than the others: the listing's columns stay in line
    read = res.output.split("Read:", 1)[1].split("\nNote:", 1)[0]
    at = {line.index("rows=") for line in read.splitlines() if "rows=" in line}
    assert len(at) == 1, read
    res = CliRunner().invoke(cli, ["validate", str(model)])
    assert res.exit_code == 0, res.output
    assert "births_projection" in res.output


def test_a_projection_without_a_district_is_an_error(tmp_path):
    line = _projection(tmp_path, districts=["E07000234", "E07000235"])
    with pytest.raises(SchemaError, match=r"no rows for district\(s\) E07000236.*expected"):
        _quiet_inputs(_model(tmp_path, line))


def test_a_projection_inside_the_data_is_not_used_and_said(tmp_path):
    line = _projection(tmp_path, years=range(2015, 2023))
    with pytest.warns(DataQualityWarning, match="gives no mid-year after the births data"):
        inputs = load_inputs(load_model(_model(tmp_path, line)))
    assert inputs.births_projection is None


def test_a_projection_needs_births(tmp_path):
    from sufficiency.exceptions import ConfigError

    model = edited_model(
        tmp_path,
        [
            (
                'births = { path = "../data/births_by_district_1992_2023.csv", reader = "ons_births" }\n',
                _projection(tmp_path),
            )
        ],
    )
    with pytest.raises(ConfigError, match=r"\[data.births_projection\].*expected \[data.births\]"):
        _quiet_inputs(model)


def test_early_years_children_follow_the_projection(runs):
    """The early years forecast counts children from the same births as the pupil forecast:
    2-year-olds of 2030/31 were born in the year to mid-2028, in the projection (10% below
    the data's last mid-year), so fewer than on the model's own projection."""
    from sufficiency import forecast_early_years

    base, proj, _, _ = runs
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kids = [
            forecast_early_years(i)
            .to_frame()
            .query("age == '2' and year == 2030")
            .groupby("entitlement")["children"]
            .sum()
            .max()
            for i in (base, proj)
        ]
    assert kids[1] < kids[0] * 0.97


def test_report_sources_date_the_projection_by_mid_years():
    # the sources table wrote "2022/23 to 2035/36" for the projection's mid-2022 to mid-2035
    from sufficiency.report.build import _years_label

    assert _years_label("births_projection", "projected", (2022, 2035)) == "mid-2022 to mid-2035"


def test_report_cover_names_the_projection(runs):
    from sufficiency.report import build_report, run_pipeline

    _, proj, _, _ = runs
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = run_pipeline(proj, with_send=False, with_early_years=False, with_plan=False)
    res.pop("seconds", None)
    missing = res.pop("missing")
    data = build_report(proj, **res, missing=missing, report_date="2026-11-29")
    assert "births projection: births_projection.csv to mid-2035; " in data.meta["data_vintage"]


def test_a_projection_starting_after_a_gap_is_an_error(tmp_path):
    # the data end at mid-2022 and the nowcast gives mid-2023: a projection from mid-2026
    # left mid-2024 and mid-2025 without births, and Reception of 2028/29 and 2029/30 at 0
    line = _projection(tmp_path, years=range(2026, 2036))
    with pytest.raises(
        SchemaError, match=r"column 'year'.*mid-2024 to mid-2025 \(every area, 17\).*expected"
    ):
        _quiet_inputs(_model(tmp_path, line))


def test_report_assumptions_name_the_projection_for_births_beyond_the_data(runs):
    # the assumptions table said births beyond the last published year were Holt's damped
    # trend, of a forecast whose births to mid-2035 were the supplied projection
    from sufficiency.report.build import _setting_value

    base, proj, _, _ = runs
    said = _setting_value("holt_fixed", "births", proj)
    assert said.startswith("the supplied projection births_projection.csv")
    assert "to mid-2035; after it, Holt's damped trend" in said
    assert _setting_value("holt_fixed", "births", base).startswith("Holt's damped trend")


def test_early_years_without_authority_births_is_not_given_the_projection_alone(runs, tmp_path):
    """Births by planning area (tidy: the default model's, written out; a projection of them
    SYNTHETIC): no authority births for the early years population. The error said births
    for mid-2008..2011 were needed, as if the projection were a history that starts late."""
    from sufficiency.early_years import authority_population
    from sufficiency.exceptions import ConfigError

    base, _, _, _ = runs
    b = base.births[["area", "year", "births"]].assign(source="SYNTHETIC: test copy")
    b.to_csv(tmp_path / "births_by_area.csv", index=False)
    last = b[b["year"] == 2022].set_index("area")["births"]
    pd.DataFrame(
        [
            {"area": a, "year": y, "births": v * FACTOR}
            for a, v in last.items()
            for y in (2023, 2024)
        ]
    ).to_csv(tmp_path / "projection_by_area.csv", index=False)
    model = edited_model(
        tmp_path,
        [
            (
                'births = { path = "../data/births_by_district_1992_2023.csv", reader = "ons_births" }',
                f'births = {{ path = "{tmp_path / "births_by_area.csv"}", reader = "tidy" }}\n'
                f'births_projection = {{ path = "{tmp_path / "projection_by_area.csv"}" }}',
            )
        ],
    )
    inputs = _quiet_inputs(model)
    assert inputs.births_projection is not None and inputs.authority_births.empty
    with pytest.raises(ConfigError, match="one of them is empty"):
        authority_population(inputs, years=range(2023, 2026))


def test_a_national_projection_is_checked_for_the_models_districts_only(tmp_path):
    # a 0 in another authority's district (Birmingham, SYNTHETIC edit) warned of in a
    # Worcestershire model, which does not read it; a 0 in its own district still is
    line = _projection(tmp_path)
    path = tmp_path / "births_projection.csv"
    p = pd.read_csv(path)
    p.loc[(p["area"] == "E08000025") & (p["year"] == 2030), "births"] = 0
    p.to_csv(path, index=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_inputs(load_model(_model(tmp_path, line)))
    assert not [w for w in caught if "0 births" in str(w.message)]
    p.loc[(p["area"] == "E07000234") & (p["year"] == 2030), "births"] = 0
    p.to_csv(path, index=False)
    with pytest.warns(DataQualityWarning, match="0 births"):
        load_inputs(load_model(_model(tmp_path, line)))


def test_library_predict_rejects_supplied_births_after_a_gap(runs):
    """``CohortModel.predict(births=...)`` filled births only after the last one given: a
    supplied series starting two mid-years after the fitted births gave Reception of 0 in
    the years between (default model, real data; the supplied births SYNTHETIC)."""
    from sufficiency.exceptions import ConfigError
    from sufficiency.forecast import CohortModel, forecast_params

    base = runs[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = CohortModel(**forecast_params(base.config)).fit(base.pupils, base.births)
    last = base.births.groupby("area")["year"].max()
    later = pd.DataFrame(
        [{"area": a, "year": int(y) + k, "births": 100.0} for a, y in last.items() for k in (3, 4)]
    )
    with pytest.raises(ConfigError, match=r"leave mid-year\(s\) out.*mid-2023 to mid-2024"):
        model.predict(10, births=later)
    # from the next mid-year on, as the nowcast and a projection are given: accepted
    model.predict(10, births=later.assign(year=later["year"] - 2))


def test_projection_provenance_counts_the_rows_used(tmp_path):
    """A national file: rows of other authorities' districts are not counted as read for the
    model (data list said rows=420 of a file whose 84 rows the model uses)."""
    line = _projection(tmp_path)  # every West Midlands district: 30 x 14 rows
    inputs = _quiet_inputs(_model(tmp_path, line))
    rec = next(p for p in inputs.provenance if p.table == "births_projection")
    used = len(inputs.config.data["births_projection"].path.read_text().splitlines()) - 1
    assert used == 30 * 14 and rec.rows == 6 * 14  # Worcestershire's six districts
