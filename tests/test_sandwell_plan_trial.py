"""Findings of a trial of the plan on Sandwell (``sufficiency new E08000028``: 6 primary and
6 secondary planning areas, secondary demand far above the SCAP 2015 capacity), checked on
tiny synthetic problems (test data only) and once on the model written by ``sufficiency new``
from the embedded data (real data) with one local option added."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import new_model

from sufficiency.cli import cli
from sufficiency.exceptions import ConfigError, InfeasibleError, SufficiencyWarning
from sufficiency.optimise import OPTION_COLUMNS, PlanSettings, options_from_config, solve_allocation

YEARS = [2027, 2028, 2029]
PLAIN = dict(
    margin=0.0, target=0.0, ceiling=0.5, discount_rate=0.0, target_penalty=0.0, surplus_penalty=0.0
)


def _entry(**kw):
    e = dict(
        name="Oldbury bulge classes",
        area="A",
        phase="secondary",
        kind="bulge_class",
        places=30,
        cost_per_place=10706.75,
        max_per_year=2,
    )
    return {**e, **kw}


def _read(entries, areas=None):
    return options_from_config(
        {"options": entries}, "m.toml: [plan]", areas=areas or {"A": "secondary", "P": "primary"}
    )


# ------------------------------------------------- a local bulge class lasts, it is not permanent
@pytest.mark.parametrize("phase,area,years", [("secondary", "A", 5), ("primary", "P", 7)])
def test_local_bulge_class_without_duration_lasts_its_phase(phase, area, years):
    # a bulge class in [[plan.options]] without `duration` was read as permanent (duration
    # 0, one module in the plan): 30 lasting places at the DfE temporary cost per place, and
    # the plan could buy only one of them instead of two a year
    o = _read([_entry(phase=phase, area=area)]).iloc[0]
    assert o["duration"] == years
    assert o["max_modules"] == 0 and o["max_per_year"] == 2


def test_temporary_kinds_need_a_duration():
    with pytest.raises(ConfigError, match=r"#1 \(Oldbury bulge classes\) duration = 0: expected"):
        _read([_entry(duration=0)])
    with pytest.raises(
        ConfigError,
        match=r"#1 \(interim\) kind = 'temporary_expansion' .*"
        r"no duration given; expected duration =",
    ):
        _read([_entry(name="interim", kind="temporary_expansion")])
    # a permanent kind still defaults to permanent
    assert _read([_entry(kind="permanent_expansion", max_per_year=0)])["duration"].iloc[0] == 0


# ------------------------------------------------------------- tiny problems (synthetic data)
def _opt(
    name,
    kind="bulge_class",
    places=30.0,
    cost=300_000.0,
    max_modules=0,
    max_per_year=2,
    earliest=2027,
    duration=5,
):
    return dict(
        option=name,
        area="A",
        phase="secondary",
        kind=kind,
        places=places,
        max_modules=max_modules,
        max_per_year=max_per_year,
        min_modules=0,
        cost_per_module=cost,
        cost_per_place=cost / places,
        revenue_per_place=0.0,
        earliest_year=earliest,
        duration=duration,
        fill_years=0,
        source="test",
    )


def _solve(options, need=(250.0, 260.0, 270.0)):
    dem = pd.DataFrame({"area": "A", "phase": "secondary", "year": YEARS, "demand": list(need)})
    cap = pd.DataFrame({"area": ["A"], "phase": "secondary", "capacity": [200.0]})
    return solve_allocation(
        dem, cap, pd.DataFrame(options, columns=list(OPTION_COLUMNS)), PlanSettings(**PLAIN)
    )


@pytest.fixture(scope="module")
def whole(tmp_path_factory):
    """A plan of whole places (bulge classes), written twice."""
    r = _solve([_opt("bulge")])
    a, b = tmp_path_factory.mktemp("a"), tmp_path_factory.mktemp("b")
    r.write(a)
    _solve([_opt("bulge")]).write(b)
    return r, a, b


def test_plan_csvs_write_whole_places_as_integers(whole):
    # plan.csv read "30.0" places for a bulge class (and before_after.csv "200.0" capacity)
    r, a, _ = whole
    assert r.total_cost > 0
    plan = (a / "plan.csv").read_text().splitlines()
    col = plan[0].split(",").index("places")
    assert all("." not in line.split(",")[col] for line in plan[1:]), plan
    for name, cols in (
        ("before_after.csv", ("capacity_before", "added", "capacity_after")),
        ("cost_by_year.csv", ("places",)),
        ("options.csv", ("places",)),
    ):
        f = pd.read_csv(a / name, dtype=str)
        for c in cols:
            assert not f[c].str.contains(".", regex=False).any(), (name, c, f[c].tolist())
    # the library's frames keep their values
    back = pd.read_csv(a / "before_after.csv")
    assert back["capacity_after"].tolist() == r.cells["capacity_after"].tolist()


def test_plan_csvs_keep_fractional_places(tmp_path):
    # an early years module of 26.5 FTE places stays 26.5, not rounded
    r = _solve(
        [
            _opt(
                "nursery",
                kind="permanent_expansion",
                places=26.5,
                cost=250_000.0,
                max_modules=5,
                max_per_year=0,
                duration=0,
            )
        ],
        need=(210.0, 220.0, 225.0),
    )
    r.write(tmp_path)
    assert "26.5" in pd.read_csv(tmp_path / "options.csv", dtype=str)["places"].tolist()
    assert pd.read_csv(tmp_path / "plan.csv")["places"].sum() == pytest.approx(
        r.plan["places"].sum()
    )


def test_plan_outputs_are_byte_identical_on_a_repeat_run(whole):
    _, a, b = whole
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir()) and "plan.csv" in names
    for n in names:
        assert (a / n).read_bytes() == (b / n).read_bytes(), n


def test_shortfall_reason_does_not_point_past_the_plan():
    # the only other option opens after the plan's last year: the summary read "other
    # options open from 2040/41", as if waiting for it helped within the plan
    r = _solve(
        [
            _opt("bulge", max_per_year=1),
            _opt(
                "school",
                kind="new_school",
                places=900.0,
                cost=26e6,
                max_modules=1,
                max_per_year=0,
                earliest=2040,
                duration=0,
            ),
        ]
    )
    why = r._why_short("A", "secondary", 2029)
    assert "2040/41" not in why.split("only after")[0]
    assert "only after the plan's last year (2029/30)" in why
    assert "open from 2040/41" not in r.summary()


# -------------------------------------------------------------- Sandwell's model (real data)
@pytest.fixture(scope="module")
def sandwell(tmp_path_factory) -> Path:
    """``sufficiency new E08000028`` with a local bulge class in Oldbury's secondary area
    (3330007) written as an officer would, without `duration`."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SufficiencyWarning)
        path = new_model(tmp_path_factory.mktemp("swl"), "E08000028", "sandwell")
    text = path.read_text() + (
        '\n[[plan.options]]\nname = "Oldbury bulge classes"\narea = "3330007"\n'
        'phase = "secondary"\nkind = "bulge_class"\nplaces = 30\ncost_per_place = 10706.75\n'
        "max_per_year = 2\n"
    )
    path.write_text(text)
    return path


def test_sandwell_local_bulge_class_plans_as_the_default_one(sandwell, tmp_path):
    res = CliRunner().invoke(
        cli, ["plan", str(sandwell), "--solver", "highs", "--out", str(tmp_path)]
    )
    assert res.exit_code == 0, res.output
    opts = pd.read_csv(tmp_path / "options.csv", dtype={"area": str})
    mine = opts[opts["option"] == "Oldbury bulge classes"].iloc[0]
    assert mine["duration"] == 5 and mine["max_modules"] == 0
    plan = pd.read_csv(tmp_path / "plan.csv", dtype={"area": str})
    bulge = plan[plan["option"] == "Oldbury bulge classes"]
    # Oldbury is short by about 1,000 places in 2027/28: two bulge classes, as the default
    # option buys, not the one permanent module
    assert bulge.loc[bulge["year"] == bulge["year"].min(), "modules"].iloc[0] == 2
    assert "its only module used" not in res.output
    assert pd.api.types.is_integer_dtype(plan["places"])


def test_hard_margin_names_every_infeasible_area():
    # with elastic=False the plan is split into independent parts (one per area) and the
    # error named only the first infeasible one: one secondary area of Sandwell's five short
    def part(area):
        return dict(_opt(f"{area} bulge", max_per_year=1), area=area)

    dem = pd.DataFrame(
        {
            "area": ["A"] * 3 + ["B"] * 3,
            "phase": "secondary",
            "year": YEARS * 2,
            "demand": [300.0, 310.0, 320.0, 400.0, 410.0, 420.0],
        }
    )
    cap = pd.DataFrame({"area": ["A", "B"], "phase": "secondary", "capacity": [200.0, 200.0]})
    opts = pd.DataFrame([part("A"), part("B")], columns=list(OPTION_COLUMNS))
    with pytest.raises(InfeasibleError) as e:
        solve_allocation(dem, cap, opts, PlanSettings(**PLAIN, elastic=False))
    msg = str(e.value)
    assert "area A secondary in 2027/28" in msg and "area B secondary in 2027/28" in msg
    assert "2 of 2 independent parts" in msg
    # the single model names both too, as before
    with pytest.raises(InfeasibleError, match="area A secondary.*area B secondary"):
        solve_allocation(
            dem, cap, opts, PlanSettings(**PLAIN, elastic=False, presolve=False, decompose=False)
        )


@pytest.mark.parametrize("key", ["special", "early_years"])
def test_section_options_reject_temporary_kinds(key):
    # [plan.special] and [plan.early_years] options have no duration and are planned as
    # permanent: a temporary kind there was 8 lasting places at a temporary price
    from sufficiency.optimise.planning import section_options

    sec = {key: {"options": [{"kind": "temporary_expansion", "places": 8, "cost_per_place": 5e3}]}}
    with pytest.raises(
        ConfigError,
        match=rf"\[\[plan.{key}.options\]\] #1 kind = 'temporary_expansion'"
        r": expected a permanent kind",
    ):
        section_options(sec, key, "m.toml")
    sec[key]["options"][0]["kind"] = "special_expansion"
    assert section_options(sec, key, "m.toml")[0]["kind"] == "special_expansion"


def test_an_option_after_the_plan_is_warned_of_in_academic_years(tmp_path):
    # the warning read "after the plan's last year 2032 (2027..2032)": raw years, where every
    # other message says 2032/33
    import warnings

    from conftest import edited_model

    from sufficiency._model_checks import check_against_data
    from sufficiency.config import load_model

    p = edited_model(
        tmp_path,
        [("earliest_year = 2028  # opening moved", "earliest_year = 2040  # opening moved")],
    )
    cfg = load_model(p)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_against_data(cfg, 2022, 2011)
    msgs = [str(w.message) for w in caught if "never be chosen" in str(w.message)]
    assert len(msgs) == 1, [str(w.message) for w in caught]
    assert "after the plan's last year, 2032/33 (the plan runs 2027/28 to 2032/33" in msgs[0]
    assert "earliest_year = 2040" in msgs[0] and str(p) in msgs[0]
