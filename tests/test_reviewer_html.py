"""The reviewer pages of the default report set, as a reader gets them: no `<NA>`, `nan`, `None`,
`\\u` escapes, registry ids or pandas index columns in the visible text; specific alt text on every
image; no English catalogue text in a Vietnamese report; the 34-unit report's data hold at most 34
units a year; readable parameters on the with-code pages; a bilingual index page with the data as
one download; no chart whose text overlaps or is cut (each chart is measured as its PNG is written
and says so in the executed notebook). The set is built once per session (``project_build`` in
conftest.py), and every test of it lives here, so that one pytest-xdist worker builds it while the
other runs the rest."""

from __future__ import annotations

import re
import string
import zipfile
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from egov_analysis import config, meta
from egov_analysis.meta.messages import catalogue
from egov_analysis.plots.chart import CHART_METADATA
from egov_analysis.reporting.index_page import other_languages, page_name, write_data_zip
from egov_analysis.reporting.readable_parameters import ReadablePythonTranslator
from egov_analysis.reporting.reports import Report, load_reports

REPORTS = [  # the default set: what `egov-analysis build` (and the session fixture) builds
    r
    for r in load_reports(config.paths().root / "reports.toml", config.paths().notebooks)
    if getattr(r, "set_name", "default") == "default"
]
VIETNAMESE = [r for r in REPORTS if r.parameters.get("lang") == "vi"]
PLACEHOLDER_ALT = "No description has been provided for this image"


def _soup(path: Path) -> BeautifulSoup:
    soup = BeautifulSoup(path.read_text("utf-8"), "html.parser")
    for hidden in soup(["style", "script", "head"]):
        hidden.decompose()
    return soup


def _reviewer(paths: config.Paths, name: str) -> BeautifulSoup:
    return _soup(paths.reports / "html" / f"{name}.reviewer.html")


def _registry_ids() -> set[str]:
    """Identifiers a reader must never see: snake_case ids of indicators, geographies, programme
    phases and items, source classes (index ids such as ``pci`` aside)."""
    ids = {i for i in meta.indicators()["indicator"] if "_" in i}
    ids |= {"provinces_63", "units_34"}
    ids |= {r["phase_id"] for r in meta.package_rows("programme_phases.csv")}
    ids |= {r["item"] for r in meta.package_rows("programme_items.csv") if "_" in r["item"]}
    ids |= {c for c in meta.source_classes()["class"] if "_" in c}
    return {i for i in ids if i}


RAW_PATTERNS = [
    re.compile(p)
    for p in (
        r"<NA>",
        r"\bnan\b",
        r"\bNaN\b",
        r"\bNone\b",
        r"\\u[0-9a-fA-F]{4}",
        r"\bNaT\b",
        r"\d+\.\d{7,}",  # float noise such as 58.264652000000005
    )
]


@pytest.mark.slow
@pytest.mark.parametrize("report", [r.name for r in REPORTS])
def test_reviewer_text_has_no_raw_values_ids_or_index_columns(project_build, report):
    soup = _reviewer(project_build, report)
    visible = soup.get_text("\n", strip=True)
    found = [p.pattern for p in RAW_PATTERNS if p.search(visible)]
    assert not found, f"{report}: {found}"
    ids = sorted(i for i in _registry_ids() if re.search(rf"\b{re.escape(i)}\b", visible))
    assert not ids, f"{report}: raw ids in the visible text: {ids}"
    assert not soup.select("table.dataframe"), f"{report}: a pandas table (with its index column)"
    assert not soup.select(".jp-InputArea"), f"{report}: code on the reviewer page"


@pytest.mark.slow
@pytest.mark.parametrize("report", [r.name for r in REPORTS])
def test_every_image_has_specific_alt_text(project_build, report):
    images = _reviewer(project_build, report).find_all("img")
    assert images, f"{report}: no figure"
    alts = [img.get("alt", "") for img in images]
    generic = [a for a in alts if not a or a == PLACEHOLDER_ALT or len(a) < 20]
    assert not generic, f"{report}: images without specific alt text: {generic}"
    assert len(set(alts)) == len(alts), f"{report}: two images share an alt text: {alts}"


def _english_fragments() -> set[str]:
    """Literal pieces of the English catalogue that a Vietnamese text cannot contain: from messages
    that differ between the languages, pieces of two words or more and ten characters or more,
    which are not also in the Vietnamese catalogue (names such as "PAR Index" are shared)."""
    en, vi = catalogue("en"), catalogue("vi")
    vi_text = "\n".join(vi.values())
    out = set()
    for key, template in en.items():
        if vi.get(key) == template:
            continue
        for literal, *_ in string.Formatter().parse(template):
            piece = literal.strip(" .,;:()–-")
            if len(piece) >= 10 and " " in piece and piece not in vi_text:
                out.add(piece)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("report", [r.name for r in VIETNAMESE])
def test_a_vietnamese_report_has_no_english_catalogue_text(project_build, report):
    soup = _reviewer(project_build, report)
    text = soup.get_text("\n", strip=True) + "\n" + "\n".join(i.get("alt", "") for i in soup.find_all("img"))
    english = sorted(f for f in _english_fragments() if f in text)
    assert not english, f"{report}: English text in a Vietnamese report: {english}"


@pytest.mark.slow
@pytest.mark.parametrize("report", [r.name for r in REPORTS if r.parameters.get("geography") == "34"])
def test_the_34_unit_report_shows_at_most_34_units_a_year(project_build, report):
    csvs = sorted((project_build.figures / report).glob("*.csv"))
    assert csvs
    for path in csvs:
        data = pd.read_csv(path, dtype=str)
        unit = next((c for c in ("province_code", "province", "unit") if c in data), None)
        if unit is None:
            continue
        per_year = (
            data.groupby("year")[unit].nunique() if "year" in data else pd.Series([data[unit].nunique()])
        )
        assert per_year.max() <= 34, f"{path.name}: {per_year.max()} units in one year"


@pytest.mark.slow
def test_with_code_page_shows_parameters_as_readable_vietnamese(project_build):
    page = (project_build.reports / "html" / "profile_vi_quang_ninh.html").read_text("utf-8")
    visible = _soup(project_build.reports / "html" / "profile_vi_quang_ninh.html").get_text(" ")
    assert "province = 'Quảng Ninh'" in re.sub(r"\s+", " ", visible)
    assert "\\u1ea3" not in page


@pytest.mark.slow
def test_reviewer_page_opens_with_title_and_key_findings_in_its_language(project_build):
    soup = _reviewer(project_build, "rankings_pci_vi")
    title = soup.find("h1").get_text(strip=True)
    assert title.startswith("Xếp hạng PCI")  # the build's title, or the catalogue's default
    assert soup.find("h2").get_text(strip=True) == f"Những điểm chính — {title}"
    findings = soup.find("h2").find_next("ul").get_text("\n", strip=True)
    assert "PCI 2024: Quảng Ninh xếp thứ 2/63 với 73,20 điểm." in findings


@pytest.mark.slow
@pytest.mark.parametrize(
    ("report", "heading", "sentence"),
    [
        (
            "phase_comparison_quang_ninh_vi",
            "Những điểm chính — chương trình chính quyền điện tử của Quảng Ninh",
            "theo nguồn: Tính đến hết năm 2017, 22/22 mục tiêu cơ bản của Đề án đã hoàn thành (đạt 22/22).",
        ),
        (
            "phase_comparison_quang_ninh",
            "Key findings — Quảng Ninh's e-government programme",
            "Quảng Ninh's mean gap to its synthetic control is 5.15 points (5.15 to 6.67 across the "
            "robustness checks), but an effect of the programme is not established",
        ),
    ],
)
def test_the_phase_comparison_opens_with_its_key_findings(project_build, report, heading, sentence):
    soup = _reviewer(project_build, report)
    first = soup.find("h2")
    assert first.get_text(strip=True) == heading  # the first section, before the stages
    assert sentence in first.find_next("ul").get_text(" ", strip=True)


@pytest.mark.slow
def test_index_pages_are_bilingual_link_each_report_to_its_other_language_and_offer_the_data(project_build):
    base = project_build.reports
    english = _soup(base / page_name("en"))
    vietnamese = _soup(base / page_name("vi"))
    assert english.find("h1").get_text() == catalogue("en")["site.title"]
    assert vietnamese.find("h1").get_text() == catalogue("vi")["site.title"]
    assert english.find("a", hreflang="vi")["href"] == "index.vi.html"
    assert vietnamese.find("a", hreflang="en")["href"] == "index.html"
    pairs = other_languages(REPORTS)
    for report in VIETNAMESE:
        counterpart = pairs[report.name]["en"]  # every Vietnamese report has an English version
        for page, shown, other in ((english, counterpart, report), (vietnamese, report, counterpart)):
            card = page.find("article", id=f"r-{shown.name}")
            links = [a["href"] for a in card.find_all("a")]
            assert f"html/{other.name}.reviewer.html" in links, (shown.name, other.name)
    (download,) = [a["href"] for a in english.find("section", id="data").find_all("a")]
    with zipfile.ZipFile(base / download) as archive:
        names = set(archive.namelist())
    assert {
        "indices.csv",
        "coverage.csv",
        "budget.csv",
        "data_dictionary.md",
        "data_dictionary.vi.md",
    } <= names
    assert not any(n.endswith(".parquet") for n in names)


@pytest.mark.slow
def test_the_landing_pages_show_a_finding_and_a_thumbnail_per_report_in_one_order(project_build):
    base = project_build.reports
    order = {}
    pairs = other_languages(REPORTS)
    for lang in ("en", "vi"):
        cards = _soup(base / page_name(lang)).find("main").find_all("article")
        # each card by the name of the report's English edition, to compare the two orders
        order[lang] = [c["id"][2:] if lang == "en" else pairs[c["id"][2:]]["en"].name for c in cards]
        for card in cards:
            finding, image = card.find("p", class_="finding"), card.find("img")
            assert finding is not None and len(finding.get_text()) > 20, card["id"]
            assert image is not None and image["alt"] and (base / image["src"]).exists(), card["id"]
            assert card.find("h3")["lang"] == lang, card["id"]  # every report in the page's language
    assert order["en"] == order["vi"]
    assert set(order["en"]) == {r.name for r in REPORTS if r.parameters.get("lang", "en") == "en"}


def _header_hrefs(page: Path) -> tuple[list[str], str]:
    soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
    header = soup.find("header", class_="egov-site")
    assert header is not None and soup.find("footer", class_="egov-site") is not None, page.name
    return [a["href"] for a in header.find_all("a")], header.get_text(" ", strip=True)


@pytest.mark.slow
@pytest.mark.parametrize("report", [r.name for r in REPORTS])
def test_every_report_page_links_to_the_index_its_other_edition_and_its_downloads(project_build, report):
    (lang,) = {r.parameters.get("lang", "en") for r in REPORTS if r.name == report}
    (twin,) = other_languages(REPORTS)[report].values()
    folder = project_build.reports / "html"
    for page, twin_page in (
        (f"{report}.reviewer.html", f"{twin.name}.reviewer.html"),
        (f"{report}.html", f"{twin.name}.html"),
    ):
        hrefs, words = _header_hrefs(folder / page)
        assert all((folder / href).exists() for href in hrefs), (page, hrefs)
        assert hrefs[0] == f"../{page_name(lang)}" and twin_page in hrefs
        assert f"../data/reports/{report}.zip" in hrefs
        assert re.search(r"(Data: .*editions up to|Số liệu: các kỳ .*đến năm) 20\d\d", words), words


@pytest.mark.slow
@pytest.mark.parametrize("report", [r.name for r in REPORTS])
def test_the_page_title_is_the_reports_title_as_text(project_build, report):
    (title,) = {r.title for r in REPORTS if r.name == report}
    assert _reviewer(project_build, report).find("h1").get_text().rstrip("¶") == title


@pytest.mark.slow
def test_no_csv_of_the_build_holds_a_live_formula(project_build, tmp_path):
    """Every CSV the build wrote (processed tables, each figure's data, the reports' own tables) and
    every CSV inside its downloads."""
    from egov_analysis.csv_safe import live_formulas

    found, scanned = [], 0
    for folder in (project_build.processed, project_build.figures, project_build.reports):
        for path in sorted(folder.rglob("*.csv")):
            found += live_formulas(path)
            scanned += 1
    for archive_path in sorted(project_build.reports.rglob("*.zip")):
        with zipfile.ZipFile(archive_path) as archive:
            for name in (n for n in archive.namelist() if n.endswith(".csv")):
                target = tmp_path / archive_path.stem / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(name))
                found += live_formulas(target)
                scanned += 1
    assert scanned > 50 and found == []


def test_injected_parameters_are_readable_and_still_safe():
    source = ReadablePythonTranslator.codify(
        {"province": "Quảng Ninh", "highlight": ["Đà Nẵng", "x'\"\n__import__('os')\n#"], "year": 2024}
    )
    assert "province = 'Quảng Ninh'" in source and "\\u" not in source
    namespace: dict[str, object] = {}
    exec(source, namespace)  # the values come back exactly, the hostile one as a plain string
    assert namespace["highlight"] == ["Đà Nẵng", "x'\"\n__import__('os')\n#"]
    assert namespace["province"] == "Quảng Ninh" and namespace["year"] == 2024


def test_each_report_is_paired_with_its_other_language_version():
    reports = [
        Report("a", "n.ipynb", "A", {"index": "pci"}),
        Report("a_vi", "n.ipynb", "A vi", {"index": "pci", "lang": "vi"}),
        Report("b", "n.ipynb", "B", {"index": "dti"}),
        Report("c_vi", "other.ipynb", "C", {"index": "pci", "lang": "vi"}),
    ]
    pairs = other_languages(reports)
    assert pairs["a"] == {"vi": reports[1]} and pairs["a_vi"] == {"en": reports[0]}
    assert pairs["b"] == {} and pairs["c_vi"] == {}


def test_the_data_download_is_written_once_per_data_and_byte_identical(project_paths, tmp_path):
    processed = project_paths.processed
    processed.mkdir(parents=True)
    (processed / "indices.csv").write_text("index,year\npci,2024\n", encoding="utf-8")
    (processed / "manifest.json").write_text('{"raw_fingerprint": "1"}', encoding="utf-8")
    download = write_data_zip(project_paths)
    first = download.read_bytes()
    download.unlink()
    assert write_data_zip(project_paths).read_bytes() == first
    with zipfile.ZipFile(download) as archive:
        assert {"indices.csv", "manifest.json", "data_dictionary.md", "datapackage.json"} <= set(
            archive.namelist()
        )
        assert archive.read("indices.csv") == b"index,year\npci,2024\n"


def _chart_records(notebook: Path) -> list[dict]:
    book = nbformat.read(notebook, as_version=4)
    return [
        output["metadata"][CHART_METADATA]
        for cell in book.cells
        for output in cell.get("outputs", [])
        if CHART_METADATA in output.get("metadata", {})
    ]


@pytest.mark.parametrize("name", [r.name for r in REPORTS])
def test_every_chart_of_the_default_set_fits_as_built(name, project_build):
    """Every chart the build drew for a report of the default set (both languages: the set has
    its reports in English and Vietnamese) was measured as its PNG was written: no text overlaps
    another or is cut at the edge. The sweep's charts are checked by tests/test_sweep.py."""
    records = _chart_records(project_build.reports / "notebooks" / f"{name}.ipynb")
    assert records, f"{name} displayed no chart"
    problems = [f"{r['kind']}: {p}" for r in records for p in r["text_problems"]]
    assert not problems, f"{name}: " + "; ".join(problems)
