"""The first unpublished mid-year of births estimated from the latest calendar-year births."""

from __future__ import annotations

import dataclasses
import shutil
import warnings

import numpy as np
import pandas as pd
import pytest

from sufficiency import load_inputs, load_model
from sufficiency.exceptions import ConfigError
from sufficiency.io.births import nowcast_births, read_births, read_calendar_births


def test_calendar_rows_are_calendar_years(data_dir):
    """The row dated 2023-01-01 counts births in January-December 2022 (year 2022)."""
    cal = read_calendar_births(data_dir / "births_by_district_1992_2023.csv").data
    raw = pd.read_csv(data_dir / "births_by_district_1992_2023.csv")
    row = raw[(raw.gss_code == "E07000235") & (raw.date == "2023-01-01")].iloc[0]
    assert row["type"] == "actual"
    got = cal[(cal["area"] == "E07000235") & (cal["year"] == 2022)]["births"]
    assert got.tolist() == [row["annual_births"]]
    assert cal["year"].min() == 2013 and cal["year"].max() == 2022
    assert (cal["kind"] == "actual").all() and len(cal) == 30 * 10
    # the GLA's interpolated / predicted monthly rows are never read as calendar years
    assert not cal.duplicated(["area", "year"]).any()


def test_nowcast_uses_the_calendar_year_ending_half_way_through_the_next_mid_year():
    """Synthetic: A's last mid-year is 2022 and calendar 2022 is known -> mid-2023 = cal 2022;
    B's calendar year stops before its last mid-year -> nothing; C's modelled rows don't count."""
    mid = pd.DataFrame(
        {
            "area": ["A", "A", "B", "C", "C"],
            "year": [2021, 2022, 2022, 2021, 2022],
            "births": [100.0, 98.0, 50.0, 70.0, 71.0],
            "kind": ["actual", "actual", "actual", "actual", "projected"],
        }
    )
    cal = pd.DataFrame(
        {
            "area": ["A", "A", "B", "C"],
            "year": [2021, 2022, 2021, 2021],
            "births": [99.0, 95.0, 49.0, 69.0],
            "kind": "actual",
        }
    )
    now = nowcast_births(mid, cal).set_index("area")
    assert now.loc["A", "year"] == 2023 and now.loc["A", "births"] == 95.0
    assert "B" not in now.index
    assert now.loc["C", "year"] == 2022 and now.loc["C", "births"] == 69.0
    assert (now["kind"] == "nowcast").all()


def test_inputs_carry_the_nowcast_by_planning_area(inputs, data_dir):
    now = inputs.births_nowcast
    primary = [a.code for a in inputs.config.areas if a.phase == "primary"]
    assert sorted(now["area"]) == sorted(primary) and set(now["year"]) == {2023}
    # the areas' nowcasts add up to Worcestershire's calendar-2022 births
    cal = read_calendar_births(data_dir / "births_by_district_1992_2023.csv").data
    lookup = pd.read_csv(data_dir / "district_to_la_west_midlands.csv")
    districts = lookup.loc[lookup["la_code"] == inputs.config.authority, "lad_code"]
    total = cal[cal["area"].isin(districts) & (cal["year"] == 2022)]["births"].sum()
    assert now["births"].sum() == pytest.approx(total)
    mid = read_births(data_dir / "births_by_district_1992_2023.csv").data
    assert mid["year"].max() == 2022  # mid-2023 itself is not in the file
    assert any("calendar-year 2022 births" in n for n in inputs.notes)


def test_forecast_uses_the_nowcast_for_reception_2027(inputs):
    from sufficiency.forecast import run_forecast

    a = run_forecast(inputs).to_frame()
    b = run_forecast(dataclasses.replace(inputs, births_nowcast=None)).to_frame()
    early = a["year"] <= 2026
    assert np.allclose(a.loc[early, "pupils"], b.loc[early, "pupils"])
    r27a = a[(a["ncy"] == 0) & (a["year"] == 2027)].set_index("area")
    r27b = b[(b["ncy"] == 0) & (b["year"] == 2027)].set_index("area")
    assert not np.allclose(r27a["pupils"], r27b["pupils"])
    # Reception 2027/28 moves with its births: the ratio to the nowcast is the area's ratio
    now = inputs.births_nowcast.set_index("area")["births"]
    r26 = a[(a["ncy"] == 0) & (a["year"] == 2026)].set_index("area")
    assert r27a["births_projected"].all() and not r26["births_projected"].any()
    ratio_a = r27a["cohort"] / now.reindex(r27a.index)
    births_b = r27b["cohort"] / ratio_a  # same reception/births ratio, projected births
    assert ((births_b - now.reindex(r27a.index)).abs() > 0.5).all()


def test_nowcast_can_be_switched_off_and_is_checked(model_path, tmp_path):
    text = model_path.read_text()
    assert 'reader = "ons_births" }' in text
    for value, ok in (("false", True), ('"no"', False)):
        d = tmp_path / value.strip('"')
        shutil.copytree(model_path.parent.parent / "data", d / "data")
        (d / "models").mkdir()
        m = d / "models" / model_path.name
        m.write_text(
            text.replace('reader = "ons_births" }', f'reader = "ons_births", nowcast = {value} }}')
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if ok:
                assert load_inputs(load_model(m)).births_nowcast is None
            else:
                with pytest.raises(ConfigError, match="nowcast"):
                    load_inputs(load_model(m))


def test_validate_prints_the_nowcast(model_path):
    from click.testing import CliRunner

    from sufficiency.cli import cli

    out = CliRunner().invoke(cli, ["validate", str(model_path)])
    assert out.exit_code == 0, out.output
    assert "births_nowcast: 17 rows, year 2023," in out.output
    assert "births to mid-2023 (nowcast from calendar year 2022)" in out.output


def test_births_projected_follows_cohorts_into_secondary_areas(inputs):
    """Secondary areas have no births of their own: a cell there rests on projected births only
    if its cohort entered Reception (in the primary areas) on projected births. Reception
    2027/28 is the first such cohort, so it reaches Year 7 in 2034/35 and no earlier."""
    from sufficiency.forecast import run_forecast

    f = run_forecast(inputs, horizon=12).to_frame()
    sec = f[f["ncy"] >= 7]
    flagged = sec[sec["births_projected"]]
    assert not flagged.empty
    assert (flagged["year"] - flagged["ncy"] >= 2027 - 0).all()
    assert set(flagged["year"] - flagged["ncy"]) == {2034 - 7}
    prim = f[(f["ncy"] == 0) & f["births_projected"]]
    assert prim["year"].min() == 2027


def test_a_births_file_without_calendar_rows_still_works(data_dir, tmp_path):
    """The outside-check command with a births file of mid-year rows only: no nowcast, same
    one- and three-year results (observed births), no error."""
    from sufficiency.backtest import backtest_files

    raw = pd.read_csv(data_dir / "births_by_district_1992_2023.csv", dtype=str)
    mid = tmp_path / "births_mid.csv"
    raw[raw["date"].str.endswith("-07-01")].to_csv(mid, index=False)
    assert read_calendar_births(mid).data.empty
    files = (
        data_dir / "census_pupils_by_ncy_2011_2022.csv",
        data_dir / "district_to_la_west_midlands.csv",
    )
    a = backtest_files(files[0], mid, files[1], [2019], [1, 3]).to_frame()
    b = backtest_files(
        files[0], data_dir / "births_by_district_1992_2023.csv", files[1], [2019], [1, 3]
    ).to_frame()
    pd.testing.assert_frame_equal(a, b)
