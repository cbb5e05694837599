"""Findings of a Shropshire trial (a starting model from ``sufficiency new 893``), checked on a
model written by ``sufficiency new`` from the embedded data or on small synthetic frames,
labelled as such."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

from sufficiency.cli import cli
from sufficiency.config import load_model

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def shropshire(tmp_path_factory) -> Path:
    """``sufficiency new 893``: Shropshire's starting model (real data)."""
    out = tmp_path_factory.mktemp("shrop") / "models" / "shropshire.toml"
    res = CliRunner().invoke(cli, ["new", "893", "--out", str(out), "--data-dir", str(DATA)])
    assert res.exit_code == 0, res.output
    return out


def test_only_the_stand_ins_count_as_todo_comments(shropshire):
    # the header of the written model said "Search for TODO before using the results", so an
    # analyst who replaced every stand-in still had "1 TODO comment" and a Draft report
    # (before: 56 TODO comments for Shropshire, the first on line 6 of the header)
    lines = shropshire.read_text().splitlines()
    header = next(i for i, line in enumerate(lines, 1) if line.startswith("[model]"))
    todo = [n for _, n in load_model(shropshire).todo_lines()]
    assert todo and min(todo) > header, todo[:3]
    # every one counted is a marker: a comment whose first word is TODO
    assert all(re.search(r"#\s*TODO\b", lines[n - 1]) for n in todo)
    assert len(todo) == 55


def test_todo_note_is_a_sentence_of_the_notes(shropshire):
    # the report's notes printed "the model definition still has 56 TODO comments ..." in
    # lower case among capitalised sentences
    from sufficiency.exceptions import SufficiencyWarning
    from sufficiency.inputs import load_inputs

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SufficiencyWarning)
        inputs = load_inputs(load_model(shropshire))
    note = [n for n in inputs.notes if "TODO comments" in n]
    assert len(note) == 1 and note[0].startswith("The model definition still has 55 TODO comments")
