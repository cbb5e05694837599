"""The report on a plan that places pupils next door ([[plan.adjacency]]), on areas whose
school sets its own intake (``intake_from``) and on a programme of mostly bulge classes.

A Staffordshire trial (a three-tier authority with 14-19 academies) found the moves only in
before_after.csv (an area bought 90 bulge places for a 5-place need of its own), its 14-19
academies counted among the areas short and asked for interim places, and 78% of the places
bought temporary, with no word of it. The end-to-end tests run the whole-Staffordshire test
model (``staffordshire_model.py``, feeder links assumed) with adjacency between Lichfield
primary areas, once per module, without the HTML or PDF (the text and tables only).
"""

from __future__ import annotations

import json
import re
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest

from sufficiency.config import load_model
from sufficiency.inputs import load_inputs
from sufficiency.optimise.results import area_tag, lasting_and_temporary, moves_by_area
from sufficiency.report import build_report, run_pipeline
from sufficiency.report.render import render_summary_json
from sufficiency.report.tables import appendix_tables, area_year_table
from sufficiency.report.text import (
    area_commentary,
    executive_summary,
    fmt_count,
    fmt_gbp_m,
    fmt_year,
    recommendations,
)

sys.path.insert(0, str(Path(__file__).parent))
from staffordshire_model import UTC, write_model  # noqa: E402

#: Lichfield primary areas: 8603006 (short) may place a fifth of its pupils in 8603000 (spare
#: places), 8603011 and 8603012 (both short) in each other
ADJACENCY = """
[[plan.adjacency]]
from = "8603006"
to = "8603000"
phase = "primary"
max_share = 0.2
cost_per_pupil = 400.0

[[plan.adjacency]]
from = "8603011"
to = "8603012"
phase = "primary"
max_share = 0.5
cost_per_pupil = 300.0

[[plan.adjacency]]
from = "8603012"
to = "8603011"
phase = "primary"
max_share = 0.3
cost_per_pupil = 300.0
"""


@pytest.fixture(scope="module")
def staffs(data_dir, tmp_path_factory):
    path = write_model(Path(data_dir).resolve(), tmp_path_factory.mktemp("adj") / "staffs.toml")
    path.write_text(path.read_text() + ADJACENCY)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        inputs = load_inputs(load_model(path))
        results = run_pipeline(inputs, with_send=False, with_early_years=False)
    missing = results.pop("missing")
    results.pop("seconds", None)
    data = build_report(inputs, **results, missing=missing, report_date="2026-11-27")
    return results, data


def _ba(results) -> pd.DataFrame:
    return results["allocation"].before_after()


def test_moves_table_adds_up_to_before_after(staffs):
    results, _ = staffs
    alloc = results["allocation"]
    m, ba = alloc.moves_of(), _ba(results)
    assert len(m) and {"from_area", "to_area", "pupils", "cost"} <= set(m.columns)
    got_in = m.groupby(["to_area", "year"])["pupils"].sum()
    got_out = m.groupby(["from_area", "year"])["pupils"].sum()
    b = ba.set_index(["area", "year"])
    for (a, y), v in got_in.items():
        assert b.loc[(a, y), "moved_in"].item() == pytest.approx(v)
    for (a, y), v in got_out.items():
        assert b.loc[(a, y), "moved_out"].item() == pytest.approx(v)
    assert ba["moved_in"].sum() == pytest.approx(m["pupils"].sum())
    assert m["cost"].to_numpy() == pytest.approx((m["pupils"] * m["cost_per_pupil"]).to_numpy())


def test_area_page_says_who_is_placed_here_and_next_door(staffs):
    results, data = staffs
    ba = _ba(results).set_index("area")
    # pupils of 8603006 placed in 8603000: both pages, the numbers of before_after
    taker = ba.loc["8603000"].set_index("year")["moved_in"]
    giver = ba.loc["8603006"].set_index("year")["moved_out"]
    assert taker.max() > 50
    text = area_commentary(data, "8603000")
    peak = (
        f"up to {fmt_count(taker.max())} a year (the most in {fmt_year(int(taker.idxmax()))}, "
        f"every year from {fmt_year(int(taker.index.min()))} to "
        f"{fmt_year(int(taker.index.max()))}) from {data.area_name('8603006')}"
    )
    assert (
        "The plan places pupils of neighbouring areas here (as the model definition "
        "allows): " + peak
    ) in text
    m = results["allocation"].moves_of()
    cost = m.loc[(m["from_area"] == "8603006") & (m["to_area"] == "8603000"), "cost"].sum()
    assert (
        f"{fmt_count(taker.sum())} pupil-years, {fmt_gbp_m(cost)} over the plan (£400 a pupil"
        in text
    )
    out = area_commentary(data, "8603006")
    assert (
        f"The plan places up to {fmt_count(giver.max())} of this area's own pupils a year in "
        f"{data.area_name('8603000')} (the most in {fmt_year(int(giver.idxmax()))}"
    ) in out
    # an area that both takes and sends, and buys places: its own need against the need with
    # the pupils placed there
    both = area_commentary(data, "8603012")
    b = ba.loc["8603012"]
    own = b["shortfall_before"].max()
    with_ = (b["required"] - b["capacity_before"]).max()
    assert with_ > own + 0.5
    assert f"the area needs up to {fmt_count(with_)} places beyond its capacity" in both
    assert f"where its own pupils need up to {fmt_count(own)} places" in both
    assert "It places up to" in both and "The plan recommends" in both
    # the page's table counts the pupils placed next door in 'short with plan'
    t = area_year_table(data, "8603006").frame
    assert {"placed here", "placed next door"} <= set(t.columns)
    assert t["placed next door"].max() == pytest.approx(giver.max())


def test_recommendation_summary_json_and_appendix_carry_the_moves(staffs):
    results, data = staffs
    ba = _ba(results)
    m = results["allocation"].moves_of()
    recs = [r for r in recommendations(data) if "(where the model definition allows it)" in r]
    assert len(recs) == 1
    by_year = m.groupby("year")["pupils"].sum()
    assert f"up to {fmt_count(by_year.max())} a year ({fmt_year(int(by_year.idxmax()))})" in recs[0]
    assert re.search(
        re.escape(data.area_name("8603012"))
        + r" takes up to \d+ a year from "
        + re.escape(data.area_name("8603011"))
        + r" \(\d{4}/\d\d\), where the plan "
        r"buys \d+ places",
        recs[0],
    )
    assert any(
        "neighbouring planning areas (where the model definition allows it" in p
        for p in executive_summary(data)
    )
    doc = json.loads(render_summary_json(data))
    moves = {(e["area"], e["phase"]): e for e in doc["plan"]["moves"]}
    for (a, ph), g in ba[(ba["moved_in"] > 0) | (ba["moved_out"] > 0)].groupby(["area", "phase"]):
        e = moves[(a, ph)]
        assert e["moved_in_peak"] == pytest.approx(round(g["moved_in"].max(), 2))
        assert e["moved_out_peak"] == pytest.approx(round(g["moved_out"].max(), 2))
        assert e["moved_in_pupil_years"] == pytest.approx(round(g["moved_in"].sum(), 2))
    assert moves[("8603000", "primary")]["moved_in_from"].keys() == {"8603006"}
    assert doc["plan"]["moves_cost_gbp"] == pytest.approx(round(m["cost"].sum(), 2))
    tabs = appendix_tables(data)
    sheet = tabs["Pupils placed next door"].frame
    assert sheet["pupils"].sum() == pytest.approx(ba["moved_in"].sum())
    plan = tabs["Plan"].frame
    assert not plan["project"].str.contains("_").any()  # "bulge class", as the report says
    row = plan[plan["code"] == "8603012"].iloc[0]
    peak = ba.loc[ba["area"] == "8603012", "moved_in"].max()
    assert row["pupils placed here from neighbours (most a year)"] == pytest.approx(peak)


def test_plan_summary_lists_moves_under_the_area_build(staffs, tmp_path):
    alloc = staffs[0]["allocation"]
    text = alloc.summary(timing=False)
    moved = moves_by_area(alloc.moves_of())
    r = moved[(moved["area"] == "8603012") & (moved["direction"] == "in")].iloc[0]
    line = (
        f"    placed here from {area_tag(alloc.area_names.get(r.other, r.other), r.other)} "
        f"up to {r.peak:,.0f} a year"
    )
    lines = text.splitlines()
    i = next(k for k, s in enumerate(lines) if s.startswith(line))
    # under the area's build
    assert lines[i - 1].startswith(
        f"  {area_tag(alloc.area_names.get('8603012', '8603012'), '8603012', 'primary')}: "
    )
    assert "Pupils placed in a neighbouring area ([[plan.adjacency]])" in text
    written = [p.name for p in alloc.write(tmp_path)]
    assert "moves.csv" in written
    assert len(pd.read_csv(tmp_path / "moves.csv")) == len(alloc.moves)


def test_areas_whose_school_sets_its_intake_are_not_counted_short(staffs):
    results, data = staffs
    assert data.intake_areas == frozenset(UTC)
    suff = results["sufficiency"].to_frame()
    utc_short = suff[suff["area"].isin(UTC) & (suff["rag"] == "red")]
    assert len(utc_short)  # 8602013 is short on its own forecast
    doc = json.loads(render_summary_json(data))
    for p in doc["position"]:
        rows = suff[(suff["phase"] == p["phase"]) & (suff["year"] == p["year"])]
        planned = rows[~rows["area"].isin(UTC)]
        assert p["areas_short"] == int((planned["rag"] == "red").sum())
        assert p["shortfall"] == pytest.approx(round(planned["shortfall"].sum(), 2))
        assert p["areas_short_intake_set_by_school"] == int(
            ((rows["rag"] == "red") & rows["area"].isin(UTC)).sum()
        )
    assert {e["area"] for e in doc["intake_set_by_school"]} == set(UTC)
    recs = recommendations(data)
    said = [r for r in recs if "sets its own intake" in r]
    assert len(said) == 1 and said[0].startswith("notes that 2 planning areas whose school")
    names = [data.area_name(a) for a in UTC]
    for r in recs:
        if "interim places" in r:
            assert not any(n in r for n in names), r
    for d in doc["plan"]["mainstream_left_short"]:
        assert not set(d["areas"]) & set(names)
    assert "the plan proposes no places here" in area_commentary(data, UTC[0])
    # the optimiser buys nothing there (no default options for them)
    assert not results["allocation"].plan["area"].isin(UTC).any()


def test_mostly_temporary_programme_warns_and_names_repeated_bulges(staffs):
    _, data = staffs
    t = data.lasting_and_temporary
    assert t["mostly_temporary"] and t["temporary_share"] > 0.5
    run = {(r["area"], r["phase"]) for r in t["runs"]}
    plan = data.plan
    b = plan[(plan["kind"] == "bulge_class")]
    yrs = sorted(b.loc[b["area"] == "8602010", "year"].unique())
    assert len(yrs) >= 3 and ("8602010", "secondary") in run
    recs = [r for r in recommendations(data) if r.startswith("notes as a warning that")]
    assert len(recs) == 1
    assert f"{fmt_count(t['temporary_places'])} of " in recs[0]
    assert data.area_name("8602010") in recs[0] and "permanent expansion" in recs[0]
    summ = " ".join(executive_summary(data))
    assert (
        f"{fmt_count(t['lasting_places'])} are lasting (expansions and new schools, "
        f"{fmt_gbp_m(t['lasting_cost'])}) and {fmt_count(t['temporary_places'])} temporary "
        f"(bulge classes, {fmt_gbp_m(t['temporary_cost'])})"
    ) in summ
    doc = json.loads(render_summary_json(data))["plan"]
    assert doc["mostly_temporary"] is True
    assert doc["lasting_places"] + doc["temporary_places"] == pytest.approx(
        plan.loc[plan["phase"].isin(["primary", "secondary"]), "places"].sum()
    )


def test_lasting_and_temporary_hand_worked():
    plan = pd.DataFrame(
        {
            "area": ["A", "A", "A", "B", "B", "B", "C"],
            "phase": ["primary"] * 6 + ["secondary"],
            "kind": ["bulge_class"] * 3
            + ["bulge_class", "bulge_class", "permanent_expansion", "new_school"],
            "year": [2024, 2025, 2026, 2024, 2026, 2027, 2027],
            "places": [30.0, 30.0, 60.0, 30.0, 30.0, 105.0, 600.0],
            "cost": [1.0, 1.0, 2.0, 1.0, 1.0, 10.0, 50.0],
            "duration": [7, 7, 7, 7, 7, 0, 0],
        }
    )
    t = lasting_and_temporary(plan)
    assert t["lasting_places"] == 705 and t["lasting_cost"] == 60
    assert t["temporary_places"] == 180 and t["temporary_cost"] == 6
    assert not t["mostly_temporary"]
    # A: three years running; B: 2024, then 2026-2027 (two), no run
    assert t["runs"] == [
        {
            "area": "A",
            "phase": "primary",
            "first": 2024,
            "last": 2026,
            "years": 3,
            "places": 120.0,
            "cost": 4.0,
        }
    ]
    assert lasting_and_temporary(plan[plan["kind"] == "bulge_class"])["mostly_temporary"]


def test_plan_summary_lists_intake_set_by_school_areas_apart(staffs):
    results, _ = staffs
    alloc = results["allocation"]
    assert set(alloc.not_planned) == set(UTC)
    text = alloc.summary(timing=False)
    cells = alloc.before_after()
    short_utc = cells[cells["area"].isin(UTC) & (cells["shortfall_after"] > 0.5)]
    assert len(short_utc)  # the 14-19 academies are short on their own forecast
    left = [ln for ln in text.splitlines() if ln.startswith("Shortfall left")]
    assert len(left) == 1
    block = text.split(left[0], 1)[1].split("\n")
    listed = [ln for ln in block if ln.startswith("  ")]
    assert not any(u in ln for u in UTC for ln in listed)
    planned = cells[~cells["area"].isin(UTC) & (cells["shortfall_after"] > 0.5)]
    if len(planned):
        assert f"{planned['shortfall_after'].sum():,.0f} place-years" in left[0]
    else:
        assert "every area planned for" in left[0]
    apart = [ln for ln in text.splitlines() if ln.startswith("Not planned for (")]
    assert len(apart) == 1 and "sets its own intake" in apart[0]
    for u in set(short_utc["area"]):
        peak = short_utc.loc[short_utc["area"] == u, "shortfall_after"].max()
        tag = area_tag(alloc.area_names.get(u, u), u, "secondary")
        assert f"{tag} short up to {peak:,.0f} places" in apart[0]


def test_the_report_with_moves_has_no_engine_identifiers(staffs):
    """The prose about pupils placed next door says it in words, not as the model file's
    [[plan.adjacency]] (the plain-English check of tests/test_report_plain_english.py)."""
    from test_report_plain_english import engine_words, no_charts

    from sufficiency.report import render_html
    from sufficiency.report.render import page_sections

    _, data = staffs
    found = engine_words(render_html(data, page_sections(data, no_charts)))
    assert not found, "\n".join(f"{w}: {line[:200]}" for w, line in found)
