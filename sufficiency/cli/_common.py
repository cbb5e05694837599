"""Shared CLI options and helpers."""

from __future__ import annotations

import contextlib
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from .._files import atomic_write, atomic_write_with, deterministic_xlsx, output_set
from ..exceptions import ConfigError

__all__ = ["model_argument", "pass_state", "out_option", "format_option", "write_frame",
           "write_lines", "output_dir", "progress"]

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


@contextlib.contextmanager
def output_dir(out: str | Path) -> Iterator[Path]:
    """Write a command's output files as one set (:func:`sufficiency._files.output_set`).

    Yields the folder to write into (a temporary sibling of ``out``); the files appear in
    ``out`` only if all of them were written. A file system error (folder not writable, a
    folder in the way of a file, disk full) becomes a one-line :class:`ConfigError` naming
    ``out``; nothing of this run is left in ``out``.
    """
    try:
        with output_set(out) as stage:
            yield stage
    except OSError as exc:
        what = exc.strerror or str(exc)
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        raise ConfigError(f"{out}: cannot write the outputs: {what}{where}; nothing was "
                          "written. Choose a writable folder with --out.") from exc


class _Silent:
    """Stands in for a progress bar when stderr is not a terminal (logs, pipes, CI)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n: int) -> None:
        pass


def progress(length: int, label: str):
    """A progress bar on stderr when it is a terminal, else nothing (no stray label line)."""
    stream = sys.stderr
    if stream is not None and hasattr(stream, "isatty") and stream.isatty():
        return click.progressbar(length=length, label=label, file=stream)
    return _Silent()
