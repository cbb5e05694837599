"""``sufficiency report``: the Cabinet-ready report, Excel appendix, SCAP return, summary.json."""

from __future__ import annotations

from pathlib import Path

import click

from .. import nomenclature as nc
from ..exceptions import ConfigError, MissingFileError
from . import cli
from ._common import FiniteFloat, model_argument, output_dir

_FORMATS = ("html", "pdf", "xlsx", "scap", "json")
#: parts the report may be published without (--allow-missing)
_PARTS = ("send", "early-years", "plan")


@cli.command()
@model_argument
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory to write the report files to (created if missing).",
)
@click.option(
    "--only",
    "only",
    type=click.Choice(_FORMATS),
    multiple=True,
    help="Write only these files (repeat the option); default: all five (scap also writes scap_special_places.csv when the SEND forecast is available).",
)
@click.option(
    "--date",
    "report_date",
    default=None,
    metavar="YYYY-MM-DD",
    help="Date on the cover (default today), on or after the start of the data's "
    "base year; fix it for byte-identical reruns.",
)
@click.option(
    "--solver",
    type=click.Choice(["cbc", "highs"]),
    default=None,
    help="Solver for the plan: CBC (bundled with PuLP, the default) or HiGHS "
    "(highspy), as for the plan command.",
)
@click.option(
    "--quantile",
    type=FiniteFloat(0.5, 0.99, expected="a quantile of demand in [0.5, 0.99], e.g. 0.8"),
    default=None,
    help="Plan to this quantile of demand instead of the central forecast.",
)
@click.option("--no-plan", is_flag=True, help="Skip the optimiser (no options or costs).")
@click.option("--no-send", is_flag=True, help="Skip the SEND forecast.")
@click.option("--no-early-years", is_flag=True, help="Skip the early years forecast.")
@click.option(
    "--allow-missing",
    "allow_missing",
    type=click.Choice(_PARTS),
    multiple=True,
    help="Publish the report without this part (marked 'not available in this run') "
    "if an input of its section fails to load (repeat the option). By default "
    "an error in the inputs of the model's [send], [early_years] or [plan] "
    "section stops the report (exit 1, nothing written).",
)
@click.option("--sequential", is_flag=True, help="Lay out the PDF in this process (slower).")
@click.pass_context
def report(
    ctx,
    model,
    out,
    only,
    report_date,
    solver,
    quantile,
    no_plan,
    no_send,
    no_early_years,
    allow_missing,
    sequential,
):
    """Run forecast -> sufficiency -> plan on MODEL and write the report to --out.

    Writes report.html (self-contained, charts inline), report.pdf (A4, numbered pages,
    contents), appendix.xlsx (one sheet per table), scap_pupil_forecasts.csv (planning area x
    year group x year), summary.json (headline figures) and, when the SEND forecast is
    available, scap_special_places.csv (special school places by phase x year). Parts of the
    engine that are not available in a run are reported as such in every output, never
    filled in.

    An error in the inputs of a part the model declares (its [send], [early_years] or [plan]
    section) stops the report with exit 1 and nothing written; --allow-missing PART publishes
    it without that part instead. Parts switched off (--no-send, ...) are reported as not
    available; a part whose section is absent runs on the engine's defaults where it can
    (SEND from the DfE SEN2 files in the pupil data's folder, early years with the two
    default entitlements only) and is reported as not available where it cannot.

    \b
    Example:
      sufficiency report models/worcestershire.toml --out out/ --date 2026-11-22
    """
    import datetime as dt

    from ..config import load_model
    from ..inputs import load_inputs
    from ..report import make_report
    from ..report.build import ALLOWABLE_MISSING

    if no_plan and (quantile is not None or solver is not None):
        # they set the plan's demand and solver: with --no-plan they were dropped without a
        # word (a Wolverhampton trial's --no-plan --quantile 0.8)
        given = " and ".join(
            f for f, v in (("--quantile", quantile), ("--solver", solver)) if v is not None
        )
        raise click.UsageError(
            f"{given} set the plan, which --no-plan skips: give one or the other"
        )
    date = None
    if report_date is not None:
        try:
            date = dt.date.fromisoformat(report_date)
        except ValueError as exc:
            raise click.BadParameter(
                f"{report_date!r} is not a date YYYY-MM-DD", param_hint="'--date'"
            ) from exc
    debug = bool(ctx.obj and ctx.obj.get("debug"))
    parts = tuple(p.replace("-", "_") for p in allow_missing)
    # a part the report skips reads none of its files: a missing one is no reason to stop,
    # as a malformed one is not (nor is it one to suggest --allow-missing for it)
    skipped = ("send",) * no_send + ("early_years",) * no_early_years
    try:
        config = load_model(model, missing_ok=parts + skipped)
    except MissingFileError as exc:
        # a [send] or [early_years] file that does not exist stops the model loading: say,
        # as for a file that fails to read, that --allow-missing publishes without the part
        for part, (section, what) in ALLOWABLE_MISSING.items():
            if exc.section == section:
                raise ConfigError(
                    f"{exc} -- report stopped: fix this input of [{section}], or publish the "
                    f"report without {what} with --allow-missing {part.replace('_', '-')}"
                ) from exc
        raise
    inputs = load_inputs(config)
    base = int(inputs.base_year)
    if date is not None and date < dt.date(base, 9, 1):
        # a report dated before the data it reports on (the cover would show both)
        raise click.BadParameter(
            f"{report_date} is before the data's base year {nc.academic_year_label(base)}; "
            f"expected a date on or after its start, {base}-09-01",
            param_hint="'--date'",
        )
    formats = tuple(only) if only else _FORMATS
    # all requested files or none (a failure half-way leaves --out as it was; output_dir
    # turns a file system error into one line)
    with output_dir(out) as d:
        data, written = make_report(
            inputs,
            d,
            formats=formats,
            report_date=report_date,
            solver=solver,
            quantile=quantile,
            with_plan=not no_plan,
            with_send=not no_send,
            with_early_years=not no_early_years,
            strict=debug,
            parallel=not sequential,
            allow_missing=parts,
        )
    click.echo(data.summary())
    for path in written["paths"].values():
        click.echo(f"wrote {Path(out) / Path(path).relative_to(d)}")
    secs = written["seconds"]
    click.echo("seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in secs.items()))
