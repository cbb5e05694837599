"""SEND: plans by band, prevalence projection, special school places, backtest and CLI."""

from __future__ import annotations

import re
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from sufficiency.cli import cli
from sufficiency.exceptions import ConfigError
from sufficiency.send import (
    SCENARIOS,
    backtest_send,
    backtest_table,
    forecast_send,
    plans_by_band,
    project_prevalence,
)

WORCS = "E10000034"


@pytest.fixture(scope="module")
def result(inputs):
    return forecast_send(inputs)


# --- hand-worked --------------------------------------------------------------------------------
def _frame(rows, cols=("area", "year", "age", "placement", "need", "plans")):
    return pd.DataFrame(rows, columns=list(cols))


def test_plans_by_band_fills_total_only_year_by_neighbouring_shares():
    age = _frame(
        [
            ("A", 2021, "0 to 4", "all", "all", 10.0),
            ("A", 2021, "5 to 10", "all", "all", 30.0),
            ("A", 2021, "all", "all", "all", 40.0),
        ]
    )
    case = _frame(
        [
            ("A", 2022, "all", "all", "all", 100.0),
            ("A", 2023, "3", "all", "all", 30.0),
            ("A", 2023, "7", "all", "all", 30.0),
            ("A", 2023, "all", "all", "all", 60.0),
        ]
    )
    b = plans_by_band(age, case, "A").set_index(["year", "band"])
    assert b.loc[(2023, "0 to 4"), "plans"] == 30 and b.loc[(2023, "5 to 10"), "plans"] == 30
    # 2022: shares 0.25/0.75 (2021) and 0.5/0.5 (2023) -> mean 0.375/0.625 of 100
    assert b.loc[(2022, "0 to 4"), "plans"] == pytest.approx(37.5)
    assert b.loc[(2022, "5 to 10"), "plans"] == pytest.approx(62.5)
    assert b.loc[(2022, "0 to 4"), "kind"] == "derived"
    assert b.loc[(2021, "0 to 4"), "kind"] == "actual"


def test_projection_scenarios_by_hand():
    g = 0.1
    y = np.log(0.02) + g * np.arange(8)  # prevalence growing exactly 10.5% a year
    assert np.allclose(project_prevalence(y, 3, "stops"), y[-1])
    assert np.allclose(
        project_prevalence(y, 3, "national", national_growth=0.05), y[-1] + 0.05 * np.arange(1, 4)
    )
    # undamped (phi = 1) on an exactly linear series: Holt reproduces the line
    f = project_prevalence(y, 3, "trend", alpha=0.5, beta=0.5, phi=1.0)
    assert np.allclose(f, y[-1] + g * np.arange(1, 4))
    # damped: each year's increment is phi times the previous one, and growth slows
    phi = 0.8
    f = project_prevalence(y, 4, "trend", alpha=0.5, beta=0.5, phi=phi)
    inc = np.diff(f)
    assert np.allclose(inc[1:] / inc[:-1], phi)
    assert (f > y[-1]).all() and f[-1] < y[-1] + 4 * g
    with pytest.raises(ConfigError, match="unknown SEND scenario"):
        project_prevalence(y, 3, "boom")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_holt_recursion_is_statsmodels_holt(seed):
    """The fixed-parameter recursion gives statsmodels' numbers (statsmodels is the oracle)."""

    from statsmodels.tsa.holtwinters import Holt

    from sufficiency.send import holt_damped_forecast

    rng = np.random.default_rng(seed)
    y = np.log(0.02) + np.cumsum(rng.normal(0.05, 0.03, 9))
    alpha, beta, phi = rng.uniform(0.1, 0.9, 3)
    d = y[1] - y[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = Holt(
            y,
            damped_trend=True,
            initialization_method="known",
            initial_level=y[0] - d,
            initial_trend=d,
        ).fit(smoothing_level=alpha, smoothing_trend=beta, damping_trend=phi, optimized=False)
    np.testing.assert_allclose(
        holt_damped_forecast(y, 6, alpha, beta, phi, y[0] - d, d),
        fit.forecast(6),
        rtol=0,
        atol=1e-12,
    )


# --- the real model -----------------------------------------------------------------------------
def test_result_shape_and_invariants(result):
    f = result.to_frame()
    assert list(f.columns) == [
        "area",
        "year",
        "phase",
        "need",
        "scenario",
        "places",
        "places_lower",
        "places_upper",
        "capacity",
        "shortfall",
        "kind",
    ]
    assert set(f["scenario"]) == set(SCENARIOS)
    assert set(f["phase"]) == {"special_primary", "special_secondary", "special_post16"}
    assert (f["places"] >= 0).all()
    assert (f["places_lower"] <= f["places"] + 1e-9).all() and (
        f["places"] <= f["places_upper"] + 1e-9
    ).all()
    fut = f[f["year"] >= 2024]
    assert np.allclose(fut["shortfall"], np.clip(fut["places"] - fut["capacity"], 0, None))
    # today's capacity says nothing about the past; past places are derived, not published
    assert f.loc[f["year"] < 2024, "capacity"].isna().all()
    assert set(f.loc[f["year"] < 2024, "kind"]) == {"derived"}
    assert f.loc[f["kind"] == "forecast", "year"].min() == 2025
    assert f["year"].max() == 2024 + load_model_horizon(result)


def load_model_horizon(result):
    return result.config["horizon"]


def test_history_reproduces_published_special_placements(result):
    # 2024/25: state-funded (994 + 884) + independent/non-maintained (490 + 16) = special_total 2,384
    f = result.to_frame()
    now = f[(f["year"] == 2024) & (f["scenario"] == "trend")]
    assert now["places"].sum() == pytest.approx(2384)
    assert (now["kind"] == "actual").all()


def test_plans_by_placement_reproduce_published_2024(result):
    b = result.by_placement()
    now = b[(b["year"] == 2024) & (b["scenario"] == "trend")].groupby("placement")["plans"].sum()
    # DfE 2025 caseload, Worcestershire 2024/25
    assert now["mainstream"] + now["resourced_provision"] == pytest.approx(3239)
    assert now["special_state"] == pytest.approx(1878) and now["post16_fe"] == pytest.approx(791)
    assert now.sum() == pytest.approx(6970)
    assert set(b.loc[b["year"] < 2024, "kind"]) == {"derived"}
    f = b[b["kind"] == "forecast"]
    assert (f["plans_lower"] <= f["plans"] + 1e-9).all() and (
        f["plans"] <= f["plans_upper"] + 1e-9
    ).all()


def test_default_capacity_is_todays_state_placements_and_says_so(result):
    assert sum(result.config["capacity"].values()) == pytest.approx(994 + 884)
    assert any("ASSUMPTION" in n and "state-funded special" in n for n in result.notes)
    assert "special placements 2024/25" in result.config["capacity_source"]


def test_interval_note_names_the_authority_in_words(result):
    """The note on the intervals names the authority as the headers do, not by its code
    alone (a Coventry trial: "... of the trend model on E08000026")."""
    said = [n for n in result.notes if n.startswith("Intervals: 80%")]
    assert len(said) == 1
    assert (
        "trend model when it forecast Worcestershire County Council (E10000034)'s past years"
        in said[0]
    )
    assert re.search(
        r"a typical error of \d+% 1 year ahead, \d+% 2 years ahead and \d+% 3 years ahead", said[0]
    )


def test_scenarios_ordered_where_growth_is_positive(result):
    f = result.to_frame()
    last = f[f["year"] == f["year"].max()].groupby("scenario")["places"].sum()
    assert result.config["national_growth"] > 0
    assert last["stops"] < last["national"]


def test_demand_frame_for_optimiser(result):
    d = result.demand_frame()
    assert list(d.columns) == [
        "area",
        "phase",
        "year",
        "places",
        "places_lower",
        "places_upper",
        "capacity",
    ]
    assert set(d["phase"]) == {"special"} and d["year"].min() == 2025
    by = result.demand_frame(by_phase=True)
    assert by.groupby("year")["places"].sum().to_numpy() == pytest.approx(d["places"].to_numpy())
    with pytest.raises(ConfigError, match="not in the result"):
        result.demand_frame("boom")


def test_by_need_sums_to_phase_totals(result):
    f = result.to_frame()
    n = result.to_frame(by_need=True)
    assert set(n["need"]) >= {"asd", "semh", "slcn", "mld", "sld", "pmld"}
    s = n.groupby(["year", "phase", "scenario"])["places"].sum()
    t = f.set_index(["year", "phase", "scenario"])["places"]
    assert np.allclose(s.sort_index(), t.sort_index())
    assert result.needs["share"].sum() == pytest.approx(1.0)


def test_capacity_override_and_bad_parameters(inputs):
    r = forecast_send(
        inputs, scenarios=["stops"], scenario="stops", capacity={"special_primary": 10_000}
    )
    f = r.to_frame()
    f = f[f["year"] >= 2024]
    assert (f.loc[f["phase"] == "special_primary", "shortfall"] == 0).all()
    assert (f.loc[f["phase"] == "special_post16", "capacity"] == 0).all()
    assert not any("ASSUMPTION" in n for n in r.notes)
    with pytest.raises(ConfigError, match="unknown phase"):
        forecast_send(
            inputs, scenarios=["stops"], scenario="stops", capacity={"special_nursery": 5}
        )
    with pytest.raises(ConfigError, match="scenarios"):
        forecast_send(inputs, scenarios=["boom"])
    with pytest.raises(ConfigError, match="alpha"):
        forecast_send(inputs, scenarios=["stops"], scenario="stops", alpha=2.0)


def test_planning_area_shares(inputs):
    kw = dict(scenarios=["stops"], scenario="stops")
    whole = forecast_send(inputs, **kw).to_frame()
    r = forecast_send(inputs, area_shares={"8850031": 0.25, "8850030": 0.75}, **kw)
    f = r.to_frame()
    assert set(f["area"]) == {"8850031", "8850030"}
    s = f.groupby(["year", "phase"])[["places", "capacity"]].sum()
    w = whole.set_index(["year", "phase"])[["places", "capacity"]].fillna(0.0)
    assert np.allclose(s.sort_index(), w.sort_index())
    assert any("area_shares" in n for n in r.notes)
    with pytest.raises(ConfigError, match="sum to 0.5000"):
        forecast_send(inputs, area_shares={"8850031": 0.5}, **kw)
    with pytest.raises(ConfigError, match="unknown planning area"):
        forecast_send(inputs, area_shares={"nowhere": 1.0}, **kw)


def test_deterministic(inputs, result):
    again = forecast_send(inputs)
    pd.testing.assert_frame_equal(again.to_frame(), result.to_frame())


# --- backtest -----------------------------------------------------------------------------------
def test_backtest_naive_baseline_by_hand(data_dir):
    bt = backtest_send(data_dir, authorities=[WORCS])
    assert set(bt["release"]) == {"2022", "2025"} and sorted(bt["horizon"].unique()) == [1, 2, 3]
    # naive = last year's count: January 2019 (3,502) for 2019/20..2021/22
    r22 = bt[bt["release"] == "2022"].set_index("year")
    assert (r22["naive"] == 3502).all()
    assert r22.at[2019, "actual"] == 4053
    assert r22.at[2019, "err_naive"] == pytest.approx((3502 - 4053) / 4053)
    r25 = bt[bt["release"] == "2025"].set_index("year")
    assert r25.at[2024, "actual"] == 6970 and (r25["naive"] == 4555).all()
    # the 2025 origin has earlier origins' errors for an interval; the 2018 origin has none
    assert r25["trend_lower"].le(r25["trend"]).all() and r25["trend"].le(r25["trend_upper"]).all()
    assert r22["trend_lower"].isna().all() and r22["covered_80"].isna().all()
    inside = (r25["actual"] >= r25["trend_lower"]) & (r25["actual"] <= r25["trend_upper"])
    assert (r25["covered_80"].astype(bool) == inside).all()
    t = backtest_table(bt)
    assert {"naive_mdape", "trend_mdape", "trend_beats_naive", "coverage_80"} <= set(t.columns)


# --- CLI ----------------------------------------------------------------------------------------
def test_cli_send_writes_outputs(model_path, tmp_path):
    res = CliRunner().invoke(
        cli, ["send", str(model_path), "--out", str(tmp_path), "--format", "csv"]
    )
    assert res.exit_code == 0, res.output
    assert "secondary age (11 to 15)" in res.output and "ASSUMPTION" in res.output
    for name in (
        "send.csv",
        "send_by_need.csv",
        "send_plans.csv",
        "send_placements.csv",
        "send_demand.csv",
        "notes.txt",
    ):
        assert (tmp_path / name).exists()
    d = pd.read_csv(tmp_path / "send_demand.csv")
    assert list(d.columns) == [
        "area",
        "phase",
        "year",
        "places",
        "places_lower",
        "places_upper",
        "capacity",
    ]


def test_cli_send_bad_model(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[model]\nname = 'x'\n")
    res = CliRunner().invoke(cli, ["send", str(bad)])
    assert res.exit_code == 1 and res.output.startswith("Error:")


def test_entry_point_subprocess(model_path):
    p = subprocess.run(
        [sys.executable, "-m", "sufficiency", "send", str(model_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr
    assert "Special school places" in p.stdout


def test_fit_from_too_late_names_key_value_and_why(tmp_path):
    """A [send] fit_from leaving too few backtest errors names the key, its value, how many
    errors it leaves and what to do (review of 27 November: it named none of these)."""
    from pathlib import Path

    from sufficiency import ConfigError, load_inputs, load_model
    from sufficiency.send import forecast_send

    root = Path(__file__).resolve().parents[1]
    (tmp_path / "models").mkdir()
    (tmp_path / "data").symlink_to(root / "data")
    text = (root / "models" / "worcestershire.toml").read_text(encoding="utf-8")
    assert "fit_from = 2016 " in text
    p = tmp_path / "models" / "w.toml"
    p.write_text(text.replace("fit_from = 2016 ", "fit_from = 2030 "), encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        forecast_send(load_inputs(load_model(p)))
    msg = str(exc.value)
    assert "[send] fit_from = 2030" in msg and "these give 0" in msg and "\n" not in msg


def test_summary_names_special_phases_by_age_youngest_first(result):
    """The printed table says the ages of each special school phase, youngest first, not the
    engine's phase names (special_post16 printed first in alphabetical order)."""
    lines = result.summary().splitlines()
    rows = [ln for ln in lines[2:] if ln[:1] and not ln.startswith(("Shortfall", "Note"))]
    labels = list(dict.fromkeys(re.split(r"\s{2,}", ln)[0] for ln in rows))
    assert labels == [
        "primary age (0 to 10)",
        "secondary age (11 to 15)",
        "post-16 (16 to 25)",
    ]
    assert "special_" not in "\n".join(lines[:2] + rows)
