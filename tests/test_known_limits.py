"""Known limits lifted on 29 November 2026 (night), each through the CLI or the model file:
the plan no longer buys a class for a fraction of a place (``[plan] shortfall_tolerance``);
a scenario can remove a file its base reads (``[data] births_projection = false``).
Real data (the default model) unless a test says its data are SYNTHETIC."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import edited_model, last_district_births

from sufficiency.cli import cli
from sufficiency.config import load_model
from sufficiency.exceptions import ConfigError

LOOKUP = 'lookup = { path = "../data/district_to_la_west_midlands.csv"'


def _projection_line(tmp_path) -> str:
    """SYNTHETIC births projection (test data): each district's mid-2022 births, every year."""
    rows = [
        {"area": d, "year": y, "births": v}
        for d, v in last_district_births().items()
        for y in range(2024, 2034)
    ]
    p = tmp_path / "births_projection.csv"
    pd.DataFrame(rows).to_csv(p, index=False)
    return f'births_projection = {{ path = "{p}" }}\n'


def test_a_scenario_removes_its_bases_births_projection(tmp_path):
    base = edited_model(tmp_path, [(LOOKUP, _projection_line(tmp_path) + LOOKUP)], name="b.toml")
    assert "births_projection" in load_model(base).data
    scen = tmp_path / "own_births.toml"
    scen.write_text(
        'extends = "b.toml"\n[model]\nname = "own births"\n[data]\nbirths_projection = false\n',
        encoding="utf-8",
    )
    assert "births_projection" not in load_model(scen).data
    # the forecast is the default model's (no projection), through the CLI
    outs = []
    for m in (scen, edited_model(tmp_path, name="plain.toml")):
        out = tmp_path / f"out_{m.stem}"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = CliRunner().invoke(cli, ["-q", "forecast", str(m), "--out", str(out)])
        assert res.exit_code == 0, res.output
        outs.append((out / "forecast.csv").read_bytes())
    assert outs[0] == outs[1]
    # a later scenario can give one again
    again = tmp_path / "again.toml"
    again.write_text(
        'extends = "own_births.toml"\n[data]\n' + _projection_line(tmp_path), encoding="utf-8"
    )
    assert "births_projection" in load_model(again).data


def test_only_optional_data_can_be_removed(tmp_path):
    edited_model(tmp_path, name="b.toml")
    scen = tmp_path / "s.toml"
    scen.write_text('extends = "b.toml"\n[data]\ncapacity = false\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"s\.toml: \[data\]: capacity = false: only .*"):
        load_model(scen)


def test_shortfall_tolerance_is_read_and_checked_from_the_model(tmp_path):
    ok = edited_model(
        tmp_path, [(r"^\[plan\]\n", "[plan]\nshortfall_tolerance = 0.0\n")], regex=True
    )
    res = CliRunner().invoke(cli, ["validate", str(ok)])
    assert res.exit_code == 0, res.output
    from sufficiency.optimise import plan_settings

    assert plan_settings(load_model(ok)).shortfall_tolerance == 0.0
    assert (
        plan_settings(load_model(edited_model(tmp_path, name="d.toml"))).shortfall_tolerance == 0.5
    )
    bad = edited_model(
        tmp_path,
        [(r"^\[plan\]\n", "[plan]\nshortfall_tolerance = -1\n")],
        regex=True,
        name="x.toml",
    )
    res = CliRunner().invoke(cli, ["validate", str(bad)])
    assert res.exit_code == 1
    assert "shortfall_tolerance" in res.output and "places in [0, 30)" in res.output


def test_a_housing_trajectory_is_labelled_as_one(tmp_path):
    """A trial's housing file (completions the authority expects) was listed as "actual" by
    validate and the report's sources, as if published statistics; its kind is "trajectory".
    SYNTHETIC housing rows (test data)."""
    p = tmp_path / "housing.csv"
    pd.DataFrame(
        {"area": ["8850011", "8850011"], "year": [2024, 2025], "dwellings": [100, 150]}
    ).to_csv(p, index=False)
    model = edited_model(tmp_path, [(LOOKUP, f'housing = {{ path = "{p}" }}\n' + LOOKUP)])
    from sufficiency.inputs import load_inputs

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        inputs = load_inputs(load_model(model))
    kinds = {p.table: p.kind for p in inputs.provenance}
    assert kinds["housing"] == "trajectory" and kinds["pupils"] == "actual"
    res = CliRunner().invoke(cli, ["-q", "validate", str(model)])
    assert res.exit_code == 0, res.output
    line = next(s for s in res.output.splitlines() if s.strip().startswith("housing: /"))
    assert "(trajectory; local authority)" in line


def test_validate_warns_of_housing_in_a_secondary_area(tmp_path):
    """A trial's housing site listed in a secondary planning area was warned of by `forecast`
    only (its pupils of primary age are not counted); `validate` passed it without a word.
    SYNTHETIC housing rows (test data)."""
    p = tmp_path / "housing.csv"
    pd.DataFrame({"area": ["8850031"], "year": [2025], "dwellings": [200]}).to_csv(p, index=False)
    model = edited_model(tmp_path, [(LOOKUP, f'housing = {{ path = "{p}" }}\n' + LOOKUP)])
    res = CliRunner().invoke(cli, ["validate", str(model)])
    assert res.exit_code == 0, res.output
    assert "housing in secondary area(s) 8850031" in " ".join(res.output.split())
    from sufficiency.forecast import run_forecast
    from sufficiency.inputs import load_inputs

    with pytest.warns(Warning, match="housing in secondary area") as seen:
        inputs = load_inputs(load_model(model))
    assert sum("housing in secondary area" in str(w.message) for w in seen) == 1
    with warnings.catch_warnings(record=True) as again:
        warnings.simplefilter("always")
        fc = run_forecast(inputs)
    assert not any("housing in secondary area" in str(w.message) for w in again)
    assert any(n.startswith("Housing: housing in secondary area(s) 8850031") for n in fc.notes)


def test_an_error_writes_a_boolean_as_toml_does(tmp_path):
    """A trial's `shortfall_tolerance = true` was told "shortfall_tolerance = True: expected
    ...": Python's spelling, not the model file's."""
    bad = edited_model(
        tmp_path, [(r"^\[plan\]\n", "[plan]\nshortfall_tolerance = true\n")], regex=True
    )
    res = CliRunner().invoke(cli, ["validate", str(bad)])
    assert res.exit_code == 1
    assert "shortfall_tolerance = true: expected places" in res.output
