"""Benchmark: forecast with intervals for 2,000 planning areas (SYNTHETIC data, run by hand).

    python benchmarks/bench_forecast.py [--areas 2000] [--horizon 15] [--draws 1000] [--repeat 3]

Builds a synthetic authority (benchmark data only, not used by the product): 2,000 planning
areas x 15 year groups (Reception-Y14) x 12 years of history, births for every area, and
a synthetic backtest error table. Times ``CohortModel()`` (the product defaults) ``.fit`` +
``estimate_size_noise`` + ``predict`` (15-year horizon, 80% and 95% cell intervals widened for
each area's size, 1,000 draws for phase-total quantiles) + ``phase_totals(q=0.9)``. The
synthetic history's noise does not depend on size (it measures 0, which would skip the
widening), so ``predict`` is given the fallback noise (``DEFAULT_SIZE_NOISE``).
Prints the best of ``--repeat`` runs in seconds. Recorded results are in README.md.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from sufficiency.forecast import CohortModel
from sufficiency.uncertainty import ErrorModel, SizeNoise, estimate_size_noise


def synthetic(n_areas: int, n_ncy: int = 15, first: int = 2011, last: int = 2022, seed: int = 1):
    rng = np.random.default_rng(seed)
    years = np.arange(first, last + 1)
    size = rng.uniform(50, 500, n_areas)
    A, T, G = n_areas, len(years), n_ncy
    pupils = size[:, None, None] * rng.uniform(0.9, 1.1, (A, T, G))
    a, t, g = np.meshgrid(np.arange(A), np.arange(T), np.arange(G), indexing="ij")
    hist = pd.DataFrame(
        {
            "area": np.char.add("A", a.ravel().astype(str)),
            "year": years[t.ravel()],
            "ncy": g.ravel(),
            "pupils": pupils.ravel(),
        }
    )
    byears = np.arange(first - 20, last + 1)
    ba, bt = np.meshgrid(np.arange(A), np.arange(len(byears)), indexing="ij")
    births = pd.DataFrame(
        {
            "area": np.char.add("A", ba.ravel().astype(str)),
            "year": byears[bt.ravel()],
            "births": (size[:, None] * rng.uniform(0.9, 1.1, (A, len(byears)))).ravel(),
        }
    )
    errs = pd.DataFrame(
        [
            {"phase": p, "horizon": h, "pct_error": e, "actual": n}
            for p in ("primary", "secondary", "sixth_form")
            for h in range(1, 11)
            for e, n in zip(rng.normal(0, 0.005 * h, 100), rng.uniform(10_000, 50_000, 100))
        ]
    )
    return hist, births, ErrorModel.from_errors(errs, "phase", "synthetic errors (benchmark)")


def synthetic_transfer(n_areas: int, seed: int = 2) -> dict:
    """SYNTHETIC Year 6 -> Year 7 transfer: each area sends 60% / 40% of its Year 6 to two
    other areas (a planning-area model's transfer is as sparse)."""
    rng = np.random.default_rng(seed)
    out = {}
    for p in range(n_areas):
        s = rng.choice(n_areas, 2, replace=False)
        out[f"A{p}"] = {f"A{s[0]}": 0.6, f"A{s[1]}": 0.4}
    return out


def run(hist, births, em, horizon, draws, n_ncy, transfer=None):
    m = CohortModel(horizon=horizon, draws=draws, ncys=tuple(range(n_ncy)))
    m.fit(hist, births, transfer=transfer)
    estimate_size_noise(hist, exclude_years=(2020,))  # timed as run_forecast runs it
    res = m.predict(error_model=em, size_noise=SizeNoise.fallback())
    res.phase_totals(0.9)
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--areas", type=int, default=2000)
    ap.add_argument("--ncy", type=int, default=15)
    ap.add_argument("--horizon", type=int, default=15)
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument(
        "--transfer",
        action="store_true",
        help="add a synthetic Year 6 -> Year 7 transfer between areas",
    )
    a = ap.parse_args()
    hist, births, em = synthetic(a.areas, a.ncy)
    transfer = synthetic_transfer(a.areas) if a.transfer else None
    times = []
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        res = run(hist, births, em, a.horizon, a.draws, a.ncy, transfer)
        times.append(time.perf_counter() - t0)
    n = int((res.data["kind"] == "forecast").sum())
    print(
        f"{a.areas} areas x {a.ncy} year groups x {a.horizon} years x {a.draws} draws"
        f"{' with a Year 6 transfer' if a.transfer else ''}: "
        f"{n:,} forecast cells; best {min(times):.2f} s, runs {', '.join(f'{t:.2f}' for t in times)} s"
    )


if __name__ == "__main__":
    main()
