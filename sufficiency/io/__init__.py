"""Readers for the published DfE and ONS files and for an authority's own tidy CSVs.

Each ``read_*`` reads a file exactly as its publisher ships it and returns a
:class:`~sufficiency.io._common.Loaded` (canonical frame + provenance).
"""

from ._common import Loaded, Provenance
from .births import (
    aggregate_births,
    nowcast_births,
    read_births,
    read_births_and_calendar,
    read_calendar_births,
    read_district_lookup,
)
from .census import read_census_ncy, read_spc_pupils
from .scap import read_scap_capacity
from .tidy import read_school_census, read_tidy
from .transfers import read_transfers

__all__ = [
    "Loaded",
    "Provenance",
    "read_census_ncy",
    "read_spc_pupils",
    "read_births",
    "read_calendar_births",
    "read_births_and_calendar",
    "nowcast_births",
    "read_district_lookup",
    "aggregate_births",
    "read_scap_capacity",
    "read_tidy",
    "read_school_census",
    "read_transfers",
]
