"""Findings of a Dudley trial (a starting model from ``sufficiency new E08000027``: a
metropolitan borough with 5 primary and 5 secondary planning areas), checked on the model
written by ``sufficiency new`` from the embedded data (real data) or on small edits of it,
labelled as such."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd
import pytest
from conftest import new_model

from sufficiency.config import load_model
from sufficiency.exceptions import ConfigError, DataQualityWarning, SchemaError

DATA = Path(__file__).resolve().parents[1] / "data"
PRIMARY = [f"332000{i}" for i in range(1, 6)]
SECONDARY = [f"332000{i}" for i in range(6, 10)] + ["3320010"]


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    """``sufficiency new E08000027``: Dudley's starting model (real data)."""
    return new_model(tmp_path_factory.mktemp("dud"), "E08000027", "dudley")


def _edit(written: Path, name: str, old: str, new: str, count: int = 1) -> Path:
    """The starting model with ``old`` replaced by ``new`` (``count`` times, checked)."""
    text = written.read_text()
    assert text.count(old) >= count, old
    out = written.parent / name
    out.write_text(text.replace(old, new, count))
    return out


def _town_links(written: Path) -> Path:
    """Each primary area sends 80% of its Year 6 to one secondary area and 5% to each other
    (the trial's assumed town links, in place of ``transfer = "equal"``)."""
    text = written.read_text()
    for p, s in zip(PRIMARY, SECONDARY, strict=True):
        table = ", ".join(f'"{q}" = {0.8 if q == s else 0.05}' for q in SECONDARY)
        text, n = re.subn(
            rf'(code = "{p}"\n(?:.*\n)*?)transfer = "equal".*\n',
            rf"\g<1>transfer = {{ {table} }}\n",
            text,
            count=1,
        )
        assert n == 1
    out = written.parent / "links.toml"
    out.write_text(text)
    return out


def test_transfer_summary_says_how_split_tables_split(written):
    # validate and the report's assumptions table read "5 areas pass pupils on: all 5 split
    # it", leaving the reader asking "split it how?"
    value, where = load_model(_town_links(written)).transfer_summary()
    assert value.endswith("all 5 split it over 5 areas by the shares given"), value
    assert "admissions" in where
    # a model mixing one-area senders and split senders counts each kind
    mixed = _edit(
        _town_links(written),
        "mixed.toml",
        '"3320006" = 0.8, "3320007" = 0.05, "3320008" = 0.05, "3320009" = 0.05, "3320010" = 0.05',
        '"3320006" = 1.0',
    )
    value, _ = load_model(mixed).transfer_summary()
    assert "1 send their last year group to one area" in value
    assert "4 split it over 5 areas by the shares given" in value


@pytest.mark.parametrize(
    "old, new, key, hint",
    [
        ("margin = 0.02 ", 'margin = "2%" ', "margin = '2%'", "write 0.02, not '2%'"),
        (
            "surplus_ceiling = 0.10",
            'surplus_ceiling = "10 %"',
            "surplus_ceiling = '10 %'",
            "write 0.1, not '10 %'",
        ),
    ],
)
def test_a_share_written_as_a_percentage_string_says_what_to_write(written, old, new, key, hint):
    # margin = "2%" was told only "margin = '2%': expected float"
    bad = _edit(written, "pct.toml", old, new)
    with pytest.raises(ConfigError) as e:
        load_model(bad)
    msg = str(e.value)
    assert "\n" not in msg and str(bad) in msg and "[assumptions]" in msg and key in msg
    assert hint in msg and "expected a number" in msg and "float" not in msg


def test_a_transfer_share_written_as_a_percentage_string_says_what_to_write(written):
    bad = _edit(_town_links(written), "pct_transfer.toml", '"3320006" = 0.8,', '"3320006" = "80%",')
    with pytest.raises(ConfigError) as e:
        load_model(bad)
    msg = str(e.value)
    assert "[[areas]] 3320001" in msg and "transfer.\"3320006\" = '80%'" in msg
    assert "write 0.8, not '80%'" in msg and "\n" not in msg


def test_a_whole_number_key_given_as_text_says_a_whole_number(written):
    bad = _edit(written, "horizon.toml", "horizon = 10 ", 'horizon = "10" ')
    with pytest.raises(ConfigError, match=r"horizon = '10': expected a whole number$"):
        load_model(bad)


@pytest.fixture(scope="module")
def capacity_csv(tmp_path_factory) -> Path:
    """Dudley's SCAP 2015 schools as the tidy capacity layout (real data), as an analyst
    keeps current capacity."""
    raw = pd.read_csv(DATA / "scap_2015_school_capacity.csv", dtype=str)
    raw = raw[raw["LA1"] == "332"]
    prim = raw["Phase"] == "PS"
    assert set(raw["Phase"]) == {"PS", "SS"}
    out = pd.DataFrame(
        {
            "school": raw["LAEstab"],
            "area": raw["Primary PA code (2)"].where(prim, raw["Secondary PA code (2)"]),
            "phase": prim.map({True: "primary", False: "secondary"}),
            "ncy_min": prim.map({True: 0, False: 7}),
            "ncy_max": prim.map({True: 6, False: 13}),
            "capacity": raw["Netcapacity (1)"],
            "school_name": raw["Schoolname"],
            "roll": raw["MAYNOR"],
        }
    )
    path = tmp_path_factory.mktemp("dudcap") / "capacity.csv"
    out.to_csv(path, index=False)
    return path


def _with_capacity(written: Path, capacity: Path, name: str) -> Path:
    text = written.read_text()
    text, n = re.subn(
        r"capacity = \{ path = .*\}", f'capacity = {{ path = "{capacity}", reader = "tidy" }}', text
    )
    assert n == 1
    out = written.parent / name
    out.write_text(text)
    return out


def _edit_row(capacity: Path, row: int, column: str, value) -> tuple[Path, int, str]:
    """The capacity file with one cell changed; returns the file, its line and the school."""
    frame = pd.read_csv(capacity, dtype=str)
    frame.loc[row, column] = str(value)
    out = capacity.parent / f"bad_{column}_{row}.csv"
    frame.to_csv(out, index=False)
    return out, row + 2, frame.loc[row, "school"]


def test_a_roll_typed_ten_times_too_big_is_warned_of(written, capacity_csv):
    # a roll of 4060 for 406 passed validate in silence, and the derived history shares the
    # census out by the rolls
    from sufficiency.inputs import load_inputs

    frame = pd.read_csv(capacity_csv)
    row = int(frame.index[(frame["phase"] == "primary") & (frame["roll"] > 300)][0])
    roll = int(frame.loc[row, "roll"])
    bad, line, school = _edit_row(capacity_csv, row, "roll", roll * 10)
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        load_inputs(load_model(_with_capacity(written, bad, "roll.toml")))
    msgs = [
        str(w.message)
        for w in got
        if issubclass(w.category, DataQualityWarning)
        and "times as many pupils on roll as places" in str(w.message)
    ]
    assert len(msgs) == 1, [str(w.message) for w in got]
    assert str(bad) in msgs[0] and f"school {school}" in msgs[0] and f"(line {line})" in msgs[0]
    assert f"{roll * 10:,}" in msgs[0]
    # the real rolls raise no such warning (the largest is 1.07 times its school's places)
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        load_inputs(load_model(_with_capacity(written, capacity_csv, "ok.toml")))
    assert not [w for w in got if "times as many pupils on roll" in str(w.message)]


def test_swapped_year_groups_name_the_line(written, capacity_csv):
    # ncy_min 6, ncy_max 0 was named by school only
    frame = pd.read_csv(capacity_csv, dtype=str)
    frame.loc[3, "ncy_min"], frame.loc[3, "ncy_max"] = (
        frame.loc[3, "ncy_max"],
        frame.loc[3, "ncy_min"],
    )
    bad = capacity_csv.parent / "swapped.csv"
    frame.to_csv(bad, index=False)
    from sufficiency.inputs import load_inputs

    with pytest.raises(SchemaError) as e:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            load_inputs(load_model(_with_capacity(written, bad, "swapped.toml")))
    msg = str(e.value)
    assert f"first school {frame.loc[3, 'school']} (line 5)" in msg and "\n" not in msg


def test_a_missing_data_file_names_the_closest_file(written):
    # census_pupils_by_ncy_2011_2023.csv for ..._2022.csv was only "not found", where a
    # [send.files] or [early_years] file typed wrong is told the file meant
    bad = _edit(
        written,
        "missing.toml",
        "census_pupils_by_ncy_2011_2022.csv",
        "census_pupils_by_ncy_2011_2023.csv",
    )
    with pytest.raises(ConfigError) as e:
        load_model(bad)
    msg = str(e.value)
    assert str(bad) in msg and "[data.pupils]" in msg and "2011_2023.csv" in msg
    assert "(did you mean 'census_pupils_by_ncy_2011_2022.csv'?)" in msg and "\n" not in msg


def test_send_area_shares_written_as_percentages_say_what_to_write(written):
    from sufficiency.send import check_area_shares

    shares = {"3320001": "20%", "3320002": 0.2, "3320003": 0.2, "3320004": 0.2, "3320005": 0.2}
    with pytest.raises(ConfigError) as e:
        check_area_shares(shares, load_model(written))
    msg = str(e.value)
    assert "[send] area_shares.3320001 = '20%'" in msg and "write 0.2, not '20%'" in msg


@pytest.mark.parametrize("typed", ["E08000072", "E0800027", "Dudley", "323"])
def test_new_with_a_mistyped_code_or_the_name_suggests_the_authority(typed):
    # "Dudley" and E08000072 (two digits swapped) were told only the list of 14 authorities
    from sufficiency.scaffold import _resolve, authority_codes

    census = DATA / "census_pupils_by_ncy_2011_2022.csv"
    with pytest.raises(ConfigError) as e:
        _resolve(typed, authority_codes(census), census)
    msg = str(e.value)
    assert msg.startswith(f"unknown LA code {typed!r} (did you mean 332 or E08000027 (Dudley)?)")
    assert "\n" not in msg and "937 or E10000031 (Warwickshire)" in msg


def test_births_note_of_a_one_district_borough_says_so(written):
    # every output of a metropolitan borough read "ONS district births split across the
    # primary areas each district feeds", as if Dudley were a county of districts
    from sufficiency.inputs import load_inputs

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        notes = load_inputs(load_model(written)).notes
    note = [n for n in notes if n.startswith("Births by primary planning area are derived")]
    assert len(note) == 1
    assert "one district (E08000027) split across its 5 primary areas" in note[0]
    assert "each district feeds" not in note[0]


def _with_transfers(written: Path, rows: str, name: str) -> Path:
    """The starting model with its transfers in a file ([data.transfers]) of ``rows``."""
    csv = written.parent / f"{name}.csv"
    csv.write_text("from_area,to_area,share\n" + rows)
    text = written.read_text().replace(
        "[data]\n", f'[data]\ntransfers = {{ path = "{csv.name}", reader = "transfers" }}\n', 1
    )
    text, n = re.subn(r'^transfer = "equal".*\n', "", text, flags=re.M)
    assert n == 5
    out = written.parent / f"{name}.toml"
    out.write_text(text)
    return out


_LINKS = "".join(f"{p},{s},1\n" for p, s in zip(PRIMARY[1:], SECONDARY[1:], strict=True))


def test_a_transfers_file_with_a_swapped_code_suggests_it(written):
    # 3320070 for 3320007 was offered 3320010 (difflib), not the code with two digits swapped
    bad = _with_transfers(written, "3320001,3320006,0.8\n3320001,3320070,0.2\n" + _LINKS, "tr_code")
    with pytest.raises(ConfigError) as e:
        load_model(bad)
    msg = str(e.value)
    assert "area '3320070' (line(s) 3)" in msg and "(did you mean 3320007" in msg


@pytest.mark.parametrize(
    "first, second, hint",
    [
        ("80%", "20%", "Write shares as fractions: 0.2 for 20%."),
        ("80", "20", "If these are percentages, divide them by 100 (80 -> 0.8)"),
    ],
)
def test_transfer_shares_as_percentages_say_what_to_write(written, first, second, hint):
    bad = _with_transfers(
        written, f"3320001,3320006,{first}\n3320001,3320007,{second}\n" + _LINKS, "tr_pct"
    )
    with pytest.raises(SchemaError) as e:
        load_model(bad)
    msg = str(e.value).splitlines()[0]
    assert "tr_pct.csv: column 'share'" in msg and hint in msg
    # a share genuinely out of range is not called a percentage
    bad = _with_transfers(written, "3320001,3320006,1.5\n3320001,3320007,-0.5\n" + _LINKS, "tr_out")
    with pytest.raises(SchemaError) as e:
        load_model(bad)
    assert "percentage" not in str(e.value) and "expected a share in [0, 1]" in str(e.value)


def test_validate_of_a_scenario_says_what_it_extends_and_changes(written):
    # plan and report say a scenario is one and what it changes; validate said neither
    from click.testing import CliRunner

    from sufficiency.cli import cli

    (written.parent / "margin.toml").write_text(
        f'extends = "{written.name}"\n[model]\nname = "Dudley, 5% margin"\n'
        "[assumptions]\nmargin = 0.05\n"
    )
    (written.parent / "margin2.toml").write_text(
        'extends = "margin.toml"\n[model]\nname = "Dudley, 5% margin, 12% ceiling"\n'
        "[assumptions]\nsurplus_ceiling = 0.12\n"
    )
    res = CliRunner().invoke(cli, ["validate", str(written.parent / "margin2.toml")])
    assert res.exit_code == 0, res.output
    line = [x for x in res.output.splitlines() if x.startswith("scenario: ")]
    assert line == [
        "scenario: margin2.toml extends margin.toml, which extends dudley.toml; its "
        "own file sets [model] name, [assumptions] surplus_ceiling (for comparison, "
        "not for decision)"
    ]
    res = CliRunner().invoke(cli, ["validate", str(written)])
    assert res.exit_code == 0 and "scenario:" not in res.output


def test_send_summary_shows_each_year_once_on_a_short_horizon(written):
    # sufficiency send --horizon 3 printed the columns 2024/25, 2027/28, 2027/28
    from sufficiency.send import forecast_send

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text = forecast_send(load_model(written), horizon=3).summary()
    header = text.splitlines()[1]
    years = re.findall(r"\d{4}/\d{2}", header)
    assert years and len(years) == len(set(years)) == 2, header
    row = text.splitlines()[2]
    cells = re.findall(r"\d[\d,]*(?: \([\d,]+-[\d,]+\))?", row.split(")", 1)[1])
    assert len(cells) == 3, row  # the two years and the capacity


def test_plan_messages_name_areas_and_phases_in_words():
    # a Dudley trial's plan printed "Dudley and Netherton primary (3320002) early_years
    # 2027/28", "No options for early_years places", and a binding budget as "a bulge class in
    # 3320006 secondary (3320006:secondary:bulge_class)" with "other options open from
    # 2030/31" of a year in which an expansion could open but for the budget
    import pandas as pd

    from sufficiency.optimise import OPTION_COLUMNS, PlanSettings, solve_allocation
    from sufficiency.optimise.results import area_tag

    assert area_tag("Dudley and Netherton primary", "3320002", "early_years") == (
        "Dudley and Netherton primary (3320002) early years"
    )

    def opt(kind, earliest, cost, duration):
        return dict(
            option=f"3320006:secondary:{kind}",
            area="3320006",
            phase="secondary",
            kind=kind,
            places=30.0,
            max_modules=0 if duration else 1,
            max_per_year=2,
            min_modules=0,
            cost_per_module=cost,
            cost_per_place=cost / 30,
            revenue_per_place=0.0,
            earliest_year=earliest,
            duration=duration,
            fill_years=0,
            source="test",
        )

    opts = pd.DataFrame(
        [
            opt("bulge_class", 2027, 321_203.0, 5),
            opt("permanent_expansion", 2028, 900_000.0, 0),
            opt("new_school", 2030, 20e6, 0),
        ],
        columns=list(OPTION_COLUMNS),
    )
    dem = pd.DataFrame(
        {
            "area": "3320006",
            "phase": "secondary",
            "year": [2027, 2028, 2029],
            "demand": [260.0, 250.0, 240.0],
        }
    )
    cap = pd.DataFrame({"area": ["3320006"], "phase": "secondary", "capacity": [200.0]})
    res = solve_allocation(
        dem,
        cap,
        opts,
        PlanSettings(
            margin=0.0,
            target=0.0,
            ceiling=0.5,
            discount_rate=0.0,
            target_penalty=0.0,
            surplus_penalty=0.0,
            total_budget=100_000.0,
        ),
        area_names={"3320006": "Brierley Hill and Kingswinford secondary"},
    )
    text = res.summary(timing=False)
    assert "a bulge class in Brierley Hill and Kingswinford secondary (3320006), costs" in text
    assert "3320006:secondary" not in text
    line = next(x for x in text.splitlines() if "secondary (3320006) 2028/29 [central]" in x)
    assert "the capital budget limits it" in line and "other options open" not in line


@pytest.mark.parametrize(
    "value, hint",
    [
        ("42%", "; write 0.42, not '42%'"),
        (25, "; if 25 is a percentage, write 0.25"),
    ],
)
def test_an_entitlement_takeup_written_as_a_percentage_says_what_to_write(value, hint):
    # takeup = "42%" or 25 was "expected a fraction in [0, 1] or 'derived'", no more
    from sufficiency.early_years import _entitlement

    row = dict(name="working_2", age_group="2", ages=[2], hours=15, from_year=2024, takeup=value)
    with pytest.raises(ConfigError) as e:
        _entitlement(row, "m.toml: [[early_years.entitlements]] #4")
    msg = str(e.value)
    assert f"takeup = {value!r}" in msg and msg.endswith(hint), msg


@pytest.mark.parametrize(
    "phase, kind, hint",
    [
        (
            "secondary",
            "expansion",
            "(did you mean 'permanent_expansion' or 'temporary_expansion'?)",
        ),
        ("special", "expansion", "(did you mean 'special_expansion'?)"),
        ("primary", "bulge", "(did you mean 'bulge_class'?)"),
    ],
)
def test_a_mistyped_option_kind_is_matched_to_its_phase(phase, kind, hint):
    # kind = "expansion" of a secondary option was offered 'special_expansion'
    from sufficiency.optimise import options_from_config

    entry = dict(name="x", area="A", phase=phase, kind=kind, places=30, cost=1e6)
    with pytest.raises(ConfigError) as e:
        options_from_config({"options": [entry]}, "m.toml: [plan]", areas={"A": phase})
    assert hint in str(e.value), str(e.value)
