"""Shared CLI options and helpers."""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import click
from click.core import ParameterSource

from .._columns import XLSX_FORMATS, describe, dictionary_frame
from .._files import atomic_write, atomic_write_with, deterministic_xlsx, is_temporary, output_set
from ..exceptions import ConfigError

__all__ = [
    "FiniteFloat",
    "model_argument",
    "pass_state",
    "out_option",
    "format_option",
    "format_needs_out",
    "all_defaults",
    "write_frame",
    "write_columns",
    "write_lines",
    "output_dir",
    "output_file",
    "progress",
]

pass_state = click.make_pass_decorator(dict, ensure=True)

model_argument = click.argument(
    "model", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="MODEL"
)

out_option = click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Directory to write outputs to (created if missing).",
)

format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx", "json"]),
    default="csv",
    show_default=True,
    help="Output file format.",
)


def format_needs_out(out, fmt: str) -> None:
    """A ``--format`` given without ``--out`` is a usage error (exit 2): the format is of the
    files --out writes, and without it the command wrote nothing and said nothing (a
    Wolverhampton trial's ``forecast MODEL --format json`` printed the table only)."""
    ctx = click.get_current_context()
    if out is None and ctx.get_parameter_source("fmt") == ParameterSource.COMMANDLINE:
        raise click.UsageError(
            f"--format {fmt} is the format of the files --out writes: give --out DIR too "
            f"(without --out the command prints its table only)"
        )


def all_defaults(*names: str) -> bool:
    """Whether every named parameter of the running command took its default (none was given
    on the command line, in the environment or in a default map)."""
    ctx = click.get_current_context()
    return all(ctx.get_parameter_source(n) == ParameterSource.DEFAULT for n in names)


class FiniteFloat(click.FloatRange):
    """A float flag that must be finite and in range (click's ``FloatRange`` lets ``nan``
    and ``inf`` through, and ``nan`` passes any bound): every float flag uses it.

    ``expected`` says what the flag takes, for the one-line error (exit 2), e.g.
    ``Invalid value for '--budget': inf: expected an amount in GBP >= 0 (a finite number)``.
    """

    def __init__(
        self,
        min: float | None = None,
        max: float | None = None,
        *,
        min_open: bool = False,
        max_open: bool = False,
        expected: str = "",
    ) -> None:
        super().__init__(min, max, min_open=min_open, max_open=max_open)
        self.expected = expected or f"a number in {self._describe_range()}"

    def convert(self, value, param, ctx):
        rv = click.FLOAT.convert(value, param, ctx)
        if not math.isfinite(rv):
            self.fail(f"{value}: expected {self.expected} (a finite number)", param, ctx)
        try:
            return super().convert(rv, param, ctx)
        except click.BadParameter:
            self.fail(f"{value}: expected {self.expected}", param, ctx)


def _xlsx_bytes(frame, name: str) -> bytes:
    """``frame`` as an Excel workbook an analyst can read: the table on a sheet named after
    the file, bold frozen header row, filter, column widths fitted to the contents, codes kept
    as text, number formats by unit (pupils and places to one decimal, GBP, fractions as
    percentages; the cells keep the exact values); then a ``columns`` sheet saying what each column holds and its unit."""
    import pandas as pd
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = (name or "table")[:31]
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        frame.to_excel(xw, index=False, sheet_name=sheet)
        dictionary_frame({path_name(name): frame}).drop(columns="file").to_excel(
            xw, index=False, sheet_name="columns"
        )
        table = xw.book[sheet]
        for j, col in enumerate(frame.columns, 1):
            fmt = XLSX_FORMATS.get(describe(col, name)[0])
            if fmt and pd.api.types.is_float_dtype(frame[col]):
                for (cell,) in table.iter_rows(min_row=2, min_col=j, max_col=j):
                    cell.number_format = fmt
        for ws in xw.book.worksheets:
            ws.freeze_panes = "A2"
            for cell in ws[1]:
                cell.font = Font(bold=True)
            if ws.max_row > 1:
                ws.auto_filter.ref = f"A1:{get_column_letter(ws.max_column)}{ws.max_row}"
            for j, col in enumerate(ws.iter_cols(min_row=1, max_row=min(ws.max_row, 201)), 1):
                width = max((len(str(c.value)) for c in col if c.value is not None), default=6)
                ws.column_dimensions[get_column_letter(j)].width = min(60, max(8, width + 2))
    return deterministic_xlsx(buf.getvalue())


def path_name(name: str) -> str:
    """The file stem a table is written under (``forecast`` for ``forecast.xlsx``)."""
    return Path(name).name.split(".", 1)[0]


def write_frame(frame, path: Path, fmt: str) -> None:
    """Write a result table atomically as CSV, Excel or JSON records (same table, same bytes)."""
    if fmt == "csv":
        atomic_write_with(path, lambda t: frame.to_csv(t, index=False, lineterminator="\n"))
    elif fmt == "xlsx":
        atomic_write(path, _xlsx_bytes(frame, path_name(path.name)))
    else:
        records = json.loads(frame.to_json(orient="records", double_precision=6))
        atomic_write(path, json.dumps(records, indent=1, sort_keys=True) + "\n")


def write_columns(folder: Path, tables: dict) -> None:
    """``columns.csv``: the data dictionary of the tables written to ``folder`` ({file name:
    frame or column names}): file, column, unit, description (:mod:`sufficiency._columns`)."""
    write_frame(dictionary_frame(tables), Path(folder) / "columns.csv", "csv")


def write_lines(path: Path, lines) -> None:
    """Write text lines (e.g. notes.txt) atomically."""
    atomic_write(path, "\n".join(lines) + "\n")


def _shown_path(name, out: Path, stage: Path | None) -> Path | None:
    """The path the user knows for ``name``: a file in the temporary folder (or the temporary
    file or folder itself) is named by its place in ``out``; None for another path."""
    if not name:
        return None
    p = Path(os.fsdecode(name))
    if stage is not None:
        with contextlib.suppress(ValueError):
            return out / p.relative_to(stage)
    if is_temporary(p.name, out):
        # a temporary sibling of out (output_set) or temporary file next to it (atomic_write)
        return out
    return p


def _write_error(
    exc: OSError, out: Path, stage: Path | None, what: str, choose: str
) -> ConfigError:
    """One line for a failed write: the path the user gave, the reason, nothing written."""
    reason = exc.strerror or str(exc)
    # os.replace(src, dst) names both; the target is the one the user knows
    shown = [_shown_path(getattr(exc, a, None), out, stage) for a in ("filename2", "filename")]
    where = next((p for p in shown if p is not None), None)
    at = f" ({where})" if where is not None and where != out else ""
    return ConfigError(
        f"{out}: cannot write {what}: {reason}{at}; nothing was written. "
        f"Choose {choose} with --out."
    )


@contextlib.contextmanager
def output_dir(out: str | Path) -> Iterator[Path]:
    """Write a command's output files as one set (:func:`sufficiency._files.output_set`).

    Yields the folder to write into (a temporary sibling of ``out``); the files appear in
    ``out`` only if all of them were written. A file system error (folder not writable, a
    folder in the way of a file, disk full) becomes a one-line :class:`ConfigError` naming
    ``out`` (and the file under ``out`` concerned, never the temporary folder); nothing of
    this run is left in ``out``.
    """
    out = Path(out)
    stage = None
    try:
        with output_set(out) as stage:
            yield stage
    except OSError as exc:
        raise _write_error(exc, out, stage, "the outputs", "a writable folder") from exc


@contextlib.contextmanager
def output_file(path: str | Path) -> Iterator[Path]:
    """Write one output file (e.g. ``backtest --out results.csv``) all or nothing.

    Yields ``path``: write it with the atomic writers (:func:`write_frame`, which write a
    temporary file next to it and rename it into place). A file system error becomes a
    one-line :class:`ConfigError` naming ``path``; folders made for it are removed again, so
    nothing of this run is left. (A single file needs no staging folder: the rename is atomic,
    and a staging folder next to the file's folder would need that folder's parent to be
    writable too.)
    """
    path = Path(path)
    made = next((p for p in reversed([path.parent, *path.parent.parents]) if not p.exists()), None)
    try:
        yield path
    except OSError as exc:
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)
        raise _write_error(exc, path, None, "the results", "a writable path") from exc


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
