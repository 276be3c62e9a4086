"""Charts of the synthetic-control analysis (:mod:`egov_analysis.analysis.counterfactual`): the
province against its synthetic control, the placebo gaps, the distribution of post/pre RMSPE
ratios, leave-one-out runs and the donor weights. Each writes its data as CSV beside the figure."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ..analysis.counterfactual import SyntheticControlResult, placebo_runs
from ..analysis.counterfactual_intervals import years_excluding_zero
from ..analysis.counterfactual_reading import SIGNIFICANCE
from ..analysis.counterfactual_study import CounterfactualStudy, pool_name
from ..formatting import level_percent, year_range
from ..meta.messages import plural, text
from ..provinces import display_name
from .chart import Chart, DrawingContext
from .footer import break_note, series_breaks
from .layout import new_figure, new_grid
from .programme_outcomes import finish, word
from .theme import OKABE_ITO, join_words, number

PLACEBO = "#BBBBBB"


def _with_gaps(frame: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Every year from the first to the last present, a year left out as NaN: lines break there
    instead of joining the years on either side."""
    years = range(int(frame["year"].min()), int(frame["year"].max()) + 1)
    if by is None:
        return frame.set_index("year").reindex(years).rename_axis("year").reset_index()
    parts = [
        g.set_index("year").reindex(years).rename_axis("year").reset_index().assign(**{by: key})
        for key, g in frame.groupby(by, sort=False)
    ]
    return pd.concat(parts, ignore_index=True)


def _common(ctx: DrawingContext, result: SyntheticControlResult) -> tuple[str, int, list[str], list[str]]:
    fit = result.fit.iloc[0]
    notes = [word("note_scm", ctx.lang, pre_years=fit["pre_years"])]
    left = result.years[~result.years["used"]]
    if not left.empty:
        notes.append(word("note_years_left_out", ctx.lang, years=", ".join(map(str, left["year"]))))
    province = display_name(str(fit["province"]), ctx.lang)  # TP. Hồ Chí Minh, not the bare name
    return province, int(fit["start_year"]), [word("sources_pci", ctx.lang)], notes


def _actual_and_synthetic(ax: Axes, gaps: pd.DataFrame, province: str, lang: str) -> None:
    """The province's score and its synthetic control's, by year."""
    ax.plot(
        gaps["year"], gaps["actual"], "o-", color=OKABE_ITO[3], label=word("actual", lang, province=province)
    )
    ax.plot(
        gaps["year"],
        gaps["synthetic"],
        "s--",
        color=OKABE_ITO[0],
        label=word("synthetic", lang, province=province),
    )


def _breaks(ax: Axes, years: pd.Series, lang: str) -> list[str]:
    """The PCI's series breaks inside ``years`` drawn as dashed lines; their footer notes."""
    breaks = series_breaks("pci", years.dropna().astype(int))
    for year in breaks:
        ax.axvline(
            year - 0.5,
            color="#333333",
            lw=1,
            ls="--",
            label=text("chart.legend_series_break", lang, year=year),
        )
    return [break_note("pci", year, lang) for year in breaks]


def _start_line(ax: Axes, start: int, label: str | None = None) -> None:
    """The programme's first year marked: a dotted line between it and the year before."""
    ax.axvline(start - 0.5, color="#666666", lw=0.8, ls=":", label=label)


def _year_axes(ax: Axes, ylabel: str, lang: str) -> None:
    """The x label (year), ``ylabel`` (a ``programme.chart`` key) and the legend of a chart by year."""
    ax.set_xlabel(word("year", lang))
    ax.set_ylabel(word(ylabel, lang))
    ax.legend(fontsize=8)


def gap_chart(
    ctx: DrawingContext,
    result: SyntheticControlResult,
    intervals: pd.DataFrame | None = None,
    *,
    name: str = "scm_chart_gap",
) -> Chart:
    """The province's score and its synthetic control by year, the programme's start marked;
    with ``intervals`` (:func:`~egov_analysis.analysis.counterfactual_study.intervals_for`), the
    scores without the programme that the conformal test does not reject (actual − upper …
    actual − lower) as a band around the synthetic control."""
    province, start, sources, notes = _common(ctx, result)
    gaps = result.gaps
    fig, ax = new_figure(10, 5)
    _actual_and_synthetic(ax, gaps, province, ctx.lang)
    if intervals is not None and not intervals.empty:
        band = intervals.merge(gaps[["year", "actual"]], on="year")
        level = level_percent(float(intervals["level"].iloc[0]), ctx.lang)
        ax.fill_between(
            band["year"],
            band["actual"] - band["upper"],
            band["actual"] - band["lower"],
            color=OKABE_ITO[0],
            alpha=0.18,
            lw=0,
            label=word("band_counterfactual", ctx.lang, level=level),
        )
        notes = [*notes, word("note_conformal", ctx.lang, level=level)]
    _start_line(ax, start, word("treatment", ctx.lang, year=start))
    notes = [*notes, *_breaks(ax, gaps["year"], ctx.lang)]  # the gap spans the break: it is drawn
    _year_axes(ax, "score", ctx.lang)
    return finish(
        ctx,
        fig,
        kind="scm_gap",
        name=name,
        data=result.gaps,
        title=word("gap_title", ctx.lang, province=province),
        sources=sources,
        notes=notes,
        alt=word(
            "alt_scm_gap",
            ctx.lang,
            province=province,
            years=year_range(gaps["year"].min(), gaps["year"].max()),
            start=start,
            gap=_points(result.fit.iloc[0]["mean_post_gap"], ctx.lang),
        ),
    )


def placebo_chart(
    ctx: DrawingContext, result: SyntheticControlResult, *, name: str = "scm_chart_placebo_gaps"
) -> Chart:
    """Every placebo run's gap in grey, the province's in colour."""
    province, start, sources, notes = _common(ctx, result)
    fig, ax = new_figure(10, 5)
    runs = _with_gaps(result.placebo_gaps, by="province_code")
    runs["role"] = runs.groupby("province_code")["role"].transform(lambda r: r.ffill().bfill())
    for i, (_code, run) in enumerate(runs[runs["role"].eq("placebo")].groupby("province_code")):
        ax.plot(
            run["year"],
            run["gap"],
            color=PLACEBO,
            lw=0.8,
            label=word("placebo", ctx.lang) if i == 0 else None,
        )
    own = runs[runs["role"].eq("treated")]
    ax.plot(own["year"], own["gap"], "o-", color=OKABE_ITO[3], lw=2, label=province)
    ax.axhline(0, color="#333333", lw=0.6)
    _start_line(ax, start)
    _year_axes(ax, "gap", ctx.lang)
    return finish(
        ctx,
        fig,
        kind="scm_placebos",
        name=name,
        data=result.placebo_gaps,
        title=word("placebo_title", ctx.lang, province=province),
        sources=sources,
        notes=notes,
        alt=word(
            "alt_scm_placebos",
            ctx.lang,
            province=province,
            n=number(placebo_runs(result.placebos), ctx.lang),
            start=start,
            gap=_points(result.fit.iloc[0]["mean_post_gap"], ctx.lang),
        ),
    )


def ratio_chart(
    ctx: DrawingContext, result: SyntheticControlResult, *, name: str = "scm_chart_ratios"
) -> Chart:
    """The post/pre RMSPE ratio of every run (log scale), the province marked: its rank among
    the runs is the permutation p-value."""
    province, _start, sources, notes = _common(ctx, result)
    table = result.placebos.sort_values("rmspe_ratio").reset_index(drop=True)
    fig, ax = new_figure(10, 5)
    colours = [OKABE_ITO[3] if r == "treated" else PLACEBO for r in table["role"]]
    ax.bar(np.arange(len(table)), table["rmspe_ratio"], color=colours)
    ax.set_yscale("log")
    ax.set_xticks([])
    ax.set_xlabel(word("ratio_units", ctx.lang, province=province))  # one bar per province
    ax.set_ylabel(word("ratio", ctx.lang))
    treated = table.index[table["role"].eq("treated")][0]
    ax.annotate(
        province,
        (treated, table.loc[treated, "rmspe_ratio"]),
        xytext=(0, 8),
        textcoords="offset points",
        ha="center",
        fontsize=8,
        color=OKABE_ITO[3],
    )
    return finish(
        ctx,
        fig,
        kind="scm_ratios",
        name=name,
        data=result.placebos,
        title=word("ratio_title", ctx.lang, province=province),
        sources=sources,
        notes=notes,
        alt=word(
            "alt_scm_ratios",
            ctx.lang,
            province=province,
            n=number(len(table), ctx.lang),
            ratio=_points(table.loc[treated, "rmspe_ratio"], ctx.lang),
            rank=number(int(result.fit.iloc[0]["rank"]), ctx.lang),
        ),
    )


def leave_one_out_chart(
    ctx: DrawingContext, result: SyntheticControlResult, *, name: str = "scm_chart_leave_one_out"
) -> Chart:
    """The province, its synthetic control, and the synthetic control without each largest donor."""
    province, start, sources, notes = _common(ctx, result)
    fig, ax = new_figure(10, 5)
    gaps = _with_gaps(result.gaps)
    _actual_and_synthetic(ax, gaps, province, ctx.lang)
    left_out = result.leave_one_out  # empty (no columns) when the analysis left no donor out
    runs = _with_gaps(left_out, by="dropped") if not left_out.empty else pd.DataFrame(columns=["dropped"])
    for i, (dropped, run) in enumerate(runs.groupby("dropped", sort=False)):
        ax.plot(
            run["year"],
            run["synthetic"],
            ":",
            color=OKABE_ITO[(i + 4) % 7],
            label=word("without", ctx.lang, name=display_name(dropped, ctx.lang)),
        )
    _start_line(ax, start)
    notes = [*notes, *_breaks(ax, result.gaps["year"], ctx.lang)]
    _year_axes(ax, "score", ctx.lang)
    data = (
        left_out.merge(result.gaps[["year", "actual"]], on="year", how="left")
        if not left_out.empty
        else result.gaps
    )
    return finish(
        ctx,
        fig,
        kind="scm_leave_one_out",
        name=name,
        data=data,
        title=word("loo_title", ctx.lang, province=province),
        sources=sources,
        notes=notes,
        alt=word(
            "alt_scm_leave_one_out",
            ctx.lang,
            province=province,
            n=number(int(left_out["dropped"].nunique()) if not left_out.empty else 0, ctx.lang),
            donors=join_words(
                [display_name(d, ctx.lang) for d in dict.fromkeys(left_out["dropped"].astype(str))]
                if not left_out.empty
                else [],
                ctx.lang,
            ),
        ),
    )


def weights_chart(
    ctx: DrawingContext,
    result: SyntheticControlResult,
    *,
    min_weight: float = 0.001,
    name: str = "scm_chart_weights",
) -> Chart:
    """Donors with a weight of at least ``min_weight`` (all weights are in the CSV)."""
    province, _start, sources, notes = _common(ctx, result)
    shown = result.weights[result.weights["weight"] >= min_weight]
    fig, ax = new_figure(8, 0.4 * len(shown) + 1.8)
    ax.barh(range(len(shown)), shown["weight"], color=OKABE_ITO[0])
    ax.set_yticks(range(len(shown)), [display_name(p, ctx.lang) for p in shown["province"]], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(word("weight", ctx.lang))
    return finish(
        ctx,
        fig,
        kind="scm_weights",
        name=name,
        data=result.weights,
        title=word("weights_title", ctx.lang, province=province),
        sources=sources,
        notes=notes,
        alt=_weights_alt(ctx, shown, province),
    )


def _weights_alt(ctx: DrawingContext, shown: pd.DataFrame, province: str) -> str:
    if shown.empty:
        return ""  # the chart's title and where its data are
    largest = shown.sort_values("weight", ascending=False, kind="stable").iloc[0]
    return word(
        "alt_scm_weights",
        ctx.lang,
        province=province,
        n=number(len(shown), ctx.lang),
        largest=display_name(str(largest["province"]), ctx.lang),
        weight=_points(largest["weight"], ctx.lang, 3),
    )


def _gap_with_band(
    ax: Axes, gaps: pd.DataFrame, bands: pd.DataFrame, start: int, lang: str, label: str
) -> None:
    """The gap by year, its conformal band in the post-period, zero and the start marked."""
    ax.fill_between(bands["year"], bands["lower"], bands["upper"], color=OKABE_ITO[3], alpha=0.2, lw=0)
    ax.plot(gaps["year"], gaps["gap"], "o-", color=OKABE_ITO[3], lw=1.6, ms=4, label=label)
    ax.axhline(0, color="#333333", lw=0.6)
    _start_line(ax, start)


def interval_chart(
    ctx: DrawingContext, result: CounterfactualStudy, *, name: str = "scm_chart_gap_intervals"
) -> Chart:
    """The gap (province − synthetic control) by year with its conformal interval in every
    post-period year as a band; the data are the interval table (``year, gap, lower, upper,
    method, level``)."""
    province, start, sources, notes = _common(ctx, result.main)
    bands = result.intervals
    level = level_percent(float(bands["level"].iloc[0]), ctx.lang)
    fig, ax = new_figure(10, 5)
    _gap_with_band(
        ax,
        _with_gaps(result.main.gaps),
        bands,
        start,
        ctx.lang,
        word("gap_line", ctx.lang, province=province),
    )
    ax.fill_between(
        [], [], [], color=OKABE_ITO[3], alpha=0.2, lw=0, label=word("band", ctx.lang, level=level)
    )
    notes = [
        *notes,
        word("note_conformal", ctx.lang, level=level),
        *_breaks(ax, result.main.gaps["year"], ctx.lang),
    ]
    _year_axes(ax, "gap", ctx.lang)
    covers_zero = len(bands) - years_excluding_zero(bands)  # the page's sentence's count
    return finish(
        ctx,
        fig,
        kind="scm_intervals",
        name=name,
        data=bands,
        title=word("intervals_title", ctx.lang, province=province),
        sources=sources,
        notes=notes,
        alt=plural(
            "programme.chart.alt_scm_intervals",
            ctx.lang,
            len(bands),  # "of 1 year" / "of 11 years"
            province=province,
            years=year_range(bands["year"].min(), bands["year"].max()),
            level=level,
            n_zero=number(covers_zero, ctx.lang),
            n=number(len(bands), ctx.lang),
        ),
    )


def robustness_chart(
    ctx: DrawingContext, result: CounterfactualStudy, *, name: str = "scm_chart_robustness"
) -> Chart:
    """The robustness card: above, the mean post-period gap of each check (the main estimate, the
    in-time placebo, the second estimator, each restricted donor pool, leave-one-out); below, the
    placebo p-value over all runs, each pre-fit screen and each restricted donor pool."""
    province, _start, sources, notes = _common(ctx, result.main)
    card = result.robustness.reset_index(drop=True)
    estimates = card[card["check"].ne("placebo_screen")].reset_index(drop=True)
    tests = card[card["p_value"].notna() & card["check"].isin(["main", "placebo_screen", "donor_pool"])]
    tests = tests.reset_index(drop=True)
    fig, axes = new_grid(
        10,
        0.42 * (len(estimates) + len(tests)) + 3.2,
        2,
        1,
        height_ratios=[len(estimates), max(1, len(tests))],
    )
    left, right = axes[0][0], axes[1][0]  # estimates above, tests below
    labels = [check_label(r, ctx.lang) for r in estimates.itertuples()]
    colours = [OKABE_ITO[3] if c == "main" else OKABE_ITO[5] if c == "in_time_placebo" else OKABE_ITO[0]
               for c in estimates["check"]]  # fmt: skip
    y = np.arange(len(estimates))
    left.scatter(estimates["mean_post_gap"], y, color=colours, zorder=3)
    left.axvline(0, color="#333333", lw=0.6)
    main_gap = float(card.loc[card["check"].eq("main"), "mean_post_gap"].iloc[0])
    left.axvline(main_gap, color=OKABE_ITO[3], lw=0.8, ls=":")
    left.set_yticks(y, labels, fontsize=8)
    left.invert_yaxis()
    left.set_xlabel(word("mean_gap", ctx.lang))
    p_labels = [_test_label(r, ctx.lang) for r in tests.itertuples()]
    right.barh(np.arange(len(tests)), tests["p_value"], color=OKABE_ITO[0])
    right.axvline(
        SIGNIFICANCE, color="#333333", lw=0.8, ls="--", label="p = " + number(SIGNIFICANCE, ctx.lang, 1)
    )
    right.set_yticks(np.arange(len(tests)), p_labels, fontsize=8)
    right.invert_yaxis()
    right.set_xlim(0, 1)
    right.set_xlabel(word("p_value", ctx.lang))
    right.legend(fontsize=8, loc="lower right")
    # the in-time placebo (pre-programme years) is no estimate of the effect: the range the text
    # gives ("6 estimates, from 5.15 to 6.67") leaves it out, and so does the alt text
    effect = estimates[estimates["check"].ne("in_time_placebo")]
    spread = effect["mean_post_gap"].dropna()
    in_time = estimates.loc[estimates["check"].eq("in_time_placebo"), "mean_post_gap"].dropna()
    return finish(
        ctx,
        fig,
        kind="scm_robustness",
        name=name,
        data=card,
        title=word("robustness_title", ctx.lang, province=province),
        sources=sources,
        notes=[*notes, word("note_robustness", ctx.lang)],
        alt=word(
            "alt_scm_robustness",
            ctx.lang,
            province=province,
            n=number(len(spread), ctx.lang),
            placebo=word("alt_scm_in_time", ctx.lang, gap=_points(in_time.iloc[0], ctx.lang))
            if not in_time.empty
            else "",
            low=_points(spread.min(), ctx.lang),
            high=_points(spread.max(), ctx.lang),
            gap=_points(main_gap, ctx.lang),
            p_low=_points(tests["p_value"].min(), ctx.lang, 3),
            p_high=_points(tests["p_value"].max(), ctx.lang, 3),
            threshold=number(SIGNIFICANCE, ctx.lang, 1),
        ),
    )


def check_label(row: Any, lang: str) -> str:
    """A row of the robustness card as a short label (catalogue ``programme.chart.check_*``)."""
    if row.check == "leave_one_out":
        dropped = display_name(str(row.variant).removeprefix("without "), lang)  # TP. Hồ Chí Minh
        return word("check_leave_one_out", lang, name=dropped)
    if row.check == "in_time_placebo":
        return word("check_in_time_placebo", lang, year=int(row.start_year))
    if row.check == "placebo_screen":
        return word(f"check_screen_{str(row.variant).split('_')[-1]}", lang)
    if row.check == "donor_pool":
        n = "–" if pd.isna(row.n_donors) else int(row.n_donors)
        return word("check_donor_pool", lang, pool=pool_name(str(row.donor_pool), lang), n=n)
    return word(f"check_{row.check}", lang)


def _test_label(row: Any, lang: str) -> str:
    """A placebo test of the robustness card as a short label, with its number of runs."""
    runs = int(row.n_runs)
    if row.check == "placebo_screen":
        return word(f"test_screen_{str(row.variant).split('_')[-1]}", lang, n=runs)
    if row.check == "donor_pool":
        return word("test_donor_pool", lang, pool=pool_name(str(row.donor_pool), lang), n=runs)
    return word("test_all", lang, n=runs)


def subindex_chart(
    ctx: DrawingContext, result: CounterfactualStudy, *, name: str = "scm_chart_subindices"
) -> Chart:
    """One panel per PCI sub-index: the gap by year with its conformal band; the years are those
    held complete for every province."""
    province, start, sources, notes = _common(ctx, result.main)
    gaps = result.subindex_gaps
    indicators = list(dict.fromkeys(gaps["indicator"])) if not gaps.empty else []
    fig, axes = new_grid(11, 3.6, 1, max(1, len(indicators)), sharey=True)
    for ax, indicator in zip(axes[0], indicators, strict=False):
        rows = _with_gaps(gaps[gaps["indicator"].eq(indicator)].drop(columns="indicator"))
        bands = rows.dropna(subset=["lower"])
        _gap_with_band(ax, rows, bands, start, ctx.lang, word("gap", ctx.lang))
        ax.set_title(text(f"names.indicator.pci.{indicator}", ctx.lang), fontsize=10)
        ax.set_xlabel(word("year", ctx.lang))
    axes[0][0].set_ylabel(word("gap", ctx.lang))
    level = level_percent(float(result.subindices["level"].dropna().iloc[0]), ctx.lang) if indicators else "–"
    used = result.subindices.get("post_years", pd.Series(dtype=str)).dropna()
    # the main analysis's years left out are not the sub-indices': say which years these use
    notes = [
        word("note_scm", ctx.lang, pre_years=result.main.fit.iloc[0]["pre_years"]),
        word("note_subindex_years", ctx.lang, years=str(used.iloc[0]) if len(used) else "–"),
        word("note_conformal", ctx.lang, level=level),
        word("note_subindex_break", ctx.lang),
    ]
    return finish(
        ctx,
        fig,
        kind="scm_subindices",
        name=name,
        data=gaps,
        title=word("subindex_scm_title", ctx.lang, province=province),
        sources=sources,
        notes=notes,
        alt=word(
            "alt_scm_subindices",
            ctx.lang,
            province=province,
            n=number(len(indicators), ctx.lang),
            names=join_words([text(f"names.indicator.pci.{i}", ctx.lang) for i in indicators], ctx.lang),
            years=str(used.iloc[0]) if len(used) else "–",
            level=level,
        ),
    )


def _points(value: Any, lang: str, decimals: int = 2) -> str:
    """A number of the analysis (gap, ratio, weight) in ``lang``'s format, or "–" when missing."""
    return "–" if value is None or pd.isna(value) else number(float(value), lang, decimals)


__all__ = [
    "gap_chart",
    "interval_chart",
    "leave_one_out_chart",
    "placebo_chart",
    "ratio_chart",
    "robustness_chart",
    "subindex_chart",
    "weights_chart",
]
