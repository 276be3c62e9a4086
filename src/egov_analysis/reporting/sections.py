"""The words and tables of the report notebooks, as calls: headings, sentences, key findings and
tables for people, every word from the message catalogue (``reporting.toml``, ``tables.toml``,
``findings.toml``) in the report's language.

A notebook cell calls one of these and the result displays itself (Markdown or a Great Tables
table); nothing here prints.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

from .. import formatting as fmt
from ..analysis.findings import Findings
from ..analysis.rankings import rank_order
from ..markup import plain_markdown
from ..meta.coverage import COMPLETE, PARTIAL, RANKS_ONLY
from ..meta.messages import MissingMessageError, text
from ..provinces import members, provinces, units_2025
from ..tables import Column, people_table

QUOTE_LANGUAGE = "vi"  # lost_values.quote: the source's own words, in the language it printed them


def markdown(source: str) -> Any:
    from IPython.display import Markdown

    return Markdown(source)


def title(report_title: str, key: str, lang: str, **fields: Any) -> Any:
    """The report's top heading: the build's title, else the catalogue's default for the notebook;
    markup in either is shown as text (:func:`.markup.plain_markdown`)."""
    return markdown(f"# {plain_markdown(report_title or text(key, lang, **fields))}")


def subject(report_title: str, key: str, lang: str, **fields: Any) -> str:
    """What the findings heading names: the report's title, else the catalogue's default."""
    return report_title or text(key, lang, **fields)


def heading(key: str, lang: str, level: int = 2, **fields: Any) -> Any:
    return markdown(f"{'#' * level} {plain_markdown(text(key, lang, **fields))}")


def paragraph(key: str, lang: str, **fields: Any) -> Any:
    return markdown(plain_markdown(text(key, lang, **fields)))


def profile_intro(province: str, region: str, successor: str, lang: str) -> Any:
    """The profile's opening paragraph: what it shows, the region, and what became of the province
    in July 2025 (kept its borders, or part of ``successor``)."""
    after = (
        text("reporting.text.profile_unchanged", lang, province=province)
        if successor == province
        else text("reporting.text.profile_successor", lang, successor=successor)
    )
    intro = text("reporting.text.profile_intro", lang, province=province, region=region)
    return markdown(plain_markdown(f"{intro} {after}"))


def findings(found: Findings) -> Findings:
    """The findings section; it displays itself, its key finding in the output's metadata."""
    return found


def _unit_names(codes: pd.Series, geography: str) -> pd.Series:
    if geography == "units_34":
        names = {code: unit.name for code, unit in units_2025().items()}
    else:
        names = {code: p.name for code, p in provinces().items()}
    return codes.map(names)


def ranking_table(
    rows: pd.DataFrame, year: int, highlight_codes: Sequence[str], lang: str, top_n: int
) -> Any:
    """One year's published list: the ``top_n`` best ranked units and the highlighted ones, with
    rank ``r / n``, score at the publisher's precision and tier; for the 34 units of 2025 the
    provinces each unit was formed from."""
    index = str(rows["index"].iloc[0])
    geography = str(rows["geography"].iloc[0])
    that = rows[rows["year"].eq(year) & (rows["score"].notna() | rows["rank"].notna())]
    that = rank_order(that)  # the order of the chart beside the table
    keep = that.head(max(top_n, 0)) if top_n else that.iloc[:0]
    shown = pd.concat([keep, that[that["province_code"].isin(highlight_codes)]]).drop_duplicates(
        "province_code"
    )
    shown = rank_order(shown)
    columns = [
        Column("province", "tables.column.unit" if geography == "units_34" else "tables.column.province"),
        Column("rank", "tables.column.rank", kind="rank", n_column="n_ranked"),
        Column("score", "tables.column.score", kind="score", index=index),
    ]
    if geography == "units_34":
        shown = shown.assign(
            members=shown["province_code"].map(
                lambda c: (
                    fmt.join(sorted(p.display_name(lang) for p in members(c)), lang)
                    if c in units_2025()
                    else ""
                )
            )
        )
        columns.append(Column("members", "tables.column.members"))
    if shown["tier"].notna().any():
        columns.append(Column("tier", "tables.column.tier"))
    published = that["province_code"].nunique()
    n = int(that["n_ranked"].max()) if len(that) else 0
    return people_table(
        shown,
        columns,
        lang,
        title=text("reporting.table.ranking", lang, index=fmt.display_name("index", index, lang), year=year),
        subtitle=text(
            "reporting.table.ranking_subtitle",
            lang,
            shown=fmt.number(len(shown), lang),
            published=fmt.number(published, lang),
            n=fmt.number(n, lang),
        ),
        sources=pd.concat([shown["source_url"], shown["rank_source_url"]]),
    )


def headline_table(own: pd.DataFrame, lang: str) -> Any:
    """A province's latest headline value on each index: year, rank ``r / n``, score, source."""
    latest = own[own["score"].notna() | own["rank"].notna()].sort_values("year").groupby("index").tail(1)
    latest = latest.sort_values("index")
    return people_table(
        latest,
        [
            Column("index", "tables.column.index", kind="name", names="index"),
            Column("year", "tables.column.year", kind="year"),
            Column("rank", "tables.column.rank", kind="rank", n_column="n_ranked"),
            Column("score", "tables.column.score", kind="score", index_column="index"),
            Column("source_url", "tables.column.source", kind="link"),
        ],
        lang,
        sources=latest["source_url"],
    )


def coverage_table(coverage: pd.DataFrame, lang: str) -> Any:
    """Per index and geography: years held, the units the publisher ranked in each edition (PCI:
    42 in 2005, 64 in 2006–2008, 63 from 2009: ``n_ranked`` of the coverage table, from
    ``meta/index_editions.csv``), years with a score for every ranked unit, years with every ranked
    unit but not every score, and the held share of the other years (``held of n in year``; held: a
    score or a rank), and what the publisher released in those years where the edition table says
    (VCCI published only the top 30 of PCI 2023–2024). What the edition table says of the file the
    project read (a sub-dimension file lacking two provinces) goes under the table, never in the
    "released" column. The statuses are the coverage table's (``meta.coverage``)."""
    from ..analysis.findings import file_notes, released_notes

    headline = coverage[coverage["indicator"].eq("overall")]
    records = []
    about_files = []
    none = text("tables.none", lang)
    for (index, geography), rows in headline.groupby(["index", "geography"], sort=True):
        partial_years = rows.loc[rows["status"].eq(PARTIAL), "year"]
        files = file_notes(str(index), str(geography), partial_years, lang)
        if files:
            about_files.append(
                text(
                    "reporting.table.file_notes",
                    lang,
                    index=fmt.display_name("index", str(index), lang),
                    notes="; ".join(files),
                )
            )
        partial = [
            fmt.held_of_ranked(r.n_held, r.n_ranked, r.year, lang)
            for r in rows[rows["status"].eq(PARTIAL)].itertuples()
        ]
        records.append(
            {
                "index": index,
                "geography": geography,
                "years": fmt.year_span(rows["year"], lang),
                "ranked": units_ranked_text(rows, lang),
                "complete": fmt.year_span(rows.loc[rows["status"].eq(COMPLETE), "year"], lang) or none,
                "ranks_only": fmt.year_span(rows.loc[rows["status"].eq(RANKS_ONLY), "year"], lang) or none,
                "partial": "; ".join(partial) or none,
                "released": "; ".join(released_notes(str(index), str(geography), partial_years, lang))
                or "–",  # the edition table says nothing of a part released: not "none released"
            }
        )
    frame = pd.DataFrame(records)
    ranks_only = headline["status"].eq(RANKS_ONLY).any()  # a column of "none" only is left out
    return people_table(
        frame,
        [
            Column("index", "tables.column.index", kind="name", names="index"),
            # the area only: how many units each edition ranked is the next column's, per edition
            Column("geography", "tables.column.geography", kind="name", names="geography_area"),
            Column("years", "tables.column.years"),
            Column("ranked", "reporting.table.ranked"),
            Column("complete", "tables.column.complete_years"),
            *([Column("ranks_only", "tables.column.ranks_only_years")] if ranks_only else []),
            Column("partial", "reporting.table.partial_years"),
            Column("released", "reporting.table.released"),
        ],
        lang,
        title=text("reporting.table.coverage", lang),
        notes=[text("reporting.table.coverage_note", lang), *about_files],
    )


def units_ranked_text(rows: pd.DataFrame, lang: str) -> str:
    """How many units the publisher ranked in each edition of ``rows`` (columns ``year``,
    ``n_ranked``: one index and geography of the coverage table), as runs of years:
    ``42 (2005); 64 (2006–2008); 63 (2009–2024)``, or the one number when every edition ranked
    the same; "–" for editions whose count is not known."""
    ranked = rows[["year", "n_ranked"]].drop_duplicates("year").sort_values("year")
    counts = [None if fmt.is_missing(n) else int(n) for n in ranked["n_ranked"]]
    runs: list[tuple[int | None, list[int]]] = []
    for year, n in zip(ranked["year"].astype(int), counts, strict=True):
        if runs and runs[-1][0] == n:
            runs[-1][1].append(year)
        else:
            runs.append((n, [year]))
    if len(runs) == 1:
        return "–" if runs[0][0] is None else fmt.number(runs[0][0], lang)
    return "; ".join(
        f"{'–' if n is None else fmt.number(n, lang)} ({fmt.year_span(years, lang)})" for n, years in runs
    )


# the classes a reader's sentence groups (meta/source_classes.csv): the publisher's own, government, press
_CLASS_GROUPS = {
    "publisher": ("publisher_file", "publisher_site"),
    "government": ("provincial_government", "government_site"),
    "press": ("press",),
    "third_party": ("third_party_compilation",),
}


def source_classes_text(by_class: pd.DataFrame, lang: str) -> Any:
    """One paragraph: how many index values the data hold, and how many come from each group of
    source classes, third-party compilations named as such. ``by_class``:
    :func:`.analysis.quality.sources_by_class`."""
    counts = {
        group: fmt.number(int(by_class.loc[by_class["source_class"].isin(classes), "values"].sum()), lang)
        for group, classes in _CLASS_GROUPS.items()
    }
    total = fmt.number(int(by_class["values"].sum()), lang)
    return paragraph("reporting.text.source_classes_intro", lang, values=total, **counts)


def third_party_lines(by_class: pd.DataFrame, lang: str) -> Any:
    """One line per index with values from a third party's compilation, naming it as such, in
    the words the chart footers use ("PCI 2017–2022: values published by VCCI with USAID, as
    compiled in a third party's file …"); nothing where no value comes from one. ``by_class``:
    :func:`.analysis.quality.sources_by_class`."""
    from ..meta import edition_publishers
    from ..plots.footer import third_party_line

    rows = by_class[by_class["source_class"].eq("third_party_compilation")]
    lines = [  # one line per publisher of those editions (DTI 2024: Ministry of Science and Technology)
        third_party_line(fmt.display_name("index", r.index, lang), years, publisher, lang)
        for r in rows.itertuples(index=False)
        for publisher, years in edition_publishers(str(r.index), lang, r.years).items()
    ]
    return markdown("\n".join(f"- {plain_markdown(line)}" for line in lines))


def source_classes_table(by_class: pd.DataFrame, lang: str) -> Any:
    """Per index and class of source (strongest first): the years, the values held, the pages or
    files they cite, and the sites (for a compilation, its repository). ``by_class``:
    :func:`.analysis.quality.sources_by_class`."""
    return people_table(
        by_class.assign(year_span=[fmt.year_span(y, lang) for y in by_class["years"]]),
        [
            Column("index", "tables.column.index", kind="name", names="index"),
            Column("source_class", "tables.column.source_class", kind="name", names="source_class"),
            Column("year_span", "tables.column.years"),
            Column("values", "tables.column.n_values", kind="number"),
            Column("sources", "tables.column.n_sources", kind="number"),
            Column("hosts", "tables.column.sites"),
        ],
        lang,
        title=text("reporting.table.source_classes", lang),
        notes=[text("reporting.table.source_classes_note", lang)],
    )


def _canonical_name(name: str) -> str:
    """The registry's name of a unit the source spelled its own way ("HCM City"), so the table
    shows it as readers know it; a name that is no province ("Việt Nam") stays as given."""
    from ..provinces import UnknownProvinceError, resolve

    try:
        return resolve(name).name
    except UnknownProvinceError:
        return name


def _loss_topic(topic: str, lang: str) -> str:
    if topic == "programme":
        return text("reporting.lost.programme", lang)
    if topic == "cpi":
        return fmt.display_name("programme_table", "cpi", lang)
    return fmt.display_name("index", topic, lang)


def _loss_value(value: str, lang: str) -> str:
    """``score 91.04 / rank 1`` in the page's words, each number with the decimals its source
    printed."""
    parts = []
    for part in str(value).split(" / "):
        field, _, number = part.partition(" ")
        try:
            name = fmt.display_name("field", field, lang)
        except MissingMessageError:
            parts.append(part)
            continue
        try:
            shown = fmt.number(float(number), lang, _printed_decimals(number))
        except ValueError:
            shown = number  # a value printed with a sign or a span (">400", "2019-2025") stays as printed
        parts.append(f"{name} {shown}")
    return " / ".join(parts)


def _loss_item(topic: str, item: str, quote: str, lang: str) -> str:
    """An indicator's name where the item is one of the index's indicators (by id, or by a label
    as sources print it: PAPI's "Participation at Local Levels", the ICT Index's
    "ha_tang_nhan_luc"; meta/indicator_labels.csv), a programme item's name where it has one;
    else, in Vietnamese, the source's own words where the reference gives them (quoted), and the
    item as the reference file describes it (English) otherwise."""
    from ..meta import indicators

    table = indicators()
    wanted = item.casefold()
    named = table[
        table["index"].eq(topic)
        & (table["label"].str.casefold().eq(wanted) | table["name_en"].str.casefold().eq(wanted))
    ]
    if len(named):
        return str(named[f"name_{lang}"].iloc[0])
    for family in (f"indicator.{topic}", "indicator.common", "programme_item"):
        try:
            return fmt.display_name(family, item, lang)
        except MissingMessageError:
            continue
    return f"“{quote}”" if quote and lang == QUOTE_LANGUAGE else item


def _loss_reason(row: Any, lang: str) -> str:
    from ..meta import refused_host_reasons

    if row.reason_kind == "refused_host":
        why = refused_host_reasons(lang).get(str(row.host).lower(), "")
        return text("reporting.lost.refused_host", lang, host=row.host, why=why)
    if row.reason_kind == "bare_ip":
        return text("reporting.lost.bare_ip", lang, host=row.host)
    if row.reason_kind == "other_province_portal":
        return text(
            "reporting.lost.other_province_portal",
            lang,
            province=row.other_province,
            host=row.host,
            subject=row.subject,
        )
    return str(row.reason)


def lost_values_text(lost: pd.DataFrame, lang: str) -> Any:
    """One paragraph: how many values are left out for a source that cannot be cited, and from
    how many hosts. ``lost``: :func:`.analysis.quality.losses`."""
    if lost.empty:
        return paragraph("reporting.text.no_lost_values", lang)
    return paragraph(
        "reporting.text.lost_values_intro",
        lang,
        values=fmt.number(len(lost), lang),
        hosts=fmt.number(lost["host"].nunique(), lang),
    )


def lost_values_table(lost: pd.DataFrame, lang: str) -> Any:
    """Every value left out for a refused source: the data it belonged to, year, unit, item,
    the value as printed, the page it came from and why it cannot be cited (in the page's
    language). ``lost``: :func:`.analysis.quality.losses`."""
    frame = lost.assign(
        what=[_loss_topic(t, lang) for t in lost["topic"]],
        shown_item=[
            _loss_item(t, i, q, lang)
            for t, i, q in zip(lost["topic"], lost["item"], lost["quote"], strict=True)
        ],
        shown_value=[_loss_value(v, lang) for v in lost["value"]],
        why=[_loss_reason(r, lang) for r in lost.itertuples(index=False)],
        shown_year=lost["year"].fillna(""),  # a programme fact of no one year has none
        province=[_canonical_name(p) for p in lost["province"]],
    )
    return people_table(
        frame,
        [
            Column("what", "tables.column.topic"),
            Column("shown_year", "tables.column.year"),
            Column("province", "tables.column.province"),
            Column("shown_item", "tables.column.item"),
            Column("shown_value", "tables.column.value"),
            Column("source_url", "tables.column.source", kind="link"),
            Column("why", "tables.column.reason"),
        ],
        lang,
        title=text("reporting.table.lost_values", lang),
        notes=[text("reporting.table.lost_values_note", lang)],
    )


def _value_text(value: Any, field: str, index: str, lang: str) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return fmt.score(number, index, lang) if field == "score" else fmt.number(number, lang)


def _printed_decimals(value: Any) -> int:
    """Decimals of a value as its source printed it (a text); a number read as a float has none
    to tell (``str(45.699999999999996)`` is not what anyone printed)."""
    return len(value.strip().partition(".")[2]) if isinstance(value, str) else 0


def pair_texts(chosen: Any, other: Any, field: str, index: str, lang: str) -> tuple[str, str]:
    """Two disagreeing values as a reader sees them. Scores: at the publisher's precision, but
    never with more decimals than their source printed ("0.78", not "0.7800"), and with as many
    more as it takes to tell them apart (again never more than printed), so that a conflict never
    reads "45.70 against 45.70". A missing value reads "not published"."""
    if fmt.is_missing(chosen) or fmt.is_missing(other):
        shown = [
            fmt.not_published(lang) if fmt.is_missing(v) else _value_text(v, field, index, lang)
            for v in (chosen, other)
        ]
        return shown[0], shown[1]
    try:
        numbers = (float(chosen), float(other))
    except (TypeError, ValueError):
        numbers = None
    if field != "score" or numbers is None:
        return _value_text(chosen, field, index, lang), _value_text(other, field, index, lang)

    def written(value: Any, number: float, decimals: int) -> str:  # never more decimals than printed
        return fmt.number(
            number, lang, min(decimals, _printed_decimals(value)) if isinstance(value, str) else decimals
        )

    def at(decimals: int) -> tuple[str, str]:
        return written(chosen, numbers[0], decimals), written(other, numbers[1], decimals)

    decimals = fmt.score_decimals().get(index, fmt.DEFAULT_DECIMALS)
    first, second = at(decimals)
    while first == second and decimals < max(_printed_decimals(chosen), _printed_decimals(other)):
        decimals += 1
        first, second = at(decimals)
    return first, second


def conflicts_table(conflicts: pd.DataFrame, lang: str) -> Any:
    """Every disagreement between sources on an index value: what, both values (told apart:
    :func:`pair_texts`), both sources, the rule that chose."""
    pairs = [
        pair_texts(c, o, f, i, lang)
        for c, o, f, i in zip(
            conflicts["chosen_value"],
            conflicts["other_value"],
            conflicts["field"],
            conflicts["index"],
            strict=True,
        )
    ]
    frame = conflicts.assign(
        unit=[
            _unit_names(pd.Series([c]), g).iloc[0]
            for c, g in zip(conflicts["province_code"], conflicts["geography"], strict=True)
        ],
        chosen=[p[0] for p in pairs],
        other=[p[1] for p in pairs],
        rule=[text(f"reporting.rule.{r}", lang) for r in conflicts["rule_id"]],  # the details stay in the CSV
    ).sort_values(["index", "year", "unit"])
    return people_table(
        frame,
        [
            Column("index", "tables.column.index", kind="name", names="index"),
            Column("year", "tables.column.year", kind="year"),
            Column("unit", "tables.column.province"),
            Column("indicator", "tables.column.indicator", kind="indicator", index_column="index"),
            Column("field", "tables.column.field", kind="name", names="field"),
            Column("chosen", "tables.column.chosen_value"),
            Column("chosen_source_url", "tables.column.chosen_source", kind="link"),
            Column("other", "tables.column.other_value"),
            Column("other_source_url", "tables.column.other_source", kind="link"),
            Column("rule", "tables.column.rule"),
        ],
        lang,
        title=text("reporting.table.conflicts", lang),
        notes=[text("reporting.table.conflicts_rule", lang)],
    )


def programme_conflicts_table(conflicts: pd.DataFrame, phases: pd.DataFrame, lang: str) -> Any:
    """Every disagreement between sources on the programme's facts: the phase (or year), the item,
    both values and both sources."""
    names = dict(zip(phases["phase_id"], phases[f"name_{lang}"], strict=True))

    def where(key: str) -> str:
        # a year (CPI), or the phases the key names (budget/goals/milestones: "phase/item";
        # phases: "group: phase_a / phase_b"), by their names in the report's language
        if key.strip().isdigit():
            return key.strip()
        found = [names[i] for i in re.findall(r"[a-z][a-z0-9_]*", key) if i in names]
        return " / ".join(dict.fromkeys(found)) or fmt.not_published(lang)

    def item(table: str, key: str) -> str:
        last = key.rsplit("/", 1)[-1].strip()
        if "/" in key and ":" not in key and last not in names:
            try:
                return fmt.display_name("programme_item", last, lang)
            except MissingMessageError:
                pass  # an item with no display name yet: the table's name says what it is
        return fmt.display_name("programme_table", table, lang)

    pairs = [
        pair_texts(c, o, "score", "", lang)
        for c, o in zip(conflicts["chosen_value"], conflicts["other_value"], strict=True)
    ]
    frame = conflicts.assign(
        what=[fmt.display_name("programme_table", t, lang) for t in conflicts["table"]],
        where=[where(k) for k in conflicts["key"]],
        item=[item(t, k) for t, k in zip(conflicts["table"], conflicts["key"], strict=True)],
        # as printed, and told apart where they round alike (CPI 8.3 against 8.3444489, not "8" and "8")
        chosen=[p[0] for p in pairs],
        other=[p[1] for p in pairs],
    )
    return people_table(
        frame,
        [
            Column("what", "tables.column.table"),
            Column("where", "reporting.table.phase_or_year"),
            Column("item", "tables.column.item"),
            Column("chosen", "tables.column.chosen_value"),
            Column("chosen_source_url", "tables.column.chosen_source", kind="link"),
            Column("other", "tables.column.other_value"),
            Column("other_source_url", "tables.column.other_source", kind="link"),
        ],
        lang,
        title=text("reporting.table.programme_conflicts", lang),
        notes=[text("reporting.table.programme_conflicts_rule", lang)],
    )


def relationship_table(
    pairs: pd.DataFrame, highlight_codes: Sequence[str], x_index: str, y_index: str, lang: str
) -> Any:
    """The highlighted provinces' two scores (at each publisher's precision, a computed one
    marked), in the order of ``highlight_codes``: the order of the findings above the table (a
    code-point sort put "Đà Nẵng" after "Quảng Ninh")."""
    order = {code: i for i, code in enumerate(highlight_codes)}
    shown = pairs[pairs["province_code"].isin(order)]
    shown = shown.sort_values("province_code", key=lambda codes: codes.map(order))
    return people_table(
        shown,
        [
            Column("province", "tables.column.province"),
            Column(
                "x_score",
                "tables.column.x_score",
                kind="score",
                index=x_index,
                basis_column="x_score_basis",
                label_fields={"index": fmt.display_name("index", x_index, lang)},
            ),
            Column(
                "y_score",
                "tables.column.y_score",
                kind="score",
                index=y_index,
                basis_column="y_score_basis",
                label_fields={"index": fmt.display_name("index", y_index, lang)},
            ),
        ],
        lang,
        source_texts=[
            text(
                "tables.sources",
                lang,
                sources=fmt.join(
                    [
                        fmt.display_name("index_long", x_index, lang),
                        fmt.display_name("index_long", y_index, lang),
                    ],
                    lang,
                ),
            )
        ],
    )
