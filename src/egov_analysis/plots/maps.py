"""Maps of the 63 provinces or of the 34 units of 2025, coloured by a value. A year in which the
data held have a value for too few units is drawn as a ranked list instead of a mostly empty map."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib as mpl
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.patches import Patch
from matplotlib.path import Path as MplPath

from .. import formatting
from ..datasets import outline_features
from ..provinces import display_name
from .chart import ChartResult, DrawingContext
from .footer import finish, index_notes, index_short, index_sources, no_chart
from .ranks import ranked_list
from .select import UNIT_COLUMNS, display_names, highlight_codes
from .theme import HIGHLIGHTS, MISSING, SEQUENTIAL, join_words

MAP_UNITS = {"provinces_63": 63, "units_34": 34}
MIN_SHARE_FOR_MAP = 0.75  # below this share of units with a value, a list says more than a map
HIGHLIGHT_WIDTH = 1.0  # thin enough that a small unit with islands still shows its fill


def map_drawn(values: pd.DataFrame, geography: str, value_column: str = "score") -> bool:
    """Whether :func:`choropleth` draws a map of ``values`` (else a ranked list): when nearly every
    unit of ``geography`` has a value (at least :data:`MIN_SHARE_FOR_MAP` of them), the missing
    ones named under the map; left out only when most units would be blank."""
    from ..analysis.rankings import geography_name

    if value_column not in values:
        return False
    n_known = int(values.loc[values[value_column].notna(), "province_code"].nunique())
    return n_known > 0 and n_known >= MIN_SHARE_FOR_MAP * MAP_UNITS[geography_name(geography)]


def _feature_path(geometry: dict) -> MplPath:
    """One compound path for a unit's (Multi)Polygon: every ring of every polygon, so a unit with
    many islands is one artist, not one per island (a map draws ~60 paths instead of ~1,200)."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    vertices: list[list[float]] = []
    codes: list[Any] = []
    for polygon in polygons:
        for ring in polygon:
            vertices += ring
            codes += [MplPath.MOVETO] + [MplPath.LINETO] * (len(ring) - 2) + [MplPath.CLOSEPOLY]
    return MplPath(vertices, codes)


def _draw_units(
    ax: Axes, features: list[dict], colours: Mapping[str, object], edge: str, lw: float, hatch: str
) -> None:
    """Fill every unit of ``features`` in one collection per kind: its colour from ``colours``
    (code → colour), or grey and hatched where it has none."""
    from matplotlib.collections import PathCollection

    filled = [
        (f, colours[str(f["properties"]["code"])])
        for f in features
        if str(f["properties"]["code"]) in colours
    ]
    blank = [f for f in features if str(f["properties"]["code"]) not in colours]
    if filled:
        paths = [_feature_path(f["geometry"]) for f, _ in filled]
        ax.add_collection(
            PathCollection(paths, facecolors=[c for _, c in filled], edgecolors=edge, linewidths=lw),
            autolim=True,
        )
    if blank:
        paths = [_feature_path(f["geometry"]) for f in blank]
        ax.add_collection(
            PathCollection(paths, facecolors=MISSING, edgecolors=edge, linewidths=lw, hatch=hatch),
            autolim=True,
        )


def _outline_units(ax: Axes, features: list[dict], lw: float) -> None:
    """The highlighted units' outlines, in one collection drawn on top of the fills."""
    from matplotlib.collections import PathCollection

    if features:
        paths = [_feature_path(f["geometry"]) for f in features]
        ax.add_collection(
            PathCollection(paths, facecolors="none", edgecolors=HIGHLIGHTS[0], linewidths=lw, zorder=3),
            autolim=True,
        )


def _highlight_label(
    code: str, name: str, by_code: pd.Series, index: str, ctx: DrawingContext, basis: object = None
) -> str:
    """``Quảng Ninh: 0,80`` (the score as the publisher prints it; marked ``†`` where ``basis``
    says the project computed it, a mean of member provinces), or the name alone without one."""
    value = by_code.get(code)
    if value is None or pd.isna(value):
        return name
    return f"{name}: {formatting.mark(formatting.score(value, index, ctx.lang), basis, ctx.lang)}"


ARCHIPELAGO_EAST_OF = 110.5  # degrees east: the island polygons of Đà Nẵng and Khánh Hòa lie beyond
ARCHIPELAGOS = {"48": "archipelago_hoang_sa", "56": "archipelago_truong_sa"}  # by the unit holding them


def _label_archipelagos(ax: Axes, features: list[dict], ctx: DrawingContext) -> None:
    """A dashed frame and a label for Hoàng Sa (Đà Nẵng) and Trường Sa (Khánh Hòa): their islands
    are specks at this scale, and a Vietnamese reader expects both named on a map of the country."""
    from matplotlib.patches import Rectangle

    for feature in features:
        key = ARCHIPELAGOS.get(str(feature["properties"]["code"]))
        geometry = feature["geometry"]
        polygons = (
            geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        )
        points = [
            pt for poly in polygons for pt in poly[0] if min(x for x, _ in poly[0]) > ARCHIPELAGO_EAST_OF
        ]
        if key is None or not points:
            continue
        xs, ys = [x for x, _ in points], [y for _, y in points]
        pad = 0.25
        x0, y0, x1, y1 = min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad
        ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, ls="--", lw=0.6, ec="#555555"))
        ax.text((x0 + x1) / 2, y0 - 0.2, ctx.word(key), ha="center", va="top", fontsize=7, color="#333333")


def _value_basis_note(notes: Sequence[str], ctx: DrawingContext) -> list[str]:
    """Notes as the reader's words: the 34 units' value bases of :func:`~egov_analysis.analysis.
    rankings.map_values` ("published", "derived: mean of member provinces") become one note in the
    chart's language; any other note is kept as given."""
    from ..meta.messages import MissingMessageError

    bases, other = [], []
    for note in notes:
        try:
            bases.append(formatting.display_name("value_basis", note, ctx.lang))
        except MissingMessageError:
            other.append(note)
    return [ctx.word("note_value_bases", bases="; ".join(bases))] * bool(bases) + other


def choropleth(
    ctx: DrawingContext,
    values: pd.DataFrame,
    geography: str,
    *,
    index: str,
    year: int,
    indicator: str = "overall",
    value_column: str = "score",
    highlight: Sequence[str] | str = (),
    notes: Sequence[str] = (),
    title: str | None = None,
    name: str | None = None,
    outlines: list[dict] | None = None,
) -> ChartResult:
    """A map of ``geography`` ("63" or "34") coloured by ``value_column`` of ``values`` (columns
    province_code, province, score, rank; optionally value_basis); units without a value are grey
    and hatched. With values for fewer than three quarters of the units, a ranked list of what was
    published ("top k of n published") replaces the map."""
    values = display_names(values, ctx.lang, UNIT_COLUMNS)  # names as readers know them
    from ..analysis.rankings import geography_name

    geo = geography_name(geography)
    name = name or f"map_{geography}"
    chosen = highlight_codes(highlight, geo, ctx.lang)
    n_units = MAP_UNITS[geo]
    known = values[values[value_column].notna()] if value_column in values else values.iloc[0:0]
    label = index_short(index, ctx.lang)
    rows = values.assign(index=index, year=year, indicator=indicator)
    for column in ("rank", "score", "n_ranked", "tier"):
        if column not in rows:
            rows[column] = pd.NA
    all_notes = [*_value_basis_note(notes, ctx), *index_notes(index, rows, ctx.lang)]
    if known.empty:
        reason = ctx.word("no_chart_nothing_published", what=label, year=year)
        return no_chart(ctx, kind="map", name=name, reason=reason, data=values)
    if not map_drawn(values, geography, value_column):
        listed = rows[rows["score"].notna() | rows["rank"].notna()]
        if len(listed) < 2:
            from .ranks import _too_few

            reason = _too_few(ctx, listed, label, year, n_units)
            return no_chart(ctx, kind="map", name=name, reason=reason, data=listed)
        return ranked_list(
            ctx,
            listed,
            index=index,
            year=year,
            label=label,
            n_units=n_units,
            complete=False,
            chosen=chosen,
            title=title,
            name=name,
            notes=[*all_notes, ctx.word("note_list_not_map", k=len(known), n=n_units)],
            sources=index_sources(index, listed, ctx.lang),
            partial_note=False,
        )
    features = outline_features(geo) if outlines is None else outlines
    codes = values["province_code"].astype(str)
    if codes.duplicated().any():  # one value per unit, or the map would colour a unit twice
        raise ValueError(f"choropleth: units listed twice: {sorted(set(codes[codes.duplicated()]))}")
    by_code = values.assign(province_code=codes).set_index("province_code")[value_column]
    numbers = known[value_column].astype(float)
    norm = Normalize(numbers.min(), numbers.max())
    cmap = mpl.colormaps[SEQUENTIAL]
    from .layout import new_figure

    fig, ax = new_figure(7, 9.5)
    colours = {str(c): cmap(norm(float(v))) for c, v in by_code.items() if pd.notna(v)}
    _draw_units(ax, features, colours, "white", 0.3, "///")
    _outline_units(ax, [f for f in features if f["properties"]["code"] in chosen], HIGHLIGHT_WIDTH)  # on top
    _label_archipelagos(ax, features, ctx)
    ax.autoscale_view()
    ax.set_aspect("equal")
    ax.axis("off")
    fig.colorbar(mpl.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.5, label=ctx.word("score"))
    drawn = {str(f["properties"]["code"]) for f in features}
    any_missing = any(pd.isna(by_code.get(code)) for code in drawn)  # the legend names only what is drawn
    handles = [Patch(facecolor=MISSING, hatch="///", label=ctx.word("no_data"))] if any_missing else []
    basis_column = values["value_basis"] if "value_basis" in values else pd.Series(None, index=values.index)
    bases = dict(zip(values["province_code"].astype(str), basis_column, strict=True))
    handles += [  # the score beside the name: an outlined unit's fill is small beside its outline
        Patch(
            facecolor="none",
            edgecolor=HIGHLIGHTS[0],
            lw=HIGHLIGHT_WIDTH,
            label=_highlight_label(c, n, by_code, index, ctx, bases.get(c)) if value_column == "score" else n,
        )
        for c, n in chosen.items()
    ]
    if any(formatting.has_mark(str(h.get_label()), ctx.lang) for h in handles):
        all_notes.append(formatting.computed_legend(ctx.lang))
    ax.legend(handles=handles, loc="lower left", fontsize=8)
    all_notes.append(ctx.word("note_outlines"))
    blank = [f for f in features if pd.isna(by_code.get(str(f["properties"]["code"])))]
    if blank:  # nearly every unit has a value: the few without one are named
        names = join_words(sorted(display_name(f["properties"]["name"], ctx.lang) for f in blank), ctx.lang)
        all_notes.append(ctx.word("note_map_missing", k=len(known), n=n_units, names=names))
    best = known.sort_values(value_column, ascending=False).iloc[0]
    alt = ctx.word(
        "alt.map",
        what=label,
        year=year,
        units=n_units,
        k=len(known),
        best=display_name(best["province"], ctx.lang),
        highlight="".join(
            ctx.word("alt.highlighted", names=n)
            for c, n in chosen.items()
            if c in set(known["province_code"])
        ),
    )
    return finish(
        ctx,
        fig,
        kind="map",
        name=name,
        data=values,
        title=title or ctx.word("title_map", what=label, year=year, units=n_units),
        sources=[*index_sources(index, values, ctx.lang), ctx.word("source_outlines")],
        notes=all_notes,
        alt_text=alt,
    )


def _best_of(year_rows: pd.DataFrame) -> str:
    """The canonical name of the unit with the highest score among ``year_rows``."""
    return str(year_rows.sort_values("score", ascending=False)["province"].iloc[0])


def maps_by_year(
    ctx: DrawingContext,
    rows: pd.DataFrame,
    years: Sequence[int],
    *,
    highlight: Sequence[str] | str = (),
    name: str = "maps_by_year",
    outlines: list[dict] | None = None,
) -> ChartResult:
    """One small map per year of ``years`` (the years held (nearly) in full:
    :func:`~egov_analysis.analysis.maps.map_years`), on one colour scale for all of them; units
    without a score that year are grey and hatched (and named under the chart by the report:
    :func:`~egov_analysis.analysis.maps.missing_units`). ``rows``: one index, indicator and
    geography as :func:`~egov_analysis.analysis.rankings.select` gives."""
    from ..analysis.maps import map_units, missing_units
    from .layout import new_grid

    index = str(rows["index"].iloc[0]) if len(rows) else ""
    label = index_short(index, ctx.lang) if index else ""
    if not years:
        return no_chart(ctx, kind="maps_by_year", name=name, reason=ctx.word("no_data"), data=rows)
    geo = str(rows["geography"].iloc[0])
    features = outline_features(geo) if outlines is None else outlines
    chosen = highlight_codes(highlight, geo)
    shown = rows[rows["year"].isin(list(years)) & rows["province_code"].astype(str).isin(map_units(geo))]
    numbers = shown["score"].dropna().astype(float)
    norm = Normalize(numbers.min(), numbers.max())
    cmap = mpl.colormaps[SEQUENTIAL]
    ncols = min(4, len(years))
    nrows = -(-len(years) // ncols)
    fig, axes = new_grid(2.6 * ncols + 1.2, 3.6 * nrows + 1.0, nrows, ncols)
    for ax in axes.flat:
        ax.axis("off")
        ax.set_xticks([])
        ax.set_yticks([])
    for ax, year in zip(axes.flat, years, strict=False):
        by_code = (
            shown[shown["year"].eq(year)]
            .assign(province_code=lambda f: f["province_code"].astype(str))
            .drop_duplicates("province_code")
            .set_index("province_code")["score"]
        )
        colours = {str(c): cmap(norm(float(v))) for c, v in by_code.items() if pd.notna(v)}
        _draw_units(ax, features, colours, "white", 0.15, "////")
        _outline_units(ax, [f for f in features if f["properties"]["code"] in chosen], HIGHLIGHT_WIDTH * 0.7)
        ax.autoscale_view()
        ax.set_aspect("equal")
        ax.set_title(str(year), fontsize=10)
    fig.colorbar(mpl.cm.ScalarMappable(norm=norm, cmap=cmap), ax=axes, shrink=0.4, label=ctx.word("score"))
    blanks = {year: missing_units(rows, year) for year in years}
    notes = [ctx.word("note_outlines"), *index_notes(index, shown, ctx.lang)]
    if any(blanks.values()):
        notes.append(
            ctx.word("no_data") + ": " + ", ".join(f"{y} ({len(b)})" for y, b in blanks.items() if b)
        )
    handles = (
        [Patch(facecolor=MISSING, hatch="////", label=ctx.word("no_data"))] if any(blanks.values()) else []
    )
    handles += [Patch(facecolor="none", edgecolor=HIGHLIGHTS[0], label=n) for n in chosen.values()]
    if handles:  # in the first map's empty south-west corner, as on the single map
        axes.flat[0].legend(handles=handles, loc="lower left", fontsize=6)
    from ..meta.messages import text

    best = [
        f"{y}: {display_name(_best_of(shown[shown['year'].eq(y)]), ctx.lang)}"
        for y in years
        if shown["year"].eq(y).any()
    ]
    alt = text(
        "atlas.chart.alt_maps" if len(years) > 1 else "atlas.chart.alt_maps_one",
        ctx.lang,
        what=label,
        n=len(years),
        years=formatting.year_span(years, ctx.lang),
        best="; ".join(best),
        blanks="; ".join(f"{y}: {len(b)}" for y, b in blanks.items() if b) or "0",
    )
    return finish(
        ctx,
        fig,
        kind="maps_by_year",
        name=name,
        data=shown,
        title=ctx.word(
            "title_map", what=label, year=formatting.year_span(years, ctx.lang), units=len(features)
        ),
        sources=[*index_sources(index, shown, ctx.lang), ctx.word("source_outlines")],
        notes=notes,
        alt_text=alt,
    )
