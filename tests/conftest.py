"""Shared fixtures: paths to the embedded data, a tiny synthetic authority, one tolerance."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
MODEL = ROOT / "models" / "worcestershire.toml"

#: central numerical tolerance for float comparisons of pupil counts
TOL = 1e-9


def last_district_births() -> pd.Series:
    """Each district's actual births in the embedded file's latest mid-year (July 2021-June
    2022, dated 2022-07-01), by ONS code: what the tests' SYNTHETIC births projections are
    made from."""
    b = pd.read_csv(DATA / "births_by_district_1992_2023.csv")
    last = b[(b["date"] == "2022-07-01") & (b["type"] == "actual")]
    return last.set_index("gss_code")["annual_births"]


def new_model(folder: Path, code, name: str) -> Path:
    """``sufficiency new CODE --out FOLDER/models/NAME.toml`` on the embedded data: a starting
    model of another authority (real data), written through the CLI."""
    from click.testing import CliRunner

    from sufficiency.cli import cli

    out = folder / "models" / f"{name}.toml"
    res = CliRunner().invoke(cli, ["new", str(code), "--out", str(out), "--data-dir", str(DATA)])
    assert res.exit_code == 0, res.output
    return out


@pytest.fixture(scope="session")
def coventry(tmp_path_factory) -> Path:
    """``sufficiency new E08000026``: Coventry's starting model (real data; the Coventry
    trials, tests/test_coventry_trial.py and test_coventry_cli.py)."""
    return new_model(tmp_path_factory.mktemp("cov"), "E08000026", "coventry")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def model_path() -> Path:
    return MODEL


@pytest.fixture(scope="session")
def inputs(model_path):
    """The embedded model's inputs, loaded once (data-quality warnings silenced); read only:
    a test that changes a table works on a copy."""
    import warnings

    from sufficiency import load_inputs, load_model

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_inputs(load_model(model_path))


@pytest.fixture(scope="session")
def core_pipeline(inputs):
    """The report pipeline on the embedded model without SEND and early years (they have
    their own tests), run once: ``(results, missing)``; read only."""
    import warnings

    from sufficiency.report import run_pipeline

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = run_pipeline(inputs, with_send=False, with_early_years=False)
    missing = results.pop("missing")
    results.pop("seconds", None)
    return results, missing


#: the cover date of the report the report fixtures build
REPORT_DATE = "2026-11-22"


@pytest.fixture(scope="session")
def report_run(inputs, core_pipeline):
    """The default report built once from :func:`core_pipeline` (SEND and early years left
    out: the report says they are not available in this run), dated :data:`REPORT_DATE`:
    ``(inputs, results, data)``; read only (tests/test_report.py, test_cabinet_review.py)."""
    from sufficiency.report import build_report

    results, missing = core_pipeline
    data = build_report(inputs, **results, missing=missing, report_date=REPORT_DATE)
    return inputs, results, data


@pytest.fixture(scope="session")
def report_sections(report_run):
    """The page sections of :func:`report_run`'s report; read only."""
    from sufficiency.report.render import page_sections

    return page_sections(report_run[2])


@pytest.fixture(scope="session")
def report_html(report_run, report_sections):
    """The HTML of :func:`report_run`'s report."""
    from sufficiency.report import render_html

    return render_html(report_run[2], report_sections)


@pytest.fixture
def tiny_pupils() -> pd.DataFrame:
    """Synthetic authority (test data only): two areas, 2015-2020, R-Y13, constant cohorts.

    Area "A" has 100 pupils in every year group and year; area "B" grows 10% a year.
    """
    rows = []
    for area, growth in (("A", 1.0), ("B", 1.1)):
        for y in range(2015, 2021):
            for g in range(0, 14):
                rows.append(
                    {"area": area, "year": y, "ncy": g, "pupils": 100.0 * growth ** (y - 2015 + g)}
                )
    return pd.DataFrame(rows)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)


# --- the CLI tests' shared helpers ------------------------------------------------------------
def cli_err(res) -> str:
    """What a CliRunner result wrote to stderr (its whole output where click does not keep
    stderr apart: click 8.1 raises ValueError on ``Result.stderr`` then)."""
    try:
        return res.stderr
    except ValueError:
        return res.output


def error_lines(res) -> list[str]:
    """The ``Error: ...`` lines of a CLI run."""
    return [ln for ln in cli_err(res).splitlines() if ln.startswith("Error:")]


def edited_model(
    tmp_path: Path, subs=(), *, regex: bool = False, bom: bool = False, name: str = "m.toml"
) -> Path:
    """The default model written to ``tmp_path / name`` with each ``(old, new)`` of
    ``subs`` applied once (a regular expression, multiline, when ``regex``) and its data
    paths made absolute; a case whose ``old`` no longer matches the model fails loudly."""
    import re

    text = MODEL.read_text(encoding="utf-8")
    for old, new in subs:
        if regex:
            text, n = re.subn(old, new, text, count=1, flags=re.M)
        else:
            n = text.count(old)
            text = text.replace(old, new, 1)
        assert n, f"case no longer matches the model: {old!r}"
    text = text.replace('"../data/', f'"{DATA}/')
    p = tmp_path / name
    p.write_text(("\ufeff" if bom else "") + text, encoding="utf-8")
    return p


def listing(folder: Path) -> list[str] | None:
    """File names in ``folder`` (sorted), or None if it does not exist."""
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else None


@pytest.fixture
def model_copy(tmp_path, model_path) -> Path:
    """The default model and its data in a temporary folder, for a test to corrupt a file."""
    import shutil

    root = model_path.parent.parent
    shutil.copytree(root / "data", tmp_path / "data")
    (tmp_path / "models").mkdir()
    shutil.copy(model_path, tmp_path / "models" / "m.toml")
    return tmp_path / "models" / "m.toml"


@pytest.fixture
def bt_files(data_dir) -> list[str]:
    """The backtest command's file options on the embedded data."""
    return [
        "--pupils",
        str(data_dir / "census_pupils_by_ncy_2011_2022.csv"),
        "--births",
        str(data_dir / "births_by_district_1992_2023.csv"),
        "--lookup",
        str(data_dir / "district_to_la_west_midlands.csv"),
    ]


def run_doc_code(code: str, name: str) -> tuple[dict, str]:
    """Run a documentation code block from the repository root, as a reader would: its
    namespace and what it printed (warnings hidden)."""
    import contextlib
    import io
    import os
    import warnings

    ns: dict = {}
    old = os.getcwd()
    os.chdir(ROOT)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()) as out:
            warnings.simplefilter("ignore")
            exec(compile(code, name, "exec"), ns)
    finally:
        os.chdir(old)
    return ns, out.getvalue()
