"""Middle-school planning areas (``year_groups``): areas teaching part of the secondary phase,
a middle-school area's Year 8 moving to high-school areas' Year 9.

The synthetic tests say so; the end-to-end ones run a whole-Staffordshire model written from
the published SCAP 2015 file, whose feeder links are assumed (``staffordshire_model.py``).
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from sufficiency import cohort
from sufficiency.cli import cli
from sufficiency.config import load_model
from sufficiency.derive import area_shares, year_group_shares
from sufficiency.exceptions import ConfigError
from sufficiency.forecast import CohortModel
from sufficiency.optimise.options import compulsory_year_groups, default_options

sys.path.insert(0, str(Path(__file__).parent))
from staffordshire_model import HIGH, UTC, write_model  # noqa: E402

MIDDLE = ("8602009", "8602012", "8605010", "8605011", "8605015", "8606009", "8607018", "8607019")
FIRST = ("8602008", "8605008", "8606005", "8606007", "8606008", "8607003", "8607014")

_HEAD = """[model]
name = "T"
authority = "E10000028"
[data]
pupils = { path = "p.csv", reader = "tidy" }
births = { path = "b.csv", reader = "tidy" }
capacity = { path = "c.csv", reader = "tidy" }
[[areas]]
code = "P"
name = "Primary"
phase = "primary"
districts = ["E07000196"]
transfer = { "M" = 0.6, "S" = 0.4 }
[[areas]]
code = "S"
name = "Two-tier secondary"
phase = "secondary"
"""
_MIDDLE = """[[areas]]
code = "M"
name = "Middle"
phase = "secondary"
year_groups = [7, 8]
transfer = { "H" = 1.0 }
[[areas]]
code = "H"
name = "High"
phase = "secondary"
year_groups = [9, 10, 11, 12, 13]
"""


def _load(tmp_path, text):
    for f in ("p.csv", "b.csv", "c.csv"):  # checked to exist when the model loads; not read
        (tmp_path / f).write_text("")
    p = tmp_path / "m.toml"
    p.write_text(text)
    return load_model(p)


# ----------------------------------------------------------------------------- the model file
def test_a_middle_and_a_high_school_area_load(tmp_path):
    cfg = _load(tmp_path, _HEAD + _MIDDLE)
    assert cfg.area("M").ncys == (7, 8) and cfg.area("M").transfer_ncy == 8
    assert cfg.area("H").ncys == (9, 10, 11, 12, 13)
    assert cfg.area("S").ncys == tuple(range(7, 14)) and cfg.area("P").transfer_ncy == 6
    # first- or middle-school areas end before their phase's last year group
    assert [a.code for a in cfg.areas if a.ends_early] == ["M"]


@pytest.mark.parametrize(
    "old, new, match",
    [
        (
            "year_groups = [7, 8]",
            "year_groups = [7, 9]",
            r"\[\[areas\]\] M: year_groups = \[7, 9\]: "
            "expected consecutive year groups in increasing "
            "order within 7-13 for a secondary area",
        ),
        (
            "year_groups = [7, 8]",
            "year_groups = [8, 7]",
            r"year_groups = \[8, 7\]: expected consecutive "
            "year groups in increasing order",
        ),
        (
            "year_groups = [7, 8]",
            "year_groups = [6, 7]",
            r"year_groups = \[6, 7\]: expected consecutive",
        ),
        ("year_groups = [7, 8]", "year_groups = []", r"year_groups = \[\]: expected consecutive"),
        (
            'phase = "primary"\n',
            'phase = "primary"\nyear_groups = [0, 1, 2, 3, 4]\n',
            r'\[\[areas\]\] P \(Primary\): transfer."M" = 0.6: area M \(Middle\) teaches year groups 7-8, '
            "so it cannot take this area's Year 4 as Year 5",
        ),
        (
            'phase = "primary"\n',
            'phase = "primary"\nyear_groups = [0, 1, 2, 3, 4, 5, 6, 7]\n',
            r"year_groups = \[0, 1, 2, 3, 4, 5, 6, 7\]: expected consecutive year groups in increasing "
            "order within 0-6 for a primary area",
        ),
        (
            'transfer = { "H" = 1.0 }\n',
            "",
            r"\[\[areas\]\] M \(Middle, secondary, year_groups \[7, 8\]\): "
            r"no transfer: its Year 8 pupils go to no area",
        ),
        ('transfer = { "H" = 1.0 }', 'transfer = { "S" = 0.5, "H" = 0.5 }', None),
        (
            'transfer = { "H" = 1.0 }',
            'transfer = { "Q" = 1.0 }',
            r"\[\[areas\]\] M \(Middle\): transfer to unknown area\(s\) \['Q'\]; expected codes of the model's",
        ),
        (
            "year_groups = [9, 10, 11, 12, 13]",
            "year_groups = [10, 11, 12, 13]",
            r'\[\[areas\]\] M \(Middle\): transfer."H" = 1.0: area H \(High\) teaches year groups 10-13, '
            "so it cannot take this area's Year 8 as Year 9",
        ),
    ],
)
def test_year_groups_and_middle_transfers_are_checked(tmp_path, old, new, match):
    text = (_HEAD + _MIDDLE).replace(old, new, 1)
    assert text != _HEAD + _MIDDLE
    if match is None:
        _load(tmp_path, text)  # a middle area may feed a 7-13 area at Year 9 too
        return
    with pytest.raises(ConfigError, match=match):
        _load(tmp_path, text)


def test_a_high_school_area_fed_by_no_middle_area_is_rejected(tmp_path):
    text = _HEAD + _MIDDLE.replace('transfer = { "H" = 1.0 }', 'transfer = { "S" = 1.0 }')
    with pytest.raises(
        ConfigError,
        match=r"\[\[areas\]\] H \(High, secondary\): no area transfers "
        r"to it, so its Year 9 would come from nowhere .*give the "
        r"areas that send Year 8 on to it a share in their transfer "
        r"\(M: e\.g\. in area M, transfer = \{ \"H\" = 1\.0 \}\); "
        r"or, for a school recruiting across areas .* intake_from",
    ):
        _load(tmp_path, text)


def test_an_11_16_area_may_not_transfer(tmp_path):
    text = (
        _HEAD + _MIDDLE + '[[areas]]\ncode = "X"\nname = "X"\nphase = "secondary"\n'
        'year_groups = [7, 8, 9, 10, 11]\ntransfer = { "H" = 1.0 }\n'
    )
    with pytest.raises(
        ConfigError,
        match=r"\[\[areas\]\] X \(X\): transfer: this secondary area "
        "teaches up to Year 11, so its pupils move on to no other "
        "area.*give it year_groups = \\[7, 8\\]",
    ):
        _load(tmp_path, text)


# ------------------------------------------------------------------------------ cohort core
def _cube():
    """SYNTHETIC: areas P (primary), M (middle, 7-8), H (high, 9-13), S (7-13, also fed by M)."""
    A, T, G = 4, 6, 14
    cube = np.full((A, T, G), np.nan)
    cube[0, :, :7] = 100.0
    cube[1, :, 7:9] = 60.0
    cube[2, :, 9:14] = 30.0
    cube[3, :, 7:14] = 40.0
    return cube


def test_a_transfer_at_year_8_moves_the_middle_areas_year_8_and_the_others_keep_theirs():
    cube = _cube()
    T6 = np.zeros((4, 4))
    T6[0, 1], T6[0, 3] = 0.6, 0.4
    T8 = np.zeros((4, 4))
    T8[1, 2], T8[1, 3] = 0.5, 0.5
    moves = (cohort.Transfer(6, T6, None), cohort.Transfer(8, T8, ~(T8 > 0).any(axis=1)))
    src = cohort.feeder_counts(cube, moves)
    assert np.allclose(src[:, 0, 6], [0, 60, 0, 40])  # Year 6 -> Year 7, replaced
    assert np.allclose(src[:, 0, 8], [0, 0, 30, 40 + 30])  # H takes 30; S keeps its 40, takes 30
    assert np.isnan(src[1, 0, 9])  # untouched year groups stay as they are
    reception = np.zeros((4, 3))
    reception[0] = 100.0
    out = cohort.roll_forward(np.nan_to_num(cube[:, -1]), np.ones((4, 13)), reception, moves)
    # every pupil is somewhere: ratio 1 conserves the total, Year 13 leaving
    before = np.nan_to_num(cube[:, -1, :13]).sum() + 100
    assert out[:, 0].sum() == pytest.approx(before)
    assert out[1, 0, 9] == 0 and out[2, 0, 9] == pytest.approx(30)  # M has no Year 9; H gets M's
    # a matrix alone is the Year 6 transfer, as before
    assert np.array_equal(
        cohort.feeder_counts(cube, T6), cohort.feeder_counts(cube, moves[:1]), equal_nan=True
    )


def test_the_model_fits_the_year_8_to_9_ratio_on_the_feeder_areas():
    """SYNTHETIC history: high Year 9 is 1.02 x the middle areas' Year 8 the year before."""
    rows = []
    for t in range(2012, 2023):
        k = 1 + 0.01 * (t - 2012)
        for g in range(0, 7):
            rows.append(("P", t, g, 100 * k))
        for g in (7, 8):
            rows.append(("M", t, g, 60 * k))
        rows.append(("H", t, 9, 1.02 * 60 * (k - 0.01)))
        for g in range(10, 14):
            rows.append(("H", t, g, 60 * k))
    hist = pd.DataFrame(rows, columns=["area", "year", "ncy", "pupils"])
    ncys = {"P": tuple(range(7)), "M": (7, 8), "H": tuple(range(9, 14))}
    m = CohortModel(
        shrinkage=0.0, drift=0.0, primary_drift=0.0, staying_on_drift=0.0, reception_drift=0.0
    ).fit(hist, transfer={"P": {"M": 1.0}, "M": {"H": 1.0}}, area_ncys=ncys)
    i = m.areas_.index("H")
    assert m.survival_ratios_[i, 8] == pytest.approx(1.02, rel=1e-6)
    f = m.predict(horizon=2).to_frame()
    fc = f[(f["kind"] == "forecast") & (f["year"] == 2023)].set_index(["area", "ncy"])["pupils"]
    assert fc[("H", 9)] == pytest.approx(1.02 * 60 * 1.10, rel=1e-6)
    assert ("M", 9) not in fc.index or fc[("M", 9)] == 0
    assert ("H", 8) not in fc.index or fc[("H", 8)] == 0


# -------------------------------------------------------------------------- derived history
def test_year_group_shares_reduce_to_area_shares_when_every_area_teaches_its_phase():
    """SYNTHETIC rolls: a school's roll is spread over the year groups it teaches."""
    cap = pd.DataFrame(
        {
            "area": ["A", "B", "C"],
            "phase": "secondary",
            "roll": [300.0, 100.0, 600.0],
            "ncy_min": 7,
            "ncy_max": 13,
        }
    )
    shares = area_shares(cap, cap[["area", "phase"]])
    la = pd.DataFrame(
        {"year": 2014, "ncy": range(7, 14), "pupils": [100, 100, 100, 100, 100, 50, 40]}
    )
    full = year_group_shares(cap, {a: tuple(range(7, 14)) for a in "ABC"}, la, 2014)
    got = full.pivot(index="ncy", columns="area", values="share")
    assert np.allclose(got.to_numpy(), [shares.set_index("area")["share"].to_numpy()] * 7)
    # A's school teaches 7-8 (a middle school), B's 9-13, C's 7-13
    cap2 = cap.assign(ncy_min=[7, 9, 7], ncy_max=[8, 13, 13])
    part = year_group_shares(
        cap2, {"A": (7, 8), "B": tuple(range(9, 14)), "C": tuple(range(7, 14))}, la, 2014
    )
    assert np.allclose(part.groupby("ncy")["share"].sum(), 1.0)
    g7 = part[part["ncy"] == 7].set_index("area")["share"]
    roll_a7, roll_c7 = 300 * 100 / 200, 600 * 100 / 590  # roll x L(7) / sum of L over its years
    assert g7["A"] == pytest.approx(roll_a7 / (roll_a7 + roll_c7))
    assert set(part.loc[part["area"] == "A", "ncy"]) == {7, 8}
    # an area none of whose schools teaches a year group it teaches gets none of it
    part = year_group_shares(
        cap2,
        {"A": tuple(range(7, 14)), "B": tuple(range(9, 14)), "C": tuple(range(7, 14))},
        la,
        2014,
    )
    assert part.set_index(["area", "ncy"]).loc[("A", 9), "share"] == 0


# --------------------------------------------------------------------------- plan options
def test_default_modules_are_sized_for_the_year_groups_an_area_teaches():
    assert compulsory_year_groups("secondary", (7, 8)) == 2
    assert compulsory_year_groups("secondary", range(9, 14)) == 3
    assert compulsory_year_groups("secondary", range(7, 14)) == 5
    assert compulsory_year_groups("primary", range(0, 7)) == 7
    costs = pd.DataFrame(
        {
            "phase": "secondary",
            "option": ["new_school", "permanent_expansion", "temporary_expansion"],
            "cost_per_place": [100.0, 50.0, 10.0],
            "edition": 2025,
        }
    )
    areas = pd.DataFrame({"area": ["M", "H", "S"], "phase": "secondary", "year_groups": [2, 3, 5]})
    o = default_options(areas, costs, 2027).set_index("option")
    assert o.loc["M:secondary:permanent_expansion", "places"] == 30
    assert o.loc["H:secondary:permanent_expansion", "places"] == 45
    assert o.loc["S:secondary:permanent_expansion", "places"] == 75
    assert o.loc["M:secondary:new_school", ["places", "fill_years"]].tolist() == [360, 2]
    assert o.loc["H:secondary:new_school", ["places", "fill_years"]].tolist() == [540, 3]
    assert o.loc["M:secondary:bulge_class", ["places", "duration"]].tolist() == [30, 2]
    assert o.loc["S:secondary:bulge_class", "duration"] == 5
    assert o.loc["M:secondary:new_school", "cost_per_module"] == pytest.approx(36000)


# ------------------------------------------------------------- Staffordshire, end to end
def cell_sum(f: pd.DataFrame, areas, year: int, ncy: int) -> float:
    return float(f[f["area"].isin(areas) & (f["year"] == year) & (f["ncy"] == ncy)]["pupils"].sum())


@pytest.fixture(scope="module")
def staffs(data_dir, tmp_path_factory):
    return write_model(Path(data_dir).resolve(), tmp_path_factory.mktemp("staffs") / "staffs.toml")


def test_staffordshire_validates_without_the_middle_school_warning(staffs):
    r = CliRunner().invoke(cli, ["validate", str(staffs)])
    assert r.exit_code == 0, r.output
    assert "valid (95 planning areas)" in r.output
    assert "have only middle schools" not in r.output
    assert (
        "    8 secondary Y7-Y8 areas (year_groups): 8602009, 8602012, 8605010, 8605011, "
        "8605015, 8606009, 8607018, 8607019"
    ) in r.output
    assert (
        "2 secondary Y10-Y13 areas (year_groups): 8602013, 8605016; 2 recruit their entry"
        in r.output
    )
    assert "7 primary R-Y4 areas (year_groups)" in r.output


def test_staffordshire_forecast_keeps_each_area_to_its_year_groups(staffs, data_dir, tmp_path):
    r = CliRunner().invoke(cli, ["forecast", str(staffs), "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    f = pd.read_csv(tmp_path / "forecast.csv", dtype={"area": str})
    held = f[f["pupils"] > 0].groupby("area")["ncy"].agg(lambda g: (int(g.min()), int(g.max())))
    for a in MIDDLE:
        assert held[a] == (7, 8), a
    for a in HIGH:
        assert held[a] == (9, 13), a
    for a in FIRST:
        assert held[a] == (0, 4), a
    for a in UTC:
        assert held[a] == (10, 13), a
    # a 14-19 academy's Year 10 follows its sources' Year 9 at the ratio its history shows
    src = ("8602010", "8602011")
    y10 = {t: cell_sum(f, ["8602013"], t, 10) for t in (2022, 2023)}
    y9 = {t: cell_sum(f, src, t, 9) for t in (2021, 2022)}
    assert y10[2023] / y9[2022] == pytest.approx(y10[2022] / y9[2021], rel=0.03)
    # first-school areas' Year 4 moves on to the areas with middle schools' Years 5-6
    total5 = {t: f[(f["year"] == t) & (f["ncy"] == 5)]["pupils"].sum() for t in (2022, 2023)}
    total4 = {t: f[(f["year"] == t) & (f["ncy"] == 4)]["pupils"].sum() for t in (2021, 2022)}
    assert total5[2023] / total4[2022] == pytest.approx(total5[2022] / total4[2021], rel=0.01)
    assert (f.loc[f["area"].isin(MIDDLE), "tier"] == "middle").all()
    # the derived history still adds up to the authority's census, year group by year group
    census = pd.read_csv(Path(data_dir) / "census_pupils_by_ncy_2011_2022.csv")
    la = census[(census["new_la_code"] == "E10000028") & (census["nc_year"] == "year_group_8")]
    la = la.assign(year=la["time_period"] // 100).set_index("year")["headcount"]
    hist = f[(f["kind"] == "derived") & (f["ncy"] == 8)].groupby("year")["pupils"].sum()
    assert np.allclose(hist.to_numpy(), la.reindex(hist.index).to_numpy())
    # Year 9 of the high-school areas comes from the middle areas' Year 8 the year before, at
    # the ratio the (derived) history shows
    feeders = ("8605010", "8605011", "8605015")
    cell = f.set_index(["area", "year", "ncy"])["pupils"]
    m8 = {t: sum(cell[(a, t, 8)] for a in feeders) for t in (2021, 2022)}
    h9 = {t: sum(cell[(a, t, 9)] for a in HIGH) for t in (2022, 2023)}
    assert h9[2023] / m8[2022] == pytest.approx(h9[2022] / m8[2021], rel=0.02)


def test_staffordshire_plan_sizes_middle_and_high_options(staffs, tmp_path):
    r = CliRunner().invoke(cli, ["plan", str(staffs), "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    o = pd.read_csv(tmp_path / "options.csv", dtype={"area": str}).set_index("option")
    assert o.loc["8605010:secondary:permanent_expansion", "places"] == 30
    assert o.loc["8605012:secondary:new_school", "places"] == 540
    assert o.loc["8602010:secondary:new_school", "places"] == 900
    # a 14-19 academy sets its own intake: no default options there
    assert not o["area"].isin(UTC).any()
    assert (
        "lasts 2 years: the 2 year groups before the sixth form"
        in o.loc["8605010:secondary:bulge_class", "source"]
    )
    assert "a middle school's Years 5-6" in o.loc["8605010:secondary:new_school", "source"]
    assert "a middle school's Years 5-6" not in o.loc["8605012:secondary:new_school", "source"]


def test_capacity_and_report_describe_middle_and_high_areas(staffs, tmp_path):
    """The report's words follow the areas' year groups (review of the first version: it
    called a Y9-Y13 area's high school Y7-Y13 and every area "secondary Y7-Y13")."""
    import html
    import re

    from sufficiency.inputs import load_inputs

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        inputs = load_inputs(load_model(staffs))
    cap = inputs.capacity
    codsall = cap[(cap["area"] == "8605012") & (cap["phase"] == "secondary")]
    assert codsall[["ncy_min", "ncy_max"]].drop_duplicates().values.tolist() == [[9, 13]]
    r = CliRunner().invoke(
        cli,
        [
            "report",
            str(staffs),
            "--out",
            str(tmp_path),
            "--only",
            "html",
            "--no-send",
            "--no-early-years",
            "--date",
            "2026-11-27",
        ],
    )
    assert r.exit_code == 0, r.output
    assert "no scorecards at" not in r.output  # the report uses [plan] scorecards too
    text = re.sub(
        r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", (tmp_path / "report.html").read_text()))
    )
    assert (
        "this area's schools teach secondary Years 7-8 only (a middle school's Years 5-6 are "
        "in its primary area); Year 8 moves on to 8605012 ("
    ) in text
    assert (
        "Secondary 8605012 Tier structure: three-tier (first "
        "R-Y4, middle Y5-Y8, high Y9-Y13); this area's schools teach Years 9-13 only; its Year 9 "
        "comes from the middle-school areas 8605010, 8605011, 8605015."
    ) in text
    assert "it also takes Year 9 from the middle-school areas 8602009, 8602012" in text
    assert "Codsall Community High School Y9-Y13 1,090" in text
    assert "middle-school areas Y7-Y8, high-school areas Y9-Y13" in text
    assert "Some planning areas here hold only some year groups of their phase" in text
    assert "5 in a first-school area, 2 in a middle-school area, 3 in a high-school area" in text
    assert (
        "First schools 8602008 (primary planning area) Tier structure: three-tier "
        "(first R-Y4, middle Y5-Y8, high Y9-Y13); this area's schools teach R-Y4 only (first "
        "schools); Year 4 moves on to 8602006 ("
    ) in text
    assert "it also takes Year 5 from the first-school area 8602008" in text
    assert (
        "Secondary 8602013 Tier structure: a school "
        "recruiting across areas; this area's schools teach Years 10-13 only; its Year 10 is "
        "recruited from the areas 8602010, 8602011 (forecast as a share of their Year 9, as in "
        "the past). The school sets its own intake, so the plan proposes no default places"
    ) in text


def test_two_tier_areas_of_a_three_tier_pattern_are_warned(tmp_path):
    from sufficiency.exceptions import DataQualityWarning
    from sufficiency.inputs import _warn_three_tier_labels

    cfg = _load(tmp_path, _HEAD + _MIDDLE)
    with pytest.warns(
        DataQualityWarning,
        match=r"planning area\(s\) P \(Primary\), M \(Middle\), H "
        r"\(High\) are first-school or middle-school areas.*"
        r'have tiers = "two_tier"',
    ):
        _warn_three_tier_labels(cfg)
    text = (_HEAD + _MIDDLE).replace(
        'phase = "primary"\n', 'phase = "primary"\ntiers = "three_tier"\n'
    )
    text = text.replace("year_groups = [", 'tiers = "three_tier"\nyear_groups = [')
    cfg = _load(tmp_path, text)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # S, the two-tier secondary area fed by P, is two-tier
        _warn_three_tier_labels(cfg)


_FIRST = """[[areas]]
code = "F"
name = "First"
phase = "primary"
tiers = "three_tier"
year_groups = [0, 1, 2, 3, 4]
districts = ["E07000196"]
transfer = { "P" = 1.0 }
"""
_UTC = """[[areas]]
code = "U"
name = "Academy"
phase = "secondary"
year_groups = [10, 11, 12, 13]
intake_from = ["S", "H"]
"""


def test_first_school_and_14_19_areas_load(tmp_path):
    cfg = _load(tmp_path, _HEAD + _MIDDLE + _FIRST + _UTC)
    assert cfg.area("F").ncys == (0, 1, 2, 3, 4) and cfg.area("F").transfer_ncy == 4
    assert cfg.area("U").intake_from == ("S", "H") and cfg.area("U").ncys[0] == 10


@pytest.mark.parametrize(
    "old, new, match",
    [
        (
            'intake_from = ["S", "H"]',
            'intake_from = ["S", "M"]',
            r"\[\[areas\]\] U \(Academy\): intake_from: 'M' is not a planning area teaching Year 9; "
            r"expected codes of the areas whose Year 9 the area recruits its Year 10 from \(S, H\)",
        ),
        ('intake_from = ["S", "H"]', 'intake_from = "S"', r"intake_from = 'S': expected a list"),
        (
            'intake_from = ["S", "H"]\n',
            "",
            r"\[\[areas\]\] U \(Academy, secondary\): no area transfers to "
            r"it, so its Year 10 would come from nowhere .*no area passes its Year 9 on .*intake_from = "
            r"\[codes of the areas teaching Year 9: S, H\]",
        ),
        (
            "year_groups = [0, 1, 2, 3, 4]\ndistricts",
            "year_groups = [1, 2, 3, 4]\ndistricts",
            r"\[\[areas\]\] F \(First\): districts = \['E07000196'\]: the area teaches no Reception",
        ),
        (
            'transfer = { "P" = 1.0 }',
            'transfer = { "S" = 1.0 }',
            r"transfer.\"S\" = 1.0: area S \(Two-tier secondary\) teaches year groups 7-13, so it cannot "
            r"take this area's Year 4 as Year 5; send them to an area teaching Year 5 \(P\)",
        ),
        (
            'name = "Middle"\nphase = "secondary"\n',
            'name = "Middle"\nphase = "secondary"\nintake_from = ["P"]\n',
            r"intake_from: the area starts at Y7",
        ),
    ],
)
def test_first_school_and_intake_errors(tmp_path, old, new, match):
    text = _HEAD + _MIDDLE + _FIRST + _UTC
    assert old in text
    with pytest.raises(ConfigError, match=match):
        _load(tmp_path, text.replace(old, new, 1))


def test_first_school_only_areas_and_schools_outside_their_year_groups_are_warned(tmp_path):
    """SYNTHETIC capacity rows."""
    from types import SimpleNamespace

    from sufficiency.exceptions import DataQualityWarning
    from sufficiency.inputs import _clip_to_year_groups, _warn_middle_school_areas

    areas = [
        SimpleNamespace(code="F", phase="primary", year_groups=()),
        SimpleNamespace(code="P", phase="primary", year_groups=()),
    ]
    cfg = SimpleNamespace(areas=areas, area_names={"F": "Firsts", "P": "Primaries"})
    cap = pd.DataFrame(
        {
            "area": ["F", "P"],
            "phase": "primary",
            "school": ["1", "2"],
            "school_name": ["Green Lea First School", "St Mary's Primary School"],
            "ncy_min": [0, 0],
            "ncy_max": [6, 6],
        }
    )  # as the SCAP file codes them
    with pytest.warns(
        DataQualityWarning,
        match=r"primary planning area\(s\) F \(Firsts\) have only "
        r"first schools .* year_groups = \[0, 1, 2, 3, 4\]",
    ):
        _warn_middle_school_areas(cfg, cap, "f.csv")
    cfg = _load(tmp_path, _HEAD + _MIDDLE + _FIRST + _UTC)
    cap = pd.DataFrame(
        {
            "area": ["H", "H", "F"],
            "phase": ["secondary", "secondary", "primary"],
            "school": ["h1", "h2", "f1"],
            "ncy_min": [7, 7, 5],
            "ncy_max": [13, 8, 6],
        }
    )
    with pytest.warns(
        DataQualityWarning,
        match=r"f\.csv: 2 school\(s\) teach none of their planning "
        r"area's year_groups \(h2 \(Y7-Y8\) in area H",
    ):
        out = _clip_to_year_groups(cfg, cap, "f.csv")
    assert out[["ncy_min", "ncy_max"]].values.tolist() == [[9, 13], [7, 8], [5, 6]]
    assert cap["ncy_min"].tolist() == [7, 7, 5]  # the input is not modified


@pytest.mark.parametrize("method", ["eb", "fixed"])
def test_a_recruiting_areas_share_is_its_own_and_pools_with_no_survival_ratio(staffs, method):
    """Review: a 14-19 academy's Year 9 -> 10 'ratio' is its share of its sources' Year 9
    (about 0.13), not a survival ratio (about 0.97); pooled with the others (fixed
    shrinkage) it rose to 0.77 and the academy's Year 10 to 5.7 times its history."""
    from sufficiency.forecast import CohortModel, forecast_params
    from sufficiency.inputs import load_inputs

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        inputs = load_inputs(load_model(staffs))
    cfg = inputs.config
    params = {**forecast_params(cfg), "shrinkage_method": method}
    params.pop("horizon", None)
    m = CohortModel(**params).fit(
        inputs.pupils,
        inputs.births,
        base_year=inputs.base_year,
        transfer={a.code: dict(a.transfer) for a in cfg.areas if a.transfer},
        area_ncys={a.code: a.ncys for a in cfg.areas},
        intake_from={a.code: a.intake_from for a in cfg.areas if a.intake_from},
    )
    k = m.ncys_.index(9)
    for u in UTC:
        i = m.areas_.index(u)
        hist = m.survival_history_[i, -3:, k]
        assert m.recruit_[i, k]
        assert m.survival_ratios_[i, k] == pytest.approx(np.mean(hist), rel=0.03)
        assert m.survival_ratios_[i, k] < 0.2
    for a in ("8602010", "8601004"):
        assert 0.9 < m.survival_ratios_[m.areas_.index(a), k] < 1.05


def test_staffordshire_history_adds_up_in_every_year_group_and_first_schools_feed_their_area(
    staffs, data_dir, tmp_path
):
    r = CliRunner().invoke(cli, ["forecast", str(staffs), "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    f = pd.read_csv(tmp_path / "forecast.csv", dtype={"area": str})
    census = pd.read_csv(Path(data_dir) / "census_pupils_by_ncy_2011_2022.csv")
    census = census[census["new_la_code"] == "E10000028"]
    label = {"reception": 0, **{f"year_group_{g}": g for g in range(1, 14)}}
    census = census[census["nc_year"].isin(label)]
    la = (
        census.assign(year=census["time_period"] // 100, ncy=census["nc_year"].map(label))
        .groupby(["year", "ncy"])["headcount"]
        .sum()
    )
    hist = f[f["kind"] == "derived"].groupby(["year", "ncy"])["pupils"].sum()
    assert np.allclose(hist.to_numpy(), la.reindex(hist.index).to_numpy())
    assert len(hist) == 12 * 14
    # 8602006 takes 8602008's Year 4 at the model's share, with its own Year 4
    cfg = load_model(staffs)
    share = cfg.area("8602008").transfer["8602006"]
    cell = f.set_index(["area", "year", "ncy"])["pupils"]
    src = {t: cell[("8602006", t, 4)] + share * cell[("8602008", t, 4)] for t in (2021, 2022)}
    assert cell[("8602006", 2023, 5)] / src[2022] == pytest.approx(
        cell[("8602006", 2022, 5)] / src[2021], rel=0.01
    )


def test_an_area_fed_twice_and_the_library_without_area_ncys(tmp_path):
    text = (_HEAD + _MIDDLE).replace(
        "year_groups = [9, 10, 11, 12, 13]",
        'year_groups = [9, 10, 11, 12, 13]\nintake_from = ["S"]',
    )
    with pytest.raises(
        ConfigError,
        match=r"\[\[areas\]\] H \(High\): intake_from: its Year 9 is "
        r"already fed by the transfer of M",
    ):
        _load(tmp_path, text)
    # the library infers where each area's pupils move on from the base year's year groups
    rows = [
        (a, t, g, 50.0)
        for t in range(2015, 2023)
        for a, gs in (("P", range(7)), ("M", (7, 8)), ("H", range(9, 14)))
        for g in gs
    ]
    hist = pd.DataFrame(rows, columns=["area", "year", "ncy", "pupils"])
    m = CohortModel().fit(hist, transfer={"P": {"M": 1.0}, "M": {"H": 1.0}})
    assert [t.g for t in m.transfer_] == [6, 8]
    f = m.predict(horizon=1).to_frame()
    y9 = f[(f["area"] == "H") & (f["ncy"] == 9) & (f["kind"] == "forecast")]["pupils"]
    assert float(y9.iloc[0]) == pytest.approx(50.0)


def test_a_sixth_form_only_area_gets_no_default_options():
    costs = pd.DataFrame(
        {
            "phase": "secondary",
            "option": ["new_school", "permanent_expansion", "temporary_expansion"],
            "cost_per_place": [100.0, 50.0, 10.0],
            "edition": 2025,
        }
    )
    areas = pd.DataFrame({"area": ["X", "S"], "phase": "secondary", "year_groups": [0, 5]})
    o = default_options(areas, costs, 2027)
    assert set(o["area"]) == {"S"}


def test_tier_changes_with_year_groups_and_a_mistyped_intake_area(tmp_path):
    from sufficiency.exceptions import DataQualityWarning
    from sufficiency.inputs import _warn_three_tier_labels

    text = (_HEAD + _MIDDLE + _FIRST + _UTC).replace(
        "year_groups = [0, 1, 2, 3, 4]",
        'year_groups = [0, 1, 2, 3, 4]\ntier_changes = [{ year = 2028, tiers = "two_tier" }]',
    )
    with pytest.warns(
        DataQualityWarning,
        match=r"planning area\(s\) F \(First\) give both "
        r"year_groups and tier_changes: the year groups an "
        r"area teaches and its transfers do not change",
    ):
        _warn_three_tier_labels(_load(tmp_path, text))
    text = (_HEAD + _MIDDLE + _FIRST + _UTC).replace(
        'intake_from = ["S", "H"]', 'intake_from = ["HH"]'
    )
    with pytest.raises(
        ConfigError,
        match=r"\[\[areas\]\] U \(Academy\): intake_from: no planning "
        r"area 'HH' \(did you mean 'H'\?\); expected codes of the "
        r"areas teaching Year 9 \(S, H\)",
    ):
        _load(tmp_path, text)


def test_first_schools_are_told_by_their_names():
    from sufficiency.nomenclature import year_groups_from_names

    names = [
        "Pebworth First School",
        "Abbey Park First and Nursery School",
        "Cutnall Green CofE First",
        "GREEN LEA FIRST SCHOOL",
        "First Steps Primary School",
        "St Mary's Primary",
        "Drakes' Broughton St Barnabas CofE First and Middle School",
        "Aston Fields Middle School",
        "First Avenue Infant School",
        "Cottesbrooke Junior School",
        "Prince Albert Junior and Infant School",
        "Holy Infant Jesus Catholic Primary School",
        "Junior and Senior School",
        "St Mary's Infants' School",
    ]
    lo = [0, 0, 0, 0, 0, 0, 5, 5, 0, 0, 0, 0, 0, 0]
    hi = [6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6]
    lo2, hi2, changed = year_groups_from_names(names, lo, hi)
    assert list(zip(lo2, hi2)) == [(0, 4)] * 4 + [
        (0, 6),
        (0, 6),
        (0, 6),
        (5, 6),
        (0, 2),
        (3, 6),
        (0, 6),
        (0, 6),
        (0, 6),
        (0, 2),
    ]
    assert changed.tolist() == [True] * 4 + [
        False,
        False,
        True,
        False,
        True,
        True,
        False,
        False,
        False,
        True,
    ]


def test_a_year_group_no_school_covers_is_shared_not_dropped():
    """Review: a tidy capacity file with an 11-16 school in a Years 9-13 area left Years 12-13
    with no school, and their pupils were dropped from the derived history."""
    from sufficiency.exceptions import DataQualityWarning

    cap = pd.DataFrame(
        {
            "area": ["M", "H"],
            "phase": "secondary",
            "roll": [200.0, 300.0],
            "ncy_min": [7, 9],
            "ncy_max": [8, 11],
        }
    )
    la = pd.DataFrame(
        {"year": 2014, "ncy": range(7, 14), "pupils": [100, 100, 100, 100, 100, 50, 40]}
    )
    with pytest.warns(DataQualityWarning, match=r"no school's year groups cover Y12, Y13"):
        part = year_group_shares(cap, {"M": (7, 8), "H": tuple(range(9, 14))}, la, 2014)
    s = part.groupby("ncy")["share"].sum()
    assert np.allclose(s, 1.0) and len(s) == 7


def test_sparse_and_dense_transfers_agree():
    """The forecast builds its transfers as sparse matrices (a 2,000-area model's dense
    matrices made fit take 3.4 s; benchmarks/bench_forecast.py --transfer)."""
    from scipy import sparse

    cube = _cube()
    T6 = np.zeros((4, 4))
    T6[0, 1], T6[0, 3] = 0.6, 0.4
    T8 = np.zeros((4, 4))
    T8[1, 2], T8[1, 3] = 0.5, 0.5
    keep = ~(T8 > 0).any(axis=1)
    dense = (cohort.Transfer(6, T6, None), cohort.Transfer(8, T8, keep))
    sp = (
        cohort.Transfer(6, sparse.csr_matrix(T6), None),
        cohort.Transfer(8, sparse.csr_matrix(T8), keep),
    )
    assert np.allclose(
        cohort.feeder_counts(cube, dense), cohort.feeder_counts(cube, sp), equal_nan=True
    )
    base = np.repeat(np.nan_to_num(cube[:, -1])[:, :, None], 3, axis=2)  # with a draws axis
    rec = np.zeros((4, 2, 3))
    rec[0] = 100.0
    ratios = np.ones((4, 13, 3))
    assert np.allclose(
        cohort.roll_forward(base, ratios, rec, dense), cohort.roll_forward(base, ratios, rec, sp)
    )


def test_error_lists_every_area_teaching_the_year_up_to_thirty():
    from types import SimpleNamespace

    from sufficiency.config import _teaching

    areas = tuple(SimpleNamespace(code=f"86010{i:02d}", ncys=(7, 8, 9, 10, 11)) for i in range(34))
    six = _teaching(areas[:6], 9)
    assert six == ", ".join(a.code for a in areas[:6])
    many = _teaching(areas, 9)
    assert many.split(" and ")[0] == ", ".join(a.code for a in areas[:30])
    assert many.endswith("and 4 more of the model's [[areas]]")
    assert _teaching(areas, 5) == "none"
