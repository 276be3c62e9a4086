"""The papermill engine that writes the executed notebook once (reporting/quiet_engine.py): the
notebook is still written when a cell raises, and when the kernel dies part way the cells that ran
are kept for a look."""

from __future__ import annotations

import nbformat
import pytest
from helpers import write_notebook

from egov_analysis.reporting.kernel import run_notebook


def test_the_executed_notebook_is_written_once_at_the_end(tmp_path, monkeypatch):
    import papermill.engines
    import papermill.execute

    writes = []
    for module in (papermill.engines, papermill.execute):  # the per-cell saves, the final write
        original = module.write_ipynb
        monkeypatch.setattr(
            module,
            "write_ipynb",
            lambda nb, path, m=module.__name__, f=original: (writes.append(m), f(nb, path)),
        )
    source = write_notebook(tmp_path / "ok.ipynb", "a = 1", "print(a + 1)", "print('done')")
    executed = tmp_path / "out.ipynb"
    book = run_notebook(source, executed, cwd=tmp_path)
    assert book.cells[1].outputs[0]["text"] == "2\n"
    assert writes == ["papermill.execute"]  # papermill's own engine writes 2 + 2 per cell more
    assert nbformat.read(executed, as_version=4).cells[2].outputs[0]["text"] == "done\n"


def test_a_cell_that_raises_still_leaves_the_executedwrite_notebook(tmp_path):
    from papermill.exceptions import PapermillExecutionError

    source = write_notebook(tmp_path / "bad.ipynb", "print('before')", "raise ValueError('no such province')")
    executed = tmp_path / "out.ipynb"
    with pytest.raises(PapermillExecutionError, match="no such province"):
        run_notebook(source, executed, cwd=tmp_path)
    book = nbformat.read(executed, as_version=4)
    outputs = [o for c in book.cells for o in c.get("outputs", [])]
    assert [o.get("text") for o in outputs if o["output_type"] == "stream"] == ["before\n"]
    assert [o["ename"] for o in outputs if o["output_type"] == "error"] == ["ValueError"]


def test_a_kernel_that_dies_part_way_leaves_the_cells_that_ran(tmp_path):
    source = write_notebook(
        tmp_path / "dies.ipynb", "print('before')", "import os; os._exit(1)", "print('never')"
    )
    executed = tmp_path / "out.ipynb"
    with pytest.raises(Exception, match=r"(?i)dead|died|kernel"):
        run_notebook(source, executed, cwd=tmp_path)
    book = nbformat.read(executed, as_version=4)
    printed = [o.get("text") for c in book.cells for o in c.get("outputs", [])]
    assert "before\n" in printed and "never\n" not in printed


KERNEL_NOISE = """
import logging, subprocess, sys
from pathlib import Path
from helpers import write_notebook
from egov_analysis.reporting.kernel import run_notebook

handler = logging.StreamHandler(sys.stdout)
logging.getLogger("egov_analysis.reporting.kernel").addHandler(handler)
logging.getLogger("egov_analysis.reporting.kernel").setLevel(logging.DEBUG)
folder = Path(sys.argv[1])
source = write_notebook(
    folder / "noisy.ipynb",
    "import os; os.write(2, b'written on fd 2 by the kernel\\\\n')",
    "from ipykernel.kernelapp import IPKernelApp as App; App.instance().log.error('logged by the kernel')",
    "print('cell output')",
)
book = run_notebook(source, folder / "out.ipynb", cwd=folder)
print(book.cells[2].outputs[0]["text"], end="")
"""


@pytest.mark.parametrize("preload", ["1", "0"])
def test_a_kernels_own_log_stays_out_of_the_builds_log_and_reaches_the_debug_logger(tmp_path, preload):
    # what CI once printed after a full disk: "[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel."
    import os
    import subprocess
    import sys
    from pathlib import Path

    tests = Path(__file__).parent
    env = {**os.environ, "EGOV_KERNEL_PRELOAD": preload, "PYTHONPATH": str(tests)}
    done = subprocess.run(
        [sys.executable, "-c", KERNEL_NOISE, str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "written on fd 2" not in done.stderr and "logged by the kernel" not in done.stderr, done.stderr
    assert "cell output" in done.stdout
    assert "written on fd 2 by the kernel" in done.stdout and "logged by the kernel" in done.stdout
