"""Running one report in a worker process (papermill, HTML export) into a staging folder, and
publishing it from the build process.

Everything is written to a staging folder first; only a report that ran to the end replaces its
previous outputs, file by file with atomic renames, so a failed or killed run leaves the last
good outputs readable. Workers never publish: only the build process, which holds the lock, does.
"""

from __future__ import annotations

import errno
import os
import shutil
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from ..config import ENV_VARS, Paths
from .reports import Report

STAGING = ".staging"
# a run that failed for one of these cannot succeed for any other report either: the build stops
FATAL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.ENAMETOOLONG}


@dataclass(frozen=True)
class Outcome:
    name: str
    ok: bool
    seconds: float
    error: str = ""
    fault: str = ""  # a one-line file-system fault (disk full, read-only) that stops the build


def _fault(err: BaseException) -> str:
    """The one-line file-system fault behind ``err``, or "" for a report's own error."""
    from papermill.exceptions import PapermillExecutionError

    if isinstance(err, OSError) and err.errno in FATAL_ERRNOS:
        where = f": {err.filename}" if err.filename else ""
        return f"{err.strerror}{where}"
    if isinstance(err, PapermillExecutionError) and err.ename in {"OSError", "PermissionError"}:
        for number in FATAL_ERRNOS:
            if f"[Errno {number}]" in err.evalue:
                return str(err.evalue).split("] ", 1)[-1]
    if err.__cause__ is not None or err.__context__ is not None:
        return _fault(err.__cause__ or err.__context__)  # type: ignore[arg-type]
    return ""


def output_paths(paths: Paths, name: str) -> dict[str, Path]:
    return {
        "notebook": paths.reports / "notebooks" / f"{name}.ipynb",
        "html": paths.reports / "html" / f"{name}.html",
        "reviewer_html": paths.reports / "html" / f"{name}.reviewer.html",
        "figures": paths.figures / name,
        "failed": paths.reports / "notebooks" / f"{name}.failed.ipynb",
    }


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
    return f"{type(err).__name__}: {err}"


def staging_paths(paths: Paths, run_id: str, name: str) -> dict[str, Path]:
    """Where a run writes a report before the build publishes it (same file systems as the outputs,
    so that publishing is a rename)."""
    folder = paths.reports / STAGING / run_id / name
    return {
        "folder": folder,
        "notebook": folder / f"{name}.ipynb",
        "html": folder / "page.html",
        "reviewer_html": folder / "reviewer.html",
        "figures_root": paths.figures / STAGING / run_id,
        "figures": paths.figures / STAGING / run_id / name,
    }


def run_report(report: Report, paths: Paths, run_id: str) -> Outcome:
    """Execute ``report`` into its staging folder and export its HTML; never raises (the outcome
    says what failed). Publishing is left to the build process, which holds the lock."""
    from .html import export_html
    from .kernel import run_notebook

    start = time.perf_counter()
    stage = staging_paths(paths, run_id, report.name)
    stage["folder"].mkdir(parents=True, exist_ok=True)
    # the kernel inherits these: the notebook's config.paths() sees the build's folders, and its
    # figures go to the staging folder until the report has run to the end
    for name, path in paths.as_dict().items():
        os.environ[ENV_VARS[name]] = str(path)
    os.environ[ENV_VARS["figures"]] = str(stage["figures_root"])
    try:
        notebook = run_notebook(
            paths.notebooks / report.notebook,
            stage["notebook"],
            cwd=paths.notebooks,
            parameters={**report.parameters, "report": report.name},
        )
        export_html(notebook, stage["html"], stage["reviewer_html"], report.title)
    except Exception as err:  # report and keep going: the other reports still run
        detail = _error_text(err)
        if not detail.startswith("cell"):
            detail += "\n" + "".join(traceback.format_exception(err)[-3:])
        return Outcome(report.name, False, time.perf_counter() - start, detail, _fault(err))
    return Outcome(report.name, True, time.perf_counter() - start)


def publish_report(outcome: Outcome, paths: Paths, run_id: str) -> None:
    """Move a run's staged outputs into place (called by the build process, under the build lock).

    A report that ran to the end replaces its previous outputs file by file with atomic renames,
    the executed notebook last (its presence marks a complete report); a failed one keeps them and
    leaves its executed notebook as ``<name>.failed.ipynb``.
    """
    stage = staging_paths(paths, run_id, outcome.name)
    out = output_paths(paths, outcome.name)
    try:
        if not outcome.ok:
            if stage["notebook"].exists():
                out["failed"].parent.mkdir(parents=True, exist_ok=True)
                os.replace(stage["notebook"], out["failed"])
            return
        for key in ("notebook", "html", "reviewer_html"):
            out[key].parent.mkdir(parents=True, exist_ok=True)
        os.replace(stage["html"], out["html"])
        os.replace(stage["reviewer_html"], out["reviewer_html"])
        _replace_dir_contents(stage["figures"], out["figures"])
        os.replace(stage["notebook"], out["notebook"])  # last: its presence marks a complete report
        out["failed"].unlink(missing_ok=True)
    finally:
        shutil.rmtree(stage["folder"], ignore_errors=True)
        shutil.rmtree(stage["figures"], ignore_errors=True)
