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

**Area size.** The errors come from areas of one size (authorities); a smaller area has more
noise of its own. :func:`estimate_size_noise` measures that noise from the history (the
year-to-year scatter of each area's survival ratios, which grows like ``1 / pupils``), and
:meth:`ErrorModel.size_scale` widens a smaller area's intervals by the difference on a log
scale (a larger area keeps the calibration areas' spread).
"""

from __future__ import annotations

import functools
import logging
import statistics
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from .exceptions import ConfigError

__all__ = [
    "ErrorModel",
    "DEFAULT_COVERAGE",
    "FALLBACK_HALFWIDTH_80",
    "interval_multipliers",
    "SizeNoise",
    "estimate_size_noise",
    "noise_years",
    "DEFAULT_SIZE_NOISE",
]

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
#: Fallback size noise [pupils] when the history cannot measure it (fewer than 5 areas or 3
#: years of transitions): the estimate on the 14 West Midlands authorities, census 2011/12 to
#: 2022/23 without the 2020/21 pandemic transitions (docs/forecast.md, "Area size").
DEFAULT_SIZE_NOISE = 0.081
#: transitions (from-year-group) measuring size noise: compulsory, within a phase (Year 6 ->
#: Year 7 mixes in cross-border admissions, and staying-on is a choice, not migration)
_SIZE_TRANSITIONS = (0, 1, 2, 3, 4, 5, 7, 8, 9, 10)
#: a year's ratio further than this many standard deviations (of what chance allows) from its
#: area's and year's level is a one-off event, left out: |z| > 3.29 has chance 0.1%
_Z_ONE_OFF = 3.2905267314918945


@dataclass(frozen=True)
class SizeNoise:
    """Noise of a cohort's own, proportional to ``1 / pupils``.

    A cohort of ``n`` pupils moving up one year group changes by a random share whose
    variance (on a log scale) is ``phi / n`` on top of what it shares with every other area:
    the pupils who move in and out one by one. Over ``h`` years it adds up to ``h x phi / n``.

    Attributes
    ----------
    phi : float
        Variance x pupils [pupils] (0.081: one year's change of a 30-pupil class has a
        standard deviation of about 5%, of a 3,000-pupil year group 0.5%).
    se : float
        Standard error of ``phi`` (NaN for the fallback) [pupils].
    n : int
        (area, transition) pairs it was measured on (0 for the fallback).
    source : str
        Where it came from.
    """

    phi: float
    se: float = float("nan")
    n: int = 0
    source: str = ""

    @classmethod
    def fallback(cls) -> SizeNoise:
        return cls(
            DEFAULT_SIZE_NOISE,
            float("nan"),
            0,
            "fallback: measured on 14 West Midlands authorities, 2011/12-2022/23",
        )


def estimate_size_noise(
    history: pd.DataFrame, exclude_years=(), min_areas: int = 5, min_years: int = 3
) -> SizeNoise | None:
    """Measure :class:`SizeNoise` from a tidy history (``area, year, ncy, pupils``).

    For each area and compulsory transition within a phase (Reception -> Year 1 ... Year 5
    -> Year 6, Year 7 -> Year 8 ... Year 10 -> Year 11) the log survival ratios are centred
    on the year's mean over all areas (shocks every area shares) and on the area's own mean;
    their variance is regressed on ``1 / pupils`` by least squares. A yearly ratio further
    from its levels than chance allows at the fitted variance (3.29 standard deviations, a
    0.1% chance) is a one-off event (a school closing, a boundary change): it is left out and
    the fit repeated. ``phi`` is the slope, floored at 0.

    Parameters
    ----------
    history : DataFrame
        ``area, year, ncy, pupils`` [count], areas of different sizes.
    exclude_years : iterable of int
        Transitions ending in these years are left out (the pandemic year).

    Returns
    -------
    SizeNoise or None
        None if fewer than ``min_areas`` areas or ``min_years`` transitions per area.
    """
    h = history[["area", "year", "ncy", "pupils"]].dropna()
    ai, areas = pd.factorize(h["area"], sort=True)  # hashing: faster than sorting the codes
    areas = np.asarray(areas)
    years = (
        np.arange(int(h["year"].min()), int(h["year"].max()) + 1) if len(h) else np.array([], int)
    )
    if len(areas) < min_areas or len(years) < 2:
        return None
    cube = np.full((len(areas), len(years), 15), np.nan)
    ti = h["year"].to_numpy(dtype=int) - years[0]
    gi = h["ncy"].to_numpy(dtype=int)
    ok = (gi >= 0) & (gi < 15)
    cube[ai[ok], ti[ok], gi[ok]] = h["pupils"].to_numpy(dtype=float)[ok]
    with warnings.catch_warnings():  # all-missing slices (an area without a year group)
        warnings.simplefilter("ignore", RuntimeWarning)
        return _size_noise(cube, areas, years, exclude_years, min_areas, min_years)


class _VarianceFit(NamedTuple):
    beta: np.ndarray  # intercept, slope (phi)
    X: np.ndarray  # design of the (area, transition) pairs used
    v: np.ndarray  # (A, K) variance of each pair's centred log ratios
    use: np.ndarray  # (A, K) pairs in the fit
    size: np.ndarray  # (A, K) mean pupils
    cnt: np.ndarray  # (A, K) yearly ratios kept
    shrink: np.ndarray  # (K,) 1 - 2 / areas
    level: np.ndarray  # (A, T, K) year level + area level of every ratio


def _variance_fit(lr0, n, mask, min_years, min_areas) -> _VarianceFit | None:
    """One least-squares fit of the centred ratios' variances on ``1 / pupils`` with the
    yearly ratios in ``mask``; None if too few areas or years are left."""
    lr = np.where(mask, lr0, np.nan)
    year_level = np.nanmean(lr, axis=0, keepdims=True)  # shocks every area shares
    lr = lr - year_level
    area_level = np.nanmean(lr, axis=1, keepdims=True)  # the area's own level
    lr = lr - area_level
    cnt = np.sum(np.isfinite(lr), axis=1)  # (A, K)
    n_areas = np.sum(np.isfinite(lr), axis=0)  # (T, K)
    # centring on the year's mean over A areas leaves an area's own variance V x (1 - 2 / A)
    # plus sum(V) / A^2, the same for every area (it goes to the intercept); centring on the
    # area's own mean costs one of its years
    shrink = 1 - 2 / np.maximum(np.nanmean(np.where(n_areas > 0, n_areas, np.nan), axis=0), 3)
    with np.errstate(invalid="ignore", divide="ignore"):
        v = np.nansum(lr**2, axis=1) / ((cnt - 1) * shrink)
        size = np.nanmean(np.where(np.isfinite(lr), n, np.nan), axis=1)
    use = (cnt >= min_years) & np.isfinite(v) & (size > 0)
    if use.sum() < 3 or np.unique(np.nonzero(use)[0]).size < min_areas:
        return None
    X = np.column_stack([np.ones(use.sum()), 1.0 / size[use]])
    beta = np.linalg.lstsq(X, v[use], rcond=None)[0]
    return _VarianceFit(beta, X, v, use, size, cnt, shrink, year_level + area_level)


def _size_noise(cube, areas, years, exclude_years, min_areas, min_years) -> SizeNoise | None:
    g = np.array(_SIZE_TRANSITIONS)
    with np.errstate(divide="ignore", invalid="ignore"):
        n = cube[:, :-1, g]  # (A, T-1, K)
        lr0 = np.log(cube[:, 1:, g + 1] / n)
    keep = ~np.isin(years[1:], list(exclude_years))
    lr0, n = lr0[:, keep], n[:, keep]
    valid = np.isfinite(lr0) & (n > 0)
    mask = valid.copy()
    fit = _variance_fit(lr0, n, mask, min_years, min_areas)
    if fit is None:
        return None
    # one-off events: yearly ratios beyond what chance allows at the fitted variance are left
    # out and the fit repeated; a ratio left out comes back if the refit allows it (the
    # first fit is pulled by the very events it is to find); a ratio whose levels are no
    # longer defined (its whole series left out) stays out; a mask seen before ends the loop
    seen = {mask.tobytes()}
    for _ in range(50):
        with np.errstate(invalid="ignore", divide="ignore"):
            # the fitted variance of a centred ratio: V (1 - 2 / A) (1 - 1 / years), V
            # floored at the 10th percentile of the variances (a fit pulled by the very events
            # it is to find must not call every year of a large area one)
            V = np.maximum(fit.beta[0] + fit.beta[1] / fit.size, np.quantile(fit.v[fit.use], 0.1))
            sd = np.sqrt(V * fit.shrink * (fit.cnt - 1) / np.maximum(fit.cnt, 1))
            z = np.abs(lr0 - fit.level) / sd[:, None, :]
        new = valid & (z <= _Z_ONE_OFF)  # NaN z: out
        if (new == mask).all() or new.tobytes() in seen:
            break
        refit = _variance_fit(lr0, n, new, min_years, min_areas)
        if refit is None:  # leaving them out would leave too little: keep the last fit
            break
        seen.add(new.tobytes())
        mask, fit = new, refit
    else:
        logger.warning(
            "size noise: leaving out one-off events did not settle in 50 passes; "
            "the last fit is used"
        )
    beta, X, use = fit.beta, fit.X, fit.use
    r = fit.v[use] - X @ beta
    cov = (r @ r / max(int(use.sum()) - 2, 1)) * np.linalg.pinv(X.T @ X)
    out = int((valid & ~mask).sum())
    return SizeNoise(
        max(0.0, float(beta[1])),
        float(np.sqrt(max(cov[1, 1], 0.0))),
        int(use.sum()),
        f"{np.unique(np.nonzero(use)[0]).size} areas' survival ratios, "
        f"{int(years[0])}-{int(years[-1])}"
        + (
            f"; {out} of {int(valid.sum())} yearly ratios left out as one-off events" if out else ""
        ),
    )


def noise_years(horizons, ncys) -> np.ndarray:
    """Years of a cohort's own noise in a forecast ``h`` years ahead, averaged over the year
    groups ``ncys``: a cohort in year group ``g`` has been forecast for ``min(h, g + 1)``
    years (from Reception on births). Shape (len(horizons),)."""
    h = np.asarray(horizons, dtype=float)[:, None]
    g = np.asarray(list(ncys), dtype=float)[None, :]
    return np.minimum(h, g + 1).mean(axis=1)


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
    inv_size : Series, optional
        Mean of ``1 / actual`` of the errors behind each ``(key, horizon)`` [1/pupils] (when the
        errors had an ``actual`` column): the size of the areas the errors came from, for
        :meth:`size_scale`.
    """

    table: pd.DataFrame
    source: str = ""
    min_count: int = 12
    meta: Mapping = field(default_factory=dict)
    fallback: tuple[float, ...] | None = None
    prior_weight: float = 0.0
    inv_size: pd.Series | None = None

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
        cols = [key, "horizon", "pct_error"] + (["actual"] if "actual" in errors.columns else [])
        e = errors[cols].dropna(subset=[key, "horizon", "pct_error"])
        for group in pool:
            members = e[e[key].isin(group)]
            if members.empty:
                continue
            e = pd.concat(
                [e[~e[key].isin(group)]] + [members.assign(**{key: g}) for g in group],
                ignore_index=True,
            )
        if symmetric:
            # the mirror image of an error is the error of the same ratio the other way,
            # -e / (1 + e): outcome/forecast 1 / (1 + e) becomes 1 + e. (Plain -e would turn an
            # over-forecast of more than 100%, seen in small sixth forms, into an "error"
            # below -100%, i.e. a negative or unbounded outcome.)
            x = e["pct_error"].to_numpy(dtype=float)
            mirror = -x / (1.0 + np.maximum(x, -0.99))
            e = pd.concat([e, e.assign(pct_error=mirror)], ignore_index=True)
        inv_size = None
        if "actual" in e.columns:
            pos = e[e["actual"] > 0]
            inv_size = (1.0 / pos["actual"]).groupby([pos[key], pos["horizon"].astype(int)]).mean()
            inv_size.index = inv_size.index.set_names(["key", "horizon"])
        rows, idx = [], []
        for (k, h), grp in e.groupby([key, "horizon"], sort=True):
            n = len(grp) // 2 if symmetric else len(grp)  # count errors, not mirror images
            rows.append(np.append(np.quantile(grp["pct_error"].to_numpy(), _GRID), n))
            idx.append((k, int(h)))
        cols = [f"q{q:.3f}" for q in _GRID] + ["n"]
        table = (
            pd.DataFrame(
                rows, index=pd.MultiIndex.from_tuples(idx, names=["key", "horizon"]), columns=cols
            )
            if rows
            else pd.DataFrame(columns=cols)
        )
        return cls(
            table,
            source,
            min_count,
            {"key": key, "errors": len(e), "symmetric": symmetric, "pool": pool},
            None if fallback is None else tuple(float(f) for f in fallback),
            float(prior_weight),
            inv_size,
        )

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
        Q[:, mid + 1 :] = np.maximum.accumulate(Q[:, mid + 1 :], axis=0)
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

    def multipliers(
        self, key, horizons: np.ndarray, qs, eq: np.ndarray | None = None
    ) -> np.ndarray:
        """Outcome/forecast multipliers ``1 / (1 + e_{1-q})``, shape (len(horizons), len(qs)).

        ``eq``: :meth:`error_quantiles` of ``key`` at ``horizons`` if already computed (here
        and in :meth:`draws` and :meth:`size_scale`)."""
        eq = self.error_quantiles(key, horizons) if eq is None else eq
        qs = np.atleast_1d(np.asarray(qs, dtype=float))
        cols = np.array([np.interp(1.0 - q, _GRID, _GRID) for q in qs])
        e = np.stack([np.array([np.interp(c, _GRID, row) for row in eq]) for c in cols], axis=1)
        return 1.0 / (1.0 + e)

    def draws(
        self, key, horizons: np.ndarray, n: int, seed: int, eq: np.ndarray | None = None
    ) -> np.ndarray:
        """Outcome/forecast multiplier draws, shape (len(horizons), n); seeded.

        Draw ``d`` uses the error rank ``u_d`` (the same for every key and horizon given the
        seed), so paths are coherent across horizons.
        """
        u = np.random.default_rng(seed).random(n)
        eq = self.error_quantiles(key, horizons) if eq is None else eq
        # outcome rank u -> error rank 1 - u
        e = np.stack([np.interp(1.0 - u, _GRID, row) for row in eq])
        return 1.0 / (1.0 + e)

    def size_scale(
        self,
        key,
        horizons: np.ndarray,
        inv_n: np.ndarray,
        years: np.ndarray,
        noise: SizeNoise | None,
        eq: np.ndarray | None = None,
    ) -> np.ndarray:
        """Log-scale widening of ``key``'s intervals for areas of size ``1 / inv_n``.

        The errors' spread at horizon ``h`` (sd on a log scale, from their 10th and 90th
        percentiles) already holds the noise of areas the size of the calibration areas
        (``inv_size``); an area of ``n`` pupils has ``phi x years x (1 / n - inv_size)`` more
        variance. The factor is ``sqrt(1 + that / sd ** 2)``: raise an outcome/forecast
        multiplier ``m`` to this power. It is never below 1: an area larger than the
        calibration areas keeps their spread (its errors are dominated by what every area
        shares, and narrowing them cost coverage in the backtest).

        Parameters
        ----------
        inv_n : ndarray (A, len(horizons))
            ``1 / pupils`` of each area at each horizon (its forecast).
        years : ndarray (len(horizons),)
            Years of noise (:func:`noise_years`).

        Returns
        -------
        ndarray (A, len(horizons))
            1 where ``noise`` is None, the key's calibration sizes are unknown or it has no
            spread.
        """
        inv_n = np.asarray(inv_n, dtype=float)
        out = np.ones_like(inv_n)
        if noise is None or self.inv_size is None or not noise.phi > 0:
            return out
        hs = np.asarray(horizons, dtype=int)
        try:
            ref_k = self.inv_size.loc[key]
        except KeyError:
            return out
        if not len(ref_k):
            return out
        # calibration size at each horizon (the nearest horizon measured, the last beyond)
        rh = ref_k.index.to_numpy(dtype=int)
        j = np.clip(np.searchsorted(rh, hs), 0, len(rh) - 1)
        ref = ref_k.to_numpy(dtype=float)[j]
        eq = self.error_quantiles(key, hs) if eq is None else eq
        i10, i90 = np.searchsorted(_GRID, 0.1), np.searchsorted(_GRID, 0.9)
        with np.errstate(invalid="ignore"):
            sd = (
                np.log1p(np.maximum(eq[:, i90], -0.99)) - np.log1p(np.maximum(eq[:, i10], -0.99))
            ) / (2 * _Z80)
        extra = noise.phi * np.asarray(years, dtype=float)[None, :] * (inv_n - ref[None, :])
        with np.errstate(invalid="ignore", divide="ignore"):
            k2 = 1.0 + extra / (sd**2)[None, :]
        k = np.sqrt(np.clip(k2, 1.0, None))
        return np.where(np.isfinite(k) & (sd > 0)[None, :], k, 1.0)

    def to_frame(self) -> pd.DataFrame:
        return self.table.reset_index()
