"""``sufficiency send`` and ``sufficiency early-years``."""

from __future__ import annotations

from pathlib import Path

import click

from . import cli
from ._common import (
    FiniteFloat,
    format_needs_out,
    format_option,
    model_argument,
    out_option,
    output_dir,
    write_columns,
    write_frame,
    write_lines,
)


def _write_notes(out: Path, result) -> None:
    """notes.txt: the result's assumptions, warnings and inputs, each said once (a note that
    is also a warning is a warning: the early years entitlements caveat was in it twice)."""
    warned = set(result.warnings)
    lines = [f"assumption: {n}" for n in result.notes if n not in warned]
    lines += [f"warning: {w}" for w in result.warnings]
    lines += [f"input: {p.table} {p.path} sha256={p.sha256} {p.note}" for p in result.provenance]
    write_lines(out / "notes.txt", lines)


def backtest_text(table) -> str:
    """The SEND backtest summary as printed: a release whose 80% ranges could not be scored
    (too few earlier errors to set them from) shows ``-``, said under the table; a Telford and
    Wrekin trial read ``NaN`` in the ``coverage_80`` column of the 2022 release."""
    lines = [
        "Backtest, median absolute error of total plans [%] (14 West Midlands LAs):",
        table.round(1).to_string(index=False, na_rep="-"),
    ]
    if "coverage_80" in table.columns:
        unscored = [
            str(r) for r in table.loc[table["coverage_80"].isna(), "release"].drop_duplicates()
        ]
        lines.append(
            "coverage_80: share of actuals inside the trend's 80% range [%]"
            + (
                f"; - for the {' and '.join(unscored)} release{'s' if len(unscored) > 1 else ''}: "
                "not scored, too few earlier errors to set the range from"
                if unscored
                else ""
            )
            + "."
        )
    return "\n".join(lines)


@cli.command()
@model_argument
@out_option
@format_option
@click.option(
    "--horizon",
    type=click.IntRange(1, 30),
    default=None,
    help="Years after the last year of EHC plans (default: [assumptions] horizon).",
)
@click.option(
    "--scenario",
    type=click.Choice(["trend", "national", "stops"]),
    default=None,
    help="Central scenario for the optimiser's demand table (default: [send] scenario).",
)
@click.option(
    "--backtest",
    "backtest_",
    is_flag=True,
    help="Also backtest on the 14 West Midlands authorities (2022 and 2025 releases) "
    "against last year's count.",
)
def send(model, out, fmt, horizon, scenario, backtest_):
    """Forecast special school places from EHC plans for MODEL and print a short table.

    EHC plan prevalence by age band (DfE SEN2) is projected under three scenarios (trend
    continues: damped trend; growth slows to England's rate; growth stops), applied to the
    derived population, and turned into special school places by phase. Capacity is the model's
    [send] capacity or, if none, today's state-funded special placements (stated as an
    assumption).

    Writes (with --out) send.<fmt> (area x year x phase x scenario: places, 80% range,
    capacity, shortfall, kind), send_by_need.<fmt>, send_plans.<fmt> (plans by age band),
    send_placements.<fmt> (plans by age band and type of placement), send_demand.<fmt> (the
    optimiser's table), notes.txt, columns.csv (what each column holds, its unit) and with
    --backtest send_backtest.<fmt>.

    \b
    Example:
      sufficiency send models/worcestershire.toml --out out/ --format csv
    """
    import pandas as pd

    from .._values import authority_label
    from ..nomenclature import academic_year_label
    from ..send import backtest_authority, backtest_send, backtest_table, forecast_send

    format_needs_out(out, fmt)
    result = forecast_send(model, horizon=horizon, scenario=scenario)
    click.echo(result.summary())
    bt = None
    if backtest_:
        data_dir = Path(result.provenance[0].path).parent
        bt = backtest_send(data_dir)
        click.echo("")
        click.echo(backtest_text(backtest_table(bt)))
        # the analyst's own authority beside the 14 (a Coventry trial found no line of its own)
        who = authority_label(result.config)
        mine = backtest_authority(bt, result.config["authority"])
        if mine.empty:
            click.echo(f"{who} is not one of the authorities backtested.")
        else:
            click.echo(
                f"{who}, signed error of total plans [%] ((forecast - actual) / actual; "
                "naive: last year's count; covered_80: actual inside the trend's 80% "
                "range, blank where not scored):"
            )
            shown = mine.assign(
                origin=mine["origin"].map(academic_year_label),
                year=mine["year"].map(academic_year_label),
                actual=mine["actual"].map("{:,.0f}".format),
                covered_80=mine["covered_80"].map(
                    lambda c: "" if pd.isna(c) else "yes" if c else "no"
                ),
            )
            click.echo(shown.round(1).to_string(index=False))
    if out is not None:
        with output_dir(out) as d:
            tables = {
                f"send.{fmt}": result.to_frame(),
                f"send_by_need.{fmt}": result.to_frame(by_need=True),
                f"send_plans.{fmt}": result.plans,
                f"send_placements.{fmt}": result.by_placement(),
                f"send_demand.{fmt}": result.demand_frame(),
            }
            if bt is not None:
                tables[f"send_backtest.{fmt}"] = bt
            for name, frame in tables.items():
                write_frame(frame, d / name, fmt)
            write_columns(d, tables)
            _write_notes(d, result)
        click.echo(f"Wrote send*.{fmt}, columns.csv and notes.txt to {out}")


@cli.command("early-years")
@model_argument
@out_option
@format_option
@click.option(
    "--hours-per-place",
    type=FiniteFloat(0, 60, min_open=True, expected="hours a week in (0, 60], e.g. 30"),
    default=None,
    help="Funded hours a week in one full-time-equivalent place, in (0, 60] like "
    "[early_years] hours_per_place (default: that key, else 30).",
)
@click.option(
    "--horizon",
    type=click.IntRange(1, 30),
    default=None,
    help="Years after the base year (the latest census) (default: [assumptions] horizon).",
)
def early_years(model, out, fmt, hours_per_place, horizon):
    """Forecast funded early years places (FTE) for MODEL and print a short table.

    Children aged 0-4 from births (derived population), times the funded entitlements in force
    each year (eligibility and take-up from the DfE take-up data or [early_years]), times hours
    per week over hours per place. Supply is [early_years] supply or, if none, today's funded
    take-up (stated as an assumption).

    Writes (with --out) early_years.<fmt> (area x year x age group: children, places, 80%
    range, supply, shortfall, kind), early_years_by_entitlement.<fmt>,
    early_years_demand.<fmt> (the optimiser's table), notes.txt and columns.csv (what each
    column holds, its unit).

    \b
    Example:
      sufficiency early-years models/worcestershire.toml --out out/ --format xlsx
    """
    from ..early_years import forecast_early_years

    format_needs_out(out, fmt)
    result = forecast_early_years(model, hours_per_place=hours_per_place, horizon=horizon)
    click.echo(result.summary())
    if out is not None:
        with output_dir(out) as d:
            tables = {
                f"early_years.{fmt}": result.to_frame(),
                f"early_years_by_entitlement.{fmt}": result.to_frame(by_entitlement=True),
                f"early_years_demand.{fmt}": result.demand_frame(),
            }
            for name, frame in tables.items():
                write_frame(frame, d / name, fmt)
            write_columns(d, tables)
            _write_notes(d, result)
        click.echo(f"Wrote early_years*.{fmt}, columns.csv and notes.txt to {out}")
