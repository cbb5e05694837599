"""Findings of a Stoke-on-Trent trial report (``sufficiency new E06000021``, the starting
model filled in as an analyst would from the public data: the city's one primary and one
secondary DfE planning area named, Year 6 passing wholly to the one secondary area, the
Council's name; the early years entitlements left as a TODO, since no public figure gives
the working-parent take-up). Stoke is a compact unitary city whose planning areas each hold
the whole of their phase, with primary rolls falling and secondary rolls peaking in 2026/27.

The report is built once, without charts (:func:`test_report_plain_english.no_charts`);
tests that need another situation work on a copy of its data, labelled as such."""

from __future__ import annotations

import dataclasses
import logging
import re

import pytest
from conftest import new_model
from test_report_plain_english import engine_words, quiet_report, report_text

DATE = "2026-11-29"


def _analyst_edits(path) -> None:
    """What an analyst fills in from the public data: the names of the city's two planning
    areas (the SCAP file has codes only), the transfer (one secondary area: all of Year 6),
    the Council's name; the TODO on the early years entitlements stays (no public figure)."""
    t = path.read_text(encoding="utf-8")
    subs = [
        (
            '# authority_name = "..."  # the council\'s name in the report (default: name)',
            'authority_name = "Stoke-on-Trent City Council"',
        ),
        ('name = "Planning area 8610001 (primary)"  # TODO name', 'name = "Stoke-on-Trent"'),
        ('name = "Planning area 8610002 (secondary)"  # TODO name', 'name = "Stoke-on-Trent"'),
        ("# TODO first_year:", "# first_year:"),
        # its two studio colleges (14-19) checked and left in the one secondary area
        ("# TODO studio schools and UTCs:", "# Studio schools and UTCs:"),
    ]
    # one secondary area: `sufficiency new` already sends it all of Year 6, with no TODO
    assert 'transfer = { "8610002" = 1.0 }' in t and "TODO transfers" not in t
    for old, new in subs:
        assert old in t, f"sufficiency new no longer writes {old!r}"
        t = t.replace(old, new)
    path.write_text(t, encoding="utf-8")


@pytest.fixture(scope="module")
def stoke(tmp_path_factory):
    """Stoke-on-Trent's report, built once: ``(data, html)``."""
    path = new_model(tmp_path_factory.mktemp("stoke"), "E06000021", "stoke")
    _analyst_edits(path)
    return quiet_report(path, DATE)


def _text(html: str) -> str:
    return " ".join(report_text(html).split())


def test_the_stoke_model_is_as_the_findings_assume(stoke):
    data, _ = stoke
    assert data.meta["model_todos"] == 1
    assert list(data.areas["phase"]) == ["primary", "secondary"]
    assert data.derived and not data.any_history_derived  # each area: the whole of its phase
    assert data.plan is not None and len(data.plan)


# 1. each area has the whole of its phase: the history is the census count, said once ------


def test_history_is_called_the_census_count_everywhere_not_derived(stoke):
    # section 4: "Each planning area here has the whole of its phase, so its history is the
    # census's own count"; Method: "Planning-area pupil history is derived ... It is not
    # observed data."; Forecast notes: "planning-area history is derived, so ... area-level
    # uncertainty is still understated"; Sources: the same "not observed data"
    data, html = stoke
    text = _text(html)
    assert "Each planning area here has the whole of its phase" in text
    assert "It is not observed data" not in text
    assert "planning-area history is derived" not in text
    assert "Planning-area pupil history is derived" not in text
    assert "Planning-area pupil history is the authority's own January census count" in text
    assert (
        "Intervals come from authority-level errors: each planning area here has the whole" in text
    )
    assert "Births by primary planning area are derived" not in text
    assert "Births for the one primary planning area are the ONS births" in text
    row = data.sources[data.sources["table"] == "pupils_by_area"]
    assert len(row) == 1 and "It is observed, not an estimate." in row["note"].iloc[0]
    assert row["kind"].iloc[0] == "actual"
    assert "DERIVED" not in text


def test_the_notes_of_a_derived_history_are_kept_where_areas_share_a_phase(report_run):
    # Worcestershire: 17 primary areas, history apportioned: the notes stay as the engine wrote them
    from sufficiency.derive import DERIVED_NOTE

    _, _, data = report_run
    assert data.any_history_derived and DERIVED_NOTE in data.notes
    assert any(n.startswith("Births by primary planning area are derived") for n in data.notes)


def test_the_draft_note_ends_as_a_sentence(stoke):
    data, _ = stoke
    todo = [n for n in data.notes if n.startswith("The model definition still has")]
    assert len(todo) == 1 and todo[0].endswith("are a draft."), todo


# 2. the cover's draft box names the stand-ins left -------------------------------------------


def test_the_draft_box_names_the_stand_ins_left_not_others(stoke):
    # "stand-ins (such as the area names, districts and transfer shares sufficiency new
    # writes)": the analyst had replaced all three; only the early years entitlements are left
    _, html = stoke
    cover = html.split('id="contents"')[0]
    box = re.search(r"<strong>Draft\.</strong>(.*?)</div>", cover, re.S).group(1)
    assert "stand-ins for early years entitlements still to be replaced" in box
    assert "area names" not in box and "transfer shares" not in box


# 3. a phase of one planning area is said as one area -----------------------------------------


def test_a_phase_of_one_area_is_not_1_of_1_planning_areas(stoke):
    # "with 1 of 1 planning areas above it, the most Stoke-on-Trent 21.5%"; "1 of 1 planning
    # areas short of places with the 2.0% margin, needing 606 places in total"
    from sufficiency.report.text import executive_summary, recommendations

    data, html = stoke
    text = _text(html)
    assert "1 of 1 planning areas" not in text and "the most Stoke-on-Trent" not in text
    rec = next(r for r in recommendations(data) if "surplus ceiling" in r)
    assert (
        "more than the 10.0% surplus ceiling (the phase is one planning area, "
        "Stoke-on-Trent); asks officers to review"
    ) in rec
    summary = " ".join(executive_summary(data))
    assert (
        "its one planning area short of places with the 2.0% margin, needing 606 places."
    ) in summary


def test_several_areas_above_the_ceiling_are_listed_highest_first(report_run):
    from sufficiency.report.text import recommendations

    _, _, data = report_run
    rec = next(r for r in recommendations(data) if "surplus ceiling" in r)
    assert "planning areas above it (the highest: " in rec and "the most " not in rec


# 4. the Council's larger count of places: a surplus grows, a shortfall shrinks ---------------


def test_more_places_on_the_councils_count_enlarge_a_surplus_not_shrink_a_shortfall(stoke):
    # "if the Council's count holds the primary and secondary shortfalls here would be
    # smaller": no primary place is short in any year
    from sufficiency.report.text import executive_summary

    data, _ = stoke
    summary = " ".join(executive_summary(data))
    assert "primary and secondary shortfalls" not in summary
    assert (
        "since if the Council's count holds the primary surplus here would be larger and "
        "the secondary shortfalls smaller."
    ) in summary


# 5. the Council's own return shows spare places where this report counts the phase short ----


def test_a_programme_against_the_councils_own_spare_places_is_noted_not_approved(stoke):
    # "approves in principle the capital programme of £16.3m for 810 additional places" for
    # the city's secondary phase, which this report forecasts 557 pupils over its 2014/15
    # places in 2024/25, while the Council's own return counts 16,924 places that year,
    # 9.2% unfilled
    from sufficiency.report.text import decisions_sought, executive_summary, recommendations

    data, html = stoke
    assert not data.capacity_behind  # 1.96% over in 2022/23: under the 2% of that rule
    [d] = data.council_spare_where_short
    assert (d["phase"], d["year"], d["council_places"]) == ("secondary", 2024, 16924.0)
    assert d["pupils"] > d["places"] and d["council_unfilled"] > data.meta["margin"]
    assert data.approval_withheld == "council"
    recs = recommendations(data)
    assert not any(r.startswith("approves") for r in recs)
    rec = next(r for r in recs if "capital programme" in r)
    assert rec.startswith("notes an indicative capital programme of £16.3m")
    assert (
        "which this report does not recommend for approval: in 2024/25 it forecasts 15,706 "
        "secondary (Y7-Y13) pupils against the 15,149 places of the capacity data (the "
        "DfE's 2014/15 figure), while the Council's own return for that year (DfE school "
        "places scorecard) counts 16,924 secondary places, 9.2% of them unfilled"
    ) in rec
    assert "re-run the plan before any approval" in rec
    assert "approve" not in (decisions_sought(data, recs) or "")
    summary = " ".join(executive_summary(data))
    assert "The programme the plan proposes (not recommended for approval" in summary
    assert "9.2% of them unfilled: the places on record are out of date" in summary
    assert data.headline()["plan"]["approval_withheld"] == "council"
    assert "<h4>Proposed</h4>" in html and "<h4>Recommended</h4>" not in html


def test_the_key_decision_in_such_a_phase_is_noted_not_agreed(stoke):
    from sufficiency.report.analysis import key_decision_withheld

    data, _ = stoke
    k = {"area": "8610002", "phase": "secondary", "area_name": "Stoke-on-Trent"}
    assert key_decision_withheld(dataclasses.replace(data, key_decision=k))
    # SYNTHETIC: a key decision in the other phase is not held back by it
    assert not key_decision_withheld(
        dataclasses.replace(data, key_decision={**k, "phase": "primary"})
    )


def test_worcestershire_has_no_phase_short_against_the_councils_spare_places(report_run):
    _, _, data = report_run
    assert data.council_spare_where_short == [] and data.approval_withheld is None


# 6. no engine words, and no other authority's model, in what a Stoke councillor reads --------


def test_the_stoke_report_prose_has_no_engine_words_nor_worcestershire(stoke):
    # "until they are given as [[early_years.entitlements]] (models/worcestershire.toml has
    # them, with their sources)" in section 6; "(kind 'projected')" in its population note
    _, html = stoke
    found = engine_words(html)
    assert not found, "\n".join(f"{w}: {line[:200]}" for w, line in found)
    text = _text(html)
    assert "worcestershire" not in text.lower()
    assert "kind 'projected'" not in text
    assert (
        "the places needed are understated until they are added to the model "
        "definition with local take-up figures."
    ) in text


# 7. without a key decision, section 7 says where the options are ----------------------------


def test_section_7_without_a_key_decision_points_to_the_options_there_are(stoke):
    # "No key decision area is set in the model definition (its report settings: see
    # Assumptions)": the chapter's Assumptions table has no report settings
    data, html = stoke
    assert data.key_decision is None
    sec = re.search(r'<section class="chapter" id="options">(.*?)</section>', html, re.S).group(1)
    said = _text(sec)
    assert "see Assumptions" not in said
    assert (
        "No key decision is named in the model definition, so no single decision is "
        "appraised here. The options considered for the planning area where the plan builds "
        "(Stoke-on-Trent secondary) are on its page in section 4, with the projects chosen; "
        "the capital programme is in section 8. The optimiser's whole catalogue of options "
        "is in the appendix, sheet Options."
    ) in said


# 8. a secondary school's year groups are the file's phase, said so --------------------------


def test_secondary_schools_year_groups_are_said_to_be_the_files_phase(stoke):
    # every Stoke secondary school listed "Y7-Y13" with no word that this is the file's phase
    # code: most are 11-16 (696 sixth-formers in the 2022/23 census) and two are studio
    # schools taking pupils from Year 10
    from sufficiency.report.tables import schools_table

    data, _ = stoke
    t = schools_table(data, "8610002")
    assert set(t.frame["year groups"]) == {"Y7-Y13"}
    assert (
        "Y7-Y13 is the capacity file's secondary phase, not each school's own range: the "
        "file does not say which schools have a sixth form"
    ) in t.note
    assert "secondary phase" not in schools_table(data, "8610001").note


# 9. a chart is named for a screen reader ----------------------------------------------------


def test_a_chart_is_named_for_assistive_technology(stoke):
    # inline SVG with no role, label or title (matplotlib draws its text as paths), and in the
    # PDF an image whose alternative text was "chart"
    from sufficiency.report import charts
    from sufficiency.report.render import _svg_as_image, chart_jobs

    data, _ = stoke
    _, name, args, kwargs = chart_jobs(data)[0]
    svg = getattr(charts, name)(*args, **kwargs)
    title = "Stoke-on-Trent (primary): pupils and places"
    assert kwargs["title"] == title
    assert re.match(
        r'<svg\b[^>]* role="img" aria-label="Stoke-on-Trent \(primary\): pupils and '
        r'places">\n<title>Stoke-on-Trent \(primary\): pupils and places</title>',
        svg,
    )
    assert f'alt="{title}"' in _svg_as_image(svg)
    assert 'alt="Bromsgrove &amp; Redditch"' in _svg_as_image(
        charts.svg_of(_blank_figure(), "Bromsgrove & Redditch")
    )


def _blank_figure():
    from sufficiency.report.charts import _figure

    return _figure(2.0, 1.0)


# 10. the PDF does not end a page on a heading or a table's topic row -------------------------


def _page_ends(html: str) -> list[tuple[str, str] | None]:
    """Each PDF page's last line of text as ``(block, text)``: the nearest heading,
    paragraph, list item, table row or division holding it ("topic" for a topic row of the
    assumptions table), laid out by WeasyPrint (the report's own PDF engine) without
    drawing it; the running footer is left out."""
    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    topics = {
        "Pupil forecast",
        "Places and the plan",
        "Special school places",
        "Early years",
        "The report",
    }
    doc = weasyprint.HTML(string=html).render()
    ends = []
    for page in doc.pages:
        last = None

        def walk(box, block):
            nonlocal last
            if type(box).__name__ == "MarginBox":
                return
            tag = getattr(box, "element_tag", None)
            if tag in ("h2", "h3", "h4", "p", "li", "tr", "div", "th", "td"):
                block = tag
            if getattr(box, "text", None) and box.text.strip():
                last = (
                    "topic" if block == "th" and box.text.strip() in topics else block,
                    box.text,
                )
            for c in getattr(box, "children", None) or []:
                walk(c, block)

        walk(page._page_box, None)
        ends.append(last)
    return ends


def test_no_pdf_page_ends_on_a_heading_or_an_assumptions_topic(stoke):
    # page 12 of the Stoke PDF ended on the assumptions table's topic row "Early years", its
    # rows on page 13
    _, html = stoke
    ends = [e for e in _page_ends(html) if e is not None]
    assert len(ends) > 20
    bad = [e for e in ends if e[0] in ("h2", "h3", "h4", "topic")]
    assert not bad, bad


def test_an_area_pages_parts_are_headed_below_its_own_heading(stoke):
    # the area's name and its parts ("Recommended", "Options considered", "Schools") were all
    # h3: a screen reader's outline put the schools list beside the area, not in it
    _, html = stoke
    page = re.search(r'<section class="area" id="area-8610002">(.*?)</section>', html, re.S).group(
        1
    )
    assert re.findall(r"<h(\d)\b", page) == ["3", "4", "4", "4"]
    assert "<h4>Schools</h4>" in page and "<h4>Options considered</h4>" in page


def test_what_is_said_of_areas_smaller_than_an_authority_is_not_said_here(stoke, report_run):
    # "These are whole-authority figures ...: a planning area's are less certain"; Method: "a
    # planning area has fewer pupils and so more ups and downs of its own": each area here is
    # the whole of its phase
    from sufficiency.report.text import how_sure_sentence, one_area_per_phase

    data, html = stoke
    assert one_area_per_phase(data)
    assert how_sure_sentence(data).endswith(
        "These are whole-authority figures (section 3, Accuracy track record), and each "
        "planning area here is the whole of its phase."
    )
    text = _text(html)
    assert "a planning area has fewer pupils" not in text
    assert (
        "Those past errors are of whole authorities; each planning area here is the whole "
        "of its phase, so they are errors of areas of its own kind and size."
    ) in text
    worcs = report_run[2]
    assert not one_area_per_phase(worcs)
    assert how_sure_sentence(worcs).endswith(": a planning area's are less certain.")


def test_a_falling_roll_areas_page_states_its_spare_places_above_the_ceiling(stoke):
    # the primary page said only "the lowest surplus is 8.1%" while its table turned blue from
    # 2025/26 and the recommendations raised its 21.5% surplus
    from sufficiency.report.text import area_commentary

    data, _ = stoke
    said = area_commentary(data, "8610001")
    assert (
        "the lowest surplus is 8.1%. Spare places are above the 10.0% surplus ceiling from "
        "2025/26, reaching 21.6% of pupils (4,222 places) in 2031/32."
    ) in said
    assert "surplus ceiling" not in area_commentary(data, "8610002")


def test_the_capital_programme_heads_its_cost_by_phase_in_words(stoke):
    from sufficiency.report.tables import capital_programme

    data, _ = stoke
    cols = list(capital_programme(data).frame.columns)
    assert "secondary cost" in cols and "cost secondary" not in cols, cols


def test_a_need_met_without_the_plan_is_not_said_to_be_met_by_it(stoke):
    # "The proposed plan meets the modelled need with the 2.0% margin by 2032/33" of a plan
    # that adds no early years places: the supply there already meets it
    from sufficiency.report.text import executive_summary

    data, _ = stoke
    ey = next(p for p in executive_summary(data) if p.startswith("Funded early years places"))
    assert "plan meets" not in ey
    assert (
        "The supply already there meets the modelled need with the 2.0% margin (age groups "
        "together) to 2032/33, the plan's last year, with no places added."
    ) in ey


def test_a_charts_axis_labels_lie_inside_the_drawing(stoke, monkeypatch):
    # the y-axis label "pupils / places" began 3 px left of the figure: cut off in the SVG
    from sufficiency.report import charts
    from sufficiency.report.render import chart_jobs

    data, _ = stoke
    out = []

    def check(fig, title=""):
        fig.canvas.draw()
        r = fig.canvas.get_renderer()
        for ax in fig.axes:
            for t in (ax.yaxis.label, ax.title, *ax.get_yticklabels()):
                bb = t.get_window_extent(r)
                if t.get_text() and (bb.x0 < 0 or bb.x1 > fig.bbox.width):
                    out.append((title, t.get_text(), bb.x0))
        return ""

    monkeypatch.setattr(charts, "svg_of", check)
    jobs = chart_jobs(data)
    for _, name, args, kwargs in jobs[:1] + [j for j in jobs if j[1] == "phase_chart"][:1]:
        getattr(charts, name)(*args, **kwargs)
    assert not out, out


def test_one_area_a_phase_says_what_a_city_wide_area_hides(stoke, report_run):
    # "Shortfalls ... are never offset between areas: a surplus in one planning area does not
    # meet a need in another", of a city with one planning area a phase
    from sufficiency.report.text import executive_summary

    data, _ = stoke
    summary = " ".join(executive_summary(data))
    assert "never offset between areas" not in summary
    assert (
        "Each phase here is one planning area covering the whole authority (the DfE's "
        "planning areas in the capacity data), so its shortfall is the authority's: it "
        "assumes a pupil can take a place anywhere in the authority and does not show where "
        "in it places are short"
    ) in summary
    assert "never offset between areas" in " ".join(executive_summary(report_run[2]))


def test_the_send_intervals_note_is_in_words(stoke):
    # "RMS log error by horizon: h1 0.186, h2 0.340, h3 0.523" in section 5
    _, html = stoke
    text = _text(html)
    assert "RMS log error" not in text and " h1 " not in text
    assert re.search(
        r"a typical error of \d+% 1 year ahead, \d+% 2 years ahead and \d+% 3 years "
        r"ahead \(root mean square of the log errors: 0\.\d{3}, 0\.\d{3}, 0\.\d{3}\)\.",
        text,
    )


def test_costs_that_do_not_add_up_as_printed_say_so(stoke):
    # "costs £16.3m ... 450 are lasting (..., £12.5m) and 360 temporary (..., £3.9m)":
    # 12.5 + 3.9 = 16.4
    from sufficiency.report.text import _rounded_apart, executive_summary

    data, _ = stoke
    line = next(p for p in executive_summary(data) if "Of its mainstream places" in p)
    assert "costs £16.3m" in line
    assert "(bulge classes, £3.9m); rounded on their own, the two together make £16.3m." in line
    assert _rounded_apart(12.4e6, 3.9e6) == ""  # £12.4m + £3.9m = £16.3m as printed
    assert _rounded_apart(400e3, 300e3) == ""  # £400k + £300k = £700k


def test_places_left_short_in_one_area_name_it_once(stoke):
    # "807 secondary (Y7-Y13) places are still short in 2027/28, in 1 planning area
    # (Stoke-on-Trent 807)"
    from sufficiency.report.text import executive_summary

    data, _ = stoke
    summary = " ".join(executive_summary(data))
    assert "(Stoke-on-Trent 807)" not in summary
    assert (
        "807 secondary (Y7-Y13) places are still short in 2027/28, in one planning area, "
        "Stoke-on-Trent: no permanent places"
    ) in summary
    from sufficiency.report.text import recommendations

    rec = next(r for r in recommendations(data) if "still leaves" in r)
    assert "places short in 2027/28 in Stoke-on-Trent (no permanent places" in rec


def test_the_transfer_to_the_only_secondary_area_is_not_called_an_assumption(stoke):
    # "1 area passes pupils on: all 1 send their last year group to one area | ... an
    # assumption unless taken from admissions records"
    data, _ = stoke
    row = data.assumptions[data.assumptions["key"] == "areas.transfer"].iloc[0]
    assert row["value"] == "1 area passes pupils on: it sends its last year group to one area"
    assert row["set in"].endswith(
        "transfer: no assumption, as one area alone teaches the year group they go on to"
    )


def test_tables_are_named_and_their_headers_scoped(stoke):
    # no caption, label or header scope on any table: a screen reader announced "table" only
    _, html = stoke
    tables = re.findall(r"<table\b[^>]*>", html)
    named = [t for t in tables if 'aria-label="' in t]
    assert len(tables) > 15 and len(named) == len(tables) - 1, tables  # (the assumptions')
    assert 'aria-label="Demand and places by year"' in html and 'aria-label="Schools"' in html
    heads = re.findall(r"<thead><tr>(.*?)</tr></thead>", html, re.S)
    cells = [c for h in heads for c in re.findall(r"<th\b[^>]*>", h)]
    unscoped = [c for c in cells if 'scope="col"' not in c]
    assert len(unscoped) <= 4, unscoped  # the assumptions table's own four


def test_early_years_with_nothing_short_reads_plainly(stoke):
    # "0 places are short in 2032/33"; "The proposed programme adds no early years places.
    # With it, no planning area is short ..."; and why the plan's count "can be smaller than
    # the sum by age group", when both are nothing
    from sufficiency.report.text import early_years_commentary

    data, _ = stoke
    text = " ".join(early_years_commentary(data))
    assert "0 places are short" not in text and "With it" not in text
    assert (
        "supply of 3,680 places (an assumption: see below), no places are short in 2032/33" in text
    )
    assert (
        "adds no early years places. No planning area is short of early years places with "
        "the 2.0% margin by 2032/33."
    ) in text
    assert "re-registered" not in text


def test_the_key_figures_of_one_area_a_phase_are_the_authoritys(stoke):
    # the key figures table said "0 of 1" planning areas short and "area by area, never
    # offset between areas" of a city whose each phase is one planning area
    from sufficiency.report.tables import key_figures_table

    data, _ = stoke
    t = key_figures_table(data)
    shown = t.display()
    assert "planning areas short" not in shown.columns
    assert set(shown["planning area short"]) <= {"yes", "no"}
    assert "never offset between areas" not in t.note
    assert "each phase is one planning area covering the whole authority" in t.note


def test_the_county_chart_of_one_area_a_phase_has_no_areas_to_add_up(stoke):
    # its legend said "shortfall of areas (sum)" of a phase that is one planning area
    from sufficiency.report.charts import phase_chart

    data, _ = stoke
    svg = phase_chart(data.sufficiency, "primary", "Primary", base_year=2022)
    legend = svg[svg.index('<g id="legend_1">') :]
    assert ">shortfall<" in legend and ">of areas<" not in legend
