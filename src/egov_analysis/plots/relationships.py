"""One index against another for one year: a scatter with its least-squares line."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import formatting
from ..analysis.relationships import Correlation
from .chart import ChartResult, DrawingContext
from .footer import chart_sources_and_notes, finish, index_short, index_sources, no_chart
from .layout import new_figure
from .ranks import place_labels
from .select import UNIT_COLUMNS, display_names, highlight_codes
from .theme import CONTEXT, HIGHLIGHTS, OKABE_ITO, number


def scatter_relationship(
    ctx: DrawingContext,
    pairs: pd.DataFrame,
    x_index: str,
    y_index: str,
    year: int,
    stats: Correlation,
    highlight: Sequence[str] | str = (),
    *,
    title: str | None = None,
    name: str = "scatter",
) -> ChartResult:
    """Provinces' ``y_index`` score against their ``x_index`` score in ``year`` (``pairs`` as
    :func:`egov_analysis.analysis.relationships.paired_scores` returns it; ``stats`` its
    :func:`~egov_analysis.analysis.relationships.correlation`), highlighted provinces named,
    the correlation under the title. Fewer than three pairs give a :class:`NoChart`."""
    pairs = display_names(pairs, ctx.lang, UNIT_COLUMNS)  # names as readers know them
    chosen = highlight_codes(highlight, lang=ctx.lang)
    x_name, y_name = index_short(x_index, ctx.lang), index_short(y_index, ctx.lang)
    if len(pairs) < 3:
        reason = ctx.word("no_chart_pairs", x=x_name, y=y_name, year=year, n=len(pairs))
        return no_chart(ctx, kind="scatter", name=name, reason=reason, data=pairs)
    fig, ax = new_figure(8, 6.5)
    x = pairs["x_score"].astype(float).to_numpy()
    y = pairs["y_score"].astype(float).to_numpy()
    slope, intercept = np.polyfit(x, y, 1)  # least squares, as seaborn's regplot draws it
    line_x = np.array([x.min(), x.max()])
    ax.plot(line_x, slope * line_x + intercept, color=CONTEXT, lw=1.5, zorder=1)
    is_hl = pairs["province_code"].isin(chosen).to_numpy()
    ax.scatter(x[~is_hl], y[~is_hl], color=OKABE_ITO[0], alpha=0.8, zorder=2)
    ax.scatter(x[is_hl], y[is_hl], color=HIGHLIGHTS[0], zorder=3, s=50)
    texts = [
        ax.text(row.x_score, row.y_score, row.province, fontsize=8, color=HIGHLIGHTS[0], fontweight="bold")
        for row in pairs[is_hl].itertuples()
    ]
    ax.set_xlabel(ctx.word("axis_index_score", index=x_name))
    ax.set_ylabel(ctx.word("axis_index_score", index=y_name))
    pearson, spearman, n = stats.pearson, stats.spearman, stats.n
    r_uncertainty = formatting.uncertainty(stats.pearson_low, stats.pearson_high, stats.pearson_p, ctx.lang)
    correlation = ctx.word(
        "correlation",
        r=number(pearson, ctx.lang, 2),
        r_uncertainty=r_uncertainty,
        rho=number(spearman, ctx.lang, 2),
        n=n,
    )
    ax.set_title(correlation, fontsize=10)
    # each axis's values: its publisher and source classes, and the scores the project summed
    sides = [
        pairs.rename(
            columns={
                f"{side}_score": "score",
                f"{side}_score_basis": "score_basis",
                f"{side}_source_url": "source_url",
            }
        ).assign(index=index, year=year, rank=pd.NA)[
            ["index", "year", "score", "score_basis", "rank", "source_url"]
        ]
        for side, index in (("x", x_index), ("y", y_index))
        if f"{side}_source_url" in pairs
    ]
    sources, computed = (
        chart_sources_and_notes(pd.concat(sides, ignore_index=True), ctx.lang) if sides else ([], [])
    )
    if not sides:  # pairs without their sources: the indices and publishers only
        sources = [*index_sources(x_index, None, ctx.lang), *index_sources(y_index, None, ctx.lang)]
    notes = [ctx.word("note_both_published"), ctx.word("note_fit_line"), *computed]
    if not stats.distinguishable:
        notes.append(ctx.word("note_not_distinguishable"))
    alt = ctx.word(
        "alt.scatter",
        x=x_name,
        y=y_name,
        year=year,
        n=n,
        r=number(pearson, ctx.lang, 2),
        r_uncertainty=r_uncertainty,
        highlight="".join(ctx.word("alt.highlighted", names=p) for p in pairs.loc[is_hl, "province"]),
    )
    return finish(
        ctx,
        fig,
        kind="scatter",
        name=name,
        data=pairs,
        title=title or ctx.word("title_relationship", x=x_name, y=y_name, year=year),
        sources=sources,
        notes=notes,
        alt_text=alt,
        after_layout=[place_labels(ax, texts, "xy")] if texts else [],
    )
