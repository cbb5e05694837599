"""The library guide (docs/library.md) runs as written, on the embedded Worcestershire model.

Its Python blocks are executed in order from the repository root, so a renamed function or
column breaks this test rather than the reader's code. The last block is run up to the report
files (``write_report``/``make_report`` are exercised by tests/test_report.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from conftest import run_doc_code

ROOT = Path(__file__).resolve().parents[1]


def test_library_guide_runs(tmp_path):
    text = (ROOT / "docs" / "library.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) >= 5
    code = "\n".join(blocks)
    code = code.split("write_report(data,", 1)[0]  # stop before the files are written
    ns, printed = run_doc_code(code, "docs/library.md")
    # what the guide promises is there, as DataFrames
    assert isinstance(ns["fc"].to_frame(), pd.DataFrame)
    assert {"area", "phase", "year", "demand", "capacity", "shortfall", "rag"} <= set(
        ns["suff"].to_frame()
    )
    assert isinstance(ns["alloc"].to_frame(), pd.DataFrame) and ns["alloc"].total_cost > 0
    assert isinstance(ns["data"].to_frame(), pd.DataFrame)
    # SEND and early years in pandas (a Warwickshire trial): one scenario, one row per year
    # and phase, so sums count each child once
    assert not ns["central"].duplicated(["year", "phase"]).any()
    assert set(ns["special"].columns) == {"special_primary", "special_secondary", "special_post16"}
    assert len(ns["sf"]) == len(ns["central"]) * len(ns["send"].config["scenarios"])
    assert set(ns["fte"].columns) <= {"under_2", "2", "3_4"} and len(ns["fte"])
    assert "Worcestershire" in printed
    # last year's forecast made again from 2021/22 and scored on the 2022/23 census
    acc = ns["c"].accuracy()
    assert set(acc.loc[acc["area"] == "all areas", "year"]) == {2022}
    assert "The previous forecast against the history since (all areas):" in printed
