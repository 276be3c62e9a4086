"""Charts of the programme as its sources state it and of the province's outcomes on every index:
stages with their stated periods, budget items with their counts (no yearly amounts from
totals), yearly tranches, ranks on the seven indices around the programme, and a score against
the national distribution. Every word comes from the catalogue (family ``programme.chart``).

Each function takes a :class:`~egov_analysis.plots.chart.DrawingContext` first and returns a
:class:`~egov_analysis.plots.chart.Chart` (its data written as CSV beside the PNG and SVG).
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..analysis.phases import counts_text
from ..formatting import mark, year_range
from ..meta.messages import text
from .chart import Chart, DrawingContext
from .footer import break_note, chart_sources_and_notes, series_breaks, third_party_years
from .footer import finish as finish_chart
from .layout import new_figure, new_grid
from .ranks import indicator_name
from .theme import MISSING, OKABE_ITO, number

NOT_HELD = "#9A9A9A"


def word(key: str, lang: str, **fields: Any) -> str:
    return text(f"programme.chart.{key}", lang, **fields)


def finish(
    ctx: DrawingContext,
    fig: Figure,
    *,
    kind: str,
    name: str,
    data: pd.DataFrame,
    title: str,
    sources: list[str],
    notes: list[str],
    alt: str = "",
) -> Chart:
    """The plots package's finish: title, footer, layout, PNG + SVG + CSV; ``alt`` says what the
    chart shows (without one: its title and where its data are)."""
    alt = alt or word("alt", ctx.lang, title=title, n=len(data))
    return finish_chart(
        ctx, fig, kind=kind, name=name, data=data, title=title, sources=sources, notes=notes, alt_text=alt
    )


def _name_column(lang: str) -> str:
    return text("programme.name_column", lang)


def stages_chart(ctx: DrawingContext, phases: pd.DataFrame, *, name: str = "stages") -> Chart:
    """Every stage as each source states it: one bar per stage and source, in time order; a stage
    with no stated end is drawn hatched to the year of the source that speaks of it."""
    rows = phases.sort_values(["start_year", "compare_group", "phase_id"], kind="stable").reset_index(
        drop=True
    )
    fig, ax = new_figure(11, 0.55 * len(rows) + 2)
    groups = {g: i for i, g in enumerate(dict.fromkeys(rows["compare_group"]))}
    for y, row in rows.iterrows():
        colour = OKABE_ITO[groups[row["compare_group"]] % 7]
        open_end = pd.isna(row["end_year"])
        end = row["known_until"] if open_end and pd.notna(row["known_until"]) else row["end_year"]
        end = row["start_year"] if pd.isna(end) else end
        ax.barh(
            y,
            float(end) - float(row["start_year"]) + 1,
            left=float(row["start_year"]) - 0.5,
            height=0.6,
            color=colour,
            alpha=0.45 if open_end or not row["in_programme"] else 0.85,
            hatch="///" if open_end else None,
            edgecolor=colour,
        )
        period = f"{row['start_year']}–{'' if open_end else row['end_year']}"
        ax.text(float(end) + 0.6, y, period, va="center", fontsize=7, color="#333333")
    labels = [textwrap.fill(str(n), 30) for n in rows[_name_column(ctx.lang)]]
    ax.set_yticks(range(len(rows)), labels, fontsize=7.5)
    ax.invert_yaxis()
    ax.set_xlabel(word("year", ctx.lang))
    ax.set_xlim(2010.3, 2027.5)
    ax.grid(axis="y", visible=False)
    stage_columns = ["phase_id", "kind", "in_programme", "start_year", "end_year", "known_until", "stated_as"]
    data = rows[[*stage_columns, "legal_basis", "source_url", "source_title", "source_date"]]
    notes = [word("note_open_end", ctx.lang)] if rows["end_year"].isna().any() else []
    return finish(
        ctx,
        fig,
        kind="stages",
        name=name,
        data=data,
        title=word("stages_title", ctx.lang),
        sources=[word("sources_programme", ctx.lang)],
        notes=notes,
        alt=word(
            "alt_stages",
            ctx.lang,
            n=len(rows),
            years=year_range(
                rows["start_year"].min(), pd.concat([rows["end_year"], rows["known_until"]]).max()
            ),
            open=int(rows["end_year"].isna().sum()),
        ),
    )


def budget_chart(
    ctx: DrawingContext, items: pd.DataFrame, base_year: int, *, name: str = "budget_items"
) -> Chart:
    """Each budget item for the period its source gives, nominal beside real (derived), labelled
    with the period and the counts of projects and tasks (``items`` from
    :func:`egov_analysis.analysis.phases.budget_items`). No per-year amount is drawn for a total."""
    rows = items.reset_index(drop=True)
    fig, ax = new_figure(11, 0.6 * len(rows) + 2)
    y = np.arange(len(rows))
    ax.barh(
        y - 0.2,
        rows["amount_bn_vnd"].astype(float),
        height=0.4,
        color=OKABE_ITO[0],
        label=word("nominal", ctx.lang),
    )
    ax.barh(
        y + 0.2,
        rows["amount_real_bn_vnd"].astype(float),
        height=0.4,
        color=OKABE_ITO[1],
        label=mark(word("real", ctx.lang, year=base_year), "derived", ctx.lang),  # derived amounts
    )
    counts = rows.apply(counts_text, axis=1, lang=ctx.lang)
    labels = [
        " · ".join(
            [text(f"programme.basis.{basis}", ctx.lang), text(f"programme.level.{level}", ctx.lang), period]
        )
        + (f" · {c}" if c else "")
        for basis, level, period, c in zip(rows["basis"], rows["level"], rows["period"], counts, strict=True)
    ]
    # the alt text reads as a sentence ("tổng số (dự kiến, 2012)"), not as the tick's "a · b · c"
    phrases = [
        word(
            "budget_item_phrase",
            ctx.lang,
            level=text(f"programme.level.{level}", ctx.lang),
            basis=text(f"programme.basis.{basis}", ctx.lang),
            period=period,
        )
        for basis, level, period in zip(rows["basis"], rows["level"], rows["period"], strict=True)
    ]
    ax.set_yticks(y, labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(word("billion_vnd", ctx.lang))
    ax.legend(fontsize=8, loc="lower right")
    for yi, value in zip(y, rows["amount_bn_vnd"].astype(float), strict=True):
        ax.text(value, yi - 0.2, f" {number(value, ctx.lang, 1)}", va="center", fontsize=7)
    money = ["phase_id", "item", "level", "basis", "period", "amount_vnd", "amount_real_vnd", "base_year"]
    counts_sources = [
        "n_projects",
        "n_tasks",
        "n_projects_or_tasks",
        "source_url",
        "source_title",
        "source_date",
    ]
    data = rows[[*money, "real_basis", *counts_sources]]
    return finish(
        ctx,
        fig,
        kind="budget_items",
        name=name,
        data=data,
        title=word("budget_title", ctx.lang),
        sources=[word("sources_programme", ctx.lang)],
        notes=[word("note_totals", ctx.lang), word("note_real", ctx.lang)],
        alt=_largest_item_alt(ctx, rows, phrases, base_year),
    )


def _largest_item_alt(ctx: DrawingContext, rows: pd.DataFrame, labels: list[str], base_year: int) -> str:
    amounts = rows["amount_bn_vnd"].astype(float).to_numpy()
    if np.isnan(amounts).all():
        return ""
    at = int(np.nanargmax(amounts))  # by position; a missing amount is never "the largest"
    return word(
        "alt_budget",
        ctx.lang,
        n=len(rows),
        year=base_year,
        item=labels[at],
        amount=number(float(amounts[at]), ctx.lang, 1),
    )


def tranches_chart(
    ctx: DrawingContext, by_year: pd.DataFrame, base_year: int, *, name: str = "tranches"
) -> Chart:
    """The yearly tranches a source states (``by_year`` from
    :func:`egov_analysis.analysis.phases.budget_by_year`), nominal beside real (derived)."""
    fig, ax = new_figure(8, 4.5)
    x = by_year["year"].astype(int).to_numpy()
    ax.bar(
        x - 0.2,
        by_year["amount_vnd"].astype(float) / 1e9,
        width=0.4,
        color=OKABE_ITO[0],
        label=word("nominal", ctx.lang),
    )
    ax.bar(
        x + 0.2,
        by_year["amount_real_vnd"].astype(float) / 1e9,
        width=0.4,
        color=OKABE_ITO[1],
        label=mark(word("real", ctx.lang, year=base_year), "derived", ctx.lang),  # derived amounts
    )
    ax.set_xticks(x, [str(v) for v in x])
    ax.set_ylabel(word("billion_vnd", ctx.lang))
    ax.legend(fontsize=8)
    return finish(
        ctx,
        fig,
        kind="tranches",
        name=name,
        data=by_year,
        title=word("tranches_title", ctx.lang),
        sources=[word("sources_programme", ctx.lang)],
        notes=[word("note_real", ctx.lang)],
        alt=_tranches_alt(ctx, by_year, base_year),
    )


def _tranches_alt(ctx: DrawingContext, by_year: pd.DataFrame, base_year: int) -> str:
    amounts = by_year["amount_vnd"].astype(float) / 1e9
    if by_year.empty or amounts.isna().all():
        return ""
    at = int(np.nanargmax(amounts.to_numpy()))  # a missing amount is never "the largest"
    years = by_year["year"].astype(int)
    return word(
        "alt_tranches",
        ctx.lang,
        years=year_range(years.min(), years.max()),
        year=base_year,
        largest=number(float(amounts.iloc[at]), ctx.lang, 1),
        largest_year=int(years.iloc[at]),
    )


def _programme_span(ax: Axes, spans: pd.DataFrame) -> None:
    programme = spans[spans["in_programme"]]
    ax.axvspan(
        float(programme["first_year"].min()) - 0.5, float(programme["last_year"].max()) + 0.5, color="#E8F1F8"
    )
    ax.axvline(float(programme["first_year"].min()) - 0.5, color=OKABE_ITO[0], lw=0.8, ls="--")


def outcomes_rank_chart(
    ctx: DrawingContext,
    outcomes: pd.DataFrame,
    spans: pd.DataFrame,
    province: str,
    *,
    panels: tuple[tuple[str, str], ...] = (
        ("pci", "overall"),
        ("papi", "overall"),
        ("papi", "e_governance"),
        ("par", "overall"),
        ("sipas", "overall"),
        ("ict", "overall"),
        ("dti", "overall"),
        ("egov_mic", "overall"),
    ),
    name: str = "outcomes_ranks",
) -> Chart:
    """The province's rank on every index, one panel each, the programme's span shaded. The line
    stops at every gap and series break (a dotted line marks the break, the footer says what
    changed): editions without a value held are grey crosses at the bottom, editions with a score
    but no rank hollow squares there, years without an edition are left empty."""
    fig, axes = new_grid(13, 7, 2, (len(panels) + 1) // 2, sharex=True)
    rows, notes, unranked_any = [], [], False
    years = pd.to_numeric(outcomes["year"], errors="coerce").dropna()
    last = max(2024, int(years.max()) if len(years) else 2024)  # a later edition stays on the axes
    for ax, (index, indicator) in zip(axes.flat, panels, strict=False):
        part = outcomes[outcomes["index"].eq(index) & outcomes["indicator"].eq(indicator)]
        part = part.sort_values("year", kind="stable")
        rows.append(part)
        _programme_span(ax, spans)
        held = part[part["rank"].notna()]
        editions = part[part["status"].isin(["held", "not held"])]
        breaks = series_breaks(index, editions["year"].astype(int), indicator)
        # a rank only where one is held: the line stops at a missing edition instead of bridging it
        ranks = editions["rank"].astype(float).where(editions["rank"].notna())
        ax.plot(*_gapped(editions["year"], ranks, breaks), "o-", color=OKABE_ITO[3], ms=4, lw=1.2)
        top = max(63, int(held["rank"].max()) if len(held) else 63)
        # editions without a rank go in a strip below the ranks, so that no mark reads as rank 63
        strip = top + 8
        missing = part[part["status"].eq("not held")]
        ax.plot(missing["year"].astype(int), [strip] * len(missing), "x", color=NOT_HELD, ms=5)
        unranked = part[part["status"].eq("held") & part["rank"].isna()]
        unranked_any |= not unranked.empty
        ax.plot(unranked["year"].astype(int), [strip] * len(unranked), "s", mfc="none", color=NOT_HELD, ms=5)
        ax.axhline(top + 4, color="#BBBBBB", lw=0.8)
        ticks = [1, *range(10, top + 1, 10)]
        ax.set_yticks([*ticks, strip], [*map(str, ticks), word("no_rank", ctx.lang)])
        for year in breaks:
            ax.axvline(year - 0.5, color="#333333", lw=1.2, ls=":")  # dotted: the dashed line is the start
        notes += [
            f"{text(f'programme.index.{index}', ctx.lang)}: {break_note(index, y, ctx.lang, indicator)}"
            for y in breaks
        ]
        ax.set_ylim(strip + 3, 0)
        key = "e_governance" if indicator == "e_governance" else index
        ax.set_title(text(f"programme.index.{key}", ctx.lang), fontsize=9)
        ax.set_xlim(2004.5, last + 0.5)
        ax.set_xticks(range(2005, last + 1, 5))
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[len(panels) :]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel(word("rank", ctx.lang), fontsize=8)
    data = pd.concat(rows, ignore_index=True)
    sources, computed = chart_sources_and_notes(data, ctx.lang)  # publishers, classes, computed ranks
    return finish(
        ctx,
        fig,
        kind="outcomes_ranks",
        name=name,
        data=data,
        title=word("outcomes_title", ctx.lang, province=province),
        sources=sources,
        notes=[
            word("note_not_held", ctx.lang),
            *([word("note_score_no_rank", ctx.lang)] if unranked_any else []),
            *dict.fromkeys(notes),
            *computed,
        ],
        alt=_outcomes_alt(ctx, data, province, len(panels)),
    )


def _outcomes_alt(ctx: DrawingContext, data: pd.DataFrame, province: str, n: int) -> str:
    held = data[data["rank"].notna()]
    if held.empty:
        return ""
    best = held.sort_values(["rank", "year"], kind="stable").iloc[0]
    key = "e_governance" if best["indicator"] == "e_governance" else best["index"]
    return word(
        "alt_outcomes",
        ctx.lang,
        province=province,
        n=n,
        best=int(best["rank"]),
        index=text(f"programme.index.{key}", ctx.lang),
        year=int(best["year"]),
    )


def score_distribution_chart(
    ctx: DrawingContext,
    outcomes: pd.DataFrame,
    spans: pd.DataFrame,
    province: str,
    index: str,
    indicator: str = "overall",
    *,
    name: str | None = None,
) -> Chart:
    """The province's score against the national middle half and median and its regional peers'
    median, years with a complete national list only for the band (partial lists are not a
    distribution)."""
    part = outcomes[outcomes["index"].eq(index) & outcomes["indicator"].eq(indicator)].copy()
    fig, ax = new_figure(10, 5)
    _programme_span(ax, spans)
    breaks = series_breaks(index, part["year"].astype(int), indicator)
    complete = part[part["national_complete"].fillna(False).astype(bool)]
    years, q1 = _gapped(complete["year"], complete["national_q1"], breaks)
    _, q3 = _gapped(complete["year"], complete["national_q3"], breaks)
    ax.fill_between(years, q1, q3, color="#CCCCCC", alpha=0.6, label=word("national_iqr", ctx.lang))
    ax.plot(
        *_gapped(complete["year"], complete["national_median"], breaks),
        color="#666666",
        lw=1,
        marker="o",  # a year alone between two breaks (PCI 2005) is a point, not nothing
        ms=3,
        label=word("national_median", ctx.lang),
    )
    ax.plot(
        *_gapped(complete["year"], complete["peers_median"], breaks),
        color=OKABE_ITO[2],
        lw=1,
        ls="--",
        marker="o",
        ms=3,
        label=word("peers_median", ctx.lang),
    )
    own = part[part["score"].notna()]
    ax.plot(*_gapped(own["year"], own["score"], breaks), "o-", color=OKABE_ITO[3], label=province)
    for year in breaks:  # no line joins the years a series break separates
        ax.axvline(
            year - 0.5,
            color="#333333",
            ls="--",
            lw=1,
            label=text("chart.legend_series_break", ctx.lang, year=year),
        )
    ax.set_xlabel(word("year", ctx.lang))
    ax.set_ylabel(word("score", ctx.lang))
    ax.legend(fontsize=8, loc="upper left")
    key = "e_governance" if indicator == "e_governance" else index
    title = word("scores_title", ctx.lang, province=province, index=text(f"programme.index.{key}", ctx.lang))
    sources, computed = chart_sources_and_notes(own, ctx.lang)
    # the band and medians are computed from every province's scores: whose they are, said too
    compiled = complete.loc[complete["national_third_party"].fillna(False).astype(bool), "year"]
    own_compiled = own.loc[own["source_class"].eq("third_party_compilation").fillna(False), "year"]
    sources = [*sources[:1], *third_party_years(index, {*compiled, *own_compiled}, ctx.lang)]
    return finish(
        ctx,
        fig,
        kind="score_distribution",
        name=name or f"{index}_{indicator}_distribution",
        data=part,
        title=title,
        sources=sources,
        notes=[
            *(break_note(index, year, ctx.lang, indicator) for year in breaks),
            text("chart.note_medians_computed", ctx.lang),
            *computed,  # the sums marked, the printed years named, computed ranks
        ],
        alt=_distribution_alt(ctx, own, province, index, text(f"programme.index.{key}", ctx.lang)),
    )


def _distribution_alt(
    ctx: DrawingContext, own: pd.DataFrame, province: str, index_id: str, index: str
) -> str:
    from .. import formatting

    if own.empty:
        return word("alt_distribution_empty", ctx.lang, province=province, index=index)
    ordered = own.sort_values("year", kind="stable")
    first, last = ordered.iloc[0], ordered.iloc[-1]
    return word(
        "alt_distribution",
        ctx.lang,
        province=province,
        index=index,
        first=int(first["year"]),
        first_score=formatting.score(float(first["score"]), index_id, ctx.lang),
        last=int(last["year"]),
        last_score=formatting.score(float(last["score"]), index_id, ctx.lang),
    )


def _gapped(years: pd.Series, values: pd.Series, breaks: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """``years`` and ``values`` as floats with a gap (NaN) half a year before each series break,
    so that a line drawn through them stops at the break."""
    x = years.astype(int).to_numpy(dtype=float)
    y = values.astype(float).to_numpy()
    for year in breaks:
        if (x < year).any() and (x >= year).any():
            at = int(np.searchsorted(x, year))
            x, y = np.insert(x, at, year - 0.5), np.insert(y, at, np.nan)
    return x, y


def subindex_rank_chart(
    ctx: DrawingContext,
    outcomes: pd.DataFrame,
    spans: pd.DataFrame,
    province: str,
    index: str = "pci",
    *,
    name: str | None = None,
) -> Chart:
    """The province's rank on each sub-indicator of ``index`` by year (a cell per published
    rank, grey where the edition has no value held), the programme's first year marked."""
    rows = outcomes[outcomes["index"].eq(index) & outcomes["indicator"].ne("overall")]
    matrix = rows.pivot_table(index="indicator", columns="year", values="rank", aggfunc="first")
    years = sorted(rows["year"].astype(int).unique())
    matrix = matrix.reindex(columns=years).astype(float)
    fig, ax = new_figure(12, 0.38 * len(matrix) + 2.4)
    ax.set_facecolor(MISSING)
    image = ax.imshow(matrix.to_numpy(), aspect="auto", cmap="cividis_r", vmin=1, vmax=63)
    ax.set_xticks(range(len(years)), [str(y) for y in years], fontsize=7, rotation=90)
    names = [textwrap.fill(indicator_name(ctx, i), 22) for i in matrix.index]
    ax.set_yticks(range(len(matrix)), names, fontsize=7.5)
    ax.grid(False)
    programme = spans[spans["in_programme"]]
    first = int(programme["first_year"].min())
    if first in years:
        ax.axvline(years.index(first) - 0.5, color=OKABE_ITO[3], lw=1.5)
    colourbar = fig.colorbar(image, ax=ax, shrink=0.8)
    colourbar.set_label(word("rank", ctx.lang), fontsize=8)
    colourbar.ax.invert_yaxis()
    # a series break of any sub-indicator drawn (dashed) and said; the same break is said once
    break_notes: dict[int, str] = {}
    for indicator in matrix.index:
        for year in series_breaks(index, years, str(indicator)):
            break_notes.setdefault(year, break_note(index, year, ctx.lang, str(indicator)))
    for year in break_notes:
        ax.axvline(years.index(year) - 0.5, color="#333333", lw=1.2, ls="--")
    sources, computed = chart_sources_and_notes(rows, ctx.lang)
    return finish(
        ctx,
        fig,
        kind="subindex_ranks",
        name=name or f"{index}_subindex_ranks",
        data=rows,
        title=word(
            "subindex_title", ctx.lang, province=province, index=text(f"programme.index.{index}", ctx.lang)
        ),
        sources=sources,
        notes=[word("note_not_held_cells", ctx.lang), *break_notes.values(), *computed],
        alt=word(
            "alt_subindex",
            ctx.lang,
            province=province,
            n=len(matrix),
            index=text(f"programme.index.{index}", ctx.lang),
            years=year_range(years[0], years[-1]) if years else "",
        ),
    )
