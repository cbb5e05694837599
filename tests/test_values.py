"""The shared checks of model-definition values in ``sufficiency._values``."""

from __future__ import annotations

import numpy as np
import pytest

from sufficiency._values import Section, did_you_mean, duplicates, is_year, require_table
from sufficiency.exceptions import ConfigError


def test_is_year():
    assert is_year(2026) and is_year(np.int64(1990)) and is_year(2100)
    assert not any(is_year(v) for v in (1989, 2101, 2026.0, "2026", True, None))


def test_did_you_mean():
    assert did_you_mean("horizn", ["horizon", "window"]) == " (did you mean 'horizon'?)"
    assert (
        did_you_mean("asumptions", ["assumptions", "data"], "[{}]")
        == " (did you mean [assumptions]?)"
    )
    assert did_you_mean(22, ["under_2", "2", "3_4"]) == " (did you mean '2'?)"  # of str(22)
    assert did_you_mean("zzz", ["horizon"]) == ""


def test_duplicates_sorted_each_once():
    assert duplicates(["b", "a", "b", "c", "a", "b"]) == ["a", "b"]
    assert duplicates(iter(["x", "y"])) == []


def test_section_errors():
    s = Section("m.toml: [plan]", {"discount_rate": 3.5, "mip_gap": 0.01})
    assert (
        str(s.bad("discount_rate", "a rate in [0, 1)"))
        == "m.toml: [plan] discount_rate = 3.5: expected a rate in [0, 1)"
    )
    assert str(s.bad("mip_gap", "x", value="0")) == "m.toml: [plan] mip_gap = '0': expected x"
    s.check("mip_gap", lambda v: v < 1, "< 1")
    s.check("time_limit", lambda v: False, "never checked: not given")
    with pytest.raises(
        ConfigError, match=r"^m\.toml: \[plan\] discount_rate = 3\.5: expected < 1$"
    ):
        s.check("discount_rate", lambda v: v < 1, "< 1")


def test_require_table_without_a_table_shape():
    with pytest.raises(ConfigError, match=r"^w: 1: expected a table$"):
        require_table(1, "w", ("a",), "", "a")
    with pytest.raises(ConfigError, match=r"^w: 1: expected a table \{ a \}$"):
        require_table(1, "w", ("a",), "{ a }", "a")


def test_first_few_says_how_many_more():
    from sufficiency._values import first_few

    assert first_few(["A", "B"], 10) == "A, B"
    assert first_few(list("ABCD"), 2) == "A, B and 2 more"
    assert first_few(list("ABC"), 2, "; ") == "A; B; and 1 more"
