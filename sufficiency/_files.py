"""Atomic output files: every file the engine writes goes through here.

A file is written to a temporary file in the target's own folder and then renamed over the
target (``os.replace``, atomic on POSIX and Windows), so a reader sees the old file or the
new one, never half of one, and a failed write leaves the old file as it was. The new file
gets the ordinary permissions of a new file (``0o666`` less the umask), not the private
``0o600`` that :func:`tempfile.mkstemp` gives its temporary file.

A command that writes several files writes them as one set (:func:`output_set`): every file
goes first into a temporary sibling of the output folder, and only when all of them are
written are they moved into place; if any step fails, the output folder is left as it was.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

__all__ = [
    "atomic_write",
    "atomic_write_with",
    "deterministic_xlsx",
    "is_temporary",
    "output_set",
    "FIXED_STAMP",
]

logger = logging.getLogger(__name__)

#: document date written into Excel files whose content has no date of its own, so that the
#: same inputs give byte-identical files (openpyxl would write the time of writing)
FIXED_STAMP = "2000-01-01T00:00:00Z"


def _file_prefix(path: Path) -> str:
    """Name prefix of the temporary file :func:`atomic_write` writes next to ``path``."""
    return f".{path.stem}.tmp."


def _folder_prefix(out: Path, what: str) -> str:
    """Name prefix of the staging (``tmp``) and backup (``old``) folders :func:`output_set`
    makes next to ``out``."""
    return f".{out.name}.{what}."


def is_temporary(name: str, target: Path) -> bool:
    """Whether ``name`` is one of the temporary files or folders this module makes for
    ``target`` (so that messages can name ``target`` instead)."""
    prefixes = (_file_prefix(target), _folder_prefix(target, "tmp"), _folder_prefix(target, "old"))
    return name.startswith(prefixes)


def _new_file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write_with(path: str | Path, write: Callable[[str], object]) -> Path:
    """Atomically create ``path`` with ``write(tmp)``, a function that writes a temporary
    file by name (for writers that take a path, such as ``DataFrame.to_excel``).

    The temporary name keeps the target's extension, so a writer that picks its format from
    the extension picks the right one. Returns ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=_file_prefix(path), suffix=path.suffix)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, _new_file_mode())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def atomic_write(path: str | Path, payload: bytes | str) -> Path:
    """Atomically write bytes, or text as UTF-8 (newlines as given), to ``path``; returns it."""
    data = payload.encode("utf-8") if isinstance(payload, str) else payload
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"atomic_write: expected bytes or str, got {type(payload).__name__}")

    def write(tmp: str) -> None:
        with open(tmp, "wb") as f:
            f.write(data)

    return atomic_write_with(path, write)


def deterministic_xlsx(payload: bytes, stamp: str = FIXED_STAMP) -> bytes:
    """Rewrite an xlsx (a zip) so that it depends on its content only.

    Every zip entry gets the same time (1980-01-01, the zip epoch) and the workbook's
    ``created`` and ``modified`` properties (``docProps/core.xml``) are set to ``stamp``
    (ISO 8601, e.g. the data's base date, or :data:`FIXED_STAMP`).
    """
    src = zipfile.ZipFile(io.BytesIO(payload))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                    rb"\g<1>" + stamp.encode() + rb"\2",
                    body,
                )
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, body)
    return out.getvalue()


def _commit(stage: Path, out: Path) -> list[Path]:
    """Move every file under ``stage`` to the same place under ``out``, all or none.

    Targets are checked first (a folder where a file should go fails before anything moves);
    files replaced are kept aside until every move has succeeded, and put back otherwise.
    """
    files = sorted(p for p in stage.rglob("*") if p.is_file() and not p.is_symlink())
    rels = [p.relative_to(stage) for p in files]
    for rel in rels:
        target = out / rel
        if target.is_dir():
            raise IsADirectoryError(21, "a folder is in the way of an output file", str(target))
        for parent in list(rel.parents)[:-1]:
            if (out / parent).exists() and not (out / parent).is_dir():
                raise NotADirectoryError(
                    20, "a file is in the way of an output folder", str(out / parent)
                )
    created_out = not out.exists()
    backup = Path(tempfile.mkdtemp(dir=stage.parent, prefix=_folder_prefix(out, "old")))
    moved: list[tuple[Path, Path | None]] = []  # (target, backup or None)
    made_dirs: list[Path] = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        for src, rel in zip(files, rels):
            target = out / rel
            for parent in reversed(list(rel.parents)[:-1]):
                if not (out / parent).exists():
                    (out / parent).mkdir()
                    made_dirs.append(out / parent)
            old = None
            if target.exists() or target.is_symlink():
                old = backup / rel
                old.parent.mkdir(parents=True, exist_ok=True)
                os.replace(target, old)
            moved.append((target, old))
            os.replace(src, target)
    except BaseException:
        for target, old in reversed(moved):
            with contextlib.suppress(OSError):
                if target.exists():
                    os.unlink(target)
                if old is not None:
                    os.replace(old, target)
        for d in reversed(made_dirs):
            with contextlib.suppress(OSError):
                d.rmdir()
        if created_out:
            with contextlib.suppress(OSError):
                out.rmdir()
        raise
    finally:
        shutil.rmtree(backup, ignore_errors=True)
    return [out / rel for rel in rels]


def _device(path: Path) -> int:
    """The file system ``path`` is on (``st_dev``, symbolic links followed)."""
    return os.stat(path).st_dev


def _stage_folder(out: Path, parent: Path) -> Path:
    """Where :func:`output_set` stages its files: next to ``out`` (so that ``out`` is left
    untouched until the files move), or inside ``out`` when ``out`` is on another file system
    than its parent (a mounted volume, a symbolic link to another disk), where a rename from
    the parent would fail."""
    if out.is_dir() and _device(out) != _device(parent):
        return out
    return parent


@contextlib.contextmanager
def output_set(out: str | Path) -> Iterator[Path]:
    """Write a set of output files to the folder ``out`` all or nothing.

    Yields a temporary folder next to ``out`` (inside it when ``out`` is another file system,
    a mounted volume say) to write the files into,
    under the names they should have in ``out``. When the block ends without an error, every
    file is moved into ``out`` (created if missing; other files in it are left alone); when
    the block or a move fails, ``out`` is left exactly as it was and the temporary folder is
    removed. Each move is an atomic rename, so a reader never sees half a file.

    Examples
    --------
    >>> with output_set("out") as d:  # doctest: +SKIP
    ...     atomic_write(d / "a.csv", "x\n")
    ...     atomic_write(d / "b.csv", "y\n")
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(20, "not a folder", str(out))
    parent = out.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    stage = Path(
        tempfile.mkdtemp(dir=_stage_folder(out, parent), prefix=_folder_prefix(out, "tmp"))
    )
    try:
        yield stage
        written = _commit(stage, out)
        logger.debug("wrote %d file(s) to %s", len(written), out)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
