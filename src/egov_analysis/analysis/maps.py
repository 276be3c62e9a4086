"""Which index-years a map can show, and which units a map of a year leaves blank.

A year is mapped when the data held have (nearly) its whole list: a value (score or rank) for at
least :data:`NEARLY_FULL` of the units the publisher ranked that year (PAPI 2024: 61 of 63), and
for at least half the units on the map (PCI 2005 ranked 42 provinces: its map shows 21 blank,
named). The blank units are named under the map, never hidden.
"""

from __future__ import annotations

import pandas as pd

from ..provinces import provinces, units_2025
from .findings import year_coverage
from .rankings import geography_name

NEARLY_FULL = 0.9  # share of the units ranked that year with a value in the data held
MIN_SHARE_OF_MAP = 0.5  # and of the units drawn, or the map would be mostly blank


def map_units(geography: str) -> dict[str, str]:
    """The units a map of ``geography`` ("63"/"34" or its name) draws: code → name (the 63
    provinces of before July 2025 without Hà Tây, or the 34 units)."""
    if geography_name(geography) == "units_34":
        return {code: unit.name for code, unit in units_2025().items()}
    return {code: p.name for code, p in provinces().items() if not p.merged_into}


def map_years(rows: pd.DataFrame) -> list[int]:
    """The years of ``rows`` (one index, indicator and geography, as
    :func:`~egov_analysis.analysis.rankings.select` gives) held (nearly) in full, in order."""
    if rows.empty:
        return []
    coverage = year_coverage(rows)
    units = len(map_units(str(rows["geography"].iloc[0])))
    with_score = rows[rows["score"].notna()].groupby("year")["province_code"].nunique()
    coverage = coverage.assign(scored=coverage["year"].map(with_score).fillna(0))
    enough = (coverage["n_held"] >= NEARLY_FULL * coverage["n_ranked"]) & (
        coverage["scored"] >= MIN_SHARE_OF_MAP * units
    )
    return [int(y) for y in coverage.loc[enough, "year"]]


def missing_units(rows: pd.DataFrame, year: int) -> list[str]:
    """The units a map of ``year`` draws without a score (names, in registry order)."""
    geography = str(rows["geography"].iloc[0])
    scored = set(rows.loc[rows["year"].eq(year) & rows["score"].notna(), "province_code"].astype(str))
    return [name for code, name in map_units(geography).items() if code not in scored]
