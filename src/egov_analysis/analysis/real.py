"""Nominal VND in the prices of a chosen base year, with the annual average CPI. Derived values.

An amount is taken to be in the prices of its ``price_year``: the year the amount was stated
(the year of the decision or plan that sets it, or the first year of a multi-year plan).
"""

from __future__ import annotations

import pandas as pd

from ..prices import price_level

__all__ = ["MissingCpiError", "phase_totals", "price_level", "real_amounts", "to_real"]


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


YEARLY_TRANCHES = "yearly_tranches"  # a total whose source gives its yearly tranches: each moved on its own
ONE_YEAR = "one_year"  # a total without a yearly split: moved from the one year it was stated in


def real_amounts(budget: pd.DataFrame, cpi: pd.DataFrame, base_year: int) -> pd.DataFrame:
    """Every budget item with ``amount_real_vnd`` (derived, ``base_year`` VND) and ``real_method``.

    A yearly tranche is moved with its own year's price level. A total whose stage and basis have
    single-year tranches that add up to it exactly (the 646 billion VND of 2012–2014: 100 + 299 +
    247) is the sum of its tranches moved one by one (``yearly_tranches``): an amount spent in 2014
    is in 2014's prices. Any other total is moved from its ``price_year`` (``one_year``): its source
    gives no yearly split, and none is invented."""
    items = budget.copy()
    items["amount_real_vnd"] = to_real(items["amount_vnd"], items["price_year"], base_year, cpi)
    items["real_method"] = pd.Series(pd.NA, index=items.index, dtype="string")
    tranche = items["level"].eq("tranche") & items["year_start"].eq(items["year_end"])
    items.loc[tranche, "real_method"] = YEARLY_TRANCHES
    keys = ["phase_id", "basis"]
    parts = (
        items[tranche]
        .groupby(keys)
        .agg(nominal=("amount_vnd", "sum"), real=("amount_real_vnd", "sum"), n=("item", "count"))
    )
    for i in items.index[items["level"].eq("total")]:
        key = tuple(items.loc[i, keys])
        split = key in parts.index and int(parts.loc[key, "nominal"]) == int(items.loc[i, "amount_vnd"])
        if split:
            items.loc[i, "amount_real_vnd"] = parts.loc[key, "real"]
        items.loc[i, "real_method"] = YEARLY_TRANCHES if split else ONE_YEAR
    items["amount_real_vnd"] = items["amount_real_vnd"].astype("Int64")
    return items


def phase_totals(budget: pd.DataFrame, cpi: pd.DataFrame, base_year: int) -> pd.DataFrame:
    """Per stage and basis: the sum of the stated totals, nominal and in ``base_year`` VND.

    Only items of level ``total`` are summed (tranches break a total down and would count twice).
    No per-year amount is derived: a total covers the period its source gives, and only yearly
    tranches that a source states are amounts per year (``analysis.phases.budget_by_year``).
    A total's real amount is the sum of its yearly tranches each moved with its own year's prices
    where the source gives them, else the total moved from the one year it was stated in
    (:func:`real_amounts`; ``real_method`` says which: ``yearly_tranches``, ``one_year``, or
    ``mixed`` for a stage summing totals of both kinds).
    Columns: ``phase_id``, ``basis``, ``amount_vnd``, ``amount_real_vnd`` (derived), ``items``,
    ``first_year``, ``last_year`` (of the items' stated periods), ``base_year``, ``real_basis``,
    ``real_method``.
    """
    totals = real_amounts(budget, cpi, base_year)
    totals = totals[totals["level"].eq("total")]
    grouped = totals.groupby(["phase_id", "basis"], as_index=False).agg(
        amount_vnd=("amount_vnd", "sum"),
        amount_real_vnd=("amount_real_vnd", "sum"),
        items=("item", "count"),
        first_year=("year_start", "min"),
        last_year=("year_end", "max"),
        real_method=("real_method", lambda m: m.iloc[0] if m.nunique() == 1 else "mixed"),
    )
    grouped["base_year"] = base_year
    grouped["real_basis"] = "derived"
    return grouped.sort_values(["first_year", "phase_id", "basis"], kind="stable").reset_index(drop=True)
