"""Shared CLI options and helpers."""

from __future__ import annotations

import io
import json
from pathlib import Path

import click

from .._files import atomic_write, atomic_write_with, deterministic_xlsx

__all__ = ["model_argument", "pass_state", "out_option", "format_option", "write_frame",
           "write_lines"]

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


def write_frame(frame, path: Path, fmt: str) -> None:
    """Write a result table atomically as CSV, Excel or JSON records (same table, same bytes)."""
    if fmt == "csv":
        atomic_write_with(path, lambda t: frame.to_csv(t, index=False, lineterminator="\n"))
    elif fmt == "xlsx":
        buf = io.BytesIO()
        frame.to_excel(buf, index=False, engine="openpyxl")
        atomic_write(path, deterministic_xlsx(buf.getvalue()))
    else:
        records = json.loads(frame.to_json(orient="records", double_precision=6))
        atomic_write(path, json.dumps(records, indent=1, sort_keys=True) + "\n")


def write_lines(path: Path, lines) -> None:
    """Write text lines (e.g. notes.txt) atomically."""
    atomic_write(path, "\n".join(lines) + "\n")
