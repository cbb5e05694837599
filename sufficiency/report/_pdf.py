"""Lay out a report HTML file as PDF in its own process: ``python -m sufficiency.report._pdf
IN.html OUT.pdf``. Used by :func:`sufficiency.report.write_report` to overlap the PDF (the
slowest step) with the workbook; writes ``OUT.pdf`` atomically."""

from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    from .render import atomic_write, render_pdf

    src, dst = Path(argv[0]), Path(argv[1])
    atomic_write(dst, render_pdf(src.read_text(encoding="utf-8")))
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised through write_report
    sys.exit(main(sys.argv[1:]))
