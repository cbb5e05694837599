"""``sufficiency forecast`` and ``sufficiency backtest``."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from .. import nomenclature as nc
from .._values import did_you_mean_code
from . import cli
from ._common import (
    all_defaults,
    format_needs_out,
    format_option,
    model_argument,
    out_option,
    output_dir,
    output_file,
    progress,
    write_columns,
    write_frame,
    write_lines,
)

logger = logging.getLogger(__name__)


@cli.command()
@model_argument
@out_option
@format_option
@click.option(
    "--horizon",
    type=click.IntRange(1, 30),
    default=None,
    help="Years to forecast (default: the model's [assumptions] horizon).",
)
def forecast(model, out, fmt, horizon):
    """Forecast pupils for every planning area of MODEL and print a short table.

    Writes (with --out) forecast.<fmt> (area x year x year group, with 80% and 95% intervals,
    kind actual/derived/forecast, or supplied for a known intake's cells, births_projected, components) and phase_totals.<fmt>,
    plus notes.txt with every caveat and input and columns.csv (what each column holds, its
    unit). The table shows, per area and phase, pupils
    now, in 5 and in 10 years and in the forecast's last year (--horizon), and the 80% range
    in that last year.

    \b
    Example:
      sufficiency forecast models/worcestershire.toml --out out/ --format csv
    """
    from ..config import load_model
    from ..forecast import run_forecast
    from ..inputs import load_inputs

    format_needs_out(out, fmt)
    overrides = {} if horizon is None else {"horizon": horizon}
    with progress(3, "forecast") as bar:
        config = load_model(model)
        inputs = load_inputs(config)
        bar.update(1)
        result = run_forecast(inputs, **overrides)
        bar.update(1)
        if out is not None:
            with output_dir(out) as d:
                tables = {
                    f"forecast.{fmt}": result.to_frame(),
                    f"phase_totals.{fmt}": result.phase_totals(),
                }
                for name, frame in tables.items():
                    write_frame(frame, d / name, fmt)
                write_columns(d, tables)
                # the data's warnings (load_inputs) and the forecast's own, each once
                said = dict.fromkeys([*inputs.warnings, *result.warnings])
                lines = list(result.notes) + [f"warning: {w}" for w in said]
                lines += [
                    f"input: {p.table} {p.path} sha256={p.sha256} {p.note}"
                    for p in result.provenance
                ]
                write_lines(d / "notes.txt", lines)
        bar.update(1)
    click.echo(result.summary())
    if out is not None:
        click.echo(f"Wrote forecast.{fmt}, phase_totals.{fmt}, columns.csv and notes.txt to {out}")


def _joined(value) -> str:
    """The option's values, repeated or comma-separated, as one comma-separated list
    (``--origins 2019 --origins 2020`` is ``--origins 2019,2020``)."""
    if isinstance(value, (tuple, list)):
        return ",".join(str(v) for v in value)
    return str(value)


def _ints(value, expected: str) -> tuple[int, ...]:
    """Comma-separated whole numbers, each once, in order; BadParameter saying ``expected``."""
    value = _joined(value)
    try:
        return tuple(dict.fromkeys(int(v) for v in value.split(",") if v.strip()))
    except ValueError as exc:
        raise click.BadParameter(f"{value!r}: expected {expected}") from exc


def _int_list(ctx, param, value):
    return _ints(value, "comma-separated years, e.g. 2017,2019")


def _codes(ctx, param, value):
    """Comma-separated codes, repeated options joined, each once, in order (None if none)."""
    codes = tuple(dict.fromkeys(c.strip() for c in _joined(value).split(",") if c.strip()))
    return codes or None


def _years(ctx, param, value):
    years = _int_list(ctx, param, value)
    if not years:
        raise click.BadParameter(f"{_joined(value)!r}: expected at least one year, e.g. 2017,2019")
    return years


def _horizons(ctx, param, value):
    hs = _ints(value, "comma-separated horizons in years, e.g. 1,3")
    if not hs or min(hs) < 1:
        raise click.BadParameter(
            f"{_joined(value)!r}: expected horizons of at least 1 year, e.g. 1,3"
        )
    return hs


def _model_files(model: Path) -> dict:
    """What ``sufficiency backtest MODEL`` reads from the model definition: its census file of
    every authority (``[data] pupils``, reader ``census_ncy``), births and lookup, its
    scorecards folder and its authority, by the option each stands for. A Walsall trial's
    analyst ran ``sufficiency backtest walsall.toml`` as every other command is run and was
    told only "Missing option '--pupils'"."""
    from ..config import load_model

    cfg = load_model(model)
    pupils = cfg.data.get("pupils")
    if pupils is None or pupils.reader != "census_ncy":
        got = "none" if pupils is None else f"reader = {pupils.reader!r}"
        raise click.BadParameter(
            f"{model}: [data] pupils ({got}): the backtest refits the forecast on every "
            'authority of a census_ncy file (reader = "census_ncy"); give that file as --pupils',
            param_hint="'MODEL'",
        )
    out = {"pupils": pupils.path, "areas": (cfg.authority,)}
    for table, option, reader in (
        ("births", "births", "ons_births"),
        ("lookup", "lookup", "district_lookup"),
    ):
        src = cfg.data.get(table)
        if src is not None and src.reader == reader:
            out[option] = src.path
    folder = cfg.scorecards("report")[1]
    if folder.is_dir():
        out["scorecards"] = folder
    return out


@cli.command()
@click.argument(
    "model",
    required=False,
    metavar="[MODEL]",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.option(
    "--pupils",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Pupils by authority and year group (census_pupils_by_ncy layout); required "
    "without MODEL.",
)
@click.option(
    "--births",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="ONS births by district (births_by_district layout).",
)
@click.option(
    "--lookup",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="District -> authority lookup (district_to_la layout).",
)
@click.option(
    "--origins",
    callback=_years,
    multiple=True,
    default=["2017,2019,2020,2021"],
    show_default=True,
    help="Origin years (last year of data used), comma-separated; a repeated "
    "--origins adds to the list.",
)
@click.option(
    "--horizons",
    callback=_horizons,
    multiple=True,
    default=["1,3"],
    show_default=True,
    help="Horizons in years, comma-separated; a repeated --horizons adds to the list.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="CSV file for the results (one row per area x phase x origin x horizon).",
)
@click.option(
    "--scorecards",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="DfE scorecards folder: adds the authority's own error and who won.",
)
@click.option(
    "--target-years",
    "target_years",
    callback=_int_list,
    multiple=True,
    help="Only summarise these target years, e.g. 2018,2021,2022 (the CSV keeps all "
    "rows); a repeated --target-years adds to the list.",
)
@click.option(
    "--areas",
    "areas",
    callback=_codes,
    multiple=True,
    help="Only summarise these authorities (new_la_code, e.g. E10000034, "
    "comma-separated; the CSV keeps all rows, and every model is still fitted "
    "on all authorities, as the shrinkage pools over them); a repeated --areas "
    "adds to the list.",
)
@click.option(
    "--by-ncy",
    "by_ncy",
    is_flag=True,
    help="Also print errors by year group (of the authorities and target years "
    "summarised); with --out, also write them beside it, named after it "
    "(--out results.csv: results_by_ncy.csv).",
)
@click.option(
    "--intervals",
    type=click.Choice(["errors", "bootstrap"]),
    default="errors",
    show_default=True,
    help="80% intervals from the model's errors at earlier origins, or from a bootstrap "
    "over historical ratios (for comparison; it covers too little, docs/forecast.md).",
)
def backtest(
    model,
    pupils,
    births,
    lookup,
    origins,
    horizons,
    out,
    scorecards,
    target_years,
    areas,
    by_ncy,
    intervals,
):
    """Rolling-origin backtest on the published files, against two naive baselines.

    With MODEL (a model definition), its census, births, lookup and scorecards files are
    used and its authority is summarised; an option given as well wins.

    For each origin, fits on data up to it, forecasts the horizons and scores the DfE measure
    (forecast - actual) / actual of authority totals, primary (R-Y6) and secondary (Y7-Y11).
    Prints median absolute error, bias, win rates and 80% interval coverage.

    \b
    Example:
      sufficiency backtest --pupils data/census_pupils_by_ncy_2011_2022.csv \\
        --births data/births_by_district_1992_2023.csv \\
        --lookup data/district_to_la_west_midlands.csv \\
        --origins 2017,2019,2020,2021 --horizons 1,3 --out results.csv
      sufficiency backtest models/worcestershire.toml --out results.csv
    """
    import pandas as pd

    from ..backtest import backtest_files

    if model is not None:
        given = _model_files(model)
        pupils = pupils or given["pupils"]
        births = births or given.get("births")
        lookup = lookup or given.get("lookup")
        scorecards = scorecards or given.get("scorecards")
        areas = areas or given["areas"]
    if pupils is None:
        raise click.UsageError(
            "Missing option '--pupils' (or give a model definition, sufficiency backtest MODEL)."
        )

    # with --target-years, pairs beyond the data are not what was asked for: the README's own
    # command (targets 2018, 2021, 2022) warned of origin 2021 + 3 = 2024 (a Coventry trial);
    # a target year asked for that nothing scores is warned of below. Nor are they with the
    # default origins and horizons: `sufficiency backtest MODEL` warned of its own defaults'
    # origin 2021 + 3 (a Solihull trial)
    defaults = all_defaults("origins", "horizons")
    result = backtest_files(
        pupils,
        births,
        lookup,
        origins,
        horizons,
        scorecards_dir=scorecards,
        intervals=intervals,
        beyond_level=logging.INFO if target_years or defaults else logging.WARNING,
    )
    if target_years:
        have = set(result.data["target_year"].astype(int))
        unknown = sorted(set(target_years) - have)
        if len(unknown) == len(set(target_years)):
            raise click.BadParameter(
                f"no scored forecast has target year {', '.join(map(str, unknown))}; the target "
                f"years of these origins and horizons are {', '.join(map(str, sorted(have)))}",
                param_hint="'--target-years'",
            )
        if unknown:
            logger.warning(
                "--target-years: no scored forecast has target year %s; summarising %s",
                ", ".join(map(str, unknown)),
                ", ".join(str(y) for y in sorted(set(target_years) & have)),
            )
    if areas:
        have = sorted(set(result.data["area"].astype(str)))
        unknown = sorted(set(areas) - set(have))
        if unknown:
            raise click.BadParameter(
                f"{', '.join(unknown)}: no such authority in {pupils.name}"
                f"{did_you_mean_code(unknown[0], have)}; expected new_la_code values such as "
                f"{', '.join(have[:3])} ({len(have)} in the file)",
                param_hint="'--areas'",
            )
    ncy = result.ncy_scores(target_years or None, areas or None) if by_ncy else None
    ncy_out = out.with_name(f"{out.stem}_by_ncy.csv") if out is not None and by_ncy else None
    if out is not None:
        with output_file(out) as path:
            write_frame(result.to_frame(), path, "csv")
            if ncy_out is not None:
                try:
                    write_frame(ncy, ncy_out, "csv")
                except OSError:
                    path.unlink(missing_ok=True)  # both files or neither
                    raise
    click.echo(result.summary(target_years or None, areas))
    if by_ncy:
        import pandas as pd

        t = ncy.pivot(index="ncy", columns="horizon", values="median_abs_error")
        t.index = pd.Index([nc.ncy_label(int(n)) for n in t.index], name="year group")
        t.columns = pd.Index([f"{h} y" for h in t.columns], name="years ahead")
        click.echo(
            "Median absolute error by year group"
            + (
                " (of the authorities and target years summarised above)"
                if areas or target_years
                else ""
            )
            + ":"
        )
        click.echo(t.map(lambda v: f"{v:.2%}").to_string())
    if scorecards is not None:
        d = result.select(target_years or None, areas)
        d = d[d["winner"] != ""]
        if len(d):
            wins = (d["winner"] == "model").sum()
            whose = (
                "the authority's" if areas and len(set(areas)) == 1 else "the authorities'"
            )  # --areas E06000019: one authority's
            click.echo(
                f"Against {whose} own forecasts: model won {wins} of {len(d)} "
                f"({wins / len(d):.0%}); authority won {(d['winner'] == 'authority').sum()}."
            )
        else:
            click.echo("No scorecard errors match these origins and horizons.")
    if out is not None:
        n = result.data["area"].nunique() if "area" in result.data else 0
        click.echo(
            f"Wrote {len(result.data)} rows to {out}"
            + (
                f" (all {n} areas and target years: --areas and --target-years choose "
                "what is summarised above)"
                if areas or target_years
                else ""
            )
        )
        if ncy_out is not None:
            which = "of those" if areas or target_years else "of every row"
            click.echo(f"Wrote errors by year group ({which}) to {ncy_out}")
