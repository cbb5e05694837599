"""CohortModel / ForecastResult on synthetic data, and run_forecast on the Worcestershire model."""

from __future__ import annotations

import subprocess
import sys
import time
import warnings

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from sufficiency import cohort
from sufficiency.exceptions import ConfigError, DataQualityWarning, NotFittedError
from sufficiency.forecast import FORECAST_COLUMNS, CohortModel, run_forecast
from sufficiency.uncertainty import ErrorModel

#: a plain cohort-survival model (3-year means, no pooling, drifts, rebound or combination),
#: for tests of mechanics that the product defaults would blur
PLAIN = dict(
    window=3,
    method="mean",
    shrinkage=0.0,
    reception_shrinkage=None,
    reception_combine=(),
    downweight=None,
    reception_window=3,
    reception_method="mean",
    reception_drift=0.0,
    staying_on_drift=0.0,
    primary_drift=0.0,
    rebound=0.0,
    secondary_halflife=None,
    secondary_shrinkage=None,
)


def _births(areas, first=1995, last=2016, value=100.0):
    return pd.DataFrame(
        [{"area": a, "year": y, "births": value} for a in areas for y in range(first, last + 1)]
    )


def _errors():
    rng = np.random.default_rng(0)
    rows = [
        {"phase": p, "horizon": h, "pct_error": e}
        for p in ("primary", "secondary", "sixth_form")
        for h in (1, 2, 3)
        for e in rng.normal(0, 0.01 * h, 200)
    ]
    return pd.DataFrame(rows)


def test_constant_authority_stays_constant(tiny_pupils):
    a = tiny_pupils[tiny_pupils["area"] == "A"]
    m = CohortModel(horizon=5).fit(a, _births(["A"]))
    res = m.predict()
    fc = res.to_frame().query("kind == 'forecast'")
    assert set(fc["year"]) == set(range(2021, 2026))
    np.testing.assert_allclose(fc["pupils"], 100.0, rtol=1e-9)
    assert list(res.to_frame().columns) == list(FORECAST_COLUMNS)
    # births known to mid-2016 -> Reception 2020/21; 2021/22 onwards rests on projected births
    rec = fc[fc["ncy"] == 0].set_index("year")["births_projected"]
    assert rec.all()
    y1 = fc[(fc["ncy"] == 1)].set_index("year")["births_projected"]
    assert not y1.loc[2021] and y1.loc[2022]


def test_growth_ratios_roll_forward(tiny_pupils):
    b = tiny_pupils[tiny_pupils["area"] == "B"]
    m = CohortModel(horizon=2).fit(b, None)
    np.testing.assert_allclose(
        m.survival_ratios_[0], 1.21, rtol=1e-9
    )  # 1.1 per year and per year group
    fc = m.predict().to_frame().query("kind == 'forecast' and ncy > 0")
    base = b[b["year"] == 2020].set_index("ncy")["pupils"]
    y2021 = fc[fc["year"] == 2021].set_index("ncy")["pupils"]
    np.testing.assert_allclose(y2021.loc[5], base.loc[4] * 1.21, rtol=1e-9)


def test_no_births_warns_and_trends_reception(tiny_pupils):
    with pytest.warns(DataQualityWarning, match="no births"):
        m = CohortModel(horizon=3).fit(tiny_pupils, None)
    fc = m.predict().to_frame().query("kind == 'forecast' and ncy == 0 and area == 'A'")
    np.testing.assert_allclose(fc["pupils"], 100.0, rtol=1e-6)
    assert fc["births_projected"].all()


def test_constructor_defaults_are_the_backtested_defaults():
    """``CohortModel()`` is the model the backtest chose, and a model definition's default."""
    from sufficiency.forecast import DEFAULT_PARAMS

    p = CohortModel().get_params()
    assert p == dict(DEFAULT_PARAMS)
    assert p["downweight"] == {2020: 0.0} and isinstance(p["downweight"], dict)
    assert p["secondary_halflife"] == 0.5 and p["rebound"] == 0.5 and p["shrinkage_method"] == "eb"


def test_area_without_ratio_history_borrows_the_pooled_ratio(tiny_pupils):
    """A new authority with one year of data is forecast, not zeroed, and the log says so."""
    new = tiny_pupils[(tiny_pupils["area"] == "A") & (tiny_pupils["year"] == 2020)].assign(area="N")
    hist = pd.concat([tiny_pupils, new], ignore_index=True)
    with pytest.warns(DataQualityWarning, match="no survival ratio history.*N"):
        m = CohortModel(**PLAIN).fit(hist, _births(["A", "B", "N"]))
    # pooled over A (ratio 1) and B (1.21), weighted by pupils in the source year group
    i = m.areas_.index("N")
    a, b = m.areas_.index("A"), m.areas_.index("B")
    assert np.all(m.survival_ratios_[i] > m.survival_ratios_[a])
    assert np.all(m.survival_ratios_[i] < m.survival_ratios_[b])
    fc = m.predict(2).to_frame().query("area == 'N' and kind == 'forecast'")
    assert (fc["pupils"] > 0).all()
    assert any("no survival ratio history" in w for w in m.warnings_)


def test_predict_before_fit_raises():
    with pytest.raises(NotFittedError):
        CohortModel().predict()


def test_bad_parameters_raise(tiny_pupils):
    with pytest.raises(ConfigError):
        CohortModel(method="mode").fit(tiny_pupils, _births(["A", "B"]))
    with pytest.raises(ConfigError):
        CohortModel(shrinkage=2).fit(tiny_pupils, _births(["A", "B"]))


def test_new_parameters_validated(tiny_pupils):
    b = _births(["A", "B"])
    with pytest.raises(ConfigError, match="shrinkage_method"):
        CohortModel(shrinkage_method="bayes").fit(tiny_pupils, b)
    with pytest.raises(ConfigError, match="combine"):
        CohortModel(combine=((3, "mode"),)).fit(tiny_pupils, b)
    with pytest.raises(ConfigError, match="reception_combine"):
        CohortModel(reception_combine=("mean",)).fit(tiny_pupils, b)
    with pytest.raises(ConfigError, match="reception_shrinkage"):
        CohortModel(reception_shrinkage=1.5).fit(tiny_pupils, b)


def test_reception_ratio_combines_weighted_and_three_year_mean():
    rec = {2015: 100.0, 2016: 100.0, 2017: 102.0, 2018: 104.0, 2019: 100.0, 2020: 110.0}
    hist = pd.DataFrame(
        [
            {"area": "A", "year": y, "ncy": g, "pupils": rec[y] if g == 0 else 100.0}
            for y in rec
            for g in range(0, 14)
        ]
    )
    kw = dict(reception_window=5, reception_method="weighted", reception_drift=0.0, downweight=None)
    alone = CohortModel(**kw, reception_combine=()).fit(hist, _births(["A"]))
    both = CohortModel(**kw, reception_combine=((3, "mean"),)).fit(hist, _births(["A"]))
    ratios = np.array([1.00, 1.02, 1.04, 1.00, 1.10])  # 2016-2020, births 100 each year
    wts = 0.5 ** np.arange(4, -1, -1)
    w5 = (ratios * wts).sum() / wts.sum()
    assert alone.reception_ratio_[0] == pytest.approx(w5)
    assert both.reception_ratio_[0] == pytest.approx((w5 + ratios[-3:].mean()) / 2)
    # Reception next year = births x combined ratio
    fc = both.predict(1).to_frame().query("kind == 'forecast' and ncy == 0")
    assert fc["pupils"].iloc[0] == pytest.approx(100.0 * (w5 + ratios[-3:].mean()) / 2)


def test_secondary_transitions_averaged_their_own_way():
    # synthetic noisy history (test only): one area, so no shrinkage; drifts off
    rng = np.random.default_rng(7)
    hist = pd.DataFrame(
        [
            {"area": "A", "year": y, "ncy": g, "pupils": 100.0 * rng.uniform(0.95, 1.05)}
            for y in range(2012, 2021)
            for g in range(0, 14)
        ]
    )
    kw = dict(
        window=5,
        method="weighted",
        halflife=1.0,
        downweight=None,
        primary_drift=0.0,
        staying_on_drift=0.0,
        reception_drift=0.0,
    )
    m = CohortModel(**kw, secondary_halflife=0.5).fit(hist, _births(["A"]))
    plain = CohortModel(**kw, secondary_halflife=None).fit(hist, _births(["A"]))
    sr = m.survival_history_
    sec = cohort.average_ratios(sr, 5, "weighted", halflife=0.5)
    np.testing.assert_allclose(m.survival_ratios_[:, 6:11], sec[:, 6:11], rtol=1e-12)
    # primary and staying-on transitions keep the main half-life
    np.testing.assert_allclose(m.survival_ratios_[:, :6], plain.survival_ratios_[:, :6], rtol=1e-12)
    np.testing.assert_allclose(
        m.survival_ratios_[:, 11:], plain.survival_ratios_[:, 11:], rtol=1e-12
    )
    assert not np.allclose(m.survival_ratios_[:, 6:11], plain.survival_ratios_[:, 6:11])
    with pytest.raises(ConfigError, match="secondary_shrinkage"):
        CohortModel(secondary_shrinkage=1.5).fit(hist, _births(["A"]))


def test_bootstrap_totals_seeded_ordered_and_centred():
    rng = np.random.default_rng(5)  # synthetic noisy history: test data only
    hist = pd.DataFrame(
        [
            {"area": a, "year": y, "ncy": g, "pupils": 100.0 * rng.uniform(0.97, 1.03)}
            for a in ("A", "B", "C")
            for y in range(2012, 2021)
            for g in range(0, 14)
        ]
    )
    m = CohortModel(downweight=None).fit(hist, _births(["A", "B", "C"]))
    q = m.bootstrap_totals(3, (0.1, 0.5, 0.9), draws=400, seed=1)
    assert set(q) == {"primary", "secondary", "sixth_form"}
    assert q["primary"].shape == (3, 3, 3)
    assert np.all(np.diff(q["primary"], axis=2) >= 0)
    again = m.bootstrap_totals(3, (0.1, 0.5, 0.9), draws=400, seed=1)
    np.testing.assert_array_equal(q["secondary"], again["secondary"])
    central = m.predict(3).phase_totals().query("kind == 'forecast' and phase == 'primary'")
    med = q["primary"][:, :, 1].ravel()
    np.testing.assert_allclose(med, central["pupils"].to_numpy(), rtol=0.02)
    # a history without year-to-year variation has nothing to resample
    steady = _dip_history().query("area == 'B'")
    flat = CohortModel(downweight=None).fit(steady, _births(["B"])).bootstrap_totals(2, (0.1, 0.9))
    np.testing.assert_allclose(flat["primary"][..., 0], flat["primary"][..., 1])


def _dip_history():
    """Synthetic (test only): A and B steady at 100; in 2020 A's Years 1-13 are 98 (a 2% loss)."""
    rows = [
        {
            "area": a,
            "year": y,
            "ncy": g,
            "pupils": 98.0 if (a == "A" and y == 2020 and g > 0) else 100.0,
        }
        for a in ("A", "B")
        for y in range(2015, 2021)
        for g in range(0, 14)
    ]
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    "pooled, fac_a, fac_b",
    [
        (True, 0.99**-0.5, 0.99**-0.5),  # pooled departure: (98 + 100) / (100 + 100)
        (False, 0.98**-0.5, 1.0),  # area by area
    ],
)
def test_rebound_returns_part_of_a_dropped_base_years_loss(pooled, fac_a, fac_b):
    kw = dict(
        window=3,
        method="mean",
        shrinkage=0.0,
        primary_drift=0.0,
        staying_on_drift=0.0,
        reception_drift=0.0,
        reception_combine=(),
        downweight={2020: 0.0},
        rebound=0.5,
        rebound_pooled=pooled,
    )
    m = CohortModel(**kw).fit(_dip_history(), _births(["A", "B"]))
    fc = m.predict(2).to_frame().query("kind == 'forecast'").set_index(["area", "year", "ncy"])
    p = fc["pupils"]
    # compulsory year groups: the cohort's 2020 departure half reverses in the first year...
    assert p[("A", 2021, 5)] == pytest.approx(98.0 * fac_a)
    assert p[("B", 2021, 5)] == pytest.approx(100.0 * fac_b)
    # ... once: the next year rolls on with the averaged ratio (1)
    assert p[("A", 2022, 6)] == pytest.approx(98.0 * fac_a)
    # Reception entered as expected (births x ratio 1): Year 1 has nothing to recover
    assert p[("A", 2021, 1)] == pytest.approx(100.0)
    # sixth form is not compulsory: no rebound on staying-on
    assert p[("A", 2021, 12)] == pytest.approx(98.0)
    # without a dropped base year there is nothing to rebound from
    plain = CohortModel(**{**kw, "downweight": None}).fit(_dip_history(), _births(["A", "B"]))
    np.testing.assert_array_equal(plain.rebound_, 1.0)
    none = CohortModel(**{**kw, "rebound": 0.0}).fit(_dip_history(), _births(["A", "B"]))
    np.testing.assert_array_equal(none.rebound_, 1.0)
    with pytest.raises(ConfigError, match="rebound"):
        CohortModel(**{**kw, "rebound": 1.5}).fit(_dip_history(), _births(["A", "B"]))


def test_eb_shrinkage_leaves_steady_areas_alone(tiny_pupils):
    # A (ratio 1), B (1.21) and C (0.81) are noise-free: empirical Bayes must not pool them,
    # whereas a fixed shrinkage pulls them towards the pooled ratio
    c = tiny_pupils[tiny_pupils["area"] == "A"].assign(area="C")
    c["pupils"] = 100.0 * 0.9 ** (c["year"] - 2015 + c["ncy"])
    hist = pd.concat([tiny_pupils, c], ignore_index=True)
    b = _births(["A", "B", "C"])
    eb = CohortModel(shrinkage=1.0, shrinkage_method="eb").fit(hist, b)
    np.testing.assert_allclose(eb.survival_ratios_[0], 1.0, rtol=1e-9)
    np.testing.assert_allclose(eb.survival_ratios_[1], 1.21, rtol=1e-9)
    np.testing.assert_allclose(eb.survival_ratios_[2], 0.81, rtol=1e-9)
    fixed = CohortModel(shrinkage=0.5, shrinkage_method="fixed", secondary_shrinkage=None).fit(
        hist, b
    )
    assert fixed.survival_ratios_[2, 0] > 0.81 and fixed.survival_ratios_[1, 0] < 1.21
    # noisy areas with the same mean ratio are pooled completely
    rng = np.random.default_rng(3)
    noisy = hist.copy()
    noisy["pupils"] = 100.0 * rng.uniform(0.9, 1.1, len(noisy))
    m = CohortModel(
        shrinkage=1.0,
        shrinkage_method="eb",
        window=5,
        method="mean",
        downweight=None,
        primary_drift=0.0,
    ).fit(noisy, b)
    assert (
        np.ptp(m.survival_ratios_, axis=0).max()
        < np.ptp(
            CohortModel(
                window=5, method="mean", downweight=None, shrinkage=0.0, secondary_shrinkage=0.0
            )
            .fit(noisy, b)
            .survival_ratios_,
            axis=0,
        ).max()
    )


def test_intervals_and_phase_totals(tiny_pupils):
    em = ErrorModel.from_errors(_errors(), "phase")
    m = CohortModel(**PLAIN, horizon=3, draws=500, seed=7).fit(tiny_pupils, _births(["A", "B"]))
    res = m.predict(error_model=em)
    fc = res.to_frame().query("kind == 'forecast'")
    assert (fc["pupils_lower_95"] <= fc["pupils_lower"] + 1e-9).all()
    assert (fc["pupils_lower"] <= fc["pupils"] + 1e-9).all()
    assert (fc["pupils"] <= fc["pupils_upper"] + 1e-9).all()
    assert (fc["pupils_upper"] <= fc["pupils_upper_95"] + 1e-9).all()
    # wider at longer horizons
    w = (fc["pupils_upper"] - fc["pupils_lower"]) / fc["pupils"]
    wy = w.groupby(fc["year"]).mean()
    assert wy.is_monotonic_increasing
    pt = res.phase_totals()
    assert list(pt.columns) == [
        "area",
        "phase",
        "year",
        "pupils",
        "pupils_lower",
        "pupils_upper",
        "kind",
    ]
    a21 = pt.query("area == 'A' and phase == 'primary' and year == 2021").iloc[0]
    assert a21["pupils"] == pytest.approx(700.0, rel=1e-9)
    assert a21["pupils_lower"] < 700 < a21["pupils_upper"]
    q9 = res.phase_totals(0.9).query("area == 'A' and phase == 'primary' and year == 2021").iloc[0]
    q1 = res.phase_totals(0.1).query("area == 'A' and phase == 'primary' and year == 2021").iloc[0]
    assert q1["pupils"] < 700 < q9["pupils"]
    # deterministic given the seed
    res2 = (
        CohortModel(**PLAIN, horizon=3, draws=500, seed=7)
        .fit(tiny_pupils, _births(["A", "B"]))
        .predict(error_model=em)
    )
    pd.testing.assert_frame_equal(res.phase_totals(0.9), res2.phase_totals(0.9))
    wide = res.to_frame(wide=True)
    assert 2023 in wide.columns and "ncy" in wide.columns
    assert "Pupil forecast" in res.summary()


@pytest.fixture(scope="module")
def worcs():
    from sufficiency.config import load_model
    from sufficiency.inputs import load_inputs

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        inputs = load_inputs(load_model("models/worcestershire.toml"))
        return inputs, run_forecast(inputs)


def test_run_forecast_worcestershire(worcs):
    inputs, res = worcs
    d = res.to_frame()
    assert set(d["area"]) == {a.code for a in inputs.config.areas}
    assert set(d["kind"]) == {"derived", "forecast"}  # history is derived, and says so
    assert res.base_year == 2022
    assert d.query("kind == 'forecast'")["year"].max() == 2032
    assert (d["pupils"] >= 0).all()
    # primary areas carry R-Y6 only, secondary areas Y7-Y13
    prim = d[d["area"] == "8850015"]
    assert set(prim["ncy"]) == set(range(0, 7))
    sec = d[d["area"] == "8850031"]
    assert set(sec["ncy"]) == set(range(7, 14))
    # births known to mid-2022 -> Reception 2026/27 observed, 2027/28 on projected births
    rec = prim[(prim["ncy"] == 0) & (prim["kind"] == "forecast")].set_index("year")[
        "births_projected"
    ]
    assert not rec.loc[2026] and rec.loc[2027]
    # housing: none in the public model, so the component is zero and a note says so
    assert (d["housing"] == 0).all()
    assert any("housing component is zero" in n for n in res.notes)
    assert res.coverage == (0.8, 0.95)


def test_worcester_city_year7_from_feeder_year6(worcs):
    inputs, res = worcs
    d = res.to_frame().set_index(["area", "year", "ncy"])["pupils"]
    y6 = d.loc[("8850015", 2022, 6)]
    y7 = d.loc[("8850031", 2023, 7)]
    assert 0.8 < y7 / y6 < 1.5  # Y6 -> Y7 ratio of a town's single feeder area


def test_pershore_tier_change(worcs):
    _, res = worcs
    d = res.to_frame().set_index(["area", "year", "ncy"])["tier"]
    assert d.loc[("8850025", 2026, 7)] == "middle"
    assert d.loc[("8850025", 2027, 7)] == "secondary"
    assert d.loc[("8850009", 2026, 5)] == "middle"
    assert d.loc[("8850009", 2027, 5)] == "primary"
    assert d.loc[("8850031", 2030, 9)] == "secondary"


def test_run_forecast_intervals_are_calibrated_not_degenerate(worcs):
    _, res = worcs
    pt = res.phase_totals()
    fc = pt[pt["kind"] == "forecast"]
    assert (fc["pupils_lower"] < fc["pupils"]).all() and (fc["pupils"] < fc["pupils_upper"]).all()
    hist = pt[pt["kind"] == "derived"]
    assert (hist["pupils_lower"] == hist["pupils"]).all()
    assert any("backtest" in p.note for p in res.provenance)


def test_run_forecast_rejects_unknown_override(worcs):
    inputs, _ = worcs
    with pytest.raises(ConfigError, match="unknown forecast parameter"):
        run_forecast(inputs, windoww=3)


def test_cli_forecast_writes_outputs(tmp_path, worcs):
    from sufficiency.cli import cli

    r = CliRunner().invoke(
        cli,
        ["-q", "forecast", "models/worcestershire.toml", "--out", str(tmp_path), "--horizon", "5"],
    )
    assert r.exit_code == 0, r.output
    assert "Worcester City" in r.output
    out = pd.read_csv(tmp_path / "forecast.csv", dtype={"area": str})
    assert out["year"].max() == 2027
    assert (tmp_path / "phase_totals.csv").exists() and (tmp_path / "notes.txt").exists()
    assert not list(tmp_path.glob(".*tmp*"))
    # the data's warnings are written with the forecast's (notes.txt had the forecast's only)
    warned = [
        ln for ln in (tmp_path / "notes.txt").read_text().splitlines() if ln.startswith("warning: ")
    ]
    assert sum("planning-area pupil history is derived" in ln for ln in warned) == 1, warned


def test_forecast_entry_point_subprocess(tmp_path):
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "sufficiency",
            "-q",
            "forecast",
            "models/worcestershire.toml",
            "--out",
            str(tmp_path),
            "--format",
            "json",
            "--horizon",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "forecast.json").stat().st_size > 1000


def test_housing_component_is_added(worcs):
    import dataclasses

    inputs, base = worcs
    housing = pd.DataFrame(
        {"area": ["8850015"], "year": [2024], "dwellings": [500.0], "source": ["test"]}
    )
    res = run_forecast(dataclasses.replace(inputs, housing=housing), horizon=4)
    d = res.to_frame().query("kind == 'forecast' and area == '8850015'").set_index(["year", "ncy"])
    # Derbyshire yields 20 primary pupils per 100 dwellings, 50% arrive in the completion year
    assert d.loc[2023, "housing"].sum() == pytest.approx(0.0)
    assert d.loc[2024, "housing"].sum() == pytest.approx(500 * 0.20 * 0.5)
    assert d.loc[2026, "housing"].sum() == pytest.approx(500 * 0.20)
    np.testing.assert_allclose(d["pupils"], d["cohort"] + d["housing"])
    b = base.to_frame().query("kind == 'forecast' and area == '8850015' and year <= 2026")
    np.testing.assert_allclose(d["cohort"].to_numpy(), b["pupils"].to_numpy())
    # the site's secondary (15) and sixth-form (6) pupils per 100 dwellings go where Worcester
    # City primary's Year 6 goes (all to Worcester City secondary), not lost (scenario trial)
    s = res.to_frame().query("kind == 'forecast' and area == '8850031'").set_index(["year", "ncy"])
    assert s.loc[2026, "housing"].sum() == pytest.approx(500 * (0.15 + 0.06))
    assert s.loc[(2026, 7), "housing"] == pytest.approx(500 * 0.15 / 5)
    assert any("counted in the secondary areas its Year 6 transfers to" in n for n in res.notes)


def test_supplied_births_projection_is_used_and_flagged(tiny_pupils):
    a = tiny_pupils[tiny_pupils["area"] == "A"]
    m = CohortModel(horizon=6).fit(a, _births(["A"], last=2016))
    proj = pd.DataFrame(
        {"area": ["A"] * 3, "year": [2017, 2018, 2019], "births": [50.0, 50.0, 50.0]}
    )
    fc = (
        m.predict(births=proj).to_frame().query("kind == 'forecast' and ncy == 0").set_index("year")
    )
    assert fc.loc[2021, "pupils"] == pytest.approx(50.0)  # births mid-2017 -> Reception 2021/22
    assert fc.loc[2021, "births_projected"]


def test_xlsx_output(tmp_path, worcs):
    from sufficiency.cli import cli

    r = CliRunner().invoke(
        cli,
        [
            "-q",
            "forecast",
            "models/worcestershire.toml",
            "--out",
            str(tmp_path),
            "--format",
            "xlsx",
            "--horizon",
            "2",
        ],
    )
    assert r.exit_code == 0, r.output
    x = pd.read_excel(tmp_path / "phase_totals.xlsx")
    assert {"area", "phase", "year", "pupils"} <= set(x.columns)
    # determinism: a second run (a second later) writes byte-identical workbooks
    first = {p.name: p.read_bytes() for p in tmp_path.glob("*.xlsx")}
    time.sleep(1.1)
    again = tmp_path / "again"
    r = CliRunner().invoke(
        cli,
        [
            "-q",
            "forecast",
            "models/worcestershire.toml",
            "--out",
            str(again),
            "--format",
            "xlsx",
            "--horizon",
            "2",
        ],
    )
    assert r.exit_code == 0, r.output
    assert first and first == {p.name: p.read_bytes() for p in again.glob("*.xlsx")}


def test_bad_history_is_a_clear_error(tiny_pupils):
    from sufficiency.exceptions import SchemaError

    dup = pd.concat([tiny_pupils, tiny_pupils.head(1)])
    with pytest.raises(SchemaError, match=r"column 'area/year/ncy': duplicate key"):
        CohortModel().fit(dup, _births(["A", "B"]))
    neg = tiny_pupils.copy()
    neg.loc[3, "pupils"] = -5
    with pytest.raises(SchemaError, match="column 'pupils'"):
        CohortModel().fit(neg, _births(["A", "B"]))


def test_cli_forecast_is_byte_identical(tmp_path, worcs):
    from sufficiency.cli import cli

    outs = []
    for k in (1, 2):
        d = tmp_path / str(k)
        r = CliRunner().invoke(
            cli, ["-q", "forecast", "models/worcestershire.toml", "--out", str(d), "--horizon", "3"]
        )
        assert r.exit_code == 0, r.output
        outs.append(((d / "forecast.csv").read_bytes(), (d / "phase_totals.csv").read_bytes()))
    assert outs[0] == outs[1]


def test_phase_totals_equal_sum_of_cells(worcs):
    import dataclasses

    _, res = worcs
    fast = res.phase_totals()
    slow = dataclasses.replace(res, totals=None).phase_totals()
    pd.testing.assert_frame_equal(fast, slow)
    d = res.to_frame()
    y7_13 = d.query("area == '8850031' and year == 2030 and ncy >= 7 and ncy <= 11")["pupils"].sum()
    row = fast.query("area == '8850031' and phase == 'secondary' and year == 2030").iloc[0]
    assert row["pupils"] == pytest.approx(y7_13)


def test_observed_area_history_calibrates_on_the_areas(worcs):
    """With observed (not derived) planning-area history, intervals come from the areas' own backtest."""
    import dataclasses

    from sufficiency.config import DataSource

    inputs, _ = worcs
    # as if the areas' history came from a school-level census extract (kind and reader)
    cfg = dataclasses.replace(
        inputs.config,
        data={
            **inputs.config.data,
            "pupils_by_area": DataSource("pupils_by_area", inputs.config.path, "school_census"),
        },
    )
    observed = dataclasses.replace(inputs, config=cfg, pupils=inputs.pupils.assign(kind="actual"))
    assert not observed.derived
    res = run_forecast(observed, horizon=3)
    assert any("33 planning areas" in p.note for p in res.provenance)
    fc = res.phase_totals().query("kind == 'forecast'")
    assert (fc["pupils_lower"] < fc["pupils_upper"]).all()
    assert set(res.to_frame()["kind"]) == {"actual", "forecast"}
