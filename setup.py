"""Build hook: a wheel of ``sufficiency`` carries the embedded dataset and model definitions.

Everything else about the package is declared in pyproject.toml. The repository keeps the
embedded public data in ``data/`` and the model definitions in ``models/``, at its top level
(their only copy in git). When a wheel is built (``pip install .``, ``pip install
git+https://...``, ``python -m build``), this ``build_py`` copies both folders into the built
package as ``sufficiency/_embedded/data`` and ``sufficiency/_embedded/models``: the same layout,
so a model's ``../data/...`` paths still hold, and ``sufficiency.datasets`` finds them there.
An editable install (``pip install -e .``) copies nothing: it reads the repository's own
folders. MANIFEST.in puts both folders in the sdist, so a wheel built from the sdist has them.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.errors import FileError

#: the project's folder (the clone's, or the unpacked sdist's)
ROOT = Path(__file__).resolve().parent
#: the top-level folders a wheel carries, and where inside the package they go
EMBEDDED = ("data", "models")
TARGET = Path("sufficiency", "_embedded")


def embedded_files() -> list[tuple[Path, Path]]:
    """Every file to embed: (source path, path relative to the build folder), sorted.

    Hidden files and ``__pycache__`` folders are left out. A missing folder is an error: a
    wheel without the default data is what this hook exists to prevent.
    """
    files = []
    for folder in EMBEDDED:
        source = ROOT / folder
        if not source.is_dir():
            raise FileError(
                f"{source}: no such folder. A wheel of sufficiency carries the repository's "
                f"{folder}/ folder (as {TARGET / folder}); build it from a clone of the "
                "repository or from an sdist made from one."
            )
        for path in sorted(source.rglob("*")):
            relative = path.relative_to(ROOT)
            skipped = any(p.startswith(".") or p == "__pycache__" for p in relative.parts)
            if path.is_file() and not skipped:
                files.append((path, TARGET / relative))
    return files


class BuildPyWithEmbedded(build_py):
    """``build_py`` that also copies ``data/`` and ``models/`` into the built package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the repository's own folders
        for source, relative in embedded_files():
            target = Path(self.build_lib) / relative
            self.mkpath(str(target.parent))
            self.copy_file(str(source), str(target), preserve_mode=False)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = super().get_outputs(include_bytecode)
        if getattr(self, "editable_mode", False):
            return outputs
        return outputs + [str(Path(self.build_lib) / r) for _, r in embedded_files()]


setup(cmdclass={"build_py": BuildPyWithEmbedded})
