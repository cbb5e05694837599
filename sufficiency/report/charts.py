"""Charts as inline SVG (matplotlib, Agg canvas, no global state).

Every function builds its own :class:`matplotlib.figure.Figure` on an explicit Agg canvas
(never pyplot, never ``matplotlib.use``), draws inside a style context, and returns the SVG
text. SVG output is made deterministic: fixed hash salt, no date metadata, text kept as text.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd

from .. import nomenclature as nc

__all__ = ["area_chart", "phase_chart", "svg_of"]

_RC = {
    "svg.hashsalt": "sufficiency",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
}

COLOURS = {
    "history": "#1f3b73",
    "forecast": "#1f77b4",
    "band80": "#9ecae1",
    "band95": "#deebf7",
    "capacity": "#d62728",
    "planned": "#2ca02c",
}


def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    # fixed margins (no tight bbox: it draws the figure twice); legend sits in the right margin
    fig.subplots_adjust(left=0.09, right=0.76, top=0.9, bottom=0.11)
    return fig


def svg_of(fig) -> str:
    """Return a figure as SVG text without the XML prolog (for inline HTML)."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    start = text.find("<svg")
    svg = text[start:]
    # drop fixed pixel sizes so CSS can scale the chart; keep the viewBox
    svg = re.sub(r'(<svg[^>]*?)\swidth="[^"]*"\sheight="[^"]*"', r"\1", svg, count=1)
    return svg


def _year_labels(ax, years):
    years = np.asarray(sorted(set(int(y) for y in years)))
    step = max(1, int(np.ceil(len(years) / 6)))
    ticks = years[::step]
    ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
    ax.set_xticks(ticks)
    ax.set_xticklabels([nc.academic_year_label(y) for y in ticks], rotation=0)


def area_chart(
    demand: pd.DataFrame,
    capacity: pd.DataFrame | None = None,
    title: str = "",
    base_year: int | None = None,
    width: float = 7.0,
    height: float = 2.8,
) -> str:
    """Actual/derived and forecast pupils with 80% and 95% bands against capacity.

    Parameters
    ----------
    demand : DataFrame
        One area and phase of places: ``year, demand, demand_lower, demand_upper,
        demand_lower_95, demand_upper_95, kind`` [pupils].
    capacity : DataFrame, optional
        ``year, capacity`` and optionally ``capacity_after`` (with the plan) [places].
    title : str
        Chart title.
    base_year : int, optional
        Last year of data: a vertical rule separates history from forecast.

    Returns
    -------
    str
        Inline SVG.
    """
    import matplotlib

    d = demand.sort_values(nc.YEAR)
    with matplotlib.rc_context(_RC):
        fig = _figure(width, height)
        ax = fig.add_subplot(1, 1, 1)
        hist = d[d[nc.KIND] != "forecast"]
        fc = d[d[nc.KIND] == "forecast"]
        if len(fc):
            # join the forecast to the last history point so the line is continuous
            fc_line = pd.concat([hist.tail(1), fc]) if len(hist) else fc
            x = fc_line[nc.YEAR].to_numpy()
            if "demand_lower_95" in fc_line and fc_line["demand_lower_95"].notna().all():
                ax.fill_between(x, fc_line["demand_lower_95"], fc_line["demand_upper_95"],
                                color=COLOURS["band95"], label="95% range", lw=0)
            ax.fill_between(x, fc_line["demand_lower"], fc_line["demand_upper"],
                            color=COLOURS["band80"], label="80% range", lw=0)
            ax.plot(x, fc_line["demand"], color=COLOURS["forecast"], lw=1.8, ls="--",
                    label="forecast")
        if len(hist):
            kinds = set(hist[nc.KIND])
            label = "derived history" if "derived" in kinds else "actual"
            ax.plot(hist[nc.YEAR], hist["demand"], color=COLOURS["history"], lw=1.8, label=label)
        if capacity is not None and len(capacity):
            c = capacity.sort_values(nc.YEAR)
            ax.step(c[nc.YEAR], c[nc.CAPACITY], where="mid", color=COLOURS["capacity"], lw=1.4,
                    label="capacity")
            if "capacity_after" in c and (c["capacity_after"] > c[nc.CAPACITY] + 1e-9).any():
                ax.step(c[nc.YEAR], c["capacity_after"], where="mid", color=COLOURS["planned"],
                        lw=1.4, ls="-.", label="capacity with plan")
        if base_year is not None:
            ax.axvline(base_year, color="#777777", lw=0.8, ls=":")
        _year_labels(ax, d[nc.YEAR])
        ax.set_ylabel("pupils / places")
        ax.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
        ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(5))
        if title:
            ax.set_title(title, loc="left", fontsize=9)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=7)
        svg = svg_of(fig)
    return svg


def phase_chart(
    sufficiency: pd.DataFrame, phase: str, title: str = "", width: float = 7.0, height: float = 2.6
) -> str:
    """County demand and capacity of one phase of places by year, summed over areas.

    Parameters
    ----------
    sufficiency : DataFrame
        ``SufficiencyResult.to_frame()`` rows [places].
    phase : str
        Phase of places.

    Returns
    -------
    str
        Inline SVG.
    """
    import matplotlib

    s = sufficiency[sufficiency[nc.PHASE] == phase]
    g = s.groupby(nc.YEAR, sort=True)[["demand", "demand_lower", "demand_upper", "capacity", "shortfall"]].sum()
    with matplotlib.rc_context(_RC):
        fig = _figure(width, height)
        ax = fig.add_subplot(1, 1, 1)
        x = g.index.to_numpy()
        ax.fill_between(x, g["demand_lower"], g["demand_upper"], color=COLOURS["band80"],
                        lw=0, label="80% range")
        ax.plot(x, g["demand"], color=COLOURS["forecast"], lw=1.8, label="demand")
        ax.plot(x, g["capacity"], color=COLOURS["capacity"], lw=1.4, label="capacity")
        ax2 = ax.twinx()
        ax2.bar(x, g["shortfall"], color="#f4a582", alpha=0.6, width=0.6,
                label="shortfall")
        ax2.set_ylabel("shortfall [places]")
        ax2.grid(False)
        ax.set_zorder(ax2.get_zorder() + 1)
        ax.patch.set_visible(False)
        _year_labels(ax, x)
        ax.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
        ax.set_ylabel("pupils / places")
        if title:
            ax.set_title(title, loc="left", fontsize=9)
        h1, l1 = ax.get_legend_handles_labels()
        h2, l2 = ax2.get_legend_handles_labels()
        ax.legend(h1 + h2, l1 + l2, loc="upper left", bbox_to_anchor=(1.1, 1.0), frameon=False,
                  fontsize=7)
        svg = svg_of(fig)
    return svg
