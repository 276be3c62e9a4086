"""Tables for people: a frame and column specs in, a Great Tables table out.

What a reader sees is decided here, not by pandas: display names instead of ids (``names``
tables of the message catalogue), no index column, missing values as "not published" /
"chưa công bố", amounts in billion VND with the unit, scores at the publisher's precision, ranks as
``4 / 63``, numbers by the report language's locale (Babel), and the sources under the table. The
HTML is self-contained (inline CSS, no script, no web font), so it renders in the offline reports;
its element id is derived from the content, so two builds write identical pages.

>>> people_table(frame, [Column("province", "tables.column.province"),
...                      Column("rank", "tables.column.rank", kind="rank", n_column="n_ranked")],
...              lang="vi", sources=frame["source_url"])
"""

from __future__ import annotations

import functools
import hashlib
import html
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import pandas as pd

from . import formatting as fmt
from .meta.messages import text
from .provinces import UNIT_NAME_COLUMNS, display_names

KINDS = ("text", "name", "indicator", "score", "rank", "number", "amount", "percent", "year", "link")
NUMERIC_KINDS = {"score", "rank", "number", "amount", "percent", "year"}


@dataclass(frozen=True)
class Column:
    """One column as a reader sees it.

    ``source``: the frame's column; ``label``: the catalogue key of its heading (formatted with
    ``label_fields``); ``kind``: how cells are written (one of :data:`KINDS`):

    - ``text``: as is; ``year``: a whole year; ``number``: ``decimals`` decimals by locale;
    - ``name``: the display name of an id in the catalogue family ``names`` (``"index"``, ``"region"``);
    - ``indicator``: an indicator's display name, its index from ``index`` or ``index_column``;
    - ``score``: the publisher's precision of ``index`` or of the row's ``index_column``;
    - ``rank``: ``4 / 63`` with the units ranked from ``n_column``;
    - ``amount``: whole VND shown as billion VND with the unit; ``percent``: a value in percent;
    - ``link``: a URL shown as its site's name, linked.

    ``href_column``: a column of relative page links (``profile_ha_noi_vi.reviewer.html``); each
    cell links to its row's page where it has one (another report of the site).
    """

    source: str
    label: str
    kind: str = "text"
    names: str | None = None
    index: str | None = None
    index_column: str | None = None
    n_column: str | None = None
    decimals: int = 0
    label_fields: Mapping[str, Any] = field(default_factory=dict)
    href_column: str | None = None
    basis_column: str | None = None  # the value's status column where it is not score_basis/rank_basis

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.source!r}: kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if self.kind == "name" and not self.names:
            raise ValueError(f"column {self.source!r}: kind 'name' needs names= (a catalogue family)")
        if self.kind in ("score", "indicator") and not (self.index or self.index_column):
            raise ValueError(f"column {self.source!r}: kind {self.kind!r} needs index= or index_column=")


def site_name(url: Any) -> str:
    """The host of a URL without ``www.`` (``https://www.pcivietnam.vn/x`` -> ``pcivietnam.vn``)."""
    host = urlparse(str(url)).netloc
    return host.removeprefix("www.") or str(url)


def anchor(url: Any) -> str:
    """An HTML link to ``url`` labelled with its site, everything escaped; a value that is not an
    http(s) URL is shown as escaped text, never as a link (no ``javascript:``)."""
    value = str(url)
    if urlparse(value).scheme not in ("http", "https"):
        return html.escape(value)
    return f'<a href="{html.escape(value, quote=True)}">{html.escape(site_name(value))}</a>'


_PAGE = re.compile(r"^[A-Za-z0-9_.-]+$")  # a page of the same folder: no scheme, no path


def page_anchor(label: str, href: Any) -> str:
    """``label`` linked to the page ``href`` of the same folder, escaped; a missing or unsafe
    ``href`` (a scheme, a path) leaves the label unlinked."""
    if fmt.is_missing(href) or not _PAGE.match(str(href)):
        return html.escape(label)
    return f'<a href="{html.escape(str(href), quote=True)}">{html.escape(label)}</a>'


def _linked(cell: str, hrefs: Mapping[str, Any]) -> str:
    return page_anchor(cell, hrefs.get(cell))


def _index_of(column: Column, row: pd.Series) -> str:
    return str(column.index or row[column.index_column])


# the column holding a value's status (field registry: published / computed), by cell kind
_BASIS = {"rank": "rank_basis", "score": "score_basis"}


def _cell(column: Column, row: pd.Series, lang: str) -> str:
    value = row[column.source]
    kind = column.kind
    status = column.basis_column or _BASIS.get(kind)
    basis = row.get(status) if status else None  # the value's status, from the data
    if kind == "rank":
        n = row[column.n_column] if column.n_column else None
        return fmt.rank(value, n, lang, basis)
    if fmt.is_missing(value):
        return fmt.not_published(lang)
    if kind == "score":
        return fmt.mark(fmt.score(value, _index_of(column, row), lang), basis, lang)
    writers: dict[str, Callable[[], str]] = {
        "text": lambda: str(value),
        "year": lambda: str(int(value)),
        "number": lambda: fmt.number(value, lang, column.decimals),
        "name": lambda: fmt.display_name(str(column.names), str(value), lang),
        "indicator": lambda: fmt.indicator_name(_index_of(column, row), str(value), lang),
        "score": lambda: fmt.score(value, _index_of(column, row), lang),
        "amount": lambda: fmt.billion_vnd(value, lang),
        "percent": lambda: fmt.percent(value, lang, column.decimals),
        "link": lambda: str(value),  # made a link (escaped) when the table is drawn
    }
    return writers[kind]()


def display_frame(frame: pd.DataFrame, columns: Sequence[Column], lang: str) -> pd.DataFrame:
    """The cells as the reader sees them (all text), with the catalogue headings as column names.

    Raises ``KeyError`` naming a spec's column missing from the frame."""
    missing = [c.source for c in columns if c.source not in frame.columns]
    if missing:
        raise KeyError(f"table columns {missing} are not in the frame (columns: {list(frame.columns)})")
    frame = display_names(frame, lang, UNIT_NAME_COLUMNS)  # TP. Hồ Chí Minh, not the bare name
    cells = {_heading(c, lang): [_cell(c, row, lang) for _, row in frame.iterrows()] for c in columns}
    return pd.DataFrame(cells, dtype="string").reset_index(drop=True)


def _heading(column: Column, lang: str) -> str:
    return text(column.label, lang, **column.label_fields)


def _escaped(key: str, lang: str, html_fields: Mapping[str, str], **fields: Any) -> str:
    """A catalogue message as HTML: its words and ``fields`` escaped, ``html_fields`` inserted as
    they are (links built by :func:`anchor`)."""
    marks = {name: f"\x00{i}\x00" for i, name in enumerate(html_fields)}
    escaped = html.escape(text(key, lang, **fields, **marks))
    for name, mark in marks.items():
        escaped = escaped.replace(mark, html_fields[name])
    return escaped


def sources_note(urls: Iterable[Any], lang: str) -> str:
    """One line naming the distinct sources, each site linked once with its source class
    (``meta/source_classes.csv``, the classification the data's ``source_class`` column holds):
    ``github.com (third party's compilation), pcivietnam.vn (publisher's site)``. A site whose
    URLs fall in two classes is named once per class (HTML, escaped)."""
    from .meta import classify_sources

    given = pd.Series([str(u) for u in urls if not fmt.is_missing(u)], dtype="string")
    classes = classify_sources(given)["source_class"] if len(given) else pd.Series([], dtype="string")
    seen: dict[tuple[str, str], str] = {}
    for url, source_class in zip(given, classes, strict=True):
        seen.setdefault((site_name(url), str(source_class)), str(url))
    links = [
        _escaped(
            "tables.source_with_class",
            lang,
            {"site": anchor(url)},
            source_class=fmt.display_name("source_class", source_class, lang),
        )
        if source_class in set(classes.dropna())
        else anchor(url)
        for (_, source_class), url in sorted(seen.items())
    ]
    key = "tables.sources" if len(links) > 1 else "tables.source"
    return _escaped(key, lang, {"sources": ", ".join(links)})


class PeopleTable:
    """A Great Tables ``GT`` whose plain-text form is stable: GT's own repr prints memory
    addresses, which would make every executed notebook differ between two builds (and between a
    local and a cluster run). Every other attribute is the GT's (``as_raw_html()``, ``_repr_html_``)."""

    def __init__(self, gt: Any, title: str, n_rows: int) -> None:
        self.gt, self.title, self.n_rows = gt, title, n_rows

    def __getattr__(self, name: str) -> Any:
        return getattr(self.gt, name)

    def _repr_html_(self) -> str:
        return str(self.gt._repr_html_())

    def __repr__(self) -> str:
        return f"<table {self.title!r}: {self.n_rows} rows>"


def people_table(
    frame: pd.DataFrame,
    columns: Sequence[Column],
    lang: str,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    sources: Iterable[Any] = (),
    source_texts: Iterable[str] = (),
    notes: Iterable[str] = (),
) -> PeopleTable:
    """A Great Tables ``GT`` (wrapped in :class:`PeopleTable`) of ``frame`` as :class:`Column`
    specs describe it, with the sources (URLs: each site once, linked; or ready texts) and notes
    under it. Displaying it in a notebook
    shows the table; ``.as_raw_html()`` gives the HTML."""
    from great_tables import GT
    from great_tables import html as raw_html

    shown = display_frame(frame, columns, lang)
    digest = hashlib.sha1(
        (lang + (title or "") + shown.to_csv(index=False)).encode("utf-8"), usedforsecurity=False
    ).hexdigest()[:10]
    table = GT(shown, id=f"t{digest}")
    if title:
        table = table.tab_header(title=title, subtitle=subtitle)
    numeric = [_heading(c, lang) for c in columns if c.kind in NUMERIC_KINDS]
    if numeric:
        table = table.cols_align("right", columns=numeric)
    links = [_heading(c, lang) for c in columns if c.kind == "link"]
    if links:
        missing = fmt.not_published(lang)
        table = table.fmt(lambda url: html.escape(missing) if url == missing else anchor(url), columns=links)
    for column in columns:
        if column.href_column:
            heading = _heading(column, lang)
            hrefs: dict[str, Any] = dict(zip(shown[heading], frame[column.href_column], strict=True))
            table = table.fmt(functools.partial(_linked, hrefs=hrefs), columns=[heading])
    urls = list(sources)
    if urls:
        table = table.tab_source_note(raw_html(sources_note(urls, lang)))
    for line in source_texts:
        table = table.tab_source_note(raw_html(html.escape(line)))
    if any(fmt.has_mark(cell, lang) for c in shown.columns for cell in shown[c].astype(str)):
        notes = [*notes, fmt.computed_legend(lang)]  # the mark's one legend sentence
    for note in notes:
        if note:
            table = table.tab_source_note(raw_html(_escaped("tables.note", lang, {}, note=note)))
    return PeopleTable(table, title or "", len(shown))
