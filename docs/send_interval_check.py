"""Measure SEND interval methods on the 14 West Midlands authorities (run by hand).

Rolling origins 2019/20-2023/24 (every origin with an earlier error), the trend scenario,
horizons 1-3, targets up to 2024/25. Each interval is built ONLY from the authority's own
backtest errors whose target year is at most its origin (no peeking). The score is whether
the authority's published total of EHC plans falls inside the total's nominal 80% range, and
the range's half-width as a share of the forecast ((upper - lower) / 2 / forecast).

    PYTHONPATH=. python docs/send_interval_check.py

Prints one row per method and horizon: coverage [%] and median half-width [%].
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sufficiency import nomenclature as nc  # noqa: E402
from sufficiency.send import (  # noqa: E402
    INTERVAL_METHODS,
    _band_errors,
    _band_sd_at,
    _forecast_bands,
    _national_growth,
    _params,
    _prevalence,
    _published_population,
    _published_tables,
    _total_series,
    combine_band_ranges,
    interval_sds,
    plans_by_band,
)

ORIGINS = range(2019, 2024)


def _load(data: Path):
    from sufficiency.io.sen2 import ENGLAND

    t = _published_tables(data)
    age, case = t["age"], t["case"]
    national = _total_series(age, case, ENGLAND)
    out = {}
    for la in sorted(set(age[nc.AREA]) - {ENGLAND}):
        pop = _published_population(t, la)
        prev = _prevalence(plans_by_band(age, case, la), pop)
        out[la] = (prev, _total_series(age, case, la))
    return out, national


def measure(data: Path | str = ROOT / "data", methods=None) -> pd.DataFrame:
    """One row per authority, method, origin and horizon: ``covered``, ``half_width``."""
    p = _params({}, "check")
    loaded, national = _load(Path(data))
    methods = list(methods or INTERVAL_METHODS)
    rows = []
    for la, (prev, total) in loaded.items():
        for origin in ORIGINS:
            errs = _band_errors(prev, p, national, origin)
            f = _forecast_bands(
                prev,
                origin,
                3,
                "trend",
                p,
                _national_growth(national, origin, p["national_window"]),
            )
            f = f.merge(prev[["band", nc.YEAR, "population"]], on=["band", nc.YEAR])
            f["plans"] = np.exp(f["log_p"]) * f["population"]
            for method in methods:
                try:
                    sds = interval_sds(errs, method)
                except ValueError:
                    continue
                for h, g in f.groupby("step"):
                    y = origin + int(h)
                    if y not in total.index:
                        continue
                    lo, hi, fc = _total_range(g, sds)
                    act = float(total[y])
                    rows.append(
                        {
                            nc.AREA: la,
                            "method": method,
                            "origin": origin,
                            "horizon": int(h),
                            "forecast": fc,
                            "actual": act,
                            "lower": lo,
                            "upper": hi,
                            "covered": lo <= act <= hi,
                            "half_width": (hi - lo) / 2 / fc,
                        }
                    )
    return pd.DataFrame(rows)


def _total_range(g: pd.DataFrame, sds):
    """The total's 80% range as the engine builds it (backtest_send, forecast_send)."""
    s = _band_sd_at(sds, g["band"].to_numpy(), g["step"].to_numpy())
    lo, hi = combine_band_ranges(g["plans"].to_numpy(), s, sds["rho"])
    return lo, hi, float(g["plans"].sum())


def table(m: pd.DataFrame) -> pd.DataFrame:
    g = m.groupby(["method", "horizon"])
    t = pd.DataFrame(
        {
            "covered": g["covered"].sum(),
            "coverage": g["covered"].mean() * 100,
            "median_half_width": g["half_width"].median() * 100,
            "n": g.size(),
        }
    ).reset_index()
    return t


if __name__ == "__main__":
    pd.set_option("display.width", 200)
    m = measure()
    t = table(m)
    wide = t.pivot(index="method", columns="horizon", values=["coverage", "median_half_width"])
    order = [x for x in INTERVAL_METHODS if x in wide.index]
    print("coverage of the nominal 80% range [%] and median half-width [% of the forecast]:")
    print(wide.loc[order].round(1).to_string())
    print(f"outcomes per method at horizons 1/2/3: {t.groupby('horizon')['n'].max().tolist()}")
    band = m[m["method"] == "band"]
    print("\nmethod 'band' (the default) by origin, coverage [%] at horizons 1-3 pooled:")
    print((band.groupby("origin")["covered"].mean() * 100).round(0).to_string())
