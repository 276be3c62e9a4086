"""The full sweep (`egov-analysis build --set sweep`, issue 13) built twice: with the local process
pool and through a local Dask cluster (a scheduler and two workers on 127.0.0.1). Both builds
must run every report, draw every chart without overlapping or clipped text, and publish the same
bytes. This is the extended tier: `make test` leaves it out (``--extended`` runs it), `.ci/run` runs it
with `make test-extended`; it takes about 10 minutes on a 2-core machine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import local_dask_cluster

from egov_analysis import config
from egov_analysis.reporting.contract import load_reports
from egov_analysis.reporting.reports import select
from egov_analysis.reporting.runner import build

pytestmark = pytest.mark.extended
distributed = pytest.importorskip("distributed")

REPORTS_FILE = config.paths().root / "reports.toml"


@pytest.fixture(scope="module")
def sweep_builds(tmp_path_factory):
    """The sweep built locally (2 processes) and on a 2-worker local cluster, over the same data."""
    root = tmp_path_factory.mktemp("sweep")
    processed = root / "processed"
    local = config.paths(
        processed=processed, reports=root / "local" / "reports", figures=root / "local" / "figures"
    )
    remote = config.paths(
        processed=processed, reports=root / "remote" / "reports", figures=root / "remote" / "figures"
    )
    locally = build(local, REPORTS_FILE, jobs=2, progress=False, report_set="sweep")
    with local_dask_cluster() as cluster:
        on_cluster = build(
            remote, REPORTS_FILE, progress=False, report_set="sweep", scheduler=cluster.scheduler_address
        )
    return local, remote, locally, on_cluster


def _names() -> list[str]:
    return [r.name for r in select(load_reports(REPORTS_FILE, config.paths().notebooks), "sweep")]


def test_the_sweep_has_at_least_100_reports_and_every_one_runs_on_both_engines(sweep_builds):
    _, _, locally, on_cluster = sweep_builds
    names = _names()
    assert len(names) >= 100
    for result in (locally, on_cluster):
        assert not result.failures, [(o.name, o.error.splitlines()[0]) for o in result.failures]
        assert sorted(o.name for o in result.ran) == sorted(names)


def test_no_chart_of_the_sweep_has_overlapping_or_clipped_text(sweep_builds):
    _, _, locally, on_cluster = sweep_builds
    assert locally.warnings == [] and on_cluster.warnings == []


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".staging" not in p.parts
    }


def test_local_and_cluster_builds_publish_identical_figures_and_pages(sweep_builds):
    local, remote, _, _ = sweep_builds
    for kind in ("figures", "html"):
        a = _files(local.figures if kind == "figures" else local.reports / "html")
        b = _files(remote.figures if kind == "figures" else remote.reports / "html")
        assert sorted(a) == sorted(b)
        differ = [name for name in a if a[name] != b[name]]
        assert not differ, f"{len(differ)} {kind} files differ, e.g. {differ[:5]}"


def _outputs(path: Path) -> list[object]:
    """Each code cell's source and outputs (execution counts and papermill's timings aside)."""
    book = json.loads(path.read_text("utf-8"))
    return [
        ("".join(c["source"]), [{k: v for k, v in o.items() if k != "execution_count"} for o in c["outputs"]])
        for c in book["cells"]
        if c["cell_type"] == "code"
    ]


def test_local_and_cluster_notebooks_have_identical_outputs(sweep_builds):
    local, remote, _, _ = sweep_builds
    for name in _names():
        notebook = Path("notebooks") / f"{name}.ipynb"
        assert _outputs(local.reports / notebook) == _outputs(remote.reports / notebook), name
