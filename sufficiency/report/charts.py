"""Charts as inline SVG (matplotlib, Agg canvas, no global state).

Every function builds its own :class:`matplotlib.figure.Figure` on an explicit Agg canvas
(never pyplot, never ``matplotlib.use``), draws inside a style context, and returns the SVG
text. SVG output is made deterministic: fixed hash salt, no date metadata, text kept as text.
"""

from __future__ import annotations

import html
import io
import re

import numpy as np
import pandas as pd

from .. import nomenclature as nc

__all__ = ["area_chart", "phase_chart", "send_chart", "early_years_chart", "svg_of"]

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


# left edge of the phase chart's legend, in axes fractions: right of the twin axis's tick
# labels and its label
_PHASE_LEGEND_X = 1.16


def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    # fixed margins (no tight bbox: it draws the figure twice); legend sits in the right margin
    fig.subplots_adjust(left=0.115, right=0.76, top=0.9, bottom=0.11)
    return fig


def svg_of(fig, title: str = "") -> str:
    """Return a figure as SVG text without the XML prolog (for inline HTML), named for
    assistive technology by ``title`` (``role="img"``, ``aria-label`` and a ``<title>``
    element): matplotlib draws its text as paths, so a screen reader found nothing to read
    in a chart (a Stoke-on-Trent trial)."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    start = text.find("<svg")
    svg = text[start:]
    # drop fixed pixel sizes so CSS can scale the chart; keep the viewBox
    svg = re.sub(r'(<svg[^>]*?)\swidth="[^"]*"\sheight="[^"]*"', r"\1", svg, count=1)
    if title:
        label = html.escape(title, quote=True)
        svg = re.sub(
            r"<svg\b([^>]*)>",
            lambda m: f'<svg{m.group(1)} role="img" aria-label="{label}">\n<title>{label}</title>',
            svg,
            count=1,
        )
    return svg


def _year_labels(ax, years):
    years = np.asarray(sorted(set(int(y) for y in years)))
    step = max(1, int(np.ceil(len(years) / 6)))
    ticks = years[::step]
    ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
    ax.set_xticks(ticks)
    ax.set_xticklabels([nc.academic_year_label(y) for y in ticks], rotation=0)


def _finish(ax, years, ylabel: str, title: str) -> None:
    """Year axis, thousands-separated y axis, title and the legend in the right margin."""
    import matplotlib.ticker

    _year_labels(ax, years)
    ax.set_ylabel(ylabel)
    ax.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
    ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(5))
    if title:
        ax.set_title(title, loc="left", fontsize=9)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=7)


def _first_addition(capacity, capacity_after) -> int | None:
    """Row from which a chart draws "capacity with plan": the year before the plan first adds
    places (drawn over the whole capacity line, its dashes striped the red line it equals until
    then), or None when the plan adds none."""
    added = np.asarray(capacity_after, dtype=float) > np.asarray(capacity, dtype=float) + 1e-9
    return max(int(np.argmax(added)) - 1, 0) if added.any() else None


def _plan_step(ax, c: pd.DataFrame) -> None:
    """The "capacity with plan" step line of ``c`` (``year, capacity_after``)."""
    ax.step(
        c[nc.YEAR],
        c["capacity_after"],
        where="mid",
        color=COLOURS["planned"],
        lw=1.4,
        ls="-.",
        label="capacity with plan",
    )


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
        demand_lower_95, demand_upper_95, kind`` [pupils]; with a boolean ``births_projected``
        column, a dotted rule marks the first year resting on projected births.
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
                ax.fill_between(
                    x,
                    fc_line["demand_lower_95"],
                    fc_line["demand_upper_95"],
                    color=COLOURS["band95"],
                    label="95% range",
                    lw=0,
                )
            ax.fill_between(
                x,
                fc_line["demand_lower"],
                fc_line["demand_upper"],
                color=COLOURS["band80"],
                label="80% range",
                lw=0,
            )
            ax.plot(
                x, fc_line["demand"], color=COLOURS["forecast"], lw=1.8, ls="--", label="forecast"
            )
        if len(hist):
            kinds = set(hist[nc.KIND])
            label = "derived history" if "derived" in kinds else "actual"
            ax.plot(hist[nc.YEAR], hist["demand"], color=COLOURS["history"], lw=1.8, label=label)
        if capacity is not None and len(capacity):
            c = capacity.sort_values(nc.YEAR)
            ax.step(
                c[nc.YEAR],
                c[nc.CAPACITY],
                where="mid",
                color=COLOURS["capacity"],
                lw=1.4,
                label="capacity",
            )
            if "capacity_after" in c:
                start = _first_addition(c[nc.CAPACITY], c["capacity_after"])
                if start is not None:
                    _plan_step(ax, c.iloc[start:])
        if base_year is not None:
            ax.axvline(base_year, color="#777777", lw=0.8, ls=":")
        if "births_projected" in d and d["births_projected"].any():
            # from here on some pupils rest on births not yet observed
            first = int(d.loc[d["births_projected"].astype(bool), nc.YEAR].min())
            ax.axvline(first - 0.5, color="#999999", lw=0.8, ls=(0, (1, 2)))
            ax.text(
                first - 0.4,
                0.02,
                "births projected",
                transform=ax.get_xaxis_transform(),
                fontsize=6.5,
                color="#666666",
                va="bottom",
                ha="left",
            )
        _finish(ax, d[nc.YEAR], "pupils / places", title)
        svg = svg_of(fig, title)
    return svg


def phase_chart(
    sufficiency: pd.DataFrame,
    phase: str,
    title: str = "",
    width: float = 7.0,
    height: float = 2.6,
    base_year: int | None = None,
) -> str:
    """County demand and capacity of one phase of places by year, summed over areas.

    Parameters
    ----------
    sufficiency : DataFrame
        ``SufficiencyResult.to_frame()`` rows [places].
    phase : str
        Phase of places.
    base_year : int, optional
        Last year of data: demand to it is drawn solid (the census), after it dashed (the
        forecast), with a dotted rule between them, as the area charts draw them (one solid
        line did not say where the census ends: a review by eye).

    Returns
    -------
    str
        Inline SVG.
    """
    import matplotlib

    s = sufficiency[sufficiency[nc.PHASE] == phase]
    g = s.groupby(nc.YEAR, sort=True)[
        ["demand", "demand_lower", "demand_upper", "capacity", "shortfall"]
    ].sum()
    with matplotlib.rc_context(_RC):
        fig = _figure(width, height)
        ax = fig.add_subplot(1, 1, 1)
        x = g.index.to_numpy()
        # the range is see-through: it is drawn above the shortfall bars (on the twin axis
        # below), and an opaque range hid the bars of every forecast year it covered
        ax.fill_between(
            x,
            g["demand_lower"],
            g["demand_upper"],
            color=COLOURS["band80"],
            alpha=0.55,
            lw=0,
            label="80% range",
        )
        if base_year is None or not (x <= base_year).any() or not (x > base_year).any():
            ax.plot(x, g["demand"], color=COLOURS["forecast"], lw=1.8, label="demand")
        else:
            # the census to the base year, the forecast from it (joined there)
            for part, colour, ls, label in (
                (x <= base_year, "history", "-", "census"),
                (x >= base_year, "forecast", "--", "forecast"),
            ):
                y = g["demand"].to_numpy()[part]
                ax.plot(x[part], y, color=COLOURS[colour], lw=1.8, ls=ls, label=label)
            ax.axvline(base_year, color="#777777", lw=0.8, ls=":")
        ax.plot(x, g["capacity"], color=COLOURS["capacity"], lw=1.4, label="capacity")
        ax2 = ax.twinx()
        ax2.bar(
            x,
            g["shortfall"],
            color="#f4a582",
            alpha=0.6,
            width=0.6,
            edgecolor="#b2182b",
            linewidth=0.5,
            # the county's shortfall is its short areas' added up, not demand over the
            # county's places (which may show a surplus above the bars); a phase of one
            # area (Stoke-on-Trent) has no areas to add up
            label="shortfall\nof areas\n(sum)" if s[nc.AREA].nunique() > 1 else "shortfall",
        )
        ax2.set_ylabel("shortfall [places]")
        # thousands separated on both axes (a Wolverhampton trial: "1000" and "2000" beside
        # "20,000" in one chart)
        ax2.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
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
        # clear of the twin axis's label "shortfall [places]" (at 1.1 the legend's swatches
        # touched it)
        ax.legend(
            h1 + h2,
            l1 + l2,
            loc="upper left",
            bbox_to_anchor=(_PHASE_LEGEND_X, 1.0),
            frameon=False,
            fontsize=7,
        )
        svg = svg_of(fig, title)
    return svg


def send_chart(
    send: pd.DataFrame,
    central: str,
    capacity_after: pd.DataFrame | None = None,
    title: str = "",
    width: float = 7.0,
    height: float = 2.8,
) -> str:
    """Special school places summed over age groups: history, the central scenario with its 80%
    range, the other scenarios, capacity and capacity with the plan.

    Parameters
    ----------
    send : DataFrame
        ``SendResult.to_frame()``: ``year, phase, scenario, places, places_lower, places_upper,
        capacity, kind`` [places].
    central : str
        The scenario drawn with its range (the one the plan uses).
    capacity_after : DataFrame, optional
        ``year, capacity_after``: special school places with the plan [places].

    Returns
    -------
    str
        Inline SVG.

    Notes
    -----
    The range of the total is the sum of the age groups' ranges (as if their errors were
    perfectly correlated: cautious).
    """
    import matplotlib

    s = send if "scenario" not in send else send[send["scenario"] == central]
    g = s.groupby(nc.YEAR, sort=True).agg(
        places=("places", "sum"),
        lower=("places_lower", "sum"),
        upper=("places_upper", "sum"),
        capacity=(nc.CAPACITY, lambda v: v.sum(min_count=1)),
        forecast=(nc.KIND, lambda k: bool((k == "forecast").all())),
    )
    hist, fc = g[~g["forecast"]], g[g["forecast"]]
    with matplotlib.rc_context(_RC):
        fig = _figure(width, height)
        ax = fig.add_subplot(1, 1, 1)
        if len(fc):
            line = pd.concat([hist.tail(1), fc]) if len(hist) else fc
            x = line.index.to_numpy()
            ax.fill_between(
                x,
                line["lower"],
                line["upper"],
                color=COLOURS["band80"],
                lw=0,
                label=f"80% range ({central})",
            )
            ax.plot(
                x,
                line["places"],
                color=COLOURS["forecast"],
                lw=1.8,
                ls="--",
                label=f"forecast ({central})",
            )
            if "scenario" in send:
                styles = iter([(0, (1, 1)), (0, (4, 1, 1, 1)), (0, (2, 2))])
                for name in sorted(set(send["scenario"]) - {central}):
                    o = send[(send["scenario"] == name) & (send[nc.KIND] == "forecast")]
                    o = o.groupby(nc.YEAR, sort=True)["places"].sum()
                    o = pd.concat([hist["places"].tail(1), o]) if len(hist) else o
                    ax.plot(
                        o.index.to_numpy(),
                        o.to_numpy(),
                        color="#555555",
                        lw=1.1,
                        ls=next(styles, "-"),
                        label=f"scenario '{name}'",
                    )
        if len(hist):
            kinds = s.groupby(nc.YEAR)[nc.KIND].agg(lambda k: (k == "actual").any())
            label = (
                "placements (DfE SEN2)"
                if kinds.reindex(hist.index).all()
                else "placements (DfE SEN2;\nearlier years derived)"
            )
            ax.plot(
                hist.index.to_numpy(), hist["places"], color=COLOURS["history"], lw=1.8, label=label
            )
        cap = g["capacity"].dropna()
        if len(cap):
            ax.step(
                cap.index.to_numpy(),
                cap.to_numpy(),
                where="mid",
                color=COLOURS["capacity"],
                lw=1.4,
                label="capacity",
            )
        if capacity_after is not None and len(capacity_after):
            c = capacity_after.sort_values(nc.YEAR)
            start = (
                _first_addition(cap.reindex(c[nc.YEAR].to_numpy()).fillna(0.0), c["capacity_after"])
                if len(cap)
                else None
            )
            _plan_step(ax, c.iloc[start or 0 :])
        _finish(ax, g.index, "places", title)
        svg = svg_of(fig, title)
    return svg


def early_years_chart(
    early_years: pd.DataFrame,
    labels: dict[str, str] | None = None,
    title: str = "",
    width: float = 7.0,
    height: float = 2.4,
) -> str:
    """Funded early years places by age group (one panel each): places with their 80% range
    against supply, summed over planning areas.

    Parameters
    ----------
    early_years : DataFrame
        ``EarlyYearsResult.to_frame()``: ``year, age, places, places_lower, places_upper,
        supply`` [FTE places].
    labels : dict, optional
        Age group -> panel title.

    Returns
    -------
    str
        Inline SVG.
    """
    import matplotlib

    labels = labels or {}
    ages = [a for a in labels if a in set(early_years["age"])]
    ages += sorted(set(early_years["age"]) - set(ages))
    with matplotlib.rc_context(_RC):
        fig = _figure(width, height)
        # right=0.95: at 0.98 the last panel's last year label ("2032/33", centred on its
        # tick) ended within a point of the figure's edge and could be cut off
        fig.subplots_adjust(left=0.1, right=0.95, top=0.8, bottom=0.24, wspace=0.35)
        axes = [fig.add_subplot(1, len(ages), i + 1) for i in range(len(ages))]
        for ax, age in zip(axes, ages):
            e = early_years[early_years["age"] == age]
            g = e.groupby(nc.YEAR, sort=True).agg(
                places=("places", "sum"),
                lower=("places_lower", "sum"),
                upper=("places_upper", "sum"),
                supply=("supply", lambda v: v.sum(min_count=1)),
            )
            x = g.index.to_numpy()
            ax.fill_between(
                x, g["lower"], g["upper"], color=COLOURS["band80"], lw=0, label="80% range"
            )
            ax.plot(x, g["places"], color=COLOURS["forecast"], lw=1.6, label="places needed")
            sup = g["supply"].dropna()
            if len(sup):
                ax.step(
                    sup.index.to_numpy(),
                    sup.to_numpy(),
                    where="mid",
                    color=COLOURS["capacity"],
                    lw=1.3,
                    label="supply",
                )
            years = np.asarray(x)
            ticks = [years[0], years[len(years) // 2], years[-1]] if len(years) > 2 else years
            ax.set_xticks(ticks)
            ax.set_xticklabels([nc.academic_year_label(int(y)) for y in ticks], fontsize=7)
            ax.set_ylim(bottom=0)
            ax.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
            ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(4))
            ax.set_title(labels.get(age, str(age)), loc="left", fontsize=8)
        if axes:
            axes[0].set_ylabel("FTE places")
            handles, names = axes[0].get_legend_handles_labels()
            fig.legend(
                handles, names, loc="lower center", ncol=len(names), frameon=False, fontsize=7
            )
        if title:
            fig.suptitle(title, x=0.08, ha="left", fontsize=9)
        svg = svg_of(fig, title)
    return svg
