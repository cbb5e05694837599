"""The SEND 80% ranges: each age band from its own backtest errors (default since 29 November
2026), measured on the 14 West Midlands authorities by ``docs/send_interval_check.py``.

Before, one sd pooled over the bands unweighted was applied to every band, so the two small
noisy bands (0 to 4, 20 to 25) set the range of the large ones: 99% / 95% / 100% of a nominal 80%,
median half-width 23% / 29% / 38%, and Solihull's 2034/35 total 233-4,105 around 977.
Real data only (data/)."""

from __future__ import annotations

import importlib.util
import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from conftest import new_model

from sufficiency import ConfigError, load_inputs, load_model
from sufficiency.send import (
    INTERVAL_METHODS,
    backtest_send,
    combine_band_ranges,
    forecast_send,
    interval_sds,
    totals_by_year,
)

ROOT = Path(__file__).resolve().parents[1]
DOC = " ".join((ROOT / "docs" / "send_early_years.md").read_text(encoding="utf-8").split())


def _check_module():
    spec = importlib.util.spec_from_file_location(
        "send_interval_check", ROOT / "docs" / "send_interval_check.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def measured():
    """The measurement table of docs/send_interval_check.py (~3 s)."""
    mod = _check_module()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = mod.measure(ROOT / "data")
    return mod.table(m).set_index(["method", "horizon"])


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


@pytest.fixture(scope="module")
def worcs():
    return _quiet(load_inputs, load_model(ROOT / "models" / "worcestershire.toml"))


def _total_2034(inputs, method):
    r = _quiet(forecast_send, inputs, interval_method=method)
    tot = totals_by_year(r.to_frame(), r.config["scenario"])[5]
    return tot.loc[2034]


def test_default_is_calibrated_on_every_rolling_origin(measured):
    # every horizon within 75-90% of a nominal 80%; the pooled method over-covered
    for h in (1, 2, 3):
        assert 75 <= measured.loc[("band", h), "coverage"] <= 90, h
        assert measured.loc[("pooled", h), "coverage"] > 90, h
    assert list(measured.loc["band", "n"]) == [70, 56, 42]


def test_default_is_the_narrowest_calibrated_method(measured):
    calibrated = [
        m
        for m in INTERVAL_METHODS
        if all(75 <= measured.loc[(m, h), "coverage"] <= 90 for h in (1, 2, 3))
    ]
    assert calibrated == ["band"]
    for h in (1, 2, 3):
        band = measured.loc[("band", h), "median_half_width"]
        assert band < 0.65 * measured.loc[("pooled", h), "median_half_width"], h


def test_doc_table_is_the_measurement(measured):
    rows = re.findall(
        r"\| [^|`]*`(\w+)`[^|]*\| (\d+)% / (\d+)% / (\d+)% \| (\d+)% / (\d+)% / (\d+)% \|", DOC
    )
    seen = {}
    for method, *nums in rows:
        if method in INTERVAL_METHODS:
            seen[method] = [int(x) for x in nums]
    assert set(seen) == set(INTERVAL_METHODS)
    for method, nums in seen.items():
        cov = [round(measured.loc[(method, h), "coverage"]) for h in (1, 2, 3)]
        hw = [round(measured.loc[(method, h), "median_half_width"]) for h in (1, 2, 3)]
        assert nums == cov + hw, method


def test_worcestershire_2034_range_is_narrower_and_holds_the_central_value(worcs):
    new, old = _total_2034(worcs, "band"), _total_2034(worcs, "pooled")
    assert new["places"] == pytest.approx(old["places"])
    assert old["lower"] < new["lower"] < new["places"] < new["upper"] < old["upper"]
    # 3,086 (1,702-5,757); before 1,366-6,974
    assert f"{new['places']:,.0f} ({new['lower']:,.0f}-{new['upper']:,.0f})" in (
        "3,086 (1,702-5,757)"
    )
    assert "1,366-6,974" in DOC and "1,702-5,757" in DOC


def test_solihull_2034_range_is_much_narrower(tmp_path):
    inputs = _quiet(load_inputs, load_model(new_model(tmp_path, "E08000029", "solihull")))
    new, old = _total_2034(inputs, "band"), _total_2034(inputs, "pooled")
    assert f"{old['lower']:,.0f}-{old['upper']:,.0f}" == "233-4,105"
    assert f"{new['places']:,.0f} ({new['lower']:,.0f}-{new['upper']:,.0f})" == ("977 (578-2,134)")


def test_every_range_holds_its_central_value_and_repeats(worcs):
    a = _quiet(forecast_send, worcs)
    b = _quiet(forecast_send, worcs)
    fa, fb = a.to_frame(), b.to_frame()
    assert fa.equals(fb)
    assert (fa["places_lower"] <= fa["places"] + 1e-9).all()
    assert (fa["places"] <= fa["places_upper"] + 1e-9).all()
    p = a.plans
    assert (p["plans_lower"] <= p["plans"] + 1e-9).all()
    assert (p["plans"] <= p["plans_upper"] + 1e-9).all()
    assert a.config["interval_method"] == "band"
    by_band = a.config["interval_sd_by_band"]
    assert list(by_band) == ["0 to 4", "5 to 10", "11 to 15", "16 to 19", "20 to 25"]
    # the small bands' errors are their own, not the secondary-age band's
    assert by_band["0 to 4"][0] > 1.5 * by_band["11 to 15"][0]
    note = next(n for n in a.notes if n.startswith("Intervals: 80%"))
    assert "each age group's range from its own errors" in note
    assert "ages 0 to 4" in note and "errors of one age group's plans" in note


def test_band_ranges_grow_with_the_horizon(worcs):
    r = _quiet(forecast_send, worcs)
    f = r.plans[(r.plans["kind"] == "forecast") & (r.plans["scenario"] == "trend")]
    for _, g in f.groupby("band"):
        w = np.log(g.sort_values("year")["plans_upper"] / g.sort_values("year")["plans"])
        assert (np.diff(w.to_numpy()) >= -1e-12).all()


def test_old_method_is_still_selectable_and_named(worcs):
    old = _quiet(forecast_send, worcs, interval_method="pooled")
    assert old.config["interval_sd"] == pytest.approx((0.167, 0.254, 0.348), abs=5e-4)
    with pytest.raises(ConfigError, match="interval_method='quadrature'"):
        forecast_send(worcs, interval_method="quadrature")
    bt_level = _quiet(
        backtest_send, ROOT / "data", authorities=["E10000034"], interval_level="band"
    )
    bt_method = _quiet(
        backtest_send, ROOT / "data", authorities=["E10000034"], interval_method="pooled"
    )
    assert bt_level.equals(bt_method)
    with pytest.raises(ConfigError, match="interval_method = 'nope'"):
        backtest_send(ROOT / "data", interval_method="nope")


def test_combining_ranges():
    plans, sd = np.array([100.0, 300.0]), np.array([0.2, 0.1])
    lo, hi = combine_band_ranges(plans, sd, 1.0)
    assert lo == pytest.approx(np.sum(plans * np.exp(-1.2815515655446004 * sd)))
    lo0, hi0 = combine_band_ranges(plans, sd, 0.0)
    assert lo < lo0 < 400 < hi0 < hi


def test_interval_sds_needs_one_year_errors():
    import pandas as pd

    with pytest.raises(ValueError):
        interval_sds(pd.DataFrame(columns=["origin", "step", "band", "e", "plans", "forecast"]))
