"""What every chart says under itself (sources and notes, in the chart's language) and how a chart
is finished: title, footer, layout, label placement, files written."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import (
    Formatter,
    LogFormatter,
    PercentFormatter,
    ScalarFormatter,
    StrMethodFormatter,
)

from .. import formatting, meta
from ..analysis.findings import breaks_between
from ..csv_safe import write_csv
from ..meta import messages
from ..provinces import UNIT_NAME_COLUMNS, display_names
from .chart import Chart, DrawingContext, NoChart
from .layout import DrawnTextCheck, TextProblem, set_footer, set_title, settle
from .theme import word


def index_short(index: str, lang: str) -> str:
    """The index's short name (``PCI``, ``PAR Index`` …) in ``lang``: the catalogue's
    ``chart.index.<id>.short``, else meta's full name (a new index needs no catalogue entry)."""
    index = meta.index_id(index)
    key = f"chart.index.{index}.short"
    return (
        messages.text(key, lang) if key in messages.catalogue(lang) else meta.indices()[index].name_in(lang)
    )


def index_name(index: str, lang: str, years: Iterable[int] | None = None) -> str:
    """The index's full name and the publisher of its editions in ``years`` (default: all), in
    ``lang``, for sources: a publisher that changed names its years ("Ministry of Information and
    Communications (2020–2023); Ministry of Science and Technology (2024)")."""
    from ..formatting import year_span

    index = meta.index_id(index)
    info = meta.indices()[index]
    by_publisher = meta.edition_publishers(index, lang, years)
    if len(by_publisher) > 1:
        publisher = "; ".join(f"{who} ({year_span(ys, lang)})" for who, ys in by_publisher.items())
    else:
        publisher = next(iter(by_publisher), info.publisher_in(lang))
    return word("index_source", lang, name=info.name_in(lang), publisher=publisher)


def _breaks(index: str, indicator: str) -> pd.DataFrame:
    table = meta.series_breaks()
    return table[table["index"].eq(index) & table["indicator"].eq(indicator)]


def series_breaks(index: str, years: Iterable[int], indicator: str = "overall") -> list[int]:
    """The index's series breaks (meta's table) that fall inside ``years``: a break at Y
    separates Y-1 from Y, so no line or change joins them."""
    years = sorted({int(y) for y in years})
    return breaks_between(index, indicator, years[0], years[-1]) if years else []


def break_note(index: str, year: int, lang: str, indicator: str = "overall") -> str:
    """ "series break in Y: <meta's note in lang>"."""
    rows = _breaks(index, indicator)
    note = rows.loc[rows["year"].eq(year), f"note_{lang}"]
    return word("note_series_break", lang, year=year, what=note.iloc[0] if not note.empty else "")


def index_sources(index: str, rows: pd.DataFrame | None = None, lang: str = "en") -> list[str]:
    """The index and the publisher of the editions of ``rows`` (of every edition without rows);
    with ``rows``, how many published sources the CSV lists."""
    years = rows["year"].dropna().astype(int) if rows is not None and "year" in rows else None
    text = index_name(index, lang, None if years is None or years.empty else years)
    if rows is not None and "source_url" in rows and rows["source_url"].notna().any():
        n = int(rows["source_url"].nunique())
        text += messages.plural("chart.sources_in_csv", lang, n, n=n)
        return [text, *third_party_sources(index, rows, lang)]
    return [text]


def third_party_sources(index: str, rows: pd.DataFrame, lang: str) -> list[str]:
    """A sentence naming the years whose values come from a third party's compilation (source
    class ``third_party_compilation``), so no footer credits them to the publisher's own files:
    "PCI 2017–2019 and 2021–2022: values published by VCCI with USAID, as compiled in a third
    party's file …", one sentence per publisher of those editions (DTI 2024 was published by the
    Ministry of Science and Technology, the earlier editions by the Ministry of Information and
    Communications: ``meta.edition_publishers``), the years as spans."""
    urls = rows["source_url"].dropna()
    classes = meta.classify_sources(urls.astype("string"))["source_class"]
    years = {int(y) for y in rows.loc[urls.index[classes.eq("third_party_compilation").to_numpy()], "year"]}
    return third_party_years(index, years, lang)


def third_party_years(index: str, years: Iterable[int], lang: str) -> list[str]:
    """The sentences of :func:`third_party_sources` for ``years`` of ``index`` whose values (or
    the values a statistic is computed from) come from a third party's compilation."""
    years = {int(y) for y in years}
    if not years:
        return []
    return [
        third_party_line(index_short(index, lang), published, publisher, lang)
        for publisher, published in meta.edition_publishers(index, lang, years).items()
    ]


def third_party_line(index_label: str, years: Iterable[int], publisher: str, lang: str) -> str:
    """ "PCI 2017–2019: values published by VCCI with USAID, as compiled in a third party's file";
    for an edition whose publisher no source names, the sentence says that instead of "published
    by publisher not named…" (review L7)."""
    unnamed = meta.publishers()[meta.NOT_SOURCED].name_in(lang)
    key = "source_third_party_unnamed" if publisher == unnamed else "source_third_party"
    return word(key, lang, index=index_label, years=formatting.year_span(years, lang), publisher=publisher)


def missing_years_note(years_present: Iterable[int], start: int, end: int, lang: str) -> str:
    missing = sorted(set(range(start, end + 1)) - {int(y) for y in years_present})
    if not missing:
        return ""
    return word("note_no_data_years", lang, years=formatting.year_span(missing, lang))


def index_notes(index: str, rows: pd.DataFrame, lang: str = "en") -> list[str]:
    """Notes every chart of ``index`` rows carries: years without data, series breaks, derived
    ranks and scores, the index's own note."""
    notes = []
    years = sorted(rows["year"].dropna().astype(int).unique())
    if years:
        notes.append(missing_years_note(years, years[0], years[-1], lang))
    indicator = str(rows["indicator"].iloc[0]) if "indicator" in rows and not rows.empty else "overall"
    breaks = series_breaks(index, years, indicator)
    notes += [break_note(index, year, lang, indicator) for year in breaks]
    if "rank_basis" in rows and rows["rank_basis"].eq("computed").any():
        notes.append(word("note_ranks_derived", lang))
    notes += score_status_notes(index, rows, lang)
    if not breaks:  # a break note already says what the index's own note says
        notes.append(meta.indices()[index].notes.get(lang, ""))
    return notes


def score_status_notes(index: str, rows: pd.DataFrame, lang: str) -> list[str]:
    """What the scores of ``rows`` are, for a footer: "some scores are computed …" where any is
    the project's sum, and — where a source prints some of them among the sums — which years are
    printed and by which class of source ("PAPI 2020, 2024: the score printed by a source
    (government site; press or other site), not computed"), so a printed value never passes for
    a sum, nor a sum for a printed value."""
    if "score_basis" not in rows or "score" not in rows:
        return []
    scored = rows[rows["score"].notna()]
    computed = scored["score_basis"].eq("computed").fillna(False)
    if not computed.any():
        return []
    notes = [word("note_scores_summed", lang)]
    printed = scored[~computed]
    if printed.empty or "year" not in printed:
        return notes
    if "source_class" in printed:
        classes = printed["source_class"].astype("string")
    else:
        classes = meta.classify_sources(printed["source_url"].astype("string"))["source_class"]
    names = [formatting.display_name("source_class", c, lang) for c in dict.fromkeys(classes.dropna())]
    notes.append(
        word(
            "note_scores_printed",
            lang,
            index=index_short(index, lang),
            years=formatting.year_span(printed["year"], lang),
            classes="; ".join(names),
        )
    )
    return notes


def computed_ranks_note(rows: pd.DataFrame, lang: str) -> list[str]:
    """The ranks of ``rows`` (columns ``index``, ``year``, ``rank``, ``rank_basis``) the project
    computed, named by index and years, for a footer ("ranks computed by this project …: PAPI
    2018–2022; DTI 2021, 2023–2024"); nothing when every rank shown was printed."""
    if "rank_basis" not in rows or "rank" not in rows:
        return []
    computed = rows[rows["rank"].notna() & rows["rank_basis"].eq("computed").fillna(False)]
    if computed.empty:
        return []
    which = []
    for index, part in computed.groupby("index", sort=False):
        years = formatting.year_span(part["year"], lang)
        which.append(f"{index_short(str(index), lang)} {years}")
    return [word("note_ranks_computed_in", lang, which="; ".join(which))]


def chart_sources_and_notes(rows: pd.DataFrame, lang: str) -> tuple[list[str], list[str]]:
    """What a chart of several indices' values (``rows``: columns ``index``, ``year``, ``score``,
    ``score_basis``, ``rank``, ``rank_basis``, ``source_url`` of the values drawn) says under
    itself: each index with its publisher and the classes of its sources (third-party
    compilations named by years, :func:`index_sources`), and the computed values named
    (:func:`computed_ranks_note`, :func:`score_status_notes`). The rank-lines charts' footer,
    for any chart of held values."""
    sources: list[str] = []
    notes: list[str] = computed_ranks_note(rows, lang)
    for index, part in rows.groupby("index", sort=False):
        held = part[part["score"].notna() | part["rank"].notna()] if "rank" in part else part
        sources += index_sources(str(index), held if not held.empty else None, lang)
        notes += score_status_notes(str(index), held, lang)
    return sources, notes


def footer_text(sources: Sequence[str], notes: Sequence[str], lang: str) -> str:
    lines = [f"{word('sources', lang)}: " + "; ".join(dict.fromkeys(s for s in sources if s))]
    kept = [n for n in dict.fromkeys(notes) if n]
    if kept:
        lines.append(f"{word('notes', lang)}: " + " · ".join(kept))
    return "\n".join(lines)


def _files(out_dir: Path, name: str) -> tuple[Path, Path, Path]:
    return out_dir / f"{name}.png", out_dir / f"{name}.svg", out_dir / f"{name}.csv"


# columns of a chart's data holding a unit's name: written as the reader knows it in the CSV
# beside the chart ("TP. Hồ Chí Minh" / "Ho Chi Minh City", never the bare "Hồ Chí Minh")
_MERGE_LEFTOVER = re.compile(r"^(.+)_(x|y)$")


def figure_data(data: pd.DataFrame, lang: str, name: str = "") -> pd.DataFrame:
    """The data of a chart as its CSV gives it: unit names (the columns of
    :data:`~egov_analysis.provinces.UNIT_NAME_COLUMNS`) as readers of ``lang`` know them (the
    canonical key stays in ``province_code``). Raises ``ValueError`` naming the chart and the
    columns when a column is a merge's leftover (``n_ranked_x`` beside ``n_ranked_y``: two frames
    merged on a column both held) or a helper column (``_order``), so it never reaches a reader."""
    columns = [str(c) for c in data.columns]
    twin = {"x": "y", "y": "x"}
    pairs = sorted(
        c for c in columns if (m := _MERGE_LEFTOVER.match(c)) and f"{m[1]}_{twin[m[2]]}" in columns
    )
    if pairs:
        raise ValueError(f"chart {name!r}: merge leftovers {pairs} in its data; name each column once")
    helpers = [c for c in columns if c.startswith("_")]
    if helpers:
        raise ValueError(f"chart {name!r}: helper columns {helpers} in its data; drop them before drawing")
    return display_names(data, lang, [c for c in UNIT_NAME_COLUMNS if c in data.columns])


def save(
    fig: Figure, data: pd.DataFrame, name: str, out_dir: Path, lang: str = "en"
) -> tuple[tuple[Path, ...], tuple[TextProblem, ...]]:
    """Save ``fig`` as PNG and SVG and ``data`` as CSV in ``out_dir`` (no dates in the metadata,
    so an unchanged chart gives identical files; the CSV as :func:`figure_data` gives it in
    ``lang``). Returns the files and the texts that overlap or are cut in the PNG as written
    (measured while it is drawn)."""
    data = figure_data(data, lang, name)
    out_dir.mkdir(parents=True, exist_ok=True)
    png, svg, csv = _files(out_dir, name)
    with DrawnTextCheck(fig) as check:
        fig.savefig(png, metadata={"Software": None})
    text = io.StringIO()
    fig.savefig(text, format="svg", metadata={"Date": None, "Creator": None})
    svg.write_text(canonical_clip_ids(text.getvalue()), encoding="utf-8")
    write_csv(data, csv)  # formula-like text cells neutralised, as for the processed tables
    return (png, svg, csv), tuple(check.problems or ())


_CLIP_ID = re.compile(r'(?<=id=")p[0-9a-f]{10}(?=")|(?<=url\(#)p[0-9a-f]{10}(?=\))')


def canonical_clip_ids(svg: str) -> str:
    """``svg`` with matplotlib's clip-path ids numbered in order of appearance. Matplotlib names a
    clip rectangle by a hash of its bounds' full float repr, so two builds whose layouts differ in
    the 15th digit (drawn identically at the SVG's precision) would write different ids."""
    numbers: dict[str, str] = {}
    return _CLIP_ID.sub(lambda m: numbers.setdefault(m.group(0), f"clip{len(numbers) + 1}"), svg)


class _LocalDecimal(Formatter):
    """A numeric tick formatter whose decimal point is written as ``lang`` writes it (``2,5`` in
    Vietnamese). The wrapped formatters print no thousands separator, so every ``.`` between
    digits is a decimal point; years stay ``2012``."""

    def __init__(self, inner: Formatter, symbol: str) -> None:
        self.inner, self.symbol = inner, symbol

    def __call__(self, x: float, pos: int | None = None) -> str:
        return re.sub(r"(?<=\d)\.(?=\d)", self.symbol, self.inner(x, pos))

    def set_axis(self, axis: Any) -> None:
        super().set_axis(axis)
        self.inner.set_axis(axis)

    def set_locs(self, locs: Any) -> None:
        self.inner.set_locs(locs)

    def get_offset(self) -> str:
        return str(self.inner.get_offset())


class LocaleLogFormatter(Formatter):
    """Tick labels of a log axis as plain numbers of ``lang`` (``10.000`` / ``10,000``, ``0,1``):
    matplotlib's log formatters write ``$\\mathdefault{10^{4}}$``, which is printed raw when
    mathtext is off (the theme turns it off, since labels come from data). ``inner`` still
    decides which ticks carry a label (the decades, or some minor ticks on a short axis)."""

    def __init__(self, inner: Formatter, lang: str) -> None:
        self.inner, self.lang = inner, lang

    def __call__(self, x: float, pos: int | None = None) -> str:
        if not self.inner(x, pos) or x <= 0:
            return ""
        from babel.numbers import format_decimal

        digits = max(0, -int(np.floor(np.log10(x) + 1e-9)))  # 0.01 keeps its two decimals
        pattern = "#,##0" + ("." + "#" * digits if digits else "")
        return str(format_decimal(round(x, digits), format=pattern, locale=self.lang))

    def set_axis(self, axis: Any) -> None:
        super().set_axis(axis)
        self.inner.set_axis(axis)

    def set_locs(self, locs: Any) -> None:
        self.inner.set_locs(locs)


def localise_ticks(fig: Figure, lang: str) -> None:
    """Numeric tick labels of every axes of ``fig`` written as ``lang`` writes numbers (Babel): the
    decimal symbol of linear axes, and plain numbers instead of mathtext powers on log axes."""
    from babel.numbers import get_decimal_symbol

    symbol = get_decimal_symbol(locale=lang)
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for get, put in (
                (axis.get_major_formatter, axis.set_major_formatter),
                (axis.get_minor_formatter, axis.set_minor_formatter),
            ):
                inner = get()
                if isinstance(inner, LogFormatter):
                    put(LocaleLogFormatter(inner, lang))
            inner = axis.get_major_formatter()
            if symbol != "." and isinstance(inner, (ScalarFormatter, PercentFormatter, StrMethodFormatter)):
                axis.set_major_formatter(_LocalDecimal(inner, symbol))


def marked_legend(fig: Figure, title: str, lang: str) -> list[str]:
    """The computed mark's one legend sentence when a text drawn in ``fig`` (a label, a tick, a
    legend entry, the title) carries the mark; nothing otherwise. Every chart that shows a ``†``
    explains it, whichever code put the mark there."""
    from matplotlib.text import Text

    drawn = [title, *(t.get_text() for t in fig.findobj(Text))]
    return [formatting.computed_legend(lang)] if any(formatting.has_mark(t, lang) for t in drawn) else []


def finish(
    ctx: DrawingContext,
    fig: Figure,
    *,
    kind: str,
    name: str,
    data: pd.DataFrame,
    title: str,
    sources: Sequence[str],
    notes: Sequence[str],
    alt_text: str,
    after_layout: Iterable[Callable[[], None]] = (),
) -> Chart:
    """Title, footer, layout and label placement; the files written when ``ctx.out_dir`` is set."""
    set_title(fig, title)
    localise_ticks(fig, ctx.lang)
    notes = [*notes, *marked_legend(fig, title, ctx.lang)]
    footer = set_footer(fig, footer_text(sources, notes, ctx.lang))
    settle(fig, after_layout)
    if ctx.out_dir is None:  # measured when the PNG is first made (Chart.png)
        return Chart(kind, fig, data, title, footer, alt_text, ctx.lang)
    paths, problems = save(fig, data, name, ctx.out_dir, ctx.lang)
    return Chart(kind, fig, data, title, footer, alt_text, ctx.lang, paths, _checked=[problems])


def no_chart(
    ctx: DrawingContext, *, kind: str, name: str, reason: str, data: pd.DataFrame | None = None
) -> NoChart:
    """A chart replaced by ``reason``; files of an earlier drawing of ``name`` are removed so that
    no stale chart is published beside the sentence."""
    if ctx.out_dir is not None:
        for path in _files(ctx.out_dir, name):
            path.unlink(missing_ok=True)
    return NoChart(kind, reason, data if data is not None else pd.DataFrame(), ctx.lang)
