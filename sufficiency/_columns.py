"""The data dictionary of the tables the CLI writes: what each column holds, in what unit.

Every command that writes tables to an ``--out`` folder (``forecast``, ``send`` with
``--backtest``, ``early-years``, ``plan``) writes ``columns.csv`` next to them (``backtest``,
whose ``--out`` is one file, does not: its columns are described here all the same) from :func:`dictionary_frame` (one row per
file and column: ``file, column, unit, description``), and an Excel table carries the same
rows on a second sheet, ``columns``, so that a modeller loading the files and an analyst
opening them need not guess units (pupils or places, fraction or percent, GBP).
"""

from __future__ import annotations

import pandas as pd

__all__ = ["COLUMNS", "BY_FILE", "XLSX_FORMATS", "describe", "dictionary_frame"]

#: Excel number format by unit, for tables written as xlsx (the cell keeps the exact value)
XLSX_FORMATS = {
    "pupils": "#,##0.0",
    "places": "#,##0.0",
    "children": "#,##0.0",
    "EHC plans": "#,##0.0",
    "people": "#,##0",
    "GBP": "£#,##0",
    "GBP per place": "£#,##0",
    "GBP per module": "£#,##0",
    "GBP per place per year": "£#,##0",
    "GBP per pupil per year": "£#,##0",
    "fraction": "0.00%",
}

_YEAR = (
    "academic year",
    "academic year by its first calendar year: 2027 = 2027/28 "
    "(September 2027 to August 2028), not a financial year",
)
_AREA = (
    "code",
    "planning area code (DfE SCAP planning area, 7 digits), or the authority's "
    "ONS code (9 characters, e.g. E08000027) for authority-wide rows; text: read it as a "
    "string",
)
_KIND = (
    "label",
    "actual (observed), derived (estimated from published totals, not observed) or forecast",
)

#: a pupil forecast's kind (forecast.csv and the appendix's sheet of it)
_PUPIL_KIND = (
    "label",
    "actual (observed), derived (estimated from published totals, not observed), "
    "forecast, or supplied (a forecast year's figure given in the model's known intake, "
    "[data.intake], not the model's own)",
)

_EY_KIND = (
    "label",
    "derived (the child population from births and the census) or "
    "projected (it rests on projected births)",
)

#: column -> (unit, description); a column means the same in every file it appears in
COLUMNS: dict[str, tuple[str, str]] = {
    "area": _AREA,
    "year": _YEAR,
    "ncy": (
        "year group",
        "national curriculum year: Reception = 0, Year 1..14 = 1..14, nursery N1/N2 = -2/-1",
    ),
    "phase": (
        "label",
        "phase of education (pupils: primary, secondary, sixth_form; plan: "
        "primary, secondary, special, early_years; SEND tables: special_primary, "
        "special_secondary, special_post16)",
    ),
    "tier": (
        "label",
        "school tier the year group is taught in (primary, secondary; first, "
        "middle, high in three-tier areas)",
    ),
    "pupils": (
        "pupils",
        "pupils on roll (headcount): the census where kind is actual "
        "or derived, the figure given where it is supplied, else the central forecast; "
        "unrounded",
    ),
    "pupils_lower": ("pupils", "lower bound of the 80% prediction interval"),
    "pupils_upper": ("pupils", "upper bound of the 80% prediction interval"),
    "pupils_lower_95": ("pupils", "lower bound of the 95% prediction interval"),
    "pupils_upper_95": ("pupils", "upper bound of the 95% prediction interval"),
    "kind": _KIND,
    "births_projected": (
        "true/false",
        "the cell rests on births not in the births file (nowcast or projected births)",
    ),
    "cohort": ("pupils", "the forecast from cohort survival alone (pupils less housing)"),
    "housing": ("pupils", "pupils added by the housing trajectory (0 without one)"),
    "need": ("label", "primary type of need of the EHC plan (all = every need)"),
    "scenario": (
        "label",
        "scenario of the forecast or plan (SEND: trend, national, stops; "
        "plan: central or a demand quantile)",
    ),
    "places": (
        "places",
        "places needed (SEND: special school places; early years: full-time "
        "equivalent funded places; plan: places added); unrounded",
    ),
    "places_lower": ("places", "lower bound of the 80% range of places"),
    "places_upper": ("places", "upper bound of the 80% range of places"),
    "capacity": (
        "places",
        "places available (net capacity; SEND: special school places; "
        "early years: supply); blank where not known",
    ),
    "shortfall": (
        "places",
        "places short: demand less capacity where above 0, else 0; blank "
        "where capacity is not known",
    ),
    "supply": ("places", "early years places offered (FTE); blank before the supply year"),
    "band": (
        "age band",
        "age band of the children or young people in years at 31 August, as the "
        "DfE words it without 'Age' (0 to 4, 5 to 10, 11 to 15, 16 to 19, 20 to 25; "
        "'0 to 4' is the DfE's 'Under 5'); text, written 'N to M', which Excel "
        "keeps as text",
    ),
    "placement": (
        "label",
        "where the EHC plan's holder is placed (e.g. special_school, "
        "mainstream, alternative_provision)",
    ),
    "plans": ("EHC plans", "education, health and care plans (caseload in January)"),
    "plans_lower": ("EHC plans", "lower bound of the 80% range of plans"),
    "plans_upper": ("EHC plans", "upper bound of the 80% range of plans"),
    "population": (
        "people",
        "population of the age band, derived (docs/send_early_years.md): ONS births and mid-2011 "
        "estimates, and at school ages the January census (pupils at the authority's schools, "
        "residents or not) scaled to ONS mid-2011",
    ),
    "prevalence": ("fraction", "plans per person of the age band's population (0.0032 = 0.32%)"),
    "age": ("label", "age of the children: 2 (two-year-olds), 3_4 (three- and four-year-olds)"),
    "entitlement": ("label", "funded entitlement (all = every entitlement summed)"),
    "children": ("children", "children taking up the entitlement (headcount)"),
    # plan
    "option": ("label", "option identifier: area:phase:kind"),
    "capacity_before": ("places", "places before the plan"),
    "added": ("places", "places the plan adds in this year (in place that year)"),
    "moved_out": ("pupils", "pupils placed in a neighbouring area ([[plan.adjacency]])"),
    "moved_in": ("pupils", "pupils placed here from a neighbouring area"),
    "capacity_after": ("places", "places after the plan"),
    "required": ("places", "places required: demand plus the operating margin"),
    "shortfall_before": ("places", "places short of required before the plan"),
    "shortfall_after": ("places", "places short of required after the plan"),
    "surplus_after": ("places", "capacity after the plan less demand (negative: short)"),
    "surplus_pct_after": (
        "fraction",
        "surplus_after / capacity_after (0.05 = 5%; named _pct "
        "for compatibility, it is a fraction)",
    ),
    "from_area": ("code", "planning area the pupils live in ([[plan.adjacency]]); text"),
    "to_area": ("code", "neighbouring planning area the pupils are placed in; text"),
    "cost_per_pupil": (
        "GBP per pupil per year",
        "cost of placing a pupil next door for a year (transport)",
    ),
    "family": (
        "label",
        "what binds: sufficiency (margin met exactly or a shortfall left), module_limit, budget, "
        "or lead_time (an option that could not open before its earliest year)",
    ),
    "detail": ("text", "what the constraint says for this row"),
    "marginal_cost": (
        "GBP per place",
        "cost of one more place needed in that area and year (the constraint's dual value); "
        "where places are left short it is the plan's penalty for a place short ([plan] "
        "shortfall_penalty, GBP 1,000,000 by default), not a cost of building",
    ),
    "modules": ("modules", "modules (forms of entry, classes) built"),
    "cost": ("GBP", "capital cost, cash terms"),
    "cost_per_place": ("GBP per place", "capital cost per place"),
    "cost_per_module": ("GBP per module", "capital cost per module"),
    "revenue_per_place": ("GBP per place per year", "revenue cost per place a year"),
    "max_modules": (
        "modules",
        "most modules the option may build in all (0 = no limit in all: bulge classes are "
        "limited by max_per_year only)",
    ),
    "max_per_year": ("modules", "most modules a year (0 = no limit)"),
    "min_modules": ("modules", "fewest modules once built"),
    "earliest_year": _YEAR[:1] + ("first academic year the option's places can be in use",),
    "duration": ("years", "years a temporary option lasts (0 = permanent)"),
    "fill_years": ("years", "years a new school takes to fill"),
    "source": ("text", "where the figure comes from"),
    "scheme": ("text", "named scheme from the model definition, if any"),
    # backtest
    "origin": _YEAR[:1] + ("base year the forecast was made from (last census used)",),
    "target_year": _YEAR[:1] + ("academic year forecast",),
    "horizon": ("years", "target_year - origin"),
    "forecast": ("pupils", "forecast pupils (authority total of the phase)"),
    "actual": ("pupils", "pupils in the census of the target year"),
    "pct_error": ("fraction", "(forecast - actual) / actual (0.01 = 1%)"),
    "lower80": ("pupils", "lower bound of the 80% interval"),
    "upper80": ("pupils", "upper bound of the 80% interval"),
    "pct_error_last": ("fraction", "error of last year carried forward (0.01 = 1%)"),
    "pct_error_cohort3": ("fraction", "error of plain cohort survival, 3-year means (0.01 = 1%)"),
    "median_abs_error": ("fraction", "median absolute error (0.01 = 1%)"),
    "bias": ("fraction", "mean signed error; positive: over-forecast (0.01 = 1%)"),
    "n": ("cases", "number of forecasts scored"),
    "authority_error": (
        "fraction",
        "error of the authority's own forecast, DfE scorecards "
        "(0.01 = 1%); blank where not published",
    ),
    # report: appendix.xlsx and the SCAP CSVs
    "demand": ("pupils", "pupils to be accommodated, before the margin"),
    "demand_lower": ("pupils", "lower bound of the 80% interval of demand"),
    "demand_upper": ("pupils", "upper bound of the 80% interval of demand"),
    "demand_lower_95": ("pupils", "lower bound of the 95% interval of demand"),
    "demand_upper_95": ("pupils", "upper bound of the 95% interval of demand"),
    "demand_q": ("pupils", "demand at the stress percentile ([report] quantile)"),
    "surplus": ("places", "capacity less demand (negative: short)"),
    "surplus_pct": ("fraction", "surplus / demand (0.05 = 5%)"),
    "rag": (
        "label",
        "red (short of the margin by more than half a place) / amber / green / blue against "
        "the margin, surplus target and ceiling",
    ),
    "school": ("code", "DfE school number (LAEstab); text"),
    "school_name": ("text", "school name"),
    "ncy_min": ("year group", "youngest year group the school teaches (Reception = 0)"),
    "ncy_max": ("year group", "oldest year group the school teaches"),
    "roll": ("pupils", "pupils on roll at the school"),
    "scap_phase": ("label", "the school's phase in the SCAP capacity file"),
    "ncy_named": (
        "true/false",
        "year groups taken from the school's name (first, infant, junior school)",
    ),
    "code": ("code", "planning area code; text"),
    "la_code": ("code", "DfE local authority number (3 digits)"),
    "planning_area": ("code", "SCAP planning area code (7 digits); text"),
    "planning_area_name": ("text", "planning area name"),
    "time_period": ("academic year", "academic year in the DfE's form: 202728 = 2027/28"),
    "academic_year": ("academic year", "academic year as text: 2027/28"),
    "nc_year": (
        "year group",
        "national curriculum year: R, Y1..Y13 (the DfE's published "
        "forecasts write Reception, Year 01..Year 11)",
    ),
    "census": ("text", "the January census the forecast starts from"),
    "history": ("label", "observed or derived planning-area history behind the row"),
    "authority": ("code", "the authority's ONS code (9 characters, e.g. E08000027)"),
    "education_phase": (
        "label",
        "the DfE phase of the row in its specialist forecasts: "
        "Primary (Reception-Year 6) or Secondary (Year 7-Year 11); "
        "blank for post-16, which they do not cover",
    ),
    "places_lower80": ("places", "lower bound of the 80% range, rounded down to whole places"),
    "places_upper80": ("places", "upper bound of the 80% range, rounded up to whole places"),
    "caseload": ("text", "the January EHC plan caseload the SEND forecast starts from"),
    "model_scenario": ("text", "the scenario's model file: not for submission"),
    "winner": ("label", "model or authority: the smaller absolute error"),
    # sufficiency compare --out, and the appendix's Changes since last forecast sheet
    "previous": ("pupils", "the previous forecast's pupils (phase total)"),
    "previous_kind": ("label", "what the previous figure is: forecast (only its forecast years)"),
    "current": ("pupils", "the current forecast's pupils, or its census where it has one"),
    "current_kind": (
        "label",
        "actual (census; an all-areas total of derived history too, which sums to it), "
        "derived (apportioned census) or forecast",
    ),
    "change": ("pupils", "current - previous (positive: higher now)"),
    "change_pct": ("fraction", "change / previous (0.01 = 1%)"),
}


#: (file stem, column) -> (unit, description) where a file's column means something else
BY_FILE: dict[tuple[str, str], tuple[str, str]] = {
    ("plan", "kind"): (
        "label",
        "kind of option: bulge_class (temporary), permanent_expansion, new_school, ...",
    ),
    ("options", "kind"): (
        "label",
        "kind of option: bulge_class (temporary), permanent_expansion, new_school, ...",
    ),
    ("options appraisal", "kind"): (
        "label",
        "kind of option: bulge_class (temporary), permanent_expansion, new_school, ...",
    ),
    ("options", "places"): ("places", "places one module adds"),
    ("moves", "pupils"): ("pupils", "pupils placed in to_area that year"),
    ("moves", "cost"): ("GBP", "cost of the moves that year (pupils x cost_per_pupil)"),
    ("plan", "places"): ("places", "places the build adds (modules x places per module)"),
    ("cost_by_year", "places"): ("places", "places the plan adds that year"),
    ("cost_by_year", "year"): _YEAR,
    ("plan", "year"): (
        "academic year",
        "academic year the places are first in use (2027 = 2027/28)",
    ),
    ("scap_pupil_forecasts", "pupils"): (
        "pupils",
        "forecast pupils, whole: each area's yearly total is its forecast total rounded",
    ),
    ("scap_special_places", "places"): (
        "places",
        "special school places needed, whole: each rounded on its own, as the report prints it",
    ),
    ("scap_special_places", "capacity"): ("places", "special school places assumed available"),
    ("capital programme", "year"): ("academic year", "academic year as text: 2027/28"),
    ("capital programme", "spend in financial year"): (
        "financial year",
        "the financial year (April to March) the capital is spent in, as text: 2027-28",
    ),
    ("early_years_demand", "capacity"): (
        "places",
        "early years supply (FTE places), early_years.csv's supply summed over ages; "
        "named capacity as the plan reads it; blank before the supply year",
    ),
    ("forecast", "kind"): _PUPIL_KIND,
    # the same table in the appendix, and its forecast years in the SCAP CSV
    ("forecast by year group", "kind"): _PUPIL_KIND,
    ("scap_pupil_forecasts", "kind"): (
        "label",
        "forecast, or supplied (a figure given in the model's known intake, [data.intake], "
        "not the model's own)",
    ),
    ("forecast", "phase"): (
        "label",
        "phase of the year group: primary (R-Y6), secondary (Y7-Y11) or sixth_form (Y12-Y13)",
    ),
    ("phase_totals", "phase"): (
        "label",
        "primary (R-Y6), secondary (Y7-Y11) or sixth_form (Y12-Y13)",
    ),
    ("early_years", "kind"): _EY_KIND,
    ("early_years_by_entitlement", "kind"): _EY_KIND,
    ("early_years_demand", "phase"): (
        "label",
        "early_years: every age together, as the plan reads them",
    ),
    ("send_backtest", "area"): ("code", "the authority's ONS code (E06000019)"),
    ("send_backtest", "la_name"): ("text", "the authority's name"),
    ("send_backtest", "release"): ("year", "the SEN2 release the outcome comes from"),
    ("send_backtest", "origin"): ("year", "the last January caseload the forecast used"),
    ("send_backtest", "year"): ("year", "the January caseload forecast"),
    ("send_backtest", "horizon"): ("years", "year - origin"),
    ("send_backtest", "actual"): ("EHC plans", "total EHC plans in the SEN2 release"),
    ("send_backtest", "naive"): ("EHC plans", "last year's count carried forward"),
    ("send_backtest", "trend"): ("EHC plans", "forecast, trend scenario"),
    ("send_backtest", "national"): ("EHC plans", "forecast, national scenario"),
    ("send_backtest", "stops"): ("EHC plans", "forecast, stops scenario"),
    ("send_backtest", "trend_lower"): (
        "EHC plans",
        "lower bound of the trend's 80% range (blank where not scored)",
    ),
    ("send_backtest", "trend_upper"): ("EHC plans", "upper bound of the trend's 80% range"),
    ("send_backtest", "covered_80"): (
        "true/false",
        "actual inside the trend's 80% range; blank where not scored",
    ),
    ("send_backtest", "err_naive"): ("fraction", "(naive - actual) / actual (0.01 = 1%)"),
    ("send_backtest", "err_trend"): ("fraction", "(trend - actual) / actual"),
    ("send_backtest", "err_national"): ("fraction", "(national - actual) / actual"),
    ("send_backtest", "err_stops"): ("fraction", "(stops - actual) / actual"),
    ("send_demand", "phase"): (
        "label",
        "special: all special school phases together, as the plan reads them",
    ),
}


def describe(column: str, file: str = "") -> tuple[str, str]:
    """(unit, description) of a written column (of the file named ``file``, whose stem picks
    a file's own meaning); ``("", "")`` for one not in the dictionary."""
    stem = str(file).rsplit("/", 1)[-1].split(".", 1)[0].lower()
    return BY_FILE.get((stem, str(column))) or COLUMNS.get(str(column), ("", ""))


def dictionary_frame(tables: dict[str, pd.DataFrame | list[str]]) -> pd.DataFrame:
    """One row per file and column of ``tables`` ({file name: frame or column names}), in
    the files' order and each file's column order: file, column, unit, description."""
    rows = []
    for name, frame in tables.items():
        cols = list(frame.columns) if isinstance(frame, pd.DataFrame) else list(frame)
        for c in cols:
            unit, desc = describe(c, name)
            rows.append((name, str(c), unit, desc))
    return pd.DataFrame(rows, columns=["file", "column", "unit", "description"])
