"""reports/index.html and reports/index.vi.html: the landing pages, and the header and footer of
every report page.

One landing page per catalogue language, rendered from Jinja2 templates with autoescaping
(``templates/site/``), every word from the catalogue (``site.toml``): the reports grouped by the
question they answer (Quảng Ninh's programme, rankings by index, provinces and units, data
quality) in the same order in every language, each with its first key finding, a thumbnail of its
first chart, its pages, its other-language editions and its downloads; the indices with their
publishers linked; a search box over provinces, units and reports and a province picker that work
offline (a small inline script over a JSON list embedded in the page); the processed data as one
download; the data held; build times in the footer.

A report's other-language edition is the report of the same notebook with the same parameters but
``lang``. Every built report page gets a header (back to the landing page, its other-language
edition, its figures and data as a zip, the data cut-off) and a footer, written between marker
comments so that a later build replaces them; the build's record of the page's bytes is updated
with them, so an unchanged report is not run again. The data download is a zip of every processed
table as CSV with the data dictionary (English and Vietnamese) and the manifest, rebuilt only when
the processed data change (its comment holds the raw-data fingerprint), byte-identical for the
same data.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from .. import formatting as fmt
from ..config import Paths
from ..meta import indices as index_registry
from ..meta import package_rows
from ..meta.messages import DEFAULT_LANG, catalogue, languages, section, text
from . import site
from .execute import output_paths
from .reports import Report
from .site import Entry, report_lang, zip_bytes

DEFAULT_SET = "default"  # the report set `egov-analysis build` runs without --set
DATA_DIR = Path("data")  # the data download, under reports/ (named by the version: data_zip_path)
TEMPLATES = Path(__file__).parent / "templates" / "site"
HEADER = re.compile(r"<!-- egov-site-header -->.*?<!-- /egov-site-header -->\n?", re.DOTALL)
FOOTER = re.compile(r"<!-- egov-site-footer -->.*?<!-- /egov-site-footer -->\n?", re.DOTALL)
BODY = re.compile(r"<body[^>]*>\n?")
COLLAPSE_OVER = 6  # more profiles than this are shown folded, under the picker

__all__ = ["other_languages", "page_name", "report_lang", "write_data_zip", "write_index"]


@cache
def environment() -> Environment:
    """The site's templates, HTML autoescaped: a value is text unless marked ``Markup``."""
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def page_name(lang: str) -> str:
    """``index.html`` for the default language, ``index.<lang>.html`` for the others."""
    return {DEFAULT_LANG: "index.html"}.get(lang, f"index.{lang}.html")


def other_languages(reports: list[Report]) -> dict[str, dict[str, Report]]:
    """For each report name, its versions in other languages by language."""
    return {
        name: {lang: r for lang, r in group.items() if r.name != name}
        for name, group in site.editions(reports).items()
    }


def _processed_files(paths: Paths) -> list[Path]:
    return sorted(p for p in paths.processed.glob("*.csv") if p.is_file())


def data_zip_path(paths: Paths) -> Path:
    """reports/data/egov-analysis-data-<version>.zip: the download is named by the package version."""
    from .. import __version__
    from ..datapackage import zip_name

    return paths.reports / DATA_DIR / zip_name(__version__)


def write_data_zip(paths: Paths) -> Path | None:
    """Write the data download (:func:`data_zip_path`: every processed CSV, ``datapackage.json``
    describing them, the same tables as one SQLite database, the data terms, the data dictionary in
    English and in Vietnamese, and the manifest) unless it already holds the current data;
    downloads of other versions are removed. None when nothing is processed yet."""
    import io
    import zipfile

    from .. import __version__
    from ..datapackage import NAME, SQLITE_FILE, TERMS_FILE, descriptor, terms_markdown
    from ..fields import TABLES, data_dictionary
    from ..translated_dictionary import data_dictionary_in

    files = _processed_files(paths)
    if not files:
        return None
    manifest = paths.processed / "manifest.json"
    fingerprint = manifest.read_bytes() if manifest.exists() else b""
    # the registry's own language keeps the plain name; a translation carries its language code
    names = {DEFAULT_LANG: "data_dictionary.md"}
    writers = {DEFAULT_LANG: data_dictionary}
    dictionaries = {names.get(lang, f"data_dictionary.{lang}.md"): lang for lang in languages()}
    target = data_zip_path(paths)
    for old in target.parent.glob(f"{NAME}*.zip"):
        if old != target:
            old.unlink()
    if target.exists():
        with zipfile.ZipFile(target) as existing:
            if existing.comment == fingerprint[:65535] and set(dictionaries) <= set(existing.namelist()):
                return target
    entries = [(p.name, p.read_bytes()) for p in files]
    package = descriptor(__version__, [p.stem for p in files])
    entries.append(
        ("datapackage.json", json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")
    )
    entries.append((TERMS_FILE, f"# Data terms\n\n{terms_markdown()}\n".encode()))
    tables = [p.stem for p in files if p.stem in TABLES and (paths.processed / f"{p.stem}.parquet").exists()]
    if tables:
        import pandas as pd

        entries.append(
            (
                SQLITE_FILE,
                kept_sqlite(
                    paths,
                    fingerprint,
                    lambda: {t: pd.read_parquet(paths.processed / f"{t}.parquet") for t in tables},
                ),
            )
        )
    entries += [
        (name, (writers[lang]() if lang in writers else data_dictionary_in(lang)).encode("utf-8"))
        for name, lang in dictionaries.items()
    ]
    if manifest.exists():
        entries.append((manifest.name, fingerprint))
    data = zip_bytes(entries)
    # the comment (the raw-data fingerprint) tells a later build the data have not changed
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.comment = fingerprint[:65535]
    site.write_if_changed(target, buffer.getvalue())
    return target


def kept_sqlite(paths: Paths, manifest: bytes, frames: Callable[[], dict[str, Any]]) -> bytes:
    """The download's SQLite database of the processed tables (``datapackage.sqlite_bytes`` of
    ``frames()``), made once per processed version and kept beside the data in
    ``<processed>/cache/sqlite/`` (~1.3 CPU-s that every build into a new reports folder would
    pay again). Keyed by the processed data's ``manifest`` and the code that writes the database
    (``datapackage.py`` and the field registry)."""
    from .. import datapackage, fields
    from ..datapackage import sqlite_bytes

    if not manifest:  # processed data without a version: nothing to key a kept copy by
        return sqlite_bytes(frames())
    sha = hashlib.sha256(manifest)
    for module in (datapackage, fields):
        sha.update(Path(str(module.__file__)).read_bytes())
    folder = paths.processed / "cache" / "sqlite"
    kept = folder / f"{sha.hexdigest()[:24]}.sqlite"
    try:
        return kept.read_bytes()
    except OSError:
        pass
    data = sqlite_bytes(frames())
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.sqlite"):  # one processed version is current
            old.unlink(missing_ok=True)
        tmp = folder / f".{kept.name}.{os.getpid()}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, kept)
    except OSError:  # a read-only data folder: made each time
        pass
    return data


def _size(path: Path, lang: str) -> str:
    return f"{fmt.number(path.stat().st_size / 1e6, lang, 1)} MB"


def download_name(stem: str, lang: str) -> str:
    """The reader's name of a report's data file (``names.download.<stem>`` of the catalogue);
    a file the catalogue does not name yet keeps its file name."""
    return catalogue(lang).get(f"names.download.{stem}", stem)


# parameters whose values are ids with a display name (catalogue family ``names.<family>``)
_NAMED_VALUES = {"lang": "language", "index": "index", "x_index": "index", "y_index": "index"}


def parameter_name(name: str, lang: str) -> str:
    """A report parameter as a reader calls it (``names.parameter.<name>``), else its own name."""
    return catalogue(lang).get(f"names.parameter.{name}", name)


def parameter_value(name: str, value: Any, lang: str) -> str:
    """A parameter's value as a reader reads it: ids by their display names (a language, an
    index, a geography), lists joined with commas, text without quotes."""
    if isinstance(value, list):
        return ", ".join(parameter_value(name, v, lang) for v in value)
    family = "geography" if name == "geography" else _NAMED_VALUES.get(name)
    if family:
        return catalogue(lang).get(f"names.{family}.{fmt.slug(str(value))}", str(value))
    return str(value) if isinstance(value, (str, int)) else json.dumps(value, ensure_ascii=False, default=str)


def _language(lang: str, in_lang: str) -> str:
    """A language's name in ``in_lang``; its code where the catalogue has no name for it."""
    from ..meta.messages import MissingMessageError, UnknownLanguageError

    try:
        return fmt.display_name("language", lang, in_lang)
    except (MissingMessageError, UnknownLanguageError):
        return lang


def _edition_links(entry: Entry, entries: dict[str, Entry], lang: str, attr: str = "page") -> list[dict]:
    links = []
    for other_lang, name in entry.editions.items():
        other = entries.get(name)
        if other is not None and getattr(other, attr):
            label = text("site.other_edition", lang, language=_language(other_lang, lang))
            links.append({"lang": other_lang, "label": label, "href": getattr(other, attr)})
    return links


def _card(entry: Entry, entries: dict[str, Entry], lang: str) -> dict[str, Any]:
    failed = text("site.failed", lang, error=entry.failed) if entry.failed else ""
    only_in = text("site.only_in", lang, language=_language(entry.lang, lang)) if entry.lang != lang else ""
    return {
        "name": entry.name,
        "title": entry.report.title,
        "lang": entry.lang,
        "page": entry.page,
        "code_page": entry.code_page,
        "notebook": entry.notebook,
        "finding": entry.finding,
        "thumbnail": entry.thumbnail,
        "thumbnail_alt": entry.thumbnail_alt,
        "download": entry.download,
        "failed": failed,
        "only_in": only_in,
        "others": _edition_links(entry, entries, lang),
    }


def listed_reports(
    reports: list[Report], entries: dict[str, Entry] | None = None
) -> tuple[list[Report], list[Report]]:
    """The reports shown as cards (the default set, and any report not of a matrix) and those
    shown in a matrix table (the sweeps). Given the build's ``entries``, a report of a matrix of the
    default set (a province profile) is a card only once built or tried (a build of a few profiles
    lists those it has, not 190 "not built yet"); a single report always has its card, which says
    when it was never built."""
    cards = [r for r in reports if r.set_name == DEFAULT_SET or not r.matrix]
    rest = [r for r in reports if r not in cards]
    if entries is not None:
        cards = [r for r in cards if not r.matrix or _tried(entries.get(r.name))]
    return cards, rest


def _tried(entry: Entry | None) -> bool:
    """Whether a report has a page or a failure to show."""
    return entry is not None and bool(entry.page or entry.failed)


def page_groups(reports: list[Report], entries: dict[str, Entry], lang: str) -> list[dict[str, Any]]:
    """The card groups of the landing page in ``lang``: each work (a report and its editions) once,
    in its ``lang`` edition where there is one, in the order of the reports file, grouped by
    question in :data:`site.GROUPS` order. The order is the same in every language."""
    by_work: dict[str, dict[str, Report]] = {}
    for report in reports:
        by_work.setdefault(site.work_key(report), {})[report_lang(report)] = report
    groups: dict[str, list[dict[str, Any]]] = {g: [] for g in site.GROUPS}
    for work in by_work.values():
        shown = work.get(lang) or work.get(DEFAULT_LANG) or next(iter(work.values()))
        groups[site.group_of(shown)].append(_card(entries[shown.name], entries, lang))
    out = []
    for group, cards in groups.items():
        if cards:
            out.append(
                {
                    "id": group,
                    "heading": text(f"site.group.{group}", lang),
                    "lede": text(f"site.group_lede.{group}", lang),
                    "entries": cards,
                    "collapsed": group == "provinces" and len(cards) > COLLAPSE_OVER,
                    "summary": text("site.profiles_summary", lang, n=fmt.number(len(cards), lang)),
                }
            )
    return out


def _profile_place(report: Report) -> tuple[str, str] | None:
    """(geography, code) of the province or unit a profile is about, or ``None``."""
    from ..provinces import UnknownProvinceError, provinces, resolve, units_2025

    name = report.parameters.get("province") or report.parameters.get("unit")
    if report.notebook != site.PROFILE_NOTEBOOK or not name:
        return None
    if str(report.parameters.get("geography", "")) in ("34", "units_34"):
        units = {u.name: code for code, u in units_2025().items()}
        return ("units_34", units[str(name)]) if str(name) in units else None
    try:
        code = resolve(str(name)).gso_code
    except (UnknownProvinceError, KeyError, ValueError):
        return None
    return ("provinces_63", code) if code in provinces() else None


def profiles(reports: list[Report], entries: dict[str, Entry], lang: str) -> dict[tuple[str, str], str]:
    """The built profile page for each (geography, code), in ``lang`` where built, else another."""
    found: dict[tuple[str, str], str] = {}
    for report in sorted(reports, key=lambda r: report_lang(r) != lang):  # the page's language first
        place = _profile_place(report)
        entry = entries.get(report.name)
        if place and entry and entry.page and place not in found:
            found[place] = entry.page
    return found


def _place_name(unit: Any, lang: str) -> str:
    """The unit's name as a reader of ``lang`` knows it (the registry's display name: "TP. Hồ Chí
    Minh"), its canonical name otherwise."""
    shown = getattr(unit, "display_name", None)
    return str(shown(lang) if callable(shown) else shown or unit.name)


def picker_and_search(
    reports: list[Report], entries: dict[str, Entry], lang: str
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """The province picker's option groups (profiles only) and the search list: every report
    (title), province and unit (its names in Vietnamese and English, and its profile when built)."""
    from ..provinces import provinces, units_2025

    built = profiles(reports, entries, lang)
    picker, items = [], []
    places: list[tuple[str, dict[str, Any], str]] = [
        ("provinces_63", dict(provinces()), "site.kind_province"),
        ("units_34", dict(units_2025()), "site.kind_unit"),
    ]
    for geography, units, kind in places:
        options = []
        for code, unit in sorted(units.items(), key=lambda kv: site.fold(_place_name(kv[1], lang))):
            merged_into = getattr(unit, "merged_into", None)  # Hà Tây: its history is in Hà Nội's profile
            href = built.get((geography, merged_into or code), "")
            names = {_place_name(unit, lang), unit.name, str(getattr(unit, "name_en", "") or "")}
            label = text(kind, lang) + ("" if href else f" · {text('site.no_profile', lang)}")
            items.append(
                {"t": _place_name(unit, lang), "k": label, "h": href, "s": site.fold(" ".join(sorted(names)))}
            )
            if href and not merged_into:
                options.append({"name": _place_name(unit, lang), "href": href})
        if options:
            picker.append({"label": text(f"site.{geography}", lang), "options": options})
    for card_report in listed_reports(reports, entries)[0]:
        entry = entries[card_report.name]
        if report_lang(card_report) == lang and entry.page:
            title = card_report.title
            items.append(
                {"t": title, "k": text("site.kind_report", lang), "h": entry.page, "s": site.fold(title)}
            )
    return picker, items


def _script_json(value: Any) -> Markup:
    """JSON that cannot end the script element it sits in (``<``, ``>``, ``&`` as ``\\u`` escapes)."""
    data = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Markup(data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _edition_publishers(index: str, lang: str) -> str:
    """The index's publisher, or each publisher with its editions where it changed (DTI: the
    Ministry of Information and Communications to 2023, the Ministry of Science and Technology
    for 2024): the publisher is a property of the edition (``meta.edition_publisher``)."""
    from ..meta import edition_publishers

    found = edition_publishers(index, lang)
    if len(found) == 1:
        return next(iter(found))
    return "; ".join(f"{who} ({fmt.year_span(years, lang)})" for who, years in found.items())


def publisher_links(lang: str, reports: list[Report], entries: dict[str, Entry]) -> list[dict[str, Any]]:
    """Each index with its publishers in ``lang``: ``parts``, one per publisher of its editions
    (``meta.edition_publisher_years``), each with its ``text`` (the phrase around the name),
    ``name``, ``url`` (the index's site of ``meta/index_publishers.csv`` for an index with one
    publisher, else the publisher's own; none for a publisher no source names) and ``years``."""
    from ..meta import edition_publisher_years

    urls = {r["index"]: r["publisher_url"] for r in package_rows("index_publishers.csv")}
    out = []
    for index, info in index_registry().items():
        if index not in urls:
            continue
        name = info.name_in(lang)
        short = fmt.display_name("index", index, lang)
        found = edition_publisher_years(index)
        parts = []
        for publisher, years in found:
            single = len(found) == 1
            named = publisher is None or publisher.named
            who = publisher.name_in(lang) if publisher is not None else info.publisher_in(lang)
            url = (
                (urls[index] if single else (publisher.url if publisher is not None else urls[index]))
                if named
                else ""
            )
            key = "site.publisher_one" if single else "site.publisher_years"
            if not named:
                key = "site.publisher_unnamed"
            before, _, after = text(key, lang, publisher="\x00", years=fmt.year_span(years, lang)).partition(
                "\x00"
            )
            parts.append({"before": before, "name": who, "after": after, "url": url})
        out.append(
            {
                "name": name,
                # "Chỉ số Cải cách hành chính (PAR Index)" already holds its short name: not twice
                "short": "" if short in name else short,
                "parts": parts,
            }
        )
    return out


def matrix_tables(
    paths: Paths, reports: list[Report], failures: dict[str, str], lang: str = DEFAULT_LANG
) -> list[dict[str, Any]]:
    """One table per report matrix: a row per value of its first grid key (a province), a column
    per combination of the others (a language), each cell the report's pages (if built) and a
    mark if its last run failed."""
    groups: dict[str, list[Report]] = {}
    for report in reports:
        if report.matrix:
            groups.setdefault(report.matrix, []).append(report)
    base = paths.reports
    tables = []

    def rest(report: Report) -> str:  # the grid values after the first, as a reader names them
        return " · ".join(parameter_value(k, v, lang) for k, v in report.point[1:])

    for members in groups.values():
        keys = [parameter_name(k, lang) for k, _ in members[0].point]
        columns = list(dict.fromkeys(rest(r) for r in members))
        rows: dict[str, dict[str, Report]] = {}
        for r in members:
            rows.setdefault(str(r.point[0][1]), {})[rest(r)] = r
        body = []
        for label, by_column in rows.items():
            cells = []
            for column in columns:
                cell = by_column.get(column)
                out = output_paths(paths, cell.name) if cell else None
                page = code = ""
                if out is not None and out["html"].exists():
                    page = Path(os.path.relpath(out["reviewer_html"], base)).as_posix()
                    code = Path(os.path.relpath(out["html"], base)).as_posix()
                failed = failures.get(cell.name, "") if cell else ""
                cells.append({"page": page, "code_page": code, "failed": failed, "listed": cell is not None})
            body.append({"label": label, "cells": cells})
        tables.append(
            {
                "heading": text("site.matrix_heading", lang, notebook=members[0].notebook, n=len(members)),
                "over": text("site.matrix_over", lang, keys=" × ".join(keys), set=members[0].set_name),
                "summary": text("site.matrix_summary", lang),
                "key": keys[0],
                "columns": [c or text("site.reader_page", lang) for c in columns],
                "rows": body,
            }
        )
    return tables


def render_matrix_tables(
    paths: Paths, reports: list[Report], failures: dict[str, str], lang: str = DEFAULT_LANG
) -> str:
    """The matrix tables alone, as the landing page shows them."""
    return (
        environment()
        .get_template("matrix.html.j2")
        .render(t=section("site", lang), matrices=matrix_tables(paths, reports, failures, lang))
    )


def _coverage_table(paths: Paths, lang: str) -> str:
    if not (paths.processed / "coverage.parquet").exists():
        return str(Markup("<p>{}</p>").format(text("reporting.index.no_data", lang)))
    from ..datasets import load
    from .sections import coverage_table

    return str(coverage_table(load("coverage", paths), lang).as_raw_html())


def render_landing(
    paths: Paths,
    reports: list[Report],
    entries: dict[str, Entry],
    failures: dict[str, str],
    lang: str,
    data_zip: Path | None,
    extra_matrices: list[Report] | None = None,
    coverage: str | None = None,
) -> str:
    """The landing page of ``lang`` as HTML."""
    cards, in_matrices = listed_reports(reports, entries)
    t = section("site", lang) | {k: v for k, v in section("reporting.index", lang).items() if k == "no_data"}
    picker, search = picker_and_search(reports, entries, lang)
    build_times = []
    for report in reports:
        entry = entries.get(report.name)
        if entry is None or not entry.built:
            continue
        took = (
            ""
            if entry.seconds is None
            else text("site.seconds", lang, seconds=fmt.number(entry.seconds, lang, 1))
        )
        build_times.append(
            {"name": report.name, "built": fmt.timestamp_text(entry.built, lang), "took": took}
        )
    zip_info = None
    if data_zip is not None:
        zip_info = {
            "href": Path(os.path.relpath(data_zip, paths.reports)).as_posix(),
            "name": data_zip.name,
            "text": text("site.download_text", lang, size=_size(data_zip, lang)),
        }
    groups = page_groups(cards, entries, lang)
    marked = any(fmt.has_mark(str(c.get("finding") or ""), lang) for g in groups for c in g["entries"])
    return (
        environment()
        .get_template("index.html.j2")
        .render(
            lang=lang,
            t=t,
            switch=[
                {
                    "lang": other,
                    "label": text("reporting.index.language_name", other),
                    "href": page_name(other),
                }
                for other in languages()
                if other != lang
            ],
            groups=groups,
            computed_legend=fmt.computed_legend(lang) if marked else "",  # once, where a finding has the mark
            profiles=picker,
            indices=publisher_links(lang, reports, entries),
            data_zip=zip_info,
            matrices=matrix_tables(
                paths, extra_matrices if extra_matrices is not None else in_matrices, failures, lang
            ),
            coverage=Markup(_coverage_table(paths, lang) if coverage is None else coverage),
            build_times=build_times,
            search_json=_script_json(search),
            search_js=Markup((TEMPLATES / "search.js").read_text(encoding="utf-8")),
        )
    )


# --- the header and footer of every report page --------------------------------------------------


def _page_parts(entry: Entry, entries: dict[str, Entry], paths: Paths, code: bool) -> tuple[str, str]:
    """The header and footer of one of ``entry``'s pages (``code``: the page with code)."""
    lang = site.page_language(entry.lang)
    folder = output_paths(paths, entry.name)["reviewer_html"].parent
    base = paths.reports

    def href(relative_to_reports: str) -> str:
        return Path(os.path.relpath(base / relative_to_reports, folder)).as_posix()

    editions = [
        {**link, "href": href(link["href"])}
        for link in _edition_links(entry, entries, lang, "code_page" if code else "page")
    ]
    for link in editions:  # on a report page the other edition is named in its own language
        name = _language(link["lang"], link["lang"])
        link["label"] = name[:1].upper() + name[1:]  # "Tiếng Việt" opens the link, as a heading would
    other_page = href(entry.page if code else entry.code_page)
    t = section("site", lang)
    data_zip = data_zip_path(paths)
    values = {
        "lang": lang,
        "t": t | {"download": t["download_header"]},
        "index_href": href(page_name(lang)),
        "editions": editions,
        "other_page": other_page,
        "other_page_label": t["other_page_reader"] if code else t["other_page_code"],
        "download": href(entry.download) if entry.download else "",
        "cutoff": site.cutoff_text(entry.cutoff, lang),
        "data_zip": href(data_zip.relative_to(base).as_posix()) if data_zip.exists() else "",
    }
    env = environment()
    return env.get_template("page_header.html.j2").render(values), env.get_template(
        "page_footer.html.j2"
    ).render(values)


def with_site_parts(page: str, header: str, footer: str) -> str:
    """``page`` (a report's HTML) with ``header`` right after ``<body>`` and ``footer`` right before
    ``</body>``, replacing those of an earlier build."""
    page = FOOTER.sub("", HEADER.sub("", page))
    body = BODY.search(page)
    if body is None:
        return page
    page = page[: body.end()] + header + page[body.end() :]
    end = page.rfind("</body>")
    return page[:end] + footer + page[end:] if end >= 0 else page + footer


def write_page_parts(
    paths: Paths,
    entries: dict[str, Entry],
    state: dict[str, dict[str, object]],
    cache: dict[str, dict[str, Any]] | None = None,
) -> list[str]:
    """Give every built report page its header and footer; returns the reports whose pages changed
    (their recorded output digests in ``state`` are updated, so the build does not run them again).
    A page whose bytes and header are as this wrote them last (``cache``) is not read again."""
    cache = {} if cache is None else cache
    changed = []
    for entry in entries.values():
        if not entry.page or entry.failed:  # a failed run keeps its last good pages as they are
            continue
        files = output_paths(paths, entry.name)
        parts = {code: _page_parts(entry, entries, paths, code) for code in (False, True)}
        parts_key = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
        info = state.get(entry.name, {})
        known = cache.setdefault(entry.name, {})
        pages_key = site.outputs_key(info, entry.name, ("pages",))
        if pages_key and known.get("parts") == parts_key and known.get("pages") == pages_key:
            continue  # as written last time
        wrote = False
        for path, code in ((files["reviewer_html"], False), (files["html"], True)):
            if path.exists():
                page = path.read_text(encoding="utf-8")
                wrote |= site.write_if_changed(path, with_site_parts(page, *parts[code]).encode("utf-8"))
        record = state.get(entry.name)
        if wrote:
            changed.append(entry.name)
            if isinstance(record, dict) and "outputs" in record:
                from .runner import output_digests

                record["outputs"] = output_digests(paths, entry.name)
        known["parts"] = parts_key
        known["pages"] = site.outputs_key(state.get(entry.name, {}), entry.name, ("pages",))
    if changed and state:
        from .state import write_state

        write_state(paths.reports, state)
    return changed


def write_index(
    paths: Paths, reports: list[Report], state: dict[str, dict[str, object]], failures: dict[str, str]
) -> Path:
    """Write the landing page of every language (atomically), the data download, each report's
    zip and thumbnail, and the header and footer of every built report page; return the path of
    the default language's page (reports/index.html)."""
    base = paths.reports
    base.mkdir(parents=True, exist_ok=True)
    data_zip = write_data_zip(paths)
    cache = site.read_cache(paths)
    entries = site.entries(paths, reports, state, failures, cache)
    write_page_parts(paths, entries, state, cache)
    site.write_cache(paths, cache)
    for lang in languages():
        page = render_landing(paths, reports, entries, failures, lang, data_zip)
        site.write_if_changed(base / page_name(lang), page.encode("utf-8"))
    return base / page_name(DEFAULT_LANG)
