"""Where report runs go: the local process pool (the default) or a Dask cluster.

``egov-analysis build --scheduler tcp://HOST:PORT`` (or ``EGOV_DASK_SCHEDULER``) sends each report
to a ``dask.distributed`` cluster. :class:`ClusterExecutor` looks to the build like the local
``ProcessPoolExecutor``: ``submit(run_report, report, paths, run_id)`` returns a future of the
:class:`~.execute.Outcome`. Behind it the report runs on a worker in a temporary folder
(:func:`~.execute.run_remote`, a plain function), its files come back as bytes, and the build
process stages and publishes them with the local code (:func:`~.execute.receive`), under the
build's lock and with the build's cache. Only connect to schedulers you trust: a Dask scheduler
runs whatever code its clients send, and returns whatever its workers say.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any

from ..config import Paths
from .execute import Outcome, RemoteTask, receive, run_remote
from .reports import Report

SCHEDULER_ENV = "EGOV_DASK_SCHEDULER"
CONNECT_TIMEOUT = "20s"


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

    def __init__(self, address: str) -> None:
        try:
            from distributed import Client
        except ImportError as err:  # pragma: no cover - the dev and cluster extras install it
            hint = "pip install 'egov-analysis[cluster]'"
            raise SchedulerError(f"--scheduler needs dask.distributed: {hint}") from err
        try:
            self.client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError) as err:
            raise SchedulerError(f"cannot reach the Dask scheduler {address}: {err}") from err
        self._publishing = threading.Lock()
        self._remote: list[Any] = []
        self._library: str | None = None

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Only ``submit(run_report, report, paths, run_id)`` is understood (what the build sends)."""
        report, paths, run_id = args
        if not isinstance(report, Report) or not isinstance(paths, Paths):
            raise TypeError("ClusterExecutor runs reports: submit(run_report, report, paths, run_id)")
        if self._library is None:
            from .state import library_hash

            self._library = library_hash()
        task = RemoteTask(
            report=report,
            notebook=(paths.notebooks / report.notebook).read_bytes(),
            raw=str(paths.raw),
            processed=str(paths.processed),
            data_fingerprint=_data_fingerprint(paths),
            library=self._library,
        )
        outer: Future[Outcome] = Future()
        outer.set_running_or_notify_cancel()
        remote = self.client.submit(run_remote, task, pure=False, key=f"egov-report-{run_id}-{report.name}")
        self._remote.append(remote)
        remote.add_done_callback(lambda done: self._finish(done, outer, report, paths, run_id))
        return outer

    def _finish(self, done: Any, outer: Future[Outcome], report: Report, paths: Paths, run_id: str) -> None:
        try:
            result = done.result()
            with self._publishing:
                outer.set_result(receive(result, report, paths, run_id))
        except BaseException as err:  # a lost worker, a cancelled run: the build records it as failed
            outer.set_result(Outcome(report.name, False, 0.0, f"on the cluster: {type(err).__name__}: {err}"))

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if cancel_futures:
            self.client.cancel(self._remote)
        self.client.close()
