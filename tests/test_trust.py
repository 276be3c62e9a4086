"""Trust: the same answer twice, a killed build leaves readable outputs, data text is escaped."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from egov_analysis import config
from egov_analysis.clean.run import clean
from egov_analysis.reporting.contract import load_reports
from egov_analysis.reporting.execute import output_paths
from egov_analysis.reporting.runner import build

PROJECT_REPORTS = config.paths().root / "reports.toml"


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def test_two_cleans_give_byte_identical_processed_files_and_never_write_the_raw_data(
    tmp_path, real_processed
):
    """A clean of its own against the session's (conftest ``real_processed``): the published
    versions, not the caches that reports add beside them; the raw files keep their times."""
    raw = config.paths().raw
    times = {p: p.stat().st_mtime_ns for p in raw.rglob("*") if p.is_file()}
    clean(config.paths(processed=tmp_path / "a"))
    assert {p: p.stat().st_mtime_ns for p in raw.rglob("*") if p.is_file()} == times
    a, b = (
        {name: data for name, data in files_of(folder).items() if name.startswith(".versions/")}
        for folder in (tmp_path / "a", real_processed.processed)
    )
    assert a == b and len(a) > 20


@pytest.mark.extended  # two builds of four reports
def test_two_builds_give_byte_identical_figures_and_pages(tmp_path, project_build):
    """A second build of two reports of the default set (and their other-language editions, which
    their page headers link), compared with the session's build."""
    from egov_analysis.reporting.index_page import other_languages

    names = ["profile_unit_da_nang_vi", "data_quality"]  # a unit: its interactive chart too
    editions = other_languages(load_reports(PROJECT_REPORTS, config.paths().notebooks))
    names += [r.name for name in list(names) for r in editions.get(name, {}).values()]
    paths = project_build.with_overrides(reports=tmp_path / "reports", figures=tmp_path / "figures")
    result = build(paths, PROJECT_REPORTS, jobs=2, only=names, force=True, progress=False)
    assert not result.failures
    for name in names:
        first, second = output_paths(project_build, name), output_paths(paths, name)
        svgs = [
            {k: v for k, v in files_of(out["figures"]).items() if k.endswith(".svg")}
            for out in (first, second)
        ]
        assert svgs[0] == svgs[1] and len(svgs[0]) >= 1, name
        for page in ("html", "reviewer_html"):
            assert first[page].read_bytes() == second[page].read_bytes(), (
                f"{name} {page} differs between builds"
            )


def _report_is_whole(paths: config.Paths, name: str) -> bool:
    out = output_paths(paths, name)
    if not out["notebook"].exists():
        return False
    notebook = json.loads(out["notebook"].read_text("utf-8"))
    pngs = list(out["figures"].glob("*.png"))
    return (
        out["html"].stat().st_size > 0
        and out["reviewer_html"].stat().st_size > 0
        and bool(notebook["cells"])
        and all(p.with_suffix(".csv").exists() for p in pngs)
    )


@pytest.mark.extended  # five reports, killed, then built again (test_faults kills a build in `make test`)
def test_a_build_killed_part_way_leaves_readable_outputs_and_the_next_completes(tmp_path, real_processed):
    paths = real_processed.with_overrides(reports=tmp_path / "reports", figures=tmp_path / "figures")
    reports_file = tmp_path / "reports.toml"  # five of the quickest plain reports
    quick = ("profile_", "relationships_", "data_quality", "rankings_egov_mic")
    text = PROJECT_REPORTS.read_text("utf-8")
    tables = [part.split("[[matrix]]")[0] for part in text.split("[[report]]")[1:]]  # plain reports only
    kept = [part for part in tables if part.split('"')[1].startswith(quick)][:5]
    reports_file.write_text("".join(f"[[report]]{part}" for part in kept), encoding="utf-8")
    env = {
        **os.environ,
        "EGOV_REPORTS_DIR": str(paths.reports),
        "EGOV_FIGURES_DIR": str(paths.figures),
        "EGOV_PROCESSED_DIR": str(paths.processed),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "egov_analysis",
            "build",
            "--quiet",
            "-j",
            "2",
            "--reports-file",
            str(reports_file),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    notebooks = paths.reports / "notebooks"
    while time.monotonic() < deadline and len(list(notebooks.glob("*.ipynb"))) < 3:
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)  # the build and every kernel it started
    process.wait()
    reports = load_reports(reports_file, config.paths().notebooks)
    assert len(reports) == 5
    published = [r.name for r in reports if output_paths(paths, r.name)["notebook"].exists()]
    assert 3 <= len(published) < len(reports)
    assert all(_report_is_whole(paths, name) for name in published)
    (paths.reports / ".build.lock").unlink(missing_ok=True)  # filelock leaves the file, not the lock
    result = build(paths, reports_file, jobs=2, progress=False)
    assert not result.failures
    assert all(_report_is_whole(paths, r.name) for r in reports)
    assert set(result.skipped) >= set(published) - {r.name for r in result.ran}


def test_text_from_the_data_is_escaped_in_the_html(tmp_path):
    raw = tmp_path / "raw"  # the hostile row and the map outlines the index page draws: a fast clean
    shutil.copytree(config.paths().raw / "geo", raw / "geo")
    hostile = raw / "sipas" / "zz_hostile_note.csv"
    hostile.parent.mkdir()
    hostile.write_text(
        "year,province,indicator,score,rank,source_url,note\n"
        "2025,Quảng Ninh,overall,99,1,https://example-news.vn/x,\"<script>alert('xss')</script>\"\n".replace(
            "2025", "2024"
        ),
        encoding="utf-8",
    )
    paths = config.paths(
        raw=raw, processed=tmp_path / "processed", reports=tmp_path / "reports", figures=tmp_path / "figures"
    )
    reports_file = tmp_path / "reports.toml"
    reports_file.write_text(
        '[[report]]\nname = "profile"\nnotebook = "province_profile.ipynb"\n'
        'parameters = { province = "Quảng Ninh" }\n',
        encoding="utf-8",
    )
    result = build(paths, reports_file, jobs=1, progress=False)
    assert not result.failures, result.failures
    for page in ("profile.html", "profile.reviewer.html"):
        text = (paths.reports / "html" / page).read_text("utf-8")
        assert "<script>alert(" not in text
    # the publisher's note is shown, escaped, in the researchers' cell of the with-code page
    assert "&lt;script&gt;alert(" in (paths.reports / "html" / "profile.html").read_text("utf-8")


@pytest.mark.parametrize("source", ["import egov_analysis", "import egov_analysis.provinces"])
def test_import_loads_no_plotting_and_no_pandas(source):
    # what keeps `import egov_analysis` fast; the time itself is not asserted (machines differ)
    code = f"import sys; {source}; print('matplotlib' in sys.modules, 'pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    plotting, pandas = out.stdout.split()
    assert plotting == "False" and pandas == "False"
