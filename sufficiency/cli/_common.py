"""Shared CLI options and helpers."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["model_argument", "pass_state", "out_option", "format_option"]

pass_state = click.make_pass_decorator(dict, ensure=True)

model_argument = click.argument(
    "model", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="MODEL"
)

out_option = click.option(
    "--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Directory to write outputs to (created if missing).",
)

format_option = click.option(
    "--format", "fmt", type=click.Choice(["csv", "xlsx", "json"]), default="csv",
    show_default=True, help="Output file format.",
)
