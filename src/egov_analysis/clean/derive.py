"""Derived values, always marked as derived: PAPI dimension and overall scores (sums of what the
publisher printed), ranks computed from complete score lists, and how many units were ranked."""

from __future__ import annotations

import pandas as pd

from ..meta import indicators, n_ranked
from .validate import KEY

PAPI_REDESIGN_YEAR = 2018
PAPI_DIMENSIONS_BEFORE_2018 = 6
PAPI_DIMENSIONS_FROM_2018 = 8
PAPI_BREAK_NOTE = {
    PAPI_DIMENSIONS_BEFORE_2018: "sum of 6 dimensions (2011–2017 design)",
    PAPI_DIMENSIONS_FROM_2018: "sum of 8 dimensions (from 2018: e-governance and environmental "
    "governance added; series break with 2011–2017)",
}


def papi_aggregates(panel: pd.DataFrame) -> pd.DataFrame:
    """PAPI dimension scores (sum of the sub-dimensions the year's file publishes) and the
    overall score (sum of the dimensions, only where every dimension of that year exists)."""
    parents = indicators().query("index == 'papi' and level == 'subdimension'").drop_duplicates("indicator")
    subs = panel[panel["index"].eq("papi") & panel["score"].notna()].merge(
        parents[["indicator", "parent"]], on="indicator", how="inner"
    )
    subs = subs[subs["parent"].ne("")]
    if subs.empty:
        return panel.iloc[0:0]
    # a dimension is summed only where the province has every sub-dimension the year publishes
    per_year = subs.groupby(["year", "parent"])["indicator"].nunique().rename("expected")
    grouped = subs.groupby(["year", "geography", "province_code", "province_name", "parent"])
    dims = grouped.agg(
        score=("score", "sum"), n=("indicator", "nunique"), source_url=("source_url", "first")
    ).reset_index()
    dims = dims.join(per_year, on=["year", "parent"])
    dims = dims[dims["n"] == dims["expected"]].rename(columns={"parent": "indicator"})
    dims["note"] = "derived: sum of " + dims["n"].astype(str) + " published sub-dimensions"
    overall = dims.groupby(["year", "geography", "province_code", "province_name"]).agg(
        score=("score", "sum"), n=("indicator", "nunique"), source_url=("source_url", "first")
    )
    overall = overall.reset_index()
    overall["expected"] = (
        overall["year"]
        .lt(PAPI_REDESIGN_YEAR)
        .map({True: PAPI_DIMENSIONS_BEFORE_2018, False: PAPI_DIMENSIONS_FROM_2018})
    )
    overall = overall[overall["n"] == overall["expected"]].assign(indicator="overall")
    overall["note"] = "derived: " + overall["n"].map(PAPI_BREAK_NOTE)
    derived = pd.concat([dims, overall], ignore_index=True).drop(columns=["n", "expected"])
    return derived.assign(index="papi", score_basis="computed", score_decimals=pd.NA)


def add_ranks(panel: pd.DataFrame) -> pd.DataFrame:
    """``n_ranked`` for every row, and ranks computed (ties share the best rank) for groups that
    have no published rank and a score for every unit the publisher ranked."""
    group = ["index", "year", "geography", "indicator"]
    distinct = panel[group[:3]].drop_duplicates()
    distinct["n_ranked"] = [n_ranked(i, int(y), g) for i, y, g in distinct.itertuples(index=False)]
    panel = panel.merge(distinct.astype({"n_ranked": "Int64"}), on=group[:3], how="left")
    scored = panel.groupby(group)["score"].transform("count")
    panel["n_ranked"] = panel["n_ranked"].fillna(scored.astype("Int64"))  # PAPI: all it scored
    has_rank = panel.groupby(group)["rank"].transform("count") > 0
    complete = scored.eq(panel["n_ranked"]) & ~has_rank
    computed = (
        panel["score"].where(complete).groupby([panel[c] for c in group]).rank(method="min", ascending=False)
    )
    fill = complete & panel["rank"].isna() & computed.notna()
    panel.loc[fill, "rank"] = computed[fill].astype("Int64")
    panel.loc[fill, "rank_basis"] = "computed"
    return panel


def finish(panel: pd.DataFrame) -> pd.DataFrame:
    """The published panel plus derived PAPI aggregates and ranks, in the output's column order."""
    panel = panel.assign(score_basis="published")
    panel.loc[panel["score"].isna(), "score_basis"] = pd.NA
    derived = papi_aggregates(panel)
    panel = pd.concat([panel, derived], ignore_index=True) if not derived.empty else panel
    panel = add_ranks(panel.astype({"rank": "Int64"}))
    return panel.sort_values(KEY, kind="stable").reset_index(drop=True)
