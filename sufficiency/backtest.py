"""Rolling-origin backtest of the forecast, with the DfE accuracy measure and two baselines.

For each origin year ``t`` the model is fitted on pupils up to and including ``t`` (and
births up to mid-``t``, what was published when the January ``t+1`` census was), forecasts
horizons ``1..H`` and is compared with what happened. The measure is the DfE's: signed
``(forecast - actual) / actual`` of area totals by phase (primary R-Y6, secondary Y7-Y11).

Baselines, so the model proves its worth:

* ``last``: last year carried forward (each phase total stays at its origin value);
* ``cohort3``: plain cohort survival, 3-year mean ratios, reception from births with a
  3-year mean reception/births ratio, births held flat beyond the last observed year.

Intervals for origin ``t`` are calibrated **only** on errors of forecasts whose target year
is ``<= t`` (no peeking): empirical quantiles by horizon and phase
(:class:`~sufficiency.uncertainty.ErrorModel`), each horizon's blended with a fixed fallback
distribution (:data:`~sufficiency.uncertainty.FALLBACK_HALFWIDTH_80`) worth
:data:`PRIOR_WEIGHT` errors, so a backtest of a single authority still gets intervals at its
first origins.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import nomenclature as nc
from ._values import first_few, is_list_of_values, is_number
from .exceptions import ConfigError, SchemaError
from .forecast import DEFAULT_PARAMS, CohortModel, check_history
from .forecast import fit_kwargs as forecast_fit_kwargs
from .uncertainty import (
    DEFAULT_SIZE_NOISE,
    FALLBACK_HALFWIDTH_80,
    ErrorModel,
    SizeNoise,
    estimate_size_noise,
    noise_years,
)

__all__ = [
    "BacktestResult",
    "backtest",
    "backtest_files",
    "rolling_forecasts",
    "phase_errors",
    "calibration_errors",
    "calibration_history",
    "calibration_size_noise",
    "BASELINES",
    "RESULT_COLUMNS",
]

logger = logging.getLogger(__name__)

#: columns of results.csv, in order (the outside check relies on them)
RESULT_COLUMNS = (
    "area",
    "phase",
    "origin",
    "target_year",
    "horizon",
    "forecast",
    "actual",
    "pct_error",
    "lower80",
    "upper80",
)
#: weight, in errors, of the fallback error distribution blended into the backtest's interval
#: calibration (:class:`~sufficiency.uncertainty.ErrorModel` ``prior_weight``): with few past
#: errors (one authority, early origins) the intervals lean on the fallback, with many on the
#: errors themselves
PRIOR_WEIGHT = 12.0
#: phases scored (DfE measure)
SCORED_PHASES = ("primary", "secondary")

#: naive baselines: name -> CohortModel parameters (``None`` = last year carried forward)
BASELINES: Mapping[str, Mapping[str, Any] | None] = {
    "last": None,
    "cohort3": {
        "window": 3,
        "method": "mean",
        "halflife": 1.0,
        "shrinkage": 0.0,
        "shrinkage_method": "fixed",
        "reception_shrinkage": None,
        "combine": (),
        "reception_combine": (),
        "downweight": {},
        "reception_window": 3,
        "reception_method": "mean",
        "reception_trend": 0.0,
        "drift": 0.0,
        "reception_drift": 0.0,
        "staying_on_drift": 0.0,
        "primary_drift": 0.0,
        "rebound": 0.0,
        "secondary_halflife": None,
        "secondary_shrinkage": None,
        "births_method": "flat",
    },
}


def _model_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    p = dict(DEFAULT_PARAMS)
    for k, v in dict(params or {}).items():
        if k not in p:
            raise ConfigError(f"unknown forecast parameter {k!r}; expected one of {sorted(p)}")
        p[k] = v
    return p


class _Collect(logging.Filter):
    """Holds back the forecast's log records during a loop of fits, to log each one once,
    with the origins at which it was said (``origin`` is set by the loop before each fit)."""

    def __init__(self) -> None:
        super().__init__()
        self.origin: int | None = None
        self.records: dict[tuple[int, str], set] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.levelno, record.getMessage())
        self.records.setdefault(key, set()).add(self.origin)
        return False


@contextlib.contextmanager
def _once(origins: Sequence[int]):
    """Log what the model says at every origin once, not once per origin (the same finding,
    e.g. areas without births, would repeat at each of the origins)."""
    target = logging.getLogger("sufficiency.forecast")
    outer = next((f for f in target.filters if isinstance(f, _Collect)), None)
    if outer is not None:
        yield outer  # an enclosing backtest collects (model and baselines: one message)
        return
    collect = _Collect()
    target.addFilter(collect)
    try:
        yield collect
    finally:
        target.removeFilter(collect)
        where = (
            f"origin {origins[0]}"
            if len(origins) == 1
            else f"origins {min(origins)}-{max(origins)}"
        )
        for (level, msg), at in collect.records.items():
            logger.log(
                level,
                "backtest (%s): %s%s",
                where,
                msg,
                f" (at {len(at)} origins)" if len(at) > 1 else "",
            )


def rolling_forecasts(
    pupils: pd.DataFrame,
    births: pd.DataFrame | None,
    origins: Sequence[int],
    max_horizon: int,
    params: Mapping[str, Any] | None = None,
    baseline: str | None = None,
    fit_kwargs: Mapping[str, Any] | None = None,
    fitted: dict[int, CohortModel] | None = None,
    calendar_births: pd.DataFrame | None = None,
    _validated: bool = False,
) -> pd.DataFrame:
    """Cell-level forecasts from each origin, with the actuals where known.

    Parameters
    ----------
    pupils : DataFrame
        ``area, year, ncy, pupils`` (areas = authorities or planning areas) [count].
    births : DataFrame or None
        ``area, year, births`` [count].
    origins : sequence of int
        Last year of data used for each forecast.
    max_horizon : int
        Years forecast from each origin.
    params : mapping, optional
        Model parameters (defaults :data:`~sufficiency.forecast.DEFAULT_PARAMS`).
    baseline : {"last", "cohort3"}, optional
        Run a baseline instead of the model.
    fit_kwargs : mapping, optional
        Passed to :meth:`CohortModel.fit` (``transfer``, ``area_ncys``) for planning areas.
    fitted : dict, optional
        If given, receives ``{origin: fitted CohortModel}`` for the origins whose key it
        already holds (e.g. ``dict.fromkeys(origins)``), for further use without refitting.
    calendar_births : DataFrame, optional
        Calendar-year births (``area, year, births``; year = calendar year). From origin
        ``o`` the model (not a baseline) takes mid-year ``o + 1`` births as calendar year
        ``o``'s (:func:`sufficiency.io.births.nowcast_births`), as the product forecast does.

    Returns
    -------
    DataFrame
        ``area, origin, horizon, target_year, ncy, forecast, actual`` (actual NaN when the
        target year is beyond the data) [count].
    """
    # checked once here (or by the caller: ``_validated``), not at every origin's fit
    if not _validated:
        pupils, births = check_history(pupils, births)
    pupils = pupils[pupils[nc.NCY].between(0, 13)]
    first, last = int(pupils[nc.YEAR].min()), int(pupils[nc.YEAR].max())
    frames = []
    actual = pupils.groupby([nc.AREA, nc.YEAR, nc.NCY])[nc.PUPILS].sum()
    p = _model_params(params)
    if baseline is not None and baseline != "last":
        p.update(BASELINES[baseline])
    nowcast = calendar_births is not None and baseline is None and births is not None
    if nowcast:
        from .io.births import nowcast_births

        if nc.KIND not in births:
            births = births.assign(**{nc.KIND: "actual"})

    def _origin(o: int) -> None:
        if o <= first or o > last:
            logger.info("origin %s skipped: needs at least two years of history", o)
            return
        if baseline == "last":
            base = pupils[pupils[nc.YEAR] == o]
            for h in range(1, max_horizon + 1):
                frames.append(
                    pd.DataFrame(
                        {
                            nc.AREA: base[nc.AREA].to_numpy(),
                            "origin": o,
                            "horizon": h,
                            "target_year": o + h,
                            nc.NCY: base[nc.NCY].to_numpy(),
                            "forecast": base[nc.PUPILS].to_numpy(dtype=float),
                        }
                    )
                )
            return
        model = CohortModel(**p)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(pupils, births, base_year=o, _validated=True, **dict(fit_kwargs or {}))
        if fitted is not None and o in fitted:
            fitted[o] = model
        supplied = None
        if nowcast:
            supplied = nowcast_births(
                births[births[nc.YEAR] <= o], calendar_births[calendar_births[nc.YEAR] <= o]
            )
        cube, _ = model.forecast_cube(max_horizon, supplied)
        A, H, G = cube.shape
        ai, hi, gi = np.nonzero(np.broadcast_to(model.mask_[:, None, :], cube.shape))
        frames.append(
            pd.DataFrame(
                {
                    nc.AREA: np.asarray(model.areas_, dtype=object)[ai],
                    "origin": o,
                    "horizon": hi + 1,
                    "target_year": o + hi + 1,
                    nc.NCY: np.asarray(model.ncys_)[gi],
                    "forecast": cube[ai, hi, gi],
                }
            )
        )

    with _once(list(origins) or [last]) as collect:
        for o in origins:
            collect.origin = o
            _origin(o)
    if not frames:
        return pd.DataFrame(
            columns=[nc.AREA, "origin", "horizon", "target_year", nc.NCY, "forecast", "actual"]
        )
    out = pd.concat(frames, ignore_index=True)
    key = pd.MultiIndex.from_arrays([out[nc.AREA], out["target_year"], out[nc.NCY]])
    out["actual"] = actual.reindex(key).to_numpy()
    return out


def phase_errors(cells: pd.DataFrame, phases: Sequence[str] = nc.PHASES) -> pd.DataFrame:
    """Sum cells to DfE phase totals and compute the signed relative error.

    Returns
    -------
    DataFrame
        ``area, phase, origin, target_year, horizon, forecast, actual, pct_error``
        (``pct_error = (forecast - actual) / actual`` [fraction]); rows with unknown actual
        dropped.
    """
    lut = np.array([nc.phase_of_ncy(g) for g in range(0, 15)], dtype=object)
    c = cells.assign(**{nc.PHASE: lut[np.clip(cells[nc.NCY].to_numpy(dtype=int), 0, 14)]})
    c = c[c[nc.PHASE].isin(list(phases))]
    # a phase total is scored only if every year group's actual is known
    g = c.groupby([nc.AREA, nc.PHASE, "origin", "target_year", "horizon"], as_index=False).agg(
        forecast=("forecast", "sum"),
        actual=("actual", "sum"),
        _missing=("actual", lambda s: int(s.isna().sum())),
    )
    g = g[(g["_missing"] == 0) & (g["actual"] > 0)].drop(columns="_missing")
    g["pct_error"] = (g["forecast"] - g["actual"]) / g["actual"]
    return g.reset_index(drop=True)


def ncy_errors(cells: pd.DataFrame) -> pd.DataFrame:
    """Relative error by year group (``area, ncy, origin, horizon, pct_error``)."""
    c = cells.dropna(subset=["actual"])
    c = c[c["actual"] > 0]
    return c.assign(pct_error=(c["forecast"] - c["actual"]) / c["actual"])


def _intervals(
    model_errors: pd.DataFrame,
    rows: pd.DataFrame,
    coverage: float,
    pupils: pd.DataFrame | None = None,
    params: Mapping[str, Any] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Calibrate intervals for each (origin, phase, horizon) row on earlier errors only,
    a smaller area's widened for its size by the noise measured on ``pupils`` up to
    the origin (:func:`~sufficiency.uncertainty.estimate_size_noise`; no size term where it
    cannot be measured, or without ``pupils``)."""
    lo = np.full(len(rows), np.nan)
    hi = np.full(len(rows), np.nan)
    qs = [(1 - coverage) / 2, 1 - (1 - coverage) / 2]
    dropped = _dropped_years(_model_params(params))
    for o in sorted(rows["origin"].unique()):
        past = model_errors[model_errors["target_year"] <= o]
        em = ErrorModel.from_errors(
            past,
            "phase",
            f"backtest errors with target year <= {o}",
            fallback=FALLBACK_HALFWIDTH_80,
            prior_weight=PRIOR_WEIGHT,
        )
        # measured on the data up to the origin; where it cannot be (too few areas or years)
        # no size term, rather than the fallback measured on later years
        noise = (
            estimate_size_noise(pupils[pupils[nc.YEAR] <= o], exclude_years=dropped)
            if pupils is not None
            else None
        )
        sel = (rows["origin"] == o).to_numpy()
        sub = rows[sel]
        lo_o = np.full(len(sub), np.nan)
        hi_o = np.full(len(sub), np.nan)
        for ph in sub[nc.PHASE].unique():
            m = (sub[nc.PHASE] == ph).to_numpy()
            hs = sub["horizon"].to_numpy()[m]
            if em.empty:
                continue
            eq = em.error_quantiles(ph, hs)  # once, for the multipliers and the size scale
            mult = em.multipliers(ph, hs, qs, eq=eq)  # (n, 2)
            f = sub["forecast"].to_numpy()[m]
            if noise is not None:  # each row is one area at its own horizon
                k = em.size_scale(
                    ph,
                    hs,
                    1.0 / np.maximum(f[None, :], 1.0),
                    noise_years(hs, nc.PHASE_NCY[ph]),
                    noise,
                    eq=eq,
                )[0]
                mult = mult ** k[:, None]
            lo_o[m] = f * mult[:, 0]
            hi_o[m] = f * mult[:, 1]
        lo[sel] = lo_o
        hi[sel] = hi_o
    return lo, hi


def _bootstrap_intervals(
    models: Mapping[int, CohortModel], rows: pd.DataFrame, hmax: int, coverage: float
) -> tuple[np.ndarray, np.ndarray]:
    """Intervals for each (origin, area, phase, horizon) row from the ratio bootstrap of the
    model fitted at that origin."""
    lo = np.full(len(rows), np.nan)
    hi = np.full(len(rows), np.nan)
    qs = ((1 - coverage) / 2, 1 - (1 - coverage) / 2)
    for o in sorted(rows["origin"].unique()):
        model = models[int(o)]
        q = model.bootstrap_totals(hmax, qs)
        sel = np.nonzero((rows["origin"] == o).to_numpy())[0]
        ai = pd.Index(model.areas_).get_indexer(rows[nc.AREA].to_numpy()[sel])
        hi_ = rows["horizon"].to_numpy()[sel] - 1
        for ph, qa in q.items():
            m = rows[nc.PHASE].to_numpy()[sel] == ph
            lo[sel[m]] = qa[ai[m], hi_[m], 0]
            hi[sel[m]] = qa[ai[m], hi_[m], 1]
    return lo, hi


#: columns of :attr:`BacktestResult.ncy_data`, the errors by year group
NCY_COLUMNS = (
    nc.AREA,
    nc.NCY,
    "origin",
    "target_year",
    "horizon",
    "forecast",
    "actual",
    "pct_error",
)


def _select(
    d: pd.DataFrame, target_years: Sequence[int] | None, areas: Sequence[str] | None
) -> pd.DataFrame:
    """The rows of ``d`` for some target years and areas (all if None)."""
    if target_years is not None:
        d = d[d["target_year"].isin(list(target_years))]
    if areas is not None:
        d = d[d[nc.AREA].astype(str).isin([str(a) for a in areas])]
    return d.copy()


def _ncy_summary(ne: pd.DataFrame) -> pd.DataFrame:
    """Median absolute error, bias and count of year-group errors by year group and horizon."""
    return ne.groupby([nc.NCY, "horizon"], as_index=False).agg(
        median_abs_error=("pct_error", lambda s: s.abs().median()),
        bias=("pct_error", "mean"),
        n=("pct_error", "size"),
    )


@dataclass(frozen=True)
class BacktestResult:
    """Rolling-origin backtest results.

    Attributes
    ----------
    data : DataFrame
        One row per area x phase x origin x horizon: :data:`RESULT_COLUMNS`, then
        ``pct_error_last``, ``pct_error_cohort3`` (the baselines' errors), and with
        scorecards ``authority_error`` and ``winner``.
    by_ncy : DataFrame
        Errors by year group over every area and target year: ``ncy, horizon,
        median_abs_error, bias, n`` (:meth:`ncy_scores` for some of them).
    config : mapping
        Model parameters used.
    provenance : tuple
        Input files.
    coverage : float
        Interval coverage (0.8).
    """

    data: pd.DataFrame
    by_ncy: pd.DataFrame
    config: Mapping[str, Any]
    provenance: tuple = ()
    coverage: float = 0.8
    warnings: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)
    #: one row per area x year group x origin x horizon: ``area, ncy, origin, target_year,
    #: horizon, forecast, actual, pct_error`` (what :attr:`by_ncy` and :meth:`ncy_scores` summarise)
    ncy_data: pd.DataFrame | None = None

    def to_frame(self) -> pd.DataFrame:
        """One row per area x phase x origin x horizon: ``area, phase, origin, target_year,
        horizon, forecast, actual, pct_error, lower80, upper80`` (the outside-check columns),
        then the baselines' errors and, with scorecards, ``authority_error`` and ``winner``."""
        return self.data.copy()

    def select(
        self, target_years: Sequence[int] | None = None, areas: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """The rows of :meth:`to_frame` for some target years and areas (all if None)."""
        return _select(self.data, target_years, areas)

    def ncy_scores(
        self, target_years: Sequence[int] | None = None, areas: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """Errors by year group for some target years and areas (all if None), as
        :attr:`by_ncy`: ``ncy, horizon, median_abs_error, bias, n`` [fractions]."""
        if self.ncy_data is None:
            if target_years is not None or areas is not None:
                raise ValueError("this result has no errors by area and year group (ncy_data)")
            return self.by_ncy.copy()
        return _ncy_summary(_select(self.ncy_data, target_years, areas))

    def scores(
        self, target_years: Sequence[int] | None = None, areas: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """Median absolute error, bias, coverage and win rates by phase and horizon.

        Parameters
        ----------
        target_years : sequence of int, optional
            Score only forecasts of these target years.
        areas : sequence of str, optional
            Score only these areas (authorities); the models were still fitted on all of
            them (the empirical-Bayes shrinkage pools over areas).

        Returns
        -------
        DataFrame
            ``phase, horizon, n, mae_model, bias_model, mae_last, bias_last,
            win_rate_vs_last, mae_cohort3, bias_cohort3, win_rate_vs_cohort3, coverage80``,
            and with scorecards ``n_authority, mae_authority, bias_authority,
            win_rate_vs_authority`` [fractions]. ``win_rate_vs_last`` and
            ``win_rate_vs_cohort3`` are the shares of rows where the model's absolute error
            is smaller than the baseline's (last year carried forward; the 3-year mean
            cohort-survival baseline, :data:`BASELINES`).
        """
        d = self.select(target_years, areas)
        rows = []
        for (ph, h), g in d.groupby([nc.PHASE, "horizon"], sort=True):
            r = {
                "phase": ph,
                "horizon": int(h),
                "n": len(g),
                "mae_model": g["pct_error"].abs().median(),
                "bias_model": g["pct_error"].mean(),
            }
            for b in BASELINES:
                col = f"pct_error_{b}"
                if col in g:
                    r[f"mae_{b}"] = g[col].abs().median()
                    r[f"bias_{b}"] = g[col].mean()
                    r[f"win_rate_vs_{b}"] = float((g["pct_error"].abs() < g[col].abs()).mean())
            inside = (g["actual"] >= g["lower80"]) & (g["actual"] <= g["upper80"])
            r["coverage80"] = (
                float(inside[g["lower80"].notna()].mean()) if g["lower80"].notna().any() else np.nan
            )
            if "authority_error" in g:
                a = g.dropna(subset=["authority_error"])
                r["n_authority"] = len(a)
                r["mae_authority"] = a["authority_error"].abs().median() if len(a) else np.nan
                r["bias_authority"] = a["authority_error"].mean() if len(a) else np.nan
                r["win_rate_vs_authority"] = (
                    float((a["pct_error"].abs() < a["authority_error"].abs()).mean())
                    if len(a)
                    else np.nan
                )
            rows.append(r)
        return pd.DataFrame(rows)

    def summary(
        self, target_years: Sequence[int] | None = None, areas: Sequence[str] | None = None
    ) -> str:
        """The :meth:`scores` table in words (median absolute errors, bias, win rates and
        coverage by phase and horizon), optionally for some target years or areas only.

        With scorecards, the authority's columns cover only the cases it has an error for:
        ``n_auth`` counts them and ``mae_model_paired`` is the model's median absolute error
        on those same cases (a Walsall trial set the model's 6 cases against the authority's
        1)."""
        s = self.scores(target_years, areas)
        if "n_authority" in s:
            d = self.select(target_years, areas).dropna(subset=["authority_error"])
            paired = d.groupby([nc.PHASE, "horizon"])["pct_error"].apply(lambda v: v.abs().median())
            keys = list(zip(s["phase"], s["horizon"]))
            s = s.assign(
                n_auth=s.pop("n_authority"), mae_model_paired=[paired.get(k, np.nan) for k in keys]
            )
            front = [c for c in s.columns if not c.endswith("_authority")]
            s = s[front + [c for c in s.columns if c.endswith("_authority")]]
        # the published files' areas are authorities (a Telford and Wrekin trial read "1 of 14
        # areas scored" of its authority); a tidy history's may be planning areas
        codes = self.data[nc.AREA].astype(str)
        one = codes.nunique() == 1  # one authority's own read "Backtest: 1 authorities"
        la = codes.str.fullmatch(r"E(0[6-9]|10)\d{6}").all()
        noun = ("authority" if one else "authorities") if la else ("area" if one else "areas")
        scored = (
            f"{len(set(map(str, areas)))} of {codes.nunique()} {noun} scored "
            f"({', '.join(sorted(map(str, set(areas))))}; fitted on all)"
            if areas is not None
            else f"{codes.nunique()} {noun}"
        )
        lines = [f"Backtest: {scored}, origins {sorted(self.data['origin'].unique().tolist())}"]
        cols = [
            c
            for c in s.columns
            if c.startswith(("mae_", "bias_", "coverage", "win_rate", "n_auth"))
        ]
        width = {c: max(12, len(c)) for c in cols}
        lines.append(
            f"{'phase':<10} {'h':>2} {'n':>4} " + " ".join(f"{c:>{width[c]}}" for c in cols)
        )

        def cell(c, v):
            if pd.isna(v):
                return f"{'-':>{width[c]}}"
            if c == "n_auth":
                return f"{int(v):>{width[c]}}"
            # a bias that rounds to zero prints 0.00%, not -0.00% (a Wolverhampton trial:
            # the Council's primary one-year errors +0.08%, +0.09% and -0.18% averaged -0.003%)
            pct = v * 100 if round(v * 100, 2) != 0 else 0.0
            return f"{pct:>{width[c] - 1}.2f}%"

        for r in s.itertuples(index=False):
            d = r._asdict()
            lines.append(
                f"{d['phase']:<10} {d['horizon']:>2} {d['n']:>4} "
                + " ".join(cell(c, d[c]) for c in cols)
            )
        # what the columns are: a Shropshire trial read mae_ as a mean (a primary 3-year
        # "mae" of 0.48% beside a bias of -0.87%, impossible for a mean absolute error)
        lines += [
            "mae_: median absolute error and bias_: mean error, of (forecast - actual) / actual "
            "(positive: over-forecast); _last: last year carried forward; _cohort3: plain "
            "cohort survival with 3-year means; win_rate_vs_: share of cases where the model's "
            "error is smaller; coverage80: share of outcomes inside the model's 80% range"
            + (
                "; n_auth: cases with the authority's published error, mae_model_paired: the "
                "model's median absolute error on those cases"
                if "n_auth" in cols
                else ""
            )
            + "."
        ]
        return "\n".join(lines)


def _pairs(pairs: Sequence[tuple[int, int]]) -> str:
    """``2020+3 = 2023, 2021+3 = 2024`` (at most 10, then a count)."""
    shown = ", ".join(f"origin {o} + horizon {h} = {o + h}" for o, h in pairs[:10])
    return shown + (f" and {len(pairs) - 10} more" if len(pairs) > 10 else "")


def _unscored(pupils: pd.DataFrame, res: pd.DataFrame, pairs) -> str | None:
    """A message naming the area phase totals of ``pairs`` (origin, horizon within the data)
    that have no row in ``res``, and why: no pupils in the phase that year (an authority with
    no secondary school), a year group's count unknown (suppressed), or no census rows; None
    when every one is scored. A national file has such authorities (City of London)."""
    areas = sorted(pupils[nc.AREA].astype(str).unique())
    pairs = list(pairs)
    # every total scored (the published files): nothing to say, nothing to count
    if not pairs or len(res) >= len(areas) * len(SCORED_PHASES) * len(pairs):
        return None
    ph = nc.phase_of_ncy(pupils[nc.NCY].to_numpy(dtype=int))
    p = pupils.assign(**{nc.PHASE: ph, "_unknown": pupils[nc.PUPILS].isna()})
    p = p[p[nc.PHASE].isin(SCORED_PHASES)]
    tot = p.groupby([nc.AREA, nc.PHASE, nc.YEAR]).agg(
        total=(nc.PUPILS, "sum"),
        unknown=("_unknown", "sum"),
        groups=(nc.NCY, "nunique"),
    )
    # a suppressed count's row is dropped by the readers: fewer year groups than the area's
    # phase has in other years is a count unknown too (it was called "no forecast")
    full = tot.groupby(level=[0, 1])["groups"].max()
    scored = set(zip(res[nc.AREA].astype(str), res[nc.PHASE], res["origin"], res["horizon"]))
    why: dict[tuple[str, str], set] = {}
    for a in areas:
        for phase in SCORED_PHASES:
            for o, h in pairs:
                if (a, phase, o, h) in scored:
                    continue
                key = (a, phase, o + h)
                if (a, phase, o) not in tot.index:
                    # an authority created after the origin (a new unitary) has nothing to
                    # forecast from
                    why.setdefault((a, phase), set()).add((o, "no census rows in the origin year"))
                    continue
                if key not in tot.index:
                    reason = "no census rows"
                elif tot.at[key, "unknown"] or tot.at[key, "groups"] < full[(a, phase)]:
                    reason = "a year group's count unknown"
                elif tot.at[key, "total"] <= 0:
                    reason = "no pupils in the phase"
                else:
                    reason = "no forecast"
                why.setdefault((a, phase), set()).add((o + h, reason))
    if not why:
        return None
    parts = [
        f"{a} {phase} ("
        + "; ".join(
            f"{r}: {', '.join(nc.academic_year_label(y) for y in sorted({y for y, r2 in v if r2 == r}))}"
            for r in sorted({r for _, r in v})
        )
        + ")"
        for (a, phase), v in sorted(why.items())
    ]
    shown = first_few(parts, 10, "; ")
    return (
        f"not scored (no row in the results; a percentage error needs a forecast and a "
        f"positive actual total): {len(parts)} area phase(s): {shown}"
    )


def backtest(
    pupils: pd.DataFrame,
    births: pd.DataFrame | None,
    origins: Sequence[int],
    horizons: Sequence[int],
    params: Mapping[str, Any] | None = None,
    *,
    scorecards: pd.DataFrame | None = None,
    coverage: float = 0.8,
    provenance: tuple = (),
    intervals: str = "errors",
    calendar_births: pd.DataFrame | None = None,
    beyond_level: int = logging.WARNING,
) -> BacktestResult:
    """Rolling-origin backtest of the model and both baselines.

    Parameters
    ----------
    pupils, births : DataFrame
        Canonical pupils (``area, year, ncy, pupils``) and births (``area, year, births``).
    origins : sequence of int
        Origins scored (last year of data used).
    horizons : sequence of int
        Horizons scored [years].
    params : mapping, optional
        Model parameters.
    scorecards : DataFrame, optional
        :func:`sufficiency.io.scorecards.read_scorecards` data; adds ``authority_error``
        (same area, phase, target year and horizon) and ``winner``.
    coverage : float
        Interval coverage reported as ``lower80``/``upper80``.
    intervals : {"errors", "bootstrap"}
        ``errors``: quantiles of the model's own errors at earlier origins (the default,
        what :func:`~sufficiency.forecast.run_forecast` uses); ``bootstrap``: quantiles of
        :meth:`~sufficiency.forecast.CohortModel.bootstrap_totals` (resampled historical
        ratios), for comparison.
    beyond_level : int
        Logging level of the message naming origin + horizon pairs beyond the data (a
        warning by default; ``logging.INFO`` for a caller that asks for such pairs knowingly,
        such as the report's own backtest).

    Returns
    -------
    BacktestResult

    Raises
    ------
    ConfigError
        No origin or horizon, a horizon < 1, an origin outside the data, or no origin +
        horizon within the data. Pairs beyond the data next to others within it are left out
        with a logged warning (and in the result's ``warnings``).
    """
    if intervals not in ("errors", "bootstrap"):
        raise ConfigError(f"backtest: intervals {intervals!r}: expected 'errors' or 'bootstrap'")
    # a coverage outside (0, 1) gave lower80 above upper80 (-1) or the widest interval the
    # errors allow (2), silently (a Solihull trial)
    if not is_number(coverage) or not 0 < coverage < 1:
        raise ConfigError(
            f"backtest(coverage={coverage!r}): expected a fraction between 0 and 1 (0.8 = 80%)"
        )
    for name, v in (("origins", origins), ("horizons", horizons)):
        # origins="2016" was read as the years 2, 0, 1 and 6
        if not is_list_of_values(v):
            raise ConfigError(
                f"backtest({name}={v!r}): expected a list of whole numbers"
                + (" (years, e.g. [2016, 2017])" if name == "origins" else " (years, e.g. [1, 3])")
            )
    origins = sorted({int(o) for o in origins})
    horizons = sorted({int(h) for h in horizons})
    if not origins or not horizons or min(horizons) < 1:
        raise ConfigError("backtest: give at least one origin and horizons >= 1")
    # checked once for the model and both baselines (they fit the same frames)
    pupils, births = check_history(pupils, births)
    first, last = int(pupils[nc.YEAR].min()), int(pupils[nc.YEAR].max())
    bad = [o for o in origins if o <= first or o >= last]
    if bad:
        raise ConfigError(
            f"backtest: origin(s) {bad} outside the data: need {first + 1} <= origin <= {last - 1} "
            f"(pupils cover {first}-{last})"
        )
    # a pair whose target year is beyond the last census cannot be scored: say so, and fail
    # only when no pair can be
    beyond = [(o, h) for o in origins for h in horizons if o + h > last]
    if len(beyond) == len(origins) * len(horizons):
        raise ConfigError(
            f"backtest: nothing to score: every origin + horizon is beyond the data (pupils cover "
            f"{first}-{last}): {_pairs(beyond)}; choose origins and horizons with origin + "
            f"horizon <= {last}"
        )
    if beyond:
        msg = (
            f"origin + horizon beyond the data (pupils cover {first}-{last}), not scored: "
            f"{_pairs(beyond)}"
        )
        logger.log(beyond_level, "%s", msg)
    # horizons no origin can score are not forecast (a horizon longer than the data can
    # exceed what the model projects); the others are, as before
    hmax = max(horizons)
    if hmax > last - first - 1:
        hmax = max(h for o in origins for h in horizons if o + h <= last)
    # the model at every origin up to the last scored one (calibration needs earlier errors)
    all_origins = list(range(first + 1, max(origins) + 1))
    msgs = [msg] if beyond else []
    fitted = dict.fromkeys(origins) if intervals == "bootstrap" else None
    # the model's findings at each origin (model and baselines) are logged once
    with _once(all_origins):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            cells = rolling_forecasts(
                pupils,
                births,
                all_origins,
                hmax,
                params,
                fitted=fitted,
                calendar_births=calendar_births,
                _validated=True,
            )
        baselines = {
            b: rolling_forecasts(pupils, births, origins, hmax, params, baseline=b, _validated=True)
            for b in BASELINES
        }
    msgs += sorted({str(w.message) for w in caught})
    model_err = phase_errors(cells)
    res = model_err[
        model_err["origin"].isin(origins)
        & model_err["horizon"].isin(horizons)
        & model_err[nc.PHASE].isin(SCORED_PHASES)
    ].copy()
    if intervals == "bootstrap":
        lo, hi = _bootstrap_intervals(fitted, res, hmax, coverage)
    else:
        lo, hi = _intervals(model_err, res, coverage, pupils, params)
    res["lower80"], res["upper80"] = lo, hi
    for b, bc in baselines.items():
        be = phase_errors(bc, SCORED_PHASES)[[nc.AREA, nc.PHASE, "origin", "horizon", "pct_error"]]
        res = res.merge(
            be.rename(columns={"pct_error": f"pct_error_{b}"}),
            on=[nc.AREA, nc.PHASE, "origin", "horizon"],
            how="left",
        )
    if scorecards is not None:
        sc = scorecards.rename(columns={"own_error": "authority_error"})
        sc = sc[[nc.AREA, "target_year", nc.PHASE, "horizon", "authority_error"]]
        sc = sc.drop_duplicates([nc.AREA, "target_year", nc.PHASE, "horizon"], keep="last")
        res = res.merge(sc, on=[nc.AREA, "target_year", nc.PHASE, "horizon"], how="left")
        res["winner"] = np.where(
            res["authority_error"].isna(),
            "",
            np.where(
                res["pct_error"].abs() < res["authority_error"].abs(),
                "model",
                np.where(res["pct_error"].abs() > res["authority_error"].abs(), "authority", "tie"),
            ),
        )
    res = res.sort_values(["area", "phase", "origin", "horizon"]).reset_index(drop=True)
    unscored = _unscored(pupils, res, [(o, h) for o in origins for h in horizons if o + h <= last])
    if unscored:
        logger.warning("%s", unscored)
        msgs.append(unscored)
    res["origin"] = res["origin"].astype("int64")
    res["target_year"] = res["target_year"].astype("int64")
    res["horizon"] = res["horizon"].astype("int64")
    extra_cols = [c for c in res.columns if c not in RESULT_COLUMNS]
    res = res[list(RESULT_COLUMNS) + extra_cols]
    ne = ncy_errors(cells[cells["origin"].isin(origins) & cells["horizon"].isin(horizons)])
    ne = ne.assign(target_year=ne["origin"] + ne["horizon"])[list(NCY_COLUMNS)]
    ne = ne.sort_values([nc.AREA, nc.NCY, "origin", "horizon"]).reset_index(drop=True)
    return BacktestResult(
        res,
        _ncy_summary(ne),
        _model_params(params),
        tuple(provenance),
        coverage,
        tuple(msgs),
        ncy_data=ne,
    )


def load_authority_data(pupils_path, births_path, lookup_path, *, calendar: bool = False):
    """Read the published census, births and lookup files into authority-level tables.

    Returns
    -------
    (DataFrame, DataFrame, tuple)
        Pupils by authority (``new_la_code``), births summed over each authority's districts,
        provenance records. With ``calendar=True`` a fourth item: calendar-year births summed
        the same way (None without a births file).
    """
    from .io.births import (
        aggregate_births,
        read_births,
        read_births_and_calendar,
        read_district_lookup,
    )
    from .io.census import read_census_ncy

    lp = read_census_ncy(pupils_path)
    prov = list(lp.provenance)
    births = cal = None
    if births_path is not None:
        lb, lc = (
            read_births_and_calendar(births_path) if calendar else (read_births(births_path), None)
        )
        prov += lb.provenance
        if lookup_path is None:
            births = lb.data
            cal = lc.data if lc is not None else None
        else:
            lk = read_district_lookup(lookup_path)
            prov += lk.provenance
            births = aggregate_births(lb.data, lk.data)
            cal = aggregate_births(lc.data, lk.data) if lc is not None else None
        if lc is not None and len(lc.data):
            prov += lc.provenance
    if calendar:
        return lp.data, births, tuple(prov), (cal if cal is not None and len(cal) else None)
    return lp.data, births, tuple(prov)


def backtest_files(
    pupils_path: str | Path,
    births_path: str | Path | None,
    lookup_path: str | Path | None,
    origins: Sequence[int],
    horizons: Sequence[int],
    params: Mapping[str, Any] | None = None,
    scorecards_dir: str | Path | None = None,
    intervals: str = "errors",
    beyond_level: int = logging.WARNING,
) -> BacktestResult:
    """:func:`backtest` straight from the published files (the CLI's entry point).

    Reads the files with :func:`load_authority_data` (calendar-year births included, so
    that the model nowcasts the next mid-year of births as the product forecast does) and
    backtests every authority in the pupils file.

    Parameters
    ----------
    pupils_path : path-like
        DfE census pupils by year group (``census_pupils_by_ncy_2011_2022.csv`` layout),
        read by :func:`sufficiency.io.census.read_census_ncy`; one area per authority.
    births_path : path-like or None
        ONS births by district (``births_by_district_1992_2023.csv`` layout); None: no
        births, Reception is forecast by its own trend (logged).
    lookup_path : path-like or None
        District -> authority lookup (``district_to_la_west_midlands.csv`` layout) that
        sums the births to authorities; None: the births file's district codes are used
        as they are, so only authorities whose code is also a district code get births
        (the others are logged as having none).
    origins : sequence of int
        Origins scored (last year of data used).
    horizons : sequence of int
        Horizons scored [years].
    params : mapping, optional
        Model parameters (any :data:`~sufficiency.forecast.DEFAULT_PARAMS` key; default
        the defaults).
    scorecards_dir : path-like, optional
        Folder of DfE school places scorecards files
        (:func:`sufficiency.io.scorecards.read_scorecards`); adds the authorities' own
        forecast errors (``authority_error``, ``winner``) and their provenance.
    intervals : {"errors", "bootstrap"}
        As in :func:`backtest`.
    beyond_level : int
        As in :func:`backtest`.

    Returns
    -------
    BacktestResult
        With the files' provenance.

    Raises
    ------
    SchemaError
        A file that does not match its publisher's layout (named by the reader).
    ConfigError
        As :func:`backtest`.
    """
    pupils, births, prov, cal = load_authority_data(
        pupils_path, births_path, lookup_path, calendar=True
    )
    if births is not None:
        missing = sorted(set(pupils[nc.AREA]) - set(births[nc.AREA]))
        if missing:
            logger.warning(
                "no births for area(s) %s: Reception forecast by trend in Reception itself",
                ", ".join(missing),
            )
    sc = None
    if scorecards_dir is not None:
        from .io.scorecards import read_scorecards

        ls = read_scorecards(scorecards_dir)
        sc = ls.data
        prov += tuple(ls.provenance)
    return backtest(
        pupils,
        births,
        origins,
        horizons,
        params,
        scorecards=sc,
        provenance=prov,
        intervals=intervals,
        calendar_births=cal,
        beyond_level=beyond_level,
    )


def model_authority_files(config) -> dict[str, Path] | None:
    """The model's published files that ``sufficiency backtest`` reads: ``pupils`` (a
    ``census_ncy`` file, every authority in it), and ``births`` and ``lookup`` when the model
    has ONS births and a district lookup; None when its pupils are read otherwise."""
    src, b_src, lk = (config.data.get(k) for k in ("pupils", "births", "lookup"))
    if src is None or src.reader != "census_ncy":
        return None
    files = {"pupils": Path(src.path)}
    if b_src is not None and b_src.reader == "ons_births" and lk is not None:
        files.update(births=Path(b_src.path), lookup=Path(lk.path))
    return files


def authority_history(files: Mapping[str, Path]):
    """``(pupils, births, calendar births)`` by authority from :func:`model_authority_files`
    (births None without a births file and lookup), as ``sufficiency backtest`` reads them.

    Read once per set of files (keyed by path, size and modification time): a report run
    calibrates the forecast and backtests its accuracy on the same files. Copies are
    returned, so a caller cannot change another's tables.
    """
    key = tuple(
        (k, str(p), p.stat().st_size, p.stat().st_mtime_ns) for k, p in sorted(files.items())
    )
    return tuple(None if t is None else t.copy() for t in _read_authority_history(key))


@functools.lru_cache(maxsize=4)
def _read_authority_history(key: tuple):
    files = {k: Path(p) for k, p, *_ in key}
    pupils, births, _, cal = load_authority_data(
        files["pupils"], files.get("births"), files.get("lookup"), calendar=True
    )
    return pupils, births, cal


@dataclass(frozen=True)
class CalibrationHistory:
    """The history :func:`calibration_errors` backtests on (see :func:`calibration_history`)."""

    pupils: pd.DataFrame
    births: pd.DataFrame | None
    calendar: pd.DataFrame | None
    fit_kwargs: Mapping[str, Any] | None
    what: str


def calibration_history(inputs) -> CalibrationHistory:
    """What the intervals of :func:`~sufficiency.forecast.run_forecast` are calibrated on.

    Every authority in the model's pupils file (births through the lookup, if the model has
    both), the planning areas themselves when their history is observed, or the model's own
    authority totals otherwise; up to the base year.
    """
    cfg = inputs.config
    pupils = births = cal = None
    fit_kwargs = None
    what = "authorit"
    b_src = cfg.data.get("births")
    nowcast = (
        inputs.births_nowcast is not None and b_src is not None and b_src.reader == "ons_births"
    )
    if not inputs.derived:
        # observed planning-area history: calibrate on the planning areas themselves
        pupils = inputs.pupils
        births = inputs.births if len(inputs.births) else None
        fit_kwargs = forecast_fit_kwargs(cfg)
        what = "planning area"
    elif (files := model_authority_files(cfg)) is not None:
        try:
            pupils, births, cal = authority_history(files)
            cal = cal if nowcast else None  # read with the births at no extra cost
        except SchemaError as exc:  # fall back to the authority's own totals
            logger.warning("calibration on all authorities failed (%s); using own totals", exc)
            pupils = None
    if pupils is None:
        pupils = inputs.authority_pupils
        births = inputs.authority_births if len(inputs.authority_births) else None
    base = inputs.base_year
    pupils = pupils[pupils[nc.YEAR] <= base]
    if births is not None:
        births = births[births[nc.YEAR] <= base]
    return CalibrationHistory(pupils, births, cal, fit_kwargs, what)


def calibration_errors(
    inputs, params: Mapping[str, Any], *, history: CalibrationHistory | None = None
) -> tuple[pd.DataFrame, str]:
    """Backtest errors used to calibrate the intervals of :func:`~sufficiency.forecast.run_forecast`.

    Runs the model at every origin before the base year on the areas of
    :func:`calibration_history` (pass ``history`` to spare reading it again).

    Returns
    -------
    (DataFrame, str)
        Rows with ``phase`` or ``ncy``, ``horizon``, ``pct_error``, ``actual``; and a
        description of the source (for provenance).
    """
    hist = calibration_history(inputs) if history is None else history
    p = {k: v for k, v in params.items() if k in DEFAULT_PARAMS}
    pupils, births = hist.pupils, hist.births
    base = inputs.base_year
    first = int(pupils[nc.YEAR].min())
    origins = list(range(first + 1, base))
    if not origins:
        return (
            pd.DataFrame(columns=["phase", "ncy", "horizon", "pct_error", "actual"]),
            "no backtest (too little history)",
        )
    H = max(1, base - origins[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # the history is the readers' output, already checked
        cells = rolling_forecasts(
            pupils,
            births,
            origins,
            H,
            p,
            fit_kwargs=hist.fit_kwargs,
            calendar_births=hist.calendar,
            _validated=True,
        )
    pe = phase_errors(cells)[[nc.PHASE, "horizon", "pct_error", "actual"]]
    ne = ncy_errors(cells)[[nc.NCY, "horizon", "pct_error", "actual"]]
    out = pd.concat([pe.assign(ncy=np.nan), ne.assign(phase=None)], ignore_index=True)
    n_areas = pupils[nc.AREA].nunique()
    what = hist.what
    noun = (
        f"{what}{'y' if n_areas == 1 else 'ies'}"
        if what == "authorit"
        else f"{what}{'' if n_areas == 1 else 's'}"
    )
    source = (
        f"rolling-origin backtest of the model on {n_areas} {noun} "
        f"(forecasts made from {nc.academic_year_label(origins[0])} to "
        f"{nc.academic_year_label(origins[-1])}, for years up to "
        f"{nc.academic_year_label(base)})"
    )
    return out, source


def _dropped_years(params: Mapping[str, Any]) -> tuple[int, ...]:
    """Years whose transitions the model drops (``downweight`` 0)."""
    return tuple(int(y) for y, w in dict(params.get("downweight") or {}).items() if float(w) == 0)


def calibration_size_noise(
    inputs, params: Mapping[str, Any], *, history: CalibrationHistory | None = None
) -> SizeNoise:
    """:class:`~sufficiency.uncertainty.SizeNoise` measured on the calibration history
    (:func:`calibration_history`), or the fallback when it has too few areas or years or
    shows no noise of areas' own (a warning says so)."""
    hist = calibration_history(inputs) if history is None else history
    noise = estimate_size_noise(hist.pupils, exclude_years=_dropped_years(params))
    if noise is None:
        logger.info(
            "size noise: too few areas or years to measure it; using the fallback %.3f",
            DEFAULT_SIZE_NOISE,
        )
        return SizeNoise.fallback()
    if not noise.phi > 0:
        # every area has noise of its own (pupils move one by one): a measured 0 says the
        # history cannot see it, not that it is absent
        logger.warning(
            "size noise: the calibration history shows none (%s); using the fallback %.3f",
            noise.source,
            DEFAULT_SIZE_NOISE,
        )
        fb = SizeNoise.fallback()
        return replace(fb, source=f"{fb.source} (measured 0 on {noise.source})")
    return noise
