"""Intervals widened for an area's size: the noise a cohort has of its own (synthetic data,
except where the published files are named)."""

import numpy as np
import pandas as pd
import pytest

from sufficiency.forecast import CohortModel
from sufficiency.uncertainty import (
    DEFAULT_SIZE_NOISE,
    ErrorModel,
    SizeNoise,
    estimate_size_noise,
    noise_years,
)


def _history(phi, sizes, years=range(2011, 2023), seed=1):
    """Synthetic census: each area's cohorts survive with ratio 1 x a shock shared by every
    area that year x the area's own noise, variance phi / n on a log scale."""
    rng = np.random.default_rng(seed)
    years = list(years)
    rows = []
    shared = rng.normal(0, 0.005, size=(len(years), 15))
    for a, size in enumerate(sizes):
        level = rng.normal(0, 0.01, size=15)  # the area's own ratio level
        cohort = {g: float(size) for g in range(0, 15)}
        for t, y in enumerate(years):
            if t:
                new = {0: float(size)}
                for g in range(1, 15):
                    n = cohort[g - 1]
                    eps = rng.normal(0, np.sqrt(phi / n))
                    new[g] = n * np.exp(level[g] + shared[t, g] + eps)
                cohort = new
            rows += [(f"A{a:02d}", y, g, cohort[g]) for g in range(0, 15)]
    return pd.DataFrame(rows, columns=["area", "year", "ncy", "pupils"])


def test_estimate_is_unbiased_over_many_histories():
    """Averaged over 40 synthetic histories of 14 areas the size of the West Midlands
    authorities' year groups, the measured noise is the noise given, within 5% (a Huber fit
    of the variances read 9% low here: it down-weights their long upper tail)."""
    sizes = np.geomspace(1800, 15000, 14)
    got = [estimate_size_noise(_history(0.06, sizes, seed=s)).phi for s in range(40)]
    assert np.mean(got) == pytest.approx(0.06, rel=0.05)


def test_one_off_events_are_left_out():
    """A school closing in one area (a fifth of one year group's cohort gone one year) sends
    least squares wild; the two yearly ratios it touches are left out as beyond chance, and
    the source says so."""
    sizes = np.geomspace(1800, 15000, 14)
    h = _history(0.06, sizes, seed=2)
    clean = estimate_size_noise(h)
    hit = (h["area"] == "A13") & (h["year"] == 2016) & (h["ncy"] == 4)
    shocked = estimate_size_noise(h.assign(pupils=np.where(hit, h["pupils"] * 0.8, h["pupils"])))
    assert shocked.phi == pytest.approx(clean.phi, rel=0.1)
    assert "left out as one-off events" in shocked.source


@pytest.mark.parametrize("phi", [0.02, 0.1])
def test_estimate_recovers_the_noise_it_was_given(phi):
    sizes = np.geomspace(150, 8000, 20)
    est = estimate_size_noise(_history(phi, sizes))
    assert est.phi == pytest.approx(phi, rel=0.3)
    assert est.n == 20 * 10
    assert "20 areas" in est.source


def test_estimate_without_own_noise_is_near_zero():
    est = estimate_size_noise(_history(0.0, np.geomspace(150, 8000, 20)))
    assert est.phi < 0.005


def test_estimate_needs_areas_and_years():
    h = _history(0.05, np.geomspace(150, 8000, 4))
    assert estimate_size_noise(h) is None  # 4 areas < 5
    h = _history(0.05, np.geomspace(150, 8000, 8), years=range(2011, 2014))
    assert estimate_size_noise(h) is None  # 2 transitions < 3
    assert SizeNoise.fallback().phi == DEFAULT_SIZE_NOISE


def test_excluded_years_are_left_out():
    """A year in which the small areas lose a tenth of their pupils: excluded, the estimate is
    the clean one; included, its ratios are caught as one-off events."""
    h = _history(0.05, np.geomspace(150, 8000, 12))
    small = h["area"].isin(["A00", "A01", "A02"]) & (h["year"] == 2020) & (h["ncy"] > 0)
    hurt = h.assign(pupils=np.where(small, h["pupils"] * 0.9, h["pupils"]))
    clean = estimate_size_noise(h, exclude_years=(2020, 2021)).phi
    assert estimate_size_noise(hurt, exclude_years=(2020, 2021)).phi == pytest.approx(
        clean, rel=1e-9
    )
    caught = estimate_size_noise(hurt)
    assert "left out as one-off events" in caught.source
    assert caught.phi == pytest.approx(clean, rel=0.25)


def test_noise_on_the_published_census(data_dir):
    """On the 14 West Midlands authorities the measured noise is the documented fallback."""
    from sufficiency.backtest import load_authority_data

    pupils, _, _ = load_authority_data(data_dir / "census_pupils_by_ncy_2011_2022.csv", None, None)
    est = estimate_size_noise(pupils, exclude_years=(2020,))
    assert est.phi == pytest.approx(DEFAULT_SIZE_NOISE, abs=0.0005)
    assert est.phi > 3 * est.se  # clearly not zero


def test_noise_years():
    np.testing.assert_allclose(
        noise_years([1, 2, 3, 7, 10], range(0, 7)), [1, 13 / 7, 18 / 7, 4, 4]
    )
    np.testing.assert_allclose(noise_years([1, 3, 9], range(7, 12)), [1, 3, 8.8])  # Y7 at 8 years


def _error_model(sizes=(20000.0, 30000.0)):
    rng = np.random.default_rng(0)
    rows = []
    for h in (1, 2, 3):
        e = rng.normal(0, 0.005 * np.sqrt(h), 200)
        rows.append(
            pd.DataFrame(
                {"phase": "primary", "horizon": h, "pct_error": e, "actual": rng.choice(sizes, 200)}
            )
        )
    return ErrorModel.from_errors(pd.concat(rows), "phase", pool=())


def test_size_scale_widens_small_areas_only():
    em = _error_model()
    noise = SizeNoise(0.06)
    hs = np.array([1, 2, 3])
    inv = 1.0 / np.array([[100.0] * 3, [2000.0] * 3, [24000.0] * 3, [1e6] * 3])
    k = em.size_scale("primary", hs, inv, noise_years(hs, range(0, 7)), noise)
    assert (k[0] > k[1]).all() and (k[1] > 1.05).all()
    np.testing.assert_array_equal(k[3], 1.0)  # larger than the calibration areas: unchanged
    assert k[2] == pytest.approx(np.ones(3), abs=0.01)
    # by hand at horizon 1: sd of log errors, extra variance phi / n
    q = em.error_quantiles("primary", [1])[0]
    grid = np.linspace(0, 1, 201)
    sd = (np.log1p(np.interp(0.9, grid, q)) - np.log1p(np.interp(0.1, grid, q))) / (
        2 * 1.2815515655446004
    )
    ref = em.inv_size.loc[("primary", 1)]
    assert k[0, 0] == pytest.approx(np.sqrt(1 + 0.06 * (1 / 100 - ref) / sd**2), rel=1e-9)
    # nothing to scale with
    np.testing.assert_array_equal(em.size_scale("primary", hs, inv, np.ones(3), None), 1.0)
    no_sizes = ErrorModel.from_errors(
        pd.DataFrame({"phase": "primary", "horizon": 1, "pct_error": [0.01, -0.01] * 10}), "phase"
    )
    np.testing.assert_array_equal(no_sizes.size_scale("primary", [1], inv[:, :1], [1], noise), 1.0)


def test_predict_widens_the_small_areas_intervals():
    hist = _history(0.05, [300, 300, 20000, 20000, 20000], seed=4)
    model = CohortModel(horizon=5).fit(hist)
    em = _error_model()
    plain = model.predict(error_model=em)
    sized = model.predict(error_model=em, size_noise=SizeNoise(0.06))

    def rel_width(res):
        pt = res.phase_totals()
        pt = pt[(pt["kind"] == "forecast") & (pt["phase"] == "primary")]
        return ((pt["pupils_upper"] - pt["pupils_lower"]) / pt["pupils"]).groupby(pt["area"]).mean()

    wp, ws = rel_width(plain), rel_width(sized)
    assert wp["A00"] == pytest.approx(wp["A04"], rel=1e-9)  # without: the same relative width
    assert ws["A00"] > 1.2 * wp["A00"]
    assert ws["A04"] == pytest.approx(wp["A04"], rel=1e-9)
    # central forecasts untouched; cell intervals widened too, and still contain the centre
    d0, d1 = plain.to_frame(), sized.to_frame()
    np.testing.assert_array_equal(d0["pupils"], d1["pupils"])
    f = d1["kind"] == "forecast"
    small = f & (d1["area"] == "A00") & (d1["ncy"] == 3)
    assert (
        (d1["pupils_upper"] - d1["pupils_lower"])[small]
        > (d0["pupils_upper"] - d0["pupils_lower"])[small]
    ).all()
    assert (d1.loc[f, "pupils_lower"] <= d1.loc[f, "pupils"]).all()
    assert (d1.loc[f, "pupils_upper"] >= d1.loc[f, "pupils"]).all()
    # a quantile from the draws is consistent with the interval (q = 0.1 is the lower bound)
    q10 = sized.phase_totals(q=0.1)
    pt = sized.phase_totals()
    np.testing.assert_allclose(q10["pupils"], pt["pupils_lower"], rtol=1e-9)


def test_backtest_widens_small_authorities(tmp_path):
    from sufficiency.backtest import backtest

    hist = _history(0.05, [400, 500, 20000, 25000, 30000, 35000], seed=5)
    res = backtest(hist, None, origins=[2019, 2021], horizons=[1]).data
    w = ((res["upper80"] - res["lower80"]) / res["forecast"]).groupby(res["area"]).mean()
    assert w["A00"] > 1.3 * w["A05"]
    assert w["A02"] == pytest.approx(w["A05"], rel=0.02)


def test_worcestershire_planning_areas_get_their_size(inputs, core_pipeline):
    """The embedded model: the noise is measured on the 14 authorities in the census file,
    the smallest planning area's one-year range is wider (relative to its forecast) than the
    largest's, and the report's assumptions say what was used."""
    from sufficiency.report.build import _assumptions_table as assumptions_table

    res = core_pipeline[0]["forecast"]  # run_forecast(inputs), run once for the session
    assert res.size_noise.phi == pytest.approx(DEFAULT_SIZE_NOISE, abs=0.0005)
    assert "14 areas" in res.size_noise.source
    assert any("widened for areas smaller" in n for n in res.notes)
    pt = res.phase_totals()
    one = pt[(pt["year"] == res.base_year + 1) & (pt["phase"] == "primary")]
    rel = (one["pupils_upper"] - one["pupils_lower"]) / one["pupils"]
    small, large = one["pupils"].idxmin(), one["pupils"].idxmax()
    assert rel[small] > 1.5 * rel[large]
    table = assumptions_table(inputs, res)
    row = table[table["assumption"].str.contains("noise of an area's own")]
    assert len(row) == 1 and f"{DEFAULT_SIZE_NOISE:.3f}" in row["value"].iloc[0]


def test_backtest_size_noise_sees_only_data_up_to_each_origin(monkeypatch):
    """No peeking: at each origin the noise is measured on pupils up to that origin."""
    import sufficiency.backtest as bt

    seen = []
    real = bt.estimate_size_noise

    def spy(history, **kw):
        seen.append(int(history["year"].max()))
        return real(history, **kw)

    monkeypatch.setattr(bt, "estimate_size_noise", spy)
    hist = _history(0.05, [400, 500, 20000, 25000, 30000, 35000], seed=5)
    bt.backtest(hist, None, origins=[2016, 2019, 2021], horizons=[1])
    assert sorted(set(seen)) == [2016, 2019, 2021]


def test_backtest_without_a_measure_has_no_size_term():
    """Where the noise cannot be measured at an origin (too few years), the backtest uses no
    size term rather than the fallback measured on later data."""
    from sufficiency.backtest import backtest

    hist = _history(0.05, [400, 500, 20000, 25000, 30000, 35000], years=range(2011, 2016), seed=5)
    res = backtest(hist, None, origins=[2013], horizons=[1]).data  # 2 transitions: no measure
    w = ((res["upper80"] - res["lower80"]) / res["forecast"]).groupby(res["area"]).mean()
    assert w["A00"] == pytest.approx(w["A05"], rel=1e-6)


def test_exclusion_settles_when_one_series_swings(caplog):
    """A pair whose every year swings by +-2-20% (the reviewer's oscillation case): ratios
    once left out stay out, so the estimate settles instead of flipping pass by pass, and the
    count left out matches the fit."""
    sizes = np.geomspace(1800, 15000, 14)
    h = _history(0.06, sizes, seed=7)
    swing = (h["area"] == "A05") & (h["ncy"] == 3)
    factor = np.where(h["year"] % 2 == 0, 1.2, 0.98)
    est = estimate_size_noise(h.assign(pupils=np.where(swing, h["pupils"] * factor, h["pupils"])))
    assert "did not settle" not in caplog.text
    assert 0.03 < est.phi < 0.1
    assert "left out as one-off events" in est.source


def test_calibration_falls_back_when_the_history_shows_no_noise(caplog, monkeypatch):
    """Measured 0 (the history cannot see it) is not taken as no noise: the fallback is used,
    with a warning and a source that says so; a positive measure is used as it is."""
    from types import SimpleNamespace

    import sufficiency.backtest as bt

    calib = bt.CalibrationHistory(
        _history(0.05, np.geomspace(150, 8000, 8)), None, None, None, "authorit"
    )
    monkeypatch.setattr(
        bt, "estimate_size_noise", lambda *a, **k: SizeNoise(0.0, 0.01, 70, "8 areas")
    )
    noise = bt.calibration_size_noise(SimpleNamespace(), {"downweight": {}}, history=calib)
    assert noise.phi == DEFAULT_SIZE_NOISE
    assert "measured 0 on 8 areas" in noise.source and "shows none" in caplog.text
    monkeypatch.setattr(
        bt, "estimate_size_noise", lambda *a, **k: SizeNoise(0.03, 0.01, 70, "8 areas")
    )
    assert bt.calibration_size_noise(SimpleNamespace(), {}, history=calib).phi == 0.03
