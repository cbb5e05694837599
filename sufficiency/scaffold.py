"""A starting model definition for an authority, written from the embedded public data.

``sufficiency new`` calls :func:`new_model_text`. The text it returns is a complete model
that loads, forecasts and plans as written: the authority's DfE planning areas from the SCAP
capacity file, the embedded data files, and neutral stand-ins (area names, districts, Year 6
transfer shares) for what the public data cannot say, each marked ``TODO`` for the analyst.
"""

from __future__ import annotations

import json
import logging
import os
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import nomenclature as nc
from ._values import closest_codes
from .config import EQUAL_SPLIT
from .exceptions import ConfigError
from .io._common import read_csv_checked, require_columns
from .io.births import read_district_lookup
from .io.scap import read_scap_capacity

__all__ = ["new_model_text", "authority_codes", "DATA_FILES"]

logger = logging.getLogger(__name__)

#: the embedded files a new model reads, by role (names as in ``models/worcestershire.toml``)
DATA_FILES = {
    "pupils": "census_pupils_by_ncy_2011_2022.csv",
    "births": "births_by_district_1992_2023.csv",
    "lookup": "district_to_la_west_midlands.csv",
    "capacity": "scap_2015_school_capacity.csv",
    "sen2_age": "ehcp_2022_sen2_age_caseload.csv",
    "sen2_caseload": "ehcp_2025_caseload.csv",
    "sen2_needs": "ehcp_2025_sen_needs_all_plans.csv",
    "population": "ons_mye_2011_single_year_of_age.csv",
    "takeup": "early_years_funded_takeup_2016_2019.csv",
    "scorecards": "school_places_scorecards",
}

#: a middle school, by its name: a fallback for middle schools coded as primary or secondary
#: schools (the SCAP file's phase codes do not tell them apart in every authority)
_MIDDLE = re.compile(r"\bMiddle\b")

#: SCAP ``Phase`` codes of middle schools (deemed primary, deemed secondary): schools with
#: places on both sides of Year 6/7, coded Years 5-8 by the capacity reader
_MIDDLE_PHASES = ("MP", "MS")

#: the docs section on three-tier areas
_THREE_TIER_DOCS = 'docs/model.md, "First-, middle- and high-school planning areas" and `tiers`'


@dataclass(frozen=True)
class Authority:
    """A local authority as the embedded census file names it."""

    old_la_code: int
    new_la_code: str
    name: str


def _toml_str(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, for what ``json.dumps`` writes)."""
    return json.dumps(str(value), ensure_ascii=False)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def authority_codes(census_path: str | Path) -> list[Authority]:
    """The authorities of the census file, with their old (DfE) and new (ONS) codes.

    Parameters
    ----------
    census_path : path-like
        ``census_pupils_by_ncy_2011_2022.csv`` (columns ``old_la_code``, ``new_la_code``,
        ``la_name``).

    Returns
    -------
    list of Authority
        One per old LA code, sorted by it; the name is that of the latest ``time_period``.

    Raises
    ------
    SchemaError
        If the file is missing or lacks those columns.
    """
    raw = read_csv_checked(census_path)
    require_columns(
        raw,
        ["time_period", "old_la_code", "new_la_code", "la_name"],
        str(census_path),
        "the DfE census file of pupils by year group",
    )
    raw = raw.dropna(subset=["old_la_code", "new_la_code"])
    raw = raw[raw["old_la_code"].str.strip().str.fullmatch(r"\d{3}")]
    raw = raw.sort_values(["old_la_code", "time_period", "_line"])
    latest = raw.groupby("old_la_code", sort=True).last()
    return [
        Authority(int(code), str(row["new_la_code"]).strip(), _one_line(row["la_name"]))
        for code, row in latest.iterrows()
    ]


def _resolve(la_code: str | int, authorities: list[Authority], census_path: Path) -> Authority:
    """The authority whose old or new code is ``la_code``, else a ConfigError listing them."""
    key = str(la_code).strip().upper()
    for a in authorities:
        if key in (str(a.old_la_code), a.new_la_code.upper()):
            return a

    def shown(a: Authority) -> str:
        return f"{a.old_la_code} or {a.new_la_code} ({a.name})"

    valid = ", ".join(shown(a) for a in authorities)
    # the authority meant, by its name or a code one digit off (a Dudley trial: "Dudley" and
    # E0800027 were told only the list of 14)
    names = {a.new_la_code: _plain_name(a.name) for a in authorities}
    names.update({str(a.old_la_code): _plain_name(a.name) for a in authorities})
    close = closest_codes(str(la_code).strip(), names, n=1)
    meant = [a for a in authorities if close and close[0] in (a.new_la_code, str(a.old_la_code))]
    near = f" (did you mean {shown(meant[0])}?)" if meant else ""
    raise ConfigError(
        f"unknown LA code {str(la_code)!r}{near}: not an old (DfE 3-digit) or new "
        f"(ONS) LA code in {census_path.name}; expected one of {valid}."
    )


def _data_path(data_dir: Path, out_dir: Path, file: str) -> str:
    """``file`` in ``data_dir`` as the model file in ``out_dir`` names it: relative when the
    two share a folder below the root (``../data/...`` for ``models/``), else absolute (a
    model written to /tmp got ``../../work/project/data/...``, right but hard to read)."""
    target = data_dir.resolve() / file
    out = out_dir.resolve()
    try:
        common = Path(os.path.commonpath([target, out]))
        rel = os.path.relpath(target, out)
    except ValueError:  # another drive (Windows): no relative path
        return target.as_posix()
    if common == Path(common.anchor):  # only the root in common
        return target.as_posix()
    return Path(rel).as_posix()


def _plain_name(name: str) -> str:
    """An ONS name in index form as it is said: "Herefordshire, County of" -> "Herefordshire"
    ("Bristol, City of" -> "Bristol"). A Herefordshire trial's model, report title and
    description read "Herefordshire, County of"."""
    m = re.fullmatch(r"(.+?),\s*(?:County|City|Borough) of", name.strip())
    return m.group(1) if m else name


def _namesakes(cap: pd.DataFrame, prim: list[str]) -> dict[str, str]:
    """Hints for primary areas coded by a secondary school's DfE number (LAEstab), where the
    authority codes them so: most of its primary areas match (Herefordshire's 14 of 14 are
    the high schools whose catchments they are, 8844004 Queen Elizabeth Humanities College,
    Bromyard; a trial found that only by searching the SCAP file). A few matches are a
    coincidence of numbering (Staffordshire: 6 of 64, primary area 8604002 of Newcastle and
    Fair Oak Academy, Rugeley), and give none."""
    sec = cap[cap[nc.PHASE] == "secondary"].drop_duplicates(nc.SCHOOL)
    by_code = {str(r[nc.SCHOOL]): r for _, r in sec.iterrows()}
    hits = {c: by_code[c] for c in prim if c in by_code}
    if not prim or len(hits) < 0.5 * len(prim):
        return {}
    return {
        c: (
            f"The code is the DfE number (LAEstab) of {_one_line(r.school_name)} "
            f"(secondary, planning area {r[nc.AREA]}): perhaps the area is that school's "
            "catchment."
        )
        for c, r in hits.items()
    }


def _comment(text: str, indent: str = "# ") -> list[str]:
    """``text`` as comment lines of at most 95 characters (long lists of codes and names)."""
    return textwrap.wrap(
        text,
        95,
        initial_indent="# ",
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _is_middle(cap: pd.DataFrame) -> pd.Series:
    """Which rows of the capacity table are middle schools' places.

    By the SCAP phase code first (``MP``/``MS``: the school has places on both sides of Year
    6/7, which the reader codes Years 5-6 and 7-8), whatever the school is called: a
    Staffordshire trial missed planning area 8607018 (Biddulph), whose middle schools are
    James Bateman Junior High School and Woodhouse Academy. A school named "Middle" counts
    too, for an authority that codes its middle schools as primary or secondary schools.
    """
    coded = (
        cap["scap_phase"].astype(str).isin(_MIDDLE_PHASES)
        if "scap_phase" in cap
        else pd.Series(False, index=cap.index)
    )
    return coded | cap["school_name"].astype(str).str.contains(_MIDDLE)


def _grammar_areas(cap: pd.DataFrame, sec: list[str]) -> list[str]:
    """Secondary areas with a school named a grammar school (the SCAP file does not say which
    schools are selective): a Warwickshire trial's starting model said nothing of the
    grammar schools of its Stratford and Alcester areas."""
    rows = cap[
        (cap[nc.PHASE] == "secondary")
        & cap[nc.AREA].isin(sec)
        & cap["school_name"].astype(str).str.contains(r"\bGrammar\b", case=False)
    ]
    return sorted(rows[nc.AREA].astype(str).unique())


#: a 14-19 school by its name: a studio school or college, or a university technical college (the SCAP
#: file codes them as secondary schools, places for Years 7-13)
_FOURTEEN_NINETEEN = re.compile(
    r"\bStudio (?:School|College)\b|\bUTC\b|\bUniversity Technical College\b|"
    r"\b14\s*-\s*19\b",
    re.IGNORECASE,
)


def _fourteen_nineteen(cap: pd.DataFrame, sec: list[str]) -> list[str]:
    """The studio schools and university technical colleges of the secondary areas, by their
    names, as ``"Walsall Studio School (3351003: 300 places, 167 on roll)"``. The SCAP file
    puts them in an ordinary secondary area with places for Years 7-13, so their spare places
    count against Year 7-9 demand they cannot meet: a Walsall trial's starting model said
    nothing of its studio school and its UTC, whose 480 places (132 on roll) sat in an 11-16
    area's spare places."""
    rows = cap[
        (cap[nc.PHASE] == "secondary")
        & cap[nc.AREA].isin(sec)
        & cap["school_name"].astype(str).str.contains(_FOURTEEN_NINETEEN)
    ]
    rows = rows.sort_values([nc.AREA, "school_name"])
    return [
        f"{_one_line(r.school_name)} ({r.area}: {r.capacity:,.0f} places, {r.roll:,.0f} on roll)"
        for r in rows.itertuples()
    ]


def _areas_hold(codes: list[str], one: str, many: str) -> str:
    """``"area 3351002 holds a grammar school"``, or ``"areas 1 and 2 hold grammar schools"``."""
    if len(codes) == 1:
        return f"area {codes[0]} holds {one}"
    return f"areas {', '.join(codes)} hold {many}"


def _school_hint(schools: pd.DataFrame) -> str:
    """The area's schools, largest roll first (up to three), as a hint for its name."""
    s = schools.sort_values([nc.ROLL, "school_name"], ascending=[False, True])
    named = [f"{_one_line(r.school_name)} ({r.roll:,.0f})" for r in s.itertuples()][:3]
    more = len(s) - len(named)
    tail = f" and {more} more" if more else ""
    return f"{', '.join(named)}{tail}"


def _header(
    auth: Authority, name: str, multi: bool, middle: list[str], choice: bool = True
) -> list[str]:
    lines = [
        f"# {name}: a starting model definition written by `sufficiency new {auth.old_la_code}`",
        "# from the embedded public data (see the data README for sources and the Open Government",
        "# Licence attribution). Every key is described in docs/model.md.",
        "#",
        "# It validates, forecasts and plans as written, but some of it is a neutral stand-in for",
        # not the word in capitals: this line is no stand-in, and every command counts the
        # comments that say it (a trial's model stayed a draft with this line alone left)
        "# what the public data cannot say, each marked by a to-do comment to delete once it is",
        "# replaced (every command lists the lines of those left):",
        "#   - area names: the SCAP file has codes only;",
    ]
    if choice:
        lines.append(
            "#   - Year 6 -> Year 7 transfer shares: no public data link primary and secondary areas;"
        )
    if multi:
        lines.append(
            '#   - the districts whose births feed each primary area (docs/model.md, "Which districts?");'
        )
    if middle:
        lines += _comment(
            f"  - three-tier areas (middle schools in {', '.join(middle)});", "#     "
        )
    lines += [
        "#   - [plan] first_year, local plan options, the report's key decision, and the SEND and",
        "#     early years assumptions (commented examples below).",
        "",
    ]
    return lines


def new_model_text(
    la_code: str | int, data_dir: str | Path, out_path: str | Path, name: str | None = None
) -> str:
    """The text of a starting model definition for one authority.

    The model has the authority's DfE planning areas (from the SCAP 2015 capacity file), reads
    the embedded data as ``models/worcestershire.toml`` does, and fills what public data do not
    give with neutral choices marked ``TODO``: area names from their codes, births from all the
    authority's districts, and each primary area's Year 6 split equally over the secondary
    areas (all of it to the one secondary area of an authority with one: no stand-in, no
    ``TODO``). It loads (``sufficiency validate``), forecasts and plans as written.

    Parameters
    ----------
    la_code : str or int
        The authority: its DfE 3-digit old LA code (``335``) or its ONS code (``"E08000030"``).
    data_dir : path-like
        Folder of the embedded data (``data/``).
    out_path : path-like
        Where the model will be written; its data paths are relative to this file's folder.
        Nothing is written here.
    name : str, optional
        ``[model] name``; default the authority's name in the census file, in the order it
        is said ("Herefordshire", not the ONS index form "Herefordshire, County of").

    Returns
    -------
    str
        The model definition (TOML), ending in a newline; the same inputs give the same text.

    Raises
    ------
    ConfigError
        If ``la_code`` is not an authority of the census file (the message lists them), or the
        authority has no schools in the SCAP file or no districts in the lookup.
    SchemaError
        If a data file is missing or unreadable.

    Notes
    -----
    With derived planning-area history (``pupils_by_area = { reader = "derived" }``) the
    transfer shares hardly change the forecast of cohorts already at school: each secondary
    area's Year 7 ratio is measured against its feeder sum, which the same shares make, so the
    shares cancel. They matter for cohorts not yet at school where the primary areas take their
    births from different districts (Worcestershire: up to 4.1% of a secondary area's pupils
    ten years on), and fully once the history is the authority's own census.

    Examples
    --------
    >>> text = new_model_text(335, "data", "models/walsall.toml")  # doctest: +SKIP
    """
    data_dir = Path(data_dir)
    out_dir = Path(out_path).parent
    needed = [DATA_FILES[r] for r in ("pupils", "births", "lookup", "capacity")]
    for file in needed:
        if not (data_dir / file).exists():
            raise ConfigError(
                f"{data_dir / file}: file not found; the data folder must be that of "
                f"the embedded data (with {', '.join(needed)})."
            )
    census = data_dir / DATA_FILES["pupils"]
    auth = _resolve(la_code, authority_codes(census), census)
    name = _one_line(name) if name and name.strip() else _plain_name(auth.name)

    lookup = read_district_lookup(data_dir / DATA_FILES["lookup"]).data
    mine = lookup[lookup[nc.AREA] == auth.new_la_code].sort_values(nc.DISTRICT)
    if mine.empty:
        raise ConfigError(
            f"{data_dir / DATA_FILES['lookup']}: no districts of {auth.name} "
            f"({auth.new_la_code}); its births cannot be read."
        )
    districts = [
        (str(r[nc.DISTRICT]), _one_line(r.get("district_name", ""))) for _, r in mine.iterrows()
    ]

    cap = read_scap_capacity(data_dir / DATA_FILES["capacity"], la_codes=[auth.old_la_code]).data
    prim = sorted(cap.loc[cap[nc.PHASE] == "primary", nc.AREA].unique())
    sec = sorted(cap.loc[cap[nc.PHASE] == "secondary", nc.AREA].unique())
    both = sorted(set(prim) & set(sec))
    if both:
        raise ConfigError(
            f"{data_dir / DATA_FILES['capacity']}: planning area(s) {', '.join(both)} of "
            f"{auth.name} hold both primary and secondary places under one code; "
            "write the model by hand (docs/model.md)."
        )
    middle = sorted(cap.loc[_is_middle(cap), nc.AREA].unique())
    multi = len(districts) > 1
    logger.info(
        "%s (%d, %s): %d primary and %d secondary planning areas, %d district(s), %d with "
        "middle schools",
        name,
        auth.old_la_code,
        auth.new_la_code,
        len(prim),
        len(sec),
        len(districts),
        len(middle),
    )

    def path(role: str) -> str:
        return _toml_str(_data_path(data_dir, out_dir, DATA_FILES[role]))

    lines = _header(auth, name, multi, middle, choice=len(sec) > 1)
    lines += [
        "[model]",
        f"name = {_toml_str(name)}",
        f"authority = {_toml_str(auth.new_la_code)}",
        '# authority_name = "..."  # the council\'s name in the report (default: name)',
        f"old_la_code = {auth.old_la_code}",
        f"description = {_toml_str(f'School place sufficiency for {name} (public data; a starting model)')}",
        "",
        "[data]",
        "# Authority pupils by year group, January census 2011/12-2022/23 (DfE, collated by the GLA).",
        f'pupils = {{ path = {path("pupils")}, reader = "census_ncy" }}',
        "# No public pupil history by planning area: derive it from the authority totals and the SCAP",
        '# 2015 rolls (labelled "derived" everywhere). With a school-level census extract write:',
        '#   pupils_by_area = { path = "school_census.csv", reader = "school_census" }',
        'pupils_by_area = { reader = "derived" }',
        f'births = {{ path = {path("births")}, reader = "ons_births" }}',
        "# Births after the file's last mid-year are projected by the engine (Holt's damped trend);",
        "# to use a projection such as ONS's instead (area = district code, year, births):",
        '#   births_projection = { path = "births_projection.csv" }',
        f'lookup = {{ path = {path("lookup")}, reader = "district_lookup" }}',
        f'capacity = {{ path = {path("capacity")}, reader = "scap", year = 2014 }}',
        "# Housing completions by planning area (none public): the housing component is zero until",
        '# one is given, e.g. housing = { path = "housing.csv" } (README, "the tidy CSV layout").',
        "# Next September's intake from admissions offers (area, year, ncy, pupils), which the",
        '# forecast then takes instead of its own there (docs/model.md, "A known intake"):',
        '#   intake = { path = "intake.csv", source = "offers at national offer day, x take-up" }',
        "",
        "[assumptions]",
        "horizon = 10          # years forecast beyond the last census",
        "margin = 0.02         # minimum surplus kept for parental preference and in-year moves",
        "surplus_target = 0.05 # soft target for spare places",
        "surplus_ceiling = 0.10",
        "seed = 20240101",
        "",
    ]
    lines += _areas(auth, cap, prim, sec, districts, middle)
    lines += _sections(path, prim, sec)
    return "\n".join(lines).rstrip("\n") + "\n"


def _areas(
    auth: Authority,
    cap: pd.DataFrame,
    prim: list[str],
    sec: list[str],
    districts: list[tuple[str, str]],
    middle: list[str],
) -> list[str]:
    """The ``[[areas]]`` entries, with the comments the analyst needs."""
    codes = [d for d, _ in districts]
    lines = [
        "# ---------------------------------------------------------------------------------------------",
        f"# Planning areas: the DfE's, from the SCAP 2015 capacity file ({len(prim)} primary, "
        f"{len(sec)} secondary).",
        "# Names (each area's name line below is marked to do): the SCAP file has codes only, so each",
        "# area is named by its code. Set the readable names (they appear in every output); the",
        "# schools listed above each area, largest roll first (May 2015), are a hint only.",
    ]
    if len(districts) > 1:
        lines += [
            "#",
            f"# Districts of {auth.name} ({auth.new_la_code}) in the lookup (choose from these):",
            *[f'#   "{d}"  {n}' for d, n in districts],
            "# Districts (each area's line below is marked to do): the public files do not link planning",
            "# areas to districts, so every primary area lists all of them (valid but crude: each",
            "# district's births are shared over all primary areas by roll). Give each area only the",
            '# districts most of its pupils live in (docs/model.md, "Which districts?").',
        ]
    if len(sec) == 1 and prim:
        lines += [
            "#",
            *_comment(
                f"Transfers: the authority has one secondary planning area, {sec[0]}, so every "
                "primary area's Year 6 goes on to it (a share of 1.0); nothing to choose. Pupils "
                "who leave for schools outside the authority are in the Year 7 ratio."
            ),
        ]
    elif sec and prim:
        lines += [
            "#",
            "# Transfers (each area's line below is marked to do): where each primary area's Year 6 goes",
            "# in Year 7 is not in public data.",
            "# A model with primary and secondary areas must give every primary area a `transfer`",
            '# (docs/model.md, "Transfers"), so each has transfer = "equal": its Year 6 in equal',
            "# shares to all the secondary areas. With derived history the shares hardly change the",
            "# forecast of cohorts already at school (the derived Year 7 history absorbs them: each",
            "# area's Year 7 ratio is measured against the same shares), but where primary areas take",
            "# births from different districts they change it for cohorts not yet at school (up to 4%",
            "# ten years on in Worcestershire); set them from admissions data, as a table",
            '# (transfer = { "<secondary code>" = 0.8, "<another>" = 0.2 }), or give [data.transfers],',
            "# when the history is the authority's own census.",
        ]
        grammar = _grammar_areas(cap, sec)
        if grammar:
            lines += [
                "#",
                *_comment(
                    f"TODO selective schools: {_areas_hold(grammar, 'a grammar school', 'grammar schools')} "
                    "(by their names; a selective school not so named is not found). A grammar school "
                    "recruits Year 7 from across the authority: give each primary area's `transfer` "
                    "its share to the grammar school's area beside its share to its local secondary "
                    'area (docs/model.md, "Selective (grammar) schools").'
                ),
            ]
    fourteen = _fourteen_nineteen(cap, sec)
    if fourteen:
        lines += [
            "#",
            *_comment(
                f"TODO studio schools and UTCs: {'; '.join(fourteen)} "
                f"{'recruits' if len(fourteen) == 1 else 'recruit'} at Year 10 or 12 (by "
                f"{'its name' if len(fourteen) == 1 else 'their names'}), but the SCAP file counts "
                f"{'its' if len(fourteen) == 1 else 'their'} places as Year 7-13 places of a "
                "secondary area, so that area's spare places for Years 7-9 may be overstated. Check "
                "each is still open; to plan it apart, give it an area of its own in a tidy capacity "
                "file (ncy_min = 10) with `year_groups = [10, 11, 12, 13]` and `intake_from` "
                '(docs/model.md, "First-, middle- and high-school planning areas").'
            ),
        ]
    if middle:
        lines += [
            "#",
            *_comment(
                f"TODO three-tier: areas {', '.join(middle)} hold middle schools (coded MP or MS in "
                'the SCAP file: places in Years 5-8; or "Middle" in their names). '
                'Every area is left two-tier here; set `tiers = "three_tier"` (and `tier_changes`, or '
                f"`year_groups` for areas of first, middle or high schools only) as {_THREE_TIER_DOCS} "
                "describe. For example:"
            ),
            '#   tiers = "three_tier"',
            '#   tier_changes = [{ year = 2027, tiers = "two_tier" }]  # a move to two tiers (example)',
        ]
    lines.append("")
    shares = bool(sec and prim)
    namesakes = _namesakes(cap, prim)
    for phase, areas in (("primary", prim), ("secondary", sec)):
        for code in areas:
            schools = cap[(cap[nc.AREA] == code) & (cap[nc.PHASE] == phase)]
            n = len(schools)
            lines += _comment(f"{n} school{'s' if n != 1 else ''}: {_school_hint(schools)}", "#   ")
            if code in namesakes:
                lines += _comment(namesakes[code], "#   ")
            if code in middle:
                mids = sorted(schools.loc[_is_middle(schools), "school_name"].map(_one_line))
                lines += _comment(
                    f"TODO three-tier: middle schools here ({', '.join(mids[:3])}"
                    f"{' ...' if len(mids) > 3 else ''}); see {_THREE_TIER_DOCS}."
                )
            lines += [
                "[[areas]]",
                f'code = "{code}"',
                f'name = "Planning area {code} ({phase})"  # TODO name',
                f'phase = "{phase}"',
            ]
            if phase == "primary":
                lines.append(
                    "districts = ["
                    + ", ".join(f'"{d}"' for d in codes)
                    + "]"
                    + ("  # TODO districts" if len(codes) > 1 else "")
                )
                if shares and len(sec) == 1:
                    lines.append(f'transfer = {{ "{sec[0]}" = 1.0 }}  # the one secondary area')
                elif shares:
                    lines.append(
                        f'transfer = "{EQUAL_SPLIT}"  # TODO transfers (equal split over '
                        "the secondary areas)"
                    )
            lines.append("")
    return lines


def _sections(path, prim: list[str], sec: list[str]) -> list[str]:
    """[plan], [send], [early_years] and [report], with commented examples of what is local."""
    pair, phase = (sec[:2], "secondary") if len(sec) > 1 else (prim[:2], "primary")
    adjacency = (
        [
            "# Pupils who may be placed in a neighbouring area at a yearly transport cost, so that the plan",
            '# weighs spare places next door against building (docs/model.md, "[[plan.adjacency]]"). The',
            "# public data have no geography: without these the plan keeps every pupil in their own area",
            "# and the report flags new schools that open beside spare places. For example:",
            "#   [[plan.adjacency]]",
            f'#   from = "{pair[0]}"',
            f'#   to = "{pair[1]}"',
            f'#   phase = "{phase}"',
            "#   max_share = 0.1          # placeholder: the most of the from area's pupils who could go",
            "#   cost_per_pupil = 1000.0  # placeholder: the Council's transport cost, GBP a pupil a year",
        ]
        if len(pair) == 2
        else []
    )
    return [
        "# ---------------------------------------------------------------------------------------------",
        "# [plan]: every planning area gets the default catalogue (bulge classes, expansions, a new",
        "# school) priced with the DfE cost per place benchmarks of the authority's scorecard row:",
        "# regional figures, the same for every authority of its region, not the Council's own",
        '# costs; give local costs as [[plan.options]] where known (docs/model.md, "[plan]").',
        "# Penalties and the discount rate take their defaults.",
        "[plan]",
        f"scorecards = {path('scorecards')}",
        "# TODO first_year: the first September a decision taken now can change (without it the plan",
        "# starts the year after the 2022/23 census, long past).",
        "first_year = 2027",
        "",
        '# Local options replace the default of their area and kind (docs/model.md, "[[plan.options]]").',
        "# For example (Worcestershire's, not this authority's):",
        "#   [[plan.options]]",
        '#   name = "Worcester City new 600-place 11-16 school"',
        '#   area = "8850031"',
        '#   phase = "secondary"',
        '#   kind = "new_school"',
        "#   places = 600",
        "#   cost = 63300000.0",
        "#   max_modules = 1",
        "#   earliest_year = 2028",
        '#   source = "Worcestershire County Council (2025)"',
        *adjacency,
        '# Special school places, planned with --send (docs/model.md, "[plan.special]"), e.g.:',
        "#   [plan.special]",
        '#   options = [{ kind = "special_expansion", places = 8, cost_per_place = 67379.0, max_modules = 10, lead = 2 }]',
        "",
        "# --- SEND: EHC plans -> special school places (docs/send_early_years.md) ----------------------",
        "[send]",
        "# DfE SEN2 files (all authorities) and ONS mid-2011 population by single year of age.",
        f"files = {{ age = {path('sen2_age')}, caseload = {path('sen2_caseload')}, needs = {path('sen2_needs')} }}",
        f"population = {path('population')}",
        "# capacity: no public figure of special school places; without one, today's placements in",
        "# state-funded special schools are taken as today's capacity (ASSUMPTION). With real figures:",
        "#   capacity = { special_primary = ..., special_secondary = ..., special_post16 = ... }",
        "# area_shares: to report by planning area, shares summing to 1, e.g.",
        '#   area_shares = { "<area code>" = 0.2, ... }',
        "",
        "# --- Early years: births -> funded entitlements -> FTE places (docs/send_early_years.md) -----",
        "[early_years]",
        f"takeup = {path('takeup')}  # DfE, Education provision: children under 5 (2016-2019)",
        f"population = {path('population')}",
        "hours_per_place = 30.0  # one FTE place = 30 funded hours a week over 38 weeks",
        "by_area = true          # split over the primary planning areas by their share of births",
        "# TODO entitlements: none are given, so the two defaults are used (15 hours for",
        "# disadvantaged 2-year-olds and the universal 15 hours for 3- and 4-year-olds, both derived",
        "# from the DfE take-up file). The working parents' entitlements (30 hours for 3-4s from 2017,",
        "# for 2-year-olds and from 9 months from 2024-2025) need local take-up figures; without them",
        "# early years demand is understated. Giving any entitlement replaces the defaults, so list",
        '# all of them (docs/model.md, "[[early_years.entitlements]]"; Worcestershire\'s model has',
        "# the full set), e.g.:",
        "#   [[early_years.entitlements]]",
        '#   name = "extended_3_4"',
        '#   same_children_as = "universal_3_4"  # the second 15 hours: the same children',
        '#   age_group = "3_4"',
        "#   ages = [2, 3]",
        "#   hours = 15.0",
        "#   from_year = 2017",
        "#   eligible = 1.0",
        "#   takeup = 0.25            # ASSUMPTION in Worcestershire's model: use a local figure",
        "#   takeup_range = [0.15, 0.35]",
        "",
        "[report]",
        'title = "School Place Sufficiency Report"',
        f"scorecards = {path('scorecards')}  # DfE scorecards: the authority's own accuracy",
        "# Key decision (optional): the report appraises the options of one area when given, e.g.",
        '#   key_decision_area = "<area code>"',
        '#   key_decision_phase = "secondary"',
        "",
        "# [forecast] takes the engine's defaults, chosen by a backtest on the 14 West Midlands",
        "# authorities (docs/forecast.md); give keys here only to change them.",
    ]
