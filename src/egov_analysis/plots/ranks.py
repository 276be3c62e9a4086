"""Charts of ranks and scores of one index: rank lines, the province × year grid, one year's
ranked list, the change between two years, one province on every index, a province's profile.

Every function takes the :class:`DrawingContext` first and index rows as
:func:`egov_analysis.analysis.rankings.select` returns them (columns index, year, geography,
province_code, province, indicator, score, rank, n_ranked, tier, rank_basis, score_basis,
source_url). It returns a :class:`Chart`, or a :class:`NoChart` whose sentence says why the data
hold nothing to draw. Missing values are drawn as missing, never filled; no line joins two years
across a series break.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd
from adjustText import adjust_text
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.ticker import FixedLocator

from .. import formatting
from ..analysis.findings import withheld_change
from ..analysis.rankings import rank_change, rank_order
from ..meta import messages
from ..meta.coverage import PARTIAL
from ..provinces import display_name, provinces
from .chart import ChartResult, DrawingContext
from .footer import (
    break_note,
    finish,
    index_notes,
    index_short,
    index_sources,
    no_chart,
    series_breaks,
    third_party_years,
)
from .layout import end_labels, new_figure, rank_axis, year_axis
from .select import UNIT_COLUMNS, display_names, geography_of, highlight_codes, year_coverage
from .theme import CONTEXT, HIGHLIGHTS, MISSING, OKABE_ITO, SEQUENTIAL, TIER_COLOURS, join_words, number

TIER_KEYS = {  # VCCI's printed tier → catalogue key of its name
    "Rất tốt": "tier_excellent",
    "Tốt": "tier_very_good",
    "Khá": "tier_good",
    "Trung bình": "tier_average",
    "Tương đối thấp": "tier_fairly_low",
    "Thấp": "tier_low",
}


def check_top_n(top_n: int) -> None:
    if not isinstance(top_n, int) or isinstance(top_n, bool) or top_n < 1:
        raise ValueError(f"top_n must be a whole number of at least 1; got top_n={top_n!r}")


def what(ctx: DrawingContext, rows: pd.DataFrame) -> str:
    """The index's short name, with the indicator's name unless it is the headline score."""
    index = str(rows["index"].iloc[0])
    indicator = str(rows["indicator"].iloc[0]) if "indicator" in rows else "overall"
    if indicator == "overall":
        return index_short(index, ctx.lang)
    return ctx.word(
        "what_indicator", index=index_short(index, ctx.lang), indicator=indicator_name(ctx, indicator, index)
    )


def indicator_name(ctx: DrawingContext, indicator: str, index: str | None = None) -> str:
    """An indicator's display name in the context's language (meta's indicator table; its id
    where the table has none)."""
    from .. import meta

    table = meta.indicator_definitions()
    hits = table[table["indicator"].eq(indicator) & (table["index"].eq(index) if index else True)]
    column = f"name_{ctx.lang}"
    if hits.empty or column not in hits or not str(hits[column].iloc[0]).strip():
        return indicator
    return str(hits[column].iloc[0])


def segments(years: Sequence[int], breaks: Iterable[int]) -> list[list[int]]:
    """``years`` cut at each series break (a break at Y starts a new segment at Y)."""
    cuts = sorted(breaks)
    out: list[list[int]] = [[]]
    for year in years:
        if cuts and year >= cuts[0]:
            while cuts and year >= cuts[0]:
                cuts.pop(0)
            out.append([])
        out[-1].append(year)
    return [s for s in out if s]


def draw_breaks(
    ctx: DrawingContext,
    axes: Sequence[Axes],
    index: str,
    breaks: Sequence[int],
    colour: str = "#444444",
    name_index: bool = False,
) -> list[Line2D]:
    """A dashed vertical line before each break year; returns legend handles naming them (with
    the index's name where several indices share the axes)."""
    handles = []
    for year in breaks:
        for ax in axes:
            ax.axvline(year - 0.5, color=colour, ls="--", lw=1.2, zorder=1)
        text = (
            ctx.word("legend_series_break_index", index=index_short(index, ctx.lang), year=year)
            if name_index
            else ctx.word("legend_series_break", year=year)
        )
        handles.append(Line2D([], [], color=colour, ls="--", label=text))
    return handles


def partial_years_note(ctx: DrawingContext, coverage: pd.DataFrame) -> str:
    held = coverage["n_held"].gt(0) & coverage["n_ranked"].notna()
    partial = coverage[coverage["status"].eq(PARTIAL) & held]
    if partial.empty:
        return ""
    items = [
        ctx.word("k_of_n", k=int(r.n_held), n=int(r.n_ranked), year=int(r.year)) for r in partial.itertuples()
    ]
    return ctx.word("note_partial_years", years=join_words(items, ctx.lang))


def place_labels(ax: Axes, texts: list[Text], only_move: str = "y") -> Callable[[], None]:
    """A placer for :func:`~egov_analysis.plots.layout.settle`: adjustText moves ``texts`` apart
    (inside the axes) once the layout is final."""

    def place() -> None:
        if len(texts) > 1:
            adjust_text(
                texts,
                ax=ax,
                only_move={"text": only_move, "static": only_move, "explode": only_move, "pull": only_move},
                ensure_inside_axes=True,
                expand=(1.05, 1.35),
            )

    return place


def _ranked_years(
    ctx: DrawingContext, rows: pd.DataFrame, one_year_key: str
) -> tuple[pd.DataFrame, list[int], str, str]:
    """The ranked rows, their years and the chart's subject; ``reason`` is the sentence that
    replaces a chart of ranks over time when fewer than two years are ranked ("" otherwise)."""
    ranked = rows[rows["rank"].notna()]
    ranked_years = sorted(int(y) for y in ranked["year"].unique())
    label = what(ctx, rows)
    reason = ""
    if not ranked_years:
        reason = ctx.word("no_chart_no_ranks", what=label)
    elif len(ranked_years) == 1:
        reason = ctx.word(one_year_key, what=label, year=ranked_years[0])
    return ranked, ranked_years, label, reason


def bump_chart(
    ctx: DrawingContext,
    rows: pd.DataFrame,
    highlight: Sequence[str] | str = (),
    top_n: int = 10,
    *,
    title: str | None = None,
    name: str = "rank_lines",
) -> ChartResult:
    """Rank lines over the years: the last ranked year's top ``top_n`` and the highlighted units
    (names in any spelling, or codes), rank 1 at the top. A year without a rank breaks the line, a
    series break cuts it (drawn and named), years with a partial list are named in the footer.

    Raises ``ValueError`` for ``top_n`` below 1 and
    :class:`~egov_analysis.provinces.UnknownProvinceError` for a highlight no unit answers to."""
    rows = display_names(rows, ctx.lang, UNIT_COLUMNS)  # names as readers know them
    check_top_n(top_n)
    index = str(rows["index"].iloc[0])
    chosen = highlight_codes(highlight, geography_of(rows), ctx.lang)
    ranked, ranked_years, label, reason = _ranked_years(ctx, rows, "no_chart_one_year")
    if reason:
        return no_chart(ctx, kind="rank_lines", name=name, reason=reason, data=ranked)
    last = ranked_years[-1]
    top = ranked[ranked["year"].eq(last)].nsmallest(top_n, "rank")["province_code"]
    keep = list(dict.fromkeys([*top, *[c for c in chosen if c in set(ranked["province_code"])]]))
    data = ranked[ranked["province_code"].isin(keep)].sort_values(["province_code", "year"])
    years = list(range(ranked_years[0], last + 1))
    breaks = series_breaks(index, years, str(rows["indicator"].iloc[0]))
    fig, ax = new_figure(11, 6.5)
    texts: list[Text] = []
    anchors: list[tuple[float, float]] = []
    legend: list[Line2D | Patch] = []
    for i, code in enumerate(keep):
        group = data[data["province_code"].eq(code)]
        series = group.set_index("year")["rank"].astype(float)
        is_highlight = code in chosen
        colour = (
            HIGHLIGHTS[list(chosen).index(code) % len(HIGHLIGHTS)]
            if is_highlight
            else (CONTEXT if chosen else OKABE_ITO[i % 7])
        )
        for part in segments(years, breaks):
            values = series.reindex(part)
            ax.plot(
                part,
                values.to_numpy(),
                marker="o",
                ms=4,
                lw=3 if is_highlight else 1.5,
                color=colour,
                zorder=3 if is_highlight else 2,
            )
        if is_highlight:
            legend.append(Line2D([], [], color=colour, lw=3, marker="o", label=chosen[code]))
        known = series.dropna()
        anchors.append((float(known.index[-1]), float(known.iloc[-1])))
        texts.append(
            ax.text(
                last + 0.3,
                known.iloc[-1],
                str(group["province"].iloc[0]),
                fontsize=8,
                color=colour if is_highlight or not chosen else "#555555",
                fontweight="bold" if is_highlight else "normal",
            )
        )
    legend += draw_breaks(ctx, [ax], index, breaks)
    coverage = year_coverage(rows[rows["year"].isin(years)])
    year_axis(ax, years)
    ax.set_xlim(years[0] - 0.6, last + 0.6)  # widened for the line-end names once laid out
    ax.set_xlabel(ctx.word("year"))
    ax.set_ylabel(ctx.word("rank"))
    ax.set_ylim(float(data["rank"].max()), 1)
    rank_axis(ax.yaxis)
    if legend:
        ax.legend(handles=legend, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    missing = [n for c, n in chosen.items() if c not in set(ranked["province_code"])]
    notes = [*index_notes(index, rows, ctx.lang), partial_years_note(ctx, coverage)]
    if missing:
        notes.append(ctx.word("note_highlight_unranked", names=join_words(missing, ctx.lang)))
    title = title or ctx.word("title_ranks", what=label)
    # where the last year publishes no more units than are drawn, they are all of them, not "the best"
    every = ranked.loc[ranked["year"].eq(last), "province_code"].nunique() <= top_n
    alt = ctx.word(
        "alt.rank_lines_all" if every else "alt.rank_lines",
        what=label,
        first=ranked_years[0],
        last=last,
        n=len(keep) - len([c for c in keep if c in chosen and c not in set(top)]),
        top_n=min(top_n, len(top)),
        highlight=_highlight_phrase(ctx, [n for c, n in chosen.items() if c in keep]),
        breaks=_breaks_phrase(ctx, breaks),
    )
    return finish(
        ctx,
        fig,
        kind="rank_lines",
        name=name,
        data=data,
        title=title,
        sources=index_sources(index, data, ctx.lang),
        notes=notes,
        alt_text=alt,
        after_layout=[end_labels(ax, texts, anchors, last + 0.3)],
    )


def _highlight_phrase(ctx: DrawingContext, names: list[str]) -> str:
    return ctx.word("alt.highlighted", names=join_words(names, ctx.lang)) if names else ""


def _breaks_phrase(ctx: DrawingContext, breaks: Sequence[int]) -> str:
    return "".join(ctx.word("alt.series_break", year=b) for b in breaks)


def rank_heatmap(
    ctx: DrawingContext,
    rows: pd.DataFrame,
    highlight: Sequence[str] | str = (),
    *,
    title: str | None = None,
    name: str = "rank_heatmap",
) -> ChartResult:
    """Unit × year ranks (rank 1 lightest, yellow; low ranks dark blue); grey cells are unit-years
    without a published rank; years with a partial list are starred and named in the footer."""
    rows = display_names(rows, ctx.lang, UNIT_COLUMNS)  # names as readers know them
    from ..analysis.rankings import rank_matrix

    index = str(rows["index"].iloc[0])
    chosen = highlight_codes(highlight, geography_of(rows), ctx.lang)
    ranked, ranked_years, label, reason = _ranked_years(ctx, rows, "no_chart_one_year_grid")
    if reason:
        return no_chart(ctx, kind="rank_heatmap", name=name, reason=reason, data=ranked)
    years = list(range(ranked_years[0], ranked_years[-1] + 1))
    matrix = rank_matrix(ranked, years)
    coverage = year_coverage(rows[rows["year"].isin(years)]).set_index("year")
    fig, ax = new_figure(max(8, 0.5 * len(years) + 4), max(5, 0.17 * len(matrix) + 3))
    n_max = int(np.nanmax(matrix.to_numpy(dtype=float)))
    cmap = ListedColormap([_shade(i, n_max) for i in range(n_max)]).with_extremes(bad=MISSING)
    norm = BoundaryNorm(np.arange(0.5, n_max + 1.5), cmap.N)
    image = ax.imshow(np.ma.masked_invalid(matrix.to_numpy(dtype=float)), aspect="auto", cmap=cmap, norm=norm)
    part = set(coverage.index[coverage["status"].eq(PARTIAL)])
    starred = [f"{y}*" if y in part else str(y) for y in years]
    step = max(1, round(len(years) / 14))
    ax.set_xticks(range(0, len(years), step), starred[::step], fontsize=8)
    names = list(matrix.index)
    codes = ranked.drop_duplicates("province").set_index("province")["province_code"]
    ax.set_yticks(range(len(names)), names, fontsize=7)
    for tick, province in zip(ax.get_yticklabels(), names, strict=True):
        if codes.get(province) in chosen:
            tick.set_color(HIGHLIGHTS[0])
            tick.set_fontweight("bold")
    ax.grid(False)
    colourbar = fig.colorbar(image, ax=ax, label=ctx.word("rank"), shrink=0.6)
    colourbar.ax.invert_yaxis()  # rank 1 at the top
    colourbar.ax.yaxis.set_major_locator(_rank_ticks(n_max))
    for spine in ax.spines.values():
        spine.set_visible(False)
    partial = partial_years_note(ctx, coverage.reset_index())
    notes = [*index_notes(index, rows, ctx.lang), ctx.word("note_grey_no_rank")]
    if partial:
        notes += [ctx.word("note_starred_partial"), partial]
    data = matrix.reset_index().melt(id_vars="province", var_name="year", value_name="rank")
    # a province merged into another (Hà Tây into Hà Nội, 2008) has its own rows while it was
    # ranked: it is counted apart, so that 63 provinces do not read as 64
    everyone = provinces()
    former = {n: everyone[str(codes[n])] for n in names if n in codes and everyone[str(codes[n])].merged_into}
    former_phrase = "".join(
        ctx.word(
            "alt.former_unit",
            name=name,
            into=everyone[str(unit.merged_into)].display_name(ctx.lang),
        )
        for name, unit in former.items()
    )
    alt = ctx.word(
        "alt.rank_heatmap",
        what=label,
        first=years[0],
        last=years[-1],
        n=len(names) - len(former),
        former=former_phrase,
        highlight=_highlight_phrase(ctx, [n for c, n in chosen.items() if c in set(codes)]),
    )
    return finish(
        ctx,
        fig,
        kind="rank_heatmap",
        name=name,
        data=data,
        title=title or ctx.word("title_heatmap", what=label),
        sources=index_sources(index, rows, ctx.lang),
        notes=notes,
        alt_text=alt,
    )


def _shade(i: int, n: int) -> tuple[float, float, float, float]:
    import matplotlib as mpl

    return mpl.colormaps[SEQUENTIAL + "_r"](i / max(n - 1, 1))


def _rank_ticks(n_max: int) -> FixedLocator:

    step = next(s for s in (1, 2, 5, 10, 20) if n_max / s <= 8)
    return FixedLocator([1, *range(step, n_max + 1, step)] if step > 1 else range(1, n_max + 1))


def ranked_bars(
    ctx: DrawingContext,
    rows: pd.DataFrame,
    year: int,
    colour_by: str = "tier",
    highlight: Sequence[str] | str = (),
    *,
    title: str | None = None,
    name: str = "ranked_list",
) -> ChartResult:
    """One year's units in rank order with their scores. A complete year draws every unit's bar,
    coloured by published tier or by rank quartile; a partial year ("top k of n published")
    draws a ranked dot list of what was published; fewer than two units give a :class:`NoChart`."""
    rows = display_names(rows, ctx.lang, UNIT_COLUMNS)  # names as readers know them
    index = str(rows["index"].iloc[0])
    chosen = highlight_codes(highlight, geography_of(rows), ctx.lang)
    data = rows[rows["year"].eq(year) & (rows["score"].notna() | rows["rank"].notna())].copy()
    coverage = year_coverage(rows[rows["year"].eq(year)])
    n_units = coverage["n_ranked"].iloc[0] if not coverage.empty else pd.NA
    label = what(ctx, rows)
    if len(data) < 2:
        return no_chart(
            ctx, kind="ranked_list", name=name, reason=_too_few(ctx, data, label, year, n_units), data=data
        )
    complete = bool(coverage["complete"].iloc[0]) and data["score"].notna().all()
    return ranked_list(
        ctx,
        data,
        index=index,
        year=year,
        label=label,
        n_units=n_units,
        complete=complete,
        chosen=chosen,
        colour_by=colour_by,
        title=title,
        name=name,
        notes=index_notes(index, data, ctx.lang),
        sources=index_sources(index, data, ctx.lang),
    )


def _too_few(ctx: DrawingContext, data: pd.DataFrame, label: str, year: int, n_units: object) -> str:
    if data.empty:
        return ctx.word("no_chart_nothing_published", what=label, year=year)
    row = data.iloc[0]
    facts = []
    if pd.notna(row["rank"]):
        facts.append(
            ctx.word("rank_of_n", rank=int(row["rank"]), n=int(n_units))  # type: ignore[call-overload]
            if pd.notna(n_units)
            else ctx.word("rank_only", rank=int(row["rank"]))
        )
    if pd.notna(row["score"]):
        facts.append(ctx.word("score_value", score=number(float(row["score"]), ctx.lang, 2)))
    return ctx.word(
        "no_chart_one_unit", what=label, year=year, province=row["province"], facts=", ".join(facts)
    )


def ranked_list(
    ctx: DrawingContext,
    data: pd.DataFrame,
    *,
    index: str,
    year: int,
    label: str,
    n_units: object,
    complete: bool,
    chosen: dict[str, str],
    colour_by: str = "tier",
    title: str | None,
    name: str,
    notes: Sequence[str],
    sources: Sequence[str],
    kind: str = "ranked_list",
    partial_note: bool = True,
) -> ChartResult:
    """Units of one year in rank (else score) order: bars when the year is complete, dots with
    "top k of n published" when it is not; x is the score, or the rank where no score is published."""
    data = data.copy()
    has_scores = data["score"].notna().sum() >= 2
    data = rank_order(data)  # the order of the table beside the chart and of its alt text
    k = len(data)
    fig, ax = new_figure(9, max(3.5, 0.2 * k + 2.5))
    y = np.arange(k)
    x = data["score"].astype(float) if has_scores else data["rank"].astype(float)
    extra_notes: list[str] = []
    legend: list[Patch | Line2D] = []
    if complete and has_scores:
        colours, legend, legend_title, note = _bar_colours(ctx, data, colour_by)
        ax.barh(y, x.to_numpy(), color=colours)
        extra_notes.append(note)
    else:
        colours = [HIGHLIGHTS[0] if c in chosen else OKABE_ITO[0] for c in data["province_code"]]
        ax.hlines(y, 0 if has_scores else 1, x.to_numpy(), color=CONTEXT, lw=1)
        ax.scatter(x.to_numpy(), y, color=colours, zorder=3, s=30)
        for yi in y[np.isnan(x.to_numpy(dtype=float))]:  # ranked, but no score published
            ax.text(
                0.01,
                yi,
                ctx.word("no_score"),
                transform=ax.get_yaxis_transform(),
                va="center",
                fontsize=7.5,
                color="#666666",
                fontstyle="italic",
            )
        legend_title = ""
    bases = data["rank_basis"] if "rank_basis" in data else pd.Series(None, index=data.index)
    any_rank = bool(data["rank"].notna().any())
    names = [  # a rank the project computed carries the mark, explained once in the footer
        # "– " stands for a missing rank beside ranked units; with no rank at all it is just noise
        f"{formatting.mark(str(int(r)), b, ctx.lang)}. {p}" if pd.notna(r) else (f"– {p}" if any_rank else p)
        for r, b, p in zip(data["rank"], bases, data["province"], strict=True)
    ]
    if any(formatting.has_mark(n, ctx.lang) for n in names):
        extra_notes.append(formatting.computed_legend(ctx.lang))
        notes = [n for n in notes if n != ctx.word("note_ranks_derived")]  # the legend says it
    ax.set_yticks(y, names, fontsize=8 if k < 40 else 7)
    ax.set_ylim(k - 0.5, -0.5)  # the best at the top
    for tick, code in zip(ax.get_yticklabels(), data["province_code"], strict=True):
        if code in chosen:
            tick.set_color(HIGHLIGHTS[0])
            tick.set_fontweight("bold")
    ax.grid(axis="y", visible=False)
    if has_scores:
        ax.set_xlabel(ctx.word("score"))
        if not complete:
            ax.set_xlim(min(0.0, float(np.nanmin(x))), float(np.nanmax(x)) * 1.05)  # stems from 0: length
    else:
        ax.set_xlabel(ctx.word("rank"))
        ax.set_xlim(0.5, float(np.nanmax(x)) + 0.5)
        rank_axis(ax.xaxis)
    if legend:
        ax.legend(handles=legend, title=legend_title, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    n_known = pd.notna(n_units)
    partial = not complete and n_known and k < int(n_units)  # type: ignore[call-overload]
    if partial:
        ranks = sorted(int(r) for r in data["rank"].dropna())
        top_k = ranks == list(range(1, k + 1))  # "top k" only when the published are ranks 1..k
        default_title = ctx.word(
            "title_year_partial" if top_k else "title_year_some",
            what=label,
            year=year,
            k=k,
            n=int(n_units),  # type: ignore[call-overload]
        )
        if partial_note:
            extra_notes.append(ctx.word("note_partial_list", k=k, n=int(n_units)))  # type: ignore[call-overload]
    else:
        default_title = ctx.word("title_year", what=label, year=year)
    if not has_scores:
        extra_notes.append(ctx.word("note_no_scores_ranks_drawn"))
    missing = [n for c, n in chosen.items() if c not in set(data["province_code"])]
    if missing:
        extra_notes.append(
            ctx.word("note_highlight_unpublished", names=join_words(missing, ctx.lang), year=year)
        )
    alt = ctx.word(
        "alt.ranked_list" if any_rank else "alt.ranked_list_no_ranks",
        what=label,
        year=year,
        k=k,
        of_n=ctx.word("alt.of_n", n=int(n_units)) if n_known else "",  # type: ignore[call-overload]
        measure=ctx.word("alt.by_score") if has_scores else ctx.word("alt.by_rank"),
        first=data["province"].iloc[0],
        highlight=_highlight_phrase(ctx, [n for c, n in chosen.items() if c in set(data["province_code"])]),
    )
    return finish(
        ctx,
        fig,
        kind=kind,
        name=name,
        data=data,
        title=title or default_title,
        sources=sources,
        notes=[*notes, *extra_notes],
        alt_text=alt,
    )


def _bar_colours(
    ctx: DrawingContext, data: pd.DataFrame, colour_by: str
) -> tuple[list[object], list[Patch | Line2D], str, str]:
    from ..analysis.rankings import quartile

    if colour_by == "tier" and "tier" in data and data["tier"].notna().any():
        colours = list(data["tier"].map(TIER_COLOURS).fillna(CONTEXT))
        present = set(data["tier"].dropna())
        legend: list[Patch | Line2D] = [
            Patch(color=c, label=ctx.word(TIER_KEYS[t]) if t in TIER_KEYS else t)
            for t, c in TIER_COLOURS.items()
            if t in present
        ]
        return colours, legend, ctx.word("tier"), ctx.word("note_tiers_published")
    quartiles = quartile(data)
    palette = dict(enumerate(OKABE_ITO[:4], start=1))
    colours = [palette.get(int(q), CONTEXT) if pd.notna(q) else CONTEXT for q in quartiles]
    legend = [
        Patch(color=palette[int(q)], label=ctx.word("quartile_n", q=int(q)))
        for q in sorted(quartiles.dropna().unique())
    ]
    return colours, legend, ctx.word("quartile"), ctx.word("note_quartiles")


def dumbbell(
    ctx: DrawingContext,
    rows: pd.DataFrame,
    first_year: int,
    last_year: int,
    highlight: Sequence[str] | str = (),
    *,
    title: str | None = None,
    name: str = "rank_change",
) -> ChartResult:
    """Each unit's rank in two years joined by a line (units ranked in both), rank 1 at the left.
    A series break between the years moves the first year to the first ranked year after it,
    and the footer names the break; fewer than two units ranked in both give a :class:`NoChart`."""
    rows = display_names(rows, ctx.lang, UNIT_COLUMNS)  # names as readers know them
    index = str(rows["index"].iloc[0])
    chosen = highlight_codes(highlight, geography_of(rows), ctx.lang)
    label = what(ctx, rows)
    ranked_years = sorted(int(y) for y in rows.loc[rows["rank"].notna(), "year"].unique())
    notes = []
    indicator = str(rows["indicator"].iloc[0])
    breaks = series_breaks(index, [first_year, last_year], indicator)
    if breaks:  # compare from the last break on: nothing before it is comparable with last_year
        after = [y for y in ranked_years if breaks[-1] <= y < last_year]
        if not after:
            reason = ctx.word("no_chart_break", what=label, first=first_year, last=last_year, year=breaks[-1])
            return no_chart(ctx, kind="rank_change", name=name, reason=reason)
        notes.append(ctx.word("note_compared_from", year=after[0], first=first_year))
        notes += [break_note(index, year, ctx.lang, indicator) for year in breaks]
        first_year = after[0]
    change = rank_change(rows, first_year, last_year) if first_year != last_year else rows.iloc[0:0]
    if first_year == last_year:
        reason = ctx.word("no_chart_one_year", what=label, year=last_year)
        return no_chart(ctx, kind="rank_change", name=name, reason=reason)
    if len(change) < 2:
        reason = ctx.word("no_chart_change", what=label, first=first_year, last=last_year, n=len(change))
        return no_chart(ctx, kind="rank_change", name=name, reason=reason, data=change)
    ranked = rows.loc[rows["year"].isin([first_year, last_year]), "n_ranked"]
    withheld = withheld_change(len(change), ranked, first_year, last_year, ctx.lang)
    if withheld is not None:  # the findings' rule: moves among a handful of units are no finding
        return no_chart(ctx, kind="rank_change", name=name, reason=str(withheld), data=change)
    data = change.sort_values("rank_last")
    fig, ax = new_figure(9, max(3.5, 0.2 * len(data) + 2.5))
    y = np.arange(len(data))
    colours = [HIGHLIGHTS[0] if c in chosen else CONTEXT for c in data["province_code"]]
    ax.hlines(y, data["rank_first"], data["rank_last"], color=colours, lw=2)
    ax.scatter(data["rank_first"], y, color=OKABE_ITO[5], label=str(first_year), zorder=3)
    ax.scatter(data["rank_last"], y, color=OKABE_ITO[0], label=str(last_year), zorder=3)
    ax.set_yticks(y, data["province"], fontsize=8 if len(data) < 40 else 7)
    for tick, code in zip(ax.get_yticklabels(), data["province_code"], strict=True):
        if code in chosen:
            tick.set_color(HIGHLIGHTS[0])
            tick.set_fontweight("bold")
    ax.set_ylim(len(data) - 0.5, -0.5)
    ax.set_xlim(0.5, float(max(data["rank_first"].max(), data["rank_last"].max())) + 0.5)
    rank_axis(ax.xaxis)
    ax.set_xlabel(ctx.word("rank"))
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    notes.append(ctx.word("note_ranked_both"))
    coverage = year_coverage(rows[rows["year"].isin([first_year, last_year])])
    notes.append(partial_years_note(ctx, coverage))
    up = int((data["rank_change"] > 0).sum())
    down = int((data["rank_change"] < 0).sum())
    alt = ctx.word(
        "alt.rank_change",
        what=label,
        first=first_year,
        last=last_year,
        n=len(data),
        up=up,
        down=down,
        highlight=_highlight_phrase(ctx, [n for c, n in chosen.items() if c in set(data["province_code"])]),
    )
    return finish(
        ctx,
        fig,
        kind="rank_change",
        name=name,
        data=data,
        title=title or ctx.word("title_change", what=label, first=first_year, last=last_year),
        sources=index_sources(index, rows, ctx.lang),
        notes=notes,
        alt_text=alt,
    )


def index_ranks_chart(
    ctx: DrawingContext,
    ranks: pd.DataFrame,
    province: str,
    *,
    title: str | None = None,
    name: str = "index_ranks",
) -> ChartResult:
    """One province's rank on every index over the years (one line per index, rank 1 at the top;
    gaps stay gaps; a series break cuts its index's line and is drawn)."""
    ranks = display_names(ranks, ctx.lang, UNIT_COLUMNS)  # names as readers know them
    ranks = ranks[ranks["rank"].notna()]
    if ranks.empty:
        return no_chart(
            ctx, kind="index_ranks", name=name, reason=ctx.word("no_chart_province_ranks", province=province)
        )
    if ranks["year"].nunique() < 2:  # one year is no line: say the ranks instead (review M7, L8)
        return no_chart(
            ctx, kind="index_ranks", name=name, reason=one_year_ranks(ctx, ranks, province), data=ranks
        )
    years = list(range(int(ranks["year"].min()), int(ranks["year"].max()) + 1))
    fig, ax = new_figure(10, 5.5)
    legend: list[Line2D] = []
    all_breaks = []
    for i, (index, group) in enumerate(ranks.groupby("index", sort=True)):
        series = group.set_index("year")["rank"].astype(float)
        breaks = series_breaks(str(index), series.index)
        colour = OKABE_ITO[i % 8]
        all_breaks += [(str(index), b, colour) for b in breaks]
        for part in segments(years, breaks):
            ax.plot(part, series.reindex(part).to_numpy(), marker="o", ms=4, color=colour)
        legend.append(Line2D([], [], color=colour, marker="o", label=index_short(str(index), ctx.lang)))
    for index, year, colour in all_breaks:  # in the index's colour, named with the index
        legend += draw_breaks(ctx, [ax], index, [year], colour, name_index=True)
    year_axis(ax, years)
    ax.set_xlabel(ctx.word("year"))
    ax.set_ylabel(ctx.word("rank"))
    ax.set_ylim(float(ranks["rank"].max()), 1)
    rank_axis(ax.yaxis)
    ax.legend(handles=legend, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    counts = sorted({int(n) for n in ranks["n_ranked"].dropna()}) if "n_ranked" in ranks else []
    among = (
        formatting.number(counts[0], ctx.lang)
        if len(counts) == 1
        else f"{counts[0]}–{counts[-1]}"
        if counts
        else "–"
    )
    notes = [ctx.word("note_ranks_among_units", n=among), ctx.word("note_missing_point")]
    notes += [
        ctx.word(
            "note_index_break", index=index_short(index, ctx.lang), note=break_note(index, year, ctx.lang)
        )
        for index, year, _ in all_breaks
    ]
    if "rank_basis" in ranks and ranks["rank_basis"].eq("computed").any():
        notes.append(ctx.word("note_ranks_derived"))
    indices = sorted(ranks["index"].unique())
    sources = [s for index in indices for s in index_sources(str(index), None, ctx.lang)]
    alt = ctx.word(
        "alt.index_ranks",
        province=province,
        indices=join_words([index_short(str(i), ctx.lang) for i in indices], ctx.lang),
        first=years[0],
        last=years[-1],
        best=int(ranks["rank"].min()),
        worst=int(ranks["rank"].max()),
    )
    return finish(
        ctx,
        fig,
        kind="index_ranks",
        name=name,
        data=ranks,
        title=title or ctx.word("title_index_ranks", province=province),
        sources=sources,
        notes=notes,
        alt_text=alt,
    )


def one_year_ranks(ctx: DrawingContext, ranks: pd.DataFrame, province: str) -> str:
    """The sentence that replaces a unit's chart of ranks over time when its ranks are of one year:
    "Ho Chi Minh City: DTI 2024 only, rank 4 / 34; a chart over time needs at least two years."
    (the rank marked † where computed, its count of units left out where no source gives it)."""
    rows = ranks.sort_values("index")
    each = [
        ctx.word(
            "one_year_rank",
            index=index_short(str(r.index), ctx.lang),
            year=int(r.year),
            rank=formatting.rank(
                r.rank, getattr(r, "n_ranked", None), ctx.lang, getattr(r, "rank_basis", None)
            ),
        )
        for r in rows.itertuples(index=False)
    ]
    return ctx.word("no_chart_one_year_ranks", province=province, ranks="; ".join(each))


LEGEND_LABEL_CHARS = 22  # a legend entry beside a chart's axes wraps at this many characters


def profile_chart(
    ctx: DrawingContext,
    profile: pd.DataFrame,
    province: str,
    index: str,
    year: int,
    *,
    title: str | None = None,
    name: str = "profile",
    label: str | None = None,
    members_mean: bool = False,
) -> ChartResult:
    """A province's sub-indicator scores against the best province of the year
    (``profile`` as :func:`egov_analysis.analysis.rankings.profile` returns it), and against the
    median province where ``profile`` has a ``median_score`` column
    (:func:`egov_analysis.analysis.profiles.subindex_profile`). ``label``: the legend's name for
    the province's bars (a merged unit's derived mean says so), the province's name by default;
    ``members_mean``: the bars are the mean of a unit's member provinces (computed), as the title
    and the alt text say."""
    profile = display_names(profile, ctx.lang, UNIT_COLUMNS)  # names as readers know them
    province = display_name(province, ctx.lang)  # "TP. Hồ Chí Minh", never the bare registry name
    parts = formatting.index_parts(index, ctx.lang)
    mark = messages.text("tables.computed_mark", ctx.lang)
    data = profile.copy()
    if data.empty:
        reason = ctx.word(
            "no_chart_profile", province=province, index=index_short(index, ctx.lang), year=year, parts=parts
        )
        return no_chart(ctx, kind="profile", name=name, reason=reason)
    fig, ax = new_figure(9, max(4, 0.45 * len(data) + 2.5))
    y = np.arange(len(data))
    ax.barh(y - 0.2, data["best_score"].astype(float), height=0.4, color=CONTEXT, label=ctx.word("best"))
    # a legend entry beside the axes is wrapped (a merged unit's "Tuyên Quang, trung bình các tỉnh
    # hợp thành†"), or the sub-index names and the legend would not both fit the width
    own = textwrap.fill(label or province, LEGEND_LABEL_CHARS)
    ax.barh(y + 0.2, data["score"].astype(float), height=0.4, color=HIGHLIGHTS[0], label=own)
    if "median_score" in data:  # the median province of the year, as a tick across both bars
        ax.scatter(
            data["median_score"].astype(float),
            y,
            marker="|",
            s=260,
            linewidths=2,
            color="#000000",
            label=textwrap.fill(messages.text("atlas.column.median", ctx.lang), LEGEND_LABEL_CHARS),
            zorder=3,
        )
    ax.set_yticks(
        y,
        [
            ctx.word("indicator_with_best", indicator=indicator_name(ctx, i, index), best=b)
            for i, b in zip(data["indicator"], data["best_province"], strict=True)
        ],
        fontsize=8,
    )
    ax.set_ylim(len(data) - 0.5, -0.5)
    ax.set_xlabel(ctx.word("score"))
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    notes = [ctx.word("note_best_named", year=year)]
    unpublished = data.loc[data["score"].isna(), "indicator"]
    if not unpublished.empty:
        notes.append(
            ctx.word(
                "note_no_score_for",
                province=province,
                indicators=join_words([indicator_name(ctx, i, index) for i in unpublished], ctx.lang),
            )
        )
    if index == "papi":
        notes.append(ctx.word("note_papi_dimensions"))
    sources = index_sources(index, None, ctx.lang)
    if "n_third_party" in data and data["n_third_party"].fillna(0).sum() > 0:
        # the best and the median rest on every province's values: a third party compiled some
        sources += third_party_years(index, [year], ctx.lang)
        notes.append(
            ctx.word(
                "note_third_party_share",
                n=int(data["n_third_party"].fillna(0).sum()),
                total=int(data["n_scored"].fillna(0).sum()),
            )
        )
    if "median_score" in data:
        notes.append(ctx.word("note_median_computed_profile"))
    alt = ctx.word(
        "alt.profile_mean" if members_mean else "alt.profile",
        province=province,
        index=index_short(index, ctx.lang),
        year=year,
        n=len(data),
        n_published=int(data["score"].notna().sum()),
        parts=parts,
        mark=mark,
    )
    return finish(
        ctx,
        fig,
        kind="profile",
        name=name,
        data=data,
        title=title
        or ctx.word(
            "title_profile_mean" if members_mean else "title_profile",
            province=province,
            index=index_short(index, ctx.lang),
            year=year,
            mark=mark,
        ),
        sources=sources,
        notes=notes,
        alt_text=alt,
    )
