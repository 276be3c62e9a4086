"""Nominal VND in the prices of a chosen base year, with the annual average CPI. Derived values.

An amount is taken to be in the prices of its ``price_year``: the year the amount was stated
(the year of the decision or plan that sets it, or the first year of a multi-year plan).
"""

from __future__ import annotations

import pandas as pd

from ..prices import price_level

__all__ = ["MissingCpiError", "price_level", "to_real"]


class MissingCpiError(ValueError):
    """A year the CPI series does not cover (a gap stays a gap: nothing is filled)."""


def to_real(amount_vnd: pd.Series, price_year: pd.Series, base_year: int, cpi: pd.DataFrame) -> pd.Series:
    """``amount_vnd`` (stated in ``price_year`` prices) in VND of ``base_year``, rounded to whole VND."""
    levels = price_level(cpi)
    needed = set(price_year.dropna().astype(int)) | {base_year}
    missing = sorted(needed - set(levels.index))
    if missing:
        raise MissingCpiError(
            f"no CPI price level for {', '.join(map(str, missing))} "
            f"(CPI covers {levels.index.min()}–{levels.index.max()})"
        )
    factor = levels.loc[base_year] / price_year.astype("Int64").map(levels)
    return (amount_vnd.astype("Float64") * factor).round().astype("Int64")


def phase_totals(budget: pd.DataFrame, cpi: pd.DataFrame, base_year: int) -> pd.DataFrame:
    """Per stage and basis: the sum of the stated totals, nominal and in ``base_year`` VND.

    Only items of level ``total`` are summed (tranches break a total down and would count twice).
    No per-year amount is derived: a total covers the period its source gives, and only yearly
    tranches that a source states are amounts per year (``analysis.phases.budget_by_year``).
    Columns: ``phase_id``, ``basis``, ``amount_vnd``, ``amount_real_vnd`` (derived), ``items``,
    ``first_year``, ``last_year`` (of the items' stated periods), ``base_year``, ``real_basis``.
    """
    totals = budget[budget["level"].eq("total")].copy()
    totals["amount_real_vnd"] = to_real(totals["amount_vnd"], totals["price_year"], base_year, cpi)
    grouped = totals.groupby(["phase_id", "basis"], as_index=False).agg(
        amount_vnd=("amount_vnd", "sum"),
        amount_real_vnd=("amount_real_vnd", "sum"),
        items=("item", "count"),
        first_year=("year_start", "min"),
        last_year=("year_end", "max"),
    )
    grouped["base_year"] = base_year
    grouped["real_basis"] = "derived"
    return grouped.sort_values(["first_year", "phase_id", "basis"], kind="stable").reset_index(drop=True)
