"""Benchmark: the outside-check backtest at national scale (SYNTHETIC data, run by hand).

    python benchmarks/bench_backtest.py [--authorities 150] [--repeat 3]

Writes, to a temporary folder, published-format files for ``--authorities`` authorities
(benchmark data only, not used by the product): each is a copy of one of the 14 West
Midlands authorities in ``data/`` under a made-up code (``E99xxxxxx``), its pupils and births
scaled by a random factor (0.3-3) and perturbed by 1% noise a year, its districts copied with
it. Then times the outside-check command as a user runs it (a new process each run, start-up
included):

    sufficiency backtest --pupils P --births B --lookup L --origins 2017,2019,2020,2021
        --horizons 1,3 --out results.csv

and prints the best of ``--repeat`` runs in seconds and the rows written. The latest recorded result
is in README.md (earlier ones go to docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parents[1] / "data"


def synthetic_files(n: int, folder: Path, seed: int = 1) -> tuple[Path, Path, Path]:
    """Census, births and lookup files for ``n`` made-up authorities, in the published
    formats of ``data/`` (benchmark data only)."""
    rng = np.random.default_rng(seed)
    census = pd.read_csv(DATA / "census_pupils_by_ncy_2011_2022.csv", dtype={"old_la_code": str})
    births = pd.read_csv(DATA / "births_by_district_1992_2023.csv")
    lookup = pd.read_csv(DATA / "district_to_la_west_midlands.csv")
    real = sorted(census["new_la_code"].unique())
    c_out, b_out, l_out = [], [], []
    for i in range(n):
        src = real[i % len(real)]
        code, scale = f"E99{i:06d}", rng.uniform(0.3, 3.0)
        c = census[census["new_la_code"] == src].copy()
        noise = c["time_period"].map(
            dict(zip(sorted(c["time_period"].unique()), rng.normal(1, 0.01, 20)))
        )
        for col in ("full_time", "part_time", "headcount", "fte"):
            c[col] = (pd.to_numeric(c[col], errors="coerce") * scale * noise).round()
        c["new_la_code"], c["old_la_code"], c["la_name"] = code, str(900 + i), f"Synthetic {i}"
        c_out.append(c)
        lk = lookup[lookup["la_code"] == src].copy()
        districts = {d: f"E98{i:03d}{j:03d}" for j, d in enumerate(lk["lad_code"])}
        lk["lad_code"] = lk["lad_code"].map(districts)
        lk["la_code"], lk["la_name"] = code, f"Synthetic {i}"
        l_out.append(lk)
        b = births[births["gss_code"].isin(districts)].copy()
        b["gss_code"] = b["gss_code"].map(districts)
        b["annual_births"] = (b["annual_births"] * scale * rng.normal(1, 0.01, len(b))).round()
        b_out.append(b)
    paths = (folder / "pupils.csv", folder / "births.csv", folder / "lookup.csv")
    for frame, path in zip((c_out, b_out, l_out), paths):
        pd.concat(frame).to_csv(path, index=False)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--authorities", type=int, default=150)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pupils, births, lookup = synthetic_files(args.authorities, folder)
        out = folder / "results.csv"
        cmd = [sys.executable, "-m", "sufficiency", "-q", "backtest"]
        cmd += ["--pupils", str(pupils), "--births", str(births), "--lookup", str(lookup)]
        cmd += ["--origins", "2017,2019,2020,2021", "--horizons", "1,3", "--out", str(out)]
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
        rows = len(pd.read_csv(out))
    print(
        f"{args.authorities} authorities (synthetic), outside-check backtest: best "
        f"{min(times):.2f} s of {args.repeat} ({', '.join(f'{t:.2f}' for t in times)}), "
        f"{rows} rows"
    )


if __name__ == "__main__":
    main()
