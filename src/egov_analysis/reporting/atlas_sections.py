"""The words and tables of the atlas: profiles of every province and unit, and the full list of a
year with the publisher's tiers and a link from each unit to its profile. Every word comes from the
message catalogue (``atlas.toml``); a cell displays itself (Markdown or a Great Tables table).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import formatting as fmt
from ..analysis.profiles import DERIVED_MEAN, MEMBER, OWN, PREDECESSOR, Subject
from ..markup import plain_markdown
from ..meta.messages import text
from ..provinces import display_name, display_names, provinces, units_2025
from ..tables import Column, PeopleTable, people_table
from .links import profile_href
from .sections import markdown


def _region_names(who: Subject, lang: str) -> str:
    return fmt.join([fmt.display_name("region", r, lang) for r in who.regions], lang)


def _names(codes: tuple[str, ...], lang: str) -> str:
    everyone = provinces()
    return fmt.join([everyone[c].display_name(lang) for c in codes], lang)


def title_key(who: Subject) -> str:
    """The catalogue key of a profile's title: a 2025 unit's or a province's."""
    return "atlas.title.unit_profile" if who.is_unit else "reporting.title.profile"


def unit_intro(who: Subject, lang: str) -> Any:
    """What a unit of July 2025 is made of, and how its page shows published and derived values."""
    if not who.merged:
        return markdown(text("atlas.text.unit_unchanged", lang, province=display_name(who.name, lang)))
    first = text(
        "atlas.text.unit_intro",
        lang,
        province=display_name(who.name, lang),
        members=_names(who.members, lang),
        regions=_region_names(who, lang),
    )
    return markdown(first + " " + text("atlas.text.unit_merged", lang))


def predecessors(who: Subject, lang: str) -> Any:
    """A sentence for a province (or unit) into which another province merged before 2025 (Hà Tây
    into Hà Nội, 2008), whose history is shown beside its own; nothing when there is none."""
    if not who.predecessors:
        return markdown("")
    names = _names(who.predecessors, lang)
    target = _names(
        tuple(c for c in who.members if any(provinces()[p].merged_into == c for p in who.predecessors)), lang
    )
    return markdown(
        text(
            "atlas.text.predecessors",
            lang,
            names=names,
            names_plain=names,
            province=target,
            province_plain=target,
        )
    )


def _rank_and_score(row: pd.Series, lang: str) -> str:
    parts = []
    if not fmt.is_missing(row.get("rank")):
        parts.append(fmt.rank(row["rank"], row.get("n_ranked"), lang, row.get("rank_basis")))
    if not fmt.is_missing(row.get("score")):
        parts.append(fmt.mark(fmt.score(row["score"], str(row["index"]), lang), row.get("score_basis"), lang))
    return " · ".join(parts) or fmt.not_published(lang)


def released_for_unit(history: pd.DataFrame, who: Subject, lang: str) -> Any:
    """One sentence: each value a publisher released for the unit itself (DTI 2024 for the 34
    units), or that none has been released yet."""
    own = history[history["role"].eq(OWN) & (history["score"].notna() | history["rank"].notna())]
    if own.empty:
        return markdown(text("atlas.text.unit_released_none", lang, province=display_name(who.name, lang)))
    values = [
        f"{fmt.display_name('index', str(r['index']), lang)} {int(r['year'])}: {_rank_and_score(r, lang)}"
        for _, r in own.sort_values(["index", "year"]).iterrows()
    ]
    return markdown(
        text(
            "atlas.text.unit_released", lang, province=display_name(who.name, lang), values="; ".join(values)
        )
    )


def _printed_among_sums(own: pd.DataFrame) -> pd.Series | None:
    """Year → the class of each score's source, where the project's sums and scores a source
    prints stand in one column (a printed value must not pass for a sum, nor a sum for a printed
    value: the mark says which is computed, this says whose the printed one is); else None."""
    if "score_basis" not in own or "source_url" not in own:
        return None
    scored = own[own["score"].notna()]
    computed = scored["score_basis"].eq("computed").fillna(False)
    if not computed.any() or computed.all():
        return None
    from ..meta import classify_sources

    classes = classify_sources(scored["source_url"].astype("string"))["source_class"]
    return pd.Series(classes.to_numpy(), index=scored.index)


def history_tables(history: pd.DataFrame, who: Subject, lang: str) -> list[PeopleTable]:
    """One table per index: each year held, the subject's rank and score (and tier), the national
    median score, and for a unit (or a province with one merged into it) each member's published
    rank and score and, for a merged unit, their mean marked as derived. Years run down."""
    if history.empty:
        return []
    tables = []
    everyone = provinces()
    for index, rows in history.groupby("index", sort=True):
        years = sorted(rows["year"].unique())
        own = rows[rows["role"].eq(OWN)].set_index("year")
        frame = pd.DataFrame({"year": years, "index": index})
        frame["rank"] = frame["year"].map(own["rank"])
        frame["n_ranked"] = frame["year"].map(own["n_ranked"])
        frame["score"] = frame["year"].map(own["score"])
        frame["tier"] = frame["year"].map(own["tier"])
        for basis in ("rank_basis", "score_basis"):  # a computed rank or sum carries the mark
            if basis in own:
                frame[basis] = frame["year"].map(own[basis])
        # a national median only for a year with a score for every ranked unit
        per_year = rows.drop_duplicates("year").set_index("year")
        whole = per_year["median_complete"].astype("boolean").fillna(False).astype(bool)
        frame["median_score"] = [  # a median of the year's scores is computed by the project
            fmt.mark(fmt.score(per_year.loc[y, "median_score"], str(index), lang), "computed", lang)
            if whole.loc[y]
            else text("atlas.text.median_partial", lang)
            for y in years
        ]
        columns: list[Column] = [Column("year", "tables.column.year", kind="year")]
        own_label = "atlas.column.unit_value" if who.is_unit else "tables.column.score"
        if who.is_unit:
            frame["unit_value"] = [
                _rank_and_score(own.loc[y], lang) if y in own.index else fmt.not_published(lang)
                for y in years
            ]
            columns.append(Column("unit_value", own_label))
        else:
            columns += [
                Column("rank", "tables.column.rank", kind="rank", n_column="n_ranked"),
                Column("score", "tables.column.score", kind="score", index=str(index)),
            ]
            printed_among_sums = _printed_among_sums(own)
            if printed_among_sums is not None:  # PAPI 2020: a government site's 48.81 among sums
                frame["source_class"] = frame["year"].map(printed_among_sums)
                columns.append(
                    Column("source_class", "tables.column.source_class", kind="name", names="source_class")
                )
            if frame["tier"].notna().any():
                columns.append(Column("tier", "tables.column.tier"))
        others = rows[rows["role"].isin([MEMBER, PREDECESSOR])]
        for code in [c for c in (*who.members, *who.predecessors) if c in set(others["province_code"])]:
            theirs = others[others["province_code"].eq(code)].set_index("year")
            column = f"member_{code}"
            frame[column] = [
                _rank_and_score(theirs.loc[y], lang) if y in theirs.index else fmt.not_published(lang)
                for y in years
            ]
            columns.append(
                Column(
                    column, "atlas.column.member", label_fields={"name": everyone[code].display_name(lang)}
                )
            )
        means = rows[rows["role"].eq(DERIVED_MEAN)].set_index("year")["score"]
        if who.merged:  # a mean that cannot be computed is no gap in what was published
            frame["mean"] = [
                fmt.mark(fmt.score(means[y], str(index), lang), "derived", lang)
                if y in means.index
                else text("atlas.text.no_mean", lang)
                for y in years
            ]
            columns.append(Column("mean", "atlas.column.mean_members"))
        columns.append(Column("median_score", "atlas.column.national_median"))
        label = fmt.display_name("index", str(index), lang)
        key = "atlas.table.history_unit" if who.is_unit else "atlas.table.history"
        notes = []  # a derived mean carries the mark; the table gives its one legend
        if frame["tier"].notna().any() and not who.is_unit:
            notes.append(text("atlas.table.tiers_as_printed", lang))
        tables.append(
            people_table(
                frame,
                columns,
                lang,
                title=text(key, lang, index=label),
                sources=rows["source_url"],
                notes=notes,
            )
        )
    return tables


def subindex_table(profile: pd.DataFrame, index: str, year: int, who: Subject, lang: str) -> PeopleTable:
    """Each sub-index (PAPI: dimension) of one year: the subject's score (a merged unit's: the mean
    of its members, derived), the best province's and the median province's, and how many provinces
    have a score in the data held."""
    derived = who.merged
    columns = [
        Column("indicator", "tables.column.indicator", kind="indicator", index=index),
        Column(
            "score",
            "atlas.column.mean_members" if derived else "tables.column.own_score",
            kind="score",
            index=index,
            label_fields={"province": display_name(who.name, lang)},
            basis_column="value_basis",  # the subject's score as subindex_profile says it is
        ),
        Column(
            "best_score", "tables.column.best_score", kind="score", index=index, basis_column="best_basis"
        ),
        Column("best_province", "tables.column.best_province"),
        Column("median_score", "atlas.column.median", kind="score", index=index, basis_column="median_basis"),
        Column("n_scored", "atlas.column.n_scored", kind="number"),
    ]
    notes = []  # a derived score (a merged unit's mean) carries the mark; the table gives its legend
    n_scored = int(profile["n_scored"].max()) if len(profile) else 0
    notes.append(text("atlas.table.subindex_partial", lang, n=fmt.number(n_scored, lang)))
    return people_table(
        display_names(profile, lang, ["best_province"]),
        columns,
        lang,
        title=text(
            "atlas.table.subindex",
            lang,
            index=fmt.display_name("index", index, lang),
            year=year,
            parts=fmt.index_parts(index, lang),
        ),
        source_texts=[text("tables.source", lang, sources=fmt.display_name("index_long", index, lang))],
        notes=notes,
    )


def peers_table(peers: pd.DataFrame, who: Subject, lang: str) -> PeopleTable:
    """The region's provinces with their latest rank on each index (``r / n``), each linked to its
    profile; the subject's own rows (its members, for a unit) in bold is left to the reader's eye:
    they are named in the title."""
    indices = [c for c in peers.columns if f"{c}_year" in peers.columns]
    frame = display_names(
        peers.assign(href=[profile_href(n, "provinces_63", lang) for n in peers["province"]]), lang
    )
    columns = [Column("province", "tables.column.province", href_column="href")]
    for index in indices:
        year = int(peers[f"{index}_year"].iloc[0])
        columns.append(
            Column(
                index,
                "atlas.column.index_year",
                kind="rank",
                n_column=f"{index}_n",
                basis_column=f"{index}_basis",  # a computed rank carries the mark
                label_fields={"index": fmt.display_name("index", index, lang), "year": year},
            )
        )
    return people_table(
        frame,
        columns,
        lang,
        title=text("atlas.table.peers", lang, regions=_region_names(who, lang)),
        notes=[peers_note(peers, lang)],
    )


def peers_note(peers: pd.DataFrame, lang: str) -> str:
    """The rule that chose each column's year of :func:`peers_table`, as used
    (:func:`.analysis.profiles.peers_year`): where no year has half of the region ranked, the
    note names the column and how many of the region's provinces it has ranked."""
    indices = [c for c in peers.columns if f"{c}_year" in peers.columns]
    n_region = fmt.number(len(peers), lang)
    most = [
        text(
            "atlas.text.peers_count",
            lang,
            index=fmt.display_name("index", index, lang),
            year=int(peers[f"{index}_year"].iloc[0]),
            k=fmt.number(peers[f"{index}_peers_ranked"].iloc[0], lang),
            n=n_region,
        )
        for index in indices
        if peers[f"{index}_rule"].iloc[0] == "most"
    ]
    if not most:
        return text("atlas.text.peers_note", lang, n=n_region)
    return text("atlas.text.peers_note_most", lang, n=n_region, counts=fmt.join(most, lang))


def full_ranking_table(rows: pd.DataFrame, year: int, lang: str) -> PeopleTable:
    """Every unit held for ``year`` (one index and indicator, as :func:`~egov_analysis.analysis.
    rankings.select` gives), in rank order: rank ``r / n``, score at the publisher's precision, the
    tier as printed where the data give one, and for the 34 units their member provinces; each
    name links to its profile of the same language. A year held in part says how many of how many
    units the data hold."""
    index = str(rows["index"].iloc[0])
    geography = str(rows["geography"].iloc[0])
    that = rows[rows["year"].eq(year) & (rows["score"].notna() | rows["rank"].notna())]
    that = that.sort_values(["rank", "score", "province"], ascending=[True, False, True], na_position="last")
    that = display_names(that.assign(href=[profile_href(n, geography, lang) for n in that["province"]]), lang)
    unit = geography == "units_34"
    columns = [
        Column("province", "tables.column.unit" if unit else "tables.column.province", href_column="href"),
        Column("rank", "tables.column.rank", kind="rank", n_column="n_ranked"),
        Column("score", "tables.column.score", kind="score", index=index),
    ]
    if unit:
        members = {
            c: fmt.join(sorted(provinces()[m].display_name(lang) for m in u.member_codes), lang)
            for c, u in units_2025().items()
        }
        that = that.assign(members=that["province_code"].map(members).fillna(""))
        columns.append(Column("members", "tables.column.members"))
    notes = []
    if that["tier"].notna().any():  # a unit without one: the data held lack it, not the publisher
        that = that.assign(
            tier=that["tier"].astype(object).where(that["tier"].notna(), text("atlas.text.not_held", lang))
        )
        columns.append(Column("tier", "tables.column.tier"))
        notes.append(text("atlas.table.tiers_as_printed", lang))
    held, n = held_and_ranked(rows, year)
    if n is not None and held < n:
        notes.append(
            text(
                "atlas.text.partial_table",
                lang,
                held=fmt.number(held, lang),
                n=fmt.number(n, lang),
                year=year,
            )
        )
    subtitle = (
        text("atlas.table.full_subtitle_unknown", lang, held=fmt.number(held, lang))
        if n is None
        else text("atlas.table.full_subtitle", lang, held=fmt.number(held, lang), n=fmt.number(n, lang))
    )
    return people_table(
        that,
        columns,
        lang,
        title=text("atlas.table.full", lang, index=fmt.display_name("index", index, lang), year=year),
        subtitle=subtitle,
        sources=pd.concat([that["source_url"], that["rank_source_url"]]),
        notes=notes,
    )


def held_and_ranked(rows: pd.DataFrame, year: int) -> tuple[int, int | None]:
    """The units held for ``year`` and the units the publisher ranked (None where no source gives
    the number), as every page counts them (:func:`egov_analysis.meta.coverage.coverage`)."""
    from ..meta.coverage import coverage

    per = coverage(rows[rows["year"].eq(year)], by=["year"])
    if per.empty:
        return 0, None
    row = per.iloc[0]
    return int(row["n_held"]), None if fmt.is_missing(row["n_ranked"]) else int(row["n_ranked"])


def full_table_intro(rows: pd.DataFrame, year: int, lang: str) -> Any:
    """The sentence before :func:`full_ranking_table`: "Every unit ranked in 2022" only where the
    data hold every one; else "The units held for 2024 (14 of the 63 ranked)", or without the
    number ranked where no source gives it."""
    held, n = held_and_ranked(rows, year)
    if n is None:
        key = "atlas.text.full_table_intro_unknown"
    elif held >= n:
        key = "atlas.text.full_table_intro"
    else:
        key = "atlas.text.full_table_intro_part"
    return markdown(
        plain_markdown(text(key, lang, year=year, held=fmt.number(held, lang), n=fmt.number(n or 0, lang)))
    )


def full_table_years(rows: pd.DataFrame) -> list[int]:
    """The years whose full list a rankings report shows: the last year held, and the latest year
    held in full when the last one is held in part (PCI: 2024 in part, 2022 in full)."""
    from ..analysis.findings import year_coverage

    coverage = year_coverage(rows)
    if coverage.empty:
        return []
    last = int(coverage["year"].max())
    complete = coverage[coverage["complete"]]
    years = [last]
    if not complete.empty and int(complete["year"].max()) != last:
        years.insert(0, int(complete["year"].max()))
    return years


def intro(who: Subject, history: pd.DataFrame, lang: str) -> Any:
    """The profile's opening: a province's region and what became of it in July 2025, or what a
    unit of July 2025 is made of and what the publishers released for it."""
    from ..provinces import successor
    from .sections import profile_intro

    if who.is_unit:
        return markdown(f"{unit_intro(who, lang).data}\n\n{released_for_unit(history, who, lang).data}")
    region = fmt.display_name("region", who.regions[0], lang)
    return profile_intro(display_name(who.name, lang), region, successor(who.code).display_name(lang), lang)


def blank_units(rows: pd.DataFrame, years: list[int], lang: str) -> Any:
    """Under the maps by year: for each year, the units drawn without a value, by name; in a year
    whose whole list is held, they are units that edition did not rank (PCI 2005 ranked 42
    provinces), and the line says so rather than calling them a gap in the data."""
    from ..analysis.findings import year_coverage
    from ..analysis.maps import missing_units

    coverage = year_coverage(rows).set_index("year")

    def line(year: int, names: list[str]) -> str:
        listed = fmt.join([display_name(n, lang) for n in names], lang)
        held, ranked = coverage.loc[year, "n_held"], coverage.loc[year, "n_ranked"]
        if pd.notna(ranked) and held >= ranked:
            return "- " + text("atlas.text.blank_not_ranked", lang, year=year, n=int(ranked), names=listed)
        return f"- {year}: {listed}"

    lines = [line(y, names) for y in years if (names := missing_units(rows, y))]
    if not lines:
        return markdown("")
    return markdown(text("atlas.text.blank_units", lang) + "\n\n" + "\n".join(lines))


def subject_label(who: Subject, lang: str) -> str:
    """Whose scores a sub-index chart draws: the province's or unchanged unit's name, or, for a
    merged unit, its name marked derived (the mean of its members; the table below says so)."""
    if not who.merged:
        return display_name(who.name, lang)
    return fmt.mark(
        text("atlas.chart.derived_label", lang, name=display_name(who.name, lang)), "derived", lang
    )
