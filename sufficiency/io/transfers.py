"""Reader for an authority's transfer shares or counts between planning areas.

An authority with admissions or census records knows where each area's Year 6 pupils went
on to (Year 7 of which secondary area; Year 4 of a first-school area to Year 5, Year 8 of a
middle-school area to Year 9). ``[data] transfers = { path = "transfers.csv", reader =
"transfers" }`` gives them for every area at once instead of a ``transfer`` table per
``[[areas]]`` entry.

Columns: ``from_area, to_area`` and either ``share`` (a fraction of the sending area's last
year group, summing to 1 over its rows) or ``pupils`` (counts of pupils who moved, turned into
shares by the sending area's total), with an optional ``year`` (the academic year the pupils
moved in: counts are summed over the years kept).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import SchemaError
from ..schema import raise_rows_error, readable_numbers
from ._common import (
    Loaded,
    Provenance,
    read_csv_checked,
    require_columns,
    sha256_of,
    warn_not_whole,
)

__all__ = ["read_transfers"]


def read_transfers(path: str | Path, *, years: int | None = None) -> Loaded:
    """Read transfer shares (or counts) between planning areas.

    Parameters
    ----------
    path : path-like
        CSV with ``from_area, to_area`` and ``share`` or ``pupils`` (optional ``year``).
    years : int, optional
        With counts by ``year``: only the latest ``years`` years are summed (all by default).

    Returns
    -------
    Loaded
        ``from_area, to_area, share, pupils, lines`` (``pupils`` NaN for shares; ``lines``
        the file lines behind the row, as text), one row per pair with a share > 0, sorted.

    Raises
    ------
    SchemaError
        A missing column, both or neither of ``share`` and ``pupils``, an empty or repeated
        pair, a share outside [0, 1] or shares of an area not summing to 1, a negative or
        non-numeric count, an area whose counts are all 0, ``years`` without ``year``.
    """
    source = str(path)
    raw = read_csv_checked(path, columns=["from_area", "to_area", "share", "pupils", "year"])
    require_columns(
        raw,
        ["from_area", "to_area"],
        source,
        "a transfers file (from_area, to_area, share or pupils)",
    )
    has = [c for c in ("share", "pupils") if c in raw.columns]
    if len(has) != 1:
        raise SchemaError(
            f"{source}: line 1 (header): "
            + ("both 'share' and 'pupils'" if has else "neither 'share' nor 'pupils'")
            + "; expected one of them: shares of each from_area's pupils (summing to 1) or "
            "counts of pupils who moved (turned into shares)."
        )
    value = has[0]
    for col in ("from_area", "to_area"):
        s = raw[col].astype("string").str.strip()
        bad = (s.isna() | (s == "")).to_numpy(dtype=bool)
        if bad.any():
            raise_rows_error(source, col, raw, bad, "missing area code", "a planning-area code")
        raw[col] = s.str.replace(r"\.0$", "", regex=True)
    v = pd.to_numeric(readable_numbers(raw[value]), errors="coerce")
    bad = (v.isna() & raw[value].notna()).to_numpy(dtype=bool) | raw[value].isna().to_numpy(
        dtype=bool
    )
    if bad.any():
        # percentages typed as such (a Dudley trial's "20%"): say what to write
        pct = (
            value == "share"
            and raw.loc[bad, value]
            .astype("string")
            .str.fullmatch(r"\s*\d+(?:\.\d*)?\s*%\s*")
            .fillna(False)
            .all()
        )
        raise_rows_error(
            source,
            value,
            raw,
            bad,
            "missing or non-numeric value",
            "a share in [0, 1]" if value == "share" else "a count of pupils >= 0",
            "Write shares as fractions: 0.2 for 20%." if pct else "",
        )
    raw[value] = v.astype(float)
    keys = ["from_area", "to_area"]
    if "year" in raw.columns:
        y = pd.to_numeric(readable_numbers(raw["year"], "year"), errors="coerce")
        bad = (y.isna() | (y % 1 != 0) | (y < 1990) | (y > 2100)).to_numpy(dtype=bool)
        if bad.any():
            raise_rows_error(
                source,
                "year",
                raw,
                bad,
                "not an academic year",
                "the year the pupils moved in, as its start (2021 for 2021/22)",
            )
        raw["year"] = y.astype(int)
        keys.append("year")
        if value == "share":
            raise SchemaError(
                f"{source}: line 1 (header): 'year' with 'share'; expected 'year' "
                "only with counts ('pupils'), which are summed over the years"
            )
    elif years is not None:
        raise SchemaError(
            f"{source}: years = {years} in the model, but the file has no 'year' "
            "column; expected a 'year' column with the counts, or no years"
        )
    dup = raw.duplicated(keys, keep=False).to_numpy()
    if dup.any():
        raise_rows_error(
            source,
            "to_area",
            raw,
            dup,
            "the same pair more than once",
            f"one row per {', '.join(keys)}",
        )
    lo, hi = (0.0, 1.0) if value == "share" else (0.0, np.inf)
    bad = ((raw[value] < lo) | (raw[value] > hi)).to_numpy(dtype=bool)
    if bad.any():
        pct = value == "share" and bool(
            ((raw.loc[bad, value] > 1) & (raw.loc[bad, value] <= 100)).all()
        )
        raise_rows_error(
            source,
            value,
            raw,
            bad,
            "out of range",
            "a share in [0, 1]" if value == "share" else "a count of pupils >= 0",
            "If these are percentages, divide them by 100 (80 -> 0.8), or give "
            "counts of pupils in a 'pupils' column."
            if pct
            else "",
        )
    if value == "pupils":
        warn_not_whole(raw, value, source)
    kept = raw
    span: tuple[int, ...] = ()
    if "year" in raw.columns:
        last = sorted(raw["year"].unique())
        keep = last[-years:] if years else last
        kept = raw[raw["year"].isin(keep)]
        span = (int(keep[0]), int(keep[-1]))
    kept = kept.assign(_line=kept["_line"].astype(str))
    g = (
        kept.groupby(["from_area", "to_area"], sort=True)
        .agg(value=(value, "sum"), lines=("_line", ", ".join))
        .reset_index()
    )
    total = g.groupby("from_area")["value"].transform("sum")
    if value == "share":
        off = g.loc[(total - 1).abs() > 1e-6].drop_duplicates("from_area")
        if len(off):
            r = off.iloc[0]
            raise SchemaError(
                f"{source}: column 'share': the shares of from_area {r['from_area']!r} (line(s) "
                f"{', '.join(g.loc[g['from_area'] == r['from_area'], 'lines'])}) sum to "
                f"{total[off.index[0]]:.4f}; expected 1"
            )
        g["share"], g["pupils"] = g["value"], np.nan
    else:
        zero = g.loc[total <= 0].drop_duplicates("from_area")
        if len(zero):
            r = zero.iloc[0]
            raise SchemaError(
                f"{source}: column 'pupils': from_area {r['from_area']!r} has no pupils moving "
                f"(line(s) {', '.join(g.loc[g['from_area'] == r['from_area'], 'lines'])}); "
                "expected a count > 0 for at least one to_area, or the area left out of the file"
            )
        g["share"], g["pupils"] = g["value"] / total, g["value"]
    out = g.loc[g["share"] > 0, ["from_area", "to_area", "share", "pupils", "lines"]]
    note = (
        f"transfer shares between planning areas, {'given' if value == 'share' else 'from counts of pupils'}"
        + (
            f" moving in {span[0]}-{span[1]}"
            if span and span[0] != span[1]
            else f" moving in {span[0]}"
            if span
            else ""
        )
    )
    prov = Provenance(
        "transfers",
        source,
        sha256_of(path),
        "read_transfers",
        len(out),
        span,
        "actual",
        "local authority",
        note,
    )
    return Loaded(out.reset_index(drop=True), (prov,))
