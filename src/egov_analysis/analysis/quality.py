"""Data quality: coverage, gaps and conflicts per index and year."""

from __future__ import annotations

import pandas as pd


def coverage_overview(coverage: pd.DataFrame) -> pd.DataFrame:
    """Headline coverage per index and year: units with a score and a rank against those ranked."""
    overall = coverage[coverage["indicator"].eq("overall")]
    return overall.pivot_table(
        index=["index", "geography"], columns="year", values="score_share_pct", aggfunc="first"
    )


def gaps(panel: pd.DataFrame, index: str, indicator: str = "overall") -> pd.DataFrame:
    """Per year, how many of the ranked units have no score and no rank."""
    rows = panel[
        panel["index"].eq(index) & panel["indicator"].eq(indicator) & panel["geography"].eq("provinces_63")
    ]
    per_year = (
        rows.groupby("year")
        .agg(with_value=("province_code", "nunique"), n_ranked=("n_ranked", "max"))
        .reset_index()
    )
    per_year["missing"] = per_year["n_ranked"] - per_year["with_value"]
    return per_year


def conflict_summary(conflicts: pd.DataFrame) -> pd.DataFrame:
    """Number of disagreements per index and field, with the years they concern."""
    return (
        conflicts.groupby(["index", "field"])
        .agg(conflicts=("year", "size"), years=("year", lambda y: ", ".join(str(v) for v in sorted(set(y)))))
        .reset_index()
    )
