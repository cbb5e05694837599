"""Interval calibration: fallback and prior blending of the error model (synthetic errors)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sufficiency.uncertainty import FALLBACK_HALFWIDTH_80, ErrorModel


def _errs(values, horizon=1, phase="primary"):
    return pd.DataFrame({"phase": phase, "horizon": horizon, "pct_error": values})


def test_no_errors_without_fallback_gives_no_spread():
    em = ErrorModel.from_errors(_errs([]), "phase")
    assert em.empty
    np.testing.assert_allclose(em.multipliers("primary", np.array([1]), [0.1, 0.9]), 1.0)


def test_fallback_is_normal_with_the_given_80pc_half_width():
    em = ErrorModel.from_errors(_errs([]), "phase", fallback=(0.01, 0.02))
    assert not em.empty
    m = em.multipliers("primary", np.array([1, 2, 8]), [0.1, 0.9])
    # outcome 10th percentile = forecast / (1 + e_0.9), e_0.9 = the 80% half-width
    np.testing.assert_allclose(m[0], [1 / 1.01, 1 / 0.99], rtol=1e-6)
    np.testing.assert_allclose(m[1], [1 / 1.02, 1 / 0.98], rtol=1e-6)
    w8 = 0.02 * np.sqrt(8 / 2)  # beyond the table: grows like sqrt(h)
    np.testing.assert_allclose(m[2], [1 / (1 + w8), 1 / (1 - w8)], rtol=1e-6)
    # the embedded fallback widens with horizon
    assert np.all(np.diff(FALLBACK_HALFWIDTH_80) > 0)


def test_few_errors_are_blended_with_the_fallback():
    errs = _errs([0.03, -0.03] * 6)  # 12 errors, |e| = 3% each
    alone = ErrorModel.from_errors(errs, "phase")
    np.testing.assert_allclose(
        alone.multipliers("primary", np.array([1]), [0.9])[0, 0], 1 / 0.97, rtol=1e-9
    )
    blend = ErrorModel.from_errors(errs, "phase", fallback=(0.01,), prior_weight=12)
    # 12 errors at 3% and a prior worth 12 errors at 1%: 2%
    np.testing.assert_allclose(
        blend.multipliers("primary", np.array([1]), [0.9])[0, 0], 1 / 0.98, rtol=1e-6
    )
    many = ErrorModel.from_errors(
        _errs([0.03, -0.03] * 600), "phase", fallback=(0.01,), prior_weight=12
    )
    e = 1 / many.multipliers("primary", np.array([1]), [0.9])[0, 0] - 1
    assert e == pytest.approx(-(1200 * 0.03 + 12 * 0.01) / 1212, rel=1e-6)


def test_mirrored_errors_keep_outcomes_positive_and_ratios_symmetric():
    # over-forecasts of more than 100% (small sixth forms) must not become impossible
    # outcomes: every multiplier finite and positive, and monotone in the quantile
    rng = np.random.default_rng(0)
    e = np.concatenate([rng.normal(0, 0.2, 40), [1.5, 2.0, 3.0]])
    em = ErrorModel.from_errors(_errs(e), "phase", min_count=5)
    qs = np.linspace(0.01, 0.99, 99)
    m = em.multipliers("primary", np.array([1]), qs)[0]
    assert np.all(np.isfinite(m)) and np.all(m > 0)
    assert np.all(np.diff(m) >= 0)
    d = em.draws("primary", np.array([1]), 2000, seed=1)
    assert np.all(np.isfinite(d)) and np.all(d > 0)
    # symmetric on a log scale: the q and 1-q multipliers are reciprocal
    m = em.multipliers("primary", np.array([1]), [0.1, 0.9])[0]
    assert m[0] * m[1] == pytest.approx(1.0, rel=1e-3)  # up to grid interpolation


def test_tail_quantiles_do_not_narrow_with_horizon():
    # horizon 2's extreme errors are smaller than horizon 1's (few errors, sampling noise)
    # while its typical errors are larger: no quantile of the band may narrow
    h1 = _errs(np.r_[np.full(30, 0.01), [0.30, -0.30]], horizon=1)
    h2 = _errs(np.r_[np.full(30, 0.03), [0.10, -0.10]], horizon=2)
    em = ErrorModel.from_errors(pd.concat([h1, h2]), "phase", min_count=5)
    m = em.multipliers("primary", np.array([1, 2]), [0.025, 0.1, 0.9, 0.975])
    assert np.all(m[1, 2:] >= m[0, 2:] - 1e-12)  # upper quantiles no lower
    assert np.all(m[1, :2] <= m[0, :2] + 1e-12)  # lower quantiles no higher


def test_normal_grid_is_scipys_normal_quantiles():
    from scipy.stats import norm

    from sufficiency.uncertainty import _GRID, _normal_grid

    np.testing.assert_allclose(
        _normal_grid(), norm.ppf(np.clip(_GRID, 0.0005, 0.9995)), rtol=0, atol=1e-12
    )
