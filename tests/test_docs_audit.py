"""What the user documentation says the CLI and the model file do stays true.

An audit of README.md, docs/*.md and the commands' --help found claims that had drifted from
the code (files a command writes left out of its help, a column dictionary naming a
constraint family that does not exist, stale printed tables). These tests catch such drift:

* the flags and choices of each command in the README's command table are the CLI's;
* every key a docs/model.md key table lists is one the model loader accepts, and the
  defaults it states for [assumptions], [plan], [send], [report] and [forecast.housing] are
  the code's;
* the files forecast, send, early-years and plan write to --out are those their --help and
  the README name (one small run each on the embedded Worcestershire model);
* the SEND and early years tables printed in docs/send_early_years.md are what the CLI prints;
* the report's files in the README, its --help and its --only choices agree (no report run).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from sufficiency._model_checks import spec
from sufficiency.cli import cli

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "worcestershire.toml"
README = (ROOT / "README.md").read_text(encoding="utf-8")
MODEL_DOC = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
SEND_EY_DOC = (ROOT / "docs" / "send_early_years.md").read_text(encoding="utf-8")


def _command(name: str) -> click.Command:
    cmd: click.Command = cli
    ctx = click.Context(cli)
    for part in name.split():
        assert isinstance(cmd, click.Group)
        cmd = cmd.get_command(ctx, part)
        assert cmd is not None, f"no command {name!r}"
    return cmd


def _help(name: str) -> str:
    res = CliRunner().invoke(cli, [*name.split(), "--help"])
    assert res.exit_code == 0, res.output
    return re.sub(r"\s+", " ", res.output)


# -- the README's command table ---------------------------------------------------------------

_ROWS = re.findall(r"^\| `sufficiency ((?:data list)|[\w-]+) ([^`]*)` \|", README, flags=re.M)


def test_readme_lists_every_command():
    listed = {name for name, _ in _ROWS}
    ctx = click.Context(cli)
    commands = {n for n in cli.list_commands(ctx) if n != "data"} | {"data list"}
    assert listed == commands, f"README command table: {sorted(listed ^ commands)}"


@pytest.mark.parametrize("name,args", _ROWS, ids=[n for n, _ in _ROWS])
def test_readme_command_flags_are_the_clis(name, args):
    cmd = _command(name)
    options = {o: p for p in cmd.params if isinstance(p, click.Option) for o in p.opts}
    documented = set(re.findall(r"--[\w-]+", args))
    assert documented <= set(options), f"README {name}: no such flag {documented - set(options)}"
    undocumented = {o for o in options if o.startswith("--") and o != "--help"} - documented
    assert not undocumented, f"README {name}: flags not in the command table {undocumented}"
    # choices written `--flag a\|b\|c` are the flag's choices
    for flag, choices in re.findall(r"(--[\w-]+) ([\w-]+(?:\\\|[\w-]+)+)", args):
        p = options[flag]
        assert isinstance(p.type, click.Choice), f"README {name} {flag}: not a choice"
        assert set(choices.split("\\|")) == set(p.type.choices), (
            f"README {name} {flag}: documents {choices}, the CLI takes {p.type.choices}"
        )


def test_readme_backtest_example_values_are_the_defaults():
    args = dict(_ROWS)["backtest"]
    cmd = _command("backtest")
    defaults = {
        p.name: ",".join(p.default) for p in cmd.params if p.name in ("origins", "horizons")
    }
    assert f"--origins {defaults['origins']} " in args
    assert f"--horizons {defaults['horizons']} " in args


# -- docs/model.md: keys and defaults ----------------------------------------------------------


def _model_sections() -> dict[str, str]:
    parts = re.split(r"^## (.*)$", MODEL_DOC, flags=re.M)
    out = {}
    for i in range(1, len(parts), 2):
        m = re.search(r"`\[\[?([\w.]+)\]?\]`", parts[i])
        if m:
            out[m.group(1)] = parts[i + 1]
    return out


def _key_tables(body: str) -> list[list[dict[str, str]]]:
    """The markdown tables of a section whose first column is ``key``, as lists of rows."""
    tables = []
    for block in re.findall(r"((?:^\|.*\|\n)+)", body, flags=re.M):
        lines = block.strip("\n").split("\n")
        head = [c.strip() for c in lines[0].strip("|").split("|")]
        if head[0] != "key":
            continue
        rows = []
        for line in lines[2:]:
            cells = [c.strip() for c in line.strip("|").split("|")]
            rows.append(dict(zip(head, cells)))
        tables.append(rows)
    return tables


def _all_keys(sp) -> set[str]:
    if isinstance(sp, list):
        return _all_keys(sp[0])
    if not isinstance(sp, dict):
        return set()
    return set(sp) | {k for sub in sp.values() for k in _all_keys(sub)}


@pytest.mark.parametrize("section", list(spec()))
def test_every_key_model_md_lists_is_accepted(section):
    """The reverse of tests/test_docs_model.py: no documented key the loader would reject."""
    body = _model_sections()[section]
    allowed = _all_keys(spec()[section])
    if section == "data":
        allowed |= {"path", "reader"}
    listed = [
        re.sub(r"`", "", r["key"]) for t in _key_tables(body) for r in t if r["key"].startswith("`")
    ]
    assert listed, f"docs/model.md [{section}]: no key table found"
    bad = [k for k in listed if k not in allowed]
    assert not bad, f"docs/model.md [{section}]: keys the loader rejects: {bad}"


def _stated_defaults(section: str, subsection: str | None = None) -> dict[str, object]:
    """``key -> default`` of the key tables of a section (or of its ``### subsection``) whose
    default cell is one TOML value in backticks."""
    body = _model_sections()[section]
    if subsection is None:
        body = body.split("\n### ", 1)[0]
    else:
        body = body.split(f"### `[{subsection}]`", 1)[1].split("\n### ", 1)[0]
    out = {}
    for table in _key_tables(body):
        for r in table:
            m = re.fullmatch(r"`([^`]*)`", r.get("default", ""))
            if m and r["key"].startswith("`"):
                try:
                    out[r["key"].strip("`")] = tomllib.loads(f"v = {m.group(1)}")["v"]
                except tomllib.TOMLDecodeError:
                    out[r["key"].strip("`")] = m.group(1)
    return out


def test_assumptions_defaults_are_the_codes():
    from sufficiency.config import Assumptions

    stated = _stated_defaults("assumptions")
    a = Assumptions()
    for k in ("horizon", "margin", "surplus_target", "surplus_ceiling", "seed"):
        assert stated[k] == getattr(a, k), f"docs/model.md [assumptions] {k}"


def test_plan_defaults_are_the_codes():
    from sufficiency.config import DEFAULT_SCORECARDS
    from sufficiency.optimise.data import PlanSettings

    stated = _stated_defaults("plan")
    s = PlanSettings()
    for k in (
        "shortfall_penalty",
        "shortfall_tolerance",
        "target_penalty",
        "surplus_penalty",
        "discount_rate",
        "time_limit",
        "mip_gap",
    ):
        assert stated[k] == getattr(s, k), f"docs/model.md [plan] {k}: {stated[k]}"
    assert stated["scorecards"] == DEFAULT_SCORECARDS


def test_send_and_report_defaults_are_the_codes():
    from sufficiency.report.build import REPORT_DEFAULTS
    from sufficiency.send import _DEFAULTS, _SEN2_FILES, SCENARIOS

    stated = _stated_defaults("send")
    assert tuple(stated["scenarios"]) == SCENARIOS and stated["scenario"] == "trend"
    for k, v in _DEFAULTS.items():
        assert stated[k] == v, f"docs/model.md [send] {k}: {stated[k]}, the code {v}"
    files = {
        r["key"].strip("`"): r["default"].strip("`")
        for t in _key_tables(_model_sections()["send"].split("### `[send.files]`", 1)[1])
        for r in t
    }
    assert files == dict(_SEN2_FILES)
    stated = _stated_defaults("report")
    for k in ("title", "key_decision_phase", "quantile"):
        assert stated[k] == REPORT_DEFAULTS[k], f"docs/model.md [report] {k}"
    assert tuple(stated["milestones"]) == tuple(REPORT_DEFAULTS["milestones"])


def test_housing_defaults_are_the_codes():
    from sufficiency.housing import DEFAULT_ARRIVAL, DEFAULT_YIELDS

    stated = _stated_defaults("forecast", "forecast.housing")
    assert stated["yields"] == dict(DEFAULT_YIELDS)
    assert tuple(stated["arrival"]) == DEFAULT_ARRIVAL


def test_hours_per_place_default_in_help_and_doc():
    stated = _stated_defaults("early_years")
    assert stated["hours_per_place"] == 30.0
    assert "else 30)" in _help("early-years")


# -- files each command writes ------------------------------------------------------------------


def _run(tmp: Path, *args: str) -> tuple[str, set[str]]:
    out = tmp / args[0]
    res = CliRunner().invoke(cli, ["-q", *args, str(MODEL), "--out", str(out)])
    assert res.exit_code == 0, res.output
    return res.output, {p.name for p in out.iterdir()}


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, tuple[str, set[str]]]:
    """forecast, send, early-years and plan, once each, on the embedded model (~7 s)."""
    tmp = tmp_path_factory.mktemp("docs_audit")
    return {c: _run(tmp, c) for c in ("forecast", "send", "early-years", "plan")}


def _help_files(name: str) -> set[str]:
    """File names a command's --help says it writes (``send.<fmt>`` read as csv)."""
    text = _help(name).replace("<fmt>", "csv")
    return set(re.findall(r"\b[a-z_]+\.(?:csv|txt)\b", text))


@pytest.mark.parametrize("name", ["forecast", "send", "early-years", "plan"])
def test_files_written_are_those_the_help_names(runs, name):
    written = runs[name][1]
    named = _help_files(name)
    if name == "send":
        named.discard("send_backtest.csv")  # only with --backtest
    if name == "plan":
        assert "moves.csv" in named  # only with [[plan.adjacency]] moves
        named.discard("moves.csv")
    assert written == named, f"{name} --help: names {sorted(named)}, writes {sorted(written)}"


def test_plan_files_are_those_the_readme_names(runs):
    section = README.split("## The plan", 1)[1].split("\n## ", 1)[0]
    said = re.search(r"it writes\n?(.*?)when it places any", section, flags=re.S).group(1)
    named = set(re.findall(r"`([\w.]+\.(?:csv|txt))`", said))
    assert named - {"moves.csv"} | {"columns.csv"} == runs["plan"][1]


def _doc_block(first_line_starts: str) -> list[str]:
    for block in re.findall(r"```\n(.*?)```", SEND_EY_DOC, flags=re.S):
        if block.startswith(first_line_starts):
            return block.rstrip("\n").split("\n")
    raise AssertionError(f"docs/send_early_years.md: no output block {first_line_starts!r}")


@pytest.mark.parametrize(
    "name,start", [("send", "Special school places"), ("early-years", "Early years funded places")]
)
def test_send_early_years_doc_tables_are_what_the_cli_prints(runs, name, start):
    block = _doc_block(start)
    printed = runs[name][0].split("\n")[: len(block)]
    assert printed == block, f"docs/send_early_years.md: the {name} table is not the CLI's"


# -- the report's files -------------------------------------------------------------------------


def test_report_files_agree_in_readme_and_help():
    table = README.split("## The report", 1)[1].split("\nContents:", 1)[0]
    in_table = set(re.findall(r"^\| `([\w.]+)` \|", table, flags=re.M))
    quick = README.split("## Quick start", 1)[1].split("```", 1)[0]
    in_quick = set(re.findall(r"`(?:out/)?([\w]+\.(?:html|pdf|xlsx|csv|json))`", quick))
    in_help = set(re.findall(r"\b([a-z_]+\.(?:html|pdf|xlsx|csv|json))\b", _help("report")))
    assert in_table == in_quick == in_help, (sorted(in_table), sorted(in_quick), sorted(in_help))
    only = _command("report").params
    choices = next(p for p in only if p.name == "only").type.choices
    ext = {"html": "html", "pdf": "pdf", "xlsx": "xlsx", "scap": "csv", "json": "json"}
    assert {ext[c] for c in choices} == {f.rsplit(".", 1)[1] for f in in_table}


# -- binding constraints: the families the CSV's dictionary names --------------------------------


def test_binding_family_description_names_real_families(runs):
    """columns.csv said '(lead_time, budget, max_modules, ...)': max_modules is no family."""
    from sufficiency._columns import COLUMNS

    text = COLUMNS["family"][1]
    named = set(re.findall(r"\b(sufficiency|module_limit|budget|lead_time|max_modules)\b", text))
    assert named == {"sufficiency", "module_limit", "budget", "lead_time"}
    plan_doc = (ROOT / "docs" / "plan.md").read_text(encoding="utf-8")
    for family in named:
        assert f"`{family}`" in plan_doc


# -- data/README.md --------------------------------------------------------------------------------


def test_data_readme_lists_every_embedded_file():
    text = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([^`]+?)/?` \|", text, flags=re.M))
    present = {p.name for p in (ROOT / "data").iterdir() if p.name != "README.md"}
    assert listed == present, f"data/README.md: {sorted(listed ^ present)}"


def test_data_readme_scorecard_editions():
    text = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    row = re.search(r"^\| `school_places_scorecards/` \|.*$", text, flags=re.M).group(0)
    files = [p.name for p in (ROOT / "data" / "school_places_scorecards").iterdir()]
    editions = sorted({int(f[:4]) for f in files if "data" in f})
    dictionaries = sorted({int(f[:4]) for f in files if "metadata" in f})
    assert editions == [2019, 2021, 2022, 2023, 2024, 2025]
    assert "editions 2019 and 2021-2025" in row
    assert dictionaries == [2021, 2022, 2023, 2024, 2025] and "for 2021-2025" in row


# -- docs/model.md: how much transfer shares matter with derived history -------------------------


def test_equal_transfer_shares_move_worcestershire_as_the_doc_says(tmp_path):
    """docs/model.md said equal shares moved Worcestershire's secondary forecasts by under 0.1%;
    true up to 2029/30 only: Year 7 from 2030/31 comes from cohorts forecast from each primary
    area's own births (different districts), and the shares then matter (4.1% by 2032/33)."""
    import warnings

    from sufficiency.config import load_model
    from sufficiency.forecast import run_forecast
    from sufficiency.inputs import load_inputs

    text = MODEL.read_text(encoding="utf-8")
    equal, n = re.subn(r"^transfer = \{[^}]*\}", 'transfer = "equal"', text, flags=re.M)
    assert n == 17
    (tmp_path / "models").mkdir()
    (tmp_path / "data").symlink_to(ROOT / "data")
    (tmp_path / "models" / "equal.toml").write_text(equal, encoding="utf-8")
    totals = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in (MODEL, tmp_path / "models" / "equal.toml"):
            pt = run_forecast(load_inputs(load_model(path))).phase_totals()
            sec = pt[pt["phase"].isin(["secondary", "sixth_form"])]
            totals.append(sec.groupby(["area", "year"])["pupils"].sum())
    rel = (totals[1] / totals[0] - 1).abs().groupby(level="year").max()
    assert rel.loc[:2029].max() < 0.001
    doc = " ".join(MODEL_DOC.split())
    assert f"up to {rel.loc[2032]:.1%} by 2032/33" in doc
    assert f"{rel.loc[2031]:.1%} in 2031/32 and {rel.loc[2032]:.1%} in 2032/33" in doc
    assert f"up to {rel.loc[2030]:.1%} in 2030/31" in doc


# -- docs/send_early_years.md: the SEND backtest tables -------------------------------------------


def test_send_backtest_tables_in_the_doc_are_the_codes():
    """The 14-authority summary and the per-authority signed errors (``send --backtest``)."""
    from sufficiency.send import backtest_send, backtest_table

    bt = backtest_send(ROOT / "data")
    table = backtest_table(bt).set_index(["release", "horizon"])
    rows = re.findall(
        r"^\| (2022|2025) \| (\d) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \| (\d+) of 14 \|$",
        SEND_EY_DOC,
        flags=re.M,
    )
    assert len(rows) == 6
    for rel, h, naive, trend, national, stops, wins in rows:
        r = table.loc[(rel, int(h))]
        got = [f"{r[f'{m}_mdape']:.1f}" for m in ("naive", "trend", "national", "stops")]
        assert got == [naive, trend, national, stops], (rel, h)
        assert int(r["trend_beats_naive"]) == int(wins)
    covered = bt.loc[bt["release"].astype(str) == "2025", "covered_80"].astype(bool)
    assert f"{int(covered.sum())} of the {len(covered)} outcomes" in " ".join(SEND_EY_DOC.split())
    per = re.findall(
        r"^\| ([A-Z][^|]+?) \| (2022|2025) \| ((?:[+-][\d.]+ \| ){8}[+-][\d.]+) \|$",
        SEND_EY_DOC,
        flags=re.M,
    )
    assert len(per) == 28
    for name, rel, rest in per:
        s = bt[(bt["la_name"] == name) & (bt["release"].astype(str) == rel)].sort_values("horizon")
        got = [f"{100 * v:+.1f}" for m in ("trend", "naive", "national") for v in s[f"err_{m}"]]
        want = [v.replace("-0.0", "+0.0") for v in rest.split(" | ")]
        assert [g.replace("-0.0", "+0.0") for g in got] == want, (name, rel)


def test_plan_md_interim_option_is_the_scenarios():
    """docs/plan.md quotes the interim option models/worcestershire_interim.toml adds."""
    doc = (ROOT / "docs" / "plan.md").read_text(encoding="utf-8")
    block = doc.split("## Interim places", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    quoted = tomllib.loads(block)["plan"]["options"][0]
    real = tomllib.loads((ROOT / "models" / "worcestershire_interim.toml").read_text("utf-8"))
    option = real["plan"]["options"][0]
    assert {k: option.get(k) for k in quoted} == quoted
    assert set(option) - set(quoted) <= {"source"}


def test_readme_worcestershire_plan_figures_are_the_plans(runs):
    """The central plan's figures the README and docs/plan.md quote (`python
    docs/plan_analysis.py` prints them all; this checks those the plan command prints)."""
    out = " ".join(runs["plan"][0].split())
    readme = " ".join(README.split())
    plan_md = " ".join((ROOT / "docs" / "plan.md").read_text(encoding="utf-8").split())
    m = re.search(r"(\d+) builds, ([\d,]+) places, capital GBP ([\d,]+)", out)
    places, cost = int(m.group(2).replace(",", "")), int(m.group(3).replace(",", ""))
    assert f"GBP {cost / 1e6:.1f}m (central, {places:,} places)" in readme
    assert f"costs GBP {cost / 1e6:.1f}m ({places:,} places" in plan_md
    m = re.search(r"Shortfall left: ([\d,]+) place-years in (\d+) areas", out)
    assert f"({m.group(1)} place-years central)" in plan_md
    routes = re.search(r"Worcester City \(8850031\) secondary: chooses .*?Routes compared(.*)", out)
    r = routes.group(1)
    best = re.search(r"all options: builds [^,]+, GBP ([\d,]+), (\d+) places, shortfall (\d+)", r)
    school = re.search(r"new school allowed \(\+ temporary\): builds [^,]+, GBP ([\d,]+)", r)
    temp = re.search(r"temporary only: builds [^,]+, GBP ([\d,]+), \d+ places, shortfall (\d+)", r)

    def m_(s):
        return f"{int(s.replace(',', '')) / 1e6:.2f}m"

    assert f"GBP {m_(best.group(1))}; {best.group(3)} places still short in 2027/28" in readme
    assert f"costs GBP {m_(school.group(1))}" in readme
    assert f"central: GBP {m_(temp.group(1))}, {temp.group(2)} place-years short" in readme


def test_model_md_default_modules_are_the_codes():
    """docs/model.md [plan]: the default catalogue's sizes, lead times and lives."""
    from sufficiency.optimise.options import DEFAULT_MODULES, SCHOOLS_PER_BULGE_CLASS

    body = _model_sections()["plan"]
    rows = {
        m.group(1): [c.strip() for c in m.group(2).split("|")]
        for m in re.finditer(r"^\| `(\w+)` \|(.*)\|$", body, flags=re.M)
        if m.group(1) in DEFAULT_MODULES["primary"]
    }
    assert set(rows) == set(DEFAULT_MODULES["primary"])
    for kind, (prim, sec, limit, lead, lasts) in rows.items():
        p, s = DEFAULT_MODULES["primary"][kind], DEFAULT_MODULES["secondary"][kind]
        assert prim.startswith(f"{p['places']} places") and sec.startswith(f"{s['places']} places")
        assert lead.startswith(f"{p['lead']} year") and p["lead"] == s["lead"]
        if p["duration"]:
            assert lasts == f"{p['duration']} years primary, {s['duration']} secondary"
        else:
            assert lasts == "permanent"
        if kind == "bulge_class":
            assert f"{p['max_per_year']} a year" in limit
            assert f"one a year per {SCHOOLS_PER_BULGE_CLASS} schools" in limit
        else:
            assert limit.startswith(f"{p['max_modules']} in the plan")


def test_backtest_by_ncy_file_is_named_as_the_help_and_readme_say(tmp_path):
    """--by-ncy with --out results.txt writes results_by_ncy.csv (the help said
    '<out>_by_ncy.csv', which reads as results.txt_by_ncy.csv)."""
    out = tmp_path / "results.txt"
    res = CliRunner().invoke(
        cli,
        ["-q", "backtest", str(MODEL), "--origins", "2021", "--horizons", "1"]
        + ["--out", str(out), "--by-ncy"],
    )
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.txt", "results_by_ncy.csv"]
    assert "(--out results.csv: results_by_ncy.csv)" in _help("backtest")
    assert "(with `--out`, also `results_by_ncy.csv`)" in README


def test_validate_reports_the_first_error_only(tmp_path):
    """README and docs/model.md said validate reports every problem; it reports every
    warning, and stops at the first error (as its --help says)."""
    text = MODEL.read_text(encoding="utf-8")
    text = re.sub(r"^horizon = ", "horizn = ", text, count=1, flags=re.M)
    text = re.sub(r"^shortfall_penalty = ", "shortfal_penalty = ", text, count=1, flags=re.M)
    (tmp_path / "models").mkdir()
    (tmp_path / "data").symlink_to(ROOT / "data")
    path = tmp_path / "models" / "two.toml"
    path.write_text(text, encoding="utf-8")
    res = CliRunner().invoke(cli, ["validate", str(path)])
    assert res.exit_code == 1
    assert "horizn" in res.output and "shortfal_penalty" not in res.output
    assert "the first error stops it (exit 1)" in README
    assert "or the first error (exit 1" in MODEL_DOC
    assert "Exits 1 on the first error." in _help("validate")


def test_plan_option_defaults_are_the_codes():
    """[[plan.options]] and [plan.special] option defaults as docs/model.md states them."""
    from sufficiency.optimise.options import options_from_config
    from sufficiency.optimise.planning import _section_options

    stated = _stated_defaults("plan", "[plan.options]")
    opt = {"name": "x", "area": "A", "phase": "primary", "kind": "new_school", "places": 420}
    row = options_from_config({"options": [{**opt, "cost": 1.0}]}).iloc[0]
    assert stated["fixed_cost"] == 0.0 and row["cost_per_module"] == 1.0
    assert row["min_modules"] == stated["min_modules"] == 0
    assert row["revenue_per_place"] == stated["revenue_per_place"] == 0.0
    assert row["source"] == stated["source"]
    assert row["max_modules"] == 1 and row["fill_years"] == 7 and row["duration"] == 0
    import pandas as pd

    sec = {
        "special": {"options": [{"kind": "special_expansion", "places": 8, "cost_per_place": 1}]}
    }
    s = _section_options(sec, "special", pd.DataFrame({"area": ["E1"]}), 2027, "m.toml").iloc[0]
    stated = _stated_defaults("plan", "plan.special]` and `[plan.early_years")
    assert s["max_modules"] == stated["max_modules"] == 1
    assert s["earliest_year"] == 2027 - 1 + stated["lead"]
