"""Time the whole Worcestershire report (run by hand, not a test).

    python benchmarks/report_worcestershire.py [OUT_DIR]

Runs forecast -> sufficiency -> plan (+ SEND, early years, scorecards, backtest) and writes
report.html, report.pdf, appendix.xlsx, scap_pupil_forecasts.csv and summary.json, then prints
the wall time of each step, the total wall time, the CPU time of this process and of the PDF
process (laid out in parallel with the workbook) and the machine's load average.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    from sufficiency import load_inputs, load_model
    from sufficiency.report import make_report

    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="report-bench-"))
    load0 = os.getloadavg()[0]
    t0, c0 = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        inputs = load_inputs(load_model(ROOT / "models" / "worcestershire.toml"))
        t_load = time.perf_counter() - t0
        data, written = make_report(inputs, out, report_date="2026-11-22")
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    steps = {"load_inputs": t_load, **written["seconds"]}
    print(f"output: {out}")
    for k, v in steps.items():
        print(f"  {k:<22} {v:6.1f} s")
    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"total wall {wall:.1f} s, cpu: main process {cpu:.1f} s + PDF process "
        f"{child.ru_utime + child.ru_stime:.1f} s; load average before {load0:.1f}, "
        f"cores {os.cpu_count()}"
    )
    try:
        info = subprocess.run(["pdfinfo", str(out / "report.pdf")], capture_output=True, text=True)
        print(next(ln for ln in info.stdout.splitlines() if ln.startswith("Pages")))
    except (OSError, StopIteration):
        pass


if __name__ == "__main__":
    main()
