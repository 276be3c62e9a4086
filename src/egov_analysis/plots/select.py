"""What a chart is asked to show: the highlighted units (any spelling or code), the geography of
the rows, and how much of each year the project holds."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ..meta.coverage import coverage
from ..provinces import (
    UnknownProvinceError,
    display_names,
    provinces,
    resolve,
    resolve_2025,
    successor,
    units_2025,
)

UNITS_34 = "units_34"
UNIT_COLUMNS = ("province", "best_province")  # columns holding a unit's name, shown as display names
__all__ = ["UNIT_COLUMNS", "display_names", "geography_of", "highlight_codes", "year_coverage"]


def geography_of(rows: pd.DataFrame) -> str:
    """The rows' geography (``provinces_63`` or ``units_34``); rows of two geographies raise."""
    if "geography" not in rows or rows.empty:
        return "provinces_63"
    found = sorted(set(rows["geography"].dropna()))
    if len(found) > 1:
        raise ValueError(f"rows mix geographies {', '.join(found)}: select one (geography='63' or '34')")
    return found[0] if found else "provinces_63"


def highlight_codes(
    highlight: Iterable[str] | str, geography: str = "provinces_63", lang: str | None = None
) -> dict[str, str]:
    """Code → name of each highlighted unit (the display name of ``lang``: ``TP. Hồ Chí Minh``;
    the canonical name without ``lang``). A name in any spelling or a code; for the 34
    units of 2025 a pre-2025 province means the unit it became part of. Raises
    :class:`~egov_analysis.provinces.UnknownProvinceError` naming what was asked."""
    if isinstance(highlight, str):
        highlight = [highlight]
    chosen: dict[str, str] = {}
    for asked in highlight:
        text = str(asked).strip()
        if geography == UNITS_34:
            units = units_2025()
            if text in units:
                unit = units[text]
            else:
                try:
                    unit = resolve_2025(text)
                except UnknownProvinceError:
                    unit = successor(resolve(text).gso_code)
            chosen[unit.code_2025] = unit.display_name(lang) if lang else unit.name
        else:
            province = provinces()[text] if text in provinces() else resolve(text)
            chosen[province.gso_code] = province.display_name(lang) if lang else province.name
    return chosen


def year_coverage(rows: pd.DataFrame) -> pd.DataFrame:
    """Per year: the coverage of ``rows`` as every page counts it (``meta.coverage.coverage``):
    ``year`` (int), ``n_held`` (units with a score or a rank held), ``n_score``, ``n_ranked``
    (units the publisher ranked, Int64, missing where unknown), ``status`` and ``complete``."""
    per_year = coverage(rows, by=["year"])
    per_year["year"] = per_year["year"].astype(int)
    return per_year
