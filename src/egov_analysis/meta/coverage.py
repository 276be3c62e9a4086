"""How much of a year's list the project holds: one function, one definition, for every table,
finding, chart footer, alt text and index page.

A unit is *held* for a year when the project holds a score or a rank for it (``n_held``); the
publisher may have released more (a full ranking of which the press printed ten) or ranked more
than it released (``n_ranked``, from ``meta/index_editions.csv``: VCCI ranked 63 provinces in 2024
and released the top 30). A year (of one index, geography and indicator) is

- ``complete`` when every unit the publisher ranked has a score held: medians, distributions and
  regional positions are only given for these years;
- ``ranks_only`` when every ranked unit is held (a rank or a score) but not every one has a score
  (the whole list, mostly as ranks): score statistics are not given;
- ``partial`` otherwise: the data held have only part of the list (a top list, press excerpts).

Without a known number of ranked units (``n_ranked`` missing) a year is ``complete`` when it holds a
score for every unit held, except for an edition whose number no source gives (``n_ranked`` is
``unknown`` in ``index_editions.csv``, ICT Index 2006): that list is ``partial``, never whole.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

COMPLETE, RANKS_ONLY, PARTIAL = "complete", "ranks_only", "partial"
STATUSES = (COMPLETE, RANKS_ONLY, PARTIAL)
COLUMNS = ("n_score", "n_rank", "n_held", "n_ranked", "score_share_pct", "status", "complete")


def list_status(n_score: pd.Series, n_held: pd.Series, n_ranked: pd.Series) -> pd.Series:
    """The status (:data:`STATUSES`) of each year from its counts: units with a score, units held
    (a score or a rank), and units the publisher ranked (may be missing). Series on one index;
    returns a string Series on that index."""
    whole = n_ranked.astype("Float64").fillna(n_held.astype("Float64"))
    scores_all = n_score.astype("Float64").ge(whole).fillna(False).astype(bool)
    ranks_all = n_held.astype("Float64").ge(whole).fillna(False).astype(bool)
    status = pd.Series(PARTIAL, index=n_score.index, dtype="string")
    status[ranks_all] = RANKS_ONLY
    status[scores_all] = COMPLETE
    return status


def coverage(rows: pd.DataFrame, by: Sequence[str] = ("year",)) -> pd.DataFrame:
    """The coverage of each group ``by`` of index rows (columns ``province_code``, ``score``,
    ``rank``, ``n_ranked`` and those of ``by``): one row per group with ``by`` and

    - ``n_score`` / ``n_rank``: units with a score / with a rank held;
    - ``n_held``: units with a score or a rank held (each unit once, by code);
    - ``n_ranked``: units the publisher ranked (Int64, missing where unknown);
    - ``score_share_pct``: ``n_score`` as a percentage of ``n_ranked`` (one decimal);
    - ``status`` (:data:`STATUSES`) and ``complete`` (status is ``complete``).

    Units the publisher left out of the ranking (``left_out_of_ranking``, from ``not_ranked`` of
    ``meta/index_editions.csv``) are not counted. Every count on a page about how much of a list is
    held comes from here."""
    by = list(by)
    if "left_out_of_ranking" in rows.columns:
        rows = rows[~rows["left_out_of_ranking"].fillna(False).astype(bool)]
    rows = rows.assign(
        _score=rows["score"].notna(),
        _rank=rows["rank"].notna(),
        _held=rows["score"].notna() | rows["rank"].notna(),
    )

    def _units(mask: str) -> pd.Series:
        return rows[rows[mask]].groupby(by)["province_code"].nunique()

    per = rows.groupby(by).agg(n_ranked=("n_ranked", "max"))
    for name, mask in (("n_score", "_score"), ("n_rank", "_rank"), ("n_held", "_held")):
        per[name] = _units(mask).reindex(per.index).fillna(0).astype("Int64")
    per = per.reset_index()
    per["n_ranked"] = pd.to_numeric(per["n_ranked"]).astype("Int64")
    share = 100 * per["n_score"].astype("Float64") / per["n_ranked"].astype("Float64")
    per["score_share_pct"] = share.round(1)
    per["status"] = list_status(per["n_score"], per["n_held"], per["n_ranked"])
    per.loc[_count_unknown(rows, by, per), "status"] = PARTIAL  # a whole list cannot be claimed
    per["complete"] = per["status"].eq(COMPLETE).astype(bool)
    return per[[*by, *COLUMNS]]


def _count_unknown(rows: pd.DataFrame, by: list[str], per: pd.DataFrame) -> pd.Series:
    """True for each group of ``per`` that holds rows of an edition whose number of units ranked
    no source gives (:func:`egov_analysis.meta.n_ranked_unknown`)."""
    from . import n_ranked_unknown

    keys = ["index", "year", "geography"]
    if rows.empty or not set(keys) <= set(rows.columns):
        return pd.Series(False, index=per.index)
    editions = rows[keys].drop_duplicates()
    editions["_unknown"] = [
        n_ranked_unknown(str(i), int(y), str(g)) for i, y, g in editions.itertuples(index=False)
    ]
    if not editions["_unknown"].any():
        return pd.Series(False, index=per.index)
    flagged = rows[keys + [c for c in by if c not in keys]].merge(editions, on=keys, how="left")
    unknown = flagged.groupby(by)["_unknown"].any()
    return (
        per[by]
        .merge(unknown.reset_index(), on=by, how="left")["_unknown"]
        .fillna(False)
        .astype(bool)
        .set_axis(per.index)
    )
