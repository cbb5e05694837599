"""Atomic output files: every file the engine writes goes through here.

A file is written to a temporary file in the target's own folder and then renamed over the
target (``os.replace``, atomic on POSIX and Windows), so a reader sees the old file or the
new one, never half of one, and a failed write leaves the old file as it was. The new file
gets the ordinary permissions of a new file (``0o666`` less the umask), not the private
``0o600`` that :func:`tempfile.mkstemp` gives its temporary file.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["atomic_write", "atomic_write_with", "deterministic_xlsx", "FIXED_STAMP"]

#: document date written into Excel files whose content has no date of its own, so that the
#: same inputs give byte-identical files (openpyxl would write the time of writing)
FIXED_STAMP = "2000-01-01T00:00:00Z"


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
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.tmp.", suffix=path.suffix)
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
                body = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                              rb"\g<1>" + stamp.encode() + rb"\2", body)
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, body)
    return out.getvalue()
