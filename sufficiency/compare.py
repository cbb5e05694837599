"""Compare this year's forecast with last year's: how the previous forecast did against the
census since, and how the forecast for each area and phase has changed.

A place planning team does this every year: the report to members says how far last year's
forecast was from this January's census (the DfE's accuracy measure, ``(forecast - actual) /
actual``), and which areas' forecasts have moved and by how much. Both forecasts are the
engine's own ``forecast.csv`` (``sufficiency forecast MODEL --out DIR``), one run from each
year's data (a previous run kept, or the same model run with ``[assumptions] base_year`` one
year earlier, which takes the data as they stood then).

>>> from sufficiency.compare import compare_forecasts, read_forecast
>>> c = compare_forecasts(read_forecast("last_year/forecast.csv"),
...                       read_forecast("this_year/forecast.csv"))   # doctest: +SKIP
>>> c.accuracy()   # the previous forecast against the census since    # doctest: +SKIP
>>> c.changes(2027)   # the forecast for 2027/28, previous and current  # doctest: +SKIP

Phase totals are DfE phases by year group (primary R-Y6, secondary Y7-Y11, sixth form
Y12-Y13), per planning area and in total over the areas both forecasts have. Where the
planning-area history is derived (apportioned from authority totals, kind ``derived``), an
area's "census" figure is derived too, and its error measures the apportionment as much as
the forecast; the total over the areas is the authority's census.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import nomenclature as nc
from ._values import first_few, plural
from .exceptions import SchemaError
from .io._common import read_csv_checked

__all__ = ["ForecastComparison", "compare_forecasts", "read_forecast", "TOTAL"]

logger = logging.getLogger(__name__)

#: area code of the rows summed over the areas both forecasts have
TOTAL = "all areas"

_REQUIRED = (nc.AREA, nc.YEAR, nc.NCY, nc.PUPILS, nc.KIND)
#: kinds of a forecast table's rows: observed (census), derived history, forecast, or a
#: figure the analyst supplied for a forecast year (counted as forecast here)
_OBSERVED = ("actual", "derived")
_KINDS = (*_OBSERVED, "forecast", "supplied")
#: the kind of a total, the "highest" of its rows': forecast if any is (supplied too), else
#: derived if any is, else actual
_TOTAL_KINDS = np.array(["actual", "derived", "forecast"], dtype=object)


def _kind_rank(kinds: pd.Series) -> np.ndarray:
    """Each kind's place in :data:`_TOTAL_KINDS` (supplied counts as forecast)."""
    return kinds.map({"actual": 0, "derived": 1}).fillna(2).astype(int).to_numpy()


def read_forecast(path: str | Path) -> pd.DataFrame:
    """Read a forecast written by ``sufficiency forecast --out DIR`` (``forecast.csv``).

    Returns
    -------
    DataFrame
        ``area, year, ncy, pupils, kind`` [pupils], area codes as text.

    Raises
    ------
    SchemaError
        The file is missing or not a CSV forecast table: a missing column (named, with the
        columns found), or a value that is not a year, year group, pupil count (a number >= 0)
        or kind, named by file, column, line and value.
    """
    path = Path(path)
    if not path.is_file():
        raise SchemaError(
            f"{path}: no such file; expected a forecast.csv written by sufficiency forecast "
            "MODEL --out DIR"
        )
    if path.suffix.lower() != ".csv":
        raise SchemaError(
            f"{path}: expected a CSV forecast table (forecast.csv); write it with "
            "sufficiency forecast MODEL --out DIR --format csv"
        )
    # line numbers (blank and separator-only rows skipped), BOM, encodings, a workbook
    raw = read_csv_checked(path)
    lines = raw.pop("_line").to_numpy()
    text = raw.fillna("").astype(str).apply(lambda c: c.str.strip())
    missing = [c for c in _REQUIRED if c not in raw.columns]
    if missing:
        hint = (
            " (phase_totals.csv has no year groups: give forecast.csv)"
            if nc.PHASE in raw.columns and nc.NCY not in raw.columns
            else ""
        )
        raise SchemaError(
            f"{path}: missing column(s) {', '.join(missing)}; found {', '.join(raw.columns)}; "
            f"expected the columns of sufficiency forecast's forecast.csv{hint}"
        )

    def first_bad(col: str, bad, what: str) -> None:
        """The first offending row of ``col`` by line and value, and how many are like it."""
        bad = np.asarray(bad, dtype=bool)
        if bad.any():
            i, n = int(np.argmax(bad)), int(bad.sum())
            raise SchemaError(
                f"{path}: column {col!r}, line {lines[i]}: {text[col].iloc[i]!r}; expected "
                f"{what}" + (f" ({plural(n, 'row')} like it)" if n > 1 else "")
            )

    out = pd.DataFrame({nc.AREA: text[nc.AREA]})
    for col, what, integer in (
        (nc.YEAR, "a year (2022 = 2022/23)", True),
        (nc.NCY, "a year group (Reception = 0, Year 13 = 13)", True),
        (nc.PUPILS, "a number of pupils >= 0", False),
    ):
        v = pd.to_numeric(text[col], errors="coerce")
        bad = v.isna() | (v < 0)
        if integer:
            bad |= v.notna() & (v != v.round())
        if col == nc.NCY:
            bad |= v.notna() & ~v.isin(list(range(0, 14)))
        first_bad(col, bad, what)
        out[col] = v.astype("int64") if integer else v.astype(float)
    first_bad(nc.KIND, ~text[nc.KIND].isin(_KINDS), f"one of {', '.join(_KINDS)}")
    out[nc.KIND] = text[nc.KIND].to_numpy()
    dup = out.duplicated([nc.AREA, nc.YEAR, nc.NCY]).to_numpy()
    if dup.any():
        i = int(np.argmax(dup))
        raise SchemaError(
            f"{path}: line {lines[i]}: area {out[nc.AREA].iloc[i]}, year "
            f"{out[nc.YEAR].iloc[i]}, year group {out[nc.NCY].iloc[i]} given twice; expected "
            "one row each"
        )
    return out


def _base_year(cells: pd.DataFrame, source: str) -> int:
    """The last year of observed or derived history (the forecast's base year); ``source``
    names the table in the error."""
    seen = cells.loc[cells[nc.KIND].isin(_OBSERVED), nc.YEAR]
    if seen.empty:
        kinds = sorted(set(cells[nc.KIND].astype(str)))
        raise SchemaError(
            f"{source}: column 'kind': no history rows (kind actual or derived), only "
            f"{', '.join(kinds) or 'no rows'}; expected a whole forecast.csv (sufficiency "
            "forecast MODEL --out DIR), history included, not its forecast years alone"
        )
    return int(seen.max())


def _phase_totals(cells: pd.DataFrame) -> pd.DataFrame:
    """``area, phase, year, pupils, kind`` by DfE phase (from the year group); a total is
    ``forecast`` if any of its cells is, else ``derived`` if any is, else ``actual``."""
    c = cells.assign(
        **{
            nc.PHASE: nc.phase_of_ncy(cells[nc.NCY].to_numpy()),
            "_rank": _kind_rank(cells[nc.KIND]),
        }
    )
    g = c.groupby([nc.AREA, nc.PHASE, nc.YEAR], as_index=False, sort=True).agg(
        pupils=(nc.PUPILS, "sum"), _rank=("_rank", "max")
    )
    g[nc.KIND] = _TOTAL_KINDS[g["_rank"].to_numpy()]
    return g.drop(columns="_rank")


@dataclass(frozen=True)
class ForecastComparison:
    """A previous forecast against a current one, by area, phase and year.

    Attributes
    ----------
    data : DataFrame
        ``area, phase, year, previous, previous_kind, current, current_kind, change,
        change_pct, horizon`` (see :meth:`to_frame`).
    previous_base, current_base : int
        The two forecasts' base years (last year of history).
    only_previous, only_current : tuple of str
        Areas in one forecast only (not compared).
    sources : tuple of str
        Where the two forecasts came from (file names).
    """

    data: pd.DataFrame
    previous_base: int
    current_base: int
    only_previous: tuple[str, ...] = ()
    only_current: tuple[str, ...] = ()
    sources: tuple[str, str] = ("previous", "current")
    names: Mapping[str, str] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """``area, phase, year, previous, previous_kind, current, current_kind, change,
        change_pct, horizon``: pupils in each forecast [pupils] and of which kind (actual,
        derived, forecast), ``change = current - previous`` [pupils], ``change_pct = change /
        previous`` [fraction], ``horizon`` = years after the previous forecast's base year.
        Rows with area ``"all areas"`` are the totals over the areas both forecasts have (a
        total of derived history is ``actual`` when both have the same areas: it sums to the
        census); only the years the previous forecast forecast are kept (``horizon`` >= 1)."""
        return self.data.copy()

    def accuracy(self, total_only: bool = False) -> pd.DataFrame:
        """The previous forecast against the history the current one has for the same years
        (``current_kind`` actual or derived): ``area, phase, year, horizon, forecast, actual,
        actual_kind, pct_error`` with ``pct_error = (forecast - actual) / actual`` (the DfE
        measure; 0.01 = 1%). ``total_only``: the ``"all areas"`` rows alone."""
        d = self.data
        rows = d[(d["previous_kind"] == "forecast") & d["current_kind"].isin(_OBSERVED)]
        if total_only:
            rows = rows[rows[nc.AREA] == TOTAL]
        out = rows.rename(
            columns={"previous": "forecast", "current": "actual", "current_kind": "actual_kind"}
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            out["pct_error"] = np.where(
                out["actual"] > 0, (out["forecast"] - out["actual"]) / out["actual"], np.nan
            )
        cols = [nc.AREA, nc.PHASE, nc.YEAR, "horizon", "forecast", "actual", "actual_kind"]
        return out[[*cols, "pct_error"]].reset_index(drop=True)

    def changes(self, year: int | None = None) -> pd.DataFrame:
        """Forecast against forecast (both ``forecast``) for ``year`` (default: every year
        both forecast), largest absolute change first within each phase."""
        d = self.data
        rows = d[(d["previous_kind"] == "forecast") & (d["current_kind"] == "forecast")]
        if year is not None:
            rows = rows[rows[nc.YEAR] == int(year)]
        order = rows.assign(_abs=-rows["change"].abs())
        return (
            order.sort_values([nc.PHASE, nc.YEAR, "_abs", nc.AREA], kind="stable")
            .drop(columns="_abs")
            .reset_index(drop=True)
        )

    def summary(self, year: int | None = None, n: int = 5) -> str:
        """A few lines: the previous forecast against the census since (totals over the
        areas, by phase and year), and the ``n`` largest changes per phase in ``year``
        (default five years after the current base year, or the last year both forecast)."""
        p_lbl, c_lbl = (nc.academic_year_label(y) for y in (self.previous_base, self.current_base))
        common = self.data.loc[self.data[nc.AREA] != TOTAL, nc.AREA].nunique()
        lines = [
            f"Forecast from {p_lbl} ({self.sources[0]}) against the forecast from {c_lbl} "
            f"({self.sources[1]}): {plural(common, 'planning area')} in both."
        ]
        for what, areas in (("previous", self.only_previous), ("current", self.only_current)):
            if areas:
                lines.append(f"Only in the {what} forecast (not compared): {first_few(areas, 10)}.")
        acc = self.accuracy()
        tot = self.accuracy(total_only=True)
        if len(tot):
            lines.append("The previous forecast against the history since (all areas):")
            for r in tot.itertuples(index=False):
                lines.append(
                    f"  {r.phase.replace('_', ' ')} {nc.academic_year_label(r.year)} "
                    f"({plural(int(r.horizon), 'year')} ahead): forecast {r.forecast:,.0f}, "
                    f"{self.history_word(r.actual_kind)} {r.actual:,.0f}: {r.pct_error:+.2%}"
                )
            areas = acc[(acc[nc.AREA] != TOTAL) & acc["pct_error"].notna()]
            if len(areas):
                worst = areas.loc[areas["pct_error"].abs().idxmax()]
                # the caveat is the named area's: an area with the whole of its phase has the
                # census itself (kind actual) even where the other areas' history is derived
                derived = worst["actual_kind"] == "derived"
                lines.append(
                    f"  Largest area error: {self._name(worst[nc.AREA])} "
                    f"{worst[nc.PHASE].replace('_', ' ')} "
                    f"{nc.academic_year_label(int(worst[nc.YEAR]))}: "
                    f"{worst['pct_error']:+.2%}"
                    + (
                        " (area history derived from authority totals: area errors measure "
                        "the apportionment too)"
                        if derived
                        else ""
                    )
                )
        else:
            lines.append(
                "No year has history in the current forecast and a forecast in the previous "
                "one: nothing to score."
            )
        both = self.changes()
        if both.empty:
            lines.append("No year is forecast by both.")
            return "\n".join(lines)
        years = sorted(both[nc.YEAR].unique())
        y = int(year) if year is not None else min(self.current_base + 5, int(years[-1]))
        rows = both[both[nc.YEAR] == y]
        if rows.empty:
            lines.append(
                f"{nc.academic_year_label(y)} is not forecast by both; they share "
                f"{nc.academic_year_label(int(years[0]))} to {nc.academic_year_label(int(years[-1]))}."
            )
            return "\n".join(lines)
        lines.append(f"Changes to the forecast for {nc.academic_year_label(y)}:")
        for phase, g in rows.groupby(nc.PHASE, sort=False):
            t = g[g[nc.AREA] == TOTAL]
            if len(t):
                r = t.iloc[0]
                lines.append(
                    f"  {phase.replace('_', ' ')}, all areas: {r['previous']:,.0f} -> "
                    f"{r['current']:,.0f} ({r['change']:+,.0f}, {r['change_pct']:+.1%})"
                )
            for r in g[g[nc.AREA] != TOTAL].head(n).itertuples(index=False):
                lines.append(
                    f"    {self._name(r.area)}: {r.previous:,.0f} -> {r.current:,.0f} "
                    f"({r.change:+,.0f}, {r.change_pct:+.1%})"
                )
        return "\n".join(lines)

    def history_word(self, kind: str) -> str:
        """What a total's history is (``kind``: its ``actual_kind``): the census (``actual``,
        a total of derived area history too when both forecasts have the same areas: it sums
        to the census), else derived history. The summary and the report name it so."""
        return "census" if kind == "actual" else "derived history"

    def _name(self, area: str) -> str:
        name = self.names.get(str(area))
        return f"{name} ({area})" if name and name != area else str(area)


def compare_forecasts(
    previous: pd.DataFrame,
    current: pd.DataFrame,
    *,
    sources: tuple[str, str] = ("previous", "current"),
    names: Mapping[str, str] | None = None,
) -> ForecastComparison:
    """Compare two forecast tables (:func:`read_forecast`, or ``ForecastResult.to_frame()``).

    Parameters
    ----------
    previous, current : DataFrame
        ``area, year, ncy, pupils, kind`` of the earlier and the later forecast.
    sources : (str, str)
        How to name the two in the summary (their file names, say).
    names : mapping, optional
        ``{area code: name}`` for the summary.

    Returns
    -------
    ForecastComparison

    Raises
    ------
    SchemaError
        A table without history rows, or two forecasts with no planning area in common.
    """
    prev, cur = (
        f.assign(**{nc.AREA: f[nc.AREA].astype(str)})[list(_REQUIRED)] for f in (previous, current)
    )
    p_areas, c_areas = set(prev[nc.AREA]), set(cur[nc.AREA])
    both = p_areas & c_areas
    if not both:
        raise SchemaError(
            f"{sources[0]} and {sources[1]} share no planning area: {first_few(sorted(p_areas), 5)} "
            f"against {first_few(sorted(c_areas), 5)}; expected two forecasts of the same model"
        )
    pb, cb = _base_year(prev, sources[0]), _base_year(cur, sources[1])
    if pb > cb:
        logger.warning(
            "the 'previous' forecast (%s, base %s) is later than the 'current' one (%s, base "
            "%s): the comparison reads as given",
            sources[0],
            nc.academic_year_label(pb),
            sources[1],
            nc.academic_year_label(cb),
        )
    prev, cur = prev[prev[nc.AREA].isin(both)], cur[cur[nc.AREA].isin(both)]
    # each area's phase totals, and the totals over the areas both have (the same sums with
    # every cell's area read as TOTAL)
    out = pd.concat(
        [
            _phase_totals(p).merge(_phase_totals(c), on=[nc.AREA, nc.PHASE, nc.YEAR])
            for p, c in (
                (prev, cur),
                (prev.assign(**{nc.AREA: TOTAL}), cur.assign(**{nc.AREA: TOTAL})),
            )
        ],
        ignore_index=True,
    ).rename(
        columns={
            "pupils_x": "previous",
            "pupils_y": "current",
            "kind_x": "previous_kind",
            "kind_y": "current_kind",
        }
    )
    if p_areas == c_areas:
        # the areas' derived history is the authority's census apportioned over them: their
        # sum is the census itself (the summary said "census" and the file "derived")
        total = (out[nc.AREA] == TOTAL) & (out["current_kind"] == "derived")
        out.loc[total, "current_kind"] = "actual"
    # the years the previous forecast forecast (its history is the census both have)
    out = out[out["previous_kind"] == "forecast"]
    out["change"] = out["current"] - out["previous"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["change_pct"] = np.where(out["previous"] > 0, out["change"] / out["previous"], np.nan)
    out["horizon"] = (out[nc.YEAR] - pb).astype("int64")
    order = {p: i for i, p in enumerate(nc.PHASES)}
    out = (
        out.assign(
            _total=(out[nc.AREA] != TOTAL).astype(int),
            _phase=out[nc.PHASE].map(order).to_numpy(),
        )
        .sort_values(["_total", nc.AREA, "_phase", nc.YEAR], kind="stable")
        .drop(columns=["_total", "_phase"])
    )
    cols = [
        nc.AREA,
        nc.PHASE,
        nc.YEAR,
        "previous",
        "previous_kind",
        "current",
        "current_kind",
        "change",
        "change_pct",
        "horizon",
    ]
    return ForecastComparison(
        data=out[cols].reset_index(drop=True),
        previous_base=pb,
        current_base=cb,
        only_previous=tuple(sorted(p_areas - c_areas)),
        only_current=tuple(sorted(c_areas - p_areas)),
        sources=tuple(sources),
        names=dict(names or {}),
    )
