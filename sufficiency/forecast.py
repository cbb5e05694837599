"""Pupil forecasts by planning area and year group: ``CohortModel(...).fit(...).predict(...)``.

The model is cohort survival (see :mod:`sufficiency.cohort` for the maths):

* Year groups 1-13 roll forward with survival ratios averaged over the last ``window`` years
  (plain, recency-weighted, median or trimmed mean, or an equal-weight combination of several;
  shrunk towards the ratio pooled over all areas with a fixed or an empirical-Bayes weight,
  with chosen years down-weighted).
* Reception is births four years earlier times an averaged (by default combined)
  reception/births ratio, with an optional damped trend in that ratio. Beyond the last
  observed births, births are projected (Holt damped trend, or a supplied projection) and
  rows are marked in the column ``births_projected``.
* Year 7 of a secondary planning area is the sum over its feeder primary areas of their
  Year 6 the year before times the transfer share, times the area's Y6->Y7 ratio.
* Sixth form (Y12, Y13) follows staying-on rates, which are survival ratios like the others.
* Housing adds pupils (:mod:`sufficiency.housing`).
* Intervals come from an :class:`~sufficiency.uncertainty.ErrorModel` calibrated on the
  model's own rolling-origin backtest errors (:mod:`sufficiency.backtest`).

:func:`run_forecast` runs it all for a model definition.
"""

from __future__ import annotations

import inspect
import logging
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from . import cohort
from . import nomenclature as nc
from ._frozen import FrozenDict
from ._values import is_list_of_values, is_number, is_whole, joined
from .exceptions import ConfigError, DataQualityWarning, NotFittedError, SchemaError
from .housing import housing_routes, secondary_sites_message  # housing_routes: also from here
from .io._common import warn_implausible_births
from .schema import validate_frame
from .uncertainty import DEFAULT_COVERAGE, ErrorModel, SizeNoise, noise_years

__all__ = ["CohortModel", "ForecastResult", "run_forecast", "DEFAULT_PARAMS", "FORECAST_COLUMNS"]

logger = logging.getLogger(__name__)

#: year groups forecast (Reception to Year 13)
NCYS = tuple(range(0, 14))

#: how :meth:`CohortModel.fit` names its input frames in errors and warnings
_HISTORY_SOURCE = "history (CohortModel.fit)"
_BIRTHS_SOURCE = "births (CohortModel.fit)"
#: how :meth:`CohortModel.predict` names a known intake without a ``source`` in its attrs
_KNOWN_SOURCE = "known intake (CohortModel.predict)"
#: the warning of :meth:`CohortModel.predict` without an error model
_NO_ERROR_MODEL = "no backtest error model: intervals collapse to the central forecast"

#: 2020/21 (the pandemic year) dropped from the ratio averages by default
DEFAULT_DOWNWEIGHT: Mapping[int, float] = FrozenDict({2020: 0.0})

FORECAST_COLUMNS = (
    nc.AREA,
    nc.YEAR,
    nc.NCY,
    nc.PHASE,
    "tier",
    nc.PUPILS,
    "pupils_lower",
    "pupils_upper",
    "pupils_lower_95",
    "pupils_upper_95",
    nc.KIND,
    "births_projected",
    "cohort",
    "housing",
)


def _transfer_matrix(
    transfer,
    areas: list[str],
    area_ncys: Mapping[str, tuple[int, ...]] | None = None,
    intake_from: Mapping[str, tuple[str, ...]] | None = None,
):
    """Transfers from ``{from_area: {to_area: share}}`` or a frame (from, to, share).

    An area's pupils move at the end of its last year group (``area_ncys``): a primary
    area's Year 6 to Year 7, a first-school area's Year 4 to Year 5, a middle-school area's
    Year 8 to Year 9; at Year 6 for an area without ``area_ncys`` or teaching up to Year 13
    or later. Returns one :class:`~sufficiency.cohort.Transfer` per year group, its shares a
    sparse ``(A, A)`` matrix; at Year 6 the whole year group is redistributed (``keep``
    None), elsewhere the areas that send no pupils keep their own. ``intake_from``
    ``{area: (source, ...)}``: the area's first year group is fed by the sources' previous
    one, which they keep as well (its survival ratio is then its entry's share of their
    cohort).
    """
    if transfer is None and not intake_from:
        return None
    transfer = {} if transfer is None else transfer
    idx = {a: i for i, a in enumerate(areas)}
    if isinstance(transfer, pd.DataFrame):
        items = [(str(r[0]), str(r[1]), float(r[2])) for r in transfer.itertuples(index=False)]
    else:
        items = [(str(p), str(s), float(v)) for p, d in transfer.items() for s, v in d.items()]
    at: dict[int, list] = {}  # year group -> [(from, to, share)]
    for p, s, v in items:
        if p not in idx or s not in idx:
            raise ConfigError(f"transfer {p} -> {s}: area not in the pupil history")
        last = max(area_ncys[p]) if area_ncys and area_ncys.get(p) else cohort.TRANSFER_NCY
        at.setdefault(last if last < 13 else cohort.TRANSFER_NCY, []).append((idx[p], idx[s], v))
    recruit: dict[int, list] = {}
    for u, sources in (intake_from or {}).items():
        if u not in idx or not (area_ncys and area_ncys.get(u)):
            raise ConfigError(f"intake_from of {u}: area not in the pupil history")
        for p in dict.fromkeys(sources):
            if p not in idx:
                raise ConfigError(f"intake_from {p} -> {u}: area not in the pupil history")
            recruit.setdefault(min(area_ncys[u]) - 1, []).append((idx[p], idx[u], 1.0))

    def matrix(entries):
        A = len(areas)
        if not entries:
            return sparse.csr_matrix((A, A))
        r, c, v = zip(*entries)  # duplicates are summed
        return sparse.csr_matrix(
            (np.asarray(v, float), (np.asarray(r), np.asarray(c))), shape=(A, A)
        )

    out = []
    for g in sorted(set(at) | set(recruit)):
        T = matrix(at.get(g, []))
        sends = np.asarray((T > 0).sum(axis=1)).ravel() > 0
        keep = None if g == cohort.TRANSFER_NCY and g in at else ~sends
        out.append(cohort.Transfer(g, T + matrix(recruit[g]) if g in recruit else T, keep))
    return tuple(out)


@dataclass(frozen=True)
class ForecastResult:
    """A pupil forecast with history, components and intervals.

    Attributes
    ----------
    data : DataFrame
        Tidy long table, columns :data:`FORECAST_COLUMNS` (history rows included, with
        ``kind`` actual or derived and interval = value). ``pupils_lower/upper`` bound the
        first coverage (80% by default), ``pupils_lower_95/upper_95`` the second.
    config : mapping
        Parameters used.
    provenance : tuple
        Provenance records of the inputs, plus the error model's source.
    warnings : tuple of str
        Warnings raised while fitting and predicting.
    coverage : tuple of float
        Interval coverages.
    base_year : int
        Last year of history (the origin).
    draws : mapping
        ``phase -> ndarray (H, D)`` outcome/forecast multiplier draws for phase totals.
    notes : tuple of str
        Caveats a reader must see (derived history, projected births, housing).
    """

    data: pd.DataFrame
    config: Mapping[str, Any]
    provenance: tuple
    warnings: tuple[str, ...]
    coverage: tuple[float, float]
    base_year: int
    draws: Mapping[str, np.ndarray] = field(default_factory=dict, repr=False)
    notes: tuple[str, ...] = ()
    area_names: Mapping[str, str] = field(default_factory=dict)
    totals: pd.DataFrame | None = field(default=None, repr=False)
    #: per phase, (areas, horizons) powers applied to the draws' multipliers for each area's
    #: size (:meth:`~sufficiency.uncertainty.ErrorModel.size_scale`); areas in ``draw_areas``
    draw_scale: Mapping[str, np.ndarray] = field(default_factory=dict, repr=False)
    draw_areas: tuple[str, ...] = ()
    #: the noise of an area's own that widened small areas' intervals (None: not used)
    size_noise: SizeNoise | None = None

    def to_frame(self, wide: bool = False) -> pd.DataFrame:
        """Tidy long table, or (``wide=True``) pupils with one column per year.

        Returns
        -------
        DataFrame
            Long (default): one row per ``area``, ``year``, ``ncy`` (year 2022 = 2022/23, ncy 0 =
            Reception .. 13 = Year 13), columns :data:`FORECAST_COLUMNS`: ``phase`` (DfE:
            primary, secondary, sixth_form), ``tier`` (the school the year group attends in
            the area: primary, first, middle, secondary, high), ``pupils`` [count, central],
            ``pupils_lower``, ``pupils_upper`` (first coverage, 80% by default) and
            ``pupils_lower_95``, ``pupils_upper_95`` (second) [count], ``kind`` (``actual`` or
            ``derived`` history, interval = value; ``forecast``; ``supplied`` for a known
            intake's cells, :meth:`CohortModel.predict`'s ``known``), ``births_projected``
            (Reception onwards rests on projected births), ``cohort`` and ``housing``
            (``pupils = cohort + housing``: the cohort model's and new housing's pupils).
            Wide: ``area, phase, ncy`` and one column of ``pupils`` per year.

        Examples
        --------
        >>> fc = run_forecast(load_inputs("models/worcestershire.toml"))  # doctest: +SKIP
        >>> f = fc.to_frame()                                              # doctest: +SKIP
        >>> f[f["year"] > fc.base_year].groupby(["area", "year"])["pupils"].sum()  # doctest: +SKIP
        """
        if not wide:
            return self.data.copy()
        w = self.data.pivot_table(
            index=[nc.AREA, nc.PHASE, nc.NCY], columns=nc.YEAR, values=nc.PUPILS, aggfunc="sum"
        )
        w.columns = [int(c) for c in w.columns]
        return w.reset_index()

    def phase_totals(self, q: float | None = None) -> pd.DataFrame:
        """Totals by DfE phase per area and year.

        Parameters
        ----------
        q : float, optional
            Quantile in 0..1; ``pupils`` is then the q-quantile of the phase total from the
            draws instead of the central forecast.

        Returns
        -------
        DataFrame
            ``area, phase, year, pupils, pupils_lower, pupils_upper, kind`` [count]; the
            interval is the first coverage (80% by default).

        Raises
        ------
        ConfigError
            ``q`` is not a number in [0, 1] (a ``ValueError``).
        """
        if q is not None and not (is_number(q) and 0 <= float(q) <= 1):
            raise ConfigError(
                f"phase_totals(q={q!r}): expected a quantile between 0 and 1 "
                "(e.g. 0.8 for the 80th percentile), or None for the central forecast"
            )
        if self.totals is not None:
            g = self.totals
        else:
            g = self.data.groupby([nc.AREA, nc.PHASE, nc.YEAR], as_index=False, sort=True).agg(
                pupils=(nc.PUPILS, "sum"), kind=(nc.KIND, "first")
            )
        h = (g[nc.YEAR] - self.base_year).to_numpy()
        lo_q = (1 - self.coverage[0]) / 2
        out = g.copy()
        lower = g[nc.PUPILS].to_numpy(dtype=float).copy()
        upper = lower.copy()
        central = lower.copy()
        value = lower.copy()
        for phase, dr in self.draws.items():
            m = (g[nc.PHASE] == phase).to_numpy() & (h >= 1)
            if not m.any():
                continue
            hi = np.clip(h[m] - 1, 0, dr.shape[0] - 1)
            ql = np.quantile(dr, [lo_q, 1 - lo_q], axis=1)  # (2, H)
            mq = [ql[0, hi], ql[1, hi]] + (
                [np.quantile(dr, q, axis=1)[hi]] if q is not None else []
            )
            if phase in self.draw_scale:
                # comonotonic draws: the quantile of m ** k is the k-th power of m's quantile
                ai = pd.Index(self.draw_areas).get_indexer(g[nc.AREA].to_numpy()[m])
                sc = self.draw_scale[phase]
                k = np.where(
                    ai >= 0, sc[np.clip(ai, 0, None), np.clip(hi, 0, sc.shape[1] - 1)], 1.0
                )
                mq = [x**k for x in mq]
            lower[m] = central[m] * mq[0]
            upper[m] = central[m] * mq[1]
            if q is not None:
                value[m] = central[m] * mq[2]
        out[nc.PUPILS] = value
        out["pupils_lower"] = lower
        out["pupils_upper"] = upper
        return out[[nc.AREA, nc.PHASE, nc.YEAR, nc.PUPILS, "pupils_lower", "pupils_upper", nc.KIND]]

    def summary(self, years: tuple[int, ...] | None = None) -> str:
        """Short text table: area, phase, pupils now, in 5 and 10 years, 80% range.

        ``years`` are years after the base year (default ``(0, 5, 10)``, those within the
        horizon, and the horizon's last year when it is not one of them: ``(0, 5, 7)`` for a
        7-year forecast). The range is of the last year shown. Without an error model (:meth:`CohortModel.predict` without
        ``error_model``) the header says "no intervals (no error model)" and the range
        column "no intervals".

        Raises
        ------
        ConfigError
            A year asked for explicitly that is before the base year or past the horizon.
        """
        pt = self.phase_totals()
        last_year = int(pt[nc.YEAR].max())
        if years is None:
            # what the horizon holds of 0, 5 and 10 years, and its last year: a forecast of 7
            # years showed 2027/28 last, with the range of 2027/28 as the "last year"'s
            years = tuple(k for k in (0, 5, 10) if self.base_year + k <= last_year)
            if last_year - self.base_year not in years:
                years += (last_year - self.base_year,)
        else:
            if is_whole(years):  # one year, as summary(years=5) (a Solihull trial's TypeError)
                years = (years,)
            elif not is_list_of_values(years):
                raise ConfigError(
                    f"summary(years={years!r}): expected whole numbers of years after "
                    f"{nc.academic_year_label(self.base_year)}, e.g. (0, 5, 10)"
                )
            years = tuple(years)
            bad = [k for k in years if not is_whole(k) or not 0 <= k <= last_year - self.base_year]
            if bad:
                raise ConfigError(
                    f"summary(years={years!r}): {bad[0]!r} is not a year of the forecast; "
                    f"expected whole numbers of years after {nc.academic_year_label(self.base_year)}"
                    f" from 0 to {last_year - self.base_year} (the horizon)"
                )
        years = years or (0,)
        how = (
            f"intervals {int(self.coverage[0] * 100)}%"
            if self.draws
            else "no intervals (no error model)"
        )
        lines = [
            f"Pupil forecast from {nc.academic_year_label(self.base_year)} "
            f"({len(pt[nc.AREA].unique())} areas; {how}; phases as the DfE counts them: "
            f"primary R-Y6, secondary Y7-Y11, sixth_form Y12-Y13)",
        ]
        # names in full, the column as wide as the longest (16 at least)
        width = max([16] + [len(self.area_names.get(a, "")) for a in pt[nc.AREA].unique()])
        hdr = (
            f"{'area':<10} {'name':<{width}} {'phase':<10}"
            + "".join(f" {nc.academic_year_label(self.base_year + k):>9}" for k in years)
            + f"  {'range (last year)':>19}"
        )
        lines.append(hdr)
        piv = pt.set_index([nc.AREA, nc.PHASE, nc.YEAR])
        for (a, p), _ in pt.groupby([nc.AREA, nc.PHASE], sort=True):
            vals = []
            last = None
            for k in years:
                key = (a, p, self.base_year + k)
                if key in piv.index:
                    vals.append(f" {piv.loc[key, nc.PUPILS]:>9,.0f}")
                    last = piv.loc[key]
                else:
                    vals.append(f" {'-':>9}")
            if last is None:
                rng = "-"
            elif p not in self.draws:  # no error model: lower = upper = central, not a range
                rng = "no intervals"
            else:
                rng = f"{last['pupils_lower']:,.0f}-{last['pupils_upper']:,.0f}"
            lines.append(
                f"{a:<10} {self.area_names.get(a, ''):<{width}} {p:<10}"
                + "".join(vals)
                + f"  {rng:>19}"
            )
        for n in self.notes:
            lines.append(f"Note: {n}")
        return "\n".join(lines)


def fit_kwargs(config) -> dict[str, Any]:
    """:meth:`CohortModel.fit`'s keywords from a model definition's areas: ``transfer``,
    ``area_ncys`` and ``intake_from`` (None where no area gives one); the forecast and its
    calibration on observed planning areas fit with the same."""
    areas = config.areas
    return {
        "transfer": {a.code: dict(a.transfer) for a in areas if a.transfer} or None,
        "area_ncys": {a.code: a.ncys for a in areas},
        "intake_from": {a.code: a.intake_from for a in areas if a.intake_from} or None,
    }


def check_history(
    history: pd.DataFrame, births: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The checks the file readers run (:func:`~sufficiency.schema.validate_frame`), for a
    pupil history and births built in code: the checked copies, or a SchemaError naming the
    frame, column, rows, values and what was expected."""
    history = validate_frame(history, "pupils", _HISTORY_SOURCE)
    if births is not None and len(births):
        births = validate_frame(births, "births", _BIRTHS_SOURCE)
    return history, births


class CohortModel:
    """Cohort-survival pupil forecast (scikit-learn conventions).

    Parameters
    ----------
    window : int
        Years of survival ratios averaged.
    method : {"mean", "weighted", "median", "trimmed"}
        How survival ratios are averaged (see :func:`sufficiency.cohort.average_ratios`).
    halflife : float
        Recency half-life for ``method="weighted"`` [years].
    shrinkage : float
        Weight of the ratio pooled over all areas [fraction] (a multiplier of the
        empirical-Bayes weight with ``shrinkage_method="eb"``).
    shrinkage_method : {"fixed", "eb"}
        Same pooled weight for every area, or per area and transition by empirical Bayes
        (see :func:`sufficiency.cohort.average_ratios`).
    reception_shrinkage : float, optional
        ``shrinkage`` for the reception/births ratio (default 0: not shrunk; None: the same
        as ``shrinkage``).
    combine : tuple of (window, method) pairs
        Further ratio averages combined with equal weights with the main one
        (``window``, ``method``), e.g. ``((3, "mean"),)``: a forecast combination (see
        :func:`sufficiency.cohort.combined_average`); empty = the main average alone.
    reception_combine : tuple of (window, method) pairs
        The same for the reception/births ratio.
    downweight : mapping of int to float
        Weight of the ratios of transitions ending in the given academic years (e.g.
        ``{2020: 0.5}``); weight 0 drops the year and the window reaches one year further
        back (``{2020: 0}``: the 2020/21 pandemic year).
    reception_window, reception_method
        Same for the reception/births ratio.
    reception_trend : float
        Damping factor of a linear trend in the reception/births ratio (0 = none).
    reception_trend_window : int
        Years used to estimate that trend.
    drift : float
        Weight of the pooled drift correction (:func:`sufficiency.cohort.pooled_drift`)
        added to averaged survival and reception ratios (0 = none).
    reception_drift : float
        The same for the reception/births ratio only.
    staying_on_drift : float
        The same for the staying-on rates only (Y11 -> Y12, Y12 -> Y13).
    primary_drift : float
        The same for the survival ratios within primary (R -> Y1 ... Y5 -> Y6).
    drift_lookback : int
        Years of one-step-ahead ratio errors the drift is measured over.
    rebound : float
        When the transitions ending in the base year are dropped (``downweight`` 0, e.g. an
        origin in the 2020/21 pandemic year), the share of each cohort's departure from its
        expected ratio that year assumed to come back in the first forecast year (0 = the
        loss is permanent, 1 = all of it returns) [fraction in 0..1].
    rebound_pooled : bool
        Measure that departure pooled over all areas (``True``) or area by area.
    secondary_halflife, secondary_shrinkage : float, optional
        ``halflife`` and ``shrinkage`` for the transitions Year 6 -> Year 7 ... Year 10 ->
        Year 11 (default: the same as the others; ``secondary_shrinkage`` is a fixed weight
        with ``shrinkage_method="fixed"``). Secondary ratios (admissions into Year 7, moves
        between secondary schools) persist from one year to the next, and the backtest
        favours a shorter half-life and full empirical-Bayes pooling for them
        (docs/forecast.md).
    births_method : {"holt_fixed", "holt_damped", "drift", "flat"}
        Projection of births beyond the last observed year (see
        :func:`sufficiency.cohort.project_series`).
    horizon : int
        Years forecast [years].
    coverage : tuple of float
        Interval coverages (first = ``pupils_lower/upper``).
    draws : int
        Number of draws for phase-total quantiles.
    seed : int
        Random seed (results are deterministic given it).
    ncys : tuple of int
        Year groups modelled, consecutive from Reception (default R-Y13).
    """

    def __init__(
        self,
        window: int = 5,
        method: str = "weighted",
        halflife: float = 1.0,
        shrinkage: float = 0.5,
        shrinkage_method: str = "eb",
        reception_shrinkage: float | None = 0.0,
        combine: tuple = (),
        reception_combine: tuple = ((3, "mean"),),
        downweight: Mapping[int, float] | None = DEFAULT_DOWNWEIGHT,
        reception_window: int = 5,
        reception_method: str = "weighted",
        reception_trend: float = 0.0,
        reception_trend_window: int = 5,
        drift: float = 0.0,
        reception_drift: float = 0.5,
        staying_on_drift: float = 1.0,
        primary_drift: float = 0.5,
        drift_lookback: int = 5,
        rebound: float = 0.5,
        rebound_pooled: bool = True,
        secondary_halflife: float | None = 0.5,
        secondary_shrinkage: float | None = 1.0,
        births_method: str = "holt_fixed",
        horizon: int = 10,
        coverage: tuple[float, float] = DEFAULT_COVERAGE,
        draws: int = 1000,
        seed: int = 20240101,
        ncys: tuple[int, ...] = NCYS,
    ) -> None:
        self.window = window
        self.method = method
        self.halflife = halflife
        self.shrinkage = shrinkage
        self.shrinkage_method = shrinkage_method
        self.reception_shrinkage = reception_shrinkage
        self.combine = combine
        self.reception_combine = reception_combine
        self.downweight = downweight
        self.reception_window = reception_window
        self.reception_method = reception_method
        self.reception_trend = reception_trend
        self.reception_trend_window = reception_trend_window
        self.drift = drift
        self.reception_drift = reception_drift
        self.staying_on_drift = staying_on_drift
        self.primary_drift = primary_drift
        self.drift_lookback = drift_lookback
        self.rebound = rebound
        self.rebound_pooled = rebound_pooled
        self.secondary_halflife = secondary_halflife
        self.secondary_shrinkage = secondary_shrinkage
        self.births_method = births_method
        self.horizon = horizon
        self.coverage = coverage
        self.draws = draws
        self.seed = seed
        self.ncys = ncys

    def get_params(self) -> dict[str, Any]:
        return {
            k: dict(v) if isinstance(v, Mapping) else v
            for k, v in ((k, getattr(self, k)) for k in DEFAULT_PARAMS)
        }

    # ------------------------------------------------------------------ fit
    def fit(
        self,
        history: pd.DataFrame,
        births: pd.DataFrame | None = None,
        *,
        transfer=None,
        area_ncys: Mapping[str, tuple[int, ...]] | None = None,
        base_year: int | None = None,
        intake_from: Mapping[str, tuple[str, ...]] | None = None,
        _validated: bool = False,
    ) -> CohortModel:
        """Estimate ratios from pupil history (and births).

        Both frames are checked as the file readers check them
        (:func:`sufficiency.schema.validate_frame` with the ``pupils`` and ``births``
        schemas), so whole numbers given as text (``"2015"``) are read as numbers.

        Parameters
        ----------
        history : DataFrame
            ``area, year, ncy, pupils`` (optional ``kind``) [count]; years up to
            ``base_year`` are used.
        births : DataFrame, optional
            ``area, year, births`` (mid-year births, year = year to June) [count]. Areas
            with Reception but no births get Reception by trend (with a warning).
        transfer : mapping or DataFrame, optional
            ``{from_area: {to_area: share}}``: shares of an area's last year group (from
            ``area_ncys``; Year 6 if not given) moving to the next year group of other areas
            (primary to secondary, or middle-school to high-school areas); identity if
            omitted.
        area_ncys : mapping, optional
            Year groups each area forecasts; default: those with pupils in the base year.
        base_year : int, optional
            Origin; default the last year of ``history``.
        intake_from : mapping, optional
            ``{area: (source_area, ...)}`` for areas recruiting their first year group (from
            ``area_ncys``) from the sources' previous year group without moving them (a
            university technical college at Year 10).

        Returns
        -------
        self

        Raises
        ------
        SchemaError
            A frame that fails its schema: a missing column (the message lists the columns
            found), a missing, non-numeric, negative or non-whole value, a year group
            outside -2..14, a repeated key, or years with a gap inside an area's series.
            The message names the frame (``history`` or ``births``), the column, the row
            index and value(s), and what was expected.
        ConfigError
            A bad parameter (e.g. ``method``), or a transfer to an area not in ``history``.

        Warns
        -----
        DataQualityWarning
            Births of 0 inside a modelled area's series, or above 10 times its median (as
            the births readers warn), and areas with Reception but no births (both also
            logged and kept in the result's ``warnings``); year groups with no pupils in
            the base year.
        """
        births_given = births
        if not _validated:  # private: the rolling backtest checks its frames once, not per origin
            history, births = check_history(history, births)
        for nm in ("method", "reception_method"):
            if getattr(self, nm) not in cohort.AVERAGE_METHODS:
                raise ConfigError(
                    f"{nm} = {getattr(self, nm)!r}: expected one of {cohort.AVERAGE_METHODS}"
                )
        for nm in ("shrinkage", "reception_shrinkage", "secondary_shrinkage"):
            v = getattr(self, nm)
            if v is not None and not (0 <= v <= 1):
                raise ConfigError(f"{nm} = {v}: expected 0..1")
        if not (0 <= float(self.rebound) <= 1):
            raise ConfigError(f"rebound = {self.rebound}: expected 0..1")
        if self.shrinkage_method not in cohort.SHRINKAGE_METHODS:
            raise ConfigError(
                f"shrinkage_method = {self.shrinkage_method!r}: expected one of "
                f"{cohort.SHRINKAGE_METHODS}"
            )
        combine = _members(self.combine, "combine")
        rec_combine = _members(self.reception_combine, "reception_combine")
        ncys = [int(g) for g in self.ncys]
        if ncys != list(range(0, len(ncys))):
            raise ConfigError(
                f"ncys = {self.ncys}: expected consecutive year groups from Reception (0)"
            )
        if not _validated:
            # then the checks a model definition's [forecast] gets (halflife=0, draws=0 and
            # coverage=(1.5, 0.95) passed here and failed later, or not at all)
            for k in DEFAULT_PARAMS:
                v = getattr(self, k, None)
                if v is not None and k != "horizon":
                    check_param(k, dict(v) if isinstance(v, Mapping) else v, "CohortModel:")
        h = history[history[nc.NCY].isin(ncys)]
        if base_year is None:
            base_year = int(h[nc.YEAR].max())
        h = h[h[nc.YEAR] <= base_year]
        if h.empty:
            raise SchemaError(f"pupil history has no rows up to {base_year}")
        areas = sorted(h[nc.AREA].astype(str).unique())
        years = list(range(int(h[nc.YEAR].min()), base_year + 1))
        if years[-1] != base_year:
            raise SchemaError(f"pupil history has no rows for base year {base_year}")
        cube = cohort.history_cube(h, areas, years, ncys)
        if area_ncys is None:
            mask = np.nan_to_num(cube[:, -1, :]) > 0
        else:
            mask = np.zeros((len(areas), len(ncys)), dtype=bool)
            for i, a in enumerate(areas):
                mask[i, [g for g in area_ncys.get(a, ()) if g in ncys]] = True
        # where pupils move on: at each area's last year group (given, or in the base year)
        taught = (
            area_ncys
            if area_ncys is not None
            else {a: tuple(int(g) for g in np.asarray(ncys)[mask[i]]) for i, a in enumerate(areas)}
        )
        T = _transfer_matrix(transfer, areas, taught, intake_from)
        self.areas_ = areas
        self.years_ = years
        self.ncys_ = ncys
        self.base_year_ = base_year
        self.cube_ = cube
        self.transfer_ = T
        self.kind_ = (
            h.groupby(nc.AREA)[nc.KIND]
            .agg(lambda k: "derived" if (k == "derived").any() else "actual")
            .reindex(areas)
            .fillna("actual")
            .to_dict()
            if nc.KIND in h.columns
            else {a: "actual" for a in areas}
        )
        self.mask_ = mask
        gap = mask & np.isnan(cube[:, -1, :])
        if gap.any():
            rows = np.unique(np.nonzero(gap)[0])
            msg = (
                f"{len(rows)} area(s) have year groups with no pupils in base year {base_year} "
                f"({', '.join(np.asarray(areas)[rows])}): those cohorts start from 0"
            )
            warnings.warn(msg, DataQualityWarning, stacklevel=2)
        self.warnings_: list[str] = []

        # survival ratios ------------------------------------------------------------------
        sr = cohort.survival_ratios(cube, T)  # (A, T-1, G-1)
        w = _year_weights(self.downweight, years)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns: areas' other phase
            size = np.nanmean(cohort.feeder_counts(cube, T)[:, -self.window :, :], axis=1)
            rec_size = np.nanmean(cube[:, -3:, 0], axis=1)[:, None]
        self.survival_history_ = sr
        # an area recruiting its entry (intake_from) has a share of its sources' cohort for
        # that transition, not a survival ratio: it is averaged on its own, never pooled
        recruit = np.zeros(sr.shape[::2], dtype=bool)  # (A, G-1)
        for u in intake_from or {}:
            if u in areas and taught.get(u) and min(taught[u]) - 1 in ncys[:-1]:
                recruit[areas.index(u), ncys.index(min(taught[u]) - 1)] = True
        own = None
        if recruit.any():
            own = self._averager(self.window, self.method, combine, w, size, 0.0)(_exclude(sr, w))
            sr = np.where(recruit[:, None, :], np.nan, sr)
            size = np.where(recruit, 0.0, size)
        sr_used = _exclude(sr, w)
        sec = np.array([6 <= g <= 10 for g in ncys[:-1]])
        if sec.any() and (
            self.secondary_halflife is not None or self.secondary_shrinkage is not None
        ):
            # the secondary transitions are averaged their own way, the others as usual
            avg_sr = _by_columns(
                [
                    (~sec, self._averager(self.window, self.method, combine, w, size[:, ~sec])),
                    (
                        sec,
                        self._averager(
                            self.window,
                            self.method,
                            combine,
                            w,
                            size[:, sec],
                            self.secondary_shrinkage,
                            self.secondary_halflife,
                        ),
                    ),
                ]
            )
        else:
            avg_sr = self._averager(self.window, self.method, combine, w, size)
        avg = avg_sr(sr_used)
        dw = np.full(len(ncys) - 1, float(self.drift))
        dw[[k for k, g in enumerate(ncys[:-1]) if g >= 11]] += float(self.staying_on_drift)
        dw[[k for k, g in enumerate(ncys[:-1]) if g < 6]] += float(self.primary_drift)
        if dw.any():
            avg = avg + dw * cohort.pooled_drift(
                sr_used,
                self.window,
                self.method,
                self.halflife,
                size,
                self.drift_lookback,
                average=avg_sr,
            )
        avg = self._fill_missing(avg, mask[:, 1:] & ~recruit, size, "survival ratio")
        if own is not None:
            avg = self._recruit_ratios(avg, own, recruit)
        self.recruit_ = recruit
        self.survival_ratios_ = np.nan_to_num(avg, nan=0.0)

        # reception -----------------------------------------------------------------------
        rec = cube[:, :, 0]
        has_rec = mask[:, 0]
        b_years = list(range(years[0] - cohort.RECEPTION_LAG - 20, base_year + 1))
        B = np.full((len(areas), len(b_years)), np.nan)
        births_kind = np.full(len(areas), "none", dtype=object)
        if births is not None and len(births):
            bb = births[births[nc.YEAR] <= base_year]
            ai = pd.Index(areas).get_indexer(bb[nc.AREA].astype(str))
            ti = pd.Index(b_years).get_indexer(bb[nc.YEAR].astype(int))
            ok = (ai >= 0) & (ti >= 0)
            B[ai[ok], ti[ok]] = bb[nc.BIRTHS].to_numpy(dtype=float)[ok]
            births_kind[np.unique(ai[ok])] = "births"
            if not _validated:
                self._warn_births(births_given, areas)
        no_births = has_rec & (births_kind != "births")
        if no_births.any():
            msg = (
                f"{int(no_births.sum())} area(s) have no births ({', '.join(np.array(areas)[no_births])}"
                "): Reception forecast by trend in Reception itself"
            )
            self._warn(msg)
            # treat Reception(t) as "births(t-4)" with ratio 1: projected by the same method
            lag_idx = pd.Index(b_years).get_indexer([y - cohort.RECEPTION_LAG for y in years])
            ok = lag_idx >= 0
            for_rows = np.where(no_births)[0]
            B[np.ix_(for_rows, lag_idx[ok])] = rec[np.ix_(for_rows, np.where(ok)[0])]
            births_kind[no_births] = "reception"
        # last observed births per area (trailing NaN projected)
        self.births_years_ = b_years
        self.births_ = B
        self.births_kind_ = births_kind
        lag = pd.Index(b_years).get_indexer([y - cohort.RECEPTION_LAG for y in years])
        Blag = np.where(lag[None, :] >= 0, B[:, np.clip(lag, 0, None)], np.nan)
        rr = cohort.reception_ratios(rec, Blag)  # (A, T)
        rr_hist = rr[:, 1:]  # align weights with transitions (ends in years[1:])
        self.reception_history_ = rr
        rr_used = _exclude(rr_hist[:, :, None], w)
        avg_rr = self._averager(
            self.reception_window,
            self.reception_method,
            rec_combine,
            w,
            rec_size,
            self.reception_shrinkage,
        )
        rr_avg = avg_rr(rr_used)[:, 0]
        rd = self.drift + self.reception_drift
        if rd:
            rr_avg = (
                rr_avg
                + rd
                * cohort.pooled_drift(
                    rr_used,
                    self.reception_window,
                    self.reception_method,
                    self.halflife,
                    rec_size,
                    self.drift_lookback,
                    average=avg_rr if rec_combine else None,
                )[0]
            )
        rr_avg = self._fill_missing(
            rr_avg[:, None], has_rec[:, None], rec_size, "reception/births ratio"
        )[:, 0]
        self.reception_ratio_ = np.where(np.isnan(rr_avg), 1.0, rr_avg)
        self.rebound_ = self._rebound(sr, rr, w)
        self.reception_trend_ = cohort.trend_adjustment(
            rr_hist,
            self.reception_trend_window,
            self.reception_trend,
            int(self.horizon) + 30,
            lead=0.0,
        )
        return self

    def _warn(self, msg: str, stacklevel: int = 3) -> None:
        """A data-quality finding: logged, kept in ``warnings_`` (the result's warnings) and
        raised as a :class:`DataQualityWarning` at the caller of :meth:`fit`."""
        logger.warning(msg)
        self.warnings_.append(msg)
        warnings.warn(msg, DataQualityWarning, stacklevel=stacklevel)

    def _warn_births(self, births: pd.DataFrame, areas: list[str]) -> None:
        """The file readers' warnings on implausible births (0 inside a series, or above 10
        times its median), for the modelled areas, as :meth:`_warn` findings; rows are named
        by the index of the frame given to :meth:`fit`."""
        frame = births.assign(**{nc.AREA: births[nc.AREA].astype("string").str.strip()})
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            warn_implausible_births(frame, _BIRTHS_SOURCE, areas=areas)
        for w_ in caught:
            self._warn(str(w_.message), stacklevel=4)

    def _recruit_ratios(self, avg: np.ndarray, own: np.ndarray, recruit: np.ndarray) -> np.ndarray:
        """Put each recruiting area's own averaged entry share (no pooling, no drift) in
        ``avg``; one without any history takes the mean share of the other recruiting areas
        at that year group (0 if none has one), with a warning."""
        out = np.where(recruit, own, avg)
        missing = recruit & np.isnan(own)
        if missing.any():
            have = recruit & ~np.isnan(own)
            with np.errstate(invalid="ignore"):
                mean = np.where(have, own, 0.0).sum(0) / have.sum(0)
            fill = np.where(np.isfinite(mean), mean, 0.0)
            out = np.where(missing, fill[None, :], out)
            rows = np.unique(np.nonzero(missing)[0])
            self._warn(
                f"{len(rows)} recruiting area(s) have no history of their intake "
                f"({', '.join(np.asarray(self.areas_)[rows])}): the mean share of the "
                "other recruiting areas is used (0 where there is none)",
                stacklevel=4,
            )
        return out

    def _fill_missing(self, avg: np.ndarray, needed: np.ndarray, size, what: str) -> np.ndarray:
        """Give an area without any observed ratio (for a year group it teaches) the ratio
        pooled over all areas (pupil-weighted; 1 where no area has one), with a warning,
        rather than a silent zero (e.g. an authority created a year before the origin)."""
        missing = np.isnan(avg) & needed
        if not missing.any():
            return avg
        sz = np.where(np.isnan(avg), 0.0, np.nan_to_num(np.asarray(size, dtype=float)))
        with np.errstate(invalid="ignore", divide="ignore"):
            pooled = (np.nan_to_num(avg) * sz).sum(axis=0) / sz.sum(axis=0)
        fill = np.where(np.isfinite(pooled), pooled, 1.0)
        rows = np.unique(np.nonzero(missing)[0])
        names = ", ".join(np.asarray(self.areas_)[rows])
        msg = (
            f"{len(rows)} area(s) have no {what} history for some year groups ({names}): "
            f"the {what} pooled over all areas is used (1 where no area has one)"
        )
        self._warn(msg, stacklevel=4)
        return np.where(missing, fill[None, :], avg)

    def _rebound(self, sr: np.ndarray, rr: np.ndarray, w: np.ndarray) -> np.ndarray:
        """First-forecast-year factor on each transition: a dropped base year reverts.

        When the transitions ending in the base year are dropped (``downweight`` 0, e.g. the
        2020/21 pandemic year) the base-year cohorts are still the ones observed, so pupils a
        cohort lost (or gained) against its expected ratio that year are assumed to come back
        (``rebound = 1``) or partly so in the first forecast year. The departure is
        ``observed / expected`` pupils of the cohort's last transition (Reception: against
        births x the averaged ratio), pooled over areas (``rebound_pooled``) or by area;
        compulsory year groups only (R -> Y1 ... Y10 -> Y11).

        Returns
        -------
        ndarray, shape (A, G-1)
            Factor on each transition's ratio in the first forecast year (1 = none).
        """
        G1 = sr.shape[2]
        out = np.ones((sr.shape[0], G1))
        if not self.rebound or len(w) == 0 or w[-1] != 0:
            return out
        exp_s = self.survival_ratios_
        src = cohort.feeder_counts(self.cube_, self.transfer_)[:, -2, :]  # (A, G-1)
        obs_n = np.nan_to_num(self.cube_[:, -1, 1:])
        exp_n = np.nan_to_num(src * exp_s)
        ok = (src > 0) & np.isfinite(sr[:, -1, :]) & (exp_n > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            births_last = self.cube_[:, -1, 0] / rr[:, -1]  # births behind base-year Reception
        exp_r = np.nan_to_num(births_last * self.reception_ratio_)
        obs_r = np.nan_to_num(self.cube_[:, -1, 0])
        ok_r = np.isfinite(rr[:, -1]) & (exp_r > 0)
        if self.rebound_pooled:
            with np.errstate(invalid="ignore", divide="ignore"):
                dep = np.where(ok, obs_n, 0).sum(0) / np.where(ok, exp_n, 0).sum(0)
                dep_r = np.where(ok_r, obs_r, 0).sum() / np.where(ok_r, exp_r, 0).sum()
            dep = np.broadcast_to(np.where(np.isfinite(dep), dep, 1.0), out.shape)
            dep_r = np.full(out.shape[0], dep_r if np.isfinite(dep_r) else 1.0)
        else:
            with np.errstate(invalid="ignore", divide="ignore"):
                dep = np.where(ok, obs_n / np.where(ok, exp_n, 1), 1.0)
                dep_r = np.where(ok_r, obs_r / np.where(ok_r, exp_r, 1), 1.0)
        # the cohort now in g had its departure on transition g-1 -> g (Reception: at entry)
        fac = np.ones_like(out)
        fac[:, 0] = dep_r
        fac[:, 1:] = dep[:, :-1]
        comp = np.arange(G1) <= 10
        out[:, comp] = (1.0 / fac[:, comp]) ** float(self.rebound)
        return out

    def _averager(self, window, method, members, w, size, shrinkage=None, halflife=None):
        """``ratios -> averaged ratios`` with this model's settings (one or a combination)."""
        shrink = self.shrinkage if shrinkage is None else float(shrinkage)
        hl = self.halflife if halflife is None else float(halflife)
        allm = ((window, method),) + tuple(members)  # one member: the plain average

        def f(r):
            return cohort.combined_average(
                r,
                allm,
                hl,
                weights=w[: r.shape[1]],
                shrinkage=shrink,
                size=size,
                shrinkage_method=self.shrinkage_method,
            )

        return f

    # -------------------------------------------------------------- predict
    def _check(self):
        if not hasattr(self, "survival_ratios_"):
            raise NotFittedError("CohortModel: call fit(history, births) before predict().")

    def project_births(self, horizon: int, births: pd.DataFrame | None = None):
        """Births for every year needed by ``horizon`` forecast years.

        Returns
        -------
        (ndarray (A, H), ndarray of bool (A, H))
            Births feeding Reception in each forecast year [count], and whether they are
            projected rather than observed (for an area without Reception: whether those of
            the areas with births are).
        """
        self._check()
        A = len(self.areas_)
        need = [self.base_year_ + k - cohort.RECEPTION_LAG for k in range(1, horizon + 1)]
        b_years = list(self.births_years_)
        obs = ~np.isnan(self.births_)
        last_i = np.where(obs.any(axis=1), obs.shape[1] - 1 - np.argmax(obs[:, ::-1], axis=1), -1)
        last_obs = np.where(last_i >= 0, np.asarray(b_years)[np.clip(last_i, 0, None)], -(10**6))
        extra = max(0, max(need) - b_years[-1])
        b_years = b_years + list(range(b_years[-1] + 1, b_years[-1] + 1 + extra))
        B = np.concatenate([self.births_, np.full((A, extra), np.nan)], axis=1)
        supplied = np.zeros_like(B, dtype=bool)
        if births is not None and len(births):
            ai = pd.Index(self.areas_).get_indexer(births[nc.AREA].astype(str))
            ti = pd.Index(b_years).get_indexer(births[nc.YEAR].astype(int))
            ok = (ai >= 0) & (ti >= 0)
            ai, ti = ai[ok], ti[ok]
            vals = births[nc.BIRTHS].to_numpy(dtype=float)[ok]
            free = np.isnan(B[ai, ti])
            B[ai[free], ti[free]] = vals[free]
            supplied[ai[free], ti[free]] = True
            # births are projected only after the last value given: a mid-year missing
            # between the observed and the supplied ones would be Reception of 0
            filled = ~np.isnan(B)
            last_f = filled.shape[1] - 1 - np.argmax(filled[:, ::-1], axis=1)
            col = np.arange(B.shape[1])[None, :]
            hole = ~filled & (col > last_i[:, None]) & (col < last_f[:, None])
            hole &= (last_i >= 0)[:, None]
            if hole.any():
                ar, yc = np.nonzero(hole)
                gaps = {}
                for a, y in zip(ar.tolist(), yc.tolist()):
                    gaps.setdefault(str(self.areas_[a]), []).append(int(b_years[y]))
                shown = "; ".join(
                    f"{a}: mid-{ys[0]}" + (f" to mid-{ys[-1]}" if len(ys) > 1 else "")
                    for a, ys in list(gaps.items())[:10]
                )
                raise ConfigError(
                    f"keyword argument (predict) births: supplied births leave mid-year(s) out "
                    f"after the births the model was fitted on ({shown}"
                    f"{'; ...' if len(gaps) > 10 else ''}): births are projected only after "
                    "the last one given, so those years' Reception would be 0; expected "
                    "supplied births from the mid-year after the last fitted one, or none"
                )
        # project each area's trailing gap (after its last observed or supplied value)
        idx = pd.Index(b_years).get_indexer(need)
        gap = np.isnan(B[:, idx]).any(axis=1) & (last_i >= 0)
        if gap.any():
            filled = ~np.isnan(B[gap])
            last_f = filled.shape[1] - 1 - np.argmax(filled[:, ::-1], axis=1)
            steps = int((B.shape[1] - 1 - last_f).max())
            P = cohort.project_series(B[gap], steps, self.births_method)  # (n, steps)
            cols = last_f[:, None] + 1 + np.arange(steps)[None, :]
            okc = cols < B.shape[1]
            rows = np.repeat(np.where(gap)[0][:, None], steps, axis=1)
            B[rows[okc], cols[okc]] = P[okc]
        idx = pd.Index(b_years).get_indexer(need)
        out = B[:, idx]
        projected = (np.array(need)[None, :] > last_obs[:, None]) | supplied[:, idx]
        teaches_r = self.mask_[:, np.asarray(self.ncys_) == nc.NCY_RECEPTION].any(axis=1)
        if (~teaches_r).any():
            # an area without Reception (a secondary area) has no births of its own: its
            # cohorts entered Reception in the areas that have births, so they rest on
            # projected births exactly when those areas' births were projected
            src = teaches_r & (last_i >= 0)
            common = projected[src].any(axis=0) if src.any() else np.zeros(len(need), dtype=bool)
            projected = np.where(teaches_r[:, None], projected, common[None, :])
        return out, projected

    def forecast_cube(
        self,
        horizon: int,
        births: pd.DataFrame | None = None,
        *,
        known: pd.DataFrame | None = None,
        housing: np.ndarray | None = None,
    ):
        """Central cohort forecast as an array.

        Parameters
        ----------
        horizon : int
            Years ahead.
        births : DataFrame, optional
            A supplied births projection, as in :meth:`predict`.
        known : DataFrame, optional
            A known intake (``area, year, ncy, pupils``), as in :meth:`predict`: each cell's
            cohort is its ``pupils`` less ``housing`` there (at least 0), and the cohort
            rolls forward from it.
        housing : ndarray (A, H, G), optional
            Pupils from housing, subtracted from ``known`` (they are not in the cube).

        Returns
        -------
        (ndarray (A, H, G), ndarray of bool (A, H))
            Pupils by area (``areas_``), forecast year and year group (``ncys_``) [count],
            zero outside each area's year groups; and whether Reception's births in each
            forecast year are projected.
        """
        self._check()
        H = int(horizon)
        cells, _ = self._known_cells(known, H)
        return self._cube(H, births, cells, housing)

    def _cube(self, H: int, births, cells, housing):
        """:meth:`forecast_cube` from the known cells already found (:meth:`_known_cells`)."""
        Bf, projected, rr = self._reception_inputs(H, births)
        reception = np.where(self.mask_[:, :1], Bf * rr, 0.0)
        base = self.cube_[:, -1, :]
        ratios = self.survival_ratios_
        if not np.all(self.rebound_ == 1.0):
            ratios = np.repeat(ratios[:, None, :], H, axis=1)
            ratios[:, 0] *= self.rebound_
        known = None
        if cells is not None:
            km, kv = cells[0], cells[1]
            hous = np.zeros_like(kv) if housing is None else np.nan_to_num(housing)
            known = (km, np.where(km, np.maximum(np.nan_to_num(kv) - hous, 0.0), 0.0))
        central = cohort.roll_forward(base, ratios, reception, self.transfer_, known=known)
        return np.where(self.mask_[:, None, :], central, 0.0), projected

    def _known_cells(self, known: pd.DataFrame | None, H: int):
        """A known intake as arrays ``(mask, pupils, bounds, frame)`` (None without rows)
        and the warning of its rows after the horizon (or None).

        ``mask`` (A, H, G): the cells given; ``pupils`` (A, H, G): their values (NaN
        elsewhere); ``bounds`` (A, H, G, 4): the bounds given (lower, upper, lower_95,
        upper_95; NaN where none); ``frame``: the rows used. Validated as the reader
        validates a file (:func:`sufficiency.io.intake.check_intake`); rows after the
        horizon are left out with a warning."""
        if known is None:
            return None, None
        from .io.intake import BOUND_COLUMNS, check_intake, late_rows_message

        if not isinstance(known, pd.DataFrame):
            raise ConfigError(
                f"keyword argument (predict) known: a {type(known).__name__}; expected a "
                "DataFrame with columns area, year, ncy, pupils"
            )
        source = known.attrs.get("source", _KNOWN_SOURCE)
        taught = {
            a: [int(g) for g in np.asarray(self.ncys_)[self.mask_[i]]]
            for i, a in enumerate(self.areas_)
        }
        k = check_intake(known, source, taught, int(self.base_year_))
        late = late_rows_message(k, source, int(self.base_year_), H)
        if late:
            warnings.warn(late, DataQualityWarning, stacklevel=4)
            k = k[k[nc.YEAR].to_numpy(dtype=int) <= int(self.base_year_) + H]
        if k.empty:
            return None, late
        A, G = len(self.areas_), len(self.ncys_)
        ai = pd.Index(self.areas_).get_indexer(k[nc.AREA].astype(str))
        hi = k[nc.YEAR].to_numpy(dtype=int) - int(self.base_year_) - 1
        gi = pd.Index(self.ncys_).get_indexer(k[nc.NCY].to_numpy(dtype=int))
        mask = np.zeros((A, H, G), dtype=bool)
        mask[ai, hi, gi] = True
        vals = np.full((A, H, G), np.nan)
        vals[ai, hi, gi] = k[nc.PUPILS].to_numpy(dtype=float)
        bounds = np.full((A, H, G, 4), np.nan)
        for j, c in enumerate(c for pair in BOUND_COLUMNS for c in pair):
            if c in k.columns:
                bounds[ai, hi, gi, j] = k[c].to_numpy(dtype=float)
        return (mask, vals, bounds, k), late

    def _reception_inputs(self, H: int, births: pd.DataFrame | None):
        """Births feeding Reception in each forecast year, whether they are projected, and
        the reception/births ratio (with its trend), each ``(A, H)``."""
        Bf, projected = self.project_births(H, births)
        rr = np.maximum(self.reception_ratio_[:, None] + self.reception_trend_[:, :H], 0.0)
        return Bf, projected, rr

    def bootstrap_totals(
        self,
        horizon: int,
        qs=(0.1, 0.9),
        draws: int = 1000,
        seed: int | None = None,
        births: pd.DataFrame | None = None,
    ) -> dict[str, np.ndarray]:
        """Phase-total quantiles from a bootstrap over the historical ratios.

        The alternative to intervals from backtest errors: each draw rolls the base year
        forward with, for every forecast year, the ratios of one year drawn at random from
        the averaging window (the same year for every area, transition and the
        reception/births ratio, so that a good or bad year hits them together), as
        deviations from the window mean added to the fitted ratios (so the centre stays the
        point forecast). Births beyond the data are the central projection. Measured against
        the backtest-error intervals in docs/forecast.md.

        Parameters
        ----------
        horizon : int
            Forecast years.
        qs : sequence of float
            Quantiles wanted, e.g. ``(0.1, 0.9)`` for an 80% interval.
        draws : int
            Bootstrap draws.
        seed : int, optional
            Random seed (default: the model's ``seed``).
        births : DataFrame, optional
            A supplied births projection, as in :meth:`predict`.

        Returns
        -------
        dict of str to ndarray, shape (A, horizon, len(qs))
            By DfE phase: quantiles of the area's phase total in each forecast year [pupils].
            Memory grows with areas x horizon x year groups x draws: meant for authorities
            and planning areas, not thousands of areas at once.
        """
        self._check()
        H = int(horizon)
        D = int(draws)
        if H < 1 or D < 1:
            raise ConfigError(f"bootstrap_totals: horizon {H} and draws {D}: expected >= 1")
        rng = np.random.default_rng(int(self.seed if seed is None else seed))
        # the averaging window: the last `window` transitions not dropped by `downweight`
        w = _year_weights(self.downweight, self.years_)
        win = np.nonzero(w > 0)[0][-int(self.window) :]
        A, G = len(self.areas_), len(self.ncys_)
        if len(win) == 0:
            res_s = np.zeros((A, 1, G - 1))
            res_r = np.zeros((A, 1))
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # areas without a phase
                s_w = self.survival_history_[:, win, :]
                res_s = np.nan_to_num(s_w - np.nanmean(s_w, axis=1, keepdims=True))
                r_w = self.reception_history_[:, 1:][:, win]  # aligned with the transitions
                res_r = np.nan_to_num(r_w - np.nanmean(r_w, axis=1, keepdims=True))
        pick = rng.integers(0, res_s.shape[1], size=(H, D))  # historical year per (year, draw)
        ratios = self.survival_ratios_[:, None, :, None] + np.moveaxis(res_s[:, pick, :], 3, 2)
        ratios = np.maximum(ratios, 0.0)
        ratios[:, 0] *= self.rebound_[:, :, None]
        Bf, _, rr = self._reception_inputs(H, births)
        reception = Bf[:, :, None] * np.maximum(rr[:, :, None] + res_r[:, pick], 0.0)
        reception = np.where(self.mask_[:, :1, None], reception, 0.0)
        base = np.repeat(self.cube_[:, -1, :, None], D, axis=2)
        cube = cohort.roll_forward(base, ratios, reception, self.transfer_)  # (A, H, G, D)
        cube = np.where(self.mask_[:, None, :, None], cube, 0.0)
        out = {}
        for p in nc.PHASES:
            gsel = [i for i, g in enumerate(self.ncys_) if nc.phase_of_ncy(g) == p]
            if gsel:
                tot = cube[:, :, gsel, :].sum(axis=2)  # (A, H, D)
                out[p] = np.moveaxis(np.quantile(tot, list(qs), axis=2), 0, 2)
        return out

    def predict(
        self,
        horizon: int | None = None,
        *,
        births: pd.DataFrame | None = None,
        housing: np.ndarray | None = None,
        error_model: ErrorModel | None = None,
        ncy_error_model: ErrorModel | None = None,
        size_noise: SizeNoise | None = None,
        tiers=None,
        provenance: tuple = (),
        notes: tuple[str, ...] = (),
        area_names: Mapping[str, str] | None = None,
        known: pd.DataFrame | None = None,
        known_source: str = "",
    ) -> ForecastResult:
        """Forecast ``horizon`` years beyond the base year.

        Parameters
        ----------
        horizon : int, optional
            Years ahead (default: the model's ``horizon``).
        births : DataFrame, optional
            A supplied births projection (``area, year, births``) used where births are
            not observed; otherwise births are projected with ``births_method``.
        housing : ndarray (A, H, G), optional
            Additive pupils from housing (:func:`sufficiency.housing.housing_pupils`).
        error_model : ErrorModel, optional
            Errors of phase totals by horizon (key = DfE phase); without it (or with an
            empty one) intervals are degenerate (lower = upper = central), a
            :class:`~sufficiency.exceptions.DataQualityWarning` says so (also logged and
            kept in the result's ``warnings``) and :meth:`ForecastResult.summary` shows no
            ranges.
        ncy_error_model : ErrorModel, optional
            Errors by year group for cell intervals; falls back to ``error_model``.
        size_noise : SizeNoise, optional
            Noise of an area's own (:func:`sufficiency.uncertainty.estimate_size_noise`):
            intervals of areas smaller than the ones the errors came from are widened
            (:meth:`~sufficiency.uncertainty.ErrorModel.size_scale`).
            Without it every area gets the error model's relative intervals.
        tiers : callable (area, year) -> mapping ncy -> tier, optional
            Tier structure; two-tier by default.
        provenance : tuple, optional
            Provenance records of the inputs (:class:`sufficiency.io.Provenance`), stored
            as the result's ``provenance`` as given (:func:`run_forecast` passes the model
            inputs' records plus one for the error model's source).
        notes : tuple of str, optional
            Caveats for the reader, stored as the result's ``notes`` (shown by
            :meth:`ForecastResult.summary`); a note on projected births is appended when
            Reception rests on births beyond the births data.
        area_names : mapping of str to str, optional
            ``{area code: readable name}``, stored as the result's ``area_names`` for
            :meth:`ForecastResult.summary`; areas without a name show the code only.
        known : DataFrame, optional
            A known intake (``[data.intake]``): ``area, year, ncy, pupils`` [count], expected
            pupils on roll (January census basis, housing pupils included) in forecast years,
            with optional bounds ``pupils_lower, pupils_upper`` (first coverage) and
            ``pupils_lower_95, pupils_upper_95`` (second). Each cell's ``pupils`` is the given
            value (its ``cohort`` the value less the cell's ``housing``, at least 0; housing
            above the value is cut to it), ``kind`` is ``"supplied"``, and its cohort rolls
            forward from it in later years. Its bounds are those given, else the value
            itself; the second coverage's bounds without their own are the first's. Later
            cells keep the model's relative intervals. Rows after the horizon are left out
            with a warning; other bad rows raise (:func:`sufficiency.io.intake.check_intake`).
            ``known.attrs["source"]`` names it in messages.
        known_source : str, optional
            The known intake in words for the note (``"intake.csv ([data.intake]; offers at
            16 April 2026)"``).

        Returns
        -------
        ForecastResult

        Raises
        ------
        SchemaError
            A bad row of ``known``: an unknown area, a year at or before the base year, a
            year group the area is not forecast for, a duplicate cell, a blank, negative or
            non-numeric value, or bounds that do not contain the value.

        Warns
        -----
        DataQualityWarning
            Without an error model: the intervals collapse to the central forecast. Rows of
            ``known`` after the horizon: left out.
        """
        self._check()
        H = int(self.horizon if horizon is None else horizon)
        if H < 1:
            raise ConfigError(f"horizon = {H}: expected at least 1 year")
        A, G = len(self.areas_), len(self.ncys_)
        cells, late = self._known_cells(known, H)
        hous = (
            np.zeros((A, H, G))
            if housing is None
            else np.where(self.mask_[:, None, :], housing, 0.0)
        )
        if cells is not None:
            # the given figure includes the cell's housing pupils: housing above it is cut to
            # it, so that pupils = cohort + housing = the given figure
            km, kv = cells[0], cells[1]
            hous = np.where(km, np.minimum(hous, np.nan_to_num(kv)), hous)
        central, projected = self._cube(H, births, cells, hous)
        total = central + hous
        if cells is not None:
            total = np.where(km, kv, total)  # exactly the given figure
        # births_projected: a cell rests on projected births if its cohort entered Reception
        # in a forecast year whose births were projected
        hh = np.arange(1, H + 1)[:, None]
        gg = np.arange(G)[None, :]
        entry_h = hh - gg  # forecast step at which the cohort was in Reception (<=0: history)
        bp = np.zeros((A, H, G), dtype=bool)
        valid = entry_h >= 1
        bp[:, valid] = projected[:, (entry_h[valid] - 1)]
        if cells is not None:
            # a supplied cell, and its cohort in the area after it, rest on the figure given
            bp &= ~_downstream(km)
        # intervals ---------------------------------------------------------------------
        cov = tuple(self.coverage)
        qs = []
        for c in cov:
            qs += [(1 - c) / 2, 1 - (1 - c) / 2]
        mult = np.ones((G, H, len(qs)))
        em_cell = (
            ncy_error_model
            if ncy_error_model is not None and not ncy_error_model.empty
            else error_model
        )
        warn = []
        scale = np.ones((A, H, G))  # size widening of each cell's interval (log scale)
        if em_cell is None or em_cell.empty:
            warn.append(_NO_ERROR_MODEL)
            warnings.warn(_NO_ERROR_MODEL, DataQualityWarning, stacklevel=2)
        else:
            key_is_ncy = em_cell is ncy_error_model
            for gi, g in enumerate(self.ncys_):
                key = g if key_is_ncy else nc.phase_of_ncy(g)
                eq = em_cell.error_quantiles(key, hh[:, 0])
                mult[gi] = em_cell.multipliers(key, hh[:, 0], qs, eq=eq)
                if size_noise is not None and nc.phase_of_ncy(g) in _SIZED_PHASES:
                    # a cell's own noise: its cohort forecast for min(h, g + 1) years
                    inv = 1.0 / np.maximum(total[:, :, gi], 1.0)
                    yrs = noise_years(hh[:, 0], [g])
                    scale[:, :, gi] = em_cell.size_scale(key, hh[:, 0], inv, yrs, size_noise, eq=eq)
        # (A, H, G, Q); with size noise the multipliers are raised to each cell's power k
        m_ahgq = np.transpose(mult, (1, 0, 2))[None]
        bounds = total[..., None] * (
            m_ahgq ** scale[..., None] if size_noise is not None else m_ahgq
        )
        if cells is not None:
            bounds = _known_bounds(bounds, km, kv, cells[2])
        # history and forecast stacked on the year axis, so np.nonzero walks the cells
        # already sorted by (area, year, ncy)
        Tn = len(self.years_)
        hist_v = self.cube_
        val = np.concatenate([hist_v, total], axis=1)  # (A, Tn + H, G)
        keep = np.concatenate([~np.isnan(hist_v), np.ones((A, H, G), dtype=bool)], axis=1)
        keep &= self.mask_[:, None, :]
        # each phase's totals (A, Tn + H), once: for the size scale of its draws and the table
        phase_tot = {}
        for p in nc.PHASES:
            gsel = [i for i, g in enumerate(self.ncys_) if nc.phase_of_ncy(g) == p]
            if gsel:
                phase_tot[p] = (
                    keep[:, :, gsel],
                    np.where(keep[:, :, gsel], val[:, :, gsel], 0.0).sum(axis=2),
                )
        draws, draw_scale = {}, {}
        if error_model is not None and not error_model.empty:
            for p in nc.PHASES:
                eq = error_model.error_quantiles(p, hh[:, 0])
                draws[p] = error_model.draws(p, hh[:, 0], int(self.draws), int(self.seed), eq=eq)
                if size_noise is not None and p in phase_tot and p in _SIZED_PHASES:
                    tot = phase_tot[p][1][:, Tn:]
                    draw_scale[p] = error_model.size_scale(
                        p,
                        hh[:, 0],
                        1.0 / np.maximum(tot, 1.0),
                        noise_years(hh[:, 0], nc.PHASE_NCY[p]),
                        size_noise,
                        eq=eq,
                    )
        ai, ti, gi = np.nonzero(keep)
        is_fc = ti >= Tn
        fi = np.clip(ti - Tn, 0, None)
        v = val[ai, ti, gi]

        def fc_or_hist(arr):  # one flat index for the five bound arrays
            return np.where(is_fc, arr.reshape(-1)[flat_fc], v)

        flat_fc = np.ravel_multi_index((ai, fi, gi), bounds.shape[:3])

        years_all = np.concatenate(
            [np.asarray(self.years_), np.arange(self.base_year_ + 1, self.base_year_ + H + 1)]
        )
        kinds = np.array([self.kind_[a] for a in self.areas_], dtype=object)
        ncy_codes = np.asarray(self.ncys_)[gi]
        data = pd.DataFrame(
            {
                nc.AREA: np.asarray(self.areas_, dtype=object)[ai],
                nc.YEAR: years_all[ti].astype("int64"),
                nc.NCY: ncy_codes.astype("int64"),
                nc.PHASE: _PHASE_LUT[np.clip(ncy_codes, 0, len(_PHASE_LUT) - 1)],
                nc.PUPILS: v,
                "pupils_lower": fc_or_hist(bounds[..., 0]),
                "pupils_upper": fc_or_hist(bounds[..., 1]),
                "pupils_lower_95": fc_or_hist(bounds[..., 2 if len(qs) > 2 else 0]),
                "pupils_upper_95": fc_or_hist(bounds[..., 3 if len(qs) > 2 else 1]),
                nc.KIND: np.where(
                    is_fc,
                    "forecast"
                    if cells is None
                    else np.where(km.reshape(-1)[flat_fc], "supplied", "forecast"),
                    kinds[ai],
                ),
                "births_projected": np.where(is_fc, bp.reshape(-1)[flat_fc], False).astype(bool),
                "cohort": fc_or_hist(central),
                "housing": np.where(is_fc, hous.reshape(-1)[flat_fc], 0.0),
            }
        )
        data["tier"] = _tier_column(data, tiers)
        data = data[list(FORECAST_COLUMNS)]
        # phase totals from the arrays (sorted by area, phase, year like a groupby)
        parts = []
        for p in sorted(phase_tot):
            k, tot = phase_tot[p]
            pa, py = np.nonzero(k.any(axis=2))
            parts.append(
                pd.DataFrame(
                    {
                        nc.AREA: np.asarray(self.areas_, dtype=object)[pa],
                        nc.PHASE: p,
                        nc.YEAR: years_all[py].astype("int64"),
                        nc.PUPILS: tot[pa, py],
                        nc.KIND: np.where(py >= Tn, "forecast", kinds[pa]),
                    }
                )
            )
        totals = pd.concat(parts, ignore_index=True) if parts else None
        if totals is not None:
            totals = totals.sort_values([nc.AREA, nc.PHASE, nc.YEAR], kind="stable").reset_index(
                drop=True
            )
        all_notes = list(notes)
        if bp.any():
            first_bp = self.base_year_ + 1 + int(np.argmax(projected.any(axis=0)))
            method = (
                f"{_BIRTHS_METHODS.get(self.births_method, self.births_method)} "
                f"(births_method {self.births_method!r})"
            )
            how = (
                "births supplied to the forecast (such as the nowcast) where given, then "
                f"births projected by {method}"
                if births is not None and len(births)
                else f"births projected by {method}"
            )
            all_notes.append(
                f"Reception from {nc.academic_year_label(first_bp)} on rests on births not in the "
                f"births file: {how}; those cells are marked as resting on projected births "
                "(column births_projected of the forecast table)."
            )
        if cells is not None:
            all_notes.append(_known_note(cells[3], known_source or _KNOWN_SOURCE, area_names))
        for w_ in warn:
            logger.warning(w_)
        if late:
            warn.append(late)  # warned of when the rows were read: kept, not logged again
        return ForecastResult(
            data=data,
            config=self.get_params(),
            provenance=tuple(provenance),
            warnings=tuple(self.warnings_) + tuple(warn),
            coverage=(float(cov[0]), float(cov[-1])),
            base_year=int(self.base_year_),
            draws=draws,
            notes=tuple(all_notes),
            area_names=dict(area_names or {}),
            totals=totals,
            draw_scale=draw_scale,
            draw_areas=tuple(self.areas_),
            size_noise=size_noise,
        )


#: The defaults (the constructor's), chosen by the rolling-origin backtest on the 14 West
#: Midlands authorities (docs/forecast.md). Change them in the ``[forecast]`` section of a
#: model definition or as keyword arguments.
DEFAULT_PARAMS: Mapping[str, Any] = FrozenDict(
    {
        name: p.default
        for name, p in inspect.signature(CohortModel.__init__).parameters.items()
        if name != "self"
    }
)

#: DfE phase of year groups 0..14 (None beyond Y13)
_PHASE_LUT = np.array([nc.phase_of_ncy(g) for g in range(0, 15)], dtype=object)


#: phases whose intervals are widened for an area's size: the noise is measured on compulsory
#: transitions; sixth-form errors are dominated by staying-on, and its cohorts were larger
#: before staying-on, so their own noise is not measured
_SIZED_PHASES = ("primary", "secondary")


def _downstream(mask: np.ndarray) -> np.ndarray:
    """``(A, H, G)``: the cells of ``mask`` and, in each area, the cells of their cohorts in
    later years (year h + k, year group g + k)."""
    out = mask.copy()
    for h in range(1, mask.shape[1]):  # each year depends on the previous one
        out[:, h, 1:] |= out[:, h - 1, :-1]
    return out


def _known_bounds(
    bounds: np.ndarray, mask: np.ndarray, values: np.ndarray, given: np.ndarray
) -> np.ndarray:
    """``bounds`` (A, H, G, Q) with the known cells' bounds: those given (``given`` (A, H,
    G, 4): lower, upper, lower_95, upper_95, NaN where none), else the value itself for the
    first coverage and the first coverage's bounds for the second."""
    out = bounds.copy()
    first = [np.where(np.isnan(given[..., j]), values, given[..., j]) for j in (0, 1)]
    for q in range(bounds.shape[-1]):
        j = q % 4
        b = first[j] if j < 2 else np.where(np.isnan(given[..., j]), first[j - 2], given[..., j])
        out[..., q] = np.where(mask, b, bounds[..., q])
    return out


def _known_note(rows: pd.DataFrame, source: str, names: Mapping[str, str] | None = None) -> str:
    """The forecast's note on a known intake: which cells rest on it (areas by name where
    ``names`` has one), and its source."""
    names = dict(names or {})
    groups = rows.groupby([nc.YEAR, nc.NCY], sort=True)[nc.AREA].agg(list)

    def shown(a) -> str:
        n = names.get(str(a))
        return f"{n} ({a})" if n and n != str(a) else str(a)

    said = "; ".join(
        f"{nc.ncy_words(g)} "
        f"{nc.academic_year_label(y)} in {len(a)} area{'s' if len(a) > 1 else ''}: "
        f"{', '.join(shown(x) for x in a[:5])}{' ...' if len(a) > 5 else ''}"
        for (y, g), a in groups.items()
    )
    return (
        f"Supplied intake: the figures for {said} are those of {source}, not the model's "
        'forecast (kind "supplied"); those cohorts roll forward from them in later years, '
        "their ranges are the ones supplied (where none are, the figure itself), later "
        "years keep the model's relative ranges, and the phase totals' ranges are the "
        "model's (not narrowed by the figures given, nor widened by wider bounds given)."
    )


def _members(members, name: str) -> tuple:
    """Validate ``combine`` members: a sequence of (window, method[, halflife])."""
    out = []
    for m in members or ():
        if isinstance(m, str) or len(m) not in (2, 3):
            raise ConfigError(f'{name}: member {m!r}: expected (window, method), e.g. (3, "mean")')
        win, meth = int(m[0]), str(m[1])
        if win < 1 or meth not in cohort.AVERAGE_METHODS:
            raise ConfigError(
                f"{name}: member {m!r}: expected window >= 1 and method in {cohort.AVERAGE_METHODS}"
            )
        out.append((win, meth) + ((float(m[2]),) if len(m) == 3 else ()))
    return tuple(out)


def _year_weights(downweight: Mapping[int, float] | None, years: list[int]) -> np.ndarray:
    """Weight of each transition (the one ending in ``years[k + 1]``) from ``downweight``."""
    w = np.ones(len(years) - 1)
    for y, wt in dict(downweight or {}).items():
        k = int(y) - years[0] - 1
        if 0 <= k < len(w):
            w[k] = float(wt)
    return w


def _by_columns(groups):
    """One ratio averager from ``[(columns, averager), ...]``: each group of transitions (a
    boolean mask on the last axis) averaged by its own averager, bound to that group's sizes."""

    def average(r):
        out = np.empty(r.shape[:1] + r.shape[2:])
        for cols, avg in groups:
            out[..., cols] = avg(r[..., cols])
        return out

    return average


def _exclude(ratios: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Blank out ratios of years with weight 0 (so the window reaches further back)."""
    zero = np.asarray(weights) == 0
    if not zero.any():
        return ratios
    out = ratios.copy()
    out[:, zero] = np.nan
    return out


def _tier_column(data: pd.DataFrame, tiers) -> np.ndarray:
    """Tier of each row: from ``tiers(area, year) -> {ncy: tier}`` or two-tier."""
    if tiers is None:
        m = nc.TWO_TIER.mapping()
        lut = np.array([m.get(g) for g in range(0, 15)], dtype=object)
        return lut[np.clip(data[nc.NCY].to_numpy(), 0, 14)]
    keys = data[[nc.AREA, nc.YEAR]].drop_duplicates()
    rows = []
    for a, y in keys.itertuples(index=False):  # one lookup per area-year, not per cell
        for g, t in tiers(a, int(y)).items():
            rows.append((a, int(y), g, t))
    lut = pd.DataFrame(rows, columns=[nc.AREA, nc.YEAR, nc.NCY, "tier"])
    m = data[[nc.AREA, nc.YEAR, nc.NCY]].merge(lut, on=[nc.AREA, nc.YEAR, nc.NCY], how="left")
    return m["tier"].to_numpy(dtype=object)


# ---------------------------------------------------------------------------
# run_forecast: the model definition's forecast
# ---------------------------------------------------------------------------
def forecast_params(config, **overrides) -> dict[str, Any]:
    """Merge defaults, ``[assumptions]`` and ``[forecast]`` (and overrides) into parameters.

    Raises
    ------
    ConfigError
        Unknown keys in ``[forecast]`` or overrides, a bad value, or a ``[forecast]`` horizon
        or seed other than the ``[assumptions]`` one.
    """
    params = dict(DEFAULT_PARAMS)
    a = config.assumptions
    params["horizon"] = a.horizon
    params["seed"] = a.seed
    sec = dict(config.section("forecast"))
    sec.pop("housing", None)
    given = config.section("assumptions")
    for key in ("horizon", "seed"):  # [assumptions] owns them: the plan and report read them
        if key in sec and sec[key] != params[key]:
            raise ConfigError(
                f"{config.shown_path}: [forecast] {key} = {sec[key]!r}: [assumptions] {key} = "
                f"{params[key]!r}"
                + ("" if key in given else " (its default)")
                + "; expected one value, in [assumptions] (the plan and the report read it "
                "there, so two values would make them cover different years)"
            )
    for src_name, src in (("[forecast]", sec), ("overrides", overrides)):
        for k, v in src.items():
            if k not in params:
                where = (
                    f"{config.shown_path}: [forecast]"
                    if src_name == "[forecast]"
                    else "keyword argument (run_forecast / forecast_params)"
                )
                raise ConfigError(
                    f"{where}: unknown forecast parameter {k!r}; expected one of "
                    f"{', '.join(sorted(params))}"
                )
            params[k] = v
    if "window" not in sec and "window" not in overrides and "window" in given:
        params["window"] = a.window  # [assumptions] window, when the model sets it
    for k, v in sec.items():
        check_param(k, v, f"{config.shown_path}: [forecast]")
    for k, v in overrides.items():
        # a keyword argument, not the file: say so (a library trial was told
        # "worcestershire.toml: override horizon = 0")
        check_param(k, v, "keyword argument (run_forecast / forecast_params)")
    if isinstance(params["downweight"], Mapping):
        params["downweight"] = {int(k): float(v) for k, v in params["downweight"].items()}
    params["coverage"] = tuple(float(c) for c in params["coverage"])
    return params


#: Checks of the :data:`DEFAULT_PARAMS` a model definition can set:
#: name -> (test, what was expected).
_PARAM_CHECKS: Mapping[str, tuple[Any, str]] = FrozenDict(
    {
        **{
            k: (lambda v: is_whole(v) and 1 <= v <= 50, "a whole number of years, 1..50")
            for k in ("window", "reception_window", "reception_trend_window", "drift_lookback")
        },
        **{
            k: (
                lambda v: v in cohort.AVERAGE_METHODS,
                f"one of {', '.join(cohort.AVERAGE_METHODS)}",
            )
            for k in ("method", "reception_method")
        },
        **{
            k: (lambda v: is_number(v) and v > 0, "a half-life in years > 0")
            for k in ("halflife", "secondary_halflife")
        },
        **{
            k: (lambda v: is_number(v) and 0 <= v <= 1, "a weight in [0, 1]")
            for k in (
                "shrinkage",
                "reception_shrinkage",
                "secondary_shrinkage",
                "reception_trend",
                "drift",
                "reception_drift",
                "staying_on_drift",
                "primary_drift",
                "rebound",
            )
        },
        "shrinkage_method": (
            lambda v: v in cohort.SHRINKAGE_METHODS,
            f"one of {', '.join(cohort.SHRINKAGE_METHODS)}",
        ),
        "rebound_pooled": (lambda v: isinstance(v, bool), "true or false"),
        "births_method": (
            lambda v: v in ("holt_fixed", "holt_damped", "drift", "flat"),
            "one of holt_fixed, holt_damped, drift, flat",
        ),
        "horizon": (lambda v: is_whole(v) and 1 <= v <= 30, "a whole number of years, 1..30"),
        "coverage": (
            lambda v: (
                isinstance(v, (list, tuple))
                and len(v) >= 1
                and all(is_number(c) and 0 < c < 1 for c in v)
            ),
            "a list of interval coverages, each a fraction in (0, 1), e.g. [0.8, 0.95]",
        ),
        "draws": (lambda v: is_whole(v) and v >= 1, "a whole number of draws >= 1, e.g. 1000"),
        "seed": (lambda v: is_whole(v) and v >= 0, "a whole number >= 0"),
        "ncys": (
            lambda v: (
                isinstance(v, (list, tuple))
                and len(v) >= 1
                and all(is_whole(g) for g in v)
                and [int(g) for g in v] == list(range(len(v)))
            ),
            "consecutive year groups from Reception (0), e.g. [0, 1, ..., 13]",
        ),
        "downweight": (
            lambda v: (
                isinstance(v, Mapping)
                and all(
                    str(k).strip().lstrip("-").isdigit() and is_number(w) and 0 <= w <= 1
                    for k, w in v.items()
                )
            ),
            "a table {academic year = weight in [0, 1]}, e.g. { 2020 = 0.0 }",
        ),
    }
)


def check_param(name: str, value: Any, where: str = "[forecast]") -> None:
    """Check one forecast parameter given in a model definition or as an override.

    Raises
    ------
    ConfigError
        One line: ``where``, the parameter, the value found and what was expected.
    """
    check = _PARAM_CHECKS.get(name)
    if (
        name in ("secondary_halflife", "secondary_shrinkage", "reception_shrinkage")
        and value is None
    ):
        return
    if check is not None:
        ok, expected = check
        if not ok(value):
            raise ConfigError(f"{where} {name} = {value!r}: expected {expected}")
    elif name in ("combine", "reception_combine"):
        try:
            _members(value, name)
        except (ConfigError, TypeError, ValueError) as exc:
            raise ConfigError(
                f"{where} {name} = {value!r}: expected a list of [window, method] pairs ({exc})"
            ) from exc


def check_argument(function: str, name: str, value: Any) -> None:
    """Check a forecast parameter that another entry point takes as a keyword argument
    (``forecast_early_years(horizon=...)``) by the rule :func:`check_param` applies to it.

    Raises
    ------
    ConfigError
        One line: ``function(name=value): expected ...``.
    """
    ok, expected = _PARAM_CHECKS[name]
    if not ok(value):
        raise ConfigError(f"{function}({name}={value!r}): expected {expected}")


#: births projection methods in words (the notes name them so, then by their key)
_BIRTHS_METHODS = {
    "holt_fixed": "Holt's damped trend at fixed parameters",
    "holt_damped": "Holt's damped trend fitted by statsmodels",
    "drift": "the mean change of the last 5 years, damped",
    "flat": "the last year's births carried forward",
}

#: the start of the forecast's note when the model gives no housing trajectory
NO_HOUSING_NOTE = "Housing: no housing trajectory"


def run_forecast(inputs, **overrides) -> ForecastResult:
    """Forecast every planning area of a model definition.

    Uses the ``[forecast]`` section (model parameters; ``[forecast.housing]`` yields and
    arrival) and ``[assumptions]`` (horizon, window, seed).
    Intervals are calibrated on a rolling-origin backtest of the same model on every
    authority in the pupils file (authority totals), using births through the lookup when
    the model has one.

    Parameters
    ----------
    inputs : ModelInputs
        From :func:`sufficiency.inputs.load_inputs`.
    **overrides
        Any :data:`DEFAULT_PARAMS` key.

    Returns
    -------
    ForecastResult

    Raises
    ------
    ConfigError
        An unknown or out-of-range override (``horizon=0``) or ``[forecast]`` parameter.
    TypeError
        ``inputs`` is not a :class:`ModelInputs` (a ``ModelConfig``: call ``load_inputs``).

    Examples
    --------
    >>> from sufficiency import load_inputs, run_forecast
    >>> fc = run_forecast(load_inputs("models/worcestershire.toml"), horizon=5)
    >>> f = fc.to_frame()
    >>> sorted(f["kind"].unique()), int(f["year"].max()) - fc.base_year
    (['derived', 'forecast'], 5)
    >>> list(fc.phase_totals())
    ['area', 'phase', 'year', 'pupils', 'pupils_lower', 'pupils_upper', 'kind']
    """
    from .backtest import calibration_errors, calibration_history, calibration_size_noise
    from .housing import housing_pupils, housing_settings
    from .inputs import require_inputs

    require_inputs(inputs, "run_forecast")

    cfg = inputs.config
    params = forecast_params(cfg, **overrides)
    model = CohortModel(**params)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(inputs.pupils, inputs.births, base_year=inputs.base_year, **fit_kwargs(cfg))
    H = int(params["horizon"])
    notes = list(inputs.notes)
    hs = dict(cfg.section("forecast").get("housing", {}))
    yields, arrival = housing_settings(hs)
    if inputs.housing is not None and len(inputs.housing):
        years = list(range(inputs.base_year + 1, inputs.base_year + H + 1))
        route, onward = housing_routes(cfg)
        hp = housing_pupils(
            inputs.housing,
            model.areas_,
            years,
            model.ncys_,
            yields,
            arrival,
            route=route,
            onward=onward,
        )
        in_area = set(inputs.housing[nc.AREA].astype(str))
        # warned of when the inputs load (validate shows it); here a note of the forecast
        msg = secondary_sites_message(inputs.housing, cfg)
        if msg:
            notes.append("Housing: " + msg + ".")
        if route and in_area & set(route):
            notes.append(
                "Housing: the secondary and sixth-form pupils of dwellings in a primary "
                "area are counted in the secondary areas its Year 6 transfers to, in "
                "its transfer shares."
            )
        # (a middle-school area's later year groups go on: see housing_routes)
        part = sorted(
            set(inputs.housing[nc.AREA].astype(str))
            & {a.code for a in cfg.areas if a.year_groups} - set(onward)
        )
        if part:
            msg = (
                f"housing in area(s) {', '.join(part)}, "
                "whose schools teach only some year groups of their phase: the yield's "
                "pupils in the other year groups (a first-school area's Years 5-6, say) are "
                "left out, not sent on to the areas that teach them; give the dwellings' "
                "pupils for those years as housing rows of those areas"
            )
            warnings.warn(msg, DataQualityWarning, stacklevel=2)  # the CLI prints it once
            notes.append("Housing: " + msg + ".")
        # said in words (a Telford and Wrekin trial's report Method read the Python dict
        # "{'primary': 20.0, 'secondary': 15.0, 'sixth_form': 6.0}")
        per_phase = joined([f"{v:g} {k.replace('_', '-')}" for k, v in yields.items()])
        when = joined([f"{share:.0%} {_arrival_year(k)}" for k, share in enumerate(arrival)])
        notes.append(
            f"Housing: pupils from dwelling completions added with yields per 100 dwellings of "
            f"{per_phase} pupils, arriving {when}."
        )
    else:
        hp = None
        notes.append(
            NO_HOUSING_NOTE + " in the model definition ([data.housing]); the housing "
            "component is zero. Past migration, including into past new housing, is in the ratios."
        )
    calib = calibration_history(inputs)
    errors, source = calibration_errors(inputs, params, history=calib)
    em_phase = ErrorModel.from_errors(errors, "phase", source)
    em_ncy = (
        ErrorModel.from_errors(
            errors.dropna(subset=["ncy"]) if "ncy" in errors else errors.iloc[:0], "ncy", source
        )
        if "ncy" in errors.columns
        else None
    )
    noise = calibration_size_noise(inputs, params, history=calib)
    notes.append(
        f"Intervals: empirical quantiles of {source}, by horizon and phase (cells: by year group)."
    )
    notes.append(
        "Intervals are widened for areas smaller than the calibration areas by the noise of "
        "small numbers, the pupils who move in and out one by one: a year group's change in "
        f"a year varies by about {np.sqrt(noise.phi / 30):.0%} for a class of 30 and "
        f"{np.sqrt(noise.phi / 300):.1%} for a year group of 300 (one standard deviation; "
        f"log-scale variance {noise.phi:.3f} / pupils, {noise.source})."
    )
    if inputs.derived and inputs.derived_areas:
        notes.append(
            "Intervals come from authority-level errors, widened for each planning area's size; "
            "planning-area history is derived, so differences between areas' trends are not in "
            "them and area-level uncertainty is still understated."
        )
    elif inputs.derived:  # every area has the whole of its phase: the census's own count
        notes.append(
            "Intervals come from authority-level errors: each planning area here has the whole "
            "of its phase, so they are the errors of forecasts for areas of its kind."
        )
    area_by_code = {a.code: a for a in cfg.areas}

    def tiers(area: str, year: int):
        a = area_by_code.get(area)
        st = a.tier_structure(year) if a is not None else nc.TWO_TIER
        return st.mapping()

    from .io._common import Provenance

    prov = tuple(inputs.provenance) + (
        Provenance(
            "forecast_errors",
            "(backtest)",
            "",
            "backtest.calibration_errors",
            len(errors),
            (),
            "derived",
            "sufficiency",
            source,
        ),
    )
    known = _known_frame(inputs)
    with warnings.catch_warnings():
        if known is not None:
            from .io.intake import late_rows_message

            # its rows after the horizon were warned of in the same words as the inputs loaded
            # (the CLI printed the line three times); the result keeps the warning
            late = late_rows_message(known, known.attrs["source"], inputs.base_year, H)
            if late in inputs.warnings:
                warnings.filterwarnings("ignore", message=re.escape(late) + r"\Z")
        res = model.predict(
            H,
            births=inputs.births_supplied,
            housing=hp,
            error_model=em_phase,
            ncy_error_model=em_ncy,
            size_noise=noise,
            tiers=tiers,
            provenance=prov,
            notes=tuple(notes),
            area_names=cfg.area_names,
            known=known,
            known_source=inputs.intake_source,
        )
    ws = tuple(str(w.message) for w in caught) + res.warnings
    return replace(res, config={**res.config, "model": cfg.name}, warnings=ws)


def _known_frame(inputs) -> pd.DataFrame | None:
    """The inputs' known intake (``[data.intake]``) with its file as ``attrs["source"]``
    (named in messages), or None."""
    if inputs.intake is None:
        return None
    k = inputs.intake.copy()
    k.attrs["source"] = str(inputs.config.data["intake"].path)
    return k


def _arrival_year(k: int) -> str:
    """``"in the year of completion"``, ``"the year after"``, ``"2 years after"``."""
    return (
        "in the year of completion"
        if k == 0
        else "the year after"
        if k == 1
        else f"{k} years after"
    )
