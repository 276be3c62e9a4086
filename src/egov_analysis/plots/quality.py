"""Data quality: what share of the units each index ranked has a published headline score."""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.patches import Patch, Rectangle

from ..formatting import year_range
from .chart import ChartResult, DrawingContext
from .footer import finish, index_short, no_chart
from .layout import new_figure
from .theme import MISSING, SEQUENTIAL

# what an empty cell of the coverage grid means: each meaning its own fill and legend entry
# (one grey for both read "no edition" and "nothing held" as the same thing)
NO_EDITION, NOT_HELD, SHARE_UNKNOWN, SHARE = "no_edition", "not_held", "share_unknown", "share"
_NO_EDITION_FILL = "white"  # blank: the publisher ranked no unit that year
_NOT_HELD_HATCH = "////"  # hatched grey: an edition exists, the project holds no headline score
_SHARE_UNKNOWN_HATCH = ".."  # dotted: scores held, but no source gives the number of units ranked
_EDGE = "#555555"


def cell_status(overview: pd.DataFrame) -> pd.DataFrame:
    """Per cell of ``overview`` (rows ``(index, geography)``, columns years): ``share`` where a
    share is held, ``not_held`` where the publisher has an edition that year
    (``meta/index_editions.csv``) but the project holds no headline score, ``share_unknown`` where
    scores are held but no source gives the number of units ranked (``overview.attrs``), and
    ``no_edition`` where the index had no edition for that geography that year. Same shape as
    ``overview``."""
    from ..meta import editions

    known = set(zip(*(editions()[c] for c in ("index", "year", "geography")), strict=True))
    unknown = set(overview.attrs.get("share_unknown", ()))
    out = pd.DataFrame(SHARE, index=overview.index, columns=overview.columns, dtype=object)
    for index, geography in overview.index:
        for year in overview.columns:
            if (str(index), str(geography), int(year)) in unknown:
                out.loc[(index, geography), year] = SHARE_UNKNOWN
            elif pd.isna(overview.loc[(index, geography), year]):
                held = (str(index), int(year), str(geography)) in known
                out.loc[(index, geography), year] = NOT_HELD if held else NO_EDITION
    return out


def coverage_chart(
    ctx: DrawingContext,
    overview: pd.DataFrame,
    *,
    title: str | None = None,
    name: str = "coverage",
) -> ChartResult:
    """Share (%) of ranked units with a headline score held, per index and year
    (``overview`` as :func:`egov_analysis.analysis.quality.coverage_overview` returns it:
    rows (index, geography), columns years). An empty cell is blank where the index had no
    edition that year and hatched grey where it had one but no score is held (:func:`cell_status`),
    each with its legend entry; the CSV gives each cell's status (``cell_status``)."""
    if overview.empty:
        return no_chart(ctx, kind="coverage", name=name, reason=ctx.word("no_chart_coverage"))
    fig, ax = new_figure(11, 0.45 * len(overview) + 3)
    cmap = mpl.colormaps[SEQUENTIAL].with_extremes(bad=_NO_EDITION_FILL)
    image = ax.imshow(
        np.ma.masked_invalid(overview.to_numpy(dtype=float)), aspect="auto", cmap=cmap, vmin=0, vmax=100
    )
    status = cell_status(overview)
    for kind, fill, hatch in (
        (NOT_HELD, MISSING, _NOT_HELD_HATCH),
        (SHARE_UNKNOWN, "white", _SHARE_UNKNOWN_HATCH),
    ):
        for row, col in zip(*np.nonzero(status.to_numpy() == kind), strict=True):
            ax.add_patch(
                Rectangle((col - 0.5, row - 0.5), 1, 1, facecolor=fill, edgecolor=_EDGE, hatch=hatch, lw=0)
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
    kinds = (NO_EDITION, NOT_HELD, SHARE_UNKNOWN)
    counts = {kind: int((status.to_numpy() == kind).sum()) for kind in kinds}
    handles = [
        Patch(facecolor=_NO_EDITION_FILL, edgecolor=_EDGE, lw=0.6, label=ctx.word("legend_no_edition")),
        Patch(
            facecolor=MISSING,
            edgecolor=_EDGE,
            hatch=_NOT_HELD_HATCH,
            lw=0.6,
            label=ctx.word("legend_not_held"),
        ),
        Patch(
            facecolor="white",
            edgecolor=_EDGE,
            hatch=_SHARE_UNKNOWN_HATCH,
            lw=0.6,
            label=ctx.word("legend_share_unknown"),
        ),
    ]
    shown = [h for h, kind in zip(handles, kinds, strict=True) if counts[kind]]
    if shown:
        ax.legend(
            handles=shown, fontsize=8, loc="upper left", bbox_to_anchor=(0.0, -0.08), ncol=1, frameon=False
        )
    data = overview.reset_index().melt(
        id_vars=["index", "geography"], var_name="year", value_name="score_share_pct"
    )
    cells = status.reset_index().melt(
        id_vars=["index", "geography"], var_name="year", value_name="cell_status"
    )
    data = data.merge(cells, on=["index", "geography", "year"], how="left", validate="one_to_one")
    full = data.dropna(subset=["score_share_pct"])
    alt = ctx.word(
        "alt.coverage",
        n=len(overview),
        years=year_range(years[0], years[-1]),
        complete=int(full["score_share_pct"].ge(100).sum()),
        held=len(full) + counts[SHARE_UNKNOWN],  # every index-year held, as the findings count them
        no_edition=counts[NO_EDITION],
        not_held=counts[NOT_HELD],
        share_unknown=counts[SHARE_UNKNOWN],
    )
    return finish(
        ctx,
        fig,
        kind="coverage",
        name=name,
        data=data,
        title=title or ctx.word("title_coverage"),
        sources=[ctx.word("source_coverage")],
        notes=[],
        alt_text=alt,
    )
