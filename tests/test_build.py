"""The build: notebooks under papermill with non-default parameters, failures, the index page,
incremental re-runs, the lock, and hostile parameters."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from egov_analysis import config
from egov_analysis.reporting.contract import load_reports
from egov_analysis.reporting.reports import ReportsFileError
from egov_analysis.reporting.runner import LOCK_FILE, BuildLockedError, build

NOTEBOOKS = [
    "phase_comparison",
    "provincial_rankings",
    "province_profile",
    "index_relationships",
    "data_quality",
]
HOSTILE = '__import__("os").system("touch {marker}")'
PHASE = "phase_da_nang"

REPORTS = """
[[report]]
name = "{phase}"
title = "Phases, Đà Nẵng, 2020 prices"
notebook = "phase_comparison.ipynb"
parameters = {{ province = "Đà Nẵng", base_year = 2020, lang = "vi" }}

[[report]]
name = "rankings_papi_vi"
title = "PAPI ranks in Vietnamese"
notebook = "provincial_rankings.ipynb"
[report.parameters]
index = "papi"
start_year = 2019  # two years: the parameters honoured at a small cost
end_year = 2020
highlight = ["Đà Nẵng", "Hai Phong"]
top_n = 5
lang = "vi"

[[report]]
name = "rankings_dti_34"
title = "DTI on the 34 units"
notebook = "provincial_rankings.ipynb"
parameters = {{ index = "dti", start_year = 2022, end_year = 2024, geography = "34" }}

[[report]]
name = "profile_can_tho"
title = "Cần Thơ"
notebook = "province_profile.ipynb"
parameters = {{ province = "TP. Cần Thơ" }}

[[report]]
name = "dti_vs_pci_2022"
title = "DTI and PCI 2022"
notebook = "index_relationships.ipynb"
parameters = {{ x_index = "dti", y_index = "pci", year = 2022, highlight = ["Đà Nẵng"] }}

[[report]]
name = "quality_vi"
title = "Data quality"
notebook = "data_quality.ipynb"
parameters = {{ lang = "vi" }}

[[report]]
name = "hostile"
title = "A hostile parameter <script>alert(1)</script>"
notebook = "province_profile.ipynb"
parameters = {{ province = '{hostile}' }}

[[report]]
name = "hostile_quotes"
title = "Quotes and newlines"
notebook = "province_profile.ipynb"
parameters = {{ province = "x'\\"\\n__import__('os').system('touch {marker}2')\\n#" }}
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory, real_processed) -> tuple[config.Paths, Path, object, Path]:
    root = tmp_path_factory.mktemp("build")
    marker = root / "pwned"
    reports_file = root / "reports.toml"
    reports_file.write_text(
        REPORTS.format(hostile=HOSTILE.format(marker=marker), marker=marker, phase=PHASE), encoding="utf-8"
    )
    paths = real_processed.with_overrides(reports=root / "reports", figures=root / "figures")
    only = [r.name for r in load_reports(reports_file, config.paths().notebooks) if r.name not in left_out()]
    result = build(paths, reports_file, jobs=1, only=only, progress=False)  # a second worker: ~3.5 CPU-s
    return paths, reports_file, result, marker


def left_out() -> tuple[str, ...]:
    """The reports of :data:`REPORTS` that only the extended tier builds: the phase report of
    another province (a synthetic control of its own, ~30 CPU-s of `make test`'s five minutes), and
    three whose notebooks the shared build runs (conftest; tests/test_plots.py draws the 34 units)."""
    import support

    return () if support.EXTENDED else (PHASE, "dti_vs_pci_2022", "quality_vi", "rankings_dti_34")


def test_every_report_but_the_hostile_one_runs(built):
    _, _, result, _ = built
    assert sorted(o.name for o in result.ran if o.ok) == sorted(
        name
        for name in [
            PHASE,
            "rankings_papi_vi",
            "rankings_dti_34",
            "profile_can_tho",
            "dti_vs_pci_2022",
            "quality_vi",
        ]
        if name not in left_out()
    )
    assert sorted(f.name for f in result.failures) == ["hostile", "hostile_quotes"]
    for failure in result.failures:
        assert failure.error.startswith("cell") and "UnknownProvinceError" in failure.error


def test_hostile_parameters_arrive_as_plain_strings(built):
    paths, _, _, marker = built
    assert not marker.exists() and not Path(f"{marker}2").exists()  # the text was never executed
    failed = json.loads((paths.reports / "notebooks" / "hostile.failed.ipynb").read_text("utf-8"))
    injected = next(c for c in failed["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
    source = "".join(injected["source"])
    assert source.startswith("# Parameters\nprovince = '__import__(") or source.startswith(
        '# Parameters\nprovince = "__import__('
    )  # a string literal, not code


def test_parameters_are_honoured(built):
    paths, _, _, _ = built
    figures = paths.figures
    papi = pd.read_csv(figures / "rankings_papi_vi" / "rank_lines.csv")
    assert set(papi["index"]) == {"papi"} and set(papi["year"]) == {2019, 2020}
    assert {"48", "31"} <= set(papi["province_code"].astype(str).str.zfill(2))
    svg = (figures / "rankings_papi_vi" / "rank_lines.svg").read_text("utf-8")
    assert "Thứ hạng" in svg or "Th" in svg  # Vietnamese axis label (glyphs drawn as paths)
    profile = json.loads((paths.reports / "notebooks" / "profile_can_tho.ipynb").read_text("utf-8"))
    assert "Cần Thơ" in json.dumps(profile, ensure_ascii=False)


@pytest.mark.extended  # see left_out
def test_the_34_units_of_2025_are_mapped(built):
    units = pd.read_csv(built[0].figures / "rankings_dti_34" / "map_34.csv", dtype={"province_code": str})
    assert len(units) == 34 and set(units["value_basis"]) == {"published"}


@pytest.mark.extended  # see left_out
def test_a_relationship_of_other_indices_and_year_is_honoured(built):
    scatter = pd.read_csv(built[0].figures / "dti_vs_pci_2022" / "scatter.csv")
    assert len(scatter) == 63  # PCI 2022 complete with the 2016-2022 panel; DTI 2022 is complete


@pytest.mark.extended  # see left_out
def test_the_phase_report_honours_its_province_and_base_year(built):
    figures = built[0].figures
    phases = pd.read_csv(figures / PHASE / "pci_ranks_phases.csv", dtype={"province_code": str})
    assert set(phases.loc[phases["role"].eq("province"), "province_code"]) == {"48"}
    budget = pd.read_csv(figures / PHASE / "budget_per_phase.csv")
    assert set(budget["base_year"]) == {2020}
    reviewer = (built[0].reports / "html" / f"{PHASE}.reviewer.html").read_text("utf-8")
    assert '<a href="../index.vi.html">' in reviewer  # a Vietnamese page links to its language's index


def test_every_figure_has_png_svg_csv_and_a_footer(built):
    paths, _, result, _ = built
    pngs = sorted(paths.figures.glob("*/*.png"))
    # every report that ran drew a figure (the 34-unit DTI report: one ranked year, no rank lines)
    assert {o.name for o in result.ran if o.ok} == {p.parent.name for p in pngs}
    assert len(pngs) >= 6
    for png in pngs:
        assert png.with_suffix(".svg").exists() and png.with_suffix(".csv").exists()
        svg = png.with_suffix(".svg").read_text("utf-8")
        assert "<dc:date>" not in svg  # no date in the figure metadata


def test_html_with_and_without_code_needs_no_network(built):
    paths, _, _, _ = built
    page = (paths.reports / "html" / "profile_can_tho.html").read_text("utf-8")
    reviewer = (paths.reports / "html" / "profile_can_tho.reviewer.html").read_text("utf-8")
    assert ">subject<" in page  # the code, highlighted
    assert ">subject<" not in reviewer and ">import<" not in reviewer
    assert "<img" in reviewer and "data:image/png;base64" in reviewer
    assert "cdnjs" not in page and "cdnjs" not in reviewer
    # the interactive charts' scripts come from the site's own folder, written once by the build
    scripts = re.findall(r'<script src="([^"]+)"', reviewer)
    assert scripts and all(s.startswith("vendor/") for s in scripts)
    assert all((paths.reports / "html" / s).is_file() for s in scripts)


def test_index_page_lists_every_report_and_escapes_text(built):
    paths, reports_file, _, _ = built
    index = (paths.reports / "index.html").read_text("utf-8")
    for report in load_reports(reports_file, config.paths().notebooks):
        assert report.name in index
    assert "<script>alert(1)</script>" not in index and "&lt;script&gt;" in index
    assert "last build of this report failed" in index and "html/rankings_papi_vi.reviewer.html" in index
    assert (
        "data/reports/rankings_papi_vi.zip" in index
        and (paths.reports / "data/reports/rankings_papi_vi.zip").exists()
    )
    assert "Data held: coverage" in index
    reviewer = (paths.reports / "html" / "rankings_papi_vi.reviewer.html").read_text("utf-8")
    assert '<a href="../index.vi.html">' in reviewer  # every page links back to its language's index


def test_second_build_reruns_nothing(built):
    # how fast a no-op build is belongs to `make bench` (benchmarks/RESULTS.md), not to a timed test
    paths, reports_file, _, _ = built
    result = build(paths, reports_file, jobs=2, only=["rankings_papi_vi", "profile_can_tho"], progress=False)
    assert result.ran == [] and sorted(result.skipped) == ["profile_can_tho", "rankings_papi_vi"]


def test_a_failing_rerun_keeps_the_last_good_outputs(built, tmp_path):
    paths, reports_file, _, _ = built
    before = (paths.reports / "html" / "profile_can_tho.html").read_bytes()
    broken = tmp_path / "reports.toml"
    text = reports_file.read_text("utf-8")
    assert 'province = "TP. Cần Thơ"' in text
    broken.write_text(text.replace('province = "TP. Cần Thơ"', 'province = "Atlantis"'), encoding="utf-8")
    result = build(paths, broken, jobs=1, only=["profile_can_tho"], progress=False)
    assert [o.name for o in result.failures] == ["profile_can_tho"]
    assert (paths.reports / "html" / "profile_can_tho.html").read_bytes() == before
    assert (paths.figures / "rankings_papi_vi" / "rank_lines.png").exists()


def test_a_second_build_cannot_overlap(built):
    from filelock import FileLock

    paths, reports_file, _, _ = built
    with FileLock(str(paths.reports / LOCK_FILE)), pytest.raises(BuildLockedError):
        build(paths, reports_file, progress=False)


def test_reports_file_errors_are_clear(tmp_path):
    bad = tmp_path / "r.toml"
    bad.write_text('[[report]]\nname = "x"\nnotebook = "missing.ipynb"\n', encoding="utf-8")
    with pytest.raises(ReportsFileError, match="not found"):
        load_reports(bad, config.paths().notebooks)
    bad.write_text('[[report]]\nname = "Bad Name"\nnotebook = "data_quality.ipynb"\n', encoding="utf-8")
    with pytest.raises(ReportsFileError, match="lower-case"):
        load_reports(bad, config.paths().notebooks)


def test_project_reports_file_lists_the_default_set():
    reports = load_reports(config.paths().root / "reports.toml", config.paths().notebooks)
    names = {r.name for r in reports}
    assert {
        "phase_comparison_quang_ninh",
        "profile_quang_ninh_en",
        "profile_da_nang_vi",
        "profile_unit_hai_phong_en",
        "data_quality",
    } <= names
    assert {f"rankings_{i}" for i in ("pci", "papi", "par", "sipas", "ict", "dti", "egov_mic")} <= names
    assert any(r.notebook == "index_relationships.ipynb" for r in reports)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_papermill_help_documents_every_parameter(name):
    import nbformat

    path = config.paths().notebooks / f"{name}.ipynb"
    book = nbformat.read(path, as_version=4)
    first_code = next(c for c in book.cells if c.cell_type == "code")
    assert "parameters" in first_code.metadata.get("tags", [])
    assert book.metadata["kernelspec"]["name"] == "python3"
    result = subprocess.run(
        [sys.executable, "-m", "papermill", "--help-notebook", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = [line for line in first_code.source.splitlines() if line.strip()]
    for line in lines:
        parameter, help_text = line.split(":")[0], line.split("#", 1)[1].strip()
        assert parameter in result.stdout and help_text[:20] in result.stdout.replace("\n", " ")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_notebooks_are_already_stripped(name, tmp_path):
    """The pre-commit hook (nbstripout, keeping tagged outputs) leaves them as they are."""
    path = config.paths().notebooks / f"{name}.ipynb"
    copy = tmp_path / path.name
    copy.write_bytes(path.read_bytes())
    nbstripout = Path(sys.executable).parent / "nbstripout"
    subprocess.run([str(nbstripout), "--keep-count", "--keep-id", str(copy)], check=True)
    assert copy.read_bytes() == path.read_bytes()
    kept = [c for c in json.loads(path.read_text("utf-8"))["cells"] if c.get("outputs")]
    assert kept and all("keep_output" in c["metadata"]["tags"] for c in kept)
    assert all("# NBVAL_CHECK_OUTPUT" in "".join(c["source"]) for c in kept)


@pytest.mark.skipif(sys.platform == "win32", reason="no Unix sockets on Windows")
def test_kernels_started_together_get_private_sockets_and_remove_them():
    # TCP ports picked by parallel workers can collide (papermill #511); IPC folders cannot
    import asyncio

    from egov_analysis.reporting.kernel import PrivateSocketKernelManager

    async def run_one(value: int) -> tuple[Path, str]:
        manager = PrivateSocketKernelManager(kernel_name="python3")
        await manager.start_kernel()
        client = manager.client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=60)
            outputs: list[str] = []
            await client.execute_interactive(
                f"print({value} * 2)",
                timeout=60,
                output_hook=lambda msg: outputs.append(msg["content"].get("text", "")),
            )
            folder = Path(manager.ip).parent
            assert manager.transport == "ipc" and folder.is_dir()
        finally:
            client.stop_channels()
            await manager.shutdown_kernel(now=True)
        return folder, "".join(outputs).strip()

    async def run_all() -> list[tuple[Path, str]]:
        return await asyncio.gather(*(run_one(value) for value in range(4)))

    results = asyncio.run(run_all())
    assert [text for _, text in results] == ["0", "2", "4", "6"]
    folders = [folder for folder, _ in results]
    assert len(set(folders)) == 4
    assert not any(folder.exists() for folder in folders)


@pytest.mark.skipif(sys.platform == "win32", reason="no Unix sockets on Windows")
def test_socket_folders_of_killed_managers_are_removed_and_live_ones_kept(tmp_path):
    from egov_analysis.reporting.kernel import FOLDER_PREFIX, remove_orphaned_socket_folders

    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    dead_pid = int(finished.stdout)
    orphan = tmp_path / f"{FOLDER_PREFIX}{dead_pid}-abc"
    live = tmp_path / f"{FOLDER_PREFIX}{os.getpid()}-def"
    unrelated = tmp_path / f"{FOLDER_PREFIX}notapid-ghi"
    for folder in (orphan, live, unrelated):
        folder.mkdir()
        (folder / "k-1").write_text("")
    assert remove_orphaned_socket_folders(tmp_path) == [orphan]
    assert not orphan.exists() and live.exists() and unrelated.exists()


@pytest.mark.skipif(sys.platform == "win32", reason="no Unix sockets on Windows")
def test_a_restarted_kernel_keeps_its_socket_folder():
    import asyncio

    from egov_analysis.reporting.kernel import PrivateSocketKernelManager

    async def restart_then_shut_down() -> tuple[bool, bool]:
        manager = PrivateSocketKernelManager(kernel_name="python3")
        await manager.start_kernel()
        folder = Path(manager.ip).parent
        try:
            await manager.restart_kernel(now=True)
            client = manager.client()
            client.start_channels()
            await client.wait_for_ready(timeout=60)
            client.stop_channels()
            kept = folder.is_dir()
        finally:
            await manager.shutdown_kernel(now=True)
        return kept, folder.exists()

    kept_after_restart, left_after_shutdown = asyncio.run(restart_then_shut_down())
    assert kept_after_restart and not left_after_shutdown


MAKE = shutil.which("make")


@pytest.mark.skipif(MAKE is None, reason="no make")
def test_make_help_prints_no_colour_codes_when_piped():
    root = config.paths().root
    done = subprocess.run([MAKE, "-s", "help"], cwd=root, capture_output=True, text=True, check=True)
    assert "\033" not in done.stdout
    assert re.search(r"^  lab +JupyterLab", done.stdout, re.M) and "bench" in done.stdout


@pytest.mark.skipif(MAKE is None, reason="no make")
def test_make_lab_passes_extra_options_and_allows_root():
    root = config.paths().root
    done = subprocess.run(
        [MAKE, "--no-print-directory", "-n", "lab", "LAB_ARGS=--port 8890 --no-browser"],
        cwd=root,
        # under `make test` the parent make's flags would add "Entering/Leaving directory" lines
        env={k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")},
        capture_output=True,
        text=True,
        check=True,
    )
    command = done.stdout.strip().splitlines()[-1]
    assert "jupyter lab " in command and "default_kernel_name=egov-analysis" in command
    assert ("--allow-root" in command.split()) == (os.geteuid() == 0)
    assert command.endswith(" --port 8890 --no-browser")  # the reader's options last, unchanged


@pytest.mark.skipif(sys.platform == "win32", reason="no fork on Windows")
def test_forked_kernels_start_fresh_each_time(tmp_path, monkeypatch):
    """Kernels forked from the preloaded server share no state: a second one sees nothing the first
    did, and its libraries are in their imported state."""
    import asyncio

    from egov_analysis.reporting.kernel import PreloadedProvisioner, PrivateSocketKernelManager

    async def run(code: str) -> tuple[str, bool]:
        manager = PrivateSocketKernelManager(kernel_name="python3")
        await manager.start_kernel()
        client = manager.client()
        client.start_channels()
        outputs: list[str] = []
        try:
            await client.wait_for_ready(timeout=60)
            await client.execute_interactive(
                code, timeout=60, output_hook=lambda msg: outputs.append(msg["content"].get("text", ""))
            )
            forked = isinstance(manager.provisioner, PreloadedProvisioner)
        finally:
            client.stop_channels()
            await manager.shutdown_kernel(now=True)
        return "".join(outputs).strip(), forked

    first = "import pandas, matplotlib; secret = 1; pandas.options.display.max_rows = 3; print('set')"
    second = (
        "import os, sys, pandas, matplotlib; "
        "print('secret' in globals(), pandas.options.display.max_rows, 'pandas' in sys.modules, "
        "matplotlib.get_backend(), os.getcwd())"
    )
    assert asyncio.run(run(first)) == ("set", True)
    monkeypatch.chdir(tmp_path)  # a kernel starts where its launcher is, as papermill expects
    seen, forked = asyncio.run(run(second))
    assert forked and seen == f"False 60 True module://matplotlib_inline.backend_inline {tmp_path}"


def test_each_kernel_gets_one_blas_thread_unless_the_user_chose(tmp_path, monkeypatch, real_processed):
    """Reports run side by side: a BLAS thread per core in each would oversubscribe the cores."""
    import json

    from helpers import one_report_project

    paths, reports_file = one_report_project(
        tmp_path,
        "threads",
        "import os\nprint(os.environ['OPENBLAS_NUM_THREADS'], os.environ['OMP_NUM_THREADS'])",
        processed=real_processed,
    )
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")  # the user's choice stays
    assert not build(paths, reports_file, jobs=1, progress=False).failures
    executed = json.loads((paths.reports / "notebooks" / "threads.ipynb").read_text("utf-8"))
    printed = "".join(
        o["text"] if isinstance(o["text"], str) else "".join(o["text"])
        for o in executed["cells"][-1]["outputs"]
    )
    assert printed == "1 3\n"
