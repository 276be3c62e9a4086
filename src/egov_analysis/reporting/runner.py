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
  with one line (:class:`BuildFaultError`); nothing is half-written;
- SIGTERM and SIGINT (a systemd stop, a CI time-out, Ctrl-C) stop it cleanly: the workers are
  stopped, the reports already finished stay published and recorded (the state is written after
  every report, atomically), and :class:`BuildInterruptedError` says which signal;
- a report that runs longer than its time limit fails (a hung kernel, a lost Dask worker).

Only the reports whose inputs changed run (:mod:`.inputs`, :mod:`.state`); :func:`dry_run` says
which and why without running anything.
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
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Paths
from .contract import load_reports
from .engines import ClusterExecutor
from .execute import STAGING, Outcome, fault_of, finish_local, output_paths, run_report
from .reports import DEFAULT_SET, Report, ReportsFileError, name_problem, select
from .state import Inputs, read_state, write_state

LOCK_FILE = ".build.lock"
DATA_CACHE = ".data_fingerprints.json"  # per-index fingerprints of the processed tables
PR_SET_PDEATHSIG = 1
# the longest output file name a report gets: <name>.reviewer.html
LONGEST_SUFFIX = ".reviewer.html"
DEFAULT_TIME_LIMIT = 1800.0  # seconds one report may run (a hung kernel, a lost Dask worker)
LOCKED_EXIT = 75  # EX_TEMPFAIL (sysexits.h): try again later; a broken reports file exits 2
# exit statuses of a build stopped by a signal, as a shell reports them (128 + the signal's number)
SIGNAL_EXIT = {signal.SIGINT: 130, signal.SIGTERM: 143}

Log = Callable[[str], None]


class BuildLockedError(RuntimeError):
    """Another build holds the lock (the command exits with :data:`LOCKED_EXIT`)."""


class BuildFaultError(RuntimeError):
    """The build cannot write its outputs (disk full, read-only, name too long); one line."""


@dataclass
class BuildResult:
    ran: list[Outcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    cleaned: bool = False
    reasons: dict[str, str] = field(default_factory=dict)  # why each report that ran had to
    pruned: list[str] = field(default_factory=list)  # reports no longer listed: outputs removed
    seconds: float = 0.0

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.ran if not o.ok]

    @property
    def warnings(self) -> list[str]:
        """ "<report>: <chart kind>: <problem>" for every chart text problem of the reports run."""
        return [f"{o.name}: {w}" for o in self.ran for w in o.warnings]

    def summary(self, stopped_by: str = "") -> str:
        """The build's last log line, for monitors: the time (ISO 8601, UTC), reports run (failed
        ones included), failed, up to date, and the build's seconds."""
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        status = f"stopped by {stopped_by}" if stopped_by else "finished"
        return (
            f"{now} build {status}: ran {len(self.ran)}, failed {len(self.failures)}, "
            f"up to date {len(self.skipped)}, {self.seconds:.1f} s"
        )


class BuildInterruptedError(Exception):
    """SIGTERM or SIGINT stopped the build; the reports that finished are kept (``result``)."""

    def __init__(self, signum: int, result: BuildResult | None = None) -> None:
        self.signum = signum
        self.result = result or BuildResult()
        super().__init__(signal.Signals(signum).name)

    @property
    def signal_name(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_status(self) -> int:
        return SIGNAL_EXIT.get(signal.Signals(self.signum), 128 + self.signum)


def default_reports_file(paths: Paths) -> Path:
    return paths.root / "reports.toml"


def own_outputs(paths: Paths, reports_file: Path) -> Paths:
    """The output folders of ``reports_file`` when none are given: the project's for its own
    reports file; for any other, ``<stem>-outputs/reports`` and ``<stem>-outputs/figures`` beside
    the file, so a researcher's run never changes the published site."""
    if reports_file.resolve() == default_reports_file(paths).resolve():
        return paths
    folder = reports_file.resolve().parent / f"{reports_file.stem}-outputs"
    return paths.with_overrides(reports=folder / "reports", figures=folder / "figures")


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


def plan(
    paths: Paths, reports: Sequence[Report], state: dict[str, Any], inputs: Inputs, force: bool = False
) -> dict[str, str]:
    """Every report of ``reports`` that must run, in order, with why: ``forced``, ``notebook: x.ipynb``,
    ``parameters``, ``data: indices[dti]`` (a table, or one index's rows of it), ``library:
    egov_analysis.tables`` (modules), ``output missing: …``, ``output changed: …``, ``failed last
    time`` (several joined by ``; ``)."""
    found = {}
    for report in reports:
        entry = state.get(report.name, {})
        why = ["forced"] if force else inputs.reasons(report, entry, output_digests(paths, report.name))
        if why:
            found[report.name] = "; ".join(why)
    return found


def dry_run(
    paths: Paths,
    reports_file: Path | None = None,
    only: Sequence[str] = (),
    force: bool = False,
    report_set: str = DEFAULT_SET,
    log: Log | None = None,
) -> dict[str, str]:
    """What :func:`build` would run and why (:func:`plan`), running and writing nothing. When the raw
    data changed since the last clean, they are cleaned into a temporary folder to compare (``log``
    says so). Raises what :func:`build` raises for a bad reports file and the cleaning's
    ``ValidationError``."""
    import tempfile

    from ..datasets import is_stale

    reports_file = reports_file or default_reports_file(paths)
    reports = load_reports(reports_file, paths.notebooks)
    check_parameter_values(reports, reports_file)
    selected = select(reports, report_set, only)
    state = read_state(paths.reports)
    with tempfile.TemporaryDirectory(prefix="egov-dry-run-") as tmp:
        processed = paths.processed
        if is_stale(paths):
            from ..clean.run import clean

            (log or _silent)(f"dry run: the raw data changed; cleaning them into {tmp} to compare")
            processed = Path(tmp) / "processed"
            clean(paths.with_overrides(processed=processed))
        inputs = Inputs(paths.notebooks, processed, paths.reports / DATA_CACHE, write_cache=False)
        return plan(paths, selected, state, inputs, force)


def _silent(line: str) -> None:
    pass


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGINT into :class:`BuildInterruptedError` (once: a second signal during
    the clean-up is ignored); the previous handlers come back afterwards. Main thread only."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    raised: list[int] = []

    def stop(signum: int, frame: object) -> None:
        if not raised:
            raised.append(signum)
            raise BuildInterruptedError(signum)

    previous = {signum: signal.signal(signum, stop) for signum in SIGNAL_EXIT}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


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
    wait_for_lock: float | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> BuildResult:
    """Build the reports of ``report_set`` (on the Dask ``scheduler`` if given); see the module
    docstring. Every problem of every report of the reports file is reported at once
    (:class:`~egov_analysis.reporting.reports.ReportsFileError`), before any kernel starts and
    before anything is written.

    ``progress``: a bar on a terminal; elsewhere (cron, CI) ``log`` gets one line per finished
    report (name, status, seconds). ``log`` always gets a line when the raw data were cleaned, for
    each failure (with the kept ``.failed.ipynb``), each chart warning and each pruned report.
    ``wait_for_lock``: seconds to wait for another build's lock (``None``: none; negative: as long
    as it takes). ``time_limit``: seconds one report may run before it fails.

    Raises :class:`BuildLockedError` if a build is running,
    :class:`~egov_analysis.reporting.reports.ReportsFileError` for a bad reports file (before
    anything is written), :class:`BuildFaultError` when the outputs cannot be written and
    :class:`BuildInterruptedError` (with the result so far) on SIGTERM or SIGINT.
    """
    from filelock import FileLock, Timeout

    started = time.monotonic()
    log = log or _silent
    reports_file = reports_file or default_reports_file(paths)
    reports = load_reports(reports_file, paths.notebooks)  # the contract of every report, no kernel yet
    check_parameter_values(reports, reports_file)
    check_names_fit(reports, reports_file, paths)
    selected = select(reports, report_set, only)
    with _stop_on_signals():
        try:
            paths.reports.mkdir(parents=True, exist_ok=True)
            lock = FileLock(str(paths.reports / LOCK_FILE))
            try:
                lock.acquire(timeout=0)
            except Timeout:
                if wait_for_lock is None:
                    raise
                log(f"build: waiting for the build that holds {paths.reports / LOCK_FILE}")
                lock.acquire(timeout=wait_for_lock if wait_for_lock >= 0 else -1)
        except Timeout:
            raise BuildLockedError(f"another build is running (lock {paths.reports / LOCK_FILE})") from None
        except OSError as err:
            raise BuildFaultError(_os_error_line(err, paths.reports)) from None
        result = BuildResult()
        try:
            _build_locked(
                paths,
                reports_file,
                reports,
                selected,
                jobs,
                force,
                progress,
                scheduler,
                log,
                time_limit,
                result,
            )
        except BuildInterruptedError as err:
            result.seconds = time.monotonic() - started
            err.result = result
            raise
        except OSError as err:
            raise BuildFaultError(_os_error_line(err, paths.reports)) from None
        finally:
            lock.release()
        result.seconds = time.monotonic() - started
        return result


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


def prune(paths: Paths, reports: Sequence[Report], state: dict[str, Any]) -> list[str]:
    """Remove the outputs and the state entry of every report the build state knows but the reports
    file no longer lists; returns their names. Only outputs the build wrote are touched (a
    notebook run by hand writes ``figures/<notebook>/``, which no state entry names)."""
    listed = {r.name for r in reports}
    gone = sorted(name for name in state if name not in listed)
    for name in gone:
        del state[name]
        if name_problem(name):  # not a name the build could have written: nothing to remove
            continue
        out = output_paths(paths, name)
        for key in ("notebook", "html", "reviewer_html", "failed"):
            out[key].unlink(missing_ok=True)
        shutil.rmtree(out["figures"], ignore_errors=True)
    return gone


def _build_locked(
    paths: Paths,
    reports_file: Path,
    reports: list[Report],
    selected: list[Report],
    jobs: int,
    force: bool,
    progress: bool,
    scheduler: str | None,
    log: Log,
    time_limit: float,
    result: BuildResult,
) -> None:
    from ..datasets import ensure_fresh

    sweep_staging(paths)
    if ensure_fresh(paths):
        result.cleaned = True
        log(f"build: cleaned the raw data into {paths.processed}")
    state = read_state(paths.reports)
    result.pruned = prune(paths, reports, state)
    for name in result.pruned:
        log(f"build: removed the outputs of {name!r}, which {reports_file.name} no longer lists")
    if result.pruned:
        write_state(paths.reports, state)
    inputs = Inputs(paths.notebooks, paths.processed, paths.reports / DATA_CACHE)
    result.reasons = plan(paths, selected, state, inputs, force)
    todo = [r for r in selected if r.name in result.reasons]
    result.skipped = [r.name for r in selected if r.name not in result.reasons]
    by_name = {r.name: r for r in selected}

    failures: dict[str, str] = {n: str(e.get("last_error")) for n, e in state.items() if e.get("last_error")}
    fault = ""
    if todo:

        def record(outcome: Outcome) -> None:
            """Keep what a finished report was built from, on disk at once (a build stopped later
            does not run it again)."""
            entry = state.setdefault(outcome.name, {})
            if outcome.ok:
                now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
                entry.update(
                    inputs=inputs.after_run(by_name[outcome.name], outcome.reads),
                    built_at=now,
                    seconds=round(outcome.seconds, 2),
                    outputs=output_digests(paths, outcome.name),
                )
                entry.pop("hash", None)  # the whole-library key of earlier builds
                entry.pop("last_error", None)
                failures.pop(outcome.name, None)
            else:
                entry["last_error"] = outcome.error.splitlines()[0]
                failures[outcome.name] = str(entry["last_error"])
            write_state(paths.reports, state)

        fault = _run_all(todo, paths, jobs, progress, scheduler, log, record, time_limit, result.ran)
    if fault:
        if "/" not in fault and "\\" not in fault:  # the error named no file
            fault += f" (writing under {paths.reports} or {paths.figures})"
        raise BuildFaultError(f"{fault}; the previous outputs are kept")
    from .index_page import write_index

    # the default set, and the reports of other sets once built
    shown = {r.name for r in reports if r.set_name == DEFAULT_SET} | set(state)
    write_index(paths, [r for r in reports if r.name in shown], state, failures)


def _worker_init(parent: int) -> None:
    """End this worker when the build process ends, however it ends (SIGKILL included)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the build; it stops the workers

    def watch() -> None:  # where PR_SET_PDEATHSIG does not exist, and as a second guard
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="parent-watchdog").start()
    from .execute import one_thread_each
    from .kernel import start_kernel_server

    one_thread_each(os.environ)  # the kernel server and its kernels inherit it

    start_kernel_server()  # its imports overlap the worker's own (papermill, nbconvert)


def _status_line(outcome: Outcome, paths: Paths) -> str:
    if outcome.ok:
        return f"ok      {outcome.name} ({outcome.seconds:.1f} s)"
    line = f"FAILED  {outcome.name} ({outcome.seconds:.1f} s): {outcome.error.splitlines()[0]}"
    kept = output_paths(paths, outcome.name)["failed"]
    return f"{line}; executed notebook kept: {kept}" if kept.exists() else line


def _stop_workers(pool: Executor) -> None:
    """Stop a pool's workers now: a local worker process is killed (its kernel server and kernels
    follow it), a cluster's queued and running reports are cancelled."""
    if isinstance(pool, ProcessPoolExecutor):
        for process in list(getattr(pool, "_processes", {}).values()):
            with contextlib.suppress(OSError, AttributeError):
                process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def _run_all(
    todo: list[Report],
    paths: Paths,
    jobs: int,
    progress: bool,
    scheduler: str | None,
    log: Log,
    record: Callable[[Outcome], None],
    time_limit: float,
    outcomes: list[Outcome],
) -> str:
    """Run ``todo`` in worker processes (or on the Dask cluster at ``scheduler``); publish each
    finished report here, under the lock (a cluster run is published by ``ClusterExecutor``, in
    this process too), and ``record`` it at once.

    Appends the outcomes to ``outcomes`` as they come and returns the first file-system fault ("" if
    none); after a fault no further report is started. On SIGTERM or SIGINT the workers are
    stopped and :class:`BuildInterruptedError` propagates.
    """
    from tqdm.auto import tqdm

    run_id = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    fault = ""
    bar_on = progress and sys.stderr.isatty()
    # spawn: workers start clean, whatever threads the parent process has (pandas, pyarrow)
    context = multiprocessing.get_context("spawn")
    pool: Executor | None = None
    interrupted = False
    try:
        pool = (
            ClusterExecutor(scheduler, time_limit)
            if scheduler
            else ProcessPoolExecutor(
                max_workers=max(1, jobs),
                mp_context=context,
                initializer=_worker_init,
                initargs=(os.getpid(),),
            )
        )
        with tqdm(total=len(todo), desc="reports", unit="report", disable=not bar_on, file=sys.stderr) as bar:
            futures: dict[Future[Outcome], Report] = {
                pool.submit(run_report, report, paths, run_id, time_limit): report for report in todo
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
                    line = _status_line(outcome, paths)
                    if bar_on:
                        bar.set_postfix_str(f"{report.name} {'ok' if outcome.ok else 'FAILED'}")
                        bar.update()
                    if progress or not outcome.ok:  # a failure is told even when quiet
                        (bar.write if bar_on else log)(line)
                    for warning in outcome.warnings:  # shown even when quiet: a reader would see it
                        (bar.write if bar_on else log)(f"warning {report.name}: {warning}")
    except BuildInterruptedError:
        interrupted = True
        raise
    finally:
        if pool is not None:
            if interrupted:
                _stop_workers(pool)
            else:
                pool.shutdown(wait=True)
        for root in (paths.reports / STAGING, paths.figures / STAGING):
            shutil.rmtree(root / run_id, ignore_errors=True)
            with contextlib.suppress(OSError):
                root.rmdir()  # when empty
    order = [r.name for r in todo]
    outcomes.sort(key=lambda o: order.index(o.name))
    return fault
