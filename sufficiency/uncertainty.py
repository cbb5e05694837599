"""Prediction intervals calibrated on the model's own rolling-origin backtest errors.

An :class:`ErrorModel` holds, for each forecast horizon and each key (a DfE phase, or a year
group), the empirical distribution of signed relative errors ``e = (forecast - actual) /
actual`` seen in backtests. Since ``actual = forecast / (1 + e)``, the q-quantile of the
outcome is ``forecast / (1 + e_{1-q})``: intervals are multiplicative and never negative.

Draws are *comonotonic*: draw ``d`` uses the same error rank ``u_d`` for every area, year group
and horizon (one coherent path per draw). Quantiles of an area's phase total are therefore
exactly ``central * m_q``; sums over several areas are perfectly correlated, a cautious
choice for totals.

Beyond the longest horizon with enough backtest errors, the spread grows like ``sqrt(h)``.
"""

from __future__ import annotations

import functools
import logging
import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .exceptions import ConfigError

__all__ = ["ErrorModel", "DEFAULT_COVERAGE", "FALLBACK_HALFWIDTH_80", "interval_multipliers"]

logger = logging.getLogger(__name__)

DEFAULT_COVERAGE = (0.8, 0.95)
#: quantile grid on which error distributions are stored
_GRID = np.linspace(0.0, 1.0, 201)
#: Fallback when a key has no horizon with enough backtest errors (e.g. a backtest of one
#: authority at its first origins): the 80th percentile of |error| of phase totals at horizons
#: 1-5 [fraction], pooled over primary and secondary, from the default model's backtest on the
#: 14 West Midlands authorities (origins 2012-2021; printed by docs/forecast_analysis.py).
#: Errors are then taken as normal with that 80% half-width (sigma = w / 1.2816).
FALLBACK_HALFWIDTH_80 = (0.0074, 0.0125, 0.0193, 0.0270, 0.0332)
_Z80 = 1.2815515655446004


@functools.cache
def _normal_grid() -> np.ndarray:
    """Standard normal quantiles on the grid (tails clipped at 0.05% / 99.95%); the standard
    library's inverse CDF (Wichura's AS241, as accurate as scipy's) spares importing
    scipy.stats (about 1 s) in every forecast."""
    inv = statistics.NormalDist().inv_cdf
    z = np.array([inv(p) for p in np.clip(_GRID, 0.0005, 0.9995)])  # 201 fixed points
    z.setflags(write=False)
    return z


def interval_multipliers(errors: np.ndarray, qs: np.ndarray) -> np.ndarray:
    """Outcome/forecast multipliers at quantiles ``qs`` from signed relative errors.

    Parameters
    ----------
    errors : ndarray
        Signed relative errors ``(forecast - actual) / actual`` [fraction].
    qs : ndarray
        Quantiles of the outcome wanted, in 0..1.

    Returns
    -------
    ndarray
        ``1 / (1 + quantile(errors, 1 - q))`` for each q [ratio].
    """
    e = np.quantile(np.asarray(errors, dtype=float), 1.0 - np.asarray(qs, dtype=float))
    return 1.0 / (1.0 + e)


@dataclass(frozen=True)
class ErrorModel:
    """Empirical error quantiles by horizon and key (phase or year group).

    Attributes
    ----------
    table : DataFrame
        Index ``(key, horizon)``; columns the quantile grid (``_GRID``) of signed relative
        errors [fraction]; ``n`` errors behind each row.
    source : str
        What the errors came from (for provenance), e.g. "rolling-origin backtest, 14 LAs".
    min_count : int
        Rows with fewer errors (before mirroring) are not used; their horizon is
        extrapolated.
    fallback : tuple of float, optional
        80% half-widths of ``|e|`` by horizon 1, 2, ... used, as normal errors, for a key
        with no horizon holding ``min_count`` errors (beyond the last, grown like
        ``sqrt(h)``); e.g. :data:`FALLBACK_HALFWIDTH_80`. Without it such keys get no spread.
    """

    table: pd.DataFrame
    source: str = ""
    min_count: int = 12
    meta: Mapping = field(default_factory=dict)
    fallback: tuple[float, ...] | None = None
    prior_weight: float = 0.0

    @classmethod
    def from_errors(
        cls,
        errors: pd.DataFrame,
        key: str = "phase",
        source: str = "",
        min_count: int = 12,
        symmetric: bool = True,
        pool: tuple[tuple, ...] = (("primary", "secondary"),),
        fallback: tuple[float, ...] | None = None,
        prior_weight: float = 0.0,
    ) -> ErrorModel:
        """Build from a frame with columns ``key``, ``horizon``, ``pct_error``.

        Parameters
        ----------
        errors : DataFrame
            Backtest errors [fraction].
        key : str
            Column the quantiles are kept by (``"phase"`` or ``"ncy"``).
        symmetric : bool
            Mirror the errors (use ``e`` and ``-e / (1 + e)``, the same ratio the other way
            round), so the interval is centred on the forecast on a log scale. The backtest
            showed signed quantiles from a short, biased past cover far less than their
            nominal rate.
        pool : tuple of tuples
            Groups of keys whose errors are pooled (each member gets the union), e.g.
            primary with secondary: more errors per horizon, steadier quantiles.

        Raises
        ------
        ConfigError
            If a required column is missing.
        """
        for c in (key, "horizon", "pct_error"):
            if c not in errors.columns:
                raise ConfigError(f"error model: missing column {c!r} in the backtest errors")
        e = errors[[key, "horizon", "pct_error"]].dropna()
        for group in pool:
            members = e[e[key].isin(group)]
            if members.empty:
                continue
            e = pd.concat([e[~e[key].isin(group)]]
                          + [members.assign(**{key: g}) for g in group], ignore_index=True)
        if symmetric:
            # the mirror image of an error is the error of the same ratio the other way,
            # -e / (1 + e): outcome/forecast 1 / (1 + e) becomes 1 + e. (Plain -e would turn an
            # over-forecast of more than 100%, seen in small sixth forms, into an "error"
            # below -100%, i.e. a negative or unbounded outcome.)
            x = e["pct_error"].to_numpy(dtype=float)
            mirror = -x / (1.0 + np.maximum(x, -0.99))
            e = pd.concat([e, e.assign(pct_error=mirror)], ignore_index=True)
        rows, idx = [], []
        for (k, h), grp in e.groupby([key, "horizon"], sort=True):
            n = len(grp) // 2 if symmetric else len(grp)  # count errors, not mirror images
            rows.append(np.append(np.quantile(grp["pct_error"].to_numpy(), _GRID), n))
            idx.append((k, int(h)))
        cols = [f"q{q:.3f}" for q in _GRID] + ["n"]
        table = pd.DataFrame(rows, index=pd.MultiIndex.from_tuples(idx, names=["key", "horizon"]),
                             columns=cols) if rows else pd.DataFrame(columns=cols)
        return cls(table, source, min_count,
                   {"key": key, "errors": len(e), "symmetric": symmetric, "pool": pool},
                   None if fallback is None else tuple(float(f) for f in fallback),
                   float(prior_weight))

    @property
    def empty(self) -> bool:
        if self.fallback:
            return False
        return self.table.empty or not (self.table["n"] >= self.min_count).any()

    def _fallback_quantiles(self, horizons: np.ndarray) -> np.ndarray:
        """Normal error quantiles on the grid with the fallback 80% half-widths."""
        fb = np.asarray(self.fallback, dtype=float)
        h = np.asarray(horizons, dtype=int)
        k = len(fb)
        w = np.where(h <= k, fb[np.clip(h, 1, k) - 1], fb[-1] * np.sqrt(np.maximum(h, 1) / k))
        return (w / _Z80)[:, None] * _normal_grid()[None, :]

    def error_quantiles(self, key, horizons: np.ndarray) -> np.ndarray:
        """Error quantile function on the grid for ``key`` at each horizon.

        Returns
        -------
        ndarray, shape (len(horizons), len(_GRID))
            Signed relative errors [fraction]; zeros if nothing is known for ``key``.
        """
        horizons = np.asarray(horizons, dtype=int)
        out = np.zeros((len(horizons), len(_GRID)))
        if self.table.empty or key not in self.table.index.get_level_values(0):
            return self._fallback_quantiles(horizons) if self.fallback else out
        sub = self.table.loc[key]
        if self.fallback and self.prior_weight > 0:
            # blend every horizon's empirical quantiles with the fallback, weights n : n0
            sub = sub[sub["n"] >= 1]
            hs = np.arange(1, max(len(self.fallback), int(sub.index.max()) if len(sub) else 0) + 1)
            Q = self._fallback_quantiles(hs)
            qcols = [c for c in sub.columns if c != "n"]
            n = sub["n"].to_numpy(dtype=float)[:, None]
            j = sub.index.to_numpy(dtype=int) - 1
            Q[j] = (n * sub[qcols].to_numpy() + self.prior_weight * Q[j]) / (n + self.prior_weight)
        else:
            sub = sub[sub["n"] >= self.min_count]
            if sub.empty:
                return self._fallback_quantiles(horizons) if self.fallback else out
            qcols = [c for c in sub.columns if c != "n"]
            hs = sub.index.to_numpy(dtype=int)
            Q = sub[qcols].to_numpy()
        # make spread non-decreasing in horizon (sampling noise at long horizons)
        med = Q[:, len(_GRID) // 2 : len(_GRID) // 2 + 1]
        dev = Q - med
        for i in range(1, len(hs)):
            scale_prev = np.abs(dev[i - 1]).mean()
            scale_i = np.abs(dev[i]).mean()
            if scale_i < scale_prev and scale_i > 0:
                dev[i] = dev[i] * scale_prev / scale_i
        Q = med + dev
        # ... and quantile by quantile (a tail quantile estimated from few errors can shrink
        # from one horizon to the next, which would make a 95% band narrower further ahead):
        # running max above the median, running min below (rows stay sorted)
        mid = len(_GRID) // 2
        Q[:, mid + 1:] = np.maximum.accumulate(Q[:, mid + 1:], axis=0)
        Q[:, :mid] = np.minimum.accumulate(Q[:, :mid], axis=0)
        hmax = hs.max()
        for j, h in enumerate(horizons):
            if h in hs:
                out[j] = Q[np.searchsorted(hs, h)]
            elif h > hmax:
                last = Q[-1]
                m = last[len(_GRID) // 2]
                out[j] = m + (last - m) * np.sqrt(h / hmax)
            else:  # a gap below hmax: nearest horizon above
                out[j] = Q[np.searchsorted(hs, h)]
        return out

    def multipliers(self, key, horizons: np.ndarray, qs) -> np.ndarray:
        """Outcome/forecast multipliers ``1 / (1 + e_{1-q})``, shape (len(horizons), len(qs))."""
        eq = self.error_quantiles(key, horizons)
        qs = np.atleast_1d(np.asarray(qs, dtype=float))
        cols = np.array([np.interp(1.0 - q, _GRID, _GRID) for q in qs])
        e = np.stack([np.array([np.interp(c, _GRID, row) for row in eq]) for c in cols], axis=1)
        return 1.0 / (1.0 + e)

    def draws(self, key, horizons: np.ndarray, n: int, seed: int) -> np.ndarray:
        """Outcome/forecast multiplier draws, shape (len(horizons), n); seeded.

        Draw ``d`` uses the error rank ``u_d`` (the same for every key and horizon given the
        seed), so paths are coherent across horizons.
        """
        u = np.random.default_rng(seed).random(n)
        eq = self.error_quantiles(key, horizons)
        # outcome rank u -> error rank 1 - u
        e = np.stack([np.interp(1.0 - u, _GRID, row) for row in eq])
        return 1.0 / (1.0 + e)

    def to_frame(self) -> pd.DataFrame:
        return self.table.reset_index()
