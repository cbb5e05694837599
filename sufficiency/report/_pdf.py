"""Lay out a report HTML file as PDF in its own process.

``python -m sufficiency.report._pdf IN.html OUT.pdf``, or with no arguments: warm up
(import WeasyPrint, load fonts) and then read ``IN.html`` and ``OUT.pdf`` as two lines from
stdin. :func:`sufficiency.report.make_report` starts the worker before the forecast runs, so
the PDF (the slowest step) starts as soon as the HTML exists and overlaps the workbook.
``OUT.pdf`` is written atomically.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    from .render import atomic_write, render_pdf

    if not argv:
        render_pdf("<html><body><p>warm-up 0123456789 £</p><table><tr><td>1</td></tr></table></body></html>")
        line = sys.stdin.readline().strip()
        if not line:  # the parent gave up (no PDF wanted after all)
            return 0
        argv = [line, sys.stdin.readline().strip()]
    src, dst = Path(argv[0]), Path(argv[1])
    atomic_write(dst, render_pdf(src.read_text(encoding="utf-8")))
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised through write_report
    sys.exit(main(sys.argv[1:]))
