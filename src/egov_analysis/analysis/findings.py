"""Key findings in words: short sentences generated from the index panel, in the report's language.

Every sentence states a value that is in the frame it was given (a rank, a score, a year, a count)
and nothing the data do not show: a province absent from a partial list is "not among the k
published", never "below rank k"; moves are computed between years in which the province has a
rank and never across a series break (``meta/series_breaks.csv``); national medians and regional
positions come only from years in which every ranked unit is published. Numbers are formatted
by :mod:`egov_analysis.formatting` (Babel, publisher's precision), exactly as the tables show them.

Input frames have the panel's columns (``load("indices")``): ``index``, ``year``, ``geography``,
``province_code``, ``province``, ``indicator``, ``score``, ``rank``, ``n_ranked``. Words come from
``meta/messages/<lang>/findings.toml``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pandas as pd

from .. import formatting as fmt
from ..meta import editions as meta_editions
from ..meta import indices as meta_indices
from ..meta import series_breaks as meta_series_breaks
from ..meta.coverage import COMPLETE, PARTIAL, RANKS_ONLY
from ..meta.coverage import coverage as held_coverage
from ..meta.messages import plural, text
from ..provinces import display_name, display_names, provinces
from .relationships import Correlation

# Fewer units than this ranked in both years name no "largest rise" or "largest fall": among a
# handful of units (a top list, press excerpts) the largest move says which units happen to be held
# more than how the list moved, and ranks among 63 move by a few places from year to year anyway.
# Nor do fewer than half of the units ranked (two top lists): a unit that climbed into the later
# list is there because it rose, so the largest rise among them is chosen by the selection.
MIN_UNITS_FOR_CHANGE = 10

FINDINGS_METADATA = "egov_findings"


def withheld_change(n_both: int, n_ranked: Any, first: int, last: int, lang: str) -> Sentence | None:
    """Why no largest rise or fall is named among the ``n_both`` units ranked in ``first`` and
    ``last`` (``n_ranked``: the units the publisher ranked, a number or the rows' column), or None
    when their moves are a finding. The one rule for findings and the change chart: fewer than
    :data:`MIN_UNITS_FOR_CHANGE` units, or fewer than half of the units ranked (two top lists)."""
    ranked = pd.to_numeric(pd.Series(n_ranked), errors="coerce").max()
    fields = {"first": first, "last": last, "n": fmt.number(n_both, lang)}
    if pd.notna(ranked) and n_both >= MIN_UNITS_FOR_CHANGE and n_both < int(ranked) / 2:
        # the largest move among the units of two top lists says which units the lists hold
        return _say("findings.partial_for_change", lang, **fields, total=fmt.number(int(ranked), lang))
    if n_both < MIN_UNITS_FOR_CHANGE:  # the largest of a handful of moves is no finding
        return _say("findings.few_for_change", lang, **fields, min=fmt.number(MIN_UNITS_FOR_CHANGE, lang))
    return None


@dataclass(frozen=True)
class Findings:
    """A heading and its sentences; ``markdown()`` gives the section a notebook displays."""

    heading: str
    sentences: list[str] = field(default_factory=list)
    lead: int = 0  # the sentence the landing page shows as the report's key finding

    @property
    def key_finding(self) -> str:
        """The report's key finding in one sentence (``sentences[lead]``; ``""`` if none)."""
        return self.sentences[self.lead] if 0 <= self.lead < len(self.sentences) else ""

    def markdown(self, level: int = 2) -> str:
        """The heading and a list item per sentence; their text never becomes markup (a report
        title ``<b>`` in the heading reads as written)."""
        from ..markup import plain_markdown

        items = "\n".join(f"- {plain_markdown(s)}" for s in self.sentences)
        return f"{'#' * level} {plain_markdown(self.heading)}\n\n{items}\n"

    def _repr_markdown_(self) -> tuple[str, dict[str, object]]:
        # the key finding rides in the output's metadata, for the landing page (reporting.site)
        return self.markdown(), {FINDINGS_METADATA: {"key_finding": str(self.key_finding)}}


class Sentence(str):
    """A sentence that remembers its catalogue key (so a report can keep only some kinds)."""

    key: str = ""


def _say(key: str, lang: str, /, **fields: object) -> Sentence:
    sentence = Sentence(text(key, lang, **fields))
    sentence.key = key
    return sentence


def _say_n(key: str, lang: str, count: int, /, **fields: object) -> Sentence:
    """The sentence ``key`` in the plural form ``lang`` uses for ``count``."""
    sentence = Sentence(plural(key, lang, count, **fields))
    sentence.key = key
    return sentence


@cache
def series_breaks() -> dict[tuple[str, str], tuple[int, ...]]:
    """Years that start a new series, by (index, indicator) (``meta/series_breaks.csv``)."""
    out: dict[tuple[str, str], list[int]] = {}
    for row in meta_series_breaks().itertuples(index=False):
        out.setdefault((str(row.index), str(row.indicator)), []).append(int(row.year))
    return {k: tuple(sorted(v)) for k, v in out.items()}


def breaks_between(index: str, indicator: str, first: int, last: int) -> list[int]:
    """Series breaks of ``index``/``indicator`` that fall after ``first`` and no later than ``last``."""
    return [y for y in series_breaks().get((index, indicator), ()) if first < y <= last]


def comparable_years(index: str, indicator: str, years: Iterable[int]) -> list[int]:
    """The years of the latest unbroken stretch of the series (PAPI overall 2011–2024 -> 2018–2024),
    so that a change between its first and last year never crosses a break."""
    values = sorted({int(y) for y in years})
    if not values:
        return []
    breaks = breaks_between(index, indicator, values[0], values[-1])
    start = breaks[-1] if breaks else values[0]
    return [y for y in values if y >= start]


def _one(rows: pd.DataFrame, column: str) -> str:
    values = rows[column].dropna().unique()
    if len(values) != 1:
        raise ValueError(f"findings need rows of one {column}; got {sorted(map(str, values))}")
    return str(values[0])


def _published(rows: pd.DataFrame) -> pd.DataFrame:
    return rows[rows["score"].notna() | rows["rank"].notna()]


def year_coverage(rows: pd.DataFrame) -> pd.DataFrame:
    """Per year: the coverage of ``rows`` (``meta.coverage.coverage``: ``n_held``, ``n_score``,
    ``n_ranked``, ``status``, ``complete``), the one count every page gives."""
    return held_coverage(rows, by=["year"])


def _names(rows: pd.DataFrame) -> list[str]:
    return sorted(rows["province"].astype(str).unique())


def _index_label(index: str, lang: str) -> str:
    return fmt.display_name("index", index, lang)


def _rank_at(rows: pd.DataFrame, code: str, year: int) -> pd.Series | None:
    hit = rows[rows["province_code"].eq(code) & rows["year"].eq(year)]
    return None if hit.empty else hit.iloc[0]


def _moves(own: pd.DataFrame, index: str, indicator: str) -> pd.DataFrame:
    """Rank changes between consecutive ranked years of one unit, within an unbroken series."""
    ranked = own.dropna(subset=["rank"]).sort_values("year")
    years, ranks = ranked["year"].astype(int).tolist(), ranked["rank"].astype(int).tolist()
    bases = [_basis(r) for _, r in ranked.iterrows()]
    out: list[dict[str, object]] = []
    for i in range(1, len(years)):
        y0, r0, y1, r1 = years[i - 1], ranks[i - 1], years[i], ranks[i]
        if breaks_between(index, indicator, y0, y1):
            continue
        out.append(
            {
                "from_year": y0,
                "to_year": y1,
                "before": r0,
                "after": r1,
                "places": r0 - r1,
                "before_basis": bases[i - 1],
                "after_basis": bases[i],
            }
        )
    columns = ["from_year", "to_year", "before", "after", "places", "before_basis", "after_basis"]
    return pd.DataFrame(out, columns=columns)


def province_sentences(rows: pd.DataFrame, province_code: str, lang: str) -> list[str]:
    """What ``rows`` (one index, indicator and geography; the report's years) say about one unit:
    its latest position (or that it is not among those published), best and lowest rank, biggest
    rise and fall between ranked years, its place against the national median and its region in
    the latest complete year, and the years with no published value for it."""
    rows = display_names(rows, lang)  # "TP. Hồ Chí Minh" on the page, the canonical key in the data
    if rows.empty:
        return []
    index, indicator = _one(rows, "index"), _one(rows, "indicator")
    label = _index_label(index, lang)
    rows = rows.assign(year=rows["year"].astype(int))
    years = sorted(rows["year"].unique())
    held = year_coverage(rows).set_index("year")
    own = _published(rows[rows["province_code"].eq(province_code)]).sort_values("year")
    name = _province_name(rows, province_code, lang)
    if own.empty:
        return [_say("findings.never", lang, index=label, years=fmt.year_span(years, lang), province=name)]

    out: list[str] = []
    latest_year = int(years[-1])
    here = _rank_at(own, province_code, latest_year)
    if here is not None:
        out.append(_position_sentence(here, label, name, index, lang))
        out.extend(_tie_sentence(rows, here, province_code, lang))
    else:
        before = own.iloc[-1]
        out.append(
            _say(
                "findings.latest_absent",
                lang,
                index=label,
                year=latest_year,
                province=name,
                published=fmt.number(held.loc[latest_year, "n_held"], lang),
                n=fmt.number(held.loc[latest_year, "n_ranked"], lang),
                value=_value_text(before, index, lang),
                last_year=int(before["year"]),
            )
        )
    out.extend(_best_worst(own, lang))
    out.extend(_move_sentences(own, index, indicator, label, lang))
    out.extend(_distribution_sentences(rows, held, province_code, name, index, lang))
    missing = [y for y in years if y not in set(own["year"])]
    # a year whose held list has every unit the publisher ranked: the gap is the publisher's (PAPI
    # 2021 and 2023 left Quảng Ninh out), not a gap in what this project holds
    unranked = [
        y
        for y in missing
        if pd.notna(held.loc[y, "n_ranked"]) and int(held.loc[y, "n_held"]) >= int(held.loc[y, "n_ranked"])
    ]
    not_held = [y for y in missing if y not in unranked]
    if not_held:
        out.append(
            _say(
                "findings.not_published",
                lang,
                index=label,
                province=name,
                years=fmt.year_span(not_held, lang),
            )
        )
    if unranked:
        out.append(
            _say("findings.not_ranked", lang, index=label, province=name, years=fmt.year_span(unranked, lang))
        )
    return out


def _province_name(rows: pd.DataFrame, code: str, lang: str) -> str:
    hit = rows.loc[rows["province_code"].eq(code), "province"]
    if not hit.empty:
        return display_name(hit.iloc[0], lang)
    known = provinces()
    if code in known:
        return known[code].display_name(lang)
    raise ValueError(f"province code {code!r} is neither in the rows nor in the province registry")


def _basis(row: pd.Series) -> object:
    """The row's rank status (``rank_basis``: published / computed), None where rows lack it."""
    return row.get("rank_basis")


def _any_computed(rows: pd.DataFrame) -> str | None:
    """``computed`` when any of ``rows`` has a rank the project computed."""
    if "rank_basis" not in rows:
        return None
    return "computed" if any(fmt.is_computed(b) for b in rows["rank_basis"]) else None


def with_legend(sentences: list[str], lang: str) -> list[str]:
    """``sentences`` and, where one of them carries the computed mark, the mark's one legend."""
    if any(fmt.has_mark(s, lang) for s in sentences):
        return [*sentences, _say("tables.computed_legend", lang)]
    return sentences


def _score_text(row: pd.Series, index: str, lang: str) -> str:
    """A unit's score as the page writes it, marked where the project computed it (a PAPI total is
    the sum of its dimensions)."""
    return fmt.mark(fmt.score(row["score"], index, lang), row.get("score_basis"), lang)


def _value_text(row: pd.Series, index: str, lang: str) -> str:
    if fmt.is_missing(row["rank"]):
        return _say("findings.score_only", lang, score=_score_text(row, index, lang))
    return _say("findings.rank_only", lang, rank=fmt.rank(row["rank"], row["n_ranked"], lang, _basis(row)))


def _position_sentence(here: pd.Series, label: str, name: str, index: str, lang: str) -> str:
    fields = {"index": label, "year": int(here["year"]), "province": name}
    if fmt.is_missing(here["rank"]):
        return _say("findings.latest_score", lang, **fields, score=_score_text(here, index, lang))
    rank = fmt.rank(here["rank"], here["n_ranked"], lang, _basis(here))
    if fmt.is_missing(here["score"]):
        return _say("findings.latest_rank_no_score", lang, **fields, rank=rank)
    return _say("findings.latest_rank", lang, **fields, rank=rank, score=_score_text(here, index, lang))


def _tie_sentence(rows: pd.DataFrame, here: pd.Series, code: str, lang: str) -> list[str]:
    if fmt.is_missing(here["rank"]):
        return []
    same = rows[
        rows["year"].eq(here["year"]) & rows["rank"].eq(here["rank"]) & rows["province_code"].ne(code)
    ]
    if same.empty:
        return []
    return [
        _say(
            "findings.tied",
            lang,
            rank=fmt.mark(fmt.number(here["rank"], lang), _basis(here), lang),
            year=int(here["year"]),
            province=str(here["province"]),
            others=fmt.join(_names(same), lang),
        )
    ]


def rank_in_years(rows: pd.DataFrame, value: int, lang: str) -> str:
    """A rank with the years of ``rows`` (one unit's rows holding that rank), once for the years
    it was printed and once, marked, for the years the project computed it: the mark belongs to a
    year's value, never to a span of years most of which the publisher printed
    ("3 (2019–2020, 2022) and 3† (2023)")."""
    computed = [fmt.is_computed(b) for b in rows.get("rank_basis", pd.Series(None, index=rows.index))]
    parts = []
    for is_computed_rank in (False, True):
        years = rows.loc[[c == is_computed_rank for c in computed], "year"]
        if not years.empty:
            rank = fmt.mark(fmt.number(value, lang), "computed" if is_computed_rank else None, lang)
            parts.append(text("findings.rank_in_years", lang, rank=rank, years=fmt.year_span(years, lang)))
    return fmt.join(parts, lang)


def _best_worst(own: pd.DataFrame, lang: str) -> list[str]:
    ranked = own.dropna(subset=["rank"])
    if len(ranked) < 2:
        return []
    ranks = ranked["rank"].astype(int)
    best, worst = int(ranks.min()), int(ranks.max())

    def written(value: int) -> str:
        return rank_in_years(ranked[ranks.eq(value)], value, lang)

    if best == worst:
        return [_say("findings.same_rank", lang, rank=written(best), n=len(ranked))]
    return [_say("findings.best_worst", lang, best=written(best), worst=written(worst), n=len(ranked))]


def _editions_between(index: str, first: int, last: int) -> list[int]:
    """Editions of ``index`` (meta's years) strictly between ``first`` and ``last``."""
    known = meta_indices()
    years = known[index].years if index in known else frozenset()
    return sorted(y for y in years if first < y < last)


def _move_sentences(own: pd.DataFrame, index: str, indicator: str, label: str, lang: str) -> list[str]:
    moves = _moves(own, index, indicator)
    years = own.dropna(subset=["rank"])["year"].astype(int)
    out: list[str] = []
    if not moves.empty:
        up, down = moves[moves["places"] > 0], moves[moves["places"] < 0]
        if up.empty and down.empty:
            out.append(_say("findings.steady", lang))
        for part, pick, key in ((up, "idxmax", "findings.rise"), (down, "idxmin", "findings.fall")):
            if part.empty:
                continue
            move = part.loc[getattr(part["places"], pick)()]
            out.append(_move(move, key, lang))
            skipped = _editions_between(index, int(move["from_year"]), int(move["to_year"]))
            if skipped:  # a move over editions without a value is not a year-to-year move
                out.append(_say("findings.gap_between", lang, years=fmt.year_span(skipped, lang)))
    if len(years):
        for year in breaks_between(index, indicator, int(years.min()), int(years.max())):
            out.append(_say("findings.break", lang, index=label, year=year))
    return out


def _move(row: pd.Series, key: str, lang: str) -> str:
    return _say_n(
        key,
        lang,
        abs(int(row["places"])),
        before=fmt.mark(fmt.number(row["before"], lang), row["before_basis"], lang),
        after=fmt.mark(fmt.number(row["after"], lang), row["after_basis"], lang),
        from_year=int(row["from_year"]),
        to_year=int(row["to_year"]),
        places=fmt.mark(  # a move between ranks the project computed is computed too
            fmt.number(abs(int(row["places"])), lang),
            "computed"
            if fmt.is_computed(row["before_basis"]) or fmt.is_computed(row["after_basis"])
            else None,
            lang,
        ),
    )


def _distribution_sentences(
    rows: pd.DataFrame, coverage: pd.DataFrame, code: str, name: str, index: str, lang: str
) -> list[str]:
    complete = coverage.index[coverage["complete"]].tolist()
    with_own = [
        y
        for y in complete
        if rows[rows["year"].eq(y) & rows["province_code"].eq(code)]["score"].notna().any()
    ]
    if not with_own:
        return []
    year = int(max(with_own))
    that_year = rows[rows["year"].eq(year) & rows["score"].notna()]
    own = that_year[that_year["province_code"].eq(code)].iloc[0]
    # the lowest and highest are marked when computed (PAPI totals: sums of the dimensions)
    lowest, highest = that_year.loc[that_year["score"].idxmin()], that_year.loc[that_year["score"].idxmax()]
    out: list[str] = [
        _say(
            "findings.against_median",
            lang,
            year=year,
            n=fmt.number(len(that_year), lang),  # complete: every ranked unit has a score
            province=name,
            score=_score_text(own, index, lang),
            median=fmt.mark(fmt.score(that_year["score"].median(), index, lang), "computed", lang),
            low=_score_text(lowest, index, lang),
            high=_score_text(highest, index, lang),
        )
    ]
    registry = provinces()
    # regions are those of the 63 provinces; the 2025 units reuse old codes for other places
    if _one(rows, "geography") == "provinces_63" and code in registry:
        region = registry[code].region
        peers = that_year[
            that_year["province_code"].map(lambda c: c in registry and registry[c].region == region)
        ]
        position = int((peers["score"] > own["score"]).sum()) + 1
        out.append(
            _say(
                "findings.in_region",
                lang,
                region=fmt.display_name("region", region, lang),
                position=fmt.rank(position, len(peers), lang, "computed"),  # placed by this project
                year=year,
            )
        )
    return out


def index_sentences(rows: pd.DataFrame, lang: str) -> list[str]:
    """What ``rows`` (one index, indicator and geography over the report's years) say as a whole:
    the leader of the latest year, which years publish only part of the list, the national
    distribution in the latest complete year, and the biggest rise and fall between the first and
    last ranked years of the latest unbroken stretch (:func:`comparable_years`; the same years the
    report's change chart should use)."""
    rows = display_names(rows, lang)
    if rows.empty:
        return []
    index, indicator = _one(rows, "index"), _one(rows, "indicator")
    label = _index_label(index, lang)
    rows = rows.assign(year=rows["year"].astype(int))
    coverage = year_coverage(rows).set_index("year")
    out: list[str] = []
    latest = int(coverage.index.max())
    # the leader of the latest year with a rank held (PAPI 2024 is held as scores without ranks:
    # its leader is not known, 2023's is)
    ranked_years = rows.loc[rows["rank"].notna(), "year"]
    leader_year = int(ranked_years.max()) if not ranked_years.empty else latest
    last_rows = rows[rows["year"].eq(leader_year)]
    leaders = last_rows[last_rows["rank"].eq(last_rows["rank"].min())]
    if not leaders.empty:
        scores = leaders["score"].dropna()
        # the mark belongs to the value (the first place), not to the names
        first = fmt.mark("", _any_computed(leaders), lang)
        fields = {
            "index": label,
            "year": leader_year,
            "leaders": fmt.join(_names(leaders), lang),
            "mark": first,
        }
        if len(scores) == len(leaders) and scores.nunique() == 1:
            score = fmt.score(scores.iloc[0], index, lang)
            out.append(_say_n("findings.leader", lang, len(_names(leaders)), **fields, score=score))
        else:
            out.append(_say_n("findings.leader_no_score", lang, len(_names(leaders)), **fields))
    partial = coverage[coverage["status"].eq(PARTIAL)]
    if not partial.empty:
        counts = [fmt.held_of_ranked(r["n_held"], r["n_ranked"], y, lang) for y, r in partial.iterrows()]
        out.append(_say("findings.partial_years", lang, index=label, counts=fmt.join(counts, lang)))
        out.extend(_released(index, _one(rows, "geography"), [int(y) for y in partial.index], lang))
    complete = coverage.index[coverage["complete"]].tolist()
    if complete:
        year = int(max(complete))
        scored = rows[rows["year"].eq(year) & rows["score"].notna()]
        top = scored[scored["score"].eq(scored["score"].max())]
        bottom = scored[scored["score"].eq(scored["score"].min())]
        out.append(
            _say(
                "findings.distribution",
                lang,
                year=year,
                n=fmt.number(len(scored), lang),
                median=fmt.mark(fmt.score(scored["score"].median(), index, lang), "computed", lang),
                low=fmt.score(scored["score"].min(), index, lang),
                lowest=fmt.join(_names(bottom), lang),
                high=fmt.score(scored["score"].max(), index, lang),
                highest=fmt.join(_names(top), lang),
            )
        )
    else:
        out.append(_say("findings.no_complete_year", lang, index=label))
    out.extend(_change_sentences(rows, index, indicator, label, lang))
    return out


def _released(index: str, geography: str, years: list[int], lang: str) -> list[str]:
    """What the publisher released in ``years`` where the edition table says so, as one sentence
    (:func:`released_notes`), then what it says of the file the project read (:func:`file_notes`)."""
    notes = released_notes(index, geography, years, lang)
    files = file_notes(index, geography, years, lang)  # the project's file, said as such
    out: list[str] = []
    if notes:
        out.append(_say("findings.released", lang, notes=fmt.join(notes, lang)))
    if files:
        out.append(_say("findings.file_notes", lang, notes=fmt.join(files, lang)))
    return out


def released_notes(index: str, geography: str, years: Iterable[int], lang: str) -> list[str]:
    """What the publisher ranked or released in ``years`` where ``meta/index_editions.csv`` says
    so (its ``coverage_note_*``: "VCCI ranked 63 provinces but published only the top 30"), each
    note once with its years, in ``lang``; ``[]`` where the table says nothing. Notes about the
    file the project read (``file_note_*``) are not what the publisher released: :func:`file_notes`."""
    return _edition_notes("coverage_note", index, geography, years, lang)


def file_notes(index: str, geography: str, years: Iterable[int], lang: str) -> list[str]:
    """What ``meta/index_editions.csv`` says of the file the project read in ``years`` (its
    ``file_note_*``: "the sub-dimension file read here lacks Tiền Giang and Vĩnh Phúc"), each note
    once with its years, in ``lang``; ``[]`` where the table says nothing."""
    return _edition_notes("file_note", index, geography, years, lang)


def _edition_notes(prefix: str, index: str, geography: str, years: Iterable[int], lang: str) -> list[str]:
    years = [int(y) for y in years]
    editions = meta_editions()
    here = editions[
        editions["index"].eq(index) & editions["geography"].eq(geography) & editions["year"].isin(years)
    ]
    column = f"{prefix}_{lang}"
    if column not in here:
        return []
    by_note: dict[str, list[int]] = {}
    for row in here.itertuples(index=False):
        note = getattr(row, column)
        if isinstance(note, str) and note.strip():
            by_note.setdefault(note.strip(), []).append(int(row.year))
    if not by_note:
        return []
    # notes that open alike ("PAPI ranked 63 provinces; the file read here lacks …") say the
    # opening once, then each year's own part: not one template repeated per year
    by_head: dict[str, list[str]] = {}
    for note, note_years in by_note.items():
        head, sep, tail = note.partition("; ")
        key, part = (head, tail) if sep else ("", note)
        by_head.setdefault(key, []).append(f"{part} ({fmt.year_span(note_years, lang)})")
    notes: list[str] = []
    for head, parts in by_head.items():
        notes.extend([f"{head}; {'; '.join(parts)}"] if head else parts)
    return notes


def change_years(rows: pd.DataFrame) -> tuple[int, int] | None:
    """First and last year with ranks within the latest unbroken stretch of the series, or None
    when fewer than two such years exist: the two years a change chart and its findings compare."""
    index, indicator = _one(rows, "index"), _one(rows, "indicator")
    ranked = comparable_years(index, indicator, rows.loc[rows["rank"].notna(), "year"].astype(int))
    return (ranked[0], ranked[-1]) if len(ranked) >= 2 else None


def _change_sentences(rows: pd.DataFrame, index: str, indicator: str, label: str, lang: str) -> list[str]:
    span = change_years(rows)
    if span is None:
        return []
    first, last = span
    both = rows[rows["year"].isin([first, last]) & rows["rank"].notna()]
    # units by code (a name spelt two ways is still one unit), named by their latest spelling
    wide = both.pivot_table(index="province_code", columns="year", values="rank", aggfunc="first").dropna()
    names = (
        rows.sort_values("year")
        .drop_duplicates("province_code", keep="last")
        .set_index("province_code")["province"]
    )
    out: list[str] = []
    ranked = rows.loc[rows["rank"].notna(), "year"].astype(int)
    breaks = breaks_between(index, indicator, int(ranked.min()), int(ranked.max()))
    if breaks:  # one sentence for every break, compared from the last one on
        years = fmt.year_span(breaks, lang)
        out.append(_say("findings.break_index", lang, index=label, year=years, first=first))
    if wide.empty:
        out.append(_say("findings.no_common_units", lang, first=first, last=last))
        return out
    change = (wide[first] - wide[last]).astype(int)
    computed = set(
        both.loc[[fmt.is_computed(b) for b in both.get("rank_basis", [None] * len(both))], "province_code"]
    )

    def places(value: int, codes: pd.Index) -> str:  # a move between computed ranks is computed
        return fmt.mark(fmt.number(value, lang), "computed" if computed & set(codes) else None, lang)

    fields = {"first": first, "last": last, "n": fmt.number(len(wide), lang)}
    if len(wide) == 1:  # "the most" and "none of" need more than one unit
        who, ranks = str(names[wide.index[0]]), wide.iloc[0]
        before, after = fmt.number(ranks[first], lang), fmt.number(ranks[last], lang)
        out.append(
            _say("findings.index_one_unit", lang, first=first, last=last, who=who, before=before, after=after)
        )
        return out
    ranked = pd.to_numeric(both["n_ranked"], errors="coerce").max()
    withheld = withheld_change(len(wide), ranked, first, last, lang)
    if withheld is not None:
        out.append(withheld)
        return out
    if change.max() > 0:
        best = change[change.eq(change.max())]
        out.append(
            _say_n(
                "findings.index_rise",
                lang,
                int(change.max()),
                **fields,
                who=fmt.join(sorted(names[best.index].astype(str)), lang),
                places=places(int(change.max()), best.index),
            )
        )
    if change.min() < 0:
        worst = change[change.eq(change.min())]
        out.append(
            _say_n(
                "findings.index_fall",
                lang,
                int(-change.min()),
                **fields,
                who=fmt.join(sorted(names[worst.index].astype(str)), lang),
                places=places(int(-change.min()), worst.index),
            )
        )
    if change.eq(0).all():
        out.append(_say("findings.index_steady", lang, **fields))
    if pd.notna(ranked) and len(wide) < int(ranked):  # a top list's leaders are no sample of all units
        out.append(_say("findings.common_partial", lang, n=fields["n"], total=fmt.number(int(ranked), lang)))
    return out


def rankings_findings(
    rows: pd.DataFrame, highlight_codes: Sequence[str], lang: str, subject: str
) -> Findings:
    """The "Key findings" of a rankings report: :func:`index_sentences`, then
    :func:`province_sentences` for each highlighted unit. ``subject`` (the report's title or the
    index and years) goes into the heading."""
    sentences = index_sentences(rows, lang)
    for code in highlight_codes:
        sentences.extend(province_sentences(rows, code, lang))
    return Findings(_say("findings.heading", lang, subject=subject), with_legend(sentences, lang))


def profile_findings(panel: pd.DataFrame, province_code: str, lang: str, subject: str) -> Findings:
    """The "Key findings" of a province profile: for each index with a published headline value
    for the province (63-province geography), its latest position, best and lowest rank and its
    place against the national median; then the indices with no value for it."""
    headline = panel[panel["indicator"].eq("overall") & panel["geography"].eq("provinces_63")]
    sentences: list[str] = []
    absent: list[str] = []
    name = _province_name(headline, province_code, lang)
    for index in sorted(headline["index"].unique()):
        rows = headline[headline["index"].eq(index)]
        own = _published(rows[rows["province_code"].eq(province_code)])
        if own.empty:
            absent.append(_index_label(index, lang))
            continue
        # the profile keeps each index short: position, best/lowest, national and regional place
        keep = ("findings.latest", "findings.tied", "findings.best", "findings.same", "findings.against")
        found = province_sentences(rows, province_code, lang)
        sentences.extend(s for s in found if getattr(s, "key", "").startswith((*keep, "findings.in_region")))
    if absent:
        sentences.append(_say("findings.absent_indices", lang, province=name, indices=fmt.join(absent, lang)))
    return Findings(_say("findings.heading", lang, subject=subject), with_legend(sentences, lang))


def relationship_findings(
    pairs: pd.DataFrame,
    x_index: str,
    y_index: str,
    year: int,
    pearson: float,
    spearman: float,
    highlight_codes: Sequence[str],
    lang: str,
    subject: str,
    x_rows: pd.DataFrame | None = None,
    y_rows: pd.DataFrame | None = None,
    stats: Correlation | None = None,
) -> Findings:
    """The "Key findings" of an index-relationship report: how many provinces have both scores,
    the two correlations (as the chart prints them, two decimals) with their uncertainty (from
    ``stats``, :func:`~egov_analysis.analysis.relationships.correlation`; computed from ``pairs``
    when not given) and whether r is distinguishable from zero, and each highlighted province's two
    values (score and, where ``x_rows``/``y_rows`` give it, rank)."""
    pairs = display_names(pairs, lang)
    from .relationships import correlation

    stats = stats if stats is not None else correlation(pairs)
    pearson, spearman = stats.pearson, stats.spearman  # one source for the numbers and their uncertainty
    x, y = _index_label(x_index, lang), _index_label(y_index, lang)
    n = len(pairs)
    if n < 3 or not (fmt.finite(pearson) and fmt.finite(spearman)):
        sentences: list[str] = [
            _say("findings.relationship_few", lang, year=year, n=fmt.number(n, lang), x=x, y=y)
        ]
    else:
        sentences = [
            _say(
                "findings.relationship",
                lang,
                year=year,
                n=fmt.number(n, lang),
                x=x,
                y=y,
                r=fmt.number(pearson, lang, 2),
                rho=fmt.number(spearman, lang, 2),
                r_uncertainty=fmt.uncertainty(stats.pearson_low, stats.pearson_high, stats.pearson_p, lang),
                rho_uncertainty=fmt.p_value(stats.spearman_p, lang),
            )
        ]
        if not stats.distinguishable:
            sentences.append(_say("findings.relationship_zero", lang, n=fmt.number(n, lang), x=x, y=y))
    for code in highlight_codes:
        hit = pairs[pairs["province_code"].eq(code)]
        if hit.empty:
            name = provinces()[code].display_name(lang) if code in provinces() else code
            sentences.append(_say("findings.relationship_absent", lang, province=name, x=x, y=y, year=year))
            continue
        row = hit.iloc[0]
        sentences.append(
            _say(
                "findings.relationship_province",
                lang,
                province=row["province"],
                year=year,
                x=x,
                y=y,
                x_value=_score_and_rank(
                    row["x_score"], x_index, x_rows, code, year, lang, row.get("x_score_basis")
                ),
                y_value=_score_and_rank(
                    row["y_score"], y_index, y_rows, code, year, lang, row.get("y_score_basis")
                ),
            )
        )
    return Findings(_say("findings.heading", lang, subject=subject), with_legend(sentences, lang))


def _score_and_rank(
    score: object,
    index: str,
    rows: pd.DataFrame | None,
    code: str,
    year: int,
    lang: str,
    basis: object = None,
) -> str:
    value = fmt.mark(fmt.score(score, index, lang), basis, lang)  # a PAPI total is a computed sum
    if rows is None:
        return value
    hit = rows[rows["province_code"].eq(code) & rows["year"].astype(int).eq(year) & rows["rank"].notna()]
    if hit.empty:
        return value
    rank = fmt.rank(hit["rank"].iloc[0], hit["n_ranked"].iloc[0], lang, _basis(hit.iloc[0]))
    return f"{value} ({_say('findings.rank_only', lang, rank=rank)})"


def quality_findings(
    coverage: pd.DataFrame,
    index_conflicts: pd.DataFrame,
    programme_conflicts: pd.DataFrame,
    lang: str,
    subject: str,
) -> Findings:
    """The "Key findings" of the data-quality report from ``load("coverage")`` (headline rows:
    ``n_score`` against ``n_ranked``), ``load("index_conflicts")`` and ``load("programme_conflicts")``:
    how many index-years are complete, each index's complete years, and the disagreements."""
    # the count covers every geography, as the coverage chart does (DTI 2024 for the 34 units too);
    # the sentences per index are about the 63 provinces
    every = coverage[coverage["indicator"].eq("overall")]
    headline = every[every["geography"].eq("provinces_63")]
    status = every["status"]
    sentences: list[str] = [
        _say(
            "findings.quality_years" if status.eq(RANKS_ONLY).any() else "findings.quality_years_two",
            lang,
            complete=fmt.number(int(status.eq(COMPLETE).sum()), lang),
            total=fmt.number(len(every), lang),
            ranks_only=fmt.number(int(status.eq(RANKS_ONLY).sum()), lang),
            partial=fmt.number(int(status.eq(PARTIAL).sum()), lang),
        )
    ]
    for index, rows in headline.groupby("index", sort=True):
        full = rows.loc[rows["status"].eq(COMPLETE), "year"]
        label = _index_label(str(index), lang)
        if len(full):
            sentences.append(
                _say("findings.quality_index_complete", lang, index=label, years=fmt.year_span(full, lang))
            )
        else:
            sentences.append(
                _say(
                    "findings.quality_index_partial"
                    if rows["year"].nunique() > 1
                    else "findings.quality_index_partial_one",
                    lang,
                    index=label,
                    years=fmt.year_span(rows["year"], lang),
                )
            )
    if index_conflicts.empty:
        sentences.append(_say("findings.quality_no_conflicts", lang))
    else:
        per_index = index_conflicts.groupby("index").size().sort_index()
        parts = [f"{_index_label(str(i), lang)} {fmt.number(n, lang)}" for i, n in per_index.items()]
        sentences.append(
            _say(
                "findings.quality_conflicts",
                lang,
                n=fmt.number(len(index_conflicts), lang),
                indices=fmt.join(parts, lang),
            )
        )
    if not programme_conflicts.empty:
        sentences.append(
            _say("findings.quality_programme", lang, n=fmt.number(len(programme_conflicts), lang))
        )
    return Findings(_say("findings.heading", lang, subject=subject), with_legend(sentences, lang))
