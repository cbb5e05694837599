"""Derived planning-area history and model definitions."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import DATA

from sufficiency import ConfigError, load_inputs, load_model
from sufficiency.derive import apportion_pupils, area_shares

#: the two inputs every model needs, from the shipped data
INPUTS = (
    f'pupils={{path="{DATA}/census_pupils_by_ncy_2011_2022.csv", reader="census_ncy"}}\n'
    f'capacity={{path="{DATA}/scap_2015_school_capacity.csv", reader="scap"}}\n'
)


def test_derived_areas_sum_to_authority(inputs):
    p = inputs.pupils
    la = inputs.authority_pupils
    tot = p.groupby(["year", "ncy"]).pupils.sum()
    ref = la[la.ncy >= 0].set_index(["year", "ncy"]).pupils.reindex(tot.index)
    np.testing.assert_allclose(tot.to_numpy(), ref.to_numpy(), rtol=1e-12)
    assert set(p.kind) == {"derived"}


def test_derived_phases_go_to_matching_areas(inputs):
    p = inputs.pupils.merge(inputs.areas_frame()[["area", "phase"]], on="area")
    assert (p[p.phase == "primary"].ncy <= 6).all()
    assert (p[p.phase == "secondary"].ncy >= 7).all()


def test_worcester_city_secondary_share(inputs):
    shares = area_shares(inputs.capacity, inputs.areas_frame())
    s = shares.set_index("area").loc["8850031"]
    assert s.roll == 5174
    np.testing.assert_allclose(shares.groupby("phase").share.sum(), 1.0)


def test_births_apportioned_sum_to_authority(inputs):
    b = inputs.births.groupby("year").births.sum()
    a = inputs.authority_births.set_index("year").births.reindex(b.index)
    np.testing.assert_allclose(b.to_numpy(), a.to_numpy(), rtol=1e-12)
    assert a.loc[2011] == 6284


def test_apportion_is_linear(tiny_pupils):
    import pandas as pd

    shares = pd.DataFrame(
        {
            "area": ["P", "S"],
            "phase": ["primary", "secondary"],
            "roll": [1.0, 1.0],
            "share": [1.0, 1.0],
        }
    )
    one = tiny_pupils[tiny_pupils.area == "A"]
    out = apportion_pupils(one, shares)
    assert (out.loc[out.area == "P", "pupils"] == 100).all()
    assert out[out.area == "S"].ncy.min() == 7


def test_an_area_with_its_whole_phase_keeps_the_census_count_as_actual(tiny_pupils):
    """One secondary area for the whole authority (Herefordshire) has the census's own count:
    kind 'actual', not 'derived'; areas sharing a phase stay derived."""
    import pandas as pd

    shares = pd.DataFrame(
        {
            "area": ["P1", "P2", "S"],
            "phase": ["primary", "primary", "secondary"],
            "roll": [3.0, 1.0, 1.0],
            "share": [0.75, 0.25, 1.0],
        }
    )
    out = apportion_pupils(tiny_pupils[tiny_pupils.area == "A"], shares)
    assert set(out.loc[out.area == "S", "kind"]) == {"actual"}
    assert set(out.loc[out.area != "S", "kind"]) == {"derived"}
    assert (out.loc[out.area == "S", "pupils"] == 100).all()


def test_tier_change(inputs):
    pershore = inputs.config.area("8850025")
    assert pershore.tier_structure(2026).name == "three_tier"
    assert pershore.tier_structure(2027).name == "two_tier"
    assert pershore.tier_structure(2026).tier_of(7) == "middle"
    assert pershore.tier_structure(2027).tier_of(7) == "secondary"


BAD_MODELS = {
    "no model section": ("[data]\n", "[model]"),
    "bad toml": ("[model\n", "TOML"),
    "bad phase": (
        '[model]\nname="x"\nauthority="E1"\n[[areas]]\ncode="1"\nname="a"\nphase="tertiary"\n',
        "phase",
    ),
    "transfer to unknown": (
        '[model]\nname="x"\nauthority="E1"\n[[areas]]\ncode="1"\nname="a"\nphase="primary"\n'
        'transfer={"9"=1.0}\n[data]\npupils="p.csv"\ncapacity="c.csv"\n',
        "unknown area",
    ),
    "primary and secondary areas, no transfer": (
        '[model]\nname="x"\nauthority="E1"\n[[areas]]\ncode="1"\nname="a"\nphase="primary"\n'
        '[[areas]]\ncode="2"\nname="b"\nphase="secondary"\n',
        "[[areas]]: 1 primary and 1 secondary planning areas but no transfer: secondary Year 7 "
        "comes only from the primary areas' transfer shares, so every secondary area would fall "
        'to 0 pupils; give each primary area transfer = { "2" = 1.0 }',
    ),
    "derived capacity": (
        '[model]\nname="x"\nauthority="E1"\n[[areas]]\ncode="1"\nname="a"\nphase="primary"\n'
        "[data]\n"
        + INPUTS.replace(
            'path="' + str(DATA) + '/scap_2015_school_capacity.csv", reader="scap"',
            'reader="derived"',
        ),
        "[data.capacity]: reader = 'derived': expected one of scap, tidy",
    ),
    "missing data file": (
        '[model]\nname="x"\nauthority="E1"\n[[areas]]\ncode="1"\nname="a"\nphase="primary"\n'
        '[data]\npupils={path="nope.csv", reader="census_ncy"}\n',
        "not found",
    ),
    "bad margin": (
        '[model]\nname="x"\nauthority="E1"\n[[areas]]\ncode="1"\nname="a"\nphase="primary"\n'
        "[data]\n" + INPUTS + "[assumptions]\nmargin=1.5\n",
        "margin",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_MODELS))
def test_bad_model_definitions(tmp_path, case):
    text, needle = BAD_MODELS[case]
    p = tmp_path / "m.toml"
    p.write_text(text)
    with pytest.raises(ConfigError) as exc:
        load_model(p)
    assert str(p) in str(exc.value) and needle in str(exc.value)


def test_one_line_swap_to_school_census(tmp_path, model_path, inputs):
    """Changing the one [data] line to a school-level census extract gives observed history.

    The extract is SYNTHETIC (test data only): every school of the SCAP file, 2018-2022, its
    May 2015 roll spread evenly over the year groups it teaches.
    """
    from click.testing import CliRunner

    from sufficiency.cli import cli

    cap = inputs.capacity
    rows = []
    for _, s in cap.iterrows():
        groups = range(int(s["ncy_min"]), int(s["ncy_max"]) + 1)
        for year in range(2018, 2023):
            for g in groups:
                rows.append((s["school"], year, g, round(s["roll"] / len(groups))))
    import pandas as pd

    extract = pd.DataFrame(rows, columns=["school", "year", "ncy", "pupils"])
    extract = extract.groupby(["school", "year", "ncy"], as_index=False)["pupils"].sum()
    extract.to_csv(tmp_path / "school_census.csv", index=False)
    text = model_path.read_text()
    old = 'pupils_by_area = { reader = "derived" }'
    assert text.count(old) == 1
    root = model_path.parent.parent.resolve()
    text = text.replace(
        old, 'pupils_by_area = { path = "school_census.csv", reader = "school_census" }'
    )
    text = text.replace('"../data/', f'"{root}/data/')
    model = tmp_path / "own.toml"
    model.write_text(text)

    own = load_inputs(load_model(model))
    assert not own.derived
    assert set(own.pupils["kind"]) == {"actual"}
    assert own.pupils["pupils"].sum() == extract["pupils"].sum()
    # every school's pupils land in its planning area (middle schools split by year group)
    wc = own.pupils[(own.pupils["area"] == "8850031") & (own.pupils["year"] == 2022)]
    assert wc["ncy"].min() >= 7 and wc["pupils"].sum() > 0

    res = CliRunner().invoke(cli, ["forecast", str(model), "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    out = pd.read_csv(tmp_path / "out" / "forecast.csv")
    hist = out[out["kind"] != "forecast"]
    assert len(hist) and "derived" not in set(hist["kind"])


def test_a_school_opened_since_the_capacity_data_from_the_cli(tmp_path, model_path, inputs):
    """A census extract with a school the SCAP 2015 lookup does not have failed to load as a
    whole; its 'area' column now places it, from the command line as from the library.

    The extract is SYNTHETIC (test data only): every SCAP school, 2020-2022, its roll spread
    over its year groups, and a made-up new primary school 8853999 in Bewdley (8850001),
    20 pupils a year group.
    """
    import pandas as pd
    from click.testing import CliRunner

    from sufficiency.cli import cli

    rows = []
    for _, s in inputs.capacity.iterrows():
        groups = range(int(s["ncy_min"]), int(s["ncy_max"]) + 1)
        rows += [
            (s["school"], y, g, round(s["roll"] / len(groups)), "")
            for y in range(2020, 2023)
            for g in groups
        ]
    rows += [("8853999", y, g, 20, "8850001") for y in range(2020, 2023) for g in range(7)]
    extract = pd.DataFrame(rows, columns=["school", "year", "ncy", "pupils", "area"])
    extract = extract.groupby(["school", "year", "ncy", "area"], as_index=False)["pupils"].sum()
    extract.to_csv(tmp_path / "school_census.csv", index=False)
    root = model_path.parent.parent.resolve()
    text = (
        model_path.read_text()
        .replace(
            'pupils_by_area = { reader = "derived" }',
            'pupils_by_area = { path = "school_census.csv", reader = "school_census" }',
        )
        .replace('"../data/', f'"{root}/data/')
    )
    model = tmp_path / "own.toml"
    model.write_text(text)

    res = CliRunner().invoke(cli, ["validate", str(model)])
    assert res.exit_code == 0, res.output
    said = " ".join(res.output.split())
    assert "school 8853999 in area 8850001" in said and "no places for them" in said
    res = CliRunner().invoke(cli, ["forecast", str(model), "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    out = pd.read_csv(tmp_path / "out" / "forecast.csv", dtype={"area": str})
    hist = out[(out["kind"] == "actual") & (out["area"] == "8850001") & (out["year"] == 2022)]
    own = extract[
        extract["school"].isin(inputs.capacity.loc[inputs.capacity["area"] == "8850001", "school"])
    ]
    assert hist["pupils"].sum() == own.loc[own["year"] == 2022, "pupils"].sum() + 7 * 20
    assert "8853999 in 8850001" in (tmp_path / "out" / "notes.txt").read_text()


def test_a_model_of_whole_phase_areas_is_still_calibrated_on_authorities(tmp_path):
    """Stoke-on-Trent's two planning areas are each its whole phase: their history is the
    census's own count (kind 'actual'), but the model still has only the authority's
    history, so it counts as derived and its intervals rest on the authorities' errors (a
    Stoke trial found zero-width sixth-form ranges calibrated on its own two areas)."""
    import shutil

    from sufficiency.forecast import run_forecast

    for f in (
        "census_pupils_by_ncy_2011_2022.csv",
        "births_by_district_1992_2023.csv",
        "district_to_la_west_midlands.csv",
        "scap_2015_school_capacity.csv",
    ):
        shutil.copy(DATA / f, tmp_path / f)
    (tmp_path / "stoke.toml").write_text("""
[model]
name = "Stoke-on-Trent"
authority = "E06000021"
old_la_code = 861
[data]
pupils = { path = "census_pupils_by_ncy_2011_2022.csv", reader = "census_ncy" }
pupils_by_area = { reader = "derived" }
births = { path = "births_by_district_1992_2023.csv", reader = "ons_births" }
lookup = { path = "district_to_la_west_midlands.csv", reader = "district_lookup" }
capacity = { path = "scap_2015_school_capacity.csv", reader = "scap", year = 2014 }
[[areas]]
code = "8610001"
name = "Stoke primary"
phase = "primary"
districts = ["E06000021"]
transfer = { "8610002" = 1.0 }
[[areas]]
code = "8610002"
name = "Stoke secondary"
phase = "secondary"
""")
    import warnings as _warnings

    from sufficiency.derive import DERIVED_NOTE, WHOLE_PHASE_NOTE
    from sufficiency.inputs import DERIVED_WARNING, ONE_PRIMARY_AREA_BIRTHS

    with _warnings.catch_warnings(record=True) as got:
        _warnings.simplefilter("always")
        inputs = load_inputs(load_model(tmp_path / "stoke.toml"))
    assert set(inputs.pupils["kind"]) == {"actual"} and inputs.derived
    # the engine's own notes, sources and warnings say what the report says: the census's
    # count, not "derived" (a Stoke-on-Trent trial's validate warned it was derived)
    assert WHOLE_PHASE_NOTE in inputs.notes and DERIVED_NOTE not in inputs.notes
    assert ONE_PRIMARY_AREA_BIRTHS in inputs.notes
    assert not any(
        n.startswith("Births by primary planning area are derived") for n in inputs.notes
    )
    assert DERIVED_WARNING not in [str(w.message) for w in got]
    row = [p for p in inputs.provenance if p.table == "pupils_by_area"]
    assert len(row) == 1 and row[0].kind == "actual" and row[0].note == WHOLE_PHASE_NOTE
    res = run_forecast(inputs)
    assert not any("understated" in n for n in res.notes)
    assert any(
        n.startswith(
            "Intervals come from authority-level errors: each planning area here "
            "has the whole of its phase"
        )
        for n in res.notes
    )
    pt = res.phase_totals()
    six = pt[(pt["phase"] == "sixth_form") & (pt["year"] == pt["year"].max())].iloc[0]
    assert six["pupils_upper"] - six["pupils_lower"] > 0.05 * six["pupils"]
    assert any("authorities" in n for n in res.notes)

    # the report does not call such areas' history derived anywhere a reader looks first:
    # the summary, the cover and the approval's conditions (a review found the summary
    # saying "DERIVED" beside area pages saying "census's own count")
    import warnings

    from sufficiency.report import build_report, run_pipeline
    from sufficiency.report.text import executive_summary, recommendations

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = run_pipeline(inputs, with_send=False, with_early_years=False)
        missing = results.pop("missing")
        results.pop("seconds", None)
        data = build_report(inputs, **results, missing=missing, report_date="2026-11-28")
    assert data.derived and not data.any_history_derived
    text = " ".join(executive_summary(data) + recommendations(data))
    assert "DERIVED" not in text and "derived from the authority's totals" not in text
    assert not any(data.history_derived(a) for a in data.areas["area"])
    assert data.headline()["derived_history"] is False  # summary.json says as the report does
