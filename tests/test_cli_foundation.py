"""CLI foundation: validate on the real data, errors as one line with exit 1, bad flags exit 2."""

from __future__ import annotations

import shutil
import subprocess
import sys

from click.testing import CliRunner

from sufficiency.cli import cli


def test_validate_real_model(model_path):
    res = CliRunner().invoke(cli, ["validate", str(model_path)])
    assert res.exit_code == 0, res.output
    assert "2015/16 6,334" in res.output
    assert "derived" in res.output
    assert "OK: Worcestershire is valid (33 planning areas)" in res.output
    # EHC plan years as the engine keys them and as the DfE counts them (a Walsall trial
    # read "2009-2021" against the docs' 2010-2022)
    assert (
        "ehc_plans (age): 146 rows, academic years 2009/10-2021/22 (January 2010-2022 counts)"
    ) in res.output


def test_data_list(model_path):
    res = CliRunner().invoke(cli, ["data", "list", str(model_path)])
    assert res.exit_code == 0, res.output
    assert "scap_2015_school_capacity.csv" in res.output and "sha256=" in res.output


def test_bad_input_is_one_line_exit_1(tmp_path, model_path):
    root = model_path.parent.parent
    (tmp_path / "models").mkdir()
    shutil.copytree(root / "data", tmp_path / "data")
    shutil.copy(model_path, tmp_path / "models" / "m.toml")
    census = tmp_path / "data" / "census_pupils_by_ncy_2011_2022.csv"
    lines = census.read_text().splitlines()
    lines[5] = lines[5].rsplit(",", 2)[0] + ",-7,1"
    census.write_text("\n".join(lines) + "\n")
    res = CliRunner().invoke(cli, ["validate", str(tmp_path / "models" / "m.toml")])
    assert res.exit_code == 1
    err = res.stderr if hasattr(res, "stderr") else res.output
    assert err.strip().count("\n") == 0, err
    assert "census_pupils_by_ncy_2011_2022.csv" in err and "negative" in err


def test_bad_flag_exit_2(model_path):
    assert CliRunner().invoke(cli, ["validate", "--nope", str(model_path)]).exit_code == 2


def test_every_command_has_help_and_is_in_readme(model_path):
    readme = (model_path.parent.parent / "README.md").read_text()

    def walk(group, prefix):
        for name, cmd in group.commands.items():
            full = f"{prefix} {name}".strip()
            if hasattr(cmd, "commands"):
                yield from walk(cmd, full)
            else:
                yield full, cmd

    for name, cmd in walk(cli, ""):
        assert cmd.help, f"{name} has no help"
        assert f"sufficiency {name}" in readme, f"`sufficiency {name}` is not in the README"


def test_entry_point_subprocess(model_path):
    exe = shutil.which("sufficiency")
    args = [exe] if exe else [sys.executable, "-m", "sufficiency"]
    res = subprocess.run(
        args + ["validate", str(model_path)], capture_output=True, text=True, timeout=120
    )
    assert res.returncode == 0, res.stderr
    assert "6,334" in res.stdout


def test_ci_runs_the_readme_test_command(model_path):
    """`.ci/run` runs exactly the test command the README gives a new user."""
    import re

    root = model_path.parent.parent
    readme = (root / "README.md").read_text()
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)\n```", quick, flags=re.S)
    assert len(blocks) == 2, blocks
    main_job, tests = (b.strip() for b in blocks)
    assert "sufficiency report models/worcestershire.toml" in main_job
    ci = (root / ".ci" / "run").read_text().splitlines()
    assert tests in [line.strip() for line in ci], (tests, ci)


def test_warnings_wrap_on_a_terminal_and_stay_one_line_when_piped(monkeypatch):
    import io

    from sufficiency.cli import _format_warning

    long = (
        "areas short: "
        + ", ".join(f"Planning area 86010{i:02d} (primary)" for i in range(20))
        + " in data/a_long_folder_name/with_a_file_name_that_is_very_long_indeed_and_more.csv"
    )

    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr("sys.stderr", io.StringIO())
    piped = _format_warning(long, UserWarning, "f.py", 1)
    assert piped == f"warning: {long}\n"
    monkeypatch.setattr("sys.stderr", Tty())
    monkeypatch.setenv("COLUMNS", "80")
    shown = _format_warning(long, UserWarning, "f.py", 1)
    lines = shown.rstrip("\n").split("\n")
    assert len(lines) > 3
    # nothing lost or split: the words read back are the message's
    assert " ".join(ln.strip() for ln in lines) == f"warning: {long}"
    assert all(ln.startswith("  ") for ln in lines[1:])
    assert any(
        "data/a_long_folder_name/with_a_file_name_that_is_very_long_indeed_and_more.csv" in ln
        for ln in lines
    )
    assert all(len(ln) <= 80 or "/" in ln for ln in lines)


def test_logged_warnings_read_as_the_other_warnings(monkeypatch):
    import io
    import logging

    from sufficiency.cli import _LogFormatter

    monkeypatch.setattr("sys.stderr", io.StringIO())  # piped: one line
    f = _LogFormatter("%(levelname)s %(name)s: %(message)s")

    def rec(level):
        return logging.LogRecord(
            "sufficiency.backtest", level, "b.py", 1, "area %s has no births", ("E10000031",), None
        )

    assert f.format(rec(logging.WARNING)) == "warning: area E10000031 has no births"
    assert f.format(rec(logging.INFO)) == "INFO sufficiency.backtest: area E10000031 has no births"
