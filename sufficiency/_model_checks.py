"""Strict checks of a model definition, run by :func:`sufficiency.config.load_model`.

Two kinds of check, so that ``sufficiency validate`` (and every command) catches a bad model
definition before any run:

* :func:`check_keys`: every section, key and ``[data]`` table must be one the engine reads. A misspelt key is otherwise silently ignored and its default used
  (``birth =`` for ``births =`` gave a forecast with no births at all). The error names the
  file, the section and the key, suggests the closest valid key and lists the valid ones
  (:func:`spec`).
* :func:`check_values`: types, ranges and references of the values of ``[forecast]``,
  ``[plan]`` (with ``[[plan.options]]``, ``[plan.special]``, ``[plan.early_years]``,
  ``[[plan.adjacency]]``), ``[send]``, ``[early_years]`` and ``[report]``, through each
  section's own parser where it has one. Checks that need the data (``[plan] first_year``
  against the base year) are in :func:`check_against_data`, run by
  :func:`sufficiency.inputs.load_inputs`.

Every error is a one-line :class:`~sufficiency.exceptions.ConfigError`:
``<file>: [section] key = value: expected ...``.

:func:`spec` lists the keys the code reads: ``tests/test_config_strict.py`` checks it against
the parsers' own lists (``forecast.DEFAULT_PARAMS``, ``planning._SETTING_KEYS``,
``send._DEFAULTS``, ``report.REPORT_DEFAULTS``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from . import nomenclature as nc
from ._values import Section, did_you_mean, did_you_mean_code, is_number, is_whole, is_year
from .exceptions import ConfigError, MissingFileError

__all__ = ["spec", "check_keys", "check_values", "check_base_year", "check_against_data"]

#: A leaf: any value (type and range are checked by :func:`check_values`); free tables whose
#: keys are data (area codes, years, phases) are leaves too.
LEAF = None

_DATA_ENTRY = ("path", "reader")
_DATA_TABLES: dict[str, tuple[str, ...]] = {
    "pupils": _DATA_ENTRY,
    "pupils_by_area": _DATA_ENTRY,
    "births": _DATA_ENTRY + ("nowcast", "include_modelled"),
    "births_projection": _DATA_ENTRY,
    "lookup": _DATA_ENTRY,
    "capacity": _DATA_ENTRY + ("year",),
    "housing": _DATA_ENTRY,
    "transfers": _DATA_ENTRY + ("years",),
    "intake": _DATA_ENTRY + ("source",),
}

_PLAN_SCALARS = (
    "scorecards",
    "first_year",
    "last_year",
    "shortfall_penalty",
    "shortfall_tolerance",
    "target_penalty",
    "surplus_penalty",
    "discount_rate",
    "annual_budget",
    "total_budget",
    "time_limit",
    "mip_gap",
)
_PLAN_OPTION = (
    "name",
    "area",
    "phase",
    "kind",
    "places",
    "cost",
    "fixed_cost",
    "cost_per_place",
    "max_modules",
    "max_per_year",
    "min_modules",
    "earliest_year",
    "duration",
    "fill_years",
    "revenue_per_place",
    "source",
    "scheme",
)
_SECTION_OPTION = ("kind", "places", "cost_per_place", "max_modules", "lead", "source")
_SEND = (
    "files",
    "population",
    "scenarios",
    "scenario",
    "fit_from",
    "alpha",
    "beta",
    "phi",
    "national_window",
    "count_independent",
    "capacity",
    "area_shares",
)
_ENTITLEMENT = (
    "name",
    "age_group",
    "ages",
    "hours",
    "from_year",
    "first_year_share",
    "eligible",
    "takeup",
    "takeup_range",
    "source",
    "dfe_group",
    "label",
    "same_children_as",
)
_REPORT = (
    "title",
    "key_decision_area",
    "key_decision_phase",
    "milestones",
    "quantile",
    "scorecards",
    "previous_forecast",
)


def _table(keys, **nested) -> dict[str, Any]:
    return {**{k: LEAF for k in keys}, **nested}


def _forecast_keys() -> tuple[str, ...]:
    from .forecast import DEFAULT_PARAMS

    return tuple(DEFAULT_PARAMS)


def spec() -> dict[str, Any]:
    """The keys a model definition may use, as nested dicts.

    A dict is a table (its keys are the only ones allowed), a one-element list an array of
    such tables, ``None`` a value of any shape. Built on call because ``[forecast]`` takes
    the keys of :data:`sufficiency.forecast.DEFAULT_PARAMS` and ``[[plan.adjacency]]`` those
    of :data:`sufficiency.optimise.planning.ADJACENCY_KEYS`.
    """
    from .optimise.planning import ADJACENCY_KEYS

    section_options = {"options": [_table(_SECTION_OPTION)]}
    return {
        "model": _table(("name", "authority", "authority_name", "old_la_code", "description")),
        "data": {name: _table(keys) for name, keys in _DATA_TABLES.items()},
        "assumptions": _table(
            (
                "base_year",
                "horizon",
                "window",
                "margin",
                "surplus_target",
                "surplus_ceiling",
                "seed",
            )
        ),
        "areas": [
            _table(
                (
                    "code",
                    "name",
                    "phase",
                    "tiers",
                    "districts",
                    "transfer",
                    "year_groups",
                    "intake_from",
                ),
                tier_changes=[_table(("year", "tiers"))],
            )
        ],
        "forecast": _table(_forecast_keys(), housing=_table(("yields", "arrival"))),
        "plan": _table(
            _PLAN_SCALARS,
            options=[_table(_PLAN_OPTION)],
            special=section_options,
            early_years=section_options,
            adjacency=[_table(ADJACENCY_KEYS)],
        ),
        "send": _table(_SEND, files=_table(("age", "caseload", "needs"))),
        "early_years": _table(
            ("takeup", "population", "hours_per_place", "by_area", "supply", "supply_year"),
            entitlements=[_table(_ENTITLEMENT)],
        ),
        "report": _table(_REPORT),
    }


def _unknown(path, label: str, key: str, valid, what: str = "key") -> ConfigError:
    valid = sorted(valid)
    if what == "section":
        return ConfigError(
            f"{path}: unknown section [{key}]{did_you_mean(key, valid, '[{}]')}; "
            f"expected one of {', '.join(f'[{v}]' for v in valid)}"
        )
    return ConfigError(
        f"{path}: {label}: unknown {what} {key!r}{did_you_mean(key, valid)}; "
        f"expected one of {', '.join(valid)}"
    )


def _walk(path, value: Any, sp: Any, dotted: str, label: str) -> None:
    if sp is LEAF:
        return
    if isinstance(sp, list):
        if not isinstance(value, list):
            return  # a type error, reported by the section's parser
        for i, item in enumerate(value):
            tag = ""
            if isinstance(item, Mapping):
                for k in ("code", "name"):
                    if isinstance(item.get(k), (str, int)):
                        tag = f" ({item[k]})"
                        break
            _walk(path, item, sp[0], dotted, f"[[{dotted}]] #{i + 1}{tag}")
        return
    if not isinstance(value, Mapping):
        return
    what = "table" if dotted == "data" else "key"
    for k, v in value.items():
        if k not in sp:
            raise _unknown(path, label, k, sp, what)
        sub = sp[k]
        if isinstance(sub, dict):
            _walk(path, v, sub, f"{dotted}.{k}", f"[{dotted}.{k}]")
        else:
            _walk(path, v, sub, f"{dotted}.{k}", label)


def check_keys(raw: Mapping[str, Any], path) -> None:
    """Reject any section, key or ``[data]`` table of a model definition the engine does not read.

    Raises
    ------
    ConfigError
        ``<file>: [section]: unknown key 'horizn' (did you mean 'horizon'?); expected one of ...``
    """
    sp = spec()
    for section, value in raw.items():
        if section not in sp:
            raise _unknown(path, "", section, sp, "section")
        sub = sp[section]
        label = f"[{section}]"
        _walk(path, value, sub, section, label)


# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------


def _check_forecast(cfg) -> None:
    from .forecast import forecast_params
    from .housing import housing_settings

    forecast_params(cfg)  # also refuses a [forecast] horizon or seed unlike [assumptions]
    hs = cfg.section("forecast").get("housing", {})
    if not isinstance(hs, Mapping):
        raise ConfigError(
            f"{cfg.shown_path}: [forecast] housing = {hs!r}: expected a table "
            "[forecast.housing] (yields, arrival)"
        )
    try:
        housing_settings(hs)
    except (ConfigError, TypeError, ValueError) as exc:
        raise ConfigError(f"{cfg.shown_path}: {exc}") from exc


def _check_plan(cfg) -> None:
    from .optimise.options import options_from_config
    from .optimise.planning import adjacency_from_config, section_options

    sec = cfg.section("plan")
    s = Section(f"{cfg.shown_path}: [plan]", sec)
    s.check("scorecards", lambda v: isinstance(v, str), "a folder of DfE scorecards (a string)")
    for k in ("first_year", "last_year"):
        s.check(k, is_year, "an academic year (its start), e.g. 2026")
    if (
        is_year(sec.get("first_year"))
        and is_year(sec.get("last_year"))
        and sec["first_year"] > sec["last_year"]
    ):
        raise s.bad("last_year", f">= first_year = {sec['first_year']}")
    for k in ("shortfall_penalty", "target_penalty", "surplus_penalty"):
        s.check(k, lambda v: is_number(v) and v >= 0, "GBP per place-year >= 0, a number")
    s.check(
        "shortfall_tolerance",
        lambda v: is_number(v) and 0 <= v < 30,
        "places in [0, 30), e.g. 0.5: a requirement of at most that many places is not short",
    )
    s.check(
        "discount_rate",
        lambda v: is_number(v) and 0 <= v < 1,
        "a rate per year in [0, 1), e.g. 0.035 for 3.5%",
    )
    money = "an amount in GBP >= 0, written as a number (5000000.0, not '5m')"
    s.check("total_budget", lambda v: is_number(v) and v >= 0, money)
    s.check(
        "annual_budget",
        lambda v: (
            (is_number(v) and v >= 0)
            or (
                isinstance(v, Mapping)
                and all(str(k).isdigit() and is_number(x) and x >= 0 for k, x in v.items())
            )
        ),
        f"{money}, or a table {{ academic year = GBP }}",
    )
    s.check("time_limit", lambda v: is_number(v) and v > 0, "seconds > 0")
    s.check("mip_gap", lambda v: is_number(v) and 0 <= v < 1, "a relative gap in [0, 1)")

    areas = {a.code: a.phase for a in cfg.areas}
    names = {a.code: a.name for a in cfg.areas}
    options_from_config(
        sec, f"{cfg.shown_path}: [plan]", areas={cfg.authority: "authority", **areas}, names=names
    )

    for key in ("special", "early_years"):
        section_options(sec, key, cfg.shown_path)
    adjacency_from_config(sec, cfg.shown_path, areas, names=names)


def _check_file(cfg, label: str, given: str) -> None:
    """A file a section names must exist: an error naming the model, the key and the value,
    with the closest file of its folder (a Herefordshire trial's [send] files caseload
    "ehcp_2025_caseloads.csv" was "file not found" without the model or the key)."""
    p = cfg.resolve(given)
    if p.is_file():
        return
    near = (
        did_you_mean(p.name, sorted(f.name for f in p.parent.iterdir() if f.is_file()))
        if p.parent.is_dir()
        else ""
    )
    raise MissingFileError(
        f"{cfg.shown_path}: {label} = {given!r}: no file at {p}{near}; expected an "
        "existing file (paths are relative to the model file)",
        section=label[1:].split("]")[0].split(".")[0] if label.startswith("[") else None,
    )


def _check_send(cfg, files: bool = True) -> None:
    from .send import SCENARIOS, _params, check_area_shares, check_scenarios, special_capacity

    sec = cfg.section("send")
    s = Section(f"{cfg.shown_path}: [send]", sec)
    _params(sec, cfg.shown_path)
    s.check(
        "files",
        lambda v: isinstance(v, Mapping) and all(isinstance(x, str) for x in v.values()),
        "a table { age = path, caseload = path, needs = path }",
    )
    s.check("population", lambda v: isinstance(v, str), "a path (a string)")
    if files:
        for key, given in sec.get("files", {}).items():
            _check_file(cfg, f"[send.files] {key}", given)
        if "population" in sec:
            _check_file(cfg, "[send] population", sec["population"])
    check_scenarios(sec.get("scenarios", SCENARIOS), sec.get("scenario", "trend"), cfg.shown_path)
    if sec.get("capacity"):
        special_capacity(sec["capacity"], f"{cfg.shown_path}: [send]")
    if sec.get("area_shares"):
        check_area_shares(sec["area_shares"], cfg)


def _check_early_years(cfg, files: bool = True) -> None:
    from .early_years import _hours_per_place, early_years_entitlements, funded_supply

    sec = cfg.section("early_years")
    where = f"{cfg.shown_path}: [early_years]"
    s = Section(where, sec)
    for k in ("takeup", "population"):
        s.check(k, lambda v: isinstance(v, str), "a path (a string)")
        if k in sec and files:
            _check_file(cfg, f"[early_years] {k}", sec[k])
    if "hours_per_place" in sec:
        _hours_per_place(sec["hours_per_place"], where)
    s.check("by_area", lambda v: isinstance(v, bool), "true or false")
    s.check("supply_year", is_year, "an academic year (its start)")
    ents = early_years_entitlements(sec, cfg.shown_path)
    if sec.get("supply"):
        funded_supply(sec["supply"], sorted({e.age_group for e in ents}), where)


def _check_report(cfg) -> None:
    sec = cfg.section("report")
    s = Section(f"{cfg.shown_path}: [report]", sec)
    s.check("title", lambda v: isinstance(v, str) and v.strip(), "a non-empty string")
    s.check("scorecards", lambda v: isinstance(v, str), "a folder of DfE scorecards (a string)")
    s.check(
        "previous_forecast",
        lambda v: isinstance(v, str) and v.lower().endswith(".csv"),
        "the previous forecast's forecast.csv (a file name, relative to the model file)",
    )
    prev = sec.get("previous_forecast")
    if isinstance(prev, str) and not cfg.resolve(prev).is_file():
        raise ConfigError(
            f"{cfg.shown_path}: [report] previous_forecast = {prev!r}: no file at "
            f"{cfg.resolve(prev)}; expected last year's forecast.csv (sufficiency forecast "
            "MODEL --out DIR), relative to the model file"
        )
    areas = {a.code: a.phase for a in cfg.areas}
    phases = ("primary", "secondary", "special", "early_years")
    s.check("key_decision_phase", lambda v: v in phases, f"one of {', '.join(phases)}")
    if "key_decision_area" in sec:
        v = sec["key_decision_area"]
        if str(v) not in areas and str(v) != cfg.authority:
            # the closest areas of the phase asked for first (a Staffordshire trial's typo got
            # no suggestion), else of any phase
            phase = sec.get("key_decision_phase", "secondary")
            names = {a.code: a.name for a in cfg.areas}
            same = {c: n for c, n in names.items() if areas[c] == phase}
            hint = did_you_mean_code(v, same) or did_you_mean_code(v, names)
            raise ConfigError(
                f"{s.where} key_decision_area = {v!r}: no planning area {v!r} in "
                f"the model{hint}; expected a planning area of the model ([[areas]] "
                f"code{f' of a {phase} area' if phase in ('primary', 'secondary') else ''})"
                f" or the authority {cfg.authority} for an authority-wide decision"
            )
        phase = sec.get("key_decision_phase", "secondary")
        if str(v) == cfg.authority and str(v) not in areas and phase in ("primary", "secondary"):
            # mainstream places are planned area by area, so there is no authority-wide option
            # to appraise: the report said only "The options appraisal for E08000026: not
            # available in this run" (a Coventry trial)
            raise ConfigError(
                f"{s.where} key_decision_area = {v!r} with key_decision_phase = {phase!r}: "
                f"{phase} places are planned by planning area, so an authority-wide decision "
                f"({cfg.authority}) can only be of 'special' or 'early_years' places; give the "
                f"[[areas]] code of a {phase} area"
                + (
                    f" (such as {next(c for c, p in areas.items() if p == phase)})"
                    if phase in areas.values()
                    else ""
                )
                + " or set key_decision_phase = 'special' or 'early_years'"
            )
        if str(v) in areas and phase in ("primary", "secondary") and areas[str(v)] != phase:
            raise s.bad(
                "key_decision_phase",
                f"{areas[str(v)]!r}, the phase of key_decision_area {v}",
                phase,
            )
    hz = cfg.assumptions.horizon
    given = sec.get("milestones")
    # a shorter horizon than the milestones were written for: suggest the ones that fit
    fits = (
        sorted({int(m) for m in given if is_whole(m) and 0 <= m < hz} | {hz})
        if isinstance(given, list)
        else [0, hz]
    )
    s.check(
        "milestones",
        lambda v: isinstance(v, list) and v and all(is_whole(m) and 0 <= m <= hz for m in v),
        f"a list of years after the base year, each 0..{hz} (the [assumptions] horizon), "
        f"e.g. milestones = {fits}",
    )
    s.check(
        "quantile",
        lambda v: is_number(v) and 0 < v < 1,
        "a quantile of demand strictly between 0 and 1, e.g. 0.8",
    )


def check_values(cfg, missing_ok: Collection[str] = ()) -> None:
    """Check the values of every section a model definition gives (see the module docstring).

    Parameters
    ----------
    cfg : ModelConfig
        The model definition.
    missing_ok : collection of str
        Parts (``"send"``, ``"early_years"``) whose files may not exist: a file of
        ``[send]`` or ``[early_years]`` that does not exist is an error unless this names
        that part. ``sufficiency report`` names the parts it skips (``--no-send``) and those
        it may publish without (``--allow-missing send``), which it publishes without when
        their files fail to load, a missing one included (a Wolverhampton trial: a misspelt
        caseload file stopped the report with --allow-missing send, which a malformed one did
        not).

    Raises
    ------
    ConfigError
        One line naming the file, section, key, value and what was expected.
    """
    raw = cfg.raw
    if "forecast" in raw:
        _check_forecast(cfg)
    if "plan" in raw:
        _check_plan(cfg)
    if "send" in raw:
        _check_send(cfg, files="send" not in missing_ok)
    if "early_years" in raw:
        _check_early_years(cfg, files="early_years" not in missing_ok)
    if "report" in raw:
        _check_report(cfg)


def check_base_year(cfg, years: tuple[int, int]) -> None:
    """``[assumptions] base_year`` must be a year of the pupil data (``years`` = first, last).

    Run by :func:`sufficiency.inputs.load_inputs` as soon as the pupils are read, before the
    checks that take the base year for granted (``[plan] first_year``, every area covering it).

    Raises
    ------
    ConfigError
        ``base_year`` after the data's last year, or not after its first (no year to estimate
        ratios from).
    """
    by = cfg.assumptions.base_year
    first, last = int(years[0]), int(years[1])
    if by is None or first < by <= last:
        return
    raise ConfigError(
        f"{cfg.shown_path}: [assumptions] base_year = {by!r}: expected a year of the pupil data "
        f"after its first, {first + 1}..{last} (the pupil data run from "
        f"{nc.academic_year_label(first)} to {nc.academic_year_label(last)}); remove the key "
        f"to forecast from the data's last year, {last}"
    )


#: how far after the base year a tier change may be dated [years]
TIER_CHANGE_HORIZON = 30


def check_against_data(cfg, base_year: int, first_data_year: int | None = None) -> None:
    """Checks that need the data's years: plan years, options' earliest years, tier changes.

    Parameters
    ----------
    base_year : int
        The forecast's origin (``[assumptions] base_year`` or the pupil data's last year).
    first_data_year : int, optional
        The pupil data's first year (tier changes may not be dated before it).

    Raises
    ------
    ConfigError
        ``[plan] first_year`` not after the base year or beyond the forecast; ``last_year``
        beyond it; a ``[[plan.options]]`` ``earliest_year`` before the base year; a
        ``tier_changes`` year before the data or more than 30 years after the base year.

    Warns
    -----
    DataQualityWarning
        An option whose ``earliest_year`` is after the plan's last year (it can never be
        chosen).
    """
    sec = cfg.section("plan")
    last = base_year + cfg.assumptions.horizon
    label = nc.academic_year_label(base_year)
    first = sec.get("first_year")
    if first is not None and not base_year < first <= last:
        raise ConfigError(
            f"{cfg.shown_path}: [plan] first_year = {first!r}: expected a year after the data's base "
            f"year {label} and within the forecast, {base_year + 1}..{last}"
        )
    end = sec.get("last_year")
    if end is not None and end > last:
        raise ConfigError(
            f"{cfg.shown_path}: [plan] last_year = {end!r}: expected a year within the forecast "
            f"(base year {label} + horizon {cfg.assumptions.horizon} = {last})"
        )
    plan_first = first if first is not None else base_year + 1
    plan_last = end if end is not None else last
    opts = sec.get("options", [])
    for i, o in enumerate(opts if isinstance(opts, list) else []):
        ey = o.get("earliest_year") if isinstance(o, Mapping) else None
        if not is_whole(ey):
            continue
        where = f"{cfg.shown_path}: [[plan.options]] #{i + 1} ({o.get('name', '?')}) earliest_year = {ey}"
        if ey < base_year:
            raise ConfigError(
                f"{where}: expected a year from the data's base year {base_year} on (the plan "
                f"runs {plan_first}..{plan_last}; an option available from the plan's start "
                "needs no earliest_year)"
            )
        if ey > plan_last:
            import warnings

            from .exceptions import DataQualityWarning

            warnings.warn(
                f"{where}: after the plan's last year, {nc.academic_year_label(plan_last)} "
                f"(the plan runs {nc.academic_year_label(plan_first)} to "
                f"{nc.academic_year_label(plan_last)}: earliest_year {plan_first}..{plan_last}), "
                "so the option can never be chosen; expected a year in the plan",
                DataQualityWarning,
                stacklevel=3,
            )
    # a budget for a year the plan does not cover limits nothing (a trial's
    # annual_budget = { 2020 = ... } for a plan of 2027/28 on passed without a word)
    budget = sec.get("annual_budget")
    outside = (
        sorted(int(y) for y in budget if not plan_first <= int(y) <= plan_last)
        if isinstance(budget, Mapping)
        else []
    )
    if outside:
        import warnings

        from .exceptions import DataQualityWarning

        warnings.warn(
            f"{cfg.shown_path}: [plan] annual_budget: "
            f"{', '.join(nc.academic_year_label(y) for y in outside)} "
            f"{'is' if len(outside) == 1 else 'are'} outside the plan "
            f"({nc.academic_year_label(plan_first)} to {nc.academic_year_label(plan_last)}), "
            "so that budget limits nothing; expected academic years of the plan by their "
            "start (2027 = 2027/28)",
            DataQualityWarning,
            stacklevel=3,
        )
    lo = first_data_year if first_data_year is not None else base_year
    hi = base_year + TIER_CHANGE_HORIZON
    for a in cfg.areas:
        for ch in a.tier_changes:
            if not lo <= ch.year <= hi:
                raise ConfigError(
                    f"{cfg.shown_path}: [[areas]] {a.code} ({a.name}) tier_changes year = {ch.year}: "
                    f"expected a year in {lo}..{hi} (from the pupil data's first year to "
                    f"{TIER_CHANGE_HORIZON} years after the base year {base_year})"
                )
