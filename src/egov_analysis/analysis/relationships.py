"""Relationships between indices: one index against another for one year."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..meta import index_id
from .rankings import NoDataError


@dataclass(frozen=True)
class Correlation:
    pearson: float
    spearman: float
    n: int


def paired_scores(
    panel: pd.DataFrame, x_index: str, y_index: str, year: int, indicator: str = "overall"
) -> pd.DataFrame:
    """Provinces with a score on both indices (ids in any case) in ``year`` (columns x_score,
    y_score)."""
    x_index, y_index = index_id(x_index), index_id(y_index)

    def one(index: str) -> pd.DataFrame:
        rows = panel[
            panel["index"].eq(index)
            & panel["indicator"].eq(indicator)
            & panel["year"].eq(year)
            & panel["geography"].eq("provinces_63")
            & panel["score"].notna()
        ]
        return rows[["province_code", "province", "score"]]

    pairs = one(x_index).merge(one(y_index), on=["province_code", "province"], suffixes=("_x", "_y"))
    if pairs.empty:
        raise NoDataError(f"no province has both a {x_index} and a {y_index} score in {year}")
    return pairs.rename(columns={"score_x": "x_score", "score_y": "y_score"})


def correlation(pairs: pd.DataFrame) -> Correlation:
    """Pearson and Spearman correlation of the paired scores (NaN below 3 pairs)."""
    if len(pairs) < 3:
        return Correlation(float("nan"), float("nan"), len(pairs))
    x, y = pairs["x_score"].astype(float), pairs["y_score"].astype(float)
    # Spearman's rho is Pearson's r of the ranks (ties share their average rank)
    return Correlation(float(x.corr(y)), float(x.rank().corr(y.rank())), len(pairs))
