"""Regenerate the forecast-selection tables quoted in docs/forecast.md and README.md.

    python docs/forecast_analysis.py > /tmp/forecast_analysis.txt

Rolling-origin backtest on the 14 West Midlands authorities (every origin 2013-2021, horizons
1-3) of the default model and of each alternative below, scored four ways: over all origins
and target years, on the issue's three target years (2018/19, 2021/22, 2022/23), and on each
half of the authorities (sorted by code, alternate ones) backtested on its own, so pooled
quantities (empirical-Bayes shrinkage, drift, interval calibration) see only that half. The
split-half check chooses the configuration with the lowest score on one half and reports it
on the other. Score = mean over (phase, horizon) of the median absolute error [%]. Every
number printed comes from the engine; nothing here is typed in.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

from sufficiency.backtest import backtest, load_authority_data
from sufficiency.io.scorecards import read_scorecards

DATA = Path(__file__).resolve().parents[1] / "data"
ORIGINS = list(range(2013, 2022))
TARGET_YEARS = [2018, 2021, 2022]
#: the default before this round (27 November 2026: rebound from a dropped base year, and
#: secondary transitions averaged with their own half-life and shrinkage)
NO_SECONDARY = {"secondary_halflife": None, "secondary_shrinkage": None}
PREVIOUS = {"rebound": 0.0, **NO_SECONDARY}
#: name -> parameter overrides of the defaults (DEFAULT_PARAMS). The previous round's rows
#: (shrinkage and combination, 23 November 2026) are kept with their numbers in
#: docs/forecast.md; they were overrides of the defaults of that day.
CONFIGS = {
    "default": {},
    "previous default (no rebound, no secondary settings)": PREVIOUS,
    "default without rebound": {"rebound": 0.0},
    "full rebound (1.0)": {"rebound": 1.0},
    "rebound 0.33": {"rebound": 0.33},
    "rebound 0.67": {"rebound": 0.67},
    "rebound 0.5, area by area": {"rebound_pooled": False},
    "default without secondary settings": NO_SECONDARY,
    "secondary half-life 0.5 only": {"secondary_shrinkage": None},
    "secondary shrinkage 1.0 only": {"secondary_halflife": None},
    "secondary half-life 0.25": {"secondary_halflife": 0.25},
    "secondary half-life 0.35": {"secondary_halflife": 0.35},
    "secondary half-life 0.75": {"secondary_halflife": 0.75},
    "secondary shrinkage 0.75": {"secondary_shrinkage": 0.75},
    "default + drift lookback 3": {"drift_lookback": 3},
    "default + window 4": {"window": 4},
    "default + no reception drift": {"reception_drift": 0.0},
    "default + primary drift 0.25": {"primary_drift": 0.25},
}


def _fmt(x: float, digits: int = 2) -> str:
    return f"{x * 100:.{digits}f}%"


def table(s: pd.DataFrame) -> str:
    cols = [
        "phase",
        "horizon",
        "n",
        "mae_model",
        "mae_cohort3",
        "mae_last",
        "n_authority",
        "mae_authority",
        "bias_model",
        "bias_cohort3",
        "bias_last",
        "bias_authority",
        "win_rate_vs_authority",
        "win_rate_vs_cohort3",
        "win_rate_vs_last",
        "coverage80",
    ]
    cols = [c for c in cols if c in s.columns]
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in s[cols].itertuples(index=False):
        cells = []
        for c, v in zip(cols, r):
            if c in ("phase",):
                cells.append(str(v))
            elif c in ("horizon", "n", "n_authority"):
                cells.append(str(int(v)))
            elif c.startswith("bias"):
                cells.append(f"{v * 100:+.2f}%")
            elif c.startswith(("win_rate", "coverage")):
                cells.append(f"{v * 100:.0f}%")
            else:
                cells.append(_fmt(v))
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def show(sections) -> None:
    """Print ``(title, scores)`` pairs as titled markdown tables."""
    for title, scores in sections:
        print(f"=== {title} ===")
        print(table(scores))
        print()


def main() -> None:
    warnings.simplefilter("ignore")
    pupils, births, _ = load_authority_data(
        DATA / "census_pupils_by_ncy_2011_2022.csv",
        DATA / "births_by_district_1992_2023.csv",
        DATA / "district_to_la_west_midlands.csv",
    )
    sc = read_scorecards(DATA / "school_places_scorecards").data
    areas = sorted(pupils["area"].unique())
    halves = (areas[::2], areas[1::2])

    def run(params, subset=None):
        p = pupils if subset is None else pupils[pupils["area"].isin(subset)]
        b = births if subset is None else births[births["area"].isin(subset)]
        return backtest(p, b, ORIGINS, [1, 2, 3], params, scorecards=sc)

    rows, results, half_scores = [], {}, {}
    for name, params in CONFIGS.items():
        r = run(params)
        results[name] = r
        sa, st = r.scores(), r.scores(TARGET_YEARS)
        ha, hb = half_scores[name] = tuple(run(params, h).scores() for h in halves)
        row = {"configuration": name}
        for ph in ("primary", "secondary"):
            for h in (1, 2, 3):
                m = (sa["phase"] == ph) & (sa["horizon"] == h)
                row[f"{ph[:3]} {h}y"] = float(sa.loc[m, "mae_model"].iloc[0])
        row["score all"] = sa["mae_model"].mean()
        row["score target years"] = st["mae_model"].mean()
        row["score half A"] = ha["mae_model"].mean()
        row["score half B"] = hb["mae_model"].mean()
        row["coverage all (min-max)"] = f"{sa['coverage80'].min():.0%}-{sa['coverage80'].max():.0%}"
        rows.append(row)
    t = pd.DataFrame(rows)
    print("=== Configurations: median absolute error, all origins 2013-2021; scores ===")
    num = [c for c in t.columns if c not in ("configuration", "coverage all (min-max)")]
    print("| " + " | ".join(t.columns) + " |")
    print("|" + "---|" * len(t.columns))
    for r in t.itertuples(index=False):
        vals = [
            str(v) if k not in num else _fmt(v, 3 if k.startswith("score") else 2)
            for k, v in zip(t.columns, r)
        ]
        print("| " + " | ".join(vals) + " |")
    print()
    print("=== Split-half check: choose on one half, verify on the other ===")
    for pick, check in (("score half A", "score half B"), ("score half B", "score half A")):
        best = t.loc[t[pick].idxmin()]
        prev = t[t["configuration"].str.startswith("previous default")].iloc[0]
        dflt = t[t["configuration"] == "default"].iloc[0]
        print(
            f"chosen on {pick[-6:]}: {best['configuration']} ({_fmt(best[pick], 3)}); on "
            f"{check[-6:]}: {_fmt(best[check], 3)} (previous default {_fmt(prev[check], 3)}, "
            f"default {_fmt(dflt[check], 3)})"
        )
    print()
    d = results["default"]
    sections = [
        (
            "Default: target years 2018, 2021, 2022 (every origin landing on them)",
            d.scores(TARGET_YEARS),
        ),
        ("Default: all origins 2013-2021, all target years", d.scores()),
    ]
    sections += [
        (f"Default on half {name} alone ({', '.join(h)}): all origins", sc_h)
        for name, h, sc_h in zip(("A", "B"), halves, half_scores["default"])
    ]
    show(sections)
    print(
        "=== Interval method: 80% coverage and mean width, errors vs ratio bootstrap (all "
        "origins 2013-2021; target years) ==="
    )
    for method in ("errors", "bootstrap"):
        r = (
            d
            if method == "errors"
            else backtest(pupils, births, ORIGINS, [1, 2, 3], None, intervals=method)
        )
        width = (
            ((r.data["upper80"] - r.data["lower80"]) / r.data["forecast"])
            .groupby([r.data["phase"], r.data["horizon"]])
            .mean()
        )
        cov_all = r.scores()["coverage80"].tolist()
        cov_ty = r.scores(TARGET_YEARS)["coverage80"].tolist()
        print(
            f"{method}: coverage all {'/'.join(f'{c:.0%}' for c in cov_all)}; target years "
            f"{'/'.join(f'{c:.0%}' for c in cov_ty)}; mean width "
            f"{'/'.join(f'{w:.2%}' for w in width)} (primary 1-3 y, secondary 1-3 y)"
        )
    print()
    print("=== Default: errors by year group (all origins 2013-2021) ===")
    bn = d.by_ncy.pivot(index="ncy", columns="horizon", values=["median_abs_error", "bias"])
    print((bn * 100).round(2).to_string())
    print()
    out = backtest(pupils, births, [2017, 2019, 2020, 2021], [1, 3], None, scorecards=sc)
    show(
        [
            (
                "Outside-check run (origins 2017,2019,2020,2021; horizons 1,3), target years",
                out.scores(TARGET_YEARS),
            ),
            ("Outside-check run, all its target years", out.scores()),
        ]
    )
    print(
        "=== Each authority backtested alone (one authority per file, as the outside-check "
        "command could be run): median abs error, bias and 80% coverage ==="
    )
    for name, origins, horizons in (
        (
            "outside-check origins 2017,2019,2020,2021, horizons 1,3",
            [2017, 2019, 2020, 2021],
            [1, 3],
        ),
        ("all origins 2013-2021, horizons 1-3", ORIGINS, [1, 2, 3]),
    ):
        e = pd.concat(
            [
                backtest(
                    pupils[pupils["area"] == a],
                    births[births["area"] == a],
                    origins,
                    horizons,
                    None,
                ).data
                for a in areas
            ],
            ignore_index=True,
        )
        e = e.dropna(subset=["pct_error"])
        e["inside"] = (e["actual"] >= e["lower80"]) & (e["actual"] <= e["upper80"])
        g = e.groupby(["phase", "horizon"]).agg(
            n=("inside", "size"),
            mae=("pct_error", lambda x: x.abs().median()),
            bias=("pct_error", "mean"),
            coverage80=("inside", "mean"),
        )
        print(
            f"{name}: "
            + "; ".join(
                f"{p} {h}y: {r.mae:.2%} (bias {r.bias:+.2%}), coverage {r.coverage80:.0%} (n {int(r.n)})"
                for (p, h), r in g.iterrows()
            )
            + f"; coverage overall {e['inside'].mean():.0%}"
        )
        by_year = e.groupby(["phase", "horizon", "target_year"])["inside"].mean().unstack()
        print("  80% coverage by target year:")
        print((by_year * 100).round(0).to_string())
    print()
    full = backtest(pupils, births, list(range(2012, 2022)), [1, 2, 3, 4, 5], None).data
    print(
        "=== 80th percentile of |error| by horizon, default, origins 2012-2021 (the fallback "
        "FALLBACK_HALFWIDTH_80 in sufficiency/uncertainty.py) ==="
    )
    q80 = lambda x: round(float(x.abs().quantile(0.8)), 4)  # noqa: E731
    print(full.groupby("horizon")["pct_error"].apply(q80).to_string())
    print("by phase (not used; for comparison):")
    print(full.groupby(["phase", "horizon"])["pct_error"].apply(q80).unstack().to_string())
    print()
    sc_t = d.data[d.data["target_year"].isin(TARGET_YEARS)]
    sc_t = sc_t[sc_t["origin"] >= 2015]
    w = sc_t[sc_t["winner"] != ""]
    print(
        f"target years, origins 2015-2021: model beats the authority in "
        f"{(w['winner'] == 'model').sum()} of {len(w)} cases ({(w['winner'] == 'model').mean():.0%})"
    )


if __name__ == "__main__":
    main()
