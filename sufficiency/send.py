"""SEND: education, health and care (EHC) plans -> special school place demand.

Method
------
1. **Plans by age band** for the authority, from the DfE SEN2 tables: bands ``0 to 4``,
   ``5 to 10``, ``11 to 15``, ``16 to 19`` and ``20 to 25`` (January 2010-2022 release; the
   DfE's "Under 5", "Age 5 to 10", ... without "Age", a form Excel does not read as a
   date), and single years of age summed to the same bands for 2023/24 and 2024/25 (2025
   release). 2022/23 is published as a total only; it is split over the bands in proportion
   to the mean of the 2021/22 and 2023/24 band shares (``kind = "derived"``).
2. **Prevalence** ``p(band, t) = plans / population`` with the derived population of
   :func:`sufficiency.early_years.cohort_population`.
3. **Projection** of log prevalence per band under named scenarios:

   * ``trend``: Holt's damped additive trend (as ``statsmodels.tsa.holtwinters.Holt``) with fixed
     smoothing parameters ``alpha, beta`` and damping ``phi`` (``[send]``), fitted from
     ``fit_from`` (default 2016/17; the 2014 reforms began in 2014/15) to the last year;
   * ``national``: prevalence grows at England's recent growth of plans (mean annual log
     growth over the last 3 years);
   * ``stops``: prevalence stays at its last value.

   Plans = prevalence x population forecast.
4. **Intervals** (80%) from the model's own rolling-origin backtest errors on the same
   authority (every origin from ``fit_from + 2``, each error's target year at most the last
   year): ``sd_{b,h}`` = root mean square of band ``b``'s own log errors at horizon ``h``
   (1-3 years; a horizon without errors ``sd_{b,1} sqrt(h)``); beyond 3 years
   ``sd_{b,3} sqrt(h / 3)``; band ranges are summed (perfectly correlated). Measured on the 14
   West Midlands authorities (``docs/send_interval_check.py``, 29 November 2026): 86% / 79% /
   81% of totals inside the nominal 80% range at 1 / 2 / 3 years, median half-width 12% / 18%
   / 22%. Until then ``sd_h`` was pooled over bands unweighted (``interval_method="pooled"``),
   so two small noisy bands set every band's range: 99% / 95% / 100%, 23% / 29% / 38%.
5. **Special school places** by school phase = plans x share of that band placed in special
   schools in the latest year with ages (state-funded special schools, plus independent and
   non-maintained special schools when ``count_independent``): bands 0 to 4 and 5 to 10 ->
   ``special_primary``, 11 to 15 -> ``special_secondary``, 16 to 19 and 20 to 25 ->
   ``special_post16``.
   Split by primary need with the need shares of special school plans (latest year), because
   the DfE does not publish age x placement x need.
6. **Capacity**: ``[send] capacity`` by phase when given (all three phases: a phase left out
   is an error, not 0 places); otherwise today's placements in state-funded special schools
   (places are full), stated as an assumption wherever used.
   ``shortfall = max(0, places - capacity)``.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import nomenclature as nc
from ._frozen import FrozenDict
from ._values import (
    Section,
    authority_label,
    did_you_mean,
    expected_area,
    is_number,
    is_whole,
    joined,
    value_and_range,
)
from .early_years import Z80, _as_inputs, authority_population, check_population, cohort_population
from .exceptions import ConfigError, DataQualityWarning
from .io._common import Provenance

__all__ = [
    "BANDS",
    "BAND_PHASE",
    "SCENARIOS",
    "SendResult",
    "forecast_send",
    "plans_by_band",
    "project_prevalence",
    "backtest_send",
    "backtest_table",
    "interval_sds",
    "combine_band_ranges",
    "INTERVAL_METHODS",
    "backtest_authority",
    "central_scenario",
    "totals_by_year",
]

logger = logging.getLogger(__name__)

#: Age bands published in every SEN2 release (ages at 31 August) [years], labelled as the DfE
#: words them without "Age" ("Age 5 to 10" -> "5 to 10"; "Under 5" -> "0 to 4"): a label
#: such as "5-10" or "11-15" is read by Excel, opening a CSV, as a date (5 October, November
#: 2015), so no band label the engine writes has the form "N-M" (CSV, xlsx, JSON, report, logs).
BANDS = FrozenDict(
    {
        "0 to 4": tuple(range(0, 5)),
        "5 to 10": tuple(range(5, 11)),
        "11 to 15": tuple(range(11, 16)),
        "16 to 19": tuple(range(16, 20)),
        "20 to 25": tuple(range(20, 26)),
    }
)
#: Age band -> special school phase.
BAND_PHASE = FrozenDict(
    {
        "0 to 4": "special_primary",
        "5 to 10": "special_primary",
        "11 to 15": "special_secondary",
        "16 to 19": "special_post16",
        "20 to 25": "special_post16",
    }
)
SPECIAL_PHASES = ("special_primary", "special_secondary", "special_post16")
#: Each special school phase in words, by the ages of its bands (summaries and the report;
#: the ages in the bands' form, "0 to 10").
SEND_PHASE_LABELS = FrozenDict(
    {
        "special_primary": "primary age (0 to 10)",
        "special_secondary": "secondary age (11 to 15)",
        "special_post16": "post-16 (16 to 25)",
    }
)


def by_age(column: pd.Series) -> pd.Series:
    """Sort key (``DataFrame.sort_values(key=...)``) putting a ``band`` column in order of
    age ("0 to 4", "5 to 10", "11 to 15", ..., "20 and over", then "all"), not of text
    ("11 to 15" before "5 to 10"); any other column as it is."""
    if column.name != "band":
        return column
    ages = column.astype(str).str.extract(r"^(\d+)(?:\D+(\d+))?")
    first = pd.to_numeric(ages[0], errors="coerce").fillna(1000.0)
    return first + pd.to_numeric(ages[1], errors="coerce").fillna(first) / 1000.0


#: the band of the secondary-age special places (the derived population's transfer warning)
_SECONDARY_BAND = "11 to 15"
SCENARIOS = ("trend", "national", "stops")
_DEFAULTS = FrozenDict(
    {
        "alpha": 0.8,
        "beta": 0.2,
        "phi": 0.85,
        "fit_from": 2016,
        "count_independent": True,
        "national_window": 3,
    }
)
_SEN2_FILES = FrozenDict(
    {
        "age": "ehcp_2022_sen2_age_caseload.csv",
        "caseload": "ehcp_2025_caseload.csv",
        "needs": "ehcp_2025_sen_needs_all_plans.csv",
    }
)


#: how the notes begin when the special school capacity is the engine's assumption (the
#: report reads it to say which capital rests on an assumption)
ASSUMED_CAPACITY_NOTE = "ASSUMPTION: no public capacity figure for special schools"


#: the youngest age of an age label: ``"5"``, ``"0 to 2"``, ``"20 and over"`` (and the
#: forms before November 2026, ``"0-2"``, ``"20+"``, in a frame built by a caller)
_LOWEST_AGE = re.compile(r"^(\d+)(?:$| to \d+$| and over$|-\d+$|\+$)")


#: single year of age -> its band
_BAND_OF_AGE = FrozenDict({a: band for band, ages in BANDS.items() for a in ages})


def _band_of_age(age: pd.Series) -> np.ndarray:
    """Band of a SEN2 age label (single years, ``0 to 2``, ``20 and over``, or already a band).

    The band is the one holding the label's youngest age; labels of the earlier form
    (``"5-10"``, ``"0-2"``, ``"20+"``) map to the same bands. Anything else (``"all"``) has
    no band (``None``).
    """
    labels = age.astype(str).str.strip()
    lowest = pd.to_numeric(labels.str.extract(_LOWEST_AGE)[0], errors="coerce")
    band = lowest.map(_BAND_OF_AGE).where(~labels.isin(BANDS), labels)
    return band.astype(object).where(band.notna(), None).to_numpy()


def plans_by_band(age: pd.DataFrame, caseload: pd.DataFrame, area: str) -> pd.DataFrame:
    """EHC plans by age band and year for one area (see the module docstring, step 1).

    Parameters
    ----------
    age : DataFrame
        :func:`~sufficiency.io.sen2.read_sen2_age` data.
    caseload : DataFrame
        :func:`~sufficiency.io.sen2.read_sen2_caseload` data.
    area : str
        Authority code.

    Returns
    -------
    DataFrame
        ``area, year, band, plans`` [count], ``kind`` (``actual`` | ``derived``).
    """
    a = age[(age[nc.AREA] == area) & (age["age"] != "all")]
    a = a.assign(band=_band_of_age(a["age"])).dropna(subset=["band"])
    a = a.groupby([nc.YEAR, "band"], as_index=False)[nc.PLANS].sum().assign(**{nc.KIND: "actual"})
    c = caseload[(caseload[nc.AREA] == area) & (caseload["placement"] == "all")]
    single = c[c["age"] != "all"]
    single = single.assign(band=_band_of_age(single["age"])).dropna(subset=["band"])
    s = (
        single.groupby([nc.YEAR, "band"], as_index=False)[nc.PLANS]
        .sum()
        .assign(**{nc.KIND: "actual"})
    )
    s = s[~s[nc.YEAR].isin(a[nc.YEAR])]
    out = pd.concat([a, s], ignore_index=True)
    totals = c[c["age"] == "all"].set_index(nc.YEAR)[nc.PLANS]
    have = set(out[nc.YEAR])
    gaps = [y for y in totals.index if y not in have and (y - 1) in have and (y + 1) in have]
    if gaps:
        wide = out.pivot(index=nc.YEAR, columns="band", values=nc.PLANS)
        shares = wide.div(wide.sum(axis=1), axis=0)
        fill = []
        for y in gaps:
            sh = (shares.loc[y - 1] + shares.loc[y + 1]) / 2
            fill.append(
                pd.DataFrame(
                    {
                        nc.YEAR: y,
                        "band": sh.index,
                        nc.PLANS: sh.to_numpy() * float(totals.loc[y]),
                        nc.KIND: "derived",
                    }
                )
            )
        out = pd.concat([out] + fill, ignore_index=True)
    out.insert(0, nc.AREA, area)
    return out.sort_values([nc.YEAR, "band"], key=by_age).reset_index(drop=True)


def _total_series(age: pd.DataFrame, caseload: pd.DataFrame, area: str) -> pd.Series:
    """Total plans by year (2025 release preferred where both have the year)."""
    c = caseload[
        (caseload[nc.AREA] == area) & (caseload["age"] == "all") & (caseload["placement"] == "all")
    ].set_index(nc.YEAR)[nc.PLANS]
    a = age[(age[nc.AREA] == area) & (age["age"] == "all")].set_index(nc.YEAR)[nc.PLANS]
    return pd.concat([a[~a.index.isin(c.index)], c]).sort_index()


def project_prevalence(
    log_p: np.ndarray,
    steps: int,
    scenario: str,
    *,
    alpha: float = 0.8,
    beta: float = 0.2,
    phi: float = 0.85,
    national_growth: float = 0.0,
) -> np.ndarray:
    """Project a log-prevalence series ``steps`` years ahead under a scenario.

    Parameters
    ----------
    log_p : ndarray
        Log prevalence, consecutive years [log(plans per child)].
    steps : int
        Years ahead.
    scenario : {"trend", "national", "stops"}
    alpha, beta, phi : float
        Holt smoothing of level and trend, and damping [-].
    national_growth : float
        Annual log growth used by ``national`` [1/year].

    Returns
    -------
    ndarray
        Projected log prevalence, length ``steps``.

    Notes
    -----
    ``trend``: Holt's damped additive trend, forecast
    ``l_T + (phi + ... + phi^h) b_T``; initial trend ``d = y_1 - y_0`` and level ``y_0 - d``.
    """
    y = np.asarray(log_p, dtype=float)
    h = np.arange(1, steps + 1)
    if scenario == "stops" or len(y) < 2:
        return np.full(steps, y[-1])
    if scenario == "national":
        return y[-1] + national_growth * h
    if scenario != "trend":
        raise ConfigError(
            f"unknown SEND scenario {scenario!r}; expected one of {', '.join(SCENARIOS)}"
        )
    # the level before the first year is y_0 - d and the trend d = y_1 - y_0, so that an
    # exactly linear series is reproduced when phi = 1
    d = y[1] - y[0]
    return holt_damped_forecast(y, steps, alpha, beta, phi, y[0] - d, d)


def holt_damped_forecast(
    y: np.ndarray, steps: int, alpha: float, beta: float, phi: float, level0: float, trend0: float
) -> np.ndarray:
    """Holt's damped additive trend with fixed parameters and a known initial state.

    The same numbers as statsmodels' ``Holt(y, damped_trend=True,
    initialization_method="known", initial_level=level0, initial_trend=trend0).fit(
    smoothing_level=alpha, smoothing_trend=beta, damping_trend=phi, optimized=False)
    .forecast(steps)`` (``tests/test_send.py`` checks it against statsmodels), without
    importing ``statsmodels.tsa`` (about 1.8 s, on the report's critical path):
    ``l_k = alpha y_k + (1 - alpha)(l_{k-1} + phi b_{k-1})``,
    ``b_k = beta (l_k - l_{k-1}) + (1 - beta) phi b_{k-1}``, forecast
    ``l_T + (phi + ... + phi^h) b_T``.
    """
    level, trend = float(level0), float(trend0)
    for yk in np.asarray(y, dtype=float):  # over the years of one short series
        new = alpha * yk + (1.0 - alpha) * (level + phi * trend)
        trend = beta * (new - level) + (1.0 - beta) * phi * trend
        level = new
    return level + trend * np.cumsum(phi ** np.arange(1, steps + 1))


def _national_growth(total: pd.Series, origin: int, window: int) -> float:
    s = total[total.index <= origin].sort_index()
    if len(s) < 2:
        return 0.0
    g = np.diff(np.log(s.to_numpy(dtype=float)))[-window:]
    return float(g.mean())


def _forecast_bands(
    prev: pd.DataFrame, origin: int, steps: int, scenario: str, params, national_growth: float
) -> pd.DataFrame:
    """Prevalence forecasts per band from data up to ``origin``: ``band, year, step, log_p``."""
    rows = []
    for band, g in prev[(prev[nc.YEAR] <= origin) & (prev[nc.YEAR] >= params["fit_from"])].groupby(
        "band"
    ):
        g = g.sort_values(nc.YEAR)
        yrs = g[nc.YEAR].to_numpy()
        if len(yrs) == 0 or yrs[-1] != origin or (np.diff(yrs) != 1).any():
            continue
        lp = np.log(np.clip(g["prevalence"].to_numpy(dtype=float), 1e-9, None))
        f = project_prevalence(
            lp,
            steps,
            scenario,
            alpha=params["alpha"],
            beta=params["beta"],
            phi=params["phi"],
            national_growth=national_growth,
        )
        rows.append(
            pd.DataFrame(
                {
                    "band": band,
                    nc.YEAR: origin + np.arange(1, steps + 1),
                    "step": np.arange(1, steps + 1),
                    "log_p": f,
                }
            )
        )
    if not rows:
        return pd.DataFrame(columns=["band", nc.YEAR, "step", "log_p"])
    return pd.concat(rows, ignore_index=True)


def _prevalence(bands: pd.DataFrame, pop: pd.DataFrame) -> pd.DataFrame:
    p = pop.assign(band=_band_of_age(pop["age"])).dropna(subset=["band"])
    p = p.groupby([nc.YEAR, "band"], as_index=False)["population"].sum()
    m = bands.merge(p, on=[nc.YEAR, "band"], how="inner")
    return m.assign(prevalence=m[nc.PLANS] / m["population"])


#: interval methods (:func:`interval_sds`), measured by ``docs/send_interval_check.py``
INTERVAL_METHODS = (
    "pooled",
    "band",
    "weighted",
    "quadrature",
    "correlated",
    "shrunk",
    "total",
    "total_max",
)


def _band_errors(
    prev: pd.DataFrame,
    params,
    national: pd.Series,
    last: int,
    scenario: str = "trend",
    max_h: int = 3,
) -> pd.DataFrame:
    """The trend's rolling-origin errors on one authority, every target year at most ``last``:
    ``origin, step, band, e`` (log error of the band's plans: forecast / actual) and ``plans``,
    ``forecast`` (the band's actual and forecast plans)."""
    parts = []
    for origin in range(params["fit_from"] + 2, last):
        steps = min(max_h, last - origin)
        f = _forecast_bands(
            prev,
            origin,
            steps,
            scenario,
            params,
            _national_growth(national, origin, params["national_window"]),
        )
        m = f.merge(
            prev[["band", nc.YEAR, "prevalence", "population", nc.PLANS]], on=["band", nc.YEAR]
        )
        if m.empty:
            continue
        parts.append(
            pd.DataFrame(
                {
                    "origin": origin,
                    "step": m["step"].astype(int).to_numpy(),
                    "band": m["band"].to_numpy(),
                    "e": (m["log_p"] - np.log(m["prevalence"])).to_numpy(dtype=float),
                    nc.PLANS: m[nc.PLANS].to_numpy(dtype=float),
                    "forecast": (np.exp(m["log_p"]) * m["population"]).to_numpy(dtype=float),
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=["origin", "step", "band", "e", nc.PLANS, "forecast"])
    return pd.concat(parts, ignore_index=True)


def _rms_by_h(errs: pd.DataFrame, max_h: int, min_n: int, weights: str | None = None):
    """RMS of ``e`` at each horizon 1..max_h (optionally weighted by a column); a horizon with
    fewer than ``min_n`` errors scales the horizon-1 figure as a random walk."""
    sd = np.full(max_h, np.nan)
    for h in range(1, max_h + 1):
        x = errs[errs["step"] == h]
        if len(x) >= min_n and len(x):
            w = x[weights].to_numpy(dtype=float) if weights else np.ones(len(x))
            sd[h - 1] = np.sqrt(np.sum(w * x["e"].to_numpy() ** 2) / np.sum(w))
    for i in range(1, max_h):
        if not np.isfinite(sd[i]):
            sd[i] = sd[0] * np.sqrt(i + 1)
    return sd


def interval_sds(errs: pd.DataFrame, method: str = "band", max_h: int = 3) -> dict:
    """Log-scale sds by horizon 1..max_h for the 80% ranges, from :func:`_band_errors`.

    Returns ``{band: sd array}`` (per-band methods) or ``{None: sd array}`` (one sd for every
    band, or for the total), and ``"rho"``: the correlation assumed between band errors when
    band ranges are combined (1: ranges added; 0: in quadrature).

    Methods: ``pooled`` (before 29 November 2026: RMS pooled over bands unweighted, so small
    noisy bands dominate; at least 3 errors), ``band`` (each band's own RMS), ``weighted``
    (pooled, weighted by the band's plans), ``quadrature`` (each band's own, combined as
    independent), ``correlated`` (each band's own, combined with the correlation estimated
    from the standardised band errors), ``shrunk`` (each band's own shrunk towards the
    plans-weighted pooled sd with the weight of 3 errors), ``total`` (RMS of the errors of
    the total), ``total_max`` (largest absolute error of the total).

    Raises
    ------
    ValueError
        Too few errors (no one-year error for the method).
    """
    if method not in INTERVAL_METHODS:
        raise ValueError(f"interval method {method!r}: expected one of {INTERVAL_METHODS}")
    if errs.empty or not (errs["step"] == 1).any():
        raise ValueError("no one-year backtest errors")
    if method == "pooled":
        sd = _rms_by_h(errs, max_h, 3)
        if not np.isfinite(sd[0]):
            raise ValueError("fewer than 3 one-year backtest errors")
        return {None: sd, "rho": 1.0}
    if method in ("weighted",):
        return {None: _rms_by_h(errs, max_h, 1, weights=nc.PLANS), "rho": 1.0}
    if method in ("total", "total_max"):
        t = errs.groupby(["origin", "step"], as_index=False)[[nc.PLANS, "forecast"]].sum()
        t["e"] = np.log(t["forecast"] / t[nc.PLANS])
        if method == "total":
            return {None: _rms_by_h(t, max_h, 1), "rho": 1.0}
        sd = np.full(max_h, np.nan)
        for h in range(1, max_h + 1):
            x = t.loc[t["step"] == h, "e"]
            if len(x):
                sd[h - 1] = float(np.abs(x).max()) / Z80
        for i in range(1, max_h):
            if not np.isfinite(sd[i]):
                sd[i] = sd[0] * np.sqrt(i + 1)
        return {None: sd, "rho": 1.0}
    out: dict = {}
    pooled = _rms_by_h(errs, max_h, 1, weights=nc.PLANS)
    for band, g in errs.groupby("band"):
        if not (g["step"] == 1).any():
            continue
        sd = _rms_by_h(g, max_h, 1)
        if method == "shrunk":
            k = 3.0
            n = np.array([(g["step"] == h).sum() for h in range(1, max_h + 1)], dtype=float)
            sd = np.sqrt((n * sd**2 + k * pooled**2) / (n + k))
        out[band] = sd
    out[None] = pooled  # a band without errors of its own
    rho = 1.0
    if method == "quadrature":
        rho = 0.0
    elif method == "correlated":
        num = den = 0.0
        for _, g in errs.groupby(["origin", "step"]):
            z = np.array([e / out[b][int(h) - 1] for b, e, h in zip(g["band"], g["e"], g["step"])])
            num += float(z.sum() ** 2 - (z**2).sum())
            den += len(z) * (len(z) - 1)
        rho = float(np.clip(num / den, 0.0, 1.0)) if den else 1.0
    out["rho"] = rho
    return out


def combine_band_ranges(plans: np.ndarray, sd: np.ndarray, rho: float = 1.0):
    """80% range of a sum of band forecasts ``plans`` with log-scale sds ``sd``: the band
    ranges added when ``rho = 1`` (perfect correlation), otherwise the sum's log sd from the
    bands' (delta method) with a common correlation ``rho``. Returns ``(lower, upper)``."""
    plans = np.asarray(plans, dtype=float)
    sd = np.asarray(sd, dtype=float)
    if rho >= 1.0:
        return float(np.sum(plans * np.exp(-Z80 * sd))), float(np.sum(plans * np.exp(Z80 * sd)))
    tot = plans.sum()
    a = plans * sd / tot
    var = rho * a.sum() ** 2 + (1.0 - rho) * np.sum(a**2)
    s = float(np.sqrt(var))
    return float(tot * np.exp(-Z80 * s)), float(tot * np.exp(Z80 * s))


#: the methods :func:`forecast_send` offers: those whose age-group ranges add up to the
#: ranges of phases and totals (``quadrature`` and ``correlated`` are measured only)
FORECAST_INTERVAL_METHODS = ("band", "pooled", "weighted", "shrunk", "total", "total_max")


def _forecast_sds(prev, params, national, last: int, method: str) -> dict:
    """:func:`interval_sds` of the authority's backtest errors to ``last``; a one-line
    ConfigError when there are too few."""
    errs = _band_errors(prev, params, national, last)
    try:
        return interval_sds(errs, method)
    except ValueError:
        n = int((errs["step"] == 1).sum()) if not errs.empty else 0
        raise ConfigError(
            f"[send] fit_from = {params['fit_from']}: the SEND intervals need "
            f"{'at least 3 ' if method == 'pooled' else ''}one-year backtest errors from "
            f"rolling origins {params['fit_from'] + 2} to {last - 1} (plans to "
            f"{nc.academic_year_label(last)}), and these give {n}; expected an earlier fit_from "
            f"(the default is {_DEFAULTS['fit_from']})"
        ) from None


def _band_sd_at(sds: dict, bands: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """Log sd of each (band, step): the band's own sds where it has them, else the common."""
    out = np.empty(len(bands))
    for i, (b, s) in enumerate(zip(bands, steps)):
        sd = sds.get(b, sds.get(None))
        out[i] = _sd_at(np.asarray(sd), np.array([s]))[0]
    return out


def _headline_sd(sds: dict, plans: pd.Series) -> np.ndarray:
    """One sd per horizon to state: the common one, or the age groups' weighted by plans."""
    own = {b: v for b, v in sds.items() if b not in (None, "rho")}
    if not own:
        return np.asarray(sds[None])
    w = np.array([float(plans.get(b, 0.0)) for b in own])
    if w.sum() <= 0:
        w = np.ones(len(own))
    return np.average(np.vstack(list(own.values())), axis=0, weights=w)


def _interval_words(method: str, sds: dict) -> str:
    """Whose errors the ranges come from, in words (the note on the intervals)."""
    if method in ("total", "total_max"):
        return (
            "These are errors of the total plans"
            + (" (the largest of them)" if method == "total_max" else "")
            + ", applied to every age group, so a total's range is the total's own."
        )
    if method in ("pooled", "weighted"):
        return (
            "These are errors of one age group's plans, pooled over the age groups"
            + (" (weighted by their plans)" if method == "weighted" else "")
            + ", not of the total: a total's range adds its age groups' ranges, so it is "
            "wider than the total's own past errors."
        )
    own = {b: sds[b] for b in BANDS if b in sds}
    return (
        "These are errors of one age group's plans, each age group's range from its own "
        "errors"
        + (" (shrunk towards the errors of all of them)" if method == "shrunk" else "")
        + " (1 year ahead: "
        + ", ".join(f"ages {b} {np.expm1(v[0]):.0%}" for b, v in own.items())
        + "; the figures above are their average weighted by plans), not of the total: a "
        "total's range adds its age groups' ranges, so it is wider than the total's own "
        "past errors."
    )


def _sd_at(sd: np.ndarray, steps: np.ndarray) -> np.ndarray:
    n = len(sd)
    s = np.asarray(steps, dtype=int)
    return np.where(s <= n, sd[np.clip(s, 1, n) - 1], sd[-1] * np.sqrt(s / n))


# ---------------------------------------------------------------------------------------------
# Result
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SendResult:
    """Special school place demand from EHC plans, by phase, need, scenario and year.

    Attributes
    ----------
    data : DataFrame
        ``area, year, phase, need, scenario, plans, places, places_lower, places_upper,
        capacity, shortfall, kind`` (``need = "all"`` rows; need rows in :attr:`needs`).
        ``kind``: ``actual`` in the latest year of plans (published placements), ``derived``
        before it (plans x that year's special school shares; capacity blank), ``forecast``
        after it.
    plans : DataFrame
        Plans by band and year, history and forecast (``band, year, scenario, plans,
        plans_lower, plans_upper, population, prevalence, kind``).
    needs : DataFrame
        ``need, share`` of special school plans by primary need (latest year).
    config : mapping
        Parameters used.
    provenance, notes, warnings : tuples
    coverage : float
        Nominal coverage of the lower/upper columns (0.8).
    placement_shares : DataFrame
        ``band, placement, share`` of plans by type of placement (latest year with ages).
    """

    data: pd.DataFrame
    plans: pd.DataFrame
    needs: pd.DataFrame
    config: Mapping[str, Any]
    provenance: tuple[Provenance, ...] = ()
    placement_shares: pd.DataFrame | None = None
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    coverage: float = 0.8

    def to_frame(self, by_need: bool = False) -> pd.DataFrame:
        """Tidy table ``area, year, phase, need, scenario, places, places_lower, places_upper,
        capacity, shortfall, kind`` [places]; with ``by_need`` one row per primary need
        (places split by need shares; capacity and shortfall of the phase left blank)."""
        cols = [
            nc.AREA,
            nc.YEAR,
            nc.PHASE,
            "need",
            "scenario",
            "places",
            "places_lower",
            "places_upper",
            nc.CAPACITY,
            "shortfall",
            nc.KIND,
        ]
        d = self.data
        if not by_need:
            return d[cols].reset_index(drop=True)
        parts = []
        for need, share in zip(self.needs["need"], self.needs["share"]):
            p = d.assign(need=need)
            for c in ("places", "places_lower", "places_upper"):
                p[c] = d[c] * share
            p[nc.CAPACITY] = np.nan
            p["shortfall"] = np.nan
            parts.append(p)
        out = pd.concat(parts, ignore_index=True)[cols]
        return out.sort_values([nc.AREA, "scenario", nc.PHASE, nc.YEAR, "need"]).reset_index(
            drop=True
        )

    def by_placement(self) -> pd.DataFrame:
        """EHC plans by age band, type of placement (:data:`~sufficiency.io.sen2.PLACEMENTS`),
        scenario and year: ``area, year, band, placement, scenario, plans, plans_lower,
        plans_upper, kind`` [count]. Forecast years use the latest year's placement shares;
        past years are plans x those shares too (``derived``), except the latest (``actual``)."""
        sh = self.placement_shares
        m = self.plans.merge(sh, on="band", how="inner")
        out = m.assign(**{nc.AREA: self.config["authority"]})
        for c in (nc.PLANS, "plans_lower", "plans_upper"):
            out[c] = m[c] * m["share"]
        share_year = int(self.config["share_year"])
        out.loc[(out[nc.KIND] != "forecast") & (out[nc.YEAR] != share_year), nc.KIND] = "derived"
        cols = [
            nc.AREA,
            nc.YEAR,
            "band",
            "placement",
            "scenario",
            nc.PLANS,
            "plans_lower",
            "plans_upper",
            nc.KIND,
        ]
        return (
            out[cols]
            .sort_values(["scenario", "band", "placement", nc.YEAR], key=by_age)
            .reset_index(drop=True)
        )

    def demand_frame(self, scenario: str | None = None, by_phase: bool = False) -> pd.DataFrame:
        """For the optimiser: ``area, phase, year, places, places_lower, places_upper,
        capacity`` [places] of one scenario (default: the model's central scenario), forecast
        years only.

        ``phase`` is ``"special"`` (special school places of all ages summed, as the plan's
        ``[plan.special]`` options serve them), or with ``by_phase`` the school phase
        (``special_primary``, ``special_secondary``, ``special_post16``).
        """
        sc = scenario or self.config["scenario"]
        if sc not in set(self.data["scenario"]):
            raise ConfigError(
                f"SEND scenario {sc!r} not in the result; expected one of "
                f"{', '.join(sorted(set(self.data['scenario'])))}"
            )
        d = self.data[(self.data["scenario"] == sc) & (self.data[nc.KIND] == "forecast")]
        cols = [nc.AREA, nc.PHASE, nc.YEAR, "places", "places_lower", "places_upper", nc.CAPACITY]
        if by_phase:
            return d[cols].reset_index(drop=True)
        g = d.groupby([nc.AREA, nc.YEAR], as_index=False)[cols[3:]].sum()
        g[nc.PHASE] = "special"
        return g[cols].reset_index(drop=True)

    def summary(self) -> str:
        """Short table: places by phase now, in 5 years and at the horizon, per scenario."""
        d = (
            self.data[self.data[nc.AREA] == self.config["authority"]]
            if (self.config["authority"] in set(self.data[nc.AREA]))
            else self.data
        )
        d = d.groupby([nc.YEAR, nc.PHASE, "scenario"], as_index=False)[
            ["places", "places_lower", "places_upper", nc.CAPACITY, "shortfall"]
        ].sum(min_count=1)
        base = int(self.config["base_year"])
        last = int(d[nc.YEAR].max())
        # each year once (a Dudley trial's --horizon 3 printed 2027/28 twice)
        show = sorted({base, min(base + 5, last), last})
        width = max(len(v) for v in SEND_PHASE_LABELS.values()) + 2
        lines = [
            f"Special school places, {authority_label(self.config)}, from EHC plans ("
            f"{'state + independent' if self.config['count_independent'] else 'state-funded'}"
            f" special placements), 80% range:",
            f"{'ages':<{width}}{'scenario':<10}"
            + "".join(f"{nc.academic_year_label(y):>22}" for y in show)
            + f"{'capacity':>10}",
        ]
        # youngest first and in words (the table printed the engine's special_post16 first)
        order = {p: i for i, p in enumerate(SEND_PHASE_LABELS)}
        for (phase, sc), g in sorted(
            d.groupby([nc.PHASE, "scenario"]), key=lambda k: (order.get(k[0][0], len(order)), k[0])
        ):
            g = g.set_index(nc.YEAR)
            cells = "".join(
                value_and_range(
                    g.at[y, "places"], g.at[y, "places_lower"], g.at[y, "places_upper"]
                ).rjust(22)
                for y in show
            )
            lines.append(
                f"{SEND_PHASE_LABELS.get(phase, phase):<{width}}{sc:<10}{cells}"
                f"{g.at[last, nc.CAPACITY]:>10,.0f}"
            )
        cen = d[(d["scenario"] == self.config["scenario"]) & (d[nc.YEAR] == last)]
        lines.append(
            f"Shortfall {nc.academic_year_label(last)} ({self.config['scenario']}): "
            f"{cen['shortfall'].sum():,.0f} places (counted by age group, no margin, "
            "in the forecast's last year; the plan and the report also give the "
            "shortfall with the margin in the plan's last year)."
        )
        # a note that is also a warning is said once, as the warning (the CLI shows those)
        lines += [f"Note: {n}" for n in self.notes if n not in set(self.warnings)]
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Forecast
# ---------------------------------------------------------------------------------------------
#: growth of the census cohorts from Year 6 to Year 7 above which the derived population of
#: ages 11 to 15 is flagged (the 14 authorities: 0.92-1.07, and Solihull 1.22)
TRANSFER_GROWTH_TOLERANCE = 0.10


def _secondary_transfer_warning(inputs, popb: pd.DataFrame, first: int, last: int, cfg):
    """The warning that the derived population of ages 11 to 15 moves with the authority's own
    Year 6 -> Year 7 growth (or ``None`` when it is within the tolerance).

    The population counts each cohort at its latest census (pupils at the authority's
    schools), so a cohort already at secondary school carries the pupils who joined (or left)
    the authority's schools at 11 and a younger one does not. A Solihull trial: Year 7 23%
    above the previous year's Year 6 (2020/21-2022/23), ages 11 to 15 14,199 in 2024/25 and
    11,038 in 2034/35 (-22%) while the births of those cohorts fall 7%, so the 'stops'
    scenario's secondary-age places fell 22% (454 to 353) with no change in prevalence.
    """
    pupils = getattr(inputs, "authority_pupils", None)
    if pupils is None or pupils.empty:
        return None
    wide = pupils.pivot_table(index=nc.YEAR, columns=nc.NCY, values=nc.PUPILS, aggfunc="sum")
    if 6 not in wide or 7 not in wide:
        return None
    ratio = (wide[7] / wide[6].shift(1)).dropna().tail(3)
    if ratio.empty or abs(float(ratio.mean()) - 1) <= TRANSFER_GROWTH_TOLERANCE:
        return None
    g = float(ratio.mean())
    band = popb[popb["band"] == _SECONDARY_BAND].set_index(nc.YEAR)["population"]
    if first not in band.index or last not in band.index:
        return None
    a, b = float(band[first]), float(band[last])
    who = authority_label({"authority": cfg.authority, "authority_name": cfg.authority_name})
    years = f"{nc.academic_year_label(int(ratio.index.min()))}-" + nc.academic_year_label(
        int(ratio.index.max())
    )
    return (
        f"Population of ages {_SECONDARY_BAND} (secondary-age special places): {who}'s census counts "
        f"{abs(g - 1):.0%} {'more' if g > 1 else 'fewer'} pupils in Year 7 than in Year 6 the "
        f"year before ({years}): the census counts pupils at its schools, not its residents, "
        f"and pupils {'join' if g > 1 else 'leave'} them at 11. The derived population counts "
        "each cohort at its latest census, so cohorts already at secondary school carry that "
        f"{'growth' if g > 1 else 'fall'} and younger ones do not: ages {_SECONDARY_BAND} "
        f"number {a:,.0f} in {nc.academic_year_label(first)} and {b:,.0f} in "
        f"{nc.academic_year_label(last)} ({b / a - 1:+.0%}), and the secondary-age places of "
        "every scenario move with that, not with a change in prevalence; read their trend "
        "with care."
    )


#: how an error names a value given as an argument of forecast_send (not the model file)
_ARG_WHERE = "keyword argument (forecast_send)"


def _params(sec: Mapping[str, Any], path, **overrides) -> dict:
    p = dict(_DEFAULTS)
    for k in _DEFAULTS:
        if k in sec:
            p[k] = sec[k]
    given = {k: v for k, v in overrides.items() if v is not None}
    # a value given as a keyword argument is blamed on the call, not on the file (a library
    # trial was told "[send] alpha = 2" of forecast_send(alpha=2))
    for s in (Section("keyword argument (forecast_send)", given), Section(f"{path}: [send]", p)):
        for k in ("alpha", "beta", "phi"):
            s.check(k, lambda v: is_number(v) and 0 <= float(v) <= 1, "a number in [0, 1]")
        s.check("fit_from", is_whole, "a year")
        s.check(
            "national_window",
            lambda v: is_whole(v) and 1 <= v <= 10,
            "a whole number of years, 1..10",
        )
        s.check("count_independent", lambda v: isinstance(v, bool), "true or false")
    p.update(given)
    for k in ("alpha", "beta", "phi"):
        p[k] = float(p[k])
    return p


def special_capacity(value: Any, where: str, complete: bool = True) -> dict[str, float]:
    """Special school places by phase from ``[send] capacity`` [places].

    In a model definition (``complete=True``) every phase of :data:`SPECIAL_PHASES` must be
    given: a phase left out is not a phase with no places, and the engine cannot tell how
    many it has. To use today's state-funded placements as capacity (the default
    assumption), leave ``capacity`` out altogether. The ``capacity`` argument of
    :func:`forecast_send` (``complete=False``) gives 0 places to a phase it leaves out.

    Raises
    ------
    ConfigError
        Not a table, an unknown or missing phase, or a value that is not a number >= 0.
    """
    if not isinstance(value, Mapping):
        raise ConfigError(
            f"{where} capacity = {value!r}: expected a table "
            "{ special_primary = places, special_secondary = places, "
            "special_post16 = places }"
        )
    unknown = sorted(set(map(str, value)) - set(SPECIAL_PHASES))
    if unknown:
        raise ConfigError(
            f"{where} capacity: unknown phase {unknown[0]!r}"
            f"{did_you_mean(unknown[0], SPECIAL_PHASES)}; "
            f"expected {', '.join(SPECIAL_PHASES)}"
        )
    missing = [ph for ph in SPECIAL_PHASES if ph not in value]
    if not complete:
        value = {**dict.fromkeys(missing, 0.0), **value}
    elif missing:
        raise ConfigError(
            f"{where} capacity gives {', '.join(map(str, value)) or 'no phase'} but not "
            f"{', '.join(missing)}: expected places for every phase ({', '.join(SPECIAL_PHASES)}); "
            "a phase left out is unknown, not 0 places (leave capacity out to use today's "
            "state-funded placements for all three)"
        )
    out = {}
    for ph in SPECIAL_PHASES:
        v = value[ph]
        if not is_number(v) or not v >= 0:
            raise ConfigError(f"{where} capacity.{ph} = {v!r}: expected a number of places >= 0")
        out[ph] = float(v)
    return out


def _load_sen2(cfg, sec) -> tuple[dict, tuple[Provenance, ...]]:
    from .io.sen2 import read_sen2_age, read_sen2_caseload, read_sen2_needs

    readers = {"age": read_sen2_age, "caseload": read_sen2_caseload, "needs": read_sen2_needs}
    files = dict(sec.get("files", {}))
    default_dir = cfg.data["pupils"].path.parent
    out, prov = {}, []
    for k, reader in readers.items():
        p = cfg.resolve(files[k]) if k in files else default_dir / _SEN2_FILES[k]
        loaded = reader(p, authorities=[cfg.authority])
        out[k] = loaded.data
        prov += loaded.provenance
    return out, tuple(prov)


def forecast_send(
    inputs_or_config,
    *,
    scenarios: Sequence[str] | None = None,
    scenario: str | None = None,
    horizon: int | None = None,
    capacity: Mapping[str, float] | None = None,
    count_independent: bool | None = None,
    area_shares: Mapping[str, float] | None = None,
    population: pd.DataFrame | None = None,
    interval_method: str = "band",
    **params,
) -> SendResult:
    """Forecast special school place demand from EHC plans for the model's authority.

    Parameters
    ----------
    inputs_or_config : ModelInputs, ModelConfig or path
        The model; ``[send]`` supplies defaults for every option.
    scenarios : sequence of str, optional
        Any of :data:`SCENARIOS` (default all three).
    scenario : str, optional
        Central scenario for :meth:`SendResult.demand_frame` (default ``[send] scenario`` or
        ``"trend"``).
    horizon : int, optional
        Years after the last year of plans (default ``[assumptions] horizon``).
    capacity : mapping of str to float, optional
        Special school places by phase (``special_primary``, ...) [places]; a phase left
        out has 0 places. Default ``[send] capacity`` (which must give every phase), else
        today's state-funded special placements (an assumption).
    count_independent : bool, optional
        Count placements in independent and non-maintained special schools as demand for
        places (default ``[send] count_independent`` or True).
    area_shares : mapping of str to float, optional
        Share of the authority's demand and capacity in each planning area (summing to 1);
        default ``[send] area_shares``, else the authority as a whole.
    population : DataFrame, optional
        Precomputed population (:func:`~sufficiency.early_years.cohort_population`).
    interval_method : str
        How the 80% ranges come from the backtest errors (:func:`interval_sds`): ``"band"``
        (default since 29 November 2026: each age group's own errors, ranges added),
        ``"pooled"`` (before: errors pooled over age groups unweighted), ``"weighted"``,
        ``"shrunk"``, ``"total"`` or ``"total_max"`` (:data:`FORECAST_INTERVAL_METHODS`).
    **params
        ``alpha``, ``beta``, ``phi``, ``fit_from``, ``national_window`` overrides.

    Returns
    -------
    SendResult

    Raises
    ------
    ConfigError
        Bad ``[send]`` parameters; SchemaError for bad SEN2 files.
    """
    inputs = _as_inputs(inputs_or_config)
    cfg = inputs.config
    sec = cfg.section("send")
    unknown = sorted(set(params) - set(_DEFAULTS) - {"count_independent"})
    if unknown:
        raise ConfigError(
            f"forecast_send({unknown[0]}=...): unknown parameter {unknown[0]!r}"
            f"{did_you_mean(unknown[0], _DEFAULTS)}; expected one of "
            f"{', '.join(k for k in _DEFAULTS if k != 'count_independent')} "
            "or the named arguments"
        )
    p = _params(sec, cfg.shown_path, count_independent=count_independent, **params)
    if interval_method not in FORECAST_INTERVAL_METHODS:
        raise ConfigError(
            f"forecast_send(interval_method={interval_method!r}): expected one of "
            f"{', '.join(FORECAST_INTERVAL_METHODS)} (the methods whose age-group ranges add up)"
        )
    if horizon is not None:
        from .forecast import check_argument  # the one rule for a horizon (scipy: imported late)

        check_argument("forecast_send", "horizon", horizon)
    # a value given as an argument is blamed on the call, not on the model file (a Solihull
    # trial's forecast_send(capacity={"special_primry": 100}) was reported as "solihull.toml:
    # [send] capacity", a table the file does not have)
    scen, central = check_scenarios(
        scenarios if scenarios is not None else sec.get("scenarios", SCENARIOS),
        scenario or sec.get("scenario", "trend"),
        cfg.shown_path,
        scenarios_where=_ARG_WHERE if scenarios is not None else None,
        scenario_where=(
            _ARG_WHERE
            if scenario
            else None
            if "scenario" in sec
            # neither the call nor the file chose it: forecast_send(inputs, scenarios=["stops"])
            # was told of the file's "[send] scenario = 'trend'", a key the file does not have
            else "keyword argument (forecast_send) scenarios leave out the default central "
            "scenario (give scenario=...):"
        ),
    )
    hz = int(horizon if horizon is not None else cfg.assumptions.horizon)
    sen2, prov = _load_sen2(cfg, sec)
    area = cfg.authority
    from .io.sen2 import ENGLAND

    bands = plans_by_band(sen2["age"], sen2["caseload"], area)
    if bands.empty:
        raise ConfigError(f"{cfg.shown_path}: no EHC plans by age for {area} in the SEN2 files")
    last = int(bands[nc.YEAR].max())
    years = list(range(int(bands[nc.YEAR].min()), last + hz + 1))
    caught: list[str] = []
    prov = list(prov)
    derived_population = population is None
    if population is None:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            population, pprov = authority_population(inputs, years=years)
        caught += [str(x.message) for x in w]
        prov += list(pprov)
    population = check_population(population, "forecast_send", ("year", "age", "population"))
    prev = _prevalence(bands, population)
    national = _total_series(sen2["age"], sen2["caseload"], ENGLAND)
    g_nat = _national_growth(national, last, p["national_window"])
    sds = _forecast_sds(prev, p, national, last, interval_method)

    popb = population.assign(band=_band_of_age(population["age"])).dropna(subset=["band"])
    popb = popb.groupby([nc.YEAR, "band"], as_index=False).agg(
        population=("population", "sum"), projected=(nc.KIND, lambda k: (k == "projected").any())
    )
    transfer_msg = (
        _secondary_transfer_warning(inputs, popb, last, last + hz, cfg)
        if derived_population
        else None
    )
    if transfer_msg:
        caught.append(transfer_msg)
    hist = prev.assign(plans_lower=prev[nc.PLANS], plans_upper=prev[nc.PLANS])
    plan_rows = []
    for sc in scen:
        f = _forecast_bands(prev, last, hz, sc, p, g_nat)
        f = f.merge(popb, on=[nc.YEAR, "band"], how="left")
        s = _band_sd_at(sds, f["band"].to_numpy(), f["step"].to_numpy())
        prevalence = np.exp(f["log_p"].to_numpy())
        plans = prevalence * f["population"].to_numpy()
        plan_rows.append(
            pd.DataFrame(
                {
                    "band": f["band"],
                    nc.YEAR: f[nc.YEAR],
                    "scenario": sc,
                    nc.PLANS: plans,
                    "plans_lower": plans * np.exp(-Z80 * s),
                    "plans_upper": plans * np.exp(Z80 * s),
                    "population": f["population"],
                    "prevalence": prevalence,
                    nc.KIND: "forecast",
                }
            )
        )
        plan_rows.append(
            hist.assign(scenario=sc)[
                [
                    "band",
                    nc.YEAR,
                    "scenario",
                    nc.PLANS,
                    "plans_lower",
                    "plans_upper",
                    "population",
                    "prevalence",
                    nc.KIND,
                ]
            ]
        )
    plans_all = pd.concat(plan_rows, ignore_index=True)

    # share of each band placed in special schools, latest year with ages x placement
    c = sen2["caseload"]
    c = c[(c[nc.AREA] == area) & (c["age"] != "all")]
    share_year = int(c[nc.YEAR].max())
    c = (
        c[c[nc.YEAR] == share_year]
        .assign(band=lambda x: _band_of_age(x["age"]))
        .dropna(subset=["band"])
    )
    by = c.pivot_table(index="band", columns="placement", values=nc.PLANS, aggfunc="sum")
    placements = by.drop(columns="all").div(by["all"], axis=0).fillna(0.0)
    placement_shares = placements.stack().rename("share").reset_index()
    state_share = (by["special_state"] / by["all"]).fillna(0.0)
    ind_share = (by["special_independent"] / by["all"]).fillna(0.0)
    share = state_share + (ind_share if p["count_independent"] else 0.0)
    pa = plans_all.assign(
        share=plans_all["band"].map(share).fillna(0.0).to_numpy(),
        **{nc.PHASE: plans_all["band"].map(dict(BAND_PHASE))},
    )
    for c_ in ("plans", "plans_lower", "plans_upper"):
        pa[c_.replace("plans", "places")] = pa[c_] * pa["share"]
    d = pa.groupby([nc.YEAR, nc.PHASE, "scenario"], as_index=False).agg(
        plans=(nc.PLANS, "sum"),
        places=("places", "sum"),
        places_lower=("places_lower", "sum"),
        places_upper=("places_upper", "sum"),
        kind=(nc.KIND, lambda k: "forecast" if (k == "forecast").any() else "actual"),
    )
    # past places are plans x this year's special school shares: published only in share_year
    past = (d[nc.KIND] == "actual") & (d[nc.YEAR] != share_year)
    d.loc[past, nc.KIND] = "derived"

    # capacity
    notes = []
    cap_cfg = capacity if capacity is not None else sec.get("capacity")
    if cap_cfg:
        given = capacity is not None
        cap = special_capacity(
            cap_cfg, _ARG_WHERE if given else f"{cfg.shown_path}: [send]", complete=not given
        )
        cap_source = "forecast_send(capacity=...)" if given else "model definition [send] capacity"
    else:
        latest = bands[bands[nc.YEAR] == share_year].set_index("band")[nc.PLANS]
        today = (
            (latest * state_share.reindex(latest.index).fillna(0.0))
            .groupby(latest.index.map(dict(BAND_PHASE)))
            .sum()
        )
        cap = {ph: float(today.get(ph, 0.0)) for ph in SPECIAL_PHASES}
        cap_source = f"state-funded special placements {nc.academic_year_label(share_year)}"
        notes.append(
            f"{ASSUMED_CAPACITY_NOTE}; capacity is today's "
            f"placements in state-funded special schools ({nc.academic_year_label(share_year)}, "
            f"DfE SEN2: {sum(cap.values()):,.0f} places; places are full)."
        )
    if p["count_independent"]:
        notes.append(
            "Demand counts placements in independent and non-maintained special "
            "schools as well as state-funded ones (places the authority could provide)."
        )
    notes.append(
        f"Special school shares by age band from DfE SEN2 {nc.academic_year_label(share_year)}"
        "; held constant."
    )
    if transfer_msg:
        notes.append(transfer_msg)
    who = authority_label({"authority": area, "authority_name": cfg.authority_name})
    # the typical error in words, with the figure behind it (a Herefordshire trial's report
    # read "RMS log error by horizon: h1 0.153"), and whose error it is (a Telford and Wrekin
    # trial read "21% 1 year ahead" beside its total's 1-year backtest errors of 0.6% and 1.8%)
    sd = _headline_sd(sds, bands[bands[nc.YEAR] == last].set_index("band")[nc.PLANS])
    notes.append(
        f"Intervals: 80%, from the errors of the trend model when it forecast "
        f"{who}'s past years from each earlier year (a rolling-origin backtest): a "
        "typical error of "
        + joined(
            [f"{np.expm1(v):.0%} {i + 1} year{'s' if i else ''} ahead" for i, v in enumerate(sd)]
        )
        + " (root mean square of the log errors: "
        + ", ".join(f"{v:.3f}" for v in sd)
        + "). "
        + _interval_words(interval_method, sds)
    )
    notes.append(
        f"Scenario 'national': prevalence grows {np.expm1(g_nat):+.1%} a year (England's "
        f"mean growth of plans over the last {p['national_window']} years)."
    )
    # capacity is today's: it says nothing about years before share_year
    d[nc.CAPACITY] = np.where(
        d[nc.YEAR] >= share_year, d[nc.PHASE].map(cap).to_numpy(dtype=float), np.nan
    )
    d["shortfall"] = np.clip(d["places"] - d[nc.CAPACITY], 0, None)
    d[nc.AREA] = area
    d["need"] = "all"
    shares = area_shares if area_shares is not None else sec.get("area_shares")
    if shares:
        d = _split_areas(d, shares, cfg, _ARG_WHERE if area_shares is not None else None)
        notes.append(
            "Planning-area figures split the authority's by [send] area_shares (capacity likewise)."
        )

    # primary need shares among special school plans
    n = sen2["needs"]
    n = n[
        (n[nc.AREA] == area)
        & (n["age"] == "all")
        & n["placement"].isin(
            ["special_state"] + (["special_independent"] if p["count_independent"] else [])
        )
    ]
    n = n[n["need"] != "all"].groupby("need")[nc.PLANS].sum()
    needs = (
        pd.DataFrame({"need": n.index, "share": (n / n.sum()).to_numpy()})
        if n.sum() > 0
        else pd.DataFrame({"need": [], "share": []})
    )

    for c_ in caught:
        warnings.warn(c_, DataQualityWarning, stacklevel=2)
    config = FrozenDict(
        {
            **p,
            "scenarios": scen,
            "scenario": central,
            "horizon": hz,
            "base_year": last,
            "authority": area,
            "authority_name": cfg.authority_name or area,
            "capacity": FrozenDict(cap),
            "capacity_source": cap_source,
            "share_year": share_year,
            "national_growth": g_nat,
            "interval_method": interval_method,
            "interval_sd": tuple(sd.tolist()),
            "interval_sd_by_band": FrozenDict(
                {b: tuple(float(x) for x in sds[b]) for b in BANDS if b in sds}
            ),
        }
    )
    # the central scenario first, so that readers taking the first scenario get the central one
    order = {sc: i for i, sc in enumerate((central,) + tuple(x for x in scen if x != central))}
    d = (
        d.assign(_o=d["scenario"].map(order))
        .sort_values(["_o", nc.AREA, nc.PHASE, nc.YEAR])
        .drop(columns="_o")
        .reset_index(drop=True)
    )
    return SendResult(
        data=d,
        plans=plans_all.sort_values(["scenario", "band", nc.YEAR], key=by_age).reset_index(
            drop=True
        ),
        needs=needs,
        config=config,
        provenance=tuple(prov),
        notes=tuple(notes),
        warnings=tuple(caught),
        placement_shares=placement_shares,
    )


def check_scenarios(
    scenarios: Any,
    central: Any,
    path,
    scenarios_where: str | None = None,
    scenario_where: str | None = None,
) -> tuple[tuple[str, ...], str]:
    """The SEND scenarios to run and the central one, checked: some of :data:`SCENARIOS`, the
    central among them; a one-line ConfigError otherwise, naming ``scenarios_where`` /
    ``scenario_where`` (a call's arguments) where given, else the model's ``[send]``."""
    scen = tuple(scenarios) if isinstance(scenarios, (list, tuple)) else None
    if not scen or any(s not in SCENARIOS for s in scen):
        raise ConfigError(
            f"{scenarios_where or f'{path}: [send]'} scenarios = {scenarios!r}: expected a "
            f"list of some of {', '.join(SCENARIOS)}"
        )
    if central not in scen:
        raise ConfigError(
            f"{scenario_where or f'{path}: [send]'} scenario = {central!r}: expected one of "
            f"the scenarios ({', '.join(scen)})"
        )
    return scen, central


def check_area_shares(shares: Any, cfg, where: str | None = None) -> None:
    """``[send] area_shares`` (or the ``area_shares`` argument, ``where`` naming the call)
    checked: a table of the model's planning areas with shares >= 0 summing to 1; a one-line
    ConfigError otherwise."""
    where = f"{where or f'{cfg.shown_path}: [send]'} area_shares"
    if not isinstance(shares, Mapping):
        raise ConfigError(
            f"{where} = {shares!r}: expected a table {{ planning area = share }} "
            "with shares summing to 1"
        )
    codes = {a.code: a.name for a in cfg.areas}
    for k, v in shares.items():
        if str(k) not in codes:
            raise ConfigError(
                f"{where}: unknown planning area {k!r}; expected " + expected_area(k, codes)
            )
        if not is_number(v) or v < 0:
            from ._values import percent_hint

            raise ConfigError(f"{where}.{k} = {v!r}: expected a share >= 0{percent_hint(v)}")
    tot = sum(float(v) for v in shares.values())
    if abs(tot - 1) > 1e-6:
        # shares written as percentages (40, 30, 30) sum to 100 (a Wolverhampton trial)
        pct = "; if they are percentages, divide each by 100" if abs(tot - 100) < 1e-6 else ""
        raise ConfigError(f"{where}: expected shares summing to 1 (they sum to {tot:.4f}){pct}")


def _split_areas(
    d: pd.DataFrame, shares: Mapping[str, float], cfg, where: str | None = None
) -> pd.DataFrame:
    check_area_shares(shares, cfg, where)
    parts = []
    for a, s in shares.items():
        x = d.copy()
        x[nc.AREA] = str(a)
        for c in ("plans", "places", "places_lower", "places_upper", nc.CAPACITY):
            x[c] = d[c] * float(s)
        x["shortfall"] = np.clip(x["places"] - x[nc.CAPACITY], 0, None)
        parts.append(x)
    return pd.concat(parts, ignore_index=True)


# ---------------------------------------------------------------------------------------------
# Backtest on the published series
# ---------------------------------------------------------------------------------------------
def _published_tables(d: Path) -> dict[str, pd.DataFrame]:
    """The published files a SEND backtest reads from the data folder ``d``: EHC plans by age
    (``age``) and caseload (``case``), the census, births, the district lookup and the ONS
    mid-2011 population (``mye``)."""
    from .io.births import read_births, read_district_lookup
    from .io.census import read_census_ncy
    from .io.early_years import read_ons_population
    from .io.sen2 import read_sen2_age, read_sen2_caseload

    return {
        "age": read_sen2_age(d / _SEN2_FILES["age"]).data,
        "case": read_sen2_caseload(d / _SEN2_FILES["caseload"]).data,
        "census": read_census_ncy(d / "census_pupils_by_ncy_2011_2022.csv").data,
        "births": read_births(d / "births_by_district_1992_2023.csv").data,
        "lookup": read_district_lookup(d / "district_to_la_west_midlands.csv").data,
        "mye": read_ons_population(d / "ons_mye_2011_single_year_of_age.csv").data,
    }


def _published_population(t: dict[str, pd.DataFrame], la: str) -> pd.DataFrame:
    """Authority ``la``'s derived population by single year of age, 2009-2025, from
    :func:`_published_tables` ``t`` (its births summed over its districts)."""
    from .io.births import aggregate_births

    lk = t["lookup"][t["lookup"][nc.AREA] == la]
    m = t["mye"][t["mye"][nc.AREA].isin(lk[nc.DISTRICT])].groupby("age")["population"].sum()
    return cohort_population(
        t["census"][t["census"][nc.AREA] == la],
        aggregate_births(t["births"], lk),
        m,
        area=la,
        years=range(2009, 2026),
    )


def backtest_send(
    data_dir: str | Path,
    *,
    authorities: Sequence[str] | None = None,
    interval_level: str | None = None,
    interval_method: str = "band",
    **params,
) -> pd.DataFrame:
    """Backtest the prevalence scenarios on the West Midlands authorities, as the issue asks.

    Two origins: fit on data to January 2019 (2018/19) and forecast 2019/20-2021/22 (the 2022
    release); fit to 2021/22 and forecast 2022/23-2024/25 (the 2025 release). The naive
    baseline is "last year's count". The population is the derived one (known cohorts), so
    the test isolates the prevalence model.

    Parameters
    ----------
    data_dir : path-like
        Folder with the embedded public files (names as in ``data/``).
    authorities : sequence of str, optional
        LA codes (default: every LA in the SEN2 age file).
    interval_method : str
        How the trend's 80% range comes from backtest errors (:func:`interval_sds`; default
        ``"band"``, the method of :func:`forecast_send`: each age group's own errors, ranges
        added); any of :data:`INTERVAL_METHODS`, ``quadrature`` and ``correlated`` included.
    interval_level : {"band", "total"}, optional
        The argument before 29 November 2026, kept: ``"band"`` is ``interval_method="pooled"``
        (errors of band plans pooled over bands, ranges added), ``"total"`` is ``"total"``.
    **params
        ``alpha, beta, phi, fit_from, national_window``.

    Returns
    -------
    DataFrame
        ``area, la_name, release, origin, year, horizon, actual, naive, trend, national,
        stops`` [plans], the trend's 80% range ``trend_lower, trend_upper`` (from backtest
        errors of earlier origins only; missing when there are too few) and ``covered_80``,
        and the signed errors ``err_<method>`` = (forecast - actual) / actual.
    """
    from .io.sen2 import ENGLAND

    if interval_level is not None:
        if interval_level not in ("band", "total"):
            raise ConfigError(f"interval_level = {interval_level!r}: expected 'band' or 'total'")
        interval_method = {"band": "pooled", "total": "total"}[interval_level]
    if interval_method not in INTERVAL_METHODS:
        raise ConfigError(
            f"interval_method = {interval_method!r}: expected one of {', '.join(INTERVAL_METHODS)}"
        )
    if not isinstance(data_dir, (str, Path)):
        # backtest on the published files of all 14 authorities, not on one model's inputs
        # (a Solihull trial's backtest_send(inputs) read "expected str, bytes or os.PathLike object")
        raise TypeError(
            f"backtest_send(data_dir=...): a {type(data_dir).__name__}; expected the folder of the "
            "published files (data/; from a model: inputs.config.data['pupils'].path.parent, the census file's folder)"
        )
    d = Path(data_dir)
    p = _params({}, "backtest", **params)
    t = _published_tables(d)
    age, case = t["age"], t["case"]
    raw = pd.read_csv(d / _SEN2_FILES["age"], usecols=["new_la_code", "la_name"], dtype=str)
    names = dict(zip(raw["new_la_code"], raw["la_name"]))
    national = _total_series(age, case, ENGLAND)
    las = list(authorities) if authorities is not None else sorted(set(age[nc.AREA]) - {ENGLAND})
    rows = []
    for la in las:
        pop = _published_population(t, la)
        total = _total_series(age, case, la)
        for release, origin, bands_src in (
            ("2022", 2018, age[age[nc.YEAR] <= 2018]),
            ("2025", 2021, age),
        ):
            bands = plans_by_band(bands_src, case[case[nc.YEAR] <= origin], la)
            prev = _prevalence(bands[bands[nc.YEAR] <= origin], pop)
            g = _national_growth(national, origin, p["national_window"])
            popb = (
                pop.assign(band=_band_of_age(pop["age"]))
                .dropna(subset=["band"])
                .groupby([nc.YEAR, "band"])["population"]
                .sum()
            )
            try:  # the interval uses only errors whose target is at most the origin (no peeking)
                sds = interval_sds(_band_errors(prev, p, national, origin), interval_method)
            except ValueError:
                sds = None
            fc = {}
            for sc in SCENARIOS:
                f = _forecast_bands(prev, origin, 3, sc, p, g)
                f["plans"] = (
                    np.exp(f["log_p"])
                    * popb.reindex(pd.MultiIndex.from_arrays([f[nc.YEAR], f["band"]])).to_numpy()
                )
                fc[sc] = f.groupby(nc.YEAR)["plans"].sum()
                if sc == "trend":
                    rng = pd.DataFrame(
                        {
                            yr: combine_band_ranges(
                                g["plans"].to_numpy(),
                                _band_sd_at(sds, g["band"].to_numpy(), g["step"].to_numpy()),
                                sds["rho"],
                            )
                            if sds is not None
                            else (np.nan, np.nan)
                            for yr, g in f.groupby(nc.YEAR)
                        },
                        index=["lo", "hi"],
                    ).T
            for h in (1, 2, 3):
                y = origin + h
                if y not in total.index or origin not in total.index:
                    continue
                rows.append(
                    {
                        nc.AREA: la,
                        "la_name": names.get(la, la),
                        "release": release,
                        "origin": origin,
                        nc.YEAR: y,
                        "horizon": h,
                        "actual": float(total[y]),
                        "naive": float(total[origin]),
                        **{sc: float(fc[sc].get(y, np.nan)) for sc in SCENARIOS},
                        "trend_lower": float(rng["lo"].get(y, np.nan)),
                        "trend_upper": float(rng["hi"].get(y, np.nan)),
                    }
                )
    out = pd.DataFrame(rows)
    inside = (out["actual"] >= out["trend_lower"]) & (out["actual"] <= out["trend_upper"])
    out["covered_80"] = inside.where(out["trend_lower"].notna())
    for mth in ("naive", *SCENARIOS):
        out[f"err_{mth}"] = (out[mth] - out["actual"]) / out["actual"]
    return out


def backtest_table(bt: pd.DataFrame) -> pd.DataFrame:
    """Median absolute error [%] by release and horizon, per method, the trend's wins over the
    naive baseline and the share of actuals inside the trend's 80% range [%]."""
    g = bt.groupby(["release", "horizon"])
    out = pd.DataFrame(
        {
            f"{m}_mdape": g[f"err_{m}"].apply(lambda e: float(np.median(np.abs(e))) * 100)
            for m in ("naive", *SCENARIOS)
        }
    )
    out["trend_beats_naive"] = g.apply(
        lambda x: int((x["err_trend"].abs() < x["err_naive"].abs()).sum()), include_groups=False
    )
    if "covered_80" in bt.columns:
        out["coverage_80"] = g["covered_80"].apply(
            lambda c: float(c.dropna().astype(float).mean()) * 100 if c.notna().any() else np.nan
        )
    out["authorities"] = g.size()
    return out.reset_index()


def backtest_authority(bt: pd.DataFrame, authority: str) -> pd.DataFrame:
    """One authority's rows of :func:`backtest_send`: ``release, origin, year, horizon,
    actual`` [plans] and each method's signed error ``(forecast - actual) / actual`` [%]
    (``naive``, ``trend``, ``national``, ``stops``), with ``covered_80`` (whether the actual
    fell inside the trend's 80% range; blank where it was not scored). Empty when the
    authority is not one of those backtested."""
    mine = bt[bt[nc.AREA].astype(str) == str(authority)]
    out = mine[["release", "origin", nc.YEAR, "horizon", "actual"]].copy()
    for m in ("naive", *SCENARIOS):
        out[m] = mine[f"err_{m}"] * 100
    if "covered_80" in mine.columns:
        out["covered_80"] = mine["covered_80"]
    return out.sort_values(["release", "horizon"]).reset_index(drop=True)


def central_scenario(frame: pd.DataFrame, preferred: str | None = None) -> str | None:
    """The scenario a SEND table is led by (and the plan uses): ``preferred`` (the result's
    own central scenario) if present, else ``central``, else the first in the frame; None for
    a table without scenarios."""
    if "scenario" not in frame or frame.empty:
        return None
    names = list(dict.fromkeys(frame["scenario"]))
    for name in (preferred, "central"):
        if name in names:
            return name
    return names[0]


def totals_by_year(frame: pd.DataFrame | None, scenario: str | None = None):
    """The authority's special school places by year in the central scenario, as the report
    and the plan summary state them.

    Parameters
    ----------
    frame : DataFrame or None
        :meth:`SendResult.to_frame` (``scenario, year, kind, places, places_lower,
        places_upper, capacity, shortfall``, one row per phase and year).
    scenario : str, optional
        The preferred central scenario (:func:`central_scenario`).

    Returns
    -------
    tuple or None
        ``(central scenario, its rows, kind by year, latest observed year, last year, totals
        by year)``, totals with columns ``places, lower, upper, capacity, shortfall``
        [places; by phase, no margin]; None without rows or without an observed year.
    """
    if frame is None or frame.empty:
        return None
    central = central_scenario(frame, scenario)
    c = frame[frame["scenario"] == central] if central else frame
    kinds = c.groupby(nc.YEAR)[nc.KIND].agg(
        lambda k: (
            "forecast"
            if (k == "forecast").all()
            else "actual"
            if (k == "actual").any()
            else "derived"
        )
    )
    obs = kinds.index[kinds != "forecast"]
    if len(obs) == 0:
        return None
    tot = c.groupby(nc.YEAR).agg(
        places=("places", "sum"),
        lower=("places_lower", "sum"),
        upper=("places_upper", "sum"),
        capacity=(nc.CAPACITY, lambda v: v.sum(min_count=1)),
        shortfall=("shortfall", lambda v: v.sum(min_count=1)),
    )
    return central, c, kinds, int(obs.max()), int(c[nc.YEAR].max()), tot
