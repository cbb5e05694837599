"""Second bad-input review (``review_cli_inputs_2.md``): inputs that passed ``validate`` and
gave silently wrong results now raise a one-line error naming file, key or column, row and
value, or warn (:class:`DataQualityWarning`) when the data are implausible but possible.

Each case is a copy of ``models/worcestershire.toml`` (and of a data file where needed) with
one change, as the reviewer built it.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd
import pytest
from conftest import edited_model

from sufficiency.config import load_model
from sufficiency.exceptions import ConfigError, DataQualityWarning, SchemaError
from sufficiency.inputs import load_inputs

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "worcestershire.toml"
DATA = ROOT / "data"


def _model(tmp_path: Path, *subs: tuple[str, str]) -> Path:
    """The model with each ``(pattern, replacement)`` applied once (regex, multiline)."""
    return edited_model(tmp_path, subs, regex=True)


def _one_line(exc: pytest.ExceptionInfo) -> str:
    msg = str(exc.value)
    assert "\n" not in msg, msg
    return msg


def _load(path: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_inputs(load_model(path))


def _load_warnings(path: Path) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_inputs(load_model(path))
    return [str(w.message) for w in caught if issubclass(w.category, DataQualityWarning)]


@pytest.fixture(scope="module")
def area_pupils() -> pd.DataFrame:
    """The model's planning-area pupils (derived), to write as a tidy pupils file."""
    return _load(MODEL).pupils[["area", "year", "ncy", "pupils"]].copy()


TIDY = (
    r'^pupils_by_area = \{ reader = "derived" \}',
    'pupils_by_area = { path = "TIDY", reader = "tidy" }',
)


def _tidy_model(tmp_path: Path, frame: pd.DataFrame, *subs) -> tuple[Path, Path]:
    csv = tmp_path / "pupils_by_area.csv"
    frame.to_csv(csv, index=False)
    return _model(tmp_path, (TIDY[0], TIDY[1].replace("TIDY", str(csv))), *subs), csv


# --- N1: an area without the base year ---------------------------------------------------------
def test_n1_area_missing_its_last_year_is_an_error(tmp_path, area_pupils):
    cut = area_pupils[~((area_pupils["area"] == "8850001") & (area_pupils["year"] == 2022))]
    m, csv = _tidy_model(tmp_path, cut)
    with pytest.raises(SchemaError) as exc:
        load_inputs(load_model(m))
    msg = _one_line(exc)
    for needle in (str(csv), "'year'", "8850001", "2021", "2022", "base year"):
        assert needle in msg, (needle, msg)


def test_n1_area_missing_its_last_years_names_them(tmp_path, area_pupils):
    cut = area_pupils[~((area_pupils["area"] == "8850020") & (area_pupils["year"] >= 2020))]
    m, _ = _tidy_model(tmp_path, cut)
    with pytest.raises(SchemaError, match=r"8850020.*2020\.\.2022|8850020.*2020, 2021, 2022"):
        load_inputs(load_model(m))


def test_n1_intact_tidy_pupils_load(tmp_path, area_pupils):
    m, _ = _tidy_model(tmp_path, area_pupils)
    assert _load(m).base_year == 2022


# --- N5: [assumptions] base_year beyond the data --------------------------------------------------
@pytest.mark.parametrize("first_year", [None, "2031"])
def test_n5_base_year_beyond_the_data_is_an_error(tmp_path, first_year):
    subs = [(r"^seed = 20240101", "seed = 20240101\nbase_year = 2030")]
    if first_year:
        subs.append((r"^first_year = \d+", f"first_year = {first_year}"))
    m = _model(tmp_path, *subs)
    with pytest.raises(ConfigError) as exc:
        load_inputs(load_model(m))
    msg = _one_line(exc)
    for needle in (str(m), "[assumptions] base_year = 2030", "2022", "pupil data"):
        assert needle in msg, (needle, msg)
    assert "first_year" not in msg, msg  # the base year is at fault, not [plan] first_year


def test_n5_base_year_within_the_data_is_accepted(tmp_path):
    m = _model(
        tmp_path,
        (r"^seed = 20240101", "seed = 20240101\nbase_year = 2021"),
        (r"^first_year = \d+", "first_year = 2026"),
    )
    assert _load(m).base_year == 2021


# --- N2: a primary area with no transfer empties its secondary area ------------------------------
def test_n2_primary_area_without_transfer_is_an_error(tmp_path):
    m = _model(tmp_path, (r'^transfer = \{ "8850017" = 1\.0 \}\n', ""))
    with pytest.raises(ConfigError) as exc:
        load_model(m)
    msg = _one_line(exc)
    for needle in (
        str(m),
        "[[areas]] 8850001 (Bewdley, primary)",
        "no transfer",
        "no secondary area",
        'transfer = { "<secondary code>" = 1.0 }',
    ):
        assert needle in msg, (needle, msg)


def test_n2_secondary_area_fed_by_no_primary_area_is_an_error(tmp_path):
    # Bewdley primary sends its Year 6 to Kidderminster's secondary area instead: shares still
    # sum to 1, but Bewdley secondary (8850017) would get no Year 7 at all
    m = _model(tmp_path, (r'^transfer = \{ "8850017" = 1\.0 \}', 'transfer = { "8850022" = 1.0 }'))
    with pytest.raises(ConfigError) as exc:
        load_model(m)
    msg = _one_line(exc)
    for needle in (str(m), "[[areas]] 8850017 (Bewdley, secondary)", "no primary area", "Year 7"):
        assert needle in msg, (needle, msg)


def test_n2_models_without_any_transfer(tmp_path):
    """A single-phase model gives no transfers at all and loads; a model with primary and
    secondary areas and no transfer at all is an error (its secondary areas would fall to 0
    pupils: found by a new-authority test on 27 November 2026)."""
    m = _model(tmp_path)
    text = re.sub(r"^transfer = \{[^}]*\}\n", "", m.read_text(encoding="utf-8"), flags=re.M)
    m.write_text(text, encoding="utf-8")
    with pytest.raises(
        ConfigError,
        match=r"17 primary and 16 secondary planning areas but no "
        r"transfer: secondary Year 7 comes only from",
    ):
        load_model(m)
    one = tmp_path / "one_phase.toml"
    one.write_text(
        '[model]\nname="x"\nauthority="E1"\n[[areas]]\ncode="1"\nname="a"\n'
        f'phase="primary"\n[data]\npupils={{path="{DATA}/census_pupils_by_ncy_2011_2022.csv", '
        f'reader="census_ncy"}}\ncapacity={{path="{DATA}/scap_2015_school_capacity.csv", '
        'reader="scap"}\n',
        encoding="utf-8",
    )
    assert not any(a.transfer for a in load_model(one).areas)


# --- N4: a district of the model missing from the lookup ----------------------------------------
LOOKUP = (
    r'^lookup = \{ path = "\.\./data/district_to_la_west_midlands\.csv"',
    'lookup = { path = "LOOKUP"',
)


def _lookup_model(tmp_path: Path, keep) -> tuple[Path, Path]:
    lines = (DATA / "district_to_la_west_midlands.csv").read_text(encoding="utf-8").splitlines(True)
    csv = tmp_path / "lookup.csv"
    csv.write_text(
        "".join(line for i, line in enumerate(lines) if i == 0 or keep(line)), encoding="utf-8"
    )
    return _model(tmp_path, (LOOKUP[0], LOOKUP[1].replace("LOOKUP", str(csv)))), csv


def test_n4_district_of_an_area_missing_from_the_lookup_is_an_error(tmp_path):
    m, csv = _lookup_model(tmp_path, lambda line: not line.startswith("E07000237,"))
    with pytest.raises(ConfigError) as exc:
        load_inputs(load_model(m))
    msg = _one_line(exc)
    for needle in (str(csv), "E07000237", "8850015", "E10000034"):
        assert needle in msg, (needle, msg)


def test_n4_district_of_an_area_mapped_to_another_authority_is_an_error(tmp_path):
    m, csv = _lookup_model(tmp_path, lambda line: True)
    csv.write_text(
        csv.read_text(encoding="utf-8").replace(
            "E07000237,Worcester,E10000034", "E07000237,Worcester,E10000031"
        ),
        encoding="utf-8",
    )
    with pytest.raises(
        ConfigError,
        match=r"\[\[areas\]\] 8850015.*districts includes E07000237, "
        r"which .* gives to E10000031, not to the model's "
        r"authority E10000034; expected districts of E10000034 .*"
        r"or, if E07000237 is E10000034's, a lookup row",
    ):
        load_inputs(load_model(m))


def test_n4_lookup_district_no_area_names_warns(tmp_path):
    m, csv = _lookup_model(tmp_path, lambda line: True)
    with csv.open("a", encoding="utf-8") as f:
        f.write("E07000221,Stratford-on-Avon,E10000034,Worcestershire\n")
    csv.write_text(
        csv.read_text(encoding="utf-8").replace(
            "E07000221,Stratford-on-Avon,E10000031,Warwickshire\n", ""
        ),
        encoding="utf-8",
    )
    found = _load_warnings(m)
    assert any("E07000221" in w and str(csv) in w and "no planning area" in w for w in found), found


# --- N10: a plan option's earliest_year outside the plan ------------------------------------------
EARLIEST = r"^earliest_year = 2028  # opening moved"


def test_n10_option_earliest_year_before_the_base_year_is_an_error(tmp_path):
    m = _model(tmp_path, (EARLIEST, "earliest_year = 1999  # opening moved"))
    with pytest.raises(ConfigError) as exc:
        load_inputs(load_model(m))
    msg = _one_line(exc)
    for needle in (
        str(m),
        "[[plan.options]] #1 (Worcester City new 600-place 11-16 school)",
        "earliest_year = 1999",
        "2022",
    ):
        assert needle in msg, (needle, msg)


def test_n10_option_earliest_year_after_the_plan_warns(tmp_path):
    m = _model(tmp_path, (EARLIEST, "earliest_year = 2040  # opening moved"))
    found = _load_warnings(m)
    assert any(
        "[[plan.options]] #1" in w and "earliest_year = 2040" in w and "never" in w and "2032" in w
        for w in found
    ), found


# --- N12: tier_changes year outside a plausible range ---------------------------------------------
@pytest.mark.parametrize("year", [1027, 2010, 2053])
def test_n12_tier_change_year_out_of_range_is_an_error(tmp_path, year):
    m = _model(tmp_path, (r"year = 2027, tiers", f"year = {year}, tiers"))
    with pytest.raises(ConfigError) as exc:
        load_inputs(load_model(m))
    msg = _one_line(exc)
    for needle in (str(m), "tier_changes", f"year = {year}", "2011..2052"):
        assert needle in msg, (needle, msg)


# --- N13: surplus settings against each other -----------------------------------------------------
@pytest.mark.parametrize(
    "sub,key",
    [
        ((r"^surplus_ceiling = 0\.10", "surplus_ceiling = 0.01"), "surplus_ceiling = 0.01"),
        ((r"^surplus_ceiling = 0\.10", "surplus_ceiling = 0.05"), "surplus_ceiling = 0.05"),
        ((r"^surplus_target = 0\.05", "surplus_target = 0.01"), "surplus_target = 0.01"),
    ],
)
def test_n13_surplus_settings_out_of_order_are_an_error(tmp_path, sub, key):
    m = _model(tmp_path, sub)
    with pytest.raises(ConfigError) as exc:
        load_model(m)
    msg = _one_line(exc)
    for needle in (str(m), "[assumptions]", key, "margin <= surplus_target < surplus_ceiling"):
        assert needle in msg, (needle, msg)


# --- #8: implausible but possible data warn, naming file, line and value -------------------------
def _data_model(tmp_path: Path, name: str, edit) -> tuple[Path, Path]:
    """The model with one of its data files replaced by an edited copy."""
    text = (DATA / name).read_text(encoding="utf-8")
    new = edit(text)
    assert new != text, "case no longer matches the data"
    csv = tmp_path / name
    csv.write_text(new, encoding="utf-8")
    return _model(tmp_path, (rf'"\.\./data/{re.escape(name)}"', f'"{csv}"')), csv


def _warned(found: list[str], *needles: str) -> None:
    assert any(all(n in w for n in needles) for w in found), (needles, found)


def test_8_census_headcount_not_whole_warns(tmp_path):
    m, csv = _data_model(
        tmp_path,
        "census_pupils_by_ncy_2011_2022.csv",
        lambda t: t.replace(
            "202223,885,E10000034,Worcestershire,reception,5908,49,5957,",
            "202223,885,E10000034,Worcestershire,reception,5908,49,5957.5,",
        ),
    )
    _warned(_load_warnings(m), str(csv), "'headcount'", "line(s) 2462", "5957.5", "whole")


def test_8_tidy_pupils_not_whole_warns(tmp_path, area_pupils):
    frame = area_pupils.assign(pupils=area_pupils["pupils"].round())
    frame.loc[5, "pupils"] = 12.7
    m, csv = _tidy_model(tmp_path, frame)
    _warned(_load_warnings(m), str(csv), "'pupils'", "line(s) 7", "12.7", "whole")


def test_8_whole_tidy_pupils_do_not_warn(tmp_path, area_pupils):
    m, _ = _tidy_model(tmp_path, area_pupils.assign(pupils=area_pupils["pupils"].round()))
    assert not [w for w in _load_warnings(m) if "whole" in w]


@pytest.mark.parametrize("value,needle", [("0.0", "0 births"), ("1000000000.0", "10 times")])
def test_8_implausible_births_warn(tmp_path, value, needle):
    m, csv = _data_model(
        tmp_path,
        "births_by_district_1992_2023.csv",
        lambda t: t.replace(
            "E07000237,Worcester,LAD21,persons,2015-07-01,actual,1280.0,",
            f"E07000237,Worcester,LAD21,persons,2015-07-01,actual,{value},",
        ),
    )
    _warned(_load_warnings(m), str(csv), "'annual_births'", "line(s) 2368", needle)


def test_8_capacity_zero_with_pupils_warns(tmp_path):
    m, csv = _data_model(
        tmp_path,
        "scap_2015_school_capacity.csv",
        lambda t: t.replace(
            "8852000,885,2000,Worcestershire,Perry Wood Primary and Nursery School,PS,399,420,",
            "8852000,885,2000,Worcestershire,Perry Wood Primary and Nursery School,PS,399,0,",
        ),
    )
    _warned(_load_warnings(m), str(csv), "8852000", "line 1515", "capacity 0", "roll 399")


def test_8_pupils_outside_the_area_phase_warn(tmp_path, area_pupils):
    extra = pd.DataFrame({"area": "8850001", "year": range(2011, 2023), "ncy": 9, "pupils": 30.0})
    m, csv = _tidy_model(tmp_path, pd.concat([area_pupils, extra], ignore_index=True))
    _warned(_load_warnings(m), str(csv), "8850001", "primary", "Y9", "left out")


def test_8_real_model_gives_no_new_warnings():
    assert len(_load_warnings(MODEL)) == 1  # the derived pupil history, as before


def test_old_la_code_comes_from_the_planning_area_codes_when_absent(tmp_path):
    """Without old_la_code the SCAP file is read for the LA numbers the planning-area codes
    begin with (885 for 8850031), not for every authority (whose rows include a published
    line with an unquoted comma, in Herefordshire); a wrong one is named as the likely cause."""
    m = _model(tmp_path, (r"^old_la_code = 885.*$", ""))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = load_inputs(load_model(m))
    assert got.config.old_la_code is None and len(got.capacity) == 248
    bad = _model(tmp_path, (r"^old_la_code = 885", "old_la_code = 334"))
    with pytest.raises(
        ConfigError,
        match=r"read with old_la_code = 334 has schools in planning "
        r"area\(s\) \['3340001'.* and in none of the model's "
        r"\(8850001, .*expected \[model\] old_la_code to be the "
        r"authority's DfE LA number",
    ):
        load_inputs(load_model(bad))


def test_a_primary_area_without_districts_is_warned_at_load(tmp_path):
    """It gets no births (Reception by trend): said when the model loads, so validate shows it."""
    m = _model(tmp_path, (r'^(code = "8850001"(?:.*\n)+?)districts = \[[^\]]*\]\n', r"\1"))
    with pytest.warns(
        DataQualityWarning,
        match=r"primary area\(s\) 8850001 \(Bewdley\) list no "
        r"'districts' in \[\[areas\]\]: they get no births",
    ):
        load_inputs(load_model(m))


def test_middle_school_only_secondary_areas_are_warned():
    """SYNTHETIC: a secondary planning area of middle schools only (Years 7-8 of secondary
    capacity), as some three-tier authorities have, is named in a warning."""
    from types import SimpleNamespace

    from sufficiency.inputs import _warn_middle_school_areas

    areas = [SimpleNamespace(code=c, phase="secondary", year_groups=()) for c in ("M", "H")]
    cfg = SimpleNamespace(areas=areas, area_names={"M": "Middle town", "H": "High town"})
    cap = pd.DataFrame(
        {"area": ["M", "M", "H"], "phase": "secondary", "ncy_min": [7, 7, 7], "ncy_max": [8, 8, 13]}
    )
    with pytest.warns(
        DataQualityWarning,
        match=r"f\.csv: secondary planning area\(s\) M \(Middle "
        r"town\) have only middle schools",
    ):
        _warn_middle_school_areas(cfg, cap, "f.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _warn_middle_school_areas(cfg, cap[cap["area"] == "H"], "f.csv")  # no warning
        # an area that says it teaches Years 7-8 (year_groups) is modelled so: no warning
        areas[0].year_groups = (7, 8)
        _warn_middle_school_areas(cfg, cap, "f.csv")
