"""The Cabinet-ready sufficiency report, the Excel appendix, the SCAP return and summary.json.

Typical use::

    from sufficiency import load_model, load_inputs
    from sufficiency.report import run_pipeline, build_report, write_report

    inputs = load_inputs(load_model("models/worcestershire.toml"))
    results = run_pipeline(inputs)                  # forecast -> sufficiency -> plan (+ SEND, EY)
    missing = results.pop("missing")
    results.pop("seconds", None)                    # timings of the steps, not report data
    data = build_report(inputs, **results, missing=missing)
    write_report(data, "out/")                      # report.html, report.pdf, appendix.xlsx, ...

or :func:`make_report` for all three steps.
"""

from __future__ import annotations

from ..exceptions import ConfigError
from .build import REPORT_DEFAULTS, ReportData, build_report, check_report_date, run_pipeline
from .render import (
    OUTPUT_FILES,
    atomic_write,
    render_html,
    render_pdf,
    render_scap,
    render_summary_json,
    render_xlsx,
    write_report,
)
from .scap import scap_frame

__all__ = [
    "ReportData",
    "build_report",
    "run_pipeline",
    "make_report",
    "write_report",
    "render_html",
    "render_pdf",
    "render_xlsx",
    "render_scap",
    "render_summary_json",
    "scap_frame",
    "atomic_write",
    "OUTPUT_FILES",
    "REPORT_DEFAULTS",
]


def make_report(
    inputs, out_dir, *, formats=tuple(OUTPUT_FILES), report_date=None, parallel=True, **pipeline
):
    """Run the pipeline, build the report and write it: one call for the CLI.

    Parameters
    ----------
    inputs : ModelInputs
        Loaded inputs (:func:`sufficiency.load_inputs`).
    out_dir : path-like
        Output folder.
    formats : iterable of str
        Files to write (keys of :data:`OUTPUT_FILES`).
    report_date : date or str, optional
        Cover date (default today); fix it for byte-identical outputs.
    parallel : bool
        Use a second process (started first, so that it is warm) for two thirds of the charts
        and for the PDF, which it lays out while the workbook is written.
    **pipeline
        Options of :func:`run_pipeline` (``solver``, ``quantile``, ``with_plan`` ...).

    Returns
    -------
    tuple of (ReportData, dict)
        The report data and :func:`write_report`'s ``{"paths", "seconds"}``.
    """
    import time

    from .render import start_pdf_worker

    # the arguments checked before the pipeline's minute, not after it
    if report_date is not None:
        check_report_date(report_date)
    formats = (formats,) if isinstance(formats, str) else tuple(formats)
    unknown = sorted(set(formats) - set(OUTPUT_FILES))
    if unknown:
        raise ConfigError(f"report formats {unknown}: expected any of {sorted(OUTPUT_FILES)}")
    t = time.perf_counter()
    worker = start_pdf_worker() if (parallel and "pdf" in formats) else None
    try:
        results = run_pipeline(inputs, **pipeline)
        missing = results.pop("missing")
        parts = results.pop("seconds", {})
        pipeline_s = time.perf_counter() - t
        data = build_report(inputs, **results, missing=missing, report_date=report_date)
        written = write_report(data, out_dir, formats, parallel=parallel, pdf_worker=worker)
    except BaseException:
        if worker is not None and worker.poll() is None:
            worker.kill()
            worker.wait()
        raise
    written["seconds"] = {"pipeline": pipeline_s, **parts, **written["seconds"]}
    return data, written
