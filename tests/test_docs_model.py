"""The model file reference (docs/model.md) stays complete and its example stays valid.

* Every key the engine accepts (:func:`sufficiency._model_checks.spec`, recursively: sections,
  keys, nested tables, arrays of tables and ``[data]`` table names) and the top-level
  ``extends`` appear backticked in the doc's section for them.
* The ``[forecast]`` defaults the doc states are :data:`sufficiency.forecast.DEFAULT_PARAMS`.
* The minimal example loads with :func:`~sufficiency.config.load_model` and its data with
  :func:`~sufficiency.inputs.load_inputs`, next to a copy of ``data/``.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from collections.abc import Mapping
from pathlib import Path

import pytest

from sufficiency._model_checks import spec
from sufficiency.config import READERS, load_model
from sufficiency.forecast import DEFAULT_PARAMS
from sufficiency.inputs import load_inputs

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "model.md"


def _text() -> str:
    return DOC.read_text(encoding="utf-8")


def _sections(text: str) -> dict[str, str]:
    """``## `` heading -> its body (the ``###`` subsections included)."""
    parts = re.split(r"^## (.*)$", text, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def _section_of(name: str) -> str:
    """The body of the one ``##`` section whose heading names ``[name]``, ``[[name]]`` or ``name``."""
    marks = (f"`[{name}]`", f"`[[{name}]]`") if name != "extends" else ("`extends`",)
    found = [body for head, body in _sections(_text()).items() if any(m in head for m in marks)]
    assert len(found) == 1, (
        f"docs/model.md: expected one '## ' section for {marks[0]}, found {len(found)}"
    )
    return found[0]


def _keys(sp, path: tuple[str, ...] = ()):
    """(dotted path, key, is_table) for every key below a spec node."""
    if isinstance(sp, list):
        yield from _keys(sp[0], path)
        return
    if not isinstance(sp, dict):
        return
    for k, sub in sp.items():
        yield path + (k,), k, isinstance(sub, (dict, list))
        yield from _keys(sub, path + (k,))


SECTIONS = ["extends", *spec()]


@pytest.mark.parametrize("section", SECTIONS)
def test_every_key_is_documented_in_its_section(section):
    body = _section_of(section)
    if section == "extends":
        assert "`extends`" in body
        return
    missing = [".".join(p) for p, k, _ in _keys(spec()[section]) if f"`{k}`" not in body]
    assert not missing, f"docs/model.md [{section}]: keys not documented (as `key`): {missing}"


@pytest.mark.parametrize("section", [s for s in spec() if s not in ("data", "areas")])
def test_nested_tables_have_a_subsection(section):
    """``[forecast.housing]``, ``[[plan.options]]``, ... each have a ``###`` heading."""
    body = _section_of(section)
    heads = "\n".join(re.findall(r"^### .*$", body, flags=re.M))
    for path, _key, is_table in _keys(spec()[section], (section,)):
        if is_table and len(path) == 2:
            name = ".".join(path)
            assert f"[{name}]" in heads, f"docs/model.md: no '### ' subsection for [{name}]"


def test_data_readers_are_documented():
    body = _section_of("data")
    for table, readers in READERS.items():
        assert f"`{table}`" in body
        for r in readers:
            assert f"`{r}`" in body, f"docs/model.md [data]: reader {r!r} of {table} not documented"


def _plain(v):
    """A default as TOML reads it back: tuples as lists, mapping keys as strings."""
    if isinstance(v, Mapping):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


def test_forecast_defaults_are_the_code_defaults():
    body = _section_of("forecast").split("### ", 1)[0]
    rows = dict(re.findall(r"^\| `(\w+)` \| `([^`]*)` \|", body, flags=re.M))
    assert set(rows) == set(DEFAULT_PARAMS), (
        "docs/model.md [forecast]: one row per DEFAULT_PARAMS key"
    )
    for k, v in DEFAULT_PARAMS.items():
        stated = tomllib.loads(f"v = {rows[k]}")["v"]
        assert stated == _plain(v), (
            f"docs/model.md [forecast] {k}: states {rows[k]}, the code has {v!r}"
        )


def _example() -> str:
    body = _sections(_text())["A minimal complete example"]
    blocks = re.findall(r"```toml\n(.*?)```", body, flags=re.S)
    assert len(blocks) == 1
    return blocks[0]


def test_minimal_example_loads(tmp_path):
    (tmp_path / "models").mkdir()
    shutil.copytree(ROOT / "data", tmp_path / "data")
    path = tmp_path / "models" / "x.toml"
    path.write_text(_example(), encoding="utf-8")
    cfg = load_model(path)
    assert [a.phase for a in cfg.areas] == ["primary", "secondary"]
    assert all(a.tier_structure(2022).name == "two_tier" for a in cfg.areas)
    inputs = load_inputs(cfg)  # what `sufficiency validate` reads
    assert set(inputs.pupils["area"]) == {a.code for a in cfg.areas}
