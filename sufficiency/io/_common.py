"""Shared reading machinery: safe CSV loading with line numbers, and provenance records."""

from __future__ import annotations

import csv
import hashlib
import io as _io
import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import SchemaError
from ..schema import raise_rows_error, readable_numbers

__all__ = [
    "Provenance",
    "read_csv_checked",
    "require_columns",
    "sha256_of",
    "Loaded",
    "check_codes",
    "GSS_CODE",
    "OLD_LA_CODE",
    "PA_CODE",
    "DFE_MARKERS",
    "DFE_MARKERS_ALL",
    "marker_mask",
    "numeric_with_markers",
    "warn_rows",
    "warn_not_whole",
    "warn_implausible_births",
    "note_capacity_lines",
    "canonical_columns",
]

#: ONS GSS geography code (E10000034, E07000237, E92000001, ...)
GSS_CODE = r"[EWSN]\d{8}"
#: DfE old (three-digit) local authority number
OLD_LA_CODE = r"\d{3}(\.0)?"
#: DfE planning-area code (LA number + 4 digits, e.g. 8850031)
PA_CODE = r"\d{7}(\.0)?"

#: DfE symbols for "no figure": x not available, c confidential (suppressed), z not applicable
DFE_MARKERS = ("x", "c", "z")
#: the same with u (low reliability), ":" and ".." (not available) and "low" (rounds to zero)
DFE_MARKERS_ALL = DFE_MARKERS + ("u", ":", "..", "low")

logger = logging.getLogger(__name__)


def note_capacity_lines(data: pd.DataFrame, source: str, schools, phases, lines) -> None:
    """Keep the file and each (school, phase) row's line in ``data.attrs`` (``source``,
    ``lines``), so that checks made after reading (capacity 0 with pupils on roll, a school in
    an area of another phase) name them."""
    data.attrs["source"] = source
    data.attrs["lines"] = {(str(s), str(p)): int(n) for s, p, n in zip(schools, phases, lines)}


def marker_mask(values: pd.Series, markers: Iterable[str] = DFE_MARKERS) -> np.ndarray:
    """Where a published column holds one of ``markers`` (case and spaces ignored)."""
    s = values.astype("string").str.strip().str.lower()
    return s.isin(list(markers)).fillna(False).to_numpy(dtype=bool)


def numeric_with_markers(
    raw: pd.DataFrame,
    column: str,
    source: str,
    expected: str,
    *,
    noun: str = "value",
    unit: str = "",
    markers: Iterable[str] = DFE_MARKERS,
) -> tuple[np.ndarray, int]:
    """A published column as numbers >= 0, its DfE ``markers`` read as missing (NaN).

    Raises a :class:`SchemaError` naming the rows for a value that is neither a number nor a
    marker ("non-numeric {noun}", expected "{expected}{unit} or a DfE marker (...)") and for a
    negative one ("negative {noun}", expected "{expected} >= 0"). Blank cells stay NaN.

    Returns
    -------
    (ndarray, int)
        The values, and how many cells held a marker.
    """
    markers = tuple(markers)
    s = pd.Series(readable_numbers(raw[column].astype("string").str.strip()), dtype="string")
    marker = marker_mask(s, markers)
    num = pd.to_numeric(s.where(~marker), errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(num) & s.notna().to_numpy(dtype=bool) & ~marker
    if bad.any():
        raise_rows_error(
            source,
            column,
            raw,
            bad,
            f"non-numeric {noun}",
            f"{expected}{unit} or a DfE marker ({', '.join(markers)})",
        )
    neg = num < 0
    if neg.any():
        raise_rows_error(source, column, raw, neg, f"negative {noun}", f"{expected} >= 0")
    return num, int(marker.sum())


@dataclass(frozen=True)
class Provenance:
    """Where a table came from: file, checksum, years covered and how it was made.

    Attributes
    ----------
    table : str
        Canonical table name (``"pupils"``, ``"births"``, ...).
    path : str
        File read (as given).
    sha256 : str
        SHA-256 of the file's bytes.
    reader : str
        Reader function used.
    rows : int
        Rows in the canonical table.
    years : tuple of int
        First and last year covered (empty if not applicable).
    kind : str
        ``"actual"`` for published statistics, ``"derived"`` for values the engine computed
        from them (e.g. planning-area history apportioned from authority totals),
        ``"projected"`` for a supplied births projection, ``"trajectory"`` for a housing
        trajectory (completions the authority expects, with any past ones).
    publisher : str
        Publisher and series, e.g. ``"DfE, Schools, pupils and their characteristics"``.
    note : str
        Anything a reader of the results must know (filters applied, derivations).
    """

    table: str
    path: str
    sha256: str
    reader: str
    rows: int
    years: tuple[int, ...] = ()
    kind: str = "actual"
    publisher: str = ""
    note: str = ""

    def to_dict(self) -> dict:
        d = asdict(self)
        d["years"] = list(self.years)
        return d


@dataclass(frozen=True)
class Loaded:
    """A canonical table and its provenance."""

    data: pd.DataFrame
    provenance: tuple[Provenance, ...] = field(default_factory=tuple)


def sha256_of(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


#: the first bytes of an Excel workbook: xlsx (a zip archive) and the older xls (OLE2); any
#: reader's file saved as a workbook (a .csv name included) is said to be one, not "binary"
#: (a Telford and Wrekin trial's offers)
_WORKBOOK_MAGIC = (
    (b"PK\x03\x04", "an Excel workbook (xlsx)"),
    (b"\xd0\xcf\x11\xe0", "an Excel workbook (xls)"),
)


def read_csv_checked(
    path: str | Path, *, dtype=str, columns: Iterable[str] | None = None, **kwargs
) -> pd.DataFrame:
    """Read a CSV exactly as published, with a ``_line`` column of file line numbers.

    All columns are read as text (``dtype=str``) so that each reader converts and validates
    them explicitly; the BOM of Excel-saved files is handled, and rows of nothing but
    separators are dropped. ``columns``: the reader's column names, matched whatever their
    case and spacing in the file (:func:`canonical_columns`).

    Raises
    ------
    SchemaError
        If the file does not exist, is empty, is binary or is not parseable CSV.
    """
    p = Path(path)
    if not p.exists():
        raise SchemaError(f"{p}: file not found.")
    if p.is_dir():
        raise SchemaError(f"{p}: is a directory; expected a CSV file.")
    raw = p.read_bytes()
    if not raw.strip():
        raise SchemaError(f"{p}: the file is empty; expected a CSV file with a header row.")
    for magic, what in _WORKBOOK_MAGIC:
        if raw.startswith(magic):
            raise SchemaError(
                f"{p}: is {what}, not a CSV file"
                + (" (a workbook with a .csv name)" if p.suffix.lower() == ".csv" else "")
                + "; expected a comma-separated text file. Open it in Excel and use File > "
                "Save As > 'CSV UTF-8 (Comma delimited)' (or 'CSV (Comma delimited)'), then "
                "give that file."
            )
    if b"\x00" in raw[:8192]:
        raise SchemaError(f"{p}: looks like a binary file (NUL bytes); expected a CSV text file.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as exc:  # pragma: no cover - cp1252 decodes almost anything
            raise SchemaError(f"{p}: not a text file ({exc}); expected a UTF-8 CSV file.") from exc
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    if "sep" not in kwargs and "delimiter" not in kwargs:
        for sep, name in ((";", "semicolon"), ("\t", "tab")):
            if header.count(sep) > header.count(","):
                raise SchemaError(
                    f"{p}: line 1 looks {name}-separated ({header.strip()[:80]!r}); expected a "
                    "comma-separated CSV file. Save it again as CSV (comma delimited)."
                )
    try:
        frame = pd.read_csv(
            _io.StringIO(text), dtype=dtype, keep_default_na=True, skipinitialspace=True, **kwargs
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeError) as exc:
        detail = " ".join(str(exc).split())  # pandas' message spans lines; keep it on one
        raise SchemaError(
            f"{p}: cannot be parsed as CSV ({detail}); expected a comma-separated "
            "file with the same number of fields on every line."
        ) from exc
    if frame.empty:
        raise SchemaError(f"{p}: has a header but no data rows.")
    frame.columns = [str(c).strip() for c in frame.columns]
    frame["_line"] = _record_lines(text, len(frame))
    # rows of nothing but separators (",,,": what a spreadsheet saves below its data) say
    # nothing: drop them, as pandas drops wholly blank lines
    data_cols = [c for c in frame.columns if c != "_line"]
    empty = (
        frame[data_cols]
        .apply(lambda c: c.isna() | (c.astype("string").str.strip() == ""))
        .all(axis=1)
        .to_numpy(dtype=bool)
    )
    if empty.any():
        if empty.all():
            raise SchemaError(f"{p}: has a header but no data rows (only empty rows).")
        logger.info("%s: %d empty row(s) (only separators) ignored", p, int(empty.sum()))
        frame = frame.loc[~empty].reset_index(drop=True)
    if columns is not None:
        canonical_columns(frame, columns, str(p))
    return frame


def canonical_columns(frame: pd.DataFrame, names: Iterable[str], source: str) -> None:
    """Rename in place the columns that spell one of ``names`` another way (``"Pupils"``,
    ``"NCY"``, ``"From Area"`` for ``pupils``, ``ncy``, ``from_area``): case, spaces and
    hyphens ignored. A name already present, or matched by two columns, is left alone (the
    reader's own checks then name the columns found)."""

    def key(c: str) -> str:
        return "_".join(str(c).strip().lower().replace("-", " ").split())

    present = set(frame.columns)
    renames = {}
    for name in names:
        if name in present:
            continue
        found = [c for c in frame.columns if c != "_line" and key(c) == name]
        if len(found) == 1 and found[0] not in renames:
            renames[found[0]] = name
    if renames:
        logger.info(
            "%s: column(s) read as %s",
            source,
            ", ".join(f"{a!r} -> {b!r}" for a, b in renames.items()),
        )
        frame.columns = [renames.get(c, c) for c in frame.columns]


def _record_lines(text: str, n: int) -> list[int]:
    """The file line on which each of the ``n`` data records starts, counting the blank lines
    that pandas skips and the lines a quoted field spans; data row i (0-based) on line i + 2
    (the header is line 1) when the records cannot be matched one to one."""
    plain = list(range(2, n + 2))
    starts = []
    reader = csv.reader(_io.StringIO(text))
    end = 0
    try:
        for row in reader:
            start, end = end + 1, reader.line_num
            if row and any(v.strip() for v in row) or (row and len(row) > 1):
                starts.append(start)
    except csv.Error:  # what pandas reads but the csv module does not (a huge field, say)
        return plain
    starts = starts[1:]  # the header
    return starts if len(starts) == n else plain


def require_columns(frame: pd.DataFrame, columns: Iterable[str], source: str, what: str) -> None:
    """Raise a :class:`SchemaError` listing any of ``columns`` missing from ``frame``."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        found = [c for c in frame.columns if c != "_line"]
        raise SchemaError(
            f"{source}: missing column(s) {', '.join(map(repr, missing))}; this does not look like "
            f"{what}. Found columns: {', '.join(map(repr, found[:20]))}"
            f"{' ...' if len(found) > 20 else ''}."
        )


def check_codes(
    frame: pd.DataFrame,
    column: str,
    source: str,
    pattern: str,
    what: str,
    *,
    allow_missing: bool = False,
) -> None:
    """Raise a :class:`SchemaError` for area codes in ``column`` not of the form ``pattern``.

    A code that is not even well formed (``"ZZ-99"`` for an ONS code) cannot name any area;
    the error lists the rows, as every reader does.
    """
    from ..schema import raise_rows_error  # local: schema imports nothing from io

    values = frame[column].astype("string").str.strip()
    missing = values.isna() | (values == "")
    ok = values.str.fullmatch(pattern).fillna(False).astype(bool)
    bad = ~ok & (~missing if allow_missing else True)
    bad = bad.to_numpy(dtype=bool)
    if bad.any():
        raise_rows_error(source, column, frame, bad, "unknown area code", what)


def warn_rows(
    source: str,
    column: str,
    frame: pd.DataFrame,
    mask: np.ndarray,
    problem: str,
    consequence: str,
    *,
    value_column: str | None = None,
    stacklevel: int = 3,
) -> None:
    """Issue a :class:`DataQualityWarning` naming the file, column, lines and values of rows.

    For values that are possible but implausible: the rows are kept as they are.
    """
    import warnings

    from ..exceptions import DataQualityWarning

    mask = np.asarray(mask, dtype=bool)
    n = int(mask.sum())
    if not n:
        return
    rows = frame.loc[mask]
    col = value_column or column
    shown = rows.head(5)
    if "_line" in rows.columns:
        where = "line(s) " + ", ".join(str(int(x)) for x in shown["_line"])
    else:
        where = "row(s) " + ", ".join(str(i) for i in shown.index)
    vals = (
        ", ".join(
            f"{v:g}" if isinstance(v, (int, float, np.number)) else repr(v)
            for v in shown[col].tolist()
        )
        if col in rows.columns
        else ""
    )
    more = " ..." if n > 5 else ""
    warnings.warn(
        f"{source}: column {column!r}: {problem} in {n} row(s) ({where}{more}; value(s) "
        f"{vals}{more}); {consequence}",
        DataQualityWarning,
        stacklevel=stacklevel,
    )


#: what a count that is not whole may be, by what it counts (the warning's last words)
_NOT_WHOLE = {
    "pupils": "expected a headcount (whole pupils); the values are used as they are: check for "
    "a full-time-equivalent (FTE) column or a typing error",
    "dwellings": "expected completions of whole dwellings; the values are used as they are: "
    "check for a site's dwellings split over years or areas, an average, or a "
    "typing error",
}


def warn_not_whole(
    frame: pd.DataFrame,
    column: str,
    source: str,
    *,
    label: str | None = None,
    rows: np.ndarray | None = None,
    counts: str = "pupils",
) -> None:
    """Warn about counts that are not whole numbers (``6000.5`` in a headcount, ``12.5``
    dwellings completed), naming the file, column, lines and values.

    ``frame[column]`` holds numbers or their text as read (thousands separators allowed);
    ``rows`` limits the check (e.g. to observed rows: derived and apportioned counts are
    fractional by construction); ``counts`` is what the column counts, ``"pupils"`` or
    ``"dwellings"``.
    """
    v = pd.to_numeric(readable_numbers(frame[column]), errors="coerce").to_numpy(dtype=float)
    frac = np.isfinite(v) & (np.abs(v - np.round(v)) > 1e-9)
    if rows is not None:
        frac &= np.asarray(rows, dtype=bool)
    warn_rows(
        source,
        label or column,
        frame,
        frac,
        f"count of {counts} not a whole number",
        _NOT_WHOLE[counts],
        value_column=column,
        stacklevel=4,
    )


def warn_implausible_births(
    frame: pd.DataFrame,
    source: str,
    *,
    area: str = "area",
    year: str = "year",
    births: str = "births",
    label: str | None = None,
    areas: Iterable[str] | None = None,
) -> None:
    """Warn about births of 0 inside an area's series, or above 10 times its median.

    ``frame`` holds one row per area and year (with ``_line`` where the reader kept it);
    ``areas`` limits the check to the areas a model uses.
    """
    f = frame
    if areas is not None:
        f = f.loc[f[area].isin(list(areas))]
    if f.empty:
        return
    b = pd.to_numeric(f[births], errors="coerce")
    med = b.groupby(f[area]).transform("median")
    nonzero = (b > 0).groupby(f[area]).transform("any")
    zero = ((b == 0) & nonzero).to_numpy(dtype=bool)
    warn_rows(
        source,
        label or births,
        f,
        zero,
        "0 births in a year of a series that has births in other years",
        "a missing figure written as 0? It is used as 0, and lowers Reception 4 years on",
        value_column=births,
        stacklevel=4,
    )
    huge = ((med > 0) & (b > 10 * med)).to_numpy(dtype=bool)
    if huge.any():
        where = f.loc[huge]
        meds = ", ".join(f"{a}: {m:,.0f}" for a, m in zip(where[area].head(3), med[huge].head(3)))
        warn_rows(
            source,
            label or births,
            f,
            huge,
            f"births more than 10 times the median of their series (median {meds})",
            "a typing error? They are used as they are",
            value_column=births,
            stacklevel=4,
        )
