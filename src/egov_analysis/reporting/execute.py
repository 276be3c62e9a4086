"""Running one report: papermill, HTML export, then publishing its outputs.

Everything is written to a staging folder first; only a report that ran to the end replaces its
previous outputs, file by file with atomic renames, so a failed or killed run leaves the last
good outputs readable. A local run (:func:`run_report`, in a worker process of the build) stages
its files; a run on a Dask worker (:func:`run_remote`) executes in a temporary folder of that
machine and returns the files' bytes, which the build process stages (:func:`receive`). Either way
only the build process, which holds the lock, publishes (:func:`publish`, :func:`finish_local`):
a worker whose build was killed never moves a file into place.
"""

from __future__ import annotations

import errno
import os
import shutil
import socket
import tempfile
import time
import traceback
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import ENV_VARS, READS_VARIABLE, Paths
from .inputs import recorded_reads
from .reports import Report

# the kernel's ea.load() reads the build's data; outputs go where the build's parameters say
INPUT_PATHS = ("root", "raw", "processed", "notebooks", "reference")
PAGE, REVIEWER, FIGURES = "page.html", "reviewer.html", "figures"
STAGING = ".staging"
# Reports run side by side, one process each: a numerical library that also starts a thread per
# core (OpenBLAS in the synthetic control) oversubscribes the cores and its threads spin; two phase
# reports at once cost 44.5 CPU-s instead of 27.8 on 2 cores. A user's own setting is kept.
ONE_THREAD_EACH = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def one_thread_each(environ: MutableMapping[str, str]) -> None:
    """Set :data:`ONE_THREAD_EACH` in ``environ`` where not set (before numpy is imported in the
    processes that inherit it: the kernel server, the kernels)."""
    for name, value in ONE_THREAD_EACH.items():
        environ.setdefault(name, value)


# a run that failed for one of these cannot succeed for any other report either: the build stops
FATAL_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.ENAMETOOLONG)


@dataclass(frozen=True)
class Outcome:
    name: str
    ok: bool
    seconds: float
    error: str = ""
    warnings: tuple[str, ...] = ()  # what a reader would see wrong, the report being built
    reads: tuple[str, ...] = ()  # the processed tables it loaded (its cache key covers those)


def output_paths(paths: Paths, name: str) -> dict[str, Path]:
    return {
        "notebook": paths.reports / "notebooks" / f"{name}.ipynb",
        "html": paths.reports / "html" / f"{name}.html",
        "reviewer_html": paths.reports / "html" / f"{name}.reviewer.html",
        "figures": paths.figures / name,
        "failed": paths.reports / "notebooks" / f"{name}.failed.ipynb",
    }


def staging_paths(paths: Paths, run_id: str, name: str) -> tuple[Path, Path]:
    """The staging folders of one report of one build: (notebook and pages, figures)."""
    return paths.reports / STAGING / run_id / name, paths.figures / STAGING / run_id / name


def _replace_dir_contents(new: Path, target: Path) -> None:
    """Move every file of ``new`` into ``target`` (atomic per file), then drop files ``new`` lacks."""
    target.mkdir(parents=True, exist_ok=True)
    fresh = {p.name for p in new.iterdir()} if new.exists() else set()
    for name in sorted(fresh):
        os.replace(new / name, target / name)
    for old in target.iterdir():
        if old.name not in fresh and old.is_file():
            old.unlink()


def _error_text(err: BaseException) -> str:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(err, PapermillExecutionError):
        return f"cell {err.exec_count} (index {err.cell_index}): {err.ename}: {err.evalue}"
    return f"{type(err).__name__}: {err}\n" + "".join(traceback.format_exception(err)[-3:])


def chart_warnings(notebook: Any) -> tuple[str, ...]:
    """The text problems (overlap, clipping) of every chart an executed notebook displayed, as the
    charts recorded them in their output's metadata ("rank_lines: texts 'a' and 'b' overlap")."""
    from ..plots.chart import CHART_METADATA

    found = []
    for cell in notebook.cells:
        for output in cell.get("outputs") or []:
            metadata = output.get("metadata") if isinstance(output, dict) else None
            record = metadata.get(CHART_METADATA) if isinstance(metadata, dict) else None
            if not isinstance(record, dict):  # not one of our charts (or a report's own metadata)
                continue
            problems = record.get("text_problems")
            kind = record.get("kind", "chart")
            found += [f"{kind}: {p}" for p in problems] if isinstance(problems, list) else []
    return tuple(found)


def execute(
    report: Report, source: Path, folder: Path, time_limit: float | None = None
) -> tuple[str, tuple[str, ...]]:
    """Run ``source`` for ``report`` with ``folder`` as working directory: ``<name>.ipynb``,
    page.html, reviewer.html and the figures in ``folder/figures`` (the injected ``figures``
    parameter is that relative name, so the executed notebook does not depend on where or on which
    machine it ran). Returns ``""`` or the error (the executed notebook stays for a look), and the
    charts' text problems (:func:`chart_warnings`). A run longer than ``time_limit`` seconds fails."""

    from .html import export_html
    from .kernel import run_notebook

    executed = folder / f"{report.name}.ipynb"
    try:
        notebook = run_notebook(
            source,
            executed,
            cwd=folder,
            parameters=report.notebook_parameters(FIGURES),
            time_limit=time_limit,
        )
        export_html(notebook, folder / PAGE, folder / REVIEWER, report.title)
        warnings = chart_warnings(notebook)
    except Exception as err:  # report and keep going: the other reports still run
        return _time_limit_text(err, time_limit) or _error_text(err), ()
    return "", warnings


def _time_limit_text(err: BaseException, time_limit: float | None) -> str:
    from nbclient.exceptions import CellTimeoutError

    if isinstance(err, CellTimeoutError) or type(err).__name__ == "CellTimeoutError":
        return f"time limit: the report ran longer than {time_limit:g} s (egov-analysis build --time-limit)"
    return ""


def _run_recording_reads(
    report: Report, source: Path, folder: Path, reads_file: Path, time_limit: float | None
) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """:func:`execute` with the kernel noting the processed tables it loads in ``reads_file``."""
    reads_file.unlink(missing_ok=True)
    os.environ[READS_VARIABLE] = str(reads_file)  # the kernel inherits it
    try:
        error, warnings = execute(report, source, folder, time_limit)
        return error, warnings, recorded_reads(reads_file)
    finally:
        os.environ.pop(READS_VARIABLE, None)
        reads_file.unlink(missing_ok=True)


def publish(report: Report, paths: Paths, run_id: str) -> None:
    """Move a report's staged outputs into place, the executed notebook last (its presence marks a
    complete report), and remove its staging folders."""
    staging, figures = staging_paths(paths, run_id, report.name)
    out = output_paths(paths, report.name)
    for key in ("notebook", "html", "reviewer_html"):
        out[key].parent.mkdir(parents=True, exist_ok=True)
    os.replace(staging / PAGE, out["html"])
    os.replace(staging / REVIEWER, out["reviewer_html"])
    _replace_dir_contents(figures, out["figures"])
    os.replace(staging / f"{report.name}.ipynb", out["notebook"])
    out["failed"].unlink(missing_ok=True)
    _discard(paths, run_id, report.name)


def _keep_failed(report: Report, paths: Paths, run_id: str) -> None:
    executed = staging_paths(paths, run_id, report.name)[0] / f"{report.name}.ipynb"
    if executed.exists():
        failed = output_paths(paths, report.name)["failed"]
        failed.parent.mkdir(parents=True, exist_ok=True)
        os.replace(executed, failed)
    _discard(paths, run_id, report.name)


def _discard(paths: Paths, run_id: str, name: str) -> None:
    for folder in staging_paths(paths, run_id, name):
        shutil.rmtree(folder, ignore_errors=True)


def fault_of(error: str) -> str:
    """The file-system fault (disk full, read-only, no permission, name too long) an error text
    reports, as one line ("No space left on device: /path"), or "" for a report's own error."""
    for number in FATAL_ERRNOS:
        marker = f"[Errno {number}] "
        if marker in error:
            line = error.split(marker, 1)[1].splitlines()[0]
            return line.replace("'", "")
    return ""


def finish_local(outcome: Outcome, report: Report, paths: Paths, run_id: str) -> Outcome:
    """Publish a local run's staged outputs, or keep its failed notebook (in the build process,
    under the build lock). A publishing error becomes the outcome's error; a run stopped by a
    file-system fault leaves nothing behind, not even its failed notebook."""
    if not outcome.ok:
        if fault_of(outcome.error):
            _discard(paths, run_id, report.name)
        else:
            _keep_failed(report, paths, run_id)
        return outcome
    try:
        publish(report, paths, run_id)
    except OSError as err:
        _discard(paths, run_id, report.name)
        return Outcome(report.name, False, outcome.seconds, f"publishing failed: [Errno {err.errno}] {err}")
    return outcome


def run_report(report: Report, paths: Paths, run_id: str, time_limit: float | None = None) -> Outcome:
    """Execute ``report`` in this (worker) process into its staging folders; never raises (the
    outcome says what failed, a run longer than ``time_limit`` seconds included). The build process
    publishes it (:func:`finish_local`)."""
    start = time.perf_counter()
    staging, figures = staging_paths(paths, run_id, report.name)
    staging.mkdir(parents=True, exist_ok=True)
    figures.mkdir(parents=True, exist_ok=True)
    # figures are staged beside their final folder (os.replace stays on one file system)
    (staging / FIGURES).symlink_to(figures, target_is_directory=True)
    for name in INPUT_PATHS:  # the kernel inherits these: its config.paths() sees the build's data
        os.environ[ENV_VARS[name]] = str(getattr(paths, name))
    reads_file = staging.parent / f"{report.name}.reads"
    error, warnings, reads = _run_recording_reads(
        report, paths.notebooks / report.notebook, staging, reads_file, time_limit
    )
    return Outcome(report.name, not error, time.perf_counter() - start, error, warnings, reads)


@dataclass(frozen=True)
class RemoteTask:
    """What a Dask worker needs to run one report: the notebook itself, where the build's data are
    (used when that folder exists on the worker, else the worker's own ``EGOV_*`` paths) and what
    the data and the library must hash to, so a worker with other data or code refuses to run."""

    report: Report
    notebook: bytes
    raw: str
    processed: str
    data_fingerprint: str
    library: str
    time_limit: float | None = None


@dataclass(frozen=True)
class RemoteResult:
    """A report run on a worker: its outcome and its files by relative path (``figures/x.png``,
    ``page.html``, ``<name>.ipynb``; on failure only the executed notebook, if any)."""

    outcome: Outcome
    files: dict[str, bytes] = field(default_factory=dict)


def _worker_paths(task: RemoteTask) -> Paths:
    from .. import config

    own = config.paths()
    raw = Path(task.raw) if Path(task.raw).is_dir() else own.raw
    processed = Path(task.processed) if Path(task.processed).is_dir() else own.processed
    return own.with_overrides(raw=raw, processed=processed)


def _worker_mismatch(task: RemoteTask, paths: Paths) -> str:
    from ..clean.publish import read_manifest
    from .inputs import library_hash

    host = socket.gethostname()
    if library_hash() != task.library:
        return f"worker {host}: its egov_analysis differs from the build's; install the same version"
    found = str((read_manifest(paths.processed) or {}).get("raw_fingerprint", ""))
    if found != task.data_fingerprint:
        return (
            f"worker {host}: the processed data at {paths.processed} were built from other raw data "
            f"({found[:12] or 'none'} vs the build's {task.data_fingerprint[:12]}); give workers the "
            "build's data folder (a shared file system or the same data/ and EGOV_PROCESSED_DIR)"
        )
    return ""


def run_remote(task: RemoteTask) -> RemoteResult:
    """Run one report on this (Dask worker) machine in a temporary folder; never raises."""
    start = time.perf_counter()
    name = task.report.name
    paths = _worker_paths(task)
    mismatch = _worker_mismatch(task, paths)
    if mismatch:
        return RemoteResult(Outcome(name, False, time.perf_counter() - start, mismatch))
    for key in INPUT_PATHS:
        os.environ[ENV_VARS[key]] = str(getattr(paths, key))
    one_thread_each(os.environ)  # before this worker's kernel server starts (on the first report)
    with tempfile.TemporaryDirectory(prefix="egov-report-") as tmp:
        folder = Path(tmp)
        source = folder / "source" / Path(task.report.notebook).name
        source.parent.mkdir()
        source.write_bytes(task.notebook)
        out = folder / "out"
        out.mkdir()
        error, warnings, reads = _run_recording_reads(
            task.report, source, out, folder / "reads", task.time_limit
        )
        files = {
            p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*"))
            if p.is_file() and (not error or p.name == f"{name}.ipynb")
        }
    return RemoteResult(Outcome(name, not error, time.perf_counter() - start, error, warnings, reads), files)


def receive(result: RemoteResult, report: Report, paths: Paths, run_id: str) -> Outcome:
    """Stage the files a worker returned and publish them as a local run would (in the build
    process, which holds the lock); a failed run keeps its executed notebook as ``.failed``."""
    staging, figures = staging_paths(paths, run_id, report.name)
    staging.mkdir(parents=True, exist_ok=True)
    for relative, data in result.files.items():
        parts = Path(relative).parts
        if ".." in parts or Path(relative).is_absolute():  # a worker writes only into its folders
            continue
        target = figures / Path(*parts[1:]) if parts[0] == FIGURES else staging / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    if not result.outcome.ok:
        _keep_failed(report, paths, run_id)
        return result.outcome
    try:
        publish(report, paths, run_id)
    except OSError as err:
        _discard(paths, run_id, report.name)
        return Outcome(report.name, False, result.outcome.seconds, f"publishing failed: {err}")
    return result.outcome
