"""The option catalogue: ways to add places, with size, cost, lead time and life.

Each option is a row of a tidy table (:data:`OPTION_COLUMNS`):

``option``
    unique name [str]
``area, phase``
    planning area and phase of places it serves (``primary``, ``secondary``, ``special``,
    ``early_years``)
``kind``
    ``bulge_class``, ``permanent_expansion``, ``new_school``, ``temporary_expansion``,
    ``special_expansion``, ``new_special_school``, ``resourced_provision``,
    ``early_years_setting`` (:data:`KINDS`; the model definition must use one of them)
``places``
    places added per module [places]; integer decisions count modules (forms of entry)
``max_modules``
    most modules of a permanent option in total (school size limit) [count]
``max_per_year``
    most modules of a temporary option opened in one year [count]
``min_modules``
    modules that must be built (committed projects) [count], default 0
``cost_per_module``
    capital cost per module [GBP] (``fixed_cost + cost_per_place * places``)
``cost_per_place``
    the same per place [GBP/place], for reports
``revenue_per_place``
    running cost per place per year open [GBP/place/year], default 0
``earliest_year``
    first academic year the places can be open (lead time) [year start]
``duration``
    years a temporary module lasts (0 = permanent) [years]; a bulge class lasts as many
    years as its phase has year groups (primary 7, secondary 5: one cohort moving up)
``fill_years``
    years over which a module's places come into use [years]: in its ``k``-th year open it
    adds ``places x min(1, k / fill_years)``; 0 = all places from opening (also when the
    column is absent). A new school opens with its entry year group (Reception, Year 7) and
    fills one year group a year: its default (:func:`default_fill_years`) is the phase's year
    groups (primary 7, secondary 5). Every other kind defaults to 0: an expansion's new
    classrooms can take pupils in any year group from opening; give ``fill_years`` when an
    expansion only raises the admission number (one more entry class a year)
``source``
    where the cost and size come from (scorecard edition, council paper, assumption)

:func:`default_options` builds the DfE-benchmark defaults for every planning area; the
model's ``[plan]`` section adds local options (``[[plan.options]]``) which replace the
default of the same area, phase and kind.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from .. import nomenclature as nc
from .._values import (
    Section,
    did_you_mean,
    duplicates,
    expected_area,
    is_number,
    is_whole,
    is_year,
    require_table,
)
from ..exceptions import ConfigError

__all__ = [
    "OPTION_COLUMNS",
    "DEFAULT_MODULES",
    "default_options",
    "compulsory_year_groups",
    "options_from_config",
    "build_catalogue",
    "validate_options",
    "benchmark_costs",
    "KINDS",
    "default_fill_years",
    "scheme_of",
]

logger = logging.getLogger(__name__)

OPTION_COLUMNS = (
    "option",
    nc.AREA,
    nc.PHASE,
    "kind",
    "places",
    "max_modules",
    "max_per_year",
    "min_modules",
    "cost_per_module",
    "cost_per_place",
    "revenue_per_place",
    "earliest_year",
    "duration",
    "fill_years",
    "source",
    "scheme",
)

#: Kinds whose places fill one entry year group a year by default (:func:`default_fill_years`).
_FILLING_KINDS = ("new_school",)
#: Year groups of a school of each phase of places (primary R-Y6; secondary 11-16).
_YEAR_GROUPS = {"primary": 7, "secondary": 5}


def compulsory_year_groups(phase: str, ncys: Iterable[int]) -> int:
    """Year groups of its phase, before the sixth form, that an area's schools teach.

    7 for a primary area (R-Y6) and 5 for a secondary one (Y7-Y11), as the default modules
    assume; 2 for a secondary area of middle schools (Years 7-8) and 3 for one of high
    schools (Years 9-13). Default modules (:data:`DEFAULT_MODULES`) are scaled by it: a form
    of entry is 30 places in each year group the area teaches.
    """
    span = range(0, 7) if phase == "primary" else range(7, 12)
    return sum(1 for g in set(ncys) if g in span)


#: Kinds that are temporary by definition: an option of these kinds needs a ``duration``.
_TEMPORARY_KINDS = ("bulge_class", "temporary_expansion")


def _default_duration(kind: str, phase: str) -> int:
    """Years a module of ``kind`` lasts when the model does not say [years]: a bulge class
    its phase's year groups before the sixth form (7 primary, 5 secondary, as the default
    module); 0 (permanent) otherwise, and for a bulge class of another phase (its
    ``duration`` must then be given)."""
    if kind == "bulge_class":
        return int(DEFAULT_MODULES.get(phase, {}).get(kind, {}).get("duration", 0))
    return 0


def default_fill_years(kind: str, phase: str) -> int:
    """Years a module of ``kind`` takes to fill when the model does not say [years].

    A new school opens with its entry year group only (Reception, Year 7) and fills one year
    group a year: 7 years primary, 5 secondary (an 11-16 school, as the default module; give
    ``fill_years = 7`` for one with a sixth form). Every other kind is in full use from
    opening, 0: a permanent expansion's new classrooms can take pupils in any year group
    (in-year admissions; the phase-total demand does not say which year group is short); a
    bulge class is a single cohort for its ``duration``; temporary, special, resourced and
    early years places open whole.
    """
    return _YEAR_GROUPS.get(phase, 0) if kind in _FILLING_KINDS else 0


#: Benchmark option (scorecard ``CPP_*`` suffix) used for each default kind.
_BENCHMARK_OF_KIND = {
    "new_school": "new_school",
    "permanent_expansion": "permanent_expansion",
    "bulge_class": "temporary_expansion",
}

#: Default module per phase of places and kind. ASSUMPTIONS, from the domain facts (docs/domain.md): 1 form of
#: entry (FE) = 30 pupils per year group; a 1FE primary (R-Y6) has 210 places and a 1FE 11-16
#: secondary 150. Expansions come in half forms of entry (105 / 75 places), up to 1FE per
#: area per plan (2 modules); new schools are 2FE primary (420) or 6FE 11-16 secondary (900),
#: at most one per area in the horizon; up to 2 bulge classes of 30 a year per area. The
#: limits of expansions and bulge classes grow with an area's schools (:func:`_scaled_limits`).
#: Lead times (docs/domain.md): a bulge class opens next September (1 year), an expansion takes 1-2
#: years (2 assumed), a new school 3-5 years (4 assumed). A bulge class lasts while its cohort
#: moves through the phase: 7 years primary (R-Y6), 5 years secondary (Y7-Y11).
DEFAULT_MODULES: Mapping[str, Mapping[str, dict[str, Any]]] = {
    "primary": {
        "bulge_class": dict(places=30, max_modules=0, max_per_year=2, lead=1, duration=7),
        "permanent_expansion": dict(places=105, max_modules=2, max_per_year=0, lead=2, duration=0),
        "new_school": dict(places=420, max_modules=1, max_per_year=0, lead=4, duration=0),
    },
    "secondary": {
        "bulge_class": dict(places=30, max_modules=0, max_per_year=2, lead=1, duration=5),
        "permanent_expansion": dict(places=75, max_modules=2, max_per_year=0, lead=2, duration=0),
        "new_school": dict(places=900, max_modules=1, max_per_year=0, lead=4, duration=0),
    },
}


def benchmark_costs(benchmarks: pd.DataFrame, authority: str | None = None) -> pd.DataFrame:
    """Latest DfE cost per place for each phase and benchmark option.

    Parameters
    ----------
    benchmarks : DataFrame
        ``read_cost_benchmarks(...).data``: ``area, la_name, edition, phase, option,
        cost_per_place`` [GBP/place].
    authority : str, optional
        Keep this authority (``area`` = new LA code); all rows if None.

    Returns
    -------
    DataFrame
        ``phase, option, cost_per_place, edition, area`` and ``basis`` when the input has it
        (``regional``: the same figure for every authority of the region in that edition)
        (one row per phase and option: the latest edition with a value; the last row of that
        edition if it has several).
    """
    b = benchmarks
    if authority is not None:
        b = b.loc[b[nc.AREA].astype(str) == str(authority)]
    b = b.dropna(subset=["cost_per_place"])
    if b.empty:
        raise ConfigError(
            f"no DfE cost per place benchmark for authority {authority!r}: give local costs "
            "in [[plan.options]] or check the scorecards directory"
        )
    order = ["phase", "option", "edition"] + (["target_year"] if "target_year" in b.columns else [])
    b = b.sort_values(order, kind="stable")
    return (
        b.groupby(["phase", "option"], as_index=False)
        .tail(1)[
            ["phase", "option", "cost_per_place", "edition", nc.AREA]
            + (["basis"] if "basis" in b.columns else [])
        ]
        .reset_index(drop=True)
    )


#: Said in a default option's ``source`` where no school of its area takes a form of entry
#: (30 pupils a year group): a bulge class of 30 or half a form of entry would more than
#: double the largest school (a Herefordshire trial's plan put bulge classes of 30 in Golden
#: Valley, whose four schools take 8-15 a year group).
SMALL_SCHOOLS = "no school in the area takes a form of entry"
#: Places a year group in one form of entry (docs/domain.md).
FORM_OF_ENTRY = 30


def small_schools(largest) -> str:
    """:data:`SMALL_SCHOOLS` with the largest school's places a year group, where ``largest``
    (places a year group in an area's largest school of the phase) is below a form of entry;
    "" where a form of entry fits or the size is not known."""
    if largest is None or pd.isna(largest) or not 0 < float(largest) < FORM_OF_ENTRY:
        return ""
    return (
        f"{SMALL_SCHOOLS} ({FORM_OF_ENTRY} places a year group; the largest takes "
        f"{float(largest):.0f})"
    )


#: Schools per bulge class a year in the default limits (:func:`_scaled_limits`).
SCHOOLS_PER_BULGE_CLASS = 3


def _scaled_limits(m: Mapping[str, Any], kind: str, schools) -> tuple[int, int]:
    """``(max_modules, max_per_year)`` of a default module in an area with ``schools`` schools
    of its phase. ASSUMPTIONS, so that a city's large planning areas are not held to a small
    town's limits: permanent expansions up to half a form of entry per school (at least the
    module's own limit, 1 FE per area); bulge classes up to one a year per
    :data:`SCHOOLS_PER_BULGE_CLASS` schools (at least 2 a year); one new school, whatever the
    size. Without a school count, the module's own limits."""
    n = 0 if schools is None or pd.isna(schools) else int(schools)
    max_modules, max_per_year = int(m["max_modules"]), int(m["max_per_year"])
    if kind == "permanent_expansion":
        max_modules = max(max_modules, n)
    elif kind == "bulge_class":
        max_per_year = max(max_per_year, -(-n // SCHOOLS_PER_BULGE_CLASS))
    return max_modules, max_per_year


def default_options(
    areas: pd.DataFrame,
    costs: pd.DataFrame,
    first_year: int,
    *,
    source: str = "DfE school places scorecards",
) -> pd.DataFrame:
    """Default catalogue: bulge class, permanent expansion and new school in every area.

    Parameters
    ----------
    areas : DataFrame
        ``area, phase`` with phase ``primary`` or ``secondary`` (phase of places); optional
        ``year_groups`` (taught before the sixth form: :func:`compulsory_year_groups`),
        ``middle`` (a middle-school area), ``schools`` (schools of the area's phase: the
        limits grow with them, :func:`_scaled_limits`) and ``largest`` (places a year group
        in its largest school of the phase: below 30, the bulge class and expansion say
        :data:`SMALL_SCHOOLS` in their ``source``).
    costs : DataFrame
        :func:`benchmark_costs` output, ``phase, option, cost_per_place, edition``.
    first_year : int
        First academic year the plan can change; lead times count from the year before.

    Returns
    -------
    DataFrame
        Columns :data:`OPTION_COLUMNS`.
    """
    rows = []
    cost = {
        (r.phase, r.option): (
            float(r.cost_per_place),
            int(r.edition),
            getattr(r, "basis", "authority"),
        )
        for r in costs.itertuples(index=False)
    }
    cols = [nc.AREA, nc.PHASE] + [
        c for c in ("year_groups", "middle", "schools", "largest") if c in areas.columns
    ]
    for a in areas[cols].drop_duplicates([nc.AREA, nc.PHASE]).itertuples(index=False):
        kinds = DEFAULT_MODULES.get(a.phase)
        if kinds is None:
            continue
        full = _YEAR_GROUPS[a.phase]
        n = getattr(a, "year_groups", full)
        n = full if n is None or pd.isna(n) else int(n)
        if n == 0:  # a sixth-form-only area: no default module fits it
            logger.info(
                "area %s teaches no year group before the sixth form: no default "
                "options (give [[plan.options]])",
                a.area,
            )
            continue
        for kind, m in kinds.items():
            key = (a.phase, _BENCHMARK_OF_KIND[kind])
            if key not in cost:
                raise ConfigError(f"no DfE benchmark cost per place for {key[0]} {key[1]}")
            cpp, edition, basis = cost[key]
            # a form of entry is 30 places in each year group the area teaches
            places = m["places"] if kind == "bulge_class" else round(m["places"] * n / full)
            duration = n if m["duration"] else 0
            taught = (
                f"the {n} year groups before the sixth form that the area's schools "
                f"teach (year_groups), of {full} in a whole {a.phase} area"
            )
            part = (
                ""
                if n == full
                else f"; lasts {n} years: {taught}"
                if kind == "bulge_class"
                else f"; 30 places a form of entry in each of {taught}"
                + (
                    "; secondary places only: a middle school's Years 5-6 places "
                    "would be primary places in its primary area, not counted here"
                    if bool(getattr(a, "middle", False))
                    else ""
                )
            )
            small = small_schools(getattr(a, "largest", None)) if kind != "new_school" else ""
            if small:
                part += (
                    f"; {small}, and this module is sized for schools that do: give "
                    "[[plan.options]] sized to its schools"
                )
            max_modules, max_per_year = _scaled_limits(m, kind, getattr(a, "schools", None))
            rows.append(
                {
                    "option": f"{a.area}:{a.phase}:{kind}",
                    nc.AREA: str(a.area),
                    nc.PHASE: a.phase,
                    "kind": kind,
                    "places": places,
                    "max_modules": max_modules,
                    "max_per_year": max_per_year,
                    "min_modules": 0,
                    "cost_per_module": cpp * places,
                    "cost_per_place": cpp,
                    "revenue_per_place": 0.0,
                    "earliest_year": first_year - 1 + m["lead"],
                    "duration": duration,
                    "fill_years": min(default_fill_years(kind, a.phase), n),
                    "source": f"{source} {edition} edition, CPP {key[1]} [GBP/place]"
                    + (
                        " (a regional figure: the same for every authority of the "
                        "region in that edition)"
                        if basis == "regional"
                        else ""
                    )
                    + "; "
                    f"module size and lead time assumed (see DEFAULT_MODULES){part}",
                }
            )
    return validate_options(pd.DataFrame(rows, columns=list(OPTION_COLUMNS)), "default options")


#: Kinds of option the engine knows (the ``kind`` column; module defaults in
#: :data:`DEFAULT_MODULES` for the first three).
KINDS = (
    "bulge_class",
    "permanent_expansion",
    "new_school",
    "temporary_expansion",
    "special_expansion",
    "new_special_school",
    "resourced_provision",
    "early_years_setting",
)
#: Phases of places an option can serve.
OPTION_PHASES = ("primary", "secondary", "special", "early_years")
#: The kinds that add places of each phase, for a mistyped kind's suggestion.
_PHASE_KINDS = {
    "primary": KINDS[:4],
    "secondary": KINDS[:4],
    "special": ("special_expansion", "new_special_school", "resourced_provision"),
    "early_years": ("early_years_setting",),
}


def _kind_hint(kind: Any, phase: Any) -> str:
    """``" (did you mean 'permanent_expansion' or 'temporary_expansion'?)"``: the kinds of the
    option's phase closest to a mistyped ``kind`` (a Dudley trial's secondary option with
    ``kind = "expansion"`` was offered 'special_expansion'), else the closest of all kinds."""
    import difflib

    own = _PHASE_KINDS.get(str(phase), KINDS)
    hits = difflib.get_close_matches(str(kind), own, n=2) or difflib.get_close_matches(
        str(kind), KINDS, n=1
    )
    if not hits:
        return ""
    score = [difflib.SequenceMatcher(None, str(kind), h).ratio() for h in hits]
    hits = [h for h, r in zip(hits, score) if r >= score[0] - 1e-9]  # a tie: both
    return f" (did you mean {' or '.join(repr(h) for h in sorted(hits, key=KINDS.index))}?)"


def _option_label(where: str) -> str:
    """``"m.toml: [plan]"`` -> ``"m.toml: [[plan.options]]"`` (the array the entries are in)."""
    return where.replace("[plan]", "[[plan.options]]") if "[plan]" in where else f"{where} options"


def options_from_config(
    section: Mapping[str, Any],
    where: str = "[plan]",
    areas: Mapping[str, str] | None = None,
    names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Read ``[[plan.options]]`` entries of a model definition.

    Each entry: ``name``, ``area``, ``phase``, ``kind`` (one of :data:`KINDS`), ``places``
    (per module), and either ``cost`` (total per module [GBP], ``fixed_cost`` optional) or
    ``cost_per_place`` [GBP/place]; optional ``max_modules`` (1 for a permanent option, 0
    for a temporary one), ``max_per_year`` (1 for a temporary option, 0 for a permanent one),
    ``min_modules`` (0), ``earliest_year``, ``duration`` (0 = permanent), ``fill_years``
    (:func:`default_fill_years` of the kind and phase; 0 = all places from opening),
    ``revenue_per_place``, ``source``.

    Parameters
    ----------
    section : mapping
        The ``[plan]`` section.
    where : str
        Prefix of error messages (the model file and section).
    areas : mapping of str to str, optional
        Planning area code -> phase (``primary`` / ``secondary``) of the model, plus the
        authority's code for ``special`` and ``early_years`` options: when given, an option's
        area must be one of them and a primary or secondary option's phase must be its area's.
    names : mapping of str to str, optional
        Planning area code -> name, for the did-you-mean of an unknown ``area`` (written by
        its name, say).

    Raises
    ------
    ConfigError
        One line naming the option, the key, the value found and what was expected.
    """
    entries = section.get("options", [])
    label = _option_label(where)
    if not isinstance(entries, list):
        raise ConfigError(
            f"{where} options = {entries!r}: expected an array of tables [[plan.options]]"
        )
    rows = []
    for i, e in enumerate(entries):
        w = f"{label} #{i + 1}"
        require_table(
            e,
            w,
            ("name", "area", "phase", "kind", "places"),
            "(name, area, phase, kind, places, cost)",
            "name, area, phase, kind, places and cost or cost_per_place",
        )
        w = f"{w} ({e['name']})"
        sec = Section(w, e)
        bad = sec.bad
        for key in ("name", "source"):
            sec.check(key, lambda v: isinstance(v, str), "a string")
        sec.check(
            "scheme",
            lambda v: isinstance(v, str) and v.strip() != "",
            "the name of a scheme, shared by the options built together (a middle "
            "school's primary and secondary places, say)",
        )
        if not isinstance(e["area"], (str, int)) or isinstance(e["area"], bool):
            raise bad("area", "a planning area code")
        area = str(e["area"])
        if e["phase"] not in OPTION_PHASES:
            raise bad("phase", f"one of {', '.join(OPTION_PHASES)}")
        if e["kind"] not in KINDS:
            raise bad("kind", f"one of {', '.join(KINDS)}" + _kind_hint(e["kind"], e["phase"]))
        if areas is not None:
            if area not in areas:
                raise bad(
                    "area",
                    expected_area(
                        area, {c: (names or {}).get(c, "") for c in areas}, areas, e["phase"]
                    ),
                )
            ph = areas[area]
            if e["phase"] in ("primary", "secondary") and ph != e["phase"]:
                raise bad("phase", f"{ph!r}, the phase of planning area {area}")
        if not is_number(e["places"]) or not e["places"] > 0:
            raise bad("places", "places added per module, a number > 0")
        places = float(e["places"])
        for key in ("cost", "fixed_cost", "cost_per_place", "revenue_per_place"):
            if key in e and (not is_number(e[key]) or not e[key] >= 0):
                raise bad(
                    key,
                    "an amount in GBP >= 0, written as a number (63300000.0, not '63.3m')"
                    if isinstance(e[key], str)
                    else "an amount in GBP >= 0",
                )
        for key in ("max_modules", "max_per_year", "min_modules", "duration", "fill_years"):
            if key in e and (not is_whole(e[key]) or e[key] < 0):
                raise bad(
                    key,
                    "a whole number >= 0"
                    + {
                        "duration": " (0 = permanent)",
                        "fill_years": " (0 = all places from opening)",
                    }.get(key, ""),
                )
        sec.check("earliest_year", is_year, "an academic year (its start), e.g. 2028")
        if "cost" in e:
            per_module = float(e["cost"]) + float(e.get("fixed_cost", 0.0))
        elif "cost_per_place" in e:
            per_module = float(e["cost_per_place"]) * places + float(e.get("fixed_cost", 0.0))
        else:
            raise ConfigError(f"{w}: give 'cost' [GBP per module] or 'cost_per_place' [GBP/place]")
        duration = int(e.get("duration", _default_duration(e["kind"], e["phase"])))
        if duration == 0 and e["kind"] in _TEMPORARY_KINDS:
            # a bulge class or temporary expansion with no duration would be a permanent
            # place at a temporary price (a Sandwell trial's bulge class lasted for ever)
            lasts = (
                f"the years a {e['kind'].replace('_', ' ')} lasts, a whole number >= 1 "
                "(a bulge class: 7 primary, 5 secondary; interim places: 1)"
            )
            if "duration" in e:
                raise bad("duration", lasts)
            raise ConfigError(
                f"{w} kind = {e['kind']!r} in phase {e['phase']!r}: no duration "
                f"given; expected duration = {lasts}"
            )
        max_modules = int(e.get("max_modules", 1 if duration == 0 else 0))
        min_modules = int(e.get("min_modules", 0))
        if duration == 0 and min_modules > max_modules:
            raise ConfigError(
                f"{w} min_modules = {min_modules}: expected <= max_modules = {max_modules}"
            )
        rows.append(
            {
                "option": str(e["name"]),
                nc.AREA: area,
                nc.PHASE: str(e["phase"]),
                "kind": str(e["kind"]),
                "places": places,
                "max_modules": max_modules,
                "max_per_year": int(e.get("max_per_year", 1 if duration > 0 else 0)),
                "min_modules": min_modules,
                "cost_per_module": per_module,
                "cost_per_place": per_module / places,
                "revenue_per_place": float(e.get("revenue_per_place", 0.0)),
                "earliest_year": int(e["earliest_year"]) if "earliest_year" in e else -1,
                "duration": duration,
                "fill_years": int(e.get("fill_years", default_fill_years(e["kind"], e["phase"]))),
                "source": str(e.get("source", "model definition")),
                "scheme": str(e.get("scheme", "")).strip(),
            }
        )
    dup = duplicates(r["option"] for r in rows)
    if dup:
        raise ConfigError(
            f"{label} name = {dup[0]!r}: used by more than one option; expected unique names"
        )
    _check_schemes(rows, label)
    return pd.DataFrame(rows, columns=list(OPTION_COLUMNS))


def scheme_of(options: pd.DataFrame) -> np.ndarray:
    """Each option's ``scheme`` name as text (``""`` for an option built on its own, also
    when the table has no such column or it is empty)."""
    if "scheme" not in options:
        return np.full(len(options), "", dtype=object)
    col = options["scheme"].astype(object)
    return np.where(col.isna().to_numpy(), "", col.astype(str).to_numpy()).astype(object)


def _check_schemes(rows: list[dict], label: str, single: bool = False) -> None:
    """Options of one ``scheme`` are built together, module for module and year for year:
    at least two (``single``: a scheme with one option in the table is allowed, as an area
    appraised alone has), each in its own area and phase, all permanent or all temporary for
    the same years, committing the same modules, opening in the same year. An option without
    ``earliest_year`` (-1) takes the latest one given in its scheme, and module limits that
    differ become the smallest, with a warning (rows are changed in place)."""
    groups: dict[str, list[dict]] = {}
    for r in rows:
        if r["scheme"]:
            groups.setdefault(r["scheme"], []).append(r)
    for name, g in groups.items():
        where = f"{label} scheme = {name!r}"
        names = ", ".join(repr(r["option"]) for r in g)
        given = [r["earliest_year"] for r in g if r["earliest_year"] >= 0]
        if given:  # the scheme opens when its latest part can
            for r in g:
                if r["earliest_year"] < 0:
                    r["earliest_year"] = max(given)
        if len(g) < 2 and single:
            continue
        if len(g) < 2:
            others = [n for n in groups if n != name]
            raise ConfigError(
                f"{where}: only option {names} has it; expected the two or more "
                "options built together (e.g. a middle school's Years 5-6 places "
                "in its primary area and Years 7-8 places in its secondary area)"
                + did_you_mean(name, others)
            )
        keys = [(r[nc.AREA], r[nc.PHASE]) for r in g]
        if len(set(keys)) < len(keys):
            raise ConfigError(
                f"{where}: options {names} add places to the same area and phase; "
                "expected one option per area and phase (give one option the "
                "places of both)"
            )
        perm = g[0]["duration"] == 0
        if len({r["duration"] for r in g}) == 1:
            # module limits that differ: the scheme is built module for module, so the
            # smaller binds every part (it had been an error)
            key = "max_modules" if perm else "max_per_year"
            vals = sorted({int(r[key]) for r in g})
            if len(vals) > 1:
                shown = ", ".join(f"{r['option']!r}: {r[key]}" for r in g)
                logger.warning(
                    "%s: %s differs (%s); the scheme is planned at the smaller, %d, as "
                    "its options are built module for module",
                    where,
                    key,
                    shown,
                    vals[0],
                )
                for r in g:
                    r[key] = vals[0]
        for key, what in (
            ("duration", "duration (0 = permanent)"),
            ("earliest_year", "earliest_year"),
            ("min_modules", "min_modules (committed modules)"),
        ):
            vals = sorted({r[key] for r in g})
            if len(vals) > 1:
                shown = ", ".join(
                    f"{r['option']!r}: {r[key] if r[key] >= 0 else 'not given'}" for r in g
                )
                raise ConfigError(
                    f"{where}: {what} differs ({shown}); expected the same for "
                    "every option of a scheme, which is built as one project"
                )


def validate_options(
    options: pd.DataFrame, source: str = "options", single: bool = False
) -> pd.DataFrame:
    """Check an option table and return it with canonical dtypes.

    Raises
    ------
    ConfigError
        Missing columns, duplicate names, non-positive places, negative costs or limits.
    """
    missing = [
        c for c in OPTION_COLUMNS if c not in options.columns and c not in ("fill_years", "scheme")
    ]
    if missing:
        raise ConfigError(f"{source}: missing column(s) {missing}")
    o = options.reindex(columns=list(OPTION_COLUMNS))  # fill_years absent: NaN, then 0; scheme ""
    o["option"] = o["option"].astype(str)
    o[nc.AREA] = o[nc.AREA].astype(str)
    o["scheme"] = scheme_of(o)
    dup = o["option"][o["option"].duplicated()].tolist()
    if dup:
        raise ConfigError(f"{source}: duplicate option name(s) {dup[:5]}")
    for col in ("places", "cost_per_module", "cost_per_place", "revenue_per_place"):
        o[col] = pd.to_numeric(o[col], errors="coerce").astype(float)
    # a blank earliest_year in a scheme is "not given" (-1, filled from its scheme below),
    # not 0, which would count as given and differ from its partner's (review)
    blank_year = pd.to_numeric(o["earliest_year"], errors="coerce").isna() & (o["scheme"] != "")
    for col in (
        "max_modules",
        "max_per_year",
        "min_modules",
        "earliest_year",
        "duration",
        "fill_years",
    ):
        o[col] = pd.to_numeric(o[col], errors="coerce").fillna(0).astype(int)
    o.loc[blank_year, "earliest_year"] = -1
    checks = [
        ("places", o["places"] > 0, "> 0"),
        ("cost_per_module", o["cost_per_module"] >= 0, ">= 0"),
        ("max_modules", o["max_modules"] >= 0, ">= 0"),
        ("max_per_year", o["max_per_year"] >= 0, ">= 0"),
        ("min_modules", o["min_modules"] >= 0, ">= 0"),
        ("duration", o["duration"] >= 0, ">= 0 (0 = permanent)"),
        ("fill_years", o["fill_years"] >= 0, ">= 0 (0 = all places from opening)"),
    ]
    for col, ok, expect in checks:
        ok = ok.fillna(False).to_numpy()
        if not ok.all():
            rows = "; ".join(
                f"{r.option!r}: {getattr(r, col)!r}"
                for r in o.loc[~ok, ["option", col]].head(3).itertuples(index=False)
            )
            raise ConfigError(f"{source}: {col} must be {expect}; found {rows}")
    perm = o["duration"].to_numpy() == 0
    bad = perm & (o["min_modules"].to_numpy() > o["max_modules"].to_numpy())
    if bad.any():
        raise ConfigError(
            f"{source}: min_modules > max_modules for {o.loc[bad, 'option'].tolist()}"
        )
    if (o["scheme"] != "").any():  # as a model's [[plan.options]] are checked
        part = o[o["scheme"] != ""]
        rows = part.to_dict("records")
        _check_schemes(rows, f"{source}:", single=single)
        # the scheme's fills (its latest given year, its smallest module limit) are the
        # table's, as validate and plan use
        for col in ("earliest_year", "max_modules", "max_per_year"):
            o.loc[part.index, col] = [int(r[col]) for r in rows]
        o.loc[o["earliest_year"] < 0, "earliest_year"] = 0  # none given in the scheme
        bad = (o["duration"] == 0) & (o["min_modules"] > o["max_modules"])
        if bad.any():
            raise ConfigError(
                f"{source}: min_modules > max_modules (the smallest of its "
                f"scheme) for {o.loc[bad, 'option'].tolist()}"
            )
    return o.reset_index(drop=True)


def build_catalogue(
    areas: pd.DataFrame,
    costs: pd.DataFrame | None,
    first_year: int,
    local: pd.DataFrame | None = None,
    extra: Iterable[pd.DataFrame] = (),
) -> pd.DataFrame:
    """Combine the DfE-benchmark defaults with local options.

    A local option replaces the default of the same ``area, phase, kind``; local options
    without ``earliest_year`` get ``first_year``.

    Returns
    -------
    DataFrame
        Columns :data:`OPTION_COLUMNS`, sorted by area, phase, kind, option.
    """
    parts = []
    if costs is not None:
        parts.append(default_options(areas, costs, first_year))
    if local is not None and not local.empty:
        local = local.copy()
        local.loc[local["earliest_year"] < 0, "earliest_year"] = first_year
        local = validate_options(local, "[[plan.options]]")
        if parts:
            # a scheme's options are projects of their own, beside the area's defaults
            alone = local[scheme_of(local) == ""]
            keys = set(zip(alone[nc.AREA], alone[nc.PHASE], alone["kind"]))
            d = parts[0]
            drop = np.array([k in keys for k in zip(d[nc.AREA], d[nc.PHASE], d["kind"])], bool)
            parts[0] = d.loc[~drop]
        parts.append(local)
    parts.extend(validate_options(e, "extra options") for e in extra if e is not None and len(e))
    if not parts:
        return pd.DataFrame(columns=list(OPTION_COLUMNS))
    cat = validate_options(pd.concat(parts, ignore_index=True), "option catalogue")
    return cat.sort_values([nc.AREA, nc.PHASE, "kind", "option"], kind="stable").reset_index(
        drop=True
    )
