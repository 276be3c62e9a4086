"""egov-analysis: Vietnam's provincial e-government and governance, as tidy data, charts and reports.

Quick start::

    import egov_analysis as ea

    ea.datasets()                        # the tables there are, one line each
    indices = ea.load("indices")         # every index value: index, year, geography, province, indicator
    pci = ea.analysis.rankings.select(indices, "PCI", start_year=2015)   # one index and indicator
    ea.provinces.resolve("TP.HCM")       # any spelling of a province: its code and names

    ctx = ea.plots.DrawingContext(lang="vi", out_dir=None)   # charts in Vietnamese (needs [plots])
    ea.plots.bump_chart(ctx, pci, highlight=["Quảng Ninh"], top_n=10)

``load(name)`` rebuilds the processed tables from ``data/raw`` when they are stale (in a checkout),
or reads the ones shipped with the package, named by ``EGOV_PROCESSED_DIR`` or downloaded from
``EGOV_DATA_URL``, and says in one line how to point it at data when there are none. Columns, units and
sources of every table: ``docs/data_dictionary.md``; the data's terms: the README.

Submodules are imported on first use so that ``import egov_analysis`` stays fast (no pandas or
plotting imports at import time): ``analysis``, ``plots`` (extra ``[plots]``), ``tables`` (tables for
people, extra ``[tables]``), ``provinces``, ``config``, ``fields``, ``meta``, ``datasets``,
``datapackage`` (the data download's descriptor), ``cli``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what static tools and completion see; at run time each is imported on first use
    from . import analysis, cli, config, datasets, fields, meta, plots, provinces, tables
    from .datasets import load


def _version() -> str:
    """The installed distribution's version (from git tags by setuptools-scm, written when the
    package is installed), else ``0+unknown`` (sources on ``sys.path`` without an install)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("egov-analysis")
    except PackageNotFoundError:
        return "0+unknown"


__version__ = _version()

__all__ = [
    "__version__",
    "analysis",
    "cli",
    "config",
    "datapackage",
    "datasets",
    "fields",
    "load",
    "meta",
    "plots",
    "provinces",
    "tables",
]
_FUNCTIONS = {"load": "egov_analysis.datasets"}
_SUBMODULES = tuple(name for name in __all__ if name not in _FUNCTIONS and name != "__version__")


# the extra that brings the third-party packages of each optional part
_EXTRAS = {"matplotlib": "plots", "seaborn": "plots", "adjustText": "plots", "babel": "plots",
           "great_tables": "tables", "pysyncon": "counterfactual", "papermill": "reports",
           "nbconvert": "reports", "nbformat": "reports", "tqdm": "reports", "ipykernel": "reports",
           "jinja2": "reports", "PIL": "reports", "IPython": "reports", "grimp": "reports",
           "jupyter_client": "reports", "xlrd": "importers", "openpyxl": "importers",
           "shapely": "importers", "distributed": "cluster"}  # fmt: skip


class MissingExtraError(AttributeError):
    """``ea.plots`` (or another part) whose optional dependencies are not installed; the message
    names the extra. An ``AttributeError``, as a module attribute that cannot be given is, so that
    ``help()``, ``hasattr`` and completion pass over it."""


def _import_part(module: str) -> Any:
    """Import ``module``, or raise :class:`MissingExtraError` naming the extra to install."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as err:
        missing = (err.name or "").split(".")[0]
        if missing not in _EXTRAS:
            raise
        # the part's own extra where it has one (ea.tables needs Babel and Great Tables: [tables])
        parts = {"tables": "tables", "plots": "plots", "counterfactual": "counterfactual"}
        extra = next((e for part, e in parts.items() if f".{part}" in module), _EXTRAS[missing])
        raise MissingExtraError(
            f"{module} needs {missing}, from the extra [{extra}]: pip install 'egov-analysis[{extra}]'"
        ) from err


def __getattr__(name: str) -> Any:
    """``ea.plots``, ``ea.analysis``, ``ea.load`` …: each part imported the first time it is used."""
    if name in _SUBMODULES:
        return _import_part(f"{__name__}.{name}")
    if name in _FUNCTIONS:
        return getattr(importlib.import_module(_FUNCTIONS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    """What completion offers: the public names (each imported only when used)."""
    hidden = {"annotations", "importlib", "Any", "TYPE_CHECKING", "MissingExtraError"}
    return sorted({*globals(), *__all__} - hidden)
