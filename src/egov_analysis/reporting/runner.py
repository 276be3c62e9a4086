"""`egov-analysis build`: clean if the raw data changed, then run every report that changed.

Reports run in parallel worker processes (each with its own kernel, for reproducible reports). A
failing report is named with its cell and error while the others finish; its previous good
outputs stay; the build exits non-zero at the end. A lock file keeps two builds (say, two
scheduled runs) from overlapping.

Faults it survives:
- workers end with the build process: on Linux the kernel kills them when it dies
  (``PR_SET_PDEATHSIG``), elsewhere a watchdog thread does; their kernels follow (ipykernel exits
  when its parent changes). Workers only write to staging folders; the build process publishes,
  under the lock, so a killed build never publishes anything afterwards;
- staging folders left by killed builds are swept by the next build (under the lock no other
  build has one);
- a report is up to date only when every output it wrote is still there, byte for byte;
- a full disk, a read-only output folder or a name too long for the file system stops the build
  with one line (:class:`BuildFaultError`); nothing is half-written.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import sys
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Paths
from .engines import ClusterExecutor
from .execute import STAGING, Outcome, fault_of, finish_local, output_paths, run_report
from .reports import DEFAULT_SET, Report, ReportsFileError, load_reports, select
from .state import library_hash, read_state, report_hash, write_state

LOCK_FILE = ".build.lock"
PR_SET_PDEATHSIG = 1
# the longest output file name a report gets: <name>.reviewer.html
LONGEST_SUFFIX = ".reviewer.html"

Log = Callable[[str], None]


class BuildLockedError(RuntimeError):
    """Another build holds the lock."""


class BuildFaultError(RuntimeError):
    """The build cannot write its outputs (disk full, read-only, name too long); one line."""


@dataclass
class BuildResult:
    ran: list[Outcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    cleaned: bool = False

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.ran if not o.ok]

    @property
    def warnings(self) -> list[str]:
        """ "<report>: <chart kind>: <problem>" for every chart text problem of the reports run."""
        return [f"{o.name}: {w}" for o in self.ran for w in o.warnings]


def default_reports_file(paths: Paths) -> Path:
    return paths.root / "reports.toml"


def _data_fingerprint(paths: Paths) -> str:
    from ..clean.publish import read_manifest

    manifest = read_manifest(paths.processed) or {}
    return str(manifest.get("raw_fingerprint", ""))


def output_digests(paths: Paths, name: str) -> dict[str, str]:
    """A hash of every output file of report ``name``, by path relative to its root folder."""
    out = output_paths(paths, name)
    files = [out["notebook"], out["html"], out["reviewer_html"]]
    if out["figures"].is_dir():
        files += sorted(p for p in out["figures"].iterdir() if p.is_file())
    digests = {}
    for path in files:
        base = paths.figures if path.is_relative_to(paths.figures) else paths.reports
        try:
            digests[path.relative_to(base).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
        except FileNotFoundError:
            digests[path.relative_to(base).as_posix()] = "missing"
    return digests


def _up_to_date(report: Report, paths: Paths, state: dict, digest: str) -> bool:
    """The inputs are unchanged and every output is there as it was written."""
    entry = state.get(report.name, {})
    return entry.get("hash") == digest and entry.get("outputs") == output_digests(paths, report.name)


def check_names_fit(reports: Sequence[Report], reports_file: Path, paths: Paths) -> None:
    """Refuse a report whose output file names would be too long for the file system."""
    folder = paths.reports if paths.reports.exists() else paths.reports.parent
    try:
        limit = os.pathconf(folder if folder.exists() else "/", "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    for report in reports:
        size = len((report.name + LONGEST_SUFFIX).encode())
        if size > limit:
            raise ReportsFileError(
                f"{reports_file}: report name {report.name[:40]!r}… is {len(report.name.encode())} bytes; "
                f"output file names must fit in {limit} bytes, so names may have at most "
                f"{limit - len(LONGEST_SUFFIX)}"
            )


def check_parameter_values(reports: Sequence[Report], reports_file: Path) -> None:
    """Refuse parameter values that are not plain JSON data (a TOML date or time, say)."""
    for report in reports:
        for key, value in report.parameters.items():
            try:
                json.dumps(value)
            except TypeError:
                kind = type(value).__name__
                raise ReportsFileError(
                    f"{reports_file}: report {report.name!r}: parameter {key!r} is a TOML {kind} "
                    f'({value}); write it as a string, e.g. {key} = "{value}"'
                ) from None


def build(
    paths: Paths,
    reports_file: Path | None = None,
    jobs: int = 2,
    only: Sequence[str] = (),
    force: bool = False,
    progress: bool = True,
    report_set: str = DEFAULT_SET,
    scheduler: str | None = None,
    log: Log | None = None,
) -> BuildResult:
    """Build the reports of ``report_set`` (on the Dask ``scheduler`` if given); see the module
    docstring. Every problem of every report of the reports file is reported at once
    (:class:`~egov_analysis.reporting.reports.ReportsFileError`), before any kernel starts and
    before anything is written.

    ``progress``: a bar on a terminal; elsewhere (cron, CI) ``log`` gets one line per finished
    report (name, status, seconds), and always a line when the raw data were cleaned, before the
    reports run. Raises :class:`BuildLockedError` if a build is running,
    :class:`~egov_analysis.reporting.reports.ReportsFileError` for a bad reports file (before
    anything is written), :class:`BuildFaultError` when the outputs cannot be written.
    """
    from filelock import FileLock, Timeout

    reports_file = reports_file or default_reports_file(paths)
    reports = load_reports(reports_file, paths.notebooks)  # the contract of every report, no kernel yet
    check_parameter_values(reports, reports_file)
    check_names_fit(reports, reports_file, paths)
    selected = select(reports, report_set, only)
    try:
        paths.reports.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(paths.reports / LOCK_FILE))
        lock.acquire(timeout=0)
    except Timeout:
        raise BuildLockedError(f"another build is running (lock {paths.reports / LOCK_FILE})") from None
    except OSError as err:
        raise BuildFaultError(_os_error_line(err, paths.reports)) from None
    try:
        quiet: Log = lambda _: None  # noqa: E731
        return _build_locked(paths, reports, selected, jobs, force, progress, scheduler, log or quiet)
    except OSError as err:
        raise BuildFaultError(_os_error_line(err, paths.reports)) from None
    finally:
        lock.release()


def _os_error_line(err: OSError, where: Path) -> str:
    return f"cannot write {err.filename or where}: {err.strerror or err}"


def sweep_staging(paths: Paths) -> list[Path]:
    """Remove staging folders left by killed builds. Call with the build lock held: no other live
    build can have one."""
    removed = []
    for root in (paths.reports / STAGING, paths.figures / STAGING):
        if root.is_dir():
            for folder in root.iterdir():
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
    return removed


def _build_locked(
    paths: Paths,
    reports: list[Report],
    selected: list[Report],
    jobs: int,
    force: bool,
    progress: bool,
    scheduler: str | None,
    log: Log,
) -> BuildResult:
    from ..datasets import ensure_fresh

    result = BuildResult()
    sweep_staging(paths)
    if ensure_fresh(paths):
        result.cleaned = True
        log(f"build: cleaned the raw data into {paths.processed}")
    state = read_state(paths.reports)
    library, data = library_hash(), _data_fingerprint(paths)
    digests = {r.name: report_hash(r, paths.notebooks, library, data) for r in selected}
    todo = [r for r in selected if force or not _up_to_date(r, paths, state, digests[r.name])]
    result.skipped = [r.name for r in selected if r not in todo]

    failures: dict[str, str] = {n: str(e.get("last_error")) for n, e in state.items() if e.get("last_error")}
    fault = ""
    if todo:

        def record(outcome: Outcome) -> None:
            entry = state.setdefault(outcome.name, {})
            if outcome.ok:
                now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
                entry.update(
                    hash=digests[outcome.name],
                    built_at=now,
                    seconds=round(outcome.seconds, 2),
                    outputs=output_digests(paths, outcome.name),
                )
                entry.pop("last_error", None)
                failures.pop(outcome.name, None)
            else:
                entry["last_error"] = outcome.error.splitlines()[0]
                failures[outcome.name] = str(entry["last_error"])

        before = json.dumps(state, sort_keys=True)
        outcomes, fault = _run_all(todo, paths, jobs, progress, scheduler, log, record)
        result.ran = outcomes
        if json.dumps(state, sort_keys=True) != before:
            write_state(paths.reports, state)
    if fault:
        if "/" not in fault and "\\" not in fault:  # the error named no file
            fault += f" (writing under {paths.reports} or {paths.figures})"
        raise BuildFaultError(f"{fault}; the previous outputs are kept")
    from .index_page import write_index
    from .vendor import write_vendor

    if todo or not (paths.reports / "html" / "vendor").is_dir():
        write_vendor(paths.reports / "html", paths)  # once per build, for every page of every language
    shown = {r.name for r in selected} | set(state)  # this set, and reports of other sets once built
    write_index(paths, [r for r in reports if r.name in shown], state, failures)
    return result


def _worker_init(parent: int) -> None:
    """End this worker when the build process ends, however it ends (SIGKILL included)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:  # where PR_SET_PDEATHSIG does not exist, and as a second guard
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="parent-watchdog").start()
    from .execute import one_thread_each
    from .kernel import start_kernel_server

    one_thread_each(os.environ)  # the kernel server and its kernels inherit it

    start_kernel_server()  # its imports overlap the worker's own (papermill, nbconvert)


def _status_line(outcome: Outcome) -> str:
    if outcome.ok:
        return f"ok      {outcome.name} ({outcome.seconds:.1f} s)"
    return f"FAILED  {outcome.name} ({outcome.seconds:.1f} s): {outcome.error.splitlines()[0]}"


def _run_all(
    todo: list[Report],
    paths: Paths,
    jobs: int,
    progress: bool,
    scheduler: str | None,
    log: Log,
    record: Callable[[Outcome], None],
) -> tuple[list[Outcome], str]:
    """Run ``todo`` in worker processes (or on the Dask cluster at ``scheduler``); publish each
    finished report here, under the lock (a cluster run is published by ``ClusterExecutor``, in
    this process too).

    Returns the outcomes in ``todo``'s order and the first file-system fault ("" if none); after a
    fault no further report is started.
    """
    from tqdm.auto import tqdm

    run_id = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    outcomes: list[Outcome] = []
    fault = ""
    bar_on = progress and sys.stderr.isatty()
    # spawn: workers start clean, whatever threads the parent process has (pandas, pyarrow)
    context = multiprocessing.get_context("spawn")
    try:
        with (
            (
                ClusterExecutor(scheduler)
                if scheduler
                else ProcessPoolExecutor(
                    max_workers=max(1, jobs),
                    mp_context=context,
                    initializer=_worker_init,
                    initargs=(os.getpid(),),
                )
            ) as pool,
            tqdm(total=len(todo), desc="reports", unit="report", disable=not bar_on, file=sys.stderr) as bar,
        ):
            futures: dict[Future[Outcome], Report] = {
                pool.submit(run_report, report, paths, run_id): report for report in todo
            }
            pending = set(futures)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    report = futures[future]
                    if future.cancelled():
                        continue
                    try:
                        outcome = future.result()
                    except Exception as err:  # a worker that died (out of memory, killed)
                        died = f"worker died: {type(err).__name__}: {err}"
                        outcome = Outcome(report.name, False, 0.0, died)
                    if not scheduler:
                        outcome = finish_local(outcome, report, paths, run_id)
                    this_fault = fault_of(outcome.error) if not outcome.ok else ""
                    if this_fault and not fault:
                        fault = this_fault
                        for other in pending:
                            other.cancel()
                    if not this_fault:
                        record(outcome)
                    outcomes.append(outcome)
                    if this_fault:
                        continue  # the build stops with one line about it
                    line = _status_line(outcome)
                    if bar_on:
                        bar.set_postfix_str(f"{report.name} {'ok' if outcome.ok else 'FAILED'}")
                        bar.update()
                    if progress:
                        (bar.write if bar_on else log)(line)
                    for warning in outcome.warnings:  # shown even when quiet: a reader would see it
                        (bar.write if bar_on else log)(f"warning {report.name}: {warning}")
    finally:
        for root in (paths.reports / STAGING, paths.figures / STAGING):
            shutil.rmtree(root / run_id, ignore_errors=True)
            with contextlib.suppress(OSError):
                root.rmdir()  # when empty
    order = [r.name for r in todo]
    return sorted(outcomes, key=lambda o: order.index(o.name)), fault
