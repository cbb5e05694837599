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
    text, n = re.subn(r'name = "Planning area (\d+) \((primary|secondary)\)"  # TODO name',
                      r'name = "Area \1"', text)
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
    assert found.group(1) == ("Walsall Studio School (3351003: 300 places, 167 on roll); "
                              "Black Country UTC (3351004: 480 places, 132 on roll)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SufficiencyWarning)
        assert "studio schools and UTCs" in _todo_warning(written)


def test_one_grammar_area_is_said_in_the_singular(written):
    text = " ".join(written.read_text().split())
    assert "TODO selective schools: area 3351002 holds a grammar school (by" in text
