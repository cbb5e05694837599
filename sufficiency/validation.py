"""Human-readable summaries of a model's inputs (used by ``sufficiency validate``)."""

from __future__ import annotations

import pandas as pd

from . import nomenclature as nc
from .inputs import ModelInputs

__all__ = ["summarise_table", "summarise_inputs"]


def _by_ncy(frame: pd.DataFrame, year: int) -> str:
    sub = frame[frame[nc.YEAR] == year].groupby(nc.NCY)[nc.PUPILS].sum()
    return "  ".join(f"{nc.ncy_label(g)}={v:,.0f}" for g, v in sub.items())


def summarise_table(name: str, frame: pd.DataFrame) -> str:
    """Summarise one canonical table: rows, years, areas, and totals for first/last years."""
    lines = [f"{name}: {len(frame):,} rows"]
    if nc.YEAR in frame and len(frame):
        lines[0] += f", years {frame[nc.YEAR].min()}-{frame[nc.YEAR].max()}"
    if nc.AREA in frame:
        lines[0] += f", {frame[nc.AREA].nunique()} area(s)"
    if nc.KIND in frame and len(frame):
        kinds = ", ".join(f"{k}={n}" for k, n in frame[nc.KIND].value_counts().sort_index().items())
        lines[0] += f" [{kinds}]"
    if nc.PUPILS in frame and nc.NCY in frame and len(frame):
        for y in sorted({int(frame[nc.YEAR].min()), int(frame[nc.YEAR].max())}):
            lines.append(f"    {nc.academic_year_label(y)}: {_by_ncy(frame, y)}")
    elif nc.BIRTHS in frame and len(frame):
        tot = frame.groupby(nc.YEAR)[nc.BIRTHS].sum()
        lines.append(
            f"    births to mid-{tot.index[0]}: {tot.iloc[0]:,.0f}; to mid-{tot.index[-1]}: "
            f"{tot.iloc[-1]:,.0f}"
        )
    elif nc.CAPACITY in frame and len(frame):
        by = frame.groupby(nc.PHASE).agg(schools=(nc.SCHOOL, "nunique"), capacity=(nc.CAPACITY, "sum"),
                                         roll=(nc.ROLL, "sum"))
        for ph, r in by.iterrows():
            lines.append(f"    {ph}: {int(r.schools)} schools, capacity {r.capacity:,.0f}, roll {r.roll:,.0f}")
    return "\n".join(lines)


def authority_table(frame: pd.DataFrame) -> str:
    """Authority pupils by academic year (rows) and year group (columns), R-Y13."""
    sub = frame[(frame[nc.NCY] >= 0) & (frame[nc.NCY] <= 13)]
    wide = sub.pivot_table(index=nc.YEAR, columns=nc.NCY, values=nc.PUPILS, aggfunc="sum")
    wide.index = [nc.academic_year_label(y) for y in wide.index]
    wide.columns = [nc.ncy_label(g) for g in wide.columns]
    text = wide.to_string(float_format=lambda v: f"{v:,.0f}")
    return "    authority pupils by year group (January census):\n" + "\n".join(
        "    " + line for line in text.splitlines()
    )


def summarise_inputs(inputs: ModelInputs) -> str:
    """Summarise every table of a model's inputs, then its provenance and notes."""
    cfg = inputs.config
    out = [f"Model: {cfg.name} ({cfg.authority}), {len(cfg.areas)} planning areas "
           f"({len(cfg.areas_of_phase('primary'))} primary, "
           f"{len(cfg.areas_of_phase('secondary'))} secondary)"]
    for name, frame in inputs.tables().items():
        out.append(summarise_table(name, frame))
        if name == "authority_pupils":
            out.append(authority_table(frame))
    out.append("Sources:")
    for p in inputs.provenance:
        out.append(f"    {p.table}: {p.path} ({p.kind}; {p.publisher})")
    for n in inputs.notes:
        out.append(f"Note: {n}")
    return "\n".join(out)
