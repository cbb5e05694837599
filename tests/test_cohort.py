"""Hand-worked cases and invariants of the cohort-survival functions (synthetic data only)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sufficiency import cohort
from sufficiency.exceptions import ConfigError
from sufficiency.housing import housing_pupils, housing_settings

TOL = 1e-9  # same as conftest.TOL


def test_history_cube_pivots_and_marks_missing(tiny_pupils):
    cube = cohort.history_cube(tiny_pupils, ["A", "B", "C"], [2015, 2016], [0, 1])
    assert cube.shape == (3, 2, 2)
    assert cube[0, 0, 0] == pytest.approx(100.0)
    assert cube[1, 1, 1] == pytest.approx(100 * 1.1**2)
    assert np.isnan(cube[2]).all()


def test_ratio_one_shifts_cohorts_unchanged():
    base = np.array([[10.0, 20.0, 30.0, 40.0]])
    ratios = np.ones((1, 3))
    rec = np.array([[5.0, 6.0]])
    out = cohort.roll_forward(base, ratios, rec)
    np.testing.assert_allclose(out[0, 0], [5, 10, 20, 30])
    np.testing.assert_allclose(out[0, 1], [6, 5, 10, 20])


def test_survival_ratios_hand_worked_with_transfer():
    # areas: P1, P2 (primary, Y6 at g=1 of a 3-group toy), S (secondary, receives at g=2)
    cube = np.zeros((3, 2, 3))
    cube[0, 0, 1] = 100  # P1 "Y6"
    cube[1, 0, 1] = 50  # P2 "Y6"
    cube[2, 1, 2] = 165  # S "Y7" next year
    T = np.zeros((3, 3))
    T[0, 2] = 1.0
    T[1, 2] = 0.5  # half of P2 goes to S
    r = cohort.survival_ratios(cube, T, transfer_g=1)
    assert r.shape == (3, 1, 2)
    assert r[2, 0, 1] == pytest.approx(165 / (100 + 25))
    assert np.isnan(r[0, 0, 1])  # P1 receives nobody at the transfer


def test_roll_forward_with_transfer_moves_year6():
    base = np.array([[0.0, 100.0, 0.0], [0.0, 0.0, 0.0]])  # P has 100 in transfer group
    T = np.array([[0.0, 1.0], [0.0, 0.0]])
    ratios = np.array([[1.0, 1.0], [1.0, 1.1]])
    out = cohort.roll_forward(base, ratios, np.zeros((2, 1)), T, transfer_g=1)
    assert out[1, 0, 2] == pytest.approx(110.0)
    assert out[0, 0, 2] == pytest.approx(0.0)


def test_average_methods():
    r = np.array([[1.0, 1.0, 1.3, 1.0, 1.0]])[:, :, None]  # one outlier year
    assert cohort.average_ratios(r, 5, "mean")[0, 0] == pytest.approx(1.06)
    assert cohort.average_ratios(r, 5, "median")[0, 0] == pytest.approx(1.0)
    assert cohort.average_ratios(r, 5, "trimmed")[0, 0] == pytest.approx(1.0)
    # window keeps only the last 2
    assert cohort.average_ratios(r, 2, "mean")[0, 0] == pytest.approx(1.0)
    # recency weights: last value counts most
    r2 = np.array([[1.0, 2.0]])[:, :, None]
    w = cohort.average_ratios(r2, 2, "weighted", halflife=1.0)[0, 0]
    assert w == pytest.approx((1.0 * 0.5 + 2.0 * 1.0) / 1.5)
    # a year weight of 0 removes that year
    assert cohort.average_ratios(r, 5, "mean", weights=np.array([1, 1, 0, 1, 1]))[
        0, 0
    ] == pytest.approx(1.0)
    with pytest.raises(ConfigError):
        cohort.average_ratios(r, 3, "mode")


def test_average_skips_missing_and_shrinks_towards_pool():
    r = np.array([[1.0, np.nan, 1.2], [1.0, 1.0, 1.0]])[:, :, None]
    own = cohort.average_ratios(r, 2, "mean")
    assert own[0, 0] == pytest.approx(1.1)  # the NaN is skipped, window counts observed values
    sh = cohort.average_ratios(r, 2, "mean", shrinkage=0.5, size=np.array([[1.0], [1.0]]))
    pooled = (1.1 + 1.0) / 2
    assert sh[0, 0] == pytest.approx(0.5 * 1.1 + 0.5 * pooled)


def test_eb_shrinkage_hand_worked():
    # A noisy around 1.2; B and C steady at 1.3 and 0.9 (no noise: never shrunk)
    r = np.array([[1.1, 1.3, 1.1, 1.3], [1.3] * 4, [0.9] * 4])[:, :, None]
    out = cohort.average_ratios(r, 4, "mean", shrinkage=1.0, shrinkage_method="eb")
    # v_A = var([1.1, 1.3, 1.1, 1.3], ddof=1) / 4 = 1/300; pooled = 3.4 / 3;
    # between = mean of squared deviations from pooled; tau2 = between - mean(v)
    v = 0.04 / 3 / 4
    pooled = 3.4 / 3
    between = ((1.2 - pooled) ** 2 + (1.3 - pooled) ** 2 + (0.9 - pooled) ** 2) / 3
    b = v / (v + between - v / 3)
    assert b == pytest.approx(0.107142857, rel=1e-6)
    np.testing.assert_allclose(out[:, 0], [1.2 - b * (1.2 - pooled), 1.3, 0.9], atol=TOL)
    half = cohort.average_ratios(r, 4, "mean", shrinkage=0.5, shrinkage_method="eb")
    assert half[0, 0] == pytest.approx(1.2 - 0.5 * b * (1.2 - pooled))


def test_eb_shrinkage_pools_fully_when_areas_differ_less_than_noise():
    # means 1.1, 1.15, 1.05: their spread (1/600) is below the noise of each mean (1/300)
    base = np.array([1.0, 1.2, 1.0, 1.2])
    r = np.stack([base, base + 0.05, base - 0.05])[:, :, None]
    out = cohort.average_ratios(r, 4, "mean", shrinkage=1.0, shrinkage_method="eb")
    np.testing.assert_allclose(out[:, 0], 1.1, atol=TOL)
    # steady but different areas keep their own ratios
    steady = np.array([[1.0] * 4, [1.1] * 4, [1.2] * 4])[:, :, None]
    out = cohort.average_ratios(steady, 4, "mean", shrinkage=1.0, shrinkage_method="eb")
    np.testing.assert_allclose(out[:, 0], [1.0, 1.1, 1.2], atol=TOL)
    with pytest.raises(ConfigError):
        cohort.average_ratios(r, 4, "mean", shrinkage=1.0, shrinkage_method="bayes")


def test_combined_average_is_the_mean_of_its_members():
    r = np.array([[1.0, 1.1, 1.2, 1.0, 1.4]])[:, :, None]
    w5 = cohort.average_ratios(r, 5, "weighted")
    m3 = cohort.average_ratios(r, 3, "mean")
    assert m3[0, 0] == pytest.approx(1.2)
    out = cohort.combined_average(r, ((5, "weighted"), (3, "mean")))
    assert out[0, 0] == pytest.approx((w5[0, 0] + 1.2) / 2)
    # a member's own halflife (third item) overrides the shared one
    out2 = cohort.combined_average(r, ((5, "weighted", 2.0),), halflife=1.0)
    assert out2[0, 0] == pytest.approx(cohort.average_ratios(r, 5, "weighted", 2.0)[0, 0])
    with pytest.raises(ConfigError):
        cohort.combined_average(r, ())


def test_pooled_drift_measures_the_given_average():
    # ratios rising 0.01 a year: a 3-year mean lags the next value by 0.02, the last value by 0.01
    r = np.tile(np.linspace(1.0, 1.09, 10), (2, 1))[:, :, None]
    d_mean = cohort.pooled_drift(r, 3, "mean", lookback=3)
    assert d_mean[0] == pytest.approx(0.02)
    d_last = cohort.pooled_drift(
        r, 3, "mean", lookback=3, average=lambda x: cohort.average_ratios(x, 1, "mean")
    )
    assert d_last[0] == pytest.approx(0.01)


def test_trend_adjustment_continues_a_line():
    r = np.array([[1.00, 1.01, 1.02, 1.03, 1.04]])
    mean = r[0, -3:].mean()
    adj = cohort.trend_adjustment(r, 3, 1.0, 2)
    # undamped: from the window centre (1.03) one and two years past the last (1.04)
    np.testing.assert_allclose(mean + adj[0], [1.05, 1.06], atol=TOL)
    assert np.all(cohort.trend_adjustment(r, 3, 0.0, 2) == 0)


def test_project_series_methods():
    v = np.array([[100.0, 100.0, 100.0, 100.0, 100.0, 100.0, 100.0, 100.0]])
    np.testing.assert_allclose(cohort.project_series(v, 3, "flat"), [[100, 100, 100]])
    lin = np.array([[100.0, 90, 80, 70, 60, 50]])
    d = cohort.project_series(lin, 2, "drift", damping=1.0)
    np.testing.assert_allclose(d, [[40, 30]])
    h = cohort.project_series(np.array([np.arange(100.0, 120.0)]), 3, "holt_damped")
    assert np.all(h >= 119) and np.all(np.diff(h[0]) >= 0)
    assert np.all(cohort.project_series(np.array([[10.0, 5.0, 1.0]]), 5, "drift") >= 0)


@settings(max_examples=40, deadline=None)
@given(
    base=st.lists(st.floats(0, 1000), min_size=5, max_size=5),
    ratios=st.lists(st.floats(0, 2), min_size=4, max_size=4),
    rec=st.lists(st.floats(0, 1000), min_size=3, max_size=3),
)
def test_roll_forward_invariants(base, ratios, rec):
    out = cohort.roll_forward(np.array([base]), np.array([ratios]), np.array([rec]))
    assert np.all(out >= 0)
    # the cohort in year group g at step 1 is base[g-1] x ratio
    np.testing.assert_allclose(out[0, 0, 1:], np.array(base[:-1]) * np.array(ratios), rtol=1e-12)
    np.testing.assert_allclose(out[0, :, 0], rec)


def test_housing_pupils_hand_worked():
    h = pd.DataFrame({"area": ["A"], "year": [2024], "dwellings": [100.0]})
    out = housing_pupils(
        h,
        ["A", "B"],
        [2023, 2024, 2025, 2026],
        list(range(0, 14)),
        {"primary": 28.0, "secondary": 14.0, "sixth_form": 0.0},
        (0.5, 0.5),
    )
    prim = out[0, :, 0:7].sum(axis=1)
    np.testing.assert_allclose(prim, [0, 14, 28, 28])
    np.testing.assert_allclose(out[0, :, 7:12].sum(axis=1), [0, 7, 14, 14])
    assert out[1].sum() == 0
    assert housing_pupils(None, ["A"], [2024], [0]).sum() == 0
    # routed: primary area A's secondary pupils go 60/40 to B and C; B's own dwellings stay
    h2 = pd.DataFrame({"area": ["A", "B"], "year": [2024, 2024], "dwellings": [100.0, 50.0]})
    r = housing_pupils(
        h2,
        ["A", "B", "C"],
        [2024, 2025],
        list(range(0, 14)),
        {"primary": 28.0, "secondary": 14.0, "sixth_form": 4.0},
        (1.0,),
        route={"A": {"B": 0.6, "C": 0.4}},
    )
    np.testing.assert_allclose(r[0, :, 0:7].sum(axis=1), [28, 28])  # A keeps its primary pupils
    assert r[0, :, 7:].sum() == 0
    np.testing.assert_allclose(r[1, :, 7:12].sum(axis=1), [0.6 * 14 + 0.5 * 14] * 2)
    np.testing.assert_allclose(r[2, :, 12:14].sum(axis=1), [0.4 * 4] * 2)
    np.testing.assert_allclose(r[1, :, 0:7].sum(axis=1), [0.5 * 28] * 2)  # B's own primary


def test_housing_settings_validates():
    y, a = housing_settings({})
    assert y["primary"] == 20.0 and abs(sum(a) - 1) < 1e-12
    with pytest.raises(ConfigError):
        housing_settings({"arrival": [0.5, 0.2]})
    with pytest.raises(ConfigError):
        housing_settings({"yields": {"nursery": 3}})


def test_housing_pupils_go_on_from_a_middle_school_area():
    """SYNTHETIC: a primary area P sends its Year 6 to a middle-school area M (Years 7-8),
    which sends its Year 8 to a high-school area H (Years 9-13): a site in P puts its Years
    7-8 pupils in M and its Years 9-13 pupils in H (review: they were lost)."""
    h = pd.DataFrame({"area": ["P"], "year": [2024], "dwellings": [100.0]})
    ncys = list(range(0, 14))
    out = housing_pupils(
        h,
        ["P", "M", "H"],
        [2024],
        ncys,
        {"primary": 21.0, "secondary": 15.0, "sixth_form": 6.0},
        (1.0,),
        route={"P": {"M": 1.0}},
        onward={"M": ({"H": 1.0}, (7, 8))},
    )
    np.testing.assert_allclose(out[1, 0, 7:9], [3.0, 3.0])  # 15 per 100 over 5 year groups
    assert out[1, 0, 9:].sum() == 0
    np.testing.assert_allclose(out[2, 0, 9:12], [3.0, 3.0, 3.0])
    np.testing.assert_allclose(out[2, 0, 12:14], [3.0, 3.0])
    assert out[0, 0, 7:].sum() == 0
    np.testing.assert_allclose(out.sum(), 21 + 15 + 6)  # every pupil somewhere, once
