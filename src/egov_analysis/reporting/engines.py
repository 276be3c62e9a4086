"""Where report runs go: the local process pool (the default) or a Dask cluster.

``egov-analysis build --scheduler tcp://HOST:PORT`` (or ``EGOV_DASK_SCHEDULER``) sends each report
to a ``dask.distributed`` cluster. :class:`ClusterExecutor` looks to the build like the local
``ProcessPoolExecutor``: ``submit(run_report, report, paths, run_id)`` returns a future of the
:class:`~.execute.Outcome`. Behind it the report runs on a worker in a temporary folder
(:func:`~.execute.run_remote`, a plain function), its files come back as bytes, and the build
process stages and publishes them with the local code (:func:`~.execute.receive`), under the
build's lock and with the build's cache. Only connect to schedulers you trust: a Dask scheduler
runs whatever code its clients send, and returns whatever its workers say.

A cluster fails rather than hangs: a report runs under the build's time limit on its worker, and a
watcher thread fails every unfinished report with one line when the scheduler has had no worker
for :data:`NO_WORKER_GRACE` seconds (the only worker died) or cannot be reached any more.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any

from ..config import Paths
from .execute import Outcome, RemoteTask, receive, run_remote
from .reports import Report

SCHEDULER_ENV = "EGOV_DASK_SCHEDULER"
CONNECT_TIMEOUT = "20s"
NO_WORKER_GRACE = 10.0  # seconds without a worker before the unfinished reports fail
WATCH_EVERY = 1.0


class SchedulerError(RuntimeError):
    """The Dask scheduler cannot be reached (or distributed is not installed)."""


def scheduler_address(option: str | None) -> str | None:
    """The scheduler to use: the option, else ``EGOV_DASK_SCHEDULER``, else ``None`` (local pool)."""
    return option or os.environ.get(SCHEDULER_ENV) or None


def _data_fingerprint(paths: Paths) -> str:
    from ..clean.publish import read_manifest

    return str((read_manifest(paths.processed) or {}).get("raw_fingerprint", ""))


class ClusterExecutor(Executor):
    """A ``concurrent.futures.Executor`` that runs reports on a Dask cluster and publishes them here.

    Publishing happens in one thread of this process, one report at a time, so the build's lock,
    staging folders and atomic swaps are those of a local run."""

    def __init__(self, address: str, time_limit: float | None = None) -> None:
        try:
            from distributed import Client
        except ImportError as err:  # pragma: no cover - the dev and cluster extras install it
            hint = "pip install 'egov-analysis[cluster]'"
            raise SchedulerError(f"--scheduler needs dask.distributed: {hint}") from err
        self.address = address
        self.time_limit = time_limit
        self.client = _connect(Client, address)
        self._publishing = threading.Lock()
        self._remote: list[Any] = []
        self._outer: dict[Future[Outcome], str] = {}
        self._library: str | None = None
        self._closed = threading.Event()
        self._watcher = threading.Thread(target=self._watch, daemon=True, name="dask-worker-watch")
        self._watcher.start()

    def _worker_count(self) -> int:
        """Workers the scheduler has now; 0 when it cannot be asked."""
        try:
            info = self.client.scheduler_info(n_workers=-1)
        except TypeError:  # an older distributed without n_workers
            info = self.client.scheduler_info()
        except Exception:  # the scheduler is gone: no worker will come back through it
            return 0
        return len(info.get("workers", {}))

    def _watch(self) -> None:
        """Fail every unfinished report once the scheduler has had no worker for a while."""
        since: float | None = None
        while not self._closed.wait(WATCH_EVERY):
            if not any(not f.done() for f in list(self._outer)):
                since = None
                continue
            if self._worker_count():
                since = None
                continue
            since = since or time.monotonic()
            if time.monotonic() - since >= NO_WORKER_GRACE:
                line = f"no Dask worker left on {self.address} for {NO_WORKER_GRACE:g} s"
                for outer, name in list(self._outer.items()):
                    self._settle(outer, Outcome(name, False, 0.0, line))
                with contextlib.suppress(Exception):
                    self.client.cancel(self._remote)
                since = None

    def _settle(self, outer: Future[Outcome], outcome: Outcome) -> None:
        with self._publishing:
            if not outer.done():
                outer.set_result(outcome)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Only ``submit(run_report, report, paths, run_id)`` is understood (what the build sends)."""
        report, paths, run_id = args[:3]
        if not isinstance(report, Report) or not isinstance(paths, Paths):
            raise TypeError("ClusterExecutor runs reports: submit(run_report, report, paths, run_id)")
        if self._library is None:
            from .inputs import library_hash

            self._library = library_hash()
        task = RemoteTask(
            report=report,
            notebook=(paths.notebooks / report.notebook).read_bytes(),
            raw=str(paths.raw),
            processed=str(paths.processed),
            data_fingerprint=_data_fingerprint(paths),
            library=self._library,
            time_limit=self.time_limit,
        )
        outer: Future[Outcome] = Future()
        outer.set_running_or_notify_cancel()
        self._outer[outer] = report.name
        remote = self.client.submit(run_remote, task, pure=False, key=f"egov-report-{run_id}-{report.name}")
        self._remote.append(remote)
        remote.add_done_callback(lambda done: self._finish(done, outer, report, paths, run_id))
        return outer

    def _finish(self, done: Any, outer: Future[Outcome], report: Report, paths: Paths, run_id: str) -> None:
        try:
            result = done.result()
            with self._publishing:
                if not outer.done():  # not failed already by the watcher
                    outer.set_result(receive(result, report, paths, run_id))
        except BaseException as err:  # a lost worker, a cancelled run: the build records it as failed
            line = str(err).splitlines()[0] if str(err) else ""
            self._settle(
                outer, Outcome(report.name, False, 0.0, f"on the cluster: {type(err).__name__}: {line}")
            )

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._closed.set()
        with _quiet_distributed():
            if cancel_futures:
                with contextlib.suppress(Exception):
                    self.client.cancel(self._remote)
            with contextlib.suppress(Exception):
                self.client.close(timeout=5)


def _connect(client_class: Any, address: str) -> Any:
    """A client of the scheduler at ``address``, or :class:`SchedulerError` in one line within
    :data:`CONNECT_TIMEOUT` (and a few seconds): distributed applies its timeout to opening the
    connection, not to the scheduler's answer, and a server that accepts but never answers would
    hold the build for ever."""
    from dask.utils import parse_timedelta

    found: dict[str, Any] = {}

    def connect() -> None:
        try:
            with _quiet_distributed():
                found["client"] = client_class(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except Exception as err:  # any failure to connect is one line, never a traceback
            found["error"] = str(err).splitlines()[0] if str(err) else type(err).__name__

    waiting = threading.Thread(target=connect, daemon=True, name="dask-connect")
    waiting.start()
    limit = float(parse_timedelta(CONNECT_TIMEOUT)) + 5
    waiting.join(limit)
    if "client" in found:
        return found["client"]
    reason = found.get("error") or f"no answer within {limit:g} s"
    raise SchedulerError(f"cannot reach the Dask scheduler {address}: {reason}")


@contextlib.contextmanager
def _quiet_distributed() -> Any:
    """Keep distributed's own log records (a traceback per failed connection attempt) out of the
    build's output; the build says in one line what went wrong."""
    import logging

    loggers = [logging.getLogger(name) for name in ("distributed", "tornado")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
