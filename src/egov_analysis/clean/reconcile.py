"""Several sources for one key: choose by a written precedence rule, list every disagreement.

Each field (score, rank, tier) is chosen on its own, so a rank printed by the press can stand
beside a score from the publisher's file.
"""

from __future__ import annotations

import pandas as pd

from ..meta import classify_sources
from .validate import KEY

PRECEDENCE_RULE = (
    "publisher's file > publisher's site > government site > press; a published rank before a "
    "computed one; among equals, the value most sources agree on, then the first source URL "
    "in alphabetical order"
)


def _differs(field: str, chosen: pd.DataFrame, other: pd.DataFrame) -> pd.Series:
    if field != "score":
        return chosen[field].astype("string") != other[field].astype("string")
    # agree when equal at the precision the less precise source printed ("76.82" = 76.81896…)
    decimals = pd.concat([chosen["score_decimals"], other["score_decimals"]], axis=1).min(axis=1)
    tolerance = 0.5 * 10.0 ** (-decimals.astype(float)) + 1e-9
    return (chosen["score"] - other["score"]).abs() > tolerance


def choose(rows: pd.DataFrame, field: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The chosen value of ``field`` per key, and one conflict row per disagreeing source."""
    columns = [*KEY, field, "score_decimals", "source_url", "source_class", "source_precedence"]
    extra = {"score": ["note"], "rank": ["rank_basis"], "tier": []}[field]
    present = rows.loc[rows[field].notna(), columns + extra]
    present["_support"] = present.groupby([*KEY, field], dropna=False)["source_url"].transform("size")
    order = [*KEY, "source_precedence", "_support", "source_url"]
    ascending = [True] * len(KEY) + [True, False, True]
    if field == "rank":
        present["_computed"] = present["rank_basis"].eq("computed")
        order.insert(len(KEY), "_computed")
        ascending.insert(len(KEY), True)
    present = present.sort_values(order, ascending=ascending, kind="stable")
    chosen = present.drop_duplicates(KEY, keep="first")
    others = present.drop(index=chosen.index)
    pairs = others.merge(chosen, on=KEY, suffixes=("_other", ""), validate="many_to_one")
    other_side = pairs[[c + "_other" for c in (field, "score_decimals")]].set_axis(
        [field, "score_decimals"], axis=1
    )
    conflicts = pairs[_differs(field, pairs, other_side).fillna(False).to_numpy()]
    conflicts = pd.DataFrame(
        {
            **{k: conflicts[k] for k in KEY},
            "field": field,
            "chosen_value": conflicts[field].astype("string"),
            "chosen_source_url": conflicts["source_url"],
            "chosen_source_class": conflicts["source_class"],
            "other_value": conflicts[f"{field}_other"].astype("string"),
            "other_source_url": conflicts["source_url_other"],
            "other_source_class": conflicts["source_class_other"],
            "rule": PRECEDENCE_RULE,
        }
    )
    return chosen, conflicts


def reconcile(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per key with the chosen score, rank and tier; and the conflicts between sources."""
    rows = pd.concat([rows, classify_sources(rows["source_url"])], axis=1)
    scores, score_conflicts = choose(rows, "score")
    ranks, rank_conflicts = choose(rows, "rank")
    tiers, tier_conflicts = choose(rows, "tier")
    keys = rows[[*KEY, "province_name"]].drop_duplicates(KEY)
    panel = (
        keys.merge(scores[[*KEY, "score", "score_decimals", "source_url", "note"]], on=KEY, how="left")
        .merge(
            ranks[[*KEY, "rank", "rank_basis", "source_url"]].rename(
                columns={"source_url": "rank_source_url"}
            ),
            on=KEY,
            how="left",
        )
        .merge(tiers[[*KEY, "tier"]], on=KEY, how="left")
    )
    panel["source_url"] = panel["source_url"].fillna(panel["rank_source_url"])
    conflicts = pd.concat([score_conflicts, rank_conflicts, tier_conflicts], ignore_index=True)
    return panel, conflicts
