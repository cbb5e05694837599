"""Findings of a Coventry trial report (``sufficiency new E08000026``, and a scenario of it
with a 5% margin and a key decision in planning area 3310045 secondary), on the 2014/15
capacity file, where the secondary shortfall is large and the report withholds approval
until current capacity is confirmed. Checked on the shared Worcestershire report with the
Coventry situation set on a copy (approval withheld, a scenario, a warning in a chapter's
notes), or on small synthetic frames, labelled as such: no Coventry report is built here."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from sufficiency.report.text import (
    ACCURACY_TIE,
    _better,
    accuracy_sentences,
    executive_summary,
    key_decision_heading,
    left_short_ask,
    left_short_why,
    recommendations,
    warnings_listed,
)


def _withheld(data, why: str = "phase"):
    """A copy of ``data`` whose programme is withheld until current capacity is confirmed
    (Coventry: the 2014/15 capacity file)."""
    d = dataclasses.replace(data)
    d.__dict__["approval_withheld"] = why  # the cached property, set as Coventry's was
    return d


# 1. a withheld programme is called what it is ------------------------------------------------


def test_a_withheld_programme_is_proposed_not_recommended(report_run):
    # "The recommended programme (not recommended for approval until current capacity is
    # confirmed) costs £118.2m ..."
    _, _, data = report_run
    assert data.plan is not None and len(data.plan) and not data.approval_withheld
    assert any(p.startswith("The recommended programme costs") for p in executive_summary(data))
    w = _withheld(data)
    summary = executive_summary(w)
    line = next(p for p in summary if "costs £" in p and "projects" in p)
    assert line.startswith(
        "The programme the plan proposes (not recommended for approval until "
        "current capacity is confirmed) costs "
    )
    text = " ".join(summary + recommendations(w))
    assert "recommended programme" not in text and "recommended plan" not in text
    assert "the proposed programme still leaves" in text
    assert "With the proposed plan, " in text
    assert "the proposed option for" in text  # the key decision, withheld with the programme
    from sufficiency.report.text import area_commentary

    code = str(data.plan["area"].iloc[0])
    assert "The plan proposes " in area_commentary(w, code)
    assert "The plan recommends " in area_commentary(data, code)
    from sufficiency.report.tables import capital_programme, key_decision_table

    assert "plan's proposed projects" in capital_programme(w).note
    t = key_decision_table(w)
    assert "the proposed plan as chosen ('in plan'" in t.note
    assert "in plan" in t.frame.columns and "rec." not in t.frame.columns


# 2. each reason once, with its years; confirm capacity first ----------------------------------


def _coventry_like():
    """SYNTHETIC, shaped on Coventry's secondary areas: four areas short from 2027/28, at
    their limit of 2 bulge classes a year every year; permanent expansions from 2028/29 and a
    new school from 2030/31, all used; A and B short to 2031/32, C to 2032/33, D to 2029/30."""
    codes = ["A", "B", "C", "D"]
    last = {"A": 2031, "B": 2031, "C": 2032, "D": 2029}
    rows = [
        {
            "area": a,
            "phase": "secondary",
            "year": y,
            "shortfall_after": (900.0 if y == 2027 else 100.0) if y <= last[a] else 0.0,
        }
        for a in codes
        for y in range(2027, 2033)
    ]
    ba = pd.DataFrame(rows)
    options = pd.DataFrame(
        [
            {
                "option": f"{a}:{k}",
                "area": a,
                "phase": "secondary",
                "kind": k,
                "places": p,
                "duration": dur,
                "earliest_year": y,
                "max_per_year": per,
                "max_modules": mods,
            }
            for a in codes
            for k, p, dur, y, per, mods in (
                ("bulge_class", 30, 5, 2027, 2, 0),
                ("permanent_expansion", 75, 0, 2028, 0, 4 if a != "C" else 3),
                ("new_school", 900, 0, 2030, 0, 1),
            )
        ]
    )
    binding = pd.DataFrame(
        [
            {
                "area": a,
                "phase": "secondary",
                "family": "module_limit",
                "option": f"{a}:bulge_class",
                "year": float(y),
            }
            for a in codes
            for y in range(2027, last[a] + 1)
        ]
        + [
            {
                "area": a,
                "phase": "secondary",
                "family": "module_limit",
                "option": f"{a}:{k}",
                "year": np.nan,
            }
            for a in codes
            for k in ("permanent_expansion", "new_school")
        ]
    )
    names = {a: f"Planning area {a} (secondary)" for a in codes}
    data = SimpleNamespace(
        before_after=ba,
        options=options,
        binding=binding,
        plan=None,
        area_name=names.get,
        approval_withheld=None,
    )
    d = {
        "phase": "secondary",
        "year": 2027,
        "total": 3600.0,
        "codes": codes,
        "lead": 2028,
        "areas": [(names[a], 900.0) for a in codes],
    }
    return data, d


def test_why_places_are_left_short_says_each_reason_once_with_its_years():
    # "no more than 2 bulge classes a year are allowed" four times in one sentence: once for
    # the worst year and again in each "later, in ..." clause
    data, d = _coventry_like()
    why = left_short_why(data, d)
    assert why.count("no more than 2 bulge classes a year are allowed") == 1, why
    assert "from 2027/28 to 2032/33, no more than 2 bulge classes a year are allowed" in why
    assert why.startswith("no permanent places can open in them before 2028/29")
    # the expansion modules allowed differ (4 here, 3 there): said once without the count
    assert why.count("permanent expansion modules allowed are used") == 1
    assert "from 2028/29 to 2032/33, all permanent expansion modules allowed are used" in why
    assert "from 2030/31 to 2032/33, the one new school allowed is used" in why
    assert why.count("from 2028/29 to 2032/33") == 1  # reasons of the same years together
    assert "from 2028/29 to 2029/30, no new school can open before 2030/31" in why
    assert "later, in" not in why and ")" not in why  # the recommendation brackets it
    # a reason that holds in only some of the areas short in its years names them
    data.binding = data.binding[
        ~((data.binding["area"] == "A") & (data.binding["option"] == "A:new_school"))
    ]
    why = left_short_why(data, d)
    assert (
        "from 2030/31 to 2032/33 in Planning area B (secondary) and Planning area C "
        "(secondary), the one new school allowed is used"
    ) in why


def test_places_left_short_beyond_interim_places_ask_to_confirm_capacity_first():
    # "... and asks officers to secure interim places for that year" for 2,954 places
    data, d = _coventry_like()
    ask = left_short_ask(data, d)  # 3,600 places against 4 x 2 x 30 = 240 a year
    assert "secure interim places" not in ask
    assert ask.startswith(
        "; as they are more than twice the 240 temporary places a year the "
        "model allows those areas, asks officers first to confirm current "
        "capacity and pupils on roll there and re-run the plan"
    )
    small = {**d, "total": 300.0}
    assert (
        left_short_ask(data, small) == ", and asks officers to secure interim places for that year"
    )
    data.approval_withheld = "phase"  # withheld: capacity first, whatever the size
    ask = left_short_ask(data, small)
    assert (
        "the programme waits on current capacity being confirmed, asks officers first to "
        "confirm current capacity"
        in ask
        and "twice" not in ask
    )


def test_the_recommendation_on_places_left_short_says_each_reason_once(report_run):
    _, _, data = report_run
    left = data.mainstream_left_short
    assert left, "Worcestershire's plan leaves secondary places short in 2027/28"
    recs = recommendations(data)
    rec = next(r for r in recs if "still leaves" in r)
    assert rec.endswith("and asks officers to secure interim places for that year;")  # 581 places
    w = _withheld(data)
    rec = next(r for r in recommendations(w) if "still leaves" in r)
    assert "secure interim places" not in rec and "confirm current capacity" in rec


# 3. the key decision's area: phase and code once ---------------------------------------------


def test_key_decision_heading_says_phase_and_code_once(report_run):
    # "Planning area 3310045 (secondary) (secondary, planning area 3310045): each option ..."
    k = {"area": "3310045", "phase": "secondary", "area_name": "Planning area 3310045 (secondary)"}
    assert (
        key_decision_heading(SimpleNamespace(key_decision=k)) == "Planning area 3310045 (secondary)"
    )
    k = {**k, "area_name": "Worcester City", "area": "8850031"}
    assert key_decision_heading(SimpleNamespace(key_decision=k)) == (
        "Worcester City (secondary planning area 8850031)"
    )
    assert key_decision_heading(SimpleNamespace(key_decision=None)) == ""


def test_section_7_opens_on_the_heading(report_html):
    assert "<p>Worcester City (secondary planning area 8850031): each option below" in report_html


# 4. a warning said in a chapter is not repeated word for word ---------------------------------


def test_a_warning_in_a_chapters_notes_is_pointed_to_not_repeated(report_run):
    _, _, data = report_run
    note = (
        "Entitlements: only the default two are modelled, 15 hours for disadvantaged "
        "2-year-olds and the universal 15 hours for 3- and 4-year-olds. The working-parent "
        "entitlements are not: the places needed are understated."
    )
    ey = pd.DataFrame({"area": ["X"], "year": [2022], "places": [1.0]})
    d = dataclasses.replace(
        data, warnings=("first warning", note), early_years=ey, early_years_notes=(note,)
    )
    assert warnings_listed(d) == [
        "first warning",
        "Entitlements: only the default two are modelled, 15 hours for disadvantaged "
        "2-year-olds and the universal 15 hours for 3- and 4-year-olds (in full in section 6, "
        "Early years: Assumptions and sources).",
    ]
    # without the early years chapter it is said nowhere else: listed in full
    d = dataclasses.replace(d, early_years=None)
    assert warnings_listed(d) == ["first warning", note]


# 5. "did better" only beyond a stated tolerance ----------------------------------------------


@pytest.mark.parametrize(
    "engine, cohort, said",
    [
        (0.0134, 0.0133, "about as well"),  # Coventry secondary, 3 years ahead
        (0.0134, 0.0134, "about as well"),
        (0.0134, 0.0130, "about as well"),
        (0.0134, 0.0129, "did better"),
        (0.0058, 0.0050, "did better"),
        (0.0050, 0.0058, ""),
    ],
)
def test_a_baseline_did_better_only_beyond_the_tolerance(engine, cohort, said):
    k = "plain cohort survival (3-year means)"
    got = _better(engine, {"last year carried forward": 0.083, k: cohort})
    if said == "did better":
        assert got == " Plain cohort survival (3-year means) did better here than this engine."
    elif said:
        assert got == (
            " Plain cohort survival (3-year means) did about as well as this engine "
            f"(within {ACCURACY_TIE:.2f} percentage points)."
        )
    else:
        assert got == ""


def test_the_councils_forecasts_did_about_as_well_within_the_tolerance(report_run):
    _, _, data = report_run
    acc = data.accuracy.copy()
    paired = acc["authority_error"].notna() & acc["pct_error"].notna()
    acc.loc[paired, "authority_error"] = acc.loc[paired, "pct_error"].abs() - 0.0001
    out = " ".join(accuracy_sentences(dataclasses.replace(data, accuracy=acc)))
    assert "the Council's own forecasts did better there" not in out
    assert "the Council's own forecasts did about as well there" in out


# 6. a scenario's report summary says it is a scenario ----------------------------------------


def test_a_scenarios_summary_says_so_first(report_run):
    # `sufficiency report` printed "School Place Sufficiency Report - Coventry (run ...)"
    _, _, data = report_run
    assert data.summary().splitlines()[0].startswith("School Place Sufficiency Report")
    sc = {"file": "coventry_scen.toml", "extends": ["coventry.toml"], "changes": []}
    d = dataclasses.replace(data, meta={**data.meta, "scenario": sc})
    lines = d.summary().splitlines()
    assert lines[0] == (
        "Scenario: coventry_scen.toml extends coventry.toml: for comparison, not for decision."
    )
    assert lines[1].startswith("School Place Sufficiency Report")
