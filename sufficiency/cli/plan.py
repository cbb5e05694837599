"""``sufficiency plan``: choose where and when to add places at least cost."""

from __future__ import annotations

import importlib.util
import re

import click

from . import cli
from ._common import FiniteFloat, model_argument, out_option, output_dir, write_columns


class _Quantile(FiniteFloat):
    """A quantile in (0, 1); a percentage (``80``) is told its fraction (a mistake tried in
    a Walsall trial: "80: expected a quantile ... e.g. 0.8" did not say it was read as 8,000%)."""

    def convert(self, value, param, ctx):
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as e:
            try:
                v = float(value)
            except (TypeError, ValueError):
                raise e from None
            if v.is_integer() and 1 < v < 100:
                self.fail(
                    f"{value}: expected {self.expected}; for the {v:g}th percentile write "
                    f"{v / 100:g}",
                    param,
                    ctx,
                )
            raise


_QUANTILE = _Quantile(
    0,
    1,
    min_open=True,
    max_open=True,
    expected="a quantile of demand strictly between 0 and 1, e.g. 0.8",
)

#: an amount as a budget paper writes it: "£5m", "5,000,000", "250k", "1.2bn"
_AMOUNT = re.compile(r"\s*(?:£|GBP)?\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(k|m|bn)?\s*", re.IGNORECASE)
_SCALE = {None: 1.0, "k": 1e3, "m": 1e6, "bn": 1e9}


class _Amount(FiniteFloat):
    """An amount in GBP, also as a budget paper writes it ("£5m", "5,000,000", "250k"): a
    Walsall trial's analyst typed ``--budget 5m`` and was told "'5m' is not a valid float"."""

    def convert(self, value, param, ctx):
        m = _AMOUNT.fullmatch(value) if isinstance(value, str) else None
        if m and ("," in m.group(1) or m.group(2) or "£" in value or "GBP" in value.upper()):
            value = str(
                float(m.group(1).replace(",", "")) * _SCALE[(m.group(2) or "").lower() or None]
            )
        try:
            float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r}: expected {self.expected}", param, ctx)
        return super().convert(value, param, ctx)


_BUDGET = _Amount(min=0, expected="an amount in GBP >= 0, e.g. 20e6, 20000000 or 20m")


@cli.command()
@model_argument
@click.option(
    "--quantile",
    type=_QUANTILE,
    default=None,
    help="Plan against this quantile of the forecast (e.g. 0.8) instead of the central one.",
)
@click.option(
    "--budget",
    type=_BUDGET,
    default=None,
    help="Total capital budget [GBP] (overrides [plan] total_budget).",
)
@click.option(
    "--solver",
    type=click.Choice(["cbc", "highs"]),
    default="cbc",
    show_default=True,
    help="MILP solver: CBC (bundled with PuLP) or HiGHS (highspy).",
)
@click.option(
    "--scenario",
    "scenarios",
    type=_QUANTILE,
    multiple=True,
    help="Plan one set of builds for several forecast quantiles at once "
    "(repeat: --scenario 0.5 --scenario 0.9).",
)
@click.option(
    "--send", "with_send", is_flag=True, help="Add special school demand from the [send] section."
)
@click.option(
    "--early-years",
    "with_ey",
    is_flag=True,
    help="Add early years demand from the [early_years] section.",
)
@click.option("--no-appraise", is_flag=True, help="Skip the per-area appraisal of local options.")
@out_option
def plan(model, quantile, budget, solver, scenarios, with_send, with_ey, no_appraise, out):
    """Plan new places for MODEL at least cost and print the plan.

    Forecasts demand, compares it with capacity, and chooses bulge classes, expansions and new
    schools (costed with the DfE cost per place benchmarks and the model's local options) so
    that demand plus the minimum margin is met in every planning area and year. Writes
    plan.csv, before_after.csv, cost_by_year.csv, binding_constraints.csv, marginal_costs.csv,
    options.csv, plan_summary.txt and columns.csv (what each column holds, its unit) to --out,
    and moves.csv when it places pupils in a neighbouring area ([[plan.adjacency]]).

    \b
    Example:
      sufficiency plan models/worcestershire.toml --quantile 0.8 --out out/plan
    """
    import pandas as pd

    from ..config import load_model
    from ..forecast import run_forecast
    from ..inputs import load_inputs
    from ..optimise import plan as make_plan

    if quantile is not None and scenarios:
        # --scenario won and --quantile was dropped without a word (a Wolverhampton trial)
        raise click.UsageError(
            f"--quantile {quantile:g} and --scenario: give one; to plan one set of builds for "
            f"{quantile:g} as well, add --scenario {quantile:g}"
        )
    config = load_model(model)
    inputs = load_inputs(config)
    forecast = run_forecast(inputs)
    send = ey = None
    if with_send:
        if importlib.util.find_spec("sufficiency.send") is None:
            raise click.UsageError("--send: the SEND module is not installed in this version")
        from ..send import forecast_send

        send = forecast_send(inputs)
    if with_ey:
        if importlib.util.find_spec("sufficiency.early_years") is None:
            raise click.UsageError(
                "--early-years: the early years module is not installed in this version"
            )
        from ..early_years import forecast_early_years

        ey = forecast_early_years(inputs)
    result = make_plan(
        inputs,
        forecast,
        quantile=quantile,
        budget=budget,
        solver=solver,
        send=send,
        early_years=ey,
        scenarios={f"q{q:g}": q for q in scenarios} or None,
        appraise=not no_appraise,
    )
    if out is not None:
        with output_dir(out) as d:
            written = result.write(d)
            # the data dictionary of the CSV files just written (their header rows)
            tables = {
                p.name: list(pd.read_csv(p, nrows=0).columns)
                for p in sorted(written)
                if p.suffix == ".csv"
            }
            write_columns(d, tables)
            written.append(d / "columns.csv")
    click.echo(result.summary())
    if out is not None:
        # last, as the other commands do, where a user reads what to open next
        click.echo(f"Wrote {len(written)} files to {out}")
