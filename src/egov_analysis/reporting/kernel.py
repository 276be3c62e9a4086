"""How the project runs a notebook: papermill on kernel ``python3``, over Unix sockets in a private folder.

With the default TCP transport, jupyter_client picks free ports by binding and releasing them, and
the kernel binds them again a moment later; two workers starting kernels at once can pick the same
port, and one kernel dies with "Address already in use" (papermill issue #511). Sockets in a folder
of their own cannot collide. Windows has no Unix sockets, so there the default TCP manager is used.

Kernels are forked from a server process (:mod:`.kernel_server`, one per worker) that has already
imported ipykernel, pandas, matplotlib and the library: a kernel that starts as a new interpreter
spends ~0.4 CPU-seconds starting and ~0.9 importing those libraries, which the benchmark measured
as most of a report's overhead. Each fork is still a fresh kernel: the server never runs report
code, so nothing of one report reaches the next. ``EGOV_KERNEL_PRELOAD=0`` starts every kernel as
a new interpreter instead.

A kernel's own log (its standard error, not a cell's output, which ipykernel captures into the
notebook) goes to a file in its socket folder, not to the build's log: jupyter_client interrupts a
kernel before shutting it down, and a kernel still busy then logs "KeyboardInterrupt caught in
kernel", which a cron log must not show. What it wrote is passed to this module's logger at DEBUG.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import default

from .kernel_server import INLINE_BACKEND, PARENT_VARIABLE

KERNEL = "python3"
FOLDER_PREFIX = "egov-kernel-"
PRELOAD_VARIABLE = "EGOV_KERNEL_PRELOAD"
KERNEL_LOG = "kernel-stderr.log"

log = logging.getLogger(__name__)


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_orphaned_socket_folders(parent: Path) -> list[Path]:
    """Remove socket folders left by managers that were killed (a killed build cannot clean up).

    A folder is named after the process that made it; only the current user's folders whose
    process is gone are removed, so concurrent builds keep theirs.
    """
    removed = []
    for folder in parent.glob(f"{FOLDER_PREFIX}*-*"):
        pid = folder.name.removeprefix(FOLDER_PREFIX).split("-", 1)[0]
        try:
            mine = folder.stat().st_uid == os.getuid()
        except OSError:
            continue
        if pid.isdigit() and mine and not _is_running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def preload_enabled() -> bool:
    """Whether kernels are forked from the preloaded server (not on Windows; on by default)."""
    return sys.platform != "win32" and os.environ.get(PRELOAD_VARIABLE, "1") != "0"


class _KernelServer:
    """This process's kernel server (:mod:`.kernel_server`), started on first use."""

    _lock = threading.Lock()
    _process: subprocess.Popen[str] | None = None

    @classmethod
    def start(cls) -> subprocess.Popen[str]:
        """The running server, started if needed (it imports while the caller goes on)."""
        if cls._process is None or cls._process.poll() is not None:
            cls._process = subprocess.Popen(
                # frozen modules off, as ipykernel's kernel specs start kernels: debugpy warns otherwise
                [sys.executable, "-Xfrozen_modules=off", "-m", "egov_analysis.reporting.kernel_server"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                env={
                    **os.environ,
                    "MPLBACKEND": os.environ.get("MPLBACKEND", INLINE_BACKEND),
                    PARENT_VARIABLE: str(os.getpid()),
                },
            )
            atexit.register(cls.stop)
        return cls._process

    @classmethod
    def fork(cls, argv: list[str], env: dict[str, str], cwd: str | None, stderr: str | None = None) -> int:
        request = {"argv": argv, "env": env, "cwd": cwd, "stderr": stderr}
        with cls._lock:
            process = cls.start()
            assert process.stdin is not None and process.stdout is not None
            process.stdin.write(json.dumps(request) + "\n")
            process.stdin.flush()
            reply = process.stdout.readline()
        if not reply.strip().isdigit():
            raise RuntimeError("the kernel server ended before it could start a kernel")
        return int(reply)

    @classmethod
    def stop(cls) -> None:
        """Close the server's requests and wait for it (its kernels' CPU time then counts as ours)."""
        process, cls._process = cls._process, None
        if process is not None and process.stdin is not None:
            process.stdin.close()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def start_kernel_server() -> None:
    """Start this process's kernel server now, so that it imports while the caller does other work
    (a build's worker calls it as it starts); nothing when kernels are not forked."""
    if preload_enabled():
        with _KernelServer._lock:
            _KernelServer.start()


class _ForkedProcess:
    """The part of ``subprocess.Popen`` that jupyter_client uses, for a kernel forked by the server
    (not our child: it is reaped by the server, so "gone" is all that can be known of its end)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None and not _is_running(self.pid):
            self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int | None:
        import time

        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None and (deadline is None or time.monotonic() < deadline):
            time.sleep(0.05)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class PreloadedProvisioner(LocalProvisioner):
    """Starts the kernel by asking the kernel server to fork, instead of starting an interpreter."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        argv = cmd[cmd.index("-f") :] if "-f" in cmd else cmd[3:]
        env = {str(k): str(v) for k, v in (kwargs.get("env") or os.environ).items()}
        # a launched kernel starts where its launcher is (papermill changes into the notebook's
        # working folder before it starts the kernel); the server has its own
        cwd = kwargs.get("cwd") or os.getcwd()
        stderr = getattr(kwargs.get("stderr"), "name", None)  # the log file the manager opened
        pid = _KernelServer.fork(argv, env, str(cwd), stderr if isinstance(stderr, str) else None)
        self.process = _ForkedProcess(pid)  # type: ignore[assignment]  # duck-typed Popen
        self.pid = pid
        self.pgid = pid  # the kernel calls setsid(); until then jupyter_client falls back to the pid
        self.cwd = cwd or Path.cwd()
        return self.connection_info


class PrivateSocketKernelManager(AsyncKernelManager):
    """An ``AsyncKernelManager`` whose kernel listens on IPC sockets in a fresh temporary folder and
    is forked from a preloaded server (see the module docstring)."""

    async def _async_pre_start_kernel(self, **kw: Any) -> Any:
        if self.provisioner is None and preload_enabled():
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or _new_id()
            self.provisioner = PreloadedProvisioner(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
            )
        return await super()._async_pre_start_kernel(**kw)

    @default("transport")
    def _default_transport(self) -> str:
        return "ipc"

    @default("ip")
    def _default_ip(self) -> str:
        # a short folder: a Unix socket path must stay under ~100 bytes
        parent = Path("/tmp") if os.path.isdir("/tmp") else Path(tempfile.gettempdir())
        remove_orphaned_socket_folders(parent)
        folder = tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-", dir=parent)
        return str(Path(folder) / "k")

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        with open(Path(self.ip).parent / KERNEL_LOG, "ab") as stderr:  # the kernel keeps its own copy
            kw["stderr"] = stderr
            await super()._async_launch_kernel(kernel_cmd, **kw)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if self.transport == "ipc" and not restart:  # a restarted kernel binds in the same folder
            with contextlib.suppress(OSError):
                written = (Path(self.ip).parent / KERNEL_LOG).read_text(encoding="utf-8", errors="replace")
                if written.strip():
                    log.debug("kernel %s wrote on its standard error:\n%s", self.kernel_id, written.rstrip())
            shutil.rmtree(Path(self.ip).parent, ignore_errors=True)


def _new_id() -> str:
    import uuid

    return str(uuid.uuid4())


def kernel_manager_class() -> type[AsyncKernelManager]:
    """The manager class to hand to papermill/nbclient on this platform."""
    return AsyncKernelManager if sys.platform == "win32" else PrivateSocketKernelManager


def run_notebook(
    source: Path,
    executed: Path,
    cwd: Path,
    parameters: dict[str, Any] | None = None,
    time_limit: float | None = None,
) -> Any:
    """Execute ``source`` into ``executed`` with papermill (explicit kernel and cwd, quiet); returns the
    executed notebook and raises papermill's errors; nbclient's ``CellTimeoutError`` once the whole
    run has taken ``time_limit`` seconds (each cell may take what the run has left)."""
    import papermill

    limits: dict[str, Any] = {}
    if time_limit is not None:
        deadline = time.monotonic() + time_limit
        limits["timeout_func"] = lambda cell: max(1, int(deadline - time.monotonic() + 0.999))

    from . import quiet_engine, readable_parameters

    readable_parameters.register()  # Vietnamese parameters stay readable in the executed notebook
    quiet_engine.register()  # one write of the executed notebook, not two per cell
    return papermill.execute_notebook(
        str(source),
        str(executed),
        parameters=parameters,
        engine_name=quiet_engine.ENGINE,
        kernel_name=KERNEL,
        kernel_manager_class=kernel_manager_class(),
        cwd=str(cwd),
        progress_bar=False,
        log_output=False,
        **limits,
    )
