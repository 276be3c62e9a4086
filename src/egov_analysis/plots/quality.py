"""Data quality: what share of the units each index ranked has a published headline score."""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
import pandas as pd

from .chart import ChartResult, DrawingContext
from .footer import finish, index_short, no_chart
from .layout import new_figure
from .theme import MISSING, SEQUENTIAL


def coverage_chart(
    ctx: DrawingContext,
    overview: pd.DataFrame,
    *,
    title: str | None = None,
    name: str = "coverage",
) -> ChartResult:
    """Share (%) of ranked units with a published headline score, per index and year
    (``overview`` as :func:`egov_analysis.analysis.quality.coverage_overview` returns it:
    rows (index, geography), columns years)."""
    if overview.empty:
        return no_chart(ctx, kind="coverage", name=name, reason=ctx.word("no_chart_coverage"))
    fig, ax = new_figure(11, 0.45 * len(overview) + 3)
    cmap = mpl.colormaps[SEQUENTIAL].with_extremes(bad=MISSING)
    image = ax.imshow(
        np.ma.masked_invalid(overview.to_numpy(dtype=float)), aspect="auto", cmap=cmap, vmin=0, vmax=100
    )
    years = [int(y) for y in overview.columns]
    step = max(1, round(len(years) / 14))
    ax.set_xticks(range(0, len(years), step), [str(y) for y in years[::step]], fontsize=8)
    labels = [
        ctx.word("index_geography", index=index_short(str(i), ctx.lang), geography=ctx.word(f"geography.{g}"))
        for i, g in overview.index
    ]
    ax.set_yticks(range(len(overview)), labels, fontsize=8)
    ax.grid(False)
    fig.colorbar(image, ax=ax, label=ctx.word("share_with_score"), shrink=0.8)
    data = overview.reset_index().melt(
        id_vars=["index", "geography"], var_name="year", value_name="score_share_pct"
    )
    full = data.dropna(subset=["score_share_pct"])
    alt = ctx.word(
        "alt.coverage",
        n=len(overview),
        first=years[0],
        last=years[-1],
        complete=int(full["score_share_pct"].ge(100).sum()),
        held=len(full),
    )
    return finish(
        ctx,
        fig,
        kind="coverage",
        name=name,
        data=data,
        title=title or ctx.word("title_coverage"),
        sources=[ctx.word("source_coverage")],
        notes=[ctx.word("note_coverage_grey")],
        alt_text=alt,
    )
