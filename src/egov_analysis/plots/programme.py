"""Charts of Quảng Ninh's e-government programme: budget per phase, budget items, goals,
dated milestones, and the province's ranks around the phases. Phases are drawn as a strip of
named spans above the chart, in as many rows as their names need not to overlap."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..formatting import mark
from .chart import ChartResult, DrawingContext
from .footer import finish, index_notes, index_short, index_sources, no_chart, series_breaks
from .layout import WRAP_SHARE, lay_out, new_figure, rank_axis, rows_for_spans, text_width, year_axis
from .ranks import draw_breaks, segments
from .theme import CONTEXT, HIGHLIGHTS, MISSING, OKABE_ITO, join_words, number

PROGRAMME_SOURCE_KEY = "source_programme"


def localised(frame: pd.DataFrame, column: str, lang: str) -> pd.Series:
    """``column_<lang>`` where the frame has it (``name_vi``), else ``column``."""
    return frame[f"{column}_{lang}"] if f"{column}_{lang}" in frame else frame[column]


def phase_names(phases: pd.DataFrame, lang: str) -> dict[str, str]:
    return dict(zip(phases["phase_id"], localised(phases, "name", lang), strict=True))


def item_name(ctx: DrawingContext, item: str) -> str:
    """A budget item's name: the catalogue's, or a tranche's year."""
    from ..meta import messages

    key = f"chart.item.{item}"
    if key in messages.catalogue(ctx.lang):
        return messages.text(key, ctx.lang)
    if item.startswith("tranche_"):
        return ctx.word("item_tranche", year=item.removeprefix("tranche_"))
    return item


def _spans(
    fig: Figure,
    phases: pd.DataFrame,
    lang: str,
    px_per_year: float,
    fontsize: float,
    right_edge: float | None = None,
) -> list[tuple[float, float, bool]]:
    """Each phase's extent in years on the strip (its bar, or its name where the name is longer)
    and whether the name ends at the bar's end (a name that would pass ``right_edge`` does)."""
    names = localised(phases, "name", lang)
    spans = []
    for row, name in zip(phases.itertuples(), names, strict=True):
        start, end = float(row.start_year) - 0.5, float(row.end_year) + 0.5
        text_years = (text_width(fig, str(name), fontsize) + 8) / px_per_year
        if right_edge is not None and start + text_years > right_edge:
            spans.append((min(start, end - text_years), end, True))
        else:
            spans.append((start, max(end, start + text_years), False))
    return spans


def strip_rows(ctx: DrawingContext, phases: pd.DataFrame, width_in: float, n_years: int) -> int:
    """Rows to reserve for :func:`phase_strip`, from a cautious guess of the axes width (60 % of
    the figure): the strip draws in at most this many rows once the layout is known."""
    fig, _ = new_figure(1, 1)
    px_per_year = width_in * fig.dpi * 0.6 / max(n_years, 1)
    ordered = phases.sort_values(["start_year", "end_year"]).reset_index(drop=True)
    spans = _spans(fig, ordered, ctx.lang, px_per_year, STRIP_FONT, float(ordered["end_year"].max()) + 0.6)
    return max(rows_for_spans([(a, b) for a, b, _ in spans]), default=0) + 1


STRIP_FONT = 7.5


def phase_strip(ctx: DrawingContext, ax: Axes, phases: pd.DataFrame, n_rows: int) -> None:
    """The phases as named spans on ``ax`` (sharing its x axis with the chart), in ``n_rows``
    rows: each name starts at its phase's first year, and a name that would run into another goes
    to the next free row (placed with the axes width as laid out)."""
    fig = ax.get_figure()
    assert isinstance(fig, Figure)
    lay_out(fig)  # the layout gives the axes width the rows are computed for
    ordered = phases.sort_values(["start_year", "end_year"]).reset_index(drop=True)
    names = localised(ordered, "name", ctx.lang)
    x0, x1 = ax.get_xlim()
    px_per_year = ax.get_window_extent().width / max(x1 - x0, 1)
    spans = _spans(fig, ordered, ctx.lang, px_per_year, STRIP_FONT, x1)
    rows = rows_for_spans([(a, b) for a, b, _ in spans])
    for i, (row, name, level) in enumerate(zip(ordered.itertuples(), names, rows, strict=True)):
        ax.broken_barh(
            [(row.start_year - 0.5, row.end_year - row.start_year + 1)],
            (level + 0.55, 0.3),
            color=OKABE_ITO[i % 7],
            alpha=0.7,
        )
        right = spans[i][2]  # a name that would pass the right edge ends where its phase ends
        ax.text(
            row.end_year + 0.45 if right else row.start_year - 0.45,
            level + 0.5,
            str(name),
            fontsize=STRIP_FONT,
            va="bottom",
            ha="right" if right else "left",
            color="#222222",
        )
    ax.set_ylim(max(n_rows, max(rows, default=0) + 1), 0)
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.tick_params(axis="x", length=0, labelbottom=False)
    ax.set_xlim(min(x0, min((a for a, _, _ in spans), default=x0) - 0.1), x1)


def slot_width(fig: Figure, n: int) -> float:
    """Pixels a category label may take on an x axis of ``n`` categories: a cautious share of the
    figure (the legend and the y axis take the rest), measured at the saved dpi's wider hinting."""
    return (fig.get_figwidth() * fig.dpi * 0.7 / max(n, 1) - 12) * WRAP_SHARE


def _nominal_real_bars(
    ctx: DrawingContext, ax: Axes, nominal: pd.Series, real: pd.Series, base_year: int
) -> np.ndarray:
    x = np.arange(len(nominal))
    ax.bar(x - 0.2, nominal.to_numpy(dtype=float), width=0.4, color=OKABE_ITO[0], label=ctx.word("nominal"))
    ax.bar(
        x + 0.2,
        real.to_numpy(dtype=float),
        width=0.4,
        color=OKABE_ITO[1],
        label=mark(ctx.word("real", year=base_year), "derived", ctx.lang),  # real amounts are derived
    )
    ax.set_ylabel(ctx.word("billion_vnd"))
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.grid(axis="x", visible=False)
    top = float(np.nanmax(np.r_[nominal.to_numpy(dtype=float), real.to_numpy(dtype=float)]))
    ax.set_ylim(0, top * 1.15)
    for xi, value in zip(x, nominal, strict=True):
        ax.annotate(
            number(float(value), ctx.lang, 1),
            (xi - 0.2, float(value)),
            ha="center",
            va="bottom",
            fontsize=8,
            xytext=(0, 2),
            textcoords="offset points",
        )
    return x


def phase_budget_chart(
    ctx: DrawingContext,
    totals: pd.DataFrame,
    base_year: int,
    *,
    phases: pd.DataFrame | None = None,
    title: str | None = None,
    name: str = "budget_per_phase",
) -> ChartResult:
    """Budget per phase and basis (planned, approved …), nominal beside real (``base_year`` VND),
    in billion VND (``totals`` as :func:`egov_analysis.analysis.real.phase_totals` returns it)."""
    data = totals.copy()
    if data.empty:
        return no_chart(ctx, kind="phase_budget", name=name, reason=ctx.word("no_chart_budget"))
    names = phase_names(phases, ctx.lang) if phases is not None else {}
    data["label"] = [
        ctx.word("phase_basis", phase=names.get(p, _years(r)), basis=ctx.word(f"basis.{b}"))
        for p, b, r in zip(data["phase_id"], data["basis"], data.itertuples(), strict=True)
    ]
    fig, ax = new_figure(10, 6)
    x = _nominal_real_bars(
        ctx, ax, data["amount_vnd"] / 1e9, data["amount_real_vnd"].astype(float) / 1e9, base_year
    )
    from .layout import wrap

    ax.set_xticks(x, [wrap(fig, t, 8, slot_width(fig, len(x))) for t in data["label"]], fontsize=8)
    notes = [ctx.word("note_real_derived", year=base_year), ctx.word("note_bases_not_added")]
    alt = ctx.word(
        "alt.phase_budget",
        n=len(data),
        year=base_year,
        largest=data.loc[data["amount_vnd"].idxmax(), "label"].replace("\n", " "),
        amount=number(float(data["amount_vnd"].max()) / 1e9, ctx.lang, 1),
    )
    return finish(
        ctx,
        fig,
        kind="phase_budget",
        name=name,
        data=data,
        title=title or ctx.word("title_phase_budget"),
        sources=[ctx.word(PROGRAMME_SOURCE_KEY), ctx.word("source_cpi")],
        notes=notes,
        alt_text=alt,
    )


def _years(row: object) -> str:
    start, end = getattr(row, "start_year", None), getattr(row, "end_year", None)
    if start is None or pd.isna(start):
        return str(getattr(row, "phase_id", ""))
    return (
        f"{int(start)}–{int(end)}" if end is not None and pd.notna(end) and end != start else str(int(start))
    )


def budget_items_chart(
    ctx: DrawingContext,
    items: pd.DataFrame,
    base_year: int,
    *,
    title: str | None = None,
    name: str = "budget_items",
) -> ChartResult:
    """Every budget item (totals and yearly tranches), nominal and real, in billion VND
    (``items`` as :func:`egov_analysis.analysis.phases.budget_items` returns it)."""
    data = items.copy()
    if data.empty:
        return no_chart(ctx, kind="budget_items", name=name, reason=ctx.word("no_chart_budget"))
    data["label"] = [
        ctx.word("item_label", item=item_name(ctx, i), period=p, basis=ctx.word(f"basis.{b}"))
        for i, p, b in zip(data["item"], data["period"], data["basis"], strict=True)
    ]
    fig, ax = new_figure(11, 6)
    x = _nominal_real_bars(
        ctx, ax, data["amount_bn_vnd"], data["amount_real_bn_vnd"].astype(float), base_year
    )
    from .layout import wrap

    ax.set_xticks(x, [wrap(fig, t, 7.5, slot_width(fig, len(x))) for t in data["label"]], fontsize=7.5)
    notes = [ctx.word("note_tranches_parts"), ctx.word("note_real_derived", year=base_year)]
    alt = ctx.word("alt.budget_items", n=len(data), year=base_year)
    return finish(
        ctx,
        fig,
        kind="budget_items",
        name=name,
        data=data,
        title=title or ctx.word("title_budget_items"),
        sources=sorted(set(data["source_url"].dropna())),
        notes=notes,
        alt_text=alt,
    )


def goals_chart(
    ctx: DrawingContext,
    goals: pd.DataFrame,
    *,
    phases: pd.DataFrame | None = None,
    title: str | None = None,
    name: str = "goals",
) -> ChartResult:
    """Each goal's share of its target achieved, in percent on one linear axis (targets differ in
    unit, so they are written beside the bar, not drawn on a common scale); a goal without a
    published result says so. ``goals`` as :func:`egov_analysis.analysis.phases.goal_progress`."""
    data = goals.copy()
    if data.empty:
        return no_chart(ctx, kind="goals", name=name, reason=ctx.word("no_chart_goals"))
    data["achieved_pct"] = (100 * data["achieved"].astype(float) / data["target"].astype(float)).round(1)
    metrics = localised(data, "metric", ctx.lang)
    fig, ax = new_figure(11, max(4, 0.42 * len(data) + 2.5))
    from .layout import wrap

    y = np.arange(len(data))
    known = data["achieved_pct"].notna().to_numpy()
    ax.barh(y[known], data.loc[known, "achieved_pct"].to_numpy(dtype=float), color=OKABE_ITO[2], height=0.6)
    ax.axvline(100, color="#444444", lw=1, ls=":")
    for yi, row in zip(y, data.itertuples(), strict=True):
        target = ctx.word(
            "goal_target",
            target=number(float(row.target), ctx.lang, 0 if float(row.target).is_integer() else 1),
            unit=row.unit if isinstance(row.unit, str) else "",
        )
        if pd.notna(row.achieved_pct):
            text = ctx.word(
                "goal_achieved",
                achieved=number(float(row.achieved), ctx.lang, 0),
                pct=number(float(row.achieved_pct), ctx.lang, 0),
                target=target,
            )
        else:
            text = ctx.word("goal_unknown", target=target)
        ax.text(2, float(yi), text, va="center", fontsize=7.5, color="#222222")
    ax.set_yticks(y, [wrap(fig, str(m), 8, 330) for m in metrics], fontsize=8)
    ax.set_ylim(len(data) - 0.5, -0.5)
    ax.set_xlim(0, max(110.0, float(np.nanmax(data["achieved_pct"].to_numpy(dtype=float), initial=0)) + 10))
    ax.set_xlabel(ctx.word("share_of_target"))
    ax.grid(axis="y", visible=False)
    n_known = int(known.sum())
    notes = [ctx.word("note_goal_unknown"), ctx.word("note_goal_scale")]
    alt = ctx.word("alt.goals", n=len(data), known=n_known)
    return finish(
        ctx,
        fig,
        kind="goals",
        name=name,
        data=data,
        title=title or ctx.word("title_goals"),
        sources=sorted(set(data["source_url"].dropna())),
        notes=notes,
        alt_text=alt,
    )


def milestone_timeline_chart(
    ctx: DrawingContext,
    timeline: pd.DataFrame,
    phases: pd.DataFrame,
    *,
    title: str | None = None,
    name: str = "milestones",
) -> ChartResult:
    """Dated milestones on a timeline (one row each), under a strip of the programme's phases;
    a label runs to the right of its point, or to the left in the later half so it stays inside."""
    data = timeline.copy()
    phases = phases.dropna(subset=["start_year", "end_year"])  # a phase without dates has no span
    if data.empty:
        return no_chart(ctx, kind="milestones", name=name, reason=ctx.word("no_chart_milestones"))
    years = sorted(
        set(data["year_start"].astype(int))
        | set(phases["start_year"].astype(int))
        | set(phases["end_year"].astype(int))
    )
    first, last = years[0], years[-1]
    width = 12
    n_strip = strip_rows(ctx, phases, width, last - first + 2)
    height = 0.24 * len(data) + 0.3 * n_strip + 2.5
    fig, strip = new_figure(
        width, height, nrows=2, sharex=True, height_ratios=[0.3 * n_strip, 0.24 * len(data)]
    )
    ax = fig.axes[1]
    ax.set_xlim(first - 0.6, last + 0.6)
    strip.set_xlim(first - 0.6, last + 0.6)
    for i, phase in enumerate(phases.sort_values("start_year").itertuples()):
        ax.axvspan(phase.start_year - 0.5, phase.end_year + 0.5, color=OKABE_ITO[i % 7], alpha=0.06)
    y = np.arange(len(data))
    ax.scatter(data["year_start"].astype(int), y, color=OKABE_ITO[0], zorder=3, s=14)
    metrics = localised(data, "metric", ctx.lang)
    middle = (first + last) / 2
    for yi, row, metric in zip(y, data.itertuples(), metrics, strict=True):
        unit = row.unit if isinstance(row.unit, str) else ""
        text = ctx.word("milestone_label", metric=metric, value=row.value_as_printed, unit=unit).strip()
        right = row.year_start <= middle
        ax.annotate(
            text if len(text) <= 95 else text[:94] + "…",
            (row.year_start, yi),
            xytext=(5 if right else -5, 0),
            textcoords="offset points",
            va="center",
            ha="left" if right else "right",
            fontsize=6.5,
        )
    ax.set_yticks([])
    ax.set_ylim(len(data) - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(ctx.word("year"))
    year_axis(ax, list(range(first, last + 1)))
    phase_strip(ctx, strip, phases, n_strip)
    notes = [ctx.word("note_undated_not_placed"), ctx.word("note_qualifiers")]
    sources = sorted(set(data["source_url"].dropna()))
    shown = [*sources[:4], ctx.word("sources_more", n=len(sources) - 4)] if len(sources) > 5 else sources
    alt = ctx.word(
        "alt.milestones",
        n=len(data),
        first=int(data["year_start"].min()),
        last=int(data["year_start"].max()),
        phases=len(phases),
    )
    return finish(
        ctx,
        fig,
        kind="milestones",
        name=name,
        data=data,
        title=title or ctx.word("title_milestones"),
        sources=shown,
        notes=notes,
        alt_text=alt,
    )


def ranks_with_phases(
    ctx: DrawingContext,
    context: pd.DataFrame,
    phases: pd.DataFrame,
    province: str,
    index: str,
    *,
    title: str | None = None,
    name: str | None = None,
) -> ChartResult:
    """The province's rank per year beside its regional peers (top), its score beside the
    national median (bottom), under a strip of the programme's phases. The median is drawn only
    for years in which every unit was published; partial years are shaded and named; a series
    break cuts the lines and is drawn. ``context`` as
    :func:`egov_analysis.analysis.rankings.peers_and_median` returns it."""
    name = name or f"{index}_ranks_phases"
    phases = phases.dropna(subset=["start_year", "end_year"])  # a phase without dates has no span
    data = context.copy()
    own = data[data["role"].eq("province")].set_index("year")
    if own["rank"].notna().sum() + own["score"].notna().sum() == 0:
        reason = ctx.word("no_chart_province_index", province=province, index=index_short(index, ctx.lang))
        return no_chart(ctx, kind="ranks_phases", name=name, reason=reason, data=data)
    years = list(
        range(
            int(min(data["year"].min(), phases["start_year"].min())),
            int(max(data["year"].max(), phases["end_year"].max())) + 1,
        )
    )
    breaks = series_breaks(index, data["year"])
    width = 11
    n_strip = strip_rows(ctx, phases, width, len(years) + 1)
    fig, strip = new_figure(
        width, 7.5 + 0.3 * n_strip, nrows=3, sharex=True, height_ratios=[0.3 * n_strip, 3.2, 2.6]
    )
    ax, ax2 = fig.axes[1], fig.axes[2]
    for axis in (strip, ax, ax2):
        axis.set_xlim(years[0] - 0.6, years[-1] + 0.6)
    for i, phase in enumerate(phases.sort_values("start_year").itertuples()):
        for axis in (ax, ax2):
            axis.axvspan(phase.start_year - 0.5, phase.end_year + 0.5, color=OKABE_ITO[i % 7], alpha=0.06)
    per_year = data.drop_duplicates("year").set_index("year")
    complete = set(per_year.index[per_year["median_complete"].astype(bool)].astype(int))
    partial = sorted(set(per_year.index.astype(int)) - complete)
    for year in partial:
        ax2.axvspan(
            year - 0.5, year + 0.5, facecolor=MISSING, edgecolor="#C8C8C8", hatch="..", lw=0, zorder=0
        )
    for _code, group in data[data["role"].eq("regional peer")].groupby("province_code"):
        series = group.set_index("year")["rank"].astype(float)
        for part in segments(years, breaks):
            ax.plot(part, series.reindex(part).to_numpy(), color=CONTEXT, lw=1)
    for part in segments(years, breaks):
        ax.plot(
            part,
            own["rank"].astype(float).reindex(part).to_numpy(),
            color=HIGHLIGHTS[0],
            lw=3,
            marker="o",
            ms=4,
        )
        ax2.plot(
            part,
            own["score"].astype(float).reindex(part).to_numpy(),
            color=HIGHLIGHTS[0],
            lw=2,
            marker="o",
            ms=4,
        )
    median = per_year["median_score"].astype(float)
    median = median.where(median.index.isin(complete))
    for part in segments(years, breaks):
        ax2.plot(part, median.reindex(part).to_numpy(), color=OKABE_ITO[0], marker="s", ms=4, lw=1.5)
    handles_rank: list[Line2D | Patch] = [
        Line2D([], [], color=HIGHLIGHTS[0], lw=3, marker="o", label=province),
        Line2D([], [], color=CONTEXT, label=ctx.word("peers")),
    ]
    handles_score: list[Line2D | Patch] = [
        Line2D([], [], color=HIGHLIGHTS[0], lw=2, marker="o", label=province),
        Line2D([], [], color=OKABE_ITO[0], marker="s", label=ctx.word("median_complete")),
    ]
    if partial:
        handles_score.append(
            Patch(facecolor=MISSING, edgecolor="#C8C8C8", hatch="..", label=ctx.word("legend_partial_year"))
        )
    handles_rank += draw_breaks(ctx, [ax, ax2], index, breaks)
    ax.set_ylabel(ctx.word("rank"))
    ranks_known = data["rank"].dropna()
    ax.set_ylim(float(ranks_known.max()) if not ranks_known.empty else 10, 1)
    rank_axis(ax.yaxis)
    ax.legend(handles=handles_rank, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax2.legend(handles=handles_score, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax2.set_ylabel(ctx.word("score"))
    ax2.set_xlabel(ctx.word("year"))
    ax.tick_params(axis="x", labelbottom=False)
    year_axis(ax2, years)
    phase_strip(ctx, strip, phases, n_strip)
    notes = index_notes(index, data, ctx.lang)
    if partial:
        notes.append(ctx.word("note_median_partial", years=join_words([str(y) for y in partial], ctx.lang)))
    alt = ctx.word(
        "alt.ranks_phases",
        province=province,
        index=index_short(index, ctx.lang),
        first=int(data["year"].min()),
        last=int(data["year"].max()),
        phases=len(phases),
        best=int(own["rank"].min()) if own["rank"].notna().any() else "–",
        worst=int(own["rank"].max()) if own["rank"].notna().any() else "–",
    )
    return finish(
        ctx,
        fig,
        kind="ranks_phases",
        name=name,
        data=data,
        title=title or ctx.word("title_around_phases", province=province, index=index_short(index, ctx.lang)),
        sources=index_sources(index, data, ctx.lang),
        notes=notes,
        alt_text=alt,
    )


__all__: Sequence[str] = (
    "budget_items_chart",
    "goals_chart",
    "milestone_timeline_chart",
    "phase_budget_chart",
    "ranks_with_phases",
)
