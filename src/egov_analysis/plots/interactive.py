"""Interactive charts that work offline: Vega-Lite specifications built with Altair, shown next to
the static PNG/SVG charts (which stay for print and for pages opened without scripts).

>>> interactive.rank_lines(rows, "vi", highlight=["Quảng Ninh"])   # doctest: +SKIP

Each function returns an :class:`Interactive`; displayed in a notebook it is a ``<figure>`` holding
the specification as JSON (data inline, every word and number already written in the page's
language) and no script. The site's pages load the JavaScript once from ``html/vendor/`` — Vega,
Vega-Lite and Vega-Embed from the ``vl-convert-python`` package, this project's small renderer and
the map outlines — written there by the build (:func:`~egov_analysis.reporting.vendor.write_vendor`),
so no page fetches anything from the network; :func:`~egov_analysis.reporting.vendor.add_scripts`
puts the script tags on a page that has a chart.

Specifications are deterministic: data sets are named by a hash of their content, parameters by
name, JSON keys sorted; two builds of the same inputs write the same bytes.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .. import formatting as fmt
from ..markup import SPEC_CLASS
from ..meta.messages import text
from ..provinces import display_names
from .theme import OKABE_ITO

PICK = "pick"  # the province picker's parameter
YEAR = "year_pick"
GREY = "#bbbbbb"
MISSING = "#eeeeee"
HIGHLIGHT = OKABE_ITO[5] if len(OKABE_ITO) > 5 else "#0072B2"
WIDTH = 640


@dataclass(frozen=True)
class Interactive:
    """An interactive chart: its ``kind`` (``rank_lines``, ``map``, ``bars``, ``scatter``), the
    Vega-Lite ``spec`` (a dict), the ``caption`` under it and, for a map, the ``outlines`` geography
    whose shapes the page's outlines script supplies."""

    kind: str
    spec: dict[str, Any]
    caption: str
    outlines: str = ""

    def spec_json(self) -> str:
        """The specification as JSON safe inside a ``<script>`` element (no ``</``)."""
        text_ = json.dumps(self.spec, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return text_.replace("</", "<\\/")

    def to_html(self) -> str:
        payload = self.spec_json()
        target = "vega-" + hashlib.sha1(payload.encode("utf-8"), usedforsecurity=False).hexdigest()[:12]
        outlines = f' data-outlines="{html.escape(self.outlines)}"' if self.outlines else ""
        return (
            f'<figure class="egov-interactive" data-kind="{html.escape(self.kind)}" hidden>'
            f'<div id="{target}" class="egov-vega"></div>'
            f'<script type="application/json" class="{SPEC_CLASS}" data-target="{target}"{outlines}>'
            f"{payload}</script>"
            f"<figcaption>{html.escape(self.caption)}</figcaption></figure>"
        )

    def _repr_mimebundle_(self, **_: Any) -> dict[str, str]:
        return {"text/html": self.to_html(), "text/plain": self.caption}


def _word(key: str, lang: str, **fields: Any) -> str:
    return text(f"atlas.chart.{key}", lang, **fields)


def _chart(lang: str) -> Any:
    import altair as alt

    alt.data_transformers.disable_max_rows()
    return alt


def _finish(chart: Any, kind: str, lang: str, outlines: str = "") -> Interactive:
    spec = chart.to_dict()
    spec.pop("$schema", None)  # the bundled Vega-Lite reads the spec without fetching a schema
    return Interactive(kind, spec, text("atlas.text.interactive", lang), outlines)


def _picker(
    alt: Any, names: Sequence[str], highlight: Sequence[str], lang: str, geography: str = "provinces_63"
) -> Any:
    """The province picker: a drop-down of ``names``, set to the first highlighted unit that is
    among them (as written, else in any spelling the registry knows)."""
    from ..provinces import UnknownProvinceError, display_name
    from .select import highlight_codes

    options = sorted(dict.fromkeys(names))
    wanted = [display_name(h, lang) for h in highlight if display_name(h, lang) in options]
    if not wanted and highlight:
        try:
            shown = [display_name(n, lang) for n in highlight_codes(highlight, geography).values()]
            wanted = [n for n in shown if n in options]
        except UnknownProvinceError:
            wanted = []
    value = wanted[0] if wanted else (options[0] if options else "")
    return alt.param(
        name=PICK, value=value, bind=alt.binding_select(options=options, name=_word("pick", lang) + " ")
    )


def _geography(rows: pd.DataFrame) -> str:
    return str(rows["geography"].iloc[0]) if "geography" in rows and len(rows) else "provinces_63"


def _texts(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Rank and score as the page writes them (``4 / 63``, ``0,80``), for the tooltips."""
    index = rows["index"].astype(str)
    return rows.assign(
        rank_text=[
            fmt.rank(r, n, lang) if not fmt.is_missing(r) else fmt.not_published(lang)
            for r, n in zip(rows["rank"], rows["n_ranked"], strict=True)
        ],
        score_text=[fmt.score(s, i, lang) for s, i in zip(rows["score"], index, strict=True)],
    )


def _plain(rows: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Only the columns a chart uses, as plain JSON values (no pandas NA), in a stable order."""
    out = rows[list(columns)].copy()
    for column in out.columns:
        if out[column].dtype.kind in "iuf" or str(out[column].dtype) in ("Int64", "Float64"):
            out[column] = out[column].astype("float64")
    return out.astype(object).where(out.notna(), None).reset_index(drop=True)


def _with_gaps(ranked: pd.DataFrame) -> pd.DataFrame:
    """``ranked`` plus a row without a rank for each edition a unit's line passes without one (an
    edition of the index in which some other unit is ranked), so the line breaks there, as the
    static chart's does, instead of bridging the gap."""
    if ranked.empty:
        return ranked
    keys = ["province", "index"] + (["geography"] if "geography" in ranked else [])
    editions = ranked.groupby("index")["year"].apply(lambda y: sorted(set(y)))
    filler = []
    for key, group in ranked.groupby(keys, sort=True):
        years = [y for y in editions[key[1]] if group["year"].min() < y < group["year"].max()]
        missing = sorted(set(years) - set(group["year"]))
        if missing:
            row = dict(zip(keys, key, strict=True))
            filler += [{**row, "year": y} for y in missing]
    if not filler:
        return ranked
    gaps = pd.DataFrame(filler).assign(rank=pd.NA, n_ranked=pd.NA, score=pd.NA)
    return pd.concat([ranked, gaps], ignore_index=True)


def rank_lines(
    rows: pd.DataFrame,
    lang: str,
    *,
    highlight: Sequence[str] = (),
    colour: str = "province",
) -> Interactive | None:
    """Ranks by year, one line per unit (``colour="province"``, the others grey behind the picked
    one) or per index (``colour="index"``, a profile's indices). ``rows``: index, year, province,
    rank, n_ranked, score (as :func:`~egov_analysis.analysis.rankings.select` gives). Hover: unit,
    year, rank ``r / n``, score. None (nothing shown) when fewer than two years are ranked: one
    column of dots is no chart over time, and the static chart gives the sentence instead."""
    if rows.loc[rows["rank"].notna(), "year"].nunique() < 2:
        return None
    alt = _chart(lang)
    ranked = _texts(_with_gaps(rows[rows["rank"].notna()].copy()), lang)
    ranked = ranked.assign(index_name=[fmt.display_name("index", str(i), lang) for i in ranked["index"]])
    ranked = display_names(ranked, lang)  # "TP. Hồ Chí Minh" / "Ho Chi Minh City", for the reader
    if "geography" in ranked and ranked["geography"].nunique() > 1:  # a unit of 2025 beside its province
        units = ranked["geography"].eq("units_34")
        ranked.loc[units, "province"] = [
            f"{name} ({fmt.display_name('geography', 'units_34', lang)})"
            for name in ranked.loc[units, "province"]
        ]
    data = _plain(
        ranked.sort_values(["province", "index", "year"]),
        ["province", "index_name", "year", "rank", "rank_text", "score_text"],
    )
    names = list(data["province"])
    pick = _picker(alt, names, highlight, lang, _geography(rows))
    tooltip = [
        alt.Tooltip("province:N", title=_word("unit", lang)),
        alt.Tooltip("index_name:N", title=_word("index", lang)),
        alt.Tooltip("year:O", title=_word("year", lang)),
        alt.Tooltip("rank_text:N", title=_word("rank", lang)),
        alt.Tooltip("score_text:N", title=_word("score", lang)),
    ]
    base = alt.Chart(alt.Data(values=data.to_dict("records"))).encode(
        x=alt.X("year:O", title=_word("year", lang)),
        y=alt.Y("rank:Q", title=_word("rank", lang), scale=alt.Scale(reverse=True, zero=False)),
        tooltip=tooltip,
    )
    if colour == "index":
        # the indices in the static chart's, the alt text's and the table's order (by id), in
        # every language: Vega-Lite would sort the names, which puts "Xếp hạng …" last in vi only
        order = list(dict.fromkeys(ranked.sort_values("index")["index_name"]))
        chart = base.mark_line(point=True).encode(
            color=alt.Color("index_name:N", title=_word("index", lang), sort=order),
            detail="province:N",
            opacity=alt.condition(alt.datum.province == pick, alt.value(1.0), alt.value(0.25)),
        )
    else:
        chart = base.mark_line(point=True).encode(
            detail="province:N",
            color=alt.condition(alt.datum.province == pick, alt.value(HIGHLIGHT), alt.value(GREY)),
            opacity=alt.condition(alt.datum.province == pick, alt.value(1.0), alt.value(0.35)),
            strokeWidth=alt.condition(alt.datum.province == pick, alt.value(3), alt.value(1)),
        )
    chart = chart.add_params(pick).properties(width=WIDTH, height=360, title=_word("rank_lines", lang))
    return _finish(chart, "rank_lines", lang)


def ranked_bars(rows: pd.DataFrame, year: int, lang: str, *, highlight: Sequence[str] = ()) -> Interactive:
    """One year's scores as bars in rank order, the picked unit in colour; hover: unit, rank,
    score, tier (as printed)."""
    alt = _chart(lang)
    that = rows[rows["year"].eq(year) & rows["score"].notna()]
    that = _texts(display_names(that, lang).sort_values(["score", "province"], ascending=[False, True]), lang)
    that = that.assign(
        tier_text=[t if isinstance(t, str) else "" for t in that.get("tier", pd.Series(index=that.index))]
    )
    data = _plain(that, ["province", "score", "rank_text", "score_text", "tier_text"])
    pick = _picker(alt, list(data["province"]), highlight, lang, _geography(rows))
    chart = (
        alt.Chart(alt.Data(values=data.to_dict("records")))
        .mark_bar()
        .encode(
            y=alt.Y("province:N", sort=None, title=None),
            x=alt.X("score:Q", title=_word("score", lang), scale=alt.Scale(zero=True)),
            color=alt.condition(alt.datum.province == pick, alt.value(HIGHLIGHT), alt.value(GREY)),
            tooltip=[
                alt.Tooltip("province:N", title=_word("unit", lang)),
                alt.Tooltip("rank_text:N", title=_word("rank", lang)),
                alt.Tooltip("score_text:N", title=_word("score", lang)),
                alt.Tooltip("tier_text:N", title=_word("tier", lang)),
            ],
        )
        .add_params(pick)
        .properties(width=WIDTH - 160, height=max(200, 14 * len(data)), title=_word("bars", lang, year=year))
    )
    return _finish(chart, "bars", lang)


def choropleth(
    rows: pd.DataFrame, geography: str, years: Sequence[int], lang: str, *, highlight: Sequence[str] = ()
) -> Interactive:
    """A map of ``geography`` (``provinces_63`` / ``units_34``) for each of ``years`` (a year
    picker), coloured by score; a unit without a value that year is drawn pale and says so on
    hover; the picked province is outlined. The shapes come from the page's outlines script
    (:mod:`egov_analysis.reporting.vendor`), shared by every page of the build."""
    from ..provinces import provinces, units_2025

    alt = _chart(lang)
    names = (
        {c: u.display_name(lang) for c, u in units_2025().items()}
        if geography == "units_34"
        else {c: p.display_name(lang) for c, p in provinces().items() if not p.merged_into}
    )
    held = rows[rows["year"].isin(list(years))]
    grid = pd.MultiIndex.from_product([list(names), list(years)], names=["province_code", "year"]).to_frame(
        index=False
    )
    grid["province"] = grid["province_code"].map(names)
    keep = ["province_code", "year", "index", "score", "rank", "n_ranked"]
    grid = grid.merge(
        held[keep].drop_duplicates(["province_code", "year"]), on=["province_code", "year"], how="left"
    )
    grid["index"] = str(rows["index"].iloc[0])
    grid = _texts(grid, lang)
    grid.loc[grid["score"].isna() & grid["rank"].isna(), ["rank_text", "score_text"]] = _word(
        "no_value", lang
    )
    data = _plain(grid, ["province_code", "province", "year", "score", "rank_text", "score_text"])
    pick = _picker(alt, list(names.values()), highlight, lang, geography)
    year = alt.param(
        name=YEAR,
        value=int(max(years)),
        bind=alt.binding_select(options=[int(y) for y in sorted(years)], name=_word("year", lang) + " "),
    )
    outlines = alt.LookupData(data=alt.NamedData(name=f"outlines_{geography}"), key="properties.code")
    chart = (
        alt.Chart(alt.Data(values=data.to_dict("records")))
        .transform_filter(alt.datum.year == year)
        .transform_lookup(lookup="province_code", from_=outlines, as_="geo")
        .mark_geoshape()
        .encode(
            shape="geo:G",
            color=alt.condition(
                "isValid(datum.score)",
                alt.Color("score:Q", title=_word("score", lang), scale=alt.Scale(scheme="viridis")),
                alt.value(MISSING),
            ),
            stroke=alt.condition(alt.datum.province == pick, alt.value("#000000"), alt.value("#ffffff")),
            strokeWidth=alt.condition(alt.datum.province == pick, alt.value(1.2), alt.value(0.4)),
            tooltip=[
                alt.Tooltip("province:N", title=_word("unit", lang)),
                alt.Tooltip("year:O", title=_word("year", lang)),
                alt.Tooltip("rank_text:N", title=_word("rank", lang)),
                alt.Tooltip("score_text:N", title=_word("score", lang)),
            ],
        )
        .add_params(pick, year)
        .project(type="mercator")
        .properties(width=420, height=620, title=_word("map", lang))
    )
    return _finish(chart, "map", lang, outlines=geography)


def scatter(
    pairs: pd.DataFrame, x_index: str, y_index: str, lang: str, *, highlight: Sequence[str] = ()
) -> Interactive:
    """Two indices' scores, one point per province (``pairs``: province, x_score, y_score as
    :func:`~egov_analysis.analysis.relationships` gives); hover: province and both scores as
    printed; the picked province in colour."""
    alt = _chart(lang)
    x_name, y_name = fmt.display_name("index", x_index, lang), fmt.display_name("index", y_index, lang)
    frame = (
        display_names(pairs, lang)
        .assign(
            x_text=[fmt.score(v, x_index, lang) for v in pairs["x_score"]],
            y_text=[fmt.score(v, y_index, lang) for v in pairs["y_score"]],
        )
        .sort_values("province")
    )
    data = _plain(frame, ["province", "x_score", "y_score", "x_text", "y_text"])
    pick = _picker(alt, list(data["province"]), highlight, lang)
    chart = (
        alt.Chart(alt.Data(values=data.to_dict("records")))
        .mark_circle(size=70)
        .encode(
            x=alt.X("x_score:Q", title=x_name, scale=alt.Scale(zero=False)),
            y=alt.Y("y_score:Q", title=y_name, scale=alt.Scale(zero=False)),
            color=alt.condition(alt.datum.province == pick, alt.value(HIGHLIGHT), alt.value(GREY)),
            size=alt.condition(alt.datum.province == pick, alt.value(160), alt.value(60)),
            tooltip=[
                alt.Tooltip("province:N", title=_word("unit", lang)),
                alt.Tooltip("x_text:N", title=x_name),
                alt.Tooltip("y_text:N", title=y_name),
            ],
        )
        .add_params(pick)
        .properties(width=WIDTH - 120, height=420, title=_word("scatter", lang, x=x_name, y=y_name))
    )
    return _finish(chart, "scatter", lang)
