"""Running one report in a worker process: papermill, HTML export, then publishing its outputs.

Everything is written to a staging folder first; only a report that ran to the end replaces its
previous outputs, file by file with atomic renames, so a failed or killed run leaves the last
good outputs readable.
"""

from __future__ import annotations

import os
import shutil
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from ..config import ENV_VARS, Paths
from .reports import Report


@dataclass(frozen=True)
class Outcome:
    name: str
    ok: bool
    seconds: float
    error: str = ""


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


def run_report(report: Report, paths: Paths, run_id: str) -> Outcome:
    """Execute ``report`` and publish its outputs; never raises (the outcome says what failed)."""
    import nbformat

    from .html import export_html
    from .kernel import run_notebook

    start = time.perf_counter()
    staging = paths.reports / ".staging" / run_id / report.name
    figures_root = paths.figures / ".staging" / run_id
    staging.mkdir(parents=True, exist_ok=True)
    # the kernel inherits these: the notebook's config.paths() sees the build's folders, and its
    # figures go to the staging folder until the report has run to the end
    for name, path in paths.as_dict().items():
        os.environ[ENV_VARS[name]] = str(path)
    os.environ[ENV_VARS["figures"]] = str(figures_root)
    out = output_paths(paths, report.name)
    executed = staging / f"{report.name}.ipynb"
    try:
        run_notebook(
            paths.notebooks / report.notebook,
            executed,
            cwd=paths.notebooks,
            parameters={**report.parameters, "report": report.name},
        )
        notebook = nbformat.read(executed, as_version=4)
        export_html(notebook, staging / "page.html", staging / "reviewer.html", report.title)
    except Exception as err:  # report and keep going: the other reports still run
        if executed.exists():
            out["failed"].parent.mkdir(parents=True, exist_ok=True)
            os.replace(executed, out["failed"])
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(figures_root / report.name, ignore_errors=True)
        detail = _error_text(err)
        if not detail.startswith("cell"):
            detail += "\n" + "".join(traceback.format_exception(err)[-3:])
        return Outcome(report.name, False, time.perf_counter() - start, detail)

    for key in ("notebook", "html", "reviewer_html"):
        out[key].parent.mkdir(parents=True, exist_ok=True)
    os.replace(staging / "page.html", out["html"])
    os.replace(staging / "reviewer.html", out["reviewer_html"])
    _replace_dir_contents(figures_root / report.name, out["figures"])
    os.replace(executed, out["notebook"])  # last: its presence marks a complete report
    out["failed"].unlink(missing_ok=True)
    shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(figures_root / report.name, ignore_errors=True)
    return Outcome(report.name, True, time.perf_counter() - start)
