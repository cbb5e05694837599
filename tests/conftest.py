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


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def model_path() -> Path:
    return MODEL


@pytest.fixture
def tiny_pupils() -> pd.DataFrame:
    """Synthetic authority (test data only): two areas, 2015-2020, R-Y13, constant cohorts.

    Area "A" has 100 pupils in every year group and year; area "B" grows 10% a year.
    """
    rows = []
    for area, growth in (("A", 1.0), ("B", 1.1)):
        for y in range(2015, 2021):
            for g in range(0, 14):
                rows.append({"area": area, "year": y, "ncy": g,
                             "pupils": 100.0 * growth ** (y - 2015 + g)})
    return pd.DataFrame(rows)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)
