"""The Python example in docs/forecast.md ("Using it") runs as written, on the embedded data.

The block is extracted from the page and executed from the repository root, so a renamed
function, argument or column breaks this test rather than the reader's code. The checks are
on shapes, invariants and plausible ranges, not on recorded outputs. docs/library.md is run by
tests/test_docs_library.py; the README has no Python blocks.
"""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

from conftest import run_doc_code

ROOT = Path(__file__).resolve().parents[1]


def _block(page: str, heading: str) -> str:
    text = (ROOT / page).read_text()
    m = re.search(rf"## {re.escape(heading)}\n+```python\n(.*?)```", text, flags=re.S)
    assert m, f"{page}: no python block under '## {heading}'"
    return m.group(1)


def test_forecast_using_it_block_runs():
    ns, printed = run_doc_code(_block("docs/forecast.md", "Using it"), "docs/forecast.md")
    assert "Pupil forecast from 2022/23" in printed

    # run_forecast: the columns the comment lists, ordered intervals
    cells = ns["result"].to_frame()
    assert {
        "area",
        "year",
        "ncy",
        "phase",
        "tier",
        "pupils",
        "pupils_lower",
        "pupils_upper",
        "pupils_lower_95",
        "pupils_upper_95",
        "kind",
        "births_projected",
        "cohort",
        "housing",
    } <= set(cells.columns)
    fc = cells[cells["kind"] == "forecast"]
    assert len(fc) and (fc["pupils"] >= 0).all()
    assert (fc["pupils_lower_95"] <= fc["pupils_lower"] + 1e-6).all()
    assert (fc["pupils_lower"] <= fc["pupils"] + 1e-6).all()
    assert (fc["pupils"] <= fc["pupils_upper"] + 1e-6).all()
    assert (fc["pupils_upper"] <= fc["pupils_upper_95"] + 1e-6).all()

    totals = ns["result"].phase_totals()
    assert list(totals.columns) == [
        "area",
        "phase",
        "year",
        "pupils",
        "pupils_lower",
        "pupils_upper",
        "kind",
    ]
    q90 = ns["result"].phase_totals(q=0.9)
    m = totals.merge(q90, on=["area", "phase", "year"], suffixes=("", "_q90"))
    m = m[m["kind"] == "forecast"]
    assert (m["pupils_q90"] >= m["pupils"] - 1e-6).all()

    # county primary and secondary stay within 25% of the base year's roll every year
    county = totals.groupby(["phase", "year"])["pupils"].sum()
    base = int(cells.loc[cells["kind"] != "forecast", "year"].max())
    for phase in ("primary", "secondary"):
        ratio = county[phase] / county[(phase, base)]
        assert ratio.between(0.75, 1.25).all(), ratio

    # the bare model with the calibrated error model has real intervals
    own = ns["own"].phase_totals()
    own = own[own["kind"] == "forecast"]
    assert len(own) and (own["pupils_upper"] > own["pupils_lower"]).any()
    assert (own["pupils_lower"] <= own["pupils"] + 1e-6).all()

    # the backtest "as the CLI runs it": authority columns from the scorecards, small errors,
    # and exactly what the CLI's entry point returns
    scores = ns["bt"].scores(target_years=[2018, 2021, 2022])
    assert {
        "mae_model",
        "bias_model",
        "coverage80",
        "win_rate_vs_last",
        "mae_authority",
        "win_rate_vs_authority",
    } <= set(scores.columns)
    assert set(scores["phase"]) == {"primary", "secondary"}
    assert scores["mae_model"].between(0, 0.05).all()
    assert scores["coverage80"].between(0, 1).all()
    assert ns["prov"] and ns["calendar"] is not None

    from sufficiency.backtest import backtest_files

    old = os.getcwd()
    os.chdir(ROOT)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cli = backtest_files(
                "data/census_pupils_by_ncy_2011_2022.csv",
                "data/births_by_district_1992_2023.csv",
                "data/district_to_la_west_midlands.csv",
                [2017, 2019, 2020, 2021],
                [1, 3],
                scorecards_dir="data/school_places_scorecards",
            )
    finally:
        os.chdir(old)
    assert cli.to_frame().equals(ns["bt"].to_frame())
