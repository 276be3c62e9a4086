"""Domain facts as data, the ground floor of the package. Every other layer may import this one;
it imports none of them.

The CSV tables beside this module (or in the folder named by ``EGOV_META_DIR``, which replaces
them all, e.g. to register a toy index in a test):

- ``indices.csv`` (one row per index): names and publishers in English and Vietnamese, years
  published, scale, direction, notes;
- ``index_editions.csv`` (index, year, geography): units the publisher ranked, who published the
  edition (a key of ``publishers.csv``: names and notes per language), units left unranked,
  coverage notes;
- ``series_breaks.csv`` (index, year, indicator): where a series is not comparable, notes;
- ``indicators.csv`` (index, indicator): one stable id per concept — level, parent, valid range,
  display names; ``indicator_labels.csv`` (index, label as printed): which indicator a label is;
- ``geographies.csv`` (``provinces_63``, ``units_34``) and ``value_kinds.csv``;
- ``source_classes.csv`` (URL patterns that decide precedence), ``refused_hosts.csv`` (hosts
  never accepted as a source), ``source_originals.csv`` (a copy's URL → the original);
- ``programme_phases.csv``, ``programme_items.csv``: the programme's name maps.

Every table is read once per folder, text in NFC; a table that contradicts another raises
:class:`MetaError` naming the file and line.
"""

from __future__ import annotations

import csv
import io
import ipaddress
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

META_DIR_VARIABLE = "EGOV_META_DIR"
PACKAGE_META_DIR = Path(__file__).resolve().parent
DEFAULT_GEOGRAPHY = "provinces_63"


class MetaError(ValueError):
    """A domain table that cannot be read or contradicts another one."""


@dataclass(frozen=True)
class IndexInfo:
    index: str
    names: Mapping[str, str]  # language → name
    publishers: Mapping[str, str]
    years: frozenset[int]
    scale_min: float
    scale_max: float
    direction: str  # higher_is_better or lower_is_better
    score_unit: str
    notes: Mapping[str, str]

    @property
    def name(self) -> str:
        return self.names["en"]

    @property
    def publisher(self) -> str:
        return self.publishers["en"]

    @property
    def note(self) -> str:
        return self.notes["en"]

    def name_in(self, lang: str) -> str:
        """The index's name in ``lang`` (English where the table has no such language)."""
        return self.names.get(lang) or self.names["en"]

    def publisher_in(self, lang: str) -> str:
        return self.publishers.get(lang) or self.publishers["en"]


def meta_dir() -> Path:
    """The folder of the domain tables: ``EGOV_META_DIR`` if set, else the package's own."""
    override = os.environ.get(META_DIR_VARIABLE)
    return Path(override).expanduser().resolve() if override else PACKAGE_META_DIR


# every domain table: the columns it must have (others, such as a new language's, may be added)
# and its unique key; read by one checked reader (:func:`_rows`), which refuses a missing column,
# a row with too many or too few fields, an empty key cell and a key given twice, naming the
# file, line and column
TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "indices.csv": (
        (
            "index",
            "name_en",
            "name_vi",
            "publisher_en",
            "publisher_vi",
            "years",
            "scale_min",
            "scale_max",
            "direction",
            "score_unit",
        ),
        ("index",),
    ),
    "index_editions.csv": (
        ("index", "year", "geography", "n_ranked", "publisher"),
        ("index", "year", "geography"),
    ),
    "publishers.csv": (("publisher", "name_en", "name_vi"), ("publisher",)),
    "geographies.csv": (("geography", "n_units", "name_en", "name_vi"), ("geography",)),
    "series_breaks.csv": (
        ("index", "year", "indicator", "note_en", "note_vi"),
        ("index", "year", "indicator"),
    ),
    "indicators.csv": (
        ("index", "indicator", "level", "parent", "min", "max", "name_en", "name_vi"),
        ("index", "indicator"),
    ),
    "indicator_labels.csv": (("index", "label", "indicator"), ("index", "label")),
    "value_kinds.csv": (("kind",), ("kind",)),
    "source_classes.csv": (("class", "precedence", "url_pattern"), ("class",)),
    "refused_hosts.csv": (("host", "reason_en"), ("host",)),
    "source_originals.csv": (("url", "original_url"), ("url",)),
    "score_precision.csv": (("index", "decimals"), ("index",)),
    "programme_phases.csv": (("phase_label", "phase_id"), ("phase_label",)),
    "programme_items.csv": (("metric", "table", "phase_id", "item", "level", "basis"), ("metric",)),
    "programme_claims.csv": (("metric", "index", "indicator"), ("metric", "index")),
}


@cache
def _rows(directory: str, name: str) -> tuple[dict[str, str], ...]:
    path = Path(directory) / name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise MetaError(f"{path}: the domain table is missing") from None
    except UnicodeDecodeError as err:
        raise MetaError(f"{path}: not UTF-8 text (byte {err.start}); save the table as UTF-8") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    required, key = TABLES.get(name, ((), ()))
    missing = [c for c in required if c not in header]
    if missing:
        raise MetaError(f"{path}:1: missing column(s) {', '.join(missing)} [missing_columns]")
    twice = sorted({c for c in header if header.count(c) > 1})
    if twice:
        raise MetaError(f"{path}:1: column(s) {', '.join(twice)} given twice [duplicate_column]")
    rows: list[dict[str, str]] = []
    seen: dict[tuple[str, ...], int] = {}
    start = reader.line_num
    for fields in reader:
        line, start = start + 1, reader.line_num
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            raise MetaError(
                f"{path}:{line}: {len(fields)} fields where the header has {len(header)} [field_count]"
            )
        row = {k: unicodedata.normalize("NFC", v or "") for k, v in zip(header, fields, strict=True)}
        for column in key:
            if not row[column].strip():
                raise MetaError(f"{path}:{line}: column {column}: empty key cell [missing_value]")
        if key:
            value = tuple(row[c] for c in key)
            if value in seen:
                raise MetaError(
                    f"{path}:{line}: {', '.join(key)} {', '.join(value)!r} given twice (first at line "
                    f"{seen[value]}) [duplicate_key]"
                )
            seen[value] = line
        rows.append(row)
    return tuple(rows)


def package_rows(name: str) -> list[dict[str, str]]:
    """The rows of one domain table (see the module docstring), text in NFC."""
    return [dict(r) for r in _rows(str(meta_dir()), name)]


def _frame(name: str) -> pd.DataFrame:
    rows = package_rows(name)
    if not rows:
        header = next(csv.reader([(meta_dir() / name).read_text(encoding="utf-8-sig").split("\n")[0]]))
        return pd.DataFrame({c: pd.Series(dtype="object") for c in header})
    return pd.DataFrame(rows)


def _years(spec: str, where: str) -> frozenset[int]:
    years: set[int] = set()
    for part in spec.split(";"):
        first, _, last = part.strip().partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            raise MetaError(f"{where}: years {spec!r} must be like 2005-2016;2018")
        years.update(range(int(first), int(last or first) + 1))
    return frozenset(years)


def _by_language(row: Mapping[str, str], stem: str) -> dict[str, str]:
    return {k.removeprefix(f"{stem}_"): v for k, v in row.items() if k.startswith(f"{stem}_")}


@cache
def _indices(directory: str) -> dict[str, IndexInfo]:
    out = {}
    for line, r in enumerate(_rows(directory, "indices.csv"), start=2):
        where = f"{directory}/indices.csv:{line}"
        try:
            scale = float(r["scale_min"]), float(r["scale_max"])
        except (KeyError, ValueError):
            raise MetaError(f"{where}: scale_min and scale_max must be numbers") from None
        if r.get("direction") not in ("higher_is_better", "lower_is_better"):
            raise MetaError(f"{where}: direction must be higher_is_better or lower_is_better")
        out[r["index"]] = IndexInfo(
            r["index"],
            _by_language(r, "name"),
            _by_language(r, "publisher"),
            _years(r["years"], where),
            scale[0],
            scale[1],
            r["direction"],
            r["score_unit"],
            _by_language(r, "note"),
        )
    return out


def indices() -> dict[str, IndexInfo]:
    """Every index the project knows, by its short name (the raw sub-directory)."""
    return _indices(str(meta_dir()))


def index_id(name: str) -> str:
    """The registry id of an index given in any case (``"PCI"``, ``" Dti "`` -> ``"pci"``, ``"dti"``).

    Raises ``KeyError`` naming the known ids (and a close one) for a name that is no index."""
    wanted = str(name).strip().lower()
    known = indices()
    if wanted in known:
        return wanted
    import difflib

    close = difflib.get_close_matches(wanted, list(known), n=1, cutoff=0.5)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise KeyError(f"unknown index {name!r}; known: {', '.join(known)}{hint}")


@cache
def _geographies(directory: str) -> pd.DataFrame:
    frame = pd.DataFrame(list(_rows(directory, "geographies.csv")))
    return frame.astype({"n_units": int})


def geographies() -> pd.DataFrame:
    """The geographies a value can be for (``provinces_63``, ``units_34``) with their names."""
    return _geographies(str(meta_dir())).copy()


@dataclass(frozen=True)
class Publisher:
    """Who published an edition (``meta/publishers.csv``): names and notes per language."""

    publisher: str  # the key index_editions.csv uses
    names: Mapping[str, str]
    notes: Mapping[str, str]
    url: str = ""  # the publisher's site; empty for one no source names

    @property
    def named(self) -> bool:
        """False for the edition whose publisher no source held names (``not_sourced``): its
        "name" says so, and it is never linked to anyone's site."""
        return self.publisher != NOT_SOURCED

    @property
    def name(self) -> str:
        return self.names["en"]

    def name_in(self, lang: str) -> str:
        """The publisher's display name in ``lang`` (English where the table has none)."""
        return self.names.get(lang) or self.names["en"]

    def note_in(self, lang: str) -> str:
        return self.notes.get(lang) or self.notes.get("en", "")


# the publisher of an edition no source held names (meta/publishers.csv)
NOT_SOURCED = "not_sourced"
# n_ranked of an edition whose number of units ranked no source gives (never a guessed count)
N_RANKED_UNKNOWN = "unknown"


@cache
def _publishers(directory: str) -> dict[str, Publisher]:
    out: dict[str, Publisher] = {}
    for line, r in enumerate(_rows(directory, "publishers.csv"), start=2):
        key = r.get("publisher", "")
        if not key or not r.get("name_en") or not r.get("name_vi"):
            raise MetaError(f"{directory}/publishers.csv:{line}: publisher, name_en and name_vi are required")
        if key in out:
            raise MetaError(f"{directory}/publishers.csv:{line}: publisher {key!r} appears twice")
        out[key] = Publisher(
            key, _by_language(r, "name"), _by_language(r, "note"), (r.get("url") or "").strip()
        )
    return out


def publishers() -> dict[str, Publisher]:
    """Every publisher an edition names (``meta/publishers.csv``), by its key."""
    return _publishers(str(meta_dir()))


@cache
def _editions(directory: str) -> pd.DataFrame:
    rows = _rows(directory, "index_editions.csv")
    known = _indices(directory)
    geos = set(_geographies(directory)["geography"])
    publishing = _publishers(directory)
    for line, r in enumerate(rows, start=2):
        where = f"{directory}/index_editions.csv:{line}"
        if r["index"] not in known:
            raise MetaError(f"{where}: index {r['index']!r} is not in indices.csv")
        if not r["year"].isdigit() or int(r["year"]) not in known[r["index"]].years:
            raise MetaError(f"{where}: {r['index']} was not published in {r['year']!r} (indices.csv)")
        if r["geography"] not in geos:
            raise MetaError(f"{where}: geography {r['geography']!r} is not in geographies.csv")
        if not r["n_ranked"].isdigit() and r["n_ranked"] != N_RANKED_UNKNOWN:
            raise MetaError(
                f"{where}: n_ranked {r['n_ranked']!r} is neither a whole number nor {N_RANKED_UNKNOWN!r}"
                " (where no source gives how many units the publisher ranked)"
            )
        if r.get("publisher") not in publishing:
            raise MetaError(f"{where}: publisher {r.get('publisher')!r} is not in publishers.csv")
    frame = pd.DataFrame(list(rows))
    frame["year"] = frame["year"].astype(int)
    frame["n_ranked_unknown"] = frame["n_ranked"].eq(N_RANKED_UNKNOWN)
    frame["n_ranked"] = pd.to_numeric(frame["n_ranked"].where(~frame["n_ranked_unknown"], None)).astype(
        "Int64"
    )
    if frame.duplicated(["index", "year", "geography"]).any():
        raise MetaError(f"{directory}/index_editions.csv: an index, year and geography appears twice")
    have = set(zip(frame["index"], frame["year"], strict=True))
    for info in known.values():
        missing = sorted(y for y in info.years if (info.index, y) not in have)
        if missing:
            raise MetaError(
                f"{directory}/index_editions.csv: no edition row for {info.index} "
                f"{', '.join(map(str, missing))} (years published in indices.csv)"
            )
    return frame


def editions() -> pd.DataFrame:
    """One row per index, year and geography published: ``n_ranked`` (units the publisher ranked;
    missing where ``n_ranked_unknown``: no source gives the number),
    ``publisher`` (a key of :func:`publishers`: who published that edition), ``not_ranked`` (units
    the publisher left out of the ranking although the data read hold values for them, names
    separated by ``;``), ``coverage_note_en`` / ``coverage_note_vi`` (what the publisher ranked or
    released: a page's "released" column) and ``file_note_en`` / ``file_note_vi`` (what the file
    the project read lacks or holds: never shown as what the publisher released)."""
    return _editions(str(meta_dir())).copy()


def _edition(index: str, year: int, geography: str) -> pd.Series | None:
    frame = _editions(str(meta_dir()))
    hit = frame[frame["index"].eq(index) & frame["year"].eq(int(year)) & frame["geography"].eq(geography)]
    return None if hit.empty else hit.iloc[0]


def edition_publisher(index: str, year: int, geography: str = DEFAULT_GEOGRAPHY) -> Publisher:
    """Who published that edition (DTI 2024: the Ministry of Science and Technology, into which
    the Ministry of Information and Communications was merged on 1 March 2025). Raises
    :class:`MetaError` for an edition ``index_editions.csv`` does not have."""
    row = _edition(index, year, geography)
    if row is None:
        raise MetaError(f"no edition {index} {year} ({geography}) in index_editions.csv")
    return publishers()[str(row["publisher"])]


def not_ranked(index: str, year: int, geography: str = DEFAULT_GEOGRAPHY) -> tuple[str, ...]:
    """The units (names as written in ``index_editions.csv``) that the publisher left out of that
    edition's ranking although the data read hold values for them (PAPI 2022: Bắc Giang, Bắc Ninh)."""
    row = _edition(index, year, geography)
    if row is None or not str(row.get("not_ranked") or "").strip():
        return ()
    return tuple(name.strip() for name in str(row["not_ranked"]).split(";") if name.strip())


def edition_publisher_years(
    index: str, years: Iterable[int] | None = None
) -> list[tuple[Publisher | None, list[int]]]:
    """Each publisher of the index's editions in ``years`` (default: every edition) with its
    years, in order of first year; None for years without a row in ``index_editions.csv`` (the
    index's publisher of ``indices.csv``)."""
    chosen = sorted({int(y) for y in years} if years is not None else indices()[index].years)
    out: dict[str | None, tuple[Publisher | None, list[int]]] = {}
    for year in chosen:
        try:
            found: Publisher | None = edition_publisher(index, year)
        except MetaError:
            found = None
        key = found.publisher if found is not None else None
        out.setdefault(key, (found, []))[1].append(year)
    return list(out.values())


def edition_publishers(index: str, lang: str, years: Iterable[int] | None = None) -> dict[str, list[int]]:
    """Publisher's name in ``lang`` → the years of ``years`` (default: every edition of the index)
    it published, in order of first year. A year without a row in ``index_editions.csv`` reads as
    the index's publisher (``indices.csv``)."""
    chosen = sorted({int(y) for y in years} if years is not None else indices()[index].years)
    out: dict[str, list[int]] = {}
    for year in chosen:
        try:
            name = edition_publisher(index, year).name_in(lang)
        except MetaError:
            name = indices()[index].publisher_in(lang)
        out.setdefault(name, []).append(year)
    return out


def n_ranked_unknown(index: str, year: int, geography: str) -> bool:
    """Whether no source gives how many units the publisher ranked in that edition
    (``n_ranked`` is ``unknown`` in ``index_editions.csv``: ICT Index 2006–2008): its ranks are
    written without "of n" and the number is never taken from the units held."""
    frame = _editions(str(meta_dir()))
    hit = frame.loc[
        frame["index"].eq(index) & frame["year"].eq(int(year)) & frame["geography"].eq(geography),
        "n_ranked_unknown",
    ]
    return bool(hit.any())


def n_ranked(index: str, year: int, geography: str) -> int | None:
    """How many units the publisher ranked in that edition (None where the table does not say, or
    says ``unknown``: :func:`n_ranked_unknown`)."""
    frame = _editions(str(meta_dir()))
    hit = frame.loc[
        frame["index"].eq(index) & frame["year"].eq(int(year)) & frame["geography"].eq(geography), "n_ranked"
    ]
    return None if hit.empty or pd.isna(hit.iloc[0]) else int(hit.iloc[0])


def series_breaks() -> pd.DataFrame:
    """Where a series is not comparable across years: index, year (the first year after the
    break), indicator, ``note_en``, ``note_vi``."""
    frame = _frame("series_breaks.csv")
    return frame.astype({"year": int})


@cache
def _indicator_definitions(directory: str) -> pd.DataFrame:
    frame = pd.DataFrame(list(_rows(directory, "indicators.csv")))
    frame[["min", "max"]] = frame[["min", "max"]].astype(float)
    twice = frame[frame.duplicated(["index", "indicator"])]
    if not twice.empty:
        row = twice.iloc[0]
        raise MetaError(
            f"{directory}/indicators.csv:{twice.index[0] + 2}: {row['index']} {row['indicator']!r} "
            "is defined twice (one row per indicator; printed labels go to indicator_labels.csv)"
        )
    return frame


def indicator_definitions() -> pd.DataFrame:
    """One row per index and indicator id: level, parent, min, max, name_en, name_vi."""
    return _indicator_definitions(str(meta_dir())).copy()


@cache
def _indicators(directory: str) -> pd.DataFrame:
    labels = pd.DataFrame(list(_rows(directory, "indicator_labels.csv")))
    if labels.duplicated(["index", "label"]).any():
        raise MetaError(f"{directory}/indicator_labels.csv maps one label twice")
    definitions = _indicator_definitions(directory)
    frame = labels.merge(definitions, on=["index", "indicator"], how="left", indicator="_found")
    lost = frame[frame["_found"].eq("left_only")]
    if not lost.empty:
        row = lost.iloc[0]
        raise MetaError(
            f"{directory}/indicator_labels.csv:{lost.index[0] + 2}: label {row['label']!r} maps to "
            f"{row['index']} {row['indicator']!r}, which indicators.csv does not define"
        )
    return frame.drop(columns="_found")


def indicators() -> pd.DataFrame:
    """The name-mapping table: one row per (index, label as printed) with the indicator it is and
    that indicator's level, parent, valid range (min, max) and display names."""
    return _indicators(str(meta_dir())).copy()


def value_kinds() -> tuple[str, ...]:
    """What a printed programme value can be; ``refused`` marks a value the rules could not decide."""
    return tuple(r["kind"] for r in package_rows("value_kinds.csv"))


def vocabulary(name: str) -> tuple[str, ...]:
    """The allowed values of a registry field that come from these tables."""
    sources = {
        "index": lambda: tuple(indices()),
        "geography": lambda: tuple(geographies()["geography"]),
        "value_kind": value_kinds,
        "source_class": lambda: tuple(source_classes()["class"]),
    }
    return sources[name]()


def bounds(name: str) -> tuple[float, float]:
    """The smallest and largest allowed value of a registry field bounded by these tables:
    ``edition_year`` (the indices' years) or ``score`` (the indices' scales)."""
    if name == "edition_year":
        years = [y for info in indices().values() for y in info.years]
        return float(min(years)), float(max(years))
    if name == "score":
        infos = indices().values()
        return min(i.scale_min for i in infos), max(i.scale_max for i in infos)
    raise KeyError(f"no bounds named {name!r}")


def __getattr__(name: str) -> object:
    if name == "VALUE_KINDS":  # kept for older callers: the kinds of the current tables
        return value_kinds()
    raise AttributeError(name)


def source_classes() -> pd.DataFrame:
    frame = _frame("source_classes.csv")
    frame["precedence"] = frame["precedence"].astype(int)
    return frame.sort_values("precedence", kind="stable").reset_index(drop=True)


def classify_sources(urls: pd.Series) -> pd.DataFrame:
    """Source class and precedence (1 = strongest) of each URL, each distinct URL classified once."""
    classes = source_classes()
    distinct = pd.Series(urls.dropna().unique(), dtype="string")
    chosen = pd.Series(pd.NA, index=distinct.index, dtype="string")
    # specific patterns first, the catch-all "." (any other site) last, whatever its precedence
    catch_all = classes["url_pattern"].eq(".")
    ordered = pd.concat([classes[~catch_all], classes[catch_all]])
    for row in ordered[["url_pattern", "class"]].itertuples(index=False):
        hit = chosen.isna() & distinct.str.match(row[0], flags=re.IGNORECASE)
        chosen[hit] = row[1]
    mapping = dict(zip(distinct, chosen, strict=True))
    source_class = urls.map(mapping).astype("string")
    precedence = source_class.map(dict(zip(classes["class"], classes["precedence"], strict=True)))
    return pd.DataFrame({"source_class": source_class, "source_precedence": precedence})


def refused_hosts() -> dict[str, str]:
    """Host → why no value may cite it (a host and all its sub-domains are refused)."""
    return {r["host"].lower(): r["reason_en"] for r in package_rows("refused_hosts.csv")}


def refused_host_reasons(lang: str) -> dict[str, str]:
    """Host → why no value may cite it, in ``lang`` (``en`` or ``vi``: meta/refused_hosts.csv's
    ``reason_<lang>``; English where a row has no text in ``lang``)."""
    return {
        r["host"].lower(): r.get(f"reason_{lang}") or r["reason_en"]
        for r in package_rows("refused_hosts.csv")
    }


def source_originals() -> dict[str, str]:
    """The URL of a copy → the original that the importers cite instead."""
    return {r["url"]: r["original_url"] for r in package_rows("source_originals.csv")}


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a source (not http(s), no real host, a bare IP address, a refused
    host), or None when it can."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return "not a URL"
    if parts.scheme not in ("http", "https"):
        return "not an http(s) URL"
    if not host:
        return "the URL has no host"
    # a host the table names says why in its own words (an address too: what the copy reprints)
    for refused, reason in refused_hosts().items():
        if host == refused or host.endswith("." + refused):
            return f"refused host {refused} ({reason}); listed in meta/refused_hosts.csv"
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return f"a bare IP address ({host}) is not a citable source: cite the publisher's site"
    if "." not in host or not re.fullmatch(r"[\w.-]+", host) or host.endswith("."):
        return f"{host!r} is not a real host name"
    return None


def url_problems(urls: pd.Series) -> pd.Series:
    """:func:`url_problem` of every URL (each distinct URL checked once); NA where it is fine."""
    checked = {u: url_problem(u) for u in urls.dropna().unique()}
    return urls.map(checked).astype("string")
