"""Error hints for a three-tier model (a Staffordshire trial, tests/staffordshire_model.py):
did-you-mean suggestions of the right kind (areas that can take the pupils, the authority's
districts), the area's own transfer year, first-school hints only for first schools, and the
model file named as the user gave it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from staffordshire_model import write_model

from sufficiency._values import closest_codes
from sufficiency.config import load_model
from sufficiency.exceptions import ConfigError

DATA = Path(__file__).resolve().parents[1] / "data"
#: Biddulph's middle-school area (Years 7-8), sending its Year 8 to the district's high schools
_MIDDLE_TRANSFER = 'transfer = { "8607020" = 0.128205'


@pytest.fixture(scope="module")
def staffs_text(tmp_path_factory) -> str:
    return write_model(DATA, tmp_path_factory.mktemp("hints") / "staffs.toml").read_text()


def _error(tmp_path, text: str, monkeypatch=None) -> str:
    p = tmp_path / "m.toml"
    p.write_text(text)
    if monkeypatch is not None:  # load it by a relative path, as a user types it
        monkeypatch.chdir(tmp_path)
        p = Path("m.toml")
    with pytest.raises(ConfigError) as err:
        load_model(p)
    return str(err.value)


def _suggested(msg: str) -> list[str]:
    found = re.search(r"did you mean ([^?]+)\?", msg)
    assert found, msg
    return re.findall(r"\b\d{7}\b", found.group(1))


def test_transfer_typo_suggests_only_areas_that_take_the_year_group(tmp_path, staffs_text):
    # a primary area's Year 6 share to "8607012" (8607021 with two digits swapped): the
    # suggestions are secondary areas teaching Year 7, the swap first, never a primary area
    # (before: "did you mean '8607026'?", a primary area)
    text = staffs_text.replace('"8607021" = 0.201323', '"8607012" = 0.201323', 1)
    msg = _error(tmp_path, text)
    codes = _suggested(msg)
    cfg = load_model(write_model(DATA, tmp_path / "ok.toml"))
    assert codes[0] == "8607021"
    assert all(7 in cfg.area(c).ncys for c in codes), msg
    assert "teaching Year 7" in msg


def test_no_first_school_hint_for_a_middle_school_area(tmp_path, staffs_text):
    # a middle-school area's Year 8 sent to a primary area: told which areas teach Year 9,
    # not to give it first schools' year groups (before: "(first schools: [0, 1, 2, 3, 4])")
    msg = _error(
        tmp_path, staffs_text.replace(_MIDDLE_TRANSFER, 'transfer = { "8607001" = 0.128205', 1)
    )
    assert "cannot take this area's Year 8 as Year 9" in msg
    assert "first school" not in msg
    assert _suggested(msg) == ["8607021"]
    # a first-school area modelled R-Y6 (its year_groups dropped) that sends pupils on to a
    # primary area with middle schools does get the hint
    text = staffs_text.replace(
        'name = "First schools 8602008"\nphase = "primary"\n'
        'tiers = "three_tier"\nyear_groups = [0, 1, 2, 3, 4]\n',
        'name = "First schools 8602008"\nphase = "primary"\ntiers = "three_tier"\n',
        1,
    )
    msg = _error(tmp_path, text)
    assert "8602008" in msg and "year_groups = [0, 1, 2, 3, 4]" in msg and "first schools" in msg


def test_share_message_names_the_areas_own_last_year_group(tmp_path, staffs_text):
    msg = _error(
        tmp_path, staffs_text.replace(_MIDDLE_TRANSFER, 'transfer = { "8607020" = "all"', 1)
    )
    assert "a share of the area's Year 8 pupils" in msg and "Year 6" not in msg


def test_key_decision_area_typo_suggests_areas_and_names_the_file_as_given(
    tmp_path, staffs_text, monkeypatch
):
    text = staffs_text + '\n[report]\nkey_decision_area = "8607091"\n'
    msg = _error(tmp_path, text, monkeypatch)
    assert msg.startswith("m.toml: [report] key_decision_area = '8607091'"), msg
    assert str(tmp_path) not in msg
    # key_decision_phase defaults to secondary: secondary areas suggested
    assert _suggested(msg) == ["8607019", "8607021"]


def test_district_typo_suggests_the_authoritys_districts(tmp_path):
    from dataclasses import replace

    from sufficiency.inputs import _check_lookup
    from sufficiency.io.births import read_district_lookup

    lookup = read_district_lookup(DATA / "district_to_la_west_midlands.csv").data
    cfg = load_model(write_model(DATA, tmp_path / "s.toml"))
    # two digits of Cannock Chase's code swapped
    cfg = replace(cfg, areas=(replace(cfg.areas[0], districts=("E07000129",)), *cfg.areas[1:]))
    with pytest.raises(ConfigError) as err:
        _check_lookup(cfg, lookup, "lookup.csv")
    msg = str(err.value)
    assert "(did you mean E07000192 (Cannock Chase) or E07000199 (Tamworth)?)" in msg
    assert "E07000197 Stafford" in msg  # every district of the authority, named


def test_district_written_by_its_name_is_told_its_code(tmp_path):
    """A Warwickshire trial wrote a district's name and was told to add a lookup row keyed by
    the name; the name matches a district, so the error gives its code."""
    from dataclasses import replace

    from sufficiency.inputs import _check_lookup
    from sufficiency.io.births import read_district_lookup

    lookup = read_district_lookup(DATA / "district_to_la_west_midlands.csv").data
    cfg = load_model(write_model(DATA, tmp_path / "s.toml"))
    cfg = replace(cfg, areas=(replace(cfg.areas[0], districts=("cannock chase",)), *cfg.areas[1:]))
    with pytest.raises(ConfigError) as err:
        _check_lookup(cfg, lookup, "lookup.csv")
    msg = str(err.value)
    assert "districts = ['cannock chase'] is a district's name" in msg
    assert 'expected its ONS code: "E07000192" for cannock chase' in msg
    assert "a row mapping" not in msg


def test_closest_codes():
    names = {
        "E07000192": "Cannock Chase",
        "E07000197": "Stafford",
        "E07000198": "Staffordshire Moorlands",
    }
    assert closest_codes("E0700192", names) == ["E07000192"]
    assert closest_codes("cannock chase", names) == ["E07000192"]
    assert closest_codes("Moorlands", names) == ["E07000198"]
    assert closest_codes("E08000030", names) == []
    assert closest_codes("8607012", ["8607018", "8607021"]) == ["8607021", "8607018"]
    assert closest_codes("", names) == []
