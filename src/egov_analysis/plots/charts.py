"""One function per chart kind. Each takes tidy frames, draws with the project's theme, puts the
sources and notes in a footer, and (given ``out_dir``) saves PNG, SVG and the chart's data as CSV.
Missing values are drawn as missing, never filled."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath

from ..meta import indices as index_registry
from .figure import add_footer, missing_years_note, new_figure, save
from .theme import CONTEXT, HIGHLIGHT, MISSING, OKABE_ITO, SEQUENTIAL, TIER_COLOURS, label

PAPI_BREAK_YEAR = 2018


def index_sources(index: str, rows: pd.DataFrame | None = None) -> list[str]:
    info = index_registry()[index]
    text = f"{info.name} ({info.publisher})"
    if rows is not None and "source_url" in rows:
        text += f", {rows['source_url'].nunique()} published source(s) listed in the chart's CSV"
    return [text]


def index_notes(index: str, rows: pd.DataFrame, lang: str = "en") -> list[str]:
    notes = []
    years = sorted(rows["year"].dropna().astype(int).unique())
    if years:
        notes.append(missing_years_note(years, years[0], years[-1], lang))
    if index == "papi" and years and years[0] < PAPI_BREAK_YEAR <= years[-1]:
        notes.append(
            "series break in 2018: PAPI's overall score sums 6 dimensions to 2017, 8 from 2018"
            if lang == "en"
            else "chuỗi bị gián đoạn năm 2018: 6 lĩnh vực đến 2017, 8 từ 2018"
        )
    if "rank_basis" in rows and rows["rank_basis"].eq("computed").any():
        notes.append(
            "some ranks are derived (list order, printed moves or complete score lists)"
            if lang == "en"
            else "một số thứ hạng được tính toán"
        )
    if "score_basis" in rows and rows["score_basis"].eq("computed").any():
        notes.append(
            "scores marked computed are sums of published parts"
            if lang == "en"
            else "một số điểm là tổng các thành phần đã công bố"
        )
    if index_registry()[index].note:
        notes.append(index_registry()[index].note)
    return notes


def _finish(
    fig: Figure,
    data: pd.DataFrame,
    name: str,
    sources: Sequence[str],
    notes: Sequence[str],
    lang: str,
    out_dir: Path | None,
) -> Figure:
    fig.egov_footer = add_footer(fig, sources, notes, lang)  # type: ignore[attr-defined]
    fig.egov_data = data  # type: ignore[attr-defined]
    fig.egov_paths = save(fig, data, name, Path(out_dir)) if out_dir is not None else []  # type: ignore[attr-defined]
    return fig


def show(fig: Figure) -> object:
    """What a notebook should display for a chart: the saved PNG (embedded in the notebook and its
    HTML whatever the matplotlib backend), else the figure itself."""
    paths = getattr(fig, "egov_paths", [])
    if paths:
        from IPython.display import Image

        return Image(filename=str(paths[0]))
    return fig


def bump_chart(
    rows: pd.DataFrame,
    highlight: Sequence[str] = (),
    top_n: int = 10,
    *,
    lang: str = "en",
    title: str = "",
    out_dir: Path | None = None,
    name: str = "bump_chart",
) -> Figure:
    """Rank lines over time: the last year's top ``top_n`` and the highlighted provinces (codes).
    A year without a rank breaks the line."""
    last = rows.loc[rows["rank"].notna(), "year"].max()
    keep = set(rows[(rows["year"] == last) & (rows["rank"] <= top_n)]["province_code"]) | set(highlight)
    data = rows[rows["province_code"].isin(keep)].sort_values(["province_code", "year"])
    years = sorted(rows["year"].unique())
    fig, ax = new_figure(11, 6.5)
    for i, (code, group) in enumerate(data.groupby("province_code", sort=True)):
        series = group.set_index("year")["rank"].reindex(years).astype("float")
        is_highlight = code in highlight
        colour = HIGHLIGHT if is_highlight else OKABE_ITO[i % 7] if not highlight else CONTEXT
        ax.plot(
            years,
            series.to_numpy(),
            marker="o",
            lw=3 if is_highlight else 1.5,
            color=colour,
            zorder=3 if is_highlight else 2,
        )
        known = series.dropna()
        if not known.empty:
            ax.annotate(
                group["province"].iloc[0],
                (known.index[-1], known.iloc[-1]),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
                color=colour,
                fontweight="bold" if is_highlight else "normal",
            )
    ax.invert_yaxis()
    ax.set_xlabel(label("year", lang))
    ax.set_ylabel(label("rank", lang))
    ax.set_xticks(years)
    ax.tick_params(axis="x", labelrotation=45)
    ax.set_title(title)
    index = rows["index"].iloc[0]
    return _finish(fig, data, name, index_sources(index, data), index_notes(index, rows, lang), lang, out_dir)


def rank_heatmap(
    rows: pd.DataFrame,
    highlight: Sequence[str] = (),
    *,
    lang: str = "en",
    title: str = "",
    out_dir: Path | None = None,
    name: str = "rank_heatmap",
) -> Figure:
    """Province × year ranks; grey cells are province-years without a published rank."""
    from ..analysis.rankings import rank_matrix

    years = list(range(int(rows["year"].min()), int(rows["year"].max()) + 1))
    matrix = rank_matrix(rows, years)
    fig, ax = new_figure(max(8, 0.45 * len(years) + 3), max(6, 0.16 * len(matrix) + 2))
    cmap = plt.get_cmap(SEQUENTIAL + "_r").copy()
    cmap.set_bad(MISSING)
    image = ax.imshow(np.ma.masked_invalid(matrix.to_numpy(dtype=float)), aspect="auto", cmap=cmap)
    ax.set_xticks(range(len(years)), years, rotation=45)
    names = list(matrix.index)
    codes = rows.drop_duplicates("province").set_index("province")["province_code"]
    ax.set_yticks(range(len(names)), names, fontsize=7)
    for tick, province in zip(ax.get_yticklabels(), names, strict=True):
        if codes.get(province) in highlight:
            tick.set_color(HIGHLIGHT)
            tick.set_fontweight("bold")
    ax.grid(False)
    fig.colorbar(image, ax=ax, label=label("rank", lang), shrink=0.6)
    ax.legend(
        handles=[Patch(color=MISSING, label=label("no_data", lang))],
        loc="upper right",
        bbox_to_anchor=(1.0, 1.08),
        fontsize=8,
        frameon=False,
    )
    ax.set_title(title)
    index = rows["index"].iloc[0]
    data = matrix.reset_index().melt(id_vars="province", var_name="year", value_name="rank")
    return _finish(fig, data, name, index_sources(index, rows), index_notes(index, rows, lang), lang, out_dir)


def ranked_bars(
    rows: pd.DataFrame,
    year: int,
    colour_by: str = "tier",
    highlight: Sequence[str] = (),
    *,
    lang: str = "en",
    title: str = "",
    out_dir: Path | None = None,
    name: str = "ranked_bars",
) -> Figure:
    """Scores of one year, best first, coloured by published tier or by rank quartile."""
    from ..analysis.rankings import quartile

    data = rows[rows["year"].eq(year) & rows["score"].notna()].copy()
    data = data.sort_values("score", ascending=False)
    data["quartile"] = quartile(data)
    use_tier = colour_by == "tier" and data["tier"].notna().any()
    if use_tier:
        colours = data["tier"].map(TIER_COLOURS).fillna(CONTEXT)
        legend = [Patch(color=c, label=t) for t, c in TIER_COLOURS.items() if t in set(data["tier"])]
        legend_title = label("tier", lang)
    else:
        palette = dict(enumerate(OKABE_ITO[:4], start=1))
        colours = data["quartile"].map(lambda q: palette.get(q, CONTEXT) if pd.notna(q) else CONTEXT)
        legend = [Patch(color=palette[q], label=f"Q{q}") for q in sorted(data["quartile"].dropna().unique())]
        legend_title = label("quartile", lang)
    fig, ax = new_figure(9, max(5, 0.17 * len(data) + 1.5))
    ax.barh(data["province"], data["score"], color=list(colours))
    ax.invert_yaxis()
    ax.tick_params(axis="y", labelsize=7)
    for tick, code in zip(ax.get_yticklabels(), data["province_code"], strict=True):
        if code in highlight:
            tick.set_color(HIGHLIGHT)
            tick.set_fontweight("bold")
    ax.set_xlabel(label("score", lang))
    ax.legend(handles=legend, title=legend_title, fontsize=8, loc="lower right")
    ax.set_title(title)
    index = rows["index"].iloc[0]
    notes = index_notes(index, data, lang)
    n_ranked = data["n_ranked"].max()
    if pd.notna(n_ranked) and len(data) < n_ranked:
        notes.append(
            f"{len(data)} of {n_ranked} ranked units have a published score"
            if lang == "en"
            else f"{len(data)}/{n_ranked} đơn vị có điểm công bố"
        )
    if not use_tier:
        notes.append(
            "quartiles from rank and the number of units ranked"
            if lang == "en"
            else "nhóm tứ phân vị theo thứ hạng"
        )
    return _finish(fig, data, name, index_sources(index, data), notes, lang, out_dir)


def dumbbell(
    change: pd.DataFrame,
    first_year: int,
    last_year: int,
    highlight: Sequence[str] = (),
    index: str = "pci",
    *,
    lang: str = "en",
    title: str = "",
    out_dir: Path | None = None,
    name: str = "rank_change",
) -> Figure:
    """Each unit's rank in two years joined by a line (units ranked in both years)."""
    data = change.sort_values("rank_last")
    fig, ax = new_figure(9, max(5, 0.17 * len(data) + 1.5))
    y = np.arange(len(data))
    colours = [HIGHLIGHT if c in highlight else CONTEXT for c in data["province_code"]]
    ax.hlines(y, data["rank_first"], data["rank_last"], color=colours, lw=2)
    ax.scatter(data["rank_first"], y, color=OKABE_ITO[5], label=str(first_year), zorder=3)
    ax.scatter(data["rank_last"], y, color=OKABE_ITO[0], label=str(last_year), zorder=3)
    ax.set_yticks(y, data["province"], fontsize=7)
    ax.invert_yaxis()
    ax.invert_xaxis()
    ax.set_xlabel(label("rank", lang))
    ax.legend(fontsize=8)
    ax.set_title(title)
    notes = ["only units ranked in both years" if lang == "en" else "chỉ các đơn vị có hạng cả hai năm"]
    return _finish(fig, data, name, index_sources(index), notes, lang, out_dir)


def profile_chart(
    profile: pd.DataFrame,
    province: str,
    index: str,
    year: int,
    *,
    lang: str = "en",
    title: str = "",
    out_dir: Path | None = None,
    name: str = "profile",
) -> Figure:
    """A province's sub-indicator scores against the best province of the year."""
    data = profile.copy()
    fig, ax = new_figure(9, max(4, 0.45 * len(data) + 1.5))
    y = np.arange(len(data))
    ax.barh(y - 0.2, data["best_score"], height=0.4, color=CONTEXT, label=label("best", lang))
    ax.barh(y + 0.2, data["score"].astype(float), height=0.4, color=HIGHLIGHT, label=province)
    ax.set_yticks(
        y, [f"{i} ({b})" for i, b in zip(data["indicator"], data["best_province"], strict=True)], fontsize=8
    )
    ax.invert_yaxis()
    ax.set_xlabel(label("score", lang))
    ax.legend(fontsize=8)
    ax.set_title(title)
    notes = [f"best province of {year} named beside each indicator"]
    if data["score"].isna().any():
        notes.append(
            f"{province} has no published score for: "
            + ", ".join(data.loc[data["score"].isna(), "indicator"])
        )
    if index == "papi":
        notes.append("PAPI dimensions are sums of published sub-dimensions (derived)")
    return _finish(fig, data, name, index_sources(index), notes, lang, out_dir)


def outline_path(geography: str) -> Path:
    """The project's outlines for a map of the 63 provinces ("63") or of the 34 units ("34")."""
    from ..analysis.rankings import geography_name
    from ..config import paths

    return paths().raw / "geo" / f"{geography_name(geography)}.geojson"


def _draw_geometry(ax: plt.Axes, geometry: dict, colour: str, hatch: str | None = None) -> None:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    for polygon in polygons:
        vertices, codes = [], []
        for ring in polygon:
            vertices += ring
            codes += [MplPath.MOVETO] + [MplPath.LINETO] * (len(ring) - 2) + [MplPath.CLOSEPOLY]
        ax.add_patch(
            PathPatch(MplPath(vertices, codes), facecolor=colour, edgecolor="white", lw=0.3, hatch=hatch)
        )


def choropleth(
    values: pd.DataFrame,
    geometry_path: Path,
    value_column: str = "score",
    *,
    lang: str = "en",
    title: str = "",
    legend_label: str = "",
    sources: Sequence[str] = (),
    notes: Sequence[str] = (),
    out_dir: Path | None = None,
    name: str = "map",
) -> Figure:
    """A map of provinces (or of the 2025 units) coloured by ``value_column``; units without a
    value are light grey and hatched."""
    features = json.loads(Path(geometry_path).read_text(encoding="utf-8"))["features"]
    by_code = values.set_index("province_code")[value_column]
    known = by_code.dropna().astype(float)
    norm = Normalize(known.min(), known.max()) if not known.empty else Normalize(0, 1)
    cmap = plt.get_cmap(SEQUENTIAL)
    fig, ax = new_figure(6.5, 9)
    for feature in features:
        value = by_code.get(feature["properties"]["code"])
        missing = value is None or pd.isna(value)
        _draw_geometry(
            ax,
            feature["geometry"],
            MISSING if missing else cmap(norm(float(value))),
            "///" if missing else None,
        )
    ax.autoscale_view()
    ax.set_aspect("equal")
    ax.axis("off")
    fig.colorbar(
        plt.cm.ScalarMappable(norm=norm, cmap=cmap),
        ax=ax,
        shrink=0.5,
        label=legend_label or label("score", lang),
    )
    ax.legend(
        handles=[Patch(facecolor=MISSING, hatch="///", label=label("no_data", lang))],
        loc="lower left",
        fontsize=8,
    )
    ax.set_title(title)
    outline = features[0]["properties"]  # every feature carries the same source and note
    all_notes = [*notes, f"outlines: {outline['note']}"]
    return _finish(fig, values, name, [*sources, outline["source_url"]], all_notes, lang, out_dir)


def _nominal_real_bars(
    ax: plt.Axes, nominal: pd.Series, real: pd.Series, base_year: int, lang: str
) -> np.ndarray:
    """Nominal and real amounts side by side, one pair per row; returns the x positions."""
    x = np.arange(len(nominal))
    ax.bar(x - 0.2, nominal, width=0.4, color=OKABE_ITO[0], label=label("nominal", lang))
    ax.bar(x + 0.2, real, width=0.4, color=OKABE_ITO[1], label=label("real", lang, year=base_year))
    ax.set_ylabel(label("billion_vnd", lang))
    ax.legend(fontsize=8)
    return x


def phase_budget_chart(
    totals: pd.DataFrame,
    base_year: int,
    *,
    lang: str = "en",
    title: str = "",
    out_dir: Path | None = None,
    name: str = "phase_budget",
) -> Figure:
    """Budget per phase and basis, nominal beside real (base-year VND), in billion VND."""
    data = totals.copy()
    data["label"] = data["phase_id"] + "\n(" + data["basis"] + ")"
    fig, ax = new_figure(9, 5.5)
    x = _nominal_real_bars(
        ax, data["amount_vnd"] / 1e9, data["amount_real_vnd"].astype(float) / 1e9, base_year, lang
    )
    for xi, value in zip(x, data["amount_vnd"] / 1e9, strict=True):
        ax.annotate(f"{value:,.1f}", (xi - 0.2, value), ha="center", va="bottom", fontsize=8)
    ax.set_xticks(x, data["label"], fontsize=8)
    ax.set_title(title)
    notes = [
        f"real amounts are derived: prices of the year each amount was stated moved to {base_year} "
        "with GSO's annual average CPI",
        "planned, approved and spent amounts are not added together",
    ]
    return _finish(
        fig,
        data,
        name,
        ["Quảng Ninh programme facts (egov-analysis data/processed/budget)", "GSO / World Bank CPI"],
        notes,
        lang,
        out_dir,
    )


def budget_items_chart(
    items: pd.DataFrame,
    base_year: int,
    *,
    lang: str = "en",
    title: str = "",
    out_dir: Path | None = None,
    name: str = "budget_items",
) -> Figure:
    """Every budget item (totals and yearly tranches), nominal and real, in billion VND."""
    data = items.copy()
    data["label"] = data["item"] + "\n" + data["period"] + " (" + data["basis"] + ")"
    fig, ax = new_figure(10, 5.5)
    x = _nominal_real_bars(
        ax, data["amount_bn_vnd"], data["amount_real_bn_vnd"].astype(float), base_year, lang
    )
    ax.set_xticks(x, data["label"], fontsize=7, rotation=20, ha="right")
    ax.set_title(title)
    notes = ["tranches are parts of their phase's total", f"real amounts derived with CPI, base {base_year}"]
    return _finish(fig, data, name, sorted(set(data["source_url"])), notes, lang, out_dir)


def goals_chart(
    goals: pd.DataFrame,
    *,
    lang: str = "en",
    title: str = "",
    out_dir: Path | None = None,
    name: str = "goals",
) -> Figure:
    """Targets against what was achieved, per goal; goals without a published result say so."""
    data = goals.copy()
    fig, ax = new_figure(10, max(4, 0.5 * len(data) + 1.5))
    y = np.arange(len(data))
    ax.barh(y - 0.2, data["target"].astype(float), height=0.4, color=CONTEXT, label=label("target", lang))
    ax.barh(
        y + 0.2,
        data["achieved"].astype(float).fillna(0),
        height=0.4,
        color=OKABE_ITO[2],
        label=label("achieved", lang),
    )
    for yi, (status, unit) in enumerate(zip(data["status"], data["unit"].fillna(""), strict=True)):
        ax.annotate(
            f"{status} ({unit})",
            (0, yi + 0.2),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=7,
        )
    ax.set_yticks(y, data["phase_id"].fillna("—") + ": " + data["goal"], fontsize=7)
    ax.invert_yaxis()
    ax.set_xscale("symlog")
    ax.legend(fontsize=8)
    ax.set_title(title)
    notes = ["'unknown': no source publishes what was achieved", "log scale: units differ per goal"]
    return _finish(fig, data, name, sorted(set(data["source_url"])), notes, lang, out_dir)


def milestone_timeline_chart(
    timeline: pd.DataFrame,
    phases: pd.DataFrame,
    *,
    lang: str = "en",
    title: str = "",
    out_dir: Path | None = None,
    name: str = "milestones",
) -> Figure:
    """Dated milestones on a timeline, with the programme's phases as shaded spans."""
    data = timeline.copy()
    fig, ax = new_figure(11, max(5, 0.28 * len(data) + 1.5))
    for i, phase in enumerate(phases.itertuples()):
        ax.axvspan(phase.start_year - 0.5, phase.end_year + 0.5, color=OKABE_ITO[i % 7], alpha=0.08)
        ax.text(
            phase.start_year - 0.45, -0.9 - 0.6 * (i % 2), phase.phase_id, fontsize=7, color=OKABE_ITO[i % 7]
        )
    y = np.arange(len(data))
    ax.scatter(data["year_start"].astype(int), y, color=OKABE_ITO[0], zorder=3)
    for yi, row in zip(y, data.itertuples(), strict=True):
        text = f"{row.metric}: {row.value_as_printed} {row.unit if isinstance(row.unit, str) else ''}"
        ax.annotate(
            text[:90],
            (row.year_start, yi),
            xytext=(5, 0),
            textcoords="offset points",
            va="center",
            fontsize=6.5,
        )
    ax.set_yticks([])
    ax.invert_yaxis()
    ax.set_xlabel(label("year", lang))
    ax.set_title(title)
    notes = [
        "facts without a year are not placed on the timeline",
        "qualifiers (>, ~) are part of the printed value",
    ]
    return _finish(fig, data, name, [*sorted(set(data["source_url"]))[:6], "…see CSV"], notes, lang, out_dir)


def ranks_with_phases(
    context: pd.DataFrame,
    phases: pd.DataFrame,
    province: str,
    index: str,
    *,
    lang: str = "en",
    title: str = "",
    out_dir: Path | None = None,
    name: str = "ranks_phases",
) -> Figure:
    """The province's rank per year beside its regional peers and the national median score's
    rank position, with the programme's phases shaded."""
    data = context.copy()
    years = sorted(data["year"].unique())
    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(10, 8), sharex=True)
    for i, phase in enumerate(phases.itertuples()):
        for axis in (ax, ax2):
            axis.axvspan(phase.start_year - 0.5, phase.end_year + 0.5, color=OKABE_ITO[i % 7], alpha=0.08)
        ax2.text(
            phase.start_year - 0.45,
            1.0 - 0.06 * (i % 3),
            phase.phase_id,
            fontsize=7,
            color=OKABE_ITO[i % 7],
            va="top",
            transform=ax2.get_xaxis_transform(),
        )
    for _code, group in data[data["role"].eq("regional peer")].groupby("province_code"):
        series = group.set_index("year")["rank"].reindex(years).astype(float)
        ax.plot(years, series.to_numpy(), color=CONTEXT, lw=1)
    own = data[data["role"].eq("province")].set_index("year")
    ax.plot(
        years,
        own["rank"].reindex(years).astype(float).to_numpy(),
        color=HIGHLIGHT,
        lw=3,
        marker="o",
        label=province,
    )
    ax.plot([], [], color=CONTEXT, label=label("peers", lang))
    ax.invert_yaxis()
    ax.set_ylabel(label("rank", lang))
    ax.legend(fontsize=8)
    median = data.drop_duplicates("year").set_index("year")["median_score"].reindex(years)
    ax2.plot(
        years, median.astype(float).to_numpy(), color=OKABE_ITO[0], marker="s", label=label("median", lang)
    )
    ax2.plot(
        years,
        own["score"].reindex(years).astype(float).to_numpy(),
        color=HIGHLIGHT,
        marker="o",
        label=province,
    )
    ax2.set_ylabel(label("score", lang))
    ax2.set_xlabel(label("year", lang))
    ax2.legend(fontsize=8)
    ax.set_title(title)
    ax2.set_xticks(years)
    ax2.tick_params(axis="x", labelrotation=45)
    incomplete = data.drop_duplicates("year")
    partial = sorted(incomplete.loc[~incomplete["median_complete"], "year"].astype(int))
    notes = index_notes(index, data, lang)
    if partial:
        notes.append(
            "median of a partial list (not every province published) in: " + ", ".join(map(str, partial))
        )
    return _finish(fig, data, name, index_sources(index, data), notes, lang, out_dir)


def scatter_relationship(
    pairs: pd.DataFrame,
    x_label: str,
    y_label: str,
    stats: object,
    highlight: Sequence[str] = (),
    *,
    lang: str = "en",
    title: str = "",
    sources: Sequence[str] = (),
    out_dir: Path | None = None,
    name: str = "scatter",
) -> Figure:
    """One index against another, highlighted provinces named, correlation in the title."""
    fig, ax = new_figure(8, 6.5)
    colours = [HIGHLIGHT if c in highlight else OKABE_ITO[0] for c in pairs["province_code"]]
    import seaborn as sns

    if len(pairs) >= 3:  # the least-squares line behind the points (no confidence band)
        sns.regplot(
            data=pairs.astype({"x_score": float, "y_score": float}),
            x="x_score",
            y="y_score",
            scatter=False,
            ci=None,
            ax=ax,
            line_kws={"color": CONTEXT, "lw": 1.5},
        )
    ax.scatter(pairs["x_score"], pairs["y_score"], c=colours, alpha=0.8)
    for row in pairs[pairs["province_code"].isin(highlight)].itertuples():
        ax.annotate(
            row.province,
            (row.x_score, row.y_score),
            xytext=(4, 4),
            textcoords="offset points",
            fontsize=8,
            color=HIGHLIGHT,
            fontweight="bold",
        )
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    subtitle = label("correlation", lang, r=stats.pearson, rho=stats.spearman, n=stats.n)
    ax.set_title(f"{title}\n{subtitle}" if title else subtitle, fontsize=11)
    notes = [
        "only provinces with a published score on both indices",
        "grey line: least-squares fit (seaborn regplot)",
    ]
    return _finish(fig, pairs, name, sources, notes, lang, out_dir)


def index_ranks_chart(
    ranks: pd.DataFrame,
    province: str,
    *,
    lang: str = "en",
    title: str = "",
    out_dir: Path | None = None,
    name: str = "index_ranks",
) -> Figure:
    """One province's rank on every index over time (one line per index; gaps stay gaps)."""
    years = list(range(int(ranks["year"].min()), int(ranks["year"].max()) + 1))
    fig, ax = new_figure(10, 5.5)
    for i, (index, group) in enumerate(ranks.groupby("index", sort=True)):
        series = group.set_index("year")["rank"].reindex(years).astype(float)
        ax.plot(years, series.to_numpy(), marker="o", color=OKABE_ITO[i % 8], label=index.upper())
    ax.invert_yaxis()
    ax.set_xticks(years)
    ax.tick_params(axis="x", labelrotation=45)
    ax.set_xlabel(label("year", lang))
    ax.set_ylabel(label("rank", lang))
    ax.legend(fontsize=8, ncol=4)
    ax.set_title(title or province)
    notes = [
        "ranks are among the units each index ranked that year (42-64)",
        "a missing point is a year without a published or derivable rank",
    ]
    if ranks["rank_basis"].eq("computed").any():
        notes.append("some ranks are derived (list order, printed moves or complete score lists)")
    sources = [s for index in sorted(ranks["index"].unique()) for s in index_sources(index)]
    return _finish(fig, ranks, name, sources, notes, lang, out_dir)


def coverage_chart(
    overview: pd.DataFrame,
    *,
    lang: str = "en",
    title: str = "",
    out_dir: Path | None = None,
    name: str = "coverage",
) -> Figure:
    """Share of ranked units with a published headline score, per index and year."""
    fig, ax = new_figure(11, 0.45 * len(overview) + 2.5)
    cmap = plt.get_cmap(SEQUENTIAL).copy()
    cmap.set_bad(MISSING)
    image = ax.imshow(
        np.ma.masked_invalid(overview.to_numpy(dtype=float)), aspect="auto", cmap=cmap, vmin=0, vmax=100
    )
    ax.set_xticks(range(overview.shape[1]), overview.columns, rotation=45)
    ax.set_yticks(range(len(overview)), [f"{i} ({g})" for i, g in overview.index], fontsize=8)
    ax.grid(False)
    fig.colorbar(image, ax=ax, label="% of ranked units with a score", shrink=0.7)
    ax.set_title(title)
    data = overview.reset_index().melt(
        id_vars=["index", "geography"], var_name="year", value_name="score_share_pct"
    )
    notes = ["grey: the index was not published or no value is held for that year"]
    return _finish(fig, data, name, ["egov-analysis data/processed/coverage"], notes, lang, out_dir)
