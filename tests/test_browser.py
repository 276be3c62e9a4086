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
    index = built_reports / "index.html"
    page, problems = _open(browser, index.as_uri())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "index.png"), full_page=True)
    links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    assert problems == []
    assert len(links) > 40
    for link in links:
        assert _local(link).exists(), link
    pages = sorted({link for link in links if link.endswith(".html")})
    assert len(pages) == 28  # 14 reports, with and without code
    for url in pages:
        report, problems = _open(browser, url)
        images = report.evaluate(
            "() => Array.from(document.images)"
            ".map(i => [i.complete && i.naturalWidth > 0, i.src.slice(0, 30)])"
        )
        assert images, f"no image in {url}"
        assert all(ok for ok, _ in images), (url, images)
        assert problems == [], (url, problems)
        if url.endswith("phase_comparison_quang_ninh.reviewer.html"):
            report.screenshot(path=str(SCREENSHOTS / "phase_comparison_quang_ninh.png"), full_page=True)
        report.close()
    assert (SCREENSHOTS / "phase_comparison_quang_ninh.png").stat().st_size > 10_000
