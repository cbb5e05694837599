"""Early years: derived population, entitlements -> FTE places, supply assumption, CLI."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from sufficiency.cli import cli
from sufficiency.early_years import (
    DEFAULT_ENTITLEMENTS,
    Entitlement,
    backtest_early_years,
    cohort_population,
    early_years_entitlements,
    forecast_early_years,
)
from sufficiency.exceptions import ConfigError


@pytest.fixture(scope="module")
def result(inputs):
    return forecast_early_years(inputs, by_area=False)


# --- synthetic authority (test data only) --------------------------------------------------------
def _synthetic():
    """Births 100 a year to mid-2015, then 120 in 2016; every census year group 90 pupils;
    ONS mid-2011: 95 at ages 0-3, 99 at ages 4-90."""
    births = pd.DataFrame({"year": np.arange(1990, 2017), "births": [100.0] * 26 + [120.0]})
    census = pd.DataFrame(
        [{"year": y, "ncy": g, "pupils": 90.0} for y in range(2011, 2016) for g in range(0, 15)]
    )
    mye = pd.Series([95.0] * 4 + [99.0] * 87, index=np.arange(0, 91))
    return census, births, mye


def test_cohort_population_by_hand():
    census, births, mye = _synthetic()
    pop = cohort_population(
        census, births, mye, area="T", years=range(2010, 2022), ages=range(0, 26), window=3
    )
    p = pop.set_index(["year", "age"])
    # ages 0-3: births x 95/100
    assert p.at[(2016, 0), "population"] == pytest.approx(120.0 * 0.95)
    assert p.at[(2014, 2), "population"] == pytest.approx(100 * 0.95)
    # school ages: census 90 x k, k = 99 x 11 / (90 x 11) = 1.1 -> 99
    assert p.at[(2013, 9), "population"] == pytest.approx(99.0)
    # a cohort keeps its size as it ages (no migration after the last observation)
    assert p.at[(2020, 20), "population"] == pytest.approx(p.at[(2015, 15), "population"])
    # cohorts aged 16+ in mid-2011: the ONS figure
    assert p.at[(2011, 30 - 5), "population"] == pytest.approx(99.0)
    # born after the census: births x q, q = k x Reception / births = 99 / 100
    assert p.at[(2020, 4), "population"] == pytest.approx(120 * 0.99)
    # births after mid-2016 are projected as the pupil forecast projects them (Holt's damped
    # trend at fixed parameters; mid-2021 is 5 years on), kind 'projected', sd > 0
    from sufficiency.cohort import project_series

    row = p.loc[(2021, 0)]
    holt = project_series(births["births"].to_numpy()[None, :], 5, "holt_fixed")[0, 4]
    assert 114 < holt < 120  # the level moves most of the way to 120, the damped trend a little
    assert row["population"] == pytest.approx(holt * 0.95)
    assert row["kind"] == "projected" and row["population_sd"] > 0
    flat = cohort_population(
        census, births, mye, area="T", years=[2021], ages=[0], births_method="flat"
    )
    assert flat["population"].iloc[0] == pytest.approx(120 * 0.95)
    assert (pop.loc[pop["cohort"] <= 2016, "kind"] == "derived").all()
    assert (pop["population"] > 0).all()


def test_cohort_population_needs_census_from_2011():
    census, births, mye = _synthetic()
    with pytest.raises(ConfigError, match="census must start"):
        cohort_population(census[census["year"] > 2011], births, mye, area="T", years=[2015])


# --- the real model -----------------------------------------------------------------------------
def test_reproduces_dfe_january_2019_counts(inputs):
    r = forecast_early_years(inputs, entitlements=DEFAULT_ENTITLEMENTS, by_area=False)
    f = r.to_frame(by_entitlement=True).set_index(["year", "entitlement"])
    # January 2019 belongs to 2018/19: 1,221 funded 2-year-olds, 12,725 3-4-year-olds
    assert f.at[(2018, "disadvantaged_2"), "children"] == pytest.approx(1221)
    assert f.at[(2018, "universal_3_4"), "children"] == pytest.approx(12725)
    # 15 of 30 hours: half an FTE place each
    assert f.at[(2018, "universal_3_4"), "places"] == pytest.approx(12725 / 2)
    # supply = today's funded take-up, stated
    assert r.supply["supply"].sum() == pytest.approx((1221 + 12725) / 2)
    assert any("today's supply is the funded take-up" in n for n in r.notes)


def test_shape_intervals_and_new_entitlements(result):
    f = result.to_frame()
    assert list(f.columns) == [
        "area",
        "year",
        "age",
        "entitlement",
        "children",
        "places",
        "places_lower",
        "places_upper",
        "supply",
        "shortfall",
        "kind",
    ]
    assert (f["places_lower"] <= f["places"] + 1e-9).all() and (
        f["places"] <= f["places_upper"] + 1e-9
    ).all()
    now = f[f["year"] >= 2018]
    assert np.allclose(now["shortfall"], np.clip(now["places"] - now["supply"], 0, None))
    assert f.loc[f["year"] < 2018, "supply"].isna().all()
    e = result.to_frame(by_entitlement=True).set_index(["year", "entitlement"])
    # working-parent offers: nothing before they start, a third of a year in 2023/24 (April 2024)
    assert e.at[(2022, "working_2"), "places"] == 0
    assert e.at[(2023, "working_under_2"), "places"] == 0
    full = e.at[(2024, "working_2"), "children"]
    assert e.at[(2023, "working_2"), "children"] == pytest.approx(
        0.333 / 1.0 * full * _cohort_ratio(result, 2023, 2024), rel=1e-9
    )
    # births after mid-2023 are projected, so the range widens
    assert (f.loc[f["year"] == f["year"].max(), "kind"] == "projected").all()


def _cohort_ratio(result, y1, y2):
    d = result.data[result.data["entitlement"] == "disadvantaged_2"].set_index("year")["children"]
    return d[y1] / d[y2]


def test_demand_frame(result):
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
    assert set(d["phase"]) == {"early_years"}
    assert d["places"].sum() == pytest.approx(result.to_frame()["places"].sum())


def test_hours_per_place_scales_places(inputs, result):
    r = forecast_early_years(inputs, hours_per_place=15.0, by_area=False)
    assert np.allclose(r.to_frame()["places"], 2 * result.to_frame()["places"])


def test_by_area_sums_to_authority(inputs, result):
    r = forecast_early_years(inputs, by_area=True)
    f = r.to_frame()
    assert f["area"].nunique() == 17 and set(f["area"]) == set(inputs.births["area"])
    s = f.groupby(["year", "age"])[["children", "places", "places_lower", "places_upper"]].sum()
    a = result.to_frame().set_index(["year", "age"])[
        ["children", "places", "places_lower", "places_upper"]
    ]
    assert np.allclose(s.sort_index(), a.sort_index())
    assert r.supply["supply"].sum() == pytest.approx(result.supply["supply"].sum())
    d = r.demand_frame()
    assert d["area"].nunique() == 17 and set(d["phase"]) == {"early_years"}
    assert any("By planning area" in n for n in r.notes)


def test_bad_entitlements():
    with pytest.raises(ConfigError, match="takeup = 'lots'"):
        early_years_entitlements(
            {
                "entitlements": [
                    {
                        "name": "e",
                        "age_group": "2",
                        "ages": [1],
                        "hours": 15,
                        "from_year": 2014,
                        "takeup": "lots",
                    }
                ]
            }
        )
    with pytest.raises(ConfigError, match="expected name"):
        early_years_entitlements({"entitlements": [{"name": "e"}]})
    with pytest.raises(ConfigError, match="ages 0-4"):
        early_years_entitlements(
            {
                "entitlements": [
                    {"name": "e", "age_group": "2", "ages": [7], "hours": 15, "from_year": 2014}
                ]
            }
        )
    assert early_years_entitlements({}) == DEFAULT_ENTITLEMENTS


def test_supply_from_config_and_bad_supply(inputs):
    e = (Entitlement("u", "3_4", (2, 3), 15.0, 2010, eligible=1.0, takeup=1.0),)
    r = forecast_early_years(inputs, entitlements=e, supply={"3_4": 1000.0}, by_area=False)
    f = r.to_frame()
    assert (f.loc[f["year"] >= r.config["supply_year"], "supply"] == 1000).all()
    with pytest.raises(ConfigError, match="unknown age group"):
        forecast_early_years(inputs, entitlements=e, supply={"toddlers": 5.0})
    with pytest.raises(ConfigError, match="hours_per_place"):
        forecast_early_years(inputs, hours_per_place=0)


def test_cli_early_years(model_path, tmp_path):
    res = CliRunner().invoke(
        cli, ["early-years", str(model_path), "--out", str(tmp_path), "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    assert "Early years funded places" in res.output
    for name in (
        "early_years.json",
        "early_years_by_entitlement.json",
        "early_years_demand.json",
        "notes.txt",
    ):
        assert (tmp_path / name).exists()
    assert "today's supply" in (tmp_path / "notes.txt").read_text()


def test_cli_early_years_subprocess_xlsx(model_path, tmp_path):
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "sufficiency",
            "early-years",
            str(model_path),
            "--out",
            str(tmp_path),
            "--format",
            "xlsx",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr
    d = pd.read_excel(tmp_path / "early_years_demand.xlsx")
    assert set(d["phase"]) == {"early_years"}


def test_backtest_on_january_2018_counts(data_dir):
    b = backtest_early_years(data_dir, authorities=["E10000034"]).set_index("age_group")
    assert (
        b.at["two_year_olds", "actual_2018"] == 1180 and b.at["two_year_olds", "naive_2018"] == 1221
    )
    assert b.at["three_and_four_year_olds", "err_naive"] == pytest.approx((12725 - 12450) / 12450)
    # the derived cohorts track the published count within a few per cent
    assert (b["err_model"].abs() < 0.06).all()


def test_population_uses_the_births_nowcast_as_projected(inputs):
    """The early years / SEND population takes mid-2023 births from the same nowcast as the
    pupil forecast, and still counts that cohort as projected (not observed)."""
    import dataclasses

    from sufficiency.early_years import authority_population

    now = inputs.births_nowcast["births"].sum()
    pop, _ = authority_population(inputs, years=[2023, 2024])
    off, _ = authority_population(
        dataclasses.replace(inputs, births_nowcast=None), years=[2023, 2024]
    )
    age0 = pop[(pop["year"] == 2023) & (pop["age"] == 0)].iloc[0]
    age0_off = off[(off["year"] == 2023) & (off["age"] == 0)].iloc[0]
    assert (
        age0["cohort"] == 2023 and age0["kind"] == "projected" and age0_off["kind"] == "projected"
    )
    # same survival ratio to age 0, different births: the ratio of the two is the births ratio
    from sufficiency.cohort import project_series

    b = inputs.authority_births.set_index("year")["births"].sort_index()
    holt = project_series(b.to_numpy(float)[None, :], 1, "holt_fixed")[0, 0]  # mid-2023 without
    assert age0["population"] / age0_off["population"] == pytest.approx(now / holt)
    assert age0["population_sd"] == pytest.approx(age0_off["population_sd"])
    # cohorts born up to mid-2022 are untouched
    old = pop[pop["cohort"] <= 2022].set_index(["year", "age"])["population"]
    assert np.allclose(
        old, off[off["cohort"] <= 2022].set_index(["year", "age"])["population"].reindex(old.index)
    )


def test_summary_columns_stay_apart_for_a_city_sized_authority(inputs):
    """A new-authority test (Birmingham): 15,693 (15,693-15,693) filled its 22-character
    column and ran into the next. Here Worcestershire's places are scaled up tenfold."""
    import dataclasses
    import re
    import warnings

    from sufficiency.early_years import forecast_early_years

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = forecast_early_years(inputs)
    d = res.data.copy()
    for c in ("places", "places_lower", "places_upper"):
        d[c] = d[c] * 10
    big = dataclasses.replace(res, data=d)
    lines = big.summary().splitlines()
    rows = [
        ln
        for ln in lines[2:]
        if ln.startswith(("children aged 9 months", "2-year-olds", "3- and 4-year-olds"))
    ]
    assert len(rows) == 3
    for ln in rows:
        cells = re.split(r"\s{2,}", ln.strip())
        assert len(cells) == 6, ln  # age, four years, supply


def test_summary_names_age_groups_in_words_youngest_first(result):
    """The printed table's rows are the age groups in words, youngest first (a Herefordshire
    trial read the engine's codes '2', '3_4', 'under_2', in that order)."""
    lines = result.summary().splitlines()
    first = [ln.split("  ")[0] for ln in lines[1:5]]
    assert first == [
        "age group",
        "children aged 9 months to 2 years",
        "2-year-olds",
        "3- and 4-year-olds",
    ]
    assert not any(ln.startswith(("2 ", "3_4", "under_2")) for ln in lines)


def test_assumed_supply_says_which_part_rests_on_the_models_take_up(inputs, result):
    """Today's supply (the funded take-up of the last January in the data) counts every
    entitlement; the places of those whose take-up the model assumes (extended_3_4 at 25%)
    are named apart from those at the DfE's take-up (a Herefordshire trial read the whole as
    a DfE figure)."""
    cfg = result.config
    year = cfg["supply_year"]
    f = result.data[result.data["year"] == year].groupby("entitlement")["places"].sum()
    named = "the second 15 hours of working parents' 30 hours for 3- and 4-year-olds (extended_3_4)"
    assert cfg["supply_assumed_entitlements"] == (named,)
    assert cfg["supply_assumed_places"] == pytest.approx(f["extended_3_4"])
    total = result.supply["supply"].sum()
    note = next(n for n in result.notes if "today's supply" in n)
    assert (
        f"({total:,.0f} places: {total - f['extended_3_4']:,.0f} at the DfE's take-up and "
        f"{f['extended_3_4']:,.0f} for {named} at the take-up the model assumes)"
    ) in note
    # with only DfE take-up there is no split
    dfe = tuple(e for e in DEFAULT_ENTITLEMENTS)
    r = forecast_early_years(inputs, entitlements=dfe, by_area=False)
    assert r.config["supply_assumed_places"] == pytest.approx(0)
    assert "at the take-up the model assumes" not in " ".join(r.notes)


def test_entitlements_are_described_by_their_label():
    """A Herefordshire trial read 'extended_3_4' described as '15 hours a week for 3- and
    4-year-olds' as the universal entitlement: a label says which it is."""
    from sufficiency.early_years import early_years_entitlements

    e = early_years_entitlements(
        {
            "entitlements": [
                {
                    "name": "x",
                    "age_group": "3_4",
                    "ages": [2, 3],
                    "hours": 15,
                    "from_year": 2017,
                    "label": "the second 15 hours of the 30",
                },
                {"name": "y", "age_group": "2", "ages": [1], "hours": 15, "from_year": 2024},
            ]
        }
    )
    assert e[0].describe() == "the second 15 hours of the 30 (x)"
    assert e[1].describe() == "15 hours a week for 2-year-olds (y)"
    assert DEFAULT_ENTITLEMENTS[1].describe() == (
        "the universal 15 hours for 3- and 4-year-olds (universal_3_4)"
    )
    with pytest.raises(ConfigError, match=r"label = 3: expected the entitlement in words"):
        early_years_entitlements(
            {
                "entitlements": [
                    {
                        "name": "x",
                        "age_group": "2",
                        "ages": [1],
                        "hours": 15,
                        "from_year": 2024,
                        "label": 3,
                    }
                ]
            }
        )


def test_children_are_counted_once_when_an_entitlement_adds_hours(result):
    """The second 15 hours of the 30 are taken by the first 15 hours' children: they add
    places, not children (a Walsall trial found under-2s = 2 x 726). By entitlement each row
    still counts its own takers."""
    f = result.to_frame().set_index(["year", "age"])
    e = result.to_frame(by_entitlement=True)
    again = {
        p["entitlement"]: p["same_children_as"]
        for p in result.config["entitlements"]
        if p["same_children_as"]
    }
    assert again == {
        "extended_3_4": "universal_3_4",
        "working_2_30h": "working_2",
        "working_under_2_30h": "working_under_2",
    }
    for y in (2022, 2027):
        own = e[(e["year"] == y) & ~e["entitlement"].isin(list(again))]
        kids = own.groupby("age")["children"].sum()
        every = e[e["year"] == y].groupby("age")[["children", "places"]].sum()
        for age in kids.index:
            assert f.loc[(y, age), "children"] == pytest.approx(kids[age])
            assert f.loc[(y, age), "places"] == pytest.approx(every.loc[age, "places"])
    under2 = e[(e["year"] == 2027) & (e["age"] == "under_2")].set_index("entitlement")["children"]
    assert f.loc[(2027, "under_2"), "children"] == pytest.approx(under2["working_under_2"])


def test_same_children_as_must_name_another_entitlement_of_its_age_group():
    base = {"age_group": "3_4", "ages": [2, 3], "hours": 15, "from_year": 2017}
    with pytest.raises(
        ConfigError,
        match=r"\(b\) same_children_as = 'universl_3_4': expected "
        r"the name of another entitlement \(universal_3_4\)"
        r".*did you mean 'universal_3_4'",
    ):
        early_years_entitlements(
            {
                "entitlements": [
                    {"name": "universal_3_4", **base},
                    {"name": "b", **base, "same_children_as": "universl_3_4"},
                ]
            }
        )
    with pytest.raises(
        ConfigError,
        match=r"a starts in 2019, after this entitlement's "
        r"from_year = 2017",
    ):
        early_years_entitlements(
            {
                "entitlements": [
                    {"name": "a", **base, "from_year": 2019},
                    {"name": "b", **base, "same_children_as": "a"},
                ]
            }
        )
    with pytest.raises(
        ConfigError,
        match=r"expected an entitlement of the same age group "
        r"\('3_4'\).*a is for '2'",
    ):
        early_years_entitlements(
            {
                "entitlements": [
                    {"name": "a", **base, "age_group": "2", "ages": [1]},
                    {"name": "b", **base, "same_children_as": "a"},
                ]
            }
        )


def test_loading_a_model_for_early_years_hides_only_the_derived_history_warning(
    monkeypatch, model_path
):
    """forecast_early_years(path) loads the model quietly about planning-area history (a
    school-forecast matter) but every other data warning still shows (they were all hidden)."""
    import warnings

    import sufficiency.inputs as inputs_mod
    from sufficiency.early_years import _as_inputs
    from sufficiency.exceptions import DataQualityWarning

    def fake_load(cfg):
        warnings.warn(inputs_mod.DERIVED_WARNING, DataQualityWarning, stacklevel=2)
        warnings.warn(
            "housing.csv: column 'dwellings': 12.5 is not whole", DataQualityWarning, stacklevel=2
        )
        return "inputs"

    monkeypatch.setattr(inputs_mod, "load_inputs", fake_load)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        assert _as_inputs(model_path) == "inputs"
    said = [str(x.message) for x in w]
    assert said == ["housing.csv: column 'dwellings': 12.5 is not whole"]


def test_early_years_horizon_from_the_cli_and_the_library(model_path):
    """``send`` took --horizon and ``early-years`` did not (a Solihull trial); the default model
    (real data), three years after its 2022/23 census."""
    res = CliRunner().invoke(cli, ["early-years", str(model_path), "--horizon", "3"])
    assert res.exit_code == 0, res.output
    head = res.output.splitlines()[1]
    assert head.split()[-2:] == ["2025/26", "supply"], head
    ey = forecast_early_years(model_path, horizon=3)
    assert int(ey.to_frame()["year"].max()) == 2025
    with pytest.raises(ConfigError, match=r"horizon=0\): expected"):
        forecast_early_years(model_path, horizon=0)
    with pytest.raises(ConfigError, match="give the years or the horizon, not both"):
        forecast_early_years(model_path, years=[2025], horizon=3)


@pytest.mark.parametrize("hours", [1140, 61, 0, "30"])
def test_hours_per_place_argument_takes_the_keys_rule(model_path, hours):
    """The argument took any number above 0 (1140, a year's hours, passed) while the model
    key and the CLI flag take (0, 60] hours a week (a review); the default model (real data)."""
    with pytest.raises(ConfigError, match=r"forecast_early_years\(hours_per_place=.*\(0, 60\]"):
        forecast_early_years(model_path, hours_per_place=hours)
