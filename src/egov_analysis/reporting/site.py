"""What the landing pages and the report pages' headers say about each built report: its group
(the question it answers), its edition in each language, its first key finding, a thumbnail of
its first chart, its downloads (one zip of its figures and their data) and the data cut-off.

Everything is read from the build's outputs (the executed notebook, the figures folder) and the
processed data, so the pages list whatever the build has: a profile added to ``reports.toml`` is
picked up by its notebook (``province_profile.ipynb``) and its ``province`` parameter.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Paths
from ..meta.messages import DEFAULT_LANG, text
from .execute import output_paths
from .reports import Report

# the questions a reader comes with, in the order the landing pages show them (both languages)
GROUPS = ("programme", "rankings", "provinces", "quality", "other")
GROUP_OF_NOTEBOOK = {
    "phase_comparison.ipynb": "programme",
    "provincial_rankings.ipynb": "rankings",
    "index_relationships.ipynb": "rankings",
    "province_profile.ipynb": "provinces",
    "data_quality.ipynb": "quality",
}
PROFILE_NOTEBOOK = "province_profile.ipynb"
REPORT_ZIPS = Path("data") / "reports"  # under reports/: one zip per report, its figures and data
THUMBS = Path("thumbs")  # under reports/: one small PNG per report
THUMB_WIDTH = 360
ZIP_TIME = (2000, 1, 1, 0, 0, 0)  # fixed, so the same files give the same bytes


def report_lang(report: Report) -> str:
    return str(report.parameters.get("lang", DEFAULT_LANG))


def page_language(lang: str) -> str:
    """The language the pages speak of a report in ``lang``: its own, or the default one for a
    language with no catalogue (such a report's run fails; its last good pages stay listed)."""
    from ..meta.messages import languages

    return lang if lang in languages() else DEFAULT_LANG


def work_key(report: Report) -> str:
    """What a report's editions share: its notebook and its parameters but the language."""
    rest = {k: v for k, v in report.parameters.items() if k != "lang"}
    return json.dumps([report.notebook, rest], ensure_ascii=False, sort_keys=True, default=str)


def editions(reports: Iterable[Report]) -> dict[str, dict[str, Report]]:
    """Each report's editions by language (itself included), keyed by report name."""
    groups: dict[str, dict[str, Report]] = {}
    for report in reports:
        groups.setdefault(work_key(report), {}).setdefault(report_lang(report), report)
    return {r.name: groups[work_key(r)] for r in reports}


def group_of(report: Report) -> str:
    return GROUP_OF_NOTEBOOK.get(report.notebook, "other")


def fold(value: str) -> str:
    """Text as the search compares it: no diacritics, đ as d, lower case, single spaces."""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.lower().split())


# --- what an executed notebook shows first -------------------------------------------------------


def _outputs(notebook: Path) -> list[dict[str, Any]]:
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return []
    return [o for c in cells if isinstance(c, dict) for o in c.get("outputs") or [] if isinstance(o, dict)]


def _markdown_text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def first_finding(notebook: Path, lang: str) -> str:
    """The report's key finding: the one its findings name (``Findings.key_finding``, in the
    output's metadata), else the first sentence under its key-findings heading
    (``findings.heading``), as plain text; ``""`` when the notebook shows none."""
    from ..analysis.findings import FINDINGS_METADATA

    for output in _outputs(notebook):
        record = output.get("metadata", {}).get("text/markdown", {}).get(FINDINGS_METADATA)
        if isinstance(record, dict) and record.get("key_finding"):
            return str(record["key_finding"])
    prefix = text("findings.heading", lang, subject="").strip().rstrip("—–-").strip()
    for output in _outputs(notebook):
        lines = _markdown_text(output.get("data", {}).get("text/markdown")).splitlines()
        for i, line in enumerate(lines):
            if line.startswith("#") and html.unescape(line.lstrip("#").strip()).startswith(prefix):
                for item in lines[i + 1 :]:
                    if item.startswith("- "):
                        return html.unescape(item[2:].strip())
                    if item.startswith("#"):
                        break
    return ""


_IMG = re.compile(r"<img\b[^>]*>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def first_chart(notebook: Path) -> tuple[bytes, str] | None:
    """The PNG of the first chart the report shows (as embedded in its page) and its alt text, or
    ``None`` for a report without one."""
    import base64

    for output in _outputs(notebook):
        data = output.get("data", {})
        if "image/png" in data:  # a figure displayed as such, its alt text in the metadata
            alt = output.get("metadata", {}).get("image/png", {}).get("alt", "")
            return base64.b64decode(_markdown_text(data["image/png"])), str(alt)
        for tag in _IMG.findall(_markdown_text(data.get("text/html"))):  # a chart's <figure>
            attrs = dict(_ATTR.findall(tag))
            source = attrs.get("src", "")
            if source.startswith("data:image/png;base64,"):
                return base64.b64decode(source.split(",", 1)[1]), html.unescape(attrs.get("alt", ""))
    return None


# --- files written for the pages -----------------------------------------------------------------


def write_if_changed(target: Path, data: bytes) -> bool:
    """Write ``data`` to ``target`` (atomically) unless it already holds them; True if written."""
    if target.exists() and target.read_bytes() == data:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return True


def zip_bytes(files: Sequence[tuple[str, bytes]]) -> bytes:
    """A zip of ``files`` (name, bytes) that is the same bytes for the same files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def write_report_zip(paths: Paths, name: str) -> Path | None:
    """reports/data/reports/<name>.zip: every figure (PNG, SVG) and data file (CSV) of the report,
    in a folder named after it; ``None`` for a report without figures."""
    folder = output_paths(paths, name)["figures"]
    files = sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
    if not files:
        return None
    target = paths.reports / REPORT_ZIPS / f"{name}.zip"
    write_if_changed(target, zip_bytes([(f"{name}/{p.name}", p.read_bytes()) for p in files]))
    return target


def write_thumbnail(png: bytes, target: Path) -> Path:
    """The picture ``png`` at most :data:`THUMB_WIDTH` pixels wide, as a PNG at ``target`` (same
    bytes for the same picture)."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        picture = image.convert("RGB")
        if picture.width > THUMB_WIDTH:
            height = round(picture.height * THUMB_WIDTH / picture.width)
            picture = picture.resize((THUMB_WIDTH, height), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        picture.save(buffer, format="PNG", optimize=True)
    write_if_changed(target, buffer.getvalue())
    return target


# --- the data cut-off ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cutoff:
    """The latest edition a report's data reach: of its index (``index`` set) or of any index."""

    year: int
    index: str = ""


def data_cutoffs(paths: Paths) -> dict[str, int]:
    """The latest edition year held per index (key ``""``: over every index), from the processed
    index panel; empty when nothing is processed."""
    target = paths.processed / "indices.parquet"
    if not target.exists():
        return {}
    from ..datasets import load

    panel = load("indices", paths)
    held = panel[panel["score"].notna() | panel["rank"].notna()]
    latest = {str(k): int(v) for k, v in held.groupby("index")["year"].max().items()}
    return {**latest, "": max(latest.values())} if latest else {}


def cutoff_of(report: Report, latest: dict[str, int]) -> Cutoff | None:
    """A report's data cut-off: the latest edition held of its index up to its last year, of the
    year it is about, else of any index."""
    params = report.parameters
    index = str(params.get("index") or "")
    if index and index in latest:
        return Cutoff(min(latest[index], int(params.get("end_year", latest[index]))), index)
    if "year" in params:
        return Cutoff(int(params["year"]))
    return Cutoff(latest[""]) if "" in latest else None


def cutoff_text(cutoff: Cutoff | None, lang: str) -> str:
    if cutoff is None:
        return ""
    if cutoff.index:
        from ..formatting import display_name

        index = display_name("index", cutoff.index, lang)
        return text("site.cutoff_index", lang, index=index, year=cutoff.year)
    return text("site.cutoff", lang, year=cutoff.year)


# --- one report as the pages show it -------------------------------------------------------------


# the fields of an Entry read from the report's outputs, cached with the digests of those outputs
FROM_OUTPUTS = ("finding", "thumbnail", "thumbnail_alt", "download")


@dataclass
class Entry:
    """A built report as the landing page and the page headers show it (hrefs relative to
    reports/)."""

    report: Report
    group: str
    page: str = ""  # the reviewer page, "" when never built
    code_page: str = ""
    notebook: str = ""
    finding: str = ""
    thumbnail: str = ""
    thumbnail_alt: str = ""
    download: str = ""
    failed: str = ""
    built: str = ""
    seconds: float | None = None
    cutoff: Cutoff | None = None
    editions: dict[str, str] = field(default_factory=dict)  # other language -> report name

    @property
    def name(self) -> str:
        return self.report.name

    @property
    def lang(self) -> str:
        return report_lang(self.report)


def _rel(path: Path, base: Path) -> str:
    return Path(os.path.relpath(path, base)).as_posix()


CACHE_FILE = ".site_cache.json"  # under reports/: what the pages took from each report's outputs


def read_cache(paths: Paths) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads((paths.reports / CACHE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_cache(paths: Paths, cache: dict[str, dict[str, Any]]) -> None:
    data = json.dumps(cache, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    write_if_changed(paths.reports / CACHE_FILE, data.encode("utf-8"))


def outputs_key(info: dict[str, object], name: str, kinds: tuple[str, ...]) -> str:
    """A key of the outputs of report ``name`` the build recorded (``state[name]["outputs"]``:
    digests by path), of the ``kinds`` "notebook", "figures" or "pages"; ``""`` when none is
    recorded (then nothing is taken from the cache)."""
    outputs = info.get("outputs")
    if not isinstance(outputs, dict) or not outputs:
        return ""
    wanted = {
        "notebook": lambda p: p == f"notebooks/{name}.ipynb",
        "figures": lambda p: p.startswith(f"{name}/"),
        "pages": lambda p: p in (f"html/{name}.html", f"html/{name}.reviewer.html"),
    }
    picked = {p: d for p, d in sorted(outputs.items()) if any(wanted[k](str(p)) for k in kinds)}
    if not picked or "missing" in picked.values():
        return ""
    return hashlib.sha256(json.dumps(picked, sort_keys=True).encode()).hexdigest()


def entries(
    paths: Paths,
    reports: Sequence[Report],
    state: dict[str, dict[str, object]],
    failures: dict[str, str],
    cache: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Entry]:
    """Every report as the pages show it, writing its thumbnail and its zip on the way. What a
    report's outputs give (its finding, thumbnail, zip) is kept in ``cache`` under the digests
    the build recorded of them, and read again only when they change."""
    base = paths.reports
    cache = {} if cache is None else cache
    latest = data_cutoffs(paths)
    by_name = editions(reports)
    out = {}
    for report in reports:
        lang = report_lang(report)
        files = output_paths(paths, report.name)
        entry = Entry(report, group_of(report), failed=failures.get(report.name, ""))
        entry.editions = {k: r.name for k, r in sorted(by_name[report.name].items()) if k != lang}
        info = state.get(report.name, {})
        entry.built = str(info.get("built_at", ""))
        seconds = info.get("seconds")
        entry.seconds = float(seconds) if isinstance(seconds, (int, float)) else None
        entry.cutoff = cutoff_of(report, latest)
        if files["reviewer_html"].exists():
            entry.page = _rel(files["reviewer_html"], base)
            entry.code_page = _rel(files["html"], base)
            entry.notebook = _rel(files["notebook"], base)
            key = outputs_key(info, report.name, ("notebook", "figures"))
            known = cache.get(report.name, {})
            written = [base / known[k] for k in ("thumbnail", "download") if known.get(k)]
            if key and known.get("key") == key and all(p.exists() for p in written):
                for field in FROM_OUTPUTS:
                    setattr(entry, field, str(known[field]))
            else:
                entry.finding = first_finding(files["notebook"], page_language(lang))
                chart = first_chart(files["notebook"])
                if chart:
                    thumb = write_thumbnail(chart[0], base / THUMBS / f"{report.name}.png")
                    entry.thumbnail, entry.thumbnail_alt = _rel(thumb, base), chart[1]
                archive = write_report_zip(paths, report.name)
                entry.download = _rel(archive, base) if archive else ""
                cache[report.name] = {**known, "key": key, **{f: getattr(entry, f) for f in FROM_OUTPUTS}}
        out[report.name] = entry
    return out


def built(entries_: dict[str, Entry], name: str) -> bool:
    return name in entries_ and bool(entries_[name].page)
