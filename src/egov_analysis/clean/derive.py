"""Derived values, always marked as derived: PAPI dimension and overall scores (sums of what the
publisher printed), ranks computed from complete score lists, and how many units were ranked."""

from __future__ import annotations

import pandas as pd

from ..meta import indicators, n_ranked, n_ranked_unknown, not_ranked
from .validate import KEY

PAPI_REDESIGN_YEAR = 2018
PAPI_DIMENSIONS_BEFORE_2018 = 6
PAPI_DIMENSIONS_FROM_2018 = 8
PAPI_BREAK_NOTE = {
    PAPI_DIMENSIONS_BEFORE_2018: "sum of 6 dimensions (2011–2017 design)",
    PAPI_DIMENSIONS_FROM_2018: "sum of 8 dimensions (from 2018: e-governance and environmental "
    "governance added; series break with 2011–2017)",
}


def papi_aggregates(rows: pd.DataFrame) -> pd.DataFrame:
    """PAPI dimension scores (sum of the sub-dimensions the year's file publishes) and the
    overall score (sum of the dimensions, only where every dimension of that year exists), as
    candidate rows marked ``score_basis = computed`` with the class of the file summed: they
    meet the press's printed dimension and overall scores in :func:`reconcile`."""
    levels = indicators().query("index == 'papi' and level == 'subdimension'").drop_duplicates("indicator")
    subs = rows[rows["index"].eq("papi") & rows["score"].notna()].drop(columns=["parent"], errors="ignore")
    subs = subs.merge(levels[["indicator", "parent"]], on="indicator", how="inner")
    # one value per sub-dimension: the strongest source's (a second source never adds twice)
    subs = subs.sort_values([*KEY, "source_precedence"], kind="stable").drop_duplicates(KEY)
    if subs.empty:
        return rows.iloc[0:0]
    # a dimension is summed only where the province has every sub-dimension the year publishes
    per_year = subs.groupby(["year", "parent"])["indicator"].nunique().rename("expected")
    grouped = subs.groupby(["year", "geography", "province_code", "province_name", "parent"])
    first = {"source_url": ("source_url", "first"), "source_class": ("source_class", "first")}
    first["source_precedence"] = ("source_precedence", "max")
    # a sum is as precise as its least precise part: a press "3.7" agreeing with it is it rounded
    first["score_decimals"] = ("score_decimals", "min")
    dims = grouped.agg(score=("score", "sum"), n=("indicator", "nunique"), **first).reset_index()
    dims = dims.join(per_year, on=["year", "parent"])
    dims = dims[dims["n"] == dims["expected"]].rename(columns={"parent": "indicator"})
    dims["note"] = "derived: sum of " + dims["n"].astype(str) + " published sub-dimensions"
    overall = dims.groupby(["year", "geography", "province_code", "province_name"]).agg(
        score=("score", "sum"), n=("indicator", "nunique"), **first
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
    return derived.assign(
        index="papi",
        score_basis="computed",
        score_decimals=derived["score_decimals"].astype("Int64"),
        file="(derived)",
        line=0,
    )


def add_ranks(panel: pd.DataFrame) -> pd.DataFrame:
    """``n_ranked`` for every row, and a computed rank (ties share the best rank) for every unit
    without a published one in groups that have a score for every unit the publisher ranked.

    Ranks are computed from the scores as chosen, at the precision the source printed: VCCI
    ranks unrounded scores, so two provinces tied at 2 decimals share a rank here. Where a printed
    score agrees with the project's unrounded sum of the parts (``score_precise``, a PAPI total
    the press printed at 2 decimals), the sum orders the list: rounding a value some source
    printed must not reorder units the publisher's own parts keep apart."""
    group = ["index", "year", "geography", "indicator"]
    distinct = panel[group[:3]].drop_duplicates()
    distinct["n_ranked"] = [n_ranked(i, int(y), g) for i, y, g in distinct.itertuples(index=False)]
    distinct["_unknown"] = [
        n_ranked_unknown(i, int(y), g) for i, y, g in distinct[group[:3]].itertuples(index=False)
    ]
    panel = panel.merge(distinct.astype({"n_ranked": "Int64"}), on=group[:3], how="left")
    unknown = panel.pop("_unknown").fillna(False).astype(bool)  # never counted from the units held
    left_out = _left_out_of_ranking(panel)
    panel["left_out_of_ranking"] = left_out
    score = panel["score"]
    if "score_precise" in panel.columns:
        score = panel["score_precise"].astype("Float64").fillna(score)
    ranked_score = score.where(~left_out)
    scored = ranked_score.groupby([panel[c] for c in group]).transform("count")
    panel["n_ranked"] = panel["n_ranked"].fillna(
        scored.astype("Int64").where(~unknown)
    )  # PAPI: all it scored
    complete = scored.eq(panel["n_ranked"]).fillna(False).astype(bool) & ~unknown
    computed = (
        ranked_score.where(complete).groupby([panel[c] for c in group]).rank(method="min", ascending=False)
    )
    fill = complete & panel["rank"].isna() & computed.notna()
    panel.loc[fill, "rank"] = computed[fill].astype("Int64")
    panel.loc[fill, "rank_basis"] = "computed"
    panel.loc[fill, "rank_source_url"] = panel.loc[fill, "source_url"]
    return panel


def _left_out_of_ranking(panel: pd.DataFrame) -> pd.Series:
    """True for the rows of units the publisher left out of an edition's ranking
    (``meta/index_editions.csv`` ``not_ranked``): their values are shown, never ranked."""
    from ..provinces import resolve

    out = pd.Series(False, index=panel.index)
    for (index, year, geography), rows in panel.groupby(["index", "year", "geography"]).groups.items():
        names = not_ranked(str(index), int(year), str(geography))
        if names:
            codes = {resolve(name).gso_code for name in names}
            out[rows] = panel.loc[rows, "province_code"].isin(codes)
    return out


def finish(panel: pd.DataFrame) -> pd.DataFrame:
    """The reconciled panel with ``n_ranked`` and computed ranks, in key order."""
    panel = add_ranks(panel.astype({"rank": "Int64"})).drop(columns="score_precise", errors="ignore")
    return panel.sort_values(KEY, kind="stable").reset_index(drop=True)
