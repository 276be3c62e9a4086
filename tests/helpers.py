"""Small builders shared by tests: a one-report project around a notebook written on the spot, and
a local Dask cluster (a scheduler and two worker processes on 127.0.0.1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from egov_analysis import config

DECLARED = 'lang: str = "en"  # l\ntitle: str = ""  # t\nfigures: str = ""  # f\n'  # what the build injects


def write_notebook(path: Path, *sources: str, parameters: str | None = None) -> Path:
    """A Python notebook of code cells ``sources``, preceded by a cell tagged ``parameters`` when
    ``parameters`` is given."""
    cells = [new_code_cell(s) for s in sources]
    if parameters is not None:
        cells.insert(0, new_code_cell(parameters, metadata={"tags": ["parameters"]}))
    book = new_notebook(cells=cells)
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(book, path)
    return path


def one_report_project(
    root: Path, name: str, *sources: str, processed: config.Paths
) -> tuple[config.Paths, Path]:
    """Paths (outputs under ``root``, notebooks in ``root/notebooks``, the processed data of
    ``processed``: the session's, conftest ``real_processed``, never the checkout's) and a reports
    file holding one report ``name`` whose notebook runs ``sources`` after the parameters the build
    injects."""
    notebooks = root / "notebooks"
    notebooks.mkdir()
    write_notebook(notebooks / f"{name}.ipynb", *sources, parameters=DECLARED)
    reports_file = root / "reports.toml"
    reports_file.write_text(f'[[report]]\nname = "{name}"\ntitle = "{name}"\nnotebook = "{name}.ipynb"\n')
    paths = processed.with_overrides(reports=root / "reports", figures=root / "figures", notebooks=notebooks)
    return paths, reports_file


def local_dask_cluster() -> Any:
    """A ``distributed.LocalCluster`` of two single-threaded worker processes on 127.0.0.1, no
    dashboards (use it as a context manager)."""
    import distributed

    return distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        worker_dashboard_address=None,
    )
