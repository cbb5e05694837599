"""``sufficiency compare``: last year's forecast against this year's."""

from __future__ import annotations

from pathlib import Path

import click

from . import cli
from ._common import output_file, write_frame


@cli.command()
@click.argument(
    "previous", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="PREVIOUS"
)
@click.argument(
    "current", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="CURRENT"
)
@click.option(
    "--model",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Model definition whose [[areas]] names label the areas (codes otherwise).",
)
@click.option(
    "--year",
    type=int,
    default=None,
    help="Year whose changes are listed, e.g. 2027 for 2027/28 (default: five years after "
    "the current forecast's base year).",
)
@click.option(
    "--top",
    type=click.IntRange(0, 1000),
    default=5,
    show_default=True,
    help="Areas listed per phase, largest change first.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="CSV file for the comparison (one row per area x phase x year the previous "
    "forecast forecast; area 'all areas' for the totals).",
)
def compare(previous, current, model, year, top, out):
    """Compare the forecast PREVIOUS (last year's forecast.csv) with CURRENT (this year's).

    Prints how the previous forecast did against the history the current one has for the
    same years (the DfE measure, (forecast - actual) / actual, by phase, totals over the
    areas), and how the forecast for each area and phase has changed (--year). Both files are
    forecast.csv written by sufficiency forecast MODEL --out DIR; a previous year's forecast
    can be made again with the model's [assumptions] base_year one year earlier.

    \b
    Example:
      sufficiency forecast models/worcestershire.toml --out this_year/
      sufficiency compare last_year/forecast.csv this_year/forecast.csv \\
        --model models/worcestershire.toml --out changes.csv
    """
    from ..compare import compare_forecasts, read_forecast

    names = {}
    if model is not None:
        from ..config import load_model

        names = {a.code: a.name for a in load_model(model).areas}
    result = compare_forecasts(
        read_forecast(previous),
        read_forecast(current),
        sources=(str(previous), str(current)),
        names=names,
    )
    if out is not None:
        with output_file(out) as path:
            write_frame(result.to_frame(), path, "csv")
    click.echo(result.summary(year, top))
    if out is not None:
        click.echo(f"Wrote {out}")
