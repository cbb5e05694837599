"""``sufficiency new``: starting model definitions for other authorities (sufficiency/scaffold.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import new_model

from sufficiency.cli import cli
from sufficiency.config import load_model
from sufficiency.exceptions import ConfigError
from sufficiency.scaffold import new_model_text

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"

#: old LA code, new code, primary areas, secondary areas, districts
AUTHORITIES = [
    (335, "E08000030", 11, 4, 1),  # Walsall: metropolitan, one district
    (885, "E10000034", 17, 16, 6),  # Worcestershire: county, six districts, three-tier areas
    (861, "E06000021", 1, 1, 1),  # Stoke-on-Trent: unitary, one area per phase
    (330, "E08000025", 40, 10, 1),  # Birmingham: 50 areas
    (884, "E06000019", 14, 1, 1),  # Herefordshire: the SCAP line with a comma in a name
]


def _write(tmp_path: Path, code, name: str = "m") -> Path:
    return new_model(tmp_path, code, name)


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[int, Path]:
    tmp = tmp_path_factory.mktemp("new")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Herefordshire's repaired SCAP line
        return {old: _write(tmp, old, str(old)) for old, *_ in AUTHORITIES}


@pytest.mark.parametrize("old, new, n_prim, n_sec, n_dist", AUTHORITIES)
def test_written_model_validates_and_forecasts(written, tmp_path, old, new, n_prim, n_sec, n_dist):
    path = written[old]
    raw = tomllib.loads(path.read_text())
    assert raw["model"]["authority"] == new and raw["model"]["old_la_code"] == old
    areas = raw["areas"]
    prim = [a for a in areas if a["phase"] == "primary"]
    sec = [a for a in areas if a["phase"] == "secondary"]
    assert (len(prim), len(sec)) == (n_prim, n_sec)
    assert all(a["code"].startswith(str(old)) for a in areas)
    # every primary area lists every district, and splits its Year 6 equally over the
    # secondary areas: one line each (transfer = "equal"), which the model resolves; with
    # one secondary area it sends it all there, a table with no stand-in to replace
    assert all(len(a["districts"]) == n_dist for a in prim)
    assert all(a["transfer"] == ("equal" if n_sec > 1 else {sec[0]["code"]: 1.0}) for a in prim)
    assert not any("districts" in a or "transfer" in a for a in sec)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Herefordshire's repaired SCAP line
        model = load_model(path)
    for a in model.areas_of_phase("primary"):
        assert list(a.transfer) == [s["code"] for s in sec] and a.transfer_equal == (n_sec > 1)
        assert set(a.transfer.values()) == {1 / n_sec}
    # with one secondary area every pupil goes there, and the summary says no "equal" split
    assert ("equal" in model.transfer_summary()[0]) == (n_sec > 1)
    # paths are relative to the model's folder, as in models/worcestershire.toml
    assert (
        path.parent / raw["data"]["capacity"]["path"]
    ).resolve() == DATA / "scap_2015_school_capacity.csv"
    # relative where the model and the data share a folder below the root, else absolute
    shared = Path(os.path.commonpath([path.parent.resolve(), DATA.resolve()]))
    assert Path(raw["data"]["pupils"]["path"]).is_absolute() == (shared == Path(shared.anchor))
    # Worcestershire-specific sections are comments only
    assert "options" not in raw.get("plan", {}) and "key_decision_area" not in raw.get("report", {})
    assert "entitlements" not in raw.get("early_years", {})

    runner = CliRunner()
    res = runner.invoke(cli, ["-q", "validate", str(path)])
    assert res.exit_code == 0, res.output
    assert f"({n_prim + n_sec} planning areas)" in res.output
    res = runner.invoke(
        cli, ["-q", "forecast", str(path), "--out", str(tmp_path / "f"), "--horizon", "3"]
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "f" / "forecast.csv").exists()


def test_plan_runs_on_a_written_model(written, tmp_path):
    for old in (335, 885):
        res = CliRunner().invoke(
            cli, ["-q", "plan", str(written[old]), "--out", str(tmp_path / str(old))]
        )
        assert res.exit_code == 0, res.output
        assert (tmp_path / str(old) / "plan.csv").exists()


def test_county_and_three_tier_todos(written):
    text = written[885].read_text()
    assert "TODO districts" in text and '"Which districts?"' in text
    # the three-tier note names the areas with middle schools, and no tiers are set
    note = " ".join(line.lstrip("# ") for line in text.splitlines() if line.startswith("#"))
    assert re.search(
        r"TODO three-tier: areas 8850002, 8850003, .*8850033 hold middle schools", note
    )
    assert "First-, middle- and high-school planning areas" in note
    assert "tiers" not in {k for a in tomllib.loads(text)["areas"] for k in a}
    walsall = written[335].read_text()
    assert "TODO three-tier" not in walsall and "TODO districts" not in walsall


def test_early_years_example_counts_the_second_15_hours_children_once(written):
    """The commented example of a working-parent entitlement, uncommented beside the
    universal one, loads and names the children it shares (a review: copied without
    same_children_as it counted them twice)."""
    from sufficiency.early_years import early_years_entitlements

    text = written[335].read_text()
    start = text.index("#   [[early_years.entitlements]]")
    block = "\n".join(
        line[4:].split("  #")[0] for line in text[start:].splitlines() if line.startswith("#   ")
    )
    universal = (
        '[[entitlements]]\nname = "universal_3_4"\nage_group = "3_4"\nages = [2, 3]\n'
        "hours = 15.0\nfrom_year = 2010\n"
    )
    ents = early_years_entitlements(
        tomllib.loads(universal + block.replace("[[early_years.entitlements]]", "[[entitlements]]"))
    )
    assert [e.same_children_as for e in ents] == ["", "universal_3_4"]


def test_new_code_and_old_code_give_the_same_model(tmp_path):
    out = tmp_path / "models" / "walsall.toml"
    assert new_model_text("E08000030", DATA, out) == new_model_text(335, DATA, out)
    assert (
        new_model_text("e08000030", DATA, out, name="Walsall MBC").count('name = "Walsall MBC"')
        == 1
    )


def test_output_is_byte_identical_on_two_runs(tmp_path):
    a = _write(tmp_path, 885, "a")
    b = tmp_path / "models" / "b.toml"
    res = CliRunner().invoke(cli, ["new", "E10000034", "--out", str(b), "--data-dir", str(DATA)])
    assert res.exit_code == 0, res.output
    assert a.read_bytes() == b.read_bytes()


def test_bad_code_names_it_and_lists_valid_ones(tmp_path):
    out = tmp_path / "x.toml"
    res = CliRunner().invoke(cli, ["new", "999", "--out", str(out), "--data-dir", str(DATA)])
    assert res.exit_code == 1
    assert "unknown LA code '999'" in res.output
    assert (
        "335 or E08000030 (Walsall)" in res.output
        and "885 or E10000034 (Worcestershire)" in res.output
    )
    assert not out.exists()
    with pytest.raises(ConfigError, match="E99999999"):
        new_model_text("E99999999", DATA, out)


def test_no_overwrite_without_force(tmp_path):
    out = tmp_path / "m.toml"
    out.write_text("keep me\n")
    runner = CliRunner()
    res = runner.invoke(cli, ["new", "861", "--out", str(out), "--data-dir", str(DATA)])
    assert res.exit_code == 1 and "already exists" in res.output and "--force" in res.output
    assert out.read_text() == "keep me\n"
    res = runner.invoke(cli, ["new", "861", "--out", str(out), "--data-dir", str(DATA), "--force"])
    assert res.exit_code == 0, res.output
    assert load_model(out).name == "Stoke-on-Trent"
    assert [p.name for p in tmp_path.iterdir()] == ["m.toml"]  # no temporary file left


def test_missing_data_dir_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match="census_pupils_by_ncy_2011_2022.csv: file not found"):
        new_model_text(335, tmp_path, tmp_path / "m.toml")


def test_entry_point_writes_beside_the_data(tmp_path):
    """The real console entry point, run from the repository with the default --data-dir."""
    out = tmp_path / "models" / "stoke.toml"
    proc = subprocess.run(
        [sys.executable, "-m", "sufficiency", "new", "861", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Wrote" in proc.stdout and out.exists()
    assert tomllib.loads(out.read_text())["areas"][0]["transfer"] == {"8610002": 1.0}
    assert dict(load_model(out).areas[0].transfer) == {"8610002": 1.0}


def test_adjacency_example_names_the_authoritys_areas_and_loads(written):
    """The commented ``[[plan.adjacency]]`` example uses two of the authority's own areas and,
    uncommented, loads (a Coventry trial: the plan flagged a new school beside spare places, and
    the file did not say how to let pupils move)."""
    text = written[335].read_text()
    start = text.index("#   [[plan.adjacency]]")
    block = []
    for line in text[start:].splitlines():
        if not line.startswith("#   "):
            break
        block.append(line[4:].split("  #")[0])
    adj = tomllib.loads("\n".join(block).replace("[[plan.adjacency]]", "[[adjacency]]"))[
        "adjacency"
    ][0]
    codes = {a["code"] for a in tomllib.loads(text)["areas"]}
    assert {adj["from"], adj["to"]} <= codes and adj["from"] != adj["to"]
    assert adj["phase"] == "secondary"
    # uncommented in place, the model loads with it (beside the original: relative data paths)
    lines = text.splitlines()
    i = lines.index("#   [[plan.adjacency]]")
    lines[i : i + len(block)] = block
    out = written[335].with_name("adj.toml")
    out.write_text("\n".join(lines) + "\n")
    cfg = load_model(out)
    assert len(cfg.section("plan")["adjacency"]) == 1


@pytest.fixture(scope="module")
def staffordshire(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("staffs") / "staffs.toml"
    out.write_text(new_model_text(860, DATA, out))
    return out


def test_middle_school_areas_found_by_phase_code_not_only_by_name(staffordshire):
    """Staffordshire's Biddulph areas (8607000 primary, 8607018 secondary) hold middle
    schools none of which is named "Middle" (James Bateman Junior High School, Woodhouse
    Academy): the SCAP phase code (MS, places in Years 5-8) finds them (a Staffordshire
    trial missed them). Every area with a school coded MP or MS is named, and no other."""
    import pandas as pd

    text = staffordshire.read_text()
    note = " ".join(line.lstrip("# ") for line in text.splitlines() if line.startswith("#"))
    found = re.search(r"TODO three-tier: areas ([\d, ]+) hold middle schools", note)
    assert found
    listed = found.group(1).replace(" ", "").split(",")
    raw = pd.read_csv(DATA / "scap_2015_school_capacity.csv", dtype=str)
    mid = raw[(raw["LA1"] == "860") & raw["Phase"].isin(["MP", "MS"])]
    coded = sorted(set(mid["Primary PA code (2)"]) | set(mid["Secondary PA code (2)"]))
    assert listed == coded and {"8607000", "8607018"} <= set(listed)
    assert "middle schools here (James Bateman Junior High School, Woodhouse Academy)" in note


def test_validate_lists_every_area_of_a_warning_wrapped(staffordshire):
    """``sufficiency validate`` names every area a warning is about (a Staffordshire trial
    saw "8602008 (...), ..., 8606008 (...) ..." with two of its seven first-school areas left
    out), on lines of at most 100 characters, and an area named by its code is not named
    twice ("8602008 (Planning area 8602008 (primary))")."""
    res = CliRunner().invoke(cli, ["validate", str(staffordshire)])
    assert res.exit_code == 0, res.output
    warned = res.output[res.output.index("warnings:") :]
    flat = " ".join(warned.split())
    assert (
        "primary planning area(s) 8602008, 8605008, 8606005, 8606007, 8606008, 8607003, "
        "8607014 have only first schools"
    ) in flat
    assert (
        "secondary planning area(s) 8602009, 8602012, 8605010, 8605011, 8605015, 8606009, "
        "8607018, 8607019 have only middle schools"
    ) in flat
    assert " ..." not in warned and "(Planning area" not in warned
    assert max(len(line) for line in warned.splitlines()) <= 100


def test_todo_comments_left_make_a_warning_and_a_report_note(written, tmp_path):
    """A Birmingham trial's report went out with 50 stand-in names and nothing said it was a
    draft: the TODO comments left in a model are counted, warned of and noted."""
    from sufficiency.config import load_model
    from sufficiency.exceptions import SufficiencyWarning
    from sufficiency.inputs import load_inputs

    path = written[335]
    todo = [
        i
        for i, line in enumerate(path.read_text().splitlines(), 1)
        if "#" in line and "TODO" in line.split("#", 1)[1]
    ]
    cfg = load_model(path)
    assert [n for _, n in cfg.todo_lines()] == todo and len(todo) > 10
    with pytest.warns(SufficiencyWarning, match=rf"still has {len(todo)} TODO comments"):
        inputs = load_inputs(cfg)
    note = [n for n in inputs.notes if "TODO comments" in n]
    assert (
        len(note) == 1
        and f"lines {', '.join(map(str, todo[:10]))} and {len(todo) - 10} more" in note[0]
    )
    # resolved: no TODO left, no note
    clean = path.parent / "clean_335.toml"  # beside it: its data paths are relative
    clean.write_text(
        "\n".join(
            re.sub(r"#.*\bTODO\b.*$", "", line).rstrip() for line in path.read_text().splitlines()
        )
    )
    cfg = load_model(clean)
    assert cfg.todo_lines() == ()
    with warnings.catch_warnings():
        warnings.simplefilter("error", SufficiencyWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            inputs = load_inputs(cfg)
        except SufficiencyWarning as w:  # another warning is fine; not the TODO one
            assert "TODO" not in str(w)
        else:
            assert not any("TODO" in n for n in inputs.notes)
