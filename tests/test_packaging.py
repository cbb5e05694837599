"""A non-editable install carries the embedded data and models, and the package finds them.

An install from a wheel (``pip install .``, ``pip install git+https://...``) had no ``data/``
and no ``models/``: only a clone had them, so ``sufficiency new`` failed there and a library
user could not run the default model. setup.py now copies both folders into the built package
(``sufficiency/_embedded/``) and ``sufficiency.datasets`` finds them in a clone or in the
package. The builds here run on copies in temporary folders, so that setuptools' ``build/``
and ``*.egg-info`` are never written into the repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import sufficiency
from sufficiency import ConfigError, datasets, load_model
from sufficiency.cli import cli

ROOT = Path(__file__).resolve().parents[1]
#: what a build of the package reads from the repository
SOURCES = (
    "pyproject.toml",
    "setup.py",
    "MANIFEST.in",
    "README.md",
    "sufficiency",
    "data",
    "models",
)
#: inside the package, where a build puts data/ and models/
PACKAGED = "sufficiency/_embedded"


def embedded_sources() -> list[str]:
    """Every file of the repository's data/ and models/ (POSIX paths relative to the root),
    the hidden ones and caches left out as setup.py leaves them out."""
    files = []
    for folder in ("data", "models"):
        for path in sorted((ROOT / folder).rglob("*")):
            relative = path.relative_to(ROOT)
            hidden = any(p.startswith(".") or p == "__pycache__" for p in relative.parts)
            if path.is_file() and not hidden:
                files.append(relative.as_posix())
    return files


def run(args, cwd, **env):
    """Run a command (a build, or the CLI) and return it; a failure shows its output."""
    environment = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}
    environment.update(env)
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=environment, capture_output=True, text=True
    )
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def sdist(tmp_path_factory) -> Path:
    """The sdist, built by setuptools' PEP 517 backend from a copy of the sources."""
    tmp = tmp_path_factory.mktemp("sdist")
    source = tmp / "source"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.py[cod]", "*.egg-info", "build", "_embedded")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, source / name)
    code = (
        "import sys; from setuptools import build_meta; print(build_meta.build_sdist(sys.argv[1]))"
    )
    name = run([sys.executable, "-c", code, tmp / "dist"], cwd=source).stdout.split()[-1]
    return tmp / "dist" / name


@pytest.fixture(scope="module")
def unpacked(sdist) -> Path:
    """The sdist unpacked: the project folder a wheel is built from (as ``python -m build``
    and pip installing from an index build it)."""
    with tarfile.open(sdist) as tar:
        # the "data" filter (Python >= 3.11.4) refuses links and absolute paths
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        tar.extractall(sdist.parent / "unpacked", **safe)
    (project,) = (sdist.parent / "unpacked").iterdir()
    return project


@pytest.fixture(scope="module")
def build_lib(unpacked) -> Path:
    """The package as built from the sdist: what a wheel packs under ``sufficiency/``."""
    lib = unpacked.parent / "lib"
    run([sys.executable, "setup.py", "-q", "build_py", "--build-lib", lib], cwd=unpacked)
    return lib


def pupils_file(model: Path) -> Path:
    """The pupils file a model reads (its path is relative to the model's folder)."""
    path = tomllib.loads(model.read_text())["data"]["pupils"]["path"]
    return (model.parent / path).resolve()


def bdist_wheel_missing() -> str | None:
    """Why this environment cannot build a wheel, or None if it can: setuptools has
    ``bdist_wheel`` from 70.1, earlier ones only with the ``wheel`` package."""
    code = (
        "from setuptools.dist import Distribution; Distribution().get_command_class('bdist_wheel')"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if done.returncode == 0:
        return None
    from importlib.metadata import version

    return (
        f"cannot build a wheel here: setuptools {version('setuptools')} without the 'wheel' "
        "package has no bdist_wheel (setuptools>=70.1 has it; pip install -e '.[test]' "
        "installs it). The sdist and build tests check what a wheel packs."
    )


@pytest.fixture(scope="module")
def wheel(unpacked) -> Path:
    """The wheel, built by pip from the unpacked sdist, offline."""
    reason = bdist_wheel_missing()
    if reason:
        pytest.skip(reason)
    out = unpacked.parent / "wheel"
    run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
        + ["--no-index", "-w", out, unpacked],
        cwd=unpacked.parent,
    )
    (path,) = out.glob("sufficiency-*.whl")
    return path


def test_the_repository_has_the_embedded_files_to_ship():
    files = embedded_sources()
    assert "data/README.md" in files  # the sources and licence travel with the data
    assert "models/worcestershire.toml" in files
    assert any(f.startswith("data/school_places_scorecards/") for f in files)


def test_the_sdist_carries_data_models_and_the_build_hook(sdist):
    with tarfile.open(sdist) as tar:
        names = set(tar.getnames())
    top = sdist.name.removesuffix(".tar.gz")
    wanted = {f"{top}/{f}" for f in [*embedded_sources(), "setup.py", "MANIFEST.in"]}
    assert wanted <= names, sorted(wanted - names)


def test_a_build_puts_data_and_models_inside_the_package(build_lib):
    for f in embedded_sources():
        built = build_lib / PACKAGED / f
        assert built.is_file(), f
        assert built.read_bytes() == (ROOT / f).read_bytes(), f
    assert not (build_lib / "data").exists() and not (build_lib / "models").exists()
    assert (build_lib / "sufficiency" / "datasets.py").is_file()


def test_the_wheel_carries_data_and_models_inside_the_package(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        for f in embedded_sources():
            assert f"{PACKAGED}/{f}" in names, f
            assert z.read(f"{PACKAGED}/{f}") == (ROOT / f).read_bytes(), f
    tomls = {f"{PACKAGED}/models/{p.name}" for p in (ROOT / "models").glob("*.toml")}
    assert tomls and tomls <= names
    assert "sufficiency/report/templates/report.html.j2" in names  # package data kept
    assert not any(n.startswith(("data/", "models/")) for n in names)


def test_the_built_package_runs_the_default_model_from_another_folder(build_lib, tmp_path):
    """The package as a wheel installs it, imported from a folder with no data/: the finders
    give its own copy, the default model validates, ``new`` reads the packaged data."""
    code = (
        "import sufficiency as s; print(s.__file__); print(s.embedded_data_dir()); "
        "print(s.embedded_model())"
    )
    out = run([sys.executable, "-c", code], cwd=tmp_path, PYTHONPATH=build_lib).stdout.split()
    package = build_lib.resolve() / "sufficiency"
    assert out == [
        str(package / "__init__.py"),
        str(package / "_embedded" / "data"),
        str(package / "_embedded" / "models" / "worcestershire.toml"),
    ]
    model = package / "_embedded" / "models" / "worcestershire.toml"
    cli_ = [sys.executable, "-m", "sufficiency"]
    done = run([*cli_, "validate", model], cwd=tmp_path, PYTHONPATH=build_lib)
    assert "OK: Worcestershire is valid" in done.stdout
    run([*cli_, "new", "335", "--out", "walsall.toml"], cwd=tmp_path, PYTHONPATH=build_lib)
    census = package / "_embedded" / "data" / "census_pupils_by_ncy_2011_2022.csv"
    assert pupils_file(tmp_path / "walsall.toml") == census


def test_in_a_clone_the_finders_give_the_repository_folders():
    assert sufficiency.embedded_data_dir() == ROOT / "data"
    assert sufficiency.embedded_model() == ROOT / "models" / "worcestershire.toml"
    interim = ROOT / "models" / "worcestershire_interim.toml"
    assert sufficiency.embedded_model("worcestershire_interim.toml") == interim
    stems = tuple(sorted(p.stem for p in (ROOT / "models").glob("*.toml")))
    assert sufficiency.embedded_models() == stems
    assert load_model(sufficiency.embedded_model()).name == "Worcestershire"


def fake_root(folder: Path, *, models: bool = True) -> Path:
    (folder / "data").mkdir(parents=True)
    if models:
        (folder / "models").mkdir()
        (folder / "models" / "m.toml").write_text("")
    return folder


def test_the_packaged_copy_comes_first_and_needs_both_folders(tmp_path, monkeypatch):
    packaged = fake_root(tmp_path / "pkg" / "_embedded")
    monkeypatch.setattr(datasets, "_PACKAGED", packaged)
    assert datasets.embedded_data_dir() == packaged / "data"
    assert datasets.embedded_model("m") == packaged / "models" / "m.toml"
    assert datasets.embedded_models() == ("m",)
    # a packaged copy without models/ is passed over for the repository
    monkeypatch.setattr(datasets, "_PACKAGED", fake_root(tmp_path / "half", models=False))
    assert datasets.embedded_data_dir() == ROOT / "data"


def test_no_embedded_folders_is_a_config_error_naming_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "_PACKAGED", tmp_path / "site-packages" / "_embedded")
    monkeypatch.setattr(datasets, "_REPOSITORY", tmp_path / "site-packages")
    for call in (datasets.embedded_data_dir, datasets.embedded_model, datasets.embedded_models):
        with pytest.raises(ConfigError) as e:
            call()
        message = str(e.value)
        assert "no embedded data and models" in message
        assert str(tmp_path / "site-packages" / "_embedded") in message
        assert f"{tmp_path / 'site-packages'} (a clone of the repository" in message


def test_a_bad_model_name_is_named():
    with pytest.raises(ConfigError, match=r"no embedded model 'worcester' \(.*worcester\.toml"):
        sufficiency.embedded_model("worcester")
    with pytest.raises(ConfigError, match="the embedded models are: 'worcestershire'"):
        sufficiency.embedded_model("worcester")
    with pytest.raises(ConfigError, match="not a path"):
        sufficiency.embedded_model("../models/worcestershire")
    with pytest.raises(TypeError, match="expected a model name"):
        sufficiency.embedded_model(Path("worcestershire"))


def test_new_from_another_folder_reads_the_embedded_data(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(cli, ["new", "335", "--out", "walsall.toml"])
    assert res.exit_code == 0, res.output
    census = ROOT / "data" / "census_pupils_by_ncy_2011_2022.csv"
    assert pupils_file(tmp_path / "walsall.toml") == census.resolve()


def test_new_without_embedded_data_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(datasets, "_PACKAGED", tmp_path / "site-packages" / "_embedded")
    monkeypatch.setattr(datasets, "_REPOSITORY", tmp_path / "site-packages")
    res = CliRunner().invoke(cli, ["new", "335", "--out", "walsall.toml"])
    assert res.exit_code == 1
    flat = " ".join(res.output.split())
    assert "no data folder: ./data does not exist here" in flat
    assert "give --data-dir" in flat
    assert str(tmp_path / "site-packages" / "_embedded") in flat
    assert not (tmp_path / "walsall.toml").exists()
