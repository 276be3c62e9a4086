"""Keep in the committed notebooks only the outputs of cells tagged ``keep_output`` (the few cells
that print plain rounded key numbers, checked by ``pytest --nbval-lax`` via ``# NBVAL_CHECK_OUTPUT``)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..config import ENV_VARS, Paths

KEEP_TAG = "keep_output"


def refresh_outputs(paths: Paths, names: list[str] | None = None) -> list[Path]:
    """Run each notebook with its default parameters and store the outputs of its tagged cells."""
    import nbformat

    from .kernel import run_notebook

    written = []
    notebooks = sorted(paths.notebooks.glob("*.ipynb"))
    for path in notebooks:
        if names and path.stem not in names:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            os.environ[ENV_VARS["figures"]] = tmp  # the kernel's figures go nowhere lasting
            executed = run_notebook(path, Path(tmp) / path.name, cwd=paths.notebooks)
        source = nbformat.read(path, as_version=4)
        for cell, done in zip(source.cells, executed.cells, strict=True):
            if cell.cell_type != "code":
                continue
            keep = KEEP_TAG in cell.metadata.get("tags", [])
            cell.outputs = [o for o in done.outputs if o.output_type == "stream"] if keep else []
            # nbval compares only cells that ran: a kept cell keeps its execution count
            cell.execution_count = done.execution_count if keep else None
        nbformat.write(source, path)
        written.append(path)
    return written
