"""Numbers, ranks, amounts, years and names as a reader sees them, in the report's language.

Numbers are formatted by Babel with the report language as locale (``vi``: decimal comma and
thousands dot; ``en``: decimal point and thousands comma); words come from the message catalogue
(``meta/messages/<lang>/tables.toml``). Scores keep the publisher's printed precision
(``meta/score_precision.csv``). Missing values are written as "not held" / "không có số liệu",
never as ``nan`` or ``<NA>``. Imports only ``meta`` and ``provinces``, so findings, tables and
charts can share it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from .meta import package_rows
from .meta.messages import MissingMessageError, text

DEFAULT_DECIMALS = 2


def is_missing(value: Any) -> bool:
    """True for None, NaN, ``pd.NA`` and ``pd.NaT``."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN and NaT are not equal to themselves
    except TypeError:  # pd.NA refuses to be a bool
        return True


@cache
def score_decimals() -> dict[str, int]:
    """Decimals each publisher prints its scores with, by index id (``meta/score_precision.csv``)."""
    return {row["index"]: int(row["decimals"]) for row in package_rows("score_precision.csv")}


def not_published(lang: str) -> str:
    return text("tables.missing", lang)


def number(value: Any, lang: str, decimals: int = 0) -> str:
    """``value`` with exactly ``decimals`` decimals in the locale of ``lang`` (1.234,5 in vi)."""
    from babel.numbers import format_decimal

    if is_missing(value):
        return not_published(lang)
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(float(value), format=pattern, locale=lang)


def score(value: Any, index: str, lang: str) -> str:
    """A score at the precision the publisher of ``index`` prints (PCI 2 decimals, DTI 4 …)."""
    return number(value, lang, score_decimals().get(index, DEFAULT_DECIMALS))


def is_computed(basis: Any) -> bool:
    """Whether a value's status (``score_basis``, ``rank_basis``, ``value_basis`` of the field
    registry: ``published`` / ``computed`` / ``derived: …``) says this project computed it."""
    return not is_missing(basis) and str(basis).split(":")[0].strip() in ("computed", "derived")


def mark(written: str, basis: Any, lang: str) -> str:
    """``written`` with the computed mark (``tables.computed_mark``: ``†``, the same in every
    language) when ``basis`` says the value was computed; as it is otherwise."""
    return written + text("tables.computed_mark", lang) if is_computed(basis) else written


def has_mark(written: str, lang: str) -> bool:
    """Whether a text carries the computed mark (so that its page gives :func:`computed_legend`)."""
    return text("tables.computed_mark", lang) in str(written)


def computed_legend(lang: str) -> str:
    """The one sentence that explains the computed mark, the same under tables, charts and findings."""
    return text("tables.computed_legend", lang)


def rank(value: Any, n: Any, lang: str, basis: Any = None) -> str:
    """A rank with the number of units ranked: ``4 / 63``; only the rank when n is unknown; marked
    ``†`` when ``basis`` (the row's ``rank_basis``) says the project computed it."""
    if is_missing(value):
        return not_published(lang)
    if is_missing(n):
        return mark(number(value, lang), basis, lang)
    return mark(text("tables.rank_of", lang, rank=number(value, lang), n=number(n, lang)), basis, lang)


def held_of_ranked(held: Any, n: Any, year: Any, lang: str) -> str:
    """How much of a year's list the data hold: ``10 of 63 in 2016`` / ``2016: 10/63``; where no
    source gives how many units were ranked (``n`` missing), the units held and that the number is
    not given, never a guessed count."""
    if is_missing(n):
        return text("findings.count_in_year_unknown", lang, published=number(held, lang), year=int(year))
    return text(
        "findings.count_in_year", lang, published=number(held, lang), n=number(n, lang), year=int(year)
    )


def rank_line(subject: str, year: Any, value: Any, n: Any, lang: str, basis: Any = None) -> str:
    """A checked key number of a notebook (a ``keep_output`` cell) in the report's language:
    ``Quảng Ninh 2017: rank 1 / 63`` / ``Quảng Ninh 2017: hạng 1/63``, marked † when computed."""
    return text(
        "reporting.checked.rank", lang, subject=subject, year=int(year), rank=rank(value, n, lang, basis)
    )


def coverage_line(index: str, first: Any, last: Any, n_score: Any, n_rank: Any, lang: str) -> str:
    """A checked key number: an index's years (``first``–``last``) and the scores and ranks held,
    in ``lang``."""
    return text(
        "reporting.checked.coverage",
        lang,
        index=display_name("index", index, lang),
        years=year_span(range(int(first), int(last) + 1), lang),
        n_score=number(n_score, lang),
        n_rank=number(n_rank, lang),
    )


def correlation_line(x: str, y: str, year: Any, n: Any, r: Any, rho: Any, lang: str) -> str:
    """A checked key number: a correlation's n, Pearson r and Spearman ρ (two decimals), in ``lang``."""
    return text(
        "reporting.checked.correlation",
        lang,
        x=display_name("index", x, lang),
        y=display_name("index", y, lang),
        year=int(year),
        n=number(n, lang),
        r=number(r, lang, 2),
        rho=number(rho, lang, 2),
    )


def p_value(p: Any, lang: str) -> str:
    """A p-value as a statistician writes it: ``p = 0.012``; ``p < 0.001`` below a thousandth."""
    if not finite(p):
        return not_published(lang)
    if float(p) < 0.001:
        return text("tables.p_below", lang, p=number(0.001, lang, 3))
    return text("tables.p_value", lang, p=number(p, lang, 3))


def uncertainty(low: Any, high: Any, p: Any, lang: str, decimals: int = 2) -> str:
    """The uncertainty of an estimate: ``95% interval 0.12 to 0.55, p = 0.004`` (the interval left
    out where it cannot be computed)."""
    if not (finite(low) and finite(high)):
        return p_value(p, lang)
    interval = text(
        "tables.interval", lang, low=number(low, lang, decimals), high=number(high, lang, decimals)
    )
    return text("tables.uncertainty_join", lang, interval=interval, p=p_value(p, lang))


def billion_vnd(amount_vnd: Any, lang: str, decimals: int = 1) -> str:
    """An amount in whole VND as billions with the unit: ``646.0 billion VND`` / ``646,0 tỷ đồng``."""
    if is_missing(amount_vnd):
        return not_published(lang)
    return text("tables.billion_vnd", lang, amount=number(float(amount_vnd) / 1e9, lang, decimals))


def percent(value: Any, lang: str, decimals: int = 0) -> str:
    """A share already in percent (``score_share_pct``) with the locale's percent sign placement."""
    if is_missing(value):
        return not_published(lang)
    return text("tables.percent", lang, value=number(value, lang, decimals))


def level_percent(level: Any, lang: str) -> str:
    """A level given as a share (an interval's 0.9) in percent, with one decimal only where it has
    one: ``90%``, ``86.5%``."""
    value = round(100 * float(level), 1)
    return percent(value, lang, 0 if value == int(value) else 1)


def year_runs(years: Iterable[Any]) -> list[str]:
    """Years as runs: ``["2007–2013", "2015"]``. Years are not localised (no thousands separator)."""
    values = sorted({int(y) for y in years if not is_missing(y)})
    runs: list[list[int]] = []
    for year in values:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return [year_range(r[0], r[-1]) for r in runs]


def year_range(first: Any, last: Any) -> str:
    """The years from ``first`` to ``last`` as a reader writes them: ``2020–2024``, and ``2024``
    alone when both are the same year (never ``2024–2024``)."""
    start, end = int(first), int(last)
    return str(start) if start == end else f"{start}–{end}"


def year_span(years: Iterable[Any], lang: str) -> str:
    """Years as runs joined as ``lang`` writes a list: ``2006 and 2017``, ``2007–2013, 2015 and
    2020`` / ``2006 và 2017`` (:func:`year_runs`, :func:`join`). The one function for a list of
    years, in sentences, table cells and chart notes alike."""
    return join(year_runs(years), lang)


def join(items: Iterable[str], lang: str) -> str:
    """A list in the language's style: ``a, b and c`` / ``a, b và c``."""
    from babel.lists import format_list

    values = [str(i) for i in items]
    return format_list(values, locale=lang) if values else ""


def slug(value: str) -> str:
    """A catalogue key part from free text ("Red River Delta" -> ``red_river_delta``)."""
    return re.sub(r"[^a-z0-9]+", "_", value.strip().lower()).strip("_")


def display_name(family: str, identifier: str, lang: str) -> str:
    """The reader's name of an identifier: ``display_name("index", "pci", "vi")``.

    Families are the ``names`` tables of ``tables.toml`` (index, indicator, region, geography,
    source_class, field, …). Raises :class:`MissingMessageError` naming the key and the language
    when a name is missing, so a raw id never reaches a reader silently."""
    return text(f"names.{family}.{slug(str(identifier))}", lang)


@cache
def _indicator_names() -> dict[tuple[str, str, str], str]:
    """(index, indicator, lang) -> the name in ``meta/indicators.csv`` (``name_<lang>`` columns)."""
    from .meta import indicators

    table = indicators().drop_duplicates(["index", "indicator"])
    out = {}
    for column in (c for c in table.columns if c.startswith("name_")):
        lang = column.removeprefix("name_")
        for row in table[["index", "indicator", column]].itertuples(index=False):
            if isinstance(row[2], str) and row[2]:
                out[(row[0], row[1], lang)] = row[2]
    return out


def indicator_name(index: str, indicator: str, lang: str) -> str:
    """An indicator's display name: the indicator table's (``meta/indicators.csv``), else the
    catalogue's (``names.indicator.<index>``, then ``names.indicator.common``)."""
    known = _indicator_names().get((index, indicator, lang))
    if known:
        return known
    try:
        return display_name(f"indicator.{index}", indicator, lang)
    except MissingMessageError:
        return display_name("indicator.common", indicator, lang)


def indicator_label(index: str, indicator: str, lang: str) -> str:
    """How a report names what it ranks: the index for the headline score ("PCI"), else the index
    and the indicator ("PCI: Entry costs")."""
    name = display_name("index", index, lang)
    if indicator == "overall":
        return name
    return text("tables.index_indicator", lang, index=name, indicator=indicator_name(index, indicator, lang))


def index_parts(index: str, lang: str) -> str:
    """What an index calls its parts, in ``lang``: PCI's ``sub-indices`` (``chỉ số thành phần``),
    PAPI's ``dimensions`` (``chỉ số nội dung``); ``sub-indices`` for an index the catalogue does
    not name (``names.index_parts``)."""
    try:
        return display_name("index_parts", index, lang)
    except MissingMessageError:
        return display_name("index_parts", "pci", lang)


def finite(value: Any) -> bool:
    return not is_missing(value) and math.isfinite(float(value))


def date_text(value: Any, lang: str) -> str:
    """An ISO date (``2012-09-28``) as ``lang`` writes dates (the catalogue's CLDR pattern
    ``tables.date_pattern``: ``September 28, 2012`` / ``ngày 28/9/2012``); anything else is
    returned as it is."""
    import datetime

    from babel.dates import format_date

    try:
        day = datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        return str(value)
    return format_date(day, text("tables.date_pattern", lang), locale=lang)


def timestamp_text(value: Any, lang: str) -> str:
    """A build time as the build writes it (``2026-11-29 17:35 UTC``) in ``lang``
    (``tables.datetime_pattern``: ``November 29, 2026, 17:35 UTC`` / ``17:35 UTC, ngày
    29/11/2026``); anything else is returned as it is."""
    import datetime

    from babel.dates import format_datetime

    try:
        moment = datetime.datetime.strptime(str(value).strip(), "%Y-%m-%d %H:%M UTC")
    except ValueError:
        return str(value)
    return format_datetime(moment, text("tables.datetime_pattern", lang), locale=lang)
