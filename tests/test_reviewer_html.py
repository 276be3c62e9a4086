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
from support import shared_build_names

from egov_analysis import config, meta
from egov_analysis import formatting as fmt
from egov_analysis.analysis import quality
from egov_analysis.datasets import load
from egov_analysis.meta.messages import catalogue
from egov_analysis.meta.messages import text as message
from egov_analysis.plots.chart import CHART_METADATA
from egov_analysis.plots.footer import third_party_line
from egov_analysis.reporting.contract import load_reports
from egov_analysis.reporting.index_page import other_languages, page_name, report_lang, write_data_zip
from egov_analysis.reporting.readable_parameters import ReadablePythonTranslator
from egov_analysis.reporting.reports import Report
from egov_analysis.tables import site_name

pytestmark = pytest.mark.pages  # the extended tier runs them again on the whole default set

BUILT = set(shared_build_names())  # once: each call reads the reports file
REPORTS = [  # what the session fixture builds: a sample of the default set, or all of it (support.py)
    r for r in load_reports(config.paths().root / "reports.toml", config.paths().notebooks) if r.name in BUILT
]
VIETNAMESE = [r for r in REPORTS if r.parameters.get("lang") == "vi"]
PAIRED = [r for r in REPORTS if other_languages(REPORTS)[r.name]]  # both editions built
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


# --- every number says what it is (issue 22): the rules of tests/test_words.py, on the built pages ---

# "publishes 14 of 63" / "14/63 được công bố": a count of units next to "publish" in one clause.
# A count of units is "k of n" / "k/n" with n a number of units (up to 3 digits); a date is not one:
# "công bố tháng 10/2025" (month/year) or "ngày 1/3/2025" (day/month/year) says when, not how many.
_K_OF_N = r"(?<![/\d])(?<!tháng )\b\d+\s*{sep}\s*\d{{1,3}}\b(?!/)"
HELD_AS_PUBLISHED = [
    re.compile(p, re.I)
    for p in (
        r"\bpublish\w*\b[^.;:()\n]*" + _K_OF_N.format(sep="(of|/)"),
        _K_OF_N.format(sep="of") + r"[^.;:()\n]*\bpublish",
        r"công bố[^.;:()\n]*" + _K_OF_N.format(sep="(/|trên)"),
        _K_OF_N.format(sep="(/|trên)") + r"[^.;:()\n]*công bố",
    )
]


@pytest.mark.parametrize(
    ("sentence", "held_as_published"),
    [
        ("PCI 2024 publishes 14 of 63 units", True),
        ("VCCI published 14/63 provinces in 2024", True),
        ("14 of 63 units published", True),
        ("PCI 2024: VCCI công bố 14/63 tỉnh", True),
        ("PAR Index 2023 công bố 7 trên 63 tỉnh", True),
        ("14/63 tỉnh được công bố", True),
        ("DTI 2024 do Bộ Khoa học và Công nghệ công bố tháng 10/2025 (Bộ hợp nhất từ ngày 1/3/2025)", False),
        ("DTI 2024 was published in October 2025 for the 63 provinces and the 34 units", False),
        ("công bố ngày 1/3/2025 cho 63 tỉnh", False),
    ],
)
def test_the_held_as_published_rule_tells_a_count_from_a_date(sentence, held_as_published):
    """The rule catches a held count written as published, and leaves a publisher's release date."""
    assert any(p.search(sentence) for p in HELD_AS_PUBLISHED) is held_as_published


COUNTS = {  # a partial year's count as the findings and the chart footers write it
    "en": [re.compile(r"\b(\d+) of (\d+) in (\d{4})\b"), re.compile(r"\b(\d{4}): (\d+) of (\d+)\b")],
    "vi": [re.compile(r"\b(\d{4}): (\d+)/(\d+)\b")],
}
BARE_PERSON = re.compile(r"(?<!TP\. )(?<!phố )Hồ Chí Minh(?! City)")


def _page_texts(paths: config.Paths, name: str) -> list[str]:
    """What a reader of the page meets: its visible text, its images' alt texts and the text drawn
    in its figures (matplotlib writes each drawn text as a comment of the SVG)."""
    soup = _reviewer(paths, name)
    texts = [soup.get_text("\n", strip=True), *(img.get("alt", "") for img in soup.find_all("img"))]
    for svg in sorted((paths.figures / name).glob("*.svg")):
        texts += re.findall(r"<!-- (.*?) -->", svg.read_text("utf-8"), flags=re.S)
    return texts


@pytest.mark.slow
@pytest.mark.parametrize("report", [r.name for r in REPORTS])
def test_no_page_says_the_publisher_published_what_the_project_holds(project_build, report):
    texts = _page_texts(project_build, report)
    wrong = sorted({m.group(0) for t in texts for p in HELD_AS_PUBLISHED for m in p.finditer(t)})
    assert not wrong, f"{report}: {wrong}"
    bare = sorted({t[max(0, m.start() - 30) : m.end() + 10] for t in texts for m in BARE_PERSON.finditer(t)})
    assert not bare, f"{report}: the city named as the person: {bare}"


@pytest.mark.slow
@pytest.mark.parametrize("report", [r.name for r in REPORTS if r.name.startswith("rankings_")])
def test_a_page_gives_one_count_per_year_of_a_list_held(project_build, report):
    """A rankings page is about one index: each year's count of units held is one number."""
    lang = next(r for r in REPORTS if r.name == report).parameters.get("lang", "en")
    counts: dict[tuple[str, str], set[str]] = {}
    for text in _page_texts(project_build, report):
        for pattern in COUNTS[lang]:
            for m in pattern.finditer(text):
                k, n, year = (m.group(1), m.group(2), m.group(3)) if len(m.group(1)) < 4 else m.group(2, 3, 1)
                counts.setdefault((year, n), set()).add(k)
    twice = {key: ks for key, ks in counts.items() if len(ks) > 1}
    assert not twice, f"{report}: two counts for one year: {twice}"


@pytest.mark.slow
@pytest.mark.parametrize("report", [r.name for r in REPORTS])
def test_a_page_with_computed_values_marks_them_and_explains_the_mark_once(project_build, report):
    lang = next(r for r in REPORTS if r.name == report).parameters.get("lang", "en")
    legend = catalogue(lang)["tables.computed_legend"]
    visible = _reviewer(project_build, report).get_text("\n", strip=True)
    marks = visible.replace(legend, "").replace(catalogue(lang)["site.footer_note"], "")  # it names the mark
    if "†" in marks:  # one mark, one legend sentence per page, in the page's language
        assert visible.count(legend) == 1, f"{report}: the legend {visible.count(legend)} times"
    other = catalogue("vi" if lang == "en" else "en")["tables.computed_legend"]
    assert other not in visible, f"{report}: the legend of the other language"
    if report.startswith("rankings_papi"):  # ranks computed from complete score lists
        assert "†" in marks, f"{report}: computed PAPI ranks without the mark"


@pytest.mark.slow
def test_no_figure_of_the_build_prints_raw_mathtext(project_build):
    svgs = sorted(project_build.figures.rglob("*.svg"))
    assert svgs
    math = re.compile(r"mathdefault|\$[^$<>]*[\\^_{}][^$<>]*\$")  # "$\mathdefault{10^{4}}$", not "US$"
    raw = [str(p) for p in svgs if math.search(p.read_text("utf-8"))]
    assert not raw, raw


@pytest.mark.slow
@pytest.mark.parametrize("report", [r.name for r in REPORTS if r.name.startswith("relationships_")])
def test_a_correlation_on_the_page_carries_its_uncertainty(project_build, report):
    visible = _reviewer(project_build, report).get_text("\n", strip=True)
    assert re.search(r"r = -?\d[.,]\d+ \([^)]*p [=<] \d", visible), f"{report}: a bare correlation"


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
    page = (project_build.reports / "html" / "profile_quang_ninh_vi.html").read_text("utf-8")
    visible = _soup(project_build.reports / "html" / "profile_quang_ninh_vi.html").get_text(" ")
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


PHASE_KEY_FINDINGS = {  # the first heading and a sentence under it, per edition
    "phase_comparison_quang_ninh_vi": (
        "Những điểm chính — chương trình chính quyền điện tử của Quảng Ninh",
        "theo nguồn: Tính đến hết năm 2017, 22/22 mục tiêu cơ bản của Đề án đã hoàn thành.",
    ),
    "phase_comparison_quang_ninh": (
        "Key findings — Quảng Ninh's e-government programme",
        "Quảng Ninh's mean gap to its synthetic control is 5.15 points (5.15 to 6.67 across the "
        "robustness checks), but an effect of the programme is not established",
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("report", "heading", "sentence"),
    [(r.name, *PHASE_KEY_FINDINGS[r.name]) for r in REPORTS if r.name in PHASE_KEY_FINDINGS],
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
    assert [r for r in VIETNAMESE if r in PAIRED]  # the sample builds a pair (tests/support.py)
    for report in (r for r in VIETNAMESE if r in PAIRED):
        counterpart = pairs[report.name]["en"]
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
    """Every report built shows its finding and thumbnail; the landing pages list the reports of
    the reports file (a sample's unbuilt ones too) in one order in both languages."""
    base = project_build.reports
    order = {}
    every = load_reports(config.paths().root / "reports.toml", config.paths().notebooks)
    pairs = other_languages(every)
    built = {r.name for r in REPORTS}
    by_name = {r.name: r for r in every}
    for lang in ("en", "vi"):
        cards = _soup(base / page_name(lang)).find("main").find_all("article")
        # each card by the name of the report's English edition, to compare the two orders
        names = [c["id"][2:] for c in cards]
        order[lang] = [n if report_lang(by_name[n]) == "en" else pairs[n]["en"].name for n in names]
        for card, name in zip(cards, names, strict=True):
            # a report in the page's language; another edition only where that one was not built
            # (a profile of the sample: the landing page lists the profiles built)
            shown = report_lang(by_name[name])
            assert card.find("h3")["lang"] == shown, card["id"]
            assert shown == lang or pairs[name][lang].name not in built, card["id"]
            if name not in built:
                continue
            finding, image = card.find("p", class_="finding"), card.find("img")
            assert finding is not None and len(finding.get_text()) > 20, card["id"]
            assert image is not None and image["alt"] and (base / image["src"]).exists(), card["id"]
    assert order["en"] == order["vi"]
    assert set(order["en"]) >= {r.name for r in REPORTS if r.parameters.get("lang", "en") == "en"}


def _header_hrefs(page: Path) -> tuple[list[str], str]:
    soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
    header = soup.find("header", class_="egov-site")
    assert header is not None and soup.find("footer", class_="egov-site") is not None, page.name
    return [a["href"] for a in header.find_all("a")], header.get_text(" ", strip=True)


@pytest.mark.slow
@pytest.mark.parametrize("report", [r.name for r in PAIRED])
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


def _table_rows(soup: BeautifulSoup, title: str) -> list[list[str]]:
    """The body cells of the page's table titled ``title`` (a Great Tables heading)."""
    tables = [
        t
        for t in soup.find_all("table")
        if (h := t.find(class_="gt_title")) and h.get_text(strip=True) == title
    ]
    assert len(tables) == 1, f"{len(tables)} tables titled {title!r}"
    return [
        [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        for tr in tables[0].find("tbody").find_all("tr")
    ]


@pytest.mark.slow
@pytest.mark.parametrize("report", [r.name for r in REPORTS if r.notebook == "data_quality.ipynb"])
def test_the_data_quality_page_shows_the_source_classes_and_the_losses(project_build, report):
    """Issue 17: the data-quality page, in each language, says how many values of each index come
    from each class of source (third-party compilations named as such) and lists every value left
    out for a refused source with its host — its numbers those of quality.sources_by_class and
    quality.losses on the build's own data."""
    lang = next(r for r in REPORTS if r.name == report).parameters.get("lang", "en")
    soup = _reviewer(project_build, report)
    visible = soup.get_text("\n", strip=True)
    headings = [h.get_text(strip=True) for h in soup.find_all("h2")]
    by_class = quality.sources_by_class(load("indices", project_build))
    assert message("reporting.heading.source_classes", lang) in headings
    shown = _table_rows(soup, message("reporting.table.source_classes", lang))
    expected = [
        [
            fmt.display_name("index", r.index, lang),
            fmt.display_name("source_class", r.source_class, lang),
            fmt.year_span(r.years, lang),
            fmt.number(r.values, lang),
        ]
        for r in by_class.itertuples(index=False)
    ]
    assert [row[:4] for row in shown] == expected
    third_party = by_class[by_class["source_class"].eq("third_party_compilation")]
    assert len(third_party) > 0  # the PAPI and PCI compilations, the DTI copy, the hub previews
    assert "github.com/hnks-gh/ml-mcdm" in " ".join(row[5] for row in shown)
    assert fmt.number(int(third_party["values"].sum()), lang) in visible
    for r in third_party.itertuples(index=False):  # each named as a compilation, with its years
        for publisher, years in meta.edition_publishers(r.index, lang, r.years).items():  # per edition
            assert (
                third_party_line(fmt.display_name("index", r.index, lang), years, publisher, lang) in visible
            )
    assert fmt.number(int(by_class["values"].sum()), lang) in visible

    lost = quality.losses(load("lost_values", project_build))
    assert message("reporting.heading.lost_values", lang) in headings
    rows = _table_rows(soup, message("reporting.table.lost_values", lang))
    assert len(rows) == len(lost) > 0
    assert [row[5] for row in rows] == [site_name(u) for u in lost["source_url"]]
    assert all(host in row[6] for host, row in zip(lost["host"], rows, strict=True))  # why, naming the host
    assert (
        message(
            "reporting.text.lost_values_intro",
            lang,
            values=fmt.number(len(lost), lang),
            hosts=fmt.number(lost["host"].nunique(), lang),
        )
        in visible
    )
