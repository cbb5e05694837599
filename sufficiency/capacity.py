"""Sufficiency: forecast demand against existing capacity, by planning area, phase and year.

Places sit in schools, demand in year groups. A *phase of places* is the pool of places that
serves a group of year groups in a planning area:

* a **primary** planning area's places serve primary demand (R-Y6);
* a **secondary** planning area's places serve secondary and sixth-form demand (Y7-Y13);
* ``special`` and ``early_years`` demand (from :mod:`sufficiency.send` and
  :mod:`sufficiency.early_years`) are served by places of the same name.

RAG rating (``surplus_pct = (capacity - demand) / demand``)
-----------------------------------------------------------
* ``red``: ``surplus_pct < margin`` (default 2%) and more than ``tolerance`` places short of
  it (default half a place): places needed;
* ``amber``: ``margin <= surplus_pct < target`` (default 5%), or short of the margin by no more
  than the tolerance (a figure that rounds to 0 places short): tight;
* ``green``: ``target <= surplus_pct <= ceiling`` (default 10%): sufficient;
* ``blue``: ``surplus_pct > ceiling``: more spare places than the ceiling (surplus to manage).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import nomenclature as nc
from ._frozen import FrozenDict
from ._values import is_number, plural
from .exceptions import ConfigError, SchemaError

__all__ = [
    "CAPACITY_BEHIND_TOLERANCE",
    "SHORT_MIN",
    "PLACE_PHASE",
    "DEMAND",
    "SufficiencyResult",
    "assess_sufficiency",
    "demand_by_place_phase",
    "capacity_by_area",
    "rag_rating",
]

logger = logging.getLogger(__name__)

DEMAND = "demand"  #: places demanded [pupils]

#: Demand phase (DfE phase or SEND/early-years phase) -> phase of the places that serve it.
#: pupils in the base year above the capacity data's places by more than this share mean the
#: capacity data are out of date (schools do not hold that many pupils beyond their places):
#: ``sufficiency validate`` warns of it and the report says so
CAPACITY_BEHIND_TOLERANCE = 0.02

#: places short of the margin at or under which an area and year is not short (a shortfall
#: that rounds to 0 places): amber, not red; the plan's ``COUNTED_SHORT_MIN`` and the
#: report's ``LEFT_SHORT_MIN`` are this one figure
SHORT_MIN = 0.5

PLACE_PHASE = FrozenDict(
    {
        "primary": "primary",
        "secondary": "secondary",
        "sixth_form": "secondary",
        "special": "special",
        "early_years": "early_years",
    }
)

RAG_ORDER = ("red", "amber", "green", "blue")


def _require(frame: pd.DataFrame, columns: Iterable[str], source: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SchemaError(
            f"{source}: missing column(s) {missing}; expected {list(columns)}, "
            f"found {list(frame.columns)}"
        )


def demand_by_place_phase(phase_totals: pd.DataFrame, value: str = nc.PUPILS) -> pd.DataFrame:
    """Sum demand by planning area, phase of places and year.

    Parameters
    ----------
    phase_totals : DataFrame
        ``area, phase, year, <value>`` and optionally ``<value>_lower, <value>_upper``
        (e.g. :meth:`ForecastResult.phase_totals`), pupils [count] by DfE phase.
    value : str
        Name of the central value column (``pupils``, or ``places`` for SEND/early years).

    Returns
    -------
    DataFrame
        ``area, phase, year, demand, demand_lower, demand_upper`` [pupils], ``phase`` being
        the phase of places (:data:`PLACE_PHASE`); sixth form is added to secondary.

    Raises
    ------
    SchemaError
        If a column is missing, a phase is unknown or a value is negative or missing.
    """
    _require(phase_totals, [nc.AREA, nc.PHASE, nc.YEAR, value], "demand")
    frame = phase_totals
    unknown = sorted(set(frame[nc.PHASE]) - set(PLACE_PHASE))
    if unknown:
        raise SchemaError(
            f"demand: column 'phase' has unknown value(s) {unknown}; expected one of "
            f"{sorted(PLACE_PHASE)}"
        )
    vals = pd.to_numeric(frame[value], errors="coerce")
    bad = vals.isna() | (vals < 0)
    if bad.any():
        rows = frame.loc[bad, [nc.AREA, nc.PHASE, nc.YEAR, value]].head()
        raise SchemaError(
            f"demand: column {value!r} must be a number >= 0; {int(bad.sum())} row(s) are not:\n"
            f"{rows.to_string()}"
        )
    out = pd.DataFrame(
        {
            nc.AREA: frame[nc.AREA].astype(str).to_numpy(),
            nc.PHASE: frame[nc.PHASE].map(PLACE_PHASE).to_numpy(),
            nc.YEAR: frame[nc.YEAR].astype(int).to_numpy(),
            DEMAND: vals.to_numpy(dtype=float),
        }
    )
    for suffix in ("lower", "upper"):
        col = f"{value}_{suffix}"
        out[f"{DEMAND}_{suffix}"] = (
            pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)
            if col in frame.columns
            else out[DEMAND].to_numpy()
        )
    return (
        out.groupby([nc.AREA, nc.PHASE, nc.YEAR], as_index=False, sort=True)
        .sum(numeric_only=True)
        .reset_index(drop=True)
    )


def capacity_by_area(capacity: pd.DataFrame) -> pd.DataFrame:
    """Sum school capacity by planning area and phase of places.

    Parameters
    ----------
    capacity : DataFrame
        ``area, phase, capacity`` [places] per school (``ModelInputs.capacity``), or already
        one row per area and phase. A ``year`` column, if present, is kept (capacity by year).

    Returns
    -------
    DataFrame
        ``area, phase, capacity`` (plus ``year`` if given) [places].
    """
    _require(capacity, [nc.AREA, nc.PHASE, nc.CAPACITY], "capacity")
    vals = pd.to_numeric(capacity[nc.CAPACITY], errors="coerce")
    bad = vals.isna() | (vals < 0)
    if bad.any():
        rows = capacity.loc[bad].head()
        raise SchemaError(
            f"capacity: column 'capacity' must be a number >= 0; {int(bad.sum())} row(s) are "
            f"not:\n{rows.to_string()}"
        )
    keys = [nc.AREA, nc.PHASE]
    frame = pd.DataFrame(
        {
            nc.AREA: capacity[nc.AREA].astype(str).to_numpy(),
            nc.PHASE: capacity[nc.PHASE].map(lambda p: PLACE_PHASE.get(p, p)).to_numpy(),
            nc.CAPACITY: vals.to_numpy(dtype=float),
        }
    )
    return frame.groupby(keys, as_index=False, sort=True)[nc.CAPACITY].sum()


def rag_rating(
    surplus_pct: np.ndarray,
    margin: float,
    target: float,
    ceiling: float,
    shortfall: np.ndarray | None = None,
    tolerance: float = 0.0,
) -> np.ndarray:
    """Return ``red``/``amber``/``green``/``blue`` for each surplus fraction (see module doc).

    With ``shortfall`` [places short of the margin], a surplus below the margin is ``red``
    only where more than ``tolerance`` places are short, ``amber`` otherwise: a Staffordshire
    trial's position table rated red an area 0.005 places short, which every other figure in
    the report counts as not short.
    """
    s = np.asarray(surplus_pct, dtype=float)
    below = s < margin
    if shortfall is not None:
        below &= np.asarray(shortfall, dtype=float) > float(tolerance)
    return np.select(
        [below, s < target, s <= ceiling], ["red", "amber", "green"], default="blue"
    ).astype(object)


@dataclass(frozen=True)
class SufficiencyResult:
    """Demand against capacity by area, phase of places and year.

    Attributes
    ----------
    data : DataFrame
        See :meth:`to_frame`.
    margin, target, ceiling : float
        Minimum margin, surplus target and surplus ceiling [fraction of demand].
    tolerance : float
        Places short of the margin at or under which an area and year is not short [places]
        (``amber``, and not in :meth:`shortfalls`).
    provenance : tuple
        Where demand and capacity came from (free text or Provenance records).
    """

    data: pd.DataFrame
    margin: float
    target: float
    ceiling: float
    provenance: tuple[Any, ...] = ()
    tolerance: float = SHORT_MIN
    config: Mapping[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """``area, phase, year, demand, demand_lower, demand_upper, capacity, surplus,
        surplus_pct, required, shortfall, rag``: places [count], fractions of demand."""
        return self.data.copy()

    def shortfalls(self) -> pd.DataFrame:
        """Rows with a shortfall (places needed to keep the minimum margin) of more than
        :attr:`tolerance` places: the ``red`` rows."""
        d = self.data
        return d.loc[d["shortfall"] > self.tolerance].reset_index(drop=True)

    def summary(self) -> str:
        """A few lines: areas and years covered, the margin and RAG thresholds, how many
        area-years fall in each RAG band and the largest shortfalls."""
        d = self.data
        if d.empty:
            return "Sufficiency: no demand rows."
        lines = [
            f"Sufficiency: {d[nc.AREA].nunique()} areas, years {d[nc.YEAR].min()}-"
            f"{d[nc.YEAR].max()}, margin {self.margin:.0%} (amber below {self.target:.0%}, "
            f"blue above {self.ceiling:.0%})."
        ]
        counts = d["rag"].value_counts()
        lines.append("Area-years: " + ", ".join(f"{k} {int(counts.get(k, 0))}" for k in RAG_ORDER))
        short = self.shortfalls()
        if short.empty:
            lines.append("No shortfall in any area or year.")
        else:
            worst = short.sort_values("shortfall", ascending=False).head(5)
            for r in worst.itertuples(index=False):
                lines.append(
                    f"  short {r.shortfall:,.0f} places: area {r.area} {r.phase} "
                    f"{nc.academic_year_label(r.year)}"
                )
        return "\n".join(lines)


def assess_sufficiency(
    phase_totals: pd.DataFrame,
    capacity: pd.DataFrame,
    margin: float = 0.02,
    areas: Iterable[str] | None = None,
    *,
    target: float = 0.05,
    ceiling: float = 0.10,
    value: str = nc.PUPILS,
    tolerance: float = SHORT_MIN,
) -> SufficiencyResult:
    """Compare demand with existing capacity by planning area, phase of places and year.

    Parameters
    ----------
    phase_totals : DataFrame
        Demand ``area, phase, year, pupils[, pupils_lower, pupils_upper]`` [pupils] by DfE
        phase (:meth:`ForecastResult.phase_totals`) or SEND/early-years phase.
    capacity : DataFrame
        ``area, phase, capacity`` [places] per school or per area.
    margin : float
        Minimum spare places kept, as a fraction of demand (default 0.02).
    areas : iterable of str, optional
        Restrict to these planning areas.
    target, ceiling : float
        Surplus target and ceiling for the RAG rating [fraction of demand].
    value : str
        Central value column of ``phase_totals``.
    tolerance : float
        Places short of the margin at or under which an area and year is rated ``amber``, not
        ``red`` [places]; default half a place (a shortfall that rounds to 0 places), the
        rule of the report and the plan's summary.

    Returns
    -------
    SufficiencyResult

    Notes
    -----
    ``surplus = capacity - demand``, ``surplus_pct = surplus / demand``,
    ``required = demand * (1 + margin)``, ``shortfall = max(0, required - capacity)``
    [places], per area, phase and year, never offset between areas or years. An area with
    demand and no capacity row has capacity 0 (logged); demand and capacity with no area in
    common raise a SchemaError (their area codes do not match).

    Raises
    ------
    SchemaError
        A missing column (named, with the columns found), a negative or missing value, an
        unknown phase, ``areas`` not in the demand, or demand and capacity with no planning
        area in common.
    ConfigError
        ``margin``, ``target`` or ``ceiling`` not a fraction in [0, 1), or ``target`` above
        ``ceiling`` (until 29 November 2026 a SchemaError; both are ValueErrors).
    TypeError
        ``phase_totals`` or ``capacity`` not a DataFrame (the ForecastResult itself, say).

    Examples
    --------
    >>> from sufficiency import load_inputs, run_forecast, assess_sufficiency
    >>> inputs = load_inputs("models/worcestershire.toml")
    >>> suff = assess_sufficiency(run_forecast(inputs).phase_totals(), inputs.capacity, 0.02)
    >>> short = suff.to_frame().query("shortfall > 0")
    >>> list(short.columns[:6])
    ['area', 'phase', 'year', 'demand', 'demand_lower', 'demand_upper']
    """
    # the wrong object named, not an AttributeError from inside (a Solihull trial passed the
    # ForecastResult itself and read "'ForecastResult' object has no attribute 'columns'")
    for name, frame, hint in (
        ("phase_totals", phase_totals, "run_forecast(inputs).phase_totals()"),
        ("capacity", capacity, "inputs.capacity"),
    ):
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(
                f"assess_sufficiency: {name} is a {type(frame).__name__}; expected a DataFrame "
                f"({hint})"
            )
    # settings, not tables: a ConfigError, as docs/library.md says of a value out of range
    for name, v in (("margin", margin), ("target", target), ("ceiling", ceiling)):
        if not is_number(v) or not 0 <= v < 1:
            raise ConfigError(
                f"assess_sufficiency({name}={v!r}): expected a fraction in [0, 1) (0.05 = 5%)"
            )
    if not is_number(tolerance) or not tolerance >= 0:
        raise ConfigError(
            f"assess_sufficiency(tolerance={tolerance!r}): expected places, a number >= 0 "
            "(0.5 = half a place)"
        )
    if target > ceiling:
        raise ConfigError(
            f"assess_sufficiency(target={target!r}, ceiling={ceiling!r}): expected target <= "
            "ceiling (amber below the target, blue above the ceiling)"
        )
    demand = demand_by_place_phase(phase_totals, value=value)
    cap = capacity_by_area(capacity)
    # (an area of its own without capacity has 0 places; no area in common is a mismatch)
    if len(demand) and len(cap) and not demand[nc.AREA].isin(set(cap[nc.AREA])).any():
        raise SchemaError(
            f"demand and capacity share no planning area: demand has "
            f"{', '.join(sorted(set(demand[nc.AREA].astype(str)))[:5])}, capacity "
            f"{', '.join(sorted(set(cap[nc.AREA].astype(str)))[:5])}; expected the same area "
            "codes in both (phase_totals' and the capacity table's area column)"
        )
    if areas is not None:
        keep = {str(a) for a in ([areas] if isinstance(areas, str) else areas)}
        unknown = sorted(keep - set(demand[nc.AREA].astype(str)))
        if unknown:
            raise SchemaError(
                f"areas: {plural(len(unknown), 'area')} not in the demand "
                f"({', '.join(unknown[:5])}); expected planning areas of "
                f"phase_totals: {', '.join(sorted(set(demand[nc.AREA].astype(str)))[:30])}"
            )
        demand = demand.loc[demand[nc.AREA].isin(keep)]
    frame = demand.merge(cap, on=[nc.AREA, nc.PHASE], how="left")
    missing = frame[nc.CAPACITY].isna()
    if missing.any():
        pairs = sorted(set(zip(frame.loc[missing, nc.AREA], frame.loc[missing, nc.PHASE])))
        logger.info(
            "no capacity for %d area/phase pair(s), e.g. %s: capacity 0", len(pairs), pairs[:3]
        )
    frame[nc.CAPACITY] = frame[nc.CAPACITY].fillna(0.0)
    d = frame[DEMAND].to_numpy(dtype=float)
    c = frame[nc.CAPACITY].to_numpy(dtype=float)
    frame["surplus"] = c - d
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["surplus_pct"] = np.where(d > 0, (c - d) / np.where(d > 0, d, 1.0), np.inf)
    frame["required"] = d * (1 + margin)
    frame["shortfall"] = np.maximum(0.0, frame["required"].to_numpy() - c)
    frame["rag"] = rag_rating(
        frame["surplus_pct"].to_numpy(),
        margin,
        target,
        ceiling,
        frame["shortfall"].to_numpy(),
        float(tolerance),
    )
    frame = frame.sort_values([nc.AREA, nc.PHASE, nc.YEAR]).reset_index(drop=True)
    return SufficiencyResult(
        data=frame,
        margin=float(margin),
        target=float(target),
        ceiling=float(ceiling),
        tolerance=float(tolerance),
        config=FrozenDict(
            {"margin": margin, "target": target, "ceiling": ceiling, "tolerance": tolerance}
        ),
    )
