"""Command-line interface: ``sufficiency COMMAND ...``.

Thin by design: each command parses its options, calls the library and writes. Library
errors (:class:`~sufficiency.exceptions.SufficiencyError`) become a one-line message and exit
code 1; bad flags exit 2 (click's usage errors); ``--debug`` shows tracebacks.

Each command lives in its own module in this package; :data:`COMMAND_MODULES` lists them.
"""

from __future__ import annotations

import importlib
import logging
import os
import shutil
import signal
import sys
import textwrap
import threading
import warnings
from pathlib import Path

import click

from ..exceptions import SufficiencyError

__all__ = ["main", "cli", "COMMAND_MODULES"]

#: Modules of :mod:`sufficiency.cli` that each add their command(s) to :func:`cli`.
COMMAND_MODULES = ("validate", "forecast", "compare", "plan", "send", "report", "new")


class _Group(click.Group):
    """Click group that turns library errors into one line and exit 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except SufficiencyError as exc:
            if ctx.obj is not None and ctx.obj.get("debug"):
                raise
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            click.echo(f"Error: {first}", err=True)
            ctx.exit(1)


def _format_warning(message, category, filename, lineno, line=None):
    """``warning: ...`` on one line, or, on a terminal, wrapped to its width (at most 100
    columns) with a hanging indent, paths and codes never split: a warning may list every
    area it concerns (a Staffordshire trial's ran to 900 characters). Piped or redirected
    output keeps one line per warning, for grep."""
    text = f"warning: {message}"
    stream = sys.stderr
    if getattr(stream, "isatty", lambda: False)():
        width = min(100, shutil.get_terminal_size((100, 24)).columns)
        text = "\n".join(
            textwrap.fill(
                para, width, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False
            )
            for para in text.splitlines() or [""]
        )
    return text + "\n"


class _LogFormatter(logging.Formatter):
    """Log records as ``LEVEL logger: message``, but a warning as the command's other warnings
    read (``warning: ...``, :func:`_format_warning`): a Warwickshire trial's backtest printed
    "WARNING sufficiency.backtest: ..." where every other command printed "warning: ..."."""

    def format(self, record: logging.LogRecord) -> str:
        if record.levelno == logging.WARNING:
            return _format_warning(
                record.getMessage(), UserWarning, record.pathname, record.lineno
            ).rstrip("\n")
        return super().format(record)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sufficiency")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.option("-v", "--verbose", count=True, help="Log progress (-v info, -vv debug).")
@click.option("-q", "--quiet", is_flag=True, help="Hide warnings.")
@click.pass_context
def cli(ctx: click.Context, debug: bool, verbose: int, quiet: bool) -> None:
    """sufficiency: school place sufficiency for English local authorities.

    Forecast pupils by planning area and year group, compare with capacity, plan where to
    add places at least cost, and publish the sufficiency report and the SCAP return.

    \b
    Start with the embedded default (Worcestershire, public data):
      sufficiency validate models/worcestershire.toml
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    level = logging.WARNING - 10 * min(verbose, 2)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_LogFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])
    warnings.formatwarning = _format_warning
    if quiet:
        warnings.simplefilter("ignore")


for _name in COMMAND_MODULES:
    importlib.import_module(f"{__name__}.{_name}")


def _child_pids() -> list[int]:
    """This process's child processes (Linux ``/proc``; elsewhere none are found)."""
    pids: list[int] = []
    for f in Path("/proc/self/task").glob("*/children"):
        try:
            pids += [int(p) for p in f.read_text().split()]
        except (OSError, ValueError):
            continue
    return sorted(set(pids))


def _on_terminate(signum, frame) -> None:
    """SIGTERM (``timeout``, ``docker stop``, a cancelled CI job) ends the command as Ctrl-C
    does: by an exception, so that half-written output sets are cleaned up on the way out.
    A solver running as a child process (CBC) is sent SIGTERM too: it is not in the
    signal's way as it is in Ctrl-C's (the terminal's whole process group), and would
    otherwise run on to its time limit."""
    for pid in _child_pids():
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:
            pass
    raise SystemExit(128 + signum)


def install_terminate_handler() -> None:
    """Make SIGTERM unwind the command (see :func:`_on_terminate`); the console script's
    business, not the library's."""
    if hasattr(signal, "SIGTERM") and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _on_terminate)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``sufficiency`` console script."""
    install_terminate_handler()
    cli.main(args=argv, prog_name="sufficiency")
