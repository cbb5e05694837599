"""plan() on the real Worcestershire inputs with a stub forecast (synthetic demand, test only),
and the ``sufficiency plan`` command."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from sufficiency.optimise import plan


class StubForecast:
    """Synthetic demand (test data only): base-year totals of each area growing 1% a year;
    quantile q scales by 1 + (q - 0.5) / 5."""

    def __init__(self, inputs):
        p = inputs.pupils
        base = inputs.base_year
        last = p.loc[p["year"] == base].copy()
        last["phase"] = np.where(
            last["ncy"] <= 6, "primary", np.where(last["ncy"] <= 11, "secondary", "sixth_form")
        )
        tot = last.groupby(["area", "phase"], as_index=False)["pupils"].sum()
        rows = [tot.assign(year=base + h, pupils=tot["pupils"] * 1.01**h) for h in range(1, 11)]
        self.totals = pd.concat(rows, ignore_index=True)
        self.base_year = base
        self.notes = ("stub forecast: synthetic",)

    def phase_totals(self, q=None):
        f = 1.0 if q is None else 1 + (q - 0.5) / 5
        return self.totals.assign(pupils=self.totals["pupils"] * f)


def test_plan_uses_local_options_and_benchmarks(inputs):
    r = plan(inputs, StubForecast(inputs), appraise=True)
    opts = r.options.set_index("option")
    new = opts.loc["Worcester City new 600-place 11-16 school"]
    assert new["cost_per_module"] == 63_300_000.0 and new["earliest_year"] == 2028
    exp = opts.loc["Worcester City expansion of an existing secondary school (1FE)"]
    assert exp["places"] == 150 and exp["max_modules"] == 5
    # the benchmark defaults for Worcester City's new school / expansion are replaced
    wc = r.options.query("area == '8850031'")
    assert sorted(wc["kind"]) == ["bulge_class", "new_school", "permanent_expansion"]
    # every other area is priced with the DfE benchmarks
    assert (
        r.options.query("area == '8850017' and kind == 'bulge_class'")["cost_per_place"].round()
        == 10707
    ).all()
    assert r.cells["year"].min() == inputs.config.section("plan")["first_year"]
    assert any("Worcester City (8850031) secondary" in k for k in r.decisions)
    # shortfall after the plan never exceeds shortfall before
    assert (r.cells["shortfall_after"] <= r.cells["shortfall_before"] + 1e-6).all()


def test_plan_reports_the_years_before_its_first_year(inputs):
    """The plan starts in [plan] first_year (2027/28); the years from the latest data to it
    are short too, and the summary says so instead of 'none short in every year' (found by a
    Herefordshire trial)."""
    from sufficiency.capacity import capacity_by_area

    fc = StubForecast(inputs)
    r = plan(inputs, fc, appraise=False)
    first = inputs.config.section("plan")["first_year"]
    bp = r.before_plan
    assert set(bp["year"]) <= set(range(inputs.base_year + 1, first)) and len(bp)
    # recomputed by hand: demand x (1 + margin) - places, where positive
    pt = fc.phase_totals()
    y = int(bp["year"].max())
    # secondary places take Years 7-13 (the sixth form included)
    d = (
        pt[(pt["year"] == y) & pt["phase"].isin(["secondary", "sixth_form"])]
        .groupby("area")["pupils"]
        .sum()
    )
    cap = (
        capacity_by_area(inputs.capacity)
        .query("phase == 'secondary'")
        .set_index("area")["capacity"]
    )
    want = (d * (1 + r.settings.margin) - cap.reindex(d.index).fillna(0)).clip(lower=0)
    got = bp[(bp["year"] == y) & (bp["phase"] == "secondary")].set_index("area")["shortfall"]
    np.testing.assert_allclose(got.sort_index(), want[want > 0.5].sort_index())
    text = r.summary()
    assert "Short before the plan's first year (2027/28), with the minimum margin: " in text
    assert f"{got.sum():,.0f} secondary ({len(got)} areas)" in text


def test_a_budget_too_small_to_close_the_shortfall_is_named(inputs):
    """With GBP 1m the plan spends GBP 963,608 and leaves places short: the budget is what
    limits it, though not spent to the pound (a bad-input audit found it named nowhere)."""
    r = plan(inputs, StubForecast(inputs), budget=1_000_000, appraise=False)
    assert r.total_shortfall > 0 and r.total_cost <= 1_000_000
    b = r.binding[r.binding["family"] == "budget"]
    assert len(b) == 1
    left = 1_000_000 - r.total_cost
    detail = b["detail"].iloc[0]
    assert detail.startswith(
        f"spent GBP {r.total_cost:,.0f} of GBP 1,000,000; the GBP {left:,.0f} "
        "left buys none of the options that would cut the shortfall left"
    )
    # the cheapest build it names really costs more than what is left
    named = float(detail.rsplit("costs GBP ", 1)[1].rstrip(")").replace(",", ""))
    assert named > left
    assert f"The total capital budget limits the plan: {detail}" in r.summary()
    # without a budget there is no budget row
    free = plan(inputs, StubForecast(inputs), appraise=False)
    assert not (free.binding["family"] == "budget").any()


def test_plan_quantile_reports_robustness_and_budget(inputs):
    f = StubForecast(inputs)
    r = plan(inputs, f, quantile=0.8, appraise=False)
    assert r.cells["scenario"].unique().tolist() == ["q0.8"]
    assert r.robustness["extra_cost"] == pytest.approx(r.total_cost - r.robustness["central_cost"])
    assert r.robustness["extra_cost"] >= 0
    tight = plan(inputs, f, budget=1_000_000.0, appraise=False)
    assert tight.total_cost <= 1_000_000.0
    assert tight.total_shortfall >= r.total_shortfall


def test_plan_cli_with_stub(monkeypatch, model_path, tmp_path):
    import sufficiency.forecast as fc
    from sufficiency.cli import cli

    monkeypatch.setattr(fc, "run_forecast", lambda inputs, **kw: StubForecast(inputs))
    res = CliRunner().invoke(
        cli,
        [
            "-q",
            "plan",
            str(model_path),
            "--quantile",
            "0.8",
            "--no-appraise",
            "--out",
            str(tmp_path),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "Robustness" in res.output
    plan_csv = pd.read_csv(tmp_path / "plan.csv")
    assert plan_csv["cost"].sum() > 0
    for name in (
        "before_after.csv",
        "cost_by_year.csv",
        "binding_constraints.csv",
        "marginal_costs.csv",
        "options.csv",
        "plan_summary.txt",
    ):
        assert (tmp_path / name).exists()
    bad = CliRunner().invoke(cli, ["plan", str(model_path), "--solver", "gurobi"])
    assert bad.exit_code == 2


def test_plan_entry_point_subprocess(model_path, tmp_path):
    """The real console entry point on the embedded data (real forecast)."""
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "sufficiency",
            "-q",
            "plan",
            str(model_path),
            "--no-appraise",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert "Plan (cbc, Optimal" in out.stdout
    ba = pd.read_csv(tmp_path / "before_after.csv", dtype={"area": str})
    assert set(ba["area"]) >= {"8850031", "8850015"}


def test_plan_files_do_not_change_with_the_solve_time(inputs, tmp_path):
    """Determinism: the same plan written twice gives the same bytes even though the solver
    took a different time (the time is printed, not written)."""
    import dataclasses

    r = plan(inputs, StubForecast(inputs), appraise=False)
    slower = dataclasses.replace(r, solve_seconds=r.solve_seconds + 12.34)
    a = {p.name: p.read_bytes() for p in r.write(tmp_path / "a")}
    b = {p.name: p.read_bytes() for p in slower.write(tmp_path / "b")}
    assert a == b
    assert f"{slower.solve_seconds:.2f} s" in slower.summary()
    assert " s)" not in (tmp_path / "a" / "plan_summary.txt").read_text().splitlines()[0]
    # authority-wide rows (special, early years) are named, not shown as a bare code
    assert r.area_names[inputs.config.authority].endswith("(authority-wide)")


def test_plan_csv_money_in_plain_digits(tmp_path):
    """Costs are written to the penny in plain digits (a reviewer found 1.6583e+07); other
    numbers to 6 significant digits, so solver noise below that leaves the file unchanged."""
    import pandas as pd

    from sufficiency.optimise.results import write_frame_atomic

    f = pd.DataFrame(
        {
            "year": [2027],
            "cost": [16582963.0149],
            "shortfall_after": [1e-9 + 30.0],
            "surplus_pct_after": [0.13295512345],
        }
    )
    text = write_frame_atomic(f, tmp_path / "x.csv").read_text()
    assert "e+" not in text
    assert text.splitlines()[1] == "2027,16582963.01,30.0,0.132955"


def test_missing_scorecards_folder_names_the_key(tmp_path, inputs, core_pipeline):
    """Without [plan] scorecards the default folder (../data/school_places_scorecards, next to
    the model's folder) is used; where it is absent the error names the key and the default."""
    import dataclasses

    from conftest import edited_model

    from sufficiency import load_model
    from sufficiency.exceptions import ConfigError

    cfg = load_model(
        edited_model(tmp_path, [('scorecards = "../data/school_places_scorecards"\n', "")])
    )
    with pytest.raises(
        ConfigError,
        match=r"\[plan\] scorecards = '\.\./data/school_places_scorecards' "
        r"\(the default\): no folder at .*expected the DfE school "
        r"places scorecards folder",
    ):
        plan(dataclasses.replace(inputs, config=cfg), core_pipeline[0]["forecast"])


def test_highs_banner_goes_to_the_log_not_stdout():
    """HiGHS prints a banner on stdout when its first solver object is made; library code does
    not print, so the optimiser makes it first with stdout sent to the log."""
    pytest.importorskip("highspy")
    code = (
        "from sufficiency.optimise.model import _highs_options; _highs_options(); "
        "import highspy; highspy.Highs()"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HiGHS" not in out.stdout and out.stdout == ""


def test_validate_names_the_missing_scorecards_folder(tmp_path):
    """``validate`` reads the scorecards folders the plan and the report read and, when the
    default one is absent, says so as the plan does: the model file, the key, that it is the
    default, the folder looked for (Shropshire trial: validate said only 'not a directory')."""
    from conftest import edited_model

    from sufficiency import load_model
    from sufficiency.exceptions import ConfigError
    from sufficiency.validation import load_section_inputs

    cfg = load_model(
        edited_model(tmp_path, [('scorecards = "../data/school_places_scorecards"\n', "")])
    )
    with pytest.raises(
        ConfigError,
        match=r"\.toml: \[plan\] scorecards = '\.\./data/school_places"
        r"_scorecards' \(the default\): no folder at ",
    ):
        load_section_inputs(cfg)


def test_library_misuse_names_the_argument(inputs, core_pipeline):
    """A library caller's mistakes name the argument they passed (library-user test, 28
    November 2026): a forecast's to_frame() for the forecast, a negative budget, a mistyped
    forecast keyword (which had blamed the model file)."""
    from sufficiency.exceptions import ConfigError
    from sufficiency.forecast import run_forecast

    fc = core_pipeline[0]["forecast"]
    with pytest.raises(TypeError, match=r"forecast is a DataFrame; expected a ForecastResult"):
        plan(inputs, fc.to_frame())
    with pytest.raises(
        ConfigError, match=r"plan\(budget=-5\): expected a total capital budget >= 0"
    ):
        plan(inputs, fc, budget=-5)
    with pytest.raises(
        ConfigError,
        match=r"^keyword argument \(run_forecast / forecast_params\): "
        r"unknown forecast parameter 'windw'",
    ):
        run_forecast(inputs, windw=3)


_SCHEME = """[[plan.options]]
name = "Middle school scheme: Years 7-8"
area = "8850031"
phase = "secondary"
kind = "permanent_expansion"
places = 60
cost = {cost_s}
scheme = "Worcester middle school"
max_modules = 2

[[plan.options]]
name = "Middle school scheme: Years 5-6"
area = "8850016"
phase = "primary"
kind = "permanent_expansion"
places = 60
cost = {cost_p}
scheme = "Worcester middle school"
max_modules = 2

[[plan.options]]
"""


def _scheme_model(
    tmp_path, cost_s=400000.0, cost_p=400000.0, scheme=True, edit=None, name="m.toml"
):
    """The default model with a middle school's two options (SYNTHETIC costs, test only)
    added to [[plan.options]], built together when ``scheme``."""
    from conftest import edited_model

    text = _SCHEME.format(cost_s=cost_s, cost_p=cost_p)
    if not scheme:
        text = text.replace('scheme = "Worcester middle school"\n', "")
    if edit is not None:
        assert edit[0] in text
        text = text.replace(edit[0], edit[1], 1)
    return edited_model(tmp_path, [("[[plan.options]]\n", text)], name=name)


def _planned(tmp_path, inputs, **kw):
    import dataclasses

    from sufficiency import load_model

    cfg = load_model(_scheme_model(tmp_path, **kw))
    return plan(dataclasses.replace(inputs, config=cfg), StubForecast(inputs), appraise=True)


def test_options_of_a_scheme_are_built_together(tmp_path, inputs):
    """A middle school's expansion adds Years 5-6 places in its primary area and Years 7-8
    places in its secondary area: the two options of a scheme are built module for module in
    the same year, though only the secondary places are needed."""
    r = _planned(tmp_path, inputs)
    got = r.plan[r.plan["scheme"] == "Worcester middle school"]
    assert sorted(got["area"]) == ["8850016", "8850031"]
    assert got["year"].nunique() == 1 and got["modules"].nunique() == 1
    cells = r.cells.query("area == '8850016' and phase == 'primary'")
    assert (cells["shortfall_before"] == 0).all()  # the primary half is not needed on its own
    import dataclasses

    text = dataclasses.replace(r, plan=got).summary()
    assert text.count("(scheme 'Worcester middle school', built as one project)") == 2
    # the area's decision names the rest of the scheme, which its own routes leave out
    why = next(v for k, v in r.decisions.items() if "(8850031) secondary" in k)
    import re

    mod = int(got.loc[got["area"] == "8850031", "modules"].iloc[0])
    assert re.search(
        rf"built with {60 * mod} primary places in 8850016 \(GBP [\d,]+\) as scheme "
        r"'Worcester middle school', which the routes below",
        why,
    )
    # the same options without the scheme: only the needed secondary half is built
    free = _planned(tmp_path, inputs, scheme=False, name="loose.toml")
    built = free.plan[free.plan["option"].str.startswith("Middle school scheme")]
    assert set(built["area"]) == {"8850031"}


def test_a_scheme_keeps_the_areas_default_options(tmp_path, inputs):
    """A scheme's options are projects beside the defaults: they do not replace the area's
    default expansion of their kind (a three-tier trial found Bromsgrove's defaults gone)."""
    r = _planned(tmp_path, inputs)
    o = r.options
    kinds = o[(o["area"] == "8850016") & (o["phase"] == "primary")]
    assert (kinds["kind"] == "permanent_expansion").sum() == 2  # the default and the scheme's
    loose = _planned(tmp_path, inputs, scheme=False, name="loose.toml").options
    mine = loose[(loose["area"] == "8850016") & (loose["phase"] == "primary")]
    assert (mine["kind"] == "permanent_expansion").sum() == 1  # a local option replaces it


def test_a_costly_scheme_is_built_whole_or_not_at_all(tmp_path, inputs):
    """When the unneeded half makes the scheme dearer than the alternatives, neither half is
    built (the needed half is not taken alone)."""
    r = _planned(tmp_path, inputs, cost_p=90_000_000.0)
    assert not r.plan["option"].str.startswith("Middle school scheme").any()
    free = _planned(tmp_path, inputs, cost_p=90_000_000.0, scheme=False, name="loose.toml")
    assert free.plan["option"].str.startswith("Middle school scheme").any()


@pytest.mark.parametrize(
    "edit, match",
    [
        (
            (
                'scheme = "Worcester middle school"\nmax_modules = 2\n\n[[plan.options]]\nname = '
                '"Middle school scheme: Years 5-6"',
                'max_modules = 2\n\n[[plan.options]]\nname = "Middle school scheme: Years 5-6"',
            ),
            r"scheme = 'Worcester middle school': only option 'Middle school scheme: Years 5-6' has it",
        ),
        (
            ('area = "8850016"\nphase = "primary"', 'area = "8850031"\nphase = "secondary"'),
            r"add places to the same area and phase",
        ),
        (("cost = 400000.0\nscheme", "cost = 400000.0\nearliest_year = 2029\nscheme"), None),
        (
            (
                'max_modules = 2\n\n[[plan.options]]\nname = "Middle school scheme: Years 5-6"',
                'max_modules = 2\nmin_modules = 1\n\n[[plan.options]]\nname = "Middle school scheme: Years 5-6"',
            ),
            r"min_modules \(committed modules\) differs",
        ),
        (
            (
                'scheme = "Worcester middle school"\nmax_modules = 2\n\n[[plan.options]]\nname = '
                '"Middle school scheme: Years 5-6"',
                'scheme = "Worcester middle schol"\nmax_modules = 2'
                '\n\n[[plan.options]]\nname = "Middle school scheme: Years 5-6"',
            ),
            r"only option 'Middle school scheme: Years 7-8' has it.*did you mean 'Worcester middle "
            r"school'",
        ),
    ],
)
def test_bad_schemes_are_named(tmp_path, edit, match):
    from sufficiency import load_model
    from sufficiency.exceptions import ConfigError

    if match is None:  # an earliest_year given on one option only: the other's is the
        load_model(_scheme_model(tmp_path, edit=edit))  # plan's first year, known later
        return
    with pytest.raises(ConfigError, match=match):
        load_model(_scheme_model(tmp_path, edit=edit))


def test_a_schemes_differing_module_limits_plan_at_the_smaller(tmp_path, caplog):
    """A scheme is built module for module, so halves with different module limits are
    planned at the smaller, with a warning (it had been an error); in a model and in a
    table alike."""
    import logging

    from sufficiency import load_model
    from sufficiency.optimise.options import validate_options

    edit = (
        'max_modules = 2\n\n[[plan.options]]\nname = "Middle school scheme: Years 5-6"',
        'max_modules = 3\n\n[[plan.options]]\nname = "Middle school scheme: Years 5-6"',
    )
    with caplog.at_level(logging.WARNING):
        cfg = load_model(_scheme_model(tmp_path, edit=edit))
    assert (
        "max_modules differs ('Middle school scheme: Years 7-8': 3, 'Middle school scheme: "
        "Years 5-6': 2); the scheme is planned at the smaller, 2"
    ) in caplog.text
    from sufficiency.optimise.options import options_from_config

    got = options_from_config(cfg.section("plan")).set_index("option")["max_modules"]
    assert got["Middle school scheme: Years 7-8"] == got["Middle school scheme: Years 5-6"] == 2

    opts = pd.DataFrame(
        {
            "option": ["a", "b"],
            "area": ["P", "Q"],
            "phase": ["primary", "secondary"],
            "kind": "permanent_expansion",
            "places": 30.0,
            "max_modules": [1, 3],
            "max_per_year": 0,
            "min_modules": [2, 2],
            "cost_per_module": 1.0,
            "cost_per_place": 1.0 / 30,
            "revenue_per_place": 0.0,
            "earliest_year": 2025,
            "duration": 0,
            "fill_years": 0,
            "source": "SYNTHETIC",
            "scheme": "x",
        }
    )
    with pytest.raises(Exception, match=r"min_modules > max_modules"):
        validate_options(opts, "options")
    ok = validate_options(opts.assign(min_modules=0), "options")
    assert list(ok["max_modules"]) == [1, 1]


def test_places_left_short_say_what_binds(inputs):
    """Each area-year left short in the summary says what stopped the plan there, from the
    binding constraints (a Herefordshire re-test found the reason only in the CSV)."""
    r = plan(inputs, StubForecast(inputs), appraise=False)
    b = r.binding
    short = r.cells[r.cells["shortfall_after"] > 0.5]
    assert len(short)
    top = short.sort_values("shortfall_after", ascending=False).iloc[0]
    why = r._why_short(top["area"], top["phase"], int(top["year"]))
    rows = b[(b["area"].astype(str) == str(top["area"])) & (b["phase"] == top["phase"])]
    yearly = rows[(rows["family"] == "module_limit") & (rows["year"] == top["year"])]
    if len(yearly):
        assert "a year, the most allowed" in why
    assert f": {top['shortfall_after']:,.0f} ({why})" in r.summary()


def test_all_modules_used_counts_from_the_year_the_option_is_built(inputs):
    """An option whose every module is built is named as binding from the year the plan
    builds it, not from its earliest year (review: a 2025 earliest year, built 2029, was
    named for 2027). SYNTHETIC binding row on the real plan."""
    import dataclasses

    r = plan(inputs, StubForecast(inputs), appraise=False)
    row = r.plan[r.plan["kind"] != "bulge_class"].iloc[0]
    built = int(r.plan.loc[r.plan["option"] == row["option"], "year"].min())
    opens = int(r.options.loc[r.options["option"] == row["option"], "earliest_year"].iloc[0])
    binding = pd.DataFrame(
        [
            {
                "family": "module_limit",
                "scenario": "central",
                "area": row["area"],
                "phase": row["phase"],
                "year": np.nan,
                "option": row["option"],
                "detail": "2 modules, all used",
            }
        ]
    )
    options = r.options.copy()
    options.loc[options["option"] == row["option"], "earliest_year"] = min(opens, built - 2)
    r2 = dataclasses.replace(r, binding=binding, options=options)
    assert "all used" not in r2._why_short(row["area"], row["phase"], built - 1)
    assert "all used" in r2._why_short(row["area"], row["phase"], built)

    # built over two years, one module each: all used only from the second build (review)
    first, second = row.copy(), row.copy()
    first["year"], first["modules"] = built, 1
    second["year"], second["modules"] = built + 2, 1
    plan2 = pd.concat(
        [r.plan[r.plan["option"] != row["option"]], pd.DataFrame([first, second])],
        ignore_index=True,
    )
    options2 = options.copy()
    options2.loc[options2["option"] == row["option"], "max_modules"] = 2
    r3 = dataclasses.replace(r, binding=binding, options=options2, plan=plan2)
    assert "all used" not in r3._why_short(row["area"], row["phase"], built + 1)
    assert "all used" in r3._why_short(row["area"], row["phase"], built + 2)


def test_a_scheme_option_with_no_demand_is_planned_without_it(caplog):
    """SYNTHETIC: a scheme whose second option adds places where the plan has no demand
    (special places planned without --send, say) is planned on its first option alone, the
    same with presolve and decomposition on or off (review), and the log says so."""
    import logging

    from sufficiency.optimise import PlanSettings, solve_allocation

    demand = pd.DataFrame(
        {
            "area": "P",
            "phase": "primary",
            "year": [2025, 2026, 2027],
            "demand": [200.0, 260.0, 300.0],
        }
    )
    capacity = pd.DataFrame({"area": ["P"], "phase": ["primary"], "capacity": [210.0]})
    opts = pd.DataFrame(
        {
            "option": ["a", "b"],
            "area": ["P", "Q"],
            "phase": ["primary", "secondary"],
            "kind": "permanent_expansion",
            "places": 30.0,
            "max_modules": 5,
            "max_per_year": 0,
            "min_modules": 0,
            "cost_per_module": 100000.0,
            "cost_per_place": 100000.0 / 30,
            "revenue_per_place": 0.0,
            "earliest_year": 2025,
            "duration": 0,
            "fill_years": 0,
            "source": "SYNTHETIC",
            "scheme": "x",
        }
    )
    got = []
    for on in (True, False):
        with caplog.at_level(logging.WARNING):
            r = solve_allocation(
                demand, capacity, opts, PlanSettings(presolve=on, decompose=on, duals=False)
            )
        got.append(r.plan[["option", "year", "modules"]].to_dict("records"))
        assert r.total_shortfall == 0
    assert got[0] == got[1] and {g["option"] for g in got[0]} == {"a"}
    assert "scheme 'x': option 'b' adds places to Q secondary, which has no demand" in caplog.text


def test_schemes_given_as_a_table_are_checked_too():
    """solve_allocation's option table is checked for schemes as a model's options are."""
    from sufficiency.exceptions import ConfigError
    from sufficiency.optimise.options import validate_options

    opts = pd.DataFrame(
        {
            "option": ["a", "b"],
            "area": ["P", "P"],
            "phase": "primary",
            "kind": "permanent_expansion",
            "places": 30.0,
            "max_modules": 1,
            "max_per_year": 0,
            "min_modules": 0,
            "cost_per_module": 1.0,
            "cost_per_place": 1.0 / 30,
            "revenue_per_place": 0.0,
            "earliest_year": 2025,
            "duration": 0,
            "fill_years": 0,
            "source": "SYNTHETIC",
            "scheme": ["x", "x"],
        }
    )
    with pytest.raises(
        ConfigError,
        match=r"options: scheme = 'x': options 'a', 'b' add places "
        r"to the same area and phase",
    ):
        validate_options(opts, "options")
    with pytest.raises(ConfigError, match=r"scheme = 'x': only option 'a' has it"):
        validate_options(opts.iloc[:1], "options")


def test_a_schemes_blank_earliest_year_takes_its_partners_in_a_table():
    """In an option table, a scheme option with a blank earliest_year opens with its scheme
    (the latest year given), and the table returned says so; a blank is not year 0, which
    would differ from its partner's (review)."""
    from sufficiency.optimise.options import validate_options

    opts = pd.DataFrame(
        {
            "option": ["a", "b", "c"],
            "area": ["P", "Q", "R"],
            "phase": ["primary", "secondary", "primary"],
            "kind": "permanent_expansion",
            "places": 30.0,
            "max_modules": 1,
            "max_per_year": 0,
            "min_modules": 0,
            "cost_per_module": 1.0,
            "cost_per_place": 1.0 / 30,
            "revenue_per_place": 0.0,
            "earliest_year": [2028, np.nan, np.nan],
            "duration": 0,
            "fill_years": 0,
            "source": "SYNTHETIC",
            "scheme": ["x", "x", ""],
        }
    )
    got = validate_options(opts, "options").set_index("option")["earliest_year"]
    assert got.to_dict() == {"a": 2028, "b": 2028, "c": 0}
    none_given = opts.assign(earliest_year=np.nan)
    assert set(validate_options(none_given, "options")["earliest_year"]) == {0}

    # solve_allocation plans on the filled table: both halves open in 2028, though b's
    # area is short from 2026 (SYNTHETIC demand)
    from sufficiency.optimise import PlanSettings, solve_allocation

    years = [2026, 2027, 2028, 2029]
    demand = pd.DataFrame(
        {
            "area": ["Q"] * 4 + ["P"] * 4,
            "phase": ["secondary"] * 4 + ["primary"] * 4,
            "year": years * 2,
            "demand": [100.0, 120.0, 120.0, 120.0] + [80.0] * 4,
        }
    )
    capacity = pd.DataFrame(
        {"area": ["P", "Q"], "phase": ["primary", "secondary"], "capacity": [100.0, 100.0]}
    )
    two = opts.iloc[:2].assign(max_modules=2, cost_per_module=1e5, cost_per_place=1e5 / 30)
    r = solve_allocation(demand, capacity, two, PlanSettings(duals=False))
    assert set(r.options["earliest_year"]) == {2028}
    assert set(r.plan["year"]) == {2028} and set(r.plan["option"]) == {"a", "b"}


def test_validate_names_the_plans_options_and_schemes(tmp_path):
    from sufficiency.cli import cli

    res = CliRunner().invoke(cli, ["validate", str(_scheme_model(tmp_path))])
    assert res.exit_code == 0, res.output
    assert (
        "plan options: 4 local options ([[plan.options]]), 1 scheme (Worcester middle "
        "school); every other area, phase and kind gets the default options"
    ) in res.output
    assert (
        "transfers: 17 areas pass pupils on: all 17 send their last year group to one area"
        in res.output
    )


def test_a_scheme_opens_when_its_latest_part_can(tmp_path, inputs):
    """An earliest_year on one option of a scheme only: the scheme opens then, and the plan
    runs (review: validate passed but plan stopped)."""
    r = _planned(
        tmp_path,
        inputs,
        edit=("cost = 400000.0\nscheme", "cost = 400000.0\nearliest_year = 2029\nscheme"),
    )
    o = r.options[r.options["scheme"] == "Worcester middle school"]
    assert set(o["earliest_year"]) == {2029}
    got = r.plan[r.plan["scheme"] == "Worcester middle school"]
    assert got.empty or (got["year"] >= 2029).all()


def test_solve_allocation_checks_the_schemes_of_its_table():
    from sufficiency.exceptions import ConfigError
    from sufficiency.optimise import solve_allocation

    demand = pd.DataFrame(
        {
            "area": "P",
            "phase": "primary",
            "year": [2025, 2026, 2027],
            "demand": [200.0, 260.0, 300.0],
        }
    )
    capacity = pd.DataFrame({"area": ["P"], "phase": ["primary"], "capacity": [210.0]})
    opts = pd.DataFrame(
        {
            "option": ["a", "b"],
            "area": ["P", "P"],
            "phase": "primary",
            "kind": "permanent_expansion",
            "places": 30.0,
            "max_modules": [1, 3],
            "max_per_year": 0,
            "min_modules": 0,
            "cost_per_module": 1.0,
            "cost_per_place": 1.0 / 30,
            "revenue_per_place": 0.0,
            "earliest_year": [2025, 2027],
            "duration": 0,
            "fill_years": 0,
            "source": "SYNTHETIC",
            "scheme": "x",
        }
    )
    with pytest.raises(
        ConfigError,
        match=r"options: scheme = 'x': options 'a', 'b' add places to "
        r"the same area and phase",
    ):
        solve_allocation(demand, capacity, opts)
    # one option of a scheme is allowed here (an area appraised alone)
    solve_allocation(demand, capacity, opts.iloc[:1])


def test_an_option_with_all_its_modules_used_is_named_as_what_binds():
    """SYNTHETIC: one permanent expansion of one module, used: the areas short after it say
    so (review: the summary gave no reason)."""
    from sufficiency.optimise import solve_allocation

    demand = pd.DataFrame(
        {
            "area": "P",
            "phase": "primary",
            "year": [2025, 2026, 2027],
            "demand": [300.0, 360.0, 400.0],
        }
    )
    capacity = pd.DataFrame({"area": ["P"], "phase": ["primary"], "capacity": [210.0]})
    opts = pd.DataFrame(
        {
            "option": ["a"],
            "area": ["P"],
            "phase": "primary",
            "kind": "permanent_expansion",
            "places": 30.0,
            "max_modules": 1,
            "max_per_year": 0,
            "min_modules": 0,
            "cost_per_module": 1000.0,
            "cost_per_place": 1000.0 / 30,
            "revenue_per_place": 0.0,
            "earliest_year": 2025,
            "duration": 0,
            "fill_years": 0,
            "source": "SYNTHETIC",
        }
    )
    r = solve_allocation(demand, capacity, opts)
    assert r.total_shortfall > 0
    assert "(permanent expansion: its only module used)" in r.summary()


def test_summary_beyond_25_builds_says_what_the_rest_add_up_to(inputs):
    """A Coventry trial: "... and 3 more" hid three projects' places and cost. SYNTHETIC: the
    plan's rows repeated to 30 distinct builds."""
    import dataclasses

    r = plan(inputs, StubForecast(inputs), appraise=False)
    assert len(r.plan) > 0
    rows = pd.concat([r.plan.assign(year=r.plan["year"] + k) for k in range(30)], ignore_index=True)
    by = rows.groupby(["area", "phase", "kind", "year"], as_index=False)[["places", "cost"]].sum()
    assert len(by) > 25
    rest = by.iloc[25:]
    text = dataclasses.replace(r, plan=rows).summary()
    assert (
        f"  ... and {len(rest)} more builds, {rest['places'].sum():,.0f} places, "
        f"GBP {rest['cost'].sum():,.0f} (plan.csv)"
    ) in text


def test_plan_summary_names_an_area_once_when_its_name_has_its_code_and_phase():
    """A Birmingham trial: areas named by ``sufficiency new`` ("Planning area 3300011
    (secondary)") were printed "Planning area 3300011 (secondary) (3300011) secondary" on
    every build, shortfall and bulge-run line. SYNTHETIC: one area short after one module."""
    from sufficiency.optimise import solve_allocation
    from sufficiency.optimise.results import area_tag

    demand = pd.DataFrame(
        {
            "area": "3300011",
            "phase": "secondary",
            "year": [2025, 2026, 2027],
            "demand": [300.0, 360.0, 400.0],
        }
    )
    capacity = pd.DataFrame({"area": ["3300011"], "phase": ["secondary"], "capacity": [210.0]})
    opts = pd.DataFrame(
        {
            "option": ["a"],
            "area": ["3300011"],
            "phase": "secondary",
            "kind": "permanent_expansion",
            "places": 30.0,
            "max_modules": 1,
            "max_per_year": 0,
            "min_modules": 0,
            "cost_per_module": 1000.0,
            "cost_per_place": 1000.0 / 30,
            "revenue_per_place": 0.0,
            "earliest_year": 2025,
            "duration": 0,
            "fill_years": 0,
            "source": "SYNTHETIC",
        }
    )
    r = solve_allocation(
        demand, capacity, opts, area_names={"3300011": "Planning area 3300011 (secondary)"}
    )
    text = r.summary(timing=False)
    assert "  Planning area 3300011 (secondary): permanent expansion 30 places" in text
    assert "  Planning area 3300011 (secondary) 2027/28 [central]:" in text
    assert "(3300011) secondary" not in text
    # a name saying neither keeps both; a name saying only its phase gets its code
    assert (
        area_tag("Worcester City", "8851001", "secondary") == "Worcester City (8851001) secondary"
    )
    assert area_tag("North secondary", "X1", "secondary") == "North secondary (X1)"
    assert area_tag("3300011", "3300011", "secondary") == "3300011 secondary"
    assert area_tag("Worcester City", "8851001") == "Worcester City (8851001)"
