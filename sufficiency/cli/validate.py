"""``sufficiency validate`` and ``sufficiency data list``."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import click

from .. import nomenclature as nc
from .._values import plural
from ..config import load_model
from ..inputs import load_inputs
from ..validation import (
    capacity_behind_census,
    load_section_inputs,
    summarise_inputs,
    summarise_section_inputs,
)
from . import cli
from ._common import model_argument

#: width of the warnings' lines (every area a warning names is listed, so they run long)
_WIDTH = 100


def _same(text: str) -> str:
    """``text`` compared as a sentence: case, surrounding space and a final full stop aside."""
    return text.strip().rstrip(".").strip().lower()


def _wrapped(message: str) -> str:
    """A warning as a list item, wrapped at :data:`_WIDTH` with a hanging indent; the full
    text (every area it names: a Staffordshire trial's "... and N more" hid the areas the
    analyst had to fix), paths and codes never split."""
    return textwrap.fill(
        " ".join(message.split()),
        _WIDTH,
        initial_indent="  - ",
        subsequent_indent="    ",
        break_long_words=False,
        break_on_hyphens=False,
    )


@cli.command()
@model_argument
def validate(model):
    """Load every input of MODEL, check it and print a summary per table.

    Every file the model names is read, those of its [send], [early_years], [plan] and
    [report] sections included.

    Prints rows, years, areas and totals by year group for the earliest and latest years of
    each table, then every problem found (warnings included, each in full, wrapped). Exits 1
    on the first error.

    \b
    Example:
      sufficiency validate models/worcestershire.toml
    """
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        config = load_model(model)
        inputs = load_inputs(config)
        others = load_section_inputs(config)
    problems = [str(w.message) for w in caught] + capacity_behind_census(inputs)
    # a note that says what a warning below says is left to the warning (a Coventry trial
    # read "the model definition still has 35 TODO comments (...)" twice, in full)
    said = {_same(p) for p in problems}
    click.echo(
        "\n".join(
            line
            for line in summarise_inputs(inputs).splitlines()
            if not (line.startswith("Note: ") and _same(line[6:]) in said)
        )
    )
    if config.bases:
        # a scenario: what it extends and what it changes, as plan and report say (a Dudley
        # trial's validate of a scenario said neither)
        click.echo(
            f"scenario: {config.path.name} extends "
            f"{', which extends '.join(b.name for b in config.bases)}; its own file sets "
            f"{', '.join(config.own_settings()) or 'nothing'} (for comparison, not for "
            "decision)"
        )
    moves = config.transfer_summary()
    if moves is not None:
        click.echo(f"transfers: {moves[0]} (set in {moves[1]})")
    opts = config.section("plan").get("options", [])
    if opts:
        schemes = sorted(
            {str(o["scheme"]) for o in opts if isinstance(o, Mapping) and o.get("scheme")}
        )
        click.echo(
            f"plan options: {plural(len(opts), 'local option')} ([[plan.options]])"
            + (f", {plural(len(schemes), 'scheme')} ({', '.join(schemes)})" if schemes else "")
            + "; every other area, phase and kind gets the default options"
        )
    if others:
        click.echo("Inputs of the SEND, early years, plan and report sections:")
        click.echo(
            "\n".join("    " + line for line in summarise_section_inputs(others).splitlines())
        )
    click.echo("")
    if problems:
        click.echo(f"{plural(len(problems), 'warning')}:")
        for p in problems:
            click.echo(_wrapped(p))
    else:
        click.echo("No problems found.")
    click.echo(f"OK: {config.name} is valid ({len(config.areas)} planning areas).")


@cli.group()
def data():
    """Inspect the data a model loads."""


@data.command("list")
@model_argument
def data_list(model):
    """List what MODEL loads and from where (reader, file, checksum, years).

    The [data] tables first, then the files its [send], [early_years], [plan] and [report]
    sections read (EHC plans, population, early years take-up, DfE scorecards).

    \b
    Example:
      sufficiency data list models/worcestershire.toml
    """
    config = load_model(model)
    click.echo(f"Model {config.name} ({config.path})")
    for table, src in config.data.items():
        where = "(derived from other inputs)" if src.derived else str(src.path)
        click.echo(f"  {table:<15} reader={src.reader:<15} {where}")
    inputs = load_inputs(config)
    # the sections' files too: a Herefordshire trial's list stopped at [data], without the
    # SEN2, population, take-up and scorecard files the report reads and cites
    provenance = [(p.table, p) for p in inputs.provenance] + [
        (name, p) for name, item in load_section_inputs(config).items() for p in item.provenance
    ]
    click.echo("")
    click.echo("Read:")
    width = max(15, *(len(t) for t, _ in provenance))
    # "projected" (a births projection) is longer than the other kinds: columns kept in line
    kind_w = max(8, *(len(p.kind) for _, p in provenance))
    # a derived history where some areas have the whole of their phase (Wolverhampton's one
    # secondary area) is partly the census's own count: said, not all called derived
    n_areas = inputs.pupils[nc.AREA].nunique()
    n_derived = len(inputs.derived_areas)
    for table, p in provenance:
        years = f"{p.years[0]}-{p.years[-1]}" if p.years else "-"
        where = p.path
        if table == "pupils_by_area" and p.kind == "derived" and 0 < n_derived < n_areas:
            own = n_areas - n_derived
            where = (
                f"{p.path} ({n_derived} of {n_areas} areas derived; "
                f"{own} with the whole of {'its' if own == 1 else 'their'} phase, "
                "the census's own count)"
            )
        click.echo(
            f"  {table:<{width}} {p.kind:<{kind_w}} rows={p.rows:<6} years={years:<10} "
            f"sha256={p.sha256[:12] or '-':<12} {where}"
        )
    # the TODO note is warned of above already (a Walsall trial read it twice, in full)
    from ..inputs import _todo_note

    todo = _same(_todo_note(config))
    for n in inputs.notes:
        if not (todo and _same(n) == todo):
            click.echo(f"Note: {n}")
