"""Data quality: coverage, gaps and conflicts per index and year."""

from __future__ import annotations

import pandas as pd

from ..meta import index_id


def coverage_overview(coverage: pd.DataFrame) -> pd.DataFrame:
    """Headline coverage per index and year: units with a score and a rank against those ranked."""
    overall = coverage[coverage["indicator"].eq("overall")]
    return overall.pivot_table(
        index=["index", "geography"], columns="year", values="score_share_pct", aggfunc="first"
    )


def gaps(panel: pd.DataFrame, index: str, indicator: str = "overall") -> pd.DataFrame:
    """Per year, how many of the ranked units have no score and no rank (``index``: any case)."""
    index = index_id(index)
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


def sources_by_class(indices: pd.DataFrame) -> pd.DataFrame:
    """How many values of each index come from each class of source (publisher's file,
    publisher's site, government site, press, third-party compilation), with the hosts cited.

    Columns: index, source_class, precedence (1 = strongest), values, sources (distinct URLs),
    hosts (distinct host names, comma-separated). Source classes: meta/source_classes.csv.
    """
    from urllib.parse import urlsplit

    from ..meta import classify_sources

    classes = classify_sources(indices["source_url"])
    frame = pd.concat([indices[["index", "source_url"]], classes], axis=1)
    frame["host"] = frame["source_url"].map(lambda url: urlsplit(str(url)).hostname or "")
    return (
        frame.groupby(["index", "source_class", "source_precedence"], dropna=False)
        .agg(
            values=("source_url", "size"),
            sources=("source_url", "nunique"),
            hosts=("host", lambda h: ", ".join(sorted(set(h)))),
        )
        .reset_index()
        .rename(columns={"source_precedence": "precedence"})
        .sort_values(["index", "precedence"], kind="stable")
        .reset_index(drop=True)
    )
