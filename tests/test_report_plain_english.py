"""The report reads as plain English to councillors: no engine identifiers in its prose.

A checker renders the report, strips the tags and looks for the engine's own words in what a
reader sees: snake_case names (``births_projected``, ``extended_3_4``), the model file's
sections in brackets (``[plan.special]``) and class names (``ForecastResult``). Raw keys are
allowed only where the report shows them on purpose, for an analyst to trace a figure: the
Sources chapter, the raw-key cells of the assumptions table and the engine's warnings quoted
as it gave them (class ``trace``), ``<code>``,
file and folder names (``scap_pupil_forecasts.csv``), a command line a reader may run, and a
name given as a column of an output file ("column births_projected of the forecast table").
"""

from __future__ import annotations

import html as h
import logging
import re
import warnings

import pytest

from sufficiency import load_inputs, load_model
from sufficiency.report import build_report, render_html, run_pipeline
from sufficiency.report.render import page_sections

DATE = "2026-11-27"

#: what a reader sees is not checked inside these (raw keys shown on purpose)
_EXEMPT = (
    re.compile(r"<(style|script|svg|code)\b.*?</\1>", re.S),
    re.compile(r'<section class="chapter" id="sources">.*?</section>', re.S),
    re.compile(r'<(td|th|span|p|small|ul)\b[^>]*class="[^"]*\btrace\b[^"]*"[^>]*>.*?</\1>', re.S),
)
_FILE = re.compile(r"[\w./-]+\.(?:csv|xlsx|toml|json|html|pdf|txt)\b")
#: a command line the report gives for reproducing a figure
_COMMAND = re.compile(r"\bsufficiency [a-z-]+(?: --[a-z-]+ [^\s()]+)+")
#: "column births_projected", "columns pct_error, pct_error_last and lower80", "folder
#: school_places_scorecards": a name of an output file's column, or of a folder of data
_COLUMNS = re.compile(r"\b(?:columns?|folder) [a-z0-9_]+(?:(?:,| and|, and) [a-z0-9_]+)*")
ENGINE_WORD = re.compile(
    r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"  # snake_case: births_projected
    r"|\[\[?[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*\]\]?"  # TOML sections: [plan.special]
    r"|\b[A-Z][a-z]+[A-Z][a-z]+\w*\b"  # class names: ForecastResult
)


def no_charts(jobs):
    """A :func:`~sufficiency.report.render.page_sections` drawer that draws no chart: the
    check reads the prose, and SVG is left out of it anyway (drawing them took most of a
    render)."""
    return lambda: [""] * len(jobs)


def report_text(html: str) -> str:
    """What a reader of the HTML sees, one line per block, the exempt parts left out."""
    for pat in _EXEMPT:
        html = pat.sub(" ", html)
    html = re.sub(r"<(?:p|li|tr|td|th|h[1-6]|div|br)\b[^>]*>", "\n", html)
    return h.unescape(re.sub(r"<[^>]+>", " ", html))


def engine_words(html: str) -> list[tuple[str, str]]:
    """``(word, its line)`` for every engine identifier in the report's prose."""
    out = []
    for line in report_text(html).splitlines():
        line = " ".join(line.split())
        bare = _COLUMNS.sub(" ", _FILE.sub(" ", _COMMAND.sub(" ", line)))
        out += [(m.group(0), line) for m in ENGINE_WORD.finditer(bare)]
    return out


def test_the_checker_finds_engine_words_and_spares_traced_keys():
    page = (
        "<p>the cells are flagged births_projected; see [plan.special] and "
        "ForecastResult.coverage</p><p>scap_pupil_forecasts.csv (column births_projected "
        'of the forecast table)</p><table><tr><td>margin</td><td class="trace">plan: '
        "shortfall_penalty</td></tr></table><p><code>first_year</code></p>"
        '<section class="chapter" id="sources"><p>ehc_plans</p></section>'
    )
    assert [w for w, _ in engine_words(page)] == [
        "births_projected",
        "[plan.special]",
        "ForecastResult",
    ]


def quiet_report(model_path, date: str = DATE):
    """A model's whole report (SEND and early years included) as the CLI renders it, without
    its charts and without its warnings and log: ``(data, html)``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.getLogger("sufficiency").disabled = True
        try:
            inputs = load_inputs(load_model(model_path))
            results = run_pipeline(inputs)
        finally:
            logging.getLogger("sufficiency").disabled = False
    missing = results.pop("missing")
    results.pop("seconds")
    data = build_report(inputs, **results, missing=missing, report_date=date)
    return data, render_html(data, page_sections(data, no_charts))


@pytest.fixture(scope="module")
def full(model_path):
    """The whole report (SEND and early years included) as the CLI renders it."""
    return quiet_report(model_path)


def test_the_report_prose_has_no_engine_identifiers(full):
    found = engine_words(full[1])
    assert not found, "\n".join(f"{w}: {line[:200]}" for w, line in found)


def test_assumptions_grouped_in_words_and_every_setting_in_the_appendix(full):
    """The Method chapter's assumptions table was ~70 raw rows ("plan: shortfall_penalty
    1000000.0 worcestershire.toml [plan]"). It now shows, by topic, the settings a councillor
    might question, each in words with its unit, its source and its raw key last; the rest
    (penalties, files, fine tuning) are in the appendix's sheet Assumptions, which the
    chapter names and which still has every setting of the model."""
    from sufficiency.report.build import ASSUMPTION_TOPICS, _flatten
    from sufficiency.report.tables import appendix_tables

    data, html = full
    a = data.assumptions
    chapter = re.search(r'<table class="assumptions">.*?</table>', html, re.S).group(0)
    shown = int(a["in the report"].sum())
    assert chapter.count("<td>") // 2 == shown < len(a) and shown <= 40
    for topic in ASSUMPTION_TOPICS[:4]:
        assert f'<th scope="colgroup" colspan="4">{topic}</th>' in chapter
    assert "appendix.xlsx), sheet Assumptions" in html
    assert "shortfall_penalty" not in report_text(chapter)
    rows = a.set_index("key")
    assert rows.loc["plan.shortfall_penalty", "set in"] == "worcestershire.toml [plan]"
    assert rows.loc["assumptions.margin", "value"] == "2.0%"
    assert rows.loc["early_years.hours_per_place", "value"] == "30 hours a week"
    # every setting of the model file is a row of the appendix's sheet
    sheet = appendix_tables(data)["Assumptions"].frame
    assert len(sheet) == len(a)
    from conftest import MODEL

    cfg = load_model(MODEL)
    for section in ("forecast", "plan", "send", "early_years", "report"):
        for k, _ in _flatten(cfg.section(section)):
            assert f"{section}.{k}" in set(sheet["key"]), k


def test_a_scenarios_changes_are_named_in_words(full):
    """A scenario's report said it "changes worcestershire.toml in [[plan.options]] (1
    entry)": the changes are now named as the assumptions table names them."""
    from sufficiency.report.text import setting_words

    data = full[0]
    assert setting_words(data, "[[plan.options]] (1 entry)") == "local plan options (1 entry)"
    assert setting_words(data, "[assumptions] margin") == "minimum margin of spare places"
    assert setting_words(data, "[forecast] halflife") == "weight of past years: halves every"
    assert setting_words(data, "[[areas]] (2 entries)") == "planning areas (2 entries)"
    assert not engine_words("<p>" + setting_words(data, "[data] housing") + "</p>")


def test_parts_not_run_are_named_in_words(inputs, core_pipeline):
    """Without SEND and early years the report lists what is not available: in words, not
    as the engine's keys ("early_years: not supplied to this run")."""
    results, missing = core_pipeline
    data = build_report(inputs, **results, missing=missing, report_date=DATE)
    found = engine_words(render_html(data, page_sections(data, no_charts)))
    assert not found, "\n".join(f"{w}: {line[:200]}" for w, line in found)


# ---------------------------------------------------------------------------
# A horizon other than 10 years: the recommendations keep to the forecast's years


@pytest.fixture(scope="module")
def short_horizon(tmp_path_factory):
    """The default model forecast 5 years ahead (to 2027/28): the plan's first year is its
    last, and the key decision's permanent options (earliest September 2028) open after it."""
    from conftest import edited_model

    from sufficiency.report.text import executive_summary, recommendations

    p = edited_model(
        tmp_path_factory.mktemp("h5"),
        [("horizon = 10 ", "horizon = 5  "), ("milestones = [0, 5, 10]", "milestones = [0, 3, 5]")],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.getLogger("sufficiency").disabled = True
        try:
            inputs = load_inputs(load_model(p))
            results = run_pipeline(inputs, with_send=False, with_early_years=False)
        finally:
            logging.getLogger("sufficiency").disabled = False
    missing = results.pop("missing")
    results.pop("seconds")
    data = build_report(inputs, **results, missing=missing, report_date=DATE)
    return data, recommendations(data), executive_summary(data)


def test_short_horizon_recommendations_say_which_options_open_after_the_forecast(short_horizon):
    """With a 5-year horizon the key decision's new school and expansions open in September
    2028, after the forecast's last year: the recommendation named them with their opening
    and agreed bulge classes instead, as though they had been weighed against demand (the
    appraisal shows them leaving the whole shortfall, as they open after every year it
    counts). It now says they open after the forecast and asks for them to be appraised over
    a longer one."""
    data, recs, _ = short_horizon
    last = int(data.sufficiency["year"].max())
    assert last == 2027
    rec = next(r for r in recs if "the recommended option for" in r)
    assert "earliest September 2028, after 2027/28, the last year this report forecasts" in rec
    assert "cannot open within this report's forecast, which ends in 2027/28" in rec


def test_short_horizon_text_names_no_year_beyond_the_forecast_unlabelled(short_horizon):
    """Every academic year the recommendations and summary name after the forecast's last
    year is said to be beyond it (or is a limit: "cannot open before 2028/29"), and no fixed
    '10 years' is left in them."""
    data, recs, summary = short_horizon
    last = int(data.sufficiency["year"].max())
    for text in recs + summary:
        assert "10 years" not in text and "ten years" not in text, text
        for m in re.finditer(r"\b(20\d\d)/\d\d\b|September (20\d\d)", text):
            y = int(m.group(1) or m.group(2))
            if y > last and not text[: m.start()].endswith("before "):
                near = text[max(0, m.start() - 200) : m.end() + 120]
                assert (
                    "beyond the forecast" in near
                    or "after 2027/28, the last year" in near
                    or "after it" in near
                ), (m.group(0), near)


def test_short_horizon_options_table_says_which_options_open_after_the_forecast(short_horizon):
    """The key decision's table showed the new school and the expansions (opening 2028/29)
    leaving the whole shortfall, as doing nothing does: its note now says why."""
    from sufficiency.report.tables import key_decision_table

    data, *_ = short_horizon
    t = key_decision_table(data)
    late = t.frame.loc[t.frame["opens"] > 2027, ""].tolist()
    assert len(late) == 2
    assert (
        f"{late[0]} and {late[1]} open after 2027/28, the forecast's last year: their 'most "
        "short' is that of doing nothing because the forecast ends before they open"
    ) in t.note


def test_default_horizon_options_table_has_no_such_note(full):
    from sufficiency.report.tables import key_decision_table

    assert "the forecast's last year" not in key_decision_table(full[0]).note
