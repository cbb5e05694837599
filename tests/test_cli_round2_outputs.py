"""An unwritable --out is one line naming what the user gave (N6, N16 of
notes/review_cli_inputs_2.md): `backtest --out` gave a traceback, and other commands named
an internal temporary path.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import sufficiency._files as files
from sufficiency.cli import cli


def _err(res) -> str:
    return res.stderr if hasattr(res, "stderr") else res.output


def _error_lines(res) -> list[str]:
    return [ln for ln in _err(res).splitlines() if ln.startswith("Error:")]


@pytest.fixture
def bt_files(data_dir):
    return ["--pupils", str(data_dir / "census_pupils_by_ncy_2011_2022.csv"),
            "--births", str(data_dir / "births_by_district_1992_2023.csv"),
            "--lookup", str(data_dir / "district_to_la_west_midlands.csv")]


def _listing(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else None


# --- N6 / N16: an unwritable --out is one line naming what the user gave ----------------------
def test_backtest_out_unwritable_is_one_line(bt_files, tmp_path, monkeypatch):
    def denied(*a, dir=None, **k):
        raise PermissionError(13, "Permission denied", f"{dir}/.r.tmp.xyz.csv")

    monkeypatch.setattr(files.tempfile, "mkstemp", denied)
    out = tmp_path / "ro" / "r.csv"
    res = CliRunner().invoke(cli, ["backtest", *bt_files, "--origins", "2019", "--horizons", "1",
                                   "--out", str(out)])
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
    res = CliRunner().invoke(cli, ["backtest", *bt_files, "--origins", "2019", "--horizons", "1",
                                   "--out", str(out)])
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
    assert ".tmp." not in lines[0] and str(out / "forecast.csv") in lines[0], lines[0]


def test_unwritable_parent_names_out_not_the_temp_folder(model_path, tmp_path, monkeypatch):
    def denied(*a, dir=None, prefix="", **k):
        raise PermissionError(13, "Permission denied", f"{dir}/{prefix}abcd")

    monkeypatch.setattr(files.tempfile, "mkdtemp", denied)
    out = tmp_path / "out"
    res = CliRunner().invoke(cli, ["forecast", str(model_path), "--out", str(out)])
    assert res.exit_code == 1, res.output
    lines = _error_lines(res)
    assert len(lines) == 1 and ".tmp." not in lines[0] and str(out) in lines[0], lines
