"""How the project runs a notebook: papermill on kernel ``python3``, over Unix sockets in a private folder.

With the default TCP transport, jupyter_client picks free ports by binding and releasing them, and
the kernel binds them again a moment later; two workers starting kernels at once can pick the same
port, and one kernel dies with "Address already in use" (papermill issue #511). Sockets in a folder
of their own cannot collide. Windows has no Unix sockets, so there the default TCP manager is used.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from traitlets import default

KERNEL = "python3"
FOLDER_PREFIX = "egov-kernel-"


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


class PrivateSocketKernelManager(AsyncKernelManager):
    """An ``AsyncKernelManager`` whose kernel listens on IPC sockets in a fresh temporary folder."""

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

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if self.transport == "ipc" and not restart:  # a restarted kernel binds in the same folder
            shutil.rmtree(Path(self.ip).parent, ignore_errors=True)


def kernel_manager_class() -> type[AsyncKernelManager]:
    """The manager class to hand to papermill/nbclient on this platform."""
    return AsyncKernelManager if sys.platform == "win32" else PrivateSocketKernelManager


def run_notebook(source: Path, executed: Path, cwd: Path, parameters: dict[str, Any] | None = None) -> Any:
    """Execute ``source`` into ``executed`` with papermill (explicit kernel and cwd, quiet); returns the
    executed notebook and raises papermill's errors."""
    import papermill

    from .readable_parameters import register

    register()  # Vietnamese parameters stay readable in the executed notebook
    return papermill.execute_notebook(
        str(source),
        str(executed),
        parameters=parameters,
        kernel_name=KERNEL,
        kernel_manager_class=kernel_manager_class(),
        cwd=str(cwd),
        progress_bar=False,
        log_output=False,
    )
