"""reports/index.html: every report with its parameters, build time, the data coverage and CSVs."""

from __future__ import annotations

import html
import os
from pathlib import Path

from ..config import Paths
from ..datasets import load
from .execute import output_paths
from .reports import Report

STYLE = """
body{font-family:"DejaVu Sans",Arial,sans-serif;margin:2em auto;max-width:70em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;vertical-align:top}
th{background:#f2f2f2;text-align:left}.failed{color:#D55E00;font-weight:bold}code{font-size:90%}
.small{font-size:85%;color:#555}
"""


def _link(target: Path, base: Path, text: str) -> str:
    return f'<a href="{html.escape(Path(os.path.relpath(target, base)).as_posix())}">{html.escape(text)}</a>'


def _coverage_table(paths: Paths) -> str:
    path = paths.processed / "coverage.parquet"
    if not path.exists():
        return "<p>No processed data.</p>"
    coverage = load("coverage", paths)
    overall = coverage[coverage["indicator"].eq("overall")]
    rows = []
    for (index, geography), group in overall.groupby(["index", "geography"]):
        complete = group.loc[group["n_score"].eq(group["n_ranked"]), "year"].astype(int).tolist()
        rows.append(
            f"<tr><td>{html.escape(index)}</td><td>{html.escape(geography)}</td>"
            f"<td>{group['year'].min()}–{group['year'].max()}</td><td>{int(group['n_score'].sum())}</td>"
            f"<td>{int(group['n_rank'].sum())}</td>"
            f"<td>{html.escape(', '.join(map(str, complete)) or '—')}</td></tr>"
        )
    return (
        "<table><tr><th>index</th><th>geography</th><th>years</th><th>scores</th><th>ranks</th>"
        "<th>years complete (every ranked unit has a score)</th></tr>" + "".join(rows) + "</table>"
    )


def matrix_tables(paths: Paths, reports: list[Report], failures: dict[str, str]) -> str:
    """One table per report matrix: a row per value of its first grid key (a province), a column
    per combination of the others (a language), each cell a link to that report."""
    groups: dict[str, list[Report]] = {}
    for report in reports:
        if report.matrix:
            groups.setdefault(report.matrix, []).append(report)
    parts = []
    for template, members in groups.items():
        keys = [k for k, _ in members[0].point]
        columns = list(dict.fromkeys(" · ".join(str(v) for _, v in r.point[1:]) for r in members))
        cells: dict[str, dict[str, Report]] = {}
        for r in members:
            cells.setdefault(str(r.point[0][1]), {})[" · ".join(str(v) for _, v in r.point[1:])] = r
        head = "".join(f"<th>{html.escape(c or 'report')}</th>" for c in columns)
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
                        _link(out["reviewer_html"], paths.reports, "report")
                        + " · "
                        + _link(out["html"], paths.reports, "code")
                        if out["html"].exists()
                        else ""
                    )
                    failed = failures.get(cell.name)
                    mark = (
                        f'<span class="failed" title="{html.escape(failed)}">failed</span>' if failed else ""
                    )
                    tds.append(f"<td>{' '.join(filter(None, (link, mark))) or 'not built yet'}</td>")
            body.append(f"<tr><th>{html.escape(row)}</th>{''.join(tds)}</tr>")
        parts.append(
            f"<h2>{html.escape(members[0].notebook)}: {len(members)} report(s)</h2>"
            f"<p class=small><code>{html.escape(template)}</code> over {html.escape(' × '.join(keys))}</p>"
            f"<table><tr><th>{html.escape(keys[0])}</th>{head}</tr>{''.join(body)}</table>"
        )
    return "".join(parts)


def write_index(
    paths: Paths, reports: list[Report], state: dict[str, dict[str, object]], failures: dict[str, str]
) -> Path:
    """Write reports/index.html (atomically) and return its path."""
    base = paths.reports
    rows = []
    for report in (r for r in reports if not r.matrix):  # a matrix's reports go in its table
        out = output_paths(paths, report.name)
        info = state.get(report.name, {})
        params = (
            "<br>".join(
                f"<code>{html.escape(k)} = {html.escape(repr(v))}</code>"
                for k, v in sorted(report.parameters.items())
            )
            or "defaults"
        )
        if out["html"].exists():
            links = (
                _link(out["reviewer_html"], base, "report")
                + " · "
                + _link(out["html"], base, "with code")
                + " · "
                + _link(out["notebook"], base, "notebook")
            )
        else:
            links = "not built yet"
        csvs = sorted(out["figures"].glob("*.csv")) if out["figures"].exists() else []
        downloads = " ".join(_link(p, base, p.stem) for p in csvs) or "—"
        figure_count = len(list(out["figures"].glob("*.png"))) if out["figures"].exists() else 0
        status = ""
        if report.name in failures:
            status = (
                f'<div class="failed">last build failed: {html.escape(failures[report.name])}'
                "; the outputs shown are the last good ones</div>"
            )
        built = html.escape(str(info.get("built_at", "—")))
        seconds = info.get("seconds")
        rows.append(
            f"<tr><td><b>{html.escape(report.title)}</b><br><span class=small>{html.escape(report.name)} "
            f"({html.escape(report.notebook)})</span>{status}</td><td>{links}</td><td>{params}</td>"
            f"<td>{built}<br><span class=small>{'' if seconds is None else f'{seconds:.1f} s'}</span></td>"
            f"<td>{figure_count} figures<br>{downloads}</td></tr>"
        )
    page = (
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
        f"<title>egov-analysis reports</title><style>{STYLE}</style></head><body>"
        "<h1>egov-analysis reports</h1>"
        "<p>Vietnam's provincial e-government and governance indices and Quảng Ninh's e-government "
        "programme. Every figure's footer names its sources; the CSV beside each figure holds its data.</p>"
        "<table><tr><th>report</th><th>pages</th><th>parameters</th><th>built</th>"
        "<th>figures and CSV</th></tr>"
        + "".join(rows)
        + "</table>"
        + matrix_tables(paths, reports, failures)
        + "<h2>Data coverage (headline scores)</h2>"
        + _coverage_table(paths)
        + "</body></html>\n"
    )
    target = base / "index.html"
    tmp = base / "index.html.tmp"
    base.mkdir(parents=True, exist_ok=True)
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, target)
    return target
