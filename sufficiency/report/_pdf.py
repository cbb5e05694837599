"""The report's second process: draws its share of the charts, then lays the PDF out.

``python -m sufficiency.report._pdf IN.html OUT.pdf`` lays one HTML file out as PDF.

With no arguments it is the worker :func:`sufficiency.report.make_report` starts before the
forecast runs: it warms up (imports WeasyPrint and matplotlib, loads fonts) while the
pipeline runs, then obeys commands read from stdin, each a command line and two path lines:

``charts`` / ``JOBS.pkl`` / ``SVGS.pkl``
    Draw the pickled chart jobs (see :func:`sufficiency.report.render.chart_jobs`), pickle
    their SVG texts to ``SVGS.pkl`` and answer ``done`` on stdout.
``pdf`` / ``IN.html`` / ``OUT.pdf``
    Lay ``IN.html`` out and write ``OUT.pdf`` atomically; then exit.

An empty line or end of input (the parent gave up) ends the worker. Errors go to stderr with
exit status 1; the parent reports the last line.
"""

from __future__ import annotations

import pickle
import sys
import traceback
from pathlib import Path


def _warm_up() -> None:
    """Import and load what the real work needs while the parent runs the pipeline: a small
    chart drawn and laid out through the same paths as the report's (fonts, SVG, tables)."""
    import pandas as pd

    from . import charts
    from .render import _svg_as_image, render_pdf

    demand = pd.DataFrame(
        {
            "year": [2020, 2021, 2022],
            "demand": [10.0, 11.0, 12.0],
            "demand_lower": [9.0, 10.0, 11.0],
            "demand_upper": [11.0, 12.0, 13.0],
            "kind": ["derived", "derived", "forecast"],
        }
    )
    svg = charts.area_chart(demand, None, title="warm-up", base_year=2021)
    try:
        render_pdf(
            f"<html><body><h1>warm-up</h1><p><b>0123456789</b> £</p><table><tr><th>a"
            f"</th><td>1</td></tr></table>{_svg_as_image(svg)}</body></html>"
        )
    except Exception:  # e.g. WeasyPrint without its system libraries: still draw the charts;
        traceback.print_exc()  # the "pdf" command then fails with the same error


def _lay_out(src: Path, dst: Path) -> None:
    """Lay the HTML file ``src`` out as PDF and write ``dst`` atomically."""
    from .render import atomic_write, render_pdf

    atomic_write(dst, render_pdf(src.read_text(encoding="utf-8")))


def serve(stdin, answer) -> int:
    """Obey commands from ``stdin`` (text lines); write acknowledgements to ``answer``."""
    from .render import atomic_write, draw_charts

    while True:
        command = stdin.readline().strip()
        if not command:
            return 0
        src, dst = Path(stdin.readline().strip()), Path(stdin.readline().strip())
        if command == "charts":
            jobs = pickle.loads(src.read_bytes())
            atomic_write(dst, pickle.dumps(draw_charts(jobs), protocol=pickle.HIGHEST_PROTOCOL))
            answer.write("done\n")
            answer.flush()
        elif command == "pdf":
            _lay_out(src, dst)
            return 0
        else:
            raise ValueError(f"unknown command {command!r}: expected 'charts' or 'pdf'")


def main(argv: list[str]) -> int:
    if argv:
        _lay_out(Path(argv[0]), Path(argv[1]))
        return 0
    # stdout carries the protocol: anything a library prints goes to stderr instead
    answer, sys.stdout = sys.stdout, sys.stderr
    _warm_up()
    return serve(sys.stdin, answer)


if __name__ == "__main__":  # pragma: no cover - exercised through write_report
    sys.exit(main(sys.argv[1:]))
