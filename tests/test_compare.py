"""``sufficiency compare``: last year's forecast against this year's. Data are SYNTHETIC unless
a test says REAL (the embedded Worcestershire model)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import cli_err, edited_model

from sufficiency.cli import cli
from sufficiency.compare import TOTAL, compare_forecasts, read_forecast
from sufficiency.exceptions import SchemaError


def _forecast(base: int, values: dict, areas=("A", "B"), years=4) -> pd.DataFrame:
    """A forecast table: every area has Reception-Year 11 with the same pupils per year
    group; ``values[(area, year)]`` pupils per year group (default 100)."""
    rows = []
    for a in areas:
        for y in range(base - 1, base + years):
            for g in range(12):
                rows.append(
                    {
                        "area": a,
                        "year": y,
                        "ncy": g,
                        "pupils": float(values.get((a, y), 100.0)),
                        "kind": "actual" if y <= base else "forecast",
                    }
                )
    return pd.DataFrame(rows)


def test_accuracy_and_changes_by_area_phase_and_total():
    # previous forecast from 2021: 2022 forecast 100 a year group in A, 110 in B
    prev = _forecast(2021, {("B", 2022): 110.0, ("A", 2024): 90.0})
    # current from 2022: the census of 2022 was 100 in both; 2024 forecast 100 in A
    cur = _forecast(2022, {})
    c = compare_forecasts(prev, cur)
    acc = c.accuracy().set_index(["area", "phase", "year"])
    # B primary: 7 year groups x 110 forecast against 7 x 100 census: +10%
    assert acc.loc[("B", "primary", 2022), "pct_error"] == pytest.approx(0.10)
    assert acc.loc[("A", "primary", 2022), "pct_error"] == pytest.approx(0.0)
    assert acc.loc[("B", "secondary", 2022), "horizon"] == 1
    # the total over A and B: (700 + 770) / 1400 - 1 = +5%
    assert acc.loc[(TOTAL, "primary", 2022), "pct_error"] == pytest.approx(0.05)
    assert set(acc["actual_kind"]) == {"actual"}
    ch = c.changes(2024).set_index(["area", "phase"])
    # A 2024: 90 -> 100 a year group: +70 primary pupils, +11.1%
    assert ch.loc[("A", "primary"), "change"] == pytest.approx(70.0)
    assert ch.loc[("A", "primary"), "change_pct"] == pytest.approx(10 / 90)
    assert ch.loc[("B", "primary"), "change"] == pytest.approx(0.0)
    # largest change first within the phase
    prim = c.changes(2024)
    prim = prim[(prim["phase"] == "primary") & (prim["area"] != TOTAL)]
    assert prim["area"].tolist() == ["A", "B"]
    # only the years the previous forecast forecast
    f = c.to_frame()
    assert f["horizon"].min() == 1 and set(f["previous_kind"]) == {"forecast"}
    text = c.summary(2024, n=1)
    assert "primary 2022/23 (1 year ahead): forecast 1,470, census 1,400: +5.00%" in text
    assert "primary, all areas: 1,330 -> 1,400 (+70, +5.3%)" in text
    assert "    A: 630 -> 700 (+70, +11.1%)" in text
    assert "    B:" not in text  # n = 1


def test_areas_in_one_forecast_only_are_named_not_compared():
    c = compare_forecasts(
        _forecast(2021, {}, areas=("A", "B")), _forecast(2022, {}, areas=("B", "C"))
    )
    assert c.only_previous == ("A",) and c.only_current == ("C",)
    assert set(c.to_frame()["area"]) == {"B", TOTAL}
    text = c.summary()
    assert "Only in the previous forecast (not compared): A." in text
    assert "Only in the current forecast (not compared): C." in text
    # the total is of B alone: derived history would not sum to the census, so not called so
    with pytest.raises(SchemaError, match="share no planning area"):
        compare_forecasts(_forecast(2021, {}, areas=("A",)), _forecast(2022, {}, areas=("C",)))


def test_derived_history_is_labelled():
    prev = _forecast(2021, {})
    cur = _forecast(2022, {}).assign(kind=lambda d: d["kind"].replace("actual", "derived"))
    c = compare_forecasts(prev, cur)
    acc = c.accuracy()
    assert set(acc.loc[acc["area"] != TOTAL, "actual_kind"]) == {"derived"}
    # the same areas in both: the sum of their derived history is the census itself
    assert set(acc.loc[acc["area"] == TOTAL, "actual_kind"]) == {"actual"}
    text = c.summary()
    assert "area history derived from authority totals" in text
    # the areas' derived history sums to the census total when both have the same areas
    assert re.search(r"primary 2022/23 \(1 year ahead\): forecast 1,400, census 1,400", text)


def _write(tmp_path, frame, name="f.csv"):
    p = tmp_path / name
    frame.to_csv(p, index=False)
    return p


@pytest.mark.parametrize(
    ("edit", "needles"),
    [
        (lambda d: d.drop(columns="kind"), ["missing column(s) kind", "found area, year"]),
        (
            lambda d: d.assign(year=d["year"].astype(object).where(d.index != 3, "2022/23")),
            ["column 'year', line 5: '2022/23'", "expected a year"],
        ),
        (
            lambda d: d.assign(ncy=d["ncy"].where(d.index != 0, 15)),
            ["column 'ncy', line 2: '15'", "expected a year group"],
        ),
        (
            lambda d: d.assign(pupils=d["pupils"].where(d.index != 7, -3.0)),
            ["column 'pupils', line 9: '-3.0'", ">= 0"],
        ),
        (
            lambda d: d.assign(kind=d["kind"].where(d.index != 2, "projection")),
            ["column 'kind', line 4: 'projection'", "expected one of actual, derived"],
        ),
        (
            lambda d: pd.concat([d, d.iloc[[5]]], ignore_index=True),
            ["given twice", "area A, year 2020, year group 5"],
        ),
    ],
)
def test_read_forecast_names_file_column_line_and_value(tmp_path, edit, needles):
    p = _write(tmp_path, edit(_forecast(2021, {})))
    with pytest.raises(SchemaError) as exc:
        read_forecast(p)
    msg = str(exc.value)
    for n in [str(p), *needles]:
        assert n in msg, (n, msg)


def test_read_forecast_says_which_file_it_wants(tmp_path):
    with pytest.raises(SchemaError, match="no such file"):
        read_forecast(tmp_path / "none.csv")
    x = tmp_path / "forecast.xlsx"
    x.write_bytes(b"PK")
    with pytest.raises(SchemaError, match="--format csv"):
        read_forecast(x)
    pt = _forecast(2021, {}).assign(phase="primary").drop(columns="ncy")
    with pytest.raises(SchemaError, match="phase_totals.csv has no year groups"):
        read_forecast(_write(tmp_path, pt, "phase_totals.csv"))


def test_cli_compares_last_years_forecast_with_this_years_real(tmp_path):
    """REAL data: the embedded model from 2021/22 (base_year 2021) and from 2022/23."""
    runner = CliRunner()
    old = edited_model(tmp_path, [("seed = 20240101", "seed = 20240101\nbase_year = 2021")])
    new = edited_model(tmp_path, [], name="new.toml")
    for m, d in ((old, "old"), (new, "new")):
        res = runner.invoke(cli, ["forecast", str(m), "--out", str(tmp_path / d)])
        assert res.exit_code == 0, cli_err(res)
    out = tmp_path / "changes.csv"
    res = runner.invoke(
        cli,
        [
            "compare",
            str(tmp_path / "old" / "forecast.csv"),
            str(tmp_path / "new" / "forecast.csv"),
            "--model",
            str(new),
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, cli_err(res)
    # the printed one-year error is the two files' own numbers
    a = pd.read_csv(tmp_path / "old" / "forecast.csv")
    b = pd.read_csv(tmp_path / "new" / "forecast.csv")
    prim = lambda d: d[(d["year"] == 2022) & (d["ncy"] <= 6)]["pupils"].sum()  # noqa: E731
    err = prim(a) / prim(b) - 1
    assert (prim(a) > 0) and (set(a.loc[a["year"] == 2022, "kind"]) == {"forecast"})
    assert (
        f"primary 2022/23 (1 year ahead): forecast {prim(a):,.0f}, census {prim(b):,.0f}: {err:+.2%}"
        in res.output
    )
    assert "Changes to the forecast for 2027/28:" in res.output
    assert "Worcester City (8850015)" in res.output  # names from --model
    f = pd.read_csv(out, dtype={"area": str})
    assert list(f.columns) == [
        "area",
        "phase",
        "year",
        "previous",
        "previous_kind",
        "current",
        "current_kind",
        "change",
        "change_pct",
        "horizon",
    ]
    assert f["year"].min() == 2022 and f["year"].max() == 2031  # the years both cover
    assert np.allclose(f["change"], f["current"] - f["previous"])


def test_cli_bad_file_exits_with_the_message(tmp_path):
    p = _write(tmp_path, _forecast(2021, {}).drop(columns="kind"))
    res = CliRunner().invoke(cli, ["compare", str(p), str(p)])
    assert res.exit_code != 0
    assert "missing column(s) kind" in cli_err(res)


def test_a_table_without_history_is_named_in_the_error(tmp_path):
    """SYNTHETIC: a forecast.csv cut to its forecast years (no actual or derived rows) is an
    error naming the file, from the CLI and from compare_forecasts with its sources."""
    full = _write(tmp_path, _forecast(2022, {}))
    cut = _forecast(2021, {})
    cut = _write(tmp_path, cut[cut["kind"] == "forecast"], "forecast_2021.csv")
    res = CliRunner().invoke(cli, ["compare", str(cut), str(full)])
    assert res.exit_code == 1
    msg = cli_err(res)
    for n in (str(cut), "column 'kind'", "no history rows", "only forecast"):
        assert n in msg, (n, msg)
    with pytest.raises(SchemaError, match="last_year.csv: column 'kind'"):
        compare_forecasts(
            read_forecast(cut), read_forecast(full), sources=("last_year.csv", "this.csv")
        )


# --------------------------------------------------------------------------- the report
def _report_data(c, derived: bool):
    """What the report's previous-forecast table and sentences read of ReportData."""
    from types import SimpleNamespace

    return SimpleNamespace(
        previous=c,
        any_history_derived=derived,
        milestones=(("latest data", 2022), ("5 years on", 2024)),
        meta={"base_year": 2022},
        area_name=str,
    )


def test_the_report_calls_a_partial_total_of_derived_history_so():
    """SYNTHETIC: derived area history, and an area in the previous forecast only: the total
    over the areas both have is not the census, and the report says 'derived history' as
    the CLI's summary does (it said 'census', and that the history 'sums to its census')."""
    from sufficiency.report.tables import previous_accuracy_table
    from sufficiency.report.text import previous_sentences

    derive = {"kind": lambda d: d["kind"].replace("actual", "derived")}
    prev = _forecast(2021, {}, areas=("A", "B")).assign(**derive)
    cur = _forecast(2022, {}, areas=("B",)).assign(**derive)
    c = compare_forecasts(prev, cur)
    assert "forecast 700, derived history 700" in c.summary()
    t = previous_accuracy_table(_report_data(c, True))
    assert "census" not in t.frame.columns and "derived history" in t.frame.columns
    assert "does not sum to the census" in t.note and "sums to its census" not in t.note
    said = " ".join(previous_sentences(_report_data(c, True)))
    assert "against the 2022/23 derived history" in said and "census" not in said
    # the same areas in both: the derived history sums to the census, and is called so
    c = compare_forecasts(
        _forecast(2021, {}).assign(**derive), _forecast(2022, {}).assign(**derive)
    )
    t = previous_accuracy_table(_report_data(c, True))
    assert "census" in t.frame.columns and "sums to its census" in t.note
    assert "against the 2022/23 census" in " ".join(previous_sentences(_report_data(c, True)))


def _previous_csv(tmp_path):
    """REAL data: the embedded model's forecast from 2021/22, as last year's forecast.csv."""
    from sufficiency import load_inputs, load_model, run_forecast

    m = edited_model(tmp_path, [("seed = 20240101", "seed = 20240101\nbase_year = 2021")])
    f = run_forecast(load_inputs(load_model(m))).to_frame()
    p = tmp_path / "forecast_2021.csv"
    f.to_csv(p, index=False)
    return p


def test_report_sets_the_previous_forecast_against_this_one(tmp_path, inputs, core_pipeline):
    """REAL data: [report] previous_forecast in the report, its appendix and summary.json."""
    import dataclasses

    from sufficiency import load_model
    from sufficiency.report import build_report, render_html
    from sufficiency.report.render import page_sections
    from sufficiency.report.tables import appendix_tables

    prev = _previous_csv(tmp_path)
    m = edited_model(
        tmp_path,
        [("quantile = 0.8   ", f'previous_forecast = "{prev}"\nquantile = 0.8   ')],
        name="with_previous.toml",
    )
    results, missing = core_pipeline
    data = build_report(
        dataclasses.replace(inputs, config=load_model(m)),
        **results,
        missing=missing,
        report_date="2026-11-30",
    )
    c = compare_forecasts(read_forecast(prev), results["forecast"].to_frame())
    acc = c.accuracy().set_index(["area", "phase"])
    s = page_sections(data)
    t = s["previous"].frame.set_index("phase")
    assert t.loc["primary", "error"] == pytest.approx(acc.loc[(TOTAL, "primary"), "pct_error"])
    assert t.loc["secondary", "census"] == pytest.approx(acc.loc[(TOTAL, "secondary"), "actual"])
    err = acc.loc[(TOTAL, "primary"), "pct_error"]
    assert (
        f"against the 2022/23 census, 1 year ahead: primary (R-Y6) {err:+.2%}"
        in s["previous_text"][0]
    )
    ch = s["previous_changes"].frame
    assert ch["planning area"].iloc[0] == "All areas"
    assert ch["change"].iloc[2:].abs().is_monotonic_decreasing  # largest change first
    assert "Forecast for 2027/28" in s["previous_changes"].title
    html = render_html(data, s)
    assert "<h3>The previous forecast against this one</h3>" in html
    sheet = appendix_tables(data)["Changes since last forecast"].frame
    assert len(sheet) == len(c.to_frame())
    head = data.headline()["previous_forecast"]
    assert head["file"] == str(prev) and head["base_year"] == 2021  # as the model gives it
    assert {e["phase"] for e in head["errors"]} == {"primary", "secondary", "sixth_form"}
    # without the key: no section, summary.json says null
    plain = build_report(inputs, **results, missing=missing)
    assert plain.previous is None and plain.headline()["previous_forecast"] is None
    assert page_sections(plain)["previous_text"] == []


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ('"none.csv"', "no file at"),
        ('"forecast.xlsx"', "expected the previous forecast's forecast.csv"),
        ("3", "expected the previous forecast's forecast.csv"),
    ],
)
def test_previous_forecast_key_is_checked_when_the_model_loads(tmp_path, value, needle):
    from sufficiency import load_model
    from sufficiency.exceptions import ConfigError

    m = edited_model(
        tmp_path, [("quantile = 0.8   ", f"previous_forecast = {value}\nquantile = 0.8   ")]
    )
    with pytest.raises(ConfigError) as exc:
        load_model(m)
    msg = str(exc.value)
    assert "[report] previous_forecast" in msg and needle in msg, msg
