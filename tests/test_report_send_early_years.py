"""The report's SEND and early years chapters on the embedded Worcestershire data: every figure
they print is the results' own, every assumption the results state is printed, and what the
plan leaves short is said (with why)."""

from __future__ import annotations

import logging
import warnings

import pytest

from sufficiency import load_inputs, load_model
from sufficiency import nomenclature as nc
from sufficiency.report import build_report, render_html, run_pipeline
from sufficiency.report.render import page_sections
from sufficiency.report.text import (
    SEND_PHASE_LABELS,
    early_years_commentary,
    fmt_count,
    fmt_year,
    plain_note,
    recommendations,
    send_commentary,
)


@pytest.fixture(scope="module")
def run(model_path):
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record.getMessage())

    handler = Keep(level=logging.WARNING)
    logging.getLogger("sufficiency").addHandler(handler)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            inputs = load_inputs(load_model(model_path))
            results = run_pipeline(inputs)
    finally:
        logging.getLogger("sufficiency").removeHandler(handler)
    missing = results.pop("missing")
    results.pop("seconds")
    data = build_report(inputs, **results, missing=missing, report_date="2026-11-27")
    sections = page_sections(data)
    return results, data, sections, render_html(data, sections), records


def test_the_plan_covered_send_and_early_years(run):
    results, data, *_ = run
    assert results["send"] is not None and results["early_years"] is not None, data.missing
    phases = set(data.before_after[nc.PHASE])
    assert {"special", "early_years"} <= phases, phases


def test_no_warning_for_history_without_supply(run):
    """Early years rows before the supply year have no capacity figure; they are outside the
    plan's years and must not raise the planner's 'left out' warning."""
    records = run[-1]
    assert not [r for r in records if "without a capacity figure" in r], records


def test_every_stated_assumption_is_printed(run):
    results, data, _, html, _ = run
    import html as h

    text = h.unescape(html)
    for note in results["send"].notes + results["early_years"].notes:
        assert plain_note(note) in text, note
    # the default model has no registered-places figure: the report must not claim one
    assert "against providers' registered places" not in text
    assert html.count("<svg") == 33 + 2 + 2  # area pages, county charts, SEND, early years


def test_send_figures_are_the_results_figures(run):
    results, data, sections, *_ = run
    f = results["send"].to_frame()
    central = results["send"].config["scenario"]
    c = f[f["scenario"] == central]
    last = int(c[nc.YEAR].max())
    y0 = int(c.loc[c[nc.KIND] == "actual", nc.YEAR].max())
    t = sections["send"].frame
    total = t.iloc[-1]
    at_last = c[c[nc.YEAR] == last]
    assert total[f"short {fmt_year(last)}"] == pytest.approx(at_last["shortfall"].sum())
    assert total[nc.CAPACITY] == pytest.approx(at_last[nc.CAPACITY].sum())
    assert total[fmt_year(last)].startswith(fmt_count(at_last["places"].sum()) + " (")
    assert total[fmt_year(y0) + " (actual)"] == fmt_count(c[c[nc.YEAR] == y0]["places"].sum())
    assert list(t["age group"][:-1]) == list(SEND_PHASE_LABELS.values())
    text = " ".join(send_commentary(data))
    assert f"{fmt_count(at_last['places'].sum())} in {fmt_year(last)}" in text
    # every other scenario quoted with its own figure
    for name in set(f["scenario"]) - {central}:
        v = f[(f["scenario"] == name) & (f[nc.YEAR] == last)]["places"].sum()
        assert f"'{name}'" in text and fmt_count(v) in text


def test_what_the_plan_leaves_short_is_said_with_why(run):
    results, data, *_ = run
    ba = data.before_after
    for phase, commentary in (
        ("special", send_commentary),
        ("early_years", early_years_commentary),
    ):
        rows = ba[ba[nc.PHASE] == phase]
        last = int(rows[nc.YEAR].max())
        left = rows[rows[nc.YEAR] == last]["shortfall_after"].sum()
        text = " ".join(commentary(data))
        recs = " ".join(recommendations(data))
        if left >= 0.5:
            assert (
                f"{fmt_count(left)} {'special school' if phase == 'special' else 'early years'} places short in {fmt_year(last)}"
                in text
            )
            assert f"{fmt_count(left)}" in recs
        else:
            assert "no planning area is short" in text
    # the default model lists special options but none for early years: each reason is given
    plan = data.plan
    special = plan[plan[nc.PHASE] == "special"]
    opts = data.options[data.options[nc.PHASE] == "special"]
    if special["places"].sum() >= (opts["places"] * opts["max_modules"]).sum() - 0.5:
        assert "every option in the model's catalogue is used" in " ".join(send_commentary(data))
    assert not (data.options[nc.PHASE] == "early_years").any()
    assert "lists no options for these places, so the optimiser had nothing" in " ".join(
        early_years_commentary(data)
    )


def test_summary_json_and_cli_summary_carry_send_and_early_years(run):
    results, data, *_ = run
    h = data.headline()
    f = results["send"].to_frame()
    c = f[f["scenario"] == results["send"].config["scenario"]]
    last = int(c[nc.YEAR].max())
    s = h["send"]
    assert s["scenario"] == results["send"].config["scenario"] and s["last_year"] == last
    assert s["places_last_year"] == pytest.approx(c[c[nc.YEAR] == last]["places"].sum(), abs=0.05)
    assert s["capacity"] == pytest.approx(c[c[nc.YEAR] == last][nc.CAPACITY].sum(), abs=0.05)
    ba = data.before_after
    sp = ba[ba[nc.PHASE] == "special"]
    assert s["plan_year"] == int(sp[nc.YEAR].max())
    assert s["left_short_after_plan"] == pytest.approx(
        sp[sp[nc.YEAR] == s["plan_year"]]["shortfall_after"].sum(), abs=0.05
    )
    assert s["short_before_plan"] == pytest.approx(
        sp[sp[nc.YEAR] == s["plan_year"]]["shortfall_before"].sum(), abs=0.05
    )
    e = results["early_years"].to_frame()
    e_last = e[e[nc.YEAR] == int(e[nc.YEAR].max())]
    assert h["early_years"]["supply"] == pytest.approx(e_last["supply"].sum(), abs=0.05)
    assert h["early_years"]["places_last_year"] == pytest.approx(e_last["places"].sum(), abs=0.05)
    text = data.summary()
    # the CLI summary's phases say which year groups they count (secondary places take the
    # sixth form, where the forecast command splits it off)
    assert "  secondary Y7-Y13 " in text and "  primary R-Y6 " in text
    assert (
        f"short with the margin {s['short_before_plan']:,.0f} before the plan, "
        f"{s['left_short_after_plan']:,.0f} after"
    ) in text


def test_authority_wide_projects_are_named(run):
    from sufficiency.report.tables import plan_table

    _, data, *_ = run
    t = plan_table(data).frame
    special = t[t["phase"] == "special"]
    assert len(special)
    assert set(special["planning area"]) == {f"{data.meta['authority_name']} (authority-wide)"}
    assert set(special["code"]) == {"-"}
    # option labels say what is built, never a generated identifier
    key = data.key_decision["table"]
    assert not key["option"].str.contains(r"^\d+:", regex=True).any(), key["option"].tolist()


def test_first_schools_in_three_tier_areas_teach_reception_to_year_4(run):
    from sufficiency.report.tables import schools_table

    _, data, *_ = run
    t = schools_table(data, "8850009").frame  # Pershore primary: three-tier until 2027
    first = t[t["school"].str.contains("First") & ~t["school"].str.contains("Middle")]
    assert len(first) and set(first["year groups"]) == {"R-Y4"}
    both = t[t["school"].str.contains("First and Middle")]
    assert len(both) and set(both["year groups"]) == {"R-Y6"}
    assert set(t.loc[t["school"].str.contains("Primary"), "year groups"]) == {"R-Y6"}
    middle = t["school"].str.contains("Middle") & ~t["school"].str.contains("First")
    assert set(t.loc[middle, "year groups"]) == {"Y5-Y6"}
    # a two-tier area's primary schools keep R-Y6
    assert set(schools_table(data, "8850015").frame["year groups"]) == {"R-Y6"}


def test_appendix_about_sheet_lists_every_note(run):
    import io

    from openpyxl import load_workbook

    from sufficiency.report import render_xlsx

    results, data, *_ = run
    about = load_workbook(io.BytesIO(render_xlsx(data)))["About"]
    cells = {str(c.value) for row in about.iter_rows() for c in row if c.value is not None}
    for note in results["send"].notes + results["early_years"].notes + tuple(data.forecast_notes):
        assert note in cells, note
    assert {"Forecast notes", "SEND notes", "Early years notes"} <= cells


def test_executive_summary_has_send_and_early_years(run):
    from sufficiency.report.text import executive_summary

    results, data, *_ = run
    paras = executive_summary(data)
    special = next(p for p in paras if p.startswith("Special school places"))
    h = data.headline()
    assert (
        f"{fmt_count(h['send']['places_last_year'])} forecast for {fmt_year(h['send']['last_year'])}"
        in special
    )
    assert (
        f"In {fmt_year(h['send']['plan_year'])}, the plan's last year" in special
        and f"and {fmt_count(h['send']['left_short_after_plan'])} after it" in special
    )
    ey = next(p for p in paras if p.startswith("Funded early years places"))
    assert f"against {fmt_count(h['early_years']['supply'])} places of supply" in ey


def test_demand_says_which_years_rest_on_projected_births(run):
    _, data, sections, html, _ = run
    d = data.demand
    prim = d[(d[nc.PHASE] == "primary") & d["births_projected"]]
    # Reception 2027/28 is the first cohort on unobserved (nowcast) births, in every primary area
    assert prim.groupby(nc.AREA)[nc.YEAR].min().eq(2027).all()
    assert prim[nc.AREA].nunique() == 17
    # secondary pupils to 2032/33 all entered Reception on observed births
    assert not d.loc[d[nc.PHASE] == "secondary", "births_projected"].any()
    assert html.count("births projected") >= 17


def test_scap_special_places_file(run):
    """The special school part of the SCAP return: the central scenario's places by phase and
    forecast year, whole places each rounded on its own as the report prints them (the DfE
    takes the phases, not their total), the 80% range rounded outwards, the capacity the SEND
    result states."""
    import io as _io

    import numpy as np
    import pandas as pd

    from sufficiency.report.render import render_scap_special

    results, data, *_ = run
    text = render_scap_special(data)
    assert text is not None
    f = pd.read_csv(_io.StringIO(text))
    send = results["send"].to_frame()
    central = data.send_scenario or "central"
    ref = send[(send["kind"] == "forecast") & (send["scenario"] == central)]
    # the SCAP's years ahead: 5 for primary, 7 for secondary and post-16 (an audit found
    # every forecast year written); from the caseload's January
    base = int(send.loc[send["kind"] != "forecast", "year"].max())
    ahead = ref["phase"].map({"special_primary": 5}).fillna(7)
    ref = ref[ref["year"] <= base + ahead]
    assert set(f["scenario"]) == {central} and set(f["phase"]) == set(ref["phase"])
    assert len(f) == len(ref) == 5 + 7 + 7
    assert set(f["caseload"]) == {f"January {base + 1} caseload"}
    assert "model_scenario" not in f
    want = ref.groupby(["year", "phase"])["places"].sum()
    got = (
        f.assign(year=f["time_period"].astype(str).str[:4].astype(int))
        .set_index(["year", "phase"])["places"]
        .sort_index()
    )
    assert got.tolist() == np.rint(want.sort_index().to_numpy()).astype(int).tolist()
    assert (f["places_lower80"] <= f["places"]).all() and (f["places"] <= f["places_upper80"]).all()
    assert f["time_period"].astype(str).str.fullmatch(r"\d{6}").all()


def test_a_model_with_only_the_default_entitlements_says_it_understates(inputs, run):
    """A new-authority test (Birmingham): with no [[early_years.entitlements]] the places
    needed leave out the working-parent entitlements, and the report said the authority was
    not short."""
    import warnings

    from sufficiency.early_years import (
        DEFAULT_ENTITLEMENTS,
        DEFAULT_ENTITLEMENTS_NOTE,
        forecast_early_years,
    )
    from sufficiency.exceptions import DataQualityWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        own = forecast_early_years(inputs)
    assert not any(n.startswith(DEFAULT_ENTITLEMENTS_NOTE) for n in own.notes)
    with pytest.warns(DataQualityWarning, match="only the default two are modelled"):
        res = forecast_early_years(inputs, entitlements=DEFAULT_ENTITLEMENTS)
    assert any(n.startswith(DEFAULT_ENTITLEMENTS_NOTE) for n in res.notes)
    assert res.to_frame()["places"].sum() < own.to_frame()["places"].sum()
    # one default alone (or the defaults restated with another source) understates as much
    with pytest.warns(DataQualityWarning, match="only the default two are modelled"):
        one = forecast_early_years(inputs, entitlements=DEFAULT_ENTITLEMENTS[1:])
    assert any(n.startswith(DEFAULT_ENTITLEMENTS_NOTE) for n in one.notes)
    import dataclasses

    from sufficiency.report.text import recommendations

    _, data, *_ = run
    rec = next(r for r in recommendations(data) if "funded early years places needed" in r)
    assert "only the default entitlements are modelled" not in rec
    flagged = dataclasses.replace(data, early_years_notes=tuple(res.notes))
    rec = next(r for r in recommendations(flagged) if "funded early years places needed" in r)
    assert "only the default entitlements are modelled (not the working-parent ones)" in rec


def test_the_plan_summary_says_which_phases_had_no_options(run):
    """Worcestershire's model gives special options but none for early years: the plan's
    summary says it could build nothing for early years (a new-authority test found no word
    of it on the console)."""
    results, *_ = run
    text = results["allocation"].summary(timing=False)
    assert (
        "No options for early years places ([plan.early_years] gives none): the plan could "
        "build nothing for them."
    ) in text
    assert "No options for special places" not in text


def test_a_rise_that_peaks_early_says_when(run):
    """Early years places needed reach their peak in 2025/26 and stay near it: the
    recommendation says so rather than 'rise from 2022/23 to 2032/33' (Cabinet audit)."""
    from sufficiency.report.text import fmt_count, fmt_year, recommendations

    _, data, *_ = run
    ey = next(d for d in data.place_positions if d["key"] == "early_years")
    py, pv = ey["peak"]
    from sufficiency.report.analysis import early_years_totals

    _, first, last, _, tot = early_years_totals(data)
    span = tot.loc[first:last, "places"]
    assert (py, pv) == (int(span.idxmax()), pytest.approx(float(span.max())))
    rec = next(r for r in recommendations(data) if r.startswith("notes that funded early years"))
    if py < ey["last"] - 1 and fmt_count(pv) != fmt_count(ey["places_last"]):
        assert f"to {fmt_count(pv)} by {fmt_year(py)} and are {fmt_count(ey['places_last'])}" in rec
    else:
        assert f"to {fmt_count(ey['places_last'])} in {fmt_year(ey['last'])}" in rec


def test_early_years_growth_credits_working_parent_entitlements_only_when_modelled(run):
    """A Stoke trial found 'the entitlements for working parents (listed below) phased in'
    in a model with the default two entitlements only."""
    import dataclasses

    from sufficiency.early_years import DEFAULT_ENTITLEMENTS_NOTE
    from sufficiency.report.text import early_years_commentary

    _, data, *_ = run
    first = early_years_commentary(data)[0]
    assert "as the entitlements for working parents (listed below) were phased in" in first
    only = dataclasses.replace(data, early_years_notes=(DEFAULT_ENTITLEMENTS_NOTE + " ...",))
    assert "working parents" not in early_years_commentary(only)[0]


def test_summary_says_special_capacity_and_early_years_supply_are_assumed(run):
    """A Cabinet audit found the summary never said that special school capacity and early
    years supply are assumptions (moved here from test_report.py, whose pipeline has no
    SEND or early years, so its checks never ran)."""
    from sufficiency.report.text import executive_summary

    _, data, *_ = run
    assert data.send is not None and data.early_years_takeup_january is not None
    text = " ".join(executive_summary(data))
    assert "assumed to be today's placements in state-funded special schools" in text
    assert f"assumed to be the funded take-up of January {data.early_years_takeup_january}" in text


def test_places_short_before_the_plans_first_year_are_recommended_on(run):
    """SEND and early years places short in the year before the plan's first (which the plan
    cannot act on) are named in their recommendations, from the chapters' own totals (they
    had named only the plan's years)."""
    from sufficiency.report.analysis import early_years_totals, send_totals

    _, data, *_ = run
    yb = data.meta["plan_first_year"] - 1
    recs = recommendations(data)
    for key, tot in (
        ("send", send_totals(data)[-1]),
        ("early_years", early_years_totals(data)[-1]),
    ):
        d = next(p for p in data.place_positions if p["key"] == key)
        assert d["before_plan"] == (pytest.approx(tot.loc[yb, "shortfall"]), yb)
        assert tot.loc[yb, "shortfall"] > 100  # Worcestershire: both short in 2026/27
        group = "phase" if key == "send" else "planning area and age group"  # by_area = true
        said = (
            f"in {fmt_year(yb)}, before the plan's first year, "
            f"{fmt_count(tot.loc[yb, 'shortfall'])} places are short (by {group}, no margin)"
        )
        assert sum(said in r for r in recs) == 1, said


def test_todays_special_school_gap_is_named_as_the_independent_placements(run):
    """With special school capacity assumed to be today's state placements, today's gap is
    the children placed in independent special schools: the recommendation says so, with the
    DfE's count of them (a Cabinet audit: 506 of the shortfall). Checked against
    SendResult.by_placement, the published split."""
    results, data, *_ = run
    d = next(p for p in data.place_positions if p["key"] == "send")
    bp = results["send"].by_placement()
    bp = bp[(bp["year"] == d["first"]) & (bp["scenario"] == d["scenario"])]
    independent = bp.loc[bp["placement"] == "special_independent", "plans"].sum()
    assert independent == pytest.approx(d["places_first"] - d["capacity"]) and independent > 100
    rec = next(r for r in recommendations(data) if "special school places needed" in r)
    assert (
        f"so the {fmt_count(independent)} places short in {fmt_year(d['first'])} are the "
        "children placed in independent special schools then"
    ) in rec


def test_summary_says_default_entitlements_understate_early_years_demand(run):
    """A Coventry trial: with only the two default entitlements modelled, the summary said
    'the plan meets the need' without saying that the working-parent entitlements, most of
    today's funded hours, were left out."""
    import dataclasses

    from sufficiency.early_years import DEFAULT_ENTITLEMENTS_NOTE
    from sufficiency.report.text import executive_summary

    _, data, *_ = run
    said = "these figures understate demand and the need from the working-parent entitlements is not assessed"
    assert said not in " ".join(executive_summary(data))  # Worcestershire models them
    only = dataclasses.replace(data, early_years_notes=(DEFAULT_ENTITLEMENTS_NOTE + " ...",))
    line = next(p for p in executive_summary(only) if p.startswith("Funded early years places"))
    assert line.endswith(
        f"Only the two default entitlements are modelled, not the working-parent ones, so {said}."
    )
    assert "meets the need" not in line


def test_cli_summary_gives_special_places_in_the_plans_last_year_first(run):
    """The special places line is for the plan's last year, the mainstream lines' last year;
    the SEND forecast's own later last year has a line of its own saying so (a Staffordshire
    trial read 2034/35 SEND figures beside 2032/33 mainstream and plan figures)."""
    _, data, *_ = run
    s = data.headline()["send"]
    text = data.summary()
    special = [line for line in text.splitlines() if line.startswith("  special ")]
    last_main = max(p["year"] for p in data.headline()["position"])
    plan_year = nc.academic_year_label(s["plan_year"])
    assert s["plan_year"] == last_main and s["last_year"] > s["plan_year"]
    assert special[0].startswith(f"  special         {plan_year}: places ")
    assert "short with the margin" in special[0] and "the plan's last year" not in special[0]
    assert special[1].startswith(
        f"  special         {nc.academic_year_label(s['last_year'])}: "
        f"places {s['places_last_year']:,.0f}"
    )
    assert special[1].endswith("(no margin; the SEND forecast's last year, after the plan's)")


def test_the_report_says_what_the_send_ranges_held(run):
    """The SEND paragraph said the ranges "held almost every outcome", true of the method
    before 29 November 2026 (98%); each age group's range now comes from its own errors and
    holds 79-86% (tests/test_send_intervals.py measures it), so "about four in five"."""
    import html as h

    text = " ".join(h.unescape(run[3]).split())
    assert "held about four outcomes in five one to three years ahead" in text
    assert "almost every outcome" not in text
