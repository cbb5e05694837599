"""Findings of a Telford and Wrekin trial (a starting model from ``sufficiency new E06000020``:
a unitary authority with 7 primary planning areas and one secondary planning area, which has
the whole of its phase), checked on the model written by ``sufficiency new`` from the embedded
data (real data) or on small synthetic frames, labelled as such."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from conftest import new_model

from sufficiency.config import load_model
from sufficiency.exceptions import SufficiencyWarning


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    """``sufficiency new E06000020``: Telford and Wrekin's starting model (real data)."""
    return new_model(tmp_path_factory.mktemp("tfw"), "E06000020", "telford")


@pytest.fixture(scope="module")
def inputs(written):
    from sufficiency.inputs import load_inputs

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SufficiencyWarning)
        return load_inputs(load_model(written))


def test_the_derived_history_note_names_the_area_that_is_the_census_count(inputs):
    # 7 primary areas are apportioned, but the one secondary area has the whole of its phase:
    # its rows are the census's own count (kind "actual"), yet every note (validate, forecast
    # notes.txt, the report's Method) said only "It is not observed data"
    kinds = inputs.pupils.groupby("area")["kind"].agg(set)
    assert kinds["8940008"] == {"actual"} and kinds["8940001"] == {"derived"}
    note = next(n for n in inputs.notes if n.startswith("Planning-area pupil history is derived"))
    assert "It is not observed data." in note
    assert "planning area 8940008 (secondary) has the whole of its phase" in note
    assert "8940001" not in note
    prov = next(p for p in inputs.provenance if p.table == "pupils_by_area")
    assert "8940008 (secondary)" in prov.note


def test_send_backtest_summary_prints_no_nan():
    # synthetic backtest rows: the 2022 release's 80% ranges are unscored (covered_80 missing),
    # and `sufficiency send --backtest` printed "NaN" in its coverage_80 column
    import numpy as np
    import pandas as pd

    from sufficiency.cli.send import backtest_text
    from sufficiency.send import backtest_table

    rows = [
        {
            "release": rel,
            "horizon": 1,
            "area": f"E0{i}",
            "err_naive": -0.05,
            "err_trend": 0.02,
            "err_national": 0.04,
            "err_stops": -0.03,
            "covered_80": np.nan if rel == 2022 else bool(i % 2),
        }
        for rel in (2022, 2025)
        for i in range(4)
    ]
    text = backtest_text(backtest_table(pd.DataFrame(rows)))
    assert "NaN" not in text and "nan" not in text
    assert "- for the 2022 release: not scored" in text
    assert "50.0" in text  # the 2025 release's coverage is still shown


def test_backtest_by_ncy_scores_the_summarised_authority():
    # `sufficiency backtest MODEL --by-ncy` printed its year-group table under the summary of
    # the model's one authority as "Median absolute error by year group": it pooled all 14
    # authorities, and mixed "1.7%" with "1.74%"; it now scores what the summary scores
    from click.testing import CliRunner

    from sufficiency.cli import cli

    data = Path(__file__).resolve().parents[1] / "data"
    res = CliRunner().invoke(
        cli,
        [
            "backtest",
            "--pupils",
            str(data / "census_pupils_by_ncy_2011_2022.csv"),
            "--births",
            str(data / "births_by_district_1992_2023.csv"),
            "--lookup",
            str(data / "district_to_la_west_midlands.csv"),
            "--origins",
            "2021",
            "--horizons",
            "1",
            "--areas",
            "E06000020",
            "--by-ncy",
        ],
    )
    assert res.exit_code == 0, res.output
    head, table = res.output.split("Median absolute error by year group", 1)
    assert "1 of 14 authorities scored (E06000020" in head
    assert table.startswith(" (of the authorities and target years summarised above)")
    cells = re.findall(r"\d+\.\d+%", table)
    assert cells and all(re.fullmatch(r"\d+\.\d\d%", c) for c in cells)


def test_starting_model_says_the_cost_benchmarks_are_regional(written):
    # the starting model said its catalogue was "priced with the DfE cost per place benchmarks
    # for the authority": the scorecards give every West Midlands authority the same figures
    # (Telford and Wrekin's CPP_P_NS, 2024/25, is Worcestershire's and Birmingham's)
    import pandas as pd

    data = Path(__file__).resolve().parents[1] / "data" / "school_places_scorecards"
    sc = pd.read_csv(data / "2025_scorecard_data_2025_2023.csv", dtype=str)
    row = sc[(sc["Year"] == "2024/25") & (sc["Region"] == "West Midlands")]
    assert row["CPP_P_NS"].nunique() == 1 and len(row) > 1
    text = written.read_text()
    plan = text[text.index("# [plan]:") : text.index("\n[plan]")]
    assert "benchmarks for the authority" not in plan
    assert "regional figures" in plan and "[[plan.options]]" in plan


def test_housing_note_is_in_words(inputs):
    # the forecast's housing note (in notes.txt and the report's Method) printed the yields as
    # a Python dict, "{'primary': 20.0, 'secondary': 15.0, 'sixth_form': 6.0}", and the
    # arrival profile as a list; a small synthetic trajectory in one primary area of the model
    from dataclasses import replace

    import pandas as pd

    from sufficiency.forecast import run_forecast

    housing = pd.DataFrame(
        {
            "area": ["8940002"],
            "year": [2024],
            "dwellings": [120.0],
            "site": ["a site"],
            "source": ["test"],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SufficiencyWarning)
        res = run_forecast(replace(inputs, housing=housing))
    note = next(n for n in res.notes if n.startswith("Housing: pupils from dwelling"))
    assert "{" not in note and "[" not in note and "sixth_form" not in note
    assert "20 primary, 15 secondary and 6 sixth-form pupils" in note
    assert "50% in the year of completion" in note
    assert res.to_frame()["housing"].sum() > 0


def _with_capacity(written: Path, frame, name: str) -> Path:
    """The starting model reading a tidy capacity file (``roll`` is optional in that layout)
    instead of the SCAP file, as the report asks officers to supply current capacity."""
    folder = written.parent
    frame.to_csv(folder / f"{name}.csv", index=False)
    text = re.sub(
        r"^capacity = .*$",
        f'capacity = {{ path = "{name}.csv", reader = "tidy" }}',
        written.read_text(),
        count=1,
        flags=re.M,
    )
    out = folder / f"{name}.toml"
    out.write_text(text)
    return out


def _quiet_inputs(path: Path):
    """The model's inputs, its draft-model warnings silenced."""
    from sufficiency.inputs import load_inputs

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SufficiencyWarning)
        return load_inputs(load_model(path))


@pytest.fixture(scope="module")
def tidy_capacity(inputs):
    """The model's SCAP 2015 capacity in the tidy layout (real data)."""
    cols = ["school", "school_name", "area", "phase", "ncy_min", "ncy_max", "capacity", "roll"]
    return inputs.capacity[cols].copy()


def test_derived_history_without_rolls_is_an_error_naming_file_and_column(written, tidy_capacity):
    # a tidy capacity file without the optional roll column, with the default derived history:
    # a traceback, KeyError: 'Column not found: roll'
    from sufficiency.exceptions import SchemaError
    from sufficiency.inputs import load_inputs

    path = _with_capacity(written, tidy_capacity.drop(columns=["roll"]), "cap_noroll")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SufficiencyWarning)
        with pytest.raises(SchemaError) as err:
            load_inputs(load_model(path))
    msg = str(err.value)
    assert "cap_noroll.csv" in msg and "column 'roll'" in msg and "pupils_by_area" in msg


def test_derived_history_warns_of_schools_without_a_roll(written, tidy_capacity):
    from sufficiency.inputs import load_inputs

    cap = tidy_capacity.copy()
    cap["roll"] = cap["roll"].astype(float)
    cap.loc[cap.index[3], "roll"] = float("nan")
    school = str(cap.loc[cap.index[3], "school"])
    path = _with_capacity(written, cap, "cap_partroll")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_inputs(load_model(path))
    msgs = [str(w.message) for w in caught if "without pupils on roll" in str(w.message)]
    assert (
        len(msgs) == 1 and "cap_partroll.csv" in msgs[0] and f"school {school} (line 5)" in msgs[0]
    )


def test_notes_name_the_capacity_file_whose_rolls_derive_the_history(written, tidy_capacity):
    # with the Council's own capacity file (tidy layout, with rolls) every note and source
    # still said the history was apportioned by "the DfE SCAP 2015 school capacity file"

    got = _quiet_inputs(_with_capacity(written, tidy_capacity, "cap_current"))
    derived = [n for n in got.notes if "derived" in n and ("apportioned" in n or "Births by" in n)]
    assert len(derived) == 2
    assert all("cap_current.csv" in n and "SCAP 2015" not in n for n in derived)
    sources = set(got.pupils["source"]) | set(got.births["source"])
    assert not any("SCAP 2015" in s for s in sources)
    assert any("cap_current.csv" in s for s in sources)


def test_send_interval_note_says_whose_error_it_is(inputs):
    # "a typical error of 21% 1 year ahead" beside `send --backtest`'s Telford and Wrekin total
    # errors of 0.6% and 1.8% one year ahead: the 21% is of one age group's plans
    from sufficiency.send import forecast_send

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SufficiencyWarning)
        res = forecast_send(inputs, horizon=3)
    note = next(n for n in res.notes if n.startswith("Intervals: 80%"))
    assert re.search(r"a typical error of \d+% 1 year ahead", note)
    assert "errors of one age group's plans" in note and "not of the total" in note


def _with_pupils_by_area(written: Path, frame, name: str) -> Path:
    folder = written.parent
    frame.to_csv(folder / f"{name}.csv", index=False)
    text = re.sub(
        r"^pupils_by_area = .*$",
        f'pupils_by_area = {{ path = "{name}.csv", reader = "tidy" }}',
        written.read_text(),
        count=1,
        flags=re.M,
    )
    out = folder / f"{name}.toml"
    out.write_text(text)
    return out


def test_pupils_by_area_that_disagree_with_the_census_are_warned_of(written, inputs):
    # the Council's own pupils by area beside the authority's census: an extract 10% over the
    # census in one year (a school of another authority in it, say) loaded without a word
    from sufficiency.inputs import load_inputs

    own = inputs.pupils[["area", "year", "ncy", "pupils"]].copy()
    own["pupils"] = own["pupils"].round()
    cases = {
        "own_ok": own,
        "own_off": own.assign(
            pupils=own["pupils"].where(own["year"] != 2019, (own["pupils"] * 1.1).round())
        ),
    }
    said = {}
    for name, frame in cases.items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            load_inputs(load_model(_with_pupils_by_area(written, frame, name)))
        said[name] = [
            str(w.message)
            for w in caught
            if "differ from the authority's January census" in str(w.message)
        ]
    assert said["own_ok"] == []
    assert len(said["own_off"]) == 1
    msg = said["own_off"][0]
    assert "own_off.csv" in msg and "census_pupils_by_ncy_2011_2022.csv" in msg
    assert "1 year of 12 (2019/20 " in msg and "(+10.0%)" in msg


def test_report_names_the_capacity_file_whose_rolls_derive_the_history(
    written, inputs, tidy_capacity
):
    # with the Council's own capacity file, the area pages still said "authority totals
    # apportioned by 2015 school rolls" and the cover's data vintage "capacity: local
    # authority", with no file or year
    from sufficiency.report.build import capacity_vintage, rolls_phrase

    got = _quiet_inputs(_with_capacity(written, tidy_capacity, "cap_report"))
    assert rolls_phrase(got) == "the school rolls in the capacity file cap_report.csv"
    assert rolls_phrase(inputs) == "2015 school rolls"
    own = [capacity_vintage(p) for p in got.provenance if p.table == "capacity"]
    assert own and all("cap_report.csv" in v for v in own), own
    dfe = [capacity_vintage(p) for p in inputs.provenance if p.table == "capacity"]
    assert dfe and all(v.startswith("DfE") for v in dfe), dfe


def test_validate_warns_when_the_census_exceeds_the_capacity_on_record(inputs):
    # validate said "No problems found" while Telford and Wrekin's 2022/23 secondary pupils
    # (Y7-Y13) were 6% above the 2014/15 secondary places; only the report said so
    from dataclasses import replace

    from sufficiency.validation import capacity_behind_census

    census = inputs.authority_pupils
    now = census[census["year"] == census["year"].max()]
    pupils = now.loc[now["ncy"].between(7, 13), "pupils"].sum()
    places = inputs.capacity.loc[inputs.capacity["phase"] == "secondary", "capacity"].sum()
    assert pupils > places * 1.02  # the real data
    lines = capacity_behind_census(inputs)
    assert len(lines) == 1 and f"{pupils:,.0f} secondary pupils (Y7-Y13)" in lines[0]
    assert f"{places:,.0f} secondary places of 2014/15" in lines[0]
    # with places enough for every pupil there is nothing to say
    more = inputs.capacity.assign(capacity=inputs.capacity["capacity"] * 1.2)
    assert capacity_behind_census(replace(inputs, capacity=more)) == []
