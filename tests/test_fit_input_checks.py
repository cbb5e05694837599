"""Input checks of :meth:`CohortModel.fit` and the no-interval case of ``predict``.

A frame built in code gets the checks (and the messages) a file gets from its reader
(:func:`sufficiency.schema.validate_frame`): each error names the frame, the column, the
row index and the value, and what was expected. Synthetic data only: two areas,
2015-2022, Reception to Year 13, births 2010-2022.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from sufficiency.exceptions import ConfigError, DataQualityWarning, SchemaError
from sufficiency.forecast import CohortModel
from sufficiency.uncertainty import ErrorModel


@pytest.fixture
def history() -> pd.DataFrame:
    rows = [
        (a, y, g, 100.0 + g + y - 2015)
        for a in ("A1", "A2")
        for y in range(2015, 2023)
        for g in range(14)
    ]
    return pd.DataFrame(rows, columns=["area", "year", "ncy", "pupils"])


@pytest.fixture
def births() -> pd.DataFrame:
    rows = [(a, y, 105.0 + 2 * (y - 2010)) for a in ("A1", "A2") for y in range(2010, 2023)]
    return pd.DataFrame(rows, columns=["area", "year", "births"])


def _fit(history, births, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return CohortModel(horizon=3, **params).fit(history, births)


def _set(frame: pd.DataFrame, row: int, column: str, value) -> pd.DataFrame:
    out = frame.astype({column: object})  # any value fits, as in a frame read from text
    out.loc[row, column] = value
    return out


# 1. births ----------------------------------------------------------------------------------
# row 7 is A1, mid-2017: inside the series and inside the ratio window
@pytest.mark.parametrize(
    "value, problem, shown",
    [
        (-50.0, "negative value", "(value(s) '-50.0')"),
        (np.nan, "missing value", "(blank)"),  # not "nan" (a Walsall trial)
        ("many", "non-numeric value", "(value(s) 'many')"),
    ],
)
def test_bad_births_raise_naming_frame_column_row_and_value(history, births, value, problem, shown):
    bad = _set(births, 7, "births", value)
    with pytest.raises(SchemaError) as exc:
        _fit(history, bad)
    msg = str(exc.value)
    assert msg.startswith("births (CohortModel.fit): column 'births': ")
    assert f"{problem} {shown}" in msg
    assert "row(s) 7)" in msg
    assert "expected " in msg


def test_zero_births_inside_a_series_warn_like_the_file_readers(history, births):
    bad = _set(births, 7, "births", 0.0)
    with pytest.warns(DataQualityWarning, match=r"0 births in a year of a series") as rec:
        model = CohortModel(horizon=3).fit(history, bad)
    msg = next(str(w.message) for w in rec if "0 births" in str(w.message))
    assert "births (CohortModel.fit): column 'births'" in msg and "row(s) 7" in msg
    assert "value(s) 0" in msg
    assert rec[0].filename == __file__  # raised at the caller of fit
    assert any("0 births" in w for w in model.predict().warnings)


def test_zero_births_in_an_area_not_modelled_are_not_reported(history, births):
    other = pd.DataFrame({"area": "ZZ", "year": range(2010, 2023), "births": 100.0})
    other.loc[3, "births"] = 0.0
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        CohortModel(horizon=3).fit(history, pd.concat([births, other], ignore_index=True))
    assert not [w for w in rec if "0 births" in str(w.message)]


# 2. column types ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "column, value, problem",
    [
        ("year", "2015/16", "non-numeric value"),
        ("ncy", "R", "non-numeric value"),
        ("ncy", 15, "year group out of range"),
        ("ncy", 2.5, "non-integer value"),
        ("area", None, "missing value"),
    ],
)
def test_bad_history_columns_raise_naming_column_row_and_value(
    history, births, column, value, problem
):
    bad = _set(history, 3, column, value)
    with pytest.raises(SchemaError) as exc:
        _fit(bad, births)
    msg = str(exc.value)
    assert msg.startswith(f"history (CohortModel.fit): column '{column}': {problem}")
    assert "row(s) 3)" in msg and "expected " in msg
    if value is not None:
        assert f"value(s) '{value}'" in msg


def test_whole_numbers_as_text_are_read_as_numbers(history, births):
    """As in a CSV: ``"2015"`` and ``"3"`` are the numbers (they used to crash in pandas)."""
    ref = _fit(history, births).predict().to_frame()
    text = history.astype({"year": str, "ncy": str})
    got = _fit(text, births.astype({"year": str})).predict().to_frame()
    pd.testing.assert_frame_equal(got, ref)


# 3. pupils messages -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "row, value, problem, shown",
    [
        (5, -3.0, "negative value", "(value(s) '-3.0')"),
        (7, np.nan, "missing value", "(blank)"),  # not "nan" (a Walsall trial)
        (9, "lots", "non-numeric value", "(value(s) 'lots')"),
    ],
)
def test_bad_pupils_say_which_problem_and_row(history, births, row, value, problem, shown):
    bad = _set(history, row, "pupils", value)
    with pytest.raises(SchemaError) as exc:
        _fit(bad, births)
    msg = str(exc.value)
    assert msg.startswith(
        f"history (CohortModel.fit): column 'pupils': {problem} {shown} in 1 row(s) (row(s) {row})"
    )
    assert "missing, non-numeric or negative" not in msg


def test_missing_column_lists_the_columns_found(history, births):
    with pytest.raises(SchemaError) as exc:
        _fit(history.rename(columns={"pupils": "headcount"}), births)
    msg = str(exc.value)
    assert "missing required column(s) 'pupils'" in msg
    assert "found columns 'area', 'year', 'ncy', 'headcount'" in msg


def test_repeated_key_names_the_rows(history, births):
    bad = pd.concat([history, history.iloc[[4]]], ignore_index=True)
    with pytest.raises(
        SchemaError,
        match=r"column 'area/year/ncy': duplicate key .*row\(s\) 4, "
        rf"{len(history)}\)",
    ):
        _fit(bad, births)


# 5. predict without an error model ----------------------------------------------------------
def test_predict_without_error_model_warns_and_summary_says_so(history, births):
    model = _fit(history, births)
    with pytest.warns(DataQualityWarning, match="no backtest error model") as rec:
        res = model.predict()
    assert any(w.filename == __file__ for w in rec)  # raised at the caller of predict
    assert any("no backtest error model" in w for w in res.warnings)  # still recorded
    text = res.summary()
    assert "no intervals (no error model)" in text.splitlines()[0]
    assert "intervals 80%" not in text
    # no collapsed range such as "815-815"
    assert not re.search(r"\b([\d,]+)-\1\b", text)
    assert (
        text.count("no intervals")
        == 1 + res.phase_totals()[["area", "phase"]].drop_duplicates().shape[0]
    )


def test_predict_with_error_model_keeps_ranges_and_does_not_warn(history, births):
    rng = np.random.default_rng(0)
    errors = pd.DataFrame(
        [
            {"phase": p, "horizon": h, "pct_error": e}
            for p in ("primary", "secondary", "sixth_form")
            for h in (1, 2, 3)
            for e in rng.normal(0, 0.01 * h, 200)
        ]
    )
    model = _fit(history, births)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        res = model.predict(error_model=ErrorModel.from_errors(errors, "phase"))
    assert not [w for w in rec if "error model" in str(w.message)]
    text = res.summary()
    assert "intervals 80%" in text and "no intervals" not in text
    assert re.search(r"\d-\d", text.splitlines()[2])


# 7. method ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["method", "reception_method"])
def test_bad_method_shows_the_value(history, births, name):
    with pytest.raises(ConfigError, match=rf"^{name} = 'avg': expected one of \("):
        _fit(history, births, **{name: "avg"})


@pytest.mark.parametrize("seed", range(5))
def test_key_order_is_a_stable_sort_and_flags_every_duplicate(seed):
    """validate_frame's integer-code sort and duplicate test agree with pandas' own
    (stable sort_values, missing last; duplicated(keep=False)), text and numbers, with
    missing values and repeated keys."""
    from sufficiency.schema import _key_order

    rng = np.random.default_rng(seed)
    n = 300
    area = rng.choice(np.array(["E10000034", "E06000019", " b", "a", None], dtype=object), n)
    year = rng.choice([2011.0, 2012.0, 2030.0, np.nan], n)
    ncy = rng.integers(-2, 15, n)
    f = pd.DataFrame({"area": area, "year": year, "ncy": ncy, "x": np.arange(n)})
    key = ["area", "year", "ncy"]
    order, dup = _key_order(f, key)
    expected = f.sort_values(key, kind="stable", na_position="last")
    assert f.take(order)["x"].tolist() == expected["x"].tolist()
    assert dup.tolist() == f.duplicated(subset=key, keep=False).tolist()
    assert dup.any() and not dup.all()
