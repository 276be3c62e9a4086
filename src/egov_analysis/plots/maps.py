"""Maps of the 63 provinces or of the 34 units of 2025, coloured by a value. A year in which the
data held have a value for too few units is drawn as a ranked list instead of a mostly empty map."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.patches import Patch, PathPatch
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


def _draw_geometry(ax: Axes, geometry: dict, colour: object, hatch: str | None, edge: str, lw: float) -> None:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    for polygon in polygons:
        vertices, codes = [], []
        for ring in polygon:
            vertices += ring
            codes += [MplPath.MOVETO] + [MplPath.LINETO] * (len(ring) - 2) + [MplPath.CLOSEPOLY]
        ax.add_patch(
            PathPatch(MplPath(vertices, codes), facecolor=colour, edgecolor=edge, lw=lw, hatch=hatch)
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
    for feature in features:
        code = str(feature["properties"]["code"])
        value = by_code.get(code)
        missing = value is None or pd.isna(value)
        colour = MISSING if missing else cmap(norm(float(value)))
        _draw_geometry(ax, feature["geometry"], colour, "///" if missing else None, "white", 0.3)
    for feature in features:  # highlighted units outlined on top
        if feature["properties"]["code"] in chosen:
            _draw_geometry(ax, feature["geometry"], "none", None, HIGHLIGHTS[0], HIGHLIGHT_WIDTH)
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
        best=best["province"],
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
