"""A whole-Staffordshire model (95 planning areas) written from the SCAP 2015 file, for tests.

Staffordshire gives its middle schools secondary planning areas of their own (Years 7-8),
apart from the high schools they feed. The planning areas, phases and schools are the
published ones (``data/scap_2015_school_capacity.csv``); the area names are the codes. The
**feeder links are assumed for the test, not published**: every primary area sends its
Year 6 to the secondary areas of its district (the 4th digit of the planning-area code) that
teach Year 7, and every middle-school area its Year 8 to the district's high-school areas
(``high``: areas taken to teach Years 9-13 only) or, where the district has none, to its
other secondary areas, in proportion to their secondary capacity. By default South
Staffordshire's Codsall (8605012) and Penkridge (8605014) areas are taken as high-school
areas. Primary areas of first schools only (by the schools' names) send their Year 4 to the
district's primary areas that hold middle schools' Years 5-6, in proportion to those places;
the two 14-19 academies' areas (``UTC``) recruit their Year 10 from the district's areas
teaching Year 9 (``intake_from``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

#: 4th digit of a Staffordshire planning-area code -> ONS district
DISTRICTS = {str(i + 1): f"E0700019{i + 2}" for i in range(8)}


def _shares(dest: pd.Series) -> str:
    s = (dest / dest.sum()).round(6)
    s.iloc[-1] = round(1 - s.iloc[:-1].sum(), 6)
    return "{ " + ", ".join(f'"{k}" = {v!r}' for k, v in s.items() if v > 0) + " }"


#: areas taken to be of high schools (Years 9-13), fed only by middle-school areas
HIGH = ("8605012", "8605014")
#: areas of 14-19 academies (The JCB Academy, The Rural Enterprise Academy): Years 10-13
UTC = ("8602013", "8605016")


def write_model(data_dir: Path, path: Path, high=HIGH, utc=UTC) -> Path:
    """Write the model to ``path`` (data paths absolute) and return it."""
    cap = pd.read_csv(data_dir / "scap_2015_school_capacity.csv", dtype=str)
    cap = cap[cap["LA1"] == "860"]
    sec = cap.dropna(subset=["Secondary PA code (2)"])
    sec_cap = sec.groupby("Secondary PA code (2)")["SecondaryCapacity (2)"].apply(
        lambda c: pd.to_numeric(c, errors="coerce").fillna(0).sum()
    )
    net = pd.to_numeric(sec["Netcapacity (1)"], errors="coerce")
    sec_cap = sec_cap.where(sec_cap > 0, net.groupby(sec["Secondary PA code (2)"]).sum())
    middle = set(
        sec.groupby("Secondary PA code (2)")["Phase"]
        .agg(lambda p: set(p) == {"MS"})
        .loc[lambda m: m]
        .index
    )
    prim = sorted(set(cap["Primary PA code (2)"].dropna()))
    p_rows = cap.dropna(subset=["Primary PA code (2)"])
    named_first = p_rows["Schoolname"].str.contains("First") & ~p_rows["Schoolname"].str.contains(
        "Middle"
    )
    first_only = set(
        named_first.groupby(p_rows["Primary PA code (2)"]).all().loc[lambda m: m].index
    )
    mid_rows = p_rows[p_rows["Phase"].isin(["MS", "MP"])]
    mid_places = (
        pd.to_numeric(mid_rows["PrimaryCapacity (2)"], errors="coerce")
        .fillna(0)
        .groupby(mid_rows["Primary PA code (2)"])
        .sum()
    )
    lines = [
        "# SYNTHETIC feeder links (tests/staffordshire_model.py): areas and schools published,",
        "# transfer shares assumed by district and capacity",
        "[model]",
        'name = "Staffordshire (test)"',
        'authority = "E10000028"',
        'authority_name = "Staffordshire County Council"',
        "old_la_code = 860",
        "",
        "[data]",
        f'pupils = {{ path = "{data_dir / "census_pupils_by_ncy_2011_2022.csv"}", reader = "census_ncy" }}',
        'pupils_by_area = { reader = "derived" }',
        f'births = {{ path = "{data_dir / "births_by_district_1992_2023.csv"}", reader = "ons_births" }}',
        f'lookup = {{ path = "{data_dir / "district_to_la_west_midlands.csv"}", reader = "district_lookup" }}',
        f'capacity = {{ path = "{data_dir / "scap_2015_school_capacity.csv"}", reader = "scap", year = 2014 }}',
        "",
        "[plan]",
        f'scorecards = "{data_dir / "school_places_scorecards"}"',
        "",
    ]
    for code in prim:
        d = code[3]
        if code in first_only:
            dest = mid_places[[p for p in mid_places.index if p[3] == d]]
            lines += [
                "[[areas]]",
                f'code = "{code}"',
                f'name = "First schools {code}"',
                'phase = "primary"',
                'tiers = "three_tier"',
                "year_groups = [0, 1, 2, 3, 4]",
                f'districts = ["{DISTRICTS[d]}"]',
                f"transfer = {_shares(dest)}",
                "",
            ]
            continue
        dest = sec_cap[[s for s in sec_cap.index if s[3] == d and s not in high and s not in utc]]
        tiers = (
            ['tiers = "three_tier"']
            if any(s in middle for s in dest.index) or code in mid_places.index
            else []
        )
        lines += [
            "[[areas]]",
            f'code = "{code}"',
            f'name = "Primary {code}"',
            'phase = "primary"',
            *tiers,
            f'districts = ["{DISTRICTS[d]}"]',
            f"transfer = {_shares(dest)}",
            "",
        ]
    for code in sec_cap.index:
        lines += [
            "[[areas]]",
            f'code = "{code}"',
            f'name = "Secondary {code}"',
            'phase = "secondary"',
        ]
        if code in middle:
            dest = [s for s in sec_cap.index if s[3] == code[3] and s in high] or [
                s for s in sec_cap.index if s[3] == code[3] and s not in middle and s not in utc
            ]
            lines += [
                'tiers = "three_tier"',
                "year_groups = [7, 8]",
                f"transfer = {_shares(sec_cap[dest])}",
            ]
        elif code in high:
            lines += ['tiers = "three_tier"', "year_groups = [9, 10, 11, 12, 13]"]
        elif code in utc:
            src = [s for s in sec_cap.index if s[3] == code[3] and s not in middle and s not in utc]
            lines += [
                "year_groups = [10, 11, 12, 13]",
                "intake_from = [" + ", ".join(f'"{s}"' for s in src) + "]",
            ]
        elif any(s in middle for s in sec_cap.index if s[3] == code[3]):
            lines += ['tiers = "three_tier"']  # takes Year 9 from the district's middle areas
        lines.append("")
    path.write_text("\n".join(lines))
    return path
