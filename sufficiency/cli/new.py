"""``sufficiency new``: a starting model definition for another authority."""

from __future__ import annotations

from pathlib import Path

import click

from .._files import atomic_write
from ..exceptions import ConfigError
from ..scaffold import new_model_text
from . import cli
from ._common import output_file


@cli.command()
@click.argument("la_code", metavar="LA_CODE")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Model definition to write, e.g. models/walsall.toml.")
@click.option("--name", default=None, help="[model] name (default: the authority's name in the census file).")
@click.option("--data-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=Path("data"), show_default=True, help="Folder of the embedded data.")
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
def new(la_code, out, name, data_dir, force):
    """Write a starting model definition for the authority LA_CODE.

    LA_CODE is the DfE 3-digit old LA code (335) or the ONS code (E08000030). The model
    lists the authority's DfE planning areas from the SCAP capacity file and reads the
    embedded data (paths relative to --out's folder). It validates, forecasts and plans as
    written; what public data cannot say (area names, each primary area's districts, Year 6
    transfer shares, three-tier areas) is marked TODO. See docs/model.md.

    \b
    Example:
      sufficiency new 335 --out models/walsall.toml --name "Walsall"
      sufficiency validate models/walsall.toml
    """
    if out.exists() and not force:
        raise ConfigError(f"{out}: already exists; nothing was written. Give --force to overwrite "
                          "it, or another --out.")
    text = new_model_text(la_code, data_dir, out, name=name)
    with output_file(out) as path:
        atomic_write(path, text)
    areas = text.count("\n[[areas]]\n")
    todos = text.count("TODO")
    click.echo(f"Wrote {out} ({areas} planning areas; {todos} TODO comments to resolve).")
    click.echo(f"Next: sufficiency validate {out}")
