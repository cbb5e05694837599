"""Findings of the sign-off review of the Worcestershire report (27 November 2026), each
checked against the results: the report's date against its data and plan, the tier change's
capacity assumption, the years of each source in its own convention, the accuracy caution and
the binding constraints sheet."""

from __future__ import annotations

import io
import warnings

import pytest

from sufficiency import nomenclature as nc
from sufficiency.report import build_report, render_xlsx
from sufficiency.report.build import _timing_notes, _years_label
from sufficiency.report.text import (
    accuracy_sentences,
    area_commentary,
    executive_summary,
    fmt_count,
)


@pytest.fixture(scope="module")
def run(inputs, core_pipeline):
    results, missing = core_pipeline
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = build_report(inputs, **results, missing=missing, report_date="2026-11-27")
    return inputs, results, data


@pytest.mark.parametrize(
    "date, first, expect_data, expect_plan",
    [
        ("2026-11-27", 2026, "2023/24 to 2026/27", True),  # the plan's first year under way
        ("2026-08-31", 2026, "2023/24 to 2025/26", False),  # before September: not yet begun
        ("2026-11-27", 2027, "2023/24 to 2026/27", False),
        ("2023-10-01", 2026, "", False),  # within a year of the data: no note
    ],
)
def test_timing_notes(date, first, expect_data, expect_plan):
    notes = _timing_notes(date, 2022, first)
    assert (expect_data in notes[0]) if expect_data else notes[0] == ""
    assert (len(notes) == 2) == expect_plan
    if expect_plan:
        # in words (the key itself is in the assumptions table): no "[plan] first_year"
        assert f"the plan's first year in the model definition, {first + 1}" in notes[1]
        assert "first_year" not in notes[1] and "[plan]" not in notes[1]


def test_report_states_its_date_against_data_and_plan(run):
    _, _, data = run
    paras = executive_summary(data)
    assert paras[0].startswith("The latest pupil data are for 2022/23")
    first = data.meta["plan_first_year"]
    if first is not None and first <= 2026:
        assert any("had begun by the date of this report" in w for w in data.warnings)
    labels = [label for label, _ in data.milestones]
    assert labels[0] == "latest data" and "now" not in labels


def test_tier_change_capacity_assumption(run):
    inputs, _, data = run
    cap = inputs.capacity
    mid = cap[(cap[nc.AREA] == "8850025") & (cap[nc.PHASE] == "secondary") & (cap["ncy_max"] <= 8)]
    assert len(mid) == 3
    text = area_commentary(data, "8850025")
    assert f"keeps the {fmt_count(mid[nc.CAPACITY].sum())} Year 7-8 places" in text
    total = cap.loc[(cap[nc.AREA] == "8850025") & (cap[nc.PHASE] == "secondary"), nc.CAPACITY].sum()
    assert f"the area has {fmt_count(total - mid[nc.CAPACITY].sum())} places from 2027/28" in text
    # an area without a tier change says nothing of the kind
    assert "tier structure changes" not in area_commentary(data, "8850031")


def test_source_years_in_their_own_convention(run):
    _, _, data = run
    years = dict(zip(data.sources["table"], data.sources["years"]))
    assert years["births"] == "mid-1992 to mid-2022"
    assert (
        _years_label("early_years_takeup", "actual", [2016, 2019]) == "January 2016 to January 2019"
    )
    assert years["capacity"] == "2014/15"
    assert _years_label("pupils", "actual", [2011, 2022]) == "2011/12 to 2022/23"


def test_accuracy_comparison_carries_its_caution(run):
    _, _, data = run
    out = accuracy_sentences(data)
    assert out, "no accuracy comparison in this run, but the embedded default run has it"
    assert "chosen by backtesting the same 14 West Midlands authorities" in out[-1]


def test_binding_constraints_sheet(run):
    from openpyxl import load_workbook

    _, results, data = run
    alloc = results["allocation"]
    assert alloc is not None, "no plan in this run, but the embedded default run has it"
    wb = load_workbook(io.BytesIO(render_xlsx(data)))
    ws = wb["Binding constraints"]
    assert ws.max_row - 1 == len(alloc.binding)
    assert [c.value for c in ws[1]] == list(alloc.binding.columns)


def test_capital_programme_split_and_capacity_caveat(run):
    _, results, data = run
    alloc = results["allocation"]
    assert alloc is not None, "no plan in this run, but the embedded default run has it"
    from sufficiency.report.text import recommendations

    plan = alloc.plan
    temp = plan.loc[plan["duration"] > 0, "places"].sum()
    rec = next(r for r in recommendations(data) if r.startswith("approves in principle"))
    assert (
        f"({fmt_count(plan['places'].sum() - temp)} permanent mainstream places; "
        f"{fmt_count(temp)} temporary places in bulge classes" in rec
    )
    # the embedded capacity is the DfE's 2014/15 figure: the report says so where capital is asked
    assert "capacity is the DfE's 2014/15 figure" in rec
    assert any(
        p.startswith("Capacity is the DfE's 2014/15 school capacity")
        for p in executive_summary(data)
    )


def test_shortfall_before_the_plan_is_stated(run):
    _, _, data = run
    first = data.meta["plan_first_year"]
    # the embedded default plans from 2027/28, years after the data (2022/23)
    assert first is not None and first > data.meta["base_year"] + 1, first
    suff = data.sufficiency
    sec = suff[(suff[nc.PHASE] == "secondary") & (suff[nc.YEAR] == first - 1)]
    text = " ".join(executive_summary(data))
    if (sec["shortfall"] > 0).any():
        assert (
            f"for {nc.academic_year_label(first - 1)} the forecast" in text
            and f"{fmt_count(sec['shortfall'].sum())} secondary (Y7-Y13) places short" in text
        )


def test_recommendations_say_before_and_after_the_plan(run):
    """Third review: the recommendations' area counts are before any new places, with the
    count after the plan; the tier change's uncosted need and the bulge classes that lapse
    after the plan's last year are stated, from the results."""
    from sufficiency.report.analysis import bulge_lapse, tier_changes
    from sufficiency.report.text import recommendations

    _, results, data = run
    assert results["allocation"] is not None, (
        "no plan in this run, but the embedded default run has it"
    )
    recs = recommendations(data)
    sec = next(r for r in recs if r.startswith("notes the forecast of") and "secondary" in r)
    ba = results["allocation"].before_after()
    last = int(ba["year"].max())
    k = int(
        ((ba["phase"] == "secondary") & (ba["year"] == last) & (ba["shortfall_after"] > 0.5)).sum()
    )
    label = f"{last}/{(last + 1) % 100:02d}"
    assert (
        f"before any new places ({'none' if k == 0 else k} in {label} with the recommended plan)"
        in sec
    )
    t = next(t for t in tier_changes(data) if t["area"] == "8850025")
    req = data.sufficiency
    req = req[(req["area"] == "8850025") & (req["year"] >= t["year"])]["required"].max()
    assert t["short"] == pytest.approx(max(0.0, req - t["without"]))
    assert any(f"needs about {fmt_count(t['short'])} more secondary places" in r for r in recs)
    lapse = bulge_lapse(data)
    plan = results["allocation"].plan
    live = plan[(plan["duration"] > 0) & (plan["year"] + plan["duration"] > last)]
    assert {name for name, _ in lapse} <= {data.area_name(a) for a in live["area"]}
    if lapse:
        assert any(r.startswith("notes that bulge classes are temporary") for r in recs)


def test_capital_programme_by_financial_year(run):
    """The capital programme adds up to the plan, splits permanent from temporary places and
    gives the financial year of the spend: the April-March year in which the places open in
    September (the one before it was, for a 2027/28 opening, the financial year already
    running at the report's date: Shropshire trial, 28 November 2026)."""
    from sufficiency.report.tables import capital_programme

    _, results, data = run
    assert results["allocation"] is not None, (
        "no plan in this run, but the embedded default run has it"
    )
    t = capital_programme(data).frame
    body = t[t["year"] != "total"]
    plan = results["allocation"].plan
    assert body["total cost"].sum() == pytest.approx(plan["cost"].sum())
    temp = plan["duration"].fillna(0) > 0
    assert temp.any()
    assert body["permanent places"].sum() == pytest.approx(plan.loc[~temp, "places"].sum())
    assert body["temporary places"].sum() == pytest.approx(plan.loc[temp, "places"].sum())
    for y, fy in zip(body["year"], body["spend in financial year"]):
        start = int(y[:4])
        assert fy == f"{start}-{(start + 1) % 100:02d}"


def test_lapsing_kinds_name_interim_places_as_well_as_bulge_classes():
    """SYNTHETIC: the recommendation on temporary places ending after the plan said "bulge
    classes" for interim places too (review item of 27 November 2026)."""
    from types import SimpleNamespace

    import pandas as pd

    from sufficiency.report.analysis import lapsing_kinds

    ba = pd.DataFrame({"area": "A", "phase": "primary", "year": [2030, 2031, 2032]})
    plan = pd.DataFrame(
        {
            "area": "A",
            "phase": "primary",
            "kind": ["bulge_class", "temporary_expansion"],
            "year": [2031, 2029],
            "duration": [7, 1],
        }
    )
    data = SimpleNamespace(plan=plan, before_after=ba)
    assert lapsing_kinds(data) == {"bulge_class"}  # the interim places ended in 2029/30
    data.plan = plan.assign(year=[2031, 2032])
    assert lapsing_kinds(data) == {"bulge_class", "temporary_expansion"}
    data.plan = plan.iloc[:0]
    assert lapsing_kinds(data) == set()


def test_a_programme_on_out_of_date_capacity_is_not_recommended_for_approval(run):
    """A new-authority test (Birmingham): 84,276 secondary pupils in 2022/23 against 79,083
    places of the 2014/15 capacity data, and the report asked Cabinet to approve GBP 247m.
    Here Worcestershire's base-year secondary places are cut below its pupils."""
    import dataclasses

    from sufficiency.report.analysis import capacity_behind
    from sufficiency.report.text import executive_summary, recommendations

    _, _, data = run
    assert capacity_behind(data) == []  # Worcestershire: 34,601 pupils, 37,554 places
    assert any(
        r.startswith("approves in principle the capital programme") for r in recommendations(data)
    )
    s = data.sufficiency.copy()
    sec = (s["phase"] == "secondary").to_numpy()
    s.loc[sec, "capacity"] = s.loc[sec, "capacity"] * 0.9
    cut = dataclasses.replace(data, sufficiency=s)
    behind = capacity_behind(cut)
    assert [b["phase"] for b in behind] == ["secondary"] and behind[0]["year"] == 2022
    assert behind[0]["pupils"] > behind[0]["places"] * 1.02
    recs = recommendations(cut)
    assert not any(r.startswith("approves in principle") for r in recs)
    rec = next(r for r in recs if r.startswith("notes an indicative capital programme"))
    assert "which this report does not recommend for approval: in 2022/23 the authority's" in rec
    assert (
        "asks officers to supply each planning area's current capacity and re-run the plan" in rec
    )
    assert any(
        "does not recommend the programme for approval until current capacity is supplied" in p
        for p in executive_summary(cut)
    )
    assert "the programme's secondary part overstates the need" in rec
    # the key decision of that phase is noted with the programme, not agreed (Warwickshire
    # trial: 'agrees the recommended option for Rugby' two bullets after the programme was
    # withheld)
    if data.key_decision is not None and data.key_decision.get("recommended"):
        assert data.key_decision["phase"] == "secondary"
        # agreed in principle on the programme's conditions (derived history, 2014/15
        # capacity: a Cabinet audit found it agreed outright after a conditional approval)
        agreed = "agrees in principle, subject to the conditions of the capital programme above, "
        assert any(r.startswith(agreed + "the recommended option") for r in recommendations(data))
        assert not any(r.startswith("agrees") for r in recs)
        # proposed, not recommended (a Coventry trial: "The recommended programme (not
        # recommended for approval ...)")
        kd = next(r for r in recs if "the proposed option for" in r)
        assert (
            kd.startswith(
                "notes, but does not agree until current capacity is confirmed, the proposed option"
            )
            and "indicative capital programme" in kd
        )
        assert not any("recommended programme" in r or "recommended plan" in r for r in recs)
        # withheld with the whole programme, whichever phase is out of date (review)
        p = data.sufficiency.copy()
        pri = (p["phase"] == "primary").to_numpy()
        p.loc[pri, "capacity"] = p.loc[pri, "capacity"] * 0.85
        other = dataclasses.replace(data, sufficiency=p)
        assert [b["phase"] for b in capacity_behind(other)] == ["primary"]
        assert not any(r.startswith("agrees") for r in recommendations(other))
    # without a plan the summary speaks of the shortfalls only
    bare = dataclasses.replace(cut, plan=None)
    said = [p for p in executive_summary(bare) if "already exceeded the" in p]
    assert (
        said and "programme" not in said[0] and "officers should supply current capacity" in said[0]
    )


def test_summary_json_key_decision_without_a_recommendation(run):
    """summary.json keeps the options appraisal's entry when the recommended plan builds
    nothing in its area (Shropshire trial, 28 November 2026: the report printed the appraisal
    while summary.json said ``"key_decision": null``)."""
    import dataclasses

    _, _, data = run
    k = data.key_decision
    assert k is not None and k.get("table") is not None, "the default run has an options appraisal"
    h = data.headline()["key_decision"]
    assert h["area"] == k["area"] and h["phase"] == k["phase"]
    t = k["table"]
    assert (
        h["options_appraised"] == int((~t["recommended"] & (t["option"] != "do nothing")).sum()) > 0
    )
    assert h["option"] == k["recommended"]["option"]
    none = dataclasses.replace(data, key_decision={**k, "recommended": None})
    h = none.headline()["key_decision"]
    assert h["option"] is None and h["places"] == 0.0 and h["year"] is None
    assert h["options_appraised"] > 0


def test_lapsing_bulge_classes_say_when_they_end(run):
    """The recommendation on bulge classes still in use in the plan's last year says when
    they end and that the shortfall is at that year's demand (a Cabinet review read 'would
    be short again' as a forecast for 2032/33, though they last to 2036/37)."""
    from sufficiency.report.analysis import bulge_lapse, lapse_years
    from sufficiency.report.text import fmt_count, recommendations

    _, results, data = run
    assert results["allocation"] is not None and bulge_lapse(data), (
        "the default run has a bulge class that outlives the plan"
    )
    first, last_end = lapse_years(data)
    last = int(data.before_after["year"].max())
    assert last < first <= last_end
    rec = next(r for r in recommendations(data) if r.startswith("notes that bulge classes"))
    assert f"the last in {nc.academic_year_label(last_end)}" in rec
    assert "were they gone at that year's demand" in rec
    # each area's figure is counted places, with its unit (a Herefordshire trial read "(4)")
    for name, v in bulge_lapse(data):
        assert f"{name} ({fmt_count(v)} place" in rec
    # the plan ends with the forecast here, so they end beyond it
    assert (", beyond the forecast)" in rec) == (first > int(data.sufficiency["year"].max()))


def test_lapse_years_and_names_on_a_synthetic_plan():
    """SYNTHETIC: the years temporary places still in use at the plan's end are gone, and a
    primary and a secondary area of one name told apart (review, 28 November 2026)."""
    from types import SimpleNamespace

    import pandas as pd

    from sufficiency.report.analysis import bulge_lapse, lapse_years

    plan = pd.DataFrame(
        {
            "area": ["P", "S", "S"],
            "phase": ["primary", "secondary", "secondary"],
            "kind": "bulge_class",
            "year": [2029, 2030, 2025],
            "duration": [7, 5, 5],
            "places": 30.0,
        }
    )
    ba = pd.DataFrame(
        {
            "area": ["P", "S"],
            "phase": ["primary", "secondary"],
            "year": 2032,
            "required": [100.0, 200.0],
            "capacity_after": [110.0, 210.0],
        }
    )
    data = SimpleNamespace(plan=plan, before_after=ba, area_name=lambda a: "Rubery")
    assert lapse_years(data) == (2035, 2036)  # the 2025 class is gone by 2030
    assert sorted(bulge_lapse(data)) == [("Rubery primary", 20.0), ("Rubery secondary", 20.0)]
    assert lapse_years(SimpleNamespace(plan=plan.iloc[2:], before_after=ba)) is None


def test_capacity_sheet_gives_named_year_groups_as_the_area_pages(run):
    """The appendix's Capacity sheet gives first (and infant and junior) schools the year
    groups the area pages give them (Warwickshire trial: the sheet said R-Y6 for a junior
    school the page called Y3-Y6)."""
    from sufficiency.nomenclature import named_year_groups
    from sufficiency.report.tables import appendix_tables, schools_table

    _, _, data = run
    sheet = appendix_tables(data)["Capacity"].frame
    first = sheet["school_name"].astype(str).str.contains("First School").to_numpy()
    assert first.any()  # Worcestershire's three-tier areas have first schools
    assert (sheet.loc[first, "ncy_max"] == 4).all() and sheet.loc[first, "ncy_named"].all()
    assert (data.schools.loc[first, "ncy_max"] == 6).all()  # the file's R-Y6
    assert named_year_groups(data.schools)["ncy_max"].tolist() == sheet["ncy_max"].tolist()
    row = sheet[first].iloc[0]
    page = schools_table(data, row["area"]).frame
    assert page.loc[page["school"] == row["school_name"], "year groups"].tolist() == ["R-Y4"]


def test_key_decision_without_a_recommendation_concludes(run):
    """When the recommended plan builds nothing in the key decision's area, section 7 still
    concludes, from the 'do nothing' row (Shropshire re-test: options A-D and no conclusion)."""
    import dataclasses

    from sufficiency.report.text import key_decision_nothing

    _, _, data = run
    k = data.key_decision
    assert k is not None and k.get("table") is not None, "the default run has an options appraisal"
    assert key_decision_nothing(data) == ""  # Worcestershire's plan builds in Worcester City
    t = k["table"]
    none = t[t["option"] == "do nothing"].iloc[0]
    got = key_decision_nothing(dataclasses.replace(data, key_decision={**k, "recommended": None}))
    assert got.startswith("Recommended: no new places now. The recommended plan builds none here: ")
    assert f"up to {fmt_count(none['max shortfall (central)'])} places short on the central" in got
    assert f"up to {fmt_count(none['max shortfall (stress)'])} places short if demand" in got
