"""Known limits lifted on 30 November 2026: a red rating for an area under one place short (a
Staffordshire trial's area 0.005 places short of its margin), and place-years short counted with
residues the plan's shortfall tolerance allows. All data here are SYNTHETIC."""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from test_optimise import cap, demand, opt, solve

from sufficiency.capacity import assess_sufficiency
from sufficiency.exceptions import ConfigError, SchemaError

YEARS3 = [2023, 2024, 2025]


def _suff(places: float, pupils=(1000.0, 1000.0, 1000.0), **kw):
    """One primary area, three years; margin 2%: 1,020 places required."""
    pt = pd.DataFrame({"area": "A", "phase": "primary", "year": YEARS3, "pupils": list(pupils)})
    capacity = pd.DataFrame({"area": ["A"], "phase": ["primary"], "capacity": [places]})
    return assess_sufficiency(pt, capacity, 0.02, **kw)


def test_under_half_a_place_short_is_amber_not_red():
    # 1,019.995 places: 0.005 short of the margin (shown "<1" short), surplus 1.9995%
    s = _suff(1019.995).to_frame()
    assert s["shortfall"].round(3).tolist() == [0.005] * 3
    assert s["rag"].tolist() == ["amber"] * 3
    assert _suff(1019.995).shortfalls().empty
    # 0.6 short rounds to a place: red, and listed
    s = _suff(1019.4)
    assert s.to_frame()["rag"].tolist() == ["red"] * 3
    assert len(s.shortfalls()) == 3
    assert "short 1 places" in s.summary()
    # the summary no longer lists "short 0 places"
    assert "short 0 places" not in _suff(1019.995).summary()


def test_the_tolerance_is_a_setting():
    assert _suff(1019.995, tolerance=0.0).to_frame()["rag"].tolist() == ["red"] * 3
    s = _suff(1010.0, tolerance=15.0)  # 10 short, within 15
    assert s.to_frame()["rag"].tolist() == ["amber"] * 3
    assert s.tolerance == 15.0 and s.config["tolerance"] == 15.0
    for bad in (-1, "half", float("nan")):
        with pytest.raises(ConfigError, match=r"tolerance=.*expected places, a number >= 0"):
            _suff(1000.0, tolerance=bad)


def test_red_still_means_below_the_margin():
    # a big surplus is never red whatever the tolerance; 2% exactly is amber
    assert _suff(1020.0).to_frame()["rag"].tolist() == ["amber"] * 3
    assert _suff(1200.0).to_frame()["rag"].tolist() == ["blue"] * 3
    assert _suff(900.0).to_frame()["rag"].tolist() == ["red"] * 3


def _tolerated_plan():
    """22 places short before the plan, tolerance 25: nothing built, tolerated."""
    return solve(
        demand([122.0] * 3),
        cap(A=100.0),
        [opt("exp", places=30, max_modules=1, cost=300_000.0)],
        shortfall_tolerance=25,
    )


def test_total_shortfall_counts_what_the_summary_counts():
    r = _tolerated_plan()
    assert r.plan.empty
    assert r.before_after()["shortfall_after"].tolist() == [22.0] * 3
    assert r.total_shortfall == 0.0
    # above the tolerance and left partly short by a module limit: those 10 places count
    r = solve(
        demand([140.0] * 3),
        cap(A=100.0),
        [opt("exp", places=30, max_modules=1, cost=300_000.0)],
        shortfall_tolerance=25,
    )
    assert r.total_shortfall == pytest.approx(30.0)


def test_route_appraisal_ignores_tolerated_residues():
    from dataclasses import replace

    from sufficiency.optimise.planning import appraise_options

    r = _tolerated_plan()
    options = r.options
    ap = appraise_options(demand([122.0] * 3), cap(A=100.0), options, r.settings, "A", "primary")
    assert len(ap) and (ap["shortfall_place_years"] == 0.0).all(), ap
    assert (ap["shortfall_years"] == "").all()
    # without the tolerance the same area is 66 place-years short on the temporary-free route
    strict = replace(r.settings, shortfall_tolerance=0.0, shortfall_penalty=1.0)
    ap = appraise_options(demand([122.0] * 3), cap(A=100.0), options, strict, "A", "primary")
    assert ap["shortfall_place_years"].max() == pytest.approx(66.0)


def _area_data(sufficiency, before_after, tolerance=0.5):
    return SimpleNamespace(
        sufficiency=sufficiency,
        before_after=before_after,
        meta={
            "base_year": 2022,
            "margin": 0.02,
            "target": 0.05,
            "ceiling": 0.10,
            "shortfall_tolerance": tolerance,
            "data_vintage": "capacity: SYNTHETIC",
        },
        history_derived=lambda area: False,
        plan_label="the recommended plan",
    )


@pytest.mark.parametrize(
    ("places_after", "tolerance", "expected"),
    [
        (1019.995, 0.5, "amber"),  # 0.005 short with the plan: not short
        (1019.4, 0.5, "red"),  # 0.6 short: short
        (1000.0, 25.0, "amber"),  # 20 short, within a tolerance of 25 both before and after
        (1000.0, 0.5, "red"),
    ],
)
def test_rag_with_plan_is_red_where_the_plan_leaves_the_area_short(
    places_after, tolerance, expected
):
    from sufficiency.report import tables

    s = _suff(1000.0).to_frame()
    ba = pd.DataFrame(
        {
            "area": "A",
            "phase": "primary",
            "year": YEARS3,
            "capacity_after": places_after,
            "shortfall_before": s["shortfall"].to_numpy(),
            "shortfall_after": np.maximum(0.0, 1020.0 - places_after),
        }
    )
    data = _area_data(s, ba, tolerance)
    data.plan = None
    t = tables.area_year_table(data, "A")
    assert t.frame["RAG with plan"].tolist() == [expected] * 3


# --------------------------------------------------------------------------- base year
# [assumptions] base_year before the pupil data's last year (a documented setting): the
# forecast stopped with "supplied births leave mid-year(s) out" on the REAL embedded data (the
# model was fitted on births to mid-2021 and the nowcast was mid-2023, from calendar 2022).


def test_a_forecast_from_an_earlier_base_year_runs_as_the_data_stood(tmp_path):
    from conftest import edited_model

    from sufficiency import load_inputs, load_model, run_forecast

    def forecast(base):
        subs = [("seed = 20240101", f"seed = 20240101\nbase_year = {base}")] if base else []
        inputs = load_inputs(load_model(edited_model(tmp_path, subs, name=f"m{base}.toml")))
        return inputs, run_forecast(inputs)

    inputs, fc = forecast(2021)
    f = fc.to_frame()
    # the mid-2022 births in the file are not used: the births stop at mid-2021 and the
    # next mid-year is the nowcast from calendar-year 2021 births
    assert int(inputs.births["year"].max()) == 2021
    assert set(inputs.births_nowcast["year"]) == {2022}
    assert any("as the data stood then" in n for n in fc.notes)
    assert f.loc[f["kind"] != "forecast", "year"].max() == 2021
    assert f.loc[f["kind"] == "forecast", "year"].min() == 2022
    # Reception rests on projected (nowcast) births from 2026/27, mid-2022 births + 4
    rec = f[(f["ncy"] == 0) & (f["kind"] == "forecast")]
    assert rec.groupby("year")["births_projected"].any().idxmax() == 2026
    assert (rec["pupils"] > 0).all()
    # the default base year is unchanged: births to mid-2022, nowcast mid-2023
    d_inputs, _ = forecast(None)
    assert int(d_inputs.births["year"].max()) == 2022
    assert set(d_inputs.births_nowcast["year"]) == {2023}


def test_the_report_says_its_forecast_is_from_an_earlier_base_year():
    from sufficiency.report.build import _timing_notes

    note = _timing_notes("2026-11-30", 2021, None, 2022)[0]
    assert note.startswith("The forecast is made from 2021/22 (the January 2022 school census)")
    assert "although the pupil data run to 2022/23" in note
    # the data's own last year: the note on the report's date, as before
    note = _timing_notes("2026-11-30", 2022, None, 2022)[0]
    assert note.startswith("The latest pupil data are for 2022/23") and "no census for" in note
    assert _timing_notes("2026-11-30", 2022, None)[0] == note


def test_the_position_counts_the_places_of_the_areas_it_counts_short():
    """SYNTHETIC: three primary areas each 0.4 places short of the margin (amber, not short)
    and one 10 places short (red): the position's places needed are the red area's 10, not
    11.2 beside '1 area short' (the key figures table, summary.json, the summary's text)."""
    from sufficiency.report.analysis import position_at

    pt = pd.DataFrame({"area": list("ABCD"), "phase": "primary", "year": 2025, "pupils": 1000.0})
    places = [1019.6, 1019.6, 1019.6, 1010.0]
    capacity = pd.DataFrame({"area": list("ABCD"), "phase": "primary", "capacity": places})
    s = assess_sufficiency(pt, capacity, 0.02).to_frame()
    assert s["rag"].tolist() == ["amber", "amber", "amber", "red"]
    pos = position_at(s, "primary", 2025)
    assert pos["red_areas"] == 1
    assert pos["shortfall"] == pytest.approx(10.0)
    # no area short: nothing needed, though 1.2 places are short in residues
    pos = position_at(s[s["area"] != "D"], "primary", 2025)
    assert (pos["red_areas"], pos["shortfall"]) == (0, 0.0)


def test_the_worst_year_counts_only_the_areas_counted_short(report_run):
    """REAL model, its sufficiency table edited to SYNTHETIC residues: every primary area
    0.4 places short of the margin (amber) in every year but the last: no primary area is
    short, so the recommendations name no 'worst year' of primary places short (they said
    'the plan period's worst year is 2027/28, when 7 places are short')."""
    import dataclasses

    from sufficiency.report.text import recommendations

    data = report_run[2]
    s = data.sufficiency.copy()
    prim = s["phase"] == "primary"
    s.loc[prim, "shortfall"] = 0.4
    s.loc[prim, "rag"] = "amber"
    last = prim & (s["year"] == data.milestones[-1][1])  # none short in the last year
    s.loc[last, "shortfall"] = 0.0
    s.loc[last, "rag"] = "green"
    recs = [r for r in recommendations(dataclasses.replace(data, sufficiency=s)) if "primary" in r]
    said = " ".join(recs)
    assert "with no planning area short of places" in said, said
    assert "worst year" not in said, said


def test_the_nowcast_note_does_not_say_the_file_lacks_births_it_has(tmp_path):
    """REAL model: from base year 2021 the mid-2022 births are in the file, left out as the
    data stood then; the nowcast note said they 'are not in the births file', beside the note
    that the file's mid-2022 births are not used."""
    from conftest import edited_model

    from sufficiency import load_inputs, load_model

    def nowcast_note(subs, name):
        notes = load_inputs(load_model(edited_model(tmp_path, subs, name=name))).notes
        (n,) = [n for n in notes if n.startswith("Births for mid-")]
        return n

    early = nowcast_note([("seed = 20240101", "seed = 20240101\nbase_year = 2021")], "e.toml")
    assert early.startswith("Births for mid-2022 (July 2021 to June 2022; Reception in 2026/27)")
    assert "left out as the data stood at the base year" in early
    assert "not in the births file" not in early
    default = nowcast_note([], "d.toml")  # the default model's note is as it was
    assert default.startswith("Births for mid-2023") and "are not in the births file" in default


def test_a_projection_gap_from_an_earlier_base_year_says_why(tmp_path):
    """REAL model, SYNTHETIC projection from mid-2024: from base year 2021 the births stop at
    mid-2021 (nowcast mid-2022), so mid-2023 has none; the error said only that the births
    data and the projection leave it out, as if the file lacked it. It now says the base year
    cut the births there; from the default base year the same projection runs."""
    from conftest import edited_model
    from test_births_projection import LOOKUP, _projection

    from sufficiency import load_inputs, load_model
    from sufficiency.exceptions import SchemaError

    line = _projection(tmp_path, years=range(2024, 2036))
    early = edited_model(
        tmp_path,
        [(LOOKUP, line + LOOKUP), ("seed = 20240101", "seed = 20240101\nbase_year = 2021")],
    )
    with pytest.raises(SchemaError) as exc:
        load_inputs(load_model(early))
    msg = str(exc.value)
    for needle in ("births_projection.csv: column 'year'", "mid-2023", "base_year = 2021"):
        assert needle in msg, (needle, msg)
    assert "births data end at mid-2021" in msg
    default = edited_model(tmp_path, [(LOOKUP, line + LOOKUP)], name="d.toml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert load_inputs(load_model(default)).births_projection is not None


def test_an_earlier_base_year_still_says_the_data_are_old_for_the_reports_date():
    """From base year 2021 with data to 2022/23, a report dated November 2026 still says that
    no census for 2023/24 to 2026/27 is in the data (the base-year note replaced that one);
    dated within a year of the data, it does not."""
    from sufficiency.report.build import _timing_notes

    note = _timing_notes("2026-11-30", 2021, None, 2022)[0]
    assert note.startswith("The forecast is made from 2021/22")
    assert "no census for 2023/24 to 2026/27 is in the data" in note
    assert "no census" not in _timing_notes("2023-11-30", 2021, None, 2022)[0]


def test_area_definitions_say_the_pages_are_at_the_central_forecast_under_a_quantile_plan(
    report_run,
):
    """REAL report (the default run) with its meta's plan demand set as a P90 run sets it."""
    import dataclasses

    from sufficiency.report.tables import area_table_definitions

    data = report_run[2]
    assert "quantile of demand" not in area_table_definitions(data)
    p90 = dataclasses.replace(data, meta={**data.meta, "plan_demand": "q0.9"})
    text = area_table_definitions(p90)
    assert "With the plan made for the 0.9 quantile of demand, 'short with plan'" in text
    assert "are at the central forecast" in text


def test_reception_as_schools_write_it():
    """A Telford and Wrekin trial's offers export wrote Reception "Year R" and "YR"."""
    from sufficiency.nomenclature import parse_ncy_label

    for label in ("Year R", "YR", "Yr R", "Y R", "Year Reception", "year rec"):
        assert parse_ncy_label(label) == 0, label
    assert parse_ncy_label("Yr 7") == 7 and parse_ncy_label("Year") is None
    assert parse_ncy_label("Ry") is None


def test_every_reader_says_a_workbook_is_a_workbook(tmp_path):
    """A SYNTHETIC xlsx saved under a .csv name, read as a tidy pupils table."""
    import zipfile

    from sufficiency.io.tidy import read_tidy

    p = tmp_path / "pupils.csv"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(SchemaError) as exc:
        read_tidy(p, "pupils")
    msg = str(exc.value)
    assert "is an Excel workbook (xlsx), not a CSV file (a workbook with a .csv name)" in msg
    assert "Save As" in msg and "binary" not in msg
