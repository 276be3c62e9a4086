"""Reports built on a Dask cluster (issue 13): a local cluster (a scheduler and two worker processes
on 127.0.0.1) runs a few reports; the build process publishes them, and the outputs equal a local
build's."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import DECLARED, local_dask_cluster, write_notebook

from egov_analysis import config
from egov_analysis.reporting import engines
from egov_analysis.reporting.execute import RemoteTask, run_remote
from egov_analysis.reporting.reports import Report
from egov_analysis.reporting.runner import build
from egov_analysis.reporting.state import read_state

distributed = pytest.importorskip("distributed")

REPORTS = """
[[report]]
name = "quality_vi"
title = "Chất lượng dữ liệu"
notebook = "data_quality.ipynb"
parameters = { lang = "vi" }

[[matrix]]
name = "relationships_{x_index}_{y_index}"
title = "{x_index_upper} and {y_index_upper}"
notebook = "index_relationships.ipynb"
parameters = { year = 2022, x_index = "dti", highlight = ["Đà Nẵng"] }
grid = { y_index = ["pci"] }

[[report]]
name = "broken"
title = "A province that does not exist"
notebook = "province_profile.ipynb"
parameters = { province = "Atlantis" }
"""
NAMES = ["quality_vi", "relationships_dti_pci"]


@pytest.fixture(scope="module")
def cluster():
    with local_dask_cluster() as local:
        yield local


@pytest.fixture(scope="module")
def builds(cluster, tmp_path_factory):
    """The same reports built through the cluster and with the local pool, over the same data."""
    root = tmp_path_factory.mktemp("dask")
    reports_file = root / "reports.toml"
    reports_file.write_text(REPORTS, encoding="utf-8")
    processed = root / "processed"
    remote = config.paths(
        processed=processed, reports=root / "remote" / "reports", figures=root / "remote" / "figures"
    )
    local = config.paths(
        processed=processed, reports=root / "local" / "reports", figures=root / "local" / "figures"
    )
    on_cluster = build(remote, reports_file, progress=False, scheduler=cluster.scheduler_address)
    locally = build(local, reports_file, jobs=2, progress=False)
    return remote, local, reports_file, on_cluster, locally


@pytest.mark.extended  # a build on a local cluster and the same with the local pool
def test_the_cluster_runs_the_reports_and_names_the_failure(builds):
    _, _, _, on_cluster, locally = builds
    assert sorted(o.name for o in on_cluster.ran if o.ok) == NAMES
    [failure] = on_cluster.failures
    assert (
        failure.name == "broken"
        and failure.error.startswith("cell")
        and "UnknownProvinceError" in failure.error
    )
    assert [f.error for f in locally.failures] == [failure.error]


@pytest.mark.extended  # a build on a local cluster and the same with the local pool
def test_cluster_outputs_equal_the_local_build(builds):
    remote, local, _, _, _ = builds
    for name in NAMES:
        remote_figures = sorted(p.name for p in (remote.figures / name).iterdir())
        assert remote_figures == sorted(p.name for p in (local.figures / name).iterdir())
        assert any(f.endswith(".csv") for f in remote_figures) and any(
            f.endswith(".png") for f in remote_figures
        )
        for file in remote_figures:
            if file.endswith((".csv", ".svg")):
                assert (remote.figures / name / file).read_bytes() == (
                    local.figures / name / file
                ).read_bytes()
        assert outputs(remote.reports / "notebooks" / f"{name}.ipynb") == outputs(
            local.reports / "notebooks" / f"{name}.ipynb"
        )
        for page in (f"{name}.html", f"{name}.reviewer.html"):
            assert (remote.reports / "html" / page).stat().st_size > 10_000
    assert (remote.reports / "notebooks" / "broken.failed.ipynb").exists()
    assert not (remote.figures / "broken").exists()
    # nothing is left in the staging folders
    assert not any((remote.reports / ".staging").rglob("*.*")) and not any(
        (remote.figures / ".staging").rglob("*.*")
    )


def outputs(path: Path) -> list[object]:
    """Each code cell's source and outputs, without execution counts and timings."""
    book = json.loads(path.read_text("utf-8"))
    cells = []
    for cell in book["cells"]:
        if cell["cell_type"] == "code":
            kept = [{k: v for k, v in o.items() if k != "execution_count"} for o in cell["outputs"]]
            cells.append(("".join(cell["source"]), kept))
    return cells


@pytest.mark.extended  # a build on a local cluster and the same with the local pool
def test_a_cluster_build_uses_the_cache_and_the_index_page(builds, cluster):
    remote, _, reports_file, _, _ = builds
    state = read_state(remote.reports)
    assert set(state) == {*NAMES, "broken"} and "last_error" in state["broken"]
    # the worker's kernel told the build what it read, as a local kernel does
    assert sorted(state["relationships_dti_pci"]["inputs"]["data"]) == ["indices[dti]", "indices[pci]"]
    again = build(remote, reports_file, progress=False, scheduler=cluster.scheduler_address, only=NAMES)
    assert again.ran == [] and sorted(again.skipped) == NAMES
    index = (remote.reports / "index.html").read_text("utf-8")
    assert "html/quality_vi.reviewer.html" in index and "html/relationships_dti_pci.reviewer.html" in index


def test_the_scheduler_comes_from_the_option_or_the_environment(monkeypatch):
    monkeypatch.delenv(engines.SCHEDULER_ENV, raising=False)
    assert engines.scheduler_address(None) is None
    monkeypatch.setenv(engines.SCHEDULER_ENV, "tcp://10.0.0.5:8786")
    assert engines.scheduler_address(None) == "tcp://10.0.0.5:8786"
    assert engines.scheduler_address("tcp://127.0.0.1:8786") == "tcp://127.0.0.1:8786"


def test_an_unreachable_scheduler_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(engines, "CONNECT_TIMEOUT", "1s")
    with pytest.raises(
        engines.SchedulerError, match=re.escape("cannot reach the Dask scheduler tcp://127.0.0.1:9")
    ):
        engines.ClusterExecutor("tcp://127.0.0.1:9")


def test_a_worker_with_other_data_or_code_refuses_to_run(tmp_path):
    report = Report("q", "data_quality.ipynb", "q")
    notebook = (config.paths().notebooks / report.notebook).read_bytes()
    from egov_analysis.reporting.inputs import library_hash

    task = RemoteTask(report, notebook, str(tmp_path), str(tmp_path), "0" * 64, library_hash())
    result = run_remote(task)
    assert not result.outcome.ok and result.files == {}
    assert "were built from other raw data (none vs the build's 000000000000)" in result.outcome.error
    task = RemoteTask(report, notebook, str(tmp_path), str(tmp_path), "0" * 64, "another library")
    assert "its egov_analysis differs from the build's" in run_remote(task).outcome.error


# issue 20, point 7: a cluster that fails rather than hangs


def test_a_scheduler_that_never_answers_is_one_line_and_no_traceback(
    tmp_path, monkeypatch, capfd, real_processed
):
    import socket

    from egov_analysis import cli

    monkeypatch.setattr(engines, "CONNECT_TIMEOUT", "2s")
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # connections are queued by the kernel, never answered
    address = f"tcp://127.0.0.1:{silent.getsockname()[1]}"
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    write_notebook(notebooks / "n.ipynb", "print(1)", parameters=DECLARED)
    reports_file = tmp_path / "r.toml"
    reports_file.write_text('[[report]]\nname = "n"\nnotebook = "n.ipynb"\n')
    options = ["--processed", str(real_processed.processed), "--notebooks", str(notebooks)]
    options += ["--reports", str(tmp_path / "reports"), "--figures", str(tmp_path / "figures")]
    try:
        status = cli.main(["build", "--reports-file", str(reports_file), "--scheduler", address, *options])
    finally:
        silent.close()
    err = capfd.readouterr().err
    assert status == 2
    assert [line for line in err.splitlines() if line.strip()] == [
        next(
            line
            for line in err.splitlines()
            if line.startswith(f"build: cannot reach the Dask scheduler {address}")
        )
    ], err
    assert "Traceback" not in err


@pytest.mark.extended  # a cluster build whose worker is killed, waited out
def test_a_cluster_whose_only_worker_dies_fails_its_reports_in_bounded_time(
    tmp_path, monkeypatch, real_processed
):
    import subprocess
    import sys
    import threading
    import time

    monkeypatch.setattr(engines, "NO_WORKER_GRACE", 2.0)
    marker = tmp_path / "running"
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    write_notebook(
        notebooks / "long.ipynb",
        f"from pathlib import Path\nimport time\nPath({str(marker)!r}).touch()\ntime.sleep(600)",
        parameters=DECLARED,
    )
    reports_file = tmp_path / "r.toml"
    reports_file.write_text(
        '[[report]]\nname = "long"\nnotebook = "long.ipynb"\n\n'
        '[[report]]\nname = "next"\nnotebook = "long.ipynb"\n'
    )
    paths = real_processed.with_overrides(
        notebooks=notebooks, reports=tmp_path / "reports", figures=tmp_path / "figures"
    )
    with distributed.LocalCluster(
        n_workers=0, host="127.0.0.1", dashboard_address=None, processes=True
    ) as scheduler_only:
        worker = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("dask")),
                "worker",
                scheduler_only.scheduler_address,
                "--no-nanny",
                "--nthreads",
                "1",
                "--no-dashboard",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            results = []
            time_limit = 300.0
            thread = threading.Thread(
                target=lambda: results.append(
                    build(
                        paths,
                        reports_file,
                        progress=False,
                        scheduler=scheduler_only.scheduler_address,
                        time_limit=time_limit,
                    )
                )
            )
            thread.start()
            deadline = time.monotonic() + 240
            while not marker.exists() and time.monotonic() < deadline:
                time.sleep(0.2)
            assert marker.exists(), "the report never started on the worker"
            killed = time.monotonic()
            worker.kill()  # the only worker dies mid-report
            thread.join(timeout=time_limit)
            assert not thread.is_alive(), "the build hung"
            assert time.monotonic() - killed < 60  # well within the report's time limit
        finally:
            worker.kill()
            worker.wait()
    [result] = results
    assert sorted(f.name for f in result.failures) == ["long", "next"]
    for failure in result.failures:
        assert failure.error.startswith("no Dask worker left on tcp://127.0.0.1:"), failure.error
