"""The kernel manager for report runs: kernels talk over Unix sockets in a private folder.

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

from jupyter_client.manager import AsyncKernelManager
from traitlets import default


class PrivateSocketKernelManager(AsyncKernelManager):
    """An ``AsyncKernelManager`` whose kernel listens on IPC sockets in a fresh temporary folder."""

    @default("transport")
    def _default_transport(self) -> str:
        return "ipc"

    @default("ip")
    def _default_ip(self) -> str:
        # short folder: a Unix socket path must stay under ~100 bytes
        folder = tempfile.mkdtemp(prefix="egov-kernel-", dir="/tmp" if os.path.isdir("/tmp") else None)
        return str(Path(folder) / "k")

    def cleanup_ipc_files(self) -> None:
        super().cleanup_ipc_files()
        if self.transport == "ipc":
            shutil.rmtree(Path(self.ip).parent, ignore_errors=True)


def kernel_manager_class() -> type[AsyncKernelManager]:
    """The manager class to hand to papermill/nbclient on this platform."""
    return AsyncKernelManager if sys.platform == "win32" else PrivateSocketKernelManager
