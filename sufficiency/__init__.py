"""sufficiency: the school place sufficiency engine for English local authorities.

Forecast pupils by planning area and year group (cohort survival), forecast special school and
early years place demand, compare with capacity, allocate new places at least cost (PuLP), and
publish the sufficiency report and the DfE SCAP return.

Entry points (each returns a frozen result with ``to_frame()``, ``summary()`` and
``provenance``; see docs/library.md)::

    config = load_model("models/worcestershire.toml")   # ModelConfig
    config = load_model(embedded_model())                # the same, from any folder or install
    inputs = load_inputs(config)                         # ModelInputs
    fc = run_forecast(inputs)                            # ForecastResult (pupils)
    suff = assess_sufficiency(fc.phase_totals(), inputs.capacity)   # SufficiencyResult
    alloc = plan(inputs, fc)                             # AllocationResult (PuLP)
    send = forecast_send(inputs)                         # SendResult (EHC plans, special places)
    ey = forecast_early_years(inputs)                    # EarlyYearsResult (funded places)
    data, written = make_report(inputs, "out/")          # ReportData, files written

They live in ``sufficiency.forecast``, ``.capacity``, ``.optimise``, ``.send``,
``.early_years`` and ``.report`` and are imported from there when first used here.
"""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version

from . import nomenclature
from .config import ModelConfig, load_model
from .datasets import embedded_data_dir, embedded_model, embedded_models
from .exceptions import (
    ConfigError,
    DataQualityWarning,
    ExtrapolationWarning,
    InfeasibleError,
    MissingFileError,
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

#: name -> submodule of the entry points importable from the package (imported when first used)
_LAZY = {
    "run_forecast": "forecast",
    "ForecastResult": "forecast",
    "CohortModel": "forecast",
    "assess_sufficiency": "capacity",
    "SufficiencyResult": "capacity",
    "plan": "optimise",
    "AllocationResult": "optimise",
    "forecast_send": "send",
    "SendResult": "send",
    "forecast_early_years": "early_years",
    "EarlyYearsResult": "early_years",
    "run_pipeline": "report",
    "build_report": "report",
    "write_report": "report",
    "make_report": "report",
    "ReportData": "report",
}


def __getattr__(name: str):
    if name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


try:
    __version__ = version("sufficiency")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = [
    "__version__",
    "nomenclature",
    "load_model",
    "ModelConfig",
    "embedded_model",
    "embedded_models",
    "embedded_data_dir",
    "load_inputs",
    "ModelInputs",
    *_LAZY,
    "SCHEMAS",
    "validate_frame",
    "SufficiencyError",
    "SchemaError",
    "ConfigError",
    "NotFittedError",
    "OptimisationError",
    "InfeasibleError",
    "MissingFileError",
    "SolverError",
    "SufficiencyWarning",
    "DataQualityWarning",
    "ExtrapolationWarning",
]
