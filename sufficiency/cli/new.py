"""``sufficiency new``: a starting model definition for another authority."""

from __future__ import annotations

from pathlib import Path

import click

from .._files import atomic_write
from ..datasets import embedded_data_dir
from ..exceptions import ConfigError
from ..scaffold import new_model_text
from . import cli
from ._common import output_file


def _default_data_dir() -> Path:
    """./data when it exists (the repository's, run from it), else the installation's own: a
    Herefordshire trial's analyst, in a folder of their own, got "Invalid value for
    '--data-dir': Directory 'data' does not exist" from a command that needs no data of
    theirs.

    Raises
    ------
    ConfigError
        If there is no ./data and this installation has no embedded data, saying where they
        were looked for and to give --data-dir (not "data/census_...csv: file not found").
    """
    here = Path("data")
    if here.is_dir():
        return here
    try:
        # the repository's data/ in a clone, the package's copy in a wheel
        return embedded_data_dir()
    except ConfigError as e:
        raise ConfigError(
            "no data folder: ./data does not exist here and this installation has no "
            "embedded data, so give --data-dir (the data/ folder of a clone of the "
            f"repository). {e}"
        ) from None


@cli.command()
@click.argument("la_code", metavar="LA_CODE")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Model definition to write, e.g. models/walsall.toml.",
)
@click.option(
    "--name", default=None, help="[model] name (default: the authority's name in the census file)."
)
@click.option(
    "--data-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder of the embedded data (default: ./data if it exists, "
    "else the data folder of this installation).",
)
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
    if data_dir is None:
        data_dir = _default_data_dir()
    if out.exists() and not force:
        raise ConfigError(
            f"{out}: already exists; nothing was written. Give --force to overwrite "
            "it, or another --out."
        )
    text = new_model_text(la_code, data_dir, out, name=name)
    with output_file(out) as path:
        atomic_write(path, text)
    areas = text.count("\n[[areas]]\n")
    todos = text.count("TODO")
    click.echo(f"Wrote {out} ({areas} planning areas; {todos} TODO comments to resolve).")
    click.echo(f"Next: sufficiency validate {out}")
