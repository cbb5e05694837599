"""The embedded default data and model definitions, wherever this installation keeps them.

A clone of the repository, and an editable install from it (``pip install -e .``), keeps them in
the repository's ``data/`` and ``models/`` folders beside the package. A wheel (``pip install
.``, ``pip install git+https://...``) carries a copy inside the package, as
``sufficiency/_embedded/data`` and ``sufficiency/_embedded/models`` (setup.py copies them when
the wheel is built). The layout is the same in both, so a model's ``../data/...`` paths hold in
both and the default model runs from any folder::

    from sufficiency import embedded_model, load_inputs

    inputs = load_inputs(embedded_model())  # Worcestershire, the default model

``data/README.md`` (``embedded_data_dir() / "README.md"``) gives the sources and the Open
Government Licence attribution of the data.
"""

from __future__ import annotations

import logging
from pathlib import Path

from .exceptions import ConfigError

__all__ = ["DEFAULT_MODEL", "embedded_data_dir", "embedded_model", "embedded_models"]

logger = logging.getLogger(__name__)

#: the model :func:`embedded_model` returns when given no name
DEFAULT_MODEL = "worcestershire"

_PACKAGE = Path(__file__).resolve().parent
#: where a wheel keeps data/ and models/: inside the package
_PACKAGED = _PACKAGE / "_embedded"
#: where a clone (or an editable install) keeps them: the repository's top level
_REPOSITORY = _PACKAGE.parent


def _embedded_root() -> Path:
    """The folder holding this installation's ``data/`` and ``models/``.

    The packaged copy (a wheel's) is looked for first, then the repository beside the
    package (a clone's); each must hold both folders.

    Raises
    ------
    ConfigError
        If neither does, naming the folders looked for.
    """
    for root, kind in ((_PACKAGED, "packaged copy"), (_REPOSITORY, "repository")):
        if (root / "data").is_dir() and (root / "models").is_dir():
            logger.debug("embedded data and models: %s (%s)", root, kind)
            return root
    raise ConfigError(
        "this installation of sufficiency has no embedded data and models: looked for the "
        f"folders data/ and models/ in {_PACKAGED} (the copy a wheel carries inside the "
        f"package) and in {_REPOSITORY} (a clone of the repository, beside the package), and "
        "neither holds both. Install sufficiency from a clone of the repository, or from a "
        "wheel built from one (pip install ., pip install git+https://...); or give the data "
        "folder and model file yourself."
    )


def embedded_data_dir() -> Path:
    """The folder of the embedded public data (DfE, ONS) the default model reads.

    Returns
    -------
    pathlib.Path
        The absolute path of the repository's ``data/`` in a clone or editable install, or of
        the copy inside the package (``sufficiency/_embedded/data``) in a wheel install. Its
        ``README.md`` gives the sources and licence; ``sufficiency new --data-dir`` and
        :func:`sufficiency.scaffold.new_model_text` take it.

    Raises
    ------
    ConfigError
        If this installation has neither, naming the folders looked for.
    """
    return _embedded_root() / "data"


def embedded_models() -> tuple[str, ...]:
    """The names of the embedded model definitions, sorted.

    Returns
    -------
    tuple of str
        Names that :func:`embedded_model` takes (the file names without ``.toml``), e.g.
        ``("worcestershire", "worcestershire_interim")``.

    Raises
    ------
    ConfigError
        If this installation has no embedded models, naming the folders looked for.
    """
    return tuple(sorted(p.stem for p in (_embedded_root() / "models").glob("*.toml")))


def embedded_model(name: str = DEFAULT_MODEL) -> Path:
    """The path of an embedded model definition, ready for ``load_model`` or the CLI.

    Parameters
    ----------
    name : str, default "worcestershire"
        The model's name: its file name in ``models/``, with or without ``.toml``
        (:func:`embedded_models` lists them).

    Returns
    -------
    pathlib.Path
        The absolute path of ``models/<name>.toml`` in the repository (a clone or editable
        install) or inside the package (a wheel install). Its ``../data/...`` paths point at
        :func:`embedded_data_dir`.

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ConfigError
        If ``name`` is a path rather than a name, if there is no such embedded model (the
        message lists those there are), or if this installation has no embedded models.
    """
    if not isinstance(name, str):
        raise TypeError(f"embedded_model(name={name!r}): expected a model name (str)")
    stem = name.removesuffix(".toml")
    if not stem or Path(stem).name != stem or stem in (".", ".."):
        raise ConfigError(
            f"embedded_model(name={name!r}): expected the name of an embedded model "
            f"(such as {DEFAULT_MODEL!r}), not a path; load_model takes a path"
        )
    path = _embedded_root() / "models" / f"{stem}.toml"
    if not path.is_file():
        known = ", ".join(repr(m) for m in embedded_models()) or "none"
        raise ConfigError(
            f"embedded_model(name={name!r}): no embedded model {stem!r} ({path} does not "
            f"exist); the embedded models are: {known}"
        )
    return path
