"""What the data are labelled: the year of the capacity data, which dates the capacity in the report and decides whether
it says the capacity is out of date: ``[data.capacity] year`` was taken on trust (a year of
2040 passed ``validate``; 2022 for the 2015 SCAP file silenced the report's warning that the
capacity is eight years old, and the citation said 2014 to 2015 whatever the year). Checked
on the default model (real data) with its capacity year edited, labelled as such. And births
by planning area are labelled derived only where a district's births were split."""

from __future__ import annotations

import warnings

import pytest
from click.testing import CliRunner
from conftest import edited_model

from sufficiency.cli import cli
from sufficiency.config import load_model
from sufficiency.exceptions import DataQualityWarning
from sufficiency.inputs import load_inputs
from sufficiency.io.scap import read_scap_capacity

CAP = 'reader = "scap", year = 2014 }'


def _year_warnings(path) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_inputs(load_model(path))
    return [
        str(w.message)
        for w in caught
        if issubclass(w.category, DataQualityWarning) and "[data.capacity] year" in str(w.message)
    ]


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2040, "is after 2023/24, the year after the latest census (2022/23)"),
        (2022, "the file's name scap_2015_school_capacity.csv says the 2015 collection"),
        (2013, "expected year = 2014"),
    ],
)
def test_a_capacity_year_the_file_cannot_have_warns(tmp_path, year, expected):
    """Edited default model: the capacity year set to one the 2015 SCAP file cannot be."""
    path = edited_model(tmp_path, [(CAP, f'reader = "scap", year = {year} }}')])
    found = _year_warnings(path)
    assert len(found) == 1, found
    assert f"[data.capacity] year = {year} ({year}/{(year + 1) % 100:02d})" in found[0]
    assert expected in found[0]


def test_the_default_capacity_year_is_quiet(model_path):
    assert _year_warnings(model_path) == []


def test_validate_lists_the_capacity_year_problem(tmp_path):
    """Edited default model (year = 2022): ``validate`` said nothing of it."""
    path = edited_model(tmp_path, [(CAP, 'reader = "scap", year = 2022 }')])
    res = CliRunner().invoke(cli, ["validate", str(path)])
    assert res.exit_code == 0, res.output
    flat = " ".join(res.output.split())
    assert "[data.capacity] year = 2022 (2022/23), but the file's name" in flat


def test_the_citation_follows_the_capacity_year(data_dir):
    """The publisher named 2014 to 2015 whatever year the figures were declared for."""
    path = data_dir / "scap_2015_school_capacity.csv"
    assert read_scap_capacity(path, la_codes=[885]).provenance[0].publisher == (
        "DfE, School capacity: academic year 2014 to 2015 (school-level data)"
    )
    later = read_scap_capacity(path, la_codes=[885], year=2023).provenance[0]
    assert later.publisher.startswith("DfE, School capacity: academic year 2023 to 2024")
    assert later.years == (2023,)


def test_births_of_whole_districts_are_not_labelled_derived(inputs):
    """Worcestershire (real data): Redditch's and Worcester's births each go whole to one
    primary area, so nothing is derived there; the 15 other primary areas share districts.
    Stoke-on-Trent's one primary area was labelled derived while the note said there was
    nothing to split (a documentation audit)."""
    b = inputs.births
    whole = {"8850010", "8850015"}
    own = b[b["area"].isin(whole)]
    assert set(own["kind"]) == {"actual"}
    assert set(own["source"]) == {"ONS district births (whole districts, not split)"}
    split = b[~b["area"].isin(whole)]
    assert set(split["kind"]) == {"derived"} and split["area"].nunique() == 15
    assert split["source"].str.startswith("ONS district births split by").all()
    # the totals are untouched: each year's births by area sum to the authority's
    total = b.groupby("year")["births"].sum()
    auth = inputs.authority_births.set_index("year")["births"]
    assert (total - auth.reindex(total.index)).abs().max() < 1e-6


def test_one_primary_area_takes_its_births_as_published(tmp_path):
    """Stoke-on-Trent's starting model (real data): one primary area, births as published."""
    from conftest import new_model

    path = new_model(tmp_path, "E06000021", "stoke")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loaded = load_inputs(load_model(path))
    assert set(loaded.births["kind"]) == {"actual"}


def test_new_without_any_data_folder_says_where_the_data_live(tmp_path, monkeypatch):
    """An install without the repository's data/ (a wheel), run in a folder with no ./data:
    ``new`` said only "data/census_pupils_by_ncy_2011_2022.csv: file not found" (a
    documentation audit)."""
    import sufficiency.datasets as datasets

    monkeypatch.chdir(tmp_path)
    # neither a wheel's packaged copy nor a clone's folders beside the package
    monkeypatch.setattr(datasets, "_PACKAGED", tmp_path / "site-packages" / "_embedded")
    monkeypatch.setattr(datasets, "_REPOSITORY", tmp_path / "site-packages")
    res = CliRunner().invoke(cli, ["new", "E08000029", "--out", str(tmp_path / "s.toml")])
    assert res.exit_code == 1
    flat = " ".join(res.output.split())
    assert "no data folder: ./data does not exist here" in flat
    assert "give --data-dir" in flat
    assert not (tmp_path / "s.toml").exists()


def test_a_missing_section_file_is_a_missing_file_error_naming_its_section(tmp_path):
    """The report told a missing [send] file from other errors by searching the message for
    ': no file at ' (a review): the error now says whose input is missing. Edited default
    model (real data) with a misspelt [send.files] caseload."""
    from sufficiency import ConfigError, MissingFileError

    path = edited_model(
        tmp_path, [('caseload = "../data/ehcp_2025_caseload.csv"', 'caseload = "caseloads.csv"')]
    )
    with pytest.raises(MissingFileError) as e:
        load_model(path)
    assert isinstance(e.value, ConfigError) and e.value.section == "send"
    assert "[send.files] caseload" in str(e.value) and "no file at" in str(e.value)
    res = CliRunner().invoke(cli, ["report", str(path), "--out", str(tmp_path / "out")])
    assert res.exit_code == 1
    assert "--allow-missing send" in " ".join(res.output.split())
    assert not (tmp_path / "out").exists()
