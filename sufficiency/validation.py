"""Human-readable summaries of a model's inputs (used by ``sufficiency validate``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import nomenclature as nc
from ._values import plural
from .config import ModelConfig
from .inputs import ModelInputs
from .io._common import Loaded

__all__ = [
    "summarise_table",
    "summarise_inputs",
    "capacity_behind_census",
    "load_section_inputs",
    "summarise_section_inputs",
]


def _by_ncy(frame: pd.DataFrame, year: int) -> str:
    sub = frame[frame[nc.YEAR] == year].groupby(nc.NCY)[nc.PUPILS].sum()
    return "  ".join(f"{nc.ncy_label(g)}={v:,.0f}" for g, v in sub.items())


def _years(lo: int, hi: int) -> str:
    """ ", years 2011-2022"; ", year 2014" for one year (not "2014-2014")."""
    return f", year {lo}" if lo == hi else f", years {lo}-{hi}"


def summarise_table(name: str, frame: pd.DataFrame) -> str:
    """Summarise one canonical table: rows, years, areas, and totals for first/last years."""
    lines = [f"{name}: {len(frame):,} rows"]
    if nc.YEAR in frame and len(frame):
        lines[0] += _years(int(frame[nc.YEAR].min()), int(frame[nc.YEAR].max()))
    if nc.AREA in frame:
        lines[0] += f", {plural(frame[nc.AREA].nunique(), 'area')}"
    if nc.KIND in frame and len(frame):
        kinds = ", ".join(f"{k}={n}" for k, n in frame[nc.KIND].value_counts().sort_index().items())
        lines[0] += f" [{kinds}]"
    if nc.PUPILS in frame and nc.NCY in frame and len(frame):
        for y in sorted({int(frame[nc.YEAR].min()), int(frame[nc.YEAR].max())}):
            lines.append(f"    {nc.academic_year_label(y)}: {_by_ncy(frame, y)}")
    elif nc.BIRTHS in frame and len(frame):
        tot = frame.groupby(nc.YEAR)[nc.BIRTHS].sum()
        if name == "births_nowcast":
            lines.append(
                "    "
                + "; ".join(
                    f"births to mid-{y} (nowcast from calendar year {y - 1}): {v:,.0f}"
                    for y, v in tot.items()
                )
            )
        else:
            lines.append(
                f"    births to mid-{tot.index[0]}: {tot.iloc[0]:,.0f}; to "
                f"mid-{tot.index[-1]}: {tot.iloc[-1]:,.0f}"
            )
    elif nc.CAPACITY in frame and len(frame):
        by = frame.groupby(nc.PHASE).agg(
            schools=(nc.SCHOOL, "nunique"), capacity=(nc.CAPACITY, "sum"), roll=(nc.ROLL, "sum")
        )
        for ph, r in by.iterrows():
            lines.append(
                f"    {ph}: {int(r.schools)} schools, capacity {r.capacity:,.0f}, roll {r.roll:,.0f}"
            )
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
    out = [
        f"Model: {cfg.name} ({cfg.authority}), {len(cfg.areas)} planning areas "
        f"({len(cfg.areas_of_phase('primary'))} primary, "
        f"{len(cfg.areas_of_phase('secondary'))} secondary)"
    ]
    part: dict[str, list] = {}
    for a in cfg.areas:
        if a.year_groups:
            part.setdefault(
                f"{a.phase} {nc.NCY_LABELS[a.ncys[0]]}-{nc.NCY_LABELS[a.ncys[-1]]}", []
            ).append(a)
    for what, group in sorted(part.items()):
        codes = [a.code for a in group]
        rec = sum(1 for a in group if a.intake_from)
        out.append(
            f"    {plural(len(codes), what + ' area')} (year_groups): "
            f"{', '.join(codes)}" + (f"; {rec} recruit their entry (intake_from)" if rec else "")
        )
    for name, frame in inputs.tables().items():
        if name == "authority_pupils":
            # its table shows every year: not its first and last years again above it (a
            # Warwickshire trial read them twice)
            out.append(summarise_table(name, frame).splitlines()[0])
            out.append(authority_table(frame))
        else:
            out.append(summarise_table(name, frame))
    out.append("Sources:")
    for p in inputs.provenance:
        out.append(f"    {p.table}: {p.path} ({p.kind}; {p.publisher})")
    for n in inputs.notes:
        out.append(f"Note: {n}")
    return "\n".join(out)


def capacity_behind_census(inputs: ModelInputs) -> list[str]:
    """One line per phase whose pupils in the latest census exceed the capacity data's places
    by more than :data:`~sufficiency.capacity.CAPACITY_BEHIND_TOLERANCE`: the capacity on
    record is out of date, and every shortfall against it overstated. The report says so;
    ``validate`` said "No problems found" of it (a Telford and Wrekin trial: 13,812 secondary
    pupils in 2022/23 against 13,035 places of 2014/15)."""
    from .capacity import CAPACITY_BEHIND_TOLERANCE, PLACE_PHASE

    census, cap = inputs.authority_pupils, inputs.capacity
    if census is None or cap is None or census.empty or cap.empty:
        return []
    year = int(census[nc.YEAR].max())
    now = census[census[nc.YEAR] == year]
    places = cap.groupby(cap[nc.PHASE].map(lambda p: PLACE_PHASE.get(p, p)))[nc.CAPACITY].sum()
    cap_year = (
        pd.to_numeric(cap[nc.YEAR], errors="coerce").max() if nc.YEAR in cap else float("nan")
    )
    of = f" of {nc.academic_year_label(int(cap_year))}" if pd.notna(cap_year) else ""
    src = inputs.capacity_file
    out = []
    for phase, lo, hi in (("primary", 0, 6), ("secondary", 7, 13)):
        pupils = float(now.loc[now[nc.NCY].between(lo, hi), nc.PUPILS].sum())
        have = float(places.get(phase, 0.0))
        if have > 0 and pupils > have * (1 + CAPACITY_BEHIND_TOLERANCE):
            out.append(
                f"capacity: the {nc.academic_year_label(year)} census counts {pupils:,.0f} "
                f"{phase} pupils ({nc.ncy_label(lo)}-{nc.ncy_label(hi)}) against the "
                f"{have:,.0f} {phase} places{of} in {src} ({pupils / have - 1:.1%} more "
                "pupils than places): the capacity on record is likely out of date, so every "
                "shortfall against it is overstated; give current capacity ([data] capacity) "
                "before relying on the plan"
            )
    return out


def load_section_inputs(config: ModelConfig) -> dict[str, Loaded]:
    """Read the files the model's ``[send]``, ``[early_years]``, ``[plan]`` and ``[report]``
    sections name (EHC plans, ONS population, early years take-up, DfE scorecards and cost
    benchmarks), each with its reader, so that a bad file fails validation, not a later run.

    Files are resolved as the parts that use them resolve them; a section absent from the
    model is not read. Raises the reader's :class:`~sufficiency.exceptions.SchemaError`.
    """
    from .early_years import _population_path
    from .io.early_years import read_early_years_takeup, read_ons_population
    from .io.scorecards import read_cost_benchmarks, read_scorecards
    from .send import _SEN2_FILES

    out: dict[str, Loaded] = {}
    default_dir = config.data["pupils"].path.parent
    send, ey = config.section("send"), config.section("early_years")
    if "send" in config.raw:
        from .io.sen2 import read_sen2_age, read_sen2_caseload, read_sen2_needs

        files = dict(send.get("files", {}))
        for key, reader in (
            ("age", read_sen2_age),
            ("caseload", read_sen2_caseload),
            ("needs", read_sen2_needs),
        ):
            path = config.resolve(files[key]) if key in files else default_dir / _SEN2_FILES[key]
            out[f"ehc_plans ({key})"] = reader(path, authorities=[config.authority])
    if "send" in config.raw or "early_years" in config.raw:
        out["population"] = read_ons_population(_population_path(config))
    if "early_years" in config.raw:
        path = (
            config.resolve(ey["takeup"])
            if "takeup" in ey
            else default_dir / "early_years_funded_takeup_2016_2019.csv"
        )
        out["early_years_takeup"] = read_early_years_takeup(path, authorities=[config.authority])
    if "plan" in config.raw:
        out["cost_benchmarks"] = read_cost_benchmarks(
            config.scorecards_folder("plan"), config.authority
        )
    if "report" in config.raw:  # the folder the report reads ([plan]'s if it names none)
        out["scorecards"] = read_scorecards(config.scorecards_folder("report"))
    return out


def summarise_section_inputs(loaded: dict[str, Loaded]) -> str:
    """One line per file read by :func:`load_section_inputs`: rows, years and the file."""
    lines = []
    for name, item in loaded.items():
        years = sorted({y for p in item.provenance for y in p.years})
        span = _years(years[0], years[-1]) if years else ""
        if years and name.startswith("ehc_plans"):
            # academic years, as the engine keys them; the DfE's files count each in January
            # (a Walsall trial read "2009-2021" against the docs' January 2010-2022); one
            # year once (a Shropshire trial read "2024/25-2024/25 (January 2025-2025 counts)")
            span = (
                f", academic years {nc.academic_year_label(years[0])}-"
                f"{nc.academic_year_label(years[-1])} (January {years[0] + 1}-{years[-1] + 1} "
                "counts)"
                if years[0] != years[-1]
                else f", academic year {nc.academic_year_label(years[0])} (January "
                f"{years[0] + 1} count)"
            )
        files = sorted({Path(p.path).name for p in item.provenance})
        shown = ", ".join(files[:3]) + (f" (+{len(files) - 3} more)" if len(files) > 3 else "")
        lines.append(f"{name}: {len(item.data):,} rows{span} <- {shown}")
    return "\n".join(lines)
