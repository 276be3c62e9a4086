"""The whole atlas as `make reports` builds it (issue 18), in the extended tier: every one of the 194
profiles runs and draws every chart without overlapping or clipped text, every link between the
site's pages resolves, and two builds of the same inputs write the same bytes. `make test` builds a
few profiles only (tests/support.py); this builds them all (~15 minutes on 2 cores)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from egov_analysis import config
from egov_analysis.reporting.contract import load_reports
from egov_analysis.reporting.reports import select
from egov_analysis.reporting.runner import build

pytestmark = pytest.mark.extended

REPORTS_FILE = config.paths().root / "reports.toml"
HREF = re.compile(r'href="([a-z0-9_]+\.reviewer\.html)"( hreflang="[a-z]+")?')


def _profiles() -> list[str]:
    return [
        r.name
        for r in select(load_reports(REPORTS_FILE, config.paths().notebooks))
        if r.name.startswith("profile_")
    ]


@pytest.fixture(scope="module")
def atlas(tmp_path_factory, real_processed):
    root = tmp_path_factory.mktemp("atlas")
    paths = real_processed.with_overrides(reports=root / "reports", figures=root / "figures")
    result = build(paths, REPORTS_FILE, jobs=2, only=_profiles(), progress=False)
    return paths, result


def test_every_profile_runs_and_fits(atlas):
    _, result = atlas
    assert len(_profiles()) == 194
    assert not result.failures, [(o.name, o.error.splitlines()[0]) for o in result.failures]
    assert sorted(o.name for o in result.ran) == sorted(_profiles())
    assert result.warnings == []


def test_every_link_between_profiles_resolves(atlas):
    paths, _ = atlas
    pages = sorted((paths.reports / "html").glob("profile_*.reviewer.html"))
    assert len(pages) == 194
    for page in pages:
        lang = page.name.removesuffix(".reviewer.html").rsplit("_", 1)[1]
        for href, other_edition in HREF.findall(page.read_text("utf-8")):
            assert (page.parent / href).is_file(), (page.name, href)
            if not other_edition:  # the header's link to the other-language edition is meant to cross
                assert href.removesuffix(".reviewer.html").endswith(f"_{lang}"), (page.name, href)


SAMPLE = ["profile_unit_da_nang_vi", "rankings_pci_vi", "rankings_dti", "relationships_pci_papi_2016"]


def _pages(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted((root / "html").rglob("*"))
        if p.is_file()
    }


def test_two_builds_of_the_same_inputs_write_the_same_pages(tmp_path, real_processed):
    built = []
    for name in ("first", "second"):
        paths = real_processed.with_overrides(
            reports=tmp_path / name / "reports", figures=tmp_path / name / "figures"
        )
        result = build(paths, REPORTS_FILE, jobs=2, only=SAMPLE, progress=False)
        assert not result.failures
        built.append(_pages(paths.reports))
    assert built[0].keys() == built[1].keys() and any(k.startswith("html/vendor/") for k in built[0])
    different = [k for k in built[0] if built[0][k] != built[1][k]]
    assert different == []
