"""The province registry: 63 provincial units before 1 July 2025 plus Hà Tây, and the 34 units of 2025.

Sources: GSO's administrative codes (`registry.csv`, hand-checked against
`../shared/reference/provinces/vietnamcode_provinces.csv`) and Resolution 202/2025/QH15 for the
2025 units (`units_2025.csv`, checked against `merger_2025.csv`). Old GSO codes (`gso_code`) and
the 2025 unit codes (`code_2025`) are separate fields and never mixed: the new Bắc Ninh is 24,
which was old Bắc Giang's code.
"""

from __future__ import annotations

import csv
import difflib
from collections.abc import Iterable
from dataclasses import dataclass, fields
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from .normalise import code_point_differences, has_lookalikes, key, nfc

if TYPE_CHECKING:
    import pandas as pd


class UnknownProvinceError(ValueError):
    """A name that is not a province. The message quotes the input and suggests close names."""

    def __init__(self, name: str, suggestions: Iterable[str] = ()) -> None:
        self.name = name
        self.suggestions = tuple(suggestions)
        hint = f"; did you mean {', '.join(self.suggestions)}?" if self.suggestions else ""
        if self.suggestions and has_lookalikes(name):
            # a look-alike letter (Ð for Đ) makes a suggestion look identical to the input: say which
            # code points differ; an ordinary typo needs only the suggestions
            differences = code_point_differences(name, self.suggestions[0])
            hint += f" (differs from {self.suggestions[0]} by: {'; '.join(differences)})"
        super().__init__(f"unknown province {name!r}{hint}")


@dataclass(frozen=True)
class Province:
    """A provincial unit as it existed before 1 July 2025 (or Hà Tây, before August 2008)."""

    gso_code: str
    name: str
    name_ascii: str
    name_en: str
    unit_type: str
    region: str
    code_2025: str
    successor_2025: str
    merged_into: str | None
    note: str | None

    def display_name(self, lang: str) -> str:
        """The name a reader of ``lang`` knows (``TP. Hồ Chí Minh`` / ``Ho Chi Minh City``);
        :attr:`name` stays the canonical key of the data."""
        return display_name(self.name, lang)


@dataclass(frozen=True)
class Unit2025:
    """A provincial unit formed on 1 July 2025 (Resolution 202/2025/QH15)."""

    code_2025: str
    name: str
    name_ascii: str
    name_en: str
    unit_type: str
    member_codes: tuple[str, ...]
    source_url: str

    def display_name(self, lang: str) -> str:
        """The name a reader of ``lang`` knows; :attr:`name` stays the canonical key."""
        return display_name(self.name, lang)


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return [{k: nfc(v) for k, v in row.items()} for row in csv.DictReader(text.splitlines())]


@cache
def units_2025() -> dict[str, Unit2025]:
    """The 34 units of 2025 by their 2025 code."""
    provinces_rows = _read_csv("registry.csv")
    units: dict[str, Unit2025] = {}
    for row in _read_csv("units_2025.csv"):
        members = tuple(
            r["gso_code"]
            for r in provinces_rows
            if r["code_2025"] == row["code_2025"] and not r["merged_into"]
        )
        units[row["code_2025"]] = Unit2025(member_codes=members, **row)
    return units


@cache
def provinces() -> dict[str, Province]:
    """All 64 pre-2025 units (63 + Hà Tây) by GSO code, in code order."""
    units = units_2025()
    result = {}
    for row in _read_csv("registry.csv"):
        result[row["gso_code"]] = Province(
            gso_code=row["gso_code"],
            name=row["name"],
            name_ascii=row["name_ascii"],
            name_en=row["name_en"],
            unit_type=row["unit_type"],
            region=row["region"],
            code_2025=row["code_2025"],
            successor_2025=units[row["code_2025"]].name,
            merged_into=row["merged_into"] or None,
            note=row["note"] or None,
        )
    return result


@cache
def _display_names() -> dict[tuple[str, str], str]:
    """(canonical name, lang) → display name, from ``display_names.csv`` (the names whose reader's
    form differs from the canonical key; every other unit is shown by its canonical name)."""
    out: dict[tuple[str, str], str] = {}
    for row in _read_csv("display_names.csv"):
        for column, value in row.items():
            if column.startswith("display_") and value:
                out[(row["name"], column.removeprefix("display_"))] = value
    return out


def display_name(name: object, lang: str) -> str:
    """The name of a unit as a reader of ``lang`` knows it: ``display_name("Hồ Chí Minh", "vi")``
    is ``TP. Hồ Chí Minh`` (``Ho Chi Minh City`` in English). ``name`` is a canonical name of the
    registry (pre-2025 province or 2025 unit); anything else is returned as it is, so that a page
    never loses a name. Data files keep the canonical name."""
    text = nfc(str(name))
    return _display_names().get((text, lang), text)


# the columns of the project's frames that hold a unit's canonical name (the code stays in
# ``province_code``): every table a reader meets shows them as display names
UNIT_NAME_COLUMNS = ("province", "best_province", "unit_2025", "leader", "dropped", "merged_into")


def display_names(frame: pd.DataFrame, lang: str, columns: Iterable[str] = ("province",)) -> pd.DataFrame:
    """A copy of ``frame`` whose unit-name ``columns`` (those present) hold display names."""
    out = frame.copy()
    for column in columns:
        if column in out:
            out[column] = out[column].map(lambda v: v if not isinstance(v, str) else display_name(v, lang))
    return out


def alias_table() -> list[dict[str, str]]:
    """The explicit aliases (spellings that normalisation alone does not reach)."""
    return _read_csv("aliases.csv")


def _canonical_keys(province: Province) -> set[str]:
    return {key(province.name), key(province.name_ascii), key(province.name_en)}


@cache
def _lookup() -> dict[str, str]:
    """Comparison key → GSO code, from canonical names plus the alias table. Collisions raise."""
    table: dict[str, str] = {}

    def add(k: str, code: str, origin: str) -> None:
        if table.get(k, code) != code:
            raise RuntimeError(f"key {k!r} ({origin}) maps to both {table[k]} and {code}")
        table[k] = code

    for code, province in provinces().items():
        for k in _canonical_keys(province):
            add(k, code, province.name)
    for row in alias_table():
        add(key(row["alias"]), row["gso_code"], f"alias {row['alias']}")
    return table


def suggest(name: str, n: int = 3) -> list[str]:
    """Up to ``n`` canonical names close to ``name``. Only ever a suggestion, never a decision."""
    lookup = _lookup()
    close = difflib.get_close_matches(key(name), list(lookup), n=n * 3, cutoff=0.6)
    names: list[str] = []
    for k in close:
        candidate = provinces()[lookup[k]].name
        if candidate not in names:
            names.append(candidate)
    return names[:n]


def resolve(name: str) -> Province:
    """The pre-2025 province that ``name`` means, in any real-world spelling.

    Raises :class:`UnknownProvinceError` for anything else (``"Việt Nam"``, ``"Trung bình"``, ``""``).
    """
    if not isinstance(name, str):
        raise UnknownProvinceError(repr(name))
    code = _lookup().get(key(name))
    if code is None:
        raise UnknownProvinceError(name, suggest(name))
    return provinces()[code]


def resolve_codes(names: pd.Series, errors: str = "raise") -> pd.Series:
    """Vectorised :func:`resolve`: GSO codes for a Series of names, each distinct value resolved once.

    ``errors="raise"`` raises one :class:`UnknownProvinceError` naming every unknown value;
    ``errors="coerce"`` gives ``<NA>`` for them (the caller reports them).
    """
    import pandas as pd

    if errors not in ("raise", "coerce"):
        raise ValueError("errors must be 'raise' or 'coerce'")
    lookup = _lookup()
    distinct = pd.Series(names.dropna().unique())
    mapping = {value: lookup.get(key(value)) if isinstance(value, str) else None for value in distinct}
    unknown = [value for value, code in mapping.items() if code is None]
    if unknown and errors == "raise":
        first = unknown[0]
        err = UnknownProvinceError(str(first), suggest(str(first)))
        if len(unknown) > 1:
            others = ", ".join(repr(v) for v in unknown[1:])
            err.args = (f"{err.args[0]} (also unknown: {others})",)
        raise err
    return names.map(mapping).astype("string").rename("province_code")


@cache
def _lookup_2025() -> dict[str, str]:
    """Comparison key → 2025 code: unit names, plus every spelling of a pre-2025 province whose
    name the 2025 unit kept (Bắc Ninh, Hồ Chí Minh…) or whose territory it kept (Thừa Thiên Huế)."""
    table: dict[str, str] = {}
    by_key = _lookup()
    for code, unit in units_2025().items():
        for k in {key(unit.name), key(unit.name_ascii), key(unit.name_en)}:
            table[k] = code
    for k, old_code in by_key.items():
        province = provinces()[old_code]
        unit = units_2025()[province.code_2025]
        same_name = key(unit.name) == key(province.name)
        same_territory = unit.member_codes == (old_code,)
        if (same_name or same_territory) and province.merged_into is None:
            table.setdefault(k, unit.code_2025)
    return table


def resolve_2025(name: str) -> Unit2025:
    """The 2025 unit that ``name`` means. A merged-away province (Bắc Giang) is refused: use
    :func:`successor` to map old provinces to their 2025 unit."""
    code = _lookup_2025().get(key(name)) if isinstance(name, str) else None
    if code is None:
        close = difflib.get_close_matches(key(str(name)), list(_lookup_2025()), n=3, cutoff=0.6)
        raise UnknownProvinceError(
            str(name), dict.fromkeys(units_2025()[_lookup_2025()[k]].name for k in close)
        )
    return units_2025()[code]


def successor(gso_code: str) -> Unit2025:
    """The 2025 unit that the pre-2025 province ``gso_code`` became part of (Hà Tây via Hà Nội)."""
    try:
        return units_2025()[provinces()[gso_code].code_2025]
    except KeyError:
        raise KeyError(f"no pre-2025 province has GSO code {gso_code!r}") from None


def members(code_2025: str) -> tuple[Province, ...]:
    """The pre-2025 provinces (as of June 2025) that formed the 2025 unit ``code_2025``."""
    try:
        unit = units_2025()[code_2025]
    except KeyError:
        raise KeyError(f"no 2025 unit has code {code_2025!r}") from None
    return tuple(provinces()[c] for c in unit.member_codes)


def table() -> pd.DataFrame:
    """The registry as a DataFrame, one row per pre-2025 province (64, Hà Tây included)."""
    import pandas as pd

    columns = [f.name for f in fields(Province)]
    rows = [[getattr(p, c) for c in columns] for p in provinces().values()]
    return pd.DataFrame(rows, columns=columns).astype("string")


def crosswalk() -> pd.DataFrame:
    """Pre-2025 GSO code → 2025 unit, one row per province that existed in June 2025 (63)."""
    import pandas as pd

    rows = [
        {
            "gso_code": p.gso_code,
            "province": p.name,
            "code_2025": p.code_2025,
            "unit_2025": p.successor_2025,
            "unchanged_2025": len(units_2025()[p.code_2025].member_codes) == 1,
        }
        for p in provinces().values()
        if p.merged_into is None
    ]
    return pd.DataFrame(rows).astype(
        {c: "string" for c in ("gso_code", "province", "code_2025", "unit_2025")}
    )
