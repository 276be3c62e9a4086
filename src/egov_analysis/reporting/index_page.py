"""reports/index.html and reports/index.vi.html: every report with its pages, its other-language
version, parameters, build time and figures; the data coverage; the processed data as one download.

One page per catalogue language, every word from ``reporting.toml``; each page links to the other
languages' pages. A report's other-language version is the report of the same notebook with the same
parameters but ``lang``. The download is a zip of every processed table as CSV with the data
dictionary and the manifest, rebuilt only when the processed data change (its comment holds the
raw-data fingerprint), written byte-identically for the same data.
"""

from __future__ import annotations

import html
import json
import os
import zipfile
from pathlib import Path
from typing import Any

from .. import formatting as fmt
from ..config import Paths
from ..datasets import load
from ..meta.messages import DEFAULT_LANG, catalogue, languages, plural, text
from .execute import output_paths
from .reports import Report

STYLE = """
body{font-family:"DejaVu Sans",Arial,sans-serif;margin:2em auto;max-width:70em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;vertical-align:top}
th{background:#f2f2f2;text-align:left}.failed{color:#D55E00;font-weight:bold}code{font-size:90%}
.small{font-size:85%;color:#555}nav{float:right}td.params{min-width:18em}
"""
DEFAULT_SET = "default"  # the report set `egov-analysis build` runs without --set
DATA_DIR = Path("data")  # the data download, under reports/
ZIP_TIME = (2000, 1, 1, 0, 0, 0)  # fixed, so the same data give the same bytes


def page_name(lang: str) -> str:
    """``index.html`` for the default language, ``index.<lang>.html`` for the others."""
    return {DEFAULT_LANG: "index.html"}.get(lang, f"index.{lang}.html")


def report_lang(report: Report) -> str:
    return str(report.parameters.get("lang", DEFAULT_LANG))


def _same_but_language(report: Report) -> str:
    rest = {k: v for k, v in report.parameters.items() if k != "lang"}
    return json.dumps([report.notebook, rest], ensure_ascii=False, sort_keys=True, default=str)


def other_languages(reports: list[Report]) -> dict[str, dict[str, Report]]:
    """For each report name, its versions in other languages by language."""
    groups: dict[str, list[Report]] = {}
    for report in reports:
        groups.setdefault(_same_but_language(report), []).append(report)
    out: dict[str, dict[str, Report]] = {}
    for group in groups.values():
        for report in group:
            out[report.name] = {report_lang(o): o for o in group if report_lang(o) != report_lang(report)}
    return out


def _link(target: Path, base: Path, label: str, lang: str | None = None) -> str:
    href = html.escape(Path(os.path.relpath(target, base)).as_posix())
    hreflang = f' hreflang="{html.escape(lang)}"' if lang else ""
    return f'<a href="{href}"{hreflang}>{html.escape(label)}</a>'


def _coverage_table(paths: Paths, lang: str) -> str:
    if not (paths.processed / "coverage.parquet").exists():
        return f"<p>{html.escape(text('reporting.index.no_data', lang))}</p>"
    from .sections import coverage_table

    return str(coverage_table(load("coverage", paths), lang).as_raw_html())


def _processed_files(paths: Paths) -> list[Path]:
    return sorted(p for p in paths.processed.glob("*.csv") if p.is_file())


def data_zip_path(paths: Paths) -> Path:
    """reports/data/egov-analysis-data-<version>.zip: the download is named by the package version."""
    from .. import __version__
    from ..datapackage import zip_name

    return paths.reports / DATA_DIR / zip_name(__version__)


def write_data_zip(paths: Paths) -> Path | None:
    """Write the data download (:func:`data_zip_path`: every processed CSV, ``datapackage.json``
    describing them, the same tables as one SQLite database, the data terms, the data dictionary
    and the manifest) unless it already holds
    the current data; downloads of other versions are removed. None when nothing is processed yet."""
    from .. import __version__
    from ..datapackage import NAME, SQLITE_FILE, TERMS_FILE, descriptor, sqlite_bytes, terms_markdown
    from ..fields import TABLES

    files = _processed_files(paths)
    if not files:
        return None
    manifest = paths.processed / "manifest.json"
    fingerprint = manifest.read_bytes() if manifest.exists() else b""
    target = data_zip_path(paths)
    for old in target.parent.glob(f"{NAME}*.zip"):
        if old != target:
            old.unlink()
    if target.exists():
        with zipfile.ZipFile(target) as existing:
            if existing.comment == fingerprint[:65535]:
                return target
    package = descriptor(__version__, [p.stem for p in files])
    generated = {
        "datapackage.json": json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8") + b"\n",
        TERMS_FILE: f"# Data terms\n\n{terms_markdown()}\n".encode(),
    }
    tables = [p.stem for p in files if p.stem in TABLES and (paths.processed / f"{p.stem}.parquet").exists()]
    if tables:
        import pandas as pd

        frames = {name: pd.read_parquet(paths.processed / f"{name}.parquet") for name in tables}
        generated[SQLITE_FILE] = sqlite_bytes(frames)
    extra = [p for p in (paths.root / "docs" / "data_dictionary.md", manifest) if p.exists()]
    members = {**{p.name: p.read_bytes() for p in [*files, *extra]}, **generated}
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
        archive.comment = fingerprint[:65535]
    os.replace(tmp, target)
    return target


def _size(path: Path, lang: str) -> str:
    return f"{fmt.number(path.stat().st_size / 1e6, lang, 1)} MB"


def matrix_tables(
    paths: Paths, reports: list[Report], failures: dict[str, str], lang: str = DEFAULT_LANG
) -> str:
    """One table per report matrix: a row per value of its first grid key (a province), a column
    per combination of the others (a language), each cell a link to that report."""
    groups: dict[str, list[Report]] = {}
    for report in reports:
        if getattr(report, "matrix", ""):
            groups.setdefault(report.matrix, []).append(report)
    parts = []
    for template, members in groups.items():
        points = {r.name: list(getattr(r, "point", ())) for r in members}
        keys = [k for k, _ in points[members[0].name]]
        columns = list(dict.fromkeys(" · ".join(str(v) for _, v in points[r.name][1:]) for r in members))
        cells: dict[str, dict[str, Report]] = {}
        for r in members:
            point = points[r.name]
            cells.setdefault(str(point[0][1]), {})[" · ".join(str(v) for _, v in point[1:])] = r
        head = "".join(
            f"<th>{html.escape(c or text('reporting.index.reader_page', lang))}</th>" for c in columns
        )
        body = []
        for row, by_column in cells.items():
            tds = []
            for column in columns:
                cell = by_column.get(column)
                out = output_paths(paths, cell.name) if cell else None
                if cell is None or out is None:
                    tds.append("<td>—</td>")
                else:  # a link to the last good pages, if any; a failed last run marked
                    link = (
                        _link(out["reviewer_html"], paths.reports, text("reporting.index.reader_page", lang))
                        + " · "
                        + _link(out["html"], paths.reports, text("reporting.index.matrix_code", lang))
                        if out["html"].exists()
                        else ""
                    )
                    failed = failures.get(cell.name)
                    word = html.escape(text("reporting.index.matrix_failed", lang))
                    mark = (
                        f'<span class="failed" title="{html.escape(failed)}">{word}</span>' if failed else ""
                    )
                    empty = html.escape(text("reporting.index.not_built", lang))
                    tds.append(f"<td>{' '.join(filter(None, (link, mark))) or empty}</td>")
            body.append(f"<tr><th>{html.escape(row)}</th>{''.join(tds)}</tr>")
        heading = text("reporting.index.matrix_heading", lang, notebook=members[0].notebook, n=len(members))
        over = text("reporting.index.matrix_over", lang, keys=" × ".join(keys))
        parts.append(
            f"<h2>{html.escape(heading)}</h2>"
            f"<p class=small><code>{html.escape(template)}</code> {html.escape(over)}</p>"
            f"<table><tr><th>{html.escape(keys[0])}</th>{head}</tr>{''.join(body)}</table>"
        )
    return "".join(parts)


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


def _declared_order(notebook: Path) -> Any:
    """A sort key putting parameters in the order the notebook declares them (start year before
    end year), any other after them by name; by name alone where the notebook cannot be read."""
    from .contract import declared_parameters

    try:
        order = {name: i for i, name in enumerate(declared_parameters(notebook))}
    except Exception:  # the index page is written even when a notebook is broken
        order = {}
    return lambda item: (order.get(item[0], len(order)), item[0])


def _row(
    paths: Paths,
    report: Report,
    versions: dict[str, Report],
    info: dict[str, Any],
    failure: str | None,
    lang: str,
) -> str:
    base = paths.reports
    out = output_paths(paths, report.name)
    params = "<br>".join(
        f"{html.escape(parameter_name(k, lang))}: {html.escape(parameter_value(k, v, lang))}"
        for k, v in sorted(report.parameters.items(), key=_declared_order(paths.notebooks / report.notebook))
    ) or html.escape(text("reporting.index.defaults", lang))
    if out["html"].exists():
        links = " · ".join(
            [
                _link(out["reviewer_html"], base, text("reporting.index.reader_page", lang)),
                _link(out["html"], base, text("reporting.index.code_page", lang)),
                _link(out["notebook"], base, text("reporting.index.notebook", lang)),
            ]
        )
    else:
        links = html.escape(text("reporting.index.not_built", lang))
    for other_lang, other in sorted(versions.items()):
        other_out = output_paths(paths, other.name)
        if other_out["reviewer_html"].exists():
            language = fmt.display_name("language", other_lang, lang)
            label = text("reporting.index.other_version", lang, language=language)
            links += "<br>" + _link(other_out["reviewer_html"], base, label, other_lang)
    csvs = sorted(out["figures"].glob("*.csv")) if out["figures"].exists() else []
    downloads = " · ".join(_link(p, base, download_name(p.stem, lang)) for p in csvs) or "—"
    figure_count = len(list(out["figures"].glob("*.png"))) if out["figures"].exists() else 0
    status = ""
    if failure:
        message = html.escape(text("reporting.index.failed", lang, error=failure))
        status = f'<div class="failed">{message}</div>'
    seconds = info.get("seconds")
    took = (
        "" if seconds is None else text("reporting.index.seconds", lang, seconds=fmt.number(seconds, lang, 1))
    )
    built = html.escape(fmt.timestamp_text(info.get("built_at", "—"), lang))
    figures = html.escape(plural("reporting.index.figure_count", lang, figure_count, n=figure_count))
    return (
        f'<tr><td lang="{html.escape(report_lang(report))}"><b>{html.escape(report.title)}</b><br>'
        f"<span class=small>{html.escape(report.name)} ({html.escape(report.notebook)})</span>{status}</td>"
        f"<td>{links}</td><td class=params>{params}</td>"
        f"<td>{built}<br><span class=small>{html.escape(took)}</span></td>"
        f"<td>{figures}<br>{downloads}</td></tr>"
    )


def _page(
    paths: Paths,
    reports: list[Report],
    state: dict[str, dict[str, object]],
    failures: dict[str, str],
    lang: str,
    data_zip: Path | None,
) -> str:
    base = paths.reports
    versions = other_languages(reports)
    headings = "".join(
        f"<th>{html.escape(text(f'reporting.index.{k}', lang))}</th>"
        for k in ("report", "pages", "parameters", "built", "figures")
    )

    def table(selected: list[Report]) -> str:
        rows = "".join(
            _row(paths, r, versions[r.name], dict(state.get(r.name, {})), failures.get(r.name), lang)
            for r in selected
        )
        return f"<table><tr>{headings}</tr>{rows}</table>"

    # the default set as rows, the page's own language first, then the reports with no version in
    # it; the reports of other sets (the sweeps) as one compact table per matrix
    listed = [
        r
        for r in reports
        if getattr(r, "set_name", DEFAULT_SET) == DEFAULT_SET or not getattr(r, "matrix", "")
    ]
    own = [r for r in listed if report_lang(r) == lang]
    others = [r for r in listed if report_lang(r) != lang and lang not in versions[r.name]]
    listing = table(own) if own else ""
    if others:
        listing += f"<h2>{html.escape(text('reporting.index.only_other', lang))}</h2>" + table(others)
    listing += matrix_tables(paths, [r for r in reports if r not in listed], failures, lang)
    switch = " · ".join(
        _link(base / page_name(other), base, text("reporting.index.language_name", other), other)
        for other in languages()
        if other != lang
    )
    download = ""
    if data_zip is not None:
        download = (
            f"<h2>{html.escape(text('reporting.index.download', lang))}</h2><p>"
            + _link(data_zip, base, data_zip.name)
            + " — "
            + html.escape(text("reporting.index.download_text", lang, size=_size(data_zip, lang)))
            + "</p>"
        )
    title = html.escape(text("reporting.index.title", lang))
    return (
        f'<!DOCTYPE html><html lang="{html.escape(lang)}"><head><meta charset=utf-8>'
        f"<title>{title}</title><style>{STYLE}</style></head><body>"
        f"<nav>{switch}</nav><h1>{title}</h1>"
        f"<p>{html.escape(text('reporting.index.intro', lang))}</p>"
        f"{download}{listing}"
        f"<h2>{html.escape(text('reporting.index.coverage', lang))}</h2>"
        + _coverage_table(paths, lang)
        + "</body></html>\n"
    )


def write_index(
    paths: Paths, reports: list[Report], state: dict[str, dict[str, object]], failures: dict[str, str]
) -> Path:
    """Write the index page of every language (atomically) and the data download; return the path
    of the default language's page (reports/index.html)."""
    base = paths.reports
    base.mkdir(parents=True, exist_ok=True)
    data_zip = write_data_zip(paths)
    for lang in languages():
        target = base / page_name(lang)
        tmp = target.with_suffix(".html.tmp")
        tmp.write_text(_page(paths, reports, state, failures, lang, data_zip), encoding="utf-8")
        os.replace(tmp, target)
    return base / page_name(DEFAULT_LANG)
