"""Scenario models: ``extends`` a model in the same folder and give only what differs."""

from __future__ import annotations

import pytest
from conftest import edited_model

from sufficiency.config import load_model, merge_models
from sufficiency.exceptions import ConfigError


def test_merge_rules():
    base = {
        "model": {"name": "A", "authority": "E1"},
        "areas": [{"code": "1", "name": "one"}, {"code": "2", "name": "two"}],
        "plan": {"first_year": 2027, "options": [{"name": "x", "cost": 1.0}]},
        "assumptions": {"window": 5},
    }
    over = {
        "model": {"name": "A, scenario"},
        "areas": [{"code": "2", "name": "two again"}, {"code": "3", "name": "three"}],
        "plan": {"options": [{"name": "y", "cost": 2.0}, {"name": "x", "cost": 3.0}]},
        "assumptions": {"window": 3},
    }
    m = merge_models(base, over)
    assert m["model"] == {"name": "A, scenario", "authority": "E1"}  # tables merge key by key
    assert [a["name"] for a in m["areas"]] == ["one", "two again", "three"]  # same code merges
    assert m["plan"]["options"] == [{"name": "x", "cost": 3.0}, {"name": "y", "cost": 2.0}]
    assert m["plan"]["first_year"] == 2027 and m["assumptions"]["window"] == 3
    assert base["areas"][1]["name"] == "two"  # the base is not modified


def test_the_shipped_scenario(model_path):
    base = load_model(model_path)
    s = load_model(model_path.with_name("worcestershire_interim.toml"))
    assert s.bases == (model_path.resolve(),)
    assert s.name.endswith("(scenario)") and s.authority == base.authority == "E10000034"
    assert s.areas == base.areas and s.data == base.data
    names = [o["name"] for o in s.section("plan")["options"]]
    assert names == [o["name"] for o in base.section("plan")["options"]] + [
        "Worcester City interim places"
    ]


@pytest.fixture(scope="module")
def interim_report(model_path):
    """The shipped interim-places scenario through the report pipeline (no SEND or early
    years), run once for this module: its report data."""
    import warnings

    from sufficiency import load_inputs
    from sufficiency.report import build_report, run_pipeline

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        inputs = load_inputs(load_model(model_path.with_name("worcestershire_interim.toml")))
        results = run_pipeline(inputs, with_send=False, with_early_years=False)
        missing = results.pop("missing")
        results.pop("seconds")
        return build_report(inputs, **results, missing=missing, report_date="2026-11-27")


def test_scenario_plan_uses_its_option(interim_report):
    p, ba = interim_report.plan, interim_report.before_after
    wc = p[p["area"] == "8850031"]
    assert set(wc["option"]) == {"Worcester City interim places"}
    assert (wc["duration"] == 1).all()
    assert ba.loc[ba["area"] == "8850031", "shortfall_after"].sum() == pytest.approx(0.0, abs=1e-6)


def test_interim_places_are_told_apart_and_the_costs_add_up(interim_report):
    """Interim places are neither lasting nor bulge classes; the plan summary's split used to
    leave them out, so its three figures did not add up to the capital (GBP 14.6m of 16.1m)."""
    from types import SimpleNamespace

    from sufficiency.optimise import AllocationResult
    from sufficiency.optimise.results import lasting_and_temporary

    p = interim_report.plan
    main = p[p["phase"].isin(["primary", "secondary"])]
    t = lasting_and_temporary(p)
    interim = main[main["kind"] == "temporary_expansion"]
    assert t["interim_places"] == interim["places"].sum() > 0
    assert t["lasting_cost"] + t["temporary_cost"] + t["interim_cost"] == pytest.approx(
        main["cost"].sum()
    )
    line = AllocationResult._lasting_lines(SimpleNamespace(plan=p, area_names={}))[0]
    assert f"; {interim['places'].sum():,.0f} interim (hired for a year or a few" in line
    assert f"GBP {interim['cost'].sum():,.0f}." in line
    head = interim_report._plan_split_headline()
    assert head["interim_cost_gbp"] == pytest.approx(interim["cost"].sum(), abs=0.01)


def _scenario(tmp_path, model_path, text: str, name: str = "s.toml"):
    """``text`` as ``models/<name>`` beside ``models/base.toml``, the default model with its
    data paths made absolute (no copy of the data)."""
    folder = tmp_path / "models"
    folder.mkdir(exist_ok=True)
    edited_model(folder, name="base.toml")
    p = folder / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize(
    "text, message",
    [
        ('extends = "nowhere.toml"\n', r"s\.toml: extends = 'nowhere\.toml': no such model"),
        (
            'extends = "../base.toml"\n',
            r"s\.toml: extends = '\.\./base\.toml': expected a model in the "
            r"same folder",
        ),
        (
            "extends = 3\n",
            r"s\.toml: extends = 3: expected the file name of the model this one extends",
        ),
        (
            'extends = "s.toml"\n',
            r"s\.toml: extends = 's\.toml': the models extend each other in a cycle",
        ),
        (
            'extends = "base.toml"\n[assumptions]\nhorizn = 5\n',
            r"s\.toml: \[assumptions\]: unknown key 'horizn' \(did you mean 'horizon'\?\)",
        ),
    ],
)
def test_scenario_errors_name_the_scenario_file(tmp_path, model_path, text, message):
    p = _scenario(tmp_path, model_path, text)
    with pytest.raises(ConfigError, match=message):
        load_model(p)


def test_a_cycle_through_two_files(tmp_path, model_path):
    _scenario(tmp_path, model_path, 'extends = "b.toml"\n', "a.toml")
    p = _scenario(tmp_path, model_path, 'extends = "a.toml"\n', "b.toml")
    with pytest.raises(ConfigError, match="cycle"):
        load_model(p)


def test_report_run_id_depends_on_the_base(tmp_path, model_path, inputs):
    """A change in the base model changes a scenario's run identifier."""
    import warnings

    from sufficiency import load_inputs
    from sufficiency.report import build_report

    p = _scenario(tmp_path, model_path, 'extends = "base.toml"\n[model]\nname = "S"\n')

    def run_id():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            data = build_report(load_inputs(load_model(p)), report_date="2026-11-27")
        assert data.meta["model_file"] == "s.toml (extends base.toml)"
        where = data.assumptions.set_index("assumption")["set in"]
        # each assumption names the file that sets it: here the base, as the scenario only
        # renames the model (a scenario trial found every row naming both files)
        assert where["forecast horizon"] == "base.toml [assumptions]"
        assert where["ratio averaging window"] == "base.toml [forecast]"
        return data.meta["run_id"]

    before = run_id()
    base = tmp_path / "models" / "base.toml"
    base.write_text(base.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert run_id() != before


def test_interim_places_are_place_years_not_bulge_classes(interim_report):
    """The scenario's one-year interim places are stated as place-years, apart from the bulge
    classes, and not added to the places (found by a new-authority test, 27 November 2026)."""
    from sufficiency.report.text import recommendations

    data = interim_report
    p = data.plan
    interim = p["option"] == "Worcester City interim places"
    bulge = p["kind"] == "bulge_class"
    text = " ".join(recommendations(data))
    assert f"{p.loc[bulge, 'places'].sum():,.0f} temporary places in bulge classes" in text
    assert (
        f"and {p.loc[interim, 'places'].sum():,.0f} place-years of interim or other "
        "temporary places (hired a year or more at a time)"
    ) in text
    assert f"for {p.loc[~interim, 'places'].sum():,.0f} additional places" in text
    key = data.key_decision["recommended"]
    assert key["places"] == 0 and key["interim_place_years"] == p.loc[interim, "places"].sum()
    assert "720 place-years of interim or other temporary places at £1.5m" in text
    h = data.headline()["plan"]
    assert h["interim_place_years"] == 720 and h["places"] == p.loc[~interim, "places"].sum()


def test_assumptions_window_reaches_the_forecast_unless_forecast_sets_one(tmp_path):
    """An [assumptions] window the model gives is used when [forecast] has none, 3 included
    (it was ignored when it equalled its own default; found writing docs/model.md)."""
    from conftest import edited_model

    from sufficiency.forecast import forecast_params

    both = edited_model(tmp_path)  # [assumptions] window = 3, [forecast] window = 5
    assert forecast_params(load_model(both))["window"] == 5
    only = edited_model(
        tmp_path, [("window = 5                    # years of survival ratios averaged", "")]
    )
    assert forecast_params(load_model(only))["window"] == 3


def test_forecast_horizon_that_differs_from_the_assumptions_is_an_error(tmp_path):
    from conftest import edited_model

    p = edited_model(tmp_path, [("[forecast]\n", "[forecast]\nhorizon = 8\n")])
    with pytest.raises(
        ConfigError,
        match=r"\[forecast\] horizon = 8: \[assumptions\] horizon = 10; "
        r"expected one value, in \[assumptions\]",
    ):
        load_model(p)
    # [assumptions] silent: its default (10) is the one the plan and the report use
    silent = edited_model(
        tmp_path,
        [("[forecast]\n", "[forecast]\nhorizon = 15\n"), ("horizon = 10 ", "# horizon = 10 ")],
    )
    with pytest.raises(
        ConfigError, match=r"horizon = 15: \[assumptions\] horizon = 10 \(its default\)"
    ):
        load_model(silent)
    same = edited_model(tmp_path, [("[forecast]\n", "[forecast]\nhorizon = 10\n")])
    assert load_model(same).section("forecast")["horizon"] == 10


def test_a_scenario_entry_is_merged_into_the_base_entry(tmp_path, model_path):
    """A scenario that gives an area only a new transfer keeps its tiers and districts (the
    entry replaced the base's whole before: found by a new-authority test)."""
    base = load_model(model_path)
    a = next(x for x in base.areas if x.tiers == "three_tier" and len(x.transfer) == 1)
    target = next(iter(a.transfer))
    p = _scenario(
        tmp_path,
        model_path,
        f'extends = "base.toml"\n[[areas]]\ncode = "{a.code}"\ntransfer = {{ "{target}" = 1.0 }}\n',
    )
    s = load_model(p).area(a.code)
    assert dict(s.transfer) == {target: 1.0}
    assert s.tiers == "three_tier" and s.districts == a.districts and s.name == a.name


def test_assumptions_not_in_the_model_are_engine_defaults(tmp_path, inputs):
    """The report's Assumptions table says 'engine default' for a value the model does not set
    (it named the model's [assumptions] for the forecast window: found by a new-authority test)."""
    import dataclasses
    import warnings

    from conftest import edited_model

    from sufficiency.report import build_report

    cfg = load_model(
        edited_model(
            tmp_path,
            [
                ("window = 5                    # years of survival ratios averaged", ""),
                (
                    "window = 3            # years of ratios averaged (the forecast section may override)",
                    "",
                ),
            ],
        )
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = build_report(dataclasses.replace(inputs, config=cfg), report_date="2026-11-27")
    where = data.assumptions.set_index("assumption")["set in"]
    assert where["ratio averaging window"] == "engine default"
    assert where["forecast horizon"] == "m.toml [assumptions]"


def test_merge_replaces_data_keyed_tables_and_arrays_without_ids():
    """A scenario's transfer (keys are area codes) and tier_changes (entries without a code or
    name) replace the base's; found by the final review: a new transfer destination added to
    the old one, and a delayed tier change kept the base's year too."""
    base = {
        "areas": [
            {
                "code": "1",
                "tiers": "three_tier",
                "transfer": {"A": 1.0},
                "tier_changes": [{"year": 2027, "tiers": "two_tier"}],
            }
        ]
    }
    over = {
        "areas": [
            {
                "code": "1",
                "transfer": {"B": 1.0},
                "tier_changes": [{"year": 2029, "tiers": "two_tier"}],
            }
        ]
    }
    a = merge_models(base, over)["areas"][0]
    assert a["transfer"] == {"B": 1.0} and a["tiers"] == "three_tier"
    assert a["tier_changes"] == [{"year": 2029, "tiers": "two_tier"}]


def test_a_scenario_report_says_it_is_one_and_submits_nothing(tmp_path):
    """A scenario's report read like a Cabinet paper, submitting its pupil forecasts to the
    DfE (scenario trial): it now says what it changes, that it is for comparison, and its
    last recommendation says its forecasts are not for the SCAP return."""
    from types import SimpleNamespace

    from conftest import DATA

    from sufficiency.report.build import _scenario_meta
    from sufficiency.report.text import scenario_sentence

    models = DATA.parent / "models"
    cfg = load_model(models / "worcestershire_interim.toml")
    meta = _scenario_meta(cfg)
    assert meta == {
        "file": "worcestershire_interim.toml",
        "extends": ["worcestershire.toml"],
        "changes": ["[[plan.options]] (1 entry)"],
    }
    assert _scenario_meta(load_model(models / "worcestershire.toml")) is None
    data = SimpleNamespace(meta={"scenario": meta})
    assert scenario_sentence(data).startswith(
        "This report is of a scenario, worcestershire_interim.toml, which changes "
        "worcestershire.toml in local plan options (1 entry). Its figures and recommendations "
        "show the effect of those changes, for comparison"
    )
    assert cfg.set_in("assumptions", "margin") == "worcestershire.toml"
    assert cfg.set_in("model", "name") == "worcestershire_interim.toml"


def test_a_scenario_names_the_file_that_sets_each_setting(tmp_path, model_path):
    from sufficiency.report.build import _scenario_meta

    p = _scenario(
        tmp_path,
        model_path,
        'extends = "base.toml"\n[assumptions]\nmargin = 0.05\n'
        "[forecast.housing]\narrival = [1.0]\n",
    )
    cfg = load_model(p)
    assert cfg.set_in("assumptions", "margin") == "s.toml"
    assert cfg.set_in("assumptions", "horizon") == "base.toml"
    assert _scenario_meta(cfg)["changes"] == ["[assumptions] margin", "[forecast.housing] arrival"]


def test_a_scenarios_scap_file_says_on_every_row_it_is_not_for_submission(interim_report):
    """A scenario's SCAP pupil forecasts were byte-identical to the central model's, with no
    mark (SCAP audit): every row now names the scenario and says it is not for submission."""
    import io

    import pandas as pd

    from sufficiency.report.render import render_scap

    f = pd.read_csv(io.StringIO(render_scap(interim_report)), dtype=str)
    assert set(f["model_scenario"]) == {
        "worcestershire_interim.toml (scenario of worcestershire.toml; not for submission)"
    }
    assert set(f["census"]) == {f"January {interim_report.meta['base_year'] + 1} census"}
