"""Relationships between indices: one index against another for one year."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..meta import index_id
from .rankings import NoDataError

CONFIDENCE = 0.95  # the level of every interval and the test's threshold (alpha = 1 - CONFIDENCE)
SMALL_N = 10  # below this many pairs Spearman's p-value comes from a permutation test


@dataclass(frozen=True)
class Correlation:
    """Pearson's r with its confidence interval (Fisher's z) and two-sided p-value, Spearman's rho
    with its p-value, and the number of pairs. NaN where fewer than 3 pairs (4 for the interval)."""

    pearson: float
    spearman: float
    n: int
    pearson_low: float = float("nan")
    pearson_high: float = float("nan")
    pearson_p: float = float("nan")
    spearman_p: float = float("nan")

    @property
    def distinguishable(self) -> bool:
        """Whether Pearson's r is distinguishable from zero at the :data:`CONFIDENCE` level (its
        interval excludes 0 and p < 1 - CONFIDENCE); False where it cannot be tested."""
        import math

        if math.isnan(self.pearson_p):
            return False
        return self.pearson_p < 1 - CONFIDENCE and not (self.pearson_low <= 0 <= self.pearson_high)


def paired_scores(
    panel: pd.DataFrame, x_index: str, y_index: str, year: int, indicator: str = "overall"
) -> pd.DataFrame:
    """Provinces with a score on both indices (ids in any case) in ``year`` (columns x_score,
    y_score, each score's status x_score_basis, y_score_basis: a PAPI total is a sum the
    project computed, and its source x_source_url, y_source_url)."""
    x_index, y_index = index_id(x_index), index_id(y_index)

    def one(index: str) -> pd.DataFrame:
        rows = panel[
            panel["index"].eq(index)
            & panel["indicator"].eq(indicator)
            & panel["year"].eq(year)
            & panel["geography"].eq("provinces_63")
            & panel["score"].notna()
        ]
        if "score_basis" not in rows:
            rows = rows.assign(score_basis=pd.NA)
        if "source_url" not in rows:
            rows = rows.assign(source_url=pd.NA)
        return rows[["province_code", "province", "score", "score_basis", "source_url"]]

    pairs = one(x_index).merge(one(y_index), on=["province_code", "province"], suffixes=("_x", "_y"))
    if pairs.empty:
        raise NoDataError(f"no province has both a {x_index} and a {y_index} score in {year}")
    return pairs.rename(
        columns={
            "score_x": "x_score",
            "score_y": "y_score",
            "score_basis_x": "x_score_basis",
            "score_basis_y": "y_score_basis",
            "source_url_x": "x_source_url",
            "source_url_y": "y_source_url",
        }
    )


def correlation(pairs: pd.DataFrame) -> Correlation:
    """Pearson and Spearman correlation of the paired scores with their uncertainty (scipy.stats:
    Pearson's r with a 95% interval by Fisher's z transform and a two-sided t-test p-value;
    Spearman's rho with its t-approximation p-value, or an exact permutation test below
    :data:`SMALL_N` pairs). NaN below 3 pairs; a constant column gives
    NaN too (no correlation is defined)."""
    import math

    from scipy import stats

    n = len(pairs)
    if n < 3:
        return Correlation(float("nan"), float("nan"), n)
    x, y = pairs["x_score"].astype(float).to_numpy(), pairs["y_score"].astype(float).to_numpy()
    if x.std() == 0 or y.std() == 0:
        return Correlation(float("nan"), float("nan"), n)
    pearson = stats.pearsonr(x, y)
    spearman = stats.spearmanr(x, y)
    spearman_p = float(spearman.pvalue)
    if n < SMALL_N:  # the t approximation is wrong for a few pairs: an exact permutation test
        spearman_p = float(
            stats.permutation_test(
                (x, y),
                lambda a, b: stats.spearmanr(a, b).statistic,
                permutation_type="pairings",
                n_resamples=9_999,
                rng=np.random.default_rng(0),  # exact up to 7 pairs; a fixed draw beyond
            ).pvalue
        )
    low = high = float("nan")
    if n > 3:  # Fisher's z needs n - 3 > 0
        interval = pearson.confidence_interval(confidence_level=CONFIDENCE)
        low, high = float(interval.low), float(interval.high)
    rho = float(spearman.statistic)
    return Correlation(
        float(pearson.statistic),
        rho,
        n,
        low,
        high,
        float(pearson.pvalue),
        spearman_p if not math.isnan(rho) else float("nan"),
    )
