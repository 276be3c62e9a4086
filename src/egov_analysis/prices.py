"""The chained CPI price level: plain arithmetic shared by the cleaning (which publishes it in the
``cpi`` table) and the analysis (real amounts), so neither layer reaches into the other."""

from __future__ import annotations

from itertools import pairwise

import pandas as pd


def price_level(cpi: pd.DataFrame) -> pd.Series:
    """A chained price level by year (first year = 100) from annual average changes in percent.

    Each year's level is the previous year's times (1 + change/100); a missing year breaks the
    chain, and the years after it are not given a level.
    """
    changes = cpi.set_index("year")["cpi_avg_change_pct"].sort_index()
    years = changes.index.astype(int)
    levels = {int(years[0]): 100.0}
    for previous, year in pairwise(years):
        if year != previous + 1:
            break
        levels[int(year)] = levels[int(previous)] * (1 + float(changes.loc[year]) / 100)
    return pd.Series(levels, name="price_level").rename_axis("year")
