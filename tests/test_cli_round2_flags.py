"""Float flags are finite and in range; repeated list flags merge (N7, N8, N9 of
notes/review_cli_inputs_2.md).
"""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner
from conftest import cli_err as _err

from sufficiency.cli import cli


# --- N7 / N8: float flags are finite and in the model's range --------------------------------
@pytest.mark.parametrize(
    "args",
    [
        ["plan", "{m}", "--budget", "inf"],
        ["plan", "{m}", "--budget", "nan"],
        ["plan", "{m}", "--quantile", "nan"],
        ["plan", "{m}", "--scenario", "nan"],
        ["report", "{m}", "--out", "{o}", "--quantile", "nan"],
        ["early-years", "{m}", "--hours-per-place", "nan"],
        ["early-years", "{m}", "--hours-per-place", "inf"],
        ["early-years", "{m}", "--hours-per-place", "1000"],
        ["early-years", "{m}", "--hours-per-place", "0"],
    ],
)
def test_bad_float_flags_exit_2(model_path, tmp_path, args):
    args = [a.format(m=model_path, o=tmp_path / "out") for a in args]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 2, res.output
    err = _err(res)
    assert "Traceback" not in err and f"Invalid value for '{args[-2]}'" in err, err
    assert not (tmp_path / "out").exists()


def test_float_flags_still_take_finite_values(model_path):
    res = CliRunner().invoke(cli, ["early-years", str(model_path), "--hours-per-place", "60"])
    assert res.exit_code == 0, res.output


# --- N9: --origins twice ----------------------------------------------------------------------
def test_origins_given_twice_are_merged(bt_files):
    res = CliRunner().invoke(
        cli,
        [
            "backtest",
            *bt_files,
            "--origins",
            "2019",
            "--origins",
            "2020",
            "--horizons",
            "1",
            "--horizons",
            "1",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "2019" in res.output and "2020" in res.output
    assert "origins 2019-2020" in res.output or "[2019, 2020]" in res.output, res.output


def test_backtest_help_says_repeats_merge():
    res = CliRunner().invoke(cli, ["backtest", "--help"])
    assert "repeat" in res.output.lower()


def test_every_float_flag_is_finite():
    """No command has a float flag that lets nan or inf through (click's FLOAT, FloatRange)."""
    from sufficiency.cli._common import FiniteFloat

    def walk(group, prefix=""):
        for name, cmd in group.commands.items():
            if isinstance(cmd, click.Group):
                yield from walk(cmd, f"{prefix}{name} ")
            else:
                yield f"{prefix}{name}", cmd

    plain = [
        f"{name} {p.opts[0]}"
        for name, cmd in walk(cli)
        for p in cmd.params
        if isinstance(p.type, click.types.FloatParamType) and not isinstance(p.type, FiniteFloat)
    ]
    assert not plain, plain
