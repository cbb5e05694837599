"""Optimiser: choose what places to build, where and when, at least cost (PuLP, CBC or HiGHS).

Public API
----------
:func:`solve_allocation` (frames in, :class:`AllocationResult` out), :func:`plan` (a model's
inputs and forecast in), :class:`PlanSettings`, :func:`build_catalogue`.
"""

from .data import PlanSettings
from .model import build_problem, solve_allocation
from .options import OPTION_COLUMNS, build_catalogue, default_options, options_from_config
from .planning import appraise_options, budget_sensitivity, plan, plan_settings
from .results import AllocationResult

__all__ = [
    "AllocationResult",
    "PlanSettings",
    "OPTION_COLUMNS",
    "build_catalogue",
    "build_problem",
    "default_options",
    "options_from_config",
    "solve_allocation",
    "plan",
    "plan_settings",
    "appraise_options",
    "budget_sensitivity",
]
