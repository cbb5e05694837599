"""Error and warning hierarchy.

Every error a user can provoke with bad input or a bad model definition is a
:class:`SufficiencyError`; the CLI turns these into a one-line message and exit 1.
"""

from __future__ import annotations

__all__ = [
    "SufficiencyError",
    "SchemaError",
    "ConfigError",
    "MissingFileError",
    "NotFittedError",
    "OptimisationError",
    "InfeasibleError",
    "SolverError",
    "SufficiencyWarning",
    "DataQualityWarning",
    "ExtrapolationWarning",
]


class SufficiencyError(Exception):
    """Base class of every error raised by :mod:`sufficiency`."""


class SchemaError(SufficiencyError, ValueError):
    """An input table does not match its schema (file, column, rows, expectation)."""


class ConfigError(SufficiencyError, ValueError):
    """A model definition or a parameter is invalid."""


class MissingFileError(ConfigError):
    """A file a model section names does not exist. ``section`` is that section (``"send"``
    for ``[send.files] caseload``), so that a caller can tell whose input is missing without
    reading the message (``sufficiency report --allow-missing send`` publishes without it)."""

    def __init__(self, message: str, section: str | None = None) -> None:
        super().__init__(message)
        self.section = section


class NotFittedError(SufficiencyError, AttributeError):
    """A model was used before :meth:`fit` was called."""


class OptimisationError(SufficiencyError):
    """The allocation problem could not be solved."""


class InfeasibleError(OptimisationError):
    """The allocation problem has no feasible plan; the message names areas, years, constraints."""


class SolverError(OptimisationError):
    """The solver failed or returned a status other than optimal."""


class SufficiencyWarning(UserWarning):
    """Base class of every warning issued by :mod:`sufficiency`."""


class DataQualityWarning(SufficiencyWarning):
    """Input data are usable but suspicious (gaps, derived values, modelled rows)."""


class ExtrapolationWarning(SufficiencyWarning):
    """A result rests on values projected beyond the observed data."""
