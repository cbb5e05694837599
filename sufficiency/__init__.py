"""sufficiency: the school place sufficiency engine for English local authorities.

Forecast pupils by planning area and year group (cohort survival), forecast special school and
early years place demand, compare with capacity, allocate new places at least cost (PuLP), and
publish the sufficiency report and the DfE SCAP return.
"""

from __future__ import annotations

import logging
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

# a library logs and leaves handling to the application (the CLI configures it): without a
# handler, Python's last-resort handler would print every warning next to the warnings module's
logging.getLogger(__name__).addHandler(logging.NullHandler())

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
