"""Model definitions: load a ``models/*.toml`` file into frozen dataclasses.

A model definition names the authority, its planning areas (with tier structure, districts
and primary -> secondary transfer shares), the data that feed it and the assumptions. Sections
owned by other parts of the engine (``[send]``, ``[early_years]``, ``[plan]``, ``[report]``,
``[forecast]``) are kept as plain mappings and validated by the part that uses them, through
:meth:`ModelConfig.section`.

Paths in ``[data]`` are relative to the TOML file.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import nomenclature as nc
from ._frozen import FrozenDict
from ._values import (
    did_you_mean,
    did_you_mean_code,
    duplicates,
    expected_area,
    is_number,
    is_year,
    percent_hint,
)
from .exceptions import ConfigError

__all__ = [
    "merge_models",
    "AreaConfig",
    "DataSource",
    "Assumptions",
    "ModelConfig",
    "load_model",
    "READERS",
]

#: ``transfer = "equal"``: an area's last year group shared equally by every area starting at
#: the next year group (what ``sufficiency new`` writes until the real shares are known)
EQUAL_SPLIT = "equal"

#: Reader names accepted in ``[data]`` entries, per table.
READERS = FrozenDict(
    {
        "pupils": ("census_ncy", "spc", "tidy", "school_census"),
        "births": ("ons_births", "tidy"),
        "births_projection": ("tidy",),
        "lookup": ("district_lookup",),
        "pupils_by_area": ("derived", "school_census", "tidy"),
        "capacity": ("scap", "tidy"),
        "housing": ("tidy",),
        "transfers": ("transfers",),
        "intake": ("tidy",),
    }
)


def _entries(n: int) -> str:
    return f"{n} entr{'y' if n == 1 else 'ies'}"


def _err(path: Path | str, where: str, msg: str) -> ConfigError:
    return ConfigError(f"{path}: {where}: {msg}")


@dataclass(frozen=True)
class TierChange:
    """From academic year ``year`` on, the area uses tier structure ``tiers``."""

    year: int
    tiers: str


#: DfE school places scorecards folder when a model names none (relative to the model file)
DEFAULT_SCORECARDS = "../data/school_places_scorecards"


@dataclass(frozen=True)
class AreaConfig:
    """One education planning area.

    Parameters
    ----------
    code : str
        DfE planning-area code (e.g. ``"8850031"``).
    name : str
        Readable name (e.g. ``"Worcester City"``).
    phase : {"primary", "secondary"}
        Which DfE phase of places the area plans: primary areas hold R-Y6, secondary areas
        Y7-Y13 (``sixth_form`` included).
    tiers : str
        Tier structure name (``"two_tier"`` or ``"three_tier"``).
    districts : tuple of str
        ONS districts whose births feed a primary area.
    transfer : mapping of str to float
        Share of the area's last year group moving to each secondary area at the end of the
        year (sums to 1): a primary area's Year 6 to Year 7, or a middle-school area's last
        year group (Year 8) to the high-school areas' next (Year 9).
    tier_changes : tuple of TierChange
        Changes of tier structure over time (Pershore: two-tier from 2027).
    year_groups : tuple of int
        Year groups the area's schools teach, consecutive; empty for the phase's whole range
        (R-Y6 primary, Y7-Y13 secondary). A primary area of first schools only is
        ``(0, 1, 2, 3, 4)``; a secondary area of middle schools only ``(7, 8)``; a
        high-school area they feed ``(9, 10, 11, 12, 13)``; a university technical college
        ``(10, 11, 12, 13)``.
    intake_from : tuple of str
        For an area whose first year group no ``transfer`` can feed (a school recruiting at
        Year 10 or Year 12 from across the authority): the areas whose previous year group
        it recruits from. Its entry is forecast as a ratio to their cohort, estimated from
        history like any survival ratio; their own pupils are not moved (their ratios
        already show those who leave).
    transfer_equal : bool
        Whether ``transfer`` was written ``"equal"``: the same share to every area starting at
        the next year group (a placeholder until the real shares are known; ``sufficiency
        new`` writes it).
    """

    code: str
    name: str
    phase: str
    tiers: str = "two_tier"
    districts: tuple[str, ...] = ()
    transfer: Mapping[str, float] = field(default_factory=dict)
    tier_changes: tuple[TierChange, ...] = ()
    year_groups: tuple[int, ...] = ()
    intake_from: tuple[str, ...] = ()
    transfer_equal: bool = False

    def tier_structure(self, year: int) -> nc.TierStructure:
        """Return the tier structure in force in academic year ``year``."""
        name = self.tiers
        for ch in sorted(self.tier_changes, key=lambda c: c.year):
            if year >= ch.year:
                name = ch.tiers
        return nc.TIER_STRUCTURES[name]

    @property
    def ncys(self) -> tuple[int, ...]:
        """Year groups this area forecasts: ``year_groups`` if given, else R-Y6 for primary
        and Y7-Y13 for secondary."""
        if self.year_groups:
            return tuple(self.year_groups)
        return (
            nc.PHASE_NCY["primary"]
            if self.phase == "primary"
            else (nc.PHASE_NCY["secondary"] + nc.PHASE_NCY["sixth_form"])
        )

    @property
    def transfer_ncy(self) -> int:
        """Year group whose pupils the area's ``transfer`` moves on (its last)."""
        return self.ncys[-1]

    @property
    def passes_on(self) -> bool:
        """Whether the area's pupils move on to other areas at the end of its last year
        group: a primary area, or a secondary area ending before Year 11 (middle schools)."""
        return self.phase == "primary" or self.ncys[-1] < 11

    @property
    def ends_early(self) -> bool:
        """Whether the area's schools stop before the phase's usual last year group (Year 6
        in primary, Year 11 in secondary): a first-school or a middle-school area, whose
        pupils move on to another area part-way through the phase."""
        return self.ncys[-1] < (6 if self.phase == "primary" else 11)


@dataclass(frozen=True)
class DataSource:
    """One input of a model: a table read from a file with a named reader."""

    table: str
    path: Path | None
    reader: str
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def derived(self) -> bool:
        return self.reader == "derived"


@dataclass(frozen=True)
class Assumptions:
    """Headline assumptions of a run (the forecast and plan read their own sections too)."""

    base_year: int | None = None
    horizon: int = 10
    window: int = 3
    margin: float = 0.02
    surplus_target: float = 0.05
    surplus_ceiling: float = 0.10
    seed: int = 20240101


#: a TOML comment saying TODO (``# TODO name``), as ``sufficiency new`` writes them
_TODO = re.compile(r"#.*\bTODO\b")


@dataclass(frozen=True)
class ModelConfig:
    """A loaded model definition. Build it with :func:`load_model`."""

    path: Path
    name: str
    authority: str
    authority_name: str
    old_la_code: int | None
    areas: tuple[AreaConfig, ...]
    data: Mapping[str, DataSource]
    assumptions: Assumptions
    raw: Mapping[str, Any]
    description: str = ""
    bases: tuple[Path, ...] = ()  #: the models it extends, nearest first (``extends``)
    #: the model file as the user named it (relative, say), for messages; ``path`` is resolved
    given_path: Path | None = field(default=None, compare=False)

    @property
    def shown_path(self) -> Path:
        """The model file as messages name it: as given to :func:`load_model` (a Staffordshire
        trial saw a relative path in one error and an absolute one in the next)."""
        return self.given_path if self.given_path is not None else self.path

    def todo_comments(self) -> tuple[tuple[Path, int, str], ...]:
        """``(file, line number, line)`` of every comment saying ``TODO`` in the model file
        and the models it extends: the stand-ins ``sufficiency new`` writes (area names,
        districts, transfers) and has the analyst replace. Empty for a finished model."""
        out = []
        for f in (self.path, *self.bases):
            try:
                text = Path(f).read_text(encoding="utf-8-sig")
            except OSError:
                continue
            out += [
                (Path(f), i, line)
                for i, line in enumerate(text.splitlines(), 1)
                if _TODO.search(line)
            ]
        return tuple(out)

    def todo_lines(self) -> tuple[tuple[Path, int], ...]:
        """``(file, line number)`` of each of :meth:`todo_comments`."""
        return tuple((f, i) for f, i, _ in self.todo_comments())

    def section(self, name: str) -> Mapping[str, Any]:
        """Return a raw section (``{}`` if absent), e.g. ``section("plan")``."""
        value = self.raw.get(name, {})
        if not isinstance(value, Mapping):
            raise _err(self.shown_path, f"[{name}]", "expected a table")
        return value

    def transfer_summary(self) -> tuple[str, str] | None:
        """How the areas pass pupils on, in words, and where the shares are set: ``("17
        areas pass pupils on: all 17 send their last year group to one area", "the model's
        [[areas]] transfer tables")``; None when no area passes pupils on."""
        senders = [a for a in self.areas if a.transfer]
        if not senders:
            return None
        whole = sum(1 for a in senders if max(a.transfer.values()) >= 1 - 1e-9)
        equal = sum(1 for a in senders if a.transfer_equal and len(a.transfer) > 1)
        n = len(senders)
        split = n - whole - equal
        parts = (
            ["it sends its last year group to one area"]
            if whole == n == 1
            else [f"all {n} send their last year group to one area"]
            if whole == n
            else [f"{whole} send their last year group to one area"]
            if whole
            else []
        )
        if equal:
            parts.append(
                f"{'all ' if equal == n else ''}{equal} split it equally over every area "
                f'starting at the next year group (transfer = "{EQUAL_SPLIT}", a placeholder)'
            )
        if split:
            # "all 5 split it" alone left a Dudley analyst asking "split it how?"
            sizes = sorted(
                {
                    len(a.transfer)
                    for a in senders
                    if not a.transfer_equal and max(a.transfer.values()) < 1 - 1e-9
                }
            )
            over = f"{sizes[0]}" if len(sizes) == 1 else f"{sizes[0]}-{sizes[-1]}"
            parts.append(
                f"{'all ' if split == n else ''}{split} split it over {over} areas "
                "by the shares given"
            )
        value = (
            f"{n} area{'' if n == 1 else 's'} pass{'es' if n == 1 else ''} pupils on: "
            + ", ".join(parts)
        )
        t = self.data.get("transfers")
        # a sender whose next year group one area alone teaches has no choice: its shares are
        # no assumption (a Herefordshire trial, one secondary area, read "an assumption
        # unless taken from admissions records" in validate and the report)
        forced = all(
            len([b for b in self.areas if a.transfer_ncy + 1 in b.ncys and b is not a]) == 1
            for a in senders
        )
        where = (
            f"{t.path.name} ([data.transfers])"
            if t is not None
            else "the model's [[areas]] transfer tables: no assumption, as one area alone "
            "teaches the year group they go on to"
            if forced
            else "the model's [[areas]] transfer tables: an assumption unless taken from "
            "admissions records"
        )
        return value, where

    def own_settings(self) -> tuple[str, ...]:
        """What a scenario's own file sets (``"[assumptions] margin"``, ``"[data] housing"``,
        ``"[[areas]] (2 entries)"``, ``"[data] housing (removed)"`` for a file it removes), in
        file order; empty for a model that extends none.
        Everything else comes from the models it extends (:attr:`bases`)."""
        if not self.bases:
            return ()
        own = _read_toml(self.path)
        out = []
        for section, value in own.items():
            if section == "extends":
                continue
            if isinstance(value, list):
                out.append(f"[[{section}]] ({_entries(len(value))})")
            elif isinstance(value, Mapping):
                for key, v in value.items():
                    if isinstance(v, list) and v and all(isinstance(x, Mapping) for x in v):
                        out.append(f"[[{section}.{key}]] ({_entries(len(v))})")
                    elif isinstance(v, Mapping) and section not in ("data",):
                        out.extend(f"[{section}.{key}] {k}" for k in v)
                    elif section == "data" and v is False:
                        # a file removed (REMOVABLE_DATA), not one it "sets": a trial's
                        # scenario dropping its base's births projection was said to change
                        # it "in the births projection data file"
                        out.append(f"[data] {key} (removed)")
                    else:
                        out.append(f"[{section}] {key}")
            else:
                out.append(section)
        return tuple(out)

    def set_in(self, section: str, key: str | None = None) -> str:
        """The file that sets ``[section] key`` of this model: the scenario's own file when
        it sets it, else the nearest model it extends that does (its own name without
        ``extends``)."""
        if not self.bases:
            return self.path.name
        for f in (self.path, *self.bases):
            d = _read_toml(f).get(section)
            if isinstance(d, Mapping) and (key is None or key in d):
                return f.name
        return self.bases[-1].name

    def area(self, code: str) -> AreaConfig:
        """The ``[[areas]]`` entry of planning area ``code``.

        Raises
        ------
        ConfigError
            No area has that code (the message suggests the closest and lists the codes).
        """
        for a in self.areas:
            if a.code == str(code):
                return a
        raise ConfigError(
            f"{self.shown_path}: no planning area {code!r}; expected "
            f"{expected_area(code, self.area_names)}"
        )

    def areas_of_phase(self, phase: str) -> tuple[AreaConfig, ...]:
        """The ``[[areas]]`` entries of ``phase`` (``"primary"`` or ``"secondary"``).

        Raises
        ------
        ConfigError
            ``phase`` is not a phase of planning areas.
        """
        if phase not in ("primary", "secondary"):
            raise ConfigError(
                f"areas_of_phase({phase!r}): expected 'primary' or 'secondary'"
                f"{did_you_mean(phase, ('primary', 'secondary'))}"
            )
        return tuple(a for a in self.areas if a.phase == phase)

    @property
    def area_names(self) -> dict[str, str]:
        return {a.code: a.name for a in self.areas}

    def resolve(self, relative: str | Path) -> Path:
        """Resolve a path written in the model definition (relative to its file)."""
        p = Path(relative)
        return p if p.is_absolute() else (self.path.parent / p).resolve()

    def _scorecards_key(self, section: str) -> str | None:
        """The section whose ``scorecards`` key ``section`` reads: its own; for
        ``[report]``, else ``[plan]``'s (one folder named once serves both); None for the
        default."""
        sections = (section, "plan") if section == "report" else (section,)
        return next((s for s in sections if "scorecards" in self.section(s)), None)

    def scorecards(self, section: str) -> tuple[str, Path]:
        """The DfE scorecards folder a section reads, as written and resolved
        (:meth:`_scorecards_key`; else :data:`DEFAULT_SCORECARDS`)."""
        key = self._scorecards_key(section)
        given = DEFAULT_SCORECARDS if key is None else self.section(key)["scorecards"]
        return given, self.resolve(given)

    def scorecards_folder(self, section: str) -> Path:
        """:meth:`scorecards`'s folder, or a ConfigError naming the model file, the key (and
        whether it is the default) and the folder looked for, when there is none."""
        given, path = self.scorecards(section)
        if not path.is_dir():
            key = self._scorecards_key(section)
            raise ConfigError(
                f"{self.shown_path}: [{key or section}] scorecards = {given!r}"
                + (" (the default)" if key is None else "")
                + f": no folder at {path}; expected the DfE school places scorecards folder "
                "(cost per place benchmarks and the authorities' own forecast errors), e.g. "
                f"scorecards = {DEFAULT_SCORECARDS!r}, relative to the model file"
            )
        return path


def _missing_file(path: Path, where: str, rel: str, p: Path) -> ConfigError:
    """A ``[data]`` file that is not there: the error names the closest file of its folder,
    as the other sections' files do (a Dudley trial's census file typed with 2023 for 2022 was
    only "not found", where ``[send.files]`` suggested the file meant)."""
    near = (
        did_you_mean(p.name, sorted(f.name for f in p.parent.iterdir() if f.is_file()))
        if p.parent.is_dir()
        else ""
    )
    return _err(
        path,
        where,
        f"data file {rel!r} not found (resolved to {p}){near}; expected an "
        "existing file (paths are relative to the model file)",
    )


def _get(d: Mapping, key: str, typ, path, where, default=..., choices=None):
    if key not in d:
        if default is ...:
            raise _err(path, where, f"missing required key {key!r}")
        return default
    v = d[key]
    if typ is float and isinstance(v, int) and not isinstance(v, bool):
        v = float(v)
    if not isinstance(v, typ) or (typ is int and isinstance(v, bool)):
        name = {float: "a number", int: "a whole number", str: "text"}.get(typ) or getattr(
            typ, "__name__", typ
        )
        raise _err(path, where, f"{key} = {v!r}: expected {name}{percent_hint(v)}")
    if choices is not None and v not in choices:
        raise _err(path, where, f"{key} = {v!r}: expected one of {', '.join(map(str, choices))}")
    return v


def _parse_area(d: Mapping, path: Path, i: int) -> AreaConfig:
    where = f"[[areas]] #{i + 1}"
    code = str(_get(d, "code", (str, int), path, where))
    where = f"[[areas]] {code}"
    name = _get(d, "name", str, path, where)
    phase = _get(d, "phase", str, path, where, choices=("primary", "secondary"))
    tiers = _get(d, "tiers", str, path, where, "two_tier", tuple(nc.TIER_STRUCTURES))
    districts = d.get("districts", [])
    if isinstance(districts, str):
        districts = [districts]
    if not isinstance(districts, list) or not all(isinstance(x, str) for x in districts):
        raise _err(
            path,
            where,
            f'districts = {districts!r}: expected a list of ONS district codes, e.g. ["E07000237"]',
        )
    transfer = d.get("transfer", {})
    year_groups = _year_groups(d, phase, path, where)
    equal = transfer == EQUAL_SPLIT
    if equal:
        transfer = {}
    elif not isinstance(transfer, Mapping):
        g = year_groups[-1] if year_groups else (6 if phase == "primary" else 13)
        near = (
            f' (did you mean "{EQUAL_SPLIT}"?)'
            if isinstance(transfer, str) and transfer.strip().lower().startswith(EQUAL_SPLIT)
            else ""
        )
        raise _err(
            path,
            where,
            f"transfer = {transfer!r}{near}: expected a table "
            f'{{ secondary_area = share }} or "{EQUAL_SPLIT}" (its Year {g} shared equally '
            "by every area starting at the next year group)",
        )
    for k, v in transfer.items():
        if not is_number(v) or not 0 <= v <= 1:
            # the area's own last year group: Year 8 of a middle-school area, not "Year 6"
            last = year_groups[-1] if year_groups else (6 if phase == "primary" else 13)
            raise _err(
                path,
                where,
                f'transfer."{k}" = {v!r}: expected a share of the '
                f"area's Year {last} pupils (its last year group) in [0, 1], written as "
                # a mistake tried in a Walsall trial: admissions percentages (50, 50)
                "a number (1.0, not 'all')" + percent_hint(v, numbers=True),
            )
    transfer = {str(k): float(v) for k, v in transfer.items()}
    where = f"[[areas]] {code} ({name})"
    if (transfer or equal) and phase != "primary" and (not year_groups or year_groups[-1] >= 11):
        last = year_groups[-1] if year_groups else 13
        raise _err(
            path,
            where,
            f"transfer: this secondary area teaches up to Year {last}, so "
            "its pupils move on to no other area; only primary areas and secondary "
            "areas of middle schools have transfer shares. If its schools are middle "
            "schools, give it year_groups = [7, 8] (the secondary years they teach)",
        )
    if transfer and abs(sum(transfer.values()) - 1) > 1e-6:
        g = year_groups[-1] if year_groups else (6 if phase == "primary" else 13)
        raise _err(
            path,
            where,
            f"transfer shares sum to {sum(transfer.values()):.4f}; expected "
            f"1: the shares of its Year {g} by the area each goes on to, all of them "
            '(e.g. { "A" = 0.7, "B" = 0.3 })',
        )
    if districts and year_groups and year_groups[0] != 0:
        raise _err(
            path,
            where,
            f"districts = {districts!r}: the area teaches no Reception "
            f"(year_groups start at Year {year_groups[0]}), so no births feed it; list "
            "districts on the areas with Reception",
        )
    if districts and phase == "secondary" and not year_groups:
        # births go to the primary areas only: a Herefordshire trial's secondary area listed
        # its district and the model loaded without a word
        raise _err(
            path,
            where,
            f"districts = {districts!r}: a secondary area teaches no "
            "Reception (it starts at Year 7), so no births feed it; its Year 7 comes "
            "from the primary areas' transfer. List districts on the primary areas "
            "only, and delete the key here",
        )
    intake = d.get("intake_from", [])
    if not isinstance(intake, list) or not all(
        isinstance(x, (str, int)) and not isinstance(x, bool) for x in intake
    ):
        raise _err(
            path,
            where,
            f"intake_from = {intake!r}: expected a list of planning-area "
            'codes, e.g. ["8602010", "8602011"]',
        )
    intake = tuple(dict.fromkeys(str(x) for x in intake))  # a source listed twice counts once
    first = year_groups[0] if year_groups else (0 if phase == "primary" else 7)
    if intake and first in (0, 7):
        raise _err(
            path,
            where,
            f"intake_from: the area starts at {nc.NCY_LABELS[first]}, which "
            "births or the primary areas' transfer feed; intake_from is for areas "
            "starting later (year_groups = [10, 11, 12, 13], say)",
        )
    changes = []
    raw_changes = d.get("tier_changes", [])
    if not isinstance(raw_changes, list) or not all(isinstance(ch, Mapping) for ch in raw_changes):
        raise _err(
            path,
            where,
            f"tier_changes = {raw_changes!r}: expected an array of tables, "
            'e.g. [{ year = 2027, tiers = "two_tier" }]',
        )
    for ch in raw_changes:
        changes.append(
            TierChange(
                _get(ch, "year", int, path, where + " tier_changes"),
                _get(
                    ch,
                    "tiers",
                    str,
                    path,
                    where + " tier_changes",
                    choices=tuple(nc.TIER_STRUCTURES),
                ),
            )
        )
    return AreaConfig(
        code,
        name,
        phase,
        tiers,
        tuple(str(x) for x in districts),
        FrozenDict(transfer),
        tuple(changes),
        year_groups,
        intake,
        equal,
    )


def _equal_transfers(areas: tuple[AreaConfig, ...], path: Path) -> tuple[AreaConfig, ...]:
    """Areas with ``transfer = "equal"`` given their shares: the same share to every other
    area whose first year group is the one after the sender's last (a primary area's Year 6
    to every secondary area starting at Year 7), in model order."""
    out = []
    for a in areas:
        if a.transfer_equal:
            g = a.transfer_ncy + 1
            to = [b.code for b in areas if b is not a and b.ncys[0] == g and not b.intake_from]
            if not to:
                raise _err(
                    path,
                    f"[[areas]] {a.code} ({a.name})",
                    f'transfer = "{EQUAL_SPLIT}": no area starts at Year {g}, so its '
                    f"Year {g - 1} has nowhere to go; expected a table of shares by the "
                    f"areas teaching Year {g} ({_teaching(areas, g)})",
                )
            a = replace(a, transfer=FrozenDict({c: 1 / len(to) for c in to}))
        out.append(a)
    return tuple(out)


def _year_groups(d: Mapping, phase: str, path: Path, where: str) -> tuple[int, ...]:
    """The area's ``year_groups``: consecutive year groups within its phase (0-6, 7-13)."""
    if "year_groups" not in d:
        return ()
    v = d["year_groups"]
    lo, hi = (0, 6) if phase == "primary" else (7, 13)
    ok = (
        isinstance(v, list)
        and v
        and all(isinstance(g, int) and not isinstance(g, bool) for g in v)
        and list(v) == list(range(v[0], v[0] + len(v)))
    )
    if not ok or not lo <= v[0] <= v[-1] <= hi:
        example = (
            "[0, 1, 2, 3, 4] for first schools"
            if phase == "primary"
            else "[7, 8] for middle schools or [9, 10, 11, 12, 13] for high schools"
        )
        raise _err(
            path,
            where,
            f"year_groups = {v!r}: expected consecutive year groups in "
            f"increasing order within {lo}-{hi} for a {phase} area (Reception = 0), "
            f"e.g. {example}",
        )
    return tuple(int(g) for g in v)


def _check_transfer_coverage(areas: tuple[AreaConfig, ...], path: Path) -> None:
    """Where a model gives transfers, every area that passes pupils on sends them and every
    area not starting at Reception is fed.

    Secondary Year 7 comes only from the transfer shares: a primary area left without one
    sends its Year 6 nowhere, and a secondary area no primary area feeds falls to 0 pupils
    within five years (review 2, N2). The same holds at every year group at which pupils
    change area (first to middle schools at Year 5, middle to high schools at Year 9); an area
    recruiting across areas (``intake_from``) is fed by those. A model with no transfers at
    all is left as it is only when it does not have both primary and secondary planning areas
    (an authority-level or single-phase model).
    """
    secondary = [a for a in areas if a.phase == "secondary"]
    by_code = {a.code: a for a in areas}
    for a in areas:
        for s in a.intake_from:
            src = by_code.get(s)
            if src is None:
                raise _err(
                    path,
                    f"[[areas]] {a.code} ({a.name})",
                    f"intake_from: no planning area {s!r}"
                    + did_you_mean(s, sorted(by_code))
                    + "; expected codes of the areas "
                    f"teaching Year {a.ncys[0] - 1} ({_teaching(areas, a.ncys[0] - 1)})",
                )
            if a.ncys[0] - 1 not in src.ncys:
                raise _err(
                    path,
                    f"[[areas]] {a.code} ({a.name})",
                    f"intake_from: {s!r} is not a planning area teaching Year "
                    f"{a.ncys[0] - 1}; expected codes of the areas whose Year "
                    f"{a.ncys[0] - 1} the area recruits its Year {a.ncys[0]} from"
                    f" ({_teaching(areas, a.ncys[0] - 1)})",
                )
    if not any(a.transfer for a in areas):
        primary = [a for a in areas if a.phase == "primary"]
        if primary and secondary:
            s = secondary[0]
            raise _err(
                path,
                "[[areas]]",
                f"{len(primary)} primary and {len(secondary)} secondary planning areas but "
                "no transfer: secondary Year 7 comes only from the primary areas' "
                "transfer shares, so every secondary area would fall to 0 pupils; give "
                f'each primary area transfer = {{ "{s.code}" = 1.0 }} (shares of its Year 6 '
                "by secondary area, summing to 1)",
            )
        return
    for a in areas:
        if a.passes_on and not any(v > 0 for v in a.transfer.values()):
            g = a.transfer_ncy
            raise _err(
                path,
                f"[[areas]] {a.code} ({a.name}, {a.phase}"
                + (f", year_groups {list(a.ncys)})" if a.year_groups else ")"),
                f"no transfer: its Year {g} pupils go to no "
                f"{'secondary ' if g == 6 else ''}area; give "
                f'transfer = {{ "<{"secondary " if g == 6 else ""}code>" = 1.0 }} (shares of its Year {g} by the areas '
                f"teaching Year {g + 1}, summing to 1: {_teaching(areas, g + 1)})",
            )
    for a in areas:
        for s, v in a.transfer.items():
            dest, g = by_code[s], a.transfer_ncy + 1
            if v > 0 and not dest.ncys[0] <= g <= dest.ncys[-1]:
                # the first-school hint only where it fits: a primary area modelled R-Y6 sending
                # pupils on to another primary area (its middle schools' Years 5-6) is an area
                # of first schools (R-Y4); a middle-school area sending its Year 8 on is not (a
                # Staffordshire trial was told of first schools there)
                first = a.phase == "primary" and not a.year_groups and dest.phase == "primary"
                hint = did_you_mean_code(s, {b.code: b.name for b in areas if g in b.ncys})
                exc = _err(
                    path,
                    f"[[areas]] {a.code} ({a.name})",
                    f'transfer."{s}" = {v}: area {s} ({dest.name}) teaches year groups '
                    f"{dest.ncys[0]}-{dest.ncys[-1]}, so it cannot take this area's Year "
                    f"{a.transfer_ncy} as Year {g}{hint}; send them to an area teaching "
                    f"Year {g} ({_teaching(areas, g)})"
                    + (
                        f", or, if this area's schools are first schools, give it ({a.code}) "
                        "year_groups = [0, 1, 2, 3, 4] so that it sends its Year 4 on"
                        if first
                        else ""
                    ),
                )
                exc.transfer = (a.code, s)  # for the file's lines, when a file gave it
                raise exc
    fed = {(s, a.transfer_ncy + 1) for a in areas for s, v in a.transfer.items() if v > 0}
    for a in areas:
        if a.intake_from and (a.code, a.ncys[0]) in fed:
            senders = [
                b.code
                for b in areas
                if b.transfer.get(a.code, 0) > 0 and b.transfer_ncy + 1 == a.ncys[0]
            ]
            raise _err(
                path,
                f"[[areas]] {a.code} ({a.name})",
                f"intake_from: its Year {a.ncys[0]} is already fed by the transfer of "
                f"{', '.join(senders)}; an area takes its entry by transfer shares or by "
                "intake_from, not both",
            )
        g = a.ncys[0]
        if g == 0 or a.intake_from or (a.code, g) in fed:
            continue
        senders = [b for b in areas if b.passes_on and b.transfer_ncy == g - 1 and b is not a]
        how = (
            f"give the areas that send Year {g - 1} on to it a share in their transfer "
            f"({', '.join(b.code for b in senders[:3])}{' ...' if len(senders) > 3 else ''}: "
            f'e.g. in area {senders[0].code}, transfer = {{ "{a.code}" = 1.0 }})'
            if senders
            else f"no area passes its Year {g - 1} on (only primary areas, at their last year "
            "group, and middle-school areas do)"
        )
        recruit = (
            ""
            if g == 7
            else "; or, for a school recruiting across areas (a university technical college, "
            f"a sixth-form centre), intake_from = [codes of the areas teaching Year "
            f"{g - 1}: {_teaching(areas, g - 1)}]"
        )
        raise _err(
            path,
            f"[[areas]] {a.code} ({a.name}, {a.phase})",
            f"no {'primary ' if g == 7 else ''}area transfers to it, so its Year {g} "
            f"would come from nowhere and its pupils fall to 0; {how}{recruit}; or "
            "remove the area",
        )


#: most area codes an error lists as the valid choices (an authority may have 200 areas)
_TEACHING_SHOWN = 30


def _teaching(areas: tuple[AreaConfig, ...], g: int) -> str:
    """The codes of the areas teaching year group ``g``: every one up to
    :data:`_TEACHING_SHOWN`, then how many more (four codes and "..." left the analyst to
    look the rest up)."""
    codes = [a.code for a in areas if g in a.ncys]
    if not codes:
        return "none"
    more = len(codes) - _TEACHING_SHOWN
    return ", ".join(codes[:_TEACHING_SHOWN]) + (
        f" and {more} more of the model's [[areas]]" if more > 0 else ""
    )


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise ConfigError(f"{path}: model definition not found.")
    try:
        # utf-8-sig: a file saved with a byte order mark (Windows editors) reads as without
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not a valid TOML file ({exc}).") from exc


def _with_bases(raw: dict, path: Path, seen: tuple[Path, ...]) -> tuple[dict, tuple[Path, ...]]:
    """``raw`` merged onto the model it ``extends`` (recursively), and the files it extends."""
    if "extends" not in raw:
        return raw, ()
    ext = raw["extends"]
    if not isinstance(ext, str) or not ext.strip():
        raise ConfigError(
            f"{path}: extends = {ext!r}: expected the file name of the model this "
            'one extends, e.g. "worcestershire.toml"'
        )
    base = (path.parent / ext).resolve()
    if base.parent != path.parent.resolve():
        raise ConfigError(
            f"{path}: extends = {ext!r}: expected a model in the same folder "
            f"({path.parent}), so that its data paths mean the same in both"
        )
    if base == path.resolve() or base in seen:
        raise ConfigError(f"{path}: extends = {ext!r}: the models extend each other in a cycle")
    if not base.exists():
        # the models of the folder, the closest first (a Herefordshire trial's
        # "herefordshir.toml" got no suggestion)
        models = sorted(p.name for p in base.parent.glob("*.toml") if p.resolve() != path.resolve())
        raise ConfigError(
            f"{path}: extends = {ext!r}: no such model ({base})"
            + did_you_mean(ext, models)
            + (
                f"; expected one of the models in {base.parent}: "
                f"{', '.join(models[:20])}{' ...' if len(models) > 20 else ''}"
                if models
                else f"; {base.parent} has no other model"
            )
        )
    base_raw, further = _with_bases(_read_toml(base), base, seen + (path.resolve(),))
    return merge_models(base_raw, {k: v for k, v in raw.items() if k != "extends"}), (
        base,
    ) + further


def merge_models(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """A scenario model (``over``) laid over the model it extends (``base``).

    Tables merge key by key, recursively, except tables whose keys are data (``transfer``,
    ``downweight``, ``area_shares``), which a scenario's replaces whole. In an array of tables
    (``[[areas]]``, ``[[plan.options]]``, ...), an entry with the ``code`` (areas) or
    ``name`` of one of the base's is merged into it the same way, in place (a scenario gives
    only the keys it changes: a new ``transfer`` for one area keeps its ``tiers`` and
    ``districts``), and any other entry is added after the base's; an array whose entries
    have no ``code`` or ``name`` (``tier_changes``, ``[[plan.adjacency]]``) replaces the
    base's whole, as any other value of ``over`` does. A key cannot be removed, only given
    another value (an empty array replaces the base's), except a ``[data]`` entry of
    :data:`REMOVABLE_DATA` set to ``false`` (removed by :func:`load_model`). A ``[data]`` table that names a file
    or a reader of its own (``path``, ``reader``) replaces the base's whole: the base's reader
    options (a ``scap`` file's ``year``) belong to the base's file (a Wolverhampton trial's
    scenario of current capacity from a tidy CSV kept the SCAP file's ``year = 2014`` and
    was an error, with no key it could remove).
    """
    out = dict(base)
    for key, value in over.items():
        old = out.get(key)
        if key == "data" and isinstance(old, Mapping) and isinstance(value, Mapping):
            out[key] = {
                **old,
                **{
                    k: (
                        merge_models(old[k], v)
                        if isinstance(old.get(k), Mapping)
                        and isinstance(v, Mapping)
                        and not ({"path", "reader"} & set(v))
                        else v
                    )
                    for k, v in value.items()
                },
            }
        elif isinstance(old, Mapping) and isinstance(value, Mapping) and key not in _DATA_KEYED:
            out[key] = merge_models(old, value)
        elif _table_array(old) and _table_array(value):
            out[key] = _merge_entries(old, value)
        else:
            out[key] = value
    return out


#: ``[data]`` entries a model can do without: ``births_projection = false`` in a scenario
#: removes its base's (a scenario on the engine's own births projection, say; ``intake =
#: false``, one on the model's own entry year groups)
REMOVABLE_DATA = ("births_projection", "housing", "intake", "pupils_by_area", "transfers")


def _removed_data(raw: Mapping) -> list[str]:
    """The ``[data]`` entries of ``raw`` set to ``false``, in file order."""
    data = raw.get("data")
    return [k for k, v in data.items() if v is False] if isinstance(data, Mapping) else []


def _without_removed_data(raw: dict, path: Path) -> dict:
    """``raw`` without the ``[data]`` entries set to ``false`` (:data:`REMOVABLE_DATA`): the
    one way a scenario removes a file its base reads (a later scenario can give it again)."""
    off = _removed_data(raw)
    if not off:
        return raw
    for k in off:
        if k not in REMOVABLE_DATA:
            raise _err(
                path,
                "[data]",
                f"{k} = false: only {', '.join(REMOVABLE_DATA)} can be removed "
                f"(set to false); the model needs {k}",
            )
    return {**raw, "data": {k: v for k, v in raw["data"].items() if v is not False}}


def _warn_nothing_removed(own: Mapping, path: Path, bases: tuple[Path, ...]) -> None:
    """Warn of a ``[data]`` file a scenario's own file removes (set to ``false``) that the
    model it extends does not read: nothing is removed (a trial's ``transfers = false`` on a
    model with none read as a change in validate and the report)."""
    off = [k for k in _removed_data(own) if k in REMOVABLE_DATA]
    if not off or not bases:
        return
    base, _ = _with_bases(_read_toml(bases[0]), bases[0], (path.resolve(),))
    had = base.get("data") if isinstance(base.get("data"), Mapping) else {}
    for k in off:
        if had.get(k) in (None, False):
            import warnings

            from .exceptions import DataQualityWarning

            warnings.warn(
                f"{path}: [data] {k} = false: {bases[0].name} reads no {k} file, so there "
                f"is nothing to remove; expected a file its base reads "
                f"({', '.join(REMOVABLE_DATA)})",
                DataQualityWarning,
                stacklevel=3,
            )


def _table_array(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(e, Mapping) for e in v)


def _entry_id(entry: Mapping[str, Any]):
    return entry.get("code", entry.get("name"))


#: tables whose keys are data (area codes, years): a scenario's replaces the base's whole
_DATA_KEYED = ("transfer", "downweight", "area_shares")


def _merge_entries(base: list, over: list) -> list:
    if not any(_entry_id(e) is not None for e in over):
        return list(over)  # entries with no code or name (tier_changes, adjacency): replaced
    out = list(base)
    where = {_entry_id(e): i for i, e in enumerate(out) if _entry_id(e) is not None}
    for e in over:
        i = where.get(_entry_id(e)) if _entry_id(e) is not None else None
        if i is None:
            out.append(e)
        else:
            out[i] = merge_models(out[i], e)
    return out


class _FileTransfers(dict):
    """``{area: {to_area: share}}`` read from ``[data.transfers]``, with its ``source`` and
    ``rows``: ``{(from_area, to_area): (lines, pupils)}``, the file lines behind each share
    and the pupils counted there (NaN for a file of shares)."""

    source: str = ""
    rows: dict | None = None


def _file_transfers(
    raw: Mapping, areas_raw: list, path: Path, bases: tuple[Path, ...] = ()
) -> tuple[list, _FileTransfers]:
    """The ``[[areas]]`` entries with the ``transfer`` shares of ``[data.transfers]`` filled
    in (copies; the others as they are), and those shares. A file naming an area the model
    lacks is an error. An area given a ``transfer`` table and rows in the file: in a
    scenario, whichever its own file sets wins (a transfers file it adds replaces the base's
    tables; a table it gives replaces the base file's rows for that area); set in one file,
    an error naming it."""
    entry = (raw.get("data") or {}).get("transfers")
    got = _FileTransfers()
    if entry is None:
        return areas_raw, got
    where = "[data.transfers]"
    if isinstance(entry, str):
        entry = {"path": entry}
    if not isinstance(entry, Mapping):
        raise _err(path, where, 'expected a table {path = ..., reader = "transfers"}')
    reader = _get(entry, "reader", str, path, where, "transfers")
    if reader != "transfers":
        raise _err(path, where, f"reader = {reader!r}: expected one of transfers")
    rel = _get(entry, "path", str, path, where)
    p = Path(rel) if Path(rel).is_absolute() else (path.parent / rel).resolve()
    if not p.exists():
        raise _missing_file(path, where, rel, p)
    years = entry.get("years")
    if years is not None and (not isinstance(years, int) or isinstance(years, bool) or years < 1):
        raise _err(
            path,
            where,
            f"years = {years!r}: expected a whole number of years >= 1 (the "
            "latest years of counts to sum)",
        )
    from .io.transfers import read_transfers

    frame = read_transfers(p, years=years).data
    codes = [str(a.get("code")) for a in areas_raw if isinstance(a, Mapping)]
    for col in ("from_area", "to_area"):
        unknown = frame.loc[~frame[col].isin(codes)]
        if len(unknown):
            r = unknown.iloc[0]
            raise _err(
                path,
                where,
                f"{p}: column {col!r}: area {r[col]!r} (line(s) "
                f"{r['lines']}) is not one of the model's [[areas]]"
                # by edits, so a swapped pair finds its code (a Dudley trial's
                # 3320070 was offered 3320010, not 3320007)
                + did_you_mean_code(str(r[col]), sorted(codes)),
            )
    for a, g in frame.groupby("from_area", sort=True):
        got[str(a)] = {str(t): float(v) for t, v in zip(g["to_area"], g["share"])}
    got.source = str(p)
    got.rows = {
        (str(r.from_area), str(r.to_area)): (str(r.lines), float(r.pupils))
        for r in frame.itertuples(index=False)
    }
    # which file sets the transfers file and each area's table: in a chain of scenarios the
    # nearer one wins (the scenario over what it extends); one file setting both is an error
    files = (path, *bases)
    raws = [raw] if not bases else [_read_toml(f) for f in files]
    file_at = (
        next(i for i, r in enumerate(raws) if "transfers" in (r.get("data") or {})) if bases else 0
    )
    out = []
    for a in areas_raw:
        code = str(a.get("code")) if isinstance(a, Mapping) else None
        if code in got:
            if a.get("transfer"):
                table_at = next(
                    (
                        i
                        for i, r in enumerate(raws)
                        if any(
                            isinstance(e, Mapping)
                            and str(e.get("code")) == code
                            and e.get("transfer")
                            for e in r.get("areas", []) or []
                        )
                    ),
                    file_at,
                )
                if table_at < file_at:  # a nearer scenario's own table wins over the file
                    got.pop(code)
                    out.append(a)
                    continue
                if table_at == file_at:
                    raise _err(
                        files[file_at],
                        f"[[areas]] {code} ({a.get('name', code)})",
                        f"transfer given here and in {p} ([data.transfers]); expected "
                        "one of them: remove this area's transfer table or its rows in "
                        "the file",
                    )
            a = {**a, "transfer": got[code]}
        out.append(a)
    return out, got


def load_model(path: str | Path, *, missing_ok: Collection[str] = ()) -> ModelConfig:
    """Load and check a model definition (TOML).

    Parameters
    ----------
    path : str or Path
        The model file (e.g. ``models/worcestershire.toml``); data paths in it are relative
        to it. A UTF-8 byte-order mark is accepted. A scenario names the model it changes
        with a top-level ``extends = "worcestershire.toml"`` (a file in the same folder) and
        gives only what differs (:func:`merge_models`); the merged model is then checked as
        one, and errors name the scenario's file.
    missing_ok : collection of str
        Parts (``"send"``, ``"early_years"``) whose files may be missing when the model
        loads: their run then fails and the part is reported as not available (``sufficiency
        report --allow-missing send``), or is not run (``--no-send``); by default a file of
        ``[send]`` or ``[early_years]`` that does not exist is an error here.

    Returns
    -------
    ModelConfig
        The checked definition: authority, planning areas (tiers, transfers), data tables and
        assumptions; other sections as read-only mappings (:meth:`ModelConfig.section`).

    Raises
    ------
    ConfigError
        If the file is missing or not TOML; a section, key or ``[data]`` table is not one the
        engine reads (with the closest valid one suggested); a key is missing, mistyped,
        out of range or inconsistent (unknown area in a transfer, duplicate area codes,
        unknown reader, missing data file); or a value of ``[forecast]``, ``[plan]``,
        ``[send]``, ``[early_years]`` or ``[report]`` is out of range (see
        :mod:`sufficiency._model_checks`). Every message is one line naming the file, the
        section, the key and the value.
    """
    path = Path(path)
    own = _read_toml(path)
    raw, bases = _with_bases(own, path, ())
    _warn_nothing_removed(own, path, bases)
    raw = _without_removed_data(raw, path)
    from ._model_checks import check_keys, check_values

    check_keys(raw, path)
    model = raw.get("model")
    if not isinstance(model, Mapping):
        raise _err(path, "[model]", "missing section")
    name = _get(model, "name", str, path, "[model]")
    authority = _get(model, "authority", str, path, "[model]")
    # a scenario that renames the model ("Shropshire, with a Wem expansion (scenario)") is
    # still of the council its base is named for: without authority_name anywhere, the
    # default is the name of the model the chain of extends starts from, not the scenario's
    # (a Shropshire trial's scenario report named the authority after the scenario)
    root = _read_toml(bases[-1]).get("model", {}) if bases else {}
    own = root.get("name") if isinstance(root, Mapping) else None
    authority_name = _get(
        model, "authority_name", str, path, "[model]", own if isinstance(own, str) else name
    )
    old_la = model.get("old_la_code")
    if old_la is not None and (
        isinstance(old_la, bool) or not isinstance(old_la, int) or not 100 <= old_la <= 999
    ):
        # not "expected int" for "884", nor the SCAP reader's "no schools with LA1 in
        # [8840]" for a fourth digit (a Herefordshire trial)
        raise _err(
            path,
            "[model]",
            f"old_la_code = {old_la!r}: expected the DfE 3-digit LA "
            "number, written as a whole number without quotes (old_la_code = 885; a "
            "planning-area code begins with it)",
        )

    areas_raw = raw.get("areas", [])
    if not isinstance(areas_raw, list) or not areas_raw:
        raise _err(path, "[[areas]]", "at least one planning area is required")
    areas_raw, from_file = _file_transfers(raw, areas_raw, path, bases)
    try:
        areas = tuple(_parse_area(a, path, i) for i, a in enumerate(areas_raw))
        dup = duplicates(a.code for a in areas)
        if dup:
            # which entries, by position and name (a Herefordshire trial's copied entry)
            where = "; ".join(
                f"{c} in "
                + " and ".join(
                    f"entry #{i + 1} ({a.name!r})" for i, a in enumerate(areas) if a.code == c
                )
                for c in dup
            )
            raise _err(
                path,
                "[[areas]]",
                f"duplicate area code(s) {dup}: {where}; expected "
                "each planning area once (correct the code, or delete the copy)",
            )
        areas = _equal_transfers(areas, path)
        codes = {a.code for a in areas}
        for a in areas:
            unknown = sorted(set(a.transfer) - codes)
            if unknown:
                # suggest only areas that can take these pupils (those teaching the next year
                # group: secondary areas for a primary area's Year 6), not any code alike
                g = a.transfer_ncy + 1
                fit = {b.code: b.name for b in areas if g in b.ncys and b is not a}
                raise _err(
                    path,
                    f"[[areas]] {a.code} ({a.name})",
                    f"transfer to unknown area(s) {unknown}"
                    + did_you_mean_code(unknown[0], fit or {b.code: b.name for b in areas})
                    + f"; expected codes of the model's [[areas]] teaching Year {g} "
                    f"({_teaching(areas, g)})",
                )
        _check_transfer_coverage(areas, path)
    except ConfigError as exc:
        if from_file and "transfer" in str(exc):
            # the row of the file behind the share, not only the file (a Herefordshire
            # trial's 3 pupils from 8844004 to a primary area were "transfer.'8844014' =
            # 0.02912621359223301" of an [[areas]] entry that has no transfer table)
            pair = getattr(exc, "transfer", None)
            lines, pupils = (from_file.rows or {}).get(pair, (None, float("nan")))
            row = (
                f": from_area {pair[0]}, to_area {pair[1]} at line(s) {lines}"
                + (f" ({pupils:,.0f} pupils)" if pupils == pupils else "")
                if lines
                else ""
            )
            raise ConfigError(
                f"{exc} (the transfers of {len(from_file)} area(s) come from "
                f"{from_file.source}, [data.transfers]{row})"
            ) from exc
        raise

    data = {}
    for table, entry in (raw.get("data") or {}).items():
        where = f"[data.{table}]"
        if isinstance(entry, str):
            entry = {"path": entry}
        if not isinstance(entry, Mapping):
            raise _err(path, where, "expected a table {path = ..., reader = ...}")
        reader = _get(
            entry, "reader", str, path, where, "transfers" if table == "transfers" else "tidy"
        )
        if table in READERS and reader not in READERS[table]:
            raise _err(
                path, where, f"reader = {reader!r}: expected one of {', '.join(READERS[table])}"
            )
        if reader == "derived":
            data[table] = DataSource(table, None, reader, FrozenDict(dict(entry)))
            continue
        rel = _get(entry, "path", str, path, where)
        p = Path(rel) if Path(rel).is_absolute() else (path.parent / rel).resolve()
        if not p.exists():
            raise _missing_file(path, where, rel, p)
        opts = {k: v for k, v in entry.items() if k not in ("path", "reader")}
        for key, only, ok, expected in (
            ("nowcast", "ons_births", lambda v: isinstance(v, bool), "true or false"),
            ("include_modelled", "ons_births", lambda v: isinstance(v, bool), "true or false"),
            ("year", "scap", is_year, "an academic year (its start), e.g. 2014"),
        ):
            if key not in opts:
                continue
            if reader != only:
                raise _err(
                    path,
                    where,
                    f"{key} = {opts[key]!r}: read only with reader = "
                    f"{only!r}, not {reader!r}; expected it removed or reader = {only!r}",
                )
            if not ok(opts[key]):
                raise _err(path, where, f"{key} = {opts[key]!r}: expected {expected}")
        if table == "intake" and not isinstance(opts.get("source", ""), str):
            raise _err(
                path,
                where,
                f"source = {opts['source']!r}: expected text saying where the figures come "
                'from, e.g. source = "offers at 16 April 2026, x 0.97 take-up"',
            )
        data[table] = DataSource(table, p, reader, FrozenDict(opts))
    for need in ("pupils", "capacity"):
        if need not in data:
            raise _err(path, "[data]", f"missing required input {need!r}")

    a = raw.get("assumptions", {})
    where = "[assumptions]"
    assumptions = Assumptions(
        base_year=_get(a, "base_year", int, path, where, None),
        horizon=_get(a, "horizon", int, path, where, 10),
        window=_get(a, "window", int, path, where, 3),
        margin=_get(a, "margin", float, path, where, 0.02),
        surplus_target=_get(a, "surplus_target", float, path, where, 0.05),
        surplus_ceiling=_get(a, "surplus_ceiling", float, path, where, 0.10),
        seed=_get(a, "seed", int, path, where, 20240101),
    )
    if not 1 <= assumptions.horizon <= 30:
        raise _err(path, where, f"horizon = {assumptions.horizon}: expected 1..30 years")
    if not 1 <= assumptions.window <= 10:
        raise _err(path, where, f"window = {assumptions.window}: expected 1..10 years")
    for k in ("margin", "surplus_target", "surplus_ceiling"):
        v = getattr(assumptions, k)
        if not 0 <= v < 1:
            raise _err(
                path, where, f"{k} = {v}: expected a fraction in [0, 1){percent_hint(v, True)}"
            )
    m, t, c = assumptions.margin, assumptions.surplus_target, assumptions.surplus_ceiling
    # the plan penalises surplus below the margin, below the target and above the ceiling:
    # out of this order the penalties contradict each other
    order = "margin <= surplus_target < surplus_ceiling"
    if not t < c:
        raise _err(
            path,
            where,
            f"surplus_ceiling = {c} (surplus_target = {t}, margin = {m}): expected {order}",
        )
    if not m <= t:
        raise _err(
            path,
            where,
            f"surplus_target = {t} (margin = {m}, surplus_ceiling = {c}): expected {order}",
        )
    config = ModelConfig(
        path=path.resolve(),
        name=name,
        authority=authority,
        authority_name=authority_name,
        old_la_code=old_la,
        areas=areas,
        data=FrozenDict(data),
        assumptions=assumptions,
        raw=FrozenDict(raw),
        description=model.get("description", ""),
        bases=bases,
        given_path=path,
    )
    check_values(config, missing_ok=missing_ok)
    return config
