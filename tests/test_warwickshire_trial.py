"""Findings of a Warwickshire trial (a starting model from ``sufficiency new 937``), checked on
the shipped Worcestershire model (``models/worcestershire.toml``, real data in ``data/``) or on
small synthetic frames, labelled as such."""

from __future__ import annotations

import re

import pytest
from conftest import edited_model

from sufficiency.config import load_model
from sufficiency.exceptions import ConfigError

_OPTION_AREA = 'name = "Worcester City new 600-place 11-16 school"\narea = "8850031"'


def _error(tmp_path, subs) -> str:
    with pytest.raises(ConfigError) as err:
        load_model(edited_model(tmp_path, subs))
    msg = str(err.value)
    assert "\n" not in msg, msg
    return msg


def test_option_area_given_by_its_name_suggests_the_code_of_the_options_phase(tmp_path):
    # "Worcester City" names both a primary (8850015) and a secondary (8850031) area: the
    # secondary option is pointed at the secondary one, and the secondary codes are listed
    # (before: "expected a planning area of the model ([[areas]] code)", no code at all)
    msg = _error(tmp_path, [(_OPTION_AREA, _OPTION_AREA.replace('"8850031"', '"Worcester City"'))])
    assert (
        "[[plan.options]] #1 (Worcester City new 600-place 11-16 school) area = 'Worcester City'"
        in msg
    )
    hint = re.search(r"did you mean ([^?]+)\?", msg)
    assert hint and hint.group(1).startswith("8850031"), msg
    assert "8850015" not in hint.group(1), msg
    listed = msg.split("one of the secondary areas ", 1)[1]
    assert "8850031" in listed and "8850015" not in listed, msg


def test_adjacency_area_typo_suggests_and_lists_the_codes(tmp_path):
    # a neighbouring pair with the destination's digits swapped (8850013 for 8850031)
    adjacency = (
        '\n[[plan.adjacency]]\nfrom = "8850015"\nto = "8850051"\nphase = "primary"\n'
        "max_share = 0.1\ncost_per_pupil = 1000.0\n\n[[plan.options]]"
    )
    msg = _error(tmp_path, [("\n[[plan.options]]", adjacency)])
    assert "[[plan.adjacency]] #1 to = '8850051'" in msg, msg
    assert "did you mean" in msg and "one of the primary areas" in msg, msg
    assert "8850015" in msg.split("one of the primary areas ", 1)[1], msg


@pytest.fixture(scope="module")
def worcs_report():
    """The Worcestershire inputs in a report with no results (real data), for commentary on
    stand-in early years frames."""
    import warnings

    from conftest import MODEL

    from sufficiency import load_inputs
    from sufficiency.report import build_report

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        inputs = load_inputs(load_model(MODEL))
        return build_report(
            inputs, missing={"plan": "not run in this test"}, report_date="2026-11-29"
        )


def _early_years_standin(base: int, now: dict, then: dict):
    """SYNTHETIC early years places of one area, by age group, in the base year and ten years
    on (the figures are made up; only their direction matters)."""
    import pandas as pd

    rows = [
        {
            "area": "X",
            "year": y,
            "age": a,
            "entitlement": "all",
            "children": 2 * v,
            "places": v,
            "places_lower": 0.9 * v,
            "places_upper": 1.1 * v,
            "supply": float("nan"),
            "shortfall": float("nan"),
            "kind": "projected",
        }
        for y, d in ((base, now), (base + 10, then))
        for a, v in d.items()
    ]
    return pd.DataFrame(rows)


def test_early_years_commentary_tells_a_falling_total_as_a_fall(worcs_report):
    import dataclasses

    from sufficiency.report.text import early_years_commentary

    base = worcs_report.meta["base_year"]
    falling = dataclasses.replace(
        worcs_report,
        early_years=_early_years_standin(
            base, {"2": 508.0, "3_4": 6233.0}, {"2": 510.0, "3_4": 6146.0}
        ),
    )
    first = early_years_commentary(falling)[0]
    assert "the growth is in" not in first, first
    assert (
        "; the fall is in 3- and 4-year-olds (from 6,233 to 6,146), while 2-year-olds "
        "(from 508 to 510) rise." in first
    ), first
    rising = dataclasses.replace(
        worcs_report,
        early_years=_early_years_standin(
            base, {"2": 508.0, "3_4": 6233.0}, {"2": 610.0, "3_4": 6146.0}
        ),
    )
    assert "; the growth is in 2-year-olds (from 508 to 610)" in early_years_commentary(rising)[0]


def test_send_area_share_given_by_its_name_suggests_the_code(tmp_path):
    # before: "unknown planning area 'Bewdley'; expected [[areas]] codes", no code at all
    msg = _error(tmp_path, [("[send]\n", '[send]\narea_shares = { "Bewdley" = 1.0 }\n')])
    assert "[send] area_shares: unknown planning area 'Bewdley'" in msg, msg
    assert "did you mean 8850001 (Bewdley)" in msg, msg


def test_binding_constraints_csv_writes_years_as_whole_numbers(inputs, tmp_path):
    """A Warwickshire trial's binding_constraints.csv read "2027.0": rows over the whole plan
    (a module limit, a total budget) have no year, which made the column float. The plan is
    the real Worcestershire catalogue against synthetic demand (the stub of
    tests/test_optimise_plan.py); the binding rows are a SYNTHETIC stand-in with one of each."""
    import dataclasses

    import pandas as pd
    from test_optimise_plan import StubForecast

    from sufficiency.optimise import plan

    r = plan(inputs, StubForecast(inputs), appraise=False)
    binding = pd.DataFrame(
        {
            "family": ["lead_time", "module_limit"],
            "scenario": [None, None],
            "area": ["8850031", "8850031"],
            "phase": ["secondary", "secondary"],
            "year": [2027.0, float("nan")],
            "option": ["a", "b"],
            "detail": ["earliest 2028/29", "its only module used"],
        }
    )
    written = dataclasses.replace(r, binding=binding).write(tmp_path)
    text = next(p for p in written if p.name == "binding_constraints.csv").read_text()
    assert "2027.0" not in text, text
    rows = text.splitlines()[1:]
    assert rows[0].split(",")[4] == "2027" and rows[1].split(",")[4] == "", text
    assert binding["year"].dtype == float  # the result's own frame is left as it was


def test_years_before_the_plan_count_areas_as_plan_summary_does(worcs_report):
    """The report and plan_summary.txt agree on the places short before the plan's first
    year: an area short by under half a place is in neither (a Warwickshire trial read
    "2,649 ... in 20 planning areas" in the report and "2,648 primary (19 areas)" in
    plan_summary.txt). SYNTHETIC sufficiency rows of two areas."""
    import dataclasses

    import pandas as pd

    from sufficiency.report.text import _before_plan_sentences

    base = worcs_report.meta["base_year"]
    suff = pd.DataFrame(
        {
            "area": ["8850001", "8850002"],
            "phase": ["primary", "primary"],
            "year": [base + 4, base + 4],
            "shortfall": [0.38, 100.2],
        }
    )
    data = dataclasses.replace(
        worcs_report, sufficiency=suff, meta={**worcs_report.meta, "plan_first_year": base + 5}
    )
    text = _before_plan_sentences(data)[0]
    assert "100 primary places short in 1 planning area" in text, text


def test_new_model_names_the_areas_with_grammar_schools(tmp_path):
    """`sufficiency new 937` (Warwickshire, real SCAP 2015 data) points the analyst at the
    areas whose schools are named grammar schools (Alcester Grammar School in 9370049,
    Stratford Girls' Grammar School in 9370051) and at the docs on selective schools;
    Worcestershire, with none, gets no such note."""
    from conftest import DATA

    from sufficiency.scaffold import new_model_text

    def note(code):
        text = new_model_text(code, DATA, tmp_path / "m.toml")
        return " ".join(line.lstrip("# ") for line in text.splitlines() if line.startswith("#"))

    warks = note(937)
    assert "TODO selective schools: areas 9370049, 9370051 hold grammar schools" in warks, warks
    assert '"Selective (grammar) schools"' in warks
    assert "TODO selective schools" not in note(885)


def test_validate_shows_the_authority_pupils_once(inputs):
    """`sufficiency validate` printed the authority's first and last years by year group,
    then the table of every year with the same figures (real Worcestershire inputs)."""
    from sufficiency.validation import summarise_inputs

    lines = summarise_inputs(inputs).splitlines()
    i = next(k for k, line in enumerate(lines) if line.startswith("authority_pupils:"))
    assert lines[i + 1].strip() == "authority pupils by year group (January census):", lines[
        i : i + 3
    ]
    first = min(inputs.authority_pupils["year"])
    label = f"{first}/{str(first + 1)[-2:]}"
    assert sum(line.strip().startswith(label) for line in lines[i : i + 20]) == 1, lines[i : i + 20]
