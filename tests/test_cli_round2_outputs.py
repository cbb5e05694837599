"""An unwritable --out is one line naming what the user gave (N6, N16 of
notes/review_cli_inputs_2.md): `backtest --out` gave a traceback, and other commands named
an internal temporary path.
"""

from __future__ import annotations

from click.testing import CliRunner
from conftest import cli_err as _err
from conftest import error_lines as _error_lines
from conftest import listing as _listing

import sufficiency._files as files
from sufficiency.cli import cli


# --- N6 / N16: an unwritable --out is one line naming what the user gave ----------------------
def test_backtest_out_unwritable_is_one_line(bt_files, tmp_path, monkeypatch):
    def denied(*a, dir=None, **k):
        raise PermissionError(13, "Permission denied", f"{dir}/.r.tmp.xyz.csv")

    monkeypatch.setattr(files.tempfile, "mkstemp", denied)
    out = tmp_path / "ro" / "r.csv"
    res = CliRunner().invoke(
        cli, ["backtest", *bt_files, "--origins", "2019", "--horizons", "1", "--out", str(out)]
    )
    assert res.exit_code == 1, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    lines = _error_lines(res)
    assert len(lines) == 1 and str(out) in lines[0], _err(res)
    assert "permission denied" in lines[0].lower() and "nothing was written" in lines[0]
    assert ".tmp." not in lines[0]
    assert not (tmp_path / "ro").exists()  # the folder made for it is not left behind


def test_backtest_out_under_a_file_is_one_line(bt_files, tmp_path):
    (tmp_path / "notes.txt").write_text("someone else's\n")
    out = tmp_path / "notes.txt" / "r.csv"
    res = CliRunner().invoke(
        cli, ["backtest", *bt_files, "--origins", "2019", "--horizons", "1", "--out", str(out)]
    )
    assert res.exit_code == 1, res.output
    lines = _error_lines(res)
    assert len(lines) == 1 and str(out) in lines[0] and "Traceback" not in _err(res), _err(res)
    assert _listing(tmp_path) == ["notes.txt"]


def test_unwritable_out_names_the_output_not_the_temp_folder(model_path, tmp_path, monkeypatch):
    real = files.os.replace

    def denied(src, dst):
        if str(dst).startswith(str(tmp_path / "out")):
            raise PermissionError(13, "Permission denied", str(src), None, str(dst))
        return real(src, dst)

    monkeypatch.setattr(files.os, "replace", denied)
    out = tmp_path / "out"
    res = CliRunner().invoke(cli, ["forecast", str(model_path), "--out", str(out)])
    assert res.exit_code == 1, res.output
    lines = _error_lines(res)
    assert len(lines) == 1, _err(res)
    # the first file moved into place is named (columns.csv, the data dictionary, sorts first)
    assert ".tmp." not in lines[0], lines[0]
    assert any(str(out / n) in lines[0] for n in ("columns.csv", "forecast.csv")), lines[0]


def test_unwritable_parent_names_out_not_the_temp_folder(model_path, tmp_path, monkeypatch):
    def denied(*a, dir=None, prefix="", **k):
        raise PermissionError(13, "Permission denied", f"{dir}/{prefix}abcd")

    monkeypatch.setattr(files.tempfile, "mkdtemp", denied)
    out = tmp_path / "out"
    res = CliRunner().invoke(cli, ["forecast", str(model_path), "--out", str(out)])
    assert res.exit_code == 1, res.output
    lines = _error_lines(res)
    assert len(lines) == 1 and ".tmp." not in lines[0] and str(out) in lines[0], lines
