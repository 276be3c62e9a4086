"""The landing pages and the report pages' header, on a small build made here (the default set as
built is checked in test_reviewer_html.py): reports grouped by question in the same order in both
languages, a finding and a thumbnail per report, the publishers linked, a search list and a
province picker that need no network, every page linked to the index, its other-language edition
and its downloads, parameter text never live markup; and every report of the default set in every
language."""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
import subprocess
import tempfile

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from egov_analysis import config
from egov_analysis.meta.messages import languages
from egov_analysis.reporting import site
from egov_analysis.reporting.contract import load_reports
from egov_analysis.reporting.execute import output_paths
from egov_analysis.reporting.index_page import page_name, with_site_parts, write_index
from egov_analysis.reporting.reports import Report
from egov_analysis.reporting.runner import output_digests

HOSTILE = "<script>alert(1)</script><b>PCI</b>"
REPORTS = [
    Report("phase", "phase_comparison.ipynb", "Programme", {"province": "Quảng Ninh"}),
    Report("rankings_pci", "provincial_rankings.ipynb", HOSTILE, {"index": "pci", "end_year": 2024}),
    Report("profile_quang_ninh", "province_profile.ipynb", "Profile: Quảng Ninh", {"province": "Quảng Ninh"}),
    Report("data_quality", "data_quality.ipynb", "Data quality", {}),
    Report(
        "rankings_pci_vi",
        "provincial_rankings.ipynb",
        "Xếp hạng PCI",
        {"index": "pci", "end_year": 2024, "lang": "vi"},
    ),
    Report(
        "profile_vi_quang_ninh",
        "province_profile.ipynb",
        "Hồ sơ: Quảng Ninh",
        {"province": "Quảng Ninh", "lang": "vi"},
    ),
    Report("phase_vi", "phase_comparison.ipynb", "Chương trình", {"province": "Quảng Ninh", "lang": "vi"}),
]
HEADING = {"en": "Key findings", "vi": "Những điểm chính"}


def _fake_build(paths: config.Paths, report: Report) -> None:
    """What the build leaves for a report: the executed notebook (a findings list, a chart), its
    two pages and its figures (a PNG and its CSV)."""
    out = output_paths(paths, report.name)
    for folder in (out["notebook"].parent, out["html"].parent, out["figures"]):
        folder.mkdir(parents=True, exist_ok=True)
    lang = report.parameters.get("lang", "en")
    findings = f"## {HEADING[lang]} — x\n\n- First finding of {report.name} &lt;b&gt;.\n- Second.\n"
    picture = io.BytesIO()
    Image.new("RGB", (800, 400), (200, 100, 0)).save(picture, format="PNG")
    source = "data:image/png;base64," + base64.b64encode(picture.getvalue()).decode()
    chart = f'<figure class="egov-chart"><img alt="Ranks of &lt;PCI&gt; over time" src="{source}"></figure>'
    cells = [
        {
            "cell_type": "code",
            "outputs": [{"output_type": "display_data", "data": {"text/markdown": findings}, "metadata": {}}],
        },
        {
            "cell_type": "code",
            "outputs": [
                {
                    "output_type": "display_data",
                    "data": {"text/html": chart},
                    "metadata": {"egov_chart": {"kind": "rank_lines"}},
                }
            ],
        },
    ]
    out["notebook"].write_text(json.dumps({"cells": cells}), encoding="utf-8")
    for page in (out["html"], out["reviewer_html"]):
        page.write_text(
            '<html><head></head><body class="jp-Notebook">\n<main>page</main>\n</body>\n</html>\n', "utf-8"
        )
    Image.new("RGB", (800, 400), (200, 100, 0)).save(out["figures"] / "rank_lines.png")
    (out["figures"] / "rank_lines.csv").write_text("province,rank\n=HYPERLINK(1),1\n", encoding="utf-8")


def _write_site(root):
    paths = config.paths(reports=root / "reports", figures=root / "figures", processed=root / "processed")
    state: dict[str, dict[str, object]] = {}
    for report in REPORTS:
        if report.name != "data_quality":  # never built
            _fake_build(paths, report)
            outputs = output_digests(paths, report.name)  # as the build records them
            state[report.name] = {"built_at": "2026-12-01 10:00 UTC", "seconds": 1.5, "outputs": outputs}
    write_index(paths, REPORTS, state, {"phase_vi": "cell 3: boom"})
    return paths, state


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The small build, written once for the tests that only read it."""
    return _write_site(tmp_path_factory.mktemp("site"))


@pytest.fixture
def fresh(tmp_path):
    """The small build, for a test that writes it again."""
    return _write_site(tmp_path)


def _soup(path):
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def test_the_landing_pages_group_reports_by_question_in_the_same_order_in_both_languages(built):
    paths, _ = built
    pages = {lang: _soup(paths.reports / page_name(lang)) for lang in ("en", "vi")}
    order = {
        lang: [s["id"] for s in page.find("main").find_all("section", recursive=False)]
        for lang, page in pages.items()
    }
    assert order["en"] == order["vi"] and order["en"][:4] == ["programme", "rankings", "provinces", "quality"]
    cards = {lang: [a["id"] for a in page.find_all("article")] for lang, page in pages.items()}
    assert cards["en"] == ["r-phase", "r-rankings_pci", "r-profile_quang_ninh", "r-data_quality"]
    assert cards["vi"] == ["r-phase_vi", "r-rankings_pci_vi", "r-profile_vi_quang_ninh", "r-data_quality"]
    only_english = pages["vi"].find("article", id="r-data_quality").get_text(" ")
    assert "Hiện mới có bản tiếng Anh" in only_english and "chưa được tạo" in only_english


def test_each_card_has_its_first_finding_a_thumbnail_its_downloads_and_its_other_edition(built):
    paths, _ = built
    card = _soup(paths.reports / "index.vi.html").find("article", id="r-rankings_pci_vi")
    assert card.find("p", class_="finding").get_text() == "First finding of rankings_pci_vi <b>."
    image = card.find("img")
    assert image["alt"] == "Ranks of <PCI> over time" and image["loading"] == "lazy"
    with Image.open(paths.reports / image["src"]) as thumb:
        assert thumb.width == site.THUMB_WIDTH
    hrefs = {a.get_text(): a["href"] for a in card.find_all("a")}
    assert hrefs["Bản tiếng Anh"] == "html/rankings_pci.reviewer.html"
    assert (paths.reports / hrefs["biểu đồ và số liệu (zip)"]).exists()
    failed = (
        _soup(paths.reports / "index.vi.html").find("article", id="r-phase_vi").find("p", class_="failed")
    )
    assert "cell 3: boom" in failed.get_text()


def test_markup_in_a_title_is_text_on_the_landing_page(built):
    paths, _ = built
    page = _soup(paths.reports / "index.html")
    assert page.find("article", id="r-rankings_pci").find("h3").get_text() == HOSTILE
    scripts = page.find_all("script")
    assert len(scripts) == 2 and "alert" not in scripts[1].get_text()
    assert not [b for b in page.find_all("b") if b.get_text() == "PCI"]
    items = json.loads(page.find("script", id="egov-search-data").get_text())  # the list stays one JSON value
    assert {
        "t": HOSTILE,
        "k": "report",
        "h": "html/rankings_pci.reviewer.html",
        "s": site.fold(HOSTILE),
    } in items


def test_search_list_and_picker_cover_provinces_units_and_reports_offline(built):
    paths, _ = built
    page = _soup(paths.reports / "index.vi.html")
    items = json.loads(page.find("script", id="egov-search-data").get_text())
    quang_ninh = [i for i in items if i["t"] == "Quảng Ninh"]
    # the province has a profile; the unit of 2025 of the same name has none yet
    assert [i["h"] for i in quang_ninh] == ["html/profile_vi_quang_ninh.reviewer.html", ""]
    assert len([i for i in items if i["k"].startswith("tỉnh")]) == 64  # Hà Tây too, to 2008
    assert len([i for i in items if i["k"].startswith("đơn vị")]) == 34
    assert next(i for i in items if i["t"] == "Hà Nội")["s"] == "hanoi ha noi"  # found without diacritics
    assert {i["t"] for i in items if i["k"] == "báo cáo"} >= {"Xếp hạng PCI", "Chương trình"}
    options = [o["value"] for o in page.find("select", id="egov-profile").find_all("option") if o["value"]]
    assert options == ["html/profile_vi_quang_ninh.reviewer.html"]
    html = (paths.reports / "index.vi.html").read_text("utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:)?//(?!pcivietnam|papi|moha|mic|most|dti)""", html)
    assert "<script src" not in html


def test_the_indices_link_their_publishers(built):
    paths, _ = built
    links = {a.get_text(): a["href"] for a in _soup(paths.reports / "index.vi.html").select("ul.indices a")}
    assert links["Liên đoàn Thương mại và Công nghiệp Việt Nam (VCCI) và USAID"] == "https://pcivietnam.vn"
    assert links["Bộ Nội vụ"] == "https://moha.gov.vn"


@pytest.mark.parametrize(
    ("page", "unnamed", "mic", "most"),
    [
        (
            "index.html",
            "publisher not named in any source held (2006)",
            "Ministry of Information and Communications",
            "Ministry of Science and Technology",
        ),
        (
            "index.vi.html",
            "kỳ 2006: chưa rõ đơn vị công bố (không nguồn nào đang lưu nêu tên)",
            "Bộ Thông tin và Truyền thông",
            "Bộ Khoa học và Công nghệ",
        ),
    ],
)
def test_each_named_publisher_has_its_own_link_and_the_unnamed_one_none(built, page, unnamed, mic, most):
    """Review M10/L7: the ICT line was one link to mic.gov.vn spanning "a publisher no source held
    names (2006); the Ministry …", and DTI's two ministries were one link to dti.gov.vn."""
    paths, _ = built
    items = {li.b.get_text(): li for li in _soup(paths.reports / page).select("ul.indices li")}
    ict = next(li for name, li in items.items() if "ICT" in name)
    assert unnamed in ict.get_text(" ", strip=True)
    assert [(a.get_text(), a["href"]) for a in ict.find_all("a")] == [(mic, "https://mic.gov.vn")]
    dti = next(
        li for name, li in items.items() if "Chuyển đổi số" in name or "Digital Transformation" in name
    )
    links = [(a.get_text(), a["href"]) for a in dti.find_all("a")]
    assert [t for t, _ in links] == [mic, most] and len({h for _, h in links}) == 2


def test_an_index_name_that_holds_its_short_name_does_not_repeat_it(built):
    # "Chỉ số Cải cách hành chính (PAR Index) (PAR Index)" read as a slip to a Vietnamese reader
    paths, _ = built
    for page in ("index.html", "index.vi.html"):
        for item in _soup(paths.reports / page).select("ul.indices li"):
            line = item.get_text(" ", strip=True)
            name = item.b.get_text()
            assert not re.search(r"\(([^()]+)\)\s*\(\1\)", line), line
            if "(" in name:  # the short name is already in the bold name: no second bracket
                assert not line[len(name) :].lstrip().startswith("("), line


def test_the_vietnamese_search_example_writes_names_with_their_diacritics(built):
    paths, _ = built
    box = _soup(paths.reports / "index.vi.html").select_one("input[placeholder]")
    assert "Đà Nẵng" in box["placeholder"] and "Da Nang," not in box["placeholder"]


def test_build_times_are_in_the_footer_only(built):
    paths, _ = built
    page = _soup(paths.reports / "index.html")
    assert "10:00" in page.find("footer").get_text() and "10:00" not in page.find("main").get_text()


def test_every_report_page_links_to_the_index_its_other_edition_and_its_downloads(built):
    paths, state = built
    for name, code in (("rankings_pci_vi", False), ("rankings_pci", True)):
        out = output_paths(paths, name)
        page = _soup(out["html"] if code else out["reviewer_html"])
        header = page.find("header", class_="egov-site")
        hrefs = [a["href"] for a in header.find_all("a")]
        for href in hrefs:
            assert (out["html"].parent / href).resolve().exists(), (name, href)
        index = "../index.html" if name == "rankings_pci" else "../index.vi.html"
        twin = "rankings_pci_vi.html" if code else "rankings_pci.reviewer.html"
        assert hrefs[0] == index and twin in hrefs and f"../data/reports/{name}.zip" in hrefs
        assert page.find("footer", class_="egov-site")
    # the build's record of the pages' bytes follows, so an unchanged report does not run again
    assert state["rankings_pci"]["outputs"] == output_digests(paths, "rankings_pci")


def test_a_second_write_replaces_the_header_and_changes_nothing(fresh):
    paths, state = fresh
    page = output_paths(paths, "rankings_pci")["reviewer_html"]
    before = page.read_bytes()
    write_index(paths, REPORTS, state, {"phase_vi": "cell 3: boom"})
    assert page.read_bytes() == before and before.count(b"<!-- egov-site-header -->") == 1


def test_with_site_parts_puts_the_header_after_body_and_the_footer_before_its_end():
    page = with_site_parts(
        "<html><body a=1>\n<main>x</main>\n</body></html>", "<header>H</header>", "<footer>F</footer>"
    )
    assert page == "<html><body a=1>\n<header>H</header><main>x</main>\n<footer>F</footer></body></html>"


def test_every_report_of_the_default_set_exists_in_every_language():
    reports = [
        r
        for r in load_reports(config.paths().root / "reports.toml", config.paths().notebooks)
        if r.set_name == "default"
    ]
    missing = sorted(
        f"{r.name}: no {lang} edition"
        for r, group in ((r, site.editions(reports)[r.name]) for r in reports)
        for lang in languages()
        if lang not in group
    )
    assert missing == []


def test_the_data_cutoff_is_the_latest_edition_held_of_the_reports_index():
    latest = {"pci": 2024, "ict": 2023, "": 2024}
    assert site.cutoff_of(Report("a", "n", "t", {"index": "ict", "end_year": 2023}), latest) == site.Cutoff(
        2023, "ict"
    )
    assert site.cutoff_of(Report("a", "n", "t", {"index": "pci", "end_year": 2016}), latest) == site.Cutoff(
        2016, "pci"
    )
    assert site.cutoff_of(Report("a", "n", "t", {}), latest) == site.Cutoff(2024)
    assert site.cutoff_text(site.Cutoff(2023, "ict"), "vi") == "Số liệu: các kỳ ICT Index đến năm 2023"


@pytest.mark.extended
def test_the_search_box_finds_a_province_without_diacritics_in_a_real_browser(built):
    """Headless Chromium, no network: the page opened with ?q=quang ninh lists the province with a
    link to its profile (the script filters the embedded list as a reader types)."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("SKIPPED LOUDLY: chromium is not installed (apt-get install -y chromium)")
    paths, _ = built
    url = (paths.reports / "index.vi.html").as_uri() + "?q=quang%20ninh"
    with tempfile.TemporaryDirectory() as profile:
        dom = subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                f"--user-data-dir={profile}",
                "--dump-dom",
                url,
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
    hits = BeautifulSoup(dom, "html.parser").find("ul", id="hits")
    links = [(a.get_text(), a["href"]) for a in hits.find_all("a")]
    assert ("Quảng Ninh", "html/profile_vi_quang_ninh.reviewer.html") in links


def test_the_key_finding_a_report_names_comes_before_its_first_sentence(tmp_path):
    from IPython.core.formatters import DisplayFormatter

    from egov_analysis.analysis.findings import Findings

    data, metadata = DisplayFormatter().format(
        Findings("Key findings — x", ["First.", "The key one."], lead=1)
    )
    output = {"output_type": "execute_result", "data": data, "metadata": metadata}
    notebook = tmp_path / "n.ipynb"
    notebook.write_text(json.dumps({"cells": [{"cell_type": "code", "outputs": [output]}]}), "utf-8")
    assert site.first_finding(notebook, "en") == "The key one."
    output["metadata"] = {}
    notebook.write_text(json.dumps({"cells": [{"cell_type": "code", "outputs": [output]}]}), "utf-8")
    assert site.first_finding(notebook, "en") == "First."


def test_an_unchanged_build_reads_no_notebook_and_no_page_again(fresh, monkeypatch):
    """A build with nothing to do stays fast: what the pages took from a report's outputs is kept
    under the digests the build recorded, and pages already carrying their header are not read."""
    from egov_analysis.reporting import index_page

    paths, state = fresh
    write_index(paths, REPORTS, state, {"phase_vi": "cell 3: boom"})

    def refuse(*args, **kwargs):
        raise AssertionError("read again")

    monkeypatch.setattr(site, "first_finding", refuse)
    monkeypatch.setattr(site, "first_chart", refuse)
    monkeypatch.setattr(index_page, "with_site_parts", refuse)
    write_index(paths, REPORTS, state, {"phase_vi": "cell 3: boom"})
    card = _soup(paths.reports / "index.html").find("article", id="r-rankings_pci")
    assert card.find("p", class_="finding").get_text() == "First finding of rankings_pci <b>."
    state["rankings_pci"]["outputs"] = {
        **state["rankings_pci"]["outputs"],
        "notebooks/rankings_pci.ipynb": "new",
    }
    with pytest.raises(AssertionError, match="read again"):  # a report run again is read again
        write_index(paths, REPORTS, state, {})


def test_a_report_in_a_language_with_no_catalogue_keeps_its_last_pages_as_they_were(fresh):
    """Its run fails (test_build): the pages of its last good run stay, byte for byte, and listed."""
    paths, state = fresh
    page = output_paths(paths, "rankings_pci")["reviewer_html"]
    before = page.read_bytes()
    french = Report("rankings_pci", "provincial_rankings.ipynb", "PCI", {"index": "pci", "lang": "fr"})
    write_index(paths, [french, *REPORTS[1:]], state, {"rankings_pci": "cell 1: no catalogue"})
    assert page.read_bytes() == before
    card = _soup(paths.reports / "index.html").find("article", id="r-rankings_pci")
    assert card.find("a")["href"] == "html/rankings_pci.reviewer.html" and "cell 1" in card.get_text()


def test_a_profile_of_the_default_set_is_a_card_once_built_or_tried_a_single_report_always():
    """A build of a few of the 194 profiles lists those it has (not 190 "not built yet" cards); a
    report of its own table keeps its card, which says it was never built."""
    from egov_analysis.reporting.index_page import listed_reports

    grid = "profile_{province_slug}_{lang}"
    built, tried, never = (
        Report(f"profile_{n}_en", "province_profile.ipynb", n, {"province": n}, matrix=grid)
        for n in ("a", "b", "c")
    )
    single = REPORTS[3]  # data_quality, never built
    entries = {
        built.name: site.Entry(built, "provinces", page="html/profile_a_en.reviewer.html"),
        tried.name: site.Entry(tried, "provinces", failed="cell 3: boom"),
        never.name: site.Entry(never, "provinces"),
        single.name: site.Entry(single, "quality"),
    }
    reports = [built, tried, never, single]
    assert listed_reports(reports, entries)[0] == [built, tried, single]
    assert listed_reports(reports)[0] == reports  # without the build's entries: the whole set
