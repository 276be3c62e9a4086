"""Domain facts as data, the ground floor of the package: the indices (published years), the name
mapping of indicators (label as printed → snake_case indicator, level, parent, allowed range), the
source classes that decide precedence and the programme's name maps. CSV files beside this module,
read once. Every other layer may import this one; it imports none of them."""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd

MERGED_UNITS_SUFFIX = "_34_merged_units"
# What a printed value can be; "refused" marks a value the number rules could not decide.
VALUE_KINDS = (
    "number",
    "amount",
    "share",
    "ratio",
    "range",
    "sum",
    "date",
    "period",
    "document",
    "text",
    "refused",
)


@dataclass(frozen=True)
class IndexInfo:
    index: str
    name: str
    publisher: str
    years: frozenset[int]
    score_unit: str
    note: str


def package_rows(name: str) -> list[dict[str, str]]:
    """The rows of one of the domain tables beside this module, text in NFC."""
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return [
        {k: unicodedata.normalize("NFC", v) for k, v in row.items()}
        for row in csv.DictReader(text.splitlines())
    ]


def _years(spec: str) -> frozenset[int]:
    years: set[int] = set()
    for part in spec.split(";"):
        first, _, last = part.partition("-")
        years.update(range(int(first), int(last or first) + 1))
    return frozenset(years)


@cache
def indices() -> dict[str, IndexInfo]:
    """Every index the project knows, by its short name (the raw sub-directory)."""
    return {
        r["index"]: IndexInfo(
            r["index"], r["name"], r["publisher"], _years(r["years"]), r["score_unit"], r["note"]
        )
        for r in package_rows("indices.csv")
    }


@cache
def indicators() -> pd.DataFrame:
    """The indicator name-mapping table: one row per (index, label as printed)."""
    frame = pd.DataFrame(package_rows("indicators.csv"))
    frame[["min", "max"]] = frame[["min", "max"]].astype(float)
    if frame.duplicated(["index", "label"]).any():
        raise RuntimeError("indicators.csv maps one label twice")
    return frame


@cache
def source_classes() -> pd.DataFrame:
    frame = pd.DataFrame(package_rows("source_classes.csv"))
    frame["precedence"] = frame["precedence"].astype(int)
    return frame.sort_values("precedence", kind="stable").reset_index(drop=True)


def classify_sources(urls: pd.Series) -> pd.DataFrame:
    """Source class and precedence (1 = strongest) of each URL, each distinct URL classified once."""
    classes = source_classes()
    distinct = pd.Series(urls.dropna().unique(), dtype="string")
    chosen = pd.Series(pd.NA, index=distinct.index, dtype="string")
    # specific patterns first, the catch-all "." (any other site) last, whatever its precedence
    catch_all = classes["url_pattern"].eq(".")
    for row in pd.concat([classes[~catch_all], classes[catch_all]])[["url_pattern", "class"]].itertuples(
        index=False
    ):
        hit = chosen.isna() & distinct.str.match(row[0], flags=re.IGNORECASE)
        chosen[hit] = row[1]
    mapping = dict(zip(distinct, chosen, strict=True))
    source_class = urls.map(mapping).astype("string")
    precedence = source_class.map(dict(zip(classes["class"], classes["precedence"], strict=True)))
    return pd.DataFrame({"source_class": source_class, "source_precedence": precedence})


def n_ranked(index: str, year: int, geography: str) -> int | None:
    """How many units the publisher ranked (None where only the data tell: PAPI ranks every
    province it could survey)."""
    if geography == "units_34":
        return 34
    if index == "papi":
        return None
    if index == "pci" and year == 2005:
        return 42
    if index == "pci" and 2006 <= year <= 2008:
        return 64
    return 63
