"""`egov-analysis build`: clean if the raw data changed, then run every report that changed.

Reports run in parallel worker processes (each with its own kernel, for reproducible reports);
a progress bar shows them; a failing report is named with its cell and error while the others
finish; its previous good outputs stay; the build exits non-zero at the end. A lock file keeps
two builds (say, two scheduled runs) from overlapping.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import shutil
import sys
import uuid
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Paths
from .engines import ClusterExecutor
from .execute import Outcome, output_paths, run_report
from .reports import DEFAULT_SET, Report, load_reports, select
from .state import library_hash, read_state, report_hash, write_state

LOCK_FILE = ".build.lock"


class BuildLockedError(RuntimeError):
    """Another build holds the lock."""


@dataclass
class BuildResult:
    ran: list[Outcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    cleaned: bool = False

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.ran if not o.ok]


def default_reports_file(paths: Paths) -> Path:
    return paths.root / "reports.toml"


def _data_fingerprint(paths: Paths) -> str:
    from ..clean.publish import read_manifest

    manifest = read_manifest(paths.processed) or {}
    return str(manifest.get("raw_fingerprint", ""))


def _up_to_date(report: Report, paths: Paths, state: dict, digest: str) -> bool:
    entry = state.get(report.name, {})
    out = output_paths(paths, report.name)
    return entry.get("hash") == digest and all(out[k].exists() for k in ("notebook", "html", "reviewer_html"))


def build(
    paths: Paths,
    reports_file: Path | None = None,
    jobs: int = 2,
    only: Sequence[str] = (),
    force: bool = False,
    progress: bool = True,
    report_set: str = DEFAULT_SET,
    scheduler: str | None = None,
) -> BuildResult:
    """Build the reports of ``report_set`` (on the Dask ``scheduler`` if given); see the module
    docstring. Raises BuildLockedError if a build is running, ReportsFileError (every problem of
    every report at once, before any kernel starts) if the reports file is wrong."""
    from filelock import FileLock, Timeout

    paths.reports.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(paths.reports / LOCK_FILE))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise BuildLockedError(f"another build is running (lock {paths.reports / LOCK_FILE})") from None
    try:
        reports = reports_file or default_reports_file(paths)
        return _build_locked(paths, reports, jobs, only, force, progress, report_set, scheduler)
    finally:
        lock.release()


def _build_locked(
    paths: Paths,
    reports_file: Path,
    jobs: int,
    only: Sequence[str],
    force: bool,
    progress: bool,
    report_set: str = DEFAULT_SET,
    scheduler: str | None = None,
) -> BuildResult:
    from ..datasets import is_stale

    result = BuildResult()
    reports = load_reports(reports_file, paths.notebooks)  # the contract of every report, no kernel yet
    selected = select(reports, report_set, only)
    if is_stale(paths):
        from ..clean.run import clean

        clean(paths)
        result.cleaned = True
    state = read_state(paths.reports)
    library, data = library_hash(), _data_fingerprint(paths)
    digests = {r.name: report_hash(r, paths.notebooks, library, data) for r in selected}
    todo = [r for r in selected if force or not _up_to_date(r, paths, state, digests[r.name])]
    result.skipped = [r.name for r in selected if r not in todo]

    failures: dict[str, str] = {n: str(e.get("last_error")) for n, e in state.items() if e.get("last_error")}
    if todo:
        outcomes = _run_all(todo, paths, jobs, progress, scheduler)
        now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        for outcome in outcomes:
            entry = state.setdefault(outcome.name, {})
            if outcome.ok:
                entry.update(hash=digests[outcome.name], built_at=now, seconds=round(outcome.seconds, 2))
                entry.pop("last_error", None)
                failures.pop(outcome.name, None)
            else:
                entry["last_error"] = outcome.error.splitlines()[0]
                failures[outcome.name] = entry["last_error"]
        result.ran = outcomes
        write_state(paths.reports, state)
    from .index_page import write_index

    shown = {r.name for r in selected} | set(state)  # this set, and reports of other sets once built
    write_index(paths, [r for r in reports if r.name in shown], state, failures)
    return result


def _run_all(
    todo: list[Report], paths: Paths, jobs: int, progress: bool, scheduler: str | None = None
) -> list[Outcome]:
    from tqdm.auto import tqdm

    run_id = uuid.uuid4().hex[:12]
    outcomes: list[Outcome] = []
    # spawn: workers start clean, whatever threads the parent process has (pandas, pyarrow)
    context = multiprocessing.get_context("spawn")
    try:
        with (
            (
                ClusterExecutor(scheduler)
                if scheduler
                else ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=context)
            ) as pool,
            tqdm(
                total=len(todo), desc="reports", unit="report", disable=not progress, file=sys.stderr
            ) as bar,
        ):
            futures = {pool.submit(run_report, report, paths, run_id): report for report in todo}
            for future in as_completed(futures):
                report = futures[future]
                try:
                    outcome = future.result()
                except Exception as err:  # a worker that died (out of memory, killed)
                    outcome = Outcome(report.name, False, 0.0, f"worker died: {err!r}")
                outcomes.append(outcome)
                bar.set_postfix_str(f"{report.name} {'ok' if outcome.ok else 'FAILED'}")
                bar.update()
    finally:
        shutil.rmtree(paths.reports / ".staging" / run_id, ignore_errors=True)
        shutil.rmtree(paths.figures / ".staging" / run_id, ignore_errors=True)
    return sorted(outcomes, key=lambda o: [r.name for r in todo].index(o.name))
