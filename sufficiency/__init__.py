"""sufficiency: the school place sufficiency engine for English local authorities.

Forecast pupils by planning area and year group (cohort survival), forecast special school and
early years place demand, compare with capacity, allocate new places at least cost (PuLP), and
publish the sufficiency report and the DfE SCAP return.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from . import nomenclature
from .config import ModelConfig, load_model
from .exceptions import (
    ConfigError,
    DataQualityWarning,
    ExtrapolationWarning,
    InfeasibleError,
    NotFittedError,
    OptimisationError,
    SchemaError,
    SolverError,
    SufficiencyError,
    SufficiencyWarning,
)
from .inputs import ModelInputs, load_inputs
from .schema import SCHEMAS, validate_frame

try:
    __version__ = version("sufficiency")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = [
    "__version__",
    "nomenclature",
    "load_model",
    "ModelConfig",
    "load_inputs",
    "ModelInputs",
    "SCHEMAS",
    "validate_frame",
    "SufficiencyError",
    "SchemaError",
    "ConfigError",
    "NotFittedError",
    "OptimisationError",
    "InfeasibleError",
    "SolverError",
    "SufficiencyWarning",
    "DataQualityWarning",
    "ExtrapolationWarning",
]
