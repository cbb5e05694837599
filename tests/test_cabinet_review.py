"""A Cabinet review of the default report: what a councillor is asked to decide, in what
order, and in words a councillor knows.

The report is built once per test session from the embedded Worcestershire data, by the
fixtures tests/test_report.py uses too (conftest.py); every figure checked is recomputed from
the results objects.
"""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

from sufficiency.report.text import (
    _assumed_takeup_clause,
    _without_identifier,
    fmt_count,
    fmt_gbp_m,
    recommendations,
)


def test_the_decisions_sought_come_first_and_point_to_their_recommendations(
    report_run, report_sections, report_html
):
    """The one approval was the fourth of a dozen recommendations, after three that note the
    forecast: a paragraph before them now says what Cabinet decides and what it costs, and
    each "(recommendation N)" is the recommendation that makes that decision."""
    data = report_run[2]
    recs = report_sections["recommendations"]
    lead = report_sections["decisions_sought"]
    assert lead.startswith("Cabinet is asked to make ")
    # it is in the page, before the recommendations themselves
    assert report_html.index("decisions-sought") < report_html.index("That Cabinet:")
    cited = [int(n) for n in re.findall(r"\(recommendation (\d+)\)", lead)]
    assert len(cited) >= 2 and cited == sorted(cited)
    assert f"make {len(cited)} decisions" in lead
    verbs = [recs[n - 1].split(" ")[0] for n in cited]
    assert set(verbs) <= {"approves", "agrees", "asks"}  # the SCAP one asks, then delegates
    assert all(
        re.match(r"(approves|agrees)", recs[n - 1]) or "delegates authority" in recs[n - 1]
        for n in cited
    )
    # the programme's cost, places and projects, from the plan
    plan = data.plan
    assert (
        f"a capital programme of {fmt_gbp_m(plan['cost'].sum())} for "
        f"{fmt_count(plan['places'].sum())} places"
    ) in lead
    assert f"in {len(plan)} projects" in lead
    approval = recs[cited[0] - 1]
    assert approval.startswith(
        f"approves in principle the capital programme of {fmt_gbp_m(plan['cost'].sum())}"
    )
    # the key decision's cost is the recommended option's
    key = data.key_decision["recommended"]
    assert f"{fmt_gbp_m(key['cost'])} within that programme" in lead
    # the rest are counted
    assert f"The other {len(recs) - len(cited)} recommendations" in lead


def test_areas_whose_pupils_exceed_their_places_are_a_recommendation_of_their_own(report_run):
    """The approval was one sentence of some 250 words, the areas whose pupils already
    exceed their places inside it: they are now the next recommendation, the approval
    pointing to it with the cost of their projects."""
    data = report_run[2]
    recs = recommendations(data)
    behind = data.capacity_behind_areas
    assert behind  # Worcestershire: three secondary areas
    i = next(k for k, r in enumerate(recs) if r.startswith("approves in principle"))
    approval, own = recs[i], recs[i + 1]
    assert "pupils already exceed" not in approval
    cost = fmt_gbp_m(sum(d["cost"] for d in behind))
    assert approval.rstrip(";").endswith(
        f"the {cost} of projects in the {len(behind)} planning areas of the next "
        "recommendation wait for that check there"
    )
    assert own.startswith(f"notes that in {len(behind)} planning areas the ")
    for d in behind:
        assert (
            f"{d['name']} {d['phase']}, {fmt_count(d['pupils'])} pupils against "
            f"{fmt_count(d['places'])} places"
        ) in own
    assert own.endswith(f"({cost} of the programme's projects are there);")
    # the approval is now well under its old length
    assert len(approval.split()) < 150


def test_recommendations_name_no_model_identifier(report_run):
    """A councillor does not know the model file's names (extended_3_4): the
    recommendations give the entitlement's words only. File names (scap_*.csv) stay."""
    named = (
        "the second 15 hours of working parents' 30 hours for 3- and 4-year-olds (extended_3_4)",
        "15 hours a week for 2-year-olds (working_2)",
    )
    got = _assumed_takeup_clause(SimpleNamespace(early_years_supply_assumed=(1530.4, named)))
    assert "extended_3_4" not in got and "working_2" not in got
    assert got.endswith("3- and 4-year-olds and 15 hours a week for 2-year-olds, not a DfE figure")
    # a description that is only its identifier keeps it; words in brackets stay
    assert _without_identifier("(extended_3_4)") == "(extended_3_4)"
    assert _without_identifier("the 15 hours (from 2024)") == "the 15 hours (from 2024)"
    for r in recommendations(report_run[2]):
        words = re.findall(r"\b[a-z0-9]+_[a-z0-9_]+\b(?!\.csv)", r)
        assert not [w for w in words if not r.count(w + ".csv")], (words, r[:200])


def test_the_summary_says_how_sure_the_forecast_is(report_run, report_sections):
    """The executive summary said how many places but not how sure: it now gives the
    backtest's median error by horizon and the share of outcomes inside the 80% ranges,
    the same figures as the accuracy section."""
    from sufficiency.report.text import _pct2, accuracy_scores

    data = report_run[2]
    scores = accuracy_scores(data.accuracy)
    assert len(scores)  # the core pipeline runs the backtest
    line = next(p for p in report_sections["summary"] if p.startswith("How sure the forecast is"))
    for r in scores.itertuples(index=False):
        assert f"{_pct2(r.mae_model)} for {r.phase}" in line
    inside, ranged = int(scores["inside"].sum()), int(scores["ranged"].sum())
    assert f" {inside} of {ranged} of those past outcomes fell inside its 80% ranges." in line
    for h in sorted(set(scores["horizon"])):
        assert f"{h} year{'s' if h != 1 else ''} ahead, " in line
    # the accuracy section says the same
    assert any(f"{inside} of {ranged} outcomes" in t for t in report_sections["accuracy_text"])


def test_a_kind_built_again_on_an_area_page_is_more_not_the_same_words(report_run, report_sections):
    """An area page read "2 bulge classes (60 places from 2027/28, £642k), 2 bulge classes
    (60 places from 2028/29, £642k)": the second is now "2 more bulge classes"."""
    from sufficiency.report.text import _built_again

    assert _built_again("bulge_class", 2) == "2 more bulge classes"
    assert _built_again("bulge_class", 1) == "another bulge class"
    assert _built_again("permanent_expansion", 3) == "3 more permanent expansion modules"
    plan = report_run[2].plan
    twice = plan[plan["kind"] == "bulge_class"].groupby(["area", "phase"]).size()
    assert (twice > 1).any()  # Worcestershire: bulge classes in two years in some areas
    texts = " ".join(str(a.get("commentary", "")) for a in report_sections["areas"])
    assert re.search(r"\d+ bulge class(es)? \([^)]*\), \d+ bulge class", texts) is None
    assert re.search(r"(\d+ more bulge classes|another bulge class) \(", texts)


def test_about_sheet_says_how_years_are_written(report_run):
    # the Plan sheet's year 2027 beside the report's 2027/28 could be read as a financial year
    from openpyxl import load_workbook

    from sufficiency.report import render_xlsx

    data = report_run[2]
    about = load_workbook(io.BytesIO(render_xlsx(data)))["About"]
    rows = {r[0].value: r[1].value for r in about.iter_rows() if r[0].value}
    base = data.meta["base_year"]
    assert rows["Years"].startswith(
        f"A year column holds the academic year by its first "
        f"calendar year: {base} = {base}/{(base + 1) % 100:02d} "
        f"(September {base} to August {base + 1})"
    )
