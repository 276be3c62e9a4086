"""A real browser (Debian's headless Chromium, driven by Playwright) on the built reports: every
page of the index loads, every image loads, every link resolves, no console errors. Screenshots
of the index and of one report are written to reports/screenshots/ for people to look at."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from support import shared_build_names

from egov_analysis import config

pytestmark = pytest.mark.extended  # ~30 s: the extended tier (`make test-extended`, CI), not `make test`

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
SCREENSHOTS = config.paths().root / "reports" / "screenshots"
# the flagship reports, in English and Vietnamese: their reviewer pages are photographed
FLAGSHIPS = [
    "phase_comparison_quang_ninh",
    "rankings_pci",
    "rankings_dti",
    "profile_quang_ninh_en",
    "data_quality",
]
VIETNAMESE = {"profile_quang_ninh_en": "profile_quang_ninh_vi"}
SCREENSHOT_PAGES = {
    f"{page}.reviewer.html" for name in FLAGSHIPS for page in (name, VIETNAMESE.get(name, f"{name}_vi"))
}


def _chromium() -> str:
    found = shutil.which("chromium")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip(
            "SKIPPED LOUDLY: chromium is not installed and cannot be installed here (not root or no apt-get)"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900, check=False)
        if done.returncode != 0:
            pytest.skip(f"SKIPPED LOUDLY: installing chromium failed: {done.stderr[-500:]}")
    found = shutil.which("chromium")
    if not found:
        pytest.skip("SKIPPED LOUDLY: chromium still not found after apt-get install")
    return found


@pytest.fixture(scope="module")
def browser():
    executable = _chromium()
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        profile = tempfile.mkdtemp(prefix="chromium-profile-")
        context = p.chromium.launch_persistent_context(
            profile,
            executable_path=executable,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 2000},
        )
        # the network is blocked: a page may load its own folder's files (file://) and nothing else;
        # every other request is refused and remembered (the tests assert there is none)
        context.outside = []  # type: ignore[attr-defined]

        def local_only(route) -> None:
            if route.request.url.startswith(("file:", "data:", "blob:", "about:")):
                route.continue_()
            else:
                context.outside.append(route.request.url)  # type: ignore[attr-defined]
                route.abort()

        context.route("**/*", local_only)
        yield context
        context.close()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def built_reports(project_build) -> Path:
    return project_build.reports  # the default set, built once for the whole test run (conftest)


def _open(context, url: str) -> tuple[object, list[str]]:
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed request: {r.url}"))
    page.goto(url, wait_until="load")
    return page, problems


def _local(url: str) -> Path:
    return Path(unquote(urlparse(url).path))


def test_every_page_image_and_link_of_the_index(browser, built_reports):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    links = []
    for name in ("index.html", "index.vi.html"):  # one index page per language
        page, problems = _open(browser, (built_reports / name).as_uri())
        page.screenshot(path=str(SCREENSHOTS / name.replace(".html", ".png")), full_page=True)
        links += page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        assert problems == [], (name, problems)
        page.close()
    assert len(links) > 40
    for link in links:  # the publishers' sites aside, every link is a file of the build
        assert not link.startswith("file:") or _local(link).exists(), link
    pages = sorted({link for link in links if link.endswith(".html")})
    reports = shared_build_names()  # the default set with a few of its profiles (tests/support.py)
    assert len(pages) == 2 * len(reports) + 2  # every report with and without code, both index pages
    for url in (p for p in pages if "/html/" in p):  # the report pages (the index pages are above)
        report, problems = _open(browser, url)
        images = report.evaluate(
            "() => Array.from(document.images)"
            ".map(i => [i.complete && i.naturalWidth > 0, i.src.slice(0, 30)])"
        )
        assert images, f"no image in {url}"
        assert all(ok for ok, _ in images), (url, images)
        assert problems == [], (url, problems)
        name = url.rsplit("/", 1)[-1]
        if name in SCREENSHOT_PAGES:
            report.screenshot(path=str(SCREENSHOTS / name.replace(".html", ".png")), full_page=True)
        report.close()
    for name in [*SCREENSHOT_PAGES, "index.vi.html"]:
        assert (SCREENSHOTS / name.replace(".html", ".png")).stat().st_size > 10_000, name
    assert browser.outside == []  # no page asked for anything beyond its own files


# a page of each kind of interactive chart: (page, chart kind, a text its tooltip must show)
INTERACTIVE = [
    ("rankings_pci_vi", "rank_lines", "Thứ hạng"),
    ("rankings_pci_vi", "map", "Điểm"),
    ("rankings_dti", "bars", "Score"),
    ("relationships_pci_papi_2016", "scatter", "PAPI"),
    ("profile_unit_da_nang_vi", "rank_lines", "Thứ hạng"),
]


@pytest.mark.parametrize(("name", "kind", "label"), INTERACTIVE)
def test_interactive_charts_draw_offline_and_a_hover_shows_a_value(browser, built_reports, name, kind, label):
    """With the network blocked, the chart is drawn from the vendored scripts (html/vendor/), no
    request leaves the page, and pointing at a mark shows its values (the tooltip)."""
    page, problems = _open(browser, (built_reports / "html" / f"{name}.reviewer.html").as_uri())
    figure = page.locator(f'figure.egov-interactive[data-kind="{kind}"]').first
    figure.locator("svg").first.wait_for(state="visible", timeout=15_000)
    figure.scroll_into_view_if_needed()
    marks = figure.locator("svg .role-mark path, svg .role-mark circle")
    assert marks.count() > 0, f"{name}: no mark drawn in the {kind} chart"
    shown = ""
    for i in range(min(marks.count(), 40)):  # the first marks that take a pointer (a gap has none)
        mark = marks.nth(i)
        if not mark.is_visible():
            continue
        mark.hover(force=True)
        page.wait_for_timeout(150)
        tooltip = page.locator("#vg-tooltip-element")
        if tooltip.count() and tooltip.is_visible():
            shown = tooltip.inner_text()
            break
    assert label in shown and any(ch.isdigit() for ch in shown), (name, kind, shown)
    picker = figure.locator("select").first
    assert picker.count() == 1  # the province (or year) picker
    assert problems == [], (name, problems)
    assert browser.outside == [], browser.outside
    page.close()
