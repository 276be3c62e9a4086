"""A process that imports what every report needs once, then forks one fresh kernel per request.

Run by :mod:`egov_analysis.reporting.kernel` as ``python -m egov_analysis.reporting.kernel_server``.
Requests arrive on stdin, one JSON object a line (``argv`` for ipykernel, ``env``, ``cwd``, and
``stderr``: the file for the kernel's own log, or null to keep the server's); the
reply is the forked kernel's process id on stdout. The server never runs report code, so every
kernel starts from the same state: the libraries imported, nothing executed. It ends with the
process that started it (stdin closed, or on Linux the parent-death signal), after its kernels.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import json
import os
import signal
import sys
import traceback
from typing import Any

# what every kernel and report imports (not matplotlib_inline's backend: imported before the shell
# exists, it would not hook itself into it); matplotlib reads MPLBACKEND when it is imported
PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.debugger",  # imports debugpy: a third of a kernel's start
    "IPython.core.interactiveshell",
    "IPython.core.completer",
    "pandas",
    "pyarrow.parquet",
    "matplotlib.pyplot",
    "egov_analysis.plots",
    "egov_analysis.analysis.rankings",
)
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
PR_SET_PDEATHSIG = 1
PARENT_VARIABLE = "EGOV_KERNEL_SERVER_PARENT"


def die_with_parent() -> None:
    """Ask Linux to kill this process when its parent ends (elsewhere: nothing)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _kernel(request: dict[str, Any], server: int) -> int:
    """In the forked child: become a kernel as ``python -m ipykernel_launcher ARGV`` would."""
    os.setsid()  # its own process group, as a launched kernel has: interrupts reach it alone
    die_with_parent()  # the server ends with its worker, and so do its kernels
    if os.getppid() != server:  # the server ended between the fork and the signal being armed
        return 1
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the kernel's own subprocesses are waited for
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)  # not the server's request pipe
    os.dup2(devnull, 1)  # not the server's reply pipe (ipykernel captures output itself)
    os.close(devnull)
    if request.get("stderr"):  # the kernel's own log, kept out of the build's
        stderr = os.open(request["stderr"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.dup2(stderr, 2)
        os.close(stderr)
    os.environ.clear()
    os.environ.update(request["env"])
    os.environ["JPY_PARENT_PID"] = str(os.getppid())  # ipykernel exits if the server goes
    if request.get("cwd"):
        os.chdir(request["cwd"])
    sys.argv = ["ipykernel_launcher", *request["argv"]]
    from ipykernel.kernelapp import IPKernelApp

    try:
        IPKernelApp.launch_instance(argv=request["argv"])
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else 0
    return 0


def _reap(signum: int, frame: object) -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def main() -> None:
    die_with_parent()
    if os.getppid() != int(os.environ.get(PARENT_VARIABLE, os.getppid())):
        return  # the parent ended before the parent-death signal was armed
    for name in PRELOAD:
        with contextlib.suppress(ImportError):  # a kernel then imports it itself, as usual
            importlib.import_module(name)
    # kernels are waited for as they end, so that their CPU time counts as this process's
    # children's (and so as the build's, in /usr/bin/time or the benchmark)
    signal.signal(signal.SIGCHLD, _reap)
    server = os.getpid()
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                code = _kernel(request, server)
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(code)
        sys.stdout.write(f"{pid}\n")
        sys.stdout.flush()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    try:
        while True:
            os.wait()  # the kernels still running
    except ChildProcessError:
        pass


if __name__ == "__main__":
    main()
