"""How much of its list an index published in a year: one rule for every table, finding and page.

A year (of one index, geography and indicator) is

- ``complete`` when every unit the publisher ranked has a score held: medians, distributions and
  regional positions are only given for these years;
- ``ranks_only`` when every ranked unit is published (a rank or a score held) but not every one
  has a score (the whole list, mostly as ranks): score statistics are not given;
- ``partial`` otherwise: only part of the list is held (a top list, press excerpts).

"Published" counts the units with a score or a rank. Without a known number of ranked units
(``n_ranked`` missing) a year is ``complete`` when it holds a score for every published unit.
"""

from __future__ import annotations

import pandas as pd

COMPLETE, RANKS_ONLY, PARTIAL = "complete", "ranks_only", "partial"
STATUSES = (COMPLETE, RANKS_ONLY, PARTIAL)


def list_status(n_score: pd.Series, n_published: pd.Series, n_ranked: pd.Series) -> pd.Series:
    """The status (:data:`STATUSES`) of each year from its counts: units with a score, units
    published (a score or a rank), and units the publisher ranked (may be missing). Series on one
    index; returns a string Series on that index."""
    whole = n_ranked.astype("Float64").fillna(n_published.astype("Float64"))
    scores_all = n_score.astype("Float64").ge(whole).fillna(False).astype(bool)
    ranks_all = n_published.astype("Float64").ge(whole).fillna(False).astype(bool)
    status = pd.Series(PARTIAL, index=n_score.index, dtype="string")
    status[ranks_all] = RANKS_ONLY
    status[scores_all] = COMPLETE
    return status
