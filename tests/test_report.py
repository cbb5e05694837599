"""The Cabinet report on the embedded Worcestershire data: structure, figures, files.

The pipeline (forecast -> sufficiency -> plan, SEND, early years, backtest) runs once per
module; every check compares what the report prints with the results objects themselves.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import REPORT_DATE

from sufficiency import nomenclature as nc
from sufficiency.report import (
    build_report,
    render_html,
    render_summary_json,
    render_xlsx,
    scap_frame,
    write_report,
)
from sufficiency.report.render import atomic_write, page_sections
from sufficiency.report.text import (
    executive_summary,
    fmt_count,
    fmt_gbp_m,
    fmt_pct,
    fmt_year,
    plain_note,
    recommendations,
)

DATE = REPORT_DATE  # the report fixtures' (conftest.py)


def _suff(results) -> pd.DataFrame:
    return results["sufficiency"].to_frame()


def test_pipeline_ran_the_engine(report_run):
    _, results, data = report_run
    assert results["forecast"] is not None, data.missing
    assert results["sufficiency"] is not None
    assert len(data.areas) == 33


def test_html_structure(report_run, report_html):
    _, _, data = report_run
    for anchor in (
        "cover",
        "contents",
        "recommendations",
        "summary",
        "method",
        "areas",
        "send",
        "early-years",
        "options",
        "capital",
        "glossary",
        "sources",
    ):
        assert f'id="{anchor}"' in report_html, anchor
    # one page per planning area, each with its chart
    assert report_html.count('<section class="area"') == 33
    assert report_html.count("<svg") == 33 + 2
    # derived history flagged in the method and on every area page
    assert report_html.count("are <strong>derived</strong>") == 33
    assert "What is derived rather than observed" in report_html
    assert "Open Government Licence v3.0" in report_html
    assert data.meta["run_id"] in report_html and DATE in report_html
    # self-contained: no external resources
    assert not re.search(r'<(link|script|img)[^>]+(href|src)="(http|//)', report_html)


def test_recommendations_are_numbered_and_verb_led(report_run, report_html):
    recs = recommendations(report_run[2])
    assert len(recs) >= 3
    verbs = ("notes", "approves", "agrees", "delegates", "asks")
    assert all(r.split()[0] in verbs for r in recs), recs
    assert '<ol class="recs">' in report_html
    # the first recommendations quote the position at the last milestone, from SufficiencyResult
    _, results, data = report_run
    suff = _suff(results)
    last = data.milestones[-1][1]
    position = [r for r in recs if r.startswith("notes the forecast of")]
    for phase, rec in zip(("primary", "secondary"), position[:2]):
        rows = suff[(suff[nc.PHASE] == phase) & (suff[nc.YEAR] == last)]
        n = int((rows["rag"] == "red").sum())
        assert (
            f"{fmt_count(rows['demand'].sum())} " in rec
            and f"against {fmt_count(rows['capacity'].sum())} places" in rec
        )
        assert (f"with {n} planning area" in rec) if n else ("with no planning area" in rec)


def test_summary_prose_figures_are_the_results_figures(report_run):
    """Recompute each phase's position from SufficiencyResult and find it in the prose."""
    _, results, data = report_run
    suff = _suff(results)
    paras = executive_summary(data)
    base = data.meta["base_year"]
    for phase in ("primary", "secondary"):
        para = " ".join(p for p in paras if p.lower().startswith(phase))
        for k in (0, 5, 10):
            rows = suff[(suff[nc.PHASE] == phase) & (suff[nc.YEAR] == base + k)]
            demand, cap = rows["demand"].sum(), rows["capacity"].sum()
            short = rows["shortfall"].sum()
            assert f"{fmt_count(demand)} pupils against {fmt_count(cap)} places" in para
            # a share of pupils, as the tables; and of places, as the DfE's unfilled places
            # (a review found the Council's share of places printed beside the share of pupils)
            # rounded down as the tables round it (a Herefordshire trial found 18.7% here
            # beside 18.6% in the RAG table and on the area page)
            share = (
                f"({fmt_pct((cap - demand) / demand, down=True)} of pupils, as the tables "
                f"count it; {fmt_pct((cap - demand) / cap, down=True)} of places"
                if cap >= demand
                else f"({fmt_pct((demand - cap) / demand, down=True)} of pupils)"
            )
            assert share in para
            red = int((rows["rag"] == "red").sum())
            if red:
                assert f"needing {fmt_count(short)} places" in para
                assert f"{red} of {len(rows)} planning areas" in para
            else:  # not "0 of 17 planning areas ..., needing 0 places" (Cabinet audit)
                assert "no planning area short of places" in para


def test_summary_says_the_forecast_has_no_housing(report_run):
    """Worcestershire's model has no housing trajectory: the summary says so, not only a
    technical note (Cabinet audit)."""
    _, _, data = report_run
    paras = executive_summary(data)
    assert any(p.startswith("The forecast adds no pupils from new housing") for p in paras)
    assert any("no housing trajectory" in n for n in data.forecast_notes)


def test_plan_figures_in_recommendations(report_run):
    _, results, data = report_run
    alloc = results["allocation"]
    assert alloc is not None, f"the default run has a plan: {data.missing.get('plan')}"
    plan = alloc.to_frame()
    text = " ".join(recommendations(data))
    assert fmt_gbp_m(plan["cost"].sum()) in text
    assert abs(plan["cost"].sum() - alloc.total_cost) < 1.0
    assert f"{fmt_count(plan['places'].sum())} additional places" in text
    key = plan[plan[nc.AREA] == "8850031"]
    if len(key):
        y0, y1 = int(key[nc.YEAR].min()), int(key[nc.YEAR].max())
        when = (
            f"opening in September {y0}"
            if y0 == y1
            else f"opening between September {y0} and September {y1}"
        )
        assert (
            f"{fmt_count(key['places'].sum())} places at {fmt_gbp_m(key['cost'].sum())} "
            f"(within the capital programme above), {when}"
        ) in text
        temp = key.loc[key["duration"] > 0, "places"].sum()
        if temp:
            assert f"{fmt_count(temp)} of them temporary places" in text


def test_mainstream_left_short_stated(report_run):
    """Places the plan leaves short in mainstream areas are summed from its before/after
    cells, per area, and stated in the summary, the recommendations and summary.json."""
    _, results, data = report_run
    alloc = results["allocation"]
    assert alloc is not None, f"the default run has a plan: {data.missing.get('plan')}"
    from sufficiency.report.analysis import mainstream_left_short
    from sufficiency.report.text import executive_summary

    cells = alloc.before_after()
    left = mainstream_left_short(data)
    for phase in ("primary", "secondary"):
        c = cells[(cells[nc.PHASE] == phase) & (cells["shortfall_after"] >= 0.5)]
        mine = [d for d in left if d["phase"] == phase]
        assert bool(len(c)) == bool(mine)
        if not mine:
            continue
        d = mine[0]
        by_year = c.groupby(nc.YEAR)["shortfall_after"].sum()
        assert d["year"] == int(by_year.idxmax())
        assert abs(d["total"] - by_year.max()) < 1e-6
        # each area's unrounded figure, rounded where printed as its own page rounds it (a
        # Cabinet review found Bewdley 76 in the summary and 77 on its page: the figures had
        # been forced to add up to the rounded total)
        worst = c[c[nc.YEAR] == d["year"]]
        got = dict(zip(worst[nc.AREA].map(data.area_name), worst["shortfall_after"]))
        assert {name: v for name, v in d["areas"]} == pytest.approx(got)
        assert abs(sum(v for _, v in d["areas"]) - d["total"]) < 1e-6
        summary = " ".join(executive_summary(data))
        for name, v in d["areas"]:
            assert f"{name} {fmt_count(v)}" in summary
        assert f"{fmt_count(d['total'])} {phase}" in summary
        recs = " ".join(recommendations(data))
        assert f"still leaves {fmt_count(d['total'])} {phase}" in recs
        # when every area short is at its own yearly limit of temporary places, that is
        # said (the Cabinet audit found only the lead time given, though the limit binds too)
        from sufficiency.report.text import why_short

        reasons = [why_short(data, a, phase, d["year"]) for a in d["codes"]]
        if all(any("a year" in p and "allowed" in p for p in r) for r in reasons):
            assert "each uses all the temporary places the model allows it a year" in recs or any(
                all(p in r for r in reasons) for p in reasons[0] if "a year" in p
            )
        h = data.headline()["plan"]["mainstream_left_short"]
        assert [e["phase"] for e in h] == [e["phase"] for e in left]
        # by code as well as by name, the same figures
        for e, d in zip(h, left):
            assert list(e["area_codes"]) == [str(c) for c in d["codes"]]
            assert list(e["area_codes"].values()) == list(e["areas"].values())


def test_derived_figures_computed_once(report_run, monkeypatch):
    """The tier changes, the mainstream places left short and the special school and early
    years positions are computed once per report (cached on ReportData), although the summary,
    the recommendations, the area pages and summary.json all state them."""
    from sufficiency.report import analysis

    data = dataclasses.replace(report_run[2])  # a fresh ReportData: nothing cached yet
    calls = []
    for name in ("tier_changes", "mainstream_left_short", "place_positions"):
        real = getattr(analysis, name)
        monkeypatch.setattr(analysis, name, lambda d, _f=real, _n=name: calls.append(_n) or _f(d))
    page_sections(data, drawer=lambda jobs: lambda: [""] * len(jobs))
    render_summary_json(data)
    assert sorted(calls) == ["mainstream_left_short", "place_positions", "tier_changes"]
    assert data.tier_changes is data.tier_changes


def test_area_page_figures(report_run, report_sections):
    _, results, data = report_run
    suff = _suff(results)
    secs = report_sections
    base = data.meta["base_year"]
    for page in secs["areas"][::8]:
        rows = suff[(suff[nc.AREA] == page["code"]) & (suff[nc.YEAR] > base)]
        peak = rows.loc[rows["demand"].idxmax()]
        assert (
            f"{fmt_count(peak['demand'])} pupils in {nc.academic_year_label(peak[nc.YEAR])}"
        ) in page["commentary"]
        table = page["years"].frame
        last = rows[rows[nc.YEAR] == rows[nc.YEAR].max()].iloc[0]
        assert table["demand"].iloc[-1] == pytest.approx(last["demand"])
        assert table["shortfall"].iloc[-1] == pytest.approx(last["shortfall"])
        assert table["RAG"].iloc[-1] == last["rag"]
        if "with plan" in table:
            assert table["short with plan"].iloc[-1] == pytest.approx(
                max(0.0, last["required"] - table["with plan"].iloc[-1])
            )
            assert (table["short with plan"] <= table["shortfall"] + 1e-9).all()
    # commentary names what is built in words, never an option identifier ("8850030:...")
    plan = results["allocation"].plan if results.get("allocation") is not None else None
    for page in secs["areas"]:
        assert not re.search(r"[A-Z]?\d{7,}:", page["commentary"]), page["commentary"]
        assert "_" not in page["commentary"], page["commentary"]
        if plan is not None and (plan[nc.AREA] == page["code"]).any():
            mine = plan[plan[nc.AREA] == page["code"]]
            first = mine.sort_values(nc.YEAR).iloc[0]
            kind = str(first["kind"]).replace("_", " ")
            what = (
                kind
                if first["modules"] == 1
                else f"{int(first['modules'])} {'bulge classes' if kind == 'bulge class' else kind + 's'}"
            )
            assert (
                f"{what} ({fmt_count(first['places'])} places "
                f"from {nc.academic_year_label(first[nc.YEAR])}"
            ) in page["commentary"]
        # the base year is stated as it is in the table (derived history is said to be)
        b = suff[(suff[nc.AREA] == page["code"]) & (suff[nc.YEAR] == base)]
        if len(b):
            assert f"In {nc.academic_year_label(base)} (derived)" in page["commentary"]
            if b["shortfall"].iloc[0] > 0:
                assert f"{fmt_count(b['shortfall'].iloc[0])} places short" in page["commentary"]


def test_rag_table_matches_sufficiency(report_run, report_sections):
    _, results, data = report_run
    suff = _suff(results).set_index([nc.AREA, nc.PHASE, nc.YEAR])
    rag = report_sections["rag"].frame
    assert len(rag) == 33
    year = data.milestones[1][1]
    lbl = nc.academic_year_label(year)
    for r in rag.sample(8, random_state=1).itertuples(index=False):
        row = dict(zip(rag.columns, r))
        ref = suff.loc[(row["area code"], row[nc.PHASE], year)]
        assert row[f"RAG {lbl}"] == ref["rag"]
        assert row[f"surplus {lbl}"] == pytest.approx(ref["surplus_pct"])


def test_key_decision_appraisal(report_run):
    _, results, data = report_run
    key = data.key_decision
    assert key is not None and key["area"] == "8850031" and key["area_name"] == "Worcester City"
    if results["allocation"] is None:
        assert key["table"] is None
        return
    t = key["table"]
    suff = _suff(results)
    rows = suff[(suff[nc.AREA] == "8850031") & (suff[nc.YEAR] > data.meta["base_year"])]
    nothing = t[t["option"] == "do nothing"].iloc[0]
    # doing nothing leaves exactly the sufficiency shortfall, year by year
    for y, s in zip(rows[nc.YEAR], rows["shortfall"]):
        assert nothing[f"shortfall {nc.academic_year_label(y)}"] == pytest.approx(s)
    # the recommended plan's row leaves the optimiser's own shortfall_after, year by year
    rec = t[t["recommended"]].iloc[0]
    ba = results["allocation"].before_after()
    ba = ba[(ba[nc.AREA] == "8850031") & (ba[nc.PHASE] == "secondary")]
    assert len(ba)
    for y, s in zip(ba[nc.YEAR], ba["shortfall_after"]):
        assert rec[f"shortfall {nc.academic_year_label(y)}"] == pytest.approx(s, abs=1.0)
    # how long the plan's places stay when all are temporary; a plan mixing permanent and
    # temporary places gives none (its label names its bulge classes; review)
    plan = results["allocation"].plan
    mine = plan[(plan[nc.AREA] == "8850031") & (plan[nc.PHASE] == "secondary")]
    assert (mine["duration"] > 0).any() and (mine["duration"] == 0).any()  # Worcester City mixes
    assert np.isnan(rec["temporary (years)"])
    assert "bulge class" in rec["option"]
    # a stressed (80th percentile) demand never leaves less shortfall than the central one
    assert (t["max shortfall (stress)"] >= t["max shortfall (central)"] - 1e-6).all()


def test_summary_json_matches_results(report_run):
    _, results, data = report_run
    doc = json.loads(render_summary_json(data))
    suff = _suff(results)
    assert doc["run_id"] == data.meta["run_id"] and doc["derived_history"] is True
    for p in doc["position"]:
        rows = suff[(suff[nc.PHASE] == p["phase"]) & (suff[nc.YEAR] == p["year"])]
        assert p["demand"] == pytest.approx(rows["demand"].sum(), abs=0.1)
        assert p["shortfall"] == pytest.approx(rows["shortfall"].sum(), abs=0.1)
    if results["allocation"] is not None:
        assert doc["plan"]["total_cost_gbp"] == pytest.approx(
            results["allocation"].total_cost, abs=1
        )


def test_xlsx_sheets_formats_and_rows(report_run):
    from openpyxl import load_workbook

    _, results, data = report_run
    wb = load_workbook(io.BytesIO(render_xlsx(data)))
    for name in (
        "About",
        "Forecast by year group",
        "Capacity",
        "Surplus and shortfall",
        "Assumptions",
        "Sources",
    ):
        assert name in wb.sheetnames
    ws = wb["Forecast by year group"]
    assert ws.freeze_panes == "A2"
    fc = results["forecast"].to_frame()
    assert ws.max_row == len(fc) + 1
    header = [c.value for c in ws[1]]
    col = header.index("pupils") + 1
    assert ws.cell(row=2, column=col).number_format == "#,##0"
    assert ws.cell(row=2, column=col).value == pytest.approx(float(fc["pupils"].iloc[0]))
    ss = wb["Surplus and shortfall"]
    hdr = [c.value for c in ss[1]]
    assert (
        ss.cell(row=2, column=hdr.index("surplus_pct") + 1).number_format == "0.00%"
    )  # exact value: a rounded 5.0% would hide an amber 4.96%
    if "Plan" in wb.sheetnames:
        p = wb["Plan"]
        hdr = [c.value for c in p[1]]
        assert p.cell(row=2, column=hdr.index("cost") + 1).number_format.startswith("£")


def test_scap_shape(report_run):
    _, results, data = report_run
    fc = results["forecast"].to_frame()
    s = scap_frame(fc, data.areas, data.meta["base_year"], la_code=885)
    base = data.meta["base_year"]
    n_prim = (data.areas[nc.PHASE] == "primary").sum()
    n_sec = (data.areas[nc.PHASE] == "secondary").sum()
    assert len(s) == n_prim * 5 * 7 + n_sec * 7 * 7
    assert s["time_period"].min() == f"{base + 1}{(base + 2) % 100:02d}"
    assert not s.duplicated(["planning_area", "time_period", "nc_year"]).any()
    prim = s[s["phase"] == "primary"]
    assert set(prim["nc_year"]) == {"R", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6"}
    # values are the forecast, rounded to whole pupils (each within one pupil of it) so that
    # every area's total in every year is its forecast total rounded, as the report prints it
    f = fc.assign(time_period=[f"{y}{(y + 1) % 100:02d}" for y in fc[nc.YEAR]])
    m = s.merge(
        f,
        left_on=["planning_area", "time_period", "ncy"],
        right_on=[nc.AREA, "time_period", nc.NCY],
        suffixes=("", "_fc"),
    )
    assert len(m) == len(s)
    assert (np.abs(m["pupils"] - m["pupils_fc"]) < 1.0).all()
    tot = m.groupby(["planning_area", "time_period"])[["pupils", "pupils_fc"]].sum()
    assert (tot["pupils"] == np.rint(tot["pupils_fc"])).all()
    # the census the forecast starts from is on every row (its years go stale with it)
    assert set(s["census"]) == {f"January {base + 1} census"}


def test_the_scap_recommendation_says_derived_history_needs_the_councils_census(report_run):
    """The Cabinet is asked to submit the SCAP pupil forecasts: with derived planning-area
    history the recommendation says they must first be rebuilt from the Council's own
    school-level census (SCAP audit)."""
    _, _, data = report_run
    rec = next(r for r in recommendations(data) if "School Capacity (SCAP) return" in r)
    assert data.any_history_derived
    # what is to be done first is asked for, and the delegation is of those forecasts, not
    # of the figures in this report (a Cabinet audit)
    assert rec.startswith(
        "asks officers to have this report's pupil forecasts (by planning "
        "area and year group, scap_pupil_forecasts.csv) refreshed with the "
        "latest school census"
    )
    assert "rebuilt from the Council's own school-level census" in rec
    assert "to submit those forecasts, in the same form, as the pupil forecast part" in rec


def test_missing_parts_render_honestly(report_run):
    inputs = report_run[0]
    data = build_report(inputs, report_date=DATE)
    html = render_html(data)
    assert html.count("not available in this run") >= 4
    assert "<svg" not in html
    assert "£" not in " ".join(recommendations(data))
    doc = json.loads(render_summary_json(data))
    assert doc["position"] == []
    # every headline key is present, null when its part is not available (for other systems)
    for key in ("plan", "send", "early_years", "key_decision"):
        assert key in doc and doc[key] is None


def test_files_written_atomically_and_deterministically(report_run, tmp_path):
    """Two runs, same bytes, PDF included; the PDF is A4 with numbered pages and contents."""
    data = report_run[2]
    small = dataclasses.replace(data, areas=data.areas.iloc[[0, 20]].reset_index(drop=True))
    fmts = ("html", "pdf", "xlsx", "scap", "json")
    a = write_report(small, tmp_path / "a", fmts)["paths"]
    b = write_report(small, tmp_path / "b", fmts, parallel=False)["paths"]
    for k in fmts:
        assert a[k].read_bytes() == b[k].read_bytes(), k
    assert not [p for p in (tmp_path / "a").iterdir() if p.name.startswith(".")]
    pdf = a["pdf"]
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdftotext") and shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        assert "595.276 x 841.89" in info  # A4 in points
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        txt = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True
        ).stdout
        assert f"Page 2 of {pages}" in txt
        assert "Contents" in txt and "Recommendations" in txt
        # the charts are drawn in the PDF (as vector images whose text stays text)
        assert txt.count("80% range") >= 3, "charts missing from the PDF"


def test_charts_shared_with_the_worker_are_the_serial_charts(report_run, tmp_path):
    from sufficiency.report.render import _shared_drawer, chart_jobs, draw_charts, start_pdf_worker

    data = report_run[2]
    small = dataclasses.replace(data, areas=data.areas.iloc[[0, 5, 20]].reset_index(drop=True))
    jobs = chart_jobs(small)
    assert len(jobs) == 5  # three areas, two county phase charts
    worker = start_pdf_worker()
    try:
        shared = _shared_drawer(worker, tmp_path)(jobs)()
    finally:
        worker.stdin.close()
        assert worker.wait(timeout=60) == 0
    assert shared == draw_charts(jobs)


def test_dead_worker_is_a_clear_error(report_run, tmp_path):
    from sufficiency.exceptions import SufficiencyError
    from sufficiency.report.render import start_pdf_worker

    data = report_run[2]
    small = dataclasses.replace(data, areas=data.areas.iloc[[0]].reset_index(drop=True))
    worker = start_pdf_worker()
    worker.kill()
    worker.wait()
    with pytest.raises(SufficiencyError, match="report.pdf could not be written.*exit status"):
        write_report(small, tmp_path / "out", ("html", "pdf", "json"), pdf_worker=worker)
    # the other files are written (charts drawn here instead); nothing half-written: no PDF,
    # and no scratch files left in the output folder
    out = tmp_path / "out"
    assert (out / "summary.json").exists()
    assert (out / "report.html").read_text(encoding="utf-8").count("<svg") == 3
    assert not (out / "report.pdf").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_pdf_without_weasyprint_libraries_is_a_clear_error(report_run, tmp_path, monkeypatch):
    """WeasyPrint without its system libraries (Pango): the report process still draws its
    charts, every other file is written, and the error names the missing library."""
    from sufficiency.exceptions import SufficiencyError
    from sufficiency.report.render import start_pdf_worker

    fake = tmp_path / "fake"
    (fake / "weasyprint").mkdir(parents=True)
    (fake / "weasyprint" / "__init__.py").write_text(
        "raise OSError(\"cannot load library 'libpango-1.0-0'\")\n"
    )
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(fake), os.environ.get("PYTHONPATH", "")]))
    data = report_run[2]
    small = dataclasses.replace(data, areas=data.areas.iloc[[0, 20]].reset_index(drop=True))
    worker = start_pdf_worker()
    with pytest.raises(
        SufficiencyError,
        match="report.pdf could not be written: OSError: cannot load library 'libpango-1.0-0'",
    ):
        write_report(small, tmp_path / "out", ("html", "pdf", "json"), pdf_worker=worker)
    out = tmp_path / "out"
    assert (out / "summary.json").exists()
    assert (out / "report.html").read_text(encoding="utf-8").count("<svg") == 4
    assert not (out / "report.pdf").exists()


def test_worker_rejects_unknown_command(tmp_path):
    import io

    from sufficiency.report._pdf import serve

    with pytest.raises(ValueError, match="unknown command 'draw'"):
        serve(io.StringIO(f"draw\n{tmp_path}/a\n{tmp_path}/b\n"), io.StringIO())
    assert serve(io.StringIO(""), io.StringIO()) == 0  # end of input: the parent gave up


def test_atomic_write_keeps_old_file_on_failure(tmp_path):
    target = tmp_path / "x.txt"
    atomic_write(target, "old")

    with pytest.raises(TypeError):
        atomic_write(target, object())  # type: ignore[arg-type]
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.txt"]


def test_cli_report(model_path, tmp_path):
    from sufficiency.cli import cli

    out = tmp_path / "out"
    res = CliRunner().invoke(
        cli,
        [
            "-q",
            "report",
            str(model_path),
            "--out",
            str(out),
            "--only",
            "json",
            "--only",
            "scap",
            "--no-plan",
            "--no-send",
            "--no-early-years",
            "--date",
            DATE,
        ],
    )
    assert res.exit_code == 0, res.output
    assert (out / "summary.json").exists() and (out / "scap_pupil_forecasts.csv").exists()
    if os.name == "posix":  # ordinary new-file permissions, not the temporary file's 0o600
        mask = os.umask(0)
        os.umask(mask)
        assert (out / "summary.json").stat().st_mode & 0o777 == 0o666 & ~mask
    scap = pd.read_csv(out / "scap_pupil_forecasts.csv")
    assert (scap["history"] == "derived").all()  # the default model's area history is derived
    assert not (out / "report.pdf").exists()
    doc = json.loads((out / "summary.json").read_text())
    assert "plan" in doc["not_available"]
    bad = CliRunner().invoke(
        cli, ["report", str(model_path), "--out", str(out), "--date", "22/11/2026"]
    )
    assert bad.exit_code == 2


_CHROMIUM = next(
    (p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if shutil.os.path.exists(p)),
    None,
)

_PROBE = """<script>
window.__errors = [];
window.addEventListener('error', function (e) { window.__errors.push(String(e.message)); });
var _ce = console.error; console.error = function () { window.__errors.push([].join.call(arguments, ' ')); _ce.apply(console, arguments); };
window.addEventListener('load', function () {
  var svgs = document.querySelectorAll('.chart svg'), bad = 0, drawn = 0;
  svgs.forEach(function (s) { var r = s.getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0)) bad++;
    if (s.querySelectorAll('path, use, text').length > 0) drawn++; });
  var m = document.createElement('pre'); m.id = 'probe';
  m.textContent = JSON.stringify({charts: svgs.length, bad: bad, drawn: drawn, errors: window.__errors});
  document.body.appendChild(m);
});
</script>"""


@pytest.mark.skipif(
    _CHROMIUM is None, reason="headless Chromium is not installed (/usr/bin/chromium)"
)
def test_html_in_headless_chromium(report_run, report_html, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(report_html.replace("</head>", _PROBE + "</head>", 1), encoding="utf-8")
    res = subprocess.run(
        [
            _CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=5000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    m = re.search(r'<pre id="probe">(.*?)</pre>', res.stdout, re.S)
    assert m, res.stderr[-2000:]
    probe = json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert probe["charts"] == report_html.count("<svg")
    assert probe["bad"] == 0 and probe["drawn"] == probe["charts"]
    assert probe["errors"] == []
    console_errors = [ln for ln in res.stderr.splitlines() if "CONSOLE" in ln and "rror" in ln]
    assert console_errors == []


def test_accuracy_prose_matches_backtest_and_scorecards(report_run):
    """The report's accuracy record is the ``sufficiency backtest`` command's on the model's
    own files (fitted on every authority there, this one reported), and the report quotes
    that command. A Shropshire trial found the report's errors (fitted on the authority
    alone) differing from the command's for the same cases (28 November 2026)."""
    from sufficiency.backtest import backtest_files
    from sufficiency.report.text import accuracy_sentences

    inputs, results, data = report_run
    assert results["backtest"] is not None and results["scorecards"] is not None, (
        f"the default run has the backtest: {data.missing.get('backtest')}"
    )
    me = inputs.config.authority
    bt = results["backtest"].to_frame()
    assert bt[nc.AREA].nunique() > 1  # pooled over the file's authorities
    bt = bt[bt[nc.AREA] == me]
    d = inputs.config.data
    origins = data.meta["backtest"]["origins"]
    cli = backtest_files(
        d["pupils"].path, d["births"].path, d["lookup"].path, list(origins), [1, 3]
    ).to_frame()
    cli = cli[cli[nc.AREA] == me]
    key = [nc.PHASE, "origin", "horizon"]
    m = bt.merge(cli, on=key, suffixes=("", "_cli"))
    assert len(m) == len(bt) > 0
    assert np.allclose(m["pct_error"], m["pct_error_cli"], equal_nan=True)
    sc = results["scorecards"].data
    sc = sc[sc[nc.AREA] == me]
    both = bt.merge(sc, on=[nc.PHASE, "horizon", "target_year"])
    assert len(both) > 0
    text = " ".join(accuracy_sentences(data))
    for _, g in both.groupby([nc.PHASE, "horizon"]):
        n = len(g)
        assert (
            f"Over the {n} target year{'s' if n != 1 else ''} with a published Council figure ("
        ) in text
        assert (
            f"this engine's median absolute error "
            f"{fmt_pct(g['pct_error'].abs().median(), decimals=2)} against the "
            f"Council's own {fmt_pct(g['own_error'].abs().median(), decimals=2)}"
        ) in text
    from sufficiency.report.text import accuracy_command

    assert "the command below writes" in text
    assert " ".join(accuracy_command(data)).endswith(
        f"--origins {','.join(map(str, origins))} --horizons 1,3 --areas {me} --out errors.csv"
    )


def test_method_prints_the_forecast_notes_and_parameters_used(report_run, report_html):
    """Every note of the ForecastResult is printed, and the assumptions table gives the
    parameters the forecast actually used (an engine default included), not a shadowed one."""
    import html as h

    _, results, data = report_run
    text = h.unescape(report_html)
    fc = results["forecast"]
    for note in fc.notes:
        # as the report words it: without the parentheses that only name model keys
        assert plain_note(note) in text, note
    a = data.assumptions.set_index("assumption")
    assert a.loc["ratio averaging window", "value"] == f"{fc.config['window']} years"
    k = data.assumptions.set_index("key")
    assert k.loc["forecast.shrinkage", "set in"] == "engine default"
    assert float(k.loc["forecast.shrinkage", "value"]) == fc.config["shrinkage"]


def test_benchmark_errors_are_read_from_the_scorecards(report_run, report_html):
    """The comparison figures in the accuracy section come from the scorecards file (England's
    national row and the authorities in the file), not from text."""
    from sufficiency.report.text import benchmark_sentence

    _, results, data = report_run
    sc = results["scorecards"].data
    b = data.benchmark
    assert b is not None and len(b) >= 4
    for r in b.itertuples():
        rows = sc[(sc["phase"] == r.phase) & (sc["horizon"] == r.horizon)]
        eng = rows[rows["area"] == "E92000001"]
        assert r.target_year == eng["target_year"].max()
        assert r.england == pytest.approx(
            eng.loc[eng["target_year"] == r.target_year, "own_error"].iloc[0]
        )
        peers = rows[(rows["area"] != "E92000001") & (rows["target_year"] == r.target_year)]
        assert r.peers_mae == pytest.approx(peers["own_error"].abs().median())
        assert f"England {fmt_pct(r.england, signed=True)}" in benchmark_sentence(data)
    assert benchmark_sentence(data) in report_html.replace("&#39;", "'")


def test_phase_recommendation_names_the_worst_year_before_the_last(report_run):
    """The first recommendations state the last year's position; when an earlier year is
    worse it is named too (Stoke trial), searched from the plan's first year, never a year
    already past or before the plan can act (a review found 2023/24 named in 2026)."""
    _, _, data = report_run
    recs = [r for r in recommendations(data) if r.startswith("notes the forecast of")]
    suff = data.sufficiency
    first, last = data.meta["plan_first_year"], data.milestones[-1][1]
    assert first > data.meta["base_year"] + 1
    named = 0
    for phase, rec in zip(("primary", "secondary"), recs[:2]):
        for y in range(data.meta["base_year"] + 1, first):
            assert f"worst year is {nc.academic_year_label(y)}" not in rec
        ph = suff[(suff[nc.PHASE] == phase) & (suff[nc.YEAR] >= first) & (suff[nc.YEAR] < last)]
        by_year = ph.groupby(nc.YEAR)["shortfall"].sum()
        at_last = suff[(suff[nc.PHASE] == phase) & (suff[nc.YEAR] == last)]["shortfall"].sum()
        if by_year.max() >= at_last + 0.5:
            assert (
                f"the plan period's worst year is {nc.academic_year_label(int(by_year.idxmax()))}, "
                f"when {fmt_count(by_year.max())} places are short"
            ) in rec
            named += 1
    assert named  # Worcestershire's secondary shortfall peaks before the last year


def test_a_surplus_above_the_ceiling_gets_a_recommendation(report_run):
    """Worcestershire's primary places exceed demand by more than the 10% ceiling in the
    last year: a recommendation says so, with the areas above it (Stoke trial)."""
    _, _, data = report_run
    suff, last = data.sufficiency, data.milestones[-1][1]
    ceiling = data.meta["ceiling"]
    for phase in ("primary", "secondary"):
        rows = suff[(suff[nc.PHASE] == phase) & (suff[nc.YEAR] == last)]
        share = (rows["capacity"].sum() - rows["demand"].sum()) / rows["demand"].sum()
        said = [
            r
            for r in recommendations(data)
            if r.startswith(f"notes that {phase}") and "surplus ceiling" in r
        ]
        assert bool(said) == (share > ceiling)
        if said:
            n = int((rows["surplus_pct"] > ceiling).sum())
            assert f"with {n} of {len(rows)} planning areas above it" in said[0]
            assert f"exceed demand by {fmt_pct(share, down=True)} of pupils" in said[0]


def test_an_area_with_places_but_no_pupils_is_named_in_words(report_run):
    """An area with places but no pupils forecast has an infinite surplus share: the surplus
    recommendation names it in words, never "inf%" (review). SYNTHETIC edit of one row."""
    import dataclasses

    import numpy as np

    from sufficiency.report.text import _surplus_clause

    _, _, data = report_run
    suff, last = data.sufficiency.copy(), data.milestones[-1][1]
    i = suff[(suff[nc.PHASE] == "primary") & (suff[nc.YEAR] == last)].index[0]
    suff.loc[i, ["demand", "surplus_pct"]] = [0.0, np.inf]
    said = _surplus_clause(dataclasses.replace(data, sufficiency=suff), "primary", last)
    assert f"{data.area_name(suff.loc[i, 'area'])} (places, but no pupils forecast)" in said
    assert "inf" not in said


def test_summary_states_the_programme_and_assumed_capacities(report_run):
    """A Cabinet audit found the summary never stated the plan, nor that special school
    capacity and early years supply are assumptions."""
    from sufficiency.report.text import _years_span

    _, results, data = report_run
    summary = executive_summary(data)
    if data.plan is not None and len(data.plan):
        p = data.plan
        y0, y1 = int(p["year"].min()), int(p["year"].max())
        line = next(s for s in summary if s.startswith("The recommended programme"))
        assert f"in {len(p)} projects {_years_span(y0, y1)}" in line
        assert "(recommendation in section 1, projects in section 8)" in line
        bulge = p.loc[(p["kind"] == "bulge_class") & (p["duration"].fillna(0) > 0), "places"].sum()
        assert bulge > 0  # Worcestershire's plan has bulge classes; the summary says so
        assert f"({bulge:,.0f} of them temporary, in bulge classes that last one cohort)" in line


def test_areas_whose_pupils_already_exceed_their_places_are_named(report_run):
    """A phase can be within its places as a whole while an area's base-year pupils already
    exceed its places on record (a Walsall trial: 7,102 against 6,326): those areas are named
    in the summary and in the programme's conditions, with the cost of their projects."""
    from sufficiency.report.analysis import AREA_BEHIND_TOLERANCE

    _, _, data = report_run
    s, base = data.sufficiency, data.meta["base_year"]
    rows = s[
        (s["year"] == base)
        & (s["demand"] > s["capacity"] * (1 + AREA_BEHIND_TOLERANCE))
        & ~s["phase"].isin([b["phase"] for b in data.capacity_behind])
    ]
    got = data.capacity_behind_areas
    assert len(got) == len(rows) >= 3  # Worcestershire: Martley, Bewdley, Hagley secondary
    # by hand: Martley secondary has 702 places in the 2014/15 capacity file and, derived,
    # about 767 pupils in 2022/23 (9% over): it is flagged; Worcester City is not
    named = {(d["name"], d["phase"]): d for d in got}
    assert named[("Martley", "secondary")]["places"] == 702
    assert 760 < named[("Martley", "secondary")]["pupils"] < 775
    assert ("Worcester City", "secondary") not in named
    assert {d["area"] for d in got} == set(rows["area"].astype(str))
    excess = [d["pupils"] - d["places"] for d in got]
    assert excess == sorted(excess, reverse=True)
    p = data.plan
    cost = sum(
        p.loc[(p["area"].astype(str) == d["area"]) & (p["phase"] == d["phase"]), "cost"].sum()
        for d in got
    )
    assert cost > 0
    d0 = got[0]
    fact = (
        f"the {fmt_year(base)} pupils already exceed the places on record by more than 5.0% "
        f"({d0['name']} {d0['phase']}, {fmt_count(d0['pupils'])} pupils against "
        f"{fmt_count(d0['places'])} places"
    )
    assert any(fact in t for t in executive_summary(data))
    rec = next(r for r in recommendations(data) if fact in r)
    assert "the derivation overstates their pupils" in rec
    assert (
        "shortfalls may be overstated; asks officers to confirm current capacity and pupils "
        f"on roll there first ({fmt_gbp_m(cost)} of the programme's projects are there)"
    ) in rec
    assert (
        json.loads(render_summary_json(data))["capacity_out_of_date_areas"][0]["area"] == d0["area"]
    )


def test_a_new_school_beside_spare_places_elsewhere_is_flagged(report_run):
    """A new school that opens while the authority's other areas of its phase have, net of
    their own shortfalls after the plan, spare places beyond the margin is flagged, and
    [[plan.adjacency]] suggested; with adjacency the plan has weighed moves, so no flag (a
    Walsall trial: GBP 26.3m beside a 24.6% surplus). SYNTHETIC plan rows on real data."""
    import dataclasses

    from sufficiency.report.analysis import spare_beside_new_schools

    _, _, data = report_run
    assert not spare_beside_new_schools(data)  # Worcestershire's plan builds no new school
    year = data.meta["plan_first_year"] + 2
    area = "8850031"
    row = {c: np.nan for c in data.plan.columns}
    row.update(
        {
            "option": "synthetic new school",
            "area": area,
            "phase": "secondary",
            "kind": "new_school",
            "year": year,
            "places": 900.0,
            "cost": 30e6,
        }
    )
    plan = pd.concat([data.plan, pd.DataFrame([row])], ignore_index=True)
    ba = data.before_after
    others = ba[(ba["phase"] == "secondary") & (ba["year"] == year) & (ba["area"] != area)]
    spare = (others["capacity_after"] - others["required"]).clip(lower=0)
    short = others["shortfall_after"].sum()
    # by hand for the two largest: Kidderminster and Redditch have spare after the plan
    by_name = dict(zip(others["area"].map(data.area_name), spare))
    assert by_name["Kidderminster"] > 300 and by_name["Redditch"] > 300
    d2 = dataclasses.replace(data, plan=plan)
    got = spare_beside_new_schools(d2)
    assert len(got) == 1 and got[0]["spare"] == pytest.approx(spare.sum() - short)
    assert got[0]["where"][0][0] == max(by_name, key=by_name.get)
    rec = next(r for r in recommendations(d2) if "new secondary school in" in r)
    assert (
        f"net of their own shortfalls, {fmt_count(spare.sum() - short)} places spare beyond "
        "the 2.0% margin that year after the plan"
    ) in rec
    assert "naming neighbouring areas in the model definition would let the plan weigh" in rec
    # with adjacency given, the plan has weighed moving pupils: no flag
    meta = dict(data.meta, adjacency=1)
    assert not spare_beside_new_schools(dataclasses.replace(d2, meta=meta))
    # a school that net spare cannot cover by half is not flagged
    big = plan.copy()
    big.loc[big.index[-1], "places"] = 2 * (spare.sum() - short) + 60
    assert not spare_beside_new_schools(dataclasses.replace(data, plan=big))


def test_contents_lists_long_area_names_in_one_column(report_run):
    """Two columns of area entries unless a long name would push its page number onto a line
    of its own (a Walsall trial: "Walsall North (Brownhills, Shelfield) (secondary)")."""
    from test_report_plain_english import no_charts

    _, _, data = report_run
    assert 'class="one-column"' not in render_html(data, page_sections(data, no_charts))
    areas = data.areas.copy()
    areas.loc[0, "name"] = "Walsall North (Brownhills, Shelfield)"
    long = dataclasses.replace(data, areas=areas)
    assert 'class="one-column"' in render_html(long, page_sections(long, no_charts))


def test_high_schools_of_a_three_tier_area_are_listed_y9_to_y13(report_run):
    """The capacity file codes every secondary school Y7-Y13; in a three-tier area with
    middle schools the others are its high schools, Y9-Y13, as the area's tiers say (they
    were listed Y7-Y13 beside its Y7-Y8 middle schools)."""
    from sufficiency.report.tables import schools_table

    _, _, data = report_run
    redditch = schools_table(data, "8850026")
    f = redditch.frame.set_index("school")["year groups"]
    assert f["Trinity High School and Sixth Form Centre"] == "Y9-Y13"
    assert f["Walkwood CofE Middle School"] == "Y7-Y8"
    assert "high schools (Y9-Y13) from the area's three tiers" in redditch.note
    city = schools_table(data, "8850031").frame  # two-tier: as the capacity file has them
    assert set(city["year groups"]) == {"Y7-Y13"}
    # Pershore's high school takes Year 7 from 2027/28 (its tier change): left as coded
    pershore = schools_table(data, "8850025").frame.set_index("school")["year groups"]
    assert pershore["Pershore High School"] == "Y7-Y13"


def test_worst_year_without_a_plan_starts_at_the_reports_year(report_run):
    """Without a plan the worst-year clause does not speak of the plan's years, and searches
    from the academic year of the report's date, never a year already past (a review found
    "2023/24, the worst of the plan's years" in a report with no plan)."""
    inputs, results, _ = report_run
    data = build_report(
        inputs, forecast=results["forecast"], sufficiency=results["sufficiency"], report_date=DATE
    )
    assert data.plan is None and data.meta["current_year"] == 2026
    recs = [r for r in recommendations(data) if r.startswith("notes the forecast of")]
    assert not any("plan period" in r for r in recs)
    for y in range(data.meta["base_year"] + 1, 2026):
        assert not any(f"is {fmt_year(y)}, when" in r for r in recs)
    assert any("the worst year from 2026/27 is" in r for r in recs)


def test_programme_mostly_in_areas_over_their_places_is_only_noted(report_run):
    """A Coventry trial: GBP 112.2m of a GBP 118.2m programme in areas whose pupils already
    exceeded their places on record, approved in principle, and the key decision agreed in one
    of them. Over half the cost there: the programme is only noted as indicative; the key
    decision is agreed only subject to its own area's capacity, and only noted when its area
    is one of them. SYNTHETIC costs on the real Worcestershire plan."""
    import dataclasses

    from sufficiency.report.analysis import approval_withheld, key_decision_withheld

    _, _, data = report_run
    behind = data.capacity_behind_areas
    assert approval_withheld(data) is None and not key_decision_withheld(data)
    p = data.plan.copy()
    mask = pd.Series(False, index=p.index)
    for d in behind:
        mask |= (p["area"].astype(str) == d["area"]) & (p["phase"] == d["phase"])
    share = p.loc[mask, "cost"].sum() / p["cost"].sum()
    assert 0 < share < 0.5  # as run: the programme is approved in principle
    p.loc[mask, "cost"] *= 2 * (1 - share) / share  # now two thirds of the cost
    d2 = dataclasses.replace(data, plan=p)
    assert d2.approval_withheld == "areas"
    recs = recommendations(d2)
    assert not any(r.startswith("approves in principle") for r in recs)
    prog = next(r for r in recs if r.startswith("notes an indicative capital programme"))
    assert (
        f"which this report does not recommend for approval, as "
        f"{fmt_gbp_m(p.loc[mask, 'cost'].sum())} of it is for projects in planning areas "
        "whose places on record are in doubt"
    ) in prog
    key = next(r for r in recs if "recommended option for Worcester City secondary" in r)
    assert key.startswith(
        "agrees in principle, subject to officers confirming its area's "
        "current capacity and pupils on roll, "
    )
    assert "(within the indicative capital programme above)" in key
    assert json.loads(render_summary_json(d2))["plan"]["approval_withheld"] == "areas"
    assert "(not recommended for approval until current capacity is confirmed)" in " ".join(
        executive_summary(d2)
    )
    # the key decision in one of those areas is noted, not agreed, even with approval
    k = dict(
        data.key_decision,
        area=behind[0]["area"],
        area_name=behind[0]["name"],
        phase=behind[0]["phase"],
    )
    d3 = dataclasses.replace(data, key_decision=k)
    assert d3.approval_withheld is None and key_decision_withheld(d3)
    # (proposed, not recommended: a Coventry trial)
    key = next(r for r in recommendations(d3) if "the proposed option for" in r)
    assert key.startswith(
        "notes, but does not agree until current capacity is confirmed (its "
        "area's pupils already exceed its places on record), the proposed "
        f"option for {behind[0]['name']} {behind[0]['phase']} places"
    )
    assert json.loads(render_summary_json(d3))["key_decision"]["withheld"] is True


def test_area_names_that_say_their_phase_are_not_doubled():
    """A Coventry trial: "North West secondary (Coundon, ...) secondary"."""
    from sufficiency.report.text import area_phase

    assert area_phase("Worcester City", "secondary") == "Worcester City secondary"
    assert (
        area_phase("North West secondary (Coundon)", "secondary")
        == "North West secondary (Coundon)"
    )
    assert area_phase("Secondary North", "secondary") == "Secondary North"
    assert area_phase("Primaryville", "primary") == "Primaryville primary"


def test_rag_table_headers_are_set_smaller(report_html):
    """A Coventry trial found "surplus 2022/23" and "RAG 2022/23" touching in the PDF: the
    table of every planning area has its own class, whose headers are set smaller."""
    assert '<table class="rag' in report_html
    assert "table.rag th { font-size: 7pt;" in report_html


def test_contents_does_not_repeat_a_phase_the_name_says(report_run):
    """An area named by ``sufficiency new`` ("Planning area 8850001 (primary)") is listed
    once with its phase in the contents, not "(primary) (primary)" (a Staffordshire trial)."""
    _, _, data = report_run
    areas = data.areas.copy()
    code, phase = areas.loc[0, "area"], areas.loc[0, "phase"]
    areas.loc[0, "name"] = f"Planning area {code} ({phase})"
    named = dataclasses.replace(data, areas=areas)
    from test_report_plain_english import no_charts

    html = render_html(named, page_sections(named, no_charts))
    assert f'<a href="#area-{code}">Planning area {code} ({phase})</a>' in html
    assert f"({phase}) ({phase})" not in html
    other = areas.loc[1]
    assert f'<a href="#area-{other["area"]}">{other["name"]} ({other["phase"]})</a>' in html


def test_cover_says_draft_only_while_todo_comments_are_left(
    report_run, report_sections, report_html
):
    """A model with TODO stand-ins left (sufficiency new) gives a report marked Draft on its
    cover and model_todos in summary.json; Worcestershire's finished model gives neither."""
    from types import MappingProxyType

    data = report_run[2]
    assert data.meta["model_todos"] == 0 and data.headline()["model_todos"] == 0
    cover = report_html.split('id="contents"')[0]
    assert "<strong>Draft.</strong>" not in cover
    draft = dataclasses.replace(data, meta=MappingProxyType({**data.meta, "model_todos": 3}))
    cover = render_html(draft, report_sections).split('id="contents"')[0]
    assert "<strong>Draft.</strong> The model definition still has 3 TODO comments" in cover
    assert draft.headline()["model_todos"] == 3


def test_area_tables_define_their_columns_once(report_html):
    """Every area page repeated the same ~700-character definition of its table (32 times in
    a Shropshire trial); now the planning areas chapter says it once and each page keeps a
    short reminder with the margin and the RAG thresholds."""
    import html as html_lib

    text = re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", report_html)))
    pages = report_html.count('<section class="area"')
    assert pages > 20
    assert text.count("Every column is defined at the start of section 4.") == pages
    assert text.count("Required = demand x (1 + 2.0%); surplus %, shortfall and RAG") == pages
    assert text.count('Each page\'s table "Demand and places by year": Demand: forecast') == 1
    # the full definition: at the start of section 4 and under the RAG table of every area
    assert text.count("Surplus % = (capacity - demand) / demand (rounded down") == 2
