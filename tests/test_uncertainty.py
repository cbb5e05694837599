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
    np.testing.assert_allclose(alone.multipliers("primary", np.array([1]), [0.9])[0, 0],
                               1 / 0.97, rtol=1e-9)
    blend = ErrorModel.from_errors(errs, "phase", fallback=(0.01,), prior_weight=12)
    # 12 errors at 3% and a prior worth 12 errors at 1%: 2%
    np.testing.assert_allclose(blend.multipliers("primary", np.array([1]), [0.9])[0, 0],
                               1 / 0.98, rtol=1e-6)
    many = ErrorModel.from_errors(_errs([0.03, -0.03] * 600), "phase", fallback=(0.01,),
                                  prior_weight=12)
    e = 1 / many.multipliers("primary", np.array([1]), [0.9])[0, 0] - 1
    assert e == pytest.approx(-(1200 * 0.03 + 12 * 0.01) / 1212, rel=1e-6)
