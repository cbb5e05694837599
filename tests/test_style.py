"""House style (STYLE.md): the code is formatted and linted with ruff, the version pinned in
pyproject.toml's test extra. A change that is not formatted (``ruff format .``) or that ruff
flags (``ruff check .``) fails here, in CI, rather than in review."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _ruff() -> list[str]:
    exe = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if exe is None:  # installed with the test extra; as a module where no script is on PATH
        return [sys.executable, "-m", "ruff"]
    return [exe]


@pytest.mark.parametrize("args", [["format", "--check"], ["check"]], ids=["format", "lint"])
def test_code_is_formatted_and_linted(args):
    res = subprocess.run(
        [*_ruff(), *args, "."], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert res.returncode == 0, res.stdout + res.stderr
