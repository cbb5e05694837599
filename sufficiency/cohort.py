"""Cohort survival: pure array functions behind :class:`~sufficiency.forecast.CohortModel`.

Everything here works on numpy arrays indexed ``(area, year, ncy)`` (a "cube"), vectorised
over areas and year groups; the only loop is over forecast years, because each year rolls
the previous one forward.

Notation
--------
``N[a, t, g]``
    pupils in area ``a``, academic year ``t``, year group ``g`` [count].
``src[a, t, g]``
    pupils who may move into ``(a, g+1)`` next year: ``N[a, t, g]`` within an area, or
    ``sum_p T[p, a] N[p, t, g]`` at the transfer year group (Year 6 -> Year 7), where
    ``T[p, s]`` is the share of primary area ``p``'s Year 6 that moves to secondary area ``s``.
``s[a, t, g] = N[a, t+1, g+1] / src[a, t, g]``
    survival ratio for transition ``g -> g+1`` between years ``t`` and ``t+1`` [ratio].
``r[a, t] = N[a, t, 0] / B[a, t-4]``
    reception/births ratio: mid-year births ``B`` (July Y-1 to June Y, year Y) start
    Reception in academic year Y+4 [ratio].
"""

from __future__ import annotations

import logging
import warnings
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import sparse

from . import nomenclature as nc
from .exceptions import ConfigError

__all__ = [
    "RECEPTION_LAG",
    "TRANSFER_NCY",
    "AVERAGE_METHODS",
    "history_cube",
    "Transfer",
    "transfers",
    "feeder_counts",
    "survival_ratios",
    "reception_ratios",
    "average_ratios",
    "trend_adjustment",
    "roll_forward",
    "project_series",
    "holt_fixed",
    "HOLT_FIXED",
    "pooled_drift",
    "combined_average",
    "SHRINKAGE_METHODS",
]

logger = logging.getLogger(__name__)

#: births in the year to mid-Y start Reception in academic year Y + 4
RECEPTION_LAG = 4
#: year group whose pupils change planning area (Year 6 -> Year 7)
TRANSFER_NCY = 6
#: averaging methods accepted by :func:`average_ratios`
AVERAGE_METHODS = ("mean", "weighted", "median", "trimmed")
#: how :func:`average_ratios` sets the weight of the pooled ratio
SHRINKAGE_METHODS = ("fixed", "eb")


def history_cube(
    frame: pd.DataFrame,
    areas: list[str],
    years: list[int],
    ncys: list[int],
    value: str = nc.PUPILS,
) -> np.ndarray:
    """Pivot a tidy table to an ``(area, year, ncy)`` array; missing cells are NaN.

    Parameters
    ----------
    frame : DataFrame
        Tidy table with ``area``, ``year``, ``ncy`` and ``value`` columns.
    areas, years, ncys : list
        Index of each axis, in order.
    value : str
        Column holding the counts [count].

    Returns
    -------
    ndarray of float, shape (len(areas), len(years), len(ncys))
    """
    out = np.full((len(areas), len(years), len(ncys)), np.nan)
    ai = pd.Index(areas).get_indexer(frame[nc.AREA].astype(str))
    ti = pd.Index(years).get_indexer(frame[nc.YEAR].astype("int64"))
    gi = pd.Index(ncys).get_indexer(frame[nc.NCY].astype("int64"))
    ok = (ai >= 0) & (ti >= 0) & (gi >= 0)
    vals = frame[value].to_numpy(dtype=float)[ok]
    flat = np.zeros_like(out)
    seen = np.zeros(out.shape, dtype=bool)
    np.add.at(flat, (ai[ok], ti[ok], gi[ok]), vals)
    seen[ai[ok], ti[ok], gi[ok]] = True
    out[seen] = flat[seen]
    return out


class Transfer(NamedTuple):
    """Pupils changing planning area at the end of year group ``g``.

    ``shares[p, s]`` is the share of area ``p``'s year group ``g`` that moves to area ``s``
    [fraction], a dense or scipy sparse ``(A, A)`` matrix. ``keep`` says which areas keep their own pupils at ``g`` (those not sending
    any); ``None`` means none do: the whole year group is redistributed (Year 6 -> Year 7
    in a two-phase model, where primary areas have no Year 7).
    """

    g: int
    shares: np.ndarray
    keep: np.ndarray | None = None


def transfers(transfer, transfer_g: int | None = TRANSFER_NCY) -> tuple[Transfer, ...]:
    """Normalise a transfer argument: a ``(A, A)`` matrix at ``transfer_g`` (the Year 6 ->
    Year 7 transfer), a sequence of :class:`Transfer`, or None (pupils stay in their area)."""
    if transfer is None:
        return ()
    if isinstance(transfer, np.ndarray):
        return () if transfer_g is None else (Transfer(int(transfer_g), transfer, None),)
    return tuple(transfer)


def _move(values: np.ndarray, t: Transfer) -> np.ndarray:
    """Pupils in ``t.g`` after the move: ``sum_p shares[p, s] x[p]`` (+ ``x[s]`` if kept);
    ``values`` has areas first, any trailing axes (years, draws)."""
    x = np.nan_to_num(values)
    if sparse.issparse(t.shares):  # a planning-area model's transfers: few per area
        moved = np.asarray(t.shares.T @ x)
    else:
        moved = np.tensordot(t.shares, x, axes=([0], [0]))
    if t.keep is not None:
        keep = t.keep.reshape((-1,) + (1,) * (x.ndim - 1))
        moved = moved + np.where(keep, x, 0.0)
    return moved


def feeder_counts(
    cube: np.ndarray, transfer=None, transfer_g: int | None = TRANSFER_NCY
) -> np.ndarray:
    """Pupils who may move into the next year group of each area, ``src[a, t, g]``.

    Parameters
    ----------
    cube : ndarray, shape (A, T, G)
        Pupils by area, year and year group (year groups R.. consecutive) [count].
    transfer : ndarray, shape (A, A), or sequence of Transfer, optional
        ``transfer[p, s]`` share of area ``p``'s pupils in ``transfer_g`` moving to area ``s``
        [fraction], or one :class:`Transfer` per year group at which pupils move (a
        three-tier authority with middle-school areas: Year 6 and Year 8); identity if
        omitted (pupils stay in their area).
    transfer_g : int, optional
        Index on the ncy axis of the transfer year group (with a matrix ``transfer``).

    Returns
    -------
    ndarray, shape (A, T, G-1)
        ``src[..., g]`` feeds ``(a, g+1)``.
    """
    src = np.array(cube[..., :-1], dtype=float, copy=True)
    for t in transfers(transfer, transfer_g):
        if t.g < cube.shape[-1] - 1:
            src[..., t.g] = _move(cube[..., t.g], t)
    return src


def survival_ratios(
    cube: np.ndarray, transfer=None, transfer_g: int | None = TRANSFER_NCY
) -> np.ndarray:
    """Survival ratios ``s[a, t, g] = N[a, t+1, g+1] / src[a, t, g]``.

    Returns
    -------
    ndarray, shape (A, T-1, G-1)
        NaN where the source is zero or missing [ratio].
    """
    src = feeder_counts(cube, transfer, transfer_g)[:, :-1, :]
    nxt = cube[:, 1:, 1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        r = nxt / src
    r[~np.isfinite(r) | (src <= 0)] = np.nan
    return r


def reception_ratios(reception: np.ndarray, births_lagged: np.ndarray) -> np.ndarray:
    """Reception/births ratios ``r[a, t] = N[a, t, 0] / B[a, t - 4]`` (NaN where undefined)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        r = reception / births_lagged
    r[~np.isfinite(r) | ~(births_lagged > 0)] = np.nan
    return r


def _last_valid(ratios: np.ndarray, window: int) -> np.ndarray:
    """Mask keeping, along axis 1, only the last ``window`` non-NaN entries."""
    valid = ~np.isnan(ratios)
    # rank from the end among valid entries
    rev_rank = np.cumsum(valid[:, ::-1], axis=1)[:, ::-1]
    return valid & (rev_rank <= window)


def average_ratios(
    ratios: np.ndarray,
    window: int = 3,
    method: str = "mean",
    halflife: float = 1.0,
    weights: np.ndarray | None = None,
    shrinkage: float = 0.0,
    size: np.ndarray | None = None,
    year_weights: np.ndarray | None = None,
    shrinkage_method: str = "fixed",
) -> np.ndarray:
    """Average ratios over the last ``window`` years, per area and transition.

    Parameters
    ----------
    ratios : ndarray, shape (A, K, ...)
        Historical ratios, oldest first along axis 1 (NaN = not observed) [ratio].
    window : int
        Number of most recent observed ratios used.
    method : {"mean", "weighted", "median", "trimmed"}
        ``mean``: plain mean; ``weighted``: exponential recency weights ``0.5 ** (age /
        halflife)``; ``median``: median (resists one outlier year such as 2020/21);
        ``trimmed``: mean after dropping the single value furthest from the median (needs
        ``window >= 3``).
    halflife : float
        Half-life of the recency weights [years] (``weighted`` only).
    weights : ndarray, shape (K,), optional
        Extra weight per historical year (e.g. 0.5 for the pandemic transition) applied by
        ``mean``/``weighted``.
    shrinkage : float
        Weight ``w`` of the pooled ratio: ``(1 - w) * own + w * pooled`` where ``pooled``
        is the ``size``-weighted average over areas [fraction in 0..1]. With
        ``shrinkage_method="eb"`` it multiplies the empirical-Bayes weight instead.
    size : ndarray, shape (A, ...), optional
        Weights for pooling (e.g. pupils in the source year group); equal if omitted.
    year_weights : ndarray, optional
        Alias of ``weights``.
    shrinkage_method : {"fixed", "eb"}
        ``fixed``: the same weight ``shrinkage`` for every area; ``eb``: empirical Bayes
        (positive-part James-Stein) weight per area and transition,
        ``B[a] = v[a] / (v[a] + tau2)``, where ``v[a]`` is the variance of area ``a``'s
        averaged ratio (its year-to-year variance over the window divided by the number of
        years) and ``tau2 = max(0, var_a(avg) - mean_a(v))`` the spread of the areas' true
        ratios; then ``shrinkage * B[a]`` is the pooled ratio's weight. Areas whose ratios
        differ from the pool by much more than their own noise keep their own ratio.

    Returns
    -------
    ndarray, shape (A, ...)
        Averaged ratios; NaN where an area has no observed ratio.

    Notes
    -----
    With window 3, ``median`` ignores the most extreme of three years. Pooling makes small
    areas borrow strength from the others, the usual empirical-Bayes shrinkage.
    """
    if method not in AVERAGE_METHODS:
        raise ConfigError(f"ratio average method {method!r}: expected one of {AVERAGE_METHODS}")
    if shrinkage_method not in SHRINKAGE_METHODS:
        raise ConfigError(
            f"shrinkage_method {shrinkage_method!r}: expected one of {SHRINKAGE_METHODS}"
        )
    if window < 1:
        raise ConfigError(f"window = {window}: expected at least 1 year")
    weights = year_weights if weights is None else weights
    keep = _last_valid(ratios, window)
    x = np.where(keep, ratios, np.nan)
    K = ratios.shape[1]
    if method in ("mean", "weighted"):
        shape = [1] * ratios.ndim
        shape[1] = K
        w = np.ones(K)
        if weights is not None:
            w = w * np.asarray(weights, dtype=float)
        if method == "weighted":
            # age counted among kept entries: most recent kept = 0
            age = np.cumsum(keep[:, ::-1], axis=1)[:, ::-1] - 1
            wk = np.where(keep, 0.5 ** (age / max(halflife, 1e-9)), 0.0) * w.reshape(shape)
        else:
            wk = np.where(keep, 1.0, 0.0) * w.reshape(shape)
        num = np.nansum(np.where(keep, x * wk, 0.0), axis=1)
        den = wk.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            avg = np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)
    elif method == "median":
        with np.errstate(all="ignore"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                avg = np.nanmedian(x, axis=1)
    else:  # trimmed
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            med = np.nanmedian(x, axis=1, keepdims=True)
            dev = np.abs(x - med)
            n = keep.sum(axis=1, keepdims=True)
            worst = np.nanargmax(np.where(np.isnan(dev), -1, dev), axis=1)
            drop = np.zeros_like(keep)
            np.put_along_axis(drop, np.expand_dims(worst, 1), True, axis=1)
            drop &= n >= 3
            avg = np.nanmean(np.where(drop, np.nan, x), axis=1)
    if shrinkage > 0 and avg.shape[0] > 1:
        sz = np.ones_like(avg) if size is None else np.asarray(size, dtype=float)
        sz = np.where(np.isnan(avg), 0.0, np.nan_to_num(sz))
        tot = sz.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            pooled = np.nansum(np.nan_to_num(avg) * sz, axis=0) / tot
        wt = shrinkage
        if shrinkage_method == "eb":
            wt = shrinkage * _eb_weight(x, keep, avg, pooled, sz, tot)
        avg = np.where(np.isnan(avg), pooled, (1 - wt) * avg + wt * pooled)
    return avg


def _eb_weight(x, keep, avg, pooled, sz, tot) -> np.ndarray:
    """Positive-part James-Stein weight of the pooled ratio, per area and transition."""
    n = keep.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        m = np.nansum(np.where(keep, x, 0.0), axis=1) / n
        ss = np.nansum(np.where(keep, (x - np.expand_dims(m, 1)) ** 2, 0.0), axis=1)
        v = np.where(n >= 2, ss / np.maximum(n - 1, 1) / n, np.nan)  # variance of the mean
        ok = np.isfinite(v) & np.isfinite(avg) & (sz > 0)
        w = np.where(ok, sz, 0.0)
        wt = w.sum(axis=0)
        between = np.sum(w * np.where(ok, avg - pooled, 0.0) ** 2, axis=0) / wt
        noise = np.sum(w * np.where(ok, v, 0.0), axis=0) / wt
        tau2 = np.maximum(between - noise, 0.0)
        b = v / (v + tau2)
    # too few areas to estimate the spread, or an area without a noise estimate: no shrinkage
    b = np.where(ok & (ok.sum(axis=0) >= 3) & np.isfinite(b), b, 0.0)
    return b


def combined_average(
    ratios: np.ndarray,
    members: tuple,
    halflife: float = 1.0,
    weights: np.ndarray | None = None,
    shrinkage: float = 0.0,
    size: np.ndarray | None = None,
    shrinkage_method: str = "fixed",
) -> np.ndarray:
    """Equal-weight combination of several ratio averages (forecast combination).

    Parameters
    ----------
    ratios : ndarray, shape (A, K, ...)
        Historical ratios, oldest first [ratio].
    members : tuple of (window, method) pairs
        Each member is :func:`average_ratios` with that window and method (an optional third
        item overrides ``halflife``); the result is their plain mean.
    halflife, weights, shrinkage, size, shrinkage_method
        As in :func:`average_ratios`, shared by every member.

    Returns
    -------
    ndarray, shape (A, ...)
        Mean of the members' averages; where a member is NaN the others are used [ratio].

    Notes
    -----
    Averaging forecasts made by different reasonable methods (here: windows and weights)
    reliably reduces error when the members' errors are not perfectly correlated; the
    equal weights are not estimated, so they cannot overfit.
    """
    if not members:
        raise ConfigError("combined_average: give at least one (window, method) member")
    parts = []
    for mem in members:
        win, meth = int(mem[0]), str(mem[1])
        hl = float(mem[2]) if len(mem) > 2 else halflife
        parts.append(
            average_ratios(
                ratios,
                win,
                meth,
                hl,
                weights=weights,
                shrinkage=shrinkage,
                size=size,
                shrinkage_method=shrinkage_method,
            )
        )
    if len(parts) == 1:
        return parts[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all members NaN: stays NaN
        return np.nanmean(np.stack(parts), axis=0)


def pooled_drift(
    ratios: np.ndarray,
    window: int,
    method: str,
    halflife: float = 1.0,
    size: np.ndarray | None = None,
    lookback: int = 5,
    average=None,
) -> np.ndarray:
    """Average one-year-ahead error of the ratio average, pooled over areas.

    For each of the last ``lookback`` years ``k``, the average of the ratios up to ``k - 1``
    (as :func:`average_ratios` would make it) is compared with the ratio observed in ``k``;
    the differences are averaged over years and over areas (weighted by ``size``). Adding
    this drift to a forecast ratio corrects a systematic tendency of past averages to lag
    (e.g. a reception/births ratio that keeps rising).

    Parameters
    ----------
    ratios : ndarray, shape (A, K, ...)
        Historical ratios, oldest first [ratio].
    window, method, halflife
        As in :func:`average_ratios`.
    size : ndarray, shape (A, ...), optional
        Pooling weights (pupils) [count].
    lookback : int
        Years of one-step-ahead differences averaged.
    average : callable, optional
        ``average(ratios[:, :k]) -> (A, ...)``: the ratio average whose drift is measured
        (e.g. a :func:`combined_average`); default ``average_ratios(.., window, method,
        halflife)``.

    Returns
    -------
    ndarray, shape ratios.shape[2:]
        Drift per transition [ratio]; 0 where nothing can be measured.
    """
    K = ratios.shape[1]
    diffs, wts = [], []
    sz = np.ones((ratios.shape[0],) + ratios.shape[2:]) if size is None else np.nan_to_num(size)
    for k in range(max(1, K - lookback), K):  # a few past origins; vectorised over areas
        if average is None:
            avg = average_ratios(ratios[:, :k], window, method, halflife)
        else:
            avg = average(ratios[:, :k])
        d = ratios[:, k] - avg
        ok = np.isfinite(d)
        diffs.append(np.where(ok, d, 0.0) * sz)
        wts.append(np.where(ok, sz, 0.0))
    if not diffs:
        return np.zeros(ratios.shape[2:])
    num = np.sum(diffs, axis=(0, 1))
    den = np.sum(wts, axis=(0, 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(den > 0, num / np.where(den > 0, den, 1), 0.0)
    return out


def trend_adjustment(
    ratios: np.ndarray, window: int, damping: float, horizon: int, lead: float = 0.0
) -> np.ndarray:
    """Damped linear-trend correction to add to an averaged ratio, per forecast year.

    The slope ``b`` is the least-squares slope of the last ``window`` observed ratios (per
    area); the correction at forecast step ``h`` is ``b * (c + sum_{i=1..h} damping**i)``,
    where ``c = (window - 1) / 2`` moves the mean from the window's centre to its last year.

    Parameters
    ----------
    ratios : ndarray, shape (A, K)
        Historical ratios, oldest first [ratio].
    window : int
        Years used for the slope.
    damping : float
        Damping factor phi in 0..1 (0 = no trend).
    horizon : int
        Forecast years.
    lead : float
        Extra steps already elapsed before step 1 [years].

    Returns
    -------
    ndarray, shape (A, horizon)
    """
    A = ratios.shape[0]
    if damping <= 0 or window < 2:
        return np.zeros((A, horizon))
    keep = _last_valid(ratios, window)
    x = np.where(keep, ratios, np.nan)
    t = np.broadcast_to(np.arange(ratios.shape[1], dtype=float), ratios.shape)
    tt = np.where(keep, t, np.nan)
    n = keep.sum(axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        tm = np.nanmean(tt, axis=1, keepdims=True)
        xm = np.nanmean(x, axis=1, keepdims=True)
        b = np.nansum((tt - tm) * (x - xm), axis=1) / np.nansum((tt - tm) ** 2, axis=1)
    b = np.where((n >= 2) & np.isfinite(b), b, 0.0)
    centre = np.where(n >= 2, (np.minimum(n, window) - 1) / 2.0, 0.0)
    steps = np.cumsum(damping ** np.arange(1, horizon + 1))
    return b[:, None] * (centre[:, None] + lead + steps[None, :])


def roll_forward(
    base: np.ndarray,
    ratios: np.ndarray,
    reception: np.ndarray,
    transfer=None,
    transfer_g: int | None = TRANSFER_NCY,
    known: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Roll the base year forward with survival ratios and a reception series.

    ``N[a, h, g+1] = src[a, h-1, g] * s[a, g]`` and ``N[a, h, 0] = reception[a, h]``.

    Parameters
    ----------
    base : ndarray, shape (A, G) or (A, G, D)
        Pupils in the base year [count] (trailing draw axis optional).
    ratios : ndarray, shape (A, G-1) or (A, H, G-1) (+ draw axis as ``base``)
        Survival ratios per transition, constant or by forecast year [ratio].
    reception : ndarray, shape (A, H) (+ draw axis)
        Reception pupils per forecast year [count]; NaN rows mean "no reception" (0).
    transfer : ndarray, shape (A, A), or sequence of Transfer, optional
        Transfer shares (see :func:`feeder_counts`).
    known : (ndarray of bool, ndarray), each shape (A, H, G), optional
        Cells whose value is known (a supplied intake) and their values [count]: each
        replaces the rolled value in its year, and the cohort rolls on from it.

    Returns
    -------
    ndarray, shape (A, H, G) (+ draw axis)
        Pupils by area, forecast year and year group [count]; never negative.
    """
    H = reception.shape[1]
    cur = np.nan_to_num(np.asarray(base, dtype=float))
    by_year = ratios.ndim == cur.ndim + 1
    out = np.empty((cur.shape[0], H) + cur.shape[1:])
    rec = np.nan_to_num(reception)
    moves = [t for t in transfers(transfer, transfer_g) if t.g < cur.shape[1] - 1]
    for h in range(H):  # each year depends on the previous one: loop over years only
        src = cur[:, :-1].copy()
        for t in moves:
            src[:, t.g] = _move(cur[:, t.g], t)
        s = ratios[:, h] if by_year else ratios
        nxt = np.empty_like(cur)
        nxt[:, 1:] = src * np.nan_to_num(s)
        nxt[:, 0] = rec[:, h]
        cur = np.maximum(nxt, 0.0)
        if known is not None:
            m, v = known[0][:, h], known[1][:, h]
            if cur.ndim > m.ndim:  # a trailing draw axis: the same known value in every draw
                m, v = m[..., None], v[..., None]
            cur = np.where(m, v, cur)
        out[:, h] = cur
    return out


#: fixed Holt damped-trend parameters (level alpha, trend beta, damping phi) of
#: ``project_series(method="holt_fixed")``, chosen by a births backtest (docs/forecast.md)
HOLT_FIXED = (0.7, 0.3, 0.5)


def _right_align(values: np.ndarray) -> np.ndarray:
    """Shift each row so its last observed value is in the last column; backfill leading NaN."""
    A, K = values.shape
    obs = ~np.isnan(values)
    last = np.where(obs.any(axis=1), K - 1 - np.argmax(obs[:, ::-1], axis=1), K - 1)
    shift = (K - 1) - last
    cols = np.arange(K)[None, :] - shift[:, None]
    out = np.where(cols >= 0, values[np.arange(A)[:, None], np.clip(cols, 0, None)], np.nan)
    # backfill leading NaN with the first observed value (no trend before the data)
    first = np.argmax(~np.isnan(out), axis=1)
    fill = out[np.arange(A), first]
    lead = np.arange(K)[None, :] < first[:, None]
    out = np.where(lead, fill[:, None], out)
    # interior gaps: carry the previous value forward
    for k in range(1, K):
        gap = np.isnan(out[:, k])
        out[gap, k] = out[gap, k - 1]
    return out


def holt_fixed(values: np.ndarray, horizon: int, params: tuple = HOLT_FIXED) -> np.ndarray:
    """Holt's damped-trend smoothing with fixed parameters, vectorised over rows.

    ``l_k = a y_k + (1 - a)(l_{k-1} + phi b_{k-1})``, ``b_k = beta (l_k - l_{k-1}) +
    (1 - beta) phi b_{k-1}``, forecast ``l_K + b_K (phi + ... + phi^h)``.

    Parameters
    ----------
    values : ndarray, shape (A, K)
        Series, oldest first; rows are right-aligned on their last observed value [count].
    horizon : int
        Steps after each row's last observed value.
    params : (alpha, beta, phi)

    Returns
    -------
    ndarray, shape (A, horizon)
    """
    a, bb, phi = params
    v = _right_align(np.asarray(values, dtype=float))
    lvl = v[:, 0].copy()
    tr = np.zeros(len(v)) if v.shape[1] < 2 else v[:, 1] - v[:, 0]
    for k in range(1, v.shape[1]):  # over years, vectorised over areas
        prev = lvl
        lvl = a * v[:, k] + (1 - a) * (lvl + phi * tr)
        tr = bb * (lvl - prev) + (1 - bb) * phi * tr
    steps = np.cumsum(phi ** np.arange(1, horizon + 1))
    return np.maximum(lvl[:, None] + tr[:, None] * steps[None, :], 0.0)


def project_series(
    values: np.ndarray, horizon: int, method: str = "holt_fixed", damping: float = 0.9
) -> np.ndarray:
    """Project annual series (births) ``horizon`` years beyond their last value.

    Parameters
    ----------
    values : ndarray, shape (A, K)
        Series by area, oldest first; trailing NaN allowed (each row projected from its own
        last value) [count].
    horizon : int
        Years to project.
    method : {"holt_fixed", "holt_damped", "flat", "drift"}
        ``holt_fixed``: :func:`holt_fixed` (vectorised, fixed parameters :data:`HOLT_FIXED`);
        ``holt_damped``: statsmodels ``ExponentialSmoothing(trend="add", damped_trend=True)``
        fitted per area on the last 15 values (falls back to ``drift`` if the fit fails or
        there are fewer than 6 values); ``flat``: last value carried; ``drift``: mean change of
        the last 5 years, damped by ``damping`` each year.

    Returns
    -------
    ndarray, shape (A, horizon)
        Projected values (non-negative) [count].
    """
    A = values.shape[0]
    out = np.full((A, horizon), np.nan)
    if horizon <= 0:
        return np.zeros((A, 0))
    if method == "holt_fixed":
        ok = (~np.isnan(values)).any(axis=1)
        if ok.any():
            out[ok] = holt_fixed(values[ok], horizon)
        return out
    if method not in ("holt_damped", "flat", "drift"):
        raise ConfigError(
            f"births_method {method!r}: expected holt_fixed, holt_damped, drift or flat"
        )
    phi = damping ** np.arange(1, horizon + 1)
    cum = np.cumsum(phi)
    for i in range(A):  # one small fit per area series (not per cell)
        v = values[i][~np.isnan(values[i])]
        if len(v) == 0:
            continue
        last = v[-1]
        if method == "flat" or len(v) < 2:
            out[i] = last
            continue
        k = min(5, len(v) - 1)
        drift = last + (v[-1] - v[-1 - k]) / k * cum
        if method == "drift" or len(v) < 6:
            out[i] = drift
            continue
        y = v[-15:]
        try:
            from statsmodels.tsa.holtwinters import ExponentialSmoothing

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fit = ExponentialSmoothing(
                    y, trend="add", damped_trend=True, initialization_method="estimated"
                ).fit()
                f = np.asarray(fit.forecast(horizon), dtype=float)
            out[i] = f if np.all(np.isfinite(f)) else drift
        except Exception as exc:  # statsmodels raises many types on degenerate series
            logger.info("Holt fit failed for series %d (%s); using damped drift", i, exc)
            out[i] = drift
    return np.maximum(out, 0.0)
