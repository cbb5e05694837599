"""How well each way of projecting births did on the 14 West Midlands authorities.

    python docs/births_projection_check.py

From every origin 2005-2021, project each authority's mid-year births (ONS, summed over its
districts) 1-8 years ahead with the pupil forecast's methods (``cohort.project_series``) and
with the mean of the last 3 years (the early years and SEND population's method until 27
November 2026), and print the median absolute error by horizon. The numbers quoted in
docs/send_early_years.md and sufficiency/early_years.py come from this script.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from sufficiency.backtest import load_authority_data
from sufficiency.cohort import project_series

DATA = Path(__file__).resolve().parents[1] / "data"
HORIZONS = range(1, 9)


def main() -> None:
    warnings.simplefilter("ignore")
    _, births, _ = load_authority_data(
        DATA / "census_pupils_by_ncy_2011_2022.csv",
        DATA / "births_by_district_1992_2023.csv",
        DATA / "district_to_la_west_midlands.csv",
    )
    b = births.pivot_table(index="area", columns="year", values="births").sort_index(axis=1)
    years, values = b.columns.to_numpy(), b.to_numpy(float)
    errors: dict[str, dict[int, list]] = {}
    for origin in range(2005, 2022):
        k = int(np.searchsorted(years, origin)) + 1
        past, steps = values[:, :k], min(max(HORIZONS), len(years) - k)
        if steps < 1:
            continue
        projections = {m: project_series(past, steps, m) for m in ("holt_fixed", "flat", "drift")}
        projections["mean of last 3"] = np.repeat(
            past[:, -3:].mean(axis=1, keepdims=True), steps, 1
        )
        actual = values[:, k : k + steps]
        for m, p in projections.items():
            for h in range(1, steps + 1):
                errors.setdefault(m, {}).setdefault(h, []).extend(
                    (p[:, h - 1] - actual[:, h - 1]) / actual[:, h - 1]
                )
    print("median absolute error of projected births, 14 authorities, origins 2005-2021")
    print("method          " + " ".join(f"{h:>6}y" for h in HORIZONS))
    for m, by_h in errors.items():
        print(f"{m:<15} " + " ".join(f"{np.median(np.abs(by_h[h])) * 100:6.2f}%" for h in HORIZONS))


if __name__ == "__main__":
    main()
