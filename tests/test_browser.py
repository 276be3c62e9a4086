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

from egov_analysis import config
from egov_analysis.reporting.contract import load_reports

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
    "profile_quang_ninh",
    "data_quality",
]
VIETNAMESE = {"profile_quang_ninh": "profile_vi_quang_ninh"}  # the sweep owns profile_quang_ninh_vi
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
    reports = [
        r
        for r in load_reports(config.paths().root / "reports.toml", config.paths().notebooks)
        if r.set_name == "default"
    ]
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
