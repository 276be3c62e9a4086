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


def phase_totals(
    budget: pd.DataFrame, phases: pd.DataFrame, cpi: pd.DataFrame, base_year: int
) -> pd.DataFrame:
    """Per phase and basis: total and per-year average, nominal and in ``base_year`` VND.

    Only items of level ``total`` are summed (tranches break a total down and would count twice).
    """
    totals = budget[budget["level"].eq("total")].copy()
    totals["amount_real_vnd"] = to_real(totals["amount_vnd"], totals["price_year"], base_year, cpi)
    grouped = totals.groupby(["phase_id", "basis"], as_index=False).agg(
        amount_vnd=("amount_vnd", "sum"), amount_real_vnd=("amount_real_vnd", "sum"), items=("item", "count")
    )
    span = phases.assign(start_year=phases["start_year"].astype(int), end_year=phases["end_year"].astype(int))
    span["n_years"] = span["end_year"] - span["start_year"] + 1
    grouped = grouped.merge(
        span[["phase_id", "name_en", "start_year", "end_year", "n_years"]], on="phase_id", how="left"
    )
    grouped["per_year_vnd"] = (grouped["amount_vnd"] / grouped["n_years"]).round().astype("Int64")
    grouped["per_year_real_vnd"] = (grouped["amount_real_vnd"] / grouped["n_years"]).round().astype("Int64")
    grouped["base_year"] = base_year
    grouped["real_basis"] = "derived"
    return grouped.sort_values(["start_year", "phase_id", "basis"], kind="stable").reset_index(drop=True)
