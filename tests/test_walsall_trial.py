"""Findings of a Walsall trial (a starting model from ``sufficiency new 335``: a metropolitan
borough with 11 primary and 4 secondary planning areas, a grammar school, a studio school and
a university technical college), checked on models written by ``sufficiency new`` from the
embedded data (real data) or on small edits of them, labelled as such."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from conftest import new_model

from sufficiency.config import load_model
from sufficiency.exceptions import SufficiencyWarning

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    """``sufficiency new 335``: Walsall's starting model (real data)."""
    return new_model(tmp_path_factory.mktemp("wsl"), 335, "walsall")


def _named(written: Path) -> Path:
    """The starting model with every area's ``# TODO name`` stand-in replaced, as an analyst
    does first (the names here are the trial's, from each area's schools)."""
    text = written.read_text()
    text, n = re.subn(
        r'name = "Planning area (\d+) \((primary|secondary)\)"  # TODO name',
        r'name = "Area \1"',
        text,
    )
    assert n == 15
    out = written.parent / "named.toml"
    out.write_text(text)
    return out


def _todo_warning(path: Path) -> str:
    from sufficiency.inputs import _todo_note

    return _todo_note(load_model(path))


def test_naming_every_area_clears_the_area_names_todo(written):
    # the analyst replaced all 15 stand-in names, yet every command still warned of
    # "stand-ins for area names": the block comment above the areas said "TODO names" too,
    # a to-do nothing but deleting the comment could clear
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SufficiencyWarning)
        note = _todo_warning(_named(written))
    assert note and "area names" not in note
    assert "transfer shares" in note  # the 11 transfer stand-ins are still there


def test_studio_school_and_utc_are_flagged(written):
    # Walsall Studio School (14-19) and Black Country UTC (14-19) are coded as ordinary
    # secondary schools in the SCAP file: their 780 places count as Year 7-13 places of areas
    # 3351003 and 3351004 (480 of them at a UTC with 132 on roll), and the starting model said
    # nothing of it
    text = " ".join(line.lstrip("# ") for line in written.read_text().splitlines())
    found = re.search(r"TODO studio schools and UTCs: (.*?) recruit at Year 10", text)
    assert found, text[:3000]
    assert found.group(1) == (
        "Walsall Studio School (3351003: 300 places, 167 on roll); "
        "Black Country UTC (3351004: 480 places, 132 on roll)"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SufficiencyWarning)
        assert "studio schools and UTCs" in _todo_warning(written)


def test_one_grammar_area_is_said_in_the_singular(written):
    text = " ".join(written.read_text().split())
    assert "TODO selective schools: area 3351002 holds a grammar school (by" in text


def test_backtest_takes_the_model_as_every_other_command_does(written, tmp_path):
    # `sufficiency backtest walsall.toml` (as forecast, send, plan and report are run) said
    # only "Missing option '--pupils'": the analyst had to find the census, births, lookup and
    # scorecards files and the authority's ONS code the model already names
    from click.testing import CliRunner

    from sufficiency.cli import cli

    data = DATA  # new_model writes the embedded data's paths
    by_model = CliRunner().invoke(cli, ["backtest", str(written), "--out", str(tmp_path / "m.csv")])
    assert by_model.exit_code == 0, by_model.output
    by_hand = CliRunner().invoke(
        cli,
        [
            "backtest",
            "--pupils",
            str(data / "census_pupils_by_ncy_2011_2022.csv"),
            "--births",
            str(data / "births_by_district_1992_2023.csv"),
            "--lookup",
            str(data / "district_to_la_west_midlands.csv"),
            "--scorecards",
            str(data / "school_places_scorecards"),
            "--areas",
            "E08000030",
            "--out",
            str(tmp_path / "h.csv"),
        ],
    )
    assert by_hand.exit_code == 0, by_hand.output
    assert "Backtest: 1 of 14 authorities scored (E08000030; fitted on all)" in by_model.output
    assert "Against the authority's own forecasts: model won 6 of 8" in by_model.output
    strip = [line for line in by_model.output.splitlines() if not line.startswith("Wrote")]
    assert strip == [line for line in by_hand.output.splitlines() if not line.startswith("Wrote")]
    assert (tmp_path / "m.csv").read_text() == (tmp_path / "h.csv").read_text()


def test_backtest_of_a_model_without_the_census_file_says_what_to_give(written, tmp_path):
    # SYNTHETIC edit: a model whose pupils are its own tidy file cannot be refitted on the
    # other authorities
    from click.testing import CliRunner

    from sufficiency.cli import cli

    text = written.read_text()
    line = next(x for x in text.splitlines() if x.startswith("pupils = "))
    tidy = written.parent / "pupils.csv"
    tidy.write_text("area,year,ncy,pupils\n")
    bad = written.parent / "tidy_pupils.toml"
    bad.write_text(text.replace(line, f'pupils = {{ path = "{tidy.name}", reader = "tidy" }}'))
    res = CliRunner().invoke(cli, ["backtest", str(bad)])
    assert res.exit_code == 2
    msg = " ".join(res.output.split())
    assert "[data] pupils (reader = 'tidy')" in msg and "give that file as --pupils" in msg
    assert (
        "Missing option '--pupils' (or give a model definition"
        in CliRunner().invoke(cli, ["backtest"]).output
    )


def _edited(written: Path, old: str, new: str, name: str) -> Path:
    """The written model with one edit, beside it (its data paths stay valid)."""
    text = written.read_text()
    assert old in text, old
    out = written.parent / name
    out.write_text(text.replace(old, new, 1))
    return out


_FIRST_TRANSFER = 'transfer = "equal"  # TODO transfers'


@pytest.mark.parametrize(
    ("new", "said"),
    [
        # SYNTHETIC edits of Walsall's first primary area: a new analyst's mistakes
        ('transfer = { "3351001" = 50, "3351004" = 50 }  #', "if 50 is a percentage, write 0.5"),
        ('transfer = "equals"  #', """transfer = 'equals' (did you mean "equal"?)"""),
    ],
)
def test_transfer_mistakes_say_the_fix(written, new, said):
    from sufficiency.exceptions import ConfigError

    bad = _edited(written, _FIRST_TRANSFER, new, "bad_transfer.toml")
    with pytest.raises(ConfigError) as e:
        load_model(bad)
    assert "[[areas]] 3350001" in str(e.value) and said in str(e.value), str(e.value)


def test_a_blank_capacity_cell_is_called_blank_not_nan(written):
    # SYNTHETIC: Walsall's capacity as a tidy file with Walsall Studio School's capacity
    # emptied; the error said "missing value (value(s) nan)"
    import sufficiency.io as sio
    from sufficiency.exceptions import SchemaError

    cap = sio.read_scap_capacity(DATA / "scap_2015_school_capacity.csv", la_codes=[335]).data
    cols = ["school", "area", "phase", "ncy_min", "ncy_max", "capacity", "school_name", "roll"]
    cap = cap[cols].copy()
    cap["capacity"] = cap["capacity"].astype(object)
    row = cap.index[cap["school_name"] == "Walsall Studio School"][0]
    cap.loc[row, "capacity"] = ""
    path = written.parent / "capacity.csv"
    cap.to_csv(path, index=False)
    line = cap.index.get_loc(row) + 2
    with pytest.raises(SchemaError) as e:
        sio.read_tidy(path, "capacity")
    msg = str(e.value).splitlines()[0]
    assert f"column 'capacity': missing value (blank) in 1 row(s) (line(s) {line})" in msg, msg
    assert "nan" not in msg


def test_a_mistyped_old_la_code_names_the_model_key_and_the_code_expected(written):
    # SYNTHETIC edit: old_la_code = 355 for 335; the error was the SCAP reader's "no schools
    # with LA1 in [355]", naming neither the model file nor its key
    from sufficiency.exceptions import ConfigError
    from sufficiency.inputs import load_inputs

    bad = _edited(written, "old_la_code = 335", "old_la_code = 355", "bad_la.toml")
    with pytest.raises(ConfigError) as e:
        load_inputs(load_model(bad))
    msg = str(e.value)
    assert (
        f"{bad.name}: [model] old_la_code = 355: the capacity file "
        "scap_2015_school_capacity.csv has no schools of that LA number"
    ) in msg, msg
    assert "old_la_code = 335?" in msg


def test_data_list_says_the_todo_note_once(written):
    # `sufficiency data list` printed the TODO warning and then the same sentence as a note
    from click.testing import CliRunner

    from sufficiency.cli import cli

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = CliRunner().invoke(cli, ["data", "list", str(written)])
    assert res.exit_code == 0, res.output
    warned = [str(w.message) for w in caught if "TODO comments (" in str(w.message)]
    assert len(warned) == 1
    assert "TODO comments (" not in res.output, res.output


@pytest.mark.parametrize(
    ("typed", "gbp"),
    [
        ("5m", 5e6),
        ("£5m", 5e6),
        ("5,000,000", 5e6),
        ("250k", 2.5e5),
        ("1.2bn", 1.2e9),
        ("5e6", 5e6),
        ("5000000", 5e6),
    ],
)
def test_budget_takes_an_amount_as_a_budget_paper_writes_it(typed, gbp):
    # `plan --budget 5m` was "'5m' is not a valid float"
    from sufficiency.cli.plan import _BUDGET

    assert _BUDGET.convert(typed, None, None) == pytest.approx(gbp)


def test_budget_not_an_amount_says_what_is_expected(written):
    from click.testing import CliRunner

    from sufficiency.cli import cli

    res = CliRunner().invoke(cli, ["plan", str(written), "--budget", "5x"])
    assert res.exit_code == 2
    assert (
        "Invalid value for '--budget': '5x': expected an amount in GBP >= 0, e.g. 20e6, "
        "20000000 or 20m"
    ) in res.output


def test_a_past_count_is_printed_without_a_range_of_itself():
    # `send` printed "534 (534-534)" for 2024/25's count and `early-years` "626 (626-626)"
    from sufficiency._values import value_and_range

    assert value_and_range(534.0, 534.0, 534.0) == "534"
    assert value_and_range(534.2, 533.8, 534.4) == "534"
    assert value_and_range(676.0, 266.0, 1721.0) == "676 (266-1,721)"


def test_send_table_of_walsall_has_no_collapsed_ranges(written):
    from click.testing import CliRunner

    from sufficiency.cli import cli

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SufficiencyWarning)
        res = CliRunner().invoke(cli, ["send", str(written)])
    assert res.exit_code == 0, res.output
    table = res.output.split("Shortfall")[0]
    # 393-1,421 with each age group's range from its own errors (since 29 November 2026;
    # 266-1,721 with the errors pooled over the age groups before)
    assert "534 (534-534)" not in table and re.search(r"trend +534 +676 \(393-1,421\)", table)


def test_studio_colleges_are_flagged_too(tmp_path):
    # Birmingham's Waverley Studio College is a studio school by another name
    from sufficiency.scaffold import new_model_text

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SufficiencyWarning)
        text = " ".join(
            line.lstrip("# ")
            for line in new_model_text(330, DATA, tmp_path / "birmingham.toml").splitlines()
        )
    assert (
        "TODO studio schools and UTCs: Waverley Studio College (3300014: 300 places, 162 on "
        "roll) recruits at Year 10 or 12 (by its name)"
    ) in text


def test_quantile_as_a_percentage_is_told_its_fraction(written):
    from click.testing import CliRunner

    from sufficiency.cli import cli

    res = CliRunner().invoke(cli, ["plan", str(written), "--quantile", "80"])
    assert res.exit_code == 2
    assert (
        "'--quantile': 80: expected a quantile of demand strictly between 0 and 1, e.g. "
        "0.8; for the 80th percentile write 0.8"
    ) in " ".join(res.output.split())
