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

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .exceptions import ConfigError

__all__ = ["ErrorModel", "DEFAULT_COVERAGE", "interval_multipliers"]

logger = logging.getLogger(__name__)

DEFAULT_COVERAGE = (0.8, 0.95)
#: quantile grid on which error distributions are stored
_GRID = np.linspace(0.0, 1.0, 201)


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
    """

    table: pd.DataFrame
    source: str = ""
    min_count: int = 12
    meta: Mapping = field(default_factory=dict)

    @classmethod
    def from_errors(
        cls,
        errors: pd.DataFrame,
        key: str = "phase",
        source: str = "",
        min_count: int = 12,
        symmetric: bool = True,
        pool: tuple[tuple, ...] = (("primary", "secondary"),),
    ) -> ErrorModel:
        """Build from a frame with columns ``key``, ``horizon``, ``pct_error``.

        Parameters
        ----------
        errors : DataFrame
            Backtest errors [fraction].
        key : str
            Column the quantiles are kept by (``"phase"`` or ``"ncy"``).
        symmetric : bool
            Mirror the errors (use ``e`` and ``-e``), so the interval is centred on the
            forecast with half-width the quantile of ``|e|``. The backtest showed signed
            quantiles from a short, biased past cover far less than their nominal rate.
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
            e = pd.concat([e, e.assign(pct_error=-e["pct_error"])], ignore_index=True)
        rows, idx = [], []
        for (k, h), grp in e.groupby([key, "horizon"], sort=True):
            n = len(grp) // 2 if symmetric else len(grp)  # count errors, not mirror images
            rows.append(np.append(np.quantile(grp["pct_error"].to_numpy(), _GRID), n))
            idx.append((k, int(h)))
        cols = [f"q{q:.3f}" for q in _GRID] + ["n"]
        table = pd.DataFrame(rows, index=pd.MultiIndex.from_tuples(idx, names=["key", "horizon"]),
                             columns=cols) if rows else pd.DataFrame(columns=cols)
        return cls(table, source, min_count,
                   {"key": key, "errors": len(e), "symmetric": symmetric, "pool": pool})

    @property
    def empty(self) -> bool:
        return self.table.empty or not (self.table["n"] >= self.min_count).any()

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
            return out
        sub = self.table.loc[key]
        sub = sub[sub["n"] >= self.min_count]
        if sub.empty:
            return out
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
